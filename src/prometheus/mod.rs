//! The Prometheus source (FORMATS.md §7): client, queries, poller. Optional: when it is
//! disabled or down, the transcripts carry on and the snapshot says why.

pub mod client;
pub mod queries;
pub mod settings;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::cli::RangeSpec;
use crate::store::compute::{name_forms, trend};
use crate::store::snapshot::{
    DailyCount, Diagnostic, ItemStat, PromStatus, PromTotals, PromTransition, PrometheusSource,
    Snapshot, Source,
};

pub use client::{Client, PromError};
pub use queries::PromFacts;
pub use settings::{Auth, Settings};

/// The scope and range to query: the same as the snapshot's.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub project: Option<String>,
    pub range: RangeSpec,
    /// A fixed clock (tests, `--now`); `None`: the time of each poll.
    pub now: Option<DateTime<Utc>>,
}

/// What one poll brought back: the status, and the numbers of the last good poll.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PromData {
    pub source: PrometheusSource,
    pub facts: Option<PromFacts>,
}

/// Query once. Never fails: problems land in `source.status` and `source.error`.
pub async fn fetch_once(settings: &Settings, window: &Window) -> PromData {
    let started = Instant::now();
    let mut source = PrometheusSource {
        endpoint: Some(settings.display_endpoint()),
        ..Default::default()
    };
    match fetch(settings, window).await {
        Ok(facts) => {
            source.status = PromStatus::Ok;
            source.latency_ms = Some(started.elapsed().as_millis() as u64);
            source.last_poll = Some(Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            PromData {
                source,
                facts: Some(facts),
            }
        }
        Err(e) => {
            source.status = if e.unreachable() {
                PromStatus::Unreachable
            } else {
                PromStatus::Error
            };
            source.error = Some(e.to_string());
            PromData {
                source,
                facts: None,
            }
        }
    }
}

async fn fetch(settings: &Settings, window: &Window) -> Result<PromFacts, PromError> {
    let client = Client::new(settings)?;
    let names = client.names("claude_code_.*").await?;
    let plan = queries::Plan {
        client: &client,
        names: queries::Names::new(names),
        selector: queries::selector(window, &settings.matchers),
        range: queries::range_of(window),
        at: window.now.unwrap_or_else(Utc::now),
    };
    plan.facts().await
}

/// The delay before the next poll after `failures` failures in a row: the interval, then
/// doubling up to four times it, so a server back up is seen again soon.
pub fn backoff(interval: Duration, failures: u32) -> Duration {
    interval * 2u32.pow(failures.min(2))
}

/// Poll every `settings.poll_interval` (with backoff on failure) and at once whenever
/// `window` changes; send each result. On failure the last good numbers are sent again,
/// marked stale with their age. Ends when `tx` is closed.
pub fn spawn_poller(
    settings: Settings,
    mut window: tokio::sync::watch::Receiver<Window>,
    tx: tokio::sync::mpsc::UnboundedSender<PromData>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_good: Option<(PromData, Instant)> = None;
        let mut failures = 0;
        loop {
            let w = window.borrow_and_update().clone();
            let mut data = fetch_once(&settings, &w).await;
            if data.source.status == PromStatus::Ok {
                failures = 0;
                last_good = Some((data.clone(), Instant::now()));
            } else {
                failures += 1;
                if let Some((good, at)) = &last_good {
                    data.facts = good.facts.clone();
                    data.source.last_poll = good.source.last_poll.clone();
                    data.source.stale_secs = Some(at.elapsed().as_secs());
                }
            }
            if tx.send(data).is_err() {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(backoff(settings.poll_interval, failures)) => {}
                r = window.changed() => if r.is_err() { return },
            }
        }
    })
}

/// Put Prometheus numbers beside the transcript numbers in `snapshot`: `prometheus_count`
/// and `source` on items both know, new rows for items only Prometheus knows (their `count`
/// is then Prometheus's), Claude Code's own telemetry, and a note when the server has none
/// of the hook plugin's counters.
pub fn merge(snapshot: &mut Snapshot, data: &PromData) {
    snapshot.sources.prometheus = data.source.clone();
    let Some(f) = &data.facts else {
        return;
    };
    let days: Vec<String> = snapshot
        .skills
        .iter()
        .chain(&snapshot.agents)
        .find(|i| !i.daily.is_empty())
        .map(|i| i.daily.iter().map(|d| d.date.clone()).collect())
        .unwrap_or_default();
    merge_items(&mut snapshot.skills, &f.skills, &days);
    merge_items(&mut snapshot.agents, &f.agents, &days);
    crate::store::compute::sort_items(&mut snapshot.skills);
    crate::store::compute::sort_items(&mut snapshot.agents);
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
            source: "prometheus".into(),
            path: None,
            message: "the server has no claude_code_* counters of the hook plugin: no skill, \
                      agent or stage data from Prometheus"
                .into(),
        });
    }
}

fn merge_items(
    items: &mut Vec<ItemStat>,
    prom: &std::collections::BTreeMap<String, queries::ItemCounts>,
    days: &[String],
) {
    for (name, c) in prom {
        let same = |i: &ItemStat| name_forms(&i.name).any(|a| name_forms(name).any(|b| a == b));
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
                    days.iter()
                        .zip(apportion(&raw))
                        .map(|(d, count)| DailyCount {
                            date: d.clone(),
                            count,
                        })
                        .collect()
                },
                success_with: None,
                success_without: None,
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
    #[test]
    fn daily_counts_add_up_to_the_total() {
        let v = super::apportion(&[0.71, 0.71, 0.71, 0.71, 0.71, 0.71, 0.74]);
        assert_eq!(v.iter().sum::<u64>(), 5);
        assert_eq!(v[6], 1, "the largest remainder first");
        assert_eq!(super::apportion(&[2.0, 0.0]), [2, 0]);
    }

    use super::*;
    use queries::ItemCounts;

    #[test]
    fn backoff_doubles_up_to_four_times() {
        let s = Duration::from_secs(10);
        assert_eq!(backoff(s, 0), s);
        assert_eq!(backoff(s, 1), s * 2);
        assert_eq!(backoff(s, 5), s * 4);
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
            success_rate: None,
            source: Source::Transcripts,
            prometheus_count: None,
            daily: vec![],
            success_with: None,
            success_without: None,
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
