//! `pagefeed run` with `listen`: the real binary serving its feeds, pages, OPML, health and
//! metrics on 127.0.0.1, read back with a raw HTTP client, Python's jsonschema and
//! prometheus_client, and headless Chromium; `pagefeed status` after good and failing polls;
//! and polls that stay on schedule while hostile clients hold connections.

mod common;

use common::daemon::*;
use common::*;
use pagefeed::serve::HEAD_TIMEOUT;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn seed_page() -> Vec<u8> {
    std::fs::read(seed_dir().join("buitenland-1330.html")).expect("seed page")
}

/// A port free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn config(url: &str, port: u16, interval: &str) -> String {
    format!(
        "output_dir = \"feeds\"\nstate_dir = \"state\"\ntimezone = \"Europe/Amsterdam\"\nlanguage = \"nl\"\n\
         interval = \"{interval}\"\nhost_delay = \"0s\"\ntimeout = \"2s\"\nlisten = \"127.0.0.1:{port}\"\n\
         base_url = \"https://feeds.example.org/\"\n\
         [[feed]]\nid = \"buitenland\"\nurl = \"{url}\"\nrobots = false\n\
         [feed.items]\nselect = \"ul.news-list > li\"\nsummary = \"p.news-list__text\"\n\
         date = \"span.news-list__time\"\nlink = \"a\"\n"
    )
}

