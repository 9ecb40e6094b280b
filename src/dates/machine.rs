//! Machine-written times, the same in every language: Unix seconds and milliseconds (bare
//! numbers from attributes such as `data-ts`), ISO 8601 / RFC 3339 and RFC 2822.
//!
//! A time with seconds names that second, `(t-1s, t]` (fractions round up to the next whole
//! second); without seconds it names the minute; an ISO date alone names the whole day in the
//! zone. Without an offset, times are wall-clock times in the zone. A time with an offset
//! lies at most an hour after the fetch (`INSTANT_MARGIN`).

use super::{Context, Fail, INSTANT_MARGIN, Interval, Reading, not_ahead, zone};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use regex::{Captures, Regex};
use std::sync::LazyLock;

// ASCII classes on purpose: Unicode `\d`, `\s` and `\b` make these patterns cost more to
// compile than a poll of a small page, and machine-written dates are ASCII.
static ISO: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[^0-9])([0-9]{4})-([0-9]{2})-([0-9]{2})(?:(?:t|[ \t\r\n]+)([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?[ \t\r\n]*(z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?(?:$|[^0-9])",
    )
    .ok()
});

static RFC2822: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)([0-9]{1,2})[ \t\r\n]+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[ \t\r\n]+([0-9]{4})[ \t\r\n]+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?[ \t\r\n]*([+-][0-9]{4}|gmt|ut|utc|z|est|edt|cst|cdt|mst|mdt|pst|pdt)(?-u:\b)",
    )
    .ok()
});

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Read a machine-written time, if the text holds one. A time with its own UTC offset (Unix
/// time, ISO 8601 with an offset, RFC 2822) may lie at most [`INSTANT_MARGIN`] after `now`.
pub fn read(text: &str, ctx: &Context) -> Result<Option<Reading>, Fail> {
    let exact = |reading: Reading| not_ahead(reading, ctx.now, INSTANT_MARGIN, "1 hour");
    if let Some(r) = unix(text)? {
        return exact(r).map(Some);
    }
    if let Some(caps) = ISO.as_ref().and_then(|re| re.captures(text)) {
        let reading = iso(&caps, ctx)?;
        return match caps.get(8) {
            Some(_) => exact(reading).map(Some),
            None => Ok(Some(reading)),
        };
    }
    if let Some(caps) = RFC2822.as_ref().and_then(|re| re.captures(text)) {
        return exact(rfc2822(&caps)?).map(Some);
    }
    Ok(None)
}

fn instant(t: DateTime<Utc>) -> Reading {
    Reading {
        interval: Interval::at(t),
        point: t,
    }
}

/// A bare number of 9–10 digits (seconds) or 12–13 digits (milliseconds).
fn unix(text: &str) -> Result<Option<Reading>, Fail> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let Ok(value) = text.parse::<i64>() else {
        return Ok(None);
    };
    let (secs, millis) = match text.len() {
        9 | 10 => (value, 0),
        12 | 13 => (value / 1000, value % 1000),
        _ => return Ok(None),
    };
    let secs = if millis > 0 { secs + 1 } else { secs };
    DateTime::from_timestamp(secs, 0)
        .map(|t| Some(instant(t)))
        .ok_or(Fail::OutOfRange("the timestamp is too large"))
}

fn num(caps: &Captures, i: usize) -> Option<u32> {
    caps.get(i).and_then(|m| m.as_str().parse().ok())
}

/// An offset like "Z", "+01:00", "+0100", "-05" in seconds east of UTC.
fn offset_seconds(text: &str) -> Option<i64> {
    if text.eq_ignore_ascii_case("z") {
        return Some(0);
    }
    let sign = if text.starts_with('-') { -1 } else { 1 };
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let hours: i64 = digits.get(0..2)?.parse().ok()?;
    let minutes: i64 = digits.get(2..4).map_or(Some(0), |m| m.parse().ok())?;
    (hours <= 23 && minutes <= 59).then_some(sign * (hours * 3600 + minutes * 60))
}

