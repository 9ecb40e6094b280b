//! `pagefeed run` end to end: the real binary as a service against HTTP servers on
//! 127.0.0.1 inside the test — first poll, conditional GET and 304, backoff, Retry-After,
//! robots.txt, selector health, SIGHUP reloads good and bad, SIGTERM, systemd notifications
//! on a datagram socket, and bad sources and bad disks that must cost one bounded poll.

mod common;

use common::daemon::*;
use common::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn seed_page() -> Vec<u8> {
    std::fs::read(seed_dir().join("buitenland-1330.html")).expect("seed page")
}

fn seed_page_later() -> Vec<u8> {
    std::fs::read(seed_dir().join("buitenland-1405.html")).expect("seed page")
}

/// A `[[feed]]` for the seed page's layout.
fn feed(id: &str, url: &str, extra: &str) -> String {
    format!(
        "\n[[feed]]\nid = \"{id}\"\nurl = \"{url}\"\n{extra}\n[feed.items]\nselect = \"ul.news-list > li\"\nsummary = \"p.news-list__text\"\ndate = \"span.news-list__time\"\nlink = \"a\"\n"
    )
}

/// The top of a config: fast intervals for tests.
fn top(interval: &str) -> String {
    format!(
        "output_dir = \"feeds\"\nstate_dir = \"state\"\ntimezone = \"Europe/Amsterdam\"\nlanguage = \"nl\"\ninterval = \"{interval}\"\nhost_delay = \"50ms\"\ntimeout = \"1s\"\n"
    )
}

/// The requests for `path` the server saw.
fn hits(server: &Server, path: &str) -> Vec<common::Request> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path == path)
        .collect()
}

/// When each request arrived, by path.
type Times = Arc<Mutex<Vec<(String, Instant)>>>;

/// A server that also notes when each request arrived.
fn timed(
    handler: impl Fn(&common::Request) -> Response + Send + Sync + 'static,
) -> (Server, Times) {
    let times: Times = Arc::new(Mutex::new(Vec::new()));
    let t = times.clone();
    let server = Server::start(move |req| {
        if let Ok(mut t) = t.lock() {
            t.push((req.path.clone(), Instant::now()));
        }
        handler(req)
    });
    (server, times)
}

fn arrivals(times: &Times, path: &str) -> Vec<Instant> {
    times
        .lock()
        .map(|t| {
            t.iter()
                .filter(|(p, _)| p == path)
                .map(|(_, at)| *at)
                .collect()
        })
        .unwrap_or_default()
}

/// The seed page with an ETag, answering 304 to If-None-Match; robots.txt allows all.
fn etag_server(etag: Arc<Mutex<String>>, page: Arc<Mutex<Vec<u8>>>) -> Server {
    Server::start(move |req| {
        if req.path == "/robots.txt" {
            return Response::status(404);
        }
        let tag = etag.lock().map(|t| t.clone()).unwrap_or_default();
        if req.headers.get("if-none-match") == Some(&tag) {
            let mut r = Response::status(304);
            r.body.clear();
            return r.header("ETag", &tag);
        }
        let body = page.lock().map(|p| p.clone()).unwrap_or_default();
        Response::html(body).header("ETag", &tag)
    })
}

