//! What a feed sends with its requests beside pagefeed's own headers (`[feed.request]`):
//! extra headers and cookies, to its own site only — the host of its `url` — never to another
//! host, a redirect's included. The cookies are those of the feed's cookie file and those its
//! site sets on responses, kept for the feed's later requests while the process lives.
//!
//! Header values and cookies are secrets: nothing here is written to a log, and only header
//! names are ever shown.

use cookie_store::CookieStore;
use reqwest::header::{COOKIE, HeaderMap, HeaderName, HeaderValue, SET_COOKIE};
use std::sync::Mutex;
use url::Url;

/// The most cookie text sent with one request: a site that sets more has the rest left out.
const MAX_COOKIE_BYTES: usize = 16 * 1024;

/// A feed's own headers and cookie jar.
#[derive(Debug, Default)]
pub struct SiteRequest {
    /// The host the headers and cookies go to (lower case); `None` for a feed read from a
    /// file, which sends nothing.
    host: Option<String>,
    headers: Vec<(HeaderName, HeaderValue)>,
    cookies: Mutex<CookieStore>,
}

impl SiteRequest {
    /// The headers and cookies of a feed whose page is `site` (its `url`; `None` for a file).
    pub fn new(
        site: Option<&Url>,
        headers: Vec<(HeaderName, HeaderValue)>,
        cookies: CookieStore,
    ) -> SiteRequest {
        SiteRequest {
            host: site.and_then(Url::host_str).map(str::to_ascii_lowercase),
            headers,
            cookies: Mutex::new(cookies),
        }
    }

    /// Whether a request to `url` is one to the feed's own site.
    pub fn covers(&self, url: &Url) -> bool {
        self.host
            .as_deref()
            .is_some_and(|h| url.host_str().is_some_and(|u| u.eq_ignore_ascii_case(h)))
    }

    /// The names of the extra headers (never their values), for what may be shown.
    pub fn header_names(&self) -> Vec<String> {
        self.headers.iter().map(|(n, _)| n.to_string()).collect()
    }

    /// The feed's own headers for a request to `url`, without its cookies (a browser sends
    /// those from its own jar, which [`SiteRequest::cookies_for`] fills); none for another
    /// site.
    pub fn extra_headers_for(&self, url: &Url) -> HeaderMap {
        let mut out = HeaderMap::new();
        if self.covers(url) {
            for (name, value) in &self.headers {
                out.append(name.clone(), value.clone());
            }
        }
        out
    }

    /// The headers to add to a request for `url`: the feed's own and its cookies for `url`,
    /// where `url` is on the feed's site; none elsewhere.
    pub fn headers_for(&self, url: &Url) -> HeaderMap {
        let mut out = self.extra_headers_for(url);
        if !self.covers(url) {
            return out;
        }
        let jar = self
            .cookies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut header = String::new();
        for (name, value) in jar.get_request_values(url) {
            let pair = format!("{name}={value}");
            if header.len() + pair.len() + 2 > MAX_COOKIE_BYTES {
                break;
            }
            if !header.is_empty() {
                header.push_str("; ");
            }
            header.push_str(&pair);
        }
        if let Ok(value) = HeaderValue::from_str(&header)
            && !header.is_empty()
        {
            out.insert(COOKIE, value);
        }
        out
    }

    /// Keep the cookies a response from `url` sets, where `url` is on the feed's site (a
    /// cookie for another site, or one that cannot be read, is dropped as a browser drops it).
    pub fn remember(&self, url: &Url, headers: &HeaderMap) {
        if !self.covers(url) {
            return;
        }
        let mut jar = self
            .cookies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for line in headers.get_all(SET_COOKIE) {
            if let Ok(line) = line.to_str() {
                let _ = jar.parse(line, url);
            }
        }
    }

    /// Every cookie the jar holds that a request to `url` would carry, for a browser context
    /// (name, value, domain, path, secure, HTTP-only, expiry as Unix seconds).
    pub fn cookies_for(&self, url: &Url) -> Vec<cookie::Cookie<'static>> {
        if !self.covers(url) {
            return Vec::new();
        }
        let jar = self
            .cookies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        jar.matches(url)
            .into_iter()
            .map(|c| {
                let raw: &cookie::Cookie<'static> = c;
                raw.clone()
            })
            .collect()
    }
}

