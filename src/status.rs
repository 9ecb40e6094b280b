//! Every feed's standing (its last poll, failures, next poll), from the state alone: what `pagefeed status` prints and what the
//! status page shows. It reads the state without writing it, so it works the same with the
//! daemon running or not: the daemon (and `once`) note each poll there (see
//! [`crate::state::PollNote`]).

use crate::config::{Config, Feed};
use crate::fetch::Source;
use crate::state::{Standing, StateError, Store};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;

/// One configured feed and what the state says about it.
#[derive(Debug, Clone)]
pub struct FeedStatus {
    pub feed: Arc<Feed>,
    /// The title its files carry, else the config's, else the id.
    pub title: String,
    /// The page the feed is made from, as its files link it (else the configured source).
    pub page: String,
    /// `None` for a feed never polled.
    pub standing: Option<Standing>,
}

impl FeedStatus {
    pub fn id(&self) -> &str {
        &self.feed.id
    }

    /// The last poll's result in words: "ok", "HTTP 503", "never polled".
    pub fn result(&self) -> String {
        self.standing
            .as_ref()
            .and_then(|h| h.result.clone())
            .unwrap_or_else(|| "never polled".into())
    }

    /// Whether the last poll failed.
    pub fn failing(&self) -> bool {
        self.standing
            .as_ref()
            .is_some_and(|h| h.result.is_some() && h.failures > 0)
    }

    /// Selector health in words: what the last good poll found, and whether the last poll
    /// refused the page.
    pub fn selectors(&self) -> String {
        let Some(h) = &self.standing else {
            return "not checked yet".into();
        };
        let good = match (h.good_items, h.good_links) {
            (Some(items), Some(links)) => {
                format!("last good page: {items} items, {links} with a link")
            }
            _ => "no good page yet".into(),
        };
        if h.result.as_deref() == Some("selector health") {
            format!(
                "the last page did not look like the one the selectors were written for; {good}"
            )
        } else {
            good
        }
    }

    /// A following feed's item pages in words: "12 read, 3 waiting, 1 given up"; `None` for a
    /// feed that does not follow its items.
    pub fn item_pages(&self) -> Option<String> {
        self.feed.follow.then(|| {
            let h = self.standing.clone().unwrap_or_default();
            format!(
                "{} read, {} waiting, {} given up",
                h.pages_read, h.pages_due, h.pages_given_up
            )
        })
    }

    /// New items held back for their time to settle, in words; `None` when there are none.
    pub fn settling(&self) -> Option<String> {
        let n = self.standing.as_ref().map_or(0, |h| h.settling);
        (n > 0).then(|| format!("{n} new item(s) waiting for their time to settle"))
    }

    /// The JSON object of `status --json`.
    pub fn json(&self) -> serde_json::Value {
        let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339());
        let h = self.standing.clone().unwrap_or_default();
        serde_json::json!({
            "id": self.feed.id,
            "title": self.title,
            "page": self.page,
            "polled": self.standing.as_ref().is_some_and(|h| h.last_poll.is_some()),
            "last_poll": time(h.last_poll),
            "result": h.result,
            "items": h.items,
            "new": h.new,
            "took_ms": h.took_ms,
            "failures": h.failures,
            "last_error": h.last_error,
            "last_error_at": time(h.last_error_at),
            "last_success": time(h.last_success),
            "next_poll": time(h.next_poll),
            "interval_seconds": self.feed.interval.as_secs_f64(),
            "good_items": h.good_items,
            "good_links": h.good_links,
            "settling": h.settling,
            "last_page": h.report,
            "item_pages": self.feed.follow.then(|| serde_json::json!({
                "due": h.pages_due,
                "read": h.pages_read,
                "given_up": h.pages_given_up,
            })),
        })
    }
}

/// Every feed of `config`, in the config's order, with its standing from the state.
pub fn collect(config: &Config) -> Result<Vec<FeedStatus>, StateError> {
    let mut standings: HashMap<String, Standing> =
        Store::look(&config.state_dir, |tx| tx.standings())?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
    Ok(config
        .feeds
        .iter()
        .map(|feed| FeedStatus::new(feed, standings.remove(&feed.id)))
        .collect())
}

/// One feed of `config` with its standing from the state.
pub fn of_feed(config: &Config, feed: &Arc<Feed>) -> Result<FeedStatus, StateError> {
    let standing = Store::look(&config.state_dir, |tx| tx.standing(&feed.id))?;
    Ok(FeedStatus::new(feed, standing))
}

impl FeedStatus {
    /// `feed` with what the state holds about it (`None` where it was never polled).
    fn new(feed: &Arc<Feed>, standing: Option<Standing>) -> FeedStatus {
        let h = standing.filter(|h| h.last_poll.is_some() || h.title.is_some());
        let title = h
            .as_ref()
            .and_then(|h| h.title.clone())
            .or_else(|| feed.title.clone())
            .unwrap_or_else(|| feed.id.clone());
        // Only an http(s) or file address is linked: a state written before pages were
        // checked for it may hold another scheme.
        let page = h
            .as_ref()
            .and_then(|h| h.page.clone())
            .filter(|p| {
                url::Url::parse(p).is_ok_and(|u| matches!(u.scheme(), "http" | "https" | "file"))
            })
            .unwrap_or_else(|| source_text(&feed.source));
        FeedStatus {
            feed: feed.clone(),
            title,
            page,
            standing: h,
        }
    }
}

