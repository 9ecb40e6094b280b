//! Settling (config `settle`): a new item whose page gives its time only to the hour is held
//! back until the page has narrowed it, so that its published time never has to move.
//!
//! An item first seen as "3 uur geleden" lies anywhere in an hour. Published at once, it
//! must move when the count ticks over ("4 uur") and the hour narrows to the poll interval
//! around the truth: no point of the hour chosen beforehand survives that, except by luck
//! (the long-run simulation counts it as the changes no publisher can avoid). Held back,
//! the item is published once its evidence is at most [`SETTLED`] wide (two ticks of the
//! count, about two hours on a page polled every ten minutes), at the middle of it, which
//! later polls, narrowing from both sides, leave within a minute; or once it has waited the
//! feed's `settle` time, at the middle of what is known then; or when it leaves the page,
//! when nothing more can be learnt, at the middle of what was.
//!
//! Items whose first reading is at most [`SETTLED`] wide ("18 minuten geleden", "vandaag
//! 14:05", "zojuist") and items without a date are never held: they go on at once, as
//! without settling. Pure: no clock, no I/O.

use super::Sighting;
use crate::dates::{Interval, Reading};
use crate::item::Record;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{HashMap, HashSet};

/// Evidence at most this wide (five minutes) is settled: its middle lies within two and a
/// half minutes of every time in it, and later polls only narrow it around the truth.
pub const SETTLED: TimeDelta = TimeDelta::minutes(5);

/// What settling did with one poll's sightings.
#[derive(Debug)]
pub struct Settled<'a> {
    /// The sightings for [`super::advance`]: every item but the held, the released ones with
    /// all their evidence as their reading and `settled` set.
    pub sightings: Vec<Sighting<'a>>,
    /// The items still held: their records (`evidence` all the evidence so far, `pinned` the
    /// same, `published` its latest second, none of it published).
    pub held: Vec<Record>,
    /// Held items that left the page: published now, at the middle of their evidence.
    pub gone: Vec<Record>,
    /// When each item released on the page was first seen (its record starts then).
    pub first_seen: HashMap<String, DateTime<Utc>>,
}

/// The middle of an interval, in whole seconds.
fn middle(i: &Interval) -> DateTime<Utc> {
    let half = (i.latest - i.earliest).num_seconds() / 2;
    i.earliest + TimeDelta::seconds(half)
}

/// A held item's record for `evidence`.
fn held_record(
    guid: &str,
    first_seen: DateTime<Utc>,
    now: DateTime<Utc>,
    evidence: Interval,
) -> Record {
    Record {
        guid: guid.to_string(),
        first_seen,
        last_seen: now,
        evidence: Some(evidence),
        pinned: evidence,
        published: evidence.latest,
    }
}

