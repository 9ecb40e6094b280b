//! The config file: TOML in, a validated [`Config`] out, or every mistake in it at once.
//!
//! The file is walked by hand over `toml`'s spanned document rather than deserialised with
//! serde, so that each error can name the file, the line, the key and the feed it belongs to,
//! and so that one `pagefeed check` lists all the mistakes instead of only the first.

mod limits;

pub use limits::*;

use crate::dates::{Language, Rounding};
use crate::fetch::Source;
use crate::fetch::browser::{BrowserOptions, Render};
use crate::timeline::Order;
use chrono_tz::Tz;
use cssparser::ToCss;
use regex::Regex;
use scraper::Selector;
use std::collections::HashSet;
use std::fmt;
use std::ops::{Range, RangeInclusive};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use toml::Spanned;
use toml::de::{DeTable, DeValue};
use url::Url;

/// Where the config is looked for when `-c` is not given, after `$PAGEFEED_CONFIG`.
pub const DEFAULT_PATHS: [&str; 2] = ["pagefeed.toml", "/etc/pagefeed/pagefeed.toml"];

/// The whole, validated configuration.
#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    pub output_dir: PathBuf,
    pub state_dir: PathBuf,
    pub base_url: Option<Url>,
    pub user_agent: String,
    pub concurrency: usize,
    pub host_delay: Duration,
    /// Longest a whole request may take (extension; default 30s).
    pub timeout: Duration,
    /// The top-level `timezone` (default UTC), which feeds inherit.
    pub timezone: Tz,
    /// The top-level `language`; empty means every language ("auto").
    pub languages: Vec<Language>,
    /// Where `pagefeed run` serves the feeds, status page, OPML and metrics over HTTP
    /// (default: no server).
    pub listen: Option<std::net::SocketAddr>,
    /// `browser`, `browser_concurrency`, `browser_timeout`: how feeds with
    /// `render = "browser"` are rendered.
    pub browser: BrowserOptions,
    pub feeds: Vec<Arc<Feed>>,
}

/// One `[[feed]]`, with the global defaults applied.
#[derive(Debug)]
pub struct Feed {
    pub id: String,
    pub source: Source,
    pub title: Option<String>,
    pub robots: bool,
    /// `private_network = true`: the page may redirect or resolve to any address, however
    /// internal (default false; see `fetch::guard`).
    pub private_network: bool,
    pub rounding: Rounding,
    pub interval: Duration,
    /// `settle`: how long a new item first seen with a wide time ("3 uur geleden") may be
    /// held back for the page to narrow it (0: not held).
    pub settle: Duration,
    pub timezone: Tz,
    /// Empty means every language pagefeed reads ("auto").
    pub languages: Vec<Language>,
    pub max_items: usize,
    /// `page_url`: where links resolve and what the feed links to, in place of the address
    /// the page was read from (an http(s) URL).
    pub page_url: Option<Url>,
    /// `follow = true` (or `content = "full"` with `follow` unset): read each new item's own
    /// page (see `follow`).
    pub follow: bool,
    /// `content = "full"`: publish the item page's main text.
    pub full: bool,
    /// `follow_budget`: item pages fetched per poll, at most.
    pub follow_budget: usize,
    /// `render = "browser"`: the page is loaded in the browser and its items waited for
    /// (None: fetched over HTTP, the default).
    pub render: Option<Render>,
    pub items: Items,
}

/// `[feed.items]`: how a page splits into items and where each field is.
#[derive(Debug)]
pub struct Items {
    pub select: Selector,
    pub title: Option<Field>,
    pub link: Option<Field>,
    pub summary: Option<Field>,
    pub date: Option<Field>,
    pub author: Option<Field>,
    pub category: Option<Field>,
    pub order: Order,
}

/// A field: a selector matched inside the item, optionally an attribute and a regex.
#[derive(Debug)]
pub struct Field {
    pub selector: Selector,
    pub attr: Option<String>,
    pub regex: Option<Regex>,
    /// `html = true` (the summary only): publish the first match's markup, sanitised,
    /// beside its text.
    pub html: bool,
    /// `text = true`: take the element's text, never an attribute (a `date` element's
    /// `datetime`, a `link`'s `href`).
    pub text: bool,
}

/// One mistake in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    /// 1-based; 0 when the mistake has no place in the file (the file is missing).
    pub line: usize,
    pub feed: Option<String>,
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        write!(f, ": ")?;
        if let Some(feed) = &self.feed {
            write!(f, "feed {feed:?}: ")?;
        }
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        write!(f, "{}", self.message)
    }
}

/// Every mistake found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, e) in self.0.iter().enumerate() {
            if n > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl Config {
    /// How pages are fetched under this config.
    pub fn fetch_options(&self) -> crate::fetch::FetchOptions {
        crate::fetch::FetchOptions {
            user_agent: self.user_agent.clone(),
            connect_timeout: self.timeout.min(Duration::from_secs(10)),
            read_timeout: self.timeout,
            total_timeout: self.timeout,
            browser: self.browser.clone(),
            ..crate::fetch::FetchOptions::default()
        }
    }
}

/// Which file to read: `-c`, else `$PAGEFEED_CONFIG`, else the first of [`DEFAULT_PATHS`] that
/// exists (the first one when none does, so the error names it).
pub fn locate(explicit: Option<&Path>, env: Option<&str>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = env.filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    DEFAULT_PATHS
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from(DEFAULT_PATHS[0]))
}

/// Read and validate the config at `path`. `state_directory` is systemd's
/// `$STATE_DIRECTORY`, the state folder when the file names none.
pub fn load(path: &Path, state_directory: Option<&str>) -> Result<Config, ConfigErrors> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigErrors(vec![ConfigError {
            file: path.to_path_buf(),
            line: 0,
            feed: None,
            key: String::new(),
            message: format!("cannot read the config: {e}"),
        }])
    })?;
    parse(&text, path, state_directory)
}

/// Validate config `text` as if read from `path` (relative paths resolve against its folder).
pub fn parse(
    text: &str,
    path: &Path,
    state_directory: Option<&str>,
) -> Result<Config, ConfigErrors> {
    let mut doc = Doc {
        file: path,
        text,
        errors: Vec::new(),
    };
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            doc.error(span, None, "", e.message().trim().to_string());
            return Err(ConfigErrors(doc.errors));
        }
    };
    let config = doc.config(root.get_ref(), state_directory);
    if doc.errors.is_empty() {
        Ok(config)
    } else {
        doc.errors.sort_by_key(|e| e.line);
        Err(ConfigErrors(doc.errors))
    }
}

/// Parse a duration such as `30s`, `5m`, `1h`, `1h30m`; zero is refused.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text.trim())
        .map_err(|e| format!("{text:?} is not a duration like 30s, 5m, 1h or 1h30m ({e})"))?;
    if d.is_zero() {
        return Err(format!("{text:?} is zero; give a positive duration"));
    }
    Ok(d)
}

const TOP_KEYS: &[&str] = &[
    "output_dir",
    "state_dir",
    "base_url",
    "interval",
    "settle",
    "timezone",
    "language",
    "user_agent",
    "max_items",
    "concurrency",
    "host_delay",
    "timeout",
    "listen",
    "browser",
    "browser_concurrency",
    "browser_timeout",
    "feed",
];
const FEED_KEYS: &[&str] = &[
    "id",
    "url",
    "title",
    "robots",
    "private_network",
    "rounding",
    "interval",
    "settle",
    "timezone",
    "language",
    "max_items",
    "page_url",
    "render",
    "block_media",
    "follow",
    "content",
    "follow_budget",
    "items",
];
const ITEM_KEYS: &[&str] = &[
    "select", "title", "link", "summary", "date", "author", "category", "order",
];
const FIELD_KEYS: &[&str] = &["select", "attr", "regex", "html", "text"];

