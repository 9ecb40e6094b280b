//! Bytes to text as a browser does it (BOM, HTTP charset, `<meta>` prescan, UTF-8, guess), and
//! telling a page from binary data (content type, signatures, NUL bytes).

use encoding_rs::{
    DecoderResult, Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED,
};

use super::FetchError;

/// How far into a body the `<meta>` prescan and the binary sniffing look.
const HEAD: usize = 1024;

/// Decode a body as a browser does: byte order mark, then the HTTP charset (from the Content-Type
/// header value, if any), then a `<meta charset>` / `<meta http-equiv="Content-Type">` prescan of
/// the first 1024 bytes, else UTF-8 if the bytes are valid UTF-8, else a guess with chardetng
/// (typically windows-1252). A declared label encoding_rs does not know is an error
/// (UnknownCharset); bytes that are malformed in the chosen encoding are an error (Malformed) —
/// never silently replaced. `origin` names the page in errors.
pub fn decode(
    bytes: &[u8],
    content_type: Option<&str>,
    origin: &str,
) -> Result<(String, &'static str), FetchError> {
    let (encoding, start) = choose_encoding(bytes, content_type, origin)?;
    let body = bytes.get(start..).unwrap_or_default();
    let text = decode_strict(encoding, body, start, origin)?;
    Ok((text, encoding.name()))
}

/// The encoding to use and where the text starts (past a byte order mark).
fn choose_encoding(
    bytes: &[u8],
    content_type: Option<&str>,
    origin: &str,
) -> Result<(&'static Encoding, usize), FetchError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return Ok((encoding, bom_len));
    }
    if let Some(label) = content_type.and_then(charset_param) {
        return Ok((lookup(label, origin)?, 0));
    }
    if let Some(label) = prescan(bytes) {
        return Ok((from_meta(lookup(&label, origin)?), 0));
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok((UTF_8, 0));
    }
    Ok((guess(bytes, origin), 0))
}

fn lookup(label: &str, origin: &str) -> Result<&'static Encoding, FetchError> {
    Encoding::for_label(label.as_bytes()).ok_or_else(|| FetchError::UnknownCharset {
        origin: origin.to_owned(),
        label: label.trim().to_owned(),
    })
}

/// A `<meta>` can only be read if the bytes are ASCII-compatible: UTF-16 there means UTF-8.
fn from_meta(encoding: &'static Encoding) -> &'static Encoding {
    if encoding == UTF_16LE || encoding == UTF_16BE {
        UTF_8
    } else if encoding == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        encoding
    }
}

fn guess(bytes: &[u8], origin: &str) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let tld = top_level_domain(origin);
    detector.guess(tld.as_deref(), chardetng::Utf8Detection::Deny)
}

/// The host's last label, only when it is what chardetng accepts (lower-case ASCII, no dot).
fn top_level_domain(origin: &str) -> Option<Vec<u8>> {
    let url = url::Url::parse(origin).ok()?;
    let label = url.host_str()?.rsplit('.').next()?;
    let usable = label
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && label.bytes().any(|b| b.is_ascii_lowercase());
    usable.then(|| label.as_bytes().to_vec())
}

/// Decode without replacement; `offset` is where `bytes` starts in the body (for messages).
fn decode_strict(
    encoding: &'static Encoding,
    bytes: &[u8],
    offset: usize,
    origin: &str,
) -> Result<String, FetchError> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let room = |len: usize| len.saturating_mul(3).max(16);
    let capacity = decoder.max_utf8_buffer_length_without_replacement(bytes.len());
    let mut text = String::with_capacity(capacity.unwrap_or_else(|| room(bytes.len())));
    let mut read = 0;
    loop {
        let rest = bytes.get(read..).unwrap_or_default();
        let (result, consumed) =
            decoder.decode_to_string_without_replacement(rest, &mut text, true);
        read += consumed;
        match result {
            DecoderResult::InputEmpty => return Ok(text),
            DecoderResult::OutputFull => text.reserve(room(bytes.len().saturating_sub(read))),
            DecoderResult::Malformed(bad, extra) => {
                let at = read.saturating_sub(usize::from(bad) + usize::from(extra));
                return Err(FetchError::Malformed {
                    origin: origin.to_owned(),
                    encoding: encoding.name(),
                    offset: offset + at,
                });
            }
        }
    }
}

