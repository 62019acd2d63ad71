//! The snapshot, step by step. Each step is a short function over the shared [`Ctx`]: it
//! reads what the steps before it left there and fills its part of the snapshot being
//! built. Joins across files happen here: a tool call counts once per `tool_use.id`
//! (resumed sessions copy history into new files), its outcome comes from whichever file
//! holds the result, and tokens count once per API message.

mod calls;
pub(super) mod costs;
pub(super) mod groups;
pub(crate) mod insights;
mod items;
pub(crate) mod merge;
pub(super) mod missed;
mod part;
mod scope;
pub(super) mod sessions;
mod stages;
pub(super) mod tokens;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use super::{Query, Store};
use crate::model::facts::{AgentFile, FileFacts, Millis, Outcome, ToolCall, Usage};
use crate::model::prices::Prices;
use crate::model::snapshot::{ItemStat, Snapshot};
use crate::sources::catalog::Catalog;
use part::Part;

/// The picture for `q`, in order: scope, then over each group of files calls, items,
/// stages, tokens and costs (kept per group while following), their sum finished, missed
/// opportunities, Prometheus numbers beside the transcripts', findings.
/// `keep`: keep the groups' counts for the next snapshot of this query (the dashboard's
/// main question, asked again at every change).
pub(super) fn snapshot(store: &Store, q: &Query, catalog: &Catalog, keep: bool) -> Snapshot {
    snapshot_pruned(store, q, catalog, true, keep)
}

/// Every project on record (see `Store::projects`).
pub(super) fn projects(store: &Store) -> Vec<String> {
    scope::projects(store)
}

fn snapshot_pruned(
    store: &Store,
    q: &Query,
    catalog: &Catalog,
    prune: bool,
    keep: bool,
) -> Snapshot {
    let mut scope = scope::scope(store, q, catalog, prune);
    let part = if prune {
        groups::sum(store, &scope, keep)
    } else {
        groups::Total::Once(Box::new(count(&scope, scope.all_files.clone())))
    };
    finish(&mut scope, &part);
    drop(part);
    scope.snap.missed_opportunities = missed::missed(store, &scope, keep);
    let mut snap = scope.snap;
    merge::prometheus(&mut snap, store.prometheus.as_ref());
    costs::item_costs(&mut snap);
    insights::findings(&mut snap, catalog);
    snap
}

/// The part of one group of files: the steps that count.
fn count<'a>(scope: &Scope<'a>, files: Vec<&'a FileFacts>) -> Part {
    let mut ctx = Ctx::new(scope, files);
    calls::calls(&mut ctx);
    items::items(&mut ctx);
    stages::stages(&mut ctx);
    tokens::tokens(&mut ctx);
    costs::costs(&mut ctx);
    ctx.part
}

/// The summed part turned into the snapshot's fields.
fn finish(scope: &mut Scope, part: &Part) {
    calls::finish(scope, part);
    items::finish(scope, part);
    stages::finish(scope, part);
    tokens::finish(scope, part);
    costs::finish(scope, part);
}

/// What every group shares: the query, the sessions and their selection, the range, and
/// the snapshot being built.
struct Scope<'a> {
    q: &'a Query,
    catalog: &'a Catalog,
    /// Every file: the user's history, for the missed-opportunity detector.
    all_files: Vec<&'a FileFacts>,
    bounds: Bounds,
    /// Sessions in the project scope, whatever their time (none: every session on record).
    scoped: Option<HashSet<&'a str>>,
    /// Sessions in scope active in range, cut to the `--sessions N` most recent (left empty
    /// when that is every session on record: `all_selected`).
    selected: HashSet<&'a str>,
    selected_count: usize,
    /// Every session on record is selected.
    all_selected: bool,
    /// Every session on record, merged over its files (times, project).
    sessions: &'a HashMap<crate::model::facts::SessionId, crate::store::sessions::SessionInfo>,
    prices: &'a Prices,
    snap: Snapshot,
}

