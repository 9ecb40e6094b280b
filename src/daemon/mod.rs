//! `pagefeed run`: the service around the scheduler. It loads the config, starts the
//! [`schedule`] loop, and turns signals into its controls: SIGHUP reloads the config (a config
//! with errors is refused, its errors logged, and the old one goes on), SIGTERM and SIGINT
//! stop it (no new polls, polls in flight get a few seconds, exit 0). systemd hears of each
//! step through [`notify`]; logs go through [`logging`]; [`Politeness`] (of the sources, in
//! [`crate::fetch`]) keeps their hosts happy.

pub mod logging;
pub mod notify;
pub mod schedule;

pub use logging::init_logging;

use crate::config::{self, Config, ConfigErrors};
use crate::fetch::politeness::Politeness;
use crate::poll::{self, Finished, Gate, Places, Poller};
use crate::serve::{self, Heartbeat, metrics::Metrics};
use crate::state::{LockError, PollNote, RunLock};
use chrono::Utc;
use schedule::{Control, Hooks, Options, PollFn};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{mpsc, watch};

/// How long polls in flight may take to finish once a stop is asked for. The process is gone
/// within a second after that, whatever is still parsing (see [`crate::poll::Gate`]),
/// so a stop takes at most 5 s, well inside systemd's stop timeout.
pub const GRACE: Duration = Duration::from_secs(4);

/// How the scheduler polls under `config`: one [`Poller`] for all its feeds. After a reload,
/// `before` is the politeness of the config it replaces: the robots.txt files and the hosts'
/// gaps carry over.
pub fn poller(
    config: &Config,
    before: Option<&Politeness>,
    gate: &Gate,
) -> Result<(PollFn, Arc<Politeness>), String> {
    let poller = Arc::new(Poller::new(config, before, gate.clone()).map_err(|e| e.to_string())?);
    let polite = poller.polite.clone();
    let poll: PollFn = Arc::new(move |feed| {
        let poller = poller.clone();
        // The scheduler notes each poll in the state itself, with the time of the next one.
        Box::pin(async move { poller.poll(feed, None, Utc::now()).await })
    });
    Ok((poll, polite))
}

fn load(path: &Path) -> Result<Config, ConfigErrors> {
    let state_directory = std::env::var("STATE_DIRECTORY").ok();
    config::load(path, state_directory.as_deref())
}

/// Why the daemon could not start.
#[derive(Debug)]
pub enum RunError {
    /// The config has errors.
    Config(ConfigErrors),
    /// Something it needs could not be had (the HTTP client, signals, the listening socket).
    Start(String),
    /// Another `run` uses the state folder.
    Locked(String),
}

/// Keep the heap from growing with the biggest page ever fetched: glibc raises its mmap
/// threshold after a large buffer is freed, and each thread's arena then keeps up to a whole
/// body (10 MiB) for good. A fixed threshold sends large buffers back to the system when
/// they are freed.
pub fn bound_the_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; it is called before the runtime starts
    // any thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// The most poll notes that wait for the state to be written: past this (the state held by
/// another process for long), a poll's note is dropped with a warning rather than kept.
const NOTES_WAITING: usize = 1024;

/// What the scheduler tells the world after each poll and while it runs: the metrics, the
/// heartbeat, and a note of the poll in the state (written by a task of its own, so that the
/// scheduler never waits for the database; at most [`NOTES_WAITING`] wait).
fn hooks(
    metrics: Arc<Metrics>,
    heartbeat: Arc<Heartbeat>,
    site: watch::Receiver<Arc<Config>>,
    gate: Gate,
) -> Arc<Hooks> {
    let (tx, mut rx) = mpsc::channel::<(String, PollNote)>(NOTES_WAITING);
    tokio::spawn(async move {
        while let Some((id, note)) = rx.recv().await {
            let places = Places::from(&**site.borrow());
            poll::note(&places, &gate, &id, note).await;
        }
    });
    Arc::new(Hooks {
        finished: Box::new(move |f: Finished<'_>| {
            let now = Utc::now();
            metrics.observe(&f, now.timestamp());
            let started = now - chrono::Duration::from_std(f.took).unwrap_or_default();
            let next = now + chrono::Duration::from_std(f.next_in).unwrap_or_default();
            let note = poll::poll_note(f.result, started, f.took, Some(next));
            if let Err(mpsc::error::TrySendError::Full(_)) = tx.try_send((f.feed.id.clone(), note))
            {
                tracing::warn!(
                    feed = %f.feed.id,
                    "{NOTES_WAITING} poll notes wait for the state already (is another process holding it?); this poll's note is dropped"
                );
            }
        }),
        alive: Box::new(move || heartbeat.beat()),
        beat: Heartbeat::PERIOD,
    })
}

