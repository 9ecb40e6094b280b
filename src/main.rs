//! The command line: parse arguments, set up logging, run one command, exit with its status
//! (0 all well, 1 a feed failed, 2 a usage or config error).

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use pagefeed::config::{self, Config};
use pagefeed::dates::{self, Language, Rounding};
use pagefeed::fetch::politeness::Politeness;
use pagefeed::fetch::robots::Robots;
use pagefeed::fetch::{Fetched, Fetcher};
use pagefeed::poll::{self, Places};
use std::collections::HashMap;
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
    /// Show every feed's health (last poll, result, failures, next poll) from the state.
    Status {
        /// Print a JSON array of feeds.
        #[arg(long)]
        json: bool,
    },
}

/// `println!` for what the commands print: where standard output has gone (`pagefeed preview
/// feed | head`), the process ends quietly with status 0 instead of a panic; another failure
/// to write is an error on standard error.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            stdout_failed(e)
        }
    }};
}

/// What follows a failed write to standard output (see [`outln`]).
fn stdout_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("pagefeed: cannot print: {e}");
    std::process::exit(1);
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
            feed,
            json,
        } => match date_settings(cli.config, feed, language, timezone, rounding) {
            Ok(s) => date(&text, &s, now, json),
            Err(code) => code,
        },
        Command::Check { fetch: false } => check(cli.config),
        Command::Check { fetch: true } => match load(cli.config) {
            Ok(c) => {
                print_ok(&c);
                runtime(check_fetch(c))
            }
            Err(code) => code,
        },
        Command::Once { feeds, now } => with_config(cli.config, |c| runtime(once(c, feeds, now))),
        Command::Preview { id, now, json } => {
            with_config(cli.config, |c| runtime(preview(c, id, now, json)))
        }
        Command::Suggest {
            url,
            json,
            pick,
            id,
            add,
            now,
            render,
        } => {
            let options = pagefeed::suggest::Options {
                url,
                json,
                pick: usize::from(pick),
                id,
                add,
                now,
                render,
            };
            // The fetch settings of the config where one is named, else the defaults.
            match cli.config {
                Some(path) => with_config(Some(path), |c| {
                    runtime(pagefeed::suggest::run(options, c.fetch_options()))
                }),
                None => runtime(pagefeed::suggest::run(options, Default::default())),
            }
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
            print_ok(&c);
            0
        }
        Err(code) => code,
    }
}

