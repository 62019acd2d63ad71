//! Pane 3: the workflow stages in their expected order, with how often each was reached.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Lines;
use crate::views::tui::app::App;
use crate::views::tui::theme::Theme;

/// The stages, in the workflow's order (the filter does not apply to them).
pub(crate) fn rows(app: &App) -> Vec<&String> {
    app.snapshot.stages.order.iter().collect()
}

pub(crate) fn lines<'a>(app: &'a App, width: u16, theme: Theme) -> Lines<'a> {
    let wide = width >= 45;
    let st = &app.snapshot.stages;
    let n = st.sessions_with_stages;
    rows(app)
        .into_iter()
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
