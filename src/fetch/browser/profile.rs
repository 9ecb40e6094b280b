//! The browser's profile folders, and that none outlives the process that made it.
//!
//! Profiles live in one folder pagefeed owns, `$TMPDIR/pagefeed-<uid>` (made 0700, and used
//! only where it is a folder of this user's and not a link), each in a folder `<pid>-<n>`
//! named after the process that made it. That process holds an exclusive lock (`flock`) on
//! its profile folder while the profile is in use, and the kernel lets go of the lock when
//! the process ends, however it ends (SIGKILL included). So a profile whose lock can be taken
//! belongs to a process that is gone, and the next browser start of any pagefeed of the user
//! removes it, with any process still named after it; a profile whose lock is held is left
//! alone, whatever its pid says (a pid used again, another pid namespace sharing the folder).
//! Making a profile and sweeping the folder both hold a lock on the folder itself, so a sweep
//! never takes a profile that is being made.
//!
//! A profile is removed when its browser ends (the drop of [`Profile`]), and the folder with
//! the last one. Where nothing else in the process answers SIGTERM, SIGINT or SIGHUP (every
//! command but `run`, which stops its browser as it stops and so removes its profile), such
//! a signal stops every browser of the process, removes their profiles, ends the browsers,
//! and then ends the process by the same signal, as it would have ended without this.

use std::ffi::c_int;
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// Chromium keeps a socket in a folder of its own inside the profile
/// (`/.org.chromium.Chromium.XXXXXX/SingletonSocket`, 46 bytes), and a socket's path may be
/// at most 107 bytes, so a profile's path may be at most 61. A profile's own name is at most
/// 12 bytes with its slash (a pid of 7 digits, a count of 4), which leaves 48 for the folder
/// pagefeed owns; where `$TMPDIR` makes it longer, the folder goes in `/tmp`.
const LONGEST_OWNED: usize = 48;

/// A profile folder in use: locked while this lives, removed when it is dropped.
pub struct Profile {
    path: PathBuf,
    owned: PathBuf,
    /// The open folder, holding the lock that says the profile is in use.
    _lock: File,
}

/// The profiles of this process, and each one's browser (its process group) once started:
/// what a signal ends and removes.
static LIVE: Mutex<Vec<(PathBuf, Option<i32>)>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<(PathBuf, Option<i32>)>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Profile {
    /// A new profile folder, locked, in the folder pagefeed owns; profiles there whose
    /// process is gone are removed first.
    pub fn make() -> io::Result<Profile> {
        let owned = owned_folder();
        // The folder may be removed (by another process, its last profile gone) between its
        // making and its lock: it is made again.
        for _ in 0..5 {
            let folder = open_owned(&owned)?;
            lock(&folder, true)?;
            if folder.metadata()?.nlink() == 0 {
                continue;
            }
            sweep(&owned);
            return make_in(&owned);
        }
        Err(io::Error::other(format!(
            "{} was removed each time it was made",
            owned.display()
        )))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The process group of the browser that uses this profile.
    pub fn started(&self, group: i32) {
        for (path, browser) in live().iter_mut() {
            if *path == self.path {
                *browser = Some(group);
            }
        }
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        // Removed before it is forgotten, so that a signal meanwhile removes it too.
        remove(&self.path);
        live().retain(|(path, _)| *path != self.path);
        remove_if_empty(&self.owned);
    }
}

/// `$TMPDIR/pagefeed-<uid>`, or `/tmp/pagefeed-<uid>` where that would be too long (see
/// [`LONGEST_OWNED`]).
fn owned_folder() -> PathBuf {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let name = format!("pagefeed-{}", unsafe { libc::geteuid() });
    let owned = std::env::temp_dir().join(&name);
    if owned.as_os_str().len() > LONGEST_OWNED {
        return Path::new("/tmp").join(name);
    }
    owned
}

/// The folder pagefeed owns, made where it is missing, and open. It must be a folder (not a
/// link) of this user's; one that others may enter is made private again.
fn open_owned(owned: &Path) -> io::Result<File> {
    match std::fs::DirBuilder::new().mode(0o700).create(owned) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => {
            return Err(io::Error::new(
                e.kind(),
                format!("{}: {e}", owned.display()),
            ));
        }
    }
    let folder = open_folder(owned).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("{} is not a folder pagefeed can use: {e}", owned.display()),
        )
    })?;
    let meta = folder.metadata()?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(io::Error::other(format!(
            "{} belongs to another user (uid {}): remove it, or give pagefeed a TMPDIR of its own",
            owned.display(),
            meta.uid()
        )));
    }
    if meta.mode() & 0o077 != 0 {
        folder.set_permissions(std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(folder)
}

/// A folder opened for its lock, never through a link.
fn open_folder(path: &Path) -> io::Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW)
        .open(path)
}

