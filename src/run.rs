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
    /// stdout was closed under us (`skilltop --format json | head -3`): nothing is printed
    /// and the exit code is 141 (128 + SIGPIPE), what a shell reports for `cat` there.
    BrokenPipe,
    /// The dashboard ended on a terminating signal (HUP, INT, QUIT, TERM) after restoring
    /// the terminal: nothing is printed and the exit code is 128 + its number, as a shell
    /// reports a program the signal killed.
    Signal(i32),
}

impl Error {
    /// The exit code of a run that stopped on a closed stdout.
    pub const BROKEN_PIPE_EXIT_CODE: i32 = 141;

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => UsageError::EXIT_CODE,
            Error::Failed(_) => 1,
            Error::BrokenPipe => Self::BROKEN_PIPE_EXIT_CODE,
            Error::Signal(n) => 128 + n,
        }
    }

    /// Whether the error ends the run without a message (a closed pipe).
    pub fn is_quiet(&self) -> bool {
        matches!(self, Error::BrokenPipe | Error::Signal(_))
    }
}

/// Write a report to stdout. A closed pipe ends the run quietly ([`Error::BrokenPipe`]);
/// `print!` would panic there.
fn emit(text: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Error::BrokenPipe),
        Err(e) => Err(Error::Failed(
            color_eyre::Report::new(e).wrap_err("cannot write the report to stdout"),
        )),
    }
}

/// A message on stderr, through the one sanitiser (control characters escaped); a closed
/// stderr is ignored (`eprintln!` would panic).
pub fn warn(line: &str) {
    use std::io::Write;
    let line = crate::model::format::terminal_safe(line);
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// What follows `skilltop: ` on stderr: the usage error's line, or the error with its
/// causes on one line.
impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Usage(u) => write!(f, "{u}"),
            Error::Failed(report) => {
                // One line: the error and its causes, no backtrace, no colours.
                let chain: Vec<String> = report
                    .chain()
                    .map(|e| {
                        e.to_string()
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect();
                f.write_str(&chain.join(": "))
            }
            Error::BrokenPipe | Error::Signal(_) => Ok(()),
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
        session_rows: true,
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
        warn(&format!(
            "skilltop: warning: Prometheus {} ({}); showing transcripts only",
            format::prom_status_word(p.status),
            p.error.as_deref().unwrap_or("no reason given")
        ));
    }
    Ok(snap)
}

/// Run the mode the flags ask for.
pub fn run(cli: Cli) -> Result<(), Error> {
    let r = resolve(cli)?;
    let s = &r.settings;
    if s.quick_stats {
        let text = report::quick_stats::run(&r.dirs, s.days, r.query.now, s.format)?;
        return emit(&text);
    }
    if let Some(path) = &s.export {
        let snap = one_shot_snapshot(&r)?;
        report::export::write_snapshot(path, &snap)?;
        warn(&format!("skilltop: snapshot written to {}", path.display()));
        return Ok(());
    }
    let stdout_tty = std::io::stdout().is_terminal();
    let format = match s.format {
        Some(f) => Some(f),
        None if !stdout_tty => Some(Format::Table),
        None => None,
    };
    let Some(format) = format else {
        return match run_dashboard(r)? {
            Some(signal) => Err(Error::Signal(signal)),
            None => Ok(()),
        };
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
    emit(&text)
}

/// `Some(n)`: the dashboard ended on signal `n`, the terminal restored.
fn run_dashboard(r: Resolved) -> color_eyre::Result<Option<i32>> {
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
