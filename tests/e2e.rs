//! The real binary in a pseudo-terminal (tmux): it starts and draws the panes, shows a
//! `Skill` call appended while it runs, exports with `e`, and quits with `q` restoring the
//! terminal. Skipped with a notice when tmux is missing (tests/run.sh installs it).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, cwd: &Path, args: &[&str]) -> Option<Tmux> {
        Tmux::start_with(name, cwd, "", args)
    }

    fn start_with(name: &str, cwd: &Path, env: &str, args: &[&str]) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!(
                "NOTICE: tmux is missing; skipping the end-to-end test (tests/run.sh installs it)"
            );
            return None;
        }
        let socket = format!("skilltop-e2e-{}-{name}", std::process::id());
        let bin = env!("CARGO_BIN_EXE_skilltop");
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        // After the program ends the shell reports its status and waits, so the test can
        // read both the status and the restored screen.
        let cmd = format!(
            "env -u CLAUDE_CONFIG_DIR -u PROMETHEUS_ENDPOINT XDG_CONFIG_HOME=/nonexistent NO_COLOR=1 TERM=xterm-256color {env} '{bin}' {}; echo EXITED:$?; sleep 60",
            quoted.join(" ")
        );
        let ok = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "120",
                "-y",
                "40",
            ])
            .arg("-c")
            .arg(cwd)
            .arg(cmd)
            .status()
            .expect("tmux runs")
            .success();
        assert!(ok, "tmux could not start a session");
        Some(Tmux { socket })
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen with its scrollback.
    fn history(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-S", "-"])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &str) {
        Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", keys])
            .status()
            .expect("tmux send-keys");
    }

    fn alternate_screen(&self) -> bool {
        let out = Command::new("tmux")
            .args([
                "-L",
                &self.socket,
                "display-message",
                "-p",
                "#{alternate_on}",
            ])
            .output()
            .expect("tmux display-message");
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Wait until the screen satisfies `f`; the deadline only guards against a hang.
    fn wait(&self, what: &str, f: impl Fn(&str) -> bool) -> Duration {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if f(&s) {
                return start.elapsed();
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn first_transcript(home: &Path) -> PathBuf {
    let mut stack = vec![home.join("projects")];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "jsonl") {
                return p;
            }
        }
    }
    panic!("no transcript under {}", home.display());
}

fn skill_line(session: &str, ts: &str, cwd: &str) -> String {
    format!(
        r#"{{"type":"assistant","sessionId":"{session}","timestamp":"{ts}","cwd":"{cwd}","message":{{"id":"msg_e2e","content":[{{"type":"tool_use","id":"toolu_e2e","name":"Skill","input":{{"skill":"zz-live-skill"}}}}]}}}}"#
    ) + "\n"
}

fn live_session(name: &str, home: &Path, now: &str) {
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    let t = match Tmux::start(
        name,
        &exports,
        &[
            "--claude-dir",
            home.to_str().unwrap(),
            "--all-projects",
            "--range",
            "all",
            "--no-prometheus",
            "--now",
            now,
        ],
    ) {
        Some(t) => t,
        None => return,
    };
    t.wait("the panes", |s| {
        s.contains("1 Skills") && s.contains("6 Insights") && s.contains("files on disk")
    });
    assert!(t.alternate_screen());

    // A Skill call appended while it runs.
    let file = first_transcript(home);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    std::io::Write::write_all(
        &mut f,
        skill_line("e2e-session", "2026-11-24T08:00:00Z", "/e2e").as_bytes(),
    )
    .unwrap();
    drop(f);
    let took = t.wait("the appended skill", |s| s.contains("zz-live-skill"));
    println!(
        "appended Skill call on screen after {} ms",
        took.as_millis()
    );

    // Export what is on screen.
    t.keys("e");
    t.wait("the export message", |s| s.contains("exported to"));
    let written: Vec<PathBuf> = std::fs::read_dir(&exports)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&written[0]).unwrap()).unwrap();
    assert_valid_snapshot(&v);
    assert!(
        v["skills"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "zz-live-skill")
    );

    // Quit: exit code 0, the shell's screen is back.
    t.keys("q");
    t.wait("the exit", |s| s.contains("EXITED:0"));
    assert!(!t.alternate_screen(), "the alternate screen is left");
}

#[test]
fn the_dashboard_runs_live_over_the_demo_data() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("demo");
    copy_dir(&fixtures().join("demo"), &home);
    live_session("demo-live", &home, "2026-11-24T12:00:00Z");
}

#[test]
fn the_dashboard_runs_live_over_the_real_data() {
    let Some(real) = realdata() else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("claude-home");
    copy_dir(&real, &home);
    live_session("real-live", &home, "2026-11-24T12:00:00Z");
}

