//! The seed page end to end: the real binary polls the page pagefeed was first built for,
//! served over HTTP from 127.0.0.1 and read from a file, and the feeds it writes hold what
//! tests/fixtures/seed says they must.

mod common;

use chrono::{DateTime, FixedOffset};
use common::*;

/// The seed table at 13:30: title, category, author, link path, and the interval (local
/// clock times on 2026-03-04, +01:00) the publication time lies in.
const AT_1330: [(&str, &str, &str, &str, &str, &str); 7] = [
    (
        "Hezbollah-leider Naim Qassem heeft in een toespraak gezworen zich niet over te geven na de recente aanvallen van Israël.",
        "BEIROET",
        "ANP/AFP",
        "hezbollah-leider-zweert-zich-niet-over-te-geven",
        "13:11",
        "13:12",
    ),
    (
        "De Israëlische krijgsmacht zei woensdag een nieuwe aanvalsgolf op Iran te hebben uitgevoerd.",
        "TEHERAN",
        "ANP/AFP",
        "israel-voert-nieuwe-aanvalsgolf-uit-op-iran",
        "12:45",
        "12:46",
    ),
    (
        "Witte Huis-woordvoerster Karoline Leavitt heeft woensdag gezegd dat Spanje heeft ingestemd om met de VS samen te werken op militair gebied.",
        "WASHINGTON",
        "ANP",
        "witte-huis-spanje-werkt-militair-samen-met-vs",
        "11:30",
        "12:30",
    ),
    (
        "In de eerste twee dagen van de oorlog tussen Iran, de Verenigde Staten en Israël zijn ongeveer 100.000 mensen uit de Iraanse hoofdstad Teheran gevlucht, meldt de VN-vluchtelingenorganisatie UNHCR.",
        "TEHERAN",
        "ANP/AFP",
        "honderdduizend-mensen-gevlucht-uit-teheran",
        "11:30",
        "12:30",
    ),
    (
        "Sinds er opnieuw gevechten zijn uitgebroken tussen Israël en Hezbollah zijn in Libanon 72 mensen gedood en meer dan 83.000 ontheemd geraakt.",
        "BEIROET",
        "ANP/AFP",
        "72-doden-in-libanon",
        "09:30",
        "10:30",
    ),
    (
        "Heel Irak kampt volgens het ministerie van Elektriciteit met een stroomstoring.",
        "BAGDAD",
        "ANP/AFP",
        "stroomstoring-in-heel-irak",
        "09:30",
        "10:30",
    ),
    (
        "De premier van Qatar, Mohammed bin Abdul Rahman al-Thani, beschuldigt Iran ervan \"zijn buren te schaden en hen mee te slepen in een oorlog die niet de hunne is\".",
        "DOHA",
        "ANP/AFP",
        "qatar-beschuldigt-iran",
        "09:30",
        "10:30",
    ),
];

fn local(hm: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-03-04T{hm}:00+01:00")).expect("time")
}

fn link(slug: &str) -> String {
    format!("https://nieuws.example/buitenland/2026/03/04/{slug}")
}

/// Check both files against the 13:30 table, in page order, newest first.
fn check_1330(ws: &Workspace) {
    let rss =
        rss::Channel::read_from(ws.read("feeds/buitenland.rss").as_bytes()).expect("RSS parses");
    let atom = atom_syndication::Feed::read_from(ws.read("feeds/buitenland.atom").as_bytes())
        .expect("Atom parses");
    assert_eq!(rss.items().len(), 7);
    assert_eq!(atom.entries().len(), 7);
    let mut previous: Option<DateTime<FixedOffset>> = None;
    for (n, (title, category, author, slug, from, to)) in AT_1330.iter().enumerate() {
        let item = &rss.items()[n];
        let entry = &atom.entries()[n];
        assert_eq!(item.title(), Some(*title), "RSS item {n}");
        assert_eq!(entry.title().as_str(), *title, "Atom entry {n}");
        assert_eq!(item.link(), Some(link(slug).as_str()));
        assert_eq!(entry.links()[0].href(), link(slug));
        assert_eq!(item.guid().map(|g| g.value()), Some(link(slug).as_str()));
        assert!(item.guid().is_some_and(|g| g.is_permalink()));
        assert_eq!(entry.id(), link(slug));
        let cats: Vec<&str> = item.categories().iter().map(|c| c.name()).collect();
        assert_eq!(cats, vec![*category]);
        assert_eq!(entry.categories()[0].term(), *category);
        let creators = item
            .dublin_core_ext()
            .map(|d| d.creators().to_vec())
            .unwrap_or_default();
        assert_eq!(creators, vec![author.to_string()]);
        assert_eq!(entry.authors()[0].name(), *author);
        let published =
            DateTime::parse_from_rfc2822(item.pub_date().expect("pubDate")).expect("RFC 2822");
        assert_eq!(
            Some(published),
            entry.published().copied(),
            "RSS and Atom agree"
        );
        assert!(
            local(from) < published && published <= local(to),
            "item {n} published {published}, outside ({from}, {to}]"
        );
        if let Some(p) = previous {
            assert!(
                published < p,
                "page order: item {n} at {published} is not before {p}"
            );
        }
        previous = Some(published);
    }
}

