//! Step 6, costs: each API response in range (once per `message.id`, from `tokens`) priced
//! and attributed to its model, agent type, skill, MCP server, session and day.
//!
//! - Agent type: `main` for the main thread; in a subagent file, the type of its
//!   `.meta.json` sidecar, else of the `Task`/`Agent` call whose result names the file
//!   (`toolUseResult.agentId`), else `subagent`; an inline (1.0) sidechain takes the type
//!   of its session's latest main-thread agent call; `agent-acompact-*` is `compaction`.
//! - Skill: `attributionSkill` where Claude Code wrote it. In a session without any, a
//!   skill's turns are those after its `Skill` call or typed `/skill` until the next human
//!   prompt: *estimated*.
//! - A model without a price adds tokens and `unpriced_responses`, never a cost of 0.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::part::{CostPart, Pico, Row, Summed, at, pico, usd};
use super::{Ctx, Fate, Part, Scope, items::typed_skills, local_date};
use crate::model::facts::{AgentFile, CallKind, Millis, Usage};
use crate::model::prices::{Price, Prices, TokenKinds};
use crate::model::snapshot::{
    CallTally, CostRow, CostTokens, Diagnostic, DiagnosticSource, ItemExtra, Snapshot,
};

const QUARTER_HOUR: Millis = 15 * 60 * 1000;

/// The main thread's name among agent types.
pub(crate) const MAIN: &str = "main";
/// The agent Claude Code starts to compact a conversation.
pub(crate) const COMPACTION: &str = "compaction";
/// A subagent whose type no sidecar and no call tells.
pub(crate) const UNKNOWN_AGENT: &str = "subagent";

pub(super) fn costs(ctx: &mut Ctx) {
    let agents = agent_types(ctx);
    let skills = SkillWindows::new(ctx);
    let mut prices: HashMap<&str, Option<&Price>> = HashMap::default();
    let mut dates: HashMap<Millis, NaiveDate> = HashMap::default();
    let mut p = std::mem::take(&mut ctx.part.costs);
    for &(u, file) in ctx.usage.iter() {
        let kinds = kinds(u);
        let price = *prices
            .entry(u.model.as_str())
            .or_insert_with(|| ctx.prices.get(&u.model));
        let cost = price.and_then(|p| p.cost(&kinds)).map(pico);
        // Zones move by quarter hours at most: one conversion per quarter hour.
        let date = *dates
            .entry(u.ts.div_euclid(QUARTER_HOUR))
            .or_insert_with(|| local_date(u.ts, ctx.q));
        let has_tokens = u.input + u.output + u.cache_creation + u.cache_read > 0;
        match cost {
            Some(c) => p.total += c,
            None if has_tokens => *p.unpriced.entry(u.model.clone()).or_default() += 1,
            None => {}
        }
        let one = response(&kinds, cost, has_tokens);
        at(&mut p.by_model, &u.model).add(&one);
        at(&mut p.by_session, &u.session).add(&one);
        let agent = agents.of(&u.session, u.ts, u.sidechain, file);
        at(&mut p.by_agent, agent).add(&one);
        let model = u.model.as_str();
        if let Some(c) = cost {
            p.agent_day
                .entry((agent.to_owned(), date))
                .or_default()
                .add(&c);
        }
        pair(&mut p.agent_model, agent, model).add(&one);
        if let Some((skill, estimated)) = skills.of(u.skill.as_deref(), &u.session, u.ts) {
            if let Some(c) = cost {
                p.skill_day
                    .entry((skill.to_owned(), date))
                    .or_default()
                    .add(&c);
            }
            pair(&mut p.skill_model, skill, model).add(&one);
            let r = at(&mut p.by_skill, skill);
            r.add(&one);
            r.estimated += u64::from(estimated);
        }
        if let Some(mcp) = &u.mcp {
            at(&mut p.by_mcp, mcp).add(&one);
        }
        p.by_day.entry(date).or_default().add(&one);
    }
    p.durations = agents.durations.clone();
    calls_inside(ctx, &agents, &skills, &mut p);
    previous_costs(ctx, &agents, &skills, &mut p);
    ctx.part.costs = p;
}

