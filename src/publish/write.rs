//! Putting a feed file on disk so that no reader and no crash ever sees half of it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The largest feed file that is read back to see whether it changed; a larger one (no
/// file pagefeed writes is near this) is simply replaced.
const MAX_COMPARED: u64 = 64 * 1024 * 1024;

/// Write a feed's files, each of `(path, bytes)`, where they do not already hold exactly
/// those bytes. Returns whether any was written.
///
/// The files change together as nearly as a file system allows: every changed
/// file is first written whole to a temporary file beside it and synced; only when all of
/// them are on disk are they renamed into place, one by one in the order given, and the
/// folder synced. A full disk or any other failure before the renames leaves every old file
/// as it was. The renames are not one step: a rename that fails leaves the files renamed
/// before it new and itself and the files after it old (their temporary files removed, the
/// folder not synced), and returns the error; a crash between two renames leaves the same.
/// The state notes the poll as pending until the files are written, and the next poll
/// writes them again.
///
/// An existing file is read only when it is a regular file (not a link, a FIFO or a device)
/// of a sane size, and without following links; anything else there is replaced.
pub fn write_all_if_changed(files: &[(&Path, &[u8])]) -> io::Result<bool> {
    write_all_with(files, &Disk)
}

/// The two steps of a write that put bytes on disk: staging a temporary file, and renaming
/// it into place. [`Disk`] does them; the unit tests below put in steps that fail.
trait Steps {
    fn stage(&self, tmp: &Path, bytes: &[u8]) -> io::Result<()>;
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
}

/// The file system itself.
struct Disk;

impl Steps for Disk {
    fn stage(&self, tmp: &Path, bytes: &[u8]) -> io::Result<()> {
        stage(tmp, bytes)
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }
}

/// [`write_all_if_changed`], staging and renaming with `steps`.
fn write_all_with(files: &[(&Path, &[u8])], steps: &impl Steps) -> io::Result<bool> {
    let mut changed: Vec<(&Path, &[u8])> = Vec::with_capacity(files.len());
    for &(path, bytes) in files {
        if !holds(path, bytes).map_err(|e| with_path(e, path))? {
            changed.push((path, bytes));
        }
    }
    if changed.is_empty() {
        return Ok(false);
    }
    let mut written: Vec<(PathBuf, &Path)> = Vec::with_capacity(changed.len());
    let mut folders: Vec<PathBuf> = Vec::new();
    let staged = (|| {
        for &(path, bytes) in &changed {
            let dir = folder(path);
            fs::create_dir_all(&dir).map_err(|e| with_path(e, &dir))?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            remove_leftovers(&dir, &name);
            let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
            // Noted before it exists, so that a failure half-way removes it too.
            written.push((tmp.clone(), path));
            steps.stage(&tmp, bytes).map_err(|e| with_path(e, path))?;
            if !folders.contains(&dir) {
                folders.push(dir);
            }
        }
        Ok(())
    })();
    if let Err(e) = staged {
        for (tmp, _) in &written {
            let _ = fs::remove_file(tmp);
        }
        return Err(e);
    }
    for (n, (tmp, path)) in written.iter().enumerate() {
        if let Err(e) = steps.rename(tmp, path) {
            for (tmp, _) in &written[n..] {
                let _ = fs::remove_file(tmp);
            }
            return Err(with_path(e, path));
        }
    }
    // The renames themselves are durable only once their folder is synced.
    for dir in &folders {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| with_path(e, dir))?;
    }
    Ok(true)
}

/// Write `bytes` to `path` unless it already holds exactly them; see [`write_all_if_changed`].
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    write_all_if_changed(&[(path, bytes)])
}

