//! Dates in the future: no date text puts an item more than a small margin past the moment its
//! page was fetched, and an ambiguous numeric date is not read a month ahead.

mod common;

use std::process::{Command, Output};

use chrono::DateTime;
use common::*;

fn date(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pagefeed"))
        .arg("date")
        .args(args)
        .output()
        .expect("run pagefeed")
}

/// `(earliest, latest, published)` of a text read in Amsterdam at 13:30 CET on 4 March 2026.
fn reading(text: &str, language: &str) -> (String, String, String) {
    let out = date(&[
        text,
        "--language",
        language,
        "--timezone",
        "Europe/Amsterdam",
        "--now",
        "2026-03-04T13:30:00+01:00",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{text}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let s = |k: &str| v[k].as_str().expect(k).to_string();
    (s("earliest"), s("latest"), s("published"))
}

#[test]
fn a_date_far_in_the_future_is_refused_with_the_margin_named() {
    for (text, margin) in [
        ("2199-12-31T00:00:00Z", "1 hour"),
        ("4102444800", "1 hour"),
        ("31-12-2199", "1 day"),
        ("6 maart 2026", "1 day"),
    ] {
        let out = date(&[
            text,
            "--language",
            "nl",
            "--timezone",
            "Europe/Amsterdam",
            "--now",
            "2026-03-04T13:30:00+01:00",
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{text}: {err}");
        assert!(
            err.contains(text) && err.contains(&format!("more than {margin} after the fetch")),
            "{text}: {err}"
        );
    }
}

#[test]
fn a_date_a_little_ahead_is_cut_at_the_margin() {
    // Tomorrow (5 March) has begun within a day of the fetch: the day, cut to end a day after.
    let (e, l, p) = reading("5 maart 2026", "nl");
    assert_eq!(e, "2026-03-04T23:59:59+01:00");
    assert_eq!(l, "2026-03-05T13:30:00+01:00");
    assert_eq!(p, "2026-03-05T00:00:00+01:00");
    // A minute with an offset, 59 minutes ahead: within the hour, as it is; 60 minutes
    // ahead: cut to end an hour after the fetch.
    let (e, l, p) = reading("2026-03-04T14:29+01:00", "auto");
    assert_eq!(
        (e.as_str(), l.as_str(), p.as_str()),
        (
            "2026-03-04T14:28:59+01:00",
            "2026-03-04T14:29:59+01:00",
            "2026-03-04T14:29:00+01:00"
        )
    );
    let (e, l, p) = reading("2026-03-04T13:30Z", "auto");
    assert_eq!(
        (e.as_str(), l.as_str(), p.as_str()),
        (
            "2026-03-04T14:29:59+01:00",
            "2026-03-04T14:30:00+01:00",
            "2026-03-04T14:30:00+01:00"
        )
    );
}

#[test]
fn an_ambiguous_numeric_date_is_not_read_a_month_ahead() {
    // Dutch reads 03/04/2026 as 3 April, English as 4 March: on 4 March, it is 4 March.
    for language in ["auto", "nl,en"] {
        let (e, l, p) = reading("03/04/2026", language);
        assert_eq!(e, "2026-03-03T23:59:59+01:00", "{language}");
        assert_eq!(l, "2026-03-04T13:30:00+01:00", "{language}");
        assert_eq!(p, "2026-03-04T00:00:00+01:00", "{language}");
    }
    let (_, _, p) = reading("03/04/2026 10:00", "auto");
    assert_eq!(p, "2026-03-04T10:00:00+01:00");
    // A number over 12 still decides, and a past reading in the first language stands.
    let (_, _, p) = reading("04/03/2026", "auto");
    assert_eq!(p, "2026-03-04T00:00:00+01:00");
    let (_, _, p) = reading("01/02/2026", "auto");
    assert_eq!(p, "2026-02-01T00:00:00+01:00");
}

#[test]
fn an_item_dated_2199_is_published_when_first_seen() {
    let page = r#"<html><head><title>Events</title></head><body><ul>
        <li><a href="/far">Far ahead</a> <time datetime="2199-12-31T00:00:00Z">31 Dec 2199</time></li>
        <li><a href="/past">Earlier today</a> <time datetime="2026-03-04T10:00:00Z">10:00</time></li>
        </ul></body></html>"#;
    let server = Server::start(move |_| Response::html(page));
    let ws = Workspace::new();
    ws.config(&format!(
        r#"
output_dir = "feeds"
state_dir = "state"
host_delay = "0s"
timezone = "Europe/Amsterdam"

[[feed]]
id = "events"
url = "{}"

[feed.items]
select = "li"
"#,
        server.url("/")
    ));
    let out = ws.run(&["once", "--now", "2026-03-04T13:30:00+01:00"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("2199-12-31T00:00:00Z") && err.contains("events"),
        "the refused date is logged with the feed: {err}"
    );
    let rss = rss::Channel::read_from(ws.read("feeds/events.rss").as_bytes()).expect("RSS");
    let dates: Vec<(String, String)> = rss
        .items()
        .iter()
        .map(|i| {
            let date = DateTime::parse_from_rfc2822(i.pub_date().expect("pubDate"))
                .expect("RFC 2822 date");
            (
                i.title().unwrap_or_default().to_string(),
                date.to_utc().to_rfc3339(),
            )
        })
        .collect();
    assert_eq!(
        dates,
        [
            (
                "Far ahead".to_string(),
                "2026-03-04T12:30:00+00:00".to_string()
            ),
            (
                "Earlier today".to_string(),
                "2026-03-04T10:00:00+00:00".to_string()
            ),
        ],
        "the 2199 item at the moment it was first seen, not in 2199"
    );
    let atom = ws.read("feeds/events.atom");
    assert!(!atom.contains("2199"), "{atom}");
}