fn print_ok(c: &Config) {
    outln!(
        "{}: OK, {} feed(s): {}",
        c.path.display(),
        c.feeds.len(),
        c.feeds
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// `check --fetch`: fetch each feed once, one after the other (the host gap kept between
/// requests to one host), and print how many of its items each field was found in. Reads
/// and writes no state and no files. 1 where a feed could not be fetched or matched no item.
async fn check_fetch(c: Config) -> u8 {
    let fetcher = match fetcher(&c) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let mut failed = false;
    let mut last_request: HashMap<String, std::time::Instant> = HashMap::new();
    for feed in &c.feeds {
        if let pagefeed::fetch::Source::Http(url) = &feed.source {
            let host = url.host_str().unwrap_or_default().to_string();
            if let Some(at) = last_request.get(&host) {
                let wait = c.host_delay.saturating_sub(at.elapsed());
                tokio::time::sleep(wait).await;
            }
            last_request.insert(host, std::time::Instant::now());
        }
        outln!();
        let page = match fetcher
            .fetch_as(&feed.source, feed.private_network, feed.render.as_ref())
            .await
        {
            Ok(Fetched::Page(p)) => p,
            Ok(Fetched::NotModified) => {
                outln!(
                    "feed {:?}: the source answered 304 to an unconditional request",
                    feed.id
                );
                failed = true;
                continue;
            }
            Err(e) => {
                outln!("feed {:?}: cannot fetch: {e}", feed.id);
                failed = true;
                continue;
            }
        };
        let extracted = {
            let (feed, page) = (feed.clone(), page.clone());
            tokio::task::spawn_blocking(move || poll::extract_page(&feed, &page)).await
        };
        match extracted {
            Ok(Ok(x)) => {
                let kept = x.items.len().min(feed.max_items);
                outln!(
                    "feed {:?}: {} item(s) on {}; the feed keeps {kept} (max_items {})",
                    feed.id,
                    x.items.len(),
                    page.url,
                    feed.max_items
                );
                for line in coverage_table(&x.coverage) {
                    outln!("  {line}");
                }
                for miss in x.coverage.misses() {
                    outln!("  warning: {miss}");
                }
            }
            Ok(Err(e)) => {
                outln!("feed {:?}: {e}", feed.id);
                failed = true;
            }
            Err(e) => {
                outln!("feed {:?}: {e}", feed.id);
                failed = true;
            }
        }
    }
    u8::from(failed)
}

/// One line per field: its selector (or default) and the items it was found in.
fn coverage_table(coverage: &pagefeed::extract::Coverage) -> Vec<String> {
    coverage
        .fields
        .iter()
        .map(|f| {
            let how = match &f.selector {
                Some(s) => format!("{s:?}"),
                None => format!("(default: {})", f.default_words()),
            };
            format!("{:<9}{:<44} {} of {}", f.name, how, f.found, coverage.items)
        })
        .collect()
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
    let robots = Robots::new(&c.user_agent);
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
        .fetch_as(&feed.source, feed.private_network, feed.render.as_ref())
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
    let given = now;
    let now = poll::fetch_moment(now, &page, Utc::now());
    // What earlier polls established narrows what this page says; nothing is written.
    let previous = match pagefeed::state::Store::peek(&c.state_dir, &feed.id) {
        Ok(items) => items,
        Err(e) => {
            eprintln!("feed {id:?}: {e}");
            return 1;
        }
    };
    // A feed that follows its items: the due item pages are fetched and read as a poll
    // would (the budget, the hosts' turns, robots.txt), and nothing is written.
    let (extracted, following) = if feed.follow {
        match preview_follow(&c, &feed, &fetcher, &page, now, given).await {
            Ok((extracted, f)) => (Some(extracted), Some(f)),
            Err(e) => {
                eprintln!("feed {id:?}: {e}");
                return 1;
            }
        }
    } else {
        (None, None)
    };
    let held = match pagefeed::state::Store::peek_held(&c.state_dir, &feed.id) {
        Ok(held) => held,
        Err(e) => {
            eprintln!("feed {id:?}: {e}");
            return 1;
        }
    };
    let outcome = match poll::process_following(
        &feed,
        c.base_url.as_ref(),
        &page,
        extracted,
        now,
        previous,
        held,
        following,
    ) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("feed {id:?}: {e}");
            return 1;
        }
    };
    let followed = outcome.follow.as_ref().map(|f| &f.rows);
    let item_page = |guid: &str| -> serde_json::Value {
        let Some(row) = followed.and_then(|rows| rows.get(guid)) else {
            return serde_json::Value::Null;
        };
        let page = row.page.as_ref();
        let stamp = |s: Option<&pagefeed::follow::PageStamp>| {
            s.map(|s| {
                serde_json::json!({
                    "time": s.point.to_rfc3339(),
                    "earliest": s.interval.earliest.to_rfc3339(),
                    "latest": s.interval.latest.to_rfc3339(),
                    "text": s.text,
                    "origin": s.origin,
                })
            })
        };
        serde_json::json!({
            "link": row.link.as_str(),
            "status": row.status.name(),
            "fetched": row.fetched_at.map(|t| t.to_rfc3339()),
            "tries": row.tries,
            "error": row.error,
            "published": stamp(page.and_then(|p| p.published.as_ref())),
            "modified": stamp(page.and_then(|p| p.modified.as_ref())),
            "authors": page.map(|p| p.authors.clone()).unwrap_or_default(),
            "image": page.and_then(|p| p.image.as_ref()).map(|u| u.as_str()),
            "canonical": page.and_then(|p| p.canonical.as_ref()).map(|u| u.as_str()),
            "language": page.and_then(|p| p.language.as_deref()),
            "content_length": page.and_then(|p| p.content.as_ref()).map(String::len),
        })
    };
    // The page's items, in page order; history is the feed's business, not the page's.
    let on_page: Vec<&pagefeed::state::StoredItem> = outcome
        .items
        .iter()
        .filter(|i| i.record.last_seen == now)
        .collect();
    let tz = feed.timezone;
    let keeps = if outcome.on_page > feed.max_items {
        format!("the feed keeps {} (max_items)", feed.max_items)
    } else {
        "the feed keeps them all".to_string()
    };
    let head = format!(
        "{} item(s) on the page ({}) at {}; {keeps}",
        outcome.on_page,
        page.url,
        to_second(now, tz)
    );
    // Coverage goes to standard error in both forms, so that --json stays an array of items.
    if let Some(coverage) = &outcome.coverage {
        for line in coverage_table(coverage) {
            eprintln!("coverage: {line}");
        }
        for miss in coverage.misses() {
            eprintln!("warning: {miss}");
        }
    }
    if json {
        eprintln!("{head}");
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
                    "dated": r.evidence.is_some(),
                    "author": i.author,
                    "categories": i.categories,
                    "image": i.page.as_ref().and_then(|p| p.image.as_ref()).map(|u| u.as_str()),
                    "content": i.page.as_ref().and_then(|p| p.content.as_deref()),
                    "item_page": item_page(&r.guid),
                })
            })
            .collect();
        match serde_json::to_string_pretty(&items) {
            Ok(s) => outln!("{s}"),
            Err(e) => {
                eprintln!("pagefeed: {e}");
                return 1;
            }
        }
    } else {
        outln!("{head}");
        for i in &on_page {
            let r = &i.record;
            outln!();
            outln!("{}", i.title);
            match r.evidence {
                Some(within) => {
                    outln!("  published  {}", to_second(r.published, tz));
                    outln!(
                        "  within     ({}, {}]",
                        to_second(within.earliest, tz),
                        to_second(within.latest, tz)
                    );
                }
                None => outln!(
                    "  published  {} (undated: the moment it was first seen, in page order)",
                    to_second(r.published, tz)
                ),
            }
            if let Some(l) = &i.link {
                outln!("  link       {l}");
            }
            if let Some(a) = &i.author {
                outln!("  author     {a}");
            }
            if !i.categories.is_empty() {
                outln!("  categories {}", i.categories.join(", "));
            }
            if let Some(row) = followed.and_then(|rows| rows.get(&r.guid)) {
                print_item_page(row, tz);
            }
        }
        if let Some(f) = &outcome.follow
            && f.held > 0
        {
            outln!();
            outln!(
                "{} new item(s) without a date on the list wait for their own page (published once it is read or given up)",
                f.held
            );
        }
        for h in &outcome.held {
            if let Some(within) = h.record.evidence {
                outln!();
                outln!("{}", h.title);
                outln!(
                    "  held       to settle, first seen {}: within ({}, {}] so far",
                    to_second(h.record.first_seen, tz),
                    to_second(within.earliest, tz),
                    to_second(within.latest, tz)
                );
            }
        }
    }
    if let Some(f) = &outcome.follow {
        for line in &f.logs {
            eprintln!("warning: {line}");
        }
    }
    0
}