/// Sort this poll's sightings into those to publish and those to hold. `published`: the
/// guids the feed has published; `held`: the records of the items held so far; `most`: the
/// longest an item is held (`settle`).
pub fn settle<'a>(
    sightings: &[Sighting<'a>],
    published: &HashSet<&str>,
    held: Vec<Record>,
    now: DateTime<Utc>,
    most: TimeDelta,
) -> Settled<'a> {
    let mut before: HashMap<String, Record> =
        held.into_iter().map(|r| (r.guid.clone(), r)).collect();
    let mut out = Settled {
        sightings: Vec::with_capacity(sightings.len()),
        held: Vec::new(),
        gone: Vec::new(),
        first_seen: HashMap::new(),
    };
    let mut on_page: HashSet<&str> = HashSet::new();
    for s in sightings {
        if !on_page.insert(s.guid) || published.contains(s.guid) {
            out.sightings.push(*s);
            continue;
        }
        let previous = before.remove(s.guid);
        let (first_seen, evidence) = match (previous, s.reading) {
            // New: held only when its first reading is wider than settled, and can narrow
            // (a reading that says only when it ended, an update time, never does).
            (None, Some(r))
                if r.interval.width() > SETTLED
                    && !r.interval.open_below()
                    && most > TimeDelta::zero() =>
            {
                (now, r.interval)
            }
            (None, _) => {
                out.sightings.push(*s);
                continue;
            }
            // Held: every reading narrows it (one that contradicts it is not believed; the
            // timeline logs such evidence once the item is published).
            (Some(p), reading) => {
                let known = p.evidence.unwrap_or(p.pinned);
                let narrowed = reading
                    .and_then(|r| known.intersect(&r.interval))
                    .unwrap_or(known);
                (p.first_seen, narrowed)
            }
        };
        if evidence.width() <= SETTLED || now - first_seen >= most {
            out.first_seen.insert(s.guid.to_string(), first_seen);
            out.sightings.push(Sighting {
                guid: s.guid,
                reading: Some(Reading {
                    interval: evidence,
                    point: middle(&evidence),
                }),
                settled: true,
            });
        } else {
            out.held
                .push(held_record(s.guid, first_seen, now, evidence));
        }
    }
    // Held items no longer on the page: nothing more will narrow them.
    for (_, r) in before {
        if published.contains(r.guid.as_str()) {
            continue;
        }
        let evidence = r.evidence.unwrap_or(r.pinned);
        out.gone.push(Record {
            published: middle(&evidence),
            pinned: evidence,
            evidence: Some(evidence),
            ..r
        });
    }
    out.gone
        .sort_by(|a, b| b.published.cmp(&a.published).then(a.guid.cmp(&b.guid)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 4, h, m, s)
            .single()
            .expect("time")
    }

    fn reading(earliest: DateTime<Utc>, latest: DateTime<Utc>) -> Option<Reading> {
        Some(Reading {
            interval: Interval::new(earliest, latest).expect("interval"),
            point: latest,
        })
    }

    fn seen(guid: &str, r: Option<Reading>) -> Sighting<'_> {
        Sighting {
            guid,
            reading: r,
            settled: false,
        }
    }

    const MOST: TimeDelta = TimeDelta::hours(3);

    /// A reading that says only when the item was published by (an update time) never
    /// narrows from below: it goes on at once, never held to be published at a middle.
    #[test]
    fn a_reading_open_below_is_not_held() {
        let none = HashSet::new();
        let update = Some(Reading {
            interval: Interval::up_to(t(10, 30, 0)).expect("interval"),
            point: t(10, 30, 0),
        });
        let s = settle(&[seen("u", update)], &none, Vec::new(), t(13, 30, 0), MOST);
        assert!(s.held.is_empty());
        assert_eq!(s.sightings.len(), 1);
        assert!(!s.sightings[0].settled);
    }

    #[test]
    fn narrow_and_undated_items_go_on_wide_ones_wait_for_two_ticks() {
        let none = HashSet::new();
        // 13:30: "18 minuten geleden", no date, "3 uur geleden".
        let page = [
            seen("a", reading(t(13, 11, 0), t(13, 12, 0))),
            seen("b", None),
            seen("c", reading(t(9, 30, 0), t(10, 30, 0))),
        ];
        let s = settle(&page, &none, Vec::new(), t(13, 30, 0), MOST);
        let through: Vec<&str> = s.sightings.iter().map(|s| s.guid).collect();
        assert_eq!(through, ["a", "b"]);
        assert!(s.sightings.iter().all(|s| !s.settled));
        assert_eq!(s.held.len(), 1);
        assert_eq!(s.held[0].first_seen, t(13, 30, 0));
        // 14:20, still "3 uur": narrowed from below, held.
        let page = [seen("c", reading(t(10, 20, 0), t(11, 20, 0)))];
        let s = settle(&page, &none, s.held, t(14, 20, 0), MOST);
        assert!(s.sightings.is_empty());
        assert_eq!(
            s.held[0].evidence,
            Interval::new(t(10, 20, 0), t(10, 30, 0))
        );
        // 15:22, "5 uur geleden" (09:22–10:22): (10:20, 10:22], two minutes...
        let page = [seen("c", reading(t(9, 22, 0), t(10, 22, 0)))];
        let s = settle(&page, &none, s.held, t(15, 22, 0), MOST);
        // ...which is settled: published at its middle, as first seen at 13:30.
        assert!(s.held.is_empty());
        assert_eq!(s.sightings.len(), 1);
        let r = s.sightings[0];
        assert!(r.settled);
        assert_eq!(r.reading.map(|r| r.point), Some(t(10, 21, 0)));
        assert_eq!(s.first_seen["c"], t(13, 30, 0));
    }

    #[test]
    fn an_item_waits_at_most_the_settle_time_and_is_published_when_it_leaves_the_page() {
        let none = HashSet::new();
        let page = [
            seen("c", reading(t(9, 30, 0), t(10, 30, 0))),
            seen("d", reading(t(8, 30, 0), t(9, 30, 0))),
        ];
        let s = settle(&page, &none, Vec::new(), t(13, 30, 0), MOST);
        assert_eq!(s.held.len(), 2);
        // Three hours on, "c" is still on the page: published at the middle of what is
        // known; "d" left the page: published at the middle of its evidence.
        let page = [seen("c", reading(t(9, 40, 0), t(10, 40, 0)))];
        let s = settle(&page, &none, s.held, t(16, 30, 0), MOST);
        assert!(s.held.is_empty());
        assert_eq!(
            s.sightings[0].reading.map(|r| r.point),
            Some(t(10, 5, 0)),
            "the middle of (09:40, 10:30]"
        );
        assert_eq!(s.gone.len(), 1);
        assert_eq!(s.gone[0].guid, "d");
        assert_eq!(s.gone[0].published, t(9, 0, 0));
        assert_eq!(s.gone[0].first_seen, t(13, 30, 0));
    }

    #[test]
    fn published_items_and_a_zero_settle_time_pass_untouched() {
        let published: HashSet<&str> = ["c"].into_iter().collect();
        let page = [seen("c", reading(t(9, 30, 0), t(10, 30, 0)))];
        let s = settle(&page, &published, Vec::new(), t(13, 30, 0), MOST);
        assert_eq!(s.sightings.len(), 1);
        assert!(!s.sightings[0].settled);
        let none = HashSet::new();
        let s = settle(&page, &none, Vec::new(), t(13, 30, 0), TimeDelta::zero());
        assert_eq!(s.sightings.len(), 1);
        assert!(s.held.is_empty());
    }

    #[test]
    fn a_contradicting_reading_leaves_the_evidence_as_it_was() {
        let none = HashSet::new();
        let page = [seen("c", reading(t(9, 30, 0), t(10, 30, 0)))];
        let s = settle(&page, &none, Vec::new(), t(13, 30, 0), MOST);
        let page = [seen("c", reading(t(11, 0, 0), t(12, 0, 0)))];
        let s = settle(&page, &none, s.held, t(13, 40, 0), MOST);
        assert_eq!(s.held[0].evidence, Interval::new(t(9, 30, 0), t(10, 30, 0)));
    }
}
