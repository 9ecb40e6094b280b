//! What `suggest` prints: the chosen `[[feed]]` block, then every candidate as TOML comments
//! (so the whole output can be pasted into a config), or one JSON array.

use super::{Analysis, Block, Candidate, Sample};
use url::Url;

fn sample_lines(s: &Sample, out: &mut String) {
    out.push_str(&format!("#      - {}\n", one_line(&s.title)));
    match &s.link {
        Some(l) => out.push_str(&format!("#        {l}\n")),
        None => out.push_str("#        (no link)\n"),
    }
    let time = match (&s.published, &s.date_text) {
        (Some(p), Some(t)) => format!("{} (\"{}\")", p.to_rfc3339(), one_line(t)),
        (None, Some(t)) => format!(
            "date text \"{}\" not read: published when first seen",
            one_line(t)
        ),
        _ => "no date: published when first seen".to_string(),
    };
    out.push_str(&format!("#        {time}\n"));
}

fn one_line(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() > 100 {
        let cut: String = flat.chars().take(99).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

fn why(c: &Candidate) -> String {
    c.parts
        .iter()
        .enumerate()
        .map(|(n, p)| {
            if n == 0 {
                p.why.clone()
            } else {
                format!("{} ×{:.2}", p.why, p.factor)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The text output: a ready `[[feed]]` block, then the candidates as comments.
pub fn text(analysis: &Analysis, blocks: &[Block], pick: usize, page: &Url) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# pagefeed suggest: {} candidate list(s) on {page}, best first.\n\
         # The block is candidate {pick}; paste it into your config (or use --add CONFIG).\n\n",
        analysis.candidates.len()
    ));
    if let Some(b) = blocks.get(pick - 1) {
        out.push_str(&b.toml());
    }
    out.push_str("\n# Candidates\n");
    for (n, (c, b)) in analysis.candidates.iter().zip(blocks).enumerate() {
        let mark = if n + 1 == pick {
            "  <- the block above"
        } else {
            ""
        };
        out.push_str("#\n");
        out.push_str(&format!(
            "# {}. {} — {} item(s), score {:.1}{mark}\n",
            n + 1,
            c.select,
            c.count,
            c.score
        ));
        out.push_str(&format!("#    why: {}\n", why(c)));
        let fields: Vec<String> = b
            .json()
            .get("items")
            .and_then(|i| i.as_object().cloned())
            .unwrap_or_default()
            .iter()
            .filter(|(k, _)| k.as_str() != "select")
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        if !fields.is_empty() {
            out.push_str(&format!("#    fields: {}\n", fields.join(", ")));
        }
        if let Some(l) = c.language {
            out.push_str(&format!("#    date language: {}\n", l.code()));
        }
        out.push_str("#    samples:\n");
        for s in &c.samples {
            sample_lines(s, &mut out);
        }
    }
    out
}

/// The JSON output: an array of candidates, best first.
pub fn json(analysis: &Analysis, blocks: &[Block]) -> String {
    let list: Vec<serde_json::Value> = analysis
        .candidates
        .iter()
        .zip(blocks)
        .enumerate()
        .map(|(n, (c, b))| {
            serde_json::json!({
                "rank": n + 1,
                "score": (c.score * 100.0).round() / 100.0,
                "items": c.count,
                "feed": b.json(),
                "samples": c.samples.iter().map(|s| serde_json::json!({
                    "title": s.title,
                    "link": s.link,
                    "date_text": s.date_text,
                    "published": s.published.map(|p| p.to_rfc3339()),
                })).collect::<Vec<_>>(),
                "why": c.parts.iter().map(|p| serde_json::json!({
                    "factor": (p.factor * 1000.0).round() / 1000.0,
                    "reason": p.why,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}
