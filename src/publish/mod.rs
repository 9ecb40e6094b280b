//! Items with their publication times in, RSS 2.0, Atom 1.0 and JSON Feed 1.1 bytes out; and
//! the atomic write that puts them on disk only when they changed.
//!
//! [`render`] makes the three documents ([`rss`](rss()), [`atom`](atom()), [`json`](json()))
//! from one list of items, each item read as an [`Entry`] of the feed's [`FeedMeta`];
//! [`escape`](escape_html) keeps page text text in each, and [`write_documents`] puts a
//! feed's files in place, atomically. Output is a pure function of its input: no clock is read, so a poll
//! that changes nothing renders the same bytes and leaves the files alone. The feed's
//! `updated` time is the newest item's publication time.

/// A function `$name(url)` giving `<media:thumbnail url="…"/>` as the extension map entry of
/// `$ext`: the rss and atom_syndication crates each have an extension type of their own, of
/// the same shape.
/// `$attr` turns the URL into the attribute's value as the crate's writer needs it: written
/// as given by one (so escaped here), escaped by the other.
macro_rules! thumbnail_for {
    ($name:ident, $ext:ty, $what:literal, $attr:expr) => {
        #[doc = concat!("`<media:thumbnail url=\"…\"/>` for an image, in ", $what, ".")]
        fn $name(url: &url::Url) -> (String, std::collections::BTreeMap<String, Vec<$ext>>) {
            let mut attrs = std::collections::BTreeMap::new();
            attrs.insert("url".to_string(), $attr(url.as_str()));
            let mut ext = <$ext>::default();
            ext.name = "media:thumbnail".into();
            ext.attrs = attrs;
            let mut inner = std::collections::BTreeMap::new();
            inner.insert("thumbnail".to_string(), vec![ext]);
            ("media".to_string(), inner)
        }
    };
}

mod atom;
mod document;
mod escape;
mod json;
mod render;
mod rss;
mod write;

pub use atom::atom;
pub use document::{Entry, FeedMeta, RenderError, image_type};
pub use escape::{escape_html, escape_text};
pub use json::json;
pub use render::{Documents, FORMATS, documents_hold, files, render, write_documents};
pub use rss::rss;
pub use write::{all_hold, open_regular, write_all_if_changed, write_if_changed};

/// The Media RSS namespace, for `media:thumbnail` in RSS and Atom.
const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";

#[cfg(test)]
mod tests {
    use super::escape::guarded;
    use super::*;
    use crate::text;
    use atom_syndication as atom;
    use chrono::TimeZone;
    use chrono::Utc;
    use scraper::Html;
    use url::Url;

    static CATEGORIES: [String; 0] = [];

    fn sample(link: &Url, categories: &'static [String]) -> (FeedMeta, Vec<Entry<'static>>) {
        let base = Url::parse("https://feeds.example.org/").ok();
        let meta = FeedMeta {
            self_json: None,
            ..FeedMeta::new(
                "buitenland",
                "Buitenland <b>& meer</b>".into(),
                Url::parse("https://nieuws.example/buitenland").expect("url"),
                base.as_ref(),
            )
        };
        let t = Utc
            .with_ymd_and_hms(2026, 3, 4, 12, 12, 0)
            .single()
            .expect("time");
        let link: &'static Url = Box::leak(Box::new(link.clone()));
        let entries = vec![
            Entry {
                guid: "https://nieuws.example/a",
                title: "A \u{1}<i>title</i> & more",
                link: Some(link),
                summary: "Summary",
                summary_html: None,
                author: Some("ANP/AFP"),
                categories,
                published: t,
                page: None,
            },
            Entry {
                guid: "urn:uuid:5f2b6c1e-3a4d-8e9f-a0b1-c2d3e4f5a6b7",
                title: "B",
                link: None,
                summary: "",
                summary_html: None,
                author: None,
                categories: &CATEGORIES,
                published: t - chrono::Duration::hours(1),
                page: None,
            },
        ];
        (meta, entries)
    }

    fn entries() -> (FeedMeta, Vec<Entry<'static>>) {
        let categories: &'static [String] = Box::leak(Box::new(["BEIROET".to_string()]));
        sample(
            &Url::parse("https://nieuws.example/a").expect("url"),
            categories,
        )
    }

