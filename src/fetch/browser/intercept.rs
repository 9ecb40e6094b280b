//! Every request a rendered page makes, answered by pagefeed: the Fetch domain pauses each
//! one, and pagefeed fetches it with its own HTTP client — the feed's reach (the
//! private-network guard checks every address in a URL and every DNS answer before a
//! connection is made, so a refused address never gets a packet), no redirect followed by
//! the client (the browser gets the 3xx and asks for its target, which is checked in turn),
//! the body cap — and hands the browser the response. Schemes other than http(s) are
//! refused (data: and blob: never reach the network and are not paused); so are images,
//! fonts and media where the feed blocks them, and requests past a page's budget.
//!
//! The main document's response is remembered: its final URL, status and headers make the
//! [`Page`](super::Page), and its failures are the render's, worded as a fetch's.

#[cfg(test)]
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use base64::Engine as _;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinSet;
use tokio::time::Instant;
use url::Url;

use super::super::guard::Reach;
use super::super::{FetchError, Fetcher, TimeoutPhase};
use super::cdp::{Connection, Event};
use crate::fetch::request::SiteRequest;

/// Requests one page may make; later ones are refused.
const MAX_REQUESTS: usize = 500;
/// Bytes one page may load in all, as a multiple of the body cap.
const BUDGET_BODIES: u64 = 4;

/// What a render lets through.
pub struct Rules {
    /// The feed's client for pages: its reach, no redirects followed.
    pub client: reqwest::Client,
    pub reach: Reach,
    pub block_media: bool,
    pub max_body: u64,
    /// The tab's main frame (its target id).
    pub main_frame: String,
    pub deadline: Instant,
    pub fetcher: Fetcher,
    /// The feed's own headers and cookies, for its own site.
    pub site: Option<std::sync::Arc<SiteRequest>>,
}

/// The main document's response.
#[derive(Clone, Debug)]
pub struct Main {
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
}

/// What the requests and events of a render have shown so far.
#[derive(Debug)]
pub struct Watch {
    /// The main frame's last document response (after redirects).
    pub main: Option<Main>,
    /// Why the main document could not be had, where it could not.
    pub main_error: Option<FetchError>,
    seen: Seen,
    requests: usize,
    bytes: u64,
    /// Told true when the page's renderer goes (a command to it is then never answered).
    gone: tokio::sync::watch::Sender<bool>,
}

/// The part of a [`Watch`] the wait looks at.
#[derive(Clone, Debug)]
pub struct Seen {
    /// Requests being answered.
    pub in_flight: usize,
    /// When a request last started or ended.
    pub last_activity: Instant,
    pub loaded: bool,
    pub crashed: bool,
    /// The first exception the page's script threw, in one line.
    pub exception: Option<String>,
}

impl Seen {
    /// How long the network has been idle after the load event (zero while it is not).
    pub fn idle_for(&self, now: Instant) -> std::time::Duration {
        if !self.loaded || self.in_flight > 0 {
            return std::time::Duration::ZERO;
        }
        now.saturating_duration_since(self.last_activity)
    }
}

impl Watch {
    pub fn new() -> Watch {
        Watch {
            main: None,
            main_error: None,
            seen: Seen {
                in_flight: 0,
                last_activity: Instant::now(),
                loaded: false,
                crashed: false,
                exception: None,
            },
            requests: 0,
            bytes: 0,
            gone: tokio::sync::watch::Sender::new(false),
        }
    }

    pub fn clone_state(&self) -> Seen {
        self.seen.clone()
    }

    /// The page's renderer crashed, was killed, or its session ended.
    fn renderer_gone(&mut self) {
        self.seen.crashed = true;
        self.gone.send_replace(true);
    }

    /// What turns true when the page's renderer goes.
    pub fn gone(&self) -> tokio::sync::watch::Receiver<bool> {
        self.gone.subscribe()
    }

    /// Whether the main document has come, a success.
    fn loaded(&self) -> bool {
        self.main
            .as_ref()
            .is_some_and(|m| (200..300).contains(&m.status))
    }
}

fn lock(watch: &Mutex<Watch>) -> std::sync::MutexGuard<'_, Watch> {
    watch.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Answer the page's paused requests and its dialogs (see `confine`), and note its events,
