//! Publication times: turns each poll's date evidence into published times that stay put.
//!
//! A page says "18 minuten geleden" or "1 uur geleden"; a feed needs one absolute time per
//! item that does not change from poll to poll. [`advance`] takes what is known about every
//! item so far (its [`Record`]), the items of one poll in page order ([`Sighting`]s) and the
//! fetch moment, and returns the updated records plus the [`Event`]s worth logging. It is
//! pure: no clock, no I/O.
//!
//! # Rules (the README's "Publication times")
//!
//! - Each poll's reading is intersected into the item's `evidence`. An empty intersection is a
//!   contradiction: the evidence stays as it was and an [`Event::Contradiction`] is emitted.
//! - `pinned` is the interval an item was first published with; `published` never leaves it.
//! - A published time does not change unless the evidence puts it more than [`TOLERANCE`]
//!   (one minute) outside what the page has proved: it may lie up to that far outside the
//!   current evidence. When it must move, it goes to the nearest time from which no later
//!   evidence can put it more than the tolerance out, where the evidence is at most two
//!   tolerances wide; else, the evidence still wide, to the middle of the evidence (where
//!   later polls, which narrow it from both sides, are least likely to move it again).
//! - A new dated item is published in the middle of a first interval at most two tolerances
//!   wide (no later evidence can then move it), and at the latest second of a wider one,
//!   which later readings of a relative age only exclude once, when its count ticks over (see
//!   `place`). A new undated item is published at the moment it was first seen, with
//!   `pinned` = (UNIX epoch, first seen].
//! - On [`Order::NewestFirst`] pages published times are strictly decreasing down the page
//!   (1-second steps where intervals overlap), so readers sort items as the page does. Where
//!   page order and an item's interval cannot both hold, the interval wins and
//!   [`Event::OutOfOrder`] says so. Where page order and keeping a published time cannot both
//!   hold (an item listed above it needs that very second), page order wins: the item moves,
//!   within its evidence, and [`Event::Reordered`] says so.
//! - Items off the page keep their record unchanged.
//!
//! # Whole seconds
//!
//! Every published time is a whole second, so an interval is used for the whole seconds it
//! holds: `(e, l]` is kept as `(floor(e), floor(l)]`, which holds exactly the same whole
//! seconds (date texts give whole-second bounds, so this normally changes nothing). An
//! intersection that leaves no whole second counts as a contradiction. A first reading that
//! holds no whole second at all (narrower than a second, between two seconds) is widened to
//! the one second that ends just after it.
//!
//! # Algorithm
//!
//! Each poll is a small constraint problem over the on-page items, top to bottom. Item `i`
//! has an allowed range `R_i` of whole seconds (evidence ∩ pinned) and a preferred time `p_i`
//! (its previous published time, or where it settles when that is too far out; for a new
//! item its placement in its interval, or the fetch moment when undated). An item that keeps
//! its time has that time added to `R_i` (it may lie up to the tolerance outside the
//! evidence). On a newest-first page the times must satisfy `t_0 > t_1 > … > t_n-1` with
//! `t_i ∈ R_i`.
//!
//! 1. *Bottom-up*: `least_i = max(lo_i, least_i+1 + 1s)` is the least time item `i` can take
//!    with every item below it in order. If that exceeds `hi_i`, order cannot hold between
//!    `i` and the items below: `least_i = lo_i` (a "break").
//! 2. *Top-down*: `t_i = clamp(p_i, least_i, min(hi_i, t_i-1 - 1s))`. That window is empty
//!    exactly below a break; there `t_i = clamp(p_i, least_i, hi_i)` and an event is emitted.
//!    With no breaks this finds a strictly decreasing solution whenever one exists.
//! 3. *Anchors*: so that new items make room rather than moving published ones, each
//!    previously published item is first tried as fixed at its preferred time (a one-second
//!    range), keeping the fix only if it adds no break: items whose time is still in their
//!    evidence first, then the ones evidence moved, top to bottom. Steps 1-2 then run on the
//!    narrowed ranges. A solution that keeps every time is therefore always found when there
//!    is one.
//!
//! With [`Order::None`] each item simply takes `clamp(p_i, R_i)`.
//!
//! Whether a fix adds a break is decided where it can change anything, between the item and
//! the nearest fixed item above it, whose items keep their own ranges: with a sparse table
//! and binary lifting over the bottom-up pass (see `Chains`), in O(log n) per item, so a
//! poll costs O(n log n) for n on-page items.
//!
//! Polling the same page twice at the same moment changes nothing: the previous times are a
//! solution, so every anchor holds (where page order had to give, the breaks fall in the
//! same places again; the property tests check both).
//!
//! A guid listed twice on one page counts once, at its first listing ([`Event::Duplicate`]);
//! of previous records sharing a guid only the first is kept.

pub mod settle;

use crate::dates::{Interval, Reading};
use crate::item::Record;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// How the page lists items (config `order`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// Newest first: an item listed below another never gets a later time.
    #[default]
    NewestFirst,
    /// No order: each item is timed on its own evidence.
    None,
}

/// One item as this poll's page shows it, in page order (top first).
#[derive(Clone, Copy, Debug)]
pub struct Sighting<'a> {
    pub guid: &'a str,
    /// None: no date text, or one that could not be read.
    pub reading: Option<Reading>,
    /// A new item held back until its time settled (see [`settle`]): its reading is all the
    /// evidence of the polls it was held for, narrowed from both sides, and it is published
    /// at the reading's point (the middle), not at the latest second.
    pub settled: bool,
}

/// Something the caller should log about one poll.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The page's date for `guid` (`seen`, cut to whole seconds) shares no whole second with
    /// what was known (`held`: the evidence, or the pinned interval of an item that had no
    /// date before): ignored.
    Contradiction {
        guid: String,
        held: Interval,
        seen: Interval,
    },
    /// `guid` is listed below `above`, but its interval does not allow it an earlier time:
    /// the interval won over page order.
    OutOfOrder {
        guid: String,
        above: String,
        published: DateTime<Utc>,
        above_published: DateTime<Utc>,
    },
    /// `guid` is listed more than once on the page: only its first listing counts.
    Duplicate { guid: String },
    /// `guid` was published at `from`, which its evidence still allowed (within
    /// [`TOLERANCE`]), but page order moved it to `to`: page order won over stability.
    Reordered {
        guid: String,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Contradiction { guid, held, seen } => write!(
                f,
                "{guid}: date on the page says {seen}, which contradicts {held}; ignored"
            ),
            Event::OutOfOrder {
                guid,
                above,
                published,
                above_published,
            } => write!(
                f,
                "{guid}: listed below {above} ({}) but its interval puts it at {}; page order not kept",
                above_published.to_rfc3339(),
                published.to_rfc3339()
            ),
            Event::Reordered { guid, from, to } => write!(
                f,
                "{guid}: moved from {} to {} to keep page order",
                from.to_rfc3339(),
                to.to_rfc3339()
            ),
            Event::Duplicate { guid } => {
                write!(
                    f,
                    "{guid}: listed more than once on the page; only the first counts"
                )
            }
        }
    }
}

/// The outcome of one poll.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// Every record, newest published first (ties: page order).
    pub records: Vec<Record>,
    pub events: Vec<Event>,
}

