//! Writing snapshots to disk atomically: a temp file in the same directory, then a rename.
//! On any error the destination is left as it was. Only regular files are written: a
//! symlink is followed to the regular file it names (which is replaced, the link kept);
//! a device, FIFO, socket, directory or dangling link is refused untouched.

use std::io::Write;
use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr, bail};

use crate::model::snapshot::Snapshot;

pub fn write_snapshot(path: &Path, snapshot: &Snapshot) -> Result<()> {
    let text = super::json::render(snapshot)?;
    write_atomic(path, text.as_bytes())
}

/// Where writing `path` really goes: `path` itself, or the regular file a symlink there
/// names. Anything but a regular file (or nothing yet) is refused.
fn destination(path: &Path) -> Result<PathBuf> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(path.to_path_buf()),
        Err(e) => return Err(e).wrap_err_with(|| format!("cannot export to {}", path.display())),
    };
    let (target, t) = if meta.file_type().is_symlink() {
        let target = match std::fs::canonicalize(path) {
            Ok(t) => t,
            Err(e) => bail!(
                "cannot export to {}: a symlink to nothing readable ({e}); refused",
                path.display()
            ),
        };
        let t = std::fs::metadata(&target)
            .wrap_err_with(|| format!("cannot export to {}", path.display()))?
            .file_type();
        (target, t)
    } else {
        (path.to_path_buf(), meta.file_type())
    };
    if t.is_dir() {
        bail!("cannot export to {}: it is a directory", path.display());
    }
    if !t.is_file() {
        bail!(
            "cannot export to {}: not a regular file ({}); only regular files are written",
            path.display(),
            crate::model::files::kind_of(t)
        );
    }
    Ok(target)
}

/// Write `bytes` to `path` through a temp file and a rename. The parent directory must
/// exist; anything at `path` but a regular file (or a symlink to one) is refused.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let shown = path;
    let path = &destination(path)?;
    let name = path
        .file_name()
        .ok_or_else(|| color_eyre::eyre::eyre!("{} is not a file name", path.display()))?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        bail!(
            "cannot export to {}: the directory {} does not exist",
            shown.display(),
            parent.display()
        );
    }
    let tmp = parent.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create_new(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).wrap_err_with(|| format!("cannot export to {}", shown.display()));
    }
    Ok(())
}

/// A new file name in `dir` that does not exist yet: `skilltop-YYYYMMDD-HHMMSS[-N].json`.
pub fn timestamped_path(dir: &Path, now: chrono::DateTime<chrono::Utc>) -> PathBuf {
    let stem = format!("skilltop-{}", now.format("%Y%m%d-%H%M%S"));
    let mut path = dir.join(format!("{stem}.json"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{stem}-{n}.json"));
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("snap.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp file left behind");
    }

    #[test]
    fn refuses_missing_parent_and_directories_without_touching_anything() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_atomic(&dir.path().join("nope/snap.json"), b"x").unwrap_err();
        assert!(format!("{e:#}").contains("does not exist"));
        let e = write_atomic(dir.path(), b"x").unwrap_err();
        assert!(format!("{e:#}").contains("directory"));
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("snap.json");
        std::fs::write(&p, b"precious").unwrap();
        // A leftover temp name that cannot be created (a directory in its place).
        std::fs::create_dir(
            dir.path()
                .join(format!(".snap.json.tmp-{}", std::process::id())),
        )
        .unwrap();
        assert!(write_atomic(&p, b"new").is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"precious");
    }

    #[test]
    fn symlinks_are_followed_to_regular_files_and_nothing_else_is_written() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        std::fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );

        let dev = dir.path().join("null.json");
        std::os::unix::fs::symlink("/dev/null", &dev).unwrap();
        let e = format!("{:#}", write_atomic(&dev, b"x").unwrap_err());
        assert!(e.contains("not a regular file (a character device)"), "{e}");
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
        let e = format!(
            "{:#}",
            write_atomic(Path::new("/dev/null"), b"x").unwrap_err()
        );
        assert!(e.contains("not a regular file"), "{e}");

        let fifo = dir.path().join("fifo.json");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let e = format!("{:#}", write_atomic(&fifo, b"x").unwrap_err());
        assert!(e.contains("a FIFO"), "{e}");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());

        let dangling = dir.path().join("dangling.json");
        std::os::unix::fs::symlink(dir.path().join("nowhere/x"), &dangling).unwrap();
        let e = format!("{:#}", write_atomic(&dangling, b"x").unwrap_err());
        assert!(e.contains("refused"), "{e}");
        assert!(!dir.path().join("nowhere").exists());
    }

    #[test]
    fn timestamped_names_never_collide() {
        let dir = tempfile::tempdir().unwrap();
        let now = "2026-11-20T12:00:00Z".parse().unwrap();
        let a = timestamped_path(dir.path(), now);
        std::fs::write(&a, b"x").unwrap();
        let b = timestamped_path(dir.path(), now);
        assert_ne!(a, b);
        assert!(
            a.to_string_lossy()
                .ends_with("skilltop-20261120-120000.json")
        );
    }
}
