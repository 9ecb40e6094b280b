//! A page and the feed's selectors in, its items out, in page order: fields, datelines,
//! derived titles, absolute links and guids that stay the same from poll to poll.

pub mod parse;
pub mod wire;

use crate::config::{Field, Items};
use crate::item::Item;
use crate::text;
use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::LazyLock;
use url::Url;

/// What one page gives.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// The page's `<title>`.
    pub title: Option<String>,
    /// The URL links were resolved against.
    pub base: Url,
    pub items: Vec<Item>,
    /// How many of the items each field was found in.
    pub coverage: Coverage,
    /// The language the page declares in its markup (`<html lang>`, a `Content-Language`
    /// meta element), as written.
    pub language: Option<String>,
}

/// The fields of an item, in the order they are reported.
pub const FIELDS: [&str; 6] = ["title", "link", "date", "summary", "author", "category"];
const TITLE_F: usize = 0;
const LINK_F: usize = 1;
const DATE_F: usize = 2;
const SUMMARY_F: usize = 3;
const AUTHOR_F: usize = 4;
const CATEGORY_F: usize = 5;

/// How many of a page's items each field was found in: a selector that matches in some
/// items only is how a redesigned page shows first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// Items read from the page (elements with some text or a link).
    pub items: usize,
    /// One per field, in [`FIELDS`] order.
    pub fields: Vec<FieldCoverage>,
}

/// One field's coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCoverage {
    pub name: &'static str,
    /// The configured selector, or None where the field takes its default.
    pub selector: Option<String>,
    /// Items in which the field gave a value: the configured selector's, else the default's.
    pub found: usize,
}

impl FieldCoverage {
    /// What the default of this field is, in words.
    pub fn default_words(&self) -> &'static str {
        match self.name {
            "title" => "the first sentence of the summary",
            "link" => "the title's link",
            "date" => "a <time>",
            "summary" => "the item's text",
            "author" => "a dateline's agency",
            _ => "a dateline's place",
        }
    }

    /// What happens to the items the configured selector misses.
    fn consequence(&self) -> &'static str {
        match self.name {
            "title" => "titles fall back to the first sentence",
            "link" => "those items have no link",
            "date" => "those items are published when first seen",
            "summary" => "those summaries are empty",
            "author" => "those items have no author",
            _ => "those items have no category",
        }
    }
}

