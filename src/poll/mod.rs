//! One poll of one feed, start to end: fetch, extract, read dates, advance the timeline,
//! publish, and remember — the state and the files change together or not at all.
//!
//! [`Poller`] is how every command polls: `run` and `once` ([`Poller::poll`]), `preview`
//! ([`Poller::preview`]) and `check --fetch` ([`Poller::fetch`]) fetch a feed's page through
//! the same politeness (the host's turn and gap, robots.txt, the polls in flight). Inside:
//! [`pipeline`] is the pure part from page to documents, [`commit`] puts its outcome in the
//! state and the files, [`health`] decides whether a page may be published, and [`Gate`]
//! closes writes at a stop.

pub mod commit;
pub mod health;
pub mod pipeline;

pub use commit::repair_files;
pub use pipeline::{Followup, ItemPages, Outcome, Pass, Prior};

use crate::config::{Config, Feed};
use crate::extract::{ExtractError, Extracted};
use crate::fetch::moment::fetch_moment;
use crate::fetch::politeness::{self, PoliteError, Politeness};
use crate::fetch::robots::Robots;
use crate::fetch::{FetchError, Fetched, Fetcher, Page, Validators};
use crate::follow::{self, Candidate, Fetch};
use crate::publish::{self, FORMATS};
use crate::state::{PollNote, StateError, Store};
use crate::timeline;
use chrono::{DateTime, SubsecRound, Utc};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::Instant;
use url::Url;

/// Why a poll of a feed failed. The published files are left as they were.
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error("{0}")]
    Fetch(#[from] FetchError),
    #[error("{url}: {source}")]
    Extract { url: String, source: ExtractError },
    #[error("{0}")]
    State(#[from] StateError),
    #[error("{path}: cannot write the feed: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the poll was interrupted: {0}")]
    Interrupted(String),
    #[error("{0}")]
    Render(#[from] publish::RenderError),
    /// robots.txt disallows the page (`robots = false` on the feed turns the check off).
    #[error(
        "{url}: disallowed by the site's robots.txt (robots = false on the feed overrides this)"
    )]
    Disallowed { url: String },
    /// The source answered 304 to a request that was not conditional.
    #[error("{url}: the source answered 304 Not Modified to a request that was not conditional")]
    NotModified { url: String },
    /// The page does not look like the one the selectors were written for; nothing was
    /// published and the last good files stay.
    #[error("{url}: selector health: {detail}; the last good feed files are kept")]
    Unhealthy { url: String, detail: String },
}

impl From<PoliteError> for PollError {
    fn from(e: PoliteError) -> PollError {
        match e {
            PoliteError::Fetch(e) => PollError::Fetch(e),
            PoliteError::Disallowed { url } => PollError::Disallowed { url },
        }
    }
}

impl PollError {
    /// The HTTP status behind the failure, where there is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            PollError::Fetch(e) => e.status(),
            _ => None,
        }
    }

    /// How long the source asked us to wait (Retry-After of a 429 or 503).
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            PollError::Fetch(e) => e.retry_after(),
            _ => None,
        }
    }

    /// Whether the page was fetched but did not look right (no items, selector health): the
    /// source is fine, so such a failure is not a reason to poll it less often.
    pub fn is_page_shape(&self) -> bool {
        matches!(
            self,
            PollError::Unhealthy { .. } | PollError::Extract { .. }
        )
    }

    /// A few words for a status line: "HTTP 503", "timeout", "selector health".
    pub fn brief(&self) -> String {
        use crate::fetch::FetchError as F;
        match self {
            PollError::Fetch(e) => match e {
                F::Status { code, .. } => format!("HTTP {code}"),
                F::Timeout { .. } => "timeout".into(),
                F::Connect { .. } => "cannot connect".into(),
                F::TooLarge { .. } => "page too large".into(),
                F::NotHtml { .. } => "not HTML".into(),
                F::Empty { .. } => "empty page".into(),
                F::Transfer { .. } => "broken transfer".into(),
                F::TooManyRedirects { .. } => "too many redirects".into(),
                F::Io { .. } => "cannot read the file".into(),
                F::Browser { .. } => "browser".into(),
                _ => "fetch failed".into(),
            },
            PollError::Extract { .. } => "no items".into(),
            PollError::State(_) => "state database".into(),
            PollError::Write { .. } => "cannot write".into(),
            PollError::Interrupted(_) => "interrupted".into(),
            PollError::Render(_) => "cannot render".into(),
            PollError::Disallowed { .. } => "robots.txt disallows".into(),
            PollError::Unhealthy { .. } => "selector health".into(),
            PollError::NotModified { .. } => "not modified".into(),
        }
    }
}

