//! `/<id>.rss`, `/<id>.atom`, `/<id>.json`: the files the publisher wrote, byte for byte,
//! with validators (a strong ETag, a hash of the bytes, and Last-Modified, the file's
//! mtime) so that readers get 304s, and a `Cache-Control` tied to the feed's interval.
//!
//! Only the files of feeds in the config are served, and only as regular files (never
//! through a link, never a FIFO or a device), no larger than [`MAX_FILE`]. The ETag of each
//! file version is kept by its inode, size and mtime (the publisher replaces files whole, by
//! rename), so a 304 costs a `stat`, not a read.

use super::{Shared, plain};
use crate::publish::open_regular;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Response, StatusCode, header};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// The largest feed file served (the publisher keeps far smaller ones: `max_items` items).
pub const MAX_FILE: u64 = 64 * 1024 * 1024;

/// The media type of each served extension.
pub fn content_type(ext: &str) -> Option<&'static str> {
    match ext {
        "rss" => Some("application/rss+xml; charset=utf-8"),
        "atom" => Some("application/atom+xml; charset=utf-8"),
        "json" => Some("application/feed+json; charset=utf-8"),
        _ => None,
    }
}

/// Which version of a file: what a replaced file cannot share with the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Version {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: Option<SystemTime>,
}

/// ETags by file and version. Holds one entry per served file name, bounded by the feeds
/// configured.
#[derive(Default)]
pub struct Etags(Mutex<HashMap<std::path::PathBuf, (Version, String)>>);

impl Etags {
    fn get(&self, path: &std::path::Path, v: Version) -> Option<String> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(path)
            .filter(|(k, _)| *k == v)
            .map(|(_, e)| e.clone())
    }

    fn put(&self, path: &std::path::Path, v: Version, etag: &str) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(path.to_path_buf(), (v, etag.to_string()));
    }
}

/// The strong ETag of `bytes`: the first 128 bits of their SHA-256, quoted.
pub fn etag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// The validators of a request, and of the file.
#[derive(Debug, Default)]
pub struct Conditions<'a> {
    pub if_none_match: Option<&'a str>,
    pub if_modified_since: Option<&'a str>,
}

impl Conditions<'_> {
    /// Whether the client's copy is current (RFC 9110 §13.1.2, §13.1.3): `If-None-Match`
    /// where sent (`*`, or any tag that matches weakly, a content coding's suffix ignored),
    /// else `If-Modified-Since` not before the file's mtime, in whole seconds.
    pub fn not_modified(&self, etag: &str, modified: Option<SystemTime>) -> bool {
        if let Some(inm) = self.if_none_match {
            let ours = bare(etag);
            return inm
                .split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || bare(tag.strip_prefix("W/").unwrap_or(tag)) == ours);
        }
        match (self.if_modified_since, modified) {
            (Some(since), Some(modified)) => match httpdate::parse_http_date(since) {
                Ok(since) => whole_seconds(modified) <= since,
                Err(_) => false,
            },
            _ => false,
        }
    }
}

/// An ETag without the suffix the compression layer adds for a content coding (see
/// [`super::tag_encoding`]), so that a client holding the gzip version's tag still matches.
fn bare(tag: &str) -> &str {
    let inner = tag.trim_matches('"');
    inner
        .strip_suffix("-gzip")
        .or_else(|| inner.strip_suffix("-br"))
        .unwrap_or(inner)
}

fn whole_seconds(t: SystemTime) -> SystemTime {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

/// A served file: its version's validators, and its bytes unless the client's copy is
/// current.
struct Served {
    etag: String,
    modified: Option<SystemTime>,
    bytes: Option<Vec<u8>>,
}

/// Open `path` as a regular file (no links, FIFOs, devices), and read it unless `fresh`
/// says the client has this version; `None` where there is no such file.
fn read(
    path: &std::path::Path,
    etags: &Etags,
    fresh: impl Fn(&str, Option<SystemTime>) -> bool,
) -> std::io::Result<Option<Served>> {
    let file = match open_regular(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        // A link (ELOOP under O_NOFOLLOW), a FIFO or anything else: not a feed file.
        Err(_) => return Ok(None),
    };
    let meta = file.metadata()?;
    if meta.len() > MAX_FILE {
        return Err(std::io::Error::other(format!(
            "{}: larger than {MAX_FILE} bytes; not served",
            path.display()
        )));
    }
    #[cfg(unix)]
    let (dev, ino) = {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino())
    };
    #[cfg(not(unix))]
    let (dev, ino) = (0, 0);
    let version = Version {
        dev,
        ino,
        len: meta.len(),
        mtime: meta.modified().ok(),
    };
    if let Some(etag) = etags.get(path, version)
        && fresh(&etag, version.mtime)
    {
        return Ok(Some(Served {
            etag,
            modified: version.mtime,
            bytes: None,
        }));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE + 1).read_to_end(&mut bytes)?;
    let tag = etag(&bytes);
    etags.put(path, version, &tag);
    let current = fresh(&tag, version.mtime);
    Ok(Some(Served {
        etag: tag,
        modified: version.mtime,
        bytes: (!current).then_some(bytes),
    }))
}

