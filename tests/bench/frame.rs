//! `cargo bench --bench frame`: time to draw one dashboard frame at 200×60 over the demo
//! data (target < 2 ms), and the snapshot recompute a key like `r` costs.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use skilltop::catalog::Catalog;
use skilltop::cli::RangeSpec;
use skilltop::store::{Query, Store};
use skilltop::transcripts::Engine;
use skilltop::tui::app::App;
use skilltop::tui::keys::Bindings;
use skilltop::tui::ui::{Theme, draw};

fn main() {
    let home = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let now = std::fs::read_to_string(home.join("NOW")).expect("fixtures/demo/NOW");
    let query = Query {
        project: None,
        range: RangeSpec::days(7),
        sessions: None,
        timezone: chrono_tz::UTC,
        now: now.trim().parse().expect("an RFC 3339 time"),
        redact: false,
    };
    let mut engine = Engine::new(vec![home.clone()]);
    let mut store = Store::new(vec![]);
    engine.scan().0.into_iter().for_each(|u| store.apply(u));
    let catalog = Catalog::load(&[home], None, &BTreeMap::new());
    let mut app = App::new(query, None);

    let n = 200;
    let t = Instant::now();
    for _ in 0..n {
        app.set_snapshot(store.snapshot(&app.query, &catalog));
    }
    let recompute = t.elapsed().as_secs_f64() / n as f64 * 1e3;

    let keys = Bindings::new(&BTreeMap::new()).expect("default keys");
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("a test terminal");
    let mut times = Vec::with_capacity(2000);
    for i in 0..2000 {
        // Alternate two screens so every frame has cells to change.
        app.focus = skilltop::tui::app::Pane::ALL[i % 6];
        let t = Instant::now();
        terminal
            .draw(|f| draw(f, &app, &keys, Theme { mono: false }))
            .expect("draw");
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    println!(
        "frame 200x60: mean {mean:.3} ms, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms ({} frames); snapshot recompute {recompute:.2} ms",
        times[times.len() / 2],
        times[times.len() * 99 / 100],
        times[times.len() - 1],
        times.len()
    );
}
