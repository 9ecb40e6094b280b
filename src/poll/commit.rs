//! A poll's page into the state and the files, together: the feed's state is read, the page
//! worked on ([`pipeline::run`]) outside any lock, and the result committed and written under
//! the state's write lock, so that the files never show times the state does not hold.

use super::health::{judge, report_coverage};
use super::pipeline::{self, ItemPages, Outcome, Pass, Prior};
use super::{Gate, Places, PollError, Report, log_events};
use crate::config::Feed;
use crate::publish::{self, Documents, FeedMeta};
use crate::state::{FieldReport, GoodPoll, PageReport, Rendered, StateError, Store, Tx};
use std::time::Instant;

/// How many times a poll works on its page outside the write lock when the feed changes
/// meanwhile (another process polled it); after that it works under the lock.
pub(super) const TRIES_OUTSIDE_THE_LOCK: usize = 2;

/// What a poll reads of its feed's state before it works on a page.
struct Before {
    generation: i64,
    prior: Prior,
    last_good: Option<GoodPoll>,
    /// The selector coverage last reported, as the state holds it.
    coverage: String,
}

impl Before {
    fn read(tx: &Tx<'_>, feed: &Feed) -> Result<Before, StateError> {
        let id = &feed.id;
        Ok(Before {
            generation: tx.generation(id)?,
            prior: Prior {
                items: tx.items(id)?,
                held: tx.held(id)?,
                followed: if feed.follow {
                    Some(tx.followed(id)?)
                } else {
                    None
                },
            },
            last_good: tx.last_good(id)?,
            coverage: tx.coverage(id)?,
        })
    }
}

/// A poll's work on a page against what the state held ([`Before`]): pure.
struct Worked {
    /// The feed's generation the work was done against.
    generation: i64,
    outcome: Outcome,
    /// The counts for selector health, and its verdict.
    good: GoodPoll,
    health: Result<(), String>,
    /// The selector coverage last reported, as the state held it.
    last_coverage: String,
}

fn work(pass: &Pass<'_>, before: Before, pages: &ItemPages) -> Result<Worked, PollError> {
    let outcome = pipeline::run(pass, before.prior, pages.clone())?;
    // Selector health, over the items on this page: a redesigned page publishes nothing.
    let (good, health) = judge(&outcome, pass.now, before.last_good);
    Ok(Worked {
        generation: before.generation,
        outcome,
        good,
        health,
        last_coverage: before.coverage,
    })
}

/// The state, then the files, for one fetched page (with the item pages this poll fetched,
/// for a feed that follows its items: what they said is committed with the page).
///
/// The feed's state is read in a read transaction, and the page worked on (extraction,
/// dates, timeline, rendering) outside any lock; the write transaction is taken only to
/// check that the feed's generation is still the one read — else the work is done again
/// against the new state, [`TRIES_OUTSIDE_THE_LOCK`] times at most, then under the lock —
/// and to commit. Polls of other feeds so wait only for each other's commits and files.
///
/// The state commits first, marked pending, and the files follow under the database's write
/// lock; then the mark is cleared. A poll killed in between leaves the mark, and the next
/// poll writes the files from the state before anything else (see [`repair_files`]), 304 or
/// not; the files never show times the state does not hold (a later poll could otherwise
/// publish an item at a second, different time). Under the lock the files are rendered from
/// what the state holds, so a concurrent process never leaves older files behind. Nothing is
/// committed or written once `gate` is closed.
pub fn publish(
    places: &Places,
    gate: &Gate,
    pass: &Pass<'_>,
    pages: &ItemPages,
) -> Result<Report, PollError> {
    publish_meanwhile(places, gate, pass, pages, &mut || {})
}

