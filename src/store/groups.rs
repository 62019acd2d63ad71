//! Groups of files that no join crosses: files that share a session, an agent, a tool call
//! or an API message are in one group. Kept while following (the dashboard), so that a
//! snapshot counts again only the groups that changed (`pipeline::groups`). Groups only
//! ever join: a removed file's keys still join the files that shared them, which is never
//! wrong, only coarser. A key is known by its hash: two keys with one hash join two groups,
//! again never wrong.

use std::collections::hash_map::Entry;
use std::ffi::OsString;
use std::hash::{Hash, Hasher};
use std::path::Path;

use rustc_hash::{FxHashMap as HashMap, FxHasher};

use crate::model::facts::FileFacts;

#[derive(Debug, Default)]
pub(super) struct Groups {
    /// By the path's bytes: hashing a `Path` walks its components.
    ids: HashMap<OsString, u32>,
    parent: Vec<u32>,
    size: Vec<u32>,
    /// Per file, the clock of its last change.
    changed: Vec<u64>,
    /// A key's hash, and a file that holds it.
    keys: HashMap<u64, u32>,
    clock: u64,
}

impl Groups {
    /// New facts of a file (appended lines, or the whole file read again).
    pub(super) fn add(&mut self, path: &Path, facts: &FileFacts) {
        let id = match self.ids.get(path.as_os_str()) {
            Some(&id) => id,
            None => {
                let id = self.parent.len() as u32;
                self.parent.push(id);
                self.size.push(1);
                self.changed.push(0);
                self.ids.insert(path.as_os_str().to_owned(), id);
                id
            }
        };
        self.clock += 1;
        self.changed[id as usize] = self.clock;
        for_each_key(facts, |key| match self.keys.entry(key) {
            Entry::Occupied(e) => {
                let other = *e.get();
                self.join(id, other);
            }
            Entry::Vacant(e) => {
                e.insert(id);
            }
        });
    }

    pub(super) fn remove(&mut self, path: &Path) {
        self.ids.remove(path.as_os_str());
    }

    /// A file's group, and the clock of the file's last change.
    pub(super) fn of(&self, path: &Path) -> Option<(u32, u64)> {
        let id = *self.ids.get(path.as_os_str())?;
        Some((self.root(id), self.changed[id as usize]))
    }

    fn root(&self, mut id: u32) -> u32 {
        while self.parent[id as usize] != id {
            id = self.parent[id as usize];
        }
        id
    }

    /// By size, so a root is at most log(files) steps away.
    fn join(&mut self, a: u32, b: u32) {
        let (a, b) = (self.root(a), self.root(b));
        if a == b {
            return;
        }
        let (big, small) = if self.size[a as usize] >= self.size[b as usize] {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
    }
}

/// Every key a file joins on: sessions, agents, tool calls, API messages.
fn for_each_key(f: &FileFacts, mut key: impl FnMut(u64)) {
    let mut hash = |kind: u8, s: &str| {
        let mut h = FxHasher::default();
        kind.hash(&mut h);
        s.hash(&mut h);
        key(h.finish());
    };
    for id in f.sessions.keys() {
        hash(0, id);
    }
    if let Some(a) = &f.agent {
        hash(1, &a.id);
    }
    for c in &f.calls {
        hash(2, &c.id);
        // A call without a session still joins the files of the session it names.
        hash(0, &c.session);
    }
    for r in &f.results {
        hash(2, &r.tool_use_id);
        if let Some(a) = &r.agent_id {
            hash(1, a);
        }
    }
    for u in &f.usage {
        hash(3, &u.message_id);
        hash(0, &u.session);
    }
    for p in &f.prompts {
        hash(0, &p.session);
    }
    for c in &f.commands {
        hash(0, &c.session);
    }
    for s in &f.skills_seen {
        hash(0, &s.session);
    }
    for l in &f.listings {
        hash(0, &l.session);
    }
    for c in &f.compactions {
        hash(0, &c.session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::facts::{CallKind, SessionSeen, ToolCall};

    fn file(session: &str, call: &str) -> FileFacts {
        let mut f = FileFacts::default();
        f.sessions.insert(
            session.into(),
            SessionSeen {
                first_ts: 1,
                last_ts: 2,
                cwd: None,
                sidechain_cwd: None,
            },
        );
        f.calls.push(ToolCall {
            id: call.into(),
            name: "Bash".into(),
            kind: CallKind::Plain,
            session: session.into(),
            ts: 1,
            stage: None,
            sidechain: false,
            skill: None,
        });
        f
    }

    fn group(g: &Groups, p: &str) -> u32 {
        g.of(Path::new(p)).expect("a known file").0
    }

    #[test]
    fn files_join_on_a_shared_session_or_call_and_stay_joined() {
        let mut g = Groups::default();
        g.add(Path::new("a"), &file("s1", "t1"));
        g.add(Path::new("b"), &file("s2", "t2"));
        assert_ne!(group(&g, "a"), group(&g, "b"), "nothing shared");
        // A resumed copy: another session holding a call of s1.
        g.add(Path::new("c"), &file("s3", "t1"));
        assert_eq!(group(&g, "a"), group(&g, "c"));
        assert_ne!(group(&g, "a"), group(&g, "b"));
        // A file of s2 that shares a call with c joins all three.
        g.add(Path::new("d"), &file("s2", "t1"));
        assert_eq!(group(&g, "b"), group(&g, "a"));
        // Gone files leave their joins: the others stay one group, and a new file with a
        // key only the gone file had still joins them.
        g.remove(Path::new("c"));
        assert!(g.of(Path::new("c")).is_none());
        g.add(Path::new("e"), &file("s3", "t9"));
        assert_eq!(group(&g, "e"), group(&g, "a"));
    }

    #[test]
    fn a_change_moves_the_files_clock_past_every_other() {
        let mut g = Groups::default();
        g.add(Path::new("a"), &file("s1", "t1"));
        g.add(Path::new("b"), &file("s2", "t2"));
        let before = g.of(Path::new("a")).expect("known").1;
        let other = g.of(Path::new("b")).expect("known").1;
        g.add(Path::new("a"), &FileFacts::default());
        let after = g.of(Path::new("a")).expect("known").1;
        assert!(after > before && after > other);
    }
}
