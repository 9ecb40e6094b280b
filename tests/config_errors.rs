//! `check` reads the config the way TOML does and says so where that differs from what the
//! file seems to mean: a key written below a `[[feed]]` or `[feed.items]` header belongs to
//! that table, so a top-level key appended at the end of the file lands in the last feed (or
//! its items), and a feed's key written after `[feed.items]` lands in the items. Each is named
//! with its line, feed and key, and with where it goes.

mod common;

use common::*;

/// A config whose keys for the top and the feed were appended after the tables they belong
/// above, as a user adding settings to the end of the file writes them.
const APPENDED: &str = r#"output_dir = "feeds"
state_dir = "state"

[[feed]]
id = "a"
url = "page.html"
title = "A"
listen = "127.0.0.1:8080"
base_url = "https://feeds.example.org/"
intervall = "5m"

[feed.items]
select = "li"
host_delay = "2s"
interval = "5m"
robots = false
selct = "p"
"#;

#[test]
fn a_key_below_the_table_it_belongs_to_says_where_it_goes() {
    let ws = Workspace::new();
    ws.config(APPENDED);
    let out = ws.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let lines: Vec<&str> = err
        .lines()
        .filter_map(|l| l.split_once("pagefeed.toml:").map(|(_, rest)| rest))
        .collect();
    assert_eq!(
        lines,
        [
            "8: feed \"a\": listen: unknown key; top-level keys go above the first [[feed]]",
            // A top-level key near a feed's own: both are named.
            "9: feed \"a\": base_url: unknown key; top-level keys go above the first [[feed]]; did you mean \"page_url\"?",
            "10: feed \"a\": intervall: unknown key; did you mean \"interval\"?",
            "14: feed \"a\": items.host_delay: unknown key; top-level keys go above the first [[feed]]",
            "15: feed \"a\": items.interval: unknown key; feed keys go above [feed.items], top-level keys above the first [[feed]]",
            "16: feed \"a\": items.robots: unknown key; feed keys go above [feed.items]",
            "17: feed \"a\": items.selct: unknown key; did you mean \"select\"?",
        ],
        "{err}"
    );
}

/// The same keys where they belong pass.
#[test]
fn the_same_keys_above_their_tables_pass() {
    let ws = Workspace::new();
    std::fs::write(ws.path("page.html"), "<ul><li>x</li></ul>").expect("page");
    ws.config(
        "output_dir = \"feeds\"\nstate_dir = \"state\"\nlisten = \"127.0.0.1:8080\"\nhost_delay = \"2s\"\n\n[[feed]]\nid = \"a\"\nurl = \"page.html\"\ninterval = \"5m\"\nrobots = false\n\n[feed.items]\nselect = \"li\"\n",
    );
    let out = ws.run(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