/// The first poll writes the feeds; the next ones send If-None-Match and take the 304
/// without touching the files. systemd hears READY, STATUS, WATCHDOG and STOPPING; SIGTERM
/// exits 0.
#[test]
fn first_poll_writes_then_304_costs_nothing_and_systemd_hears_it_all() {
    let etag = Arc::new(Mutex::new("\"v1\"".to_string()));
    let page = Arc::new(Mutex::new(seed_page()));
    let server = etag_server(etag, page);
    let ws = Workspace::new();
    ws.config(&format!(
        "{}{}",
        top("500ms"),
        feed("buitenland", &server.url("/b"), "")
    ));
    let d = Daemon::start(&ws, &[("WATCHDOG_USEC", "400000")]);
    let rss = ws.path("feeds/buitenland.rss");
    wait_for(Duration::from_secs(10), "the first poll's files", || {
        rss.exists()
    });
    let written = std::fs::metadata(&rss)
        .and_then(|m| m.modified())
        .expect("mtime");
    wait_for(Duration::from_secs(10), "two conditional polls", || {
        hits(&server, "/b").len() >= 3
    });
    let reqs = hits(&server, "/b");
    assert_eq!(reqs[0].headers.get("if-none-match"), None);
    for r in &reqs[1..] {
        assert_eq!(
            r.headers.get("if-none-match").map(String::as_str),
            Some("\"v1\"")
        );
    }
    assert_eq!(
        std::fs::metadata(&rss)
            .and_then(|m| m.modified())
            .expect("mtime"),
        written,
        "a 304 writes nothing"
    );
    assert_eq!(
        hits(&server, "/robots.txt").len(),
        1,
        "robots.txt is cached"
    );
    wait_for(Duration::from_secs(5), "WATCHDOG=1", || {
        d.noted("WATCHDOG=1")
    });
    let stopped = d.stop();
    let log = &stopped.log;
    assert_eq!(stopped.code, 0, "{log}");
    assert!(stopped.took < Duration::from_secs(10));
    assert!(
        log.lines().any(|l| l.contains("polled")
            && l.contains("status=\"not modified\"")
            && l.contains("took_ms")),
        "{log}"
    );
    assert!(
        log.lines().any(|l| l.contains("polled")
            && l.contains("status=\"ok\"")
            && l.contains("items=7")
            && l.contains("new=7")),
        "one line per poll with status, items, new, time: {log}"
    );
    for what in ["READY=1", "STATUS=1 feed, 1 fresh", "STOPPING=1"] {
        assert!(stopped.noted(what), "{what} in {:?}", stopped.notes);
    }
    keep_for_conformance(ws.dir.path());
}

/// A source answering 500 is retried with growing gaps: interval 500 ms, so waits of 1 s,
/// 2 s, then 3 s (the cap of 6 intervals), where a feed without backoff would be polled
/// about 13 times in 6.5 s.
#[test]
fn a_failing_source_is_retried_with_growing_gaps() {
    let (server, times) = timed(|req| {
        if req.path == "/robots.txt" {
            Response::status(404)
        } else {
            Response::status(500)
        }
    });
    let ws = Workspace::new();
    ws.config(&format!(
        "{}{}",
        top("500ms"),
        feed("bad", &server.url("/bad"), "")
    ));
    let d = Daemon::start(&ws, &[]);
    std::thread::sleep(Duration::from_millis(6500));
    let stopped = d.stop();
    assert_eq!(stopped.code, 0);
    let t = arrivals(&times, "/bad");
    assert_eq!(
        t.len(),
        4,
        "polls at about 0, 1, 3, 6 s: {t:?}\n{}",
        stopped.log
    );
    let gaps: Vec<f64> = t.windows(2).map(|p| (p[1] - p[0]).as_secs_f64()).collect();
    for (gap, want) in gaps.iter().zip([1.0, 2.0, 3.0]) {
        assert!(
            *gap >= want - 0.05 && *gap < want + 0.4,
            "gaps {gaps:?} should be about 1, 2, 3 s"
        );
    }
    assert!(
        stopped
            .log
            .lines()
            .any(|l| l.contains("ERROR") && l.contains("feed \"bad\"") && l.contains("500")),
        "{}",
        stopped.log
    );
    assert!(
        stopped.noted("STATUS=1 feed, 0 fresh, 1 failing: bad (HTTP 500)"),
        "{:?}",
        stopped.notes
    );
}

/// An empty body is a failing source like a 500: it backs off, it is no page of another shape.
#[test]
fn an_empty_body_backs_off_like_any_failure() {
    let (server, times) = timed(|req| {
        if req.path == "/robots.txt" {
            Response::status(404)
        } else {
            Response::html("")
        }
    });
    let ws = Workspace::new();
    ws.config(&format!(
        "{}{}",
        top("500ms"),
        feed("empty", &server.url("/empty"), "")
    ));
    let d = Daemon::start(&ws, &[]);
    std::thread::sleep(Duration::from_millis(3500));
    let stopped = d.stop();
    let t = arrivals(&times, "/empty");
    assert!(
        t.len() <= 3,
        "backed off (polls at about 0, 1, 3 s), not every 500 ms: {} polls\n{}",
        t.len(),
        stopped.log
    );
    assert!(stopped.log.contains("the page is empty"), "{}", stopped.log);
}

