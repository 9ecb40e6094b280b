//! The embedded database (SQLite): per feed, every item pagefeed has published with its
//! evidence and time, and the validators for conditional requests.
//!
//! A poll reads the feed's state in a read transaction, works on its page outside any lock,
//! and takes the write transaction only to commit, after checking that the feed's generation
//! did not change meanwhile (see [`Poll::generation`]); two processes on one state wait for
//! each other's commits (up to [`BUSY_WAIT`]) instead of interleaving. The schema
//! carries a version (`PRAGMA user_version`); older files are migrated, newer ones refused.

use crate::dates::Interval;
use crate::fetch::Validators;
use crate::follow::{Followed, ItemPage, Listed, PageStamp, Status};
use crate::timeline::Record;
use chrono::{DateTime, Utc};
use rusqlite::config::DbConfig;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params, params_from_iter};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;

/// The database file inside `state_dir`.
pub const FILE_NAME: &str = "pagefeed.sqlite3";
/// How long a poll waits for another process holding the state.
pub const BUSY_WAIT: Duration = Duration::from_secs(60);

/// Each entry migrates the schema from the version before it; the schema version is the
/// number of entries.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE feed (
    id            TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT
) STRICT;
CREATE TABLE item (
    feed         TEXT NOT NULL,
    guid         TEXT NOT NULL,
    title        TEXT NOT NULL,
    link         TEXT,
    summary      TEXT NOT NULL,
    author       TEXT,
    categories   TEXT NOT NULL,
    first_seen   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    ev_earliest  INTEGER,
    ev_latest    INTEGER,
    pin_earliest INTEGER NOT NULL,
    pin_latest   INTEGER NOT NULL,
    published    INTEGER NOT NULL,
    PRIMARY KEY (feed, guid)
) STRICT;
"#,
    // Selector health: the item and link counts of the feed's last good poll.
    r#"
ALTER TABLE feed ADD COLUMN good_items INTEGER;
ALTER TABLE feed ADD COLUMN good_links INTEGER;
"#,
    // Files in step with the state: what the feed files were last rendered with (the feed's
    // title and page), and whether a committed poll's files may not have been written yet.
    // The summary's sanitised markup, for feeds that keep it (`html = true`).
    r#"
ALTER TABLE feed ADD COLUMN title TEXT;
ALTER TABLE feed ADD COLUMN page TEXT;
ALTER TABLE feed ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE item ADD COLUMN summary_html TEXT;
"#,
    // Selector coverage last reported for the feed (which configured fields missed in some
    // items), so that a change is logged once, not at every poll.
    r#"
ALTER TABLE feed ADD COLUMN coverage TEXT;
"#,
    // Health: how the feed's last poll went, for `pagefeed status` and the status page.
    r#"
ALTER TABLE feed ADD COLUMN last_poll INTEGER;
ALTER TABLE feed ADD COLUMN result TEXT;
ALTER TABLE feed ADD COLUMN items INTEGER;
ALTER TABLE feed ADD COLUMN new_items INTEGER;
ALTER TABLE feed ADD COLUMN took_ms INTEGER;
ALTER TABLE feed ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feed ADD COLUMN last_error TEXT;
ALTER TABLE feed ADD COLUMN last_error_at INTEGER;
ALTER TABLE feed ADD COLUMN last_success INTEGER;
ALTER TABLE feed ADD COLUMN next_poll INTEGER;
"#,
    // A count of the feed's changes, bumped by every poll that commits its items, last good
    // poll or coverage: a poll that worked on its page outside the write lock checks it
    // before it commits.
    r#"
ALTER TABLE feed ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
"#,
    // `follow`: per feed and item, where the item's own page stands (due, read, given up),
    // its tries, and what it said; and, while the item is due, the list's fields of it, so
    // that a held item that leaves the page can still be published.
    r#"
CREATE TABLE followed (
    feed         TEXT NOT NULL,
    guid         TEXT NOT NULL,
    link         TEXT NOT NULL,
    status       TEXT NOT NULL,
    tries        INTEGER NOT NULL,
    next_try     INTEGER,
    first_listed INTEGER NOT NULL,
    fetched_at   INTEGER,
    error        TEXT,
    pub_earliest INTEGER,
    pub_latest   INTEGER,
    pub_point    INTEGER,
    pub_text     TEXT,
    pub_origin   TEXT,
    mod_earliest INTEGER,
    mod_latest   INTEGER,
    mod_point    INTEGER,
    mod_text     TEXT,
    mod_origin   TEXT,
    authors      TEXT,
    image        TEXT,
    canonical    TEXT,
    language     TEXT,
    content      TEXT,
    listed       TEXT,
    PRIMARY KEY (feed, guid)
) STRICT;
"#,
    // `settle`: new items held back until the page has narrowed their time, with the list's
    // fields of them (published when they leave the page) and their evidence so far.
    r#"
