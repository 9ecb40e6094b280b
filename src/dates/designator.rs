//! Zone designators after a clock time: UTC offsets ("GMT+7", "UTC+05:30", "UTC-03",
//! "+0700", "+07:00", "UTC", "GMT", "14:05Z") and zone abbreviations ("CET", "EST", "WIB",
//! "IST", "KSA").
//!
//! An abbreviation means, at the time in question, the offset of the zones of the time zone
//! database (chrono-tz's) that use it then: "CET" is +01:00 and "CEST" +02:00, "EST" -05:00,
//! "WIB" +07:00. Where the zones that use it then disagree ("IST" is India's +05:30, Israel's
//! +02:00 and Ireland's summer +01:00; "CST" is US Central and China), it is read only when
//! the feed's zone is one of them, as the feed's zone's offset; otherwise the text is refused.
//! Names sites write that the database does not have are in [`HAND`], read only when no zone
//! of the database uses the name then.
//!
//! Abbreviations are written in capitals ("CET", not "cet": "est" is a French word); "GMT"
//! and "UTC" in any case. The index from abbreviations to zones is built once, at the first
//! text that has a word of at most five capitals: a text without one never builds it.

use super::clock;
use super::fail::Fail;
use super::lexicon::Lex;
use super::text::{Kind, Tok};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetName, TZ_VARIANTS, Tz};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

/// What a designator names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Designator {
    /// A UTC offset, in seconds east of UTC.
    Offset(i32),
    /// A zone abbreviation: its place in the index.
    Abbreviation(usize),
}

/// Why a text's designator is refused.
pub const INVALID: Fail = Fail::OutOfRange("its UTC offset is no offset any zone has");
/// Why a date with a zone but no clock time is refused.
pub const NO_CLOCK: Fail = Fail::OutOfRange("it names a zone without a clock time");
/// Why a reading with an abbreviation no zone uses at that time is refused.
pub const UNUSED: Fail = Fail::OutOfRange("no zone uses its zone abbreviation at that time");
/// Why a reading with an abbreviation that names several offsets then is refused.
pub const AMBIGUOUS: Fail = Fail::OutOfRange(
    "its zone abbreviation names several offsets at that time, and the feed's zone uses none",
);

/// The furthest offsets east and west any zone has had: +14:00 (Kiribati), -12:00.
const EAST: i32 = 14 * 3600;
const WEST: i32 = -12 * 3600;

/// Designators news sites write that the time zone database does not have (it has written
/// most of these zones' abbreviations as numbers, "+07", since its 2017 releases), as
/// minutes east of UTC. Each is read only when no zone of the database uses the name at the
/// time in question.
const HAND: [(&str, i32); 12] = [
    // Saudi Arabia (Arabia Standard Time) as Al Arabiya and Saudi sites write it.
    ("KSA", 180),
    // Indochina Time: Thailand, Vietnam, Laos, Cambodia (the database's until 2017).
    ("ICT", 420),
    // Gulf Standard Time: UAE, Oman (the database's until 2017; its older Guam "GST" ended
    // in 2000).
    ("GST", 240),
    // Singapore, Malaysia and Philippine Time (the database's until 2017).
    ("SGT", 480),
    ("MYT", 480),
    ("PHT", 480),
    // Iran Standard Time (the database's until 2017; Iran has kept no summer time since 2022).
    ("IRST", 210),
    // Nepal Time (the database's until 2017).
    ("NPT", 345),
    // Argentina and Brasília Time (the database's until 2017).
    ("ART", -180),
    ("BRT", -180),
    // German sites' names of CET and CEST: Mitteleuropäische (Sommer)zeit.
    ("MEZ", 60),
    ("MESZ", 120),
];

/// One abbreviation: the zones of the database that have used it since 1970 and, for the
/// names of [`HAND`], the offset sites mean by it.
struct Entry {
    name: String,
    zones: Vec<Tz>,
    hand: Option<i32>,
}

static INDEX: LazyLock<Vec<Entry>> = LazyLock::new(index);

