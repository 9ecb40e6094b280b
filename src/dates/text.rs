//! Normalising and tokenising date texts.
//!
//! A text becomes a list of tokens: words (lowercase, diacritics stripped), numbers (runs of
//! digits) and the separators that matter in dates (`:` `.` `/` `-` `,` `+`). Letters and
//! digits split apart ("3u" is `3`, `u`; "14h05" is `14`, `h`, `05`). Apostrophes, hyphens
//! between letters and other punctuation act as spaces; a dot right after a letter (an
//! abbreviation: "Std.", "p.m.") is dropped.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Word,
    Num,
    Sep,
}

#[derive(Clone, Debug)]
pub struct Tok {
    pub kind: Kind,
    /// Normalised text: the word, the digits, or the separator character.
    pub text: String,
    /// Whether whitespace (or dropped punctuation) comes before this token.
    pub spaced: bool,
    /// Whether every letter of a word was a capital in the text ("CET", "GMT"); zone
    /// abbreviations are read only when written so.
    pub upper: bool,
}

impl Tok {
    pub fn is_sep(&self, c: char) -> bool {
        self.kind == Kind::Sep && self.text.starts_with(c)
    }

    pub fn is_num(&self) -> bool {
        self.kind == Kind::Num
    }

    /// The value of a number token; `None` for other tokens and numbers too big for u64.
    pub fn value(&self) -> Option<u64> {
        if self.is_num() {
            self.text.parse().ok()
        } else {
            None
        }
    }

    pub fn digits(&self) -> usize {
        if self.is_num() { self.text.len() } else { 0 }
    }
}

/// The plain-ASCII spelling of a lowercase letter with diacritics.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ª' => "a",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ı' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'º' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        'œ' => "oe",
        'æ' => "ae",
        _ => return None,
    })
}

struct Builder {
    toks: Vec<Tok>,
    current: Option<Tok>,
    spaced: bool,
}

impl Builder {
    fn flush(&mut self) {
        if let Some(tok) = self.current.take() {
            self.toks.push(tok);
        }
    }

    fn push_char(&mut self, kind: Kind, c: char, upper: bool) {
        match &mut self.current {
            Some(tok) if tok.kind == kind => {
                tok.text.push(c);
                tok.upper &= upper;
            }
            _ => {
                self.flush();
                self.current = Some(Tok {
                    kind,
                    text: c.to_string(),
                    spaced: std::mem::take(&mut self.spaced),
                    upper: upper && kind == Kind::Word,
                });
            }
        }
    }

    fn push_sep(&mut self, c: char) {
        self.flush();
        self.toks.push(Tok {
            kind: Kind::Sep,
            text: c.to_string(),
            spaced: std::mem::take(&mut self.spaced),
            upper: false,
        });
    }

    fn space(&mut self) {
        self.flush();
        self.spaced = true;
    }

    fn in_word(&self) -> bool {
        matches!(&self.current, Some(t) if t.kind == Kind::Word)
    }
}

/// The value of a decimal digit of any script ("٥", "۵", "५", "５"), for ASCII and the
/// digit blocks of the scripts CLDR languages write numbers in.
pub fn digit(c: char) -> Option<u32> {
    const ZEROS: [u32; 20] = [
        0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
        0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x17E0, 0xFF10,
    ];
    let c = u32::from(c);
    ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&c))
        .map(|zero| c - zero)
}

/// Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar):
/// each letter is a word of its own, so "5分钟前" and "5 分钟 前" are the same tokens.
fn unspaced(c: char) -> bool {
    matches!(u32::from(c),
        0x0E00..=0x0EFF
            | 0x1000..=0x109F
            | 0x1780..=0x17FF
            | 0x2E80..=0x2FDF
            | 0x3005..=0x3007
            | 0x3021..=0x3029
            | 0x3040..=0x30FF
            | 0x31F0..=0x31FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xF900..=0xFAFF
            | 0xFF66..=0xFF9F
            | 0x20000..=0x3FFFF)
}

/// Marks that are spelling aids, dropped: Arabic vowel signs, Hebrew points, the Arabic
/// tatweel and the marks on Latin letters (after NFC, those left are not precomposed).
fn optional_mark(c: char, after: Option<char>) -> bool {
    matches!(u32::from(c), 0x064B..=0x065F | 0x0670 | 0x0591..=0x05BD | 0x05BF..=0x05C7 | 0x0640)
        || after.is_none_or(|a| a.is_ascii() || (u32::from(a) < 0x0250))
}

/// A Latin letter with diacritics that `fold` does not list, without them ("ş", "ř", "ł",
/// "ạ"): its canonical decomposition's letters, or the letter itself where there is none.
///
/// Greek letters lose theirs too, and the final sigma is a sigma: sites write Greek dates in
/// capitals, which carry no accents ("ΠΡΙΝ 2 ΩΡΕΣ" is "πριν 2 ώρες").
fn latin_base(c: char) -> Option<String> {
    if !matches!(
        u32::from(c),
        0x00C0..=0x024F | 0x1E00..=0x1EFF | 0x0370..=0x03FF | 0x1F00..=0x1FFF
    ) {
        return None;
    }
    let special = match c {
        'ł' => Some("l"),
        'đ' => Some("d"),
        'ħ' => Some("h"),
        'ŧ' => Some("t"),
        'ς' => Some("σ"),
        _ => None,
    };
    if let Some(s) = special {
        return Some(s.to_string());
    }
    let mut buf = [0u8; 4];
    let decomposed = icu_normalizer::DecomposingNormalizerBorrowed::new_nfd()
        .normalize(c.encode_utf8(&mut buf))
        .into_owned();
    let base: String = decomposed.chars().filter(|d| !is_mark(*d)).collect();
    (!base.is_empty()).then_some(base)
}

