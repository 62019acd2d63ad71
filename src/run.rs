//! Wiring: from the command line and config file to one resolved set of options, a loaded
//! store, a snapshot, and the chosen view.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use color_eyre::eyre::{Result, WrapErr, eyre};

use crate::model::facts::Update;
use crate::model::range::{RangeSpec, parse_range};
use crate::model::snapshot::{PromStatus, Snapshot};
use crate::settings::cli::{Cli, Format};
use crate::settings::config::{self, ConfigFile};
use crate::settings::expand_home;
use crate::sources::catalog::Catalog;
use crate::sources::prometheus::{self, Settings, Window};
use crate::sources::transcripts::{Engine, discover};
use crate::store::{Query, Store};
use crate::views::report;

/// A bad value the user gave: printed as one line, exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn usage(msg: impl Into<String>) -> color_eyre::Report {
    eyre!(UsageError(msg.into()))
}

/// Everything the modes need, resolved once from flags, environment and config file.
pub struct Resolved {
    pub cli: Cli,
    pub config: ConfigFile,
    /// Config directories holding `projects/`.
    pub dirs: Vec<PathBuf>,
    pub query: Query,
    /// The project for `p` toggling, even when the query starts with all projects.
    pub project_path: Option<String>,
    pub fixed_now: bool,
    pub prometheus: Option<Settings>,
}

/// The sample data of `--demo`, shipped in the repository.
pub fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}

