//! `pagefeed suggest`: find a page's item lists, print a `[[feed]]` for the best (and the
//! others as comments), and with `--add` put the chosen one in a config.

use super::{Error, Result, load, runtime};
use pagefeed::config::{self, edit};
use pagefeed::suggest::{self, Block, Options, SuggestError};
use std::path::{Path, PathBuf};

pub fn run(config: Option<PathBuf>, options: Options) -> Result {
    // The fetch settings of the config where one is named, else the defaults.
    let fetch = match config {
        Some(path) => load(Some(path))?.fetch_options(),
        None => Default::default(),
    };
    let found = runtime(async {
        suggest::suggest(&options, fetch)
            .await
            .map_err(|e| match e {
                SuggestError::Usage(m) => Error::Usage(m),
                SuggestError::Failed(m) => Error::Failed(m),
            })
    })?;
    out!("{}", found.printed(options.pick, options.json));
    match &options.add {
        Some(path) => add(path, &found.blocks[options.pick - 1]),
        None => Ok(()),
    }
}

/// Add `block` to the config at `path` (made where there is none) only if the file with it
/// passes `check`; the file is replaced whole or left as it was.
fn add(path: &Path, block: &Block) -> Result {
    let existing = edit::read(path)
        .map_err(|e| {
            Error::Usage(format!(
                "pagefeed: --add {}: cannot read the config: {e}",
                path.display()
            ))
        })?
        .unwrap_or_default();
    let combined = suggest::with_block(&existing, block);
    if let Err(errors) = config::parse(&combined, path, None) {
        return Err(Error::Usage(format!(
            "pagefeed: not added to {}: with the feed {:?} it would not pass check:\n{errors}",
            path.display(),
            block.id
        )));
    }
    edit::replace(path, &combined).map_err(|e| {
        Error::Failed(format!(
            "pagefeed: --add {}: cannot write: {e}; the file is as it was",
            path.display()
        ))
    })?;
    eprintln!("pagefeed: added feed {:?} to {}", block.id, path.display());
    Ok(())
}