/// Characters that only steer the direction of text or the joining of letters.
fn invisible(c: char) -> bool {
    matches!(
        u32::from(c),
        0x200B | 0x200D..=0x200F | 0x061C | 0x202A..=0x202E | 0x2066..=0x2069 | 0xFEFF
    )
}

fn is_mark(c: char) -> bool {
    use icu_properties::{
        CodePointMapData,
        props::{GeneralCategory, GeneralCategoryGroup},
    };
    GeneralCategoryGroup::Mark.contains(CodePointMapData::<GeneralCategory>::new().get(c))
}

/// Split a text into normalised tokens.
///
/// Latin and Greek letters lose their diacritics; other scripts keep their marks (a virama, a Thai
/// tone mark) except the optional Arabic and Hebrew vowel points. Digits of every script are
/// read as ASCII digits, the Arabic comma as a comma; direction marks are ignored.
pub fn tokens(text: &str) -> Vec<Tok> {
    let mut b = Builder {
        toks: Vec::new(),
        current: None,
        spaced: false,
    };
    let text = icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(text);
    for (raw, upper) in text
        .chars()
        .flat_map(|c| c.to_lowercase().map(move |l| (l, c.is_uppercase())))
    {
        if let Some(ascii) = fold(raw) {
            ascii
                .chars()
                .for_each(|c| b.push_char(Kind::Word, c, upper));
            continue;
        }
        if invisible(raw) {
            continue;
        }
        if let Some(base) = latin_base(raw) {
            base.chars().for_each(|c| b.push_char(Kind::Word, c, upper));
            continue;
        }
        if let Some(d) = digit(raw) {
            b.push_char(Kind::Num, char::from_digit(d, 10).unwrap_or('0'), false);
            continue;
        }
        match raw {
            // Apostrophes that Unicode counts as letters ("aujourdʼhui"): a space, as ’ is.
            '\u{2bc}' | '\u{2bb}' | '\u{a78c}' | '\u{2b9}' | '\u{2bd}' => b.space(),
            c if is_mark(c) => {
                let after = match &b.current {
                    Some(t) if t.kind == Kind::Word => t.text.chars().last(),
                    _ => None,
                };
                if !optional_mark(c, after) {
                    // A mark has no case: it leaves the word's as it is.
                    b.push_char(Kind::Word, c, b.in_word());
                }
            }
            c if unspaced(c) && c.is_alphabetic() => {
                b.flush();
                b.push_char(Kind::Word, c, false);
            }
            c if c.is_alphabetic() => b.push_char(Kind::Word, c, upper),
            '.' if b.in_word() => b.space(),
            // "UTC-03": the sign of an offset, not a hyphen.
            '-' | '\u{2212}'
                if b.current.as_ref().is_some_and(|t| {
                    t.kind == Kind::Word && matches!(t.text.as_str(), "gmt" | "utc" | "ut")
                }) =>
            {
                b.push_sep('-')
            }
            '-' | '\u{2010}' | '\u{2011}' if b.in_word() => b.space(),
            '-' | '\u{2212}' => b.push_sep('-'),
            ':' | '.' | '/' | ',' | '+' => b.push_sep(raw),
            '\u{60c}' | '\u{ff0c}' | '\u{3001}' => b.push_sep(','),
            '\u{ff1a}' => b.push_sep(':'),
            // Brackets bound what a label names: "14:05 (updated 15:20)".
            '(' | '[' | '\u{ff08}' | '\u{3010}' | '\u{ff3b}' => b.push_sep('('),
            ')' | ']' | '\u{ff09}' | '\u{3011}' | '\u{ff3d}' => b.push_sep(')'),
            '\u{ff0f}' => b.push_sep('/'),
            _ => b.space(),
        }
    }
    b.flush();
    b.toks
}

/// Whether every number of the text lies in one of `used` (the tokens a reading took): a
/// number a reading does not use is a date it did not read ("03日14:05" is no Sunday at
/// 14:05, "5 min, 3 uur" no one age), so such a text is not read.
pub fn numbers_within(toks: &[Tok], used: &[std::ops::Range<usize>]) -> bool {
    toks.iter()
        .enumerate()
        .all(|(k, t)| !t.is_num() || used.iter().any(|r| r.contains(&k)))
}

/// The phrases of a text, left to right, that `at` finds at a token (its value and length):
/// start, length and value of each; a phrase's tokens are not looked at again.
pub fn phrases<T>(
    toks: &[Tok],
    at: impl Fn(usize) -> Option<(T, usize)>,
) -> Vec<(usize, usize, T)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match at(i) {
            Some((value, len)) => {
                found.push((i, len, value));
                i += len.max(1);
            }
            None => i += 1,
        }
    }
    found
}
