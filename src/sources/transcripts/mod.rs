//! The transcript engine (the README's "Transcripts"): discover files, tail them with a cursor each,
//! parse complete lines into facts, and watch the directories for changes.
//! The first scan and every later change take the same path: `Engine::refresh`.

pub mod discover;
pub mod parse;
pub mod tail;
pub mod watch;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::model::facts::Update;
use crate::model::snapshot::{Diagnostic, DiagnosticSource};
use crate::settings::config::CustomRule;

use tail::{Cursor, ReadStats};

/// Owns one cursor per transcript file.
#[derive(Debug, Default)]
pub struct Engine {
    /// Config directories (each holding `projects/`).
    pub dirs: Vec<PathBuf>,
    /// Extra stage rules from the config file, compiled once by the settings, tried before
    /// the built-in ones.
    pub stage_rules: Vec<CustomRule>,
    cursors: HashMap<PathBuf, Cursor>,
    /// (device, inode) of each file read, to the path it is read under: the same file
    /// reached again through a symlink (a linked folder, a loop created while watching) or a
    /// hard link is read once.
    inodes: HashMap<(u64, u64), PathBuf>,
    /// Bytes read so far, for the tests and benchmarks that prove appends are read once.
    pub stats: Arc<ReadStats>,
}

impl Engine {
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        Engine {
            dirs,
            ..Engine::default()
        }
    }

    /// Discover every transcript under the config dirs and read what is new in each.
    /// Files that disappeared since the last scan are reported removed.
    pub fn scan(&mut self) -> (Vec<Update>, Vec<Diagnostic>) {
        self.scan_with_progress(|_, _| {})
    }

    /// Forget everything read and read every transcript again, whole (the dashboard's `R`):
    /// each known file is first reported removed, then each found file read from its start,
    /// so no fact of an earlier read survives, whatever changed unnoticed.
    pub fn rebuild(&mut self) -> (Vec<Update>, Vec<Diagnostic>) {
        let mut known: Vec<PathBuf> = self.cursors.drain().map(|(p, _)| p).collect();
        known.sort();
        self.inodes.clear();
        let mut updates: Vec<Update> = known.into_iter().map(Update::Removed).collect();
        let (more, diagnostics) = self.scan();
        updates.extend(more);
        (updates, diagnostics)
    }

    /// `scan`, calling `progress(files read, files found)` as it goes (the dashboard's
    /// gauge during the first scan).
    pub fn scan_with_progress(
        &mut self,
        progress: impl Fn(usize, usize),
    ) -> (Vec<Update>, Vec<Diagnostic>) {
        let (files, mut diagnostics) = discover::transcripts(&self.dirs);
        let mut paths: Vec<PathBuf> = self
            .cursors
            .keys()
            .filter(|p| files.binary_search(p).is_err())
            .cloned()
            .collect();
        paths.extend(files);
        let total = paths.len();
        progress(0, total);
        let mut updates = Vec::new();
        // Chunks large enough to keep every core busy, small enough for a moving gauge.
        for (i, chunk) in paths.chunks(256).enumerate() {
            let (u, more) = self.read(chunk.to_vec());
            updates.extend(u);
            diagnostics.extend(more);
            progress((i * 256 + chunk.len()).min(total), total);
        }
        (updates, diagnostics)
    }

    /// Re-read the given paths (files or directories) after the watcher saw them change:
    /// appended bytes are read once, a replaced file is read whole, a deleted one (or every
    /// file of a deleted folder) is removed.
    pub fn refresh(&mut self, paths: &[PathBuf]) -> (Vec<Update>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut files = Vec::new();
        // Only what lies in a `projects` folder is a transcript (`~/.claude/history.jsonl`
        // is not); a changed ancestor (the `projects` folder just created) means all of it.
        let projects: Vec<PathBuf> = self.dirs.iter().map(|d| d.join("projects")).collect();
        let paths = paths.iter().flat_map(|p| {
            projects.iter().filter_map(move |proj| {
                if p.starts_with(proj) {
                    Some(p.clone())
                } else if proj.starts_with(p) {
                    Some(proj.clone())
                } else {
                    None
                }
            })
        });
        for path in paths {
            let path = &path;
            if path.exists() {
                let (found, diags) = discover::transcripts_under(path);
                files.extend(found);
                diagnostics.extend(diags);
            }
            // Known files at or below a path that changed: covers deletions of both (a known
            // file has nothing below it: no walk over every file for an appended line).
            if self.cursors.contains_key(path) {
                files.push(path.clone());
            } else {
                files.extend(self.cursors.keys().filter(|k| k.starts_with(path)).cloned());
            }
        }
        files.sort();
        files.dedup();
        let (updates, more) = self.read(files);
        diagnostics.extend(more);
        (updates, diagnostics)
    }

    fn read(&mut self, paths: Vec<PathBuf>) -> (Vec<Update>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let paths = self.one_path_per_file(paths, &mut diagnostics);
        let mut work: Vec<(PathBuf, Cursor)> = paths
            .into_iter()
            .map(|p| {
                let cursor = self
                    .cursors
                    .remove(&p)
                    .unwrap_or_else(|| Cursor::new(discover::context_of(&p)));
                (p, cursor)
            })
            .collect();
        let (rules, stats) = (&self.stage_rules, &self.stats);
        let results: Vec<_> = work
            .par_iter_mut()
            .map(|(path, cursor)| cursor.read(path, rules, stats))
            .collect();
        let mut updates = Vec::new();
        for ((path, cursor), result) in work.into_iter().zip(results) {
            match result {
                Ok(update) => {
                    let removed = matches!(update, Some(Update::Removed(_)));
                    updates.extend(update);
                    if !removed && path.exists() {
                        self.cursors.insert(path, cursor);
                    }
                }
                Err(e) => {
                    diagnostics.push(Diagnostic {
                        source: DiagnosticSource::Transcripts,
                        path: Some(path.display().to_string()),
                        message: format!("cannot be read: {e}"),
                    });
                    // Keep what was read before: the file may be readable again later.
                    if cursor.seen() {
                        self.cursors.insert(path, cursor);
                    }
                }
            }
        }
        (updates, diagnostics)
    }
}

