//! The transcript engine (FORMATS.md §1–3): discover files, tail them with a cursor each,
//! parse complete lines into facts, and watch the directories for changes.
//! The first scan and every later change take the same path: `Engine::refresh`.

pub mod discover;
pub mod parse;
pub mod tail;
pub mod watch;

use std::path::PathBuf;

use crate::store::Update;
use crate::store::snapshot::Diagnostic;

/// Owns one cursor per transcript file.
#[derive(Debug, Default)]
pub struct Engine {
    /// Config directories (each holding `projects/`).
    pub dirs: Vec<PathBuf>,
    /// Extra stage rules from the config file, tried before the built-in ones.
    pub stage_rules: Vec<crate::config::StageRule>,
}

impl Engine {
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        Engine {
            dirs,
            stage_rules: Vec::new(),
        }
    }

    /// Discover every transcript under the config dirs and read what is new in each.
    pub fn scan(&mut self) -> (Vec<Update>, Vec<Diagnostic>) {
        (Vec::new(), Vec::new())
    }

    /// Re-read the given paths (files or directories) after the watcher saw them change.
    pub fn refresh(&mut self, _paths: &[PathBuf]) -> (Vec<Update>, Vec<Diagnostic>) {
        (Vec::new(), Vec::new())
    }
}