/// What an item's own page gave, for `preview`.
fn print_item_page(row: &pagefeed::follow::Followed, tz: chrono_tz::Tz) {
    let when = row
        .fetched_at
        .map(|t| format!(", fetched {}", to_second(t, tz)))
        .unwrap_or_default();
    outln!("  item page  {} ({}{when})", row.link, row.status.name());
    if let Some(e) = &row.error {
        outln!("    error     {e}");
    }
    let Some(p) = &row.page else {
        return;
    };
    if let Some(s) = &p.published {
        outln!(
            "    published {} from {} ({:?})",
            to_second(s.point, tz),
            s.origin,
            s.text
        );
    }
    if let Some(s) = &p.modified {
        outln!("    modified  {} from {}", to_second(s.point, tz), s.origin);
    }
    if !p.authors.is_empty() {
        outln!("    authors   {}", p.authors.join(", "));
    }
    for (name, value) in [
        ("image", p.image.as_ref().map(|u| u.to_string())),
        ("canonical", p.canonical.as_ref().map(|u| u.to_string())),
        ("language", p.language.clone()),
        (
            "content",
            p.content.as_ref().map(|c| format!("{} bytes", c.len())),
        ),
    ] {
        if let Some(v) = value {
            outln!("    {name:<9} {v}");
        }
    }
}

