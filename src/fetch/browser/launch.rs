//! Starting Chromium: where its executable is, the flags it runs with, and the process and
//! its profile folder (see `profile`), which go away together.
//!
//! The browser has no network of its own: every request a page makes is paused by the Fetch
//! domain and answered by pagefeed (see `intercept`), and the browser's own stack is pointed
//! at a proxy port pagefeed holds bound and never listens on, so anything Fetch does not see
//! (WebSockets, service workers, the browser's own background requests) fails to connect.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::AsyncBufReadExt;
use tokio::net::unix::pipe;

use super::cdp::Connection;
use super::memory;
use super::profile::{self, Profile};

/// The names looked for on `PATH` when the config names no browser.
pub const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// The browser executable: the configured one (a name alone is looked for on `path`), else
/// the first of [`NAMES`] on `path`.
pub fn find_executable(configured: Option<&Path>, path: Option<&str>) -> Result<PathBuf, String> {
    let dirs: Vec<PathBuf> = path
        .map(|p| std::env::split_paths(p).collect())
        .unwrap_or_default();
    if let Some(name) = configured.filter(|c| c.components().count() == 1 && c.is_relative()) {
        return dirs
            .iter()
            .map(|dir| dir.join(name))
            .find(|candidate| is_executable(candidate))
            .ok_or_else(|| {
                format!(
                    "no browser {} on PATH (the config's browser): install it or give its path",
                    name.display()
                )
            });
    }
    if let Some(configured) = configured {
        return if is_executable(configured) {
            Ok(configured.to_path_buf())
        } else {
            Err(format!(
                "no browser at {} (the config's browser): install chromium or correct the path",
                configured.display()
            ))
        };
    }
    NAMES
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|candidate| is_executable(candidate))
        .ok_or_else(|| {
            format!(
                "no browser found: install chromium, or set browser = \"/path/to/chromium\" in the config (looked for {} on PATH)",
                NAMES.join(", ")
            )
        })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// How the browser is started.
#[derive(Clone, Debug)]
pub struct Launch {
    pub executable: PathBuf,
    pub profile: PathBuf,
    /// The port of the proxy that never answers.
    pub dead_proxy: u16,
    /// Chromium's own sandbox: off only where it cannot run (as root).
    pub sandbox: bool,
    /// Renderer processes at most (one per rendered poll in flight, and one spare).
    pub renderers: usize,
}

/// The command-line flags: headless, driven over the pipe, no network of its own, no
/// pop-ups, no permission prompts, no background work, a bounded JavaScript heap.
pub fn flags(launch: &Launch) -> Vec<String> {
    let mut flags: Vec<String> = [
        "--headless",
        "--remote-debugging-pipe",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-extensions",
        "--disable-component-update",
        "--disable-background-networking",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-breakpad",
        "--disable-crash-reporter",
        "--disable-domain-reliability",
        "--disable-client-side-phishing-detection",
        "--no-pings",
        "--mute-audio",
        "--hide-scrollbars",
        "--dns-prefetch-disable",
        // window.open and target=_blank open nothing.
        "--block-new-web-contents",
        "--deny-permission-prompts",
        "--password-store=basic",
        "--use-mock-keychain",
        // WebRTC may only use the proxy, which never answers: no UDP to any address (and
        // no candidates to show). The page has no RTCPeerConnection either (`confine`).
        "--webrtc-ip-handling-policy=disable_non_proxied_udp",
        // Loopback goes through the proxy too (Chromium bypasses it by default).
        "--proxy-bypass-list=<-loopback>",
        // One renderer per page rather than one per site: memory stays bounded.
        "--disable-site-isolation-trials",
        "--disable-features=site-per-process,IsolateOrigins,Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
        "--js-flags=--max-old-space-size=256",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    flags.push(format!(
        "--proxy-server=http://127.0.0.1:{}",
        launch.dead_proxy
    ));
    flags.push(format!("--renderer-process-limit={}", launch.renderers));
    flags.push(format!("--user-data-dir={}", launch.profile.display()));
    if !launch.sandbox {
        flags.push("--no-sandbox".into());
    }
    flags.push("about:blank".into());
    flags
}

/// Whether Chromium's sandbox can run: not as root, where Chromium refuses to start with it.
pub fn sandbox_possible() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() != 0 }
}

