//! What skilltop asks Prometheus (the README's "Prometheus"): names first, then `increase()` over the
//! range and the previous range (`offset`) for every counter that exists.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::join_all;

use super::Window;
use super::client::{Client, PromError, Sample};
use crate::model::prom::{ItemCounts, PromFacts};

/// Ranges without an end in time (`all`) look back this far.
const ALL_RANGE: Duration = Duration::from_secs(400 * 86_400);

/// The actual names on the server, with or without `_total`.
#[derive(Debug, Default)]
pub(crate) struct Names(HashSet<String>);

impl Names {
    pub(crate) fn new(list: Vec<String>) -> Names {
        Names(list.into_iter().collect())
    }

    /// `base` or `base_total`, whichever exists (`_total` first).
    pub(crate) fn get(&self, base: &str) -> Option<String> {
        let total = format!("{base}_total");
        if self.0.contains(&total) {
            Some(total)
        } else if self.0.contains(base) {
            Some(base.to_string())
        } else {
            None
        }
    }
}

pub(crate) struct Plan<'a> {
    pub client: &'a Client,
    pub names: Names,
    pub selector: String,
    pub range: Duration,
    pub at: DateTime<Utc>,
}

impl Plan<'_> {
    fn range_s(&self) -> String {
        format!("{}s", self.range.as_secs().max(60))
    }

    /// `sum by (labels) (increase(name{sel}[range] [offset range]))`.
    fn expr(&self, name: &str, by: &str, previous: bool) -> String {
        let offset = if previous {
            format!(" offset {}", self.range_s())
        } else {
            String::new()
        };
        format!(
            "sum by ({by}) (increase({name}{{{}}}[{}]{offset}))",
            self.selector,
            self.range_s()
        )
    }

    async fn run(&self, q: String) -> Result<Vec<Sample>, PromError> {
        self.client.query(&q, self.at).await
    }

    /// Counters of `base` grouped by `by`; `None` when the metric does not exist.
    async fn counts(
        &self,
        base: &str,
        by: &str,
        previous: bool,
    ) -> Result<Option<Vec<Sample>>, PromError> {
        let Some(name) = self.names.get(base) else {
            return Ok(None);
        };
        self.run(self.expr(&name, by, previous)).await.map(Some)
    }

    async fn items(
        &self,
        base: &str,
        label: &str,
    ) -> Result<BTreeMap<String, ItemCounts>, PromError> {
        let mut out: BTreeMap<String, ItemCounts> = BTreeMap::new();
        let by = format!("{label}, outcome");
        let (cur, prev) =
            futures::join!(self.counts(base, &by, false), self.counts(base, &by, true));
        let (Some(cur), Some(prev)) = (cur?, prev?) else {
            return Ok(out);
        };
        for s in cur {
            let Some(name) = s.labels.get(label) else {
                continue;
            };
            let v = finite(s.value);
            let e = out.entry(name.clone()).or_default();
            e.current += v;
            match s.labels.get("outcome").map(String::as_str) {
                Some("success") => e.success += v,
                Some("failure") => e.failure += v,
                _ => {}
            }
        }
        for s in prev {
            if let Some(name) = s.labels.get(label) {
                out.entry(name.clone()).or_default().previous += finite(s.value);
            }
        }
        // Daily series for the sparklines, one point a day (at most the API's 11,000).
        if let Some(name) = self.names.get(base) {
            let days = (self.range.as_secs() / 86_400).clamp(1, 400);
            let start = self.at - chrono::Duration::days(days as i64 - 1);
            let q = format!(
                "sum by ({label}) (increase({name}{{{}}}[1d]))",
                self.selector
            );
            let series = self
                .client
                .query_range(&q, start, self.at, Duration::from_secs(86_400))
                .await?;
            for s in series {
                let Some(item) = s.labels.get(label) else {
                    continue;
                };
                let e = out.entry(item.clone()).or_default();
                for (t, v) in s.points {
                    let day = DateTime::from_timestamp(t as i64 - 1, 0)
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_default();
                    *e.daily.entry(day).or_default() += finite(v);
                }
            }
        }
        out.retain(|_, c| c.current > 0.0 || c.previous > 0.0);
        Ok(out)
    }

    async fn by_label(&self, base: &str, label: &str) -> Result<BTreeMap<String, f64>, PromError> {
        Ok(self
            .counts(base, label, false)
            .await?
            .unwrap_or_default()
            .into_iter()
            .filter_map(|s| Some((s.labels.get(label)?.clone(), finite(s.value))))
            .filter(|(_, v)| *v > 0.0)
            .collect())
    }

    async fn total(&self, base: &str) -> Result<Option<f64>, PromError> {
        Ok(self
            .counts(base, "", false)
            .await?
            .map(|v| v.iter().map(|s| finite(s.value)).sum()))
    }

    pub(crate) async fn facts(&self) -> Result<PromFacts, PromError> {
        let hook = [
            "claude_code_skill_invocations",
            "claude_code_agent_invocations",
            "claude_code_hook_tool_invocations",
            "claude_code_outcome_success",
            "claude_code_workflow_stage_transition",
        ];
        let no_hook_metrics = hook.iter().all(|b| self.names.get(b).is_none());
        let (skills, agents, ok, fail, by_tool, stages, compactions, prompts) = futures::join!(
            self.items("claude_code_skill_invocations", "skill_name"),
            self.items("claude_code_agent_invocations", "agent_type"),
            self.total("claude_code_outcome_success"),
            self.total("claude_code_outcome_failure"),
            self.by_label("claude_code_outcome_failure", "tool_name"),
            self.counts(
                "claude_code_workflow_stage_transition",
                "from_stage, to_stage",
                false
            ),
            self.total("claude_code_context_compaction"),
            self.total("claude_code_hook_prompt_submissions"),
        );
        let mut f = PromFacts {
            skills: skills?,
            agents: agents?,
            tool_success: ok?,
            tool_failure: fail?,
            failures_by_tool: by_tool?,
            compactions: compactions?,
            prompts: prompts?,
            no_hook_metrics,
            ..Default::default()
        };
        for s in stages?.unwrap_or_default() {
            let v = finite(s.value);
            if v <= 0.0 {
                continue;
            }
            if let (Some(from), Some(to)) = (s.labels.get("from_stage"), s.labels.get("to_stage")) {
                *f.stages.entry(to.clone()).or_default() += v;
                *f.transitions.entry((from.clone(), to.clone())).or_default() += v;
            }
        }
        f.telemetry = self.telemetry().await?;
        Ok(f)
    }

    /// Claude Code's own counters, when telemetry is on.
    async fn telemetry(&self) -> Result<Option<crate::model::snapshot::Telemetry>, PromError> {
        let base = [
            "claude_code_cost_usage_USD",
            "claude_code_session_count",
            "claude_code_lines_of_code_count",
            "claude_code_commit_count",
            "claude_code_pull_request_count",
            "claude_code_token_usage_tokens",
        ];
        if base.iter().all(|b| self.names.get(b).is_none()) {
            return Ok(None);
        }
        let results = join_all([
            self.total("claude_code_cost_usage_USD"),
            self.total("claude_code_session_count"),
            self.total("claude_code_commit_count"),
            self.total("claude_code_pull_request_count"),
        ])
        .await;
        let mut it = results.into_iter();
        let mut next = || it.next().transpose().map(Option::flatten);
        let (cost, sessions, commits, prs) = (next()?, next()?, next()?, next()?);
        let lines = self
            .by_label("claude_code_lines_of_code_count", "type")
            .await?;
        Ok(Some(crate::model::snapshot::Telemetry {
            cost_usd: cost,
            sessions,
            tokens_by_type: self
                .by_label("claude_code_token_usage_tokens", "type")
                .await?,
            tokens_by_model: self
                .by_label("claude_code_token_usage_tokens", "model")
                .await?,
            lines_added: lines.get("added").copied(),
            lines_removed: lines.get("removed").copied(),
            commits,
            pull_requests: prs,
        }))
    }
}

