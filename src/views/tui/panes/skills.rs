//! Pane 1: skills by invocations, with a bar, the cost, the trend and where the count comes
//! from.
//! The Agents pane shares the drawing and the sorting.

use ratatui::text::{Line, Span};

use crate::model::format::{clip_names, item_cost, source_mark, trend_label};
use crate::model::snapshot::ItemStat;

use super::Lines;
use crate::views::tui::app::{App, Sort};
use crate::views::tui::theme::Theme;

/// The skills on screen: filtered by name, in the chosen order.
pub(crate) fn rows(app: &App) -> Vec<&ItemStat> {
    filtered_and_sorted(app, &app.snapshot.skills)
}

pub(crate) fn lines<'a>(app: &'a App, width: u16, theme: Theme) -> Lines<'a> {
    item_lines(app, &rows(app), width, theme)
}

/// `list` filtered by name and sorted as the `s` key chose (count keeps the snapshot's
/// order, which is by count).
pub(crate) fn filtered_and_sorted<'a>(app: &App, list: &'a [ItemStat]) -> Vec<&'a ItemStat> {
    let mut v: Vec<&ItemStat> = list.iter().filter(|i| app.keeps(&i.name)).collect();
    match app.sort {
        Sort::Count => {}
        // As people read names: `Explore` among the e's, not before every lower case.
        Sort::Name => v.sort_by(|a, b| {
            (a.name.to_lowercase(), &a.name).cmp(&(b.name.to_lowercase(), &b.name))
        }),
        Sort::Trend => v.sort_by(|a, b| {
            let t = |i: &ItemStat| i.trend_pct.unwrap_or(f64::INFINITY);
            t(b).total_cmp(&t(a)).then_with(|| a.name.cmp(&b.name))
        }),
        Sort::Cost => v.sort_by(|a, b| {
            b.cost_usd
                .total_cmp(&a.cost_usd)
                .then(b.count.cmp(&a.count))
                .then_with(|| a.name.cmp(&b.name))
        }),
    }
    v
}

/// name | bar | count | cost | trend | source, the bar taking the room the rest leaves; the
/// cost only in panes of 48 columns or more.
pub(crate) fn item_lines<'a>(
    app: &App,
    items: &[&ItemStat],
    width: u16,
    theme: Theme,
) -> Lines<'a> {
    // One scale for Skills and Agents: the same count draws the same bar in both.
    let both: Vec<&ItemStat> = rows(app)
        .into_iter()
        .chain(super::agents::rows(app))
        .collect();
    let max = both.iter().map(|i| i.count).max().unwrap_or(0).max(1);
    let width = width as usize;
    // The cost column only where names keep room beside it (not in 40-column panes).
    let cost_w = if width >= 48 { 8 } else { 0 };
    let tail = 6 + cost_w + 8 + 4;
    let name_w = both
        .iter()
        .map(|i| i.name.chars().count())
        .max()
        .unwrap_or(0)
        // Names before bars: a bar of 4 still compares, a cut name may mislead.
        .min(width.saturating_sub(tail + 5))
        .max(4);
    let bar_w = width.saturating_sub(name_w + tail + 2);
    // Cut so that no two rows read the same.
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    let names = clip_names(&names, name_w);
    items
        .iter()
        .zip(names)
        .enumerate()
        .map(|(i, (it, name))| {
            let filled = ((it.count as f64 / max as f64) * bar_w as f64).round() as usize;
            let filled = if it.count > 0 { filled.max(1) } else { 0 };
            // `all` has no previous range to compare with: every item would read "new".
            let trend = if app.range().length.is_none() {
                String::new()
            } else {
                trend_label(it)
            };
            let trend_style = if trend.starts_with('↑') || trend == "new" {
                theme.good()
            } else if trend.starts_with('↓') {
                theme.bad()
            } else {
                theme.dim()
            };
            // Of a skill's bar, the part you typed (`/name`) is drawn apart from the part
            // Claude chose: how each skill is invoked, at a glance.
            let filled = filled.min(bar_w);
            let typed = it.invoked_by.map_or(0, |b| {
                let part = (b.user as f64 / it.count.max(1) as f64 * filled as f64).round();
                (part as usize).max(usize::from(b.user > 0)).min(filled)
            });
            let line = Line::from(vec![
                Span::raw(format!("{name:<name_w$} ")),
                Span::styled("█".repeat(filled - typed), theme.accent()),
                Span::styled("▒".repeat(typed), theme.accent()),
                Span::raw(" ".repeat(bar_w.saturating_sub(filled))),
                Span::raw(format!("{:>6}", it.count)),
                Span::raw(if cost_w > 0 {
                    format!("{:>cost_w$}", item_cost(it))
                } else {
                    String::new()
                }),
                Span::styled(format!("{trend:>8}"), trend_style),
                Span::styled(format!(" {:<3}", source_mark(it.source)), theme.dim()),
            ]);
            (Some(i), line)
        })
        .collect()
}
