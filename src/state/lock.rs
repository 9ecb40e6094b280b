//! The state folder's run lock: only one `pagefeed run` uses a state folder at a time (two
//! daemons on one state would poll every site twice). `once`, `status` and the rest take no
//! lock: they share the state with a running daemon, waiting for each other's commits.
//!
//! The lock is an advisory `flock` on `run.lock` in the folder, held as long as the daemon's
//! process lives (the kernel lets it go when the process ends, however it ends); the file
//! holds the holder's process id, so a second daemon can say who holds it.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

/// The lock file inside the state folder.
pub const FILE_NAME: &str = "run.lock";

/// The run lock, held while this lives.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "{dir}: another pagefeed run (pid {pid}) uses this state folder; one run per state folder"
    )]
    Held { dir: PathBuf, pid: String },
    #[error("{path}: cannot take the run lock: {source}")]
    Io { path: PathBuf, source: io::Error },
}

impl RunLock {
    /// Take the run lock of the state folder `dir` (made where missing), at once or not at
    /// all.
    pub fn take(dir: &Path) -> Result<RunLock, LockError> {
        let path = dir.join(FILE_NAME);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        // SAFETY: flock on a descriptor this function owns.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::WouldBlock {
                return Err(io(e));
            }
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            let pid = pid.trim();
            return Err(LockError::Held {
                dir: dir.to_path_buf(),
                pid: if pid.is_empty() { "unknown" } else { pid }.to_string(),
            });
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        Ok(RunLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_one_folder_is_refused_naming_the_holder() {
        let dir = tempfile::tempdir().expect("dir");
        let first = RunLock::take(dir.path()).expect("first");
        // flock locks belong to the open file: a second open in this process is refused too.
        let second = RunLock::take(dir.path()).expect_err("second");
        assert!(
            second
                .to_string()
                .contains(&format!("pid {}", std::process::id())),
            "{second}"
        );
        drop(first);
        RunLock::take(dir.path()).expect("free again");
    }
}
