//! The walk over the file's TOML: [`Doc`], the file and the mistakes found in it so far;
//! [`Section`], one table of it with what its mistakes should say about where they are; the
//! typed readers that turn a value into a string, a bool, a whole number or a duration
//! within its range, a time zone, languages, a selector or a field, each recording what is
//! wrong instead; and the check for unknown keys, whose allowed keys and did-you-mean come
//! from the schema, `SCHEMA` in the module's root.

use super::{ConfigError, Field, SCHEMA};
use crate::dates::Language;
use chrono_tz::Tz;
use regex::Regex;
use scraper::Selector;
use std::ops::{Range, RangeInclusive};
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub(super) type Value<'i> = Spanned<DeValue<'i>>;

/// The tables of the file a key may be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Table {
    /// The top of the file, above the first `[[feed]]`.
    Top,
    /// A `[[feed]]`.
    Feed,
    /// A feed's `[feed.items]`.
    Items,
    /// A field of the items written as a table, `{ select = "…", attr = "…" }`.
    Field,
    /// A feed's `[feed.filter]`.
    Filter,
    /// A feed's `[feed.request]`.
    Request,
}

/// One key of the schema: its name and the tables it may be written in.
pub(super) struct Entry {
    pub name: &'static str,
    pub at: &'static [Table],
}

/// A key the walk reads: its name, the tables it may be written in, and its reader, which
/// takes what `C` the table above hands down (nothing but for a feed, which inherits the
/// top's defaults).
pub(super) struct Key<T, C = ()> {
    pub name: &'static str,
    pub at: &'static [Table],
    pub read: Read<T, C>,
}

/// A key's reader: from the section the key is in, its name there, its value and what the
/// table above hands down, the value the walk builds with, or None with the mistake recorded.
pub(super) type Read<T, C> = fn(&Section<'_, '_>, &mut Doc<'_>, &str, &Value<'_>, &C) -> Option<T>;

/// The file being validated and the mistakes found so far.
pub(super) struct Doc<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub errors: Vec<ConfigError>,
}

impl Doc<'_> {
    fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    pub fn error(&mut self, span: Range<usize>, feed: Option<&str>, key: &str, message: String) {
        let line = self.line(span.start);
        self.errors.push(ConfigError {
            file: self.file.to_path_buf(),
            line,
            feed: feed.map(str::to_string),
            key: key.to_string(),
            message,
        });
    }

    /// The config's folder, which relative paths resolve against.
    pub fn folder(&self) -> PathBuf {
        match self.file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}

/// A table of the file, with what its errors should say about where they are.
pub(super) struct Section<'t, 'i> {
    pub table: &'t DeTable<'i>,
    /// Which table of the schema this is: the keys it allows.
    pub at: Table,
    /// Prefix of key names in messages, e.g. "items.".
    pub prefix: &'t str,
    pub feed: Option<&'t str>,
}

impl<'t, 'i> Section<'t, 'i> {
    pub fn fail(&self, doc: &mut Doc<'_>, span: Range<usize>, key: &str, message: String) {
        let key = format!("{}{key}", self.prefix);
        doc.error(span, self.feed, &key, message);
    }

    /// The value of `key` as written, if it is.
    pub fn value<T, C>(&self, key: &Key<T, C>) -> Option<&'t Value<'i>> {
        debug_assert!(
            key.at.contains(&self.at),
            "{} is not read in {:?}",
            key.name,
            self.at
        );
        self.table.get(key.name)
    }

    /// `key`'s value, read; None where it is not written or is wrong (the mistake recorded).
    pub fn read<T>(&self, doc: &mut Doc<'_>, key: &Key<T>) -> Option<T> {
        self.read_with(doc, key, &())
    }

    /// `key`'s value, read with `given` from the table above.
    pub fn read_with<T, C>(&self, doc: &mut Doc<'_>, key: &Key<T, C>, given: &C) -> Option<T> {
        let v = self.value(key)?;
        (key.read)(self, doc, key.name, v, given)
    }

    /// `key`'s value, read, with where it is written.
    pub fn spanned<T>(&self, doc: &mut Doc<'_>, key: &Key<T>) -> Option<(T, Range<usize>)> {
        let v = self.value(key)?;
        (key.read)(self, doc, key.name, v, &()).map(|t| (t, v.span()))
    }

