//! Bad input never stops the analysis: each case is counted or named, and the rest is read.

mod common;

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;
use skilltop::model::facts::Update;
use skilltop::sources::transcripts::Engine;
use skilltop::store::Store;

const NOW: &str = "2026-11-24T00:00:00Z";

/// A config home with one good session in `projects/-good`, plus whatever the test adds.
fn home() -> (tempfile::TempDir, PathBuf) {
    home_in(&std::env::temp_dir())
}

fn home_in(parent: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir_in(parent).unwrap();
    let good = dir.path().join("projects/-good");
    fs::create_dir_all(&good).unwrap();
    fs::write(good.join("s1.jsonl"), good_lines("s1", 3)).unwrap();
    let p = dir.path().to_path_buf();
    (dir, p)
}

fn good_lines(session: &str, n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                r#"{{"type":"assistant","sessionId":"{session}","timestamp":"2026-11-20T10:00:0{i}Z","cwd":"/good","message":{{"id":"m-{session}-{i}","content":[{{"type":"tool_use","id":"t-{session}-{i}","name":"Skill","input":{{"skill":"brainstorming"}}}}]}}}}"#
            ) + "\n"
        })
        .collect()
}

fn snapshot_cmd(mut cmd: Command, home: &Path) -> Value {
    cmd.args(["--format", "json", "--range", "all", "--all-projects"])
        .args(["--no-prometheus", "--now", NOW, "--claude-dir"])
        .arg(home);
    json_output(&mut cmd).0
}

fn snapshot(home: &Path) -> Value {
    snapshot_cmd(bin(), home)
}

fn skipped(v: &Value, reason: &str) -> u64 {
    v["sources"]["transcripts"]["skipped_by_reason"][reason]
        .as_u64()
        .unwrap_or(0)
}

fn diagnostics(v: &Value) -> String {
    serde_json::to_string(&v["diagnostics"]).unwrap()
}

#[test]
fn a_truncated_last_line_is_kept_until_completed() {
    let (_d, home) = home();
    let path = home.join("projects/-good/s2.jsonl");
    let line = good_lines("s2", 1);
    let (head, tail) = line.split_at(40);
    fs::write(&path, head).unwrap();
    let v = snapshot(&home);
    assert_eq!(v["totals"]["tool_calls"], 3, "the half line is not counted");
    assert_eq!(
        v["sources"]["transcripts"]["skipped_lines"], 0,
        "nor skipped"
    );

    let mut engine = Engine::new(vec![home.clone()]);
    let mut store = Store::new(vec![]);
    let (updates, _) = engine.scan();
    updates.into_iter().for_each(|u| store.apply(u));
    assert!(store.file_facts(&path).unwrap().calls.is_empty());
    fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(tail.as_bytes())
        .unwrap();
    let (updates, _) = engine.refresh(std::slice::from_ref(&path));
    updates.into_iter().for_each(|u| store.apply(u));
    assert_eq!(store.file_facts(&path).unwrap().calls.len(), 1);
    assert_eq!(snapshot(&home)["totals"]["tool_calls"], 4);
}

#[test]
fn a_line_of_20_mb_is_read() {
    let (_d, home) = home();
    let big = "x".repeat(20 << 20);
    let line = format!(
        r#"{{"type":"user","sessionId":"s3","timestamp":"2026-11-20T11:00:00Z","cwd":"/good","message":{{"content":"{big}"}}}}"#
    );
    fs::write(
        home.join("projects/-good/s3.jsonl"),
        line + "\n" + &good_lines("s3", 1),
    )
    .unwrap();
    let v = snapshot(&home);
    assert_eq!(v["totals"]["tool_calls"], 4);
    assert_eq!(v["totals"]["prompts"], 1);
    assert_eq!(v["sources"]["transcripts"]["skipped_lines"], 0);
}

