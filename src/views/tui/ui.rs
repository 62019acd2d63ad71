//! Drawing: one function per screen region, all from `App` (never from the sources).
//! Every region degrades on its own in small areas; below `MIN_*` a notice replaces all.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, LineGauge, Paragraph, Sparkline, Wrap};

use crate::model::format::{
    NONE, clip, clip_name, clock_part, date_part, one_line, percent, plural, prom_status_word,
    severity_word, source_mark, trend_label,
};
use crate::model::snapshot::{PromStatus, Severity};

use super::app::{App, Overlay, Pane};
use super::keys::{Action, Bindings};

pub const MIN_WIDTH: u16 = 50;
pub const MIN_HEIGHT: u16 = 12;

/// Colours, or none (`NO_COLOR`, `theme = "mono"`): then emphasis is bold/reverse only.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub mono: bool,
}

impl Theme {
    fn fg(&self, c: Color) -> Style {
        if self.mono {
            Style::default()
        } else {
            Style::default().fg(c)
        }
    }
    fn accent(&self) -> Style {
        self.fg(Color::Cyan)
    }
    fn bad(&self) -> Style {
        if self.mono {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
        }
    }
    fn good(&self) -> Style {
        self.fg(Color::Green)
    }
    fn dim(&self) -> Style {
        if self.mono {
            Style::default()
        } else {
            Style::default().fg(Color::DarkGray)
        }
    }
    fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
}

pub fn draw(f: &mut Frame, app: &App, keys: &Bindings, theme: Theme) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "skilltop: terminal too small ({}×{}); needs {MIN_WIDTH}×{MIN_HEIGHT}",
            area.width, area.height
        );
        f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(6),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(f, header, app, theme);
    draw_body(f, body, app, theme);
    draw_footer(f, footer, app, keys, theme);
    match app.overlay {
        Overlay::Help => draw_help(f, body, keys, theme),
        Overlay::Details => draw_details(f, body, app, theme),
        Overlay::None => {}
    }
}

fn draw_header(f: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let s = &app.snapshot;
    let scope = match &s.scope.project {
        Some(p) => format!("project {p}"),
        None => "all projects".to_string(),
    };
    let range = if s.scope.start.is_empty() {
        app.range().label.clone()
    } else {
        format!(
            "{} ({} → {})",
            app.range().label,
            date_part(&s.scope.start),
            date_part(&s.scope.end)
        )
    };
    let mut first = vec![
        Span::styled(" skilltop ", theme.accent().add_modifier(Modifier::BOLD)),
        Span::raw(format!(" {scope} │ range {range}")),
    ];
    if !app.filter.is_empty() {
        first.push(Span::styled(
            format!(" │ filter “{}”", app.filter),
            theme.accent(),
        ));
    }
    let [l1, l2] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    f.render_widget(Paragraph::new(Line::from(first)), l1);

    if let Some(p) = app.progress {
        let ratio = if p.total == 0 {
            0.0
        } else {
            (p.done as f64 / p.total as f64).clamp(0.0, 1.0)
        };
        let gauge = Gauge::default()
            .gauge_style(theme.accent())
            .ratio(ratio)
            .label(format!("reading transcripts {}/{} files", p.done, p.total));
        f.render_widget(gauge, l2);
        return;
    }
    let t = &s.sources.transcripts;
    let mut second = vec![Span::raw(format!(
        " transcripts: {} files · {} sessions",
        t.files, t.sessions
    ))];
    if t.files == 0 {
        second.push(Span::styled(" · none found: try --demo", theme.bad()));
    }
    if let Some(when) = &app.last_change {
        second.push(Span::raw(format!(" · last change {when}")));
    }
    if t.skipped_lines > 0 {
        second.push(Span::styled(
            format!(" · {} skipped", plural(t.skipped_lines, "line")),
            theme.dim(),
        ));
    }
    if let Some(note) = &app.watch_note {
        second.push(Span::styled(format!(" · {note}"), theme.dim()));
    }
    let p = &s.sources.prometheus;
    let (text, style) = match p.status {
        PromStatus::Disabled if app.prom_waiting => {
            ("prometheus: first poll…".to_string(), theme.dim())
        }
        PromStatus::Disabled => ("prometheus: off".to_string(), theme.dim()),
        PromStatus::Ok => {
            let mut t = format!("prometheus: {}", prom_status_word(p.status));
            if let Some(at) = &p.last_poll {
                t += &format!(" · {}", clock_part(at));
            }
            if let Some(ms) = p.latency_ms {
                t += &format!(" · {ms} ms");
            }
            (t, theme.good())
        }
        PromStatus::Unreachable | PromStatus::Error => {
            let mut t = format!("prometheus: {}", prom_status_word(p.status));
            if let Some(e) = &p.error {
                t += &format!(" ({e})");
            }
            if let Some(age) = p.stale_secs {
                t += &format!(" · showing data {age}s old");
            }
            (t, theme.bad())
        }
    };
    second.push(Span::raw(" │ "));
    second.push(Span::styled(text, style));
    f.render_widget(Paragraph::new(Line::from(second)), l2);
}

