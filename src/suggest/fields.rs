//! Inside the items: which element holds the title, the link, the date, the summary and the
//! author, item by item, and the selectors that find them.

use super::selector;
use crate::dates::{self, Context};
use crate::text;
use scraper::{ElementRef, Node};

/// Elements inside an item tried as its date, at most: the date is near the top.
const DATE_TRIES: usize = 12;

/// The longest text read as a date.
const DATE_CHARS: usize = 48;

/// The field selectors proposed for a group of items (None: the extractor's default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proposal {
    pub title: Option<String>,
    pub link: Option<String>,
    pub summary: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
}

/// The words of a class or id, lower-cased: `news-list__title` → news, list, title.
pub fn tokens(value: &str) -> impl Iterator<Item = String> + '_ {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_ascii_lowercase)
}

fn names(element: ElementRef<'_>) -> Vec<String> {
    let e = element.value();
    let mut out: Vec<String> = e.classes().flat_map(tokens).collect();
    for attr in ["id", "itemprop", "rel", "data-testid"] {
        if let Some(v) = e.attr(attr) {
            out.extend(tokens(v));
        }
    }
    out
}

fn named(element: ElementRef<'_>, words: &[&str]) -> bool {
    names(element).iter().any(|n| words.contains(&n.as_str()))
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

fn elements<'a>(item: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> {
    item.descendants()
        .skip(1)
        .filter_map(ElementRef::wrap)
        .filter(|e| {
            !matches!(
                e.value().name(),
                "script" | "style" | "template" | "noscript"
            )
        })
}

/// The own href of an `<a>`, where it leads somewhere.
fn href(element: ElementRef<'_>) -> Option<&str> {
    (element.value().name() == "a")
        .then(|| element.attr("href"))
        .flatten()
        .map(str::trim)
        .filter(|h| !h.is_empty() && !h.starts_with('#') && !h.starts_with("javascript:"))
}

/// Whether the item links somewhere: its own href or an anchor inside.
pub fn has_link(item: ElementRef<'_>) -> bool {
    href(item).is_some() || elements(item).any(|e| href(e).is_some())
}

