//! `pagefeed status`: every feed's standing from the state, as a table or as JSON.

use super::{Error, Result, load};
use chrono::Utc;
use pagefeed::status::{FeedStatus, collect, table};
use std::path::PathBuf;

pub fn run(config: Option<PathBuf>, json: bool) -> Result {
    let c = load(config)?;
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
