//! The page's other forms of metadata, in the order they are trusted after JSON-LD:
//! OpenGraph and `article:*` meta elements, microdata (`itemprop`), a `<time datetime>` in
//! the article, and the other meta elements sites and their analytics put dates, authors and
//! images in (`<meta name="date">`, Dublin Core, Parse.ly, Sailthru, Twitter cards, ...).

use super::{DATE_PROPERTIES, Found, MAX_RAW};
use scraper::{ElementRef, Html, Selector};
use std::sync::LazyLock;

macro_rules! selector {
    ($css:literal) => {
        LazyLock::new(|| Selector::parse($css).ok())
    };
}

static META: LazyLock<Option<Selector>> = selector!("meta[content]");
static ITEMPROP: LazyLock<Option<Selector>> = selector!("[itemprop]");
static ARTICLE: LazyLock<Option<Selector>> = selector!("article");
static MAIN: LazyLock<Option<Selector>> = selector!("main, [role=main]");
static TIME: LazyLock<Option<Selector>> = selector!("time[datetime]");
static CANONICAL: LazyLock<Option<Selector>> = selector!("link[rel~=canonical][href]");
static IMAGE_SRC: LazyLock<Option<Selector>> = selector!("link[rel~=image_src][href]");

fn select<'a>(
    root: ElementRef<'a>,
    selector: &'static LazyLock<Option<Selector>>,
) -> impl Iterator<Item = ElementRef<'a>> {
    selector
        .as_ref()
        .into_iter()
        .flat_map(move |sel| root.select(sel))
}

/// Every `<meta>` element's key (its `property`, else its `name`, lower case) and content,
/// in page order.
fn metas(doc: &Html) -> Vec<(String, String)> {
    select(doc.root_element(), &META)
        .filter_map(|m| {
            let key = m.attr("property").or_else(|| m.attr("name"))?;
            Some((
                key.trim().to_ascii_lowercase(),
                m.attr("content")?.to_string(),
            ))
        })
        .collect()
}

/// The values of the first of `keys` (in that order) that the page has, each under its key.
fn values(metas: &[(String, String)], keys: &[&str], out: &mut Vec<(String, String)>) {
    for key in keys {
        for (k, v) in metas {
            if k == key && out.len() < MAX_RAW {
                out.push((k.clone(), v.clone()));
            }
        }
    }
}

fn first(metas: &[(String, String)], keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|key| metas.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
}

/// OpenGraph (`og:*`) and its article vocabulary (`article:*`).
pub fn opengraph(doc: &Html) -> Found {
    let metas = metas(doc);
    let mut found = Found::default();
    values(
        &metas,
        &[
            "article:published_time",
            "og:article:published_time",
            "og:published_time",
        ],
        &mut found.published,
    );
    values(
        &metas,
        &[
            "article:modified_time",
            "og:article:modified_time",
            "og:updated_time",
        ],
        &mut found.modified,
    );
    let mut authors = Vec::new();
    values(
        &metas,
        &["article:author", "og:article:author"],
        &mut authors,
    );
    found.authors = authors.into_iter().map(|(_, v)| v).collect();
    let mut images = Vec::new();
    values(
        &metas,
        &["og:image", "og:image:url", "og:image:secure_url"],
        &mut images,
    );
    found.images = images.into_iter().map(|(_, v)| v).collect();
    values(&metas, &["og:url"], &mut found.canonical);
    found.language = first(&metas, &["og:locale"]);
    found.title = first(&metas, &["og:title"]);
    found
}

/// The last part of an `itemtype` URL: "NewsArticle" for "https://schema.org/NewsArticle".
fn item_type(element: ElementRef<'_>) -> &str {
    let itemtype = element.attr("itemtype").unwrap_or("");
    let first = itemtype.split_whitespace().next().unwrap_or("");
    first.rsplit(['/', ':', '#']).next().unwrap_or(first)
}

/// The item an `itemprop` belongs to: its nearest ancestor with `itemscope`.
fn owner(element: ElementRef<'_>) -> Option<ElementRef<'_>> {
    element
        .ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| a.attr("itemscope").is_some())
}

/// How well an `itemprop` speaks for the page's article: 0 when its item is an article,
/// 1 when it belongs to no item or another kind, none when it belongs to a comment, review,
/// question or answer (whose dates and authors are someone else's).
fn rank(element: ElementRef<'_>) -> Option<u8> {
    let Some(item) = owner(element) else {
        return Some(1);
    };
    let kind = item_type(item);
    if kind.ends_with("Article") || kind.ends_with("Posting") {
        Some(0)
    } else if ["Comment", "Review", "Question", "Answer"]
        .iter()
        .any(|k| kind.ends_with(k))
    {
        None
    } else {
        Some(1)
    }
}

