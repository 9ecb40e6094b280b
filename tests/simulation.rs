//! Three simulated days of busy news pages, polled every ten minutes or so through the real
//! date reader and timeline: items arriving at random moments, a five-hour outage, the spring
//! DST change in Europe/Amsterdam, and several ways pages write their times.
//!
//! Reports how often a published time changed after it first appeared, how far published
//! times lie from the truth, and the limit (half the width of all the evidence seen), and
//! asserts the promises of SPEC.md: no published time more than a minute outside the
//! evidence, none outside the interval it was first published with. Deterministic: seeded.
//!
//! Run again with `settle` (new items first read with a wide interval held back until the
//! page has narrowed them), it asserts that at most 1% of the items change.
//!
//! `cargo test --test simulation -- --nocapture` prints the figures.

use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Amsterdam;
use chrono_tz::Tz;
use pagefeed::dates::{self, Context, Interval, Language, Rounding};
use pagefeed::item::Record;
use pagefeed::timeline::{self, Order, Sighting, TOLERANCE};
use std::collections::HashMap;

/// splitmix64: small, seeded, good enough for arrival times.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in lo..=hi.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.unit() * (hi - lo + 1) as f64) as i64
    }

    /// Exponential with the given mean, at least 1.
    fn exp(&mut self, mean: f64) -> i64 {
        ((-(1.0 - self.unit()).ln() * mean) as i64).max(1)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// "zojuist", "18 minuten geleden", "3 uur geleden", "2 dagen geleden".
    RelativeNl,
    /// "just now", "1 minute ago", "5 hours ago", "2 days ago".
    RelativeEn,
    /// "vandaag 14:05", "gisteren 23:50", "27 mrt 09:15".
    ClockNl,
    /// "12 min" within the hour, then "14:05" today, then "gisteren 14:05", then "27 mrt".
    Mixed,
}

const STYLES: [Style; 4] = [
    Style::RelativeNl,
    Style::RelativeEn,
    Style::ClockNl,
    Style::Mixed,
];

