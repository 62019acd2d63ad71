//! The live dashboard: one tokio loop, "event → update → draw when dirty". Every source
//! (keys, the watcher's changes, the poller's results, the reads of the transcripts, the
//! store's answers, signals, panics) arrives as one `event::Event`; reading files and
//! computing snapshots happen off the loop's thread (`worker`), so keys stay answered. It redraws only when something changed, at
//! most ~30 times a second; idle, it sleeps.

pub mod app;
pub mod cost;
pub mod dashboard;
mod details;
mod event;
mod footer;
mod header;
mod help;
pub mod keys;
mod panes;
pub mod projects;
mod theme;
pub mod ui;
mod worker;

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

use color_eyre::Result;
use color_eyre::eyre::{WrapErr, eyre};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::model::facts::Update;
use crate::model::prom::PromData;
use crate::sources::prometheus::Window;
use crate::sources::transcripts::Engine;

use app::{App, Effect, Progress};
use event::{Event, Events, Read, Why, panic_notice, read_off_thread};
use worker::{Job, Worker};

/// At most ~30 frames a second: changes closer together share a frame.
const FRAME: Duration = Duration::from_millis(33);

pub(crate) struct DashboardInputs {
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

/// Run the dashboard until it quits; `Ok(Some(n))`: it ended on signal `n` (the terminal
/// restored), and the process should exit with `128 + n`.
pub(crate) async fn run(inputs: DashboardInputs) -> Result<Option<i32>> {
    let keys = inputs.keys.clone();
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            ratatui::restore();
            return Err(e).wrap_err("cannot set up the terminal");
        }
    };
    // ratatui's hook restores the terminal and then runs color-eyre's; this one first stops
    // the frames (and waits for one being written), and then tells the loop, so a panic in
    // a background task neither leaves a dead dashboard on screen nor is drawn over.
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        event::PANICKED.store(true, Ordering::SeqCst);
        let screen = event::screen_for_report(Duration::from_millis(200));
        prev(info);
        drop(screen);
        panic_notice().notify_one();
    }));
    let result = event_loop(&mut terminal, inputs, keys).await;
    ratatui::restore();
    result
}

/// Where the transcript engine is: reading (on a blocking thread) or waiting for work.
enum EngineState {
    /// Reading; `rescan` is an `R` pressed meanwhile, done when the engine is back.
    Busy {
        rescan: bool,
    },
    Idle(Box<Engine>),
}

/// Whether the loop goes on.
enum Flow {
    Continue,
    Quit,
    /// A terminating signal (its number).
    Signal(i32),
}

