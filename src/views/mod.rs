//! Views: they only read a snapshot (text reports, JSON, export, the dashboard).

pub(crate) mod report;
pub mod tui;
