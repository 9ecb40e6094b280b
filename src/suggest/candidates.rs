//! Finding the page's repeated blocks: elements that share their tag and the path of tags
//! and class names above them, as items of one list do whether they sit under one parent
//! (`ul.news > li`) or under several (a grid of rows of cards). Each such set is a group;
//! where its members also share a class that only some of the siblings have, that subset is
//! a group too, and where a path set spans several parents each parent's share is one.
//!
//! Table rows need one more look: a table may give each item two or three rows in a fixed
//! cycle (a row with the title link, a row under it with the score, author and age, an
//! empty spacer row). There the row with the title stands for the item: its main link is
//! the longest of the cycle and carries most of its row's text, while the other rows'
//! links carry little of theirs (a name, an age, a count). Those title rows are a group;
//! the rows all together are not, being parts of items.

use super::{fields, selector};
use crate::text;
use ego_tree::NodeId;
use scraper::{ElementRef, Html};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Fewest members a group has.
pub const MIN_ITEMS: usize = 3;

/// Most groups handed on to be scored, the largest first: a bound on the work per page.
pub const MAX_GROUPS: usize = 400;

/// Elements that can be an item.
fn item_tag(name: &str) -> bool {
    matches!(
        name,
        "li" | "article"
            | "div"
            | "section"
            | "tr"
            | "a"
            | "p"
            | "figure"
            | "dd"
            | "h2"
            | "h3"
            | "h4"
            | "details"
            | "span"
            | "tbody"
    )
}

/// Elements never looked into.
fn skipped(name: &str) -> bool {
    matches!(
        name,
        "head" | "script" | "style" | "template" | "noscript" | "svg" | "select" | "iframe"
    )
}

/// Most rows an item of a table spans.
const MAX_ROWS: usize = 4;

/// One repeated block: its members in page order.
#[derive(Debug, Clone)]
pub struct Group {
    pub members: Vec<NodeId>,
    /// Where the first member lies in the page (elements counted in document order).
    pub order: usize,
}

/// The repeated blocks of `doc` with at least `min` members, at most [`MAX_GROUPS`].
pub fn find(doc: &Html, min: usize) -> Vec<Group> {
    let mut by_path: HashMap<u64, Vec<NodeId>> = HashMap::new();
    // The hash of the path down to each element looked into, as its children see it.
    let mut below: HashMap<NodeId, u64> = HashMap::new();
    let mut order: HashMap<NodeId, usize> = HashMap::new();
    // In document order, so each group's members come in page order.
    for element in doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
    {
        let name = element.value().name();
        let above = match element.parent() {
            Some(p) if p.value().is_document() => 0,
            Some(p) => match below.get(&p.id()) {
                Some(h) => *h,
                None => continue, // inside a skipped element
            },
            None => 0,
        };
        order.insert(element.id(), order.len());
        if skipped(name) {
            continue;
        }
        let mut key = DefaultHasher::new();
        above.hash(&mut key);
        name.hash(&mut key);
        let own = key.finish();
        if item_tag(name) {
            by_path.entry(own).or_default().push(element.id());
        }
        // The path below names this element by its tag and first stable class.
        let mut next = DefaultHasher::new();
        own.hash(&mut next);
        if let Some(c) = selector::classes(element).first() {
            c.hash(&mut next);
        }
        below.insert(element.id(), next.finish());
    }
    let mut groups: Vec<Group> = Vec::new();
    for (_, members) in by_path {
        if members.len() < min {
            continue;
        }
        // Rows that are parts of items are not a list of items.
        if !split(doc, &members, min, &mut groups) {
            groups.push(Group { members, order: 0 });
        }
    }
    for g in &mut groups {
        g.members
            .sort_by_key(|id| order.get(id).copied().unwrap_or(usize::MAX));
        g.order = g
            .members
            .first()
            .and_then(|id| order.get(id))
            .copied()
            .unwrap_or(usize::MAX);
    }
    groups.sort_by_key(|g| (std::cmp::Reverse(g.members.len()), g.order));
    groups.truncate(MAX_GROUPS);
    groups
}

