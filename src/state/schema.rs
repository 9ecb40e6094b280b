//! The state's schema: the migrations from each version to the next, the current schema
//! written out whole for a new file, and bringing a file up to date. The version is SQLite's
//! `user_version`: older files are migrated, newer ones refused, foreign ones refused.

use super::{FILE_NAME as FILE, StateError};
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// Each entry migrates the schema from the version before it; the schema version is the
/// number of entries.
pub(super) const MIGRATIONS: &[&str] = &[
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
    // The feed row's concerns apart: `feed` keeps what its files are made with (generation,
    // validators, the rendered title and page, the pending mark); `selector_health` what the
    // last good poll found and the coverage last reported; `polls` how the last poll went.
    r#"
CREATE TABLE selector_health (
    feed       TEXT PRIMARY KEY,
    good_items INTEGER,
    good_links INTEGER,
    coverage   TEXT
) STRICT;
INSERT INTO selector_health (feed, good_items, good_links, coverage)
    SELECT id, good_items, good_links, coverage FROM feed
    WHERE good_items IS NOT NULL OR coverage IS NOT NULL;
CREATE TABLE polls (
    feed          TEXT PRIMARY KEY,
    last_poll     INTEGER NOT NULL,
    result        TEXT NOT NULL,
    items         INTEGER,
    new_items     INTEGER NOT NULL,
    took_ms       INTEGER NOT NULL,
    failures      INTEGER NOT NULL,
    last_error    TEXT,
    last_error_at INTEGER,
    last_success  INTEGER,
    next_poll     INTEGER
) STRICT;
INSERT INTO polls (feed, last_poll, result, items, new_items, took_ms, failures, last_error,
        last_error_at, last_success, next_poll)
    SELECT id, last_poll, coalesce(result, ''), items, coalesce(new_items, 0),
        coalesce(took_ms, 0), failures, last_error, last_error_at, last_success, next_poll
    FROM feed WHERE last_poll IS NOT NULL;
ALTER TABLE feed DROP COLUMN good_items;
ALTER TABLE feed DROP COLUMN good_links;
ALTER TABLE feed DROP COLUMN coverage;
ALTER TABLE feed DROP COLUMN last_poll;
ALTER TABLE feed DROP COLUMN result;
ALTER TABLE feed DROP COLUMN items;
ALTER TABLE feed DROP COLUMN new_items;
ALTER TABLE feed DROP COLUMN took_ms;
ALTER TABLE feed DROP COLUMN failures;
ALTER TABLE feed DROP COLUMN last_error;
ALTER TABLE feed DROP COLUMN last_error_at;
ALTER TABLE feed DROP COLUMN last_success;
ALTER TABLE feed DROP COLUMN next_poll;
"#,
    // What the last page showed of each field and how its dates read (`selector_health`'s
    // report, as JSON): the status page and `status` show it.
    r#"
ALTER TABLE selector_health ADD COLUMN report TEXT;
"#,
];

/// The schema every migration builds, written out whole: a new state is made with it at once,
/// not migration by migration (a first `once` would otherwise spend most of its work parsing
/// the schema again at each `ALTER TABLE`). A test checks that both ways give the same tables,
/// columns, keys and indexes.
const SCHEMA: &str = r#"
CREATE TABLE feed (
    id            TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    title         TEXT,
    page          TEXT,
    pending       INTEGER NOT NULL DEFAULT 0,
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
CREATE TABLE selector_health (
    feed       TEXT PRIMARY KEY,
    good_items INTEGER,
    good_links INTEGER,
    coverage   TEXT,
    report     TEXT
) STRICT;
CREATE TABLE polls (
    feed          TEXT PRIMARY KEY,
    last_poll     INTEGER NOT NULL,
    result        TEXT NOT NULL,
    items         INTEGER,
    new_items     INTEGER NOT NULL,
    took_ms       INTEGER NOT NULL,
    failures      INTEGER NOT NULL,
    last_error    TEXT,
    last_error_at INTEGER,
    last_success  INTEGER,
    next_poll     INTEGER
) STRICT;
"#;

/// The schema version this pagefeed writes: the number of migrations.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Make a new state at `path` (in `dir`): the whole schema in a file of its own, then put in
/// place only where no state is there yet, so that the state file is never seen half made
/// (nor empty) and two processes starting on one new state end up with the same one.
pub(super) fn create(dir: &Path, path: &Path) -> Result<(), StateError> {
    let unique = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let new = dir.join(format!(".{FILE}.new-{}-{unique}", std::process::id()));
    let made = (|| {
        let conn = Connection::open(&new)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.execute_batch(SCHEMA)?;
        conn.pragma_update(None, "user_version", VERSION)?;
        // Closing checkpoints the log into the file and removes it: the file is whole.
        conn.close().map_err(|(_, e)| e)
    })();
    let result = match made {
        Ok(()) => match std::fs::hard_link(&new, path) {
            Ok(()) => Ok(()),
            // Another process made it first: that state is the state.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(StateError::Open {
                path: path.to_path_buf(),
                source: Box::new(e),
            }),
        },
        Err(e) => Err(StateError::Sql {
            path: new.clone(),
            source: e,
        }),
    };
    for side in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", new.display()));
    }
    result
}

