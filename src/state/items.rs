//! The `item` table: the items each feed keeps (history included), with their evidence and
//! published times, newest first. A poll reads them and writes back only the rows that change.

use super::{ReadItems, StateError, Tx, damaged, interval, secs, time};
use crate::item::{FeedItem, Record};
use chrono::{DateTime, Utc};
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use std::collections::{HashMap, HashSet};
use url::Url;

/// An item's columns after its key (feed and guid, or rowid), in the order of the item
/// table's INSERT and UPDATE statements.
pub(super) fn columns(item: &FeedItem) -> [Value; 13] {
    let r = &item.record;
    let text = |t: Option<&str>| t.map_or(Value::Null, |t| Value::from(t.to_string()));
    let at = |t: Option<DateTime<Utc>>| t.map_or(Value::Null, |t| Value::from(secs(t)));
    [
        Value::from(item.title.clone()),
        text(item.link.as_ref().map(Url::as_str)),
        Value::from(item.summary.clone()),
        text(item.author.as_deref()),
        Value::from(categories(item)),
        Value::from(secs(r.first_seen)),
        Value::from(secs(r.last_seen)),
        at(r.evidence.map(|e| e.earliest)),
        at(r.evidence.map(|e| e.latest)),
        Value::from(secs(r.pinned.earliest)),
        Value::from(secs(r.pinned.latest)),
        Value::from(secs(r.published)),
        text(item.summary_html.as_deref()),
    ]
}

/// An item from a row of `item` or `held` selected as guid, title, link, summary, author,
/// categories, first_seen, last_seen, ev_earliest, ev_latest, pin_earliest, pin_latest,
/// published, summary_html.
pub(super) fn item_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FeedItem> {
    let link: Option<String> = r.get(2)?;
    let categories: String = r.get(5)?;
    let evidence = match (r.get::<_, Option<i64>>(8)?, r.get::<_, Option<i64>>(9)?) {
        (Some(a), Some(b)) => Some(interval(a, b)?),
        _ => None,
    };
    Ok(FeedItem {
        title: r.get(1)?,
        link: link
            .map(|l| Url::parse(&l).map_err(|e| damaged(2, format!("link {l:?}: {e}"))))
            .transpose()?,
        summary: r.get(3)?,
        summary_html: r.get(13)?,
        author: r.get(4)?,
        categories: serde_json::from_str(&categories)
            .map_err(|e| damaged(5, format!("categories {categories:?}: {e}")))?,
        page: None,
        record: Record {
            guid: r.get(0)?,
            first_seen: time(r.get(6)?)?,
            last_seen: time(r.get(7)?)?,
            evidence,
            pinned: interval(r.get(10)?, r.get(11)?)?,
            published: time(r.get(12)?)?,
        },
    })
}

/// An item's categories as the `categories` column holds them (JSON).
fn categories(item: &FeedItem) -> String {
    serde_json::to_string(&item.categories).unwrap_or_else(|_| "[]".into())
}

