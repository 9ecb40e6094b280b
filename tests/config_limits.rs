//! Every number and duration in the config has a range, and `check` holds it: a value out of
//! range is refused with exit 2 and a message naming the file, line, key (and feed) and the
//! range, before it can reach the clock or the HTTP client. The largest values in range run:
//! `once` polls a page served on 127.0.0.1, `run` polls, refuses an out-of-range reload and
//! stops cleanly.

mod common;

use common::daemon::Daemon;
use common::*;
use std::time::{Duration, Instant};

fn seed_page() -> Vec<u8> {
    std::fs::read(seed_dir().join("buitenland-1330.html")).expect("seed page")
}

/// A config whose first lines are `top`, with one feed on `url` carrying `feed_extra`.
fn config(top: &str, url: &str, feed_extra: &str) -> String {
    format!(
        "{top}\noutput_dir = \"feeds\"\nstate_dir = \"state\"\ntimezone = \"Europe/Amsterdam\"\nlanguage = \"nl\"\n\n[[feed]]\nid = \"edge\"\nurl = \"{url}\"\nrobots = false\n{feed_extra}\n[feed.items]\nselect = \"ul.news-list > li\"\nsummary = \"p.news-list__text\"\ndate = \"span.news-list__time\"\nlink = \"a\"\n"
    )
}

/// The 1-based line of `text` that starts with `start`.
fn line_of(text: &str, start: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(start))
        .map(|n| n + 1)
        .unwrap_or_else(|| panic!("no line starting {start:?} in:\n{text}"))
}

/// The largest value of each key that `check` accepts.
const LARGEST: &str = "interval = \"7d\"\ntimeout = \"10m\"\nhost_delay = \"1h\"\nconcurrency = 256\nmax_items = 100000\nuser_agent = \"pagefeed-test/1 (+https://example.org/contact; ~!#$%&'*+-.^_`|)\"";

/// `check` on `text` exits 2 with an error on the line starting `start` that names `key`
/// and contains `says`; an empty string when it does, else what went wrong.
fn refused(text: &str, start: &str, key: &str, says: &str) -> String {
    let ws = Workspace::new();
    ws.config(text);
    let out = ws.run(&["check"]);
    let err = stderr(&out);
    let want = format!("pagefeed.toml:{}: {key}: ", line_of(text, start));
    let line = err.lines().find(|l| l.contains(&want));
    match (out.status.code(), line) {
        (Some(2), Some(l)) if l.contains(says) => String::new(),
        (code, _) => format!(
            "{start:?}: exit {code:?}, wanted 2 and a line with {want:?} and {says:?}; stdout {:?} stderr {err:?}\n",
            String::from_utf8_lossy(&out.stdout)
        ),
    }
}

/// Each value that used to pass `check` and then panic or fail every run is refused, with
/// the line, the key and the range.
#[test]
fn check_refuses_values_that_cannot_run() {
    let url = "http://127.0.0.1:9/page";
    let huge = "\"500000000000y\"";
    let mut failures = String::new();
    for (key, value, says) in [
        ("timeout", huge, "is out of range: between 1s and 10m"),
        ("host_delay", huge, "is out of range: between 0s and 1h"),
        ("interval", huge, "is out of range: between 100ms and 7d"),
        // Too large even for the duration parser: the same message.
        (
            "interval",
            "\"600000000000y\"",
            "is out of range: between 100ms and 7d",
        ),
        (
            "concurrency",
            "9223372036854775807",
            "9223372036854775807 is out of range: between 1 and 256",
        ),
        (
            "max_items",
            "9223372036854775807",
            "is out of range: between 1 and 100000",
        ),
        (
            "user_agent",
            "\"pagefeed/1\\r\\nX-Injected: yes\"",
            "cannot be sent in an HTTP header",
        ),
        ("user_agent", "\"  \"", "is empty"),
    ] {
        let start = format!("{key} = {value}");
        failures += &refused(&config(&start, url, ""), &start, key, says);
    }
    // Per feed, named with the feed.
    for (key, value, says) in [
        ("interval", huge, "is out of range: between 100ms and 7d"),
        ("max_items", "0", "is out of range: between 1 and 100000"),
    ] {
        let start = format!("{key} = {value}");
        failures += &refused(
            &config("", url, &start),
            &start,
            &format!("feed \"edge\": {key}"),
            says,
        );
    }
    // A URL longer than an HTTP request line may carry.
    let long = format!("http://127.0.0.1:9/{}", "a".repeat(70_000));
    failures += &refused(
        &config("", &long, ""),
        "url = ",
        "feed \"edge\": url",
        "cannot be requested",
    );
    assert!(failures.is_empty(), "{failures}");
}