/// What a poll did.
#[derive(Debug, Clone)]
pub struct Report {
    pub feed: String,
    /// False when the source answered 304 Not Modified.
    pub modified: bool,
    /// Items on the page.
    pub items: usize,
    /// Items that entered the feed: kept now, not kept before.
    pub new: usize,
    /// Items in the feed, history included.
    pub kept: usize,
    /// Whether the feed files changed.
    pub written: bool,
    /// The page's size in bytes as fetched (0 for a 304).
    pub bytes: usize,
    pub took: std::time::Duration,
    /// Item pages of a following feed that wait for their first fetch (the budget or the
    /// poll's time ran out): the daemon polls again sooner (see `daemon::schedule`).
    pub waiting: usize,
}

impl Report {
    /// A poll that the source answered 304 Not Modified.
    fn not_modified(feed: &str, started: Instant) -> Report {
        Report {
            feed: feed.to_string(),
            modified: false,
            items: 0,
            new: 0,
            kept: 0,
            written: false,
            bytes: 0,
            took: started.elapsed(),
            waiting: 0,
        }
    }

    /// The one line a poll logs at info: feed, status, items, new, kept, written, time taken.
    pub fn log(&self) {
        tracing::info!(
            feed = %self.feed,
            status = if self.modified { "ok" } else { "not modified" },
            items = self.items,
            new = self.new,
            kept = self.kept,
            written = self.written,
            took_ms = self.took.as_millis() as u64,
            waiting = self.waiting,
            "polled"
        );
    }
}

/// A finished poll as the scheduler saw it: for the state's health notes and the metrics.
pub struct Finished<'a> {
    pub feed: &'a Feed,
    pub result: &'a Result<Report, PollError>,
    /// From the poll's start to its end.
    pub took: std::time::Duration,
    /// Failed polls in a row that back off (0 after a success).
    pub failures: u32,
    /// How long until the feed's next poll.
    pub next_in: std::time::Duration,
}

/// Where a feed's files and state go: the parts of the config a poll needs.
#[derive(Debug, Clone)]
pub struct Places {
    pub output_dir: PathBuf,
    pub state_dir: PathBuf,
    pub base_url: Option<Url>,
}

impl Places {
    /// The feed file `<output_dir>/<id>.<ext>`.
    pub fn file(&self, id: &str, ext: &str) -> PathBuf {
        self.output_dir.join(format!("{id}.{ext}"))
    }

    /// Whether every file of the feed `id` is there.
    fn have_files(&self, id: &str) -> bool {
        FORMATS.iter().all(|ext| self.file(id, ext).is_file())
    }
}

impl From<&Config> for Places {
    fn from(c: &Config) -> Places {
        Places {
            output_dir: c.output_dir.clone(),
            state_dir: c.state_dir.clone(),
            base_url: c.base_url.clone(),
        }
    }
}

/// Whether polls may still change the state and the files: closed once, at a stop, so that
/// nothing is written after the daemon says it stopped. A poll holds it open ([`Gate::hold`])
/// from its commit to its last file; [`Gate::close`] waits for those in that stretch. One
/// gate per running command, passed to each poll: the daemon's, or `once`'s.
#[derive(Debug, Clone)]
pub struct Gate(Arc<RwLock<bool>>);

