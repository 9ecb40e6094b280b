//! Relative ages: "18 minuten geleden", "vor 2 Stunden", "il y a 5 min", "hace unos 5 minutos",
//! "1 uur en 5 minuten geleden", "3u", "een kwartier geleden", and "just now" words.
//!
//! An age of n units read with floor rounding means an age in [n, n+1) units; with nearest
//! rounding [n-½, n+½) units. Seconds to weeks are real durations; months count 28 to 31
//! days and years 365 to 366 days, so the truth is inside whichever way a site counts them.

use super::clock::continues_number;
use super::fail::Fail;
use super::interval::{Interval, Reading};
use super::lang::Unit;
use super::lexicon::Lex;
use super::text::{Tok, numbers_within};
use super::{Context, Rounding, zone};
use chrono::{DateTime, Duration, Months, Utc};

/// "Just now" is the five minutes before the fetch: sites say it for ages of a few seconds
/// up to a minute or two, and five minutes leaves room for slow caches.
pub const JUST_NOW_SECONDS: i64 = 5 * 60;

/// What a qualifier before an age says about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qualifier {
    /// No qualifier: the site's rounding.
    Exact,
    /// "About N": the site's rounding, one unit wider on either side.
    About,
    /// "Less than N": 0 to N units.
    Less,
    /// "Almost N": N-1 to N units.
    Almost,
    /// "Over N": N units to N units plus one of the next larger unit.
    Over,
}

/// The next larger unit's longest length in seconds, for "over N units".
fn next_unit(unit_secs: u64) -> u64 {
    match unit_secs {
        ..60 => 60,
        60..3_600 => 3_600,
        3_600..DAY => DAY,
        DAY..604_800 => 7 * DAY,
        604_800..2_419_200 => 31 * DAY,
        2_419_200..31_536_000 => 366 * DAY,
        _ => 10 * 366 * DAY,
    }
}

/// One part of an age.
#[derive(Clone, Copy, Debug)]
enum Amount {
    Count(u64, Unit),
    /// "a few", "enkele", "quelques": 1 to 9 units.
    Few(Unit),
    /// A fixed age in minutes with its precision: "een kwartier" (15, 15).
    Span(u32, u32),
}

const DAY: u64 = 86_400;

/// Shortest and longest length of a unit in seconds.
fn length(unit: Unit) -> (u64, u64) {
    match unit {
        Unit::Second => (1, 1),
        Unit::Minute => (60, 60),
        Unit::Hour => (3_600, 3_600),
        Unit::Day => (DAY, DAY),
        Unit::Week => (7 * DAY, 7 * DAY),
        Unit::Month => (28 * DAY, 31 * DAY),
        Unit::Year => (365 * DAY, 366 * DAY),
    }
}

/// Calendar months in a unit (for the point), or 0 for fixed-length units.
fn months_in(unit: Unit) -> u64 {
    match unit {
        Unit::Month => 1,
        Unit::Year => 12,
        _ => 0,
    }
}

/// An age being added up, in seconds.
#[derive(Default)]
struct Age {
    min: u64,
    max: u64,
    /// The age the text names: calendar months plus seconds.
    months: u64,
    secs: u64,
    /// Shortest and longest length of the smallest unit named (the precision).
    step: (u64, u64),
    qualifier: Option<Qualifier>,
}

const TOO_BIG: Fail = Fail::OutOfRange("the age is too large");

fn mul(a: u64, b: u64) -> Result<u64, Fail> {
    a.checked_mul(b).ok_or(TOO_BIG)
}

fn add(a: u64, b: u64) -> Result<u64, Fail> {
    a.checked_add(b).ok_or(TOO_BIG)
}

impl Age {
    fn add(&mut self, amount: Amount) -> Result<(), Fail> {
        let (count_min, count_max, nominal, unit_len, months) = match amount {
            Amount::Count(n, unit) => (n, n, n, length(unit), months_in(unit)),
            Amount::Few(unit) => (1, 9, 2, length(unit), months_in(unit)),
            Amount::Span(minutes, step) => {
                let secs = u64::from(minutes) * 60;
                let step = u64::from(step) * 60;
                self.min = add(self.min, secs)?;
                self.max = add(self.max, secs)?;
                self.secs = add(self.secs, secs)?;
                self.step = (step, step);
                return Ok(());
            }
        };
        self.min = add(self.min, mul(count_min, unit_len.0)?)?;
        self.max = add(self.max, mul(count_max, unit_len.1)?)?;
        if months > 0 {
            self.months = add(self.months, mul(nominal, months)?)?;
        } else {
            self.secs = add(self.secs, mul(nominal, unit_len.0)?)?;
        }
        self.step = unit_len;
        Ok(())
    }

