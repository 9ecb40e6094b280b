//! The scheduler: one loop that decides when each feed is polled, starts the polls, hears
//! how they went, keeps systemd's STATUS and watchdog up to date, and applies reloads and the
//! stop.
//!
//! - Every feed is polled at start (after its jitter), then every `interval` plus jitter.
//! - Jitter is deterministic: a hash of the feed's id and its poll count, spread over
//!   [0, interval/10), at most 30 s. Feeds with the same interval so spread out, and a run is
//!   reproducible.
//! - A feed is never polled twice at once: it is not started while its last poll runs.
//! - A failing feed backs off: after n failures in a row it waits interval × 2ⁿ, at most
//!   [`BACKOFF_CAP`] intervals; the first success brings it back to its interval. A
//!   Retry-After (429, 503) is waited out when it is longer (at most [`MAX_RETRY_AFTER`]).
//!   A page that was fetched but did not look right (no items, selector health) is not the
//!   source's fault and does not back off.
//!
//! The computations are pure functions of their inputs; only the loop reads the clock.

use super::notify::{self, Standing, Tally};
use crate::config::Feed;
use crate::poll::{Finished, PollError, Report};
use crate::wait::later;
use futures_util::future::BoxFuture;
use sha2::{Digest, Sha256};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// The most a failing feed's wait grows to, in intervals.
pub const BACKOFF_CAP: u32 = 6;
pub use crate::fetch::MAX_RETRY_AFTER;
/// The most jitter added to a poll.
pub const MAX_JITTER: Duration = Duration::from_secs(30);
/// The most a first poll (at start, or of a feed a reload adds or changes) is put off:
/// enough to spread feeds out, short enough that a new feed shows up at once.
pub const MAX_START_JITTER: Duration = Duration::from_secs(1);

/// One poll of one feed: what the scheduler runs. Built from the running config.
pub type PollFn =
    Arc<dyn Fn(Arc<Feed>) -> BoxFuture<'static, Result<Report, PollError>> + Send + Sync>;

/// What the scheduler is told from outside.
pub enum Control {
    /// A new config: its feeds and how to poll them.
    Reload { feeds: Vec<Arc<Feed>>, poll: PollFn },
    /// A remark shown at the end of the status line until the next reload (e.g. a refused
    /// config).
    Note(String),
    /// No new polls; let those in flight finish (up to the grace period), then return.
    Stop,
}

/// How the loop runs.
#[derive(Clone)]
pub struct Options {
    /// How long polls in flight may take to finish after Stop before they are cut off.
    pub grace: Duration,
    /// Ping the watchdog this often, when set.
    pub watchdog: Option<Duration>,
    /// Who hears of each finished poll and of the loop being alive, when set.
    pub hooks: Option<Arc<Hooks>>,
}

