//! Wall-clock times in a zone: turning local dates and times into intervals, DST included.
//!
//! A local time in the autumn fold (it happens twice) resolves to both instants, and the
//! interval covers both; one in the spring gap (it never happens) is read with the offset in
//! force before the gap, so Europe/Amsterdam 02:30 on 2026-03-29 is 01:30 UTC (03:30 CEST).
//! A zone a text names after its clock ("GMT+7", "CET") replaces the feed's: an offset has
//! neither fold nor gap, an abbreviation names the offset it has at that wall time.

use super::designator;
use super::interval::{Interval, Reading};
use chrono::{
    DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Utc,
};
use chrono_tz::Tz;

/// The zone wall times are read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    /// The feed's zone.
    Feed(Tz),
    /// An offset the text names: "GMT+7", "+05:30", "UTC".
    Offset(FixedOffset),
    /// An abbreviation the text names ("CET", "IST": see `designator`), and the feed's zone,
    /// which settles an abbreviation that names several offsets.
    Abbreviation(usize, Tz),
}

impl From<Tz> for Zone {
    fn from(tz: Tz) -> Zone {
        Zone::Feed(tz)
    }
}

impl Zone {
    /// The zone a designator names, read where the feed's zone is `feed`.
    pub fn named(designator: designator::Designator, feed: Tz) -> Option<Zone> {
        match designator {
            designator::Designator::Offset(s) => FixedOffset::east_opt(s).map(Zone::Offset),
            designator::Designator::Abbreviation(i) => Some(Zone::Abbreviation(i, feed)),
        }
    }

    /// Whether the text named the zone: its readings name instants.
    pub fn named_in_text(self) -> bool {
        !matches!(self, Zone::Feed(_))
    }
}

/// The earliest and latest instant a local time names (equal outside a fold).
pub fn resolve(zone: Zone, local: NaiveDateTime) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let tz = match zone {
        Zone::Feed(tz) => tz,
        Zone::Offset(offset) => return fixed(offset, local),
        Zone::Abbreviation(i, feed) => return fixed(designator::at_local(i, local, feed)?, local),
    };
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some((t.to_utc(), t.to_utc())),
        LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.to_utc(), b.to_utc());
            Some((a.min(b), a.max(b)))
        }
        LocalResult::None => in_gap(tz, local).map(|t| (t, t)),
    }
}

/// A local time at a fixed offset.
fn fixed(offset: FixedOffset, local: NaiveDateTime) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let t = offset.from_local_datetime(&local).single()?.to_utc();
    Some((t, t))
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

/// The local calendar date of an instant. An abbreviation that names no one offset at the
/// instant gives the feed's date.
pub fn local_date(zone: Zone, t: DateTime<Utc>) -> NaiveDate {
    match zone {
        Zone::Feed(tz) => t.with_timezone(&tz).date_naive(),
        Zone::Offset(offset) => t.with_timezone(&offset).date_naive(),
        Zone::Abbreviation(i, feed) => match designator::at_instant(i, t, feed) {
            Some(offset) => t.with_timezone(&offset).date_naive(),
            None => t.with_timezone(&feed).date_naive(),
        },
    }
}

/// A clock time on a date: the minute it names (or the second, with `seconds`).
///
/// Minute 14:05 is `(14:04:59, 14:05:59]`, point 14:05:00; in a fold the interval runs from
/// the first occurrence to the end of the second, the point is the first.
pub fn moment(zone: Zone, local: NaiveDateTime, seconds: bool) -> Option<Reading> {
    let (first, last) = resolve(zone, local)?;
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
pub fn day(zone: Zone, date: NaiveDate, now: DateTime<Utc>) -> Option<Reading> {
    let (start, _) = resolve(zone, date.and_time(NaiveTime::MIN))?;
    let (_, next) = resolve(zone, date.succ_opt()?.and_time(NaiveTime::MIN))?;
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
    zone: Zone,
    date: NaiveDate,
    clock: Option<(NaiveTime, bool)>,
    now: DateTime<Utc>,
) -> Option<Reading> {
    match clock {
        Some((time, seconds)) => moment(zone, date.and_time(time), seconds),
        None => day(zone, date, now),
    }
}