/// The defaults a feed inherits from the top of the file.
struct Defaults {
    interval: Duration,
    settle: Duration,
    timezone: Tz,
    languages: Vec<Language>,
    max_items: usize,
}

/// The file being validated and the mistakes found so far.
struct Doc<'a> {
    file: &'a Path,
    text: &'a str,
    errors: Vec<ConfigError>,
}

type Value<'i> = Spanned<DeValue<'i>>;

impl Doc<'_> {
    fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn error(&mut self, span: Range<usize>, feed: Option<&str>, key: &str, message: String) {
        let line = self.line(span.start);
        self.errors.push(ConfigError {
            file: self.file.to_path_buf(),
            line,
            feed: feed.map(str::to_string),
            key: key.to_string(),
            message,
        });
    }

    fn folder(&self) -> PathBuf {
        match self.file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    fn config(&mut self, root: &DeTable<'_>, state_directory: Option<&str>) -> Config {
        let top = Section {
            table: root,
            prefix: "",
            feed: None,
        };
        top.unknown_keys(self, TOP_KEYS);
        let folder = self.folder();
        let output_dir = top
            .string(self, "output_dir")
            .map(|(s, _)| folder.join(s))
            .unwrap_or_else(|| folder.join(OUTPUT_DIR_DEFAULT));
        let state_dir = match top.string(self, "state_dir") {
            Some((s, _)) => folder.join(s),
            None => match state_directory.filter(|s| !s.is_empty()) {
                // systemd may list several folders separated by ':'; the first is ours.
                Some(s) => PathBuf::from(s.split(':').next().unwrap_or(s)),
                None => folder.join(STATE_DIR_DEFAULT),
            },
        };
        let base_url = top.string(self, "base_url").and_then(|(s, span)| {
            match Url::parse(&s) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {
                    // A base without a trailing slash would lose its last segment on join.
                    let mut u = u;
                    if !u.path().ends_with('/') {
                        let p = format!("{}/", u.path());
                        u.set_path(&p);
                    }
                    Some(u)
                }
                Ok(_) | Err(_) => {
                    self.error(
                        span,
                        None,
                        "base_url",
                        format!("{s:?} is not an absolute http(s) URL"),
                    );
                    None
                }
            }
        });
        let user_agent = top
            .user_agent(self)
            .unwrap_or_else(|| USER_AGENT_DEFAULT.to_string());
        let concurrency = top
            .count(self, "concurrency", CONCURRENCY_RANGE)
            .unwrap_or(CONCURRENCY_DEFAULT);
        let host_delay = top
            .duration(self, "host_delay", HOST_DELAY_RANGE)
            .unwrap_or(HOST_DELAY_DEFAULT);
        let timeout = top
            .duration(self, "timeout", TIMEOUT_RANGE)
            .unwrap_or(TIMEOUT_DEFAULT);
        let listen = top
            .string(self, "listen")
            .and_then(|(s, span)| match listen_address(&s) {
                Ok(a) => Some(a),
                Err(e) => {
                    self.error(span, None, "listen", e);
                    None
                }
            });
        let browser = BrowserOptions {
            // A name alone ("chromium") is looked for on PATH; a path is relative to the
            // config's folder.
            executable: top.string(self, "browser").map(|(s, _)| {
                if s.contains('/') {
                    folder.join(s)
                } else {
                    PathBuf::from(s)
                }
            }),
            concurrency: top
                .count(self, "browser_concurrency", BROWSER_CONCURRENCY_RANGE)
                .unwrap_or(BROWSER_CONCURRENCY_DEFAULT),
            load_timeout: top
                .duration(self, "browser_timeout", BROWSER_TIMEOUT_RANGE)
                .unwrap_or(BROWSER_TIMEOUT_DEFAULT),
        };
        let defaults = Defaults {
            interval: top
                .duration(self, "interval", INTERVAL_RANGE)
                .unwrap_or(INTERVAL_DEFAULT),
            settle: top
                .duration(self, "settle", SETTLE_RANGE)
                .unwrap_or(SETTLE_DEFAULT),
            timezone: top.timezone(self).unwrap_or(TIMEZONE_DEFAULT),
            languages: top
                .languages(self)
                .unwrap_or_else(|| LANGUAGES_DEFAULT.to_vec()),
            max_items: top
                .count(self, "max_items", MAX_ITEMS_RANGE)
                .unwrap_or(MAX_ITEMS_DEFAULT),
        };
        let feeds = self.feeds(root, &defaults, &folder);
        Config {
            path: self.file.to_path_buf(),
            output_dir,
            state_dir,
            base_url,
            user_agent,
            concurrency,
            host_delay,
            timeout,
            timezone: defaults.timezone,
            languages: defaults.languages.clone(),
            listen,
            browser,
            feeds,
        }
    }

    fn feeds(&mut self, root: &DeTable<'_>, defaults: &Defaults, folder: &Path) -> Vec<Arc<Feed>> {
        let Some((key, value)) = root.get_key_value("feed") else {
            self.error(0..0, None, "feed", "no [[feed]] is configured".into());
            return Vec::new();
        };
        let Some(list) = value.get_ref().as_array() else {
            self.error(
                key.span(),
                None,
                "feed",
                "must be an array of tables: write each feed as [[feed]]".into(),
            );
            return Vec::new();
        };
        let mut seen = HashSet::new();
        let mut feeds = Vec::new();
        for (n, entry) in list.iter().enumerate() {
            let Some(table) = entry.get_ref().as_table() else {
                self.error(
                    entry.span(),
                    None,
                    "feed",
                    "each feed must be a table ([[feed]])".into(),
                );
                continue;
            };
            if let Some(feed) = self.feed(table, entry.span(), n, defaults, folder, &mut seen) {
                feeds.push(Arc::new(feed));
            }
        }
        feeds
    }

    fn feed(
        &mut self,
        table: &DeTable<'_>,
        span: Range<usize>,
        n: usize,
        defaults: &Defaults,
        folder: &Path,
        seen: &mut HashSet<String>,
    ) -> Option<Feed> {
        let before = self.errors.len();
        // Name the feed by its id where it has a usable one, else by its place in the file.
        let raw_id = table
            .get("id")
            .and_then(|v| v.get_ref().as_str())
            .map(str::to_string);
        let name = raw_id.clone().unwrap_or_else(|| format!("#{}", n + 1));
        let sec = Section {
            table,
            prefix: "",
            feed: Some(&name),
        };
        sec.unknown_keys(self, FEED_KEYS);
        let id = match sec.string(self, "id") {
            Some((id, span)) => {
                if !valid_id(&id) {
                    sec.fail(
                        self,
                        span,
                        "id",
                        format!("{id:?} is not a valid id: use [a-z0-9][a-z0-9_-]* (it names the files <id>.rss and <id>.atom)"),
                    );
                } else if !seen.insert(id.clone()) {
                    sec.fail(self, span, "id", format!("{id:?} is used by another feed"));
                }
                Some(id)
            }
            None => {
                sec.fail(
                    self,
                    span.clone(),
                    "id",
                    "missing: every feed needs an id".into(),
                );
                None
            }
        };
        let source = match sec.string(self, "url") {
            Some((url, span)) => match Source::parse(&url, folder) {
                Ok(Source::Http(u)) => match requestable(&u) {
                    Ok(()) => Some(Source::Http(u)),
                    Err(e) => {
                        sec.fail(self, span, "url", e);
                        None
                    }
                },
                Ok(s) => Some(s),
                Err(e) => {
                    sec.fail(self, span, "url", e.to_string());
                    None
                }
            },
            None => {
                sec.fail(
                    self,
                    span.clone(),
                    "url",
                    "missing: every feed needs a url".into(),
                );
                None
            }
        };
        let title = sec.string(self, "title").map(|(s, _)| s);
        let robots = sec.boolean(self, "robots").unwrap_or(ROBOTS_DEFAULT);
        let private_network = sec
            .boolean(self, "private_network")
            .unwrap_or(PRIVATE_NETWORK_DEFAULT);
        let rendered = sec.render(self, source.as_ref());
        let (follow, full) = sec.follow(self);
        let follow_budget = sec
            .count(self, "follow_budget", FOLLOW_BUDGET_RANGE)
            .unwrap_or(FOLLOW_BUDGET_DEFAULT);
        let rounding = sec
            .string(self, "rounding")
            .and_then(|(s, span)| match Rounding::from_name(&s) {
                Some(r) => Some(r),
                None => {
                    sec.fail(
                        self,
                        span,
                        "rounding",
                        format!("{s:?} is not a rounding: use \"floor\" or \"nearest\""),
                    );
                    None
                }
            })
            .unwrap_or(ROUNDING_DEFAULT);
        let interval = sec
            .duration(self, "interval", INTERVAL_RANGE)
            .unwrap_or(defaults.interval);
        let settle = sec
            .duration(self, "settle", SETTLE_RANGE)
            .unwrap_or(defaults.settle);
        let timezone = sec.timezone(self).unwrap_or(defaults.timezone);
        let languages = sec
            .languages(self)
            .unwrap_or_else(|| defaults.languages.clone());
        let max_items = sec
            .count(self, "max_items", MAX_ITEMS_RANGE)
            .unwrap_or(defaults.max_items);
        let page_url = sec
            .string(self, "page_url")
            .and_then(|(s, span)| match Url::parse(s.trim()) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
                    Some(u)
                }
                Ok(_) | Err(_) => {
                    sec.fail(
                        self,
                        span,
                        "page_url",
                        format!(
                            "{s:?} is not an absolute http(s) URL: links resolve against it and the feed links to it"
                        ),
                    );
                    None
                }
            });
        let items = match table.get_key_value("items") {
            Some((_, v)) => match v.get_ref().as_table() {
                Some(t) => self.items(t, v.span(), &name),
                None => {
                    sec.fail(
                        self,
                        v.span(),
                        "items",
                        "must be a table: write [feed.items] under the feed".into(),
                    );
                    None
                }
            },
            None => {
                sec.fail(
                    self,
                    span,
                    "items",
                    "missing: add [feed.items] with at least select = \"…\"".into(),
                );
                None
            }
        };
        if self.errors.len() > before {
            return None;
        }
        Some(Feed {
            id: id?,
            source: source?,
            title,
            robots,
            private_network,
            rounding,
            interval,
            settle,
            timezone,
            languages,
            max_items,
            page_url,
            follow,
            full,
            follow_budget,
            render: rendered.map(|block_media| Render {
                items: items.as_ref().map(|i| i.select.to_css_string()),
                block_media,
            }),
            items: items?,
        })
    }

    fn items(&mut self, table: &DeTable<'_>, span: Range<usize>, feed: &str) -> Option<Items> {
        let sec = Section {
            table,
            prefix: "items.",
            feed: Some(feed),
        };
        sec.unknown_keys(self, ITEM_KEYS);
        let select = match sec.string(self, "select") {
            Some((s, span)) => sec.selector(self, "select", &s, span),
            None => {
                sec.fail(
                    self,
                    span,
                    "select",
                    "missing: the selector that matches one element per item is required".into(),
                );
                None
            }
        };
        let title = sec.field(self, "title");
        let link = sec.field(self, "link");
        let summary = sec.field(self, "summary");
        let date = sec.field(self, "date");
        let author = sec.field(self, "author");
        let category = sec.field(self, "category");
        let order = sec
            .string(self, "order")
            .and_then(|(s, span)| match s.as_str() {
                "newest-first" => Some(Order::NewestFirst),
                "none" => Some(Order::None),
                _ => {
                    sec.fail(
                        self,
                        span,
                        "order",
                        format!("{s:?} is not an order: use \"newest-first\" or \"none\""),
                    );
                    None
                }
            })
            .unwrap_or(ORDER_DEFAULT);
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
}