/// The element holding the item's title: a heading, else an element named as a title
/// (narrowed to its main link where it holds several links), else the item's main link.
pub fn title(item: ElementRef<'_>) -> Option<ElementRef<'_>> {
    if let Some(h) = elements(item).find(|e| is_heading(e.value().name())) {
        return Some(h);
    }
    const WORDS: &[&str] = &[
        "title", "headline", "titel", "titre", "titulo", "titolo", "heading", "subject",
    ];
    // Words, not a rank or a count: a cell named as a title that holds "1." is not one.
    if let Some(t) = elements(item).find(|e| named(*e, WORDS) && has_words(*e)) {
        let linked = elements(t).filter(|e| href(*e).is_some() && has_text(*e));
        if linked.take(2).count() > 1 {
            return main_link(t).or(Some(t));
        }
        return Some(t);
    }
    if href(item).is_some() {
        return None;
    }
    main_link(item)
}

/// The link that carries the text of `e`: of the anchors inside it with at least two
/// characters of text, the one with the longest text, the first of equals. A link whose
/// text is a host name (the "(example.com)" beside a headline) counts only where no other
/// link has text; a link without text (a vote arrow, an icon) never. An anchor that wraps
/// blocks (a paragraph, the date) is an item's whole body made a link, not its title: the
/// extractor's derived title, the first sentence, is better than all of its text.
pub fn main_link(e: ElementRef<'_>) -> Option<ElementRef<'_>> {
    let mut best: Option<(bool, usize, ElementRef<'_>)> = None;
    for a in elements(e).filter(|a| href(*a).is_some() && !wraps_blocks(*a)) {
        let text = text::visible_text(a, &[]);
        let n = text.chars().count();
        if n < 2 {
            continue;
        }
        let named = !host_like(&text);
        if best.is_none_or(|(b_named, b, _)| (named, n) > (b_named, b)) {
            best = Some((named, n, a));
        }
    }
    best.map(|(_, _, a)| a)
}

/// The length of the text of `e`'s main link, 0 where it has none.
pub fn main_link_chars(e: ElementRef<'_>) -> usize {
    main_link(e).map_or(0, |a| text::visible_text(a, &[]).chars().count())
}

/// Whether a link text is a host name or an address rather than words: `example.com`,
/// `(code.example.org/owner)`, `www.example.org`.
fn host_like(text: &str) -> bool {
    let t = text.trim().trim_matches(|c: char| "()[]<>".contains(c));
    let host = t.split('/').next().unwrap_or("");
    let labels: Vec<&str> = host.split('.').collect();
    !t.is_empty()
        && !t.contains(char::is_whitespace)
        && labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
        && labels
            .last()
            .is_some_and(|l| l.chars().count() >= 2 && l.chars().all(char::is_alphabetic))
}

/// Whether `e` holds block elements, as a card's link around its whole body does.
fn wraps_blocks(e: ElementRef<'_>) -> bool {
    elements(e).any(|c| {
        matches!(
            c.value().name(),
            "p" | "div"
                | "ul"
                | "ol"
                | "li"
                | "table"
                | "section"
                | "article"
                | "figure"
                | "blockquote"
                | "header"
                | "footer"
        ) || is_heading(c.value().name())
    })
}

fn has_text(e: ElementRef<'_>) -> bool {
    e.text().any(|t| !t.trim().is_empty())
}

/// Whether the text of `e` has a letter in it.
fn has_words(e: ElementRef<'_>) -> bool {
    e.text().any(|t| t.chars().any(char::is_alphabetic))
}

/// The anchor the title links with: the title itself, one around it, or the main link
/// inside it (the headline's, not the host name's beside it).
pub fn link<'a>(item: ElementRef<'a>, title: Option<ElementRef<'a>>) -> Option<ElementRef<'a>> {
    if href(item).is_some() {
        return None;
    }
    let t = title?;
    if href(t).is_some() {
        return Some(t);
    }
    if let Some(around) = t
        .ancestors()
        .take_while(|a| a.id() != item.id())
        .filter_map(ElementRef::wrap)
        .find(|a| href(*a).is_some())
    {
        return Some(around);
    }
    main_link(t).or_else(|| elements(t).find(|e| href(*e).is_some()))
}

/// The element with the item's date and its text, as the extractor would take it: a
/// `<time>` (its `datetime`, else its text), else the first small element whose text the
/// date reader reads.
pub fn date<'a>(item: ElementRef<'a>, ctx: &Context) -> Option<(ElementRef<'a>, String)> {
    if let Some(t) = elements(item).find(|e| e.value().name() == "time") {
        let value = t
            .attr("datetime")
            .map(text::collapse)
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| text::visible_text(t, &[]));
        if dates::read(&value, ctx).is_ok() {
            return Some((t, value));
        }
    }
    // Not the title: headlines such as "A day at the fish auction" read as dates.
    let headline = title(item);
    let in_headline = |e: &ElementRef<'_>| {
        headline.is_some_and(|h| h.id() == e.id() || e.ancestors().any(|a| a.id() == h.id()))
    };
    let mut tries = 0;
    for e in elements(item).filter(|e| !is_heading(e.value().name()) && !in_headline(e)) {
        // Leaves, or nearly: an element whose text is short and whose children are inline.
        if e.children().filter_map(ElementRef::wrap).any(|c| {
            !matches!(
                c.value().name(),
                "b" | "i" | "em" | "strong" | "span" | "small" | "abbr" | "time"
            )
        }) {
            continue;
        }
        let value = text::visible_text(e, &[]);
        let chars = value.chars().count();
        if !(2..=DATE_CHARS).contains(&chars) {
            continue;
        }
        tries += 1;
        if tries > DATE_TRIES {
            break;
        }
        if dates::read(&value, ctx).is_ok() {
            return Some(innermost_date(e, value, ctx));
        }
    }
    None
}