#[test]
fn binary_garbage_and_invalid_utf8_are_skipped_and_reported() {
    let (_d, home) = home();
    // One line of every byte value but the newline.
    let mut garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i * 7919 % 251) as u8)
        .map(|b| if b == b'\n' { 0 } else { b })
        .collect();
    garbage.extend_from_slice(b"\n");
    fs::write(home.join("projects/-good/garbage.jsonl"), &garbage).unwrap();
    let mut bad_utf8 = b"{\"type\":\"user\",\"message\":{\"content\":\"caf\xe9\"}}\n".to_vec();
    bad_utf8.extend_from_slice(good_lines("s4", 1).as_bytes());
    fs::write(home.join("projects/-good/s4.jsonl"), &bad_utf8).unwrap();
    let v = snapshot(&home);
    assert_eq!(
        v["totals"]["tool_calls"], 4,
        "the good line after the bad one counts"
    );
    assert_eq!(skipped(&v, "invalid_utf8"), 2, "{}", v["sources"]);
    let total = v["sources"]["transcripts"]["skipped_lines"]
        .as_u64()
        .unwrap();
    assert!(total >= 2);

    let out = bin()
        .args(["--format", "table", "--range", "all", "--all-projects"])
        .args(["--no-prometheus", "--now", NOW, "--claude-dir"])
        .arg(&home)
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("2 invalid_utf8"), "{table}");
}

#[test]
fn empty_and_summary_only_files_count_as_files_without_sessions() {
    let (_d, home) = home();
    fs::write(home.join("projects/-good/empty.jsonl"), "").unwrap();
    fs::write(
        home.join("projects/-good/summary.jsonl"),
        "{\"type\":\"summary\",\"summary\":\"a\",\"leafUuid\":\"x\"}\n".repeat(3),
    )
    .unwrap();
    let v = snapshot(&home);
    let t = &v["sources"]["transcripts"];
    assert_eq!(t["files"], 3);
    assert_eq!(t["sessions"], 1);
    assert_eq!(t["skipped_lines"], 0);
    assert_eq!(v["totals"]["tool_calls"], 3);
}

#[test]
fn an_unreadable_directory_is_named_and_the_rest_is_read() {
    // In /tmp, which `nobody` can reach whatever TMPDIR says.
    let (d, home) = home_in(Path::new("/tmp"));
    let locked = home.join("projects/-locked");
    fs::create_dir_all(&locked).unwrap();
    fs::write(locked.join("s9.jsonl"), good_lines("s9", 2)).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads anything: run as `nobody` then, which needs to reach the files it may read.
    let cmd = if is_root() {
        for p in [
            d.path(),
            &home.join("projects"),
            &home.join("projects/-good"),
        ] {
            fs::set_permissions(p, fs::Permissions::from_mode(0o755)).unwrap();
        }
        fs::set_permissions(
            home.join("projects/-good/s1.jsonl"),
            fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        // A copy of the binary `nobody` can run wherever the checkout lives.
        let exe = d.path().join("skilltop");
        fs::copy(env!("CARGO_BIN_EXE_skilltop"), &exe).unwrap();
        fs::set_permissions(&exe, fs::Permissions::from_mode(0o755)).unwrap();
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&exe)
            .env_remove("CLAUDE_CONFIG_DIR")
            .env("XDG_CONFIG_HOME", "/nonexistent-skilltop-test")
            .env("HOME", "/nonexistent-skilltop-test");
        c
    } else {
        bin()
    };
    let v = snapshot_cmd(cmd, &home);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(v["totals"]["tool_calls"], 3, "the readable project is read");
    let diags = diagnostics(&v);
    assert!(diags.contains("-locked"), "{diags}");
    assert!(diags.contains("ermission denied"), "{diags}");
}

