//! Politeness toward the sources: a global limit on polls in flight, and per host one request
//! at a time with at least `host_delay` (or the host's robots.txt Crawl-delay, whichever is
//! longer) between the end of one request and the start of the next. Shared by `run` and
//! `once`; robots.txt is asked through the same gate, so it counts as a request to the host.
//! [`fetch_page`] is the whole sequence for one feed's page.

use super::browser::Render;
use super::request::SiteRequest;
use super::robots::Robots;
use super::{FetchError, Fetched, Fetcher, Source, Validators};
use crate::wait::later;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;

/// Each host's gate, by host and port.
type Hosts = Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<Host>>>>>;

/// The shared limits of one running config.
pub struct Politeness {
    slots: Arc<Semaphore>,
    hosts: Hosts,
    delay: Duration,
    pub robots: Arc<Robots>,
}

/// What a host's gate remembers.
#[derive(Debug, Default)]
pub struct Host {
    /// When the last request to the host ended.
    last_end: Option<Instant>,
    /// The host's Crawl-delay, where its robots.txt gives one.
    crawl_delay: Option<Duration>,
}

/// The turn of one poll at one host: while it is held no other poll talks to the host.
pub struct Turn {
    host: OwnedMutexGuard<Host>,
    delay: Duration,
}

/// The earliest moment the next request may start after one that ended at `last_end`: pure.
/// A gap the clock cannot add is cut (see [`later`]) rather than a panic.
pub fn next_start(last_end: Option<Instant>, gap: Duration, now: Instant) -> Instant {
    match last_end {
        Some(end) => later(end, gap).max(now),
        None => now,
    }
}

impl Turn {
    /// Wait out the gap since the host's last request.
    pub async fn wait(&self) {
        let gap = self
            .delay
            .max(self.host.crawl_delay.unwrap_or(Duration::ZERO));
        tokio::time::sleep_until(next_start(self.host.last_end, gap, Instant::now())).await;
    }

    /// A request to the host has just ended.
    pub fn done(&mut self) {
        self.host.last_end = Some(Instant::now());
    }

    pub fn set_crawl_delay(&mut self, delay: Option<Duration>) {
        self.host.crawl_delay = delay;
    }
}

impl Politeness {
    pub fn new(concurrency: usize, delay: Duration, robots: Robots) -> Politeness {
        Politeness {
            slots: Arc::new(Semaphore::new(concurrency.clamp(1, Semaphore::MAX_PERMITS))),
            hosts: Hosts::default(),
            delay,
            robots: Arc::new(robots),
        }
    }

    /// The limits of a reloaded config that remember what these learnt: each host's last
    /// request and Crawl-delay, and the robots.txt files (unless the user agent, and with it
    /// the rules that apply, changed).
    pub fn reloaded(&self, concurrency: usize, delay: Duration, robots: Robots) -> Politeness {
        let robots = if robots.agent() == self.robots.agent() {
            self.robots.clone()
        } else {
            Arc::new(robots)
        };
        Politeness {
            slots: Arc::new(Semaphore::new(concurrency.clamp(1, Semaphore::MAX_PERMITS))),
            hosts: self.hosts.clone(),
            delay,
            robots,
        }
    }

    /// Take a place among the polls in flight; None only if the limit was closed.
    pub async fn slot(&self) -> Option<OwnedSemaphorePermit> {
        self.slots.clone().acquire_owned().await.ok()
    }

    /// Wait for the turn at `host` (e.g. "example.org:443").
    pub async fn turn(&self, host: &str) -> Turn {
        let gate = {
            let mut hosts = match self.hosts.lock() {
                Ok(h) => h,
                Err(poisoned) => poisoned.into_inner(),
            };
            hosts.entry(host.to_string()).or_default().clone()
        };
        Turn {
            host: gate.lock_owned().await,
            delay: self.delay,
        }
    }
}

/// A place among the polls in flight, held while it lives; None only if the limit was closed.
pub type Slot = Option<OwnedSemaphorePermit>;

/// One feed's page, as [`fetch_page`] asks for it.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub source: &'a Source,
    /// Whether the site's robots.txt is asked first (the feed's `robots`).
    pub robots: bool,
    /// The feed's `private_network` (see [`Fetcher::fetch_feed`]); robots.txt is fetched
    /// with the same reach.
    pub private_network: bool,
    /// Validators from the last good poll, for a conditional request.
    pub conditional: Option<&'a Validators>,
    /// Render the page in the browser (the feed's `render = "browser"`); never conditional.
    pub render: Option<&'a Render>,
    /// The feed's own headers and cookies, for its own site.
    pub site: Option<&'a Arc<SiteRequest>>,
}

