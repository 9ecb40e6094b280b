//! The command line: parse arguments, set up logging, run one command, exit with its status
//! (0 all well, 1 a feed failed, 2 a usage or config error).

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use pagefeed::config::{self, Config};
use pagefeed::daemon::politeness::Politeness;
use pagefeed::dates::{self, Language, Rounding};
use pagefeed::fetch::{Fetched, Fetcher};
use pagefeed::poll::{self, Places};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

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
    Check,
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
        /// Language code(s), comma-separated, or "auto".
        #[arg(long, short = 'l', value_name = "L", default_value = "auto")]
        language: String,
        /// IANA zone of clock times without an offset.
        #[arg(long, short = 't', value_name = "TZ", default_value = "UTC")]
        timezone: String,
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        now: Option<DateTime<Utc>>,
        /// How the site rounds relative times: floor or nearest.
        #[arg(long, value_name = "R", default_value = "floor")]
        rounding: String,
        /// Print {"earliest", "latest", "published"}.
        #[arg(long)]
        json: bool,
    },
    /// Show every feed's health (last poll, result, failures, next poll) from the state.
    Status {
        /// Print a JSON array of feeds.
        #[arg(long)]
        json: bool,
    },
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!("{s:?} is not an RFC 3339 time such as 2026-03-04T13:30:00+01:00 ({e})")
        })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    pagefeed::daemon::init_logging();
    let code = match cli.command {
        Command::Date {
            text,
            language,
            timezone,
            now,
            rounding,
            json,
        } => date(&text, &language, &timezone, now, &rounding, json),
        Command::Check => check(cli.config),
        Command::Once { feeds, now } => with_config(cli.config, |c| runtime(once(c, feeds, now))),
        Command::Preview { id, now, json } => {
            with_config(cli.config, |c| runtime(preview(c, id, now, json)))
        }
        Command::Status { json } => with_config(cli.config, |c| pagefeed::status::print(&c, json)),
        Command::Run => {
            let path = config::locate(cli.config.as_deref(), env("PAGEFEED_CONFIG").as_deref());
            pagefeed::daemon::bound_the_heap();
            runtime(pagefeed::daemon::run(path))
        }
    };
    ExitCode::from(code)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn load(explicit: Option<PathBuf>) -> Result<Config, u8> {
    let path = config::locate(explicit.as_deref(), env("PAGEFEED_CONFIG").as_deref());
    config::load(&path, env("STATE_DIRECTORY").as_deref()).map_err(|errors| {
        eprintln!("{errors}");
        2
    })
}

fn with_config(explicit: Option<PathBuf>, f: impl FnOnce(Config) -> u8) -> u8 {
    match load(explicit) {
        Ok(c) => f(c),
        Err(code) => code,
    }
}

fn runtime(fut: impl std::future::Future<Output = u8>) -> u8 {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => {
            let code = rt.block_on(fut);
            // Work cut off at a stop (a parse on a blocking thread) is not waited for: it can
            // no longer write anything (poll::close_writes), and the process ends now.
            rt.shutdown_timeout(std::time::Duration::from_millis(100));
            code
        }
        Err(e) => {
            eprintln!("pagefeed: cannot start the runtime: {e}");
            1
        }
    }
}

