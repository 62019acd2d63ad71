//! A cursor per transcript file: how far it was read, the unfinished last line, and what
//! the file was (device, inode, a hash of its first bytes and of the last bytes read, its
//! modification time) to notice a replaced or rewritten file.

use std::fs::File;
use std::hash::{DefaultHasher, Hasher};
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::model::facts::Update;
use crate::model::facts::{FileFacts, SkipReason};
use crate::model::files::ReadError;

use super::parse::{self, FileContext, MAX_LINE_BYTES};
use crate::settings::config::CustomRule;

/// Bytes per read: large enough that syscalls do not matter, small enough for many threads.
const CHUNK: usize = 1 << 20;
/// How much of a file's beginning identifies it.
const HEAD_BYTES: usize = 4096;

/// Counters of bytes read, shared by the parallel readers.
#[derive(Debug, Default)]
pub struct ReadStats {
    /// Bytes read past a cursor's offset (the transcript data itself).
    pub tail: AtomicU64,
    /// Bytes read again to check a file's identity (its first and its last `HEAD_BYTES`
    /// already read, at most twice each per read).
    pub head: AtomicU64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Identity {
    dev: u64,
    ino: u64,
    head_len: usize,
    head_hash: u64,
    /// The last bytes read: `offset - tail_len .. offset`; 0 bytes while the head window
    /// covers the whole read part.
    tail_len: usize,
    tail_hash: u64,
    /// Modification time (seconds, nanoseconds) when last read.
    mtime: (i64, i64),
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
    /// The last line had no newline but was a whole JSON object, so it was counted: a
    /// newline appended later ends that line and is not a line of its own.
    counted_final: bool,
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

    /// Read what is new in `path`. `Ok(None)`: nothing to report (no new complete line, or
    /// the file vanished before it was ever read).
    pub fn read(
        &mut self,
        path: &Path,
        rules: &[CustomRule],
        stats: &ReadStats,
    ) -> io::Result<Option<Update>> {
        // Never blocks: a FIFO or a device (also behind a symlink) is refused unopened.
        let mut file = match crate::model::files::open_regular(path) {
            Ok(f) => f,
            Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::NotFound => {
                let was_seen = self.seen();
                *self = Cursor::new(std::mem::take(&mut self.ctx));
                return Ok(was_seen.then(|| Update::Removed(path.to_path_buf())));
            }
            Err(ReadError::Io(e)) => return Err(e),
            Err(e) => return Err(io::Error::other(e.to_string())),
        };
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Ok(None);
        }
        let replace = match &self.identity {
            None => true,
            Some(id) => {
                let tail_start = self.offset - id.tail_len as u64;
                id.dev != meta.dev()
                    || id.ino != meta.ino()
                    || meta.len() < self.offset
                    // Nothing appended but modified: an edit in place (same size); re-read.
                    || (meta.len() == self.offset && (meta.mtime(), meta.mtime_nsec()) != id.mtime)
                    || head_hash(&file, id.head_len, stats)? != Some(id.head_hash)
                    || window_hash(&file, tail_start, id.tail_len, stats)? != Some(id.tail_hash)
            }
        };
        if replace {
            self.offset = 0;
            self.partial.clear();
            self.dropped = 0;
            self.counted_final = false;
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
        // The last bytes read, when the head does not already cover them.
        let tail_len = if self.offset as usize > HEAD_BYTES {
            (self.offset as usize - HEAD_BYTES).min(HEAD_BYTES)
        } else {
            0
        };
        let tail_start = self.offset - tail_len as u64;
        let tail_hash = window_hash(&file, tail_start, tail_len, stats)?.unwrap_or_default();
        // After the read: an append racing it shows as a longer file next time.
        let after = file.metadata()?;
        self.identity = Some(Identity {
            dev: meta.dev(),
            ino: meta.ino(),
            head_len,
            head_hash,
            tail_len,
            tail_hash,
            mtime: (after.mtime(), after.mtime_nsec()),
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
        if self.offset == 0 {
            facts.agent.clone_from(&self.ctx.agent);
        }
        let mut buf = std::mem::take(&mut self.partial);
        loop {
            let start = buf.len();
            let n = file.by_ref().take(CHUNK as u64).read_to_end(&mut buf)?;
            if n == 0 {
                break;
            }
            stats.tail.fetch_add(n as u64, Ordering::Relaxed);
            self.offset += n as u64;
            if std::mem::take(&mut self.counted_final) && buf.first() == Some(&b'\n') {
                // The newline of the line already counted (`start` is 0: `partial` was empty).
                buf.remove(0);
                facts.bytes += 1;
                if buf.is_empty() {
                    continue;
                }
            }
            let start = start.min(buf.len());
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
        // A last line without its newline that is a whole JSON object is a complete entry
        // (copies made by backup and checkpoint tools end so). An unfinished line being
        // written is never a whole object, so it waits for the rest.
        if self.dropped == 0 && is_whole_object(&buf) {
            parse::parse_lines(&buf, &self.ctx, rules, &mut facts);
            buf.clear();
            self.counted_final = true;
        }
        // Only an unfinished line stays (usually nothing): keeping the read buffer of every
        // file would cost a megabyte per transcript.
        buf.shrink_to_fit();
        self.partial = buf;
        Ok(facts)
    }
}

/// A line (without newline) that parses as one whole JSON object.
fn is_whole_object(line: &[u8]) -> bool {
    let line = line.trim_ascii();
    line.first() == Some(&b'{')
        && line.last() == Some(&b'}')
        && serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok()
}

/// Hash of the first `len` bytes; `None` when the file is now shorter than that.
fn head_hash(file: &File, len: usize, stats: &ReadStats) -> io::Result<Option<u64>> {
    window_hash(file, 0, len, stats)
}

/// Hash of `len` (at most `HEAD_BYTES`) bytes from `start`; `None` when the file is now
/// shorter than that.
fn window_hash(file: &File, start: u64, len: usize, stats: &ReadStats) -> io::Result<Option<u64>> {
    let mut head = [0u8; HEAD_BYTES];
    let len = len.min(HEAD_BYTES);
    let mut got = 0;
    while got < len {
        let n = file.read_at(&mut head[got..len], start + got as u64)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    /// Realistic lines, one of them with multi-byte text so splits fall inside characters.
    fn sample() -> Vec<u8> {
        let mut s = String::new();
        for i in 0..6 {
            s += &format!(
                r#"{{"type":"assistant","sessionId":"s","timestamp":"2026-01-0{d}T00:00:00Z","cwd":"/p","message":{{"id":"m{i}","content":[{{"type":"tool_use","id":"t{i}","name":"Skill","input":{{"skill":"sk{i}"}}}}],"usage":{{"output_tokens":{i}}}}}}}"#,
                d = i + 1
            );
            s.push('\n');
            s += &format!(
                r#"{{"type":"user","sessionId":"s","timestamp":"2026-01-0{d}T00:00:01Z","message":{{"content":"prompt ünïcödé {i} 🙂"}}}}"#,
                d = i + 1
            );
            s.push('\n');
        }
        s += "{broken\n";
        s.into_bytes()
    }

    fn read(cursor: &mut Cursor, path: &Path, stats: &ReadStats) -> Option<Update> {
        cursor.read(path, &[], stats).unwrap()
    }

    fn whole(bytes: &[u8]) -> FileFacts {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        std::fs::write(&path, bytes).unwrap();
        match read(
            &mut Cursor::new(FileContext::default()),
            &path,
            &ReadStats::default(),
        ) {
            Some(Update::File { facts, .. }) => facts,
            other => panic!("{other:?}"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_chunking_of_appends_equals_reading_whole(cuts in proptest::collection::vec(0usize..2000, 0..12)) {
            let data = sample();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (data.len() + 1)).collect();
            cuts.push(data.len());
            cuts.sort();
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("s.jsonl");
            let mut f = std::fs::File::create(&path).unwrap();
            let mut cursor = Cursor::new(FileContext::default());
            let stats = ReadStats::default();
            let mut acc = FileFacts::default();
            let mut at = 0;
            for cut in cuts {
                f.write_all(&data[at..cut]).unwrap();
                at = cut;
                match read(&mut cursor, &path, &stats) {
                    Some(Update::File { facts, replace, .. }) => {
                        if replace { acc = facts } else { acc.extend(facts) }
                    }
                    None => {}
                    other => panic!("{other:?}"),
                }
            }
            prop_assert_eq!(acc, whole(&data));
            prop_assert_eq!(stats.tail.load(Ordering::Relaxed), data.len() as u64, "every byte read once");
        }
    }

    #[test]
    fn a_partial_line_waits_and_an_append_reads_only_new_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        let data = sample();
        let split = data.len() - 20;
        std::fs::write(&path, &data[..split]).unwrap();
        let stats = ReadStats::default();
        let mut c = Cursor::new(FileContext::default());
        let first = read(&mut c, &path, &stats);
        assert!(matches!(first, Some(Update::File { replace: true, .. })));
        let before = stats.tail.load(Ordering::Relaxed);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(&data[split..]).unwrap();
        read(&mut c, &path, &stats);
        assert_eq!(stats.tail.load(Ordering::Relaxed) - before, 20);
        assert!(stats.head.load(Ordering::Relaxed) <= 2 * HEAD_BYTES as u64);
    }

    /// A big file (over two head windows) of skill calls named `sk0`, `sk1`, ...
    fn big(names: &[&str]) -> Vec<u8> {
        let mut s = String::new();
        for (i, n) in names.iter().enumerate() {
            s += &format!(
                r#"{{"type":"assistant","sessionId":"s","timestamp":"2026-01-01T00:00:00Z","message":{{"id":"m{i}","content":[{{"type":"tool_use","id":"t{i:04}","name":"Skill","input":{{"skill":"{n}"}}}}]}}}}"#
            );
            s.push('\n');
        }
        s.into_bytes()
    }

    fn skills(u: Option<Update>) -> (bool, Vec<String>) {
        match u {
            Some(Update::File { facts, replace, .. }) => (
                replace,
                facts
                    .calls
                    .iter()
                    .map(|c| format!("{:?}", c.kind))
                    .collect(),
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rewrites_in_place_past_the_head_are_seen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        let names: Vec<String> = (0..200).map(|i| format!("sk{i:03}")).collect();
        let mut names: Vec<&str> = names.iter().map(String::as_str).collect();
        let data = big(&names);
        assert!(data.len() > 3 * HEAD_BYTES);
        std::fs::write(&path, &data).unwrap();
        let stats = ReadStats::default();
        let mut c = Cursor::new(FileContext::default());
        read(&mut c, &path, &stats);

        // Same first 4 KiB, the end rewritten and a line appended: read again, whole.
        names[199] = "zz9";
        names.push("new");
        std::fs::write(&path, big(&names)).unwrap();
        let (replace, calls) = skills(read(&mut c, &path, &stats));
        assert!(replace, "the rewrite is seen");
        assert_eq!(calls.len(), 201);
        let all = calls.join(" ");
        assert!(all.contains("zz9") && !all.contains("sk199"), "{all}");

        // Same size, an edit in the middle (past the head, before the tail window): the
        // modification time without growth is the doubt that makes it re-read.
        names[100] = "mid";
        let edited = big(&names);
        std::fs::write(&path, &edited).unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
            .unwrap();
        let (replace, calls) = skills(read(&mut c, &path, &stats));
        assert!(replace);
        let all = calls.join(" ");
        assert!(all.contains("mid") && !all.contains("sk100"), "{all}");
        // Nothing changed: nothing to report.
        assert!(read(&mut c, &path, &stats).is_none());
    }

    #[test]
    fn truncation_replacement_and_deletion() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        let data = sample();
        std::fs::write(&path, &data).unwrap();
        let stats = ReadStats::default();
        let mut c = Cursor::new(FileContext::default());
        read(&mut c, &path, &stats);

        // Truncated to its first line: read again, whole, replacing the old facts.
        let first_line = memchr::memchr(b'\n', &data).unwrap() + 1;
        std::fs::write(&path, &data[..first_line]).unwrap();
        match read(&mut c, &path, &stats) {
            Some(Update::File { facts, replace, .. }) => {
                assert!(replace);
                assert_eq!(facts.calls.len(), 1);
            }
            other => panic!("{other:?}"),
        }

        // Replaced by another file of the same length with other content.
        let other = data[..first_line].to_vec().repeat(1);
        let mut changed = other.clone();
        let pos = changed.windows(3).position(|w| w == b"sk0").unwrap();
        changed[pos + 2] = b'9';
        let tmp = dir.path().join("new");
        std::fs::write(&tmp, &changed).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        match read(&mut c, &path, &stats) {
            Some(Update::File { facts, replace, .. }) => {
                assert!(replace);
                assert_eq!(
                    facts.calls[0].kind,
                    crate::model::facts::CallKind::Skill("sk9".into())
                );
            }
            other => panic!("{other:?}"),
        }

        std::fs::remove_file(&path).unwrap();
        assert!(matches!(
            read(&mut c, &path, &stats),
            Some(Update::Removed(_))
        ));
        assert!(read(&mut c, &path, &stats).is_none(), "removed once");
    }

    #[test]
    fn a_whole_final_line_without_newline_counts_once_and_an_unfinished_one_waits() {
        let data = sample();
        // The first four lines (two calls), the last without its newline.
        let mut ends = data
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i);
        let fourth = ends.nth(3).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        std::fs::write(&path, &data[..fourth]).unwrap();
        let stats = ReadStats::default();
        let mut c = Cursor::new(FileContext::default());
        let mut acc = match read(&mut c, &path, &stats) {
            Some(Update::File { facts, .. }) => facts,
            other => panic!("{other:?}"),
        };
        assert_eq!(acc.lines, 4, "the final line counts");
        assert_eq!(acc.prompts.len(), 2);
        // Its newline arrives, then half of the next line: nothing new yet.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        let next_end = data[fourth + 1..].iter().position(|b| *b == b'\n').unwrap() + fourth + 1;
        let half = (fourth + 1 + next_end) / 2;
        f.write_all(&data[fourth..half]).unwrap();
        if let Some(Update::File { facts, .. }) = read(&mut c, &path, &stats) {
            assert_eq!(facts.lines, 0, "an unfinished line waits");
            acc.extend(facts);
        }
        f.write_all(&data[half..]).unwrap();
        if let Some(Update::File { facts, .. }) = read(&mut c, &path, &stats) {
            acc.extend(facts);
        }
        assert_eq!(acc, whole(&data), "counted once, as when read whole");
    }
}
