//! Fetching over HTTP against a hand-written HTTP/1.1 server on 127.0.0.1 (never elsewhere).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// What the test server does with one request.
enum Reply {
    /// Write these bytes, then close.
    Raw(Vec<u8>),
    /// Write these bytes (maybe nothing), then hold the connection open without a word.
    Hold(Vec<u8>),
    /// Write the head, then body bytes without end (chunked or until close), up to 1 GiB;
    /// report how many body bytes went out before the client hung up.
    Flood { head: Vec<u8>, chunked: bool },
    /// Write the head, then one body byte every 100 ms.
    Drip(Vec<u8>),
}

struct Server {
    base: String,
    requests: Arc<Mutex<Vec<String>>>,
    flooded: mpsc::UnboundedReceiver<u64>,
}

impl Server {
    fn url(&self, path: &str) -> Result<Url, url::ParseError> {
        Url::parse(&format!("{}{path}", self.base))
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

type Handler = Arc<dyn Fn(&str, &str) -> Reply + Send + Sync>;

/// Serve on 127.0.0.1, answering each request with `handler(path, request head)`.
async fn serve(handler: impl Fn(&str, &str) -> Reply + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let (report, flooded) = mpsc::unbounded_channel();
    let handler: Handler = Arc::new(handler);
    let log = requests.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer(stream, handler.clone(), log.clone(), report.clone()));
        }
    });
    Server {
        base,
        requests,
        flooded,
    }
}

async fn answer(
    mut stream: TcpStream,
    handler: Handler,
    log: Arc<Mutex<Vec<String>>>,
    report: mpsc::UnboundedSender<u64>,
) {
    let Some(head) = read_head(&mut stream).await else {
        return;
    };
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    if let Ok(mut log) = log.lock() {
        log.push(head.clone());
    }
    match handler(&path, &head) {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Hold(bytes) => {
            let _ = stream.write_all(&bytes).await;
            tokio::time::sleep(Duration::from_secs(20)).await;
        }
        Reply::Flood { head, chunked } => {
            let _ = report.send(flood(&mut stream, &head, chunked).await);
        }
        Reply::Drip(head) => {
            let _ = stream.write_all(&head).await;
            for _ in 0..200 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if stream.write_all(b"a").await.is_err() {
                    break;
                }
            }
        }
    }
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() > 65536 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

async fn flood(stream: &mut TcpStream, head: &[u8], chunked: bool) -> u64 {
    const GIB: u64 = 1 << 30;
    let block = vec![b'x'; 64 * 1024];
    let mut frame = Vec::new();
    if chunked {
        frame.extend_from_slice(format!("{:x}\r\n", block.len()).as_bytes());
    }
    frame.extend_from_slice(&block);
    if chunked {
        frame.extend_from_slice(b"\r\n");
    }
    if stream.write_all(head).await.is_err() {
        return 0;
    }
    let mut sent = 0;
    while sent < GIB && stream.write_all(&frame).await.is_ok() {
        sent += block.len() as u64;
    }
    sent
}