/// The dashboard's state besides `App`: the data, the engine, and what must be redrawn.
struct Dashboard {
    app: App,
    /// The store, on its own thread.
    worker: Worker,
    keys: keys::Bindings,
    theme: ui::Theme,
    fixed_now: bool,
    export_dir: PathBuf,
    engine: EngineState,
    /// The first scan has not finished: `R` does nothing yet.
    first_scan: bool,
    window_tx: tokio::sync::watch::Sender<Window>,
    reads_tx: mpsc::UnboundedSender<Event>,
    /// Something on screen changed: draw at the next frame.
    dirty: bool,
    /// The data or the query changed: ask for a new snapshot.
    stale: bool,
    /// A snapshot is being computed: the next is asked for when it is back, so changes
    /// meanwhile are one batch and at most one computation runs.
    computing: bool,
    /// A key changed the query: the next snapshot is not held back by `pace`.
    urgent: bool,
    /// After a slow snapshot (a long range over a large history), one for new data waits
    /// until then: rebuilds then take at most a quarter of a core, however fast lines come.
    pace: Instant,
    next_frame: Instant,
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    inputs: DashboardInputs,
    keys: keys::Bindings,
) -> Result<Option<i32>> {
    let DashboardInputs {
        engine,
        store,
        catalog,
        query,
        project_path,
        fixed_now,
        prometheus,
        export_dir,
        mono,
        ..
    } = inputs;
    let mut app = App::new(query, project_path);
    app.progress = Some(Progress { done: 0, total: 0 });
    if let Some(k) = keys.keys_of(keys::Action::Range).into_iter().next() {
        app.range_key = k;
    }
    if let Some(k) = keys.keys_of(keys::Action::Projects).into_iter().next() {
        app.projects_key = k;
    }

    // The watcher starts before the first scan: what changes meanwhile waits in the channel.
    let (watch_tx, watch_rx) = mpsc::unbounded_channel::<Vec<PathBuf>>();
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

    let (prom_tx, prom_rx) = mpsc::unbounded_channel::<PromData>();
    let (window_tx, window_rx) = tokio::sync::watch::channel(window(&app, fixed_now));
    let _poller =
        prometheus.map(|s| crate::sources::prometheus::spawn_poller(s, window_rx, prom_tx));
    app.prom_waiting = _poller.is_some();

    let mut events = Events::new(watch_rx, prom_rx)?;
    read_off_thread(
        Box::new(engine),
        Why::FirstScan,
        Vec::new(),
        events.reads_tx.clone(),
    );
    event::spawn_test_panic();

    let mut d = Dashboard {
        app,
        worker: Worker::spawn(store, catalog, events.reads_tx.clone()),
        keys,
        theme: ui::Theme { mono },
        fixed_now,
        export_dir,
        engine: EngineState::Busy { rescan: false },
        first_scan: true,
        window_tx,
        reads_tx: events.reads_tx.clone(),
        dirty: true,
        stale: true,
        computing: false,
        urgent: false,
        pace: Instant::now(),
        next_frame: Instant::now(),
    };
    loop {
        // Wake for the next frame when something is to be drawn, and when the pace lets a
        // held-back snapshot be asked for.
        let frame = [
            d.dirty.then_some(d.next_frame),
            (d.stale && !d.computing).then_some(d.pace),
        ]
        .into_iter()
        .flatten()
        .min();
        let busy = matches!(d.engine, EngineState::Busy { .. });
        let ev = events.next(frame, busy).await;
        match d.update(ev)? {
            Flow::Continue => {}
            Flow::Quit => return Ok(None),
            Flow::Signal(n) => return Ok(Some(n)),
        }
        d.ask_snapshot();
        if d.dirty && Instant::now() >= d.next_frame {
            d.draw(terminal)?;
        }
    }
}

/// What the poller asks Prometheus about: the dashboard's project and range.
fn window(app: &App, fixed_now: bool) -> Window {
    Window {
        project: app.query.project.clone(),
        range: app.query.range.clone(),
        now: fixed_now.then_some(app.query.now),
    }
}

impl Dashboard {
    fn draw(&mut self, terminal: &mut ratatui::DefaultTerminal) -> Result<()> {
        let (app, keys, theme) = (&self.app, &self.keys, self.theme);
        let screen = event::screen().lock().unwrap_or_else(|e| e.into_inner());
        if event::PANICKED.load(Ordering::SeqCst) {
            return Ok(());
        }
        terminal
            .draw(|f| ui::draw(f, app, keys, theme))
            .wrap_err("cannot draw")?;
        drop(screen);
        self.dirty = false;
        self.next_frame = Instant::now() + FRAME;
        Ok(())
    }

    /// A new snapshot when the data or the query changed, unless one is being computed (then
    /// when it is back). Until it comes the screen shows the last one.
    fn ask_snapshot(&mut self) {
        if self.stale && !self.computing && (self.urgent || Instant::now() >= self.pace) {
            if !self.fixed_now {
                self.app.query.now = chrono::Utc::now();
            }
            // The screen shows no session's own cost row: not made (an export asks for them).
            let query = crate::store::Query {
                session_rows: false,
                ..self.app.query.clone()
            };
            self.worker.send(Job::Snapshot(query));
            self.stale = false;
            self.urgent = false;
            self.computing = true;
        }
    }

