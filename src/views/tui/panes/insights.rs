//! Pane 6: findings, each with its recommendation.

use ratatui::text::{Line, Span};

use crate::model::format::severity_word;
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

pub(crate) fn lines<'a>(app: &'a App, theme: Theme) -> Lines<'a> {
    let mut lines = Vec::new();
    for (i, (ins, rec)) in rows(app).into_iter().enumerate() {
        let sev = severity_word(ins.severity);
        lines.push((
            Some(i),
            Line::from(vec![
                Span::styled(format!("{sev:<6} "), theme.severity(ins.severity)),
                Span::raw(ins.message.clone()),
            ]),
        ));
        lines.push((None, Line::styled(format!("       → {rec}"), theme.dim())));
    }
    lines
}