/// The subsets of a path group that are groups too: the members of each parent, where
/// there are several parents; the members sharing the commonest class, where only some do;
/// the rows that lead each item where table rows cycle. True where four in five of the
/// members are rows of such cycles: then they are parts of items, not items, and neither
/// they nor a parent's share of them is a group.
fn split(doc: &Html, members: &[NodeId], min: usize, out: &mut Vec<Group>) -> bool {
    let elements: Vec<ElementRef<'_>> = members
        .iter()
        .filter_map(|id| doc.tree.get(*id).and_then(ElementRef::wrap))
        .collect();
    let mut by_parent: HashMap<Option<NodeId>, Vec<ElementRef<'_>>> = HashMap::new();
    for e in &elements {
        by_parent
            .entry(e.parent().map(|p| p.id()))
            .or_default()
            .push(*e);
    }
    let several = by_parent.len() > 1;
    let mut cycled = 0usize;
    for part in by_parent.into_values() {
        if let Some(cycle) = row_cycle(&part, min) {
            cycled += cycle.rows;
            out.push(Group {
                members: cycle.leads,
                order: 0,
            });
            if cycle.rows * 5 >= part.len() * 4 {
                continue;
            }
        }
        if several && part.len() >= min {
            out.push(Group {
                members: part.iter().map(|e| e.id()).collect(),
                order: 0,
            });
        }
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for e in &elements {
        for c in selector::classes(*e) {
            *counts.entry(c).or_default() += 1;
        }
    }
    let commonest = counts
        .into_iter()
        .filter(|(_, n)| *n >= min && *n < elements.len())
        .max_by_key(|(c, n)| (*n, std::cmp::Reverse(*c)));
    if let Some((class, _)) = commonest {
        let part: Vec<NodeId> = elements
            .iter()
            .filter(|e| {
                e.value()
                    .has_class(class, scraper::CaseSensitivity::CaseSensitive)
            })
            .map(|e| e.id())
            .collect();
        out.push(Group {
            members: part,
            order: 0,
        });
    }
    cycled * 5 >= elements.len() * 4
}

/// A row's shape: its cells' tags and stable classes.
fn row_shape(row: ElementRef<'_>) -> u64 {
    let mut h = DefaultHasher::new();
    for cell in row.children().filter_map(ElementRef::wrap) {
        cell.value().name().hash(&mut h);
        selector::classes(cell).hash(&mut h);
    }
    h.finish()
}

/// The commonest of `values`, the first of equals.
fn commonest(values: impl Iterator<Item = u64>) -> Option<u64> {
    let mut counts: HashMap<u64, (usize, usize)> = HashMap::new();
    for (i, v) in values.enumerate() {
        counts.entry(v).or_insert((0, i)).0 += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, (n, first))| (*n, std::cmp::Reverse(*first)))
        .map(|(v, _)| v)
}

/// Table rows that cycle, each cycle one item.
struct Cycle {
    /// The row that leads each item.
    leads: Vec<NodeId>,
    /// Rows shaped as their place in the cycle wants.
    rows: usize,
}

/// The commonest shape at each place of a cycle of `p` rows.
fn places(shapes: &[u64], p: usize) -> Vec<Option<u64>> {
    (0..p)
        .map(|j| commonest(shapes.iter().skip(j).step_by(p).copied()))
        .collect()
}

/// The middle of `values` (the upper one of two), None for none.
fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}

