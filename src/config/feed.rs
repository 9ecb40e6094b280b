//! The feeds of the file: each `[[feed]]` table with its own keys, the top's defaults it
//! overrides (interval, settle, timezone, language, max_items), its `[feed.items]`, and the
//! rules that tie keys together: an id unique in the file, `render = "browser"` only for an
//! http(s) url and `block_media` only with it, `content = "full"` with `follow`.

use super::limits::*;
use super::walk::{self, Doc, Section, Table, Value};
use super::{
    AUTHOR, BLOCK_MEDIA, CATEGORY, CONTENT, COOKIES, DATE, EXCLUDE, FILTER, FOLLOW, FOLLOW_BUDGET,
    HEADERS, ID, INCLUDE, INTERVAL, ITEM_TITLE, ITEMS, LANGUAGE, LINK, MAX_ITEMS, ORDER, PAGE_URL,
    PRIVATE_NETWORK, RENDER, REQUEST, ROBOTS, ROUNDING, SELECT, SETTLE, SUMMARY, TIMEZONE, TITLE,
    URL,
};
use super::{Feed, Items};
use crate::dates::{Language, Rounding};
use crate::fetch::Source;
use crate::fetch::browser::Render;
use crate::fetch::request::SiteRequest;
use crate::filter::Filter;
use crate::timeline::Order;
use chrono_tz::Tz;
use cssparser::ToCss;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;
use toml::de::DeTable;
use url::Url;

/// The defaults a feed inherits from the top of the file.
pub(super) struct Defaults {
    pub interval: Duration,
    pub settle: Duration,
    /// The top level's `timezone`, where the file names one.
    pub timezone: Option<Tz>,
    pub languages: Vec<Language>,
    pub max_items: usize,
}

/// `feed`, the `[[feed]]` tables: each one that is valid, with `defaults` where it says
/// nothing. Two feeds with one id are a mistake, named at the second.
pub(super) fn feeds(
    top: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
    defaults: &Defaults,
) -> Option<Vec<Arc<Feed>>> {
    let Some(list) = v.get_ref().as_array() else {
        top.fail(
            doc,
            v.span(),
            key,
            "must be an array of tables: write each feed as [[feed]]".into(),
        );
        return None;
    };
    let mut seen = HashSet::new();
    let mut feeds = Vec::new();
    for (n, entry) in list.iter().enumerate() {
        let Some(table) = entry.get_ref().as_table() else {
            top.fail(
                doc,
                entry.span(),
                key,
                "each feed must be a table ([[feed]])".into(),
            );
            continue;
        };
        if let Some(feed) = feed(doc, table, entry.span(), n, defaults, &mut seen) {
            feeds.push(Arc::new(feed));
        }
    }
    Some(feeds)
}

/// The `n`th feed, written at `span`; None where anything in it is wrong.
fn feed(
    doc: &mut Doc<'_>,
    table: &DeTable<'_>,
    span: Range<usize>,
    n: usize,
    defaults: &Defaults,
    seen: &mut HashSet<String>,
) -> Option<Feed> {
    let before = doc.errors.len();
    // Name the feed by its id where it has a usable one, else by its place in the file.
    let name = table
        .get(ID.name)
        .and_then(|v| v.get_ref().as_str())
        .map_or_else(|| format!("#{}", n + 1), str::to_string);
    let sec = Section {
        table,
        at: Table::Feed,
        prefix: "",
        feed: Some(&name),
    };
    sec.unknown_keys(doc);
    let id = sec.spanned(doc, &ID).map(|(id, span)| {
        if !seen.insert(id.clone()) {
            sec.fail(
                doc,
                span,
                ID.name,
                format!("{id:?} is used by another feed"),
            );
        }
        id
    });
    sec.require(doc, &ID, span.clone(), "missing: every feed needs an id");
    let source = sec.spanned(doc, &URL);
    sec.require(doc, &URL, span.clone(), "missing: every feed needs a url");
    let title = sec.read(doc, &TITLE);
    let robots = sec.read(doc, &ROBOTS).unwrap_or(ROBOTS_DEFAULT);
    let private_network = sec
        .read(doc, &PRIVATE_NETWORK)
        .unwrap_or(PRIVATE_NETWORK_DEFAULT);
    let block_media = render(&sec, doc, source.as_ref().map(|(s, _)| s));
    let (follow, full) = follow(&sec, doc);
    let follow_budget = sec
        .read(doc, &FOLLOW_BUDGET)
        .unwrap_or(FOLLOW_BUDGET_DEFAULT);
    let rounding = sec.read(doc, &ROUNDING).unwrap_or(ROUNDING_DEFAULT);
    let interval = sec.read(doc, &INTERVAL).unwrap_or(defaults.interval);
    let settle = sec.read(doc, &SETTLE).unwrap_or(defaults.settle);
    let named = sec.read(doc, &TIMEZONE).or(defaults.timezone);
    let timezone = named.unwrap_or(TIMEZONE_DEFAULT);
    let languages = sec
        .read(doc, &LANGUAGE)
        .unwrap_or_else(|| defaults.languages.clone());
    let max_items = sec.read(doc, &MAX_ITEMS).unwrap_or(defaults.max_items);
    let page_url = sec.read(doc, &PAGE_URL);
    let items = sec.read(doc, &ITEMS);
    let filter = sec.read(doc, &FILTER).unwrap_or_default();
    let site = match source.as_ref().map(|(s, _)| s) {
        Some(Source::Http(u)) => Some(u.clone()),
        _ => None,
    };
    let request = sec
        .read_with(doc, &REQUEST, &site)
        .unwrap_or_else(|| SiteRequest::new(site.as_ref(), Vec::new(), Default::default()));
    if sec.value(&ITEMS).is_none() {
        sec.fail(
            doc,
            span,
            ITEMS.name,
            "missing: add [feed.items] with at least select = \"…\"".into(),
        );
    }
    if doc.errors.len() > before {
        return None;
    }
    Some(Feed {
        id: id?,
        source: source?.0,
        title,
        robots,
        private_network,
        rounding,
        interval,
        settle,
        timezone,
        timezone_named: named.is_some(),
        languages,
        max_items,
        page_url,
        follow,
        full,
        follow_budget,
        render: block_media.map(|block_media| Render {
            items: items.as_ref().map(|i| i.select.to_css_string()),
            block_media,
        }),
        items: items?,
        filter,
        request: Arc::new(request),
    })
}

