//! Pane 5: skills and agents that requests called for in sessions where they never ran,
//! each with its first example prompt.

use ratatui::text::{Line, Span};

use crate::model::format::{clip_names_to, clip_words, one_line, plural};
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

/// The item and its count, then its first example cut at a word with `…`.
pub(crate) fn lines<'a>(app: &'a App, width: u16, theme: Theme) -> Lines<'a> {
    let width = width as usize;
    let rows = rows(app);
    let counts: Vec<String> = rows
        .iter()
        .map(|m| format!("  {}", plural(m.count, "prompt")))
        .collect();
    // Each name in the room its count leaves, cut so that no two read the same.
    let sized: Vec<(&str, usize)> = rows
        .iter()
        .zip(&counts)
        .map(|(m, c)| {
            (
                m.item.as_str(),
                width.saturating_sub(c.chars().count()).max(8),
            )
        })
        .collect();
    let names = clip_names_to(&sized);
    let mut lines = Vec::new();
    for (i, ((m, count), name)) in rows.into_iter().zip(counts).zip(names).enumerate() {
        lines.push((
            Some(i),
            Line::from(vec![Span::raw(name), Span::styled(count, theme.accent())]),
        ));
        if let Some(e) = m.examples.first() {
            let quoted = format!("“{}”", one_line(&e.prompt));
            lines.push((
                None,
                Line::styled(
                    format!("  {}", clip_words(&quoted, width.saturating_sub(2))),
                    theme.dim(),
                ),
            ));
        }
    }
    lines
}
