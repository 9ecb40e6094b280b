//! Calendar dates and clock times: day words ("gisteren 14:05"), dates with month names
//! ("4 mrt 2026 10:00", "Nov 27, 2026 2:05 PM"), numeric dates ("27-11-2026 09:15",
//! "11/27/2026"), weekdays ("za 14:05") and bare clock times ("om 09:12").
//!
//! A date without a year takes the latest year that does not put it after the fetch: a bare
//! day must have begun by `now`, a day with a clock time may lie up to one day after `now`
//! (clock skew, a zone set wrong), so "28 dec" seen on 2 January is last year's.
//! A bare clock time is today's, or yesterday's when today's lies more than an hour ahead.
//! A date may be of another calendar than the Gregorian, by the language's data: a Solar
//! Hijri month name or year-first number, a year of an era (see `calendar` and the module
//! docs of the reader); [`finish`] converts it.

use super::calendar::{self, PERSIAN_YEARS};
use super::clock::{self, Clock, continues_number};
use super::fail::Fail;
use super::interval::Reading;
use super::lang::Order;
use super::lexicon::{Lex, Lexicon};
use super::text::{Kind, Tok, numbers_within};
use super::zone::{self, Zone};
use super::{Context, INSTANT_MARGIN, designator};
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, Utc};
use std::ops::Range;

/// Years a date may name.
pub const YEARS: std::ops::RangeInclusive<i32> = 1970..=2200;

/// Why a date outside [`YEARS`] is rejected.
pub const OUTSIDE_YEARS: &str = "it lies outside the years 1970 to 2200";

/// How far after `now` a date with a clock time but no year may lie.
const YEARLESS_TOLERANCE: Duration = Duration::days(1);

/// How far after `now` a bare clock time or weekday with clock may lie and still be today.
const CLOCK_TOLERANCE: Duration = Duration::hours(1);

const NO_SUCH_DATE: Fail = Fail::OutOfRange("there is no such date");

/// Why a Solar Hijri date is rejected.
const OUTSIDE_PERSIAN_YEARS: Fail =
    Fail::OutOfRange("it lies outside the Solar Hijri years 1300 to 1500");

/// A year as written: four digits (or more), or two.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Year {
    Full(i32),
    Short(i32),
}

impl Year {
    /// A number token as a year: four digits or two.
    pub fn of(tok: &Tok) -> Option<Year> {
        let v = i32::try_from(tok.value()?).ok()?;
        match tok.digits() {
            4 => Some(Year::Full(v)),
            2 => Some(Year::Short(v)),
            _ => None,
        }
    }
}

/// How a found date names its month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Month {
    /// A Gregorian month name.
    Name,
    /// A Solar Hijri month name ("اسفند").
    Persian,
    /// A number; `year_first` when the year comes before it ("1404/12/13").
    Number { year_first: bool },
}

/// A date found in the text (year still to be inferred when absent).
pub struct Found {
    pub day: u32,
    pub month: u32,
    pub named: Month,
    pub year: Option<Year>,
    pub tokens: Range<usize>,
}

/// The tokens of a clock, if any (an empty range otherwise).
fn clock_tokens(clock: Option<&Clock>) -> Range<usize> {
    clock.map_or(0..0, |c| c.tokens.clone())
}

fn read_on(
    date: NaiveDate,
    clock: Option<&Clock>,
    ctx: &Context,
    zone: Zone,
) -> Result<Option<Reading>, Fail> {
    match zone::on_date(zone, date, clock.map(Clock::parts), ctx.now) {
        Some(reading) => Ok(Some(reading)),
        None => match zone {
            Zone::Abbreviation(i, _) => Err(designator::unsettled(
                i,
                date.and_time(clock.map_or(NaiveTime::MIN, |c| c.time)),
            )),
            _ => Ok(None),
        },
    }
}

/// Why a date cannot be placed in time: it does not exist, or the text's zone abbreviation
/// names no one offset then (on `date` in this year, at `time`).
fn no_date(zone: Zone, date: Option<NaiveDate>, time: Option<NaiveTime>) -> Fail {
    match (zone, date) {
        (Zone::Abbreviation(i, _), Some(date)) => {
            designator::unsettled(i, date.and_time(time.unwrap_or(NaiveTime::MIN)))
        }
        _ => NO_SUCH_DATE,
    }
}

/// The first instant of a day, or of a clock time on it.
fn start(zone: Zone, date: NaiveDate, time: Option<NaiveTime>) -> Option<DateTime<Utc>> {
    zone::resolve(zone, date.and_time(time.unwrap_or(NaiveTime::MIN))).map(|(t, _)| t)
}