/// An answer as it came over the wire.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request on its own connection, exactly as written here.
fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status");
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.get("transfer-encoding").map(String::as_str) == Some("chunked") {
        body = dechunk(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size");
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..end])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .expect("hex size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

fn get(port: u16, path: &str) -> Answer {
    request(port, "GET", path, &[])
}

/// Run tests/tools/servecheck.py on `bytes`; its JSON answer.
fn servecheck(kind: &str, bytes: &[u8], dir: &Path) -> serde_json::Value {
    let file = dir.join(format!("check-{kind}"));
    std::fs::write(&file, bytes).expect("write");
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/servecheck.py");
    let out = Command::new("python3")
        .arg(tool)
        .arg(kind)
        .arg(&file)
        .output()
        .expect("python3 (pip install -r tests/requirements.txt)");
    assert!(
        out.status.success(),
        "servecheck {kind}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// Every route: status, headers and body; the files byte for byte, 304s, HEAD, gzip and br;
/// the JSON Feed against its schema, the OPML and metrics read back.
#[test]
fn every_route_answers_with_the_files_and_the_state() {
    let server = Server::start(|_| Response::html(seed_page()));
    let ws = Workspace::new();
    let port = free_port();
    ws.config(&config(&server.url("/buitenland"), port, "1h"));
    let daemon = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(20), "the first poll noted", || {
        get_ok(port, "/metrics").contains("result=\"ok\"")
    });
    for (ext, mime) in [
        ("rss", "application/rss+xml; charset=utf-8"),
        ("atom", "application/atom+xml; charset=utf-8"),
        ("json", "application/feed+json; charset=utf-8"),
    ] {
        let path = format!("/buitenland.{ext}");
        let file = std::fs::read(ws.path(&format!("feeds/buitenland.{ext}"))).expect("file");
        let a = get(port, &path);
        assert_eq!(a.status, 200, "{path}");
        assert_eq!(a.header("content-type"), mime);
        assert_eq!(a.body, file, "{path}: the same bytes as the file");
        assert_eq!(a.header("cache-control"), "max-age=3600");
        let etag = a.header("etag").to_string();
        assert!(
            etag.starts_with('"') && etag.len() == 34,
            "strong etag: {etag}"
        );
        let modified = a.header("last-modified").to_string();
        assert!(modified.ends_with(" GMT"), "{modified}");
        let again = request(port, "GET", &path, &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304);
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), etag);
        let since = request(port, "GET", &path, &[("If-Modified-Since", &modified)]);
        assert_eq!(since.status, 304);
        let other = request(port, "GET", &path, &[("If-None-Match", "\"other\"")]);
        assert_eq!(other.status, 200);
        let head = request(port, "HEAD", &path, &[]);
        assert_eq!(head.status, 200);
        assert!(head.body.is_empty());
        assert_eq!(head.header("etag"), etag);
        assert_eq!(head.header("content-type"), mime);
        let gz = request(port, "GET", &path, &[("Accept-Encoding", "gzip")]);
        assert_eq!(gz.header("content-encoding"), "gzip");
        assert!(
            gz.header("vary")
                .to_ascii_lowercase()
                .contains("accept-encoding")
        );
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&gz.body[..])
            .read_to_end(&mut plain)
            .expect("gunzip");
        assert_eq!(plain, file, "{path}: gzip holds the same bytes");
        let gz_tag = gz.header("etag").to_string();
        assert_ne!(gz_tag, etag, "another representation, another strong tag");
        let gz_again = request(
            port,
            "GET",
            &path,
            &[("Accept-Encoding", "gzip"), ("If-None-Match", &gz_tag)],
        );
        assert_eq!(gz_again.status, 304);
        let br = request(port, "GET", &path, &[("Accept-Encoding", "br")]);
        assert_eq!(br.header("content-encoding"), "br");
    }
    let feed = get(port, "/buitenland.json");
    let checked = servecheck("jsonfeed", &feed.body, ws.dir.path());
    assert_eq!(checked["items"], 7);
    assert_eq!(
        checked["feed_url"],
        "https://feeds.example.org/buitenland.json"
    );

    let opml = get(port, "/feeds.opml");
    assert_eq!(opml.status, 200);
    assert!(opml.header("content-type").starts_with("text/x-opml"));
    let outline = servecheck("opml", &opml.body, ws.dir.path());
    let o = &outline["outlines"][0];
    assert_eq!(o["xmlUrl"], "https://feeds.example.org/buitenland.rss");
    assert!(
        o["htmlUrl"]
            .as_str()
            .unwrap_or("")
            .starts_with("http://127.0.0.1:"),
        "{o}"
    );
    assert_eq!(o["type"], "rss");

    let metrics = get(port, "/metrics");
    assert!(
        metrics
            .header("content-type")
            .starts_with("application/openmetrics-text")
    );
    let samples = servecheck("metrics", &metrics.body, ws.dir.path());
    let s = &samples["samples"];
    assert_eq!(
        s["pagefeed_polls_total{feed=buitenland,result=ok}"], 1.0,
        "{s}"
    );
    assert_eq!(
        s["pagefeed_items_published_total{feed=buitenland}"], 7.0,
        "{s}"
    );
    assert!(s["pagefeed_fetch_bytes_total{feed=buitenland}"].as_f64() > Some(5000.0));
    assert_eq!(s["pagefeed_poll_duration_seconds_count{}"], 1.0, "{s}");
    assert!(s["pagefeed_last_success_timestamp_seconds{feed=buitenland}"].as_f64() > Some(1e9));

    let health = get(port, "/healthz");
    assert_eq!((health.status, health.text().as_str()), (200, "ok\n"));

    let page = get(port, "/");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
    assert!(
        page.header("content-security-policy")
            .contains("default-src 'none'")
    );
    let text = page.text().replace("&#x2f;", "/");
    assert!(text.contains("<link rel=\"alternate\" type=\"application/feed+json\""));
    assert!(text.contains("href=\"/buitenland.atom\""));
    assert!(!text.contains("<script"), "no JavaScript");
    let items = get(port, "/buitenland/");
    assert_eq!(items.status, 200);
    assert_eq!(items.text().matches("<article").count(), 7);

    for (method, path, status) in [
        ("GET", "/nothing.rss", 404),
        ("GET", "/buitenland.xml", 404),
        ("GET", "/buitenland", 404),
        ("GET", "/nothing/", 404),
        ("GET", "/feeds/", 404),
        ("GET", "/state/pagefeed.sqlite3", 404),
        ("GET", "/..%2fpagefeed.toml", 404),
        ("GET", "/%2e%2e/pagefeed.toml", 404),
        ("GET", "/buitenland.rss/x", 404),
        ("POST", "/buitenland.rss", 405),
        ("DELETE", "/", 405),
        ("PUT", "/feeds.opml", 405),
    ] {
        assert_eq!(
            request(port, method, path, &[]).status,
            status,
            "{method} {path}"
        );
    }
    assert_eq!(daemon.stop().code, 0);
}

