//! Pages in the world's languages, end to end: with `language = "auto"` the page's declared
//! language (`<html lang>`, else the `Content-Language` header) is read first, and texts in
//! scripts the seven hand-written languages cannot read still find their language.

mod common;

use chrono::DateTime;
use common::*;

fn config(url: &str) -> String {
    format!(
        r#"
output_dir = "feeds"
state_dir = "state"
host_delay = "0s"
timezone = "Europe/Moscow"

[[feed]]
id = "world"
url = "{url}"
robots = false

[feed.items]
select = "li"
date = "span"
"#
    )
}

fn published(ws: &Workspace) -> Vec<String> {
    let rss = rss::Channel::read_from(ws.read("feeds/world.rss").as_bytes()).expect("RSS");
    rss.items()
        .iter()
        .map(|i| {
            DateTime::parse_from_rfc2822(i.pub_date().expect("pubDate"))
                .expect("date")
                .to_utc()
                .to_rfc3339()
        })
        .collect()
}

fn page(lang: Option<&str>, items: &[(&str, &str)]) -> String {
    let lang = lang.map(|l| format!(" lang=\"{l}\"")).unwrap_or_default();
    let items: String = items
        .iter()
        .map(|(href, date)| {
            format!("<li><a href=\"{href}\">Item {href}</a> <span>{date}</span></li>")
        })
        .collect();
    format!("<html{lang}><body><ul>{items}</ul></body></html>")
}

#[test]
fn the_declared_language_reads_the_dates() {
    // 12:30 in Moscow is 09:30 UTC.
    let body = page(
        Some("ru"),
        &[
            ("/a", "5 минут назад"),
            ("/b", "вчера в 14:05"),
            ("/c", "3 марта 2026"),
        ],
    );
    let server = Server::start(move |_| Response::html(body.clone()));
    let ws = Workspace::new();
    ws.config(&config(&server.url("/")));
    let out = ws.run(&["once", "--now", "2026-03-04T12:30:00+03:00"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("could not be read"),
        "{}",
        stderr(&out)
    );
    let times = published(&ws);
    // Five minutes ago: the middle of (09:24, 09:25]; yesterday 14:05 Moscow = 11:05 UTC.
    assert_eq!(times[0], "2026-03-04T09:24:30+00:00");
    assert_eq!(times[1], "2026-03-03T11:05:29+00:00");
    assert!(times[2].starts_with("2026-03-0"), "{times:?}");
}

#[test]
fn the_content_language_header_and_other_scripts_are_read_too() {
    let body = page(None, &[("/a", "5 dakika önce"), ("/b", "3時間前")]);
    let server =
        Server::start(move |_| Response::html(body.clone()).header("Content-Language", "tr"));
    let ws = Workspace::new();
    ws.config(&config(&server.url("/")));
    let out = ws.run(&["once", "--now", "2026-03-04T12:30:00+03:00"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("could not be read"),
        "{}",
        stderr(&out)
    );
    let times = published(&ws);
    assert_eq!(
        times[0], "2026-03-04T09:24:30+00:00",
        "Turkish, from the header"
    );
    assert_eq!(
        times[1], "2026-03-04T06:30:00+00:00",
        "Japanese, by its script"
    );
}
