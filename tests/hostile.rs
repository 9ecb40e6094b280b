//! Pages and file systems built to hurt: markup nested past any real page, item matches nested
//! in each other, a FIFO or a link to /dev/zero where a feed file goes, a feed file that
//! cannot be replaced. Each costs one bounded poll with a one-line error naming the feed and
//! the cause, or is handled; the other feed of the config is polled all the same.

mod common;

use common::*;
use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn config(server: &Server, path: &str, select: &str) -> String {
    format!(
        r#"
output_dir = "feeds"
state_dir = "state"
host_delay = "0s"

[[feed]]
id = "hostile"
url = "{}"
robots = false
[feed.items]
select = "{select}"

[[feed]]
id = "fine"
url = "{}"
robots = false
[feed.items]
select = "li"
"#,
        server.url(path),
        server.url("/fine"),
    )
}

/// One run of `pagefeed once`: its output, and the CPU time (user and system) it and any
/// children it waited for used.
struct Run {
    out: Output,
    cpu: Duration,
}

/// Run `pagefeed once`, killing it (and failing) if it runs past `limit`: a guard against a
/// hang, not a measure.
fn once_within(ws: &Workspace, limit: Duration) -> Run {
    let child = Command::new(env!("CARGO_BIN_EXE_pagefeed"))
        .args(["once", "--now", SEED_NOW[0], "-c"])
        .arg(ws.path("pagefeed.toml"))
        .env("PAGEFEED_LOG", "info")
        .env_remove("JOURNAL_STREAM")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    reaped_within(child, limit)
}

/// Wait for `child` to end, killing it (and failing) if it runs past `limit`. It is reaped
/// with `wait4`, which gives its resource usage; std's own wait is used only after a kill.
fn reaped_within(mut child: Child, limit: Duration) -> Run {
    let started = Instant::now();
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: rusage is plain integers, for which all zeroes is a valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: wait4 writes only to the status and rusage it is given; `pid` is this
        // test's own child, not yet reaped (std's Child waits only after the kill below).
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break (status, usage);
        }
        assert_eq!(reaped, 0, "wait4: {}", std::io::Error::last_os_error());
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let err = stderr.join().unwrap_or_default();
            panic!(
                "pagefeed once ran past {limit:?}:\n{}",
                String::from_utf8_lossy(&err)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or_default())
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or_default())
    };
    Run {
        out: Output {
            status: std::os::unix::process::ExitStatusExt::from_raw(status),
            stdout: stdout.join().expect("stdout"),
            stderr: stderr.join().expect("stderr"),
        },
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
    }
}

/// Read all of `pipe` on a thread of its own, so that a child never blocks on a full pipe.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

fn server(hostile: String) -> Server {
    Server::start(move |req| {
        if req.path == "/fine" {
            Response::html("<ul><li><a href=\"/x\">A fine item</a></li></ul>")
        } else {
            Response::html(hostile.clone())
        }
    })
}

/// The hostile feed failed with one line naming it and `cause`; the fine one was written.
fn refused(ws: &Workspace, out: &Output, cause: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("ERROR") && l.contains("feed \"hostile\""))
        .collect();
    assert_eq!(lines.len(), 1, "one line for the feed: {err}");
    assert!(lines[0].contains(cause), "{}", lines[0]);
    assert!(!ws.path("feeds/hostile.rss").exists());
    assert!(ws.read("feeds/fine.rss").contains("A fine item"));
}

/// How many times the CPU time of a normal run of the same feed a hostile page may cost. A
/// refused page costs about what a normal one does (its parse stops at the depth limit); a
/// parse that goes on costs seconds, tens of times over.
const CPU_BUDGET: u32 = 5;

/// The CPU time a run of `pagefeed once` costs here and now when the hostile feed's page is
/// `normal`, an ordinary page of the same item.
fn cpu_of_a_normal_run(normal: &str) -> Duration {
    let ws = Workspace::new();
    let server = server(normal.to_string());
    ws.config(&config(&server, "/page", "li"));
    let run = once_within(&ws, Duration::from_secs(30));
    assert!(run.out.status.success(), "{}", stderr(&run.out));
    assert!(ws.read("feeds/hostile.rss").contains("<item>"));
    run.cpu
}

/// A run that refused a hostile page cost no more than [`CPU_BUDGET`] times `normal`.
fn within_cpu_budget(what: &str, run: &Run, normal: Duration) {
    eprintln!(
        "{what} refused in {:?} of CPU time; a normal run of the feed: {normal:?}",
        run.cpu
    );
    assert!(
        run.cpu <= normal * CPU_BUDGET,
        "{what} cost {:?} of CPU time, over {CPU_BUDGET} times the {normal:?} of a normal run:\n{}",
        run.cpu,
        stderr(&run.out)
    );
}

#[test]
fn markup_nested_past_the_limit_is_refused_quickly() {
    // 100,000 nested <div>s in one item (1.1 MB): a minute of parsing before the limit.
    let n = 100_000;
    let item = |inner: &str| format!("<ul><li><a href=\"/a\">Item</a><p>{inner}</p></li></ul>");
    let normal = cpu_of_a_normal_run(&item("deep"));
    let page = item(&format!("{}deep{}", "<div>".repeat(n), "</div>".repeat(n)));
    let ws = Workspace::new();
    let server = server(page);
    ws.config(&config(&server, "/page", "li"));
    let run = once_within(&ws, Duration::from_secs(30));
    refused(&ws, &run.out, "nests elements more than 512 deep");
    within_cpu_budget("100,000 nested divs", &run, normal);
}

