//! Sources: they read the world and produce facts for the store; they never draw.

pub mod catalog;
pub mod prometheus;
pub mod transcripts;
