//! The catalog and the findings: real definitions, the "used in this session" rule, and
//! malformed definitions (precision and recall of the detector: tests/missed.rs).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;
use skilltop::sources::catalog::{Catalog, DefinitionKind};

fn real_catalog() -> Option<Catalog> {
    let home = realdata()?;
    Some(Catalog::load(&[home], None, &BTreeMap::new()))
}

#[test]
fn real_definitions_parse_or_are_reported() {
    let Some(c) = real_catalog() else { return };
    let get = |name: &str| {
        c.items
            .iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    // Quoted description.
    let b = get("brainstorming");
    assert!(
        b.description
            .starts_with("You MUST use this before any creative work")
    );
    // `>-` block scalar: folded, no trailing newline.
    let cdd = get("context-driven-development");
    assert!(
        cdd.description
            .starts_with("Creates and maintains project context artifacts")
    );
    assert!(!cdd.description.contains('\n'));
    // `|` block scalar.
    let cr = get("code-reviewer");
    assert_eq!(cr.kind, DefinitionKind::Agent);
    assert!(
        cr.description
            .starts_with("Use this agent when a major project step")
    );
    // Renamed: the frontmatter name wins over the file name.
    let ba = get("backend-development-backend-architect");
    assert!(ba.path.ends_with("agents/backend-architect.md"));
    // Commands without a name take the file's.
    assert_eq!(get("write-plan").kind, DefinitionKind::Command);
    // The one file whose YAML does not parse (an unquoted `: ` in a description) is named.
    assert_eq!(c.diagnostics.len(), 1, "{:?}", c.diagnostics);
    let d = &c.diagnostics[0];
    assert!(d.path.as_deref().unwrap().ends_with("agents/test-doc.md"));
    assert!(d.message.contains("not valid YAML"));
    assert_eq!(c.invocable().count(), 27);
}

fn line(session: &str, n: u32, body: &str) -> String {
    format!(
        r#"{{"sessionId":"{session}","timestamp":"2026-11-20T10:00:{n:02}Z","cwd":"/w",{body}}}"#
    ) + "\n"
}

fn prompt(session: &str, n: u32, text: &str) -> String {
    line(
        session,
        n,
        &format!(r#""type":"user","message":{{"role":"user","content":"{text}"}}"#),
    )
}

fn skill_call(session: &str, n: u32, skill: &str) -> String {
    line(
        session,
        n,
        &format!(
            r#""type":"assistant","message":{{"id":"m{session}{n}","content":[{{"type":"tool_use","id":"t{session}{n}","name":"Skill","input":{{"skill":"{skill}"}}}}]}}"#
        ),
    )
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn snapshot(home: &Path, project: Option<&Path>) -> Value {
    let mut cmd = bin();
    cmd.args(["--format", "json", "--range", "7d", "--no-prometheus"])
        .args(["--now", "2026-11-24T00:00:00Z", "--claude-dir"])
        .arg(home);
    // The project's `.claude/` comes from the working directory (no --project: all projects).
    cmd.arg("--all-projects");
    if let Some(p) = project {
        cmd.current_dir(p);
    }
    json_output(&mut cmd).0
}

/// stdout of a report over `home` (range 7d, all projects, fixed clock, no Prometheus).
fn report(home: &Path, args: &[&str]) -> String {
    let out = bin()
        .args(args)
        .args(["--range", "7d", "--all-projects", "--no-prometheus"])
        .args(["--now", "2026-11-24T00:00:00Z", "--claude-dir"])
        .arg(home)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_newest_plugin_version_wins() {
    let (_d, home) = brainstorm_home();
    let c = Catalog::load(&[home], None, &BTreeMap::new());
    let b: Vec<_> = c
        .items
        .iter()
        .filter(|d| d.name == "superpowers:brainstorming")
        .collect();
    assert_eq!(b.len(), 1);
    assert!(
        b[0].path.to_string_lossy().contains("/1.10.0/"),
        "{:?}",
        b[0].path
    );
    assert!(b[0].description.starts_with("You MUST use this"));
}

/// A home with the brainstorming skill installed from a plugin (two versions) and two
/// sessions with the same prompt, one of which invoked the skill.
fn brainstorm_home() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().to_path_buf();
    let plugin = home.join("plugins/cache/market/superpowers");
    write(
        &plugin.join("1.2.0/skills/brainstorming/SKILL.md"),
        "---\nname: brainstorming\ndescription: \"Use before creative work\"\n---\nbody",
    );
    write(
        &plugin.join("1.10.0/skills/brainstorming/SKILL.md"),
        "---\nname: brainstorming\ndescription: >-\n  You MUST use this before any creative work.\n---\nbody",
    );
    let p = home.join("projects/-w");
    let ask = "Let us do some brainstorming on the layout";
    write(
        &p.join("used.jsonl"),
        &(prompt("used", 1, ask) + &skill_call("used", 2, "superpowers:brainstorming")),
    );
    write(&p.join("unused.jsonl"), &prompt("unused", 3, ask));
    write(
        &p.join("again.jsonl"),
        &prompt("again", 4, "more brainstorming please"),
    );
    (dir, home)
}

#[test]
fn a_prompt_is_missed_only_in_sessions_that_did_not_invoke_the_item() {
    let (_d, home) = brainstorm_home();
    let v = snapshot(&home, None);
    let missed = v["missed_opportunities"].as_array().unwrap();
    assert_eq!(missed.len(), 1, "{missed:#?}");
    let m = &missed[0];
    assert_eq!(m["item"], "superpowers:brainstorming");
    assert_eq!(m["kind"], "skill");
    assert_eq!(m["count"], 2, "`unused` and `again`, not `used`");
    let sessions: Vec<&str> = m["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["session"].as_str().unwrap())
        .collect();
    assert_eq!(sessions, ["unused", "again"]);
    assert_eq!(
        m["examples"][0]["prompt"],
        "Let us do some brainstorming on the layout"
    );
    // The evidence: the purpose asked for, in the words of the request.
    assert_eq!(m["examples"][0]["triggers"][0], "brainstorming");
    assert_eq!(m["examples"][0]["evidence"], "asks for brainstorming");
    assert!(m["examples"][0]["score"].as_f64().unwrap() >= 1.0);
    assert_eq!(
        m["examples"][0]["project"], "/w",
        "the session's working directory"
    );
    // The finding and its recommendation.
    let kinds: Vec<&str> = v["insights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"missed_opportunity"), "{kinds:?}");
    assert!(
        v["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("superpowers:brainstorming"))
    );
    let table = report(&home, &["--format", "table", "--verbose"]);
    assert!(table.contains("Let us do some brainstorming"), "{table}");
    let text = report(&home, &["--format", "json", "--redact"]);
    assert!(
        !text.contains("Let us do some"),
        "--redact hides prompt text"
    );
    assert!(text.contains("[redacted: 42 chars]"));
}

#[test]
fn malformed_definitions_are_named_and_the_analysis_goes_on() {
    let (_d, home) = brainstorm_home();
    let s = home.join("skills");
    write(&s.join("no-frontmatter/SKILL.md"), "# Just a title\n");
    write(
        &s.join("unterminated/SKILL.md"),
        "---\nname: x\ndescription: y\n",
    );
    write(&s.join("bad-yaml/SKILL.md"), "---\nname: [oops\n---\n");
    let huge = "word ".repeat(1 << 18);
    write(
        &s.join("huge/SKILL.md"),
        &format!("---\nname: huge\ndescription: {huge}\n---\n"),
    );
    fs::create_dir_all(s.join("no-skill-md")).unwrap();
    let project = home.join("proj");
    fs::create_dir_all(project.join(".claude/skills")).unwrap();

    let v = snapshot(&home, Some(&project));
    let diags = serde_json::to_string_pretty(&v["diagnostics"]).unwrap();
    for (path, why) in [
        ("no-frontmatter/SKILL.md", "no frontmatter"),
        ("unterminated/SKILL.md", "no closing ---"),
        ("bad-yaml/SKILL.md", "not valid YAML"),
        ("huge/SKILL.md", "the description is 1310719 bytes"),
        ("no-skill-md", "without SKILL.md"),
        (".claude/skills", "empty"),
    ] {
        assert!(
            v["diagnostics"].as_array().unwrap().iter().any(|d| {
                d["source"] == "catalog"
                    && d["path"].as_str().unwrap().ends_with(path)
                    && d["message"].as_str().unwrap().contains(why)
            }),
            "{path}: {why} missing in {diags}"
        );
    }
    // The analysis went on: the good skill is still judged, the huge one is installed.
    assert_eq!(v["missed_opportunities"][0]["count"], 2);
    let never: Vec<&str> = v["insights"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "never_used")
        .map(|i| i["message"].as_str().unwrap())
        .collect();
    assert_eq!(never.len(), 1, "one folded finding: {never:?}");
    assert!(
        never[0].ends_with("not invoked in the last 7d: huge"),
        "{never:?}"
    );
}
