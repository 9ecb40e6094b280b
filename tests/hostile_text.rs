//! Text a page shows stays text in every feed reader: a page whose titles, summaries,
//! authors, categories and `<title>` show markup as text (entity-escaped in its source) is
//! polled by the real binary, and both feeds are read back with feedparser by
//! tests/tools/nomarkup.py, which renders every field as HTML. No field may hold anything
//! that runs script or loads something, and each shows the page's text. A second feed keeps
//! the summaries' markup (`html = true`) from a page full of live hostile markup: sanitised,
//! it still holds nothing that runs.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the page shows as text, each a way to sneak markup into a reader.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script> after",
    "<img src=x onerror=alert(4)> caption",
    "<iframe src=\"javascript:alert(2)\"></iframe> framed",
    "<svg onload=alert(3)><circle/></svg> drawn",
    "<a href=\"javascript:alert(5)\">click</a>",
    "<div style=\"position:fixed;inset:0\">overlay</div>",
    "<style>body{display:none}</style> styled",
    "U1 <img src=x onerror=alert(1) x",
    "&lt;b&gt; &amp;amp; &#60;script&#62; &copy 2026",
    "<![CDATA[ c ]]> d ]]> e",
    "ctl \u{1}x\u{7f}y\u{0}z\u{b}",
    "it's \"quoted\" & AT&T > Q&A",
];

const PAGE_TITLE: &str = "<img src=x onerror=alert(7)> Page & <script>alert(8)</script>";

/// Live markup for the summaries a feed keeps as HTML.
const LIVE: &[&str] = &[
    "<p onclick=\"x()\">Teaser <b>bold</b> <a href=\"/rel\">rel</a></p><script>alert(1)</script>",
    "<img src=x onerror=alert(4)><iframe src=\"javascript:alert(2)\"></iframe>",
    "<svg onload=alert(3)><circle/></svg><a href=\"javascript:alert(5)\">js</a>",
    "<div style=\"position:fixed;inset:0\">overlay</div><style>*{}</style>",
    "<form action=\"/x\"><input name=q></form><object data=\"x.swf\"></object><embed src=\"x\">",
    "<a href=\" java&#x09;script:alert(6)\">tab</a><img src=\"data:image/png;base64,AA==\">",
    "<![CDATA[ <b>c</b> ]]> d<math><mtext>m</mtext></math>",
    "<p>entities &lt;script&gt;</p><img src=x onerror=alert(1) x",
];

