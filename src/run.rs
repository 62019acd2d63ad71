//! Wiring: from the resolved settings to a loaded store, a snapshot, and the chosen view.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use chrono::Utc;
use color_eyre::eyre::WrapErr;

use crate::model::facts::Update;
use crate::model::format;
use crate::model::snapshot::{PromStatus, Snapshot};
use crate::settings::cli::{Cli, Format};
use crate::settings::{self, ClaudeDirs, SettingsError, UsageError};
use crate::sources::catalog::Catalog;
use crate::sources::prometheus::{self, Window};
use crate::sources::transcripts::{Engine, discover};
use crate::store::{Query, Store};
use crate::views::report;
use crate::views::tui::keys::Bindings;

/// Why a run ended badly; [`Error::exit_code`] is the process's exit code.
#[derive(Debug)]
pub enum Error {
    /// A bad value the user gave: one line, exit code 2.
    Usage(UsageError),
    /// Anything else (the setup, I/O, the terminal): the error and its causes, exit code 1.
    Failed(color_eyre::Report),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => UsageError::EXIT_CODE,
            Error::Failed(_) => 1,
        }
    }
}

/// What follows `skilltop: ` on stderr: the usage error's line, or the report with its
/// causes.
impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Usage(u) => write!(f, "{u}"),
            Error::Failed(report) => write!(f, "{report:?}"),
        }
    }
}

impl From<SettingsError> for Error {
    fn from(e: SettingsError) -> Self {
        match e {
            SettingsError::Usage(u) => Error::Usage(u),
            SettingsError::Setup(s) => Error::Failed(color_eyre::Report::new(s)),
        }
    }
}

impl From<color_eyre::Report> for Error {
    fn from(e: color_eyre::Report) -> Self {
        Error::Failed(e)
    }
}

/// The settings as this run uses them: config directories found, key bindings built.
struct Resolved {
    settings: settings::Settings<Bindings>,
    /// Config directories holding `projects/`.
    dirs: Vec<PathBuf>,
    query: Query,
}

fn resolve(cli: Cli) -> Result<Resolved, SettingsError> {
    let settings = settings::resolve(cli, Bindings::new)?;
    let dirs = match &settings.claude_dirs {
        ClaudeDirs::Given(given) => discover::config_dirs(given),
        ClaudeDirs::Demo(dir) => vec![dir.clone()],
    };
    let query = Query {
        project: settings.project.clone(),
        range: settings.range.clone(),
        sessions: settings.sessions,
        timezone: settings.timezone,
        now: settings.now.unwrap_or_else(Utc::now),
        redact: settings.redact,
        all_examples: settings.verbose,
    };
    Ok(Resolved {
        settings,
        dirs,
        query,
    })
}

fn new_engine(r: &Resolved) -> Engine {
    let mut engine = Engine::new(r.dirs.clone());
    engine.stage_rules = r.settings.stage_rules.clone();
    engine
}

fn new_store(r: &Resolved) -> Store {
    let mut store = Store::new(r.dirs.iter().map(|d| d.display().to_string()).collect());
    store.prices = r.settings.prices.clone();
    store
}

/// Read every transcript once into a new store.
fn load_store(r: &Resolved) -> Store {
    let mut engine = new_engine(r);
    let mut store = new_store(r);
    let (updates, diagnostics) = engine.scan();
    for u in updates {
        store.apply(u);
    }
    store.diagnostics.extend(diagnostics);
    store
}

fn load_catalog(r: &Resolved) -> Catalog {
    Catalog::load(
        &r.dirs,
        r.settings.project_path.as_deref().map(Path::new),
        &r.settings.triggers,
    )
}

fn window(r: &Resolved) -> Window {
    Window {
        project: r.query.project.clone(),
        range: r.query.range.clone(),
        now: r.settings.now.is_some().then_some(r.query.now),
    }
}

/// Build the one-shot snapshot: transcripts, catalog, and one Prometheus query.
fn one_shot_snapshot(r: &Resolved) -> color_eyre::Result<Snapshot> {
    let mut store = load_store(r);
    let catalog = load_catalog(r);
    if let Some(settings) = &r.settings.prometheus {
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
            format::prom_status_word(p.status),
            p.error.as_deref().unwrap_or("no reason given")
        );
    }
    Ok(snap)
}

/// Run the mode the flags ask for.
pub fn run(cli: Cli) -> Result<(), Error> {
    let r = resolve(cli)?;
    let s = &r.settings;
    if s.quick_stats {
        let text = report::quick_stats::run(&r.dirs, s.days, r.query.now, s.format)?;
        print!("{text}");
        return Ok(());
    }
    if let Some(path) = &s.export {
        let snap = one_shot_snapshot(&r)?;
        report::export::write_snapshot(path, &snap)?;
        eprintln!("skilltop: snapshot written to {}", path.display());
        return Ok(());
    }
    let stdout_tty = std::io::stdout().is_terminal();
    let format = match s.format {
        Some(f) => Some(f),
        None if !stdout_tty => Some(Format::Table),
        None => None,
    };
    let Some(format) = format else {
        return Ok(run_dashboard(r)?);
    };
    let snap = one_shot_snapshot(&r)?;
    let text = match format {
        Format::Json => report::json::render(&snap)?,
        Format::Table => report::table::render(&snap, s.verbose),
        Format::Dashboard => {
            let width = if stdout_tty {
                crossterm::terminal::size().map_or(100, |(w, _)| w)
            } else {
                100
            };
            let color = stdout_tty && !s.no_color;
            crate::views::tui::dashboard::render(&snap, width, color, &r.query)
        }
    };
    print!("{text}");
    Ok(())
}

fn run_dashboard(r: Resolved) -> color_eyre::Result<()> {
    let catalog = load_catalog(&r);
    let engine = new_engine(&r);
    let store = new_store(&r);
    let s = r.settings;
    let inputs = crate::views::tui::DashboardInputs {
        engine,
        store,
        catalog,
        query: r.query,
        project_path: s.project_path,
        fixed_now: s.now.is_some(),
        prometheus: s.prometheus,
        keys: s.keys,
        export_dir: s.export_dir,
        mono: s.mono,
    };
    let rt = tokio::runtime::Runtime::new().wrap_err("cannot start the async runtime")?;
    rt.block_on(crate::views::tui::run(inputs))
}