impl Default for Gate {
    /// An open gate.
    fn default() -> Gate {
        Gate(Arc::new(RwLock::new(true)))
    }
}

impl Gate {
    /// Let no poll commit or write from now on; returns once none is committing or writing.
    pub fn close(&self) {
        let mut open = self.0.write().unwrap_or_else(|e| e.into_inner());
        *open = false;
    }

    /// Hold writes open while the guard lives, or fail where they are closed already.
    pub fn hold(&self) -> Result<RwLockReadGuard<'_, bool>, PollError> {
        let open = self.0.read().unwrap_or_else(|e| e.into_inner());
        if !*open {
            return Err(PollError::Interrupted(
                "pagefeed is stopping; nothing was written".into(),
            ));
        }
        Ok(open)
    }
}

/// How every command polls under one config: one HTTP client, one robots.txt cache, one set
/// of politeness limits for all its feeds, where the files and the state go, and the gate
/// that closes writes at a stop.
pub struct Poller {
    pub places: Places,
    pub fetcher: Arc<Fetcher>,
    pub polite: Arc<Politeness>,
    pub gate: Gate,
}

/// A poll's page as `preview` shows it: what the next poll would publish, with nothing
/// written.
pub struct Preview {
    pub page: Page,
    /// The moment the page counts as fetched.
    pub now: DateTime<Utc>,
    pub outcome: Outcome,
}

impl Poller {
    /// The poller of `config`. After a reload, `before` is the politeness of the config it
    /// replaces: the robots.txt files and the hosts' gaps carry over.
    pub fn new(
        config: &Config,
        before: Option<&Politeness>,
        gate: Gate,
    ) -> Result<Poller, FetchError> {
        let options = config.fetch_options();
        let fetcher = Arc::new(Fetcher::new(options.clone())?);
        let robots = Robots::new(&options.user_agent);
        let polite = Arc::new(match before {
            Some(b) => b.reloaded(config.concurrency, config.host_delay, robots),
            None => Politeness::new(config.concurrency, config.host_delay, robots),
        });
        Ok(Poller {
            places: Places::from(config),
            fetcher,
            polite,
            gate,
        })
    }

    /// Poll `feed` once and publish what changed. `now` is `--now` where given; `clock` the
    /// system clock's reading as the poll begins (moved on by the time the poll waited and
    /// fetched), used where the response carries no believable `Date`.
    ///
    /// Politeness: the poll first takes its turn at the host and its place among the polls in
    /// flight ([`politeness::admit`]), and only then reads the state and fetches the page
    /// ([`politeness::fetch_admitted`]; robots.txt unless the feed says `robots = false`), so
    /// that a poll that waits holds no thread. The host is free again as soon as the page is
    /// in; parsing and writing hold only the place in flight.
    pub async fn poll(
        &self,
        feed: Arc<Feed>,
        now: Option<DateTime<Utc>>,
        clock: DateTime<Utc>,
    ) -> Result<Report, PollError> {
        let started = Instant::now();
        let admission = politeness::admit(&self.polite, &feed.source).await;
        let (validators, pending, waiting) = {
            let state_dir = self.places.state_dir.clone();
            let id = feed.id.clone();
            let follows = feed.follow;
            blocking(move || -> Result<(Validators, bool, bool), StateError> {
                let mut store = Store::open(&state_dir)?;
                let tx = store.read()?;
                let waiting = follows && tx.waiting(&id)?;
                Ok((tx.validators(&id)?, tx.pending(&id)?.is_some(), waiting))
            })
            .await??
        };
        if pending {
            let (places, gate, behind) = (self.places.clone(), self.gate.clone(), feed.clone());
            if blocking(move || repair_files(&places, &gate, &behind)).await?? {
                tracing::info!(feed = %feed.id, "the feed files were behind the state; written again");
            }
        }
        // The validators only stand for files that are there: a missing file (a new output
        // folder, /run after a reboot, a write that failed) asks for the whole page again.
        // While an item page is still due the list is fetched whole: a 304 would leave the
        // items waiting for it unread.
        let conditional =
            (self.places.have_files(&feed.id) && !waiting && validators != Validators::default())
                .then_some(&validators);
        let request = politeness::Request {
            source: &feed.source,
            robots: feed.robots,
            private_network: feed.private_network,
            conditional,
            render: feed.render.as_ref(),
            site: Some(&feed.request),
        };
        let (_slot, fetched) =
            politeness::fetch_admitted(&self.fetcher, &self.polite, admission, request).await?;
        let page = match fetched {
            Fetched::Page(page) => *page,
            Fetched::NotModified => return Ok(Report::not_modified(&feed.id, started)),
        };
        // The clock was read when the poll began; it may have waited for its turn and its
        // place since, so the reading moves on with the poll.
        let clock = clock + chrono::TimeDelta::from_std(started.elapsed()).unwrap_or_default();
        let moment = fetch_moment(now, &page, clock);
        let (page, pages) = if feed.follow {
            self.item_pages(&feed, page, moment, now, clock).await?
        } else {
            (page, ItemPages::default())
        };
        // Parsing and the database are blocking work: keep them off the async threads.
        let (places, gate, base_url) = (
            self.places.clone(),
            self.gate.clone(),
            self.places.base_url.clone(),
        );
        let mut report = blocking(move || {
            let pass = Pass {
                feed: &feed,
                base_url: base_url.as_ref(),
                page: &page,
                now: moment,
            };
            commit::publish(&places, &gate, &pass, &pages)
        })
        .await??;
        report.took = started.elapsed();
        Ok(report)
    }

