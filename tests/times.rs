//! Where the fetch moment comes from, and what happens to dates and state that cannot be
//! read: never a failed feed for a date, always a clear error for a damaged state.

mod common;

use chrono::DateTime;
use common::*;

fn seed_page() -> String {
    std::fs::read_to_string(seed_dir().join("buitenland-1330.html")).expect("seed page")
}

fn first_pub_date(ws: &Workspace) -> DateTime<chrono::FixedOffset> {
    let rss = rss::Channel::read_from(ws.read("feeds/buitenland.rss").as_bytes()).expect("RSS");
    DateTime::parse_from_rfc2822(rss.items()[0].pub_date().expect("pubDate")).expect("date")
}

#[test]
fn the_http_date_header_less_age_is_the_fetch_moment() {
    // Rendered at 13:30 CET = 12:30 UTC; a cache has held it for 60 seconds.
    let server = Server::start(|_| {
        Response::html(seed_page())
            .header("Date", "Wed, 04 Mar 2026 12:31:00 GMT")
            .header("Age", "60")
    });
    let ws = Workspace::new();
    ws.config(&seed_config(&server.url("/")));
    let out = ws.run(&["once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // "18 minuten geleden" at 13:30 CET.
    assert_eq!(
        first_pub_date(&ws).to_rfc3339(),
        "2026-03-04T12:12:00+00:00"
    );
}

#[test]
fn now_overrides_the_date_header() {
    let server = Server::start(|_| {
        Response::html(seed_page()).header("Date", "Thu, 05 Mar 2026 12:30:00 GMT")
    });
    let ws = Workspace::new();
    ws.config(&seed_config(&server.url("/")));
    assert!(ws.run(&["once", "--now", SEED_NOW[0]]).status.success());
    assert_eq!(
        first_pub_date(&ws).to_rfc3339(),
        "2026-03-04T12:12:00+00:00"
    );
}

#[test]
fn an_unreadable_date_keeps_the_first_seen_moment_and_is_logged_once() {
    let page = seed_page().replace("18 minuten geleden", "ergens deze week, denken we");
    let server = Server::start(move |_| Response::html(page.clone()));
    let ws = Workspace::new();
    ws.config(&seed_config(&server.url("/")));
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    let err = stderr(&out);
    assert!(
        out.status.success(),
        "an unreadable date never fails a feed: {err}"
    );
    let mentions: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("ergens deze week"))
        .collect();
    assert_eq!(mentions.len(), 1, "logged once: {err}");
    assert!(
        mentions[0].contains("buitenland"),
        "names the feed: {}",
        mentions[0]
    );
    // First seen at 13:30 and above an item of 13:12 in page order: published at 13:30.
    assert_eq!(
        first_pub_date(&ws).to_rfc3339(),
        "2026-03-04T12:30:00+00:00"
    );
}

#[test]
fn a_damaged_or_newer_state_is_a_clear_error_and_left_alone() {
    let ws = Workspace::new();
    let page = seed_dir().join("buitenland-1330.html");
    ws.config(&seed_config(&page.display().to_string()));
    std::fs::create_dir_all(ws.path("state")).expect("mkdir");
    let db = ws.path("state/pagefeed.sqlite3");
    let junk = b"not a database at all, but some bytes a user put here by mistake".repeat(100);
    std::fs::write(&db, &junk).expect("write");
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("pagefeed.sqlite3") && err.contains("damaged"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&db).expect("read"),
        junk,
        "never silently recreated"
    );
    assert!(!ws.path("feeds/buitenland.rss").exists());

    std::fs::remove_file(&db).expect("rm");
    {
        let conn = rusqlite::Connection::open(&db).expect("sqlite");
        conn.pragma_update(None, "user_version", 42)
            .expect("pragma");
    }
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("pagefeed.sqlite3") && err.contains("newer pagefeed"),
        "{err}"
    );
}
