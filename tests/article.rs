//! The item page reader over the fixture pages of `tests/fixtures/articles/`: one page per
//! form of metadata, a page with none, broken JSON-LD, hostile markup and a huge page. Each
//! asserts everything read: times (origin, text, interval), authors, image, canonical link,
//! language, title, notes, and what the main text holds and leaves out.

use chrono::{DateTime, Utc};
use pagefeed::article::{self, Article, CONTENT_LIMIT, Options, Stamp};
use scraper::{Html, Selector};
use std::path::Path;
use url::Url;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/articles")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .to_utc()
}

fn read_as(html: &str, url: &str, zone: &str, now: &str, full: bool) -> Article {
    let options = Options {
        timezone: zone.parse().unwrap_or_else(|e| panic!("{zone}: {e}")),
        now: at(now),
        full,
    };
    let url = Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    article::read(html, &url, &options).unwrap_or_else(|e| panic!("{e}"))
}

fn read(name: &str, url: &str, zone: &str, now: &str) -> Article {
    read_as(&fixture(name), url, zone, now, true)
}

/// A stamp as (origin, text, earliest, latest), the interval in UTC.
fn stamp(s: &Option<Stamp>) -> Option<(&'static str, String, String, String)> {
    s.as_ref().map(|s| {
        (
            s.origin.name(),
            s.text.clone(),
            s.reading.interval.earliest.to_rfc3339(),
            s.reading.interval.latest.to_rfc3339(),
        )
    })
}

fn some(
    origin: &'static str,
    text: &str,
    earliest: &str,
    latest: &str,
) -> Option<(&'static str, String, String, String)> {
    Some((
        origin,
        text.to_string(),
        at(earliest).to_rfc3339(),
        at(latest).to_rfc3339(),
    ))
}

fn url(u: &Option<Url>) -> Option<&str> {
    u.as_ref().map(Url::as_str)
}

/// The main text as a reader sees it, whitespace collapsed.
fn text(content: &Option<String>) -> String {
    let html = content.as_deref().unwrap_or_else(|| panic!("no content"));
    let doc = Html::parse_fragment(html);
    pagefeed::text::visible_text(doc.root_element(), &[])
}

/// Every image's `src` in the main text.
fn images(content: &Option<String>) -> Vec<String> {
    let doc = Html::parse_fragment(content.as_deref().unwrap_or(""));
    let img = Selector::parse("img").unwrap_or_else(|e| panic!("{e}"));
    doc.select(&img)
        .map(|i| i.attr("src").unwrap_or("(none)").to_string())
        .collect()
}

/// No element or attribute in `html` that can run script, load a frame or send a form;
/// every link and image absolute http(s).
fn assert_tame(html: &str) {
    let doc = Html::parse_fragment(html);
    let all = Selector::parse("*").unwrap_or_else(|e| panic!("{e}"));
    for e in doc.select(&all) {
        let name = e.value().name();
        assert!(
            !matches!(
                name,
                "script"
                    | "style"
                    | "iframe"
                    | "frame"
                    | "form"
                    | "input"
                    | "button"
                    | "object"
                    | "embed"
                    | "svg"
                    | "math"
                    | "textarea"
                    | "base"
                    | "meta"
                    | "link"
            ),
            "<{name}> in {html}"
        );
        for (attr, value) in e.value().attrs() {
            assert!(!attr.starts_with("on"), "{attr} in {html}");
            assert!(
                !matches!(attr, "style" | "srcset" | "action"),
                "{attr} in {html}"
            );
            if matches!(attr, "href" | "src") {
                assert!(
                    value.starts_with("https://") || value.starts_with("http://"),
                    "{attr}={value} in {html}"
                );
            }
        }
    }
}

