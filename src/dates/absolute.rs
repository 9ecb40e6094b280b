//! Calendar dates and clock times: day words ("gisteren 14:05"), dates with month names
//! ("4 mrt 2026 10:00", "Nov 27, 2026 2:05 PM"), numeric dates ("27-11-2026 09:15",
//! "11/27/2026"), weekdays ("za 14:05") and bare clock times ("om 09:12").
//!
//! A date without a year takes the latest year that does not put it after the fetch: a bare
//! day must have begun by `now`, a day with a clock time may lie up to one day after `now`
//! (clock skew, a zone set wrong), so "28 dec" seen on 2 January is last year's.
//! A bare clock time is today's, or yesterday's when today's lies more than an hour ahead.

use super::clock::{self, Clock, continues_number};
use super::lang::Order;
use super::text::{Kind, Lex, Tok};
use super::zone::{self, Zone};
use super::{Context, Fail, INSTANT_MARGIN, Reading, designator};
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, Utc};
use std::ops::Range;

/// Years a date may name.
pub const YEARS: std::ops::RangeInclusive<i32> = 1970..=2200;

/// How far after `now` a date with a clock time but no year may lie.
const YEARLESS_TOLERANCE: Duration = Duration::days(1);

/// How far after `now` a bare clock time or weekday with clock may lie and still be today.
const CLOCK_TOLERANCE: Duration = Duration::hours(1);

const NO_SUCH_DATE: Fail = Fail::OutOfRange("there is no such date");

/// A date found in the text (year still to be inferred when absent).
pub struct Found {
    pub day: u32,
    pub month: u32,
    pub year: Option<i32>,
    pub tokens: Range<usize>,
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
fn skip_back(lexicon: &super::text::Lexicon<()>, toks: &[Tok], k: usize) -> usize {
    lexicon.ending_at(toks, k).map_or(k, |(_, len)| k - len)
}

fn skip_fwd(lexicon: &super::text::Lexicon<()>, toks: &[Tok], k: usize) -> usize {
    lexicon.at(toks, k).map_or(k, |(_, len)| k + len)
}

fn skip_sep(toks: &[Tok], k: usize, seps: &str) -> usize {
    match toks.get(k) {
        Some(t) if t.kind == Kind::Sep && seps.contains(t.text.as_str()) => k + 1,
        _ => k,
    }
}

/// A four-digit year at or just after `k` (after a comma, "de", "del"): year and end.
fn year_after(toks: &[Tok], lex: &Lex, k: usize) -> Option<(i32, usize)> {
    let k = skip_sep(toks, k, ",.");
    let k = skip_fwd(&lex.date_fillers, toks, k);
    let tok = toks.get(k)?;
    if tok.digits() != 4 || clock::at(toks, lex, k, true).is_some() {
        return None;
    }
    if toks.get(k + 1).is_some_and(|t| t.is_sep(':') && !t.spaced) {
        return None;
    }
    Some((i32::try_from(tok.value()?).ok()?, k + 1))
}

fn with_year(toks: &[Tok], lex: &Lex, day: u32, month: u32, start: usize, end: usize) -> Found {
    let (year, end) = match year_after(toks, lex, end) {
        Some((year, end)) => (Some(year), end),
        None => (None, end),
    };
    Found {
        day,
        month,
        year,
        tokens: start..end,
    }
}

/// Day before the month: "27 november", "27. November", "27 de noviembre", "1er mars".
fn day_month(toks: &[Tok], lex: &Lex, pos: usize, month: u32, len: usize) -> Option<Found> {
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
    Some(with_year(toks, lex, day, month, k - 1, pos + len))
}

/// Month before the day: "Nov 27, 2026", "November 27th".
fn month_day(toks: &[Tok], lex: &Lex, pos: usize, month: u32, len: usize) -> Option<Found> {
    let k = skip_sep(toks, pos + len, ".");
    let k = skip_fwd(&lex.date_fillers, toks, k);
    let day = day_number(toks, lex, k)?;
    let mut end = k + 1;
    if toks.get(end).is_some_and(|t| !t.spaced) {
        end = skip_fwd(&lex.ordinals, toks, end);
    }
    Some(with_year(toks, lex, day, month, pos, end))
}

/// A date with a month name, and a clock time anywhere else in the text.
pub fn month_date(
    toks: &[Tok],
    lex: &Lex,
    ctx: &Context,
    zone: Zone,
) -> Result<Option<Reading>, Fail> {
    let months: Vec<(usize, u32, usize)> = (0..toks.len())
        .filter_map(|i| lex.months.at(toks, i).map(|(m, len)| (i, m, len)))
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

/// Turn a found date into a reading: year checked or inferred, clock time added.
pub fn finish(
    toks: &[Tok],
    lex: &Lex,
    ctx: &Context,
    zone: Zone,
    found: Found,
) -> Result<Option<Reading>, Fail> {
    let clock = clock::find(toks, lex, true, found.tokens.clone());
    let date = match found.year {
        Some(year) if !YEARS.contains(&year) => return Err(Fail::OutOfRange(super::OUTSIDE_YEARS)),
        Some(year) => NaiveDate::from_ymd_opt(year, found.month, found.day).ok_or(NO_SUCH_DATE)?,
        None => infer_year(ctx, zone, found.month, found.day, clock.as_ref()).ok_or_else(|| {
            let date = NaiveDate::from_ymd_opt(today(ctx, zone).year(), found.month, found.day);
            no_date(zone, date, clock.as_ref().map(|c| c.time))
        })?,
    };
    read_on(date, clock.as_ref(), ctx, zone)
}

/// The latest date with this month and day that does not lie after the fetch (see the
/// module docs for the tolerance; a time in a zone the text names has the margin of an
/// instant).
fn infer_year(
    ctx: &Context,
    zone: Zone,
    month: u32,
    day: u32,
    clock: Option<&Clock>,
) -> Option<NaiveDate> {
    let this = today(ctx, zone).year();
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
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .find(|d| start(zone, *d, time).is_some_and(|t| t <= limit))
}

fn glued(toks: &[Tok], i: usize) -> Option<&Tok> {
    toks.get(i).filter(|t| !t.spaced)
}

/// A two-digit year as a full year: 70..=99 are 1900s, the rest 2000s.
pub fn full_year(tok: &Tok) -> Option<i32> {
    let v = i32::try_from(tok.value()?).ok()?;
    match tok.digits() {
        4 => Some(v),
        2 if v >= 70 => Some(1900 + v),
        2 => Some(2000 + v),
        _ => None,
    }
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
        let (day, month, year) = if a.digits() == 4 {
            (value(third)?, value(b)?, i32::try_from(a.value()?).ok()?)
        } else {
            let (day, month) = day_and_month(lex.order, value(a)?, value(b)?)?;
            (day, month, full_year(third)?)
        };
        return (a.digits() <= 2 || a.digits() == 4).then_some(Found {
            day,
            month,
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
    if !full && clock.is_none() {
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
    let mut date = today(ctx, zone);
    if ahead(ctx, zone, date, Some(&clock)) {
        date = date.pred_opt().ok_or(NO_SUCH_DATE)?;
    }
    read_on(date, Some(&clock), ctx, zone)
}
