//! One poll of one feed, start to end: fetch, extract, read dates, advance the timeline,
//! publish, and remember — the state and the files change together or not at all.

use crate::config::{Config, Feed};
use crate::daemon::politeness::Politeness;
use crate::dates::{self, Interval, Reading};
use crate::extract::{self, Coverage, ExtractError, Item};
use crate::fetch::{FetchError, Fetched, Fetcher, Page, Source, Validators};
use crate::publish::{self, Entry, FeedMeta};
use crate::state::{GoodPoll, PollNote, Rendered, StateError, Store, StoredItem};
use crate::timeline::{self, Record, Sighting};
use chrono::{DateTime, SubsecRound, Utc};
use std::collections::{HashMap, HashSet};
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

/// Selector health: whether the items on a page look like those of the last good poll.
/// `items` on the page, of which `titled` have a title and `linked` a link. A page with far
/// fewer items (under a third of the last good poll's, which had at least 6), mostly without
/// titles, or mostly without links where the last good poll mostly had them, is refused.
/// Pure.
pub fn check_health(
    items: usize,
    titled: usize,
    linked: usize,
    last_good: Option<GoodPoll>,
) -> Result<(), String> {
    let counts = || {
        let last = last_good
            .map(|g| {
                format!(
                    "; last good poll: {} items, {} with a link",
                    g.items, g.links
                )
            })
            .unwrap_or_default();
        format!("{items} items, {titled} with a title, {linked} with a link{last}")
    };
    if items == 0 {
        return Err(format!("no items ({})", counts()));
    }
    if let Some(good) = last_good
        && good.items >= 6
        && items * 3 < good.items
    {
        return Err(format!("far fewer items than before ({})", counts()));
    }
    if titled * 2 < items {
        return Err(format!("most items have no title ({})", counts()));
    }
    if let Some(good) = last_good
        && good.links * 2 >= good.items
        && linked * 2 < items
    {
        return Err(format!("most items have no link ({})", counts()));
    }
    Ok(())
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
            "polled"
        );
    }
}

/// How far a response's `Date` (less its `Age`) may lie behind the local clock and still be
/// believed: a cache may serve a page some minutes old, and the page's relative times count
/// from when it was made.
pub const DATE_BEHIND: chrono::TimeDelta = chrono::TimeDelta::hours(1);
/// How far it may lie ahead of the local clock: clocks of servers differ by seconds, not more.
pub const DATE_AHEAD: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// The moment a page counts as fetched: `--now`, else its `Date` header (less its `Age`)
/// where that lies within [`DATE_BEHIND`] and [`DATE_AHEAD`] of the clock reading the caller
/// took (`clock`), else that reading. Whole seconds, as the state keeps them.
///
/// A header is evidence, not an order: a server that says it is 2100, or that its page is a
/// thousand days old, moves nothing by more than the tolerance.
pub fn fetch_moment(
    given: Option<DateTime<Utc>>,
    page: &Page,
    clock: DateTime<Utc>,
) -> DateTime<Utc> {
    let believed = page
        .date
        .filter(|d| *d >= clock - DATE_BEHIND && *d <= clock + DATE_AHEAD);
    if given.is_none()
        && believed.is_none()
        && let Some(date) = page.date
    {
        tracing::warn!(
            url = %page.url,
            "the response's Date less its Age ({}) is too far from the local clock ({}); the clock is used",
            date.to_rfc3339(),
            clock.trunc_subsecs(0).to_rfc3339()
        );
    }
    given.or(believed).unwrap_or(clock).trunc_subsecs(0)
}

/// One item of the page with what its date text says.
pub struct Seen {
    pub item: Item,
    pub reading: Option<Reading>,
}

