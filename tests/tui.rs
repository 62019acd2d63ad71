//! Screens: the dashboard drawn on ratatui's `TestBackend`, pinned with insta at 80×24,
//! 120×40 and a tiny size, for empty, loaded, Prometheus-down, each pane focused, details
//! and help; and no panic at any size.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use common::fixtures;
use skilltop::model::range::RangeSpec;
use skilltop::model::snapshot::PromStatus;
use skilltop::sources::catalog::Catalog;
use skilltop::sources::transcripts::Engine;
use skilltop::store::{Query, Store};
use skilltop::views::tui::app::{App, Pane};
use skilltop::views::tui::dashboard::{frame, to_text};
use skilltop::views::tui::keys::Action;
use skilltop::views::tui::ui::Theme;

const MONO: Theme = Theme { mono: true };

/// The sizes every screen is pinned at.
const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

fn query() -> Query {
    let now: DateTime<Utc> = std::fs::read_to_string(fixtures().join("demo/NOW"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    Query {
        project: None,
        range: RangeSpec::days(7),
        sessions: None,
        timezone: chrono_tz::UTC,
        now,
        redact: false,
        all_examples: false,
        session_rows: true,
    }
}

/// The demo data, loaded the way the dashboard loads it.
fn loaded() -> App {
    loaded_over(query())
}

/// The demo data over `q`.
fn loaded_over(q: Query) -> App {
    let home = fixtures().join("demo");
    let mut engine = Engine::new(vec![home.clone()]);
    let mut store = Store::new(vec!["demo".into()]);
    let (updates, _) = engine.scan();
    updates.into_iter().for_each(|u| store.apply(u));
    let catalog = Catalog::load(&[home], None, &BTreeMap::new());
    let mut app = App::new(q, Some("/home/dev/shop".into()));
    app.set_snapshot(store.snapshot(&app.query, &catalog));
    app
}

fn screen(app: &App, w: u16, h: u16) -> String {
    to_text(&frame(app, w, h, MONO), false)
}

#[test]
fn empty() {
    let app = App::new(query(), None);
    insta::assert_snapshot!("empty_80x24", screen(&app, 80, 24));
}

#[test]
fn loaded_at_each_size() {
    let app = loaded();
    insta::assert_snapshot!("loaded_80x24", screen(&app, 80, 24));
    insta::assert_snapshot!("loaded_120x40", screen(&app, 120, 40));
    insta::assert_snapshot!("loaded_tiny_40x10", screen(&app, 40, 10));
}

#[test]
fn prometheus_down_shows_in_the_header() {
    let mut app = loaded();
    let mut s = app.snapshot.clone();
    s.sources.prometheus.status = PromStatus::Unreachable;
    s.sources.prometheus.error = Some("connection refused".into());
    s.sources.prometheus.stale_secs = Some(95);
    app.set_snapshot(s);
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("prometheus: unreachable (connection refused) · showing data 95s old"),
        "{text}"
    );
    // A long error is cut inside its parentheses, at a word, with a mark.
    let mut s = app.snapshot.clone();
    s.sources.prometheus.error = Some(
        "error sending request for url (http://localhost:9090/api/v1/query): connection refused"
            .into(),
    );
    app.set_snapshot(s);
    let small = screen(&app, 80, 24);
    let line = small.lines().nth(1).unwrap();
    assert!(
        line.contains("prometheus: unreachable (") && line.contains("…)"),
        "{line}"
    );
    insta::assert_snapshot!("prometheus_down_120x40", text);
}

#[test]
fn each_pane_focused() {
    for n in 1..=6 {
        let mut app = loaded();
        app.handle(Action::Pane(n));
        app.handle(Action::Down);
        let name = format!("focus_{}_{}", n, app.focus.title().to_lowercase());
        insta::assert_snapshot!(name, screen(&app, 120, 40));
    }
}

#[test]
fn details_and_help() {
    let mut app = loaded();
    app.handle(Action::Open);
    let text = screen(&app, 120, 40);
    assert!(text.contains("invocations in 7d"), "{text}");
    insta::assert_snapshot!("details_skill_120x40", text);
    app.handle(Action::Close);
    app.handle(Action::Pane(5));
    app.handle(Action::Open);
    insta::assert_snapshot!("details_missed_80x24", screen(&app, 80, 24));
    app.handle(Action::Close);
    app.handle(Action::Help);
    for (w, h) in SIZES {
        let text = screen(&app, w, h);
        assert!(text.contains("quit"), "{text}");
        insta::assert_snapshot!(format!("help_{w}x{h}"), text);
    }
}

#[test]
fn the_range_key_recomputes_from_the_store() {
    let home = fixtures().join("demo");
    let mut engine = Engine::new(vec![home.clone()]);
    let mut store = Store::new(vec![]);
    engine.scan().0.into_iter().for_each(|u| store.apply(u));
    let read = engine.stats.tail.load(std::sync::atomic::Ordering::Relaxed);
    let catalog = Catalog::load(&[home], None, &BTreeMap::new());
    let mut app = App::new(query(), None);
    app.set_snapshot(store.snapshot(&app.query, &catalog));
    let week = app.snapshot.totals.tool_calls;
    app.handle(Action::Range);
    app.set_snapshot(store.snapshot(&app.query, &catalog));
    assert_eq!(app.snapshot.scope.range, "14d");
    assert!(app.snapshot.totals.tool_calls > week);
    assert_eq!(
        engine.stats.tail.load(std::sync::atomic::Ordering::Relaxed),
        read,
        "no file was read again"
    );
}

#[test]
fn every_small_size_draws_without_panicking() {
    let mut app = loaded();
    for overlay in [Action::Close, Action::Open, Action::Help, Action::Cost] {
        app.handle(Action::Close);
        app.handle(overlay);
        for w in 1..=90 {
            for h in 1..=30 {
                let text = screen(&app, w, h);
                assert_eq!(text.lines().count(), h as usize, "{w}x{h}");
                assert!(
                    text.lines().all(|l| l.chars().count() <= w as usize),
                    "{w}x{h}"
                );
            }
        }
    }
}

#[test]
fn uses_the_room_at_200x60() {
    let app = loaded();
    let text = screen(&app, 200, 60);
    // The wide layout shows full stage sentences and every demo skill with its trend.
    assert!(text.contains("skipped in"), "{text}");
    for it in &app.snapshot.skills {
        assert!(text.contains(&it.name), "{} missing:\n{text}", it.name);
    }
    insta::assert_snapshot!("loaded_200x60", text);
}

#[test]
fn the_dashboard_format_prints_one_frame_at_100_columns_off_a_terminal() {
    let out = common::run(&["--demo", "--format", "dashboard"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "no colour when not a terminal");
    assert!(text.lines().all(|l| l.chars().count() <= 100));
    // As tall as the panes need (the demo's insights are the longest pane), at most 40.
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() <= 40, "{text}");
    // No key hints: nobody can press them in a pipe.
    assert!(
        !text.contains("q quit") && !text.contains("? help"),
        "{text}"
    );
    let last_row = lines[lines.len() - 2];
    let insights = last_row.split("││").nth(1).unwrap_or("");
    assert!(
        !insights
            .trim_matches(|c: char| c == '│' || c.is_whitespace())
            .is_empty(),
        "no empty row under the longest pane:\n{text}"
    );
    assert!(
        text.lines().any(|l| l.chars().count() > 90),
        "uses the width"
    );
    for pane in [
        "1 Skills",
        "2 Agents",
        "3 Stages",
        "4 Success",
        "5 Missed",
        "6 Insights",
    ] {
        assert!(text.contains(pane), "{pane} missing:\n{text}");
    }
    // The cost columns too, as on screen (names give way a little at 100 columns).
    assert!(text.contains("test-driven-"), "{text}");
    assert!(
        text.contains("$1.48 ↔ +8%") && text.contains("$0.44"),
        "{text}"
    );
}

#[test]
fn no_size_breaks_it() {
    let mut app = loaded();
    app.handle(Action::Open);
    for w in (1..=130).step_by(7) {
        for h in (1..=45).step_by(4) {
            let text = screen(&app, w, h);
            assert_eq!(text.lines().count(), h as usize);
        }
    }
    let tiny = screen(&app, 30, 8);
    assert!(tiny.contains("terminal too small"), "{tiny}");
}

#[test]
fn focus_moves_the_highlight_between_panes() {
    let mut app = loaded();
    assert_eq!(app.focus, Pane::Skills);
    let before = frame(&app, 120, 40, MONO);
    app.handle(Action::NextPane);
    let after = frame(&app, 120, 40, MONO);
    assert_ne!(before, after);
    assert_eq!(app.focus, Pane::Agents);
}

#[test]
fn no_color_means_no_colour_only_emphasis() {
    use ratatui::style::Color;
    let app = loaded();
    let colours = |mono: bool| {
        let b = frame(&app, 120, 40, Theme { mono });
        b.content()
            .iter()
            .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
            .count()
    };
    assert_eq!(colours(true), 0);
    assert!(colours(false) > 0);
    // The focused pane is still told apart without colour (bold title).
    let text = to_text(&frame(&app, 120, 40, MONO), true);
    assert!(text.contains("\x1b[0;1m"), "{text}");
}

#[test]
fn prometheus_totals_show_beside_the_transcripts() {
    let mut app = loaded();
    let mut s = app.snapshot.clone();
    s.prometheus_totals = Some(skilltop::model::snapshot::PromTotals {
        success_rate: Some(0.9),
        stages: [("implement".to_string(), 6.0)].into(),
        ..Default::default()
    });
    app.set_snapshot(s);
    let text = screen(&app, 120, 40);
    assert!(text.contains("· P 90%"), "{text}");
    let implement = text.lines().find(|l| l.contains("→ implement")).unwrap();
    assert!(implement.contains("P6"), "{implement}");
}

#[test]
fn the_whole_history_shows_no_trend() {
    let mut app = loaded();
    let week = screen(&app, 120, 40);
    assert!(week.contains("new"), "{week}");
    app.query.range = skilltop::model::range::parse_range("all").unwrap();
    let all = screen(&app, 120, 40);
    let skills_row = all
        .lines()
        .find(|l| l.contains("test-driven-development"))
        .unwrap();
    assert!(!skills_row.contains("new"), "{skills_row}");
    assert!(!skills_row.contains('%'), "{skills_row}");
}

#[test]
fn help_explains_the_marks_when_there_is_room() {
    let mut app = loaded();
    app.handle(Action::Help);
    let tall = screen(&app, 120, 40);
    assert!(tall.contains("trend vs the previous range"), "{tall}");
    assert!(tall.contains("Prometheus, both"), "{tall}");
    assert!(
        tall.contains("typed by you (/name), chosen by Claude"),
        "{tall}"
    );
    assert!(
        tall.contains("tokens without a price, part unpriced"),
        "{tall}"
    );
    // At 80×24 every key still shows; the legend is what gets cut.
    let small = screen(&app, 80, 24);
    for what in ["next pane", "export the snapshot", "quit"] {
        assert!(small.contains(what), "{what}:\n{small}");
    }
}

#[test]
fn details_over_all_chart_the_whole_range_from_its_start() {
    let mut q = query();
    q.range = skilltop::model::range::parse_range("all").unwrap();
    let mut app = loaded_over(q);
    // A year and a half of history with two uses early on (the Feb 8 and Feb 15).
    let mut s = app.snapshot.clone();
    let first = chrono::NaiveDate::from_ymd_opt(2025, 6, 10).unwrap();
    let daily: Vec<_> = first
        .iter_days()
        .take_while(|d| d.to_string().as_str() <= "2026-11-24")
        .map(|d| skilltop::model::snapshot::DailyCount {
            date: d.to_string(),
            count: u64::from(["2026-02-08", "2026-02-15"].contains(&d.to_string().as_str())),
        })
        .collect();
    // As the JSON carries it: the range's bounds and the two days used.
    let daily = skilltop::model::snapshot::sparse_daily(daily);
    assert_eq!(daily.len(), 4);
    s.scope.start = "2025-06-10T12:00:00Z".into();
    s.skills[0].daily = daily;
    app.set_snapshot(s);
    app.handle(Action::Open);
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let text = screen(&app, w, h);
        assert!(text.contains("2025-06-10 → 2026-11-24"), "{text}");
        let bars = text.chars().filter(|c| "▁▂▃▄▅▆▇█".contains(*c)).count();
        // The details' chart shows the two uses (the bars of the panes sit outside it).
        let chart: String = text
            .lines()
            .skip_while(|l| !l.contains("(peak"))
            .skip(1)
            .take_while(|l| !l.contains("2025-06-10 "))
            .collect();
        assert!(chart.contains('█'), "blank chart at {w}x{h}:\n{text}");
        assert!(bars > 0);
        insta::assert_snapshot!(format!("details_skill_all_{w}x{h}"), text);
    }
}

