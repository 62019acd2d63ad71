//! Drawing: the layout of the screen, from `App` only (never from the sources). The header,
//! the panes, the footer and the overlays each have their own file; every region degrades
//! on its own in small areas, and below `MIN_*` a notice replaces all.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, Overlay, Pane};
use super::keys::Bindings;
use super::{cost, details, footer, header, help, panes, projects};

pub use super::theme::Theme;

pub(crate) const MIN_WIDTH: u16 = 50;
pub(crate) const MIN_HEIGHT: u16 = 12;

pub fn draw(f: &mut Frame, app: &App, keys: &Bindings, theme: Theme) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "skilltop: terminal too small ({}×{}); needs {MIN_WIDTH}×{MIN_HEIGHT}",
            area.width, area.height
        );
        f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(6),
        Constraint::Length(footer_height(app)),
    ])
    .areas(area);
    header::draw(f, top, app, theme);
    draw_body(f, body, app, theme);
    if !app.printed {
        footer::draw(f, bottom, app, keys, theme);
    }
    match app.overlay {
        Overlay::Help => help::draw(f, body, keys, theme),
        Overlay::Details => details::draw(f, body, app, theme),
        Overlay::Projects => projects::draw(f, body, app, theme),
        Overlay::Cost => cost::draw(f, body, app, theme),
        Overlay::None => {}
    }
}

/// The panes, two a row.
const PAIRS: [(Pane, Pane); 3] = [
    (Pane::Skills, Pane::Agents),
    (Pane::Stages, Pane::Success),
    (Pane::Missed, Pane::Insights),
];

/// Heights of the three rows of panes: each gets what its content needs up to its share
/// (40/30/30); what a row does not need goes to the rows that need more, and what nobody
/// needs to the last row.
pub(crate) fn row_heights(total: u16, needs: [u16; 3]) -> [u16; 3] {
    let share = [
        total * 4 / 10,
        total * 3 / 10,
        total - total * 4 / 10 - total * 3 / 10,
    ];
    let mut h = [0u16; 3];
    for i in 0..3 {
        h[i] = needs[i].min(share[i]);
    }
    let mut spare = total - h.iter().sum::<u16>();
    while spare > 0 && (0..3).any(|i| h[i] < needs[i]) {
        for i in 0..3 {
            if spare > 0 && h[i] < needs[i] {
                h[i] += 1;
                spare -= 1;
            }
        }
    }
    h[2] += spare;
    h
}

fn row_needs(app: &App) -> [u16; 3] {
    PAIRS.map(|(l, r)| panes::height(app, l).max(panes::height(app, r)))
}

/// The key hints' row; a printed frame has no keys to hint at.
fn footer_height(app: &App) -> u16 {
    u16::from(!app.printed)
}

/// The screen height that shows every row of every pane (header and footer included).
pub(crate) fn full_height(app: &App) -> u16 {
    row_needs(app)
        .iter()
        .fold(2 + footer_height(app), |h, n| h.saturating_add(*n))
}

fn draw_body(f: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let heights = row_heights(area.height, row_needs(app));
    let rows = Layout::vertical(heights.map(Constraint::Length)).split(area);
    for (row, (left, right)) in rows.iter().zip(PAIRS) {
        let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(*row);
        panes::draw(f, a, app, left, theme);
        panes::draw(f, b, app, right, theme);
    }
}

#[cfg(test)]
mod tests {
    use super::row_heights;

    #[test]
    fn rows_get_what_they_need_and_share_the_rest() {
        // Everything fits: each row its need, the rest to the last one.
        assert_eq!(row_heights(37, [6, 10, 18]), [6, 10, 21]);
        // Too little room: shares first, then the spare to those still short.
        assert_eq!(row_heights(21, [6, 10, 18]), [6, 7, 8]);
        // Nothing needs much: the shares still add up to the whole.
        let h = row_heights(50, [3, 3, 3]);
        assert_eq!(h.iter().sum::<u16>(), 50);
        for total in 0..80 {
            assert_eq!(row_heights(total, [40, 40, 40]).iter().sum::<u16>(), total);
        }
    }
}