CREATE TABLE held (
    feed         TEXT NOT NULL,
    guid         TEXT NOT NULL,
    title        TEXT NOT NULL,
    link         TEXT,
    summary      TEXT NOT NULL,
    author       TEXT,
    categories   TEXT NOT NULL,
    first_seen   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    ev_earliest  INTEGER,
    ev_latest    INTEGER,
    pin_earliest INTEGER NOT NULL,
    pin_latest   INTEGER NOT NULL,
    published    INTEGER NOT NULL,
    summary_html TEXT,
    PRIMARY KEY (feed, guid)
) STRICT;
"#,
];

/// The schema the first [`SCHEMA_VERSION`] migrations build, written out whole: a new state is
/// made with it at once and then the migrations after it, not migration by migration
/// (seventeen `ALTER TABLE`s, each parsing the schema again, were most of a first `once`'s
/// work). A test checks that both ways give the same tables, columns, keys and indexes.
const SCHEMA_VERSION: usize = 6;
const SCHEMA: &str = r#"
CREATE TABLE feed (
    id            TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    good_items    INTEGER,
    good_links    INTEGER,
    title         TEXT,
    page          TEXT,
    pending       INTEGER NOT NULL DEFAULT 0,
    coverage      TEXT,
    last_poll     INTEGER,
    result        TEXT,
    items         INTEGER,
    new_items     INTEGER,
    took_ms       INTEGER,
    failures      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    last_error_at INTEGER,
    last_success  INTEGER,
    next_poll     INTEGER,
    generation    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE item (
    feed         TEXT NOT NULL,
    guid         TEXT NOT NULL,
    title        TEXT NOT NULL,
    link         TEXT,
    summary      TEXT NOT NULL,
    author       TEXT,
    categories   TEXT NOT NULL,
    first_seen   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    ev_earliest  INTEGER,
    ev_latest    INTEGER,
    pin_earliest INTEGER NOT NULL,
    pin_latest   INTEGER NOT NULL,
    published    INTEGER NOT NULL,
    summary_html TEXT,
    PRIMARY KEY (feed, guid)
) STRICT;
"#;

#[derive(Debug, thiserror::Error)]
pub enum StateError {
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

/// What the state holds about one item: what to show and when it was published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredItem {
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

/// What a feed's files are rendered with besides its items, kept so that files a crash left
/// behind can be written again without the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub title: String,
    pub page: Url,
}

/// What the last good poll of a feed found on the page, for selector health.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoodPoll {
    pub items: usize,
    /// Items that had a link.
    pub links: usize,
}

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

