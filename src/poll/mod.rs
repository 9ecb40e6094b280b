//! One poll of one feed, start to end: fetch, extract, read dates, advance the timeline,
//! publish, and remember — the state and the files change together or not at all.
//!
//! This module is the orchestration (the polite fetch, the state's transaction, the files,
//! the notes); `pipeline` is the pure part from page to documents, `health` the
//! selector-health policy that decides whether a page may be published.

mod health;
mod pipeline;

pub use health::check_health;
pub use pipeline::{
    DATE_AHEAD, DATE_BEHIND, Documents, FORMATS, Following, Followup, Outcome, Seen, advance,
    extract_page, fetch_moment, process, process_following, read_dates, render,
};

use crate::config::{Config, Feed};
use crate::extract::{ExtractError, Extracted};
use crate::fetch::politeness::{self, PoliteError, Politeness};
use crate::fetch::{FetchError, Fetched, Fetcher, Page, Validators};
use crate::follow::{self, Candidate, Fetch, Followed};
use crate::publish::{self, FeedMeta};
use crate::state::{GoodPoll, PollNote, Rendered, StateError, Store, StoredItem};
use crate::timeline;
use chrono::{DateTime, SubsecRound, Utc};
use health::report_coverage;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
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

/// Whether polls may still change the state and the files: closed once, at shutdown, so
/// that nothing is written after the daemon says it stopped. A poll holds it open (read)
/// from its commit to its last file; [`close_writes`] waits for those in that stretch.
static WRITES: RwLock<bool> = RwLock::new(true);

/// Let no poll commit or write from now on; returns once none is committing or writing.
pub fn close_writes() {
    let mut open = WRITES.write().unwrap_or_else(|e| e.into_inner());
    *open = false;
}

/// Hold writes open while the guard lives, or fail where they are closed already.
fn writes_open() -> Result<std::sync::RwLockReadGuard<'static, bool>, PollError> {
    let open = WRITES.read().unwrap_or_else(|e| e.into_inner());
    if !*open {
        return Err(PollError::Interrupted(
            "pagefeed is stopping; nothing was written".into(),
        ));
    }
    Ok(open)
}

/// How many times a poll works on its page outside the write lock when the feed changes
/// meanwhile (another process polled it); after that it works under the lock.
const TRIES_OUTSIDE_THE_LOCK: usize = 2;

/// What a poll reads of its feed's state before it works on a page.
struct Before {
    generation: i64,
    items: Vec<StoredItem>,
    last_good: Option<GoodPoll>,
    coverage: String,
    /// The followed rows, for a feed that follows its items.
    followed: Option<Vec<Followed>>,
    /// The items held back to settle.
    held: Vec<StoredItem>,
}

impl Before {
    fn read(tx: &crate::state::Poll<'_>, feed: &Feed) -> Result<Before, StateError> {
        let id = &feed.id;
        Ok(Before {
            generation: tx.generation(id)?,
            items: tx.items(id)?,
            last_good: tx.last_good(id)?,
            coverage: tx.coverage(id)?,
            followed: if feed.follow {
                Some(tx.followed(id)?)
            } else {
                None
            },
            held: tx.held(id)?,
        })
    }
}

/// A poll's work on a page against what the state held ([`Before`]): pure.
struct Worked {
    /// The feed's generation the work was done against.
    generation: i64,
    outcome: Outcome,
    /// The counts for selector health, and its verdict.
    good: GoodPoll,
    health: Result<(), String>,
    /// The selector coverage last reported, as the state held it.
    last_coverage: String,
}

