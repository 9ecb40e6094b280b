//! An item page's main text, as HTML safe to publish, within [`CONTENT_LIMIT`] bytes.
//!
//! # The extractor
//!
//! The main text is found by `dom_smoothie`, a port of Mozilla's Readability (the reader
//! view of Firefox). Two ports were measured on the eight article fixtures of
//! `tests/fixtures/articles/` (news and blog pages with navigation, sidebars, share bars,
//! comment sections, newsletter forms, lazy images and figure captions), in the dev profile:
//!
//! | crate | main text | time/page, 10 kB page (bare parse 0.14 ms) | compile (CPU) | html5ever |
//! |---|---|---|---|---|
//! | dom_smoothie 0.19 | whole on all 8, no chrome | 0.75 ms | 31 s with dom_query, gjson, nom | 0.40, shared |
//! | legible 0.5 | whole on all 8, no chrome but a byline line | 0.30 ms | 24 s with html5ever 0.39 | a second copy |
//!
//! Both take the same text out of every fixture (they port the same algorithm; both keep
//! a byline paragraph that sits in the body, and both call the one-sentence page's
//! navigation its text, which the [`MIN_TEXT_CHARS`] floor refuses). legible is about twice
//! as fast but brings html5ever 0.39 beside the project's 0.40, a second copy of the parser
//! and its generated tables; `readability` 0.3 brings html5ever 0.26 (and reqwest 0.11), and
//! `libreadability` html5ever 0.39 too. dom_smoothie parses with dom_query over html5ever
//! 0.40, the copy scraper already builds. Its parse is a second one of the page, run only
//! after the bounded parse of [`crate::extract::parse`] accepted the page (the same parser on
//! the same bytes: the same depth and cost), and [`MAX_ELEMENTS`] bounds its scoring.
//!
//! # After extraction
//!
//! Lazy images are resolved before the extractor sees them (so it keeps them as images):
//! `data-src`, `data-lazy-src`, `data-original`, else the largest candidate of `srcset` /
//! `data-srcset` where `src` is missing or a placeholder. The extractor's HTML then goes
//! through the project's sanitiser ([`crate::sanitize::html`]: no script, style, handler,
//! frame, form or object; links and images absolute http(s)) and is cut to
//! [`CONTENT_LIMIT`] bytes between elements or words, every element it opened closed.

use super::CONTENT_LIMIT;
use dom_query::Document;
use scraper::{ElementRef, Html, Node};
use url::Url;

/// The most elements the extractor scores; a page with more has no main text read. News
/// pages have 1,000 to 5,000.
pub const MAX_ELEMENTS: usize = 50_000;

/// The fewest characters of text a main text has: what Readability itself asks of a page it
/// calls readable. Less is a page without an article (a list, a form, an error page), whose
/// best block is navigation.
pub const MIN_TEXT_CHARS: usize = 140;

/// The main text of `html` (fetched from `url`, links resolving against `base`), sanitised
/// and bounded, or none where the extractor finds none.
pub fn main_text(html: &str, url: &Url, base: &Url, notes: &mut Vec<String>) -> Option<String> {
    let document = Document::from(html);
    resolve_lazy_images(&document);
    let config = dom_smoothie::Config {
        max_elements_to_parse: MAX_ELEMENTS,
        // The metadata is read by the module itself, from every form and with notes.
        disable_json_ld: true,
        ..dom_smoothie::Config::default()
    };
    let article =
        dom_smoothie::Readability::with_document(document, Some(url.as_str()), Some(config))
            .and_then(|mut r| r.parse());
    let article = match article {
        Ok(article) => article,
        Err(e) => {
            notes.push(format!("content: no main text ({e})"));
            return None;
        }
    };
    let clean = crate::sanitize::html(&article.content, base);
    let bounded = bound(&clean, CONTENT_LIMIT);
    if bounded.len() < clean.len() {
        notes.push(format!(
            "content: the main text is {} kB; cut to {} kB",
            clean.len() / 1024,
            bounded.len() / 1024
        ));
    }
    let fragment = Html::parse_fragment(&bounded);
    let chars = crate::text::visible_text(fragment.root_element(), &[])
        .chars()
        .count();
    if chars < MIN_TEXT_CHARS {
        notes.push(format!(
            "content: the main text found has {chars} characters (fewer than {MIN_TEXT_CHARS}); none taken"
        ));
        return None;
    }
    Some(bounded)
}