/// Every zone sampled on 1 January and 1 July of each year from 1970 to 2040: the
/// abbreviations it used then (a name used for less than half a year may be missed). Names
/// that are numbers ("+07", "-0430") are no abbreviations.
fn index() -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let samples: Vec<NaiveDateTime> = (1970..=2040)
        .flat_map(|y| [1, 7].map(|m| NaiveDate::from_ymd_opt(y, m, 1)))
        .flatten()
        .map(|d| d.and_time(NaiveTime::MIN))
        .collect();
    for tz in TZ_VARIANTS {
        let mut names: Vec<&str> = Vec::new();
        let offsets: Vec<_> = samples
            .iter()
            .map(|t| tz.offset_from_utc_datetime(t))
            .collect();
        for offset in &offsets {
            match offset.abbreviation() {
                Some(name) if !names.contains(&name) => names.push(name),
                _ => {}
            }
        }
        for name in names {
            if !name.bytes().all(|b| b.is_ascii_alphabetic()) {
                continue;
            }
            match by_name.get(name) {
                Some(&i) => entries[i].zones.push(tz),
                None => {
                    by_name.insert(name.to_string(), entries.len());
                    entries.push(Entry {
                        name: name.to_string(),
                        zones: vec![tz],
                        hand: None,
                    });
                }
            }
        }
    }
    for (name, minutes) in HAND {
        match entries.iter_mut().find(|e| e.name == name) {
            Some(e) => e.hand = Some(minutes * 60),
            None => entries.push(Entry {
                name: name.to_string(),
                zones: Vec::new(),
                hand: Some(minutes * 60),
            }),
        }
    }
    entries
}

/// The abbreviation a capitalised word names, if any.
fn abbreviation(word: &str) -> Option<usize> {
    INDEX.iter().position(|e| e.name.eq_ignore_ascii_case(word))
}

/// The one offset abbreviation `i` names among the offsets `offsets_of` gives for each zone
/// (at a wall time or at an instant): the one all zones that use it then agree on, else the
/// feed's zone's if it uses it then, else none; the name of [`HAND`] when no zone uses it.
fn settle<I>(i: usize, feed: Tz, offsets_of: impl Fn(Tz) -> I) -> Option<FixedOffset>
where
    I: IntoIterator<Item = chrono_tz::TzOffset>,
{
    let entry = INDEX.get(i)?;
    let named = |tz: Tz| {
        offsets_of(tz)
            .into_iter()
            .filter(|o| o.abbreviation() == Some(entry.name.as_str()))
            .map(|o| o.fix())
    };
    let mut found: Vec<FixedOffset> = Vec::new();
    for tz in &entry.zones {
        for o in named(*tz) {
            if !found.contains(&o) {
                found.push(o);
            }
        }
    }
    match found.as_slice() {
        [] => entry.hand.and_then(FixedOffset::east_opt),
        [one] => Some(*one),
        _ => named(feed).next(),
    }
}

/// Why abbreviation `i` names no one offset at a wall time: no zone uses it then, or the
/// zones that do disagree.
pub fn unsettled(i: usize, local: NaiveDateTime) -> Fail {
    let used = INDEX.get(i).is_some_and(|entry| {
        entry.zones.iter().any(|tz| {
            let offsets = tz.from_local_datetime(&local);
            [offsets.earliest(), offsets.latest()]
                .into_iter()
                .flatten()
                .any(|t| t.offset().abbreviation() == Some(entry.name.as_str()))
        })
    });
    if used { AMBIGUOUS } else { UNUSED }
}

/// The offset abbreviation `i` names at a wall time.
pub fn at_local(i: usize, local: NaiveDateTime, feed: Tz) -> Option<FixedOffset> {
    settle(i, feed, |tz| {
        tz.from_local_datetime(&local)
            .map(|t| *t.offset())
            .earliest()
            .into_iter()
            .chain(tz.from_local_datetime(&local).latest().map(|t| *t.offset()))
    })
}

/// The offset abbreviation `i` names at an instant.
pub fn at_instant(i: usize, t: DateTime<Utc>, feed: Tz) -> Option<FixedOffset> {
    settle(i, feed, |tz| [tz.offset_from_utc_datetime(&t.naive_utc())])
}

