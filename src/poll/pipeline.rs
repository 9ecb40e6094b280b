//! The pure part of a poll: a fetched page and what the state held in, the feed's items and
//! the documents that show them out. No clock, no database, no files: [`super::commit`]
//! brings those.
//!
//! [`run`] calls each stage once, in the order of the flow:
//!
//! ```text
//! extract ─► read dates ─► item pages (follow) ─► timeline (settle) ─► the feed's items ─► render
//! ```
//!
//! A poll of a feed that follows its items extracts first, to choose the item pages it
//! fetches, and hands the extracted items to [`run`] with those pages ([`ItemPages`]).

use super::PollError;
use crate::config::Feed;
use crate::dates::{self, Reading};
use crate::extract::{self, Coverage, Extracted};
use crate::fetch::Page;
use crate::filter::FilterCounts;
use crate::follow::{self, Candidate, Fetch, Followed};
use crate::item::{FeedItem, Item, Record, Seen};
use crate::publish::{self, Documents, FeedMeta};
use crate::timeline::{self, Sighting};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{HashMap, HashSet};
use url::Url;

/// What one pass works on: the feed, where its files are served, its page and the moment the
/// page counts as fetched.
#[derive(Clone, Copy)]
pub struct Pass<'a> {
    pub feed: &'a Feed,
    /// `base_url`: gives the feed's files their self links.
    pub base_url: Option<&'a Url>,
    pub page: &'a Page,
    pub now: DateTime<Utc>,
}

/// The feed's state before a pass, as the state holds it.
#[derive(Debug, Clone, Default)]
pub struct Prior {
    /// The feed's items, newest published first.
    pub items: Vec<FeedItem>,
    /// New items held back to settle, with their evidence so far.
    pub held: Vec<FeedItem>,
    /// For a feed that follows its items: its rows (where each item page stands).
    pub followed: Option<Vec<Followed>>,
}

/// What a poll of a feed that follows its items brings besides its page: the page's items as
/// extracted to choose the due item pages (so the page is not extracted again), and what
/// fetching those pages gave. Empty for other feeds.
#[derive(Debug, Clone, Default)]
pub struct ItemPages {
    pub extracted: Option<Extracted>,
    pub fetched: Vec<(Candidate, Fetch)>,
}

impl Prior {
    /// A feed that holds `items` and nothing else.
    pub fn items(items: Vec<FeedItem>) -> Prior {
        Prior {
            items,
            ..Prior::default()
        }
    }
}

/// A feed's state after one page, and the files that show it.
pub struct Outcome {
    pub meta: FeedMeta,
    /// The feed's items, newest published first, at most `max_items`.
    pub items: Vec<FeedItem>,
    pub files: Documents,
    /// Items on the page.
    pub on_page: usize,
    /// Items that entered the feed: kept now, not kept before.
    pub new: usize,
    /// Guids of the page's items that were not kept before this poll.
    pub fresh: HashSet<String>,
    pub events: Vec<timeline::Event>,
    /// How many of the page's items each field was found in.
    pub coverage: Coverage,
    /// How the page's date texts read.
    pub dates: DateCounts,
    /// What `[feed.filter]` kept and dropped of the page's items (None without a filter).
    pub filter: Option<FilterCounts>,
    /// Guids of the page's items whose title fell back (see [`Item::titled`]).
    pub untitled: HashSet<String>,
    /// For a feed that follows its items: what following did.
    pub follow: Option<Followup>,
    /// New items held back for their time to settle (`settle`), with their evidence so far.
    pub held: Vec<FeedItem>,
}

