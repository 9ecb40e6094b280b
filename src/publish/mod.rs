//! Items with their publication times in, RSS 2.0, Atom 1.0 and JSON Feed 1.1 bytes out; and
//! the atomic write that puts them on disk only when they changed.
//!
//! Output is a pure function of its input: no clock is read, so a poll that changes nothing
//! renders the same bytes and leaves the files alone. The feed's `updated` time is the newest
//! item's publication time.

mod json;
mod write;

pub use json::json;
pub use write::{all_hold, open_regular, write_all_if_changed, write_if_changed};

use crate::follow::ItemPage;
use crate::text;
use atom_syndication as atom;
use chrono::{DateTime, FixedOffset, Utc};
use scraper::Html;
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

/// The Media RSS namespace, for `media:thumbnail` in RSS and Atom.
const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";

impl Entry<'_> {
    /// The authors to publish: the list's, else the item page's.
    fn authors(&self) -> Vec<&str> {
        match (self.author, self.page) {
            (Some(a), _) => vec![a],
            (None, Some(p)) => p.authors.iter().map(String::as_str).collect(),
            (None, None) => Vec::new(),
        }
    }

    fn image(&self) -> Option<&Url> {
        self.page.and_then(|p| p.image.as_ref())
    }

    /// The main text, sanitised HTML: published as text of its element, which readers take
    /// as HTML.
    fn content(&self) -> Option<&str> {
        self.page
            .and_then(|p| p.content.as_deref())
            .filter(|c| !c.trim().is_empty())
    }

    /// Atom's `<updated>`: the page's modified time where later than the published time.
    fn updated(&self) -> DateTime<Utc> {
        self.page
            .and_then(|p| p.updated(self.published))
            .unwrap_or(self.published)
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

/// A function `$name(url)` giving `<media:thumbnail url="…"/>` as the extension map entry of
/// `$ext`: the rss and atom_syndication crates each have an extension type of their own, of
/// the same shape.
macro_rules! thumbnail_for {
    ($name:ident, $ext:ty, $what:literal) => {
        #[doc = concat!("`<media:thumbnail url=\"…\"/>` for an image, in ", $what, ".")]
        fn $name(url: &Url) -> (String, std::collections::BTreeMap<String, Vec<$ext>>) {
            let mut attrs = std::collections::BTreeMap::new();
            attrs.insert("url".to_string(), url.as_str().to_string());
            let mut ext = <$ext>::default();
            ext.name = "media:thumbnail".into();
            ext.attrs = attrs;
            let mut inner = std::collections::BTreeMap::new();
            inner.insert("thumbnail".to_string(), vec![ext]);
            ("media".to_string(), inner)
        }
    };
}

thumbnail_for!(atom_thumbnail, atom::extension::Extension, "an Atom entry");
thumbnail_for!(thumbnail, rss::extension::Extension, "an RSS item");

impl FeedMeta {
    /// Self links for a feed `id` served under `base`.
    pub fn self_links(base: Option<&Url>, id: &str) -> (Option<Url>, Option<Url>) {
        (
            Self::self_link(base, id, "rss"),
            Self::self_link(base, id, "atom"),
        )
    }

    /// The self link of the feed's `<id>.<ext>` file served under `base`.
    pub fn self_link(base: Option<&Url>, id: &str, ext: &str) -> Option<Url> {
        base.and_then(|b| b.join(&format!("{id}.{ext}")).ok())
    }

    fn description(&self) -> String {
        format!("Items of {} ({})", self.title, self.page)
    }

    /// The author named at feed level, which Atom needs where entries have none: the site.
    fn site(&self) -> String {
        self.page
            .host_str()
            .map_or_else(|| self.title.clone(), str::to_string)
    }
}

/// Whether `guid` is a URL a reader may open, which RSS calls a permalink.
fn is_permalink(guid: &str) -> bool {
    // Guids are either the item's link, a URL already parsed, or a urn: digest.
    guid.starts_with("http://") || guid.starts_with("https://")
}

/// `text` as HTML that shows it as it is: `&`, `<`, `>`, `"` and `'` written as character
/// references. Characters XML forbids are dropped first.
pub fn escape_html(text: &str) -> String {
    let text = text::clean(text);
    // The characters escaped are ASCII, so the text between them splits at char boundaries
    // and is copied in runs.
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[start..at]);
        out.push_str(entity);
        start = at + 1;
    }
    out.push_str(&text[start..]);
    out
}