fn work(
    places: &Places,
    feed: &Feed,
    page: &Page,
    now: DateTime<Utc>,
    before: Before,
    pages: &ItemPages,
) -> Result<Worked, PollError> {
    let following = before.followed.map(|rows| Following {
        rows,
        fetched: pages.fetched.clone(),
    });
    let outcome = process_following(
        feed,
        places.base_url.as_ref(),
        page,
        pages.extracted.clone(),
        now,
        before.items,
        before.held,
        following,
    )?;
    // Selector health, over the items on this page: a redesigned page publishes nothing.
    let on_page: Vec<&StoredItem> = outcome
        .items
        .iter()
        .filter(|i| i.record.last_seen == now)
        .collect();
    // Items held back until their own page is read are the page's too, each with a link
    // (it is being followed) and a title: a list whose items all wait is not a broken page.
    // So are those held back to settle, with what the page gave them.
    let held = outcome.follow.as_ref().map_or(0, |f| f.held);
    let settling = &outcome.held;
    let good = GoodPoll {
        items: on_page.len() + held + settling.len(),
        links: on_page.iter().filter(|i| i.link.is_some()).count()
            + held
            + settling.iter().filter(|i| i.link.is_some()).count(),
    };
    // A title that fell back (a configured selector that missed) is no title.
    let titled = held
        + settling
            .iter()
            .filter(|i| !i.title.trim().is_empty() && !outcome.untitled.contains(&i.record.guid))
            .count()
        + on_page
            .iter()
            .filter(|i| !i.title.trim().is_empty() && !outcome.untitled.contains(&i.record.guid))
            .count();
    let health = check_health(good.items, titled, good.links, before.last_good);
    Ok(Worked {
        generation: before.generation,
        outcome,
        good,
        health,
        last_coverage: before.coverage,
    })
}

/// The state, then the files, for one fetched page.
///
/// The feed's state is read in a read transaction, and the page worked on (extraction,
/// dates, timeline, rendering) outside any lock; the write transaction is taken only to
/// check that the feed's generation is still the one read — else the work is done again
/// against the new state, [`TRIES_OUTSIDE_THE_LOCK`] times at most, then under the lock —
/// and to commit. Polls of other feeds so wait only for each other's commits and files.
///
/// The state commits first, marked pending, and the files follow under the database's write
/// lock; then the mark is cleared. A poll killed in between leaves the mark, and the next
/// poll writes the files from the state before anything else (see [`repair_files`]), 304 or
/// not; the files never show times the state does not hold (a later poll could otherwise
/// publish an item at a second, different time). Under the lock the files are rendered from
/// what the state holds, so a concurrent process never leaves older files behind.
pub fn publish_page(
    places: &Places,
    feed: &Feed,
    page: &Page,
    now: DateTime<Utc>,
) -> Result<Report, PollError> {
    publish(places, feed, page, now, &ItemPages::default(), &mut || {})
}

/// What a poll of a feed that follows its items brings besides its page: the page's items as
/// extracted to choose the due item pages (so the page is not extracted again), and what
/// fetching those pages gave.
#[derive(Debug, Default)]
pub struct ItemPages {
    pub extracted: Option<Extracted>,
    pub fetched: Vec<(Candidate, Fetch)>,
}

/// [`publish_page`] with the item pages this poll fetched (a feed that follows its items):
/// what they said is committed with the page, in the poll's one transaction.
pub fn publish_followed(
    places: &Places,
    feed: &Feed,
    page: &Page,
    now: DateTime<Utc>,
    pages: &ItemPages,
) -> Result<Report, PollError> {
    publish(places, feed, page, now, pages, &mut || {})
}

