//! The config file as a file: read only where it is a regular file of a config's size (a
//! FIFO or a device named as the config would hang a command or fill its memory), and
//! changed only whole — a new file written beside it, synced, with the original's mode and
//! owner, then renamed into place — so that a failure (a full disk) leaves it as it was.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The largest config read: a hundred thousand feeds fit well within it.
pub const MAX_CONFIG_BYTES: u64 = 32 * 1024 * 1024;

/// The text of the config at `path`: a regular file (a link to one is followed) of at most
/// [`MAX_CONFIG_BYTES`], in UTF-8. `Ok(None)` where there is no file.
pub fn read(path: &Path) -> io::Result<Option<String>> {
    let file = match open_regular(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut text = String::new();
    file.take(MAX_CONFIG_BYTES + 1).read_to_string(&mut text)?;
    if text.len() as u64 > MAX_CONFIG_BYTES {
        return Err(too_large());
    }
    Ok(Some(text))
}

fn too_large() -> io::Error {
    io::Error::other(format!(
        "larger than {} MiB: not a config",
        MAX_CONFIG_BYTES / 1024 / 1024
    ))
}

/// Open `path` for reading only where it is a regular file: opened without waiting (a FIFO
/// with no writer does not block), then checked by its descriptor.
fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(too_large());
    }
    // Reads from here wait as for any file.
    set_blocking(&file)?;
    Ok(file)
}

fn set_blocking(file: &File) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor this function's caller owns, reading and setting its
    // status flags only.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Replace the file at `path` with `text`, whole or not at all: `text` goes to a new file in
/// the same folder (with the mode and owner of the file it replaces, or the umask's for a new
/// one), is synced, and is renamed over `path`; the folder is synced. On any failure the new
/// file is removed and `path` is as it was.
pub fn replace(path: &Path, text: &str) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config".into());
    let new = dir.join(format!(".{name}.new-{}", std::process::id()));
    let before = std::fs::metadata(path).ok();
    let written = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).open(&new)?;
        if let Some(meta) = &before {
            use std::os::unix::fs::{MetadataExt, PermissionsExt};
            file.set_permissions(std::fs::Permissions::from_mode(meta.mode() & 0o7777))?;
            // The owner too, where this process may give it (as root, editing a config that
            // belongs to another user); otherwise the file is this user's, as any new file.
            let _ = std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid()));
        }
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&new, path)?;
        File::open(&dir)?.sync_all()
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&new);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_or_a_device_is_refused_without_waiting() {
        let dir = tempfile::tempdir().expect("dir");
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("path");
        // SAFETY: mkfifo with a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read(&fifo).expect_err("a FIFO");
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let e = read(Path::new("/dev/zero")).expect_err("a device");
        assert!(e.to_string().contains("not a regular file"), "{e}");
        assert_eq!(read(&dir.path().join("none")).expect("nothing"), None);
    }

    #[test]
    fn replace_keeps_the_mode_and_leaves_nothing_beside() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("p.toml");
        std::fs::write(&path, "a = 1\n").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        replace(&path, "a = 2\n").expect("replace");
        assert_eq!(read(&path).expect("read").as_deref(), Some("a = 2\n"));
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
