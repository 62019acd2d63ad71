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

use super::{Part, Scope, count, missed};
use crate::model::facts::{CallKind, FileFacts, Millis};
use crate::model::snapshot::MissedOpportunity;
use crate::sources::catalog::missed::Reading;
use crate::store::Store;
use crate::store::groups::Brief;

/// What is kept for one query (another query starts afresh).
#[derive(Default)]
pub(in crate::store) struct Cache {
    query: String,
    parts: HashMap<u32, Kept>,
    base: Option<Base>,
    missed: Option<(Vec<u64>, Vec<MissedOpportunity>)>,
    /// The prompts as the detector of the catalog (by its key) read them.
    reading: (u64, Reading),
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
    files: (usize, u64),
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
        let files = scope.touching();
        let missed = missed::missed(scope, &files, &mut Reading::default());
        return (count(scope, files.clone()), missed);
    };
    // Files by group from the groups' own briefs: a file's facts are read only when its
    // group is counted again.
    let files = groups.files();
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
    let selection = selection(scope);
    let mut live: HashMap<u32, u64> = HashMap::default();
    let mut fresh: HashSet<u32> = HashSet::default();
    for members in files.chunk_by(|a, b| a.0 == b.0) {
        let group = members[0].0;
        let Some(seen) = look(members, b.prev_start) else {
            continue;
        };
        let kept = cache.parts.get(&group).filter(|k| {
            k.files == seen.files && k.selection == selection && still(k.bounds, bounds, seen.span)
        });
        let stamp = match kept {
            Some(k) => k.stamp,
            None => {
                let mut paths: Vec<&Path> = members.iter().map(|m| m.1.path.as_path()).collect();
                paths.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
                let files_of: Vec<&FileFacts> =
                    paths.iter().filter_map(|p| store.file_facts(p)).collect();
                cache.stamp += 1;
                let kept = Kept {
                    files: seen.files,
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
    let catalog = catalog_key(scope);
    inputs.push(catalog);
    let missed = match &cache.missed {
        Some((key, m)) if *key == inputs => m.clone(),
        _ => {
            let files = scope.touching();
            if cache.reading.0 != catalog {
                cache.reading = (catalog, Reading::default());
            }
            let m = missed::missed(scope, &files, &mut cache.reading.1);
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

/// What a group's files tell at a glance.
struct Seen {
    /// How many, and the latest clock among them: any change moves a file's clock past
    /// every other, so these tell whether they are the files a part was counted from.
    files: (usize, u64),
    /// The earliest and latest time of their facts.
    span: Option<(Millis, Millis)>,
}

/// The group's files at a glance; none when none has anything since `from` (see
/// `scope::touches`: a file without a timestamped entry always has).
fn look(members: &[(u32, &Brief)], from: Millis) -> Option<Seen> {
    let mut touched = false;
    let mut span: Option<(Millis, Millis)> = None;
    let mut clock = 0;
    for (_, b) in members {
        clock = clock.max(b.changed);
        let Some((first, last)) = b.span else {
            touched = true;
            continue;
        };
        touched |= last >= from;
        span = Some(match span {
            None => (first, last),
            Some((a, z)) => (a.min(first), z.max(last)),
        });
    }
    touched.then_some(Seen {
        files: (members.len(), clock),
        span,
    })
}

/// What a group's sessions' selection depends on beside the group's own files and span:
/// with `--sessions N`, which sessions are the N latest (another group's new session can
/// push one out). Without it a session is selected by its own project and times.
fn selection(scope: &Scope) -> u64 {
    if scope.q.sessions.is_none() {
        return 0;
    }
    let mut ids: Vec<&str> = scope.selected.iter().copied().collect();
    ids.sort_unstable();
    hash_of(|h| ids.hash(h))
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
                let project = scope.sessions.get(&**id).and_then(|s| s.project());
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