/// [`publish`], with `meanwhile` run between the work outside the lock and the write
/// transaction (where another process may commit).
pub(super) fn publish_meanwhile(
    places: &Places,
    gate: &Gate,
    pass: &Pass<'_>,
    pages: &ItemPages,
    meanwhile: &mut dyn FnMut(),
) -> Result<Report, PollError> {
    let started = Instant::now();
    let (feed, page) = (pass.feed, pass.page);
    let mut store = Store::open(&places.state_dir)?;
    let mut tries = 0;
    let (tx, worked) = loop {
        if tries == TRIES_OUTSIDE_THE_LOCK {
            let tx = store.begin()?;
            let before = Before::read(&tx, feed)?;
            let worked = work(pass, before, pages)?;
            break (tx, worked);
        }
        tries += 1;
        let before = Before::read(&store.read()?, feed)?;
        let worked = work(pass, before, pages)?;
        meanwhile();
        let tx = store.begin()?;
        if tx.generation(&feed.id)? == worked.generation {
            break (tx, worked);
        }
        tracing::debug!(feed = %feed.id, "the feed changed while its page was worked on; again");
    };
    let Worked {
        outcome,
        good,
        health,
        last_coverage,
        ..
    } = worked;
    let coverage = report_coverage(feed, &outcome.coverage, &last_coverage);
    if let Some(f) = &outcome.follow {
        for line in &f.logs {
            tracing::warn!(feed = %feed.id, "{line}");
        }
    }
    let report = page_report(&outcome);
    if let Err(detail) = health {
        // Nothing is published, but what the page showed is remembered.
        if let Ok(_open) = gate.hold() {
            tx.save_report(&feed.id, &report)?;
            if let Some(key) = coverage {
                tx.save_coverage(&feed.id, &key)?;
                tx.bump_generation(&feed.id)?;
            }
            tx.commit()?;
        }
        return Err(PollError::Unhealthy {
            url: page.url.to_string(),
            detail,
        });
    }
    if let Some(key) = &coverage {
        tx.save_coverage(&feed.id, key)?;
    }
    tx.save_report(&feed.id, &report)?;
    log_events(&feed.id, &outcome.events, &outcome.fresh);
    let rendered = Rendered {
        title: outcome.meta.title.clone(),
        page: outcome.meta.page.clone(),
    };
    tx.save_items(&feed.id, &outcome.items)?;
    tx.save_held(&feed.id, &outcome.held)?;
    if !outcome.held.is_empty() {
        tracing::info!(
            feed = %feed.id,
            held = outcome.held.len(),
            "new items the page dates only roughly wait for their time to settle"
        );
    }
    if let Some(f) = &outcome.follow {
        tx.save_followed(&feed.id, &f.kept.save, &f.kept.gone)?;
        if f.held > 0 {
            tracing::info!(
                feed = %feed.id,
                held = f.held,
                "new items without a date on the list wait for their own page"
            );
        }
    }
    tx.save_validators(&feed.id, &page.validators)?;
    tx.save_good(&feed.id, good)?;
    tx.save_pending(&feed.id, &rendered)?;
    tx.bump_generation(&feed.id)?;
    let open = gate.hold()?;
    // Files that show this poll already (a steady page): one commit, nothing pending. Files
    // are written only under the state's write lock, held here from the check of the
    // generation, so they cannot change meanwhile.
    let current =
        publish::documents_hold(&places.output_dir, &feed.id, &outcome.files).unwrap_or(false);
    if current {
        tx.files_written(&feed.id)?;
    }
    tx.commit()?;
    drop(open);
    let written = if current {
        false
    } else {
        write_files(&mut store, places, gate, feed, &outcome)?
    };
    Ok(Report {
        feed: feed.id.clone(),
        modified: true,
        items: outcome.on_page,
        new: outcome.new,
        kept: pipeline::published(feed, &outcome.items).count(),
        written,
        bytes: page.bytes,
        took: started.elapsed(),
        waiting: outcome.follow.as_ref().map_or(0, |f| f.waiting()),
    })
}

/// What the page showed, as the state keeps it for `status` and the status page.
fn page_report(outcome: &Outcome) -> PageReport {
    PageReport {
        items: outcome.coverage.items,
        fields: outcome
            .coverage
            .fields
            .iter()
            .map(|f| FieldReport {
                name: f.name.to_string(),
                configured: f.selector.is_some(),
                found: f.found,
            })
            .collect(),
        dates_matched: outcome.dates.matched,
        dates_read: outcome.dates.read,
    }
}