    /// Poll `feed` once, publish what changed, and note in the state how the poll went (see
    /// [`Poller::poll`] and [`note`]); the daemon notes its polls itself, with the next
    /// poll's time.
    pub async fn poll_and_note(
        &self,
        feed: Arc<Feed>,
        now: Option<DateTime<Utc>>,
        clock: DateTime<Utc>,
    ) -> Result<Report, PollError> {
        let started = Instant::now();
        let id = feed.id.clone();
        let result = self.poll(feed, now, clock).await;
        let noted = poll_note(&result, clock, started.elapsed(), None);
        note(&self.places, &self.gate, &id, noted).await;
        result
    }

    /// Fetch `feed`'s page whole (never conditionally), politely as a poll does: the host's
    /// turn and gap, robots.txt unless the feed says `robots = false`, a place among the
    /// polls in flight. Returns the page and the moment it counts as fetched.
    pub async fn fetch(
        &self,
        feed: &Feed,
        now: Option<DateTime<Utc>>,
    ) -> Result<(Page, DateTime<Utc>), PollError> {
        let clock = Utc::now();
        let request = politeness::Request {
            source: &feed.source,
            robots: feed.robots,
            private_network: feed.private_network,
            conditional: None,
            render: feed.render.as_ref(),
            site: Some(&feed.request),
        };
        let (_slot, fetched) = politeness::fetch_page(&self.fetcher, &self.polite, request).await?;
        match fetched {
            Fetched::Page(page) => {
                let moment = fetch_moment(now, &page, clock);
                Ok((*page, moment))
            }
            Fetched::NotModified => Err(PollError::NotModified {
                url: feed.source.to_string(),
            }),
        }
    }