/// [`publish_page`], with `meanwhile` run between the work outside the lock and the write
/// transaction (where another process may commit).
fn publish(
    places: &Places,
    feed: &Feed,
    page: &Page,
    now: DateTime<Utc>,
    pages: &ItemPages,
    meanwhile: &mut dyn FnMut(),
) -> Result<Report, PollError> {
    let started = Instant::now();
    let mut store = Store::open(&places.state_dir)?;
    let mut tries = 0;
    let (tx, worked) = loop {
        if tries == TRIES_OUTSIDE_THE_LOCK {
            let tx = store.begin()?;
            let before = Before::read(&tx, feed)?;
            let worked = work(places, feed, page, now, before, pages)?;
            break (tx, worked);
        }
        tries += 1;
        let before = Before::read(&store.read()?, feed)?;
        let worked = work(places, feed, page, now, before, pages)?;
        meanwhile();
        let tx = store.begin()?;
        if tx.generation(&feed.id)? == worked.generation {
            break (tx, worked);
        }
        tracing::debug!(feed = %feed.id, "the feed changed while its page was worked on; again");
    };
    let Worked {
        outcome,
        good,
        health,
        last_coverage,
        ..
    } = worked;
    let coverage = report_coverage(feed, outcome.coverage.as_ref(), &last_coverage);
    if let Some(f) = &outcome.follow {
        for line in &f.logs {
            tracing::warn!(feed = %feed.id, "{line}");
        }
    }
    if let Err(detail) = health {
        // Nothing is published, but the coverage just reported is remembered.
        if let Some(key) = coverage
            && let Ok(_open) = writes_open()
        {
            tx.save_coverage(&feed.id, &key)?;
            tx.bump_generation(&feed.id)?;
            tx.commit()?;
        }
        return Err(PollError::Unhealthy {
            url: page.url.to_string(),
            detail,
        });
    }
    if let Some(key) = &coverage {
        tx.save_coverage(&feed.id, key)?;
    }
    log_events(&feed.id, &outcome.events, &outcome.fresh);
    let rendered = Rendered {
        title: outcome.meta.title.clone(),
        page: outcome.meta.page.clone(),
    };
    tx.save_items(&feed.id, &outcome.items)?;
    tx.save_held(&feed.id, &outcome.held)?;
    if !outcome.held.is_empty() {
        tracing::info!(
            feed = %feed.id,
            held = outcome.held.len(),
            "new items the page dates only roughly wait for their time to settle"
        );
    }
    if let Some(f) = &outcome.follow {
        tx.save_followed(&feed.id, &f.kept.save, &f.kept.gone)?;
        if f.held > 0 {
            tracing::info!(
                feed = %feed.id,
                held = f.held,
                "new items without a date on the list wait for their own page"
            );
        }
    }
    tx.save_validators(&feed.id, &page.validators)?;
    tx.save_good(&feed.id, good)?;
    tx.save_pending(&feed.id, &rendered)?;
    tx.bump_generation(&feed.id)?;
    let open = writes_open()?;
    // Files that show this poll already (a steady page): one commit, nothing pending. Files
    // are written only under the state's write lock, held here from the check of the
    // generation, so they cannot change meanwhile.
    let current = publish::all_hold(&file_set(places, &feed.id, &outcome.files)).unwrap_or(false);
    if current {
        tx.files_written(&feed.id)?;
    }
    tx.commit()?;
    let written = if current {
        false
    } else {
        write_files(&mut store, places, feed, &outcome)?
    };
    drop(open);
    Ok(Report {
        feed: feed.id.clone(),
        modified: true,
        items: outcome.on_page,
        new: outcome.new,
        kept: outcome.items.len(),
        written,
        bytes: page.bytes,
        took: started.elapsed(),
        waiting: outcome.follow.as_ref().map_or(0, |f| {
            f.rows
                .values()
                .filter(|r| r.status == follow::Status::Due && r.tries == 0)
                .count()
        }),
    })
}

/// Write the feed files for what the state holds, holding its write lock, and clear the
/// pending mark.
fn write_files(
    store: &mut Store,
    places: &Places,
    feed: &Feed,
    outcome: &Outcome,
) -> Result<bool, PollError> {
    let lock = store.begin_light()?;
    let held = lock.items(&feed.id)?;
    let rendered;
    let files = if held == outcome.items {
        &outcome.files
    } else {
        rendered = render(&outcome.meta, &held)?;
        &rendered
    };
    let written = write_set(places, &feed.id, files)?;
    lock.files_written(&feed.id)?;
    lock.commit()?;
    Ok(written)
}

/// A feed's files: each path with the bytes it should hold.
fn file_set<'a>(places: &Places, id: &str, files: &'a Documents) -> Vec<(PathBuf, &'a [u8])> {
    FORMATS
        .iter()
        .map(|ext| places.file(id, ext))
        .zip(files.all())
        .collect()
}

/// Replace a feed's RSS, Atom and JSON Feed files together (or none of them).
fn write_set(places: &Places, id: &str, files: &Documents) -> Result<bool, PollError> {
    let set = file_set(places, id, files);
    let set: Vec<(&std::path::Path, &[u8])> = set.iter().map(|(p, b)| (p.as_path(), *b)).collect();
    publish::write_all_if_changed(&set).map_err(|source| PollError::Write {
        path: places.output_dir.clone(),
        source,
    })
}