/// One poll: previous records (any order) + this page's sightings (page order) + the fetch
/// moment -> every record (previous ones that are off the page included, unchanged), sorted
/// newest published first (ties: page order, so a reader sorts them as the page does).
///
/// Pure: no clock, no I/O. The caller truncates to max_items. Of records sharing a guid only
/// the first is kept.
pub fn advance(
    previous: Vec<Record>,
    page: &[Sighting],
    now: DateTime<Utc>,
    order: Order,
) -> Timeline {
    let mut events = Vec::new();
    let mut records: Vec<Record> = Vec::with_capacity(previous.len() + page.len());
    let mut index: HashMap<String, usize> = HashMap::new();
    for record in previous {
        if !index.contains_key(&record.guid) {
            index.insert(record.guid.clone(), records.len());
            records.push(record);
        }
    }

    // The on-page items, top to bottom.
    let mut slots: Vec<Slot> = Vec::with_capacity(page.len());
    let mut listed: HashSet<&str> = HashSet::new();
    for sighting in page {
        if !listed.insert(sighting.guid) {
            events.push(Event::Duplicate {
                guid: sighting.guid.to_string(),
            });
            continue;
        }
        let seen = sighting.reading.and_then(|r| first_interval(&r.interval));
        let slot = match index.get(sighting.guid) {
            Some(&at) => {
                let record = &mut records[at];
                record.last_seen = now;
                if let Some(seen) = seen {
                    let held = record.evidence.unwrap_or(record.pinned);
                    match held.intersect(&seen).and_then(|both| whole(&both)) {
                        Some(narrowed) => record.evidence = Some(narrowed),
                        None => events.push(Event::Contradiction {
                            guid: record.guid.clone(),
                            held,
                            seen,
                        }),
                    }
                }
                let evidence = allowed(record);
                let previous = secs(record.published);
                let pinned = span(&record.pinned).unwrap_or_else(|| single(record.published));
                if distance(previous, evidence) <= TOLERANCE && within(previous, pinned) {
                    // Close enough to what the page has proved: it stays, and may sit up to
                    // the tolerance outside the evidence.
                    Slot {
                        record: at,
                        range: hull(evidence, previous),
                        preferred: previous,
                        anchor: Some((true, previous)),
                        previous: Some(previous),
                    }
                } else {
                    let settled = settle(evidence, previous);
                    Slot {
                        record: at,
                        range: evidence,
                        preferred: settled,
                        anchor: Some((false, settled)),
                        previous: Some(previous),
                    }
                }
            }
            None => {
                // Dated: placed in its interval; undated: the moment it was first seen.
                let (evidence, pinned) = match seen {
                    Some(interval) => (Some(interval), interval),
                    None => (None, undated_pinned(now)),
                };
                let range = span(&pinned).unwrap_or_else(|| single(pinned.latest));
                let preferred = match (evidence, sighting.reading) {
                    (Some(_), Some(r)) if sighting.settled => {
                        clamp(secs(r.point), range.lo, range.hi)
                    }
                    (Some(_), _) => place(range),
                    (None, _) => clamp(secs(now), range.lo, range.hi),
                };
                index.insert(sighting.guid.to_string(), records.len());
                records.push(Record {
                    guid: sighting.guid.to_string(),
                    first_seen: now,
                    last_seen: now,
                    evidence,
                    pinned,
                    published: time(preferred),
                });
                Slot {
                    record: records.len() - 1,
                    range,
                    preferred,
                    anchor: None,
                    previous: None,
                }
            }
        };
        slots.push(slot);
    }

    if order == Order::NewestFirst {
        settle_above_kept(&mut slots);
    }
    let times: Vec<i64> = match order {
        Order::None => slots
            .iter()
            .map(|s| clamp(s.preferred, s.range.lo, s.range.hi))
            .collect(),
        Order::NewestFirst => {
            let ranges = anchored(&slots);
            let preferred: Vec<i64> = slots.iter().map(|s| s.preferred).collect();
            let (times, breaks) = solve(&ranges, &preferred);
            for at in breaks {
                if let (Some(below), Some(above)) = (slots.get(at), slots.get(at.wrapping_sub(1))) {
                    events.push(Event::OutOfOrder {
                        guid: records[below.record].guid.clone(),
                        above: records[above.record].guid.clone(),
                        published: time(times[at]),
                        above_published: time(times[at - 1]),
                    });
                }
            }
            times
        }
    };
    for (slot, &t) in slots.iter().zip(times.iter()) {
        if let (Some((true, kept)), Some(from)) = (slot.anchor, slot.previous)
            && t != kept
        {
            events.push(Event::Reordered {
                guid: records[slot.record].guid.clone(),
                from: time(from),
                to: time(t),
            });
        }
    }
    let mut position: Vec<Option<usize>> = vec![None; records.len()];
    for (at, (slot, &t)) in slots.iter().zip(times.iter()).enumerate() {
        let record = &mut records[slot.record];
        record.published = time(t);
        position[slot.record] = Some(at);
    }

    // Newest first; ties: on-page items in page order, then the others as they came.
    let mut keyed: Vec<((bool, usize), Record)> = records
        .into_iter()
        .zip(position)
        .enumerate()
        .map(|(at, (record, pos))| (pos.map_or((true, at), |p| (false, p)), record))
        .collect();
    keyed.sort_by(|(ka, a), (kb, b)| b.published.cmp(&a.published).then(ka.cmp(kb)));
    Timeline {
        records: keyed.into_iter().map(|(_, r)| r).collect(),
        events,
    }
}

/// One on-page item in the constraint problem.
#[derive(Debug)]
struct Slot {
    /// Index into the records.
    record: usize,
    range: Span,
    preferred: i64,
    /// For a previously published item: (its time is still allowed, the time it wants to keep).
    anchor: Option<(bool, i64)>,
    /// The time it was published at before this poll.
    previous: Option<i64>,
}

/// On a newest-first page, an item that has to move settles no lower than the items listed
/// below it that keep their times (a second apart), where its evidence allows: settling at
/// the middle of wide evidence would otherwise push it under an item that stays, and page
/// order would then drag that item down too.
fn settle_above_kept(slots: &mut [Slot]) {
    let mut floor: Option<i64> = None;
    for slot in slots.iter_mut().rev() {
        if let Some((false, settled)) = slot.anchor
            && let Some(f) = floor
            && settled < f
        {
            let raised = clamp(f, slot.range.lo, slot.range.hi).max(settled);
            slot.preferred = raised;
            slot.anchor = Some((false, raised));
        }
        let here = slot.anchor.map(|(_, t)| t);
        floor = match (floor, here) {
            (Some(f), Some(t)) => Some(f.max(t)),
            (f, t) => f.or(t),
        }
        .map(|t| t.saturating_add(1));
    }
}

/// The whole seconds `lo..=hi` (Unix seconds) an item may be published at; `lo <= hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    lo: i64,
    hi: i64,
}

/// The ranges with as many previously published items fixed at their time as page order
/// allows (no fix adds a break): kept times first, then moved ones, each top to bottom.
///
/// Fixing an item changes the bottom-up pass (see [`least`]) only between it and the nearest
/// fixed item above it (a fixed item's least time is its own, whatever lies below), and the
/// items in between still have their own ranges: [`Chains`] answers whether a fix adds a
/// break in O(log n), so anchoring costs O(n log n) in all.
fn anchored(slots: &[Slot]) -> Vec<Span> {
    let mut ranges: Vec<Span> = slots.iter().map(|s| s.range).collect();
    if slots.iter().all(|s| s.anchor.is_none()) {
        return ranges;
    }
    let chains = Chains::new(&ranges);
    // Position -> its fixed time.
    let mut fixed: BTreeMap<usize, i64> = BTreeMap::new();
    for kept_first in [true, false] {
        for (at, slot) in slots.iter().enumerate() {
            let Some((kept, t)) = slot.anchor else {
                continue;
            };
            if kept != kept_first || chains.fix_adds_break(&fixed, at, t) {
                continue;
            }
            fixed.insert(at, t);
            ranges[at] = Span { lo: t, hi: t };
        }
    }
    ranges
}