fn get_ok(port: u16, path: &str) -> String {
    match TcpStream::connect(("127.0.0.1", port)) {
        Ok(_) => get(port, path).text(),
        Err(_) => String::new(),
    }
}

/// `pagefeed status` before any poll, after a good one and after failing ones: the table
/// and the JSON, read from the state without the daemon; /healthz and the page agree.
#[test]
fn status_shows_each_feeds_health_from_the_state() {
    let failing = Arc::new(AtomicBool::new(false));
    let f = failing.clone();
    let server = Server::start(move |_| {
        if f.load(Ordering::SeqCst) {
            Response::status(503)
        } else {
            Response::html(seed_page())
        }
    });
    let ws = Workspace::new();
    let port = free_port();
    ws.config(&config(&server.url("/buitenland"), port, "500ms"));
    let before = ws.run(&["status"]);
    assert!(before.status.success(), "{}", stderr(&before));
    let table = String::from_utf8_lossy(&before.stdout).into_owned();
    assert!(table.contains("never polled"), "{table}");
    let json = ws.run(&["status", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v[0]["id"], "buitenland");
    assert_eq!(v[0]["last_poll"], serde_json::Value::Null);

    let daemon = Daemon::start(&ws, &[]);
    let status = || -> serde_json::Value {
        let out = ws.run(&["status", "--json"]);
        serde_json::from_slice(&out.stdout).unwrap_or_default()
    };
    wait_for(Duration::from_secs(20), "a good poll in the state", || {
        status()[0]["result"] == "ok" || status()[0]["result"] == "not modified"
    });
    let good = status();
    for key in [
        "id",
        "last_poll",
        "result",
        "items",
        "failures",
        "last_error",
        "next_poll",
    ] {
        assert!(good[0].get(key).is_some(), "{key} in {good}");
    }
    assert_eq!(good[0]["items"], 7);
    assert_eq!(good[0]["failures"], 0);
    assert!(good[0]["next_poll"].is_string(), "{good}");
    failing.store(true, Ordering::SeqCst);
    wait_for(Duration::from_secs(20), "a failure in the state", || {
        status()[0]["failures"].as_u64() >= Some(1)
    });
    let bad = status();
    assert_eq!(bad[0]["result"], "HTTP 503");
    assert!(
        bad[0]["last_error"].as_str().unwrap_or("").contains("503"),
        "{bad}"
    );
    assert_eq!(bad[0]["items"], 7, "the last count stays");
    let table = ws.run(&["status"]);
    let table = String::from_utf8_lossy(&table.stdout).into_owned();
    assert!(
        table.contains("HTTP 503") && table.contains("last error:"),
        "{table}"
    );
    let page = get(port, "/").text();
    assert!(
        page.contains("HTTP 503") && page.contains("in a row"),
        "{page}"
    );
    assert_eq!(get(port, "/healthz").status, 200);
    assert_eq!(daemon.stop().code, 0);
    // With the daemon gone the state still tells.
    let after = status();
    assert_eq!(after[0]["result"], "HTTP 503");
}

/// The status page and a feed's page in a real browser (headless Chromium): the text a
/// person reads, and a phone-sized screenshot kept under target/ for a look.
#[test]
fn the_pages_render_in_a_real_browser() {
    let chromium = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("headless Chromium is needed for this test: apt-get install -y chromium");
    let server = Server::start(|_| Response::html(seed_page()));
    let ws = Workspace::new();
    let port = free_port();
    ws.config(&config(&server.url("/buitenland"), port, "1h"));
    let daemon = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(20), "the first poll noted", || {
        get_ok(port, "/").contains("items on the page")
    });
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    let browse = |args: &[String]| {
        let out = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
            ])
            .arg(format!("--user-data-dir={}", ws.path("chromium").display()))
            .args(args)
            .output()
            .expect("run chromium");
        assert!(out.status.success(), "chromium: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for (path, name, expect) in [
        (
            "/",
            "status",
            vec![
                "pagefeed",
                "Last poll",
                "RSS",
                "Atom",
                "JSON Feed",
                "Selectors",
                "7 items on the page",
            ],
        ),
        (
            "/buitenland/",
            "feed",
            vec![
                "7 items, newest first",
                "Published",
                "Within",
                "the date text on the page",
                "CET",
            ],
        ),
    ] {
        let url = format!("http://127.0.0.1:{port}{path}");
        let dom = browse(&["--dump-dom".into(), url.clone()]);
        for e in expect {
            assert!(dom.contains(e), "{path}: {e:?} in\n{dom}");
        }
        assert!(!dom.contains("<script"), "{path}: no JavaScript");
        let shot = shots.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&shot);
        browse(&[
            format!("--screenshot={}", shot.display()),
            "--window-size=412,900".into(),
            "--hide-scrollbars".into(),
            url,
        ]);
        let png = std::fs::read(&shot).expect("screenshot written");
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 5000,
            "{name}.png"
        );
    }
    assert_eq!(daemon.stop().code, 0);
}

