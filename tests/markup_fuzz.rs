//! Random hostile markup as item content, through extraction and both renderers in
//! process, read back with the `rss` and `atom_syndication` crates: every title, summary,
//! category and author, read as HTML the way a reader embeds it, holds nothing that can run
//! script or load anything; and every field that is text shows exactly the extracted text.

use pagefeed::config::{Field, Items};
use pagefeed::extract;
use pagefeed::publish::{self, Entry, FeedMeta};
use pagefeed::text;
use pagefeed::timeline::Order;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use scraper::{Html, Node, Selector};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use url::Url;

/// A piece of markup, written out as a page would have it.
#[derive(Debug, Clone)]
enum Markup {
    Text(String),
    Element {
        tag: &'static str,
        attrs: Vec<(&'static str, &'static str)>,
        children: Vec<Markup>,
        closed: bool,
    },
}

impl Markup {
    fn write(&self, out: &mut String) {
        match self {
            Markup::Text(t) => out.push_str(t),
            Markup::Element {
                tag,
                attrs,
                children,
                closed,
            } => {
                out.push('<');
                out.push_str(tag);
                for (k, v) in attrs {
                    out.push_str(&format!(" {k}=\"{v}\""));
                }
                out.push('>');
                for c in children {
                    c.write(out);
                }
                if *closed {
                    out.push_str(&format!("</{tag}>"));
                }
            }
        }
    }
}

const TAGS: &[&str] = &[
    "p", "b", "i", "div", "span", "a", "img", "br", "h3", "ul", "li", "table", "td", "pre",
    "script", "style", "iframe", "svg", "math", "object", "embed", "form", "input", "textarea",
    "noscript", "template", "title", "select", "xmp", "frameset", "base", "meta", "link",
];
const ATTRS: &[&str] = &[
    "onerror",
    "onload",
    "onclick",
    "onmouseover",
    "style",
    "href",
    "src",
    "class",
    "title",
    "xlink:href",
    "action",
    "formaction",
    "srcdoc",
    "data",
];
const VALUES: &[&str] = &[
    "javascript:alert(1)",
    " java\tscript:alert(2)",
    "JaVaScRiPt:alert(3)",
    "data:text/html,&lt;script&gt;alert(4)&lt;/script&gt;",
    "vbscript:msgbox(5)",
    "alert(6)",
    "/relative?a=1&amp;b=2",
    "https://x.example/a",
    "mailto:a@b.example",
    "position:fixed;inset:0",
    "x",
];
/// Text as page source: entities that show markup, broken tags, CDATA-like and control text.
const TEXTS: &[&str] = &[
    "&lt;img src=x onerror=alert(1)&gt;",
    "&lt;script&gt;alert(2)&lt;/script&gt;",
    "U1 &lt;img src=x onerror=alert(3) x",
    "<img src=x onerror=alert(4) x",
    "<b",
    "</div",
    "&amp;lt;b&amp;gt;",
    "&amp; AT&T Q&A &copy &#60; &#x3c; &#0; &#1;",
    "<![CDATA[ c ]]>",
    "]]>",
    "<!-- comment -->",
    "<!--",
    "\u{1}\u{7f}\u{0}\u{b}\u{fffe}",
    "it's \"quoted\"",
    ". Next sentence. ",
    "PARIS (AFP) - ",
];

fn markup() -> impl Strategy<Value = Markup> {
    let leaf = prop_oneof![
        proptest::sample::select(TEXTS).prop_map(|t| Markup::Text(t.to_string())),
        "[a-zA-Z ]{0,10}".prop_map(Markup::Text),
    ];
    leaf.prop_recursive(50, 160, 4, |inner| {
        (
            proptest::sample::select(TAGS),
            proptest::collection::vec(
                (
                    proptest::sample::select(ATTRS),
                    proptest::sample::select(VALUES),
                ),
                0..3,
            ),
            proptest::collection::vec(inner, 0..4),
            proptest::bool::weighted(0.8),
        )
            .prop_map(|(tag, attrs, children, closed)| Markup::Element {
                tag,
                attrs,
                children,
                closed,
            })
    })
}

fn write(m: &Markup) -> String {
    let mut out = String::new();
    m.write(&mut out);
    out
}

/// An item's parts: title, summary, author, category, teaser.
fn item() -> impl Strategy<Value = [Markup; 5]> {
    [markup(), markup(), markup(), markup(), markup()]
}

fn page(title: &Markup, items: &[[Markup; 5]]) -> String {
    let mut page = format!(
        "<html><head><title>{}</title></head><body><ul>",
        write(title)
    );
    for (n, [title, summary, author, category, teaser]) in items.iter().enumerate() {
        page.push_str(&format!(
            "<li><h3>{}</h3><a href=\"/item/{n}\">link</a><p class=\"s\">{}</p><span class=\"by\">{}</span><b class=\"tag\">{}</b><div class=\"teaser\">{}</div></li>",
            write(title),
            write(summary),
            write(author),
            write(category),
            write(teaser)
        ));
    }
    page.push_str("</ul></body></html>");
    page
}

