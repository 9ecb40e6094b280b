//! `pagefeed suggest`: find a page's item lists and propose the `[[feed]]` that reads them.
//!
//! Detection is hand-written: no Rust crate finds the list of items on a page. It follows
//! what feed generators that guess selectors do (rss-proxy and feedless group siblings by
//! tag and class path and score them; html2rss looks for `<article>`s and repeated `<li>`s
//! and `<div>`s with links; readability scores content against menus and sidebars):
//!
//! 1. [`candidates`]: every set of elements sharing a tag and the tag-and-class path above
//!    them is a group (plus its per-parent and per-class subsets);
//! 2. [`score`]: each group is scored on a sample of its items — text, links, headings, one
//!    shared structure, dates the date reader reads, and where it sits (menus, footers,
//!    sidebars and "most read" boxes lose);
//! 3. groups that are the same items at two depths (`li` and the `a` inside each) are one;
//! 4. for the best few, [`selector`] writes the item selector and [`fields`] the field
//!    selectors, and the real extractor runs with them: the samples shown and the count are
//!    exactly what a poll will publish;
//! 5. the date language is the one that reads most of the date texts, the page's own
//!    (`<html lang>`, `Content-Language`) breaking ties.
//!
//! Everything is bounded: the page is parsed with the bounded parser, at most
//! [`candidates::MAX_GROUPS`] groups are scored on at most [`score::SAMPLE`] items each, and
//! only the best [`DATED`] are read for dates.

pub mod candidates;
pub mod fields;
pub mod output;
pub mod score;
pub mod selector;

use crate::config::{Field, Items};
use crate::dates::{self, Context, Language, Rounding};
use crate::extract;
use crate::fetch::{FetchOptions, Fetched, Fetcher, Source};
use crate::text;
use crate::timeline::Order;
use chrono::{DateTime, Utc};
use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};
use std::path::PathBuf;
use std::sync::LazyLock;
use url::Url;

pub use fields::Proposal;
pub use score::Part;

/// Groups read for dates after the first ranking.
pub const DATED: usize = 25;

/// Candidates proposed at most.
pub const SHOWN: usize = 5;

/// Samples shown per candidate.
pub const SAMPLES: usize = 3;

/// What the command was asked.
#[derive(Debug, Clone)]
pub struct Options {
    /// http(s) URL, file:// URL or path.
    pub url: String,
    pub json: bool,
    /// 1-based.
    pub pick: usize,
    pub id: Option<String>,
    pub add: Option<PathBuf>,
    /// The moment the page counts as fetched [default: the response's Date, else the clock].
    pub now: Option<DateTime<Utc>>,
    /// `--render`: load the page in the browser first (a page that builds its list with
    /// JavaScript); the block proposed then says `render = "browser"`.
    pub render: bool,
}

/// One item as the feed would publish it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub title: String,
    pub link: Option<String>,
    pub date_text: Option<String>,
    pub published: Option<DateTime<Utc>>,
}

/// One proposed list.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub score: f64,
    pub parts: Vec<Part>,
    /// Items the selectors give on the page.
    pub count: usize,
    pub select: String,
    pub fields: Proposal,
    pub language: Option<Language>,
    pub samples: Vec<Sample>,
    /// Every item's link, in page order.
    pub links: Vec<Option<String>>,
}

/// What a page gives.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The page's `<title>`.
    pub title: Option<String>,
    /// The language the page declares (`<html lang>`, else `Content-Language`), as given.
    pub declared: Option<String>,
    pub candidates: Vec<Candidate>,
}

static TITLE: LazyLock<Option<Selector>> = LazyLock::new(|| Selector::parse("title").ok());
/// The date language among pagefeed's that a declared tag ("de-AT", "fr, en") names.
fn supported(declared: Option<&str>) -> Option<Language> {
    let first = declared?.split([',', ';']).next()?.trim();
    let primary = first.split(['-', '_']).next()?;
    Language::from_code(primary)
}

