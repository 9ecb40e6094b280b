//! Fetching a page: its bytes over http(s) (timeouts, redirects, size cap, conditional requests,
//! status errors with Retry-After) or from a file, checked to be HTML and decoded to text the way
//! a browser does. Errors are one line a user can act on, each naming the URL or path.
//! [`politeness`] (with [`robots`]) is how every command that polls asks for a feed's page.

pub mod browser;
mod decode;
pub mod guard;
pub mod moment;
pub mod politeness;
pub mod request;
pub mod robots;
mod source;
#[rustfmt::skip]
pub mod special;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::error::Error as _;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Response, StatusCode};
use url::Url;

pub use decode::decode;
pub use source::Source;

use decode::{acceptable_type, essence, sniff_binary};
use guard::{Reach, Refused};
use request::SiteRequest;

/// The longest Retry-After that is honoured (for a list and for item pages); a longer one is
/// cut to this: a header is evidence of the server's state, not an order to stop for ever.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

const ACCEPT: &str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

/// How pages are fetched.
#[derive(Clone, Debug)]
pub struct FetchOptions {
    pub user_agent: String,
    /// Longest wait for a connection (default 10 s).
    pub connect_timeout: Duration,
    /// Longest wait without a byte (default 30 s).
    pub read_timeout: Duration,
    /// Longest wait for the whole request, body included (default 60 s).
    pub total_timeout: Duration,
    /// Largest body accepted (default 10 MiB); never more than this is buffered.
    pub max_body: u64,
    /// Most redirects followed (default 5).
    pub max_redirects: usize,
    /// How pages of feeds with `render = "browser"` are rendered.
    pub browser: browser::BrowserOptions,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            user_agent: format!("pagefeed/{}", env!("CARGO_PKG_VERSION")),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(60),
            max_body: 10 * 1024 * 1024,
            max_redirects: 5,
            browser: browser::BrowserOptions::default(),
        }
    }
}

/// A response's cache validators, sent back as If-None-Match / If-Modified-Since.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A fetched, decoded page.
#[derive(Clone, Debug)]
pub struct Page {
    /// The decoded text.
    pub text: String,
    /// The final URL after redirects (a file:// URL for files).
    pub url: Url,
    /// The response's Date header less its Age header (None for files or when absent/unparseable).
    pub date: Option<DateTime<Utc>>,
    /// ETag / Last-Modified of the response.
    pub validators: Validators,
    pub from_file: bool,
    /// The encoding used, e.g. "UTF-8", "windows-1252".
    pub encoding: &'static str,
    /// The body's size in bytes.
    pub bytes: usize,
    /// The response's `Content-Language` header, as given (None for files).
    pub content_language: Option<String>,
}

/// The outcome of a fetch that did not fail.
#[derive(Clone, Debug)]
pub enum Fetched {
    Page(Box<Page>),
    /// A 304 to a conditional request: the page is as it was at the last good poll.
    NotModified,
}

/// Which timeout ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeoutPhase {
    Connect,
    Read,
    Total,
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutPhase::Connect => "connect",
            TimeoutPhase::Read => "read",
            TimeoutPhase::Total => "total",
        })
    }
}

/// Why a page could not be had; each message is one line naming the URL or path.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// Unreachable host, connection refused, DNS failure, TLS handshake failure.
    #[error("{url}: cannot connect ({reason})")]
    Connect { url: String, reason: String },
    #[error("{url}: no answer within {} ({phase} timeout)", seconds(.after))]
    Timeout {
        url: String,
        phase: TimeoutPhase,
        after: Duration,
    },
    /// A redirect or DNS answer leading to an address the feed may not reach (see [`guard`]).
    #[error("{url}: {refused}")]
    Refused { url: String, refused: Refused },
    #[error("{url}: more than {limit} redirects")]
    TooManyRedirects { url: String, limit: usize },
    #[error("{url}: HTTP {code}{}{}", status_reason(.code), retry_note(.retry_after))]
    Status {
        url: String,
        code: u16,
        retry_after: Option<Duration>,
    },
    #[error("{origin}: body larger than {}", size(.limit))]
    TooLarge { origin: String, limit: u64 },
    #[error("{origin}: not HTML ({what})")]
    NotHtml { origin: String, what: String },
    /// Nothing, or only white space, where a page should be: the source failed to say
    /// anything, which may pass (it is no page of another shape).
    #[error("{origin}: the page is empty ({bytes} bytes, none but white space)")]
    Empty { origin: String, bytes: usize },
    #[error("{origin}: unknown charset {label:?}")]
    UnknownCharset { origin: String, label: String },
    #[error("{origin}: bytes not valid {encoding} (at byte {offset})")]
    Malformed {
        origin: String,
        encoding: &'static str,
        offset: usize,
    },
    /// The transfer failed after connecting: connection reset or closed mid-body, a response
    /// that is not HTTP.
    #[error("{url}: {reason}")]
    Transfer { url: String, reason: String },
    #[error("{}: {}", .path.display(), source::io_reason(.source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("feed url {value:?}: {reason}")]
    BadSource { value: String, reason: String },
    /// The page could not be rendered: no browser, a browser that failed or crashed, a page
    /// that did not load or showed no item in time.
    #[error("{url}: browser: {reason}")]
    Browser { url: String, reason: String },
    /// The HTTP client could not be built (e.g. a user agent that is not a valid header).
    #[error("cannot set up HTTP: {reason}")]
    Setup { reason: String },
}

