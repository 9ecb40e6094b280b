//! Finding the page's repeated blocks: elements that share their tag and the path of tags
//! and class names above them, as items of one list do whether they sit under one parent
//! (`ul.news > li`) or under several (a grid of rows of cards). Each such set is a group;
//! where its members also share a class that only some of the siblings have, that subset is
//! a group too, and where a path set spans several parents each parent's share is one.

use super::selector;
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
        split(doc, &members, min, &mut groups);
        groups.push(Group { members, order: 0 });
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
/// there are several parents; the members sharing the commonest class, where only some do.
fn split(doc: &Html, members: &[NodeId], min: usize, out: &mut Vec<Group>) {
    let elements: Vec<ElementRef<'_>> = members
        .iter()
        .filter_map(|id| doc.tree.get(*id).and_then(ElementRef::wrap))
        .collect();
    let mut by_parent: HashMap<Option<NodeId>, Vec<NodeId>> = HashMap::new();
    for e in &elements {
        by_parent
            .entry(e.parent().map(|p| p.id()))
            .or_default()
            .push(e.id());
    }
    if by_parent.len() > 1 {
        for (_, part) in by_parent {
            if part.len() >= min {
                out.push(Group {
                    members: part,
                    order: 0,
                });
            }
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
}