/// The language that reads the most of `texts`; the declared one where it reads as many;
/// None where none reads any, or all read all of them and the page declares nothing.
pub fn date_language(
    texts: &[String],
    declared: Option<Language>,
    now: DateTime<Utc>,
) -> Option<Language> {
    if texts.is_empty() {
        return declared;
    }
    let counts: Vec<(Language, usize)> = Language::all()
        .iter()
        .map(|l| {
            let langs = [*l];
            let ctx = Context {
                now,
                timezone: chrono_tz::UTC,
                languages: &langs,
                rounding: Rounding::Floor,
            };
            (
                *l,
                texts
                    .iter()
                    .filter(|t| dates::read(t, &ctx).is_ok())
                    .count(),
            )
        })
        .collect();
    let best = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    if best == 0 {
        return declared;
    }
    if let Some(d) = declared
        && counts.iter().any(|(l, n)| *l == d && *n == best)
    {
        return Some(d);
    }
    if counts.iter().all(|(_, n)| *n == best) {
        return None; // machine dates: any language reads them
    }
    counts.iter().find(|(_, n)| *n == best).map(|(l, _)| *l)
}

fn element(doc: &Html, id: NodeId) -> Option<ElementRef<'_>> {
    doc.tree.get(id).and_then(ElementRef::wrap)
}

/// Elements that can stand for an item by their tag.
fn item_like(e: ElementRef<'_>) -> bool {
    const WORDS: &[&str] = &[
        "item", "post", "entry", "story", "teaser", "card", "result", "thread", "article",
        "release", "episode", "news", "row",
    ];
    matches!(e.value().name(), "li" | "article" | "tr" | "a")
        || e.value()
            .classes()
            .flat_map(fields::tokens)
            .any(|t| WORDS.contains(&t.as_str()))
}

/// Whether `a` and `b` are the same items at two depths: as many, each of one inside the
/// matching one of the other. Some(true) where `a` holds `b`.
fn nested(doc: &Html, a: &[NodeId], b: &[NodeId]) -> Option<bool> {
    if a.len() != b.len() || a == b {
        return None;
    }
    let inside = |outer: &NodeId, inner: &NodeId| {
        element(doc, *inner).is_some_and(|i| i.ancestors().any(|x| x.id() == *outer))
    };
    if a.iter().zip(b).all(|(x, y)| inside(x, y)) {
        Some(true)
    } else if a.iter().zip(b).all(|(x, y)| inside(y, x)) {
        Some(false)
    } else {
        None
    }
}

/// Whether two groups are mostly the same elements (a list and its class subset).
fn overlapping(a: &[NodeId], b: &[NodeId]) -> bool {
    let small = a.len().min(b.len());
    let b: std::collections::HashSet<&NodeId> = b.iter().collect();
    let shared = a.iter().filter(|x| b.contains(x)).count();
    shared * 10 >= small * 7
}

fn item_like_group(doc: &Html, s: &Scored) -> bool {
    s.members
        .first()
        .and_then(|id| element(doc, *id))
        .is_some_and(item_like)
}

/// Whether the outer items are mere wrappers of the inner ones: no text of their own
/// outside them (a date or a summary beside a link makes the outer one the item).
fn wrapper(doc: &Html, outer: &[NodeId], inner: &[NodeId]) -> bool {
    let len =
        |id: &NodeId| element(doc, *id).map_or(0, |e| text::visible_text(e, &[]).chars().count());
    let sample = outer.len().min(score::SAMPLE);
    let (o, i): (usize, usize) = outer[..sample]
        .iter()
        .zip(&inner[..sample])
        .fold((0, 0), |(o, i), (x, y)| (o + len(x), i + len(y)));
    i * 100 >= o * 95
}

struct Scored {
    members: Vec<NodeId>,
    measure: score::Measure,
    score: f64,
    parts: Vec<Part>,
    order: usize,
}

fn rank(list: &mut [Scored]) {
    list.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.order.cmp(&b.order))
            .then(a.members.len().cmp(&b.members.len()))
    });
}