    /// The least and greatest age (in seconds) the text allows, greatest exclusive.
    fn bounds(&self, rounding: Rounding) -> Result<(u64, u64), Fail> {
        let step = self.step.1;
        match self.qualifier.unwrap_or(Qualifier::Exact) {
            Qualifier::Exact => self.rounded(rounding),
            Qualifier::About => {
                let (least, most) = self.rounded(rounding)?;
                Ok((least.saturating_sub(step), add(most, step)?))
            }
            Qualifier::Less => Ok((0, self.min)),
            Qualifier::Almost => Ok((self.min.saturating_sub(step), self.min)),
            Qualifier::Over => Ok((self.min, add(self.max, next_unit(step))?)),
        }
    }

    fn rounded(&self, rounding: Rounding) -> Result<(u64, u64), Fail> {
        match rounding {
            Rounding::Floor => Ok((self.min, add(self.max, self.step.1)?)),
            Rounding::Nearest => Ok((
                self.min.saturating_sub(self.step.0 / 2),
                add(self.max, self.step.1.div_ceil(2))?,
            )),
        }
    }
}

fn before(now: DateTime<Utc>, secs: u64) -> Result<DateTime<Utc>, Fail> {
    i64::try_from(secs)
        .ok()
        .and_then(Duration::try_seconds)
        .and_then(|d| now.checked_sub_signed(d))
        .ok_or(TOO_BIG)
}

/// The reading of "just now".
pub fn just_now(ctx: &Context) -> Result<Reading, Fail> {
    let earliest = before(ctx.now, JUST_NOW_SECONDS.unsigned_abs())?;
    let interval = Interval::new(earliest, ctx.now).ok_or(TOO_BIG)?;
    Ok(Reading {
        interval,
        point: ctx.now,
    })
}

/// The reading of an age of `n` units, in the context's rounding ("5 минут назад"), or as
/// a qualifier says ("около 2 часов назад").
pub fn count(n: u64, unit: Unit, qualifier: Qualifier, ctx: &Context) -> Result<Reading, Fail> {
    reading(&[Amount::Count(n, unit)], qualifier, ctx)
}

/// A "just now" phrase anywhere in a text without numbers ("now - 1 hour" is not just now).
pub fn read_just_now(toks: &[Tok], lex: &Lex, ctx: &Context) -> Result<Option<Reading>, Fail> {
    if toks.iter().any(Tok::is_num) {
        return Ok(None);
    }
    match lex.just_now.find(toks) {
        // "今" (now) at the start of "今日" (today) is the day word's.
        Some((i, _, len)) if lex.days.at(toks, i).is_some_and(|(_, l)| l > len) => Ok(None),
        // "acum" is "now" and the word of the past of "acum o lună": an age beside it is
        // not read as now.
        Some((i, _, len))
            if (0..toks.len()).any(|k| !(i..i + len).contains(&k) && lex.age_word(toks, k)) =>
        {
            Ok(None)
        }
        Some(_) => just_now(ctx).map(Some),
        None => Ok(None),
    }
}

fn reading(amounts: &[Amount], qualifier: Qualifier, ctx: &Context) -> Result<Reading, Fail> {
    if let ([Amount::Few(Unit::Second)], Qualifier::Exact | Qualifier::About) = (amounts, qualifier)
    {
        return just_now(ctx);
    }
    let mut age = Age {
        qualifier: Some(qualifier),
        ..Age::default()
    };
    for amount in amounts {
        age.add(*amount)?;
    }
    let (least, most) = age.bounds(ctx.rounding)?;
    // "Less than a minute" names no age: its point is the latest it allows.
    let point = match qualifier {
        Qualifier::Less => None,
        _ => Some(named_point(&age, ctx)?),
    };
    ages(least, most, point, ctx)
}

/// The reading of an age of `least` to `most` seconds (exclusive), with the named point, or
/// the latest instant when there is none.
fn ages(
    least: u64,
    most: u64,
    point: Option<DateTime<Utc>>,
    ctx: &Context,
) -> Result<Reading, Fail> {
    let interval = Interval::new(before(ctx.now, most)?, before(ctx.now, least)?).ok_or(TOO_BIG)?;
    Ok(Reading {
        interval,
        point: interval.clamp(point.unwrap_or(interval.latest)),
    })
}