#[test]
fn a_range_all_snapshot_carries_sparse_days_and_charts_them_as_before() {
    use skilltop::model::snapshot::dense_daily;
    // The demo's three weeks seen a year later: range `all` spans 386 days.
    let mut q = query();
    q.now += chrono::Duration::days(365);
    q.range = skilltop::model::range::parse_range("all").unwrap();
    let mut sparse = loaded_over(q.clone());
    let s = sparse.snapshot.clone();
    assert!(s.daily_sparse);
    let (start, end) = (&s.scope.start[..10], "2027-11-24");
    for it in s.skills.iter().chain(&s.agents) {
        let used = it.daily.iter().filter(|d| d.count > 0).count();
        assert!(used > 0, "{}", it.name);
        assert!(it.daily.len() <= used + 2, "{}: {:?}", it.name, it.daily);
        assert_eq!(it.daily.first().map(|d| d.date.as_str()), Some(start));
        assert_eq!(it.daily.last().map(|d| d.date.as_str()), Some(end));
        assert_eq!(it.daily.iter().map(|d| d.count).sum::<u64>(), it.count);
        assert_eq!(dense_daily(&it.daily).len(), 386, "{}", it.name);
    }
    let json = serde_json::to_string(&s.to_json().unwrap()).unwrap();
    assert!(json.len() < 40_000, "{} bytes", json.len());
    // The details' chart is the one a dense series draws, at each size.
    let mut dense = loaded_over(q);
    let mut d = s.clone();
    for it in d.skills.iter_mut().chain(d.agents.iter_mut()) {
        it.daily = dense_daily(&it.daily);
    }
    dense.set_snapshot(d);
    sparse.handle(Action::Open);
    dense.handle(Action::Open);
    for (w, h) in SIZES {
        let text = screen(&sparse, w, h);
        assert!(text.contains(&format!("{start} → {end}")), "{text}");
        assert_eq!(text, screen(&dense, w, h), "{w}x{h}");
    }
}

