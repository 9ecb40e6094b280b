//! Ranking groups: how much like the page's list of items a group is.
//!
//! The base is what a list of items has and a menu lacks: text. It grows with the number of
//! items (logarithmically: a menu of forty entries is not eight times a list of five) and
//! with the text per item (as a square root, capped, so a few long paragraphs do not win
//! by bulk). Factors then reward what items have — a link, a date the date reader reads, a
//! heading, one structure shared by all — and punish what boxes around items have: entries
//! of a word or two, items that hold several headings (a container of lists), and a place
//! in `<nav>`, `<header>`, `<footer>`, `<aside>` or in an element whose class or id says
//! menu, sidebar, widget, pagination, related, popular, tags and the like. The ideas follow
//! readability's content scoring and the sibling-group scoring of rss-proxy and feedless.

use super::fields;
use crate::dates::Context;
use crate::text;
use scraper::ElementRef;
use std::collections::HashMap;

/// Items looked at per group: enough to judge, bounded per page.
pub const SAMPLE: usize = 30;

/// One reason a group scores as it does.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The multiplier (the base's value for the first part).
    pub factor: f64,
    pub why: String,
}

/// What scoring needs to know of a group, measured on a sample of its items.
#[derive(Debug, Clone, Default)]
pub struct Measure {
    pub count: usize,
    pub sampled: usize,
    pub words: f64,
    pub chars: f64,
    pub linked: usize,
    pub headed: usize,
    pub headings_per_item: f64,
    pub links_per_item: f64,
    /// Share of the sample with the commonest child structure.
    pub uniform: f64,
    /// Items with a readable date (filled by [`dated`]).
    pub dated: usize,
    pub dates_measured: bool,
    /// Where the group sits: (reason, factor).
    pub context: Vec<(String, f64)>,
}

/// Words in class names and ids of boxes that are not a page's content.
const BOX_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "hauptnavigation",
    "menu",
    "submenu",
    "megamenu",
    "footer",
    "sidebar",
    "side",
    "widget",
    "widgets",
    "breadcrumb",
    "breadcrumbs",
    "pagination",
    "pager",
    "paging",
    "related",
    "popular",
    "trending",
    "mostread",
    "share",
    "sharing",
    "social",
    "cookie",
    "banner",
    "ad",
    "ads",
    "advert",
    "advertisement",
    "sponsor",
    "sponsored",
    "promo",
    "newsletter",
    "toolbar",
    "topbar",
    "masthead",
    "tag",
    "tags",
    "tagcloud",
    "categories",
    "archive",
    "archives",
    "tabs",
    "links",
    "login",
    "lang",
    "language",
];

/// Words in class names and ids of a page's content.
const CONTENT_WORDS: &[&str] = &[
    "content",
    "main",
    "results",
    "posts",
    "stories",
    "articles",
    "entries",
    "inhalt",
    "contenu",
    "contenido",
    "itemlist",
];

/// Semantic elements that hold no content list: their factor.
fn box_tag(name: &str) -> Option<f64> {
    match name {
        "nav" | "menu" => Some(0.3),
        "footer" => Some(0.3),
        "header" => Some(0.5),
        "aside" => Some(0.6),
        "form" => Some(0.5),
        _ => None,
    }
}

fn class_words(e: ElementRef<'_>) -> Vec<(String, String)> {
    let v = e.value();
    let mut out = Vec::new();
    for c in v.classes() {
        for t in fields::tokens(c) {
            out.push((t, c.to_string()));
        }
        // "most-read", "most_read", "mostRead" as one word.
        let joined: String = fields::tokens(c).collect();
        out.push((joined, c.to_string()));
    }
    if let Some(id) = v.id() {
        for t in fields::tokens(id) {
            out.push((t, format!("#{id}")));
        }
    }
    if let Some(role) = v.attr("role") {
        out.push((role.to_ascii_lowercase(), format!("role={role}")));
    }
    out
}