#[test]
fn json_ld_with_graph() {
    let a = read(
        "jsonld-graph.html",
        "https://harbour.example/news/2026/03/04/harbour-cranes-return?utm_source=feed",
        "Europe/Amsterdam",
        "2026-03-04T13:30:00+01:00",
    );
    assert_eq!(
        stamp(&a.published),
        some(
            "json-ld",
            "2026-03-04T08:15:00+00:00",
            "2026-03-04T08:14:59Z",
            "2026-03-04T08:15:00Z"
        )
    );
    assert_eq!(
        stamp(&a.modified),
        some(
            "json-ld",
            "2026-03-04T10:02:00+00:00",
            "2026-03-04T10:01:59Z",
            "2026-03-04T10:02:00Z"
        )
    );
    assert_eq!(a.authors, ["Anna de Vries", "Tom Okafor"]);
    assert_eq!(
        url(&a.image),
        Some("https://harbour.example/img/cranes-1600.jpg")
    );
    assert_eq!(
        url(&a.canonical),
        Some("https://harbour.example/news/2026/03/04/harbour-cranes-return")
    );
    assert_eq!(a.language.as_deref(), Some("en-GB"));
    assert_eq!(
        a.title.as_deref(),
        Some("Harbour cranes return to Rotterdam’s old port")
    );
    assert_eq!(a.notes, Vec::<String>::new());

    let body = text(&a.content);
    assert!(
        body.starts_with("Three restored cranes from the 1950s"),
        "{body}"
    );
    assert!(
        body.ends_with("“These cranes remember it for us.”"),
        "{body}"
    );
    for kept in [
        "On Tuesday morning a floating sheerleg lifted the last of them",
        "Two years, forty volunteers",
        "The rebuilt cabin of the middle crane, with its original levers.",
        "tooth by tooth.",
        "the council has promised that the rails will stay.",
    ] {
        assert!(body.contains(kept), "{kept:?} missing from {body}");
    }
    for chrome in [
        "Skip to content",
        "Business",
        "Advertisement",
        "Share on",
        "Copy link",
        "Most read",
        "Ferry strike",
        "Subscribe",
        "12 comments",
        "my father worked",
        "Cookie",
        "© 2026",
        "Read more",
        "Topics:",
        "dataLayer",
    ] {
        assert!(!body.contains(chrome), "{chrome:?} left in {body}");
    }
    // The lazy image got its data-lazy-src; the srcset-only image its largest candidate.
    assert_eq!(
        images(&a.content),
        [
            "https://harbour.example/img/cabin-640.jpg",
            "https://harbour.example/img/quay-2048.jpg"
        ]
    );
    let content = a.content.as_deref().unwrap_or("");
    assert_tame(content);
    assert!(content.len() <= CONTENT_LIMIT);
}

#[test]
fn opengraph_only() {
    let a = read(
        "opengraph.html",
        "https://crumb.example/2026/02/sourdough-at-altitude/",
        "Europe/Zurich",
        "2026-03-04T12:00:00Z",
    );
    assert_eq!(
        stamp(&a.published),
        some(
            "opengraph",
            "2026-02-27T18:40:12+01:00",
            "2026-02-27T17:40:11Z",
            "2026-02-27T17:40:12Z"
        )
    );
    assert_eq!(
        stamp(&a.modified),
        some(
            "opengraph",
            "2026-03-01T08:05:00+01:00",
            "2026-03-01T07:04:59Z",
            "2026-03-01T07:05:00Z"
        )
    );
    // The profile link among the article:author values is no name.
    assert_eq!(a.authors, ["Lena Huber"]);
    assert_eq!(
        url(&a.image),
        Some("https://crumb.example/wp-content/uploads/2026/02/loaf.jpg")
    );
    assert_eq!(
        url(&a.canonical),
        Some("https://crumb.example/2026/02/sourdough-at-altitude/")
    );
    assert_eq!(a.language.as_deref(), Some("de_CH"));
    assert_eq!(a.title.as_deref(), Some("Sourdough at altitude"));
    // The comments' <time>s are not the article's: no disagreement to note.
    assert_eq!(a.notes, Vec::<String>::new());

    let body = text(&a.content);
    assert!(
        body.starts_with("Last month we moved our little bakery course"),
        "{body}"
    );
    assert!(body.ends_with("should be made of anyway."), "{body}");
    for kept in [
        "Day four: the starter escapes.",
        "Baking",
        "Add five percent water.",
    ] {
        assert!(body.contains(kept), "{kept:?} missing from {body}");
    }
    for chrome in [
        "Recipes",
        "Posted on",
        "Share this",
        "Related",
        "Rye basics",
        "thoughts on",
        "Davos",
        "Recent posts",
        "Pretzels",
        "baking school in Zurich",
        "Privacy",
    ] {
        assert!(!body.contains(chrome), "{chrome:?} left in {body}");
    }
    assert_eq!(
        images(&a.content),
        ["https://crumb.example/wp-content/uploads/2026/02/starter-1024x683.jpg"]
    );
    assert_tame(a.content.as_deref().unwrap_or(""));
}

