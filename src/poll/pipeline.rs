//! The pure part of a poll: a fetched page and the feed's previous items in, its new items
//! and the documents that show them out — extract, read dates, advance the timeline, render.
//! No clock, no database, no files: [`super::publish_page`] brings those.

use super::PollError;
use crate::config::Feed;
use crate::dates::{self, Interval, Reading};
use crate::extract::{self, Coverage, Item};
use crate::fetch::Page;
use crate::follow::{self, Candidate, Fetch, Followed};
use crate::publish::{self, Entry, FeedMeta};
use crate::state::StoredItem;
use crate::timeline::{self, Record, Sighting};
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use std::collections::{HashMap, HashSet};
use url::Url;

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
/// `declared` is the language the page declares (`<html lang>`, else `Content-Language`):
/// with `language = "auto"` it is tried first.
pub fn read_dates(
    feed: &Feed,
    items: Vec<Item>,
    now: DateTime<Utc>,
    declared: Option<&str>,
) -> Vec<Seen> {
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
                let reading = dates::read_in_page(text, &ctx, declared)
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

/// A feed's state after one page, and the files that show it. Pure: made from the page, the
/// previous state and the fetch moment alone.
pub struct Outcome {
    pub meta: FeedMeta,
    pub items: Vec<StoredItem>,
    pub files: Documents,
    pub on_page: usize,
    pub new: usize,
    /// Guids of the page's items that were not kept before this poll.
    pub fresh: HashSet<String>,
    pub events: Vec<timeline::Event>,
    /// How many of the page's items each field was found in (set by [`process`]).
    pub coverage: Option<Coverage>,
    /// Guids of the page's items whose title fell back (see `extract::Item::titled`).
    pub untitled: HashSet<String>,
    /// For a feed that follows its items: what following did.
    pub follow: Option<Followup>,
    /// New items held back for their time to settle (`settle`), with their evidence so far.
    pub held: Vec<StoredItem>,
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

/// What a poll of a feed that follows its items brings besides the page: the feed's
/// followed rows as the state holds them, and this poll's item page fetches.
#[derive(Debug, Clone, Default)]
pub struct Following {
    pub rows: Vec<Followed>,
    pub fetched: Vec<(Candidate, Fetch)>,
}

/// What following did in one poll (see [`follow::Step`]).
#[derive(Debug, Clone, Default)]
pub struct Followup {
    /// The rows to write and to delete.
    pub kept: follow::Kept,
    /// Every row after this poll, by guid (for `preview`).
    pub rows: HashMap<String, Followed>,
    /// Lines for the log.
    pub logs: Vec<String>,
    /// New items held back until their page is read.
    pub held: usize,
}

/// Extract, read dates, advance the timeline and render, for one fetched page.
pub fn process(
    feed: &Feed,
    base_url: Option<&Url>,
    page: &Page,
    now: DateTime<Utc>,
    previous: Vec<StoredItem>,
) -> Result<Outcome, PollError> {
    process_following(feed, base_url, page, None, now, previous, Vec::new(), None)
}

/// [`process`] for a feed that follows its items, with what [`Following`] brings, and with
/// the page's items where they were extracted already (to choose the due item pages);
/// `held`: the items held back to settle, as the state keeps them.
#[allow(clippy::too_many_arguments)]
pub fn process_following(
    feed: &Feed,
    base_url: Option<&Url>,
    page: &Page,
    extracted: Option<extract::Extracted>,
    now: DateTime<Utc>,
    mut previous: Vec<StoredItem>,
    held: Vec<StoredItem>,
    following: Option<Following>,
) -> Result<Outcome, PollError> {
    let extracted = match extracted {
        Some(e) => e,
        None => extract_page(feed, page)?,
    };
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
    let declared = extracted.language.or_else(|| page.content_language.clone());
    let mut seen = read_dates(feed, extracted.items, now, declared.as_deref());
    let mut step = None;
    if let Some(f) = following {
        let before: HashMap<String, Followed> =
            f.rows.iter().map(|r| (r.guid.clone(), r.clone())).collect();
        let mut s = follow::Step::new(f.rows, f.fetched, now, follow::interval(feed), feed.full);
        seen = s.prepare(seen, &mut previous, feed.max_items, now);
        step = Some((s, before));
    }
    let mut outcome = advance_following(
        feed,
        base_url,
        title,
        page_link,
        seen,
        now,
        (previous, held),
        step.as_ref().map(|(s, b)| (s, b)),
    )?;
    outcome.coverage = Some(coverage);
    if let Some((s, _)) = step {
        let followup = outcome.follow.get_or_insert_with(Followup::default);
        followup.rows = s.rows;
        followup.logs = s.logs;
        followup.held = s.held;
    }
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
    advance_following(
        feed,
        base_url,
        title,
        page_link,
        seen,
        now,
        (previous, Vec::new()),
        None,
    )
}

/// [`advance`], giving the kept items what their pages said before they are rendered.
#[allow(clippy::too_many_arguments)]
fn advance_following(
    feed: &Feed,
    base_url: Option<&Url>,
    title: String,
    page_link: Url,
    seen: Vec<Seen>,
    now: DateTime<Utc>,
    (previous, held): (Vec<StoredItem>, Vec<StoredItem>),
    step: Option<(&follow::Step, &HashMap<String, Followed>)>,
) -> Result<Outcome, PollError> {
    let on_page = seen.len();
    let mut fields: HashMap<String, StoredItem> = HashMap::with_capacity(previous.len() + on_page);
    let mut records = Vec::with_capacity(previous.len());
    for p in previous {
        records.push(p.record.clone());
        fields.insert(p.record.guid.clone(), p);
    }
    // The list's fields of the held items, for those that leave the page.
    let mut held_fields: HashMap<String, StoredItem> = HashMap::with_capacity(held.len());
    let mut held_records = Vec::with_capacity(held.len());
    for h in held {
        held_records.push(h.record.clone());
        held_fields.insert(h.record.guid.clone(), h);
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
            settled: false,
        })
        .collect();
    // Settling: new items first seen with a wide time wait (also once `settle` is turned
    // off, for those held before: they go on now).
    let settling = (!feed.settle.is_zero() || !held_records.is_empty()).then(|| {
        let published: HashSet<&str> = records.iter().map(|r| r.guid.as_str()).collect();
        let most = TimeDelta::from_std(feed.settle).unwrap_or(TimeDelta::MAX);
        timeline::settle::settle(&sightings, &published, held_records, now, most)
    });
    let (mut line, still_held, gone) = match settling {
        Some(s) => {
            let mut line = timeline::advance(records, &s.sightings, now, feed.items.order);
            for r in &mut line.records {
                if let Some(first) = s.first_seen.get(&r.guid) {
                    r.first_seen = *first;
                }
            }
            (line, s.held, s.gone)
        }
        None => (
            timeline::advance(records, &sightings, now, feed.items.order),
            Vec::new(),
            Vec::new(),
        ),
    };
    drop(sightings);
    // Held items that left the page go in at their time, newest first with the rest.
    for record in gone {
        let at = line
            .records
            .iter()
            .position(|r| r.published < record.published)
            .unwrap_or(line.records.len());
        if let Some(item) = held_fields.get(&record.guid) {
            fields.insert(record.guid.clone(), item.clone());
        }
        line.records.insert(at, record);
    }
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
                page: None,
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
    let mut items: Vec<StoredItem> = line
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

    // What is kept of each held item: the page's fields of it now, its evidence so far.
    let held: Vec<StoredItem> = still_held
        .into_iter()
        .filter_map(|record| {
            let mut item = fields.remove(&record.guid)?;
            item.record = record;
            Some(item)
        })
        .collect();
    let follow = step.map(|(step, before)| Followup {
        kept: step.finish(&mut items, &held, before),
        ..Followup::default()
    });
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
        fresh,
        events: line.events,
        coverage: None,
        untitled,
        follow,
        held,
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
        page: item.page.as_ref(),
    }
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