/// When each poll reached the source.
type Times = Arc<Mutex<Vec<Instant>>>;

/// Read `stream` until the server closes it: the time from `opened` to its end of file (or
/// reset), or what went wrong: no close within `limit` of `opened` (the read timed out), or
/// another read error.
fn closed_by_server(
    mut stream: TcpStream,
    opened: Instant,
    limit: Duration,
) -> Result<Duration, String> {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        let left = limit.saturating_sub(opened.elapsed());
        if left.is_zero() {
            return Err(format!(
                "still open {limit:?} after it was opened (received {:?})",
                String::from_utf8_lossy(&got)
            ));
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|e| format!("set_read_timeout: {e}"))?;
        match stream.read(&mut buf) {
            Ok(0) => return Ok(opened.elapsed()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
                ) =>
            {
                return Ok(opened.elapsed());
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(format!(
                    "the server did not close it within {limit:?} of opening: the read timed out \
                     after {:?} (received {:?})",
                    opened.elapsed(),
                    String::from_utf8_lossy(&got)
                ));
            }
            Err(e) => return Err(format!("read: {e}")),
        }
    }
}

fn gaps(times: &Times, from: Instant, to: Instant) -> Vec<Duration> {
    let t: Vec<Instant> = times
        .lock()
        .map(|t| {
            t.iter()
                .copied()
                .filter(|t| *t >= from && *t <= to)
                .collect()
        })
        .unwrap_or_default();
    t.windows(2).map(|w| w[1] - w[0]).collect()
}

