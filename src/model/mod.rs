//! The shared model at the bottom of the flow: ranges, names, facts read from the sources,
//! and the snapshot (the published JSON schema). Depends on nothing else in the crate.

pub mod facts;
pub mod files;
pub mod format;
#[cfg(test)]
pub(crate) mod fuzzing;
pub mod names;
pub mod prices;
pub mod prom;
pub mod range;
pub mod snapshot;
