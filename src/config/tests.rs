//! The config's unit tests: a file through [`parse`], and the errors, values and defaults
//! that come out of it.

use super::feed::MAX_URI_LEN;
use super::walk::short;
use super::*;

const GOOD: &str = r#"
output_dir = "out"
base_url = "https://feeds.example.org/x"
interval = "5m"
timezone = "Europe/Amsterdam"
language = ["nl", "en"]

[[feed]]
id = "buitenland"
url = "pages/buitenland.html"
rounding = "nearest"
max_items = 20

[feed.items]
select = "ul.news-list > li"
summary = "p.news-list__text"
date = { select = "span.news-list__time", regex = "(\\d+)" }
order = "none"
"#;

fn errors(text: &str) -> Vec<String> {
    match parse(text, Path::new("/etc/pf/pagefeed.toml"), None) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn listen_is_an_address_and_port_or_a_named_error() {
    let feed = "[[feed]]\nid = \"a\"\nurl = \"p.html\"\n[feed.items]\nselect = \"li\"\n";
    let with = |listen: &str| format!("listen = \"{listen}\"\n{feed}");
    let at = |listen: &str| {
        parse(&with(listen), Path::new("/etc/pf/pagefeed.toml"), None)
            .expect("valid")
            .listen
            .map(|a| a.to_string())
    };
    assert_eq!(at("127.0.0.1:8080").as_deref(), Some("127.0.0.1:8080"));
    assert_eq!(at("[::1]:8080").as_deref(), Some("[::1]:8080"));
    let none = parse(feed, Path::new("/etc/pf/pagefeed.toml"), None).expect("valid");
    assert_eq!(none.listen, None, "no listen, no server");
    for bad in [
        "localhost:8080",
        "127.0.0.1",
        "127.0.0.1:0",
        ":8080",
        "::1:8080",
    ] {
        let e = errors(&with(bad));
        assert_eq!(e.len(), 1, "{bad}: {e:?}");
        assert!(
            e[0].starts_with("/etc/pf/pagefeed.toml:1: listen: "),
            "{bad}: {e:?}"
        );
    }
    let e = errors(&format!("listen = 8080\n{feed}"));
    assert!(e[0].contains("listen: must be a string"), "{e:?}");
}

#[test]
fn a_good_file_gives_defaults_and_overrides() {
    let c = parse(
        GOOD,
        Path::new("/etc/pf/pagefeed.toml"),
        Some("/var/lib/pagefeed"),
    )
    .expect("valid config");
    assert_eq!(c.output_dir, PathBuf::from("/etc/pf/out"));
    assert_eq!(c.state_dir, PathBuf::from("/var/lib/pagefeed"));
    assert_eq!(
        c.base_url.as_ref().map(Url::as_str),
        Some("https://feeds.example.org/x/")
    );
    assert_eq!(c.concurrency, 4);
    assert_eq!(c.host_delay, Duration::from_secs(1));
    let f = &c.feeds[0];
    assert_eq!(f.id, "buitenland");
    assert_eq!(f.interval, Duration::from_secs(300));
    assert_eq!(f.timezone, chrono_tz::Europe::Amsterdam);
    assert_eq!(f.languages.len(), 2);
    assert_eq!(f.max_items, 20);
    assert_eq!(f.rounding, Rounding::Nearest);
    assert_eq!(f.items.order, Order::None);
    assert!(f.items.date.as_ref().is_some_and(|d| d.regex.is_some()));
    assert!(
        matches!(&f.source, Source::File(p) if p == Path::new("/etc/pf/pages/buitenland.html"))
    );
}

#[test]
fn every_mistake_is_named_with_file_line_key_and_feed() {
    let text = r#"
intervall = "5m"
timezone = "Mars/Olympus"

[[feed]]
id = "a"
url = "https://x.example/"
interval = "soon"
[feed.items]
select = "ul >"
title = { select = "h3", regexp = "x" }

[[feed]]
id = "a"
url = "ftp://x.example/"
language = "xx"
[feed.items]
date = "span"
"#;
    let errs = errors(text);
    let expect = [
        "/etc/pf/pagefeed.toml:2: intervall: unknown key; did you mean \"interval\"?",
        "/etc/pf/pagefeed.toml:3: timezone: \"Mars/Olympus\" is not an IANA time zone",
        "/etc/pf/pagefeed.toml:8: feed \"a\": interval: \"soon\" is not a duration",
        "/etc/pf/pagefeed.toml:10: feed \"a\": items.select: selector \"ul >\" does not compile: dangling combinator",
        "feed \"a\": items.title.regexp: unknown key; did you mean \"regex\"?",
        "/etc/pf/pagefeed.toml:14: feed \"a\": id: \"a\" is used by another feed",
        "/etc/pf/pagefeed.toml:15: feed \"a\": url:",
        "/etc/pf/pagefeed.toml:16: feed \"a\": language: \"xx\" is not a language",
        "feed \"a\": items.select: missing",
    ];
    for e in expect {
        assert!(
            errs.iter().any(|got| got.contains(e)),
            "no error like {e:?} in:\n{}",
            errs.join("\n")
        );
    }
}

#[test]
fn malformed_ids_and_missing_parts_are_errors() {
    let errs = errors("[[feed]]\nid = \"Bad Id\"\n");
    assert!(
        errs.iter().any(|e| e.contains("is not a valid id")),
        "{errs:?}"
    );
    assert!(errs.iter().any(|e| e.contains("url: missing")), "{errs:?}");
    assert!(
        errs.iter().any(|e| e.contains("items: missing")),
        "{errs:?}"
    );
    let errs = errors("output_dir = \"x\"\n");
    assert!(errs.iter().any(|e| e.contains("no [[feed]]")), "{errs:?}");
    let errs = errors("output_dir = \n");
    assert!(
        errs.iter()
            .any(|e| e.starts_with("/etc/pf/pagefeed.toml:1: ")),
        "{errs:?}"
    );
}

#[test]
fn numbers_and_durations_are_checked() {
    let errs = errors(
        "max_items = 0\nconcurrency = \"4\"\nhost_delay = \"x\"\n[[feed]]\nid = \"a\"\nurl = \"a.html\"\ninterval = \"0s\"\n[feed.items]\nselect = \"li\"\n",
    );
    assert_eq!(errs.len(), 4, "{errs:?}");
    assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
    assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
    assert!(parse_duration("0s").is_err());
}

/// A config with `top` above one feed that carries `feed`.
fn with(top: &str, feed: &str) -> String {
    format!(
        "{top}\n[[feed]]\nid = \"a\"\nurl = \"http://h.example/a\"\n{feed}\n[feed.items]\nselect = \"li\"\n"
    )
}

fn config(text: &str) -> Config {
    match parse(text, Path::new("/etc/pf/pagefeed.toml"), None) {
        Ok(c) => c,
        Err(e) => panic!("{text}\n{e}"),
    }
}

/// The one error of `text`, which must be on line 1.
fn one_error(text: &str) -> String {
    let errs = errors(text);
    assert_eq!(errs.len(), 1, "{text}: {errs:?}");
    errs[0].clone()
}

#[test]
fn every_duration_holds_its_range_at_the_edges() {
    let cases: [(&str, &str, &str, &str, &str, &str); 3] = [
        (
            "interval",
            "100ms",
            "7d",
            "99ms",
            "7d1ms",
            "between 100ms and 7d",
        ),
        (
            "timeout",
            "1s",
            "10m",
            "999ms",
            "10m1ms",
            "between 1s and 10m",
        ),
        ("host_delay", "0s", "1h", "", "1h1ms", "between 0s and 1h"),
    ];
    for (key, low, high, below, above, range) in cases {
        for (text, want) in [(low, "inside"), (high, "inside"), ("1m", "inside")] {
            let c = config(&with(&format!("{key} = \"{text}\""), ""));
            let got = match key {
                "interval" => c.feeds[0].interval,
                "timeout" => c.timeout,
                _ => c.host_delay,
            };
            assert_eq!(
                Ok(got),
                humantime::parse_duration(text),
                "{key} {text} {want}"
            );
        }
        for out in [below, above, "500000000000y", "600000000000y", "0.5ns"] {
            if out.is_empty() {
                continue;
            }
            assert_eq!(
                one_error(&with(&format!("{key} = \"{out}\""), "")),
                format!("/etc/pf/pagefeed.toml:1: {key}: \"{out}\" is out of range: {range}")
            );
        }
        // Not a duration at all is a different mistake.
        let e = one_error(&with(&format!("{key} = \"soon\""), ""));
        assert!(e.contains("is not a duration like"), "{e}");
        let e = one_error(&with(&format!("{key} = 5"), ""));
        assert!(e.contains("must be a string"), "{e}");
    }
    let e = one_error(&with("interval = \"0s\"", ""));
    assert!(e.ends_with("is out of range: between 100ms and 7d"), "{e}");
}

#[test]
fn the_interval_of_a_feed_holds_the_same_range() {
    let c = config(&with("interval = \"7d\"", "interval = \"100ms\""));
    assert_eq!(c.feeds[0].interval, Duration::from_millis(100));
    let c = config(&with("", "interval = \"7d\""));
    assert_eq!(c.feeds[0].interval, INTERVAL_RANGE.end().to_owned());
    assert_eq!(
        errors(&with("", "interval = \"500000000000y\"")),
        [
            "/etc/pf/pagefeed.toml:5: feed \"a\": interval: \"500000000000y\" is out of range: between 100ms and 7d"
        ]
    );
}

#[test]
fn every_count_holds_its_range_at_the_edges() {
    for (key, range) in [
        ("concurrency", CONCURRENCY_RANGE),
        ("max_items", MAX_ITEMS_RANGE),
    ] {
        let (low, high) = (*range.start(), *range.end());
        for n in [low, high] {
            let c = config(&with(&format!("{key} = {n}"), ""));
            let got = if key == "concurrency" {
                c.concurrency
            } else {
                c.feeds[0].max_items
            };
            assert_eq!(got, n);
        }
        let words = format!("between {low} and {high}");
        for out in [
            (low - 1).to_string(),
            (high + 1).to_string(),
            "-1".into(),
            "9223372036854775807".into(),
            "9_223_372_036_854_775_807".into(),
            "0x7fffffffffffffff".into(),
        ] {
            assert_eq!(
                one_error(&with(&format!("{key} = {out}"), "")),
                format!("/etc/pf/pagefeed.toml:1: {key}: {out} is out of range: {words}")
            );
        }
        for wrong in ["\"4\"", "4.0", "true"] {
            assert_eq!(
                one_error(&with(&format!("{key} = {wrong}"), "")),
                format!("/etc/pf/pagefeed.toml:1: {key}: must be a whole number {words}")
            );
        }
    }
    // TOML's other ways of writing a number.
    assert_eq!(
        config(&with("max_items = 1_000", "")).feeds[0].max_items,
        1000
    );
    assert_eq!(config(&with("concurrency = 0x10", "")).concurrency, 16);
    assert_eq!(config(&with("concurrency = +8", "")).concurrency, 8);
    // A number past what TOML holds is the TOML parser's error, still on its line.
    let e = one_error(&with("concurrency = 99999999999999999999", ""));
    assert!(e.starts_with("/etc/pf/pagefeed.toml:1: "), "{e}");
    // Per feed too.
    assert_eq!(
        errors(&with("", "max_items = 100001")),
        [
            "/etc/pf/pagefeed.toml:5: feed \"a\": max_items: 100001 is out of range: between 1 and 100000"
        ]
    );
    assert_eq!(
        config(&with("", "max_items = 100000")).feeds[0].max_items,
        100_000
    );
}

#[test]
fn the_ranges_are_what_the_readme_says() {
    assert_eq!(short(INTERVAL_RANGE.start()), "100ms");
    assert_eq!(short(INTERVAL_RANGE.end()), "7d");
    assert_eq!(short(TIMEOUT_RANGE.start()), "1s");
    assert_eq!(short(TIMEOUT_RANGE.end()), "10m");
    assert_eq!(short(HOST_DELAY_RANGE.start()), "0s");
    assert_eq!(short(HOST_DELAY_RANGE.end()), "1h");
    assert_eq!(CONCURRENCY_RANGE, 1..=256);
    assert_eq!(MAX_ITEMS_RANGE, 1..=100_000);
    assert_eq!(short(&Duration::from_secs(90)), "90s");
    assert_eq!(short(&Duration::from_millis(1500)), "1500ms");
    // The defaults lie inside.
    let c = config(&with("", ""));
    assert!(TIMEOUT_RANGE.contains(&c.timeout));
    assert!(HOST_DELAY_RANGE.contains(&c.host_delay));
    assert!(CONCURRENCY_RANGE.contains(&c.concurrency));
    assert!(INTERVAL_RANGE.contains(&c.feeds[0].interval));
    assert!(MAX_ITEMS_RANGE.contains(&c.feeds[0].max_items));
}

#[test]
fn the_user_agent_must_be_a_header_value() {
    let ua = "pagefeed/0.1 (+https://example.org/contact; ~!#$%&'*+-.^_`|)";
    assert_eq!(
        config(&with(&format!("user_agent = \"{ua}\""), "")).user_agent,
        ua
    );
    assert_eq!(
        config(&with("user_agent = \"  pagefeed/1  \"", "")).user_agent,
        "pagefeed/1"
    );
    assert!(config(&with("", "")).user_agent.starts_with("pagefeed/"));
    // Bytes past ASCII are obs-text: HTTP carries them, as reqwest sends them.
    assert_eq!(
        config(&with("user_agent = \"pagefeed (Zoë)\"", "")).user_agent,
        "pagefeed (Zoë)"
    );
    for bad in [
        "pagefeed/1\\nX-Injected: yes",
        "pagefeed/1\\r\\n",
        "pagefeed\\u0000",
        "pagefeed\\u007f",
        "pagefeed\\u001b[31m",
    ] {
        let e = one_error(&with(&format!("user_agent = \"{bad}\""), ""));
        assert!(
            e.starts_with("/etc/pf/pagefeed.toml:1: user_agent: \"")
                && e.ends_with("cannot be sent in an HTTP header: it may not hold line breaks or other control characters"),
            "{bad}: {e}"
        );
        assert!(!e.contains('\n'), "the message stays on one line: {e}");
    }
    for empty in ["\"\"", "\" \\t \""] {
        let e = one_error(&with(&format!("user_agent = {empty}"), ""));
        assert!(
            e.starts_with("/etc/pf/pagefeed.toml:1: user_agent: is empty"),
            "{e}"
        );
    }
}

#[test]
fn a_url_must_be_one_a_request_can_carry() {
    let long = format!("http://h.example/{}", "a".repeat(MAX_URI_LEN));
    let e = one_error(&format!(
        "[[feed]]\nid = \"a\"\nurl = \"{long}\"\n[feed.items]\nselect = \"li\"\n"
    ));
    assert!(
        e.starts_with("/etc/pf/pagefeed.toml:3: feed \"a\": url: \"http://h.example/aaa")
            && e.contains("…\" cannot be requested: it is 65551 bytes long"),
        "{e}"
    );
    assert!(e.len() < 300, "the URL is shortened in the message: {e}");
    // The longest that fits is fine, as are odd but encodable characters.
    let fits = format!("http://h.example/{}", "a".repeat(MAX_URI_LEN - 17));
    assert_eq!(fits.len(), MAX_URI_LEN);
    for url in [
        fits.as_str(),
        "https://h.example/a b/ä?q=`x`&r={y}|^",
        "http://[::1]:8080/x",
        "http://user:pw@h.example/",
    ] {
        let text =
            format!("[[feed]]\nid = \"a\"\nurl = \"{url}\"\n[feed.items]\nselect = \"li\"\n");
        assert!(errors(&text).is_empty(), "{url}: {:?}", errors(&text));
    }
}

#[test]
fn only_the_summary_may_keep_markup() {
    let feed = "[[feed]]\nid = \"a\"\nurl = \"a.html\"\n[feed.items]\nselect = \"li\"\n";
    let c = parse(
        &format!("{feed}summary = {{ select = \"div.teaser\", html = true }}\n"),
        Path::new("/etc/pf/pagefeed.toml"),
        None,
    )
    .expect("valid config");
    assert!(c.feeds[0].items.summary.as_ref().is_some_and(|s| s.html));
    let errs = errors(&format!(
        "{feed}title = {{ select = \"h3\", html = true }}\nsummary = {{ select = \"p\", regex = \"(.*)\", html = true }}\nauthor = {{ select = \"b\", html = \"yes\" }}\ncategory = {{ select = \"i\", html = false }}\n"
    ));
    let expect = [
        "/etc/pf/pagefeed.toml:6: feed \"a\": items.title.html: only the summary can keep the page's markup; title is always text",
        "/etc/pf/pagefeed.toml:7: feed \"a\": items.summary.html: html = true publishes the matched element's markup: it cannot be combined with attr or regex",
        "/etc/pf/pagefeed.toml:8: feed \"a\": items.author.html: must be true or false",
    ];
    assert_eq!(errs, expect);
}

#[test]
fn render_takes_its_default_and_refuses_the_rest() {
    let feed = |extra: &str| {
        format!("[[feed]]\nid = \"a\"\nurl = \"a.html\"\n{extra}\n[feed.items]\nselect = \"li\"\n")
    };
    assert_eq!(errors(&feed("render = \"http\"")), Vec::<String>::new());
    let errs = errors(&feed("render = \"browser\""));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains(":4: feed \"a\": render: \"browser\" needs an http(s) url"),
        "{errs:?}"
    );
    assert!(errors(&feed("render = \"js\""))[0].contains("not a way to render"));
}