/// 429 with Retry-After in seconds and 503 with Retry-After as an HTTP date are waited out
/// (the backoff alone would retry after 1 s), then the feeds recover at the first success.
#[test]
fn retry_after_is_waited_out_in_seconds_and_as_a_date() {
    let make = |code: u16, seconds: bool| {
        let n = Arc::new(AtomicUsize::new(0));
        timed(move |req| {
            if req.path == "/robots.txt" {
                return Response::status(404);
            }
            if n.fetch_add(1, Ordering::SeqCst) == 0 {
                let value = if seconds {
                    "3".to_string()
                } else {
                    httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(4))
                };
                Response::status(code).header("Retry-After", &value)
            } else {
                Response::html(seed_page())
            }
        })
    };
    let (s429, t429) = make(429, true);
    let (s503, t503) = make(503, false);
    let ws = Workspace::new();
    ws.config(&format!(
        "{}{}{}",
        top("500ms"),
        feed("slow", &s429.url("/p"), ""),
        feed("busy", &s503.url("/p"), "")
    ));
    let d = Daemon::start(&ws, &[]);
    wait_for(
        Duration::from_secs(12),
        "both feeds after their waits",
        || ws.path("feeds/slow.rss").exists() && ws.path("feeds/busy.rss").exists(),
    );
    let stopped = d.stop();
    assert_eq!(stopped.code, 0, "{}", stopped.log);
    // The date is in whole seconds: 4 s ahead means a little over 3 s.
    for (times, least) in [(&t429, 3.0), (&t503, 3.0)] {
        let t = arrivals(times, "/p");
        let gap = (t[1] - t[0]).as_secs_f64();
        assert!(
            gap >= least,
            "Retry-After not waited out: {gap} s\n{}",
            stopped.log
        );
        assert!(gap < least + 2.0, "{gap} s");
    }
    assert!(stopped.log.contains("HTTP 429"), "{}", stopped.log);
}

/// SIGHUP with a new feed adds its files; SIGHUP with a broken config is refused, the errors
/// logged, and the old feeds go on. systemd hears RELOADING then READY each time.
#[test]
fn sighup_adds_feeds_and_a_broken_config_keeps_the_old_ones() {
    let server = Server::files(&seed_dir());
    let ws = Workspace::new();
    let first = format!(
        "{}{}",
        top("1s"),
        feed("one", &server.url("/buitenland-1330.html"), "")
    );
    ws.config(&first);
    let d = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(10), "feed one", || {
        ws.path("feeds/one.rss").exists()
    });
    ws.config(&format!(
        "{first}{}",
        feed("two", &server.url("/buitenland-1405.html"), "")
    ));
    d.signal("HUP");
    wait_for(Duration::from_secs(10), "feed two after SIGHUP", || {
        ws.path("feeds/two.atom").exists()
    });
    assert!(d.noted("RELOADING=1") && d.noted("READY=1"));
    ws.config(&format!("{first}\nthis is = = not toml\n"));
    d.signal("HUP");
    wait_for(Duration::from_secs(5), "the refusal", || {
        d.log().contains("config not reloaded")
    });
    let before = hits(&server, "/buitenland-1405.html").len();
    wait_for(Duration::from_secs(5), "feed two still polled", || {
        hits(&server, "/buitenland-1405.html").len() > before
    });
    wait_for(Duration::from_secs(5), "the refusal in STATUS", || {
        d.notes()
            .iter()
            .any(|n| n.contains("config reload refused"))
    });
    let stopped = d.stop();
    assert_eq!(stopped.code, 0);
    let refusal = stopped
        .log
        .lines()
        .find(|l| l.contains("config not reloaded"))
        .unwrap_or_default();
    assert!(
        refusal.contains("ERROR") && refusal.contains("pagefeed.toml"),
        "the error names the file: {refusal}"
    );
    let reloads = stopped
        .notes
        .iter()
        .filter(|n| n.starts_with("RELOADING=1"))
        .count();
    let readies = stopped
        .notes
        .iter()
        .filter(|n| n.starts_with("READY=1"))
        .count();
    assert_eq!((reloads, readies), (2, 3), "{:?}", stopped.notes);
    keep_for_conformance(ws.dir.path());
}