/// Run until SIGTERM or SIGINT.
pub async fn run(path: PathBuf) -> Result<(), RunError> {
    let config = load(&path).map_err(RunError::Config)?;
    // One run per state folder, held until the process ends.
    let _lock = RunLock::take(&config.state_dir).map_err(|e| match e {
        LockError::Held { .. } => RunError::Locked(e.to_string()),
        LockError::Io { .. } => RunError::Start(e.to_string()),
    })?;
    // Closed once, at the stop: nothing is committed or written after "stopped".
    let gate = Gate::default();
    let (poll, mut polite) = poller(&config, None, &gate).map_err(RunError::Start)?;
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        return Err(RunError::Start("cannot listen for signals".into()));
    };
    // The HTTP server, where `listen` asks for one: bound before systemd hears READY, so that
    // a port in use is an error at start.
    let listener = match config.listen {
        Some(addr) => Some(
            serve::bind(addr)
                .await
                .map_err(|e| RunError::Start(e.to_string()))?,
        ),
        None => None,
    };
    let config = Arc::new(config);
    let (site_tx, site) = watch::channel(config.clone());
    let metrics = Arc::new(Metrics::new());
    let heartbeat = Arc::new(Heartbeat::default());
    let (stop_server, server_stop) = watch::channel(false);
    let server = listener.map(|listener| {
        let local = listener.local_addr().unwrap_or_else(|_| {
            config
                .listen
                .unwrap_or_else(|| std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        });
        tracing::info!("serving http://{local}/");
        let shared = Arc::new(serve::Shared::new(
            site.clone(),
            metrics.clone(),
            heartbeat.clone(),
            local,
        ));
        tokio::spawn(serve::serve(listener, shared, server_stop))
    });
    let (control, rx) = mpsc::channel(4);
    let options = Options {
        grace: GRACE,
        watchdog: notify::watchdog_period(),
        hooks: Some(hooks(metrics, heartbeat, site, gate.clone())),
    };
    let feeds = config.feeds.len();
    let mut scheduler = tokio::spawn(schedule::schedule(config.feeds.clone(), poll, rx, options));
    tracing::info!(
        "started: {feeds} feeds from {}, writing to {}, state in {}",
        path.display(),
        config.output_dir.display(),
        config.state_dir.display()
    );
    notify::ready();
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = int.recv() => break,
            _ = hup.recv() => {
                notify::reloading();
                let outcome = load(&path)
                    .map_err(|errors| errors.0.iter().map(|e| e.to_string()).collect::<Vec<_>>())
                    .and_then(|c| {
                        poller(&c, Some(&polite), &gate).map(|p| (c, p)).map_err(|e| vec![e])
                    });
                let sent = match outcome {
                    Ok((c, (p, kept))) => {
                        polite = kept;
                        if c.listen != config.listen {
                            tracing::warn!("listen changed: the server goes on at its address until pagefeed restarts");
                        }
                        let feeds = c.feeds.clone();
                        let _ = site_tx.send(Arc::new(c));
                        control.send(Control::Reload { feeds, poll: p }).await
                    }
                    Err(errors) => {
                        for e in &errors {
                            tracing::error!("config not reloaded, the running one goes on: {e}");
                        }
                        let note = format!("config reload refused ({} error(s), see the log)", errors.len());
                        control.send(Control::Note(note)).await
                    }
                };
                notify::ready();
                if sent.is_err() {
                    break;
                }
            }
            _ = &mut scheduler => {
                return Err(RunError::Start("the scheduler stopped unexpectedly".into()));
            }
        }
    }
    notify::stopping();
    tracing::info!("stopping: no new polls; waiting for those in flight");
    let _ = stop_server.send(true);
    let _ = control.send(Control::Stop).await;
    let _ = scheduler.await;
    if let Some(server) = server {
        let _ = server.await;
    }
    // Polls cut off may still be parsing on blocking threads: from here none of them commits
    // or writes, and the process does not wait for them.
    gate.close();
    tracing::info!("stopped");
    Ok(())
}
