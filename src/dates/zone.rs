//! Wall-clock times in a zone: turning local dates and times into intervals, DST included.
//!
//! A local time in the autumn fold (it happens twice) resolves to both instants, and the
//! interval covers both; one in the spring gap (it never happens) is read with the offset in
//! force before the gap, so Europe/Amsterdam 02:30 on 2026-03-29 is 01:30 UTC (03:30 CEST).

use super::{Interval, Reading};
use chrono::{
    DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;

/// The earliest and latest instant a local time names (equal outside a fold).
pub fn resolve(tz: Tz, local: NaiveDateTime) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some((t.to_utc(), t.to_utc())),
        LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.to_utc(), b.to_utc());
            Some((a.min(b), a.max(b)))
        }
        LocalResult::None => in_gap(tz, local).map(|t| (t, t)),
    }
}

/// A local time in a gap, read with the offset in force just before the gap.
fn in_gap(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    let step = Duration::minutes(15);
    let before = (1..=8 * 24).find_map(|k| {
        let earlier = local.checked_sub_signed(step * k)?;
        tz.from_local_datetime(&earlier).latest()
    })?;
    let offset = Duration::seconds(i64::from(before.offset().fix().local_minus_utc()));
    local
        .checked_sub_signed(offset)
        .map(|utc| DateTime::from_naive_utc_and_offset(utc, Utc))
}

/// The local calendar date of an instant.
pub fn local_date(tz: Tz, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// A clock time on a date: the minute it names (or the second, with `seconds`).
///
/// Minute 14:05 is `(14:04:59, 14:05:59]`, point 14:05:00; in a fold the interval runs from
/// the first occurrence to the end of the second, the point is the first.
pub fn moment(tz: Tz, local: NaiveDateTime, seconds: bool) -> Option<Reading> {
    let (first, last) = resolve(tz, local)?;
    let length = if seconds { 1 } else { 60 };
    let interval = Interval::new(
        first.checked_sub_signed(Duration::seconds(1))?,
        last.checked_add_signed(Duration::seconds(length - 1))?,
    )?;
    Some(Reading {
        interval,
        point: first,
    })
}

/// A whole calendar day, its end clamped to `now` when the day has begun by then.
///
/// The point is the start of the day.
pub fn day(tz: Tz, date: NaiveDate, now: DateTime<Utc>) -> Option<Reading> {
    let (start, _) = resolve(tz, date.and_time(NaiveTime::MIN))?;
    let (_, next) = resolve(tz, date.succ_opt()?.and_time(NaiveTime::MIN))?;
    let earliest = start.checked_sub_signed(Duration::seconds(1))?;
    let mut latest = next.checked_sub_signed(Duration::seconds(1))?;
    if earliest < now {
        latest = latest.min(now);
    }
    let interval = Interval::new(earliest, latest)?;
    Some(Reading {
        interval,
        point: interval.clamp(start),
    })
}

/// A date with an optional clock time: the whole day, or the minute/second.
pub fn on_date(
    tz: Tz,
    date: NaiveDate,
    clock: Option<(NaiveTime, bool)>,
    now: DateTime<Utc>,
) -> Option<Reading> {
    match clock {
        Some((time, seconds)) => moment(tz, date.and_time(time), seconds),
        None => day(tz, date, now),
    }
}
