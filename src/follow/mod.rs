//! `follow = true`: each new item's own page is read once (its publication time, authors,
//! image, canonical link, language and, with `content = "full"`, its main text), politely and
//! within a budget per poll, and what it says joins the evidence of the list.
//!
//! This module is the pure part, used by the poll's pipeline: which items are due
//! ([`due`]), what a fetch's outcome does to an item's row ([`record`]), how the page's
//! publication time combines with the list's ([`combine`]), which new items are held back
//! until their page is read ([`Step::prepare`]), and which rows the state keeps
//! ([`Step::finish`]). [`fetch`] brings the pages.
//!
//! The rules, per item (one row of the state per feed and guid):
//! - An item becomes *due* when it is new to the feed (not published before), on the page
//!   among the first `max_items`, with an http(s) link. Due items are fetched top of the page
//!   first, at most `follow_budget` per poll.
//! - A page read is *read* for good: it is never fetched again. A page that cannot be had
//!   for a reason that will not pass (404, 410, another 4xx but 429, robots.txt, not HTML,
//!   an address outside the feed's reach) is *given up* at once; one that may come back (5xx,
//!   429, a timeout, a network error) is tried again after 1 then 2 intervals, or after the
//!   server's Retry-After where that is longer (at most [`MAX_RETRY_AFTER`]), and given up
//!   after [`TRIES`] tries. A 429 or 503 ends the poll's fetches from that host: its other
//!   due pages wait for the next poll, untried.
//! - A new item without a date on the list whose page is still due is *held*: not published
//!   until its page is read (then it has the page's time) or given up (then it is published
//!   at the moment it was first listed, pinned to (epoch, first listed]).
//! - A due item that leaves the page is given up (a held one is published as above).

pub mod fetch;

use crate::config::Feed;
use crate::dates::{Interval, Reading};
use crate::fetch::MAX_RETRY_AFTER;
use crate::filter::Filter;
use crate::item::{FeedItem, Item, ItemPage, Listed, PageStamp, Record, Seen};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{HashMap, HashSet};
use url::Url;

/// Tries of a page that fails in a way that may pass, before it is given up.
pub const TRIES: u32 = 3;

/// Where an item's own page stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not read yet; fetched when its turn comes.
    Due,
    /// Read: what it said is kept, and it is never fetched again.
    Read,
    /// It could not be had: never fetched again.
    GivenUp,
}

impl Status {
    /// "due", "read", "given up": as the state and `preview` name it.
    pub fn name(self) -> &'static str {
        match self {
            Status::Due => "due",
            Status::Read => "read",
            Status::GivenUp => "given up",
        }
    }

    pub fn from_name(name: &str) -> Option<Status> {
        [Status::Due, Status::Read, Status::GivenUp]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// One item's row: where its own page stands and what it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Followed {
    pub guid: String,
    /// The item's link: the page to read.
    pub link: Url,
    pub status: Status,
    /// Failed fetches that may pass, so far.
    pub tries: u32,
    /// Not fetched again before this (after a failure that may pass).
    pub next_try: Option<DateTime<Utc>>,
    /// When the item was first listed.
    pub first_listed: DateTime<Utc>,
    /// When its page was last fetched (read or failed).
    pub fetched_at: Option<DateTime<Utc>>,
    /// The last failure, in words.
    pub error: Option<String>,
    /// What the page said (status read).
    pub page: Option<ItemPage>,
    /// The list's fields while the item is due.
    pub listed: Option<Listed>,
}

/// The outcome of one item page's fetch and read.
#[derive(Debug, Clone)]
pub enum Fetch {
    Read {
        page: Box<ItemPage>,
        at: DateTime<Utc>,
        /// What the page's reader ignored, for the log.
        notes: Vec<String>,
    },
    Failed {
        at: DateTime<Utc>,
        error: String,
        /// Whether it may pass (a 5xx, 429, timeout, network error).
        retry: bool,
        /// How long the server asked to be left alone (Retry-After of a 429 or 503).
        retry_after: Option<std::time::Duration>,
    },
}

/// An item of the page that may be followed: its guid and link, in page order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub guid: String,
    pub link: Url,
}

/// The page's items that could be followed: those `filter` keeps, among the first
/// `max_items` of them, with an http(s) link; in page order.
pub fn candidates<'a>(
    items: impl IntoIterator<Item = &'a Item>,
    max_items: usize,
    filter: &Filter,
) -> Vec<Candidate> {
    items
        .into_iter()
        .filter(|i| filter.keeps(&i.title, &i.summary, &i.categories))
        .take(max_items)
        .filter_map(|i| {
            let link = followable(i)?;
            Some(Candidate {
                guid: i.guid.clone(),
                link: link.clone(),
            })
        })
        .collect()
}

