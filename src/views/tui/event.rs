//! Everything the dashboard reacts to, as one `Event`, and the one place that waits for it:
//! key presses, the frame timer, the reads done off the loop's thread, the watcher's
//! batches, the poller's answers, signals and panics. Idle, `next` sleeps: there is no
//! timer unless a frame is due.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, TryLockError};
use std::time::Duration;

use color_eyre::Result;
use color_eyre::eyre::WrapErr;
use crossterm::event::{Event as Term, EventStream, KeyEvent, KeyEventKind};
use futures::StreamExt;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

use crate::model::facts::Update;
use crate::model::prom::PromData;
use crate::model::snapshot::Diagnostic;
use crate::sources::transcripts::Engine;

use super::app::Progress;

/// Why the transcripts were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Why {
    /// The first scan at start-up.
    FirstScan,
    /// `R`: everything again.
    Rescan,
    /// The watcher's batch of changed files.
    Refresh,
}

/// A read of the transcripts, done off the loop's thread; the engine comes back with it.
pub(crate) struct Read {
    pub why: Why,
    pub engine: Box<Engine>,
    pub updates: Vec<Update>,
    pub diagnostics: Vec<Diagnostic>,
}

pub(crate) enum Event {
    Key(KeyEvent),
    Resize,
    /// The frame cap has passed and something changed: draw.
    Frame,
    /// How far the first scan got.
    Progress(Progress),
    Read(Read),
    /// The watcher saw these files change (batches waiting together are merged).
    Changed(Vec<PathBuf>),
    Prometheus(Box<PromData>),
    /// The store's answers (see `worker`); a snapshot with the time it took.
    Snapshot(Box<crate::model::snapshot::Snapshot>, std::time::Duration),
    Sessions(Vec<crate::store::SessionRow>),
    Projects(Vec<super::projects::ProjectRow>),
    /// The snapshot to export (every field, the session rows too), from the store.
    ToExport(Box<crate::model::snapshot::Snapshot>),
    /// An export written off the loop's thread: what the footer says of it.
    Exported(String),
    /// The terminal's input ended (`None`) or a terminating signal came (SIGTERM, SIGINT,
    /// SIGHUP, SIGQUIT: its number): restore the terminal and quit.
    Stop(Option<i32>),
    /// A panic in any thread or task (already reported by the hook).
    Panicked,
    /// The terminal cannot be read.
    Failed(std::io::Error),
}

/// Woken by the panic hook: a panic in any thread or task ends the dashboard.
pub(crate) fn panic_notice() -> &'static Arc<Notify> {
    static N: OnceLock<Arc<Notify>> = OnceLock::new();
    N.get_or_init(|| Arc::new(Notify::new()))
}

/// Set by the panic hook: no frame is drawn after a panic.
pub(crate) static PANICKED: AtomicBool = AtomicBool::new(false);

/// Held while a frame is written, and by the panic hook while it reports: a frame drawn
/// from another thread never writes over the report.
pub(crate) fn screen() -> &'static Mutex<()> {
    static S: OnceLock<Mutex<()>> = OnceLock::new();
    S.get_or_init(|| Mutex::new(()))
}

/// The screen for the panic hook, once the frame being written is done; none after
/// `wait` (the panic may be in that very frame, on this thread).
pub(crate) fn screen_for_report(wait: Duration) -> Option<MutexGuard<'static, ()>> {
    let deadline = std::time::Instant::now() + wait;
    loop {
        match screen().try_lock() {
            Ok(g) => return Some(g),
            Err(TryLockError::Poisoned(p)) => return Some(p.into_inner()),
            Err(TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(TryLockError::WouldBlock) => return None,
        }
    }
}

/// Every channel the loop listens to.
pub(crate) struct Events {
    terminal: EventStream,
    reads: mpsc::UnboundedReceiver<Event>,
    /// Where reads off the loop's thread send their progress and result.
    pub reads_tx: mpsc::UnboundedSender<Event>,
    watcher: mpsc::UnboundedReceiver<Vec<PathBuf>>,
    poller: mpsc::UnboundedReceiver<PromData>,
    sigterm: Signal,
    sigint: Signal,
    sighup: Signal,
    sigquit: Signal,
    panicked: Arc<Notify>,
}