fn field(css: &str, html: bool) -> Option<Field> {
    Some(Field {
        selector: Selector::parse(css).expect("selector"),
        attr: None,
        regex: None,
        html,
        text: false,
    })
}

/// The three ways a feed may read the page: every field configured, the summary's markup
/// kept, and every field left to its default (derived titles, datelines).
fn configs() -> Vec<Items> {
    let select = || Selector::parse("li").expect("selector");
    let fields = |summary| Items {
        select: select(),
        title: field("h3", false),
        link: field("a", false),
        summary,
        date: None,
        author: field("span.by", false),
        category: field("b.tag", false),
        order: Order::NewestFirst,
    };
    vec![
        fields(field("p.s", false)),
        fields(field("div.teaser", true)),
        Items {
            select: select(),
            title: None,
            link: None,
            summary: None,
            date: None,
            author: None,
            category: None,
            order: Order::NewestFirst,
        },
    ]
}

const DANGEROUS: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "link", "meta", "base", "form", "input", "button", "textarea", "select", "template",
    "noscript", "video", "audio", "canvas", "xmp",
];

/// Attributes that a browser follows as a URL.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "xlink:href",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "srcset",
    "ping",
    "lowsrc",
    "dynsrc",
    "codebase",
    "longdesc",
];

/// What `value`, embedded in a reader's `<div>`, holds that could run or load anything, and
/// whether it holds any element at all; with the text it shows.
fn read_as_html(value: &str) -> (Vec<String>, bool, String) {
    let doc = Html::parse_fragment(&format!("<div>{value}</div>"));
    let mut dangers = Vec::new();
    let mut elements = false;
    let mut shown = String::new();
    let wrapper = doc
        .root_element()
        .first_child()
        .expect("the reader's div")
        .id();
    // The fragment's own <html> and the reader's <div> are not the value's.
    for node in doc.root_element().descendants().skip(1) {
        match node.value() {
            Node::Element(e) if node.id() != wrapper => {
                elements = true;
                if DANGEROUS.contains(&e.name()) {
                    dangers.push(format!("<{}>", e.name()));
                }
                for (k, v) in e.attrs() {
                    let squeezed: String = v
                        .chars()
                        .filter(|c| !c.is_whitespace() && !c.is_control())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    if k.starts_with("on")
                        || k == "style"
                        || k == "srcdoc"
                        || (URL_ATTRS.contains(&k)
                            && ["javascript:", "vbscript:", "data:"]
                                .iter()
                                .any(|s| squeezed.starts_with(s)))
                    {
                        dangers.push(format!("<{} {k}={v:?}>", e.name()));
                    }
                }
            }
            Node::Comment(_) => elements = true,
            Node::Text(t) => shown.push_str(t),
            _ => {}
        }
    }
    (dangers, elements, shown)
}