/// The item's link, where it is one to follow (http or https).
fn followable(item: &Item) -> Option<&Url> {
    item.link
        .as_ref()
        .filter(|l| matches!(l.scheme(), "http" | "https"))
}

/// Whether a due row's wait after a failure is over at `now`. Half an interval of slack: a
/// poll a little early (the daemon spreads its polls) still counts as the poll it waited for.
fn ready(row: &Followed, now: DateTime<Utc>, interval: TimeDelta) -> bool {
    row.next_try.is_none_or(|t| t <= now + interval / 2)
}

/// The items whose pages this poll fetches: candidates new to the feed (not in `known`, the
/// guids the feed has published) that are not read or given up and not waiting after a
/// failure; top of the page first, at most `budget`.
pub fn due(
    candidates: &[Candidate],
    known: &HashSet<&str>,
    rows: &HashMap<String, Followed>,
    now: DateTime<Utc>,
    interval: TimeDelta,
    budget: usize,
) -> Vec<Candidate> {
    candidates
        .iter()
        .filter(|c| match rows.get(&c.guid) {
            Some(row) => row.status == Status::Due && ready(row, now, interval),
            None => !known.contains(c.guid.as_str()),
        })
        .take(budget)
        .cloned()
        .collect()
}

/// The items of a page whose own pages a poll of `feed` fetches: its [`candidates`], then
/// those [`due`].
pub fn due_on_page(
    items: &[Item],
    feed: &Feed,
    known: &HashSet<&str>,
    rows: &HashMap<String, Followed>,
    now: DateTime<Utc>,
) -> Vec<Candidate> {
    let candidates = candidates(items, feed.max_items, &feed.filter);
    due(
        &candidates,
        known,
        rows,
        now,
        interval(feed),
        feed.follow_budget,
    )
}

/// The feed's poll interval, which retries are counted in.
pub fn interval(feed: &Feed) -> TimeDelta {
    TimeDelta::from_std(feed.interval).unwrap_or(TimeDelta::MAX)
}

/// How long a page that failed for the `tries`-th time waits: 1, 2, 4… intervals.
pub fn backoff(tries: u32, interval: TimeDelta) -> TimeDelta {
    interval * 2i32.saturating_pow(tries.saturating_sub(1).min(16))
}

/// How long a page that failed for the `tries`-th time waits: its [`backoff`], or the
/// server's Retry-After where that is longer (at most [`MAX_RETRY_AFTER`]).
pub fn wait(
    tries: u32,
    interval: TimeDelta,
    retry_after: Option<std::time::Duration>,
) -> TimeDelta {
    let asked = retry_after
        .map(|r| r.min(MAX_RETRY_AFTER))
        .and_then(|r| TimeDelta::from_std(r).ok())
        .unwrap_or_default();
    backoff(tries, interval).max(asked)
}

/// A new row for a candidate first listed at `now`.
fn fresh(guid: &str, link: &Url, now: DateTime<Utc>) -> Followed {
    Followed {
        guid: guid.to_string(),
        link: link.clone(),
        status: Status::Due,
        tries: 0,
        next_try: None,
        first_listed: now,
        fetched_at: None,
        error: None,
        page: None,
        listed: None,
    }
}

/// Apply this poll's fetches to the rows. `links` are the candidates fetched (a row is made
/// for one that has none yet, first listed at `now`). Returns a line per page given up.
pub fn record(
    rows: &mut HashMap<String, Followed>,
    fetched: Vec<(Candidate, Fetch)>,
    now: DateTime<Utc>,
    interval: TimeDelta,
) -> Vec<String> {
    let mut gave_up = Vec::new();
    for (c, outcome) in fetched {
        let row = rows
            .entry(c.guid.clone())
            .or_insert_with(|| fresh(&c.guid, &c.link, now));
        if row.status != Status::Due {
            continue;
        }
        match outcome {
            Fetch::Read { page, at, .. } => {
                row.status = Status::Read;
                row.page = Some(*page);
                row.fetched_at = Some(at);
                row.next_try = None;
                row.error = None;
                row.listed = None;
            }
            Fetch::Failed {
                at,
                error,
                retry,
                retry_after,
            } => {
                row.fetched_at = Some(at);
                row.tries = row.tries.saturating_add(1);
                if retry && row.tries < TRIES {
                    row.next_try = Some(at + wait(row.tries, interval, retry_after));
                } else {
                    row.status = Status::GivenUp;
                    row.next_try = None;
                    row.listed = None;
                    let why = if retry {
                        format!("after {} tries", row.tries)
                    } else {
                        "at once".to_string()
                    };
                    gave_up.push(format!("item page {} given up {why}: {error}", row.link));
                }
                row.error = Some(error);
            }
        }
    }
    gave_up
}

