//! Shaping a feed: `[feed.filter]` keeps the items a user wants (include, exclude; over
//! titles, summaries and categories; before `max_items`; changed by a reload), and
//! `[feed.request]` sends a feed's own headers and cookies to its own site only (page and item
//! pages; never to another host, never written to a log or a status). Driven through the real
//! binary against pages served on 127.0.0.1.

mod common;

use common::daemon::*;
use common::*;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const NOW: &str = "2026-03-04T13:30:00+01:00";

/// A page of `n` items: "Release n" every third, "Sponsored" in the summary every fifth, and
/// the category "security" every fourth.
fn page(n: usize) -> String {
    let items: String = (1..=n)
        .map(|i| {
            let title = if i % 3 == 0 {
                format!("Release {i}.0 is out")
            } else {
                format!("Story number {i}")
            };
            let summary = if i % 5 == 0 {
                "Sponsored: a word from our partners".to_string()
            } else {
                format!("What happened in story {i}.")
            };
            let category = if i % 4 == 0 { "security" } else { "general" };
            format!(
                "<li><a href=\"/s/{i}\">{title}</a><p>{summary}</p><span class=\"c\">{category}</span><time datetime=\"2026-03-04T{:02}:{:02}:00Z\">t</time></li>",
                12 - i / 60,
                59 - i % 60
            )
        })
        .collect();
    format!("<html><head><title>News</title></head><body><ul>{items}</ul></body></html>")
}

fn config(url: &str, keys: &str, tables: &str) -> String {
    format!(
        "output_dir = \"feeds\"\nstate_dir = \"state\"\nhost_delay = \"0s\"\ninterval = \"1h\"\n[[feed]]\nid = \"n\"\nurl = \"{url}\"\nrobots = false\n{keys}[feed.items]\nselect = \"li\"\ntitle = \"a\"\nsummary = \"p\"\ncategory = \"span.c\"\n{tables}"
    )
}