/// One response as a row.
fn response(k: &TokenKinds, cost: Option<Pico>, has_tokens: bool) -> Row {
    Row {
        responses: 1,
        tokens: CostTokens {
            input: k.input,
            output: k.output,
            cache_creation: k.cache_creation,
            cache_write_1h: k.cache_write_1h,
            cache_read: k.cache_read,
        },
        cost: cost.unwrap_or(0),
        unpriced: u64::from(cost.is_none() && has_tokens),
        estimated: 0,
    }
}

fn pair<'m>(map: &'m mut BTreeMap<(String, String), Row>, item: &str, model: &str) -> &'m mut Row {
    map.entry((item.to_owned(), model.to_owned())).or_default()
}

/// The cost rows, the header's total and trend, the agents' and skills' extras, and the
/// models without a price.
pub(super) fn finish(scope: &mut Scope, part: &Part) {
    let p = &part.costs;
    let mut by_agent = rows(&p.by_agent);
    for (ty, ms) in &p.durations {
        by_agent
            .entry(ty.clone())
            .or_insert_with(|| named(ty, &Row::default()))
            .duration_ms = Some(ms.sum);
    }
    let mut by_skill = rows(&p.by_skill);
    for (name, r) in by_skill.iter_mut() {
        r.estimated_responses = p.by_skill.get(name).map(|x| x.estimated).filter(|n| *n > 0);
    }
    for (rows, cross) in [
        (&mut by_agent, &p.agent_model),
        (&mut by_skill, &p.skill_model),
    ] {
        let mut split: BTreeMap<&str, Vec<CostRow>> = BTreeMap::new();
        for ((item, model), r) in cross {
            split.entry(item).or_default().push(named(model, r));
        }
        for (item, models) in split {
            let r = rows
                .entry(item.to_owned())
                .or_insert_with(|| named(item, &Row::default()));
            r.by_model = by_cost(models);
        }
    }
    let snap = &mut scope.snap;
    snap.costs.agent_extras = extras(&p.agent_calls, &p.agent_day, &p.previous_agent);
    snap.costs.skill_extras = extras(&p.skill_calls, &p.skill_day, &p.previous_skill);
    snap.totals.cost_usd = usd(p.total);
    snap.totals.previous_cost_usd = (p.previous.n > 0).then(|| usd(p.previous.sum));
    snap.costs.by_model = by_cost(rows(&p.by_model).into_values().collect());
    snap.costs.by_agent_type = by_cost(by_agent.into_values().collect());
    snap.costs.by_skill = by_cost(by_skill.into_values().collect());
    snap.costs.by_mcp_server = by_cost(rows(&p.by_mcp).into_values().collect());
    if scope.q.session_rows {
        snap.costs.by_session = by_cost(p.by_session.iter().map(|(k, r)| named(k, r)).collect());
    }
    // Each session's row names its project, so spend sums by project from the JSON.
    for r in &mut snap.costs.by_session {
        let project = scope
            .sessions
            .get(r.name.as_str())
            .and_then(|s| s.project());
        r.project = project.map(str::to_string);
    }
    snap.costs.by_day = p
        .by_day
        .iter()
        .map(|(day, r)| named(&day.to_string(), r))
        .collect();
    prices_used(snap, scope.prices, &p.unpriced);
}

fn named(name: &str, r: &Row) -> CostRow {
    CostRow {
        name: name.to_owned(),
        responses: r.responses,
        tokens: r.tokens,
        cost_usd: usd(r.cost),
        unpriced_responses: r.unpriced,
        ..CostRow::default()
    }
}

fn rows(map: &BTreeMap<String, Row>) -> BTreeMap<String, CostRow> {
    map.iter().map(|(k, r)| (k.clone(), named(k, r))).collect()
}

/// Per agent type or skill: the calls made inside it, its cost by day and in the previous
/// range.
fn extras(
    calls: &BTreeMap<String, CallTally>,
    days: &BTreeMap<(String, NaiveDate), Summed<Pico>>,
    previous: &BTreeMap<String, Summed<Pico>>,
) -> BTreeMap<String, ItemExtra> {
    let mut out: BTreeMap<String, ItemExtra> = BTreeMap::new();
    for (item, t) in calls {
        out.entry(item.clone()).or_default().calls = *t;
    }
    for ((item, date), c) in days {
        let e = out.entry(item.clone()).or_default();
        e.by_day.insert(date.to_string(), usd(c.sum));
    }
    for (item, c) in previous {
        out.entry(item.clone()).or_default().previous_cost_usd = Some(usd(c.sum));
    }
    out
}

