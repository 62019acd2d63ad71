//! Step 2, calls: one call per `tool_use.id` with its outcome joined from any file, the
//! calls in range, and their tallies (totals, per tool, per session, overall success).

use rustc_hash::FxHashMap as HashMap;

use super::{Ctx, Fate, Tally};
use crate::model::facts::{FileFacts, Outcome, ToolCall, to_datetime};
use crate::model::snapshot::{ToolError, ToolStat, Totals};

type CallsById<'a> = HashMap<&'a str, &'a ToolCall>;
type ById<'a, T> = HashMap<&'a str, T>;

pub(super) fn calls(ctx: &mut Ctx) {
    let (calls, outcomes, errors) = dedupe(&ctx.files);
    let mut range_calls: Vec<(&ToolCall, Fate)> = calls
        .values()
        .filter(|c| ctx.counts(c.ts, c.session.as_str()))
        .map(|c| (*c, Fate::of(outcomes.get(c.id.as_str()).copied())))
        .collect();
    range_calls.sort_by(|a, b| (a.0.ts, &a.0.id).cmp(&(b.0.ts, &b.0.id)));
    ctx.calls = calls;
    ctx.range_calls = range_calls;
    tally(ctx);
    ctx.snap.tools = tool_stats(&ctx.range_calls, &errors);
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
                errors.entry(r.tool_use_id.as_str()).or_insert(e.as_str());
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

/// Totals of the calls in range, the tally of each session, and the overall success rate
/// (the same number in `totals.success_rate` and `success.overall`).
fn tally(ctx: &mut Ctx) {
    let totals: &mut Totals = &mut ctx.snap.totals;
    for (c, fate) in &ctx.range_calls {
        totals.tool_calls += 1;
        match fate {
            Fate::Success => totals.tool_success += 1,
            Fate::Failure => totals.tool_failure += 1,
            Fate::Rejected => {
                totals.tool_failure += 1;
                totals.tool_rejected += 1;
            }
            Fate::Interrupted => totals.tool_interrupted += 1,
        }
        ctx.per_session
            .entry(c.session.as_str())
            .or_default()
            .add(*fate);
    }
    totals.success_rate = Tally {
        success: totals.tool_success,
        failure: totals.tool_failure,
    }
    .rate();
    ctx.snap.success.overall = totals.success_rate;
}

/// Error texts kept per tool: the most recent failures.
const RECENT_ERRORS: usize = 3;

/// Calls, failures and success rate per tool, most used first, with the text of the most
/// recent failures.
fn tool_stats(range_calls: &[(&ToolCall, Fate)], errors: &ById<&str>) -> Vec<ToolStat> {
    let mut tools: HashMap<&str, (u64, u64, Tally)> = HashMap::default();
    let mut recent: HashMap<&str, Vec<ToolError>> = HashMap::default();
    // In time order: the last ones pushed are the most recent.
    for (c, fate) in range_calls {
        let t = tools.entry(c.name.as_str()).or_default();
        t.0 += 1;
        if fate.failed() {
            t.1 += 1;
            if let Some(text) = errors.get(c.id.as_str()) {
                recent.entry(c.name.as_str()).or_default().push(ToolError {
                    time: to_datetime(c.ts).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    session: c.session.clone(),
                    text: text.to_string(),
                });
            }
        }
        t.2.add(*fate);
    }
    let mut out: Vec<ToolStat> = tools
        .into_iter()
        .map(|(name, (count, failures, t))| ToolStat {
            name: name.to_string(),
            count,
            failures,
            success_rate: t.rate(),
            recent_errors: recent
                .remove(name)
                .map(|mut v| {
                    v.reverse();
                    v.truncate(RECENT_ERRORS);
                    v
                })
                .unwrap_or_default(),
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    out
}