#[test]
fn microdata_only() {
    let a = read(
        "microdata.html",
        "https://weekblad.example/nieuws/fietsbrug-spaarne-open?ref=home",
        "Europe/Amsterdam",
        "2026-03-04T09:00:00+01:00",
    );
    // "2026-03-03 16:45" has no offset: that minute in Amsterdam (UTC+1 in March).
    assert_eq!(
        stamp(&a.published),
        some(
            "microdata",
            "2026-03-03 16:45",
            "2026-03-03T15:44:59Z",
            "2026-03-03T15:45:59Z"
        )
    );
    assert_eq!(
        stamp(&a.modified),
        some(
            "microdata",
            "2026-03-03T18:20:00",
            "2026-03-03T17:19:59Z",
            "2026-03-03T17:20:00Z"
        )
    );
    // Not the commenters, Kees and Ria.
    assert_eq!(a.authors, ["Joris Bakker", "Fleur Smit"]);
    assert_eq!(
        url(&a.image),
        Some("https://weekblad.example/media/brug.jpg")
    );
    assert_eq!(
        url(&a.canonical),
        Some("https://weekblad.example/nieuws/fietsbrug-spaarne-open")
    );
    assert_eq!(a.language.as_deref(), Some("nl-NL"));
    assert_eq!(
        a.title.as_deref(),
        Some("Nieuwe fietsbrug over het Spaarne open")
    );
    assert_eq!(a.notes, Vec::<String>::new());
    let body = text(&a.content);
    assert!(
        body.contains("Na anderhalf jaar bouwen is de nieuwe fietsbrug"),
        "{body}"
    );
    assert!(
        body.ends_with("De gemeente belooft het verkeer het komende jaar te tellen."),
        "{body}"
    );
    for chrome in [
        "Abonneren",
        "Sport",
        "Reacties",
        "Eindelijk",
        "Meest gelezen",
        "Colofon",
    ] {
        assert!(!body.contains(chrome), "{chrome:?} left in {body}");
    }
}

#[test]
fn time_only() {
    let a = read(
        "time.html",
        "https://echo.example/region/colmar-marche-record",
        "Europe/Paris",
        "2026-01-08T12:00:00+01:00",
    );
    // The live ticker's time sits outside the article, the related story's in another.
    assert_eq!(
        stamp(&a.published),
        some(
            "time",
            "2026-01-07T18:30",
            "2026-01-07T17:29:59Z",
            "2026-01-07T17:30:59Z"
        )
    );
    assert_eq!(
        stamp(&a.modified),
        some(
            "time",
            "2026-01-08T08:10",
            "2026-01-08T07:09:59Z",
            "2026-01-08T07:10:59Z"
        )
    );
    assert_eq!(a.authors, Vec::<String>::new());
    assert_eq!(a.image, None);
    assert_eq!(a.canonical, None);
    assert_eq!(a.language.as_deref(), Some("fr"));
    assert_eq!(a.title, None);
    assert_eq!(a.notes, Vec::<String>::new());
    let body = text(&a.content);
    assert!(body.contains("2,1 millions de visiteurs"), "{body}");
    for chrome in ["En direct", "A35", "À lire aussi", "Strasbourg", "Partager"] {
        assert!(!body.contains(chrome), "{chrome:?} left in {body}");
    }
}

