//! Talking to systemd through `$NOTIFY_SOCKET` (the sd-notify crate): READY, RELOADING,
//! STOPPING, WATCHDOG, and a STATUS line a person understands. Without `$NOTIFY_SOCKET`
//! every call does nothing; a failed send is logged at debug and otherwise ignored.

use sd_notify::NotifyState;
use std::collections::BTreeMap;

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

/// The counts behind the status line, kept up to date as feeds' standings change, so that
/// the line costs the same with ten feeds or ten thousand.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    total: usize,
    fresh: usize,
    waiting: usize,
    /// Failing feeds by id, with why.
    failing: BTreeMap<String, String>,
}

impl Tally {
    /// Count feed `id` standing as `standing`.
    pub fn add(&mut self, id: &str, standing: &Standing) {
        self.total += 1;
        match standing {
            Standing::Waiting => self.waiting += 1,
            Standing::Fresh => self.fresh += 1,
            Standing::Failing(why) => {
                self.failing.insert(id.to_string(), why.clone());
            }
        }
    }

    /// No longer count feed `id` as `standing` (what [`Tally::add`] was given for it).
    pub fn remove(&mut self, id: &str, standing: &Standing) {
        self.total = self.total.saturating_sub(1);
        match standing {
            Standing::Waiting => self.waiting = self.waiting.saturating_sub(1),
            Standing::Fresh => self.fresh = self.fresh.saturating_sub(1),
            Standing::Failing(_) => {
                self.failing.remove(id);
            }
        }
    }

    /// "12 feeds, 11 fresh, 1 failing: buitenland (HTTP 503)". At most three failing feeds
    /// are named, in the order of their ids.
    pub fn line(&self) -> String {
        let noun = if self.total == 1 { "feed" } else { "feeds" };
        let mut line = format!("{} {noun}, {} fresh", self.total, self.fresh);
        let n = self.failing.len();
        if n > 0 {
            let named: Vec<String> = self
                .failing
                .iter()
                .take(3)
                .map(|(id, why)| format!("{id} ({why})"))
                .collect();
            let more = if n > 3 {
                format!(" and {} more", n - 3)
            } else {
                String::new()
            };
            line.push_str(&format!(", {n} failing: {}{more}", named.join(", ")));
        }
        if self.waiting > 0 {
            line.push_str(&format!(", {} not polled yet", self.waiting));
        }
        line
    }
}

/// The status line of `feeds` (see [`Tally::line`]). Pure.
pub fn status_line<'a>(feeds: impl IntoIterator<Item = (&'a str, &'a Standing)>) -> String {
    let mut tally = Tally::default();
    for (id, standing) in feeds {
        tally.add(id, standing);
    }
    tally.line()
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

    /// A tally kept up to date poll by poll says what one counted afresh says.
    #[test]
    fn a_kept_tally_matches_a_fresh_count() {
        let standings = [
            Standing::Waiting,
            Standing::Fresh,
            Standing::Failing("HTTP 503".into()),
            Standing::Failing("timed out".into()),
        ];
        let mut held: Vec<Standing> = vec![Standing::Waiting; 9];
        let mut tally = Tally::default();
        for (n, s) in held.iter().enumerate() {
            tally.add(&format!("f{n}"), s);
        }
        for step in 0..200usize {
            let n = step * 7 % held.len();
            let next = standings[step * 5 % standings.len()].clone();
            let id = format!("f{n}");
            tally.remove(&id, &held[n]);
            tally.add(&id, &next);
            held[n] = next;
            let ids: Vec<String> = (0..held.len()).map(|n| format!("f{n}")).collect();
            let fresh = status_line(ids.iter().map(String::as_str).zip(held.iter()));
            assert_eq!(tally.line(), fresh, "step {step}");
        }
    }
}