/// Read every item's date text. Texts that cannot be read are logged once for the poll.
pub fn read_dates(feed: &Feed, items: Vec<Item>, now: DateTime<Utc>) -> Vec<Seen> {
    let ctx = dates::Context {
        now,
        timezone: feed.timezone,
        languages: &feed.languages,
        rounding: feed.rounding,
    };
    let mut unreadable: Vec<String> = Vec::new();
    // Lists repeat their date texts ("1 uur geleden" down half the page): read each once.
    let mut read: HashMap<String, Option<Reading>> = HashMap::new();
    let seen = items
        .into_iter()
        .map(|item| {
            let reading = item.date_text.as_deref().and_then(|text| {
                if let Some(known) = read.get(text) {
                    return *known;
                }
                let reading = dates::read(text, &ctx)
                    .map_err(|e| unreadable.push(e.to_string()))
                    .ok();
                read.insert(text.to_string(), reading);
                reading
            });
            Seen { item, reading }
        })
        .collect();
    if !unreadable.is_empty() {
        tracing::warn!(
            feed = %feed.id,
            "{} date text(s) could not be read; those items keep the moment they were first seen: {}",
            unreadable.len(),
            unreadable.join("; ")
        );
    }
    seen
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

/// A feed's state after one page, and the files that show it. Pure: made from the page, the
/// previous state and the fetch moment alone.
pub struct Outcome {
    pub meta: FeedMeta,
    pub items: Vec<StoredItem>,
    pub files: Documents,
    pub on_page: usize,
    pub new: usize,
    pub events: Vec<timeline::Event>,
    /// How many of the page's items each field was found in (set by [`process`]).
    pub coverage: Option<Coverage>,
    /// Guids of the page's items whose title fell back (see `extract::Item::titled`).
    pub untitled: HashSet<String>,
}

/// The feed's items on a fetched page. `page_url` stands in for the address the page was
/// read from: links resolve against it (and the page's `<base href>`).
pub fn extract_page(feed: &Feed, page: &Page) -> Result<extract::Extracted, PollError> {
    let (url, from_file) = match &feed.page_url {
        Some(u) => (u, false),
        None => (&page.url, page.from_file),
    };
    extract::extract(&page.text, url, from_file, &feed.items).map_err(|source| PollError::Extract {
        url: page.url.to_string(),
        source,
    })
}

/// Extract, read dates, advance the timeline and render, for one fetched page.
pub fn process(
    feed: &Feed,
    base_url: Option<&Url>,
    page: &Page,
    now: DateTime<Utc>,
    previous: Vec<StoredItem>,
) -> Result<Outcome, PollError> {
    let extracted = extract_page(feed, page)?;
    let page_link = match &feed.page_url {
        Some(u) => u.clone(),
        None if page.from_file => extracted.base.clone(),
        None => page.url.clone(),
    };
    let coverage = extracted.coverage;
    let title = feed
        .title
        .clone()
        .or(extracted.title.clone())
        .unwrap_or_else(|| feed.id.clone());
    let seen = read_dates(feed, extracted.items, now);
    let mut outcome = advance(feed, base_url, title, page_link, seen, now, previous)?;
    outcome.coverage = Some(coverage);
    Ok(outcome)
}

/// The timeline step of [`process`], for items already extracted and dated.
pub fn advance(
    feed: &Feed,
    base_url: Option<&Url>,
    title: String,
    page_link: Url,
    seen: Vec<Seen>,
    now: DateTime<Utc>,
    previous: Vec<StoredItem>,
) -> Result<Outcome, PollError> {
    let on_page = seen.len();
    let mut fields: HashMap<String, StoredItem> = HashMap::with_capacity(previous.len() + on_page);
    let mut records = Vec::with_capacity(previous.len());
    for p in previous {
        records.push(p.record.clone());
        fields.insert(p.record.guid.clone(), p);
    }
    let untitled: HashSet<String> = seen
        .iter()
        .filter(|s| !s.item.titled)
        .map(|s| s.item.guid.clone())
        .collect();
    let sightings: Vec<Sighting<'_>> = seen
        .iter()
        .map(|s| Sighting {
            guid: &s.item.guid,
            reading: s.reading,
        })
        .collect();
    let line = timeline::advance(records, &sightings, now, feed.items.order);
    drop(sightings);
    // The page's current text wins over what was stored. New: not kept before, kept now.
    let mut fresh: HashSet<String> = HashSet::new();
    for s in seen {
        let i = s.item;
        if !fields.contains_key(&i.guid) {
            fresh.insert(i.guid.clone());
        }
        fields.insert(
            i.guid.clone(),
            StoredItem {
                title: i.title,
                link: i.link,
                summary: i.summary,
                summary_html: i.summary_html,
                author: i.author,
                categories: i.categories,
                record: Record {
                    guid: i.guid,
                    first_seen: now,
                    last_seen: now,
                    evidence: None,
                    pinned: Interval::at(now),
                    published: now,
                },
            },
        );
    }
    let items: Vec<StoredItem> = line
        .records
        .into_iter()
        .take(feed.max_items)
        .filter_map(|record| {
            let mut item = fields.remove(&record.guid)?;
            item.record = record;
            Some(item)
        })
        .collect();
    let new = items
        .iter()
        .filter(|i| fresh.contains(&i.record.guid))
        .count();
    let (self_rss, self_atom) = FeedMeta::self_links(base_url, &feed.id);
    let meta = FeedMeta {
        id: feed.id.clone(),
        title,
        page: page_link,
        self_rss,
        self_atom,
        self_json: FeedMeta::self_link(base_url, &feed.id, "json"),
    };
    let files = render(&meta, &items)?;
    Ok(Outcome {
        files,
        meta,
        items,
        on_page,
        new,
        events: line.events,
        coverage: None,
        untitled,
    })
}

fn entry(item: &StoredItem) -> Entry<'_> {
    Entry {
        guid: &item.record.guid,
        title: &item.title,
        link: item.link.as_ref(),
        summary: &item.summary,
        summary_html: item.summary_html.as_deref(),
        author: item.author.as_deref(),
        categories: &item.categories,
        published: item.record.published,
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

/// The state, then the files, for one fetched page.
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
    let started = Instant::now();
    let mut store = Store::open(&places.state_dir)?;
    let tx = store.begin()?;
    let previous = tx.items(&feed.id)?;
    let outcome = process(feed, places.base_url.as_ref(), page, now, previous)?;
    // Selector health, over the items on this page: a redesigned page publishes nothing.
    let on_page: Vec<&StoredItem> = outcome
        .items
        .iter()
        .filter(|i| i.record.last_seen == now)
        .collect();
    let good = GoodPoll {
        items: on_page.len(),
        links: on_page.iter().filter(|i| i.link.is_some()).count(),
    };
    // A title that fell back (a configured selector that missed) is no title.
    let titled = on_page
        .iter()
        .filter(|i| !i.title.trim().is_empty() && !outcome.untitled.contains(&i.record.guid))
        .count();
    let coverage = report_coverage(&tx, feed, outcome.coverage.as_ref())?;
    if let Err(detail) = check_health(good.items, titled, good.links, tx.last_good(&feed.id)?) {
        // Nothing is published, but the coverage just reported is remembered.
        if let Some(key) = coverage
            && let Ok(_open) = writes_open()
        {
            tx.save_coverage(&feed.id, &key)?;
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
    for event in &outcome.events {
        tracing::warn!(feed = %feed.id, "{event}");
    }
    let rendered = Rendered {
        title: outcome.meta.title.clone(),
        page: outcome.meta.page.clone(),
    };
    tx.save_items(&feed.id, &outcome.items)?;
    tx.save_validators(&feed.id, &page.validators)?;
    tx.save_good(&feed.id, good)?;
    tx.save_pending(&feed.id, &rendered)?;
    let open = writes_open()?;
    // Files that show this poll already (a steady page): one commit, nothing pending. The
    // state's write lock is held since the poll began, so they cannot change meanwhile.
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
    })
}

/// Log the feed's selector coverage where it changed since it was last reported: a warning
/// for each configured field that missed in some items ("title matched 0 of 20 items;
/// titles fall back to the first sentence"), a line when all match again. Returns the new
/// coverage key to remember, where it changed.
fn report_coverage(
    tx: &crate::state::Poll<'_>,
    feed: &Feed,
    coverage: Option<&Coverage>,
) -> Result<Option<String>, PollError> {
    let Some(coverage) = coverage else {
        return Ok(None);
    };
    let key = coverage.key();
    if tx.coverage(&feed.id)? == key {
        return Ok(None);
    }
    let misses = coverage.misses();
    if misses.is_empty() {
        tracing::info!(feed = %feed.id, "selector coverage: every configured field matched every item again");
    }
    for miss in misses {
        tracing::warn!(feed = %feed.id, "selector coverage: {miss}");
    }
    Ok(Some(key))
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

/// The extensions of a feed's files, in the order of [`Documents::all`].
pub const FORMATS: [&str; 3] = ["rss", "atom", "json"];

/// A feed's documents, one per file: `<id>.rss`, `<id>.atom`, `<id>.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Documents {
    pub rss: Vec<u8>,
    pub atom: Vec<u8>,
    pub json: Vec<u8>,
}

impl Documents {
    /// The bytes of each file, in the order of [`FORMATS`].
    pub fn all(&self) -> [&[u8]; 3] {
        [&self.rss, &self.atom, &self.json]
    }
}

/// RSS, Atom and JSON Feed bytes for `items`.
pub fn render(meta: &FeedMeta, items: &[StoredItem]) -> Result<Documents, publish::RenderError> {
    let entries: Vec<Entry<'_>> = items.iter().map(entry).collect();
    Ok(Documents {
        rss: publish::rss(meta, &entries)?,
        atom: publish::atom(meta, &entries)?,
        json: publish::json(meta, &entries)?,
    })
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
/// system clock's reading, used only when the response carries no `Date`.
///
/// Politeness: the poll takes its turn at the source's host (one request at a time, with
/// the host gap), then a place among the polls in flight; robots.txt is asked (through the
/// same turn) unless the feed says `robots = false`. The host is free again as soon as the
/// page is in; parsing and writing hold only the place in flight.
pub async fn poll_feed(
    places: Places,
    feed: Arc<Feed>,
    fetcher: &Fetcher,
    polite: &Politeness,
    now: Option<DateTime<Utc>>,
    clock: DateTime<Utc>,
) -> Result<Report, PollError> {
    let started = Instant::now();
    let (validators, pending) = {
        let state_dir = places.state_dir.clone();
        let id = feed.id.clone();
        blocking(move || -> Result<(Validators, bool), StateError> {
            let mut store = Store::open(&state_dir)?;
            let tx = store.read()?;
            Ok((tx.validators(&id)?, tx.pending(&id)?.is_some()))
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
    let conditional = (have_files && validators != Validators::default()).then_some(&validators);
    let (_slot, fetched) = match &feed.source {
        Source::Http(url) => {
            let mut turn = polite.turn(&host_key(url)).await;
            let slot = polite.slot().await;
            if feed.robots {
                let rules = match polite.robots.cached(url, std::time::Instant::now()) {
                    Some(rules) => rules,
                    None => {
                        let client = fetcher.client_for(url, feed.private_network)?;
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
                if !rules.allowed(url) {
                    return Err(PollError::Disallowed {
                        url: url.to_string(),
                    });
                }
            }
            turn.wait().await;
            let fetched = fetcher
                .fetch_feed(&feed.source, conditional, feed.private_network)
                .await;
            turn.done();
            (slot, fetched)
        }
        Source::File(_) => (
            polite.slot().await,
            fetcher.fetch(&feed.source, conditional).await,
        ),
    };
    let page = match fetched? {
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
            });
        }
    };
    let now = fetch_moment(now, &page, clock);
    // Parsing and the database are blocking work: keep them off the async threads.
    let mut report = blocking(move || publish_page(&places, &feed, &page, now)).await??;
    report.took = started.elapsed();
    Ok(report)
}

/// The key of a host's politeness gate: host and port.
fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
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
mod health_tests {
    use super::*;

    fn good(items: usize, links: usize) -> Option<GoodPoll> {
        Some(GoodPoll { items, links })
    }

    #[test]
    fn selector_health_refuses_pages_unlike_the_last_good_one() {
        assert!(check_health(7, 7, 7, None).is_ok());
        assert!(check_health(7, 7, 7, good(7, 7)).is_ok());
        assert!(
            check_health(4, 4, 4, good(7, 7)).is_ok(),
            "fewer, not far fewer"
        );
        let far = check_health(2, 2, 2, good(30, 30)).unwrap_err();
        assert!(far.contains("2 items") && far.contains("30 items"), "{far}");
        assert!(check_health(0, 0, 0, None).is_err());
        assert!(check_health(10, 3, 10, None).unwrap_err().contains("title"));
        assert!(
            check_health(10, 10, 2, good(10, 10))
                .unwrap_err()
                .contains("link")
        );
        assert!(
            check_health(10, 10, 0, good(10, 0)).is_ok(),
            "a page that never had links"
        );
        assert!(
            check_health(2, 2, 2, good(5, 5)).is_ok(),
            "small lists vary"
        );
    }
}