/// Why a polite fetch brought no page.
#[derive(Debug, thiserror::Error)]
pub enum PoliteError {
    #[error("{0}")]
    Fetch(#[from] FetchError),
    /// robots.txt disallows the page.
    #[error("{url}: disallowed by the site's robots.txt")]
    Disallowed { url: String },
}

/// A poll's admission: its turn at the source's host (for a page over HTTP), then its place
/// among the polls in flight. Taken by [`admit`]; used up by [`fetch_admitted`].
pub struct Admission {
    turn: Option<Turn>,
    slot: Slot,
}

/// Take the turn at the source's host (one request at a time, with the host gap; none for a
/// file), then a place among the polls in flight. Waiting here costs no thread: work a poll
/// does before its request (reading the state) belongs after this.
pub async fn admit(polite: &Politeness, source: &Source) -> Admission {
    let turn = match source {
        Source::Http(url) => Some(polite.turn(&host_key(url)).await),
        Source::File(_) => None,
    };
    Admission {
        turn,
        slot: polite.slot().await,
    }
}

/// Fetch a feed's page politely: take the turn at the source's host, then a place among the
/// polls in flight ([`admit`]), then [`fetch_admitted`].
pub async fn fetch_page(
    fetcher: &Fetcher,
    polite: &Politeness,
    request: Request<'_>,
) -> Result<(Slot, Fetched), PoliteError> {
    let admission = admit(polite, request.source).await;
    fetch_admitted(fetcher, polite, admission, request).await
}

/// Fetch a feed's page with its [`Admission`]: ask robots.txt (through the host's turn, with
/// the feed's own client) unless the request says not to; then fetch. The host is free again
/// as soon as the page is in; the returned [`Slot`] is the place in flight, for the caller to
/// hold while it works on the page.
pub async fn fetch_admitted(
    fetcher: &Fetcher,
    polite: &Politeness,
    admission: Admission,
    request: Request<'_>,
) -> Result<(Slot, Fetched), PoliteError> {
    let Request {
        source,
        robots,
        private_network,
        conditional,
        render,
        site,
    } = request;
    let Admission { turn, slot } = admission;
    let fetched = match (source, turn) {
        (Source::Http(url), turn) => {
            let mut turn = match turn {
                Some(t) => t,
                None => polite.turn(&host_key(url)).await,
            };
            if robots {
                ask_robots(fetcher, polite, &mut turn, url, || {
                    fetcher.client_for(url, private_network)
                })
                .await?;
            }
            turn.wait().await;
            // A rendered page holds the host's turn while it loads: its own requests go to
            // the host too.
            let fetched = match render {
                Some(render) => {
                    fetcher
                        .render_feed_with(source, private_network, render, site.cloned())
                        .await
                }
                None => {
                    fetcher
                        .fetch_feed(source, conditional, private_network, site.map(|s| &**s))
                        .await
                }
            };
            turn.done();
            fetched
        }
        (Source::File(_), _) => {
            fetcher
                .fetch_feed(source, conditional, private_network, site.map(|s| &**s))
                .await
        }
    };
    Ok((slot, fetched?))
}

/// Fetch a page an item of a feed links to, for a poll that holds its place in flight
/// already: the turn at the page's host (one request at a time, with the host gap), its
/// robots.txt unless `robots` is false, and the feed's reach (see [`Fetcher::fetch_linked`]).
pub async fn fetch_linked(
    fetcher: &Fetcher,
    polite: &Politeness,
    url: &Url,
    robots: bool,
    feed_url: Option<&Url>,
    private_network: bool,
    site: Option<&SiteRequest>,
) -> Result<super::Page, PoliteError> {
    let mut turn = polite.turn(&host_key(url)).await;
    if robots {
        ask_robots(fetcher, polite, &mut turn, url, || {
            fetcher.client_for_linked(feed_url, private_network)
        })
        .await?;
    }
    turn.wait().await;
    let fetched = fetcher
        .fetch_linked(url, feed_url, private_network, site)
        .await;
    turn.done();
    Ok(fetched?)
}

/// Ask the site's robots.txt whether `url` may be fetched: from the cache, else fetched
/// through the host's `turn` with the client `client` gives (the feed's own, within its
/// reach); the site's Crawl-delay is set on the turn.
async fn ask_robots(
    fetcher: &Fetcher,
    polite: &Politeness,
    turn: &mut Turn,
    url: &Url,
    client: impl FnOnce() -> Result<reqwest::Client, FetchError>,
) -> Result<(), PoliteError> {
    let rules = match polite.robots.cached(url, std::time::Instant::now()) {
        Some(rules) => rules,
        None => {
            let client = client()?;
            turn.wait().await;
            let rules = polite
                .robots
                .fetch(&client, fetcher.total_timeout(), url)
                .await;
            turn.done();
            rules
        }
    };
    turn.set_crawl_delay(rules.crawl_delay());
    if rules.allowed(url) {
        Ok(())
    } else {
        Err(PoliteError::Disallowed {
            url: url.to_string(),
        })
    }
}

/// The key of a host's politeness gate: host and port.
fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn politeness(concurrency: usize, delay: Duration) -> Arc<Politeness> {
        let robots = Robots::new("pagefeed");
        Arc::new(Politeness::new(concurrency, delay, robots))
    }