/// Lines a pane needs to show all its rows, borders included.
fn pane_height(app: &App, pane: Pane, theme: Theme) -> u16 {
    let lines = match pane {
        Pane::Skills | Pane::Agents => app.items(pane).len(),
        Pane::Stages => app.snapshot.stages.order.len(),
        Pane::Success => 3 + app.worst_tools().len(),
        Pane::Missed => missed_lines(app, theme).len(),
        Pane::Insights => insight_lines(app, theme).len(),
    };
    u16::try_from(lines.max(1) + 2).unwrap_or(u16::MAX)
}

/// Heights of the three rows of panes: each gets what its content needs up to its share
/// (40/30/30); what a row does not need goes to the rows that need more, and what nobody
/// needs to the last row.
pub fn row_heights(total: u16, needs: [u16; 3]) -> [u16; 3] {
    let share = [
        total * 4 / 10,
        total * 3 / 10,
        total - total * 4 / 10 - total * 3 / 10,
    ];
    let mut h = [0u16; 3];
    for i in 0..3 {
        h[i] = needs[i].min(share[i]);
    }
    let mut spare = total - h.iter().sum::<u16>();
    while spare > 0 && (0..3).any(|i| h[i] < needs[i]) {
        for i in 0..3 {
            if spare > 0 && h[i] < needs[i] {
                h[i] += 1;
                spare -= 1;
            }
        }
    }
    h[2] += spare;
    h
}

const PAIRS: [(Pane, Pane); 3] = [
    (Pane::Skills, Pane::Agents),
    (Pane::Stages, Pane::Success),
    (Pane::Missed, Pane::Insights),
];

fn row_needs(app: &App, theme: Theme) -> [u16; 3] {
    PAIRS.map(|(l, r)| pane_height(app, l, theme).max(pane_height(app, r, theme)))
}

/// The screen height that shows every row of every pane (header and footer included).
pub fn full_height(app: &App, theme: Theme) -> u16 {
    row_needs(app, theme)
        .iter()
        .fold(3u16, |h, n| h.saturating_add(*n))
}

fn draw_body(f: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let pairs = PAIRS;
    let needs = row_needs(app, theme);
    let heights = row_heights(area.height, needs);
    let rows = Layout::vertical(heights.map(Constraint::Length)).split(area);
    for (row, (left, right)) in rows.iter().zip(pairs) {
        let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(*row);
        draw_pane(f, a, app, left, theme);
        draw_pane(f, b, app, right, theme);
    }
}

