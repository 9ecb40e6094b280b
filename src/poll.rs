//! One poll of one feed, start to end: fetch, extract, read dates, advance the timeline,
//! publish, and remember — the state and the files change together or not at all.

use crate::config::{Config, Feed};
use crate::dates::{self, Interval, Reading};
use crate::extract::{self, ExtractError, Item};
use crate::fetch::{FetchError, Fetched, Fetcher, Page, Validators};
use crate::publish::{self, Entry, FeedMeta, WriteOutcome};
use crate::state::{StateError, Store, StoredItem};
use crate::timeline::{self, Record, Sighting};
use chrono::{DateTime, SubsecRound, Utc};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
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
}

impl PollError {
    /// The HTTP status behind the failure, where there is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            PollError::Fetch(e) => e.status(),
            _ => None,
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
    /// Items seen for the first time.
    pub new: usize,
    /// Items in the feed, history included.
    pub kept: usize,
    /// Whether the feed files changed.
    pub written: bool,
    pub took: std::time::Duration,
}

/// The moment a page counts as fetched: `--now`, else its `Date` header, else the clock
/// reading the caller took (`clock`). Whole seconds, as the state keeps them.
pub fn fetch_moment(
    given: Option<DateTime<Utc>>,
    page: &Page,
    clock: DateTime<Utc>,
) -> DateTime<Utc> {
    given.or(page.date).unwrap_or(clock).trunc_subsecs(0)
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
    let seen = items
        .into_iter()
        .map(|item| {
            let reading = item.date_text.as_deref().and_then(|text| {
                dates::read(text, &ctx)
                    .map_err(|e| unreadable.push(e.to_string()))
                    .ok()
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
    pub items: Vec<StoredItem>,
    pub rss: Vec<u8>,
    pub atom: Vec<u8>,
    pub on_page: usize,
    pub new: usize,
    pub events: Vec<timeline::Event>,
}

/// Extract, read dates, advance the timeline and render, for one fetched page.
pub fn process(
    feed: &Feed,
    base_url: Option<&Url>,
    page: &Page,
    now: DateTime<Utc>,
    previous: Vec<StoredItem>,
) -> Result<Outcome, PollError> {
    let extracted =
        extract::extract(&page.text, &page.url, page.from_file, &feed.items).map_err(|source| {
            PollError::Extract {
                url: page.url.to_string(),
                source,
            }
        })?;
    let page_link = if page.from_file {
        extracted.base.clone()
    } else {
        page.url.clone()
    };
    let title = feed
        .title
        .clone()
        .or(extracted.title.clone())
        .unwrap_or_else(|| feed.id.clone());
    let seen = read_dates(feed, extracted.items, now);
    Ok(advance(
        feed, base_url, title, page_link, seen, now, previous,
    ))
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
) -> Outcome {
    let on_page = seen.len();
    let mut fields: HashMap<String, StoredItem> = HashMap::with_capacity(previous.len() + on_page);
    let mut records = Vec::with_capacity(previous.len());
    for p in previous {
        records.push(p.record.clone());
        fields.insert(p.record.guid.clone(), p);
    }
    let new = seen
        .iter()
        .filter(|s| !fields.contains_key(&s.item.guid))
        .count();
    let sightings: Vec<Sighting<'_>> = seen
        .iter()
        .map(|s| Sighting {
            guid: &s.item.guid,
            reading: s.reading,
        })
        .collect();
    let line = timeline::advance(records, &sightings, now, feed.items.order);
    drop(sightings);
    // The page's current text wins over what was stored.
    for s in seen {
        let i = s.item;
        fields.insert(
            i.guid.clone(),
            StoredItem {
                title: i.title,
                link: i.link,
                summary: i.summary,
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
    let (self_rss, self_atom) = FeedMeta::self_links(base_url, &feed.id);
    let meta = FeedMeta {
        id: feed.id.clone(),
        title,
        page: page_link,
        self_rss,
        self_atom,
    };
    let entries: Vec<Entry> = items.iter().map(entry).collect();
    Outcome {
        rss: publish::rss(&meta, &entries),
        atom: publish::atom(&meta, &entries),
        items,
        on_page,
        new,
        events: line.events,
    }
}

fn entry(item: &StoredItem) -> Entry {
    Entry {
        guid: item.record.guid.clone(),
        title: item.title.clone(),
        link: item.link.clone(),
        summary: item.summary.clone(),
        author: item.author.clone(),
        categories: item.categories.clone(),
        published: item.record.published,
    }
}

/// The state and the files for one fetched page, in one transaction: the files are renamed
/// into place before the state commits, and a poll that follows a crash between the two
/// finds files that differ from what it renders and writes them again.
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
    for event in &outcome.events {
        tracing::warn!(feed = %feed.id, "{event}");
    }
    let mut written = false;
    for (ext, bytes) in [("rss", &outcome.rss), ("atom", &outcome.atom)] {
        let path = places.output_dir.join(format!("{}.{ext}", feed.id));
        match publish::write_if_changed(&path, bytes) {
            Ok(WriteOutcome::Written) => written = true,
            Ok(WriteOutcome::Unchanged) => {}
            Err(source) => return Err(PollError::Write { path, source }),
        }
    }
    tx.save_items(&feed.id, &outcome.items)?;
    tx.save_validators(&feed.id, &page.validators)?;
    tx.commit()?;
    Ok(Report {
        feed: feed.id.clone(),
        modified: true,
        items: outcome.on_page,
        new: outcome.new,
        kept: outcome.items.len(),
        written,
        took: started.elapsed(),
    })
}

/// Poll `feed` once and publish what changed. `now` is `--now` where given; `clock` the
/// system clock's reading, used only when the response carries no `Date`.
pub async fn poll(
    places: Places,
    feed: Arc<Feed>,
    fetcher: &Fetcher,
    now: Option<DateTime<Utc>>,
    clock: DateTime<Utc>,
) -> Result<Report, PollError> {
    let started = Instant::now();
    let validators = {
        let state_dir = places.state_dir.clone();
        let id = feed.id.clone();
        blocking(move || -> Result<Validators, StateError> {
            let mut store = Store::open(&state_dir)?;
            let tx = store.begin()?;
            tx.validators(&id)
        })
        .await??
    };
    let conditional = (validators != Validators::default()).then_some(&validators);
    let page = match fetcher.fetch(&feed.source, conditional).await? {
        Fetched::Page(page) => page,
        Fetched::NotModified => {
            return Ok(Report {
                feed: feed.id.clone(),
                modified: false,
                items: 0,
                new: 0,
                kept: 0,
                written: false,
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

/// Run blocking work on tokio's blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PollError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| PollError::Interrupted(e.to_string()))
}
