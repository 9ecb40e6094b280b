//! Calendars other than the Gregorian: the Solar Hijri (Persian) calendar of Iranian and
//! Afghan sites, and the years of an era such as the Thai Buddhist era.
//!
//! Solar Hijri dates are converted by the 33-year arithmetic rule that Unicode's ICU
//! (`PersianCalendar`) and ICU4X (`fast_persian`) use: year `y` begins
//! `365 (y - 1) + floor((8 y + 21) / 33)` days after 1 Farvardin 1 (22 March 622,
//! proleptic Gregorian), months 1 to 6 have 31 days, 7 to 11 have 30, Esfand 29, or 30 in a
//! leap year. The official calendar is astronomical (the year begins on the day of the
//! vernal equinox at 52.5° E); ICU's published corrections show that the 33-year rule first
//! departs from it in 1502, so the rule is exact for every year the reader accepts
//! ([`PERSIAN_YEARS`], 1300 to 1500: 1921 to 2122).

use chrono::{Datelike, Days, NaiveDate};
use std::ops::RangeInclusive;

/// Solar Hijri years a date may name: 1300 (1921) to 1500 (2122).
pub const PERSIAN_YEARS: RangeInclusive<i32> = 1300..=1500;

/// Days from 1 Farvardin 1 to 1 Farvardin of `year`, by the 33-year rule.
fn days_before(year: i64) -> i64 {
    365 * (year - 1) + (8 * year + 21).div_euclid(33)
}

/// 1 Farvardin 1404, the anchor of the day counts (the vernal equinox of 2025).
fn nowruz_1404() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2025, 3, 21)
}

/// The Gregorian date of 1 Farvardin (Nowruz) of a Solar Hijri year in [`PERSIAN_YEARS`].
pub fn nowruz(year: i32) -> Option<NaiveDate> {
    if !PERSIAN_YEARS.contains(&year) {
        return None;
    }
    let from_anchor = days_before(i64::from(year)) - days_before(1404);
    let anchor = nowruz_1404()?;
    let days = Days::new(from_anchor.unsigned_abs());
    if from_anchor >= 0 {
        anchor.checked_add_days(days)
    } else {
        anchor.checked_sub_days(days)
    }
}

/// How many days the Solar Hijri month has (None for no such month or year).
pub fn persian_month_days(year: i32, month: u32) -> Option<u32> {
    match month {
        1..=6 => Some(31),
        7..=11 => Some(30),
        12 => {
            let this = nowruz(year)?;
            let next = nowruz(year + 1).or_else(|| {
                // 1500's successor lies outside the years read; the rule still holds.
                let len = days_before(i64::from(year) + 1) - days_before(i64::from(year));
                this.checked_add_days(Days::new(u64::try_from(len).ok()?))
            })?;
            let len = next.signed_duration_since(this).num_days();
            Some(if len == 366 { 30 } else { 29 })
        }
        _ => None,
    }
}

/// The Gregorian date of a Solar Hijri date ("13 Esfand 1404" = 2026-03-04); None when
/// the year lies outside [`PERSIAN_YEARS`] or there is no such day.
pub fn from_persian(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    if day == 0 || day > persian_month_days(year, month)? {
        return None;
    }
    let before_month = if month <= 7 {
        31 * (month - 1)
    } else {
        186 + 30 * (month - 7)
    };
    nowruz(year)?.checked_add_days(Days::new(u64::from(before_month + day - 1)))
}

/// The Solar Hijri year a Gregorian date lies in (None outside [`PERSIAN_YEARS`]).
pub fn persian_year(date: NaiveDate) -> Option<i32> {
    // Nowruz falls on 20 or 21 March: the year began in March of this or the last
    // Gregorian year.
    let year = date.year() - 621;
    [year, year - 1]
        .into_iter()
        .find(|&y| nowruz(y).is_some_and(|start| start <= date))
}

/// A year of an era that counts `offset` years ahead of the Gregorian (the Thai Buddhist
/// era: 543) as a Gregorian year. A four-digit year past the Gregorian years dates may name
/// (`gregorian_last`, 2200) is the era's ("2569" is 2026); earlier ones are Gregorian, so
/// that "2026" in a Thai text still reads.
pub fn era_year(year: i32, offset: i32, gregorian_last: i32) -> i32 {
    if year > gregorian_last {
        year - offset
    } else {
        year
    }
}

