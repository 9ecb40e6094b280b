//! Text of page elements as a reader sees it: whitespace collapsed, block boundaries kept as
//! spaces, scripts left out, characters XML 1.0 forbids dropped. Shared by everything that
//! takes text from a page or puts it into a document: extract, suggest, sanitize, publish,
//! serve.

use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};
use std::borrow::Cow;

/// Elements whose edges separate words even where the markup has no whitespace.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "br"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "figcaption"
            | "figure"
            | "footer"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "table"
            | "td"
            | "th"
            | "tr"
            | "ul"
    )
}

/// Elements whose content is never text a reader sees.
fn is_hidden(name: &str) -> bool {
    matches!(name, "script" | "style" | "template" | "noscript" | "head")
}

/// The visible text of `element`, whitespace collapsed, leaving out the subtrees in `skip`.
pub fn visible_text(element: ElementRef<'_>, skip: &[ego_tree::NodeId]) -> String {
    walk(element, skip, false)
}

/// The visible text of `element` as [`visible_text`] gives it, up to the end of the first
/// block element (an `<h4>`, a `<p>`, a `<div>`) inside it that holds words: where a derived
/// title ends when the page sets its headline apart in a block of its own. A block whose text
/// has no letter (a vote arrow, a rank "1.", a bullet) is left out.
pub fn first_block_text(element: ElementRef<'_>, skip: &[ego_tree::NodeId]) -> String {
    walk(element, skip, true)
}

/// The text walk of both: block edges separate words, hidden and skipped subtrees are left
/// out; with `first_block`, the walk ends with the first block below `element` that closes
/// with text in it.
fn walk(element: ElementRef<'_>, skip: &[ego_tree::NodeId], first_block: bool) -> String {
    let mut out = Collapser::default();
    let mut hidden_depth = 0usize;
    // For each open block element below `element`: the text's length when it opened.
    let mut blocks: Vec<usize> = Vec::new();
    for edge in element.traverse() {
        match edge {
            Edge::Open(node) => {
                let skipped = skip.contains(&node.id());
                if let Node::Element(e) = node.value() {
                    if hidden_depth > 0 || skipped || is_hidden(e.name()) {
                        hidden_depth += 1;
                        continue;
                    }
                    if is_block(e.name()) {
                        out.space();
                        if first_block && node.id() != element.id() {
                            blocks.push(out.out.len());
                        }
                    }
                } else if let Node::Text(t) = node.value()
                    && hidden_depth == 0
                    && !skipped
                {
                    out.push_str(t);
                }
            }
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if hidden_depth > 0 {
                        hidden_depth -= 1;
                    } else if is_block(e.name()) {
                        if first_block && node.id() != element.id() {
                            let opened = blocks.pop().unwrap_or(0);
                            if out.out.len() > opened {
                                // A block of words ends the walk; one without a letter (a
                                // vote arrow, a rank "1.", a bullet) is no title: left out.
                                if out.out[opened..].chars().any(char::is_alphabetic) {
                                    break;
                                }
                                out.out.truncate(opened);
                            }
                        }
                        out.space();
                    }
                }
            }
        }
    }
    out.out
}

/// Builds collapsed text piece by piece: white space becomes one space between words, none
/// at either end; characters XML 1.0 forbids are dropped.
#[derive(Default)]
struct Collapser {
    out: String,
    space: bool,
}

impl Collapser {
    fn with_capacity(n: usize) -> Collapser {
        Collapser {
            out: String::with_capacity(n),
            space: false,
        }
    }

    /// White space ahead: one space before the next word, if anything came before.
    fn space(&mut self) {
        self.space = !self.out.is_empty();
    }