/// Take `file`'s exclusive lock: waiting for it, or failing at once where it is held.
fn lock(file: &File, wait: bool) -> io::Result<()> {
    let how = if wait {
        libc::LOCK_EX
    } else {
        libc::LOCK_EX | libc::LOCK_NB
    };
    loop {
        // SAFETY: flock on an open descriptor has no memory preconditions.
        if unsafe { libc::flock(file.as_raw_fd(), how) } == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Whether `name` is that of a profile: `<pid>-<n>`.
fn is_profile_name(name: &str) -> bool {
    name.split_once('-').is_some_and(|(pid, n)| {
        [pid, n]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Remove the profiles in `owned` whose lock is free (their process has ended), and the
/// processes still named after them. Called with `owned` locked.
fn sweep(owned: &Path) {
    let Ok(entries) = std::fs::read_dir(owned) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_str().is_some_and(is_profile_name) {
            continue;
        }
        let path = entry.path();
        let Ok(folder) = open_folder(&path) else {
            continue;
        };
        if lock(&folder, false).is_err() {
            continue;
        }
        signal_named(&path, libc::SIGKILL);
        remove(&path);
        tracing::info!(
            "removed the browser profile {} of a pagefeed that ended without removing it",
            path.display()
        );
    }
}

/// A new profile in `owned` (locked), named after this process.
fn make_in(owned: &Path) -> io::Result<Profile> {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    for _ in 0..100 {
        let n = COUNT.fetch_add(1, Ordering::SeqCst);
        let path = owned.join(format!("{}-{n}", std::process::id()));
        match std::fs::DirBuilder::new().mode(0o700).create(&path) {
            Ok(()) => {}
            // The live profile of a process of the same pid in another pid namespace.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
        }
        let locked = open_folder(&path).and_then(|folder| {
            lock(&folder, false)?;
            Ok(folder)
        });
        let folder = match locked {
            Ok(folder) => folder,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&path);
                return Err(e);
            }
        };
        live().push((path.clone(), None));
        return Ok(Profile {
            path,
            owned: owned.to_path_buf(),
            _lock: folder,
        });
    }
    Err(io::Error::other(format!(
        "no free profile name in {}",
        owned.display()
    )))
}

/// Remove a folder and all in it; a process that was still writing as it was ended may add a
/// file as the folder goes, so it is tried a few times.
fn remove(path: &Path) {
    for attempt in 0..5 {
        match std::fs::remove_dir_all(path) {
            Ok(()) => return,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return,
            Err(e) if attempt == 4 => {
                tracing::warn!("cannot remove the browser profile {}: {e}", path.display());
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// Remove the folder pagefeed owns where it holds no profile and no other process is making
/// or sweeping one in it.
fn remove_if_empty(owned: &Path) {
    let Ok(folder) = open_folder(owned) else {
        return;
    };
    if lock(&folder, false).is_ok() {
        // Fails, as it should, where the folder is not empty.
        let _ = std::fs::remove_dir(owned);
    }
}

/// Send `signal` to every process whose command line names `folder` (an argument that is the
/// folder or a file in it; Chromium rewrites its command line with spaces between the
/// arguments): Chromium's crash handler leaves the browser's process group.
pub fn signal_named(folder: &Path, signal: c_int) {
    let folder = folder.as_os_str().as_encoded_bytes();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() as i32 {
            continue;
        }
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let named = cmdline
            .windows(folder.len() + 1)
            .any(|w| w.starts_with(folder) && matches!(w[folder.len()], b'/' | b' ' | 0));
        if named {
            // SAFETY: kill has no memory preconditions; a process gone meanwhile is ESRCH.
            unsafe {
                libc::kill(pid, signal);
            }
        }
    }
}

/// The signals that end a command, answered where nothing else answers them.
const ENDING: [c_int; 3] = [libc::SIGTERM, libc::SIGINT, libc::SIGHUP];

/// Where a signal is written for the thread that ends the browsers (-1: none yet).
static SIGNAL_PIPE: AtomicI32 = AtomicI32::new(-1);

/// Answer SIGTERM, SIGINT and SIGHUP where they would end the process as it is (nothing
/// answers them and they are not ignored): end the browsers and remove their profiles, then
/// end the process by the signal. Done once, at the first browser start; `run`, which
/// answers them itself, is left as it is.
pub fn end_with_signals() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let unanswered: Vec<c_int> = ENDING
            .into_iter()
            .filter(|s| disposition(*s) == Some(libc::SIG_DFL))
            .collect();
        if unanswered.is_empty() {
            return;
        }
        let mut fds = [0; 2];
        // SAFETY: fds has room for the two descriptors pipe2 writes.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            tracing::debug!(
                "no pipe for signals: {}; a signal may leave a profile for the next start to remove",
                io::Error::last_os_error()
            );
            return;
        }
        // SAFETY: pipe2 returned a new open descriptor that nothing else owns.
        let reader = unsafe { File::from_raw_fd(fds[0]) };
        // The handler never waits on a full pipe (one byte is all the thread reads).
        // SAFETY: fcntl on an open descriptor has no memory preconditions.
        unsafe {
            libc::fcntl(fds[1], libc::F_SETFL, libc::O_NONBLOCK);
        }
        SIGNAL_PIPE.store(fds[1], Ordering::SeqCst);
        let started = std::thread::Builder::new()
            .name("pagefeed-signals".into())
            .spawn(move || end_at_signal(reader));
        if let Err(e) = started {
            tracing::debug!("no thread for signals: {e}");
            return;
        }
        for signal in unanswered {
            // SAFETY: a zeroed sigaction is a valid value; the handler only writes to a pipe.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as extern "C" fn(c_int) as libc::sighandler_t;
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(signal, &action, std::ptr::null_mut());
            }
        }
    });
}

