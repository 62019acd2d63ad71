//! Step 4, stages: walk each session's staged calls in time order (the stage of a call is
//! decided in `sources/transcripts/parse.rs`): entries per stage, sessions that reached
//! each, transitions, and the expected stages no session reached.

use std::collections::{BTreeMap, BTreeSet};

use super::part::StagePart;
use super::{Ctx, Part, Scope};
use crate::model::facts::Stage;
use crate::model::snapshot::{Stages, Transition};

pub(super) fn stages(ctx: &mut Ctx) {
    let range_calls = &ctx.range_calls;
    let mut by_session: BTreeMap<&str, Vec<Stage>> = BTreeMap::new();
    for (c, _) in range_calls {
        if let Some(st) = c.stage {
            by_session.entry(&*c.session).or_default().push(st);
        }
    }
    let StagePart {
        counts,
        reached,
        transitions,
        sessions,
    } = &mut ctx.part.stages;
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
    *sessions = by_session.len() as u64;
}

/// Entries and sessions per stage, transitions most taken first, and the expected stages
/// no session reached.
pub(super) fn finish(scope: &mut Scope, part: &Part) {
    let StagePart {
        counts,
        reached,
        transitions,
        sessions,
    } = &part.stages;
    let mut transitions: Vec<Transition> = transitions
        .iter()
        .map(|((from, to), count)| Transition {
            from: from.as_str().to_string(),
            to: to.as_str().to_string(),
            count: *count,
        })
        .collect();
    transitions.sort_by_key(|t| std::cmp::Reverse(t.count));
    let per_stage = |m: &BTreeMap<Stage, u64>| {
        Stage::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), m.get(s).copied().unwrap_or(0)))
            .collect()
    };
    scope.snap.stages = Stages {
        order: Stage::EXPECTED
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        counts: per_stage(counts),
        sessions_reached: per_stage(reached),
        missing: Stage::EXPECTED
            .iter()
            .filter(|s| !reached.contains_key(s))
            .map(|s| s.as_str().to_string())
            .collect(),
        sessions_with_stages: *sessions,
        transitions,
    };
}
