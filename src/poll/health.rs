//! Selector health: whether a page still looks like the one the feed's selectors were
//! written for, judged against the last good poll, and which configured fields missed.

use super::pipeline::Outcome;
use crate::config::Feed;
use crate::extract::Coverage;
use crate::state::GoodPoll;
use chrono::{DateTime, Utc};

/// Selector health: whether the items on a page look like those of the last good poll.
/// `items` on the page, of which `titled` have a title and `linked` a link. A page with far
/// fewer items (under a third of the last good poll's, which had at least 6), mostly without
/// titles, or mostly without links where the last good poll mostly had them, is refused.
/// Pure.
pub fn check_health(
    items: usize,
    titled: usize,
    linked: usize,
    last_good: Option<GoodPoll>,
) -> Result<(), String> {
    let counts = || {
        let last = last_good
            .map(|g| {
                format!(
                    "; last good poll: {} items, {} with a link",
                    g.items, g.links
                )
            })
            .unwrap_or_default();
        format!("{items} items, {titled} with a title, {linked} with a link{last}")
    };
    if items == 0 {
        return Err(format!("no items ({})", counts()));
    }
    if let Some(good) = last_good
        && good.items >= 6
        && items * 3 < good.items
    {
        return Err(format!("far fewer items than before ({})", counts()));
    }
    if titled * 2 < items {
        return Err(format!("most items have no title ({})", counts()));
    }
    if let Some(good) = last_good
        && good.links * 2 >= good.items
        && linked * 2 < items
    {
        return Err(format!("most items have no link ({})", counts()));
    }
    Ok(())
}

/// The selector-health counts of a pass (`outcome` of the page fetched at `now`), and whether
/// the page may be published against the last good poll ([`check_health`]).
///
/// Items held back until their own page is read are the page's too, each with a link (it is
/// being followed) and a title: a list whose items all wait is not a broken page. So are
/// those held back to settle, with what the page gave them. A title that fell back (a
/// configured selector that missed) is no title.
pub fn judge(
    outcome: &Outcome,
    now: DateTime<Utc>,
    last_good: Option<GoodPoll>,
) -> (GoodPoll, Result<(), String>) {
    let waiting = outcome.follow.as_ref().map_or(0, |f| f.held);
    let shown = || outcome.on_page(now).chain(&outcome.held);
    let good = GoodPoll {
        items: waiting + shown().count(),
        links: waiting + shown().filter(|i| i.link.is_some()).count(),
    };
    let titled = waiting
        + shown()
            .filter(|i| !i.title.trim().is_empty() && !outcome.untitled.contains(&i.record.guid))
            .count();
    let health = check_health(good.items, titled, good.links, last_good);
    (good, health)
}

/// Log the feed's selector coverage where it changed since it was last reported (`last`, as
/// the state keeps it): a warning for each configured field that missed in some items
/// ("title matched 0 of 20 items; titles fall back to the first sentence"), a line when all
/// match again. Returns the new coverage key to remember, where it changed.
pub(super) fn report_coverage(feed: &Feed, coverage: &Coverage, last: &str) -> Option<String> {
    let key = coverage.key();
    if key == last {
        return None;
    }
    let misses = coverage.misses();
    if misses.is_empty() {
        tracing::info!(feed = %feed.id, "selector coverage: every configured field matched every item again");
    }
    for miss in misses {
        tracing::warn!(feed = %feed.id, "selector coverage: {miss}");
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good(items: usize, links: usize) -> Option<GoodPoll> {
        Some(GoodPoll { items, links })
    }

    #[test]
    fn selector_health_refuses_pages_unlike_the_last_good_one() {
        assert!(check_health(7, 7, 7, None).is_ok());
        assert!(check_health(7, 7, 7, good(7, 7)).is_ok());
        assert!(
            check_health(4, 4, 4, good(7, 7)).is_ok(),
            "fewer, not far fewer"
        );
        let far = check_health(2, 2, 2, good(30, 30)).unwrap_err();
        assert!(far.contains("2 items") && far.contains("30 items"), "{far}");
        assert!(check_health(0, 0, 0, None).is_err());
        assert!(check_health(10, 3, 10, None).unwrap_err().contains("title"));
        assert!(
            check_health(10, 10, 2, good(10, 10))
                .unwrap_err()
                .contains("link")
        );
        assert!(
            check_health(10, 10, 0, good(10, 0)).is_ok(),
            "a page that never had links"
        );
        assert!(
            check_health(2, 2, 2, good(5, 5)).is_ok(),
            "small lists vary"
        );
    }
}
