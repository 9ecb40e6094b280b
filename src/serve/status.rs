//! The pages for people: `/`, every feed's standing with its subscribe links, and `/<id>/`, a
//! feed's items as published, each with the interval its time was chosen from and where
//! that time came from. Server-rendered (minijinja, page text escaped by the engine), no
//! JavaScript, nothing loaded from elsewhere, readable on a phone.

use crate::config::Feed;
use crate::item::FeedItem;
use crate::status::{FeedStatus, relative};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use minijinja::{Environment, Value};
use serde::Serialize;

const STYLE: &str = include_str!("templates/style.css");

/// The page templates, parsed once at start.
pub fn templates() -> Environment<'static> {
    let mut env = Environment::new();
    // Names ending in .html are escaped as HTML: every value a page shows is text.
    for (name, source) in [
        ("status.html", include_str!("templates/status.html")),
        ("feed.html", include_str!("templates/feed.html")),
    ] {
        if let Err(e) = env.add_template(name, source) {
            // The templates are part of the binary; a test renders both.
            tracing::error!("template {name}: {e}");
        }
    }
    env
}

fn in_zone(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .format("%Y-%m-%d %H:%M:%S %Z")
        .to_string()
}

#[derive(Serialize)]
struct FeedCard {
    id: String,
    title: String,
    page: String,
    items_page: String,
    rss: String,
    atom: String,
    json: String,
    last_poll: Option<String>,
    last_poll_ago: Option<String>,
    result: String,
    failing: bool,
    has_items: bool,
    items: Option<u64>,
    new: Option<u64>,
    next_poll: Option<String>,
    next_poll_in: Option<String>,
    failures: u64,
    last_error: Option<String>,
    last_error_at: Option<String>,
    last_success: Option<String>,
    last_success_ago: Option<String>,
    /// What the last page showed of each field and its dates, in words.
    coverage: Option<String>,
    /// A configured selector that misses in some items, or dates mostly not read.
    wanting: bool,
    selectors: String,
    item_pages: Option<String>,
    settling: Option<String>,
    interval: String,
}

fn links(id: &str) -> (String, String, String) {
    (
        format!("/{id}.rss"),
        format!("/{id}.atom"),
        format!("/{id}.json"),
    )
}

/// Feeds on one status page: the page stays small and quick however many feeds there are.
pub const PER_PAGE: usize = 100;