/// Every field of both rendered documents as `(name, value, expected text)`: the expected
/// text is given for fields that must be text, none for the summary that keeps markup.
fn fields_of(
    rss_xml: &[u8],
    atom_xml: &[u8],
    meta: &FeedMeta,
    entries: &[Entry<'_>],
) -> Vec<(String, String, Option<String>)> {
    let channel = rss::Channel::read_from(rss_xml).expect("the RSS reads back");
    let feed = atom_syndication::Feed::read_from(atom_xml).expect("the Atom reads back");
    let clean = |s: &str| text::clean(s).into_owned();
    let mut out = vec![
        (
            "rss channel title".into(),
            channel.title().to_string(),
            Some(clean(&meta.title)),
        ),
        (
            "rss channel description".into(),
            channel.description().to_string(),
            None,
        ),
        (
            "atom title".into(),
            feed.title.value.clone(),
            Some(clean(&meta.title)),
        ),
        (
            "atom subtitle".into(),
            feed.subtitle
                .as_ref()
                .map(|s| s.value.clone())
                .unwrap_or_default(),
            None,
        ),
    ];
    assert_eq!(channel.items().len(), entries.len());
    assert_eq!(feed.entries.len(), entries.len());
    for ((item, entry), e) in channel.items().iter().zip(&feed.entries).zip(entries) {
        let summary = (e.summary_html.is_none() && !e.summary.is_empty()).then(|| clean(e.summary));
        out.push((
            "rss title".into(),
            item.title().unwrap_or_default().into(),
            Some(clean(e.title)),
        ));
        out.push((
            "atom entry title".into(),
            entry.title.value.clone(),
            Some(clean(e.title)),
        ));
        out.push((
            "rss description".into(),
            item.description().unwrap_or_default().into(),
            summary.clone(),
        ));
        out.push((
            "atom summary".into(),
            entry
                .summary
                .as_ref()
                .map(|s| s.value.clone())
                .unwrap_or_default(),
            summary,
        ));
        for (c, expected) in item.categories().iter().zip(e.categories) {
            out.push((
                "rss category".into(),
                c.name().to_string(),
                Some(clean(expected)),
            ));
        }
        for (c, expected) in entry.categories.iter().zip(e.categories) {
            out.push((
                "atom category".into(),
                c.term.clone(),
                Some(clean(expected)),
            ));
        }
        let creators = item
            .dublin_core_ext()
            .map(|d| d.creators().to_vec())
            .unwrap_or_default();
        for (a, expected) in creators.iter().zip(e.author) {
            out.push(("rss dc:creator".into(), a.clone(), Some(clean(expected))));
        }
        for (a, expected) in entry.authors.iter().zip(e.author) {
            out.push(("atom author".into(), a.name.clone(), Some(clean(expected))));
        }
    }
    out
}

/// Check `html` read each of the [`configs`] ways; returns how many of them were checked: a
/// way whose extraction refuses the page or finds no item publishes nothing, and is not.
fn check_page(html: &str) -> Result<usize, TestCaseError> {
    let url = Url::parse("https://news.example/list").expect("url");
    let mut checked = 0;
    for items in configs() {
        let Ok(extracted) = extract::extract(html, &url, false, &items) else {
            continue; // a page the item selector finds nothing on publishes nothing
        };
        if extracted.items.is_empty() {
            continue;
        }
        let meta = FeedMeta {
            id: "fuzz".into(),
            title: extracted.title.clone().unwrap_or_else(|| "fuzz".into()),
            page: url.clone(),
            self_rss: None,
            self_atom: None,
            self_json: None,
        };
        let t0 = chrono::DateTime::from_timestamp(2_000_000_000, 0).expect("time");
        let entries: Vec<Entry<'_>> = extracted
            .items
            .iter()
            .enumerate()
            .map(|(n, i)| Entry {
                guid: &i.guid,
                title: &i.title,
                link: i.link.as_ref(),
                summary: &i.summary,
                summary_html: i.summary_html.as_deref(),
                author: i.author.as_deref(),
                categories: &i.categories,
                published: t0 - chrono::Duration::seconds(n as i64),
                page: None,
            })
            .collect();
        let rss_xml = publish::rss(&meta, &entries).expect("renders RSS");
        let atom_xml = publish::atom(&meta, &entries).expect("renders Atom");
        for (name, value, expected) in fields_of(&rss_xml, &atom_xml, &meta, &entries) {
            let (dangers, elements, shown) = read_as_html(&value);
            prop_assert!(
                dangers.is_empty(),
                "{name}: {dangers:?} in {value:?}\npage: {html}"
            );
            if let Some(expected) = expected {
                prop_assert!(
                    !elements,
                    "{name} is text but holds markup: {value:?}\npage: {html}"
                );
                prop_assert_eq!(
                    &shown,
                    &expected,
                    "{} shows other text than the page: {:?}",
                    name,
                    value
                );
            }
        }
        checked += 1;
    }
    Ok(checked)
}

/// The share of generated reads (a page read one of the [`configs`] ways) that must have been
/// checked: a generator or extractor that comes to refuse most pages fails the test rather
/// than pass it unchecked.
const CHECKED_AT_LEAST: f64 = 0.9;

#[test]
fn hostile_markup_never_reaches_a_reader_as_markup() {
    let generated = AtomicUsize::new(0);
    let checked = AtomicUsize::new(0);
    let mut runner = TestRunner::new(ProptestConfig {
        source_file: Some(file!()),
        ..ProptestConfig::with_cases(256)
    });
    let result = runner.run(
        &(markup(), proptest::collection::vec(item(), 1..4)),
        |(title, items)| {
            let started = Instant::now();
            let html = page(&title, &items);
            generated.fetch_add(configs().len(), Ordering::Relaxed);
            checked.fetch_add(check_page(&html)?, Ordering::Relaxed);
            // Loose: a case is a few small pages; it must finish, not be fast.
            prop_assert!(
                started.elapsed() < Duration::from_secs(60),
                "a case took {:?}",
                started.elapsed()
            );
            Ok(())
        },
    );
    if let Err(e) = result {
        panic!("{e}\n{runner}");
    }
    let (generated, checked) = (generated.into_inner(), checked.into_inner());
    eprintln!("{checked} of {generated} generated reads checked");
    assert!(
        generated > 0 && checked as f64 >= generated as f64 * CHECKED_AT_LEAST,
        "only {checked} of {generated} generated reads were checked (extraction refused the \
         rest); at least {:.0}% must be",
        CHECKED_AT_LEAST * 100.0
    );
}

#[test]
fn deep_nesting_finishes() {
    let deep = |tag: &str, n: usize| {
        format!(
            "{}x{}",
            format!("<{tag} onclick=\"a()\">").repeat(n),
            format!("</{tag}>").repeat(n)
        )
    };
    let page = format!(
        "<title>t</title><ul><li><h3>{}</h3><p class=\"s\">{}</p><div class=\"teaser\">{}</div></li></ul>",
        deep("b", 500),
        deep("span", 500),
        deep("div", 500)
    );
    let started = Instant::now();
    check_page(&page).expect("no markup reaches a reader");
    assert!(started.elapsed() < Duration::from_secs(120));
}
