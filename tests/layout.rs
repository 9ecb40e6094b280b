//! The house's shape, checked from the source: the flow runs one way (each module imports only
//! modules of lower layers, and nothing below the daemon imports it), no folder's files import
//! each other in a circle, no function is allowed past clippy's argument limit, and the
//! README's layout names what is there.
//!
//! Imports are read as text (`crate::x` in the library, `pagefeed::x` in the binary, `super::x`
//! between the files of a folder), leaving out comments and each file's `#[cfg(test)] mod tests`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The library's top-level modules, lowest layer first: a module may import only those before
/// it. The binary (`main.rs`, `cli/`) sits above them all.
const LAYERS: &[&str] = &[
    "text", "wait", "filter", "dates", "item", "timeline", "sanitize", "fetch", "config",
    "extract", "article", "follow", "publish", "state", "poll", "status", "serve", "suggest",
    "daemon",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A file's code: without its unit tests (which may import anything) and its comments (where
/// a link to another module is no import).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => &text[..],
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The path of `file` under src/, as module names (`poll/mod.rs` is `["poll"]`).
fn module_path(file: &Path) -> Vec<String> {
    let rel = file
        .strip_prefix(src())
        .unwrap_or_else(|e| panic!("{e}"))
        .with_extension("");
    rel.iter()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| p != "mod")
        .collect()
}

/// Every name that follows `prefix::` in `text`.
fn after<'a>(text: &'a str, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    text.match_indices(prefix).filter_map(move |(at, _)| {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let rest = &text[at + prefix.len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    })
}

/// Which top-level modules each top-level module imports.
fn top_level_imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in all {
        let path = module_path(&file);
        let me = match path[0].as_str() {
            "lib" => continue,
            "main" | "cli" => "(binary)".to_string(),
            m => m.to_string(),
        };
        let text = code(&file);
        let prefix = if me == "(binary)" {
            "pagefeed::"
        } else {
            "crate::"
        };
        for target in after(&text, prefix) {
            if target != me && LAYERS.contains(&target) {
                graph
                    .entry(me.clone())
                    .or_default()
                    .insert(target.to_string());
            }
        }
    }
    graph
}

#[test]
fn every_module_has_a_layer() {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let top: BTreeSet<String> = all
        .iter()
        .map(|f| module_path(f)[0].clone())
        .filter(|m| !matches!(m.as_str(), "lib" | "main" | "cli"))
        .collect();
    let layered: BTreeSet<String> = LAYERS.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        top, layered,
        "every top-level module has one place in LAYERS"
    );
}

#[test]
fn the_flow_runs_one_way() {
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut upward = Vec::new();
    for (from, targets) in top_level_imports() {
        for to in targets {
            let ok = match (rank(&from), rank(&to)) {
                (Some(a), Some(b)) => b < a,
                (None, Some(_)) => from == "(binary)",
                _ => false,
            };
            if !ok {
                upward.push(format!("{from} -> {to}"));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports against the flow (each module may import only those before it in LAYERS): {upward:#?}"
    );
}

#[test]
fn nothing_below_the_daemon_imports_it() {
    let importers: Vec<String> = top_level_imports()
        .into_iter()
        .filter(|(from, to)| from != "(binary)" && to.contains("daemon"))
        .map(|(from, _)| from)
        .collect();
    assert!(importers.is_empty(), "{importers:?} import the daemon");
}

/// The strongly connected sets of more than one node (Tarjan's algorithm).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on: BTreeSet<&'g str>,
        out: Vec<Vec<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on.insert(v);
            for w in self.graph.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low[v];
                    self.low.insert(v, lv.min(lw));
                } else if self.on.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low[v];
                    self.low.insert(v, lv.min(iw));
                }
            }
            if self.low[v] == self.index[v] {
                let mut set = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on.remove(w);
                    set.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if set.len() > 1 {
                    set.sort();
                    self.out.push(set);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.out
}

#[test]
fn no_folder_has_files_that_import_each_other_in_a_circle() {
    let mut all = Vec::new();
    files(&src(), &mut all);
    // Per folder module: which of its files (or subfolders) each of its files imports.
    let mut folders: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in &all {
        let path = module_path(file);
        if path.len() < 2 {
            continue;
        }
        let folder = path[0].clone();
        let me = path[1].clone();
        let dir = src().join(&folder);
        let is_part =
            |name: &str| dir.join(format!("{name}.rs")).exists() || dir.join(name).is_dir();
        let text = code(file);
        let graph = folders.entry(folder.clone()).or_default();
        let inside = format!("crate::{folder}::");
        let mut targets: Vec<&str> = after(&text, &inside).collect();
        // `super::x` in a file of the folder itself (not of a subfolder) names a sibling.
        if path.len() == 2 {
            targets.extend(after(&text, "super::"));
        }
        for t in targets {
            if t != me && is_part(t) {
                graph.entry(me.clone()).or_default().insert(t.to_string());
            }
        }
    }
    let found: Vec<String> = folders
        .iter()
        .flat_map(|(folder, graph)| {
            circles(graph)
                .into_iter()
                .map(move |set| format!("src/{folder}: {}", set.join(", ")))
        })
        .collect();
    assert!(
        found.is_empty(),
        "files that import each other in a circle: {found:#?}"
    );
}

#[test]
fn the_circle_finder_finds_circles() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(str::to_string).collect()))
    .collect();
    assert_eq!(circles(&graph), vec![vec!["a", "b", "c"]]);
}

#[test]
fn no_function_takes_more_arguments_than_clippy_allows() {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let allowed: Vec<String> = all
        .iter()
        .filter(|f| code(f).contains("too_many_arguments"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        allowed.is_empty(),
        "too_many_arguments allowed in {allowed:?}"
    );
}

/// The README's layout block names paths that exist, and every top-level module of src/.
#[test]
fn the_readme_layout_matches_the_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_else(|e| panic!("{e}"));
    let section = readme
        .split("\n## Layout")
        .nth(1)
        .and_then(|s| s.split("```").nth(1))
        .unwrap_or_else(|| panic!("README.md has a ## Layout section with a code block"));
    let named: BTreeSet<String> = section
        .split_whitespace()
        .map(|w| w.trim_end_matches(','))
        .filter(|w| w.starts_with("src/"))
        .map(str::to_string)
        .collect();
    let missing: Vec<&String> = named
        .iter()
        .filter(|p| !root.join(p.trim_end_matches('/')).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "the layout names what is not there: {missing:?}"
    );
    let unnamed: Vec<String> = std::fs::read_dir(src())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() {
                format!("src/{name}/")
            } else {
                format!("src/{name}")
            }
        })
        .filter(|p| p != "src/lib.rs" && !named.contains(p))
        .collect();
    assert!(unnamed.is_empty(), "the layout does not name {unnamed:?}");
}
