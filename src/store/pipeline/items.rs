//! Step 3, items: skills and agents invoked in range, against the range before, per day,
//! with the success of the sessions that used them against those that did not.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use chrono::{Duration, NaiveDate};

use super::{Bounds, Ctx, Tally, local_date, sort_items, trend};
use crate::model::facts::{CallKind, FileFacts, Millis, SkillSeenHow};
use crate::model::names::same_name;
use crate::model::snapshot::{DailyCount, InvokedBy, ItemStat, MAX_DAILY_DAYS, Source};
use crate::store::Query;

#[derive(Default)]
struct ItemAcc {
    count: u64,
    /// Of `count`: typed by the user (skills only).
    typed: u64,
    previous: u64,
    sessions: HashSet<String>,
    own: Tally,
    daily: BTreeMap<NaiveDate, u64>,
}

/// Skills and agents by name, and the sessions that used any skill. Skills and agents
/// never share a map or a set: an agent named like a skill (`reviewer`) is not a skill.
#[derive(Default)]
struct Accs<'a> {
    skills: HashMap<String, ItemAcc>,
    agents: HashMap<String, ItemAcc>,
    sessions_with_skills: HashSet<&'a str>,
}

pub(super) fn items(ctx: &mut Ctx) {
    let accs = accumulate(ctx);
    let (with_skills, without_skills) =
        split(&ctx.per_session, |s| accs.sessions_with_skills.contains(s));
    ctx.snap.success.with_skills = with_skills;
    ctx.snap.success.without_skills = without_skills;
    let bounds = day_bounds(&ctx.bounds, ctx.q);
    ctx.snap.skills = to_stats(accs.skills, bounds, &ctx.per_session, true);
    ctx.snap.agents = to_stats(accs.agents, bounds, &ctx.per_session, false);
}

fn accumulate<'a>(ctx: &Ctx<'a>) -> Accs<'a> {
    let mut a = Accs::default();
    for (c, fate) in &ctx.range_calls {
        let (map, name) = match &c.kind {
            CallKind::Skill(n) => (&mut a.skills, n),
            CallKind::Agent(n) => (&mut a.agents, n),
            CallKind::Plain => continue,
        };
        let acc = map.entry(name.clone()).or_default();
        acc.count += 1;
        acc.sessions.insert(c.session.clone());
        acc.own.add(*fate);
        *acc.daily.entry(local_date(c.ts, ctx.q)).or_default() += 1;
        if matches!(c.kind, CallKind::Skill(_)) {
            a.sessions_with_skills.insert(c.session.as_str());
        }
    }
    for t in typed_skills(&ctx.files) {
        let in_range = ctx.counts(t.ts, t.session);
        let in_previous = ctx.bounds.in_previous(t.ts) && ctx.scoped.contains(t.session);
        if !in_range && !in_previous {
            continue;
        }
        let key = a
            .skills
            .keys()
            .find(|k| same_name(k, t.name))
            .cloned()
            .unwrap_or_else(|| t.name.to_string());
        let acc = a.skills.entry(key).or_default();
        if in_previous {
            acc.previous += 1;
            continue;
        }
        acc.count += 1;
        acc.typed += 1;
        acc.sessions.insert(t.session.to_string());
        *acc.daily.entry(local_date(t.ts, ctx.q)).or_default() += 1;
        a.sessions_with_skills.insert(t.session);
    }
    // Previous range: project scope, no `--sessions` cut (those are "the latest N").
    for c in ctx.calls.values() {
        if !ctx.bounds.in_previous(c.ts) || !ctx.scoped.contains(c.session.as_str()) {
            continue;
        }
        match &c.kind {
            CallKind::Skill(n) => a.skills.entry(n.clone()).or_default().previous += 1,
            CallKind::Agent(n) => a.agents.entry(n.clone()).or_default().previous += 1,
            CallKind::Plain => {}
        }
    }
    a
}

