//! The `held` table: new items held back until their time settles (`settle`), with the
//! list's fields of them and their evidence so far.

use super::items::{columns, item_row};
use super::{StateError, Tx};
use crate::item::FeedItem;
use rusqlite::params_from_iter;
use rusqlite::types::Value;

impl Tx<'_> {
    /// The items of `feed` held back to settle (`settle`): their list fields and evidence.
    pub fn held(&self, feed: &str) -> Result<Vec<FeedItem>, StateError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT guid, title, link, summary, author, categories, first_seen, last_seen,
                        ev_earliest, ev_latest, pin_earliest, pin_latest, published, summary_html
                 FROM held WHERE feed = ?1 ORDER BY rowid",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([feed], item_row).map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.row_err(feed, "held", e))
    }

    /// Replace the items of `feed` held back to settle with `held`.
    pub fn save_held(&self, feed: &str, held: &[FeedItem]) -> Result<(), StateError> {
        self.tx
            .execute("DELETE FROM held WHERE feed = ?1", [feed])
            .map_err(|e| self.err(e))?;
        let mut insert = self
            .tx
            .prepare_cached(
                "INSERT INTO held (feed, guid, title, link, summary, author, categories,
                    first_seen, last_seen, ev_earliest, ev_latest, pin_earliest, pin_latest,
                    published, summary_html)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )
            .map_err(|e| self.err(e))?;
        for item in held {
            let head = [
                Value::from(feed.to_string()),
                Value::from(item.record.guid.clone()),
            ];
            insert
                .execute(params_from_iter(head.into_iter().chain(columns(item))))
                .map_err(|e| self.err(e))?;
        }
        Ok(())
    }
}