/// Text for a field that readers take as plain text or as HTML, each as it guesses: RSS
/// titles, categories and dc:creator, Atom titles (written as `type="html"`), names and
/// terms. Text that reads the same either way (no `<`, no `&` that starts a character
/// reference: nearly every title) is written as it is, so both kinds of reader show it
/// exactly. Other text is HTML-escaped: the reader that renders HTML (the common reading,
/// and feedparser's guess for such text) shows the page's text, and the one that takes it
/// as plain text shows entities — never markup. A page's `<img onerror=…>` shown as text
/// stays text in every reader.
fn guarded(text: &str) -> String {
    let text = text::clean(text);
    if reads_as_itself(&text) {
        text.into_owned()
    } else {
        escape_html(&text)
    }
}

/// Whether `text`, read as HTML, shows exactly `text` and holds no element.
fn reads_as_itself(text: &str) -> bool {
    if text.contains('<') {
        return false;
    }
    let reference = text
        .match_indices('&')
        .any(|(at, _)| text[at + 1..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '#'));
    if !reference {
        return true;
    }
    // "AT&T" and "Q&A" read as themselves, "&amp;" and "&copy 2026" do not: the HTML
    // parser decides, for the few texts that have an `&` before a letter, digit or `#`.
    let fragment = Html::parse_fragment(text);
    let root = fragment.root_element();
    root.children().all(|n| n.value().is_text()) && root.text().collect::<String>() == text
}

/// The item's summary as HTML (RSS `<description>`, Atom `<summary type="html">`): its
/// sanitised markup where the feed keeps it, else the page's text HTML-escaped, so that it
/// shows as the page showed it.
fn description(e: &Entry<'_>) -> Option<String> {
    match e.summary_html {
        Some(html) if !html.trim().is_empty() => Some(html.to_owned()),
        _ => (!e.summary.is_empty()).then(|| escape_html(e.summary)),
    }
}