/// An `itemprop`'s value as the microdata standard reads it: `content` on `<meta>`, the URL
/// of links and media, `datetime` of `<time>`, `value` of `<data>`, else the text.
fn item_value(element: ElementRef<'_>) -> Option<String> {
    let e = element.value();
    let attr = match e.name() {
        "meta" => Some("content"),
        "audio" | "embed" | "iframe" | "img" | "source" | "track" | "video" => Some("src"),
        "a" | "area" | "link" => Some("href"),
        "object" => Some("data"),
        "data" | "meter" => Some("value"),
        "time" => e.attr("datetime").map(|_| "datetime"),
        _ => None,
    };
    match attr {
        Some(attr) => e.attr(attr).map(str::to_string),
        None => Some(element.text().collect()),
    }
    .filter(|v| !v.trim().is_empty())
}

/// The value of the property `name` inside the item `item` (not inside items nested in it).
fn nested(item: ElementRef<'_>, name: &str) -> Option<String> {
    select(item, &ITEMPROP)
        .filter(|p| has_prop(*p, name))
        .find(|p| owner(*p).is_some_and(|o| o.id() == item.id()))
        .and_then(item_value)
}

fn has_prop(element: ElementRef<'_>, name: &str) -> bool {
    element
        .attr("itemprop")
        .is_some_and(|p| p.split_whitespace().any(|n| n == name))
}

