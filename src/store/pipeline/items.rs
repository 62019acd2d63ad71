//! Step 3, items: skills and agents invoked in range, against the range before, per day,
//! with the success of the sessions that used them against those that did not.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashSet as HashSet;

use chrono::{Duration, NaiveDate};

use super::part::{Combine, ItemPart, SessionId, Sign, at};
use super::{Bounds, Ctx, Part, Scope, Tally, local_date, sort_items, trend};
use crate::model::facts::{CallKind, FileFacts, Millis, SkillSeenHow};
use crate::model::names::same_name;
use crate::model::snapshot::{DailyCount, InvokedBy, ItemStat, MAX_DAILY_DAYS, Source};
use crate::store::Query;

pub(super) fn items(ctx: &mut Ctx) {
    let mut part = std::mem::take(&mut ctx.part);
    for (c, fate) in &ctx.range_calls {
        let (map, name) = match &c.kind {
            CallKind::Skill(n) => (&mut part.skills, n),
            CallKind::Agent(n) => (&mut part.agents, n),
            CallKind::Plain => continue,
        };
        let acc = at(map, name);
        acc.count += 1;
        add_session(&mut acc.sessions, &c.session);
        acc.own.add(*fate);
        *acc.daily.entry(local_date(c.ts, ctx.q)).or_default() += 1;
        if matches!(c.kind, CallKind::Skill(_)) {
            add_session(&mut part.sessions_with_skills, &c.session);
        }
    }
    for t in typed_skills(&ctx.files) {
        let in_range = ctx.counts(t.ts, t.session);
        let in_previous = ctx.bounds.in_previous(t.ts) && ctx.in_scope(t.session);
        if !in_range && !in_previous {
            continue;
        }
        let acc = at(&mut part.typed, t.name);
        if in_previous {
            acc.previous += 1;
            continue;
        }
        acc.count += 1;
        acc.typed += 1;
        add_session(&mut acc.sessions, t.session);
        *acc.daily.entry(local_date(t.ts, ctx.q)).or_default() += 1;
        add_session(&mut part.sessions_with_skills, t.session);
    }
    // Previous range: project scope, no `--sessions` cut (those are "the latest N").
    for c in ctx.calls.values() {
        if !ctx.bounds.in_previous(c.ts) || !ctx.in_scope(&c.session) {
            continue;
        }
        match &c.kind {
            CallKind::Skill(n) => at(&mut part.skills, n).previous += 1,
            CallKind::Agent(n) => at(&mut part.agents, n).previous += 1,
            CallKind::Plain => {}
        }
    }
    // The group's sessions are no other group's: these sums add up across groups.
    let tally = |sessions| tally_of(sessions, |s| ctx.per_session.get(s).copied());
    for acc in [&mut part.skills, &mut part.agents, &mut part.typed]
        .into_iter()
        .flat_map(|m| m.values_mut())
    {
        acc.with = tally(&acc.sessions);
    }
    part.with_skills = tally(&part.sessions_with_skills);
    ctx.part = part;
}

/// The decided calls of `sessions`, each session's from `tally`.
fn tally_of<'s>(
    sessions: impl IntoIterator<Item = &'s SessionId>,
    tally: impl Fn(&str) -> Option<Tally>,
) -> Tally {
    let mut t = Tally::default();
    sessions
        .into_iter()
        .filter_map(|s| tally(s))
        .for_each(|x| t.merge(x));
    t
}

/// A session into a set, its id copied only the first time.
fn add_session(set: &mut BTreeSet<SessionId>, session: &str) {
    if !set.contains(session) {
        set.insert(SessionId::from(session));
    }
}