/// A table of the file, with what its errors should say about where they are.
struct Section<'t, 'i> {
    table: &'t DeTable<'i>,
    /// Prefix of key names in messages, e.g. "items.".
    prefix: &'static str,
    feed: Option<&'t str>,
}

impl<'t, 'i> Section<'t, 'i> {
    fn fail(&self, doc: &mut Doc<'_>, span: Range<usize>, key: &str, message: String) {
        let key = format!("{}{key}", self.prefix);
        doc.error(span, self.feed, &key, message);
    }

    fn unknown_keys(&self, doc: &mut Doc<'_>, allowed: &[&str]) {
        for (key, _) in self.table.iter() {
            let name: &str = key.get_ref();
            if !allowed.contains(&name) {
                let hint = closest(name, allowed)
                    .map(|c| format!("; did you mean {c:?}?"))
                    .unwrap_or_default();
                self.fail(doc, key.span(), name, format!("unknown key{hint}"));
            }
        }
    }

    fn get(&self, key: &str) -> Option<&'t Value<'i>> {
        self.table.get(key)
    }

    fn string(&self, doc: &mut Doc<'_>, key: &str) -> Option<(String, Range<usize>)> {
        let v = self.get(key)?;
        match v.get_ref().as_str() {
            Some(s) => Some((s.to_string(), v.span())),
            None => {
                self.fail(
                    doc,
                    v.span(),
                    key,
                    format!("must be a string, not {}", v.get_ref().type_str()),
                );
                None
            }
        }
    }

    /// `render` ("http", the default, or "browser") and `block_media` (default true, for
    /// "browser" only): Some(block_media) for a rendered feed.
    fn render(&self, doc: &mut Doc<'_>, source: Option<&Source>) -> Option<bool> {
        let block_media = self.boolean(doc, "block_media");
        let browser = match self.string(doc, "render") {
            None => RENDER_IN_BROWSER_DEFAULT,
            Some((value, _)) if value == "http" => false,
            Some((value, span)) if value == "browser" => {
                if let Some(Source::File(_)) = source {
                    self.fail(
                        doc,
                        span,
                        "render",
                        "\"browser\" needs an http(s) url: the browser reads no files".into(),
                    );
                }
                true
            }
            Some((value, span)) => {
                self.fail(
                    doc,
                    span,
                    "render",
                    format!("{value:?} is not a way to render: use \"http\" or \"browser\""),
                );
                false
            }
        };
        if !browser
            && block_media.is_some()
            && let Some(v) = self.get("block_media")
        {
            self.fail(
                doc,
                v.span(),
                "block_media",
                "applies only to render = \"browser\"".into(),
            );
        }
        browser.then_some(block_media.unwrap_or(BLOCK_MEDIA_DEFAULT))
    }

    /// `follow` and `content`: whether the feed reads each new item's own page, and whether
    /// it publishes that page's main text. `content = "full"` needs the item pages: with
    /// `follow` unset it turns following on; beside `follow = false` it is an error naming
    /// both keys.
    fn follow(&self, doc: &mut Doc<'_>) -> (bool, bool) {
        let follow = self.boolean(doc, "follow");
        let full = match self.string(doc, "content") {
            Some((value, span)) => match value.as_str() {
                "summary" => false,
                "full" => {
                    if follow == Some(false) {
                        self.fail(
                            doc,
                            span,
                            "content",
                            "\"full\" publishes each item page's main text, which needs follow: remove follow = false or set content = \"summary\"".into(),
                        );
                    }
                    true
                }
                _ => {
                    self.fail(
                        doc,
                        span,
                        "content",
                        format!("{value:?} is not a kind of content: use \"summary\" or \"full\""),
                    );
                    false
                }
            },
            None => FULL_CONTENT_DEFAULT,
        };
        (follow.unwrap_or(full), full)
    }

