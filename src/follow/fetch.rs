//! Fetching and reading the due item pages of one poll: one at a time, through the hosts'
//! turns and gaps, robots.txt and the feed's reach ([`politeness::fetch_linked`]), and all of
//! them within one bound of time, so that item pages never hold up the list's publication by
//! more than that.

use super::{Candidate, Fetch};
use crate::article;
use crate::config::Feed;
use crate::fetch::moment::fetch_moment;
use crate::fetch::politeness::{self, PoliteError, Politeness};
use crate::fetch::{FetchError, Fetcher, Page, Source};
use crate::item::{ItemPage, PageStamp};
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// How long all item fetches of one poll may take: twice one request's whole timeout.
pub fn bound(fetcher: &Fetcher) -> Duration {
    fetcher.total_timeout().saturating_mul(2)
}

/// Whether a failure may pass: server errors, 429, timeouts, connections and transfers that
/// broke. Everything else (404, 410, other 4xx, robots.txt, not HTML, too large, outside the
/// feed's reach, an undecodable page) is given up at once.
pub fn may_pass(error: &PoliteError) -> bool {
    match error {
        PoliteError::Disallowed { .. } => false,
        PoliteError::Fetch(e) => match e {
            FetchError::Status { code, .. } => *code == 429 || *code >= 500,
            FetchError::Timeout { .. }
            | FetchError::Connect { .. }
            | FetchError::Transfer { .. }
            | FetchError::Empty { .. } => true,
            _ => false,
        },
    }
}

/// Fetch and read each due page, top first, until all are done or `bound` has passed since
/// `started`; the ones not reached wait for the next poll (they are left out of the result).
/// `given` is `--now`; `clock` the clock reading of the poll, moved on as the fetches go.
pub async fn fetch_due(
    fetcher: &Fetcher,
    polite: &Politeness,
    feed: &Feed,
    due: Vec<Candidate>,
    given: Option<DateTime<Utc>>,
    clock: DateTime<Utc>,
    bound: Duration,
) -> Vec<(Candidate, Fetch)> {
    let started = Instant::now();
    let feed_url = match &feed.source {
        Source::Http(u) => Some(u),
        Source::File(_) => None,
    };
    let mut out = Vec::with_capacity(due.len());
    // Hosts that answered 429 or 503 in this poll: asked to slow down, they get no more.
    let mut slowed: HashSet<(String, Option<u16>)> = HashSet::new();
    let host = |u: &url::Url| {
        (
            u.host_str().unwrap_or_default().to_string(),
            u.port_or_known_default(),
        )
    };
    for c in due {
        if slowed.contains(&host(&c.link)) {
            tracing::debug!(feed = %feed.id, url = %c.link, "the host asked to slow down in this poll: the item page waits");
            continue;
        }
        let Some(left) = bound
            .checked_sub(started.elapsed())
            .filter(|l| !l.is_zero())
        else {
            tracing::debug!(feed = %feed.id, url = %c.link, "no time left in this poll for the item page");
            break;
        };
        let at = |started_at: Instant| {
            let moved = chrono::TimeDelta::from_std(started_at.elapsed()).unwrap_or_default();
            given.unwrap_or(clock + moved)
        };
        let fetched = tokio::time::timeout(
            left,
            politeness::fetch_linked(
                fetcher,
                polite,
                &c.link,
                feed.robots,
                feed_url,
                feed.private_network,
                Some(&feed.request),
            ),
        )
        .await;
        let outcome = match fetched {
            Err(_) => Fetch::Failed {
                at: at(started),
                error: format!(
                    "{}: no answer within the {}s all item pages of a poll may take",
                    c.link,
                    bound.as_secs()
                ),
                retry: true,
                retry_after: None,
            },
            Ok(Err(e)) => {
                let status = match &e {
                    PoliteError::Fetch(f) => f.status(),
                    PoliteError::Disallowed { .. } => None,
                };
                let retry_after = match &e {
                    PoliteError::Fetch(f) => f.retry_after(),
                    PoliteError::Disallowed { .. } => None,
                };
                if matches!(status, Some(429 | 503)) {
                    slowed.insert(host(&c.link));
                }
                Fetch::Failed {
                    at: at(started),
                    retry: may_pass(&e),
                    error: e.to_string(),
                    retry_after,
                }
            }
            Ok(Ok(page)) => {
                let now = fetch_moment(given, &page, at(started));
                read(feed, page, now).await
            }
        };
        out.push((c, outcome));
    }
    out
}

/// Read one fetched item page (blocking work, off the async threads).
async fn read(feed: &Feed, page: Page, now: DateTime<Utc>) -> Fetch {
    let options = article::Options {
        timezone: feed.timezone,
        now,
        full: feed.full,
    };
    let url = page.url.clone();
    let read =
        tokio::task::spawn_blocking(move || article::read(&page.text, &page.url, &options)).await;
    match read {
        Ok(Ok(a)) => Fetch::Read {
            page: Box::new(item_page(&a)),
            at: now,
            notes: a.notes,
        },
        Ok(Err(e)) => Fetch::Failed {
            at: now,
            error: format!("{url}: {e}"),
            retry: false,
            retry_after: None,
        },
        Err(e) => Fetch::Failed {
            at: now,
            error: format!("{url}: the reading was interrupted ({e})"),
            retry: true,
            retry_after: None,
        },
    }
}

/// What the state keeps of what an item page said.
fn item_page(article: &article::Article) -> ItemPage {
    let stamp = |s: &article::Stamp| PageStamp {
        interval: s.reading.interval,
        point: s.reading.point,
        text: s.text.clone(),
        origin: s.origin.name().to_string(),
    };
    ItemPage {
        published: article.published.as_ref().map(stamp),
        modified: article.modified.as_ref().map(stamp),
        authors: article.authors.clone(),
        image: article.image.clone(),
        canonical: article.canonical.clone(),
        language: article.language.clone(),
        content: article.content.clone(),
    }
}