    /// Records `message` at `span` when the required `key` is not written as a string (every
    /// required key is one): so a value of another type is named both wrong and missing.
    pub fn require<T>(&self, doc: &mut Doc<'_>, key: &Key<T>, span: Range<usize>, message: &str) {
        if self.value(key).and_then(|v| v.get_ref().as_str()).is_none() {
            self.fail(doc, span, key.name, message.to_string());
        }
    }

    /// Records every key of this table that the schema does not allow here, each at its own
    /// place.
    pub fn unknown_keys(&self, doc: &mut Doc<'_>) {
        self.unknown_keys_where(doc, None);
    }

    /// As [`Self::unknown_keys`], all recorded at `span` (a field table's are recorded at the
    /// field).
    pub fn unknown_keys_at(&self, doc: &mut Doc<'_>, span: Range<usize>) {
        self.unknown_keys_where(doc, Some(span));
    }

    fn unknown_keys_where(&self, doc: &mut Doc<'_>, span: Option<Range<usize>>) {
        for (key, _) in self.table.iter() {
            if let Some(message) = unknown(key.get_ref(), self.at) {
                let at = span.clone().unwrap_or_else(|| key.span());
                self.fail(doc, at, key.get_ref(), message);
            }
        }
    }
}

/// The message for `key` in table `at`, where the schema does not allow it there. TOML puts
/// a key in the table whose header it follows, so a key of the top (or of the feed) written
/// after a `[[feed]]` (or after `[feed.items]`) lands here: the message says where it goes.
/// It also names the allowed key this one is likely a typo of.
fn unknown(key: &str, at: Table) -> Option<String> {
    let allowed_in = |table: Table| {
        SCHEMA
            .iter()
            .any(|e| e.name == key && e.at.contains(&table))
    };
    if allowed_in(at) {
        return None;
    }
    let goes = match (at, allowed_in(Table::Feed), allowed_in(Table::Top)) {
        (Table::Feed, _, true) | (Table::Items, false, true) => {
            "; top-level keys go above the first [[feed]]"
        }
        (Table::Items, true, true) => {
            "; feed keys go above [feed.items], top-level keys above the first [[feed]]"
        }
        (Table::Items, true, false) => "; feed keys go above [feed.items]",
        _ => "",
    };
    let allowed: Vec<&str> = SCHEMA
        .iter()
        .filter(|e| e.at.contains(&at))
        .map(|e| e.name)
        .collect();
    let typo = closest(key, &allowed)
        .map(|c| format!("; did you mean {c:?}?"))
        .unwrap_or_default();
    Some(format!("unknown key{goes}{typo}"))
}