/// `text` as page source that shows it as text.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Text as a reader sees it: XML-forbidden and control characters gone (as the page's NUL
/// is gone from its text), white space collapsed.
fn shown(text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn page() -> String {
    let mut page = format!(
        "<html><head><title>{}</title></head><body><ul>\n",
        escape(PAGE_TITLE)
    );
    for (n, text) in HOSTILE.iter().enumerate() {
        let text = escape(text);
        let live = LIVE[n % LIVE.len()];
        page.push_str(&format!(
            "<li><h3>T{n} {text}</h3><a href=\"/item/{n}\">link</a><p class=\"s\">S{n} {text}</p>\
             <span class=\"by\">A{n} {text}</span><b class=\"tag\">C{n} {text}</b>\
             <div class=\"teaser\">{live}</div></li>\n"
        ));
    }
    page.push_str("</ul></body></html>\n");
    page
}

/// A config with one feed `id` of the page at `url`, its summary taken by `summary`.
fn config(url: &str, id: &str, summary: &str) -> String {
    format!(
        r#"
output_dir = "feeds"
state_dir = "state"
host_delay = "0s"
language = "en"

[[feed]]
id = "{id}"
url = "{url}"

[feed.items]
select = "li"
title = "h3"
link = "a"
summary = {summary}
author = "span.by"
category = "b.tag"
"#
    )
}

/// nomarkup.py over `files`: the JSON it prints, and whether it found no problem.
fn nomarkup(files: &[PathBuf]) -> (Value, bool) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/nomarkup.py");
    let out = Command::new("python3")
        .arg(&script)
        .args(files)
        .output()
        .expect("python3 runs (the test command installs it with feedparser)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "nomarkup.py printed no JSON ({e}):\n{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, out.status.success())
}

/// The checker itself: nomarkup.py's self-test plants `<script>`, an `onerror` handler, a
/// `javascript:` link and an `<iframe>` in hand-made Atom and RSS summaries and fails unless
/// it reports each of them, and reports nothing where the same markup is only shown as text.
#[test]
fn nomarkup_reports_each_kind_of_live_markup() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/nomarkup.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg("--self-test")
        .output()
        .expect("python3 runs (the test command installs it with feedparser)");
    assert!(
        out.status.success(),
        "nomarkup.py misses live markup:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn problems(json: &Value) -> Vec<String> {
    json.as_object()
        .into_iter()
        .flat_map(|files| files.values())
        .flat_map(|f| f["problems"].as_array().cloned().unwrap_or_default())
        .map(|p| p.as_str().unwrap_or_default().to_string())
        .collect()
}

fn texts(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Poll the hostile page once into a fresh workspace, as feed `id` with `summary`.
fn poll(id: &str, summary: &str) -> (Workspace, Server) {
    let body = page();
    let server = Server::start(move |_| Response::html(body.clone()));
    let ws = Workspace::new();
    ws.config(&config(&server.url("/news"), id, summary));
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    assert!(out.status.success(), "{}", stderr(&out));
    (ws, server)
}

#[test]
fn page_text_stays_text_in_every_field_of_both_feeds() {
    let (ws, server) = poll("text", r#""p.s""#);
    let rss = ws.read("feeds/text.rss");
    for live in [
        "<img", "<script", "<iframe", "<svg", "<a ", "<div", "<style",
    ] {
        assert!(!rss.contains(live), "live {live} in the RSS:\n{rss}");
    }
    let files = [ws.path("feeds/text.rss"), ws.path("feeds/text.atom")];
    let (json, clean) = nomarkup(&files);
    assert!(
        clean,
        "a reader that renders fields as HTML runs page text:\n{}",
        problems(&json).join("\n")
    );
    for file in &files {
        let read = &json[file.to_string_lossy().as_ref()];
        let feed_title = read["feed"]["title"].as_str().unwrap_or_default();
        assert_eq!(feed_title, shown(PAGE_TITLE), "{}", file.display());
        let subtitle = read["feed"]["subtitle"].as_str().unwrap_or_default();
        assert_eq!(
            subtitle,
            format!("Items of {} ({})", shown(PAGE_TITLE), server.url("/news")),
            "{}",
            file.display()
        );
        let entries = read["entries"].as_array().cloned().unwrap_or_default();
        assert_eq!(entries.len(), HOSTILE.len(), "{}", file.display());
        // Newest first: undated items are published in page order, the first on top.
        for (n, (entry, text)) in entries.iter().zip(HOSTILE).enumerate() {
            let expect = |prefix: &str| shown(&format!("{prefix}{n} {text}"));
            let at = format!("{} entry {n}", file.display());
            assert_eq!(entry["title"].as_str(), Some(expect("T").as_str()), "{at}");
            assert_eq!(
                entry["summary"].as_str(),
                Some(expect("S").as_str()),
                "{at}"
            );
            assert_eq!(texts(&entry["authors"]), vec![expect("A")], "{at}");
            assert_eq!(texts(&entry["categories"]), vec![expect("C")], "{at}");
        }
    }
}

#[test]
fn kept_summary_markup_is_sanitised_in_both_feeds() {
    let (ws, server) = poll("markup", r#"{ select = "div.teaser", html = true }"#);
    let files = [ws.path("feeds/markup.rss"), ws.path("feeds/markup.atom")];
    let (json, clean) = nomarkup(&files);
    assert!(
        clean,
        "kept markup runs in a reader:\n{}",
        problems(&json).join("\n")
    );
    for file in &files {
        let read = &json[file.to_string_lossy().as_ref()];
        let first = &read["entries"][0];
        // The kept markup is markup still: the first teaser's bold and its link, made
        // absolute, with the text of the item's own fields escaped as before.
        let html = first["summary_html"].as_str().unwrap_or_default();
        assert!(html.contains("<b>bold</b>"), "{}: {html}", file.display());
        assert!(
            html.contains(&format!("href=\"{}\"", server.url("/rel"))),
            "{}: {html}",
            file.display()
        );
        assert_eq!(
            first["summary"].as_str(),
            Some("Teaser bold rel"),
            "{}",
            file.display()
        );
        assert_eq!(
            first["title"].as_str(),
            Some(shown(&format!("T0 {}", HOSTILE[0])).as_str())
        );
    }
}
