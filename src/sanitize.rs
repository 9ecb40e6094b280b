//! HTML that pagefeed publishes as HTML: a page's markup cut down to ordinary content
//! (paragraphs, links, emphasis, lists, quotes, images, headings, code, tables) with
//! nothing that can run script, load a frame, send a form or restyle the reader's page.
//!
//! Built on `ammonia` (html5ever, the parser `scraper` uses, so the markup is read as a
//! browser reads it): an allow-list of elements and attributes; scripts, styles, frames,
//! embedded objects, SVG and MathML dropped with their content; comments dropped; every
//! URL made absolute against the page and kept only for `http`/`https` (and `mailto` in
//! links); links get `rel="noopener noreferrer"`.

use crate::text;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use url::Url;

/// Elements kept (their attributes filtered). Anything else is dropped, its content kept as
/// text unless it is in [`DROPPED_WITH_CONTENT`].
const ELEMENTS: &[&str] = &[
    "p",
    "br",
    "hr",
    "div",
    "span",
    "a",
    "b",
    "i",
    "em",
    "strong",
    "u",
    "s",
    "small",
    "sub",
    "sup",
    "mark",
    "q",
    "cite",
    "abbr",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "img",
    "figure",
    "figcaption",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "code",
    "kbd",
    "samp",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
];

/// Elements dropped together with everything inside them: their content is code, a
/// foreign document or a control, never text for a reader.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object", "embed",
    "applet", "svg", "math", "textarea", "select", "button", "canvas", "video", "audio", "title",
    "head",
];

/// Attributes kept on any kept element.
const GENERIC_ATTRIBUTES: &[&str] = &["title"];

/// Attributes kept on one element each.
const ELEMENT_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href"]),
    ("img", &["src", "alt", "width", "height"]),
    ("ol", &["start"]),
    ("td", &["colspan", "rowspan"]),
    ("th", &["colspan", "rowspan"]),
];

