//! The embedded database (SQLite) that remembers each feed between polls: its items with their
//! evidence and times, the items held back, its item pages, the validators for conditional
//! requests, and how its polls went.
//!
//! One [`Store`] per process and use, one transaction type ([`Tx`]) and one file per table:
//! [`items`] (the feed's items), [`held`] (new items held back to settle), [`followed`] (item
//! pages), [`feed`] (what the feed's files are made with: generation, validators, the pending
//! mark), [`selector_health`] (what the last good poll found) and [`polls`] (how the last poll
//! went); [`schema`] has the migrations.
//!
//! A poll reads the feed's state in a read transaction, works on its page outside any lock,
//! and takes the write transaction only to commit, after checking that the feed's generation
//! did not change meanwhile (see [`Tx::generation`]); two processes on one state wait for
//! each other's commits (up to [`BUSY_WAIT`]) instead of interleaving. The schema
//! carries a version (`PRAGMA user_version`); older files are migrated, newer ones refused.

pub mod feed;
pub mod followed;
pub mod held;
pub mod items;
pub mod lock;
pub mod polls;
pub mod schema;
pub mod selector_health;

pub use feed::Rendered;
pub use lock::{LockError, RunLock};
pub use polls::{PollNote, Standing};
pub use selector_health::{FieldReport, GoodPoll, PageReport};

