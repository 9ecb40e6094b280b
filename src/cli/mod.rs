//! The commands, one file each: what each does with its arguments, and what it prints.
//! Each returns `Ok(())` or an [`Error`]; `main` prints the error and picks the exit status
//! from it, in one place.

use chrono::{DateTime, Utc};
use pagefeed::config::{self, Config, ConfigErrors};
use std::fmt;
use std::path::PathBuf;

/// `println!` for what the commands print: where standard output has gone (`pagefeed preview
/// feed | head`), the process ends quietly with status 0 instead of a panic; another failure
/// to write is an error on standard error.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            $crate::cli::stdout_failed(e)
        }
    }};
}

/// `print!` as [`outln`] does it, without the line break.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = write!(std::io::stdout().lock(), $($arg)*) {
            $crate::cli::stdout_failed(e)
        }
    }};
}

pub mod check;
pub mod date;
pub mod init;
pub mod once;
pub mod preview;
pub mod run;
pub mod status;
pub mod suggest;

/// Why a command did not do all it was asked: what `main` prints, and the exit status.
#[derive(Debug)]
pub enum Error {
    /// The command line or the config is wrong: exit 2.
    Usage(String),
    /// The config has errors, each with its file, line, key and feed: exit 2.
    Config(ConfigErrors),
    /// The command could not do its work: exit 1.
    Failed(String),
    /// Some feeds failed, each reported as it failed; the others were done: exit 1.
    Feeds { failed: usize, of: usize },
}

impl Error {
    /// The exit status: 1 a feed or the work failed, 2 a usage or config error.
    pub fn code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Config(_) => 2,
            Error::Failed(_) | Error::Feeds { .. } => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Failed(m) => f.write_str(m),
            Error::Config(errors) => write!(f, "{errors}"),
            Error::Feeds { failed, of } => {
                write!(f, "pagefeed: {failed} of {of} feed(s) failed (see above)")
            }
        }
    }
}

impl From<ConfigErrors> for Error {
    fn from(e: ConfigErrors) -> Error {
        Error::Config(e)
    }
}

pub type Result<T = ()> = std::result::Result<T, Error>;

/// What follows a failed write to standard output (see [`outln`]).
pub fn stdout_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("pagefeed: cannot print: {e}");
    std::process::exit(1);
}

/// An environment variable, where it is set and is text.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The config: `-c`, else `$PAGEFEED_CONFIG`, else the default paths (see
/// [`config::locate`]); the state folder under systemd is `$STATE_DIRECTORY`.
pub fn load(explicit: Option<PathBuf>) -> Result<Config> {
    let path = config::locate(explicit.as_deref(), env("PAGEFEED_CONFIG").as_deref());
    Ok(config::load(&path, env("STATE_DIRECTORY").as_deref())?)
}

/// Run `fut` on a multi-threaded runtime, and return what it returns.
pub fn runtime<T>(fut: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Failed(format!("pagefeed: cannot start the runtime: {e}")))?;
    let result = rt.block_on(fut);
    // Work cut off at a stop (a parse on a blocking thread) is not waited for: it can no
    // longer write anything (the poll's gate is closed), and the process ends now.
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
    result
}

/// The feed `id` of `c`, or a usage error naming the config.
pub fn feed(c: &Config, id: &str) -> Result<std::sync::Arc<config::Feed>> {
    c.feeds
        .iter()
        .find(|f| f.id == id)
        .cloned()
        .ok_or_else(|| Error::Usage(format!("{}: no feed with id {id:?}", c.path.display())))
}

/// Parse `--now` and the like: an RFC 3339 time.
pub fn parse_time(s: &str) -> std::result::Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!("{s:?} is not an RFC 3339 time such as 2026-03-04T13:30:00+01:00 ({e})")
        })
}

/// A time in `tz`, RFC 3339 to the second.
pub fn to_second(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// One line per field: its selector (or default) and the items it was found in; for the
/// date, with `dates`, how many of those texts were read too.
pub fn coverage_table(
    coverage: &pagefeed::extract::Coverage,
    dates: Option<&pagefeed::poll::pipeline::DateCounts>,
) -> Vec<String> {
    coverage
        .fields
        .iter()
        .map(|f| {
            let how = match &f.selector {
                Some(s) => format!("{s:?}"),
                None => format!("(default: {})", f.default_words()),
            };
            let read = match dates {
                Some(d) if f.name == "date" => format!(", {} read", d.read),
                _ => String::new(),
            };
            format!(
                "{:<9}{:<44} {} of {}{read}",
                f.name, how, f.found, coverage.items
            )
        })
        .collect()
}