/// robots.txt is fetched once per host and obeyed: a disallowed page is a clear error for its
/// feed and is never fetched; `robots = false` is the user's call and fetches it.
#[test]
fn robots_txt_is_obeyed_unless_the_feed_says_robots_false() {
    let server = Server::start(|req| {
        if req.path == "/robots.txt" {
            let mut r = Response::html("User-agent: *\nDisallow: /private\n");
            r.headers = vec![("Content-Type".into(), "text/plain".into())];
            r
        } else {
            Response::html(seed_page())
        }
    });
    let ws = Workspace::new();
    ws.config(&format!(
        "{}{}{}{}",
        top("1h"),
        feed("open", &server.url("/news"), ""),
        feed("closed", &server.url("/private/news"), ""),
        feed("mine", &server.url("/private/mine"), "robots = false")
    ));
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains("feed \"closed\""))
        .unwrap_or_default();
    assert!(
        line.contains("ERROR") && line.contains("robots.txt"),
        "{err}"
    );
    assert!(hits(&server, "/private/news").is_empty(), "never fetched");
    assert_eq!(
        hits(&server, "/robots.txt").len(),
        1,
        "one robots.txt per host"
    );
    assert!(ws.path("feeds/open.rss").exists());
    assert!(
        ws.path("feeds/mine.rss").exists(),
        "robots = false fetches it"
    );
    assert!(!ws.path("feeds/closed.rss").exists());
}

/// A page that suddenly has far fewer items publishes nothing and keeps the last good files,
/// with the counts in the message; the good page afterwards publishes again.
#[test]
fn a_redesigned_page_keeps_the_last_good_files() {
    let page = Arc::new(Mutex::new(seed_page()));
    let p = page.clone();
    let server = Server::start(move |req| {
        if req.path == "/robots.txt" {
            return Response::status(404);
        }
        Response::html(p.lock().map(|p| p.clone()).unwrap_or_default())
    });
    let ws = Workspace::new();
    ws.config(&seed_config(&server.url("/b")));
    assert!(ws.run(&["once", "--now", SEED_NOW[0]]).status.success());
    let good = ws.read("feeds/buitenland.rss");
    *page.lock().expect("lock") = br#"<html><body><ul class="news-list"><li><a href="/x"><p class="news-list__text">BEIROET (ANP) - Een enkel bericht.</p><span class="news-list__time">1 minuut geleden</span></a></li></ul></body></html>"#.to_vec();
    let out = ws.run(&["once", "--now", SEED_NOW[1]]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("selector health") && err.contains("1 items") && err.contains("7 items"),
        "the counts: {err}"
    );
    assert_eq!(
        ws.read("feeds/buitenland.rss"),
        good,
        "the last good file stays"
    );
    *page.lock().expect("lock") = seed_page_later();
    let out = ws.run(&["once", "--now", SEED_NOW[1]]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(ws.read("feeds/buitenland.rss"), good);
}

/// A raw server for what `common::Server` cannot do: it reads a request, then answers with
/// `respond` on the stream.
fn raw_server(respond: fn(&mut std::net::TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut reader = BufReader::new(match stream.try_clone() {
                    Ok(s) => s,
                    Err(_) => return,
                });
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                    line.clear();
                }
                respond(&mut stream);
            });
        }
    });
    format!("http://{addr}")
}

