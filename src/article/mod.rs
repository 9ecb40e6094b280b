//! What an item's own page says about the item: its publication and modification times,
//! authors, main image, canonical link, language, headline and, on request, its main text.
//!
//! The feed's list page gives an item its link; with `follow`, the poll fetches that page and
//! hands it here. Item pages are hostile input like list pages: they are parsed within the
//! bounds of [`crate::extract::parse`], and what they say is evidence to weigh, not orders.
//!
//! # Where each field comes from
//!
//! Five forms of metadata, in this order of trust ([`Origin`]): JSON-LD (`jsonld.rs`), then
//! OpenGraph / `article:*` meta, microdata, a `<time datetime>` in the article, and other
//! meta elements (`meta.rs`). Each field is taken from the most trusted form that has a
//! usable value for it; a value that cannot be used (an unreadable or future date, an image
//! that is no http(s) URL, a broken JSON-LD block) is passed over with a note, and the next
//! form is asked. Where two forms give publication times that cannot both be true (their
//! intervals do not meet), the more trusted is taken and the other noted.
//!
//! The canonical link is the exception: `<link rel="canonical">` is the one element that
//! exists to name it, so it comes first, then JSON-LD's `mainEntityOfPage` or `url`,
//! `og:url` and microdata's `mainEntityOfPage`. Fragments are dropped from it.
//!
//! # Times
//!
//! Read with the project's date reader ([`crate::dates::read_in_page`]): ISO 8601 / RFC 3339
//! with or without offset, seconds and fractions, date alone, RFC 2822, Unix time, and the
//! written dates of every language it knows (a site's `<meta name="date" content="4 March
//! 2026">`), in `timezone` where the text has no offset and in the page's language first. A
//! time that begins more than [`FUTURE_LIMIT`] (1 hour) after the fetch is not believed; one
//! that only ends after it is cut there. A modification earlier than the publication is
//! dropped with a note.
//!
//! # Bounds
//!
//! The parse is bounded ([`ArticleError`] where the page is refused); JSON-LD blocks are
//! bounded in number and size; each form gives at most [`MAX_RAW`] values of a field; names
//! and titles are cut to [`MAX_NAME_CHARS`] and [`MAX_TITLE_CHARS`]; notes quote at most
//! [`NOTE_QUOTE_CHARS`] characters of what the page wrote; the main text is at most
//! [`CONTENT_LIMIT`] bytes.

mod content;
mod jsonld;
mod meta;

use crate::dates::{self, Interval, Reading};
use crate::extract::parse;
use crate::text;
use chrono::{DateTime, Duration, Utc};
use scraper::{Html, Selector};
use std::sync::LazyLock;
use url::Url;

/// How an item page is read.
pub struct Options {
    /// IANA zone for times written without an offset (the feed's `timezone`).
    pub timezone: chrono_tz::Tz,
    /// The moment the item page was fetched: a publication time more than 1 h after it is
    /// not believed (as the list's date reader does for future dates).
    pub now: DateTime<Utc>,
    /// Extract the main text too (`content = "full"`).
    pub full: bool,
}

/// What an item's own page says about the item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    pub published: Option<Stamp>,
    pub modified: Option<Stamp>,
    /// Author names as written (no URLs, no markup), deduplicated, in order, at most 10.
    pub authors: Vec<String>,
    /// Main image, absolute http(s).
    pub image: Option<Url>,
    /// Canonical link, absolute http(s).
    pub canonical: Option<Url>,
    /// Language tag as written (JSON-LD inLanguage, og:locale, <html lang>).
    pub language: Option<String>,
    /// The page's headline (JSON-LD headline, og:title), plain text.
    pub title: Option<String>,
    /// With `full`: the main text as sanitised HTML (no script/style/handlers/frames/forms,
    /// absolute URLs, lazy images resolved), at most CONTENT_LIMIT bytes, cut on an element
    /// boundary. None where no main text was found.
    pub content: Option<String>,
    /// What was ignored and why, one line each (a broken JSON-LD block, an unreadable or
    /// future date, two sources that disagree): for the caller to log.
    pub notes: Vec<String>,
}

