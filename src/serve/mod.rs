//! The HTTP server of `pagefeed run` (config `listen`): an output, like the files. It serves
//! what the publisher wrote ([`files`]) and what the state holds ([`status`] pages,
//! [`opml`]), and the scheduler's [`metrics`] and heartbeat (`/healthz`). It never polls,
//! and shares nothing mutable with the scheduler but the state and those two write-only
//! sinks.
//!
//! It runs on the daemon's runtime, so it is bounded so that no client can stall polling:
//! at most [`MAX_CONNECTIONS`] connections (more are closed at once), request heads of at
//! most [`MAX_HEAD`] bytes and [`MAX_HEADERS`] fields read within [`HEAD_TIMEOUT`] (an idle
//! keep-alive connection too), at most [`CONNECTION_LIFETIME`] per connection, no request
//! bodies, and its blocking work (file reads, state reads) on at most [`BLOCKING`] threads
//! of the pool that polls parse on. It stops with the daemon's shutdown signal.

pub mod files;
pub mod metrics;
pub mod opml;
pub mod status;

use crate::config::Config;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use metrics::Metrics;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// Connections served at once; a connection past this is closed as soon as it is accepted.
pub const MAX_CONNECTIONS: usize = 256;
/// Longest a client may take to send a request's head, and to start the next request on a
/// kept-alive connection.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest any one connection is served, however busy (a client that reads a response one
/// byte a second is cut off here).
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(60);
/// The largest request head (request line and header fields), in bytes.
pub const MAX_HEAD: usize = 16 * 1024;
/// The most header fields in one request.
pub const MAX_HEADERS: usize = 64;
/// Blocking threads the server may hold at once (file and state reads).
pub const BLOCKING: usize = 4;
/// How long connections get to finish at shutdown.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// The scheduler's heartbeat: it beats every [`Heartbeat::PERIOD`] while its loop runs.
#[derive(Debug, Default)]
pub struct Heartbeat {
    /// Unix milliseconds of the last beat; 0 before the first.
    last: AtomicI64,
}

impl Heartbeat {
    pub const PERIOD: Duration = Duration::from_secs(2);

    pub fn beat(&self) {
        self.last
            .store(chrono::Utc::now().timestamp_millis(), Ordering::Relaxed);
    }

    /// Whether the scheduler beat within three periods of `now_ms`.
    pub fn alive(&self, now_ms: i64) -> bool {
        let last = self.last.load(Ordering::Relaxed);
        last > 0 && now_ms - last <= 3 * Self::PERIOD.as_millis() as i64
    }
}

/// What the handlers share: the running config (replaced on reload), the metrics and the
/// heartbeat, the templates, and the server's own bounds.
pub struct Shared {
    config: watch::Receiver<Arc<Config>>,
    pub metrics: Arc<Metrics>,
    pub heartbeat: Arc<Heartbeat>,
    /// The address the server listens on, for links where `base_url` is not set.
    pub local: SocketAddr,
    etags: files::Etags,
    blocking: Arc<Semaphore>,
    templates: minijinja::Environment<'static>,
}

impl Shared {
    pub fn new(
        config: watch::Receiver<Arc<Config>>,
        metrics: Arc<Metrics>,
        heartbeat: Arc<Heartbeat>,
        local: SocketAddr,
    ) -> Shared {
        Shared {
            config,
            metrics,
            heartbeat,
            local,
            etags: files::Etags::default(),
            blocking: Arc::new(Semaphore::new(BLOCKING)),
            templates: status::templates(),
        }
    }

    /// The config in force.
    pub fn config(&self) -> Arc<Config> {
        self.config.borrow().clone()
    }

    /// Run blocking work on one of the server's [`BLOCKING`] places on the blocking pool.
    /// Waits at most a few seconds for a place: a 503 beats a queue that grows.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, StatusCode> {
        let permit = tokio::time::timeout(
            Duration::from_secs(5),
            self.blocking.clone().acquire_owned(),
        )
        .await
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// A short plain-text answer.
pub fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

pub fn not_found() -> Response<Body> {
    plain(StatusCode::NOT_FOUND, "not found\n")
}

fn html(body: String) -> Response<Body> {
    let mut r = Response::new(Body::from(body));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Nothing from elsewhere, no scripts at all, no framing.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

/// The routes. Only GET and HEAD are answered (405 otherwise); any other path is a 404.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(status_page))
        .route("/feeds.opml", get(feeds_opml))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/{file}", get(files::feed_file))
        .route("/{id}/", get(feed_page))
        .fallback(|| async { not_found() })
        .with_state(shared)
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        // Outside the compression: it sees the coding the compression chose.
        .layer(axum::middleware::map_response(tag_encoding))
}

/// A compressed response is another representation: its strong ETag gets the coding as a
/// suffix (`"…-gzip"`), which [`files::Conditions`] ignores when it compares.
async fn tag_encoding(mut r: Response<Body>) -> Response<Body> {
    let coding = r
        .headers()
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(coding) = coding
        && let Some(tag) = r.headers().get(header::ETAG).and_then(|v| v.to_str().ok())
        && let Some(inner) = tag.strip_suffix('"')
        && let Ok(v) = HeaderValue::from_str(&format!("{inner}-{coding}\""))
    {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

async fn healthz(State(s): State<Arc<Shared>>) -> Response<Body> {
    if s.heartbeat.alive(chrono::Utc::now().timestamp_millis()) {
        plain(StatusCode::OK, "ok\n")
    } else {
        plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "the scheduler has not been heard from\n",
        )
    }
}

async fn metrics_text(State(s): State<Arc<Shared>>) -> Response<Body> {
    let mut r = Response::new(Body::from(s.metrics.encode()));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(metrics::CONTENT_TYPE),
    );
    r
}

/// The status page's page number from the query (`/?page=2`); 1 where there is none, or it
/// is no number.
fn page_number(uri: &http::Uri) -> usize {
    uri.query()
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|pair| pair.strip_prefix("page="))
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(1)
}

