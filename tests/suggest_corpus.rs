//! The suggest corpus: every page under tests/fixtures/suggest (tuned on) and
//! tests/fixtures/suggest/heldout (written before tuning, never tuned on), each beside an
//! `.expected.json` with the item count and the first links. Reports, per part, on how many
//! pages the first candidate gives at least 90% of the expected items (and no more than
//! 10% extra) with the right first links, the rank of the right candidate otherwise, and the
//! time per page.
//!
//! `cargo test --release --test suggest_corpus -- --ignored --nocapture`

use chrono::{DateTime, Utc};
use pagefeed::suggest::{Candidate, analyse};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use url::Url;

struct Expected {
    url: Url,
    items: usize,
    links: Vec<String>,
}

fn expected(path: &Path) -> Expected {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Expected {
        url: Url::parse(v["url"].as_str().unwrap_or_default()).expect("url"),
        items: v["items"].as_u64().unwrap_or(0) as usize,
        links: v["links"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|l| l.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Whether a candidate gives the expected items.
fn right(c: &Candidate, e: &Expected) -> bool {
    let enough = c.count * 10 >= e.items * 9 && c.count * 10 <= e.items * 11;
    let links = e
        .links
        .iter()
        .zip(&c.links)
        .all(|(want, got)| got.as_deref() == Some(want.as_str()));
    enough && links && c.links.len() >= e.links.len()
}

/// Pages of one part: (name, rank of the right candidate, time).
pub fn run_part(dir: &Path) -> Vec<(String, Option<usize>, Duration, String)> {
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-03-04T13:30:00+01:00")
        .expect("time")
        .with_timezone(&Utc);
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    pages.sort();
    let mut out = Vec::new();
    for page in pages {
        let name = page
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let e = expected(&page.with_extension("expected.json"));
        let html = std::fs::read_to_string(&page).expect("page");
        let started = Instant::now();
        let doc = pagefeed::extract::parse::document(&html).expect("parses");
        let analysis = analyse(&doc, &e.url, false, None, now);
        let took = started.elapsed();
        let rank = analysis
            .candidates
            .iter()
            .position(|c| right(c, &e))
            .map(|r| r + 1);
        let first = analysis
            .candidates
            .first()
            .map(|c| format!("{} ({} items)", c.select, c.count))
            .unwrap_or_else(|| "none".into());
        out.push((name, rank, took, first));
    }
    out
}

fn report(label: &str, results: &[(String, Option<usize>, Duration, String)]) -> usize {
    let first = results.iter().filter(|r| r.1 == Some(1)).count();
    println!(
        "{label}: first suggestion right on {first} of {} pages",
        results.len()
    );
    for (name, rank, took, chosen) in results {
        let rank = rank.map_or("not found".to_string(), |r| format!("rank {r}"));
        println!(
            "  {name:<22} {rank:<10} {:>7.1} ms  first: {chosen}",
            took.as_secs_f64() * 1000.0
        );
    }
    let total: Duration = results.iter().map(|r| r.2).sum();
    if !results.is_empty() {
        println!(
            "  mean {:.1} ms per page, max {:.1} ms",
            total.as_secs_f64() * 1000.0 / results.len() as f64,
            results
                .iter()
                .map(|r| r.2)
                .max()
                .unwrap_or_default()
                .as_secs_f64()
                * 1000.0
        );
    }
    first
}

#[test]
#[ignore = "a report: run with --ignored --nocapture"]
fn corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/suggest");
    let tuned = run_part(&root);
    let held = run_part(&root.join("heldout"));
    report("tuned on", &tuned);
    report("held out", &held);
    for (_, _, took, _) in tuned.iter().chain(&held) {
        assert!(*took < Duration::from_secs(1), "a page took {took:?}");
    }
}
