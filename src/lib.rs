//! skilltop: a live terminal dashboard of the Claude Code skills, subagents and workflow
//! stages you really use. Data flows one way: sources → store → views.
//!
//! - sources: [`transcripts`] (discover, tail, parse, watch), [`catalog`] (definitions,
//!   triggers, matcher), [`prometheus`] (client, queries, poller)
//! - the store: [`store`] (facts in, `snapshot(&Query)` out; pure, no I/O, no clock)
//! - judgement on a snapshot: [`insights`]
//! - views: [`report`] (table, dashboard, json, export, quick stats) and [`tui`]

pub mod catalog;
pub mod cli;
pub mod config;
pub mod insights;
pub mod prometheus;
pub mod report;
pub mod run;
pub mod store;
pub mod transcripts;
pub mod tui;