/// A string.
pub(super) fn text(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<String> {
    match v.get_ref().as_str() {
        Some(s) => Some(s.to_string()),
        None => {
            sec.fail(
                doc,
                v.span(),
                key,
                format!("must be a string, not {}", v.get_ref().type_str()),
            );
            None
        }
    }
}

/// `true` or `false`.
pub(super) fn boolean(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<bool> {
    let b = v.get_ref().as_bool();
    if b.is_none() {
        sec.fail(doc, v.span(), key, "must be true or false".into());
    }
    b
}

/// A whole number in `range`.
pub(super) fn count(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
    range: RangeInclusive<usize>,
) -> Option<usize> {
    let Some(i) = v.get_ref().as_integer() else {
        sec.fail(
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
        let message = format!(
            "{written} is out of range: {}",
            between(&range, usize::to_string)
        );
        sec.fail(doc, v.span(), key, message);
    }
    n
}

/// A duration such as `30s`, `5m`, `1h30m` in `range`. A duration too large for the parser
/// ("600000000000y") is out of range like any other.
pub(super) fn duration(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
    range: RangeInclusive<Duration>,
) -> Option<Duration> {
    let s = text(sec, doc, key, v)?;
    let message = match humantime::parse_duration(s.trim()) {
        Ok(d) if range.contains(&d) => return Some(d),
        Ok(_) | Err(humantime::DurationError::NumberOverflow) => {
            format!("{s:?} is out of range: {}", between(&range, short))
        }
        Err(e) => format!("{s:?} is not a duration like 30s, 5m, 1h or 1h30m ({e})"),
    };
    sec.fail(doc, v.span(), key, message);
    None
}

/// An IANA time zone.
pub(super) fn timezone(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<Tz> {
    let s = text(sec, doc, key, v)?;
    match s.parse::<Tz>() {
        Ok(tz) => Some(tz),
        Err(_) => {
            sec.fail(
                doc,
                v.span(),
                key,
                format!("{s:?} is not an IANA time zone such as \"Europe/Amsterdam\" or \"UTC\""),
            );
            None
        }
    }
}

/// `"nl"`, `["nl", "en"]` or `"auto"` (an empty list: every language).
pub(super) fn languages(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<Vec<Language>> {
    let codes: Vec<(&str, Range<usize>)> = match v.get_ref() {
        DeValue::String(s) => vec![(s.as_ref(), v.span())],
        DeValue::Array(a) => a
            .iter()
            .filter_map(|e| match e.get_ref().as_str() {
                Some(s) => Some((s, e.span())),
                None => {
                    sec.fail(doc, e.span(), key, "each language must be a string".into());
                    None
                }
            })
            .collect(),
        other => {
            sec.fail(
                doc,
                v.span(),
                key,
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
                sec.fail(
                    doc,
                    span,
                    key,
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

/// A CSS selector.
pub(super) fn selector(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<Selector> {
    let s = text(sec, doc, key, v)?;
    compile(sec, doc, key, &s, v.span())
}

/// `text` compiled as a CSS selector.
fn compile(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    text: &str,
    span: Range<usize>,
) -> Option<Selector> {
    match Selector::parse(text) {
        Ok(s) => Some(s),
        Err(e) => {
            sec.fail(
                doc,
                span,
                key,
                format!("selector {text:?} does not compile: {}", selector_error(&e)),
            );
            None
        }
    }
}

/// A field: `"css"` or `{ select = "css", attr = "…", regex = "…" }`, with `html` and `text`.
pub(super) fn field(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<Field> {
    use super::{ATTR, FIELD_SELECT, HTML, REGEX, SUMMARY, TEXT};
    let t = match v.get_ref() {
        DeValue::String(s) => {
            return Some(Field {
                selector: compile(sec, doc, key, s, v.span())?,
                attr: None,
                regex: None,
                html: false,
                text: false,
            });
        }
        DeValue::Table(t) => t,
        other => {
            sec.fail(
                doc,
                v.span(),
                key,
                format!(
                    "must be a selector string or a table {{ select, attr, regex }}, not {}",
                    other.type_str()
                ),
            );
            return None;
        }
    };
    // Mistakes in the table are named after the field ("items.date.regex"), but for a
    // string key holding another type, which is named as the items' key ("items.regex").
    let prefix = format!("{}{key}.", sec.prefix);
    let named = Section {
        table: t,
        at: Table::Field,
        prefix: &prefix,
        feed: sec.feed,
    };
    let typed = Section {
        prefix: sec.prefix,
        ..named
    };
    named.unknown_keys_at(doc, v.span());
    let selector = typed
        .spanned(doc, &FIELD_SELECT)
        .and_then(|(s, span)| compile(&named, doc, FIELD_SELECT.name, &s, span));
    named.require(
        doc,
        &FIELD_SELECT,
        v.span(),
        "missing: a field table needs select = \"…\"",
    );
    let attr = typed.read(doc, &ATTR);
    let regex = typed
        .spanned(doc, &REGEX)
        .and_then(|(s, span)| match Regex::new(&s) {
            Ok(r) => Some(r),
            Err(e) => {
                named.fail(
                    doc,
                    span,
                    REGEX.name,
                    format!("regex {s:?} does not compile: {}", one_line(&e.to_string())),
                );
                None
            }
        });
    // `html = true`: only the summary keeps the page's markup, and only markup taken whole
    // (no attr, no regex).
    let html = named.spanned(doc, &HTML).is_some_and(|(html, span)| {
        if html && key != SUMMARY.name {
            named.fail(
                doc,
                span,
                HTML.name,
                format!("only the summary can keep the page's markup; {key} is always text"),
            );
            return false;
        }
        if html && (attr.is_some() || regex.is_some()) {
            named.fail(
                doc,
                span,
                HTML.name,
                "html = true publishes the matched element's markup: it cannot be combined with attr or regex".into(),
            );
            return false;
        }
        html
    });
    // `text = true`: the element's text rather than an attribute, so neither beside `attr`
    // (which names the attribute to take) nor `html`.
    let text = named.spanned(doc, &TEXT).is_some_and(|(text, span)| {
        if text && attr.is_some() {
            named.fail(
                doc,
                span,
                TEXT.name,
                "text = true takes the element's text: it cannot be combined with attr, which takes an attribute".into(),
            );
            return false;
        }
        if text && html {
            named.fail(
                doc,
                span,
                TEXT.name,
                "text = true takes the element's text: it cannot be combined with html = true"
                    .into(),
            );
            return false;
        }
        text
    });
    Some(Field {
        selector: selector?,
        attr,
        regex,
        html,
        text,
    })
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
pub(super) fn short(d: &Duration) -> String {
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

/// `s` with each run of whitespace, line breaks included, as one space.
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

/// A list of regular expressions (`[feed.filter]`'s `include`, `exclude`), each compiled
/// within the filter's size limit; every one that does not compile is named.
pub(super) fn patterns(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<Vec<Regex>> {
    let Some(list) = v.get_ref().as_array() else {
        sec.fail(
            doc,
            v.span(),
            key,
            "must be a list of regular expressions: [\"(?i)release\"]".into(),
        );
        return None;
    };
    let mut out = Vec::with_capacity(list.len());
    let mut ok = true;
    for item in list {
        match item.get_ref().as_str() {
            Some(p) => match crate::filter::compile(p) {
                Ok(r) => out.push(r),
                Err(e) => {
                    sec.fail(
                        doc,
                        item.span(),
                        key,
                        format!("regex {p:?} does not compile: {}", one_line(&e.to_string())),
                    );
                    ok = false;
                }
            },
            None => {
                sec.fail(
                    doc,
                    item.span(),
                    key,
                    "each pattern must be a string".into(),
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// Headers no feed may set: those of the protocol itself (the request's length and framing,
/// the connection, the host), pagefeed's own validators and encodings, which its requests
/// need as they are.
const PROTOCOL_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authorization",
    "proxy-authenticate",
    "te",
    "trailer",
    "upgrade",
    "accept-encoding",
    "if-none-match",
    "if-modified-since",
];

/// `[feed.request]`'s `headers`: a table of header names and their values, each a header
/// HTTP can carry; a protocol header is refused by name.
pub(super) fn headers(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>> {
    use reqwest::header::{HeaderName, HeaderValue};
    let Some(table) = v.get_ref().as_table() else {
        sec.fail(
            doc,
            v.span(),
            key,
            "must be a table of header names and values: { \"Accept-Language\" = \"de-DE\" }"
                .into(),
        );
        return None;
    };
    let mut out = Vec::with_capacity(table.len());
    let mut ok = true;
    for (name, value) in table.iter() {
        let at = name.span();
        let name = name.get_ref();
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            sec.fail(doc, at, key, format!("{name:?} is not a header name"));
            ok = false;
            continue;
        };
        if PROTOCOL_HEADERS.contains(&header.as_str()) {
            sec.fail(
                doc,
                at,
                key,
                format!("{name}: pagefeed sets this header itself; a feed cannot"),
            );
            ok = false;
            continue;
        }
        // The value is never quoted in a message: it may be a secret.
        match value.get_ref().as_str().map(HeaderValue::from_str) {
            Some(Ok(mut v)) => {
                v.set_sensitive(true);
                out.push((header, v));
            }
            Some(Err(_)) => {
                sec.fail(
                    doc,
                    value.span(),
                    key,
                    format!("{name}: the value holds characters a header cannot carry"),
                );
                ok = false;
            }
            None => {
                sec.fail(
                    doc,
                    value.span(),
                    key,
                    format!("{name}: the value must be a string"),
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// `[feed.request]`'s `cookies`: a cookie file in the Netscape format, its path relative to
/// the config's folder, read now (and at each reload); a file that is missing, unreadable or
/// not such a file is named.
pub(super) fn cookie_file(
    sec: &Section<'_, '_>,
    doc: &mut Doc<'_>,
    key: &str,
    v: &Value<'_>,
) -> Option<cookie_store::CookieStore> {
    let name = text(sec, doc, key, v)?;
    let path = doc.folder().join(&name);
    let read = match super::edit::read(&path) {
        Ok(Some(t)) => crate::fetch::request::read_cookie_file(&t),
        Ok(None) => Err("no such file".to_string()),
        Err(e) => Err(e.to_string()),
    };
    match read {
        Ok(jar) => Some(jar),
        Err(e) => {
            sec.fail(
                doc,
                v.span(),
                key,
                format!("cannot read the cookie file {}: {e}", path.display()),
            );
            None
        }
    }
}
