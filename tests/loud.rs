//! Loud when a selector misses: the real binary against pages served on 127.0.0.1 —
//! coverage in `preview`, in a poll's log (once per change) and in `check --fetch`; selector
//! health that sees titles vanish; derived titles, `:scope`, empty `datetime`s, `page_url`;
//! `PAGEFEED_LOG`; `date -c`; a page's `Content-Language` in `suggest`.

mod common;

use common::*;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

const NOW: &str = "2026-03-04T13:30:00+01:00";

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A server answering every path but robots.txt with the page `page` holds now.
fn changing(page: &str) -> (Server, Arc<Mutex<String>>) {
    let held = Arc::new(Mutex::new(page.to_string()));
    let serve = held.clone();
    let server = Server::start(move |req| {
        if req.path == "/robots.txt" {
            return Response::status(404);
        }
        let body = serve.lock().map(|p| p.clone()).unwrap_or_default();
        Response::html(body)
    });
    (server, held)
}

/// `n` items with an `<h3>` title (or none), a link and a relative date.
fn list(n: usize, titled: bool) -> String {
    let mut page = String::from("<html><head><title>Lijst</title></head><body><ul>");
    for i in 1..=n {
        let head = if titled {
            format!("<h3>Kop {i}</h3>")
        } else {
            String::new()
        };
        page.push_str(&format!(
            "<li>{head}<a href=\"/n/{i}\"><p>Bericht {i} heeft tekst. Meer tekst.</p></a><span class=\"t\">{i} uur geleden</span></li>"
        ));
    }
    page.push_str("</ul></body></html>");
    page
}

fn config(url: &str, extra_feed: &str, items: &str) -> String {
    format!(
        r#"
output_dir = "feeds"
state_dir = "state"
host_delay = "0s"
timezone = "Europe/Amsterdam"
language = "nl"

[[feed]]
id = "lijst"
url = "{url}"
{extra_feed}

[feed.items]
select = "li"
{items}
"#
    )
}

const FIELDS: &str = "title = \"h3\"\ndate = \"span.t\"\nlink = \"a\"";

