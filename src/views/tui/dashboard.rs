//! `--format dashboard`: one frame of the dashboard's panes, printed (the same drawing code
//! as the live dashboard, on an off-screen buffer).

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use crate::model::snapshot::Snapshot;
use crate::store::Query;
use crate::views::tui::app::App;
use crate::views::tui::keys::Bindings;
use crate::views::tui::ui::{self, MIN_WIDTH, Theme};

/// At most this tall: a printed frame is a summary, the table report has every row.
const HEIGHT: u16 = 40;

pub(crate) fn render(snapshot: &Snapshot, width: u16, color: bool, query: &Query) -> String {
    let width = width.max(MIN_WIDTH);
    let mut app = App::new(query.clone(), None);
    app.printed = true;
    app.set_snapshot(snapshot.clone());
    let theme = Theme { mono: !color };
    // As tall as the content needs, so a short report has no empty rows.
    let height = ui::full_height(&app, width).clamp(ui::MIN_HEIGHT, HEIGHT);
    let buffer = frame(&app, width, height, theme);
    to_text(&buffer, color)
}

/// Draw `app` on an off-screen terminal of the given size.
pub fn frame(app: &App, width: u16, height: u16, theme: Theme) -> Buffer {
    let keys = Bindings::new(&Default::default()).expect("the default key bindings parse");
    let mut terminal = match Terminal::new(TestBackend::new(width, height)) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    let _ = terminal.draw(|f| ui::draw(f, app, &keys, theme));
    terminal.backend().buffer().clone()
}

/// The buffer as lines of text, with ANSI colours when asked.
pub fn to_text(buffer: &Buffer, color: bool) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut current: Option<(Color, Modifier)> = None;
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            if color {
                let style = (cell.fg, cell.modifier);
                if current != Some(style) {
                    line += &sgr(style.0, style.1);
                    current = Some(style);
                }
            }
            line += &crate::model::format::terminal_line(cell.symbol());
        }
        if color {
            line += "\x1b[0m";
        }
        out += line.trim_end();
        out.push('\n');
    }
    out
}

fn sgr(fg: Color, m: Modifier) -> String {
    let mut codes = vec!["0".to_string()];
    if m.contains(Modifier::BOLD) {
        codes.push("1".into());
    }
    if m.contains(Modifier::REVERSED) {
        codes.push("7".into());
    }
    let c = match fg {
        Color::Black => Some(30),
        Color::Red => Some(31),
        Color::Green => Some(32),
        Color::Yellow => Some(33),
        Color::Blue => Some(34),
        Color::Magenta => Some(35),
        Color::Cyan => Some(36),
        Color::Gray | Color::White => Some(37),
        Color::DarkGray => Some(90),
        _ => None,
    };
    if let Some(c) = c {
        codes.push(c.to_string());
    }
    format!("\x1b[{}m", codes.join(";"))
}