/// A two-digit year as a Gregorian year: the year in 1970 to 2069 whose last two digits
/// are the number's, less the era's offset (0 for the Gregorian era): "26" is 2026, "99"
/// 1999; in the Buddhist era (543) "69" is 2569, 2026.
pub fn short_year(two_digits: i32, offset: i32) -> i32 {
    let last = (two_digits - offset).rem_euclid(100);
    if last >= 70 { 1900 + last } else { 2000 + last }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    /// 1 Farvardin 1395 to 1410 as the Iranian calendar authority published them.
    const NOWRUZ: [(i32, (i32, u32, u32)); 16] = [
        (1395, (2016, 3, 20)),
        (1396, (2017, 3, 21)),
        (1397, (2018, 3, 21)),
        (1398, (2019, 3, 21)),
        (1399, (2020, 3, 20)),
        (1400, (2021, 3, 21)),
        (1401, (2022, 3, 21)),
        (1402, (2023, 3, 21)),
        (1403, (2024, 3, 20)),
        (1404, (2025, 3, 21)),
        (1405, (2026, 3, 21)),
        (1406, (2027, 3, 21)),
        (1407, (2028, 3, 20)),
        (1408, (2029, 3, 20)),
        (1409, (2030, 3, 21)),
        (1410, (2031, 3, 21)),
    ];

    #[test]
    fn nowruz_falls_on_the_published_days() {
        for (year, (y, m, d)) in NOWRUZ {
            assert_eq!(from_persian(year, 1, 1), Some(date(y, m, d)), "{year}");
            assert_eq!(nowruz(year), Some(date(y, m, d)), "{year}");
        }
    }

    #[test]
    fn esfand_has_30_days_in_leap_years_only() {
        // Leap years of 1395..1410: 1395, 1399, 1403 and 1408 (five years after 1403).
        for (year, _) in NOWRUZ {
            let leap = [1395, 1399, 1403, 1408].contains(&year);
            let last = if leap { 30 } else { 29 };
            assert_eq!(persian_month_days(year, 12), Some(last), "{year}");
            let end = from_persian(year, 12, last).expect("last day");
            assert_eq!(end.succ_opt(), from_persian(year + 1, 1, 1), "{year}");
            assert_eq!(from_persian(year, 12, last + 1), None, "{year}");
        }
        assert_eq!(from_persian(1403, 12, 30), Some(date(2025, 3, 20)));
        assert_eq!(from_persian(1404, 12, 29), Some(date(2026, 3, 20)));
        assert_eq!(from_persian(1408, 12, 30), Some(date(2030, 3, 20)));
    }

    #[test]
    fn known_days_convert() {
        assert_eq!(from_persian(1404, 12, 13), Some(date(2026, 3, 4)));
        assert_eq!(from_persian(1404, 12, 12), Some(date(2026, 3, 3)));
        // 1 Mehr, the first month of 30 days; 31 Shahrivar, the last day of 31.
        assert_eq!(from_persian(1404, 7, 1), Some(date(2025, 9, 23)));
        assert_eq!(from_persian(1404, 6, 31), Some(date(2025, 9, 22)));
        assert_eq!(from_persian(1404, 7, 31), None);
        assert_eq!(from_persian(1404, 13, 1), None);
        assert_eq!(from_persian(1404, 1, 0), None);
        // The first and last years read, and beyond.
        assert_eq!(from_persian(1300, 1, 1), Some(date(1921, 3, 21)));
        assert_eq!(from_persian(1500, 12, 29).map(|d| d.year()), Some(2122));
        assert_eq!(from_persian(1299, 12, 29), None);
        assert_eq!(from_persian(1501, 1, 1), None);
    }

    #[test]
    fn every_day_of_the_years_read_follows_the_last() {
        let mut expected = from_persian(1300, 1, 1).expect("1300");
        for year in PERSIAN_YEARS {
            for month in 1..=12 {
                let days = persian_month_days(year, month).expect("month");
                for day in 1..=days {
                    let got = from_persian(year, month, day);
                    assert_eq!(got, Some(expected), "{year}-{month}-{day}");
                    assert_eq!(persian_year(expected), Some(year), "{expected}");
                    expected = expected.succ_opt().expect("next day");
                }
            }
        }
        // 201 years, 49 of them leap.
        let total = expected.signed_duration_since(date(1921, 3, 21)).num_days();
        assert_eq!(total, 73_414);
    }

    #[test]
    fn years_of_an_era() {
        assert_eq!(era_year(2569, 543, 2200), 2026);
        assert_eq!(era_year(2026, 543, 2200), 2026);
        assert_eq!(era_year(2743, 543, 2200), 2200);
        assert_eq!(short_year(69, 543), 2026);
        assert_eq!(short_year(68, 543), 2025);
        assert_eq!(short_year(12, 543), 2069);
        assert_eq!(short_year(13, 543), 1970);
        assert_eq!(short_year(26, 0), 2026);
        assert_eq!(short_year(70, 0), 1970);
        assert_eq!(short_year(69, 0), 2069);
    }
}
