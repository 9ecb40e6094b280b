//! `pagefeed check`: validate the config and say what is wrong; with `--fetch`, also fetch
//! each feed once, politely as a poll would, and report how many of its items each field's
//! selector was found in. Writes no state and no files.

use super::{Error, Result, coverage_table, load, runtime};
use pagefeed::config::Config;
use pagefeed::poll::{Gate, Poller, pipeline};
use std::path::PathBuf;

pub fn run(config: Option<PathBuf>, fetch: bool) -> Result {
    let c = load(config)?;
    outln!(
        "{}: OK, {} feed(s): {}; state in {}, feeds written to {}",
        c.path.display(),
        c.feeds.len(),
        c.feeds
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        c.state_dir.display(),
        c.output_dir.display()
    );
    if fetch {
        runtime(fetch_each(c))?;
    }
    Ok(())
}

/// Fetch each feed once, one after the other, through the poll's own politeness (the host's
/// turn and gap, robots.txt unless the feed says `robots = false`), and print its item count
/// and a line per field. An error where a feed could not be fetched or matched no item.
async fn fetch_each(c: Config) -> Result {
    let poller = Poller::new(&c, None, Gate::default())
        .map_err(|e| Error::Failed(format!("pagefeed: {e}")))?;
    let mut failed = 0;
    for feed in &c.feeds {
        outln!();
        let (page, _) = match poller.fetch(feed, None).await {
            Ok(fetched) => fetched,
            Err(e) => {
                outln!("feed {:?}: cannot fetch: {e}", feed.id);
                failed += 1;
                continue;
            }
        };
        let extracted = {
            let (feed, page) = (feed.clone(), page.clone());
            tokio::task::spawn_blocking(move || pipeline::extract(&feed, &page)).await
        };
        match extracted {
            Ok(Ok(x)) => {
                let kept = x.items.len().min(feed.max_items);
                outln!(
                    "feed {:?}: {} item(s) on {}; the feed keeps {kept} (max_items {})",
                    feed.id,
                    x.items.len(),
                    page.url,
                    feed.max_items
                );
                for line in coverage_table(&x.coverage) {
                    outln!("  {line}");
                }
                for miss in x.coverage.misses() {
                    outln!("  warning: {miss}");
                }
            }
            Ok(Err(e)) => {
                outln!("feed {:?}: {e}", feed.id);
                failed += 1;
            }
            Err(e) => {
                outln!("feed {:?}: {e}", feed.id);
                failed += 1;
            }
        }
    }
    match failed {
        0 => Ok(()),
        failed => Err(Error::Feeds {
            failed,
            of: c.feeds.len(),
        }),
    }
}
