//! Opening files that come from outside the program (transcripts, definitions, the config
//! file, session summaries): only regular files are read, opening never blocks (a FIFO
//! would wait for a writer, `/dev/stdin` for input), and small files have a size cap.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// The cap on a config, session summary or env file: 1 MB.
pub const SMALL_FILE_CAP: u64 = 1_000_000;

/// The cap on a skill, agent or command definition: 4 MB (a long description is still
/// read, and cut to its first 8 KiB).
pub const DEFINITION_CAP: u64 = 4_000_000;

/// Why a file from outside was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Not a regular file (after following symlinks): `kind` is what it is.
    NotRegular {
        kind: &'static str,
    },
    /// Larger than `cap` bytes.
    TooLarge {
        cap: u64,
    },
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular { kind } => {
                write!(f, "not a regular file ({kind}); not read")
            }
            ReadError::TooLarge { cap } => write!(
                f,
                "larger than {}; not read",
                crate::model::format::megabytes(*cap)
            ),
            ReadError::Io(e) => write!(f, "cannot be read: {e}"),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

impl ReadError {
    /// The I/O error kind, `None` for a refused file.
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            ReadError::Io(e) => Some(e.kind()),
            _ => None,
        }
    }
}

/// What a file that is not regular is, in words.
pub fn kind_of(t: std::fs::FileType) -> &'static str {
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_file() {
        "a regular file"
    } else {
        "not a file"
    }
}

/// Open `path` (following symlinks) for reading without blocking, and keep it only when it
/// is a regular file: a FIFO, a device (also through a symlink) or a socket is refused.
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    // O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting; it
    // has no effect on reads of a regular file. O_NOCTTY: a terminal never becomes ours.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?;
    let t = file.metadata()?.file_type();
    if !t.is_file() {
        return Err(ReadError::NotRegular { kind: kind_of(t) });
    }
    Ok(file)
}

/// The bytes of the regular file `path`, at most `cap` of them (a longer file is refused).
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge { cap });
    }
    Ok(bytes)
}

/// [`read_capped`] as text (invalid UTF-8 is an error).
pub fn read_capped_string(path: &Path, cap: u64) -> Result<String, ReadError> {
    let bytes = read_capped(path, cap)?;
    String::from_utf8(bytes)
        .map_err(|e| ReadError::Io(io::Error::new(io::ErrorKind::InvalidData, e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_cap_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, "12345").unwrap();
        assert_eq!(read_capped(&f, 5).unwrap(), b"12345");
        assert!(matches!(
            read_capped(&f, 4),
            Err(ReadError::TooLarge { cap: 4 })
        ));
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_capped(&fifo, 10).unwrap_err();
        assert_eq!(e.to_string(), "not a regular file (a FIFO); not read");
        let link = dir.path().join("zero.md");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let e = read_capped(&link, 10).unwrap_err();
        assert_eq!(
            e.to_string(),
            "not a regular file (a character device); not read"
        );
        assert!(matches!(
            read_capped(dir.path(), 10),
            Err(ReadError::NotRegular {
                kind: "a directory"
            })
        ));
    }
}