/// `render` and `block_media`: Some(block_media) for a feed rendered in the browser, which
/// reads no files; `block_media` beside any other render is a mistake.
fn render(sec: &Section<'_, '_>, doc: &mut Doc<'_>, source: Option<&Source>) -> Option<bool> {
    let block_media = sec.spanned(doc, &BLOCK_MEDIA);
    let browser = match sec.spanned(doc, &RENDER) {
        Some((browser, span)) => {
            if browser && let Some(Source::File(_)) = source {
                sec.fail(
                    doc,
                    span,
                    RENDER.name,
                    "\"browser\" needs an http(s) url: the browser reads no files".into(),
                );
            }
            browser
        }
        None => RENDER_IN_BROWSER_DEFAULT,
    };
    if !browser && let Some((_, span)) = &block_media {
        sec.fail(
            doc,
            span.clone(),
            BLOCK_MEDIA.name,
            "applies only to render = \"browser\"".into(),
        );
    }
    browser.then_some(block_media.map_or(BLOCK_MEDIA_DEFAULT, |(b, _)| b))
}

/// `follow` and `content`: whether the feed reads each new item's own page, and whether it
/// publishes that page's main text. `content = "full"` needs the item pages: with `follow`
/// unset it turns following on; beside `follow = false` it is a mistake naming both keys.
fn follow(sec: &Section<'_, '_>, doc: &mut Doc<'_>) -> (bool, bool) {
    let follow = sec.read(doc, &FOLLOW);
    let full = match sec.spanned(doc, &CONTENT) {
        Some((full, span)) => {
            if full && follow == Some(false) {
                sec.fail(
                    doc,
                    span,
                    CONTENT.name,
                    "\"full\" publishes each item page's main text, which needs follow: remove follow = false or set content = \"summary\"".into(),
                );
            }
            full
        }
        None => FULL_CONTENT_DEFAULT,
    };
    (follow.unwrap_or(full), full)
}