impl Outcome {
    /// The feed's items that are on the page of this pass, in the feed's order.
    pub fn on_page(&self, now: DateTime<Utc>) -> impl Iterator<Item = &FeedItem> {
        self.items.iter().filter(move |i| i.on_page(now))
    }
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

impl Followup {
    /// Item pages that wait for their first fetch (the budget or the poll's time ran out).
    pub fn waiting(&self) -> usize {
        self.rows
            .values()
            .filter(|r| r.status == follow::Status::Due && r.tries == 0)
            .count()
    }
}

/// The feed's items on a fetched page. `page_url` stands in for the address the page was
/// read from: links resolve against it (and the page's `<base href>`).
pub fn extract(feed: &Feed, page: &Page) -> Result<Extracted, PollError> {
    let (url, from_file) = match &feed.page_url {
        Some(u) => (u, false),
        None => (&page.url, page.from_file),
    };
    extract::extract(&page.text, url, from_file, &feed.items).map_err(|source| PollError::Extract {
        url: page.url.to_string(),
        source,
    })
}

/// How a page's date texts read: how many items had one, how many were read, and why the
/// first that was not could not be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateCounts {
    /// Items with a date text.
    pub matched: usize,
    /// Items whose date text was read.
    pub read: usize,
    /// Why the first text that could not be read could not ("cannot read "heute, 02:00 Uhr"
    /// as a date in fr").
    pub first_unread: Option<String>,
    /// The language the page declares, where the feed reads dates in others only.
    pub declared_elsewhere: Option<String>,
}

impl DateCounts {
    /// Whether most date texts could not be read: the feed's dates are mostly not its
    /// items' times (a wrong `language`, a `date` selector on the wrong element).
    pub fn mostly_unread(&self) -> bool {
        self.matched > 0 && self.read * 2 < self.matched
    }

    /// "16 matched, 0 read: cannot read "heute, 02:00 Uhr" as a date in fr; the page says
    /// lang="de"", or `None` where every date text was read.
    pub fn summary(&self) -> Option<String> {
        let why = self.first_unread.as_ref()?;
        let mut line = format!("{} matched, {} read: {why}", self.matched, self.read);
        if let Some(lang) = &self.declared_elsewhere {
            line.push_str(&format!("; the page says lang={lang:?}"));
        }
        Some(line)
    }
}

/// Read every item's date text. Texts that cannot be read are logged once for the poll.
/// `declared` is the language the page declares (`<html lang>`, else `Content-Language`):
/// with `language = "auto"` it is tried first.
pub fn read_dates(
    feed: &Feed,
    items: Vec<Item>,
    now: DateTime<Utc>,
    declared: Option<&str>,
) -> (Vec<Seen>, DateCounts) {
    let ctx = dates::Context {
        now,
        timezone: feed.timezone,
        languages: &feed.languages,
        rounding: feed.rounding,
    };
    let mut counts = DateCounts::default();
    let mut unreadable: Vec<String> = Vec::new();
    // Lists repeat their date texts ("1 uur geleden" down half the page): read each once.
    let mut read: HashMap<String, Option<Reading>> = HashMap::new();
    let seen = items
        .into_iter()
        .map(|item| {
            let reading = item.date_text.as_deref().and_then(|text| {
                counts.matched += 1;
                if let Some(known) = read.get(text) {
                    return *known;
                }
                let reading = dates::read_in_page(text, &ctx, declared)
                    .map_err(|e| unreadable.push(e.to_string()))
                    .ok();
                read.insert(text.to_string(), reading);
                reading
            });
            counts.read += usize::from(reading.is_some());
            Seen { item, reading }
        })
        .collect();
    counts.first_unread = unreadable.first().cloned();
    counts.declared_elsewhere = declared
        .filter(|_| !feed.languages.is_empty())
        .filter(|tag| dates::Language::from_tag(tag).is_none_or(|l| !feed.languages.contains(&l)))
        .map(str::to_string);
    if let Some(summary) = counts.summary() {
        tracing::warn!(
            feed = %feed.id,
            "date: {summary}; items whose date is not read keep the moment they were first seen ({} distinct text(s) not read: {})",
            unreadable.len(),
            unreadable.join("; ")
        );
    }
    (seen, counts)
}

