//! Machine-written times, the same in every language: Unix seconds and milliseconds (bare
//! numbers from attributes such as `data-ts`), ISO 8601 / RFC 3339 and RFC 2822.
//!
//! A time with seconds names that second, `(t-1s, t]` (fractions round up to the next whole
//! second); without seconds it names the minute; an ISO date alone names the whole day in the
//! zone. Without an offset, times are wall-clock times in the zone, unless a zone designator
//! follows ("2026-03-04 14:05 CET", "4 Mar 2026 14:05 GMT+7": see `designator`, whose
//! reading RFC 2822's zone names also take). A time with an offset lies at most an hour after
//! the fetch (`INSTANT_MARGIN`).

use super::absolute;
use super::designator;
use super::fail::Fail;
use super::interval::{Interval, Reading};
use super::zone::{self, Zone};
use super::{Context, INSTANT_MARGIN, not_ahead};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use regex::{Captures, Regex};
use std::ops::Range;
use std::sync::LazyLock;

// ASCII classes on purpose: Unicode `\d`, `\s` and `\b` make these patterns cost more to
// compile than a poll of a small page, and machine-written dates are ASCII.
static ISO: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[^0-9])([0-9]{4})-([0-9]{2})-([0-9]{2})(?:(?:t|[ \t\r\n]+)([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?[ \t\r\n]*(z(?-u:\b)|[+-][0-9]{2}(?::?[0-9]{2})?)?)?(?:$|[^0-9])",
    )
    .ok()
});

static RFC2822: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)([0-9]{1,2})[ \t\r\n]+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[ \t\r\n]+([0-9]{4})[ \t\r\n]+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?[ \t\r\n]*([+-][0-9]{4}|[a-z]{1,5})(?-u:\b)",
    )
    .ok()
});

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Read a machine-written time, if the text holds one: the reading and the bytes of the text
/// it took. A time with its own UTC offset (Unix time, ISO 8601 with an offset, RFC 2822) may
/// lie at most [`INSTANT_MARGIN`] after `now`.
pub fn read(text: &str, ctx: &Context) -> Result<Option<(Reading, Range<usize>)>, Fail> {
    let exact = |reading: Reading| not_ahead(reading, ctx.now, INSTANT_MARGIN, "1 hour");
    if let Some(r) = unix(text)? {
        return exact(r).map(|r| Some((r, 0..text.len())));
    }
    // The patterns are compiled at first use, which costs more than reading a small page's
    // dates: texts that cannot match ("18 minuten geleden") do not get that far.
    let iso_caps = if has_iso_date(text) {
        ISO.as_ref().and_then(|re| re.captures(text))
    } else {
        None
    };
    if let Some(caps) = iso_caps {
        let span = caps.get(0).map_or(0..text.len(), |m| m.range());
        let (reading, named) = iso(&caps, text, ctx)?;
        return if named {
            exact(reading).map(|r| Some((r, span)))
        } else {
            Ok(Some((reading, span)))
        };
    }
    if !may_be_rfc2822(text) {
        return Ok(None);
    }
    match RFC2822.as_ref().and_then(|re| re.captures(text)) {
        Some(caps) => {
            let span = caps.get(0).map_or(0..text.len(), |m| m.range());
            match rfc2822(&caps, text, ctx)? {
                Some(reading) => exact(reading).map(|r| Some((r, span))),
                None => Ok(None),
            }
        }
        None => Ok(None),
    }
}

/// Whether `text` holds `dddd-dd-dd` (ASCII digits), which every match of [`ISO`] does.
fn has_iso_date(text: &str) -> bool {
    text.as_bytes().windows(10).any(|w| {
        w.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
    })
}

