//! The part of each group of files (see `store::groups`), kept between snapshots while
//! following: a group is counted again only when one of its files changed, its sessions'
//! selection changed, or the range's edges moved across its time span. The parts of the
//! groups that stayed are kept summed in a base, so a snapshot adds only the groups that
//! changed to it. The missed opportunities are kept too, until what they are judged from
//! changes.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{Part, Scope, count, missed, scope::touches};
use crate::model::facts::{CallKind, FileFacts, Millis};
use crate::model::snapshot::MissedOpportunity;
use crate::store::Store;

/// What is kept for one query (another query starts afresh).
#[derive(Default)]
pub(in crate::store) struct Cache {
    query: String,
    parts: HashMap<u32, Kept>,
    base: Option<Base>,
    missed: Option<(Vec<u64>, Vec<MissedOpportunity>)>,
    stamp: u64,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("groups", &self.parts.len())
            .finish_non_exhaustive()
    }
}

/// One group's part, and what it was counted from.
struct Kept {
    files: u64,
    selection: u64,
    bounds: [Millis; 3],
    part: Part,
    /// Changes each time the group is counted again.
    stamp: u64,
    /// What the missed opportunities read in this group.
    missed: u64,
}

/// The sum of the groups that did not change lately.
struct Base {
    members: HashMap<u32, u64>,
    part: Part,
}

/// Groups beside the base before it is summed again.
const OUTSIDE_BASE: usize = 8;

/// The sum of the parts of the groups with anything since the previous range began, and
/// the missed opportunities.
pub(super) fn sum(store: &Store, scope: &Scope, keep: bool) -> (Part, Vec<MissedOpportunity>) {
    let Some(groups) = store.groups.as_ref().filter(|_| keep) else {
        // Read once, or a question asked once: one group, nothing kept.
        let files: Vec<&FileFacts> = scope
            .all_files
            .iter()
            .copied()
            .filter(|f| touches(f, scope.bounds.prev_start))
            .collect();
        return (count(scope, files.clone()), missed::missed(scope, &files));
    };
    let mut by_group: HashMap<u32, Vec<(&Path, &FileFacts, u64)>> = HashMap::default();
    for (path, f) in &store.files {
        if let Some((group, changed)) = groups.of(path) {
            by_group.entry(group).or_default().push((path, f, changed));
        }
    }
    let mut cache = store.cache.lock().unwrap_or_else(|e| e.into_inner());
    let query = query_key(scope);
    if cache.query != query {
        *cache = Cache {
            query,
            ..Cache::default()
        };
    }
    let b = &scope.bounds;
    let bounds = [b.start, b.end, b.prev_start];
    let mut live: HashMap<u32, u64> = HashMap::default();
    let mut fresh: HashSet<u32> = HashSet::default();
    for (group, mut members) in by_group {
        if !members.iter().any(|m| touches(m.1, b.prev_start)) {
            continue;
        }
        members.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let files = hash_of(|h| members.iter().for_each(|(p, _, c)| (p, c).hash(h)));
        let selection = selection(scope, &members);
        let span = span(&members);
        let kept = cache.parts.get(&group).filter(|k| {
            k.files == files && k.selection == selection && still(k.bounds, bounds, span)
        });
        let stamp = match kept {
            Some(k) => k.stamp,
            None => {
                let files_of: Vec<&FileFacts> = members.iter().map(|m| m.1).collect();
                cache.stamp += 1;
                let kept = Kept {
                    files,
                    selection,
                    bounds,
                    part: count(scope, files_of.clone()),
                    stamp: cache.stamp,
                    missed: missed_inputs(scope, &files_of),
                };
                cache.parts.insert(group, kept);
                fresh.insert(group);
                cache.stamp
            }
        };
        live.insert(group, stamp);
    }
    cache.parts.retain(|g, _| live.contains_key(g));
    let part = total(&mut cache, &live, &fresh);
    let mut inputs: Vec<u64> = cache.parts.values().map(|k| k.missed).collect();
    inputs.sort_unstable();
    inputs.push(catalog_key(scope));
    let missed = match &cache.missed {
        Some((key, m)) if *key == inputs => m.clone(),
        _ => {
            let files: Vec<&FileFacts> = scope
                .all_files
                .iter()
                .copied()
                .filter(|f| touches(f, b.prev_start))
                .collect();
            let m = missed::missed(scope, &files);
            cache.missed = Some((inputs, m.clone()));
            m
        }
    };
    (part, missed)
}