fn draw_pane(f: &mut Frame, area: Rect, app: &App, pane: Pane, theme: Theme) {
    let focused = app.focus == pane;
    let title = format!(" {} {} ", pane.index() + 1, pane.title());
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(
            title,
            if focused {
                theme.accent().add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            },
        ))
        .border_style(if focused { theme.accent() } else { theme.dim() });
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height == 0 || inner.width < 4 {
        return;
    }
    let lines = match pane {
        Pane::Skills | Pane::Agents => item_lines(app, pane, inner.width, theme),
        Pane::Stages => stage_lines(app, inner.width, theme),
        Pane::Success => {
            return draw_success(f, inner, app, theme);
        }
        Pane::Missed => missed_lines(app, theme),
        Pane::Insights => insight_lines(app, theme),
    };
    let lines = if lines.is_empty() {
        vec![(None, Line::styled(empty_text(app, pane), theme.dim()))]
    } else {
        lines
    };
    let selected = focused.then(|| app.selected(pane));
    f.render_widget(
        Paragraph::new(scrolled(lines, selected, inner.height, theme)),
        inner,
    );
}

fn empty_text(app: &App, pane: Pane) -> String {
    let range = &app.range().label;
    match pane {
        Pane::Skills => format!("no skill invocations in {range}"),
        Pane::Agents => format!("no subagent invocations in {range}"),
        Pane::Stages => "no workflow stages reached".into(),
        Pane::Success => "no tool calls".into(),
        Pane::Missed => "no missed opportunities".into(),
        Pane::Insights => "nothing to report".into(),
    }
}

/// Rows are tagged lines: `Some(i)` starts row `i` (selectable), `None` continues it.
type Rows<'a> = Vec<(Option<usize>, Line<'a>)>;

/// Keep the selected row visible and highlight it.
fn scrolled<'a>(
    rows: Rows<'a>,
    selected: Option<usize>,
    height: u16,
    theme: Theme,
) -> Vec<Line<'a>> {
    let height = height as usize;
    let sel_at = selected.and_then(|s| rows.iter().position(|(r, _)| *r == Some(s)));
    let skip = match sel_at {
        Some(at) if at >= height => at + 1 - height,
        _ => 0,
    };
    rows.into_iter()
        .enumerate()
        .skip(skip)
        .take(height)
        .map(|(i, (_, line))| {
            if Some(i) == sel_at {
                line.patch_style(theme.selected())
            } else {
                line
            }
        })
        .collect()
}

fn item_lines<'a>(app: &'a App, pane: Pane, width: u16, theme: Theme) -> Rows<'a> {
    let items = app.items(pane);
    let max = items.iter().map(|i| i.count).max().unwrap_or(0).max(1);
    let width = width as usize;
    // name | bar | count | trend | source
    let tail = 6 + 8 + 4;
    let name_w = items
        .iter()
        .map(|i| i.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(width.saturating_sub(tail + 6))
        .max(4);
    let bar_w = width.saturating_sub(name_w + tail + 2);
    items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let name = clip_name(&it.name, name_w);
            let filled = ((it.count as f64 / max as f64) * bar_w as f64).round() as usize;
            let filled = if it.count > 0 { filled.max(1) } else { 0 };
            // `all` has no previous range to compare with: every item would read "new".
            let trend = if app.range().length.is_none() {
                String::new()
            } else {
                trend_label(it)
            };
            let trend_style = if trend.starts_with('↑') || trend == "new" {
                theme.good()
            } else if trend.starts_with('↓') {
                theme.bad()
            } else {
                theme.dim()
            };
            let line = Line::from(vec![
                Span::raw(format!("{name:<name_w$} ")),
                Span::styled("█".repeat(filled.min(bar_w)), theme.accent()),
                Span::raw(" ".repeat(bar_w.saturating_sub(filled))),
                Span::raw(format!("{:>6}", it.count)),
                Span::styled(format!("{trend:>8}"), trend_style),
                Span::styled(format!(" {:<3}", source_mark(it.source)), theme.dim()),
            ]);
            (Some(i), line)
        })
        .collect()
}

