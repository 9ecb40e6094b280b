//! `[feed.filter]`: which of a page's items a feed publishes. An item is kept where one of the
//! `include` patterns matches its title, summary or one of its categories (or where there is
//! none), and none of the `exclude` patterns does. Patterns are regular expressions of the
//! `regex` crate (linear time, never backtracking), each bounded in size when compiled.

use regex::{Regex, RegexBuilder};

/// The most memory one compiled pattern may take: a pattern past it is a config error.
pub const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// A feed's filter; the default keeps every item.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub include: Vec<Regex>,
    pub exclude: Vec<Regex>,
}

/// What a filter did with a page's items: per pattern, how many items it matched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterCounts {
    pub items: usize,
    pub kept: usize,
    /// Each `include` pattern with the items it matched.
    pub include: Vec<(String, usize)>,
    /// Each `exclude` pattern with the items it matched (and so dropped).
    pub exclude: Vec<(String, usize)>,
}

/// Compile `pattern` within [`PATTERN_SIZE_LIMIT`].
pub fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .size_limit(PATTERN_SIZE_LIMIT)
        .dfa_size_limit(PATTERN_SIZE_LIMIT)
        .build()
}

impl Filter {
    /// Whether the filter keeps every item.
    pub fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// Whether an item with this title, summary and these categories is kept.
    pub fn keeps(&self, title: &str, summary: &str, categories: &[String]) -> bool {
        let matches = |r: &Regex| {
            r.is_match(title) || r.is_match(summary) || categories.iter().any(|c| r.is_match(c))
        };
        (self.include.is_empty() || self.include.iter().any(matches))
            && !self.exclude.iter().any(matches)
    }

    /// How each pattern fares on `items` (title, summary, categories of each).
    pub fn counts<'a>(
        &self,
        items: impl IntoIterator<Item = (&'a str, &'a str, &'a [String])>,
    ) -> FilterCounts {
        let mut counts = FilterCounts {
            include: self
                .include
                .iter()
                .map(|r| (r.as_str().to_string(), 0))
                .collect(),
            exclude: self
                .exclude
                .iter()
                .map(|r| (r.as_str().to_string(), 0))
                .collect(),
            ..FilterCounts::default()
        };
        for (title, summary, categories) in items {
            counts.items += 1;
            let matches = |r: &Regex| {
                r.is_match(title) || r.is_match(summary) || categories.iter().any(|c| r.is_match(c))
            };
            for (r, n) in self.include.iter().zip(&mut counts.include) {
                n.1 += usize::from(matches(r));
            }
            for (r, n) in self.exclude.iter().zip(&mut counts.exclude) {
                n.1 += usize::from(matches(r));
            }
            counts.kept += usize::from(self.keeps(title, summary, categories));
        }
        counts
    }
}

impl FilterCounts {
    /// In words, a line a pattern: `include "(?i)release": 4 of 30 items`.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (p, n) in &self.include {
            out.push(format!(
                "include {p:?}: matched {n} of {} items",
                self.items
            ));
        }
        for (p, n) in &self.exclude {
            out.push(format!(
                "exclude {p:?}: dropped {n} of {} items",
                self.items
            ));
        }
        out.push(format!("kept {} of {} items", self.kept, self.items));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(include: &[&str], exclude: &[&str]) -> Filter {
        let c = |p: &&str| compile(p).expect("pattern");
        Filter {
            include: include.iter().map(c).collect(),
            exclude: exclude.iter().map(c).collect(),
        }
    }

    #[test]
    fn include_and_exclude_over_title_summary_and_categories() {
        let f = filter(&["(?i)release"], &["(?i)sponsored"]);
        let none: &[String] = &[];
        assert!(f.keeps("Release 1.2", "", none));
        assert!(f.keeps("News", "the release notes", none));
        assert!(f.keeps("News", "", &["Releases".to_string()]));
        assert!(!f.keeps("News", "", none));
        assert!(!f.keeps("Release 1.2 (sponsored)", "", none));
        assert!(!f.keeps("Release", "", &["Sponsored".to_string()]));
        assert!(Filter::default().keeps("anything", "", none));
        let only_out = filter(&[], &["ad"]);
        assert!(only_out.keeps("News", "", none) && !only_out.keeps("an ad", "", none));
        let counts = f.counts([
            ("Release 1", "", none),
            ("News", "", none),
            ("Release 2 sponsored", "", none),
        ]);
        assert_eq!(counts.kept, 1);
        assert_eq!(counts.include[0].1, 2);
        assert_eq!(counts.exclude[0].1, 1);
    }

    #[test]
    fn a_pattern_too_large_is_refused() {
        assert!(compile(&"a{1000}".repeat(100)).is_err());
        assert!(compile("(?i)release").is_ok());
    }
}