/// The table's date and source, and the models without a price (named in diagnostics).
fn prices_used(snap: &mut Snapshot, prices: &Prices, unpriced: &BTreeMap<String, u64>) {
    snap.prices.date.clone_from(&prices.date);
    snap.prices.source.clone_from(&prices.source);
    snap.prices.unpriced = unpriced.keys().cloned().collect();
    for (model, n) in unpriced {
        snap.diagnostics.push(Diagnostic {
            source: DiagnosticSource::Transcripts,
            path: None,
            message: format!(
                "model {model:?} has no price: its {n} responses are counted in tokens, \
                 not in cost (add it under [prices] in the config)"
            ),
        });
    }
}

/// Each skill and agent with its cost beside it, from `costs` (after the Prometheus merge,
/// which may add items): tokens, cost, cost per call (now and in the previous range), cost
/// by day, the tool calls made inside it, and for agents their duration, for skills whether
/// any of it is estimated.
pub(super) fn item_costs(snap: &mut Snapshot) {
    for (items, rows, extras, agents) in [
        (
            &mut snap.skills,
            &snap.costs.by_skill,
            &snap.costs.skill_extras,
            false,
        ),
        (
            &mut snap.agents,
            &snap.costs.by_agent_type,
            &snap.costs.agent_extras,
            true,
        ),
    ] {
        for item in items.iter_mut() {
            let extra = extras.get(&item.name);
            let calls = extra.map(|e| e.calls).unwrap_or_default();
            item.calls_made = calls.made;
            item.calls_failed = calls.failed;
            item.calls_succeeded = calls.succeeded;
            item.calls_success_rate = calls.rate();
            item.daily_cost = extra.map(|e| e.by_day.clone()).unwrap_or_default();
            item.previous_cost_per_call = extra
                .and_then(|e| e.previous_cost_usd)
                .filter(|_| item.previous_count > 0)
                .map(|c| c / item.previous_count as f64);
            let row = rows.iter().find(|r| r.name == item.name);
            item.tokens = row.map(|r| r.tokens).unwrap_or_default();
            item.cost_usd = row.map_or(0.0, |r| r.cost_usd);
            // Unknown, not free, when none of its responses is on record with a price (a
            // subagent whose transcript is gone, a model without a price).
            let priced = row.is_some_and(|r| r.responses > r.unpriced_responses);
            item.cost_per_call =
                (item.count > 0 && priced).then(|| item.cost_usd / item.count as f64);
            item.cost_by_model = row.map(|r| r.by_model.clone()).unwrap_or_default();
            if agents {
                item.duration_ms = Some(row.and_then(|r| r.duration_ms).unwrap_or(0));
                item.estimated = None;
            } else {
                item.duration_ms = None;
                item.estimated = Some(row.and_then(|r| r.estimated_responses).unwrap_or(0) > 0);
            }
        }
    }
}

/// What each agent type and skill bought: the tool calls made inside it.
fn calls_inside(ctx: &Ctx, agents: &AgentTypes, skills: &SkillWindows, p: &mut CostPart) {
    let call_files = call_files(ctx);
    for (c, fate) in &ctx.range_calls {
        let file = call_files.get(c.id.as_str()).copied();
        let agent = agents.of(&c.session, c.ts, c.sidechain, file);
        add_call(at(&mut p.agent_calls, agent), *fate);
        if let Some((skill, _)) = skills.of(c.skill.as_deref(), &c.session, c.ts) {
            add_call(at(&mut p.skill_calls, skill), *fate);
        }
    }
}

/// What the previous range's priced responses cost, in all and per agent type and skill
/// (attributed as in range): once per message id (the line with the most output, as in
/// range), in the project scope (no `--sessions` cut, like the previous counts).
fn previous_costs(ctx: &Ctx, agents: &AgentTypes, skills: &SkillWindows, p: &mut CostPart) {
    let mut best: HashMap<&str, (&Usage, Option<&AgentFile>)> = HashMap::default();
    for f in &ctx.files {
        for u in &f.usage {
            if !ctx.bounds.in_previous(u.ts) || !ctx.in_scope(&u.session) {
                continue;
            }
            best.entry(u.message_id.as_str())
                .and_modify(|old| {
                    let o = old.0;
                    if (u.output, o.ts, &o.session) > (o.output, u.ts, &u.session) {
                        *old = (u, f.agent.as_ref());
                    }
                })
                .or_insert((u, f.agent.as_ref()));
        }
    }
    for (u, file) in best.into_values() {
        let Some(c) = ctx.prices.get(&u.model).and_then(|p| p.cost(&kinds(u))) else {
            continue;
        };
        let c = pico(c);
        p.previous.add(&c);
        let agent = agents.of(&u.session, u.ts, u.sidechain, file);
        at(&mut p.previous_agent, agent).add(&c);
        if let Some((skill, _)) = skills.of(u.skill.as_deref(), &u.session, u.ts) {
            at(&mut p.previous_skill, skill).add(&c);
        }
    }
}

