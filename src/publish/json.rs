//! The JSON Feed 1.1 document (<https://jsonfeed.org/version/1.1>): the same entries as the
//! RSS and Atom files, for readers that prefer JSON.
//!
//! JSON Feed says plainly which fields are text and which are HTML, so nothing has to be
//! guessed here: titles, names and tags are plain text (the page's text as it is, less the
//! characters XML forbids, as in the other formats), a summary is `content_text`, and only a
//! summary kept as sanitised markup ([`crate::sanitize::html`]) is `content_html`.

use super::document::{Entry, FeedMeta, RenderError};
use crate::text;
use serde::Serialize;

/// The version URL every JSON Feed 1.1 document starts with.
pub const VERSION: &str = "https://jsonfeed.org/version/1.1";

#[derive(Serialize)]
struct Feed<'a> {
    version: &'static str,
    title: String,
    home_page_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    feed_url: Option<&'a str>,
    description: String,
    authors: Vec<Author>,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Author {
    name: String,
}

#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<String>,
    date_published: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
}

fn plain(t: &str) -> String {
    text::clean(t).into_owned()
}

/// The JSON Feed 1.1 document, pretty-printed, with a final newline.
pub fn json(meta: &FeedMeta, entries: &[Entry<'_>]) -> Result<Vec<u8>, RenderError> {
    let items = entries
        .iter()
        .map(|e| {
            // The item page's main text where the feed publishes it (the summary then goes
            // in `summary`), else a summary kept as markup, else the summary's text.
            let full = e.content();
            let html = full.or(e.summary_html.filter(|h| !h.trim().is_empty()));
            Item {
                summary: full.and_then(|_| Some(plain(e.summary)).filter(|s| !s.is_empty())),
                id: e.guid,
                url: e.link.map(url::Url::as_str),
                title: plain(e.title),
                // A JSON Feed item needs one of the two; an empty text is the honest one for
                // an item whose page showed no summary.
                content_text: html.is_none().then(|| plain(e.summary)),
                content_html: html,
                image: e.image().map(url::Url::as_str),
                date_published: e.published.to_rfc3339(),
                date_modified: e
                    .page
                    .and_then(|p| p.updated(e.published))
                    .map(|t| t.to_rfc3339()),
                authors: e
                    .authors()
                    .into_iter()
                    .map(|a| Author { name: plain(a) })
                    .collect(),
                tags: e.categories.iter().map(|c| plain(c)).collect(),
            }
        })
        .collect();
    let feed = Feed {
        version: VERSION,
        title: plain(&meta.title),
        home_page_url: meta.page.as_str(),
        feed_url: meta.self_json.as_ref().map(url::Url::as_str),
        description: plain(&meta.description()),
        authors: vec![Author {
            name: plain(&meta.site()),
        }],
        items,
    };
    let mut out = serde_json::to_vec_pretty(&feed).map_err(|e| RenderError(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use url::Url;

    fn meta() -> FeedMeta {
        let base = Url::parse("https://feeds.example.org/").ok();
        FeedMeta::new(
            "buitenland",
            "Buitenland <b>& meer</b>".into(),
            Url::parse("https://nieuws.example/buitenland").expect("url"),
            base.as_ref(),
        )
    }

    fn parse(bytes: &[u8]) -> serde_json::Value {
        serde_json::from_slice(bytes).expect("valid JSON")
    }

    #[test]
    fn a_feed_has_version_links_items_and_times() {
        let link = Url::parse("https://nieuws.example/a").expect("url");
        let categories = vec!["BEIROET".to_string()];
        let t = Utc
            .with_ymd_and_hms(2026, 3, 4, 12, 12, 0)
            .single()
            .expect("time");
        let entries = [
            Entry {
                guid: "https://nieuws.example/a",
                title: "A title",
                link: Some(&link),
                summary: "Summary",
                summary_html: None,
                author: Some("ANP"),
                categories: &categories,
                published: t,
                page: None,
            },
            Entry {
                guid: "urn:uuid:5f2b6c1e-3a4d-8e9f-a0b1-c2d3e4f5a6b7",
                title: "B",
                link: None,
                summary: "",
                summary_html: Some("<p>Some <b>bold</b></p>"),
                author: None,
                categories: &[],
                published: t - chrono::Duration::hours(1),
                page: None,
            },
        ];
        let v = parse(&json(&meta(), &entries).expect("renders"));
        assert_eq!(v["version"], VERSION);
        assert_eq!(v["home_page_url"], "https://nieuws.example/buitenland");
        assert_eq!(v["feed_url"], "https://feeds.example.org/buitenland.json");
        assert_eq!(
            v["title"], "Buitenland <b>& meer</b>",
            "title is plain text"
        );
        assert_eq!(v["authors"][0]["name"], "nieuws.example");
        let a = &v["items"][0];
        assert_eq!(a["id"], "https://nieuws.example/a");
        assert_eq!(a["url"], "https://nieuws.example/a");
        assert_eq!(a["content_text"], "Summary");
        assert!(a.get("content_html").is_none());
        assert_eq!(a["date_published"], "2026-03-04T12:12:00+00:00");
        assert_eq!(a["authors"][0]["name"], "ANP");
        assert_eq!(a["tags"][0], "BEIROET");
        let b = &v["items"][1];
        assert!(b.get("url").is_none() && b.get("authors").is_none());
        assert_eq!(b["content_html"], "<p>Some <b>bold</b></p>");
        assert!(b.get("content_text").is_none());
    }

    #[test]
    fn without_a_base_url_there_is_no_feed_url_and_no_items_is_an_empty_list() {
        let mut m = meta();
        m.self_json = None;
        let v = parse(&json(&m, &[]).expect("renders"));
        assert!(v.get("feed_url").is_none());
        assert_eq!(v["items"], serde_json::json!([]));
    }

    /// Hostile page text is text in every field: exactly what the page showed (less the
    /// characters XML forbids), never HTML, and the document stays valid JSON.
    #[test]
    fn page_text_is_plain_text_in_every_field() {
        for text in [
            "<script>alert(1)</script> after",
            "<img src=x onerror=alert(4)> caption",
            "&lt;b&gt; &amp;amp; &#60;script&#62; &copy 2026",
            "a\u{0}b\u{1}c\u{7f}d\u{fffe}e\u{b}f",
            "it's \"quoted\" \\ back\\slash",
            "\u{2028}line\u{2029}para </script><!--",
        ] {
            let shown = text::clean(text).into_owned();
            let categories = vec![text.to_string()];
            let entry = Entry {
                guid: "urn:x",
                title: text,
                link: None,
                summary: text,
                summary_html: None,
                author: Some(text),
                categories: &categories,
                published: Utc.timestamp_opt(2_000_000_000, 0).single().expect("time"),
                page: None,
            };
            let mut m = meta();
            m.title = text.into();
            let v = parse(&json(&m, &[entry]).expect("renders"));
            let item = &v["items"][0];
            assert_eq!(v["title"], shown.as_str());
            assert_eq!(item["title"], shown.as_str());
            assert_eq!(item["content_text"], shown.as_str());
            assert!(
                item.get("content_html").is_none(),
                "text never becomes html"
            );
            assert_eq!(item["authors"][0]["name"], shown.as_str());
            assert_eq!(item["tags"][0], shown.as_str());
        }
    }
}