/// What the process does at `signal` now.
fn disposition(signal: c_int) -> Option<libc::sighandler_t> {
    // SAFETY: a zeroed sigaction is a valid value for sigaction to fill in.
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: asking only (no new action); old is valid for writing.
    let asked = unsafe { libc::sigaction(signal, std::ptr::null(), &mut old) };
    (asked == 0).then_some(old.sa_sigaction)
}

/// The handler: the signal's number, written to the pipe (async-signal-safe: write alone).
extern "C" fn on_signal(signal: c_int) {
    // SAFETY: errno is saved and restored around write, which is async-signal-safe; the
    // byte is valid for reading.
    unsafe {
        let errno = *libc::__errno_location();
        let byte = signal as u8;
        libc::write(
            SIGNAL_PIPE.load(Ordering::SeqCst),
            (&byte as *const u8).cast(),
            1,
        );
        *libc::__errno_location() = errno;
    }
}

/// The thread that waits for a signal: the browsers are stopped (so that nothing is written
/// into their profiles, and pagefeed does not see them go), their profiles removed, then they
/// are killed and the process ends by the signal.
fn end_at_signal(mut reader: File) {
    let mut byte = [0u8; 1];
    loop {
        match reader.read(&mut byte) {
            Ok(1) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            _ => return,
        }
    }
    let signal = c_int::from(byte[0]);
    let profiles = live().clone();
    let each = |signal: c_int| {
        for (path, group) in &profiles {
            if let Some(group) = group {
                // SAFETY: kill has no memory preconditions; a group gone is ESRCH.
                unsafe {
                    libc::kill(-group, signal);
                }
            }
            signal_named(path, signal);
        }
    };
    each(libc::SIGSTOP);
    for (path, _) in &profiles {
        remove(path);
    }
    each(libc::SIGKILL);
    remove_if_empty(&owned_folder());
    // SAFETY: the default action back, the signal let through to this thread, and raised:
    // the process ends as the signal would have ended it. _exit is the fallback.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = libc::SIG_DFL;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(signal, &action, std::ptr::null_mut());
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, signal);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(signal);
        libc::_exit(128 + signal);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_are_a_pid_and_a_count() {
        assert!(is_profile_name("1234-0"));
        assert!(is_profile_name("7-12"));
        for name in ["1234", "-0", "12-", "a-1", "1-2-3", ".org.chromium", "12-x"] {
            assert!(!is_profile_name(name), "{name}");
        }
    }

    #[test]
    fn a_profile_is_locked_while_it_lives_and_swept_only_once_free() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let owned = dir.path().join("pagefeed-test");
        let folder = open_owned(&owned).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            folder.metadata().map(|m| m.mode() & 0o777).ok(),
            Some(0o700)
        );
        let profile = make_in(&owned).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(profile.path().join("Preferences"), "{}").unwrap_or_else(|e| panic!("{e}"));
        // Left by a process that is gone: nothing holds its lock.
        let stale = owned.join("999999-3");
        std::fs::create_dir_all(stale.join("Default")).unwrap_or_else(|e| panic!("{e}"));
        let other = owned.join("notes");
        std::fs::create_dir(&other).unwrap_or_else(|e| panic!("{e}"));
        sweep(&owned);
        assert!(profile.path().exists(), "a live profile is kept");
        assert!(!stale.exists(), "a stale profile is removed");
        assert!(other.exists(), "what is not a profile is left alone");
        let path = profile.path().to_path_buf();
        drop(profile);
        assert!(!path.exists());
        std::fs::remove_dir(&other).unwrap_or_else(|e| panic!("{e}"));
        drop(folder);
        remove_if_empty(&owned);
        assert!(
            !owned.exists(),
            "the owned folder goes with its last profile"
        );
    }

    #[test]
    fn the_owned_folder_is_never_a_link() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let target = dir.path().join("elsewhere");
        std::fs::create_dir(&target).unwrap_or_else(|e| panic!("{e}"));
        let owned = dir.path().join("pagefeed-test");
        std::os::unix::fs::symlink(&target, &owned).unwrap_or_else(|e| panic!("{e}"));
        let refused = open_owned(&owned).map(|_| ()).expect_err("a link");
        assert!(
            refused
                .to_string()
                .contains("is not a folder pagefeed can use"),
            "{refused}"
        );
    }
}