/// A source that never answers, one that answers a byte a second, one that closes mid-body
/// and one with an endless ("10 GB") body each cost a bounded poll and an error for their
/// feed; the good feed beside them goes on being polled, the heap does not grow, and SIGTERM
/// still exits 0 promptly with fetches hanging.
#[test]
fn bad_sources_cost_one_bounded_poll_each() {
    let silent = raw_server(|_| std::thread::sleep(Duration::from_secs(30)));
    let trickle = raw_server(|s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n",
        );
        for _ in 0..30 {
            if s.write_all(b"<").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    let endless = raw_server(|s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n",
        );
        let chunk = format!("{:x}\r\n{}\r\n", 65536, "a".repeat(65536));
        // Up to 10 GB, for as long as the client reads.
        for _ in 0..(10u64 << 30) / 65536 {
            if s.write_all(chunk.as_bytes()).is_err() {
                return;
            }
        }
    });
    let cut = Server::start(|req| {
        if req.path == "/robots.txt" {
            return Response::status(404);
        }
        let mut r = Response::html(seed_page());
        r.claimed_length = Some(r.body.len() * 2);
        r
    });
    let good = Server::files(&seed_dir());
    let ws = Workspace::new();
    ws.config(&format!(
        "{}{}{}{}{}{}",
        top("500ms"),
        feed("silent", &format!("{silent}/p"), ""),
        feed("trickle", &format!("{trickle}/p"), ""),
        feed("endless", &format!("{endless}/p"), ""),
        feed("cut", &cut.url("/p"), ""),
        feed("good", &good.url("/buitenland-1330.html"), "")
    ));
    let d = Daemon::start(&ws, &[]);
    wait_for(
        Duration::from_secs(10),
        "an error for every bad feed",
        || {
            let log = d.log();
            ["silent", "trickle", "endless", "cut"]
                .iter()
                .all(|id| log.contains(&format!("feed \"{id}\": ")))
        },
    );
    let early = d.rss_kb();
    std::thread::sleep(Duration::from_secs(4));
    let late = d.rss_kb();
    let polls = hits(&good, "/buitenland-1330.html").len();
    assert!(polls >= 6, "the good feed goes on every 500 ms: {polls}");
    let stopped = d.stop();
    assert_eq!(stopped.code, 0, "{}", stopped.log);
    assert!(stopped.took < Duration::from_secs(8), "{:?}", stopped.took);
    let log = &stopped.log;
    let line = |id: &str| {
        log.lines()
            .find(|l| l.contains(&format!("feed \"{id}\": ")) && l.contains("ERROR"))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line("silent").contains("timeout"), "{log}");
    assert!(line("trickle").contains("timeout"), "{log}");
    assert!(line("endless").contains("larger than"), "{log}");
    assert!(line("cut").contains("cut short"), "{log}");
    assert!(
        late < early + 16 * 1024 && late < 200 * 1024,
        "resident memory {early} kB then {late} kB"
    );
    for id in ["silent", "trickle", "endless", "cut"] {
        assert!(!ws.path(&format!("feeds/{id}.rss")).exists());
    }
}

/// An output folder that cannot be written (a regular file where the folder should be; root
/// cannot write through that) is an error for the feed; after a SIGHUP pointing at a good
/// folder the next poll writes the files although the source answers 304 to what it last
/// sent: the state does not claim files that were never written.
#[test]
fn an_unwritable_output_folder_is_an_error_and_the_state_stays_consistent() {
    let etag = Arc::new(Mutex::new("\"v1\"".to_string()));
    let page = Arc::new(Mutex::new(seed_page()));
    let server = etag_server(etag, page);
    let ws = Workspace::new();
    std::fs::write(ws.path("blocked"), b"a file, not a folder").expect("write");
    let body = feed("buitenland", &server.url("/b"), "");
    ws.config(&format!(
        "{}{body}",
        top("300ms").replace("\"feeds\"", "\"blocked\"")
    ));
    let d = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(10), "the write error", || {
        d.log().contains("cannot write")
    });
    ws.config(&format!("{}{body}", top("300ms")));
    d.signal("HUP");
    wait_for(
        Duration::from_secs(10),
        "the files in the good folder",
        || ws.path("feeds/buitenland.rss").exists(),
    );
    let stopped = d.stop();
    assert_eq!(stopped.code, 0);
    let err = stopped
        .log
        .lines()
        .find(|l| l.contains("cannot write"))
        .unwrap_or_default();
    assert!(
        err.contains("ERROR") && err.contains("feed \"buitenland\"") && err.contains("blocked"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(ws.path("blocked")).expect("read"),
        b"a file, not a folder"
    );
}