/// Find and rank the page's lists.
pub fn analyse(
    doc: &Html,
    url: &Url,
    from_file: bool,
    header_language: Option<&str>,
    now: DateTime<Utc>,
) -> Analysis {
    let title = TITLE
        .as_ref()
        .and_then(|sel| doc.select(sel).next())
        .map(|t| text::collapse(&t.text().collect::<String>()))
        .filter(|t| !t.is_empty());
    let declared = crate::extract::declared_language(doc, header_language);
    let mut groups = candidates::find(doc, candidates::MIN_ITEMS);
    if groups.is_empty() {
        groups = candidates::find(doc, 2);
    }
    let mut scored: Vec<Scored> = groups
        .into_iter()
        .map(|g| {
            let items: Vec<ElementRef<'_>> = g
                .members
                .iter()
                .filter_map(|id| element(doc, *id))
                .collect();
            let measure = score::measure(&items);
            let (score, parts) = score::score(&measure);
            Scored {
                members: g.members,
                measure,
                score,
                parts,
                order: g.order,
            }
        })
        .collect();
    rank(&mut scored);
    let ctx = Context {
        now,
        timezone: chrono_tz::UTC,
        languages: &[],
        rounding: Rounding::Floor,
    };
    for s in scored.iter_mut().take(DATED) {
        let items: Vec<ElementRef<'_>> = s
            .members
            .iter()
            .filter_map(|id| element(doc, *id))
            .collect();
        score::dated(&mut s.measure, &items, &ctx);
        (s.score, s.parts) = score::score(&s.measure);
    }
    scored.truncate(DATED);
    rank(&mut scored);
    // The same items at two depths are one candidate: the item-like one, else the outer.
    let mut kept: Vec<Scored> = Vec::new();
    'next: for s in scored {
        for k in kept.iter_mut() {
            if k.members == s.members || overlapping(&k.members, &s.members) {
                continue 'next;
            }
            if let Some(k_holds) = nested(doc, &k.members, &s.members) {
                let (outer, inner) = if k_holds { (&*k, &s) } else { (&s, &*k) };
                let prefer_inner = wrapper(doc, &outer.members, &inner.members)
                    && item_like_group(doc, inner)
                    && !item_like_group(doc, outer);
                let keep_new = if k_holds { prefer_inner } else { !prefer_inner };
                if keep_new {
                    k.members = s.members;
                }
                continue 'next;
            }
        }
        kept.push(s);
    }
    let declared_lang = supported(declared.as_deref());
    let mut out: Vec<Candidate> = Vec::new();
    for s in kept {
        if out.len() >= SHOWN {
            break;
        }
        if let Some(c) = propose(doc, url, from_file, &s, declared_lang, now)
            && !out.iter().any(|o| o.select == c.select)
        {
            out.push(c);
        }
    }
    Analysis {
        title,
        declared,
        candidates: out,
    }
}

fn field(css: &Option<String>) -> Option<Field> {
    let selector = Selector::parse(css.as_deref()?).ok()?;
    Some(Field {
        selector,
        attr: None,
        regex: None,
        html: false,
        text: false,
    })
}

/// Selectors for one group, run through the extractor.
fn propose(
    doc: &Html,
    url: &Url,
    from_file: bool,
    s: &Scored,
    declared: Option<Language>,
    now: DateTime<Utc>,
) -> Option<Candidate> {
    let items: Vec<ElementRef<'_>> = s
        .members
        .iter()
        .filter_map(|id| element(doc, *id))
        .collect();
    let (select, selector) = selector::item_selector(doc, &items)?;
    let ctx = Context {
        now,
        timezone: chrono_tz::UTC,
        languages: &[],
        rounding: Rounding::Floor,
    };
    let proposal = fields::propose(&items, &ctx);
    let config = Items {
        select: selector,
        title: field(&proposal.title),
        link: field(&proposal.link),
        summary: field(&proposal.summary),
        date: field(&proposal.date),
        author: field(&proposal.author),
        category: None,
        order: Order::NewestFirst,
    };
    let extracted = extract::extract_from(doc, url, from_file, &config).ok()?;
    let texts: Vec<String> = extracted
        .items
        .iter()
        .filter_map(|i| i.date_text.clone())
        .collect();
    let language = date_language(&texts, declared, now);
    let langs: Vec<Language> = language.into_iter().collect();
    let read = Context {
        now,
        timezone: chrono_tz::UTC,
        languages: &langs,
        rounding: Rounding::Floor,
    };
    let samples = extracted
        .items
        .iter()
        .take(SAMPLES)
        .map(|i| Sample {
            title: i.title.clone(),
            link: i.link.as_ref().map(|l| l.to_string()),
            date_text: i.date_text.clone(),
            published: i
                .date_text
                .as_deref()
                .and_then(|t| dates::read(t, &read).ok())
                .map(|r| r.point),
        })
        .collect();
    Some(Candidate {
        score: s.score,
        parts: s.parts.clone(),
        count: extracted.items.len(),
        select,
        fields: proposal,
        language,
        samples,
        links: extracted
            .items
            .iter()
            .map(|i| i.link.as_ref().map(|l| l.to_string()))
            .collect(),
    })
}