impl Tx<'_> {
    /// Every item kept for `feed`, newest published first.
    pub fn items(&self, feed: &str) -> Result<Vec<FeedItem>, StateError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT guid, title, link, summary, author, categories, first_seen, last_seen,
                        ev_earliest, ev_latest, pin_earliest, pin_latest, published, summary_html,
                        rowid
                 FROM item WHERE feed = ?1 ORDER BY published DESC, rowid",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([feed], |r| Ok((r.get::<_, i64>(14)?, item_row(r)?)))
            .map_err(|e| self.err(e))?;
        let rows = rows
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.row_err(feed, "item", e))?;
        let mut pages = self.pages(feed)?;
        let mut read = HashMap::with_capacity(rows.len());
        let mut items = Vec::with_capacity(rows.len());
        for (rowid, mut item) in rows {
            item.page = pages.remove(&item.record.guid);
            read.insert(item.record.guid.clone(), (rowid, item.clone()));
            items.push(item);
        }
        *self.read.borrow_mut() = Some(ReadItems {
            feed: feed.to_string(),
            rows: read,
        });
        Ok(items)
    }

    /// Replace every item of `feed` with `items` (newest published first, as [`Tx::items`]
    /// returns them).
    ///
    /// Where the feed's items were read in this transaction (a poll reads them first), only
    /// the rows that change are written: rows of items no longer kept are deleted, changed
    /// ones updated in place, new ones inserted. [`Tx::items`] returns items that share a
    /// published time in the order of their rows; where a kept row would come out of the
    /// order of `items`, that time's rows are written afresh, in order.
    pub fn save_items(&self, feed: &str, items: &[FeedItem]) -> Result<(), StateError> {
        let read = self.read.borrow_mut().take().filter(|r| r.feed == feed);
        let Some(ReadItems { mut rows, .. }) = read else {
            self.tx
                .execute("DELETE FROM item WHERE feed = ?1", [feed])
                .map_err(|e| self.err(e))?;
            return items
                .iter()
                .try_for_each(|item| self.insert_item(feed, item));
        };
        // Each item's row where it has one, and whether that row holds it already.
        let mut kept: Vec<Option<(i64, bool)>> = items
            .iter()
            .map(|item| {
                rows.remove(&item.record.guid)
                    .map(|(rowid, old)| (rowid, old == *item))
            })
            .collect();
        let mut gone: Vec<i64> = rows.into_values().map(|(rowid, _)| rowid).collect();
        // Items sharing a published time come back in the order of their rows, new rows last.
        let mut start = 0;
        while start < items.len() {
            let published = items[start].record.published;
            let end = start
                + items[start..]
                    .iter()
                    .take_while(|i| i.record.published == published)
                    .count();
            let mut last = None;
            let mut fresh = false;
            let in_order = kept[start..end].iter().all(|row| match row {
                Some((rowid, _)) => {
                    let ok = !fresh && last.is_none_or(|l| l < *rowid);
                    last = Some(*rowid);
                    ok
                }
                None => {
                    fresh = true;
                    true
                }
            });
            if !in_order {
                for row in &mut kept[start..end] {
                    if let Some((rowid, _)) = row.take() {
                        gone.push(rowid);
                    }
                }
            }
            start = end;
        }
        let mut delete = self
            .tx
            .prepare_cached("DELETE FROM item WHERE rowid = ?1")
            .map_err(|e| self.err(e))?;
        for rowid in gone {
            delete.execute([rowid]).map_err(|e| self.err(e))?;
        }
        for (item, row) in items.iter().zip(kept) {
            match row {
                Some((_, true)) => {}
                Some((rowid, false)) => self.update_item(rowid, item)?,
                None => self.insert_item(feed, item)?,
            }
        }
        Ok(())
    }

    fn insert_item(&self, feed: &str, item: &FeedItem) -> Result<(), StateError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO item (feed, guid, title, link, summary, author, categories,
                    first_seen, last_seen, ev_earliest, ev_latest, pin_earliest, pin_latest, published,
                    summary_html)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )
            .map_err(|e| self.err(e))?;
        let key = [
            Value::from(feed.to_string()),
            Value::from(item.record.guid.clone()),
        ];
        stmt.execute(params_from_iter(key.into_iter().chain(columns(item))))
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Write `item` over the row `rowid`, which holds the same guid.
    fn update_item(&self, rowid: i64, item: &FeedItem) -> Result<(), StateError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "UPDATE item SET title = ?2, link = ?3, summary = ?4, author = ?5, categories = ?6,
                    first_seen = ?7, last_seen = ?8, ev_earliest = ?9, ev_latest = ?10,
                    pin_earliest = ?11, pin_latest = ?12, published = ?13, summary_html = ?14
                 WHERE rowid = ?1",
            )
            .map_err(|e| self.err(e))?;
        stmt.execute(params_from_iter(
            std::iter::once(Value::from(rowid)).chain(columns(item)),
        ))
        .map(drop)
        .map_err(|e| self.err(e))
    }

    /// The guids of the items kept for `feed`.
    pub fn guids(&self, feed: &str) -> Result<HashSet<String>, StateError> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT guid FROM item WHERE feed = ?1")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([feed], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::Validators;
    use crate::state::testing::item;
    use crate::state::{FILE_NAME, Store};

    #[test]
    fn items_and_validators_round_trip_and_rollback_keeps_the_old_state() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(dir.path()).expect("open");
        let items = vec![item("a", 2_000_000_000), item("b", 1_900_000_000)];
        let v = Validators {
            etag: Some("\"x\"".into()),
            last_modified: None,
        };
        {
            let poll = store.begin().expect("begin");
            poll.save_items("f", &items).expect("save");
            poll.save_validators("f", &v).expect("save");
            poll.commit().expect("commit");
        }
        {
            let poll = store.begin().expect("begin");
            poll.save_items("f", &[]).expect("save");
            // dropped without commit: a crash mid-poll
        }
        let mut again = Store::open(dir.path()).expect("reopen");
        let poll = again.begin().expect("begin");
        assert_eq!(poll.items("f").expect("items"), items);
        assert_eq!(poll.validators("f").expect("validators"), v);
        assert_eq!(poll.items("other").expect("items"), vec![]);
    }
    #[test]
    fn a_save_after_a_read_writes_only_the_rows_that_change_and_keeps_their_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(dir.path()).expect("open");
        let t = 2_000_000_000;
        // a, b and c share a second; they come back in the order they were saved in.
        let first = vec![item("a", t), item("b", t), item("c", t), item("d", t - 60)];
        let poll = store.begin().expect("begin");
        poll.save_items("f", &first).expect("save");
        poll.commit().expect("commit");
        store
            .conn
            .execute_batch(
                "CREATE TEMP TABLE writes (n INTEGER NOT NULL);
                 INSERT INTO writes VALUES (0);
                 CREATE TEMP TRIGGER wi AFTER INSERT ON item BEGIN UPDATE writes SET n = n + 1; END;
                 CREATE TEMP TRIGGER wu AFTER UPDATE ON item BEGIN UPDATE writes SET n = n + 1; END;
                 CREATE TEMP TRIGGER wd AFTER DELETE ON item BEGIN UPDATE writes SET n = n + 1; END;",
            )
            .expect("count writes");
        let mut poll_with = |next: &[FeedItem]| {
            let poll = store.begin().expect("begin");
            poll.items("f").expect("items");
            poll.save_items("f", next).expect("save");
            let held = poll.items("f").expect("items");
            poll.commit().expect("commit");
            let writes: i64 = store
                .conn
                .query_row("SELECT n FROM writes", [], |r| r.get(0))
                .expect("writes");
            store
                .conn
                .execute("UPDATE writes SET n = 0", [])
                .expect("reset");
            assert_eq!(held, next);
            writes
        };
        assert_eq!(poll_with(&first), 0, "nothing changed, nothing written");
        // d seen again, c gone, e new: one row each.
        let mut d = item("d", t - 60);
        d.record.last_seen += chrono::Duration::minutes(10);
        let second = vec![item("e", t + 60), item("a", t), item("b", t), d.clone()];
        assert_eq!(poll_with(&second), 3);
        // a and b change places within their second: their rows are written afresh.
        let third = vec![item("e", t + 60), item("b", t), item("a", t), d.clone()];
        assert_eq!(poll_with(&third), 4);
        // A new item in that second below them comes after them; above them, all three are
        // written afresh.
        let fourth = vec![
            item("e", t + 60),
            item("b", t),
            item("a", t),
            item("g", t),
            d.clone(),
        ];
        assert_eq!(poll_with(&fourth), 1);
        let fifth = vec![
            item("e", t + 60),
            item("h", t),
            item("b", t),
            item("a", t),
            item("g", t),
            d,
        ];
        assert_eq!(poll_with(&fifth), 7);
    }
    #[test]
    fn a_damaged_row_is_an_error_naming_the_state_file() {
        for (column, value) in [
            ("link", "not a url"),
            ("categories", "[\"unterminated"),
            ("published", "9223372036854775807"),
        ] {
            let dir = tempfile::tempdir().expect("tempdir");
            let mut store = Store::open(dir.path()).expect("open");
            let poll = store.begin().expect("begin");
            poll.save_items("f", &[item("a", 1_700_000_000)])
                .expect("save");
            poll.commit().expect("commit");
            store
                .conn
                .execute(&format!("UPDATE item SET {column} = ?1"), [value])
                .expect("damage");
            let poll = store.begin().expect("begin");
            let err = poll.items("f").expect_err("damaged");
            assert!(matches!(err, StateError::Corrupt { .. }), "{column}: {err}");
            let message = err.to_string();
            assert!(
                message.contains(FILE_NAME) && message.contains("feed \"f\""),
                "{message}"
            );
        }
    }
}