/// `NaN` and infinities (a counter reset mid-window, a division by zero) count as nothing.
fn finite(v: f64) -> f64 {
    if v.is_finite() { v.max(0.0) } else { 0.0 }
}

/// The label selector of every query: the project (basename of its path) and the user's
/// extra matchers.
pub(crate) fn selector(window: &Window, extra: &[String]) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(p) = &window.project {
        let base = std::path::Path::new(p)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.clone());
        parts.push(format!(
            "project=\"{}\"",
            base.replace('\\', "\\\\").replace('"', "\\\"")
        ));
    }
    parts.extend(extra.iter().cloned());
    parts.join(",")
}

pub(crate) fn range_of(window: &Window) -> Duration {
    window
        .range
        .length
        .and_then(|d| d.to_std().ok())
        .unwrap_or(ALL_RANGE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::range::RangeSpec;

    #[test]
    fn names_prefer_total_and_say_absent() {
        let n = Names::new(vec!["a_total".into(), "b".into()]);
        assert_eq!(n.get("a").as_deref(), Some("a_total"));
        assert_eq!(n.get("b").as_deref(), Some("b"));
        assert_eq!(n.get("c"), None);
    }

    #[test]
    fn selectors_carry_the_project_basename_and_extra_matchers() {
        let w = Window {
            project: Some("/home/me/shop".into()),
            range: RangeSpec::days(7),
            now: None,
        };
        assert_eq!(
            selector(&w, &["user_email=\"me@x\"".into()]),
            "project=\"shop\",user_email=\"me@x\""
        );
        assert_eq!(range_of(&w), Duration::from_secs(7 * 86_400));
    }

    #[test]
    fn special_values_count_as_nothing() {
        assert_eq!(finite(f64::NAN), 0.0);
        assert_eq!(finite(f64::INFINITY), 0.0);
        assert_eq!(finite(-1.0), 0.0);
        assert_eq!(finite(2.5), 2.5);
    }
}
