//! Normalising and tokenising date texts, and the compiled word tables they are matched with.
//!
//! A text becomes a list of tokens: words (lowercase, diacritics stripped), numbers (runs of
//! digits) and the separators that matter in dates (`:` `.` `/` `-` `,` `+`). Letters and
//! digits split apart ("3u" is `3`, `u`; "14h05" is `14`, `h`, `05`). Apostrophes, hyphens
//! between letters and other punctuation act as spaces; a dot right after a letter (an
//! abbreviation: "Std.", "p.m.") is dropped.

use super::lang::{Order, TABLES, Table, Unit};
use chrono::Weekday;
use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, OnceLock};

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

/// Phrases of one or more words, each with a value, matched against token lists.
pub struct Lexicon<T> {
    by_first: HashMap<String, Vec<(Vec<String>, T)>>,
    longest: usize,
}

impl<T: Copy> Lexicon<T> {
    pub fn new<'a>(entries: impl IntoIterator<Item = (&'a str, T)>) -> Lexicon<T> {
        Lexicon::from_tokens(
            entries
                .into_iter()
                .map(|(phrase, value)| (tokens(phrase), value)),
        )
    }

    /// A lexicon of phrases already split into tokens (words only are matched).
    pub fn from_tokens(entries: impl IntoIterator<Item = (Vec<Tok>, T)>) -> Lexicon<T> {
        let mut by_first: HashMap<String, Vec<(Vec<String>, T)>> = HashMap::new();
        let mut longest = 0;
        for (toks, value) in entries {
            let words: Vec<String> = toks.into_iter().map(|t| t.text).collect();
            let Some(first) = words.first() else { continue };
            longest = longest.max(words.len());
            by_first
                .entry(first.clone())
                .or_default()
                .push((words, value));
        }
        for list in by_first.values_mut() {
            list.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
        }
        Lexicon { by_first, longest }
    }

    /// The longest phrase starting at token `i`: its value and length in tokens.
    pub fn at(&self, toks: &[Tok], i: usize) -> Option<(T, usize)> {
        self.all_at(toks, i).next()
    }

    fn all_at<'s>(&'s self, toks: &'s [Tok], i: usize) -> impl Iterator<Item = (T, usize)> + 's {
        let rest = toks.get(i..).unwrap_or_default();
        let first = rest
            .first()
            .filter(|t| t.kind == Kind::Word)
            .and_then(|t| self.by_first.get(&t.text));
        first
            .into_iter()
            .flatten()
            .filter_map(move |(words, value)| {
                let fits =
                    words.len() <= rest.len() && words.iter().zip(rest).all(|(w, t)| *w == t.text);
                fits.then_some((*value, words.len()))
            })
    }

    /// A phrase that ends just before token `end`: its value and length.
    pub fn ending_at(&self, toks: &[Tok], end: usize) -> Option<(T, usize)> {
        (1..=self.longest.min(end))
            .rev()
            .find_map(|len| self.all_at(toks, end - len).find(|&(_, l)| l == len))
    }

    /// The first phrase anywhere in the tokens: position, value, length.
    pub fn find(&self, toks: &[Tok]) -> Option<(usize, T, usize)> {
        (0..toks.len()).find_map(|i| self.at(toks, i).map(|(v, len)| (i, v, len)))
    }
}

fn words(list: &'static [&'static str]) -> Lexicon<()> {
    Lexicon::new(list.iter().map(|w| (*w, ())))
}

fn pairs<T: Copy>(list: &'static [(&'static str, T)]) -> Lexicon<T> {
    Lexicon::new(list.iter().map(|(w, v)| (*w, *v)))
}

/// One language's table, compiled for matching.
pub struct Lex {
    pub units: Lexicon<Unit>,
    pub numbers: Lexicon<u32>,
    pub few: Lexicon<()>,
    pub spans: Lexicon<(u32, u32)>,
    pub approx: Lexicon<()>,
    pub less: Lexicon<()>,
    pub almost: Lexicon<()>,
    pub over: Lexicon<()>,
    pub vague: Lexicon<(u32, u32)>,
    pub published: Lexicon<()>,
    pub updated: Lexicon<()>,
    /// Every word of every phrase of the table: the words a date text may hold.
    pub vocabulary: HashSet<String>,
    pub joiners: Lexicon<()>,
    pub ago_before: Lexicon<()>,
    pub ago_after: Lexicon<()>,
    pub future_before: Lexicon<()>,
    pub future_after: Lexicon<()>,
    pub just_now: Lexicon<()>,
    pub days: Lexicon<i32>,
    pub months: Lexicon<u32>,
    /// Month names of the Solar Hijri calendar ("اسفند"), for languages whose sites date by it.
    pub persian_months: Lexicon<u32>,
    pub weekdays: Lexicon<Weekday>,
    pub am: Lexicon<()>,
    pub pm: Lexicon<()>,
    pub clock_before: Lexicon<()>,
    pub clock_after: Lexicon<()>,
    pub date_fillers: Lexicon<()>,
    pub ordinals: Lexicon<()>,
    pub order: Order,
    /// CLDR's relative-time patterns ("{0} минут назад"), read whole.
    pub ages: Vec<AgePattern>,
    /// CLDR's ages without a number ("לפני שעה", "قبل ساعتين"): count, unit, whether past.
    pub fixed_ages: Lexicon<(u32, Unit, bool)>,
    /// CLDR's date patterns, in the language's order ("{d} {N} {y} г.").
    pub dates: Vec<Vec<DateElem>>,
    /// Whether a day period comes before the hour ("下午2:05", "오후 2:05").
    pub period_first: bool,
    /// Whether the language's sites date by the Solar Hijri calendar: a numeric date with
    /// the year first and a year in `calendar::PERSIAN_YEARS` is read in it.
    pub persian: bool,
    /// The offset of the era the language's years may be of (the Thai Buddhist era: 543):
    /// four-digit years past 2200 and two-digit years are read in it.
    pub era: Option<i32>,
    /// Whether the language writes numeric dates with the year first ("1404/12/13",
    /// "2026. 03. 04."): there "04/12/13" may be a year 04 or a day 04, and is not read.
    pub year_first: bool,
}

