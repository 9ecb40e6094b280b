//! Pages that build their item list with JavaScript (`render = "browser"`): loaded in
//! headless Chromium, and the rendered DOM taken as the page's text, so that the rest of the
//! flow (extraction, dates, timeline, publishing) goes on exactly as for a fetched page.
//!
//! Chromium is driven over the DevTools protocol through its pipe (`cdp`), by a client of a
//! few hundred lines rather than a crate: chromiumoxide (async, tokio) adds about 130 s of
//! compile time on the 2-core development machine (its generated protocol crate alone is
//! 5 MB of Rust, with no features to trim it) and headless_chrome (blocking threads, a
//! second tungstenite) 60 s for itself; both speak over a DevTools port on loopback, which any
//! local process may drive. A render needs a dozen commands and five events.
//!
//! One browser serves every feed of the process: started at the first render, started again
//! when it died. Each render gets a browser context of its own (cookies, storage and cache
//! do not leak between feeds or polls) and a fresh tab in it, both closed afterwards
//! whatever happens. Every request the page makes is answered by pagefeed itself
//! (`intercept`): only http(s), within the feed's reach (the private-network guard), with
//! the body cap; the browser's own network goes nowhere (see `launch`), and WebRTC, which
//! would send UDP itself, is gone from the page's frames (`confine`).

mod cdp;
mod confine;
mod intercept;
mod launch;
mod memory;
mod profile;

use crate::fetch::request::SiteRequest;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

use super::guard::Reach;
use super::{FetchError, Fetcher, Page, Validators};
use cdp::{CdpError, Connection};
use intercept::Watch;

/// How rendered pages are had: the config's `browser`, `browser_concurrency` and
/// `browser_timeout`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrowserOptions {
    /// The executable; None: the first of `chromium`, `chromium-browser`, `google-chrome` on
    /// `PATH`.
    pub executable: Option<PathBuf>,
    /// Rendered polls in flight at once.
    pub concurrency: usize,
    /// The longest a page may take to load and show its items.
    pub load_timeout: Duration,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        BrowserOptions {
            executable: None,
            concurrency: 1,
            load_timeout: Duration::from_secs(30),
        }
    }
}

/// What a render waits for and lets through.
#[derive(Clone, Debug, Default)]
pub struct Render {
    /// The feed's item selector: the page is taken once it matches and the count holds.
    /// None (for `suggest`): once the network is idle.
    pub items: Option<String>,
    /// Refuse images, fonts, audio and video (the feed's `block_media`, default true).
    pub block_media: bool,
}

/// How long the count of items must hold, or the network stay idle, before the page is taken.
const SETTLED: Duration = Duration::from_millis(500);
/// How long the network must stay idle, with no item matched, before the page is given up on.
const IDLE: Duration = Duration::from_secs(2);
/// How often the page is looked at while it loads.
const TICK: Duration = Duration::from_millis(100);
/// The longest the browser has to start, and to close a tab.
const START_WITHIN: Duration = Duration::from_secs(30);
const CLOSE_WITHIN: Duration = Duration::from_secs(5);

/// The one browser of the process, started when the first render needs it.
#[derive(Debug)]
pub struct Browser {
    options: BrowserOptions,
    process: tokio::sync::Mutex<Option<launch::Process>>,
    slots: Semaphore,
    /// Renderers killed for their memory, for the renders whose tabs they held.
    kills: Arc<memory::Kills>,
}

impl std::fmt::Debug for launch::Process {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "browser process {}", self.pid)
    }
}

impl Browser {
    /// The browser of the process for `options`: the one already there where its options
    /// are the same (a reload that changed no browser setting keeps its browser), else a new
    /// one, started by its first render.
    pub fn shared(options: BrowserOptions) -> Arc<Browser> {
        // Those in use (a reload that changes a setting has two for a while).
        static IN_USE: Mutex<Vec<std::sync::Weak<Browser>>> = Mutex::new(Vec::new());
        let mut in_use = IN_USE.lock().unwrap_or_else(PoisonError::into_inner);
        in_use.retain(|b| b.strong_count() > 0);
        if let Some(browser) = in_use
            .iter()
            .filter_map(std::sync::Weak::upgrade)
            .find(|b| b.options == options)
        {
            return browser;
        }
        let browser = Arc::new(Browser::new(options));
        in_use.push(Arc::downgrade(&browser));
        browser
    }