/// The titles of the feed's items, in the feed's order.
fn titles(ws: &Workspace) -> Vec<String> {
    let rss = rss::Channel::read_from(ws.read("feeds/n.rss").as_bytes()).expect("RSS");
    rss.items()
        .iter()
        .map(|i| i.title().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn filters_keep_what_they_include_and_drop_what_they_exclude() {
    let server = Server::start(|_| Response::html(page(20)));
    let ws = Workspace::new();
    // Titles: releases; summaries: not sponsored; categories: security.
    ws.config(&config(
        &server.url("/"),
        "",
        "[feed.filter]\ninclude = [\"(?i)^release\", \"^security$\"]\nexclude = [\"(?i)sponsored\"]\n",
    ));
    let out = ws.run(&["once", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got = titles(&ws);
    // Kept: 3, 4, 6, 8, 9, 12, 16, 18 (releases or security), less 15 and 20 (sponsored).
    let want: Vec<String> = [3, 4, 6, 8, 9, 12, 16, 18]
        .iter()
        .map(|i| {
            if i % 3 == 0 {
                format!("Release {i}.0 is out")
            } else {
                format!("Story number {i}")
            }
        })
        .collect();
    let mut sorted = got.clone();
    sorted.sort();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(sorted, want_sorted, "{got:?}");
    // preview and check --fetch say what each pattern did.
    let preview = ws.run(&["preview", "n", "--now", NOW]);
    let err = stderr(&preview);
    assert!(
        err.contains("filter: include \"(?i)^release\": matched 6 of 20 items"),
        "{err}"
    );
    assert!(
        err.contains("filter: exclude \"(?i)sponsored\": dropped 4 of 20 items"),
        "{err}"
    );
    assert!(err.contains("filter: kept 8 of 20 items"), "{err}");
    let check = ws.run(&["check", "--fetch"]);
    let text = String::from_utf8_lossy(&check.stdout).into_owned();
    assert!(text.contains("filter: kept 8 of 20 items"), "{text}");
}

/// A filtered feed holds up to `max_items` items the filter keeps: it filters first.
#[test]
fn max_items_counts_the_items_the_filter_keeps() {
    let server = Server::start(|_| Response::html(page(30)));
    let ws = Workspace::new();
    ws.config(&config(
        &server.url("/"),
        "max_items = 4\n",
        "[feed.filter]\ninclude = [\"(?i)^release\"]\n",
    ));
    let out = ws.run(&["once", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        titles(&ws),
        [
            "Release 3.0 is out",
            "Release 6.0 is out",
            "Release 9.0 is out",
            "Release 12.0 is out"
        ]
    );
}

/// A reload with another filter: at the next poll the items that no longer match leave the
/// feed, and those the new filter keeps (seen before, kept in the state) are in it.
#[test]
fn a_changed_filter_takes_effect_at_the_next_poll() {
    let server = Server::start(|_| Response::html(page(12)));
    let ws = Workspace::new();
    let with = |pattern: &str| {
        config(
            &server.url("/"),
            "interval = \"300ms\"\n",
            &format!("[feed.filter]\ninclude = [\"{pattern}\"]\n"),
        )
    };
    ws.config(&with("(?i)^release"));
    let d = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(10), "the releases", || {
        ws.path("feeds/n.rss").exists() && titles(&ws).len() == 4
    });
    ws.config(&with("^Story number [12]$"));
    d.signal("HUP");
    wait_for(Duration::from_secs(10), "the stories", || {
        titles(&ws).iter().all(|t| t.starts_with("Story"))
    });
    let mut got = titles(&ws);
    got.sort();
    assert_eq!(got, ["Story number 1", "Story number 2"]);
    d.stop();
}

/// A server that records the requests it sees, with their headers, and answers from `routes`.
fn recording(
    routes: impl Fn(&Request) -> Response + Send + Sync + 'static,
) -> (Server, Arc<Mutex<Vec<Request>>>) {
    let seen: Arc<Mutex<Vec<Request>>> = Arc::default();
    let log = seen.clone();
    let server = Server::start(move |req| {
        log.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(req.clone());
        routes(req)
    });
    (server, seen)
}

#[test]
fn headers_and_cookies_go_to_the_feeds_own_site_only() {
    let secret = "Bearer s3cr3t-token-value";
    let (server, seen) = recording(|req| {
        match req.path.as_str() {
        "/list" => Response::html(
            "<html><head><title>L</title></head><body><ul><li><a href=\"/a\">First item</a><p>A summary of the first.</p></li></ul></body></html>",
        )
        .header("Set-Cookie", "from_site=given; Path=/"),
        "/a" => Response::html(
            "<html><head><title>A</title><meta property=\"article:published_time\" content=\"2026-03-04T10:00:00Z\"></head><body><p>Article.</p></body></html>",
        ),
        _ => Response::status(404),
    }
    });
    let ws = Workspace::new();
    std::fs::write(
        ws.path("cookies.txt"),
        "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tfrom-file\n",
    )
    .expect("cookies");
    ws.config(&config(
        &server.url("/list"),
        "follow = true\n",
        &format!(
            "[feed.request]\nheaders = {{ \"Authorization\" = \"{secret}\", \"Accept-Language\" = \"de-DE\" }}\ncookies = \"cookies.txt\"\n"
        ),
    ));
    let out = ws.run(&["once", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    let requests = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let list = requests
        .iter()
        .find(|r| r.path == "/list")
        .expect("the list");
    assert_eq!(
        list.headers.get("authorization").map(String::as_str),
        Some(secret)
    );
    assert_eq!(
        list.headers.get("accept-language").map(String::as_str),
        Some("de-DE")
    );
    assert_eq!(
        list.headers.get("cookie").map(String::as_str),
        Some("session=from-file")
    );
    let page = requests
        .iter()
        .find(|r| r.path == "/a")
        .expect("the item page");
    assert_eq!(
        page.headers.get("authorization").map(String::as_str),
        Some(secret)
    );
    let cookies = page.headers.get("cookie").cloned().unwrap_or_default();
    assert!(
        cookies.contains("session=from-file") && cookies.contains("from_site=given"),
        "the cookie the site set goes with later requests: {cookies}"
    );
    // Never in a log line or a status.
    let status = ws.run(&["status", "--json"]);
    for text in [
        stderr(&out),
        stderr(&status),
        String::from_utf8_lossy(&status.stdout).into_owned(),
    ] {
        assert!(
            !text.contains("s3cr3t") && !text.contains("from-file"),
            "{text}"
        );
    }
}

/// A redirect to another host carries none of the feed's headers or cookies.
#[test]
fn a_redirect_to_another_host_carries_none_of_them() {
    let (server, seen) = recording(|_| Response::html("x"));
    let port = server.addr.rsplit(':').next().expect("port").to_string();
    let target = format!("http://localhost:{port}/other");
    let (first, first_seen) = recording(move |req| match req.path.as_str() {
        "/list" => Response::status(302).header("Location", &target),
        _ => Response::status(404),
    });
    let ws = Workspace::new();
    ws.config(&config(
        &first.url("/list"),
        "",
        "[feed.request]\nheaders = { \"X-Api-Key\" = \"k3y\" }\n",
    ));
    let out = ws.run(&["once", "--now", NOW]);
    assert_eq!(out.status.code(), Some(1), "the other host answers no list");
    let asked = first_seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(
        asked[0].headers.get("x-api-key").map(String::as_str),
        Some("k3y")
    );
    let other = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(!other.is_empty(), "the redirect was followed");
    assert!(
        other.iter().all(|r| !r.headers.contains_key("x-api-key")),
        "{:?}",
        other[0].headers
    );
}

#[test]
fn bad_patterns_headers_and_cookie_files_are_config_errors() {
    let ws = Workspace::new();
    ws.config(&config(
        "http://127.0.0.1:9/",
        "",
        "[feed.filter]\ninclude = [\"(unclosed\"]\nexclude = \"not a list\"\n[feed.request]\nheaders = { \"Bad Name\" = \"v\", \"Host\" = \"x\", \"Content-Length\" = \"3\" }\ncookies = \"missing.txt\"\n",
    ));
    let out = ws.run(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for (line, what) in [
        ("filter.include: regex \"(unclosed\" does not compile", 15),
        ("filter.exclude: must be a list", 16),
        ("request.headers: \"Bad Name\" is not a header name", 18),
        (
            "request.headers: Host: pagefeed sets this header itself",
            18,
        ),
        (
            "request.headers: Content-Length: pagefeed sets this header itself",
            18,
        ),
        ("request.cookies: cannot read the cookie file", 19),
    ] {
        let found = err
            .lines()
            .find(|l| l.contains(line))
            .unwrap_or_else(|| panic!("{line:?} in:\n{err}"));
        assert!(
            found.contains(&format!("pagefeed.toml:{what}: feed \"n\"")),
            "{found}"
        );
    }
    assert!(err.contains("missing.txt"), "{err}");
}

/// A rendered page: its own request and its script's requests to the site carry the feed's
/// headers and cookies (one jar with the HTTP requests: the file's, and those the site sets).
#[test]
fn a_rendered_page_carries_the_feeds_headers_and_cookies() {
    let (server, seen) = recording(|req| {
        match req.path.as_str() {
        "/live" => Response::html(
            "<html><head><title>Live</title></head><body><ul id=\"live\"></ul><script>fetch('/data').then(r => r.json()).then(items => { for (const t of items) { const li = document.createElement('li'); li.innerHTML = '<a href=\"/x/' + t + '\">' + t + '</a>'; document.getElementById('live').appendChild(li); } });</script></body></html>",
        )
        .header("Set-Cookie", "from_site=given; Path=/"),
        "/data" => Response::html("[\"Alpha item\", \"Beta item\"]")
            .header("Content-Type", "application/json"),
        _ => Response::status(404),
    }
    });
    let ws = Workspace::new();
    std::fs::write(
        ws.path("cookies.txt"),
        "127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tfrom-file\n",
    )
    .expect("cookies");
    ws.config(&format!(
        "output_dir = \"feeds\"\nstate_dir = \"state\"\nhost_delay = \"0s\"\nbrowser_timeout = \"20s\"\n[[feed]]\nid = \"n\"\nurl = \"{}\"\nrobots = false\nrender = \"browser\"\n[feed.items]\nselect = \"#live li\"\n[feed.request]\nheaders = {{ \"X-Api-Key\" = \"k3y\" }}\ncookies = \"cookies.txt\"\n",
        server.url("/live")
    ));
    let out = ws.run(&["once", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(ws.read("feeds/n.rss").contains("Alpha item"));
    let requests = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for path in ["/live", "/data"] {
        let r = requests
            .iter()
            .find(|r| r.path == path)
            .unwrap_or_else(|| panic!("{path} asked"));
        assert_eq!(
            r.headers.get("x-api-key").map(String::as_str),
            Some("k3y"),
            "{path}"
        );
        let cookies = r.headers.get("cookie").cloned().unwrap_or_default();
        assert!(cookies.contains("session=from-file"), "{path}: {cookies}");
        if path == "/data" {
            assert!(cookies.contains("from_site=given"), "{path}: {cookies}");
        }
    }
}
