//! `/metrics`: what the scheduler did, in the OpenMetrics text format that Prometheus
//! scrapes (the `prometheus-client` crate). The scheduler only adds to the counters (atomic
//! operations, never a lock held across anything); the server only reads them.
//!
//! - `pagefeed_polls_total{feed, result}`: polls by feed and result (`ok`, `not_modified`,
//!   `failed`)
//! - `pagefeed_poll_duration_seconds`: how long polls took, fetch to files
//! - `pagefeed_items_published_total{feed}`: items published for the first time
//! - `pagefeed_fetch_bytes_total{feed}`: page bytes fetched
//! - `pagefeed_last_success_timestamp_seconds{feed}`: Unix time of the last good poll
//! - `pagefeed_failures_in_a_row{feed}`: failed polls since the last good one

use crate::poll::Finished;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The media type of [`Metrics::encode`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PollLabels {
    feed: String,
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FeedLabel {
    feed: String,
}

/// The daemon's metrics.
pub struct Metrics {
    registry: Registry,
    polls: Family<PollLabels, Counter>,
    duration: Histogram,
    published: Family<FeedLabel, Counter>,
    bytes: Family<FeedLabel, Counter>,
    last_success: Family<FeedLabel, Gauge>,
    failures: Family<FeedLabel, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let polls = Family::<PollLabels, Counter>::default();
        // 10 ms to about 80 s.
        let duration = Histogram::new(exponential_buckets(0.01, 2.0, 14));
        let published = Family::<FeedLabel, Counter>::default();
        let bytes = Family::<FeedLabel, Counter>::default();
        let last_success = Family::<FeedLabel, Gauge>::default();
        let failures = Family::<FeedLabel, Gauge>::default();
        registry.register("pagefeed_polls", "Polls by feed and result", polls.clone());
        registry.register(
            "pagefeed_poll_duration_seconds",
            "How long polls took, fetch to files",
            duration.clone(),
        );
        registry.register(
            "pagefeed_items_published",
            "Items published for the first time",
            published.clone(),
        );
        registry.register("pagefeed_fetch_bytes", "Page bytes fetched", bytes.clone());
        registry.register(
            "pagefeed_last_success_timestamp_seconds",
            "Unix time of the feed's last good poll",
            last_success.clone(),
        );
        registry.register(
            "pagefeed_failures_in_a_row",
            "Failed polls since the feed's last good one",
            failures.clone(),
        );
        Metrics {
            registry,
            polls,
            duration,
            published,
            bytes,
            last_success,
            failures,
        }
    }

    /// Count a finished poll; `now_unix` is the wall clock when it finished.
    pub fn observe(&self, f: &Finished<'_>, now_unix: i64) {
        let feed = FeedLabel {
            feed: f.feed.id.clone(),
        };
        let result = match f.result {
            Ok(r) if r.modified => "ok",
            Ok(_) => "not_modified",
            Err(_) => "failed",
        };
        self.polls
            .get_or_create(&PollLabels {
                feed: feed.feed.clone(),
                result,
            })
            .inc();
        self.duration.observe(f.took.as_secs_f64());
        match f.result {
            Ok(r) => {
                self.published.get_or_create(&feed).inc_by(r.new as u64);
                self.bytes.get_or_create(&feed).inc_by(r.bytes as u64);
                self.last_success.get_or_create(&feed).set(now_unix);
                self.failures.get_or_create(&feed).set(0);
            }
            Err(_) => {
                self.failures.get_or_create(&feed).inc();
            }
        }
    }

    /// The OpenMetrics text of every metric.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::{PollError, Report};
    use std::time::Duration;

    fn feed() -> std::sync::Arc<crate::config::Feed> {
        let text = "[[feed]]\nid = \"buitenland\"\nurl = \"http://h.example/\"\n[feed.items]\nselect = \"li\"\n";
        crate::config::parse(text, std::path::Path::new("/tmp/p.toml"), None)
            .expect("config")
            .feeds[0]
            .clone()
    }

    #[test]
    fn polls_are_counted_by_feed_and_result() {
        let m = Metrics::new();
        let f = feed();
        let ok: Result<Report, PollError> = Ok(Report {
            feed: "buitenland".into(),
            modified: true,
            items: 7,
            new: 7,
            kept: 7,
            written: true,
            bytes: 5500,
            took: Duration::from_millis(30),
            waiting: 0,
        });
        let failed: Result<Report, PollError> = Err(PollError::Interrupted("x".into()));
        for result in [&ok, &failed, &failed] {
            m.observe(
                &Finished {
                    feed: &f,
                    result,
                    took: Duration::from_millis(30),
                    failures: 0,
                    next_in: Duration::from_secs(600),
                },
                2_000_000_000,
            );
        }
        let text = m.encode();
        for line in [
            "# TYPE pagefeed_polls counter",
            "pagefeed_polls_total{feed=\"buitenland\",result=\"ok\"} 1",
            "pagefeed_polls_total{feed=\"buitenland\",result=\"failed\"} 2",
            "pagefeed_items_published_total{feed=\"buitenland\"} 7",
            "pagefeed_fetch_bytes_total{feed=\"buitenland\"} 5500",
            "pagefeed_last_success_timestamp_seconds{feed=\"buitenland\"} 2000000000",
            "pagefeed_failures_in_a_row{feed=\"buitenland\"} 2",
            "pagefeed_poll_duration_seconds_count 3",
            "pagefeed_poll_duration_seconds_bucket{le=\"0.04\"} 3",
            "# EOF",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
    }
}
