//! Every kind of bad input costs the feed one failed poll with a one-line error that names
//! the feed and the cause, exit status 1, and leaves the published files as they were, while
//! the other feeds are still written.

mod common;

use common::*;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn seed_page() -> Vec<u8> {
    std::fs::read(seed_dir().join("buitenland-1330.html")).expect("seed page")
}

/// Two feeds on one server: `good` always answers the seed page, `bad` answers `current`.
struct Setup {
    ws: Workspace,
    current: Arc<Mutex<Response>>,
    _server: Server,
}

fn setup() -> Setup {
    let current = Arc::new(Mutex::new(Response::html(seed_page())));
    let answer = current.clone();
    let server = Server::start(move |req| {
        if req.path == "/good" {
            Response::html(seed_page())
        } else {
            answer
                .lock()
                .map(|r| r.clone())
                .unwrap_or_else(|_| Response::status(500))
        }
    });
    let ws = Workspace::new();
    let feed = |id: &str, path: &str| {
        format!(
            "[[feed]]\nid = \"{id}\"\nurl = \"{}\"\n[feed.items]\nselect = \"ul.news-list > li\"\nsummary = \"p.news-list__text\"\ndate = \"span.news-list__time\"\n",
            server.url(path)
        )
    };
    ws.config(&format!(
        "output_dir = \"feeds\"\nstate_dir = \"state\"\ntimezone = \"Europe/Amsterdam\"\ntimeout = \"1s\"\nhost_delay = \"0s\"\n{}{}",
        feed("good", "/good"),
        feed("bad", "/bad")
    ));
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    assert!(out.status.success(), "first poll: {}", stderr(&out));
    Setup {
        ws,
        current,
        _server: server,
    }
}

/// Make `bad` answer `response`, poll at a later moment, and check the failure.
fn fails_with(response: Response, cause: &str) {
    let s = setup();
    let before_rss = s.ws.read("feeds/bad.rss");
    let before_atom = s.ws.read("feeds/bad.atom");
    let good_before = s.ws.read("feeds/good.rss");
    *s.current.lock().expect("lock") = response;
    let out = s.ws.run(&["once", "--now", SEED_NOW[1]]);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit status for {cause:?}: {err}"
    );
    let line = err
        .lines()
        .find(|l| l.contains("feed \"bad\"") && l.contains("ERROR"))
        .unwrap_or_else(|| panic!("no error line naming the feed for {cause:?} in:\n{err}"));
    assert!(
        line.to_lowercase().contains(&cause.to_lowercase()),
        "the error for {cause:?} does not say so: {line}"
    );
    assert_eq!(
        s.ws.read("feeds/bad.rss"),
        before_rss,
        "{cause}: RSS untouched"
    );
    assert_eq!(
        s.ws.read("feeds/bad.atom"),
        before_atom,
        "{cause}: Atom untouched"
    );
    assert!(
        err.lines()
            .any(|l| l.contains("good") && l.contains("polled")),
        "the good feed is still polled: {err}"
    );
    assert_eq!(
        s.ws.read("feeds/good.rss"),
        good_before,
        "same page, same times: unchanged"
    );
}

#[test]
fn http_404() {
    fails_with(Response::status(404), "404");
}

#[test]
fn http_500() {
    fails_with(Response::status(500), "500");
}

#[test]
fn a_timeout() {
    let mut r = Response::html(seed_page());
    r.delay = Duration::from_secs(3);
    fails_with(r, "timeout");
}

/// An empty body (200 with nothing, or only white space) is a failure of the source, said
/// as such: not "the item selector matched nothing".
#[test]
fn an_empty_body() {
    fails_with(Response::html(""), "the page is empty");
    fails_with(Response::html("  \n\t "), "the page is empty");
}

#[test]
fn a_body_that_is_not_html() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let mut r = Response::html(png).header("Content-Type", "image/png");
    r.status = 200;
    fails_with(r, "not HTML");
}

#[test]
fn a_page_past_the_body_cap() {
    let big = vec![b'a'; 11 * 1024 * 1024];
    fails_with(Response::html(big), "larger than");
}

#[test]
fn a_selector_that_matches_nothing() {
    fails_with(
        Response::html("<html><body><p>Redesigned</p></body></html>"),
        "matched nothing",
    );
}

#[test]
fn an_unknown_charset_label() {
    fails_with(
        Response::html(seed_page()).header("Content-Type", "text/html; charset=x-unheard-of"),
        "x-unheard-of",
    );
}

#[test]
fn bytes_not_valid_in_the_declared_charset() {
    let mut page = seed_page();
    page.extend_from_slice(b"\xff\xfe\xc3(");
    fails_with(Response::html(page), "UTF-8");
}

#[test]
fn a_server_that_closes_mid_body() {
    let mut r = Response::html(seed_page());
    r.claimed_length = Some(r.body.len() * 2);
    fails_with(r, "bad");
}

#[test]
fn an_unreachable_host() {
    let s = setup();
    let before = s.ws.read("feeds/bad.rss");
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let config = s.ws.read("pagefeed.toml");
    let bad_url = format!("http://{}/bad", s._server.addr);
    s.ws.config(&config.replace(&bad_url, &format!("http://127.0.0.1:{port}/bad")));
    let out = s.ws.run(&["once", "--now", SEED_NOW[1]]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.lines()
            .any(|l| l.contains("bad") && l.contains(&port.to_string())),
        "{err}"
    );
    assert_eq!(s.ws.read("feeds/bad.rss"), before);
}

#[test]
fn control_characters_never_reach_a_feed() {
    let page = String::from_utf8(seed_page())
        .expect("utf-8")
        .replace("Hezbollah-leider", "Hezbollah\u{1}\u{8}-leider\u{1b}[0m");
    let server = Server::start(move |_| Response::html(page.clone()));
    let ws = Workspace::new();
    ws.config(&seed_config(&server.url("/")));
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    assert!(out.status.success(), "{}", stderr(&out));
    for f in ["feeds/buitenland.rss", "feeds/buitenland.atom"] {
        let text = ws.read(f);
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')),
            "{f} holds a control character"
        );
        assert!(text.contains("Hezbollah-leider[0m"), "{f}");
    }
}