    /// The data changed: recompute and redraw.
    fn changed(&mut self) {
        self.stale = true;
        self.dirty = true;
    }

    fn update(&mut self, ev: Event) -> Result<Flow> {
        match ev {
            Event::Key(k) => return Ok(self.key(k)),
            // Drawn below, in the loop: the frame only had to be waited for.
            Event::Frame => {}
            Event::Resize => self.dirty = true,
            Event::Progress(p) => {
                self.app.progress = Some(p);
                self.dirty = true;
            }
            Event::Read(read) => self.read(read),
            Event::Changed(paths) => {
                if let Some(engine) = self.take_engine() {
                    read_off_thread(engine, Why::Refresh, paths, self.reads_tx.clone());
                }
            }
            Event::ToExport(snapshot) => {
                // Written on a blocking thread: a slow or stuck disk never holds the keys.
                let dir = self.export_dir.clone();
                let tx = self.reads_tx.clone();
                tokio::task::spawn_blocking(move || {
                    let _ = tx.send(Event::Exported(export(&snapshot, &dir)));
                });
            }
            Event::Exported(message) => {
                self.app.status = Some(message);
                self.dirty = true;
            }
            Event::Prometheus(data) => {
                self.app.prom_waiting = false;
                self.worker.send(Job::Apply {
                    updates: vec![Update::Prometheus(*data)],
                    diagnostics: Vec::new(),
                    fresh: false,
                });
                self.changed();
            }
            Event::Snapshot(snap, took) => {
                self.app.set_snapshot(*snap);
                self.computing = false;
                self.dirty = true;
                if took > FRAME {
                    self.pace = Instant::now() + took * 3;
                }
            }
            Event::Sessions(rows) => {
                self.app.item_sessions = rows;
                self.dirty = true;
            }
            Event::Projects(rows) => {
                self.app.projects = rows;
                self.app.projects_pending = false;
                self.dirty = true;
            }
            Event::Stop(None) => return Ok(Flow::Quit),
            Event::Stop(Some(n)) => return Ok(Flow::Signal(n)),
            Event::Panicked => {
                return Err(eyre!("skilltop stopped after a panic (reported above)"));
            }
            Event::Failed(e) => return Err(e).wrap_err("cannot read the terminal"),
        }
        Ok(Flow::Continue)
    }

    fn key(&mut self, k: crossterm::event::KeyEvent) -> Flow {
        let app = &mut self.app;
        let ctrl_c = k.code == crossterm::event::KeyCode::Char('c')
            && k.modifiers
                .contains(crossterm::event::KeyModifiers::CONTROL);
        let effect = if app.filter_editing {
            app.filter_input(k)
        } else if ctrl_c {
            // Whatever is open (the cost view closes on `q`): Ctrl-C quits.
            Effect::Quit
        } else if app.overlay == app::Overlay::Help && !ctrl_c {
            // The help says any key closes it: bound or not, the key does only that.
            app.overlay = app::Overlay::None;
            Effect::Redraw
        } else {
            match self.keys.action(&k) {
                Some(a) => {
                    app.status = None;
                    app.handle(a)
                }
                None => Effect::None,
            }
        };
        match effect {
            Effect::None => {}
            Effect::Redraw => self.dirty = true,
            Effect::Recompute => {
                self.changed();
                self.urgent = true;
                self.window_tx
                    .send_replace(window(&self.app, self.fixed_now));
            }
            Effect::Export => {
                // The store makes the whole snapshot of what is on screen (its clock too).
                let query = crate::store::Query {
                    session_rows: true,
                    ..self.app.query.clone()
                };
                self.worker.send(Job::Export(query));
                self.app.status = Some("exporting…".into());
                self.dirty = true;
            }
            Effect::Rescan => {
                self.urgent = true;
                self.rescan();
                self.window_tx
                    .send_replace(window(&self.app, self.fixed_now));
                self.changed();
            }
            Effect::Sessions => {
                let sel = self.app.selected(self.app.focus);
                let skill = self.app.focus == app::Pane::Skills;
                let rows = if skill {
                    panes::skills::rows(&self.app)
                } else {
                    panes::agents::rows(&self.app)
                };
                let name = rows.get(sel).map(|it| it.name.clone());
                // Another item's sessions are not shown meanwhile.
                self.app.item_sessions.clear();
                if let Some(name) = name {
                    self.worker.send(Job::Sessions {
                        query: self.app.query.clone(),
                        skill,
                        name,
                    });
                }
                self.dirty = true;
            }
            Effect::Projects => {
                self.worker.send(Job::Projects(self.app.query.clone()));
                self.app.projects_pending = true;
                self.dirty = true;
            }
            Effect::Quit => return Flow::Quit,
        }
        Flow::Continue
    }

