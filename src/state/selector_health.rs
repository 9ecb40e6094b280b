//! The `selector_health` table: what the last good poll of a feed found on its page (items,
//! items with a link), which a page that no longer looks like it is judged against, and the
//! selector coverage last reported (so that a change is logged once, not at every poll).

use super::{StateError, Tx};
use rusqlite::{OptionalExtension, params};

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
}
