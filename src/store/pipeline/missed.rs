//! Step 6, missed opportunities: requests that called for an installed item in sessions
//! where no item of that purpose ran. The judging lives in the catalog's detector, which
//! judges each request against the history before it; the store keeps that sweep over every
//! request of the project while following, and feeds it only the prompts and runs that are
//! new. A change that could move an earlier judgement starts the sweep again.

use std::hash::Hash;
use std::ops::Range;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::Scope;
use super::groups::{catalog_key, hash_of, selection};
use crate::model::facts::{FileFacts, SessionId};
use crate::model::snapshot::MissedOpportunity;
use crate::sources::catalog::missed::{Event, Listings, Run, Sweep, events, runs};
use crate::store::Store;

/// The sweep of one project and catalog, and what it was fed from.
pub(in crate::store) struct Judged {
    key: (Option<String>, u64),
    sweep: Sweep,
    /// Per file (by number): what was taken from it.
    marks: Marks,
    /// Per event (by hash): how many files hold it (resumed sessions copy their history).
    refs: HashMap<u64, u32>,
    /// Changes each time the sweep takes something.
    version: u64,
    assembled: Option<(Assembly, Vec<MissedOpportunity>)>,
}

impl std::fmt::Debug for Judged {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_struct("Judged")
            .field("files", &self.marks.len())
            .finish_non_exhaustive()
    }
}

/// The marks by file number (dense: every snapshot reads them all).
#[derive(Default)]
struct Marks {
    by_file: Vec<Option<Mark>>,
    len: usize,
}

impl Marks {
    fn get(&self, id: u32) -> Option<&Mark> {
        self.by_file.get(id as usize)?.as_ref()
    }

    fn insert(&mut self, id: u32, mark: Mark) {
        let id = id as usize;
        if self.by_file.len() <= id {
            self.by_file.resize_with(id + 1, || None);
        }
        if self.by_file[id].replace(mark).is_none() {
            self.len += 1;
        }
    }

    fn remove(&mut self, id: u32) -> Option<Mark> {
        let old = self.by_file.get_mut(id as usize)?.take();
        self.len -= usize::from(old.is_some());
        old
    }

    fn len(&self) -> usize {
        self.len
    }

    fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        let marked = self.by_file.iter().enumerate();
        marked.filter_map(|(id, m)| m.as_ref().map(|_| id as u32))
    }
}

/// What was taken from one file.
#[derive(Default)]
struct Mark {
    changed: u64,
    sessions: Vec<SessionId>,
    /// Which of its sessions were in the project.
    scoped: u64,
    /// Its events' hashes, sorted, once each.
    events: Vec<u64>,
    /// Its scoped sessions' listings, hashed.
    listings: u64,
}

/// What the missed opportunities shown were assembled from.
type Assembly = (u64, Range<usize>, u64, bool, bool);

/// Missed opportunities in range. While following (`keep`), the sweep is kept and fed only
/// what changed; otherwise it is made for this snapshot alone.
pub(super) fn missed(store: &Store, scope: &Scope, keep: bool) -> Vec<MissedOpportunity> {
    let key = (scope.q.project.clone(), catalog_key(scope));
    let Some(groups) = store.groups.as_ref().filter(|_| keep) else {
        let files = scope.all_files.iter().map(|f| (0, 0, *f));
        return Judged::start(key, scope, files).assemble(scope);
    };
    let mut slot = store.judged.lock().unwrap_or_else(|e| e.into_inner());
    let briefs = groups.briefs();
    let fed = match slot.as_mut() {
        Some(j) if j.key == key => j.update(store, scope, &briefs),
        _ => false,
    };
    if !fed {
        let files = briefs
            .iter()
            .filter_map(|(id, b)| Some((*id, b.changed, store.file_facts(&b.path)?)));
        *slot = Some(Judged::start(key, scope, files));
    }
    match slot.as_mut() {
        Some(j) => j.assemble(scope),
        None => Vec::new(),
    }
}

