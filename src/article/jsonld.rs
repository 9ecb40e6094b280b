//! schema.org metadata in JSON-LD blocks (`<script type="application/ld+json">`): the most
//! trusted form, since a site writes it for machines on purpose.
//!
//! Read as sites write it, not as the JSON-LD standard would expand it: a block is an
//! object, an array of objects or an object with `@graph`; `@type` is a string or an array
//! (`"NewsArticle"`, `"schema:NewsArticle"`, `"https://schema.org/NewsArticle"`); the article
//! is the object of a type ending in `Article` or `Posting` (`NewsArticle`, `BlogPosting`,
//! `ReportageNewsArticle`, `LiveBlogPosting`, ...) whose `url`, `@id` or `mainEntityOfPage`
//! names this page (its address or `<link rel="canonical">`; a page that also describes its
//! related articles lists them too), else the first such object, else the first web page
//! (`WebPage`, `ItemPage`, ...) that has a publication date. References by `@id` (Yoast's
//! `"author": {"@id": ".../#/schema/person/..."}`) resolve to the object with that `@id`
//! in any block of the page, one step deep.
//!
//! Bounded: at most [`MAX_BLOCKS`] blocks of at most [`MAX_BLOCK_BYTES`] each (larger ones
//! are skipped with a note), at most [`MAX_NODES`] objects looked at; serde_json refuses
//! nesting deeper than 128. A block that is not JSON, or whose fields have shapes schema.org
//! does not give them, is skipped (or the field is) with a note, never a failure.

use super::{DATE_PROPERTIES, Found};
use scraper::{Html, Selector};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::LazyLock;
use url::Url;

/// The most JSON-LD blocks read on a page.
pub const MAX_BLOCKS: usize = 32;

/// The largest JSON-LD block read, in bytes. Real article blocks are a few kB; a block with
/// a whole article body in `articleBody` can reach a few hundred.
pub const MAX_BLOCK_BYTES: usize = 512 * 1024;

/// The most objects of all blocks looked at for the article and for `@id` references.
const MAX_NODES: usize = 2000;

static SCRIPT: LazyLock<Option<Selector>> = LazyLock::new(|| Selector::parse("script[type]").ok());

type Object = Map<String, Value>;

/// What the page's JSON-LD says about its article. `page`: the addresses that name the page
/// (where it was fetched from, its canonical link), absolute.
pub fn read(doc: &Html, page: &[Url], notes: &mut Vec<String>) -> Found {
    let Some(script) = SCRIPT.as_ref() else {
        return Found::default();
    };
    let mut blocks: Vec<Value> = Vec::new();
    let scripts = doc.select(script).filter(|s| {
        s.attr("type")
            .and_then(|t| t.split(';').next())
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
    });
    for (n, s) in scripts.enumerate() {
        if n == MAX_BLOCKS {
            notes.push(format!(
                "json-ld: more than {MAX_BLOCKS} blocks; the rest are not read"
            ));
            break;
        }
        let mut text = String::new();
        let mut fits = true;
        for t in s.text() {
            if text.len() + t.len() > MAX_BLOCK_BYTES {
                fits = false;
                break;
            }
            text.push_str(t);
        }
        if !fits {
            notes.push(format!(
                "json-ld: block {} is larger than {} kB; skipped",
                n + 1,
                MAX_BLOCK_BYTES / 1024
            ));
            continue;
        }
        match parse_block(&text) {
            Ok(value) => blocks.push(value),
            Err(e) => notes.push(format!(
                "json-ld: block {} is not JSON ({e}); skipped",
                n + 1
            )),
        }
    }
    let mut nodes = Vec::new();
    for block in &blocks {
        collect(block, &mut nodes, 0);
    }
    let ids: HashMap<&str, &Object> = nodes
        .iter()
        .filter(|o| o.len() > 1)
        .filter_map(|o| Some((o.get("@id")?.as_str()?, *o)))
        .collect();
    let articles: Vec<&&Object> = nodes
        .iter()
        .filter(|o| types(o).any(|t| t.ends_with("Article") || t.ends_with("Posting")))
        .collect();
    let article = articles
        .iter()
        .find(|o| names_page(o, &ids, page))
        .or(articles.first())
        .copied()
        .or_else(|| {
            nodes
                .iter()
                .find(|o| o.contains_key("datePublished") && types(o).any(|t| t.ends_with("Page")))
        });
    match article {
        Some(article) => fields(article, &ids, notes),
        None => Found::default(),
    }
}

