//! The six panes, one file each. Each pane's `rows` is the one place that filters and sorts
//! its rows: drawing, the pane's height, the selection and the details all use it.

pub(crate) mod agents;
pub(crate) mod insights;
pub(crate) mod missed;
pub(crate) mod skills;
pub(crate) mod stages;
pub(crate) mod success;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::app::{App, Pane, Sort};
use super::theme::Theme;
use crate::model::snapshot::PromStatus;

/// Lines tagged with their row: `Some(i)` starts row `i` (selectable), `None` continues it.
pub(crate) type Lines<'a> = Vec<(Option<usize>, Line<'a>)>;

/// How many rows `pane` has, filtered as on screen.
pub(crate) fn row_count(app: &App, pane: Pane) -> usize {
    match pane {
        Pane::Skills => skills::rows(app).len(),
        Pane::Agents => agents::rows(app).len(),
        Pane::Stages => stages::rows(app).len(),
        Pane::Success => success::rows(app).len(),
        Pane::Missed => missed::rows(app).len(),
        Pane::Insights => insights::rows(app).len(),
    }
}

/// Lines a pane needs to show all its rows, borders included, `width` columns wide.
pub(crate) fn height(app: &App, pane: Pane, width: u16) -> u16 {
    let lines = match pane {
        Pane::Success => success::height(app),
        _ if row_count(app, pane) == 0 => empty_text(app, pane).len(),
        Pane::Skills | Pane::Agents | Pane::Stages => row_count(app, pane),
        Pane::Missed => missed::height(app),
        Pane::Insights => insights::height(app, width.saturating_sub(2)),
    };
    u16::try_from(lines.max(1) + 2).unwrap_or(u16::MAX)
}

/// The pane in its bordered box, titled with its number; the focused one highlighted.
pub(crate) fn draw(f: &mut Frame, area: Rect, app: &App, pane: Pane, theme: Theme) {
    let focused = app.focus == pane;
    // Skills and Agents follow the `s` key: a sort other than by count is named.
    let sorted = match app.sort {
        Sort::Count => "",
        Sort::Name => " by name",
        Sort::Trend => " by trend",
        Sort::Cost => " by cost",
    };
    let sorted = if matches!(pane, Pane::Skills | Pane::Agents) {
        sorted
    } else {
        ""
    };
    let title = format!(" {} {}{sorted} ", pane.index() + 1, pane.title());
    // What the pane's marks mean, on its top border at the right, as much as fits.
    let room = (area.width as usize).saturating_sub(title.chars().count() + 3);
    let hint = hints(app, pane)
        .into_iter()
        .find(|h| h.chars().count() + 2 <= room);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(
            title,
            if focused {
                theme.accent().add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            },
        ))
        .border_style(if focused { theme.accent() } else { theme.dim() });
    if let Some(h) = hint {
        block = block.title_top(Line::styled(format!(" {h} "), theme.dim()).right_aligned());
    }
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height == 0 || inner.width < 4 {
        return;
    }
    let lines = match pane {
        Pane::Skills => skills::lines(app, inner.width, theme),
        Pane::Agents => agents::lines(app, inner.width, theme),
        Pane::Stages => stages::lines(app, inner.width, theme),
        Pane::Success => {
            let hidden = success::draw(f, inner, app, theme);
            return more_mark(f, area, hidden, theme);
        }
        Pane::Missed => missed::lines(app, inner.width, theme),
        Pane::Insights => insights::lines(app, inner.width, theme),
    };
    let lines = if lines.is_empty() {
        empty_text(app, pane)
            .into_iter()
            .map(|t| (None, Line::styled(t, theme.dim())))
            .collect()
    } else {
        lines
    };
    let selected = focused.then(|| app.selected(pane));
    let (lines, hidden) = scrolled(lines, selected, inner.height, theme);
    f.render_widget(Paragraph::new(lines), inner);
    more_mark(f, area, hidden, theme);
}

/// Rows out of sight: above the first shown line and below the last.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Hidden {
    pub(crate) above: usize,
    pub(crate) below: usize,
}

/// "↓ 6 more" on the pane's bottom border, at the right, when rows are out of sight.
pub(crate) fn more_mark(f: &mut Frame, area: Rect, hidden: Hidden, theme: Theme) {
    let text = match (hidden.above, hidden.below) {
        (0, 0) => return,
        (0, b) => format!(" ↓ {b} more "),
        (a, 0) => format!(" ↑ {a} more "),
        (a, b) => format!(" ↑ {a} · ↓ {b} more "),
    };
    let w = text.chars().count() as u16;
    if area.height < 2 || area.width < w + 4 {
        return;
    }
    let at = Rect {
        x: area.right() - 2 - w,
        y: area.bottom() - 1,
        width: w,
        height: 1,
    };
    f.render_widget(Paragraph::new(Line::styled(text, theme.accent())), at);
}