/// A skill the user typed: a `/name` command whose skill body loaded right after it.
pub(super) struct Typed<'a> {
    pub(super) session: &'a str,
    pub(super) ts: Millis,
    pub(super) name: &'a str,
}

/// How long after a typed command its skill's body may load.
const TYPED_LOAD_MS: Millis = 60_000;

/// Typed skill invocations, once each (resumed sessions copy lines into new files).
pub(super) fn typed_skills<'a>(files: &[&'a FileFacts]) -> Vec<Typed<'a>> {
    let mut seen: HashSet<(&str, Millis, &str)> = HashSet::default();
    let mut out = Vec::new();
    for f in files {
        for c in &f.commands {
            let loaded = f.skills_seen.iter().any(|s| {
                s.how == SkillSeenHow::Loaded
                    && s.session == c.session
                    && (0..=TYPED_LOAD_MS).contains(&(s.ts - c.ts))
                    && same_name(&s.name, &c.name)
            });
            if loaded && seen.insert((c.session.as_str(), c.ts, c.name.as_str())) {
                out.push(Typed {
                    session: &c.session,
                    ts: c.ts,
                    name: &c.name,
                });
            }
        }
    }
    out
}

/// Success rate of the sessions that `uses`, and of the others.
fn split(
    per_session: &HashMap<&str, Tally>,
    uses: impl Fn(&str) -> bool,
) -> (Option<f64>, Option<f64>) {
    let (mut with, mut without) = (Tally::default(), Tally::default());
    for (s, t) in per_session {
        if uses(s) {
            with.merge(*t)
        } else {
            without.merge(*t)
        }
    }
    (with.rate(), without.rate())
}

fn to_stats(
    map: HashMap<String, ItemAcc>,
    bounds: (NaiveDate, NaiveDate),
    per_session: &HashMap<&str, Tally>,
    skills: bool,
) -> Vec<ItemStat> {
    let mut out: Vec<ItemStat> = map
        .into_iter()
        .filter(|(_, a)| a.count > 0 || a.previous > 0)
        .map(|(name, a)| {
            let (success_with, success_without) = split(per_session, |s| a.sessions.contains(s));
            ItemStat {
                trend_pct: trend(a.count as f64, a.previous as f64),
                count: a.count,
                previous_count: a.previous,
                sessions: a.sessions.len() as u64,
                success_rate: a.own.rate(),
                source: Source::Transcripts,
                prometheus_count: None,
                daily: daily(&a.daily, bounds),
                success_with: if a.count > 0 { success_with } else { None },
                success_without: if a.count > 0 { success_without } else { None },
                invoked_by: skills.then_some(InvokedBy {
                    user: a.typed,
                    model: a.count - a.typed,
                }),
                name,
                ..ItemStat::default()
            }
        })
        .collect();
    sort_items(&mut out);
    out
}

/// The first and last day of the range in the query's zone, at most `MAX_DAILY_DAYS` apart
/// (the latest).
fn day_bounds(b: &Bounds, q: &Query) -> (NaiveDate, NaiveDate) {
    let first = local_date(b.start, q);
    let last = local_date((b.end - 1).max(b.start), q);
    (first.max(last - Duration::days(MAX_DAILY_DAYS - 1)), last)
}

/// The sparse series: the range's first day, the days with a count between, its last day.
fn daily(
    counts: &BTreeMap<NaiveDate, u64>,
    (first, last): (NaiveDate, NaiveDate),
) -> Vec<DailyCount> {
    let day = |d: &NaiveDate, count: u64| DailyCount {
        date: d.format("%Y-%m-%d").to_string(),
        count,
    };
    let inner = counts
        .range(first..=last)
        .filter(|(d, n)| **n > 0 && **d != first && **d != last)
        .map(|(d, n)| day(d, *n));
    let at = |d: NaiveDate| day(&d, counts.get(&d).copied().unwrap_or(0));
    let mut out = vec![at(first)];
    out.extend(inner);
    if last != first {
        out.push(at(last));
    }
    out
}