/// A running browser: its process group, its connection, and its profile folder.
pub struct Process {
    child: tokio::process::Child,
    pub connection: Arc<Connection>,
    /// Removed as this is dropped, after the browser has been killed.
    profile: Profile,
    /// A proxy port held bound so that nothing else takes it; never listened on.
    _dead_proxy: tokio::net::TcpSocket,
    stderr: Arc<Mutex<Vec<String>>>,
    pub pid: u32,
}

impl Process {
    pub fn is_alive(&mut self) -> bool {
        !self.connection.is_closed() && matches!(self.child.try_wait(), Ok(None))
    }

    /// What the browser last said on standard error that looks like the reason it stopped.
    pub fn last_words(&self) -> Option<String> {
        last_words(&self.stderr.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // The browser and every process it started: they share its process group.
        if let Ok(group) = i32::try_from(self.pid) {
            // SAFETY: kill has no memory preconditions; a group that is gone is ESRCH.
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
        }
        let _ = self.child.start_kill();
        let _ = self.child.try_wait();
        // Its crash handler leaves the group (and the tree): it is found by the profile
        // folder its command line names. The profile goes as the fields are dropped.
        profile::signal_named(self.profile.path(), libc::SIGKILL);
    }
}

/// The line of `lines` (the browser's standard error) that says why it failed: the last
/// fatal one, else the last error that is not about D-Bus (always missing on a server) or
/// the crash handler; None where there is none.
fn last_words(lines: &[String]) -> Option<String> {
    let pick = lines
        .iter()
        .rev()
        .find(|l| {
            ["FATAL", "No usable sandbox", "Check failed", " OOM "]
                .iter()
                .any(|w| l.contains(w))
        })
        .or_else(|| {
            // Not D-Bus (always missing on a server), not the crash handler's own trouble.
            lines
                .iter()
                .rev()
                .find(|l| l.contains("ERROR") && !l.contains("dbus") && !l.contains("crashpad"))
        })?;
    // "[pid:tid:date:ERROR:file.cc(12)] message": the message.
    let message = match pick.find("] ") {
        Some(at) if pick.starts_with('[') => &pick[at + 2..],
        _ => pick.as_str(),
    };
    Some(message.chars().take(300).collect())
}

/// A pipe whose ends are above the standard descriptors and 3 and 4, closed on exec.
fn pipe_pair() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: fds has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: pipe2 returned two open descriptors that nothing else owns.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    Ok((high(read)?, high(write)?))
}

/// A copy of `fd` numbered 10 or more (closed on exec), so that the child's dup2 onto 3 and
/// 4 never meets one of its own sources.
fn high(fd: OwnedFd) -> std::io::Result<OwnedFd> {
    // SAFETY: fd is open; F_DUPFD_CLOEXEC returns a new descriptor or -1.
    let copy = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) };
    if copy < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: copy is a new open descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(copy) })
}

/// Start the browser and wait until it answers (at most `within`).
pub async fn start(
    executable: PathBuf,
    renderers: usize,
    max_message: usize,
    within: Duration,
) -> Result<Process, String> {
    let dead_proxy = tokio::net::TcpSocket::new_v4()
        .and_then(|s| {
            s.bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))?;
            Ok(s)
        })
        .map_err(|e| format!("cannot hold a port for the browser's proxy: {e}"))?;
    let port = dead_proxy
        .local_addr()
        .map_err(|e| format!("cannot hold a port for the browser's proxy: {e}"))?
        .port();
    // A signal that ends the process removes the profile first (where `run` does not answer
    // it itself); one left by a process killed outright is removed as this one is made.
    profile::end_with_signals();
    let profile = tokio::task::spawn_blocking(Profile::make)
        .await
        .map_err(|e| e.to_string())
        .and_then(|made| made.map_err(|e| e.to_string()))
        .map_err(|e| format!("cannot make the browser's profile folder: {e}"))?;
    let launch = Launch {
        executable,
        profile: profile.path().to_path_buf(),
        dead_proxy: port,
        sandbox: sandbox_possible(),
        renderers,
    };
    // A failed start drops the profile, which removes it.
    spawn(&launch, profile, dead_proxy, max_message, within).await
}

