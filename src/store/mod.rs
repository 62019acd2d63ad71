//! The store: the one shared state. Facts go in with [`Store::apply`]; one question comes
//! out: [`Store::snapshot`] for a scope and range, computed by the small steps of
//! `pipeline`. Pure: no I/O and no clock of its own.

mod groups;
mod pipeline;
pub(crate) mod sessions;
#[cfg(test)]
pub(crate) mod test_support;

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::model::facts::{FileFacts, Update};
use crate::model::prom::PromData;
use crate::model::range::RangeSpec;
use crate::model::snapshot::{Diagnostic, Snapshot};
use crate::sources::catalog::Catalog;

/// Which picture to compute: scope, range, clock.
#[derive(Debug, Clone)]
pub struct Query {
    /// Project path matched on the sessions' `cwd` (itself or below); `None`: all projects.
    pub project: Option<String>,
    pub range: RangeSpec,
    /// Only the N most recent sessions in scope and range.
    pub sessions: Option<usize>,
    pub timezone: Tz,
    pub now: DateTime<Utc>,
    /// Replace prompt text in examples by its length.
    pub redact: bool,
    /// Every flagged prompt as an example, not only the first five (`--verbose`).
    pub all_examples: bool,
    /// Every session's cost row (`costs.by_session`), one per session in range. The
    /// dashboard shows none: it leaves them out of what it draws and asks for them when it
    /// exports.
    pub session_rows: bool,
}

/// A session that used an item, for the details: when it last did, where, its calls and
/// failures, what the item's responses there cost, and its transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub session: String,
    /// RFC 3339 of the item's latest use in the session.
    pub last: String,
    pub project: Option<String>,
    /// The item's uses in the session.
    pub uses: u64,
    /// All tool calls of the session in range, and how many failed.
    pub calls: u64,
    pub failures: u64,
    pub transcript: Option<String>,
    /// What the item's responses in the session cost in range (attributed as in `costs`);
    /// none when none of them was priced.
    pub cost_usd: Option<f64>,
    /// What all the session's responses in range cost; none when none was priced.
    pub session_cost_usd: Option<f64>,
}

/// Lines and bytes read, over files.
#[derive(Debug, Default)]
struct Read {
    lines: u64,
    bytes: u64,
    skipped: std::collections::BTreeMap<crate::model::facts::SkipReason, u64>,
}

impl Read {
    /// A file's reading counted in (`add`) or out.
    fn count(&mut self, f: &FileFacts, add: bool) {
        let step = |total: &mut u64, n: u64| match add {
            true => *total += n,
            false => *total -= n,
        };
        step(&mut self.lines, f.lines);
        step(&mut self.bytes, f.bytes);
        for (r, n) in &f.skipped {
            step(self.skipped.entry(*r).or_default(), *n);
        }
        self.skipped.retain(|_, n| *n > 0);
    }
}

/// One file's facts, and its number among the files (for the groups).
#[derive(Debug, Default)]
struct Stored {
    id: u32,
    facts: FileFacts,
}

#[derive(Debug, Default)]
pub struct Store {
    files: HashMap<PathBuf, Stored>,
    /// Files numbered so far.
    numbered: u32,
    /// Sessions merged over their files.
    sessions: sessions::Sessions,
    /// What every file on record read: lines, bytes, and lines skipped by reason (kept as
    /// files change, so that a snapshot does not walk every file for them).
    read: Read,
    /// Config directories being read (shown in `sources.transcripts.dirs`).
    pub dirs: Vec<String>,
    prometheus: Option<PromData>,
    /// Problems met by the sources (unreadable paths and the like), shown in reports.
    pub diagnostics: Vec<Diagnostic>,
    /// Prices per model (the built-in table with the config's `[prices]` over it).
    pub prices: crate::model::prices::Prices,
    /// While following: which files join, and each group's counts kept between snapshots.
    groups: Option<groups::Groups>,
    cache: std::sync::Mutex<pipeline::groups::Cache>,
    /// While following: every request judged so far, fed what is new.
    judged: std::sync::Mutex<Option<pipeline::missed::Judged>>,
}

impl Store {
    pub fn new(dirs: Vec<String>) -> Self {
        Store {
            dirs,
            ..Store::default()
        }
    }

    /// Keep what the dashboard needs to count again only what changed: each snapshot after
    /// the first costs what changed since the last, not the whole history (memory: the
    /// groups' keys and counts).
    pub fn follow(&mut self) {
        let mut groups = groups::Groups::default();
        for (path, f) in &self.files {
            groups.add(f.id, path, &f.facts);
            groups.describe(f.id, &f.facts);
        }
        self.groups = Some(groups);
    }

    pub fn apply(&mut self, update: Update) {
        match update {
            Update::File {
                path,
                facts,
                replace,
            } => {
                let numbered = &mut self.numbered;
                let f = self.files.entry(path.clone()).or_insert_with(|| {
                    *numbered += 1;
                    Stored {
                        id: *numbered,
                        facts: FileFacts::default(),
                    }
                });
                if let Some(g) = &mut self.groups {
                    g.add(f.id, &path, &facts);
                }
                let id = f.id;
                if replace {
                    self.read.count(&f.facts, false);
                }
                self.read.count(&facts, true);
                if replace && !f.facts.sessions.is_empty() {
                    let old = std::mem::replace(&mut f.facts, facts);
                    let new = f.facts.sessions.keys().cloned();
                    let ids = old.sessions.into_keys().chain(new).collect();
                    sessions::remerge(&mut self.sessions, ids, &self.files);
                } else {
                    sessions::widen(&mut self.sessions, &facts);
                    if replace {
                        f.facts = facts;
                    } else {
                        f.facts.extend(facts);
                    }
                }
                if let (Some(g), Some(f)) = (&mut self.groups, self.files.get(&path)) {
                    g.describe(id, &f.facts);
                }
            }
            Update::Removed(path) => {
                if let Some(f) = self.files.remove(&path) {
                    self.read.count(&f.facts, false);
                    if let Some(g) = &mut self.groups {
                        g.remove(f.id);
                    }
                    let ids = f.facts.sessions.into_keys().collect();
                    sessions::remerge(&mut self.sessions, ids, &self.files);
                }
            }
            Update::Prometheus(data) => self.prometheus = Some(data),
        }
    }

    /// The sessions that used the skill (or agent) `name` in the query's range and scope,
    /// newest first (the dashboard's details).
    pub fn item_sessions(
        &self,
        query: &Query,
        catalog: &Catalog,
        skill: bool,
        name: &str,
    ) -> Vec<SessionRow> {
        pipeline::sessions::item_sessions(self, query, catalog, skill, name)
    }

    /// Every project (a session's working directory) on record, once each, sorted. A
    /// session's directory is its main thread's; a subagent's own (a worktree it ran in)
    /// only when no file gives the main one.
    pub fn projects(&self) -> Vec<String> {
        pipeline::projects(self)
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    pub fn file_facts(&self, path: &std::path::Path) -> Option<&FileFacts> {
        self.files.get(path).map(|f| &f.facts)
    }

    /// The picture for `query`: transcript numbers, Prometheus numbers beside them,
    /// missed opportunities from `catalog`, and the findings.
    pub fn snapshot(&self, query: &Query, catalog: &Catalog) -> Snapshot {
        pipeline::snapshot(self, query, catalog, true)
    }

    /// A snapshot for a question asked once (one per project): nothing kept for it, and
    /// what is kept for the main question stays.
    pub fn snapshot_once(&self, query: &Query, catalog: &Catalog) -> Snapshot {
        pipeline::snapshot(self, query, catalog, false)
    }
}