    pub fn new(options: BrowserOptions) -> Browser {
        let slots = Semaphore::new(options.concurrency.clamp(1, Semaphore::MAX_PERMITS));
        Browser {
            options,
            process: tokio::sync::Mutex::new(None),
            slots,
            kills: Arc::default(),
        }
    }

    /// The running browser's connection and process group: started if there is none,
    /// started again if it died.
    async fn connection(&self, max_body: u64) -> Result<(Arc<Connection>, u32), String> {
        let mut process = self.process.lock().await;
        if let Some(running) = process.as_mut() {
            if running.is_alive() {
                return Ok((running.connection.clone(), running.pid));
            }
            tracing::warn!(
                "the browser (pid {}) has died{}; starting it again",
                running.pid,
                running
                    .last_words()
                    .map(|w| format!(": {w}"))
                    .unwrap_or_default()
            );
            *process = None;
        }
        let path = std::env::var("PATH").ok();
        let executable =
            launch::find_executable(self.options.executable.as_deref(), path.as_deref())?;
        let renderers = self.options.concurrency.saturating_add(1);
        let started = launch::start(
            executable,
            renderers,
            Connection::max_message(max_body),
            START_WITHIN,
        )
        .await?;
        let connection = (started.connection.clone(), started.pid);
        *process = Some(started);
        Ok(connection)
    }

    /// Stop the browser now: it is started again by the next render.
    async fn stop(&self) {
        *self.process.lock().await = None;
    }

    /// What the browser last said before it died, where it did.
    async fn last_words(&self) -> Option<String> {
        self.process.lock().await.as_ref()?.last_words()
    }