/// The status page: a summary of every feed, then the cards of page `page` (1-based) of
/// [`PER_PAGE`], failing feeds first (most failures in a row first), the others in the config's
/// order.
pub fn status_page(
    env: &Environment<'_>,
    feeds: &[FeedStatus],
    page: usize,
    now: DateTime<Utc>,
) -> Result<String, minijinja::Error> {
    let failing = feeds.iter().filter(|s| s.failing()).count();
    let wanting = feeds
        .iter()
        .filter(|s| {
            !s.failing()
                && s.standing
                    .as_ref()
                    .and_then(|h| h.report.as_ref())
                    .is_some_and(|r| r.wanting())
        })
        .count();
    let never = feeds.iter().filter(|s| s.standing.is_none()).count();
    let mut order: Vec<&FeedStatus> = feeds.iter().collect();
    order.sort_by_key(|s| {
        std::cmp::Reverse(
            s.failing()
                .then(|| s.standing.as_ref().map_or(0, |h| h.failures)),
        )
    });
    let pages = feeds.len().div_ceil(PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let shown = order.iter().skip((page - 1) * PER_PAGE).take(PER_PAGE);
    let cards: Vec<FeedCard> = shown
        .map(|s| {
            let tz = s.feed.timezone;
            let h = s.standing.clone().unwrap_or_default();
            let (rss, atom, json) = links(s.id());
            FeedCard {
                id: s.id().to_string(),
                title: s.title.clone(),
                page: s.page.clone(),
                items_page: format!("/{}/", s.id()),
                rss,
                atom,
                json,
                last_poll: h.last_poll.map(|t| in_zone(t, tz)),
                last_poll_ago: h.last_poll.map(|t| relative(t, now)),
                result: s.result(),
                failing: s.failing(),
                has_items: h.items.is_some(),
                items: h.items,
                new: h.new,
                next_poll: h.next_poll.map(|t| in_zone(t, tz)),
                next_poll_in: h.next_poll.map(|t| relative(t, now)),
                failures: h.failures,
                last_error: h.last_error.clone(),
                last_error_at: h.last_error_at.map(|t| in_zone(t, tz)),
                last_success: h.last_success.map(|t| in_zone(t, tz)),
                last_success_ago: h.last_success.map(|t| relative(t, now)),
                coverage: h.report.as_ref().map(|r| r.words()),
                wanting: h.report.as_ref().is_some_and(|r| r.wanting()),
                selectors: s.selectors(),
                item_pages: s.item_pages(),
                settling: s.settling(),
                interval: humantime::format_duration(s.feed.interval).to_string(),
            }
        })
        .collect();
    let mut summary = format!(
        "{} feed{}, {} failing",
        feeds.len(),
        if feeds.len() == 1 { "" } else { "s" },
        failing
    );
    if wanting > 0 {
        summary.push_str(&format!(
            ", {wanting} with a selector that misses or dates not read"
        ));
    }
    if never > 0 {
        summary.push_str(&format!(", {never} not polled yet"));
    }
    let first = (page - 1) * PER_PAGE + 1;
    let shown = if pages > 1 {
        format!(
            "page {page} of {pages}: feeds {first} to {}",
            first + cards.len() - 1
        )
    } else {
        String::new()
    };
    env.get_template("status.html")?
        .render(minijinja::context! {
            count => feeds.len(),
            summary => summary,
            shown => shown,
            previous => (page > 1).then(|| format!("/?page={}", page - 1)),
            next => (page < pages).then(|| format!("/?page={}", page + 1)),
            generated => now.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            feeds => Value::from(minijinja::value::Serde(&cards)),
            style => Value::from_safe_string(STYLE.to_string()),
        })
}

#[derive(Serialize)]
struct ItemCard {
    title: String,
    link: Option<String>,
    published: String,
    within: String,
    source: String,
    author: Option<String>,
}

/// One feed's page: its items as published, newest first.
pub fn feed_page(
    env: &Environment<'_>,
    status: &FeedStatus,
    feed: &Feed,
    items: &[FeedItem],
) -> Result<String, minijinja::Error> {
    let tz = feed.timezone;
    let span = |i: crate::dates::Interval| {
        if i.open_below() {
            format!("at or before {}", in_zone(i.latest, tz))
        } else {
            format!(
                "after {} and at or before {}",
                in_zone(i.earliest, tz),
                in_zone(i.latest, tz)
            )
        }
    };
    let cards: Vec<ItemCard> = items
        .iter()
        .map(|i| {
            let r = &i.record;
            let (within, source) = match r.evidence {
                Some(evidence) => (
                    span(evidence),
                    format!(
                        "the date text on the page; first published within {}",
                        span(r.pinned)
                    ),
                ),
                None => (
                    "undated: the page gives no date".to_string(),
                    format!(
                        "no date text: published at the moment it was first seen, {}, in page order",
                        in_zone(r.first_seen, tz)
                    ),
                ),
            };
            ItemCard {
                title: i.title.clone(),
                link: i.link.as_ref().map(|l| l.to_string()),
                published: in_zone(r.published, tz),
                within,
                source,
                author: i.author.clone(),
            }
        })
        .collect();
    let (rss, atom, json) = links(&feed.id);
    env.get_template("feed.html")?.render(minijinja::context! {
        id => feed.id.clone(),
        title => status.title.clone(),
        page => status.page.clone(),
        timezone => tz.name(),
        rss => rss,
        atom => atom,
        json => json,
        count => cards.len(),
        items => Value::from(minijinja::value::Serde(&cards)),
        style => Value::from_safe_string(STYLE.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::Interval;
    use crate::item::Record;
    use crate::state::Standing;
    use chrono::TimeZone;

    const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(2)> \"q\" & 'a'";

    fn feed() -> std::sync::Arc<Feed> {
        feed_with("")
    }

    fn feed_with(keys: &str) -> std::sync::Arc<Feed> {
        let text = format!(
            "timezone = \"Europe/Amsterdam\"\n[[feed]]\nid = \"buitenland\"\nurl = \"http://h.example/\"\n{keys}[feed.items]\nselect = \"li\"\n"
        );
        crate::config::parse(&text, std::path::Path::new("/tmp/p.toml"), None)
            .expect("config")
            .feeds[0]
            .clone()
    }

    fn status(standing: Option<Standing>) -> FeedStatus {
        FeedStatus {
            feed: feed(),
            title: HOSTILE.into(),
            page: "https://nieuws.example/buitenland?a=1&b=\"2\"".into(),
            standing,
        }
    }

    fn half_past_noon() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 4, 12, 30, 0)
            .single()
            .expect("time")
    }

    /// With 10,000 feeds the page shows a summary of all and 100 cards, failing feeds first,
    /// with links to the next pages: under 1 MB.
    #[test]
    fn ten_thousand_feeds_make_a_small_page_with_failing_feeds_first() {
        let now = half_past_noon();
        let mut text = String::new();
        for n in 0..10_000 {
            text.push_str(&format!(
                "[[feed]]\nid = \"f{n}\"\nurl = \"http://h{n}.example/news\"\n[feed.items]\nselect = \"li\"\n"
            ));
        }
        let config =
            crate::config::parse(&text, std::path::Path::new("/tmp/p.toml"), None).expect("config");
        let list: Vec<FeedStatus> = config
            .feeds
            .iter()
            .map(|f| {
                let n: usize = f.id[1..].parse().expect("n");
                let failing = n % 1000 == 999;
                FeedStatus {
                    feed: f.clone(),
                    title: format!("Feed number {n} of many"),
                    page: format!("http://h{n}.example/news"),
                    standing: Some(Standing {
                        id: f.id.clone(),
                        last_poll: Some(now - chrono::Duration::seconds(60)),
                        result: Some(if failing { "HTTP 503" } else { "ok" }.into()),
                        items: Some(20),
                        new: Some(0),
                        failures: if failing { (n / 1000) as u64 + 1 } else { 0 },
                        last_error: failing.then(|| "http://h.example/: HTTP 503".into()),
                        next_poll: Some(now + chrono::Duration::seconds(540)),
                        ..Standing::default()
                    }),
                }
            })
            .collect();
        let env = templates();
        let started = std::time::Instant::now();
        let first = status_page(&env, &list, 1, now)
            .expect("renders")
            .replace("&#x2f;", "/");
        println!(
            "10,000 feeds: the first page is {} bytes, rendered in {:?} (debug build)",
            first.len(),
            started.elapsed()
        );
        assert!(first.len() < 1_000_000, "{} bytes", first.len());
        assert!(
            first.contains("10000 feeds, 10 failing"),
            "the summary counts all"
        );
        assert_eq!(first.matches("<section class=\"feed").count(), PER_PAGE);
        // The ten failing feeds lead, most failures in a row first.
        let at = |id: &str| first.find(&format!("id=\"feed-{id}\"")).expect(id);
        assert!(at("f9999") < at("f999") && at("f999") < at("f0"));
        assert!(first.contains("page 1 of 100"), "{}", &first[..2000]);
        assert!(first.contains("href=\"/?page=2\" rel=\"next\""));
        let last = status_page(&env, &list, 100, now)
            .expect("renders")
            .replace("&#x2f;", "/");
        assert!(last.contains("href=\"/?page=99\" rel=\"prev\"") && !last.contains("rel=\"next\""));
        assert!(last.contains("id=\"feed-f9998\""));
        let beyond = status_page(&env, &list, 500, now)
            .expect("renders")
            .replace("&#x2f;", "/");
        assert_eq!(beyond, last, "a page past the last shows the last");
    }

    #[test]
    fn the_status_page_shows_health_and_subscribe_links_as_text() {
        let now = half_past_noon();
        let h = Standing {
            id: "buitenland".into(),
            last_poll: Some(now - chrono::Duration::seconds(120)),
            result: Some("HTTP 503".into()),
            items: Some(7),
            new: Some(0),
            failures: 3,
            last_error: Some(format!("http://h.example/: HTTP 503 {HOSTILE}")),
            next_poll: Some(now + chrono::Duration::seconds(1200)),
            good_items: Some(7),
            good_links: Some(7),
            ..Standing::default()
        };
        let env = templates();
        let html = status_page(&env, &[status(Some(h))], 1, now)
            .expect("renders")
            .replace("&#x2f;", "/");
        assert!(html.contains("<meta name=\"viewport\""), "{html}");
        assert!(html.contains(
            "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"&lt;script&gt;"
        ));
        assert!(html.contains("href=\"/buitenland.json\""));
        assert!(html.contains("2026-03-04 13:28:00 CET (2m ago)"), "{html}");
        assert!(html.contains("2026-03-04 13:50:00 CET (in 20m)"), "{html}");
        assert!(html.contains("3 in a row"));
        assert!(html.contains("last good page: 7 items, 7 with a link"));
        assert!(html.contains("1 feed, 1 failing"));
        assert!(
            !html.contains("<script>") && !html.contains("<img"),
            "{html}"
        );
        assert!(!html.contains("&amp;quot;"), "escaped once");
        let never = status_page(&env, &[status(None)], 1, now).expect("renders");
        assert!(never.contains("never polled"), "{never}");
    }

    #[test]
    fn a_following_feed_shows_its_item_pages_and_items_waiting_to_settle() {
        let now = half_past_noon();
        let h = Standing {
            id: "buitenland".into(),
            last_poll: Some(now),
            pages_read: 12,
            pages_due: 3,
            pages_given_up: 1,
            settling: 2,
            ..Standing::default()
        };
        let env = templates();
        let plain = status_page(&env, &[status(Some(h.clone()))], 1, now).expect("renders");
        assert!(!plain.contains("Item pages"), "{plain}");
        let following = FeedStatus {
            feed: feed_with("follow = true\n"),
            ..status(Some(h))
        };
        let html = status_page(&env, &[following], 1, now).expect("renders");
        assert!(
            html.contains(
                "<dt>Waiting</dt><dd>2 new item(s) waiting for their time to settle</dd>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<dt>Item pages</dt><dd>12 read, 3 waiting, 1 given up</dd>"),
            "{html}"
        );
    }

    #[test]
    fn a_feed_page_shows_each_time_in_the_feeds_zone_and_where_it_came_from() {
        let t = Utc
            .with_ymd_and_hms(2026, 3, 4, 12, 12, 0)
            .single()
            .expect("time");
        let evidence = Interval::new(t - chrono::Duration::seconds(60), t).expect("interval");
        let item = |guid: &str, evidence: Option<Interval>| FeedItem {
            title: HOSTILE.into(),
            link: url::Url::parse("https://nieuws.example/a?x=<1>").ok(),
            summary: String::new(),
            summary_html: None,
            author: Some("ANP".into()),
            categories: vec![],
            page: None,
            record: Record {
                guid: guid.into(),
                first_seen: t,
                last_seen: t,
                evidence,
                pinned: evidence.unwrap_or(Interval::at(t)),
                published: t,
            },
        };
        let items = [item("a", Some(evidence)), item("b", None)];
        let f = feed();
        let html = feed_page(&templates(), &status(None), &f, &items)
            .expect("renders")
            .replace("&#x2f;", "/");
        assert!(html.contains("times in Europe/Amsterdam"));
        assert!(html.contains("<dd>2026-03-04 13:12:00 CET</dd>"), "{html}");
        assert!(
            html.contains("after 2026-03-04 13:11:00 CET and at or before 2026-03-04 13:12:00 CET")
        );
        assert!(html.contains("the date text on the page"));
        assert!(html.contains(
            "no date text: published at the moment it was first seen, 2026-03-04 13:12:00 CET"
        ));
        assert!(html.contains("undated: the page gives no date"), "{html}");
        assert!(!html.contains("1970"), "{html}");
        assert!(
            !html.contains("<script>") && !html.contains("<img"),
            "{html}"
        );
        assert!(html.contains("2 items, newest first"));
    }
}
