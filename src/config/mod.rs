//! The config file: TOML in, a validated [`Config`] out, or every mistake in it at once.
//!
//! The file is walked by hand over `toml`'s spanned document rather than deserialised with
//! serde, so that each error can name the file, the line, the key and the feed it belongs to,
//! and so that one `pagefeed check` lists all the mistakes instead of only the first.
//!
//! This module holds the configuration's types, finding, reading and checking the file, the
//! schema (every key once: its name, the tables it may be written in, its reader) and the
//! walk of the top table; `walk` has the readers and the unknown-key check, `feed` the feeds
//! and their items, `limits` every range and default.

pub mod edit;
mod feed;
mod limits;
#[cfg(test)]
mod tests;
mod walk;

pub use limits::*;

use crate::dates::{Language, Rounding};
use crate::fetch::Source;
use crate::fetch::browser::{BrowserOptions, Render};
use crate::fetch::request::SiteRequest;
use crate::filter::Filter;
use crate::timeline::Order;
use chrono_tz::Tz;
use feed::Defaults;
use regex::Regex;
use reqwest::header::{HeaderName, HeaderValue};
use scraper::Selector;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use toml::de::DeTable;
use url::Url;
use walk::{Doc, Entry, Key, Section, Table, Value};

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
    /// Whether the file names the zone (the feed's own `timezone`, or the top level's); where
    /// it does not, clock times without an offset are read as UTC, and `check` says so.
    pub timezone_named: bool,
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
    /// `[feed.filter]`: the items kept (every item where it is not written).
    pub filter: Filter,
    /// `[feed.request]`: headers and cookies for the feed's own site.
    pub request: Arc<SiteRequest>,
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
    let unreadable = |message: String| {
        ConfigErrors(vec![ConfigError {
            file: path.to_path_buf(),
            line: 0,
            feed: None,
            key: String::new(),
            message,
        }])
    };
    let text = match edit::read(path) {
        Ok(Some(text)) => text,
        Ok(None) => {
            return Err(unreadable(
                "cannot read the config: No such file or directory".into(),
            ));
        }
        Err(e) => return Err(unreadable(format!("cannot read the config: {e}"))),
    };
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
    let config = config(&mut doc, root.get_ref(), state_directory);
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

// The schema of the file, written once: every key with the tables it may be written in and
// the reader of its value. The walk reads each key through its constant here (and, in debug
// builds, checks that it reads it only where the schema allows it), and what a table allows
// comes from `SCHEMA`, which the same list makes: the unknown-key errors, their did-you-mean,
// and where a key written below its own table goes.