fn today(ctx: &Context, zone: Zone) -> NaiveDate {
    zone::local_date(zone, ctx.now)
}

/// "vandaag", "gisteren 14:05", "hier à 14h05", "ayer a las 14:05".
pub fn day_word(
    toks: &[Tok],
    lex: &Lex,
    ctx: &Context,
    zone: Zone,
) -> Result<Option<Reading>, Fail> {
    let Some((pos, back, len)) = lex.days.find(toks) else {
        return Ok(None);
    };
    let back = u64::try_from(back).map_err(|_| Fail::Future)?;
    let date = today(ctx, zone)
        .checked_sub_days(Days::new(back))
        .ok_or(NO_SUCH_DATE)?;
    let clock = clock::find(toks, lex, true, pos..pos + len);
    // "gisteren vorige week" names two days at once, "kemarin lusa" is no yesterday, and
    // "დღეს წინ" no today.
    let span = clock_tokens(clock.as_ref());
    let lead = lex
        .clock_before
        .ending_at(toks, span.start)
        .map_or(0, |(_, l)| l);
    let used =
        |i: usize| (pos..pos + len).contains(&i) || (span.start - lead..span.end).contains(&i);
    let of_clock = |i: usize| {
        [
            &lex.clock_before,
            &lex.clock_after,
            &lex.am,
            &lex.pm,
            &lex.date_fillers,
        ]
        .iter()
        .any(|l| l.at(toks, i).is_some())
    };
    let other = |i: usize| {
        !used(i) && !of_clock(i) && (lex.days.at(toks, i).is_some() || lex.past_word(toks, i))
    };
    if !numbers_within(toks, &[clock_tokens(clock.as_ref())])
        || lex.vague.find(toks).is_some()
        || (0..toks.len()).any(other)
    {
        return Ok(None);
    }
    read_on(date, clock.as_ref(), ctx, zone)
}

/// A day of the month at token `i`: 1 to 31, one or two digits, not the hour of a clock.
fn day_number(toks: &[Tok], lex: &Lex, i: usize) -> Option<u32> {
    let tok = toks.get(i)?;
    if tok.digits() > 2 || continues_number(toks, i) || clock::at(toks, lex, i, true).is_some() {
        return None;
    }
    let day = u32::try_from(tok.value()?).ok()?;
    (1..=31).contains(&day).then_some(day)
}

/// Skip a phrase of `lexicon` ending at `k`.
fn skip_back(lexicon: &Lexicon<()>, toks: &[Tok], k: usize) -> usize {
    lexicon.ending_at(toks, k).map_or(k, |(_, len)| k - len)
}

fn skip_fwd(lexicon: &Lexicon<()>, toks: &[Tok], k: usize) -> usize {
    lexicon.at(toks, k).map_or(k, |(_, len)| k + len)
}

fn skip_sep(toks: &[Tok], k: usize, seps: &str) -> usize {
    match toks.get(k) {
        Some(t) if t.kind == Kind::Sep && seps.contains(t.text.as_str()) => k + 1,
        _ => k,
    }
}

/// A four-digit year at or just after `k` (after a comma, "de", "del"), or a two-digit one
/// in a language with an era ("3 มี.ค. 68"): year and end.
fn year_after(toks: &[Tok], lex: &Lex, k: usize) -> Option<(Year, usize)> {
    let k = skip_sep(toks, k, ",.");
    let k = skip_fwd(&lex.date_fillers, toks, k);
    let tok = toks.get(k)?;
    let short = tok.digits() == 2 && lex.era.is_some();
    if (tok.digits() != 4 && !short) || clock::at(toks, lex, k, true).is_some() {
        return None;
    }
    // Two digits that are part of a longer number ("68.5", "14.05") are no year.
    let glued_on = glued(toks, k + 1).is_some_and(|t| t.kind == Kind::Sep)
        && glued(toks, k + 2).is_some_and(Tok::is_num);
    if short && (glued_on || continues_number(toks, k)) {
        return None;
    }
    if toks.get(k + 1).is_some_and(|t| t.is_sep(':') && !t.spaced) {
        return None;
    }
    Some((Year::of(tok)?, k + 1))
}

