//! `pagefeed suggest` end to end: the real binary proposes a feed for fixture pages served
//! from 127.0.0.1 and read from files, and the block it prints, put in a config, passes
//! `check` and publishes the expected items with `once`.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-03-04T13:30:00+01:00";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/suggest")
}

/// Run `pagefeed suggest ARGS` (no config unless ARGS name one).
fn suggest(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pagefeed"))
        .arg("suggest")
        .args(args)
        .args(["--now", NOW])
        .env_remove("PAGEFEED_CONFIG")
        .env_remove("STATE_DIRECTORY")
        .env_remove("JOURNAL_STREAM")
        .env("PAGEFEED_LOG", "warn")
        .output()
        .expect("run pagefeed")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The expected links of a fixture.
fn expected_links(name: &str) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(fixtures().join(format!("{name}.expected.json")))
        .expect("expected file");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let links = v["links"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| l.as_str().expect("link").to_string())
        .collect();
    (v["items"].as_u64().expect("items") as usize, links)
}

const HEAD: &str = "output_dir = \"feeds\"\nstate_dir = \"state\"\nhost_delay = \"0s\"\n\n";

/// Put the printed output (a block, then comments) in a config; check it; poll it once;
/// return the RSS written for `id`.
fn publish(ws: &Workspace, printed: &str, id: &str) -> String {
    ws.config(&format!("{HEAD}{printed}"));
    let check = ws.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "check: {}", stderr(&check));
    let once = ws.run(&["once", "--now", NOW]);
    assert_eq!(once.status.code(), Some(0), "once: {}", stderr(&once));
    ws.read(&format!("feeds/{id}.rss"))
}

fn rss_links(rss: &str) -> Vec<String> {
    rss.split("<item>")
        .skip(1)
        .filter_map(|i| {
            let start = i.find("<link>")? + "<link>".len();
            let end = i[start..].find("</link>")? + start;
            Some(i[start..end].to_string())
        })
        .collect()
}

fn path_of(link: &str) -> String {
    url::Url::parse(link)
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
        .unwrap_or_default()
}