/// Bring the database at `path` (open on `conn`) to [`VERSION`]: a new, empty file gets the
/// whole schema at once, an older one each migration after its version, in one transaction.
/// A newer file, or a version-0 file that holds tables, is refused.
pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StateError> {
    let sql = |e| StateError::Sql {
        path: path.to_path_buf(),
        source: e,
    };
    // A state of this schema needs nothing more, and no write lock: a poll that only reads
    // does not wait for another poll's commit.
    let current: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| super::classify(path, e))?;
    if current == VERSION {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql)?;
    let found: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(sql)?;
    if found > VERSION {
        return Err(StateError::TooNew {
            path: path.to_path_buf(),
            found,
            known: VERSION,
        });
    }
    if found == 0 {
        // A version-0 file must be empty: anything else was not made by pagefeed.
        let tables: i64 = tx
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(sql)?;
        if tables > 0 {
            return Err(StateError::Corrupt {
                path: path.to_path_buf(),
                detail: "it holds tables but no pagefeed schema version".into(),
            });
        }
        tx.execute_batch(SCHEMA)
            .and_then(|()| tx.pragma_update(None, "user_version", VERSION))
            .map_err(sql)?;
    } else {
        for (n, step) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            tx.execute_batch(step)
                .and_then(|()| tx.pragma_update(None, "user_version", n as i64 + 1))
                .map_err(sql)?;
        }
    }
    tx.commit().map_err(sql)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::FeedItem;
    use crate::state::testing::item;
    use crate::state::{FILE_NAME, Store};
    use rusqlite::types::Value;

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
        let expected = FeedItem {
            summary_html: None,
            ..old.clone()
        };
        assert_eq!(poll.items("f").expect("items"), vec![expected]);
        poll.save_items("f", std::slice::from_ref(&old))
            .expect("save");
        assert_eq!(poll.items("f").expect("items"), vec![old]);
    }

    /// A version-8 state, whose `feed` row held every concern, keeps each in its own table.
    #[test]
    fn a_version_8_state_keeps_its_polls_and_selector_health_in_their_tables() {
        use chrono::{TimeZone, Utc};
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let conn = Connection::open(dir.path().join(FILE_NAME)).expect("open");
            for step in &MIGRATIONS[..8] {
                conn.execute_batch(step).expect("old schema");
            }
            conn.pragma_update(None, "user_version", 8).expect("pragma");
            conn.execute_batch(
                "INSERT INTO feed (id, etag, last_modified, good_items, good_links, title, page,
                    pending, coverage, last_poll, result, items, new_items, took_ms, failures,
                    last_error, last_error_at, last_success, next_poll, generation)
                 VALUES ('f', '\"e\"', NULL, 7, 6, 'F', 'https://s.example/', 0, 'title:none',
                    2000000060, 'HTTP 503', 7, 0, 12, 2, 'boom', 2000000060, 2000000000,
                    2000000660, 5);
                 INSERT INTO feed (id, etag, generation) VALUES ('quiet', NULL, 1);",
            )
            .expect("old feed");
        }
        let mut store = Store::open(dir.path()).expect("migrates");
        let tx = store.read().expect("read");
        assert_eq!(tx.generation("f").expect("generation"), 5);
        assert_eq!(
            tx.validators("f").expect("validators").etag.as_deref(),
            Some("\"e\"")
        );
        assert_eq!(
            tx.last_good("f").expect("good"),
            Some(crate::state::GoodPoll { items: 7, links: 6 })
        );
        assert_eq!(tx.coverage("f").expect("coverage"), "title:none");
        assert_eq!(tx.last_good("quiet").expect("good"), None);
        let standings = tx.standings().expect("standings");
        let ids: Vec<&str> = standings.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["f", "quiet"]);
        let f = &standings[0];
        let t = |s| Utc.timestamp_opt(s, 0).single().expect("time");
        assert_eq!(f.title.as_deref(), Some("F"));
        assert_eq!(f.result.as_deref(), Some("HTTP 503"));
        assert_eq!((f.items, f.failures, f.took_ms), (Some(7), 2, Some(12)));
        assert_eq!(f.last_poll, Some(t(2_000_000_060)));
        assert_eq!(f.last_success, Some(t(2_000_000_000)));
        assert_eq!(f.next_poll, Some(t(2_000_000_660)));
        assert_eq!(f.last_error.as_deref(), Some("boom"));
        assert_eq!((f.good_items, f.good_links), (Some(7), Some(6)));
        assert_eq!(standings[1].last_poll, None, "never polled");
    }
}