/// The smallest element inside `e` that still reads as a date: "5 minutes ago" rather than
/// "14 replies 5 minutes ago" around it.
fn innermost_date<'a>(e: ElementRef<'a>, value: String, ctx: &Context) -> (ElementRef<'a>, String) {
    for child in e.children().filter_map(ElementRef::wrap) {
        let v = text::visible_text(child, &[]);
        if !v.is_empty() && dates::read(&v, ctx).is_ok() {
            return innermost_date(child, v, ctx);
        }
    }
    (e, value)
}

/// The longest paragraph-like text of the item that is not its title or its date.
pub fn summary<'a>(
    item: ElementRef<'a>,
    title: Option<ElementRef<'a>>,
    date: Option<ElementRef<'a>>,
) -> Option<ElementRef<'a>> {
    const WORDS: &[&str] = &[
        "summary",
        "excerpt",
        "teaser",
        "snippet",
        "desc",
        "description",
        "text",
        "chapo",
        "standfirst",
        "lead",
        "intro",
        "shorttext",
        "abstract",
        "dek",
        "deck",
        "blurb",
        "notes",
        "body",
        "content",
    ];
    let inside = |outer: ElementRef<'_>, e: ElementRef<'_>| {
        e.ancestors().any(|a| a.id() == outer.id()) || e.id() == outer.id()
    };
    elements(item)
        .filter(|e| e.value().name() == "p" || named(*e, WORDS))
        .filter(|e| !is_heading(e.value().name()))
        .filter(|e| title.is_none_or(|t| !inside(*e, t) && !inside(t, *e)))
        .filter(|e| date.is_none_or(|d| !inside(*e, d)))
        .filter(|e| !elements(*e).any(|c| is_heading(c.value().name())))
        .map(|e| (text::visible_text(e, &[]).chars().count(), e))
        .filter(|(n, _)| *n >= 30)
        .max_by_key(|(n, _)| *n)
        .map(|(_, e)| e)
}

/// The element naming the item's author: one named as an author, else (by its place) the
/// link or name right after a "by" word, else (by its role) a link to a person's profile.
pub fn author(item: ElementRef<'_>) -> Option<ElementRef<'_>> {
    const STRONG: &[&str] = &[
        "author", "user", "username", "autor", "auteur", "writer", "poster", "creator",
    ];
    const WEAK: &[&str] = &["by", "byline"];
    let short = |e: &ElementRef<'_>| {
        let n = text::visible_text(*e, &[]).chars().count();
        (2..=60).contains(&n)
    };
    elements(item)
        .find(|e| named(*e, STRONG) && short(e))
        .or_else(|| elements(item).find(|e| named(*e, WEAK) && short(e)))
        .or_else(|| elements(item).find(|e| after_by(*e) && short(e)))
        .or_else(|| elements(item).find(|e| profile_link(*e) && short(e)))
}

/// Words that put a name after them in a byline: English, German, French, Dutch, Spanish
/// and Portuguese, Italian, Swedish and Norwegian, Danish, Polish.
const BY_WORDS: &[&str] = &["by", "von", "par", "door", "por", "di", "av", "af", "przez"];

/// Whether `e` (a link or an inline element) comes right after text that ends in a "by"
/// word: `100 points by <a>ann</a>`, `Von <span>Anna Muster</span>`.
fn after_by(e: ElementRef<'_>) -> bool {
    if !matches!(
        e.value().name(),
        "a" | "span" | "b" | "strong" | "em" | "i" | "cite"
    ) {
        return false;
    }
    let Some(before) = e.prev_sibling() else {
        return false;
    };
    let Node::Text(t) = before.value() else {
        return false;
    };
    t.split_whitespace()
        .next_back()
        .map(|w| w.trim_end_matches(':').to_lowercase())
        .is_some_and(|w| BY_WORDS.contains(&w.as_str()))
}

