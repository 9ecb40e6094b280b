//! The date reader: turns a date text on a page ("18 minuten geleden", "gisteren 14:05",
//! "vor 2 Stunden", "il y a 5 min", "27-11-2026 09:15", "2026-11-27T14:05:00Z") into the
//! interval of instants in which the item was published.
//!
//! Multilingual relative dates are read by hand-written code here because no maintained Rust
//! crate reads them (the closest, dateparser-style crates, read English only). Each language
//! is a table of words in `lang/<code>.rs`; the logic that uses the tables lives once:
//! `text` (normalising, tokens), `relative` (ages, "just now"), `absolute` (day words, month
//! names, numeric dates, weekdays, clock times), `clock`, `machine` (Unix, ISO 8601,
//! RFC 2822) and `zone` (local times, DST).
//!
//! # Decisions
//!
//! - Intervals are `(earliest, latest]` at second resolution; `point` lies inside.
//! - Relative ages, floor rounding: "18 min" is an age in [18, 19) minutes; nearest rounding:
//!   [17.5, 18.5). Seconds to weeks subtract real durations (across a DST change "3 uur
//!   geleden" is 3 real hours); a month counts 28 to 31 days and a year 365 to 366 days, so
//!   the interval holds the truth however a site counts them. Vague ages ("a few minutes",
//!   "some minutes") are 1 to 9 units; "a few seconds" is "just now".
//! - Qualifiers are read as what they prove: "less than N" is 0 to N units, "almost N" N-1
//!   to N, "about N" the site's rounding one unit wider on either side, "over N" N units to
//!   N units plus one of the next larger unit (a site would name that unit were it longer).
//!   Vague spans ("last week", "vorig jaar") are ages in days from the table: 1 to 14 for a
//!   week, 1 to 62 for a month, 1 to 731 for a year. Numbers may have thousands separators
//!   ("1 000", "1.000", "1,000", any space between the groups).
//! - A text is read whole or not at all: every word must be one of the language's table
//!   (date words, or fillers such as "Published", "Bijgewerkt:", "am"), and every number of
//!   a relative age must belong to it ("5 min read", "3 days ago, 5 min ago" are refused).
//!   A text that names an update and the publication ("vor 5 Minuten aktualisiert,
//!   ursprünglich vor 3 Tagen") is read at the publication; one that names an update and
//!   holds another date without saying what it is, is refused.
//! - "Just now" ("zojuist", "gerade eben", "à l'instant", ...) is the 5 minutes before the
//!   fetch: `(now - 5 min, now]`, point `now`.
//! - A day word, a date or a weekday alone is the whole day in the zone, its end clamped to
//!   `now`; the point is the start of the day. With a clock time it is that minute (or that
//!   second, with seconds): "gisteren 14:05" is `(14:04:59, 14:05:59]` local, point 14:05:00.
//! - A date without a year takes the latest year that does not put it after the fetch: a
//!   bare day must have begun by `now`, a day with a clock time may lie up to 1 day after
//!   `now` (clock skew). A bare clock time is today's unless that is more than an hour ahead,
//!   then yesterday's. A weekday is the latest such day up to today.
//! - DST: a wall time in the autumn fold (Europe/Amsterdam 2026-10-25 02:30 happens twice)
//!   gives an interval covering both occurrences, point the earlier. A wall time in the
//!   spring gap (2026-03-29 02:30 never happens) is read with the offset in force before the
//!   gap: 02:30 +01:00 = 01:30 UTC = 03:30 CEST.
//! - Numeric dates follow the language: day-month-year everywhere but English, where
//!   "11/27/2026" is month/day; a first number over 12 makes it day/month ("27/11/2026"), and
//!   in day-month languages a second number over 12 makes it month/day. A four-digit first
//!   number is year/month/day. With several languages the first that reads the text decides
//!   ("auto" tries nl, en, de, fr, es, it, pt in that order).
//! - No text puts an item far past the fetch: a reading that begins more than
//!   [`FUTURE_MARGIN`] (1 day) after `now` is an error, one that ends later is cut to end
//!   there. A time with its own UTC offset (ISO 8601 with `Z` or `+01:00`, RFC 2822, Unix
//!   time) has no zone to get wrong, so its margin is [`INSTANT_MARGIN`] (1 hour). A relative
//!   age in the future ("over 3 uur", "in 2 hours") is an error.
//! - Where the languages tried disagree on a numeric date's day-month order ("03/04/2026"
//!   with "auto" is 3 April in Dutch, 4 March in English), the first reading that has begun
//!   by `now` wins, else the first that begins within the margin, else the first.
//! - Years outside 1970..=2200, absurd ages, negative ages and texts over 200 characters are
//!   errors; all arithmetic is checked.

