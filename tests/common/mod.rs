//! What the end-to-end tests share: a small HTTP server on 127.0.0.1 that the test scripts,
//! a way to run the real binary, and readers for the feeds it writes.

#![allow(dead_code)]

pub mod daemon;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const SEED_NOW: [&str; 3] = [
    "2026-03-04T13:30:00+01:00",
    "2026-03-04T14:05:00+01:00",
    "2026-03-04T16:40:00+01:00",
];

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    pub headers: HashMap<String, String>,
}

/// What the server answers.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering at all.
    pub delay: Duration,
    /// Claim this Content-Length instead of the body's (to close mid-body).
    pub claimed_length: Option<usize>,
}

impl Response {
    pub fn html(body: impl Into<Vec<u8>>) -> Response {
        Response {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body: body.into(),
            delay: Duration::ZERO,
            claimed_length: None,
        }
    }

    pub fn status(status: u16) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: format!("<h1>{status}</h1>").into_bytes(),
            delay: Duration::ZERO,
            claimed_length: None,
        }
    }

    /// One more header of a name that may repeat (`Set-Cookie`).
    pub fn also_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// An HTTP/1.1 server on 127.0.0.1, one thread per connection, answering with `handler`.
pub struct Server {
    pub addr: String,
    pub requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    pub fn start(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr").to_string();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let handler = handler.clone();
                let log = log.clone();
                std::thread::spawn(move || serve(stream, &*handler, &log));
            }
        });
        Server { addr, requests }
    }

    /// Serve the files of `dir` by name: `/buitenland-1330.html`.
    pub fn files(dir: &Path) -> Server {
        let dir = dir.to_path_buf();
        Server::start(move |req| {
            let name = req.path.trim_start_matches('/');
            match std::fs::read(dir.join(name)) {
                Ok(body) if !name.contains("..") => Response::html(body),
                _ => Response::status(404),
            }
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Request>>) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut stream = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        if let Some(n) = headers
            .get("content-length")
            .and_then(|n| n.parse::<usize>().ok())
        {
            let mut body = vec![0; n];
            let _ = reader.read_exact(&mut body);
        }
        let req = Request { path, headers };
        if let Ok(mut l) = log.lock() {
            l.push(req.clone());
        }
        let resp = handler(&req);
        std::thread::sleep(resp.delay);
        let reason = match resp.status {
            200 => "OK",
            304 => "Not Modified",
            404 => "Not Found",
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            503 => "Service Unavailable",
            _ => "Status",
        };
        let mut head = format!("HTTP/1.1 {} {reason}\r\n", resp.status);
        for (k, v) in &resp.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        let length = resp.claimed_length.unwrap_or(resp.body.len());
        head.push_str(&format!("Content-Length: {length}\r\n\r\n"));
        if stream.write_all(head.as_bytes()).is_err() || stream.write_all(&resp.body).is_err() {
            return;
        }
        if resp.claimed_length.is_some() {
            return; // close mid-body
        }
    }
}

/// The seed pages as the tests carry them.
pub fn seed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed")
}

/// A folder for one test's config, state and feeds.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Write `pagefeed.toml` with `text` and return its path.
    pub fn config(&self, text: &str) -> PathBuf {
        let p = self.path("pagefeed.toml");
        std::fs::write(&p, text).expect("write config");
        p
    }

    /// Run `pagefeed ARGS -c pagefeed.toml`.
    pub fn run(&self, args: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_pagefeed"))
            .args(args)
            .arg("-c")
            .arg(self.path("pagefeed.toml"))
            .env_remove("PAGEFEED_CONFIG")
            .env_remove("STATE_DIRECTORY")
            .env_remove("JOURNAL_STREAM")
            .env("PAGEFEED_LOG", "info")
            .output()
            .expect("run pagefeed");
        keep_for_conformance(self.dir.path());
        out
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }
}

/// The seed feed's config, for pages served at `url`.
pub fn seed_config(url: &str) -> String {
    format!(
        r#"
output_dir = "feeds"
state_dir = "state"
host_delay = "0s"
base_url = "https://feeds.example.org/"
timezone = "Europe/Amsterdam"
language = "nl"

[[feed]]
id = "buitenland"
url = "{url}"

[feed.items]
select = "ul.news-list > li"
summary = "p.news-list__text"
date = "span.news-list__time"
link = "a"
"#
    )
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every feed a test wrote is strict XML (RSS and Atom, read by a parser that forgives
/// nothing) or strict JSON (JSON Feed): a test that writes a feed fails where one is not.
/// Copies go to `target/test-feeds/<pid>-<n>/`, for the conformance test to read with a feed
/// reader.
pub fn keep_for_conformance(dir: &Path) {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-feeds");
    let Ok(entries) = std::fs::read_dir(dir.join("feeds")) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let xml = name.ends_with(".rss") || name.ends_with(".atom");
        if !(xml || name.ends_with(".json"))
            || !std::fs::symlink_metadata(e.path()).is_ok_and(|m| m.is_file())
        {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            panic!("{}: a feed file that is not UTF-8", e.path().display());
        };
        if xml {
            if let Err(err) = roxmltree::Document::parse(&text) {
                panic!(
                    "{} is not well-formed XML: {err}\n{text}",
                    e.path().display()
                );
            }
        } else if let Err(err) = serde_json::from_str::<serde_json::Value>(&text) {
            panic!("{} is not JSON: {err}\n{text}", e.path().display());
        }
        let tag = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dest = out.join(format!("{}-{tag}", std::process::id()));
        let _ = std::fs::create_dir_all(&dest);
        let _ = std::fs::copy(e.path(), dest.join(name));
    }
}