/// Whether an article object names `page` as its own: its `url`, its `@id` or its
/// `mainEntityOfPage` (a string, or an object with `@id` or `url`) is one of the page's
/// addresses, fragment and a final slash aside.
fn names_page(article: &Object, ids: &HashMap<&str, &Object>, page: &[Url]) -> bool {
    let mut named: Vec<&str> = ["url", "@id"]
        .iter()
        .filter_map(|k| article.get(*k)?.as_str())
        .collect();
    match article.get("mainEntityOfPage") {
        Some(Value::String(s)) => named.push(s),
        Some(value @ Value::Object(_)) => {
            if let Some(p) = resolve(value, ids) {
                named.extend(["url", "@id"].iter().filter_map(|k| p.get(*k)?.as_str()));
            }
        }
        _ => {}
    }
    let key = |u: &Url| {
        let mut u = u.clone();
        u.set_fragment(None);
        u.as_str().trim_end_matches('/').to_string()
    };
    let Some(first) = page.first() else {
        return false;
    };
    let keys: Vec<String> = page.iter().map(key).collect();
    named
        .iter()
        .filter_map(|n| first.join(n.trim()).ok())
        .any(|u| keys.contains(&key(&u)))
}

/// A block's JSON. Sites break JSON in two common ways that cost nothing to forgive: raw line
/// breaks and tabs inside strings, and a block wrapped in an HTML comment or ended with `;`.
fn parse_block(text: &str) -> Result<Value, serde_json::Error> {
    let trimmed = text.trim();
    let trimmed = trimmed
        .strip_prefix("<!--")
        .and_then(|t| t.strip_suffix("-->"))
        .unwrap_or(trimmed)
        .trim();
    let trimmed = trimmed.strip_suffix(';').unwrap_or(trimmed);
    serde_json::from_str(trimmed).or_else(|first| {
        if trimmed.bytes().any(|b| b < 0x20) {
            let spaced: String = trimmed
                .chars()
                .map(|c| if c < ' ' { ' ' } else { c })
                .collect();
            serde_json::from_str(&spaced).map_err(|_| first)
        } else {
            Err(first)
        }
    })
}

