//! The `polls` table: how the last poll of each feed went (when, the result, items, new,
//! time taken, failures in a row, the last error, the next poll) — the feed's standing, as
//! `pagefeed status` and the status page show it.

use super::{StateError, Tx, secs};
use chrono::{DateTime, Utc};
use rusqlite::params;
use std::time::Duration;

/// How one poll of a feed went, as it is noted in the state after the poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollNote {
    pub at: DateTime<Utc>,
    /// Whether the poll succeeded (a 304 from the source is a success).
    pub ok: bool,
    /// "ok", "not modified", or the failure in a few words ("HTTP 503").
    pub result: String,
    /// Items on the page; `None` keeps the last count (a 304 or a failure shows no page).
    pub items: Option<usize>,
    pub new: usize,
    pub took: Duration,
    /// The failure in words, for a failed poll.
    pub error: Option<String>,
    /// When the daemon polls the feed next; `None` keeps what the state holds.
    pub next_poll: Option<DateTime<Utc>>,
}

/// A feed's standing as the state holds it: its last poll, failures, next poll.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    pub id: String,
    /// The feed's title and page as its files were last rendered with.
    pub title: Option<String>,
    pub page: Option<String>,
    pub last_poll: Option<DateTime<Utc>>,
    pub result: Option<String>,
    pub items: Option<u64>,
    pub new: Option<u64>,
    pub took_ms: Option<u64>,
    /// Failed polls in a row.
    pub failures: u64,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub next_poll: Option<DateTime<Utc>>,
    /// Selector health: items and items with a link at the last good poll.
    pub good_items: Option<u64>,
    pub good_links: Option<u64>,
    /// Item pages of a following feed: waiting to be read, read, given up.
    pub pages_due: u64,
    pub pages_read: u64,
    pub pages_given_up: u64,
    /// New items held back for their time to settle (`settle`).
    pub settling: u64,
    /// What the last page fetched showed of each field and its dates.
    pub report: Option<super::PageReport>,
}

#[cfg(test)]
impl super::Store {
    /// Note how a poll of `feed` went: one small write, outside any poll's transaction.
    pub fn note_poll(dir: &std::path::Path, feed: &str, note: &PollNote) -> Result<(), StateError> {
        let mut store = super::Store::open(dir)?;
        let tx = store.begin_light()?;
        tx.note_poll(feed, note)?;
        tx.commit()
    }
}