mod absolute;
mod cldr;
mod clock;
mod interval;
mod lang;
mod machine;
mod relative;
mod text;
mod zone;

#[cfg(test)]
mod tests;

pub use interval::{Interval, Reading};

use chrono::{DateTime, Duration, TimeZone, Utc};
use text::{Lex, Tok};

/// Why a date outside `absolute::YEARS` is rejected.
const OUTSIDE_YEARS: &str = "it lies outside the years 1970 to 2200";

/// How far after the fetch (`now`) a date text may put an item: one day.
///
/// A wall-clock date is read in the feed's zone, and a zone set wrong moves it by up to a day
/// (offsets run from -12:00 to +14:00); the same day is the tolerance for a date without a
/// year that has a clock time. Further ahead is not a publication time but a mistake or an
/// event date ("2199-12-31" would stay at the top of the feed for ever): such a reading is
/// an error, so the item keeps the moment it was first seen.
pub const FUTURE_MARGIN: Duration = Duration::days(1);

/// How far after the fetch a time with its own UTC offset may lie: one hour.
///
/// Such a time names one instant whatever the feed's zone; only clocks can differ (the
/// site's, the server's `Date`), and they differ by minutes, not hours.
pub const INSTANT_MARGIN: Duration = Duration::hours(1);

/// The longest date text read, in characters.
pub const MAX_CHARS: usize = 200;

/// A language date texts are read in: one of the seven hand-written tables, or one read
/// from Unicode CLDR's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Language(u16);

/// The hand-written languages, in the order "auto" tries them.
const HAND: [Language; 7] = [
    Language(0),
    Language(1),
    Language(2),
    Language(3),
    Language(4),
    Language(5),
    Language(6),
];

/// Every language: the hand-written ones, then CLDR's.
static ALL: std::sync::LazyLock<Vec<Language>> = std::sync::LazyLock::new(|| {
    (0..lang::TABLES.len() + cldr::count())
        .filter_map(|i| u16::try_from(i).ok())
        .map(Language)
        .collect()
});

/// Codes pages use for a language CLDR names otherwise.
const ALIASES: [(&str, &str); 5] = [
    ("tl", "fil"),
    ("iw", "he"),
    ("in", "id"),
    ("ji", "yi"),
    ("zh-hant", "zh"),
];

impl Language {
    /// "nl", "en", "ru", "zh", ... (case-insensitive): the seven hand-written languages and
    /// every language generated from CLDR.
    pub fn from_code(code: &str) -> Option<Language> {
        let code = code.trim();
        let code = ALIASES
            .iter()
            .find(|(alias, _)| alias.eq_ignore_ascii_case(code))
            .map_or(code, |(_, to)| to);
        Language::all()
            .iter()
            .copied()
            .find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// The language of a language tag as pages declare it (`<html lang="ru-RU">`,
    /// `Content-Language: zh-Hant-TW, en`): its primary subtag, if pagefeed reads it.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let first = tag.split([',', ';']).next()?.trim();
        Language::from_code(first).or_else(|| Language::from_code(first.split(['-', '_']).next()?))
    }

    pub fn code(self) -> &'static str {
        let i = usize::from(self.0);
        match lang::TABLES.get(i) {
            Some(t) => t.code,
            None => cldr::language(i - lang::TABLES.len()).map_or("?", |d| d.code),
        }
    }

    /// Every language, the hand-written ones first.
    pub fn all() -> &'static [Language] {
        &ALL
    }

    /// The seven hand-written languages, in the order "auto" tries them first.
    pub fn hand_written() -> &'static [Language] {
        &HAND
    }

    /// Whether the language's words come from CLDR's data.
    pub fn generated(self) -> bool {
        usize::from(self.0) >= lang::TABLES.len()
    }

    fn lex(self) -> Option<&'static Lex> {
        text::lex(usize::from(self.0))
    }

    /// The scripts of the language's words (see `cldr::scripts`); 0 for hand-written ones.
    fn scripts(self) -> u32 {
        let i = usize::from(self.0);
        i.checked_sub(lang::TABLES.len())
            .and_then(cldr::language)
            .map_or(0, |d| d.scripts)
    }
}