    /// What a poll of `feed` would publish now, with nothing written: its page fetched as
    /// [`Poller::fetch`] does, read against the state as it is, and for a feed that follows
    /// its items the due item pages fetched too (their rows are read, never written).
    pub async fn preview(
        &self,
        feed: Arc<Feed>,
        now: Option<DateTime<Utc>>,
    ) -> Result<Preview, PollError> {
        let clock = Utc::now();
        let (page, moment) = self.fetch(&feed, now).await?;
        let (page, pages) = if feed.follow {
            self.item_pages(&feed, page, moment, now, clock).await?
        } else {
            (page, ItemPages::default())
        };
        let (state_dir, base_url) = (self.places.state_dir.clone(), self.places.base_url.clone());
        blocking(move || {
            let mut prior = Store::look(&state_dir, |tx| {
                Ok(Prior {
                    items: tx.items(&feed.id)?,
                    held: tx.held(&feed.id)?,
                    followed: if feed.follow {
                        Some(tx.followed(&feed.id)?)
                    } else {
                        None
                    },
                })
            })?;
            // A state that knows nothing of the feed yet: its rows start empty.
            if feed.follow && prior.followed.is_none() {
                prior.followed = Some(Vec::new());
            }
            let pass = Pass {
                feed: &feed,
                base_url: base_url.as_ref(),
                page: &page,
                now: moment,
            };
            let outcome = pipeline::run(&pass, prior, pages)?;
            Ok(Preview {
                page,
                now: moment,
                outcome,
            })
        })
        .await?
    }

    /// For a feed that follows its items: choose the due items of the page (see
    /// [`follow::due`]) and fetch and read their pages, within the budget and the bound of
    /// time. Returns the page with its items as extracted and the fetches. `moment` is when
    /// the page counts as fetched; `given` is `--now`; `clock` the clock's reading.
    async fn item_pages(
        &self,
        feed: &Arc<Feed>,
        page: Page,
        moment: DateTime<Utc>,
        given: Option<DateTime<Utc>>,
        clock: DateTime<Utc>,
    ) -> Result<(Page, ItemPages), PollError> {
        let (state_dir, chosen_for) = (self.places.state_dir.clone(), feed.clone());
        let (page, chosen) = blocking(move || {
            let chosen = choose_due(&state_dir, &chosen_for, &page, moment);
            (page, chosen)
        })
        .await?;
        let (extracted, due) = chosen?;
        if due.is_empty() {
            let pages = ItemPages {
                extracted: Some(extracted),
                fetched: Vec::new(),
            };
            return Ok((page, pages));
        }
        let started = Instant::now();
        let fetched = follow::fetch::fetch_due(
            &self.fetcher,
            &self.polite,
            feed,
            due,
            given,
            clock,
            follow::fetch::bound(&self.fetcher),
        )
        .await;
        let read = fetched
            .iter()
            .filter(|(_, f)| matches!(f, Fetch::Read { .. }))
            .count();
        tracing::info!(
            feed = %feed.id,
            fetched = fetched.len(),
            read,
            failed = fetched.len() - read,
            took_ms = started.elapsed().as_millis() as u64,
            "item pages"
        );
        let pages = ItemPages {
            extracted: Some(extracted),
            fetched,
        };
        Ok((page, pages))
    }
}

/// The items of `page` whose own pages a poll fetches (blocking: it parses the page and reads
/// the state, without writing it).
fn choose_due(
    state_dir: &std::path::Path,
    feed: &Feed,
    page: &Page,
    now: DateTime<Utc>,
) -> Result<(Extracted, Vec<Candidate>), PollError> {
    let extracted = pipeline::extract(feed, page)?;
    let (known, rows) = Store::look(state_dir, |tx| {
        let known = tx.guids(&feed.id)?;
        let rows: HashMap<String, follow::Followed> = tx
            .followed(&feed.id)?
            .into_iter()
            .map(|r| (r.guid.clone(), r))
            .collect();
        Ok((known, rows))
    })?;
    let known = known.iter().map(String::as_str).collect();
    let due = follow::due_on_page(&extracted.items, feed, &known, &rows, now);
    Ok((extracted, due))
}

/// How a poll went, as the state notes it: started at `at`, took `took`.
pub fn poll_note(
    result: &Result<Report, PollError>,
    at: DateTime<Utc>,
    took: std::time::Duration,
    next_poll: Option<DateTime<Utc>>,
) -> PollNote {
    match result {
        Ok(r) => PollNote {
            at: at.trunc_subsecs(0),
            ok: true,
            result: if r.modified { "ok" } else { "not modified" }.into(),
            items: r.modified.then_some(r.items),
            new: r.new,
            took,
            error: None,
            next_poll,
        },
        Err(e) => PollNote {
            at: at.trunc_subsecs(0),
            ok: false,
            result: e.brief(),
            items: None,
            new: 0,
            took,
            error: Some(e.to_string()),
            next_poll,
        },
    }
}

