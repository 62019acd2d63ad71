//! Step 7, Prometheus numbers beside the transcript numbers.

use std::collections::BTreeMap;

use super::{sort_items, trend};
use crate::model::names::same_name;
use crate::model::prom::{ItemCounts, PromData};
use crate::model::snapshot::{
    DailyCount, Diagnostic, DiagnosticSource, ItemStat, PromTotals, PromTransition, Snapshot,
    Source, dense_daily, sparse_daily,
};

/// The last poll's numbers beside the transcripts', or Prometheus shown as disabled.
pub(super) fn prometheus(snapshot: &mut Snapshot, data: Option<&PromData>) {
    match data {
        Some(data) => merge(snapshot, data),
        None => snapshot.sources.prometheus = Default::default(),
    }
}

/// Put Prometheus numbers beside the transcript numbers in `snapshot`: `prometheus_count`
/// and `source` on items both know, new rows for items only Prometheus knows (their `count`
/// is then Prometheus's), Claude Code's own telemetry, and a note when the server has none
/// of the hook plugin's counters.
pub(crate) fn merge(snapshot: &mut Snapshot, data: &PromData) {
    snapshot.sources.prometheus = data.source.clone();
    let Some(f) = &data.facts else {
        return;
    };
    let days: Vec<String> = snapshot
        .skills
        .iter()
        .chain(&snapshot.agents)
        .find(|i| !i.daily.is_empty())
        .map(|i| dense_daily(&i.daily).into_iter().map(|d| d.date).collect())
        .unwrap_or_default();
    merge_items(&mut snapshot.skills, &f.skills, &days);
    merge_items(&mut snapshot.agents, &f.agents, &days);
    sort_items(&mut snapshot.skills);
    sort_items(&mut snapshot.agents);
    if f.telemetry.is_some() {
        snapshot.telemetry = f.telemetry.clone();
    }
    if !f.no_hook_metrics {
        let (ok, fail) = (f.tool_success, f.tool_failure);
        let decided = ok.unwrap_or(0.0) + fail.unwrap_or(0.0);
        snapshot.prometheus_totals = Some(PromTotals {
            prompts: f.prompts,
            compactions: f.compactions,
            tool_success: ok,
            tool_failure: fail,
            success_rate: (decided > 0.0).then(|| ok.unwrap_or(0.0) / decided),
            failures_by_tool: f.failures_by_tool.clone(),
            stages: f.stages.clone(),
            transitions: f
                .transitions
                .iter()
                .map(|((from, to), count)| PromTransition {
                    from: from.clone(),
                    to: to.clone(),
                    count: *count,
                })
                .collect(),
        });
    }
    if f.no_hook_metrics {
        snapshot.diagnostics.push(Diagnostic {
            source: DiagnosticSource::Prometheus,
            path: None,
            message: "the server has no claude_code_* counters of the hook plugin: no skill, \
                      agent or stage data from Prometheus"
                .into(),
        });
    }
}

fn merge_items(items: &mut Vec<ItemStat>, prom: &BTreeMap<String, ItemCounts>, days: &[String]) {
    for (name, c) in prom {
        let same = |i: &ItemStat| same_name(&i.name, name);
        let decided = c.success + c.failure;
        let rate = (decided > 0.0).then(|| c.success / decided);
        match items.iter_mut().find(|i| same(i)) {
            Some(i) => {
                i.prometheus_count = Some(c.current);
                i.source = Source::Both;
                if i.success_rate.is_none() {
                    i.success_rate = rate;
                }
            }
            None => items.push(ItemStat {
                name: name.clone(),
                count: c.current.round() as u64,
                previous_count: c.previous.round() as u64,
                trend_pct: trend(c.current, c.previous),
                sessions: 0,
                success_rate: rate,
                source: Source::Prometheus,
                prometheus_count: Some(c.current),
                daily: {
                    let raw: Vec<f64> = days
                        .iter()
                        .map(|d| c.daily.get(d).copied().unwrap_or(0.0))
                        .collect();
                    sparse_daily(
                        days.iter()
                            .zip(apportion(&raw))
                            .map(|(d, count)| DailyCount {
                                date: d.clone(),
                                count,
                            })
                            .collect(),
                    )
                },
                success_with: None,
                success_without: None,
                invoked_by: None,
                ..ItemStat::default()
            }),
        }
    }
}

/// Whole counts for fractional per-day increases (Prometheus extrapolates) that add up to
/// the rounded total: floors, then the largest remainders get the rest.
fn apportion(values: &[f64]) -> Vec<u64> {
    let total = values.iter().sum::<f64>().round() as u64;
    let mut out: Vec<u64> = values.iter().map(|v| v.floor() as u64).collect();
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| {
        (values[b] - values[b].floor()).total_cmp(&(values[a] - values[a].floor()))
    });
    let mut left = total.saturating_sub(out.iter().sum());
    for i in order {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::prom::PromFacts;
    use crate::model::snapshot::{PromStatus, PrometheusSource};

    #[test]
    fn daily_counts_add_up_to_the_total() {
        let v = super::apportion(&[0.71, 0.71, 0.71, 0.71, 0.71, 0.71, 0.74]);
        assert_eq!(v.iter().sum::<u64>(), 5);
        assert_eq!(v[6], 1, "the largest remainder first");
        assert_eq!(super::apportion(&[2.0, 0.0]), [2, 0]);
    }

    #[test]
    fn merge_marks_both_and_adds_prometheus_only_items() {
        let mut snap = Snapshot::default();
        snap.skills.push(ItemStat {
            name: "superpowers:brainstorming".into(),
            count: 3,
            previous_count: 1,
            trend_pct: Some(200.0),
            sessions: 2,
            ..ItemStat::default()
        });
        let mut facts = PromFacts::default();
        facts.skills.insert(
            "brainstorming".into(),
            ItemCounts {
                current: 4.0,
                success: 3.0,
                failure: 1.0,
                ..Default::default()
            },
        );
        facts.skills.insert(
            "remote-only".into(),
            ItemCounts {
                current: 9.0,
                previous: 3.0,
                ..Default::default()
            },
        );
        let data = PromData {
            source: PrometheusSource {
                status: PromStatus::Ok,
                ..Default::default()
            },
            facts: Some(facts),
        };
        merge(&mut snap, &data);
        let b = snap
            .skills
            .iter()
            .find(|i| i.name == "superpowers:brainstorming")
            .unwrap();
        assert_eq!(b.source, Source::Both);
        assert_eq!(b.prometheus_count, Some(4.0));
        assert_eq!(b.success_rate, Some(0.75));
        assert_eq!(b.count, 3, "the transcripts' count stays");
        let r = &snap.skills[0];
        assert_eq!(
            (r.name.as_str(), r.count, r.source),
            ("remote-only", 9, Source::Prometheus)
        );
        assert_eq!(r.trend_pct, Some(200.0));
        assert_eq!(snap.sources.prometheus.status, PromStatus::Ok);
    }
}