impl<'a> Scope<'a> {
    /// The files with anything since the previous range began (see `scope::touches`): all a
    /// snapshot counts.
    fn touching(&self) -> Vec<&'a FileFacts> {
        let from = self.bounds.prev_start;
        let files = self.all_files.iter().copied();
        files.filter(|f| scope::touches(f, from)).collect()
    }

    /// A session in the project scope (any session on record without a project).
    fn in_scope(&self, session: &str) -> bool {
        match &self.scoped {
            None => self.sessions.contains_key(session),
            Some(set) => set.contains(session),
        }
    }

    /// In range, and in one of the selected sessions.
    fn counts(&self, ts: Millis, session: &str) -> bool {
        // Every timestamped fact's session is on record, so when all are selected only an
        // empty one can fail: no lookup per fact (range `all` over every project).
        self.bounds.contains(ts)
            && if self.all_selected {
                !session.is_empty()
            } else {
                self.selected.contains(session)
            }
    }
}

/// What the steps share over one group of files: the joins made so far, and the part
/// being counted.
struct Ctx<'a, 's> {
    scope: &'s Scope<'a>,
    files: Vec<&'a FileFacts>,
    /// One call per `tool_use.id`, from every file.
    calls: HashMap<&'a str, &'a ToolCall>,
    /// Calls in range in the selected sessions, in time order, with their fate.
    range_calls: Vec<(&'a ToolCall, Fate)>,
    /// Call tallies per selected session (for "with vs without").
    per_session: HashMap<&'a str, Tally>,
    /// API responses in range in the selected sessions, once per message id, with the
    /// subagent file each came from (none: a main transcript).
    usage: Vec<(&'a Usage, Option<&'a AgentFile>)>,
    part: Part,
}

impl<'a, 's> Ctx<'a, 's> {
    fn new(scope: &'s Scope<'a>, files: Vec<&'a FileFacts>) -> Self {
        Ctx {
            scope,
            files,
            calls: HashMap::default(),
            range_calls: Vec::new(),
            per_session: HashMap::default(),
            usage: Vec::new(),
            part: Part::default(),
        }
    }
}

impl<'a> std::ops::Deref for Ctx<'a, '_> {
    type Target = Scope<'a>;
    fn deref(&self) -> &Scope<'a> {
        self.scope
    }
}

/// What happened to one call, across all files. An [`Outcome`] is what one `tool_result`
/// says; a call's fate also covers the call no file holds a result for (interrupted).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Success,
    Failure,
    Rejected,
    Interrupted,
}

impl Fate {
    fn of(outcome: Option<Outcome>) -> Fate {
        match outcome {
            Some(Outcome::Success) => Fate::Success,
            Some(Outcome::Failure) => Fate::Failure,
            Some(Outcome::Rejected) => Fate::Rejected,
            None => Fate::Interrupted,
        }
    }
    fn failed(self) -> bool {
        matches!(self, Fate::Failure | Fate::Rejected)
    }
}

/// Decided calls: successes and failures (rejections included); interrupted ones left out.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    success: u64,
    failure: u64,
}

impl Tally {
    fn add(&mut self, fate: Fate) {
        match fate {
            Fate::Success => self.success += 1,
            Fate::Failure | Fate::Rejected => self.failure += 1,
            Fate::Interrupted => {}
        }
    }
    fn merge(&mut self, o: Tally) {
        self.success += o.success;
        self.failure += o.failure;
    }
    fn rate(self) -> Option<f64> {
        let n = self.success + self.failure;
        (n > 0).then(|| self.success as f64 / n as f64)
    }
}

/// The range and the one before it, in milliseconds.
struct Bounds {
    start: Millis,
    end: Millis,
    prev_start: Millis,
}

impl Bounds {
    fn contains(&self, ts: Millis) -> bool {
        ts >= self.start && ts < self.end
    }
    fn in_previous(&self, ts: Millis) -> bool {
        ts >= self.prev_start && ts < self.start
    }
}

fn local_date(ms: Millis, q: &Query) -> NaiveDate {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&q.timezone)
        .date_naive()
}

/// Percent change; `None` when there is nothing to compare with.
pub(crate) fn trend(current: f64, previous: f64) -> Option<f64> {
    (previous > 0.0).then(|| (current - previous) / previous * 100.0)
}

/// Most used first, then by name.
pub(crate) fn sort_items(items: &mut [ItemStat]) {
    items.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
}

#[cfg(test)]
mod tests;
