//! Every limit and default of the config file, each named once with its reason: the range a
//! number or duration must lie in (which `check` holds, naming the range in its message) and
//! the value a key takes where the file leaves it out. The walk takes its defaults from here.

use crate::dates::{Language, Rounding};
use crate::timeline::Order;
use chrono_tz::Tz;
use std::ops::RangeInclusive;
use std::time::Duration;

/// `output_dir` where the file names none: `feeds`, beside the config.
pub const OUTPUT_DIR_DEFAULT: &str = "feeds";

/// `state_dir` where the file names none and systemd gives no `$STATE_DIRECTORY`: `state`,
/// beside the config (but see [`SERVICE_CONFIG_DIR`]).
pub const STATE_DIR_DEFAULT: &str = "state";

/// The folder of the service's config (systemd/pagefeed.service reads
/// `/etc/pagefeed/pagefeed.toml`). A config there that names no `state_dir` uses the service's
/// state folder, [`SERVICE_STATE_DIR`], even where systemd gives no `$STATE_DIRECTORY` (an
/// admin's `pagefeed status` or `once`): one state, never a second beside the config.
pub const SERVICE_CONFIG_DIR: &str = "/etc/pagefeed";

/// The service's state folder: the unit's `StateDirectory=pagefeed`.
pub const SERVICE_STATE_DIR: &str = "/var/lib/pagefeed";

/// `user_agent` where the file names none: pagefeed and its version.
pub const USER_AGENT_DEFAULT: &str = concat!("pagefeed/", env!("CARGO_PKG_VERSION"));

/// `timezone` (the default and each feed's): clock times on a page that carries no offset are
/// read as UTC unless the file names the zone.
pub const TIMEZONE_DEFAULT: Tz = Tz::UTC;

/// `language` (the default and each feed's): "auto", every language pagefeed reads dates in
/// (an empty list).
pub const LANGUAGES_DEFAULT: &[Language] = &[];

/// `interval` (the default and each feed's). At least 100 ms: zero would poll in a busy loop,
/// and how hard a site is asked is `host_delay`'s business, not the interval's (the daemon's
/// own tests poll local pages a few times a second). At most 7 days: a page looked at less
/// than weekly is not being followed, and even a failing feed's longest wait (6 intervals,
/// 42 days) stays far inside what the clock can add.
pub const INTERVAL_RANGE: RangeInclusive<Duration> =
    Duration::from_millis(100)..=Duration::from_secs(7 * 24 * 3600);

/// `interval` where the file names none: 10 minutes, fresh enough for a news page without
/// asking its site more than six times an hour.
pub const INTERVAL_DEFAULT: Duration = Duration::from_secs(600);

/// `settle`, the longest a new item whose page gives its time only to the hour is held back
/// for its time to settle (see `timeline::settle`). 0 (the default) publishes every item at
/// once. At most a day: a day-wide reading ("gisteren") narrows only when the day ticks over,
/// and a feed that holds items longer is not a news feed any more.
pub const SETTLE_RANGE: RangeInclusive<Duration> = Duration::ZERO..=Duration::from_secs(24 * 3600);

/// `settle` where the file names none: 0, every new item is published at once.
pub const SETTLE_DEFAULT: Duration = Duration::ZERO;

/// `timeout`, the longest one request may take. At least 1 s: a shorter limit fails ordinary
/// sites and is more likely a slip ("30ms" for "30s"). At most 10 minutes: a request holds
/// a place among the polls in flight and its host's turn while it runs, and a source that
/// has not answered in 10 minutes is not going to.
pub const TIMEOUT_RANGE: RangeInclusive<Duration> =
    Duration::from_secs(1)..=Duration::from_secs(600);

/// `timeout` where the file names none: 30 s, ample for a slow site, short enough that a
/// hanging one does not hold up the polls behind it for long.
pub const TIMEOUT_DEFAULT: Duration = Duration::from_secs(30);

/// `host_delay`, the least gap between two requests to one host. 0 turns it off. At most an
/// hour, the same cap as a robots.txt `Crawl-delay`: every feed on a host waits its turn, so
/// a longer gap starves all but one of them.
pub const HOST_DELAY_RANGE: RangeInclusive<Duration> = Duration::ZERO..=Duration::from_secs(3600);

/// `host_delay` where the file names none: 1 s, polite to a site that several feeds read.
pub const HOST_DELAY_DEFAULT: Duration = Duration::from_secs(1);

/// `concurrency`, polls in flight at once. At least 1, or nothing is ever polled. At most
/// 256: each poll holds a connection and up to a 10 MiB page while it is parsed (2.5 GiB at
/// 256), and far more would run into the service's file-descriptor limit (1024 by default).
pub const CONCURRENCY_RANGE: RangeInclusive<usize> = 1..=256;

/// `concurrency` where the file names none: 4, one slow site does not hold up the rest.
pub const CONCURRENCY_DEFAULT: usize = 4;

