//! Step 1, scope: sessions merged over files, the range bounds, the sessions in the
//! project and in range, and the snapshot's frame (scope, transcript source, diagnostics).

use rustc_hash::FxHashSet as HashSet;

use chrono::{DateTime, Utc};

use super::{Bounds, Scope};
use crate::model::facts::{FileFacts, Millis};
use crate::model::snapshot::{SCHEMA_ID, ScopeInfo, Snapshot, Sources, TranscriptSource};
use crate::sources::catalog::Catalog;
use crate::store::sessions::SessionInfo;
use crate::store::{Query, Store};

/// Every project on record, once each, sorted.
pub(super) fn projects(store: &Store) -> Vec<String> {
    let mut v: Vec<String> = store
        .sessions
        .values()
        .filter_map(|s| s.project().map(str::to_string))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// `prune`: skip the session lookup when every session is selected (and, in the groups,
/// leave out the files with nothing since the previous range began: see [`touches`]); off
/// only in the test that proves these shortcuts change nothing.
pub(super) fn scope<'a>(
    store: &'a Store,
    q: &'a Query,
    catalog: &'a Catalog,
    prune: bool,
) -> Scope<'a> {
    let all_files: Vec<&FileFacts> = store.files.values().map(|f| &f.facts).collect();
    let sessions = &store.sessions;
    let store_min = sessions.values().map(|s| s.first_ts).min();
    let bounds = bounds(store_min, q);
    // Every session is in scope without a project: no set of them to build.
    let scoped: Option<HashSet<&str>> = q.project.as_ref().map(|p| {
        sessions
            .iter()
            .filter(|(_, s)| in_project(s.project(), p))
            .map(|(id, _)| &**id)
            .collect()
    });
    let in_scope: Vec<(&str, &SessionInfo)> = match &scoped {
        None => sessions.iter().map(|(id, s)| (&**id, s)).collect(),
        Some(set) => set.iter().map(|id| (*id, &sessions[*id])).collect(),
    };
    let active = select(&in_scope, &bounds, q.sessions);
    let all_selected = prune && active.len() == sessions.len();
    // When every session is selected no look-up asks the set (see `Scope::counts`).
    let selected = match all_selected {
        true => HashSet::default(),
        false => active.iter().copied().collect(),
    };
    let mut snap = frame(store, q, catalog, &all_files, sessions.len(), &bounds);
    // Whatever the range: an empty range can then say when the last activity was.
    snap.scope.last_activity = in_scope
        .iter()
        .map(|(_, s)| s.last_ts.min(bounds.end))
        .max()
        .map(rfc3339);
    Scope {
        q,
        catalog,
        all_files,
        bounds,
        scoped,
        all_selected,
        selected,
        selected_count: active.len(),
        sessions,
        prices: &store.prices,
        snap,
    }
}

/// Whether a file has anything at or after `from`. A call, prompt or response counts only in
/// the range or the previous one, and a call's result, copies and subagent come at or after
/// it: a file with nothing since `from` adds nothing to a snapshot but the user's history
/// (`Scope::all_files`). This keeps a short range's cost to the recent files, whatever the
/// history. A file with no timestamped entry is always kept.
pub(super) fn touches(f: &FileFacts, from: Millis) -> bool {
    f.sessions.is_empty() || f.sessions.values().any(|s| s.last_ts >= from)
}

/// The range, and the one before it; range `all` starts at the earliest fact.
fn bounds(store_min: Option<Millis>, q: &Query) -> Bounds {
    let end = q.now.timestamp_millis();
    match q.range.length {
        Some(len) => {
            let len = len.num_milliseconds();
            Bounds {
                start: end - len,
                end,
                prev_start: end - 2 * len,
            }
        }
        None => {
            let start = store_min.unwrap_or(end).min(end);
            Bounds {
                start,
                end,
                prev_start: start,
            }
        }
    }
}

/// Whether a session's working directory is inside the project.
fn in_project(cwd: Option<&str>, project: &str) -> bool {
    let project = project.trim_end_matches('/');
    match cwd {
        Some(c) => {
            let c = c.trim_end_matches('/');
            c == project
                || (c.starts_with(project) && c.as_bytes().get(project.len()) == Some(&b'/'))
                || project.is_empty()
        }
        None => false,
    }
}

/// Sessions active in range (any call, prompt or entry there); `--sessions N` keeps the
/// N most recent of them.
fn select<'a>(
    in_scope: &[(&'a str, &SessionInfo)],
    b: &Bounds,
    limit: Option<usize>,
) -> Vec<&'a str> {
    let mut active: Vec<(&str, Millis)> = in_scope
        .iter()
        .filter_map(|(id, s)| {
            (s.last_ts >= b.start && s.first_ts < b.end).then_some((*id, s.last_ts))
        })
        .collect();
    // Only a cut needs the order.
    if let Some(n) = limit {
        active.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        active.truncate(n);
    }
    active.iter().map(|(id, _)| *id).collect()
}

/// The snapshot before any numbers: scope, transcript source, diagnostics.
fn frame(
    store: &Store,
    q: &Query,
    catalog: &Catalog,
    files: &[&FileFacts],
    sessions: usize,
    b: &Bounds,
) -> Snapshot {
    let mut diagnostics = store.diagnostics.clone();
    diagnostics.extend(catalog.diagnostics.iter().cloned());
    Snapshot {
        schema: SCHEMA_ID.to_string(),
        generated_at: q.now.to_rfc3339(),
        scope: ScopeInfo {
            project: q.project.clone(),
            all_projects: q.project.is_none(),
            range: q.range.label.clone(),
            start: rfc3339(b.start),
            end: rfc3339(b.end),
            previous_start: rfc3339(b.prev_start),
            timezone: q.timezone.name().to_string(),
            last_activity: None,
        },
        sources: Sources {
            transcripts: transcript_source(store, files, sessions),
            prometheus: Default::default(),
        },
        diagnostics,
        daily_sparse: true,
        ..Default::default()
    }
}

fn transcript_source(store: &Store, files: &[&FileFacts], sessions: usize) -> TranscriptSource {
    let read = &store.read;
    TranscriptSource {
        dirs: store.dirs.clone(),
        files: files.len() as u64,
        sessions: sessions as u64,
        lines: read.lines,
        bytes: read.bytes,
        skipped_lines: read.skipped.values().sum(),
        skipped_by_reason: read
            .skipped
            .iter()
            .map(|(r, n)| (r.as_str().to_string(), *n))
            .collect(),
    }
}

fn rfc3339(ms: Millis) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339()
}