/// A full disk (a file size limit that root is held to too: RLIMIT_FSIZE, with SIGXFSZ
/// ignored so writes fail with EFBIG) is an error for the feed; the files and the state stay
/// as they were, so the next poll with room writes the new page.
#[test]
fn a_full_disk_is_an_error_and_the_state_and_files_stay_consistent() {
    let etag = Arc::new(Mutex::new("\"v1\"".to_string()));
    let page = Arc::new(Mutex::new(seed_page()));
    let server = etag_server(etag.clone(), page.clone());
    let ws = Workspace::new();
    ws.config(&seed_config(&server.url("/b")));
    assert!(ws.run(&["once", "--now", SEED_NOW[0]]).status.success());
    let before = ws.read("feeds/buitenland.rss");
    *page.lock().expect("lock") = seed_page_later();
    *etag.lock().expect("lock") = "\"v2\"".into();
    let out = Command::new("bash")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 2; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_pagefeed"))
        .args(["once", "--now", SEED_NOW[1], "-c"])
        .arg(ws.path("pagefeed.toml"))
        .env_remove("JOURNAL_STREAM")
        .output()
        .expect("run");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.lines()
            .any(|l| l.contains("ERROR") && l.contains("feed \"buitenland\"")),
        "{err}"
    );
    assert_eq!(
        ws.read("feeds/buitenland.rss"),
        before,
        "the published file stays"
    );
    let out = ws.run(&["once", "--now", SEED_NOW[1]]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(
        ws.read("feeds/buitenland.rss"),
        before,
        "the new page is written"
    );
    let last = hits(&server, "/b");
    assert_ne!(
        last.last()
            .and_then(|r| r.headers.get("if-none-match"))
            .map(String::as_str),
        Some("\"v2\""),
        "the state never claimed the page it could not publish"
    );
}

/// The daemon's resident memory with 100 feeds configured, idle between polls. Printed for
/// the record (`cargo test --test daemon -- --nocapture idle`); the assertion is loose
/// because debug builds are larger.
#[test]
fn idle_memory_with_100_feeds() {
    let server = Server::files(&seed_dir());
    let ws = Workspace::new();
    let mut config = top("1h").replace("host_delay = \"50ms\"", "host_delay = \"0s\"");
    for n in 0..100 {
        config.push_str(&feed(
            &format!("f{n}"),
            &server.url("/buitenland-1330.html"),
            "",
        ));
    }
    ws.config(&config);
    let d = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(40), "100 feeds polled", || {
        d.log().matches("polled").count() >= 100
    });
    std::thread::sleep(Duration::from_millis(500));
    let rss = d.rss_kb();
    println!("idle resident memory with 100 feeds: {rss} kB");
    let stopped = d.stop();
    assert_eq!(stopped.code, 0);
    assert!(
        stopped.noted("STATUS=100 feeds, 100 fresh"),
        "{:?}",
        stopped.notes.last()
    );
    assert!(rss < 60 * 1024, "{rss} kB");
}