/// `max_items` (the default and each feed's), items kept in a feed, history included. At
/// least 1, or the feed is always empty. At most 100 000: every poll writes the whole feed
/// twice (RSS and Atom) and reads every kept item from the state, and at 1–2 kB an item the
/// files would be 100–200 MB each, far past what any feed reader fetches.
pub const MAX_ITEMS_RANGE: RangeInclusive<usize> = 1..=100_000;

/// `max_items` where the file names none: 100, more than a news page lists at once.
pub const MAX_ITEMS_DEFAULT: usize = 100;

/// `follow_budget`: item pages fetched per poll of one feed. At least one, or items would
/// wait for ever; at most 100, each a request to the site between two polls of its list.
pub const FOLLOW_BUDGET_RANGE: RangeInclusive<usize> = 1..=100;

/// Item pages fetched per poll of a feed where `follow_budget` is not set.
pub const FOLLOW_BUDGET_DEFAULT: usize = 10;

/// `browser_concurrency`, rendered polls in flight at once (each is a tab with a renderer
/// process of its own, 50–300 MB). At least 1; at most 16, about 4 GB of renderers.
pub const BROWSER_CONCURRENCY_RANGE: RangeInclusive<usize> = 1..=16;

/// `browser_concurrency` where the file names none: 1, one renderer at a time.
pub const BROWSER_CONCURRENCY_DEFAULT: usize = 1;

/// `browser_timeout`, the longest a rendered page may take to load and show its items. The
/// same range as `timeout`: a render holds a tab, a place among the polls in flight and its
/// host's turn while it runs.
pub const BROWSER_TIMEOUT_RANGE: RangeInclusive<Duration> =
    Duration::from_secs(1)..=Duration::from_secs(600);

/// `browser_timeout` where the file names none: 30 s, as `timeout`.
pub const BROWSER_TIMEOUT_DEFAULT: Duration = Duration::from_secs(30);

/// `robots` where a feed does not say: its site's robots.txt is obeyed.
pub const ROBOTS_DEFAULT: bool = true;

/// `private_network` where a feed does not say: its page may not redirect or resolve to an
/// internal address (see `fetch::guard`).
pub const PRIVATE_NETWORK_DEFAULT: bool = false;

/// `rounding` where a feed does not say: "floor", "18 minutes" means 18 to 19 minutes, as
/// most sites round.
pub const ROUNDING_DEFAULT: Rounding = Rounding::Floor;

/// `render` where a feed does not say: "http", the page as the server sends it, with no
/// browser.
pub const RENDER_IN_BROWSER_DEFAULT: bool = false;

/// `block_media` where a rendered feed does not say: the browser refuses images, fonts,
/// audio and video, which a feed never needs.
pub const BLOCK_MEDIA_DEFAULT: bool = true;

/// `content` where a feed does not say: "summary", the item's text on the list page; "full"
/// (the item page's main text) only where a feed asks. `follow`, unset, follows this: on
/// exactly when the content is "full".
pub const FULL_CONTENT_DEFAULT: bool = false;

/// `order` where a feed's items do not say: "newest-first", as news pages list them.
pub const ORDER_DEFAULT: Order = Order::NewestFirst;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::browser::BrowserOptions;

    #[test]
    fn every_default_lies_in_its_range() {
        for (range, default) in [
            (INTERVAL_RANGE, INTERVAL_DEFAULT),
            (SETTLE_RANGE, SETTLE_DEFAULT),
            (TIMEOUT_RANGE, TIMEOUT_DEFAULT),
            (HOST_DELAY_RANGE, HOST_DELAY_DEFAULT),
            (BROWSER_TIMEOUT_RANGE, BROWSER_TIMEOUT_DEFAULT),
        ] {
            assert!(range.contains(&default), "{default:?} in {range:?}");
        }
        for (range, default) in [
            (CONCURRENCY_RANGE, CONCURRENCY_DEFAULT),
            (MAX_ITEMS_RANGE, MAX_ITEMS_DEFAULT),
            (FOLLOW_BUDGET_RANGE, FOLLOW_BUDGET_DEFAULT),
            (BROWSER_CONCURRENCY_RANGE, BROWSER_CONCURRENCY_DEFAULT),
        ] {
            assert!(range.contains(&default), "{default} in {range:?}");
        }
    }

    /// The defaults that other parts of pagefeed also know agree with them.
    #[test]
    fn the_defaults_agree_with_their_types() {
        assert_eq!(ROUNDING_DEFAULT, Rounding::default());
        assert_eq!(ORDER_DEFAULT, Order::default());
        let browser = BrowserOptions::default();
        assert_eq!(BROWSER_CONCURRENCY_DEFAULT, browser.concurrency);
        assert_eq!(BROWSER_TIMEOUT_DEFAULT, browser.load_timeout);
        assert!(USER_AGENT_DEFAULT.starts_with("pagefeed/"));
    }
}