/// The objects of a block: itself, the items of an array, the members of `@graph`, and a
/// page's `mainEntity`, to a few levels.
fn collect<'a>(value: &'a Value, out: &mut Vec<&'a Object>, depth: usize) {
    if depth > 4 || out.len() >= MAX_NODES {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                collect(item, out, depth + 1);
            }
        }
        Value::Object(object) => {
            out.push(object);
            for key in ["@graph", "mainEntity"] {
                if let Some(inner) = object.get(key) {
                    collect(inner, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// The object's types, without a vocabulary prefix (`schema:`, `https://schema.org/`).
fn types(object: &Object) -> impl Iterator<Item = &str> {
    let list: Vec<&str> = match object.get("@type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).take(16).collect(),
        _ => Vec::new(),
    };
    list.into_iter()
        .map(|t| t.rsplit(['/', ':', '#']).next().unwrap_or(t).trim())
}

/// The object itself, or the object its `@id` names where it is only a reference.
fn resolve<'a>(value: &'a Value, ids: &HashMap<&str, &'a Object>) -> Option<&'a Object> {
    let object = value.as_object()?;
    if object.len() == 1
        && let Some(id) = object.get("@id").and_then(Value::as_str)
    {
        return ids.get(id).copied().or(Some(object));
    }
    Some(object)
}

fn fields(article: &Object, ids: &HashMap<&str, &Object>, notes: &mut Vec<String>) -> Found {
    let mut found = Found::default();
    let mut wrong = |key: &str| {
        notes.push(format!(
            "json-ld: {key} has a shape schema.org does not give it; ignored"
        ))
    };
    for (key, modified) in DATE_PROPERTIES {
        let list = found.dates(modified);
        match article.get(key) {
            Some(Value::String(s)) => list.push((key.to_string(), s.clone())),
            Some(_) => wrong(key),
            None => {}
        }
    }
    for key in ["author", "creator"] {
        if let Some(value) = article.get(key) {
            let before = found.authors.len();
            names(value, ids, &mut found.authors, 0);
            if found.authors.len() == before {
                wrong(key);
            }
            break;
        }
    }
    for key in ["image", "thumbnailUrl"] {
        if let Some(value) = article.get(key) {
            let before = found.images.len();
            images(value, ids, &mut found.images, 0);
            if found.images.len() == before {
                wrong(key);
            }
        }
    }
    match article.get("mainEntityOfPage") {
        Some(Value::String(s)) => found.canonical.push(("mainEntityOfPage".into(), s.clone())),
        Some(value @ Value::Object(_)) => {
            if let Some(page) = resolve(value, ids) {
                for key in ["url", "@id"] {
                    if let Some(s) = page.get(key).and_then(Value::as_str) {
                        found
                            .canonical
                            .push(("mainEntityOfPage".into(), s.to_string()));
                    }
                }
            }
        }
        Some(_) => wrong("mainEntityOfPage"),
        None => {}
    }
    if let Some(s) = article.get("url").and_then(Value::as_str) {
        found.canonical.push(("url".into(), s.to_string()));
    }
    match article.get("inLanguage") {
        Some(Value::String(s)) => found.language = Some(s.clone()),
        Some(value @ Value::Object(_)) => {
            found.language = resolve(value, ids)
                .and_then(|l| l.get("alternateName").or_else(|| l.get("name")))
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        Some(_) => wrong("inLanguage"),
        None => {}
    }
    for key in ["headline", "name"] {
        match article.get(key) {
            Some(Value::String(s)) => {
                found.title = Some(s.clone());
                break;
            }
            Some(_) => wrong(key),
            None => {}
        }
    }
    found
}

/// Author names: a string, a `Person`/`Organization` (or a reference to one) with a `name`,
/// or an array of those.
fn names(value: &Value, ids: &HashMap<&str, &Object>, out: &mut Vec<String>, depth: usize) {
    strings(
        value,
        ids,
        out,
        depth,
        &|person, out| match person.get("name") {
            Some(Value::String(s)) => out.push(s.clone()),
            Some(Value::Array(parts)) => out.extend(
                parts
                    .iter()
                    .filter_map(Value::as_str)
                    .take(super::MAX_RAW)
                    .map(str::to_string),
            ),
            _ => {}
        },
    );
}

/// Image URLs: a string, an `ImageObject` (or a reference to one) with `url` or
/// `contentUrl`, or an array of those.
fn images(value: &Value, ids: &HashMap<&str, &Object>, out: &mut Vec<String>, depth: usize) {
    strings(value, ids, out, depth, &|image, out| {
        for key in ["url", "contentUrl"] {
            if let Some(s) = image.get(key).and_then(Value::as_str) {
                out.push(s.to_string());
            }
        }
    });
}

/// The strings a property holds: a string itself, what `of_object` takes from an object (or
/// the object a reference names), and the same for each element of an array, two levels
/// deep at most and [`super::MAX_RAW`] in all.
fn strings(
    value: &Value,
    ids: &HashMap<&str, &Object>,
    out: &mut Vec<String>,
    depth: usize,
    of_object: &dyn Fn(&Object, &mut Vec<String>),
) {
    if out.len() >= super::MAX_RAW || depth > 2 {
        return;
    }
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => {
            for item in items.iter().take(super::MAX_RAW) {
                strings(item, ids, out, depth + 1, of_object);
            }
        }
        Value::Object(_) => {
            if let Some(object) = resolve(value, ids) {
                of_object(object, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(html: &str) -> (Found, Vec<String>) {
        found_at(html, &[])
    }

    fn found_at(html: &str, page: &[&str]) -> (Found, Vec<String>) {
        let page: Vec<Url> = page.iter().map(|p| Url::parse(p).expect("url")).collect();
        let doc = Html::parse_document(html);
        let mut notes = Vec::new();
        (read(&doc, &page, &mut notes), notes)
    }

    #[test]
    fn the_article_that_names_this_page_wins_over_related_ones() {
        let related = r#"{"@type":"NewsArticle","url":"https://n.example/other","datePublished":"2026-03-01T08:00:00Z"}"#;
        let own = r#"{"@type":"NewsArticle","mainEntityOfPage":{"@id":"https://n.example/a/1/"},"datePublished":"2026-03-04T09:00:00Z"}"#;
        let html = format!("{}{}", block(related), block(own));
        let date = |page: &[&str]| found_at(&html, page).0.published;
        // Fetched from its own address, fragment and final slash aside.
        assert_eq!(
            date(&["https://n.example/a/1#top"]),
            [(
                "datePublished".to_string(),
                "2026-03-04T09:00:00Z".to_string()
            )]
        );
        // Fetched elsewhere, with a canonical link naming it.
        assert_eq!(
            date(&["https://m.n.example/a/1?amp=1", "https://n.example/a/1"]),
            [(
                "datePublished".to_string(),
                "2026-03-04T09:00:00Z".to_string()
            )]
        );
        // Neither names the page: the first, as before.
        assert_eq!(
            date(&["https://n.example/b"]),
            [(
                "datePublished".to_string(),
                "2026-03-01T08:00:00Z".to_string()
            )]
        );
        // An @id relative to the page.
        let relative = r#"{"@type":"BlogPosting","@id":"/a/1#article","datePublished":"2026-03-04T10:00:00Z"}"#;
        let html = format!("{}{}", block(related), block(relative));
        assert_eq!(
            found_at(&html, &["https://n.example/a/1"]).0.published,
            [(
                "datePublished".to_string(),
                "2026-03-04T10:00:00Z".to_string()
            )]
        );
    }

    fn block(json: &str) -> String {
        format!("<script type=\"application/ld+json\">{json}</script>")
    }

    #[test]
    fn types_as_array_with_prefixes_and_graph() {
        let (f, notes) = found(&block(
            r##"{"@graph": [{"@type": "WebSite", "name": "Site"},
               {"@type": ["https://schema.org/ReportageNewsArticle", "Thing"], "headline": "H",
                "datePublished": "2026-03-04", "author": "Ann"}]}"##,
        ));
        assert_eq!(f.title.as_deref(), Some("H"));
        assert_eq!(
            f.published,
            vec![("datePublished".to_string(), "2026-03-04".to_string())]
        );
        assert_eq!(f.authors, vec!["Ann"]);
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn array_of_objects_and_schema_prefix() {
        let (f, _) = found(&block(
            r##"[{"@type": "Organization", "name": "Org"}, {"@type": "schema:BlogPosting", "headline": "Post",
                "author": [{"@type": "Person", "name": "A"}, {"name": ["B", "C"]}, "D", 5]}]"##,
        ));
        assert_eq!(f.title.as_deref(), Some("Post"));
        assert_eq!(f.authors, vec!["A", "B", "C", "D"]);
    }

    #[test]
    fn references_by_id_resolve_across_blocks() {
        let html = block(
            r##"{"@type": "NewsArticle", "author": {"@id": "#p"}, "image": {"@id": "#i"},
                            "mainEntityOfPage": {"@id": "https://s.example/a#webpage"}}"##,
        ) + &block(
            r##"{"@graph": [{"@id": "#p", "@type": "Person", "name": "Pat"},
                                    {"@id": "#i", "@type": "ImageObject", "contentUrl": "/i.jpg"},
                                    {"@id": "https://s.example/a#webpage", "@type": "WebPage", "url": "https://s.example/a"}]}"##,
        );
        let (f, _) = found(&html);
        assert_eq!(f.authors, vec!["Pat"]);
        assert_eq!(f.images, vec!["/i.jpg"]);
        assert_eq!(
            f.canonical
                .iter()
                .map(|(_, u)| u.as_str())
                .collect::<Vec<_>>(),
            vec!["https://s.example/a", "https://s.example/a#webpage"]
        );
    }

    #[test]
    fn a_web_page_with_a_date_stands_in_for_a_missing_article() {
        let (f, _) = found(&block(
            r##"{"@graph": [{"@type": "WebPage", "name": "No date"}, {"@type": "ItemPage", "datePublished": "2026-01-02T03:04:05Z", "name": "Page"}]}"##,
        ));
        assert_eq!(f.title.as_deref(), Some("Page"));
        assert_eq!(f.published.len(), 1);
        let (f, _) = found(&block(r##"{"@type": "Event", "startDate": "2026-01-02"}"##));
        assert_eq!(f, Found::default());
    }

    #[test]
    fn broken_blocks_are_skipped_with_a_note() {
        let html = block(r##"{"@type": "NewsArticle", "headline": "x","##)
            + &block("[1, 2, null]")
            + &block(
                r##"{"@type": "NewsArticle", "datePublished": {"v": 1}, "author": 17, "image": {"caption": "c"}, "headline": ["a"], "name": "N"}"##,
            );
        let (f, notes) = found(&html);
        assert_eq!(f.title.as_deref(), Some("N"));
        assert!(f.published.is_empty() && f.authors.is_empty() && f.images.is_empty());
        assert_eq!(notes.len(), 5, "{notes:?}");
        assert!(
            notes[0].starts_with("json-ld: block 1 is not JSON"),
            "{notes:?}"
        );
        for key in ["datePublished", "author", "image", "headline"] {
            assert!(notes.iter().any(|n| n.contains(key)), "{key}: {notes:?}");
        }
    }

    #[test]
    fn forgiven_line_breaks_comments_and_semicolons() {
        let (f, notes) = found(&block(
            "<!-- {\"@type\": \"Article\", \"headline\": \"Two\nlines\"}; -->",
        ));
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(f.title.as_deref(), Some("Two lines"));
    }

    #[test]
    fn huge_and_deep_blocks_are_bounded() {
        let huge = format!(
            r##"{{"@type": "Article", "headline": "big", "articleBody": "{}"}}"##,
            "x".repeat(MAX_BLOCK_BYTES)
        );
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let many: String = (0..MAX_BLOCKS + 5).map(|_| block("{}")).collect();
        let (f, notes) = found(&(block(&huge) + &block(&deep) + &many));
        assert_eq!(f, Found::default());
        assert!(notes[0].contains("larger than 512 kB"), "{notes:?}");
        assert!(notes[1].contains("not JSON"), "{notes:?}");
        assert!(
            notes.iter().any(|n| n.contains("more than 32 blocks")),
            "{notes:?}"
        );
        let wide = format!(
            "[{}{{\"@type\": \"Article\", \"headline\": \"late\"}}]",
            "{},".repeat(MAX_NODES + 10)
        );
        let (f, _) = found(&block(&wide));
        assert_eq!(f.title, None, "objects past the bound are not looked at");
    }
}