/// Whether a token may begin a designator: a capitalised word, "GMT", "UTC", "Z", or a sign.
pub fn candidate(t: &Tok) -> bool {
    match t.kind {
        Kind::Word => {
            (t.upper && t.text.len() <= 5 && t.text.bytes().all(|b| b.is_ascii_lowercase()))
                || matches!(t.text.as_str(), "gmt" | "utc" | "z")
        }
        Kind::Sep => t.is_sep('+') || t.is_sep('-'),
        Kind::Num => false,
    }
}

fn glued(toks: &[Tok], i: usize) -> Option<&Tok> {
    toks.get(i).filter(|t| !t.spaced)
}

/// Whether a number or a separator and a number are glued on at token `i` ("+7.5",
/// "+07:00:00"): the offset would be read short.
fn continues(toks: &[Tok], i: usize) -> bool {
    glued(toks, i).is_some_and(|t| {
        t.is_num() || (t.kind == Kind::Sep && glued(toks, i + 1).is_some_and(Tok::is_num))
    })
}

/// A signed offset at token `i`: "+7", "+07", "+07:00", "+0700", "-03" (after "GMT" or
/// "UTC": `prefixed`), or only "+0700", "+07:00", "-0500" (alone: a "-" and a clock time are
/// a time range, "14:05-15:00"). Seconds east and tokens taken; `None` when there is no sign
/// or the form does not fit, `Err` when the form fits but names no offset.
fn signed(toks: &[Tok], i: usize, prefixed: bool) -> Option<Result<(i32, usize), Fail>> {
    let sign = toks.get(i).filter(|t| t.is_sep('+') || t.is_sep('-'))?;
    let west = sign.is_sep('-');
    let Some(number) = glued(toks, i + 1).filter(|t| t.is_num()) else {
        // "GMT + 7", "GMT+": a sign after "GMT" that names no offset.
        return prefixed.then_some(Err(INVALID));
    };
    let minutes_follow = glued(toks, i + 2).is_some_and(|t| t.is_sep(':'))
        && glued(toks, i + 3).is_some_and(|t| t.is_num() && t.digits() == 2);
    let value = |t: &Tok| t.value().and_then(|v| i32::try_from(v).ok());
    let (hours, minutes, len) = match (number.digits(), minutes_follow) {
        (4, false) => {
            let v = value(number)?;
            (v / 100, v % 100, 2)
        }
        (1 | 2, true) if prefixed || (!west && number.digits() == 2) => {
            (value(number)?, value(&toks[i + 3])?, 4)
        }
        (1 | 2, false) if prefixed => (value(number)?, 0, 2),
        _ if prefixed || !west => return Some(Err(INVALID)),
        _ => return None,
    };
    if continues(toks, i + len) || minutes >= 60 {
        return Some(Err(INVALID));
    }
    let seconds = (hours * 60 + minutes) * 60 * if west { -1 } else { 1 };
    if !(WEST..=EAST).contains(&seconds) {
        return Some(Err(INVALID));
    }
    Some(Ok((seconds, len)))
}

/// A designator at token `i`: what it names and how many tokens it takes. `None` when there is
/// none; `Err` when the tokens are one that names no offset ("GMT+27", "UTC+5:75").
pub fn at(toks: &[Tok], i: usize) -> Option<Result<(Designator, usize), Fail>> {
    let t = toks.get(i)?;
    if !candidate(t) {
        return None;
    }
    if t.kind == Kind::Sep {
        return signed(toks, i, false).map(|r| r.map(|(s, len)| (Designator::Offset(s), len)));
    }
    match t.text.as_str() {
        "gmt" | "utc" => Some(utc_and_offset(toks, i)),
        // RFC 822's "UT", in capitals only ("ut" is a word in several languages).
        "ut" if t.upper => Some(utc_and_offset(toks, i)),
        // "14:05Z": only glued to the clock.
        "z" => (!t.spaced).then_some(Ok((Designator::Offset(0), 1))),
        word if t.upper && !continues(toks, i + 1) => {
            abbreviation(word).map(|a| Ok((Designator::Abbreviation(a), 1)))
        }
        _ => None,
    }
}

/// "GMT", "UTC" or "UT" at token `i`, with the offset after it if any.
fn utc_and_offset(toks: &[Tok], i: usize) -> Result<(Designator, usize), Fail> {
    match signed(toks, i + 1, true) {
        None if continues(toks, i + 1) => Err(INVALID),
        None => Ok((Designator::Offset(0), 1)),
        Some(r) => r.map(|(s, len)| (Designator::Offset(s), len + 1)),
    }
}

