//! robots.txt: fetched once per host (scheme, host and port), cached, and asked before a page
//! is fetched. Parsing and matching are the `texting_robots` crate's.
//!
//! What counts (RFC 9309, with one deliberate leniency):
//! - 2xx: the file's rules for pagefeed's product token (the user agent up to its first `/`),
//!   else for `*`; cached for [`TTL`].
//! - 4xx other than 429: no rules (everything allowed); cached for [`TTL`].
//! - 429, 5xx, a timeout or a broken connection: the file is unavailable and the page is
//!   fetched anyway (RFC 9309 would assume "disallow all"; a feed poller making one request per
//!   interval chooses to keep the feed going). Cached for [`UNAVAILABLE_TTL`] so that one sick
//!   host costs one attempt per feed interval at most, not one per feed.
//!
//! At most [`MAX_BYTES`] of the file are read; the rest is ignored, as the RFC allows.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use texting_robots::Robot;
use url::Url;

/// How long a fetched robots.txt is trusted (RFC 9309: no more than 24 hours).
pub const TTL: Duration = Duration::from_secs(24 * 3600);
/// How long an unavailable robots.txt counts as "no rules" before it is asked for again.
pub const UNAVAILABLE_TTL: Duration = Duration::from_secs(600);
/// The most of a robots.txt that is read (RFC 9309 asks for at least 500 KiB).
pub const MAX_BYTES: usize = 512 * 1024;

/// What a host's robots.txt says.
#[derive(Debug)]
pub enum Rules {
    /// No file, or it could not be had: nothing is disallowed.
    AllowAll {
        unavailable: Option<String>,
    },
    Robot(Box<Robot>),
}

impl Rules {
    /// Whether `url` may be fetched.
    pub fn allowed(&self, url: &Url) -> bool {
        match self {
            Rules::AllowAll { .. } => true,
            Rules::Robot(r) => r.allowed(url.as_str()),
        }
    }

    /// The host's Crawl-delay, where it gives one.
    pub fn crawl_delay(&self) -> Option<Duration> {
        match self {
            Rules::Robot(r) => r
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f32(d.min(3600.0))),
            Rules::AllowAll { .. } => None,
        }
    }

    fn ttl(&self) -> Duration {
        match self {
            Rules::AllowAll {
                unavailable: Some(_),
            } => UNAVAILABLE_TTL,
            _ => TTL,
        }
    }
}

/// The rules an answer gives: pure, from the status and the (capped) body.
pub fn rules_from(agent: &str, status: u16, body: &[u8]) -> Rules {
    match status {
        200..=299 => match Robot::new(agent, body) {
            Ok(r) => Rules::Robot(Box::new(r)),
            // The parser is forgiving; a file it still cannot read says nothing usable.
            Err(_) => Rules::AllowAll { unavailable: None },
        },
        429 => Rules::AllowAll {
            unavailable: Some("HTTP 429".into()),
        },
        400..=499 => Rules::AllowAll { unavailable: None },
        code => Rules::AllowAll {
            unavailable: Some(format!("HTTP {code}")),
        },
    }
}

/// The product token robots.txt groups are matched against: `pagefeed/0.1 (+…)` → `pagefeed`.
pub fn product_token(user_agent: &str) -> String {
    let token: String = user_agent
        .split(['/', ' '])
        .next()
        .unwrap_or_default()
        .to_string();
    if token.is_empty() {
        "pagefeed".into()
    } else {
        token
    }
}

/// The key robots.txt is cached under: one file serves one scheme, host and port.
pub fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

struct Cached {
    rules: Arc<Rules>,
    at: Instant,
}

/// The robots.txt cache. The files are fetched with the pages' own client for the feed (see
/// [`crate::fetch::Fetcher::client_for`]): the same user agent, timeouts, and refusals of
/// redirects and addresses outside the feed's reach.
pub struct Robots {
    agent: String,
    cache: Mutex<HashMap<String, Cached>>,
}

