//! `pagefeed once`: poll every feed (or the named ones) once, write their files, exit.

use super::{Error, Result, load, runtime};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use pagefeed::config::Config;
use pagefeed::poll::{Gate, Poller};
use std::path::PathBuf;
use std::sync::Arc;

pub fn run(config: Option<PathBuf>, only: Vec<String>, now: Option<DateTime<Utc>>) -> Result {
    let c = load(config)?;
    let unknown: Vec<String> = only
        .iter()
        .filter(|id| !c.feeds.iter().any(|f| &f.id == *id))
        .map(|id| format!("{}: no feed with id {id:?}", c.path.display()))
        .collect();
    if !unknown.is_empty() {
        return Err(Error::Usage(unknown.join("\n")));
    }
    runtime(poll_all(c, only, now))
}

/// Poll the feeds, at most `concurrency` at once, with the daemon's politeness (robots.txt,
/// one request at a time per host); each poll is logged and noted in the state.
async fn poll_all(c: Config, only: Vec<String>, now: Option<DateTime<Utc>>) -> Result {
    let poller = Poller::new(&c, None, Gate::default())
        .map_err(|e| Error::Failed(format!("pagefeed: {e}")))?;
    tracing::info!(
        "state in {}, feeds written to {}",
        c.state_dir.display(),
        c.output_dir.display()
    );
    let feeds: Vec<Arc<pagefeed::config::Feed>> = c
        .feeds
        .iter()
        .filter(|f| only.is_empty() || only.contains(&f.id))
        .cloned()
        .collect();
    let of = feeds.len();
    let poller = &poller;
    let results: Vec<bool> = futures_util::stream::iter(feeds)
        .map(|feed| async move {
            let id = feed.id.clone();
            match poller.poll_and_note(feed, now, Utc::now()).await {
                Ok(r) => {
                    r.log();
                    true
                }
                Err(e) => {
                    tracing::error!("feed {id:?}: {e}");
                    false
                }
            }
        })
        .buffer_unordered(c.concurrency)
        .collect()
        .await;
    match results.iter().filter(|ok| !**ok).count() {
        0 => Ok(()),
        failed => Err(Error::Feeds { failed, of }),
    }
}