/// `fragment`, markup from a page whose links resolve against `base`, as HTML safe to hand
/// to a feed reader. Characters XML forbids are dropped first.
pub fn html(fragment: &str, base: &Url) -> String {
    let fragment: String = fragment.chars().filter(|&c| xml_char(c)).collect();
    let base = base.clone();
    let element_attributes: HashMap<&str, HashSet<&str>> = ELEMENT_ATTRIBUTES
        .iter()
        .map(|(element, attributes)| (*element, attributes.iter().copied().collect()))
        .collect();
    ammonia::Builder::empty()
        .tags(ELEMENTS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(element_attributes)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        // The filter below makes every URL absolute and checks its scheme; ammonia checks
        // the schemes of absolute URLs before it and keeps relative ones for the filter.
        .url_relative(ammonia::UrlRelative::RewriteWithBase(base.clone()))
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .attribute_filter(move |element, attribute, value| {
            if matches!(attribute, "href" | "src") {
                absolute(&base, element, attribute, value).map(Cow::Owned)
            } else {
                Some(Cow::Borrowed(value))
            }
        })
        .clean(&fragment)
        .to_string()
}

/// A URL attribute made absolute against `base`, or none where it leads nowhere a reader
/// should go: only `http`/`https`, and `mailto` for a link.
fn absolute(base: &Url, element: &str, attribute: &str, value: &str) -> Option<String> {
    let url = base.join(value.trim()).ok()?;
    let allowed = match url.scheme() {
        "http" | "https" => true,
        "mailto" => element == "a" && attribute == "href",
        _ => false,
    };
    allowed.then(|| url.into())
}

/// Whether `c` may stay in published HTML: what XML allows, less control characters other
/// than line breaks and tabs.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (text::xml_allowed(c) && !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::{Html, Node};

    fn base() -> Url {
        Url::parse("https://news.example/section/page").expect("url")
    }

    /// Every element and attribute of `html`, as `(element, [(attribute, value)])`.
    fn parts(html: &str) -> Vec<(String, Vec<(String, String)>)> {
        let doc = Html::parse_fragment(html);
        doc.root_element()
            .descendants()
            .skip(1)
            .filter_map(|n| match n.value() {
                Node::Element(e) => Some((
                    e.name().to_string(),
                    e.attrs()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                )),
                _ => None,
            })
            .collect()
    }

    /// Whether the sanitised `html` holds only allowed elements and attributes, with URLs
    /// that are absolute http(s) (or mailto links).
    fn assert_tame(input: &str, html: &str) {
        assert!(!html.contains("<!--"), "{input:?} → {html:?}");
        for (element, attributes) in parts(html) {
            assert!(
                ELEMENTS.contains(&element.as_str()),
                "{input:?} → {html:?}: <{element}>"
            );
            for (name, value) in attributes {
                let allowed = GENERIC_ATTRIBUTES.contains(&name.as_str())
                    || (element == "a" && name == "rel")
                    || ELEMENT_ATTRIBUTES
                        .iter()
                        .any(|(e, a)| *e == element && a.contains(&name.as_str()));
                assert!(allowed, "{input:?} → {html:?}: {name}={value:?}");
                if name == "href" || name == "src" {
                    let ok = value.starts_with("https://")
                        || value.starts_with("http://")
                        || (name == "href" && value.starts_with("mailto:"));
                    assert!(ok, "{input:?} → {html:?}: {name}={value:?}");
                }
            }
        }
    }

    #[test]
    fn hostile_markup_is_tamed() {
        let cases: &[(&str, &str)] = &[
            ("<script>alert(1)</script>after", "after"),
            (
                "<img src=x onerror=alert(4)>",
                r#"<img src="https://news.example/section/x">"#,
            ),
            ("<iframe src=\"javascript:alert(2)\">inner</iframe>x", "x"),
            ("<svg onload=alert(3)><circle/>text</svg>y", "y"),
            (
                "<a href=\"javascript:alert(5)\" onclick=\"x()\">click</a>",
                r#"<a rel="noopener noreferrer">click</a>"#,
            ),
            (
                "<a href=\" java&#x09;script:alert(6)\">tab</a>",
                r#"<a rel="noopener noreferrer">tab</a>"#,
            ),
            (
                "<div style=\"position:fixed;inset:0\" class=\"o\">overlay</div>",
                "<div>overlay</div>",
            ),
            ("U1 <img src=x onerror=alert(1) x", "U1 "),
            (
                "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp;</p>",
                "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp;</p>",
            ),
            // HTML has no CDATA: `<![CDATA[ <b` is a comment, as in a browser.
            ("<![CDATA[ <b>x</b> ]]> y ]]>", "x ]]&gt; y ]]&gt;"),
            ("a\u{0}b\u{1}c\u{7f}d\u{fffe}e", "abcde"),
            ("<style>p{color:red}</style><p>s</p>", "<p>s</p>"),
            (
                "<form action=/x><input name=q><button>go</button></form>f",
                "f",
            ),
            ("<object data=x.swf></object><embed src=x.swf>o", "o"),
            (
                "<meta http-equiv=refresh content=0;url=x><base href=//evil/><link rel=stylesheet href=x>m",
                "m",
            ),
            ("<math><mtext>t</mtext></math>m", "m"),
            (
                "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
                "<img>",
            ),
            (
                "<img src=\"mailto:a@b.example\" alt=\"m\">",
                r#"<img alt="m">"#,
            ),
            (
                "<a href=\"mailto:a@b.example\">mail</a>",
                r#"<a href="mailto:a@b.example" rel="noopener noreferrer">mail</a>"#,
            ),
            (
                "<a href=\"/x?a=1&amp;b=2\" target=_blank>rel</a>",
                r#"<a href="https://news.example/x?a=1&amp;b=2" rel="noopener noreferrer">rel</a>"#,
            ),
            ("<h1>Big</h1><h2 id=x>Less</h2>", "Big<h2>Less</h2>"),
            ("<p onmouseover=x()>p</p><!-- c -->", "<p>p</p>"),
            ("<noscript><img src=x onerror=y></noscript>n", "n"),
            (
                "<table><tr><td colspan=2 bgcolor=red>c</td></tr></table>",
                r#"<table><tbody><tr><td colspan="2">c</td></tr></tbody></table>"#,
            ),
        ];
        let mut wrong = Vec::new();
        for (input, expected) in cases {
            let got = html(input, &base());
            assert_tame(input, &got);
            if got != *expected {
                wrong.push(format!("{input:?}\n   gave {got:?}\n   want {expected:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn deep_nesting_is_no_trouble() {
        let input = "<div><b>".repeat(1000) + "deep" + &"</b></div>".repeat(1000);
        let got = html(&input, &base());
        assert!(got.contains("deep"));
        assert_tame("deep nesting", &got);
    }
}
