//! The footer: the filter being typed, a message (export path, errors), or the key hints
//! that fit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::App;
use super::keys::{Action, Bindings};
use super::theme::Theme;

pub(crate) fn draw(f: &mut Frame, area: Rect, app: &App, keys: &Bindings, theme: Theme) {
    let line = if app.filter_editing {
        Line::from(vec![
            Span::styled(" filter: ", theme.accent()),
            Span::raw(format!("{}▏", app.filter)),
            Span::styled("  Enter apply · Esc clear", theme.dim()),
        ])
    } else if let Some(msg) = &app.status {
        Line::from(Span::styled(format!(" {msg}"), theme.accent()))
    } else {
        hints(area.width, keys, theme)
    };
    f.render_widget(Paragraph::new(line), area);
}

/// Whole hints only: when the row is short the least needed ones drop (help and quit stay;
/// help lists everything).
fn hints(width: u16, keys: &Bindings, theme: Theme) -> Line<'static> {
    let k = |a: Action| keys.keys_of(a).into_iter().next().unwrap_or_default();
    let hints = [
        (k(Action::NextPane), "panes"),
        ("↑↓".into(), "move"),
        (k(Action::Open), "details"),
        (k(Action::Range), "range"),
        (k(Action::Project), "project"),
        (k(Action::Projects), "projects"),
        (k(Action::Cost), "cost"),
        (k(Action::Filter), "filter"),
        (k(Action::Sort), "sort"),
        (k(Action::Export), "export"),
        (k(Action::Refresh), "refresh"),
        (k(Action::Help), "help"),
        (k(Action::Quit), "quit"),
    ];
    const PRIORITY: [usize; 13] = [11, 12, 0, 2, 5, 3, 6, 9, 4, 1, 7, 8, 10];
    let needs = |(k, w): &(String, &str)| k.chars().count() + w.chars().count() + 3;
    let mut room = (width as usize).saturating_sub(1);
    let mut keep = vec![false; hints.len()];
    for i in PRIORITY {
        if needs(&hints[i]) <= room {
            room -= needs(&hints[i]);
            keep[i] = true;
        }
    }
    let mut spans = vec![Span::raw(" ")];
    for ((key, what), _) in hints.into_iter().zip(keep).filter(|(_, k)| *k) {
        spans.push(Span::styled(key, theme.accent()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    Line::from(spans)
}