impl FetchError {
    /// How long the server asked us to wait (Retry-After of a 429 or 503).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The HTTP status code of a status error.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { code, .. } => Some(*code),
            _ => None,
        }
    }

    fn too_large(origin: &str, limit: u64) -> FetchError {
        FetchError::TooLarge {
            origin: origin.to_owned(),
            limit,
        }
    }
}

fn seconds(duration: &Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{}s", duration.as_secs())
    } else {
        format!("{}ms", duration.as_millis())
    }
}

fn status_reason(code: &u16) -> String {
    let reason = StatusCode::from_u16(*code)
        .ok()
        .and_then(|status| status.canonical_reason());
    reason.map(|r| format!(" {r}")).unwrap_or_default()
}

fn retry_note(retry_after: &Option<Duration>) -> String {
    retry_after
        .map(|d| format!(" (retry after {}s)", d.as_secs()))
        .unwrap_or_default()
}

fn size(limit: &u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    match *limit {
        n if n >= MIB && n % MIB == 0 => format!("{} MiB", n / MIB),
        n if n >= KIB && n % KIB == 0 => format!("{} KiB", n / KIB),
        n => format!("{n} bytes"),
    }
}

/// Refuse bytes that are binary data rather than a page.
fn check_html(bytes: &[u8], content_type: Option<&str>, origin: &str) -> Result<(), FetchError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FetchError::Empty {
            origin: origin.to_owned(),
            bytes: bytes.len(),
        });
    }
    match sniff_binary(bytes, content_type) {
        Some(what) => Err(FetchError::NotHtml {
            origin: origin.to_owned(),
            what: what.to_owned(),
        }),
        None => Ok(()),
    }
}

/// Fetches pages; holds one HTTP client (connection pool) per reach (see [`guard`]), each
/// made when the first request of that reach needs it.
#[derive(Clone, Debug)]
pub struct Fetcher {
    /// By reach, and whether the client follows redirects (a rendering browser follows them
    /// itself).
    clients: Arc<Mutex<HashMap<(Reach, bool), reqwest::Client>>>,
    options: FetchOptions,
    /// The browser for `render = "browser"`, started by the first render.
    browser: Arc<browser::Browser>,
}

impl Fetcher {
    /// Clients are built when the first http(s) request needs one: a run that reads only
    /// files never loads the system's certificates. What would stop a client from being
    /// built (a user agent HTTP cannot carry) is an error here already.
    pub fn new(options: FetchOptions) -> Result<Fetcher, FetchError> {
        HeaderValue::from_str(&options.user_agent).map_err(|e| FetchError::Setup {
            reason: format!("user agent {:?}: {e}", options.user_agent),
        })?;
        Ok(Fetcher {
            clients: Arc::new(Mutex::new(HashMap::new())),
            browser: browser::Browser::shared(options.browser.clone()),
            options,
        })
    }

    /// The client for fetches of this reach.
    fn client(&self, reach: Reach) -> Result<reqwest::Client, FetchError> {
        self.client_of(reach, true)
    }

    /// The client for the requests of a page rendered for a feed of this reach: it follows
    /// no redirect (the browser does, asking for each target in turn).
    fn page_client(&self, reach: Reach) -> Result<reqwest::Client, FetchError> {
        self.client_of(reach, false)
    }

