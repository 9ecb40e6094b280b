//! Where a page comes from (a feed's `url` value: http(s) URL, file:// URL or path), and reading
//! a page from a file.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use tokio::io::AsyncReadExt;
use url::Url;

use super::{FetchError, Page, Validators, check_html, decode};

/// A page's source: a web address or a local file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Http(Url),
    File(PathBuf),
}

impl Source {
    /// A feed's `url` from the config: http(s) URL, file:// URL, or a path relative to
    /// `base_dir` (the config's folder). Anything else (ftp:, mailto:, garbage) is an error
    /// naming the value.
    pub fn parse(value: &str, base_dir: &Path) -> Result<Source, FetchError> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(bad(
                value,
                "empty; expected an http(s) URL, a file:// URL or a path",
            ));
        }
        if trimmed.contains('\0') {
            return Err(bad(value, "contains a NUL character"));
        }
        match scheme(trimmed) {
            Some(scheme) => parse_url(value, trimmed, &scheme),
            None => Ok(Source::File(absolute(base_dir.join(trimmed)))),
        }
    }

    /// The URL or path, for messages.
    pub fn describe(&self) -> String {
        match self {
            Source::Http(url) => url.to_string(),
            Source::File(path) => path.display().to_string(),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

fn bad(value: &str, reason: &str) -> FetchError {
    FetchError::BadSource {
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}

/// The lower-cased URL scheme `value` starts with, if any. One letter before a colon is a
/// Windows drive, not a scheme.
fn scheme(value: &str) -> Option<String> {
    let (scheme, _) = value.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && scheme.len() > 1
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

fn parse_url(value: &str, trimmed: &str, scheme: &str) -> Result<Source, FetchError> {
    if !matches!(scheme, "http" | "https" | "file") {
        let reason = format!(
            "unsupported scheme \"{scheme}:\"; expected an http(s) URL, a file:// URL or a path"
        );
        return Err(bad(value, &reason));
    }
    let url = Url::parse(trimmed).map_err(|e| bad(value, &format!("not a valid URL ({e})")))?;
    if scheme != "file" {
        return Ok(Source::Http(url));
    }
    let path = url
        .to_file_path()
        .map_err(|()| bad(value, "a file:// URL must name a local absolute path"))?;
    Ok(Source::File(path))
}

fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}

/// Read a page from a file: size capped by metadata before reading and by the bytes read,
/// not-HTML sniffing, decoding as a browser does a file (no content type).
pub(super) async fn read_file(path: &Path, max_body: u64) -> Result<Page, FetchError> {
    let io_error = |source| FetchError::Io {
        path: path.to_path_buf(),
        source,
    };
    let origin = path.display().to_string();
    let metadata = tokio::fs::metadata(path).await.map_err(io_error)?;
    if metadata.is_dir() {
        let source = io::Error::new(io::ErrorKind::IsADirectory, "is a directory");
        return Err(io_error(source));
    }
    if metadata.len() > max_body {
        return Err(FetchError::too_large(&origin, max_body));
    }
    let file = tokio::fs::File::open(path).await.map_err(io_error)?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    let mut capped = file.take(max_body.saturating_add(1));
    capped.read_to_end(&mut bytes).await.map_err(io_error)?;
    if bytes.len() as u64 > max_body {
        return Err(FetchError::too_large(&origin, max_body));
    }
    page_from_file(path, &origin, bytes)
}

fn page_from_file(path: &Path, origin: &str, bytes: Vec<u8>) -> Result<Page, FetchError> {
    check_html(&bytes, None, origin)?;
    let (text, encoding) = decode(&bytes, None, origin)?;
    let url = Url::from_file_path(path).map_err(|()| FetchError::BadSource {
        value: origin.to_owned(),
        reason: "not an absolute path".to_owned(),
    })?;
    Ok(Page {
        text,
        url,
        date: None,
        validators: Validators::default(),
        from_file: true,
        encoding,
        bytes: bytes.len(),
        content_language: None,
    })
}

/// A file error in words a user can act on.
pub(super) fn io_reason(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "is a directory, not a file".to_owned(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{FetchOptions, Fetched, Fetcher};
    use super::*;

    fn parse(value: &str) -> Result<Source, FetchError> {
        Source::parse(value, Path::new("/etc/pagefeed"))
    }

    #[test]
    fn parses_urls_and_paths() {
        let http = parse("https://nieuws.example/buitenland").ok();
        assert_eq!(
            http.map(|s| s.describe()).as_deref(),
            Some("https://nieuws.example/buitenland")
        );
        assert!(matches!(parse("HTTP://x.example/"), Ok(Source::Http(_))));
        let file = parse("file:///srv/pages/a.html").ok();
        assert_eq!(file, Some(Source::File(PathBuf::from("/srv/pages/a.html"))));
        let relative = parse("pages/a.html").ok();
        assert_eq!(
            relative,
            Some(Source::File(PathBuf::from("/etc/pagefeed/pages/a.html")))
        );
        let absolute = parse("/srv/a.html").ok();
        assert_eq!(absolute, Some(Source::File(PathBuf::from("/srv/a.html"))));
    }

    #[test]
    fn rejects_bad_values_naming_them() {
        for value in [
            "ftp://x.example/a",
            "mailto:a@b.example",
            "",
            "   ",
            "http://",
            "https://exa mple.example/",
            "file://remote.example/a.html",
            "javascript:alert(1)",
        ] {
            match parse(value) {
                Err(e @ FetchError::BadSource { .. }) => {
                    assert!(e.to_string().contains(&format!("{value:?}")), "{e}");
                }
                other => panic!("{value:?} gave {other:?}"),
            }
        }
        let message = parse("ftp://x.example/a").err().map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some(
                "feed url \"ftp://x.example/a\": unsupported scheme \"ftp:\"; \
                 expected an http(s) URL, a file:// URL or a path"
            )
        );
    }

    async fn fetch_file(source: &Source) -> Result<Page, FetchError> {
        let fetcher = Fetcher::new(FetchOptions::default())?;
        match fetcher.fetch(source, None).await? {
            Fetched::Page(page) => Ok(*page),
            Fetched::NotModified => panic!("a file is never NotModified"),
        }
    }

    #[tokio::test]
    async fn reads_a_path_relative_to_the_base_dir() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        std::fs::create_dir(dir.path().join("pages"))?;
        std::fs::write(dir.path().join("pages/a.html"), b"<p>caf\xe9</p>")?;
        let source = Source::parse("pages/a.html", dir.path())?;
        let page = fetch_file(&source).await?;
        assert_eq!(page.text, "<p>café</p>");
        assert_eq!(page.encoding, "windows-1252");
        assert!(page.from_file);
        assert_eq!(page.bytes, 11);
        assert_eq!(page.date, None);
        assert_eq!(page.url.scheme(), "file");
        assert_eq!(
            page.url.to_file_path().ok(),
            Some(dir.path().join("pages/a.html"))
        );
        Ok(())
    }

    #[tokio::test]
    async fn reads_a_file_url() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("b.html");
        std::fs::write(&path, "<meta charset=utf-8><p>één</p>")?;
        let url = Url::from_file_path(&path).map_err(|()| "bad path")?;
        let source = Source::parse(url.as_str(), Path::new("/elsewhere"))?;
        let page = fetch_file(&source).await?;
        assert_eq!(page.text, "<meta charset=utf-8><p>één</p>");
        assert_eq!(page.url, url);
        Ok(())
    }

    #[tokio::test]
    async fn file_errors_name_the_path() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let missing = dir.path().join("missing.html");
        let e = fetch_file(&Source::File(missing.clone())).await.err();
        assert!(
            matches!(&e, Some(FetchError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound)
        );
        let expected = format!("{}: no such file", missing.display());
        assert_eq!(e.map(|e| e.to_string()), Some(expected));

        let e = fetch_file(&Source::File(dir.path().to_path_buf()))
            .await
            .err();
        let expected = format!("{}: is a directory, not a file", dir.path().display());
        assert_eq!(e.map(|e| e.to_string()), Some(expected));
        Ok(())
    }

    #[tokio::test]
    async fn binary_and_oversized_files_are_refused() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let png = dir.path().join("image.html");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")?;
        let e = fetch_file(&Source::File(png.clone())).await.err();
        let expected = format!("{}: not HTML (PNG image)", png.display());
        assert_eq!(e.map(|e| e.to_string()), Some(expected));

        let big = dir.path().join("big.html");
        std::fs::write(&big, vec![b'a'; 2048])?;
        let e = read_file(&big, 1024).await.err();
        let expected = format!("{}: body larger than 1 KiB", big.display());
        assert_eq!(e.map(|e| e.to_string()), Some(expected));
        Ok(())
    }
}