/// Where sibling table rows repeat in a cycle of two to [`MAX_ROWS`] rows of different
/// shapes (four in five rows shaped as the row a cycle before), each cycle is one item, led
/// by the row with its title. That row's main link is the longest of its cycle in at least
/// two cycles in three, and carries most of its row's text (in the middle of the rows);
/// the other rows of the cycle are details: their links carry less than half of their
/// text (a score, a name, an age and a count of comments), or they have no text. None
/// where the rows do not cycle, where no row leads (rows that are each an item), or where
/// fewer than `min` items are led.
fn row_cycle(rows: &[ElementRef<'_>], min: usize) -> Option<Cycle> {
    if rows.first().is_none_or(|r| r.value().name() != "tr") {
        return None;
    }
    let shapes: Vec<u64> = rows.iter().map(|r| row_shape(*r)).collect();
    let n = rows.len();
    let period = (2..=MAX_ROWS).take_while(|p| n >= p * min).find(|&p| {
        let same = (0..n - p).filter(|&i| shapes[i] == shapes[i + p]).count();
        same * 5 >= (n - p) * 4 && {
            let at = places(&shapes, p);
            at.iter().any(|s| *s != at[0])
        }
    })?;
    let at = places(&shapes, period);
    // Of each row shaped as its place wants: its main link's length and its text's.
    let chars: Vec<Option<(usize, usize)>> = rows
        .iter()
        .zip(&shapes)
        .enumerate()
        .map(|(i, (r, s))| {
            (at[i % period] == Some(*s)).then(|| {
                let text = text::visible_text(*r, &[]).chars().count();
                (fields::main_link_chars(*r), text)
            })
        })
        .collect();
    let mut wins = vec![0usize; period];
    let mut cycles = 0usize;
    for cycle in chars.chunks(period) {
        let links: Vec<Option<usize>> = cycle.iter().map(|c| c.map(|(l, _)| l)).collect();
        let Some(longest) = links.iter().flatten().copied().max().filter(|m| *m > 0) else {
            continue;
        };
        cycles += 1;
        let leaders: Vec<usize> = (0..cycle.len())
            .filter(|&j| links[j] == Some(longest))
            .collect();
        if let [j] = leaders[..] {
            wins[j] += 1;
        }
    }
    let (lead, won) = wins
        .iter()
        .copied()
        .enumerate()
        .max_by_key(|(j, w)| (*w, std::cmp::Reverse(*j)))?;
    // The middle share of the text that the main link carries, over a place's rows with text.
    let share = |j: usize| {
        median(
            chars
                .iter()
                .skip(j)
                .step_by(period)
                .flatten()
                .filter(|(_, t)| *t > 0)
                .map(|(l, t)| *l as f64 / *t as f64)
                .collect(),
        )
    };
    let titled = share(lead).is_some_and(|s| s >= 0.5);
    let details = (0..period).all(|j| j == lead || share(j).is_none_or(|s| s < 0.5));
    if won * 3 < cycles * 2 || !titled || !details {
        return None;
    }
    let leads: Vec<NodeId> = rows
        .iter()
        .enumerate()
        .filter(|(i, _)| i % period == lead && chars[*i].is_some())
        .map(|(_, r)| r.id())
        .collect();
    (leads.len() >= min).then(|| Cycle {
        leads,
        rows: chars.iter().flatten().count(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &Html, g: &Group) -> Vec<String> {
        g.members
            .iter()
            .filter_map(|id| doc.tree.get(*id).and_then(ElementRef::wrap))
            .map(|e| e.text().collect::<String>())
            .collect()
    }

    #[test]
    fn siblings_and_grids_and_class_subsets_are_groups() {
        // The table's rows: a class that some of them share, whatever its name, makes them
        // a group of their own.
        let doc = Html::parse_document(
            r#"<body><ul class="a"><li>1</li><li>2</li><li>3</li></ul>
            <div class="grid"><div class="row"><div class="card">c1</div><div class="card">c2</div></div>
            <div class="row"><div class="card">c3</div><div class="card">c4</div></div></div>
            <table><tr class="athing"><td>x</td></tr><tr><td>s</td></tr><tr class="athing"><td>y</td></tr><tr><td>s</td></tr><tr class="athing"><td>z</td></tr></table>
            </body>"#,
        );
        let groups = find(&doc, 3);
        let all: Vec<Vec<String>> = groups.iter().map(|g| texts(&doc, g)).collect();
        assert!(
            all.contains(&vec!["1".into(), "2".into(), "3".into()]),
            "{all:?}"
        );
        assert!(
            all.contains(&vec!["c1".into(), "c2".into(), "c3".into(), "c4".into()]),
            "{all:?}"
        );
        assert!(
            all.contains(&vec!["x".into(), "y".into(), "z".into()]),
            "{all:?}"
        );
    }

    /// A table of `n` items of three rows each: the title row, the row of details under it,
    /// an empty spacer; no class names.
    fn link_table(n: usize) -> String {
        let rows: String = (0..n)
            .map(|i| {
                format!(
                    r#"<tr id="{i}"><td>{i}.</td><td><a href="vote?id={i}"><img alt=""></a></td><td><a href="https://s{i}.example/">The title of story number {i}</a> (<a href="from?site=s{i}.example">s{i}.example</a>)</td></tr>
                    <tr><td colspan="2"></td><td><span>{i} points</span> by <a href="user?id=u{i}">u{i}</a> <a href="item?id={i}">{i} hours ago</a> | <a href="item?id={i}">{i} comments</a></td></tr>
                    <tr></tr>"#
                )
            })
            .collect();
        format!("<body><table><tr><td><a href=\"/\">Top</a></td></tr>{rows}</table></body>")
    }

    #[test]
    fn rows_in_a_cycle_are_one_item_led_by_the_title_row() {
        let doc = Html::parse_document(&link_table(5));
        let groups = find(&doc, 3);
        let firsts: Vec<Vec<String>> = groups
            .iter()
            .map(|g| {
                g.members
                    .iter()
                    .filter_map(|id| doc.tree.get(*id).and_then(ElementRef::wrap))
                    .map(|e| e.value().name().to_string() + e.value().id().unwrap_or("-"))
                    .collect()
            })
            .collect();
        let leads: Vec<String> = (0..5).map(|i| format!("tr{i}")).collect();
        assert!(firsts.contains(&leads), "{firsts:?}");
        // The rows together are parts of items, not a list.
        assert!(
            !firsts
                .iter()
                .any(|g| g.len() >= 15 && g[0].starts_with("tr")),
            "{firsts:?}"
        );
    }

    #[test]
    fn rows_that_alternate_but_are_each_an_item_are_not_a_cycle() {
        // Every other row has an extra cell, and each row is an item of its own.
        let rows: String = (0..8)
            .map(|i| {
                let extra = if i % 2 == 0 { "<td>new</td>" } else { "" };
                let name = [
                    "Parser fixes",
                    "Docs",
                    "A much longer release name",
                    "Build",
                    "Windows installer",
                    "CLI flags",
                    "Faster startup",
                    "Config reload",
                ][i];
                format!(r#"<tr><td><a href="/r/{i}">{name} {i}</a></td><td>1 May</td>{extra}</tr>"#)
            })
            .collect();
        let doc = Html::parse_document(&format!("<table>{rows}</table>"));
        let groups = find(&doc, 3);
        assert!(groups.iter().any(|g| g.members.len() == 8), "all rows");
        assert!(!groups.iter().any(|g| g.members.len() == 4), "no half");
    }
}