fn iso(caps: &Captures, ctx: &Context) -> Result<Reading, Fail> {
    let bad = Fail::OutOfRange("there is no such date or time");
    let year = i32::try_from(num(caps, 1).ok_or(bad)?).map_err(|_| bad)?;
    if !super::absolute::YEARS.contains(&year) {
        return Err(Fail::OutOfRange(super::OUTSIDE_YEARS));
    }
    let date = NaiveDate::from_ymd_opt(year, num(caps, 2).ok_or(bad)?, num(caps, 3).ok_or(bad)?)
        .ok_or(bad)?;
    let (Some(hour), Some(minute)) = (num(caps, 4), num(caps, 5)) else {
        return zone::day(ctx.timezone, date, ctx.now).ok_or(bad);
    };
    let second = num(caps, 6);
    let fraction = caps
        .get(7)
        .is_some_and(|m| m.as_str().bytes().any(|b| b != b'0'));
    let time = NaiveTime::from_hms_opt(hour, minute, second.unwrap_or(0)).ok_or(bad)?;
    let local = date.and_time(time);
    let round_up = Duration::seconds(i64::from(fraction));
    match caps.get(8).map(|m| offset_seconds(m.as_str())) {
        Some(offset) => {
            let offset = Duration::seconds(offset.ok_or(bad)?);
            let utc = local.checked_sub_signed(offset).ok_or(bad)?.and_utc();
            let utc = utc.checked_add_signed(round_up).ok_or(bad)?;
            Ok(match second {
                Some(_) => instant(utc),
                None => minute_at(utc).ok_or(bad)?,
            })
        }
        None if second.is_some() => {
            let t = zone::resolve(ctx.timezone, local).ok_or(bad)?.0;
            Ok(instant(t.checked_add_signed(round_up).ok_or(bad)?))
        }
        None => zone::moment(ctx.timezone, local, false).ok_or(bad),
    }
}

/// The minute starting at `t`: `(t-1s, t+59s]`.
fn minute_at(t: DateTime<Utc>) -> Option<Reading> {
    let interval = Interval::new(
        t.checked_sub_signed(Duration::seconds(1))?,
        t.checked_add_signed(Duration::seconds(59))?,
    )?;
    Some(Reading { interval, point: t })
}

fn zone_offset(name: &str) -> Option<i64> {
    let hours = match name.to_ascii_lowercase().as_str() {
        "gmt" | "ut" | "utc" | "z" => 0,
        "edt" => -4,
        "est" | "cdt" => -5,
        "cst" | "mdt" => -6,
        "mst" | "pdt" => -7,
        "pst" => -8,
        _ => return offset_seconds(name),
    };
    Some(hours * 3600)
}

fn rfc2822(caps: &Captures) -> Result<Reading, Fail> {
    let bad = Fail::OutOfRange("there is no such date or time");
    let month_name = caps
        .get(2)
        .map(|m| m.as_str().to_ascii_lowercase())
        .ok_or(bad)?;
    let month = MONTHS.iter().position(|m| *m == month_name).ok_or(bad)?;
    let year = i32::try_from(num(caps, 3).ok_or(bad)?).map_err(|_| bad)?;
    if !super::absolute::YEARS.contains(&year) {
        return Err(Fail::OutOfRange(super::OUTSIDE_YEARS));
    }
    let month = u32::try_from(month + 1).map_err(|_| bad)?;
    let date = NaiveDate::from_ymd_opt(year, month, num(caps, 1).ok_or(bad)?).ok_or(bad)?;
    let second = num(caps, 6);
    let time = NaiveTime::from_hms_opt(
        num(caps, 4).ok_or(bad)?,
        num(caps, 5).ok_or(bad)?,
        second.unwrap_or(0),
    )
    .ok_or(bad)?;
    let offset = caps
        .get(7)
        .and_then(|m| zone_offset(m.as_str()))
        .ok_or(bad)?;
    let utc = date
        .and_time(time)
        .checked_sub_signed(Duration::seconds(offset))
        .ok_or(bad)?
        .and_utc();
    match second {
        Some(_) => Ok(instant(utc)),
        None => minute_at(utc).ok_or(bad),
    }
}
