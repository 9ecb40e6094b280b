//! Tests of the date reader: the phrasings table, DST, errors and properties.

mod calendars;
mod corpus;
mod dst;
mod errors;
mod props;
mod table;
mod world;

use super::*;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// An instant from RFC 3339 text.
fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("bad time {text}: {e}"))
        .to_utc()
}

fn zone(name: &str) -> Tz {
    name.parse()
        .unwrap_or_else(|e| panic!("bad zone {name}: {e}"))
}

/// Read `text` in the given languages ("" = auto) at `now` in `tz`.
fn read_at(
    text: &str,
    langs: &str,
    now: &str,
    tz: &str,
    rounding: Rounding,
) -> Result<Reading, DateError> {
    let languages: Vec<Language> = langs
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| Language::from_code(c).unwrap_or_else(|| panic!("bad language {c}")))
        .collect();
    let ctx = Context {
        now: at(now),
        timezone: zone(tz),
        languages: &languages,
        rounding,
    };
    read(text, &ctx)
}