    /// Render `url` for a feed of `reach`: load it in a fresh tab, wait for its items, and
    /// give its DOM as a [`Page`] whose URL, `Date` and `Content-Language` are those of the
    /// main document's response. A rendered page carries no validators: it is never asked for
    /// conditionally.
    pub async fn render(
        &self,
        fetcher: &Fetcher,
        url: &Url,
        reach: Reach,
        render: &Render,
        site: Option<Arc<SiteRequest>>,
    ) -> Result<Page, FetchError> {
        let fail = |reason: String| FetchError::Browser {
            url: url.to_string(),
            reason,
        };
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| fail("the browser is shut".into()))?;
        let max_body = fetcher.options.max_body;
        let client = fetcher.page_client(reach)?;
        // The whole render, from its tab on, is bounded by browser_timeout.
        let begun = Instant::now();
        let deadline = begun + self.options.load_timeout;
        let mut opened = None;
        for attempt in 0..2 {
            let (connection, group) = self.connection(max_body).await.map_err(fail)?;
            match Tab::open(connection.clone(), deadline).await {
                Ok(tab) => {
                    opened = Some((connection, group, tab));
                    break;
                }
                // The browser died since the last render and its end is only seen now: it
                // is started again (by `connection`, which says so) and asked once more.
                Err(CdpError::Closed) if attempt == 0 => continue,
                Err(e) => {
                    let words = self.last_words().await;
                    self.stop().await;
                    return Err(fail(format!(
                        "cannot open a tab: {e}{}",
                        words.map(|w| format!(" ({w})")).unwrap_or_default()
                    )));
                }
            }
        }
        let Some((connection, group, tab)) = opened else {
            self.stop().await;
            return Err(fail(
                "cannot open a tab: the browser closed its connection".into(),
            ));
        };
        // The browser's renderers are held to their bound while this page renders.
        let watching = i32::try_from(group)
            .ok()
            .filter(|group| *group > 0)
            .map(|group| memory::watch(group, self.kills.clone()));
        let watch = Arc::new(Mutex::new(Watch::new()));
        let answering = intercept::answer_requests(
            tab.connection.clone(),
            tab.session.clone(),
            tab.events(),
            intercept::Rules {
                client,
                reach,
                block_media: render.block_media,
                max_body,
                main_frame: tab.target.clone(),
                // A request still loading at the deadline is still counted then.
                deadline: deadline + Duration::from_secs(1),
                fetcher: fetcher.clone(),
                site: site.clone(),
            },
            watch.clone(),
        );
        // Every request paused, then the page's frames confined, before it is loaded.
        let seeded = site
            .as_ref()
            .map(|s| s.cookies_for(url))
            .unwrap_or_default();
        let prepared = async {
            intercept::enable(&connection, &tab.session).await?;
            intercept::seed_cookies(&connection, &tab.session, url, &seeded).await;
            confine::prepare(&connection, &tab.session).await
        };
        let enabled = tokio::time::timeout_at(deadline, prepared)
            .await
            .unwrap_or(Err(CdpError::Slow));
        let loaded = match enabled {
            Ok(()) => {
                self.load(&tab, url, render, &watch, deadline, max_body)
                    .await
            }
            Err(e) => Err(Failure::from(e)),
        };
        answering.abort();
        if let Some(watching) = watching {
            watching.abort();
        }
        // A page whose renderer went because the watch killed it for its memory fails so.
        let loaded = match loaded {
            Err(_) if lock(&watch).clone_state().crashed => match self.kills.claim(begun) {
                Some(resident) => Err(Failure::Page(memory::too_much(resident))),
                None => loaded,
            },
            other => other,
        };
        let closed = tab.close().await;
        let result = match loaded {
            Err(Failure::Closed) => {
                let words = self.last_words().await;
                self.stop().await;
                Err(fail(format!(
                    "the browser exited while it rendered the page{}",
                    words.map(|w| format!(": {w}")).unwrap_or_default()
                )))
            }
            Err(Failure::Slow) => {
                let words = self.last_words().await;
                self.stop().await;
                Err(fail(format!(
                    "the browser stopped answering while it rendered the page (browser_timeout {}){}",
                    seconds(self.options.load_timeout),
                    words.map(|w| format!(": {w}")).unwrap_or_default()
                )))
            }
            Err(Failure::Fetch(e)) => Err(e),
            Err(Failure::Page(reason)) => Err(fail(reason)),
            Ok(page) => Ok(page),
        };
        if !closed {
            // A tab that does not close is a browser that no longer answers.
            self.stop().await;
        }
        result
    }

    /// Navigate, wait for the items (or the network to fall idle) within the deadline, and
    /// take the DOM.
    async fn load(
        &self,
        tab: &Tab,
        url: &Url,
        render: &Render,
        watch: &Arc<Mutex<Watch>>,
        deadline: Instant,
        max_body: u64,
    ) -> Result<Page, Failure> {
        let limit = self.options.load_timeout;
        let gone = lock(watch).gone();
        let navigated = tokio::time::timeout_at(
            deadline,
            unless_gone(
                tab,
                &gone,
                tab.call("Page.navigate", json!({ "url": url.as_str() })),
            ),
        )
        .await;
        let navigated = match navigated {
            Ok(answer) => answer?,
            Err(_) => {
                return Err(main_error(watch).unwrap_or_else(|| {
                    Failure::Page(format!(
                        "the page did not load within {} (browser_timeout)",
                        seconds(limit)
                    ))
                }));
            }
        };
        if let Some(error) = navigated.get("errorText").and_then(Value::as_str) {
            return Err(main_error(watch).unwrap_or_else(|| {
                Failure::Page(format!("the page did not load ({})", one_line(error)))
            }));
        }
        let counting = render.items.as_deref().map(count_script);
        let mut count: Option<i64> = None;
        // Whether the page's script kept the last count from being answered.
        let mut stuck = false;
        let mut count_since = Instant::now();
        let outcome = loop {
            if let Some(failure) = main_error(watch) {
                return Err(failure);
            }
            // An error page (404, 500) is the same error as over HTTP, at once.
            if let Some(failure) = main_status(watch, false) {
                return Err(failure);
            }
            let now = Instant::now();
            let seen = lock(watch).clone_state();
            if seen.crashed {
                return Err(renderer_gone(tab));
            }
            if now >= deadline {
                break Waited::Deadline(if stuck { None } else { count }, seen);
            }
            if let Some(script) = &counting {
                let within = deadline.saturating_duration_since(now);
                let counted =
                    tokio::time::timeout(within, unless_gone(tab, &gone, tab.evaluate(script)))
                        .await;
                let n = match counted {
                    Ok(value) => value?.as_i64().unwrap_or(0),
                    Err(_) => {
                        stuck = true;
                        continue;
                    }
                };
                if n < 0 {
                    // A selector this browser cannot read: wait as for no selector.
                    counting_failed(render);
                }
                if count != Some(n) {
                    count = Some(n);
                    count_since = Instant::now();
                }
                if n > 0 && count_since.elapsed() >= SETTLED {
                    break Waited::Items;
                }
                if n < 0 && seen.idle_for(now) >= SETTLED {
                    break Waited::Idle;
                }
                if n == 0 && seen.idle_for(now) >= IDLE {
                    break Waited::NothingMatched(seen);
                }
            } else if seen.idle_for(now) >= SETTLED {
                break Waited::Idle;
            }
            tokio::time::sleep_until((Instant::now() + TICK).min(deadline)).await;
        };
        let items = render.items.as_deref().unwrap_or_default();
        match outcome {
            Waited::Items | Waited::Idle => {}
            // Items there, or no selector to wait for (suggest): the page as it is.
            Waited::Deadline(Some(n), _) if n > 0 => {
                tracing::debug!(%url, items = n, "the page was still busy at the deadline; taking it");
            }
            Waited::Deadline(_, _) if counting.is_none() => {
                tracing::debug!(%url, "the network was still busy at the deadline; taking the page");
            }
            Waited::Deadline(None, _) => {
                return Err(Failure::Page(format!(
                    "the page's script kept it too busy to be read within {} (browser_timeout)",
                    seconds(limit)
                )));
            }
            Waited::Deadline(Some(_), seen) => {
                let busy = if seen.in_flight > 0 {
                    format!("; {} request(s) still loading", seen.in_flight)
                } else {
                    String::new()
                };
                return Err(Failure::Page(format!(
                    "no element matched the item selector {items:?} within {} (browser_timeout){busy}{}",
                    seconds(limit),
                    thrown(&seen)
                )));
            }
            Waited::NothingMatched(seen) => {
                return Err(Failure::Page(format!(
                    "no element matched the item selector {items:?} once the page had loaded{}",
                    thrown(&seen)
                )));
            }
        }
        self.take(tab, watch, deadline, max_body).await
    }

    /// The rendered DOM as a page, with what the main document's response said.
    async fn take(
        &self,
        tab: &Tab,
        watch: &Arc<Mutex<Watch>>,
        deadline: Instant,
        max_body: u64,
    ) -> Result<Page, Failure> {
        // The page's script may keep its thread busy: the DOM gets a few seconds past the
        // deadline, no more.
        let grace = deadline.max(Instant::now()) + Duration::from_secs(5);
        let busy = || Failure::Page("the page's script kept it too busy to be read".into());
        let gone = lock(watch).gone();
        let length =
            tokio::time::timeout_at(grace, unless_gone(tab, &gone, tab.evaluate(LENGTH_SCRIPT)))
                .await
                .map_err(|_| busy())??
                .as_u64()
                .unwrap_or(0);
        let origin = lock(watch)
            .main
            .as_ref()
            .map(|m| m.url.to_string())
            .unwrap_or_default();
        // UTF-16 units: at least the bytes of ASCII, a third of those of other text.
        if length > max_body {
            return Err(Failure::Fetch(FetchError::too_large(&origin, max_body)));
        }
        let text =
            tokio::time::timeout_at(grace, unless_gone(tab, &gone, tab.evaluate(DOM_SCRIPT)))
                .await
                .map_err(|_| busy())??;
        let text = text.as_str().unwrap_or_default().to_owned();
        if text.len() as u64 > max_body {
            return Err(Failure::Fetch(FetchError::too_large(&origin, max_body)));
        }
        if let Some(failure) = main_status(watch, true) {
            return Err(failure);
        }
        let state = lock(watch);
        let Some(main) = state.main.as_ref() else {
            return Err(Failure::Page("the page has no document".into()));
        };
        Ok(Page {
            bytes: text.len(),
            text,
            url: main.url.clone(),
            date: super::date_less_age(&main.headers),
            validators: Validators::default(),
            from_file: false,
            encoding: "UTF-8",
            content_language: super::header_text(&main.headers, reqwest::header::CONTENT_LANGUAGE)
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty()),
        })
    }
}