    /// `R`: read everything again, now or as soon as the engine is back.
    fn rescan(&mut self) {
        if self.first_scan {
            return;
        }
        match self.take_engine() {
            Some(engine) => read_off_thread(engine, Why::Rescan, Vec::new(), self.reads_tx.clone()),
            None => self.engine = EngineState::Busy { rescan: true },
        }
    }

    /// The engine, when it is not reading; it is then marked busy until its read is back.
    fn take_engine(&mut self) -> Option<Box<Engine>> {
        match std::mem::replace(&mut self.engine, EngineState::Busy { rescan: false }) {
            EngineState::Idle(engine) => Some(engine),
            busy => {
                self.engine = busy;
                None
            }
        }
    }

    /// A read came back: apply it and take the engine back (or start the waiting rescan).
    fn read(&mut self, read: Read) {
        let Read {
            why,
            engine,
            updates,
            diagnostics,
        } = read;
        let refreshed = !updates.is_empty();
        self.worker.send(Job::Apply {
            updates,
            diagnostics,
            fresh: why == Why::Rescan,
        });
        match why {
            Why::FirstScan => {
                self.first_scan = false;
                self.app.progress = None;
                self.changed();
            }
            Why::Rescan => {
                self.app.status = Some("re-read the transcripts".into());
                self.changed();
            }
            Why::Refresh => {
                if refreshed {
                    self.app.last_change =
                        Some(chrono::Local::now().format("%H:%M:%S").to_string());
                    // Drawn with the snapshot it asks for: a frame before it would show
                    // only the time (a frame costs as much as the snapshot, per line).
                    self.stale = true;
                }
            }
        }
        let rescan = matches!(self.engine, EngineState::Busy { rescan: true });
        self.engine = EngineState::Idle(engine);
        if rescan {
            self.rescan();
        }
    }
}