/// Where the items sit: every box element or box name on the way up from an item (the
/// item included), each reason once; and a bonus for a place inside the main content.
fn context(item: ElementRef<'_>) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = Vec::new();
    let mut content = None;
    let chain = std::iter::once(item).chain(item.ancestors().filter_map(ElementRef::wrap));
    for e in chain {
        let name = e.value().name();
        if let Some(f) = box_tag(name) {
            let why = format!("inside <{name}>");
            if !out.iter().any(|(w, _)| *w == why) {
                out.push((why, f));
            }
        }
        if name == "main" && content.is_none() {
            content = Some("inside <main>".to_string());
        }
        for (word, source) in class_words(e) {
            if word == "navigation" || word == "menubar" || word == "contentinfo" {
                let why = format!("inside role/class {source:?}");
                if !out.iter().any(|(w, _)| *w == why) {
                    out.push((why, 0.3));
                }
            } else if BOX_WORDS.contains(&word.as_str()) {
                let why = format!("in {source:?} (a {word} box)");
                if !out
                    .iter()
                    .any(|(w, _)| w.starts_with(&format!("in {source:?}")))
                {
                    out.push((why, 0.35));
                }
            } else if CONTENT_WORDS.contains(&word.as_str()) && content.is_none() {
                content = Some(format!("inside {source:?}"));
            }
        }
    }
    if let Some(why) = content {
        out.push((why, 1.2));
    }
    out
}

/// A child structure: the sequence of child tags, repeats collapsed.
fn shape(item: ElementRef<'_>) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for c in item.children().filter_map(ElementRef::wrap) {
        let n = c.value().name();
        if out.last() != Some(&n) {
            out.push(n);
        }
    }
    out
}

/// Measure a group on its first [`SAMPLE`] items.
pub fn measure(items: &[ElementRef<'_>]) -> Measure {
    let sample = &items[..items.len().min(SAMPLE)];
    let mut m = Measure {
        count: items.len(),
        sampled: sample.len(),
        ..Measure::default()
    };
    let mut shapes: HashMap<Vec<&str>, usize> = HashMap::new();
    let mut headings = 0usize;
    let mut links = 0usize;
    for item in sample {
        let t = text::visible_text(*item, &[]);
        m.chars += t.chars().count().min(2000) as f64;
        m.words += t.split_whitespace().count().min(400) as f64;
        if fields::has_link(*item) {
            m.linked += 1;
        }
        let mut hrefs: Vec<&str> = Vec::new();
        let mut h = 0;
        for e in item.descendants().filter_map(ElementRef::wrap) {
            let name = e.value().name();
            if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
                h += 1;
            }
            if name == "a"
                && let Some(href) = e.attr("href")
                && !hrefs.contains(&href)
            {
                hrefs.push(href);
            }
        }
        if h > 0 {
            m.headed += 1;
        }
        headings += h;
        links += hrefs.len();
        *shapes.entry(shape(*item)).or_default() += 1;
    }
    let n = sample.len().max(1) as f64;
    m.chars /= n;
    m.words /= n;
    m.headings_per_item = headings as f64 / n;
    m.links_per_item = links as f64 / n;
    m.uniform = shapes.values().copied().max().unwrap_or(0) as f64 / n;
    if let Some(first) = sample.first() {
        m.context = context(*first);
    }
    m
}