/// The most main text [`Article::content`] holds, in bytes.
pub const CONTENT_LIMIT: usize = 256 * 1024;

/// A time the page states, with what it proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// What the text proves: a full time with seconds gives (t - 1 s, t]; a time to the
    /// minute (t - 1 min, t]... a date alone gives that whole day in `timezone`.
    pub reading: Reading,
    /// As written on the page.
    pub text: String,
    pub origin: Origin,
}

/// Where on the page a value was found, most trusted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A `<script type="application/ld+json">` block (schema.org).
    JsonLd,
    /// OpenGraph and `article:*` meta elements.
    OpenGraph,
    /// Microdata (`itemprop`).
    Microdata,
    /// A `<time datetime>` in the article or the page's main part.
    Time,
    /// Other meta elements (`<meta name="date">`, Dublin Core, Parse.ly, Sailthru, ...).
    Meta,
}

impl Origin {
    /// "json-ld", "opengraph", "microdata", "time", "meta"
    pub fn name(self) -> &'static str {
        match self {
            Origin::JsonLd => "json-ld",
            Origin::OpenGraph => "opengraph",
            Origin::Microdata => "microdata",
            Origin::Time => "time",
            Origin::Meta => "meta",
        }
    }
}

/// Why an item page could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ArticleError {
    /// The page could not be parsed within the bounds of [`crate::extract::parse`].
    #[error(transparent)]
    Parse(#[from] parse::ParseError),
}

/// How far after the fetch a publication or modification time may begin: an hour, as for
/// any time with its own offset in the list's date reader ([`dates::INSTANT_MARGIN`]).
pub const FUTURE_LIMIT: Duration = dates::INSTANT_MARGIN;

/// The most values of one field each form of metadata gives.
pub const MAX_RAW: usize = 20;

/// The most authors kept.
pub const MAX_AUTHORS: usize = 10;

/// The longest author name kept, in characters; longer ones are cut at a word.
pub const MAX_NAME_CHARS: usize = 200;

/// The longest headline kept, in characters; longer ones are cut at a word.
pub const MAX_TITLE_CHARS: usize = 1000;

/// The most characters of a page's text a note quotes.
pub const NOTE_QUOTE_CHARS: usize = 80;

/// The longest note, in characters.
const MAX_NOTE_CHARS: usize = 600;

/// The longest language tag kept (BCP 47 tags in use stay far below).
const MAX_LANGUAGE_CHARS: usize = 35;

/// What one form of metadata says, as written: dates and links with the key they were found
/// under (for notes), names and images in page order.
#[derive(Debug, Default, PartialEq, Eq)]
struct Found {
    published: Vec<(String, String)>,
    modified: Vec<(String, String)>,
    authors: Vec<String>,
    images: Vec<String>,
    canonical: Vec<(String, String)>,
    language: Option<String>,
    title: Option<String>,
}

/// schema.org's date properties of an article, JSON-LD's and microdata's alike: name, and
/// whether it is the modification (else the publication).
const DATE_PROPERTIES: [(&str, bool); 3] = [
    ("datePublished", false),
    ("dateCreated", false),
    ("dateModified", true),
];

impl Found {
    /// The publication or (`modified`) the modification times found, as (source, text).
    fn dates(&mut self, modified: bool) -> &mut Vec<(String, String)> {
        if modified {
            &mut self.modified
        } else {
            &mut self.published
        }
    }
}

