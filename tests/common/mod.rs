//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod prom;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_skilltop"));
    // Nothing from the developer's machine leaks in.
    c.env_remove("CLAUDE_CONFIG_DIR")
        .env_remove("PROMETHEUS_ENDPOINT")
        .env_remove("CLAUDE_PLUGIN_ROOT")
        .env("XDG_CONFIG_HOME", "/nonexistent-skilltop-test")
        .env("NO_COLOR", "1");
    c
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the skilltop binary runs")
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// `../shared/realdata/claude-home`, or `None` with a notice (a user's clone lacks it).
pub fn realdata() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata/claude-home");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("NOTICE: ../shared/realdata is absent; skipping the real-data checks");
        None
    }
}

pub fn schema_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/snapshot.schema.json"),
    )
    .expect("the schema is readable");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

/// Panics with every violation when `instance` does not follow the published schema.
pub fn assert_valid_snapshot(instance: &serde_json::Value) {
    let v = schema_validator();
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "snapshot violates the schema: {errors:#?}"
    );
}

/// Run `cmd` (a `--format json` invocation), require success, and return the snapshot
/// (checked against the published schema) and stderr.
pub fn json_output(cmd: &mut Command) -> (serde_json::Value, String) {
    let out = cmd.output().expect("the skilltop binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json on stdout");
    assert_valid_snapshot(&v);
    (v, stderr)
}

/// The JSON snapshot of `home` over range `all` at `now`, Prometheus off, with `extra`
/// arguments; checked against the schema.
pub fn snapshot_json(home: &Path, now: &str, extra: &[&str]) -> serde_json::Value {
    let home = home.to_str().expect("a UTF-8 path");
    let mut args = vec![
        "--format",
        "json",
        "--claude-dir",
        home,
        "--range",
        "all",
        "--no-prometheus",
        "--now",
        now,
    ];
    args.extend_from_slice(extra);
    json_output(bin().args(&args)).0
}
