//! Pane 6: findings, each with its recommendation.

use ratatui::text::{Line, Span};

use crate::model::format::{clip_words, severity_word};
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

/// Two lines a row: the finding, then its recommendation.
pub(crate) fn height(app: &App) -> usize {
    2 * rows(app).len()
}

/// Each line cut to the pane at a word, with `…` (the details show it whole).
pub(crate) fn lines<'a>(app: &'a App, width: u16, theme: Theme) -> Lines<'a> {
    let w = (width as usize).saturating_sub(7);
    let mut lines = Vec::new();
    for (i, (ins, rec)) in rows(app).into_iter().enumerate() {
        let sev = severity_word(ins.severity);
        lines.push((
            Some(i),
            Line::from(vec![
                Span::styled(format!("{sev:<6} "), theme.severity(ins.severity)),
                Span::raw(clip_words(&ins.message, w)),
            ]),
        ));
        lines.push((
            None,
            Line::styled(
                format!("       {}", clip_words(&format!("→ {rec}"), w)),
                theme.dim(),
            ),
        ));
    }
    lines
}
