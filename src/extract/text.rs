//! Text of page elements as a reader sees it: whitespace collapsed, block boundaries kept as
//! spaces, scripts left out; and the wire-style parts of that text: datelines and titles.

use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};
use std::borrow::Cow;

/// Longest derived title, in characters, before it is cut at a word boundary with `…`.
pub const TITLE_LIMIT: usize = 200;

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
    let mut out = Collapser::default();
    let mut hidden_depth = 0usize;
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
                        out.space();
                    }
                }
            }
        }
    }
    out.out
}

/// The visible text of `element` as [`visible_text`] gives it, up to the end of the first
/// block element (an `<h4>`, a `<p>`, a `<div>`) inside it that holds text: where a derived
/// title ends when the page sets its headline apart in a block of its own.
pub fn first_block_text(element: ElementRef<'_>, skip: &[ego_tree::NodeId]) -> String {
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
                        if node.id() != element.id() {
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
                    } else if is_block(e.name()) && node.id() != element.id() {
                        let opened = blocks.pop().unwrap_or(0);
                        if out.out.len() > opened {
                            break;
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

/// A wire-style dateline at the start of a text: `PLACE (AGENCY) - `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dateline {
    pub place: String,
    pub agency: String,
    /// Byte length of the dateline, dash and following space included.
    pub len: usize,
}

/// The dateline that opens `text`, if it has one: PLACE is one to six words that start with
/// a capital letter ("NEW YORK", "Den Haag", "SAN JOSÉ"), separated by a space or `/`;
/// AGENCY is a short parenthesised name ("ANP/AFP", "Reuters"); then a hyphen, en dash or
/// em dash. Read by hand: a regex with Unicode letter classes costs more to compile than a
/// whole poll of a small page.
pub fn dateline(text: &str) -> Option<Dateline> {
    let word_char = |c: char| c.is_alphabetic() || matches!(c, '.' | '\'' | '’' | '-');
    let mut rest = text;
    let mut words = 0;
    loop {
        let first = rest.chars().next()?;
        if !(first.is_alphabetic() && (words > 0 || first.is_uppercase())) {
            return None;
        }
        let len = rest.find(|c: char| !word_char(c)).unwrap_or(rest.len());
        rest = &rest[len..];
        words += 1;
        match rest.chars().next()? {
            ' ' | '/' if words < 6 && rest[1..].starts_with(|c: char| c.is_alphabetic()) => {
                rest = &rest[1..];
            }
            _ => break,
        }
    }
    let place = text[..text.len() - rest.len()].trim();
    rest = rest.strip_prefix(' ').unwrap_or(rest).strip_prefix('(')?;
    let close = rest.find([')', '('])?;
    let agency = rest[..close].trim();
    if agency.is_empty() || agency.chars().count() > 40 || !rest[close..].starts_with(')') {
        return None;
    }
    rest = &rest[close + 1..];
    rest = rest.strip_prefix(' ').unwrap_or(rest);
    let dash = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '-' | '–' | '—'))?;
    rest = &rest[dash.len_utf8()..];
    rest = rest.strip_prefix(' ').unwrap_or(rest);
    Some(Dateline {
        place: place.to_string(),
        agency: agency.to_string(),
        len: text.len() - rest.len(),
    })
}

/// The first sentence of `text`, cut at a word boundary with `…` past [`TITLE_LIMIT`].
///
/// A sentence ends at `.`, `!`, `?` or `…` (with any closing quotes or brackets after it)
/// followed by white space and something that can start a sentence. A full stop inside or at
/// the end of a number (`10.000`, `27. november`) or before a lower-case word
/// (`o.a. de`, `ca. 20`) does not end it.
pub fn first_sentence(text: &str) -> String {
    let end = sentence_end(text).unwrap_or(text.len());
    shorten(text[..end].trim(), TITLE_LIMIT)
}

fn sentence_end(text: &str) -> Option<usize> {
    for (at, c) in text.char_indices() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        let after_mark = at + c.len_utf8();
        // Take closing quotes and brackets with the sentence.
        let rest = text[after_mark..].trim_start_matches(['"', '\'', '”', '’', '»', ')', ']']);
        let end = text.len() - rest.len();
        let Some(after) = rest.chars().next() else {
            return Some(end);
        };
        if !after.is_whitespace() {
            continue;
        }
        let Some(next) = rest.trim_start().chars().next() else {
            return Some(end);
        };
        if next.is_lowercase() {
            continue;
        }
        if c == '.' && end == after_mark {
            let before = &text[..at];
            // "27. November": an ordinal, not a sentence end.
            if before.ends_with(|p: char| p.is_ascii_digit())
                && (next.is_ascii_digit() || is_ordinal(before))
            {
                continue;
            }
            // "J. Smith", "Mr. Smith": an initial or a short abbreviation.
            if is_abbreviation(before) {
                continue;
            }
        }
        return Some(end);
    }
    None
}

