//! The `feed` table: what a feed's files are made with besides its items — the generation
//! (a count of committed changes, which a poll checks before it commits), the validators of
//! its page for conditional requests, the title and page its files were last rendered with,
//! and the mark that a committed change may not have reached its files yet.

use super::{StateError, Tx};
use crate::fetch::Validators;
use rusqlite::{OptionalExtension, params};
use url::Url;

/// What a feed's files are rendered with besides its items, kept so that files a crash left
/// behind can be written again without the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub title: String,
    pub page: Url,
}

impl Tx<'_> {
    pub fn validators(&self, feed: &str) -> Result<Validators, StateError> {
        self.tx
            .query_row(
                "SELECT etag, last_modified FROM feed WHERE id = ?1",
                [feed],
                |r| {
                    Ok(Validators {
                        etag: r.get(0)?,
                        last_modified: r.get(1)?,
                    })
                },
            )
            .optional()
            .map(Option::unwrap_or_default)
            .map_err(|e| self.err(e))
    }

    pub fn save_validators(&self, feed: &str, v: &Validators) -> Result<(), StateError> {
        self.tx
            .execute(
                "INSERT INTO feed (id, etag, last_modified) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified",
                params![feed, v.etag, v.last_modified],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// How many times polls have committed a change to the feed's items, selector health or
    /// coverage (0 for a feed the state does not know): a poll that read the feed before it
    /// took the write lock commits only where this is still what it read.
    pub fn generation(&self, feed: &str) -> Result<i64, StateError> {
        self.tx
            .query_row("SELECT generation FROM feed WHERE id = ?1", [feed], |r| {
                r.get::<_, i64>(0)
            })
            .optional()
            .map(Option::unwrap_or_default)
            .map_err(|e| self.err(e))
    }

    /// Count a change of the feed's items, last good poll or coverage, committed with it.
    pub fn bump_generation(&self, feed: &str) -> Result<(), StateError> {
        self.tx
            .execute(
                "INSERT INTO feed (id, generation) VALUES (?1, 1)
                 ON CONFLICT (id) DO UPDATE SET generation = generation + 1",
                [feed],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Note that the feed's state changed and its files are about to be written with `meta`:
    /// until [`Tx::files_written`] commits, the files may be behind the state.
    pub fn save_pending(&self, feed: &str, meta: &Rendered) -> Result<(), StateError> {
        self.tx
            .execute(
                "INSERT INTO feed (id, title, page, pending) VALUES (?1, ?2, ?3, 1)
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title, page = excluded.page, pending = 1",
                params![feed, meta.title, meta.page.as_str()],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// The files of `feed` show what the state holds.
    pub fn files_written(&self, feed: &str) -> Result<(), StateError> {
        self.tx
            .execute("UPDATE feed SET pending = 0 WHERE id = ?1", [feed])
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Where the last committed change of `feed` may not have reached its files (a crash or
    /// a failed write in between): what to render them with.
    pub fn pending(&self, feed: &str) -> Result<Option<Rendered>, StateError> {
        let row = self
            .tx
            .query_row(
                "SELECT title, page FROM feed WHERE id = ?1 AND pending = 1",
                [feed],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((title, page)) = row else {
            return Ok(None);
        };
        let page = page.and_then(|p| Url::parse(&p).ok());
        match (title, page) {
            (Some(title), Some(page)) => Ok(Some(Rendered { title, page })),
            _ => Err(StateError::Corrupt {
                path: self.path.clone(),
                detail: format!("feed {feed:?} is marked pending without a title and page"),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::state::{PollNote, Store};
    use chrono::{TimeZone, Utc};
    use std::time::Duration;

    #[test]
    fn the_generation_counts_committed_changes_and_a_rollback_keeps_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(dir.path()).expect("open");
        {
            let read = store.read().expect("read");
            assert_eq!(read.generation("f").expect("generation"), 0);
        }
        for _ in 0..2 {
            let poll = store.begin().expect("begin");
            poll.bump_generation("f").expect("bump");
            poll.commit().expect("commit");
        }
        {
            let poll = store.begin().expect("begin");
            poll.bump_generation("f").expect("bump");
            // dropped without commit
        }
        Store::note_poll(
            dir.path(),
            "f",
            &PollNote {
                at: Utc.timestamp_opt(2_000_000_000, 0).single().expect("time"),
                ok: true,
                result: "ok".into(),
                items: Some(1),
                new: 0,
                took: Duration::ZERO,
                error: None,
                next_poll: None,
            },
        )
        .expect("note");
        let read = store.read().expect("read");
        assert_eq!(read.generation("f").expect("generation"), 2);
        assert_eq!(read.generation("other").expect("generation"), 0);
    }
}