impl Coverage {
    /// One sentence per configured field that missed in some items, e.g. "title matched 0 of
    /// 20 items; titles fall back to the first sentence".
    pub fn misses(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| f.selector.is_some() && f.found < self.items)
            .map(|f| {
                format!(
                    "{} {:?} matched {} of {} items; {}",
                    f.name,
                    f.selector.as_deref().unwrap_or_default(),
                    f.found,
                    self.items,
                    f.consequence()
                )
            })
            .collect()
    }

    /// What the coverage is, coarsely, for telling when it changes: each configured field
    /// that missed, and whether it missed in every item or in some. Empty when every
    /// configured field was found in every item.
    pub fn key(&self) -> String {
        self.fields
            .iter()
            .filter(|f| f.selector.is_some() && f.found < self.items)
            .map(|f| {
                let how = if f.found == 0 { "none" } else { "some" };
                format!("{}:{how}", f.name)
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The configured fields, with whether each selector names the item itself (`:scope`).
struct Plan<'c> {
    items: &'c Items,
    fields: [Option<&'c Field>; 6],
    scoped: [bool; 6],
}

impl<'c> Plan<'c> {
    fn new(items: &'c Items) -> Plan<'c> {
        let fields = [
            items.title.as_ref(),
            items.link.as_ref(),
            items.date.as_ref(),
            items.summary.as_ref(),
            items.author.as_ref(),
            items.category.as_ref(),
        ];
        let scoped = fields.map(|f| {
            use scraper::selector::ToCss;
            f.is_some_and(|f| f.selector.to_css_string().contains(":scope"))
        });
        Plan {
            items,
            fields,
            scoped,
        }
    }

    /// The first element field `n` selects in `item`. `:scope` is the item itself, which
    /// scraper's `select` never visits.
    fn first<'a>(&self, n: usize, item: ElementRef<'a>) -> Option<ElementRef<'a>> {
        let field = self.fields[n]?;
        if self.scoped[n] && field.selector.matches_with_scope(&item, Some(item)) {
            return Some(item);
        }
        item.select(&field.selector).next()
    }

    /// Every element field `n` selects in `item`, the item itself first where it matches.
    fn every<'a>(&self, n: usize, item: ElementRef<'a>) -> Vec<ElementRef<'a>> {
        let Some(field) = self.fields[n] else {
            return Vec::new();
        };
        let own = (self.scoped[n] && field.selector.matches_with_scope(&item, Some(item)))
            .then_some(item);
        own.into_iter()
            .chain(item.select(&field.selector))
            .collect()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExtractError {
    #[error("the item selector matched nothing on the page")]
    NoItems,
    #[error("the item selector matched {0} elements, but none had any text or link")]
    AllEmpty(usize),
    #[error("{0}")]
    Parse(#[from] parse::ParseError),
    /// Matches nested in matches: reading each item's fields walks the items inside it again.
    #[error(
        "the item selector's {matched} matches nest inside each other: reading them would visit \
         more than {limit} nodes on a page of {nodes}; refused as too costly (make the selector \
         match only the outer or only the inner items)"
    )]
    Overlapping {
        matched: usize,
        limit: usize,
        nodes: usize,
    },
}

macro_rules! selector {
    ($css:literal) => {
        LazyLock::new(|| {
            Selector::parse($css).unwrap_or_else(|e| unreachable!("{} compiles: {e}", $css))
        })
    };
}

static TITLE: LazyLock<Selector> = selector!("head title, title");
static BASE: LazyLock<Selector> = selector!("base[href]");
static CANONICAL: LazyLock<Selector> = selector!("link[rel~=canonical][href]");
static ANCHOR: LazyLock<Selector> = selector!("a[href]");
static TIME: LazyLock<Selector> = selector!("time");

/// Split `html`, fetched from `url`, into items with the feed's selectors.
///
/// Relative links resolve against the page's `<base href>`, else `url`; a page read from a
/// file (`from_file`) resolves against its `<link rel="canonical">` where it has one.
pub fn extract(
    html: &str,
    url: &Url,
    from_file: bool,
    items: &Items,
) -> Result<Extracted, ExtractError> {
    let doc = parse::document(html)?;
    extract_from(&doc, url, from_file, items)
}

/// [`extract`] on a page that is already parsed.
pub fn extract_from(
    doc: &Html,
    url: &Url,
    from_file: bool,
    items: &Items,
) -> Result<Extracted, ExtractError> {
    let base = base_url(doc, url, from_file);
    let title = doc
        .select(&TITLE)
        .next()
        .map(|t| text::collapse(&t.text().collect::<String>()))
        .filter(|t| !t.is_empty());
    let matches: Vec<ElementRef<'_>> = doc.select(&items.select).collect();
    let matched = matches.len();
    if matched == 0 {
        return Err(ExtractError::NoItems);
    }
    check_overlap(doc, &matches)?;
    let plan = Plan::new(items);
    let mut found = Vec::with_capacity(matched);
    let mut counts = [0usize; 6];
    for element in matches {
        if let Some((item, hits)) = read_item(element, &plan, &base) {
            for (count, hit) in counts.iter_mut().zip(hits) {
                *count += usize::from(hit);
            }
            found.push(item);
        }
    }
    if found.is_empty() {
        return Err(ExtractError::AllEmpty(matched));
    }
    assign_guids(&mut found);
    let coverage = Coverage {
        items: found.len(),
        fields: FIELDS
            .iter()
            .zip(plan.fields)
            .zip(counts)
            .map(|((name, field), found)| FieldCoverage {
                name,
                selector: field.map(|f| {
                    use scraper::selector::ToCss;
                    f.selector.to_css_string()
                }),
                found,
            })
            .collect(),
    };
    Ok(Extracted {
        title,
        base,
        items: found,
        coverage,
        language: declared_language(doc, None),
    })
}

static META_LANGUAGE: LazyLock<Option<Selector>> =
    LazyLock::new(|| Selector::parse("meta[http-equiv][content]").ok());

/// The language a page declares: `<html lang>`, a `Content-Language` meta element, the
/// `Content-Language` header.
pub fn declared_language(doc: &Html, header: Option<&str>) -> Option<String> {
    let lang = doc.root_element().attr("lang").map(str::to_string);
    let meta = META_LANGUAGE.as_ref().and_then(|sel| {
        doc.select(sel)
            .find(|m| {
                m.attr("http-equiv")
                    .is_some_and(|h| h.eq_ignore_ascii_case("content-language"))
            })
            .and_then(|m| m.attr("content"))
            .map(str::to_string)
    });
    lang.or(meta)
        .or(header.map(str::to_string))
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
}

/// How many times over the page's nodes reading the items may visit them. Reading an item
/// visits the nodes inside it a few times (its text, each field's selector); items that
/// contain other items visit those again, so a page of items nested a few hundred deep would
/// cost hundreds of passes over the page.
const OVERLAP_FACTOR: usize = 8;

/// Refuse matches whose subtrees, added up, are far larger than the page.
fn check_overlap(doc: &Html, matches: &[ElementRef<'_>]) -> Result<(), ExtractError> {
    let nodes = doc.tree.nodes().len();
    let limit = OVERLAP_FACTOR * nodes + 10_000;
    // Cheap when the items do not nest: the walk stops as soon as the budget is spent.
    let mut work = 0usize;
    for m in matches {
        for _ in m.descendants() {
            work += 1;
            if work > limit {
                return Err(ExtractError::Overlapping {
                    matched: matches.len(),
                    limit,
                    nodes,
                });
            }
        }
    }
    Ok(())
}

fn base_url(doc: &Html, url: &Url, from_file: bool) -> Url {
    let join = |sel: &Selector, against: &Url| {
        doc.select(sel)
            .next()
            .and_then(|e| e.attr("href"))
            .and_then(|h| against.join(h.trim()).ok())
    };
    let start = if from_file {
        join(&CANONICAL, url).unwrap_or_else(|| url.clone())
    } else {
        url.clone()
    };
    join(&BASE, &start).unwrap_or(start)
}

/// The raw value of field `n` in `item`: the first match's attribute or text, through the
/// regex. `default_attr` is the attribute the field takes unless it names one (`href`,
/// `datetime`); `text = true` takes the text instead, and so does an element without that
/// attribute or, for `datetime`, with an empty one.
fn field_value(
    plan: &Plan<'_>,
    n: usize,
    item: ElementRef<'_>,
    default_attr: Option<&str>,
) -> Option<(String, NodeId)> {
    let field = plan.fields[n]?;
    let element = plan.first(n, item)?;
    let default_attr = default_attr.filter(|_| !field.text);
    let raw = match (&field.attr, default_attr) {
        (Some(attr), _) => element.attr(attr)?.to_string(),
        (None, Some(attr)) => match element.attr(attr) {
            Some(v) if !(attr == "datetime" && v.trim().is_empty()) => v.to_string(),
            _ => text::visible_text(element, &[]),
        },
        (None, None) => text::visible_text(element, &[]),
    };
    // Text from visible_text is collapsed already; attributes and captures are not.
    let value = match &field.regex {
        Some(re) => {
            let caps = re.captures(&raw)?;
            text::collapse(caps.get(1).or_else(|| caps.get(0))?.as_str())
        }
        None => text::collapse(&raw),
    };
    (!value.is_empty()).then_some((value, element.id()))
}

/// One item, and which fields were found in it (in [`FIELDS`] order).
fn read_item(element: ElementRef<'_>, plan: &Plan<'_>, base: &Url) -> Option<(Item, [bool; 6])> {
    let items = plan.items;
    // The date: the configured field, else a <time> (its datetime attribute, else its text).
    let (date_text, date_node) = match &items.date {
        Some(_) => field_value(plan, DATE_F, element, Some("datetime")).unzip(),
        None => element
            .select(&TIME)
            .next()
            .and_then(|t| {
                let v = t
                    .attr("datetime")
                    .map(text::collapse)
                    .filter(|v| !v.is_empty())
                    .unwrap_or_else(|| text::visible_text(t, &[]));
                (!v.is_empty()).then_some((v, t.id()))
            })
            .unzip(),
    };
    let skip: Vec<NodeId> = date_node.into_iter().collect();
    let summary = match &items.summary {
        Some(_) => field_value(plan, SUMMARY_F, element, None)
            .map(|(v, _)| v)
            .unwrap_or_default(),
        None => text::visible_text(element, &skip),
    };
    let summary_html = items
        .summary
        .as_ref()
        .filter(|f| f.html)
        .and_then(|_| plan.first(SUMMARY_F, element))
        .map(|e| crate::sanitize::html(&e.inner_html(), base))
        .filter(|h| !h.trim().is_empty());
    let link = match &items.link {
        Some(_) => field_value(plan, LINK_F, element, Some("href"))
            .and_then(|(href, _)| resolve(base, &href)),
        None => title_link(element, plan.first(TITLE_F, element), base),
    };
    let dateline = wire::dateline(&summary);
    let configured = match &items.title {
        Some(_) => field_value(plan, TITLE_F, element, None).map(|(v, _)| v),
        None => None,
    };
    // A configured title that matched nothing falls back to the derived one: the item has
    // a title, but not the one the feed asked for (selector health counts it as none).
    let titled = configured.is_some() || items.title.is_none();
    let mut title = match configured {
        Some(t) => t,
        None => derived_title(element, plan, &skip, &summary),
    };
    let title_found = if items.title.is_some() {
        titled
    } else {
        !title.is_empty()
    };
    if title.is_empty() {
        match &link {
            Some(l) => title = l.to_string(),
            None => return None,
        }
    }
    let author = match &items.author {
        Some(_) => field_value(plan, AUTHOR_F, element, None).map(|(v, _)| v),
        None => dateline.as_ref().map(|d| d.agency.clone()),
    };
    let categories = match &items.category {
        Some(_) => every_value(plan, element),
        None => dateline.map(|d| vec![d.place]).unwrap_or_default(),
    };
    let hits = [
        title_found,
        link.is_some(),
        date_text.is_some(),
        !summary.is_empty(),
        author.is_some(),
        !categories.is_empty(),
    ];
    let item = Item {
        guid: String::new(),
        title,
        link,
        summary,
        summary_html,
        date_text,
        author,
        categories,
        titled,
    };
    Some((item, hits))
}

/// The title of an item whose title is not configured or not found: the first sentence of
/// its summary, ending no later than the first block element that holds text (a headline in
/// an `<h4>` with the text in a `<p>` after it), a dateline left out. Where the summary is
/// empty (a configured summary that matched nothing), of the item's own text.
fn derived_title(
    element: ElementRef<'_>,
    plan: &Plan<'_>,
    skip: &[NodeId],
    summary: &str,
) -> String {
    let summary_field = plan.fields[SUMMARY_F];
    // Where the summary is an element's whole text, its blocks are known.
    let head = match summary_field {
        None => text::first_block_text(element, skip),
        Some(f) if f.attr.is_none() && f.regex.is_none() && !f.text => plan
            .first(SUMMARY_F, element)
            .map(|e| text::first_block_text(e, &[]))
            .unwrap_or_default(),
        Some(_) => summary.to_string(),
    };
    let head = if head.is_empty() && summary.is_empty() {
        text::first_block_text(element, skip)
    } else if head.is_empty() {
        summary.to_string()
    } else {
        head
    };
    let body = match wire::dateline(&head) {
        Some(d) => &head[d.len..],
        None => head.as_str(),
    };
    wire::first_sentence(body)
}

/// Every match of the category field, each through the regex, without repeats.
fn every_value(plan: &Plan<'_>, item: ElementRef<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let Some(field) = plan.fields[CATEGORY_F] else {
        return out;
    };
    for element in plan.every(CATEGORY_F, item) {
        let raw = match &field.attr {
            Some(a) => element.attr(a).map(str::to_string),
            None => Some(text::visible_text(element, &[])),
        };
        let value = raw.and_then(|raw| match &field.regex {
            Some(re) => re
                .captures(&raw)
                .and_then(|c| c.get(1).or_else(|| c.get(0)))
                .map(|m| m.as_str().to_string()),
            None => Some(raw),
        });
        if let Some(v) = value.map(|v| text::collapse(&v)).filter(|v| !v.is_empty())
            && !out.contains(&v)
        {
            out.push(v);
        }
    }
    out
}

/// The link of an item where none is configured: the link a reader wants, the one that
/// carries its title. The item's own `href` where the item is a link; else the link around or
/// inside the configured title; else the first link with text (an image link only where no
/// link has text). Never an action ([`is_action`]: a vote, a "hide", a share or login link, a
/// URL with a session token).
fn title_link(element: ElementRef<'_>, title: Option<ElementRef<'_>>, base: &Url) -> Option<Url> {
    let usable = |a: ElementRef<'_>| {
        a.attr("href")
            .and_then(|h| resolve(base, h))
            .filter(|u| !is_action(u))
    };
    if element.value().name() == "a" && element.attr("href").is_some() {
        return usable(element);
    }
    // The title inside a link, or a link inside the title.
    if let Some(t) = title {
        let around = t
            .ancestors()
            .take_while(|n| n.id() != element.id())
            .filter_map(ElementRef::wrap)
            .find(|a| a.value().name() == "a");
        let inside = t.select(&ANCHOR).next();
        if let Some(u) = around.or(inside).and_then(usable) {
            return Some(u);
        }
    }
    let mut image_only = None;
    for a in element.select(&ANCHOR).take(MAX_LINKS_LOOKED_AT) {
        let Some(u) = usable(a) else {
            continue;
        };
        if a.text().any(|t| t.chars().any(char::is_alphanumeric)) {
            return Some(u);
        }
        image_only.get_or_insert(u);
    }
    image_only
}

