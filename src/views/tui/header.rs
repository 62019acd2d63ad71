//! The two header lines: scope, range and filter; then the sources (or the first scan's
//! progress while it runs).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph};

use crate::model::format::{clock_part, date_part, plural, prom_status_word};
use crate::model::snapshot::{PromStatus, PrometheusSource};

use super::app::App;
use super::theme::Theme;

pub(crate) fn draw(f: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let [l1, l2] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    f.render_widget(Paragraph::new(scope_line(app, theme)), l1);
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
    f.render_widget(Paragraph::new(sources_line(app, theme)), l2);
}

fn scope_line(app: &App, theme: Theme) -> Line<'static> {
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
    let mut spans = vec![
        Span::styled(" skilltop ", theme.accent().add_modifier(Modifier::BOLD)),
        Span::raw(format!(" {scope} │ range {range}")),
    ];
    if !app.filter.is_empty() {
        spans.push(Span::styled(
            format!(" │ filter “{}”", app.filter),
            theme.accent(),
        ));
    }
    Line::from(spans)
}

fn sources_line(app: &App, theme: Theme) -> Line<'static> {
    let t = &app.snapshot.sources.transcripts;
    let mut spans = vec![Span::raw(format!(
        " transcripts: {} files · {} sessions",
        t.files, t.sessions
    ))];
    if t.files == 0 {
        spans.push(Span::styled(" · none found: try --demo", theme.bad()));
    }
    if let Some(last) = super::panes::idle_since(app) {
        // The date only: the panes say how long ago.
        let date = last.split(',').next().unwrap_or_default();
        spans.push(Span::styled(
            format!(" · none in range, last {date}"),
            theme.bad(),
        ));
    }
    if let Some(when) = &app.last_change {
        spans.push(Span::raw(format!(" · last change {when}")));
    }
    if t.skipped_lines > 0 {
        spans.push(Span::styled(
            format!(" · {} skipped", plural(t.skipped_lines, "line")),
            theme.dim(),
        ));
    }
    if let Some(note) = &app.watch_note {
        spans.push(Span::styled(format!(" · {note}"), theme.dim()));
    }
    let (text, style) = prometheus(&app.snapshot.sources.prometheus, app.prom_waiting, theme);
    spans.push(Span::raw(" │ "));
    spans.push(Span::styled(text, style));
    Line::from(spans)
}

/// "prometheus: ok · 12:00:00 · 35 ms", or why not.
fn prometheus(p: &PrometheusSource, waiting: bool, theme: Theme) -> (String, Style) {
    match p.status {
        PromStatus::Disabled if waiting => ("prometheus: first poll…".to_string(), theme.dim()),
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
    }
}