    #[test]
    fn the_gap_runs_from_the_end_of_the_last_request() {
        let t = Instant::now();
        let s = Duration::from_secs(1);
        assert_eq!(next_start(None, s, t), t);
        assert_eq!(next_start(Some(t), s, t), t + s);
        assert_eq!(next_start(Some(t), s, t + 3 * s), t + 3 * s);
        assert!(next_start(Some(t), Duration::MAX, t) > t + Duration::from_secs(3600));
    }

    /// A limit past what a semaphore can count is cut to its most, not a panic.
    #[tokio::test]
    async fn a_huge_limit_does_not_panic() {
        let p = politeness(usize::MAX, Duration::ZERO);
        assert!(p.slot().await.is_some());
    }

    /// Three polls to one host: one at a time, each at least `host_delay` after the last.
    #[tokio::test(start_paused = true)]
    async fn one_request_at_a_time_per_host_with_a_gap() {
        let p = politeness(4, Duration::from_secs(1));
        let start = Instant::now();
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for _ in 0..3 {
            let (p, log) = (p.clone(), log.clone());
            tasks.push(tokio::spawn(async move {
                let mut turn = p.turn("h.example:80").await;
                turn.wait().await;
                let began = Instant::now();
                tokio::time::sleep(Duration::from_millis(300)).await; // the request
                turn.done();
                log.lock().expect("log").push((began, Instant::now()));
            }));
        }
        // Another host is not held up.
        let other = {
            let p = p.clone();
            tokio::spawn(async move {
                let mut turn = p.turn("other.example:80").await;
                turn.wait().await;
                let began = Instant::now();
                turn.done();
                began
            })
        };
        for t in tasks {
            t.await.expect("task");
        }
        assert_eq!(other.await.expect("task"), start);
        let mut log = log.lock().expect("log").clone();
        log.sort();
        for pair in log.windows(2) {
            assert!(pair[1].0 >= pair[0].1 + Duration::from_secs(1), "{log:?}");
        }
        assert_eq!(log[2].1 - start, Duration::from_millis(3 * 300 + 2 * 1000));
    }

    #[tokio::test(start_paused = true)]
    async fn a_crawl_delay_longer_than_host_delay_wins() {
        let p = politeness(4, Duration::from_secs(1));
        let mut turn = p.turn("h").await;
        turn.set_crawl_delay(Some(Duration::from_secs(5)));
        turn.done();
        let t = Instant::now();
        turn.wait().await;
        assert_eq!(Instant::now() - t, Duration::from_secs(5));
    }

    /// Never more than `concurrency` polls hold a slot at once.
    #[tokio::test(start_paused = true)]
    async fn the_global_limit_holds() {
        let p = politeness(2, Duration::ZERO);
        let busy = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let (p, busy, most) = (p.clone(), busy.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                use std::sync::atomic::Ordering::SeqCst;
                let _slot = p.slot().await;
                let now = busy.fetch_add(1, SeqCst) + 1;
                most.fetch_max(now, SeqCst);
                tokio::time::sleep(Duration::from_secs(1)).await;
                busy.fetch_sub(1, SeqCst);
            }));
        }
        for t in tasks {
            t.await.expect("task");
        }
        assert_eq!(most.load(std::sync::atomic::Ordering::SeqCst), 2);
        assert_eq!(Instant::now() - start, Duration::from_secs(3));
    }
}