async fn status_page(State(s): State<Arc<Shared>>, uri: http::Uri) -> Response<Body> {
    let config = s.config();
    let shared = s.clone();
    let page = page_number(&uri);
    match s.blocking(move || crate::status::collect(&config)).await {
        Ok(Ok(list)) => {
            match status::status_page(&shared.templates, &list, page, chrono::Utc::now()) {
                Ok(page) => html(page),
                Err(e) => {
                    tracing::error!("status page: {e}");
                    plain(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "cannot render the page\n",
                    )
                }
            }
        }
        Ok(Err(e)) => {
            tracing::warn!("status page: {e}");
            plain(StatusCode::SERVICE_UNAVAILABLE, "cannot read the state\n")
        }
        Err(code) => plain(code, "busy; try again\n"),
    }
}

async fn feed_page(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response<Body> {
    let config = s.config();
    let Some(feed) = config.feeds.iter().find(|f| f.id == id).cloned() else {
        return not_found();
    };
    let shared = s.clone();
    let of = feed.clone();
    let read = s
        .blocking(move || {
            let status = crate::status::of_feed(&config, &of)?;
            let items = crate::state::Store::look(&config.state_dir, |tx| tx.items(&id))?;
            Ok::<_, crate::state::StateError>((status, items))
        })
        .await;
    match read {
        Ok(Ok((status, items))) => {
            match status::feed_page(&shared.templates, &status, &feed, &items) {
                Ok(page) => html(page),
                Err(e) => {
                    tracing::error!("feed page: {e}");
                    plain(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "cannot render the page\n",
                    )
                }
            }
        }
        Ok(Err(e)) => {
            tracing::warn!("feed page: {e}");
            plain(StatusCode::SERVICE_UNAVAILABLE, "cannot read the state\n")
        }
        Err(code) => plain(code, "busy; try again\n"),
    }
}

async fn feeds_opml(State(s): State<Arc<Shared>>) -> Response<Body> {
    let config = s.config();
    let shared = s.clone();
    let list = match s.blocking(move || crate::status::collect(&config)).await {
        Ok(Ok(list)) => list,
        Ok(Err(e)) => {
            tracing::warn!("feeds.opml: {e}");
            return plain(StatusCode::SERVICE_UNAVAILABLE, "cannot read the state\n");
        }
        Err(code) => return plain(code, "busy; try again\n"),
    };
    let config = shared.config();
    let own = url::Url::parse(&format!("http://{}/", shared.local)).ok();
    let base = config.base_url.as_ref().or(own.as_ref());
    let outlines: Vec<opml::Outline<'_>> = list
        .iter()
        .filter_map(|f| {
            Some(opml::Outline {
                title: &f.title,
                xml_url: crate::publish::FeedMeta::self_link(base, f.id(), "rss")?,
                html_url: &f.page,
            })
        })
        .collect();
    let mut r = Response::new(Body::from(opml::opml(&outlines)));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/x-opml; charset=utf-8"),
    );
    r
}

/// Serve on `listener` until `shutdown` turns true; then stop accepting, give connections
/// [`SHUTDOWN_GRACE`] to finish, and return.
pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let app = router(shared);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD)
        .max_headers(MAX_HEADERS)
        .keep_alive(true);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.wait_for(|stop| *stop) => break,
        };
        let (stream, _peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of file descriptors and the like: wait a little rather than spin.
                tracing::warn!("http: cannot accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(stream); // over the limit: closed at once
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _slot = slot;
            // Errors here are the client's (a reset, a timeout, a bad request): not logged
            // above debug.
            match tokio::time::timeout(CONNECTION_LIFETIME, conn).await {
                Ok(Err(e)) => tracing::debug!("http connection: {e}"),
                Err(_) => tracing::debug!("http connection: served for too long; closed"),
                Ok(Ok(())) => {}
            }
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
}

/// Bind `addr` for [`serve`]: an error names the address.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, String> {
    TcpListener::bind(addr).await.map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::PermissionDenied && addr.port() < 1024 {
            " (ports under 1024 need a capability: use a port of 1024 or more, or a web server in front)"
        } else {
            ""
        };
        format!("listen = \"{addr}\": cannot listen: {e}{hint}")
    })
}