pub fn resolve(cli: Cli) -> Result<Resolved> {
    let config = config::load(cli.config.as_deref()).map_err(|e| usage(format!("{e:#}")))?;
    for dir in &cli.claude_dirs {
        if let Err(e) = std::fs::read_dir(dir) {
            return Err(usage(format!(
                "--claude-dir {}: not a readable directory ({e})",
                dir.display()
            )));
        }
    }
    crate::sources::transcripts::parse::CustomRule::compile(&config.stages.rules)
        .map_err(|e| usage(format!("config stages: {e}")))?;
    crate::views::tui::keys::Bindings::new(&config.keys)
        .map_err(|e| usage(format!("config {e}")))?;
    let range = match (&cli.range, &config.display.range) {
        (Some(r), _) => r.clone(),
        (None, Some(r)) => {
            parse_range(r).map_err(|e| usage(format!("config display.range {r:?}: {e}")))?
        }
        (None, None) => RangeSpec::days(7),
    };
    let timezone = cli.timezone.unwrap_or_else(local_zone);

    let mut now = cli.now;
    let mut dirs = discover::config_dirs(&cli.claude_dirs);
    let mut all_projects = cli.all_projects;
    if cli.demo {
        let demo = demo_dir();
        let stamp = std::fs::read_to_string(demo.join("NOW"))
            .wrap_err_with(|| format!("the demo data is missing in {}", demo.display()))?;
        now = now.or(Some(
            DateTime::parse_from_rfc3339(stamp.trim())
                .wrap_err("fixtures/demo/NOW is not an RFC 3339 time")?
                .with_timezone(&Utc),
        ));
        dirs = vec![demo];
        all_projects = true;
    }

    let project_path = match &cli.project {
        Some(p) => Some(std::path::absolute(p).wrap_err("cannot resolve --project")?),
        None => std::env::current_dir().ok(),
    }
    .map(|p| p.to_string_lossy().trim_end_matches('/').to_string());
    let project = if all_projects {
        None
    } else {
        project_path.clone()
    };

    let prometheus = if cli.demo {
        None
    } else {
        Settings::resolve(
            cli.prometheus_endpoint.as_deref(),
            cli.no_prometheus,
            &config.prometheus,
        )
        .map_err(usage)?
    };
    let query = Query {
        project,
        range,
        sessions: cli.sessions,
        timezone,
        now: now.unwrap_or_else(Utc::now),
        redact: cli.redact,
        all_examples: cli.verbose,
    };
    Ok(Resolved {
        fixed_now: now.is_some(),
        cli,
        config,
        dirs,
        query,
        project_path,
        prometheus,
    })
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

/// Read every transcript once into a new store.
pub fn load_store(r: &Resolved) -> (Engine, Store) {
    let mut engine = Engine::new(r.dirs.clone());
    engine.stage_rules = r.config.stages.rules.clone();
    let mut store = Store::new(r.dirs.iter().map(|d| d.display().to_string()).collect());
    let (updates, diagnostics) = engine.scan();
    for u in updates {
        store.apply(u);
    }
    store.diagnostics.extend(diagnostics);
    (engine, store)
}

pub fn load_catalog(r: &Resolved) -> Catalog {
    Catalog::load(
        &r.dirs,
        r.project_path.as_deref().map(Path::new),
        &r.config.triggers,
    )
}

pub fn window(r: &Resolved) -> Window {
    Window {
        project: r.query.project.clone(),
        range: r.query.range.clone(),
        now: r.fixed_now.then_some(r.query.now),
    }
}

/// Build the one-shot snapshot: transcripts, catalog, and one Prometheus query.
pub fn one_shot_snapshot(r: &Resolved) -> Result<Snapshot> {
    let (_engine, mut store) = load_store(r);
    let catalog = load_catalog(r);
    if let Some(settings) = &r.prometheus {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .wrap_err("cannot start the async runtime")?;
        let data = rt.block_on(prometheus::fetch_once(settings, &window(r)));
        store.apply(Update::Prometheus(data));
    }
    let snap = store.snapshot(&r.query, &catalog);
    let p = &snap.sources.prometheus;
    if matches!(p.status, PromStatus::Unreachable | PromStatus::Error) {
        eprintln!(
            "skilltop: warning: Prometheus {} ({}); showing transcripts only",
            match p.status {
                PromStatus::Unreachable => "unreachable",
                _ => "error",
            },
            p.error.as_deref().unwrap_or("no reason given")
        );
    }
    Ok(snap)
}

/// Run the mode the flags ask for.
pub fn run(cli: Cli) -> Result<()> {
    let r = resolve(cli)?;
    if r.cli.quick_stats {
        let text = report::quick_stats::run(&r.dirs, r.cli.days, r.query.now, r.cli.format)?;
        print!("{text}");
        return Ok(());
    }
    if let Some(path) = &r.cli.export {
        let snap = one_shot_snapshot(&r)?;
        report::export::write_snapshot(path, &snap)?;
        eprintln!("skilltop: snapshot written to {}", path.display());
        return Ok(());
    }
    let stdout_tty = std::io::stdout().is_terminal();
    let format = match r.cli.format {
        Some(f) => Some(f),
        None if !stdout_tty => Some(Format::Table),
        None => None,
    };
    match format {
        Some(format) => {
            let snap = one_shot_snapshot(&r)?;
            let text = match format {
                Format::Json => report::json::render(&snap)?,
                Format::Table => report::table::render(&snap, r.cli.verbose),
                Format::Dashboard => {
                    let width = if stdout_tty {
                        crossterm::terminal::size().map_or(100, |(w, _)| w)
                    } else {
                        100
                    };
                    let color = stdout_tty && std::env::var_os("NO_COLOR").is_none();
                    crate::views::tui::dashboard::render(&snap, width, color, &r.query)
                }
            };
            print!("{text}");
            Ok(())
        }
        None => run_dashboard(r),
    }
}

fn run_dashboard(r: Resolved) -> Result<()> {
    let catalog = load_catalog(&r);
    let mut engine = Engine::new(r.dirs.clone());
    engine.stage_rules = r.config.stages.rules.clone();
    let store = Store::new(r.dirs.iter().map(|d| d.display().to_string()).collect());
    let mono = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || r.config.display.theme.as_deref() == Some("mono");
    let export_dir = r
        .config
        .display
        .export_dir
        .as_deref()
        .map_or_else(|| PathBuf::from("."), expand_home);
    let inputs = crate::views::tui::DashboardInputs {
        engine,
        store,
        catalog,
        query: r.query,
        project_path: r.project_path,
        fixed_now: r.fixed_now,
        prometheus: r.prometheus,
        keys: r.config.keys,
        export_dir,
        mono,
    };
    let rt = tokio::runtime::Runtime::new().wrap_err("cannot start the async runtime")?;
    rt.block_on(crate::views::tui::run(inputs))
}