/// How a site rounds relative ages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Rounding {
    /// "18 minutes" means 18 to 19 minutes (what most sites do).
    #[default]
    Floor,
    /// "18 minutes" means 17.5 to 18.5 minutes.
    Nearest,
}

impl Rounding {
    /// "floor" or "nearest".
    pub fn from_name(s: &str) -> Option<Rounding> {
        match s.trim().to_ascii_lowercase().as_str() {
            "floor" => Some(Rounding::Floor),
            "nearest" => Some(Rounding::Nearest),
            _ => None,
        }
    }
}

/// What a date text is read against.
pub struct Context<'a> {
    /// The moment the page was fetched.
    pub now: DateTime<Utc>,
    /// Zone of clock times without an offset.
    pub timezone: chrono_tz::Tz,
    /// Languages to try in order; empty means all ("auto").
    pub languages: &'a [Language],
    pub rounding: Rounding,
}

/// Why a date text could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DateError {
    #[error("empty date text")]
    Empty,
    #[error("date text too long: {chars} characters (at most {MAX_CHARS})")]
    TooLong { chars: usize },
    #[error("cannot read \"{text}\" as a date in {languages}")]
    Unreadable { text: String, languages: String },
    #[error("cannot read \"{text}\" as a date: {what}")]
    OutOfRange { text: String, what: String },
    #[error("cannot read \"{text}\" as a publication date: it lies in the future")]
    Future { text: String },
    #[error(
        "cannot read \"{text}\" as a publication date: it lies more than {margin} after the fetch"
    )]
    Ahead { text: String, margin: &'static str },
}

/// A reader's reason to reject a text, before the text is attached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fail {
    OutOfRange(&'static str),
    Future,
    /// More than the margin (named) after `now`.
    Ahead(&'static str),
}

impl Fail {
    fn into_error(self, text: &str) -> DateError {
        match self {
            Fail::OutOfRange(what) => DateError::OutOfRange {
                text: text.to_string(),
                what: what.to_string(),
            },
            Fail::Future => DateError::Future {
                text: text.to_string(),
            },
            Fail::Ahead(margin) => DateError::Ahead {
                text: text.to_string(),
                margin,
            },
        }
    }
}

type Step = fn(&[Tok], &Lex, &Context) -> Result<Option<Reading>, Fail>;

/// Which language's reading a step takes when several read the text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pick {
    /// The first language's.
    First,
    /// The first that is not in the future (see [`future_rank`]); languages differ in how
    /// they order numbers, not in what they mean.
    NotFuture,
}

/// The readers, most specific first; the first that reads the text wins.
const STEPS: [(Step, Pick); 10] = [
    (cldr::age, Pick::First),
    (|t, l, c| relative::read(t, l, c, true), Pick::First),
    (relative::read_just_now, Pick::First),
    (absolute::day_word, Pick::First),
    (cldr::date, Pick::First),
    (absolute::month_date, Pick::First),
    (absolute::numeric, Pick::NotFuture),
    (absolute::weekday, Pick::First),
    (absolute::clock_alone, Pick::First),
    (|t, l, c| relative::read(t, l, c, false), Pick::First),
];

/// Read one date text. Pure: no clock, no I/O.
pub fn read(text: &str, ctx: &Context) -> Result<Reading, DateError> {
    read_in_page(text, ctx, None)
}