/// The demo with the long names: three plugins, a nested namespace, a long tool.
fn long_names() -> App {
    renamed(
        &[
            "superpowers:subagent-driven-development",
            "superpowers:writing-plans",
            "entire-engineering:research:best-practices-researcher",
            "superpowers:systematic-debugging",
        ],
        &[],
    )
}

/// The demo with its first skills and agents renamed, and a long tool name.
fn renamed(skills: &[&str], agents: &[&str]) -> App {
    let mut app = loaded();
    let mut s = app.snapshot.clone();
    for (it, n) in s.skills.iter_mut().zip(skills) {
        it.name = n.to_string();
    }
    for (it, n) in s.agents.iter_mut().zip(agents) {
        it.name = n.to_string();
    }
    s.tools[0].name = "AskUserQuestion".into();
    s.tools[0].failures = s.tools[0].failures.max(1);
    app.set_snapshot(s);
    app
}

/// Three plugin items whose names share a long prefix, as the issue met them, with what
/// tells each apart.
const THREE_SKILLS: [(&str, &str); 3] = [
    (
        "entire-engineering:research:best-practices-researcher",
        "researcher",
    ),
    (
        "entire-engineering:research:framework-docs-researcher",
        "framework",
    ),
    (
        "entire-engineering:review:best-practices-reviewer",
        "reviewer",
    ),
];
const THREE_AGENTS: [(&str, &str); 3] = [
    (
        "entire-engineering:review:architecture-strategist",
        "strategist",
    ),
    (
        "entire-engineering:review:architecture-reviewer",
        "reviewer",
    ),
    (
        "entire-engineering:research:repo-research-analyst",
        "repo-resea",
    ),
];

#[test]
fn three_plugins_with_long_prefixes_stay_distinguishable_at_80_columns() {
    let app = renamed(&THREE_SKILLS.map(|(n, _)| n), &THREE_AGENTS.map(|(n, _)| n));
    let text = screen(&app, 80, 24);
    // Skills on the left of the first row of panes, agents on the right.
    let rows: Vec<(String, String)> = text
        .lines()
        .skip_while(|l| !l.contains("1 Skills"))
        .skip(1)
        .take(3)
        .map(|l| {
            let (a, b) = l.split_once("││").unwrap_or((l, ""));
            (a.to_string(), b.to_string())
        })
        .collect();
    assert_eq!(rows.len(), 3, "{text}");
    for (side, three) in [(0, THREE_SKILLS), (1, THREE_AGENTS)] {
        let drawn: Vec<String> = rows
            .iter()
            .map(|(a, b)| {
                let cell = if side == 0 { a } else { b };
                // The name: the row up to its bar (or its count).
                cell.trim_start_matches('│')
                    .split(['█', '▒'])
                    .next()
                    .unwrap_or("")
                    .trim_end()
                    .to_string()
            })
            .collect();
        for i in 0..3 {
            for j in i + 1..3 {
                assert_ne!(drawn[i], drawn[j], "{drawn:?}\n{text}");
            }
        }
        // Each row is the one its tail says (the panes keep the snapshot's order).
        for ((name, tail), shown) in three.iter().zip(&drawn) {
            assert!(shown.contains(tail), "{name} drawn as {shown:?}\n{text}");
            assert!(
                shown.starts_with('…'),
                "{shown:?}: cut from the namespace side"
            );
        }
    }
    insta::assert_snapshot!("three_plugins_80x24", text);

    // The Missed pane too, where names share the row with a count.
    let mut app = app;
    let mut snap = app.snapshot.clone();
    let missed = [
        "entire-engineering:review:security-and-performance-reviewer",
        "entire-engineering:research:security-and-performance-researcher",
    ];
    for (m, n) in snap.missed_opportunities.iter_mut().zip(missed) {
        m.item = n.into();
    }
    app.set_snapshot(snap);
    let text = screen(&app, 80, 24);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" prompt"))
        .filter_map(|l| l.split("││").next())
        .take(2)
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert_ne!(rows[0], rows[1], "{text}");
    assert!(rows[0].contains("…reviewer"), "{}", rows[0]);
    assert!(rows[1].contains("…researcher"), "{}", rows[1]);

    // And tools in Success: the two worst, renamed alike up to their last word.
    let mut snap = app.snapshot.clone();
    for (t, n) in [("Agent", "review"), ("Edit", "comment")] {
        if let Some(tool) = snap.tools.iter_mut().find(|x| x.name == t) {
            tool.name = format!("mcp__github__create_pull_request_{n}");
        }
    }
    app.set_snapshot(snap);
    let text = screen(&app, 80, 24);
    let tools: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split("││").nth(1))
        .filter(|l| l.contains("mcp__github"))
        .collect();
    assert_eq!(tools.len(), 2, "{text}");
    assert!(tools[0].contains("…review "), "{}", tools[0]);
    assert!(tools[1].contains("…comment "), "{}", tools[1]);
}

#[test]
fn long_names_are_cut_on_the_namespace_side_with_a_mark() {
    let app = long_names();
    let small = screen(&app, 80, 24);
    for cut in ["…:writing-plans", "…:systematic-d…", "…:best-practic…"] {
        assert!(small.contains(cut), "{cut}:\n{small}");
    }
    // No cut reads as another item: a shown name is whole or carries the mark.
    assert!(!small.contains("│research:"), "{small}");
    insta::assert_snapshot!("long_names_80x24", small);
    let wide = screen(&app, 200, 60);
    for n in [
        "superpowers:subagent-driven-development",
        "entire-engineering:research:best-practices-researcher",
        "AskUserQuestion",
    ] {
        assert!(wide.contains(n), "{n}:\n{wide}");
    }
    insta::assert_snapshot!("long_names_200x60", wide);
}