/// Why a render failed whose page's renderer went: the browser exited (its connection
/// closed), or the renderer alone crashed or was killed.
fn renderer_gone(tab: &Tab) -> Failure {
    if tab.connection.is_closed() {
        Failure::Closed
    } else {
        Failure::Page("the page's renderer crashed".into())
    }
}

/// The answer to a command to the page, or the renderer's end as soon as it goes (a command
/// to a renderer that has gone is never answered).
async fn unless_gone<T>(
    tab: &Tab,
    gone: &tokio::sync::watch::Receiver<bool>,
    command: impl std::future::Future<Output = Result<T, CdpError>>,
) -> Result<T, Failure> {
    let mut gone = gone.clone();
    tokio::select! {
        answer = command => answer.map_err(Failure::from),
        _ = gone.wait_for(|g| *g) => Err(renderer_gone(tab)),
    }
}

/// The length of the page's markup, in UTF-16 units.
const LENGTH_SCRIPT: &str =
    "document.documentElement ? document.documentElement.outerHTML.length : 0";
/// The page's markup, as the DOM holds it now, after its doctype (so that it parses in the
/// same mode, standards or quirks, as the page did).
const DOM_SCRIPT: &str = "(document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '') + (document.documentElement ? document.documentElement.outerHTML : '')";

