//! The countable half of a snapshot: what the steps add up over one group of files that no
//! join crosses (see `store::groups`). Parts of disjoint groups add up to the part of their
//! union in any order and any grouping (integers, sets and maps only; money in
//! picodollars), and a group's part subtracts from the sum again, so the dashboard keeps
//! the sum and changes it by the groups that changed. Each step's `finish` turns the sum
//! into its fields of the snapshot.
//!
//! What makes subtraction exact: a map drops a key when its value comes back to empty,
//! which is right only when no other group holds it empty. So every value a group holds
//! is non-empty (sums carry how many things they sum: [`Summed`]), except where the key
//! is a session, and a session is in one group only (its files share it, so they join).

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::NaiveDate;

use super::Tally;
use crate::model::facts::{Millis, Stage};
use crate::model::snapshot::{CallTally, CostTokens, TokenCounts};

/// A session's id, shared: a part holds one per session several times over.
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
    /// Per model: its API messages' tokens.
    pub tokens: BTreeMap<String, Summed<TokenCounts>>,
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
    /// Failures with a text, newest last: a group's `RECENT_ERRORS` most recent, and in a
    /// sum every group's (the sum's last ones are the most recent of all), shared with
    /// the group's part.
    pub recent: BTreeSet<Arc<Recent>>,
}

/// A failure's text, ordered by (time, call id): the newest last.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Recent {
    pub ts: Millis,
    pub id: String,
    pub session: String,
    pub text: String,
}

/// Error texts shown per tool: the most recent failures.
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

/// A sum, and how many things it sums (a sum of nothing is not a sum of zeros).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(super) struct Summed<T> {
    pub n: u64,
    pub sum: T,
}

impl<T: Combine> Summed<T> {
    pub(super) fn add(&mut self, x: &T) {
        self.n += 1;
        self.sum.combine(x, Sign::Add);
    }
}

#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct CostPart {
    pub total: Pico,
    /// The previous range's priced responses.
    pub previous: Summed<Pico>,
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
    /// Priced responses by (agent type or skill, day).
    pub agent_day: BTreeMap<(String, NaiveDate), Summed<Pico>>,
    pub skill_day: BTreeMap<(String, NaiveDate), Summed<Pico>>,
    /// Tool calls made inside each agent type and skill.
    pub agent_calls: BTreeMap<String, CallTally>,
    pub skill_calls: BTreeMap<String, CallTally>,
    pub previous_agent: BTreeMap<String, Summed<Pico>>,
    pub previous_skill: BTreeMap<String, Summed<Pico>>,
    /// `totalDurationMs` of the agent calls in range, by type.
    pub durations: BTreeMap<String, Summed<u64>>,
}

/// Whether a part is added to a sum or taken out of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sign {
    Add,
    Sub,
}

/// What adds up, and subtracts again.
pub(super) trait Combine {
    fn combine(&mut self, o: &Self, s: Sign);
}

impl Part {
    /// Adds another group's part.
    pub(super) fn add(&mut self, o: &Part) {
        self.combine(o, Sign::Add);
    }

    /// Takes out a group's part that was added.
    pub(super) fn sub(&mut self, o: &Part) {
        self.combine(o, Sign::Sub);
    }
}

macro_rules! combine_numbers {
    ($($t:ty),*) => {$(
        impl Combine for $t {
            fn combine(&mut self, o: &$t, s: Sign) {
                // Wrapping: a sum only ever takes out what it took in.
                *self = match s {
                    Sign::Add => self.wrapping_add(*o),
                    Sign::Sub => self.wrapping_sub(*o),
                };
            }
        }
    )*};
}
combine_numbers!(u64, i64);

/// Field by field; every field named (one left out does not compile).
macro_rules! combine_fields {
    ($($t:ident { $($f:ident),* })*) => {$(
        impl Combine for $t {
            fn combine(&mut self, o: &$t, s: Sign) {
                let $t { $($f),* } = self;
                $($f.combine(&o.$f, s);)*
            }
        }
    )*};
}
combine_fields! {
    Part {
        calls, per_session, tools, skills, agents, typed, sessions_with_skills, with_skills,
        stages, prompts, compactions, commands, tokens, costs
    }
    CallCounts { calls, success, failure, rejected, interrupted }
    ToolPart { count, failures, tally, recent }
    ItemPart { count, typed, previous, sessions, with, own, daily }
    StagePart { counts, reached, transitions, sessions }
    Row { responses, tokens, cost, unpriced, estimated }
    CostPart {
        total, previous, by_model, by_agent, by_skill, by_mcp, by_session, agent_model,
        skill_model, by_day, unpriced, agent_day, skill_day, agent_calls, skill_calls,
        previous_agent, previous_skill, durations
    }
    Tally { success, failure }
    CallTally { made, succeeded, failed }
    CostTokens { input, output, cache_creation, cache_write_1h, cache_read }
    TokenCounts { input, output, cache_creation, cache_read }
}

impl<T: Combine> Combine for Summed<T> {
    fn combine(&mut self, o: &Self, s: Sign) {
        self.n.combine(&o.n, s);
        self.sum.combine(&o.sum, s);
    }
}

/// A key whose value comes back to empty is no group's any more (see the module's note).
impl<K: Ord + Clone, V: Combine + Default + Clone + PartialEq> Combine for BTreeMap<K, V> {
    fn combine(&mut self, o: &Self, s: Sign) {
        for (k, v) in o {
            match self.get_mut(k) {
                Some(m) => {
                    m.combine(v, s);
                    if s == Sign::Sub && *m == V::default() {
                        self.remove(k);
                    }
                }
                None if s == Sign::Add => {
                    self.insert(k.clone(), v.clone());
                }
                // Never: a part is taken out only after it went in.
                None => debug_assert!(
                    false,
                    "taken out of a sum that lacks it: {}",
                    std::any::type_name::<V>()
                ),
            }
        }
    }
}

/// Sets of sessions and of failures: a session, and a call, is in one group's part only.
impl<K: Ord + Clone> Combine for BTreeSet<K> {
    fn combine(&mut self, o: &Self, s: Sign) {
        match s {
            Sign::Add => self.extend(o.iter().cloned()),
            Sign::Sub => o.iter().for_each(|k| {
                self.remove(k);
            }),
        }
    }
}

impl Row {
    pub(super) fn add(&mut self, o: &Row) {
        self.combine(o, Sign::Add);
    }
}

impl ToolPart {
    /// A group's most recent failures only.
    pub(super) fn keep_recent(&mut self) {
        while self.recent.len() > RECENT_ERRORS {
            self.recent.pop_first();
        }
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