/// What the loop tells the outside world. Both are called on the loop's own task, so they
/// must return at once (hand slow work, such as a database write, to another task).
pub struct Hooks {
    /// After each poll that counts (not one of a feed removed or changed while it ran).
    pub finished: Box<dyn Fn(Finished<'_>) + Send + Sync>,
    /// At least every [`Hooks::beat`] while the loop runs: a loop that hangs stops calling.
    pub alive: Box<dyn Fn() + Send + Sync>,
    pub beat: Duration,
}

/// The jitter of a feed's `n`th poll: in [0, min(interval/10, [`MAX_JITTER`])), and for
/// the first poll (`n` = 0) under [`MAX_START_JITTER`]. Pure.
pub fn jitter(id: &str, n: u64, interval: Duration) -> Duration {
    let mut span = (interval / 10).min(MAX_JITTER);
    if n == 0 {
        span = span.min(MAX_START_JITTER);
    }
    let digest = Sha256::new()
        .chain_update(id.as_bytes())
        .chain_update(n.to_le_bytes())
        .finalize();
    let mut eight = [0u8; 8];
    eight.copy_from_slice(&digest[..8]);
    let fraction = u64::from_le_bytes(eight) as f64 / (u64::MAX as f64 + 1.0);
    span.mul_f64(fraction)
}

/// The wait after `failures` failures in a row: interval × 2^failures, at most
/// [`BACKOFF_CAP`] intervals; the interval itself when there are none. Pure.
pub fn backoff(interval: Duration, failures: u32) -> Duration {
    let factor = 2u32.saturating_pow(failures).clamp(1, BACKOFF_CAP);
    interval.saturating_mul(factor)
}

/// The wait before the next poll: the backoff, or the source's Retry-After where that is
/// longer (capped at [`MAX_RETRY_AFTER`]). Pure.
pub fn next_wait(interval: Duration, failures: u32, retry_after: Option<Duration>) -> Duration {
    let wait = backoff(interval, failures);
    match retry_after {
        Some(r) => wait.max(r.min(MAX_RETRY_AFTER)),
        None => wait,
    }
}

/// The wait after a poll that left item pages waiting for their first fetch (a following
/// feed's budget or time ran out; see `poll::Report::waiting`): a tenth of the interval, at
/// least a minute, at most the interval. The site still sees one request at a time with
/// `host_delay` between; the items held back for their page reach the feed in minutes
/// rather than in intervals. Pure.
pub fn catch_up(interval: Duration) -> Duration {
    (interval / 10).max(CATCH_UP_LEAST).min(interval)
}

/// The shortest catch-up wait.
pub const CATCH_UP_LEAST: Duration = Duration::from_secs(60);

/// What the scheduler keeps about one feed.
struct Entry {
    feed: Arc<Feed>,
    /// The feed's config as text: a reload that changes it polls the feed at once.
    fingerprint: String,
    /// Bumped when the feed's config changes; a poll of an older generation does not count.
    generation: u64,
    due: Instant,
    running: bool,
    polls: u64,
    failures: u32,
    standing: Standing,
}

fn fingerprint(feed: &Feed) -> String {
    format!("{feed:?}")
}

/// A finished poll.
struct Done {
    id: String,
    generation: u64,
    started: Instant,
    result: Result<Report, PollError>,
}

/// The feeds and their schedule. What the loop asks of it on every turn — which feeds are
/// due, when the next one is, the status line — costs O(log n) per poll, not a pass over all
/// feeds: a queue of due times and a tally of standings are kept as polls finish.
struct Table {
    entries: HashMap<String, Entry>,
    /// Due times of the feeds not running, soonest first. An element whose feed is gone,
    /// running, or due at another time since is stale and skipped when it comes up.
    queue: BinaryHeap<Reverse<(Instant, String)>>,
    tally: Tally,
}

impl Table {
    fn new(feeds: &[Arc<Feed>], now: Instant) -> Table {
        let mut t = Table {
            entries: HashMap::new(),
            queue: BinaryHeap::new(),
            tally: Tally::default(),
        };
        t.reload(feeds, now);
        t
    }

    /// Apply a new list of feeds: removed ones go, new and changed ones are due now (plus
    /// jitter), unchanged ones keep their schedule, failures and standing.
    fn reload(&mut self, feeds: &[Arc<Feed>], now: Instant) -> (usize, usize, usize) {
        let (mut added, mut changed) = (0, 0);
        let before = self.entries.len();
        let mut next: HashMap<String, Entry> = HashMap::with_capacity(feeds.len());
        for feed in feeds {
            let print = fingerprint(feed);
            let due = later(now, jitter(&feed.id, 0, feed.interval));
            let entry = match self.entries.remove(&feed.id) {
                Some(mut e) if e.fingerprint == print => {
                    e.feed = feed.clone();
                    e
                }
                Some(e) => {
                    changed += 1;
                    Entry {
                        feed: feed.clone(),
                        fingerprint: print,
                        generation: e.generation + 1,
                        due,
                        running: e.running,
                        polls: 0,
                        failures: 0,
                        standing: Standing::Waiting,
                    }
                }
                None => {
                    added += 1;
                    Entry {
                        feed: feed.clone(),
                        fingerprint: print,
                        generation: 0,
                        due,
                        running: false,
                        polls: 0,
                        failures: 0,
                        standing: Standing::Waiting,
                    }
                }
            };
            next.insert(feed.id.clone(), entry);
        }
        let removed = before + added - next.len();
        self.entries = next;
        self.queue = self
            .entries
            .iter()
            .filter(|(_, e)| !e.running)
            .map(|(id, e)| Reverse((e.due, id.clone())))
            .collect();
        self.tally = Tally::default();
        for (id, e) in &self.entries {
            self.tally.add(id, &e.standing);
        }
        (added, changed, removed)
    }

    /// Whether a queued due time still stands for its feed.
    fn stands(&self, due: Instant, id: &str) -> bool {
        self.entries
            .get(id)
            .is_some_and(|e| !e.running && e.due == due)
    }

    /// The soonest due time of a feed not running.
    fn next_due(&mut self) -> Option<Instant> {
        while let Some(Reverse((due, id))) = self.queue.peek() {
            if self.stands(*due, id) {
                return Some(*due);
            }
            self.queue.pop();
        }
        None
    }