#[test]
fn demo_mode_keys_and_a_too_small_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let Some(t) = Tmux::start("demo", dir.path(), &["--demo"]) else {
        return;
    };
    t.wait("the demo data", |s| {
        s.contains("test-driven-development") && s.contains("range 7d")
    });
    t.keys("r");
    t.wait("the next range", |s| s.contains("range 14d"));
    t.keys("?");
    t.wait("the help", |s| s.contains("Help"));
    // Any key closes the help, an unbound one too, and does nothing else.
    t.keys("x");
    t.wait("the help closed", |s| {
        !s.contains("Help") && s.contains("range 14d")
    });
    t.keys("5");
    t.keys("Enter");
    t.wait("the details of a missed item", |s| {
        s.contains("called for it in sessions where it never ran")
    });
    Command::new("tmux")
        .args(["-L", &t.socket, "resize-window", "-x", "30", "-y", "8"])
        .status()
        .unwrap();
    t.wait("the too-small notice", |s| s.contains("too small"));
    Command::new("tmux")
        .args(["-L", &t.socket, "resize-window", "-x", "120", "-y", "40"])
        .status()
        .unwrap();
    t.wait("the panes again", |s| s.contains("1 Skills"));
    t.keys("C-c");
    t.wait("the exit", |s| s.contains("EXITED:0"));
    assert!(!t.alternate_screen());
}

/// The pid of the program the pane's shell runs.
fn program_pid(t: &Tmux) -> String {
    let out = Command::new("tmux")
        .args(["-L", &t.socket, "display-message", "-p", "#{pane_pid}"])
        .output()
        .expect("tmux display-message");
    let shell = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let out = Command::new("ps")
        .args(["-o", "pid=", "--ppid", &shell])
        .output()
        .expect("ps runs");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("the program runs under the shell")
        .to_string()
}

#[test]
fn prometheus_down_breaks_nothing_and_sigterm_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("demo");
    copy_dir(&fixtures().join("demo"), &home);
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    let Some(t) = Tmux::start(
        "promdown",
        dir.path(),
        &[
            "--claude-dir",
            home.to_str().unwrap(),
            "--all-projects",
            "--range",
            "all",
            "--prometheus-endpoint",
            "http://127.0.0.1:9",
            "--now",
            "2026-11-24T12:00:00Z",
        ],
    ) else {
        return;
    };
    t.wait("the panes with the demo data", |s| {
        s.contains("46 files on disk") && s.contains("6 Insights")
    });
    t.wait("the header saying Prometheus is down", |s| {
        s.contains("prometheus: unreachable")
    });
    // Still responsive to keys.
    t.keys("r");
    t.wait("the next range", |s| s.contains("range 7d"));
    let pid = program_pid(&t);
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    t.wait("the exit", |s| s.contains("EXITED:143"));
    assert!(!t.alternate_screen(), "the alternate screen is left");
}

#[test]
fn a_panic_in_a_background_task_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let Some(t) = Tmux::start_with(
        "panic",
        dir.path(),
        "SKILLTOP_TEST_PANIC_IN_TASK=1",
        &["--demo"],
    ) else {
        return;
    };
    let screen = {
        let start = Instant::now();
        loop {
            let s = t.screen();
            if s.contains("EXITED:") {
                break s;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "no exit: {s}");
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    assert!(!t.alternate_screen(), "the alternate screen is left");
    let all = t.history();
    assert!(all.contains("test panic in a background task"), "{all}");
    assert!(
        !screen.contains("EXITED:0"),
        "a panic is an error exit: {screen}"
    );
}

/// A FIFO created under `projects/` while the dashboard runs is never opened: the view
/// keeps refreshing (an appended call shows) and `q` still quits at once.
#[test]
fn a_fifo_created_while_running_freezes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("demo");
    copy_dir(&fixtures().join("demo"), &home);
    let Some(t) = Tmux::start(
        "fifo",
        dir.path(),
        &[
            "--claude-dir",
            home.to_str().unwrap(),
            "--all-projects",
            "--range",
            "all",
            "--no-prometheus",
            "--now",
            "2026-11-24T12:00:00Z",
        ],
    ) else {
        return;
    };
    t.wait("the panes", |s| s.contains("46 files on disk"));
    let file = first_transcript(&home);
    let fifo = file.with_file_name("fifo.jsonl");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::thread::sleep(Duration::from_millis(500));
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    std::io::Write::write_all(
        &mut f,
        skill_line("e2e-fifo", "2026-11-24T08:00:00Z", "/e2e").as_bytes(),
    )
    .unwrap();
    drop(f);
    t.wait("the appended skill after the FIFO", |s| {
        s.contains("zz-live-skill")
    });
    t.keys("q");
    let took = t.wait("the exit", |s| s.contains("EXITED:0"));
    // Reported, not asserted tightly (tests assert no timings): the README quotes it.
    eprintln!(
        "quit after a FIFO appeared: {} ms to EXITED (50 ms polling)",
        took.as_millis()
    );
    assert!(took < Duration::from_secs(5), "quit took {took:?}");
    assert!(!t.alternate_screen());
}