impl Lex {
    /// Whether a word of a date starts at token `i`: a day word, a month (Gregorian or Solar
    /// Hijri), a weekday, "just now", a vague span or a fixed span.
    pub fn names_date(&self, toks: &[Tok], i: usize) -> bool {
        self.days.at(toks, i).is_some()
            || self.months.at(toks, i).is_some()
            || self.persian_months.at(toks, i).is_some()
            || self.weekdays.at(toks, i).is_some()
            || self.just_now.at(toks, i).is_some()
            || self.vague.at(toks, i).is_some()
            || self.spans.at(toks, i).is_some()
    }
}

/// A relative-time pattern: the tokens before and after the number.
pub struct AgePattern {
    pub before: Vec<Tok>,
    pub after: Vec<Tok>,
    pub unit: Unit,
    pub past: bool,
}

/// One element of a date pattern.
#[derive(Clone, Debug)]
pub enum DateElem {
    Day,
    /// The month as a number.
    Month,
    /// The month by name.
    MonthName,
    Year,
    /// A two-digit year ("26/2/27" in a year-first language).
    ShortYear,
    Weekday,
    Literal(Vec<Tok>),
}

impl Lex {
    fn compile(t: &'static Table) -> Lex {
        Lex {
            units: pairs(t.units),
            numbers: pairs(t.numbers),
            few: words(t.few),
            spans: Lexicon::new(t.spans.iter().map(|(w, m, s)| (*w, (*m, *s)))),
            approx: words(t.approx),
            less: words(t.less),
            almost: words(t.almost),
            over: words(t.over),
            vague: Lexicon::new(t.vague.iter().map(|(w, a, b)| (*w, (*a, *b)))),
            published: words(t.published),
            updated: words(t.updated),
            vocabulary: vocabulary(t),
            joiners: words(t.joiners),
            ago_before: words(t.ago_before),
            ago_after: words(t.ago_after),
            future_before: words(t.future_before),
            future_after: words(t.future_after),
            just_now: words(t.just_now),
            days: pairs(t.days),
            months: pairs(t.months),
            persian_months: Lexicon::new([]),
            weekdays: pairs(t.weekdays),
            am: words(t.am),
            pm: words(t.pm),
            clock_before: words(t.clock_before),
            clock_after: words(t.clock_after),
            date_fillers: words(t.date_fillers),
            ordinals: words(t.ordinals),
            order: t.order,
            ages: Vec::new(),
            fixed_ages: Lexicon::new([]),
            dates: Vec::new(),
            period_first: false,
            persian: false,
            era: None,
            year_first: false,
        }
    }
}

/// Every word the table's phrases are made of.
fn vocabulary(t: &Table) -> HashSet<String> {
    let mut phrases: Vec<&str> = Vec::new();
    for list in [
        t.few,
        t.approx,
        t.less,
        t.almost,
        t.over,
        t.joiners,
        t.ago_before,
        t.ago_after,
        t.future_before,
        t.future_after,
        t.just_now,
        t.am,
        t.pm,
        t.clock_before,
        t.clock_after,
        t.date_fillers,
        t.ordinals,
        t.published,
        t.updated,
        t.fillers,
    ] {
        phrases.extend(list.iter().copied());
    }
    phrases.extend(t.units.iter().map(|(w, _)| *w));
    phrases.extend(t.numbers.iter().map(|(w, _)| *w));
    phrases.extend(t.spans.iter().map(|(w, _, _)| *w));
    phrases.extend(t.vague.iter().map(|(w, _, _)| *w));
    phrases.extend(t.days.iter().map(|(w, _)| *w));
    phrases.extend(t.months.iter().map(|(w, _)| *w));
    phrases.extend(t.weekdays.iter().map(|(w, _)| *w));
    phrases
        .into_iter()
        .flat_map(tokens)
        .filter(|t| t.kind == Kind::Word)
        .map(|t| t.text)
        .collect()
}

/// The compiled hand-written tables, in the order of `lang::TABLES`, and the CLDR ones in the
/// order of their data; each compiled when first used (CLDR's data is not even read until a
/// CLDR language is).
static HAND_LEXES: [OnceLock<Lex>; 7] = [const { OnceLock::new() }; 7];
static CLDR_LEXES: LazyLock<Vec<OnceLock<Lex>>> =
    LazyLock::new(|| (0..super::cldr::count()).map(|_| OnceLock::new()).collect());

/// The compiled table of language number `i`.
pub fn lex(i: usize) -> Option<&'static Lex> {
    if let Some(table) = TABLES.get(i) {
        return Some(HAND_LEXES.get(i)?.get_or_init(|| Lex::compile(table)));
    }
    let j = i - TABLES.len();
    let (cell, data) = (CLDR_LEXES.get(j)?, super::cldr::language(j)?);
    Some(cell.get_or_init(|| super::cldr::compile(data)))
}