/// Microdata: `itemprop`s of the article's item first, then those of no item; never those of
/// comments and reviews.
pub fn microdata(doc: &Html) -> Found {
    // (rank, page order) sorts the properties: the article's own first.
    let mut props: Vec<(u8, usize, ElementRef<'_>)> = select(doc.root_element(), &ITEMPROP)
        .take(10_000)
        .enumerate()
        .filter_map(|(i, p)| Some((rank(p)?, i, p)))
        .collect();
    props.sort_by_key(|&(rank, i, _)| (rank, i));
    let with = |name: &'static str| props.iter().filter(move |(_, _, p)| has_prop(*p, name));
    let mut found = Found::default();
    for (name, modified) in DATE_PROPERTIES {
        let list = found.dates(modified);
        for (_, _, p) in with(name).take(MAX_RAW) {
            if let Some(v) = item_value(*p) {
                list.push((name.to_string(), v));
            }
        }
    }
    // Authors of the best rank present only: an article's authors, not also a sidebar's.
    for name in ["author", "creator"] {
        let best = with(name).map(|(r, _, _)| *r).min();
        for (_, _, p) in with(name)
            .filter(|(r, _, _)| Some(*r) == best)
            .take(MAX_RAW)
        {
            let value = if p.attr("itemscope").is_some() {
                nested(*p, "name").or_else(|| item_value(*p))
            } else {
                item_value(*p)
            };
            found.authors.extend(value);
        }
        if !found.authors.is_empty() {
            break;
        }
    }
    for (_, _, p) in with("image").take(MAX_RAW) {
        let value = if p.attr("itemscope").is_some() {
            nested(*p, "url").or_else(|| nested(*p, "contentUrl"))
        } else {
            item_value(*p)
        };
        found.images.extend(value);
    }
    for (_, _, p) in with("mainEntityOfPage").take(MAX_RAW) {
        if let Some(v) = p
            .attr("itemid")
            .map(str::to_string)
            .or_else(|| item_value(*p))
        {
            found.canonical.push(("mainEntityOfPage".into(), v));
        }
    }
    found.language = with("inLanguage").find_map(|(_, _, p)| item_value(*p));
    found.title = with("headline").find_map(|(_, _, p)| item_value(*p));
    found
}

/// Whether a `<time>` says it is an update: its class or `itemprop` names one.
fn is_update(time: ElementRef<'_>) -> bool {
    let words = [time.attr("class"), time.attr("itemprop")];
    words.iter().flatten().any(|w| {
        let w = w.to_ascii_lowercase();
        w.contains("updat") || w.contains("modif")
    })
}

/// Whether `element` lies inside another `<article>` or an `<aside>` below `scope`: a
/// comment's or a related story's time, not the article's.
fn aside(element: ElementRef<'_>, scope: ElementRef<'_>) -> bool {
    element
        .ancestors()
        .take_while(|a| a.id() != scope.id())
        .filter_map(ElementRef::wrap)
        .any(|a| matches!(a.value().name(), "article" | "aside"))
}

/// `<time datetime>` in the page's article: the first `<article>` not inside another, else
/// the page's `<main>`. A `<time pubdate>` is the publication; otherwise the first time that
/// does not say it is an update is, and the first that does is the modification.
pub fn time(doc: &Html) -> Found {
    let root = doc.root_element();
    let scope = select(root, &ARTICLE)
        .find(|a| {
            !a.ancestors()
                .filter_map(ElementRef::wrap)
                .any(|p| p.value().name() == "article")
        })
        .or_else(|| select(root, &MAIN).next());
    let mut found = Found::default();
    let Some(scope) = scope else {
        return found;
    };
    let times: Vec<ElementRef<'_>> = select(scope, &TIME)
        .filter(|t| !aside(*t, scope))
        .take(MAX_RAW)
        .collect();
    let published = times
        .iter()
        .find(|t| t.attr("pubdate").is_some())
        .or_else(|| times.iter().find(|t| !is_update(**t)));
    let modified = times.iter().find(|t| is_update(**t));
    let value = |t: &ElementRef<'_>| t.attr("datetime").map(str::to_string);
    found.published.extend(
        published
            .and_then(value)
            .map(|v| ("<time datetime>".to_string(), v)),
    );
    found.modified.extend(
        modified
            .and_then(value)
            .map(|v| ("<time datetime>".to_string(), v)),
    );
    found
}

/// Meta names that hold a publication time, as sites and their analytics and search tools
/// write them; the more exact first (a date alone comes last).
const PUBLISHED: &[&str] = &[
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "article_date_original",
    "publish-date",
    "publish_date",
    "publishdate",
    "published_time",
    "pubdate",
    "datepublished",
    "original-publish-date",
    "cxenseparse:recs:publishtime",
    "date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "prism.publicationdate",
    "citation_publication_date",
    "citation_date",
];

/// Meta names that hold a modification time.
const MODIFIED: &[&str] = &[
    "article.updated",
    "last-modified",
    "lastmod",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
];

const AUTHORS: &[&str] = &[
    "author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "citation_author",
];

const IMAGES: &[&str] = &[
    "twitter:image",
    "twitter:image:src",
    "parsely-image-url",
    "sailthru.image.full",
    "thumbnail",
];

const TITLES: &[&str] = &[
    "twitter:title",
    "parsely-title",
    "sailthru.title",
    "dc.title",
];

/// The other meta elements, `<link rel="image_src">`, and the language the page declares
/// (`<html lang>`, else a `Content-Language` meta element).
pub fn named(doc: &Html) -> Found {
    let metas = metas(doc);
    let mut found = Found::default();
    values(&metas, PUBLISHED, &mut found.published);
    values(&metas, MODIFIED, &mut found.modified);
    let best_author = AUTHORS
        .iter()
        .find(|key| metas.iter().any(|(k, _)| k == *key));
    if let Some(key) = best_author {
        let mut authors = Vec::new();
        values(&metas, &[key], &mut authors);
        found.authors = authors.into_iter().map(|(_, v)| v).collect();
    }
    let mut images = Vec::new();
    values(&metas, IMAGES, &mut images);
    found.images = images.into_iter().map(|(_, v)| v).collect();
    found.images.extend(
        select(doc.root_element(), &IMAGE_SRC)
            .filter_map(|l| l.attr("href"))
            .map(str::to_string),
    );
    found.title = first(&metas, TITLES);
    found.language = crate::extract::declared_language(doc, None);
    found
}

/// `<link rel="canonical">`: what the page says its canonical address is, the one place
/// that exists to say it.
pub fn canonical_link(doc: &Html) -> Vec<(String, String)> {
    select(doc.root_element(), &CANONICAL)
        .filter_map(|l| l.attr("href"))
        .take(MAX_RAW)
        .map(|h| ("<link rel=canonical>".to_string(), h.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(html: &str) -> Html {
        Html::parse_document(html)
    }

    fn texts(list: &[(String, String)]) -> Vec<&str> {
        list.iter().map(|(_, v)| v.as_str()).collect()
    }

    #[test]
    fn opengraph_reads_property_or_name_and_skips_nothing_it_knows() {
        let f = opengraph(&doc(
            r#"<meta property="OG:Title" content="T"><meta name="article:published_time" content="2026-01-01">
               <meta property="og:updated_time" content="2026-01-02"><meta property="og:image" content="/a.jpg">
               <meta property="og:image:secure_url" content="https://x.example/b.jpg">
               <meta property="article:author" content="A"><meta property="article:author" content="B">
               <meta property="og:locale" content="nl_NL"><meta property="og:url" content="https://x.example/p">"#,
        ));
        assert_eq!(f.title.as_deref(), Some("T"));
        assert_eq!(texts(&f.published), vec!["2026-01-01"]);
        assert_eq!(texts(&f.modified), vec!["2026-01-02"]);
        assert_eq!(f.images, vec!["/a.jpg", "https://x.example/b.jpg"]);
        assert_eq!(f.authors, vec!["A", "B"]);
        assert_eq!(f.language.as_deref(), Some("nl_NL"));
        assert_eq!(texts(&f.canonical), vec!["https://x.example/p"]);
    }

    #[test]
    fn microdata_prefers_the_articles_item_and_skips_comments() {
        let f = microdata(&doc(
            r#"<div itemscope itemtype="https://schema.org/Comment"><span itemprop="author">Troll</span>
                 <time itemprop="datePublished" datetime="2026-01-05">5 Jan</time></div>
               <span itemprop="datePublished">2026-01-04</span>
               <div itemscope itemtype="http://schema.org/BlogPosting">
                 <span itemprop="author" itemscope itemtype="https://schema.org/Person"><a itemprop="url" href="/p">x</a> <b itemprop="name">Kim</b></span>
                 <meta itemprop="datePublished" content="2026-01-03T10:00">
                 <link itemprop="mainEntityOfPage" href="/canonical">
                 <div itemprop="image" itemscope itemtype="https://schema.org/ImageObject"><meta itemprop="url" content="/img.jpg"></div>
                 <h1 itemprop="headline">Head</h1>
               </div>"#,
        ));
        assert_eq!(texts(&f.published), vec!["2026-01-03T10:00", "2026-01-04"]);
        assert_eq!(f.authors, vec!["Kim"]);
        assert_eq!(f.images, vec!["/img.jpg"]);
        assert_eq!(texts(&f.canonical), vec!["/canonical"]);
        assert_eq!(f.title.as_deref(), Some("Head"));
    }

    #[test]
    fn time_reads_the_first_top_level_article_and_tells_updates_apart() {
        let f = time(&doc(
            r#"<aside><time datetime="2020-01-01">old</time></aside>
               <article><p>By X <time class="updated" datetime="2026-01-02">upd</time>
                 <time datetime="2026-01-01T10:00">pub</time></p>
                 <article class="comment"><time datetime="2026-01-03">c</time></article></article>
               <article><time datetime="2019-01-01">other</time></article>"#,
        ));
        assert_eq!(texts(&f.published), vec!["2026-01-01T10:00"]);
        assert_eq!(texts(&f.modified), vec!["2026-01-02"]);
        let f = time(&doc(
            r#"<main><time datetime="a">a</time><time pubdate datetime="b">b</time></main>"#,
        ));
        assert_eq!(texts(&f.published), vec!["b"]);
        let f = time(&doc(r#"<div><time datetime="2026-01-01">x</time></div>"#));
        assert_eq!(
            f,
            Found::default(),
            "a time outside any article or main is not read"
        );
    }

    #[test]
    fn named_meta_in_order_of_exactness() {
        let f = named(&doc(
            r#"<html lang="en"><meta name="date" content="2026-02-10"><meta name="DC.date.issued" content="2026-02-09">
               <meta name="parsely-pub-date" content="2026-02-10T21:05:00Z"><meta name="author" content="M">
               <meta name="parsely-author" content="P"><link rel="image_src" href="/i.png">
               <meta name="twitter:title" content="TT"><meta name="last-modified" content="2026-02-11">"#,
        ));
        assert_eq!(
            texts(&f.published),
            vec!["2026-02-10T21:05:00Z", "2026-02-10", "2026-02-09"]
        );
        assert_eq!(texts(&f.modified), vec!["2026-02-11"]);
        assert_eq!(f.authors, vec!["M"]);
        assert_eq!(f.images, vec!["/i.png"]);
        assert_eq!(f.title.as_deref(), Some("TT"));
        assert_eq!(f.language.as_deref(), Some("en"));
    }
}
