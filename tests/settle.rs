//! `settle`: new items a page dates only to the hour ("3 uur geleden") are held back until the
//! page has narrowed their time, then published once, at a time that stays; one that leaves
//! the page while held is published at the middle of what was known. Driven through `once`
//! with `--now`, one process per poll, so the state carries what is held.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, h, m, 0)
        .single()
        .expect("time")
}

/// The page at `now`: each item of `items` (guid, truth) with the Dutch relative text a
/// site shows ("zojuist", "18 minuten geleden", "3 uur geleden").
fn page(items: &[(&str, DateTime<Utc>)], now: DateTime<Utc>) -> String {
    let lis: String = items
        .iter()
        .map(|(guid, truth)| {
            let age = (now - *truth).num_seconds();
            let when = match age {
                0..60 => "zojuist".to_string(),
                60..3600 => format!("{} minuten geleden", age / 60),
                _ => format!("{} uur geleden", age / 3600),
            };
            format!(
                "<li><a href=\"/{guid}\">Bericht {guid}</a> <span class=\"t\">{when}</span></li>"
            )
        })
        .collect();
    format!("<html><head><title>Nieuws</title></head><body><ul>{lis}</ul></body></html>")
}

fn config(url: &str) -> String {
    format!(
        "output_dir = \"feeds\"\nstate_dir = \"state\"\nhost_delay = \"0s\"\ntimezone = \"Europe/Amsterdam\"\nlanguage = \"nl\"\n[[feed]]\nid = \"n\"\nurl = \"{url}\"\nrobots = false\nsettle = \"2h30m\"\n[feed.items]\nselect = \"li\"\ntitle = \"a\"\nlink = \"a\"\ndate = \"span.t\"\n"
    )
}

/// Each item of the feed by the last part of its link, with its published time.
fn published(ws: &Workspace) -> HashMap<String, DateTime<Utc>> {
    let rss = rss::Channel::read_from(ws.read("feeds/n.rss").as_bytes()).expect("RSS");
    rss.items()
        .iter()
        .map(|i| {
            let link = i.link().expect("link");
            let guid = link.rsplit('/').next().expect("guid").to_string();
            let date = DateTime::parse_from_rfc2822(i.pub_date().expect("pubDate"))
                .expect("date")
                .to_utc();
            (guid, date)
        })
        .collect()
}

#[test]
fn items_dated_to_the_hour_wait_and_are_published_once_at_a_time_that_stays() {
    // a: 20 minutes old at the first poll; b: 1 hour; c: 3 hours; d: 3 hours, and it leaves
    // the page after the second poll.
    let truths = [
        ("a", at(13, 10) + chrono::TimeDelta::seconds(20)),
        ("b", at(11, 47) + chrono::TimeDelta::seconds(40)),
        ("c", at(9, 52) + chrono::TimeDelta::seconds(10)),
        ("d", at(10, 5) + chrono::TimeDelta::seconds(30)),
    ];
    let shown: Arc<Mutex<String>> = Arc::default();
    let served = shown.clone();
    let server = Server::start(move |_| {
        Response::html(served.lock().unwrap_or_else(|e| e.into_inner()).clone())
    });
    let ws = Workspace::new();
    ws.config(&config(&server.url("/")));
    let mut first: HashMap<String, DateTime<Utc>> = HashMap::new();
    // Polls every ten minutes and some seconds, from 13:30 to 16:50.
    let mut now = at(13, 30);
    let mut polls = 0;
    while now <= at(16, 50) {
        let on_page: Vec<(&str, DateTime<Utc>)> = truths
            .iter()
            .copied()
            .filter(|(g, _)| *g != "d" || now < at(13, 50))
            .collect();
        *shown.lock().unwrap_or_else(|e| e.into_inner()) = page(&on_page, now);
        let out = ws.run(&["once", "--now", &now.to_rfc3339()]);
        assert!(out.status.success(), "{now}: {}", stderr(&out));
        let feed = published(&ws);
        if polls == 0 {
            // The first poll publishes what it knows to the minute; b and c wait.
            let mut guids: Vec<&String> = feed.keys().collect();
            guids.sort();
            assert_eq!(guids, ["a"], "{}", stderr(&out));
            assert!(stderr(&out).contains("held=3"), "{}", stderr(&out));
            let status = ws.run(&["status", "--json"]);
            let json: serde_json::Value =
                serde_json::from_slice(&status.stdout).expect("status JSON");
            assert_eq!(json[0]["settling"], 3, "{json}");
            let text = String::from_utf8_lossy(&ws.run(&["status"]).stdout).into_owned();
            assert!(
                text.contains("n: 3 new item(s) waiting for their time to settle"),
                "{text}"
            );
        }
        for (guid, t) in &feed {
            // Published once, never moved.
            let was = *first.entry(guid.clone()).or_insert(*t);
            assert_eq!(was, *t, "{guid} moved at {now}");
        }
        polls += 1;
        now += chrono::TimeDelta::seconds(607);
    }
    // Everything is published by now, each within half a poll interval of the truth (the
    // middle of evidence at most a poll interval wide, as a tick of the hour count leaves
    // it); d, which left the page, at the middle of what the two polls that saw it proved:
    // (09:40:07, 10:30].
    let feed = published(&ws);
    for (guid, truth) in truths {
        let t = feed[guid];
        let off = (t - truth).num_seconds().abs();
        if guid == "d" {
            assert_eq!(t, at(10, 5) + chrono::TimeDelta::seconds(3), "d");
        } else {
            assert!(off <= 304, "{guid}: published {t}, truth {truth}");
        }
    }
    assert!(polls > 15);
}

