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
use std::sync::LazyLock;

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

    fn push_char(&mut self, kind: Kind, c: char) {
        match &mut self.current {
            Some(tok) if tok.kind == kind => tok.text.push(c),
            _ => {
                self.flush();
                self.current = Some(Tok {
                    kind,
                    text: c.to_string(),
                    spaced: std::mem::take(&mut self.spaced),
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

/// Split a text into normalised tokens.
pub fn tokens(text: &str) -> Vec<Tok> {
    let mut b = Builder {
        toks: Vec::new(),
        current: None,
        spaced: false,
    };
    for raw in text.chars().flat_map(char::to_lowercase) {
        if let Some(ascii) = fold(raw) {
            ascii.chars().for_each(|c| b.push_char(Kind::Word, c));
            continue;
        }
        match raw {
            // Apostrophes that Unicode counts as letters ("aujourdʼhui"): a space, as ’ is.
            '\u{2bc}' | '\u{2bb}' | '\u{a78c}' | '\u{2b9}' | '\u{2bd}' => b.space(),
            c if c.is_ascii_digit() => b.push_char(Kind::Num, c),
            c if c.is_alphabetic() => b.push_char(Kind::Word, c),
            '.' if b.in_word() => b.space(),
            '-' | '\u{2010}' | '\u{2011}' if b.in_word() => b.space(),
            '-' | '\u{2212}' => b.push_sep('-'),
            ':' | '.' | '/' | ',' | '+' => b.push_sep(raw),
            _ => b.space(),
        }
    }
    b.flush();
    b.toks
}

/// Phrases of one or more words, each with a value, matched against token lists.
pub struct Lexicon<T> {
    by_first: HashMap<String, Vec<(Vec<String>, T)>>,
    longest: usize,
}

impl<T: Copy> Lexicon<T> {
    pub fn new<'a>(entries: impl IntoIterator<Item = (&'a str, T)>) -> Lexicon<T> {
        let mut by_first: HashMap<String, Vec<(Vec<String>, T)>> = HashMap::new();
        let mut longest = 0;
        for (phrase, value) in entries {
            let words: Vec<String> = tokens(phrase).into_iter().map(|t| t.text).collect();
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
    pub weekdays: Lexicon<Weekday>,
    pub am: Lexicon<()>,
    pub pm: Lexicon<()>,
    pub clock_before: Lexicon<()>,
    pub clock_after: Lexicon<()>,
    pub date_fillers: Lexicon<()>,
    pub ordinals: Lexicon<()>,
    pub order: Order,
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
            weekdays: pairs(t.weekdays),
            am: words(t.am),
            pm: words(t.pm),
            clock_before: words(t.clock_before),
            clock_after: words(t.clock_after),
            date_fillers: words(t.date_fillers),
            ordinals: words(t.ordinals),
            order: t.order,
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

/// The compiled tables, in the order of `lang::TABLES`.
pub static LEXES: LazyLock<Vec<Lex>> =
    LazyLock::new(|| TABLES.iter().map(|t| Lex::compile(t)).collect());