use crate::dates::Interval;
use chrono::{DateTime, Utc};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, TransactionBehavior};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The database file inside `state_dir`.
pub const FILE_NAME: &str = "pagefeed.sqlite3";
/// How long a poll waits for another process holding the state.
pub const BUSY_WAIT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{path}: state_dir is not a folder")]
    NotAFolder { path: PathBuf },
    #[error("{path}: cannot open the state database: {source}")]
    Open {
        path: PathBuf,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error(
        "{path}: not a pagefeed state database, or damaged ({detail}); move it aside to start afresh"
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error("{path}: written by a newer pagefeed (schema {found}, this one knows up to {known})")]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{path}: {source}")]
    Sql {
        path: PathBuf,
        source: rusqlite::Error,
    },
}
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Open (creating if need be) the database in `dir`, migrating it to the current schema.
    pub fn open(dir: &Path) -> Result<Store, StateError> {
        let path = dir.join(FILE_NAME);
        let open_error = |e: std::io::Error| StateError::Open {
            path: path.clone(),
            source: Box::new(e),
        };
        if dir.exists() && !dir.is_dir() {
            return Err(StateError::NotAFolder {
                path: dir.to_path_buf(),
            });
        }
        std::fs::create_dir_all(dir).map_err(open_error)?;
        if !existing(&path)? {
            schema::create(dir, &path)?;
        }
        let conn = Connection::open(&path).map_err(|e| StateError::Open {
            path: path.clone(),
            source: Box::new(e),
        })?;
        let mut store = Store { conn, path };
        // Setting up a new file (journal mode, schema) can meet another process doing the
        // same; SQLite reports that as busy without waiting, so wait here.
        let started = std::time::Instant::now();
        loop {
            match store.prepare() {
                Err(StateError::Sql { source, .. })
                    if is_busy(&source) && started.elapsed() < BUSY_WAIT =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other.map(|()| store),
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self, source: rusqlite::Error) -> StateError {
        classify(&self.path, source)
    }

    fn prepare(&mut self) -> Result<(), StateError> {
        self.conn.busy_timeout(BUSY_WAIT).map_err(|e| self.sql(e))?;
        // WAL lets readers go on while a poll writes; synchronous=FULL makes every commit
        // durable once it returns.
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| self.sql(e))?;
        self.conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(|e| self.sql(e))?;
        // A poll opens the state a few times and a `once` process is short: checkpointing the
        // log into the database whenever a connection closes would sync both files (and
        // create the log again, syncing the folder) each time. The log is checkpointed as it
        // grows instead (SQLite's automatic checkpoint), and a commit is as durable either way.
        self.conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(|e| self.sql(e))?;
        schema::migrate(&mut self.conn, &self.path)
    }

    /// Read the state in `dir` with `f`, without writing anything, not even a migration (for
    /// `preview`, `status` and the status page): `T::default()` where there is no state yet, or
    /// one of an older schema (the next poll migrates it).
    pub fn look<T: Default>(
        dir: &Path,
        f: impl FnOnce(&Tx<'_>) -> Result<T, StateError>,
    ) -> Result<T, StateError> {
        match Store::reader(dir)? {
            Some(mut store) => {
                let tx = store.read()?;
                f(&tx)
            }
            None => Ok(T::default()),
        }
    }

    /// A read-only connection to the state in `dir`; `None` where there is no state (yet), or
    /// one of an older schema. A newer one is refused.
    fn reader(dir: &Path) -> Result<Option<Store>, StateError> {
        let path = dir.join(FILE_NAME);
        if !existing(&path)? {
            return Ok(None);
        }
        let conn = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| StateError::Open {
            path: path.clone(),
            source: Box::new(e),
        })?;
        let store = Store { conn, path };
        store
            .conn
            .busy_timeout(BUSY_WAIT)
            .map_err(|e| store.sql(e))?;
        let found: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| store.sql(e))?;
        if found > schema::VERSION {
            return Err(StateError::TooNew {
                path: store.path.clone(),
                found,
                known: schema::VERSION,
            });
        }
        Ok((found == schema::VERSION).then_some(store))
    }

    /// A write transaction that holds the state until committed or dropped, and
    /// whose commit is durable once it returns.
    pub fn begin(&mut self) -> Result<Tx<'_>, StateError> {
        self.synchronous("FULL")?;
        self.transaction(TransactionBehavior::Immediate)
    }

    /// A write transaction, as [`Store::begin`], whose commit does not wait for the disk
    /// (`synchronous = NORMAL`), for what a power loss may take back without harm: that a
    /// feed's files were written ([`Tx::files_written`]; lost, the files stay marked
    /// pending, and the next poll finds them written and clears the mark again) and how a
    /// poll went ([`Tx::note_poll`]). A crash of pagefeed alone loses nothing, and the next
    /// durable commit makes it durable too.
    pub fn begin_light(&mut self) -> Result<Tx<'_>, StateError> {
        self.synchronous("NORMAL")?;
        self.transaction(TransactionBehavior::Immediate)
    }

    /// Set how a commit waits for the disk; only between transactions.
    fn synchronous(&mut self, level: &str) -> Result<(), StateError> {
        self.conn
            .pragma_update(None, "synchronous", level)
            .map_err(|e| self.sql(e))
    }

    /// A read-only look (no write lock taken), e.g. for the validators before a fetch.
    pub fn read(&mut self) -> Result<Tx<'_>, StateError> {
        self.transaction(TransactionBehavior::Deferred)
    }

    fn transaction(&mut self, behavior: TransactionBehavior) -> Result<Tx<'_>, StateError> {
        let path = self.path.clone();
        match self.conn.transaction_with_behavior(behavior) {
            Ok(tx) => Ok(Tx::new(tx, path)),
            Err(e) => Err(classify(&path, e)),
        }
    }
}
/// A transaction on the state; nothing it saves is seen by others before [`Tx::commit`].
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    path: PathBuf,
    /// The item rows [`Tx::items`] read last, while nothing has written items since: what
    /// [`Tx::save_items`] compares with to write only the rows that change.
    read: RefCell<Option<ReadItems>>,
}

/// One feed's item rows as read: by guid, the row's id and the item.
struct ReadItems {
    feed: String,
    rows: std::collections::HashMap<String, (i64, crate::item::FeedItem)>,
}

