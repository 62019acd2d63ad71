//! The snapshot: the one picture every view draws from (TUI panes, table, dashboard, JSON,
//! export). These serde types *are* the published JSON schema `skilltop.snapshot/1`
//! (`assets/snapshot.schema.json`); field names are fixed because scripts depend on them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub(crate) const SCHEMA_ID: &str = "skilltop.snapshot/1";

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Snapshot {
    pub schema: String,
    /// RFC 3339.
    pub generated_at: String,
    pub scope: ScopeInfo,
    pub sources: Sources,
    pub totals: Totals,
    pub skills: Vec<ItemStat>,
    pub agents: Vec<ItemStat>,
    pub tools: Vec<ToolStat>,
    pub commands: Vec<CommandStat>,
    pub stages: Stages,
    pub success: Success,
    pub missed_opportunities: Vec<MissedOpportunity>,
    pub insights: Vec<Insight>,
    pub recommendations: Vec<String>,
    /// Extra, optional: Claude Code's own telemetry from Prometheus (cost, tokens, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telemetry: Option<Telemetry>,
    /// Extra, optional: the hook plugin's totals from Prometheus that have no per-item
    /// place (tool outcomes, stages, prompts, compactions), for the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus_totals: Option<PromTotals>,
    /// Extra: problems met while reading (skipped lines by reason, unreadable paths,
    /// malformed definitions). Never fatal.
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// Extra: what the API responses in range cost, split by model, agent type, skill, MCP
    /// server and day (each response once, per `message.id`).
    #[serde(default)]
    pub costs: Costs,
    /// Extra: the price table used.
    #[serde(default)]
    pub prices: PricesInfo,
    /// Extra: each item's `daily` lists only the days with activity plus the first and last
    /// day of the range (even when 0); the days between that are missing had none. Absent
    /// or false: `daily` has every day (older snapshots). [`dense_daily`] fills them in.
    #[serde(default)]
    pub daily_sparse: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Costs {
    pub by_model: Vec<CostRow>,
    /// `main` (the main thread) or the subagent's type.
    pub by_agent_type: Vec<CostRow>,
    /// Only responses with a skill active (attributed or estimated).
    pub by_skill: Vec<CostRow>,
    /// Only responses with `attributionMcpServer`.
    pub by_mcp_server: Vec<CostRow>,
    /// `name` is the day, `YYYY-MM-DD` in the snapshot's timezone.
    pub by_day: Vec<CostRow>,
    /// `name` is the session id; a subagent's responses count in its parent session. Most
    /// expensive first.
    #[serde(default)]
    pub by_session: Vec<CostRow>,
    /// Per agent type (`main` included) and per skill: what the details and the findings
    /// need beside the rows; not in the JSON.
    #[serde(skip)]
    pub agent_extras: BTreeMap<String, ItemExtra>,
    #[serde(skip)]
    pub skill_extras: BTreeMap<String, ItemExtra>,
}

/// One agent type's or skill's figures beyond its cost row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemExtra {
    /// The tool calls made inside it in range.
    pub calls: CallTally,
    /// The cost of its priced responses by day (`YYYY-MM-DD`, the snapshot's timezone).
    pub by_day: BTreeMap<String, f64>,
    /// The cost of its priced responses in the previous range; none when nothing there
    /// was priced.
    pub previous_cost_usd: Option<f64>,
}

/// The responses of one model, agent type, skill, server or day.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CostRow {
    pub name: String,
    /// API responses, each once.
    pub responses: u64,
    pub tokens: CostTokens,
    /// USD of the priced responses.
    pub cost_usd: f64,
    /// Responses of models without a price: in `tokens`, not in `cost_usd` (never 0).
    pub unpriced_responses: u64,
    /// Agent types: the sum of `totalDurationMs` of their calls in range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// Skills: of `responses`, those attributed by the estimated rule (no
    /// `attributionSkill`: the turns after the skill's call until the next human prompt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_responses: Option<u64>,
    /// Sessions (`costs.by_session`): the session's project, its working directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Skills and agent types: the same responses by model, most expensive first (for the
    /// dashboard's details; not in the JSON).
    #[serde(skip)]
    pub by_model: Vec<CostRow>,
}

/// Tool calls: all of them, and of the decided ones those that succeeded and failed
/// (rejections are failures; interrupted calls are neither).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallTally {
    pub made: u64,
    pub succeeded: u64,
    pub failed: u64,
}

impl CallTally {
    /// Successes over decided calls; none when no call was decided.
    pub fn rate(self) -> Option<f64> {
        let n = self.succeeded + self.failed;
        (n > 0).then(|| self.succeeded as f64 / n as f64)
    }
}

