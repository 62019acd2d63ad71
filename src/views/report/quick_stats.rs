//! `--quick-stats`: totals from the hook's per-session summaries
//! (`<config dir>/session-summaries/YYYY-MM-DD_<session>.json`), without reading transcripts.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use color_eyre::eyre::{Result, WrapErr};
use serde::{Deserialize, Serialize};

use crate::model::format::percent;
use crate::settings::cli::Format;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Summary {
    total_tools: u64,
    tool_breakdown: BTreeMap<String, u64>,
    stages_visited: Vec<String>,
    outcomes: Outcomes,
    compactions: u64,
    project: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Outcomes {
    success: u64,
    failure: u64,
}

#[derive(Debug, Default, Serialize, PartialEq)]
pub struct QuickStats {
    pub days: usize,
    pub since: String,
    pub sessions: u64,
    pub total_tools: u64,
    pub success: u64,
    pub failure: u64,
    pub success_rate: Option<f64>,
    pub compactions: u64,
    pub tools: BTreeMap<String, u64>,
    /// Sessions that visited each stage.
    pub stages: BTreeMap<String, u64>,
    pub projects: BTreeMap<String, u64>,
    /// Files that could not be read or parsed, with the reason.
    pub skipped: Vec<String>,
}

/// Sum the summaries of the last `days` days (today included) found in `dirs`.
pub fn collect(dirs: &[PathBuf], days: usize, now: DateTime<Utc>) -> QuickStats {
    // `--days` is range-checked; a huge value still must not overflow the date.
    let back = i64::try_from(days.saturating_sub(1)).unwrap_or(i64::MAX);
    let since = Duration::try_days(back)
        .and_then(|d| now.checked_sub_signed(d))
        .map_or(NaiveDate::MIN, |d| d.date_naive());
    let mut q = QuickStats {
        days,
        since: since.to_string(),
        ..Default::default()
    };
    for dir in dirs {
        let root = dir.join("session-summaries");
        let Ok(entries) = std::fs::read_dir(&root) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let Some(date) = file_date(&path) else {
                continue;
            };
            if date < since || date > now.date_naive() {
                continue;
            }
            match read_summary(&path) {
                Ok(s) => add(&mut q, s),
                Err(e) => q.skipped.push(format!("{}: {e:#}", path.display())),
            }
        }
    }
    let decided = q.success as f64 + q.failure as f64;
    q.success_rate = (decided > 0.0).then(|| q.success as f64 / decided);
    q
}

fn file_date(path: &Path) -> Option<NaiveDate> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".json")?;
    let (date, _session) = stem.split_once('_')?;
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

fn read_summary(path: &Path) -> Result<Summary> {
    let text = crate::model::files::read_capped_string(path, crate::model::files::SMALL_FILE_CAP)?;
    serde_json::from_str(&text).wrap_err("not a session summary")
}

fn add(q: &mut QuickStats, s: Summary) {
    // The summaries are outside input: totals saturate instead of wrapping.
    q.sessions = q.sessions.saturating_add(1);
    q.total_tools = q.total_tools.saturating_add(s.total_tools);
    q.success = q.success.saturating_add(s.outcomes.success);
    q.failure = q.failure.saturating_add(s.outcomes.failure);
    q.compactions = q.compactions.saturating_add(s.compactions);
    for (tool, n) in s.tool_breakdown {
        let t = q.tools.entry(tool).or_default();
        *t = t.saturating_add(n);
    }
    let mut stages = s.stages_visited;
    stages.sort();
    stages.dedup();
    for st in stages {
        let n = q.stages.entry(st).or_default();
        *n = n.saturating_add(1);
    }
    let n = q
        .projects
        .entry(s.project.unwrap_or_else(|| "(unknown)".into()))
        .or_default();
    *n = n.saturating_add(1);
}

pub fn run(
    dirs: &[PathBuf],
    days: usize,
    now: DateTime<Utc>,
    format: Option<Format>,
) -> Result<String> {
    let q = collect(dirs, days, now);
    if format == Some(Format::Json) {
        let mut s = serde_json::to_string_pretty(&q)?;
        s.push('\n');
        return Ok(s);
    }
    Ok(render(&q))
}