/// SIGTERM ends the process within 5 s even while a poll is stuck in blocking work (here:
/// waiting for the state database, which the test holds locked), and that poll commits and
/// writes nothing, then or later: the files stay as they were.
#[test]
fn sigterm_ends_the_process_within_5s_whatever_a_poll_is_doing() {
    let etag = Arc::new(Mutex::new("\"v1\"".to_string()));
    let page = Arc::new(Mutex::new(seed_page()));
    let server = etag_server(etag.clone(), page.clone());
    let ws = Workspace::new();
    ws.config(&format!(
        "{}{}",
        top("1h"),
        feed("buitenland", &server.url("/b"), "")
    ));
    assert!(ws.run(&["once"]).status.success());
    let before = ws.read("feeds/buitenland.rss");
    *page.lock().expect("lock") = seed_page_later();
    *etag.lock().expect("lock") = "\"v2\"".into();
    // Another writer holds the state: the daemon's poll blocks on it in a blocking thread.
    let db = rusqlite::Connection::open(ws.path("state/pagefeed.sqlite3")).expect("open state");
    db.execute_batch("BEGIN IMMEDIATE").expect("lock the state");
    let d = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(10), "the poll to start", || {
        !d.log().is_empty()
    });
    std::thread::sleep(Duration::from_millis(1500));
    let stopped = d.stop();
    assert_eq!(stopped.code, 0, "{}", stopped.log);
    assert!(
        stopped.took < Duration::from_secs(5),
        "SIGTERM took {:?}:\n{}",
        stopped.took,
        stopped.log
    );
    let last = stopped.log.lines().last().unwrap_or_default();
    assert!(
        last.contains("stopped"),
        "nothing after \"stopped\":\n{}",
        stopped.log
    );
    db.execute_batch("ROLLBACK").expect("unlock");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        ws.read("feeds/buitenland.rss"),
        before,
        "no file was written"
    );
    // The state did not take the cut-off poll either: the next poll fetches v2 whole.
    let out = ws.run(&["once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(ws.read("feeds/buitenland.rss"), before);
}

/// Another process holds the state for writing while polls go on and want to note how they
/// went (two processes may share a state): SIGTERM still ends the daemon within 5 s, since no
/// poll waits for the state while it holds the writes open.
#[test]
fn sigterm_within_5s_while_another_process_holds_the_state() {
    let etag = Arc::new(Mutex::new("\"v1\"".to_string()));
    let page = Arc::new(Mutex::new(seed_page()));
    let server = etag_server(etag, page);
    let ws = Workspace::new();
    ws.config(&format!(
        "{}{}",
        top("200ms"),
        feed("buitenland", &server.url("/b"), "")
    ));
    let d = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(10), "the first poll", || {
        d.log().contains("polled")
    });
    // The next polls are answered 304, and then wait to note it in the state.
    let db = rusqlite::Connection::open(ws.path("state/pagefeed.sqlite3")).expect("open state");
    db.execute_batch("BEGIN IMMEDIATE").expect("lock the state");
    let polls = hits(&server, "/b").len();
    wait_for(
        Duration::from_secs(10),
        "polls while the state is held",
        || hits(&server, "/b").len() >= polls + 3,
    );
    let stopped = d.stop();
    assert_eq!(stopped.code, 0, "{}", stopped.log);
    assert!(
        stopped.took < Duration::from_secs(5),
        "SIGTERM took {:?}:\n{}",
        stopped.took,
        stopped.log
    );
    db.execute_batch("ROLLBACK").expect("unlock");
}

/// A FIFO where a feed file goes is replaced, never read: the daemon's other feeds go on and
/// SIGTERM is honoured.
#[test]
fn a_fifo_in_place_of_a_feed_file_stalls_nothing() {
    let server = Server::start(|_| Response::html(seed_page()));
    let ws = Workspace::new();
    ws.config(&format!(
        "{}{}{}",
        top("1h"),
        feed("a", &server.url("/a"), ""),
        feed("b", &server.url("/b"), "")
    ));
    std::fs::create_dir_all(ws.path("feeds")).expect("feeds");
    let status = Command::new("mkfifo")
        .arg(ws.path("feeds/a.rss"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let d = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(10), "both feeds' files", || {
        ws.path("feeds/a.atom").exists() && ws.path("feeds/b.rss").exists()
    });
    let stopped = d.stop();
    assert_eq!(stopped.code, 0, "{}", stopped.log);
    assert!(stopped.took < Duration::from_secs(5), "{:?}", stopped.took);
    let meta = std::fs::symlink_metadata(ws.path("feeds/a.rss")).expect("a.rss");
    assert!(
        meta.file_type().is_file(),
        "the FIFO was replaced by the feed"
    );
    assert!(ws.read("feeds/a.rss").contains("<rss"));
}

/// A reload keeps what pagefeed learnt of its sources: robots.txt is not fetched again for a
/// host it already has (it is kept a day), and the host's gap still holds.
#[test]
fn a_reload_keeps_the_robots_txt_cache_and_the_hosts_gaps() {
    let server = Server::start(|req| {
        if req.path == "/robots.txt" {
            let mut r = Response::html("User-agent: *\nAllow: /\n");
            r.headers = vec![("Content-Type".into(), "text/plain".into())];
            r
        } else {
            Response::html(seed_page())
        }
    });
    let ws = Workspace::new();
    let first = format!("{}{}", top("1h"), feed("one", &server.url("/one"), ""));
    ws.config(&first);
    let d = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(10), "feed one", || {
        ws.path("feeds/one.rss").exists()
    });
    ws.config(&format!("{first}{}", feed("two", &server.url("/two"), "")));
    d.signal("HUP");
    wait_for(Duration::from_secs(10), "feed two after SIGHUP", || {
        ws.path("feeds/two.rss").exists()
    });
    let stopped = d.stop();
    assert_eq!(stopped.code, 0, "{}", stopped.log);
    assert_eq!(
        hits(&server, "/robots.txt").len(),
        1,
        "robots.txt fetched once across the reload"
    );
}

