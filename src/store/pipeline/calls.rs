//! Step 2, calls: one call per `tool_use.id` with its outcome joined from any file, the
//! calls in range, and their tallies (totals, per tool, per session, overall success).

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use super::part::{RECENT_ERRORS, Recent, SessionId, ToolPart};
use super::{Ctx, Fate, Part, Scope, Tally};
use crate::model::facts::{FileFacts, Outcome, ToolCall, to_datetime};
use crate::model::snapshot::{ToolError, ToolStat};

type CallsById<'a> = HashMap<&'a str, &'a ToolCall>;
type ById<'a, T> = HashMap<&'a str, T>;

pub(super) fn calls(ctx: &mut Ctx) {
    let (calls, outcomes, errors) = dedupe(&ctx.files);
    let mut range_calls: Vec<(&ToolCall, Fate)> = calls
        .values()
        .filter(|c| ctx.counts(c.ts, &c.session))
        .map(|c| (*c, Fate::of(outcomes.get(c.id.as_str()).copied())))
        .collect();
    range_calls.sort_by(|a, b| (a.0.ts, &a.0.id).cmp(&(b.0.ts, &b.0.id)));
    ctx.calls = calls;
    ctx.range_calls = range_calls;
    tally(ctx);
    ctx.part.tools = tool_parts(&ctx.range_calls, &errors);
}

/// Totals, the overall success rate (the same number in `totals.success_rate` and
/// `success.overall`), and the tools.
pub(super) fn finish(scope: &mut Scope, part: &Part) {
    let (c, totals) = (&part.calls, &mut scope.snap.totals);
    totals.tool_calls = c.calls;
    totals.tool_success = c.success;
    totals.tool_failure = c.failure;
    totals.tool_rejected = c.rejected;
    totals.tool_interrupted = c.interrupted;
    totals.success_rate = Tally {
        success: c.success,
        failure: c.failure,
    }
    .rate();
    scope.snap.success.overall = totals.success_rate;
    scope.snap.tools = tool_stats(&part.tools);
}

/// One call per tool_use id: keep the earliest (ties: the main transcript's copy); one
/// outcome per id.
fn dedupe<'a>(files: &[&'a FileFacts]) -> (CallsById<'a>, ById<'a, Outcome>, ById<'a, &'a str>) {
    let mut calls: HashMap<&str, &ToolCall> = HashMap::default();
    let mut outcomes: HashMap<&str, Outcome> = HashMap::default();
    let mut errors: HashMap<&str, &str> = HashMap::default();
    for f in files {
        for c in &f.calls {
            calls
                .entry(c.id.as_str())
                .and_modify(|old| {
                    if (c.ts, c.sidechain, &c.session) < (old.ts, old.sidechain, &old.session) {
                        *old = c;
                    }
                })
                .or_insert(c);
        }
        for r in &f.results {
            if let Some(e) = &r.error {
                // Copies agree; the least whatever the order files are read in.
                errors
                    .entry(r.tool_use_id.as_str())
                    .and_modify(|old| *old = e.as_str().min(old))
                    .or_insert(e.as_str());
            }
            // Copies of one result agree; prefer a failure so the join is order-free.
            outcomes
                .entry(r.tool_use_id.as_str())
                .and_modify(|o| {
                    if *o == Outcome::Success {
                        *o = r.outcome;
                    }
                })
                .or_insert(r.outcome);
        }
    }
    (calls, outcomes, errors)
}

/// Counts of the calls in range, and the tally of each selected session.
fn tally(ctx: &mut Ctx) {
    let c = &mut ctx.part.calls;
    for (call, fate) in &ctx.range_calls {
        c.calls += 1;
        match fate {
            Fate::Success => c.success += 1,
            Fate::Failure => c.failure += 1,
            Fate::Rejected => {
                c.failure += 1;
                c.rejected += 1;
            }
            Fate::Interrupted => c.interrupted += 1,
        }
        ctx.per_session
            .entry(&*call.session)
            .or_default()
            .add(*fate);
    }
    ctx.part.per_session = ctx
        .per_session
        .iter()
        .map(|(s, t)| (SessionId::from(*s), *t))
        .collect();
}

/// Calls, failures and tally per tool, with the most recent failures' texts.
fn tool_parts(
    range_calls: &[(&ToolCall, Fate)],
    errors: &ById<&str>,
) -> BTreeMap<String, ToolPart> {
    let mut tools: HashMap<&str, ToolPart> = HashMap::default();
    for (c, fate) in range_calls {
        let t = tools.entry(c.name.as_str()).or_default();
        t.count += 1;
        if fate.failed() {
            t.failures += 1;
            if let Some(text) = errors.get(c.id.as_str()) {
                t.recent.insert(Arc::new(Recent {
                    ts: c.ts,
                    id: c.id.clone(),
                    session: c.session.to_string(),
                    text: text.to_string(),
                }));
                t.keep_recent();
            }
        }
        t.tally.add(*fate);
    }
    tools
        .into_iter()
        .map(|(name, t)| (name.to_string(), t))
        .collect()
}

/// Most used first, with the text of the most recent failures.
fn tool_stats(tools: &BTreeMap<String, ToolPart>) -> Vec<ToolStat> {
    let mut out: Vec<ToolStat> = tools
        .iter()
        .map(|(name, t)| ToolStat {
            name: name.clone(),
            count: t.count,
            failures: t.failures,
            success_rate: t.tally.rate(),
            recent_errors: t
                .recent
                .iter()
                .rev()
                .take(RECENT_ERRORS)
                .map(|r| ToolError {
                    time: to_datetime(r.ts).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    session: r.session.clone(),
                    text: r.text.clone(),
                })
                .collect(),
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    out
}
