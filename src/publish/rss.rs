//! The RSS 2.0 document, written with the `rss` crate: Dublin Core for authors, Media RSS and
//! an enclosure for an item page's image, `content:encoded` for its main text.

use super::MEDIA_NS;
use super::document::{
    Entry, FeedMeta, RenderError, description, estimate, finish, image_type, newest,
};
use super::escape::guarded;

// The rss crate escapes extension attributes as it writes them.
thumbnail_for!(
    thumbnail,
    ::rss::extension::Extension,
    "an RSS item",
    str::to_string
);

/// Whether `guid` is a URL a reader may open, which RSS calls a permalink.
fn is_permalink(guid: &str) -> bool {
    // Guids are either the item's link, a URL already parsed, or a urn: digest.
    guid.starts_with("http://") || guid.starts_with("https://")
}

/// The RSS 2.0 document.
pub fn rss(meta: &FeedMeta, entries: &[Entry<'_>]) -> Result<Vec<u8>, RenderError> {
    use ::rss::extension::atom::{AtomExtension, Link};
    use ::rss::extension::dublincore::DublinCoreExtension;
    let items = entries
        .iter()
        .map(|e| ::rss::Item {
            title: Some(guarded(e.title)),
            link: e.link.map(|l| l.as_str().to_owned()),
            description: description(e),
            guid: Some(::rss::Guid {
                value: e.guid.to_string(),
                permalink: is_permalink(e.guid),
            }),
            pub_date: Some(e.published.to_rfc2822()),
            categories: e
                .categories
                .iter()
                .map(|c| ::rss::Category {
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
                image_type(i).map(|t| ::rss::Enclosure {
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
    let channel = ::rss::Channel {
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