#[test]
fn a_suggestion_over_http_checks_and_publishes_the_items() {
    let server = Server::files(&fixtures());
    for name in [
        "news-relative",
        "cards-link",
        "releases-table",
        "german-news",
    ] {
        let out = suggest(&[&server.url(&format!("/{name}.html")), "--id", "page"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let printed = stdout(&out);
        assert!(printed.contains("[[feed]]\nid = \"page\"\n"), "{printed}");
        let ws = Workspace::new();
        let rss = publish(&ws, &printed, "page");
        let (count, want) = expected_links(name);
        let got = rss_links(&rss);
        assert_eq!(got.len(), count, "{name}: {got:?}");
        // Over http links resolve against the served address, not the canonical one.
        let got: Vec<String> = got.iter().map(|l| path_of(l)).collect();
        let want: Vec<String> = want.iter().map(|l| path_of(l)).collect();
        assert_eq!(&got[..want.len()], &want[..], "{name}");
        assert!(
            got.iter().all(|l| !l.is_empty()),
            "{name}: every item has a link"
        );
    }
}

#[test]
fn a_suggestion_from_a_file_resolves_links_against_the_canonical_page() {
    let page = fixtures().join("most-read.html");
    let out = suggest(&[page.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(printed.contains("id = \"most-read\""), "{printed}");
    assert!(printed.contains("select = \"div.teaser\""), "{printed}");
    let ws = Workspace::new();
    let rss = publish(&ws, &printed, "most-read");
    let (count, want) = expected_links("most-read");
    let got = rss_links(&rss);
    assert_eq!(got.len(), count);
    assert_eq!(&got[..want.len()], &want[..]);
}

#[test]
fn json_lists_candidates_best_first_and_pick_chooses_the_block() {
    let page = fixtures().join("search-results.html");
    let page = page.to_str().expect("path");
    let out = suggest(&[page, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let list = v.as_array().expect("an array");
    assert!(list.len() >= 2, "{v}");
    let scores: Vec<f64> = list
        .iter()
        .map(|c| c["score"].as_f64().expect("score"))
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let best = &list[0];
    assert_eq!(best["items"], 7);
    assert_eq!(best["feed"]["items"]["select"], "div.result");
    assert_eq!(best["feed"]["id"], "search-results");
    assert!(best["feed"]["url"].as_str().is_some());
    let samples = best["samples"].as_array().expect("samples");
    assert_eq!(samples.len(), 3);
    assert_eq!(samples[0]["link"], "https://breadlab.example/starter");
    assert!(samples[0]["title"].as_str().is_some_and(|t| !t.is_empty()));
    // --pick 2 puts the second candidate in the block.
    let second = list[1]["feed"]["items"]["select"].as_str().expect("select");
    let out = suggest(&[page, "--pick", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(
        printed.contains(&format!(
            "[feed.items]\nselect = {}\n",
            serde_json::json!(second)
        )),
        "{printed}"
    );
    // Beyond the candidates: a usage error.
    let out = suggest(&[page, "--pick", "99"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--pick 99"), "{}", stderr(&out));
}

#[test]
fn add_appends_only_what_passes_check() {
    let ws = Workspace::new();
    let existing = format!(
        "{HEAD}[[feed]]\nid = \"threads\"\nurl = \"{}\"\n\n[feed.items]\nselect = \"li.thread\"\n",
        fixtures().join("forum-threads.html").display()
    );
    let config = ws.config(&existing);
    let config_arg = config.to_str().expect("path");
    let page = fixtures().join("french-news.html");
    let page = page.to_str().expect("path");
    // A good addition: appended, and the file checks with both feeds.
    let out = suggest(&[page, "--id", "fil", "--add", config_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let now = ws.read("pagefeed.toml");
    assert!(now.starts_with(&existing), "the file is appended to");
    assert!(
        now.contains("id = \"fil\"") && now.contains("language = \"fr\""),
        "{now}"
    );
    let check = ws.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(
        stdout(&check).contains("threads, fil"),
        "{}",
        stdout(&check)
    );
    // An id that clashes: the file is left as it is, exit 2, the id named.
    let before = ws.read("pagefeed.toml");
    let out = suggest(&[page, "--id", "threads", "--add", config_arg]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("\"threads\""), "{}", stderr(&out));
    assert_eq!(ws.read("pagefeed.toml"), before, "the file is untouched");
}

#[test]
fn pages_without_a_list_and_failed_fetches_exit_1() {
    let server = Server::start(|req| match req.path.as_str() {
        "/plain" => Response::html("<html><body><p>Just one paragraph of text.</p></body></html>"),
        _ => Response::status(404),
    });
    let out = suggest(&[&server.url("/plain")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no repeated blocks"),
        "{}",
        stderr(&out)
    );
    let out = suggest(&[&server.url("/missing")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("404"), "{}", stderr(&out));
    let out = suggest(&[&server.url("/plain"), "--id", "Bad Id"]);
    assert_eq!(out.status.code(), Some(2));
}

/// On the page pagefeed was first built for, where each item's link wraps its paragraph and
/// its time, the suggestion is what a person writes by hand: the paragraph as the summary and
/// the time as the date (not the whole link as the title, which would hide the date), so the
/// samples carry the times "N minuten geleden" gives.
#[test]
fn a_link_around_the_whole_item_is_not_its_title_and_hides_no_date() {
    let page = fixtures().join("seed-nl.html");
    let out = suggest(&[page.to_str().expect("path"), "--id", "buitenland"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    let block = printed.split("# Candidates").next().unwrap_or_default();
    assert!(block.contains("date = \"span.news-list__time\""), "{block}");
    assert!(block.contains("summary = \"p.news-list__text\""), "{block}");
    assert!(!block.contains("title = \"a"), "{block}");
    assert!(
        printed.contains("(\"18 minuten geleden\")"),
        "the first sample is dated: {printed}"
    );
}

/// `suggest --add` writes a new file and puts it in place: a write cut short (here the file
/// size limit, as a full disk would) leaves the config exactly as it was, and no file beside
/// it; a config's mode is kept.
#[test]
fn add_replaces_the_config_whole_or_not_at_all() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::new();
    let mut existing = format!(
        "{HEAD}[[feed]]\nid = \"threads\"\nurl = \"{}\"\n\n[feed.items]\nselect = \"li.thread\"\n",
        fixtures().join("forum-threads.html").display()
    );
    // Just under 2 KiB, so that a limit of 2 KiB cuts the block short.
    while existing.len() < 1950 {
        existing.push_str("# a comment that keeps the file as the user wrote it\n");
    }
    let config = ws.config(&existing);
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let page = fixtures().join("french-news.html");
    let out = Command::new("bash")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 2; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_pagefeed"))
        .arg("suggest")
        .arg(&page)
        .args(["--id", "fil", "--now", NOW, "--add"])
        .arg(&config)
        .env_remove("PAGEFEED_CONFIG")
        .output()
        .expect("run");
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
    assert_eq!(
        ws.read("pagefeed.toml"),
        existing,
        "the config is as it was"
    );
    let beside: Vec<String> = std::fs::read_dir(ws.path(""))
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("pagefeed.toml") && n != "pagefeed.toml")
        .collect();
    assert!(beside.is_empty(), "left beside it: {beside:?}");
    let out = suggest(&[
        page.to_str().expect("path"),
        "--id",
        "fil",
        "--add",
        config.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(ws.read("pagefeed.toml").starts_with(&existing));
    let mode = std::fs::metadata(&config)
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o640, "the mode is kept");
}

/// `suggest --add` creates a config that is not there yet, and it passes `check`.
#[test]
fn add_creates_a_missing_config() {
    let ws = Workspace::new();
    let config = ws.path("new.toml");
    let page = fixtures().join("french-news.html");
    let out = suggest(&[
        page.to_str().expect("path"),
        "--id",
        "fil",
        "--add",
        config.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&config).expect("created");
    assert!(text.contains("id = \"fil\""), "{text}");
    let check = Command::new(env!("CARGO_BIN_EXE_pagefeed"))
        .args(["check", "-c"])
        .arg(&config)
        .output()
        .expect("check");
    assert!(check.status.success(), "{}", stderr(&check));
}

/// A config path that is no regular file (a FIFO, a device) is refused at once, never read
/// for ever; nor is a file far larger than any config.
#[test]
fn a_config_that_is_no_regular_file_is_refused_at_once() {
    let ws = Workspace::new();
    let fifo = ws.path("fifo.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let run = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pagefeed"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run");
        let started = std::time::Instant::now();
        loop {
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            if started.elapsed() > std::time::Duration::from_secs(20) {
                let _ = child.kill();
                panic!("{args:?} hangs");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        child.wait_with_output().expect("output")
    };
    let fifo_arg = fifo.to_str().expect("path");
    for args in [
        vec!["check", "-c", fifo_arg],
        vec!["check", "-c", "/dev/zero"],
        vec!["once", "-c", "/dev/zero"],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("not a regular file"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let page = fixtures().join("french-news.html");
    let out = run(&[
        "suggest",
        page.to_str().expect("path"),
        "--now",
        NOW,
        "--add",
        fifo_arg,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
    let big = ws.path("big.toml");
    std::fs::write(&big, "# x\n".repeat(10_000_000)).expect("write");
    let out = run(&["check", "-c", big.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("larger than"), "{}", stderr(&out));
}

/// A new user's first minutes: `init` writes a commented starting config (and never over a
/// file that is there), `suggest --add` adds a feed to it, and it checks and polls.
#[test]
fn init_then_add_then_once() {
    let ws = Workspace::new();
    let config = ws.path("pagefeed.toml");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_pagefeed"))
            .args(args)
            .arg("-c")
            .arg(&config)
            .env_remove("PAGEFEED_CONFIG")
            .env_remove("STATE_DIRECTORY")
            .output()
            .expect("run")
    };
    let init = run(&["init"]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let written = ws.read("pagefeed.toml");
    assert!(written.contains("# timezone ="), "{written}");
    let again = run(&["init"]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("not overwritten"),
        "{}",
        stderr(&again)
    );
    assert_eq!(ws.read("pagefeed.toml"), written, "left as it was");
    let check = run(&["check"]);
    assert_eq!(check.status.code(), Some(2));
    assert!(
        stderr(&check).contains("suggest URL --add"),
        "{}",
        stderr(&check)
    );
    let page = fixtures().join("french-news.html");
    let out = suggest(&[
        page.to_str().expect("path"),
        "--id",
        "fil",
        "--add",
        config.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        ws.read("pagefeed.toml").starts_with(&written),
        "the comments stay"
    );
    let check = run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let once = Command::new(env!("CARGO_BIN_EXE_pagefeed"))
        .args(["once", "--now", NOW, "-c"])
        .arg(&config)
        .output()
        .expect("once");
    assert!(once.status.success(), "{}", stderr(&once));
    assert!(ws.path("feeds/fil.rss").exists());
}