/// Links of one item looked at for its link: a list item holds a handful.
const MAX_LINKS_LOOKED_AT: usize = 64;

/// Words of a URL's path or query that make a link an action on the site, not a page to
/// read: voting, flagging, hiding, sharing, logging in, replying, editing.
const ACTIONS: &[&str] = &[
    "vote",
    "upvote",
    "downvote",
    "flag",
    "hide",
    "unhide",
    "share",
    "sharer",
    "login",
    "logout",
    "signin",
    "signup",
    "register",
    "reply",
    "edit",
    "delete",
    "report",
    "subscribe",
    "favorite",
    "fave",
    "bookmark",
    "like",
];

/// Query keys that carry a session or an authorisation: a link with one is no page to publish.
const SECRETS: &[&str] = &[
    "auth",
    "token",
    "access_token",
    "session",
    "sessionid",
    "sid",
    "phpsessid",
    "jsessionid",
    "csrf",
    "csrf_token",
    "xsrf",
    "nonce",
    "api_key",
    "apikey",
];

/// Whether a link is an action on the site (vote, hide, share, login, reply…) or carries a
/// session or authorisation token, rather than a page a reader can open.
pub fn is_action(url: &Url) -> bool {
    let word = |s: &str| {
        let s = s.to_ascii_lowercase();
        let stem = s.split(['.', ';']).next().unwrap_or("");
        ACTIONS.contains(&stem)
    };
    if url.path_segments().is_some_and(|mut p| p.any(word)) {
        return true;
    }
    if url.path().to_ascii_lowercase().contains(";jsessionid=") {
        return true;
    }
    url.query_pairs().any(|(k, v)| {
        let k = k.to_ascii_lowercase();
        SECRETS.contains(&k.as_str()) || (matches!(k.as_str(), "action" | "how") && !v.is_empty())
    })
}

