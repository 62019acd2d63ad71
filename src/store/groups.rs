//! Groups of files that no join crosses: files that share a session, an agent, a tool call
//! or an API message are in one group. Kept while following (the dashboard), so that a
//! snapshot counts again only the groups that changed (`pipeline::groups`). Groups only
//! ever join: a removed file's keys still join the files that shared them, which is never
//! wrong, only coarser. A key is known by its hash: two keys with one hash join two groups,
//! again never wrong.

use std::collections::hash_map::Entry;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rustc_hash::{FxHashMap as HashMap, FxHasher};

use crate::model::facts::FileFacts;

#[derive(Debug, Default)]
pub(super) struct Groups {
    ids: HashMap<PathBuf, u32>,
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
        let id = match self.ids.get(path) {
            Some(&id) => id,
            None => {
                let id = self.parent.len() as u32;
                self.parent.push(id);
                self.size.push(1);
                self.changed.push(0);
                self.ids.insert(path.to_path_buf(), id);
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
        self.ids.remove(path);
    }

    /// A file's group, and the clock of the file's last change.
    pub(super) fn of(&self, path: &Path) -> Option<(u32, u64)> {
        let id = *self.ids.get(path)?;
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