/// Read an item page (its decoded text and the URL it was finally fetched from).
pub fn read(html: &str, url: &Url, options: &Options) -> Result<Article, ArticleError> {
    let doc = parse::document(html)?;
    let base = base_url(&doc, url);
    let mut notes = Vec::new();
    // The addresses that name this page, for JSON-LD that describes several articles.
    let addresses: Vec<Url> = std::iter::once(url.clone())
        .chain(
            meta::canonical_link(&doc)
                .iter()
                .filter_map(|(_, href)| base.join(href.trim()).ok()),
        )
        .collect();
    let sources = [
        (Origin::JsonLd, jsonld::read(&doc, &addresses, &mut notes)),
        (Origin::OpenGraph, meta::opengraph(&doc)),
        (Origin::Microdata, meta::microdata(&doc)),
        (Origin::Time, meta::time(&doc)),
        (Origin::Meta, meta::named(&doc)),
    ];
    let language = sources
        .iter()
        .find_map(|(_, f)| f.language.as_deref().and_then(language_tag));
    let title = sources.iter().find_map(|(_, f)| {
        f.title
            .as_deref()
            .map(|t| plain(t, MAX_TITLE_CHARS))
            .filter(|t| !t.is_empty())
    });
    let authors = sources
        .iter()
        .map(|(_, f)| authors(&f.authors))
        .find(|a| !a.is_empty())
        .unwrap_or_default();
    let image = sources.iter().find_map(|(origin, f)| {
        f.images
            .iter()
            .find_map(|i| link(i, &base, *origin, "image", &mut notes))
    });
    let mut canonical_sources = vec![(Origin::Meta, meta::canonical_link(&doc))];
    canonical_sources.extend(sources.iter().map(|(o, f)| (*o, f.canonical.clone())));
    let canonical = canonical_sources.iter().find_map(|(origin, list)| {
        list.iter().find_map(|(key, href)| {
            let mut url = link(href, &base, *origin, key, &mut notes)?;
            url.set_fragment(None);
            Some(url)
        })
    });
    let ctx = dates::Context {
        now: options.now,
        timezone: options.timezone,
        languages: &[],
        rounding: dates::Rounding::Floor,
    };
    let read_one = |list: &dyn Fn(&Found) -> &Vec<(String, String)>, notes: &mut Vec<String>| {
        let mut stamps = Vec::new();
        for (origin, found) in &sources {
            for (key, text) in list(found) {
                match stamp(text, &ctx, language.as_deref(), *origin) {
                    Ok(s) => {
                        stamps.push((key.clone(), s));
                        break;
                    }
                    Err(why) => notes.push(format!(
                        "{} {key} \"{}\": {why}",
                        origin.name(),
                        quote(text)
                    )),
                }
            }
        }
        stamps
    };
    let published = read_one(&|f| &f.published, &mut notes);
    let modified = read_one(&|f| &f.modified, &mut notes);
    let published = taken(published, &mut notes);
    let mut modified = modified.into_iter().next().map(|(_, s)| s);
    if let (Some(p), Some(m)) = (&published, &modified)
        && m.reading.interval.latest <= p.reading.interval.earliest
    {
        notes.push(format!(
            "{} modification \"{}\" is earlier than the {} publication \"{}\": dropped",
            m.origin.name(),
            quote(&m.text),
            p.origin.name(),
            quote(&p.text)
        ));
        modified = None;
    }
    let content = if options.full {
        content::main_text(html, url, &base, &mut notes)
    } else {
        None
    };
    // One line each, however the page's text (quoted in a date error) breaks its lines.
    let notes = notes
        .iter()
        .map(|n| text::collapse(cut_chars(n, MAX_NOTE_CHARS)))
        .collect();
    Ok(Article {
        published,
        modified,
        authors,
        image,
        canonical,
        language,
        title,
        content,
        notes,
    })
}

/// The first of the publication times (most trusted first), with a note for each other
/// form whose time cannot be the same.
fn taken(stamps: Vec<(String, Stamp)>, notes: &mut Vec<String>) -> Option<Stamp> {
    let mut stamps = stamps.into_iter();
    let (key, first) = stamps.next()?;
    for (other_key, other) in stamps {
        if first
            .reading
            .interval
            .intersect(&other.reading.interval)
            .is_none()
        {
            notes.push(format!(
                "publication times disagree: {} {other_key} says \"{}\", {} {key} says \"{}\"; the {} one is taken",
                other.origin.name(),
                quote(&other.text),
                first.origin.name(),
                quote(&first.text),
                first.origin.name(),
            ));
        }
    }
    Some(first)
}

