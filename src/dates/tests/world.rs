//! The CLDR languages: a page's declared language with "auto", scripts, digits and marks.

use super::super::text::{Kind, tokens};
use super::*;

fn ctx(now: &str) -> Context<'static> {
    Context {
        now: at(now),
        timezone: zone("UTC"),
        languages: &[],
        rounding: Rounding::Floor,
    }
}

#[test]
fn the_declared_language_goes_first_in_auto() {
    let c = ctx("2026-03-04T13:30:00Z");
    // Dutch reads 1 February; the page says it is English: 2 January.
    let plain = read("1/2/2026", &c).map(|r| r.point);
    let english = read_in_page("1/2/2026", &c, Some("en-US")).map(|r| r.point);
    assert_eq!(plain, Ok(at("2026-02-01T00:00:00Z")));
    assert_eq!(english, Ok(at("2026-01-02T00:00:00Z")));
    // A Latin text in a CLDR language, with and without the page's word for it.
    for hint in [Some("pl-PL"), Some("pl"), None, Some("xx")] {
        assert_eq!(
            read_in_page("5 minut temu", &c, hint).map(|r| r.point),
            Ok(at("2026-03-04T13:25:00Z")),
            "{hint:?}"
        );
    }
    // Named languages are not widened by the page's.
    let nl = [Language::from_code("nl").expect("nl")];
    let only_nl = Context {
        languages: &nl,
        ..ctx("2026-03-04T13:30:00Z")
    };
    assert!(read_in_page("5 minut temu", &only_nl, Some("pl")).is_err());
}

#[test]
fn unreadable_texts_in_auto_name_auto() {
    let c = ctx("2026-03-04T13:30:00Z");
    assert_eq!(
        read("lorem ipsum", &c).map_err(|e| e.to_string()),
        Err("cannot read \"lorem ipsum\" as a date in auto".to_string())
    );
    assert!(read("Лорем ипсум", &c).is_err());
    assert!(read("これは日付ではない", &c).is_err());
}

#[test]
fn digits_of_every_script_are_numbers() {
    for (text, digits) in [
        ("٥", "5"),
        ("۱۴۰۴", "1404"),
        ("५", "5"),
        ("৫", "5"),
        ("๕", "5"),
        ("２０２６", "2026"),
    ] {
        let toks = tokens(text);
        assert_eq!(toks.len(), 1, "{text}");
        assert_eq!(toks[0].kind, Kind::Num, "{text}");
        assert_eq!(toks[0].text, digits, "{text}");
    }
}

#[test]
fn marks_are_kept_outside_latin_and_direction_marks_ignored() {
    // A virama is part of the Hindi word; a decomposed Latin accent is dropped.
    let hindi: Vec<String> = tokens("मिनट पहले स्टार्ट")
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert_eq!(hindi, ["मिनट", "पहले", "स्टार्ट"]);
    let latin: Vec<String> = tokens("caf\u{65}\u{301} şimdi")
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert_eq!(latin, ["cafe", "simdi"]);
    // Arabic vowel points and the right-to-left mark inside a date.
    let ar: Vec<String> = tokens("مُنذ 27\u{200f}/2\u{200f}/2026")
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert_eq!(ar, ["منذ", "27", "/", "2", "/", "2026"]);
    // Han letters are words of one letter each, however the text is spaced.
    let zh: Vec<String> = tokens("5分钟前").into_iter().map(|t| t.text).collect();
    assert_eq!(zh, ["5", "分", "钟", "前"]);
}

#[test]
fn a_language_of_the_world_is_read_in_its_own_script() {
    let c = ctx("2026-03-04T13:30:00Z");
    let ru = [Language::from_code("ru").expect("ru")];
    let in_ru = Context {
        languages: &ru,
        ..ctx("2026-03-04T13:30:00Z")
    };
    // Russian months in the genitive and the nominative, with a clock time.
    assert_eq!(
        read("3 марта 2026 в 14:05", &in_ru).map(|r| r.point),
        Ok(at("2026-03-03T14:05:00Z"))
    );
    assert_eq!(
        read("март 2026", &in_ru).map(|r| r.point).ok(),
        None,
        "a month without a day is no date"
    );
    // The future in CLDR's words is refused.
    assert!(matches!(
        read("через 5 минут", &in_ru),
        Err(DateError::Future { .. })
    ));
    // A number beside the age is not part of it.
    assert!(read("5 минут назад 3", &c).is_err());
}