fn with_year(
    toks: &[Tok],
    lex: &Lex,
    month: (u32, Month),
    day: u32,
    start: usize,
    end: usize,
) -> Found {
    let (year, end) = match year_after(toks, lex, end) {
        Some((year, end)) => (Some(year), end),
        None => (None, end),
    };
    Found {
        day,
        month: month.0,
        named: month.1,
        year,
        tokens: start..end,
    }
}

/// Day before the month: "27 november", "27. November", "27 de noviembre", "1er mars".
fn day_month(
    toks: &[Tok],
    lex: &Lex,
    pos: usize,
    month: (u32, Month),
    len: usize,
) -> Option<Found> {
    let mut k = skip_back(&lex.date_fillers, toks, pos);
    if k > 0 && toks[k - 1].is_sep('.') {
        k -= 1;
    }
    if let Some((_, olen)) = lex.ordinals.ending_at(toks, k)
        && k > olen
        && toks[k - olen - 1].is_num()
        && !toks[k - olen].spaced
    {
        k -= olen;
    }
    let day = day_number(toks, lex, k.checked_sub(1)?)?;
    Some(with_year(toks, lex, month, day, k - 1, pos + len))
}

/// Month before the day: "Nov 27, 2026", "November 27th".
fn month_day(
    toks: &[Tok],
    lex: &Lex,
    pos: usize,
    month: (u32, Month),
    len: usize,
) -> Option<Found> {
    let k = skip_sep(toks, pos + len, ".");
    let k = skip_fwd(&lex.date_fillers, toks, k);
    let day = day_number(toks, lex, k)?;
    let mut end = k + 1;
    if toks.get(end).is_some_and(|t| !t.spaced) {
        end = skip_fwd(&lex.ordinals, toks, end);
    }
    Some(with_year(toks, lex, month, day, pos, end))
}

/// The month name at token `i`, Gregorian or Solar Hijri: month, how named, length.
pub fn month_at(toks: &[Tok], lex: &Lex, i: usize) -> Option<((u32, Month), usize)> {
    match lex.months.at(toks, i) {
        Some((m, len)) => Some(((m, Month::Name), len)),
        None => lex
            .persian_months
            .at(toks, i)
            .map(|(m, len)| ((m, Month::Persian), len)),
    }
}

/// A date with a month name, and a clock time anywhere else in the text.
pub fn month_date(
    toks: &[Tok],
    lex: &Lex,
    ctx: &Context,
    zone: Zone,
) -> Result<Option<Reading>, Fail> {
    let months: Vec<(usize, (u32, Month), usize)> = (0..toks.len())
        .filter_map(|i| month_at(toks, lex, i).map(|(m, len)| (i, m, len)))
        .collect();
    let found = months
        .iter()
        .find_map(|&(pos, m, len)| day_month(toks, lex, pos, m, len))
        .or_else(|| {
            months
                .iter()
                .find_map(|&(pos, m, len)| month_day(toks, lex, pos, m, len))
        });
    match found {
        Some(found) => finish(toks, lex, ctx, zone, found),
        None => Ok(None),
    }
}

/// Turn a found date into a reading: calendar chosen, year checked or inferred, clock time
/// added.
pub fn finish(
    toks: &[Tok],
    lex: &Lex,
    ctx: &Context,
    zone: Zone,
    found: Found,
) -> Result<Option<Reading>, Fail> {
    let clock = clock::find(toks, lex, true, found.tokens.clone());
    if !numbers_within(toks, &[found.tokens.clone(), clock_tokens(clock.as_ref())])
        || lex.vague.find(toks).is_some()
    {
        return Ok(None);
    }
    let (month, day) = (found.month, found.day);
    let persian = match (found.named, found.year) {
        (Month::Persian, _) => true,
        (Month::Number { year_first: true }, Some(Year::Full(y))) => {
            lex.persian && PERSIAN_YEARS.contains(&y)
        }
        _ => false,
    };
    let date = if persian {
        match found.year {
            Some(Year::Full(y)) if PERSIAN_YEARS.contains(&y) => {
                calendar::from_persian(y, month, day).ok_or(NO_SUCH_DATE)?
            }
            Some(_) => return Err(OUTSIDE_PERSIAN_YEARS),
            None => {
                let this = calendar::persian_year(today(ctx, zone)).ok_or(OUTSIDE_PERSIAN_YEARS)?;
                infer_year(ctx, zone, this, clock.as_ref(), |y| {
                    calendar::from_persian(y, month, day)
                })
                .ok_or(NO_SUCH_DATE)?
            }
        }
    } else {
        let offset = lex.era.unwrap_or(0);
        let year = found.year.map(|y| match y {
            Year::Full(y) => calendar::era_year(y, offset, *YEARS.end()),
            Year::Short(y) => calendar::short_year(y, offset),
        });
        match year {
            Some(year) if !YEARS.contains(&year) => {
                return Err(Fail::OutOfRange(OUTSIDE_YEARS));
            }
            Some(year) => NaiveDate::from_ymd_opt(year, month, day).ok_or(NO_SUCH_DATE)?,
            None => infer_year(ctx, zone, today(ctx, zone).year(), clock.as_ref(), |y| {
                NaiveDate::from_ymd_opt(y, month, day)
            })
            .ok_or_else(|| {
                let date = NaiveDate::from_ymd_opt(today(ctx, zone).year(), month, day);
                no_date(zone, date, clock.as_ref().map(|c| c.time))
            })?,
        }
    };
    read_on(date, clock.as_ref(), ctx, zone)
}