/// `items`, the `[feed.items]` table: the item selector and the fields.
pub(super) fn items(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<Items> {
    let Some(table) = v.get_ref().as_table() else {
        sec.fail(
            doc,
            v.span(),
            key,
            "must be a table: write [feed.items] under the feed".into(),
        );
        return None;
    };
    let sec = Section {
        table,
        at: Table::Items,
        prefix: "items.",
        feed: sec.feed,
    };
    sec.unknown_keys(doc);
    let select = sec.read(doc, &SELECT);
    sec.require(
        doc,
        &SELECT,
        v.span(),
        "missing: the selector that matches one element per item is required",
    );
    let title = sec.read(doc, &ITEM_TITLE);
    let link = sec.read(doc, &LINK);
    let summary = sec.read(doc, &SUMMARY);
    let date = sec.read(doc, &DATE);
    let author = sec.read(doc, &AUTHOR);
    let category = sec.read(doc, &CATEGORY);
    let order = sec.read(doc, &ORDER).unwrap_or(ORDER_DEFAULT);
    Some(Items {
        select: select?,
        title,
        link,
        summary,
        date,
        author,
        category,
        order,
    })
}

/// `id`: `[a-z0-9][a-z0-9_-]*`, as it names the feed's files.
pub(super) fn id(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<String> {
    let id = walk::text(sec, doc, key, v)?;
    let mut chars = id.chars();
    let valid = matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !valid {
        sec.fail(
            doc,
            v.span(),
            key,
            format!("{id:?} is not a valid id: use [a-z0-9][a-z0-9_-]* (it names the files <id>.rss and <id>.atom)"),
        );
        return None;
    }
    Some(id)
}

/// `url`: an http(s) URL a request can carry, a file:// URL, or a path relative to the
/// config's folder.
pub(super) fn url(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<Source> {
    let url = walk::text(sec, doc, key, v)?;
    let source = Source::parse(&url, &doc.folder()).map_err(|e| e.to_string());
    match source.and_then(|s| match s {
        Source::Http(u) => requestable(&u).map(|()| Source::Http(u)),
        other => Ok(other),
    }) {
        Ok(s) => Some(s),
        Err(e) => {
            sec.fail(doc, v.span(), key, e);
            None
        }
    }
}

/// `page_url`: an absolute http(s) URL.
pub(super) fn page_url(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<Url> {
    let s = walk::text(sec, doc, key, v)?;
    match Url::parse(s.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Some(u),
        Ok(_) | Err(_) => {
            sec.fail(
                doc,
                v.span(),
                key,
                format!(
                    "{s:?} is not an absolute http(s) URL: links resolve against it and the feed links to it"
                ),
            );
            None
        }
    }
}

/// `rounding`: "floor" or "nearest".
pub(super) fn rounding(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<Rounding> {
    let s = walk::text(sec, doc, key, v)?;
    let r = Rounding::from_name(&s);
    if r.is_none() {
        sec.fail(
            doc,
            v.span(),
            key,
            format!("{s:?} is not a rounding: use \"floor\" or \"nearest\""),
        );
    }
    r
}

/// `render`: "http" (false) or "browser" (true).
pub(super) fn render_in_browser(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<bool> {
    let s = walk::text(sec, doc, key, v)?;
    match s.as_str() {
        "http" => Some(false),
        "browser" => Some(true),
        _ => {
            sec.fail(
                doc,
                v.span(),
                key,
                format!("{s:?} is not a way to render: use \"http\" or \"browser\""),
            );
            None
        }
    }
}

/// `content`: "summary" (false) or "full" (true).
pub(super) fn content(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<bool> {
    let s = walk::text(sec, doc, key, v)?;
    match s.as_str() {
        "summary" => Some(false),
        "full" => Some(true),
        _ => {
            sec.fail(
                doc,
                v.span(),
                key,
                format!("{s:?} is not a kind of content: use \"summary\" or \"full\""),
            );
            None
        }
    }
}

/// `order`: "newest-first" or "none".
pub(super) fn order(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<Order> {
    let s = walk::text(sec, doc, key, v)?;
    match s.as_str() {
        "newest-first" => Some(Order::NewestFirst),
        "none" => Some(Order::None),
        _ => {
            sec.fail(
                doc,
                v.span(),
                key,
                format!("{s:?} is not an order: use \"newest-first\" or \"none\""),
            );
            None
        }
    }
}

/// The longest URL the HTTP client sends (`http::Uri`'s limit).
pub(super) const MAX_URI_LEN: usize = 65_534;

/// Whether reqwest can send a request to `url`: it must have a host and fit in an HTTP
/// request target (at most 65 534 bytes, only characters a URI may carry).
fn requestable(url: &Url) -> Result<(), String> {
    let text = url.as_str();
    let shown: String = if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text.to_string()
    };
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{shown:?} cannot be requested: it names no host"));
    }
    if text.len() > MAX_URI_LEN {
        return Err(format!(
            "{shown:?} cannot be requested: it is {} bytes long, an HTTP request carries at most {MAX_URI_LEN}",
            text.len()
        ));
    }
    match http::Uri::try_from(text) {
        Ok(_) => Ok(()),
        Err(e) => Err(format!("{shown:?} cannot be requested: {e}")),
    }
}

/// `[feed.filter]`: `include` and `exclude`, lists of regular expressions.
pub(super) fn filter(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<Filter> {
    let Some(table) = v.get_ref().as_table() else {
        sec.fail(
            doc,
            v.span(),
            key,
            "must be a table: write [feed.filter] under the feed".into(),
        );
        return None;
    };
    let sec = Section {
        table,
        at: Table::Filter,
        prefix: "filter.",
        feed: sec.feed,
    };
    sec.unknown_keys(doc);
    Some(Filter {
        include: sec.read(doc, &INCLUDE).unwrap_or_default(),
        exclude: sec.read(doc, &EXCLUDE).unwrap_or_default(),
    })
}

/// `[feed.request]`: `headers` and `cookies` for the feed's own site, `site` (its url; none
/// for a feed read from a file, which sends nothing).
pub(super) fn request(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
    site: &Option<Url>,
) -> Option<SiteRequest> {
    let Some(table) = v.get_ref().as_table() else {
        sec.fail(
            doc,
            v.span(),
            key,
            "must be a table: write [feed.request] under the feed".into(),
        );
        return None;
    };
    let sec = Section {
        table,
        at: Table::Request,
        prefix: "request.",
        feed: sec.feed,
    };
    sec.unknown_keys(doc);
    let headers = sec.read(doc, &HEADERS).unwrap_or_default();
    let cookies = sec.read(doc, &COOKIES).unwrap_or_default();
    Some(SiteRequest::new(site.as_ref(), headers, cookies))
}