impl Events {
    pub fn new(
        watcher: mpsc::UnboundedReceiver<Vec<PathBuf>>,
        poller: mpsc::UnboundedReceiver<PromData>,
    ) -> Result<Events> {
        let (reads_tx, reads) = mpsc::unbounded_channel();
        Ok(Events {
            terminal: EventStream::new(),
            reads,
            reads_tx,
            watcher,
            poller,
            sigterm: signal(SignalKind::terminate()).wrap_err("cannot listen for SIGTERM")?,
            sigint: signal(SignalKind::interrupt()).wrap_err("cannot listen for SIGINT")?,
            sighup: signal(SignalKind::hangup()).wrap_err("cannot listen for SIGHUP")?,
            sigquit: signal(SignalKind::quit()).wrap_err("cannot listen for SIGQUIT")?,
            panicked: panic_notice().clone(),
        })
    }

    /// The next event. `frame` is when the next frame is due, if one is; watcher batches
    /// wait in their channel while `engine_busy` (they are read when the engine is back).
    pub async fn next(&mut self, frame: Option<Instant>, engine_busy: bool) -> Event {
        loop {
            let ev = tokio::select! {
                _ = tokio::time::sleep_until(frame.unwrap_or_else(Instant::now)),
                    if frame.is_some() => Some(Event::Frame),
                ev = self.terminal.next() => match ev {
                    Some(Ok(Term::Key(k))) if k.kind == KeyEventKind::Press => Some(Event::Key(k)),
                    Some(Ok(Term::Resize(..))) => Some(Event::Resize),
                    Some(Ok(_)) => None,
                    Some(Err(e)) => Some(Event::Failed(e)),
                    None => Some(Event::Stop(None)),
                },
                Some(ev) = self.reads.recv() => Some(ev),
                Some(batch) = self.watcher.recv(), if !engine_busy => {
                    Some(Event::Changed(self.merge_waiting(batch)))
                }
                Some(data) = self.poller.recv() => Some(Event::Prometheus(Box::new(data))),
                _ = self.sigterm.recv() => Some(Event::Stop(Some(libc::SIGTERM))),
                _ = self.sigint.recv() => Some(Event::Stop(Some(libc::SIGINT))),
                _ = self.sighup.recv() => Some(Event::Stop(Some(libc::SIGHUP))),
                _ = self.sigquit.recv() => Some(Event::Stop(Some(libc::SIGQUIT))),
                _ = self.panicked.notified() => Some(Event::Panicked),
            };
            if let Some(ev) = ev {
                return ev;
            }
        }
    }

    /// `batch` and the batches already waiting behind it, each path once.
    fn merge_waiting(&mut self, mut batch: Vec<PathBuf>) -> Vec<PathBuf> {
        while let Ok(more) = self.watcher.try_recv() {
            batch.extend(more);
        }
        let mut seen = std::collections::HashSet::new();
        batch.retain(|p| seen.insert(p.clone()));
        batch
    }
}

/// Read the transcripts on a blocking thread; the result comes back as `Event::Read`.
pub(crate) fn read_off_thread(
    mut engine: Box<Engine>,
    why: Why,
    paths: Vec<PathBuf>,
    tx: mpsc::UnboundedSender<Event>,
) {
    tokio::task::spawn_blocking(move || {
        let (updates, diagnostics) = match why {
            Why::FirstScan => engine.scan_with_progress(|done, total| {
                let _ = tx.send(Event::Progress(Progress { done, total }));
            }),
            Why::Rescan => engine.rebuild(),
            Why::Refresh => engine.refresh(&paths),
        };
        let _ = tx.send(Event::Read(Read {
            why,
            engine,
            updates,
            diagnostics,
        }));
    });
}

/// For the end-to-end test only (`SKILLTOP_TEST_PANIC_IN_TASK`, debug builds): a task that
/// panics after half a second, to prove a panic restores the terminal and exits with an error.
#[cfg(debug_assertions)]
pub(crate) fn spawn_test_panic() {
    if std::env::var_os("SKILLTOP_TEST_PANIC_IN_TASK").is_some() {
        tokio::spawn(async {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            panic!("test panic in a background task");
        });
    }
}

#[cfg(not(debug_assertions))]
pub(crate) fn spawn_test_panic() {}
