//! The live dashboard: one tokio loop over key presses, the watcher's changes, the poller's
//! results, the first scan's progress and signals. It redraws only when something changed,
//! at most ~30 times a second; idle, it sleeps.

pub mod app;
pub mod dashboard;
pub mod keys;
pub mod ui;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use color_eyre::Result;
use color_eyre::eyre::{WrapErr, eyre};
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

use crate::model::facts::Update;
use crate::model::prom::PromData;
use crate::model::snapshot::Diagnostic;
use crate::sources::prometheus::Window;
use crate::sources::transcripts::Engine;

use app::{App, Effect, Progress};

/// At most ~30 frames a second: changes closer together share a frame.
const FRAME: Duration = Duration::from_millis(33);

pub struct DashboardInputs {
    pub engine: crate::sources::transcripts::Engine,
    pub store: crate::store::Store,
    pub catalog: crate::sources::catalog::Catalog,
    pub query: crate::store::Query,
    pub project_path: Option<String>,
    pub fixed_now: bool,
    pub prometheus: Option<crate::sources::prometheus::Settings>,
    pub keys: keys::Bindings,
    pub export_dir: std::path::PathBuf,
    pub mono: bool,
}

enum ScanMsg {
    Progress(usize, usize),
    Done(Box<Engine>, Vec<Update>, Vec<Diagnostic>),
}

/// Woken by the panic hook: a panic in any thread or task ends the dashboard.
fn panic_notice() -> &'static Arc<Notify> {
    static N: OnceLock<Arc<Notify>> = OnceLock::new();
    N.get_or_init(|| Arc::new(Notify::new()))
}