    fn client_of(&self, reach: Reach, redirects: bool) -> Result<reqwest::Client, FetchError> {
        let mut clients = self
            .clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(client) = clients.get(&(reach, redirects)) {
            return Ok(client.clone());
        }
        let client = build_client(&self.options, reach, redirects)?;
        clients.insert((reach, redirects), client.clone());
        Ok(client)
    }

    /// Render a page in the browser, for no feed in particular (see
    /// [`Fetcher::render_feed_with`]).
    pub async fn render_feed(
        &self,
        source: &Source,
        private_network: bool,
        render: &browser::Render,
    ) -> Result<Fetched, FetchError> {
        self.render_feed_with(source, private_network, render, None)
            .await
    }

    /// Render a feed's page in the browser (`render = "browser"`): an http(s) page loaded,
    /// its script run, its items waited for (see [`browser`]), with the feed's own headers and
    /// cookies (`site`) for its own site. A file is read as ever.
    pub async fn render_feed_with(
        &self,
        source: &Source,
        private_network: bool,
        render: &browser::Render,
        site: Option<Arc<SiteRequest>>,
    ) -> Result<Fetched, FetchError> {
        let url = match source {
            Source::Http(url) => url,
            Source::File(_) => {
                return self
                    .fetch_feed(source, None, private_network, site.as_deref())
                    .await;
            }
        };
        let reach = Reach::of_feed(url, private_network);
        let outcome = self.browser.render(self, url, reach, render, site).await;
        match &outcome {
            Ok(page) => tracing::debug!(url = %page.url, bytes = page.bytes, "rendered"),
            Err(error) => tracing::debug!(%error, "render failed"),
        }
        outcome.map(|page| Fetched::Page(Box::new(page)))
    }

    /// The client for requests made for a feed at `url` (its robots.txt, say): the same reach,
    /// and so the same refusals, as its pages.
    pub fn client_for(
        &self,
        url: &Url,
        private_network: bool,
    ) -> Result<reqwest::Client, FetchError> {
        self.client(Reach::of_feed(url, private_network))
    }

    /// How long one request may take in all.
    pub fn total_timeout(&self) -> std::time::Duration {
        self.options.total_timeout
    }

    /// Fetch a page of a feed without `private_network` or a feed's own headers (see
    /// [`Fetcher::fetch_feed`]).
    pub async fn fetch(
        &self,
        source: &Source,
        conditional: Option<&Validators>,
    ) -> Result<Fetched, FetchError> {
        self.fetch_feed(source, conditional, false, None).await
    }

    /// Fetch a page. `conditional`: validators from the last good poll, sent as
    /// If-None-Match / If-Modified-Since; a 304 then gives `Fetched::NotModified`.
    /// `private_network`: the feed's setting; without it redirects and DNS answers may only
    /// lead to public addresses or ones of the configured URL's own class (see [`guard`]).
    /// `site`: the feed's own headers and cookies, sent to its own site only ([`request`]).
    pub async fn fetch_feed(
        &self,
        source: &Source,
        conditional: Option<&Validators>,
        private_network: bool,
        site: Option<&SiteRequest>,
    ) -> Result<Fetched, FetchError> {
        let url = match source {
            Source::Http(url) => url,
            Source::File(path) => {
                let page = source::read_file(path, self.options.max_body).await?;
                return Ok(Fetched::Page(Box::new(page)));
            }
        };
        self.fetch_within(Reach::of_feed(url, private_network), url, conditional, site)
            .await
    }

    /// Fetch a page an item of a feed links to, with the feed's reach (see [`guard`]): the
    /// link itself must lie within it too, so that a list page cannot send pagefeed to an
    /// address more internal than the list's own. `feed_url` is the feed's configured URL
    /// (None for a feed read from a file: public addresses only, unless `private_network`).
    pub async fn fetch_linked(
        &self,
        url: &Url,
        feed_url: Option<&Url>,
        private_network: bool,
        site: Option<&SiteRequest>,
    ) -> Result<Page, FetchError> {
        let reach = Self::linked_reach(feed_url, private_network);
        reach
            .check_link(url)
            .map_err(|refused| FetchError::Refused {
                url: url.to_string(),
                refused,
            })?;
        match self.fetch_within(reach, url, None, site).await? {
            Fetched::Page(page) => Ok(*page),
            // Only a conditional request is answered with NotModified.
            Fetched::NotModified => Err(FetchError::Transfer {
                url: url.to_string(),
                reason: "304 Not Modified to a request that asked for the page".into(),
            }),
        }
    }

