//! What a compiled word table is: phrases with values, matched against tokens ([`Lexicon`]),
//! and one language's table of them ([`Lex`]) with CLDR's age and date patterns. `lex` and
//! `cldr::compile` build them; `clock`, `designator` and the readers match with them.

use super::lang::{Order, Unit};
use super::text::{Kind, Tok, tokens};
use chrono::Weekday;
use std::collections::{HashMap, HashSet};

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
    /// The words of the past around an age, both sides at once (CLDR's "för {0} sedan":
    /// `för`, `sedan`; a side may be empty).
    pub ago_frames: Vec<(Vec<Tok>, Vec<Tok>)>,
    /// Whether an age without a word of the past ("3u", "5 min") is read: only in the
    /// hand-written languages.
    pub bare_ages: bool,
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
    /// Day periods other than am and pm ("सुबह", "晚上") with the hours they cover: from,
    /// and before (24 for midnight; a period across midnight has `before` < `from`).
    pub periods: Lexicon<(u32, u32)>,
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
    /// Whether the word at token `i` is a unit of an age or a vague quantity ("минут",
    /// "lună", "a few"): "just now" beside one is no "just now" ("acum o lună").
    pub fn age_word(&self, toks: &[Tok], i: usize) -> bool {
        toks[i].kind == Kind::Word
            && (self.units.at(toks, i).is_some() || self.few.at(toks, i).is_some())
    }

    /// Whether the word at token `i` is a word of the past of an age ("назад", "წინ"): a
    /// day word beside one is no day ("დღეს წინ").
    pub fn past_word(&self, toks: &[Tok], i: usize) -> bool {
        let t = &toks[i];
        t.kind == Kind::Word
            && (self.ago_before.at(toks, i).is_some()
                || self.ago_after.at(toks, i).is_some()
                || self.ago_frames.iter().any(|(before, after)| {
                    before
                        .iter()
                        .chain(after)
                        .any(|w| w.kind == Kind::Word && w.text == t.text)
                }))
    }

    /// Whether one of the frames of the past stands around the tokens `start..end`: its
    /// words before ending at `start`, its words after starting at `end`.
    pub fn framed(&self, toks: &[Tok], start: usize, end: usize) -> bool {
        let same = |p: &Tok, t: &Tok| p.kind == t.kind && p.text == t.text;
        self.ago_frames.iter().any(|(before, after)| {
            start >= before.len()
                && toks.len() >= end + after.len()
                && before
                    .iter()
                    .zip(&toks[start - before.len()..])
                    .all(|(p, t)| same(p, t))
                && after.iter().zip(&toks[end..]).all(|(p, t)| same(p, t))
        })
    }

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
