//! Feed text as the readers people use show it: pagefeed's feeds read by newsboat (from its
//! cache, after a reload) and by Python's feedparser. Titles holding `&`, `<`, `>` and quotes
//! show exactly as the page shows them; text that would be markup in a reader that renders
//! titles as HTML stays text there too (in RSS, which cannot say whether a title is text or
//! HTML, such a title is written escaped, and a reader that takes it as plain text shows the
//! escapes rather than run it).
//!
//! newsboat is Debian's (`apt-get install newsboat`, which `.ci/run` does).

mod common;

use common::*;
use std::collections::HashMap;
use std::process::Command;

/// What the page shows, as text (each item's title).
const TITLES: [&str; 8] = [
    "Politik & Medien",
    "Tom & Jerry <3",
    "\"Quoted\" 'single'",
    "AT&T, Q&A and R&D",
    "&amp; is how HTML writes &",
    "5 > 3 and 2 < 4",
    "a <b",
    "<img src=x onerror=alert(1)>",
];

/// Titles that would be markup, or another text, if a reader rendered them as HTML.
const MARKUP: [&str; 3] = [
    "&amp; is how HTML writes &",
    "a <b",
    "<img src=x onerror=alert(1)>",
];

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn page() -> String {
    let items: String = TITLES
        .iter()
        .enumerate()
        .map(|(n, t)| {
            format!(
                "<li><h3>{}</h3><a href=\"/item/{n}\">more</a></li>",
                html_escape(t)
            )
        })
        .collect();
    format!("<html><head><title>Readers</title></head><body><ul>{items}</ul></body></html>")
}

/// Each item's title as newsboat shows it, by the last part of its link, for the feed at `url`.
fn newsboat(url: &str) -> HashMap<String, String> {
    let home = tempfile::tempdir().expect("home");
    let urls = home.path().join("urls");
    std::fs::write(&urls, format!("{url}\n")).expect("urls");
    let cache = home.path().join("cache.db");
    let out = Command::new("newsboat")
        .args(["-x", "reload", "-u"])
        .arg(&urls)
        .arg("-c")
        .arg(&cache)
        .args(["-C", "/dev/null"])
        .env("HOME", home.path())
        .output()
        .unwrap_or_else(|e| panic!("newsboat runs (apt-get install newsboat): {e}"));
    assert!(out.status.success(), "newsboat: {}", stderr(&out));
    let db = rusqlite::Connection::open(&cache).expect("newsboat's cache");
    let mut stmt = db
        .prepare("SELECT url, title FROM rss_item")
        .expect("newsboat's cache has its items");
    stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .expect("rows")
        .filter_map(Result::ok)
        .map(|(url, title)| {
            (
                url.rsplit('/').next().unwrap_or_default().to_string(),
                title,
            )
        })
        .collect()
}

/// Each item's title as a reader built on feedparser shows it: the value where feedparser
/// says it is plain text, the HTML's text where it says HTML.
fn feedparser(path: &std::path::Path) -> HashMap<String, String> {
    let script = r#"
import feedparser, html, json, re, sys
out = {}
for e in feedparser.parse(sys.argv[1]).entries:
    d = e.title_detail
    v = d.value
    if d.type in ("text/html", "application/xhtml+xml"):
        v = html.unescape(re.sub(r"<[^>]*>", "", v))
    out[e.link.rsplit("/", 1)[-1]] = v
print(json.dumps(out))
"#;
    let out = Command::new(std::env::var("PAGEFEED_PYTHON").unwrap_or_else(|_| "python3".into()))
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3 runs with feedparser");
    assert!(out.status.success(), "feedparser: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn titles_read_as_the_page_shows_them() {
    let ws = Workspace::new();
    std::fs::write(ws.path("page.html"), page()).expect("page");
    ws.config(
        "output_dir = \"feeds\"\nstate_dir = \"state\"\n[[feed]]\nid = \"r\"\nurl = \"page.html\"\npage_url = \"https://r.example/\"\n[feed.items]\nselect = \"li\"\ntitle = \"h3\"\n",
    );
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    assert!(out.status.success(), "{}", stderr(&out));
    let server = Server::files(&ws.path("feeds"));
    let mut problems = Vec::new();
    for (format, file) in [("Atom", "r.atom"), ("RSS", "r.rss")] {
        let shown = newsboat(&server.url(&format!("/{file}")));
        let parsed = feedparser(&ws.path(&format!("feeds/{file}")));
        for (n, title) in TITLES.iter().enumerate() {
            let key = n.to_string();
            // RSS cannot say a title is text: one that would be markup is escaped, and
            // newsboat, which reads RSS titles as plain text, shows the escapes.
            let want_newsboat = if format == "RSS" && MARKUP.contains(title) {
                html_escape(title)
            } else {
                title.to_string()
            };
            match shown.get(&key) {
                Some(got) if *got == want_newsboat => {}
                got => problems.push(format!(
                    "newsboat, {format}: {title:?} shows as {got:?}, not {want_newsboat:?}"
                )),
            }
            match parsed.get(&key) {
                Some(got) if got == title => {}
                got => problems.push(format!("feedparser, {format}: {title:?} reads as {got:?}")),
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