/// `/` then `text` then Enter, as typed.
fn filter(app: &mut App, text: &str) {
    use crossterm::event::{KeyCode, KeyEvent};
    app.handle(Action::Filter);
    for c in text.chars() {
        app.filter_input(KeyEvent::from(KeyCode::Char(c)));
    }
    app.filter_input(KeyEvent::from(KeyCode::Enter));
}

#[test]
fn a_filter_with_no_match_says_so_in_each_pane() {
    let mut app = loaded();
    filter(&mut app, "zzz");
    for (w, h) in SIZES {
        let text = screen(&app, w, h);
        assert_eq!(text.matches("no match for /zzz").count(), 5, "{text}");
        for lie in [
            "no skill invocations",
            "no failing tools",
            "nothing to report",
        ] {
            assert!(!text.contains(lie), "{lie}:\n{text}");
        }
        insta::assert_snapshot!(format!("filter_no_match_{w}x{h}"), text);
    }
    // A filter that matches a failing tool keeps it in Success.
    let mut app = loaded();
    filter(&mut app, "edit");
    let text = screen(&app, 120, 40);
    assert!(
        text.lines()
            .any(|l| l.contains("Edit") && l.contains("67%")),
        "{text}"
    );
}

#[test]
fn marks_and_ratios_are_explained_on_screen() {
    let app = loaded();
    let small = screen(&app, 80, 24);
    for legend in [
        "↑↓ vs prev 7d",
        "T from transcripts",
        "skipped in n/m sessions",
        "tool calls that worked",
        "sessions with skills 87% · without 76%",
    ] {
        assert!(small.contains(legend), "{legend}:\n{small}");
    }
    let mut app = loaded();
    let mut s = app.snapshot.clone();
    s.sources.prometheus.status = PromStatus::Ok;
    app.set_snapshot(s);
    let wide = screen(&app, 120, 40);
    assert!(
        wide.contains("T transcripts · P Prometheus · T+P both"),
        "{wide}"
    );
    assert!(wide.contains("↑↓ vs previous 7d"), "{wide}");
}

#[test]
fn an_empty_range_says_when_the_last_activity_was_and_how_to_widen_it() {
    let mut q = query();
    q.now += chrono::Duration::days(40);
    let app = loaded_over(q);
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("last activity 2026-11-24, 40 days ago"),
        "{text}"
    );
    assert!(text.contains("r widens the range"), "{text}");
    insta::assert_snapshot!("empty_range_80x24", text);
    // Range `all` has nothing wider to offer.
    let mut q = query();
    q.now += chrono::Duration::days(40);
    q.range = skilltop::model::range::parse_range("all").unwrap();
    let text = screen(&loaded_over(q), 80, 24);
    assert!(!text.contains("widens"), "{text}");
}

#[test]
fn panes_that_hide_rows_say_how_many() {
    let mut app = loaded();
    let text = screen(&app, 80, 24);
    // Stages hides `commit`, Success two of its tools, Insights its last findings.
    let bottoms: Vec<&str> = text.lines().filter(|l| l.contains("more ─┘")).collect();
    assert!(bottoms.iter().any(|l| l.contains("↓ 1 more")), "{text}");
    assert_eq!(text.matches(" more ").count(), 3, "{text}");
    // Findings wrap between words within the pane: the first one's lines, joined, are its
    // text from the start.
    let right: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("6 Insights"))
        .skip(1)
        .take_while(|l| !l.contains("─┘"))
        .map(|l| l.split("││").nth(1).unwrap().trim_end_matches('│').trim())
        .collect();
    let first: Vec<&str> = right
        .iter()
        .take_while(|l| !l.starts_with('→'))
        .map(|l| l.trim_start_matches("HIGH").trim())
        .collect();
    assert!(first.len() >= 2, "the first finding wraps:\n{text}");
    let joined = first.join(" ");
    let message = &app.snapshot.insights[0].message;
    assert!(
        message.starts_with(joined.trim_end_matches('…')),
        "{joined:?} is not the start of {message:?}"
    );
    // Moving down to the last stage scrolls: the mark turns to the rows above.
    app.handle(Action::Pane(3));
    for _ in 0..10 {
        app.handle(Action::Down);
    }
    let text = screen(&app, 80, 24);
    assert!(text.contains("↑ 1 more"), "{text}");
    assert!(text.contains("→ commit"), "{text}");
    insta::assert_snapshot!("hidden_rows_scrolled_80x24", text);
}

/// The demo with 30 more rows in every pane: more than any pane shows, at any size.
fn crowded() -> App {
    use skilltop::model::snapshot::{ItemStat, MissedExample, ToolStat};
    let mut app = loaded();
    let mut s = app.snapshot.clone();
    for n in 1..=30u64 {
        let item = |name: String| ItemStat {
            name,
            count: 1 + n % 3,
            previous_count: 1,
            trend_pct: Some(0.0),
            sessions: 1,
            ..Default::default()
        };
        s.skills.push(item(format!("extra-skill-{n:02}")));
        s.agents.push(item(format!("extra-agent-{n:02}")));
        let stage = format!("stage-{n:02}");
        s.stages.counts.insert(stage.clone(), n);
        s.stages.sessions_reached.insert(stage.clone(), 1);
        s.stages.order.push(stage);
        s.tools.push(ToolStat {
            name: format!("mcp__extra__tool_{n:02}"),
            count: 10,
            failures: 1,
            success_rate: Some(0.9),
            recent_errors: Vec::new(),
        });
        let mut m = s.missed_opportunities[0].clone();
        m.item = format!("extra-missed-{n:02}");
        m.examples = vec![MissedExample {
            prompt: format!("please do the extra thing number {n}"),
            ..Default::default()
        }];
        s.missed_opportunities.push(m);
        let mut i = s.insights[0].clone();
        i.item = format!("extra-skill-{n:02}");
        i.message = format!("extra finding number {n}");
        s.insights.push(i);
        s.recommendations.push(format!("extra advice number {n}"));
    }
    app.set_snapshot(s);
    app
}

/// The bottom borders of the six panes, in pane order, as drawn.
fn pane_bottoms(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with('└'))
        .flat_map(|l| {
            let (a, b) = l.split_once("┘└").unwrap_or((l, ""));
            [a.to_string(), b.to_string()]
        })
        .collect()
}

