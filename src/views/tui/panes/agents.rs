//! Pane 2: subagents, drawn and sorted like the skills.

use crate::model::snapshot::ItemStat;

use super::Lines;
use super::skills::{filtered_and_sorted, item_lines};
use crate::views::tui::app::App;
use crate::views::tui::theme::Theme;

/// The agents on screen: filtered by name, in the chosen order.
pub(crate) fn rows(app: &App) -> Vec<&ItemStat> {
    filtered_and_sorted(app, &app.snapshot.agents)
}

pub(crate) fn lines<'a>(app: &'a App, width: u16, theme: Theme) -> Lines<'a> {
    item_lines(app, &rows(app), width, theme)
}
