//! The span of time a date text allows: what pagefeed knows about when an item was published.

use chrono::{DateTime, Duration, Utc};
use std::fmt;

/// Instants after `earliest` and up to and including `latest`: `(earliest, latest]`.
///
/// "18 minuten geleden" read at 13:30 is `(13:11, 13:12]`: published more than 19 and at
/// most 18 minutes before the fetch. Intervals only ever narrow, by intersection, as polls
/// add evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Interval {
    /// Exclusive lower bound.
    pub earliest: DateTime<Utc>,
    /// Inclusive upper bound.
    pub latest: DateTime<Utc>,
}

impl Interval {
    /// `(earliest, latest]`, or `None` when that holds no instant.
    pub fn new(earliest: DateTime<Utc>, latest: DateTime<Utc>) -> Option<Interval> {
        (earliest < latest).then_some(Interval { earliest, latest })
    }

    /// The one second that ends at `instant`: `(instant - 1s, instant]`.
    pub fn at(instant: DateTime<Utc>) -> Interval {
        Interval {
            earliest: instant - Duration::seconds(1),
            latest: instant,
        }
    }

    /// The instants both intervals allow, or `None` when they contradict each other.
    pub fn intersect(&self, other: &Interval) -> Option<Interval> {
        Interval::new(
            self.earliest.max(other.earliest),
            self.latest.min(other.latest),
        )
    }

    /// Whether `instant` lies in `(earliest, latest]`.
    pub fn contains(&self, instant: DateTime<Utc>) -> bool {
        self.earliest < instant && instant <= self.latest
    }

    /// Whether every instant of `self` is also in `other`.
    pub fn within(&self, other: &Interval) -> bool {
        other.earliest <= self.earliest && self.latest <= other.latest
    }

    /// The closest instant to `instant` that the interval allows.
    ///
    /// Below the interval that is the first whole second after `earliest`.
    pub fn clamp(&self, instant: DateTime<Utc>) -> DateTime<Utc> {
        if instant > self.latest {
            self.latest
        } else if instant <= self.earliest {
            (self.earliest + Duration::seconds(1)).min(self.latest)
        } else {
            instant
        }
    }

    pub fn width(&self) -> Duration {
        self.latest - self.earliest
    }

    /// `(earliest time, latest]`: all that is known is a time it came no later than (an
    /// update time, an item page given up).
    pub fn up_to(latest: DateTime<Utc>) -> Option<Interval> {
        Interval::new(DateTime::<Utc>::UNIX_EPOCH, latest)
    }

    /// Whether the interval says only when it ended ([`Interval::up_to`]): nothing narrows
    /// such an interval from below, and its middle means nothing.
    pub fn open_below(&self) -> bool {
        self.earliest <= DateTime::<Utc>::UNIX_EPOCH
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({}, {}]",
            self.earliest.to_rfc3339(),
            self.latest.to_rfc3339()
        )
    }
}

/// What one date text says: the interval it allows and the instant it names.
///
/// `point` is the instant a person reading the text would name: `now - 18 min` for
/// "18 minuten geleden", 14:05:00 for "gisteren 14:05", the start of the day for a bare date.
/// It always lies inside `interval`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub interval: Interval,
    pub point: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 4, h, m, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn intersection_narrows_and_detects_contradiction() {
        let a = Interval::new(t(11, 30), t(12, 30)).expect("nonempty");
        let b = Interval::new(t(12, 5), t(13, 5)).expect("nonempty");
        assert_eq!(a.intersect(&b), Interval::new(t(12, 5), t(12, 30)));
        let c = Interval::new(t(12, 30), t(13, 0)).expect("nonempty");
        assert_eq!(
            a.intersect(&c),
            None,
            "(11:30,12:30] and (12:30,13:00] share nothing"
        );
    }

    #[test]
    fn bounds_are_exclusive_then_inclusive() {
        let a = Interval::new(t(13, 11), t(13, 12)).expect("nonempty");
        assert!(!a.contains(t(13, 11)));
        assert!(a.contains(t(13, 12)));
        assert_eq!(a.clamp(t(10, 0)), t(13, 11) + Duration::seconds(1));
        assert_eq!(a.clamp(t(14, 0)), t(13, 12));
        assert!(Interval::new(t(13, 12), t(13, 12)).is_none());
    }
}