/// The date texts of `seen` that were read and whose reading depends on the feed's zone (a
/// clock time or a day with no offset or zone of its own: "heute, 18:00 Uhr", "27 nov"), not
/// an instant the text names whatever the zone ("2026-03-04T10:00:00Z", "14:05 CET", "3 uur
/// geleden"). Each distinct text is read again in two zones far apart.
pub fn zone_dependent<'a>(
    feed: &Feed,
    seen: &'a [Seen],
    now: DateTime<Utc>,
    declared: Option<&str>,
) -> Vec<&'a str> {
    let read_in = |text: &str, timezone| {
        let ctx = dates::Context {
            now,
            timezone,
            languages: &feed.languages,
            rounding: feed.rounding,
        };
        dates::read_in_page(text, &ctx, declared).ok()
    };
    let mut texts: Vec<&str> = seen
        .iter()
        .filter(|s| s.reading.is_some())
        .filter_map(|s| s.item.date_text.as_deref())
        .collect();
    texts.sort_unstable();
    texts.dedup();
    texts
        .into_iter()
        .filter(|text| {
            read_in(text, chrono_tz::Pacific::Kiritimati)
                != read_in(text, chrono_tz::Etc::GMTPlus12)
        })
        .collect()
}

/// From the page and what the state held to the feed's items and documents: each stage once
/// (see the module's docs). `pages`: the item pages a following poll fetched, with the page's
/// items where they were extracted already.
pub fn run(pass: &Pass<'_>, prior: Prior, pages: ItemPages) -> Result<Outcome, PollError> {
    let Pass {
        feed,
        base_url,
        page,
        now,
    } = *pass;
    let ItemPages { extracted, fetched } = pages;
    let extracted = match extracted {
        Some(e) => e,
        None => extract(feed, page)?,
    };
    // The page the feed links to: `page_url`, else where the page was fetched from; a page
    // read from a file names its address itself (its canonical link), an http(s) one only.
    let page_link = match &feed.page_url {
        Some(u) => u.clone(),
        None if page.from_file && matches!(extracted.base.scheme(), "http" | "https") => {
            extracted.base.clone()
        }
        None => page.url.clone(),
    };
    let title = feed
        .title
        .clone()
        .or(extracted.title)
        .unwrap_or_else(|| feed.id.clone());
    let declared = extracted.language.or_else(|| page.content_language.clone());
    let Prior {
        mut items,
        held,
        followed,
    } = prior;
    let (mut seen, dates) = read_dates(feed, extracted.items, now, declared.as_deref());
    let filter = (!feed.filter.is_empty()).then(|| {
        feed.filter.counts(seen.iter().map(|s| {
            (
                s.item.title.as_str(),
                s.item.summary.as_str(),
                &s.item.categories[..],
            )
        }))
    });
    // New: in the feed after this pass, not before it (whether from the page, or held back
    // and let go as it left the page).
    let known: HashSet<String> = items.iter().map(|i| i.record.guid.clone()).collect();
    // Item pages: what they say joins the list's evidence; new undated items wait for theirs.
    let mut following = followed.map(|rows| {
        let before: HashMap<String, Followed> =
            rows.iter().map(|r| (r.guid.clone(), r.clone())).collect();
        let step = follow::Step::new(rows, fetched, now, follow::interval(feed), feed.full);
        (step, before)
    });
    if let Some((step, _)) = &mut following {
        seen = step.prepare(seen, &mut items, (feed.max_items, &feed.filter), now);
    }
    let mut placed = place(feed, seen, now, items, held);
    let follow = following.map(|(step, before)| Followup {
        kept: step.finish(&mut placed.items, &placed.held, &before),
        rows: step.rows,
        logs: step.logs,
        held: step.held,
    });
    let new = published(feed, &placed.items)
        .filter(|i| !known.contains(&i.record.guid))
        .count();
    let meta = FeedMeta::new(&feed.id, title, page_link, base_url);
    let files = publish::render(&meta, published(feed, &placed.items))?;
    Ok(Outcome {
        meta,
        items: placed.items,
        files,
        on_page: placed.on_page,
        new,
        fresh: placed.fresh,
        events: placed.events,
        coverage: extracted.coverage,
        dates,
        filter,
        untitled: placed.untitled,
        follow,
        held: placed.held,
    })
}

