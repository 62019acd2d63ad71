//! Pane 4: overall tool success as a gauge, with and without skills, then the tools that
//! failed, worst first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph};

use crate::model::format::{clip_names, percent};
use crate::model::snapshot::ToolStat;

use super::{Hidden, Lines, scrolled};
use crate::views::tui::app::{App, Pane};
use crate::views::tui::theme::Theme;

/// Tools that failed at least once, filtered by name, worst success first (then the most
/// called).
pub(crate) fn rows(app: &App) -> Vec<&ToolStat> {
    let mut v: Vec<_> = app
        .snapshot
        .tools
        .iter()
        .filter(|t| t.failures > 0 && app.keeps(&t.name))
        .collect();
    v.sort_by(|a, b| {
        let r = |t: &ToolStat| t.success_rate.unwrap_or(1.0);
        r(a).total_cmp(&r(b)).then_with(|| b.count.cmp(&a.count))
    });
    v
}

/// The gauge, the with/without line and the table's heading, then one line a tool.
pub(crate) fn height(app: &App) -> usize {
    match rows(app).len() {
        0 => 2 + super::empty_text(app, Pane::Success).len(),
        n => 3 + n,
    }
}

/// Draws the pane's inside; returns the rows out of sight.
pub(crate) fn draw(f: &mut Frame, area: Rect, app: &App, theme: Theme) -> Hidden {
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
    // Says whose calls the two rates count, when the row has the room.
    let (with, without) = (percent(s.with_skills, 0), percent(s.without_skills, 0));
    let long = format!("sessions with skills {with} · without {without}");
    let lead = if long.chars().count() <= split.width as usize {
        "sessions with skills"
    } else {
        "with skills"
    };
    let mut split_line = vec![
        Span::raw(format!("{lead} {with}")),
        Span::styled(" · ", theme.dim()),
        Span::raw(format!("without {without}")),
    ];
    if let Some(p) = app
        .snapshot
        .prometheus_totals
        .as_ref()
        .and_then(|p| p.success_rate)
    {
        split_line.push(Span::styled(
            format!(" · P {}", percent(Some(p), 0)),
            theme.dim(),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(split_line)), split);
    let selected = (app.focus == Pane::Success).then(|| app.selected(Pane::Success));
    let (lines, hidden) = scrolled(
        tool_lines(app, rest.width as usize, theme),
        selected,
        rest.height,
        theme,
    );
    f.render_widget(Paragraph::new(lines), rest);
    hidden
}

fn tool_lines<'a>(app: &App, width: usize, theme: Theme) -> Lines<'a> {
    let rows = rows(app);
    // As wide as the longest name, when the pane has the room (the numbers take 18).
    let name_w = rows
        .iter()
        .map(|t| t.name.chars().count() + 1)
        .max()
        .unwrap_or(0)
        .clamp(12, width.saturating_sub(18).max(12));
    // Cut so that no two tools read the same (`mcp__github__create_pull_req…` twice).
    let names: Vec<&str> = rows.iter().map(|t| t.name.as_str()).collect();
    let names = clip_names(&names, name_w - 1);
    let rows: Lines = rows
        .iter()
        .zip(names)
        .enumerate()
        .map(|(i, (t, name))| {
            (
                Some(i),
                Line::from(vec![
                    Span::raw(format!("{name:<name_w$}")),
                    Span::raw(format!("{:>6}", t.count)),
                    Span::styled(format!("{:>6}", t.failures), theme.bad()),
                    Span::raw(format!("{:>6}", percent(t.success_rate, 0))),
                ]),
            )
        })
        .collect();
    if rows.is_empty() {
        return super::empty_text(app, Pane::Success)
            .into_iter()
            .map(|t| (None, Line::styled(t, theme.dim())))
            .collect();
    }
    let head = Line::styled(
        format!(
            "{:<name_w$}{:>6}{:>6}{:>6}",
            "worst tools", "calls", "fail", "ok"
        ),
        theme.dim(),
    );
    std::iter::once((None, head)).chain(rows).collect()
}