#[test]
fn meta_name_date_only() {
    let a = read(
        "meta-date.html",
        "https://tribune.example/local/bus-lanes",
        "America/New_York",
        "2026-02-12T12:00:00Z",
    );
    // parsely-pub-date is the most exact of the three (sailthru.date agrees: 16:05 in New
    // York is 21:05 UTC; the bare date agrees too).
    assert_eq!(
        stamp(&a.published),
        some(
            "meta",
            "2026-02-10T21:05:00Z",
            "2026-02-10T21:04:59Z",
            "2026-02-10T21:05:00Z"
        )
    );
    assert_eq!(
        stamp(&a.modified),
        some(
            "meta",
            "Wed, 11 Feb 2026 09:30:00 -0500",
            "2026-02-11T14:29:59Z",
            "2026-02-11T14:30:00Z"
        )
    );
    assert_eq!(a.authors, ["Maria Lopez"]);
    assert_eq!(
        url(&a.image),
        Some("https://static.tribune.example/photos/bus-lane.jpg")
    );
    assert_eq!(a.canonical, None);
    assert_eq!(a.language.as_deref(), Some("en-US"));
    assert_eq!(a.title, None);
    assert_eq!(a.notes, Vec::<String>::new());
    let body = text(&a.content);
    assert!(body.contains("The city council voted 9 to 4"), "{body}");
    assert!(body.ends_with("take about six weeks."), "{body}");
    assert!(
        !body.contains("Obituaries") && !body.contains("Copyright"),
        "{body}"
    );
}

#[test]
fn no_metadata() {
    let a = read(
        "none.html",
        "https://library.example/hours",
        "UTC",
        "2026-03-04T12:00:00Z",
    );
    // One sentence and two links ("Home Contact The library is ...") are no article: no
    // main text either.
    assert_eq!(
        a,
        Article {
            notes: vec![
                "content: the main text found has 57 characters (fewer than 140); none taken"
                    .to_string()
            ],
            ..Article::default()
        }
    );
    let a = read_as(
        &fixture("none.html"),
        "https://library.example/hours",
        "UTC",
        "2026-03-04T12:00:00Z",
        false,
    );
    assert_eq!(
        a,
        Article::default(),
        "without full, nothing is said about the text"
    );
}

#[test]
fn broken_json_ld() {
    let a = read(
        "broken-jsonld.html",
        "https://diario.example/murcia/sequia-riego",
        "Europe/Madrid",
        "2026-02-20T12:00:00+01:00",
    );
    // The valid block's fields have the wrong shapes; OpenGraph answers instead.
    assert_eq!(
        stamp(&a.published),
        some(
            "opengraph",
            "2026-02-20T09:30:00+01:00",
            "2026-02-20T08:29:59Z",
            "2026-02-20T08:30:00Z"
        )
    );
    assert_eq!(a.modified, None);
    assert_eq!(a.authors, Vec::<String>::new());
    assert_eq!(
        url(&a.image),
        Some("https://diario.example/fotos/embalse.jpg")
    );
    assert_eq!(a.canonical, None);
    assert_eq!(a.language.as_deref(), Some("es"));
    assert_eq!(
        a.title.as_deref(),
        Some("La sequía obliga a restringir el riego en Murcia")
    );
    assert_eq!(
        a.notes,
        [
            "json-ld: block 1 is not JSON (EOF while parsing a value at line 1 column 159); skipped",
            "json-ld: datePublished has a shape schema.org does not give it; ignored",
            "json-ld: author has a shape schema.org does not give it; ignored",
            "json-ld: image has a shape schema.org does not give it; ignored",
            "json-ld: headline has a shape schema.org does not give it; ignored",
            "opengraph image \"javascript:alert(1)\" is not an http(s) address; ignored",
        ]
    );
    assert!(text(&a.content).starts_with("La Confederación Hidrográfica del Segura"));
}