    /// The reach of fetches for pages a feed links to (see [`Fetcher::fetch_linked`]).
    fn linked_reach(feed_url: Option<&Url>, private_network: bool) -> Reach {
        match feed_url {
            Some(u) => Reach::of_feed(u, private_network),
            None if private_network => Reach::Any,
            None => Reach::Within(guard::Class::Public),
        }
    }

    /// The client for requests made for pages a feed links to (their robots.txt).
    pub fn client_for_linked(
        &self,
        feed_url: Option<&Url>,
        private_network: bool,
    ) -> Result<reqwest::Client, FetchError> {
        self.client(Self::linked_reach(feed_url, private_network))
    }

    async fn fetch_within(
        &self,
        reach: Reach,
        url: &Url,
        conditional: Option<&Validators>,
        site: Option<&SiteRequest>,
    ) -> Result<Fetched, FetchError> {
        let client = self.page_client(reach)?;
        let total = self.options.total_timeout;
        let result = tokio::time::timeout(
            total,
            self.fetch_http(&client, reach, url, conditional, site),
        )
        .await;
        let outcome = result.unwrap_or_else(|_| {
            Err(FetchError::Timeout {
                url: url.to_string(),
                phase: TimeoutPhase::Total,
                after: total,
            })
        });
        match &outcome {
            Ok(Fetched::Page(page)) => tracing::debug!(
                url = %page.url, bytes = page.bytes, encoding = page.encoding, "fetched"
            ),
            Ok(Fetched::NotModified) => tracing::debug!(%url, "not modified"),
            Err(error) => tracing::debug!(%error, "fetch failed"),
        }
        outcome
    }

