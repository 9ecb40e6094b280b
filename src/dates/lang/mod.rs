//! The word tables, one per language: static data only, no logic.
//!
//! Adding a language is adding a file here with one `Table` and listing it in `TABLES`.
//! Words are written the way pages write them (accents included); the reader normalises
//! both tables and texts the same way (lowercase, diacritics stripped, apostrophes and
//! hyphens between letters read as spaces, dots after letters dropped), so "il y a",
//! "l'altro ieri", "demi-heure" and "p.m." are phrases of several words.

mod de;
mod en;
mod es;
mod fr;
mod it;
mod nl;
mod pt;

use chrono::Weekday;

/// A unit of a relative age.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// How a language orders the numbers of a numeric date such as "11/12/2026".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Day, month, year ("27-11-2026"); a month slot over 12 swaps them ("11/27/2026").
    DayMonth,
    /// Month, day, year ("11/27/2026"); a first number over 12 is a day ("27/11/2026").
    MonthDay,
}

/// Everything one language needs to read date texts.
pub struct Table {
    /// ISO 639-1 code.
    pub code: &'static str,
    /// Unit words: singular, plural and short forms ("uur", "uren", "u").
    /// One-letter units ("u", "h", "m") only count after digits.
    pub units: &'static [(&'static str, Unit)],
    /// Number words, including the words for "a"/"one" ("een", "an", "einer", "une").
    pub numbers: &'static [(&'static str, u32)],
    /// Vague quantities before a unit: "enkele", "a few", "quelques" (read as 1 to 9 units).
    pub few: &'static [&'static str],
    /// Fixed ages as (phrase, minutes, precision in minutes): "een kwartier", "half an hour".
    pub spans: &'static [(&'static str, u32, u32)],
    /// "About N units": "ongeveer", "about", "etwa", "environ". Read as N-1 to N+1 units.
    pub approx: &'static [&'static str],
    /// "Less than N units": "minder dan", "less than", "weniger als". Read as 0 to N units.
    pub less: &'static [&'static str],
    /// "Almost N units": "bijna", "almost", "knapp". Read as N-1 to N units.
    pub almost: &'static [&'static str],
    /// "Over N units": "ruim", "more than", "über". Read as N units up to one of the next
    /// larger unit more (a site would name that unit were it longer).
    pub over: &'static [&'static str],
    /// Vague ages as (phrase, least days, most days, exclusive): "last week" (1, 14).
    pub vague: &'static [(&'static str, u32, u32)],
    /// Words that say a date is the publication date: "published", "geplaatst",
    /// "ursprünglich". Where a text holds two dates, the one these words name is read.
    pub published: &'static [&'static str],
    /// Words that say a date is an update: "updated", "bijgewerkt", "aktualisiert".
    pub updated: &'static [&'static str],
    /// Other words a date text may hold around its date, read as nothing: "op", "on", "am".
    pub fillers: &'static [&'static str],
    /// Words joining two parts of an age: "1 uur en 5 minuten".
    pub joiners: &'static [&'static str],
    /// Markers of the past before the age ("vor", "il y a", "hace", "há").
    pub ago_before: &'static [&'static str],
    /// Markers of the past after the age ("geleden", "ago", "fa", "atrás").
    pub ago_after: &'static [&'static str],
    /// Markers of the future before the age ("over", "in", "dans"): such a text is an error.
    pub future_before: &'static [&'static str],
    /// Markers of the future after the age ("from now").
    pub future_after: &'static [&'static str],
    /// Phrases meaning "just now".
    pub just_now: &'static [&'static str],
    /// Day words with how many calendar days back they are (today 0, yesterday 1, tomorrow -1).
    pub days: &'static [(&'static str, i32)],
    /// Month names, full and abbreviated, with their number 1..=12.
    pub months: &'static [(&'static str, u32)],
    /// Weekday names, full and abbreviated.
    pub weekdays: &'static [(&'static str, Weekday)],
    /// Morning and afternoon markers of 12-hour clock times.
    pub am: &'static [&'static str],
    pub pm: &'static [&'static str],
    /// Words before a clock time ("om", "at", "um", "à", "a las", "alle", "às").
    pub clock_before: &'static [&'static str],
    /// Words after the hour of a clock time ("uur", "Uhr", "h"): "14.05 uur", "14h05".
    pub clock_after: &'static [&'static str],
    /// Words allowed between day, month and year ("de", "del", "of").
    pub date_fillers: &'static [&'static str],
    /// Ordinal endings after a day number ("th", "er", "e", "º").
    pub ordinals: &'static [&'static str],
    /// Order of numeric dates.
    pub order: Order,
}

/// All languages, in the order "auto" tries them (which settles ambiguous numeric dates).
pub static TABLES: [&Table; 7] = [
    &nl::TABLE,
    &en::TABLE,
    &de::TABLE,
    &fr::TABLE,
    &es::TABLE,
    &it::TABLE,
    &pt::TABLE,
];