/// Note in the state how a poll of `id` went: one small write, on a blocking thread. A
/// failure to note is logged; it never fails the poll, and nothing is noted once `gate` is
/// closed at a stop. The state's lock is taken before the writes are held open, so that
/// waiting for another process that holds the state never keeps a stop waiting.
pub async fn note(places: &Places, gate: &Gate, id: &str, note: PollNote) {
    let (dir, gate, feed) = (places.state_dir.clone(), gate.clone(), id.to_string());
    let noted = blocking(move || {
        let mut store = Store::open(&dir)?;
        let tx = store.begin_light()?;
        let _open = gate.hold()?;
        tx.note_poll(&feed, &note)?;
        tx.commit().map_err(PollError::from)
    })
    .await;
    if let Err(e) | Ok(Err(e)) = noted {
        tracing::warn!(feed = %id, "cannot note the poll in the state: {e}");
    }
}

/// How many out-of-order items a poll names one by one; more are summed up in one line.
const OUT_OF_ORDER_NAMED: usize = 3;

/// Log what the timeline had to say about a poll. Page order that could not be kept is
/// logged for items new to the feed only — an item keeps its time, so the same break comes
/// back at every poll and would repeat the same line for ever — and many such items at once
/// (a page that lists its oldest items first) are one line with a hint.
fn log_events(feed: &str, events: &[timeline::Event], fresh: &HashSet<String>) {
    let mut disordered = Vec::new();
    for event in events {
        match event {
            timeline::Event::OutOfOrder { guid, .. } if fresh.contains(guid) => {
                disordered.push(event);
            }
            timeline::Event::OutOfOrder { .. } => tracing::debug!(feed = %feed, "{event}"),
            _ => tracing::warn!(feed = %feed, "{event}"),
        }
    }
    if disordered.len() <= OUT_OF_ORDER_NAMED {
        for event in disordered {
            tracing::warn!(feed = %feed, "{event}");
        }
    } else if let Some(first) = disordered.first() {
        tracing::warn!(
            feed = %feed,
            "{} new items are listed below items their dates put earlier; their dates win over page order (the first: {first}). A page that lists its oldest items first wants order = \"none\"",
            disordered.len()
        );
    }
}

/// Run blocking work on tokio's blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PollError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| PollError::Interrupted(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A poll that waits for its place among the polls in flight has not touched the state:
    /// the state and its blocking thread come after the place.
    #[tokio::test]
    async fn a_waiting_poll_reads_nothing_before_its_place() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("page.html");
        std::fs::write(
            &file,
            "<html><body><ul><li><a href=\"/a\">Item a</a></li><li><a href=\"/b\">Item b</a></li></ul></body></html>",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let text = format!(
            "concurrency = 1\n[[feed]]\nid = \"f\"\nurl = \"{}\"\n[feed.items]\nselect = \"li\"\ntitle = \"a\"\nlink = \"a\"\n",
            file.display()
        );
        let config = crate::config::parse(&text, &dir.path().join("pagefeed.toml"), None)
            .unwrap_or_else(|e| panic!("config: {e}"));
        let feed = config.feeds[0].clone();
        let poller =
            Arc::new(Poller::new(&config, None, Gate::default()).unwrap_or_else(|e| panic!("{e}")));
        let state_dir = poller.places.state_dir.clone();
        let held = poller.polite.slot().await;
        let poll = {
            let poller = poller.clone();
            tokio::spawn(async move { poller.poll(feed, None, Utc::now()).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(!state_dir.exists(), "the state was opened before the place");
        drop(held);
        let report = poll.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.unwrap_or_else(|e| panic!("{e}")).items, 2);
        assert!(Path::new(&state_dir).exists());
    }
}
