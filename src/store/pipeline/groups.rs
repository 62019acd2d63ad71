//! The part of each group of files (see `store::groups`), kept between snapshots while
//! following: a group is counted again only when one of its files changed, its sessions'
//! selection changed, or the range's edges moved across its time span. The parts of the
//! groups that stayed are kept summed in a base, so a snapshot adds only the groups that
//! changed to it.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{Part, Scope, count};
use crate::model::facts::{FileFacts, Millis};
use crate::store::Store;
use crate::store::groups::Brief;

/// What is kept for one query (another query starts afresh).
#[derive(Default)]
pub(in crate::store) struct Cache {
    query: String,
    parts: HashMap<u32, Kept>,
    base: Option<Base>,
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
}

/// The sum of the groups that did not change lately.
struct Base {
    members: HashMap<u32, u64>,
    part: Part,
}

/// Groups beside the base before it is summed again.
const OUTSIDE_BASE: usize = 8;

/// The sum of the parts of the groups with anything since the previous range began.
pub(super) fn sum(store: &Store, scope: &Scope, keep: bool) -> Part {
    let Some(groups) = store.groups.as_ref().filter(|_| keep) else {
        // Read once, or a question asked once: one group, nothing kept.
        return count(scope, scope.touching());
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
                    part: count(scope, files_of),
                    stamp: cache.stamp,
                };
                cache.parts.insert(group, kept);
                fresh.insert(group);
                cache.stamp
            }
        };
        live.insert(group, stamp);
    }
    cache.parts.retain(|g, _| live.contains_key(g));
    total(&mut cache, &live, &fresh)
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
pub(super) fn selection(scope: &Scope) -> u64 {
    if scope.q.sessions.is_none() || scope.all_selected {
        return 0;
    }
    let mut ids: Vec<&str> = scope.selected.iter().copied().collect();
    ids.sort_unstable();
    hash_of(|h| ids.hash(h))
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
pub(super) fn catalog_key(scope: &Scope) -> u64 {
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

/// A 64-bit digest that stands for what it hashes (SipHash with fixed keys: well spread
/// over long strings, where a collision would hide a change).
pub(super) fn hash_of(f: impl FnOnce(&mut DefaultHasher)) -> u64 {
    let mut h = DefaultHasher::new();
    f(&mut h);
    h.finish()
}
