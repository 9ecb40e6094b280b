//! `pagefeed check`: validate the config and say what is wrong, and what is likely to be
//! wrong (a feed whose clock times would be read as UTC); with `--fetch`, also fetch each
//! feed once, politely as a poll would, and report how many of its items each field's
//! selector was found in and how many of its date texts were read. Writes no state and no
//! files.

use super::{Error, Result, coverage_table, load, runtime};
use pagefeed::config::{Config, Feed};
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
        runtime(fetch_each(c))
    } else {
        for feed in c.feeds.iter().filter(|f| !f.timezone_named) {
            outln!("warning: {}", no_zone(feed));
        }
        Ok(())
    }
}

/// The warning for a feed whose file names no zone.
fn no_zone(feed: &Feed) -> String {
    format!(
        "feed {:?}: no timezone: clock times on its page without an offset or zone are read as UTC; set timezone = \"Area/City\" (check --fetch says whether its dates need one)",
        feed.id
    )
}

/// Fetch each feed once, one after the other, through the poll's own politeness (the host's
/// turn and gap, robots.txt unless the feed says `robots = false`), and print its item count,
/// a line per field and what its dates say. An error where a feed could not be fetched,
/// matched no item, or had most of its date texts unread.
async fn fetch_each(c: Config) -> Result {
    let poller = Poller::new(&c, None, Gate::default())
        .map_err(|e| Error::Failed(format!("pagefeed: {e}")))?;
    let mut failed = 0;
    for feed in &c.feeds {
        outln!();
        let (page, now) = match poller.fetch(feed, None).await {
            Ok(fetched) => fetched,
            Err(e) => {
                outln!("feed {:?}: cannot fetch: {e}", feed.id);
                failed += 1;
                continue;
            }
        };
        let checked = {
            let (feed, page) = (feed.clone(), page.clone());
            tokio::task::spawn_blocking(move || {
                let x = pipeline::extract(&feed, &page)?;
                let declared = x.language.clone().or_else(|| page.content_language.clone());
                let coverage = x.coverage.clone();
                let items = x.items.len();
                let filtered = (!feed.filter.is_empty()).then(|| {
                    feed.filter.counts(
                        x.items
                            .iter()
                            .map(|i| (i.title.as_str(), i.summary.as_str(), &i.categories[..])),
                    )
                });
                let actions: Vec<String> = x
                    .items
                    .iter()
                    .filter_map(|i| i.link.as_ref())
                    .filter(|l| pagefeed::extract::is_action(l))
                    .map(|l| l.to_string())
                    .collect();
                let (seen, dates) = pipeline::read_dates(&feed, x.items, now, declared.as_deref());
                let zoned: Vec<String> =
                    pipeline::zone_dependent(&feed, &seen, now, declared.as_deref())
                        .into_iter()
                        .map(str::to_string)
                        .collect();
                Ok::<_, pagefeed::poll::PollError>((
                    items, coverage, dates, zoned, actions, filtered,
                ))
            })
            .await
        };
        let (items, coverage, dates, zoned, actions, filtered) = match checked {
            Ok(Ok(checked)) => checked,
            Ok(Err(e)) => {
                outln!("feed {:?}: {e}", feed.id);
                failed += 1;
                continue;
            }
            Err(e) => {
                outln!("feed {:?}: {e}", feed.id);
                failed += 1;
                continue;
            }
        };
        let kept = items.min(feed.max_items);
        outln!(
            "feed {:?}: {items} item(s) on {}; the feed keeps {kept} (max_items {})",
            feed.id,
            page.url,
            feed.max_items
        );
        for line in coverage_table(&coverage, Some(&dates)) {
            outln!("  {line}");
        }
        for miss in coverage.misses() {
            outln!("  warning: {miss}");
        }
        for line in filtered.iter().flat_map(|f| f.lines()) {
            outln!("  filter: {line}");
        }
        if let Some(first) = actions.first() {
            outln!(
                "  warning: {} of {items} items' links look like actions or carry a session token ({first}): set link to the element of the item's title",
                actions.len()
            );
        }
        if let Some(summary) = dates.summary() {
            outln!("  warning: date: {summary}");
        }
        if !feed.timezone_named && !zoned.is_empty() {
            outln!(
                "  warning: {} date text(s) name a clock time or a day without an offset or zone (\"{}\"), and the feed names no timezone: they are read as UTC; set timezone = \"Area/City\"",
                zoned.len(),
                zoned[0]
            );
        }
        if dates.mostly_unread() {
            outln!(
                "  error: most of the feed's date texts cannot be read ({} of {}): its items would be published when first seen",
                dates.matched - dates.read,
                dates.matched
            );
            failed += 1;
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