    /// One page over HTTP with `client`, which follows no redirect: each redirect is followed
    /// here, its target checked against `reach` first (see [`guard`]), at most
    /// `max_redirects`; the feed's own headers and cookies (`site`) go with each request to its
    /// own site and with none to another, and the cookies each response of its site sets are
    /// kept.
    async fn fetch_http(
        &self,
        client: &reqwest::Client,
        reach: Reach,
        url: &Url,
        conditional: Option<&Validators>,
        site: Option<&SiteRequest>,
    ) -> Result<Fetched, FetchError> {
        let mut at = url.clone();
        let mut redirects = 0;
        let (response, is_conditional) = loop {
            let mut request = client.get(at.clone());
            if let Some(site) = site {
                request = request.headers(site.headers_for(&at));
            }
            let (request, is_conditional) = conditional_headers(request, conditional);
            let response = request
                .send()
                .await
                .map_err(|e| self.request_error(url, &e))?;
            if let Some(site) = site {
                site.remember(&at, response.headers());
            }
            let Some(next) = redirect_target(&response, &at) else {
                break (response, is_conditional);
            };
            redirects += 1;
            if redirects > self.options.max_redirects {
                return Err(FetchError::TooManyRedirects {
                    url: url.to_string(),
                    limit: self.options.max_redirects,
                });
            }
            reach
                .check_redirect(&next)
                .map_err(|refused| FetchError::Refused {
                    url: url.to_string(),
                    refused,
                })?;
            at = next;
        };
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED && is_conditional {
            return Ok(Fetched::NotModified);
        }
        let origin = response.url().to_string();
        if !status.is_success() {
            return Err(status_error(&origin, status, response.headers()));
        }
        let content_type = header_text(response.headers(), header::CONTENT_TYPE);
        check_response_head(
            response.headers(),
            content_type.as_deref(),
            &origin,
            self.options.max_body,
        )?;
        let final_url = response.url().clone();
        let date = date_less_age(response.headers());
        let validators = validators(response.headers());
        let content_language = header_text(response.headers(), header::CONTENT_LANGUAGE)
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty());
        let body = self.read_body(response, &origin).await?;
        check_html(&body, content_type.as_deref(), &origin)?;
        let (text, encoding) = decode(&body, content_type.as_deref(), &origin)?;
        Ok(Fetched::Page(Box::new(Page {
            text,
            url: final_url,
            date,
            validators,
            from_file: false,
            encoding,
            bytes: body.len(),
            content_language,
        })))
    }

    /// Read the body chunk by chunk, never holding more than `max_body` bytes.
    async fn read_body(&self, mut response: Response, origin: &str) -> Result<Vec<u8>, FetchError> {
        let limit = self.options.max_body;
        let expected = header_text(response.headers(), header::CONTENT_LENGTH)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0)
            .min(limit);
        let mut body = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.body_error(origin, &e))?
        {
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(FetchError::too_large(origin, limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// Classify an error of sending the request (up to the response head).
    fn request_error(&self, url: &Url, error: &reqwest::Error) -> FetchError {
        let url = url.to_string();
        if let Some(refused) = find_cause::<Refused>(error) {
            let refused = refused.clone();
            return FetchError::Refused { url, refused };
        }
        if error.is_redirect() {
            let limit = self.options.max_redirects;
            return FetchError::TooManyRedirects { url, limit };
        }
        if error.is_timeout() {
            return self.timeout(url, error.is_connect());
        }
        if error.is_connect() {
            return FetchError::Connect {
                url,
                reason: connect_reason(error),
            };
        }
        FetchError::Transfer {
            url,
            reason: format!("no valid response ({})", root_cause(error)),
        }
    }

    /// Classify an error while reading the body.
    fn body_error(&self, origin: &str, error: &reqwest::Error) -> FetchError {
        if error.is_timeout() {
            return self.timeout(origin.to_owned(), false);
        }
        FetchError::Transfer {
            url: origin.to_owned(),
            reason: format!("body cut short ({})", root_cause(error)),
        }
    }

    fn timeout(&self, url: String, connecting: bool) -> FetchError {
        let (phase, after) = if connecting {
            (TimeoutPhase::Connect, self.options.connect_timeout)
        } else {
            (TimeoutPhase::Read, self.options.read_timeout)
        };
        FetchError::Timeout { url, phase, after }
    }
}

/// TLS through rustls with the *ring* crypto provider, installed once for the process: it
/// builds from a few C files, where rustls's default provider (aws-lc) compiles a whole C
/// library with cmake, most of a fresh build's time for TLS.
fn tls_provider() {
    // Err only when a provider is installed already, which is as good.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A client for fetches of `reach`: its redirects and, short of `Reach::Any`, its DNS answers
/// checked by the guard.
fn build_client(
    options: &FetchOptions,
    reach: Reach,
    redirects: bool,
) -> Result<reqwest::Client, FetchError> {
    tls_provider();
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT));
    let mut builder = reqwest::Client::builder()
        .user_agent(options.user_agent.as_str())
        .default_headers(headers)
        .connect_timeout(options.connect_timeout)
        .read_timeout(options.read_timeout)
        .gzip(true)
        .brotli(true)
        .deflate(true);
    builder = match reach {
        Reach::Any => builder.redirect(reqwest::redirect::Policy::limited(options.max_redirects)),
        Reach::Within(_) => builder
            .redirect(guard::redirect_policy(reach, options.max_redirects))
            .dns_resolver(Arc::new(guard::Resolver(reach))),
    };
    if !redirects {
        builder = builder.redirect(reqwest::redirect::Policy::none());
    }
    // Tests only ever talk to 127.0.0.1, whatever proxy the environment names.
    if cfg!(test) {
        builder = builder.no_proxy();
    }
    builder.build().map_err(|e| FetchError::Setup {
        reason: root_cause(&e),
    })
}

/// The first error of type `E` in the chain of `error`'s causes.
fn find_cause<'a, E: std::error::Error + 'static>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a E> {
    let mut cause = Some(error);
    while let Some(current) = cause {
        if let Some(found) = current.downcast_ref::<E>() {
            return Some(found);
        }
        cause = current.source();
    }
    None
}

/// Add If-None-Match / If-Modified-Since; whether any was added.
fn conditional_headers(
    mut request: reqwest::RequestBuilder,
    conditional: Option<&Validators>,
) -> (reqwest::RequestBuilder, bool) {
    let Some(validators) = conditional else {
        return (request, false);
    };
    let mut sent = false;
    let pairs = [
        (header::IF_NONE_MATCH, &validators.etag),
        (header::IF_MODIFIED_SINCE, &validators.last_modified),
    ];
    for (name, value) in pairs {
        if let Some(value) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            request = request.header(name, value);
            sent = true;
        }
    }
    (request, sent)
}

/// Refuse a response by its head: a content type that is not a page, a declared length over the cap.
fn check_response_head(
    headers: &HeaderMap,
    content_type: Option<&str>,
    origin: &str,
    limit: u64,
) -> Result<(), FetchError> {
    if !acceptable_type(content_type) {
        return Err(FetchError::NotHtml {
            origin: origin.to_owned(),
            what: essence(content_type.unwrap_or_default()),
        });
    }
    let length =
        header_text(headers, header::CONTENT_LENGTH).and_then(|v| v.trim().parse::<u64>().ok());
    if length.is_some_and(|length| length > limit) {
        return Err(FetchError::too_large(origin, limit));
    }
    Ok(())
}

