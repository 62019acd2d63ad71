//! Colours, or none (`NO_COLOR`, `theme = "mono"`): then emphasis is bold/reverse only.

use ratatui::style::{Color, Modifier, Style};

use crate::model::snapshot::Severity;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub mono: bool,
}

impl Theme {
    pub(crate) fn fg(&self, c: Color) -> Style {
        if self.mono {
            Style::default()
        } else {
            Style::default().fg(c)
        }
    }
    pub(crate) fn accent(&self) -> Style {
        self.fg(Color::Cyan)
    }
    pub(crate) fn bad(&self) -> Style {
        if self.mono {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
        }
    }
    pub(crate) fn good(&self) -> Style {
        self.fg(Color::Green)
    }
    pub(crate) fn dim(&self) -> Style {
        if self.mono {
            Style::default()
        } else {
            Style::default().fg(Color::DarkGray)
        }
    }
    pub(crate) fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    pub(crate) fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::High => self.bad(),
            Severity::Medium => self.fg(Color::Yellow),
            Severity::Low => self.dim(),
        }
    }
}