/// A feed id from the page's address: host without `www.` and its last label, then the
/// path's words: `https://www.example.com/news/world.html` → `example-news-world`.
pub fn derive_id(source: &Source) -> String {
    let raw = match source {
        Source::Http(url) => {
            let host = url.host_str().unwrap_or("");
            let host = host.strip_prefix("www.").unwrap_or(host);
            let labels: Vec<&str> = host.split('.').collect();
            let host = if labels.len() > 1 && !labels.iter().all(|l| l.parse::<u8>().is_ok()) {
                labels[..labels.len() - 1].join("-")
            } else {
                host.to_string()
            };
            let path: Vec<&str> = url
                .path_segments()
                .map(|s| s.filter(|p| !p.is_empty()).collect())
                .unwrap_or_default();
            let path: Vec<&str> = path
                .iter()
                .map(|p| p.split('.').next().unwrap_or(p))
                .filter(|p| !matches!(*p, "index" | ""))
                .collect();
            std::iter::once(host.as_str())
                .chain(path)
                .collect::<Vec<_>>()
                .join("-")
        }
        Source::File(path) => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    slug(&raw)
}

/// `[a-z0-9][a-z0-9_-]*`, at most 48 characters, cut at a dash.
fn slug(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_matches('-').to_string();
    if out.len() > 48 {
        let cut = out[..48].rfind('-').unwrap_or(48);
        out.truncate(cut);
    }
    if out.is_empty() {
        "feed".to_string()
    } else {
        out
    }
}

/// The `url` to write in the block: the address as given, a path made absolute.
fn url_value(source: &Source) -> String {
    match source {
        Source::Http(url) => url.to_string(),
        Source::File(path) => path.display().to_string(),
    }
}

/// The feed a candidate makes.
#[derive(Debug, Clone)]
pub struct Block {
    pub id: String,
    pub url: String,
    pub title: Option<String>,
    pub language: Option<Language>,
    pub select: String,
    pub fields: Proposal,
    /// The page was rendered in the browser: the feed says `render = "browser"`.
    pub rendered: bool,
}

impl Block {
    pub fn new(id: &str, source: &Source, analysis: &Analysis, c: &Candidate) -> Block {
        Block {
            id: id.to_string(),
            url: url_value(source),
            title: analysis.title.clone(),
            language: c.language,
            select: c.select.clone(),
            fields: c.fields.clone(),
            rendered: false,
        }
    }

    fn item_fields(&self) -> Vec<(&'static str, &str)> {
        let f = &self.fields;
        let mut out = vec![("select", self.select.as_str())];
        for (key, value) in [
            ("title", &f.title),
            ("link", &f.link),
            ("summary", &f.summary),
            ("date", &f.date),
            ("author", &f.author),
        ] {
            if let Some(v) = value {
                out.push((key, v.as_str()));
            }
        }
        out
    }

    /// The `[[feed]]` block as TOML.
    pub fn toml(&self) -> String {
        let mut out = String::from("[[feed]]\n");
        out.push_str(&format!("id = {}\n", quote(&self.id)));
        out.push_str(&format!("url = {}\n", quote(&self.url)));
        if let Some(t) = &self.title {
            out.push_str(&format!("title = {}\n", quote(t)));
        }
        if let Some(l) = self.language {
            out.push_str(&format!("language = {}\n", quote(l.code())));
        }
        if self.rendered {
            out.push_str("render = \"browser\"\n");
        }
        out.push_str("\n[feed.items]\n");
        for (key, value) in self.item_fields() {
            out.push_str(&format!("{key} = {}\n", quote(value)));
        }
        out
    }

    /// The `[[feed]]` table as JSON.
    pub fn json(&self) -> serde_json::Value {
        let mut items = serde_json::Map::new();
        for (key, value) in self.item_fields() {
            items.insert(key.to_string(), value.into());
        }
        let mut feed = serde_json::Map::new();
        feed.insert("id".into(), self.id.clone().into());
        feed.insert("url".into(), self.url.clone().into());
        if let Some(t) = &self.title {
            feed.insert("title".into(), t.clone().into());
        }
        if let Some(l) = self.language {
            feed.insert("language".into(), l.code().into());
        }
        if self.rendered {
            feed.insert("render".into(), "browser".into());
        }
        feed.insert("items".into(), items.into());
        feed.into()
    }
}

/// A TOML basic string: JSON's escapes are all TOML escapes too.
fn quote(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// Fetch, analyse, print; append with `--add`. The exit status: 0 all well, 1 the page
/// could not be had or has no list, 2 a usage or config error.
/// Why `suggest` proposes nothing.
#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    /// The command was asked for something it cannot do (a bad `--id`, `--pick` or source).
    #[error("{0}")]
    Usage(String),
    /// The page could not be had, or shows no list.
    #[error("{0}")]
    Failed(String),
}

/// What `suggest` found on a page: the analysis, and a `[[feed]]` block per candidate, best
/// first.
pub struct Suggestion {
    pub analysis: Analysis,
    pub blocks: Vec<Block>,
    /// The page's address after redirects.
    pub page_url: Url,
}

/// Fetch the page `options` names and find its item lists: a block for each candidate.
pub async fn suggest(options: &Options, fetch: FetchOptions) -> Result<Suggestion, SuggestError> {
    use SuggestError::{Failed, Usage};
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let source = Source::parse(&options.url, &cwd).map_err(|e| Usage(format!("pagefeed: {e}")))?;
    if let Some(id) = &options.id
        && !valid_id(id)
    {
        return Err(Usage(format!(
            "pagefeed: --id {id:?}: an id is [a-z0-9][a-z0-9_-]*"
        )));
    }
    let fetcher = Fetcher::new(fetch).map_err(|e| Failed(format!("pagefeed: {e}")))?;
    let fetched = match (&source, options.render) {
        (Source::Http(_), true) => {
            // Every list the page builds: nothing to wait for but the network falling idle.
            let render = crate::fetch::browser::Render {
                items: None,
                block_media: true,
            };
            fetcher.render_feed(&source, false, &render).await
        }
        (Source::File(_), true) => {
            return Err(Usage(format!(
                "pagefeed: {source}: --render needs an http(s) URL: the browser reads no files"
            )));
        }
        (_, false) => fetcher.fetch(&source, None).await,
    };
    let page = match fetched {
        Ok(Fetched::Page(p)) => p,
        Ok(Fetched::NotModified) => {
            return Err(Failed(format!(
                "pagefeed: {source}: the source answered 304 to an unconditional request"
            )));
        }
        Err(e) => return Err(Failed(format!("pagefeed: {e}"))),
    };
    let now = crate::fetch::moment::fetch_moment(options.now, &page, Utc::now());
    let doc = extract::parse::document(&page.text)
        .map_err(|e| Failed(format!("pagefeed: {source}: {e}")))?;
    let analysis = analyse(
        &doc,
        &page.url,
        page.from_file,
        page.content_language.as_deref(),
        now,
    );
    if analysis.candidates.is_empty() {
        return Err(Failed(format!(
            "pagefeed: {source}: no repeated blocks that look like a list of items were found \
             (the page may build its list with JavaScript)"
        )));
    }
    if options.pick == 0 || options.pick > analysis.candidates.len() {
        return Err(Usage(format!(
            "pagefeed: --pick {}: there are {} candidate(s); pick 1 to {}",
            options.pick,
            analysis.candidates.len(),
            analysis.candidates.len()
        )));
    }
    let id = options.id.clone().unwrap_or_else(|| derive_id(&source));
    let blocks: Vec<Block> = analysis
        .candidates
        .iter()
        .map(|c| Block {
            rendered: options.render,
            ..Block::new(&id, &source, &analysis, c)
        })
        .collect();
    Ok(Suggestion {
        analysis,
        blocks,
        page_url: page.url.clone(),
    })
}

impl Suggestion {
    /// What the command prints: the chosen block (`pick`, 1-based) and every candidate as
    /// TOML comments, or with `json` one array of candidates.
    pub fn printed(&self, pick: usize, json: bool) -> String {
        if json {
            output::json(&self.analysis, &self.blocks)
        } else {
            output::text(&self.analysis, &self.blocks, pick, &self.page_url)
        }
    }
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// The config `existing` with `block` appended after a blank line; a config that is not
/// there yet (`existing` empty) starts with a line that says what it is.
pub fn with_block(existing: &str, block: &Block) -> String {
    if existing.trim().is_empty() {
        return format!(
            "# pagefeed's config: `pagefeed check -c FILE` checks it; `pagefeed suggest URL --add FILE` adds a feed.\n\n{}",
            block.toml()
        );
    }
    format!("{existing}{}", joined_addition(existing, block))
}

/// What is appended: a blank line between the file and the block.
fn joined_addition(existing: &str, block: &Block) -> String {
    let sep = if existing.is_empty() || existing.ends_with("\n\n") {
        ""
    } else if existing.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    format!("{sep}{}", block.toml())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;
    use std::path::Path;

    #[test]
    fn ids_come_from_host_and_path() {
        let id = |u: &str| derive_id(&Source::Http(Url::parse(u).expect("url")));
        assert_eq!(
            id("https://www.example.com/news/world.html"),
            "example-news-world"
        );
        assert_eq!(id("https://nieuws.example/buitenland"), "nieuws-buitenland");
        assert_eq!(id("http://127.0.0.1:8080/x"), "127-0-0-1-x");
        assert_eq!(
            derive_id(&Source::File(PathBuf::from("/tmp/Blog Index.html"))),
            "blog-index"
        );
        assert!(valid_id(&id("https://a.example/")));
    }

    #[test]
    fn languages_follow_the_dates_then_the_page() {
        let now = Utc::now();
        let de = Language::from_code("de");
        let en = Language::from_code("en");
        let texts = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            date_language(&texts(&["vor 2 Stunden", "gestern, 17:30 Uhr"]), en, now),
            de
        );
        assert_eq!(
            date_language(&texts(&["2026-03-01T10:00:00Z"]), None, now),
            None
        );
        assert_eq!(
            date_language(&texts(&["2026-03-01T10:00:00Z"]), de, now),
            de
        );
        assert_eq!(date_language(&[], de, now), de);
        assert_eq!(supported(Some("de-AT")), de);
        assert_eq!(supported(Some("tlh")), None);
    }

    #[test]
    fn blocks_are_toml_the_config_takes() {
        let block = Block {
            id: "x".into(),
            url: "https://s.example/a".into(),
            title: Some("A \"quoted\" title\\".into()),
            language: Language::from_code("fr"),
            select: "ul.news > li".into(),
            fields: Proposal {
                title: Some("h2".into()),
                link: Some("h2 a".into()),
                ..Proposal::default()
            },
            rendered: false,
        };
        let config = config::parse(&block.toml(), Path::new("/tmp/p.toml"), None).expect("valid");
        assert_eq!(
            config.feeds[0].title.as_deref(),
            Some("A \"quoted\" title\\")
        );
        assert!(config.feeds[0].render.is_none());
        assert_eq!(block.json()["items"]["link"], "h2 a");
        // A block from a rendered page renders its feed, with the same selector.
        let rendered = Block {
            rendered: true,
            ..block
        };
        let config =
            config::parse(&rendered.toml(), Path::new("/tmp/p.toml"), None).expect("valid");
        let render = config.feeds[0].render.as_ref().expect("rendered");
        assert_eq!(render.items.as_deref(), Some("ul.news > li"));
        assert!(render.block_media);
        assert_eq!(rendered.json()["render"], "browser");
    }
}