#[test]
fn hostile_markup() {
    let a = read(
        "hostile.html",
        "https://hostile.example/story",
        "UTC",
        "2026-03-04T12:30:00Z",
    );
    assert_eq!(
        stamp(&a.published),
        some(
            "opengraph",
            "2026-03-04T12:00:00Z",
            "2026-03-04T11:59:59Z",
            "2026-03-04T12:00:00Z"
        )
    );
    assert_eq!(a.modified, None);
    assert_eq!(a.authors, ["Eve"]);
    // Against <base href>; the file: og:image is refused.
    assert_eq!(
        url(&a.image),
        Some("https://cdn.hostile.example/a/b/pic.jpg")
    );
    assert_eq!(a.canonical, None);
    assert_eq!(a.language.as_deref(), Some("en"));
    assert_eq!(a.title.as_deref(), Some("Totally normal & article"));
    assert_eq!(
        a.notes,
        [
            "opengraph image \"file:///etc/passwd\" is not an http(s) address; ignored",
            "meta <link rel=canonical> \"javascript:alert('canonical')\" is not an http(s) address; ignored",
            "opengraph og:url \"data:text/html,<script>alert(1)</script>\" is not an http(s) address; ignored",
            "json-ld datePublished \"2099-01-01T00:00:00Z\": cannot read \"2099-01-01T00:00:00Z\" as a publication date: it lies more than 1 hour after the fetch",
        ]
    );
    let content = a.content.as_deref().unwrap_or("");
    assert_tame(content);
    let lower = content.to_lowercase();
    for gone in [
        "javascript",
        "<script",
        "alert('in body')",
        "alert('svg",
        "alert('img",
        "injected",
        "evil",
        "pay</",
        "display",
        "onmouseover",
        "data:",
    ] {
        assert!(!lower.contains(gone), "{gone:?} in {content}");
    }
    let body = text(&a.content);
    assert!(body.contains("a real link."), "{body}");
    assert!(body.contains("Fourth paragraph: <script>alert('escaped')</script> stays text, and so does &amp; and a lone < sign."), "{body}");
    assert_eq!(
        images(&a.content),
        ["(none)", "https://cdn.hostile.example/a/b/x.jpg"]
    );
}

/// A long article, generated from the JSON-LD fixture with its body repeated.
fn huge_page(paragraphs: usize) -> String {
    let page = fixture("jsonld-graph.html");
    let one = "<p>The restoration was done almost entirely by volunteers of the Old Port Foundation, \
               many of them retired dockworkers who once drove cranes like these &amp; others.</p>\n";
    page.replacen(
        "<div class=\"story__body\">",
        &format!("<div class=\"story__body\">{}", one.repeat(paragraphs)),
        1,
    )
}

#[test]
fn a_huge_page_is_cut_to_the_limit() {
    let html = huge_page(20_000);
    assert!(html.len() > 3_000_000);
    let started = std::time::Instant::now();
    let a = read_as(
        &html,
        "https://harbour.example/news/2026/03/04/harbour-cranes-return",
        "Europe/Amsterdam",
        "2026-03-04T13:30:00+01:00",
        true,
    );
    let took = started.elapsed();
    assert!(stamp(&a.published).is_some());
    let content = a
        .content
        .as_deref()
        .unwrap_or_else(|| panic!("no content: {:?}", a.notes));
    assert!(content.len() <= CONTENT_LIMIT, "{}", content.len());
    assert!(
        content.len() > CONTENT_LIMIT - 1024,
        "cut near the limit: {}",
        content.len()
    );
    // Cut between elements: written again from its parse, it is the same.
    let again = Html::parse_fragment(content).root_element().inner_html();
    assert_eq!(again, content);
    assert!(
        content.ends_with("</p></div></div>"),
        "{}",
        &content[content.len() - 100..]
    );
    assert_eq!(a.notes.len(), 1, "{:?}", a.notes);
    assert!(
        a.notes[0].starts_with("content: the main text is "),
        "{:?}",
        a.notes
    );
    assert!(took < std::time::Duration::from_secs(30), "{took:?}");
}

#[test]
fn a_page_with_too_many_elements_has_no_main_text() {
    let html = format!(
        "<html><body><article>{}</article></body></html>",
        "<p>word <i>x</i></p>".repeat(30_000)
    );
    let a = read_as(
        &html,
        "https://x.example/a",
        "UTC",
        "2026-03-04T12:00:00Z",
        true,
    );
    assert_eq!(a.content, None);
    assert_eq!(a.notes.len(), 1, "{:?}", a.notes);
    assert!(
        a.notes[0].starts_with("content: no main text (too many elements"),
        "{:?}",
        a.notes
    );
}

mod fuzz {
    //! Random pages built from the pieces the reader looks at, hostile values included:
    //! reading never panics, and what it returns keeps the interface's promises.
    use super::*;
    use proptest::prelude::*;