    /// Append `text`, copying runs of kept characters whole: this runs over every byte of
    /// every item's text, so printable ASCII and single spaces between words are passed over
    /// byte by byte, and only other characters are looked at closely.
    fn push_str(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let plain = |b: u8| b.wrapping_sub(b'!') < 94; // b'!'..=b'~'
        let mut run = 0;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if plain(b) {
                i += 1;
                continue;
            }
            if b == b' ' && i > run && bytes.get(i + 1).is_some_and(|&n| plain(n)) {
                i += 2;
                continue;
            }
            let (len, kind) = if b.is_ascii() {
                let kind = match b {
                    b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => Kind::Space,
                    _ => Kind::Drop,
                };
                (1, kind)
            } else {
                let Some(c) = text[i..].chars().next() else {
                    break;
                };
                let kind = if c.is_whitespace() {
                    Kind::Space
                } else if keep(c) {
                    Kind::Keep
                } else {
                    Kind::Drop
                };
                (c.len_utf8(), kind)
            };
            if kind != Kind::Keep {
                self.word(&text[run..i]);
                if kind == Kind::Space {
                    self.space();
                }
                run = i + len;
            }
            i += len;
        }
        self.word(&text[run..]);
    }

    fn word(&mut self, word: &str) {
        if word.is_empty() {
            return;
        }
        if self.space {
            self.out.push(' ');
            self.space = false;
        }
        self.out.push_str(word);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Keep,
    Space,
    Drop,
}

/// Whitespace runs to one space, trimmed; characters XML 1.0 forbids are dropped.
pub fn collapse(text: &str) -> String {
    let mut out = Collapser::with_capacity(text.len());
    out.push_str(text);
    out.out
}

/// `text` collapsed, borrowed where it already is (as text from the extractor always is).
pub fn clean(text: &str) -> Cow<'_, str> {
    if is_collapsed(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(collapse(text))
    }
}

/// Whether `collapse` would return `text` unchanged. Written so that the common case, text
/// that is clean, runs over the bytes without branching on each one.
fn is_collapsed(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') || text.contains("  ") {
        return false;
    }
    let (controls, non_ascii) = bytes.iter().fold((false, false), |(c, n), &b| {
        (c | (b < 0x20) | (b == 0x7f), n | (b >= 0x80))
    });
    !controls
        && (!non_ascii
            || text
                .chars()
                .all(|c| c.is_ascii() || (!c.is_whitespace() && keep(c))))
}

/// Whether a character that is not white space may stay in text.
fn keep(c: char) -> bool {
    xml_allowed(c) && !c.is_control()
}

/// Whether XML 1.0 allows `c` in a document.
pub fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_folds_whitespace_and_drops_forbidden_characters() {
        assert_eq!(collapse("  a \n\t b\u{0}c\u{1b}  "), "a bc");
        assert_eq!(collapse("x\u{FFFE}y"), "xy");
        assert_eq!(
            collapse("a\u{a0}\u{a0}b "),
            "a b",
            "non-breaking spaces are white space"
        );
        assert_eq!(collapse("x\u{80}y\u{9f}z"), "xyz", "C1 controls");
        assert_eq!(collapse("al collapsed, café"), "al collapsed, café");
        assert_eq!(collapse(" lead"), "lead");
        assert_eq!(collapse(""), "");
        assert_eq!(collapse("a\u{1}b\u{7f} \u{2028}c"), "ab c");
    }

    /// The plain definition that `collapse` must agree with.
    fn collapse_by_definition(text: &str) -> String {
        text.split(char::is_whitespace)
            .map(|w| w.chars().filter(|c| keep(*c)).collect::<String>())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    proptest::proptest! {
        #[test]
        fn collapse_agrees_with_its_definition(text in "(?s).{0,80}", ascii in "[ -~\t\n\x00-\x1f]{0,80}") {
            proptest::prop_assert_eq!(collapse(&text), collapse_by_definition(&text));
            proptest::prop_assert_eq!(collapse(&ascii), collapse_by_definition(&ascii));
            proptest::prop_assert_eq!(clean(&text), collapse_by_definition(&text));
            let once = collapse(&text);
            proptest::prop_assert!(matches!(clean(&once), Cow::Borrowed(_)), "collapsed text is clean: {:?}", once);
        }
    }

    #[test]
    fn the_first_block_text_ends_with_the_first_block_that_holds_text() {
        let doc = scraper::Html::parse_fragment(
            "<div id=i>Lead <b>in</b><br><span></span><h4>Head</h4><p>Body.</p></div>",
        );
        let sel = scraper::Selector::parse("#i").expect("css");
        let div = doc.select(&sel).next().expect("div");
        assert_eq!(first_block_text(div, &[]), "Lead in Head");
        assert_eq!(visible_text(div, &[]), "Lead in Head Body.");
    }
}