/// until aborted (the returned task's
/// abort also ends every request still being answered).
pub fn answer_requests(
    connection: Arc<Connection>,
    session: String,
    mut events: UnboundedReceiver<Event>,
    rules: Rules,
    watch: Arc<Mutex<Watch>>,
) -> tokio::task::JoinHandle<()> {
    let rules = Arc::new(rules);
    tokio::spawn(async move {
        let mut answering = JoinSet::new();
        loop {
            let event = tokio::select! {
                event = events.recv() => event,
                Some(_) = answering.join_next(), if !answering.is_empty() => continue,
            };
            let Some(Event { method, params }) = event else {
                lock(&watch).renderer_gone();
                break;
            };
            match method.as_str() {
                "Fetch.requestPaused" => {
                    let (connection, session) = (connection.clone(), session.clone());
                    let (rules, watch) = (rules.clone(), watch.clone());
                    answering.spawn(async move {
                        answer(&connection, &session, &params, &rules, &watch).await;
                    });
                }
                // The page's script waits on its dialog (and the count of items with it).
                "Page.javascriptDialogOpening" => {
                    let (connection, session) = (connection.clone(), session.clone());
                    answering.spawn(async move {
                        super::confine::answer_dialog(&connection, &session, &params).await;
                    });
                }
                "Page.loadEventFired" => {
                    let mut watch = lock(&watch);
                    watch.seen.loaded = true;
                    watch.seen.last_activity = Instant::now();
                }
                "Runtime.exceptionThrown" => {
                    let mut watch = lock(&watch);
                    if watch.seen.exception.is_none() {
                        watch.seen.exception = Some(exception_text(&params));
                    }
                }
                "Inspector.targetCrashed" | "Inspector.detached" | "Target.detachedFromTarget" => {
                    lock(&watch).renderer_gone();
                }
                _ => {}
            }
        }
        answering.shutdown().await;
    })
}

/// Enable the domains whose events [`answer_requests`] handles: every request paused.
pub async fn enable(connection: &Connection, session: &str) -> Result<(), super::CdpError> {
    let patterns = json!({ "patterns": [{ "urlPattern": "*", "requestStage": "Request" }] });
    connection
        .call(Some(session), "Fetch.enable", patterns)
        .await?;
    connection
        .call(Some(session), "Page.enable", json!({}))
        .await?;
    connection
        .call(Some(session), "Runtime.enable", json!({}))
        .await?;
    Ok(())
}

/// An exception's first line: "TypeError: x is not a function".
fn exception_text(params: &Value) -> String {
    let details = params.get("exceptionDetails");
    let description = details
        .and_then(|d| d.pointer("/exception/description"))
        .and_then(Value::as_str);
    let text = details.and_then(|d| d.get("text")).and_then(Value::as_str);
    super::one_line(description.or(text).unwrap_or("an exception"))
}

/// One paused request.
struct Paused {
    id: String,
    url: Url,
    method: String,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    resource: String,
    /// The main frame's document while the page loads (its errors are the render's).
    main: bool,
    /// The main frame's document after the page loaded: the page going elsewhere.
    later: bool,
}

impl Paused {
    fn read(params: &Value, main_frame: &str) -> Option<Paused> {
        let request = params.get("request")?;
        let id = params.get("requestId")?.as_str()?.to_owned();
        let url = Url::parse(request.get("url")?.as_str()?).ok()?;
        let method = request
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("GET")
            .to_owned();
        let mut headers = HeaderMap::new();
        if let Some(given) = request.get("headers").and_then(Value::as_object) {
            for (name, value) in given {
                let (Ok(name), Some(Ok(value))) = (
                    HeaderName::from_bytes(name.as_bytes()),
                    value.as_str().map(HeaderValue::from_str),
                ) else {
                    continue;
                };
                if passed_on(&name) {
                    headers.append(name, value);
                }
            }
        }
        let body = post_data(request);
        let resource = params
            .get("resourceType")
            .and_then(Value::as_str)
            .unwrap_or("Other")
            .to_owned();
        let frame = params.get("frameId").and_then(Value::as_str);
        let main = resource == "Document" && frame == Some(main_frame);
        Some(Paused {
            id,
            url,
            method,
            headers,
            body,
            resource,
            main,
            later: false,
        })
    }
}

/// The request's body: its entries (base64) where given, else its text.
fn post_data(request: &Value) -> Option<Vec<u8>> {
    if let Some(entries) = request.get("postDataEntries").and_then(Value::as_array) {
        let mut body = Vec::new();
        for entry in entries {
            let bytes = entry.get("bytes").and_then(Value::as_str).unwrap_or("");
            body.extend(
                base64::engine::general_purpose::STANDARD
                    .decode(bytes)
                    .ok()?,
            );
        }
        return Some(body);
    }
    request
        .get("postData")
        .and_then(Value::as_str)
        .map(|s| s.as_bytes().to_vec())
}

