//! Logs, to standard error. Under systemd's journal (`$JOURNAL_STREAM` set) each line starts
//! with its syslog priority (`<3>` error, `<4>` warning, `<6>` info, `<7>` debug) and carries
//! no timestamp or colour of its own: journald adds the time and reads the level. On a
//! terminal the lines are tracing's readable default (with colours only when standard error
//! is a terminal). `$PAGEFEED_LOG` filters: a plain level (`debug`) is pagefeed's own, the
//! libraries it uses (the HTML parser, the HTTP client) staying at `warn` unless named
//! (`debug,html5ever=debug`); see [`directives`]. Without it `$RUST_LOG` is read as the
//! usual `tracing` filter, in which a plain level applies to everything.

use std::fmt;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// The syslog priority journald reads from a line's `<N>` prefix.
pub fn priority(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 3,
        Level::WARN => 4,
        Level::INFO => 6,
        Level::DEBUG | Level::TRACE => 7,
    }
}

/// One line per event: `<N>message key=value …`.
pub struct Journal;

impl<S, N> FormatEvent<S, N> for Journal
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        write!(writer, "<{}>", priority(event.metadata().level()))?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// `$PAGEFEED_LOG` as a `tracing` filter: a plain level (`debug`) becomes pagefeed's own
/// level (`pagefeed=debug`), every other target staying at `warn` (or the plain level, where
/// that is quieter: `error`, `off`); directives that name a target (`html5ever=debug`)
/// stay as they are.
pub fn directives(spec: &str) -> String {
    const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];
    let mut others = "warn";
    let mut out: Vec<String> = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match LEVELS.iter().position(|l| l.eq_ignore_ascii_case(part)) {
            Some(n) => {
                others = LEVELS[n.min(2)];
                out.push(format!("pagefeed={}", LEVELS[n]));
            }
            None => out.push(part.to_string()),
        }
    }
    out.insert(0, others.to_string());
    out.join(",")
}

/// Set up logging for the process (journal or terminal, see the module's doc).
pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = match std::env::var("PAGEFEED_LOG") {
        Ok(spec) => directives(&spec),
        Err(_) => std::env::var("RUST_LOG").unwrap_or_else(|_| directives("info")),
    };
    let filter = EnvFilter::try_new(&filter).unwrap_or_else(|_| EnvFilter::new(directives("info")));
    let journal = std::env::var_os("JOURNAL_STREAM").is_some();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    if journal {
        builder.with_ansi(false).event_format(Journal).init();
    } else {
        // Colours only for a person at a terminal, not in a file or a pipe.
        use std::io::IsTerminal;
        builder.with_ansi(std::io::stderr().is_terminal()).init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_level_is_pagefeeds_own() {
        assert_eq!(directives("debug"), "warn,pagefeed=debug");
        assert_eq!(directives("info"), "warn,pagefeed=info");
        assert_eq!(directives("DEBUG"), "warn,pagefeed=debug");
        assert_eq!(
            directives("debug,html5ever=debug"),
            "warn,pagefeed=debug,html5ever=debug"
        );
        assert_eq!(directives("error"), "error,pagefeed=error");
        assert_eq!(directives("off"), "off,pagefeed=off");
        assert_eq!(
            directives("pagefeed::poll=trace"),
            "warn,pagefeed::poll=trace"
        );
        assert_eq!(directives(""), "warn");
        for spec in [
            "debug",
            "debug,html5ever=debug",
            "error",
            "",
            "reqwest=info",
        ] {
            assert!(
                tracing_subscriber::EnvFilter::try_new(directives(spec)).is_ok(),
                "{spec}"
            );
        }
    }

    #[test]
    fn levels_map_to_syslog_priorities() {
        assert_eq!(priority(&Level::ERROR), 3);
        assert_eq!(priority(&Level::WARN), 4);
        assert_eq!(priority(&Level::INFO), 6);
        assert_eq!(priority(&Level::DEBUG), 7);
    }
}