#[test]
fn every_pane_with_hidden_rows_says_how_many_at_each_size() {
    let app = crowded();
    for (w, h) in SIZES {
        let text = screen(&app, w, h);
        let bottoms = pane_bottoms(&text);
        assert_eq!(bottoms.len(), 6, "{text}");
        for (pane, bottom) in [
            "Skills", "Agents", "Stages", "Success", "Missed", "Insights",
        ]
        .iter()
        .zip(&bottoms)
        {
            assert!(
                bottom.contains("↓ ") && bottom.contains(" more"),
                "{pane} at {w}x{h}:\n{text}"
            );
        }
        // One line a row in Skills, Agents and Stages: shown and hidden add up to all.
        let lines: Vec<&str> = text.lines().collect();
        let top = lines
            .iter()
            .position(|l| l.contains("1 Skills"))
            .unwrap_or(0);
        let bottom = lines.iter().position(|l| l.starts_with('└')).unwrap_or(0);
        let shown = bottom - top - 1;
        let hidden = |b: &str| -> usize {
            let after = b.split("↓ ").nth(1).unwrap_or("");
            after.split(' ').next().unwrap_or("").parse().unwrap_or(0)
        };
        assert_eq!(
            shown + hidden(&bottoms[0]),
            app.snapshot.skills.len(),
            "{text}"
        );
        assert_eq!(
            shown + hidden(&bottoms[1]),
            app.snapshot.agents.len(),
            "{text}"
        );
        insta::assert_snapshot!(format!("hidden_rows_{w}x{h}"), text);
    }
}

#[test]
fn details_read_as_words() {
    // writing-plans ran once in the demo's 7d: singular words.
    let mut app = loaded();
    assert_eq!(app.snapshot.skills[2].name, "writing-plans");
    app.handle(Action::Down);
    app.handle(Action::Down);
    app.handle(Action::Open);
    let text = screen(&app, 120, 40);
    assert!(text.contains("1 invocation in 7d"), "{text}");
    assert!(text.contains("· 1 session"), "{text}");
    assert!(
        !text.contains("1 sessions") && !text.contains("1 invocations"),
        "{text}"
    );
    // Range `all` has no previous range to compare with.
    let mut q = query();
    q.range = skilltop::model::range::parse_range("all").unwrap();
    let mut app = loaded_over(q);
    app.handle(Action::Open);
    let text = screen(&app, 120, 40);
    assert!(!text.contains("previous range"), "{text}");
    // A finding's title is words, not the schema's id.
    let mut app = loaded();
    app.handle(Action::Pane(6));
    for _ in 0..6 {
        app.handle(Action::Open);
        let text = screen(&app, 120, 40);
        assert!(!text.contains('_'), "{text}");
        app.handle(Action::Close);
        app.handle(Action::Down);
    }
}

#[test]
fn skills_and_agents_bars_share_one_scale() {
    let app = loaded();
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let text = screen(&app, w, h);
        let bar = |name: &str| {
            let l = text.lines().find(|l| l.contains(name)).unwrap();
            let part = l
                .split("││")
                .find(|p| p.contains(name))
                .unwrap()
                .to_string();
            part.matches('█').count()
        };
        // writing-plans (a skill) and Explore (an agent) both ran once.
        assert_eq!(bar("writing-plans"), bar("Explore"), "{text}");
        assert!(
            bar("test-driven-d") > bar("code-reviewer"),
            "4 against 3:\n{text}"
        );
    }
}

#[test]
fn the_header_counts_what_is_in_scope_and_when_it_was_last_active() {
    let mut q = query();
    q.project = Some("/home/dev/shop".into());
    let app = loaded_over(q);
    let n = app.snapshot.totals.sessions;
    assert!(n > 0 && n < app.snapshot.sources.transcripts.sessions);
    let text = screen(&app, 120, 40);
    let line = text.lines().nth(1).unwrap();
    assert!(
        line.starts_with(&format!(
            " {n} sessions in 7d · 46 files on disk · last 2026-"
        )),
        "{line}"
    );
}

#[test]
fn the_projects_view_lists_every_project_and_enter_scopes_to_one() {
    use skilltop::views::tui::app::{Effect, Overlay};
    let home = fixtures().join("demo");
    let mut engine = Engine::new(vec![home.clone()]);
    let mut store = Store::new(vec!["demo".into()]);
    engine.scan().0.into_iter().for_each(|u| store.apply(u));
    let catalog = Catalog::load(&[home], None, &BTreeMap::new());
    let mut app = loaded();
    assert_eq!(app.handle(Action::Projects), Effect::Projects);
    app.projects = skilltop::views::tui::projects::rows(&store, &app.query, &catalog);
    assert!(app.projects.len() >= 2, "{:?}", app.projects);
    // Each project counted as the dashboard counts it: the sessions add up.
    let sum: u64 = app.projects.iter().map(|p| p.sessions).sum();
    assert!(sum >= app.snapshot.totals.sessions);
    // And so does the cost: each project's, then all projects'.
    let cost: f64 = app.projects.iter().filter_map(|p| p.cost_usd).sum();
    assert!(app.snapshot.totals.cost_usd > 0.0);
    assert!(
        (cost - app.snapshot.totals.cost_usd).abs() < 1e-9,
        "{cost} vs {}",
        app.snapshot.totals.cost_usd
    );
    assert!(screen(&app, 120, 40).contains("cost  last activity"));
    for (w, h) in SIZES {
        let text = screen(&app, w, h);
        for p in &app.projects {
            assert!(text.contains(&p.path), "{}:\n{text}", p.path);
        }
        insta::assert_snapshot!(format!("projects_{w}x{h}"), text);
    }
    app.handle(Action::Down);
    let chosen = app.projects[1].path.clone();
    assert_eq!(app.handle(Action::Open), Effect::Recompute);
    assert_eq!(app.overlay, Overlay::None);
    assert_eq!(app.query.project.as_deref(), Some(chosen.as_str()));
    // The key is in the help and the footer.
    app.handle(Action::Help);
    assert!(screen(&app, 120, 40).contains("every project; Enter shows one"));
    assert!(screen(&loaded(), 120, 40).contains("P projects"));
}

