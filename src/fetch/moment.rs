//! When a page counts as fetched: the moment its relative times ("18 minuten geleden") count
//! from. `--now` where given, else the response's `Date` less its `Age` where that is
//! believable, else the local clock.

use super::Page;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};

/// How far a response's `Date` (less its `Age`) may lie behind the local clock and still be
/// believed: a cache may serve a page some minutes old, and the page's relative times count
/// from when it was made.
pub const DATE_BEHIND: TimeDelta = TimeDelta::hours(1);

/// How far it may lie ahead of the local clock: clocks of servers differ by seconds, not more.
pub const DATE_AHEAD: TimeDelta = TimeDelta::minutes(1);

/// The moment a page counts as fetched: `given` (`--now`), else its `Date` header (less its
/// `Age`) where that lies within [`DATE_BEHIND`] and [`DATE_AHEAD`] of the clock reading the
/// caller took (`clock`), else that reading. Whole seconds, as the state keeps them.
///
/// A header is evidence, not an order: a server that says it is 2100, or that its page is a
/// thousand days old, moves nothing by more than the tolerance.
pub fn fetch_moment(
    given: Option<DateTime<Utc>>,
    page: &Page,
    clock: DateTime<Utc>,
) -> DateTime<Utc> {
    let believed = page
        .date
        .filter(|d| *d >= clock - DATE_BEHIND && *d <= clock + DATE_AHEAD);
    if given.is_none()
        && believed.is_none()
        && let Some(date) = page.date
    {
        tracing::warn!(
            url = %page.url,
            "the response's Date less its Age ({}) is too far from the local clock ({}); the clock is used",
            date.to_rfc3339(),
            clock.trunc_subsecs(0).to_rfc3339()
        );
    }
    given.or(believed).unwrap_or(clock).trunc_subsecs(0)
}
