//! A poll killed at any moment leaves a state and feed files that are whole and consistent:
//! every file a reader can open parses, the state opens, and the next poll that runs to the
//! end gives exactly the files of a run that was never interrupted.

mod common;

use common::*;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn spawn(ws: &Workspace, now: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_pagefeed"))
        .args(["once", "--now", now, "-c"])
        .arg(ws.path("pagefeed.toml"))
        .env("PAGEFEED_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn pagefeed")
}

/// How long one uninterrupted poll takes here, to spread the kills over it.
fn duration_of_one_poll(ws: &Workspace, now: &str) -> Duration {
    let started = Instant::now();
    let status = spawn(ws, now).wait().expect("wait");
    assert!(status.success());
    started.elapsed()
}

fn files_are_whole(ws: &Workspace) {
    for (name, parse) in [
        (
            "feeds/big.rss",
            (|b: &[u8]| {
                rss::Channel::read_from(b)
                    .map(|c| c.items().len())
                    .map_err(|e| e.to_string())
            }) as fn(&[u8]) -> Result<usize, String>,
        ),
        ("feeds/big.atom", |b: &[u8]| {
            atom_syndication::Feed::read_from(b)
                .map(|f| f.entries().len())
                .map_err(|e| e.to_string())
        }),
        ("feeds/big.json", |b: &[u8]| {
            serde_json::from_slice::<serde_json::Value>(b)
                .map(|v| v["items"].as_array().map_or(0, Vec::len))
                .map_err(|e| e.to_string())
        }),
    ] {
        match std::fs::read(ws.path(name)) {
            Ok(bytes) => {
                let n = parse(&bytes).unwrap_or_else(|e| panic!("{name} is not whole: {e}"));
                assert!(n > 0, "{name} is empty");
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("{name}: {e}"),
        }
    }
    let leftovers: Vec<String> = std::fs::read_dir(ws.path("feeds"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        leftovers.iter().filter(|n| n.ends_with(".tmp")).count() <= 3,
        "killed writes leave at most their own temporary files: {leftovers:?}"
    );
    assert!(
        leftovers.iter().all(|n| [".rss", ".atom", ".json", ".tmp"]
            .iter()
            .any(|e| n.ends_with(e))),
        "{leftovers:?}"
    );
}

/// A big listing, so that a poll spends real time parsing, committing and writing.
fn listing(minutes_later: usize) -> String {
    let mut page = String::from("<html><head><title>Big</title></head><body><ol>");
    for n in 0..1000 {
        page.push_str(&format!(
            "<li><a href=\"/item/{n}\">Item number {n} of the list, with some words to carry.</a> <span class=\"t\">{} minutes ago</span></li>",
            n + 1 + minutes_later
        ));
    }
    page.push_str("</ol></body></html>");
    page
}

fn config(ws: &Workspace, server: &Server, path: &str) {
    ws.config(&format!(
        "output_dir = \"feeds\"\nstate_dir = \"state\"\nhost_delay = \"0s\"\nmax_items = 2000\n[[feed]]\nid = \"big\"\nrobots = false\nurl = \"{}\"\nlanguage = \"en\"\n[feed.items]\nselect = \"ol > li\"\ndate = \"span.t\"\n",
        server.url(path)
    ));
}

/// Polls killed mid-way in each phase (the first page, then the second) of
/// [`polls_killed_at_any_moment_leave_whole_consistent_state_and_files`], at least.
const KILLS_PER_PHASE: usize = 6;

#[test]
fn polls_killed_at_any_moment_leave_whole_consistent_state_and_files() {
    let (first, second) = (listing(0), listing(35));
    let server = Server::start(move |req| {
        Response::html(if req.path == "/second" {
            second.clone()
        } else {
            first.clone()
        })
    });
    // The reference: the same two polls, never interrupted.
    let reference = Workspace::new();
    config(&reference, &server, "/first");
    let took = duration_of_one_poll(&reference, SEED_NOW[0]);
    config(&reference, &server, "/second");
    duration_of_one_poll(&reference, SEED_NOW[1]);

    let ws = Workspace::new();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for (path, now) in [("/first", SEED_NOW[0]), ("/second", SEED_NOW[1])] {
        config(&ws, &server, path);
        // At least 15 tries and KILLS_PER_PHASE kills mid-way each phase (a poll whose state
        // already holds the page is quicker than the first, so some tries end before their
        // kill). A kill counts only when it landed: the poll ended by SIGKILL, not on its own.
        let mut landed = 0;
        let mut tries = 0;
        for attempt in 0..60 {
            if attempt >= 15 && landed >= KILLS_PER_PHASE {
                break;
            }
            tries += 1;
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let delay = took.mul_f64((seed >> 11) as f64 / (1u64 << 53) as f64 * 1.2);
            let mut child = spawn(&ws, now);
            std::thread::sleep(delay);
            if child.try_wait().expect("try_wait").is_none() {
                child.kill().expect("kill");
            }
            let status = child.wait().expect("wait");
            if status.signal() == Some(libc::SIGKILL) {
                landed += 1;
            }
            files_are_whole(&ws);
        }
        eprintln!("{path}: {landed} of {tries} polls killed mid-way");
        assert!(
            landed >= KILLS_PER_PHASE,
            "{path}: only {landed} of {tries} polls were killed mid-way, fewer than \
             {KILLS_PER_PHASE}; the phase proves little"
        );
        let out = ws.run(&["once", "--now", now]);
        assert!(
            out.status.success(),
            "the poll after the kills: {}",
            stderr(&out)
        );
        files_are_whole(&ws);
    }
    for f in ["feeds/big.rss", "feeds/big.atom"] {
        assert_eq!(
            ws.read(f),
            reference.read(f),
            "{f} differs from the uninterrupted run"
        );
    }
}

/// A poll killed after its state committed but before its files were written used to leave
/// the files one page behind for as long as the source answered 304. Each round polls a new
/// page, kills the poll at a random moment, then polls again while the source answers 304 to
/// the validators the killed poll may have stored: the files must then be exactly those of
/// an uninterrupted run.
#[test]
fn the_poll_after_a_kill_writes_the_files_the_state_holds_even_on_a_304() {
    const ROUNDS: usize = 24;
    let pages: Vec<String> = (0..ROUNDS).map(|k| listing(k * 7)).collect();
    let nows: Vec<String> = (0..ROUNDS)
        .map(|k| format!("2026-03-04T{:02}:{:02}:00+01:00", 10 + k / 6, (k % 6) * 7))
        .collect();
    let server = Server::start(move |req| {
        let k: usize = req.path.trim_start_matches('/').parse().unwrap_or_default();
        let etag = format!("\"v{k}\"");
        if req.headers.get("if-none-match") == Some(&etag) {
            return Response::status(304);
        }
        Response::html(pages[k].clone()).header("ETag", &etag)
    });
    let reference = Workspace::new();
    let ws = Workspace::new();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for (k, now) in nows.iter().enumerate() {
        config(&reference, &server, &format!("/{k}"));
        let took = duration_of_one_poll(&reference, now);
        config(&ws, &server, &format!("/{k}"));
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let delay = took.mul_f64(0.3 + (seed >> 11) as f64 / (1u64 << 53) as f64 * 0.8);
        let mut child = spawn(&ws, now);
        std::thread::sleep(delay);
        if child.try_wait().expect("try_wait").is_none() {
            child.kill().expect("kill");
        }
        child.wait().expect("wait");
        files_are_whole(&ws);
        let out = ws.run(&["once", "--now", now]);
        assert!(out.status.success(), "round {k}: {}", stderr(&out));
        for f in ["feeds/big.rss", "feeds/big.atom"] {
            assert!(
                ws.read(f) == reference.read(f),
                "round {k}: {f} differs from the uninterrupted run"
            );
        }
    }
}
