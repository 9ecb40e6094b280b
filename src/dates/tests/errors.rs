//! Texts that must be rejected, with messages a user understands.

use super::*;

fn err(text: &str, langs: &str) -> DateError {
    match read_at(
        text,
        langs,
        "2026-03-04T13:30:00Z",
        "Europe/Amsterdam",
        Rounding::Floor,
    ) {
        Ok(r) => panic!("{text:?} read as {} point {}", r.interval, r.point),
        Err(e) => e,
    }
}

#[test]
fn empty_and_overlong_texts() {
    assert_eq!(err("", ""), DateError::Empty);
    assert_eq!(err("  \n\t ", ""), DateError::Empty);
    let long = format!("{} 3 uur geleden", "x".repeat(200));
    assert!(matches!(err(&long, ""), DateError::TooLong { .. }));
}

#[test]
fn absurd_numbers_and_years() {
    for text in [
        "99999 jaar geleden",
        "10000000000000000000 min",
        "10000000000000000000000000 uur geleden",
        "9999999999999 uur geleden",
        "4000000000 jaar geleden",
        "27-11-1850",
        "1 januari 2300",
        "2301-01-01T00:00:00Z",
        "1850-01-01",
        "31 februari 2026",
        "2026-02-30",
        "99999999999999",
    ] {
        let e = err(text, "nl");
        assert!(
            matches!(
                e,
                DateError::OutOfRange { .. } | DateError::Unreadable { .. }
            ),
            "{text}: {e:?}"
        );
    }
    assert!(matches!(
        err("99999 jaar geleden", "nl"),
        DateError::OutOfRange { .. }
    ));
}

#[test]
fn negative_and_future_ages() {
    assert!(matches!(err("-3 uur", "nl"), DateError::OutOfRange { .. }));
    assert!(matches!(
        err("-3 uur geleden", "nl"),
        DateError::OutOfRange { .. }
    ));
    for (text, lang) in [
        ("over 3 uur", "nl"),
        ("in 2 hours", "en"),
        ("in 3 Stunden", "de"),
        ("dans 5 minutes", "fr"),
        ("dentro de 2 horas", "es"),
        ("tra 3 ore", "it"),
        ("daqui a 2 horas", "pt"),
        ("morgen", "nl"),
        ("tomorrow at 9:00", "en"),
    ] {
        assert_eq!(
            err(text, lang),
            DateError::Future { text: text.into() },
            "{text}"
        );
    }
}

#[test]
fn dates_far_past_the_fetch_are_refused_with_the_margin() {
    assert_eq!(
        err("2199-12-31T00:00:00Z", "").to_string(),
        "cannot read \"2199-12-31T00:00:00Z\" as a publication date: \
         it lies more than 1 hour after the fetch"
    );
    assert_eq!(
        err("31-12-2199", "nl"),
        DateError::Ahead {
            text: "31-12-2199".into(),
            margin: "1 day"
        }
    );
    assert!(matches!(
        err("Sat, 01 Jan 2050 00:00:00 GMT", "en"),
        DateError::Ahead {
            margin: "1 hour",
            ..
        }
    ));
}

#[test]
fn random_words_are_unreadable() {
    for text in [
        "foo",
        "lorem ipsum dolor sit amet",
        "geen datum",
        "12345",
        "3",
        "uur",
        "!!!",
        "a b c",
    ] {
        assert!(
            matches!(err(text, ""), DateError::Unreadable { .. }),
            "{text}"
        );
    }
}

#[test]
fn messages_name_the_text_and_the_languages() {
    assert_eq!(
        err("foo", "nl,en").to_string(),
        "cannot read \"foo\" as a date in nl, en"
    );
    assert!(err("over 3 uur", "nl").to_string().contains("future"));
    assert!(err("", "").to_string().contains("empty"));
}

#[test]
fn languages_and_roundings_by_name() {
    for code in ["nl", "en", "de", "fr", "es", "it", "pt"] {
        let lang = Language::from_code(&code.to_uppercase()).expect("known language");
        assert_eq!(lang.code(), code);
    }
    assert_eq!(Language::from_code("xx"), None);
    assert_eq!(Language::hand_written().len(), 7);
    assert!(Language::all().len() >= 7 + 100);
    for code in ["ru", "zh", "ar", "fil", "tl", "sr"] {
        assert!(Language::from_code(code).is_some(), "{code}");
    }
    assert_eq!(
        Language::from_tag("zh-Hant-TW").map(Language::code),
        Some("zh")
    );
    assert_eq!(
        Language::from_tag("ru-RU, en").map(Language::code),
        Some("ru")
    );
    assert_eq!(Rounding::from_name("floor"), Some(Rounding::Floor));
    assert_eq!(Rounding::from_name("Nearest"), Some(Rounding::Nearest));
    assert_eq!(Rounding::from_name("up"), None);
    assert_eq!(Rounding::default(), Rounding::Floor);
}