#[test]
fn seed_over_http_gives_the_seed_table() {
    let server = Server::files(&seed_dir());
    let ws = Workspace::new();
    ws.config(&seed_config(&server.url("/buitenland-1330.html")));
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Over HTTP, links resolve against the URL the page came from, not its canonical link.
    let rss = ws.read("feeds/buitenland.rss");
    assert!(
        rss.contains(&format!(
            "http://{}/buitenland/2026/03/04/qatar-beschuldigt-iran",
            server.addr
        )),
        "{rss}"
    );
    assert!(
        rss.contains(r#"<atom:link href="https://feeds.example.org/buitenland.rss" rel="self""#)
    );
}

#[test]
fn seed_from_a_file_resolves_links_against_its_canonical_url() {
    let ws = Workspace::new();
    let page = seed_dir().join("buitenland-1330.html");
    ws.config(&seed_config(&page.display().to_string()));
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    assert!(out.status.success(), "{}", stderr(&out));
    check_1330(&ws);
    let atom = ws.read("feeds/buitenland.atom");
    assert!(
        atom.contains(r#"href="https://feeds.example.org/buitenland.atom" rel="self""#),
        "{atom}"
    );
}

#[test]
fn a_poll_that_changes_nothing_leaves_the_files_alone() {
    let ws = Workspace::new();
    let page = seed_dir().join("buitenland-1330.html");
    ws.config(&seed_config(&page.display().to_string()));
    assert!(ws.run(&["once", "--now", SEED_NOW[0]]).status.success());
    let mtime = |f: &str| {
        std::fs::metadata(ws.path(f))
            .and_then(|m| m.modified())
            .expect("mtime")
    };
    let before = (
        mtime("feeds/buitenland.rss"),
        mtime("feeds/buitenland.atom"),
    );
    let bytes = ws.read("feeds/buitenland.rss");
    std::thread::sleep(std::time::Duration::from_millis(50));
    let out = ws.run(&["once", "--now", SEED_NOW[0]]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        before,
        (
            mtime("feeds/buitenland.rss"),
            mtime("feeds/buitenland.atom")
        )
    );
    assert_eq!(bytes, ws.read("feeds/buitenland.rss"));
}

/// Interval bounds as `preview --json` gives them, in +01:00 clock time.
fn preview_intervals(ws: &Workspace, now: &str) -> Vec<(String, String, String, String)> {
    let out = ws.run(&["preview", "buitenland", "--json", "--now", now]);
    assert!(out.status.success(), "{}", stderr(&out));
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let clock = |v: &serde_json::Value| {
        DateTime::parse_from_rfc3339(v.as_str().expect("a time"))
            .expect("RFC 3339")
            .with_timezone(&FixedOffset::east_opt(3600).expect("+01:00"))
            .format("%H:%M")
            .to_string()
    };
    items
        .as_array()
        .expect("an array")
        .iter()
        .map(|i| {
            (
                i["link"]
                    .as_str()
                    .expect("link")
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string(),
                clock(&i["earliest"]),
                clock(&i["latest"]),
                clock(&i["published"]),
            )
        })
        .collect()
}

#[test]
fn three_polls_narrow_the_intervals_and_keep_every_time() {
    let server = Server::files(&seed_dir());
    let ws = Workspace::new();
    let mut first_seen: std::collections::HashMap<String, DateTime<FixedOffset>> =
        Default::default();
    for (page, now) in ["1330", "1405", "1640"].iter().zip(SEED_NOW) {
        ws.config(&seed_config(
            &server.url(&format!("/buitenland-{page}.html")),
        ));
        let out = ws.run(&["once", "--now", now]);
        assert!(out.status.success(), "{}", stderr(&out));
        let rss = rss::Channel::read_from(ws.read("feeds/buitenland.rss").as_bytes()).expect("RSS");
        for item in rss.items() {
            let link = item.link().expect("link").to_string();
            let t = DateTime::parse_from_rfc2822(item.pub_date().expect("date")).expect("date");
            let first = *first_seen.entry(link.clone()).or_insert(t);
            // Every published time stays inside the interval it was first published with;
            // on this page's polls that means it never moved at all but for UNHCR, which
            // the 14:05 poll proved to be older than its 13:30 time.
            if !link.ends_with("honderdduizend-mensen-gevlucht-uit-teheran") {
                assert_eq!(t, first, "{link} moved");
            }
        }
        // The same poll again changes nothing.
        let before = ws.read("feeds/buitenland.atom");
        assert!(ws.run(&["once", "--now", now]).status.success());
        assert_eq!(
            before,
            ws.read("feeds/buitenland.atom"),
            "a repeated poll at {now}"
        );
    }
    let rss = rss::Channel::read_from(ws.read("feeds/buitenland.rss").as_bytes()).expect("RSS");
    let links: Vec<&str> = rss.items().iter().filter_map(|i| i.link()).collect();
    assert_eq!(links.len(), 8, "{links:?}");
    assert!(
        links[0].ends_with("vn-veiligheidsraad-spoedberaad"),
        "the new item on top"
    );
    assert!(
        links[7].ends_with("qatar-beschuldigt-iran"),
        "Doha kept as history"
    );
    let times: Vec<DateTime<FixedOffset>> = rss
        .items()
        .iter()
        .map(|i| DateTime::parse_from_rfc2822(i.pub_date().expect("date")).expect("date"))
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] > w[1]),
        "strictly newest first: {times:?}"
    );
    assert_eq!(
        times[7],
        local("10:30") - chrono::Duration::seconds(2),
        "Doha keeps its time"
    );
    // UNHCR moved inside its first interval (11:30, 12:30] and now sits in (11:40, 12:05].
    assert!(
        local("11:40") < times[4] && times[4] <= local("12:05"),
        "{}",
        times[4]
    );

    let seen = preview_intervals(&ws, SEED_NOW[2]);
    let find = |slug: &str| {
        seen.iter()
            .find(|(s, ..)| s == slug)
            .map(|(_, a, b, _)| (a.as_str(), b.as_str()))
            .unwrap_or_else(|| panic!("{slug} not in preview: {seen:?}"))
    };
    assert_eq!(
        find("witte-huis-spanje-werkt-militair-samen-met-vs"),
        ("12:05", "12:30")
    );
    assert_eq!(
        find("honderdduizend-mensen-gevlucht-uit-teheran"),
        ("11:40", "12:05")
    );
    assert_eq!(find("vn-veiligheidsraad-spoedberaad"), ("13:52", "13:53"));
    assert_eq!(
        find("hezbollah-leider-zweert-zich-niet-over-te-geven"),
        ("13:11", "13:12")
    );
}