fn is_root() -> bool {
    // `id -u` instead of libc: no dependency for one test.
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[test]
fn a_symlink_loop_is_named_and_the_rest_is_read() {
    let (_d, home) = home();
    std::os::unix::fs::symlink(home.join("projects"), home.join("projects/-good/loop")).unwrap();
    std::os::unix::fs::symlink("self", home.join("projects/-good/self")).unwrap();
    let v = snapshot(&home);
    assert_eq!(v["totals"]["tool_calls"], 3, "read once, not once per loop");
    let diags = diagnostics(&v);
    assert!(diags.contains("symlink loop"), "{diags}");
    assert!(diags.contains("self"), "{diags}");
}

#[test]
fn a_project_folder_named_like_a_flag_is_read() {
    let (_d, home) = home();
    let p = home.join("projects/-rf");
    fs::create_dir_all(&p).unwrap();
    fs::write(p.join("s5.jsonl"), good_lines("s5", 2)).unwrap();
    let v = snapshot(&home);
    assert_eq!(v["totals"]["tool_calls"], 5);
}

#[test]
fn a_transcript_deleted_while_being_read_is_dropped_cleanly() {
    let (_d, home) = home();
    let path = home.join("projects/-good/s6.jsonl");
    fs::write(&path, good_lines("s6", 2)).unwrap();
    let mut engine = Engine::new(vec![home.clone()]);
    let mut store = Store::new(vec![]);
    let (updates, diags) = engine.scan();
    assert!(diags.is_empty(), "{diags:?}");
    updates.into_iter().for_each(|u| store.apply(u));
    assert_eq!(store.file_count(), 2);

    // Open (as a reader in the middle of a read would), then delete: the open handle still
    // reads, and the next refresh drops the file's facts.
    let mut open = fs::File::open(&path).unwrap();
    fs::remove_file(&path).unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut open, &mut rest).unwrap();
    assert!(!rest.is_empty());
    let (updates, diags) = engine.refresh(std::slice::from_ref(&path));
    assert!(diags.is_empty(), "{diags:?}");
    assert!(matches!(updates.as_slice(), [Update::Removed(p)] if *p == path));
    updates.into_iter().for_each(|u| store.apply(u));
    assert_eq!(store.file_count(), 1);

    // A file that vanishes between discovery and its first read is simply not there.
    let ghost = home.join("projects/-good/ghost.jsonl");
    let (updates, diags) = engine.refresh(std::slice::from_ref(&ghost));
    assert!(updates.is_empty() && diags.is_empty());
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

/// Run `cmd` and fail (killing it) when it does not end within 30 s: a hang is a failure.
fn output_within(mut cmd: Command) -> std::process::Output {
    use std::process::Stdio;
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            panic!("skilltop hung on a non-regular file");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// FIFOs, devices (also behind symlinks, as a repository can ship them) and oversized
/// definitions are never read: each is named in a diagnostic, the run ends, no count moves.
#[test]
fn fifos_devices_and_huge_files_are_refused_unread() {
    let (_d, home) = home();
    let before = snapshot(&home);
    mkfifo(&home.join("projects/-good/fifo.jsonl"));
    std::os::unix::fs::symlink("/dev/zero", home.join("projects/-good/zero.jsonl")).unwrap();
    for sub in ["agents", "commands", "session-summaries"] {
        fs::create_dir_all(home.join(sub)).unwrap();
    }
    mkfifo(&home.join("agents/fifo.md"));
    mkfifo(&home.join("commands/x.md"));
    mkfifo(&home.join("session-summaries/2026-11-23_fifo.json"));
    std::os::unix::fs::symlink("/dev/zero", home.join("agents/helper.md")).unwrap();
    std::os::unix::fs::symlink("/dev/stdin", home.join("agents/stdin.md")).unwrap();
    let huge = format!(
        "---\nname: huge\ndescription: {}\n---\n",
        "x".repeat(4_100_000)
    );
    fs::write(home.join("agents/huge.md"), huge).unwrap();

    let mut cmd = bin();
    cmd.args(["--format", "json", "--range", "all", "--all-projects"])
        .args(["--no-prometheus", "--now", NOW, "--claude-dir"])
        .arg(&home);
    let out = output_within(cmd);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_snapshot(&v);
    let d = diagnostics(&v);
    for (name, why) in [
        ("fifo.jsonl", "not a regular file (a FIFO)"),
        ("zero.jsonl", "not a regular file (a character device)"),
        ("agents/fifo.md", "not a regular file (a FIFO)"),
        ("commands/x.md", "not a regular file (a FIFO)"),
        (
            "agents/helper.md",
            "not a regular file (a character device)",
        ),
        ("agents/stdin.md", "not a regular file"),
        ("agents/huge.md", "larger than 4.0 MB"),
    ] {
        let hit = v["diagnostics"].as_array().unwrap().iter().any(|x| {
            x["path"].as_str().is_some_and(|p| p.ends_with(name))
                && x["message"].as_str().is_some_and(|m| m.contains(why))
        });
        assert!(hit, "{name}: {why} in {d}");
    }
    assert_eq!(v["totals"], before["totals"], "no count moved");
    assert_eq!(v["skills"], before["skills"]);

    let mut cmd = bin();
    cmd.args([
        "--quick-stats",
        "--days",
        "30",
        "--now",
        NOW,
        "--claude-dir",
    ])
    .arg(&home);
    let out = output_within(cmd);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("2026-11-23_fifo.json: not a regular file (a FIFO)"),
        "{text}"
    );
}

/// `--config` naming a device, a FIFO or a huge file is a one-line usage error, at once.
#[test]
fn a_config_file_that_is_not_a_small_regular_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.toml");
    mkfifo(&fifo);
    let big = dir.path().join("big.toml");
    fs::write(&big, format!("# {}\n", "x".repeat(1_100_000))).unwrap();
    for (path, why) in [
        (
            Path::new("/dev/zero"),
            "not a regular file (a character device)",
        ),
        (fifo.as_path(), "not a regular file (a FIFO)"),
        (big.as_path(), "larger than 1.0 MB"),
    ] {
        let mut cmd = bin();
        cmd.args(["--format", "json", "--no-prometheus", "--config"])
            .arg(path);
        let out = output_within(cmd);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(why), "{path:?}: {err}");
    }
}

