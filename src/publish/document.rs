//! What every document is made from: the feed as a whole ([`FeedMeta`]) and each item as the
//! formats read it ([`Entry`]), with what the formats share in writing them.

use super::escape::escape_text;
use crate::item::{FeedItem, ItemPage};
use chrono::{DateTime, FixedOffset, Utc};
use url::Url;

/// The feed as a whole.
#[derive(Debug, Clone)]
pub struct FeedMeta {
    pub id: String,
    pub title: String,
    /// The page the feed is made from.
    pub page: Url,
    /// Where `<id>.rss`, `<id>.atom` and `<id>.json` are served, when `base_url` is set.
    pub self_rss: Option<Url>,
    pub self_atom: Option<Url>,
    pub self_json: Option<Url>,
}

/// One item of the feed with its publication time, borrowed from wherever it is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    pub guid: &'a str,
    pub title: &'a str,
    pub link: Option<&'a Url>,
    pub summary: &'a str,
    /// The summary's markup, already sanitised ([`crate::sanitize::html`]): published in
    /// place of the escaped summary text where the feed keeps markup.
    pub summary_html: Option<&'a str>,
    pub author: Option<&'a str>,
    pub categories: &'a [String],
    pub published: DateTime<Utc>,
    /// What the item's own page said (`follow`): authors where the list names none, the main
    /// image, the main text (`content = "full"`), the modified time.
    pub page: Option<&'a ItemPage>,
}

impl Entry<'_> {
    /// The authors to publish: the list's, else the item page's.
    pub(super) fn authors(&self) -> Vec<&str> {
        match (self.author, self.page) {
            (Some(a), _) => vec![a],
            (None, Some(p)) => p.authors.iter().map(String::as_str).collect(),
            (None, None) => Vec::new(),
        }
    }

    pub(super) fn image(&self) -> Option<&Url> {
        self.page.and_then(|p| p.image.as_ref())
    }

    /// The main text, sanitised HTML: published as text of its element, which readers take
    /// as HTML.
    pub(super) fn content(&self) -> Option<&str> {
        self.page
            .and_then(|p| p.content.as_deref())
            .filter(|c| !c.trim().is_empty())
    }

    /// Atom's `<updated>`: the page's modified time where later than the published time.
    pub(super) fn updated(&self) -> DateTime<Utc> {
        self.page
            .and_then(|p| p.updated(self.published))
            .unwrap_or(self.published)
    }
}

impl FeedMeta {
    /// The feed `id` titled `title`, made from `page`, with self links where its files are
    /// served under `base` (`base_url`).
    pub fn new(id: &str, title: String, page: Url, base: Option<&Url>) -> FeedMeta {
        FeedMeta {
            id: id.to_string(),
            title,
            page,
            self_rss: Self::self_link(base, id, "rss"),
            self_atom: Self::self_link(base, id, "atom"),
            self_json: Self::self_link(base, id, "json"),
        }
    }

    /// The self link of the feed's `<id>.<ext>` file served under `base`.
    pub fn self_link(base: Option<&Url>, id: &str, ext: &str) -> Option<Url> {
        base.and_then(|b| b.join(&format!("{id}.{ext}")).ok())
    }

    pub(super) fn description(&self) -> String {
        format!("Items of {} ({})", self.title, self.page)
    }

    /// The author named at feed level, which Atom needs where entries have none: the site.
    pub(super) fn site(&self) -> String {
        self.page
            .host_str()
            .map_or_else(|| self.title.clone(), str::to_string)
    }
}

/// The media type an image URL's extension names, where it names one.
pub fn image_type(url: &Url) -> Option<&'static str> {
    let name = url.path_segments()?.next_back()?;
    let (_, ext) = name.rsplit_once('.')?;
    Some(match ext.to_ascii_lowercase().as_str() {
        "jpg" | "jpeg" | "jpe" | "jfif" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        "bmp" => "image/bmp",
        _ => return None,
    })
}

/// The item's summary as HTML (RSS `<description>`, Atom `<summary type="html">`): its
/// sanitised markup where the feed keeps it, else the page's text HTML-escaped, so that it
/// shows as the page showed it.
pub(super) fn description(e: &Entry<'_>) -> Option<String> {
    match e.summary_html {
        Some(html) if !html.trim().is_empty() => Some(html.to_owned()),
        _ => (!e.summary.is_empty()).then(|| escape_text(e.summary)),
    }
}

pub(super) fn newest(entries: &[Entry<'_>]) -> Option<DateTime<Utc>> {
    entries.iter().map(|e| e.published).max()
}

pub(super) fn fixed(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.fixed_offset()
}

/// A guess at a document's size, so that writing it does not keep growing the buffer.
pub(super) fn estimate(entries: &[Entry<'_>]) -> usize {
    4096 + entries
        .iter()
        .map(|e| 512 + e.title.len() + e.summary.len() + 2 * e.guid.len())
        .sum::<usize>()
}

/// The written document with a final newline.
pub(super) fn finish<E: std::fmt::Display>(
    written: Result<Vec<u8>, E>,
) -> Result<Vec<u8>, RenderError> {
    match written {
        Ok(mut out) => {
            out.push(b'\n');
            Ok(out)
        }
        Err(e) => Err(RenderError(e.to_string())),
    }
}

/// The XML writer failed. Writing to memory cannot fail but for a bug in the writer; the
/// poll fails rather than publish a broken file.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the feed document: {0}")]
pub struct RenderError(pub(super) String);

impl<'a> Entry<'a> {
    /// The item as the formats read it.
    pub fn of(item: &'a FeedItem) -> Entry<'a> {
        Entry {
            guid: &item.record.guid,
            title: &item.title,
            link: item.link.as_ref(),
            summary: &item.summary,
            summary_html: item.summary_html.as_deref(),
            author: item.author.as_deref(),
            categories: &item.categories,
            published: item.record.published,
            page: item.page.as_ref(),
        }
    }
}