/// The largest value of every key runs: `once` polls a page on 127.0.0.1 with them and exits
/// 0, sending the user agent as written. One step past each is refused by `check`.
#[test]
fn the_largest_values_run_and_one_step_past_is_refused() {
    let server = Server::start(|_| Response::html(seed_page()));
    let url = server.url("/page");
    let ws = Workspace::new();
    ws.config(&config(
        LARGEST,
        &url,
        "interval = \"7d\"\nmax_items = 100000",
    ));
    let out = ws.run(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(ws.read("feeds/edge.rss").contains("<item>"));
    let agents: Vec<String> = server
        .requests()
        .iter()
        .filter_map(|r| r.headers.get("user-agent").cloned())
        .collect();
    assert_eq!(
        agents,
        ["pagefeed-test/1 (+https://example.org/contact; ~!#$%&'*+-.^_`|)"]
    );

    let mut failures = String::new();
    for (key, past, says) in [
        ("interval", "\"7d1s\"", "between 100ms and 7d"),
        ("timeout", "\"10m1s\"", "between 1s and 10m"),
        ("host_delay", "\"1h1s\"", "between 0s and 1h"),
        ("concurrency", "257", "between 1 and 256"),
        ("max_items", "100001", "between 1 and 100000"),
    ] {
        let start = format!("{key} = {past}");
        let top: String = LARGEST
            .lines()
            .map(|l| {
                if l.starts_with(&format!("{key} =")) {
                    start.clone()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        failures += &refused(&config(&top, &url, ""), &start, key, says);
    }
    assert!(failures.is_empty(), "{failures}");
}

fn wait_for_logged(limit: Duration, what: &str, d: &Daemon, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < limit,
            "timed out waiting for {what}:\n{}",
            d.log()
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// `run` with the largest interval (and every other largest value) starts and polls once; a
/// reload to an interval the clock cannot add is refused and the daemon goes on; SIGTERM
/// stops it with exit 0.
#[test]
fn run_with_the_largest_interval_polls_refuses_an_overflowing_reload_and_stops() {
    let server = Server::start(|_| Response::html(seed_page()));
    let url = server.url("/page");
    let ws = Workspace::new();
    let good = config(LARGEST, &url, "");
    ws.config(&good);
    let mut d = Daemon::start(&ws, &[]);
    wait_for_logged(Duration::from_secs(10), "the first poll", &d, || {
        ws.path("feeds/edge.rss").exists() && d.log().contains("polled")
    });
    assert_eq!(server.requests().len(), 1);

    let bad = good.replace("interval = \"7d\"", "interval = \"500000000000y\"");
    ws.config(&bad);
    d.signal("HUP");
    wait_for_logged(Duration::from_secs(5), "the refusal", &d, || {
        d.log().contains("config not reloaded")
    });
    // A reload that was taken would poll the changed feed within a second, and then overflow.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(d.exited(), None, "{}", d.log());
    assert_eq!(server.requests().len(), 1, "{}", d.log());

    d.signal("TERM");
    let start = Instant::now();
    let code = loop {
        if let Some(code) = d.exited() {
            break code;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{}", d.log());
        std::thread::sleep(Duration::from_millis(20));
    };
    let log = d.log();
    assert_eq!(code, 0, "{log}");
    assert!(!log.contains("panicked"), "{log}");
    let refusal = log
        .lines()
        .find(|l| l.contains("config not reloaded"))
        .unwrap_or_default();
    assert!(
        refusal.contains("pagefeed.toml:1: interval: \"500000000000y\" is out of range"),
        "{refusal}"
    );
}