#[test]
fn nested_item_lists_are_refused_quickly() {
    // 20,000 lists, each inside the item before: quadratic to parse and to read.
    let n = 20_000;
    let list = |open: &str, close: &str| format!("<html><body>{open}{close}</body></html>");
    let normal = cpu_of_a_normal_run(&list("<ul><li><a href=\"/i\">item</a> ", "</li></ul>"));
    let page = list(
        &"<ul><li><a href=\"/i\">item</a> ".repeat(n),
        &"</li></ul>".repeat(n),
    );
    let ws = Workspace::new();
    let server = server(page);
    ws.config(&config(&server, "/page", "li"));
    let run = once_within(&ws, Duration::from_secs(30));
    refused(&ws, &run.out, "nests elements more than 512 deep");
    within_cpu_budget("20,000 nested lists", &run, normal);
}

#[test]
fn item_matches_nested_in_each_other_are_refused_when_they_multiply_the_work() {
    // Within the depth limit, but every item holds the 200 after it, each with 60 empty
    // elements: reading the items would walk the page a hundred times over.
    let depth = 200;
    let filler = "<i></i>".repeat(60);
    let page = format!(
        "<html><body>{}{}</body></html>",
        format!("<div class=\"item\"><a href=\"/i\">item</a>{filler}").repeat(depth),
        "</div>".repeat(depth)
    );
    let ws = Workspace::new();
    let server = server(page);
    ws.config(&config(&server, "/page", "div.item"));
    let out = once_within(&ws, Duration::from_secs(30)).out;
    refused(&ws, &out, "matches nest inside each other");
}

/// A FIFO or a link to /dev/zero where the feed files go: replaced by the feed, never read.
#[test]
fn a_fifo_or_a_link_to_dev_zero_in_place_of_a_feed_file_is_replaced_not_read() {
    let ws = Workspace::new();
    let server = server("<ul><li><a href=\"/h\">Hostile is fine here</a></li></ul>".into());
    ws.config(&config(&server, "/page", "li"));
    std::fs::create_dir_all(ws.path("feeds")).expect("feeds");
    let status = Command::new("mkfifo")
        .arg(ws.path("feeds/hostile.rss"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    std::os::unix::fs::symlink("/dev/zero", ws.path("feeds/hostile.atom")).expect("symlink");
    let out = once_within(&ws, Duration::from_secs(20)).out;
    assert!(out.status.success(), "{}", stderr(&out));
    for f in ["feeds/hostile.rss", "feeds/hostile.atom"] {
        let meta = std::fs::symlink_metadata(ws.path(f)).expect("there");
        assert!(meta.file_type().is_file(), "{f} is a regular file now");
        assert!(ws.read(f).contains("Hostile is fine here"));
    }
}

/// When one of the two files cannot be replaced, neither is: RSS and Atom never disagree.
/// The next poll that can write them does, though the page has not changed.
#[test]
fn rss_and_atom_are_replaced_together_or_not_at_all() {
    let page = std::sync::Arc::new(std::sync::Mutex::new(
        "<ul><li><a href=\"/1\">First version</a></li></ul>".to_string(),
    ));
    let shown = page.clone();
    let server = Server::start(move |req| {
        if req.path == "/fine" {
            Response::html("<ul><li><a href=\"/x\">A fine item</a></li></ul>")
        } else if req.headers.get("if-none-match").map(String::as_str) == Some("\"same\"") {
            Response::status(304)
        } else {
            Response::html(shown.lock().expect("lock").clone()).header("ETag", "\"same\"")
        }
    });
    let ws = Workspace::new();
    ws.config(&config(&server, "/page", "li"));
    assert!(ws.run(&["once", "--now", SEED_NOW[0]]).status.success());
    let (rss, atom) = (ws.read("feeds/hostile.rss"), ws.read("feeds/hostile.atom"));
    *page.lock().expect("lock") = "<ul><li><a href=\"/2\">Second version</a></li></ul>".into();
    // A folder where the Atom file goes: it cannot be replaced.
    std::fs::remove_file(ws.path("feeds/hostile.atom")).expect("remove");
    std::fs::create_dir(ws.path("feeds/hostile.atom")).expect("mkdir");
    let out = ws.run(&["once", "--now", SEED_NOW[1]]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("hostile.atom"), "{}", stderr(&out));
    assert_eq!(
        ws.read("feeds/hostile.rss"),
        rss,
        "the RSS file was not replaced alone"
    );
    std::fs::remove_dir(ws.path("feeds/hostile.atom")).expect("rmdir");
    std::fs::write(ws.path("feeds/hostile.atom"), &atom).expect("restore");
    // The source now answers 304 (same ETag): the files are written from the state.
    let out = ws.run(&["once", "--now", SEED_NOW[1]]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(ws.read("feeds/hostile.rss").contains("Second version"));
    assert!(ws.read("feeds/hostile.atom").contains("Second version"));
}