/// The bottom-up pass of [`least`] over the items' own ranges, prepared for questions about
/// stretches of it.
///
/// Going up from item `i + 1` to item `i`, the least time `l` becomes `l + 1` where that lies
/// in `lo_i..=hi_i`. With `x = l + position` that step keeps `x` unchanged: item `i` passes
/// `x` on when `a_i <= x <= b_i` (`a_i = lo_i + i`, `b_i = hi_i + i`), and otherwise takes
/// `lo_i`, so that `x` becomes `a_i` — a break when `x > b_i`. A stretch of the pass is
/// therefore a walk from one item where `x` is not passed on to the next: the first such
/// item above a given one is found in a sparse table of the `a` maxima and `b` minima, and
/// the walk from there on, which depends only on where it starts, is followed by binary
/// lifting.
struct Chains {
    a: Vec<i64>,
    b: Vec<i64>,
    /// `max_a[k][i]`: the largest `a` in `i..i + 2^k`.
    max_a: Vec<Vec<i64>>,
    /// `min_b[k][i]`: the least `b` in `i..i + 2^k`.
    min_b: Vec<Vec<i64>>,
    /// `up[k][j]`: the item `2^k` steps of the walk above item `j` (which took `lo_j`), or
    /// [`Chains::TOP`] where the walk ends first.
    up: Vec<Vec<usize>>,
    /// `breaks[k][j]`: the breaks on those steps.
    breaks: Vec<Vec<u32>>,
}

impl Chains {
    /// No item: the walk has left the page at the top.
    const TOP: usize = usize::MAX;

    fn new(ranges: &[Span]) -> Chains {
        let n = ranges.len();
        let offset = |i: usize| i64::try_from(i).unwrap_or(i64::MAX);
        let a: Vec<i64> = (0..n)
            .map(|i| ranges[i].lo.saturating_add(offset(i)))
            .collect();
        let b: Vec<i64> = (0..n)
            .map(|i| ranges[i].hi.saturating_add(offset(i)))
            .collect();
        let table = |first: &[i64], pick: fn(i64, i64) -> i64| {
            let mut levels = vec![first.to_vec()];
            let mut width = 1;
            while 2 * width <= n {
                let last = &levels[levels.len() - 1];
                let next: Vec<i64> = (0..=n - 2 * width)
                    .map(|i| pick(last[i], last[i + width]))
                    .collect();
                levels.push(next);
                width *= 2;
            }
            levels
        };
        let max_a = table(&a, i64::max);
        let min_b = table(&b, i64::min);
        let mut chains = Chains {
            a,
            b,
            max_a,
            min_b,
            up: Vec::new(),
            breaks: Vec::new(),
        };
        let mut up = vec![Chains::TOP; n];
        let mut breaks = vec![0u32; n];
        for j in 1..n {
            if let Some((i, broke)) = chains.first_stop(chains.a[j], 0, j - 1) {
                up[j] = i;
                breaks[j] = u32::from(broke);
            }
        }
        let mut ups = vec![up];
        let mut counts = vec![breaks];
        while 1usize << ups.len() < n {
            let (last_up, last_breaks) = (&ups[ups.len() - 1], &counts[counts.len() - 1]);
            let mut next_up = vec![Chains::TOP; n];
            let mut next_breaks = vec![0u32; n];
            for j in 0..n {
                let mid = last_up[j];
                if mid != Chains::TOP && last_up[mid] != Chains::TOP {
                    next_up[j] = last_up[mid];
                    next_breaks[j] = last_breaks[j] + last_breaks[mid];
                }
            }
            ups.push(next_up);
            counts.push(next_breaks);
        }
        chains.up = ups;
        chains.breaks = counts;
        chains
    }

    /// The lowest item in `from..=to` that does not pass `x` on, and whether it breaks.
    fn first_stop(&self, x: i64, from: usize, to: usize) -> Option<(usize, bool)> {
        let above = last_where(&self.max_a, from, to, |m| m > x);
        let below = last_where(&self.min_b, from, to, |m| m < x);
        match (above, below) {
            (Some(i), Some(j)) if j > i => Some((j, true)),
            (Some(i), _) => Some((i, false)),
            (None, Some(j)) => Some((j, true)),
            (None, None) => None,
        }
    }

    /// The pass from item `from` (whose `x` is given) up through the items `to..from`, all
    /// with their own ranges: `x` after item `to`, and the breaks on the way.
    fn climb(&self, x: i64, from: usize, to: usize) -> (i64, u32) {
        if to >= from {
            return (x, 0);
        }
        let Some((mut j, broke)) = self.first_stop(x, to, from - 1) else {
            return (x, 0);
        };
        let mut breaks = u32::from(broke);
        for k in (0..self.up.len()).rev() {
            let next = self.up[k][j];
            if next != Chains::TOP && next >= to {
                breaks += self.breaks[k][j];
                j = next;
            }
        }
        (self.a[j], breaks)
    }

    /// Whether fixing item `at` (not fixed yet) at `t` adds breaks to the pass, where the
    /// items in `fixed` are fixed at their times and the others have their own ranges.
    fn fix_adds_break(&self, fixed: &BTreeMap<usize, i64>, at: usize, t: i64) -> bool {
        let n = self.a.len();
        let position = |i: usize| i64::try_from(i).unwrap_or(i64::MAX);
        // `x` after the item below, from the nearest fixed item below or the bottom.
        let below = (at + 1 < n).then(|| {
            let (from, x) = match fixed.range(at + 1..).next() {
                Some((&g, &tg)) => (g, tg.saturating_add(position(g))),
                None => (n - 1, self.a[n - 1]),
            };
            self.climb(x, from, at + 1).0
        });
        let (a, b) = (self.a[at], self.b[at]);
        let (open_x, open_breaks) = match below {
            Some(x) if x > b => (a, 1),
            Some(x) if x >= a => (x, 0),
            _ => (a, 0),
        };
        let fixed_x = t.saturating_add(position(at));
        let fixed_breaks = u32::from(below.is_some_and(|x| x > fixed_x));
        // Up to the nearest fixed item above, whose own time stays; only its break can change.
        let above = fixed.range(..at).next_back();
        let to = above.map_or(0, |(&f, _)| f + 1);
        let (open_x, open_up) = self.climb(open_x, at, to);
        let (fixed_x, fixed_up) = self.climb(fixed_x, at, to);
        let (open_top, fixed_top) = match above {
            Some((&f, &tf)) => {
                let limit = tf.saturating_add(position(f));
                (u32::from(open_x > limit), u32::from(fixed_x > limit))
            }
            None => (0, 0),
        };
        fixed_breaks + fixed_up + fixed_top > open_breaks + open_up + open_top
    }
}

/// The highest index in `from..=to` whose value satisfies `hit`, found in a sparse table of
/// a combination (max or min) for which `hit` of the combination means `hit` of some value.
fn last_where(
    table: &[Vec<i64>],
    from: usize,
    to: usize,
    hit: impl Fn(i64) -> bool,
) -> Option<usize> {
    // `end` is exclusive; everything at or past it is known not to hit.
    let mut end = to + 1;
    for k in (0..table.len()).rev() {
        let width = 1usize << k;
        if end >= from + width && !hit(table[k][end - width]) {
            end -= width;
        }
    }
    (end > from).then(|| end - 1)
}

/// Bottom-up: the least time each item can take with the items below it in order, and how
/// many places order cannot hold.
fn least(ranges: &[Span]) -> (Vec<i64>, usize) {
    let mut least = vec![0; ranges.len()];
    let mut breaks = 0;
    let mut below: Option<i64> = None;
    for (at, range) in ranges.iter().enumerate().rev() {
        let want = below.map_or(range.lo, |b| range.lo.max(b.saturating_add(1)));
        let l = if want > range.hi {
            breaks += 1;
            range.lo
        } else {
            want
        };
        least[at] = l;
        below = Some(l);
    }
    (least, breaks)
}