/// Count the sampled items with a date the reader reads.
pub fn dated(m: &mut Measure, items: &[ElementRef<'_>], ctx: &Context) {
    m.dated = items[..items.len().min(SAMPLE)]
        .iter()
        .filter(|i| fields::date(**i, ctx).is_some())
        .count();
    m.dates_measured = true;
}

fn share(part: usize, of: usize) -> String {
    match (part, of) {
        (p, o) if p == o => "all".to_string(),
        (0, _) => "none".to_string(),
        (p, o) => format!("{p} of {o}"),
    }
}

/// The score and its parts, in words.
pub fn score(m: &Measure) -> (f64, Vec<Part>) {
    let mut parts = Vec::new();
    let n = m.sampled.max(1);
    let base = ((1 + m.count) as f64).ln() * m.chars.min(400.0).sqrt();
    parts.push(Part {
        factor: base,
        why: format!(
            "{} items of {:.0} words each (base {base:.1})",
            m.count, m.words
        ),
    });
    let linked = m.linked as f64 / n as f64;
    parts.push(Part {
        factor: 0.15 + 0.85 * linked,
        why: format!("{} link somewhere", share(m.linked, n)),
    });
    if m.dates_measured {
        let dated = m.dated as f64 / n as f64;
        parts.push(Part {
            factor: 1.0 + 0.6 * dated,
            why: format!("{} have a date the date reader reads", share(m.dated, n)),
        });
    }
    let headed = m.headed as f64 / n as f64;
    if m.headed > 0 {
        parts.push(Part {
            factor: 1.0 + 0.3 * headed,
            why: format!("{} have a heading", share(m.headed, n)),
        });
    }
    if m.words < 6.0 {
        let f = (m.words / 6.0).max(0.1);
        parts.push(Part {
            factor: f,
            why: format!(
                "short entries ({:.1} words each), as in a menu or a tag list",
                m.words
            ),
        });
    }
    if m.headings_per_item > 1.3 {
        parts.push(Part {
            factor: (1.0 / m.headings_per_item).max(0.2),
            why: format!(
                "{:.1} headings per item: a container of items rather than one",
                m.headings_per_item
            ),
        });
    }
    if m.links_per_item > 4.0 {
        parts.push(Part {
            factor: (4.0 / m.links_per_item).sqrt(),
            why: format!("{:.1} links per item", m.links_per_item),
        });
    }
    parts.push(Part {
        factor: 0.5 + 0.5 * m.uniform,
        why: format!("{:.0}% share one structure", m.uniform * 100.0),
    });
    let mut place = 1.0;
    for (why, f) in &m.context {
        parts.push(Part {
            factor: *f,
            why: why.clone(),
        });
        place *= f;
    }
    // However many boxes it sits in, a group keeps a twentieth.
    if place < 0.05 {
        parts.push(Part {
            factor: 0.05 / place,
            why: "(place penalties end at ×0.05)".to_string(),
        });
    }
    let total = parts.iter().map(|p| p.factor).product();
    (total, parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::{Html, Selector};

    fn score_of(doc: &Html, css: &str) -> f64 {
        let items: Vec<ElementRef<'_>> = doc
            .select(&Selector::parse(css).expect("selector"))
            .collect();
        score(&measure(&items)).0
    }

    #[test]
    fn a_content_list_beats_a_bigger_menu() {
        let menu: String = (0..40)
            .map(|i| format!(r#"<li><a href="/s{i}">Section {i}</a></li>"#))
            .collect();
        let news: String = (0..5)
            .map(|i| format!(r#"<div class="story"><h2><a href="/n{i}">Headline number {i} about something</a></h2><p>A first sentence of the story, which goes on for a while.</p></div>"#))
            .collect();
        let doc = Html::parse_document(&format!("<nav><ul>{menu}</ul></nav><main>{news}</main>"));
        let (menu, news) = (score_of(&doc, "nav li"), score_of(&doc, "div.story"));
        assert!(news > 3.0 * menu, "news {news} menu {menu}");
    }

    #[test]
    fn boxes_are_named_in_the_parts() {
        let doc = Html::parse_document(
            r#"<aside class="most-read"><ol><li><a href="/1">One two three four five six</a></li><li><a href="/2">One two three four five six</a></li></ol></aside>"#,
        );
        let items: Vec<ElementRef<'_>> = doc
            .select(&Selector::parse("li").expect("selector"))
            .collect();
        let (_, parts) = score(&measure(&items));
        let why: Vec<&str> = parts.iter().map(|p| p.why.as_str()).collect();
        assert!(why.contains(&"inside <aside>"), "{why:?}");
        assert!(why.iter().any(|w| w.contains("mostread")), "{why:?}");
    }
}