/// `now` minus the named age, months counted on the calendar in the zone.
fn named_point(age: &Age, ctx: &Context) -> Result<DateTime<Utc>, Fail> {
    let mut from = ctx.now;
    if age.months > 0 {
        let months = u32::try_from(age.months).map_err(|_| TOO_BIG)?;
        let local = ctx.now.with_timezone(&ctx.timezone).naive_local();
        let earlier = local
            .checked_sub_months(Months::new(months))
            .ok_or(TOO_BIG)?;
        from = zone::resolve(ctx.timezone.into(), earlier)
            .ok_or(TOO_BIG)?
            .0;
    }
    before(from, age.secs)
}

/// A unit at token `j`; one-letter units ("u", "h") only after digits.
fn unit_at(toks: &[Tok], lex: &Lex, j: usize, after_digits: bool) -> Option<(Unit, usize)> {
    let (unit, len) = lex.units.at(toks, j)?;
    (after_digits || toks[j].text.len() > 1).then_some((unit, len))
}

/// A qualifier phrase at token `i`: what it says and its length.
pub fn qualifier_at(toks: &[Tok], lex: &Lex, i: usize) -> Option<(Qualifier, usize)> {
    [
        (&lex.less, Qualifier::Less),
        (&lex.almost, Qualifier::Almost),
        (&lex.over, Qualifier::Over),
        (&lex.approx, Qualifier::About),
    ]
    .into_iter()
    .filter_map(|(words, q)| words.at(toks, i).map(|(_, len)| (q, len)))
    .max_by_key(|&(_, len)| len)
}

/// A number at token `i` written with thousands separators ("1 000", "1.000", "1,000", any
/// space between the groups): its value and the token after it.
fn grouped(toks: &[Tok], i: usize) -> Result<(u64, usize), Fail> {
    let too_large = Fail::OutOfRange("the number is too large");
    let first = &toks[i];
    let mut value = first.value().ok_or(too_large)?;
    let mut j = i + 1;
    let group = |k: usize| toks.get(k).filter(|t| t.is_num() && t.digits() == 3);
    while first.digits() <= 3 {
        if let Some(g) = group(j).filter(|t| t.spaced) {
            value = add(mul(value, 1000)?, g.value().ok_or(too_large)?)?;
            j += 1;
        } else if toks
            .get(j)
            .is_some_and(|t| (t.is_sep('.') || t.is_sep(',')) && !t.spaced)
            && let Some(g) = group(j + 1).filter(|t| !t.spaced)
        {
            value = add(mul(value, 1000)?, g.value().ok_or(too_large)?)?;
            j += 2;
        } else {
            break;
        }
    }
    Ok((value, j))
}

/// One amount starting at token `i`, after any qualifier: the amount, its end, and the
/// qualifier.
fn amount_at(
    toks: &[Tok],
    lex: &Lex,
    mut i: usize,
) -> Result<Option<(Amount, usize, Qualifier)>, Fail> {
    let mut qualifier = Qualifier::Exact;
    loop {
        if let Some(((minutes, step), len)) = lex.spans.at(toks, i) {
            return Ok(Some((Amount::Span(minutes, step), i + len, qualifier)));
        }
        if let Some((_, len)) = lex.few.at(toks, i)
            && let Some((unit, ulen)) = unit_at(toks, lex, i + len, false)
        {
            return Ok(Some((Amount::Few(unit), i + len + ulen, qualifier)));
        }
        if let Some((n, len)) = lex.numbers.at(toks, i)
            && let Some((unit, ulen)) = unit_at(toks, lex, i + len, false)
        {
            let amount = Amount::Count(u64::from(n), unit);
            return Ok(Some((amount, i + len + ulen, qualifier)));
        }
        if toks.get(i).is_some_and(Tok::is_num) && !continues_number(toks, i) {
            // Thousands separators first ("1 000 minutes"), then the number alone.
            let (n, j) = grouped(toks, i)?;
            if j > i + 1
                && let Some((unit, ulen)) = unit_at(toks, lex, j, true)
            {
                return Ok(Some((Amount::Count(n, unit), j + ulen, qualifier)));
            }
            if let Some((unit, ulen)) = unit_at(toks, lex, i + 1, true) {
                let n = toks[i]
                    .value()
                    .ok_or(Fail::OutOfRange("the number is too large"))?;
                return Ok(Some((Amount::Count(n, unit), i + 1 + ulen, qualifier)));
            }
        }
        match qualifier_at(toks, lex, i) {
            Some((q, len)) if qualifier == Qualifier::Exact => {
                qualifier = q;
                i += len;
            }
            _ => return Ok(None),
        }
    }
}