impl Engine {
    /// `paths` without the new ones that are a file already read under another path (the
    /// first path a file is seen under stays its only one); each one left out is named.
    fn one_path_per_file(
        &mut self,
        paths: Vec<PathBuf>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<PathBuf> {
        use std::os::unix::fs::MetadataExt;
        let mut kept = Vec::with_capacity(paths.len());
        let mut batch: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
        for p in paths {
            if self.cursors.contains_key(&p) {
                kept.push(p);
                continue;
            }
            let Ok(m) = std::fs::metadata(&p) else {
                kept.push(p);
                continue;
            };
            let id = (m.dev(), m.ino());
            match self.inodes.get(&id) {
                // The first path must still be that file: a deleted file's inode is reused
                // by the next one created.
                Some(first)
                    if *first != p
                        && (self.cursors.contains_key(first) || batch.contains(first))
                        && std::fs::metadata(first).is_ok_and(|f| (f.dev(), f.ino()) == id) =>
                {
                    diagnostics.push(Diagnostic {
                        source: DiagnosticSource::Transcripts,
                        path: Some(p.display().to_string()),
                        message: format!(
                            "the same file as {} (a link); counted once",
                            first.display()
                        ),
                    });
                }
                _ => {
                    self.inodes.insert(id, p.clone());
                    batch.insert(p.clone());
                    kept.push(p);
                }
            }
        }
        kept
    }
}

/// The watched roots: each config dir's `projects` folder, or the config dir itself while
/// `projects` does not exist yet.
pub fn watch_roots(dirs: &[PathBuf]) -> Vec<PathBuf> {
    dirs.iter()
        .map(|d| {
            let p = d.join("projects");
            if p.is_dir() { p } else { d.clone() }
        })
        .filter(|p| Path::new(p).is_dir())
        .collect()
}
