//! The `selector_health` table: what the last good poll of a feed found on its page (items,
//! items with a link), which a page that no longer looks like it is judged against, and the
//! selector coverage last reported (so that a change is logged once, not at every poll).

use super::{StateError, Tx};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// What the last page fetched showed: how many of its items each field was found in, and how
/// many of its date texts were read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageReport {
    pub items: usize,
    pub fields: Vec<FieldReport>,
    /// Items with a date text, and of those, the ones whose text was read.
    pub dates_matched: usize,
    pub dates_read: usize,
}

/// One field of a [`PageReport`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldReport {
    pub name: String,
    /// Whether the feed configures the field's selector (else it takes its default).
    pub configured: bool,
    pub found: usize,
}

impl PageReport {
    /// Whether the page shows a selector missing (a configured field found in fewer items
    /// than there are) or dates mostly not read: a feed that publishes, but not what it
    /// should.
    pub fn wanting(&self) -> bool {
        self.fields
            .iter()
            .any(|f| f.configured && f.found < self.items)
            || (self.dates_matched > 0 && self.dates_read * 2 < self.dates_matched)
    }

    /// In words: "title 20 of 20 · link 20 of 20 · date 20 of 20, 0 read", each configured
    /// field and the link and date.
    pub fn words(&self) -> String {
        self.fields
            .iter()
            .filter(|f| f.configured || f.name == "link" || f.name == "date")
            .map(|f| {
                let read = if f.name == "date" {
                    format!(", {} read", self.dates_read)
                } else {
                    String::new()
                };
                let default = if f.configured { "" } else { " (default)" };
                format!("{}{default} {} of {}{read}", f.name, f.found, self.items)
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }
}
/// What the last good poll of a feed found on the page, for selector health.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoodPoll {
    pub items: usize,
    /// Items that had a link.
    pub links: usize,
}

impl Tx<'_> {
    /// The item and link counts of the feed's last good poll, where it has had one.
    pub fn last_good(&self, feed: &str) -> Result<Option<GoodPoll>, StateError> {
        self.tx
            .query_row(
                "SELECT good_items, good_links FROM selector_health WHERE feed = ?1",
                [feed],
                |r| {
                    let items: Option<i64> = r.get(0)?;
                    let links: Option<i64> = r.get(1)?;
                    Ok(items.zip(links).map(|(items, links)| GoodPoll {
                        items: usize::try_from(items).unwrap_or(0),
                        links: usize::try_from(links).unwrap_or(0),
                    }))
                },
            )
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.err(e))
    }

    pub fn save_good(&self, feed: &str, good: GoodPoll) -> Result<(), StateError> {
        self.tx
            .execute(
                "INSERT INTO selector_health (feed, good_items, good_links) VALUES (?1, ?2, ?3)
                 ON CONFLICT (feed) DO UPDATE SET good_items = excluded.good_items, good_links = excluded.good_links",
                params![feed, good.items as i64, good.links as i64],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// The selector coverage last reported for `feed` (see `extract::Coverage::key`); empty
    /// where none was, or every configured field matched every item.
    pub fn coverage(&self, feed: &str) -> Result<String, StateError> {
        self.tx
            .query_row(
                "SELECT coverage FROM selector_health WHERE feed = ?1",
                [feed],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()
            .map(|c| c.flatten().unwrap_or_default())
            .map_err(|e| self.err(e))
    }

    pub fn save_coverage(&self, feed: &str, coverage: &str) -> Result<(), StateError> {
        self.tx
            .execute(
                "INSERT INTO selector_health (feed, coverage) VALUES (?1, ?2)
                 ON CONFLICT (feed) DO UPDATE SET coverage = excluded.coverage",
                params![feed, coverage],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Keep what the last page fetched showed.
    pub fn save_report(&self, feed: &str, report: &PageReport) -> Result<(), StateError> {
        let json = serde_json::to_string(report).unwrap_or_default();
        self.tx
            .execute(
                "INSERT INTO selector_health (feed, report) VALUES (?1, ?2)
                 ON CONFLICT (feed) DO UPDATE SET report = excluded.report",
                params![feed, json],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }
}
