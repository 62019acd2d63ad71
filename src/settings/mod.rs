//! Settings: the command line, the config file and the environment, resolved once into a
//! typed [`Settings`] that `run` hands to each layer. Precedence (flag, then environment,
//! then config file, then default) lives here and nowhere else; nothing downstream reads
//! raw flags or the config file.

pub mod cli;
pub mod config;
mod error;
pub mod prometheus;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub use error::UsageError;
pub(crate) use error::{SettingsError, SetupError};

use crate::model::range::{RangeSpec, parse_range};
use cli::{Cli, Format};
use config::CustomRule;
use prometheus::PrometheusSettings;

/// Everything the modes need, resolved once. `Keys` is the key bindings, built by the
/// caller's parser (the dashboard's type lives above this layer).
#[derive(Debug)]
pub(crate) struct Settings<Keys> {
    /// `--format`: one report to stdout; `None`: the dashboard (or a table off a terminal).
    pub format: Option<Format>,
    pub verbose: bool,
    /// `--quick-stats` over `days` days.
    pub quick_stats: bool,
    pub days: usize,
    /// `--export PATH`.
    pub export: Option<PathBuf>,
    /// Where the Claude config directories come from.
    pub claude_dirs: ClaudeDirs,
    /// Extra stage rules, compiled once here (every stage they name exists); the
    /// transcript engine keeps them.
    pub stage_rules: Vec<CustomRule>,
    /// Extra trigger phrases per item name.
    pub triggers: BTreeMap<String, Vec<String>>,
    /// The built-in price table with the config's `[prices]` over it.
    pub prices: crate::model::prices::Prices,
    /// `None`: Prometheus is disabled (no endpoint, `--no-prometheus`, `--demo`).
    pub prometheus: Option<PrometheusSettings>,
    /// The project in scope; `None`: all projects.
    pub project: Option<String>,
    /// The project for `p` toggling, even when the scope starts with all projects.
    pub project_path: Option<String>,
    pub range: RangeSpec,
    pub sessions: Option<usize>,
    pub timezone: Tz,
    /// A fixed clock (`--now`, `--demo`); `None`: the real time.
    pub now: Option<DateTime<Utc>>,
    pub redact: bool,
    pub keys: Keys,
    /// Where the dashboard's `e` writes snapshots.
    pub export_dir: PathBuf,
    /// The dashboard without colours: `NO_COLOR` set and not empty, or theme `mono`.
    pub mono: bool,
    /// `NO_COLOR` present in the environment (the printed dashboard's colours).
    pub no_color: bool,
}

/// Where to find Claude Code's config directories (each holding `projects/`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ClaudeDirs {
    /// `--claude-dir` values, checked readable; empty: `CLAUDE_CONFIG_DIR` or the default
    /// places, looked up by the transcripts source (`discover::config_dirs`).
    Given(Vec<PathBuf>),
    /// `--demo`: the sample data shipped in the repository.
    Demo(PathBuf),
}

/// The sample data of `--demo`, built into the binary so an installed copy has it too.
static DEMO: include_dir::Dir = include_dir::include_dir!("$CARGO_MANIFEST_DIR/fixtures/demo");

