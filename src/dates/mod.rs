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
//!   the interval holds the truth however a site counts them. Vague ages ("a few minutes")
//!   are 1 to 9 units; "a few seconds" is "just now".
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
//! - Texts naming an exact instant after `now` are returned as they are (the caller decides);
//!   a relative age in the future ("over 3 uur", "in 2 hours") is an error.
//! - Years outside 1970..=2200, absurd ages, negative ages and texts over 200 characters are
//!   errors; all arithmetic is checked.

mod absolute;
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

use chrono::{DateTime, TimeZone, Utc};
use text::{LEXES, Lex, Tok};

/// Why a date outside `absolute::YEARS` is rejected.
const OUTSIDE_YEARS: &str = "it lies outside the years 1970 to 2200";

/// The longest date text read, in characters.
pub const MAX_CHARS: usize = 200;

/// A language date texts are read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Language(u8);

const ALL: [Language; 7] = [
    Language(0),
    Language(1),
    Language(2),
    Language(3),
    Language(4),
    Language(5),
    Language(6),
];

impl Language {
    /// "nl", "en", "de", "fr", "es", "it", "pt" (case-insensitive).
    pub fn from_code(code: &str) -> Option<Language> {
        let code = code.trim();
        ALL.iter()
            .copied()
            .find(|l| l.code().eq_ignore_ascii_case(code))
    }

    pub fn code(self) -> &'static str {
        lang::TABLES
            .get(usize::from(self.0))
            .map_or("?", |t| t.code)
    }

    /// Every language, in the order "auto" tries them.
    pub fn all() -> &'static [Language] {
        &ALL
    }

    fn lex(self) -> Option<&'static Lex> {
        LEXES.get(usize::from(self.0))
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
}

/// A reader's reason to reject a text, before the text is attached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fail {
    OutOfRange(&'static str),
    Future,
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
        }
    }
}

type Step = fn(&[Tok], &Lex, &Context) -> Result<Option<Reading>, Fail>;

/// The readers, most specific first; the first that reads the text wins.
const STEPS: [Step; 8] = [
    |t, l, c| relative::read(t, l, c, true),
    relative::read_just_now,
    absolute::day_word,
    absolute::month_date,
    absolute::numeric,
    absolute::weekday,
    absolute::clock_alone,
    |t, l, c| relative::read(t, l, c, false),
];

/// Read one date text. Pure: no clock, no I/O.
pub fn read(text: &str, ctx: &Context) -> Result<Reading, DateError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DateError::Empty);
    }
    let chars = text.chars().count();
    if chars > MAX_CHARS {
        return Err(DateError::TooLong { chars });
    }
    let languages = if ctx.languages.is_empty() {
        Language::all()
    } else {
        ctx.languages
    };
    let reading = read_any(text, languages, ctx).map_err(|fail| match fail {
        Some(fail) => fail.into_error(text),
        None => DateError::Unreadable {
            text: text.to_string(),
            languages: languages
                .iter()
                .map(|l| l.code())
                .collect::<Vec<_>>()
                .join(", "),
        },
    })?;
    in_range(reading).ok_or_else(|| Fail::OutOfRange(OUTSIDE_YEARS).into_error(text))
}

/// Try each reader, most specific first, in every language in order. Within one reader the
/// first language that reads the text wins; when none reads it but one rejects it (a future
/// or absurd age), that rejection is the answer.
fn read_any(text: &str, languages: &[Language], ctx: &Context) -> Result<Reading, Option<Fail>> {
    if let Some(reading) = machine::read(text, ctx).map_err(Some)? {
        return Ok(reading);
    }
    let toks = text::tokens(text);
    let lexes: Vec<&Lex> = languages.iter().filter_map(|l| l.lex()).collect();
    for step in STEPS {
        let mut first_fail = None;
        for lex in &lexes {
            match step(&toks, lex, ctx) {
                Ok(Some(reading)) => return Ok(reading),
                Ok(None) => {}
                Err(fail) => {
                    first_fail.get_or_insert(fail);
                }
            }
        }
        if first_fail.is_some() {
            return Err(first_fail);
        }
    }
    Err(None)
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
