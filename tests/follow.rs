//! `follow = true` and `content = "full"` end to end: the real binary polls a list page served
//! on 127.0.0.1 whose items link to pages of every kind (JSON-LD with @graph, OpenGraph only,
//! microdata only, `<time>` only, none, a broken JSON-LD block, a date contradicting the
//! list's, a 404, a page slower than the timeout, a 500, hostile markup), and the feeds carry
//! what those pages say: times, authors, images, main text. The budget and the host gap hold,
//! a second run fetches nothing again, and an undated list is published as its pages are read
//! with the items' true times, never "now".

mod common;

use common::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The moment of the first poll, and later ones.
const T0: &str = "2026-03-04T12:00:00Z";

fn at(minutes: i64) -> String {
    let t0 = chrono::DateTime::parse_from_rfc3339(T0).expect("T0");
    (t0 + chrono::TimeDelta::minutes(minutes)).to_rfc3339()
}

/// Pages by path, changeable between polls; every request is logged with its moment.
#[derive(Clone, Default)]
struct Site {
    pages: Arc<Mutex<HashMap<String, Response>>>,
    log: Arc<Mutex<Vec<(String, Instant)>>>,
}

impl Site {
    fn serve(&self) -> Server {
        let site = self.clone();
        Server::start(move |req| {
            if let Ok(mut l) = site.log.lock() {
                l.push((req.path.clone(), Instant::now()));
            }
            site.pages
                .lock()
                .ok()
                .and_then(|p| p.get(&req.path).cloned())
                .unwrap_or_else(|| Response::status(404))
        })
    }

    fn set(&self, path: &str, response: Response) {
        self.pages
            .lock()
            .expect("pages")
            .insert(path.to_string(), response);
    }

    /// The requests since the last call, with their moments.
    fn take(&self) -> Vec<(String, Instant)> {
        std::mem::take(&mut *self.log.lock().expect("log"))
    }
}

/// A list page: one `<li>` per (path, date text) with a link to the path.
fn list(items: &[(&str, Option<&str>)]) -> String {
    let lis: String = items
        .iter()
        .map(|(path, date)| {
            let date = date
                .map(|d| format!("<time datetime=\"{d}\">{d}</time>"))
                .unwrap_or_default();
            format!(
                "<li><a href=\"{path}\">Title of {path}</a> {date}<p>Teaser of {path}.</p></li>"
            )
        })
        .collect();
    format!(
        "<html lang=\"en\"><head><title>List</title></head><body><ul class=\"list\">{lis}</ul></body></html>"
    )
}

fn page(head: &str, body: &str) -> Response {
    Response::html(format!(
        "<!doctype html><html lang=\"en\"><head><title>An article</title>{head}</head><body>{body}</body></html>"
    ))
}

fn config(url: &str, extra: &str) -> String {
    format!(
        r#"
output_dir = "feeds"
state_dir = "state"
host_delay = "0s"
timeout = "1s"
timezone = "Europe/Amsterdam"

[[feed]]
id = "f"
url = "{url}"
{extra}

[feed.items]
select = "ul.list > li"
title = "a"
summary = "p"
"#
    )
}

fn once(ws: &Workspace, now: &str) -> String {
    let out = ws.run(&["once", "--now", now]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "once failed:\n{err}");
    err
}

fn rss_items(ws: &Workspace) -> Vec<String> {
    let rss = ws.read("feeds/f.rss");
    rss.split("<item>").skip(1).map(str::to_string).collect()
}

/// The RSS item whose link ends with `path`.
fn rss_item(ws: &Workspace, path: &str) -> Option<String> {
    rss_items(ws)
        .into_iter()
        .find(|i| i.contains(&format!("{path}</link>")))
}

fn tag<'a>(item: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = item.find(&open)? + open.len();
    let end = item[start..].find(&format!("</{name}>"))? + start;
    Some(&item[start..end])
}

fn json(ws: &Workspace) -> serde_json::Value {
    serde_json::from_str(&ws.read("feeds/f.json")).expect("JSON Feed")
}

fn json_item<'a>(feed: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    feed["items"]
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .find(|i| i["url"].as_str().is_some_and(|u| u.ends_with(path)))
        })
        .unwrap_or_else(|| panic!("no JSON item {path}"))
}

