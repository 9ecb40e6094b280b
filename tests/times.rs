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

/// The clock, in whole minutes, as an HTTP date: a server's Date that pagefeed believes.
fn http_now(offset: chrono::TimeDelta) -> (chrono::DateTime<chrono::Utc>, String) {
    use chrono::{DurationRound, Utc};
    let t = (Utc::now() + offset)
        .duration_trunc(chrono::TimeDelta::minutes(1))
        .expect("truncates");
    (t, t.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
}

#[test]
fn the_http_date_header_less_age_is_the_fetch_moment() {
    // Rendered a few minutes ago; a cache has held it for 60 seconds.
    let (date, header) = http_now(chrono::TimeDelta::minutes(-3));
    let server = Server::start(move |_| {
        Response::html(seed_page())
            .header("Date", &header)
            .header("Age", "60")
    });
    let ws = Workspace::new();
    ws.config(&seed_config(&server.url("/")));
    let out = ws.run(&["once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // "18 minuten geleden", counted from the Date less the Age: the middle of that minute.
    let expected = date - chrono::TimeDelta::seconds(60 + 30) - chrono::TimeDelta::minutes(18);
    assert_eq!(first_pub_date(&ws).to_rfc3339(), expected.to_rfc3339());
}

/// A Date or Age far from the local clock is not believed: the clock is the fetch moment,
/// and a warning names the header's value.
#[test]
fn a_date_or_age_far_from_the_clock_is_not_believed() {
    for (date, age) in [
        ("Fri, 31 Dec 2100 12:00:00 GMT".to_string(), None),
        (http_now(chrono::TimeDelta::zero()).1, Some("86400000")),
        (http_now(chrono::TimeDelta::zero()).1, Some("999999999999")),
        (http_now(chrono::TimeDelta::hours(-5)).1, None),
    ] {
        let server = Server::start(move |_| {
            let r = Response::html(seed_page()).header("Date", &date);
            match age {
                Some(a) => r.header("Age", a),
                None => r,
            }
        });
        let ws = Workspace::new();
        ws.config(&seed_config(&server.url("/")));
        let before = chrono::Utc::now();
        let out = ws.run(&["once"]);
        let after = chrono::Utc::now();
        assert!(out.status.success(), "{}", stderr(&out));
        let published = first_pub_date(&ws).with_timezone(&chrono::Utc);
        let minutes = chrono::TimeDelta::minutes(18);
        assert!(
            // A believable Date (the clock in whole minutes) with an absurd Age: the Date alone.
            // Published in the middle of the minute "18 minuten geleden" names: 30 s earlier.
            published >= before - minutes - chrono::TimeDelta::seconds(61 + 30)
                && published <= after - minutes + chrono::TimeDelta::seconds(2),
            "18 minutes before the clock, not the header: {published} ({})",
            stderr(&out)
        );
    }
}

#[test]
fn now_overrides_the_date_header() {
    let server = Server::start(|_| {
        Response::html(seed_page()).header("Date", "Thu, 05 Mar 2026 12:30:00 GMT")
    });
    let ws = Workspace::new();
    ws.config(&seed_config(&server.url("/")));
    assert!(ws.run(&["once", "--now", SEED_NOW[0]]).status.success());
    // "18 minuten geleden" at 13:30 CET: the middle of (12:11, 12:12] UTC.
    assert_eq!(
        first_pub_date(&ws).to_rfc3339(),
        "2026-03-04T12:11:30+00:00"
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

/// A state file cut to nothing (a full disk, a careless copy) is refused like a damaged one,
/// never taken for a new state: the items that left the page would vanish with it.
#[test]
fn an_empty_state_file_is_refused_and_left_alone() {
    let ws = Workspace::new();
    let page = seed_dir().join("buitenland-1330.html");
    ws.config(&seed_config(&page.display().to_string()));
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    assert!(out.status.success(), "{}", stderr(&out));
    let db = ws.path("state/pagefeed.sqlite3");
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(ws.path(&format!("state/pagefeed.sqlite3{side}")));
    }
    std::fs::write(&db, b"").expect("truncate");
    let rss = std::fs::read(ws.path("feeds/buitenland.rss")).expect("rss");
    let out = ws.run(&["once", "--now", SEED_NOW[1]]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("pagefeed.sqlite3") && err.contains("empty"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).expect("read").len(), 0, "left as it was");
    assert_eq!(
        std::fs::read(ws.path("feeds/buitenland.rss")).expect("rss"),
        rss,
        "the feed is not written from an empty state"
    );
    let out = ws.run(&["status"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("empty"), "{}", stderr(&out));
}

/// A `state_dir` that is a file says so, not "File exists (os error 17)".
#[test]
fn a_state_dir_that_is_a_file_says_so() {
    let ws = Workspace::new();
    let page = seed_dir().join("buitenland-1330.html");
    ws.config(&seed_config(&page.display().to_string()));
    std::fs::write(ws.path("state"), b"a file").expect("write");
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is not a folder"), "{err}");
    assert!(!err.contains("os error 17"), "{err}");
}