/// The latest date of a month and day (`date_in` a year, `this` the year of today in that
/// calendar) that does not lie after the fetch (see the module docs for the tolerance; a time
/// in a zone the text names has the margin of an instant).
fn infer_year(
    ctx: &Context,
    zone: Zone,
    this: i32,
    clock: Option<&Clock>,
    date_in: impl Fn(i32) -> Option<NaiveDate>,
) -> Option<NaiveDate> {
    let time = clock.map(|c| c.time);
    let tolerance = if zone.named_in_text() {
        INSTANT_MARGIN
    } else {
        YEARLESS_TOLERANCE
    };
    let limit = match time {
        Some(_) => ctx.now.checked_add_signed(tolerance)?,
        None => ctx.now,
    };
    (this - 8..=this + 1)
        .rev()
        .filter_map(date_in)
        .find(|d| start(zone, *d, time).is_some_and(|t| t <= limit))
}

fn glued(toks: &[Tok], i: usize) -> Option<&Tok> {
    toks.get(i).filter(|t| !t.spaced)
}

/// Day and month from the two leading numbers of a numeric date, in the language's order.
fn day_and_month(order: Order, a: u32, b: u32) -> Option<(u32, u32)> {
    let (day, month) = match order {
        Order::DayMonth if b > 12 && a <= 12 => (b, a),
        Order::DayMonth => (a, b),
        Order::MonthDay if a > 12 => (a, b),
        Order::MonthDay => (b, a),
    };
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((day, month))
}

/// A numeric date starting at token `i`.
fn numeric_at(toks: &[Tok], lex: &Lex, i: usize) -> Option<Found> {
    let a = toks
        .get(i)
        .filter(|t| t.is_num() && !continues_number(toks, i))?;
    let sep =
        glued(toks, i + 1).filter(|t| t.kind == Kind::Sep && "-./".contains(t.text.as_str()))?;
    let c = sep.text.chars().next()?;
    let b = glued(toks, i + 2).filter(|t| t.is_num() && t.digits() <= 2)?;
    let third = glued(toks, i + 3)
        .filter(|t| t.is_sep(c))
        .and(glued(toks, i + 4))
        .filter(|t| t.is_num());
    let value = |t: &Tok| t.value().and_then(|v| u32::try_from(v).ok());
    let continues = |k: usize| {
        glued(toks, k).is_some_and(|t| t.kind == Kind::Sep)
            && glued(toks, k + 1).is_some_and(Tok::is_num)
    };
    if let Some(third) = third {
        if continues(i + 5) {
            return None;
        }
        // Two digits first and last in a language that puts the year first: which is the
        // year is not known ("۰۴/۱۲/۱۳" may be 1404-12-13 or 4 December 2013).
        if lex.year_first && a.digits() <= 2 && third.digits() <= 2 {
            return None;
        }
        let year_first = a.digits() == 4;
        let (day, month, year) = if year_first {
            (value(third)?, value(b)?, Year::of(a)?)
        } else {
            let (day, month) = day_and_month(lex.order, value(a)?, value(b)?)?;
            (day, month, Year::of(third)?)
        };
        return (a.digits() <= 2 || year_first).then_some(Found {
            day,
            month,
            named: Month::Number { year_first },
            year: Some(year),
            tokens: i..i + 5,
        });
    }
    let trailing_dot = glued(toks, i + 3).is_some_and(|t| t.is_sep('.'));
    let two_part =
        (c == '/' && !continues(i + 3)) || (c == '.' && trailing_dot && !continues(i + 3));
    if !two_part || a.digits() > 2 {
        return None;
    }
    let (day, month) = day_and_month(lex.order, value(a)?, value(b)?)?;
    Some(Found {
        day,
        month,
        named: Month::Number { year_first: false },
        year: None,
        tokens: i..i + 3,
    })
}

