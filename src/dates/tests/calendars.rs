//! Dates of other calendars: Solar Hijri dates in Persian and Pashto, Buddhist era years in
//! Thai, and where neither is read.

use super::*;

const NOW: &str = "2026-03-04T13:30:00Z";

fn point(text: &str, langs: &str, tz: &str) -> Option<DateTime<Utc>> {
    read_at(text, langs, NOW, tz, Rounding::Floor)
        .ok()
        .map(|r| r.point)
}

fn out_of_range(text: &str, langs: &str) -> bool {
    matches!(
        read_at(text, langs, NOW, "UTC", Rounding::Floor),
        Err(DateError::OutOfRange { .. })
    )
}

#[test]
fn solar_hijri_dates_read_by_month_name_or_year_first_number_in_persian() {
    let wed = Some(at("2026-03-04T00:00:00Z"));
    for text in [
        "۱۳ اسفند ۱۴۰۴",
        "13 اسفند 1404",
        "۱۴۰۴/۱۲/۱۳",
        "1404/12/13",
        "۱۴۰۴-۱۲-۱۳",
        "چهارشنبه ۱۳ اسفند ۱۴۰۴",
    ] {
        assert_eq!(point(text, "fa", "UTC"), wed, "{text}");
    }
    // Pashto's own month names, and the Dari ones in Persian.
    assert_eq!(
        point("۸ کب ۱۴۰۴", "ps", "UTC"),
        Some(at("2026-02-27T00:00:00Z"))
    );
    assert_eq!(
        point("۸ حوت ۱۴۰۴", "fa", "UTC"),
        Some(at("2026-02-27T00:00:00Z"))
    );
    // Gregorian dates of Persian sites still read.
    assert_eq!(point("2026/03/04", "fa", "UTC"), wed);
    assert_eq!(point("۴ مارس ۲۰۲۶", "fa", "UTC"), wed);
}

#[test]
fn a_solar_hijri_date_follows_the_rules_of_every_date() {
    // A clock time in the feed's zone.
    assert_eq!(
        point("۱۲ اسفند ۱۴۰۴ - ۱۴:۰۵", "fa", "Asia/Tehran"),
        Some(at("2026-03-03T10:35:00Z"))
    );
    // Without a year: the latest that has begun by the fetch. 14 Esfand 1404 is tomorrow,
    // so a bare "14 Esfand" is last year's (1403: 2025-03-04).
    assert_eq!(
        point("۱۴ اسفند", "fa", "UTC"),
        Some(at("2025-03-04T00:00:00Z"))
    );
    assert_eq!(
        point("۱۳ اسفند", "fa", "UTC"),
        Some(at("2026-03-04T00:00:00Z"))
    );
    // Past the margin after the fetch: refused.
    assert!(matches!(
        read_at("۱ فروردین ۱۴۰۵", "fa", NOW, "UTC", Rounding::Floor),
        Err(DateError::Ahead { .. })
    ));
    // No 30 Esfand in a common year; one in a leap year.
    assert!(out_of_range("۱۴۰۴/۱۲/۳۰", "fa"));
    assert_eq!(
        point("۱۴۰۳/۱۲/۳۰", "fa", "UTC"),
        Some(at("2025-03-20T00:00:00Z"))
    );
}

#[test]
fn solar_hijri_years_are_read_nowhere_else() {
    // A Solar Hijri month with a Gregorian year, a Gregorian month with a Solar one.
    assert!(out_of_range("۱۳ اسفند ۲۰۲۶", "fa"));
    assert!(out_of_range("۱۳ مارس ۱۴۰۴", "fa"));
    // Years outside 1300..1500, with a month name or as a number.
    assert!(out_of_range("۱۳ اسفند ۱۲۹۹", "fa"));
    assert!(out_of_range("۱۵۰۱/۱/۱", "fa"));
    // A numeric date in a language whose sites do not date by it, or with the day first.
    assert!(out_of_range("1404/12/13", "en"));
    assert!(out_of_range("1404/12/13", "nl"));
    assert!(out_of_range("۱۴۰۴/۱۲/۱۳", "ar"));
    assert!(out_of_range("۱۳/۱۲/۱۴۰۴", "fa"));
    // "auto" reads a number in the Solar Hijri calendar only on a page that says it is
    // Persian: the hand-written languages refuse it.
    let ctx = Context {
        now: at(NOW),
        timezone: zone("UTC"),
        languages: &[],
        rounding: Rounding::Floor,
    };
    assert!(read("1404/12/13", &ctx).is_err());
    assert_eq!(
        read_in_page("1404/12/13", &ctx, Some("fa-IR")).map(|r| r.point),
        Ok(at("2026-03-04T00:00:00Z"))
    );
    // A month name says the calendar whatever the languages tried.
    assert_eq!(
        read("۱۳ اسفند ۱۴۰۴", &ctx).map(|r| r.point),
        Ok(at("2026-03-04T00:00:00Z"))
    );
}

#[test]
fn thai_years_of_the_buddhist_era_and_gregorian_ones() {
    let tue = Some(at("2026-03-03T00:00:00Z"));
    for text in [
        "3 มีนาคม 2569",
        "3 มี.ค. 69",
        "3/3/2569",
        "3/3/69",
        "3 มีนาคม 2026",
        "3/3/2026",
    ] {
        assert_eq!(point(text, "th", "UTC"), tue, "{text}");
    }
    // Two digits are a year, not a number to pass over: 68 is 2568, 2025.
    assert_eq!(
        point("3 มี.ค. 68", "th", "UTC"),
        Some(at("2025-03-03T00:00:00Z"))
    );
    // A clock time after a two-digit year is no year.
    assert_eq!(
        point("3 มี.ค. 14:05", "th", "UTC"),
        Some(at("2026-03-03T14:05:00Z"))
    );
    // 2400 BE is 1857; 2744 BE is 2201.
    assert!(out_of_range("3 มี.ค. 2400", "th"));
    assert!(out_of_range("3 มี.ค. 2744", "th"));
    // Languages without an era keep their years: 2569 is past 2200.
    assert!(out_of_range("3 March 2569", "en"));
    assert!(out_of_range("3/3/2569", "nl"));
}