/// `follow`, `content` and `follow_budget`: defaults, "full" turning follow on, and the
/// one combination that cannot be.
#[test]
fn follow_and_content() {
    let feed = |extra: &str| {
        let text = format!(
            "[[feed]]\nid = \"a\"\nurl = \"a.html\"\n{extra}\n[feed.items]\nselect = \"li\"\n"
        );
        parse(&text, Path::new("/tmp/pagefeed.toml"), None)
            .map(|c| (c.feeds[0].follow, c.feeds[0].full, c.feeds[0].follow_budget))
    };
    let ok = |extra: &str| feed(extra).unwrap_or_else(|e| panic!("{extra}: {e:?}"));
    assert_eq!(ok(""), (false, false, 10));
    assert_eq!(ok("follow = true"), (true, false, 10));
    assert_eq!(ok("content = \"full\""), (true, true, 10));
    assert_eq!(ok("follow = true\ncontent = \"full\""), (true, true, 10));
    assert_eq!(
        ok("follow = false\ncontent = \"summary\""),
        (false, false, 10)
    );
    assert_eq!(ok("follow = true\nfollow_budget = 100"), (true, false, 100));
    assert_eq!(ok("follow_budget = 1").2, 1);
    let errs = errors(&feed_text("follow = false\ncontent = \"full\""));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains(":5: feed \"a\": content: \"full\"") && errs[0].contains("follow = false"),
        "{errs:?}"
    );
    for (extra, says) in [
        ("content = \"all\"", "not a kind of content"),
        ("follow = \"yes\"", "must be true or false"),
        ("follow_budget = 0", "out of range"),
        ("follow_budget = 101", "out of range"),
    ] {
        let errs = errors(&feed_text(extra));
        assert!(
            errs.len() == 1 && errs[0].contains(says),
            "{extra}: {errs:?}"
        );
    }
}

