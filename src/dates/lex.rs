//! The compiled word tables of every language, and their registry: the hand-written tables
//! of `lang/` are compiled here, CLDR's by `cldr::compile`; each is compiled when first used.

use super::cldr;
use super::lang::{TABLES, Table};
use super::lexicon::{Lex, Lexicon};
use super::text::{Kind, tokens};
use std::collections::HashSet;
use std::sync::{LazyLock, OnceLock};

fn words(list: &'static [&'static str]) -> Lexicon<()> {
    Lexicon::new(list.iter().map(|w| (*w, ())))
}

fn pairs<T: Copy>(list: &'static [(&'static str, T)]) -> Lexicon<T> {
    Lexicon::new(list.iter().map(|(w, v)| (*w, *v)))
}

/// One hand-written table, compiled for matching.
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
        ago_frames: Vec::new(),
        bare_ages: true,
        future_before: words(t.future_before),
        future_after: words(t.future_after),
        just_now: words(t.just_now),
        days: pairs(t.days),
        months: pairs(t.months),
        persian_months: Lexicon::new([]),
        weekdays: pairs(t.weekdays),
        am: words(t.am),
        pm: words(t.pm),
        periods: Lexicon::new([]),
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
    LazyLock::new(|| (0..cldr::count()).map(|_| OnceLock::new()).collect());

/// The compiled table of language number `i`.
pub fn lex(i: usize) -> Option<&'static Lex> {
    if let Some(table) = TABLES.get(i) {
        return Some(HAND_LEXES.get(i)?.get_or_init(|| compile(table)));
    }
    let j = i - TABLES.len();
    let (cell, data) = (CLDR_LEXES.get(j)?, cldr::language(j)?);
    Some(cell.get_or_init(|| cldr::compile(data)))
}
