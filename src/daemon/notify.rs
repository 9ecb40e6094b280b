//! Talking to systemd through `$NOTIFY_SOCKET` (the sd-notify crate): READY, RELOADING,
//! STOPPING, WATCHDOG, and a STATUS line a person understands. Without `$NOTIFY_SOCKET`
//! every call does nothing; a failed send is logged at debug and otherwise ignored.

use sd_notify::NotifyState;

fn send(states: &[NotifyState<'_>]) {
    if let Err(e) = sd_notify::notify(states) {
        tracing::debug!("cannot notify systemd: {e}");
    }
}

pub fn ready() {
    send(&[NotifyState::Ready]);
}

/// RELOADING=1, with the MONOTONIC_USEC that systemd 253 and later ask for.
pub fn reloading() {
    match NotifyState::monotonic_usec_now() {
        Ok(m) => send(&[NotifyState::Reloading, m]),
        Err(_) => send(&[NotifyState::Reloading]),
    }
}

pub fn stopping() {
    send(&[NotifyState::Stopping]);
}

pub fn watchdog() {
    send(&[NotifyState::Watchdog]);
}

pub fn status(line: &str) {
    send(&[NotifyState::Status(line)]);
}

/// How often to ping the watchdog: half of `$WATCHDOG_USEC`, when it is set for us.
pub fn watchdog_period() -> Option<std::time::Duration> {
    sd_notify::watchdog_enabled()
        .filter(|d| !d.is_zero())
        .map(|d| d / 2)
}

/// How a feed stands, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Not polled yet.
    Waiting,
    /// The last poll succeeded.
    Fresh,
    /// The last poll failed, in a few words ("HTTP 503").
    Failing(String),
}

/// "12 feeds, 11 fresh, 1 failing: buitenland (HTTP 503)". At most three failing feeds are
/// named. Pure.
pub fn status_line<'a>(feeds: impl IntoIterator<Item = (&'a str, &'a Standing)>) -> String {
    let (mut total, mut fresh, mut waiting) = (0, 0, 0);
    let mut failing: Vec<String> = Vec::new();
    for (id, standing) in feeds {
        total += 1;
        match standing {
            Standing::Waiting => waiting += 1,
            Standing::Fresh => fresh += 1,
            Standing::Failing(why) => failing.push(format!("{id} ({why})")),
        }
    }
    failing.sort();
    let noun = if total == 1 { "feed" } else { "feeds" };
    let mut line = format!("{total} {noun}, {fresh} fresh");
    if !failing.is_empty() {
        let n = failing.len();
        let named: Vec<String> = failing.into_iter().take(3).collect();
        let more = if n > 3 {
            format!(" and {} more", n - 3)
        } else {
            String::new()
        };
        line.push_str(&format!(", {n} failing: {}{more}", named.join(", ")));
    }
    if waiting > 0 {
        line.push_str(&format!(", {waiting} not polled yet"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_reads_like_a_sentence() {
        let fresh = Standing::Fresh;
        let bad = Standing::Failing("HTTP 503".into());
        let mut feeds: Vec<(String, &Standing)> =
            (0..11).map(|n| (format!("f{n}"), &fresh)).collect();
        feeds.push(("buitenland".into(), &bad));
        let line = status_line(feeds.iter().map(|(id, s)| (id.as_str(), *s)));
        assert_eq!(line, "12 feeds, 11 fresh, 1 failing: buitenland (HTTP 503)");
        let waiting = Standing::Waiting;
        assert_eq!(
            status_line([("a", &waiting)]),
            "1 feed, 0 fresh, 1 not polled yet"
        );
    }
}
