//! What a page's server may not make pagefeed do: fetch an address more internal than the
//! feed's own by a redirect, publish `file:` links, or move the fetch moment with an absurd
//! `Age`. Only 127.0.0.1 (and 0.0.0.0, which is this machine) is ever contacted, even were the
//! guard broken: the other classes are tested on the policy alone.

mod common;

use common::*;

fn config(url: &str, extra: &str) -> String {
    format!(
        r#"
output_dir = "feeds"
state_dir = "state"
host_delay = "0s"
timezone = "Europe/Amsterdam"

[[feed]]
id = "news"
url = "{url}"
robots = false
{extra}

[feed.items]
select = "li"
"#
    )
}

const SECRET: &str = "<ul><li><a href=\"/admin\">root password hunter2</a></li></ul>";
const PUBLIC: &str = "<ul><li><a href=\"/a\">A public item</a></li></ul>";

/// `/to/TARGET` redirects to `http://TARGET`; `/secret` is what must not be published.
fn server() -> Server {
    Server::start(|req| match req.path.strip_prefix("/to/") {
        Some(target) => Response::status(302).header("Location", &format!("http://{target}")),
        None if req.path == "/secret" => Response::html(SECRET),
        None => Response::html(PUBLIC),
    })
}

#[test]
fn a_redirect_to_this_machine_by_another_name_needs_private_network() {
    let server = server();
    let port = server.addr.rsplit(':').next().expect("a port");
    let url = server.url(&format!("/to/0.0.0.0:{port}/secret"));

    let ws = Workspace::new();
    ws.config(&config(&url, ""));
    let out = ws.run(&["once"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains("refused"))
        .unwrap_or_else(|| panic!("no refusal in: {err}"));
    assert!(
        line.contains("news")
            && line.contains(&url)
            && line.contains(&format!(
                "refused the redirect to http://0.0.0.0:{port}/secret"
            ))
            && line.contains("private_network = true"),
        "{line}"
    );
    assert!(!ws.path("feeds/news.rss").exists());
    assert_eq!(
        server.requests().len(),
        1,
        "only the first hop was requested"
    );

    let ws = Workspace::new();
    ws.config(&config(&url, "private_network = true"));
    let out = ws.run(&["once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        ws.read("feeds/news.rss").contains("hunter2"),
        "the feed opted in"
    );

    let ws = Workspace::new();
    ws.config(&config(&url, "private_network = \"yes\""));
    let out = ws.run(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("private_network: must be true or false"),
        "{}",
        stderr(&out)
    );
}

/// The address classes follow IANA's special-purpose registries: a redirect into a block the
/// registry does not call globally reachable (local-use NAT64 `64:ff9b:1::/48`, Teredo
/// `2001::/32`, IETF protocol assignments `2001::/23`, 6to4 `2002::/16`, documentation
/// `3fff::/20`, SRv6 `5f00::/16`) is refused before any packet, like a private one.
#[test]
fn a_redirect_into_a_special_purpose_block_is_refused() {
    let server = server();
    for target in [
        "[64:ff9b:1::7f00:1]",
        "[2001:0:5ef5:79fb::1]",
        "[2001:2::1]",
        "[2001:1f::1]",
        "[2002:7f00:1::1]",
        "[3fff::1]",
        "[5f00::1]",
        "[100:0:0:1::1]",
    ] {
        let url = server.url(&format!("/to/{target}:9/secret"));
        let ws = Workspace::new();
        ws.config(&config(&url, ""));
        let out = ws.run(&["once"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{target}: {err}");
        assert!(
            err.contains(&format!(
                "refused the redirect to http://{target}:9/secret (a reserved address)"
            )),
            "{target}: {err}"
        );
    }
}

#[test]
fn a_redirect_within_loopback_is_followed() {
    let server = server();
    let ws = Workspace::new();
    let port = server.addr.rsplit(':').next().expect("a port");
    ws.config(&config(
        &server.url(&format!("/to/localhost:{port}/page")),
        "",
    ));
    let out = ws.run(&["once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(ws.read("feeds/news.rss").contains("A public item"));
}

#[test]
fn file_links_are_never_published() {
    let page = r#"<html><head><title>Links</title></head><body><ul>
        <li><a href="file:///etc/passwd">The password file</a></li>
        <li><a href="FILE:///etc/shadow">The shadow file</a></li>
        <li><a href="/real">A real item</a></li>
        </ul></body></html>"#;
    let server = Server::start(move |_| Response::html(page));
    let ws = Workspace::new();
    ws.config(&config(&server.url("/"), ""));
    let out = ws.run(&["once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for file in ["feeds/news.rss", "feeds/news.atom"] {
        let text = ws.read(file);
        assert!(
            !text.to_ascii_lowercase().contains("file:"),
            "{file}: {text}"
        );
        assert!(
            text.contains("The password file") && text.contains("/real"),
            "{text}"
        );
    }
    let rss = rss::Channel::read_from(ws.read("feeds/news.rss").as_bytes()).expect("RSS");
    for item in &rss.items()[..2] {
        assert_eq!(item.link(), None);
        let guid = item.guid().expect("guid").value();
        assert!(guid.starts_with("urn:uuid:"), "{guid}");
    }
}

/// A page read from a file names its own address with `<link rel="canonical">` (and `<base
/// href>`): only an http(s) one becomes the feed's link. A `javascript:`, `data:`, `vbscript:`
/// or `file:` one never reaches the RSS channel link, the Atom alternate link, JSON Feed's
/// `home_page_url` or what the status page and OPML link to.
#[test]
fn a_file_pages_canonical_link_of_another_scheme_is_not_the_feeds_link() {
    for (head, scheme) in [
        (
            r#"<link rel="canonical" href="javascript:alert(1)">"#,
            "javascript:",
        ),
        (
            r#"<link rel="canonical" href="data:text/html,<b>x</b>">"#,
            "data:",
        ),
        (r#"<base href="vbscript:msgbox(1)//">"#, "vbscript:"),
        (
            r#"<link rel="canonical" href="file:///etc/passwd">"#,
            "/etc/passwd",
        ),
    ] {
        let ws = Workspace::new();
        let page = format!(
            "<html><head><title>T</title>{head}</head><body><ul><li><a href=\"https://s.example/a\">An item</a></li></ul></body></html>"
        );
        std::fs::write(ws.path("page.html"), page).expect("write");
        ws.config(&config("page.html", ""));
        let out = ws.run(&["once"]);
        assert!(out.status.success(), "{}", stderr(&out));
        for file in ["feeds/news.rss", "feeds/news.atom", "feeds/news.json"] {
            let text = ws.read(file);
            assert!(!text.contains(scheme), "{scheme} in {file}: {text}");
            assert!(text.contains("https://s.example/a"), "{file}: {text}");
        }
        let status = ws.run(&["status", "--json"]);
        let listed: serde_json::Value =
            serde_json::from_slice(&status.stdout).expect("status --json");
        let page = listed[0]["page"].as_str().expect("page");
        assert!(
            !page.contains(scheme),
            "{scheme}: the status page links {page}"
        );
    }
}

/// An item page more internal than the list is refused in words that say what happened: a
/// link (not a redirect) that leads out of the feed's reach.
#[test]
fn a_private_item_link_is_refused_as_a_link() {
    let server = server();
    let ws = Workspace::new();
    let list = format!(
        "<html><head><title>L</title></head><body><ul><li><a href=\"{}\">An item on this machine</a></li></ul></body></html>",
        server.url("/secret")
    );
    std::fs::write(ws.path("list.html"), list).expect("write");
    ws.config(&config("list.html", "follow = true"));
    let out = ws.run(&["once"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains("given up"))
        .unwrap_or_else(|| panic!("the item page is given up: {err}"));
    assert!(
        line.contains(&format!(
            "refused the item page {} (a loopback address)",
            server.url("/secret")
        )),
        "{line}"
    );
    assert!(line.contains("public addresses only"), "{line}");
    assert!(
        !line.contains("redirect") && !line.contains("public url"),
        "{line}"
    );
    assert_eq!(server.requests().len(), 0, "never asked");
}

/// robots.txt is fetched with the feed's own reach: a redirect of it into a more internal
/// class is refused like a page's (the file then counts as unavailable), never followed.
#[test]
fn a_robots_txt_redirect_into_another_class_is_not_followed() {
    let server = Server::start(|req| match req.path.as_str() {
        "/robots.txt" => {
            let port = req
                .headers
                .get("host")
                .and_then(|h| h.rsplit(':').next())
                .unwrap_or_default()
                .to_string();
            Response::status(302).header("Location", &format!("http://0.0.0.0:{port}/inside"))
        }
        "/inside" => Response::html(SECRET),
        _ => Response::html(PUBLIC),
    });
    let ws = Workspace::new();
    ws.config(&config(&server.url("/page"), "").replace("robots = false", "robots = true"));
    let out = ws.run(&["once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("robots.txt: unavailable (refused the redirect to http://0.0.0.0:"),
        "{}",
        stderr(&out)
    );
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert!(!paths.iter().any(|p| p == "/inside"), "{paths:?}");
}
