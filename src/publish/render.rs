//! A feed's three documents from one list of items ([`render`] → [`Documents`]), and where
//! their files go.

use super::document::{Entry, FeedMeta, RenderError};
use super::{atom, json, rss};
use crate::item::FeedItem;
use std::path::{Path, PathBuf};

/// The extensions of a feed's files, in the order of [`Documents::all`].
pub const FORMATS: [&str; 3] = ["rss", "atom", "json"];

/// A feed's documents, one per file: `<id>.rss`, `<id>.atom`, `<id>.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Documents {
    pub rss: Vec<u8>,
    pub atom: Vec<u8>,
    pub json: Vec<u8>,
}

impl Documents {
    /// The bytes of each file, in the order of [`FORMATS`].
    pub fn all(&self) -> [&[u8]; 3] {
        [&self.rss, &self.atom, &self.json]
    }
}

/// RSS, Atom and JSON Feed bytes for `items` (newest published first).
pub fn render<'a>(
    meta: &FeedMeta,
    items: impl IntoIterator<Item = &'a FeedItem>,
) -> Result<Documents, RenderError> {
    let entries: Vec<Entry<'_>> = items.into_iter().map(Entry::of).collect();
    Ok(Documents {
        rss: rss::rss(meta, &entries)?,
        atom: atom::atom(meta, &entries)?,
        json: json::json(meta, &entries)?,
    })
}

/// A feed's files in `dir`, each path with the bytes it should hold, in [`FORMATS`] order.
pub fn files<'a>(dir: &Path, id: &str, documents: &'a Documents) -> Vec<(PathBuf, &'a [u8])> {
    FORMATS
        .iter()
        .map(|ext| dir.join(format!("{id}.{ext}")))
        .zip(documents.all())
        .collect()
}

/// Whether the feed's files in `dir` hold `documents` already (see [`super::all_hold`]).
pub fn documents_hold(dir: &Path, id: &str, documents: &Documents) -> std::io::Result<bool> {
    super::all_hold(&files(dir, id, documents))
}

/// Write a feed's RSS, Atom and JSON Feed files in `dir` where they changed (see
/// [`super::write_all_if_changed`]). Returns whether any was written.
pub fn write_documents(dir: &Path, id: &str, documents: &Documents) -> std::io::Result<bool> {
    let set = files(dir, id, documents);
    let set: Vec<(&Path, &[u8])> = set.iter().map(|(p, b)| (p.as_path(), *b)).collect();
    super::write_all_if_changed(&set)
}