/// Amounts joined by nothing, a comma or "en"/"and"/"und": "1 uur en 5 minuten"; the
/// qualifier before the first holds for the whole age.
fn amounts_at(
    toks: &[Tok],
    lex: &Lex,
    i: usize,
) -> Result<Option<(Vec<Amount>, usize, Qualifier)>, Fail> {
    let Some((first, mut end, qualifier)) = amount_at(toks, lex, i)? else {
        return Ok(None);
    };
    let mut amounts = vec![first];
    if let Some(minutes) = trailing_minutes(toks, lex, first, end) {
        amounts.push(Amount::Count(minutes, Unit::Minute));
        end += 1;
    }
    loop {
        let joiner = if toks.get(end).is_some_and(|t| t.is_sep(',')) {
            1
        } else {
            lex.joiners.at(toks, end).map_or(0, |(_, len)| len)
        };
        match amount_at(toks, lex, end + joiner)? {
            Some((next, next_end, Qualifier::Exact)) => {
                amounts.push(next);
                end = next_end;
            }
            _ => return Ok(Some((amounts, end, qualifier))),
        }
    }
}

/// The "30" of "1u30" / "1h30": two digits glued to an hour unit, with no unit of their own.
fn trailing_minutes(toks: &[Tok], lex: &Lex, amount: Amount, end: usize) -> Option<u64> {
    let tok = toks
        .get(end)
        .filter(|t| t.is_num() && !t.spaced && t.digits() == 2)?;
    let minutes = tok.value().filter(|m| *m < 60)?;
    let after_hours = matches!(amount, Amount::Count(_, Unit::Hour));
    (after_hours && lex.units.at(toks, end + 1).is_none()).then_some(minutes)
}

/// A minus sign glued to the number at `i` ("-3 uur"), not a dash between words or numbers.
fn negative(toks: &[Tok], i: usize) -> bool {
    i >= 1
        && toks[i - 1].is_sep('-')
        && !toks[i].spaced
        && (i == 1 || toks[i - 1].spaced || !toks[i - 2].is_num())
}

/// A relative age in the text. With `marked`, only one with a word of the past ("geleden",
/// "vor", "ago") next to it; without, any ("3u", "5 min"). A word of the future next to it
/// ("over 3 uur", "in 2 hours") is an error.
pub fn read(toks: &[Tok], lex: &Lex, ctx: &Context, marked: bool) -> Result<Option<Reading>, Fail> {
    if !marked && !lex.bare_ages {
        return Ok(None);
    }
    // A vague span has no number and no other date word: "last week at 14:05" (or a weekday
    // that shares its word, Lao "ວັນອາທິດແລ້ວນີ້ເວລາ 14:05", last Sunday) and "gisteren vorige
    // week" are no span of 14 days.
    let other_date = |i: usize| {
        toks[i].is_num()
            || lex.days.at(toks, i).is_some()
            || lex.months.at(toks, i).is_some()
            || lex.weekdays.at(toks, i).is_some()
    };
    if marked
        && let Some((at, (least, most), len)) = lex.vague.find(toks)
        && !(0..toks.len()).any(|i| !(at..at + len).contains(&i) && other_date(i))
    {
        let (least, most) = (mul(u64::from(least), DAY)?, mul(u64::from(most), DAY)?);
        return ages(least, most, None, ctx).map(Some);
    }
    let mut i = 0;
    while i < toks.len() {
        let Some((amounts, end, qualifier)) = amounts_at(toks, lex, i)? else {
            i += 1;
            continue;
        };
        if lex.future_before.ending_at(toks, i).is_some()
            || lex.future_after.at(toks, end).is_some()
        {
            return Err(Fail::Future);
        }
        if negative(toks, i) {
            return Err(Fail::OutOfRange("an age cannot be negative"));
        }
        let past = lex.ago_before.ending_at(toks, i).is_some()
            || lex.ago_after.at(toks, end).is_some()
            || lex.framed(toks, i, end);
        if past || !marked {
            // Every number of the text is part of the age: "5 min, 3 uur" is not one.
            if !numbers_within(toks, std::slice::from_ref(&(i..end))) {
                return Ok(None);
            }
            return reading(&amounts, qualifier, ctx).map(Some);
        }
        i = end;
    }
    Ok(None)
}