#[test]
fn preview_writes_nothing_and_prints_every_field() {
    let ws = Workspace::new();
    let page = seed_dir().join("buitenland-1330.html");
    ws.config(&seed_config(&page.display().to_string()));
    let out = ws.run(&["preview", "buitenland", "--json", "--now", SEED_NOW[0]]);
    assert!(out.status.success(), "{}", stderr(&out));
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let items = items.as_array().expect("array");
    assert_eq!(items.len(), 7);
    for key in [
        "title",
        "link",
        "guid",
        "summary",
        "published",
        "earliest",
        "latest",
        "author",
        "categories",
    ] {
        assert!(
            items.iter().all(|i| i.get(key).is_some()),
            "every item has {key}"
        );
    }
    assert_eq!(items[0]["author"], "ANP/AFP");
    assert_eq!(items[0]["categories"][0], "BEIROET");
    assert!(
        !ws.path("feeds").exists() && !ws.path("state").exists(),
        "preview wrote something"
    );
    let text = ws.run(&["preview", "buitenland", "--now", SEED_NOW[0]]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("7 item(s)") && text.contains("Heel Irak kampt"),
        "{text}"
    );
}

#[test]
fn preview_gives_undated_items_the_interval_they_are_held_to() {
    let page = std::fs::read_to_string(seed_dir().join("buitenland-1330.html"))
        .expect("seed")
        .replace(
            "<span class=\"news-list__time\">18 minuten geleden</span>",
            "",
        );
    let server = Server::start(move |_| Response::html(page.clone()));
    let ws = Workspace::new();
    ws.config(&seed_config(&server.url("/")));
    let out = ws.run(&["preview", "buitenland", "--json", "--now", SEED_NOW[0]]);
    assert!(out.status.success(), "{}", stderr(&out));
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let first = &items[0];
    assert_eq!(
        first["published"], "2026-03-04T12:30:00+00:00",
        "first seen at 13:30"
    );
    assert_eq!(first["latest"], "2026-03-04T12:30:00+00:00");
    assert!(first["earliest"].is_string(), "{first}");
}