    #[test]
    fn rss_has_self_link_guids_dates_and_creators() {
        let (meta, entries) = entries();
        let xml = String::from_utf8(rss(&meta, &entries).expect("renders")).expect("utf-8");
        assert!(xml.contains(r#"<atom:link href="https://feeds.example.org/buitenland.rss" rel="self" type="application/rss+xml"/>"#), "{xml}");
        assert!(
            xml.contains(r#"<guid>https://nieuws.example/a</guid>"#),
            "{xml}"
        );
        assert!(
            xml.contains(
                r#"<guid isPermaLink="false">urn:uuid:5f2b6c1e-3a4d-8e9f-a0b1-c2d3e4f5a6b7</guid>"#
            ),
            "{xml}"
        );
        assert!(
            xml.contains("<pubDate>Wed, 4 Mar 2026 12:12:00 +0000</pubDate>"),
            "{xml}"
        );
        assert!(xml.contains("<dc:creator>ANP/AFP</dc:creator>"), "{xml}");
        assert!(
            xml.contains(
                "<title>A &amp;lt;i&amp;gt;title&amp;lt;/i&amp;gt; &amp;amp; more</title>"
            ),
            "markup in a title is escaped text: {xml}"
        );
        assert!(!xml.contains('\u{1}'));
        let parsed = ::rss::Channel::read_from(xml.as_bytes()).expect("reads back");
        assert_eq!(parsed.items().len(), 2);
    }

    #[test]
    fn atom_has_author_updated_and_ids() {
        let (meta, entries) = entries();
        let xml = String::from_utf8(atom(&meta, &entries).expect("renders")).expect("utf-8");
        let feed = atom_syndication::Feed::read_from(xml.as_bytes()).expect("reads back");
        assert_eq!(feed.id, "https://feeds.example.org/buitenland.atom");
        assert_eq!(feed.updated, entries[0].published.fixed_offset());
        assert_eq!(feed.authors[0].name, "nieuws.example");
        assert_eq!(
            feed.entries[1].id,
            "urn:uuid:5f2b6c1e-3a4d-8e9f-a0b1-c2d3e4f5a6b7"
        );
        assert!(feed.links.iter().any(|l| l.rel == "self"));
    }

    /// What a page may show as text, each a way to sneak markup into a reader.
    const HOSTILE: &[&str] = &[
        "<script>alert(1)</script> after",
        "<img src=x onerror=alert(4)> caption",
        "<iframe src=\"javascript:alert(2)\"></iframe>",
        "<svg onload=alert(3)><circle/></svg>",
        "<a href=\"javascript:alert(5)\">click</a>",
        "<div style=\"position:fixed;inset:0\">overlay</div>",
        "U1 <img src=x onerror=alert(1) x",
        "<style>body{display:none}</style>",
        "&lt;b&gt; &amp;amp; &#60;script&#62; &copy 2026",
        "<![CDATA[ x ]]> y ]]> z <!-- c -->",
        "a\u{0}b\u{1}c\u{7f}d\u{fffe}e\u{b}f",
        "it's \"quoted\" > that",
        "AT&T Q&A M&S",
    ];

    /// `value` read as HTML: whether it holds any element, and the text it shows.
    fn as_html(value: &str) -> (bool, String) {
        let fragment = Html::parse_fragment(value);
        let root = fragment.root_element();
        let elements = root.descendants().skip(1).any(|n| n.value().is_element());
        let comments = root.descendants().any(|n| n.value().is_comment());
        (elements || comments, root.text().collect())
    }

    fn hostile_feed(text: &'static str) -> (FeedMeta, Vec<Entry<'static>>) {
        let categories: &'static [String] = Box::leak(Box::new([text.to_string()]));
        let (mut meta, mut entries) = entries();
        meta.title = text.into();
        entries[0].title = text;
        entries[0].summary = text;
        entries[0].author = Some(text);
        entries[0].categories = categories;
        (meta, entries)
    }

    #[test]
    fn page_text_stays_text_in_every_field_of_both_formats() {
        for &text in HOSTILE {
            let shown = text::clean(text).into_owned();
            let (meta, entries) = hostile_feed(text);
            let xml = rss(&meta, &entries).expect("renders");
            let channel = ::rss::Channel::read_from(&xml[..]).expect("reads back");
            let item = &channel.items()[0];
            let atom_xml = atom(&meta, &entries).expect("renders");
            let feed = atom_syndication::Feed::read_from(&atom_xml[..]).expect("reads back");
            let entry = &feed.entries[0];
            assert_eq!(entry.title.r#type, atom::TextType::Html);
            let fields = [
                ("rss channel title", channel.title().to_string()),
                (
                    "rss item title",
                    item.title().unwrap_or_default().to_string(),
                ),
                (
                    "rss description",
                    item.description().unwrap_or_default().to_string(),
                ),
                ("rss category", item.categories()[0].name().to_string()),
                (
                    "rss dc:creator",
                    item.dublin_core_ext()
                        .map(|d| d.creators()[0].clone())
                        .unwrap_or_default(),
                ),
                ("atom feed title", feed.title.value.clone()),
                ("atom entry title", entry.title.value.clone()),
                (
                    "atom summary",
                    entry
                        .summary
                        .as_ref()
                        .map(|s| s.value.clone())
                        .unwrap_or_default(),
                ),
                ("atom author", entry.authors[0].name.clone()),
                ("atom category", entry.categories[0].term.clone()),
            ];
            for (field, value) in fields {
                let (markup, visible) = as_html(&value);
                assert!(!markup, "{field} of {text:?} holds markup: {value:?}");
                assert_eq!(
                    visible, shown,
                    "{field} of {text:?} shows other text: {value:?}"
                );
            }
            for (field, value) in [
                ("rss channel description", channel.description().to_string()),
                (
                    "atom subtitle",
                    feed.subtitle
                        .as_ref()
                        .map(|s| s.value.clone())
                        .unwrap_or_default(),
                ),
            ] {
                let (markup, visible) = as_html(&value);
                assert!(!markup, "{field} of {text:?} holds markup: {value:?}");
                assert!(visible.contains(&shown), "{field}: {visible:?}");
            }
        }
    }

    #[test]
    fn a_page_without_a_host_names_the_feed_by_its_title_as_text() {
        let (mut meta, entries) = hostile_feed("U1 <img src=x onerror=alert(1) x");
        meta.page = Url::parse("file:///srv/page.html").expect("url");
        let xml = atom(&meta, &entries).expect("renders");
        let feed = atom_syndication::Feed::read_from(&xml[..]).expect("reads back");
        assert_eq!(feed.authors[0].name, "U1 &lt;img src=x onerror=alert(1) x");
    }

    #[test]
    fn text_that_reads_the_same_either_way_is_written_as_it_is() {
        for text in [
            "Plain title",
            "Tom & Jerry",
            "AT&T",
            "Q&A",
            "5 > 4",
            "it's \"so\"",
        ] {
            assert_eq!(guarded(text), text);
        }
        assert_eq!(guarded("a <b> c"), "a &lt;b&gt; c");
        assert_eq!(guarded("&amp; &copy 2026"), "&amp;amp; &amp;copy 2026");
        assert_eq!(guarded("&#60;"), "&amp;#60;");
        assert_eq!(
            escape_html("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(guarded("a\u{0}b"), "ab");
    }

    #[test]
    fn kept_markup_is_the_summary_in_both_formats() {
        let (meta, mut entries) = entries();
        entries[0].summary = "Some bold";
        entries[0].summary_html = Some("<p>Some <b>bold</b></p>");
        let channel = ::rss::Channel::read_from(&rss(&meta, &entries).expect("renders")[..])
            .expect("reads back");
        assert_eq!(
            channel.items()[0].description(),
            Some("<p>Some <b>bold</b></p>")
        );
        let feed = atom_syndication::Feed::read_from(&atom(&meta, &entries).expect("renders")[..])
            .expect("reads back");
        let summary = feed.entries[0].summary.as_ref().expect("summary");
        assert_eq!(summary.r#type, atom::TextType::Html);
        assert_eq!(summary.value, "<p>Some <b>bold</b></p>");
    }

    #[test]
    fn rendering_is_a_pure_function() {
        let (meta, entries) = entries();
        assert_eq!(rss(&meta, &entries).ok(), rss(&meta, &entries).ok());
        assert_eq!(atom(&meta, &entries).ok(), atom(&meta, &entries).ok());
    }
}
