//! Command-line flags (clap) and their validation. Bad values end in a one-line error naming
//! the flag and what it accepts, with exit code 2.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use clap::{Parser, ValueEnum};

use crate::model::range::{RangeSpec, parse_range};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The detailed text report.
    Table,
    /// One frame of the dashboard's panes, printed to stdout.
    Dashboard,
    /// The snapshot as JSON (schema `skilltop.snapshot/1`).
    Json,
}

fn parse_tz(s: &str) -> Result<Tz, String> {
    s.parse::<Tz>()
        .map_err(|_| "accepts an IANA time zone name such as Europe/Paris or UTC".to_string())
}

fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| "accepts an RFC 3339 time such as 2026-01-31T12:00:00Z".to_string())
}

fn parse_positive(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err("accepts a whole number of at least 1".to_string()),
    }
}

/// The most days `--days` accepts (about 270 years, as `--range` accepts).
pub const MAX_DAYS: usize = 100_000;

fn parse_days(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=MAX_DAYS).contains(&n) => Ok(n),
        _ => Err(format!("accepts a whole number from 1 to {MAX_DAYS}")),
    }
}

/// skilltop: which Claude Code skills, subagents and workflow stages you really use.
#[derive(Debug, Clone, Parser)]
#[command(name = "skilltop", version, about, allow_negative_numbers = true)]
pub struct Cli {
    /// Print one report to stdout and exit (default `table` when stdout is not a terminal).
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Time range: Nh, Nd, Nw or `all` (default 7d); trends compare with the range before.
    #[arg(long, value_parser = parse_range, value_name = "RANGE")]
    pub range: Option<RangeSpec>,

    /// Only the N most recent sessions in range.
    #[arg(long, value_parser = parse_positive, value_name = "N")]
    pub sessions: Option<usize>,

    /// The project to show (matched on the transcripts' cwd); default: the current directory.
    #[arg(long, value_name = "PATH", conflicts_with = "all_projects")]
    pub project: Option<PathBuf>,

    /// Show every project.
    #[arg(long)]
    pub all_projects: bool,

    /// A Claude config directory (repeatable); replaces CLAUDE_CONFIG_DIR and the defaults.
    #[arg(long = "claude-dir", value_name = "DIR")]
    pub claude_dirs: Vec<PathBuf>,

    /// Time zone of the daily buckets (IANA name); default: the local zone.
    #[arg(long, value_parser = parse_tz, value_name = "IANA")]
    pub timezone: Option<Tz>,

    /// Write the snapshot (JSON) to PATH atomically, then exit.
    #[arg(long, value_name = "PATH")]
    pub export: Option<PathBuf>,

    /// Show examples under each finding and missed opportunity.
    #[arg(long, short)]
    pub verbose: bool,

    /// Replace prompt text in examples by its length.
    #[arg(long)]
    pub redact: bool,

    /// Totals from ~/.claude/session-summaries/*.json.
    #[arg(long)]
    pub quick_stats: bool,

    /// Days covered by --quick-stats (1 to 100000).
    #[arg(long, value_parser = parse_days, value_name = "N", default_value = "14")]
    pub days: usize,

    /// Do not query Prometheus.
    #[arg(long)]
    pub no_prometheus: bool,

    /// Prometheus base URL (overrides PROMETHEUS_ENDPOINT and the config file).
    #[arg(long, value_name = "URL")]
    pub prometheus_endpoint: Option<String>,

    /// Run the dashboard over the sample data shipped in fixtures/.
    #[arg(long)]
    pub demo: bool,

    /// Config file (default: $XDG_CONFIG_HOME/skilltop/config.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Fix the clock (RFC 3339), for tests and reproducible reports.
    #[arg(long, value_parser = parse_now, hide = true)]
    pub now: Option<DateTime<Utc>>,
}

/// Parse the command line; on error print one line and exit 2 (help and version exit 0).
pub fn parse_or_exit() -> Cli {
    match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => e.exit(),
                _ => {
                    use std::io::Write;
                    let line = one_line_error(&e.render().to_string());
                    let line = crate::model::format::terminal_line(&line);
                    let _ = writeln!(std::io::stderr().lock(), "{line}");
                    std::process::exit(super::UsageError::EXIT_CODE);
                }
            }
        }
    }
}

/// clap renders several lines (error, possible values, usage, hint); the first carries the
/// message, and the accepted values, when clap lists them, join it on the same line.
pub(crate) fn one_line_error(rendered: &str) -> String {
    let mut lines = rendered.lines().filter(|l| !l.trim().is_empty());
    let line = lines.next().unwrap_or("error: invalid command line");
    let values = lines.find_map(|l| l.trim().strip_prefix("[possible values: "));
    let mut out = format!("skilltop: {}", line.trim_start_matches("error: "));
    if let Some(v) = values {
        out.push_str(&format!(" (accepts {}", v.trim_end_matches(']')));
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_flags_give_one_line() {
        for args in [
            vec!["skilltop", "--range", "5x"],
            vec!["skilltop", "--sessions", "-1"],
            vec!["skilltop", "--timezone", "Mars/Olympus"],
            vec!["skilltop", "--range", "é"],
            vec!["skilltop", "--range", "7д"],
            vec!["skilltop", "--days", "2147483647"],
            vec!["skilltop", "--days", "18446744073709551615"],
        ] {
            let e = Cli::try_parse_from(&args).unwrap_err();
            let line = one_line_error(&e.render().to_string());
            assert!(!line.contains('\n'));
            assert!(line.contains(args[1]), "{line} names {}", args[1]);
        }
    }

    #[test]
    fn a_bad_format_lists_the_accepted_ones() {
        let e = Cli::try_parse_from(["skilltop", "--format", "xml"]).unwrap_err();
        let line = one_line_error(&e.render().to_string());
        assert!(!line.contains('\n'));
        assert!(line.contains("'xml'"), "{line}");
        assert!(line.ends_with("(accepts table, dashboard, json)"), "{line}");
    }
}
