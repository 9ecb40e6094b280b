//! `pagefeed init`: write a commented starting config, never over a file that is there.

use super::{Error, Result, env};
use pagefeed::config;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The starting config: top-level settings with what each is for, and how to add feeds.
const STARTING: &str = include_str!("../../config/starting.toml");

pub fn run(config: Option<PathBuf>) -> Result {
    let path = config::locate(config.as_deref(), env("PAGEFEED_CONFIG").as_deref());
    write_new(&path, STARTING).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Error::Usage(format!(
            "pagefeed: {} is there already: not overwritten (add a feed to it with `pagefeed suggest URL --add {}`)",
            path.display(),
            path.display()
        )),
        _ => Error::Failed(format!("pagefeed: {}: cannot write: {e}", path.display())),
    })?;
    outln!(
        "{}: a starting config; add a feed with `pagefeed suggest URL --add {}`",
        path.display(),
        path.display()
    );
    Ok(())
}

/// Write `text` to `path` only where there is nothing there: whole, in a file of its own
/// first, then linked into place (which fails where a file appeared meanwhile).
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let new = dir.join(format!(".pagefeed-init-{}", std::process::id()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&new)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::hard_link(&new, path)
    })();
    let _ = std::fs::remove_file(&new);
    written
}
