//! Views that print: the table and dashboard reports, JSON, export, quick stats.

pub mod export;
pub mod json;
pub mod quick_stats;
pub mod table;
