//! Clock times inside a token list: "14:05", "14:05:30", "3:04 PM", "14h05", "14.05 uur",
//! "9 Uhr" after "um", "à 14h". A zone designator after one ("14:05 CET") is `designator`'s.

use super::lexicon::Lex;
use super::text::{Kind, Tok};
use chrono::NaiveTime;
use std::ops::Not;
use std::ops::Range;

/// A clock time found in a text, with the tokens it took.
#[derive(Clone, Debug)]
pub struct Clock {
    pub time: NaiveTime,
    /// Whether seconds were given (then the text names a second, else a minute).
    pub seconds: bool,
    pub tokens: Range<usize>,
}

impl Clock {
    pub fn parts(&self) -> (NaiveTime, bool) {
        (self.time, self.seconds)
    }
}

#[derive(PartialEq)]
enum Form {
    Colon,
    Dot,
    Letter,
    HourOnly,
}

/// Whether token `i` is a number glued to a separator glued to another number before it
/// (the "05" of "14:05" or of "27.05.2026"), so no clock or age can start there.
pub fn continues_number(toks: &[Tok], i: usize) -> bool {
    i >= 2
        && !toks[i].spaced
        && toks[i - 1].kind == Kind::Sep
        && !toks[i - 1].spaced
        && toks[i - 2].is_num()
}

fn two_digits(toks: &[Tok], i: usize) -> Option<u32> {
    let t = toks.get(i)?;
    (t.digits() == 2)
        .then(|| t.value())?
        .and_then(|v| u32::try_from(v).ok())
}

fn glued_sep(toks: &[Tok], i: usize, c: char) -> bool {
    toks.get(i).is_some_and(|t| t.is_sep(c) && !t.spaced)
}

/// The hour of a clock written as `hour` in a day period that covers the hours `from` to
/// `before` (across midnight when `before` is not after `from`): the one of `hour` and
/// `hour + 12` inside it; none when neither or both are.
fn in_period(hour: u32, (from, before): (u32, u32)) -> Option<u32> {
    let inside = |h: u32| {
        if from < before {
            (from..before).contains(&h)
        } else {
            h >= from || h < before
        }
    };
    let candidates: Vec<u32> = match hour {
        1..=12 => vec![hour % 12, hour % 12 + 12],
        _ => vec![hour],
    };
    let mut fitting = candidates.into_iter().filter(|&h| h < 24 && inside(h));
    match (fitting.next(), fitting.next()) {
        (Some(h), None) => Some(h),
        _ => None,
    }
}

/// The first clock time in the tokens outside `skip`.
///
/// `loose` (a date or day word is already known) also accepts "14.05" without "uur".
pub fn find(toks: &[Tok], lex: &Lex, loose: bool, skip: Range<usize>) -> Option<Clock> {
    (0..toks.len()).filter(|i| !skip.contains(i)).find_map(|i| {
        at(toks, lex, i, loose).filter(|c| c.tokens.end <= skip.start || c.tokens.start >= skip.end)
    })
}

/// A clock time starting at token `i`.
pub fn at(toks: &[Tok], lex: &Lex, i: usize, loose: bool) -> Option<Clock> {
    let first = toks.get(i)?;
    if !first.is_num() || !(1..=2).contains(&first.digits()) || continues_number(toks, i) {
        return None;
    }
    // "-5 m" is a negative number, not five o'clock.
    let signed = i >= 1
        && toks[i - 1].is_sep('-')
        && !first.spaced
        && (i == 1 || toks[i - 1].spaced || !toks[i - 2].is_num());
    if signed {
        return None;
    }
    let mut hour = u32::try_from(first.value()?).ok()?;
    let (mut minute, mut second) = (0, None);
    let mut j = i + 1;
    // After a dot the minutes touch it: "3. 14" is a day with its dot and another number.
    // After a colon a space may come between ("১৪: ০৫", as Bengali sites write it).
    let minutes_at = |k: usize| two_digits(toks, k).filter(|_| toks[k].spaced.not());
    let form = if glued_sep(toks, j, ':') && two_digits(toks, j + 1).is_some() {
        minute = two_digits(toks, j + 1)?;
        j += 2;
        if glued_sep(toks, j, ':') {
            second = Some(two_digits(toks, j + 1)?);
            j += 2;
        }
        Form::Colon
    } else if glued_sep(toks, j, '.') && minutes_at(j + 1).is_some() {
        minute = two_digits(toks, j + 1)?;
        j += 2;
        Form::Dot
    } else if let Some((_, len)) = lex
        .clock_after
        .at(toks, j)
        .filter(|&(_, len)| two_digits(toks, j + len).is_some())
    {
        minute = two_digits(toks, j + len)?;
        j += len + 1;
        Form::Letter
    } else {
        Form::HourOnly
    };
    let (mut am, mut pm) = (lex.am.at(toks, j), lex.pm.at(toks, j));
    j += am.or(pm).map_or(0, |(_, len)| len);
    // "下午2:05", "오후 2:05", "PM 4:40": the day period before the hour; a word that is
    // also one leading to a clock (Welsh "am", at) is that only, where periods follow.
    let at_word = lex.clock_before.ending_at(toks, i).is_some();
    if am.is_none() && pm.is_none() && (lex.period_first || !at_word) {
        (am, pm) = (lex.am.ending_at(toks, i), lex.pm.ending_at(toks, i));
    }
    // A day period of its own ("सुबह 8:15", "晚8:00", "8:15 बजे सुबह"), before or after.
    let mut period = None;
    if am.is_none() && pm.is_none() {
        period = match lex.periods.at(toks, j) {
            Some((hours, len)) => {
                j += len;
                Some(hours)
            }
            None => lex.periods.ending_at(toks, i).map(|(hours, _)| hours),
        };
    }
    if let Some(hours) = period {
        hour = in_period(hour, hours)?;
    }
    let twelve = am.is_some() || pm.is_some() || period.is_some();
    let marker = match lex.clock_after.at(toks, j) {
        Some((_, len)) if form != Form::Letter => {
            j += len;
            Some(len)
        }
        _ => None,
    };
    let filler = lex.clock_before.ending_at(toks, i).is_some();
    let accepted = match form {
        Form::Colon | Form::Letter => true,
        Form::Dot => twelve || marker.is_some() || loose || filler,
        Form::HourOnly => {
            let unit_follows = lex.units.at(toks, i + 1).is_some();
            twelve
                || (filler && (marker.is_some() || !unit_follows))
                || (marker.is_some() && !unit_follows)
        }
    };
    if !accepted || toks.get(j).is_some_and(|t| t.is_num() && !t.spaced) {
        return None;
    }
    // "14:05 pm": a 24-hour clock with a redundant "pm" (as NDTV writes) is that hour.
    let redundant_pm = pm.is_some() && (13..=23).contains(&hour);
    if (am.is_some() || pm.is_some()) && !redundant_pm {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour %= 12;
        if pm.is_some() {
            hour += 12;
        }
    }
    let time = NaiveTime::from_hms_opt(hour, minute, second.unwrap_or(0))?;
    Some(Clock {
        time,
        seconds: second.is_some(),
        tokens: i..j,
    })
}
