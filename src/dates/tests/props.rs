//! Properties: no text panics, every reading holds its point, and relative ages rendered from
//! a true age always give an interval that holds the truth.

use super::super::lang::TABLES;
use super::*;
use proptest::prelude::*;

const ZONES: [&str; 5] = [
    "Europe/Amsterdam",
    "UTC",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
];

fn ctx_read(
    text: &str,
    now: i64,
    zone_index: usize,
    rounding: Rounding,
) -> Result<Reading, DateError> {
    let ctx = Context {
        now: DateTime::from_timestamp(now, 0).expect("in range"),
        timezone: zone(ZONES[zone_index % ZONES.len()]),
        languages: &[],
        rounding,
    };
    read(text, &ctx)
}

/// A reading holds its point and ends no later than the future margin after the fetch.
fn sound(result: &Result<Reading, DateError>, now: i64) -> bool {
    let limit = DateTime::from_timestamp(now, 0).expect("in range") + FUTURE_MARGIN;
    match result {
        Ok(r) => {
            r.interval.contains(r.point)
                && r.interval.earliest < r.interval.latest
                && r.interval.latest <= limit
        }
        Err(_) => true,
    }
}

/// Every word of every table, and some numbers and separators.
fn vocabulary() -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for t in TABLES {
        words.extend(t.units.iter().map(|(w, _)| w.to_string()));
        words.extend(t.numbers.iter().map(|(w, _)| w.to_string()));
        words.extend(t.months.iter().map(|(w, _)| w.to_string()));
        words.extend(t.weekdays.iter().map(|(w, _)| w.to_string()));
        words.extend(t.days.iter().map(|(w, _)| w.to_string()));
        words.extend(t.spans.iter().map(|(w, _, _)| w.to_string()));
        for list in [
            t.few,
            t.approx,
            t.ago_before,
            t.ago_after,
            t.future_before,
            t.just_now,
            t.am,
            t.pm,
            t.clock_before,
            t.clock_after,
            t.date_fillers,
            t.ordinals,
        ] {
            words.extend(list.iter().map(|w| w.to_string()));
        }
    }
    for n in [
        "0",
        "1",
        "3",
        "12",
        "14",
        "27",
        "59",
        "60",
        "99",
        "2026",
        "1969",
        "2201",
        "99999",
        "18446744073709551616",
    ] {
        words.push(n.to_string());
    }
    for s in [
        ":",
        ".",
        "/",
        "-",
        ",",
        "+",
        "h",
        "14:05",
        "27-11-2026",
        "T",
        "Z",
        "+01:00",
    ] {
        words.push(s.to_string());
    }
    words
}

fn phrase() -> impl Strategy<Value = String> {
    let vocab = vocabulary();
    prop::collection::vec(
        (
            prop::sample::select(vocab),
            prop::sample::select(vec![" ", "", ", ", "-", "."]),
        ),
        0..8,
    )
    .prop_map(|parts| parts.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
}

/// (language, template with {n}, unit length in seconds) for rendering true ages.
const TEMPLATES: &[(&str, &str, i64)] = &[
    ("nl", "{n} seconden geleden", 1),
    ("nl", "{n} minuten geleden", 60),
    ("nl", "{n} uur geleden", 3_600),
    ("nl", "{n}u", 3_600),
    ("nl", "{n} dagen geleden", 86_400),
    ("nl", "{n} weken geleden", 604_800),
    ("nl", "{n} maanden geleden", 30 * 86_400),
    ("nl", "{n} jaar geleden", 365 * 86_400),
    ("en", "{n} minutes ago", 60),
    ("en", "{n}h", 3_600),
    ("en", "{n} days ago", 86_400),
    ("en", "{n} months ago", 30 * 86_400),
    ("en", "{n} years ago", 365 * 86_400),
    ("de", "vor {n} Sekunden", 1),
    ("de", "vor {n} Min.", 60),
    ("de", "vor {n} Stunden", 3_600),
    ("de", "vor {n} Wochen", 604_800),
    ("fr", "il y a {n} min", 60),
    ("fr", "il y a {n} heures", 3_600),
    ("fr", "il y a {n} jours", 86_400),
    ("es", "hace {n} minutos", 60),
    ("es", "hace {n} horas", 3_600),
    ("es", "hace {n} meses", 30 * 86_400),
    ("it", "{n} minuti fa", 60),
    ("it", "{n} ore fa", 3_600),
    ("it", "{n} giorni fa", 86_400),
    ("pt", "há {n} minutos", 60),
    ("pt", "{n} horas atrás", 3_600),
    ("pt", "há {n} anos", 365 * 86_400),
];

fn truth_inside(
    template: usize,
    age: i64,
    now: i64,
    zone_index: usize,
    rounding: Rounding,
) -> Result<(), TestCaseError> {
    let (lang, pattern, unit) = TEMPLATES[template % TEMPLATES.len()];
    let n = match rounding {
        Rounding::Floor => age / unit,
        Rounding::Nearest => (2 * age + unit) / (2 * unit),
    };
    let text = pattern.replace("{n}", &n.to_string());
    let language = [Language::from_code(lang).expect("known")];
    let ctx = Context {
        now: DateTime::from_timestamp(now, 0).expect("in range"),
        timezone: zone(ZONES[zone_index % ZONES.len()]),
        languages: &language,
        rounding,
    };
    let truth = ctx.now - chrono::Duration::seconds(age);
    let r = read(&text, &ctx).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
    prop_assert!(
        r.interval.contains(truth),
        "{text} at {}: {} misses {truth}",
        ctx.now,
        r.interval
    );
    prop_assert!(r.interval.contains(r.point));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>(), now in 946_684_800i64..4_102_444_800, z in 0usize..5) {
        prop_assert!(sound(&ctx_read(&text, now, z, Rounding::Floor), now));
    }

    #[test]
    fn printable_text_never_panics(text in "\\PC{0,80}", now in 946_684_800i64..4_102_444_800, z in 0usize..5) {
        prop_assert!(sound(&ctx_read(&text, now, z, Rounding::Nearest), now));
    }

    #[test]
    fn table_words_never_panic(text in phrase(), now in 946_684_800i64..4_102_444_800, z in 0usize..5, nearest: bool) {
        let rounding = if nearest { Rounding::Nearest } else { Rounding::Floor };
        prop_assert!(sound(&ctx_read(&text, now, z, rounding), now));
    }

    #[test]
    fn floor_ages_contain_the_truth(t in 0usize..64, age in 0i64..20 * 365 * 86_400, now in 946_684_800i64..4_102_444_800, z in 0usize..5) {
        truth_inside(t, age, now, z, Rounding::Floor)?;
    }

    #[test]
    fn nearest_ages_contain_the_truth(t in 0usize..64, age in 0i64..20 * 365 * 86_400, now in 946_684_800i64..4_102_444_800, z in 0usize..5) {
        truth_inside(t, age, now, z, Rounding::Nearest)?;
    }

    #[test]
    fn small_floor_ages_contain_the_truth(t in 0usize..64, age in 0i64..3 * 86_400, now in 946_684_800i64..4_102_444_800, z in 0usize..5) {
        truth_inside(t, age, now, z, Rounding::Floor)?;
    }
}