/// Under journald (`JOURNAL_STREAM` set) every line carries its syslog priority and no time
/// or colour of its own: `<6>` info, `<4>` warning, `<3>` error.
#[test]
fn under_journald_lines_carry_their_priority_and_nothing_else() {
    let server = Server::start(|req| {
        if req.path == "/gone" {
            Response::status(500)
        } else {
            Response::html(seed_page())
        }
    });
    let ws = Workspace::new();
    ws.config(&format!(
        "{}{}{}",
        top("1h"),
        feed("good", &server.url("/good"), ""),
        feed("bad", &server.url("/gone"), "")
    ));
    let d = Daemon::start(&ws, &[("JOURNAL_STREAM", "8:12345")]);
    wait_for(Duration::from_secs(10), "both polls", || {
        let log = d.log();
        log.contains("polled") && log.contains("feed \"bad\"")
    });
    let stopped = d.stop();
    assert_eq!(stopped.code, 0);
    let lines: Vec<&str> = stopped.log.lines().collect();
    assert!(lines.len() >= 4, "{}", stopped.log);
    for line in &lines {
        let rest = ["<3>", "<4>", "<6>", "<7>"]
            .iter()
            .find_map(|p| line.strip_prefix(p))
            .unwrap_or_else(|| panic!("no priority prefix: {line:?}"));
        assert!(!rest.contains('\u{1b}'), "no colour: {line:?}");
        assert!(
            !rest.starts_with("20") && !rest.contains(" INFO ") && !rest.contains(" ERROR "),
            "no time or level words of its own: {line:?}"
        );
    }
    let find = |what: &str| lines.iter().find(|l| l.contains(what)).copied();
    assert!(
        find("polled").is_some_and(|l| l.starts_with("<6>")),
        "{}",
        stopped.log
    );
    assert!(
        find("feed \"bad\"").is_some_and(|l| l.starts_with("<3>")),
        "{}",
        stopped.log
    );
    assert!(find("stopped").is_some_and(|l| l.starts_with("<6>")));
}

/// Only one `pagefeed run` uses a state folder: a second exits 2 at once, naming the process
/// that holds it; `once` beside it keeps working.
#[test]
fn a_second_run_on_one_state_exits_2_naming_the_first() {
    let server = Server::start(|_| Response::html(seed_page()));
    let ws = Workspace::new();
    ws.config(&format!(
        "{}{}",
        top("1h"),
        feed("buitenland", &server.url("/b"), "")
    ));
    let first = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(10), "the first poll", || {
        first.log().contains("polled")
    });
    let started = std::time::Instant::now();
    let mut second = Command::new(env!("CARGO_BIN_EXE_pagefeed"))
        .args(["run", "-c"])
        .arg(ws.path("pagefeed.toml"))
        .env_remove("STATE_DIRECTORY")
        .env_remove("NOTIFY_SOCKET")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("second run");
    while second.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(5) {
            let _ = second.kill();
            let _ = second.wait();
            let _ = first.stop();
            panic!("a second run on one state kept running");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = second.wait_with_output().expect("output");
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(2), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "at once");
    assert!(
        err.contains(&format!("pid {}", first.child.id())) && err.contains("state"),
        "{err}"
    );
    let once = ws.run(&["once"]);
    assert!(once.status.success(), "{}", stderr(&once));
    let stopped = first.stop();
    assert_eq!(stopped.code, 0, "{}", stopped.log);
    // Once the first has gone, a run may start again.
    let again = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(10), "the poll of the next run", || {
        again.log().contains("polled")
    });
    assert_eq!(again.stop().code, 0);
}
