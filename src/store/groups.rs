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

use crate::model::facts::{FileFacts, Millis};

/// Files are known by their number in the store.
#[derive(Debug, Default)]
pub(super) struct Groups {
    parent: Vec<u32>,
    size: Vec<u32>,
    /// Per file on disk, what a snapshot checks of it without reading its facts.
    briefs: Vec<Option<Brief>>,
    /// A key's hash, and a file that holds it.
    keys: HashMap<u64, u32>,
    clock: u64,
}

/// A file at a glance.
#[derive(Debug, Clone)]
pub(crate) struct Brief {
    pub(crate) path: PathBuf,
    /// The clock of its last change.
    pub(crate) changed: u64,
    /// Its earliest and latest timestamped entry; none when it has none.
    pub(crate) span: Option<(Millis, Millis)>,
}

impl Groups {
    /// New facts of file `id` (appended lines, or the whole file read again); then
    /// [`Groups::describe`] with all it holds.
    pub(super) fn add(&mut self, id: u32, path: &Path, facts: &FileFacts) {
        while self.parent.len() <= id as usize {
            self.parent.push(self.parent.len() as u32);
            self.size.push(1);
            self.briefs.push(None);
        }
        self.clock += 1;
        let span = self.briefs[id as usize].as_ref().and_then(|b| b.span);
        self.briefs[id as usize] = Some(Brief {
            path: path.to_path_buf(),
            changed: self.clock,
            span,
        });
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

    /// What file `id` holds now, after an [`Groups::add`]: its time span.
    pub(super) fn describe(&mut self, id: u32, whole: &FileFacts) {
        let times = whole.sessions.values();
        let span = times
            .clone()
            .map(|s| s.first_ts)
            .min()
            .zip(times.map(|s| s.last_ts).max());
        if let Some(Some(b)) = self.briefs.get_mut(id as usize) {
            b.span = span;
        }
    }

    /// File `id` is gone. It stays a member of the union: its keys still join.
    pub(super) fn remove(&mut self, id: u32) {
        if let Some(b) = self.briefs.get_mut(id as usize) {
            *b = None;
        }
    }

    /// Every file on disk with its group, by group.
    pub(crate) fn files(&self) -> Vec<(u32, &Brief)> {
        let mut v: Vec<(u32, &Brief)> = self
            .briefs
            .iter()
            .enumerate()
            .filter_map(|(id, b)| Some((self.root(id as u32), b.as_ref()?)))
            .collect();
        v.sort_unstable_by_key(|x| x.0);
        v
    }

    /// Every file on disk by its number.
    pub(crate) fn briefs(&self) -> Vec<(u32, &Brief)> {
        let files = self.briefs.iter().enumerate();
        files
            .filter_map(|(id, b)| Some((id as u32, b.as_ref()?)))
            .collect()
    }

    /// A file's group, and the clock of the file's last change.
    #[cfg(test)]
    fn of(&self, id: u32) -> Option<(u32, u64)> {
        let b = self.briefs.get(id as usize)?.as_ref()?;
        Some((self.root(id), b.changed))
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

    fn group(g: &Groups, id: u32) -> u32 {
        g.of(id).expect("a known file").0
    }

    #[test]
    fn files_join_on_a_shared_session_or_call_and_stay_joined() {
        let mut g = Groups::default();
        g.add(1, Path::new("f1"), &file("s1", "t1"));
        g.add(2, Path::new("f2"), &file("s2", "t2"));
        assert_ne!(group(&g, 1), group(&g, 2), "nothing shared");
        // A resumed copy: another session holding a call of s1.
        g.add(3, Path::new("f3"), &file("s3", "t1"));
        assert_eq!(group(&g, 1), group(&g, 3));
        assert_ne!(group(&g, 1), group(&g, 2));
        // A file of s2 that shares a call with c joins all three.
        g.add(4, Path::new("f4"), &file("s2", "t1"));
        assert_eq!(group(&g, 2), group(&g, 1));
        // Gone files leave their joins: the others stay one group, and a new file with a
        // key only the gone file had still joins them.
        g.remove(3);
        assert!(g.of(3).is_none());
        g.add(5, Path::new("f5"), &file("s3", "t9"));
        assert_eq!(group(&g, 5), group(&g, 1));
    }

    #[test]
    fn a_change_moves_the_files_clock_past_every_other() {
        let mut g = Groups::default();
        g.add(1, Path::new("f1"), &file("s1", "t1"));
        g.add(2, Path::new("f2"), &file("s2", "t2"));
        let before = g.of(1).expect("known").1;
        let other = g.of(2).expect("known").1;
        g.add(1, Path::new("f1"), &FileFacts::default());
        let after = g.of(1).expect("known").1;
        assert!(after > before && after > other);
        // A removed file is no longer listed; the others are, by group.
        g.remove(2);
        assert!(g.of(2).is_none());
        let listed: Vec<u32> = g.files().iter().map(|(group, _)| *group).collect();
        assert_eq!(listed, vec![group(&g, 1)]);
    }
}