/// Skills and agents with their trends and series, and the success of the sessions that
/// used them against the others. A typed skill counts under the called skill of the same
/// name when there is one.
pub(super) fn finish(scope: &mut Scope, part: &Part) {
    let mut skills: BTreeMap<&str, Joined> = part
        .skills
        .iter()
        .map(|(k, v)| (k.as_str(), Joined::of(v)))
        .collect();
    let called: Vec<&String> = part
        .skills
        .iter()
        .filter(|(_, a)| a.count > 0)
        .map(|(k, _)| k)
        .collect();
    for (typed, acc) in &part.typed {
        // The least name of the same skill: the same choice whatever the order.
        let key = called
            .iter()
            .find(|k| same_name(k, typed))
            .map(|k| k.as_str())
            .or_else(|| {
                part.typed
                    .keys()
                    .find(|k| same_name(k, typed))
                    .map(String::as_str)
            })
            .unwrap_or(typed);
        skills.entry(key).or_default().typed.push(acc);
    }
    let mut all = Tally::default();
    part.per_session.values().for_each(|t| all.merge(*t));
    let (with_skills, without_skills) = rates(part.with_skills, all);
    scope.snap.success.with_skills = with_skills;
    scope.snap.success.without_skills = without_skills;
    let bounds = day_bounds(&scope.bounds, scope.q);
    let sessions = (&part.per_session, all);
    scope.snap.skills = to_stats(skills, bounds, sessions, true);
    let agents = part
        .agents
        .iter()
        .map(|(k, v)| (k.as_str(), Joined::of(v)))
        .collect();
    scope.snap.agents = to_stats(agents, bounds, sessions, false);
}

/// One row: the item as called, and the uses typed under its name.
#[derive(Default)]
struct Joined<'a> {
    called: Option<&'a ItemPart>,
    typed: Vec<&'a ItemPart>,
}

impl<'a> Joined<'a> {
    fn of(called: &'a ItemPart) -> Self {
        Joined {
            called: Some(called),
            typed: Vec::new(),
        }
    }

    /// The row's figures. A session may have typed and called it: the typed uses'
    /// sessions are looked up only where the calls' do not hold them, so the calls'
    /// sessions, however many, are not copied.
    fn sum(&self, per_session: &BTreeMap<SessionId, Tally>) -> Sum {
        let mut sum = Sum::default();
        let parts = self.called.into_iter().chain(self.typed.iter().copied());
        for p in parts {
            sum.count += p.count;
            sum.typed += p.typed;
            sum.previous += p.previous;
            sum.own.merge(p.own);
            sum.daily.combine(&p.daily, Sign::Add);
        }
        let called = self.called.map(|c| &c.sessions);
        sum.with = self.called.map(|c| c.with).unwrap_or_default();
        let mut extra: BTreeSet<&SessionId> = BTreeSet::new();
        for t in &self.typed {
            let more = t
                .sessions
                .iter()
                .filter(|s| called.is_none_or(|c| !c.contains(*s)));
            extra.extend(more);
        }
        sum.with.merge(tally_of(extra.iter().copied(), |s| {
            per_session.get(s).copied()
        }));
        sum.sessions = (called.map_or(0, |c| c.len()) + extra.len()) as u64;
        sum
    }
}

/// A row's figures: uses (typed among them), in the previous range, their own outcomes,
/// per day; the sessions that used it, and the decided calls in them (all of each
/// session's).
#[derive(Default)]
struct Sum {
    count: u64,
    typed: u64,
    previous: u64,
    own: Tally,
    daily: BTreeMap<NaiveDate, u64>,
    sessions: u64,
    with: Tally,
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
            if loaded && seen.insert((&*c.session, c.ts, c.name.as_str())) {
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

/// Success rate of the sessions that used an item (`with`), and of the others (`all`:
/// every session's).
fn rates(with: Tally, all: Tally) -> (Option<f64>, Option<f64>) {
    let without = Tally {
        success: all.success - with.success,
        failure: all.failure - with.failure,
    };
    (with.rate(), without.rate())
}

fn to_stats(
    map: BTreeMap<&str, Joined>,
    bounds: (NaiveDate, NaiveDate),
    (per_session, all): (&BTreeMap<SessionId, Tally>, Tally),
    skills: bool,
) -> Vec<ItemStat> {
    let mut out: Vec<ItemStat> = map
        .into_iter()
        .map(|(name, j)| (name, j.sum(per_session)))
        .filter(|(_, a)| a.count > 0 || a.previous > 0)
        .map(|(name, a)| {
            let (success_with, success_without) = rates(a.with, all);
            ItemStat {
                trend_pct: trend(a.count as f64, a.previous as f64),
                count: a.count,
                previous_count: a.previous,
                sessions: a.sessions,
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
                name: name.to_string(),
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
        date: d.to_string(),
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