/// Attributes that hold a lazy image's real address, most common first.
const LAZY_SRC: [&str; 4] = ["data-src", "data-lazy-src", "data-original", "data-lazy"];

/// Give lazy images their real `src`.
fn resolve_lazy_images(document: &Document) {
    for img in document.select("img").nodes() {
        let lazy = LAZY_SRC
            .iter()
            .filter_map(|a| img.attr(a))
            .map(|v| v.trim().to_string())
            .find(|v| !v.is_empty() && !v.starts_with("data:"));
        if let Some(src) = lazy {
            img.set_attr("src", &src);
            continue;
        }
        let placeholder = img
            .attr("src")
            .is_none_or(|s| s.trim().is_empty() || s.trim_start().starts_with("data:"));
        if placeholder
            && let Some(src) = ["srcset", "data-srcset"]
                .iter()
                .filter_map(|a| img.attr(a))
                .find_map(|set| largest(&set))
        {
            img.set_attr("src", &src);
        }
    }
}

/// The largest candidate of a `srcset` ("a.jpg 480w, b.jpg 1024w", "a.jpg 1x, b.jpg 2x"):
/// the widest, or the densest; the first where none says. Split as the HTML standard
/// splits it: a URL is a run without white space (a `data:` URL may hold commas), and its
/// descriptors run to the next comma.
fn largest(srcset: &str) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    let mut rest = srcset;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            break;
        }
        let end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let (mut url, after) = rest.split_at(end);
        let descriptors = if url.ends_with(',') {
            url = url.trim_end_matches(',');
            rest = after;
            ""
        } else {
            let stop = after.find(',').unwrap_or(after.len());
            rest = &after[stop..];
            &after[..stop]
        };
        if url.is_empty() || url.starts_with("data:") {
            continue;
        }
        let size = descriptors
            .split_ascii_whitespace()
            .find_map(|d| d.get(..d.len().saturating_sub(1))?.parse::<f64>().ok())
            .filter(|n| n.is_finite())
            .unwrap_or(0.0);
        if best.is_none_or(|(s, _)| size > s) {
            best = Some((size, url));
        }
    }
    best.map(|(_, url)| url.to_string())
}

/// Elements without content or end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

