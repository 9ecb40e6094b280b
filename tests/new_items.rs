//! What a poll counts as new: the items that enter the feed now. Items below `max_items`
//! that the feed does not keep never enter it, so they are not new on any poll.

use chrono::{DateTime, TimeDelta, Utc};
use pagefeed::config;
use pagefeed::fetch::{Page, Validators};
use pagefeed::poll;
use std::path::Path;
use url::Url;

const CONFIG: &str = r#"
timezone = "Europe/Amsterdam"
language = "nl"
max_items = 100
[[feed]]
id = "listing"
url = "https://nieuws.example/buitenland"
[feed.items]
select = "ul > li"
date = "span"
link = "a"
"#;

/// `n` items, numbered from `first` at the top, each a minute older than the one above.
fn listing(first: usize, n: usize) -> Page {
    let mut text = String::from("<!DOCTYPE html><html><head><title>L</title></head><body><ul>\n");
    for (age, i) in (first..first + n).rev().enumerate() {
        text.push_str(&format!(
            "<li><a href=\"/bericht-{i}\">Bericht {i} over de gebeurtenissen van vandaag</a>\
             <span>{} minuten geleden</span></li>\n",
            age + 1
        ));
    }
    text.push_str("</ul></body></html>\n");
    Page {
        bytes: text.len(),
        text,
        url: Url::parse("https://nieuws.example/buitenland").expect("url"),
        date: None,
        validators: Validators::default(),
        from_file: false,
        encoding: "UTF-8",
        content_language: None,
    }
}

#[test]
fn only_items_that_enter_the_feed_count_as_new() {
    let config = config::parse(CONFIG, Path::new("t.toml"), None).expect("config");
    let feed = &config.feeds[0];
    let dir = tempfile::tempdir().expect("tempdir");
    let places = poll::Places {
        output_dir: dir.path().join("feeds"),
        state_dir: dir.path().join("state"),
        base_url: None,
    };
    let now: DateTime<Utc> = "2026-03-04T12:30:00Z".parse().expect("time");

    // 300 items on the page, 100 kept: 100 enter the feed.
    let gate = poll::Gate::default();
    let publish = |page: &Page, now| {
        let pass = poll::Pass {
            feed,
            base_url: None,
            page,
            now,
        };
        poll::commit::publish(&places, &gate, &pass, &poll::ItemPages::default()).expect("poll")
    };
    let first = publish(&listing(0, 300), now);
    assert_eq!((first.items, first.kept, first.new), (300, 100, 100));

    // The same page again: nothing enters, although 200 items on it were never kept.
    let again = publish(&listing(0, 300), now + TimeDelta::minutes(1));
    assert_eq!((again.items, again.kept, again.new), (300, 100, 0));

    // Two items on top: those two enter, two at the bottom of the feed leave.
    let later = now + TimeDelta::minutes(2);
    let two = publish(&listing(0, 302), later);
    assert_eq!((two.items, two.kept, two.new), (302, 100, 2));

    // The outcome of a pass alone counts the same way.
    let previous =
        pagefeed::state::Store::look(&places.state_dir, |tx| tx.items("listing")).expect("state");
    let page = listing(0, 302);
    let pass = poll::Pass {
        feed,
        base_url: None,
        page: &page,
        now: later,
    };
    let out =
        poll::pipeline::run(&pass, poll::Prior::items(previous), Default::default()).expect("pass");
    assert_eq!(out.new, 0);
}
