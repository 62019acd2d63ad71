//! The pipeline end to end, through `Store::snapshot`.

use crate::model::facts::*;
use crate::model::range::{RangeSpec, parse_range};
use crate::model::snapshot::dense_daily;
use crate::sources::catalog::Catalog;
use crate::store::test_support::{ms_days_ago, now, query, session};
use crate::store::{Query, Store, Update};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

fn call(id: &str, name: &str, kind: CallKind, session: &str, ts: Millis) -> ToolCall {
    ToolCall {
        id: id.into(),
        name: name.into(),
        kind,
        session: session.into(),
        ts,
        stage: None,
        sidechain: false,
        skill: None,
    }
}

fn result(id: &str, outcome: Outcome) -> ToolResult {
    ToolResult {
        tool_use_id: id.into(),
        outcome,
        error: None,
        agent_id: None,
        duration_ms: None,
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
            cache_1h: 0,
            sidechain: false,
            skill: None,
            mcp: None,
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
            cache_1h: 0,
            sidechain: false,
            skill: None,
            mcp: None,
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
        dense_daily(&b.daily).len(),
        8,
        "a rolling 7 days touches 8 calendar dates"
    );
    assert!(b.daily.len() <= 3, "the bounds and the one day used");
    assert_eq!(b.daily.iter().map(|d| d.count).sum::<u64>(), 1);
    assert_eq!(s.agents[0].trend_pct, None, "new item has no trend");
    assert!(s.agents[0].count > 0 && s.agents[0].cost_usd == 0.0);
    assert_eq!(
        s.agents[0].cost_per_call, None,
        "no response of its own on record: unknown, not free"
    );
    assert_eq!(
        s.totals.tokens["opus"].output, 7,
        "message counted once, most output kept"
    );
    assert_eq!(s.totals.tokens["opus"].input, 10);
    let s2 = s.costs.by_session.iter().find(|r| r.name == "s2").unwrap();
    assert_eq!(
        s2.project.as_deref(),
        Some("/p/two"),
        "a session's row names its project"
    );
    let bash = s.tools.iter().find(|t| t.name == "Bash").unwrap();
    assert_eq!((bash.count, bash.failures), (2, 1));
    // s1 used a skill: its calls 1 ok of 3 decided; s2: 2 of 2.
    assert_eq!(s.success.with_skills, Some(1.0 / 3.0));
    assert_eq!(s.success.without_skills, Some(1.0));
}

