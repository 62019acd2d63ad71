//! Step 4, stages: walk each session's staged calls in time order (the stage of a call is
//! decided in `sources/transcripts/parse.rs`): entries per stage, sessions that reached
//! each, transitions, and the expected stages no session reached.

use std::collections::{BTreeMap, BTreeSet};

use super::{Ctx, Fate};
use crate::model::facts::{Stage, ToolCall};
use crate::model::snapshot::{Stages, Transition};

pub(super) fn stages(ctx: &mut Ctx) {
    ctx.snap.stages = stage_stats(&ctx.range_calls);
}

fn stage_stats(range_calls: &[(&ToolCall, Fate)]) -> Stages {
    let mut by_session: BTreeMap<&str, Vec<Stage>> = BTreeMap::new();
    for (c, _) in range_calls {
        if let Some(st) = c.stage {
            by_session.entry(c.session.as_str()).or_default().push(st);
        }
    }
    let mut counts: BTreeMap<Stage, u64> = BTreeMap::new();
    let mut reached: BTreeMap<Stage, u64> = BTreeMap::new();
    let mut transitions: BTreeMap<(Stage, Stage), u64> = BTreeMap::new();
    for stages in by_session.values() {
        let mut current: Option<Stage> = None;
        let mut seen: BTreeSet<Stage> = BTreeSet::new();
        for &st in stages {
            if current != Some(st) {
                *counts.entry(st).or_default() += 1;
                if let Some(from) = current {
                    *transitions.entry((from, st)).or_default() += 1;
                }
                current = Some(st);
            }
            seen.insert(st);
        }
        for st in seen {
            *reached.entry(st).or_default() += 1;
        }
    }
    let mut transitions: Vec<Transition> = transitions
        .into_iter()
        .map(|((from, to), count)| Transition {
            from: from.as_str().to_string(),
            to: to.as_str().to_string(),
            count,
        })
        .collect();
    transitions.sort_by_key(|t| std::cmp::Reverse(t.count));
    let per_stage = |m: &BTreeMap<Stage, u64>| {
        Stage::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), m.get(s).copied().unwrap_or(0)))
            .collect()
    };
    Stages {
        order: Stage::EXPECTED
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        counts: per_stage(&counts),
        sessions_reached: per_stage(&reached),
        missing: Stage::EXPECTED
            .iter()
            .filter(|s| !reached.contains_key(s))
            .map(|s| s.as_str().to_string())
            .collect(),
        sessions_with_stages: by_session.len() as u64,
        transitions,
    }
}