fn check(explicit: Option<PathBuf>) -> u8 {
    match load(explicit) {
        Ok(c) => {
            println!(
                "{}: OK, {} feed(s): {}",
                c.path.display(),
                c.feeds.len(),
                c.feeds
                    .iter()
                    .map(|f| f.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            0
        }
        Err(code) => code,
    }
}

fn fetcher(c: &Config) -> Result<Fetcher, u8> {
    Fetcher::new(c.fetch_options()).map_err(|e| {
        eprintln!("pagefeed: {e}");
        1
    })
}

async fn once(c: Config, only: Vec<String>, now: Option<DateTime<Utc>>) -> u8 {
    use futures_util::StreamExt;
    let unknown: Vec<&String> = only
        .iter()
        .filter(|id| !c.feeds.iter().any(|f| &f.id == *id))
        .collect();
    if !unknown.is_empty() {
        for id in unknown {
            eprintln!("{}: no feed with id {id:?}", c.path.display());
        }
        return 2;
    }
    let fetcher = match fetcher(&c) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let robots = pagefeed::robots::Robots::new(&c.user_agent);
    // The same politeness as the daemon: robots.txt, one request at a time per host.
    let polite = Politeness::new(c.concurrency, c.host_delay, robots);
    let places = Places::from(&c);
    let feeds: Vec<Arc<config::Feed>> = c
        .feeds
        .iter()
        .filter(|f| only.is_empty() || only.contains(&f.id))
        .cloned()
        .collect();
    let results: Vec<bool> = futures_util::stream::iter(feeds)
        .map(|feed| {
            let places = places.clone();
            let (fetcher, polite) = (&fetcher, &polite);
            async move {
                let id = feed.id.clone();
                match poll::poll(places, feed, fetcher, polite, now, Utc::now()).await {
                    Ok(r) => {
                        r.log();
                        true
                    }
                    Err(e) => {
                        tracing::error!("feed {id:?}: {e}");
                        false
                    }
                }
            }
        })
        .buffer_unordered(c.concurrency)
        .collect()
        .await;
    if results.iter().all(|ok| *ok) { 0 } else { 1 }
}

async fn preview(c: Config, id: String, now: Option<DateTime<Utc>>, json: bool) -> u8 {
    let Some(feed) = c.feeds.iter().find(|f| f.id == id).cloned() else {
        eprintln!("{}: no feed with id {id:?}", c.path.display());
        return 2;
    };
    let fetcher = match fetcher(&c) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let page = match fetcher
        .fetch_feed(&feed.source, None, feed.private_network)
        .await
    {
        Ok(Fetched::Page(p)) => p,
        Ok(Fetched::NotModified) => {
            eprintln!("feed {id:?}: the source answered 304 to an unconditional request");
            return 1;
        }
        Err(e) => {
            eprintln!("feed {id:?}: {e}");
            return 1;
        }
    };
    let now = poll::fetch_moment(now, &page, Utc::now());
    // What earlier polls established narrows what this page says; nothing is written.
    let previous = match pagefeed::state::Store::peek(&c.state_dir, &feed.id) {
        Ok(items) => items,
        Err(e) => {
            eprintln!("feed {id:?}: {e}");
            return 1;
        }
    };
    let outcome = match poll::process(&feed, c.base_url.as_ref(), &page, now, previous) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("feed {id:?}: {e}");
            return 1;
        }
    };
    // The page's items, in page order; history is the feed's business, not the page's.
    let on_page: Vec<&pagefeed::state::StoredItem> = outcome
        .items
        .iter()
        .filter(|i| i.record.last_seen == now)
        .collect();
    if json {
        let items: Vec<serde_json::Value> = on_page
            .iter()
            .map(|i| {
                let r = &i.record;
                // Undated items: the interval they are held to, up to when first seen.
                let within = r.evidence.unwrap_or(r.pinned);
                let (earliest, latest) = (within.earliest.to_rfc3339(), within.latest.to_rfc3339());
                serde_json::json!({
                    "title": i.title,
                    "link": i.link.as_ref().map(|l| l.as_str()),
                    "guid": r.guid,
                    "summary": i.summary,
                    "published": r.published.to_rfc3339(),
                    "earliest": earliest,
                    "latest": latest,
                    "author": i.author,
                    "categories": i.categories,
                })
            })
            .collect();
        match serde_json::to_string_pretty(&items) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("pagefeed: {e}");
                return 1;
            }
        }
    } else {
        println!(
            "{} item(s) on {} at {}",
            outcome.on_page,
            page.url,
            now.to_rfc3339()
        );
        for i in &on_page {
            let r = &i.record;
            println!();
            println!("{}", i.title);
            println!("  published  {}", r.published.to_rfc3339());
            println!("  within     {}", r.evidence.unwrap_or(r.pinned));
            if let Some(l) = &i.link {
                println!("  link       {l}");
            }
            if let Some(a) = &i.author {
                println!("  author     {a}");
            }
            if !i.categories.is_empty() {
                println!("  categories {}", i.categories.join(", "));
            }
        }
    }
    0
}

fn date(
    text: &str,
    language: &str,
    timezone: &str,
    now: Option<DateTime<Utc>>,
    rounding: &str,
    json: bool,
) -> u8 {
    let mut languages = Vec::new();
    for code in language.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        if code.eq_ignore_ascii_case("auto") {
            languages.clear();
            break;
        }
        match Language::from_code(code) {
            Some(l) => languages.push(l),
            None => {
                let known: Vec<&str> = Language::all().iter().map(|l| l.code()).collect();
                eprintln!(
                    "pagefeed: unknown language {code:?}; use auto or one of {}",
                    known.join(", ")
                );
                return 2;
            }
        }
    }
    let Ok(tz) = timezone.parse::<chrono_tz::Tz>() else {
        eprintln!("pagefeed: {timezone:?} is not an IANA time zone such as Europe/Amsterdam");
        return 2;
    };
    let Some(rounding) = Rounding::from_name(rounding) else {
        eprintln!("pagefeed: {rounding:?} is not a rounding: use floor or nearest");
        return 2;
    };
    let ctx = dates::Context {
        now: now.unwrap_or_else(Utc::now),
        timezone: tz,
        languages: &languages,
        rounding,
    };
    match dates::read(text, &ctx) {
        Ok(r) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "earliest": r.interval.earliest.with_timezone(&tz).to_rfc3339(),
                        "latest": r.interval.latest.with_timezone(&tz).to_rfc3339(),
                        "published": r.point.with_timezone(&tz).to_rfc3339(),
                    })
                );
            } else {
                println!("published {}", r.point.with_timezone(&tz).to_rfc3339());
                println!(
                    "within    ({}, {}]",
                    r.interval.earliest.with_timezone(&tz).to_rfc3339(),
                    r.interval.latest.with_timezone(&tz).to_rfc3339()
                );
            }
            0
        }
        Err(e) => {
            eprintln!("pagefeed: {e}");
            1
        }
    }
}
