//! One pass of pagefeed over a page — extract, read dates, place items in time, render RSS
//! and Atom — beside the bare HTML parse of the same bytes, so that the ratio between the two
//! shows what pagefeed adds to parsing: the first pass (no items known yet), the steady pass
//! (the same page ten minutes later, every item already published), and the steady poll as
//! the daemon runs it (the steady pass plus the state database's transaction and the files'
//! check), on the seed page and on generated listings of 1,000 and 10,000 items (of which
//! the feed keeps 1,000). Run with `cargo bench --bench pass`.

use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pagefeed::config;
use pagefeed::fetch::{Page, Validators};
use pagefeed::poll;
use std::hint::black_box;
use std::path::Path;
use url::Url;

const SEED_CONFIG: &str = r#"
timezone = "Europe/Amsterdam"
language = "nl"
max_items = 1000
[[feed]]
id = "seed"
url = "https://nieuws.example/buitenland"
[feed.items]
select = "ul.news-list > li"
summary = "p.news-list__text"
date = "span.news-list__time"
link = "a"
"#;

/// A listing of `n` wire items shaped like the seed page's, about 1.5 kB each.
fn listing(n: usize) -> String {
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Listing</title></head><body><main><ul class=\"news-list\">\n",
    );
    let places = [
        "BEIROET",
        "TEHERAN",
        "WASHINGTON",
        "NEW YORK",
        "BAGDAD",
        "DOHA",
    ];
    for i in 0..n {
        let age = match i {
            0..=59 => format!("{} minuten geleden", i + 1),
            60..=600 => format!("{} uur geleden", i / 60 + 1),
            _ => format!("{} dagen geleden", i / 600 + 1),
        };
        html.push_str(&format!(
            "<li class=\"news-list__item\"><a class=\"news-list__link\" href=\"/buitenland/2026/03/04/bericht-{i}\">\
             <p class=\"news-list__text\">{} (ANP/AFP) - Bericht {i} over de gebeurtenissen van vandaag, met 10.000 woorden context. {}</p>\
             <span class=\"news-list__time\">{age}</span></a></li>\n",
            places[i % places.len()],
            "Een tweede zin met meer tekst om het item de omvang van een echt nieuwsbericht te geven. ".repeat(14),
        ));
    }
    html.push_str("</ul></main></body></html>\n");
    html
}

fn page(text: String) -> Page {
    Page {
        bytes: text.len(),
        text,
        url: Url::parse("https://nieuws.example/buitenland").unwrap_or_else(|e| panic!("{e}")),
        date: None,
        validators: Validators::default(),
        from_file: false,
        encoding: "UTF-8",
        content_language: None,
    }
}

fn bench(c: &mut Criterion) {
    let config = config::parse(SEED_CONFIG, Path::new("bench.toml"), None)
        .unwrap_or_else(|e| panic!("bench config: {e}"));
    let feed = config.feeds[0].clone();
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-03-04T13:30:00+01:00")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|e| panic!("{e}"));
    let seed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed/buitenland-1330.html"),
    )
    .unwrap_or_else(|e| panic!("seed page: {e}"));
    for (name, text) in [
        ("seed", seed),
        ("listing-1000", listing(1000)),
        ("listing-10000", listing(10_000)),
    ] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(text.len() as u64));
        if name == "listing-10000" {
            // About a second per pass: ten samples are enough to compare.
            group.sample_size(10);
        }
        group.bench_function("bare parse", |b| {
            b.iter(|| scraper::Html::parse_document(black_box(&text)))
        });
        let page = page(text.clone());
        let pass = |page, now| poll::Pass {
            feed: &feed,
            base_url: None,
            page,
            now,
        };
        let process = |page, now, prior| {
            poll::pipeline::run(&pass(page, now), prior, poll::ItemPages::default())
                .unwrap_or_else(|e| panic!("{e}"))
        };
        group.bench_function("pagefeed pass", |b| {
            b.iter(|| {
                let out = process(black_box(&page), now, poll::Prior::default());
                black_box((out.files.rss.len(), out.files.atom.len()))
            })
        });
        let first = process(&page, now, poll::Prior::default());
        let later = now + chrono::TimeDelta::minutes(10);
        group.bench_function("steady pass", |b| {
            b.iter(|| {
                let out = process(
                    black_box(&page),
                    later,
                    poll::Prior::items(first.items.clone()),
                );
                black_box((out.files.rss.len(), out.files.atom.len()))
            })
        });
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let places = poll::Places {
            output_dir: dir.path().join("feeds"),
            state_dir: dir.path().join("state"),
            base_url: None,
        };
        let gate = poll::Gate::default();
        let publish = |page, now| {
            poll::commit::publish(&places, &gate, &pass(page, now), &Default::default())
                .unwrap_or_else(|e| panic!("{e}"))
        };
        publish(&page, now);
        group.bench_function("steady poll with state and files", |b| {
            b.iter(|| black_box(publish(black_box(&page), later).kept))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