/// Every terminal-ending signal (HUP, INT, QUIT, TERM) restores the terminal (main screen,
/// cursor shown) and exits with 128 + its number.
#[test]
fn terminating_signals_restore_the_terminal_and_exit_128_plus_n() {
    for (sig, code) in [("HUP", 129), ("INT", 130), ("QUIT", 131), ("TERM", 143)] {
        let dir = tempfile::tempdir().unwrap();
        let Some(t) = Tmux::start(&format!("sig{sig}"), dir.path(), &["--demo"]) else {
            return;
        };
        t.wait("the demo data", |s| s.contains("test-driven-development"));
        assert!(t.alternate_screen());
        let pid = program_pid(&t);
        Command::new("kill")
            .args([&format!("-{sig}"), &pid])
            .status()
            .unwrap();
        let want = format!("EXITED:{code}");
        t.wait(&want, |s| s.contains(&want));
        assert!(
            !t.alternate_screen(),
            "SIG{sig}: the alternate screen is left"
        );
        let out = Command::new("tmux")
            .args(["-L", &t.socket, "display-message", "-p", "#{cursor_flag}"])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "1",
            "SIG{sig}: the cursor is shown again"
        );
    }
}

/// A newcomer's path: start, Tab through the panes, Enter and Esc, a filter with no match,
/// the help closed by an unbound key, the projects view, export, quit.
#[test]
fn a_newcomers_walk_through_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let Some(t) = Tmux::start("walk", dir.path(), &["--demo"]) else {
        return;
    };
    t.wait("the demo data", |s| {
        s.contains("test-driven-development") && s.contains("range 7d")
    });
    // Tab moves to each pane in turn: Enter there opens its first row, Esc closes it.
    for (pane, title) in [
        ("Agents", "┌ code-reviewer "),
        ("Stages", "┌ stage brainstorm "),
        ("Success", "┌ tool Agent "),
        ("Missed", "┌ missed: frontend-design "),
        ("Insights", "┌ used less while asked for "),
    ] {
        t.keys("Tab");
        t.keys("Enter");
        t.wait(&format!("the details of the first row of {pane}"), |s| {
            s.contains(title) && s.contains("Esc closes")
        });
        t.keys("Escape");
        t.wait(&format!("{pane}'s details closed"), |s| {
            !s.contains("Esc closes")
        });
    }
    // A sixth Tab is back on Skills: Enter opens the first skill's details, Esc closes them.
    t.keys("Tab");
    t.keys("Enter");
    t.wait("the details with their sessions", |s| {
        s.contains("Esc closes") && s.contains("invocations in 7d") && s.contains("newest first")
    });
    t.keys("Escape");
    t.wait("the details closed", |s| !s.contains("Esc closes"));
    t.keys("/");
    t.keys("zzz");
    t.keys("Enter");
    t.wait("the panes saying no match", |s| {
        s.matches("no match for /zzz").count() == 5 && !s.contains("nothing to report")
    });
    t.keys("Escape");
    t.wait("the filter cleared", |s| !s.contains("no match"));
    t.keys("?");
    t.wait("the help", |s| s.contains("any key closes"));
    t.keys("z");
    t.wait("the help closed by an unbound key", |s| {
        !s.contains("any key closes") && s.contains("1 Skills")
    });
    // The projects view: every demo project, Enter shows the selected one.
    t.keys("P");
    t.wait("the projects view", |s| {
        s.contains("Projects") && s.contains("/home/dev/shop") && s.contains("/home/dev/blog")
    });
    t.keys("Enter");
    t.wait("the dashboard scoped to a project", |s| {
        s.contains("skilltop  project /home/dev/")
    });
    t.keys("e");
    t.wait("the export message", |s| s.contains("exported to"));
    t.keys("q");
    t.wait("the exit", |s| s.contains("EXITED:0"));
    assert!(!t.alternate_screen());
    let written: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
    assert_eq!(written.len(), 1, "the export is in the working directory");
    // The snapshot on screen: the chosen project, with sparse daily series.
    let text = std::fs::read_to_string(written[0].path()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema"], "skilltop.snapshot/1");
    assert!(v["scope"]["project"].as_str().is_some(), "{}", v["scope"]);
    assert_eq!(v["daily_sparse"], true);
    // Whole: the session rows the screen does not draw (nor have made) are in it.
    let rows = v["costs"]["by_session"].as_array().map_or(0, Vec::len);
    assert!(rows > 0, "{}", v["costs"]);
}