/// The `charset` parameter of a Content-Type value, unquoted.
pub(super) fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        (!value.is_empty()).then_some(value)
    })
}

/// The media type of a Content-Type value, lower-cased, without parameters ("" when absent).
pub(super) fn essence(content_type: &str) -> String {
    let essence = content_type.split(';').next().unwrap_or_default();
    essence.trim().to_ascii_lowercase()
}

/// Whether a Content-Type may hold a page: any text/*, HTML, XML, or no (usable) type at all.
pub(super) fn acceptable_type(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return true;
    };
    let essence = essence(content_type);
    !essence.contains('/')
        || essence.starts_with("text/")
        || essence == "application/xhtml+xml"
        || essence == "application/xml"
        || essence.ends_with("+xml")
}

const SIGNATURES: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
];

/// What binary data the bytes look like, if they do: a known signature, or NUL bytes in the
/// first 1024 bytes of a body that is not UTF-16.
pub(super) fn sniff_binary(bytes: &[u8], content_type: Option<&str>) -> Option<&'static str> {
    if let Some((_, what)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Some(what);
    }
    let head = bytes.get(..HEAD).unwrap_or(bytes);
    (head.contains(&0) && !is_utf16(bytes, content_type)).then_some("binary data, NUL bytes")
}

fn is_utf16(bytes: &[u8], content_type: Option<&str>) -> bool {
    let declared = content_type
        .and_then(charset_param)
        .and_then(|label| Encoding::for_label(label.as_bytes()));
    let encoding = Encoding::for_bom(bytes).map(|(e, _)| e).or(declared);
    encoding.is_some_and(|e| e == UTF_16LE || e == UTF_16BE)
}