fn escape_attr(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

/// `html` (sanitised markup) within `limit` bytes: whole where it fits, else its elements
/// and texts in order up to the first that does not fit whole, every element still open
/// closed. Never a cut inside a tag, a text or an entity: the markup is written anew from the
/// parsed tree. Only where not even the first text fits is that text cut, between words (or
/// characters, in a text without spaces).
pub fn bound(html: &str, limit: usize) -> String {
    if html.len() <= limit {
        return html.to_string();
    }
    let fragment = Html::parse_fragment(html);
    let mut out = String::with_capacity(limit);
    // The end tags owed for the elements open so far.
    let mut owed = 0usize;
    let mut open: Vec<&str> = Vec::new();
    let root = fragment.root_element();
    let mut full = false;
    let mut has_text = false;
    for edge in root.traverse().skip(1) {
        if full {
            break;
        }
        match edge {
            ego_tree::iter::Edge::Open(node) if node.id() != root.id() => match node.value() {
                Node::Element(e) => {
                    let mut tag = String::new();
                    tag.push('<');
                    tag.push_str(e.name());
                    for (name, value) in e.attrs() {
                        tag.push(' ');
                        tag.push_str(name);
                        tag.push_str("=\"");
                        escape_attr(value, &mut tag);
                        tag.push('"');
                    }
                    tag.push('>');
                    let void = is_void(e.name());
                    let end = if void { 0 } else { e.name().len() + 3 };
                    if out.len() + tag.len() + end + owed > limit {
                        full = true;
                        continue;
                    }
                    out.push_str(&tag);
                    if !void {
                        owed += end;
                        open.push(e.name());
                    }
                }
                Node::Text(text) => {
                    let mut escaped = String::new();
                    escape_text(text, &mut escaped);
                    let room = limit.saturating_sub(out.len() + owed);
                    if escaped.len() <= room {
                        out.push_str(&escaped);
                        has_text |= !text.trim().is_empty();
                    } else {
                        // A text is kept whole or not at all, unless the page's text is one
                        // long run that would leave nothing: that is cut at a word.
                        if !has_text {
                            out.push_str(&cut_text(text, room));
                        }
                        full = true;
                    }
                }
                _ => {}
            },
            ego_tree::iter::Edge::Close(node) if node.id() != root.id() => {
                if let Some(e) = ElementRef::wrap(node)
                    && !is_void(e.value().name())
                    && let Some(name) = open.pop()
                {
                    out.push_str("</");
                    out.push_str(name);
                    out.push('>');
                    owed -= name.len() + 3;
                }
            }
            _ => {}
        }
    }
    while let Some(name) = open.pop() {
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
    out
}

/// The longest start of `text` that, escaped, fits in `room` bytes, ending at a space where
/// there is one.
fn cut_text(text: &str, room: usize) -> String {
    let mut escaped = String::new();
    let mut at_space = None;
    for c in text.chars() {
        let before = escaped.len();
        escape_text(c.encode_utf8(&mut [0; 4]), &mut escaped);
        if escaped.len() > room {
            escaped.truncate(before);
            break;
        }
        if c.is_whitespace() {
            at_space = Some(before);
        }
    }
    if let Some(at) = at_space {
        escaped.truncate(at);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srcset_largest_candidate() {
        assert_eq!(
            largest("a.jpg 480w, b.jpg 2048w, c.jpg 1024w").as_deref(),
            Some("b.jpg")
        );
        assert_eq!(largest("a.jpg 1x, b.jpg 2x").as_deref(), Some("b.jpg"));
        assert_eq!(largest("only.jpg").as_deref(), Some("only.jpg"));
        assert_eq!(largest("data:image/gif;base64,AAAA 1x"), None);
        assert_eq!(largest(" , "), None);
    }

    #[test]
    fn lazy_images_get_their_real_source() {
        let doc = Document::from(
            r#"<img src="data:image/gif;base64,R0" data-src="/real.jpg">
               <img src="/placeholder.png" data-lazy-src="/lazy.jpg">
               <img srcset="/s.jpg 300w, /l.jpg 1200w">
               <img src="/kept.jpg" srcset="/x.jpg 2x">
               <img data-srcset="/d1.jpg 1x, /d2.jpg 2x" src="data:,">"#,
        );
        resolve_lazy_images(&doc);
        let srcs: Vec<String> = doc
            .select("img")
            .nodes()
            .iter()
            .map(|n| n.attr("src").map(|s| s.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(
            srcs,
            vec!["/real.jpg", "/lazy.jpg", "/l.jpg", "/kept.jpg", "/d2.jpg"]
        );
    }

    #[test]
    fn bound_cuts_between_elements_and_closes_what_it_opened() {
        let html = "<div><p>one two three</p><p>four &amp; five</p><img src=\"https://x.example/i.jpg\"><p>six</p></div>";
        assert_eq!(bound(html, 1000), html);
        for limit in 0..html.len() {
            let cut = bound(html, limit);
            assert!(cut.len() <= limit, "{limit}: {cut:?}");
            // Well formed: parsing and writing it again changes nothing.
            let again = Html::parse_fragment(&cut).root_element().inner_html();
            assert_eq!(again, cut, "{limit}");
            assert!(!cut.contains("&am") || cut.contains("&amp;"), "{cut}");
        }
        assert_eq!(bound(html, 31), "<div><p>one two three</p></div>");
        // Only the first text is ever cut.
        assert_eq!(bound(html, 30), "<div><p>one two</p></div>");
        assert_eq!(bound(html, 24), "<div><p>one</p></div>");
        // A text or an element that does not fit whole is left out, with what follows.
        assert_eq!(bound(html, 50), "<div><p>one two three</p><p></p></div>");
        assert_eq!(
            bound(html, 97),
            "<div><p>one two three</p><p>four &amp; five</p><img src=\"https://x.example/i.jpg\"><p></p></div>"
        );
    }

    #[test]
    fn bound_never_splits_a_character_or_an_entity() {
        let html = format!("<p>{}</p>", "é&lt;€".repeat(1000));
        for limit in [10, 11, 12, 13, 14, 15, 100, 1001] {
            let cut = bound(&html, limit);
            assert!(cut.len() <= limit);
            let again = Html::parse_fragment(&cut).root_element().inner_html();
            assert_eq!(again, cut, "{limit}");
        }
    }
}