/// A script that counts the elements `selector` matches, -1 where the browser cannot read it.
fn count_script(selector: &str) -> String {
    let quoted = Value::from(selector).to_string();
    format!(
        "(() => {{ try {{ return document.querySelectorAll({quoted}).length; }} catch (e) {{ return -1; }} }})()"
    )
}

fn counting_failed(render: &Render) {
    tracing::debug!(
        selector = render.items.as_deref().unwrap_or_default(),
        "the browser cannot read the item selector; waiting for the network to fall idle"
    );
}

/// How the wait ended.
enum Waited {
    Items,
    Idle,
    NothingMatched(intercept::Seen),
    /// The deadline came: the last count of items, None where the page's script kept it
    /// from being counted at the end.
    Deadline(Option<i64>, intercept::Seen),
}

/// Why a load failed.
enum Failure {
    /// The connection to the browser closed.
    Closed,
    /// As a fetch would fail (the main document's status, size, reach).
    Fetch(FetchError),
    /// The page itself: it did not load, crashed, or showed no item.
    Page(String),
    /// The browser stopped answering (a renderer stuck, say, as it crashed).
    Slow,
}

impl From<CdpError> for Failure {
    fn from(e: CdpError) -> Failure {
        match e {
            CdpError::Closed => Failure::Closed,
            CdpError::Protocol { .. } => Failure::Page(e.to_string()),
            CdpError::Slow => Failure::Slow,
        }
    }
}

fn lock(watch: &Mutex<Watch>) -> std::sync::MutexGuard<'_, Watch> {
    watch.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The main document's failure, where its request failed as a fetch would.
fn main_error(watch: &Mutex<Watch>) -> Option<Failure> {
    lock(watch).main_error.take().map(Failure::Fetch)
}

/// The main document's status as a fetch's error, where it is not a success (nor, before
/// the page has `settled`, a redirect the browser is following).
fn main_status(watch: &Mutex<Watch>, settled: bool) -> Option<Failure> {
    let watch = lock(watch);
    let main = watch.main.as_ref()?;
    let fine = if settled { 200..300 } else { 200..400 };
    if fine.contains(&main.status) {
        return None;
    }
    Some(Failure::Fetch(super::status_error(
        main.url.as_str(),
        reqwest::StatusCode::from_u16(main.status).unwrap_or(reqwest::StatusCode::BAD_GATEWAY),
        &main.headers,
    )))
}

/// "; the page's script threw: …" where it did.
fn thrown(seen: &intercept::Seen) -> String {
    seen.exception
        .as_ref()
        .map(|e| format!("; the page's script threw: {e}"))
        .unwrap_or_default()
}

fn seconds(d: Duration) -> String {
    super::seconds(&d)
}

/// The first line of `text`, at most 200 characters.
fn one_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

/// The permissions denied in every render's context (the Permissions API's names).
const DENIED: &[&str] = &[
    "geolocation",
    "notifications",
    "push",
    "midi",
    "camera",
    "microphone",
    "background-sync",
    "persistent-storage",
    "clipboard-read",
    "clipboard-write",
    "payment-handler",
    "idle-detection",
    "screen-wake-lock",
    "storage-access",
    "window-management",
    "local-fonts",
    "display-capture",
];

/// A browser context and a tab in it, attached to over one session.
struct Tab {
    connection: Arc<Connection>,
    context: String,
    target: String,
    session: String,
    closed: bool,
}