/// The item pages a preview of a following feed reads: the due ones of the page, chosen
/// against the state as it is (read, never written), fetched politely; with the page's items
/// as extracted for that.
async fn preview_follow(
    c: &Config,
    feed: &pagefeed::config::Feed,
    fetcher: &Fetcher,
    page: &pagefeed::fetch::Page,
    now: DateTime<Utc>,
    given: Option<DateTime<Utc>>,
) -> Result<(pagefeed::extract::Extracted, poll::Following), String> {
    use pagefeed::follow;
    let rows =
        pagefeed::state::Store::peek_followed(&c.state_dir, &feed.id).map_err(|e| e.to_string())?;
    let known_items =
        pagefeed::state::Store::peek(&c.state_dir, &feed.id).map_err(|e| e.to_string())?;
    let extracted = poll::extract_page(feed, page).map_err(|e| e.to_string())?;
    let known = known_items.iter().map(|i| i.record.guid.as_str()).collect();
    let by_guid = rows.iter().map(|r| (r.guid.clone(), r.clone())).collect();
    let due = follow::due_on_page(&extracted.items, feed, &known, &by_guid, now);
    let polite = Politeness::new(c.concurrency, c.host_delay, Robots::new(&c.user_agent));
    let fetched = follow::fetch::fetch_due(
        fetcher,
        &polite,
        feed,
        due,
        given,
        Utc::now(),
        follow::fetch::bound(fetcher),
    )
    .await;
    Ok((extracted, poll::Following { rows, fetched }))
}

/// How `date` reads a text: the zone, languages and rounding.
struct DateSettings {
    timezone: chrono_tz::Tz,
    /// Empty: every language ("auto").
    languages: Vec<Language>,
    rounding: Rounding,
}

/// `date`'s settings: its flags, else (with `-c` or `--feed`) the named feed's or the config's
/// own, else UTC, every language and floor rounding.
fn date_settings(
    config: Option<PathBuf>,
    feed: Option<String>,
    language: Option<String>,
    timezone: Option<String>,
    rounding: Option<String>,
) -> Result<DateSettings, u8> {
    let mut s = DateSettings {
        timezone: chrono_tz::Tz::UTC,
        languages: Vec::new(),
        rounding: Rounding::default(),
    };
    if config.is_some() || feed.is_some() {
        let c = load(config)?;
        match feed {
            Some(id) => {
                let Some(f) = c.feeds.iter().find(|f| f.id == id) else {
                    eprintln!("{}: no feed with id {id:?}", c.path.display());
                    return Err(2);
                };
                s.timezone = f.timezone;
                s.languages = f.languages.clone();
                s.rounding = f.rounding;
            }
            None => {
                s.timezone = c.timezone;
                s.languages = c.languages.clone();
            }
        }
    }
    if let Some(language) = language {
        s.languages.clear();
        for code in language.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            if code.eq_ignore_ascii_case("auto") {
                s.languages.clear();
                break;
            }
            match Language::from_code(code) {
                Some(l) => s.languages.push(l),
                None => {
                    let known: Vec<&str> = Language::all().iter().map(|l| l.code()).collect();
                    eprintln!(
                        "pagefeed: unknown language {code:?}; use auto or one of {}",
                        known.join(", ")
                    );
                    return Err(2);
                }
            }
        }
    }
    if let Some(timezone) = timezone {
        let Ok(tz) = timezone.parse::<chrono_tz::Tz>() else {
            eprintln!("pagefeed: {timezone:?} is not an IANA time zone such as Europe/Amsterdam");
            return Err(2);
        };
        s.timezone = tz;
    }
    if let Some(rounding) = rounding {
        let Some(r) = Rounding::from_name(&rounding) else {
            eprintln!("pagefeed: {rounding:?} is not a rounding: use floor or nearest");
            return Err(2);
        };
        s.rounding = r;
    }
    Ok(s)
}

/// A time in `tz`, RFC 3339 to the second.
fn to_second(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

fn date(text: &str, s: &DateSettings, now: Option<DateTime<Utc>>, json: bool) -> u8 {
    let tz = s.timezone;
    let ctx = dates::Context {
        now: now.unwrap_or_else(Utc::now),
        timezone: tz,
        languages: &s.languages,
        rounding: s.rounding,
    };
    match dates::read(text, &ctx) {
        Ok(r) => {
            let (earliest, latest, published) = (
                to_second(r.interval.earliest, tz),
                to_second(r.interval.latest, tz),
                to_second(r.point, tz),
            );
            if json {
                outln!(
                    "{}",
                    serde_json::json!({
                        "earliest": earliest,
                        "latest": latest,
                        "published": published,
                    })
                );
            } else {
                outln!("published {published}");
                outln!("within    ({earliest}, {latest}]");
            }
            0
        }
        Err(e) => {
            eprintln!("pagefeed: {e}");
            1
        }
    }
}