/// Write what is on screen; the footer says where, or why not.
fn export(snapshot: &crate::model::snapshot::Snapshot, dir: &std::path::Path) -> String {
    let path = crate::views::report::export::timestamped_path(dir, chrono::Utc::now());
    match crate::views::report::export::write_snapshot(&path, snapshot) {
        Ok(()) => format!("exported to {}", path.display()),
        Err(e) => format!("export failed, nothing written: {e:#}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::snapshot::Diagnostic;

    fn app() -> App {
        let query = crate::store::Query {
            project: None,
            range: crate::model::range::RangeSpec::days(7),
            sessions: None,
            timezone: chrono_tz::UTC,
            now: chrono::Utc::now(),
            redact: false,
            all_examples: false,
            session_rows: true,
        };
        App::new(query, None)
    }

    fn dashboard() -> (Dashboard, mpsc::UnboundedReceiver<Event>) {
        let (reads_tx, reads_rx) = mpsc::unbounded_channel();
        let app = app();
        let (window_tx, _) = tokio::sync::watch::channel(window(&app, true));
        let worker = Worker::spawn(
            crate::store::Store::new(vec![]),
            crate::sources::catalog::Catalog::default(),
            reads_tx.clone(),
        );
        let d = Dashboard {
            app,
            worker,
            keys: keys::Bindings::new(&Default::default()).unwrap(),
            theme: ui::Theme { mono: true },
            fixed_now: true,
            export_dir: PathBuf::from("."),
            engine: EngineState::Busy { rescan: false },
            first_scan: true,
            window_tx,
            reads_tx,
            dirty: false,
            stale: false,
            computing: false,
            urgent: false,
            pace: Instant::now(),
            next_frame: Instant::now(),
        };
        (d, reads_rx)
    }

    fn key(c: char) -> Event {
        Event::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char(c),
        ))
    }

    #[test]
    fn any_key_closes_the_help_and_does_nothing_else() {
        let (mut d, _reads) = dashboard();
        for c in ['x', 'r', 'q', '2', '/'] {
            d.app.overlay = app::Overlay::Help;
            assert!(matches!(d.update(key(c)).unwrap(), Flow::Continue), "{c}");
            assert_eq!(d.app.overlay, app::Overlay::None, "{c} closes the help");
        }
        assert_eq!(d.app.query.range.label, "7d", "r was not acted on");
        assert_eq!(d.app.focus, app::Pane::Skills);
        assert!(!d.app.filter_editing);
        // Ctrl-C still quits (raw mode turns it into a key).
        d.app.overlay = app::Overlay::Help;
        let ctrl_c = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('c'),
            crossterm::event::KeyModifiers::CONTROL,
        );
        assert!(matches!(d.update(Event::Key(ctrl_c)).unwrap(), Flow::Quit));
    }

    #[test]
    fn c_opens_the_cost_view_and_esc_q_or_c_close_it_while_ctrl_c_quits() {
        let (mut d, _reads) = dashboard();
        let esc = Event::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Esc,
        ));
        for close in [esc, key('q'), key('c')] {
            assert!(matches!(d.update(key('c')).unwrap(), Flow::Continue));
            assert_eq!(d.app.overlay, app::Overlay::Cost);
            assert!(d.dirty, "redrawn");
            assert!(matches!(d.update(close).unwrap(), Flow::Continue));
            assert_eq!(d.app.overlay, app::Overlay::None);
        }
        // The range key acts and keeps the view open (its empty state points at it).
        d.update(key('c')).unwrap();
        d.update(key('r')).unwrap();
        assert_eq!(d.app.query.range.label, "14d");
        assert_eq!(d.app.overlay, app::Overlay::Cost);
        assert!(d.stale, "the snapshot is recomputed");
        // A pane's key closes the view and goes there.
        d.update(key('3')).unwrap();
        assert_eq!(d.app.overlay, app::Overlay::None);
        assert_eq!(d.app.focus, app::Pane::Stages);
        d.update(key('c')).unwrap();
        let ctrl_c = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('c'),
            crossterm::event::KeyModifiers::CONTROL,
        );
        assert!(matches!(d.update(Event::Key(ctrl_c)).unwrap(), Flow::Quit));
    }

    fn read(why: Why, diagnostics: Vec<Diagnostic>) -> Event {
        Event::Read(Read {
            why,
            engine: Box::new(Engine::new(vec![])),
            updates: vec![],
            diagnostics,
        })
    }

    #[test]
    fn a_refresh_is_drawn_with_its_snapshot_not_before() {
        let (mut d, _reads) = dashboard();
        d.dirty = false;
        d.stale = false;
        d.update(Event::Read(Read {
            why: Why::Refresh,
            engine: Box::new(Engine::new(vec![])),
            updates: vec![Update::Removed("/x.jsonl".into())],
            diagnostics: vec![],
        }))
        .unwrap();
        assert!(d.stale, "a snapshot is asked for");
        assert!(!d.dirty, "nothing to draw before it comes");
        assert!(d.app.last_change.is_some());
        d.computing = true;
        d.update(Event::Snapshot(Box::default(), Duration::ZERO))
            .unwrap();
        assert!(d.dirty && !d.computing, "drawn when it comes");
    }

    #[tokio::test]
    async fn refreshes_keep_each_diagnostic_once_and_an_r_waits_for_the_engine() {
        let (mut d, mut reads) = dashboard();
        let diag = Diagnostic {
            source: crate::model::snapshot::DiagnosticSource::Transcripts,
            path: Some("/x.jsonl".into()),
            message: "1 line skipped".into(),
        };
        d.update(read(Why::FirstScan, vec![diag.clone()])).unwrap();
        assert!(d.app.progress.is_none() && d.stale && d.dirty);
        assert!(matches!(d.engine, EngineState::Idle(_)));
        for _ in 0..3 {
            d.update(Event::Changed(vec![])).unwrap();
            assert!(matches!(d.engine, EngineState::Busy { rescan: false }));
            // The refresh runs on a blocking thread and comes back as an event.
            let Some(Event::Read(r)) = reads.recv().await else {
                panic!("no read came back")
            };
            assert_eq!(r.why, Why::Refresh);
            d.update(read(Why::Refresh, vec![diag.clone()])).unwrap();
        }
        assert_eq!(
            snapshot(&mut d, &mut reads).await.diagnostics,
            vec![diag.clone()]
        );

        // `R` while a refresh runs: done when the engine is back.
        d.engine = EngineState::Busy { rescan: false };
        let r = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('R'),
            crossterm::event::KeyModifiers::SHIFT,
        );
        d.update(Event::Key(r)).unwrap();
        assert!(matches!(d.engine, EngineState::Busy { rescan: true }));
        d.update(read(Why::Refresh, vec![])).unwrap();
        assert!(matches!(d.engine, EngineState::Busy { rescan: false }));
        let Some(Event::Read(r)) = reads.recv().await else {
            panic!("no rescan came back")
        };
        assert_eq!(r.why, Why::Rescan);
        d.update(Event::Read(r)).unwrap();
        assert_eq!(d.app.status.as_deref(), Some("re-read the transcripts"));
        assert!(
            !snapshot(&mut d, &mut reads)
                .await
                .diagnostics
                .contains(&diag),
            "a rescan starts them afresh"
        );
    }

    /// Asks the store's thread for a snapshot and takes it (what a frame does).
    async fn snapshot(
        d: &mut Dashboard,
        events: &mut mpsc::UnboundedReceiver<Event>,
    ) -> crate::model::snapshot::Snapshot {
        d.stale = true;
        d.ask_snapshot();
        let (s, took) = next(events, |e| match e {
            Event::Snapshot(s, took) => Some((s, took)),
            _ => None,
        })
        .await;
        d.update(Event::Snapshot(s.clone(), took)).unwrap();
        *s
    }

    /// The next event `pick` takes, the others (reads, progress) passed over.
    async fn next<T>(
        events: &mut mpsc::UnboundedReceiver<Event>,
        pick: impl Fn(Event) -> Option<T>,
    ) -> T {
        loop {
            match events.recv().await {
                Some(e) => {
                    if let Some(t) = pick(e) {
                        return t;
                    }
                }
                None => panic!("the store's thread is gone"),
            }
        }
    }

    /// After a slow snapshot new data waits three times as long, a key does not.
    #[tokio::test]
    async fn new_data_after_a_slow_snapshot_waits_a_key_does_not() {
        let (mut d, _events) = dashboard();
        d.computing = true;
        let slow = Box::new(crate::model::snapshot::Snapshot::default());
        d.update(Event::Snapshot(slow, Duration::from_millis(400)))
            .unwrap();
        assert!(d.pace >= Instant::now() + Duration::from_millis(1100));
        d.changed();
        d.ask_snapshot();
        assert!(d.stale && !d.computing, "held back");
        d.update(key('r')).unwrap();
        d.ask_snapshot();
        assert!(!d.stale && d.computing, "a key is answered at once");
    }

    /// The projects view opens at once and says its rows are coming, then shows them.
    #[tokio::test]
    async fn the_projects_view_says_it_is_reading_until_its_rows_come() {
        let (mut d, mut events) = dashboard();
        d.worker.send(Job::Apply {
            updates: vec![call_file(1)],
            diagnostics: vec![],
            fresh: false,
        });
        d.update(key('P')).unwrap();
        assert!(d.app.projects_pending);
        let text = |d: &Dashboard| {
            let buf = dashboard::frame(&d.app, 80, 24, ui::Theme { mono: true });
            buf.content().iter().map(|c| c.symbol()).collect::<String>()
        };
        assert!(text(&d).contains("reading the projects…"), "{}", text(&d));
        let rows = next(&mut events, |e| match e {
            Event::Projects(rows) => Some(rows),
            _ => None,
        })
        .await;
        d.update(Event::Projects(rows)).unwrap();
        assert!(!d.app.projects_pending);
        assert!(!text(&d).contains("reading the projects…"), "{}", text(&d));
    }

    fn call_file(n: usize) -> Update {
        let mut facts = crate::model::facts::FileFacts::default();
        facts.calls.push(crate::model::facts::ToolCall {
            id: format!("t{n}"),
            name: "Bash".into(),
            kind: crate::model::facts::CallKind::Plain,
            session: "s".into(),
            ts: chrono::Utc::now().timestamp_millis() - 1000,
            stage: None,
            sidechain: false,
            skill: None,
        });
        facts.sessions.insert(
            "s".into(),
            crate::model::facts::SessionSeen {
                first_ts: 0,
                last_ts: chrono::Utc::now().timestamp_millis(),
                cwd: None,
                sidechain_cwd: None,
            },
        );
        Update::File {
            path: PathBuf::from(format!("/f{n}.jsonl")),
            facts,
            replace: false,
        }
    }

    /// Changes while a snapshot is computed wait for it; then they are one batch and one
    /// new snapshot; keys are handled meanwhile.
    #[tokio::test]
    async fn one_snapshot_at_a_time_and_changes_meanwhile_are_one_batch() {
        let (mut d, mut events) = dashboard();
        d.changed();
        d.ask_snapshot();
        assert!(d.computing && !d.stale);
        for n in 0..500 {
            d.update(read(Why::Refresh, vec![])).unwrap();
            d.worker.send(Job::Apply {
                updates: vec![call_file(n)],
                diagnostics: vec![],
                fresh: false,
            });
            d.changed();
            d.ask_snapshot();
        }
        assert!(
            d.computing && d.stale,
            "no second snapshot asked for meanwhile"
        );
        // A key is answered at once, whatever the store's thread is doing.
        d.update(key('2')).unwrap();
        assert_eq!(d.app.focus, app::Pane::Agents);

        let mut snapshots = 0;
        let mut last = None;
        while d.computing || d.stale {
            let s = next(&mut events, |e| match e {
                Event::Snapshot(s, _) => Some(s),
                _ => None,
            })
            .await;
            snapshots += 1;
            last = Some(s.totals.tool_calls);
            // As if it had been quick: no pace.
            d.update(Event::Snapshot(s, Duration::ZERO)).unwrap();
            d.ask_snapshot();
        }
        assert_eq!(snapshots, 2, "the first, then one for all 500 changes");
        assert_eq!(last, Some(500));
    }

    #[test]
    fn export_writes_the_snapshot_or_says_why_not() {
        let dir = tempfile::tempdir().unwrap();
        let msg = export(&app().snapshot, dir.path());
        assert!(msg.starts_with("exported to "), "{msg}");
        let written: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(written.len(), 1);
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(written[0].path()).unwrap()).unwrap();
        assert!(v.get("totals").is_some());

        let missing = dir.path().join("no/such/dir");
        let msg = export(&app().snapshot, &missing);
        assert!(msg.starts_with("export failed, nothing written:"), "{msg}");
        assert!(!missing.exists());
    }
}