/// Whether a clock time of the language ends just before token `i`.
fn after_clock(toks: &[Tok], lex: &Lex, i: usize) -> bool {
    // "14:05 (GMT+7)": the designator in brackets after the clock.
    let end = if i > 0 && toks[i - 1].is_sep('(') {
        i - 1
    } else {
        i
    };
    (end.saturating_sub(8)..end)
        .any(|k| clock::at(toks, lex, k, true).is_some_and(|c| c.tokens.end == end))
}

/// The tokens of a text without its designators, and what they name, in one language: every
/// designator must follow a clock time and all must name the same. `Err` when the text holds
/// one that names no offset, one without a clock before it ("4 March 2026 +0700"), or two
/// that differ; unchanged tokens when it holds none (the index is not touched then unless a
/// capitalised word follows a clock).
pub fn strip<'t>(toks: &'t [Tok], lex: &Lex) -> Result<(Cow<'t, [Tok]>, Option<Designator>), Fail> {
    let mut named: Option<Designator> = None;
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !candidate(&toks[i]) {
            i += 1;
            continue;
        }
        let clocked = after_clock(toks, lex, i);
        // A designator not after a clock is refused ("4 March 2026 CET", "3 mars 2026 CET",
        // though "cet" is a French word), except "GMT" and the like in lower case, which are
        // no designators there.
        if !clocked && toks[i].kind == Kind::Word {
            if toks[i].upper && at(toks, i).is_some() {
                return Err(NO_CLOCK);
            }
            i += 1;
            continue;
        }
        match at(toks, i) {
            Some(Ok((d, len))) if clocked => {
                if named.is_some_and(|n| n != d) {
                    return Err(INVALID);
                }
                named = Some(d);
                // Its brackets go with it.
                let bracketed = i > 0
                    && toks[i - 1].is_sep('(')
                    && toks.get(i + len).is_some_and(|t| t.is_sep(')'));
                if bracketed {
                    taken.push(i - 1..i + len + 1);
                } else {
                    taken.push(i..i + len);
                }
                i += len;
            }
            Some(Err(fail)) if clocked => return Err(fail),
            Some(_) if toks[i].is_sep('+') => return Err(NO_CLOCK),
            _ => i += 1,
        }
    }
    if taken.is_empty() {
        return Ok((Cow::Borrowed(toks), None));
    }
    let kept = toks
        .iter()
        .enumerate()
        .filter(|(k, _)| !taken.iter().any(|r| r.contains(k)))
        .map(|(_, t)| t.clone())
        .collect();
    Ok((Cow::Owned(kept), named))
}