/// What the item page's publication time does to the list's reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Combined {
    pub reading: Option<Reading>,
    /// The two share no second: the list's reading was kept.
    pub conflict: bool,
}

/// The list's reading intersected with the item page's. Where they share no second the list
/// wins (`conflict`); an item the list does not date takes the page's reading.
pub fn combine(list: Option<Reading>, page: Option<Reading>) -> Combined {
    match (list, page) {
        (Some(l), Some(p)) => match l.interval.intersect(&p.interval) {
            Some(interval) => Combined {
                reading: Some(Reading {
                    interval,
                    point: interval.clamp(p.point),
                }),
                conflict: false,
            },
            None => Combined {
                reading: Some(l),
                conflict: true,
            },
        },
        (None, page) => Combined {
            reading: page,
            conflict: false,
        },
        (list, None) => Combined {
            reading: list,
            conflict: false,
        },
    }
}

/// The reading of a held item whose page was given up: (epoch, first listed], published at
/// the moment it was first listed.
pub fn given_up_reading(first_listed: DateTime<Utc>) -> Option<Reading> {
    Interval::up_to(first_listed).map(|interval| Reading {
        interval,
        point: first_listed,
    })
}

/// One poll's following, between the page's dates and the timeline.
#[derive(Debug, Clone)]
pub struct Step {
    /// Every row of the feed, with this poll's fetches recorded.
    pub rows: HashMap<String, Followed>,
    /// Guids whose page this poll read: a contradiction is logged only then.
    pub read_now: HashSet<String>,
    /// Lines for the log (pages given up, contradictions, notes of the page reader).
    pub logs: Vec<String>,
    /// Items held back in this poll.
    pub held: usize,
}

/// What a poll's following leaves for the state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kept {
    /// Rows new or changed since they were read.
    pub save: Vec<Followed>,
    /// Guids whose rows go: their items left the feed (and are not held).
    pub gone: Vec<String>,
}

impl Step {
    /// The rows as read from the state, with this poll's fetches applied.
    pub fn new(
        rows: Vec<Followed>,
        fetched: Vec<(Candidate, Fetch)>,
        now: DateTime<Utc>,
        interval: TimeDelta,
        full: bool,
    ) -> Step {
        let mut rows: HashMap<String, Followed> =
            rows.into_iter().map(|r| (r.guid.clone(), r)).collect();
        let mut logs = Vec::new();
        let mut read_now = HashSet::new();
        for (c, f) in &fetched {
            if let Fetch::Read { notes, .. } = f {
                read_now.insert(c.guid.clone());
                logs.extend(notes.iter().map(|n| format!("item page {}: {n}", c.link)));
            }
        }
        logs.extend(record(&mut rows, fetched, now, interval));
        // `content = "full"` turned off: a main text read before is no longer kept.
        if !full {
            for page in rows.values_mut().filter_map(|r| r.page.as_mut()) {
                page.content = None;
            }
        }
        Step {
            rows,
            read_now,
            logs,
            held: 0,
        }
    }

