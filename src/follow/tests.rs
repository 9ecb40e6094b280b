use super::*;
use crate::dates::Interval;
use chrono::TimeZone;

fn t(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, h, m, s)
        .single()
        .unwrap_or_else(|| panic!("time"))
}

fn url(path: &str) -> Url {
    Url::parse(&format!("https://s.example/{path}")).unwrap_or_else(|e| panic!("{e}"))
}

fn cand(g: &str) -> Candidate {
    Candidate {
        guid: g.into(),
        link: url(g),
    }
}

fn reading(a: DateTime<Utc>, b: DateTime<Utc>) -> Reading {
    Reading {
        interval: Interval::new(a, b).unwrap_or_else(|| panic!("interval")),
        point: b,
    }
}

fn item(g: &str, link: Option<Url>) -> Item {
    Item {
        guid: g.into(),
        title: format!("title {g}"),
        link,
        summary: format!("summary {g}"),
        summary_html: None,
        date_text: None,
        author: None,
        categories: vec![],
        titled: true,
    }
}

fn seen(g: &str, r: Option<Reading>) -> Seen {
    Seen {
        item: item(g, Some(url(g))),
        reading: r,
    }
}

fn stored(g: &str, at: DateTime<Utc>) -> FeedItem {
    FeedItem {
        title: g.into(),
        link: Some(url(g)),
        summary: String::new(),
        summary_html: None,
        author: None,
        categories: vec![],
        page: None,
        record: Record {
            guid: g.into(),
            first_seen: at,
            last_seen: at,
            evidence: None,
            pinned: Interval::at(at),
            published: at,
        },
    }
}

fn page_at(at: DateTime<Utc>) -> ItemPage {
    ItemPage {
        published: Some(PageStamp {
            interval: Interval::at(at),
            point: at,
            text: at.to_rfc3339(),
            origin: "json-ld".into(),
        }),
        authors: vec!["Ann".into()],
        ..ItemPage::default()
    }
}

const HOUR: TimeDelta = TimeDelta::hours(1);

#[test]
fn only_http_links_among_the_first_max_items_are_candidates() {
    let items = vec![
        item("a", Some(url("a"))),
        item("b", None),
        item(
            "c",
            Url::parse("mailto:x@s.example").ok(), // not a page
        ),
        item("d", Some(url("d"))),
        item("e", Some(url("e"))),
    ];
    let c = candidates(&items, 4, &Filter::default());
    let guids: Vec<&str> = c.iter().map(|c| c.guid.as_str()).collect();
    assert_eq!(guids, ["a", "d"]);
}

#[test]
fn due_items_are_new_unread_and_ready_top_first_within_the_budget() {
    let now = t(12, 0, 0);
    let cands: Vec<Candidate> = ["a", "b", "c", "d", "e", "f"].map(cand).to_vec();
    let known: HashSet<&str> = ["a"].into_iter().collect();
    let mut rows = HashMap::new();
    let mut read = fresh("b", &url("b"), now);
    read.status = Status::Read;
    rows.insert("b".to_string(), read);
    let mut waiting = fresh("c", &url("c"), now);
    waiting.tries = 1;
    waiting.next_try = Some(now + HOUR);
    rows.insert("c".to_string(), waiting);
    let mut given_up = fresh("d", &url("d"), now);
    given_up.status = Status::GivenUp;
    rows.insert("d".to_string(), given_up);
    let due_now = due(&cands, &known, &rows, now, HOUR, 10);
    let guids: Vec<&str> = due_now.iter().map(|c| c.guid.as_str()).collect();
    assert_eq!(guids, ["e", "f"], "a is old, b read, c waits, d given up");
    assert_eq!(due(&cands, &known, &rows, now, HOUR, 1).len(), 1);
    // The next poll, a little early, is the one c waited for.
    let next = due(
        &cands,
        &known,
        &rows,
        now + HOUR - TimeDelta::minutes(5),
        HOUR,
        10,
    );
    assert_eq!(next[0].guid, "c");
    // A known item with a due row (published dated, page not read yet) is due.
    let mut dated = fresh("a", &url("a"), now);
    dated.status = Status::Due;
    rows.insert("a".to_string(), dated);
    assert_eq!(due(&cands, &known, &rows, now, HOUR, 10)[0].guid, "a");
}