fn feed_text(extra: &str) -> String {
    format!("[[feed]]\nid = \"a\"\nurl = \"a.html\"\n{extra}\n[feed.items]\nselect = \"li\"\n")
}

#[test]
fn a_rendered_feed_waits_for_its_item_selector_and_blocks_media_by_default() {
    let text = |top: &str, extra: &str| {
        format!(
            "{top}\n[[feed]]\nid = \"a\"\nurl = \"http://127.0.0.1:1/\"\n{extra}\n[feed.items]\nselect = \"ul.news>li:nth-child(2n) a[href^='/x']\"\n"
        )
    };
    let config = parse(
        &text("", "render = \"browser\""),
        Path::new("/c/p.toml"),
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let render = config.feeds[0].render.as_ref().expect("rendered");
    // The selector as CSS the browser reads: the same elements.
    assert_eq!(
        render.items.as_deref(),
        Some("ul.news > li:nth-child(2n) a[href^=\"/x\"]")
    );
    assert!(render.block_media);
    assert_eq!(config.browser.concurrency, 1);
    assert_eq!(config.browser.load_timeout, Duration::from_secs(30));
    assert_eq!(config.browser.executable, None);
    let config = parse(
        &text(
            "browser = \"bin/chromium\"\nbrowser_concurrency = 16\nbrowser_timeout = \"10m\"",
            "render = \"browser\"\nblock_media = false",
        ),
        Path::new("/c/p.toml"),
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !config.feeds[0]
            .render
            .as_ref()
            .expect("rendered")
            .block_media
    );
    assert_eq!(config.browser.concurrency, 16);
    assert_eq!(config.browser.load_timeout, Duration::from_secs(600));
    assert_eq!(
        config.browser.executable.as_deref(),
        Some(Path::new("/c/bin/chromium"))
    );
    let named = parse(
        &text("browser = \"chromium-browser\"", "render = \"browser\""),
        Path::new("/c/p.toml"),
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        named.browser.executable.as_deref(),
        Some(Path::new("chromium-browser"))
    );
    assert_eq!(
        config.fetch_options().browser.load_timeout,
        Duration::from_secs(600)
    );
    let http = parse(&text("", ""), Path::new("/c/p.toml"), None).unwrap_or_else(|e| panic!("{e}"));
    assert!(http.feeds[0].render.is_none());
    for (top, extra, says) in [
        (
            "browser_concurrency = 17",
            "",
            ":1: browser_concurrency: 17 is out of range: between 1 and 16",
        ),
        (
            "browser_concurrency = 0",
            "",
            "0 is out of range: between 1 and 16",
        ),
        (
            "browser_timeout = \"11m\"",
            "",
            "browser_timeout: \"11m\" is out of range: between 1s and 10m",
        ),
        (
            "browser_timeout = \"500ms\"",
            "",
            "is out of range: between 1s and 10m",
        ),
        (
            "",
            "block_media = false",
            "feed \"a\": block_media: applies only to render = \"browser\"",
        ),
        (
            "",
            "render = \"browser\"\nblock_media = 1",
            "block_media: must be true or false",
        ),
    ] {
        let errs = errors(&text(top, extra));
        assert!(
            errs.len() == 1 && errs[0].contains(says),
            "{top} {extra}: {errs:?}"
        );
    }
}

#[test]
fn the_bundled_configs_are_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (file, ids) in [
        ("config/example.toml", vec!["buitenland"]),
        ("config/pagefeed.toml", vec![]),
    ] {
        let c = load(&root.join(file), None)
            .unwrap_or_else(|e| panic!("{file} does not pass check:\n{e}"));
        let found: Vec<&str> = c.feeds.iter().map(|f| f.id.as_str()).collect();
        if !ids.is_empty() {
            assert_eq!(found, ids, "{file}");
        }
        assert!(!c.feeds.is_empty(), "{file} has feeds");
    }
}