/// A skill typed in two sessions and called in one of them is one row: its uses summed, its
/// sessions counted once, and the success beside it that of both sessions' calls.
#[test]
fn a_typed_skill_joins_the_called_one_and_counts_each_session_once() {
    let at = ms_days_ago(1.0);
    let typed = |f: &mut FileFacts, s: &str, ts: Millis| {
        f.commands.push(CommandUse {
            name: "review".into(),
            session: s.into(),
            ts,
        });
        f.skills_seen.push(SkillSeen {
            name: "review".into(),
            session: s.into(),
            ts: ts + 1,
            how: SkillSeenHow::Loaded,
        });
    };
    let mut a = FileFacts::default();
    session(&mut a, "s1", "/p", at, at + 100);
    typed(&mut a, "s1", at);
    let review = CallKind::Skill("review".into());
    a.calls = vec![
        call("c1", "Skill", review, "s1", at + 10),
        call("c2", "Bash", CallKind::Plain, "s1", at + 20),
    ];
    a.results = vec![
        result("c1", Outcome::Success),
        result("c2", Outcome::Failure),
    ];
    let mut b = FileFacts::default();
    session(&mut b, "s2", "/p", at, at + 100);
    typed(&mut b, "s2", at + 5);
    b.calls = vec![call("c3", "Bash", CallKind::Plain, "s2", at + 30)];
    b.results = vec![result("c3", Outcome::Success)];
    let mut c = FileFacts::default();
    session(&mut c, "s3", "/p", at, at + 100);
    c.calls = vec![call("c4", "Bash", CallKind::Plain, "s3", at + 40)];
    c.results = vec![result("c4", Outcome::Failure)];
    let mut store = Store::new(vec![]);
    for (p, f) in [("/a.jsonl", a), ("/b.jsonl", b), ("/c.jsonl", c)] {
        let path = PathBuf::from(p);
        store.apply(Update::File {
            path,
            facts: f,
            replace: false,
        });
    }
    let s = store.snapshot(&query(RangeSpec::days(7), None), &Catalog::default());
    assert_eq!(s.skills.len(), 1, "{:?}", s.skills);
    let r = &s.skills[0];
    assert_eq!((r.name.as_str(), r.count, r.sessions), ("review", 3, 2));
    let by = r.invoked_by.expect("a skill says who invoked it");
    assert_eq!((by.user, by.model), (2, 1));
    // s1 and s2 decided 3 calls, 2 of them fine; s3 alone, none.
    assert_eq!(r.success_with, Some(2.0 / 3.0));
    assert_eq!(r.success_without, Some(0.0));
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
    let daily = &s.skills[0].daily;
    assert_eq!(dense_daily(daily).len(), 11);
    // Sparse: the range's first and last day and the days used between, in order.
    assert!(daily.len() <= 5, "{daily:?}");
    assert_eq!(daily.iter().map(|d| d.count).sum::<u64>(), 3);
    assert!(daily.windows(2).all(|w| w[0].date < w[1].date), "{daily:?}");
    assert_eq!(daily[0].date, s.scope.start[..10]);
    assert_eq!(daily[daily.len() - 1].date, s.scope.end[..10]);
    assert!(s.daily_sparse);
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

/// The shortcuts (files with nothing since the previous range began left out, no session
/// lookup when every session is selected) and the counts kept while following (asked
/// again as the clock moves) change nothing, over the demo data and the real config
/// directories (when `../shared` is there), for short and long ranges ending at several
/// moments of their history.
#[test]
fn pruning_and_kept_counts_change_no_snapshot() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut homes = vec![root.join("fixtures/demo")];
    for h in ["claude-home", "claude-home-2"] {
        let p = root.join("../shared/realdata").join(h);
        if p.is_dir() {
            homes.push(p);
        } else {
            eprintln!(
                "note: {} is absent; checked the demo data only",
                p.display()
            );
        }
    }
    for home in homes {
        let mut engine = crate::sources::transcripts::Engine::new(vec![home.clone()]);
        let mut store = Store::new(vec![]);
        engine.scan().0.into_iter().for_each(|u| store.apply(u));
        let catalog = Catalog::load(
            std::slice::from_ref(&home),
            None,
            &std::collections::BTreeMap::new(),
        );
        let at = |range: &str, now| Query {
            now,
            ..query(parse_range(range).expect("a range"), None)
        };
        let all = store.snapshot(&at("all", now()), &catalog);
        let (Some(first), Some(last)) = (
            all.scope.start.parse::<DateTime<Utc>>().ok(),
            all.scope
                .last_activity
                .as_deref()
                .and_then(|t| t.parse::<DateTime<Utc>>().ok()),
        ) else {
            panic!("{}: no activity", home.display());
        };
        let mut following = Store::new(vec![]);
        following.follow();
        let mut engine = crate::sources::transcripts::Engine::new(vec![home.clone()]);
        engine.scan().0.into_iter().for_each(|u| following.apply(u));
        let mut compared = 0;
        let project = store.projects().into_iter().next();
        for range in ["1d", "7d", "30d", "all"] {
            // Also cut to the two latest sessions, and to one project.
            let modes: [&dyn Fn(Query) -> Query; 3] = [
                &|q| q,
                &|q| Query {
                    sessions: Some(2),
                    ..q
                },
                &|q| Query {
                    project: project.clone(),
                    ..q
                },
            ];
            for mode in modes {
                // One question as the clock moves: the following store keeps its counts.
                for k in 0..=8 {
                    let t: DateTime<Utc> =
                        first + (last - first) * k / 8 + chrono::Duration::hours(1);
                    let q = mode(at(range, t));
                    let pruned = super::snapshot_pruned(&store, &q, &catalog, true, false);
                    let whole = super::snapshot_pruned(&store, &q, &catalog, false, false);
                    let kept = following.snapshot(&q, &catalog);
                    assert_eq!(pruned, whole, "{} at {t}, {range}", home.display());
                    assert_eq!(kept, whole, "{} at {t}, {range}, kept", home.display());
                    compared += usize::from(pruned.totals.tool_calls > 0);
                }
            }
        }
        assert!(
            compared >= 5,
            "{}: only {compared} non-empty",
            home.display()
        );
    }
}
