//! `pagefeed run`: the daemon, until SIGTERM or SIGINT.

use super::{Error, Result, env, runtime};
use pagefeed::config;
use pagefeed::daemon::{self, RunError};
use std::path::PathBuf;

pub fn run(config: Option<PathBuf>) -> Result {
    let path = config::locate(config.as_deref(), env("PAGEFEED_CONFIG").as_deref());
    daemon::bound_the_heap();
    runtime(async {
        daemon::run(path).await.map_err(|e| match e {
            RunError::Config(errors) => Error::Config(errors),
            RunError::Start(m) => Error::Failed(format!("pagefeed: {m}")),
            RunError::Locked(m) => Error::Usage(format!("pagefeed: {m}")),
        })
    })
}