    fn boolean(&self, doc: &mut Doc<'_>, key: &str) -> Option<bool> {
        let v = self.get(key)?;
        let b = v.get_ref().as_bool();
        if b.is_none() {
            self.fail(doc, v.span(), key, "must be true or false".into());
        }
        b
    }

    /// A whole number in `range`.
    fn count(&self, doc: &mut Doc<'_>, key: &str, range: RangeInclusive<usize>) -> Option<usize> {
        let v = self.get(key)?;
        let Some(i) = v.get_ref().as_integer() else {
            self.fail(
                doc,
                v.span(),
                key,
                format!(
                    "must be a whole number {}",
                    between(&range, usize::to_string)
                ),
            );
            return None;
        };
        // A number too large for i64 or usize is out of range like any other.
        let n = i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| range.contains(n));
        if n.is_none() {
            let written = doc.text.get(v.span()).unwrap_or(i.as_str()).trim();
            self.fail(
                doc,
                v.span(),
                key,
                format!(
                    "{written} is out of range: {}",
                    between(&range, usize::to_string)
                ),
            );
        }
        n
    }

    /// A duration such as `30s`, `5m`, `1h30m` in `range`. A duration too large for the parser
    /// ("600000000000y") is out of range like any other.
    fn duration(
        &self,
        doc: &mut Doc<'_>,
        key: &str,
        range: RangeInclusive<Duration>,
    ) -> Option<Duration> {
        let (s, span) = self.string(doc, key)?;
        let message = match humantime::parse_duration(s.trim()) {
            Ok(d) if range.contains(&d) => return Some(d),
            Ok(_) | Err(humantime::DurationError::NumberOverflow) => {
                format!("{s:?} is out of range: {}", between(&range, short))
            }
            Err(e) => format!("{s:?} is not a duration like 30s, 5m, 1h or 1h30m ({e})"),
        };
        self.fail(doc, span, key, message);
        None
    }

    /// `user_agent`: sent as a header with every request, so it must be one.
    fn user_agent(&self, doc: &mut Doc<'_>) -> Option<String> {
        let (s, span) = self.string(doc, "user_agent")?;
        let trimmed = s.trim();
        let message = if trimmed.is_empty() {
            "is empty: name pagefeed and how to reach you, e.g. \"pagefeed/0.1 (+https://example.org/contact)\"".to_string()
        } else if reqwest::header::HeaderValue::from_str(&s).is_err() {
            format!(
                "{s:?} cannot be sent in an HTTP header: it may not hold line breaks or other control characters"
            )
        } else {
            return Some(trimmed.to_string());
        };
        self.fail(doc, span, "user_agent", message);
        None
    }

    fn timezone(&self, doc: &mut Doc<'_>) -> Option<Tz> {
        let (s, span) = self.string(doc, "timezone")?;
        match s.parse::<Tz>() {
            Ok(tz) => Some(tz),
            Err(_) => {
                self.fail(
                    doc,
                    span,
                    "timezone",
                    format!(
                        "{s:?} is not an IANA time zone such as \"Europe/Amsterdam\" or \"UTC\""
                    ),
                );
                None
            }
        }
    }

    /// `"nl"`, `["nl", "en"]` or `"auto"` (an empty list: every language).
    fn languages(&self, doc: &mut Doc<'_>) -> Option<Vec<Language>> {
        let v = self.get("language")?;
        let codes: Vec<(&str, Range<usize>)> = match v.get_ref() {
            DeValue::String(s) => vec![(s.as_ref(), v.span())],
            DeValue::Array(a) => a
                .iter()
                .filter_map(|e| match e.get_ref().as_str() {
                    Some(s) => Some((s, e.span())),
                    None => {
                        self.fail(
                            doc,
                            e.span(),
                            "language",
                            "each language must be a string".into(),
                        );
                        None
                    }
                })
                .collect(),
            other => {
                self.fail(
                    doc,
                    v.span(),
                    "language",
                    format!(
                        "must be a string or a list of strings, not {}",
                        other.type_str()
                    ),
                );
                return None;
            }
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (code, span) in codes {
            if code.eq_ignore_ascii_case("auto") {
                return Some(Vec::new());
            }
            match Language::from_code(code) {
                Some(l) if !out.contains(&l) => out.push(l),
                Some(_) => {}
                None => {
                    ok = false;
                    let known: Vec<&str> = Language::all().iter().map(|l| l.code()).collect();
                    self.fail(
                        doc,
                        span,
                        "language",
                        format!(
                            "{code:?} is not a language pagefeed reads dates in; use \"auto\" or one of: {}",
                            known.join(", ")
                        ),
                    );
                }
            }
        }
        (ok && !out.is_empty()).then_some(out)
    }

    fn selector(
        &self,
        doc: &mut Doc<'_>,
        key: &str,
        text: &str,
        span: Range<usize>,
    ) -> Option<Selector> {
        match Selector::parse(text) {
            Ok(s) => Some(s),
            Err(e) => {
                self.fail(
                    doc,
                    span,
                    key,
                    format!("selector {text:?} does not compile: {}", selector_error(&e)),
                );
                None
            }
        }
    }

    /// A field: `"css"` or `{ select = "css", attr = "…", regex = "…" }`.
    fn field(&self, doc: &mut Doc<'_>, key: &str) -> Option<Field> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(Field {
                selector: self.selector(doc, key, s, v.span())?,
                attr: None,
                regex: None,
                html: false,
                text: false,
            }),
            DeValue::Table(t) => {
                let name = format!("{key}.");
                let inner = Section {
                    table: t,
                    prefix: if self.prefix.is_empty() {
                        ""
                    } else {
                        self.prefix
                    },
                    feed: self.feed,
                };
                for (k, _) in t.iter() {
                    let k: &str = k.get_ref();
                    if !FIELD_KEYS.contains(&k) {
                        let hint = closest(k, FIELD_KEYS)
                            .map(|c| format!("; did you mean {c:?}?"))
                            .unwrap_or_default();
                        self.fail(
                            doc,
                            v.span(),
                            &format!("{name}{k}"),
                            format!("unknown key{hint}"),
                        );
                    }
                }
                let selector = match inner.string(doc, "select") {
                    Some((s, span)) => self.selector(doc, &format!("{name}select"), &s, span),
                    None => {
                        self.fail(
                            doc,
                            v.span(),
                            &format!("{name}select"),
                            "missing: a field table needs select = \"…\"".into(),
                        );
                        None
                    }
                };
                let attr = inner.string(doc, "attr").map(|(s, _)| s);
                let regex = inner
                    .string(doc, "regex")
                    .and_then(|(s, span)| match Regex::new(&s) {
                        Ok(r) => Some(r),
                        Err(e) => {
                            self.fail(
                                doc,
                                span,
                                &format!("{name}regex"),
                                format!(
                                    "regex {s:?} does not compile: {}",
                                    one_line(&e.to_string())
                                ),
                            );
                            None
                        }
                    });
                let html = self.html(doc, key, t, attr.is_some() || regex.is_some());
                let text = self.text(doc, key, t, attr.is_some(), html);
                Some(Field {
                    selector: selector?,
                    attr,
                    regex,
                    html,
                    text,
                })
            }
            other => {
                self.fail(
                    doc,
                    v.span(),
                    key,
                    format!(
                        "must be a selector string or a table {{ select, attr, regex }}, not {}",
                        other.type_str()
                    ),
                );
                None
            }
        }
    }

    /// `text = true` in field `key`'s table: the element's text rather than an attribute, so
    /// neither beside `attr` (which names the attribute to take) nor `html`.
    fn text(
        &self,
        doc: &mut Doc<'_>,
        key: &str,
        table: &DeTable<'_>,
        attr: bool,
        html: bool,
    ) -> bool {
        let Some(v) = table.get("text") else {
            return false;
        };
        let name = format!("{key}.text");
        let Some(text) = v.get_ref().as_bool() else {
            self.fail(doc, v.span(), &name, "must be true or false".into());
            return false;
        };
        if text && attr {
            self.fail(
                doc,
                v.span(),
                &name,
                "text = true takes the element's text: it cannot be combined with attr, which takes an attribute".into(),
            );
            return false;
        }
        if text && html {
            self.fail(
                doc,
                v.span(),
                &name,
                "text = true takes the element's text: it cannot be combined with html = true"
                    .into(),
            );
            return false;
        }
        text
    }

    /// `html = true` in field `key`'s table: only the summary keeps the page's markup, and
    /// only markup taken whole (no attr, no regex).
    fn html(&self, doc: &mut Doc<'_>, key: &str, table: &DeTable<'_>, narrowed: bool) -> bool {
        let Some(v) = table.get("html") else {
            return false;
        };
        let name = format!("{key}.html");
        let Some(html) = v.get_ref().as_bool() else {
            self.fail(doc, v.span(), &name, "must be true or false".into());
            return false;
        };
        if html && key != "summary" {
            self.fail(
                doc,
                v.span(),
                &name,
                format!("only the summary can keep the page's markup; {key} is always text"),
            );
            return false;
        }
        if html && narrowed {
            self.fail(
                doc,
                v.span(),
                &name,
                "html = true publishes the matched element's markup: it cannot be combined with attr or regex".into(),
            );
            return false;
        }
        html
    }
}