/// Tokens by kind; `cache_write_1h` is the part of `cache_creation` written for one hour.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CostTokens {
    pub input: u64,
    pub output: u64,
    pub cache_creation: u64,
    pub cache_write_1h: u64,
    pub cache_read: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PricesInfo {
    /// The day the built-in table was taken (`YYYY-MM-DD`).
    pub date: String,
    pub source: String,
    /// Models with tokens in range and no price.
    pub unpriced: Vec<String>,
}

impl Snapshot {
    /// The snapshot as JSON.
    pub fn to_json(&self) -> serde_json::Result<serde_json::Value> {
        serde_json::to_value(self)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ScopeInfo {
    /// The project path, or null for all projects.
    pub project: Option<String>,
    pub all_projects: bool,
    /// As given: `7d`, `24h`, `2w`, `all`.
    pub range: String,
    /// RFC 3339; for `all` the earliest fact seen (or `end` when there is none).
    pub start: String,
    pub end: String,
    pub previous_start: String,
    /// IANA name of the zone used for the daily buckets.
    pub timezone: String,
    /// Extra: RFC 3339 of the latest activity in the project scope, whatever the range (up
    /// to `end`); absent when there is none. An empty range says when the last one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_activity: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Sources {
    pub transcripts: TranscriptSource,
    pub prometheus: PrometheusSource,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TranscriptSource {
    pub dirs: Vec<String>,
    pub files: u64,
    pub sessions: u64,
    pub lines: u64,
    pub skipped_lines: u64,
    pub bytes: u64,
    /// Extra: skipped lines by reason (`invalid_json`, `invalid_utf8`, `unknown_type`, ...).
    #[serde(default)]
    pub skipped_by_reason: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum PromStatus {
    Ok,
    Unreachable,
    Error,
    #[default]
    Disabled,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PrometheusSource {
    pub status: PromStatus,
    pub endpoint: Option<String>,
    pub error: Option<String>,
    /// Extra: when the data shown was fetched (RFC 3339), and how long ago, when stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_poll: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_secs: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Totals {
    pub sessions: u64,
    pub prompts: u64,
    pub tool_calls: u64,
    pub tool_success: u64,
    pub tool_failure: u64,
    pub tool_interrupted: u64,
    pub success_rate: Option<f64>,
    pub compactions: u64,
    /// Extra: failures that were the user rejecting the call (a share of `tool_failure`).
    #[serde(default)]
    pub tool_rejected: u64,
    /// Extra: tokens counted once per API message, by model.
    #[serde(default)]
    pub tokens: BTreeMap<String, TokenCounts>,
    /// Extra: USD of the priced responses in range (see `costs`, `prices.unpriced`).
    #[serde(default)]
    pub cost_usd: f64,
    /// The same for the previous range (the header's trend); not in the JSON. None when
    /// nothing there was priced.
    #[serde(skip)]
    pub previous_cost_usd: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct TokenCounts {
    pub input: u64,
    pub output: u64,
    pub cache_creation: u64,
    pub cache_read: u64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    #[default]
    Transcripts,
    Prometheus,
    Both,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ItemStat {
    pub name: String,
    pub count: u64,
    pub previous_count: u64,
    /// Percent change against the previous range; null when the previous count was 0.
    pub trend_pct: Option<f64>,
    pub sessions: u64,
    /// Success rate of the invocation calls themselves.
    pub success_rate: Option<f64>,
    pub source: Source,
    pub prometheus_count: Option<f64>,
    /// The days with invocations, plus the range's first and last day (see
    /// `Snapshot::daily_sparse`; [`dense_daily`] gives every day).
    pub daily: Vec<DailyCount>,
    /// Extra: tool success rate in the sessions that used the item, and in those that did
    /// not (the "with vs without" of the findings).
    #[serde(default)]
    pub success_with: Option<f64>,
    #[serde(default)]
    pub success_without: Option<f64>,
    /// Skills only: invocations typed by the user (`/name`) and chosen by the model (its
    /// `Skill` calls); `count` is their sum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoked_by: Option<InvokedBy>,
    /// Extra: tokens by kind of the API responses attributed to the item (see `costs`).
    #[serde(default)]
    pub tokens: CostTokens,
    /// Extra: USD of those responses that were priced.
    #[serde(default)]
    pub cost_usd: f64,
    /// Extra: `cost_usd / count`; null when `count` is 0 or none of its responses is on
    /// record with a price (unknown, not free).
    #[serde(default)]
    pub cost_per_call: Option<f64>,
    /// Extra, agents only: the sum of `totalDurationMs` of their calls in range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// Extra, skills only: some of its responses were attributed by the estimated rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated: Option<bool>,
    /// Extra: the cost by model (the dashboard's details); not in the JSON.
    #[serde(skip)]
    pub cost_by_model: Vec<CostRow>,
    /// Extra: the tool calls made inside the item (what it bought): for an agent type those
    /// of its subagents' transcripts (attributed like its responses), for a skill those made
    /// in its turns (attributed like its responses: `attributionSkill`, else estimated).
    /// Interrupted calls included.
    #[serde(default)]
    pub calls_made: u64,
    /// Extra: of `calls_made`, those that failed (rejections included).
    #[serde(default)]
    pub calls_failed: u64,
    /// Extra: successes over decided calls of `calls_made`; null when none was decided.
    #[serde(default)]
    pub calls_success_rate: Option<f64>,
    /// Extra: the cost per invocation in the previous range (its responses' cost there over
    /// `previous_count`); absent when either is nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_cost_per_call: Option<f64>,
    /// Of `calls_made`, those that succeeded (for the findings); not in the JSON.
    #[serde(skip)]
    pub calls_succeeded: u64,
    /// The cost of its priced responses by day (`YYYY-MM-DD`; the days with any), for the
    /// details' chart; not in the JSON.
    #[serde(skip)]
    pub daily_cost: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct InvokedBy {
    pub user: u64,
    pub model: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DailyCount {
    /// `YYYY-MM-DD` in the snapshot's timezone.
    pub date: String,
    pub count: u64,
}

/// At most this many days in a daily series: ten years, so range `all` over a real history
/// is whole, and a series stays a bounded size whatever dates it was given.
pub(crate) const MAX_DAILY_DAYS: i64 = 3660;

/// A daily series with every day from its first entry to its last (at most the latest
/// [`MAX_DAILY_DAYS`]), the missing ones 0: what a sparse `daily` stands for. A dense series
/// comes back the same; one whose first or last date does not parse comes back as given.
pub fn dense_daily(daily: &[DailyCount]) -> Vec<DailyCount> {
    let parse = |d: Option<&DailyCount>| {
        d.and_then(|d| chrono::NaiveDate::parse_from_str(&d.date, "%Y-%m-%d").ok())
    };
    let (Some(first), Some(last)) = (parse(daily.first()), parse(daily.last())) else {
        return daily.to_vec();
    };
    let first = first.max(last - chrono::Duration::days(MAX_DAILY_DAYS - 1));
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for d in daily {
        *counts.entry(d.date.as_str()).or_default() += d.count;
    }
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|d| {
            let date = d.to_string();
            let count = counts.get(date.as_str()).copied().unwrap_or(0);
            DailyCount { date, count }
        })
        .collect()
}

/// The days of a dense series with a count, plus its first and last day (even when 0): the
/// `daily` of the JSON.
pub fn sparse_daily(dense: Vec<DailyCount>) -> Vec<DailyCount> {
    let last = dense.len().saturating_sub(1);
    dense
        .into_iter()
        .enumerate()
        .filter(|(i, d)| d.count > 0 || *i == 0 || *i == last)
        .map(|(_, d)| d)
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ToolStat {
    pub name: String,
    pub count: u64,
    pub failures: u64,
    pub success_rate: Option<f64>,
    /// The most recent failures in range, newest first, with the first line of their text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent_errors: Vec<ToolError>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ToolError {
    /// RFC 3339, UTC.
    pub time: String,
    pub session: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CommandStat {
    pub name: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Stages {
    pub order: Vec<String>,
    pub counts: BTreeMap<String, u64>,
    pub sessions_reached: BTreeMap<String, u64>,
    /// Stages of `order` that no session in scope reached.
    pub missing: Vec<String>,
    /// Extra: sessions that had at least one staged tool call (the denominator of "skipped
    /// in n/m sessions").
    #[serde(default)]
    pub sessions_with_stages: u64,
    /// Extra: stage changes `from -> to` with their counts.
    #[serde(default)]
    pub transitions: Vec<Transition>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Transition {
    pub from: String,
    pub to: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Success {
    pub overall: Option<f64>,
    pub with_skills: Option<f64>,
    pub without_skills: Option<f64>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Skill,
    Agent,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MissedOpportunity {
    pub item: String,
    pub kind: ItemKind,
    pub count: u64,
    pub examples: Vec<MissedExample>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct MissedExample {
    pub session: String,
    /// Cut to 200 characters; `--redact` replaces it with `[redacted: N chars]`.
    pub prompt: String,
    /// The words or phrases of the request that matched.
    pub triggers: Vec<String>,
    /// When the prompt was sent (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// The detector's score (1.0 is the threshold; 2.0 when asked for by name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    /// Why: asked for by name, the purpose asked for, or like an earlier request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// The earlier request most like this one after which the item ran (cut like `prompt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearest: Option<String>,
    /// The session's project (its working directory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
}

/// What a finding is about. Declared in the order findings of one severity are listed.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum InsightKind {
    DecliningMissed,
    LowSuccess,
    StageGap,
    MissedOpportunity,
    NotChosen,
    NeverUsed,
    /// A skill or agent type whose cost per invocation rose sharply against the previous
    /// range.
    CostRise,
    /// A skill or agent type taking a large share of the spend while the tool calls made
    /// inside it fail more than the rest.
    CostlyFailures,
}

impl InsightKind {
    /// The name in the JSON schema: `declining_missed`, `low_success`, ...
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            InsightKind::DecliningMissed => "declining_missed",
            InsightKind::LowSuccess => "low_success",
            InsightKind::StageGap => "stage_gap",
            InsightKind::MissedOpportunity => "missed_opportunity",
            InsightKind::NotChosen => "not_chosen",
            InsightKind::NeverUsed => "never_used",
            InsightKind::CostRise => "cost_rise",
            InsightKind::CostlyFailures => "costly_failures",
        }
    }
}

impl std::fmt::Display for InsightKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Insight {
    pub kind: InsightKind,
    pub severity: Severity,
    pub item: String,
    pub message: String,
    pub source: Source,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Telemetry {
    pub cost_usd: Option<f64>,
    pub sessions: Option<f64>,
    #[serde(default)]
    pub tokens_by_type: BTreeMap<String, f64>,
    #[serde(default)]
    pub tokens_by_model: BTreeMap<String, f64>,
    pub lines_added: Option<f64>,
    pub lines_removed: Option<f64>,
    pub commits: Option<f64>,
    pub pull_requests: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PromTotals {
    pub prompts: Option<f64>,
    pub compactions: Option<f64>,
    pub tool_success: Option<f64>,
    pub tool_failure: Option<f64>,
    pub success_rate: Option<f64>,
    #[serde(default)]
    pub failures_by_tool: BTreeMap<String, f64>,
    /// Stage entries by `to_stage`.
    #[serde(default)]
    pub stages: BTreeMap<String, f64>,
    #[serde(default)]
    pub transitions: Vec<PromTransition>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PromTransition {
    pub from: String,
    pub to: String,
    pub count: f64,
}

/// Where a diagnostic comes from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticSource {
    Transcripts,
    Catalog,
    Prometheus,
    Config,
}

impl DiagnosticSource {
    /// The name in the JSON: `transcripts`, `catalog`, `prometheus`, `config`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DiagnosticSource::Transcripts => "transcripts",
            DiagnosticSource::Catalog => "catalog",
            DiagnosticSource::Prometheus => "prometheus",
            DiagnosticSource::Config => "config",
        }
    }
}

impl std::fmt::Display for DiagnosticSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Diagnostic {
    pub source: DiagnosticSource,
    pub path: Option<String>,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str, count: u64) -> DailyCount {
        DailyCount {
            date: date.into(),
            count,
        }
    }

    #[test]
    fn a_sparse_series_expands_to_every_day_and_back() {
        let sparse = vec![
            day("2026-02-27", 0),
            day("2026-03-01", 2),
            day("2026-03-03", 0),
        ];
        let dense = dense_daily(&sparse);
        let dates: Vec<&str> = dense.iter().map(|d| d.date.as_str()).collect();
        assert_eq!(
            dates,
            [
                "2026-02-27",
                "2026-02-28",
                "2026-03-01",
                "2026-03-02",
                "2026-03-03"
            ]
        );
        assert_eq!(
            dense.iter().map(|d| d.count).collect::<Vec<_>>(),
            [0, 0, 2, 0, 0]
        );
        assert_eq!(dense_daily(&dense), dense, "a dense series stays as it is");
        assert_eq!(sparse_daily(dense), sparse);
        // One day, bad dates, nothing: as given.
        assert_eq!(dense_daily(&[day("2026-03-01", 1)]), [day("2026-03-01", 1)]);
        let bad = [day("yesterday", 1), day("2026-03-01", 1)];
        assert_eq!(dense_daily(&bad), bad);
        assert!(dense_daily(&[]).is_empty());
        assert!(sparse_daily(Vec::new()).is_empty());
    }

    #[test]
    fn an_absurd_span_expands_to_ten_years_at_most() {
        let dense = dense_daily(&[day("0001-01-01", 1), day("2026-03-01", 1)]);
        assert_eq!(dense.len() as i64, MAX_DAILY_DAYS);
        assert_eq!(dense.last().map(|d| d.count), Some(1));
    }
}