const MONTHS_NL: [&str; 12] = [
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The date text a page of `style` shows at `now` for an item published at `truth`.
fn render(style: Style, truth: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let age = (now - truth).num_seconds();
    let local = truth.with_timezone(&Amsterdam);
    let today = now.with_timezone(&Amsterdam).date_naive();
    let days_back = (today - local.date_naive()).num_days();
    let hm = format!("{:02}:{:02}", local.hour(), local.minute());
    let day = format!("{} {}", local.day(), MONTHS_NL[local.month0() as usize]);
    match style {
        Style::RelativeNl => match age {
            0..60 => "zojuist".into(),
            60..3600 => plural(age / 60, "minuut", "minuten") + " geleden",
            3600..86_400 => format!("{} uur geleden", age / 3600),
            _ => plural(age / 86_400, "dag", "dagen") + " geleden",
        },
        Style::RelativeEn => match age {
            0..60 => "just now".into(),
            60..3600 => plural(age / 60, "minute", "minutes") + " ago",
            3600..86_400 => plural(age / 3600, "hour", "hours") + " ago",
            _ => plural(age / 86_400, "day", "days") + " ago",
        },
        Style::ClockNl => match days_back {
            0 => format!("vandaag {hm}"),
            1 => format!("gisteren {hm}"),
            _ => format!("{day} {hm}"),
        },
        Style::Mixed => match (age, days_back) {
            (0..60, _) => "nu".into(),
            (60..3600, _) => format!("{} min", age / 60),
            (_, 0) => hm,
            (_, 1) => format!("gisteren {hm}"),
            _ => day,
        },
    }
}

/// What is watched about one item over the run.
struct Watch {
    truth: DateTime<Utc>,
    first_pinned: Interval,
    /// The width of its first interval, seconds.
    first_width: i64,
    changes: u32,
    last: Record,
    /// Whether it was on the feed's first page.
    on_first_page: bool,
}

#[derive(Default)]
struct Figures {
    items: usize,
    changed: usize,
    changes: u32,
    /// Items whose first interval was at most twice the tolerance wide, and how many of them
    /// changed.
    narrow: usize,
    narrow_changed: usize,
    /// Items first read with a wide interval ("3 uur geleden" after the outage).
    wide: usize,
    wide_changed: usize,
    wide_changes: u32,
    /// Items on the feed's first page (hours old when first read), and how many changed.
    first_page: usize,
    first_page_changed: usize,
    errors: Vec<i64>,
    limits: Vec<i64>,
    contradictions: usize,
    reordered: usize,
    polls: usize,
    /// For items held back (settling): seconds from first seen to first published.
    waits: Vec<i64>,
    /// The changes no publisher can avoid that publishes every item when it is first seen,
    /// somewhere in its first interval, and moves it only when the evidence puts it more than
    /// the tolerance out: summed over items, the chance that the truth, uniform in the first
    /// interval, lies so far from any one point chosen there that the final evidence (a
    /// window around the truth) excludes it (see [`unavoidable`]).
    unavoidable: f64,
}

impl Figures {
    fn add(&mut self, other: Figures) {
        self.items += other.items;
        self.changed += other.changed;
        self.changes += other.changes;
        self.narrow += other.narrow;
        self.narrow_changed += other.narrow_changed;
        self.wide += other.wide;
        self.wide_changed += other.wide_changed;
        self.wide_changes += other.wide_changes;
        self.first_page += other.first_page;
        self.first_page_changed += other.first_page_changed;
        self.errors.extend(other.errors);
        self.limits.extend(other.limits);
        self.contradictions += other.contradictions;
        self.reordered += other.reordered;
        self.polls += other.polls;
        self.unavoidable += other.unavoidable;
        self.waits.extend(other.waits);
    }

    /// Items changed, per cent.
    fn changed_pct(&self) -> f64 {
        100.0 * self.changed as f64 / self.items.max(1) as f64
    }

    /// The changes no first-sight publisher avoids, per cent of items.
    fn unavoidable_pct(&self) -> f64 {
        100.0 * self.unavoidable / self.items.max(1) as f64
    }

    fn line(&mut self, name: &str) -> String {
        self.waits.sort_unstable();
        self.errors.sort_unstable();
        self.limits.sort_unstable();
        format!(
            "{name:<12} {:>5} items {:>5} polls | changed {:>4} ({:>5.2}%; unavoidable {:>5.2}%), {:.3} changes/item | \
             first page {:>3}: {:>3} changed | narrow first {:>5}: {:>3} changed | wide first {:>4}: {:>3} changed, {:.2} changes each | \
             |published-truth| median {:>5}s p90 {:>5}s | limit median {:>5}s p90 {:>5}s | \
             contradictions {} reordered {} | held {} for median {} min, p90 {} min, at most {} min",
            self.items,
            self.polls,
            self.changed,
            self.changed_pct(),
            self.unavoidable_pct(),
            f64::from(self.changes) / self.items.max(1) as f64,
            self.first_page,
            self.first_page_changed,
            self.narrow,
            self.narrow_changed,
            self.wide,
            self.wide_changed,
            f64::from(self.wide_changes) / self.wide_changed.max(1) as f64,
            quantile(&self.errors, 0.5),
            quantile(&self.errors, 0.9),
            quantile(&self.limits, 0.5),
            quantile(&self.limits, 0.9),
            self.contradictions,
            self.reordered,
            self.waits.len(),
            quantile(&self.waits, 0.5) / 60,
            quantile(&self.waits, 0.9) / 60,
            self.waits.last().copied().unwrap_or(0) / 60,
        )
    }
}

fn quantile(sorted: &[i64], q: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// The chance that an item first published with an interval `first` seconds wide must
/// move, whatever point of it was chosen, when the evidence ends `last` seconds wide: the
/// truth is uniform in the first interval, and the point survives only if the final window
/// around the truth comes within the tolerance of it, which takes the truth within
/// `last + 2 × tolerance` of the point.
///
/// Counted for first intervals of an hour or more only ("3 uur geleden", "gisteren"): there
/// the reader's interval is the page's own bucket, so the truth is uniform in it. A "just
/// now" interval is five minutes for an age the page shows for one, so the truth is not
/// uniform there; leaving such items out keeps this a lower bound.
fn unavoidable(first: i64, last: i64) -> f64 {
    if first < 3600 {
        return 0.0;
    }
    (1.0 - (last + 2 * TOLERANCE) as f64 / first as f64).max(0.0)
}

/// Seconds from `t` to the nearest instant of `interval` (0 inside).
fn outside(t: DateTime<Utc>, interval: &Interval) -> i64 {
    if interval.contains(t) {
        0
    } else if t <= interval.earliest {
        (interval.earliest - t).num_seconds() + 1
    } else {
        (t - interval.latest).num_seconds()
    }
}

fn start() -> DateTime<Utc> {
    // Friday 2026-03-27 12:00 UTC: the clocks go forward on Sunday 29 March, 01:00 UTC.
    Utc.with_ymd_and_hms(2026, 3, 27, 12, 0, 0)
        .single()
        .expect("valid")
}

/// One run: one page style, one seed, three days.
fn run(style: Style, seed: u64, shown: usize) -> Figures {
    run_settling(style, seed, shown, None)
}

/// [`run`], holding new items whose first reading is wide for at most `settle`.
fn run_settling(style: Style, seed: u64, shown: usize, settle: Option<Duration>) -> Figures {
    let mut rng = Rng(seed);
    let begin = start();
    let end = begin + Duration::days(3);
    // Arrivals: busy by day (every ~12 minutes), quiet by night (every ~50 minutes), from a
    // day before the first poll so the first page is full.
    let mut truths: Vec<DateTime<Utc>> = Vec::new();
    let mut t = begin - Duration::days(1);
    while t < end {
        let hour = t.with_timezone(&Amsterdam).hour();
        let mean = if (7..23).contains(&hour) {
            720.0
        } else {
            3000.0
        };
        t += Duration::seconds(rng.exp(mean));
        truths.push(t);
    }
    // Polls every ten minutes, give or take 45 s and some milliseconds; a five-hour outage
    // on the second day.
    let outage = (begin + Duration::hours(22), begin + Duration::hours(27));
    let mut polls = Vec::new();
    let mut now = begin;
    while now < end {
        if !(outage.0 <= now && now < outage.1) {
            polls.push(now);
        }
        now += Duration::seconds(600 + rng.between(-45, 45))
            + Duration::milliseconds(rng.between(0, 999));
    }

    let languages = [Language::from_code(match style {
        Style::RelativeEn => "en",
        _ => "nl",
    })
    .expect("language")];
    let mut figures = Figures {
        polls: polls.len(),
        ..Figures::default()
    };
    let mut records: Vec<Record> = Vec::new();
    let mut held: Vec<Record> = Vec::new();
    let mut watch: HashMap<String, Watch> = HashMap::new();
    let guids: Vec<String> = (0..truths.len()).map(|i| format!("item{i}")).collect();
    for &now in &polls {
        let ctx = Context {
            now,
            timezone: Amsterdam,
            languages: &languages,
            rounding: Rounding::Floor,
        };
        // Newest first: the `shown` newest items published by now.
        let on_page: Vec<usize> = (0..truths.len())
            .rev()
            .filter(|&i| truths[i] <= now)
            .take(shown)
            .collect();
        let sightings: Vec<Sighting> = on_page
            .iter()
            .map(|&i| {
                let text = render(style, truths[i], now);
                let reading = dates::read(&text, &ctx)
                    .unwrap_or_else(|e| panic!("{style:?}: {text:?} at {now}: {e}"));
                assert!(
                    reading.interval.contains(truths[i]),
                    "{style:?}: {text:?} at {now} read as {} excludes the truth {}",
                    reading.interval,
                    truths[i]
                );
                Sighting {
                    guid: &guids[i],
                    reading: Some(reading),
                    settled: false,
                }
            })
            .collect();
        let (sightings, gone, first_seen) = match settle {
            None => (sightings, Vec::new(), HashMap::new()),
            Some(most) => {
                let published: std::collections::HashSet<&str> =
                    records.iter().map(|r| r.guid.as_str()).collect();
                let s = timeline::settle::settle(&sightings, &published, held, now, most);
                held = s.held;
                (s.sightings, s.gone, s.first_seen)
            }
        };
        let mut line = timeline::advance(records, &sightings, now, Order::NewestFirst);
        for r in &mut line.records {
            if let Some(t) = first_seen.get(&r.guid) {
                r.first_seen = *t;
            }
        }
        line.records.extend(gone);
        let on_page: Vec<usize> = on_page
            .into_iter()
            .filter(|&i| held.iter().all(|h| h.guid != guids[i]))
            .collect();
        for event in &line.events {
            match event {
                timeline::Event::Contradiction { .. } => figures.contradictions += 1,
                timeline::Event::Reordered { .. } => figures.reordered += 1,
                other => panic!("{style:?} at {now}: {other}"),
            }
        }
        for r in &line.records {
            let i: usize = r.guid["item".len()..].parse().expect("guid");
            let evidence = r.evidence.expect("every item is dated");
            // The promises.
            assert!(
                outside(r.published, &evidence) <= TOLERANCE,
                "{style:?} at {now}: {} published {} more than a minute outside {evidence}",
                r.guid,
                r.published
            );
            assert!(evidence.contains(truths[i]), "{r:?}: truth excluded");
            if !watch.contains_key(&r.guid) && r.first_seen < now {
                figures.waits.push((now - r.first_seen).num_seconds());
            }
            let w = watch.entry(r.guid.clone()).or_insert_with(|| Watch {
                truth: truths[i],
                first_pinned: r.pinned,
                first_width: r.pinned.width().num_seconds(),
                changes: 0,
                last: r.clone(),
                on_first_page: now == polls[0],
            });
            assert_eq!(r.pinned, w.first_pinned, "{}: pinned changed", r.guid);
            assert!(
                w.first_pinned.contains(r.published),
                "{}: left the interval it was first published with",
                r.guid
            );
            if r.published != w.last.published {
                w.changes += 1;
            }
            w.last = r.clone();
        }
        // Page order on every poll.
        let times: Vec<DateTime<Utc>> = on_page
            .iter()
            .map(|&i| {
                line.records
                    .iter()
                    .find(|r| r.guid == guids[i])
                    .expect("on the page")
                    .published
            })
            .collect();
        for pair in times.windows(2) {
            assert!(
                pair[0] > pair[1],
                "{style:?} at {now}: page order {times:?}"
            );
        }
        records = line.records;
    }

    for w in watch.values() {
        let evidence = w.last.evidence.expect("dated");
        figures.items += 1;
        figures.changes += w.changes;
        let changed = w.changes > 0;
        figures.changed += usize::from(changed);
        if w.on_first_page {
            figures.first_page += 1;
            figures.first_page_changed += usize::from(changed);
        }
        if w.first_width <= 2 * TOLERANCE {
            figures.narrow += 1;
            figures.narrow_changed += usize::from(changed);
        } else {
            figures.wide += 1;
            figures.wide_changed += usize::from(changed);
            figures.wide_changes += w.changes;
        }
        figures.unavoidable += unavoidable(w.first_width, evidence.width().num_seconds());
        figures
            .errors
            .push((w.last.published - w.truth).num_seconds().abs());
        figures.limits.push(evidence.width().num_seconds() / 2);
    }
    figures
}

const SEEDS: [u64; 4] = [1, 2, 3, 4];

/// The longest a new item is held with `settle`: two ticks of an hour count and a poll.
const SETTLE: Duration = Duration::minutes(135);

/// The median |published - truth| may be this many tenths of the median limit.
///
/// A minute-wide first reading ("18 minuten geleden") is published at its middle, 15 s from
/// the truth on the median, and later polls, read at other seconds, narrow the evidence to
/// about 16 s (a limit of 8 s) without being allowed to move it: they never put it more
/// than a minute out. So the ratio settles near 2 by construction.
const ERROR_RATIO: i64 = 25;

#[test]
fn three_days_of_polls_keep_times_still() {
    let mut all = Figures::default();
    let mut lines = Vec::new();
    for style in STYLES {
        let mut figures = Figures::default();
        for seed in SEEDS {
            figures.add(run(style, seed * 7919 + style as u64, 20));
        }
        let name = format!("{style:?}");
        lines.push(figures.line(&name));
        // Items first read to the minute never move; the median error stays within twice
        // the limit the evidence sets.
        assert_eq!(figures.narrow_changed, 0, "{}", lines.join("\n"));
        // The aim was twice the limit; see `ERROR_RATIO`.
        assert!(
            quantile(&figures.errors, 0.5) * 10
                <= ERROR_RATIO * quantile(&figures.limits, 0.5).max(1),
            "{}",
            lines.join("\n")
        );
        // Every change beyond those no publisher avoids is at most 1% of the items: pages
        // that show only hours ("3 uur geleden") reveal an item's minute when the count
        // ticks over, and an item first seen hours old (the first page, after an outage)
        // must then move unless its first point happened to be that minute.
        assert!(
            figures.changed_pct() <= figures.unavoidable_pct() + 1.0,
            "{}",
            lines.join("\n")
        );
        // An item moves once, not at every narrowing.
        assert!(
            figures.wide_changes * 10 <= figures.wide_changed as u32 * 12,
            "{}",
            lines.join("\n")
        );
        all.add(figures);
    }
    lines.push(all.line("all"));
    // Settling: new items first seen hours old held until the page has narrowed them.
    let mut settled = Figures::default();
    for style in STYLES {
        let mut figures = Figures::default();
        for seed in SEEDS {
            figures.add(run_settling(
                style,
                seed * 7919 + style as u64,
                20,
                Some(SETTLE),
            ));
        }
        let name = format!("{style:?}+settle");
        lines.push(figures.line(&name));
        assert!(figures.changed_pct() <= 1.0, "{}", lines.join("\n"));
        settled.add(figures);
    }
    lines.push(settled.line("all+settle"));
    // Over all items the median error stays within twice the median limit.
    assert!(
        quantile(&settled.errors, 0.5) <= 2 * quantile(&settled.limits, 0.5),
        "{}",
        lines.join("\n")
    );
    println!("{}", lines.join("\n"));
    assert_eq!(all.contradictions, 0, "{}", lines.join("\n"));
}

#[test]
fn rendered_texts_read_back_around_the_dst_change() {
    // 2026-03-29 01:59:30 CET, read at 03:10 CEST: 10 real minutes.
    let truth = Amsterdam
        .with_ymd_and_hms(2026, 3, 29, 1, 59, 30)
        .single()
        .expect("valid")
        .to_utc();
    let now = truth + Duration::minutes(10) + Duration::seconds(30);
    let nl = [Language::from_code("nl").expect("nl")];
    let ctx = Context {
        now,
        timezone: Tz::Europe__Amsterdam,
        languages: &nl,
        rounding: Rounding::Floor,
    };
    for style in [Style::RelativeNl, Style::ClockNl, Style::Mixed] {
        let text = render(style, truth, now);
        let reading = dates::read(&text, &ctx).expect("reads");
        assert!(reading.interval.contains(truth), "{style:?} {text}");
    }
}
