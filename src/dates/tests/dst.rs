//! Daylight saving time and year boundaries, in Europe/Amsterdam.

use super::*;

const AMS: &str = "Europe/Amsterdam";

fn nl(text: &str, now: &str) -> Reading {
    read_at(text, "nl", now, AMS, Rounding::Floor).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn expect(r: Reading, earliest: &str, latest: &str, point: &str) {
    assert_eq!(r.interval.earliest, at(earliest), "earliest of {r:?}");
    assert_eq!(r.interval.latest, at(latest), "latest of {r:?}");
    assert_eq!(r.point, at(point), "point of {r:?}");
}

#[test]
fn a_time_in_the_spring_gap_uses_the_offset_before_the_gap() {
    // 02:30 does not exist on 2026-03-29; read at +01:00 it is 01:30 UTC (03:30 CEST).
    let r = nl("vandaag 02:30", "2026-03-29T12:00:00Z");
    expect(
        r,
        "2026-03-29T01:29:59Z",
        "2026-03-29T01:30:59Z",
        "2026-03-29T01:30:00Z",
    );
    let iso = nl("2026-03-29T02:30:00", "2026-03-29T12:00:00Z");
    expect(
        iso,
        "2026-03-29T01:29:59Z",
        "2026-03-29T01:30:00Z",
        "2026-03-29T01:30:00Z",
    );
}

#[test]
fn a_time_in_the_autumn_fold_covers_both_occurrences() {
    // 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    let r = nl("gisteren 02:30", "2026-10-26T12:00:00Z");
    expect(
        r,
        "2026-10-25T00:29:59Z",
        "2026-10-25T01:30:59Z",
        "2026-10-25T00:30:00Z",
    );
    let named = nl("25 oktober 2026 02:30", "2026-10-26T12:00:00Z");
    assert_eq!(named, r);
    let before = nl("gisteren 01:59", "2026-10-26T12:00:00Z");
    expect(
        before,
        "2026-10-24T23:58:59Z",
        "2026-10-24T23:59:59Z",
        "2026-10-24T23:59:00Z",
    );
}

#[test]
fn relative_hours_are_real_hours_across_both_changes() {
    // 05:00 CEST on the 29th is 03:00 UTC; three real hours before is 00:00 UTC.
    let spring = nl("3 uur geleden", "2026-03-29T03:00:00Z");
    expect(
        spring,
        "2026-03-28T23:00:00Z",
        "2026-03-29T00:00:00Z",
        "2026-03-29T00:00:00Z",
    );
    let autumn = nl("3 uur geleden", "2026-10-25T03:00:00Z");
    expect(
        autumn,
        "2026-10-24T23:00:00Z",
        "2026-10-25T00:00:00Z",
        "2026-10-25T00:00:00Z",
    );
}

#[test]
fn days_that_change_clocks_are_23_and_25_hours_long() {
    let short = nl("gisteren", "2026-03-30T10:00:00Z");
    expect(
        short,
        "2026-03-28T22:59:59Z",
        "2026-03-29T21:59:59Z",
        "2026-03-28T23:00:00Z",
    );
    let long = nl("gisteren", "2026-10-26T10:00:00Z");
    expect(
        long,
        "2026-10-24T21:59:59Z",
        "2026-10-25T22:59:59Z",
        "2026-10-24T22:00:00Z",
    );
}

#[test]
fn a_date_without_a_year_is_the_latest_before_the_fetch() {
    let r = nl("28 dec", "2026-01-02T09:00:00Z");
    expect(
        r,
        "2025-12-27T22:59:59Z",
        "2025-12-28T22:59:59Z",
        "2025-12-27T23:00:00Z",
    );
    // A clock time slightly ahead of the fetch (clock skew) stays this year.
    let skew = nl("4 maart 14:00", "2026-03-04T12:58:00Z");
    expect(
        skew,
        "2026-03-04T12:59:59Z",
        "2026-03-04T13:00:59Z",
        "2026-03-04T13:00:00Z",
    );
    // A date after the fetch, without clock, is last year's.
    let later = nl("5 maart", "2026-03-04T12:58:00Z");
    assert_eq!(later.point, at("2025-03-04T23:00:00Z"));
}

#[test]
fn today_ends_at_the_fetch() {
    let r = nl("vandaag", "2026-03-04T13:30:00Z");
    expect(
        r,
        "2026-03-03T22:59:59Z",
        "2026-03-04T13:30:00Z",
        "2026-03-03T23:00:00Z",
    );
}
