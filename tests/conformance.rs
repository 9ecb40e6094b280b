//! Every feed pagefeed writes is read back by a real feed reader's parser (Python
//! feedparser, through tests/tools/feedread.py): the seed page over three polls, a page read
//! from a file, a page without dates, a page in windows-1252 with relative links and awkward
//! characters, and a listing of a thousand items.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

fn feedread(files: &[std::path::PathBuf]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/feedread.py");
    let out = Command::new("python3")
        .arg(&script)
        .args(files)
        .output()
        .expect("python3 runs (the test command installs it with feedparser)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "a feed reader trips on pagefeed's output:\n{text}"
    );
    assert!(
        text.contains(&format!("{} feed file(s) read, 0 problem(s)", files.len())),
        "{text}"
    );
}

fn feeds_of(ws: &Workspace) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(ws.path("feeds"))
        .expect("feeds folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rss" || e == "atom"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_seed_over_three_polls_reads_cleanly_after_each() {
    let server = Server::files(&seed_dir());
    let ws = Workspace::new();
    for (page, now) in ["1330", "1405", "1640"].iter().zip(SEED_NOW) {
        ws.config(&seed_config(
            &server.url(&format!("/buitenland-{page}.html")),
        ));
        let out = ws.run(&["once", "--now", now]);
        assert!(out.status.success(), "{}", stderr(&out));
        feedread(&feeds_of(&ws));
    }
}

#[test]
fn awkward_pages_read_cleanly() {
    // windows-1252 bytes, undeclared; markup and entities in text; relative links under a
    // <base>; an item without a date; a duplicate link.
    let mut page: Vec<u8> = br#"<html><head><title>Caf&eacute; &amp; "quotes" <b></title><base href="/news/"></head><body><ul>
<li><a href="one?a=1&amp;b=2">Caf"#
        .to_vec();
    page.extend_from_slice(b"\xe9 au lait &lt;b&gt;bold&lt;/b&gt; \x93quoted\x94. Second.</a><time datetime=\"2026-03-04T10:00:00+01:00\">x</time></li>\n");
    page.extend_from_slice(b"<li><a href=\"two\">No date here</a></li>\n<li><a href=\"two\">Same link, other text</a></li>\n</ul></body></html>");
    let server =
        Server::start(move |_| Response::html(page.clone()).header("Content-Type", "text/html"));
    let ws = Workspace::new();
    ws.config(&format!(
        "output_dir = \"feeds\"\nstate_dir = \"state\"\n[[feed]]\nid = \"awkward\"\nurl = \"{}\"\n[feed.items]\nselect = \"li\"\n",
        server.url("/page")
    ));
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rss = ws.read("feeds/awkward.rss");
    // The page shows "<b>bold</b>" as text: the title carries it HTML-escaped, never as markup.
    assert!(
        rss.contains(
            "<title>Café au lait &amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; “quoted”.</title>"
        ),
        "{rss}"
    );
    assert!(
        rss.contains(&format!("http://{}/news/one?a=1&amp;b=2", server.addr)),
        "{rss}"
    );
    feedread(&feeds_of(&ws));
}

#[test]
fn a_thousand_items_read_cleanly() {
    let mut page = String::from("<html><head><title>Big</title></head><body><ol>");
    for n in 0..1000 {
        page.push_str(&format!(
            "<li><a href=\"/item/{n}\">Item number {n} of the list.</a> <span class=\"t\">{} minutes ago</span></li>",
            n + 1
        ));
    }
    page.push_str("</ol></body></html>");
    let server = Server::start(move |_| Response::html(page.clone()));
    let ws = Workspace::new();
    ws.config(&format!(
        "output_dir = \"feeds\"\nstate_dir = \"state\"\nmax_items = 1000\n[[feed]]\nid = \"big\"\nurl = \"{}\"\nlanguage = \"en\"\n[feed.items]\nselect = \"ol > li\"\ndate = \"span.t\"\n",
        server.url("/")
    ));
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rss = rss::Channel::read_from(ws.read("feeds/big.rss").as_bytes()).expect("parses");
    assert_eq!(rss.items().len(), 1000);
    feedread(&feeds_of(&ws));
}
