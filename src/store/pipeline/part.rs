//! The countable half of a snapshot: what the steps add up over one group of files that no
//! join crosses (see `store::groups`). Parts of disjoint groups add up to the part of their
//! union in any order and any grouping (integers, sets and maps only; money in
//! picodollars), so the dashboard keeps each group's part and counts again only the groups
//! that changed. Each step's `finish` turns the sum into its fields of the snapshot.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::Tally;
use crate::model::facts::{Millis, Stage};
use crate::model::snapshot::{CallTally, CostTokens, TokenCounts};

/// A session's id, shared: a part holds one per session several times over, and the kept
/// sum is copied at every snapshot.
pub(super) use crate::model::facts::SessionId;

/// Money in picodollars: sums that do not depend on their order.
pub(super) type Pico = i64;

pub(super) fn pico(usd: f64) -> Pico {
    (usd * 1e12).round() as Pico
}

pub(super) fn usd(p: Pico) -> f64 {
    p as f64 / 1e12
}

#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Part {
    pub calls: CallCounts,
    /// Decided calls per selected session (for "with vs without").
    pub per_session: BTreeMap<SessionId, Tally>,
    pub tools: BTreeMap<String, ToolPart>,
    pub skills: BTreeMap<String, ItemPart>,
    pub agents: BTreeMap<String, ItemPart>,
    /// Typed skills by the name typed; joined to the called skill of that name when the
    /// parts are finished (which names were called is known only then).
    pub typed: BTreeMap<String, ItemPart>,
    pub sessions_with_skills: BTreeSet<SessionId>,
    /// The decided calls of `sessions_with_skills`.
    pub with_skills: Tally,
    pub stages: StagePart,
    pub prompts: u64,
    pub compactions: u64,
    pub commands: BTreeMap<String, u64>,
    pub tokens: BTreeMap<String, TokenCounts>,
    pub costs: CostPart,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(super) struct CallCounts {
    pub calls: u64,
    pub success: u64,
    pub failure: u64,
    pub rejected: u64,
    pub interrupted: u64,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct ToolPart {
    pub count: u64,
    pub failures: u64,
    pub tally: Tally,
    /// The most recent failures with a text, newest first, at most `RECENT_ERRORS`.
    pub recent: Vec<Recent>,
}

/// A failure's text, ordered by (time, call id): the newest last.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Recent {
    pub ts: Millis,
    pub id: String,
    pub session: String,
    pub text: String,
}

/// Error texts kept per tool: the most recent failures.
pub(super) const RECENT_ERRORS: usize = 3;

#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct ItemPart {
    pub count: u64,
    /// Of `count`: typed by the user (skills only).
    pub typed: u64,
    pub previous: u64,
    pub sessions: BTreeSet<SessionId>,
    /// The decided calls of `sessions` (all of them, not only the item's).
    pub with: Tally,
    pub own: Tally,
    pub daily: BTreeMap<NaiveDate, u64>,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct StagePart {
    pub counts: BTreeMap<Stage, u64>,
    pub reached: BTreeMap<Stage, u64>,
    pub transitions: BTreeMap<(Stage, Stage), u64>,
    pub sessions: u64,
}

/// Responses summed: tokens, money, and how many had no price.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(super) struct Row {
    pub responses: u64,
    pub tokens: CostTokens,
    pub cost: Pico,
    pub unpriced: u64,
    /// Skills: responses attributed by the estimated rule.
    pub estimated: u64,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct CostPart {
    pub total: Pico,
    /// The previous range's priced responses; none when it had none.
    pub previous: Option<Pico>,
    pub by_model: BTreeMap<String, Row>,
    pub by_agent: BTreeMap<String, Row>,
    pub by_skill: BTreeMap<String, Row>,
    pub by_mcp: BTreeMap<String, Row>,
    pub by_session: BTreeMap<SessionId, Row>,
    /// (agent type or skill, model).
    pub agent_model: BTreeMap<(String, String), Row>,
    pub skill_model: BTreeMap<(String, String), Row>,
    pub by_day: BTreeMap<NaiveDate, Row>,
    /// Responses with tokens and no price, by model.
    pub unpriced: BTreeMap<String, u64>,
    pub agent_day: BTreeMap<(String, NaiveDate), Pico>,
    pub skill_day: BTreeMap<(String, NaiveDate), Pico>,
    /// Tool calls made inside each agent type and skill.
    pub agent_calls: BTreeMap<String, CallTally>,
    pub skill_calls: BTreeMap<String, CallTally>,
    pub previous_agent: BTreeMap<String, Pico>,
    pub previous_skill: BTreeMap<String, Pico>,
    /// `totalDurationMs` of the agent calls in range, by type.
    pub durations: BTreeMap<String, u64>,
}