/// An absolute http(s) link, or none for hrefs that lead nowhere a reader can follow. Only
/// http(s) is published: a `file:` link names a file on the machine that read the page
/// (relative links on a file page without a canonical link resolve to such), and
/// `javascript:`, `data:` and `mailto:` are not items.
fn resolve(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let url = base.join(href).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// Guids: the link where no other item on the page has it, else a digest of the item's
/// stable text (title, summary, link — never its date text), numbered where items repeat.
fn assign_guids(items: &mut [Item]) {
    let mut links: HashMap<&str, usize> = HashMap::new();
    for item in items.iter() {
        if let Some(l) = &item.link {
            *links.entry(l.as_str()).or_default() += 1;
        }
    }
    let unique: Vec<bool> = items
        .iter()
        .map(|i| {
            i.link
                .as_ref()
                .is_some_and(|l| links.get(l.as_str()) == Some(&1))
        })
        .collect();
    let mut seen: HashMap<[u8; 16], usize> = HashMap::new();
    for (item, unique) in items.iter_mut().zip(unique) {
        if unique && let Some(l) = &item.link {
            item.guid = l.to_string();
            continue;
        }
        let stable = [
            item.title.as_str(),
            item.summary.as_str(),
            item.link.as_ref().map_or("", Url::as_str),
        ];
        let first = digest(&stable, 0);
        let n = seen.entry(first).or_default();
        *n += 1;
        // The second and later items with the same text are told apart by their rank.
        let id = if *n == 1 { first } else { digest(&stable, *n) };
        item.guid = uuid_urn(id);
    }
}

/// 16 bytes of SHA-256 over the parts (and the rank, after the first).
fn digest(parts: &[&str], rank: usize) -> [u8; 16] {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0u8]);
    }
    if rank > 0 {
        hash.update(rank.to_le_bytes());
    }
    let mut id = [0u8; 16];
    id.copy_from_slice(&hash.finalize()[..16]);
    id
}

