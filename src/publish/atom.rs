//! The Atom 1.0 document, written with `atom_syndication`: titles as `type="html"`, the page as
//! the alternate link, Media RSS and an enclosure link for an item page's image.

use super::MEDIA_NS;
use super::document::{
    Entry, FeedMeta, RenderError, description, estimate, finish, fixed, image_type, newest,
};
use super::escape::{escape_text, guarded};
use atom_syndication as atom;
use chrono::{DateTime, Utc};
use url::Url;

// atom_syndication writes extension attributes as they are given: escaped here.
thumbnail_for!(
    atom_thumbnail,
    atom::extension::Extension,
    "an Atom entry",
    super::escape_html
);

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
        title: atom::Text::html(escape_text(&meta.title)),
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
        subtitle: Some(atom::Text::html(escape_text(&meta.description()))),
        links,
        entries: entries
            .iter()
            .map(|e| atom::Entry {
                title: atom::Text::html(escape_text(e.title)),
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
