//! The item as it passes between the stages of a poll: what the list page shows of it
//! ([`Item`]), the same with what its date text says ([`Seen`]), what its own page said
//! ([`ItemPage`]), and the item as the feed keeps it, with its time ([`FeedItem`], whose
//! [`Record`] the timeline advances).
//!
//! Plain values that every stage imports: this module imports nothing of the flow but the
//! interval a time is known within ([`crate::dates::Interval`]).

use crate::dates::{Interval, Reading};
use chrono::{DateTime, Utc};
use url::Url;

/// One item as the page shows it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub guid: String,
    pub title: String,
    /// Absolute.
    pub link: Option<Url>,
    pub summary: String,
    /// The summary's markup, sanitised, where the feed asks for it (`html = true`).
    pub summary_html: Option<String>,
    /// The date text as found, not yet read.
    pub date_text: Option<String>,
    pub author: Option<String>,
    pub categories: Vec<String>,
    /// Whether the title is the one the feed asks for: false where a configured `title`
    /// selector found nothing and the title fell back (to the derived title, or to the link
    /// where the item has no text).
    pub titled: bool,
}

/// One item of the page with what its date text says.
#[derive(Debug, Clone)]
pub struct Seen {
    pub item: Item,
    /// None: no date text, or one that could not be read.
    pub reading: Option<Reading>,
}

/// What is kept about one item's time between polls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub guid: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// All date evidence so far, intersected; None for an item that never had a readable date.
    pub evidence: Option<Interval>,
    /// The interval the item was first published with: `published` never leaves it.
    pub pinned: Interval,
    pub published: DateTime<Utc>,
}

/// A time an item's own page states: what it proves, as written, and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageStamp {
    pub interval: Interval,
    pub point: DateTime<Utc>,
    pub text: String,
    /// "json-ld", "opengraph", "microdata", "time", "meta".
    pub origin: String,
}

impl PageStamp {
    pub fn reading(&self) -> Reading {
        Reading {
            interval: self.interval,
            point: self.point,
        }
    }
}

/// What an item's own page said (`follow`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemPage {
    pub published: Option<PageStamp>,
    pub modified: Option<PageStamp>,
    pub authors: Vec<String>,
    pub image: Option<Url>,
    pub canonical: Option<Url>,
    pub language: Option<String>,
    /// With `content = "full"`: the main text, sanitised HTML.
    pub content: Option<String>,
}

impl ItemPage {
    /// The modified time to publish (Atom `<updated>`): where the page gives one later than
    /// `published`.
    pub fn updated(&self, published: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.modified
            .as_ref()
            .map(|m| m.point)
            .filter(|m| *m > published)
    }
}

/// The list's fields of an item: what a reader sees of it, whatever its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub title: String,
    pub link: Option<Url>,
    pub summary: String,
    pub summary_html: Option<String>,
    pub author: Option<String>,
    pub categories: Vec<String>,
}

impl Listed {
    pub fn of(item: &Item) -> Listed {
        Listed {
            title: item.title.clone(),
            link: item.link.clone(),
            summary: item.summary.clone(),
            summary_html: item.summary_html.clone(),
            author: item.author.clone(),
            categories: item.categories.clone(),
        }
    }
}

/// An item of the feed: what it shows and when it was published. Also an item held back
/// (to settle, or for its own page), with its evidence so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    pub title: String,
    pub link: Option<Url>,
    pub summary: String,
    /// Sanitised markup of the summary, where the feed keeps it.
    pub summary_html: Option<String>,
    pub author: Option<String>,
    pub categories: Vec<String>,
    /// What the item's own page said, where the feed follows its items and the page was read.
    pub page: Option<ItemPage>,
    pub record: Record,
}

impl FeedItem {
    /// The item with the list's fields `listed` and the time `record`.
    pub fn new(listed: Listed, record: Record) -> FeedItem {
        FeedItem {
            title: listed.title,
            link: listed.link,
            summary: listed.summary,
            summary_html: listed.summary_html,
            author: listed.author,
            categories: listed.categories,
            page: None,
            record,
        }
    }

    /// A page's item, first seen at `now`, placed at `now` until the timeline places it.
    pub fn first_seen(item: Item, now: DateTime<Utc>) -> FeedItem {
        let Item {
            guid,
            title,
            link,
            summary,
            summary_html,
            author,
            categories,
            ..
        } = item;
        FeedItem {
            title,
            link,
            summary,
            summary_html,
            author,
            categories,
            page: None,
            record: Record {
                guid,
                first_seen: now,
                last_seen: now,
                evidence: None,
                pinned: Interval::at(now),
                published: now,
            },
        }
    }

    /// Whether the page of the poll at `now` showed the item.
    pub fn on_page(&self, now: DateTime<Utc>) -> bool {
        self.record.last_seen == now
    }
}