/// Whether `text` holds a colon and an English month's abbreviation, as every match of
/// [`RFC2822`] does.
fn may_be_rfc2822(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains(':') && MONTHS.iter().any(|m| lower.contains(m))
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

/// The zone designator right after a match's last group ("2026-03-04 14:05 CET"): the zone
/// it names, `None` when there is none.
fn designated_after(
    caps: &Captures,
    text: &str,
    last: usize,
    ctx: &Context,
) -> Result<Option<Zone>, Fail> {
    let end = caps.get(last).map_or(text.len(), |m| m.end());
    match text.get(end..).and_then(designator::leading) {
        None => Ok(None),
        Some(Err(fail)) => Err(fail),
        Some(Ok(d)) => Zone::named(d, ctx.timezone)
            .map(Some)
            .ok_or(designator::INVALID),
    }
}

/// An ISO 8601 time, and whether it names an instant (has an offset or a zone designator).
fn iso(caps: &Captures, text: &str, ctx: &Context) -> Result<(Reading, bool), Fail> {
    let bad = Fail::OutOfRange("there is no such date or time");
    let year = i32::try_from(num(caps, 1).ok_or(bad)?).map_err(|_| bad)?;
    if !absolute::YEARS.contains(&year) {
        return Err(Fail::OutOfRange(absolute::OUTSIDE_YEARS));
    }
    let date = NaiveDate::from_ymd_opt(year, num(caps, 2).ok_or(bad)?, num(caps, 3).ok_or(bad)?)
        .ok_or(bad)?;
    let (Some(hour), Some(minute)) = (num(caps, 4), num(caps, 5)) else {
        // "2026-03-04 CET": a zone needs a clock time.
        if designated_after(caps, text, 3, ctx)?.is_some() {
            return Err(designator::NO_CLOCK);
        }
        return Ok((
            zone::day(ctx.timezone.into(), date, ctx.now).ok_or(bad)?,
            false,
        ));
    };
    let second = num(caps, 6);
    let fraction = caps
        .get(7)
        .is_some_and(|m| m.as_str().bytes().any(|b| b != b'0'));
    let time = NaiveTime::from_hms_opt(hour, minute, second.unwrap_or(0)).ok_or(bad)?;
    let local = date.and_time(time);
    let round_up = Duration::seconds(i64::from(fraction));
    if let Some(offset) = caps.get(8).map(|m| offset_seconds(m.as_str())) {
        let offset = Duration::seconds(offset.ok_or(bad)?);
        let utc = local.checked_sub_signed(offset).ok_or(bad)?.and_utc();
        let utc = utc.checked_add_signed(round_up).ok_or(bad)?;
        return Ok((
            match second {
                Some(_) => instant(utc),
                None => minute_at(utc).ok_or(bad)?,
            },
            true,
        ));
    }
    let last = if caps.get(7).is_some() {
        7
    } else if second.is_some() {
        6
    } else {
        5
    };
    let designated = designated_after(caps, text, last, ctx)?;
    let zone = designated.unwrap_or(ctx.timezone.into());
    let unsettled = match zone {
        Zone::Abbreviation(i, _) => designator::unsettled(i, local),
        _ => bad,
    };
    let reading = if second.is_some() {
        let t = zone::resolve(zone, local).ok_or(unsettled)?.0;
        instant(t.checked_add_signed(round_up).ok_or(bad)?)
    } else {
        zone::moment(zone, local, false).ok_or(unsettled)?
    };
    Ok((reading, designated.is_some()))
}

/// The minute starting at `t`: `(t-1s, t+59s]`.
fn minute_at(t: DateTime<Utc>) -> Option<Reading> {
    let interval = Interval::new(
        t.checked_sub_signed(Duration::seconds(1))?,
        t.checked_add_signed(Duration::seconds(59))?,
    )?;
    Some(Reading { interval, point: t })
}

/// An RFC 2822 time; its zone ("+0100", "GMT", "EST", and the other designators the reader
/// knows) read as after any clock time. `None` when the word after the time is no zone.
fn rfc2822(caps: &Captures, text: &str, ctx: &Context) -> Result<Option<Reading>, Fail> {
    let bad = Fail::OutOfRange("there is no such date or time");
    let month_name = caps
        .get(2)
        .map(|m| m.as_str().to_ascii_lowercase())
        .ok_or(bad)?;
    let month = MONTHS.iter().position(|m| *m == month_name).ok_or(bad)?;
    let year = i32::try_from(num(caps, 3).ok_or(bad)?).map_err(|_| bad)?;
    if !absolute::YEARS.contains(&year) {
        return Err(Fail::OutOfRange(absolute::OUTSIDE_YEARS));
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
    let local = date.and_time(time);
    let start = caps.get(7).ok_or(bad)?.start();
    let zone = match text.get(start..).and_then(designator::leading) {
        None => return Ok(None),
        Some(Err(fail)) => return Err(fail),
        Some(Ok(d)) => Zone::named(d, ctx.timezone).ok_or(designator::INVALID)?,
    };
    let unsettled = match zone {
        Zone::Abbreviation(i, _) => designator::unsettled(i, local),
        _ => bad,
    };
    let (utc, _) = zone::resolve(zone, local).ok_or(unsettled)?;
    match second {
        Some(_) => Ok(Some(instant(utc))),
        None => minute_at(utc).map(Some).ok_or(bad),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn iso_matches(text: &str) -> bool {
        ISO.as_ref().is_some_and(|re| re.is_match(text))
    }

    fn rfc_matches(text: &str) -> bool {
        RFC2822.as_ref().is_some_and(|re| re.is_match(text))
    }

    #[test]
    fn the_quick_checks_pass_what_the_patterns_match() {
        for text in [
            "2026-03-04",
            "x2026-03-04T13:30:00+01:00",
            "2026-03-04 13:30",
            "Wed, 4 Mar 2026 13:30:00 +0100",
            "4 MARCH 2026 13:30 GMT",
        ] {
            assert_eq!(has_iso_date(text), iso_matches(text), "{text}");
            assert!(!rfc_matches(text) || may_be_rfc2822(text), "{text}");
        }
        assert!(!has_iso_date("18 minuten geleden"));
        assert!(!may_be_rfc2822("18 minuten geleden"));
    }

    proptest! {
        /// Nothing either pattern matches is turned away by its quick check.
        #[test]
        fn the_quick_checks_never_turn_away_a_match(
            text in "[0-9a-zA-Z:+ .,-]{0,40}",
            date in "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]?[0-9:]{0,8}",
            when in "[0-9]{1,2} (Jan|mar|DEC)[a-z]* [0-9]{4} [0-9]{1,2}:[0-9]{2}(:[0-9]{2})? ?(GMT|[+-][0-9]{4})",
        ) {
            for t in [text.clone(), format!("{text}{date}"), format!("{date} {text}"), format!("{text} {when}")] {
                prop_assert!(!iso_matches(&t) || has_iso_date(&t), "{}", t);
                prop_assert!(!rfc_matches(&t) || may_be_rfc2822(&t), "{}", t);
            }
        }
    }
}