/// A compaction in a copied file counts once (as tool calls do); a UTF-8 BOM at the start
/// of a file keeps its first line; a broken line that begins like a `progress` entry is
/// counted in `skipped_by_reason`.
#[test]
fn copies_boms_and_broken_progress_lines_are_exact() {
    let (_d, home) = home();
    let dir = home.join("projects/-good");
    let compaction = r#"{"type":"system","subtype":"compact_boundary","sessionId":"s1","timestamp":"2026-11-20T10:00:05Z","cwd":"/good"}"#;
    let mut s1 = fs::read_to_string(dir.join("s1.jsonl")).unwrap();
    s1 += compaction;
    s1.push('\n');
    fs::write(dir.join("s1.jsonl"), &s1).unwrap();
    fs::write(dir.join("s1-copy.jsonl"), &s1).unwrap();
    let v = snapshot(&home);
    assert_eq!(v["totals"]["tool_calls"], 3, "calls deduplicated");
    assert_eq!(v["totals"]["compactions"], 1, "compactions deduplicated");

    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(good_lines("s2", 2).as_bytes());
    fs::write(dir.join("s2.jsonl"), bom).unwrap();
    let v = snapshot(&home);
    assert_eq!(v["totals"]["tool_calls"], 5, "the BOM's line is read");
    assert_eq!(v["sources"]["transcripts"]["skipped_lines"], 0);

    fs::write(
        dir.join("s3.jsonl"),
        "{\"type\":\"progress\",\"data\":{\"x\":\n{\"type\":\"progress\",\"data\":{}}\n",
    )
    .unwrap();
    let v = snapshot(&home);
    assert_eq!(
        skipped(&v, "invalid_json"),
        1,
        "{}",
        v["sources"]["transcripts"]
    );
    assert_eq!(v["sources"]["transcripts"]["skipped_lines"], 1);
    assert_eq!(v["totals"]["tool_calls"], 5);
}

/// A symlink loop (or a linked folder) created while watching reaches the same files under
/// new paths: each file is read once, under the path it was first seen at.
#[test]
fn the_same_file_under_a_new_path_is_read_once() {
    let (_d, home) = home();
    let dir = home.join("projects/-good");
    let mut engine = Engine::new(vec![home.clone()]);
    let (updates, _) = engine.scan();
    let files = |u: &[Update]| {
        u.iter()
            .filter(|u| matches!(u, Update::File { .. }))
            .count()
    };
    assert_eq!(files(&updates), 1);
    fs::create_dir_all(dir.join("s1")).unwrap();
    let link = dir.join("s1/loop");
    std::os::unix::fs::symlink(&dir, &link).unwrap();
    let (updates, diags) = engine.refresh(std::slice::from_ref(&link));
    assert_eq!(files(&updates), 0, "nothing new: {updates:?}");
    assert!(
        diags.iter().any(|d| d.message.contains("counted once")),
        "{diags:?}"
    );
    // A full rescan agrees, and so does a fresh run.
    let (updates, _) = engine.scan();
    assert_eq!(files(&updates), 0);
    let v = snapshot(&home);
    assert_eq!(v["sources"]["transcripts"]["files"], 1, "{}", v["sources"]);
    assert_eq!(v["totals"]["tool_calls"], 3);
}