/// Whether the state file at `path` is there. A state is never an empty file (a new one is
/// made whole and then put in place, see [`schema::create`]): an empty one was cut short, or
/// is not pagefeed's, and is refused rather than taken for a new state.
fn existing(path: &Path) -> Result<bool, StateError> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() == 0 && m.is_file() => Err(StateError::Corrupt {
            path: path.to_path_buf(),
            detail: "the file is empty: cut short, or not pagefeed's".into(),
        }),
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(StateError::Open {
            path: path.to_path_buf(),
            source: Box::new(e),
        }),
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// A SQLite error as the user should hear it: damage is named as such.
fn classify(path: &Path, source: rusqlite::Error) -> StateError {
    let corrupt = matches!(
        source.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    );
    if corrupt {
        StateError::Corrupt {
            path: path.to_path_buf(),
            detail: source.to_string(),
        }
    } else {
        StateError::Sql {
            path: path.to_path_buf(),
            source,
        }
    }
}
/// A column value that does not read as what pagefeed writes there.
fn damaged(column: usize, why: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, why.into())
}

fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn time(s: i64) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::from_timestamp(s, 0).ok_or(rusqlite::Error::IntegralValueOutOfRange(0, s))
}

fn interval(earliest: i64, latest: i64) -> rusqlite::Result<Interval> {
    Interval::new(time(earliest)?, time(latest)?)
        .ok_or(rusqlite::Error::IntegralValueOutOfRange(0, earliest))
}

impl<'a> Tx<'a> {
    fn new(tx: rusqlite::Transaction<'a>, path: PathBuf) -> Tx<'a> {
        Tx {
            tx,
            path,
            read: RefCell::new(None),
        }
    }

    fn err(&self, source: rusqlite::Error) -> StateError {
        classify(&self.path, source)
    }

    /// An error reading `feed`'s rows of `table`: a value pagefeed could not have written (the
    /// file was damaged or edited) says which table; anything else is classified.
    fn row_err(&self, feed: &str, table: &str, e: rusqlite::Error) -> StateError {
        match e {
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
            | rusqlite::Error::InvalidColumnType(..) => StateError::Corrupt {
                path: self.path.clone(),
                detail: format!("feed {feed:?} has a damaged {table} row: {e}"),
            },
            e => self.err(e),
        }
    }

    pub fn commit(self) -> Result<(), StateError> {
        let path = self.path;
        self.tx.commit().map_err(|e| classify(&path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_or_foreign_database_is_refused_by_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        {
            let conn = Connection::open(&path).expect("open");
            conn.pragma_update(None, "user_version", 99)
                .expect("pragma");
        }
        let err = Store::open(dir.path()).err().expect("refused");
        assert!(matches!(err, StateError::TooNew { found: 99, .. }), "{err}");
        assert!(err.to_string().contains(FILE_NAME));

        std::fs::write(
            &path,
            b"this is not a database, just some text that is long enough",
        )
        .expect("write");
        let _ = std::fs::remove_file(dir.path().join(format!("{FILE_NAME}-wal")));
        let err = Store::open(dir.path()).err().expect("refused");
        assert!(matches!(err, StateError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains(FILE_NAME), "{err}");
        assert_eq!(
            std::fs::read(&path).expect("read"),
            b"this is not a database, just some text that is long enough",
            "never silently recreated"
        );
    }
}

/// What the tests of the state's tables share.
#[cfg(test)]
pub(crate) mod testing {
    use crate::dates::Interval;
    use crate::item::{FeedItem, Record};
    use chrono::{TimeZone, Utc};
    use url::Url;

    pub fn item(guid: &str, published: i64) -> FeedItem {
        let t = Utc.timestamp_opt(published, 0).single().expect("time");
        let pinned = Interval::new(t - chrono::Duration::hours(1), t).expect("interval");
        FeedItem {
            title: format!("title {guid}"),
            link: Url::parse(&format!("https://s.example/{guid}")).ok(),
            summary: "s".into(),
            summary_html: Some("<p>s</p>".into()),
            author: Some("ANP".into()),
            categories: vec!["A".into(), "B".into()],
            page: None,
            record: Record {
                guid: guid.into(),
                first_seen: t,
                last_seen: t,
                evidence: Some(pinned),
                pinned,
                published: t,
            },
        }
    }
}
