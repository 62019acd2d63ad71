//! The snapshot computation over all files' facts. Joins across files happen here: a
//! tool call counts once per `tool_use.id` (resumed sessions copy history into new files),
//! its outcome comes from whichever file holds the result, and tokens count once per API
//! message.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{Query, Store};
use crate::model::facts::{
    CallKind, FileFacts, Millis, Outcome, Prompt, SkipReason, Stage, ToolCall, Usage,
};
use crate::model::snapshot::*;
use crate::sources::catalog::Catalog;
use crate::sources::catalog::missed::Sessions as MissedSessions;

/// At most this many daily buckets per item (range `all` over years of history).
const MAX_DAILY_BUCKETS: i64 = 400;

/// What happened to one call, across all files.
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

#[derive(Default, Clone, Copy)]
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

/// Session facts merged over every file that mentions the session.
#[derive(Default)]
struct SessionInfo<'a> {
    first_ts: Millis,
    last_ts: Millis,
    cwd: Option<&'a str>,
    sidechain_cwd: Option<&'a str>,
}

struct Bounds {
    start: Millis,
    end: Millis,
    prev_start: Millis,
}

fn bounds(store_min: Option<Millis>, q: &Query) -> Bounds {
    let end = q.now.timestamp_millis();
    match q.range.length {
        Some(len) => {
            let len = len.num_milliseconds();
            Bounds {
                start: end - len,
                end,
                prev_start: end - 2 * len,
            }
        }
        None => {
            let start = store_min.unwrap_or(end).min(end);
            Bounds {
                start,
                end,
                prev_start: start,
            }
        }
    }
}

fn rfc3339(ms: Millis) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339()
}

fn local_date(ms: Millis, q: &Query) -> NaiveDate {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&q.timezone)
        .date_naive()
}

/// Whether a session's working directory is inside the project.
fn in_project(cwd: Option<&str>, project: &str) -> bool {
    let project = project.trim_end_matches('/');
    match cwd {
        Some(c) => {
            let c = c.trim_end_matches('/');
            c == project
                || (c.starts_with(project) && c.as_bytes().get(project.len()) == Some(&b'/'))
                || project.is_empty()
        }
        None => false,
    }
}

#[derive(Default)]
struct ItemAcc {
    count: u64,
    previous: u64,
    sessions: HashSet<String>,
    own: Tally,
    daily: BTreeMap<NaiveDate, u64>,
}