impl Robots {
    /// A cache for a pagefeed sending `user_agent`.
    pub fn new(user_agent: &str) -> Robots {
        Robots {
            agent: product_token(user_agent),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The product token whose rules apply.
    pub fn agent(&self) -> &str {
        &self.agent
    }

    /// The cached rules for `url`'s host, where they are still fresh at `now`.
    pub fn cached(&self, url: &Url, now: Instant) -> Option<Arc<Rules>> {
        let cache = self.cache.lock().ok()?;
        let c = cache.get(&origin(url))?;
        (now.saturating_duration_since(c.at) < c.rules.ttl()).then(|| c.rules.clone())
    }

    /// Fetch (with `client`, within `timeout`) and cache `url`'s host's robots.txt. Never
    /// fails: what cannot be had is [`Rules::AllowAll`] with the reason.
    pub async fn fetch(
        &self,
        client: &reqwest::Client,
        timeout: Duration,
        url: &Url,
    ) -> Arc<Rules> {
        let rules = match url.join("/robots.txt") {
            Ok(robots_url) => match tokio::time::timeout(timeout, get(client, &robots_url))
                .await
                .unwrap_or_else(|_| Err("timeout".into()))
            {
                Ok((status, body)) => rules_from(&self.agent, status, &body),
                Err(reason) => Rules::AllowAll {
                    unavailable: Some(reason),
                },
            },
            Err(e) => Rules::AllowAll {
                unavailable: Some(e.to_string()),
            },
        };
        if let Rules::AllowAll {
            unavailable: Some(reason),
        } = &rules
        {
            tracing::warn!(
                "{}/robots.txt: unavailable ({reason}); fetching pages as if it allowed all, for {} min",
                origin(url),
                UNAVAILABLE_TTL.as_secs() / 60
            );
        }
        let rules = Arc::new(rules);
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(
                origin(url),
                Cached {
                    rules: rules.clone(),
                    at: Instant::now(),
                },
            );
        }
        rules
    }
}

async fn get(client: &reqwest::Client, url: &Url) -> Result<(u16, Vec<u8>), String> {
    let mut response = client
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "text/plain,*/*;q=0.8")
        .send()
        .await
        .map_err(|e| brief(&e))?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    if (200..300).contains(&status) {
        while let Some(chunk) = response.chunk().await.map_err(|e| brief(&e))? {
            let room = MAX_BYTES - body.len();
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if body.len() >= MAX_BYTES {
                break;
            }
        }
    }
    Ok((status, body))
}

fn brief(e: &reqwest::Error) -> String {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(refused) = c.downcast_ref::<crate::fetch::guard::Refused>() {
            return refused.to_string();
        }
        cause = c.source();
    }
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "cannot connect".into()
    } else {
        "broken connection".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn rules_follow_the_status() {
        let r = rules_from("pagefeed", 200, b"User-agent: *\nDisallow: /private\n");
        assert!(!r.allowed(&url("http://h.example/private/x")));
        assert!(r.allowed(&url("http://h.example/public")));
        let r = rules_from(
            "pagefeed",
            200,
            b"User-agent: pagefeed\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
        );
        assert!(
            !r.allowed(&url("http://h.example/news")),
            "our own group wins"
        );
        assert!(rules_from("pagefeed", 404, b"").allowed(&url("http://h.example/x")));
        assert!(matches!(
            rules_from("pagefeed", 503, b""),
            Rules::AllowAll {
                unavailable: Some(_)
            }
        ));
        let r = rules_from("pagefeed", 200, b"User-agent: *\nCrawl-delay: 5\n");
        assert_eq!(r.crawl_delay(), Some(Duration::from_secs(5)));
    }

    #[test]
    fn the_token_is_the_product_name() {
        assert_eq!(
            product_token("pagefeed/0.1 (+https://x.example)"),
            "pagefeed"
        );
        assert_eq!(product_token("MyBot"), "MyBot");
        assert_eq!(product_token(""), "pagefeed");
        assert_eq!(
            origin(&url("http://127.0.0.1:8080/a/b")),
            "http://127.0.0.1:8080"
        );
    }
}