fn stage_lines<'a>(app: &'a App, width: u16, theme: Theme) -> Rows<'a> {
    let wide = width >= 45;
    let st = &app.snapshot.stages;
    let n = st.sessions_with_stages;
    st.order
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            let count = st.counts.get(stage).copied().unwrap_or(0);
            let reached = st.sessions_reached.get(stage).copied().unwrap_or(0);
            let arrow = if i == 0 { "  " } else { "→ " };
            let prom = app
                .snapshot
                .prometheus_totals
                .as_ref()
                .and_then(|p| p.stages.get(stage));
            let mut spans = vec![
                Span::styled(arrow, theme.dim()),
                Span::styled(
                    format!("{stage:<11}"),
                    if reached == 0 {
                        theme.bad()
                    } else {
                        Style::default()
                    },
                ),
                Span::raw(format!("{count:>5}")),
            ];
            if let Some(p) = prom {
                spans.push(Span::styled(format!(" P{p:.0}"), theme.dim()));
            }
            if reached == 0 {
                spans.push(Span::styled("  never reached", theme.bad()));
            } else if reached < n {
                let text = if wide {
                    format!("  skipped in {}/{n} sessions", n - reached)
                } else {
                    format!("  skipped {}/{n}", n - reached)
                };
                spans.push(Span::styled(text, theme.dim()));
            }
            (Some(i), Line::from(spans))
        })
        .collect()
}

fn draw_success(f: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let s = &app.snapshot.success;
    let [gauge, split, rest] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    let ratio = s.overall.unwrap_or(0.0).clamp(0.0, 1.0);
    f.render_widget(
        LineGauge::default()
            .filled_style(if ratio >= 0.8 {
                theme.good()
            } else {
                theme.bad()
            })
            .label(format!("overall {} ", percent(s.overall, 0)))
            .ratio(ratio),
        gauge,
    );
    f.render_widget(
        Paragraph::new(Line::from({
            let mut v = vec![
                Span::raw(format!("with skills {}", percent(s.with_skills, 0))),
                Span::styled(" · ", theme.dim()),
                Span::raw(format!("without {}", percent(s.without_skills, 0))),
            ];
            if let Some(p) = app
                .snapshot
                .prometheus_totals
                .as_ref()
                .and_then(|p| p.success_rate)
            {
                v.push(Span::styled(
                    format!(" · P {}", percent(Some(p), 0)),
                    theme.dim(),
                ));
            }
            v
        })),
        split,
    );
    let tools = app.worst_tools();
    let rows: Rows = tools
        .iter()
        .enumerate()
        .map(|(i, t)| {
            (
                Some(i),
                Line::from(vec![
                    Span::raw(format!("{:<12}", clip(&t.name, 12))),
                    Span::raw(format!("{:>6}", t.count)),
                    Span::styled(format!("{:>6}", t.failures), theme.bad()),
                    Span::raw(format!("{:>6}", percent(t.success_rate, 0))),
                ]),
            )
        })
        .collect();
    let rows = if rows.is_empty() {
        vec![(None, Line::styled("no failing tools", theme.dim()))]
    } else {
        let head = Line::styled(
            format!(
                "{:<12}{:>6}{:>6}{:>6}",
                "worst tools", "calls", "fail", "ok"
            ),
            theme.dim(),
        );
        std::iter::once((None, head)).chain(rows).collect()
    };
    let selected = (app.focus == Pane::Success).then(|| app.selected(Pane::Success));
    f.render_widget(
        Paragraph::new(scrolled(rows, selected, rest.height, theme)),
        rest,
    );
}

fn missed_lines<'a>(app: &'a App, theme: Theme) -> Rows<'a> {
    let mut rows = Vec::new();
    for (i, m) in app
        .snapshot
        .missed_opportunities
        .iter()
        .filter(|m| app.keeps(&m.item))
        .enumerate()
    {
        rows.push((
            Some(i),
            Line::from(vec![
                Span::raw(m.item.clone()),
                Span::styled(format!("  {}", plural(m.count, "prompt")), theme.accent()),
            ]),
        ));
        if let Some(e) = m.examples.first() {
            rows.push((
                None,
                Line::styled(format!("  “{}”", one_line(&e.prompt)), theme.dim()),
            ));
        }
    }
    rows
}

