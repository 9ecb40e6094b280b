//! The wire-style parts of an item's text: the dateline that opens it (`PLACE (AGENCY) - `)
//! and the title derived from its first sentence.

/// Longest derived title, in characters, before it is cut at a word boundary with `…`.
pub const TITLE_LIMIT: usize = 200;

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
}
