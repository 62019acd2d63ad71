//! The command line end to end: flag validation, reports, export.

mod common;

use common::*;

#[test]
fn bad_values_get_one_line_and_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["--range", "5x"], "--range"),
        (&["--sessions", "-1"], "--sessions"),
        (&["--sessions", "0"], "--sessions"),
        (&["--timezone", "Mars/Olympus"], "--timezone"),
        (&["--days", "zero"], "--days"),
        (&["--format", "xml"], "--format"),
        (&["--claude-dir", "/nonexistent/skilltop"], "--claude-dir"),
        (&["--now", "yesterday"], "--now"),
    ];
    for (args, flag) in cases {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(flag), "{args:?} names the flag: {err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_broken_config_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "[prometheus]\nendpiont = 1\n").unwrap();
    let out = run(&["--config", cfg.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config.toml"), "{err}");
}

#[test]
fn json_report_follows_the_schema() {
    let home = fixtures().join("claude-home");
    let out = run(&[
        "--format",
        "json",
        "--claude-dir",
        home.to_str().unwrap(),
        "--all-projects",
        "--range",
        "all",
        "--no-prometheus",
        "--now",
        "2026-11-24T00:00:00Z",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_snapshot(&v);
    assert_eq!(v["schema"], "skilltop.snapshot/1");
    assert_eq!(v["sources"]["prometheus"]["status"], "disabled");
}

#[test]
fn the_schema_rejects_what_it_should() {
    let home = fixtures().join("claude-home");
    let out = run(&[
        "--format",
        "json",
        "--claude-dir",
        home.to_str().unwrap(),
        "--all-projects",
        "--no-prometheus",
        "--now",
        "2026-11-24T00:00:00Z",
    ]);
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["totals"]["success_rate"] = serde_json::json!(1.5);
    assert!(
        !schema_validator().is_valid(&v),
        "a rate above 1 is invalid"
    );
    v["totals"]["success_rate"] = serde_json::Value::Null;
    assert!(schema_validator().is_valid(&v));
    v.as_object_mut().unwrap().remove("skills");
    assert!(!schema_validator().is_valid(&v), "skills is required");
}

#[test]
fn export_is_atomic_and_never_clobbers_on_error() {
    let home = fixtures().join("claude-home");
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("snap.json");
    let args = |p: &str| {
        run(&[
            "--export",
            p,
            "--claude-dir",
            home.to_str().unwrap(),
            "--all-projects",
            "--no-prometheus",
            "--now",
            "2026-11-24T00:00:00Z",
        ])
    };
    let out = args(target.to_str().unwrap());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert_valid_snapshot(&v);

    let missing = dir.path().join("no/such/dir/snap.json");
    let out = args(missing.to_str().unwrap());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));

    let out = args(dir.path().to_str().unwrap());
    assert!(!out.status.success(), "a directory is not overwritten");
    assert!(dir.path().join("snap.json").is_file());
}

#[test]
fn table_is_the_default_when_stdout_is_not_a_terminal() {
    let home = fixtures().join("claude-home");
    let out = run(&[
        "--claude-dir",
        home.to_str().unwrap(),
        "--all-projects",
        "--no-prometheus",
        "--now",
        "2026-11-24T00:00:00Z",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for section in [
        "Totals",
        "Skills",
        "Agents",
        "Tools",
        "Stages",
        "Success",
        "Missed opportunities",
        "Findings",
        "Recommendations",
    ] {
        assert!(text.contains(section), "table has {section}:\n{text}");
    }
}

/// Values that used to panic (exit 101) end in one line and exit 2, from flags and from the
/// config file.
#[test]
fn hostile_values_never_panic() {
    let cases: &[&[&str]] = &[
        &["--range", "é"],
        &["--range", "7д"],
        &["--range", "dé"],
        &["--days", "2147483647", "--quick-stats"],
        &["--days", "18446744073709551615", "--quick-stats"],
    ];
    for args in cases {
        let out = run(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(args[0]), "{args:?}: {err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    for (text, names) in [
        ("[display]\nrange = \"dé\"\n", "display.range"),
        ("[display]\nrange = \"é\"\n", "display.range"),
        (
            "[prometheus]\nendpoint = \"http://127.0.0.1:1\"\npoll_interval_secs = 18446744073709551615\n",
            "poll_interval_secs",
        ),
    ] {
        std::fs::write(&cfg, text).unwrap();
        let out = run(&["--config", cfg.to_str().unwrap(), "--format", "json"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{text}: {err}");
        assert!(err.contains(names), "{text}: {err}");
    }
}

/// `skilltop --format json | head -3`: a closed stdout ends the run quietly with 141
/// (128 + SIGPIPE, as a shell reports for `cat`), never a panic.
#[test]
fn a_closed_pipe_ends_quietly() {
    let home = fixtures().join("claude-home");
    for format in ["json", "table", "dashboard"] {
        let mut child = bin()
            .args(["--format", format, "--claude-dir", home.to_str().unwrap()])
            .args(["--all-projects", "--range", "all", "--no-prometheus"])
            .args(["--now", "2026-11-24T00:00:00Z"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the report is written.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(141), "{format}: {err}");
        assert!(err.is_empty(), "{format}: nothing on stderr: {err}");
    }
}

/// No raw control character from the data reaches a terminal: names from transcripts and
/// frontmatter, diagnostic paths, quick-stats names and stderr messages are shown escaped.
#[test]
fn control_characters_are_shown_escaped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    std::fs::create_dir_all(home.join("projects/-x")).unwrap();
    std::fs::write(
        home.join("projects/-x/s.jsonl"),
        r#"{"type":"assistant","sessionId":"s1","timestamp":"2026-11-20T10:00:00Z","cwd":"/x","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Skill","input":{"skill":"x\u001b]0;pwned\u0007"}}]}}
"#,
    )
    .unwrap();
    std::fs::create_dir_all(home.join("agents")).unwrap();
    std::fs::write(
        home.join("agents/ok.md"),
        "---\nname: \"ag\\e]52;c;QUFB\\a\"\ndescription: helps\n---\n",
    )
    .unwrap();
    std::fs::write(
        home.join("agents/e\x1b[2J.md"),
        "---\nname: bad\ndescription: x: y: z\n---\n",
    )
    .unwrap();
    std::fs::create_dir_all(home.join("session-summaries")).unwrap();
    std::fs::write(
        home.join("session-summaries/2026-11-20_a.json"),
        r#"{"total_tools":1,"tool_breakdown":{"B\u001b]0;t\u0007":1},"project":"p\u009b2J"}"#,
    )
    .unwrap();
    let raw = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .chars()
            .filter(|c| c.is_control() && *c != '\n')
            .count()
    };
    let common = [
        "--claude-dir",
        home.to_str().unwrap(),
        "--all-projects",
        "--range",
        "all",
        "--no-prometheus",
        "--now",
        "2026-11-24T00:00:00Z",
    ];
    for format in ["table", "dashboard"] {
        let out = bin()
            .args(["--format", format, "--verbose"])
            .args(common)
            .output()
            .unwrap();
        assert!(out.status.success(), "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(raw(&out.stdout), 0, "{format}: {text:?}");
        assert!(text.contains(r"x\e]0;pwned\x07"), "{format}: {text}");
        if format == "table" {
            assert!(text.contains(r"ag\e]52;c;QUFB\x07"), "{text}");
            assert!(text.contains(r"agents/e\e[2J.md"), "{text}");
        }
    }
    let out = bin()
        .args(["--quick-stats", "--days", "30"])
        .args(&common[..2])
        .args(["--now", "2026-11-24T00:00:00Z"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(raw(&out.stdout), 0, "{text:?}");
    assert!(
        text.contains(r"B\e]0;t\x07") && text.contains(r"p\u{9b}2J"),
        "{text}"
    );
    // stderr: an export that fails names its path, escaped, on one line.
    let target = home.join("no\x1b]0;x\x07dir/x.json");
    let out = bin()
        .args(common)
        .arg("--export")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(raw(&out.stderr), 0, "{err:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(r"no\e]0;x\x07dir"), "{err}");
}

/// An export that cannot be written says so in one line (no backtrace, no colours) and
/// touches nothing: a missing folder, a device behind a symlink, a directory.
#[test]
fn export_failures_are_one_line_and_touch_nothing() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.json");
    std::os::unix::fs::symlink("/dev/full", &full).unwrap();
    for (target, why) in [
        ("/nonexistent/dir/x.json", "does not exist"),
        (
            full.to_str().unwrap(),
            "not a regular file (a character device)",
        ),
        (dir.path().to_str().unwrap(), "it is a directory"),
    ] {
        let out = bin()
            .args(["--no-prometheus", "--all-projects", "--export", target])
            .args([
                "--claude-dir",
                fixtures().join("claude-home").to_str().unwrap(),
            ])
            .env("RUST_BACKTRACE", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{target}: {err}");
        assert_eq!(err.lines().count(), 1, "{target}: {err}");
        assert!(err.starts_with("skilltop: cannot export to"), "{err}");
        assert!(err.contains(why), "{target}: {err}");
        assert!(!err.contains('\x1b'), "{err}");
    }
    assert!(
        std::fs::symlink_metadata(&full)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

/// Secrets in a URL that does not parse, or on the line of a config parse error, are not
/// echoed: the value is redacted, the position kept.
#[test]
fn secrets_never_reach_stderr() {
    let out = run(&["--prometheus-endpoint", "http://u:PASS@host:99999"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        !err.contains("PASS") && err.contains("http://***@host:99999"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        "[prometheus]\nendpoint = \"http://127.0.0.1:9\"\nbearer_token = \"tok-SECRET\n",
    )
    .unwrap();
    let out = run(&["--config", cfg.to_str().unwrap(), "--format", "json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(!err.contains("SECRET") && err.contains("line 3"), "{err}");
}

/// `cargo install` users get `--demo`: the data is built into the binary, so an installed
/// copy runs it from any folder (the build reuses this build's artifacts).
#[test]
fn an_installed_binary_runs_the_demo_from_anywhere() {
    let root = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = std::path::Path::new(env!("CARGO_BIN_EXE_skilltop"))
        .parent()
        .and_then(|p| p.parent())
        .expect("the binary sits in target/debug");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args([
            "install",
            "--debug",
            "--offline",
            "--locked",
            "--quiet",
            "--path",
        ])
        .arg(env!("CARGO_MANIFEST_DIR"))
        .arg("--root")
        .arg(root.path())
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo install failed");
    let installed = root.path().join("bin/skilltop");
    let out = std::process::Command::new(&installed)
        .args(["--demo", "--format", "json"])
        .current_dir(elsewhere.path())
        .env("TMPDIR", elsewhere.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !v["skills"].as_array().unwrap().is_empty(),
        "the demo has skills"
    );
    let written: Vec<_> = std::fs::read_dir(elsewhere.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("skilltop-demo-")
        })
        .collect();
    assert_eq!(
        written.len(),
        1,
        "the demo data was written to the temp folder once"
    );
    assert!(written[0].path().join("NOW").is_file());
}
