//! `pagefeed date`: the tool a user reaches for when a date comes out wrong, driven as a user
//! drives it.

use std::process::{Command, Output};

fn date(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pagefeed"))
        .arg("date")
        .args(args)
        .output()
        .expect("run pagefeed")
}

/// `(earliest, latest, published)` from `--json`.
fn json(args: &[&str]) -> (String, String, String) {
    let mut all = args.to_vec();
    all.push("--json");
    let out = date(&all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let s = |k: &str| {
        v[k].as_str()
            .unwrap_or_else(|| panic!("{k} missing: {v}"))
            .to_string()
    };
    (s("earliest"), s("latest"), s("published"))
}

const AMS: [&str; 2] = ["--timezone", "Europe/Amsterdam"];

/// A Dutch text read in Amsterdam at `now`, with any `extra` flags.
fn dutch(text: &str, now: &str, extra: &[&str]) -> (String, String, String) {
    let mut args = vec![text, "--language", "nl", AMS[0], AMS[1], "--now", now];
    args.extend_from_slice(extra);
    json(&args)
}

#[test]
fn relative_dutch_as_in_the_spec() {
    let at_1330 = "2026-03-04T13:30:00+01:00";
    let (e, l, p) = dutch("18 minuten geleden", at_1330, &[]);
    assert_eq!(e, "2026-03-04T13:11:00+01:00");
    assert_eq!(l, "2026-03-04T13:12:00+01:00");
    assert_eq!(p, "2026-03-04T13:12:00+01:00");
    let (e, l, _) = dutch("1 uur geleden", at_1330, &[]);
    assert_eq!(
        (e.as_str(), l.as_str()),
        ("2026-03-04T11:30:00+01:00", "2026-03-04T12:30:00+01:00")
    );
}

#[test]
fn nearest_rounding_is_a_flag() {
    let (e, l, _) = dutch(
        "1 uur geleden",
        "2026-03-04T13:30:00+01:00",
        &["--rounding", "nearest"],
    );
    assert_eq!(
        (e.as_str(), l.as_str()),
        ("2026-03-04T12:00:00+01:00", "2026-03-04T13:00:00+01:00")
    );
}

#[test]
fn yesterday_with_a_clock_time_across_the_autumn_change() {
    // 2026-10-25 02:30 happens twice in Amsterdam: the interval covers both.
    let (e, l, p) = dutch("gisteren 02:30", "2026-10-26T09:00:00+01:00", &[]);
    assert_eq!(p, "2026-10-25T02:30:00+02:00");
    assert_eq!(e, "2026-10-25T02:29:59+02:00");
    assert_eq!(l, "2026-10-25T02:30:59+01:00");
}

#[test]
fn today_in_the_spring_gap() {
    // 02:30 on 2026-03-29 never happens: read with the offset before the gap.
    let (_, _, p) = dutch("vandaag 02:30", "2026-03-29T12:00:00+02:00", &[]);
    assert_eq!(p, "2026-03-29T03:30:00+02:00");
}

#[test]
fn a_date_without_a_year_is_the_nearest_before_the_fetch() {
    let (_, _, p) = dutch("28 dec", "2026-01-02T10:00:00+01:00", &[]);
    assert_eq!(p, "2025-12-28T00:00:00+01:00");
}

#[test]
fn languages_and_auto() {
    let now = ["--now", "2026-11-27T15:00:00+01:00", AMS[0], AMS[1]];
    for (text, lang, published) in [
        ("vor 2 Stunden", "de", "2026-11-27T13:00:00+01:00"),
        ("il y a 5 min", "fr", "2026-11-27T14:55:00+01:00"),
        ("hace 2 horas", "es", "2026-11-27T13:00:00+01:00"),
        ("2 hours ago", "en", "2026-11-27T13:00:00+01:00"),
        ("un'ora fa", "it", "2026-11-27T14:00:00+01:00"),
        ("há 3 dias", "pt", "2026-11-24T15:00:00+01:00"),
        (
            "27. November 2026, 09:15 Uhr",
            "de",
            "2026-11-27T09:15:00+01:00",
        ),
        ("Nov 27, 2026 2:05 PM", "en", "2026-11-27T14:05:00+01:00"),
    ] {
        let mut args = vec![text, "--language", lang];
        args.extend(now);
        assert_eq!(json(&args).2, published, "{text} in {lang}");
        let mut auto = vec![text];
        auto.extend(now);
        assert_eq!(json(&auto).2, published, "{text} with auto");
    }
}

#[test]
fn unreadable_text_exits_1_and_bad_flags_exit_2() {
    let out = date(&["the day the music died", "--now", "2026-11-27T15:00:00Z"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the day the music died"));
    for (text, why) in [("99999 jaar geleden", "absurd"), ("-3 uur", "negative")] {
        let out = date(&["-l", "nl", "--now", "2026-11-27T15:00:00Z", "--", text]);
        assert_eq!(out.status.code(), Some(1), "{why}: {text}");
    }
    assert_eq!(
        date(&["1 uur geleden", "--language", "xx"]).status.code(),
        Some(2)
    );
    assert_eq!(
        date(&["1 uur geleden", "--timezone", "Mars/Base"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        date(&["1 uur geleden", "--now", "yesterday"]).status.code(),
        Some(2)
    );
}

/// Texts once read with confidence and wrongly, at 2026-03-04 13:30 in Amsterdam: each read
/// as its words prove, or refused.
#[test]
fn qualifiers_spans_and_two_dates_read_as_the_words_say() {
    let now = ["--now", "2026-03-04T13:30:00+01:00", AMS[0], AMS[1]];
    for (text, lang, earliest, latest) in [
        (
            "less than a minute ago",
            "en",
            "2026-03-04T13:29:00+01:00",
            "2026-03-04T13:30:00+01:00",
        ),
        (
            "vor weniger als einer Minute",
            "de",
            "2026-03-04T13:29:00+01:00",
            "2026-03-04T13:30:00+01:00",
        ),
        (
            "il y a moins d'une minute",
            "fr",
            "2026-03-04T13:29:00+01:00",
            "2026-03-04T13:30:00+01:00",
        ),
        (
            "hace menos de un minuto",
            "es",
            "2026-03-04T13:29:00+01:00",
            "2026-03-04T13:30:00+01:00",
        ),
        (
            "minder dan een minuut geleden",
            "nl",
            "2026-03-04T13:29:00+01:00",
            "2026-03-04T13:30:00+01:00",
        ),
        (
            "meno di un minuto fa",
            "it",
            "2026-03-04T13:29:00+01:00",
            "2026-03-04T13:30:00+01:00",
        ),
        (
            "day before yesterday",
            "en",
            "2026-03-01T23:59:59+01:00",
            "2026-03-02T23:59:59+01:00",
        ),
        (
            "almost 2 hours ago",
            "en",
            "2026-03-04T11:30:00+01:00",
            "2026-03-04T12:30:00+01:00",
        ),
        (
            "nearly 2 hours ago",
            "en",
            "2026-03-04T11:30:00+01:00",
            "2026-03-04T12:30:00+01:00",
        ),
        (
            "1 000 minutes ago",
            "en",
            "2026-03-03T20:49:00+01:00",
            "2026-03-03T20:50:00+01:00",
        ),
        (
            "now - 1 hour",
            "en",
            "2026-03-04T11:30:00+01:00",
            "2026-03-04T12:30:00+01:00",
        ),
        (
            "vor 5 Minuten aktualisiert, ursprünglich vor 3 Tagen",
            "de",
            "2026-02-28T13:30:00+01:00",
            "2026-03-01T13:30:00+01:00",
        ),
    ] {
        let mut args = vec![text, "--language", lang];
        args.extend(now);
        let (e, l, _) = json(&args);
        assert_eq!((e.as_str(), l.as_str()), (earliest, latest), "{text}");
    }
    for text in ["5 min read", "Updated 5 min ago, 3 days ago"] {
        let mut args = vec![text, "--language", "en"];
        args.extend(now);
        let out = date(&args);
        assert_eq!(out.status.code(), Some(1), "{text} is refused");
        assert!(String::from_utf8_lossy(&out.stderr).contains(text));
    }
}

#[test]
fn solar_hijri_and_buddhist_era_dates_in_their_zones() {
    let now = ["--now", "2026-03-04T13:30:00Z"];
    for (text, lang, zone, earliest, latest) in [
        (
            "چهارشنبه ۱۳ اسفند ۱۴۰۴ - ۱۴:۰۵",
            "fa",
            "Asia/Tehran",
            "2026-03-04T14:04:59+03:30",
            "2026-03-04T14:05:59+03:30",
        ),
        (
            "۱۴۰۴/۱۲/۱۲",
            "fa",
            "Asia/Tehran",
            "2026-03-02T23:59:59+03:30",
            "2026-03-03T23:59:59+03:30",
        ),
        (
            "3 มี.ค. 68",
            "th",
            "Asia/Bangkok",
            "2025-03-02T23:59:59+07:00",
            "2025-03-03T23:59:59+07:00",
        ),
        (
            "3 มีนาคม 2569 - 14:05 น.",
            "th",
            "Asia/Bangkok",
            "2026-03-03T14:04:59+07:00",
            "2026-03-03T14:05:59+07:00",
        ),
    ] {
        let mut args = vec![text, "--language", lang, "--timezone", zone];
        args.extend(now);
        let (e, l, _) = json(&args);
        assert_eq!((e.as_str(), l.as_str()), (earliest, latest), "{text}");
    }
    // A Solar Hijri year with a Gregorian month is refused, not misread.
    let mut args = vec!["۱۳ مارس ۱۴۰۴", "--language", "fa"];
    args.extend(now);
    let out = date(&args);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1970 to 2200"));
}

/// A zone written after the clock time names the offset, whatever `--timezone` says; one that
/// names no single offset, or follows no clock time, is refused, never dropped.
#[test]
fn a_zone_after_the_clock_names_the_offset() {
    let at = [
        "--timezone",
        "Europe/Amsterdam",
        "--now",
        "2026-03-04T20:00:00Z",
    ];
    for (text, published) in [
        ("4 March 2026 14:05 GMT+7", "2026-03-04T08:05:00+01:00"),
        ("4 March 2026 14:05 (GMT+7)", "2026-03-04T08:05:00+01:00"),
        ("4 March 2026, 2:05 PM EST", "2026-03-04T20:05:00+01:00"),
        ("March 4, 2026 14:05 UTC", "2026-03-04T15:05:00+01:00"),
        ("4 March 2026 14:05 CET", "2026-03-04T14:05:00+01:00"),
        // 20:00 UTC is already 5 March at +07:00: "yesterday" there is 4 March.
        ("gisteren 14:05 GMT+7", "2026-03-04T08:05:00+01:00"),
        ("14:05 +0200", "2026-03-04T13:05:00+01:00"),
    ] {
        let mut args = vec![text];
        args.extend(at);
        let (_, _, p) = json(&args);
        assert_eq!(p, published, "{text}");
    }
    let in_kolkata = [
        "--timezone",
        "Asia/Kolkata",
        "--now",
        "2026-03-04T20:00:00Z",
    ];
    let mut args = vec!["4 March 2026 14:05 IST"];
    args.extend(in_kolkata);
    assert_eq!(json(&args).2, "2026-03-04T14:05:00+05:30");
    for text in [
        "4 March 2026 14:05 GMT+27",
        "4 March 2026 CET",
        "4 March 2026 14:05 IST",
        "4 March 2026 14:05 XYZ",
    ] {
        let mut args = vec![text];
        args.extend(at);
        let out = date(&args);
        assert_eq!(out.status.code(), Some(1), "{text} is refused");
        assert!(String::from_utf8_lossy(&out.stderr).contains(text));
    }
}

/// Output into a pipe whose reader has gone (`pagefeed preview … | head`): the process ends
/// quietly with status 0, no panic. The preview of a 3,000-item page prints far more than a
/// pipe holds, so the write is bound to fail once the reader closes its end.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let items: String = (0..3000)
        .map(|n| format!("<li><a href=\"/i/{n}\">Item {n} with some words</a> <span>{n} minutes ago</span></li>"))
        .collect();
    std::fs::write(
        dir.path().join("page.html"),
        format!("<html><body><ul>{items}</ul></body></html>"),
    )
    .expect("page");
    std::fs::write(
        dir.path().join("pagefeed.toml"),
        "language = \"en\"\nmax_items = 3000\n[[feed]]\nid = \"f\"\nurl = \"page.html\"\n[feed.items]\nselect = \"li\"\ndate = \"span\"\n",
    )
    .expect("config");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pagefeed"))
        .args(["preview", "f", "--now", "2026-03-04T13:30:00Z", "-c"])
        .arg(dir.path().join("pagefeed.toml"))
        .env_remove("PAGEFEED_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// A text that names only an update ("Bijgewerkt: 3 uur geleden", "Updated 10:00 CET",
/// "Updated: 2026-03-04T10:00:00Z") says the item was published no later than that: the
/// update bounds the publication from above, it is not the publication.
#[test]
fn a_lone_update_label_bounds_the_publication_from_above() {
    let at_1330 = "2026-03-04T13:30:00+01:00";
    let (e, l, p) = dutch("Bijgewerkt: 3 uur geleden", at_1330, &[]);
    assert_eq!(e, "1970-01-01T01:00:00+01:00", "no earlier bound");
    assert_eq!(l, "2026-03-04T10:30:00+01:00");
    assert_eq!(p, l);
    let (e, l, _) = json(&[
        "Updated 10:00 CET",
        "--language",
        "en",
        "--now",
        "2026-03-04T13:30:00+01:00",
    ]);
    assert_eq!(e, "1970-01-01T00:00:00+00:00");
    assert_eq!(l, "2026-03-04T09:00:59+00:00");
    let (e, l, _) = json(&[
        "Updated: 2026-03-04T10:00:00Z",
        "--language",
        "en",
        "--now",
        "2026-03-04T13:30:00+01:00",
    ]);
    assert_eq!(e, "1970-01-01T00:00:00+00:00");
    assert_eq!(l, "2026-03-04T10:00:00+00:00");
    // Named with the publication, the update is left out as before.
    let (e, l, _) = json(&[
        "Published 3 days ago (updated 5 min ago)",
        "--language",
        "en",
        "--now",
        "2026-03-04T13:30:00+01:00",
    ]);
    assert_eq!(
        (e.as_str(), l.as_str()),
        ("2026-02-28T12:30:00+00:00", "2026-03-01T12:30:00+00:00")
    );
}