/// A time the page states, read, or why it is not believed.
fn stamp(
    text: &str,
    ctx: &dates::Context,
    language: Option<&str>,
    origin: Origin,
) -> Result<Stamp, String> {
    let reading = dates::read_in_page(text, ctx, language).map_err(|e| e.to_string())?;
    let reading = believed(reading, ctx.now).ok_or_else(|| {
        format!(
            "lies more than {} minutes after the fetch; not believed",
            FUTURE_LIMIT.num_minutes()
        )
    })?;
    Ok(Stamp {
        reading,
        text: text.trim().to_string(),
        origin,
    })
}

/// A reading that begins no later than [`FUTURE_LIMIT`] after `now`, cut to end there.
fn believed(reading: Reading, now: DateTime<Utc>) -> Option<Reading> {
    let Some(limit) = now.checked_add_signed(FUTURE_LIMIT) else {
        return Some(reading);
    };
    if reading.interval.latest <= limit {
        return Some(reading);
    }
    let interval = Interval::new(reading.interval.earliest, limit)?;
    Some(Reading {
        interval,
        point: interval.clamp(reading.point),
    })
}

static BASE: LazyLock<Option<Selector>> = LazyLock::new(|| Selector::parse("base[href]").ok());

/// What relative links resolve against: the page's `<base href>` where it is an http(s)
/// URL, else the URL the page was fetched from.
fn base_url(doc: &Html, url: &Url) -> Url {
    BASE.as_ref()
        .and_then(|sel| doc.select(sel).next())
        .and_then(|b| b.attr("href"))
        .and_then(|href| url.join(href.trim()).ok())
        .filter(|b| matches!(b.scheme(), "http" | "https"))
        .unwrap_or_else(|| url.clone())
}

/// An absolute http(s) URL for `href`, or none (noted) where it is something else.
fn link(href: &str, base: &Url, origin: Origin, key: &str, notes: &mut Vec<String>) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    match base.join(href) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
        _ => {
            notes.push(format!(
                "{} {key} \"{}\" is not an http(s) address; ignored",
                origin.name(),
                quote(href)
            ));
            None
        }
    }
}

/// The plain text of a value that may hold markup or entities (JSON-LD headlines often
/// carry `&#8217;`, some authors carry a link): what a reader would see, whitespace
/// collapsed, at most `max` characters, cut at a word.
fn plain(value: &str, max: usize) -> String {
    // Enough of the value for `max` characters of text, whatever markup surrounds them.
    let bounded = cut_chars(value, max * 8);
    let text = if bounded.contains(['<', '&']) {
        let fragment = Html::parse_fragment(bounded);
        text::visible_text(fragment.root_element(), &[])
    } else {
        text::collapse(bounded)
    };
    if text.chars().count() <= max {
        return text;
    }
    let cut = cut_chars(&text, max);
    let at_word = cut.rfind(' ').map_or(cut, |i| &cut[..i]);
    format!("{}…", at_word.trim_end())
}

/// The first `max` characters of `s`.
fn cut_chars(s: &str, max: usize) -> &str {
    s.char_indices().nth(max).map_or(s, |(i, _)| &s[..i])
}

/// A page's text as a note quotes it: one line, at most [`NOTE_QUOTE_CHARS`] characters.
fn quote(text: &str) -> String {
    let line = text::collapse(cut_chars(text, NOTE_QUOTE_CHARS * 4));
    if line.chars().count() > NOTE_QUOTE_CHARS {
        format!("{}…", cut_chars(&line, NOTE_QUOTE_CHARS))
    } else {
        line
    }
}

/// Author names as a reader sees them: markup and entities gone, no addresses (a profile
/// link in `article:author`), no duplicates (ignoring case), at most [`MAX_AUTHORS`].
fn authors(raw: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in raw {
        let name = plain(name, MAX_NAME_CHARS);
        let lower = name.to_lowercase();
        let address = lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("//")
            || lower.starts_with("www.")
            || lower.starts_with("mailto:");
        if name.is_empty() || address || out.iter().any(|o| o.to_lowercase() == lower) {
            continue;
        }
        out.push(name);
        if out.len() == MAX_AUTHORS {
            break;
        }
    }
    out
}