pub async fn run(inputs: DashboardInputs) -> Result<()> {
    let keys = inputs.keys.clone();
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            ratatui::restore();
            return Err(e).wrap_err("cannot set up the terminal");
        }
    };
    // ratatui's hook restores the terminal and then runs color-eyre's; this one also tells
    // the loop, so a panic in a background task does not leave a dead dashboard on screen.
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        panic_notice().notify_one();
        prev(info);
    }));
    let result = event_loop(&mut terminal, inputs, keys).await;
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    inputs: DashboardInputs,
    keys: keys::Bindings,
) -> Result<()> {
    let DashboardInputs {
        engine,
        mut store,
        catalog,
        query,
        project_path,
        fixed_now,
        prometheus,
        export_dir,
        mono,
        ..
    } = inputs;
    let theme = ui::Theme { mono };
    let mut app = App::new(query, project_path);
    app.progress = Some(Progress { done: 0, total: 0 });

    // The watcher starts before the first scan: what changes meanwhile waits in the channel.
    let (watch_tx, mut watch_rx) = mpsc::unbounded_channel::<Vec<PathBuf>>();
    let _watcher = match crate::sources::transcripts::watch::spawn(engine.dirs.clone(), watch_tx) {
        Ok(w) => {
            if w.polling {
                app.watch_note = Some("polling for changes".into());
            }
            Some(w)
        }
        Err(e) => {
            app.watch_note = Some(format!("not watching: {e:#}"));
            None
        }
    };

    let (scan_tx, mut scan_rx) = mpsc::unbounded_channel();
    let mut engine_slot: Option<Box<Engine>> = None;
    {
        let mut engine = Box::new(engine);
        tokio::task::spawn_blocking(move || {
            let tx = scan_tx.clone();
            let (updates, diags) = engine.scan_with_progress(|done, total| {
                let _ = tx.send(ScanMsg::Progress(done, total));
            });
            let _ = scan_tx.send(ScanMsg::Done(engine, updates, diags));
        });
    }

    let (prom_tx, mut prom_rx) = mpsc::unbounded_channel::<PromData>();
    let window = |app: &App| Window {
        project: app.query.project.clone(),
        range: app.query.range.clone(),
        now: fixed_now.then_some(app.query.now),
    };
    let (window_tx, window_rx) = tokio::sync::watch::channel(window(&app));
    let _poller =
        prometheus.map(|s| crate::sources::prometheus::spawn_poller(s, window_rx, prom_tx));
    app.prom_waiting = _poller.is_some();

    // Lets the end-to-end test prove that a panic in a background task restores the
    // terminal and ends the program with an error.
    if std::env::var_os("SKILLTOP_TEST_PANIC_IN_TASK").is_some() {
        tokio::spawn(async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            panic!("test panic in a background task");
        });
    }

    let mut sigterm = signal(SignalKind::terminate()).wrap_err("cannot listen for SIGTERM")?;
    let mut sigint = signal(SignalKind::interrupt()).wrap_err("cannot listen for SIGINT")?;
    let mut events = EventStream::new();
    let panicked = panic_notice().clone();

    let mut dirty = true;
    let mut stale = true;
    let mut next_frame = Instant::now();
    loop {
        if dirty && Instant::now() >= next_frame {
            if stale {
                if !fixed_now {
                    app.query.now = chrono::Utc::now();
                }
                app.set_snapshot(store.snapshot(&app.query, &catalog));
                stale = false;
            }
            terminal
                .draw(|f| ui::draw(f, &app, &keys, theme))
                .wrap_err("cannot draw")?;
            dirty = false;
            next_frame = Instant::now() + FRAME;
        }
        let frame_due = dirty;
        tokio::select! {
            _ = tokio::time::sleep_until(next_frame), if frame_due => {}
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind == KeyEventKind::Press => {
                    let effect = if app.filter_editing {
                        app.filter_input(k)
                    } else {
                        match keys.action(&k) {
                            Some(a) => {
                                app.status = None;
                                app.handle(a)
                            }
                            None => Effect::None,
                        }
                    };
                    match effect {
                        Effect::None => {}
                        Effect::Redraw => dirty = true,
                        Effect::Recompute => {
                            stale = true;
                            dirty = true;
                            window_tx.send_replace(window(&app));
                        }
                        Effect::Export => {
                            app.status = Some(export(&app, &export_dir));
                            dirty = true;
                        }
                        Effect::Rescan => {
                            if let Some(engine) = engine_slot.as_mut() {
                                let (updates, diags) = engine.scan();
                                updates.into_iter().for_each(|u| store.apply(u));
                                store.diagnostics = diags;
                                app.status = Some("re-read the transcripts".into());
                            }
                            window_tx.send_replace(window(&app));
                            stale = true;
                            dirty = true;
                        }
                        Effect::Quit => return Ok(()),
                    }
                }
                Some(Ok(Event::Resize(..))) => dirty = true,
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e).wrap_err("cannot read the terminal"),
                None => return Ok(()),
            },
            Some(msg) = scan_rx.recv() => match msg {
                ScanMsg::Progress(done, total) => {
                    app.progress = Some(Progress { done, total });
                    dirty = true;
                }
                ScanMsg::Done(engine, updates, diags) => {
                    updates.into_iter().for_each(|u| store.apply(u));
                    store.diagnostics.extend(diags);
                    engine_slot = Some(engine);
                    app.progress = None;
                    stale = true;
                    dirty = true;
                }
            },
            Some(batch) = watch_rx.recv(), if engine_slot.is_some() => {
                if let Some(engine) = engine_slot.as_mut() {
                    let (updates, diags) = engine.refresh(&batch);
                    if !updates.is_empty() {
                        app.last_change = Some(chrono::Local::now().format("%H:%M:%S").to_string());
                        stale = true;
                        dirty = true;
                    }
                    updates.into_iter().for_each(|u| store.apply(u));
                    store.diagnostics.extend(diags);
                }
            }
            Some(data) = prom_rx.recv() => {
                app.prom_waiting = false;
                store.apply(Update::Prometheus(data));
                stale = true;
                dirty = true;
            }
            _ = sigterm.recv() => return Ok(()),
            _ = sigint.recv() => return Ok(()),
            _ = panicked.notified() => return Err(eyre!("skilltop stopped after a panic (reported above)")),
        }
    }
}

/// Write what is on screen; the footer says where, or why not.
fn export(app: &App, dir: &std::path::Path) -> String {
    let path = crate::views::report::export::timestamped_path(dir, chrono::Utc::now());
    match crate::views::report::export::write_snapshot(&path, &app.snapshot) {
        Ok(()) => format!("exported to {}", path.display()),
        Err(e) => format!("export failed, nothing written: {e:#}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> App {
        let query = crate::store::Query {
            project: None,
            range: crate::model::range::RangeSpec::days(7),
            sessions: None,
            timezone: chrono_tz::UTC,
            now: chrono::Utc::now(),
            redact: false,
        };
        App::new(query, None)
    }

    #[test]
    fn export_writes_the_snapshot_or_says_why_not() {
        let dir = tempfile::tempdir().unwrap();
        let msg = export(&app(), dir.path());
        assert!(msg.starts_with("exported to "), "{msg}");
        let written: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(written.len(), 1);
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(written[0].path()).unwrap()).unwrap();
        assert!(v.get("totals").is_some());

        let missing = dir.path().join("no/such/dir");
        let msg = export(&app(), &missing);
        assert!(msg.starts_with("export failed, nothing written:"), "{msg}");
        assert!(!missing.exists());
    }
}
