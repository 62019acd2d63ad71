//! Snapshot computation over all files' facts.

use super::{Query, Store};
use crate::catalog::Catalog;
use crate::store::snapshot::*;

pub(super) fn transcript_snapshot(_store: &Store, q: &Query, _catalog: &Catalog) -> Snapshot {
    let now = q.now.to_rfc3339();
    Snapshot {
        schema: SCHEMA_ID.to_string(),
        generated_at: now.clone(),
        scope: ScopeInfo {
            project: q.project.clone(),
            all_projects: q.project.is_none(),
            range: q.range.label.clone(),
            start: now.clone(),
            end: now.clone(),
            previous_start: now,
            timezone: q.timezone.name().to_string(),
        },
        sources: Sources {
            transcripts: TranscriptSource::default(),
            prometheus: PrometheusSource::default(),
        },
        totals: Totals::default(),
        skills: vec![],
        agents: vec![],
        tools: vec![],
        commands: vec![],
        stages: Stages::default(),
        success: Success::default(),
        missed_opportunities: vec![],
        insights: vec![],
        recommendations: vec![],
        telemetry: None,
        diagnostics: vec![],
    }
}