/// The totals as text for a terminal (through the one sanitiser: tool and project names
/// and the reasons of skipped files come from outside).
pub fn render(q: &QuickStats) -> String {
    crate::model::format::terminal_safe(&render_raw(q)).into_owned()
}

fn render_raw(q: &QuickStats) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "skilltop quick stats — last {} days (since {})",
        q.days, q.since
    );
    if q.sessions == 0 {
        let _ = writeln!(
            out,
            "\nNo session summaries found (session-summaries/ in the config dirs)."
        );
    } else {
        let rate = q
            .success_rate
            .map_or("n/a".to_string(), |r| percent(Some(r), 1));
        let _ = writeln!(
            out,
            "\nSessions {}  Tool calls {}  Success {} / failure {} ({rate})  Compactions {}",
            q.sessions, q.total_tools, q.success, q.failure, q.compactions
        );
        let mut tools: Vec<_> = q.tools.iter().collect();
        tools.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let _ = writeln!(out, "\nTools");
        for (t, n) in tools {
            let _ = writeln!(out, "  {t:<28} {n:>8}");
        }
        let _ = writeln!(out, "\nStages visited (sessions)");
        for (s, n) in &q.stages {
            let _ = writeln!(out, "  {s:<28} {n:>8}");
        }
        let _ = writeln!(out, "\nProjects (sessions)");
        for (p, n) in &q.projects {
            let _ = writeln!(out, "  {p:<28} {n:>8}");
        }
    }
    for s in &q.skipped {
        let _ = writeln!(out, "skipped: {s}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_the_days_in_range_and_reports_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let sum = dir.path().join("session-summaries");
        std::fs::create_dir(&sum).unwrap();
        let one = r#"{"total_tools":10,"tool_breakdown":{"Bash":6,"Edit":4},
            "stages_visited":["implement","test","test"],"outcomes":{"success":9,"failure":1},
            "compactions":1,"project":"app"}"#;
        std::fs::write(sum.join("2026-11-20_aaaa.json"), one).unwrap();
        std::fs::write(sum.join("2026-11-19_bbbb.json"), one).unwrap();
        std::fs::write(sum.join("2026-10-01_old.json"), one).unwrap();
        std::fs::write(sum.join("2026-11-20_bad.json"), "{not json").unwrap();
        std::fs::write(sum.join("notes.txt"), "x").unwrap();
        let now = "2026-11-20T12:00:00Z".parse().unwrap();
        let q = collect(&[dir.path().to_path_buf()], 14, now);
        assert_eq!(q.sessions, 2);
        assert_eq!(q.total_tools, 20);
        assert_eq!(q.tools["Bash"], 12);
        assert_eq!(q.stages["test"], 2, "a stage counts once per session");
        assert_eq!(q.success_rate, Some(0.9));
        assert_eq!(q.skipped.len(), 1);
        assert!(q.skipped[0].contains("2026-11-20_bad.json"));
        let q1 = collect(&[dir.path().to_path_buf()], 1, now);
        assert_eq!(q1.sessions, 1, "--days 1 is today only");
        let text = render(&q);
        assert!(text.contains("Sessions 2"));
    }

    #[test]
    fn huge_day_counts_and_totals_neither_panic_nor_wrap() {
        let dir = tempfile::tempdir().unwrap();
        let sum = dir.path().join("session-summaries");
        std::fs::create_dir(&sum).unwrap();
        let big = format!(
            r#"{{"total_tools":{m},"tool_breakdown":{{"Bash":{m}}},"outcomes":{{"success":{m},"failure":{m}}},"compactions":{m}}}"#,
            m = u64::MAX
        );
        std::fs::write(sum.join("2026-11-20_a.json"), &big).unwrap();
        std::fs::write(sum.join("2026-11-20_b.json"), &big).unwrap();
        let now = "2026-11-20T12:00:00Z".parse().unwrap();
        for days in [1, 2_147_483_647, usize::MAX] {
            let q = collect(&[dir.path().to_path_buf()], days, now);
            assert_eq!(q.sessions, 2);
            assert_eq!(q.total_tools, u64::MAX, "saturates, does not wrap");
            assert_eq!(q.tools["Bash"], u64::MAX);
            assert_eq!(q.compactions, u64::MAX);
            assert_eq!(q.success_rate, Some(0.5));
        }
    }
}