#[test]
fn a_skills_details_list_its_sessions_and_the_transcript_to_open() {
    use skilltop::views::tui::app::Effect;
    let home = fixtures().join("demo");
    let mut engine = Engine::new(vec![home.clone()]);
    let mut store = Store::new(vec!["demo".into()]);
    engine.scan().0.into_iter().for_each(|u| store.apply(u));
    let catalog = Catalog::load(&[home], None, &BTreeMap::new());
    let mut app = loaded();
    assert_eq!(app.handle(Action::Open), Effect::Sessions);
    let it = app.snapshot.skills[0].clone();
    app.item_sessions = store.item_sessions(&app.query, &catalog, true, &it.name);
    assert_eq!(app.item_sessions.len() as u64, it.sessions);
    let uses: u64 = app.item_sessions.iter().map(|s| s.uses).sum();
    assert_eq!(uses, it.count);
    assert!(app.item_sessions.windows(2).all(|w| w[0].last >= w[1].last));
    let text = screen(&app, 120, 40);
    assert!(
        text.contains(&format!("{} sessions, newest first:", it.sessions)),
        "{text}"
    );
    assert!(text.contains("/home/dev/"), "{text}");
    assert!(text.contains("newest transcript: "), "{text}");
    let path = app.item_sessions[0].transcript.clone().unwrap();
    assert!(std::path::Path::new(&path).is_file(), "{path}");
    // What the skill cost in each session adds up to its cost, each within its session's.
    let costs: f64 = app.item_sessions.iter().filter_map(|s| s.cost_usd).sum();
    assert!(it.cost_usd > 0.0);
    assert!(
        (costs - it.cost_usd).abs() < 1e-9,
        "{costs} vs {}",
        it.cost_usd
    );
    for s in &app.item_sessions {
        assert!(s.cost_usd.unwrap_or(0.0) <= s.session_cost_usd.unwrap_or(0.0) + 1e-12);
    }
    let top = app
        .item_sessions
        .iter()
        .filter_map(|s| s.cost_usd)
        .fold(0.0, f64::max);
    let listed: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("most expensive sessions for it:"))
        .skip(1)
        .take(3)
        .collect();
    assert_eq!(listed.len(), 3, "{text}");
    let first = listed[0].trim_start_matches(['│', ' ']);
    assert!(
        first.starts_with(&skilltop::model::format::usd(top)),
        "the costliest first: {first}\n{text}"
    );
    assert!(text.contains("cost daily, peak $"), "{text}");
    // Agents too; Stages have no sessions to list.
    app.handle(Action::Close);
    app.handle(Action::Pane(2));
    assert_eq!(app.handle(Action::Open), Effect::Sessions);
    let a = app.snapshot.agents[0].clone();
    let rows = store.item_sessions(&app.query, &catalog, false, &a.name);
    assert_eq!(rows.len() as u64, a.sessions);
    app.handle(Action::Close);
    app.handle(Action::Pane(3));
    assert_eq!(app.handle(Action::Open), Effect::Redraw);
}

#[test]
fn a_project_without_sessions_points_at_the_projects_view() {
    let mut q = query();
    q.project = Some("/nowhere".into());
    let text = screen(&loaded_over(q), 80, 24);
    assert!(text.contains("no session ever in this project"), "{text}");
    assert!(text.contains("P lists the projects"), "{text}");
    insta::assert_snapshot!("project_without_sessions_80x24", text);
}

#[test]
fn the_readme_opens_with_the_dashboard_as_drawn_at_120x40() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let frame = screen(&loaded(), 120, 40);
    assert!(
        readme.contains(frame.trim_end_matches('\n')),
        "README.md's capture is out of date; paste:\n{frame}"
    );
}

/// How each skill was invoked shows in its bar: the part typed by the user apart from the
/// part Claude chose, and the Skills legend says which is which.
#[test]
fn typed_skills_show_in_their_bars() {
    let mut app = loaded();
    let text = screen(&app, 120, 40);
    assert!(!text.contains('▒'), "no typed skill in the demo: {text}");
    let mut s = app.snapshot.clone();
    let first = &mut s.skills[0];
    let count = first.count;
    first.invoked_by = Some(skilltop::model::snapshot::InvokedBy {
        user: count / 2,
        model: count - count / 2,
    });
    let name = first.name.clone();
    app.set_snapshot(s);
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("▒ typed by you · █ chosen by Claude"),
        "{text}"
    );
    let row = text.lines().find(|l| l.contains(&name)).unwrap();
    assert!(row.contains('▒') && row.contains('█'), "{row}");
}

#[test]
fn cost_in_the_header_and_a_column_sorted_by_it_at_120x40() {
    let mut app = loaded();
    for _ in 0..3 {
        app.handle(Action::Sort);
    }
    let text = screen(&app, 120, 40);
    let header = text.lines().next().unwrap();
    assert!(header.contains("│ $1.48 ↔ +8%"), "{header}");
    assert!(header.chars().count() <= 120, "{header}");
    // The sort is named in the titles.
    assert!(
        text.contains("1 Skills by cost") && text.contains("2 Agents by cost"),
        "{text}"
    );
    // Most expensive first, each with its cost after the count.
    let rows: Vec<&str> = text.lines().skip(3).take(4).collect();
    assert!(rows[0].contains("test-driven-development") && rows[0].contains("$0.44"));
    assert!(rows[1].contains("brainstorming") && rows[1].contains("$0.40"));
    assert!(rows[3].contains("systematic-debugging") && rows[3].contains("–"));
    insta::assert_snapshot!("cost_sorted_120x40", text);
    // At 80 columns the header keeps the cost (the dates give way) within the width.
    let narrow = screen(&app, 80, 24);
    let header = narrow.lines().next().unwrap();
    assert!(header.contains("$1.48"), "{header}");
    assert!(header.chars().count() <= 80, "{header}");
}

#[test]
fn details_show_cost_per_invocation_by_model_tokens_and_an_agents_time() {
    let mut app = loaded();
    app.handle(Action::Open);
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("cost $0.44 · $0.11 per invocation, median of skills $0.11"),
        "{text}"
    );
    assert!(text.contains("by model: claude-sonnet-4-5 $0.44"), "{text}");
    assert!(
        text.contains("tokens: in 38.4k · out 13.7k · cache write 10.2k"),
        "{text}"
    );
    app.handle(Action::Close);

    // An agent type: its responses come from its subagent transcripts, its time from the
    // parent's `totalDurationMs`, its calls from inside them.
    app.handle(Action::Pane(2));
    app.handle(Action::Open);
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("│cost $0.21 · $0.07 per invocation, median of agents $0.07 · ran "),
        "{text}"
    );
    assert!(
        text.contains("inside: 9 tool calls · 0 failed · success 100%"),
        "{text}"
    );
    assert!(text.contains("by model: claude-sonnet-4-5 $0.21"), "{text}");
}

#[test]
fn a_long_project_path_gives_way_to_the_cost_in_80_columns() {
    let mut q = query();
    q.project = Some("/home/dev/a/very/long/path/to/some/project/that/goes/on/and/on/shop".into());
    let text = screen(&loaded_over(q), 80, 24);
    let header = text.lines().next().unwrap();
    assert!(header.contains("project …"), "{header}");
    assert!(header.contains("on/shop │ range 7d │ no spend"), "{header}");
    assert!(header.chars().count() <= 80, "{header}");
}