/// `R` (`Engine::rebuild`) reads everything again from scratch: even an edit no check can
/// see (same size, same first and last bytes, modification time put back) is repaired,
/// and a file gone meanwhile is removed.
#[test]
fn a_rebuild_repairs_what_incremental_reads_cannot_see() {
    let (_d, home) = home();
    let dir = home.join("projects/-good");
    let path = dir.join("big.jsonl");
    let data = good_lines("big", 9).repeat(20);
    fs::write(&path, &data).unwrap();
    let mtime = fs::metadata(&path).unwrap().modified().unwrap();
    let mut engine = Engine::new(vec![home.clone()]);
    let mut store = Store::new(vec![]);
    let (updates, _) = engine.scan();
    updates.into_iter().for_each(|u| store.apply(u));
    let names = |store: &Store| format!("{:?}", store.file_facts(&path).unwrap().calls);
    assert!(!names(&store).contains("edited"));

    // The same size, an edit in the middle only, the old modification time.
    let mid = data.len() / 2;
    let at = data[mid..].find("brainstorming").unwrap() + mid;
    let mut edited = data.clone();
    edited.replace_range(at..at + "brainstorming".len(), "edited-skill!");
    fs::write(&path, &edited).unwrap();
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let (updates, _) = engine.scan();
    assert!(updates.is_empty(), "invisible to incremental reads");
    fs::remove_file(dir.join("s1.jsonl")).unwrap();
    let (updates, _) = engine.rebuild();
    updates.into_iter().for_each(|u| store.apply(u));
    assert!(names(&store).contains("edited-skill!"), "{}", names(&store));
    assert!(store.file_facts(&dir.join("s1.jsonl")).is_none());
}

/// `skilltop` as `nobody` when the tests run as root (root would write and read anything),
/// else as is; the binary is copied where `nobody` can run it.
fn unprivileged(d: &Path) -> Command {
    if !is_root() {
        return bin();
    }
    fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    let exe = d.join("skilltop");
    fs::copy(env!("CARGO_BIN_EXE_skilltop"), &exe).unwrap();
    fs::set_permissions(&exe, fs::Permissions::from_mode(0o755)).unwrap();
    let mut c = Command::new("setpriv");
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&exe)
        .env_remove("CLAUDE_CONFIG_DIR")
        .env_remove("PROMETHEUS_ENDPOINT")
        .env("NO_COLOR", "1")
        .env("XDG_CONFIG_HOME", "/nonexistent-skilltop-test")
        .env("HOME", "/nonexistent-skilltop-test");
    c
}

/// Unprivileged failures are one line and change nothing: an export into a folder the user
/// cannot write keeps the old file and leaves no temp file; an unreadable config file is a
/// usage error naming it.
#[test]
fn unprivileged_export_and_config_failures_are_one_line() {
    let d = tempfile::tempdir_in("/tmp").unwrap();
    let out_dir = d.path().join("ro");
    fs::create_dir(&out_dir).unwrap();
    let target = out_dir.join("snap.json");
    fs::write(&target, "precious").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(&out_dir, fs::Permissions::from_mode(0o555)).unwrap();
    let empty = d.path().join("claude");
    fs::create_dir(&empty).unwrap();
    fs::set_permissions(&empty, fs::Permissions::from_mode(0o755)).unwrap();
    let out = unprivileged(d.path())
        .args(["--no-prometheus", "--all-projects", "--claude-dir"])
        .arg(&empty)
        .arg("--export")
        .arg(&target)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot export to") && err.contains("ermission denied"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), "precious");
    assert_eq!(
        fs::read_dir(&out_dir).unwrap().count(),
        1,
        "no temp file left"
    );

    let cfg = d.path().join("config.toml");
    fs::write(&cfg, "[display]\nrange = \"7d\"\n").unwrap();
    fs::set_permissions(&cfg, fs::Permissions::from_mode(0o000)).unwrap();
    let out = unprivileged(d.path())
        .args(["--format", "json", "--no-prometheus", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("config.toml") && err.contains("ermission denied"),
        "{err}"
    );
}