/// `GET /<id>.<ext>`.
pub async fn feed_file(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response<Body> {
    let Some((id, ext)) = name.rsplit_once('.') else {
        return super::not_found();
    };
    let Some(mime) = content_type(ext) else {
        return super::not_found();
    };
    let config = shared.config();
    let Some(feed) = config.feeds.iter().find(|f| f.id == id) else {
        return super::not_found();
    };
    let path = config.output_dir.join(format!("{id}.{ext}"));
    let max_age = feed.interval.as_secs().max(1);
    let if_none_match = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let if_modified_since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let shared2 = shared.clone();
    let read = shared
        .blocking(move || {
            let conditions = Conditions {
                if_none_match: if_none_match.as_deref(),
                if_modified_since: if_modified_since.as_deref(),
            };
            read(&path, &shared2.etags, |etag, modified| {
                conditions.not_modified(etag, modified)
            })
        })
        .await;
    let served = match read {
        Ok(Ok(Some(s))) => s,
        Ok(Ok(None)) => return super::not_found(),
        Ok(Err(e)) => {
            tracing::warn!("serving {name}: {e}");
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot read the feed file\n",
            );
        }
        Err(status) => return plain(status, "busy; try again\n"),
    };
    let mut response = Response::builder()
        .header(header::ETAG, &served.etag)
        .header(header::CACHE_CONTROL, format!("max-age={max_age}"));
    if let Some(m) = served.modified {
        response = response.header(header::LAST_MODIFIED, httpdate::fmt_http_date(m));
    }
    let built = match served.bytes {
        None => response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty()),
        Some(bytes) => response
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, mime)
            .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
            .body(Body::from(bytes)),
    };
    built.unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "error\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn when(s: &str) -> SystemTime {
        httpdate::parse_http_date(s).expect("date")
    }

    #[test]
    fn etags_are_strong_hashes_of_the_bytes() {
        let a = etag(b"<rss/>");
        assert!(
            a.starts_with('"') && a.ends_with('"') && a.len() == 34,
            "{a}"
        );
        assert_eq!(a, etag(b"<rss/>"));
        assert_ne!(a, etag(b"<rss/> "));
    }

    #[test]
    fn if_none_match_decides_before_if_modified_since() {
        let tag = etag(b"x");
        let modified = Some(when("Wed, 04 Mar 2026 12:30:00 GMT") + Duration::from_millis(400));
        let c = |inm: Option<&'static str>, ims: Option<&'static str>| Conditions {
            if_none_match: inm,
            if_modified_since: ims,
        };
        assert!(!c(None, None).not_modified(&tag, modified));
        let ours: &'static str = Box::leak(tag.clone().into_boxed_str());
        assert!(c(Some(ours), None).not_modified(&tag, modified));
        assert!(c(Some("*"), None).not_modified(&tag, modified));
        let listed: &'static str = Box::leak(format!("\"other\", W/{tag}").into_boxed_str());
        assert!(
            c(Some(listed), None).not_modified(&tag, modified),
            "weak comparison"
        );
        let gz: &'static str =
            Box::leak(format!("\"{}-gzip\"", tag.trim_matches('"')).into_boxed_str());
        assert!(
            c(Some(gz), None).not_modified(&tag, modified),
            "the gzip tag"
        );
        assert!(
            !c(Some("\"other\""), Some("Wed, 04 Mar 2026 13:00:00 GMT"))
                .not_modified(&tag, modified),
            "a tag that does not match wins over a date that would"
        );
        assert!(c(None, Some("Wed, 04 Mar 2026 12:30:00 GMT")).not_modified(&tag, modified));
        assert!(c(None, Some("Wed, 04 Mar 2026 13:30:00 GMT")).not_modified(&tag, modified));
        assert!(!c(None, Some("Wed, 04 Mar 2026 12:29:59 GMT")).not_modified(&tag, modified));
        assert!(!c(None, Some("yesterday")).not_modified(&tag, modified));
        assert!(!c(None, Some("Wed, 04 Mar 2026 13:30:00 GMT")).not_modified(&tag, None));
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read_and_a_304_reads_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let etags = Etags::default();
        let file = dir.path().join("a.rss");
        std::fs::write(&file, b"<rss/>").expect("write");
        let first = read(&file, &etags, |_, _| false)
            .expect("read")
            .expect("there");
        assert_eq!(first.bytes.as_deref(), Some(&b"<rss/>"[..]));
        let tag = first.etag.clone();
        let again = read(&file, &etags, |e, _| e == tag)
            .expect("read")
            .expect("there");
        assert!(again.bytes.is_none(), "fresh: not read");
        let link = dir.path().join("b.rss");
        std::os::unix::fs::symlink(&file, &link).expect("symlink");
        assert!(read(&link, &etags, |_, _| false).expect("ok").is_none());
        let fifo = dir.path().join("c.rss");
        let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("path");
        // SAFETY: mkfifo reads a NUL-terminated path and nothing else.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        assert!(read(&fifo, &etags, |_, _| false).expect("ok").is_none());
        assert!(
            read(&dir.path().join("none.rss"), &etags, |_, _| false)
                .expect("ok")
                .is_none()
        );
    }
}
