//! `cargo bench --bench frame`: the cost of one dashboard frame at 200×60 (draw every pane
//! into ratatui's buffer, diff, flush to an off-screen backend), over the demo data and,
//! when present, over `../shared/realdata`. Also the cost of recomputing the snapshot from
//! the store (what `r`/`p` and every watcher batch pay before a frame). Target: < 2 ms a
//! frame (p99).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use skilltop::model::range::{RangeSpec, parse_range};
use skilltop::sources::catalog::Catalog;
use skilltop::sources::transcripts::Engine;
use skilltop::store::{Query, Store};
use skilltop::views::tui::app::{App, Overlay, Pane};
use skilltop::views::tui::keys::Bindings;
use skilltop::views::tui::ui::{self, Theme};

#[path = "stats.rs"]
mod stats;
use stats::stats;

const FRAMES: usize = 2000;

fn load(home: &Path, now: DateTime<Utc>) -> (Store, Catalog, Query) {
    let mut engine = Engine::new(vec![home.to_path_buf()]);
    let mut store = Store::new(vec![home.display().to_string()]);
    let (updates, _) = engine.scan();
    updates.into_iter().for_each(|u| store.apply(u));
    let catalog = Catalog::load(&[home.to_path_buf()], None, &BTreeMap::new());
    let query = Query {
        project: None,
        range: parse_range("all").unwrap_or_else(|_| RangeSpec::days(30)),
        sessions: None,
        timezone: chrono_tz::UTC,
        now,
        redact: false,
        all_examples: false,
        session_rows: false,
    };
    (store, catalog, query)
}

fn bench(label: &str, home: &Path, now: DateTime<Utc>) {
    let (store, catalog, query) = load(home, now);
    let mut app = App::new(query, None);

    let mut recompute = Vec::new();
    let mut install = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let snap = store.snapshot(&app.query, &catalog);
        recompute.push(t.elapsed());
        // Installing it runs every string through the terminal sanitiser.
        let t = Instant::now();
        app.set_snapshot(snap);
        install.push(t.elapsed());
    }

    let keys = Bindings::new(&BTreeMap::new()).expect("default bindings");
    for mono in [false, true] {
        let theme = Theme { mono };
        let Ok(mut terminal) = Terminal::new(TestBackend::new(200, 60));
        let mut times = Vec::with_capacity(FRAMES);
        for i in 0..FRAMES {
            // Alternate focus and the details overlay so each frame differs from the last
            // (ratatui only flushes changed cells: an unchanged frame would be cheaper).
            app.focus = Pane::ALL[i % 6];
            app.overlay = if i % 2 == 0 {
                Overlay::None
            } else {
                Overlay::Details
            };
            let t = Instant::now();
            let _ = terminal.draw(|f| ui::draw(f, &app, &keys, theme));
            times.push(t.elapsed());
        }
        let (mean, p50, p99) = stats(times);
        println!(
            "frame 200x60 {label}{}: {FRAMES} frames, mean {mean:.3} ms, p50 {p50:.3} ms, p99 {p99:.3} ms",
            if mono { " (NO_COLOR)" } else { "" }
        );
    }
    let (mean, _, p99) = stats(recompute);
    println!(
        "snapshot recompute {label} ({} files, {} sessions, range all): mean {mean:.2} ms, p99 {p99:.2} ms",
        app.snapshot.sources.transcripts.files, app.snapshot.totals.sessions
    );
    let (mean, _, p99) = stats(install);
    println!("snapshot install (sanitised) {label}: mean {mean:.2} ms, p99 {p99:.2} ms");
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let demo = root.join("fixtures/demo");
    let now: DateTime<Utc> = std::fs::read_to_string(demo.join("NOW"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(Utc::now);
    bench("demo", &demo, now);
    let real: PathBuf = root.join("../shared/realdata/claude-home");
    if real.is_dir() {
        bench("realdata", &real, now);
    } else {
        eprintln!("NOTICE: ../shared/realdata is absent; benchmarking the demo data only");
    }
}
