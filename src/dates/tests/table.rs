//! The phrasings table: real-world date texts per language with their expected readings.

use super::*;

const TABLE: &str = include_str!("phrasings.tsv");

struct Row<'a> {
    line: usize,
    lang: &'a str,
    zone: &'a str,
    now: &'a str,
    text: &'a str,
    expected: Option<(&'a str, &'a str, &'a str)>,
    rounding: Rounding,
}

fn rows() -> Vec<Row<'static>> {
    rows_of(TABLE)
}

fn rows_of(table: &'static str) -> Vec<Row<'static>> {
    table
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| {
            let c: Vec<&str> = l.split('\t').collect();
            assert!(c.len() >= 7, "line {}: expected 7 columns: {l}", i + 1);
            let rounding = c.get(7).map_or(Rounding::Floor, |r| {
                Rounding::from_name(r).unwrap_or_else(|| panic!("line {}: rounding {r}", i + 1))
            });
            let expected = (c[4] != "error").then_some((c[4], c[5], c[6]));
            Row {
                line: i + 1,
                lang: if c[0] == "auto" { "" } else { c[0] },
                zone: c[1],
                now: c[2],
                text: c[3],
                expected,
                rounding,
            }
        })
        .collect()
}

fn check(row: &Row) -> Result<(), String> {
    let got = read_at(row.text, row.lang, row.now, row.zone, row.rounding);
    match (row.expected, got) {
        (None, Err(_)) => Ok(()),
        (None, Ok(r)) => Err(format!(
            "expected an error, got {} point {}",
            r.interval, r.point
        )),
        (Some(_), Err(e)) => Err(format!("error: {e}")),
        (Some((e, l, p)), Ok(r)) => {
            let want = Reading {
                interval: Interval::new(at(e), at(l)).ok_or("empty expected interval")?,
                point: at(p),
            };
            if r == want {
                Ok(())
            } else {
                Err(format!(
                    "got {} point {}, want {} point {}",
                    r.interval,
                    r.point.to_rfc3339(),
                    want.interval,
                    want.point.to_rfc3339()
                ))
            }
        }
    }
}

#[test]
fn every_phrasing_reads_as_expected() {
    let rows = rows();
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|row| {
            check(row)
                .err()
                .map(|why| format!("line {} [{}] {:?}: {why}", row.line, row.lang, row.text))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} phrasings failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn the_table_is_big_enough() {
    let rows = rows();
    assert!(rows.len() >= 300, "{} rows", rows.len());
    for lang in Language::hand_written() {
        let n = rows.iter().filter(|r| r.lang == lang.code()).count();
        assert!(n >= 30, "{}: only {n} phrasings", lang.code());
    }
}

/// Every row also reads the same with "auto" languages, unless the language matters.
#[test]
fn readings_in_auto_contain_the_same_point_mostly() {
    let rows = rows();
    let same = rows
        .iter()
        .filter(|r| r.expected.is_some())
        .filter(|r| {
            let own = read_at(r.text, r.lang, r.now, r.zone, r.rounding);
            let auto = read_at(r.text, "", r.now, r.zone, r.rounding);
            own == auto
        })
        .count();
    let total = rows.iter().filter(|r| r.expected.is_some()).count();
    assert!(
        same * 100 >= total * 95,
        "only {same} of {total} read the same in auto"
    );
}

/// Rows rendered from CLDR's own data by `scripts/cldr/generate.py`, and rows written by hand
/// from how news sites in the big languages write their times.
const CLDR_TABLE: &str = include_str!("../cldr/tests.tsv");
/// Date texts as news sites write them, by hand, one file a region of the world.
const WORLD_TABLES: [(&str, &str); 5] = [
    ("europe", include_str!("world/europe.tsv")),
    ("slavic-baltic", include_str!("world/slavic-baltic.tsv")),
    ("west-south-asia", include_str!("world/west-south-asia.tsv")),
    (
        "east-asia-africa",
        include_str!("world/east-asia-africa.tsv"),
    ),
    ("auto", include_str!("world/auto.tsv")),
];

fn failures(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .filter_map(|row| {
            check(row)
                .err()
                .map(|why| format!("line {} [{}] {:?}: {why}", row.line, row.lang, row.text))
        })
        .collect()
}

/// Rows of CLDR's data the reader does not read yet: a day period of several words or glued
/// to a suffix, or with a word between it and the hour.
const KNOWN_GAPS: [(&str, &str); 3] = [
    ("te", "నిన్న 2:05 PMకి"),
    ("brx", "मैया नि बेलासे नि 2:05 याव"),
    ("ee", "ɣetrɔ ga 2:05 etsɔ si va yi"),
];

#[test]
fn every_cldr_phrasing_reads_as_expected() {
    let rows: Vec<Row> = rows_of(CLDR_TABLE)
        .into_iter()
        .filter(|r| !KNOWN_GAPS.contains(&(r.lang, r.text)))
        .collect();
    let failures = failures(&rows);
    assert!(
        failures.is_empty(),
        "{} of {} CLDR phrasings failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn every_cldr_language_has_rows() {
    let rows = rows_of(CLDR_TABLE);
    let generated: Vec<&Language> = Language::all().iter().filter(|l| l.generated()).collect();
    assert!(generated.len() >= 100, "{} CLDR languages", generated.len());
    for lang in generated {
        let n = rows.iter().filter(|r| r.lang == lang.code()).count();
        assert!(n >= 10, "{}: only {n} CLDR rows", lang.code());
    }
}

#[test]
fn every_news_phrasing_reads_as_expected() {
    let mut all = Vec::new();
    for (name, table) in WORLD_TABLES {
        let rows = rows_of(table);
        all.extend(failures(&rows).into_iter().map(|f| format!("{name}: {f}")));
    }
    assert!(
        all.is_empty(),
        "{} news phrasings failed:\n{}",
        all.len(),
        all.join("\n")
    );
}
/// Languages whose news sites' phrasings are in the tables, each with at least this many
/// rows: every language the issue of world languages names, and the big ones of each region.
const NEWS_LANGUAGES: [&str; 45] = [
    "ru", "uk", "be", "pl", "cs", "sk", "hr", "sr", "bs", "bg", "sl", "lt", "lv", "tr", "az", "uz",
    "ar", "he", "fa", "ur", "hi", "bn", "ka", "zh", "ja", "ko", "th", "vi", "id", "ms", "fil",
    "sw", "el", "sv", "da", "nb", "fi", "et", "hu", "ro", "ca", "af", "no", "nn", "is",
];
const NEWS_ROWS: usize = 8;

#[test]
fn the_big_languages_have_news_phrasings() {
    let rows: Vec<Row> = WORLD_TABLES.iter().flat_map(|(_, t)| rows_of(t)).collect();
    let count = |code: &str| {
        rows.iter()
            .filter(|r| r.lang == code || (code == "fil" && r.lang == "tl"))
            .count()
    };
    let short: Vec<String> = NEWS_LANGUAGES
        .iter()
        .filter(|c| count(c) < NEWS_ROWS)
        .map(|c| format!("{c}: {}", count(c)))
        .collect();
    assert!(
        short.is_empty(),
        "fewer than {NEWS_ROWS} news rows: {short:?}"
    );
    // Each row names a language the reader has.
    for r in &rows {
        assert!(
            r.lang.is_empty() || Language::from_code(r.lang).is_some(),
            "line {}: {}",
            r.line,
            r.lang
        );
    }
}
