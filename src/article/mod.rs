//! What an item's own page says about the item: its publication and modification times,
//! authors, main image, canonical link, language, headline and, on request, its main text.
//!
//! The feed's list page gives an item its link; with `follow`, the poll fetches that page and
//! hands it here. Item pages are hostile input like list pages: they are parsed within the
//! bounds of [`crate::extract::parse`], and what they say is evidence to weigh, not orders.

use crate::dates::Reading;
use crate::extract::parse;
use chrono::{DateTime, Utc};
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

/// Read an item page (its decoded text and the URL it was finally fetched from).
pub fn read(html: &str, url: &Url, options: &Options) -> Result<Article, ArticleError> {
    let doc = parse::document(html)?;
    let _ = options;
    // The first behaviour: what the page's head declares plainly. The metadata forms and the
    // main text follow.
    let canonical = scraper::Selector::parse("link[rel~=canonical][href]")
        .ok()
        .and_then(|sel| doc.select(&sel).next()?.attr("href").map(str::to_string))
        .and_then(|href| url.join(href.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    Ok(Article {
        canonical,
        language: crate::extract::declared_language(&doc, None),
        ..Article::default()
    })
}
