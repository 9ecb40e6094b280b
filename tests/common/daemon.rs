//! `pagefeed run` as the end-to-end tests drive it: started with its log in a file and its
//! systemd notifications collected on a datagram socket, signalled, stopped, measured.

use super::Workspace;
use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Wait until `cond` holds, or fail after `limit` with `what`.
pub fn wait_for(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// A running `pagefeed run`, its log in a file and its notifications collected.
pub struct Daemon {
    pub child: Child,
    log: PathBuf,
    notes: Arc<Mutex<Vec<String>>>,
}

impl Daemon {
    pub fn start(ws: &Workspace, env: &[(&str, &str)]) -> Daemon {
        let log = ws.path("daemon.log");
        let socket_path = ws.path("notify.sock");
        let _ = std::fs::remove_file(&socket_path);
        let socket = UnixDatagram::bind(&socket_path).expect("bind notify socket");
        let notes = Arc::new(Mutex::new(Vec::new()));
        let sink = notes.clone();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 4096];
            while let Ok(n) = socket.recv(&mut buf) {
                let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                if let Ok(mut s) = sink.lock() {
                    s.push(text);
                }
            }
        });
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pagefeed"));
        cmd.arg("run")
            .arg("-c")
            .arg(ws.path("pagefeed.toml"))
            .env_remove("PAGEFEED_CONFIG")
            .env_remove("STATE_DIRECTORY")
            .env_remove("JOURNAL_STREAM")
            .env_remove("WATCHDOG_USEC")
            .env_remove("WATCHDOG_PID")
            .env("NOTIFY_SOCKET", &socket_path)
            .env("PAGEFEED_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("start pagefeed run");
        Daemon { child, log, notes }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn notes(&self) -> Vec<String> {
        self.notes.lock().map(|n| n.clone()).unwrap_or_default()
    }

    pub fn noted(&self, what: &str) -> bool {
        self.notes()
            .iter()
            .any(|n| n.lines().any(|l| l.starts_with(what)))
    }

    pub fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill")
            .success();
        assert!(ok, "kill -{name}");
    }

    /// SIGTERM; the exit status (within 10 s), how long it took, the log and every
    /// notification received.
    pub fn stop(mut self) -> Stopped {
        self.signal("TERM");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                let took = start.elapsed();
                std::thread::sleep(Duration::from_millis(100));
                return Stopped {
                    code: status.code().unwrap_or(-1),
                    took,
                    log: self.log(),
                    notes: self.notes(),
                };
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no exit within 10 s of SIGTERM:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The exit status, where the process has ended.
    pub fn exited(&mut self) -> Option<i32> {
        self.child
            .try_wait()
            .expect("wait")
            .map(|s| s.code().unwrap_or(-1))
    }

    /// Resident memory in kB. A memory assertion that cannot read it fails, never passes.
    pub fn rss_kb(&self) -> u64 {
        let path = format!("/proc/{}/status", self.child.id());
        let status = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {path} to measure memory: {e}"));
        status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no VmRSS line in {path}"))
    }
}

pub struct Stopped {
    pub code: i32,
    pub took: Duration,
    pub log: String,
    pub notes: Vec<String>,
}

impl Stopped {
    pub fn noted(&self, what: &str) -> bool {
        self.notes
            .iter()
            .any(|n| n.lines().any(|l| l.starts_with(what)))
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