    const KEYS: &[&str] = &[
        "article:published_time",
        "article:modified_time",
        "article:author",
        "og:image",
        "og:url",
        "og:locale",
        "og:title",
        "date",
        "parsely-pub-date",
        "sailthru.date",
        "DC.date.issued",
        "author",
        "twitter:image",
        "last-modified",
    ];
    const VALUES: &[&str] = &[
        "2026-03-04T10:00:00Z",
        "2026-03-04",
        "2026-03-04 13:30:00",
        "Wed, 04 Mar 2026 10:00:00 +0100",
        "2099-01-01T00:00:00Z",
        "1970-01-01",
        "0000-00-00",
        "gisteren 14:05",
        "3 hours ago",
        "javascript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "//cdn.example/i.jpg",
        "/relative.jpg",
        "",
        " ",
        "<script>alert(1)</script>",
        "&amp;&#0;&#xD800;",
        "\u{0}\u{7f}",
        "https://example.org/a b",
        "x\ny",
        "Ann",
        "ééé",
        "𝔘𝔫𝔦",
    ];
    const JSON: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"@type\"",
        "\"NewsArticle\"",
        "\"BlogPosting\"",
        "\"@graph\"",
        "\"author\"",
        "\"name\"",
        "\"image\"",
        "\"url\"",
        "\"datePublished\"",
        "\"dateModified\"",
        "\"2026-03-04T10:00:00Z\"",
        "\"@id\"",
        "\"#a\"",
        "null",
        "17",
        "\"headline\"",
        "\"mainEntityOfPage\"",
        "\"inLanguage\"",
        "true",
        "\"\\u0000\"",
    ];
    const TAGS: &[&str] = &[
        "p",
        "div",
        "article",
        "main",
        "aside",
        "time",
        "span",
        "img",
        "a",
        "script",
        "iframe",
        "form",
        "figure",
        "figcaption",
        "section",
        "nav",
        "header",
        "footer",
        "h2",
        "svg",
    ];
    const ATTRS: &[&str] = &[
        "datetime",
        "itemprop",
        "itemscope",
        "itemtype",
        "src",
        "data-src",
        "srcset",
        "data-lazy-src",
        "href",
        "onclick",
        "class",
        "pubdate",
        "content",
        "style",
    ];

    fn piece() -> impl Strategy<Value = String> {
        let pick =
            |list: &'static [&'static str]| prop::sample::select(list).prop_map(str::to_string);
        prop_oneof![
            (pick(KEYS), pick(VALUES), any::<bool>()).prop_map(|(k, v, prop)| format!(
                "<meta {}=\"{k}\" content=\"{v}\">",
                if prop { "property" } else { "name" }
            )),
            prop::collection::vec(pick(JSON), 0..40).prop_map(|parts| format!(
                "<script type=\"application/ld+json\">{}</script>",
                parts.join("")
            )),
            (pick(TAGS), pick(ATTRS), pick(VALUES), any::<bool>()).prop_map(
                |(t, a, v, close)| format!(
                    "<{t} {a}=\"{v}\">{v} words in a paragraph of text{}",
                    if close {
                        format!("</{t}>")
                    } else {
                        String::new()
                    }
                )
            ),
            pick(VALUES),
            "[ -~]{0,40}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]
        #[test]
        fn reading_never_panics_and_keeps_its_promises(
            pieces in prop::collection::vec(piece(), 0..60),
            full in any::<bool>(),
        ) {
            let html = pieces.concat();
            let a = read_as(&html, "https://fuzz.example/a/b", "Europe/Amsterdam", "2026-03-04T12:00:00Z", full);
            let limit = at("2026-03-04T13:00:00Z");
            for s in [&a.published, &a.modified].into_iter().flatten() {
                prop_assert!(s.reading.interval.earliest < limit);
                prop_assert!(s.reading.interval.contains(s.reading.point));
            }
            for u in [&a.image, &a.canonical].into_iter().flatten() {
                prop_assert!(matches!(u.scheme(), "http" | "https"), "{u}");
            }
            prop_assert!(a.canonical.as_ref().is_none_or(|u| u.fragment().is_none()));
            prop_assert!(a.authors.len() <= 10);
            for name in &a.authors {
                prop_assert!(!name.is_empty() && !name.contains('<') && !name.starts_with("http"), "{name:?}");
            }
            for note in &a.notes {
                prop_assert!(!note.contains('\n'), "{note:?}");
            }
            prop_assert!(full || a.content.is_none());
            if let Some(content) = &a.content {
                prop_assert!(content.len() <= CONTENT_LIMIT);
                assert_tame(content);
            }
        }
    }
}
