//! Sessions merged over every file that mentions them: when each began and ended, and where
//! it ran. Kept up to date as facts arrive, so a snapshot never merges them again: an append
//! only widens a session; a file replaced or removed makes its sessions merged again from
//! the files that still hold them.

use std::collections::BTreeSet;
use std::path::PathBuf;

use std::collections::HashMap as StdHashMap;

use rustc_hash::FxHashMap as HashMap;

use super::Stored;
use crate::model::facts::{FileFacts, Millis, SessionId, SessionSeen};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub(super) first_ts: Millis,
    pub(super) last_ts: Millis,
    cwd: Option<String>,
    sidechain_cwd: Option<String>,
}

impl SessionInfo {
    /// The session's project: its main thread's directory; a subagent's (a worktree it ran
    /// in) only when no file gives the main one.
    pub fn project(&self) -> Option<&str> {
        self.cwd.as_deref().or(self.sidechain_cwd.as_deref())
    }

    fn widen(&mut self, seen: &SessionSeen) {
        self.first_ts = self.first_ts.min(seen.first_ts);
        self.last_ts = self.last_ts.max(seen.last_ts);
        // Files that disagree (a resumed copy started elsewhere) give the same answer in
        // any order: the least.
        least(&mut self.cwd, &seen.cwd);
        least(&mut self.sidechain_cwd, &seen.sidechain_cwd);
    }
}

fn least(mine: &mut Option<String>, theirs: &Option<String>) {
    if let Some(t) = theirs
        && mine.as_ref().is_none_or(|m| t < m)
    {
        *mine = Some(t.clone());
    }
}

pub(super) type Sessions = HashMap<SessionId, SessionInfo>;

/// New facts of a file (appended lines): its sessions widen.
pub(super) fn widen(sessions: &mut Sessions, facts: &FileFacts) {
    for (id, seen) in &facts.sessions {
        widen_one(sessions, id, seen);
    }
}

fn widen_one(sessions: &mut Sessions, id: &SessionId, seen: &SessionSeen) {
    match sessions.get_mut(id) {
        Some(s) => s.widen(seen),
        None => {
            let s = SessionInfo {
                first_ts: seen.first_ts,
                last_ts: seen.last_ts,
                cwd: seen.cwd.clone(),
                sidechain_cwd: seen.sidechain_cwd.clone(),
            };
            sessions.insert(id.clone(), s);
        }
    }
}

/// The sessions `ids` merged again from the files that hold them now (after a file was
/// replaced or removed).
pub(super) fn remerge(
    sessions: &mut Sessions,
    ids: BTreeSet<SessionId>,
    files: &StdHashMap<PathBuf, Stored>,
) {
    for id in &ids {
        sessions.remove(id);
    }
    for f in files.values() {
        for (id, seen) in f.facts.sessions.iter().filter(|(id, _)| ids.contains(*id)) {
            widen_one(sessions, id, seen);
        }
    }
}