#[test]
fn config_is_located_in_order() {
    assert_eq!(
        locate(Some(Path::new("a.toml")), Some("b.toml")),
        PathBuf::from("a.toml")
    );
    assert_eq!(locate(None, Some("b.toml")), PathBuf::from("b.toml"));
}

#[test]
fn private_network_is_off_unless_a_feed_says_so() {
    let path = Path::new("/etc/pf/pagefeed.toml");
    let c = parse(GOOD, path, None).expect("valid config");
    assert!(!c.feeds[0].private_network);
    let on = GOOD.replace("max_items = 20", "private_network = true");
    let c = parse(&on, path, None).expect("valid config");
    assert!(c.feeds[0].private_network);
    let errs = errors(&GOOD.replace("max_items = 20", "private_network = \"yes\""));
    assert!(
        errs.iter()
            .any(|e| e.contains("private_network: must be true or false")),
        "{errs:?}"
    );
}

#[test]
fn page_url_must_be_an_http_url() {
    let c = config(&with(
        "",
        "page_url = \"https://nieuws.example/buitenland\"",
    ));
    assert_eq!(
        c.feeds[0].page_url.as_ref().map(Url::as_str),
        Some("https://nieuws.example/buitenland")
    );
    assert_eq!(config(&with("", "")).feeds[0].page_url, None);
    for bad in [
        "file:///tmp/x.html",
        "nieuws.example/x",
        "mailto:x@example.org",
    ] {
        let e = one_error(&with("", &format!("page_url = \"{bad}\"")));
        assert!(
            e.starts_with("/etc/pf/pagefeed.toml:5: feed \"a\": page_url: ")
                && e.contains("is not an absolute http(s) URL"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn a_field_may_ask_for_its_text() {
    let feed = "[[feed]]\nid = \"a\"\nurl = \"a.html\"\n[feed.items]\nselect = \"li\"\n";
    let c = parse(
        &format!("{feed}date = {{ select = \"time\", text = true }}\n"),
        Path::new("/etc/pf/pagefeed.toml"),
        None,
    )
    .expect("valid config");
    assert!(c.feeds[0].items.date.as_ref().is_some_and(|d| d.text));
    let errs = errors(&format!(
        "{feed}date = {{ select = \"time\", attr = \"datetime\", text = true }}\nlink = {{ select = \"a\", text = \"yes\" }}\nsummary = {{ select = \"p\", html = true, text = true }}\n"
    ));
    assert_eq!(
        errs,
        [
            "/etc/pf/pagefeed.toml:6: feed \"a\": items.date.text: text = true takes the element's text: it cannot be combined with attr, which takes an attribute",
            "/etc/pf/pagefeed.toml:7: feed \"a\": items.link.text: must be true or false",
            "/etc/pf/pagefeed.toml:8: feed \"a\": items.summary.text: text = true takes the element's text: it cannot be combined with html = true",
        ]
    );
}

/// Keys appended at the end of the file land in the last feed's items (or the feed, after
/// its `[[feed]]`); each says where it goes, a typo of a key allowed there still says which.
#[test]
fn a_key_below_its_table_says_where_it_goes() {
    let two = "[[feed]]\nid = \"a\"\nurl = \"a.html\"\n[feed.items]\nselect = \"li\"\n\n[[feed]]\nid = \"b\"\nurl = \"b.html\"\n";
    assert_eq!(
        errors(&format!(
            "{two}concurrency = 2\n[feed.items]\nselect = \"li\"\ntimezone = \"UTC\"\nfollow = true\nsummry = \"p\"\n"
        )),
        [
            "/etc/pf/pagefeed.toml:10: feed \"b\": concurrency: unknown key; top-level keys go above the first [[feed]]",
            "/etc/pf/pagefeed.toml:13: feed \"b\": items.timezone: unknown key; feed keys go above [feed.items], top-level keys above the first [[feed]]",
            "/etc/pf/pagefeed.toml:14: feed \"b\": items.follow: unknown key; feed keys go above [feed.items]",
            "/etc/pf/pagefeed.toml:15: feed \"b\": items.summry: unknown key; did you mean \"summary\"?",
        ]
    );
    // A key of the items at the top is not one written below its table.
    assert_eq!(
        errors(&format!(
            "select = \"li\"\n{two}[feed.items]\nselect = \"li\"\n"
        )),
        ["/etc/pf/pagefeed.toml:1: select: unknown key"]
    );
}

/// A table allows each name once, so a key in it is read one way.
#[test]
fn a_table_allows_each_name_once() {
    for table in [Table::Top, Table::Feed, Table::Items, Table::Field] {
        let mut names: Vec<&str> = SCHEMA
            .iter()
            .filter(|e| e.at.contains(&table))
            .map(|e| e.name)
            .collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all, "{table:?}: {names:?}");
    }
}

/// Where the state goes when the file names no `state_dir`: systemd's `$STATE_DIRECTORY`; for
/// a config in /etc/pagefeed (the service's), the service's state folder; else beside the
/// config. So an admin's `pagefeed status -c /etc/pagefeed/pagefeed.toml` reads the state
/// the service writes, and never starts a second one.
#[test]
fn the_state_of_a_config_in_etc_pagefeed_is_the_services() {
    let text = "[[feed]]\nid = \"a\"\nurl = \"http://h.example/\"\n[feed.items]\nselect = \"li\"\n";
    let at =
        |path: &str, env: Option<&str>| parse(text, Path::new(path), env).expect("valid").state_dir;
    assert_eq!(
        at("/etc/pagefeed/pagefeed.toml", None),
        PathBuf::from("/var/lib/pagefeed")
    );
    assert_eq!(
        at("/etc/pagefeed/pagefeed.toml", Some("/var/lib/other")),
        PathBuf::from("/var/lib/other")
    );
    assert_eq!(
        at("/home/u/feeds/p.toml", None),
        PathBuf::from("/home/u/feeds/state")
    );
    let named = parse(
        &format!("state_dir = \"s\"\n{text}"),
        Path::new("/etc/pagefeed/pagefeed.toml"),
        None,
    )
    .expect("valid");
    assert_eq!(named.state_dir, PathBuf::from("/etc/pagefeed/s"));
}