#[test]
fn settle_is_checked_and_turning_it_off_publishes_what_waits() {
    let ws = Workspace::new();
    ws.config(&config("http://127.0.0.1:9/").replace("2h30m", "3d"));
    let out = ws.run(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("settle") && stderr(&out).contains("out of range"),
        "{}",
        stderr(&out)
    );
    // Held at 13:30, then `settle` removed: the next poll publishes it.
    let truths = [("c", at(9, 52))];
    let server = Server::start(move |req| {
        let now = if req.path == "/later" {
            at(13, 40)
        } else {
            at(13, 30)
        };
        Response::html(page(&truths, now))
    });
    ws.config(&config(&server.url("/")));
    let out = ws.run(&["once", "--now", &at(13, 30).to_rfc3339()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(published(&ws).is_empty());
    ws.config(&config(&server.url("/later")).replace("settle = \"2h30m\"\n", ""));
    let out = ws.run(&["once", "--now", &at(13, 40).to_rfc3339()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let feed = published(&ws);
    // Within (09:40, 10:30], at its middle.
    assert_eq!(feed.get("c"), Some(&at(10, 5)), "{feed:?}");
}

/// An item held back that leaves the page is published then, and counts as new like any item
/// that enters the feed: in the poll's log line and in `status` (and so in the metrics, which
/// count from the same report).
#[test]
fn a_held_item_published_as_it_leaves_the_page_counts_as_new() {
    let shown: Arc<Mutex<String>> = Arc::default();
    let served = shown.clone();
    let server = Server::start(move |_| {
        Response::html(served.lock().unwrap_or_else(|e| e.into_inner()).clone())
    });
    let ws = Workspace::new();
    ws.config(&config(&server.url("/")));
    let truth = at(10, 5);
    let poll = |page: String, now: DateTime<Utc>| {
        *shown.lock().unwrap_or_else(|e| e.into_inner()) = page;
        let out = ws.run(&["once", "--now", &now.to_rfc3339()]);
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out)
    };
    let first = poll(page(&[("x", truth)], at(13, 30)), at(13, 30));
    assert!(first.contains("new=0"), "held, not published: {first}");
    // x leaves the page; y, dated to the minute, enters it.
    let gone = poll(page(&[("y", at(13, 22))], at(13, 40)), at(13, 40));
    assert!(
        published(&ws).contains_key("x"),
        "published as it leaves the page"
    );
    let line = gone
        .lines()
        .find(|l| l.contains("polled"))
        .unwrap_or_else(|| panic!("{gone}"));
    assert!(line.contains("new=2"), "{line}");
    let status = ws.run(&["status", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    assert_eq!(status[0]["new"], 2, "{status}");
}