/// Where a redirect answer (301, 302, 303, 307, 308 with a `Location`) to a request for `at`
/// leads: an http(s) URL, else nowhere (the answer is then taken as it is: not a page).
fn redirect_target(response: &Response, at: &Url) -> Option<Url> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = header_text(response.headers(), header::LOCATION)?;
    let next = at.join(location.trim()).ok()?;
    matches!(next.scheme(), "http" | "https").then_some(next)
}

fn status_error(origin: &str, status: StatusCode, headers: &HeaderMap) -> FetchError {
    let code = status.as_u16();
    let retry_after = match code {
        429 | 503 => header_text(headers, header::RETRY_AFTER).and_then(|value| {
            let date =
                header_text(headers, header::DATE).and_then(|d| httpdate::parse_http_date(&d).ok());
            parse_retry_after(&value, date, SystemTime::now())
        }),
        _ => None,
    };
    FetchError::Status {
        url: origin.to_owned(),
        code,
        retry_after,
    }
}

/// A Retry-After value: delay seconds, or an HTTP date taken relative to the response's `date`
/// (the system clock `now` only when the response has none). A date in the past is no delay.
pub fn parse_retry_after(
    value: &str,
    date: Option<SystemTime>,
    now: SystemTime,
) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(date.unwrap_or(now))
            .unwrap_or(Duration::ZERO),
    )
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The largest `Age` believed, in seconds: one day.
///
/// `Age` is how long a cache has held the response. Caches in front of listing pages hold
/// them for seconds to hours; an Age of more than a day on a page worth polling is a broken
/// or lying cache, and since the Date less the Age is the moment every relative date on the
/// page is read against, believing it would pin every new item that far back (an Age of
/// 86400000 is 1,000 days). A larger Age is no evidence: the Date is taken alone.
pub const MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// The moment the response was generated: its Date less its Age. An Age that is not a number
/// of seconds, or more than [`MAX_AGE`], is ignored (logged at debug).
fn date_less_age(headers: &HeaderMap) -> Option<DateTime<Utc>> {
    let date = httpdate::parse_http_date(&header_text(headers, header::DATE)?).ok()?;
    let age = header_text(headers, header::AGE).map_or(Duration::ZERO, |text| {
        match believed_age(&text) {
            Some(age) => age,
            None => {
                tracing::debug!(age = %text, "ignoring the Age header: not a believable age");
                Duration::ZERO
            }
        }
    });
    to_utc(date.checked_sub(age).unwrap_or(date))
}

/// An Age value (RFC 9111 delta-seconds: digits only) when it is at most [`MAX_AGE`].
fn believed_age(text: &str) -> Option<Duration> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let age = Duration::from_secs(text.parse::<u64>().ok()?);
    (age <= MAX_AGE).then_some(age)
}

/// A system time as a chrono time, None where chrono cannot hold it (chrono's `From` panics).
fn to_utc(time: SystemTime) -> Option<DateTime<Utc>> {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => {
            let seconds = i64::try_from(after.as_secs()).ok()?;
            DateTime::from_timestamp(seconds, after.subsec_nanos())
        }
        Err(before) => {
            let before = before.duration();
            let seconds = i64::try_from(before.as_secs()).ok()?;
            let epoch = DateTime::from_timestamp(0, 0)?;
            let delta = chrono::TimeDelta::new(seconds, before.subsec_nanos())?;
            epoch.checked_sub_signed(delta)
        }
    }
}

fn validators(headers: &HeaderMap) -> Validators {
    Validators {
        etag: header_text(headers, header::ETAG),
        last_modified: header_text(headers, header::LAST_MODIFIED),
    }
}

/// The innermost cause of an error, which is usually the one that says what happened.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

fn connect_reason(error: &reqwest::Error) -> String {
    if error.is_dns() {
        return format!("cannot resolve host: {}", root_cause(error));
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = error.source();
    while let Some(current) = cause {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return "connection refused".to_owned(),
                std::io::ErrorKind::HostUnreachable | std::io::ErrorKind::NetworkUnreachable => {
                    return "host unreachable".to_owned();
                }
                _ => {}
            }
        }
        cause = current.source();
    }
    root_cause(error)
}
