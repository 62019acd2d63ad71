//! Views: they only read a snapshot (text reports, JSON, export, the dashboard).

pub mod report;
pub mod tui;