async fn spawn(
    launch: &Launch,
    profile: Profile,
    dead_proxy: tokio::net::TcpSocket,
    max_message: usize,
    within: Duration,
) -> Result<Process, String> {
    let pipes = || -> std::io::Result<_> { Ok((pipe_pair()?, pipe_pair()?)) };
    let ((commands_read, commands_write), (answers_read, answers_write)) =
        pipes().map_err(|e| format!("cannot make the browser's pipes: {e}"))?;
    let (theirs_in, theirs_out) = (commands_read.as_raw_fd(), answers_write.as_raw_fd());
    // Chromium's own temporary files (shared memory, with --disable-dev-shm-usage) go in
    // the profile folder too, and go with it. (Its crash handler, which leaves the process
    // group, cannot be turned off: without it this build's pages never load. It ends when
    // the browser does.)
    let temporary = &launch.profile;
    let mut command = tokio::process::Command::new(&launch.executable);
    command
        .args(flags(launch))
        .env("TMPDIR", temporary)
        // Its crash handler's database and any other file it keeps under $HOME too.
        .env("HOME", &launch.profile)
        .env("XDG_CONFIG_HOME", launch.profile.join("config"))
        .env("XDG_CACHE_HOME", launch.profile.join("cache"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    // SAFETY: only async-signal-safe calls between fork and exec: dup2 (which clears
    // close-on-exec on the copies), setpgid, prctl and setrlimit.
    unsafe {
        command.pre_exec(move || {
            if libc::dup2(theirs_in, 3) < 0 || libc::dup2(theirs_out, 4) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            // A group of its own, so that it and every process it starts end together.
            if libc::setpgid(0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // Killed when pagefeed dies, however it dies.
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // No process of the browser may hold more private memory than this, nor raise
            // the limit (see `memory`).
            let data = libc::rlimit {
                rlim_cur: memory::DATA_LIMIT,
                rlim_max: memory::DATA_LIMIT,
            };
            if libc::setrlimit(libc::RLIMIT_DATA, &data) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().map_err(|e| {
        format!(
            "cannot start the browser {}: {e}",
            launch.executable.display()
        )
    })?;
    drop(commands_read);
    drop(answers_write);
    let pid = child.id().unwrap_or(0);
    if let Ok(group) = i32::try_from(pid) {
        profile.started(group);
    }
    let stderr = Arc::new(Mutex::new(Vec::new()));
    if let Some(out) = child.stderr.take() {
        let lines = stderr.clone();
        tokio::spawn(async move {
            let mut reader = tokio::io::BufReader::new(out).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                tracing::trace!(target: "pagefeed::browser", "{line}");
                let mut lines = lines.lock().unwrap_or_else(PoisonError::into_inner);
                if lines.len() == 32 {
                    lines.remove(0);
                }
                lines.push(line.chars().take(1000).collect());
            }
        });
    }
    let writer = pipe::Sender::from_owned_fd(commands_write)
        .map_err(|e| format!("cannot use the browser's pipe: {e}"))?;
    let reader = pipe::Receiver::from_owned_fd(answers_read)
        .map_err(|e| format!("cannot use the browser's pipe: {e}"))?;
    let connection = Connection::start(writer, reader, max_message);
    let mut process = Process {
        child,
        connection: connection.clone(),
        profile,
        _dead_proxy: dead_proxy,
        stderr,
        pid,
    };
    let version = tokio::time::timeout(
        within,
        connection.call(None, "Browser.getVersion", serde_json::json!({})),
    )
    .await;
    match version {
        Ok(Ok(version)) => {
            tracing::debug!(
                pid,
                product = version.get("product").and_then(|p| p.as_str()),
                sandbox = launch.sandbox,
                "browser started"
            );
            Ok(process)
        }
        Ok(Err(_)) => {
            // Give its last words a moment to arrive.
            let _ = tokio::time::timeout(Duration::from_secs(1), process.child.wait()).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            Err(format!(
                "the browser {} exited as it started{}",
                launch.executable.display(),
                process
                    .last_words()
                    .map(|w| format!(": {w}"))
                    .unwrap_or_default()
            ))
        }
        Err(_) => Err(format!(
            "the browser {} did not answer within {}s of its start",
            launch.executable.display(),
            within.as_secs()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configured_browser_wins_and_path_is_searched_in_order() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let make = |name: &str, mode: u32| {
            use std::os::unix::fs::PermissionsExt;
            let path = dir.path().join(name);
            std::fs::write(&path, "#!/bin/sh\n").unwrap_or_else(|e| panic!("{e}"));
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
                .unwrap_or_else(|e| panic!("{e}"));
            path
        };
        let chrome = make("google-chrome", 0o755);
        let _not_executable = make("chromium", 0o644);
        let path = format!("/nonexistent:{}", dir.path().display());
        assert_eq!(find_executable(None, Some(&path)), Ok(chrome.clone()));
        let chromium = make("chromium-browser", 0o755);
        assert_eq!(find_executable(None, Some(&path)), Ok(chromium));
        assert_eq!(find_executable(Some(&chrome), None), Ok(chrome));
        let by_name = find_executable(Some(Path::new("google-chrome")), Some(&path));
        assert_eq!(by_name, Ok(dir.path().join("google-chrome")));
        let unknown = find_executable(Some(Path::new("chromium")), Some(&path)).expect_err("x");
        assert!(
            unknown.starts_with("no browser chromium on PATH"),
            "{unknown}"
        );
        let missing = find_executable(None, Some("/nonexistent")).expect_err("none");
        assert!(missing.starts_with("no browser found"), "{missing}");
        let wrong = find_executable(Some(Path::new("/nonexistent/chrome")), None).expect_err("x");
        assert!(wrong.contains("/nonexistent/chrome"), "{wrong}");
    }

    #[test]
    fn the_sandbox_is_dropped_only_when_asked_and_the_network_points_nowhere() {
        let launch = Launch {
            executable: PathBuf::from("/usr/bin/chromium"),
            profile: PathBuf::from("/tmp/p"),
            dead_proxy: 4567,
            sandbox: true,
            renderers: 2,
        };
        let with = flags(&launch);
        assert!(!with.iter().any(|f| f == "--no-sandbox"));
        assert!(with.contains(&"--proxy-server=http://127.0.0.1:4567".to_string()));
        assert!(with.contains(&"--proxy-bypass-list=<-loopback>".to_string()));
        assert!(with.contains(&"--remote-debugging-pipe".to_string()));
        assert!(with.contains(&"--block-new-web-contents".to_string()));
        // The switch Chromium reads (a "--force-" form of it is not one).
        assert!(with.contains(&"--webrtc-ip-handling-policy=disable_non_proxied_udp".to_string()));
        assert!(
            !with
                .iter()
                .any(|f| f.starts_with("--remote-debugging-port"))
        );
        let without = flags(&Launch {
            sandbox: false,
            ..launch
        });
        assert!(without.iter().any(|f| f == "--no-sandbox"));
    }

    #[test]
    fn the_reason_a_browser_stopped_is_its_last_fatal_or_error_line() {
        let lines: Vec<String> = [
            "[1:2:1128/010828.873317:ERROR:dbus/bus.cc:405] Failed to connect to the bus",
            "[1:1:1128/010828.9:FATAL:zygote_host_impl_linux.cc(128)] No usable sandbox! Update your kernel",
            "[1:2:1128/010829.1:ERROR:dbus/bus.cc:405] Failed to connect to the bus",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            last_words(&lines).as_deref(),
            Some("No usable sandbox! Update your kernel")
        );
        // Noise alone says nothing.
        assert_eq!(last_words(&lines[..1]), None);
        assert_eq!(last_words(&[]), None);
        let oom: Vec<String> = [
            "[133:1:1128/015314.919304:ERROR:third_party/blink/renderer/bindings/core/v8/v8_initializer.cc:944] V8 process OOM (Failed to reserve virtual memory for CodeRange).",
            "[1128/015314.919733:ERROR:third_party/crashpad/crashpad/util/linux/scoped_ptrace_attach.cc:27] ptrace: Operation not permitted (1)",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            last_words(&oom).as_deref(),
            Some("V8 process OOM (Failed to reserve virtual memory for CodeRange).")
        );
    }
}
