//! The two header lines: scope, range and filter; then the sources (or the first scan's
//! progress while it runs).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph};

use crate::model::format::{clip_words, clock_part, date_part, plural, prom_status_word, usd};
use crate::model::snapshot::{PromStatus, PrometheusSource};

use super::app::App;
use super::theme::Theme;

pub(crate) fn draw(f: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let [l1, l2] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    f.render_widget(Paragraph::new(scope_line(app, l1.width, theme)), l1);
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
    f.render_widget(Paragraph::new(sources_line(app, l2.width, theme)), l2);
}

/// The cost in range and its trend against the previous range: `$12.34 ↑ +20%`; `unpriced`
/// when there were tokens and none could be priced.
/// No trend over `all` (no range before it).
pub(crate) fn cost_words(s: &crate::model::snapshot::Snapshot, trend: bool) -> String {
    if s.totals.cost_usd == 0.0 && !s.prices.unpriced.is_empty() {
        return "unpriced".to_string();
    }
    // No response in range: nothing was spent, which "$0.00" would read as a price.
    if s.totals.cost_usd == 0.0 && s.costs.by_model.iter().all(|r| r.responses == 0) {
        return "no spend".to_string();
    }
    let now = s.totals.cost_usd;
    let trend = match s.totals.previous_cost_usd.filter(|p| *p > 0.0) {
        _ if !trend => String::new(),
        None if now > 0.0 => " new".to_string(),
        None => String::new(),
        Some(prev) => {
            let p = (now - prev) / prev * 100.0;
            let arrow = if p > 10.0 {
                "↑"
            } else if p < -10.0 {
                "↓"
            } else {
                "↔"
            };
            format!(" {arrow} {p:+.0}%")
        }
    };
    format!("{}{trend}", usd(now))
}

fn scope_line(app: &App, width: u16, theme: Theme) -> Line<'static> {
    let s = &app.snapshot;
    let scope = match &s.scope.project {
        Some(p) => format!("project {p}"),
        None => "all projects".to_string(),
    };
    let cost = format!(" │ {}", cost_words(s, app.range().length.is_some()));
    let filter = if app.filter.is_empty() {
        0
    } else {
        app.filter.chars().count() + 12
    };
    // The dates go first when the cost would not fit beside them.
    let short = 12
        + scope.chars().count()
        + 9
        + app.range().label.chars().count()
        + 26
        + cost.chars().count()
        + filter
        > width as usize;
    let range = if s.scope.start.is_empty() || short {
        app.range().label.clone()
    } else {
        format!(
            "{} ({} → {})",
            app.range().label,
            date_part(&s.scope.start),
            date_part(&s.scope.end)
        )
    };
    // Then a long project path gives way from its start, so the cost stays in sight.
    let room = (width as usize)
        .saturating_sub(11 + 9 + range.chars().count() + cost.chars().count() + filter);
    let scope = match &s.scope.project {
        Some(p) if scope.chars().count() > room && room > 12 => {
            let keep = room - 9;
            let tail: String = p.chars().skip(p.chars().count() - keep).collect();
            format!("project …{tail}")
        }
        _ => scope,
    };
    let mut spans = vec![
        Span::styled(" skilltop ", theme.accent().add_modifier(Modifier::BOLD)),
        Span::raw(format!(" {scope} │ range {range}")),
        Span::styled(cost, theme.accent()),
    ];
    if !app.filter.is_empty() {
        spans.push(Span::styled(
            format!(" │ filter “{}”", app.filter),
            theme.accent(),
        ));
    }
    Line::from(spans)
}

fn sources_line(app: &App, width: u16, theme: Theme) -> Line<'static> {
    let s = &app.snapshot;
    let t = &s.sources.transcripts;
    // Sessions in scope and range first: the files on disk may hold other projects.
    let mut spans = vec![Span::raw(format!(
        " {} in {} · {} on disk",
        plural(s.totals.sessions, "session"),
        app.range().label,
        plural(t.files, "file"),
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
    // The last activity when the range has some, if Prometheus's words still fit.
    let last = s
        .scope
        .last_activity
        .as_ref()
        .filter(|_| super::panes::idle_since(app).is_none())
        .map(|l| format!(" · last {}", last_seen(l, app)));
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
    // Prometheus's words take what is left; its error is cut inside its parentheses.
    let width = width as usize;
    let used: usize = spans
        .iter()
        .map(|s| s.content.chars().count())
        .sum::<usize>()
        + 3;
    let full = prometheus(&s.sources.prometheus, app.prom_waiting, usize::MAX, theme);
    let last_w = last.as_ref().map_or(0, |l| l.chars().count());
    if let Some(l) = last
        && used + last_w + full.0.chars().count() <= width
    {
        spans.push(Span::styled(l, theme.dim()));
    }
    let used: usize = spans
        .iter()
        .map(|s| s.content.chars().count())
        .sum::<usize>()
        + 3;
    let room = width.saturating_sub(used);
    let (text, style) = prometheus(&s.sources.prometheus, app.prom_waiting, room, theme);
    spans.push(Span::raw(" │ "));
    spans.push(Span::styled(text, style));
    Line::from(spans)
}

/// The last activity in the query's zone: `2026-11-24 14:02`.
fn last_seen(rfc3339: &str, app: &App) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339).map_or_else(
        |_| date_part(rfc3339).to_string(),
        |t| {
            t.with_timezone(&app.query.timezone)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        },
    )
}

/// "prometheus: ok · 12:00:00 · 35 ms", or why not.
fn prometheus(p: &PrometheusSource, waiting: bool, room: usize, theme: Theme) -> (String, Style) {
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
            let age = p
                .stale_secs
                .map_or(String::new(), |a| format!(" · showing data {a}s old"));
            if let Some(e) = &p.error {
                let fixed = t.chars().count() + age.chars().count() + 3;
                let e = clip_words(e, room.saturating_sub(fixed).max(8));
                t += &format!(" ({e})");
            }
            t += &age;
            (t, theme.bad())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::cost_words;
    use crate::model::snapshot::Snapshot;

    #[test]
    fn cost_words_say_the_trend_new_or_unpriced() {
        let mut s = Snapshot::default();
        s.totals.cost_usd = 12.34;
        s.totals.previous_cost_usd = Some(10.0);
        assert_eq!(cost_words(&s, true), "$12.34 ↑ +23%");
        assert_eq!(cost_words(&s, false), "$12.34", "no trend over `all`");
        s.totals.previous_cost_usd = Some(12.0);
        assert_eq!(cost_words(&s, true), "$12.34 ↔ +3%");
        s.totals.previous_cost_usd = None;
        assert_eq!(cost_words(&s, true), "$12.34 new");
        s.totals.cost_usd = 0.0;
        assert_eq!(cost_words(&s, true), "no spend", "no response in range");
        s.costs.by_model = vec![crate::model::snapshot::CostRow {
            name: "claude-sonnet-4-5".into(),
            responses: 1,
            ..Default::default()
        }];
        assert_eq!(cost_words(&s, true), "$0.00", "a response without tokens");
        s.prices.unpriced = vec!["claude-future-9".into()];
        assert_eq!(
            cost_words(&s, true),
            "unpriced",
            "tokens and no price: never $0"
        );
    }
}