/// A client that sends one byte a second, and 200 idle connections, do not delay polls:
/// the gaps between polls stay what they are without them; the slow client is cut off; the
/// idle connections cost little memory.
#[test]
fn slow_and_idle_clients_do_not_delay_polls() {
    let times: Times = Arc::new(Mutex::new(Vec::new()));
    let t = times.clone();
    let server = Server::start(move |_| {
        if let Ok(mut t) = t.lock() {
            t.push(Instant::now());
        }
        Response::html(seed_page())
    });
    let ws = Workspace::new();
    let port = free_port();
    ws.config(&config(&server.url("/buitenland"), port, "300ms"));
    let daemon = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(20), "the server", || {
        TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let quiet_from = Instant::now();
    std::thread::sleep(Duration::from_secs(6));
    let quiet = gaps(&times, quiet_from, Instant::now());
    let rss_before = daemon.rss_kb();

    let opened = Instant::now();
    let mut idle: Vec<TcpStream> = (0..200)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok())
        .collect();
    assert_eq!(idle.len(), 200);
    // The first idle connection is watched from here on: the server must close it itself
    // (the head timeout), not the watcher give up waiting.
    let first = idle.remove(0);
    let idle_closed = std::thread::spawn(move || {
        closed_by_server(first, opened, HEAD_TIMEOUT + Duration::from_secs(5))
    });
    let cut_off = Arc::new(Mutex::new(None::<Duration>));
    let c = cut_off.clone();
    let slow = std::thread::spawn(move || {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
            return;
        };
        let start = Instant::now();
        for b in b"GET /buitenland.rss HTTP/1.1\r\nHost: x\r\nX-Slow: "
            .iter()
            .cycle()
        {
            if s.write_all(&[*b]).is_err() || start.elapsed() > Duration::from_secs(30) {
                break;
            }
            std::thread::sleep(Duration::from_secs(1));
            let mut probe = [0u8; 1];
            s.set_nonblocking(true).ok();
            let closed = match s.read(&mut probe) {
                Ok(_) => true,
                Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
            };
            s.set_nonblocking(false).ok();
            if closed {
                break;
            }
        }
        if let Ok(mut c) = c.lock() {
            *c = Some(start.elapsed());
        }
    });
    let busy_from = Instant::now();
    std::thread::sleep(Duration::from_secs(6));
    let busy = gaps(&times, busy_from, Instant::now());
    let rss_idle = daemon.rss_kb();
    slow.join().expect("slow client");
    let cut = cut_off.lock().ok().and_then(|c| *c).expect("measured");

    let mean = |g: &[Duration]| g.iter().sum::<Duration>() / g.len().max(1) as u32;
    let worst = |g: &[Duration]| g.iter().max().copied().unwrap_or_default();
    eprintln!(
        "polls without clients: {} gaps, mean {:?}, worst {:?}; with 200 idle + 1 slow: {} gaps, mean {:?}, worst {:?}; \
         resident {rss_before} kB before, {rss_idle} kB with 200 idle connections; slow client cut off after {cut:?}",
        quiet.len(),
        mean(&quiet),
        worst(&quiet),
        busy.len(),
        mean(&busy),
        worst(&busy)
    );
    assert!(
        quiet.len() >= 10 && busy.len() >= 10,
        "polls go on: {quiet:?} {busy:?}"
    );
    assert!(
        mean(&busy) < mean(&quiet) + Duration::from_millis(100),
        "polls on schedule: {busy:?} vs {quiet:?}"
    );
    assert!(worst(&busy) < Duration::from_millis(1500), "{busy:?}");
    assert!(
        cut < Duration::from_secs(15),
        "the slow client is cut off: {cut:?}"
    );
    // The idle connections are closed by the server too, by the head timeout: not at once,
    // and not later than a few seconds after it.
    let closed_after = idle_closed
        .join()
        .expect("idle watcher")
        .unwrap_or_else(|e| panic!("idle connection closed: {e}"));
    assert!(
        closed_after >= HEAD_TIMEOUT / 2,
        "idle connection closed by the head timeout, not at once: after {closed_after:?}"
    );
    eprintln!("an idle connection closed by the server after {closed_after:?}");
    drop(idle);
    assert_eq!(get(port, "/healthz").status, 200);
    assert_eq!(daemon.stop().code, 0);
}

/// Many feeds: the status page shows a summary of all, a page of them with failing feeds
/// first, and links to the other pages (`/?page=N`).
#[test]
fn the_status_page_of_many_feeds_comes_in_pages_failing_feeds_first() {
    let ws = Workspace::new();
    std::fs::write(ws.path("page.html"), seed_page()).expect("page");
    let port = free_port();
    let mut text = format!(
        "output_dir = \"feeds\"\nstate_dir = \"state\"\ninterval = \"7d\"\nlisten = \"127.0.0.1:{port}\"\nconcurrency = 8\n"
    );
    for n in 0..150 {
        // Every fiftieth feed's page is missing: it fails.
        let url = if n % 50 == 49 {
            "missing.html"
        } else {
            "page.html"
        };
        text.push_str(&format!(
            "[[feed]]\nid = \"f{n:03}\"\nurl = \"{url}\"\n[feed.items]\nselect = \"ul.news-list > li\"\n"
        ));
    }
    ws.config(&text);
    let d = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(10), "the server", || {
        d.log().contains("serving http")
    });
    // Each poll is noted in the state after it is logged: wait for the notes.
    wait_for(Duration::from_secs(60), "150 polls noted", || {
        let page = get_ok(port, "/");
        page.contains("150 feeds, 3 failing") && !page.contains("not polled yet")
    });
    let first = get_ok(port, "/").replace("&#x2f;", "/");
    assert!(first.contains("page 1 of 2"), "{first}");
    assert_eq!(first.matches("<section class=\"feed").count(), 100);
    let failing = first
        .find("id=\"feed-f049\"")
        .expect("a failing feed on page 1");
    assert!(
        failing < first.find("id=\"feed-f000\"").expect("f000"),
        "failing first"
    );
    assert!(first.contains("href=\"/?page=2\" rel=\"next\""));
    let second = get_ok(port, "/?page=2").replace("&#x2f;", "/");
    assert!(second.contains("page 2 of 2") && second.contains("rel=\"prev\""));
    assert_eq!(second.matches("<section class=\"feed").count(), 50);
    assert!(second.contains("id=\"feed-f148\"") && !second.contains("id=\"feed-f149\""));
    d.stop();
}

