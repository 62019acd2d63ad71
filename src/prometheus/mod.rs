//! The Prometheus source (FORMATS.md §7): client, queries, poller. Optional: when it is
//! disabled or down, the transcripts carry on and the snapshot says why.

use crate::store::snapshot::{PrometheusSource, Snapshot};

/// What one poll brought back, for one range and the previous one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PromData {
    pub source: PrometheusSource,
}

/// Put Prometheus numbers beside the transcript numbers in `snapshot`.
pub fn merge(snapshot: &mut Snapshot, data: &PromData) {
    snapshot.sources.prometheus = data.source.clone();
}
