//! Text of page elements as a reader sees it: whitespace collapsed, block boundaries kept as
//! spaces, scripts left out; and the wire-style parts of that text: datelines and titles.

use ego_tree::iter::Edge;
use regex::Regex;
use scraper::{ElementRef, Node};
use std::sync::LazyLock;

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
    let mut out = String::new();
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
                        out.push(' ');
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
                        out.push(' ');
                    }
                }
            }
        }
    }
    collapse(&out)
}

/// Whitespace runs to one space, trimmed; characters XML 1.0 forbids are dropped.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else if xml_allowed(c) && !c.is_control() {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
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

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    // PLACE: up to six words that start with a capital letter (e.g. "NEW YORK",
    // "Den Haag", "SAN JOSÉ"); AGENCY: a short parenthesised name ("ANP/AFP", "Reuters").
    Regex::new(r"^(\p{Lu}[\p{L}.'’-]*(?:[ /]\p{L}[\p{L}.'’-]*){0,5}) ?\(([^()]{1,40})\) ?[-–—] ?")
        .unwrap_or_else(|e| unreachable!("the dateline pattern compiles: {e}"))
});

/// The dateline that opens `text`, if it has one.
pub fn dateline(text: &str) -> Option<Dateline> {
    let caps = DATELINE.captures(text)?;
    let whole = caps.get(0)?;
    let place = caps.get(1)?.as_str().trim().to_string();
    let agency = caps.get(2)?.as_str().trim().to_string();
    if agency.is_empty() {
        return None;
    }
    Some(Dateline {
        place,
        agency,
        len: whole.end(),
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
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(_, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // Take closing quotes and brackets with the sentence.
        let mut j = i + 1;
        while j < chars.len() && matches!(chars[j].1, '"' | '\'' | '”' | '’' | '»' | ')' | ']')
        {
            j += 1;
        }
        let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
        let Some(&(_, after)) = chars.get(j) else {
            return Some(end);
        };
        if !after.is_whitespace() {
            continue;
        }
        let next = chars[j..]
            .iter()
            .map(|&(_, c)| c)
            .find(|c| !c.is_whitespace());
        let Some(next) = next else {
            return Some(end);
        };
        if next.is_lowercase() {
            continue;
        }
        if c == '.' && j == i + 1 {
            let prev = i.checked_sub(1).map(|p| chars[p].1);
            // "27. November": an ordinal, not a sentence end.
            if prev.is_some_and(|p| p.is_ascii_digit())
                && (next.is_ascii_digit() || ordinal_context(&chars, i))
            {
                continue;
            }
            // "J. Smith", "Mr. Smith": an initial or a short abbreviation.
            if is_abbreviation(&chars, i) {
                continue;
            }
        }
        return Some(end);
    }
    None
}

/// A full stop after a one- or two-digit number that follows nothing but a word start:
/// the German and Scandinavian ordinal ("am 27. November").
fn ordinal_context(chars: &[(usize, char)], dot: usize) -> bool {
    let digits = chars[..dot]
        .iter()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .count();
    let before = dot.checked_sub(digits + 1).map(|p| chars[p].1);
    digits <= 2 && before.is_none_or(char::is_whitespace)
}

fn is_abbreviation(chars: &[(usize, char)], dot: usize) -> bool {
    let word: String = chars[..dot]
        .iter()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .map(|&(_, c)| c)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let n = word.chars().count();
    (n == 1 && word.chars().all(char::is_uppercase))
        || matches!(
            word.as_str(),
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
}