/// Words of an address path that lead to a person: `/user?id=ann`, `/u/ann`,
/// `/members/ann`, `/@ann`, `/~ann`.
const PROFILE_WORDS: &[&str] = &[
    "user", "users", "u", "profile", "profiles", "member", "members", "people", "author", "authors",
];

/// Whether `e` links to a person's page: a path that ends in a profile word and at most one
/// name after it, or in an `@name` or `~name`.
fn profile_link(e: ElementRef<'_>) -> bool {
    let Some(h) = href(e) else {
        return false;
    };
    let path = h.split(['?', '#']).next().unwrap_or("");
    let path = path.split_once("://").map_or(path, |(_, rest)| {
        rest.split_once('/').map_or("", |(_, p)| p)
    });
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase)
        .collect();
    let Some(last) = segments.last() else {
        return false;
    };
    if last.len() > 1 && (last.starts_with('@') || last.starts_with('~')) {
        return true;
    }
    let n = segments.len();
    PROFILE_WORDS.contains(&last.as_str())
        || (n >= 2 && PROFILE_WORDS.contains(&segments[n - 2].as_str()))
}

/// Whether any text node sits directly in `e` (not only in its children).
pub fn own_text(e: ElementRef<'_>) -> bool {
    e.children().any(|c| match c.value() {
        Node::Text(t) => !t.trim().is_empty(),
        _ => false,
    })
}