#[test]
fn backoff_doubles_each_try() {
    assert_eq!(backoff(1, HOUR), HOUR);
    assert_eq!(backoff(2, HOUR), HOUR * 2);
    assert_eq!(backoff(3, HOUR), HOUR * 4);
    assert!(backoff(u32::MAX, TimeDelta::days(7)) > TimeDelta::days(7));
}

#[test]
fn a_retry_after_longer_than_the_backoff_is_waited_out_up_to_a_day() {
    let now = t(12, 0, 0);
    let mut rows = HashMap::new();
    let fail = |retry_after: u64| Fetch::Failed {
        at: now,
        error: "HTTP 429".into(),
        retry: true,
        retry_after: Some(std::time::Duration::from_secs(retry_after)),
    };
    // Shorter than the backoff: the backoff.
    record(&mut rows, vec![(cand("a"), fail(60))], now, HOUR);
    assert_eq!(rows["a"].next_try, Some(now + HOUR));
    // Longer: the server's wait.
    record(&mut rows, vec![(cand("b"), fail(3 * 3600))], now, HOUR);
    assert_eq!(rows["b"].next_try, Some(now + HOUR * 3));
    // A week: a day at most.
    record(&mut rows, vec![(cand("c"), fail(7 * 86_400))], now, HOUR);
    assert_eq!(rows["c"].next_try, Some(now + TimeDelta::days(1)));
    assert_eq!(wait(1, HOUR, None), HOUR);
}

#[test]
fn failures_that_may_pass_are_tried_three_times_the_others_once() {
    let now = t(12, 0, 0);
    let mut rows = HashMap::new();
    let fail = |retry: bool, at| Fetch::Failed {
        at,
        error: "HTTP 500".into(),
        retry,
        retry_after: None,
    };
    let logs = record(&mut rows, vec![(cand("a"), fail(true, now))], now, HOUR);
    assert!(logs.is_empty());
    let a = &rows["a"];
    assert_eq!(
        (a.status, a.tries, a.next_try),
        (Status::Due, 1, Some(now + HOUR))
    );
    record(
        &mut rows,
        vec![(cand("a"), fail(true, now + HOUR))],
        now,
        HOUR,
    );
    assert_eq!(rows["a"].next_try, Some(now + HOUR * 3));
    let logs = record(
        &mut rows,
        vec![(cand("a"), fail(true, now + HOUR * 3))],
        now,
        HOUR,
    );
    assert_eq!(rows["a"].status, Status::GivenUp);
    assert_eq!(logs.len(), 1, "given up, logged once: {logs:?}");
    assert!(logs[0].contains("after 3 tries"), "{logs:?}");
    // Once given up, nothing changes it.
    let logs = record(&mut rows, vec![(cand("a"), fail(true, now))], now, HOUR);
    assert!(logs.is_empty());
    let logs = record(&mut rows, vec![(cand("b"), fail(false, now))], now, HOUR);
    assert_eq!(rows["b"].status, Status::GivenUp);
    assert!(logs[0].contains("at once"), "{logs:?}");
    record(
        &mut rows,
        vec![(
            cand("c"),
            Fetch::Read {
                page: Box::new(page_at(t(9, 0, 0))),
                at: now,
                notes: vec![],
            },
        )],
        now,
        HOUR,
    );
    assert_eq!(rows["c"].status, Status::Read);
    assert_eq!(rows["c"].first_listed, now);
}

#[test]
fn evidence_is_the_intersection_and_the_list_wins_a_contradiction() {
    let list = reading(t(11, 0, 0), t(12, 0, 0));
    let page = reading(t(11, 30, 4), t(11, 30, 5));
    let c = combine(Some(list), Some(page));
    assert_eq!(c.reading, Some(page));
    assert!(!c.conflict);
    let far = reading(t(8, 0, 0), t(8, 0, 1));
    let c = combine(Some(list), Some(far));
    assert_eq!(c.reading, Some(list));
    assert!(c.conflict);
    assert_eq!(combine(None, Some(page)).reading, Some(page));
    assert_eq!(combine(Some(list), None).reading, Some(list));
    assert_eq!(combine(None, None).reading, None);
    // A page's day, narrowed by the list's hour; the point moves inside.
    let day = Reading {
        interval: Interval::new(t(0, 0, 0), t(23, 59, 59)).unwrap_or_else(|| panic!("i")),
        point: t(0, 0, 1),
    };
    let c = combine(Some(list), Some(day));
    assert_eq!(c.reading.map(|r| r.interval), Some(list.interval));
    assert!(c.reading.is_some_and(|r| r.interval.contains(r.point)));
}