/// A response's tokens by kind.
fn kinds(u: &Usage) -> TokenKinds {
    TokenKinds {
        input: u.input,
        output: u.output,
        cache_creation: u.cache_creation,
        cache_write_1h: u.cache_1h,
        cache_read: u.cache_read,
    }
}

/// Each call made in a subagent's own transcript, with that transcript.
fn call_files<'a>(ctx: &Ctx<'a, '_>) -> HashMap<&'a str, &'a AgentFile> {
    let mut out = HashMap::default();
    for f in &ctx.files {
        if let Some(agent) = &f.agent {
            out.extend(f.calls.iter().map(|c| (c.id.as_str(), agent)));
        }
    }
    out
}

fn add_call(t: &mut CallTally, fate: Fate) {
    t.made += 1;
    match fate {
        Fate::Success => t.succeeded += 1,
        Fate::Failure | Fate::Rejected => t.failed += 1,
        Fate::Interrupted => {}
    }
}

/// Per session in range: what the responses of one skill (`skill`) or agent type cost
/// there, and what all its responses cost (priced ones; attributed as in [`costs`]).
pub(super) fn session_costs<'a>(
    ctx: &Ctx<'a, '_>,
    skill: bool,
    name: &str,
) -> (HashMap<&'a str, f64>, HashMap<&'a str, f64>) {
    let agents = agent_types(ctx);
    let skills = SkillWindows::new(ctx);
    let (mut item, mut total) = (HashMap::default(), HashMap::default());
    for &(u, file) in &ctx.usage {
        let Some(c) = ctx.prices.get(&u.model).and_then(|p| p.cost(&kinds(u))) else {
            continue;
        };
        let session = &*u.session;
        *total.entry(session).or_default() += c;
        let hit = if skill {
            skills
                .of(u.skill.as_deref(), session, u.ts)
                .is_some_and(|(s, _)| s == name)
        } else {
            agents.of(session, u.ts, u.sidechain, file) == name
        };
        if hit {
            *item.entry(session).or_default() += c;
        }
    }
    (item, total)
}

/// Most expensive first, then most tokens, then by name.
fn by_cost(mut rows: Vec<CostRow>) -> Vec<CostRow> {
    let tokens = |t: &CostTokens| t.input + t.output + t.cache_creation + t.cache_read;
    rows.sort_by(|a, b| {
        b.cost_usd
            .total_cmp(&a.cost_usd)
            .then(tokens(&b.tokens).cmp(&tokens(&a.tokens)))
            .then_with(|| a.name.cmp(&b.name))
    });
    rows
}

/// What tells a response's agent type, and the agents' durations by type.
struct AgentTypes<'a> {
    /// `agentId` -> the `subagent_type` of the call that started it.
    by_id: HashMap<&'a str, &'a str>,
    /// Per session, its main-thread agent calls in time order (inline sidechains).
    inline: HashMap<&'a str, Vec<(Millis, &'a str)>>,
    /// Sum of `totalDurationMs` of the agent calls in range, by type.
    durations: BTreeMap<String, Summed<u64>>,
}

impl<'a> AgentTypes<'a> {
    /// The agent type of a response or call: its subagent file's, else the main thread's,
    /// else (an inline sidechain) the session's latest main-thread agent call's.
    fn of<'s>(
        &'s self,
        session: &str,
        ts: Millis,
        sidechain: bool,
        file: Option<&'s AgentFile>,
    ) -> &'s str
    where
        'a: 's,
    {
        if let Some(f) = file {
            let ty = f
                .meta_type
                .as_deref()
                .or_else(|| self.by_id.get(f.id.as_str()).copied());
            // Claude Code's own compaction agent (`agent-acompact-*.jsonl`) has no call.
            let compact = f.id.starts_with("acompact").then_some(COMPACTION);
            return ty.or(compact).unwrap_or(UNKNOWN_AGENT);
        }
        if !sidechain {
            return MAIN;
        }
        let calls = self.inline.get(session);
        let latest = calls.and_then(|c| {
            let i = c.partition_point(|(t, _)| *t <= ts);
            i.checked_sub(1).map(|i| c[i].1)
        });
        latest.unwrap_or(UNKNOWN_AGENT)
    }
}