/// Strictly decreasing times inside the ranges, near the preferred ones; also the indices of
/// the items placed out of order with the one above them.
fn solve(ranges: &[Span], preferred: &[i64]) -> (Vec<i64>, Vec<usize>) {
    let (least, _) = least(ranges);
    let mut times = Vec::with_capacity(ranges.len());
    let mut breaks = Vec::new();
    let mut above: Option<i64> = None;
    for (at, (range, (&low, &want))) in ranges
        .iter()
        .zip(least.iter().zip(preferred.iter()))
        .enumerate()
    {
        let upper = above.map_or(range.hi, |a| range.hi.min(a.saturating_sub(1)));
        let t = if low <= upper {
            clamp(want, low, upper)
        } else {
            breaks.push(at);
            clamp(want, low, range.hi)
        };
        times.push(t);
        above = Some(t);
    }
    (times, breaks)
}

/// How far (seconds) a published time may lie outside what the page has proved before it
/// moves: one minute (SPEC.md).
pub const TOLERANCE: i64 = 60;

/// Where a new dated item goes in its first interval `range` (whole seconds).
///
/// - At most twice the tolerance wide ("18 minuten geleden", "vandaag 14:05"): its middle.
///   No later evidence, which lies inside the interval, can then be more than the tolerance
///   away, so the time never moves for evidence; and the middle is nearest the truth on
///   average (later "N minuten geleden" texts, read at other seconds, narrow the interval
///   from either side).
/// - Wider ("3 uur geleden", "zojuist", "gisteren"): its latest second. A relative age read
///   at later polls raises the interval's start poll by poll, and lowers its end only once,
///   when the count ticks over ("3 uur" becomes "4 uur"), to within a poll interval of the
///   truth. The latest second is the one time the rising start never excludes; an item moves
///   at most at that tick, once the evidence is a poll interval wide, and then back in time
///   (down the feed, never back to the top as if it were new). "zojuist" is said within a
///   minute or so of publication: its latest second is also where the truth most likely is.
fn place(range: Span) -> i64 {
    if narrow(range) {
        midpoint(range)
    } else {
        range.hi
    }
}

/// Whether every time in `range` lies within the tolerance of its middle.
fn narrow(range: Span) -> bool {
    range.hi.saturating_sub(range.lo) <= 2 * TOLERANCE
}

/// The time an item settles at in `range`, nearest `from`: inside the times no later evidence
/// can put more than the tolerance out when there are such times, else the middle.
fn settle(range: Span, from: i64) -> i64 {
    let safe_lo = range.lo.max(range.hi.saturating_sub(TOLERANCE));
    let safe_hi = range.hi.min(range.lo.saturating_add(TOLERANCE));
    if safe_lo <= safe_hi {
        clamp(from, safe_lo, safe_hi)
    } else {
        midpoint(range)
    }
}

fn midpoint(range: Span) -> i64 {
    let half = (i128::from(range.hi) - i128::from(range.lo)) / 2;
    range
        .lo
        .saturating_add(i64::try_from(half).unwrap_or(i64::MAX))
}

/// Seconds from `t` to the nearest time in `range` (0 inside).
fn distance(t: i64, range: Span) -> i64 {
    if t < range.lo {
        range.lo.saturating_sub(t)
    } else {
        t.saturating_sub(range.hi)
    }
}

fn within(t: i64, range: Span) -> bool {
    range.lo <= t && t <= range.hi
}

/// The smallest span holding `range` and `t`.
fn hull(range: Span, t: i64) -> Span {
    Span {
        lo: range.lo.min(t),
        hi: range.hi.max(t),
    }
}

/// `x` moved into `lo..=hi` (never panics; `lo` wins should `lo > hi`).
fn clamp(x: i64, lo: i64, hi: i64) -> i64 {
    x.min(hi).max(lo)
}

