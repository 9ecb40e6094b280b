//! The command line: parse arguments, set up logging, run one command (each in [`cli`]), and
//! in this one place print what went wrong and exit with its status (0 all well, 1 a feed
//! failed, 2 a usage or config error).

#[macro_use]
mod cli;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use cli::parse_time;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pagefeed",
    version,
    about = "Turns web pages without a feed into RSS and Atom feeds with stable, absolute publication times."
)]
struct Cli {
    /// The config file [default: $PAGEFEED_CONFIG, else ./pagefeed.toml, else /etc/pagefeed/pagefeed.toml]
    #[arg(short, long, global = true, value_name = "CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the daemon: poll every feed on its interval and keep its files fresh.
    Run,
    /// Poll every feed (or the named ones) once, write their files, exit.
    Once {
        /// Poll only this feed (repeatable).
        #[arg(long = "feed", value_name = "ID")]
        feeds: Vec<String>,
        /// The moment the pages count as fetched (RFC 3339) [default: the response's Date, else the clock].
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        now: Option<DateTime<Utc>>,
    },
    /// Validate the config and print what is wrong.
    Check {
        /// Also fetch each feed once and report how many items each field's selector
        /// matched in; writes nothing.
        #[arg(long)]
        fetch: bool,
    },
    /// Fetch and extract one feed and print its items; writes nothing.
    Preview {
        /// The feed's id.
        id: String,
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        now: Option<DateTime<Utc>>,
        /// Print a JSON array of items.
        #[arg(long)]
        json: bool,
    },
    /// Show how one date text from a page resolves.
    Date {
        /// The date text, e.g. "18 minuten geleden".
        text: String,
        /// Language code(s), comma-separated, or "auto" [default: the config's with -c, else auto].
        #[arg(long, short = 'l', value_name = "L")]
        language: Option<String>,
        /// IANA zone of clock times without an offset [default: the config's with -c, else UTC].
        #[arg(long, short = 't', value_name = "TZ")]
        timezone: Option<String>,
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        now: Option<DateTime<Utc>>,
        /// How the site rounds relative times: floor or nearest [default: the feed's with --feed, else floor].
        #[arg(long, value_name = "R")]
        rounding: Option<String>,
        /// Read the text as this feed of the config does: its zone, languages and rounding.
        #[arg(long = "feed", value_name = "ID")]
        feed: Option<String>,
        /// Print {"earliest", "latest", "published"}.
        #[arg(long)]
        json: bool,
    },
    /// Find the page's item lists and propose a [[feed]] block for the best.
    Suggest {
        /// The page: an http(s) URL, a file:// URL or a path.
        url: String,
        /// Print a JSON array of candidates, best first.
        #[arg(long)]
        json: bool,
        /// The candidate for the block and --add (1-based).
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
        pick: u16,
        /// The feed's id [default: from the page's host and path].
        #[arg(long, value_name = "ID")]
        id: Option<String>,
        /// Append the block to this config, only if the result passes check.
        #[arg(long, value_name = "CONFIG")]
        add: Option<PathBuf>,
        /// The moment the page counts as fetched (RFC 3339) [default: the response's Date, else the clock].
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        now: Option<DateTime<Utc>>,
        /// Load the page in the browser first, for a page that builds its list with
        /// JavaScript; the block says render = "browser".
        #[arg(long)]
        render: bool,
    },
    /// Write a commented starting config (never over a file that is there).
    Init,
    /// Show every feed's standing (last poll, result, failures, next poll) from the state.
    Status {
        /// Print a JSON array of feeds.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let args = Cli::parse();
    pagefeed::daemon::init_logging();
    let config = args.config;
    let done = match args.command {
        Command::Date {
            text,
            language,
            timezone,
            now,
            rounding,
            feed,
            json,
        } => cli::date::settings(config, feed, language, timezone, rounding)
            .and_then(|s| cli::date::run(&text, &s, now, json)),
        Command::Check { fetch } => cli::check::run(config, fetch),
        Command::Once { feeds, now } => cli::once::run(config, feeds, now),
        Command::Preview { id, now, json } => cli::preview::run(config, id, now, json),
        Command::Suggest {
            url,
            json,
            pick,
            id,
            add,
            now,
            render,
        } => cli::suggest::run(
            config,
            pagefeed::suggest::Options {
                url,
                json,
                pick: usize::from(pick),
                id,
                add,
                now,
                render,
            },
        ),
        Command::Status { json } => cli::status::run(config, json),
        Command::Init => cli::init::run(config),
        Command::Run => cli::run::run(config),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let message = e.to_string();
            if !message.is_empty() {
                eprintln!("{message}");
            }
            ExitCode::from(e.code())
        }
    }
}
