//! Pane 6: findings, each with its recommendation.

use ratatui::text::{Line, Span};

use crate::model::format::{severity_word, wrap_words};
use crate::model::snapshot::Insight;

use super::Lines;
use crate::views::tui::app::App;
use crate::views::tui::theme::Theme;

/// Each finding with its recommendation, filtered by the finding's item.
pub(crate) fn rows(app: &App) -> Vec<(&Insight, &String)> {
    let s = &app.snapshot;
    s.insights
        .iter()
        .zip(s.recommendations.iter())
        .filter(|(ins, _)| app.keeps(&ins.item))
        .collect()
}

/// Lines a finding's text and its recommendation may take; past them the last line is cut
/// with `…` (the details show both whole).
const FINDING_LINES: usize = 3;
const ADVICE_LINES: usize = 2;

/// The lines of all rows at the pane's inner `width`.
pub(crate) fn height(app: &App, width: u16) -> usize {
    rows(app)
        .into_iter()
        .map(|r| {
            let (finding, advice) = wrapped(r, width);
            finding.len() + advice.len()
        })
        .sum()
}

/// A finding and its recommendation wrapped between words under the severity column.
fn wrapped((ins, rec): (&Insight, &String), width: u16) -> (Vec<String>, Vec<String>) {
    let w = (width as usize).saturating_sub(7).max(1);
    (
        wrap_words(&ins.message, w, FINDING_LINES),
        wrap_words(&format!("→ {rec}"), w, ADVICE_LINES),
    )
}

/// Each finding wrapped to the pane, its recommendation dimmed below it.
pub(crate) fn lines<'a>(app: &'a App, width: u16, theme: Theme) -> Lines<'a> {
    let mut lines = Vec::new();
    for (i, row) in rows(app).into_iter().enumerate() {
        let (finding, advice) = wrapped(row, width);
        let sev = severity_word(row.0.severity);
        for (k, text) in finding.into_iter().enumerate() {
            let head = if k == 0 {
                Span::styled(format!("{sev:<6} "), theme.severity(row.0.severity))
            } else {
                Span::raw("       ")
            };
            lines.push((
                (k == 0).then_some(i),
                Line::from(vec![head, Span::raw(text)]),
            ));
        }
        for text in advice {
            lines.push((None, Line::styled(format!("       {text}"), theme.dim())));
        }
    }
    lines
}