fn source_text(source: &Source) -> String {
    match source {
        Source::Http(u) => u.to_string(),
        Source::File(p) => p.display().to_string(),
    }
}

/// How long ago or ahead `t` is from `now`, in a few characters: "3m ago", "in 7m", "now".
pub fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (t - now).num_seconds();
    let span = |s: i64| -> String {
        let s = s.unsigned_abs();
        match s {
            0..60 => format!("{s}s"),
            60..3600 => format!("{}m", s / 60),
            3600..86400 => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
            _ => format!("{}d", s / 86400),
        }
    };
    match secs {
        0 => "now".into(),
        s if s < 0 => format!("{} ago", span(s)),
        s => format!("in {}", span(s)),
    }
}

/// The table `pagefeed status` prints: one line per feed, then the last error of each
/// failing feed in words.
pub fn table(list: &[FeedStatus], now: DateTime<Utc>) -> String {
    let when = |t: Option<DateTime<Utc>>| t.map_or_else(|| "-".into(), |t| relative(t, now));
    let mut rows = vec![[
        "FEED".to_string(),
        "LAST POLL".into(),
        "RESULT".into(),
        "ITEMS".into(),
        "NEW".into(),
        "FAILURES".into(),
        "NEXT POLL".into(),
    ]];
    for s in list {
        let h = s.standing.clone().unwrap_or_default();
        let count = |n: Option<u64>| n.map_or_else(|| "-".into(), |n| n.to_string());
        rows.push([
            s.id().to_string(),
            if h.last_poll.is_some() {
                when(h.last_poll)
            } else {
                "never".into()
            },
            s.result(),
            count(h.items),
            count(h.new),
            h.failures.to_string(),
            when(h.next_poll),
        ]);
    }
    let mut widths = [0usize; 7];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    for s in list {
        if let Some(pages) = s.item_pages() {
            out.push_str(&format!("\n{}: item pages {pages}\n", s.id()));
        }
        if let Some(waiting) = s.settling() {
            out.push_str(&format!("\n{}: {waiting}\n", s.id()));
        }
        if let Some(r) = s.standing.as_ref().and_then(|h| h.report.as_ref())
            && r.wanting()
        {
            out.push_str(&format!(
                "\n{}: the last page: {} (a selector that misses, or dates not read)\n",
                s.id(),
                r.words()
            ));
        }
    }
    for s in list.iter().filter(|s| s.failing()) {
        if let Some(h) = &s.standing
            && let Some(e) = &h.last_error
        {
            out.push_str(&format!(
                "\n{}: {} failure(s) in a row; last error: {}\n",
                s.id(),
                h.failures,
                e.replace(['\n', '\r'], " ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn relative_times_are_short() {
        let now = Utc.timestamp_opt(2_000_000_000, 0).single().expect("time");
        let at = |s: i64| now + chrono::Duration::seconds(s);
        assert_eq!(relative(at(0), now), "now");
        assert_eq!(relative(at(-42), now), "42s ago");
        assert_eq!(relative(at(-180), now), "3m ago");
        assert_eq!(relative(at(420), now), "in 7m");
        assert_eq!(relative(at(3 * 3600 + 300), now), "in 3h05m");
        assert_eq!(relative(at(-3 * 86400), now), "3d ago");
    }

    #[test]
    fn the_table_names_never_polled_and_failing_feeds() {
        let text = "[[feed]]\nid = \"a\"\nurl = \"http://h.example/a\"\n[feed.items]\nselect = \"li\"\n\
                    [[feed]]\nid = \"bb\"\nurl = \"http://h.example/b\"\n[feed.items]\nselect = \"li\"\n";
        let config =
            crate::config::parse(text, std::path::Path::new("/tmp/p.toml"), None).expect("config");
        let now = Utc.timestamp_opt(2_000_000_000, 0).single().expect("time");
        let failing = Standing {
            id: "bb".into(),
            last_poll: Some(now - chrono::Duration::seconds(60)),
            result: Some("HTTP 503".into()),
            failures: 2,
            last_error: Some("http://h.example/b: HTTP 503\nService Unavailable".into()),
            next_poll: Some(now + chrono::Duration::seconds(600)),
            ..Standing::default()
        };
        let list = vec![
            FeedStatus {
                feed: config.feeds[0].clone(),
                title: "a".into(),
                page: "http://h.example/a".into(),
                standing: None,
            },
            FeedStatus {
                feed: config.feeds[1].clone(),
                title: "bb".into(),
                page: "http://h.example/b".into(),
                standing: Some(failing),
            },
        ];
        let t = table(&list, now);
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].starts_with("FEED  LAST POLL"), "{t}");
        assert!(lines[1].starts_with("a     never"), "{t}");
        assert!(lines[1].contains("never polled"), "{t}");
        assert!(
            lines[2].contains("1m ago") && lines[2].contains("HTTP 503"),
            "{t}"
        );
        assert!(lines[2].ends_with("in 10m"), "{t}");
        assert!(
            t.contains("bb: 2 failure(s) in a row; last error: http://h.example/b: HTTP 503 Service Unavailable"),
            "{t}"
        );
        let j = list[1].json();
        assert_eq!(j["failures"], 2);
        assert_eq!(j["result"], "HTTP 503");
        assert_eq!(list[0].json()["last_poll"], serde_json::Value::Null);
    }
}