/// "27-11-2026", "27.11.2026 09:15", "11/27/2026", "2026/11/27", "27/11", "27.11.".
pub fn numeric(
    toks: &[Tok],
    lex: &Lex,
    ctx: &Context,
    zone: Zone,
) -> Result<Option<Reading>, Fail> {
    match (0..toks.len()).find_map(|i| numeric_at(toks, lex, i)) {
        Some(found) => finish(toks, lex, ctx, zone, found),
        None => Ok(None),
    }
}

/// A weekday alone: the latest such day up to today ("zaterdag", "Fri 3:04 PM"). An
/// abbreviated weekday needs a clock time with it.
pub fn weekday(
    toks: &[Tok],
    lex: &Lex,
    ctx: &Context,
    zone: Zone,
) -> Result<Option<Reading>, Fail> {
    let Some((pos, wd, len)) = lex.weekdays.find(toks) else {
        return Ok(None);
    };
    let full = toks[pos..pos + len]
        .iter()
        .map(|t| t.text.len())
        .sum::<usize>()
        > 3;
    let clock = clock::find(toks, lex, true, pos..pos + len);
    if (!full && clock.is_none()) || !numbers_within(toks, &[clock_tokens(clock.as_ref())]) {
        return Ok(None);
    }
    let today = today(ctx, zone);
    let back = (7 + today.weekday().num_days_from_monday() - wd.num_days_from_monday()) % 7;
    let mut date = today
        .checked_sub_days(Days::new(u64::from(back)))
        .ok_or(NO_SUCH_DATE)?;
    if back == 0 && ahead(ctx, zone, date, clock.as_ref()) {
        date = date.checked_sub_days(Days::new(7)).ok_or(NO_SUCH_DATE)?;
    }
    read_on(date, clock.as_ref(), ctx, zone)
}

/// Whether a clock time on `date` lies more than the clock tolerance after now.
fn ahead(ctx: &Context, zone: Zone, date: NaiveDate, clock: Option<&Clock>) -> bool {
    let Some(clock) = clock else { return false };
    let limit = ctx.now.checked_add_signed(CLOCK_TOLERANCE);
    match (start(zone, date, Some(clock.time)), limit) {
        (Some(t), Some(limit)) => t > limit,
        _ => false,
    }
}

/// Whether the word at `i` says something of a date (a day word, a month, a weekday, a
/// span, "just now", a unit, a word of an age): a reading that does not use it has not read
/// the text ("last week 14:05" is no time of today).
fn date_word(toks: &[Tok], lex: &Lex, i: usize) -> bool {
    let t = &toks[i];
    if t.kind != Kind::Word {
        return false;
    }
    let in_ages = lex.ages.iter().any(|p| {
        p.before
            .iter()
            .chain(&p.after)
            .any(|w| w.kind == Kind::Word && w.text == t.text)
    });
    in_ages
        || lex.names_date(toks, i)
        || lex.units.at(toks, i).is_some()
        || lex.few.at(toks, i).is_some()
        || lex.ago_before.at(toks, i).is_some()
        || lex.ago_after.at(toks, i).is_some()
        || lex.fixed_ages.at(toks, i).is_some()
}

/// A clock time alone: "14:05", "om 09:12", "à 14h", "3:04 PM".
pub fn clock_alone(
    toks: &[Tok],
    lex: &Lex,
    ctx: &Context,
    zone: Zone,
) -> Result<Option<Reading>, Fail> {
    let Some(clock) = clock::find(toks, lex, false, 0..0) else {
        return Ok(None);
    };
    // The clock with the words that lead up to it ("alle ore 14", "om").
    let lead = lex
        .clock_before
        .ending_at(toks, clock.tokens.start)
        .map_or(0, |(_, len)| len);
    let used = clock.tokens.start - lead..clock.tokens.end;
    if !numbers_within(toks, std::slice::from_ref(&clock.tokens))
        || (0..toks.len()).any(|i| !used.contains(&i) && date_word(toks, lex, i))
    {
        return Ok(None);
    }
    let mut date = today(ctx, zone);
    if ahead(ctx, zone, date, Some(&clock)) {
        date = date.pred_opt().ok_or(NO_SUCH_DATE)?;
    }
    read_on(date, Some(&clock), ctx, zone)
}