/// A file's events of scoped sessions, with their hashes (sorted, once each), and its mark.
fn gather<'a>(scope: &Scope, f: &'a FileFacts, changed: u64) -> (Vec<(u64, Event<'a>)>, Mark) {
    let keep = |s: &str| scope.in_scope(s);
    let prompts: Vec<_> = f.prompts.iter().filter(|p| keep(&p.session)).collect();
    let runs = runs(&[f], &keep);
    let mut events: Vec<(u64, Event)> = events(&prompts, &runs)
        .into_iter()
        .map(|e| (hash_of(|h| e.key().hash(h)), e))
        .collect();
    events.sort_unstable_by_key(|e| e.0);
    events.dedup_by_key(|e| e.0);
    let sessions: Vec<SessionId> = f.sessions.keys().cloned().collect();
    let mark = Mark {
        changed,
        scoped: scoped_hash(scope, &sessions),
        sessions,
        events: events.iter().map(|e| e.0).collect(),
        listings: hash_of(|h| {
            for l in f.listings.iter().filter(|l| keep(&l.session)) {
                (&l.session, &l.skills).hash(h);
            }
        }),
    };
    (events, mark)
}

fn scoped_hash(scope: &Scope, sessions: &[SessionId]) -> u64 {
    match scope.q.project {
        None => 0,
        Some(_) => hash_of(|h| {
            for s in sessions {
                scope.in_scope(s).hash(h);
            }
        }),
    }
}

impl Judged {
    /// A sweep from the start over `files` (number, last change, facts).
    fn start<'a>(
        key: (Option<String>, u64),
        scope: &Scope,
        files: impl Iterator<Item = (u32, u64, &'a FileFacts)>,
    ) -> Judged {
        let mut marks = Marks::default();
        let mut refs: HashMap<u64, u32> = HashMap::default();
        let mut all: Vec<Event> = Vec::new();
        let mut facts = Vec::new();
        for (id, changed, f) in files {
            let (events, mark) = gather(scope, f, changed);
            for (h, e) in events {
                let n = refs.entry(h).or_default();
                if *n == 0 {
                    all.push(e);
                }
                *n += 1;
            }
            marks.insert(id, mark);
            facts.push(f);
        }
        all.sort_unstable_by(|a, b| a.key().cmp(&b.key()));
        let listings = Listings::from_facts(&facts, &|s| scope.in_scope(s));
        let names = all
            .iter()
            .filter_map(|e| match e {
                Event::Run(r) => Some((r.name.to_string(), r.agent)),
                Event::Prompt(_) => None,
            })
            .collect();
        let mut sweep = Sweep::new(scope.catalog, listings, names);
        sweep.feed(scope.catalog, &all);
        Judged {
            key,
            sweep,
            marks,
            refs,
            version: 0,
            assembled: None,
        }
    }

    /// Feeds the sweep what changed in the files since; false when it must start again
    /// (an event gone, or one that comes before where the sweep stopped, or a change that
    /// moves earlier judgements: see `Sweep::adopt`).
    fn update(
        &mut self,
        store: &Store,
        scope: &Scope,
        briefs: &[(u32, &crate::store::groups::Brief)],
    ) -> bool {
        let mut added: Vec<Event> = Vec::new();
        let mut listings_changed = false;
        for (id, brief) in briefs {
            if let Some(m) = self.marks.get(*id)
                && m.changed == brief.changed
                && m.scoped == scoped_hash(scope, &m.sessions)
            {
                continue;
            }
            let old = self.marks.remove(*id).unwrap_or_default();
            let Some(f) = store.file_facts(&brief.path) else {
                return false;
            };
            let (events, mark) = gather(scope, f, brief.changed);
            for h in old
                .events
                .iter()
                .filter(|h| mark.events.binary_search(h).is_err())
            {
                if !self.release(*h) {
                    return false;
                }
            }
            for (h, e) in events
                .iter()
                .filter(|(h, _)| old.events.binary_search(h).is_err())
            {
                let n = self.refs.entry(*h).or_default();
                *n += 1;
                if *n == 1 {
                    if self.sweep.last().is_some_and(|m| !e.after(m)) {
                        return false;
                    }
                    added.push(*e);
                }
            }
            listings_changed |= old.listings != mark.listings;
            self.marks.insert(*id, mark);
        }
        // Every file on disk has its mark now: any more are files gone.
        let gone: Vec<u32> = if self.marks.len() > briefs.len() {
            let live: HashSet<u32> = briefs.iter().map(|b| b.0).collect();
            let marked = self.marks.ids();
            marked.filter(|id| !live.contains(id)).collect()
        } else {
            Vec::new()
        };
        for id in gone {
            if let Some(old) = self.marks.remove(id) {
                listings_changed = true;
                for h in old.events {
                    if !self.release(h) {
                        return false;
                    }
                }
            }
        }
        let listings = listings_changed
            .then(|| Listings::from_facts(&scope.all_files, &|s| scope.in_scope(s)));
        let runs: Vec<Run> = added
            .iter()
            .filter_map(|e| match e {
                Event::Run(r) => Some(*r),
                Event::Prompt(_) => None,
            })
            .collect();
        if !self.sweep.adopt(scope.catalog, listings, &runs) {
            return false;
        }
        if !added.is_empty() {
            added.sort_unstable_by(|a, b| a.key().cmp(&b.key()));
            if self.sweep.feed(scope.catalog, &added) {
                self.version += 1;
            }
        }
        true
    }

    /// One file less holds the event; false when none does any more.
    fn release(&mut self, h: u64) -> bool {
        match self.refs.get_mut(&h) {
            Some(n) if *n > 1 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }

    /// The missed opportunities in range, most first (kept while nothing they are made of
    /// changed).
    fn assemble(&mut self, scope: &Scope) -> Vec<MissedOpportunity> {
        let b = &scope.bounds;
        let span = self.sweep.span(b.start, b.end);
        let key: Assembly = (
            self.version,
            span.clone(),
            selection(scope),
            scope.q.redact,
            scope.q.all_examples,
        );
        let mut missed = match &self.assembled {
            Some((k, m)) if *k == key => m.clone(),
            _ => {
                let catalog = scope.catalog;
                let keep = |p: &crate::model::facts::Prompt| scope.counts(p.ts, &p.session);
                let (redact, all) = (scope.q.redact, scope.q.all_examples);
                let m = self.sweep.missed(catalog, span, &keep, redact, all);
                self.assembled = Some((key, m.clone()));
                m
            }
        };
        // Each example names its project, so the user can find the session again.
        for e in missed.iter_mut().flat_map(|m| m.examples.iter_mut()) {
            let project = scope.sessions.get(&*e.session).and_then(|s| s.project());
            e.project = project.map(str::to_string);
        }
        missed
    }
}