pub(super) fn transcript_snapshot(store: &Store, q: &Query, catalog: &Catalog) -> Snapshot {
    let files: Vec<&FileFacts> = store.files.values().collect();

    // Sessions across files, and the earliest fact (for range `all`).
    let mut sessions: HashMap<&str, SessionInfo> = HashMap::new();
    for f in &files {
        for (id, seen) in &f.sessions {
            let s = sessions.entry(id.as_str()).or_insert(SessionInfo {
                first_ts: seen.first_ts,
                last_ts: seen.last_ts,
                ..Default::default()
            });
            s.first_ts = s.first_ts.min(seen.first_ts);
            s.last_ts = s.last_ts.max(seen.last_ts);
            if s.cwd.is_none() {
                s.cwd = seen.cwd.as_deref();
            }
            if s.sidechain_cwd.is_none() {
                s.sidechain_cwd = seen.sidechain_cwd.as_deref();
            }
        }
    }
    let store_min = sessions.values().map(|s| s.first_ts).min();
    let b = bounds(store_min, q);

    // Project scope on the sessions' cwd.
    let scoped: HashSet<&str> = sessions
        .iter()
        .filter(|(_, s)| match &q.project {
            None => true,
            Some(p) => in_project(s.cwd.or(s.sidechain_cwd), p),
        })
        .map(|(id, _)| *id)
        .collect();

    // One call per tool_use id: keep the earliest (ties: the main transcript's copy).
    let mut calls: HashMap<&str, &ToolCall> = HashMap::new();
    let mut outcomes: HashMap<&str, Outcome> = HashMap::new();
    for f in &files {
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

    let in_range = |ts: Millis| ts >= b.start && ts < b.end;
    let in_prev = |ts: Millis| ts >= b.prev_start && ts < b.start;

    // Sessions active in range (any call, prompt or entry there); `--sessions N` keeps the
    // N most recent of them.
    let mut active: Vec<(&str, Millis)> = scoped
        .iter()
        .filter_map(|id| {
            let s = &sessions[id];
            (s.last_ts >= b.start && s.first_ts < b.end).then_some((*id, s.last_ts))
        })
        .collect();
    active.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if let Some(n) = q.sessions {
        active.truncate(n);
    }
    let selected: HashSet<&str> = active.iter().map(|(id, _)| *id).collect();

    // Calls in range, in selected sessions, sorted for stage walks.
    let mut range_calls: Vec<(&ToolCall, Fate)> = calls
        .values()
        .filter(|c| in_range(c.ts) && selected.contains(c.session.as_str()))
        .map(|c| (*c, Fate::of(outcomes.get(c.id.as_str()).copied())))
        .collect();
    range_calls.sort_by(|a, b| (a.0.ts, &a.0.id).cmp(&(b.0.ts, &b.0.id)));

    let mut totals = Totals::default();
    let mut tools: HashMap<&str, (u64, u64, Tally)> = HashMap::new();
    let mut skills: HashMap<String, ItemAcc> = HashMap::new();
    let mut agents: HashMap<String, ItemAcc> = HashMap::new();
    let mut per_session: HashMap<&str, Tally> = HashMap::new();
    let mut used_in_session: HashMap<&str, HashSet<String>> = HashMap::new();
    for (c, fate) in &range_calls {
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
        let t = tools.entry(c.name.as_str()).or_default();
        t.0 += 1;
        if fate.failed() {
            t.1 += 1;
        }
        t.2.add(*fate);
        per_session
            .entry(c.session.as_str())
            .or_default()
            .add(*fate);
        let item = match &c.kind {
            CallKind::Skill(n) => Some((&mut skills, n)),
            CallKind::Agent(n) => Some((&mut agents, n)),
            CallKind::Plain => None,
        };
        if let Some((map, name)) = item {
            let acc = map.entry(name.clone()).or_default();
            acc.count += 1;
            acc.sessions.insert(c.session.clone());
            acc.own.add(*fate);
            *acc.daily.entry(local_date(c.ts, q)).or_default() += 1;
            used_in_session
                .entry(c.session.as_str())
                .or_default()
                .insert(name.clone());
        }
    }
    // Previous range: project scope, no `--sessions` cut (those are "the latest N").
    for c in calls.values() {
        if !in_prev(c.ts) || !scoped.contains(c.session.as_str()) {
            continue;
        }
        match &c.kind {
            CallKind::Skill(n) => skills.entry(n.clone()).or_default().previous += 1,
            CallKind::Agent(n) => agents.entry(n.clone()).or_default().previous += 1,
            CallKind::Plain => {}
        }
    }
    totals.success_rate = Tally {
        success: totals.tool_success,
        failure: totals.tool_failure,
    }
    .rate();

    // Success with vs without skills, overall and per item.
    let split = |uses: &dyn Fn(&str) -> bool| {
        let (mut with, mut without) = (Tally::default(), Tally::default());
        for (s, t) in &per_session {
            if uses(s) {
                with.merge(*t)
            } else {
                without.merge(*t)
            }
        }
        (with.rate(), without.rate())
    };
    let (with_skills, without_skills) = split(&|s| {
        used_in_session
            .get(s)
            .is_some_and(|names| names.iter().any(|n| skills.contains_key(n)))
    });

    let days = day_list(&b, q);
    let to_stats = |map: HashMap<String, ItemAcc>| -> Vec<ItemStat> {
        let mut out: Vec<ItemStat> = map
            .into_iter()
            .filter(|(_, a)| a.count > 0 || a.previous > 0)
            .map(|(name, a)| {
                let (success_with, success_without) = split(&|s| a.sessions.contains(s));
                ItemStat {
                    trend_pct: trend(a.count as f64, a.previous as f64),
                    count: a.count,
                    previous_count: a.previous,
                    sessions: a.sessions.len() as u64,
                    success_rate: a.own.rate(),
                    source: Source::Transcripts,
                    prometheus_count: None,
                    daily: days
                        .iter()
                        .map(|d| DailyCount {
                            date: d.format("%Y-%m-%d").to_string(),
                            count: a.daily.get(d).copied().unwrap_or(0),
                        })
                        .collect(),
                    success_with: if a.count > 0 { success_with } else { None },
                    success_without: if a.count > 0 { success_without } else { None },
                    name,
                }
            })
            .collect();
        sort_items(&mut out);
        out
    };
    let skills_out = to_stats(skills);
    let agents_out = to_stats(agents);

    let mut tools_out: Vec<ToolStat> = tools
        .into_iter()
        .map(|(name, (count, failures, t))| ToolStat {
            name: name.to_string(),
            count,
            failures,
            success_rate: t.rate(),
        })
        .collect();
    tools_out.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));

    let stages = stage_stats(&range_calls);

    // Prompts, commands, compactions, tokens in range and selected sessions.
    let mut prompts: Vec<&Prompt> = Vec::new();
    let mut commands: HashMap<&str, u64> = HashMap::new();
    let mut best_usage: HashMap<&str, &Usage> = HashMap::new();
    for f in &files {
        for p in &f.prompts {
            if in_range(p.ts) && selected.contains(p.session.as_str()) {
                prompts.push(p);
            }
        }
        for c in &f.commands {
            if in_range(c.ts) && selected.contains(c.session.as_str()) {
                *commands.entry(c.name.as_str()).or_default() += 1;
            }
        }
        totals.compactions += f
            .compactions
            .iter()
            .filter(|c| in_range(c.ts) && selected.contains(c.session.as_str()))
            .count() as u64;
        for u in &f.usage {
            if in_range(u.ts) && selected.contains(u.session.as_str()) {
                best_usage
                    .entry(u.message_id.as_str())
                    .and_modify(|old| {
                        if u.output > old.output {
                            *old = u;
                        }
                    })
                    .or_insert(u);
            }
        }
    }
    prompts.sort_by(|a, b| (a.ts, &a.session, &a.text).cmp(&(b.ts, &b.session, &b.text)));
    // Identical prompt copies (resumed sessions) count once.
    prompts.dedup_by(|a, b| a.ts == b.ts && a.session == b.session && a.text == b.text);
    totals.prompts = prompts.len() as u64;
    totals.sessions = selected.len() as u64;
    for u in best_usage.values() {
        let t = totals.tokens.entry(u.model.clone()).or_default();
        t.input += u.input;
        t.output += u.output;
        t.cache_creation += u.cache_creation;
        t.cache_read += u.cache_read;
    }
    let mut commands_out: Vec<CommandStat> = commands
        .into_iter()
        .map(|(name, count)| CommandStat {
            name: name.to_string(),
            count,
        })
        .collect();
    commands_out.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));

    // Item runs of the sessions in scope, whatever their time: what "used in the session"
    // means for missed opportunities, and the history the detector learns from.
    let sessions_in = MissedSessions::from_facts(&files, &|s| selected.contains(s));
    let occasions = catalog.occasions(&prompts, &sessions_in);
    let missed = catalog.missed(&occasions, q.redact, q.all_examples);

    let mut source = TranscriptSource {
        dirs: store.dirs.clone(),
        files: files.len() as u64,
        sessions: sessions.len() as u64,
        ..Default::default()
    };
    let mut skipped: BTreeMap<SkipReason, u64> = BTreeMap::new();
    for f in &files {
        source.lines += f.lines;
        source.bytes += f.bytes;
        for (r, n) in &f.skipped {
            *skipped.entry(*r).or_default() += n;
        }
    }
    source.skipped_lines = skipped.values().sum();
    source.skipped_by_reason = skipped
        .into_iter()
        .map(|(r, n)| (r.as_str().to_string(), n))
        .collect();

    let mut diagnostics = store.diagnostics.clone();
    diagnostics.extend(catalog.diagnostics.iter().cloned());

    Snapshot {
        schema: SCHEMA_ID.to_string(),
        generated_at: q.now.to_rfc3339(),
        scope: ScopeInfo {
            project: q.project.clone(),
            all_projects: q.project.is_none(),
            range: q.range.label.clone(),
            start: rfc3339(b.start),
            end: rfc3339(b.end),
            previous_start: rfc3339(b.prev_start),
            timezone: q.timezone.name().to_string(),
        },
        sources: Sources {
            transcripts: source,
            prometheus: PrometheusSource::default(),
        },
        totals,
        skills: skills_out,
        agents: agents_out,
        tools: tools_out,
        commands: commands_out,
        stages,
        success: Success {
            overall: Tally {
                success: range_calls.iter().filter(|c| c.1 == Fate::Success).count() as u64,
                failure: range_calls.iter().filter(|c| c.1.failed()).count() as u64,
            }
            .rate(),
            with_skills,
            without_skills,
        },
        missed_opportunities: missed,
        insights: Vec::new(),
        recommendations: Vec::new(),
        telemetry: None,
        prometheus_totals: None,
        diagnostics,
    }
}