/// A pane's legend, longest first: the marks and ratios its rows use, in the fewest words.
fn hints(app: &App, pane: Pane) -> Vec<String> {
    let r = &app.range().label;
    let prom = app.snapshot.sources.prometheus.status != PromStatus::Disabled;
    match pane {
        Pane::Skills | Pane::Agents => {
            let typed = pane == Pane::Skills
                && app
                    .snapshot
                    .skills
                    .iter()
                    .any(|s| s.invoked_by.is_some_and(|b| b.user > 0));
            if typed {
                // Some skills were typed: say which part of a bar that is, first.
                return vec![
                    "▒ typed by you · █ chosen by Claude".into(),
                    "▒ typed · █ chosen".into(),
                    "▒ typed".into(),
                ];
            }
            let src = if prom {
                "T transcripts · P Prometheus · T+P both"
            } else {
                "T transcripts"
            };
            // `all` has no previous range, so no trend to explain.
            if app.range().length.is_none() {
                vec![format!("count · {src}"), src.into(), "T transcripts".into()]
            } else {
                // Where there is room, say what the $ column is.
                let mut v = vec![
                    format!("$ cost in {r} · ↑↓ trend vs previous {r} · {src}"),
                    format!("↑↓ trend vs previous {r} · {src}"),
                ];
                // With Prometheus the source legend is long: the Agents pane carries it.
                if prom && pane == Pane::Agents {
                    v.push(src.into());
                }
                v.extend([
                    format!("↑↓ vs previous {r} · T transcripts"),
                    format!("↑↓ vs prev {r} · T transcripts"),
                ]);
                // Narrow: the two panes side by side share the legend.
                if pane == Pane::Skills {
                    v.push(format!("↑↓ vs prev {r}"));
                } else if prom {
                    v.push("T transcripts, P Prom.".into());
                } else {
                    v.push("T from transcripts".into());
                }
                v
            }
        }
        Pane::Stages => vec![
            "count · skipped: sessions that never reached it".into(),
            "skipped: sessions without it".into(),
            "skipped in n/m sessions".into(),
        ],
        Pane::Success => vec![
            "share of tool calls that succeeded".into(),
            "tool calls that worked".into(),
            "calls ok".into(),
        ],
        Pane::Missed => vec![
            "asked for in sessions where it never ran".into(),
            "asked for, never ran".into(),
        ],
        Pane::Insights => vec![],
    }
}

/// What an empty pane says: why it is empty and, when the range holds no activity but
/// older data exists, when the last activity was and which key widens the range.
pub(crate) fn empty_text(app: &App, pane: Pane) -> Vec<String> {
    // An empty pane under a filter says so: "no skill invocations" would be untrue.
    if !app.filter.is_empty() && pane != Pane::Stages {
        return vec![no_match(app)];
    }
    let range = &app.range().label;
    let first = match pane {
        Pane::Skills => format!("no skill invocations in {range}"),
        Pane::Agents => format!("no subagent invocations in {range}"),
        Pane::Stages => "no workflow stages reached".into(),
        Pane::Success => "no failing tools".into(),
        Pane::Missed => "no missed opportunities".into(),
        Pane::Insights => "nothing to report".into(),
    };
    let mut lines = vec![first];
    let s = &app.snapshot;
    // A project with no session at all (the current directory, say): point at the others.
    if s.scope.project.is_some() && s.scope.last_activity.is_none() && s.totals.sessions == 0 {
        lines.push("no session ever in this project".into());
        lines.push(format!("{} lists the projects", app.projects_key));
    } else if let Some(last) = idle_since(app) {
        lines.push(format!("last activity {last}"));
        lines.push(format!("{} widens the range", app.range_key));
    }
    lines
}

/// When the range holds no session but the scope has older ones (and a wider range
/// exists): the last activity's date and how long ago.
pub(crate) fn idle_since(app: &App) -> Option<String> {
    let s = &app.snapshot;
    if s.totals.sessions > 0 || app.range().length.is_none() {
        return None;
    }
    let last = s.scope.last_activity.as_deref()?;
    let at = chrono::DateTime::parse_from_rfc3339(last).ok()?;
    let days = (app.query.now - at.with_timezone(&chrono::Utc)).num_days();
    let date = at
        .with_timezone(&app.query.timezone)
        .format("%Y-%m-%d")
        .to_string();
    Some(match days {
        0 => format!("{date}, today"),
        1 => format!("{date}, yesterday"),
        n => format!("{date}, {n} days ago"),
    })
}

/// What a pane shows when the filter leaves none of its rows.
pub(crate) fn no_match(app: &App) -> String {
    format!("no match for /{}", app.filter)
}

/// Keep the selected row visible and highlight it; say how many rows are out of sight.
pub(crate) fn scrolled<'a>(
    lines: Lines<'a>,
    selected: Option<usize>,
    height: u16,
    theme: Theme,
) -> (Vec<Line<'a>>, Hidden) {
    let height = height as usize;
    let sel_at = selected.and_then(|s| lines.iter().position(|(r, _)| *r == Some(s)));
    let skip = match sel_at {
        Some(at) if at >= height => at + 1 - height,
        _ => 0,
    };
    let starts = |ls: &[(Option<usize>, Line)]| ls.iter().filter(|(r, _)| r.is_some()).count();
    let hidden = Hidden {
        above: starts(&lines[..skip.min(lines.len())]),
        below: starts(&lines[(skip + height).min(lines.len())..]),
    };
    let shown = lines
        .into_iter()
        .enumerate()
        .skip(skip)
        .take(height)
        .map(|(i, (_, line))| {
            if Some(i) == sel_at {
                line.patch_style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    (shown, hidden)
}