/// Whether every file of a feed already holds exactly its bytes (read as [`holds`] does).
pub fn all_hold<P: AsRef<Path>>(files: &[(P, &[u8])]) -> io::Result<bool> {
    for (path, bytes) in files {
        let path = path.as_ref();
        if !holds(path, bytes).map_err(|e| with_path(e, path))? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether `path` is a regular file holding exactly `bytes`. Never follows a link, never
/// opens a FIFO or a device, never reads more than the file's size allows.
fn holds(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "a folder stands where the feed file goes",
        ));
    }
    if !meta.file_type().is_file() || meta.len() != bytes.len() as u64 || meta.len() > MAX_COMPARED
    {
        return Ok(false);
    }
    let mut file = match open_regular(path) {
        Ok(f) => f,
        // Swapped for something else since the look above: replace it.
        Err(_) => return Ok(false),
    };
    let mut old = Vec::with_capacity(bytes.len());
    io::Read::by_ref(&mut file)
        .take(bytes.len() as u64 + 1)
        .read_to_end(&mut old)?;
    Ok(old == bytes)
}

/// Open a file for reading without following a link and without blocking on a FIFO, and
/// only if it is a regular file.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.file_type().is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    Ok(file)
}

/// Write a temporary file whole and sync it.
fn stage(tmp: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    set_readable(tmp)
}