fn severity_style(s: Severity, theme: Theme) -> Style {
    match s {
        Severity::High => theme.bad(),
        Severity::Medium => theme.fg(Color::Yellow),
        Severity::Low => theme.dim(),
    }
}

fn insight_lines<'a>(app: &'a App, theme: Theme) -> Rows<'a> {
    let s = &app.snapshot;
    let mut rows = Vec::new();
    for (i, (ins, rec)) in s
        .insights
        .iter()
        .zip(s.recommendations.iter())
        .filter(|(ins, _)| app.keeps(&ins.item))
        .enumerate()
    {
        let sev = severity_word(ins.severity);
        rows.push((
            Some(i),
            Line::from(vec![
                Span::styled(format!("{sev:<6} "), severity_style(ins.severity, theme)),
                Span::raw(ins.message.clone()),
            ]),
        ));
        rows.push((None, Line::styled(format!("       → {rec}"), theme.dim())));
    }
    rows
}

fn draw_footer(f: &mut Frame, area: Rect, app: &App, keys: &Bindings, theme: Theme) {
    let line = if app.filter_editing {
        Line::from(vec![
            Span::styled(" filter: ", theme.accent()),
            Span::raw(format!("{}▏", app.filter)),
            Span::styled("  Enter apply · Esc clear", theme.dim()),
        ])
    } else if let Some(msg) = &app.status {
        Line::from(Span::styled(format!(" {msg}"), theme.accent()))
    } else {
        let k = |a: Action| keys.keys_of(a).into_iter().next().unwrap_or_default();
        let hints = [
            (k(Action::NextPane), "panes"),
            ("↑↓".into(), "move"),
            (k(Action::Open), "details"),
            (k(Action::Range), "range"),
            (k(Action::Project), "project"),
            (k(Action::Filter), "filter"),
            (k(Action::Sort), "sort"),
            (k(Action::Export), "export"),
            (k(Action::Refresh), "refresh"),
            (k(Action::Help), "help"),
            (k(Action::Quit), "quit"),
        ];
        // Whole hints only: when the row is short the least needed ones drop (help and
        // quit stay; help lists everything).
        const PRIORITY: [usize; 11] = [9, 10, 0, 2, 7, 3, 4, 1, 5, 6, 8];
        let width = |(k, w): &(String, &str)| k.chars().count() + w.chars().count() + 3;
        let mut room = (area.width as usize).saturating_sub(1);
        let mut keep = vec![false; hints.len()];
        for i in PRIORITY {
            if width(&hints[i]) <= room {
                room -= width(&hints[i]);
                keep[i] = true;
            }
        }
        let mut spans = vec![Span::raw(" ")];
        for ((key, what), _) in hints.into_iter().zip(keep).filter(|(_, k)| *k) {
            spans.push(Span::styled(key, theme.accent()));
            spans.push(Span::raw(format!(" {what}  ")));
        }
        Line::from(spans)
    };
    f.render_widget(Paragraph::new(line), area);
}

fn popup(area: Rect, w_pct: u16, h_pct: u16) -> Rect {
    let w = (area.width * w_pct / 100).max(area.width.min(40));
    let h = (area.height * h_pct / 100).max(area.height.min(10));
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn draw_help(f: &mut Frame, area: Rect, keys: &Bindings, theme: Theme) {
    let area = popup(area, 70, 90);
    f.render_widget(Clear, area);
    let line = |k: String, what: &str| {
        Line::from(vec![
            Span::styled(format!("{k:>16}  "), theme.accent()),
            Span::raw(what.to_string()),
        ])
    };
    let panes: Vec<String> = (1..=6)
        .flat_map(|n| keys.keys_of(Action::Pane(n)).into_iter().take(1))
        .collect();
    let mut lines = vec![line(
        panes.join(" "),
        "Skills Agents Stages Success Missed Insights",
    )];
    for (_, action, what) in Action::ALL
        .iter()
        .filter(|(_, a, _)| !matches!(a, Action::Pane(_)))
    {
        lines.push(line(keys.keys_of(*action).join(" "), what));
    }
    // The marks of the panes, below the keys (cut first when the screen is short).
    lines.push(Line::raw(""));
    lines.push(line(
        "↑ ↓ ↔ new".into(),
        "trend vs the previous range (±10%)",
    ));
    lines.push(line(
        "T P TP".into(),
        "counted from transcripts, Prometheus, both",
    ));
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" Help — any key closes ")
                .title_alignment(Alignment::Center),
        ),
        area,
    );
}