/// The designator a text begins with ("GMT+7", "CET", "+0100 (CET)"), as RFC 2822 and
/// ISO 8601 times have after them: `None` when it begins with none, `Err` when it names no
/// offset.
pub fn leading(text: &str) -> Option<Result<Designator, Fail>> {
    at(&super::text::tokens(text), 0).map(|r| r.map(|(d, _)| d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::Language;

    fn offset(text: &str) -> Option<Result<i32, Fail>> {
        leading(text).map(|r| {
            r.map(|d| match d {
                Designator::Offset(s) => s,
                Designator::Abbreviation(_) => panic!("{text}: an abbreviation"),
            })
        })
    }

    fn hours(h: f64) -> i32 {
        (h * 3600.0) as i32
    }

    #[test]
    fn offsets_in_every_form_sites_write() {
        for (text, want) in [
            ("GMT+7", 7.0),
            ("GMT+07", 7.0),
            ("GMT+07:00", 7.0),
            ("GMT+0700", 7.0),
            ("GMT +7", 7.0),
            ("gmt+7", 7.0),
            ("UTC+5:30", 5.5),
            ("UTC+05:45", 5.75),
            ("UTC-03", -3.0),
            ("UTC-3:30", -3.5),
            ("UTC+14", 14.0),
            ("GMT-12", -12.0),
            ("+0700", 7.0),
            ("+07:00", 7.0),
            ("-0500", -5.0),
            ("UTC", 0.0),
            ("GMT", 0.0),
            ("UT", 0.0),
            ("Z", 0.0),
        ] {
            assert_eq!(offset(text), Some(Ok(hours(want))), "{text}");
        }
    }

    #[test]
    fn absurd_or_cut_offsets_are_refused() {
        for text in [
            "GMT+27",
            "UTC+5:75",
            "GMT+7.5",
            "UTC+07:00:00",
            "GMT+15",
            "UTC-13",
            "GMT + 7",
            "GMT+",
            "+7",
            "+27:00",
            "+123",
        ] {
            assert_eq!(offset(text), Some(Err(INVALID)), "{text}");
        }
    }

    #[test]
    fn what_is_no_designator_is_left_alone() {
        // A "-" and a clock time after a clock are a time range; lower-case words are words.
        for text in ["-05:00", "-5", "cet", "est", "ut", "Uhr", "XYZ", "14:05"] {
            assert_eq!(offset(text), None, "{text}");
        }
        assert!(leading("CET").is_some());
    }

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|date| date.and_hms_opt(h, min, 0))
            .expect("a valid time")
    }

    fn abbreviation_of(name: &str) -> usize {
        match leading(name) {
            Some(Ok(Designator::Abbreviation(i))) => i,
            other => panic!("{name}: {other:?}"),
        }
    }

    /// The offset `name` names at a wall time, read where the feed's zone is `feed`.
    fn named(name: &str, at: NaiveDateTime, feed: &str) -> Option<f64> {
        let feed: Tz = feed.parse().expect("a zone");
        at_local(abbreviation_of(name), at, feed).map(|o| f64::from(o.local_minus_utc()) / 3600.0)
    }

    const AMS: &str = "Europe/Amsterdam";

    #[test]
    fn abbreviations_the_zones_agree_on_name_their_offset() {
        let march = local(2026, 3, 4, 14, 5);
        let july = local(2026, 7, 4, 14, 5);
        for (name, at, want) in [
            ("CET", march, 1.0),
            ("CEST", july, 2.0),
            ("EST", march, -5.0),
            ("EDT", july, -4.0),
            ("PDT", july, -7.0),
            ("MSK", march, 3.0),
            ("JST", march, 9.0),
            ("KST", march, 9.0),
            ("HKT", march, 8.0),
            ("WIB", march, 7.0),
            ("WITA", march, 8.0),
            ("WIT", march, 9.0),
            ("EET", march, 2.0),
            ("SAST", march, 2.0),
            ("AEDT", march, 11.0),
            ("AEST", july, 10.0),
        ] {
            assert_eq!(
                named(name, at, "America/Sao_Paulo"),
                Some(want),
                "{name} at {at}"
            );
        }
    }

    #[test]
    fn summer_and_winter_names_on_the_right_dates() {
        // CEST is used from the last Sunday of March: not on 4 March, but on 30 March.
        assert_eq!(named("CEST", local(2026, 3, 4, 14, 5), AMS), None);
        assert_eq!(named("CEST", local(2026, 3, 30, 14, 5), AMS), Some(2.0));
        // CET stays +01:00 in summer (Algiers, Tunis use it all year).
        assert_eq!(named("CET", local(2026, 7, 4, 14, 5), AMS), Some(1.0));
        // In the autumn fold 02:30 happens in CEST and again in CET: the name picks one.
        let fold = local(2026, 10, 25, 2, 30);
        assert_eq!(named("CEST", fold, AMS), Some(2.0));
        assert_eq!(named("CET", fold, AMS), Some(1.0));
        // EDT is not used in January.
        assert_eq!(
            named("EDT", local(2026, 1, 14, 9, 0), "America/New_York"),
            None
        );
        let i = abbreviation_of("EDT");
        assert_eq!(unsettled(i, local(2026, 1, 14, 9, 0)), UNUSED);
    }

    #[test]
    fn shared_abbreviations_need_the_feeds_zone() {
        let march = local(2026, 3, 4, 14, 5);
        // IST: India +05:30, Israel +02:00 in winter (Ireland's IST is its summer time).
        assert_eq!(named("IST", march, AMS), None);
        assert_eq!(unsettled(abbreviation_of("IST"), march), AMBIGUOUS);
        assert_eq!(named("IST", march, "Asia/Kolkata"), Some(5.5));
        assert_eq!(named("IST", march, "Asia/Jerusalem"), Some(2.0));
        assert_eq!(named("IST", march, "Europe/Dublin"), None);
        let july = local(2026, 7, 4, 14, 5);
        assert_eq!(named("IST", july, "Europe/Dublin"), Some(1.0));
        // Israel writes IDT in summer: IST then is not the feed's.
        assert_eq!(named("IST", july, "Asia/Jerusalem"), None);
        // CST: US Central, China, Cuba.
        assert_eq!(named("CST", march, "America/Chicago"), Some(-6.0));
        assert_eq!(named("CST", march, "Asia/Shanghai"), Some(8.0));
        assert_eq!(named("CST", march, AMS), None);
        // PST: US Pacific, and the Philippines since the database's 2024 releases.
        assert_eq!(named("PST", march, "America/Los_Angeles"), Some(-8.0));
        assert_eq!(named("PST", march, "Asia/Manila"), Some(8.0));
        assert_eq!(named("PST", march, AMS), None);
        // BST is British Summer Time only in summer.
        assert_eq!(named("BST", july, "Europe/London"), Some(1.0));
        assert_eq!(named("BST", march, "Europe/London"), None);
    }

    #[test]
    fn the_hand_table_fills_what_the_database_lacks() {
        let march = local(2026, 3, 4, 14, 5);
        assert_eq!(named("KSA", march, AMS), Some(3.0));
        assert_eq!(named("ICT", march, AMS), Some(7.0));
        assert_eq!(named("MEZ", march, AMS), Some(1.0));
        // "GST" was Guam's in the database until 2000; now it is the Gulf's.
        assert_eq!(named("GST", march, AMS), Some(4.0));
        for (name, _) in HAND {
            assert!(name.bytes().all(|b| b.is_ascii_uppercase()), "{name}");
        }
    }

    #[test]
    fn at_an_instant_as_at_a_wall_time() {
        let feed: Tz = AMS.parse().expect("a zone");
        let t = Utc
            .with_ymd_and_hms(2026, 7, 4, 12, 0, 0)
            .single()
            .expect("valid");
        let o = at_instant(abbreviation_of("CEST"), t, feed).map(|o| o.local_minus_utc());
        assert_eq!(o, Some(7200));
        let t = Utc
            .with_ymd_and_hms(2026, 3, 4, 12, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(at_instant(abbreviation_of("CEST"), t, feed), None);
    }

    fn stripped(text: &str) -> Result<(String, Option<Designator>), Fail> {
        let lex = Language::from_code("en").and_then(|l| l.lex()).expect("en");
        let toks = super::super::text::tokens(text);
        strip(&toks, lex).map(|(toks, d)| {
            let words: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
            (words.join(" "), d)
        })
    }

    #[test]
    fn designators_follow_a_clock_time() {
        assert_eq!(
            stripped("4 March 2026 14:05 (GMT+7)"),
            Ok((
                "4 march 2026 14 : 05".into(),
                Some(Designator::Offset(7 * 3600))
            ))
        );
        assert_eq!(
            stripped("4 March 2026, 2:05 PM EST").map(|(t, _)| t),
            Ok("4 march 2026 , 2 : 05 pm".into())
        );
        // Without a clock before it: refused, not ignored.
        assert_eq!(stripped("4 March 2026 CET"), Err(NO_CLOCK));
        assert_eq!(stripped("4 March 2026 +0700"), Err(NO_CLOCK));
        // Two that differ: which is meant?
        assert_eq!(stripped("14:05 CET, 15:05 EET"), Err(INVALID));
        assert!(stripped("14:05 CET, 15:05 CET").is_ok());
        // An unknown capitalised word stays an unknown word; a time range stays one.
        assert_eq!(stripped("14:05 XYZ"), Ok(("14 : 05 xyz".into(), None)));
        assert_eq!(
            stripped("14:05-15:00"),
            Ok(("14 : 05 - 15 : 00".into(), None))
        );
        // No candidate at all: the tokens as they were.
        assert_eq!(
            stripped("18 minutes ago"),
            Ok(("18 minutes ago".into(), None))
        );
    }
}