fn agent_types<'a>(ctx: &Ctx<'a, '_>) -> AgentTypes<'a> {
    let mut by_id = HashMap::default();
    let mut durations_by_call: HashMap<&str, u64> = HashMap::default();
    for f in &ctx.files {
        // Only agent results carry these; the rest need no look-up.
        for r in f
            .results
            .iter()
            .filter(|r| r.agent_id.is_some() || r.duration_ms.is_some())
        {
            let Some(call) = ctx.calls.get(r.tool_use_id.as_str()) else {
                continue;
            };
            let CallKind::Agent(ty) = &call.kind else {
                continue;
            };
            if let Some(id) = &r.agent_id {
                by_id.insert(id.as_str(), ty.as_str());
            }
            if let Some(ms) = r.duration_ms {
                durations_by_call.insert(call.id.as_str(), ms);
            }
        }
    }
    let mut inline: HashMap<&str, Vec<(Millis, &str)>> = HashMap::default();
    for c in ctx.calls.values() {
        if let (CallKind::Agent(ty), false) = (&c.kind, c.sidechain) {
            inline
                .entry(&*c.session)
                .or_default()
                .push((c.ts, ty.as_str()));
        }
    }
    for calls in inline.values_mut() {
        calls.sort_unstable();
    }
    let mut durations: BTreeMap<String, Summed<u64>> = BTreeMap::new();
    for (c, _) in &ctx.range_calls {
        if let (CallKind::Agent(ty), Some(ms)) = (&c.kind, durations_by_call.get(c.id.as_str())) {
            durations.entry(ty.clone()).or_default().add(ms);
        }
    }
    AgentTypes {
        by_id,
        inline,
        durations,
    }
}

/// The estimated rule's windows: per session, skill starts and human prompts in time order.
struct SkillWindows<'a> {
    /// Sessions where Claude Code wrote `attributionSkill`: only that counts there.
    attributed: HashSet<&'a str>,
    /// (time, skill started; `None`: a human prompt ends any skill).
    events: HashMap<&'a str, Vec<(Millis, Option<&'a str>)>>,
}

impl<'a> SkillWindows<'a> {
    fn new(ctx: &Ctx<'a, '_>) -> Self {
        let attributed = ctx
            .files
            .iter()
            .flat_map(|f| &f.usage)
            .filter(|u| u.skill.is_some())
            .map(|u| &*u.session)
            .collect();
        let mut events: HashMap<&str, BTreeSet<(Millis, Option<&str>)>> = HashMap::default();
        for c in ctx.calls.values() {
            if let (CallKind::Skill(name), false) = (&c.kind, c.sidechain) {
                events
                    .entry(&*c.session)
                    .or_default()
                    .insert((c.ts, Some(name.as_str())));
            }
        }
        for t in typed_skills(&ctx.files) {
            events
                .entry(t.session)
                .or_default()
                .insert((t.ts, Some(t.name)));
        }
        for f in &ctx.files {
            for p in &f.prompts {
                if let Some(e) = events.get_mut(&*p.session) {
                    e.insert((p.ts, None));
                }
            }
        }
        SkillWindows {
            attributed,
            events: events
                .into_iter()
                .map(|(s, e)| (s, e.into_iter().collect()))
                .collect(),
        }
    }

    /// The skill active for a response or call (its `attributionSkill`, session and
    /// time), and whether that is estimated.
    fn of<'u>(
        &'u self,
        skill: Option<&'u str>,
        session: &str,
        ts: Millis,
    ) -> Option<(&'u str, bool)>
    where
        'a: 'u,
    {
        if let Some(s) = skill {
            return Some((s, false));
        }
        if self.attributed.contains(session) {
            return None;
        }
        let events = self.events.get(session)?;
        // The latest event strictly before the response: the response holding the call
        // itself is not the skill's.
        let i = events.partition_point(|(t, _)| *t < ts);
        let (_, start) = events.get(i.checked_sub(1)?)?;
        start.map(|name| (name, true))
    }
}