    /// The feeds due at `now` and not running, marked running, soonest first.
    fn take_due(&mut self, now: Instant) -> Vec<(String, Arc<Feed>, u64)> {
        let mut due = Vec::new();
        while let Some(Reverse((at, _))) = self.queue.peek() {
            if *at > now {
                break;
            }
            let Some(Reverse((at, id))) = self.queue.pop() else {
                break;
            };
            if !self.stands(at, &id) {
                continue;
            }
            if let Some(e) = self.entries.get_mut(&id) {
                e.running = true;
                due.push((id, e.feed.clone(), e.generation));
            }
        }
        due
    }

    fn status(&self) -> String {
        self.tally.line()
    }

    /// Take a finished poll into account, log it, set its next poll and tell `hooks`.
    fn finish(&mut self, done: Done, now: Instant, hooks: Option<&Hooks>) {
        let Some(e) = self.entries.get_mut(&done.id) else {
            return; // removed by a reload while it ran
        };
        e.running = false;
        if e.generation != done.generation {
            // Its config changed while it ran; the new one is due.
            self.queue.push(Reverse((e.due, done.id.clone())));
            return;
        }
        let before = e.standing.clone();
        e.polls += 1;
        let interval = e.feed.interval;
        let id = &done.id;
        let wait = match &done.result {
            Ok(r) => {
                e.failures = 0;
                e.standing = Standing::Fresh;
                r.log();
                if r.waiting > 0 {
                    catch_up(interval)
                } else {
                    interval
                }
            }
            Err(err) if err.is_page_shape() => {
                e.standing = Standing::Failing(err.brief());
                tracing::warn!("feed {id:?}: {err}; next poll in {}", secs(interval));
                interval
            }
            Err(err) => {
                e.failures = e.failures.saturating_add(1);
                e.standing = Standing::Failing(err.brief());
                let wait = next_wait(interval, e.failures, err.retry_after());
                tracing::error!(
                    "feed {id:?}: {err}; failure {} in a row, next poll in {}",
                    e.failures,
                    secs(wait)
                );
                wait
            }
        };
        // A success keeps the cadence (from the poll's start); a failure waits from its end,
        // so that a Retry-After or a backoff is never cut short by a slow failure.
        let from = if done.result.is_ok() {
            done.started
        } else {
            now
        };
        let wait = wait.saturating_add(jitter(id, e.polls, interval));
        e.due = later(from, wait).max(now);
        self.queue.push(Reverse((e.due, done.id.clone())));
        if before != e.standing {
            self.tally.remove(&done.id, &before);
            self.tally.add(&done.id, &e.standing);
        }
        if let Some(h) = hooks {
            (h.finished)(Finished {
                feed: &e.feed,
                result: &done.result,
                took: now.saturating_duration_since(done.started),
                failures: e.failures,
                next_in: e.due.saturating_duration_since(now),
            });
        }
    }
}

fn secs(d: Duration) -> String {
    humantime::format_duration(Duration::from_secs(d.as_secs().max(1))).to_string()
}

/// Run the schedule until [`Control::Stop`] (or the control channel closes).
pub async fn schedule(
    feeds: Vec<Arc<Feed>>,
    mut poll: PollFn,
    mut control: mpsc::Receiver<Control>,
    options: Options,
) {
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Done>();
    let mut tasks: JoinSet<()> = JoinSet::new();
    let mut table = Table::new(&feeds, Instant::now());
    let mut note: Option<String> = None;
    let mut last_status = String::new();
    let mut next_ping = Instant::now();
    let mut next_beat = Instant::now();
    let hooks = options.hooks.clone();
    loop {
        let now = Instant::now();
        if let Some(h) = &hooks
            && now >= next_beat
        {
            (h.alive)();
            next_beat = later(now, h.beat);
        }
        // Start every feed that is due and not running.
        for (id, feed, generation) in table.take_due(now) {
            let (poll, tx) = (poll.clone(), done_tx.clone());
            tasks.spawn(async move {
                let started = Instant::now();
                let result = poll(feed).await;
                let _ = tx.send(Done {
                    id,
                    generation,
                    started,
                    result,
                });
            });
        }
        let mut status = table.status();
        if let Some(n) = &note {
            status.push_str("; ");
            status.push_str(n);
        }
        if status != last_status {
            notify::status(&status);
            last_status = status;
        }
        // The watchdog is fed from here: a loop that hangs stops feeding it.
        if let Some(period) = options.watchdog
            && now >= next_ping
        {
            notify::watchdog();
            next_ping = later(now, period);
        }
        let far = later(now, Duration::from_secs(3600));
        let mut wake = table.next_due().unwrap_or(far).min(far);
        if options.watchdog.is_some() {
            wake = wake.min(next_ping);
        }
        if hooks.is_some() {
            wake = wake.min(next_beat);
        }
        tokio::select! {
            c = control.recv() => match c {
                Some(Control::Reload { feeds, poll: p }) => {
                    poll = p;
                    note = None;
                    let (added, changed, removed) = table.reload(&feeds, Instant::now());
                    tracing::info!(
                        "config reloaded: {} feeds ({added} added, {changed} changed, {removed} removed)",
                        feeds.len()
                    );
                }
                Some(Control::Note(n)) => note = Some(n),
                Some(Control::Stop) | None => break,
            },
            Some(done) = done_rx.recv() => table.finish(done, Instant::now(), hooks.as_deref()),
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            _ = tokio::time::sleep_until(wake) => {}
        }
    }
    // Stop: nothing new starts; polls in flight get the grace period to finish. A poll cut
    // off here may still be parsing on a blocking thread; the caller then closes writes
    // (the poll's `Gate`), so it commits and writes nothing, and the process does not
    // wait for it.
    let deadline = later(Instant::now(), options.grace);
    while !tasks.is_empty() {
        tokio::select! {
            _ = tasks.join_next() => {}
            _ = tokio::time::sleep_until(deadline) => {
                tracing::warn!("{} poll(s) still running at shutdown: cut off, nothing of theirs is written", tasks.len());
                tasks.abort_all();
                break;
            }
        }
    }
    while let Ok(done) = done_rx.try_recv() {
        table.finish(done, Instant::now(), hooks.as_deref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;
    use std::path::Path;
    use std::sync::Mutex;

    fn feeds(ids: &[&str], interval: &str) -> Vec<Arc<Feed>> {
        let mut text = format!("interval = \"{interval}\"\n");
        for id in ids {
            text.push_str(&format!(
                "[[feed]]\nid = \"{id}\"\nurl = \"http://h.example/{id}\"\n[feed.items]\nselect = \"li\"\n"
            ));
        }
        config::parse(&text, Path::new("/tmp/pagefeed.toml"), None)
            .expect("config")
            .feeds
    }

    #[test]
    fn jitter_is_deterministic_small_and_spreads_feeds() {
        let i = Duration::from_secs(600);
        assert_eq!(jitter("a", 3, i), jitter("a", 3, i));
        let spread: std::collections::HashSet<Duration> =
            (0..20).map(|n| jitter(&format!("f{n}"), 0, i)).collect();
        assert!(spread.len() > 15, "feeds spread out");
        for n in 0..100 {
            assert!(jitter("a", n, i) < Duration::from_secs(30));
            assert!(jitter("a", n, Duration::from_secs(10)) < Duration::from_secs(1));
        }
    }

    #[test]
    fn backoff_doubles_then_caps_at_six_intervals() {
        let i = Duration::from_secs(60);
        let waits: Vec<u64> = (0..6).map(|n| backoff(i, n).as_secs() / 60).collect();
        assert_eq!(waits, vec![1, 2, 4, 6, 6, 6]);
        assert_eq!(backoff(i, u32::MAX), i * 6);
    }

    #[test]
    fn retry_after_is_waited_out_when_longer() {
        let i = Duration::from_secs(60);
        let r = Duration::from_secs(1000);
        assert_eq!(next_wait(i, 1, Some(r)), r);
        assert_eq!(next_wait(i, 1, Some(Duration::from_secs(5))), 2 * i);
        assert_eq!(
            next_wait(i, 1, Some(Duration::from_secs(10 * 24 * 3600))),
            MAX_RETRY_AFTER
        );
    }

    /// A fake poll that records when each feed is polled and fails as told.
    struct Fake {
        log: Arc<Mutex<Vec<(String, Duration)>>>,
        start: Instant,
    }

    fn fake(
        start: Instant,
        took: Duration,
        fail: impl Fn(&str, usize) -> Option<PollError> + Send + Sync + 'static,
    ) -> (PollFn, Fake) {
        fake_following(start, took, fail, |_, _| 0)
    }

    /// As [`fake`], with the item pages each poll leaves waiting (`waiting(id, n)`).
    fn fake_following(
        start: Instant,
        took: Duration,
        fail: impl Fn(&str, usize) -> Option<PollError> + Send + Sync + 'static,
        waiting: impl Fn(&str, usize) -> usize + Send + Sync + 'static,
    ) -> (PollFn, Fake) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let running = Arc::new(Mutex::new(std::collections::HashSet::<String>::new()));
        let l = log.clone();
        let (fail, waiting) = (Arc::new(fail), Arc::new(waiting));
        let poll: PollFn = Arc::new(move |feed: Arc<Feed>| {
            let (l, running, fail) = (l.clone(), running.clone(), fail.clone());
            let waiting = waiting.clone();
            Box::pin(async move {
                assert!(
                    running.lock().expect("lock").insert(feed.id.clone()),
                    "{} polled twice at once",
                    feed.id
                );
                let n = {
                    let mut log = l.lock().expect("lock");
                    log.push((feed.id.clone(), Instant::now() - start));
                    log.iter().filter(|(id, _)| *id == feed.id).count()
                };
                tokio::time::sleep(took).await;
                running.lock().expect("lock").remove(&feed.id);
                match fail(&feed.id, n) {
                    Some(e) => Err(e),
                    None => Ok(Report {
                        feed: feed.id.clone(),
                        modified: true,
                        items: 1,
                        new: 0,
                        kept: 1,
                        written: false,
                        bytes: 0,
                        took,
                        waiting: waiting(&feed.id, n),
                    }),
                }
            })
        });
        (poll, Fake { log, start })
    }

    impl Fake {
        fn times(&self, id: &str) -> Vec<Duration> {
            self.log
                .lock()
                .expect("lock")
                .iter()
                .filter(|(i, _)| i == id)
                .map(|(_, t)| *t)
                .collect()
        }
    }

    fn http(code: u16, retry_after: Option<u64>) -> PollError {
        PollError::Fetch(crate::fetch::FetchError::Status {
            url: "http://h.example/".into(),
            code,
            retry_after: retry_after.map(Duration::from_secs),
        })
    }

    async fn run_for(feeds: Vec<Arc<Feed>>, poll: PollFn, how_long: Duration) {
        let (tx, rx) = mpsc::channel(1);
        let options = Options {
            grace: Duration::from_secs(5),
            watchdog: None,
            hooks: None,
        };
        let task = tokio::spawn(schedule(feeds, poll, rx, options));
        tokio::time::sleep(how_long).await;
        tx.send(Control::Stop).await.expect("send");
        task.await.expect("scheduler");
    }

    /// A feed whose interval the clock cannot add (as if it had escaped validation) is
    /// polled at start and then waits; the loop goes on and stops when told.
    #[tokio::test(start_paused = true)]
    async fn an_interval_past_the_clock_does_not_stop_the_loop() {
        let (poll, fake) = fake(Instant::now(), Duration::ZERO, |_, _| None);
        let mut fs = feeds(&["far"], "10s");
        Arc::get_mut(&mut fs[0]).expect("one owner").interval = Duration::MAX;
        run_for(fs, poll, Duration::from_secs(7200)).await;
        assert_eq!(fake.times("far").len(), 1);
    }

    /// Polled at start (within the jitter), then every interval plus jitter.
    #[tokio::test(start_paused = true)]
    async fn every_feed_at_start_then_every_interval() {
        let (poll, fake) = fake(Instant::now(), Duration::from_millis(10), |_, _| None);
        let fs = feeds(&["a", "b", "c"], "60s");
        run_for(fs, poll, Duration::from_secs(230)).await;
        for id in ["a", "b", "c"] {
            let t = fake.times(id);
            assert_eq!(t.len(), 4, "{id}: {t:?}");
            assert!(t[0] < Duration::from_secs(6), "{id} at start: {t:?}");
            for pair in t.windows(2) {
                let gap = pair[1] - pair[0];
                assert!(
                    gap >= Duration::from_secs(60) && gap < Duration::from_secs(66),
                    "{id}: {t:?}"
                );
            }
        }
        let firsts: std::collections::HashSet<Duration> =
            ["a", "b", "c"].iter().map(|id| fake.times(id)[0]).collect();
        assert_eq!(firsts.len(), 3, "jitter spreads the first polls");
        let _ = fake.start;
    }

    /// A following feed whose item pages wait for their first fetch is polled again after
    /// the catch-up wait, until none waits; then at its interval again.
    #[tokio::test(start_paused = true)]
    async fn item_pages_waiting_bring_the_next_poll_forward() {
        let (poll, fake) = fake_following(
            Instant::now(),
            Duration::from_millis(10),
            |_, _| None,
            |id, n| if id == "f" && n <= 3 { 10 } else { 0 },
        );
        let fs = feeds(&["f", "g"], "10m");
        run_for(fs, poll, Duration::from_secs(1500)).await;
        let t = fake.times("f");
        let gaps: Vec<u64> = t.windows(2).map(|p| (p[1] - p[0]).as_secs()).collect();
        assert_eq!(gaps.len(), 5, "{t:?}");
        for g in &gaps[..3] {
            assert!((60..=90).contains(g), "catching up (plus jitter): {gaps:?}");
        }
        for g in &gaps[3..] {
            assert!((600..=630).contains(g), "then the interval: {gaps:?}");
        }
        assert_eq!(fake.times("g").len(), 3, "other feeds keep their interval");
    }

    /// The catch-up wait: a tenth of the interval, at least a minute, at most the interval.
    #[test]
    fn the_catch_up_wait_is_a_tenth_of_the_interval_within_bounds() {
        let s = Duration::from_secs;
        assert_eq!(catch_up(s(600)), s(60));
        assert_eq!(catch_up(s(3600)), s(360));
        assert_eq!(catch_up(s(120)), s(60));
        assert_eq!(catch_up(s(30)), s(30));
    }

    /// A poll that takes longer than the interval is never overlapped by the next one.
    #[tokio::test(start_paused = true)]
    async fn a_slow_poll_is_never_overlapped() {
        let (poll, fake) = fake(Instant::now(), Duration::from_secs(25), |_, _| None);
        run_for(feeds(&["slow"], "10s"), poll, Duration::from_secs(100)).await;
        let t = fake.times("slow");
        for pair in t.windows(2) {
            assert!(pair[1] - pair[0] >= Duration::from_secs(25), "{t:?}");
        }
    }

    /// Failures back off 2, 4, 6, 6 intervals; the first success brings the interval back.
    #[tokio::test(start_paused = true)]
    async fn failures_back_off_and_success_recovers() {
        let (poll, fake) = fake(Instant::now(), Duration::ZERO, |_, n| {
            (n <= 5).then(|| http(500, None))
        });
        run_for(feeds(&["f"], "10s"), poll, Duration::from_secs(260)).await;
        let t = fake.times("f");
        let gaps: Vec<u64> = t.windows(2).map(|p| (p[1] - p[0]).as_secs()).collect();
        // Gaps are waits plus under 1 s of jitter.
        assert_eq!(gaps[..6], [20, 40, 60, 60, 60, 10], "{t:?}");
    }

    /// A 429 with Retry-After longer than the backoff is waited out.
    #[tokio::test(start_paused = true)]
    async fn retry_after_is_honoured() {
        let (poll, fake) = fake(Instant::now(), Duration::ZERO, |_, n| {
            (n == 1).then(|| http(429, Some(95)))
        });
        run_for(feeds(&["f"], "10s"), poll, Duration::from_secs(120)).await;
        let t = fake.times("f");
        assert!(t[1] - t[0] >= Duration::from_secs(95), "{t:?}");
        assert!(t[1] - t[0] < Duration::from_secs(96), "{t:?}");
    }

    /// A reload adds, removes and changes feeds; unchanged feeds keep their schedule.
    #[tokio::test(start_paused = true)]
    async fn reload_adds_removes_and_keeps() {
        let (poll, fake) = fake(Instant::now(), Duration::ZERO, |_, _| None);
        let (tx, rx) = mpsc::channel(1);
        let options = Options {
            grace: Duration::from_secs(5),
            watchdog: None,
            hooks: None,
        };
        let task = tokio::spawn(schedule(
            feeds(&["a", "b"], "100s"),
            poll.clone(),
            rx,
            options,
        ));
        tokio::time::sleep(Duration::from_secs(30)).await;
        let next = feeds(&["a", "c"], "100s");
        tx.send(Control::Reload { feeds: next, poll })
            .await
            .expect("send");
        tokio::time::sleep(Duration::from_secs(90)).await;
        tx.send(Control::Stop).await.expect("send");
        task.await.expect("scheduler");
        assert_eq!(fake.times("a").len(), 2, "a kept its schedule");
        assert_eq!(fake.times("b").len(), 1, "b removed");
        let c = fake.times("c");
        assert_eq!(c.len(), 1);
        assert!(c[0] >= Duration::from_secs(30) && c[0] < Duration::from_secs(41));
    }
}