/// Read one date text of a page that declares its language (`<html lang>`, else
/// `Content-Language`, as given: "ru", "zh-Hant-TW", "fr, en"). With "auto", that language
/// is tried first; with languages named, it changes nothing.
///
/// "auto" tries the declared language, then the seven hand-written ones, and only when none
/// of those reads the text, the CLDR languages whose words are written in every script of
/// the text's letters (a text without letters is not tried further).
pub fn read_in_page(
    text: &str,
    ctx: &Context,
    page_language: Option<&str>,
) -> Result<Reading, DateError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DateError::Empty);
    }
    let chars = text.chars().count();
    if chars > MAX_CHARS {
        return Err(DateError::TooLong { chars });
    }
    let result = if ctx.languages.is_empty() {
        let hint = page_language.and_then(Language::from_tag);
        let mut first: Vec<Language> = hint.into_iter().collect();
        first.extend(HAND.iter().filter(|l| Some(**l) != hint));
        match read_any(text, &first, ctx) {
            Err(None) => {
                let rest = others(text, &first);
                if rest.is_empty() {
                    Err(None)
                } else {
                    read_any(text, &rest, ctx)
                }
            }
            read => read,
        }
    } else {
        read_any(text, ctx.languages, ctx)
    };
    let reading = result.map_err(|fail| match fail {
        Some(fail) => fail.into_error(text),
        None => DateError::Unreadable {
            text: text.to_string(),
            languages: if ctx.languages.is_empty() {
                "auto".to_string()
            } else {
                ctx.languages
                    .iter()
                    .map(|l| l.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        },
    })?;
    let reading =
        in_range(reading).ok_or_else(|| Fail::OutOfRange(OUTSIDE_YEARS).into_error(text))?;
    not_ahead(reading, ctx.now, FUTURE_MARGIN, "1 day").map_err(|fail| fail.into_error(text))
}

/// The CLDR languages "auto" tries after `tried`: those written in every script of the
/// text's letters.
fn others(text: &str, tried: &[Language]) -> Vec<Language> {
    let scripts = cldr::scripts(text);
    if scripts == 0 {
        return Vec::new();
    }
    Language::all()
        .iter()
        .copied()
        .filter(|l| l.generated() && !tried.contains(l))
        .filter(|l| l.scripts() & scripts == scripts)
        .collect()
}

/// A reading no later than `margin` (named `name` in errors) after `now`: refused when it
/// begins after that, cut to end there when only its end lies after it.
fn not_ahead(
    reading: Reading,
    now: DateTime<Utc>,
    margin: Duration,
    name: &'static str,
) -> Result<Reading, Fail> {
    let Some(limit) = now.checked_add_signed(margin) else {
        return Ok(reading);
    };
    if reading.interval.latest <= limit {
        return Ok(reading);
    }
    // `earliest` is exclusive: the first instant is after it, so it must lie before the limit.
    let interval = Interval::new(reading.interval.earliest, limit).ok_or(Fail::Ahead(name))?;
    Ok(Reading {
        interval,
        point: interval.clamp(reading.point),
    })
}

/// How far in the future a reading lies: 0 when it has begun by `now`, 1 when it begins
/// within [`FUTURE_MARGIN`], 2 later.
fn future_rank(reading: &Reading, now: DateTime<Utc>) -> u8 {
    let earliest = reading.interval.earliest;
    if earliest < now {
        0
    } else if now
        .checked_add_signed(FUTURE_MARGIN)
        .is_some_and(|limit| earliest < limit)
    {
        1
    } else {
        2
    }
}

/// Try each reader, most specific first, in every language in order. Within one reader the
/// first language that reads the text wins; when none reads it but one rejects it (a future
/// or absurd age), that rejection is the answer.
fn read_any(text: &str, languages: &[Language], ctx: &Context) -> Result<Reading, Option<Fail>> {
    if let Some(reading) = machine::read(text, ctx).map_err(Some)? {
        return Ok(reading);
    }
    let toks = text::tokens(text);
    // Each language reads the part of the text its words pick, if it knows every word.
    let lexes: Vec<(&Lex, &[Tok])> = languages
        .iter()
        .filter_map(|l| l.lex())
        .filter(|lex| accounted(&toks, lex))
        .filter_map(|lex| part(&toks, lex).map(|part| (lex, part)))
        .collect();
    for (step, pick) in STEPS {
        let mut first_fail = None;
        let mut best: Option<Reading> = None;
        for &(lex, toks) in &lexes {
            match step(toks, lex, ctx) {
                Ok(Some(reading)) if pick == Pick::First => return Ok(reading),
                Ok(Some(reading)) => {
                    let rank = future_rank(&reading, ctx.now);
                    if rank == 0 {
                        return Ok(reading);
                    }
                    if best.is_none_or(|b| rank < future_rank(&b, ctx.now)) {
                        best = Some(reading);
                    }
                }
                Ok(None) => {}
                Err(fail) => {
                    first_fail.get_or_insert(fail);
                }
            }
        }
        if let Some(reading) = best {
            return Ok(reading);
        }
        if first_fail.is_some() {
            return Err(first_fail);
        }
    }
    Err(None)
}

/// Whether the language knows every word of the text: a date text is read whole, with only
/// the table's words around its date ("Bijgewerkt:", "Published on"), or not at all ("5 min
/// read" is no date).
fn accounted(toks: &[Tok], lex: &Lex) -> bool {
    toks.iter()
        .filter(|t| t.kind == text::Kind::Word)
        .all(|t| lex.vocabulary.contains(&t.text))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Label {
    Published,
    Updated,
}

/// The publication and update words in the text: position, length, which.
fn labels(toks: &[Tok], lex: &Lex) -> Vec<(usize, usize, Label)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let published = lex
            .published
            .at(toks, i)
            .map(|(_, len)| (len, Label::Published));
        let updated = lex
            .updated
            .at(toks, i)
            .map(|(_, len)| (len, Label::Updated));
        match published
            .into_iter()
            .chain(updated)
            .max_by_key(|&(len, _)| len)
        {
            Some((len, label)) => {
                found.push((i, len, label));
                i += len;
            }
            None => i += 1,
        }
    }
    found
}

