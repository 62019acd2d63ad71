//! The whole program on real public transcripts (../shared/realdata, absent from a user's
//! clone: then these tests print a notice and skip). Expected numbers were counted by an
//! independent reader (a plain JSON walk deduplicating tool_use ids).

mod common;

use common::*;
use serde_json::Value;

fn snapshot(home: &std::path::Path, extra: &[&str]) -> Value {
    snapshot_json(home, "2026-11-24T00:00:00Z", extra)
}

fn counts(v: &Value, key: &str) -> Vec<(String, u64)> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_string(),
                i["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn all_projects_all_time_match_the_independent_count() {
    let Some(home) = realdata() else { return };
    let v = snapshot(&home, &["--all-projects"]);
    assert_valid_snapshot(&v);
    let t = &v["totals"];
    assert_eq!(t["tool_calls"], 1393);
    assert_eq!(t["tool_failure"], 99);
    assert_eq!(t["tool_interrupted"], 4);
    assert_eq!(
        t["tool_success"].as_u64().unwrap(),
        1393 - 99 - 4,
        "every call is a success, a failure or interrupted"
    );
    let tools = &v["tools"];
    let by = |n: &str| {
        tools
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == n)
            .map(|t| t["count"].as_u64().unwrap())
    };
    assert_eq!(by("Skill"), Some(14));
    assert_eq!(by("Task"), Some(32));
    assert_eq!(by("Agent"), Some(6));
    assert_eq!(by("Bash"), Some(522));

    let mut skills = counts(&v, "skills");
    skills.sort();
    let mut want: Vec<(String, u64)> = [
        ("entire-engineering:workflows:review", 1),
        ("entire-engineering:workflows:work", 1),
        // 3 Skill calls and 1 typed `/github-pr-review` whose body loaded right after.
        ("github-pr-review", 4),
        ("handgemacht:commit", 1),
        ("my-worktree-actors", 1),
        ("superpowers:brainstorming", 1),
        ("superpowers:finishing-a-development-branch", 1),
        ("superpowers:subagent-driven-development", 2),
        ("superpowers:systematic-debugging", 1),
        ("superpowers:writing-plans", 2),
    ]
    .iter()
    .map(|(n, c)| (n.to_string(), *c))
    .collect();
    want.sort();
    assert_eq!(skills, want);
    let gh = v["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "github-pr-review")
        .unwrap();
    assert_eq!(gh["invoked_by"]["user"], 1);
    assert_eq!(gh["invoked_by"]["model"], 3);
    assert!(
        v["agents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a.get("invoked_by").is_none()),
        "agents are not typed"
    );

    let agents = counts(&v, "agents");
    assert_eq!(agents.iter().map(|a| a.1).sum::<u64>(), 38);
    let get = |n: &str| agents.iter().find(|a| a.0 == n).map(|a| a.1);
    assert_eq!(get("general-purpose"), Some(11));
    assert_eq!(get("Explore"), Some(5));
    assert_eq!(get("dev"), Some(4));
    assert_eq!(get("superpowers:code-reviewer"), Some(3));
    assert_eq!(get("reviewer"), Some(2));
    assert_eq!(get("Plan"), Some(1));
    assert_eq!(get("code-simplifier"), Some(1));
    assert_eq!(get("code-simplifier:code-simplifier"), Some(1));
    assert_eq!(
        agents
            .iter()
            .filter(|a| a.0.starts_with("entire-engineering:"))
            .count(),
        10
    );
    assert_eq!(v["sources"]["transcripts"]["skipped_lines"], 0);
}

#[test]
fn project_scope_follows_the_cwd_of_entries() {
    let Some(home) = realdata() else { return };
    // The worktrees below /Users/alex/workspace/cli are part of that project.
    let v = snapshot(&home, &["--project", "/Users/alex/workspace/cli"]);
    let names: Vec<String> = counts(&v, "skills").into_iter().map(|s| s.0).collect();
    assert!(names.contains(&"github-pr-review".to_string()), "{names:?}");
    assert!(names.contains(&"superpowers:systematic-debugging".to_string()));
    assert!(
        !names.contains(&"handgemacht:commit".to_string()),
        "another project"
    );
    assert_eq!(v["scope"]["project"], "/Users/alex/workspace/cli");
    let sessions = v["totals"]["sessions"].as_u64().unwrap();
    assert_eq!(
        sessions, 4,
        "cli, .worktrees/1, .worktrees/3 and .worktrees/alex/..."
    );
}

#[test]
fn sessions_limit_keeps_the_most_recent() {
    let Some(home) = realdata() else { return };
    let v = snapshot(&home, &["--all-projects", "--sessions", "1"]);
    assert_eq!(v["totals"]["sessions"], 1);
    // The newest session is the 2.1.114 one, which calls agents six times.
    assert_eq!(counts(&v, "agents").iter().map(|a| a.1).sum::<u64>(), 6);
}

#[test]
fn the_table_report_reads_the_real_data() {
    let Some(home) = realdata() else { return };
    let out = run(&[
        "--format",
        "table",
        "--claude-dir",
        home.to_str().unwrap(),
        "--range",
        "all",
        "--all-projects",
        "--no-prometheus",
        "--now",
        "2026-11-24T00:00:00Z",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("tool calls 1393"), "{text}");
    assert!(text.contains("superpowers:brainstorming"));
}

/// The same files give the same snapshot, to the last digit of every cost: sums are taken
/// in one order whatever order the files were read in.
#[test]
fn two_runs_give_the_same_snapshot() {
    let Some(home) = realdata() else { return };
    let mut a = snapshot(&home, &["--all-projects"]);
    let mut b = snapshot(&home, &["--all-projects"]);
    for v in [&mut a, &mut b] {
        v.as_object_mut().unwrap().remove("generated_at");
    }
    assert_eq!(a, b);
}
