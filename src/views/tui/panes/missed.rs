//! Pane 5: skills and agents that requests called for in sessions where they never ran,
//! each with its first example prompt.

use ratatui::text::{Line, Span};

use crate::model::format::{one_line, plural};
use crate::model::snapshot::MissedOpportunity;

use super::Lines;
use crate::views::tui::app::App;
use crate::views::tui::theme::Theme;

/// The missed opportunities, filtered by the item's name.
pub(crate) fn rows(app: &App) -> Vec<&MissedOpportunity> {
    app.snapshot
        .missed_opportunities
        .iter()
        .filter(|m| app.keeps(&m.item))
        .collect()
}

/// One line a row, two when it has an example.
pub(crate) fn height(app: &App) -> usize {
    rows(app)
        .iter()
        .map(|m| 1 + usize::from(!m.examples.is_empty()))
        .sum()
}

pub(crate) fn lines<'a>(app: &'a App, theme: Theme) -> Lines<'a> {
    let mut lines = Vec::new();
    for (i, m) in rows(app).into_iter().enumerate() {
        lines.push((
            Some(i),
            Line::from(vec![
                Span::raw(m.item.clone()),
                Span::styled(format!("  {}", plural(m.count, "prompt")), theme.accent()),
            ]),
        ));
        if let Some(e) = m.examples.first() {
            lines.push((
                None,
                Line::styled(format!("  “{}”", one_line(&e.prompt)), theme.dim()),
            ));
        }
    }
    lines
}