fn newest(entries: &[Entry<'_>]) -> Option<DateTime<Utc>> {
    entries.iter().map(|e| e.published).max()
}

fn fixed(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.fixed_offset()
}

/// The RSS 2.0 document.
pub fn rss(meta: &FeedMeta, entries: &[Entry<'_>]) -> Result<Vec<u8>, RenderError> {
    use rss::extension::atom::{AtomExtension, Link};
    use rss::extension::dublincore::DublinCoreExtension;
    let items = entries
        .iter()
        .map(|e| rss::Item {
            title: Some(guarded(e.title)),
            link: e.link.map(|l| l.as_str().to_owned()),
            description: description(e),
            guid: Some(rss::Guid {
                value: e.guid.to_string(),
                permalink: is_permalink(e.guid),
            }),
            pub_date: Some(e.published.to_rfc2822()),
            categories: e
                .categories
                .iter()
                .map(|c| rss::Category {
                    name: guarded(c),
                    domain: None,
                })
                .collect(),
            // RSS's own <author> must be an e-mail address; a name goes in dc:creator.
            dublin_core_ext: Some(e.authors()).filter(|a| !a.is_empty()).map(|a| {
                DublinCoreExtension {
                    creators: a.into_iter().map(guarded).collect(),
                    ..Default::default()
                }
            }),
            // An enclosure needs a type: only where the URL's extension names one.
            enclosure: e.image().and_then(|i| {
                image_type(i).map(|t| rss::Enclosure {
                    url: i.as_str().to_owned(),
                    length: "0".into(),
                    mime_type: t.into(),
                })
            }),
            extensions: e.image().map(thumbnail).into_iter().collect(),
            content: e.content().map(str::to_owned),
            ..Default::default()
        })
        .collect();
    let mut namespaces = std::collections::BTreeMap::new();
    if entries.iter().any(|e| e.image().is_some()) {
        namespaces.insert("media".to_string(), MEDIA_NS.to_string());
    }
    let channel = rss::Channel {
        title: guarded(&meta.title),
        link: meta.page.as_str().to_owned(),
        description: guarded(&meta.description()),
        generator: Some(format!("pagefeed {}", env!("CARGO_PKG_VERSION"))),
        pub_date: newest(entries).map(|t| t.to_rfc2822()),
        atom_ext: meta.self_rss.as_ref().map(|href| AtomExtension {
            links: vec![Link {
                href: href.as_str().to_owned(),
                rel: "self".into(),
                mime_type: Some("application/rss+xml".into()),
                ..Default::default()
            }],
        }),
        items,
        namespaces,
        ..Default::default()
    };
    finish(channel.write_to(Vec::with_capacity(estimate(entries))))
}

/// A guess at a document's size, so that writing it does not keep growing the buffer.
fn estimate(entries: &[Entry<'_>]) -> usize {
    4096 + entries
        .iter()
        .map(|e| 512 + e.title.len() + e.summary.len() + 2 * e.guid.len())
        .sum::<usize>()
}

/// The written document with a final newline.
fn finish<E: std::fmt::Display>(written: Result<Vec<u8>, E>) -> Result<Vec<u8>, RenderError> {
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
pub struct RenderError(String);

/// The Atom 1.0 document.
pub fn atom(meta: &FeedMeta, entries: &[Entry<'_>]) -> Result<Vec<u8>, RenderError> {
    let epoch = DateTime::<Utc>::UNIX_EPOCH;
    let link = |href: &Url, rel: &str, mime: Option<&str>| atom::Link {
        href: href.as_str().to_owned(),
        rel: rel.into(),
        mime_type: mime.map(str::to_string),
        ..Default::default()
    };
    let mut links = vec![link(&meta.page, "alternate", Some("text/html"))];
    if let Some(s) = &meta.self_atom {
        links.push(link(s, "self", Some("application/atom+xml")));
    }
    let mut namespaces = std::collections::BTreeMap::new();
    if entries.iter().any(|e| e.image().is_some()) {
        namespaces.insert("media".to_string(), MEDIA_NS.to_string());
    }
    let feed = atom::Feed {
        title: atom::Text::html(guarded(&meta.title)),
        id: meta
            .self_atom
            .as_ref()
            .map_or(meta.page.as_str(), Url::as_str)
            .to_owned(),
        updated: fixed(newest(entries).unwrap_or(epoch)),
        authors: vec![atom::Person {
            name: guarded(&meta.site()),
            ..Default::default()
        }],
        generator: Some(atom::Generator {
            value: "pagefeed".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
            ..Default::default()
        }),
        subtitle: Some(atom::Text::html(guarded(&meta.description()))),
        links,
        entries: entries
            .iter()
            .map(|e| atom::Entry {
                title: atom::Text::html(guarded(e.title)),
                id: e.guid.to_string(),
                updated: fixed(e.updated()),
                published: Some(fixed(e.published)),
                authors: e
                    .authors()
                    .into_iter()
                    .map(|a| atom::Person {
                        name: guarded(a),
                        ..Default::default()
                    })
                    .collect(),
                categories: e
                    .categories
                    .iter()
                    .map(|c| atom::Category {
                        term: guarded(c),
                        ..Default::default()
                    })
                    .collect(),
                links: e
                    .link
                    .iter()
                    .map(|l| link(l, "alternate", None))
                    .chain(e.image().map(|i| atom::Link {
                        length: Some("0".into()),
                        ..link(i, "enclosure", image_type(i))
                    }))
                    .collect(),
                summary: description(e).map(atom::Text::html),
                content: e.content().map(|c| atom::Content {
                    value: Some(c.to_owned()),
                    content_type: Some("html".into()),
                    ..Default::default()
                }),
                extensions: e.image().map(atom_thumbnail).into_iter().collect(),
                ..Default::default()
            })
            .collect(),
        namespaces,
        ..Default::default()
    };
    finish(feed.write_to(Vec::with_capacity(estimate(entries))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    static CATEGORIES: [String; 0] = [];

    fn sample(link: &Url, categories: &'static [String]) -> (FeedMeta, Vec<Entry<'static>>) {
        let base = Url::parse("https://feeds.example.org/").ok();
        let (self_rss, self_atom) = FeedMeta::self_links(base.as_ref(), "buitenland");
        let meta = FeedMeta {
            id: "buitenland".into(),
            title: "Buitenland <b>& meer</b>".into(),
            page: Url::parse("https://nieuws.example/buitenland").expect("url"),
            self_rss,
            self_atom,
            self_json: None,
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
        let parsed = rss::Channel::read_from(xml.as_bytes()).expect("reads back");
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
            let channel = rss::Channel::read_from(&xml[..]).expect("reads back");
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
        let channel = rss::Channel::read_from(&rss(&meta, &entries).expect("renders")[..])
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