/// Write the feed files for what the state holds, holding its write lock, and clear the
/// pending mark. The lock is taken before the writes are held open: waiting for another
/// process that holds the state never keeps a stop waiting.
fn write_files(
    store: &mut Store,
    places: &Places,
    gate: &Gate,
    feed: &Feed,
    outcome: &Outcome,
) -> Result<bool, PollError> {
    let lock = store.begin_light()?;
    let _open = gate.hold()?;
    let held = lock.items(&feed.id)?;
    let rendered;
    let files = if held == outcome.items {
        &outcome.files
    } else {
        rendered = publish::render(&outcome.meta, pipeline::published(feed, &held))?;
        &rendered
    };
    let written = write_set(places, &feed.id, files)?;
    lock.files_written(&feed.id)?;
    lock.commit()?;
    Ok(written)
}

/// Replace a feed's RSS, Atom and JSON Feed files where they changed.
fn write_set(places: &Places, id: &str, files: &Documents) -> Result<bool, PollError> {
    publish::write_documents(&places.output_dir, id, files).map_err(|source| PollError::Write {
        path: places.output_dir.clone(),
        source,
    })
}

/// Where a crash (or a failed write) left a feed's files behind its state, write them from
/// the state. Returns whether the files were written.
pub fn repair_files(places: &Places, gate: &Gate, feed: &Feed) -> Result<bool, PollError> {
    let mut store = Store::open(&places.state_dir)?;
    let lock = store.begin_light()?;
    let Some(rendered) = lock.pending(&feed.id)? else {
        return Ok(false);
    };
    let held = lock.items(&feed.id)?;
    let meta = FeedMeta::new(
        &feed.id,
        rendered.title,
        rendered.page,
        places.base_url.as_ref(),
    );
    let files = publish::render(&meta, pipeline::published(feed, &held))?;
    let _open = gate.hold()?;
    let written = write_set(places, &feed.id, &files)?;
    lock.files_written(&feed.id)?;
    lock.commit()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::{Page, Validators};
    use chrono::{DateTime, Utc};
    use std::path::Path;
    use std::sync::Arc;
    use url::Url;

    fn feed(url: &str) -> Arc<Feed> {
        let text = format!(
            "[[feed]]\nid = \"f\"\nurl = \"{url}\"\n[feed.items]\nselect = \"li\"\ntitle = \"a\"\nlink = \"a\"\n"
        );
        let config = crate::config::parse(&text, Path::new("/tmp/pagefeed.toml"), None)
            .unwrap_or_else(|e| panic!("config: {e}"));
        config.feeds[0].clone()
    }

    fn page(guids: &[&str]) -> Page {
        let items: String = guids
            .iter()
            .map(|g| format!("<li><a href=\"/{g}\">Item {g}</a></li>"))
            .collect();
        let text =
            format!("<html><head><title>T</title></head><body><ul>{items}</ul></body></html>");
        Page {
            bytes: text.len(),
            text,
            url: Url::parse("https://s.example/list").unwrap_or_else(|e| panic!("{e}")),
            date: None,
            validators: Validators::default(),
            from_file: false,
            encoding: "UTF-8",
            content_language: None,
        }
    }

    fn places(dir: &Path) -> Places {
        Places {
            output_dir: dir.join("out"),
            state_dir: dir.join("state"),
            base_url: None,
        }
    }

    fn publish_page(places: &Places, feed: &Feed, page: &Page, now: DateTime<Utc>) {
        let pass = Pass {
            feed,
            base_url: None,
            page,
            now,
        };
        publish(places, &Gate::default(), &pass, &ItemPages::default())
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// Another process commits the feed while a poll works on its page outside the lock: the
    /// poll works again against what was committed, and loses none of it.
    #[test]
    fn a_feed_changed_while_its_page_was_worked_on_is_worked_on_again() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let places = places(dir.path());
        let feed = feed("https://s.example/list");
        let t = DateTime::from_timestamp(2_000_000_000, 0).unwrap_or_else(|| panic!("time"));
        publish_page(&places, &feed, &page(&["a", "b"]), t);
        let mut others = 0;
        let later = t + chrono::TimeDelta::minutes(10);
        let again = page(&["a", "b"]);
        let pass = Pass {
            feed: &feed,
            base_url: None,
            page: &again,
            now: later,
        };
        publish_meanwhile(
            &places,
            &Gate::default(),
            &pass,
            &ItemPages::default(),
            &mut || {
                if others == 0 {
                    let meanwhile = t + chrono::TimeDelta::minutes(5);
                    publish_page(&places, &feed, &page(&["c", "a", "b"]), meanwhile);
                }
                others += 1;
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(others, 2, "worked on twice");
        let held =
            Store::look(&places.state_dir, |tx| tx.items("f")).unwrap_or_else(|e| panic!("{e}"));
        let guids: Vec<&str> = held.iter().map(|i| i.record.guid.as_str()).collect();
        assert!(guids.iter().any(|g| g.ends_with("/c")), "{guids:?}");
        let mut store = Store::open(&places.state_dir).unwrap_or_else(|e| panic!("{e}"));
        let read = store.read().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.generation("f").unwrap_or_else(|e| panic!("{e}")), 3);
        assert_eq!(read.pending("f").unwrap_or_else(|e| panic!("{e}")), None);
        let rss = std::fs::read_to_string(places.output_dir.join("f.rss"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            rss.contains("Item c"),
            "the files show what the state holds"
        );
    }

    /// A feed that changes at every try is worked on under the lock at last.
    #[test]
    fn a_feed_that_keeps_changing_is_worked_on_under_the_lock() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let places = places(dir.path());
        let feed = feed("https://s.example/list");
        let t = DateTime::from_timestamp(2_000_000_000, 0).unwrap_or_else(|| panic!("time"));
        let mut others = 0;
        let one = page(&["a"]);
        let pass = Pass {
            feed: &feed,
            base_url: None,
            page: &one,
            now: t,
        };
        publish_meanwhile(
            &places,
            &Gate::default(),
            &pass,
            &ItemPages::default(),
            &mut || {
                others += 1;
                let mut store = Store::open(&places.state_dir).unwrap_or_else(|e| panic!("{e}"));
                let tx = store.begin().unwrap_or_else(|e| panic!("{e}"));
                tx.bump_generation("f").unwrap_or_else(|e| panic!("{e}"));
                tx.commit().unwrap_or_else(|e| panic!("{e}"));
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(others, TRIES_OUTSIDE_THE_LOCK);
        let held =
            Store::look(&places.state_dir, |tx| tx.items("f")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(held.len(), 1);
    }

    /// Once the gate is closed a poll commits nothing and writes nothing.
    #[test]
    fn nothing_is_committed_or_written_once_the_gate_is_closed() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let places = places(dir.path());
        let feed = feed("https://s.example/list");
        let t = DateTime::from_timestamp(2_000_000_000, 0).unwrap_or_else(|| panic!("time"));
        let gate = Gate::default();
        gate.close();
        let one = page(&["a"]);
        let pass = Pass {
            feed: &feed,
            base_url: None,
            page: &one,
            now: t,
        };
        let err = publish(&places, &gate, &pass, &ItemPages::default())
            .err()
            .unwrap_or_else(|| panic!("published past a closed gate"));
        assert!(matches!(err, PollError::Interrupted(_)), "{err}");
        let held =
            Store::look(&places.state_dir, |tx| tx.items("f")).unwrap_or_else(|e| panic!("{e}"));
        assert!(held.is_empty(), "{held:?}");
        assert!(!places.output_dir.join("f.rss").exists());
        // Another gate, another process: open.
        publish_page(&places, &feed, &one, t);
    }
}
