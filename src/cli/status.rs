//! `pagefeed status`: every feed's standing from the state, as a table or as JSON.

use super::{Error, Result, load};
use chrono::Utc;
use pagefeed::status::{FeedStatus, collect, table};
use std::path::PathBuf;

pub fn run(config: Option<PathBuf>, json: bool) -> Result {
    let c = load(config)?;
    let file = c.state_dir.join(pagefeed::state::FILE_NAME);
    if file.exists() {
        eprintln!("state in {}", c.state_dir.display());
    } else {
        eprintln!(
            "no state in {} yet: no feed has been polled with it (under systemd the service's state is $STATE_DIRECTORY, /var/lib/pagefeed)",
            c.state_dir.display()
        );
    }
    let list = collect(&c).map_err(|e| Error::Failed(format!("pagefeed: {e}")))?;
    if json {
        let all: Vec<serde_json::Value> = list.iter().map(FeedStatus::json).collect();
        let text = serde_json::to_string_pretty(&all)
            .map_err(|e| Error::Failed(format!("pagefeed: {e}")))?;
        outln!("{text}");
    } else {
        out!("{}", table(&list, Utc::now()));
    }
    Ok(())
}
