//! The bound on a rendered page's memory.
//!
//! The JavaScript heap is capped by a flag (see `launch`), but ArrayBuffers, WebAssembly
//! memory, the DOM and decoded images live outside it. Two bounds hold the rest:
//!
//! - **pagefeed watches.** While a page renders, every 100 ms, the resident memory of each
//!   renderer process of its browser (the processes of the browser's process group started
//!   with `--type=renderer`) is read from `/proc`, and a renderer past [`RENDERER_BOUND`] is
//!   killed. The render whose tab it held fails with one line naming the bound; the browser
//!   lives on for the next poll.
//! - **the kernel.** Every process of the browser runs with `RLIMIT_DATA` at [`DATA_LIMIT`]
//!   (set before the browser is executed, soft and hard, so that no process of it can raise
//!   it, and inherited by every process it starts; Chromium's own sandbox only ever lowers
//!   it): private writable memory past that is refused, whatever the watch sees. A page that
//!   allocates faster than the watch looks, or without touching what it allocates (which
//!   takes no resident memory until it is touched), gets an allocation error instead.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

const MIB: u64 = 1024 * 1024;

/// The most resident memory a renderer may hold before it is killed. A page at the body
/// cap (10 MiB of markup, or of text in one node) takes a renderer up to about 830 MiB.
pub const RENDERER_BOUND: u64 = 1024 * MIB;

/// `RLIMIT_DATA` of every process of the browser: twice the bound, since a renderer maps
/// more private memory than it holds resident (about 1.3 GiB for a page at the body cap).
pub const DATA_LIMIT: u64 = 2048 * MIB;

/// How often the renderers are looked at.
const LOOK_EVERY: Duration = Duration::from_millis(100);

/// How long a kill waits to be claimed by the render whose tab it ended.
const CLAIM_WITHIN: Duration = Duration::from_secs(60);

/// The renderers killed for their memory, each to be claimed by the render whose tab it held
/// (the one that sees its renderer go).
#[derive(Debug, Default)]
pub struct Kills(Mutex<Vec<Kill>>);

#[derive(Debug)]
struct Kill {
    pid: i32,
    /// The resident memory the renderer held, in bytes.
    resident: u64,
    at: Instant,
    claimed: bool,
}

impl Kills {
    /// Note the kill of renderer `pid`, once (the watches of two renders in flight may both
    /// see it).
    fn note(&self, pid: i32, resident: u64) {
        let mut kills = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        kills.retain(|k| k.at.elapsed() < CLAIM_WITHIN);
        if kills.iter().any(|k| k.pid == pid) {
            return;
        }
        kills.push(Kill {
            pid,
            resident,
            at: Instant::now(),
            claimed: false,
        });
    }

    /// For a render begun at `since` whose renderer went: the memory its renderer held, where
    /// the watch killed one since then that no other render has claimed.
    pub fn claim(&self, since: Instant) -> Option<u64> {
        let mut kills = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let kill = kills.iter_mut().find(|k| !k.claimed && k.at >= since)?;
        kill.claimed = true;
        Some(kill.resident)
    }
}

/// The render's error where its renderer was killed holding `resident` bytes.
pub fn too_much(resident: u64) -> String {
    format!(
        "the page took more than {} MiB of memory (its renderer held {} MiB) and was stopped",
        RENDERER_BOUND / MIB,
        resident / MIB
    )
}

/// Watch the renderers of the browser whose process group is `group`, killing those past
/// [`RENDERER_BOUND`], until the task is aborted.
pub fn watch(group: i32, kills: Arc<Kills>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(LOOK_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Ok(over) = tokio::task::spawn_blocking(move || over_bound(group)).await else {
                continue;
            };
            for (pid, resident) in over {
                kills.note(pid, resident);
                // SAFETY: kill has no memory preconditions; a process gone meanwhile is ESRCH.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
                tracing::debug!(
                    pid,
                    resident_mib = resident / MIB,
                    "killed a renderer past the {} MiB bound",
                    RENDERER_BOUND / MIB
                );
            }
        }
    })
}

/// The renderers of process group `group` that hold more than [`RENDERER_BOUND`] resident:
/// their pids and resident bytes.
fn over_bound(group: i32) -> Vec<(i32, u64)> {
    // SAFETY: sysconf has no preconditions.
    let page = u64::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
    let mut over = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return over;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let path = entry.path();
        let in_group = std::fs::read_to_string(path.join("stat"))
            .ok()
            .and_then(|stat| process_group(&stat))
            == Some(group);
        if !in_group {
            continue;
        }
        let Some(resident) = std::fs::read_to_string(path.join("statm"))
            .ok()
            .and_then(|statm| resident_pages(&statm))
            .map(|pages| pages.saturating_mul(page))
        else {
            continue;
        };
        if resident <= RENDERER_BOUND {
            continue;
        }
        let renderer = std::fs::read(path.join("cmdline")).is_ok_and(|c| is_renderer(&c));
        if renderer {
            over.push((pid, resident));
        }
    }
    over
}

/// Whether a `/proc/<pid>/cmdline` is a renderer's: it has the argument `--type=renderer`.
/// Chromium rewrites its command line as one string, its arguments parted by spaces rather
/// than NUL bytes, so either ends an argument.
fn is_renderer(cmdline: &[u8]) -> bool {
    cmdline
        .split(|b| *b == 0 || *b == b' ')
        .any(|argument| argument == b"--type=renderer")
}

/// The process group of a `/proc/<pid>/stat` line: the fifth field, counted after the
/// command's name (which may hold spaces and parentheses) closes.
fn process_group(stat: &str) -> Option<i32> {
    let (_, after) = stat.rsplit_once(')')?;
    after.split_whitespace().nth(2)?.parse().ok()
}

/// The resident pages of a `/proc/<pid>/statm` line: its second field.
fn resident_pages(statm: &str) -> Option<u64> {
    statm.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_lines_are_read_past_a_name_with_spaces() {
        let stat = "4242 (Chrome_Child (x) 1) S 4200 4100 4100 0 -1 4194560 1 0";
        assert_eq!(process_group(stat), Some(4100));
        assert_eq!(process_group("garbage"), None);
        assert_eq!(
            resident_pages("370566 37431 9840 36 0 96105 0"),
            Some(37431)
        );
        assert_eq!(resident_pages("1"), None);
        assert!(is_renderer(
            b"/usr/lib/chromium/chromium --type=renderer --lang=en"
        ));
        assert!(is_renderer(b"chromium\0--type=renderer\0"));
        assert!(!is_renderer(
            b"chromium --type=renderers --type=gpu-process"
        ));
    }

    #[test]
    fn a_kill_is_noted_once_and_claimed_once_by_a_render_begun_before_it() {
        let kills = Kills::default();
        let before = Instant::now();
        kills.note(4242, 1100 * MIB);
        kills.note(4242, 1200 * MIB);
        let after = Instant::now() + Duration::from_secs(1);
        assert_eq!(kills.claim(after), None);
        assert_eq!(kills.claim(before), Some(1100 * MIB));
        assert_eq!(
            kills.claim(before),
            None,
            "one kill, noted once, claimed once"
        );
        assert!(too_much(1100 * MIB).contains("more than 1024 MiB"));
    }

    #[test]
    fn this_process_is_found_by_its_group() {
        // SAFETY: getpgrp has no preconditions.
        let group = unsafe { libc::getpgrp() };
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        assert_eq!(process_group(&stat), Some(group));
    }
}