/// A language tag as written, where it looks like one ("en-GB", "de_CH", "nl").
fn language_tag(tag: &str) -> Option<String> {
    let tag = tag.trim();
    let ok = !tag.is_empty()
        && tag.len() <= MAX_LANGUAGE_CHARS
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| tag.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 4, 12, 30, 0)
            .single()
            .expect("valid")
    }

    fn options() -> Options {
        Options {
            timezone: chrono_tz::Europe::Amsterdam,
            now: now(),
            full: false,
        }
    }

    fn page(head: &str, body: &str) -> Article {
        let html = format!("<!doctype html><html><head>{head}</head><body>{body}</body></html>");
        let url = Url::parse("https://news.example/a/b").expect("url");
        read(&html, &url, &options()).expect("reads")
    }

    fn ld(json: &str) -> String {
        format!("<script type=\"application/ld+json\">{json}</script>")
    }

    fn og(property: &str, content: &str) -> String {
        format!("<meta property=\"{property}\" content=\"{content}\">")
    }

    #[test]
    fn origin_names() {
        let names: Vec<&str> = [
            Origin::JsonLd,
            Origin::OpenGraph,
            Origin::Microdata,
            Origin::Time,
            Origin::Meta,
        ]
        .iter()
        .map(|o| o.name())
        .collect();
        assert_eq!(names, ["json-ld", "opengraph", "microdata", "time", "meta"]);
    }

    #[test]
    fn the_more_trusted_time_is_taken_and_a_disagreement_noted() {
        let a = page(
            &(ld(r#"{"@type": "NewsArticle", "datePublished": "2026-03-04T08:00:00Z"}"#)
                + &og("article:published_time", "2026-03-03T08:00:00Z")
                + "<meta name=\"date\" content=\"2026-03-04\">"),
            "",
        );
        let p = a.published.expect("published");
        assert_eq!(p.origin, Origin::JsonLd);
        assert_eq!(p.text, "2026-03-04T08:00:00Z");
        // The date alone allows 08:00 UTC: no disagreement with the meta date.
        assert_eq!(
            a.notes,
            vec![
                "publication times disagree: opengraph article:published_time says \
                 \"2026-03-03T08:00:00Z\", json-ld datePublished says \"2026-03-04T08:00:00Z\"; \
                 the json-ld one is taken"
            ]
        );
    }

    #[test]
    fn a_future_time_is_not_believed_and_the_next_form_answers() {
        let a = page(
            &(ld(r#"{"@type": "NewsArticle", "datePublished": "2026-03-04T15:00:00+01:00"}"#)
                + &og("article:published_time", "2026-03-04 14:00")),
            "",
        );
        // 15:00 +01:00 is 14:00 UTC, 90 minutes after the fetch; 14:00 in Amsterdam is 13:00
        // UTC, 30 minutes after: clocks differ by that much.
        let p = a.published.expect("published");
        assert_eq!(p.origin, Origin::OpenGraph);
        assert_eq!(
            p.reading.interval.latest,
            Utc.with_ymd_and_hms(2026, 3, 4, 13, 0, 59)
                .single()
                .expect("t")
        );
        assert_eq!(a.notes.len(), 1, "{:?}", a.notes);
        assert!(
            a.notes[0].starts_with("json-ld datePublished \"2026-03-04T15:00:00+01:00\": "),
            "{:?}",
            a.notes
        );
        // Without an offset the list's reader allows a day; here an hour is the limit.
        let a = page(&og("article:published_time", "2026-03-04T15:00"), "");
        assert_eq!(a.published, None);
        assert_eq!(
            a.notes,
            vec![
                "opengraph article:published_time \"2026-03-04T15:00\": lies more than 60 \
                 minutes after the fetch; not believed"
            ]
        );
        // Tomorrow's date is cut to end an hour after the fetch... and begins after it.
        let a = page(&og("article:published_time", "2026-03-05"), "");
        assert_eq!(a.published, None);
    }

    #[test]
    fn the_time_forms_sites_write() {
        let ctx = dates::Context {
            now: now(),
            timezone: chrono_tz::Europe::Amsterdam,
            languages: &[],
            rounding: dates::Rounding::Floor,
        };
        let utc = |s: &str| DateTime::parse_from_rfc3339(s).expect("rfc 3339").to_utc();
        // (text, earliest, latest): a second, a minute, a day in Amsterdam.
        let cases = [
            (
                "2026-03-04T10:15:30Z",
                "2026-03-04T10:15:29Z",
                "2026-03-04T10:15:30Z",
            ),
            (
                "2026-03-04T11:15:30+01:00",
                "2026-03-04T10:15:29Z",
                "2026-03-04T10:15:30Z",
            ),
            (
                "2026-03-04T11:15:30+0100",
                "2026-03-04T10:15:29Z",
                "2026-03-04T10:15:30Z",
            ),
            (
                "2026-03-04T10:15:29.250Z",
                "2026-03-04T10:15:29Z",
                "2026-03-04T10:15:30Z",
            ),
            (
                "2026-03-04T11:15",
                "2026-03-04T10:14:59Z",
                "2026-03-04T10:15:59Z",
            ),
            (
                "2026-03-04 11:15:30",
                "2026-03-04T10:15:29Z",
                "2026-03-04T10:15:30Z",
            ),
            (
                "Wed, 04 Mar 2026 10:15:30 GMT",
                "2026-03-04T10:15:29Z",
                "2026-03-04T10:15:30Z",
            ),
            ("1772619330", "2026-03-04T10:15:29Z", "2026-03-04T10:15:30Z"),
            ("2026-03-03", "2026-03-02T22:59:59Z", "2026-03-03T22:59:59Z"),
            (
                "March 3, 2026",
                "2026-03-02T22:59:59Z",
                "2026-03-03T22:59:59Z",
            ),
        ];
        for (text, earliest, latest) in cases {
            let s = stamp(text, &ctx, None, Origin::Meta).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                (s.reading.interval.earliest, s.reading.interval.latest),
                (utc(earliest), utc(latest)),
                "{text}"
            );
        }
    }

    #[test]
    fn believed_cuts_a_reading_that_ends_past_the_limit() {
        let day = dates::read(
            "2026-03-04",
            &dates::Context {
                now: now() + Duration::days(2),
                timezone: chrono_tz::UTC,
                languages: &[],
                rounding: dates::Rounding::Floor,
            },
        )
        .expect("reads");
        let cut = believed(day, now()).expect("begins before the limit");
        assert_eq!(cut.interval.earliest, day.interval.earliest);
        assert_eq!(cut.interval.latest, now() + FUTURE_LIMIT);
        assert!(cut.interval.contains(cut.point));
    }

    #[test]
    fn a_modification_before_the_publication_is_dropped() {
        let a = page(
            &(og("article:published_time", "2026-03-04T10:00:00Z")
                + &og("article:modified_time", "2026-03-02T10:00:00Z")),
            "",
        );
        assert!(a.published.is_some());
        assert_eq!(a.modified, None);
        assert_eq!(
            a.notes,
            vec![
                "opengraph modification \"2026-03-02T10:00:00Z\" is earlier than the opengraph \
                 publication \"2026-03-04T10:00:00Z\": dropped"
            ]
        );
        // The same day, to the second and as a date: both can hold.
        let a = page(
            &(og("article:published_time", "2026-03-04T10:00:00Z")
                + &og("article:modified_time", "2026-03-04")),
            "",
        );
        assert!(a.modified.is_some(), "{:?}", a.notes);
    }

    #[test]
    fn unreadable_dates_are_noted_and_passed_over() {
        let a = page(
            &(og("article:published_time", "yesterday-ish")
                + "<meta name=\"pubdate\" content=\"4 maart 2026\">"),
            "",
        );
        let p = a.published.expect("published");
        assert_eq!((p.origin, p.text.as_str()), (Origin::Meta, "4 maart 2026"));
        assert_eq!(a.notes.len(), 1);
        assert!(
            a.notes[0]
                .starts_with("opengraph article:published_time \"yesterday-ish\": cannot read")
        );
    }

    #[test]
    fn the_page_language_picks_the_reading_of_a_written_date() {
        // 03/02/2026 is 3 February in Dutch (tried first without a page language), and
        // 2 March in the English of a page that declares it.
        let a = page("<meta name=\"date\" content=\"03/02/2026\">", "");
        let day = |a: &Article| {
            a.published.as_ref().map(|p| {
                p.reading
                    .point
                    .with_timezone(&chrono_tz::Europe::Amsterdam)
                    .date_naive()
            })
        };
        assert_eq!(day(&a).map(|d| d.to_string()), Some("2026-02-03".into()));
        let html =
            "<html lang=\"en-US\"><head><meta name=\"date\" content=\"03/02/2026\"></head></html>";
        let url = Url::parse("https://news.example/a").expect("url");
        let a = read(html, &url, &options()).expect("reads");
        assert_eq!(day(&a).map(|d| d.to_string()), Some("2026-03-02".into()));
    }

    #[test]
    fn authors_are_plain_names_without_addresses_or_duplicates() {
        let raw: Vec<String> = [
            "<a href=\"/x\">Ann &amp; Bo</a>",
            "https://facebook.example/ann",
            "ANN &amp; BO",
            "  ",
            "www.example.org",
            "Cy",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(authors(&raw), vec!["Ann & Bo", "Cy"]);
        let many: Vec<String> = (0..30).map(|i| format!("Name {i}")).collect();
        assert_eq!(authors(&many).len(), MAX_AUTHORS);
        let long = "word ".repeat(100);
        let name = &authors(&[long])[0];
        assert!(name.chars().count() <= MAX_NAME_CHARS + 1 && name.ends_with("word…"));
    }

    #[test]
    fn titles_are_plain_text() {
        assert_eq!(
            plain("Rotterdam&#8217;s <i>old</i>\n port", 100),
            "Rotterdam’s old port"
        );
        assert_eq!(plain("a <script>alert(1)</script>b", 100), "a b");
        assert_eq!(plain("I <3 it", 100), "I <3 it");
        assert_eq!(plain("one two three", 9), "one two…");
        assert_eq!(plain(&"x".repeat(100_000), 5), "xxxxx…");
    }

    #[test]
    fn language_tags_as_written_or_none() {
        assert_eq!(language_tag(" en-GB "), Some("en-GB".into()));
        assert_eq!(language_tag("de_CH"), Some("de_CH".into()));
        assert_eq!(language_tag("<script>"), None);
        assert_eq!(language_tag(&"a".repeat(40)), None);
        let a = page(&og("og:locale", "not a tag!"), "");
        assert_eq!(a.language, None);
    }

    #[test]
    fn base_href_counts_only_when_it_is_http() {
        let a = page(
            "<base href=\"javascript:alert(1)//\"><meta property=\"og:image\" content=\"i.jpg\">",
            "",
        );
        assert_eq!(
            a.image.map(String::from).as_deref(),
            Some("https://news.example/a/i.jpg")
        );
        let a = page(
            "<base href=\"//cdn.example/x/\"><link rel=\"canonical\" href=\"p#frag\">",
            "",
        );
        assert_eq!(
            a.canonical.map(String::from).as_deref(),
            Some("https://cdn.example/x/p")
        );
    }

    #[test]
    fn notes_quote_a_bounded_line() {
        let long = format!("{}\n{}", "y".repeat(500), "z".repeat(500));
        let a = page(&og("article:published_time", &long), "");
        assert_eq!(a.notes.len(), 1);
        assert!(!a.notes[0].contains('\n'));
        assert!(a.notes[0].len() < 400, "{}", a.notes[0]);
    }

    #[test]
    fn a_page_past_the_parse_bounds_is_an_error() {
        let html = "<div>".repeat(parse::MAX_DEPTH as usize + 10);
        let url = Url::parse("https://news.example/a").expect("url");
        let err = read(&html, &url, &options()).expect_err("too deep");
        assert!(matches!(
            err,
            ArticleError::Parse(parse::ParseError::TooDeep { .. })
        ));
    }
}