/// The kept parts summed: the base (summed again when a group in it changed, or when too
/// many groups are beside it) and the groups beside it.
fn total(cache: &mut Cache, live: &HashMap<u32, u64>, fresh: &HashSet<u32>) -> Part {
    let base_holds = cache.base.as_ref().is_some_and(|b| {
        b.members
            .iter()
            .all(|(g, stamp)| live.get(g) == Some(stamp))
            && live.len() - b.members.len() <= OUTSIDE_BASE.max(fresh.len())
    });
    if !base_holds {
        let mut base = Base {
            members: HashMap::default(),
            part: Part::default(),
        };
        for (g, stamp) in live {
            if !fresh.contains(g) {
                base.part.add(&cache.parts[g].part);
                base.members.insert(*g, *stamp);
            }
        }
        cache.base = Some(base);
    }
    let base = cache.base.as_ref().expect("set above");
    let mut part = base.part.clone();
    for g in live.keys().filter(|g| !base.members.contains_key(g)) {
        part.add(&cache.parts[g].part);
    }
    part
}

/// Whether a group counted with the range's edges at `then` counts the same at `now`: no
/// edge moved across the group's time span.
fn still(then: [Millis; 3], now: [Millis; 3], span: Option<(Millis, Millis)>) -> bool {
    let Some((first, last)) = span else {
        return true;
    };
    then.iter().zip(now).all(|(&a, b)| {
        let (lo, hi) = (a.min(b), a.max(b));
        a == b || last < lo || first > hi
    })
}

/// The earliest and latest time of the group's facts.
fn span(members: &[(&Path, &FileFacts, u64)]) -> Option<(Millis, Millis)> {
    let times = members.iter().flat_map(|m| m.1.sessions.values());
    let first = times.clone().map(|s| s.first_ts).min()?;
    let last = times.map(|s| s.last_ts).max()?;
    Some((first, last))
}

/// The group's sessions, each with whether it is in the project scope and selected.
fn selection(scope: &Scope, members: &[(&Path, &FileFacts, u64)]) -> u64 {
    let mut ids: Vec<&str> = members
        .iter()
        .flat_map(|m| m.1.sessions.keys().map(String::as_str))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    hash_of(|h| {
        for id in ids {
            (id, scope.scoped.contains(id), scope.selected.contains(id)).hash(h);
        }
    })
}

/// What the missed opportunities read in a group: its prompts in range, and the runs,
/// listings and projects of its selected sessions.
fn missed_inputs(scope: &Scope, files: &[&FileFacts]) -> u64 {
    hash_of(|h| {
        for f in files {
            let kept = |s: &str| scope.selected.contains(s);
            for p in f.prompts.iter().filter(|p| scope.counts(p.ts, &p.session)) {
                (p.ts, &p.session, &p.text).hash(h);
            }
            for c in f.calls.iter().filter(|c| kept(&c.session)) {
                if let CallKind::Skill(n) | CallKind::Agent(n) = &c.kind {
                    (&c.session, c.ts, n).hash(h);
                }
            }
            for k in f.skills_seen.iter().filter(|k| kept(&k.session)) {
                (&k.session, k.ts, &k.name).hash(h);
            }
            for l in f.listings.iter().filter(|l| kept(&l.session)) {
                (&l.session, &l.skills).hash(h);
            }
            for (id, s) in f.sessions.iter().filter(|(id, _)| kept(id)) {
                let project = scope.sessions.get(id.as_str()).and_then(|s| s.project());
                (id, project, &s.cwd).hash(h);
            }
        }
    })
}

/// Everything a kept part depends on beside its files and the range's edges.
fn query_key(scope: &Scope) -> String {
    let q = scope.q;
    format!(
        "{:?} {:?} {:?} {} {} {}",
        q.project,
        q.range.length,
        q.sessions,
        q.timezone.name(),
        q.redact,
        q.all_examples
    )
}

/// The catalog the detector judges with.
fn catalog_key(scope: &Scope) -> u64 {
    hash_of(|h| {
        for d in &scope.catalog.items {
            (
                &d.name,
                &d.description,
                &d.triggers,
                format!("{:?}", d.kind),
            )
                .hash(h);
        }
    })
}

fn hash_of(f: impl FnOnce(&mut DefaultHasher)) -> u64 {
    let mut h = DefaultHasher::new();
    f(&mut h);
    h.finish()
}
