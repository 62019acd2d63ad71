//! The engine end to end on the project's own fixture home (fixtures/claude-home): every
//! counting rule of the README's "Counting rules" (entries, outcomes, prompts, stages), all
//! three subagent layouts, and discovery.
//! The expected numbers are counted by hand from the fixture files.

mod common;

use common::*;
use serde_json::Value;

fn snapshot(args: &[&str], env: &[(&str, &str)]) -> Value {
    let mut cmd = bin();
    cmd.args(["--format", "json", "--range", "all", "--no-prometheus"])
        .args(["--now", "2026-11-24T00:00:00Z"])
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    json_output(&mut cmd).0
}

fn names(v: &Value, key: &str) -> Vec<(String, u64)> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().into(),
                i["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn home() -> String {
    fixtures().join("claude-home").display().to_string()
}

#[test]
fn every_counting_rule_on_the_fixture_home() {
    let v = snapshot(&["--claude-dir", &home(), "--all-projects"], &[]);
    let t = &v["totals"];
    // 8 calls in session a (one repeated line) + 2 in its 2.1 subagent, 3 in session b + 1
    // in its 2.0 flat agent, 3 in session c + 1 inline sidechain; the progress copy is not one.
    assert_eq!(t["tool_calls"], 18);
    assert_eq!(
        t["tool_failure"], 4,
        "pytest, the rejection, grep, git push"
    );
    assert_eq!(t["tool_rejected"], 1);
    assert_eq!(t["tool_interrupted"], 1, "the Read left without a result");
    assert_eq!(t["tool_success"], 13);
    assert_eq!(
        t["sessions"], 3,
        "agent files belong to their parent sessions"
    );
    assert_eq!(
        t["prompts"], 3,
        "meta, summaries, commands, markers, subagent turns excluded"
    );
    assert_eq!(t["compactions"], 1);
    let tokens = &t["tokens"]["claude-sonnet-4-5"];
    assert_eq!(
        tokens["output"], 930,
        "once per message id, the larger record kept"
    );
    assert_eq!(tokens["input"], 180);

    assert_eq!(
        names(&v, "skills"),
        [
            ("handgemacht:commit".into(), 1),
            ("superpowers:brainstorming".into(), 1),
            ("superpowers:writing-plans".into(), 1)
        ]
    );
    assert_eq!(
        names(&v, "agents"),
        [
            ("general-purpose".into(), 1),
            ("reviewer".into(), 1),
            ("superpowers:code-reviewer".into(), 1)
        ]
    );
    assert_eq!(
        names(&v, "commands"),
        [("handgemacht:commit".into(), 1), ("review".into(), 1)]
    );
    let s = &v["stages"];
    assert_eq!(s["counts"]["deploy"], 1, "git push");
    assert_eq!(s["counts"]["commit"], 2, "git commit and the commit skill");
    assert_eq!(s["sessions_reached"]["brainstorm"], 1);
    // Each failure keeps the first line of what the tool said, newest first per tool.
    let errors: Vec<(String, String)> = v["tools"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| {
            t["recent_errors"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| {
                    (
                        t["name"].as_str().unwrap().to_string(),
                        e["text"].as_str().unwrap().to_string(),
                    )
                })
        })
        .collect();
    assert!(
        errors.contains(&("Grep".into(), "No matches found".into())),
        "{errors:?}"
    );
    assert!(
        errors.contains(&("Bash".into(), "fatal: no upstream".into())),
        "{errors:?}"
    );
    assert!(
        errors.contains(&("Bash".into(), "1 failed".into())),
        "{errors:?}"
    );
    let tr = &v["sources"]["transcripts"];
    assert_eq!(tr["files"], 8);
    assert_eq!(tr["skipped_by_reason"]["unknown_type"], 1);
}

#[test]
fn the_project_scope_follows_cwd_and_takes_subagents_along() {
    let v = snapshot(&["--claude-dir", &home(), "--project", "/work/shop"], &[]);
    assert_eq!(v["totals"]["sessions"], 2);
    assert_eq!(v["totals"]["tool_calls"], 14);
    assert_eq!(v["scope"]["project"], "/work/shop");
    let v = snapshot(&["--claude-dir", &home(), "--project", "/work/sho"], &[]);
    assert_eq!(
        v["totals"]["tool_calls"], 0,
        "a path prefix is not a parent folder"
    );
}

#[test]
fn sessions_limit_keeps_the_newest() {
    let v = snapshot(
        &["--claude-dir", &home(), "--all-projects", "--sessions", "1"],
        &[],
    );
    assert_eq!(v["totals"]["sessions"], 1);
    assert_eq!(
        names(&v, "agents"),
        [("general-purpose".into(), 1)],
        "session b, Nov 22"
    );
}

#[test]
fn claude_config_dir_is_a_comma_list_and_accepts_projects_folders() {
    let empty = tempfile::tempdir().unwrap();
    let list = format!("{}/projects, {}", home(), empty.path().display());
    let v = snapshot(&["--all-projects"], &[("CLAUDE_CONFIG_DIR", &list)]);
    assert_eq!(v["totals"]["tool_calls"], 18);
    assert_eq!(
        v["sources"]["transcripts"]["dirs"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn defaults_are_xdg_and_home_dot_claude() {
    let home_dir = tempfile::tempdir().unwrap();
    let dot = home_dir.path().join(".claude");
    std::fs::create_dir_all(&dot).unwrap();
    std::fs::create_dir_all(dot.join("projects/-x")).unwrap();
    std::fs::copy(
        fixtures()
            .join("claude-home/projects/-work-blog/cccccccc-0000-4000-8000-000000000003.jsonl"),
        dot.join("projects/-x/c.jsonl"),
    )
    .unwrap();
    let v = snapshot(
        &["--all-projects"],
        &[("HOME", home_dir.path().to_str().unwrap())],
    );
    assert_eq!(v["totals"]["tool_calls"], 4);
}

#[test]
fn no_config_directory_at_all_is_said_not_fatal() {
    let empty = tempfile::tempdir().unwrap();
    let v = snapshot(
        &["--all-projects"],
        &[("HOME", empty.path().to_str().unwrap())],
    );
    assert_eq!(v["sources"]["transcripts"]["files"], 0);
    let d = serde_json::to_string(&v["diagnostics"]).unwrap();
    assert!(d.contains("no Claude Code config directory found"), "{d}");
    assert!(d.contains("--demo"), "{d}");
}