/// The status page says one thing per state: a feed whose date selector misses every item is
/// marked and its last page shown (`date 0 of 7, 0 read`); a failing feed shows its failure
/// and its last success apart, never "HTTP 404 · 7 items on the page"; undated items are
/// shown as undated.
#[test]
fn the_status_page_marks_missing_selectors_and_says_one_thing_per_state() {
    let failing = Arc::new(AtomicBool::new(false));
    let fail = failing.clone();
    let server = Server::start(move |req| {
        if req.path == "/gone" && fail.load(Ordering::SeqCst) {
            return Response::status(404);
        }
        Response::html(seed_page())
    });
    let port = free_port();
    let ws = Workspace::new();
    ws.config(&format!(
        "output_dir = \"feeds\"\nstate_dir = \"state\"\ninterval = \"300ms\"\nhost_delay = \"0s\"\ntimezone = \"Europe/Amsterdam\"\nlisten = \"127.0.0.1:{port}\"\n\
         [[feed]]\nid = \"nodate\"\nurl = \"{}\"\nrobots = false\n[feed.items]\nselect = \"ul.news-list > li\"\ndate = \"span.nope\"\n\
         [[feed]]\nid = \"gone\"\nurl = \"{}\"\nrobots = false\n[feed.items]\nselect = \"ul.news-list > li\"\n",
        server.url("/nodate"),
        server.url("/gone")
    ));
    let d = Daemon::start(&ws, &[]);
    wait_for(Duration::from_secs(10), "the server", || {
        d.log().contains("serving http")
    });
    wait_for(Duration::from_secs(20), "both feeds noted", || {
        !get_ok(port, "/").contains("not polled yet")
    });
    failing.store(true, Ordering::SeqCst);
    wait_for(Duration::from_secs(20), "the failure noted", || {
        get_ok(port, "/").contains("HTTP 404")
    });
    let page = get_ok(port, "/").replace("&#x2f;", "/");
    let card = |id: &str| {
        let at = page.find(&format!("id=\"feed-{id}\"")).expect(id);
        let start = page[..at].rfind("<section").expect("section");
        let end = at + page[at..].find("</section>").expect("end");
        page[start..end].to_string()
    };
    let nodate = card("nodate");
    assert!(nodate.contains("class=\"feed wanting\""), "{nodate}");
    assert!(nodate.contains("date 0 of 7, 0 read"), "{nodate}");
    let gone = card("gone");
    assert!(gone.contains("HTTP 404"), "{gone}");
    assert!(
        !gone.contains("items on the page,"),
        "one thing per state: {gone}"
    );
    assert!(gone.contains("Last success"), "{gone}");
    assert!(
        page.contains("1 with a selector that misses or dates not read"),
        "{page}"
    );
    let items = get_ok(port, "/nodate/").replace("&#x2f;", "/");
    assert!(items.contains("undated: the page gives no date"), "{items}");
    assert!(!items.contains("1970"), "{items}");
    let status = Command::new(env!("CARGO_BIN_EXE_pagefeed"))
        .args(["status", "--json", "-c"])
        .arg(ws.path("pagefeed.toml"))
        .output()
        .expect("status");
    let listed: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    assert_eq!(listed[0]["last_page"]["dates_read"], 0, "{listed}");
    d.stop();
}