impl Tx<'_> {
    /// Note how a poll of `feed` went (see [`PollNote`]): failures in a row count up on a
    /// failure and start over at a success; the last error stays until the next one.
    pub fn note_poll(&self, feed: &str, n: &PollNote) -> Result<(), StateError> {
        self.tx
            .execute(
                "INSERT INTO polls (feed, last_poll, result, items, new_items, took_ms, failures,
                    last_error, last_error_at, last_success, next_poll)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (feed) DO UPDATE SET
                    last_poll = excluded.last_poll,
                    result = excluded.result,
                    items = coalesce(excluded.items, items),
                    new_items = excluded.new_items,
                    took_ms = excluded.took_ms,
                    failures = CASE WHEN ?12 THEN 0 ELSE failures + 1 END,
                    last_error = coalesce(excluded.last_error, last_error),
                    last_error_at = coalesce(excluded.last_error_at, last_error_at),
                    last_success = coalesce(excluded.last_success, last_success),
                    next_poll = coalesce(excluded.next_poll, next_poll)",
                params![
                    feed,
                    secs(n.at),
                    n.result,
                    n.items.map(|i| i as i64),
                    n.new as i64,
                    i64::try_from(n.took.as_millis()).unwrap_or(i64::MAX),
                    i64::from(!n.ok),
                    n.error,
                    n.error.as_ref().map(|_| secs(n.at)),
                    n.ok.then(|| secs(n.at)),
                    n.next_poll.map(secs),
                    n.ok,
                ],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Every feed the state knows, with its standing, by id.
    pub fn standings(&self) -> Result<Vec<Standing>, StateError> {
        self.standings_where("")
    }

    /// The standing of `feed`, where the state knows it.
    pub fn standing(&self, feed: &str) -> Result<Option<Standing>, StateError> {
        Ok(self.standings_where(feed)?.pop())
    }

    /// The standings of every feed, or of `only` where it is not empty.
    fn standings_where(&self, only: &str) -> Result<Vec<Standing>, StateError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "WITH known (id) AS (SELECT id FROM feed UNION SELECT feed FROM polls)
                 SELECT k.id, f.title, f.page, p.last_poll, p.result, p.items, p.new_items,
                        p.took_ms, p.failures, p.last_error, p.last_error_at, p.last_success,
                        p.next_poll, s.good_items, s.good_links,
                        (SELECT count(*) FROM followed WHERE feed = k.id AND status = 'due'),
                        (SELECT count(*) FROM followed WHERE feed = k.id AND status = 'read'),
                        (SELECT count(*) FROM followed WHERE feed = k.id AND status = 'given up'),
                        (SELECT count(*) FROM held WHERE feed = k.id),
                        s.report
                 FROM known k
                 LEFT JOIN feed f ON f.id = k.id
                 LEFT JOIN polls p ON p.feed = k.id
                 LEFT JOIN selector_health s ON s.feed = k.id
                 WHERE ?1 = '' OR k.id = ?1
                 ORDER BY k.id",
            )
            .map_err(|e| self.err(e))?;
        let opt_time = |v: Option<i64>| v.and_then(|s| DateTime::from_timestamp(s, 0));
        let count = |v: Option<i64>| v.and_then(|n| u64::try_from(n).ok());
        let rows = stmt
            .query_map([only], |r| {
                Ok(Standing {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    page: r.get(2)?,
                    last_poll: opt_time(r.get(3)?),
                    result: r.get(4)?,
                    items: count(r.get(5)?),
                    new: count(r.get(6)?),
                    took_ms: count(r.get(7)?),
                    failures: count(r.get(8)?).unwrap_or(0),
                    last_error: r.get(9)?,
                    last_error_at: opt_time(r.get(10)?),
                    last_success: opt_time(r.get(11)?),
                    next_poll: opt_time(r.get(12)?),
                    good_items: count(r.get(13)?),
                    good_links: count(r.get(14)?),
                    pages_due: count(r.get(15)?).unwrap_or(0),
                    pages_read: count(r.get(16)?).unwrap_or(0),
                    pages_given_up: count(r.get(17)?).unwrap_or(0),
                    settling: count(r.get(18)?).unwrap_or(0),
                    // A report that does not read is none: it only ever shows.
                    report: r
                        .get::<_, Option<String>>(19)?
                        .and_then(|j| serde_json::from_str(&j).ok()),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Store;
    use chrono::TimeZone;

    #[test]
    fn a_poll_note_counts_failures_in_a_row_and_keeps_the_last_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            Store::look(dir.path(), |tx| tx.standings()).expect("none yet"),
            vec![]
        );
        let t = |s: i64| {
            Utc.timestamp_opt(2_000_000_000 + s, 0)
                .single()
                .expect("time")
        };
        let ok = |at, items| PollNote {
            at,
            ok: true,
            result: "ok".into(),
            items,
            new: 2,
            took: Duration::from_millis(120),
            error: None,
            next_poll: Some(at + chrono::Duration::minutes(10)),
        };
        let failed = |at| PollNote {
            at,
            ok: false,
            result: "HTTP 503".into(),
            items: None,
            new: 0,
            took: Duration::from_millis(5),
            error: Some("http://x/: HTTP 503".into()),
            next_poll: None,
        };
        Store::note_poll(dir.path(), "a", &ok(t(0), Some(7))).expect("note");
        Store::note_poll(dir.path(), "a", &failed(t(60))).expect("note");
        Store::note_poll(dir.path(), "a", &failed(t(120))).expect("note");
        let h = Store::look(dir.path(), |tx| tx.standings()).expect("health");
        assert_eq!(h.len(), 1);
        let a = &h[0];
        assert_eq!(a.id, "a");
        assert_eq!(a.last_poll, Some(t(120)));
        assert_eq!(a.result.as_deref(), Some("HTTP 503"));
        assert_eq!(a.items, Some(7), "a failure keeps the last count");
        assert_eq!(a.failures, 2);
        assert_eq!(a.last_error.as_deref(), Some("http://x/: HTTP 503"));
        assert_eq!(a.last_success, Some(t(0)));
        assert_eq!(a.next_poll, Some(t(600)), "kept where a note has none");
        Store::note_poll(dir.path(), "a", &ok(t(180), None)).expect("note");
        let a = &Store::look(dir.path(), |tx| tx.standings()).expect("health")[0];
        assert_eq!((a.failures, a.items, a.new), (0, Some(7), Some(2)));
        assert_eq!(a.last_error_at, Some(t(120)), "the last error stays");
        assert_eq!(a.last_success, Some(t(180)));
    }
}