/// The whole second at or before `t`, in Unix seconds.
fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// The instant `s` Unix seconds; the nearest representable one outside chrono's range.
fn time(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or(if s < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// The whole seconds `interval` holds, or None when it holds none.
fn span(interval: &Interval) -> Option<Span> {
    let lo = secs(interval.earliest).checked_add(1)?;
    let hi = secs(interval.latest);
    (lo <= hi).then_some(Span { lo, hi })
}

/// `(floor(earliest), floor(latest)]`: the same whole seconds, or None when there are none.
fn whole(interval: &Interval) -> Option<Interval> {
    let s = span(interval)?;
    let earliest = DateTime::from_timestamp(s.lo.checked_sub(1)?, 0)?;
    let latest = DateTime::from_timestamp(s.hi, 0)?;
    Interval::new(earliest, latest)
}

/// A reading's interval as evidence: its whole seconds, or when it holds none, the one second
/// that ends just after it.
fn first_interval(interval: &Interval) -> Option<Interval> {
    whole(interval).or_else(|| {
        let start = secs(interval.earliest);
        Interval::new(
            DateTime::from_timestamp(start, 0)?,
            DateTime::from_timestamp(start.checked_add(1)?, 0)?,
        )
    })
}

/// The span of a single second ending at or before `t`.
fn single(t: DateTime<Utc>) -> Span {
    let s = secs(t);
    Span { lo: s, hi: s }
}

/// Where an item may be published this poll: evidence ∩ pinned, else pinned.
fn allowed(record: &Record) -> Span {
    record
        .evidence
        .and_then(|e| e.intersect(&record.pinned))
        .and_then(|both| span(&both))
        .or_else(|| span(&record.pinned))
        .unwrap_or_else(|| single(record.published))
}

/// The interval of an item without a date, first seen at `now`: (UNIX epoch, now].
fn undated_pinned(now: DateTime<Utc>) -> Interval {
    let n = secs(now);
    let start = if n > 0 { 0 } else { n.saturating_sub(1) };
    let whole_seconds = |a: i64, b: i64| {
        Interval::new(
            DateTime::from_timestamp(a, 0)?,
            DateTime::from_timestamp(b, 0)?,
        )
    };
    whole_seconds(start, n)
        .or_else(|| whole_seconds(n, n.saturating_add(1)))
        .unwrap_or(Interval {
            earliest: DateTime::<Utc>::MIN_UTC,
            latest: DateTime::<Utc>::MAX_UTC,
        })
}

/// Whether `t` lies in `interval` or at most [`TOLERANCE`] outside it.
#[cfg(test)]
fn near(interval: &Interval, t: DateTime<Utc>) -> bool {
    let tol = chrono::Duration::seconds(TOLERANCE);
    // A bound past chrono's range holds every time there is.
    interval
        .earliest
        .checked_sub_signed(tol)
        .is_none_or(|e| e < t)
        && interval
            .latest
            .checked_add_signed(tol)
            .is_none_or(|l| t <= l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, FixedOffset, TimeZone};

    /// 2026-03-04 h:m:s in CET (+01:00), as the seed page's clock shows it.
    fn cet(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        FixedOffset::east_opt(3600)
            .expect("offset")
            .with_ymd_and_hms(2026, 3, 4, h, m, s)
            .single()
            .expect("valid")
            .with_timezone(&Utc)
    }

    fn iv(earliest: DateTime<Utc>, latest: DateTime<Utc>) -> Interval {
        Interval::new(earliest, latest).expect("nonempty")
    }

    /// "n units ago" read at `now` with floor rounding: (now-(n+1)u, now-n u], point now-n u.
    fn ago(now: DateTime<Utc>, n: i64, unit: Duration) -> Reading {
        let latest = now - unit * n as i32;
        Reading {
            interval: iv(latest - unit, latest),
            point: latest,
        }
    }
    fn minutes(now: DateTime<Utc>, n: i64) -> Option<Reading> {
        Some(ago(now, n, Duration::minutes(1)))
    }
    fn hours(now: DateTime<Utc>, n: i64) -> Option<Reading> {
        Some(ago(now, n, Duration::hours(1)))
    }

    fn sight(guid: &str, reading: Option<Reading>) -> Sighting<'_> {
        Sighting {
            guid,
            reading,
            settled: false,
        }
    }

    fn find<'r>(records: &'r [Record], guid: &str) -> &'r Record {
        records
            .iter()
            .find(|r| r.guid == guid)
            .unwrap_or_else(|| panic!("no record {guid}"))
    }

    /// Published times of `guids` (page order) are strictly decreasing.
    fn assert_page_order(records: &[Record], guids: &[&str]) {
        let times: Vec<DateTime<Utc>> = guids.iter().map(|g| find(records, g).published).collect();
        for pair in times.windows(2) {
            assert!(pair[0] > pair[1], "page order broken: {times:?}");
        }
    }

    /// Whole seconds, inside the pinned interval, at most the tolerance outside the evidence.
    fn assert_sound(records: &[Record]) {
        for r in records {
            assert_eq!(r.published.timestamp_subsec_nanos(), 0, "{r:?}");
            assert!(r.pinned.contains(r.published), "{r:?}");
            if let Some(e) = r.evidence {
                assert!(near(&e, r.published), "{r:?}");
            }
        }
        for pair in records.windows(2) {
            assert!(pair[0].published >= pair[1].published, "not sorted");
        }
    }

    #[test]
    fn seed_page_at_three_moments() {
        let truth = [
            ("newyork", cet(13, 53, 0)),
            ("hezbollah", cet(13, 12, 0)),
            ("aanvalsgolf", cet(12, 46, 0)),
            ("leavitt", cet(12, 20, 0)),
            ("unhcr", cet(12, 5, 0)),
            ("libanon", cet(10, 25, 0)),
            ("irak", cet(10, 10, 0)),
            ("doha", cet(10, 2, 0)),
        ];

        // 13:30: the page as in the seed text.
        let now = cet(13, 30, 0);
        let page1 = [
            sight("hezbollah", minutes(now, 18)),
            sight("aanvalsgolf", minutes(now, 44)),
            sight("leavitt", hours(now, 1)),
            sight("unhcr", hours(now, 1)),
            sight("libanon", hours(now, 3)),
            sight("irak", hours(now, 3)),
            sight("doha", hours(now, 3)),
        ];
        let t1 = advance(Vec::new(), &page1, now, Order::NewestFirst);
        assert_eq!(t1.events, vec![]);
        let order1: Vec<&str> = page1.iter().map(|s| s.guid).collect();
        let got: Vec<&str> = t1.records.iter().map(|r| r.guid.as_str()).collect();
        assert_eq!(got, order1, "the feed lists items as the page does");
        let table = [
            ("hezbollah", cet(13, 11, 0), cet(13, 12, 0)),
            ("aanvalsgolf", cet(12, 45, 0), cet(12, 46, 0)),
            ("leavitt", cet(11, 30, 0), cet(12, 30, 0)),
            ("unhcr", cet(11, 30, 0), cet(12, 30, 0)),
            ("libanon", cet(9, 30, 0), cet(10, 30, 0)),
            ("irak", cet(9, 30, 0), cet(10, 30, 0)),
            ("doha", cet(9, 30, 0), cet(10, 30, 0)),
        ];
        for (guid, earliest, latest) in table {
            let r = find(&t1.records, guid);
            assert_eq!(r.evidence, Some(iv(earliest, latest)), "{guid}");
            assert_eq!(r.pinned, iv(earliest, latest), "{guid}");
        }
        assert_page_order(&t1.records, &order1);
        assert_sound(&t1.records);
        // Minute-wide intervals: their middles. Hour-wide ones: their latest seconds, stepped
        // down by a second where intervals are shared.
        let expected = [
            cet(13, 11, 30),
            cet(12, 45, 30),
            cet(12, 30, 0),
            cet(12, 29, 59),
            cet(10, 30, 0),
            cet(10, 29, 59),
            cet(10, 29, 58),
        ];
        let published: Vec<DateTime<Utc>> = t1.records.iter().map(|r| r.published).collect();
        assert_eq!(published, expected);
        let doha_after_1 = find(&t1.records, "doha").clone();

        // 14:05: one new item on top, Doha dropped off.
        let now = cet(14, 5, 0);
        let page2 = [
            sight("newyork", minutes(now, 12)),
            sight("hezbollah", minutes(now, 53)),
            sight("aanvalsgolf", hours(now, 1)),
            sight("leavitt", hours(now, 1)),
            sight("unhcr", hours(now, 2)),
            sight("libanon", hours(now, 3)),
            sight("irak", hours(now, 3)),
        ];
        let t2 = advance(t1.records.clone(), &page2, now, Order::NewestFirst);
        assert_eq!(t2.events, vec![]);
        assert_eq!(t2.records.len(), 8);
        let order2: Vec<&str> = page2.iter().map(|s| s.guid).collect();
        assert_page_order(&t2.records, &order2);
        assert_sound(&t2.records);
        assert_eq!(find(&t2.records, "newyork").published, cet(13, 52, 30));
        // Leavitt's time is still inside (12:05, 12:30]: it stays. UNHCR's is 25 minutes out
        // of (11:30, 12:05], a span still wide: it moves once, to the middle.
        assert_eq!(find(&t2.records, "leavitt").published, cet(12, 30, 0));
        assert_eq!(find(&t2.records, "unhcr").published, cet(11, 47, 30));
        let moved: Vec<&str> = t2
            .records
            .iter()
            .filter(|r| {
                t1.records
                    .iter()
                    .any(|old| old.guid == r.guid && old.published != r.published)
            })
            .map(|r| r.guid.as_str())
            .collect();
        assert_eq!(moved, ["unhcr"], "only UNHCR moved");

        // 16:40: times moved on, nothing new.
        let now = cet(16, 40, 0);
        let page3 = [
            sight("newyork", hours(now, 2)),
            sight("hezbollah", hours(now, 3)),
            sight("aanvalsgolf", hours(now, 3)),
            sight("leavitt", hours(now, 4)),
            sight("unhcr", hours(now, 4)),
            sight("libanon", hours(now, 6)),
            sight("irak", hours(now, 6)),
        ];
        let t3 = advance(t2.records.clone(), &page3, now, Order::NewestFirst);
        assert_eq!(t3.events, vec![]);
        assert_eq!(t3.records.len(), 8);
        for r in &t3.records {
            assert_eq!(
                r.published,
                find(&t2.records, &r.guid).published,
                "{} moved",
                r.guid
            );
        }
        let order3: Vec<&str> = page3.iter().map(|s| s.guid).collect();
        assert_page_order(&t3.records, &order3);
        assert_sound(&t3.records);
        assert_eq!(
            find(&t3.records, "doha"),
            &doha_after_1,
            "history keeps its time"
        );
        for r in &t3.records {
            let first = if r.guid == "newyork" { &t2 } else { &t1 };
            let first_pinned = find(&first.records, &r.guid).pinned;
            assert_eq!(r.pinned, first_pinned, "{}", r.guid);
            assert!(first_pinned.contains(r.published), "{}", r.guid);
        }
        let evidence = |guid: &str| find(&t3.records, guid).evidence;
        assert_eq!(evidence("leavitt"), Some(iv(cet(12, 5, 0), cet(12, 30, 0))));
        assert_eq!(evidence("unhcr"), Some(iv(cet(11, 40, 0), cet(12, 5, 0))));
        assert_eq!(
            evidence("newyork"),
            Some(iv(cet(13, 52, 0), cet(13, 53, 0)))
        );
        // (09:30, 10:30] ∩ (10:05, 11:05] at 14:05 ∩ (09:40, 10:40] at 16:40.
        assert_eq!(evidence("irak"), Some(iv(cet(10, 5, 0), cet(10, 30, 0))));
        for (guid, t) in truth {
            let r = find(&t3.records, guid);
            assert!(
                r.evidence.is_some_and(|e| e.contains(t)),
                "{guid}: truth excluded"
            );
        }

        // The same page again at the same moment changes nothing.
        let again = advance(t3.records.clone(), &page3, now, Order::NewestFirst);
        assert_eq!(again.records, t3.records);
        assert_eq!(again.events, vec![]);
        let again = advance(
            t1.records.clone(),
            &page1,
            cet(13, 30, 0),
            Order::NewestFirst,
        );
        assert_eq!(again.records, t1.records);
    }

    #[test]
    fn undated_items_are_published_when_first_seen_in_page_order() {
        let now = cet(9, 0, 0);
        let page = [sight("a", None), sight("b", None), sight("c", None)];
        let t = advance(Vec::new(), &page, now, Order::NewestFirst);
        let published: Vec<DateTime<Utc>> = t.records.iter().map(|r| r.published).collect();
        assert_eq!(
            published,
            vec![now, now - Duration::seconds(1), now - Duration::seconds(2)]
        );
        for r in &t.records {
            assert_eq!(r.pinned, iv(DateTime::UNIX_EPOCH, now));
            assert_eq!(r.evidence, None);
            assert_eq!(r.first_seen, now);
        }

        // Later: a new item on top and one squeezed in between a and b.
        let later = cet(9, 10, 0);
        let page = [
            sight("new", None),
            sight("a", None),
            sight("between", None),
            sight("b", None),
            sight("c", None),
        ];
        let t2 = advance(t.records.clone(), &page, later, Order::NewestFirst);
        // Page order wins over keeping a time, and the moves are logged.
        let second = |n| now - Duration::seconds(n);
        assert_eq!(
            t2.events,
            vec![
                Event::Reordered {
                    guid: "b".into(),
                    from: second(1),
                    to: second(2)
                },
                Event::Reordered {
                    guid: "c".into(),
                    from: second(2),
                    to: second(3)
                }
            ]
        );
        assert_sound(&t2.records);
        assert_page_order(&t2.records, &["new", "a", "between", "b", "c"]);
        assert_eq!(find(&t2.records, "new").published, later);
        assert_eq!(find(&t2.records, "a").published, now, "a keeps its time");
        // b and c make room a second each, inside (epoch, 09:00].
        assert_eq!(
            find(&t2.records, "between").published,
            now - Duration::seconds(1)
        );
        assert_eq!(find(&t2.records, "b").published, now - Duration::seconds(2));
        assert_eq!(find(&t2.records, "c").published, now - Duration::seconds(3));
        assert_eq!(find(&t2.records, "c").first_seen, now);
        assert_eq!(find(&t2.records, "c").last_seen, later);
    }

    #[test]
    fn sub_second_fetch_moments_give_whole_seconds() {
        let now = cet(9, 0, 0) + Duration::milliseconds(750);
        let page = [sight("a", None), sight("b", minutes(now, 5))];
        let t = advance(Vec::new(), &page, now, Order::NewestFirst);
        assert_eq!(find(&t.records, "a").published, cet(9, 0, 0));
        assert_eq!(find(&t.records, "b").published, cet(8, 54, 30));
        assert_eq!(
            find(&t.records, "b").evidence,
            Some(iv(cet(8, 54, 0), cet(8, 55, 0))),
            "(08:54:00.75, 08:55:00.75] holds the whole seconds 08:54:01..=08:55:00"
        );
        assert_sound(&t.records);
    }

    #[test]
    fn an_undated_item_that_gets_a_date_narrows_within_its_first_interval() {
        let now = cet(9, 0, 0);
        let t = advance(Vec::new(), &[sight("a", None)], now, Order::NewestFirst);
        let later = cet(9, 30, 0);
        let t2 = advance(
            t.records.clone(),
            &[sight("a", hours(later, 1))],
            later,
            Order::NewestFirst,
        );
        let a = find(&t2.records, "a");
        assert_eq!(a.evidence, Some(iv(cet(7, 30, 0), cet(8, 30, 0))));
        assert_eq!(a.pinned, iv(DateTime::UNIX_EPOCH, now));
        // 09:00 is half an hour out of an hour-wide interval: to its middle.
        assert_eq!(a.published, cet(8, 0, 0));

        // A date after it was first seen contradicts: nothing moves.
        let t3 = advance(
            t.records.clone(),
            &[sight("a", minutes(later, 5))],
            later,
            Order::NewestFirst,
        );
        assert_eq!(find(&t3.records, "a").published, now);
        assert_eq!(find(&t3.records, "a").evidence, None);
        assert!(matches!(
            t3.events.as_slice(),
            [Event::Contradiction { .. }]
        ));
    }

    #[test]
    fn contradicting_evidence_moves_nothing_and_is_reported() {
        let now = cet(13, 30, 0);
        let t = advance(
            Vec::new(),
            &[sight("a", minutes(now, 18)), sight("b", hours(now, 1))],
            now,
            Order::NewestFirst,
        );
        let later = cet(14, 0, 0);
        // "a" now claims to be 3 hours old: (10:00, 11:00] does not meet (13:11, 13:12].
        let t2 = advance(
            t.records.clone(),
            &[sight("a", hours(later, 3)), sight("b", hours(later, 1))],
            later,
            Order::NewestFirst,
        );
        let a1 = find(&t.records, "a");
        let a2 = find(&t2.records, "a");
        assert_eq!(a2.published, a1.published);
        assert_eq!(a2.evidence, a1.evidence);
        assert_eq!(a2.last_seen, later);
        assert_eq!(
            t2.events,
            vec![Event::Contradiction {
                guid: "a".into(),
                held: iv(cet(13, 11, 0), cet(13, 12, 0)),
                seen: iv(cet(10, 0, 0), cet(11, 0, 0)),
            }]
        );
        let line = t2.events[0].to_string();
        assert!(line.starts_with("a: ") && !line.contains('\n'), "{line}");
        assert_sound(&t2.records);
    }

    #[test]
    fn order_none_times_each_item_on_its_own() {
        let now = cet(13, 30, 0);
        // Listed oldest first, and two share a point.
        let page = [
            sight("old", hours(now, 3)),
            sight("x", minutes(now, 10)),
            sight("y", minutes(now, 10)),
            sight("undated", None),
        ];
        let t = advance(Vec::new(), &page, now, Order::None);
        assert_eq!(t.events, vec![]);
        assert_eq!(find(&t.records, "old").published, cet(10, 30, 0));
        assert_eq!(find(&t.records, "x").published, cet(13, 19, 30));
        assert_eq!(find(&t.records, "y").published, cet(13, 19, 30));
        assert_eq!(find(&t.records, "undated").published, now);
        let got: Vec<&str> = t.records.iter().map(|r| r.guid.as_str()).collect();
        assert_eq!(got, ["undated", "x", "y", "old"], "ties keep page order");
        // The same page newest-first would have stepped y down a second.
        let t = advance(Vec::new(), &page[1..3], now, Order::NewestFirst);
        assert_eq!(find(&t.records, "y").published, cet(13, 19, 29));
    }

    #[test]
    fn the_interval_wins_over_page_order() {
        let now = cet(13, 30, 0);
        // "b" is listed below "a" but is certainly newer.
        let page = [
            sight("a", hours(now, 3)),
            sight("b", minutes(now, 5)),
            sight("c", hours(now, 5)),
        ];
        let t = advance(Vec::new(), &page, now, Order::NewestFirst);
        assert_sound(&t.records);
        assert_eq!(find(&t.records, "a").published, cet(10, 30, 0));
        assert_eq!(find(&t.records, "b").published, cet(13, 24, 30));
        assert_eq!(find(&t.records, "c").published, cet(8, 30, 0));
        assert_eq!(
            t.events,
            vec![Event::OutOfOrder {
                guid: "b".into(),
                above: "a".into(),
                published: cet(13, 24, 30),
                above_published: cet(10, 30, 0),
            }]
        );
        // Stable: the same poll again changes nothing.
        let again = advance(t.records.clone(), &page, now, Order::NewestFirst);
        assert_eq!(again.records, t.records);
    }

    #[test]
    fn new_items_make_room_rather_than_moving_published_ones() {
        let now = cet(13, 30, 0);
        let t = advance(
            Vec::new(),
            &[sight("old", hours(now, 1))],
            now,
            Order::NewestFirst,
        );
        assert_eq!(find(&t.records, "old").published, cet(12, 30, 0));
        // A new item listed above it whose point is that very second (a reading with minute
        // precision inside an hour): it takes the second after, which its interval allows; the
        // published item stays.
        let later = cet(14, 0, 0);
        // A reading 62 s wide whose middle is that second.
        let coarse = Reading {
            interval: iv(cet(12, 29, 29), cet(12, 30, 31)),
            point: cet(12, 30, 0),
        };
        let t2 = advance(
            t.records.clone(),
            &[sight("new", Some(coarse)), sight("old", hours(later, 1))],
            later,
            Order::NewestFirst,
        );
        assert_eq!(t2.events, vec![]);
        assert_eq!(find(&t2.records, "old").published, cet(12, 30, 0));
        assert_eq!(find(&t2.records, "new").published, cet(12, 30, 1));
        // Where the new item's interval ends at that second, the published one moves down,
        // and says so: page order wins over keeping its time.
        let ends_there = Reading {
            interval: iv(cet(12, 0, 0), cet(12, 30, 0)),
            point: cet(12, 30, 0),
        };
        let t3 = advance(
            t.records.clone(),
            &[
                sight("new", Some(ends_there)),
                sight("old", hours(later, 1)),
            ],
            later,
            Order::NewestFirst,
        );
        assert_eq!(
            t3.events,
            vec![Event::Reordered {
                guid: "old".into(),
                from: cet(12, 30, 0),
                to: cet(12, 29, 59)
            }]
        );
        assert_eq!(find(&t3.records, "new").published, cet(12, 30, 0));
        assert_eq!(find(&t3.records, "old").published, cet(12, 29, 59));
        assert_sound(&t3.records);
    }

    #[test]
    fn a_guid_listed_twice_counts_once() {
        let now = cet(13, 30, 0);
        let page = [
            sight("a", minutes(now, 1)),
            sight("b", minutes(now, 2)),
            sight("a", hours(now, 5)),
        ];
        let t = advance(Vec::new(), &page, now, Order::NewestFirst);
        assert_eq!(t.records.len(), 2);
        assert_eq!(find(&t.records, "a").published, cet(13, 28, 30));
        assert_eq!(t.events, vec![Event::Duplicate { guid: "a".into() }]);
    }

    #[test]
    fn extreme_moments_do_not_panic() {
        let min = DateTime::<Utc>::MIN_UTC;
        let max = DateTime::<Utc>::MAX_UTC;
        for now in [
            min,
            max,
            DateTime::UNIX_EPOCH,
            min + Duration::milliseconds(1),
        ] {
            let readings = [
                None,
                Some(Reading {
                    interval: iv(min, max),
                    point: max,
                }),
                Some(Reading {
                    interval: iv(max - Duration::nanoseconds(2), max),
                    point: max,
                }),
                Some(Reading {
                    interval: iv(min, min + Duration::nanoseconds(2)),
                    point: min + Duration::nanoseconds(1),
                }),
            ];
            let page: Vec<Sighting> = ["a", "b", "c", "d"]
                .iter()
                .zip(readings)
                .map(|(g, r)| sight(g, r))
                .collect();
            let t = advance(Vec::new(), &page, now, Order::NewestFirst);
            let t = advance(t.records, &page, now, Order::NewestFirst);
            let mut reversed = page.clone();
            reversed.reverse();
            let t = advance(t.records, &reversed, now, Order::NewestFirst);
            for r in &t.records {
                assert!(r.pinned.contains(r.published), "{r:?}");
            }
        }
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use chrono::Duration;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// About 2026-03-04.
    const BASE: i64 = 1_772_600_000;

    fn at(secs: i64, nanos: u32) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, nanos).expect("in range")
    }

    /// A floor-rounded relative text read at `now`: minutes under an hour, hours under a day,
    /// days beyond. "N units ago" = (now-(N+1)u, now-N u], point now-N u.
    fn render(now: DateTime<Utc>, truth: DateTime<Utc>) -> Reading {
        let age = now - truth;
        let unit = if age < Duration::hours(1) {
            Duration::minutes(1)
        } else if age < Duration::days(1) {
            Duration::hours(1)
        } else {
            Duration::days(1)
        };
        let n = age.num_nanoseconds().expect("small") / unit.num_nanoseconds().expect("small");
        let latest = now - unit * i32::try_from(n).expect("small");
        Reading {
            interval: Interval::new(latest - unit, latest).expect("nonempty"),
            point: latest,
        }
    }

    fn gap() -> impl Strategy<Value = i64> {
        prop_oneof![1i64..10, 10i64..600, 600i64..20_000, 20_000i64..300_000]
    }

    fn poll_offset() -> impl Strategy<Value = (i64, u32)> {
        (
            prop_oneof![0i64..600, 0i64..20_000, 0i64..600_000],
            prop_oneof![Just(0u32), 0u32..1_000_000_000],
        )
    }

    fn find<'r>(records: &'r [Record], guid: &str) -> Option<&'r Record> {
        records.iter().find(|r| r.guid == guid)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Pages rendered truthfully from publication instants (newest first, distinct whole
        /// seconds), polled at increasing moments, showing the `shown` newest items published
        /// so far.
        #[test]
        fn truthful_pages_keep_every_promise(
            gaps in vec(gap(), 0..10),
            polls in vec(poll_offset(), 1..8),
            shown in 1usize..8,
        ) {
            let mut truths = vec![BASE];
            for g in &gaps {
                let last = truths[truths.len() - 1];
                truths.push(last - g);
            }
            let oldest = truths[truths.len() - 1];
            let mut nows: Vec<DateTime<Utc>> =
                polls.iter().map(|&(s, n)| at(oldest + s, n)).collect();
            nows.sort();
            let guids: Vec<String> = (0..truths.len()).map(|i| format!("item{i}")).collect();
            let truth_of = |guid: &str| {
                guids.iter().position(|g| g == guid).map(|i| at(truths[i], 0))
            };
            let mut records: Vec<Record> = Vec::new();
            let mut first_pinned: HashMap<String, Interval> = HashMap::new();
            let mut ever_shown: HashSet<usize> = HashSet::new();

            for now in nows {
                let on_page: Vec<usize> = (0..truths.len())
                    .filter(|&i| at(truths[i], 0) <= now)
                    .take(shown)
                    .collect();
                ever_shown.extend(on_page.iter().copied());
                let page: Vec<Sighting> = on_page
                    .iter()
                    .map(|&i| Sighting {
                        guid: &guids[i],
                        reading: Some(render(now, at(truths[i], 0))),
                        settled: false,
                    })
                    .collect();
                let t = advance(records.clone(), &page, now, Order::NewestFirst);
                // A truthful page contradicts nothing and never breaks page order. The one
                // event it may cause is the documented one: an item kept up to a minute
                // outside its evidence, above what the items over it can now reach, goes
                // down with them to keep page order — by little more than that minute.
                for e in &t.events {
                    match e {
                        Event::Reordered { from, to, .. } => prop_assert!(
                            *from - *to <= chrono::Duration::seconds(2 * TOLERANCE),
                            "events: {:?}", t.events
                        ),
                        _ => prop_assert!(false, "events: {:?}", t.events),
                    }
                }
                prop_assert_eq!(t.records.len(), ever_shown.len());

                for r in &t.records {
                    let truth = truth_of(&r.guid).expect("known guid");
                    let evidence = r.evidence.expect("every item is dated");
                    prop_assert_eq!(r.published.timestamp_subsec_nanos(), 0);
                    // (a) published inside pinned, and in the evidence or at most the
                    // tolerance outside it.
                    prop_assert!(r.pinned.contains(r.published), "{:?}", r);
                    prop_assert!(near(&evidence, r.published), "{:?}", r);
                    // (b) the evidence never excludes the truth.
                    prop_assert!(evidence.contains(truth), "{:?} truth {}", r, truth);
                    prop_assert!(r.pinned.contains(truth), "{:?} truth {}", r, truth);
                    // (c) never leaves the interval it was first published with.
                    let first = *first_pinned.entry(r.guid.clone()).or_insert(r.pinned);
                    prop_assert_eq!(r.pinned, first);
                }
                for pair in t.records.windows(2) {
                    prop_assert!(pair[0].published >= pair[1].published, "sorted newest first");
                }
                // (d) distinct truths always allow page order: strictly decreasing down the page.
                let times: Vec<DateTime<Utc>> = page
                    .iter()
                    .filter_map(|s| find(&t.records, s.guid).map(|r| r.published))
                    .collect();
                prop_assert_eq!(times.len(), page.len());
                for pair in times.windows(2) {
                    prop_assert!(pair[0] > pair[1], "page order: {:?}", times);
                }
                // (e) items off the page never change.
                for old in &records {
                    if !page.iter().any(|s| s.guid == old.guid) {
                        prop_assert_eq!(Some(old), find(&t.records, &old.guid));
                    }
                }
                // Nothing moves while it is within the tolerance of the evidence.
                let still_allowed = page.iter().all(|s| {
                    match (find(&records, s.guid), find(&t.records, s.guid)) {
                        (Some(old), Some(new)) => {
                            new.evidence.is_some_and(|e| near(&e, old.published))
                        }
                        _ => true,
                    }
                });
                if still_allowed {
                    for s in &page {
                        if let (Some(old), Some(new)) =
                            (find(&records, s.guid), find(&t.records, s.guid))
                        {
                            prop_assert_eq!(old.published, new.published, "{} moved", s.guid);
                        }
                    }
                }
                // The same poll again changes nothing.
                let again = advance(t.records.clone(), &page, now, Order::NewestFirst);
                prop_assert_eq!(&again.records, &t.records);
                prop_assert!(again.events.is_empty());
                records = t.records;
            }
        }
    }

    /// The straightforward anchoring, one pass of [`least`] per previously published item
    /// (O(n²)): the reference for [`anchored`].
    fn anchored_reference(slots: &[Slot]) -> Vec<Span> {
        let mut ranges: Vec<Span> = slots.iter().map(|s| s.range).collect();
        let mut breaks = least(&ranges).1;
        for kept_first in [true, false] {
            for (at, slot) in slots.iter().enumerate() {
                let Some((kept, t)) = slot.anchor else {
                    continue;
                };
                if kept != kept_first {
                    continue;
                }
                let open = ranges[at];
                ranges[at] = Span { lo: t, hi: t };
                let now_breaks = least(&ranges).1;
                if now_breaks > breaks {
                    ranges[at] = open;
                } else {
                    breaks = now_breaks;
                }
            }
        }
        ranges
    }

    /// Slots whose ranges crowd a few dozen seconds, so that breaks, fixes that add them and
    /// fixes that remove them are all common.
    fn crowded_slots() -> impl Strategy<Value = Vec<Slot>> {
        vec(
            (
                prop_oneof![0i64..40, -5i64..5],
                prop_oneof![0i64..3, 0i64..12, 0i64..60],
                prop_oneof![
                    1 => Just(None),
                    3 => (any::<bool>(), 0.0f64..1.0).prop_map(Some),
                ],
            ),
            0..60,
        )
        .prop_map(|items| {
            items
                .into_iter()
                .map(|(lo, width, anchor)| {
                    let range = Span { lo, hi: lo + width };
                    let anchor = anchor.map(|(kept, r)| (kept, lo + (width as f64 * r) as i64));
                    Slot {
                        record: 0,
                        range,
                        preferred: range.hi,
                        anchor,
                        previous: anchor.map(|(_, t)| t),
                    }
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Anchoring in O(n log n) fixes exactly the items the straightforward anchoring does.
        #[test]
        fn anchoring_matches_the_straightforward_one(slots in crowded_slots()) {
            prop_assert_eq!(anchored(&slots), anchored_reference(&slots));
        }
    }

    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        let min = DateTime::<Utc>::MIN_UTC.timestamp();
        let max = DateTime::<Utc>::MAX_UTC.timestamp();
        (
            prop_oneof![
                6 => BASE - 100_000..BASE + 100_000,
                1 => min..min + 100_000,
                1 => max - 100_000..=max,
                1 => min..=max,
                1 => -100_000i64..100_000,
            ],
            prop_oneof![Just(0u32), 0u32..1_000_000_000],
        )
            .prop_filter_map("representable", |(s, n)| DateTime::from_timestamp(s, n))
    }

    /// Any interval at all, with any point inside it: sub-second, hours, years wide.
    fn reading() -> impl Strategy<Value = Reading> {
        (
            instant(),
            prop_oneof![
                1i64..1_000_000_000,
                1_000_000_000i64..20_000_000_000_000,
                1i64..i64::MAX,
            ],
            0.0f64..1.0,
        )
            .prop_filter_map("representable", |(earliest, width, r)| {
                let latest = earliest.checked_add_signed(Duration::nanoseconds(width))?;
                let back = ((width as f64 * r) as i64).clamp(0, width - 1);
                let point = latest.checked_sub_signed(Duration::nanoseconds(back))?;
                Some(Reading {
                    interval: Interval::new(earliest, latest)?,
                    point,
                })
            })
    }

    fn poll() -> impl Strategy<Value = (DateTime<Utc>, Vec<(usize, Option<Reading>)>)> {
        (
            instant(),
            vec(
                (0usize..6, proptest::option::weighted(0.8, reading())),
                0..8,
            ),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Evidence that contradicts itself, pages in any order, moments anywhere in chrono's
        /// range: no panic, and every promise about pinned intervals holds.
        #[test]
        fn arbitrary_evidence_never_leaves_pinned(
            polls in vec(poll(), 1..6),
            newest_first in any::<bool>(),
        ) {
            let order = if newest_first { Order::NewestFirst } else { Order::None };
            let guids = ["a", "b", "c", "d", "e", "f"];
            let mut records: Vec<Record> = Vec::new();
            let mut first_pinned: HashMap<String, Interval> = HashMap::new();
            for (now, items) in polls {
                let page: Vec<Sighting> = items
                    .iter()
                    .map(|&(g, reading)| Sighting {
                        guid: guids[g],
                        reading,
                        settled: false,
                    })
                    .collect();
                let t = advance(records.clone(), &page, now, order);
                for r in &t.records {
                    prop_assert_eq!(r.published.timestamp_subsec_nanos(), 0);
                    prop_assert!(r.pinned.contains(r.published), "{:?}", r);
                    if let Some(e) = r.evidence {
                        prop_assert!(near(&e, r.published), "{:?}", r);
                        prop_assert!(e.within(&r.pinned), "{:?}", r);
                    }
                    let first = *first_pinned.entry(r.guid.clone()).or_insert(r.pinned);
                    prop_assert_eq!(r.pinned, first);
                }
                for event in &t.events {
                    prop_assert!(!event.to_string().contains('\n'), "one line: {}", event);
                }
                for old in &records {
                    if !page.iter().any(|s| s.guid == old.guid) {
                        prop_assert_eq!(Some(old), find(&t.records, &old.guid));
                    }
                }
                let again = advance(t.records.clone(), &page, now, order);
                prop_assert_eq!(&again.records, &t.records, "the same poll again changes nothing");
                records = t.records;
            }
        }
    }
}