/// The request headers the browser set that go on to the site. The client sets its own user
/// agent (the config's), host, length, encodings and connection handling; cookies stay in
/// the browser context.
fn passed_on(name: &HeaderName) -> bool {
    !matches!(
        name.as_str(),
        "host"
            | "user-agent"
            | "content-length"
            | "accept-encoding"
            | "connection"
            | "keep-alive"
            | "transfer-encoding"
            | "upgrade"
            | "te"
            | "trailer"
            | "proxy-authorization"
            | "proxy-connection"
    )
}

/// The response headers handed to the browser: the client has decoded the body, so its
/// encoding and length no longer apply.
fn handed_on(name: &HeaderName) -> bool {
    !matches!(
        name.as_str(),
        "content-encoding" | "content-length" | "transfer-encoding" | "connection" | "keep-alive"
    )
}

/// The most bytes of cookies sent with one request (browsers cap a cookie at 4 kB and a
/// request's header at a few tens of kB; a page that sets more is not sent all of them).
const MAX_COOKIE_BYTES: usize = 16 * 1024;

/// The `Cookie` header the browser context would send with a request to `url`: the cookies
/// that match its host, path and scheme, as the browser chooses them.
async fn cookies_for(connection: &Connection, session: &str, url: &Url) -> Option<HeaderValue> {
    let answer = connection
        .call(
            Some(session),
            "Network.getCookies",
            json!({ "urls": [url.as_str()] }),
        )
        .await
        .ok()?;
    let mut header = String::new();
    for cookie in answer.get("cookies")?.as_array()? {
        let (Some(name), Some(value)) = (
            cookie.get("name").and_then(Value::as_str),
            cookie.get("value").and_then(Value::as_str),
        ) else {
            continue;
        };
        let pair = format!("{name}={value}");
        if header.len() + pair.len() + 2 > MAX_COOKIE_BYTES {
            break;
        }
        if !header.is_empty() {
            header.push_str("; ");
        }
        header.push_str(&pair);
    }
    (!header.is_empty())
        .then(|| HeaderValue::from_str(&header).ok())
        .flatten()
}