/// `NAME: Type = "name" in [Tables] by reader;` makes `const NAME: Key<Type>` and the entry
/// of `SCHEMA` for it. A reader takes the section, the key's name and its value; one written
/// `NAME: Type, given C = …` also takes what the table above hands down.
macro_rules! schema {
    ($(
        $(#[$doc:meta])*
        $key:ident: $out:ty $(, given $given:ty)? = $name:literal in [$($at:ident),+] by $read:expr;
    )+) => {
        $(
            $(#[$doc])*
            const $key: Key<$out $(, $given)?> = Key {
                name: $name,
                at: &[$(Table::$at),+],
                read: schema!(@read $read $(, $given)?),
            };
        )+

        /// Every key of the file with the tables it may be written in.
        const SCHEMA: &[Entry] = &[$(Entry { name: $name, at: &[$(Table::$at),+] }),+];
    };
    (@read $read:expr) => {
        |sec, doc, key, value, _| ($read)(sec, doc, key, value)
    };
    (@read $read:expr, $given:ty) => {
        $read
    };
}

schema! {
    /// Where the feed files are written.
    OUTPUT_DIR: String = "output_dir" in [Top] by walk::text;
    /// The state's folder.
    STATE_DIR: String = "state_dir" in [Top] by walk::text;
    /// Where `output_dir` is served: each feed's self link.
    BASE_URL: Url = "base_url" in [Top] by base_url;
    /// Sent with every request.
    USER_AGENT: String = "user_agent" in [Top] by user_agent;
    /// Polls in flight at once.
    CONCURRENCY: usize = "concurrency" in [Top]
        by |sec, doc, key, v| walk::count(sec, doc, key, v, CONCURRENCY_RANGE);
    /// The least gap between two requests to one host.
    HOST_DELAY: Duration = "host_delay" in [Top]
        by |sec, doc, key, v| walk::duration(sec, doc, key, v, HOST_DELAY_RANGE);
    /// The longest one request may take.
    TIMEOUT: Duration = "timeout" in [Top]
        by |sec, doc, key, v| walk::duration(sec, doc, key, v, TIMEOUT_RANGE);
    /// Where the feeds are served over HTTP.
    LISTEN: SocketAddr = "listen" in [Top] by listen;
    /// The browser for rendered feeds: a path or a name on `PATH`.
    BROWSER: String = "browser" in [Top] by walk::text;
    /// Rendered polls in flight at once.
    BROWSER_CONCURRENCY: usize = "browser_concurrency" in [Top]
        by |sec, doc, key, v| walk::count(sec, doc, key, v, BROWSER_CONCURRENCY_RANGE);
    /// The longest a rendered page may take.
    BROWSER_TIMEOUT: Duration = "browser_timeout" in [Top]
        by |sec, doc, key, v| walk::duration(sec, doc, key, v, BROWSER_TIMEOUT_RANGE);

    // The defaults at the top, which each feed may override.

    /// The poll interval.
    INTERVAL: Duration = "interval" in [Top, Feed]
        by |sec, doc, key, v| walk::duration(sec, doc, key, v, INTERVAL_RANGE);
    /// How long a new item dated only to the hour may be held back.
    SETTLE: Duration = "settle" in [Top, Feed]
        by |sec, doc, key, v| walk::duration(sec, doc, key, v, SETTLE_RANGE);
    /// The zone of clock times without an offset.
    TIMEZONE: Tz = "timezone" in [Top, Feed] by walk::timezone;
    /// The languages dates are read in.
    LANGUAGE: Vec<Language> = "language" in [Top, Feed] by walk::languages;
    /// Items kept in a feed.
    MAX_ITEMS: usize = "max_items" in [Top, Feed]
        by |sec, doc, key, v| walk::count(sec, doc, key, v, MAX_ITEMS_RANGE);

    /// `[[feed]]`, each one walked with the top's values as its defaults.
    FEED: Vec<Arc<Feed>>, given Defaults = "feed" in [Top] by feed::feeds;

    // A feed's own keys.

    /// Names the feed and its files.
    ID: String = "id" in [Feed] by feed::id;
    /// Where the page is read from.
    URL: Source = "url" in [Feed] by feed::url;
    /// The feed's title.
    TITLE: String = "title" in [Feed] by walk::text;
    /// Whether robots.txt is obeyed.
    ROBOTS: bool = "robots" in [Feed] by walk::boolean;
    /// Whether the page may lead to internal addresses.
    PRIVATE_NETWORK: bool = "private_network" in [Feed] by walk::boolean;
    /// How the site rounds relative times.
    ROUNDING: Rounding = "rounding" in [Feed] by feed::rounding;
    /// Where links resolve and what the feed links to.
    PAGE_URL: Url = "page_url" in [Feed] by feed::page_url;
    /// Whether the page is loaded in the browser ("browser") or not ("http").
    RENDER: bool = "render" in [Feed] by feed::render_in_browser;
    /// Whether a rendered page's media are refused.
    BLOCK_MEDIA: bool = "block_media" in [Feed] by walk::boolean;
    /// Whether each new item's own page is read.
    FOLLOW: bool = "follow" in [Feed] by walk::boolean;
    /// Whether the item page's main text is published ("full") or not ("summary").
    CONTENT: bool = "content" in [Feed] by feed::content;
    /// Item pages fetched per poll.
    FOLLOW_BUDGET: usize = "follow_budget" in [Feed]
        by |sec, doc, key, v| walk::count(sec, doc, key, v, FOLLOW_BUDGET_RANGE);
    /// `[feed.items]`.
    ITEMS: Items = "items" in [Feed] by feed::items;
    /// `[feed.filter]`: which items the feed keeps.
    FILTER: Filter = "filter" in [Feed] by feed::filter;
    /// `[feed.request]`: the feed's own headers and cookies.
    REQUEST: SiteRequest, given Option<Url> = "request" in [Feed] by feed::request;

    // `[feed.filter]`.

    /// Patterns one of which an item must match to be kept.
    INCLUDE: Vec<regex::Regex> = "include" in [Filter] by walk::patterns;
    /// Patterns none of which an item may match to be kept.
    EXCLUDE: Vec<regex::Regex> = "exclude" in [Filter] by walk::patterns;

    // `[feed.request]`.

    /// Headers sent with the feed's requests to its own site.
    HEADERS: Vec<(HeaderName, HeaderValue)> = "headers" in [Request] by walk::headers;
    /// A cookie file (Netscape format) for the feed's site.
    COOKIES: cookie_store::CookieStore = "cookies" in [Request] by walk::cookie_file;

    // `[feed.items]`.

    /// The selector of the items, one match each.
    SELECT: Selector = "select" in [Items] by walk::selector;
    /// Where each item's title is.
    ITEM_TITLE: Field = "title" in [Items] by walk::field;
    /// Where each item's link is.
    LINK: Field = "link" in [Items] by walk::field;
    /// Where each item's summary is.
    SUMMARY: Field = "summary" in [Items] by walk::field;
    /// Where each item's date is.
    DATE: Field = "date" in [Items] by walk::field;
    /// Where each item's author is.
    AUTHOR: Field = "author" in [Items] by walk::field;
    /// Where each item's categories are.
    CATEGORY: Field = "category" in [Items] by walk::field;
    /// How the page lists its items.
    ORDER: Order = "order" in [Items] by feed::order;

    // A field written as a table.

    /// The field's selector, compiled by `walk::field`, which names its mistakes.
    FIELD_SELECT: String = "select" in [Field] by walk::text;
    /// The attribute to take instead of the text.
    ATTR: String = "attr" in [Field] by walk::text;
    /// The pattern whose first group is kept, compiled by `walk::field`.
    REGEX: String = "regex" in [Field] by walk::text;
    /// Whether the summary keeps the page's markup.
    HTML: bool = "html" in [Field] by walk::boolean;
    /// Whether the element's text is taken, never an attribute.
    TEXT: bool = "text" in [Field] by walk::boolean;
}

/// The top table: the settings of the whole daemon, the defaults its feeds inherit, and the
/// feeds.
fn config(doc: &mut Doc<'_>, root: &DeTable<'_>, state_directory: Option<&str>) -> Config {
    let top = Section {
        table: root,
        at: Table::Top,
        prefix: "",
        feed: None,
    };
    top.unknown_keys(doc);
    let folder = doc.folder();
    let output_dir = folder.join(
        top.read(doc, &OUTPUT_DIR)
            .as_deref()
            .unwrap_or(OUTPUT_DIR_DEFAULT),
    );
    let state_dir = match top.read(doc, &STATE_DIR) {
        Some(s) => folder.join(s),
        None => match state_directory.filter(|s| !s.is_empty()) {
            // systemd may list several folders separated by ':'; the first is ours.
            Some(s) => PathBuf::from(s.split(':').next().unwrap_or(s)),
            // The service's config: the service's state, whoever reads it.
            None if folder == Path::new(SERVICE_CONFIG_DIR) => PathBuf::from(SERVICE_STATE_DIR),
            None => folder.join(STATE_DIR_DEFAULT),
        },
    };
    let base_url = top.read(doc, &BASE_URL);
    let user_agent = top
        .read(doc, &USER_AGENT)
        .unwrap_or_else(|| USER_AGENT_DEFAULT.to_string());
    let concurrency = top.read(doc, &CONCURRENCY).unwrap_or(CONCURRENCY_DEFAULT);
    let host_delay = top.read(doc, &HOST_DELAY).unwrap_or(HOST_DELAY_DEFAULT);
    let timeout = top.read(doc, &TIMEOUT).unwrap_or(TIMEOUT_DEFAULT);
    let listen = top.read(doc, &LISTEN);
    let browser = BrowserOptions {
        // A name alone ("chromium") is looked for on PATH; a path is relative to the
        // config's folder.
        executable: top.read(doc, &BROWSER).map(|s| {
            if s.contains('/') {
                folder.join(s)
            } else {
                PathBuf::from(s)
            }
        }),
        concurrency: top
            .read(doc, &BROWSER_CONCURRENCY)
            .unwrap_or(BROWSER_CONCURRENCY_DEFAULT),
        load_timeout: top
            .read(doc, &BROWSER_TIMEOUT)
            .unwrap_or(BROWSER_TIMEOUT_DEFAULT),
    };
    let defaults = Defaults {
        interval: top.read(doc, &INTERVAL).unwrap_or(INTERVAL_DEFAULT),
        settle: top.read(doc, &SETTLE).unwrap_or(SETTLE_DEFAULT),
        timezone: top.read(doc, &TIMEZONE),
        languages: top
            .read(doc, &LANGUAGE)
            .unwrap_or_else(|| LANGUAGES_DEFAULT.to_vec()),
        max_items: top.read(doc, &MAX_ITEMS).unwrap_or(MAX_ITEMS_DEFAULT),
    };
    if top.value(&FEED).is_none() {
        top.fail(
            doc,
            0..0,
            FEED.name,
            "no [[feed]] is configured; add one with `pagefeed suggest URL --add FILE`".into(),
        );
    }
    let feeds = top.read_with(doc, &FEED, &defaults).unwrap_or_default();
    Config {
        path: doc.file.to_path_buf(),
        output_dir,
        state_dir,
        base_url,
        user_agent,
        concurrency,
        host_delay,
        timeout,
        timezone: defaults.timezone.unwrap_or(TIMEZONE_DEFAULT),
        languages: defaults.languages,
        listen,
        browser,
        feeds,
    }
}

/// `base_url`: an absolute http(s) URL, ending in a slash so that a file name joined to it
/// keeps its last segment.
fn base_url(sec: &Section<'_, '_>, doc: &mut Doc<'_>, key: &str, v: &Value<'_>) -> Option<Url> {
    let s = walk::text(sec, doc, key, v)?;
    match Url::parse(&s) {
        Ok(mut u) if matches!(u.scheme(), "http" | "https") => {
            if !u.path().ends_with('/') {
                let p = format!("{}/", u.path());
                u.set_path(&p);
            }
            Some(u)
        }
        Ok(_) | Err(_) => {
            sec.fail(
                doc,
                v.span(),
                key,
                format!("{s:?} is not an absolute http(s) URL"),
            );
            None
        }
    }
}

/// `user_agent`: sent as a header with every request, so it must be one.
fn user_agent(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<String> {
    let s = walk::text(sec, doc, key, v)?;
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
    sec.fail(doc, v.span(), key, message);
    None
}

/// `listen`: an IP address and a port, such as `127.0.0.1:8080` or `[::1]:8080`. A host
/// name would need a lookup at start and could mean several addresses; port 0 would serve on
/// a port no one knows.
fn listen(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<SocketAddr> {
    let text = walk::text(sec, doc, key, v)?;
    let example = "such as \"127.0.0.1:8080\" or \"[::1]:8080\"";
    let message = match text.trim().parse::<SocketAddr>() {
        Ok(a) if a.port() == 0 => format!("{text:?} has port 0: name the port to serve on"),
        Ok(a) => return Some(a),
        Err(_) => format!("{text:?} is not an IP address and port to listen on, {example}"),
    };
    sec.fail(doc, v.span(), key, message);
    None
}