impl Tab {
    /// Open a context and a tab in it, by the deadline.
    async fn open(connection: Arc<Connection>, deadline: Instant) -> Result<Tab, CdpError> {
        let within = |f| tokio::time::timeout_at(deadline, f);
        let context = within(connection.call(
            None,
            "Target.createBrowserContext",
            json!({ "disposeOnDetach": true }),
        ))
        .await
        .map_err(|_| CdpError::Slow)??;
        let context = text_of(&context, "browserContextId");
        let mut tab = Tab {
            connection: connection.clone(),
            context: context.clone(),
            target: String::new(),
            session: String::new(),
            closed: false,
        };
        // Downloads go nowhere.
        within(connection.call(
            None,
            "Browser.setDownloadBehavior",
            json!({ "behavior": "deny", "browserContextId": context }),
        ))
        .await
        .map_err(|_| CdpError::Slow)??;
        // Every permission a page may ask for is denied without a prompt.
        for name in DENIED {
            // Push is asked for as visible only (the one kind Chromium knows).
            let permission = match *name {
                "push" => json!({ "name": name, "userVisibleOnly": true }),
                _ => json!({ "name": name }),
            };
            let denied = json!({
                "permission": permission,
                "setting": "denied",
                "browserContextId": context,
            });
            let set = within(connection.call(None, "Browser.setPermission", denied)).await;
            match set {
                Ok(Err(CdpError::Closed)) => return Err(CdpError::Closed),
                Err(_) => return Err(CdpError::Slow),
                // A permission this browser does not know is one no page can ask for.
                Ok(Err(e)) => tracing::trace!("{e}"),
                Ok(Ok(_)) => {}
            }
        }
        let target = within(connection.call(
            None,
            "Target.createTarget",
            json!({ "url": "about:blank", "browserContextId": context }),
        ))
        .await
        .map_err(|_| CdpError::Slow)??;
        tab.target = text_of(&target, "targetId");
        let session = within(connection.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": tab.target, "flatten": true }),
        ))
        .await
        .map_err(|_| CdpError::Slow)??;
        tab.session = text_of(&session, "sessionId");
        Ok(tab)
    }

    /// The page's events, from the domains enabled here on: requests (every one paused),
    /// the load event, exceptions.
    fn events(&self) -> tokio::sync::mpsc::UnboundedReceiver<cdp::Event> {
        self.connection.subscribe(&self.session)
    }

    async fn call(&self, method: &str, params: Value) -> Result<Value, CdpError> {
        self.connection
            .call(Some(&self.session), method, params)
            .await
    }

    async fn evaluate(&self, expression: &str) -> Result<Value, CdpError> {
        let answer = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true }),
            )
            .await?;
        Ok(answer
            .pointer("/result/value")
            .cloned()
            .unwrap_or(Value::Null))
    }

    /// Close the tab and its context, within [`CLOSE_WITHIN`]; whether that worked.
    async fn close(mut self) -> bool {
        self.closed = true;
        let connection = self.connection.clone();
        let (context, target, session) = (
            self.context.clone(),
            self.target.clone(),
            self.session.clone(),
        );
        close(connection, context, target, session).await
    }
}

/// Close a tab and dispose of its context (which ends its renderer and its storage).
async fn close(
    connection: Arc<Connection>,
    context: String,
    target: String,
    session: String,
) -> bool {
    connection.unsubscribe(&session);
    if connection.is_closed() {
        return true;
    }
    let closing = async {
        if !target.is_empty() {
            connection
                .call(None, "Target.closeTarget", json!({ "targetId": target }))
                .await?;
        }
        connection
            .call(
                None,
                "Target.disposeBrowserContext",
                json!({ "browserContextId": context }),
            )
            .await
    };
    match tokio::time::timeout(CLOSE_WITHIN, closing).await {
        Ok(Ok(_)) => true,
        Ok(Err(e)) => {
            tracing::debug!("closing a tab: {e}");
            !matches!(e, CdpError::Closed)
        }
        Err(_) => false,
    }
}

impl Drop for Tab {
    /// A render cut off (pagefeed stopping, a poll dropped) still closes its tab.
    fn drop(&mut self) {
        if self.closed || self.context.is_empty() {
            return;
        }
        let args = (
            self.connection.clone(),
            std::mem::take(&mut self.context),
            std::mem::take(&mut self.target),
            std::mem::take(&mut self.session),
        );
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                close(args.0, args.1, args.2, args.3).await;
            });
        }
    }
}

fn text_of(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_browser_serves_the_process_while_its_options_hold() {
        let options = BrowserOptions {
            executable: Some(PathBuf::from("/usr/bin/chromium-for-this-test")),
            ..BrowserOptions::default()
        };
        let first = Browser::shared(options.clone());
        let again = Browser::shared(options.clone());
        assert!(Arc::ptr_eq(&first, &again));
        let other = Browser::shared(BrowserOptions {
            concurrency: 2,
            ..options
        });
        assert!(!Arc::ptr_eq(&first, &other));
    }

    #[test]
    fn the_count_script_quotes_the_selector() {
        let script = count_script("li[data-x=\"a'b\"] > a");
        assert!(
            script.contains(r#"querySelectorAll("li[data-x=\"a'b\"] > a")"#),
            "{script}"
        );
        assert_eq!(one_line("net::ERR_FAILED\nmore"), "net::ERR_FAILED");
    }
}