/// The cost view over the demo: `c` opens it.
fn cost_view(mut app: App) -> App {
    use skilltop::views::tui::app::Overlay;
    app.handle(Action::Cost);
    assert_eq!(app.overlay, Overlay::Cost);
    app
}

#[test]
fn the_cost_view_splits_the_spend_and_lists_the_top_spenders_at_each_size() {
    let app = cost_view(loaded());
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let text = screen(&app, w, h);
        assert!(text.contains("Cost in 7d"), "{text}");
        // The demo's main thread and its three subagent types make the total; skills had
        // $0.86 of it.
        let line = |start: &str| text.lines().find(|l| l.starts_with(start)).unwrap();
        let main = line("│main thread ");
        assert!(main.contains("$1.14") && main.contains("77%"), "{main}");
        let agents = line("│agents ");
        assert!(
            agents.contains("$0.34") && agents.contains("23%"),
            "{agents}"
        );
        let skills = line("│skills ");
        assert!(
            skills.contains("$0.86") && skills.contains("58%"),
            "{skills}"
        );
        assert!(text.contains("overlap"), "{text}");
        // Most expensive first: the model and the main thread, then the skills.
        let order: Vec<usize> = [
            "claude-sonnet-4-5",
            "test-driven-development",
            "brainstorming",
        ]
        .iter()
        .map(|n| {
            text.lines()
                .position(|l| {
                    l.contains(n) && l.contains("$0.") || l.contains(n) && l.contains("$1.")
                })
                .unwrap_or_else(|| panic!("{n} at {w}x{h}:\n{text}"))
        })
        .collect();
        assert!(order.windows(2).all(|p| p[0] < p[1]), "{order:?}\n{text}");
        // The cost by day with its dates under the bars, over the whole range.
        assert!(text.contains("by day, 2026-11-17 → 2026-11-24"), "{text}");
        assert!(text.contains("11-17") && text.contains("11-24"), "{text}");
        assert!(text.chars().any(|c| "▁▂▃▄▅▆▇█".contains(c)));
        assert!(text.lines().all(|l| l.chars().count() <= w as usize));
        insta::assert_snapshot!(format!("cost_{w}x{h}"), text);
    }
    // Cost per invocation where the item has invocations: tdd ran 4 times for $0.44.
    let text = screen(&app, 120, 40);
    let tdd = text
        .lines()
        .find(|l| l.contains("test-driven-development"))
        .unwrap();
    assert!(
        tdd.contains("30") && tdd.contains("4") && tdd.contains("$0.11"),
        "{tdd}"
    );
}

/// The demo with an agent type, an MCP server and a model without a price.
fn with_agents_mcp_and_an_unpriced_model() -> App {
    use skilltop::model::snapshot::CostRow;
    let mut app = loaded();
    let mut s = app.snapshot.clone();
    let row = |name: &str, responses: u64, cost: f64, unpriced: u64| CostRow {
        name: name.into(),
        responses,
        cost_usd: cost,
        unpriced_responses: unpriced,
        ..Default::default()
    };
    // code-reviewer's own responses replaced by dearer ones.
    let old = s
        .costs
        .by_agent_type
        .iter()
        .find(|r| r.name == "code-reviewer")
        .map_or(0.0, |r| r.cost_usd);
    s.costs.by_agent_type.retain(|r| r.name != "code-reviewer");
    s.costs.by_agent_type.push(row("code-reviewer", 12, 0.9, 0));
    s.costs.by_agent_type.push(row(
        "entire-engineering:research:best-practices-researcher",
        7,
        0.0,
        7,
    ));
    s.costs.by_mcp_server.push(row("github", 5, 0.12, 0));
    s.costs.by_model.push(row("claude-next-7", 7, 0.0, 7));
    s.costs.by_model[0].responses += 12;
    s.costs.by_model[0].cost_usd += 0.9 - old;
    s.totals.cost_usd += 0.9 - old;
    s.prices.unpriced = vec!["claude-next-7".into()];
    let reviewer = s
        .agents
        .iter_mut()
        .find(|a| a.name == "code-reviewer")
        .unwrap();
    reviewer.cost_usd = 0.9;
    reviewer.cost_per_call = Some(0.3);
    app.set_snapshot(s);
    cost_view(app)
}

#[test]
fn the_cost_view_names_unpriced_responses_and_never_prices_them_at_0() {
    let app = with_agents_mcp_and_an_unpriced_model();
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&app, w, h);
        assert!(!text.contains("$0.00"), "{text}");
        assert!(
            text.contains("unpriced: claude-next-7 (7 responses): no price"),
            "{text}"
        );
        // Its row says so too, where the table has room for it.
        if let Some(model) = text.lines().find(|l| l.starts_with("│claude-next-7 ")) {
            assert!(
                model.contains("unpriced") && !model.contains('$'),
                "{model}"
            );
        } else {
            assert!(h < 40, "{text}");
        }
        // The agents' part: the total less the main thread's (code-reviewer's $0.90 in it),
        // the unpriced researcher apart.
        let snap = &app.snapshot;
        let main = snap.costs.by_agent_type.iter().find(|r| r.name == "main");
        let part = snap.totals.cost_usd - main.map_or(0.0, |r| r.cost_usd);
        let share = format!("{:.0}%", part / snap.totals.cost_usd * 100.0);
        let agents = text.lines().find(|l| l.starts_with("│agents ")).unwrap();
        assert!(
            agents.contains(&format!("${part:.2}")) && agents.contains(&share),
            "{agents}"
        );
        let mcp = text.lines().find(|l| l.starts_with("│MCP ")).unwrap();
        assert!(mcp.contains("$0.12"), "{mcp}");
        insta::assert_snapshot!(format!("cost_unpriced_{w}x{h}"), text);
    }
    // code-reviewer ran 3 times at $0.30 each.
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("entire-engineering:research:best-practices-researcher"),
        "{text}"
    );
    let reviewer = text.lines().find(|l| l.contains("code-reviewer")).unwrap();
    assert!(
        reviewer.contains("$0.90") && reviewer.contains("$0.30"),
        "{reviewer}"
    );
}

