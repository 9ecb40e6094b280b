//! Reading an item page (`article::read`) beside the bare HTML parse of the same bytes: the
//! metadata alone, and with the main text (`content = "full"`), on the JSON-LD fixture page
//! (a 10 kB news article with its chrome) and on the same page with its body grown to about
//! 1 MB. Run with `cargo bench --bench article`.

use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pagefeed::article::{self, Options};
use std::hint::black_box;
use std::path::Path;
use url::Url;

fn bench(c: &mut Criterion) {
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/articles/jsonld-graph.html"),
    )
    .unwrap_or_else(|e| panic!("fixture: {e}"));
    let paragraph = "<p>The restoration was done almost entirely by volunteers of the Old Port \
                     Foundation, many of them retired dockworkers who once drove cranes.</p>\n";
    let big = page.replacen(
        "<div class=\"story__body\">",
        &format!("<div class=\"story__body\">{}", paragraph.repeat(7_000)),
        1,
    );
    let url = Url::parse("https://harbour.example/news/2026/03/04/harbour-cranes-return")
        .unwrap_or_else(|e| panic!("{e}"));
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-03-04T13:30:00+01:00")
        .map(|t| t.to_utc())
        .unwrap_or_else(|e| panic!("{e}"));
    for (name, html) in [("article-10k", page), ("article-1m", big)] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(html.len() as u64));
        if name == "article-1m" {
            group.sample_size(10);
        }
        group.bench_function("bare parse", |b| {
            b.iter(|| scraper::Html::parse_document(black_box(&html)))
        });
        for full in [false, true] {
            let options = Options {
                timezone: chrono_tz::Europe::Amsterdam,
                now,
                full,
            };
            let label = if full {
                "read, full text"
            } else {
                "read, metadata"
            };
            group.bench_function(label, |b| {
                b.iter(|| {
                    let a = article::read(black_box(&html), &url, &options)
                        .unwrap_or_else(|e| panic!("{e}"));
                    assert!(a.published.is_some() && (!full || a.content.is_some()));
                    black_box(a)
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