#[test]
fn preview_reports_coverage_on_stderr_and_keeps_json_an_array() {
    // Two items lose their title, one its date.
    let page = list(4, true)
        .replacen("<h3>Kop 2</h3>", "", 1)
        .replacen("<h3>Kop 3</h3>", "", 1)
        .replacen("<span class=\"t\">4 uur geleden</span>", "", 1);
    let (server, _) = changing(&page);
    let ws = Workspace::new();
    ws.config(&config(&server.url("/"), "max_items = 3", FIELDS));
    let out = ws.run(&["preview", "lijst", "--json", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let items = items.as_array().expect("an array of items");
    assert_eq!(items.len(), 3, "the feed keeps 3");
    let err = stderr(&out);
    for line in [
        "title \"h3\" matched 2 of 4 items; titles fall back to the first sentence",
        "date \"span.t\" matched 3 of 4 items; those items are published when first seen",
        "4 item(s) on the page",
        "the feed keeps 3 (max_items)",
    ] {
        assert!(err.contains(line), "no {line:?} in:\n{err}");
    }
    assert!(!err.contains("link \"a\" matched"), "{err}");
    // The fallen-back title is the first sentence, never the link.
    assert_eq!(items[1]["title"], "Bericht 2 heeft tekst.");

    let out = ws.run(&["preview", "lijst", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("4 item(s) on the page")
            && text.contains("at 2026-03-04T13:30:00+01:00; the feed keeps 3 (max_items)"),
        "{text}"
    );
    assert!(
        text.contains("published  2026-03-04T12:30:00+01:00")
            && text.contains("within     (2026-03-04T11:30:00+01:00, 2026-03-04T12:30:00+01:00]"),
        "times in the feed's zone, to the second:\n{text}"
    );
    assert!(!text.contains("+00:00"), "{text}");
    assert!(
        stderr(&out).contains("titles fall back to the first sentence"),
        "{}",
        stderr(&out)
    );
    assert!(!ws.path("state").exists() && !ws.path("feeds").exists());
}

#[test]
fn preview_shows_undated_items_as_undated() {
    let page = list(2, true).replace("<span class=\"t\">2 uur geleden</span>", "");
    let (server, _) = changing(&page);
    let ws = Workspace::new();
    ws.config(&config(&server.url("/"), "", FIELDS));
    let out = ws.run(&["preview", "lijst", "--now", NOW]);
    let text = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!text.contains("1970"), "{text}");
    assert!(
        text.contains("(undated: the moment it was first seen, in page order)"),
        "{text}"
    );
    let out = ws.run(&["preview", "lijst", "--json", "--now", NOW]);
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(items[0]["dated"], true);
    assert_eq!(items[1]["dated"], false);
}

#[test]
fn a_poll_warns_of_coverage_once_per_change() {
    let mut page = list(6, true);
    page = page.replacen("<h3>Kop 1</h3>", "", 1);
    let (server, held) = changing(&page);
    let ws = Workspace::new();
    ws.config(&config(&server.url("/"), "", FIELDS));
    let warning = "selector coverage: title \"h3\" matched 5 of 6 items";
    let out = ws.run(&["once", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(warning), "{}", stderr(&out));
    // The same coverage again (a later `once`, a fresh process): not again.
    let out = ws.run(&["once", "--now", "2026-03-04T13:35:00+01:00"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("selector coverage"),
        "{}",
        stderr(&out)
    );
    // Whole again: said once.
    *held.lock().expect("page") = list(6, true);
    let out = ws.run(&["once", "--now", "2026-03-04T13:40:00+01:00"]);
    assert!(
        stderr(&out).contains("every configured field matched every item again"),
        "{}",
        stderr(&out)
    );
    let out = ws.run(&["once", "--now", "2026-03-04T13:45:00+01:00"]);
    assert!(
        !stderr(&out).contains("selector coverage"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn selector_health_sees_configured_titles_vanish() {
    let (server, held) = changing(&list(8, true));
    let ws = Workspace::new();
    ws.config(&config(&server.url("/"), "", FIELDS));
    let out = ws.run(&["once", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = ws.read("feeds/lijst.rss");
    assert!(before.contains("<title>Kop 1</title>"), "{before}");
    // A redesign: the headlines are gone. Every item would still get a title (its first
    // sentence), but not the one configured.
    *held.lock().expect("page") = list(8, false);
    let out = ws.run(&["once", "--now", "2026-03-04T13:40:00+01:00"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("most items have no title (8 items, 0 with a title"),
        "{err}"
    );
    assert!(
        err.contains("title \"h3\" matched 0 of 8 items"),
        "the coverage says why: {err}"
    );
    assert_eq!(
        ws.read("feeds/lijst.rss"),
        before,
        "the last good files stay"
    );
    // The coverage was remembered even though nothing was published.
    let out = ws.run(&["once", "--now", "2026-03-04T13:50:00+01:00"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !stderr(&out).contains("selector coverage"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_fetch_reports_every_field_and_fails_where_a_feed_fails() {
    let (server, _) = changing(&list(3, true).replacen("<h3>Kop 3</h3>", "", 1));
    let missing = Server::start(|_| Response::status(404));
    let ws = Workspace::new();
    let mut text = config(&server.url("/"), "", FIELDS);
    let good = text.clone();
    text.push_str(&format!(
        "\n[[feed]]\nid = \"weg\"\nurl = \"{}\"\n[feed.items]\nselect = \"li\"\n\n[[feed]]\nid = \"leeg\"\nurl = \"{}\"\n[feed.items]\nselect = \"article\"\n",
        missing.url("/weg"),
        server.url("/")
    ));
    ws.config(&text);
    let out = ws.run(&["check", "--fetch"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = stdout(&out);
    for line in [
        "OK, 3 feed(s): lijst, weg, leeg",
        "feed \"lijst\": 3 item(s) on",
        "title    \"h3\"",
        "2 of 3",
        "link     \"a\"",
        "summary  (default: the item's text)",
        "author   (default: a dateline's agency)",
        "warning: title \"h3\" matched 2 of 3 items; titles fall back to the first sentence",
        "feed \"weg\": cannot fetch:",
        "HTTP 404",
        "feed \"leeg\":",
        "the item selector matched nothing on the page",
    ] {
        assert!(report.contains(line), "no {line:?} in:\n{report}");
    }
    assert!(
        !ws.path("state").exists() && !ws.path("feeds").exists(),
        "check --fetch writes nothing"
    );
    ws.config(&good);
    let out = ws.run(&["check", "--fetch"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Without --fetch nothing is fetched.
    let asked = server.requests().len();
    assert!(ws.run(&["check"]).status.success());
    assert_eq!(server.requests().len(), asked);
}

#[test]
fn page_url_resolves_links_and_is_the_feed_link() {
    let ws = Workspace::new();
    let page = "<html><head><title>Bestand</title><link rel=\"canonical\" href=\"https://elders.example/\"></head><body><ul><li><a href=\"n/1\">Een.</a></li><li><a href=\"/n/2\">Twee.</a></li></ul></body></html>";
    std::fs::write(ws.path("pagina.html"), page).expect("write page");
    ws.config(&config(
        "pagina.html",
        "page_url = \"https://nieuws.example/lijst/\"",
        "",
    ));
    let out = ws.run(&["once", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rss = rss::Channel::read_from(ws.read("feeds/lijst.rss").as_bytes()).expect("RSS");
    assert_eq!(rss.link(), "https://nieuws.example/lijst/");
    let links: Vec<&str> = rss.items().iter().filter_map(|i| i.link()).collect();
    assert_eq!(
        links,
        [
            "https://nieuws.example/lijst/n/1",
            "https://nieuws.example/n/2"
        ]
    );
    let atom = ws.read("feeds/lijst.atom");
    assert!(
        atom.contains("href=\"https://nieuws.example/lijst/\"")
            && atom.contains("rel=\"alternate\""),
        "{atom}"
    );
    ws.config(&config(
        &server_free_url(),
        "page_url = \"file:///tmp/x\"",
        "",
    ));
    let out = ws.run(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("page_url: \"file:///tmp/x\" is not an absolute http(s) URL"),
        "{}",
        stderr(&out)
    );
}

fn server_free_url() -> String {
    "https://nieuws.example/lijst".into()
}

#[test]
fn scope_titles_and_links_and_empty_datetimes_end_to_end() {
    let page = r#"<html><body>
        <a class="kaart" href="/k/1"><h4>Kaart een zonder punt</h4><p>Meer tekst. Nog meer.</p><time datetime="">1 uur geleden</time></a>
        <a class="kaart" href="/k/2"><h4>Kaart twee</h4><p>Tekst.</p><time datetime="">2 uur geleden</time></a>
        </body></html>"#;
    let (server, _) = changing(page);
    let ws = Workspace::new();
    let text = config(&server.url("/"), "", "link = \":scope\"\ndate = \"time\"")
        .replace("select = \"li\"", "select = \"a.kaart\"");
    ws.config(&text);
    let out = ws.run(&["preview", "lijst", "--json", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        items[0]["title"], "Kaart een zonder punt",
        "ends with the <h4>"
    );
    assert_eq!(items[0]["link"], server.url("/k/1"));
    assert_eq!(
        items[0]["latest"], "2026-03-04T11:30:00+00:00",
        "read from the text"
    );
    assert_eq!(items[1]["latest"], "2026-03-04T10:30:00+00:00");
    // title = ":scope" is the item's whole text.
    ws.config(&text.replace("link = \":scope\"", "title = \":scope\"\nlink = \":scope\""));
    let out = ws.run(&["preview", "lijst", "--json", "--now", NOW]);
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        items[1]["title"],
        "Kaart twee Tekst. 2 uur geleden",
        "{}",
        stderr(&out)
    );
    // text = true reads the text even where the datetime is there.
    let page = page.replace("datetime=\"\"", "datetime=\"2026-03-04T12:00:00Z\"");
    let (server, _) = changing(&page);
    ws.config(
        &config(
            &server.url("/"),
            "",
            "date = { select = \"time\", text = true }",
        )
        .replace("select = \"li\"", "select = \"a.kaart\""),
    );
    let out = ws.run(&["preview", "lijst", "--json", "--now", NOW]);
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        items[0]["latest"],
        "2026-03-04T11:30:00+00:00",
        "{}",
        stderr(&out)
    );
}

fn pagefeed(args: &[&str], log: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pagefeed"))
        .args(args)
        .env_remove("PAGEFEED_CONFIG")
        .env_remove("STATE_DIRECTORY")
        .env_remove("JOURNAL_STREAM")
        .env_remove("RUST_LOG")
        .env("PAGEFEED_LOG", log)
        .output()
        .expect("run pagefeed")
}

#[test]
fn pagefeed_log_debug_is_pagefeeds_own_debug() {
    let (server, _) = changing(&list(2, true));
    let ws = Workspace::new();
    let cfg = ws.config(&config(&server.url("/"), "", FIELDS));
    let cfg = cfg.to_string_lossy().into_owned();
    let args = ["preview", "lijst", "--now", NOW, "-c", cfg.as_str()];
    let out = pagefeed(&args, "debug");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("fetched"), "pagefeed's own debug line: {err}");
    assert!(
        !err.contains("insertion mode"),
        "no parser internals: {err}"
    );
    let out = pagefeed(&args, "debug,html5ever=debug");
    assert!(
        stderr(&out).contains("insertion mode"),
        "named, the parser speaks"
    );
}

#[test]
fn date_reads_zone_languages_and_rounding_from_the_config() {
    let ws = Workspace::new();
    let cfg = ws.config(
        r#"
timezone = "Europe/Amsterdam"
language = "nl"
[[feed]]
id = "ny"
url = "https://nieuws.example/"
timezone = "America/New_York"
language = "en"
rounding = "nearest"
[feed.items]
select = "li"
"#,
    );
    let cfg = cfg.to_string_lossy().into_owned();
    let now = "2026-03-04T13:30:00.750+01:00";
    let json = |args: &[&str]| {
        let mut all = vec!["date"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--now", now, "--json"]);
        let out = pagefeed(&all, "warn");
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON")
    };
    // The config's zone and language.
    let v = json(&["1 uur geleden", "-c", &cfg]);
    assert_eq!(
        v["earliest"], "2026-03-04T11:30:00+01:00",
        "to the second: {v}"
    );
    assert_eq!(v["latest"], "2026-03-04T12:30:00+01:00");
    // The feed's zone, language and rounding: 30 to 89 minutes.
    let v = json(&["1 hour ago", "-c", &cfg, "--feed", "ny"]);
    assert_eq!(v["earliest"], "2026-03-04T06:00:00-05:00", "{v}");
    assert_eq!(v["latest"], "2026-03-04T07:00:00-05:00", "{v}");
    // Flags win.
    let v = json(&["1 uur geleden", "-c", &cfg, "--timezone", "UTC"]);
    assert_eq!(v["latest"], "2026-03-04T11:30:00+00:00", "{v}");
    // Without -c: UTC, every language, as before; still to the second.
    let v = json(&["1 uur geleden"]);
    assert_eq!(v["latest"], "2026-03-04T11:30:00+00:00", "{v}");
    let out = pagefeed(&["date", "x", "-c", &cfg, "--feed", "nee"], "warn");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no feed with id \"nee\""));
}

#[test]
fn suggest_reads_the_language_from_content_language() {
    let mut page = String::from("<html><body><ul class=\"news\">");
    for i in 1..=6 {
        page.push_str(&format!(
            "<li><h3><a href=\"/n/{i}\">Bericht nummer {i} met een kop</a></h3><p>Tekst {i}.</p><time datetime=\"2026-03-0{i}T10:00:00Z\">2026-03-0{i}</time></li>"
        ));
    }
    page.push_str("</ul></body></html>");
    let server =
        Server::start(move |_| Response::html(page.clone()).header("Content-Language", "de-AT"));
    let out = pagefeed(
        &["suggest", &server.url("/"), "--json", "--now", NOW],
        "warn",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v[0]["feed"]["language"], "de", "{v}");
}

/// A page that lists its oldest items first, read as newest first: one line for the poll
/// that first publishes them, with the hint, and nothing at the polls after it — not a line
/// per item per poll. A new item out of order later is named on its own.
#[test]
fn page_order_not_kept_is_one_line_and_only_for_new_items() {
    let ascending = |n: usize| {
        let mut page = String::from("<html><head><title>Lijst</title></head><body><ul>");
        for i in (1..=n).rev() {
            page.push_str(&format!(
                "<li><h3>Kop {i}</h3><a href=\"/n/{i}\">Bericht {i}.</a><span class=\"t\">{i} uur geleden</span></li>"
            ));
        }
        page.push_str("</ul></body></html>");
        page
    };
    let (server, held) = changing(&ascending(20));
    let ws = Workspace::new();
    ws.config(&config(&server.url("/"), "", FIELDS));
    let out = ws.run(&["once", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let disorder: Vec<&str> = err.lines().filter(|l| l.contains("page order")).collect();
    assert_eq!(disorder.len(), 1, "{err}");
    assert!(
        disorder[0].contains("19 new items are listed below items their dates put earlier")
            && disorder[0].contains("order = \"none\""),
        "{err}"
    );
    let out = ws.run(&["once", "--now", "2026-03-04T13:40:00+01:00"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("page order"), "{}", stderr(&out));
    // One new item, at the bottom of the page, newer than all: named alone.
    let page = ascending(20).replace(
        "</ul>",
        "<li><h3>Kop 0</h3><a href=\"/n/0\">Bericht 0.</a><span class=\"t\">zojuist</span></li></ul>",
    );
    *held.lock().expect("lock") = page;
    let out = ws.run(&["once", "--now", "2026-03-04T13:50:00+01:00"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let disorder: Vec<&str> = err.lines().filter(|l| l.contains("page order")).collect();
    assert_eq!(disorder.len(), 1, "{err}");
    assert!(disorder[0].contains("/n/0: listed below"), "{err}");
}

/// `check`, `status` and `once` say which state they read: the folder, and for `status` a
/// state not there yet.
#[test]
fn the_commands_say_which_state_they_read() {
    let ws = Workspace::new();
    let page = seed_dir().join("buitenland-1330.html");
    ws.config(&seed_config(&page.display().to_string()));
    let state = ws.path("state");
    let state = state.display().to_string();
    let check = ws.run(&["check"]);
    assert!(
        String::from_utf8_lossy(&check.stdout).contains(&format!("state in {state}")),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let status = ws.run(&["status"]);
    assert!(status.status.success());
    let err = stderr(&status);
    assert!(err.contains(&format!("no state in {state} yet")), "{err}");
    let once = ws.run(&["once", "--now", SEED_NOW[0]]);
    assert!(
        stderr(&once).contains(&format!("state in {state}")),
        "{}",
        stderr(&once)
    );
    let status = ws.run(&["status"]);
    assert!(
        stderr(&status).contains(&format!("state in {state}")),
        "{}",
        stderr(&status)
    );
}

/// A German page: "heute, 18:00 Uhr" and the like, `lang="de"`.
fn german_page() -> String {
    let items: String = (0..16)
        .map(|n| {
            format!(
                "<li><a href=\"/n{n}\">Meldung {n} aus dem Ressort</a> <span class=\"t\">heute, {:02}:{:02} Uhr</span></li>",
                12 - n / 4,
                (n % 4) * 15
            )
        })
        .collect();
    format!(
        "<html lang=\"de\"><head><title>Nachrichten</title></head><body><ul>{items}</ul></body></html>"
    )
}

fn german_config(url: &str, keys: &str) -> String {
    format!(
        "output_dir = \"feeds\"\nstate_dir = \"state\"\nhost_delay = \"0s\"\n{keys}[[feed]]\nid = \"de\"\nurl = \"{url}\"\n[feed.items]\nselect = \"li\"\ndate = \"span.t\"\n"
    )
}

/// A wrong `language`: `check --fetch` counts the date texts read beside those matched, names
/// the first it cannot read and the page's own language, and exits 1; `preview` and a poll's
/// log say the same.
#[test]
fn dates_read_are_counted_beside_dates_matched() {
    let (server, _page) = changing(&german_page());
    let ws = Workspace::new();
    ws.config(&german_config(
        &server.url("/"),
        "language = \"fr\"\ntimezone = \"Europe/Berlin\"\n",
    ));
    let out = ws.run(&["check", "--fetch"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let date = text
        .lines()
        .find(|l| l.trim_start().starts_with("date"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(date.ends_with("16 of 16, 0 read"), "{date}");
    assert!(
        text.contains("16 matched, 0 read: cannot read \"heute, 12:00 Uhr\" as a date in fr; the page says lang=\"de\""),
        "{text}"
    );
    assert!(
        text.contains("most of the feed's date texts cannot be read"),
        "{text}"
    );
    let preview = ws.run(&["preview", "de", "--now", NOW]);
    assert!(
        stderr(&preview).contains("16 matched, 0 read"),
        "{}",
        stderr(&preview)
    );
    let once = ws.run(&["once", "--now", NOW]);
    assert!(
        stderr(&once).contains("date: 16 matched, 0 read"),
        "{}",
        stderr(&once)
    );
    // The right language: all read, exit 0.
    ws.config(&german_config(
        &server.url("/"),
        "language = \"de\"\ntimezone = \"Europe/Berlin\"\n",
    ));
    let out = ws.run(&["check", "--fetch"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("16 of 16, 16 read"),
        "{}",
        stdout(&out)
    );
}

/// No `timezone`: `check` warns for each such feed; `check --fetch` warns where the page's
/// dates need a zone (clock times without one), and not where they name their instant.
#[test]
fn a_feed_without_a_zone_is_warned_about() {
    let (server, page) = changing(&german_page());
    let ws = Workspace::new();
    ws.config(&german_config(&server.url("/"), ""));
    let out = ws.run(&["check"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("warning: feed \"de\": no timezone: clock times on its page without an offset or zone are read as UTC"),
        "{}",
        stdout(&out)
    );
    let out = ws.run(&["check", "--fetch"]);
    assert!(
        stdout(&out).contains("16 date text(s) name a clock time or a day without an offset or zone (\"heute, 09:00 Uhr\"), and the feed names no timezone: they are read as UTC"),
        "{}",
        stdout(&out)
    );
    // Dates with their own offset need no zone.
    *page.lock().unwrap_or_else(|e| e.into_inner()) = german_page()
        .replace("<span class=\"t\">heute, ", "<span class=\"t\">2026-03-04T")
        .replace(" Uhr</span>", ":00+01:00</span>");
    let out = ws.run(&["check", "--fetch"]);
    assert!(!stdout(&out).contains("read as UTC"), "{}", stdout(&out));
    ws.config(&german_config(
        &server.url("/"),
        "timezone = \"Europe/Berlin\"\n",
    ));
    let out = ws.run(&["check"]);
    assert!(!stdout(&out).contains("no timezone"), "{}", stdout(&out));
}

/// A forum list whose items open with an up-vote action (`vote?id=…&how=up&auth=<token>`):
/// the item's link is the one that carries its title, never the action or a URL carrying a
/// session token; where a configured `link` takes such links, `check --fetch` warns.
#[test]
fn an_items_link_is_its_title_link_never_an_action() {
    let rows: String = (1..=30)
        .map(|n| {
            format!(
                "<tr class=\"row\"><td><a href=\"vote?id={n}&amp;how=up&amp;auth=5f2b9c{n}\">▲</a></td><td><a href=\"https://example.org/story/{n}\">Story number {n} about something</a> <a href=\"hide?id={n}&amp;auth=5f2b9c{n}\">hide</a></td></tr>"
            )
        })
        .collect();
    let page =
        format!("<html><head><title>Forum</title></head><body><table>{rows}</table></body></html>");
    let (server, _page) = changing(&page);
    let ws = Workspace::new();
    let config = |link: &str| {
        format!(
            "output_dir = \"feeds\"\nstate_dir = \"state\"\nhost_delay = \"0s\"\ntimezone = \"UTC\"\n[[feed]]\nid = \"forum\"\nurl = \"{}\"\n[feed.items]\nselect = \"tr.row\"\n{link}",
            server.url("/")
        )
    };
    ws.config(&config(""));
    let once = ws.run(&["once", "--now", NOW]);
    assert!(once.status.success(), "{}", stderr(&once));
    let rss = ws.read("feeds/forum.rss");
    assert!(
        rss.contains("<link>https://example.org/story/7</link>"),
        "{rss}"
    );
    assert!(!rss.contains("vote?") && !rss.contains("auth="), "{rss}");
    let out = ws.run(&["check", "--fetch"]);
    assert!(
        !stdout(&out).contains("look like actions"),
        "{}",
        stdout(&out)
    );
    ws.config(&config("link = \"a\"\n"));
    let out = ws.run(&["check", "--fetch"]);
    let text = stdout(&out);
    assert!(
        text.contains("30 of 30 items' links look like actions or carry a session token"),
        "{text}"
    );
}