/// Give the render's browser context the feed's cookies for `url` (its cookie file's and
/// those its site set before), so that the page's own requests carry them as over HTTP.
pub async fn seed_cookies(
    connection: &Connection,
    session: &str,
    url: &Url,
    cookies: &[cookie::Cookie<'static>],
) {
    for c in cookies {
        let mut params = json!({
            "name": c.name(),
            "value": c.value(),
            "url": url.as_str(),
            "path": c.path().unwrap_or("/"),
            "secure": c.secure().unwrap_or(false),
            "httpOnly": c.http_only().unwrap_or(false),
        });
        if let Some(d) = c.domain() {
            params["domain"] = json!(d);
        }
        if let Some(t) = c.expires_datetime() {
            params["expires"] = json!(t.unix_timestamp());
        }
        if let Err(e) = connection
            .call(Some(session), "Network.setCookie", params)
            .await
        {
            tracing::debug!(%url, "the browser did not take a cookie: {e}");
        }
    }
}

/// Set (or, expired, delete) the cookie of one `Set-Cookie` line of a response to `url` in
/// the render's browser context. A cookie for another site (a `Domain` that `url`'s host is
/// not within) or that cannot be parsed is dropped, as a browser drops it.
async fn set_cookie(connection: &Connection, session: &str, url: &Url, line: &str) {
    let Ok(cookie) = cookie::Cookie::parse(line) else {
        tracing::debug!(%url, "a cookie the page set could not be read");
        return;
    };
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let domain = cookie
        .domain()
        .map(|d| d.trim_start_matches('.').to_ascii_lowercase());
    if let Some(d) = &domain
        && host != *d
        && !host.ends_with(&format!(".{d}"))
    {
        tracing::debug!(%url, domain = %d, "a cookie for another site was dropped");
        return;
    }
    let expired = cookie
        .max_age()
        .is_some_and(|age| age.is_zero() || age.is_negative())
        || cookie
            .expires_datetime()
            .is_some_and(|t| t.unix_timestamp() <= chrono::Utc::now().timestamp());
    let mut params = json!({
        "name": cookie.name(),
        "url": url.as_str(),
    });
    if let Some(d) = &domain {
        params["domain"] = json!(d);
    }
    if let Some(path) = cookie.path() {
        params["path"] = json!(path);
    }
    let method = if expired {
        "Network.deleteCookies"
    } else {
        params["value"] = json!(cookie.value());
        params["secure"] = json!(cookie.secure().unwrap_or(false));
        params["httpOnly"] = json!(cookie.http_only().unwrap_or(false));
        if let Some(same_site) = cookie.same_site() {
            params["sameSite"] = json!(same_site.to_string());
        }
        "Network.setCookie"
    };
    if let Err(e) = connection.call(Some(session), method, params).await {
        tracing::debug!(%url, "the browser did not take a cookie: {e}");
    }
}

/// Answer one paused request: refuse it, or fetch it and hand the browser the response.
async fn answer(
    connection: &Connection,
    session: &str,
    params: &Value,
    rules: &Rules,
    watch: &Mutex<Watch>,
) {
    let Some(paused) = Paused::read(params, &rules.main_frame) else {
        if let Some(id) = params.get("requestId").and_then(Value::as_str) {
            fail(connection, session, id, "Failed").await;
        }
        return;
    };
    {
        let mut watch = lock(watch);
        watch.seen.in_flight += 1;
        watch.seen.last_activity = Instant::now();
        watch.requests += 1;
    }
    // Once the page has loaded, a document of the main frame is the page going elsewhere
    // (a script, a click, a download): fetched as any request, and taken as the page only
    // where it is one (see `fetch`).
    let mut paused = paused;
    if paused.main && lock(watch).loaded() {
        paused.main = false;
        paused.later = true;
    }
    // The browser keeps the render's cookies, but a paused request shows only those its
    // scripts set: all that match are asked for and sent on.
    if let Some(cookie) = cookies_for(connection, session, &paused.url).await {
        paused.headers.insert(reqwest::header::COOKIE, cookie);
    }
    // The feed's own headers go with requests to its own site, as over HTTP.
    if let Some(site) = &rules.site {
        for (name, value) in site.extra_headers_for(&paused.url) {
            if let Some(name) = name {
                paused.headers.insert(name, value);
            }
        }
    }
    let outcome = fetch(&paused, rules, watch).await;
    {
        let mut watch = lock(watch);
        watch.seen.in_flight = watch.seen.in_flight.saturating_sub(1);
        watch.seen.last_activity = Instant::now();
    }
    match outcome {
        Ok((status, headers, body)) => {
            // The browser does not take cookies from a response it is handed: they are
            // set in the render's context, for the pages it requests next.
            for line in headers.get_all(reqwest::header::SET_COOKIE) {
                if let Ok(line) = line.to_str() {
                    set_cookie(connection, session, &paused.url, line).await;
                }
            }
            // And kept in the feed's jar for its later polls, rendered or not.
            if let Some(site) = &rules.site {
                site.remember(&paused.url, &headers);
            }
            let list: Vec<Value> = headers
                .iter()
                .filter(|(name, _)| handed_on(name))
                .filter_map(|(name, value)| {
                    let value = value.to_str().ok()?;
                    Some(json!({ "name": name.as_str(), "value": value }))
                })
                .collect();
            let body = base64::engine::general_purpose::STANDARD.encode(&body);
            let fulfilled = connection
                .call(
                    Some(session),
                    "Fetch.fulfillRequest",
                    json!({
                        "requestId": paused.id,
                        "responseCode": status,
                        "responseHeaders": list,
                        "body": body,
                    }),
                )
                .await;
            if let Err(e) = fulfilled {
                tracing::debug!(url = %paused.url, "the browser did not take a response: {e}");
            }
        }
        Err(refusal) => {
            if let Some(error) = refusal.error {
                if paused.main {
                    lock(watch).main_error.get_or_insert(error);
                } else {
                    tracing::debug!(url = %paused.url, "a request of the page failed: {error}");
                }
            }
            fail(connection, session, &paused.id, refusal.reason).await;
        }
    }
}

async fn fail(connection: &Connection, session: &str, id: &str, reason: &str) {
    let failed = connection
        .call(
            Some(session),
            "Fetch.failRequest",
            json!({ "requestId": id, "errorReason": reason }),
        )
        .await;
    if let Err(e) = failed {
        tracing::debug!("the browser did not take a refusal: {e}");
    }
}

/// A request not answered: the reason given to the browser, and the error where there is
/// one worth reporting.
struct Refusal {
    reason: &'static str,
    error: Option<FetchError>,
}

impl Refusal {
    fn quiet(reason: &'static str) -> Refusal {
        Refusal {
            reason,
            error: None,
        }
    }
}

/// Whether a request of this resource type is refused when the feed blocks media.
fn is_media(resource: &str) -> bool {
    matches!(resource, "Image" | "Font" | "Media")
}

/// Fetch a paused request by the rules: the status, headers and body to hand the browser.
async fn fetch(
    paused: &Paused,
    rules: &Rules,
    watch: &Mutex<Watch>,
) -> Result<(u16, HeaderMap, Vec<u8>), Refusal> {
    let url = &paused.url;
    let origin = url.to_string();
    if !matches!(url.scheme(), "http" | "https") {
        tracing::debug!(%url, "refused a request of the page: not http(s)");
        return Err(Refusal::quiet("AccessDenied"));
    }
    if rules.block_media && is_media(&paused.resource) {
        return Err(Refusal::quiet("BlockedByClient"));
    }
    if lock(watch).requests > MAX_REQUESTS {
        tracing::debug!(%url, "refused a request of the page: more than {MAX_REQUESTS}");
        return Err(Refusal::quiet("BlockedByClient"));
    }
    // An address in the URL is checked here, a host name by the client's resolver.
    if let Err(refused) = rules.reach.check_redirect(url) {
        tracing::debug!(%url, "refused a request of the page: {refused}");
        return Err(Refusal {
            reason: "AddressUnreachable",
            error: Some(FetchError::Refused {
                url: origin,
                refused,
            }),
        });
    }
    let method = reqwest::Method::from_bytes(paused.method.as_bytes())
        .map_err(|_| Refusal::quiet("Failed"))?;
    let mut request = rules
        .client
        .request(method, url.clone())
        .headers(paused.headers.clone());
    if let Some(body) = &paused.body {
        request = request.body(body.clone());
    }
    let remaining = rules.deadline.saturating_duration_since(Instant::now());
    let sent = tokio::time::timeout(remaining, request.send()).await;
    let response = match sent {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => {
            let error = rules.fetcher.request_error(url, &e);
            if let FetchError::Refused { refused, .. } = &error {
                tracing::debug!(%url, "refused a request of the page: {refused}");
            }
            let reason = match &error {
                FetchError::Refused { .. } => "AddressUnreachable",
                FetchError::Timeout { .. } => "TimedOut",
                FetchError::Connect { .. } => "ConnectionFailed",
                _ => "Failed",
            };
            return Err(Refusal {
                reason,
                error: Some(error),
            });
        }
        Err(_) => {
            return Err(Refusal {
                reason: "TimedOut",
                error: Some(FetchError::Timeout {
                    url: origin,
                    phase: TimeoutPhase::Total,
                    after: remaining,
                }),
            });
        }
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let content_type = super::super::header_text(&headers, header::CONTENT_TYPE);
    let limit = {
        let watch = lock(watch);
        rules
            .max_body
            .min((rules.max_body * BUDGET_BODIES).saturating_sub(watch.bytes))
    };
    if paused.main {
        if (200..300).contains(&status) {
            super::super::check_response_head(&headers, content_type.as_deref(), &origin, limit)
                .map_err(|e| Refusal {
                    reason: "BlockedByResponse",
                    error: Some(e),
                })?;
        }
        lock(watch).main = Some(Main {
            url: url.clone(),
            status,
            headers: headers.clone(),
        });
    }
    let body = read_capped(response, limit, rules.deadline)
        .await
        .map_err(|cut| Refusal {
            reason: "Failed",
            error: Some(match cut {
                Cut::TooLarge => FetchError::too_large(&origin, limit),
                Cut::Broken(reason) => FetchError::Transfer {
                    url: origin.clone(),
                    reason: format!("body cut short ({reason})"),
                },
            }),
        })?;
    lock(watch).bytes += body.len() as u64;
    if paused.main && (200..300).contains(&status) {
        super::super::check_html(&body, content_type.as_deref(), &origin).map_err(|e| Refusal {
            reason: "BlockedByResponse",
            error: Some(e),
        })?;
    }
    // The page went to another page: that one is the page now (a download, an error page or
    // a redirect is not; the browser keeps showing what it showed).
    if paused.later && (200..300).contains(&status) && is_page(&headers, &body) {
        lock(watch).main = Some(Main {
            url: url.clone(),
            status,
            headers: headers.clone(),
        });
    }
    Ok((status, headers, body))
}

/// Whether a response is a page a browser shows: HTML, and not an attachment.
fn is_page(headers: &HeaderMap, body: &[u8]) -> bool {
    let content_type = super::super::header_text(headers, header::CONTENT_TYPE);
    let attachment = super::super::header_text(headers, header::CONTENT_DISPOSITION)
        .is_some_and(|d| d.trim().to_ascii_lowercase().starts_with("attachment"));
    !attachment
        && super::super::acceptable_type(content_type.as_deref())
        && super::super::check_html(body, content_type.as_deref(), "").is_ok()
}

enum Cut {
    TooLarge,
    Broken(String),
}

/// A response's body, at most `limit` bytes, by the deadline.
async fn read_capped(
    mut response: reqwest::Response,
    limit: u64,
    deadline: Instant,
) -> Result<Vec<u8>, Cut> {
    let mut body = Vec::new();
    loop {
        let chunk = tokio::time::timeout_at(deadline, response.chunk()).await;
        match chunk {
            Ok(Ok(Some(chunk))) => {
                if (body.len() + chunk.len()) as u64 > limit {
                    return Err(Cut::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(Ok(None)) => return Ok(body),
            Ok(Err(e)) => return Err(Cut::Broken(super::super::root_cause(&e))),
            Err(_) => return Err(Cut::Broken("the page's time ran out".into())),
        }
    }
}

/// Header names and values as a map, for tests.
#[cfg(test)]
fn names(headers: &HashMap<&str, &str>) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            map.insert(n, v);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paused_request_is_read_with_the_headers_that_go_on() {
        let params = json!({
            "requestId": "interception-1",
            "frameId": "MAIN",
            "resourceType": "Document",
            "request": {
                "url": "http://127.0.0.1:8080/list",
                "method": "POST",
                "headers": {"User-Agent": "HeadlessChrome", "Accept": "text/html", "Host": "x"},
                "postDataEntries": [{"bytes": "YT0x"}, {"bytes": "JmI9Mg=="}]
            }
        });
        let paused = Paused::read(&params, "MAIN").expect("read");
        assert!(paused.main);
        assert_eq!(paused.method, "POST");
        assert_eq!(paused.body.as_deref(), Some(&b"a=1&b=2"[..]));
        assert_eq!(
            paused.headers,
            names(&HashMap::from([("accept", "text/html")]))
        );
        let sub = Paused::read(&params, "OTHER").expect("read");
        assert!(!sub.main, "a document of another frame is a subresource");
    }

    #[test]
    fn media_is_images_fonts_and_audio_video() {
        for kind in ["Image", "Font", "Media"] {
            assert!(is_media(kind));
        }
        for kind in ["Document", "Script", "Stylesheet", "XHR", "Fetch", "Other"] {
            assert!(!is_media(kind));
        }
        assert!(!handed_on(&header::CONTENT_ENCODING));
        assert!(handed_on(&header::CONTENT_TYPE));
    }

    #[test]
    fn the_wait_sees_idle_only_after_the_load_event_with_nothing_in_flight() {
        let mut watch = Watch::new();
        let later = Instant::now() + std::time::Duration::from_secs(3);
        assert_eq!(
            watch.clone_state().idle_for(later),
            std::time::Duration::ZERO
        );
        watch.seen.loaded = true;
        assert!(watch.clone_state().idle_for(later) >= std::time::Duration::from_secs(3));
        watch.seen.in_flight = 1;
        assert_eq!(
            watch.clone_state().idle_for(later),
            std::time::Duration::ZERO
        );
    }

    #[test]
    fn a_page_is_html_and_not_an_attachment() {
        let html = names(&HashMap::from([("content-type", "text/html")]));
        assert!(is_page(&html, b"<p>x</p>"));
        let attachment = names(&HashMap::from([
            ("content-type", "text/html"),
            ("content-disposition", "Attachment; filename=x.html"),
        ]));
        assert!(!is_page(&attachment, b"<p>x</p>"));
        let binary = names(&HashMap::from([(
            "content-type",
            "application/octet-stream",
        )]));
        assert!(!is_page(&binary, b"\x00\x01"));
    }

    #[test]
    fn an_exception_is_one_line() {
        let params = json!({"exceptionDetails": {"text": "Uncaught",
            "exception": {"description": "TypeError: boom is not a function\n    at x.js:1"}}});
        assert_eq!(exception_text(&params), "TypeError: boom is not a function");
    }
}
