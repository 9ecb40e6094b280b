//! `pagefeed preview`: fetch and extract one feed, and print its items as the next poll would
//! publish them, read against the state as it is; writes nothing.

use super::{Error, Result, coverage_table, load, runtime, to_second};
use chrono::{DateTime, Utc};
use pagefeed::poll::{Gate, Poller, Preview};
use std::path::PathBuf;

pub fn run(config: Option<PathBuf>, id: String, now: Option<DateTime<Utc>>, json: bool) -> Result {
    let c = load(config)?;
    let feed = super::feed(&c, &id)?;
    let poller = Poller::new(&c, None, Gate::default())
        .map_err(|e| Error::Failed(format!("pagefeed: {e}")))?;
    let preview = runtime(async {
        poller
            .preview(feed.clone(), now)
            .await
            .map_err(|e| Error::Failed(format!("feed {id:?}: {e}")))
    })?;
    show(&feed, &preview, json)
}

/// Print what the next poll would publish: the page's items (as text, or as a JSON array),
/// and on standard error the count line, the selector coverage and what the item pages said.
fn show(feed: &pagefeed::config::Feed, preview: &Preview, json: bool) -> Result {
    let Preview { page, now, outcome } = preview;
    let now = *now;
    let followed = outcome.follow.as_ref().map(|f| &f.rows);
    let item_page = |guid: &str| -> serde_json::Value {
        let Some(row) = followed.and_then(|rows| rows.get(guid)) else {
            return serde_json::Value::Null;
        };
        let page = row.page.as_ref();
        let stamp = |s: Option<&pagefeed::item::PageStamp>| {
            s.map(|s| {
                serde_json::json!({
                    "time": s.point.to_rfc3339(),
                    "earliest": s.interval.earliest.to_rfc3339(),
                    "latest": s.interval.latest.to_rfc3339(),
                    "text": s.text,
                    "origin": s.origin,
                })
            })
        };
        serde_json::json!({
            "link": row.link.as_str(),
            "status": row.status.name(),
            "fetched": row.fetched_at.map(|t| t.to_rfc3339()),
            "tries": row.tries,
            "error": row.error,
            "published": stamp(page.and_then(|p| p.published.as_ref())),
            "modified": stamp(page.and_then(|p| p.modified.as_ref())),
            "authors": page.map(|p| p.authors.clone()).unwrap_or_default(),
            "image": page.and_then(|p| p.image.as_ref()).map(|u| u.as_str()),
            "canonical": page.and_then(|p| p.canonical.as_ref()).map(|u| u.as_str()),
            "language": page.and_then(|p| p.language.as_deref()),
            "content_length": page.and_then(|p| p.content.as_ref()).map(String::len),
        })
    };
    // The page's items, in page order; history is the feed's business, not the page's.
    // The page's items the feed publishes (its filter keeps).
    let on_page: Vec<&pagefeed::item::FeedItem> = outcome
        .on_page(now)
        .filter(|i| feed.filter.keeps(&i.title, &i.summary, &i.categories))
        .collect();
    let tz = feed.timezone;
    let keeps = if outcome.on_page > feed.max_items {
        format!("the feed keeps {} (max_items)", feed.max_items)
    } else {
        "the feed keeps them all".to_string()
    };
    let head = format!(
        "{} item(s) on the page ({}) at {}; {keeps}",
        outcome.on_page,
        page.url,
        to_second(now, tz)
    );
    // Coverage goes to standard error in both forms, so that --json stays an array of items.
    for line in coverage_table(&outcome.coverage, Some(&outcome.dates)) {
        eprintln!("coverage: {line}");
    }
    for miss in outcome.coverage.misses() {
        eprintln!("warning: {miss}");
    }
    if let Some(summary) = outcome.dates.summary() {
        eprintln!("warning: date: {summary}");
    }
    if let Some(counts) = &outcome.filter {
        for line in counts.lines() {
            eprintln!("filter: {line}");
        }
    }
    if json {
        eprintln!("{head}");
        let items: Vec<serde_json::Value> = on_page
            .iter()
            .map(|i| {
                let r = &i.record;
                // Undated items: the interval they are held to, up to when first seen.
                let within = r.evidence.unwrap_or(r.pinned);
                let (earliest, latest) = (within.earliest.to_rfc3339(), within.latest.to_rfc3339());
                serde_json::json!({
                    "title": i.title,
                    "link": i.link.as_ref().map(|l| l.as_str()),
                    "guid": r.guid,
                    "summary": i.summary,
                    "published": r.published.to_rfc3339(),
                    "earliest": earliest,
                    "latest": latest,
                    "dated": r.evidence.is_some(),
                    "author": i.author,
                    "categories": i.categories,
                    "image": i.page.as_ref().and_then(|p| p.image.as_ref()).map(|u| u.as_str()),
                    "content": i.page.as_ref().and_then(|p| p.content.as_deref()),
                    "item_page": item_page(&r.guid),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&items)
            .map_err(|e| Error::Failed(format!("pagefeed: {e}")))?;
        outln!("{text}");
    } else {
        outln!("{head}");
        for i in &on_page {
            let r = &i.record;
            outln!();
            outln!("{}", i.title);
            match r.evidence {
                Some(within) => {
                    outln!("  published  {}", to_second(r.published, tz));
                    outln!(
                        "  within     ({}, {}]",
                        to_second(within.earliest, tz),
                        to_second(within.latest, tz)
                    );
                }
                None => outln!(
                    "  published  {} (undated: the moment it was first seen, in page order)",
                    to_second(r.published, tz)
                ),
            }
            if let Some(l) = &i.link {
                outln!("  link       {l}");
            }
            if let Some(a) = &i.author {
                outln!("  author     {a}");
            }
            if !i.categories.is_empty() {
                outln!("  categories {}", i.categories.join(", "));
            }
            if let Some(row) = followed.and_then(|rows| rows.get(&r.guid)) {
                print_item_page(row, tz);
            }
        }
        if let Some(f) = &outcome.follow
            && f.held > 0
        {
            outln!();
            outln!(
                "{} new item(s) without a date on the list wait for their own page (published once it is read or given up)",
                f.held
            );
        }
        for h in &outcome.held {
            if let Some(within) = h.record.evidence {
                outln!();
                outln!("{}", h.title);
                outln!(
                    "  held       to settle, first seen {}: within ({}, {}] so far",
                    to_second(h.record.first_seen, tz),
                    to_second(within.earliest, tz),
                    to_second(within.latest, tz)
                );
            }
        }
    }
    if let Some(f) = &outcome.follow {
        for line in &f.logs {
            eprintln!("warning: {line}");
        }
    }
    Ok(())
}

/// What an item's own page gave, for `preview`.
fn print_item_page(row: &pagefeed::follow::Followed, tz: chrono_tz::Tz) {
    let when = row
        .fetched_at
        .map(|t| format!(", fetched {}", to_second(t, tz)))
        .unwrap_or_default();
    outln!("  item page  {} ({}{when})", row.link, row.status.name());
    if let Some(e) = &row.error {
        outln!("    error     {e}");
    }
    let Some(p) = &row.page else {
        return;
    };
    if let Some(s) = &p.published {
        outln!(
            "    published {} from {} ({:?})",
            to_second(s.point, tz),
            s.origin,
            s.text
        );
    }
    if let Some(s) = &p.modified {
        outln!("    modified  {} from {}", to_second(s.point, tz), s.origin);
    }
    if !p.authors.is_empty() {
        outln!("    authors   {}", p.authors.join(", "));
    }
    for (name, value) in [
        ("image", p.image.as_ref().map(|u| u.to_string())),
        ("canonical", p.canonical.as_ref().map(|u| u.to_string())),
        ("language", p.language.clone()),
        (
            "content",
            p.content.as_ref().map(|c| format!("{} bytes", c.len())),
        ),
    ] {
        if let Some(v) = value {
            outln!("    {name:<9} {v}");
        }
    }
}
