//! The part of each group of files (see `store::groups`), kept between snapshots while
//! following: a group is counted again only when one of its files changed, its sessions'
//! selection changed, or the range's edges moved across its time span. The kept parts are
//! kept summed too: a group counted again takes its old part out of the sum and puts the
//! new one in, so a snapshot's cost follows the groups that changed, not the history.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::path::Path;
use std::sync::MutexGuard;

use super::{Part, Scope, count};
use crate::model::facts::{FileFacts, Millis};
use crate::store::Store;
use crate::store::groups::Brief;

/// What is kept for one query (another query starts afresh).
#[derive(Default)]
pub(in crate::store) struct Cache {
    query: String,
    /// Per group, by the number of its root file: what its part was counted from (apart
    /// from the parts, so that a snapshot's walk over every group reads little memory).
    kept: Vec<Option<Kept>>,
    parts: Vec<Part>,
    /// The sum of `parts`.
    total: Part,
    /// False while `total` is being changed: a panic there leaves it unusable.
    sound: bool,
    /// Counts the snapshots: which groups the last one saw.
    epoch: u64,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let groups = self.kept.iter().flatten().count();
        f.debug_struct("Cache")
            .field("groups", &groups)
            .finish_non_exhaustive()
    }
}

/// What one group's part was counted from.
struct Kept {
    files: (usize, u64),
    selection: u64,
    bounds: [Millis; 3],
    /// The last snapshot that saw the group.
    epoch: u64,
}

/// The sum a snapshot finishes: the kept one, or one counted for it alone.
pub(super) enum Total<'s> {
    Kept(MutexGuard<'s, Cache>),
    Once(Box<Part>),
}

impl Deref for Total<'_> {
    type Target = Part;
    fn deref(&self) -> &Part {
        match self {
            Total::Kept(cache) => &cache.total,
            Total::Once(part) => part,
        }
    }
}

/// The sum of the parts of the groups with anything since the previous range began.
pub(super) fn sum<'s>(store: &'s Store, scope: &Scope, keep: bool) -> Total<'s> {
    let Some(groups) = store.groups.as_ref().filter(|_| keep) else {
        // Read once, or a question asked once: one group, nothing kept.
        return Total::Once(Box::new(count(scope, scope.touching())));
    };
    // Files by group from the groups' own briefs: a file's facts are read only when its
    // group is counted again.
    let files = groups.files();
    let mut cache = store.cache.lock().unwrap_or_else(|e| e.into_inner());
    let query = query_key(scope);
    if cache.query != query || !cache.sound {
        *cache = Cache {
            query,
            ..Cache::default()
        };
    }
    cache.sound = false;
    cache.epoch += 1;
    let epoch = cache.epoch;
    let b = &scope.bounds;
    let bounds = [b.start, b.end, b.prev_start];
    let selection = selection(scope);
    let Cache {
        kept, parts, total, ..
    } = &mut *cache;
    let mut fresh: Vec<(usize, Kept, Part)> = Vec::new();
    for members in files.chunk_by(|a, b| a.0 == b.0) {
        let group = members[0].0 as usize;
        let Some(seen) = look(members, b.prev_start) else {
            continue;
        };
        if let Some(k) = kept.get_mut(group).and_then(Option::as_mut).filter(|k| {
            k.files == seen.files && k.selection == selection && still(k.bounds, bounds, seen.span)
        }) {
            k.epoch = epoch;
            continue;
        }
        let mut paths: Vec<&Path> = members.iter().map(|m| m.1.path.as_path()).collect();
        paths.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
        let files_of: Vec<&FileFacts> = paths.iter().filter_map(|p| store.file_facts(p)).collect();
        let k = Kept {
            files: seen.files,
            selection,
            bounds,
            epoch,
        };
        fresh.push((group, k, count(scope, files_of)));
    }
    // Every old part out before any new one goes in: a session's set or empty tally is
    // dropped with the old part that held it, and the new part may hold it again (a group
    // counted again, or joined into another).
    for (slot, part) in kept.iter_mut().zip(parts.iter_mut()) {
        if slot.as_ref().is_some_and(|k| k.epoch != epoch) {
            *slot = None;
            total.sub(&std::mem::take(part));
        }
    }
    for (group, k, part) in fresh {
        if kept.len() <= group {
            kept.resize_with(group + 1, || None);
            parts.resize_with(group + 1, Part::default);
        }
        total.add(&part);
        kept[group] = Some(k);
        parts[group] = part;
    }
    cache.sound = true;
    Total::Kept(cache)
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