/// `listen`: an IP address and a port, such as `127.0.0.1:8080` or `[::1]:8080`. A host
/// name would need a lookup at start and could mean several addresses; port 0 would serve on
/// a port no one knows.
fn listen_address(text: &str) -> Result<std::net::SocketAddr, String> {
    let example = "such as \"127.0.0.1:8080\" or \"[::1]:8080\"";
    match text.trim().parse::<std::net::SocketAddr>() {
        Ok(a) if a.port() == 0 => Err(format!("{text:?} has port 0: name the port to serve on")),
        Ok(a) => Ok(a),
        Err(_) => Err(format!(
            "{text:?} is not an IP address and port to listen on, {example}"
        )),
    }
}

/// A selector error in words: scraper's own message for most parse errors asks the reader
/// to report a bug, so name the kind of mistake instead ("dangling combinator").
fn selector_error(e: &scraper::error::SelectorErrorKind) -> String {
    use scraper::error::SelectorErrorKind as K;
    match e {
        K::UnexpectedSelectorParseError(kind) => words(&format!("{kind:?}")),
        other => one_line(&other.to_string()),
    }
}

/// `DanglingCombinator` or `EmptySelector(..)` as "dangling combinator", "empty selector".
fn words(debug: &str) -> String {
    let name = debug.split(['(', ' ', '{']).next().unwrap_or(debug);
    let mut out = String::new();
    for c in name.chars() {
        if c.is_uppercase() && !out.is_empty() {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// "between 1 and 256", "between 100ms and 7d".
fn between<T>(range: &RangeInclusive<T>, show: impl Fn(&T) -> String) -> String {
    format!("between {} and {}", show(range.start()), show(range.end()))
}

/// A duration in its largest whole unit: "0s", "100ms", "30s", "10m", "1h", "7d".
fn short(d: &Duration) -> String {
    let ms = d.as_millis();
    if ms == 0 {
        return "0s".into();
    }
    for (unit, size) in [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1000),
    ] {
        if ms.is_multiple_of(size) {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

/// The longest URL the HTTP client sends (`http::Uri`'s limit).
const MAX_URI_LEN: usize = 65_534;

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

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The allowed key nearest to a misspelt one, if it is near enough to be a likely typo.
fn closest<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (edit_distance(key, a), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 4))
        .min()
        .map(|(_, a)| a)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
output_dir = "out"
base_url = "https://feeds.example.org/x"
interval = "5m"
timezone = "Europe/Amsterdam"
language = ["nl", "en"]

[[feed]]
id = "buitenland"
url = "pages/buitenland.html"
rounding = "nearest"
max_items = 20

[feed.items]
select = "ul.news-list > li"
summary = "p.news-list__text"
date = { select = "span.news-list__time", regex = "(\\d+)" }
order = "none"
"#;

    fn errors(text: &str) -> Vec<String> {
        match parse(text, Path::new("/etc/pf/pagefeed.toml"), None) {
            Ok(_) => Vec::new(),
            Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn listen_is_an_address_and_port_or_a_named_error() {
        let feed = "[[feed]]\nid = \"a\"\nurl = \"p.html\"\n[feed.items]\nselect = \"li\"\n";
        let with = |listen: &str| format!("listen = \"{listen}\"\n{feed}");
        let at = |listen: &str| {
            parse(&with(listen), Path::new("/etc/pf/pagefeed.toml"), None)
                .expect("valid")
                .listen
                .map(|a| a.to_string())
        };
        assert_eq!(at("127.0.0.1:8080").as_deref(), Some("127.0.0.1:8080"));
        assert_eq!(at("[::1]:8080").as_deref(), Some("[::1]:8080"));
        let none = parse(feed, Path::new("/etc/pf/pagefeed.toml"), None).expect("valid");
        assert_eq!(none.listen, None, "no listen, no server");
        for bad in [
            "localhost:8080",
            "127.0.0.1",
            "127.0.0.1:0",
            ":8080",
            "::1:8080",
        ] {
            let e = errors(&with(bad));
            assert_eq!(e.len(), 1, "{bad}: {e:?}");
            assert!(
                e[0].starts_with("/etc/pf/pagefeed.toml:1: listen: "),
                "{bad}: {e:?}"
            );
        }
        let e = errors(&format!("listen = 8080\n{feed}"));
        assert!(e[0].contains("listen: must be a string"), "{e:?}");
    }

    #[test]
    fn a_good_file_gives_defaults_and_overrides() {
        let c = parse(
            GOOD,
            Path::new("/etc/pf/pagefeed.toml"),
            Some("/var/lib/pagefeed"),
        )
        .expect("valid config");
        assert_eq!(c.output_dir, PathBuf::from("/etc/pf/out"));
        assert_eq!(c.state_dir, PathBuf::from("/var/lib/pagefeed"));
        assert_eq!(
            c.base_url.as_ref().map(Url::as_str),
            Some("https://feeds.example.org/x/")
        );
        assert_eq!(c.concurrency, 4);
        assert_eq!(c.host_delay, Duration::from_secs(1));
        let f = &c.feeds[0];
        assert_eq!(f.id, "buitenland");
        assert_eq!(f.interval, Duration::from_secs(300));
        assert_eq!(f.timezone, chrono_tz::Europe::Amsterdam);
        assert_eq!(f.languages.len(), 2);
        assert_eq!(f.max_items, 20);
        assert_eq!(f.rounding, Rounding::Nearest);
        assert_eq!(f.items.order, Order::None);
        assert!(f.items.date.as_ref().is_some_and(|d| d.regex.is_some()));
        assert!(
            matches!(&f.source, Source::File(p) if p == Path::new("/etc/pf/pages/buitenland.html"))
        );
    }

    #[test]
    fn every_mistake_is_named_with_file_line_key_and_feed() {
        let text = r#"
intervall = "5m"
timezone = "Mars/Olympus"

[[feed]]
id = "a"
url = "https://x.example/"
interval = "soon"
[feed.items]
select = "ul >"
title = { select = "h3", regexp = "x" }

[[feed]]
id = "a"
url = "ftp://x.example/"
language = "xx"
[feed.items]
date = "span"
"#;
        let errs = errors(text);
        let expect = [
            "/etc/pf/pagefeed.toml:2: intervall: unknown key; did you mean \"interval\"?",
            "/etc/pf/pagefeed.toml:3: timezone: \"Mars/Olympus\" is not an IANA time zone",
            "/etc/pf/pagefeed.toml:8: feed \"a\": interval: \"soon\" is not a duration",
            "/etc/pf/pagefeed.toml:10: feed \"a\": items.select: selector \"ul >\" does not compile: dangling combinator",
            "feed \"a\": items.title.regexp: unknown key; did you mean \"regex\"?",
            "/etc/pf/pagefeed.toml:14: feed \"a\": id: \"a\" is used by another feed",
            "/etc/pf/pagefeed.toml:15: feed \"a\": url:",
            "/etc/pf/pagefeed.toml:16: feed \"a\": language: \"xx\" is not a language",
            "feed \"a\": items.select: missing",
        ];
        for e in expect {
            assert!(
                errs.iter().any(|got| got.contains(e)),
                "no error like {e:?} in:\n{}",
                errs.join("\n")
            );
        }
    }

    #[test]
    fn malformed_ids_and_missing_parts_are_errors() {
        let errs = errors("[[feed]]\nid = \"Bad Id\"\n");
        assert!(
            errs.iter().any(|e| e.contains("is not a valid id")),
            "{errs:?}"
        );
        assert!(errs.iter().any(|e| e.contains("url: missing")), "{errs:?}");
        assert!(
            errs.iter().any(|e| e.contains("items: missing")),
            "{errs:?}"
        );
        let errs = errors("output_dir = \"x\"\n");
        assert!(errs.iter().any(|e| e.contains("no [[feed]]")), "{errs:?}");
        let errs = errors("output_dir = \n");
        assert!(
            errs.iter()
                .any(|e| e.starts_with("/etc/pf/pagefeed.toml:1: ")),
            "{errs:?}"
        );
    }

    #[test]
    fn numbers_and_durations_are_checked() {
        let errs = errors(
            "max_items = 0\nconcurrency = \"4\"\nhost_delay = \"x\"\n[[feed]]\nid = \"a\"\nurl = \"a.html\"\ninterval = \"0s\"\n[feed.items]\nselect = \"li\"\n",
        );
        assert_eq!(errs.len(), 4, "{errs:?}");
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert!(parse_duration("0s").is_err());
    }

    /// A config with `top` above one feed that carries `feed`.
    fn with(top: &str, feed: &str) -> String {
        format!(
            "{top}\n[[feed]]\nid = \"a\"\nurl = \"http://h.example/a\"\n{feed}\n[feed.items]\nselect = \"li\"\n"
        )
    }

    fn config(text: &str) -> Config {
        match parse(text, Path::new("/etc/pf/pagefeed.toml"), None) {
            Ok(c) => c,
            Err(e) => panic!("{text}\n{e}"),
        }
    }

    /// The one error of `text`, which must be on line 1.
    fn one_error(text: &str) -> String {
        let errs = errors(text);
        assert_eq!(errs.len(), 1, "{text}: {errs:?}");
        errs[0].clone()
    }

    #[test]
    fn every_duration_holds_its_range_at_the_edges() {
        let cases: [(&str, &str, &str, &str, &str, &str); 3] = [
            (
                "interval",
                "100ms",
                "7d",
                "99ms",
                "7d1ms",
                "between 100ms and 7d",
            ),
            (
                "timeout",
                "1s",
                "10m",
                "999ms",
                "10m1ms",
                "between 1s and 10m",
            ),
            ("host_delay", "0s", "1h", "", "1h1ms", "between 0s and 1h"),
        ];
        for (key, low, high, below, above, range) in cases {
            for (text, want) in [(low, "inside"), (high, "inside"), ("1m", "inside")] {
                let c = config(&with(&format!("{key} = \"{text}\""), ""));
                let got = match key {
                    "interval" => c.feeds[0].interval,
                    "timeout" => c.timeout,
                    _ => c.host_delay,
                };
                assert_eq!(
                    Ok(got),
                    humantime::parse_duration(text),
                    "{key} {text} {want}"
                );
            }
            for out in [below, above, "500000000000y", "600000000000y", "0.5ns"] {
                if out.is_empty() {
                    continue;
                }
                assert_eq!(
                    one_error(&with(&format!("{key} = \"{out}\""), "")),
                    format!("/etc/pf/pagefeed.toml:1: {key}: \"{out}\" is out of range: {range}")
                );
            }
            // Not a duration at all is a different mistake.
            let e = one_error(&with(&format!("{key} = \"soon\""), ""));
            assert!(e.contains("is not a duration like"), "{e}");
            let e = one_error(&with(&format!("{key} = 5"), ""));
            assert!(e.contains("must be a string"), "{e}");
        }
        let e = one_error(&with("interval = \"0s\"", ""));
        assert!(e.ends_with("is out of range: between 100ms and 7d"), "{e}");
    }

    #[test]
    fn the_interval_of_a_feed_holds_the_same_range() {
        let c = config(&with("interval = \"7d\"", "interval = \"100ms\""));
        assert_eq!(c.feeds[0].interval, Duration::from_millis(100));
        let c = config(&with("", "interval = \"7d\""));
        assert_eq!(c.feeds[0].interval, INTERVAL_RANGE.end().to_owned());
        assert_eq!(
            errors(&with("", "interval = \"500000000000y\"")),
            [
                "/etc/pf/pagefeed.toml:5: feed \"a\": interval: \"500000000000y\" is out of range: between 100ms and 7d"
            ]
        );
    }

    #[test]
    fn every_count_holds_its_range_at_the_edges() {
        for (key, range) in [
            ("concurrency", CONCURRENCY_RANGE),
            ("max_items", MAX_ITEMS_RANGE),
        ] {
            let (low, high) = (*range.start(), *range.end());
            for n in [low, high] {
                let c = config(&with(&format!("{key} = {n}"), ""));
                let got = if key == "concurrency" {
                    c.concurrency
                } else {
                    c.feeds[0].max_items
                };
                assert_eq!(got, n);
            }
            let words = format!("between {low} and {high}");
            for out in [
                (low - 1).to_string(),
                (high + 1).to_string(),
                "-1".into(),
                "9223372036854775807".into(),
                "9_223_372_036_854_775_807".into(),
                "0x7fffffffffffffff".into(),
            ] {
                assert_eq!(
                    one_error(&with(&format!("{key} = {out}"), "")),
                    format!("/etc/pf/pagefeed.toml:1: {key}: {out} is out of range: {words}")
                );
            }
            for wrong in ["\"4\"", "4.0", "true"] {
                assert_eq!(
                    one_error(&with(&format!("{key} = {wrong}"), "")),
                    format!("/etc/pf/pagefeed.toml:1: {key}: must be a whole number {words}")
                );
            }
        }
        // TOML's other ways of writing a number.
        assert_eq!(
            config(&with("max_items = 1_000", "")).feeds[0].max_items,
            1000
        );
        assert_eq!(config(&with("concurrency = 0x10", "")).concurrency, 16);
        assert_eq!(config(&with("concurrency = +8", "")).concurrency, 8);
        // A number past what TOML holds is the TOML parser's error, still on its line.
        let e = one_error(&with("concurrency = 99999999999999999999", ""));
        assert!(e.starts_with("/etc/pf/pagefeed.toml:1: "), "{e}");
        // Per feed too.
        assert_eq!(
            errors(&with("", "max_items = 100001")),
            [
                "/etc/pf/pagefeed.toml:5: feed \"a\": max_items: 100001 is out of range: between 1 and 100000"
            ]
        );
        assert_eq!(
            config(&with("", "max_items = 100000")).feeds[0].max_items,
            100_000
        );
    }

    #[test]
    fn the_ranges_are_what_the_readme_says() {
        assert_eq!(short(INTERVAL_RANGE.start()), "100ms");
        assert_eq!(short(INTERVAL_RANGE.end()), "7d");
        assert_eq!(short(TIMEOUT_RANGE.start()), "1s");
        assert_eq!(short(TIMEOUT_RANGE.end()), "10m");
        assert_eq!(short(HOST_DELAY_RANGE.start()), "0s");
        assert_eq!(short(HOST_DELAY_RANGE.end()), "1h");
        assert_eq!(CONCURRENCY_RANGE, 1..=256);
        assert_eq!(MAX_ITEMS_RANGE, 1..=100_000);
        assert_eq!(short(&Duration::from_secs(90)), "90s");
        assert_eq!(short(&Duration::from_millis(1500)), "1500ms");
        // The defaults lie inside.
        let c = config(&with("", ""));
        assert!(TIMEOUT_RANGE.contains(&c.timeout));
        assert!(HOST_DELAY_RANGE.contains(&c.host_delay));
        assert!(CONCURRENCY_RANGE.contains(&c.concurrency));
        assert!(INTERVAL_RANGE.contains(&c.feeds[0].interval));
        assert!(MAX_ITEMS_RANGE.contains(&c.feeds[0].max_items));
    }

    #[test]
    fn the_user_agent_must_be_a_header_value() {
        let ua = "pagefeed/0.1 (+https://example.org/contact; ~!#$%&'*+-.^_`|)";
        assert_eq!(
            config(&with(&format!("user_agent = \"{ua}\""), "")).user_agent,
            ua
        );
        assert_eq!(
            config(&with("user_agent = \"  pagefeed/1  \"", "")).user_agent,
            "pagefeed/1"
        );
        assert!(config(&with("", "")).user_agent.starts_with("pagefeed/"));
        // Bytes past ASCII are obs-text: HTTP carries them, as reqwest sends them.
        assert_eq!(
            config(&with("user_agent = \"pagefeed (Zoë)\"", "")).user_agent,
            "pagefeed (Zoë)"
        );
        for bad in [
            "pagefeed/1\\nX-Injected: yes",
            "pagefeed/1\\r\\n",
            "pagefeed\\u0000",
            "pagefeed\\u007f",
            "pagefeed\\u001b[31m",
        ] {
            let e = one_error(&with(&format!("user_agent = \"{bad}\""), ""));
            assert!(
                e.starts_with("/etc/pf/pagefeed.toml:1: user_agent: \"")
                    && e.ends_with("cannot be sent in an HTTP header: it may not hold line breaks or other control characters"),
                "{bad}: {e}"
            );
            assert!(!e.contains('\n'), "the message stays on one line: {e}");
        }
        for empty in ["\"\"", "\" \\t \""] {
            let e = one_error(&with(&format!("user_agent = {empty}"), ""));
            assert!(
                e.starts_with("/etc/pf/pagefeed.toml:1: user_agent: is empty"),
                "{e}"
            );
        }
    }

    #[test]
    fn a_url_must_be_one_a_request_can_carry() {
        let long = format!("http://h.example/{}", "a".repeat(MAX_URI_LEN));
        let e = one_error(&format!(
            "[[feed]]\nid = \"a\"\nurl = \"{long}\"\n[feed.items]\nselect = \"li\"\n"
        ));
        assert!(
            e.starts_with("/etc/pf/pagefeed.toml:3: feed \"a\": url: \"http://h.example/aaa")
                && e.contains("…\" cannot be requested: it is 65551 bytes long"),
            "{e}"
        );
        assert!(e.len() < 300, "the URL is shortened in the message: {e}");
        // The longest that fits is fine, as are odd but encodable characters.
        let fits = format!("http://h.example/{}", "a".repeat(MAX_URI_LEN - 17));
        assert_eq!(fits.len(), MAX_URI_LEN);
        for url in [
            fits.as_str(),
            "https://h.example/a b/ä?q=`x`&r={y}|^",
            "http://[::1]:8080/x",
            "http://user:pw@h.example/",
        ] {
            let text =
                format!("[[feed]]\nid = \"a\"\nurl = \"{url}\"\n[feed.items]\nselect = \"li\"\n");
            assert!(errors(&text).is_empty(), "{url}: {:?}", errors(&text));
        }
    }

    #[test]
    fn only_the_summary_may_keep_markup() {
        let feed = "[[feed]]\nid = \"a\"\nurl = \"a.html\"\n[feed.items]\nselect = \"li\"\n";
        let c = parse(
            &format!("{feed}summary = {{ select = \"div.teaser\", html = true }}\n"),
            Path::new("/etc/pf/pagefeed.toml"),
            None,
        )
        .expect("valid config");
        assert!(c.feeds[0].items.summary.as_ref().is_some_and(|s| s.html));
        let errs = errors(&format!(
            "{feed}title = {{ select = \"h3\", html = true }}\nsummary = {{ select = \"p\", regex = \"(.*)\", html = true }}\nauthor = {{ select = \"b\", html = \"yes\" }}\ncategory = {{ select = \"i\", html = false }}\n"
        ));
        let expect = [
            "/etc/pf/pagefeed.toml:6: feed \"a\": items.title.html: only the summary can keep the page's markup; title is always text",
            "/etc/pf/pagefeed.toml:7: feed \"a\": items.summary.html: html = true publishes the matched element's markup: it cannot be combined with attr or regex",
            "/etc/pf/pagefeed.toml:8: feed \"a\": items.author.html: must be true or false",
        ];
        assert_eq!(errs, expect);
    }

    #[test]
    fn render_takes_its_default_and_refuses_the_rest() {
        let feed = |extra: &str| {
            format!(
                "[[feed]]\nid = \"a\"\nurl = \"a.html\"\n{extra}\n[feed.items]\nselect = \"li\"\n"
            )
        };
        assert_eq!(errors(&feed("render = \"http\"")), Vec::<String>::new());
        let errs = errors(&feed("render = \"browser\""));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].contains(":4: feed \"a\": render: \"browser\" needs an http(s) url"),
            "{errs:?}"
        );
        assert!(errors(&feed("render = \"js\""))[0].contains("not a way to render"));
    }

    /// `follow`, `content` and `follow_budget`: defaults, "full" turning follow on, and the
    /// one combination that cannot be.
    #[test]
    fn follow_and_content() {
        let feed = |extra: &str| {
            let text = format!(
                "[[feed]]\nid = \"a\"\nurl = \"a.html\"\n{extra}\n[feed.items]\nselect = \"li\"\n"
            );
            parse(&text, Path::new("/tmp/pagefeed.toml"), None)
                .map(|c| (c.feeds[0].follow, c.feeds[0].full, c.feeds[0].follow_budget))
        };
        let ok = |extra: &str| feed(extra).unwrap_or_else(|e| panic!("{extra}: {e:?}"));
        assert_eq!(ok(""), (false, false, 10));
        assert_eq!(ok("follow = true"), (true, false, 10));
        assert_eq!(ok("content = \"full\""), (true, true, 10));
        assert_eq!(ok("follow = true\ncontent = \"full\""), (true, true, 10));
        assert_eq!(
            ok("follow = false\ncontent = \"summary\""),
            (false, false, 10)
        );
        assert_eq!(ok("follow = true\nfollow_budget = 100"), (true, false, 100));
        assert_eq!(ok("follow_budget = 1").2, 1);
        let errs = errors(&feed_text("follow = false\ncontent = \"full\""));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].contains(":5: feed \"a\": content: \"full\"")
                && errs[0].contains("follow = false"),
            "{errs:?}"
        );
        for (extra, says) in [
            ("content = \"all\"", "not a kind of content"),
            ("follow = \"yes\"", "must be true or false"),
            ("follow_budget = 0", "out of range"),
            ("follow_budget = 101", "out of range"),
        ] {
            let errs = errors(&feed_text(extra));
            assert!(
                errs.len() == 1 && errs[0].contains(says),
                "{extra}: {errs:?}"
            );
        }
    }

    fn feed_text(extra: &str) -> String {
        format!("[[feed]]\nid = \"a\"\nurl = \"a.html\"\n{extra}\n[feed.items]\nselect = \"li\"\n")
    }

    #[test]
    fn a_rendered_feed_waits_for_its_item_selector_and_blocks_media_by_default() {
        let text = |top: &str, extra: &str| {
            format!(
                "{top}\n[[feed]]\nid = \"a\"\nurl = \"http://127.0.0.1:1/\"\n{extra}\n[feed.items]\nselect = \"ul.news>li:nth-child(2n) a[href^='/x']\"\n"
            )
        };
        let config = parse(
            &text("", "render = \"browser\""),
            Path::new("/c/p.toml"),
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let render = config.feeds[0].render.as_ref().expect("rendered");
        // The selector as CSS the browser reads: the same elements.
        assert_eq!(
            render.items.as_deref(),
            Some("ul.news > li:nth-child(2n) a[href^=\"/x\"]")
        );
        assert!(render.block_media);
        assert_eq!(config.browser.concurrency, 1);
        assert_eq!(config.browser.load_timeout, Duration::from_secs(30));
        assert_eq!(config.browser.executable, None);
        let config = parse(
            &text(
                "browser = \"bin/chromium\"\nbrowser_concurrency = 16\nbrowser_timeout = \"10m\"",
                "render = \"browser\"\nblock_media = false",
            ),
            Path::new("/c/p.toml"),
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !config.feeds[0]
                .render
                .as_ref()
                .expect("rendered")
                .block_media
        );
        assert_eq!(config.browser.concurrency, 16);
        assert_eq!(config.browser.load_timeout, Duration::from_secs(600));
        assert_eq!(
            config.browser.executable.as_deref(),
            Some(Path::new("/c/bin/chromium"))
        );
        let named = parse(
            &text("browser = \"chromium-browser\"", "render = \"browser\""),
            Path::new("/c/p.toml"),
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            named.browser.executable.as_deref(),
            Some(Path::new("chromium-browser"))
        );
        assert_eq!(
            config.fetch_options().browser.load_timeout,
            Duration::from_secs(600)
        );
        let http =
            parse(&text("", ""), Path::new("/c/p.toml"), None).unwrap_or_else(|e| panic!("{e}"));
        assert!(http.feeds[0].render.is_none());
        for (top, extra, says) in [
            (
                "browser_concurrency = 17",
                "",
                ":1: browser_concurrency: 17 is out of range: between 1 and 16",
            ),
            (
                "browser_concurrency = 0",
                "",
                "0 is out of range: between 1 and 16",
            ),
            (
                "browser_timeout = \"11m\"",
                "",
                "browser_timeout: \"11m\" is out of range: between 1s and 10m",
            ),
            (
                "browser_timeout = \"500ms\"",
                "",
                "is out of range: between 1s and 10m",
            ),
            (
                "",
                "block_media = false",
                "feed \"a\": block_media: applies only to render = \"browser\"",
            ),
            (
                "",
                "render = \"browser\"\nblock_media = 1",
                "block_media: must be true or false",
            ),
        ] {
            let errs = errors(&text(top, extra));
            assert!(
                errs.len() == 1 && errs[0].contains(says),
                "{top} {extra}: {errs:?}"
            );
        }
    }

    #[test]
    fn the_bundled_configs_are_valid() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for (file, ids) in [
            ("config/example.toml", vec!["buitenland"]),
            ("config/pagefeed.toml", vec![]),
        ] {
            let c = load(&root.join(file), None)
                .unwrap_or_else(|e| panic!("{file} does not pass check:\n{e}"));
            let found: Vec<&str> = c.feeds.iter().map(|f| f.id.as_str()).collect();
            if !ids.is_empty() {
                assert_eq!(found, ids, "{file}");
            }
            assert!(!c.feeds.is_empty(), "{file} has feeds");
        }
    }

    #[test]
    fn config_is_located_in_order() {
        assert_eq!(
            locate(Some(Path::new("a.toml")), Some("b.toml")),
            PathBuf::from("a.toml")
        );
        assert_eq!(locate(None, Some("b.toml")), PathBuf::from("b.toml"));
    }

    #[test]
    fn private_network_is_off_unless_a_feed_says_so() {
        let path = Path::new("/etc/pf/pagefeed.toml");
        let c = parse(GOOD, path, None).expect("valid config");
        assert!(!c.feeds[0].private_network);
        let on = GOOD.replace("max_items = 20", "private_network = true");
        let c = parse(&on, path, None).expect("valid config");
        assert!(c.feeds[0].private_network);
        let errs = errors(&GOOD.replace("max_items = 20", "private_network = \"yes\""));
        assert!(
            errs.iter()
                .any(|e| e.contains("private_network: must be true or false")),
            "{errs:?}"
        );
    }

    #[test]
    fn page_url_must_be_an_http_url() {
        let c = config(&with(
            "",
            "page_url = \"https://nieuws.example/buitenland\"",
        ));
        assert_eq!(
            c.feeds[0].page_url.as_ref().map(Url::as_str),
            Some("https://nieuws.example/buitenland")
        );
        assert_eq!(config(&with("", "")).feeds[0].page_url, None);
        for bad in [
            "file:///tmp/x.html",
            "nieuws.example/x",
            "mailto:x@example.org",
        ] {
            let e = one_error(&with("", &format!("page_url = \"{bad}\"")));
            assert!(
                e.starts_with("/etc/pf/pagefeed.toml:5: feed \"a\": page_url: ")
                    && e.contains("is not an absolute http(s) URL"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn a_field_may_ask_for_its_text() {
        let feed = "[[feed]]\nid = \"a\"\nurl = \"a.html\"\n[feed.items]\nselect = \"li\"\n";
        let c = parse(
            &format!("{feed}date = {{ select = \"time\", text = true }}\n"),
            Path::new("/etc/pf/pagefeed.toml"),
            None,
        )
        .expect("valid config");
        assert!(c.feeds[0].items.date.as_ref().is_some_and(|d| d.text));
        let errs = errors(&format!(
            "{feed}date = {{ select = \"time\", attr = \"datetime\", text = true }}\nlink = {{ select = \"a\", text = \"yes\" }}\nsummary = {{ select = \"p\", html = true, text = true }}\n"
        ));
        assert_eq!(
            errs,
            [
                "/etc/pf/pagefeed.toml:6: feed \"a\": items.date.text: text = true takes the element's text: it cannot be combined with attr, which takes an attribute",
                "/etc/pf/pagefeed.toml:7: feed \"a\": items.link.text: must be true or false",
                "/etc/pf/pagefeed.toml:8: feed \"a\": items.summary.text: text = true takes the element's text: it cannot be combined with html = true",
            ]
        );
    }
}