#[test]
fn an_empty_cost_view_says_why_and_which_key_widens_the_range() {
    let mut q = query();
    q.now += chrono::Duration::days(40);
    let app = cost_view(loaded_over(q));
    let text = screen(&app, 80, 24);
    assert!(text.contains("no priced responses in 7d"), "{text}");
    assert!(
        text.contains("last activity 2026-11-24, 40 days ago"),
        "{text}"
    );
    assert!(text.contains("r widens the range"), "{text}");
    let view: String = text.lines().skip(2).collect();
    assert!(
        !view.contains('$') && !view.contains("top spenders"),
        "{text}"
    );
    insta::assert_snapshot!("cost_empty_80x24", text);
    // Only unpriced responses: no split of $0, the models named.
    let mut app = with_agents_mcp_and_an_unpriced_model();
    let mut s = app.snapshot.clone();
    s.totals.cost_usd = 0.0;
    for rows in [
        &mut s.costs.by_agent_type,
        &mut s.costs.by_skill,
        &mut s.costs.by_mcp_server,
        &mut s.costs.by_model,
        &mut s.costs.by_day,
    ] {
        for r in rows.iter_mut() {
            r.unpriced_responses = r.responses;
            r.cost_usd = 0.0;
        }
    }
    app.set_snapshot(s);
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("no priced responses in 7d: 121 responses of models without a price"),
        "{text}"
    );
    let dollars = text
        .match_indices('$')
        .filter(|(i, _)| text[i + 1..].starts_with(|c: char| c.is_ascii_digit()));
    assert_eq!(dollars.count(), 0, "{text}");
    assert!(
        text.contains("unpriced: claude-sonnet-4-5 (106 responses)"),
        "{text}"
    );
}

#[test]
fn the_cost_view_scrolls_its_hidden_spenders_and_fits_every_size() {
    let mut app = with_agents_mcp_and_an_unpriced_model();
    let text = screen(&app, 80, 24);
    let rows = skilltop::views::tui::cost::spenders(&app.snapshot).len();
    // The main thread, three models, three skills, four agent types, one MCP server; five
    // rows fit at 80×24.
    assert_eq!(rows, 12);
    assert!(text.contains("↓ 7 more ─┘"), "{text}");
    for _ in 0..20 {
        app.handle(Action::Down);
    }
    let text = screen(&app, 80, 24);
    assert!(text.contains("↑ 7 more ─┘"), "{text}");
    assert!(text.contains("claude-next-7"), "{text}");
    for w in (1..=130).step_by(3) {
        for h in (1..=45).step_by(2) {
            let text = screen(&app, w, h);
            assert_eq!(text.lines().count(), h as usize, "{w}x{h}");
            assert!(
                text.lines().all(|l| l.chars().count() <= w as usize),
                "{w}x{h}"
            );
        }
    }
    // The key is in the help and the footer; the view's own key closes it.
    assert!(screen(&app, 120, 40).contains("Esc closes"));
    app.handle(Action::Cost);
    assert!(screen(&app, 120, 40).contains("c cost"));
    app.handle(Action::Help);
    assert!(screen(&app, 80, 24).contains("cost: split, top spenders, by day"));
}

#[test]
fn enter_on_a_skill_in_the_cost_view_opens_its_details() {
    use skilltop::views::tui::app::{Effect, Overlay};
    let mut app = cost_view(loaded());
    // main thread, then the model: neither has details.
    assert_eq!(app.handle(Action::Open), Effect::None);
    assert_eq!(app.overlay, Overlay::Cost);
    app.handle(Action::Down);
    app.handle(Action::Down);
    let text = screen(&app, 120, 40);
    let highlighted = skilltop::views::tui::cost::spenders(&app.snapshot)[2]
        .name
        .clone();
    assert_eq!(highlighted, "test-driven-development");
    assert!(text.contains(&highlighted), "{text}");
    assert_eq!(app.handle(Action::Open), Effect::Sessions);
    assert_eq!(app.overlay, Overlay::Details);
    assert_eq!(app.focus, Pane::Skills);
    let text = screen(&app, 120, 40);
    assert!(text.contains("cost $0.44 · $0.11 per invocation"), "{text}");
}

#[test]
fn the_cost_view_over_a_long_range_groups_the_days_and_dates_its_bars() {
    let mut q = query();
    q.range = skilltop::model::range::parse_range("all").unwrap();
    let mut app = loaded_over(q);
    let mut s = app.snapshot.clone();
    // A year of history: spend on the first day and on the demo's days.
    s.scope.start = "2025-11-20T09:00:00Z".into();
    s.costs.by_day.insert(
        0,
        skilltop::model::snapshot::CostRow {
            name: "2025-11-20".into(),
            responses: 3,
            cost_usd: 0.5,
            ..Default::default()
        },
    );
    s.totals.cost_usd += 0.5;
    app.set_snapshot(s);
    let app = cost_view(app);
    for (w, h, by) in [
        (50, 20, "by month"),
        (80, 24, "by week"),
        (200, 60, "by week"),
    ] {
        let text = screen(&app, w, h);
        assert!(
            text.contains(&format!("{by}, 2025-11-20 → 2026-11-24")),
            "{text}"
        );
        let axis = text
            .lines()
            .find(|l| l.starts_with("│2025-11") || l.starts_with("│11-20"))
            .unwrap_or_else(|| panic!("no axis at {w}x{h}:\n{text}"));
        let first = if by == "by month" {
            "│2025-11"
        } else {
            "│11-20"
        };
        assert!(axis.starts_with(first), "{axis}");
        assert!(axis.split_whitespace().count() >= 3, "{axis}");
        // Both ends of the year have a bar.
        let chart: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.contains(by))
            .skip(1)
            .take_while(|l| !std::ptr::eq(*l, axis))
            .collect();
        let first_col = chart
            .iter()
            .any(|l| l.chars().nth(1).is_some_and(|c| c != ' '));
        assert!(first_col, "{text}");
        insta::assert_snapshot!(format!("cost_all_{w}x{h}"), text);
    }
}

/// Agent runs whose subagents left no transcript are said to be uncounted, not shown as free.
#[test]
fn the_cost_view_says_when_agent_runs_left_no_transcript() {
    let app = cost_view(loaded());
    let text = screen(&app, 120, 40);
    assert!(!text.contains("no subagent transcript"), "{text}");
    let mut app = loaded();
    let mut s = app.snapshot.clone();
    s.costs.by_agent_type.retain(|r| r.name != "code-reviewer");
    let runs = s
        .agents
        .iter()
        .find(|a| a.name == "code-reviewer")
        .unwrap()
        .count;
    app.set_snapshot(s);
    let app = cost_view(app);
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&app, w, h);
        assert!(
            text.contains(&format!("{runs} agent runs left no subagent transcript")),
            "{text}"
        );
    }
}

/// A model whose responses carry no tokens (`<synthetic>`) is not listed at $0.00.
#[test]
fn details_leave_out_a_model_without_tokens() {
    let mut app = loaded();
    let mut s = app.snapshot.clone();
    s.skills[0]
        .cost_by_model
        .push(skilltop::model::snapshot::CostRow {
            name: "<synthetic>".into(),
            responses: 1,
            ..Default::default()
        });
    app.set_snapshot(s);
    app.handle(Action::Open);
    let text = screen(&app, 120, 40);
    assert!(text.contains("by model: claude-sonnet-4-5 $0.44"), "{text}");
    assert!(
        !text.contains("synthetic") && !text.contains("$0.00"),
        "{text}"
    );
}
