//! `pagefeed suggest`: find a page's item lists and propose a `[[feed]]` for the best.

use super::{Error, Result, load, runtime};
use pagefeed::suggest::{self, Options};
use std::path::PathBuf;

pub fn run(config: Option<PathBuf>, options: Options) -> Result {
    // The fetch settings of the config where one is named, else the defaults.
    let fetch = match config {
        Some(path) => load(Some(path))?.fetch_options(),
        None => Default::default(),
    };
    match runtime(async { Ok(suggest::run(options, fetch).await) })? {
        0 => Ok(()),
        // suggest reports its own failures as it goes, with their exit status.
        code => Err(Error::Reported(code)),
    }
}