fn folder(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Temporary files of writes that were killed before their rename. Callers hold the state's
/// write lock while writing, so no other writer of `name` is running.
fn remove_leftovers(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let file = file.to_string_lossy();
        if file.starts_with(&prefix) && file.ends_with(".tmp") {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Feed files are for any web server to serve: readable by all, whatever the umask.
#[cfg(unix)]
fn set_readable(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_readable(_: &Path) -> io::Result<()> {
    Ok(())
}

fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_once_then_leaves_an_unchanged_file_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/a.rss");
        assert!(write_if_changed(&path, b"one").expect("write"));
        let before = fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime");
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(!write_if_changed(&path, b"one").expect("write"));
        let after = fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime");
        assert_eq!(before, after);
        assert!(write_if_changed(&path, b"two").expect("write"));
        assert_eq!(fs::read(&path).expect("read"), b"two");
        let leftovers: Vec<_> = fs::read_dir(path.parent().expect("dir"))
            .expect("list")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn an_unwritable_folder_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A regular file where the folder should be: unwritable even for root.
        let not_a_dir = dir.path().join("feeds");
        fs::write(&not_a_dir, b"").expect("write");
        let err = write_if_changed(&not_a_dir.join("a.rss"), b"x").expect_err("not writable");
        assert!(err.to_string().contains("feeds"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn fifos_links_and_devices_are_never_read_only_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("a.rss");
        let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("path");
        // SAFETY: mkfifo reads a NUL-terminated path and nothing else.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let zero = dir.path().join("a.atom");
        std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
        let target = dir.path().join("elsewhere");
        fs::write(&target, b"keep").expect("write");
        let link = dir.path().join("a.json");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let written = write_all_if_changed(&[
            (fifo.as_path(), b"rss".as_slice()),
            (zero.as_path(), b"atom".as_slice()),
            (link.as_path(), b"keep".as_slice()),
        ])
        .expect("written");
        assert!(written);
        for (path, bytes) in [(&fifo, "rss"), (&zero, "atom"), (&link, "keep")] {
            let meta = fs::symlink_metadata(path).expect("there");
            assert!(meta.file_type().is_file(), "{path:?} is a regular file now");
            assert_eq!(fs::read_to_string(path).expect("read"), bytes);
        }
        assert_eq!(
            fs::read(&target).expect("read"),
            b"keep",
            "the link's target untouched"
        );
    }

    /// [`Disk`], but the staging or the rename of the file of index `fails_at` (counted
    /// from 0 in the order they are done) fails: a staging as a full disk does, after half of
    /// the bytes are written; a rename as a failing disk does, having done nothing.
    struct Failing {
        stage_fails_at: Option<usize>,
        rename_fails_at: Option<usize>,
        staged: std::cell::Cell<usize>,
        renamed: std::cell::Cell<usize>,
    }

    impl Failing {
        fn staging(n: usize) -> Failing {
            Failing {
                stage_fails_at: Some(n),
                rename_fails_at: None,
                staged: Default::default(),
                renamed: Default::default(),
            }
        }

        fn renaming(n: usize) -> Failing {
            Failing {
                stage_fails_at: None,
                rename_fails_at: Some(n),
                staged: Default::default(),
                renamed: Default::default(),
            }
        }
    }

    impl Steps for Failing {
        fn stage(&self, tmp: &Path, bytes: &[u8]) -> io::Result<()> {
            let n = self.staged.replace(self.staged.get() + 1);
            if self.stage_fails_at == Some(n) {
                fs::write(tmp, &bytes[..bytes.len() / 2])?;
                return Err(io::Error::from_raw_os_error(libc::ENOSPC));
            }
            Disk.stage(tmp, bytes)
        }

        fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
            let n = self.renamed.replace(self.renamed.get() + 1);
            if self.rename_fails_at == Some(n) {
                return Err(io::Error::from_raw_os_error(libc::EIO));
            }
            Disk.rename(from, to)
        }
    }

    /// A feed's three files, written once with `old` bytes; their paths.
    fn three_files(dir: &Path) -> [PathBuf; 3] {
        let paths = ["f.rss", "f.atom", "f.json"].map(|f| dir.join(f));
        let set: Vec<(&Path, &[u8])> = paths
            .iter()
            .map(|p| (p.as_path(), b"old".as_slice()))
            .collect();
        assert!(write_all_if_changed(&set).expect("first write"));
        paths
    }

    fn contents(paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| fs::read_to_string(p).expect("read"))
            .collect()
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .expect("list")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn a_failed_staging_write_leaves_every_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = three_files(dir.path());
        let new: Vec<(&Path, &[u8])> = paths
            .iter()
            .map(|p| (p.as_path(), b"new".as_slice()))
            .collect();
        let steps = Failing::staging(1);
        let err = write_all_with(&new, &steps).expect_err("the second staging fails");
        let says = format!("f.atom: {}", io::Error::from_raw_os_error(libc::ENOSPC));
        assert!(err.to_string().ends_with(&says), "{err}");
        assert_eq!(steps.staged.get(), 2, "staging stops at the failure");
        assert_eq!(steps.renamed.get(), 0, "nothing is renamed");
        assert_eq!(contents(&paths), ["old", "old", "old"]);
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_failed_rename_leaves_the_files_before_it_new_and_the_rest_old() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = three_files(dir.path());
        let new: Vec<(&Path, &[u8])> = paths
            .iter()
            .map(|p| (p.as_path(), b"new".as_slice()))
            .collect();
        let steps = Failing::renaming(1);
        let err = write_all_with(&new, &steps).expect_err("the second rename fails");
        let says = format!("f.atom: {}", io::Error::from_raw_os_error(libc::EIO));
        assert!(err.to_string().ends_with(&says), "{err}");
        assert_eq!(steps.staged.get(), 3, "every file was staged first");
        assert_eq!(steps.renamed.get(), 2, "renaming stops at the failure");
        // The renames are one by one: the first file is new, the one whose rename failed
        // and the one after it are old. Not together, not all or nothing.
        assert_eq!(contents(&paths), ["new", "old", "old"]);
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
        // The next write puts the rest in place and leaves the new one alone.
        assert!(write_all_if_changed(&new).expect("written"));
        assert_eq!(contents(&paths), ["new", "new", "new"]);
    }

    #[test]
    fn a_set_is_replaced_together_or_not_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let rss = dir.path().join("a.rss");
        let atom = dir.path().join("a.atom");
        write_all_if_changed(&[(rss.as_path(), b"r1".as_slice()), (atom.as_path(), b"a1")])
            .expect("first");
        // The second file cannot be staged (a folder stands where it goes): neither changes.
        let blocked = dir.path().join("blocked");
        fs::create_dir_all(blocked.join("x.atom")).expect("dir");
        let err = write_all_if_changed(&[
            (rss.as_path(), b"r2".as_slice()),
            (blocked.join("x.atom").as_path(), b"a2"),
        ])
        .expect_err("a folder is in the way");
        assert!(err.to_string().contains("x.atom"), "{err}");
        assert_eq!(fs::read(&rss).expect("read"), b"r1");
        let leftovers = fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0);
    }
}