/// An HTTP/1.1 response with Content-Length and Connection: close.
fn http(status: &str, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n");
    for header in headers {
        out.push_str(header);
        out.push_str("\r\n");
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn html(body: &str) -> Reply {
    Reply::Raw(http(
        "200 OK",
        &["Content-Type: text/html; charset=utf-8"],
        body.as_bytes(),
    ))
}

fn options() -> FetchOptions {
    FetchOptions {
        connect_timeout: Duration::from_millis(500),
        read_timeout: Duration::from_millis(500),
        total_timeout: Duration::from_secs(5),
        max_body: 64 * 1024,
        ..FetchOptions::default()
    }
}

async fn fetch_with(
    options: FetchOptions,
    url: Url,
    conditional: Option<&Validators>,
) -> Result<Fetched, FetchError> {
    Fetcher::new(options)?
        .fetch(&Source::Http(url), conditional)
        .await
}

async fn page(url: Url) -> Result<Page, Box<dyn std::error::Error>> {
    match fetch_with(options(), url, None).await? {
        Fetched::Page(page) => Ok(*page),
        Fetched::NotModified => Err("unexpected NotModified".into()),
    }
}

async fn failure(url: Url) -> Result<FetchError, Box<dyn std::error::Error>> {
    failure_with(options(), url).await
}

async fn failure_with(
    options: FetchOptions,
    url: Url,
) -> Result<FetchError, Box<dyn std::error::Error>> {
    match fetch_with(options, url, None).await {
        Ok(fetched) => Err(format!("expected an error, got {fetched:?}").into()),
        Err(e) => Ok(e),
    }
}

#[tokio::test]
async fn normal_page_with_date_age_and_validators() -> TestResult {
    let server = serve(|_, _| {
        Reply::Raw(http(
            "200 OK",
            &[
                "Content-Type: text/html; charset=utf-8",
                "Date: Wed, 04 Mar 2026 12:30:00 GMT",
                "Age: 60",
                "ETag: \"v1\"",
                "Last-Modified: Tue, 03 Mar 2026 10:00:00 GMT",
            ],
            "<p>één</p>".as_bytes(),
        ))
    })
    .await;
    let page = page(server.url("/news")?).await?;
    assert_eq!(page.text, "<p>één</p>");
    assert_eq!(page.url, server.url("/news")?);
    assert_eq!(
        page.date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2026-03-04T12:29:00+00:00")
    );
    assert_eq!(page.validators.etag.as_deref(), Some("\"v1\""));
    assert_eq!(
        page.validators.last_modified.as_deref(),
        Some("Tue, 03 Mar 2026 10:00:00 GMT")
    );
    assert_eq!(
        (page.encoding, page.bytes, page.from_file),
        ("UTF-8", 12, false)
    );
    let head = server.requests()[0].to_ascii_lowercase();
    assert!(
        head.contains(&format!(
            "user-agent: pagefeed/{}\r\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{head}"
    );
    assert!(
        head.contains("accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8\r\n"),
        "{head}"
    );
    for coding in ["gzip", "br", "deflate"] {
        assert!(
            head.contains("accept-encoding:") && head.contains(coding),
            "{head}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn page_without_date_has_no_date() -> TestResult {
    let server =
        serve(|_, _| Reply::Raw(http("200 OK", &["Date: yesterday", "Age: 5"], b"<p>x"))).await;
    let page = page(server.url("/")?).await?;
    assert_eq!((page.date, page.validators), (None, Validators::default()));
    Ok(())
}

#[tokio::test]
async fn conditional_request_and_304() -> TestResult {
    let server = serve(|_, head| {
        if head.to_ascii_lowercase().contains("if-none-match: \"v1\"") {
            Reply::Raw(http("304 Not Modified", &["ETag: \"v1\""], b""))
        } else {
            html("<p>new")
        }
    })
    .await;
    let validators = Validators {
        etag: Some("\"v1\"".to_owned()),
        last_modified: Some("Tue, 03 Mar 2026 10:00:00 GMT".to_owned()),
    };
    let fetched = fetch_with(options(), server.url("/")?, Some(&validators)).await?;
    assert!(matches!(fetched, Fetched::NotModified));
    let head = server.requests()[0].to_ascii_lowercase();
    assert!(
        head.contains("if-modified-since: tue, 03 mar 2026 10:00:00 gmt\r\n"),
        "{head}"
    );

    let other = Validators {
        etag: Some("\"v0\"".to_owned()),
        last_modified: None,
    };
    let fetched = fetch_with(options(), server.url("/")?, Some(&other)).await?;
    assert!(matches!(fetched, Fetched::Page(p) if p.text == "<p>new"));
    Ok(())
}

#[tokio::test]
async fn unasked_304_is_an_error() -> TestResult {
    let server = serve(|_, _| Reply::Raw(http("304 Not Modified", &[], b""))).await;
    let e = failure(server.url("/")?).await?;
    assert_eq!(e.status(), Some(304));
    Ok(())
}

/// `/r/N` redirects to `/r/N-1`; `/r/0` is the page.
fn redirect_chain(path: &str, _: &str) -> Reply {
    match path.strip_prefix("/r/").and_then(|n| n.parse::<u32>().ok()) {
        Some(0) => html("<p>arrived"),
        Some(n) => Reply::Raw(http(
            "302 Found",
            &[&format!("Location: /r/{}", n - 1)],
            b"",
        )),
        None => Reply::Raw(http("404 Not Found", &[], b"")),
    }
}

#[tokio::test]
async fn redirects_are_followed_keeping_the_final_url() -> TestResult {
    let server = serve(redirect_chain).await;
    let page = page(server.url("/r/5")?).await?;
    assert_eq!(page.text, "<p>arrived");
    assert_eq!(page.url, server.url("/r/0")?);
    assert_eq!(server.requests().len(), 6);
    Ok(())
}

#[tokio::test]
async fn more_than_five_redirects_is_an_error() -> TestResult {
    let server = serve(redirect_chain).await;
    let url = server.url("/r/6")?;
    let e = failure(url.clone()).await?;
    assert!(
        matches!(e, FetchError::TooManyRedirects { limit: 5, .. }),
        "{e:?}"
    );
    assert_eq!(e.to_string(), format!("{url}: more than 5 redirects"));
    Ok(())
}

/// `/to/ADDRESS...` redirects to `http://ADDRESS...`; anything else is the page.
fn redirect_to(path: &str, _: &str) -> Reply {
    match path.strip_prefix("/to/") {
        Some(target) => Reply::Raw(http(
            "302 Found",
            &[&format!("Location: http://{target}")],
            b"",
        )),
        None => html("<p>inside"),
    }
}

/// Only 0.0.0.0 (this machine) is used as a live target: were the guard ever broken, a test
/// redirecting to 169.254.169.254 or 10.0.0.1 would send traffic off the machine. The other
/// classes are checked on the policy itself, in `guard`'s tests.
#[tokio::test]
async fn redirects_into_a_more_internal_class_are_refused_before_connecting() -> TestResult {
    let server = serve(redirect_to).await;
    let port = server.url("/")?.port().ok_or("a port")?;
    let url = server.url(&format!("/to/0.0.0.0:{port}/secret"))?;
    let e = failure(url.clone()).await?;
    assert!(matches!(e, FetchError::Refused { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "{url}: refused the redirect to http://0.0.0.0:{port}/secret (a reserved address) \
             from a loopback url; set private_network = true on the feed to allow it"
        )
    );
    // Only the first hop reached the server: /secret, on the same port, was never asked for.
    assert_eq!(server.requests().len(), 1);
    Ok(())
}

#[tokio::test]
async fn redirects_within_the_class_are_followed_and_private_network_lifts_the_rule() -> TestResult
{
    let server = serve(redirect_to).await;
    let port = server.url("/")?.port().ok_or("a port")?;
    let page = page(server.url(&format!("/to/localhost:{port}/page"))?).await?;
    assert_eq!(page.text, "<p>inside");
    // 0.0.0.0 reaches the machine itself: refused by default (above), followed with
    // private_network = true. Only this machine is contacted.
    let url = server.url(&format!("/to/0.0.0.0:{port}/secret"))?;
    let fetcher = Fetcher::new(options())?;
    match fetcher
        .fetch_feed(&Source::Http(url.clone()), None, true, None)
        .await
    {
        Ok(Fetched::Page(page)) => assert_eq!(page.text, "<p>inside"),
        other => return Err(format!("expected the page, got {other:?}").into()),
    }
    let refused = fetcher
        .fetch_feed(&Source::Http(url), None, false, None)
        .await;
    assert!(
        matches!(refused, Err(FetchError::Refused { .. })),
        "{refused:?}"
    );
    Ok(())
}

#[tokio::test]
async fn http_errors_carry_the_status() -> TestResult {
    let server = serve(|path, _| match path {
        "/missing" => Reply::Raw(http("404 Not Found", &["Content-Type: text/html"], b"gone")),
        _ => Reply::Raw(http(
            "500 Internal Server Error",
            &["Retry-After: 5"],
            b"oops",
        )),
    })
    .await;
    let e = failure(server.url("/missing")?).await?;
    assert_eq!((e.status(), e.retry_after()), (Some(404), None));
    assert_eq!(
        e.to_string(),
        format!("{}/missing: HTTP 404 Not Found", server.base)
    );
    let e = failure(server.url("/broken")?).await?;
    assert_eq!((e.status(), e.retry_after()), (Some(500), None));
    assert_eq!(
        e.to_string(),
        format!("{}/broken: HTTP 500 Internal Server Error", server.base)
    );
    Ok(())
}

#[tokio::test]
async fn retry_after_in_seconds_and_as_a_date() -> TestResult {
    let server = serve(|path, _| match path {
        "/busy" => Reply::Raw(http("429 Too Many Requests", &["Retry-After: 120"], b"")),
        _ => Reply::Raw(http(
            "503 Service Unavailable",
            &[
                "Date: Wed, 04 Mar 2026 12:30:00 GMT",
                "Retry-After: Wed, 04 Mar 2026 12:31:30 GMT",
            ],
            b"",
        )),
    })
    .await;
    let e = failure(server.url("/busy")?).await?;
    assert_eq!(
        (e.status(), e.retry_after()),
        (Some(429), Some(Duration::from_secs(120)))
    );
    assert_eq!(
        e.to_string(),
        format!(
            "{}/busy: HTTP 429 Too Many Requests (retry after 120s)",
            server.base
        )
    );
    let e = failure(server.url("/down")?).await?;
    assert_eq!(
        (e.status(), e.retry_after()),
        (Some(503), Some(Duration::from_secs(90)))
    );
    Ok(())
}

#[test]
fn retry_after_parsing() {
    let now = httpdate::parse_http_date("Wed, 04 Mar 2026 12:30:00 GMT").ok();
    let clock = SystemTime::UNIX_EPOCH;
    assert_eq!(
        parse_retry_after(" 7 ", None, clock),
        Some(Duration::from_secs(7))
    );
    let past = "Wed, 04 Mar 2026 12:00:00 GMT";
    assert_eq!(parse_retry_after(past, now, clock), Some(Duration::ZERO));
    let later = "Wed, 04 Mar 2026 12:31:00 GMT";
    assert_eq!(
        parse_retry_after(later, now, clock),
        Some(Duration::from_secs(60))
    );
    let clock = now.unwrap_or(clock);
    assert_eq!(
        parse_retry_after(later, None, clock),
        Some(Duration::from_secs(60))
    );
    assert_eq!(parse_retry_after("soon", now, clock), None);
    assert_eq!(parse_retry_after("-5", now, clock), None);
}

#[tokio::test]
async fn declared_length_over_the_cap_fails_before_the_body() -> TestResult {
    let server = serve(|_, _| {
        Reply::Hold(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 10000000000\r\n\r\n"
                .to_vec(),
        )
    })
    .await;
    let url = server.url("/huge")?;
    let started = Instant::now();
    let e = failure(url.clone()).await?;
    assert!(
        matches!(e, FetchError::TooLarge { limit: 65536, .. }),
        "{e:?}"
    );
    assert_eq!(e.to_string(), format!("{url}: body larger than 64 KiB"));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    Ok(())
}

async fn assert_flood_stops_early(chunked: bool) -> TestResult {
    let head = if chunked {
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
    } else {
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
    };
    let mut server = serve(move |_, _| Reply::Flood {
        head: head.as_bytes().to_vec(),
        chunked,
    })
    .await;
    let e = failure(server.url("/endless")?).await?;
    assert!(
        matches!(e, FetchError::TooLarge { limit: 65536, .. }),
        "{e:?}"
    );
    let sent = tokio::time::timeout(Duration::from_secs(10), server.flooded.recv()).await?;
    let sent = sent.ok_or("server gave no count")?;
    // The server would send 1 GiB; it got out the cap plus what socket buffers hold.
    assert!(sent < 32 << 20, "server sent {sent} bytes");
    Ok(())
}

#[tokio::test]
async fn streamed_chunked_body_over_the_cap_stops_early() -> TestResult {
    assert_flood_stops_early(true).await
}

#[tokio::test]
async fn streamed_until_close_body_over_the_cap_stops_early() -> TestResult {
    assert_flood_stops_early(false).await
}

#[tokio::test]
async fn body_at_the_cap_is_fine() -> TestResult {
    let server = serve(|_, _| Reply::Raw(http("200 OK", &[], &[b'a'; 64 * 1024]))).await;
    assert_eq!(page(server.url("/")?).await?.bytes, 64 * 1024);
    Ok(())
}

#[tokio::test]
async fn non_html_content_types_are_refused() -> TestResult {
    let server = serve(|path, _| {
        let content_type = match path {
            "/png" => "Content-Type: image/png",
            "/json" => "Content-Type: application/json; charset=utf-8",
            _ => "Content-Type: application/octet-stream",
        };
        Reply::Raw(http("200 OK", &[content_type], b"<p>looks like html"))
    })
    .await;
    let e = failure(server.url("/png")?).await?;
    assert_eq!(
        e.to_string(),
        format!("{}/png: not HTML (image/png)", server.base)
    );
    let e = failure(server.url("/json")?).await?;
    assert!(
        matches!(&e, FetchError::NotHtml { what, .. } if what == "application/json"),
        "{e:?}"
    );
    let e = failure(server.url("/bin")?).await?;
    assert!(matches!(&e, FetchError::NotHtml { what, .. } if what == "application/octet-stream"));
    Ok(())
}

#[tokio::test]
async fn binary_bodies_are_refused_by_sniffing() -> TestResult {
    let server = serve(|path, _| {
        let body: &[u8] = match path {
            "/png" => b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            "/gif" => b"GIF89a\x01\x00",
            _ => b"<html>\0\0\0\x01",
        };
        Reply::Raw(http("200 OK", &["Content-Type: text/html"], body))
    })
    .await;
    let e = failure(server.url("/png")?).await?;
    assert_eq!(
        e.to_string(),
        format!("{}/png: not HTML (PNG image)", server.base)
    );
    let e = failure(server.url("/gif")?).await?;
    assert!(matches!(&e, FetchError::NotHtml { what, .. } if what == "GIF image"));
    let e = failure(server.url("/nul")?).await?;
    assert!(matches!(&e, FetchError::NotHtml { what, .. } if what.contains("NUL")));
    Ok(())
}

#[tokio::test]
async fn charsets_over_http() -> TestResult {
    let server = serve(|path, _| {
        let (content_type, body): (&str, &[u8]) = match path {
            "/header" => ("text/html; charset=iso-8859-1", b"<p>caf\xe9"),
            "/meta" => (
                "text/html",
                b"<meta charset=\"windows-1251\"><p>\xcf\xf0\xe8",
            ),
            "/guess" => ("text/html", b"<p>caf\xe9 cr\xe8me br\xfbl\xe9e"),
            "/unknown" => ("text/html; charset=x-foo", b"<p>x"),
            _ => ("text/html; charset=UTF-8", b"<p>caf\xe9"),
        };
        Reply::Raw(http(
            "200 OK",
            &[&format!("Content-Type: {content_type}")],
            body,
        ))
    })
    .await;
    let p = page(server.url("/header")?).await?;
    assert_eq!((p.text.as_str(), p.encoding), ("<p>café", "windows-1252"));
    let p = page(server.url("/meta")?).await?;
    assert_eq!(
        (p.text.as_str(), p.encoding),
        ("<meta charset=\"windows-1251\"><p>При", "windows-1251")
    );
    let p = page(server.url("/guess")?).await?;
    assert_eq!(
        (p.text.as_str(), p.encoding),
        ("<p>café crème brûlée", "windows-1252")
    );
    let e = failure(server.url("/unknown")?).await?;
    assert_eq!(
        e.to_string(),
        format!("{}/unknown: unknown charset \"x-foo\"", server.base)
    );
    let e = failure(server.url("/bad-utf8")?).await?;
    assert_eq!(
        e.to_string(),
        format!(
            "{}/bad-utf8: bytes not valid UTF-8 (at byte 6)",
            server.base
        )
    );
    Ok(())
}

/// CRC-32 (IEEE), for building a gzip member by hand.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A gzip member holding `data` in one stored (uncompressed) deflate block.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).expect("small test data");
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1];
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

#[tokio::test]
async fn gzip_content_encoding_is_decoded() -> TestResult {
    let body = gzip_stored("<p>gecomprimeerd één</p>".as_bytes());
    let server = serve(move |_, _| {
        Reply::Raw(http(
            "200 OK",
            &["Content-Type: text/html", "Content-Encoding: gzip"],
            &body,
        ))
    })
    .await;
    let p = page(server.url("/")?).await?;
    assert_eq!(
        (p.text.as_str(), p.encoding),
        ("<p>gecomprimeerd één</p>", "UTF-8")
    );
    Ok(())
}

#[tokio::test]
async fn connection_refused() -> TestResult {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = Url::parse(&format!("http://{}/", listener.local_addr()?))?;
    drop(listener);
    let e = failure(url.clone()).await?;
    assert!(matches!(e, FetchError::Connect { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!("{url}: cannot connect (connection refused)")
    );
    Ok(())
}

#[tokio::test]
async fn silent_server_is_a_read_timeout() -> TestResult {
    let server = serve(|_, _| Reply::Hold(Vec::new())).await;
    let url = server.url("/")?;
    let options = FetchOptions {
        read_timeout: Duration::from_millis(300),
        ..options()
    };
    let started = Instant::now();
    let e = failure_with(options, url.clone()).await?;
    assert!(
        matches!(
            e,
            FetchError::Timeout {
                phase: TimeoutPhase::Read,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        format!("{url}: no answer within 300ms (read timeout)")
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    Ok(())
}

#[tokio::test]
async fn stalled_body_is_a_read_timeout() -> TestResult {
    let server = serve(|_, _| {
        Reply::Hold(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<p>only a bit".to_vec())
    })
    .await;
    let options = FetchOptions {
        read_timeout: Duration::from_millis(300),
        ..options()
    };
    let e = failure_with(options, server.url("/")?).await?;
    assert!(
        matches!(
            e,
            FetchError::Timeout {
                phase: TimeoutPhase::Read,
                ..
            }
        ),
        "{e:?}"
    );
    Ok(())
}

#[tokio::test]
async fn slow_drip_is_a_total_timeout() -> TestResult {
    let server =
        serve(|_, _| Reply::Drip(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".to_vec()))
            .await;
    let url = server.url("/")?;
    let options = FetchOptions {
        read_timeout: Duration::from_millis(450),
        total_timeout: Duration::from_millis(400),
        ..options()
    };
    let e = failure_with(options, url.clone()).await?;
    assert!(
        matches!(
            e,
            FetchError::Timeout {
                phase: TimeoutPhase::Total,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        format!("{url}: no answer within 400ms (total timeout)")
    );
    Ok(())
}

#[tokio::test]
async fn connection_closed_mid_body() -> TestResult {
    let server = serve(|_, _| {
        Reply::Raw(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<p>half"
                .to_vec(),
        )
    })
    .await;
    let url = server.url("/")?;
    let e = failure(url.clone()).await?;
    assert!(matches!(e, FetchError::Transfer { .. }), "{e:?}");
    assert!(
        e.to_string().starts_with(&format!("{url}: body cut short")),
        "{e}"
    );
    Ok(())
}

#[tokio::test]
async fn garbage_response_is_a_transfer_error() -> TestResult {
    let server = serve(|_, _| Reply::Raw(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec())).await;
    let url = server.url("/")?;
    let e = failure(url.clone()).await?;
    assert!(matches!(e, FetchError::Transfer { .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with(&format!("{url}: no valid response (")),
        "{e}"
    );
    Ok(())
}

#[test]
fn bad_user_agent_is_a_setup_error() {
    let options = FetchOptions {
        user_agent: "bad\nagent".to_owned(),
        ..FetchOptions::default()
    };
    assert!(matches!(
        Fetcher::new(options),
        Err(FetchError::Setup { .. })
    ));
}

#[test]
fn messages() {
    let e = FetchError::Timeout {
        url: "https://x/y".to_owned(),
        phase: TimeoutPhase::Read,
        after: Duration::from_secs(30),
    };
    assert_eq!(
        e.to_string(),
        "https://x/y: no answer within 30s (read timeout)"
    );
    let e = FetchError::too_large("https://x/y", 10 * 1024 * 1024);
    assert_eq!(e.to_string(), "https://x/y: body larger than 10 MiB");
    let e = FetchError::too_large("https://x/y", 1000);
    assert_eq!(e.to_string(), "https://x/y: body larger than 1000 bytes");
    let e = FetchError::Status {
        url: "https://x/y".to_owned(),
        code: 599,
        retry_after: None,
    };
    assert_eq!(e.to_string(), "https://x/y: HTTP 599");
}

#[test]
fn date_less_age_handles_odd_headers() {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::DATE,
        HeaderValue::from_static("Wed, 04 Mar 2026 12:30:00 GMT"),
    );
    headers.insert(header::AGE, HeaderValue::from_static("soon"));
    let date = date_less_age(&headers).map(|d| d.to_rfc3339());
    assert_eq!(date.as_deref(), Some("2026-03-04T12:30:00+00:00"));
    // An Age too large to believe is no evidence: the Date stands alone.
    for absurd in [
        "99999999999999",
        "999999999999",
        "86400000",
        "86401",
        "-60",
        "+60",
        "1e3",
    ] {
        headers.insert(header::AGE, HeaderValue::from_static(absurd));
        let date = date_less_age(&headers).map(|d| d.to_rfc3339());
        assert_eq!(
            date.as_deref(),
            Some("2026-03-04T12:30:00+00:00"),
            "Age: {absurd}"
        );
    }
    headers.insert(header::AGE, HeaderValue::from_static("86400"));
    let date = date_less_age(&headers).map(|d| d.to_rfc3339());
    assert_eq!(
        date.as_deref(),
        Some("2026-03-03T12:30:00+00:00"),
        "a day is believed"
    );
    // The earliest Date there is, less the largest Age believed, is still a time chrono holds.
    headers.insert(
        header::DATE,
        HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"),
    );
    let date = date_less_age(&headers).map(|d| d.to_rfc3339());
    assert_eq!(date.as_deref(), Some("1969-12-31T00:00:00+00:00"));
}

#[test]
fn system_times_convert_without_panics() {
    let before = SystemTime::UNIX_EPOCH - Duration::from_secs(90);
    assert_eq!(
        to_utc(before).map(|d| d.to_rfc3339()).as_deref(),
        Some("1969-12-31T23:58:30+00:00")
    );
    let far = SystemTime::UNIX_EPOCH.checked_sub(Duration::from_secs(u64::MAX / 4));
    assert_eq!(far.and_then(to_utc), None);
}

#[tokio::test]
async fn full_backlog_is_a_connect_timeout() -> TestResult {
    // A listener that never accepts, its queue filled: further connection attempts hang.
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind("127.0.0.1:0".parse()?)?;
    let listener = socket.listen(0)?;
    let address = listener.local_addr()?;
    let mut fillers = Vec::new();
    for _ in 0..2 {
        if let Ok(Ok(stream)) =
            tokio::time::timeout(Duration::from_millis(100), TcpStream::connect(address)).await
        {
            fillers.push(stream);
        }
    }
    let url = Url::parse(&format!("http://{address}/"))?;
    let options = FetchOptions {
        connect_timeout: Duration::from_millis(300),
        read_timeout: Duration::from_secs(2),
        ..options()
    };
    let e = failure_with(options, url.clone()).await?;
    assert!(
        matches!(
            e,
            FetchError::Timeout {
                phase: TimeoutPhase::Connect,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        format!("{url}: no answer within 300ms (connect timeout)")
    );
    Ok(())
}