/// Whether `before` (the text before a full stop) ends in a one- or two-digit number that
/// starts a word: the German and Scandinavian ordinal ("am 27. November").
fn is_ordinal(before: &str) -> bool {
    let number = before.trim_end_matches(|c: char| c.is_ascii_digit());
    before.len() - number.len() <= 2 && number.chars().next_back().is_none_or(char::is_whitespace)
}

/// Whether `before` (the text before a full stop) ends in an initial or a title.
fn is_abbreviation(before: &str) -> bool {
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map_or(before.len(), |(i, _)| i);
    let word = &before[start..];
    let mut chars = word.chars();
    let initial = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
    initial
        || matches!(
            word,
            "Mr" | "Mrs"
                | "Ms"
                | "Dr"
                | "Prof"
                | "St"
                | "Sr"
                | "Jr"
                | "Mw"
                | "Dhr"
                | "Drs"
                | "Ir"
                | "Mme"
                | "Mlle"
                | "Sra"
                | "Sig"
                | "Nr"
                | "No"
                | "Vol"
                | "Fig"
        )
}

/// `text` cut at a word boundary to at most `limit` characters, `…` added where it was cut.
pub fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let cut = text
        .char_indices()
        .nth(limit - 1)
        .map_or(text.len(), |(b, _)| b);
    let head = &text[..cut];
    let at_word = match head.rfind(char::is_whitespace) {
        Some(b) if b > 0 => &head[..b],
        _ => head,
    };
    let trimmed = at_word.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '–' | '—')
    });
    format!("{trimmed}…")
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
    fn datelines_in_their_forms() {
        let d = dateline("BEIROET (ANP/AFP) - Hezbollah-leider").expect("a dateline");
        assert_eq!(
            (d.place.as_str(), d.agency.as_str()),
            ("BEIROET", "ANP/AFP")
        );
        assert_eq!(
            &"BEIROET (ANP/AFP) - Hezbollah-leider"[d.len..],
            "Hezbollah-leider"
        );
        let d = dateline("NEW YORK (ANP/AFP) – De VN").expect("en dash");
        assert_eq!(d.place, "NEW YORK");
        let d = dateline("Den Haag (ANP) — Het kabinet").expect("em dash");
        assert_eq!((d.place.as_str(), d.agency.as_str()), ("Den Haag", "ANP"));
        assert_eq!(dateline("Het kabinet (ANP) zei dat - niets"), None);
        let d = dateline("SAN JOSÉ/MANAGUA (AP)—Text").expect("slash, accents, no spaces");
        assert_eq!(
            (d.place.as_str(), d.agency.as_str()),
            ("SAN JOSÉ/MANAGUA", "AP")
        );
        assert_eq!(dateline("beiroet (ANP) - kleine letter"), None);
        assert_eq!(dateline("PARIS (AFP) no dash"), None);
        assert_eq!(dateline("PARIS (A (B)) - nested"), None);
        assert_eq!(
            dateline("ONE TWO THREE FOUR FIVE SIX SEVEN (X) - too long"),
            None
        );
        assert_eq!(dateline("no dateline here"), None);
    }

    #[test]
    fn first_sentence_keeps_numbers_and_quotes_whole() {
        assert_eq!(
            first_sentence("Ongeveer 100.000 mensen gevlucht, meldt UNHCR. Sinds zaterdag meer."),
            "Ongeveer 100.000 mensen gevlucht, meldt UNHCR."
        );
        assert_eq!(
            first_sentence(
                "Iran zou \"hen mee slepen in een oorlog die niet de hunne is\". Dat zei hij."
            ),
            "Iran zou \"hen mee slepen in een oorlog die niet de hunne is\"."
        );
        assert_eq!(
            first_sentence("Am 27. November kam er. Dann"),
            "Am 27. November kam er."
        );
        assert_eq!(
            first_sentence("Dat zei o.a. de premier. Hij"),
            "Dat zei o.a. de premier."
        );
        assert_eq!(
            first_sentence("Bericht von J. Smith heute! Mehr"),
            "Bericht von J. Smith heute!"
        );
        assert_eq!(first_sentence("no end"), "no end");
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let long = "woord ".repeat(60);
        let t = first_sentence(&long);
        assert!(t.ends_with("woord…"), "{t}");
        assert!(t.chars().count() <= TITLE_LIMIT);
        assert_eq!(shorten("abcdef", 3), "ab…");
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
