//! What a Prometheus poll brings back, as plain data the store merges.

use std::collections::BTreeMap;

use crate::model::snapshot::{PrometheusSource, Telemetry};

/// Invocations of one skill or agent type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemCounts {
    pub current: f64,
    pub previous: f64,
    pub success: f64,
    pub failure: f64,
    /// Per day (`YYYY-MM-DD` UTC) over the range.
    pub daily: BTreeMap<String, f64>,
}

/// The numbers of one good poll, for the range (and the range before it): Prometheus's
/// counterpart of a transcript file's `FileFacts`. The store puts them beside the
/// transcripts' numbers (`prometheus_count`, `prometheus_totals`, `telemetry`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PromFacts {
    pub skills: BTreeMap<String, ItemCounts>,
    pub agents: BTreeMap<String, ItemCounts>,
    pub tool_success: Option<f64>,
    pub tool_failure: Option<f64>,
    pub failures_by_tool: BTreeMap<String, f64>,
    pub stages: BTreeMap<String, f64>,
    pub transitions: BTreeMap<(String, String), f64>,
    pub compactions: Option<f64>,
    pub prompts: Option<f64>,
    pub telemetry: Option<Telemetry>,
    /// None of the hook plugin's counters exist on this server.
    pub no_hook_metrics: bool,
}

/// What one poll brought back, as sent to the store: the source's status (shown as the
/// snapshot's `sources.prometheus`), and the numbers of the last good poll.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PromData {
    pub source: PrometheusSource,
    pub facts: Option<PromFacts>,
}