/// Read a cookie file in the Netscape format (as curl and browsers' export extensions write
/// it): one cookie a line, seven fields separated by tabs — domain, whether subdomains share
/// it, path, whether it is for https only, its expiry (Unix seconds, 0 for the session),
/// name, value — with `#` comments, and `#HttpOnly_` before the domain of an HTTP-only
/// cookie. Written by hand: no crate reads this format on its own. A line that is not such a
/// cookie is an error naming its number.
pub fn read_cookie_file(text: &str) -> Result<CookieStore, String> {
    let mut jar = CookieStore::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let (line, http_only) = match line.strip_prefix("#HttpOnly_") {
            Some(rest) => (rest, true),
            None => (line, false),
        };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let [domain, subdomains, path, secure, expires, name, value] = f[..] else {
            return Err(format!(
                "line {}: not a cookie: seven fields separated by tabs are expected",
                n + 1
            ));
        };
        let host = domain.trim_start_matches('.').to_ascii_lowercase();
        if host.is_empty() || name.is_empty() {
            return Err(format!(
                "line {}: a cookie needs a domain and a name",
                n + 1
            ));
        }
        let secure = secure.eq_ignore_ascii_case("TRUE");
        let expires: i64 = expires
            .trim()
            .parse()
            .map_err(|_| format!("line {}: the expiry {expires:?} is not a number", n + 1))?;
        let mut cookie = cookie::Cookie::new(name.to_string(), value.to_string());
        cookie.set_path(if path.is_empty() { "/" } else { path }.to_string());
        cookie.set_secure(secure);
        cookie.set_http_only(http_only);
        if subdomains.eq_ignore_ascii_case("TRUE") {
            cookie.set_domain(host.clone());
        }
        if expires > 0 {
            match cookie::time::OffsetDateTime::from_unix_timestamp(expires) {
                Ok(t) => cookie.set_expires(t),
                Err(_) => {
                    return Err(format!(
                        "line {}: the expiry {expires} is out of range",
                        n + 1
                    ));
                }
            }
        }
        let scheme = if secure { "https" } else { "http" };
        let at = Url::parse(&format!(
            "{scheme}://{host}{}",
            cookie.path().unwrap_or("/")
        ))
        .map_err(|e| format!("line {}: the domain {domain:?}: {e}", n + 1))?;
        // An expired cookie is left out, as a browser leaves it out.
        let _ = jar.insert_raw(&cookie, &at);
    }
    Ok(jar)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn a_netscape_file_gives_cookies_for_its_site_only() {
        let file = "# Netscape HTTP Cookie File\n\
                    .news.example\tTRUE\t/\tFALSE\t0\tsession\tabc\n\
                    #HttpOnly_news.example\tFALSE\t/private\tTRUE\t4102444800\tpriv\txyz\n\
                    \n";
        let jar = read_cookie_file(file).expect("reads");
        let site = SiteRequest::new(
            Some(&url("https://news.example/list")),
            vec![(
                HeaderName::from_static("accept-language"),
                HeaderValue::from_static("de-DE"),
            )],
            jar,
        );
        let h = site.headers_for(&url("https://news.example/list"));
        assert_eq!(
            h.get("accept-language").map(|v| v.as_bytes()),
            Some(&b"de-DE"[..])
        );
        assert_eq!(
            h.get(COOKIE).map(|v| v.as_bytes()),
            Some(&b"session=abc"[..])
        );
        let h = site.headers_for(&url("https://news.example/private/x"));
        let cookies = h.get(COOKIE).and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(
            cookies.contains("priv=xyz") && cookies.contains("session=abc"),
            "{cookies}"
        );
        assert!(site.headers_for(&url("https://other.example/")).is_empty());
        assert!(
            site.headers_for(&url("https://cdn.news.example/"))
                .is_empty()
        );
        assert!(read_cookie_file("a\tb\n").unwrap_err().contains("line 1"));
    }

    #[test]
    fn a_response_sets_cookies_for_later_requests_to_the_site() {
        let site = SiteRequest::new(
            Some(&url("https://s.example/")),
            Vec::new(),
            CookieStore::new(),
        );
        let mut headers = HeaderMap::new();
        headers.append(SET_COOKIE, HeaderValue::from_static("consent=yes; Path=/"));
        site.remember(&url("https://s.example/"), &headers);
        let other = SiteRequest::new(
            Some(&url("https://s.example/")),
            Vec::new(),
            CookieStore::new(),
        );
        other.remember(&url("https://elsewhere.example/"), &headers);
        assert_eq!(
            site.headers_for(&url("https://s.example/page"))
                .get(COOKIE)
                .map(|v| v.as_bytes()),
            Some(&b"consent=yes"[..])
        );
        assert!(other.headers_for(&url("https://s.example/page")).is_empty());
    }
}