/// The WHATWG "prescan a byte stream to determine its encoding" over the first 1024 bytes:
/// the charset label of the first `<meta charset>` or `<meta http-equiv="content-type">`
/// (comments and other tags' attributes skipped).
pub(super) fn prescan(bytes: &[u8]) -> Option<String> {
    let mut scan = Scanner {
        bytes: bytes.get(..HEAD).unwrap_or(bytes),
        pos: 0,
    };
    while scan.pos < scan.bytes.len() {
        if let Some(label) = scan.step()? {
            return Some(label);
        }
        scan.pos += 1;
    }
    None
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// One attribute, the end of a tag's attributes, or the end of the input (prescan gives up).
enum Attr {
    Pair(Vec<u8>, Vec<u8>),
    Done,
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn rest(&self) -> &[u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    /// Handle what starts at `pos`, leaving `pos` on its last byte. `None`: input ran out
    /// (stop); `Some(Some(label))`: found; `Some(None)`: go on.
    fn step(&mut self) -> Option<Option<String>> {
        let rest = self.rest();
        if rest.starts_with(b"<!--") {
            self.pos = self.find_from(self.pos + 2, b"-->")? + 2;
        } else if rest.len() > 5
            && rest[..5].eq_ignore_ascii_case(b"<meta")
            && (is_space(rest[5]) || rest[5] == b'/')
        {
            self.pos += 6;
            return self.meta();
        } else if self.at_tag() {
            self.skip_tag()?;
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            self.pos = self.find_from(self.pos, b">")?;
        }
        Some(None)
    }

    fn find_from(&self, from: usize, needle: &[u8]) -> Option<usize> {
        let hay = self.bytes.get(from..)?;
        hay.windows(needle.len())
            .position(|w| w == needle)
            .map(|i| from + i)
    }

    fn at_tag(&self) -> bool {
        let letter = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphabetic());
        self.peek() == Some(b'<')
            && (letter(self.at(1)) || (self.at(1) == Some(b'/') && letter(self.at(2))))
    }

    fn skip_tag(&mut self) -> Option<()> {
        while !matches!(self.peek()?, b'>') && !is_space(self.peek()?) {
            self.pos += 1;
        }
        while let Attr::Pair(..) = self.attribute()? {}
        Some(())
    }

    /// The attributes of a `<meta>`: its charset label if it declares one.
    fn meta(&mut self) -> Option<Option<String>> {
        let mut seen: Vec<Vec<u8>> = Vec::new();
        let (mut got_pragma, mut need_pragma, mut charset) = (false, None, None);
        while let Attr::Pair(name, value) = self.attribute()? {
            if seen.contains(&name) {
                continue;
            }
            match name.as_slice() {
                b"http-equiv" => got_pragma |= value == b"content-type",
                b"content" if charset.is_none() => {
                    if let Some(label) = charset_from_content(&value) {
                        charset = Some(label);
                        need_pragma = Some(true);
                    }
                }
                b"charset" if charset.is_none() => {
                    charset = Some(String::from_utf8_lossy(&value).into_owned());
                    need_pragma = Some(false);
                }
                _ => {}
            }
            seen.push(name);
        }
        let declared = match need_pragma {
            Some(true) => got_pragma,
            Some(false) => true,
            None => false,
        };
        Some(charset.filter(|_| declared))
    }

    fn skip_while(&mut self, pred: impl Fn(u8) -> bool) {
        while self.peek().is_some_and(&pred) {
            self.pos += 1;
        }
    }

    /// WHATWG "get an attribute"; names and values lower-cased.
    fn attribute(&mut self) -> Option<Attr> {
        self.skip_while(|b| is_space(b) || b == b'/');
        if self.peek()? == b'>' {
            return Some(Attr::Done);
        }
        let mut name = Vec::new();
        loop {
            let b = self.peek()?;
            if b == b'=' && !name.is_empty() {
                self.pos += 1;
                break;
            }
            if is_space(b) {
                self.skip_while(is_space);
                if self.peek()? != b'=' {
                    return Some(Attr::Pair(name, Vec::new()));
                }
                self.pos += 1;
                break;
            }
            if b == b'/' || b == b'>' {
                return Some(Attr::Pair(name, Vec::new()));
            }
            name.push(b.to_ascii_lowercase());
            self.pos += 1;
        }
        let value = self.attribute_value()?;
        Some(Attr::Pair(name, value))
    }

    fn attribute_value(&mut self) -> Option<Vec<u8>> {
        self.skip_while(is_space);
        let mut value = Vec::new();
        let first = self.peek()?;
        if first == b'"' || first == b'\'' {
            self.pos += 1;
            loop {
                let b = self.peek()?;
                self.pos += 1;
                if b == first {
                    return Some(value);
                }
                value.push(b.to_ascii_lowercase());
            }
        }
        loop {
            let b = self.peek()?;
            if is_space(b) || b == b'>' {
                return Some(value);
            }
            value.push(b.to_ascii_lowercase());
            self.pos += 1;
        }
    }
}

/// WHATWG "extract a character encoding from a meta element" (`value` already lower-cased).
fn charset_from_content(value: &[u8]) -> Option<String> {
    let mut pos = 0;
    loop {
        let found = value.get(pos..)?.windows(7).position(|w| w == b"charset")?;
        pos += found + 7;
        while value.get(pos).copied().is_some_and(is_space) {
            pos += 1;
        }
        if value.get(pos) != Some(&b'=') {
            continue;
        }
        pos += 1;
        while value.get(pos).copied().is_some_and(is_space) {
            pos += 1;
        }
        let rest = value.get(pos..)?;
        let label = match rest.first()? {
            &quote @ (b'"' | b'\'') => {
                let inner = rest.get(1..)?;
                &inner[..inner.iter().position(|&b| b == quote)?]
            }
            _ => {
                let end = rest.iter().position(|&b| is_space(b) || b == b';');
                &rest[..end.unwrap_or(rest.len())]
            }
        };
        return (!label.is_empty()).then(|| String::from_utf8_lossy(label).into_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(bytes: &[u8], content_type: Option<&str>) -> (String, &'static str) {
        match decode(bytes, content_type, "https://example.nl/page") {
            Ok(result) => result,
            Err(e) => panic!("decode failed: {e}"),
        }
    }

    fn err(bytes: &[u8], content_type: Option<&str>) -> FetchError {
        match decode(bytes, content_type, "https://example.nl/page") {
            Ok(result) => panic!("decode should fail, gave {result:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn bom_wins_over_header_and_meta() {
        let bytes = b"\xef\xbb\xbf<meta charset=shift_jis>caf\xc3\xa9";
        let (text, enc) = ok(bytes, Some("text/html; charset=windows-1252"));
        assert_eq!(
            (text.as_str(), enc),
            ("<meta charset=shift_jis>café", "UTF-8")
        );
    }

    #[test]
    fn utf16_bom() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "<p>é</p>".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(ok(&bytes, None), ("<p>é</p>".to_owned(), "UTF-16LE"));
        assert_eq!(sniff_binary(&bytes, None), None);
    }

    #[test]
    fn http_charset_wins_over_meta() {
        let bytes = b"<meta charset=utf-8><p>caf\xe9";
        let (text, enc) = ok(bytes, Some("text/html;charset=\"ISO-8859-1\""));
        assert_eq!(
            (text.as_str(), enc),
            ("<meta charset=utf-8><p>café", "windows-1252")
        );
    }

    #[test]
    fn meta_charset() {
        let bytes =
            b"<!doctype html><html><head><META Charset='Shift_JIS'><title>\x93\xfa\x96\x7b</title>";
        let (text, enc) = ok(bytes, Some("text/html"));
        assert_eq!(enc, "Shift_JIS");
        assert!(text.ends_with("<title>日本</title>"), "{text}");
    }

    #[test]
    fn meta_http_equiv() {
        let bytes = b"<head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\">\xf0\xd2\xc9";
        let (text, enc) = ok(bytes, None);
        assert_eq!(enc, "KOI8-R");
        assert!(text.ends_with("При"), "{text}");
    }

    #[test]
    fn meta_content_without_http_equiv_is_ignored() {
        let bytes = b"<meta content=\"text/html; charset=koi8-r\"><p>caf\xc3\xa9";
        assert_eq!(ok(bytes, None).1, "UTF-8");
    }

    #[test]
    fn meta_in_comment_or_past_1024_bytes_is_ignored() {
        let commented = b"<!-- <meta charset=koi8-r> --><p>caf\xc3\xa9";
        assert_eq!(ok(commented, None).1, "UTF-8");
        let mut late = vec![b' '; 1100];
        late.extend_from_slice(b"<meta charset=koi8-r><p>caf\xc3\xa9");
        assert_eq!(ok(&late, None).1, "UTF-8");
    }

    #[test]
    fn meta_in_other_tags_attribute_is_ignored() {
        let bytes = b"<div title='<meta charset=koi8-r>'></div><meta charset=iso-8859-2>";
        assert_eq!(prescan(bytes).as_deref(), Some("iso-8859-2"));
    }

    #[test]
    fn meta_utf16_means_utf8() {
        assert_eq!(ok(b"<meta charset=utf-16><p>caf\xc3\xa9", None).1, "UTF-8");
    }

    #[test]
    fn undeclared_utf8() {
        assert_eq!(
            ok(b"<p>caf\xc3\xa9</p>", None),
            ("<p>café</p>".to_owned(), "UTF-8")
        );
    }

    #[test]
    fn undeclared_windows_1252() {
        assert_eq!(
            ok(b"<p>caf\xe9</p>", None),
            ("<p>café</p>".to_owned(), "windows-1252")
        );
    }

    #[test]
    fn unknown_label_is_an_error() {
        let e = err(b"<p>x", Some("text/html; charset=x-foo"));
        assert!(matches!(&e, FetchError::UnknownCharset { label, .. } if label == "x-foo"));
        assert_eq!(
            e.to_string(),
            "https://example.nl/page: unknown charset \"x-foo\""
        );
        let e = err(b"<meta charset=\"x-bar\"><p>x", None);
        assert!(matches!(&e, FetchError::UnknownCharset { label, .. } if label == "x-bar"));
    }

    #[test]
    fn malformed_utf8_is_an_error() {
        let e = err(b"<p>caf\xe9 au lait", Some("text/html; charset=utf-8"));
        assert!(matches!(
            e,
            FetchError::Malformed {
                encoding: "UTF-8",
                offset: 6,
                ..
            }
        ));
        assert_eq!(
            e.to_string(),
            "https://example.nl/page: bytes not valid UTF-8 (at byte 6)"
        );
    }

    #[test]
    fn malformed_shift_jis_is_an_error() {
        let e = err(b"<meta charset=shift_jis><p>\x81\x20", None);
        assert!(
            matches!(
                e,
                FetchError::Malformed {
                    encoding: "Shift_JIS",
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn empty_body_decodes() {
        assert_eq!(ok(b"", None), (String::new(), "UTF-8"));
    }

    #[test]
    fn charset_parameter_parsing() {
        assert_eq!(
            charset_param("text/html; Charset = \"utf-8\""),
            Some("utf-8")
        );
        assert_eq!(
            charset_param("text/html; q=1; charset=latin1"),
            Some("latin1")
        );
        assert_eq!(charset_param("text/html; charset="), None);
        assert_eq!(charset_param("text/html"), None);
    }

    #[test]
    fn content_types() {
        for good in [
            "text/html; charset=utf-8",
            "TEXT/HTML",
            "application/xhtml+xml",
            "text/plain",
            "application/xml",
            "text/xml",
            "",
        ] {
            assert!(acceptable_type(Some(good)), "{good}");
        }
        assert!(acceptable_type(None));
        for bad in [
            "image/png",
            "application/json",
            "application/pdf",
            "application/octet-stream",
            "video/mp4",
            "audio/mpeg",
        ] {
            assert!(!acceptable_type(Some(bad)), "{bad}");
        }
    }

    #[test]
    fn binary_sniffing() {
        assert_eq!(
            sniff_binary(b"\x89PNG\r\n\x1a\n....", None),
            Some("PNG image")
        );
        assert_eq!(sniff_binary(b"%PDF-1.7", None), Some("PDF document"));
        assert_eq!(sniff_binary(b"\x1f\x8b\x08", None), Some("gzip data"));
        assert_eq!(
            sniff_binary(b"<p>a\0b", None),
            Some("binary data, NUL bytes")
        );
        assert_eq!(
            sniff_binary(b"<p>a\0b", Some("text/html; charset=utf-16le")),
            None
        );
        let mut late_nul = vec![b'a'; 2000];
        late_nul.push(0);
        assert_eq!(sniff_binary(&late_nul, None), None);
        assert_eq!(sniff_binary(b"<html>", None), None);
    }

    #[test]
    fn prescan_never_panics_on_truncated_input() {
        let inputs: [&[u8]; 9] = [
            b"<meta",
            b"<meta ",
            b"<meta charset",
            b"<meta charset=",
            b"<meta charset=\"utf",
            b"<meta content='charset=\"",
            b"<!--",
            b"<a href",
            b"</",
        ];
        for input in inputs {
            assert_eq!(prescan(input), None, "{input:?}");
        }
    }

    #[test]
    fn tld_for_guessing() {
        assert_eq!(
            top_level_domain("https://www.example.jp/x"),
            Some(b"jp".to_vec())
        );
        assert_eq!(top_level_domain("http://127.0.0.1:8080/"), None);
        assert_eq!(top_level_domain("/some/file.html"), None);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let pieces: [&[u8]; 12] = [
            b"<meta",
            b" charset=",
            b"\"",
            b"'",
            b"http-equiv=content-type",
            b" content=",
            b"<!--",
            b"-->",
            b">",
            b"\xe9",
            b"\xc3",
            b"\0",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            let mut bytes = Vec::new();
            for _ in 0..(seed % 24) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let piece = pieces[(seed % pieces.len() as u64) as usize];
                bytes.extend_from_slice(piece);
            }
            let _ = prescan(&bytes);
            let _ = sniff_binary(&bytes, Some("text/html; charset=\"utf-16"));
            let _ = decode(&bytes, None, "x");
        }
    }
}