#[test]
fn new_undated_items_are_held_until_their_page_is_read_or_given_up() {
    let now = t(12, 0, 0);
    let mut previous = vec![stored("old", t(10, 0, 0))];
    let list_date = reading(t(11, 0, 0), t(11, 1, 0));
    // First poll: "a" read now, "b" still due (budget), "c" dated on the list, "old" known.
    let fetched = vec![(
        cand("a"),
        Fetch::Read {
            page: Box::new(page_at(t(9, 15, 30))),
            at: now,
            notes: vec![],
        },
    )];
    let mut step = Step::new(vec![], fetched, now, HOUR, false);
    let out = step.prepare(
        vec![
            seen("a", None),
            seen("b", None),
            seen("c", Some(list_date)),
            seen("old", None),
        ],
        &mut previous,
        (100, &Filter::default()),
        now,
    );
    let given: Vec<(&str, Option<Reading>)> = out
        .iter()
        .map(|s| (s.item.guid.as_str(), s.reading))
        .collect();
    assert_eq!(
        given,
        [
            (
                "a",
                Some(
                    page_at(t(9, 15, 30))
                        .published
                        .map(|p| p.reading())
                        .unwrap_or_else(|| panic!())
                )
            ),
            ("c", Some(list_date)),
            ("old", None)
        ]
    );
    assert_eq!(step.held, 1);
    assert_eq!(step.rows["b"].status, Status::Due);
    assert!(
        step.rows["b"].listed.is_some(),
        "a held item keeps its list fields"
    );
    assert!(
        !step.rows.contains_key("old"),
        "published before: never followed"
    );
    // Next poll: "b" given up after it failed for good: published at its first listing.
    let rows: Vec<Followed> = step.rows.values().cloned().collect();
    let later = now + HOUR;
    let fail = Fetch::Failed {
        at: later,
        error: "HTTP 404".into(),
        retry: false,
        retry_after: None,
    };
    let mut step = Step::new(rows, vec![(cand("b"), fail)], later, HOUR, false);
    let mut previous = vec![stored("a", t(9, 15, 30)), stored("c", t(11, 0, 30))];
    let out = step.prepare(
        vec![seen("a", None), seen("b", None), seen("c", None)],
        &mut previous,
        (100, &Filter::default()),
        later,
    );
    let b = out
        .iter()
        .find(|s| s.item.guid == "b")
        .unwrap_or_else(|| panic!("b is given to the timeline"));
    assert_eq!(b.reading, given_up_reading(now));
    assert_eq!(
        b.reading.map(|r| r.interval.latest),
        Some(now),
        "not the moment given up"
    );
    assert_eq!(step.held, 0);
}

#[test]
fn a_held_item_that_leaves_the_page_is_published_from_its_list_fields() {
    let now = t(12, 0, 0);
    let mut step = Step::new(vec![], vec![], now, HOUR, false);
    let mut previous = Vec::new();
    step.prepare(
        vec![seen("a", None)],
        &mut previous,
        (100, &Filter::default()),
        now,
    );
    assert_eq!(step.held, 1);
    let rows: Vec<Followed> = step.rows.values().cloned().collect();
    let later = now + HOUR;
    let mut step = Step::new(rows, vec![], later, HOUR, false);
    let out = step.prepare(
        vec![seen("z", None)],
        &mut previous,
        (100, &Filter::default()),
        later,
    );
    assert_eq!(out.len(), 0, "z is new and held");
    assert_eq!(previous.len(), 1);
    assert_eq!(previous[0].record.guid, "a");
    assert_eq!(previous[0].record.published, now);
    assert_eq!(previous[0].title, "title a");
    assert_eq!(step.rows["a"].status, Status::GivenUp);
    assert!(step.logs.iter().any(|l| l.contains("left the page")));
}