fn draw_details(f: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let area = popup(area, 80, 90);
    f.render_widget(Clear, area);
    let sel = app.selected(app.focus);
    let s = &app.snapshot;
    let mut lines: Vec<Line> = Vec::new();
    let mut title = String::from(" Details ");
    let mut daily: Option<Vec<u64>> = None;
    // Drawn below the sparkline: its date axis, then the example prompts.
    let mut axis: Option<(String, String)> = None;
    let mut after: Vec<Line> = Vec::new();
    match app.focus {
        Pane::Skills | Pane::Agents => {
            if let Some(it) = app.items(app.focus).get(sel) {
                title = format!(" {} ", it.name);
                lines.push(Line::raw(format!(
                    "{} invocations in {} (previous range {}, {}) · {} sessions",
                    it.count,
                    app.range().label,
                    it.previous_count,
                    match trend_label(it).as_str() {
                        "" => "no trend".to_string(),
                        t => t.to_string(),
                    },
                    it.sessions
                )));
                lines.push(Line::raw(format!(
                    "success {} · tool success in sessions with it {} / without {}",
                    percent(it.success_rate, 0),
                    percent(it.success_with, 0),
                    percent(it.success_without, 0)
                )));
                let prom = it
                    .prometheus_count
                    .map_or(NONE.to_string(), |c| format!("{c:.0}"));
                lines.push(Line::raw(format!(
                    "source {} · Prometheus count {prom}",
                    source_mark(it.source)
                )));
                daily = Some(it.daily.iter().map(|d| d.count).collect());
                if let (Some(first), Some(last)) = (it.daily.first(), it.daily.last()) {
                    let peak = it.daily.iter().map(|d| d.count).max().unwrap_or(0);
                    lines.push(Line::styled(
                        format!("daily, {} → {} (peak {peak} a day):", first.date, last.date),
                        theme.dim(),
                    ));
                    axis = Some((first.date.clone(), last.date.clone()));
                }
                if let Some(m) = s.missed_opportunities.iter().find(|m| m.item == it.name) {
                    after.push(Line::raw(format!(
                        "{} matched it in sessions that never invoked it:",
                        plural(m.count, "prompt")
                    )));
                    for e in &m.examples {
                        after.push(Line::styled(format!("  “{}”", e.prompt), theme.dim()));
                    }
                }
            }
        }
        Pane::Stages => {
            if let Some(stage) = s.stages.order.get(sel) {
                title = format!(" stage {stage} ");
                let st = &s.stages;
                lines.push(Line::raw(format!(
                    "{} calls · reached in {}/{} sessions",
                    st.counts.get(stage).copied().unwrap_or(0),
                    st.sessions_reached.get(stage).copied().unwrap_or(0),
                    st.sessions_with_stages
                )));
                for t in st
                    .transitions
                    .iter()
                    .filter(|t| &t.from == stage || &t.to == stage)
                {
                    lines.push(Line::raw(format!("  {} → {}  {}×", t.from, t.to, t.count)));
                }
            }
        }
        Pane::Success => {
            if let Some(t) = app.worst_tools().get(sel) {
                title = format!(" tool {} ", t.name);
                lines.push(Line::raw(format!(
                    "{} calls · {} failed · success {}",
                    t.count,
                    t.failures,
                    percent(t.success_rate, 0)
                )));
            }
        }
        Pane::Missed => {
            let list: Vec<_> = s
                .missed_opportunities
                .iter()
                .filter(|m| app.keeps(&m.item))
                .collect();
            if let Some(m) = list.get(sel) {
                title = format!(" missed: {} ", m.item);
                lines.push(Line::raw(format!(
                    "{} prompts matched its triggers in sessions that never invoked it",
                    m.count
                )));
                for e in &m.examples {
                    lines.push(Line::raw(""));
                    lines.push(Line::raw(format!("  “{}”", e.prompt)));
                    lines.push(Line::styled(
                        format!(
                            "    session {} · triggers {}",
                            e.session,
                            e.triggers.join(", ")
                        ),
                        theme.dim(),
                    ));
                }
            }
        }
        Pane::Insights => {
            let list: Vec<_> = s
                .insights
                .iter()
                .zip(&s.recommendations)
                .filter(|(i, _)| app.keeps(&i.item))
                .collect();
            if let Some((i, rec)) = list.get(sel) {
                title = format!(" {} ", i.kind);
                lines.push(Line::from(vec![
                    Span::styled(severity_word(i.severity), severity_style(i.severity, theme)),
                    Span::raw(format!(" · {} · source {:?}", i.item, i.source).to_lowercase()),
                ]));
                lines.push(Line::raw(i.message.clone()));
                lines.push(Line::raw(""));
                lines.push(Line::styled(format!("→ {rec}"), theme.accent()));
            }
        }
    }
    let block = Block::bordered()
        .title(title)
        .title_bottom(" Esc closes ")
        .border_style(theme.accent());
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(d) = daily.filter(|d| !d.is_empty() && inner.height >= 8) else {
        lines.push(Line::raw(""));
        lines.extend(after);
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    };
    let spark_h = if inner.height >= 16 { 4 } else { 2 };
    let [text, spark, axis_area, _, rest] = Layout::vertical([
        Constraint::Length(lines.len() as u16),
        Constraint::Length(spark_h),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    f.render_widget(Paragraph::new(lines), text);
    // One column per day when the range is longer than the popup is wide (latest days
    // kept), otherwise each day widened to fill the row.
    let cols = spark.width as usize;
    let keep = d.len().saturating_sub(cols);
    let per = (cols / (d.len() - keep)).max(1);
    let data: Vec<u64> = d[keep..]
        .iter()
        .flat_map(|v| std::iter::repeat_n(*v, per))
        .collect();
    f.render_widget(
        Sparkline::default().data(&data).style(theme.accent()),
        spark,
    );
    if let Some((first, last)) = axis {
        let used = data.len();
        let gap = used.saturating_sub(first.chars().count() + last.chars().count());
        let label = if keep == 0 && gap >= 1 {
            format!("{first}{}{last}", " ".repeat(gap))
        } else {
            format!("… {last}")
        };
        f.render_widget(Paragraph::new(Line::styled(label, theme.dim())), axis_area);
    }
    f.render_widget(Paragraph::new(after).wrap(Wrap { trim: false }), rest);
}

#[cfg(test)]
mod tests {
    use super::row_heights;

    #[test]
    fn rows_get_what_they_need_and_share_the_rest() {
        // Everything fits: each row its need, the rest to the last one.
        assert_eq!(row_heights(37, [6, 10, 18]), [6, 10, 21]);
        // Too little room: shares first, then the spare to those still short.
        assert_eq!(row_heights(21, [6, 10, 18]), [6, 7, 8]);
        // Nothing needs much: the shares still add up to the whole.
        let h = row_heights(50, [3, 3, 3]);
        assert_eq!(h.iter().sum::<u16>(), 50);
        for total in 0..80 {
            assert_eq!(row_heights(total, [40, 40, 40]).iter().sum::<u16>(), total);
        }
    }
}
