//! `cargo bench --bench idle`: the dashboard's cost while nothing happens. The real binary
//! runs in tmux over a copy of the demo data (watcher on, Prometheus off); once its panes
//! are drawn, its CPU time (utime + stime from /proc) is measured over 60 s with no key,
//! file change or resize. Target: under 1% of one core. `SKILLTOP_IDLE_SECS` shortens it.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let dest = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &dest)?;
        } else {
            std::fs::copy(e.path(), &dest)?;
        }
    }
    Ok(())
}

/// utime + stime of `pid`, in clock ticks (fields 14 and 15 of /proc/PID/stat, counted
/// after the command name, which may hold spaces).
fn cpu_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(["-L", socket])
        .args(args)
        .output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

fn main() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!(
            "NOTICE: tmux is missing; the idle benchmark needs it (tests/run.sh installs it)"
        );
        return;
    }
    let secs: u64 = std::env::var("SKILLTOP_IDLE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let ticks_per_sec: f64 = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0);

    let dir = tempfile::tempdir().expect("a temp dir");
    let home = dir.path().join("demo");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo"),
        &home,
    )
    .expect("the demo data copies");
    let socket = format!("skilltop-idle-{}", std::process::id());
    let cmd = format!(
        "exec env -u CLAUDE_CONFIG_DIR -u PROMETHEUS_ENDPOINT XDG_CONFIG_HOME=/nonexistent TERM=xterm-256color '{}' --claude-dir '{}' --all-projects --range all --no-prometheus",
        env!("CARGO_BIN_EXE_skilltop"),
        home.display()
    );
    let started = Command::new("tmux")
        .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
        .args(["-x", "200", "-y", "60", &cmd])
        .status()
        .is_ok_and(|s| s.success());
    if !started {
        eprintln!("idle: tmux could not start a session");
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while !tmux(&socket, &["capture-pane", "-p"]).contains("6 Insights") {
        if Instant::now() > deadline {
            eprintln!("idle: the dashboard did not draw within 30 s");
            tmux(&socket, &["kill-server"]);
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let pid = tmux(&socket, &["display-message", "-p", "#{pane_pid}"])
        .trim()
        .to_string();
    // Let the first scan's aftermath settle before measuring.
    std::thread::sleep(Duration::from_secs(1));
    let before = cpu_ticks(&pid);
    let t = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    let after = cpu_ticks(&pid);
    let wall = t.elapsed().as_secs_f64();
    tmux(&socket, &["kill-server"]);
    match (before, after) {
        (Some(b), Some(a)) => {
            let cpu = (a - b) as f64 / ticks_per_sec;
            println!(
                "idle {secs} s (200x60, watcher on, demo data): {:.3} s CPU = {:.3}% of one core",
                cpu,
                cpu / wall * 100.0
            );
        }
        _ => eprintln!("idle: cannot read /proc/{pid}/stat"),
    }
}