#[test]
fn a_contradiction_is_logged_when_the_page_is_read() {
    let now = t(12, 0, 0);
    let list = reading(t(11, 0, 0), t(11, 1, 0));
    let fetched = vec![(
        cand("a"),
        Fetch::Read {
            page: Box::new(page_at(t(8, 0, 0))),
            at: now,
            notes: vec!["a broken JSON-LD block".into()],
        },
    )];
    let mut step = Step::new(vec![], fetched, now, HOUR, false);
    let out = step.prepare(
        vec![seen("a", Some(list))],
        &mut Vec::new(),
        (100, &Filter::default()),
        now,
    );
    assert_eq!(out[0].reading, Some(list), "the list wins");
    assert!(
        step.logs
            .iter()
            .any(|l| l.contains("item a:") && l.contains("list")),
        "{:?}",
        step.logs
    );
    assert!(step.logs.iter().any(|l| l.contains("broken JSON-LD")));
    // Later polls use the list alone without saying it again.
    let rows: Vec<Followed> = step.rows.values().cloned().collect();
    let mut step = Step::new(rows, vec![], now + HOUR, HOUR, false);
    step.prepare(
        vec![seen("a", Some(list))],
        &mut vec![stored("a", now)],
        (100, &Filter::default()),
        now + HOUR,
    );
    assert!(step.logs.is_empty(), "{:?}", step.logs);
}

#[test]
fn finish_gives_items_their_pages_and_keeps_rows_of_the_feed_and_the_held() {
    let now = t(12, 0, 0);
    let fetched = vec![(
        cand("a"),
        Fetch::Read {
            page: Box::new(page_at(t(9, 0, 0))),
            at: now,
            notes: vec![],
        },
    )];
    let mut step = Step::new(vec![], fetched, now, HOUR, true);
    let mut previous = Vec::new();
    step.prepare(
        vec![seen("a", None), seen("b", None)],
        &mut previous,
        (100, &Filter::default()),
        now,
    );
    let mut items = vec![stored("a", t(9, 0, 0))];
    let kept = step.finish(&mut items, &[], &HashMap::new());
    assert_eq!(items[0].page, Some(page_at(t(9, 0, 0))));
    let saved: Vec<&str> = kept.save.iter().map(|r| r.guid.as_str()).collect();
    assert_eq!(saved, ["a", "b"]);
    // Unchanged rows are not written again; rows of items gone from the feed go.
    let before: HashMap<String, Followed> = kept
        .save
        .iter()
        .map(|r| (r.guid.clone(), r.clone()))
        .collect();
    let mut gone_row = fresh("x", &url("x"), now);
    gone_row.status = Status::Read;
    let mut before_x = before.clone();
    before_x.insert("x".into(), gone_row.clone());
    let mut rows: Vec<Followed> = before.values().cloned().collect();
    rows.push(gone_row);
    let mut step = Step::new(rows, vec![], now, HOUR, true);
    step.prepare(
        vec![seen("a", None), seen("b", None)],
        &mut vec![stored("a", t(9, 0, 0))],
        (100, &Filter::default()),
        now,
    );
    let kept = step.finish(&mut [stored("a", t(9, 0, 0))], &[], &before_x);
    assert!(kept.save.is_empty(), "{:?}", kept.save);
    assert_eq!(kept.gone, ["x"]);
    // An item held back to settle keeps its row: its page is not fetched again.
    let kept = step.finish(
        &mut [stored("a", t(9, 0, 0))],
        &[stored("x", t(8, 0, 0))],
        &before_x,
    );
    assert!(kept.gone.is_empty(), "{:?}", kept.gone);
}

#[test]
fn content_is_dropped_when_full_is_turned_off() {
    let now = t(12, 0, 0);
    let mut row = fresh("a", &url("a"), now);
    row.status = Status::Read;
    row.page = Some(ItemPage {
        content: Some("<p>text</p>".into()),
        ..page_at(now)
    });
    let step = Step::new(vec![row.clone()], vec![], now, HOUR, false);
    assert_eq!(
        step.rows["a"].page.as_ref().and_then(|p| p.content.clone()),
        None
    );
    let step = Step::new(vec![row], vec![], now, HOUR, true);
    assert!(
        step.rows["a"]
            .page
            .as_ref()
            .and_then(|p| p.content.clone())
            .is_some()
    );
}

#[test]
fn the_modified_time_is_published_only_when_later() {
    let p = ItemPage {
        modified: Some(PageStamp {
            interval: Interval::at(t(13, 0, 0)),
            point: t(13, 0, 0),
            text: String::new(),
            origin: "json-ld".into(),
        }),
        ..ItemPage::default()
    };
    assert_eq!(p.updated(t(12, 0, 0)), Some(t(13, 0, 0)));
    assert_eq!(p.updated(t(14, 0, 0)), None);
}
