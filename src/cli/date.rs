//! `pagefeed date`: how one date text on a page resolves, in a language, a zone and a
//! rounding: the flags', else a feed's or the config's, else UTC, every language, floor.

use super::{Error, Result, load, to_second};
use chrono::{DateTime, Utc};
use pagefeed::dates::{self, Language, Rounding};
use std::path::PathBuf;

/// How `date` reads a text: the zone, languages and rounding.
pub struct DateSettings {
    timezone: chrono_tz::Tz,
    /// Empty: every language ("auto").
    languages: Vec<Language>,
    rounding: Rounding,
}

/// `date`'s settings: its flags, else (with `-c` or `--feed`) the named feed's or the config's
/// own, else UTC, every language and floor rounding.
pub fn settings(
    config: Option<PathBuf>,
    feed: Option<String>,
    language: Option<String>,
    timezone: Option<String>,
    rounding: Option<String>,
) -> Result<DateSettings> {
    let mut s = DateSettings {
        timezone: chrono_tz::Tz::UTC,
        languages: Vec::new(),
        rounding: Rounding::default(),
    };
    if config.is_some() || feed.is_some() {
        let c = load(config)?;
        match feed {
            Some(id) => {
                let f = super::feed(&c, &id)?;
                s.timezone = f.timezone;
                s.languages = f.languages.clone();
                s.rounding = f.rounding;
            }
            None => {
                s.timezone = c.timezone;
                s.languages = c.languages.clone();
            }
        }
    }
    if let Some(language) = language {
        s.languages.clear();
        for code in language.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            if code.eq_ignore_ascii_case("auto") {
                s.languages.clear();
                break;
            }
            match Language::from_code(code) {
                Some(l) => s.languages.push(l),
                None => {
                    let known: Vec<&str> = Language::all().iter().map(|l| l.code()).collect();
                    return Err(Error::Usage(format!(
                        "pagefeed: unknown language {code:?}; use auto or one of {}",
                        known.join(", ")
                    )));
                }
            }
        }
    }
    if let Some(timezone) = timezone {
        let Ok(tz) = timezone.parse::<chrono_tz::Tz>() else {
            return Err(Error::Usage(format!(
                "pagefeed: {timezone:?} is not an IANA time zone such as Europe/Amsterdam"
            )));
        };
        s.timezone = tz;
    }
    if let Some(rounding) = rounding {
        let Some(r) = Rounding::from_name(&rounding) else {
            return Err(Error::Usage(format!(
                "pagefeed: {rounding:?} is not a rounding: use floor or nearest"
            )));
        };
        s.rounding = r;
    }
    Ok(s)
}

pub fn run(text: &str, s: &DateSettings, now: Option<DateTime<Utc>>, json: bool) -> Result {
    let tz = s.timezone;
    let ctx = dates::Context {
        now: now.unwrap_or_else(Utc::now),
        timezone: tz,
        languages: &s.languages,
        rounding: s.rounding,
    };
    match dates::read(text, &ctx) {
        Ok(r) => {
            let (earliest, latest, published) = (
                to_second(r.interval.earliest, tz),
                to_second(r.interval.latest, tz),
                to_second(r.point, tz),
            );
            if json {
                outln!(
                    "{}",
                    serde_json::json!({
                        "earliest": earliest,
                        "latest": latest,
                        "published": published,
                    })
                );
            } else {
                outln!("published {published}");
                outln!("within    ({earliest}, {latest}]");
            }
            Ok(())
        }
        Err(e) => Err(Error::Failed(format!("pagefeed: {e}"))),
    }
}
