//! A cursor per transcript file: how far it was read, the unfinished last line, and what
//! the file was (device, inode, a hash of its first bytes) to notice a replaced file.

use std::fs::File;
use std::hash::{DefaultHasher, Hasher};
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::store::Update;
use crate::store::facts::{FileFacts, SkipReason};

use super::parse::{self, CustomRule, FileContext, MAX_LINE_BYTES};

/// Bytes per read: large enough that syscalls do not matter, small enough for many threads.
const CHUNK: usize = 1 << 20;
/// How much of a file's beginning identifies it.
const HEAD_BYTES: usize = 4096;

/// Counters of bytes read, shared by the parallel readers.
#[derive(Debug, Default)]
pub struct ReadStats {
    /// Bytes read past a cursor's offset (the transcript data itself).
    pub tail: AtomicU64,
    /// Bytes read again to check a file's identity (at most `HEAD_BYTES` per read).
    pub head: AtomicU64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Identity {
    dev: u64,
    ino: u64,
    head_len: usize,
    head_hash: u64,
}

#[derive(Debug, Default)]
pub struct Cursor {
    pub ctx: FileContext,
    /// Bytes of the file already read (complete lines plus `partial`).
    offset: u64,
    /// The last line, still without its newline.
    partial: Vec<u8>,
    /// Bytes of an over-long last line already dropped (it will be counted `too_long`).
    dropped: u64,
    identity: Option<Identity>,
}

impl Cursor {
    pub fn new(ctx: FileContext) -> Self {
        Cursor {
            ctx,
            ..Cursor::default()
        }
    }

    /// Whether the file was read at least once (so its facts are in the store).
    pub fn seen(&self) -> bool {
        self.identity.is_some()
    }

    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Read what is new in `path`. `Ok(None)`: nothing to report (no new complete line, or
    /// the file vanished before it was ever read).
    pub fn read(
        &mut self,
        path: &Path,
        rules: &[CustomRule],
        stats: &ReadStats,
    ) -> io::Result<Option<Update>> {
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let was_seen = self.seen();
                *self = Cursor::new(std::mem::take(&mut self.ctx));
                return Ok(was_seen.then(|| Update::Removed(path.to_path_buf())));
            }
            Err(e) => return Err(e),
        };
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Ok(None);
        }
        let replace = match &self.identity {
            None => true,
            Some(id) => {
                id.dev != meta.dev()
                    || id.ino != meta.ino()
                    || meta.len() < self.offset
                    || head_hash(&file, id.head_len, stats)? != Some(id.head_hash)
            }
        };
        if replace {
            self.offset = 0;
            self.partial.clear();
            self.dropped = 0;
        }
        file.seek(SeekFrom::Start(self.offset))?;
        let facts = self.read_to_end(&mut file, rules, stats)?;
        let head_len = (self.offset as usize).min(HEAD_BYTES);
        let keep = self
            .identity
            .as_ref()
            .filter(|id| !replace && id.head_len == head_len)
            .map(|id| id.head_hash);
        let head_hash = match keep {
            Some(h) => h,
            None => head_hash(&file, head_len, stats)?.unwrap_or_default(),
        };
        self.identity = Some(Identity {
            dev: meta.dev(),
            ino: meta.ino(),
            head_len,
            head_hash,
        });
        if !replace && facts == FileFacts::default() {
            return Ok(None);
        }
        Ok(Some(Update::File {
            path: path.to_path_buf(),
            facts,
            replace,
        }))
    }

    fn read_to_end(
        &mut self,
        file: &mut File,
        rules: &[CustomRule],
        stats: &ReadStats,
    ) -> io::Result<FileFacts> {
        let mut facts = FileFacts::default();
        let mut buf = std::mem::take(&mut self.partial);
        loop {
            let start = buf.len();
            let n = file.by_ref().take(CHUNK as u64).read_to_end(&mut buf)?;
            if n == 0 {
                break;
            }
            stats.tail.fetch_add(n as u64, Ordering::Relaxed);
            self.offset += n as u64;
            // Lines end only in the new bytes: what was kept had no newline.
            match memchr::memrchr(b'\n', &buf[start..]) {
                Some(i) => {
                    let end = start + i + 1;
                    let mut lines = &buf[..end];
                    if self.dropped > 0 {
                        let first = memchr::memchr(b'\n', lines).map_or(lines.len(), |i| i + 1);
                        facts.lines += 1;
                        facts.bytes += self.dropped + first as u64;
                        *facts.skipped.entry(SkipReason::TooLong).or_default() += 1;
                        self.dropped = 0;
                        lines = &lines[first..];
                    }
                    parse::parse_lines(lines, &self.ctx, rules, &mut facts);
                    buf.drain(..end);
                }
                None if buf.len() > MAX_LINE_BYTES => {
                    self.dropped += buf.len() as u64;
                    buf.clear();
                }
                None => {}
            }
        }
        if buf.capacity() > 2 * CHUNK && buf.len() < CHUNK {
            buf.shrink_to(CHUNK);
        }
        self.partial = buf;
        Ok(facts)
    }
}

/// Hash of the first `len` bytes; `None` when the file is now shorter than that.
fn head_hash(file: &File, len: usize, stats: &ReadStats) -> io::Result<Option<u64>> {
    let mut head = [0u8; HEAD_BYTES];
    let mut got = 0;
    while got < len {
        let n = file.read_at(&mut head[got..len], got as u64)?;
        if n == 0 {
            return Ok(None);
        }
        got += n;
    }
    stats.head.fetch_add(len as u64, Ordering::Relaxed);
    let mut h = DefaultHasher::new();
    h.write(&head[..len]);
    Ok(Some(h.finish()))
}