/// Percent change; `None` when there is nothing to compare with.
pub fn trend(current: f64, previous: f64) -> Option<f64> {
    (previous > 0.0).then(|| (current - previous) / previous * 100.0)
}

/// Most used first, then by name.
pub fn sort_items(items: &mut [ItemStat]) {
    items.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
}

/// The days of the range in the query's zone, at most `MAX_DAILY_BUCKETS` (the latest).
fn day_list(b: &Bounds, q: &Query) -> Vec<NaiveDate> {
    let first = local_date(b.start, q);
    let last = local_date((b.end - 1).max(b.start), q);
    let first = first.max(last - Duration::days(MAX_DAILY_BUCKETS - 1));
    first.iter_days().take_while(|d| *d <= last).collect()
}

/// Walk each session's staged calls in time order (FORMATS.md §6).
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
    Stages {
        order: Stage::EXPECTED
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        counts: Stage::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), counts.get(s).copied().unwrap_or(0)))
            .collect(),
        sessions_reached: Stage::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), reached.get(s).copied().unwrap_or(0)))
            .collect(),
        missing: Stage::EXPECTED
            .iter()
            .filter(|s| !reached.contains_key(s))
            .map(|s| s.as_str().to_string())
            .collect(),
        sessions_with_stages: by_session.len() as u64,
        transitions,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Query, Store, Update};
    use crate::model::facts::*;
    use crate::model::range::{RangeSpec, parse_range};
    use crate::sources::catalog::Catalog;
    use chrono::{DateTime, Utc};
    use std::path::PathBuf;

    const DAY: i64 = 86_400_000;

    fn now() -> DateTime<Utc> {
        "2026-11-20T12:00:00Z".parse().unwrap()
    }

    fn ms_days_ago(d: f64) -> Millis {
        now().timestamp_millis() - (d * DAY as f64) as i64
    }

    fn call(id: &str, name: &str, kind: CallKind, session: &str, ts: Millis) -> ToolCall {
        ToolCall {
            id: id.into(),
            name: name.into(),
            kind,
            session: session.into(),
            ts,
            stage: None,
            sidechain: false,
        }
    }

    fn session(facts: &mut FileFacts, id: &str, cwd: &str, first: Millis, last: Millis) {
        facts.sessions.insert(
            id.into(),
            SessionSeen {
                first_ts: first,
                last_ts: last,
                cwd: Some(cwd.into()),
                sidechain_cwd: None,
            },
        );
    }

    fn query(range: RangeSpec, project: Option<&str>) -> Query {
        Query {
            project: project.map(str::to_string),
            range,
            sessions: None,
            timezone: chrono_tz::UTC,
            now: now(),
            redact: false,
            all_examples: false,
        }
    }

    fn result(id: &str, outcome: Outcome) -> ToolResult {
        ToolResult {
            tool_use_id: id.into(),
            outcome,
        }
    }

    /// Two sessions in two projects; s1 used a skill this week and twice last week.
    fn sample() -> Store {
        let mut a = FileFacts::default();
        session(&mut a, "s1", "/p/one", ms_days_ago(10.0), ms_days_ago(1.0));
        let sk = |n: &str| CallKind::Skill(n.into());
        a.calls = vec![
            call(
                "t1",
                "Skill",
                sk("superpowers:brainstorming"),
                "s1",
                ms_days_ago(1.0),
            ),
            call("t2", "Bash", CallKind::Plain, "s1", ms_days_ago(1.0) + 1),
            call("t3", "Edit", CallKind::Plain, "s1", ms_days_ago(1.0) + 2),
            call("t4", "Bash", CallKind::Plain, "s1", ms_days_ago(1.0) + 3),
            call(
                "p1",
                "Skill",
                sk("superpowers:brainstorming"),
                "s1",
                ms_days_ago(9.0),
            ),
            call(
                "p2",
                "Skill",
                sk("superpowers:brainstorming"),
                "s1",
                ms_days_ago(9.5),
            ),
        ];
        a.calls[1].stage = Some(Stage::Test);
        a.calls[2].stage = Some(Stage::Implement);
        a.calls[3].stage = Some(Stage::Test);
        a.results = vec![
            result("t1", Outcome::Success),
            result("t2", Outcome::Failure),
            result("t3", Outcome::Rejected),
        ];
        let mut b = FileFacts::default();
        session(&mut b, "s2", "/p/two", ms_days_ago(2.0), ms_days_ago(2.0));
        b.calls = vec![
            call(
                "u1",
                "Agent",
                CallKind::Agent("Explore".into()),
                "s2",
                ms_days_ago(2.0),
            ),
            call("u2", "Read", CallKind::Plain, "s2", ms_days_ago(2.0)),
            // A resumed copy of s1's call: must count once.
            call("t2", "Bash", CallKind::Plain, "s2", ms_days_ago(0.5)),
        ];
        b.results = vec![
            result("u1", Outcome::Success),
            result("u2", Outcome::Success),
        ];
        b.usage = vec![
            Usage {
                message_id: "m1".into(),
                model: "opus".into(),
                session: "s2".into(),
                ts: ms_days_ago(2.0),
                input: 10,
                output: 1,
                cache_creation: 0,
                cache_read: 5,
            },
            Usage {
                message_id: "m1".into(),
                model: "opus".into(),
                session: "s2".into(),
                ts: ms_days_ago(2.0),
                input: 10,
                output: 7,
                cache_creation: 0,
                cache_read: 5,
            },
        ];
        let mut store = Store::new(vec!["/home".into()]);
        for (p, f) in [("/a.jsonl", a), ("/b.jsonl", b)] {
            store.apply(Update::File {
                path: PathBuf::from(p),
                facts: f,
                replace: false,
            });
        }
        store
    }

    #[test]
    fn counts_dedupe_outcomes_and_trends() {
        let store = sample();
        let s = store.snapshot(&query(RangeSpec::days(7), None), &Catalog::default());
        assert_eq!(
            s.totals.tool_calls, 6,
            "t2 counted once, p1/p2 outside range"
        );
        assert_eq!(s.totals.tool_success, 3);
        assert_eq!(s.totals.tool_failure, 2);
        assert_eq!(s.totals.tool_rejected, 1);
        assert_eq!(s.totals.tool_interrupted, 1, "t4 has no result");
        assert_eq!(s.totals.success_rate, Some(0.6));
        assert_eq!(s.totals.sessions, 2);
        let b = &s.skills[0];
        assert_eq!(
            (b.name.as_str(), b.count, b.previous_count),
            ("superpowers:brainstorming", 1, 2)
        );
        assert_eq!(b.trend_pct, Some(-50.0));
        assert_eq!(
            b.daily.len(),
            8,
            "a rolling 7 days touches 8 calendar dates"
        );
        assert_eq!(b.daily.iter().map(|d| d.count).sum::<u64>(), 1);
        assert_eq!(s.agents[0].trend_pct, None, "new item has no trend");
        assert_eq!(
            s.totals.tokens["opus"].output, 7,
            "message counted once, most output kept"
        );
        assert_eq!(s.totals.tokens["opus"].input, 10);
        let bash = s.tools.iter().find(|t| t.name == "Bash").unwrap();
        assert_eq!((bash.count, bash.failures), (2, 1));
        // s1 used a skill: its calls 1 ok of 3 decided; s2: 2 of 2.
        assert_eq!(s.success.with_skills, Some(1.0 / 3.0));
        assert_eq!(s.success.without_skills, Some(1.0));
    }

    #[test]
    fn stages_walk_sessions_in_time_order() {
        let s = sample().snapshot(&query(RangeSpec::days(7), None), &Catalog::default());
        assert_eq!(
            s.stages.counts["test"], 2,
            "test entered twice (test, implement, test)"
        );
        assert_eq!(s.stages.counts["implement"], 1);
        assert_eq!(s.stages.sessions_reached["test"], 1);
        assert_eq!(s.stages.sessions_with_stages, 1);
        assert!(s.stages.missing.contains(&"review".to_string()));
        assert!(!s.stages.missing.contains(&"test".to_string()));
        assert_eq!(s.stages.transitions.len(), 2);
    }

    #[test]
    fn project_scope_and_session_limit() {
        let store = sample();
        let s = store.snapshot(
            &query(RangeSpec::days(7), Some("/p/two")),
            &Catalog::default(),
        );
        assert_eq!(s.totals.sessions, 1);
        assert_eq!(s.totals.tool_calls, 2, "t2's earliest copy belongs to s1");
        assert!(s.skills.is_empty());
        let s = store.snapshot(&query(RangeSpec::days(7), Some("/p")), &Catalog::default());
        assert_eq!(
            s.totals.sessions, 2,
            "sessions below the project path count"
        );
        let s = store.snapshot(
            &query(RangeSpec::days(7), Some("/p/on")),
            &Catalog::default(),
        );
        assert_eq!(
            s.totals.sessions, 0,
            "a prefix that is not a path component does not"
        );
        let mut q = query(RangeSpec::days(7), None);
        q.sessions = Some(1);
        let s = store.snapshot(&q, &Catalog::default());
        assert_eq!(s.totals.sessions, 1);
        assert_eq!(s.skills[0].count, 1, "s1 is the most recent session");
    }

    #[test]
    fn range_all_starts_at_the_first_fact() {
        let s = sample().snapshot(
            &query(parse_range("all").unwrap(), None),
            &Catalog::default(),
        );
        assert_eq!(s.skills[0].count, 3);
        assert_eq!(s.skills[0].previous_count, 0);
        assert_eq!(s.scope.start, s.scope.previous_start);
        assert_eq!(s.skills[0].daily.len(), 11);
    }

    #[test]
    fn replace_and_remove_drop_a_files_contribution() {
        let mut store = sample();
        store.apply(Update::Removed(PathBuf::from("/b.jsonl")));
        let s = store.snapshot(&query(RangeSpec::days(7), None), &Catalog::default());
        assert!(s.agents.is_empty());
        assert_eq!(s.totals.tool_calls, 4);
        store.apply(Update::File {
            path: PathBuf::from("/a.jsonl"),
            facts: FileFacts::default(),
            replace: true,
        });
        let s = store.snapshot(&query(RangeSpec::days(7), None), &Catalog::default());
        assert_eq!(s.totals.tool_calls, 0);
        assert_eq!(s.stages.missing.len(), 6);
    }
}