/// A feed's health as the state holds it: its last poll, failures, next poll.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Health {
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
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Open (creating if need be) the database in `dir`, migrating it to the current schema.
    pub fn open(dir: &Path) -> Result<Store, StateError> {
        let path = dir.join(FILE_NAME);
        std::fs::create_dir_all(dir).map_err(|e| StateError::Open {
            path: path.clone(),
            source: Box::new(e),
        })?;
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
        let known = MIGRATIONS.len() as i64;
        // A state of this schema needs nothing more, and no write lock: a poll that only
        // reads does not wait for another poll's commit.
        let current: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        if current == known {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StateError::Sql {
                path: self.path.clone(),
                source: e,
            })?;
        let found: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| StateError::Sql {
                path: self.path.clone(),
                source: e,
            })?;
        if found > known {
            return Err(StateError::TooNew {
                path: self.path.clone(),
                found,
                known,
            });
        }
        if found == 0 {
            // A version-0 file must be empty: anything else was not made by pagefeed.
            let tables: i64 = tx
                .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
                .map_err(|e| StateError::Sql {
                    path: self.path.clone(),
                    source: e,
                })?;
            if tables > 0 {
                return Err(StateError::Corrupt {
                    path: self.path.clone(),
                    detail: "it holds tables but no pagefeed schema version".into(),
                });
            }
        }
        let sql = |e| StateError::Sql {
            path: self.path.clone(),
            source: e,
        };
        let mut from = found as usize;
        if from == 0 {
            tx.execute_batch(SCHEMA)
                .and_then(|()| tx.pragma_update(None, "user_version", SCHEMA_VERSION as i64))
                .map_err(sql)?;
            from = SCHEMA_VERSION;
        }
        for (n, step) in MIGRATIONS.iter().enumerate().skip(from) {
            tx.execute_batch(step)
                .and_then(|()| tx.pragma_update(None, "user_version", n as i64 + 1))
                .map_err(sql)?;
        }
        tx.commit().map_err(|e| StateError::Sql {
            path: self.path.clone(),
            source: e,
        })
    }

    /// The items kept for `feed`, read without writing anything (for `preview`): none when
    /// there is no state yet.
    pub fn peek(dir: &Path, feed: &str) -> Result<Vec<StoredItem>, StateError> {
        match Store::reader(dir)? {
            Some((mut store, _)) => store.with_read(|poll| poll.items(feed)),
            None => Ok(Vec::new()),
        }
    }

    /// The followed items of `feed`, read without writing anything (for `preview`): none
    /// when there is no state yet, or one older than following.
    pub fn peek_followed(dir: &Path, feed: &str) -> Result<Vec<Followed>, StateError> {
        match Store::reader(dir)? {
            Some((mut store, version)) if version == MIGRATIONS.len() as i64 => {
                store.with_read(|poll| poll.followed(feed))
            }
            _ => Ok(Vec::new()),
        }
    }

    /// The items of `feed` held back to settle, read without writing anything (for
    /// `preview`): none when there is no state yet, or one older than settling.
    pub fn peek_held(dir: &Path, feed: &str) -> Result<Vec<StoredItem>, StateError> {
        match Store::reader(dir)? {
            Some((mut store, _)) => store.with_read(|poll| poll.held(feed)),
            None => Ok(Vec::new()),
        }
    }

    /// Every feed's health, read without writing anything: empty when there is no state yet.
    pub fn peek_health(dir: &Path) -> Result<Vec<Health>, StateError> {
        match Store::reader(dir)? {
            // An older schema holds no health yet: the next poll migrates it.
            Some((mut store, version)) if version == MIGRATIONS.len() as i64 => {
                store.with_read(|poll| poll.health())
            }
            _ => Ok(Vec::new()),
        }
    }

    /// Note how a poll of `feed` went: one small write, outside any poll's transaction.
    pub fn note_poll(dir: &Path, feed: &str, note: &PollNote) -> Result<(), StateError> {
        let mut store = Store::open(dir)?;
        let tx = store.begin_light()?;
        tx.note_poll(feed, note)?;
        tx.commit()
    }

    fn with_read<T>(
        &mut self,
        f: impl FnOnce(&Poll<'_>) -> Result<T, StateError>,
    ) -> Result<T, StateError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(|e| classify(&path, e))?;
        f(&Poll::new(tx, path))
    }

    /// A read-only connection to the state in `dir` and its schema version (never newer than
    /// this pagefeed's); `None` where there is no state (yet).
    fn reader(dir: &Path) -> Result<Option<(Store, i64)>, StateError> {
        let path = dir.join(FILE_NAME);
        if !path.exists() {
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
        let known = MIGRATIONS.len() as i64;
        if found > known {
            return Err(StateError::TooNew {
                path: store.path.clone(),
                found,
                known,
            });
        }
        if found == 0 {
            return Ok(None);
        }
        Ok(Some((store, found)))
    }

    /// Start a poll: a write transaction that holds the state until committed or dropped, and
    /// whose commit is durable once it returns.
    pub fn begin(&mut self) -> Result<Poll<'_>, StateError> {
        self.synchronous("FULL")?;
        self.transaction(TransactionBehavior::Immediate)
    }

    /// A write transaction, as [`Store::begin`], whose commit does not wait for the disk
    /// (`synchronous = NORMAL`), for what a power loss may take back without harm: that a
    /// feed's files were written ([`Poll::files_written`]; lost, the files stay marked
    /// pending, and the next poll finds them written and clears the mark again) and how a
    /// poll went ([`Poll::note_poll`]). A crash of pagefeed alone loses nothing, and the next
    /// durable commit makes it durable too.
    pub fn begin_light(&mut self) -> Result<Poll<'_>, StateError> {
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
    pub fn read(&mut self) -> Result<Poll<'_>, StateError> {
        self.transaction(TransactionBehavior::Deferred)
    }

    fn transaction(&mut self, behavior: TransactionBehavior) -> Result<Poll<'_>, StateError> {
        let path = self.path.clone();
        match self.conn.transaction_with_behavior(behavior) {
            Ok(tx) => Ok(Poll::new(tx, path)),
            Err(e) => Err(classify(&path, e)),
        }
    }
}