/// A hash of the built-in demo files: a folder written by another build is never reused.
fn demo_hash() -> u64 {
    use std::hash::{Hash, Hasher};
    fn walk(d: &include_dir::Dir, h: &mut std::collections::hash_map::DefaultHasher) {
        for f in d.files() {
            f.path().hash(h);
            f.contents().hash(h);
        }
        for sub in d.dirs() {
            walk(sub, h);
        }
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    walk(&DEMO, &mut h);
    h.finish()
}

/// Where `--demo` reads its data: written once per build to the system's temp folder
/// (into a fresh folder first, renamed into place, so two runs never see half of it).
pub(crate) fn demo_dir() -> Result<PathBuf, SetupError> {
    let dir = std::env::temp_dir().join(format!("skilltop-demo-{:016x}", demo_hash()));
    if dir.join("NOW").is_file() {
        return Ok(dir);
    }
    let fresh = dir.with_extension(format!("tmp-{}", std::process::id()));
    let written = std::fs::create_dir_all(&fresh)
        .and_then(|()| DEMO.extract(&fresh))
        .and_then(|()| match std::fs::rename(&fresh, &dir) {
            // Another run put it in place first.
            Err(_) if dir.join("NOW").is_file() => std::fs::remove_dir_all(&fresh),
            other => other,
        });
    match written {
        Ok(()) => Ok(dir),
        Err(source) => Err(SetupError::DemoMissing { dir, source }),
    }
}

/// `~/x` in the config file means the home directory.
pub(crate) fn expand_home(p: &Path) -> PathBuf {
    match (p.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => p.to_path_buf(),
    }
}

/// Resolve flags, environment and config file once. `keys` builds the key bindings from
/// the config file's `[keys]` (its error is a usage error naming the binding).
pub(crate) fn resolve<Keys, E: std::error::Error + Send + Sync + 'static>(
    cli: Cli,
    keys: impl FnOnce(&BTreeMap<String, String>) -> Result<Keys, E>,
) -> Result<Settings<Keys>, SettingsError> {
    let config = config::load(cli.config.as_deref()).map_err(UsageError::Config)?;
    for dir in &cli.claude_dirs {
        if let Err(source) = std::fs::read_dir(dir) {
            let dir = dir.clone();
            return Err(UsageError::ClaudeDir { dir, source }.into());
        }
    }
    let stage_rules = CustomRule::compile(&config.stages.rules).map_err(UsageError::StageRule)?;
    let keys = keys(&config.keys).map_err(|e| UsageError::Keys(Box::new(e)))?;
    let range = match (&cli.range, &config.display.range) {
        (Some(r), _) => r.clone(),
        (None, Some(r)) => parse_range(r).map_err(|reason| UsageError::Range {
            value: r.clone(),
            reason,
        })?,
        (None, None) => RangeSpec::days(7),
    };
    let timezone = cli.timezone.unwrap_or_else(local_zone);
    let (claude_dirs, now, all_projects) = if cli.demo {
        let (dir, now) = demo(cli.now)?;
        (ClaudeDirs::Demo(dir), Some(now), true)
    } else {
        (
            ClaudeDirs::Given(cli.claude_dirs),
            cli.now,
            cli.all_projects,
        )
    };
    let project_path = match &cli.project {
        Some(p) => Some(std::path::absolute(p).map_err(SetupError::Project)?),
        None => std::env::current_dir().ok(),
    }
    .map(|p| p.to_string_lossy().trim_end_matches('/').to_string());
    let prometheus = if cli.demo {
        None
    } else {
        PrometheusSettings::resolve(
            cli.prometheus_endpoint.as_deref(),
            cli.no_prometheus,
            &config.prometheus,
        )
        .map_err(UsageError::Prometheus)?
    };
    let no_color = std::env::var_os("NO_COLOR");
    Ok(Settings {
        format: cli.format,
        verbose: cli.verbose,
        quick_stats: cli.quick_stats,
        days: cli.days,
        export: cli.export,
        claude_dirs,
        stage_rules,
        triggers: config.triggers,
        prices: crate::model::prices::Prices::embedded().with_overrides(&config.prices),
        prometheus,
        project: if all_projects {
            None
        } else {
            project_path.clone()
        },
        project_path,
        range,
        sessions: cli.sessions,
        timezone,
        now,
        redact: cli.redact,
        keys,
        export_dir: config
            .display
            .export_dir
            .as_deref()
            .map_or_else(|| PathBuf::from("."), expand_home),
        mono: no_color.as_ref().is_some_and(|v| !v.is_empty())
            || config.display.theme.as_deref() == Some("mono"),
        no_color: no_color.is_some(),
    })
}

/// `--demo`: the sample data and its clock (`--now` still wins).
fn demo(now: Option<DateTime<Utc>>) -> Result<(PathBuf, DateTime<Utc>), SetupError> {
    let dir = demo_dir()?;
    let stamp = match std::fs::read_to_string(dir.join("NOW")) {
        Ok(s) => s,
        Err(source) => return Err(SetupError::DemoMissing { dir, source }),
    };
    let stamp = DateTime::parse_from_rfc3339(stamp.trim())
        .map_err(SetupError::DemoClock)?
        .with_timezone(&Utc);
    Ok((dir, now.unwrap_or(stamp)))
}

/// The local IANA zone (TZ, /etc/localtime), UTC when it cannot be told.
fn local_zone() -> Tz {
    std::env::var("TZ")
        .ok()
        .and_then(|t| t.trim_start_matches(':').parse::<Tz>().ok())
        .or_else(|| {
            iana_time_zone::get_timezone()
                .ok()
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(chrono_tz::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_stage_is_a_usage_error_naming_the_rule() {
        let rule = |stage: &str| config::StageRule {
            tool: "Bash".into(),
            contains: String::new(),
            stage: stage.into(),
        };
        assert!(CustomRule::compile(&[rule("Test"), rule("deploy")]).is_ok());
        let e =
            UsageError::StageRule(CustomRule::compile(&[rule("test"), rule("nope")]).unwrap_err());
        assert_eq!(
            e.to_string(),
            "config stages: unknown stage \"nope\" in a stage rule for tool \"Bash\" (known: \
             brainstorm, plan, implement, test, review, commit, deploy)"
        );
    }

    #[test]
    fn usage_errors_name_where_the_value_came_from() {
        let e = UsageError::Range {
            value: "9q".into(),
            reason: parse_range("9q").unwrap_err(),
        };
        assert_eq!(
            e.to_string(),
            "config display.range \"9q\": accepts Nh, Nd, Nw (e.g. 24h, 7d, 2w) or all"
        );
        assert_eq!(UsageError::Keys("x".into()).to_string(), "config x");
    }
}