    /// Before the timeline: make rows for new candidates, give each item the reading its
    /// page adds, hold back the new undated items whose page is still due, and give up the
    /// due items that left the page (a held one joins `previous`, published at the moment it
    /// was first listed). Returns the items to give the timeline.
    pub fn prepare(
        &mut self,
        seen: Vec<Seen>,
        previous: &mut Vec<FeedItem>,
        (max_items, filter): (usize, &Filter),
        now: DateTime<Utc>,
    ) -> Vec<Seen> {
        let known: HashSet<String> = previous.iter().map(|p| p.record.guid.clone()).collect();
        let listed: HashSet<String> = candidates(seen.iter().map(|s| &s.item), max_items, filter)
            .into_iter()
            .map(|c| c.guid)
            .collect();
        let mut out = Vec::with_capacity(seen.len());
        for (at, mut s) in seen.into_iter().enumerate() {
            let guid = s.item.guid.clone();
            let in_feed = known.contains(&guid);
            if !in_feed
                && listed.contains(&guid)
                && !self.rows.contains_key(&guid)
                && let Some(link) = followable(&s.item)
            {
                self.rows.insert(guid.clone(), fresh(&guid, link, now));
            }
            let Some(row) = self.rows.get_mut(&guid) else {
                out.push(s);
                continue;
            };
            match row.status {
                Status::Due => {
                    if !in_feed && s.reading.is_none() && at < max_items {
                        row.listed = Some(Listed::of(&s.item));
                        self.held += 1;
                        continue;
                    }
                }
                Status::Read => {
                    let page = row
                        .page
                        .as_ref()
                        .and_then(|p| p.published.as_ref())
                        .map(PageStamp::reading);
                    let combined = combine(s.reading, page);
                    if combined.conflict
                        && self.read_now.contains(&guid)
                        && let (Some(l), Some(p)) = (s.reading, page)
                    {
                        self.logs.push(format!(
                            "item {guid}: the list says {} and its page {} ({}); the list's date is kept",
                            l.interval,
                            p.interval,
                            row.page
                                .as_ref()
                                .and_then(|p| p.published.as_ref())
                                .map(|p| format!("{:?} from {}", p.text, p.origin))
                                .unwrap_or_default()
                        ));
                    }
                    s.reading = combined.reading;
                }
                Status::GivenUp => {
                    if !in_feed && s.reading.is_none() {
                        s.reading = given_up_reading(row.first_listed);
                    }
                }
            }
            out.push(s);
        }
        // Due items no longer on the page (among the first max_items) cannot be followed.
        let left: Vec<String> = self
            .rows
            .values()
            .filter(|r| r.status == Status::Due && !listed.contains(&r.guid))
            .map(|r| r.guid.clone())
            .collect();
        for guid in left {
            let Some(row) = self.rows.get_mut(&guid) else {
                continue;
            };
            row.status = Status::GivenUp;
            row.next_try = None;
            row.error = Some("the item left the page before its own page was read".into());
            self.logs.push(format!(
                "item page {} given up: the item left the page before it was read",
                row.link
            ));
            let listed = row.listed.take();
            if known.contains(&guid) {
                continue;
            }
            // A held item: published now, at the moment it was first listed.
            if let (Some(l), Some(reading)) = (listed, given_up_reading(row.first_listed)) {
                previous.push(FeedItem::new(
                    l,
                    Record {
                        guid: guid.clone(),
                        first_seen: row.first_listed,
                        last_seen: row.first_listed,
                        evidence: Some(reading.interval),
                        pinned: reading.interval,
                        published: row.first_listed,
                    },
                ));
            }
        }
        out
    }

    /// After the timeline: give each kept item what its page said, and say which rows the
    /// state keeps: those of items in the feed, and of items held (due, not in the feed).
    /// `before` is the rows as read, to save only what changed.
    pub fn finish(
        &self,
        items: &mut [FeedItem],
        held: &[FeedItem],
        before: &HashMap<String, Followed>,
    ) -> Kept {
        let mut keep: HashSet<&str> = HashSet::with_capacity(items.len() + held.len());
        // Items held back to settle keep their rows: their pages are not fetched again.
        for item in held {
            if self.rows.contains_key(&item.record.guid) {
                keep.insert(&item.record.guid);
            }
        }
        for item in items.iter_mut() {
            let row = self.rows.get(&item.record.guid);
            item.page = row
                .filter(|r| r.status == Status::Read)
                .and_then(|r| r.page.clone());
            if row.is_some() {
                keep.insert(&item.record.guid);
            }
        }
        for row in self.rows.values() {
            if row.status == Status::Due {
                keep.insert(&row.guid);
            }
        }
        let mut save: Vec<Followed> = self
            .rows
            .values()
            .filter(|r| keep.contains(r.guid.as_str()) && before.get(&r.guid) != Some(*r))
            .cloned()
            .collect();
        save.sort_by(|a, b| a.guid.cmp(&b.guid));
        let mut gone: Vec<String> = before
            .keys()
            .filter(|g| !keep.contains(g.as_str()))
            .cloned()
            .collect();
        gone.sort();
        Kept { save, gone }
    }

    /// Whether any row is still due: the list is then fetched without validators.
    pub fn waiting(rows: &[Followed]) -> bool {
        rows.iter().any(|r| r.status == Status::Due)
    }
}

#[cfg(test)]
mod tests;