/// One poll's view of the state; nothing it saves is seen by others before [`Poll::commit`].
pub struct Poll<'a> {
    tx: rusqlite::Transaction<'a>,
    path: PathBuf,
    /// The item rows [`Poll::items`] read last, while nothing has written items since: what
    /// [`Poll::save_items`] compares with to write only the rows that change.
    read: RefCell<Option<ReadItems>>,
}

/// One feed's item rows as read: by guid, the row's id and the item.
struct ReadItems {
    feed: String,
    rows: HashMap<String, (i64, StoredItem)>,
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

/// An item's columns after its key (feed and guid, or rowid), in the order of the item
/// table's INSERT and UPDATE statements.
fn columns(item: &StoredItem) -> [Value; 13] {
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
fn item_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredItem> {
    let link: Option<String> = r.get(2)?;
    let categories: String = r.get(5)?;
    let evidence = match (r.get::<_, Option<i64>>(8)?, r.get::<_, Option<i64>>(9)?) {
        (Some(a), Some(b)) => Some(interval(a, b)?),
        _ => None,
    };
    Ok(StoredItem {
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

/// A column value that does not read as what pagefeed writes there.
fn damaged(column: usize, why: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, why.into())
}

fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// An item's categories as the `categories` column holds them (JSON).
fn categories(item: &StoredItem) -> String {
    serde_json::to_string(&item.categories).unwrap_or_else(|_| "[]".into())
}

fn time(s: i64) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::from_timestamp(s, 0).ok_or(rusqlite::Error::IntegralValueOutOfRange(0, s))
}

fn interval(earliest: i64, latest: i64) -> rusqlite::Result<Interval> {
    Interval::new(time(earliest)?, time(latest)?)
        .ok_or(rusqlite::Error::IntegralValueOutOfRange(0, earliest))
}

/// A followed row's columns after its feed, in the order of its INSERT.
fn followed_columns(row: &Followed) -> [Value; 24] {
    let text = |t: Option<&str>| t.map_or(Value::Null, |t| Value::from(t.to_string()));
    let at = |t: Option<DateTime<Utc>>| t.map_or(Value::Null, |t| Value::from(secs(t)));
    let page = row.page.as_ref();
    let stamp = |s: Option<&PageStamp>| {
        [
            at(s.map(|s| s.interval.earliest)),
            at(s.map(|s| s.interval.latest)),
            at(s.map(|s| s.point)),
            text(s.map(|s| s.text.as_str())),
            text(s.map(|s| s.origin.as_str())),
        ]
    };
    let [pe, pl, pp, pt, po] = stamp(page.and_then(|p| p.published.as_ref()));
    let [me, ml, mp, mt, mo] = stamp(page.and_then(|p| p.modified.as_ref()));
    let listed = row.listed.as_ref().map(|l| {
        serde_json::json!({
            "title": l.title,
            "link": l.link.as_ref().map(Url::as_str),
            "summary": l.summary,
            "summary_html": l.summary_html,
            "author": l.author,
            "categories": l.categories,
        })
        .to_string()
    });
    [
        Value::from(row.guid.clone()),
        Value::from(row.link.as_str().to_string()),
        Value::from(row.status.name().to_string()),
        Value::from(i64::from(row.tries)),
        at(row.next_try),
        Value::from(secs(row.first_listed)),
        at(row.fetched_at),
        text(row.error.as_deref()),
        pe,
        pl,
        pp,
        pt,
        po,
        me,
        ml,
        mp,
        mt,
        mo,
        page.map_or(Value::Null, |p| {
            Value::from(serde_json::to_string(&p.authors).unwrap_or_else(|_| "[]".into()))
        }),
        text(page.and_then(|p| p.image.as_ref()).map(Url::as_str)),
        text(page.and_then(|p| p.canonical.as_ref()).map(Url::as_str)),
        text(page.and_then(|p| p.language.as_deref())),
        text(page.and_then(|p| p.content.as_deref())),
        text(listed.as_deref()),
    ]
}

/// One followed row as [`Poll::followed_where`] selects it.
fn followed_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Followed> {
    let url = |column: usize| -> rusqlite::Result<Option<Url>> {
        r.get::<_, Option<String>>(column)?
            .map(|u| Url::parse(&u).map_err(|e| damaged(column, format!("URL {u:?}: {e}"))))
            .transpose()
    };
    let opt_time = |column: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        r.get::<_, Option<i64>>(column)?.map(time).transpose()
    };
    let stamp = |first: usize| -> rusqlite::Result<Option<PageStamp>> {
        match (
            r.get::<_, Option<i64>>(first)?,
            r.get::<_, Option<i64>>(first + 1)?,
            r.get::<_, Option<i64>>(first + 2)?,
        ) {
            (Some(a), Some(b), Some(p)) => Ok(Some(PageStamp {
                interval: interval(a, b)?,
                point: time(p)?,
                text: r.get::<_, Option<String>>(first + 3)?.unwrap_or_default(),
                origin: r.get::<_, Option<String>>(first + 4)?.unwrap_or_default(),
            })),
            _ => Ok(None),
        }
    };
    let status: String = r.get(2)?;
    let status =
        Status::from_name(&status).ok_or_else(|| damaged(2, format!("status {status:?}")))?;
    let link = url(1)?.ok_or_else(|| damaged(1, "no link".into()))?;
    let page = if status == Status::Read {
        let authors: Option<String> = r.get(18)?;
        let authors = match authors {
            Some(a) => {
                serde_json::from_str(&a).map_err(|e| damaged(18, format!("authors {a:?}: {e}")))?
            }
            None => Vec::new(),
        };
        Some(ItemPage {
            published: stamp(8)?,
            modified: stamp(13)?,
            authors,
            image: url(19)?,
            canonical: url(20)?,
            language: r.get(21)?,
            content: r.get(22)?,
        })
    } else {
        None
    };
    let listed: Option<String> = r.get(23)?;
    let listed = listed
        .map(|l| listed_from_json(&l).ok_or_else(|| damaged(23, format!("listed {l:?}"))))
        .transpose()?;
    Ok(Followed {
        guid: r.get(0)?,
        link,
        status,
        tries: u32::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
        next_try: opt_time(4)?,
        first_listed: time(r.get(5)?)?,
        fetched_at: opt_time(6)?,
        error: r.get(7)?,
        page,
        listed,
    })
}

fn listed_from_json(text: &str) -> Option<Listed> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    Some(Listed {
        title: s("title")?,
        link: s("link").and_then(|l| Url::parse(&l).ok()),
        summary: s("summary")?,
        summary_html: s("summary_html"),
        author: s("author"),
        categories: v
            .get("categories")?
            .as_array()?
            .iter()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect(),
    })
}

impl<'a> Poll<'a> {
    fn new(tx: rusqlite::Transaction<'a>, path: PathBuf) -> Poll<'a> {
        Poll {
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

    /// Whether the state has `table` (`preview` reads a state of an older schema as it is).
    fn has_table(&self, table: &str) -> Result<bool, StateError> {
        self.tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = ?1)",
                [table],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Every item kept for `feed`, newest published first.
    pub fn items(&self, feed: &str) -> Result<Vec<StoredItem>, StateError> {
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

    /// Replace every item of `feed` with `items` (newest published first, as [`Poll::items`]
    /// returns them).
    ///
    /// Where the feed's items were read in this transaction (a poll reads them first), only
    /// the rows that change are written: rows of items no longer kept are deleted, changed
    /// ones updated in place, new ones inserted. [`Poll::items`] returns items that share a
    /// published time in the order of their rows; where a kept row would come out of the
    /// order of `items`, that time's rows are written afresh, in order.
    pub fn save_items(&self, feed: &str, items: &[StoredItem]) -> Result<(), StateError> {
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

    fn insert_item(&self, feed: &str, item: &StoredItem) -> Result<(), StateError> {
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
    fn update_item(&self, rowid: i64, item: &StoredItem) -> Result<(), StateError> {
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

    /// The items of `feed` held back to settle (`settle`): their list fields and evidence.
    pub fn held(&self, feed: &str) -> Result<Vec<StoredItem>, StateError> {
        // Nothing was held in a state older than settling.
        if !self.has_table("held")? {
            return Ok(Vec::new());
        }
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
    pub fn save_held(&self, feed: &str, held: &[StoredItem]) -> Result<(), StateError> {
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

    /// The guids of the items kept for `feed`.
    pub fn guids(&self, feed: &str) -> Result<std::collections::HashSet<String>, StateError> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT guid FROM item WHERE feed = ?1")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([feed], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// What the read item pages of `feed` said, by guid.
    fn pages(&self, feed: &str) -> Result<HashMap<String, ItemPage>, StateError> {
        // Nothing was followed in a state older than following.
        if !self.has_table("followed")? {
            return Ok(HashMap::new());
        }
        Ok(self
            .followed_where(feed, "AND status = 'read'")?
            .into_iter()
            .filter_map(|r| Some((r.guid, r.page?)))
            .collect())
    }

    /// Every followed item of `feed`: where its page stands and what it said.
    pub fn followed(&self, feed: &str) -> Result<Vec<Followed>, StateError> {
        self.followed_where(feed, "")
    }

    /// Whether an item page of `feed` is still due (the list is then fetched whole).
    pub fn waiting(&self, feed: &str) -> Result<bool, StateError> {
        self.tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM followed WHERE feed = ?1 AND status = 'due')",
                [feed],
                |r| r.get::<_, bool>(0),
            )
            .map_err(|e| self.err(e))
    }

    fn followed_where(&self, feed: &str, and: &str) -> Result<Vec<Followed>, StateError> {
        let mut stmt = self
            .tx
            .prepare_cached(&format!(
                "SELECT guid, link, status, tries, next_try, first_listed, fetched_at, error,
                        pub_earliest, pub_latest, pub_point, pub_text, pub_origin,
                        mod_earliest, mod_latest, mod_point, mod_text, mod_origin,
                        authors, image, canonical, language, content, listed
                 FROM followed WHERE feed = ?1 {and} ORDER BY rowid"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([feed], followed_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.row_err(feed, "followed", e))
    }

    /// Write the followed rows that changed and delete the ones that go.
    pub fn save_followed(
        &self,
        feed: &str,
        save: &[Followed],
        gone: &[String],
    ) -> Result<(), StateError> {
        let mut delete = self
            .tx
            .prepare_cached("DELETE FROM followed WHERE feed = ?1 AND guid = ?2")
            .map_err(|e| self.err(e))?;
        for guid in gone {
            delete.execute([feed, guid]).map_err(|e| self.err(e))?;
        }
        let mut upsert = self
            .tx
            .prepare_cached(
                "INSERT OR REPLACE INTO followed (feed, guid, link, status, tries, next_try,
                    first_listed, fetched_at, error, pub_earliest, pub_latest, pub_point,
                    pub_text, pub_origin, mod_earliest, mod_latest, mod_point, mod_text,
                    mod_origin, authors, image, canonical, language, content, listed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
            )
            .map_err(|e| self.err(e))?;
        for row in save {
            let key = [Value::from(feed.to_string())];
            upsert
                .execute(params_from_iter(
                    key.into_iter().chain(followed_columns(row)),
                ))
                .map_err(|e| self.err(e))?;
        }
        Ok(())
    }

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

    /// The item and link counts of the feed's last good poll, where it has had one.
    pub fn last_good(&self, feed: &str) -> Result<Option<GoodPoll>, StateError> {
        self.tx
            .query_row(
                "SELECT good_items, good_links FROM feed WHERE id = ?1",
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
                "INSERT INTO feed (id, good_items, good_links) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET good_items = excluded.good_items, good_links = excluded.good_links",
                params![feed, good.items as i64, good.links as i64],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// The selector coverage last reported for `feed` (see `extract::Coverage::key`); empty
    /// where none was, or every configured field matched every item.
    pub fn coverage(&self, feed: &str) -> Result<String, StateError> {
        self.tx
            .query_row("SELECT coverage FROM feed WHERE id = ?1", [feed], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()
            .map(|c| c.flatten().unwrap_or_default())
            .map_err(|e| self.err(e))
    }

    pub fn save_coverage(&self, feed: &str, coverage: &str) -> Result<(), StateError> {
        self.tx
            .execute(
                "INSERT INTO feed (id, coverage) VALUES (?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET coverage = excluded.coverage",
                params![feed, coverage],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// How many times polls have committed a change to the feed's items, last good poll or
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
    /// until [`Poll::files_written`] commits, the files may be behind the state.
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

    /// Note how a poll of `feed` went (see [`PollNote`]): failures in a row count up on a
    /// failure and start over at a success; the last error stays until the next one.
    pub fn note_poll(&self, feed: &str, n: &PollNote) -> Result<(), StateError> {
        self.tx
            .execute(
                "INSERT INTO feed (id, last_poll, result, items, new_items, took_ms, failures,
                    last_error, last_error_at, last_success, next_poll)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (id) DO UPDATE SET
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

    /// Every feed the state knows, with its health, by id.
    pub fn health(&self) -> Result<Vec<Health>, StateError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT id, title, page, last_poll, result, items, new_items, took_ms, failures,
                        last_error, last_error_at, last_success, next_poll, good_items, good_links,
                        (SELECT count(*) FROM followed WHERE feed = id AND status = 'due'),
                        (SELECT count(*) FROM followed WHERE feed = id AND status = 'read'),
                        (SELECT count(*) FROM followed WHERE feed = id AND status = 'given up'),
                        (SELECT count(*) FROM held WHERE feed = id)
                 FROM feed ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let opt_time = |v: Option<i64>| v.and_then(|s| DateTime::from_timestamp(s, 0));
        let count = |v: Option<i64>| v.and_then(|n| u64::try_from(n).ok());
        let rows = stmt
            .query_map([], |r| {
                Ok(Health {
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
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    pub fn commit(self) -> Result<(), StateError> {
        let path = self.path;
        self.tx.commit().map_err(|e| classify(&path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn item(guid: &str, published: i64) -> StoredItem {
        let t = Utc.timestamp_opt(published, 0).single().expect("time");
        let pinned = Interval::new(t - chrono::Duration::hours(1), t).expect("interval");
        StoredItem {
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

    /// Everything a schema defines, as SQLite describes it: per table its columns (name,
    /// type, not null, default, key position), indexes and foreign keys, and the version.
    fn describe(conn: &Connection) -> Vec<String> {
        let mut out = Vec::new();
        let mut tables = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .expect("tables");
        let names: Vec<String> = tables
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("names");
        for t in names {
            let strict: String = conn
                .query_row("SELECT sql FROM sqlite_master WHERE name = ?1", [&t], |r| {
                    r.get(0)
                })
                .expect("sql");
            out.push(format!(
                "{t} strict={}",
                strict.trim_end().ends_with("STRICT")
            ));
            for pragma in ["table_xinfo", "index_list", "foreign_key_list"] {
                let mut stmt = conn
                    .prepare(&format!("SELECT * FROM pragma_{pragma}(?1)"))
                    .expect("pragma");
                let n = stmt.column_count();
                let rows = stmt
                    .query_map([&t], |r| {
                        let cells: Vec<String> = (0..n)
                            .map(|i| format!("{:?}", r.get::<_, Value>(i)))
                            .collect();
                        Ok(cells.join("|"))
                    })
                    .expect("rows");
                for row in rows {
                    out.push(format!("{t} {pragma}: {}", row.expect("row")));
                }
            }
        }
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        out.push(format!("version {version}"));
        out
    }

    /// A new state made from the written-out schema is the state every migration in turn
    /// makes: same tables, columns, types, defaults, keys, indexes and version.
    #[test]
    fn the_written_out_schema_is_what_the_migrations_build() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let fresh = describe(&store.conn);
        let stepwise = Connection::open_in_memory().expect("memory");
        for (n, step) in MIGRATIONS.iter().enumerate() {
            stepwise.execute_batch(step).expect("migration");
            stepwise
                .pragma_update(None, "user_version", n as i64 + 1)
                .expect("version");
        }
        assert_eq!(fresh, describe(&stepwise));
        assert!(fresh.len() > 40, "{fresh:#?}");
    }

    /// A followed row round-trips whole; a read one gives its item its page; rows go.
    #[test]
    fn followed_rows_round_trip_and_give_items_their_pages() {
        use crate::follow::{Followed, ItemPage, Listed, PageStamp, Status};
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(dir.path()).expect("open");
        let t = Utc.timestamp_opt(2_000_000_000, 0).single().expect("time");
        let stamp = PageStamp {
            interval: Interval::at(t),
            point: t,
            text: "2033-05-18T03:33:20Z".into(),
            origin: "json-ld".into(),
        };
        let read = Followed {
            guid: "a".into(),
            link: Url::parse("https://s.example/a").expect("url"),
            status: Status::Read,
            tries: 1,
            next_try: None,
            first_listed: t,
            fetched_at: Some(t),
            error: Some("HTTP 503".into()),
            page: Some(ItemPage {
                published: Some(stamp.clone()),
                modified: Some(stamp),
                authors: vec!["Ann".into(), "Bo".into()],
                image: Url::parse("https://img.example/a.jpg").ok(),
                canonical: Url::parse("https://s.example/a?c").ok(),
                language: Some("nl".into()),
                content: Some("<p>text</p>".into()),
            }),
            listed: None,
        };
        let due = Followed {
            guid: "b".into(),
            link: Url::parse("https://s.example/b").expect("url"),
            status: Status::Due,
            tries: 2,
            next_try: Some(t),
            first_listed: t,
            fetched_at: None,
            error: None,
            page: None,
            listed: Some(Listed {
                title: "B".into(),
                link: Url::parse("https://s.example/b").ok(),
                summary: "s".into(),
                summary_html: None,
                author: Some("X".into()),
                categories: vec!["c".into()],
            }),
        };
        {
            let poll = store.begin().expect("begin");
            poll.save_items("f", &[item("a", 2_000_000_000)])
                .expect("save");
            poll.save_followed("f", &[read.clone(), due.clone()], &[])
                .expect("save");
            poll.commit().expect("commit");
        }
        let poll = store.begin().expect("begin");
        assert_eq!(poll.followed("f").expect("rows"), vec![read.clone(), due]);
        assert!(poll.waiting("f").expect("waiting"));
        assert_eq!(poll.items("f").expect("items")[0].page, read.page);
        poll.save_followed("f", &[], &["b".to_string()])
            .expect("save");
        assert_eq!(poll.followed("f").expect("rows"), vec![read]);
        assert!(!poll.waiting("f").expect("waiting"));
    }

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
        let mut poll_with = |next: &[StoredItem]| {
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
    fn the_reported_coverage_is_kept_per_feed_and_a_version_3_state_gains_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let conn = Connection::open(dir.path().join(FILE_NAME)).expect("open");
            for step in &MIGRATIONS[..3] {
                conn.execute_batch(step).expect("old schema");
            }
            conn.pragma_update(None, "user_version", 3).expect("pragma");
            conn.execute("INSERT INTO feed (id, etag) VALUES ('f', 'x')", [])
                .expect("old feed");
        }
        let mut store = Store::open(dir.path()).expect("migrates");
        let poll = store.begin().expect("begin");
        assert_eq!(poll.coverage("f").expect("coverage"), "");
        assert_eq!(poll.coverage("new").expect("coverage"), "");
        poll.save_coverage("f", "title:none").expect("save");
        poll.save_coverage("new", "date:some").expect("save");
        poll.commit().expect("commit");
        let poll = store.begin().expect("begin");
        assert_eq!(poll.coverage("f").expect("coverage"), "title:none");
        assert_eq!(poll.coverage("new").expect("coverage"), "date:some");
        assert_eq!(
            poll.validators("f").expect("validators").etag.as_deref(),
            Some("x")
        );
    }

    #[test]
    fn a_version_2_state_gains_the_summary_markup_column_and_keeps_its_items() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let conn = Connection::open(dir.path().join(FILE_NAME)).expect("open");
            for step in &MIGRATIONS[..2] {
                conn.execute_batch(step).expect("old schema");
            }
            conn.pragma_update(None, "user_version", 2).expect("pragma");
            conn.execute(
                "INSERT INTO item (feed, guid, title, link, summary, author, categories,
                    first_seen, last_seen, ev_earliest, ev_latest, pin_earliest, pin_latest, published)
                 VALUES ('f', 'a', 'title a', 'https://s.example/a', 's', 'ANP', '[\"A\",\"B\"]',
                    2000000000, 2000000000, 1999996400, 2000000000, 1999996400, 2000000000, 2000000000)",
                [],
            )
            .expect("old item");
        }
        let mut store = Store::open(dir.path()).expect("migrates");
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, MIGRATIONS.len() as i64);
        let poll = store.begin().expect("begin");
        let old = item("a", 2_000_000_000);
        let expected = StoredItem {
            summary_html: None,
            ..old.clone()
        };
        assert_eq!(poll.items("f").expect("items"), vec![expected]);
        poll.save_items("f", std::slice::from_ref(&old))
            .expect("save");
        assert_eq!(poll.items("f").expect("items"), vec![old]);
    }

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

    #[test]
    fn a_poll_note_counts_failures_in_a_row_and_keeps_the_last_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(Store::peek_health(dir.path()).expect("none yet"), vec![]);
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
        let h = Store::peek_health(dir.path()).expect("health");
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
        let a = &Store::peek_health(dir.path()).expect("health")[0];
        assert_eq!((a.failures, a.items, a.new), (0, Some(7), Some(2)));
        assert_eq!(a.last_error_at, Some(t(120)), "the last error stays");
        assert_eq!(a.last_success, Some(t(180)));
    }
}
