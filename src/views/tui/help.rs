//! The help overlay: every key, then the marks the panes use.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::model::format::source_mark;
use crate::model::snapshot::Source;

use super::keys::{Action, Bindings};
use super::theme::Theme;

pub(crate) fn draw(f: &mut Frame, area: Rect, keys: &Bindings, theme: Theme) {
    // As tall as the body: at 80×24 every key still fits (the marks' legend gives way).
    let area = popup(area, 70, 100);
    f.render_widget(Clear, area);
    let line = |k: String, what: &str| {
        Line::from(vec![
            Span::styled(format!("{k:>16}  "), theme.accent()),
            Span::raw(what.to_string()),
        ])
    };
    let panes: Vec<String> = (1..=6)
        .flat_map(|n| keys.keys_of(Action::Pane(n)).into_iter().take(1))
        .collect();
    let mut lines = vec![line(
        panes.join(" "),
        "Skills Agents Stages Success Missed Insights",
    )];
    for (_, action, what) in Action::ALL
        .iter()
        .filter(|(_, a, _)| !matches!(a, Action::Pane(_)))
    {
        lines.push(line(keys.keys_of(*action).join(" "), what));
    }
    // The marks of the panes, below the keys (cut first when the screen is short).
    lines.push(Line::raw(""));
    lines.push(line(
        "↑ ↓ ↔ new".into(),
        "trend vs the previous range (±10%)",
    ));
    let marks = [Source::Transcripts, Source::Prometheus, Source::Both].map(source_mark);
    lines.push(line(
        marks.join(" "),
        "counted from transcripts, Prometheus, both",
    ));
    lines.push(line(
        "▒ █".into(),
        "a skill typed by you (/name), chosen by Claude",
    ));
    lines.push(line(
        "– unpriced $x+".into(),
        "nothing to show, tokens without a price, part unpriced",
    ));
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" Help — any key closes ")
                .title_alignment(Alignment::Center),
        ),
        area,
    );
}

/// A box of `w_pct`×`h_pct` of `area` (at least 40×10 when there is room), centred.
pub(crate) fn popup(area: Rect, w_pct: u16, h_pct: u16) -> Rect {
    let w = (area.width * w_pct / 100).max(area.width.min(40));
    let h = (area.height * h_pct / 100).max(area.height.min(10));
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