/// The items of `items` the feed publishes: those its `[feed.filter]` keeps, at most
/// `max_items` (the state keeps the others it has seen too, so that a changed filter shows
/// them at the next poll).
pub fn published<'a>(feed: &'a Feed, items: &'a [FeedItem]) -> impl Iterator<Item = &'a FeedItem> {
    items
        .iter()
        .filter(|i| feed.filter.keeps(&i.title, &i.summary, &i.categories))
        .take(feed.max_items)
}

/// How many items the state keeps, published or not, at most: `max_items` that the filter
/// keeps, the items it drops among them, up to this many times `max_items` in all.
const KEPT_PER_PUBLISHED: usize = 10;

/// The records of `records` (newest first) the state keeps: up to the `max_items`-th item the
/// filter keeps (with `fields`, each item's text), within [`KEPT_PER_PUBLISHED`] times
/// `max_items` in all.
fn kept_records(
    feed: &Feed,
    records: Vec<Record>,
    fields: &HashMap<String, FeedItem>,
) -> impl Iterator<Item = Record> {
    let most = feed.max_items.saturating_mul(KEPT_PER_PUBLISHED);
    let mut published = 0;
    records.into_iter().take(most).take_while(move |r| {
        if published == feed.max_items {
            return false;
        }
        let kept = fields
            .get(&r.guid)
            .is_some_and(|i| feed.filter.keeps(&i.title, &i.summary, &i.categories));
        published += usize::from(kept);
        true
    })
}

/// The page's items placed in time among the feed's: what [`place`] gives.
struct Placed {
    items: Vec<FeedItem>,
    held: Vec<FeedItem>,
    on_page: usize,
    fresh: HashSet<String>,
    events: Vec<timeline::Event>,
    untitled: HashSet<String>,
}

/// The timeline's step: the page's dated items (`seen`, in page order) among the feed's
/// `previous` items, with the items held back to settle (`held`); the page's current text
/// wins over what was kept; at most `max_items` are kept.
fn place(
    feed: &Feed,
    seen: Vec<Seen>,
    now: DateTime<Utc>,
    previous: Vec<FeedItem>,
    held: Vec<FeedItem>,
) -> Placed {
    let on_page = seen.len();
    let mut fields: HashMap<String, FeedItem> = HashMap::with_capacity(previous.len() + on_page);
    let mut records = Vec::with_capacity(previous.len());
    for p in previous {
        records.push(p.record.clone());
        fields.insert(p.record.guid.clone(), p);
    }
    // The list's fields of the held items, for those that leave the page.
    let mut held_fields: HashMap<String, FeedItem> = HashMap::with_capacity(held.len());
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
        if let Some(item) = held_fields.remove(&record.guid) {
            fields.insert(record.guid.clone(), item);
        }
        line.records.insert(at, record);
    }
    // The page's current text wins over what was stored. Fresh: not kept before.
    let mut fresh: HashSet<String> = HashSet::new();
    for s in seen {
        if !fields.contains_key(&s.item.guid) {
            fresh.insert(s.item.guid.clone());
        }
        let item = FeedItem::first_seen(s.item, now);
        fields.insert(item.record.guid.clone(), item);
    }
    let records = std::mem::take(&mut line.records);
    let items: Vec<FeedItem> = kept_records(feed, records, &fields)
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|record| {
            let mut item = fields.remove(&record.guid)?;
            item.record = record;
            Some(item)
        })
        .collect();
    // What is kept of each held item: the page's fields of it now, its evidence so far.
    let held: Vec<FeedItem> = still_held
        .into_iter()
        .filter_map(|record| {
            let mut item = fields.remove(&record.guid)?;
            item.record = record;
            Some(item)
        })
        .collect();
    Placed {
        items,
        held,
        on_page,
        fresh,
        events: line.events,
        untitled,
    }
}
