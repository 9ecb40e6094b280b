//! The run loop: when each feed is polled, and the service around it (logging, signals).

use crate::config::{self, Config};
use crate::fetch::Fetcher;
use crate::poll::{self, Places};
use chrono::Utc;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

/// Logs go to standard error: under systemd's journal (`$JOURNAL_STREAM`) as plain lines
/// without timestamps or colours; on a terminal, readable ones. `$PAGEFEED_LOG` (or
/// `$RUST_LOG`) filters, e.g. `debug` or `pagefeed=info`.
pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = std::env::var("PAGEFEED_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".into());
    let filter = EnvFilter::try_new(&filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let journal = std::env::var_os("JOURNAL_STREAM").is_some();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    if journal {
        builder.without_time().with_ansi(false).init();
    } else {
        builder.init();
    }
}

/// Run until SIGTERM or SIGINT. Returns the exit status.
pub async fn run(path: PathBuf) -> u8 {
    let state_directory = std::env::var("STATE_DIRECTORY").ok();
    let config = match config::load(&path, state_directory.as_deref()) {
        Ok(c) => c,
        Err(errors) => {
            eprintln!("{errors}");
            return 2;
        }
    };
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        eprintln!("pagefeed: cannot listen for signals");
        return 1;
    };
    let mut config = Arc::new(config);
    loop {
        let (stop_tx, stop_rx) = watch::channel(false);
        let tasks = match start(config.clone(), stop_rx) {
            Ok(t) => t,
            Err(code) => return code,
        };
        tracing::info!(feeds = config.feeds.len(), "started");
        let reload = tokio::select! {
            _ = term.recv() => false,
            _ = int.recv() => false,
            _ = hup.recv() => true,
        };
        let _ = stop_tx.send(true);
        for t in tasks {
            let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
        }
        if !reload {
            tracing::info!("stopped");
            return 0;
        }
        match config::load(&path, state_directory.as_deref()) {
            Ok(c) => {
                tracing::info!("config reloaded");
                config = Arc::new(c);
            }
            Err(errors) => {
                tracing::error!("config not reloaded, keeping the running one:\n{errors}");
            }
        }
    }
}

fn start(
    config: Arc<Config>,
    stop: watch::Receiver<bool>,
) -> Result<Vec<tokio::task::JoinHandle<()>>, u8> {
    let fetcher = Arc::new(Fetcher::new(config.fetch_options()).map_err(|e| {
        eprintln!("pagefeed: {e}");
        1
    })?);
    let slots = Arc::new(tokio::sync::Semaphore::new(config.concurrency));
    let places = Places::from(config.as_ref());
    Ok(config
        .feeds
        .iter()
        .cloned()
        .map(|feed| {
            let fetcher = fetcher.clone();
            let slots = slots.clone();
            let places = places.clone();
            let mut stop = stop.clone();
            tokio::spawn(async move {
                loop {
                    {
                        let Ok(_slot) = slots.acquire().await else { return };
                        match poll::poll(places.clone(), feed.clone(), &fetcher, None, Utc::now()).await {
                            Ok(r) => tracing::info!(feed = %r.feed, items = r.items, new = r.new, "polled"),
                            Err(e) => tracing::error!("feed {:?}: {e}", feed.id),
                        }
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(feed.interval) => {}
                        _ = stop.changed() => return,
                    }
                }
            })
        })
        .collect())
}