impl Part {
    /// Adds another group's part.
    pub(super) fn add(&mut self, o: &Part) {
        let c = &mut self.calls;
        c.calls += o.calls.calls;
        c.success += o.calls.success;
        c.failure += o.calls.failure;
        c.rejected += o.calls.rejected;
        c.interrupted += o.calls.interrupted;
        sum_map(&mut self.per_session, &o.per_session, |a, b| a.merge(*b));
        sum_map(&mut self.tools, &o.tools, ToolPart::add);
        for (mine, theirs) in [
            (&mut self.skills, &o.skills),
            (&mut self.agents, &o.agents),
            (&mut self.typed, &o.typed),
        ] {
            sum_map(mine, theirs, ItemPart::add);
        }
        self.sessions_with_skills
            .extend(o.sessions_with_skills.iter().cloned());
        self.with_skills.merge(o.with_skills);
        let s = &mut self.stages;
        sum_map(&mut s.counts, &o.stages.counts, |a, b| *a += b);
        sum_map(&mut s.reached, &o.stages.reached, |a, b| *a += b);
        sum_map(&mut s.transitions, &o.stages.transitions, |a, b| *a += b);
        s.sessions += o.stages.sessions;
        self.prompts += o.prompts;
        self.compactions += o.compactions;
        sum_map(&mut self.commands, &o.commands, |a, b| *a += b);
        sum_map(&mut self.tokens, &o.tokens, |a, b| {
            a.input += b.input;
            a.output += b.output;
            a.cache_creation += b.cache_creation;
            a.cache_read += b.cache_read;
        });
        self.costs.add(&o.costs);
    }
}

impl CostPart {
    fn add(&mut self, o: &CostPart) {
        self.total += o.total;
        if let Some(p) = o.previous {
            *self.previous.get_or_insert(0) += p;
        }
        for (mine, theirs) in [
            (&mut self.by_model, &o.by_model),
            (&mut self.by_agent, &o.by_agent),
            (&mut self.by_skill, &o.by_skill),
            (&mut self.by_mcp, &o.by_mcp),
        ] {
            sum_map(mine, theirs, Row::add);
        }
        sum_map(&mut self.by_session, &o.by_session, Row::add);
        sum_map(&mut self.agent_model, &o.agent_model, Row::add);
        sum_map(&mut self.skill_model, &o.skill_model, Row::add);
        sum_map(&mut self.by_day, &o.by_day, Row::add);
        sum_map(&mut self.unpriced, &o.unpriced, |a, b| *a += b);
        sum_map(&mut self.agent_day, &o.agent_day, |a, b| *a += b);
        sum_map(&mut self.skill_day, &o.skill_day, |a, b| *a += b);
        sum_map(&mut self.agent_calls, &o.agent_calls, add_calls);
        sum_map(&mut self.skill_calls, &o.skill_calls, add_calls);
        sum_map(&mut self.previous_agent, &o.previous_agent, |a, b| *a += b);
        sum_map(&mut self.previous_skill, &o.previous_skill, |a, b| *a += b);
        sum_map(&mut self.durations, &o.durations, |a, b| *a += b);
    }
}

impl ToolPart {
    fn add(&mut self, o: &ToolPart) {
        self.count += o.count;
        self.failures += o.failures;
        self.tally.merge(o.tally);
        self.recent.extend(o.recent.iter().cloned());
        self.keep_recent();
    }

    pub(super) fn keep_recent(&mut self) {
        self.recent.sort_by(|a, b| b.cmp(a));
        self.recent.truncate(RECENT_ERRORS);
    }
}

impl ItemPart {
    pub(super) fn add(&mut self, o: &ItemPart) {
        self.count += o.count;
        self.typed += o.typed;
        self.previous += o.previous;
        self.sessions.extend(o.sessions.iter().cloned());
        self.with.merge(o.with);
        self.own.merge(o.own);
        sum_map(&mut self.daily, &o.daily, |a, b| *a += b);
    }
}

impl Row {
    pub(super) fn add(&mut self, o: &Row) {
        self.responses += o.responses;
        let (t, u) = (&mut self.tokens, &o.tokens);
        t.input += u.input;
        t.output += u.output;
        t.cache_creation += u.cache_creation;
        t.cache_write_1h += u.cache_write_1h;
        t.cache_read += u.cache_read;
        self.cost += o.cost;
        self.unpriced += o.unpriced;
        self.estimated += o.estimated;
    }
}

/// The value at `key`, inserted empty when missing. The key is copied only then: counting
/// finds most keys there already.
pub(super) fn at<'m, K, V>(map: &'m mut BTreeMap<K, V>, key: &str) -> &'m mut V
where
    K: Ord + Borrow<str> + for<'k> From<&'k str>,
    V: Default,
{
    if !map.contains_key(key) {
        map.insert(K::from(key), V::default());
    }
    map.get_mut(key).expect("inserted above")
}

fn add_calls(a: &mut CallTally, b: &CallTally) {
    a.made += b.made;
    a.succeeded += b.succeeded;
    a.failed += b.failed;
}

fn sum_map<K: Ord + Clone, V: Default + Clone>(
    mine: &mut BTreeMap<K, V>,
    theirs: &BTreeMap<K, V>,
    add: impl Fn(&mut V, &V),
) {
    for (k, v) in theirs {
        match mine.get_mut(k) {
            Some(m) => add(m, v),
            None => {
                mine.insert(k.clone(), v.clone());
            }
        }
    }
}