/// The Atom entry whose link ends with `path`.
fn atom_entry(ws: &Workspace, path: &str) -> Option<String> {
    let atom = ws.read("feeds/f.atom");
    atom.split("<entry>")
        .skip(1)
        .find(|e| e.contains(&format!("{path}\"")))
        .map(str::to_string)
}

const HOSTILE_BODY: &str = "<article><h1>Jsonld</h1><p>Body of the JSON-LD article, long enough to be the main text of the page and nothing else. <script>alert('s')</script><img src=\"/img/x.png\" onerror=\"alert('e')\"> <a href=\"javascript:alert('j')\">a link</a> <a href=\"/more\">more</a></p><p>A second paragraph of the article's main text, so that it reads as an article.</p><iframe src=\"/frame\"></iframe></article>";

fn jsonld_page() -> Response {
    page(
        r#"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Site"},{"@type":"NewsArticle","headline":"Jsonld","datePublished":"2026-03-01T09:15:30+01:00","dateModified":"2026-03-02T10:00:00+01:00","author":[{"@type":"Person","name":"Ann Example"},{"@type":"Person","name":"Bo Example"}],"image":"https://img.example/a.jpg"}]}</script>"#,
        HOSTILE_BODY,
    )
}

/// Every metadata form, with the list's own evidence, in RSS, Atom and JSON; the slow page
/// waits; a second run reads nothing again.
#[test]
fn item_pages_give_times_authors_images_and_content() {
    let site = Site::default();
    let server = site.serve();
    let items: Vec<(&str, Option<&str>)> = vec![
        ("/p/jsonld", None),
        ("/p/og", None),
        ("/p/micro", None),
        ("/p/time", None),
        ("/p/none", None),
        ("/p/broken", None),
        ("/p/contra", Some("2026-03-03T12:00:00+01:00")),
        ("/p/gone", None),
        ("/p/slow", None),
    ];
    site.set("/list", Response::html(list(&items)));
    site.set("/p/jsonld", jsonld_page());
    site.set(
        "/p/og",
        page(
            r#"<meta property="og:title" content="Og"><meta property="article:published_time" content="2026-03-01T08:00:00Z"><meta property="og:image" content="/img/og.png">"#,
            "<p>Og page.</p>",
        ),
    );
    site.set(
        "/p/micro",
        page(
            "",
            r#"<div itemscope itemtype="https://schema.org/Article"><h1 itemprop="headline">Micro</h1><span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Mia Micro</span></span><meta itemprop="datePublished" content="2026-03-01T07:00:00+01:00"><div itemprop="articleBody"><p>Micro text.</p></div></div>"#,
        ),
    );
    site.set(
        "/p/time",
        page(
            "",
            r#"<article><h1>Time</h1><time datetime="2026-03-01T06:00:00+01:00">1 March</time><p>Time text.</p></article>"#,
        ),
    );
    site.set("/p/none", page("", "<p>Nothing dated here.</p>"));
    site.set(
        "/p/broken",
        page(
            r#"<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": </script><meta property="article:published_time" content="2026-03-01T05:00:00Z">"#,
            "<p>Broken.</p>",
        ),
    );
    site.set(
        "/p/contra",
        page(
            r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","datePublished":"2026-02-01T10:00:00+01:00"}</script>"#,
            "<p>Contra.</p>",
        ),
    );
    site.set("/p/slow", {
        let mut r = page("", "<p>Slow.</p>");
        r.delay = Duration::from_millis(2500);
        r
    });
    let ws = Workspace::new();
    ws.config(&config(&server.url("/list"), "content = \"full\""));
    let err = once(&ws, &at(0));
    let first = site.take();
    let fetched: Vec<&str> = first.iter().map(|(p, _)| p.as_str()).collect();
    for (path, _) in &items {
        assert_eq!(
            fetched.iter().filter(|p| *p == path).count(),
            1,
            "{path} fetched once: {fetched:?}"
        );
    }

    // RSS: the page's times, authors, image and main text.
    let jsonld = rss_item(&ws, "/p/jsonld").expect("the JSON-LD item is published");
    assert_eq!(
        tag(&jsonld, "pubDate"),
        Some("Sun, 1 Mar 2026 08:15:30 +0000")
    );
    assert!(
        jsonld.contains("<dc:creator>Ann Example</dc:creator>"),
        "{jsonld}"
    );
    assert!(
        jsonld.contains("<dc:creator>Bo Example</dc:creator>"),
        "{jsonld}"
    );
    assert!(
        jsonld.contains(
            "<enclosure url=\"https://img.example/a.jpg\" length=\"0\" type=\"image/jpeg\"/>"
        ),
        "{jsonld}"
    );
    assert!(
        jsonld.contains("<media:thumbnail url=\"https://img.example/a.jpg\"")
            || jsonld.contains("<media:thumbnail url=\"https://img.example/a.jpg\"/>"),
        "{jsonld}"
    );
    let content = tag(&jsonld, "content:encoded").expect("content:encoded");
    assert!(content.contains("Body of the JSON-LD article"), "{content}");
    for bad in ["<script", "onerror", "javascript:", "<iframe", "alert("] {
        assert!(!content.contains(bad), "{bad} in {content}");
    }
    let og = rss_item(&ws, "/p/og").expect("og");
    assert_eq!(tag(&og, "pubDate"), Some("Sun, 1 Mar 2026 08:00:00 +0000"));
    assert!(
        og.contains(&format!("url=\"{}\"", server.url("/img/og.png"))),
        "{og}"
    );
    let micro = rss_item(&ws, "/p/micro").expect("micro");
    assert_eq!(
        tag(&micro, "pubDate"),
        Some("Sun, 1 Mar 2026 06:00:00 +0000")
    );
    assert!(
        micro.contains("<dc:creator>Mia Micro</dc:creator>"),
        "{micro}"
    );
    let time = rss_item(&ws, "/p/time").expect("time");
    assert_eq!(
        tag(&time, "pubDate"),
        Some("Sun, 1 Mar 2026 05:00:00 +0000")
    );
    let broken = rss_item(&ws, "/p/broken").expect("broken");
    assert_eq!(
        tag(&broken, "pubDate"),
        Some("Sun, 1 Mar 2026 05:00:00 +0000")
    );
    // A page without a date: read, and published when first seen, like any undated item.
    let none = rss_item(&ws, "/p/none").expect("none");
    assert_eq!(
        tag(&none, "pubDate"),
        Some("Wed, 4 Mar 2026 12:00:00 +0000")
    );
    // The list's date wins over a page that contradicts it, and the poll says so.
    let contra = rss_item(&ws, "/p/contra").expect("contra");
    assert_eq!(
        tag(&contra, "pubDate"),
        Some("Tue, 3 Mar 2026 11:00:00 +0000")
    );
    assert!(
        err.contains("/p/contra") && err.contains("the list's date is kept"),
        "{err}"
    );
    // A 404: given up at once, published within (epoch, first listed]; listed below the
    // item of 3 March 11:00, page order puts it a second under that, not at the poll's
    // moment.
    let gone = rss_item(&ws, "/p/gone").expect("gone");
    assert_eq!(
        tag(&gone, "pubDate"),
        Some("Tue, 3 Mar 2026 10:59:59 +0000")
    );
    assert!(
        err.contains("/p/gone") && err.contains("given up at once"),
        "{err}"
    );
    // The slow page timed out: held back, not published as "now".
    assert!(
        rss_item(&ws, "/p/slow").is_none(),
        "the slow item waits for its page"
    );
    // `status` counts the item pages: seven read, the 404 given up, the slow one waiting.
    let out = ws.run(&["status", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    assert_eq!(
        status[0]["item_pages"],
        serde_json::json!({"due": 1, "read": 7, "given_up": 1}),
        "{status}"
    );
    let out = ws.run(&["status"]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("f: item pages 7 read, 1 waiting, 1 given up"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The summary stays the list's.
    assert!(jsonld.contains("Teaser of /p/jsonld."), "{jsonld}");

    // Atom: published, updated (the page's modified time), authors, content, enclosure.
    let entry = atom_entry(&ws, "/p/jsonld").expect("atom entry");
    assert!(
        entry.contains("<published>2026-03-01T08:15:30+00:00</published>"),
        "{entry}"
    );
    assert!(
        entry.contains("<updated>2026-03-02T09:00:00+00:00</updated>"),
        "{entry}"
    );
    assert!(entry.contains("<name>Ann Example</name>"), "{entry}");
    assert!(entry.contains("rel=\"enclosure\""), "{entry}");
    assert!(entry.contains("<content type=\"html\">"), "{entry}");
    assert!(!entry.contains("<script"), "{entry}");
    // JSON Feed: authors, image, content_html, the summary beside it.
    let feed = json(&ws);
    let item = json_item(&feed, "/p/jsonld");
    assert_eq!(item["image"], "https://img.example/a.jpg");
    assert_eq!(item["authors"][0]["name"], "Ann Example");
    assert_eq!(item["date_published"], "2026-03-01T08:15:30+00:00");
    assert_eq!(item["date_modified"], "2026-03-02T09:00:00+00:00");
    assert_eq!(item["summary"], "Teaser of /p/jsonld.");
    let html = item["content_html"].as_str().expect("content_html");
    assert!(html.contains("Body of the JSON-LD article") && !html.contains("<script"));
    // Feed readers render the content: nothing in it runs.
    let (report, clean) = nomarkup(&[ws.path("feeds/f.rss"), ws.path("feeds/f.atom")]);
    assert!(clean, "{report}");

    // preview shows what came from each item page, from the state, and fetches the one due.
    let out = ws.run(&["preview", "f", "--json", "--now", &at(1)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).expect("preview JSON");
    let p = shown
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|i| i["link"].as_str().is_some_and(|l| l.ends_with("/p/jsonld")))
        })
        .expect("the JSON-LD item in preview");
    assert_eq!(p["item_page"]["status"], "read");
    assert_eq!(p["item_page"]["published"]["origin"], "json-ld");
    assert_eq!(p["item_page"]["authors"][0], "Ann Example");
    assert_eq!(p["image"], "https://img.example/a.jpg");
    assert!(p["item_page"]["content_length"].as_u64().unwrap_or(0) > 50);
    let previewed: Vec<String> = site.take().into_iter().map(|(p, _)| p).collect();
    assert!(
        previewed
            .iter()
            .all(|p| p == "/list" || p == "/p/slow" || p == "/robots.txt"),
        "preview fetched only what is due: {previewed:?}"
    );

    // A second run with the same state: no item page is fetched again, except the slow one,
    // whose retry is due one interval (10 min) later; now it answers in time.
    site.set(
        "/p/slow",
        page(
            r#"<meta property="article:published_time" content="2026-03-04T11:30:00Z">"#,
            "<p>Slow.</p>",
        ),
    );
    once(&ws, &at(10));
    let second: Vec<String> = site.take().into_iter().map(|(p, _)| p).collect();
    let items_fetched: Vec<&String> = second.iter().filter(|p| p.starts_with("/p/")).collect();
    assert_eq!(items_fetched, ["/p/slow"], "{second:?}");
    let slow = rss_item(&ws, "/p/slow").expect("the slow item, once read");
    assert_eq!(
        tag(&slow, "pubDate"),
        Some("Wed, 4 Mar 2026 11:30:00 +0000")
    );
    // And a third run fetches no item page at all.
    once(&ws, &at(20));
    let third: Vec<String> = site.take().into_iter().map(|(p, _)| p).collect();
    assert!(third.iter().all(|p| !p.starts_with("/p/")), "{third:?}");
}

/// A 500 is tried on the next poll, then two intervals later, and given up after the third
/// try; the held item is then published at the moment it was first listed, and the give-up
/// is logged once.
#[test]
fn a_failing_page_is_retried_with_backoff_and_given_up_after_three_tries() {
    let site = Site::default();
    let server = site.serve();
    site.set(
        "/list",
        Response::html(list(&[("/p/err", None), ("/p/ok", None)])),
    );
    site.set("/p/err", Response::status(500));
    site.set(
        "/p/ok",
        page(
            r#"<meta property="article:published_time" content="2026-03-04T10:00:00Z">"#,
            "",
        ),
    );
    let ws = Workspace::new();
    ws.config(&config(&server.url("/list"), "follow = true"));
    let mut tries = Vec::new();
    let mut logs = String::new();
    for minutes in [0, 10, 20, 30, 40] {
        logs.push_str(&once(&ws, &at(minutes)));
        let n = site.take().iter().filter(|(p, _)| p == "/p/err").count();
        tries.push(n);
        let published = rss_item(&ws, "/p/err").is_some();
        assert_eq!(published, minutes >= 30, "at +{minutes} min: {tries:?}");
    }
    assert_eq!(
        tries,
        [1, 1, 0, 1, 0],
        "1, then after 1 interval, then after 2"
    );
    let err = rss_item(&ws, "/p/err").expect("published when given up");
    assert_eq!(tag(&err, "pubDate"), Some("Wed, 4 Mar 2026 12:00:00 +0000"));
    assert_eq!(logs.matches("given up after 3 tries").count(), 1, "{logs}");
    let ok = rss_item(&ws, "/p/ok").expect("ok");
    assert_eq!(tag(&ok, "pubDate"), Some("Wed, 4 Mar 2026 10:00:00 +0000"));
}

/// A 429 with Retry-After ends the poll's fetches from that host (the other due pages wait
/// for the next poll, untried), and the page itself is tried again when the server's wait is
/// over, not at the next poll.
#[test]
fn a_host_that_asks_to_slow_down_gets_no_more_item_requests_until_it_said() {
    let site = Site::default();
    let server = site.serve();
    site.set(
        "/list",
        Response::html(list(&[("/p/a", None), ("/p/b", None), ("/p/c", None)])),
    );
    site.set("/p/a", Response::status(429).header("Retry-After", "3600"));
    let dated = |t: &str| {
        page(
            &format!(r#"<meta property="article:published_time" content="{t}">"#),
            "",
        )
    };
    site.set("/p/b", dated("2026-03-04T11:00:00Z"));
    site.set("/p/c", dated("2026-03-04T10:00:00Z"));
    let ws = Workspace::new();
    ws.config(&config(&server.url("/list"), "follow = true"));
    let item_requests = |site: &Site| -> Vec<String> {
        site.take()
            .into_iter()
            .map(|(p, _)| p)
            .filter(|p| p.starts_with("/p/"))
            .collect()
    };
    once(&ws, &at(0));
    assert_eq!(
        item_requests(&site),
        ["/p/a"],
        "the 429 stops the poll's item pages"
    );
    once(&ws, &at(10));
    assert_eq!(
        item_requests(&site),
        ["/p/b", "/p/c"],
        "the next poll fetches the others, not the page whose server asked for an hour"
    );
    site.set("/p/a", dated("2026-03-04T11:30:00Z"));
    for minutes in [20, 30, 40] {
        once(&ws, &at(minutes));
        assert!(item_requests(&site).is_empty(), "at +{minutes} min");
    }
    // An hour on (less the half interval of slack a poll is allowed): read.
    once(&ws, &at(60));
    assert_eq!(item_requests(&site), ["/p/a"]);
    let a = rss_item(&ws, "/p/a").expect("published once read");
    assert_eq!(tag(&a, "pubDate"), Some("Wed, 4 Mar 2026 11:30:00 +0000"));
}

/// A list of `n` undated items whose pages each give their time: polled with `once` until
/// every item is published. Returns, per poll, the items published and the item pages
/// fetched, and the time each `once` took.
fn undated_list(
    n: usize,
    budget: Option<usize>,
    host_delay: &str,
    timeout: &str,
) -> Vec<(usize, usize, Duration)> {
    let site = Site::default();
    let server = site.serve();
    let paths: Vec<String> = (0..n).map(|i| format!("/p/{i}")).collect();
    let items: Vec<(&str, Option<&str>)> = paths.iter().map(|p| (p.as_str(), None)).collect();
    site.set("/list", Response::html(list(&items)));
    for (i, p) in paths.iter().enumerate() {
        // Newest first: item i was published i minutes and i seconds before 11:00.
        let t = chrono::DateTime::parse_from_rfc3339("2026-03-04T11:00:00Z").expect("t")
            - chrono::TimeDelta::seconds(61 * i as i64);
        site.set(
            p,
            page(
                &format!(
                    r#"<script type="application/ld+json">{{"@type":"BlogPosting","datePublished":"{}"}}</script>"#,
                    t.to_rfc3339()
                ),
                "<p>Text.</p>",
            ),
        );
    }
    let ws = Workspace::new();
    let extra = match budget {
        Some(b) => format!("follow = true\nfollow_budget = {b}"),
        None => "follow = true".to_string(),
    };
    ws.config(
        &config(&server.url("/list"), &extra)
            .replace(
                "host_delay = \"0s\"",
                &format!("host_delay = \"{host_delay}\""),
            )
            .replace("timeout = \"1s\"", &format!("timeout = \"{timeout}\"")),
    );
    let mut polls = Vec::new();
    for k in 0..(n + 1) {
        let started = Instant::now();
        once(&ws, &at(10 * k as i64));
        let took = started.elapsed();
        let log = site.take();
        let pages: Vec<&(String, Instant)> =
            log.iter().filter(|(p, _)| p.starts_with("/p/")).collect();
        // The host gap holds between item pages too.
        if host_delay != "0s" {
            let gap = humantime::parse_duration(host_delay).expect("gap");
            for w in log.windows(2) {
                assert!(
                    w[1].1 - w[0].1 >= gap,
                    "requests closer than host_delay: {log:?}"
                );
            }
        }
        let published = rss_items(&ws);
        let t0 = chrono::DateTime::parse_from_rfc3339(T0).expect("T0");
        for item in &published {
            let date = tag(item, "pubDate").expect("pubDate");
            let date = chrono::DateTime::parse_from_rfc2822(date).expect("RFC 2822");
            assert!(date < t0, "an item published at a poll's moment: {item}");
        }
        polls.push((published.len(), pages.len(), took));
        if published.len() == n {
            break;
        }
    }
    // Every item has its true time.
    let rss = ws.read("feeds/f.rss");
    for i in 0..n {
        let t = chrono::DateTime::parse_from_rfc3339("2026-03-04T11:00:00Z").expect("t")
            - chrono::TimeDelta::seconds(61 * i as i64);
        assert!(rss.contains(&t.to_rfc2822()), "item {i} at {t}");
    }
    polls
}

#[test]
fn an_undated_list_is_published_as_its_pages_are_read() {
    let polls = undated_list(30, Some(10), "150ms", "1s");
    let counts: Vec<(usize, usize)> = polls.iter().map(|(p, f, _)| (*p, *f)).collect();
    assert_eq!(counts, [(10, 10), (20, 10), (30, 10)]);
}

/// The figures: a first poll of an undated 100-item list at the default budget, `once`
/// repeatedly (`cargo test --test follow -- --ignored --nocapture`).
#[test]
#[ignore]
fn figures_for_an_undated_100_item_list() {
    let started = Instant::now();
    let polls = undated_list(100, None, "1s", "30s");
    for (n, (published, fetched, took)) in polls.iter().enumerate() {
        println!(
            "poll {}: {published} published, {fetched} item pages, {took:?}",
            n + 1
        );
    }
    println!("{} polls, {:?} in all", polls.len(), started.elapsed());
}

/// nomarkup.py over `files`: its report, and whether it found no problem.
fn nomarkup(files: &[PathBuf]) -> (String, bool) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/nomarkup.py");
    let out = Command::new("python3")
        .arg(&script)
        .args(files)
        .output()
        .expect("python3 runs (the test command installs it with feedparser)");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.success(),
    )
}

/// An item page's image URL with `&` and quotes in its query is written escaped into every
/// attribute and element that carries it: each feed parses as strict XML (the workspace
/// checks every feed file it writes) and gives the URL back whole.
#[test]
fn an_image_url_with_an_ampersand_is_escaped_in_every_format() {
    let site = Site::default();
    let server = site.serve();
    site.set("/list", Response::html(list(&[("/p/img", None)])));
    site.set(
        "/p/img",
        page(
            r#"<meta property="article:published_time" content="2026-03-01T08:00:00Z"><meta property="og:image" content="https://img.example/a.jpg?w=1&amp;h=2&amp;q=%22x%22">"#,
            "<p>An image page.</p>",
        ),
    );
    let ws = Workspace::new();
    ws.config(&config(&server.url("/list"), "follow = true"));
    once(&ws, &at(0));
    let url = "https://img.example/a.jpg?w=1&h=2&q=%22x%22";
    for file in ["feeds/f.rss", "feeds/f.atom"] {
        let text = ws.read(file);
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{file} is not XML: {e}\n{text}"));
        let urls: Vec<&str> = doc
            .descendants()
            .filter(|n| matches!(n.tag_name().name(), "thumbnail" | "enclosure" | "link"))
            .filter_map(|n| n.attribute("url").or_else(|| n.attribute("href")))
            .filter(|u| u.starts_with("https://img.example/"))
            .collect();
        assert!(
            urls.len() >= 2 && urls.iter().all(|u| *u == url),
            "{file}: {urls:?}"
        );
    }
    assert_eq!(json_item(&json(&ws), "/p/img")["image"], url);
}