/// A digest as a `urn:uuid:` (RFC 9562 version 8, the form for UUIDs made by one's own
/// hashing): an id every feed validator and reader takes.
fn uuid_urn(mut id: [u8; 16]) -> String {
    id[6] = (id[6] & 0x0f) | 0x80;
    id[8] = (id[8] & 0x3f) | 0x80;
    let h = hex::encode(id);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Order;

    fn items(select: &str) -> Items {
        Items {
            select: Selector::parse(select).expect("selector"),
            title: None,
            link: None,
            summary: None,
            date: None,
            author: None,
            category: None,
            order: Order::NewestFirst,
        }
    }

    fn field(css: &str) -> Option<Field> {
        Some(Field {
            selector: Selector::parse(css).expect("selector"),
            attr: None,
            regex: None,
            html: false,
            text: false,
        })
    }

    fn url(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn defaults_take_text_link_time_and_dateline() {
        let html = r#"<html><head><title> The  page </title></head><body><ul>
          <li><a href="/a/1"><p>PARIS (AFP) - First sentence here. Second one.</p></a>
              <time datetime="2026-03-04T10:00:00Z">3 hours ago</time></li>
          <li><a href="b/2">Plain item without end</a><span>x</span><div>y</div></li>
        </ul></body></html>"#;
        let out = extract(
            html,
            &url("https://site.example/news/"),
            false,
            &items("li"),
        )
        .expect("items");
        assert_eq!(out.title.as_deref(), Some("The page"));
        let a = &out.items[0];
        assert_eq!(a.title, "First sentence here.");
        assert_eq!(a.summary, "PARIS (AFP) - First sentence here. Second one.");
        assert_eq!(a.date_text.as_deref(), Some("2026-03-04T10:00:00Z"));
        assert_eq!(a.author.as_deref(), Some("AFP"));
        assert_eq!(a.categories, vec!["PARIS"]);
        assert_eq!(a.guid, "https://site.example/a/1");
        let b = &out.items[1];
        assert_eq!(
            b.link.as_ref().map(Url::as_str),
            Some("https://site.example/news/b/2")
        );
        assert_eq!(
            b.summary, "Plain item without endx y",
            "inline elements join, blocks separate"
        );
        assert_eq!(b.date_text, None);
    }

    #[test]
    fn base_and_canonical_decide_where_links_point() {
        let html = r#"<html><head><base href="https://cdn.example/x/"><link rel="canonical" href="https://real.example/page"></head>
            <body><li><a href="y">t</a></li></body></html>"#;
        let from_http =
            extract(html, &url("https://site.example/"), false, &items("li")).expect("items");
        assert_eq!(from_http.items[0].guid, "https://cdn.example/x/y");
        let html = r#"<link rel="canonical" href="https://real.example/dir/page"><li><a href="y">t</a></li>"#;
        let from_file =
            extract(html, &url("file:///tmp/page.html"), true, &items("li")).expect("items");
        assert_eq!(from_file.items[0].guid, "https://real.example/dir/y");
        let from_http =
            extract(html, &url("https://site.example/z"), false, &items("li")).expect("items");
        assert_eq!(from_http.items[0].guid, "https://site.example/y");
    }

    #[test]
    fn only_http_links_are_published() {
        let html = r#"<li><a href="file:///etc/passwd">a</a></li>
            <li><a href="FILE:///etc/shadow">b</a></li>
            <li><a href="javascript:alert(1)">c</a></li>
            <li><a href="mailto:x@example.org">d</a></li>
            <li><a href="HTTPS://Site.Example/e">e</a></li>"#;
        let got = extract(html, &url("http://site.example/"), false, &items("li")).expect("items");
        let links: Vec<Option<&str>> = got
            .items
            .iter()
            .map(|i| i.link.as_ref().map(Url::as_str))
            .collect();
        assert_eq!(
            links,
            [None, None, None, None, Some("https://site.example/e")]
        );
        for item in &got.items[..4] {
            assert!(item.guid.starts_with("urn:uuid:"), "{}", item.guid);
        }
        // A page read from a file without a canonical link: its relative links would be
        // file: URLs, so its items have none.
        let html = r#"<li><a href="other.html">a</a></li>"#;
        let got = extract(html, &url("file:///tmp/page.html"), true, &items("li")).expect("items");
        assert_eq!(got.items[0].link, None);
        assert!(got.items[0].guid.starts_with("urn:uuid:"));
    }

    #[test]
    fn configured_fields_attr_and_regex() {
        let html = r#"<div class="i"><h3> Head  line </h3><a class="more" href="/x">more</a>
            <span class="t" data-ts="1741082400">x</span><b class="tag">A</b><b class="tag">B</b><b class="tag">A</b>
            <em>by Jan</em></div>"#;
        let mut cfg = items("div.i");
        cfg.title = field("h3");
        cfg.link = field("a.more");
        cfg.date = Some(Field {
            selector: Selector::parse("span.t").expect("selector"),
            attr: Some("data-ts".into()),
            regex: None,
            html: false,
            text: false,
        });
        cfg.category = field("b.tag");
        cfg.author = Some(Field {
            selector: Selector::parse("em").expect("selector"),
            attr: None,
            regex: Some(regex::Regex::new(r"by (\w+)").expect("regex")),
            html: false,
            text: false,
        });
        let out = extract(html, &url("https://s.example/"), false, &cfg).expect("items");
        let i = &out.items[0];
        assert_eq!(i.title, "Head line");
        assert_eq!(i.date_text.as_deref(), Some("1741082400"));
        assert_eq!(i.categories, vec!["A", "B"]);
        assert_eq!(i.author.as_deref(), Some("Jan"));
        assert_eq!(
            i.link.as_ref().map(Url::as_str),
            Some("https://s.example/x")
        );
    }

    #[test]
    fn guids_fall_back_to_digests_of_stable_text() {
        let page = |time: &str| {
            format!(
                r#"<li><a href="/same">One.</a><time>{time}</time></li><li><a href="/same">Two.</a><time>{time}</time></li><li>Two.</li><li>Two.</li>"#
            )
        };
        let a = extract(
            &page("1 uur geleden"),
            &url("https://s.example/"),
            false,
            &items("li"),
        )
        .expect("items");
        let b = extract(
            &page("2 uur geleden"),
            &url("https://s.example/"),
            false,
            &items("li"),
        )
        .expect("items");
        let guids: Vec<&str> = a.items.iter().map(|i| i.guid.as_str()).collect();
        assert!(
            guids
                .iter()
                .all(|g| g.starts_with("urn:uuid:") && g.len() == 45 && g.as_bytes()[23] == b'8'),
            "{guids:?}"
        );
        let mut unique = guids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 4, "guids are unique: {guids:?}");
        assert_eq!(
            guids,
            b.items.iter().map(|i| i.guid.as_str()).collect::<Vec<_>>(),
            "the date text never changes a guid"
        );
    }

    #[test]
    fn an_html_summary_keeps_sanitised_markup_beside_its_text() {
        let html = r#"<li><h3>Head</h3><div class="teaser"><p>Some <b>bold</b> &lt;i&gt; <a href="/more" onclick="x()">more</a></p><script>alert(1)</script><img src=x onerror=alert(2)></div></li>"#;
        let mut cfg = items("li");
        cfg.title = field("h3");
        cfg.summary = Some(Field {
            selector: Selector::parse("div.teaser").expect("selector"),
            attr: None,
            regex: None,
            html: true,
            text: false,
        });
        let out = extract(html, &url("https://s.example/n/"), false, &cfg).expect("items");
        let i = &out.items[0];
        assert_eq!(i.summary, "Some bold <i> more");
        assert_eq!(
            i.summary_html.as_deref(),
            Some(
                r#"<p>Some <b>bold</b> &lt;i&gt; <a href="https://s.example/more" rel="noopener noreferrer">more</a></p><img src="https://s.example/n/x">"#
            )
        );
        cfg.summary = field("div.teaser");
        let out = extract(html, &url("https://s.example/n/"), false, &cfg).expect("items");
        assert_eq!(out.items[0].summary_html, None, "text only unless asked");
    }

    #[test]
    fn no_match_is_an_error() {
        assert_eq!(
            extract("<p>x</p>", &url("https://s.example/"), false, &items("li"))
                .map(|e| e.items.len()),
            Err(ExtractError::NoItems)
        );
        assert_eq!(
            extract(
                "<li> </li>",
                &url("https://s.example/"),
                false,
                &items("li")
            )
            .map(|e| e.items.len()),
            Err(ExtractError::AllEmpty(1))
        );
    }

    #[test]
    fn scripts_never_reach_the_text() {
        let out = extract(
            "<li><script>var x = 1;</script><style>p{}</style>Visible <b>text</b><br>more</li>",
            &url("https://s.example/"),
            false,
            &items("li"),
        )
        .expect("items");
        assert_eq!(out.items[0].summary, "Visible text more");
    }

    fn scoped(css: &str) -> Option<Field> {
        field(css)
    }

    #[test]
    fn a_derived_title_ends_with_the_first_block_that_holds_text() {
        let html = r#"<li><a href="/1"><h4>Kop zonder punt</h4><p>De tekst. Meer.</p></a></li>
            <li><a href="/2"><span>Sport</span><h3>Kop</h3><p>Tekst.</p></a></li>
            <li><a href="/3">Heel lang. Tweede zin<div>blok</div></a></li>
            <li><a href="/4"><time>1 uur geleden</time><h4>Na de tijd</h4><p>x</p></a></li>
            <li><a href="/5"><p>PARIS (AFP) - Eerste zin hier. Tweede.</p></a></li>"#;
        let out = extract(html, &url("https://s.example/"), false, &items("li")).expect("items");
        let titles: Vec<&str> = out.items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Kop zonder punt",
                "Sport Kop",
                "Heel lang.",
                "Na de tijd",
                "Eerste zin hier."
            ]
        );
        assert_eq!(out.items[0].summary, "Kop zonder punt De tekst. Meer.");
        // In a configured summary, its own first block.
        let mut cfg = items("li");
        cfg.summary = field("a");
        let out = extract(html, &url("https://s.example/"), false, &cfg).expect("items");
        assert_eq!(out.items[0].title, "Kop zonder punt");
    }

    #[test]
    fn a_configured_title_that_misses_falls_back_to_the_text_not_the_link() {
        let html = r#"<li><h3>Kop</h3><a href="/1">Tekst een. Meer.</a></li>
            <li><a href="/2">Tekst twee. Meer.</a></li>
            <li><a href="/3"><img src="x.png"></a></li>"#;
        let mut cfg = items("li");
        cfg.title = field("h3");
        let out = extract(html, &url("https://s.example/"), false, &cfg).expect("items");
        let got: Vec<(&str, bool)> = out
            .items
            .iter()
            .map(|i| (i.title.as_str(), i.titled))
            .collect();
        assert_eq!(
            got,
            [
                ("Kop", true),
                ("Tekst twee.", false),
                ("https://s.example/3", false)
            ]
        );
        // A configured summary that misses: the item's own text.
        cfg.summary = field("p.none");
        let out = extract(html, &url("https://s.example/"), false, &cfg).expect("items");
        assert_eq!(out.items[1].title, "Tekst twee.");
        // Without a configured title, every title is the one asked for.
        let out = extract(html, &url("https://s.example/"), false, &items("li")).expect("items");
        assert!(out.items.iter().all(|i| i.titled));
    }

    #[test]
    fn coverage_counts_the_items_each_field_was_found_in() {
        let html = r#"<li><h3>A</h3><a href="/a">a</a><time datetime="2026-03-04T10:00:00Z">x</time></li>
            <li><h3>B</h3><a href="/b">b</a></li>
            <li><a href="/c">c</a></li>"#;
        let mut cfg = items("li");
        cfg.title = field("h3");
        cfg.date = field("time");
        cfg.author = field("em");
        let out = extract(html, &url("https://s.example/"), false, &cfg).expect("items");
        let c = &out.coverage;
        assert_eq!(c.items, 3);
        let found: Vec<(&str, Option<&str>, usize)> = c
            .fields
            .iter()
            .map(|f| (f.name, f.selector.as_deref(), f.found))
            .collect();
        assert_eq!(
            found,
            [
                ("title", Some("h3"), 2),
                ("link", None, 3),
                ("date", Some("time"), 1),
                ("summary", None, 3),
                ("author", Some("em"), 0),
                ("category", None, 0)
            ]
        );
        assert_eq!(
            c.misses(),
            [
                "title \"h3\" matched 2 of 3 items; titles fall back to the first sentence",
                "date \"time\" matched 1 of 3 items; those items are published when first seen",
                "author \"em\" matched 0 of 3 items; those items have no author"
            ]
        );
        assert_eq!(c.key(), "title:some,date:some,author:none");
        cfg.author = None;
        cfg.date = None;
        cfg.title = field("a");
        let out = extract(html, &url("https://s.example/"), false, &cfg).expect("items");
        assert_eq!(
            out.coverage.key(),
            "",
            "every configured field in every item"
        );
        assert!(out.coverage.misses().is_empty());
    }

    #[test]
    fn scope_is_the_item_itself() {
        let html =
            r#"<a class="card" href="/1">Een kaart</a><a class="card" href="/2"><b>Twee</b></a>"#;
        let mut cfg = items("a.card");
        cfg.title = scoped(":scope");
        cfg.link = scoped(":scope");
        cfg.category = scoped(":scope, b");
        let out = extract(html, &url("https://s.example/"), false, &cfg).expect("items");
        let got: Vec<(&str, Option<&str>)> = out
            .items
            .iter()
            .map(|i| (i.title.as_str(), i.link.as_ref().map(Url::as_str)))
            .collect();
        assert_eq!(
            got,
            [
                ("Een kaart", Some("https://s.example/1")),
                ("Twee", Some("https://s.example/2"))
            ]
        );
        assert_eq!(out.items[1].categories, ["Twee"]);
        assert!(out.coverage.misses().is_empty(), "{:?}", out.coverage);
        // `:scope > b` keeps its meaning; a plain selector never matches the item itself.
        cfg.title = scoped(":scope > b");
        cfg.link = field("a");
        let out = extract(html, &url("https://s.example/"), false, &cfg).expect("items");
        assert_eq!(out.items[1].title, "Twee");
        assert_eq!(out.items[0].link, None, "a plain `a` is looked for inside");
        // scraper itself does not match :scope against the element it selects from.
        let doc = Html::parse_fragment(html);
        let card = doc
            .select(&Selector::parse("a").expect("css"))
            .next()
            .expect("a");
        assert!(
            card.select(&Selector::parse(":scope").expect("css"))
                .next()
                .is_none()
        );
    }

    #[test]
    fn an_empty_datetime_falls_back_to_the_text_and_text_can_be_asked_for() {
        let html = r#"<li><a href="/1">a</a><time datetime="">3 uur geleden</time></li>
            <li><a href="/2">b</a><time datetime=" ">gisteren</time></li>
            <li><a href="/3">c</a><time datetime="2026-03-04T10:00:00Z">vandaag</time></li>"#;
        let mut cfg = items("li");
        cfg.date = field("time");
        let out = extract(html, &url("https://s.example/"), false, &cfg).expect("items");
        let dates: Vec<Option<&str>> = out.items.iter().map(|i| i.date_text.as_deref()).collect();
        assert_eq!(
            dates,
            [
                Some("3 uur geleden"),
                Some("gisteren"),
                Some("2026-03-04T10:00:00Z")
            ]
        );
        cfg.date = Some(Field {
            text: true,
            ..field("time").expect("field")
        });
        let out = extract(html, &url("https://s.example/"), false, &cfg).expect("items");
        assert_eq!(out.items[2].date_text.as_deref(), Some("vandaag"));
        // The default <time> reads the same way.
        let out = extract(html, &url("https://s.example/"), false, &items("li")).expect("items");
        assert_eq!(out.items[0].date_text.as_deref(), Some("3 uur geleden"));
    }

    #[test]
    fn actions_and_session_links_are_no_item_links() {
        let u = |s: &str| Url::parse(s).expect("url");
        for action in [
            "https://f.example/vote?id=1&how=up&auth=abc",
            "https://f.example/hide?id=1",
            "https://f.example/story/7?token=x",
            "https://f.example/login?goto=item",
            "https://f.example/a/b;jsessionid=0F3A?x=1",
            "https://f.example/reply/12",
            "https://f.example/item?action=flag",
        ] {
            assert!(is_action(&u(action)), "{action}");
        }
        for page in [
            "https://f.example/item?id=1",
            "https://f.example/story/the-vote-that-was",
            "https://f.example/things-i-like",
            "https://f.example/news/2026/03/04/share-prices-fall",
        ] {
            assert!(!is_action(&u(page)), "{page}");
        }
    }

    #[test]
    fn the_title_link_is_the_link_and_a_symbol_is_no_title() {
        let html = r#"<table><tr class="r"><td><a href="vote?id=1&how=up">▲</a></td><td><span class="t"><a href="https://s.example/1">One story</a></span> <a href="https://s.example/from?site=x">(s.example)</a></td></tr></table>"#;
        let out =
            extract(html, &url("https://s.example/list"), false, &items("tr.r")).expect("items");
        assert_eq!(
            out.items[0].link.as_ref().map(Url::as_str),
            Some("https://s.example/1")
        );
        assert!(
            out.items[0].title.starts_with("One story"),
            "{}",
            out.items[0].title
        );
        let mut cfg = items("tr.r");
        cfg.title = field("span.t");
        let out = extract(html, &url("https://s.example/list"), false, &cfg).expect("items");
        assert_eq!(
            out.items[0].link.as_ref().map(Url::as_str),
            Some("https://s.example/1")
        );
    }
}