/// The tokens to read. A text that names an update ("Updated 5 min ago") and its
/// publication ("published 3 days ago") is read at the publication; one that names an update
/// and holds another date without saying what that is is refused (None). The part a word
/// names runs from it to the next such word where the text starts with one ("Published …,
/// updated …"), else it is the comma-separated clause that holds the word ("vor 5 Minuten
/// aktualisiert, ursprünglich vor 3 Tagen").
fn part<'t>(toks: &'t [Tok], lex: &Lex) -> Option<&'t [Tok]> {
    let labels = labels(toks, lex);
    if !labels.iter().any(|l| l.2 == Label::Updated) {
        return Some(toks);
    }
    let prefixed = labels.first().is_some_and(|l| l.0 == 0);
    let commas: Vec<usize> = (0..toks.len()).filter(|&i| toks[i].is_sep(',')).collect();
    let around = |at: usize| -> std::ops::Range<usize> {
        let by_label = || {
            let end = labels
                .iter()
                .map(|l| l.0)
                .find(|&p| p > at)
                .unwrap_or(toks.len());
            at..end
        };
        if prefixed {
            return by_label();
        }
        let start = commas.iter().rev().find(|&&c| c < at).map_or(0, |c| c + 1);
        let end = commas
            .iter()
            .find(|&&c| c > at)
            .copied()
            .unwrap_or(toks.len());
        let clause = start..end;
        // A clause holding both words: by label after all.
        if labels.iter().filter(|l| clause.contains(&l.0)).count() > 1 {
            by_label()
        } else {
            clause
        }
    };
    if let Some(&(at, _, _)) = labels.iter().find(|l| l.2 == Label::Published) {
        return toks.get(around(at));
    }
    let (at, _, _) = labels[0];
    let update = around(at);
    let dated = |i: usize| {
        toks[i].is_num()
            || lex.days.at(toks, i).is_some()
            || lex.months.at(toks, i).is_some()
            || lex.weekdays.at(toks, i).is_some()
            || lex.just_now.at(toks, i).is_some()
            || lex.vague.at(toks, i).is_some()
            || lex.spans.at(toks, i).is_some()
    };
    let other_date = (0..toks.len()).any(|i| !update.contains(&i) && dated(i));
    (!other_date).then_some(toks)
}

/// The reading, when it lies within the years dates may name.
fn in_range(reading: Reading) -> Option<Reading> {
    let first = Utc
        .with_ymd_and_hms(*absolute::YEARS.start(), 1, 1, 0, 0, 0)
        .single()?;
    let last = Utc
        .with_ymd_and_hms(*absolute::YEARS.end() + 1, 1, 2, 0, 0, 0)
        .single()?;
    (reading.interval.earliest >= first - chrono::Duration::days(1)
        && reading.interval.latest <= last)
        .then_some(reading)
}