/// Selectors for each field found in enough of the items: the title, link and date in at
/// least half of them, the summary and author in at least three in five.
pub fn propose(items: &[ElementRef<'_>], ctx: &Context) -> Proposal {
    let titles: Vec<Option<ElementRef<'_>>> = items.iter().map(|i| title(*i)).collect();
    let links: Vec<Option<ElementRef<'_>>> = items
        .iter()
        .zip(&titles)
        .map(|(i, t)| link(*i, *t))
        .collect();
    let dates: Vec<Option<ElementRef<'_>>> = items
        .iter()
        .map(|i| date(*i, ctx).map(|(e, _)| e))
        .collect();
    let summaries: Vec<Option<ElementRef<'_>>> = items
        .iter()
        .zip(titles.iter().zip(&dates))
        .map(|(i, (t, d))| summary(*i, *t, *d))
        .collect();
    let authors: Vec<Option<ElementRef<'_>>> = items.iter().map(|i| author(*i)).collect();
    let enough = |found: &[Option<ElementRef<'_>>], share: f64| {
        let n = found.iter().flatten().count();
        (n as f64) >= share * items.len() as f64 && n > 0
    };
    let pick = |found: &[Option<ElementRef<'_>>], share: f64| {
        enough(found, share)
            .then(|| selector::field_selector(items, found))
            .flatten()
    };
    Proposal {
        title: pick(&titles, 0.5),
        link: pick(&links, 0.5),
        summary: pick(&summaries, 0.6),
        date: pick(&dates, 0.5),
        author: pick(&authors, 0.6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::Rounding;
    use chrono::{TimeZone, Utc};
    use scraper::{Html, Selector};

    #[test]
    fn fields_of_a_news_list() {
        let doc = Html::parse_document(
            r#"<ul><li class="n"><a class="link" href="/1"><h3>First headline here</h3></a><p class="teaser">A summary that is long enough to count.</p><span class="when">3 hours ago</span><span class="by">Ann</span></li>
            <li class="n"><a class="link" href="/2"><h3>Second headline</h3></a><p class="teaser">Another summary that is long enough too.</p><span class="when">yesterday 14:05</span><span class="by">Bo</span></li></ul>"#,
        );
        let items: Vec<ElementRef<'_>> = doc
            .select(&Selector::parse("li").expect("selector"))
            .collect();
        let ctx = Context {
            now: Utc
                .with_ymd_and_hms(2026, 3, 4, 12, 0, 0)
                .single()
                .expect("time"),
            timezone: chrono_tz::UTC,
            languages: &[],
            rounding: Rounding::Floor,
        };
        let p = propose(&items, &ctx);
        assert_eq!(p.title.as_deref(), Some("h3"));
        assert_eq!(p.link.as_deref(), Some("a.link"));
        assert_eq!(p.summary.as_deref(), Some("p.teaser"));
        assert_eq!(p.date.as_deref(), Some("span.when"));
        assert_eq!(p.author.as_deref(), Some("span.by"));
    }

    fn select<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
        doc.select(&Selector::parse(css).expect("selector"))
            .collect()
    }

    fn text_of(e: Option<ElementRef<'_>>) -> String {
        e.map(|e| text::visible_text(e, &[])).unwrap_or_default()
    }

    #[test]
    fn the_title_is_the_link_with_the_main_text() {
        // A rank cell named as a title, a vote link without text, the headline's link and
        // the host name's link beside it.
        let doc = Html::parse_document(
            r#"<table><tr id="1"><td class="title"><span class="rank">1.</span></td>
            <td class="votelinks"><a href="vote?id=1&how=up"><div class="votearrow"></div></a></td>
            <td class="title"><span class="headline"><a href="https://x.example/post">A headline of some length</a>
            <span class="site">(<a href="from?site=x.example">x.example</a>)</span></span></td></tr></table>"#,
        );
        let row = select(&doc, "tr")[0];
        assert_eq!(text_of(title(row)), "A headline of some length");
        assert_eq!(
            link(row, title(row)).and_then(|a| a.attr("href")),
            Some("https://x.example/post")
        );
        // The same without class names: the longest link that is not a host name.
        let doc = Html::parse_document(
            r#"<table><tr><td>1.</td><td><a href="vote?id=1"><img src="up.gif"></a></td>
            <td><a href="https://x.example/p">Short one</a> (<a href="from?site=x.example">www.long-host-name.example</a>)</td></tr></table>"#,
        );
        let row = select(&doc, "tr")[0];
        assert_eq!(text_of(title(row)), "Short one");
        assert!(host_like("(code.example.org/someone)") && host_like("x.example"));
        assert!(!host_like("Node.js 24 released") && !host_like("v1.2") && !host_like("e.g."));
    }

    #[test]
    fn authors_by_their_place_and_role() {
        // After a "by" word, in a row of details that names no author.
        let doc = Html::parse_document(
            r#"<table><tbody><tr><td><a href="https://x.example/a">A headline of some length</a></td></tr>
            <tr><td><span>12 points</span> by <a href="user?id=ann">ann</a> <a href="item?id=1">3 hours ago</a> | <a href="item?id=1">4 comments</a></td></tr></tbody></table>
            <ul><li><h2><a href="/p/1">Post one</a></h2><p>Von <span>Anna Muster</span>, gestern</p></li>
            <li><h2><a href="/p/2">Post two</a></h2><a href="/tags/x">x</a> <a href="/u/bo">bo</a></li></ul>"#,
        );
        let tbody = select(&doc, "tbody")[0];
        assert_eq!(text_of(author(tbody)), "ann");
        let lis = select(&doc, "li");
        assert_eq!(text_of(author(lis[0])), "Anna Muster");
        // By its role: a link to a person's page.
        assert_eq!(text_of(author(lis[1])), "bo");
        let a = |href: &str| {
            let d = Html::parse_fragment(&format!(r#"<a href="{href}">x</a>"#));
            let e = select(&d, "a")[0];
            profile_link(e)
        };
        assert!(
            a("user?id=ann") && a("/u/ann") && a("https://s.example/@ann") && a("/members/ann/")
        );
        assert!(!a("/@ann/123") && !a("/users/ann/posts/7") && !a("/news/user-guide"));
    }
}