/// Where a crash (or a failed write) left a feed's files behind its state, write them from
/// the state. Returns whether the files were written.
pub fn repair_files(places: &Places, feed: &Feed) -> Result<bool, PollError> {
    let mut store = Store::open(&places.state_dir)?;
    let lock = store.begin_light()?;
    let Some(rendered) = lock.pending(&feed.id)? else {
        return Ok(false);
    };
    let held = lock.items(&feed.id)?;
    let (self_rss, self_atom) = FeedMeta::self_links(places.base_url.as_ref(), &feed.id);
    let meta = FeedMeta {
        id: feed.id.clone(),
        title: rendered.title,
        page: rendered.page,
        self_rss,
        self_atom,
        self_json: FeedMeta::self_link(places.base_url.as_ref(), &feed.id, "json"),
    };
    let files = render(&meta, &held)?;
    let _open = writes_open()?;
    let written = write_set(places, &feed.id, &files)?;
    lock.files_written(&feed.id)?;
    lock.commit()?;
    Ok(written)
}

/// Poll `feed` once, publish what changed, and note in the state how the poll went (see
/// [`poll_feed`] and [`note`]); the daemon notes its polls itself, with the next poll's time.
pub async fn poll(
    places: Places,
    feed: Arc<Feed>,
    fetcher: &Fetcher,
    polite: &Politeness,
    now: Option<DateTime<Utc>>,
    clock: DateTime<Utc>,
) -> Result<Report, PollError> {
    let started = Instant::now();
    let id = feed.id.clone();
    let result = poll_feed(places.clone(), feed, fetcher, polite, now, clock).await;
    note(
        &places,
        &id,
        poll_note(&result, clock, started.elapsed(), None),
    )
    .await;
    result
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
/// failure to note is logged; it never fails the poll, and nothing is noted once writes are
/// closed at a stop.
pub async fn note(places: &Places, id: &str, note: PollNote) {
    let (dir, feed) = (places.state_dir.clone(), id.to_string());
    let noted = blocking(move || {
        let _open = writes_open()?;
        Store::note_poll(&dir, &feed, &note).map_err(PollError::from)
    })
    .await;
    if let Err(e) | Ok(Err(e)) = noted {
        tracing::warn!(feed = %id, "cannot note the poll in the state: {e}");
    }
}

/// Poll `feed` once and publish what changed. `now` is `--now` where given; `clock` the
/// system clock's reading as the poll begins (moved on by the time the poll waited and
/// fetched), used where the response carries no believable `Date`.
///
/// Politeness: the poll first takes its turn at the host and its place among the polls in
/// flight ([`politeness::admit`]), and only then reads the state and fetches the page
/// ([`politeness::fetch_admitted`]; robots.txt unless the feed says `robots = false`), so that
/// a poll that waits holds no thread. The host is free again as soon as the page is in;
/// parsing and writing hold only the place in flight.
pub async fn poll_feed(
    places: Places,
    feed: Arc<Feed>,
    fetcher: &Fetcher,
    polite: &Politeness,
    now: Option<DateTime<Utc>>,
    clock: DateTime<Utc>,
) -> Result<Report, PollError> {
    let started = Instant::now();
    let admission = politeness::admit(polite, &feed.source).await;
    let (validators, pending, waiting) = {
        let state_dir = places.state_dir.clone();
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
        let (places, behind) = (places.clone(), feed.clone());
        if blocking(move || repair_files(&places, &behind)).await?? {
            tracing::info!(feed = %feed.id, "the feed files were behind the state; written again");
        }
    }
    // The validators only stand for files that are there: a missing file (a new output
    // folder, /run after a reboot, a write that failed) asks for the whole page again.
    let have_files = FORMATS
        .iter()
        .all(|ext| places.file(&feed.id, ext).is_file());
    // While an item page is still due the list is fetched whole: a 304 would leave the
    // items waiting for it unread.
    let conditional =
        (have_files && !waiting && validators != Validators::default()).then_some(&validators);
    let request = politeness::Request {
        source: &feed.source,
        robots: feed.robots,
        private_network: feed.private_network,
        conditional,
        render: feed.render.as_ref(),
    };
    let (_slot, fetched) = politeness::fetch_admitted(fetcher, polite, admission, request).await?;
    let page = match fetched {
        Fetched::Page(page) => page,
        Fetched::NotModified => {
            return Ok(Report {
                feed: feed.id.clone(),
                modified: false,
                items: 0,
                new: 0,
                kept: 0,
                written: false,
                bytes: 0,
                took: started.elapsed(),
                waiting: 0,
            });
        }
    };
    // The clock was read when the poll began; it may have waited for its turn and its place
    // since, so the reading moves on with the poll.
    let clock = clock + chrono::TimeDelta::from_std(started.elapsed()).unwrap_or_default();
    let given = now;
    let now = fetch_moment(given, &page, clock);
    let (page, pages) = if feed.follow {
        follow_items(&places, &feed, fetcher, polite, *page, now, given, clock).await?
    } else {
        (*page, ItemPages::default())
    };
    // Parsing and the database are blocking work: keep them off the async threads.
    let mut report =
        blocking(move || publish_followed(&places, &feed, &page, now, &pages)).await??;
    report.took = started.elapsed();
    Ok(report)
}

/// For a feed that follows its items: choose the due items of the page (see
/// [`follow::due`]) and fetch and read their pages, within the budget and the bound of time.
/// Returns the page with its items as extracted and the fetches.
#[allow(clippy::too_many_arguments)]
async fn follow_items(
    places: &Places,
    feed: &Arc<Feed>,
    fetcher: &Fetcher,
    polite: &Politeness,
    page: Page,
    now: DateTime<Utc>,
    given: Option<DateTime<Utc>>,
    clock: DateTime<Utc>,
) -> Result<(Page, ItemPages), PollError> {
    let (state_dir, chosen_for) = (places.state_dir.clone(), feed.clone());
    let (page, chosen) = blocking(move || {
        let chosen = choose_due(&state_dir, &chosen_for, &page, now);
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
        fetcher,
        polite,
        feed,
        due,
        given,
        clock,
        follow::fetch::bound(fetcher),
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

/// The items of `page` whose own pages this poll fetches (blocking: it parses the page and
/// reads the state).
fn choose_due(
    state_dir: &std::path::Path,
    feed: &Feed,
    page: &Page,
    now: DateTime<Utc>,
) -> Result<(Extracted, Vec<Candidate>), PollError> {
    let extracted = extract_page(feed, page)?;
    let mut store = Store::open(state_dir)?;
    let tx = store.read()?;
    let known = tx.guids(&feed.id)?;
    let rows = tx
        .followed(&feed.id)?
        .into_iter()
        .map(|r| (r.guid.clone(), r))
        .collect();
    let known = known.iter().map(String::as_str).collect();
    let due = follow::due_on_page(&extracted.items, feed, &known, &rows, now);
    Ok((extracted, due))
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
    use crate::fetch::robots::Robots;
    use std::path::Path;

    fn feed(url: &str) -> Arc<Feed> {
        let text = format!(
            "[[feed]]\nid = \"f\"\nurl = \"{url}\"\n[feed.items]\nselect = \"li\"\ntitle = \"a\"\nlink = \"a\"\n"
        );
        let config = crate::config::parse(&text, Path::new("/tmp/pagefeed.toml"), None)
            .unwrap_or_else(|e| panic!("config: {e}"));
        config.feeds[0].clone()
    }

    fn html(guids: &[&str]) -> String {
        let items: String = guids
            .iter()
            .map(|g| format!("<li><a href=\"/{g}\">Item {g}</a></li>"))
            .collect();
        format!("<html><head><title>T</title></head><body><ul>{items}</ul></body></html>")
    }

    fn page(guids: &[&str]) -> Page {
        let text = html(guids);
        Page {
            bytes: text.len(),
            text,
            url: Url::parse("https://s.example/list").unwrap_or_else(|e| panic!("{e}")),
            date: None,
            validators: Validators::default(),
            from_file: false,
            encoding: "UTF-8",
            content_language: None,
        }
    }

    fn places(dir: &Path) -> Places {
        Places {
            output_dir: dir.join("out"),
            state_dir: dir.join("state"),
            base_url: None,
        }
    }

    /// Another process commits the feed while a poll works on its page outside the lock: the
    /// poll works again against what was committed, and loses none of it.
    #[test]
    fn a_feed_changed_while_its_page_was_worked_on_is_worked_on_again() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let places = places(dir.path());
        let feed = feed("https://s.example/list");
        let t = DateTime::from_timestamp(2_000_000_000, 0).unwrap_or_else(|| panic!("time"));
        publish_page(&places, &feed, &page(&["a", "b"]), t).unwrap_or_else(|e| panic!("{e}"));
        let mut others = 0;
        let later = t + chrono::TimeDelta::minutes(10);
        publish(
            &places,
            &feed,
            &page(&["a", "b"]),
            later,
            &ItemPages::default(),
            &mut || {
                if others == 0 {
                    let meanwhile = t + chrono::TimeDelta::minutes(5);
                    publish_page(&places, &feed, &page(&["c", "a", "b"]), meanwhile)
                        .unwrap_or_else(|e| panic!("{e}"));
                }
                others += 1;
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(others, 2, "worked on twice");
        let held = Store::peek(&places.state_dir, "f").unwrap_or_else(|e| panic!("{e}"));
        let guids: Vec<&str> = held.iter().map(|i| i.record.guid.as_str()).collect();
        assert!(guids.iter().any(|g| g.ends_with("/c")), "{guids:?}");
        let mut store = Store::open(&places.state_dir).unwrap_or_else(|e| panic!("{e}"));
        let read = store.read().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.generation("f").unwrap_or_else(|e| panic!("{e}")), 3);
        assert_eq!(read.pending("f").unwrap_or_else(|e| panic!("{e}")), None);
        let rss =
            std::fs::read_to_string(places.file("f", "rss")).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            rss.contains("Item c"),
            "the files show what the state holds"
        );
    }

    /// A feed that changes at every try is worked on under the lock at last.
    #[test]
    fn a_feed_that_keeps_changing_is_worked_on_under_the_lock() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let places = places(dir.path());
        let feed = feed("https://s.example/list");
        let t = DateTime::from_timestamp(2_000_000_000, 0).unwrap_or_else(|| panic!("time"));
        let mut others = 0;
        publish(
            &places,
            &feed,
            &page(&["a"]),
            t,
            &ItemPages::default(),
            &mut || {
                others += 1;
                let mut store = Store::open(&places.state_dir).unwrap_or_else(|e| panic!("{e}"));
                let tx = store.begin().unwrap_or_else(|e| panic!("{e}"));
                tx.bump_generation("f").unwrap_or_else(|e| panic!("{e}"));
                tx.commit().unwrap_or_else(|e| panic!("{e}"));
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(others, TRIES_OUTSIDE_THE_LOCK);
        let held = Store::peek(&places.state_dir, "f").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(held.len(), 1);
    }

    /// A poll that waits for its place among the polls in flight has not touched the state:
    /// the state and its blocking thread come after the place.
    #[tokio::test]
    async fn a_waiting_poll_reads_nothing_before_its_place() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let places = places(dir.path());
        let file = dir.path().join("page.html");
        std::fs::write(&file, html(&["a", "b"])).unwrap_or_else(|e| panic!("{e}"));
        let feed = feed(&file.display().to_string());
        let polite = Arc::new(Politeness::new(
            1,
            std::time::Duration::ZERO,
            Robots::new("t"),
        ));
        let fetcher = Arc::new(
            Fetcher::new(crate::fetch::FetchOptions::default()).unwrap_or_else(|e| panic!("{e}")),
        );
        let held = polite.slot().await;
        let poll = {
            let (places, polite, fetcher) = (places.clone(), polite.clone(), fetcher.clone());
            tokio::spawn(async move {
                poll_feed(places, feed, &fetcher, &polite, None, Utc::now()).await
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(
            !places.state_dir.exists(),
            "the state was opened before the place"
        );
        drop(held);
        let report = poll.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.unwrap_or_else(|e| panic!("{e}")).items, 2);
        assert!(places.state_dir.exists());
    }
}
