//! skilltop: a live terminal dashboard of the Claude Code skills, subagents and workflow
//! stages you really use. Data flows one way, and the folders are that flow, bottom to top:
//!
//! - [`model`]: shared types (range, names, facts, the snapshot schema)
//! - [`settings`]: flags, config file and environment, resolved once
//! - [`sources`]: transcripts (discover, tail, parse, watch), catalog (definitions and the
//!   missed-opportunity matcher), prometheus (client, queries, poller)
//! - [`store`]: facts in, `snapshot(&Query)` out, through a pipeline of small steps
//! - [`views`]: report (table, json, export, quick stats) and tui (the dashboard)
//! - [`run`]: picks a mode and wires the layers together
//!
//! `tests/layers.rs` fails when a lower layer imports a higher one.

#![warn(clippy::too_many_lines)]

pub mod model;
pub mod run;
pub mod settings;
pub mod sources;
pub mod store;
pub mod views;
