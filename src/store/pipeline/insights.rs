//! Step 8, findings and recommendations: judgement over a finished snapshot and the
//! catalog (README "Findings"). Ranked by what the user can act on, each with its
//! evidence; at most one finding per item and kind, none from a single event, and no
//! nags: a stage the user rarely reaches and the items never used are one quiet line each.

use std::collections::HashSet;

use crate::model::format::{percent, plural, usd};
use crate::model::names::same_name;
use crate::model::snapshot::{
    Insight, InsightKind, ItemKind, ItemStat, MissedOpportunity, PromStatus, Severity, Snapshot,
    Source,
};
use crate::sources::catalog::{Catalog, DefinitionKind};

/// Usage down by more than this (percent) while prompts still called for it: declining.
const DECLINE_PCT: f64 = -20.0;
/// Fewest events behind a finding: calls for a success rate, prompts for a missed
/// opportunity, invocations in the previous range for a decline.
const MIN_EVENTS: u64 = 2;
/// Fewest decided calls before an item's success rate means anything.
const MIN_CALLS: u64 = 3;
/// Success rate this far below the overall rate: medium; twice as far: high.
const LOW_SUCCESS_GAP: f64 = 0.2;
/// Sessions with an item this much less successful than without: medium.
const WITH_WITHOUT_GAP: f64 = 0.15;
/// Fewest sessions on each side before comparing sessions with and without an item.
const MIN_SESSIONS: u64 = 3;
/// A stage reached in fewer than this share of the sessions is rarely reached.
const STAGE_SHARE: f64 = 0.5;
/// Missed opportunities from this many prompts up are high.
const MANY_MISSED: u64 = 5;
/// Names listed in a folded finding before "and N more".
const LISTED: usize = 6;
/// A cost per invocation "rose sharply" only from this many invocations in both ranges,
/// by at least this share and this many dollars a run (small numbers are noise).
const COST_RISE_MIN_RUNS: u64 = 3;
const COST_RISE_PCT: f64 = 50.0;
const COST_RISE_MIN_USD: f64 = 0.50;
/// From this rise (percent) a cost rise is medium, below it low.
const COST_RISE_MEDIUM_PCT: f64 = 100.0;
/// A "large share" of the spend, and the fewest dollars that make one.
const COSTLY_SHARE: f64 = 0.25;
const COSTLY_MIN_USD: f64 = 1.0;
/// Fewest decided calls inside the item, and outside it, before comparing their success;
/// the gap (success rate points) that counts as failing more.
const COSTLY_MIN_CALLS: u64 = 5;
const COSTLY_GAP: f64 = 0.10;

/// Step 8: the findings and their recommendations, set on the snapshot.
pub(super) fn findings(snap: &mut Snapshot, catalog: &Catalog) {
    let (insights, recommendations) = derive(snap, catalog);
    snap.insights = insights;
    snap.recommendations = recommendations;
}

/// A finding and its recommendation.
type Found = (Insight, String);

/// Every finding, most severe first; within a severity by what the user can act on first
/// (missed requests, skills the model does not choose, failures, declines, workflow, the
/// catalog), then in the order they were found (items most used first).
pub(crate) fn derive(snap: &Snapshot, catalog: &Catalog) -> (Vec<Insight>, Vec<String>) {
    let mut found: Vec<Found> = Vec::new();
    missed_opportunity(snap, &mut found);
    not_chosen(snap, &mut found);
    low_success(snap, &mut found);
    costly_failures(snap, &mut found);
    cost_rise(snap, &mut found);
    declining_missed(snap, &mut found);
    stage_gap(snap, &mut found);
    never_used(snap, catalog, &mut found);
    found.sort_by(|a, b| {
        b.0.severity
            .cmp(&a.0.severity)
            .then_with(|| rank(a.0.kind).cmp(&rank(b.0.kind)))
    });
    found.into_iter().unzip()
}

fn rank(kind: InsightKind) -> u8 {
    match kind {
        InsightKind::MissedOpportunity => 0,
        InsightKind::NotChosen => 1,
        InsightKind::LowSuccess => 2,
        InsightKind::CostlyFailures => 3,
        InsightKind::CostRise => 4,
        InsightKind::DecliningMissed => 5,
        InsightKind::StageGap => 6,
        InsightKind::NeverUsed => 7,
    }
}

/// Skills, then agents, each with its kind's word.
fn items(snap: &Snapshot) -> impl Iterator<Item = (&ItemStat, &'static str)> {
    snap.skills
        .iter()
        .map(|i| (i, "skill"))
        .chain(snap.agents.iter().map(|i| (i, "agent")))
}

/// The source of a finding about the workflow as a whole.
fn overall_source(snap: &Snapshot) -> Source {
    if snap.sources.prometheus.status == PromStatus::Ok {
        Source::Both
    } else {
        Source::Transcripts
    }
}

/// The first example of a missed opportunity, short, in quotes.
fn example(m: &MissedOpportunity) -> String {
    m.examples
        .first()
        .map(|e| {
            let one_line: String = e.prompt.split_whitespace().collect::<Vec<_>>().join(" ");
            let cut: String = one_line.chars().take(60).collect();
            let more = if cut.len() < one_line.len() {
                "…"
            } else {
                ""
            };
            format!(", e.g. “{cut}{more}”")
        })
        .unwrap_or_default()
}

/// Requests that called for an item in sessions where nothing of its purpose ran.
fn missed_opportunity(snap: &Snapshot, found: &mut Vec<Found>) {
    for m in snap
        .missed_opportunities
        .iter()
        .filter(|m| m.count >= MIN_EVENTS)
    {
        let severity = if m.count >= MANY_MISSED {
            Severity::High
        } else {
            Severity::Medium
        };
        let why = m
            .examples
            .first()
            .and_then(|e| e.evidence.clone())
            .unwrap_or_else(|| "they called for it".into());
        found.push(finding(
            InsightKind::MissedOpportunity,
            severity,
            &m.item,
            format!(
                "{} called for {} in sessions where it never ran ({why}){}",
                plural(m.count, "request"),
                m.item,
                example(m)
            ),
            Source::Transcripts,
            match m.kind {
                ItemKind::Skill => format!(
                    "Type /{} (or ask for the skill by name) on requests like these: {} went \
                     without it",
                    m.item,
                    plural(m.count, "request")
                ),
                ItemKind::Agent => format!(
                    "Ask for the {} agent by name on requests like these: {} went without it",
                    m.item,
                    plural(m.count, "request")
                ),
            },
        ));
    }
}

/// Skills the model never chooses by itself while the user types them or asks for them:
/// their description does not match how the user asks.
fn not_chosen(snap: &Snapshot, found: &mut Vec<Found>) {
    let mut names: Vec<&str> = snap.skills.iter().map(|s| s.name.as_str()).collect();
    for m in &snap.missed_opportunities {
        if m.kind == ItemKind::Skill && !names.iter().any(|n| same_name(n, &m.item)) {
            names.push(&m.item);
        }
    }
    for name in names {
        let row = snap.skills.iter().find(|s| s.name == name);
        let by = row.and_then(|s| s.invoked_by).unwrap_or_default();
        let missed = snap
            .missed_opportunities
            .iter()
            .find(|m| same_name(&m.item, name))
            .map_or(0, |m| m.count);
        if by.model > 0 || by.user + missed < MIN_EVENTS || (by.user == 0 && missed < MIN_EVENTS) {
            continue;
        }
        found.push(finding(
            InsightKind::NotChosen,
            Severity::Medium,
            name,
            match by.user {
                0 => format!(
                    "Claude never chose {name} by itself while {} called for it",
                    plural(missed, "request")
                ),
                typed => format!(
                    "Claude never chose {name} by itself: you typed it {} and {} more called \
                     for it",
                    plural(typed, "time"),
                    plural(missed, "request")
                ),
            },
            row.map_or(Source::Transcripts, |r| r.source),
            format!(
                "Rewrite the description of {name} in the words you use when you ask for it: the model picks skills by their descriptions"
            ),
        ));
    }
}

/// Per item: a low success rate of its own calls, or else sessions with it doing worse
/// than those without (one finding per item).
fn low_success(snap: &Snapshot, found: &mut Vec<Found>) {
    for (item, kind) in items(snap) {
        if let Some(f) = low_own_success(snap, item, kind).or_else(|| worse_with(snap, item)) {
            found.push(f);
        }
    }
}

fn low_own_success(snap: &Snapshot, item: &ItemStat, kind: &str) -> Option<Found> {
    let (Some(rate), Some(all)) = (item.success_rate, snap.success.overall) else {
        return None;
    };
    let low = item.count >= MIN_CALLS && rate < all - LOW_SUCCESS_GAP;
    if !low {
        return None;
    }
    let severity = if rate < all - 2.0 * LOW_SUCCESS_GAP {
        Severity::High
    } else {
        Severity::Medium
    };
    Some(finding(
        InsightKind::LowSuccess,
        severity,
        &item.name,
        format!(
            "{kind} {} succeeds in {} of its {} against {} overall",
            item.name,
            pct(rate),
            plural(item.count, "call"),
            pct(all)
        ),
        item.source,
        format!(
            "Check how {} is invoked: {} success against {} overall",
            item.name,
            pct(rate),
            pct(all)
        ),
    ))
}

fn worse_with(snap: &Snapshot, item: &ItemStat) -> Option<Found> {
    let sessions_without = snap.totals.sessions.saturating_sub(item.sessions);
    let (Some(with), Some(without)) = (item.success_with, item.success_without) else {
        return None;
    };
    let worse = with + WITH_WITHOUT_GAP < without
        && item.sessions >= MIN_SESSIONS
        && sessions_without >= MIN_SESSIONS;
    if !worse {
        return None;
    }
    Some(finding(
        InsightKind::LowSuccess,
        Severity::Medium,
        &item.name,
        format!(
            "tool calls succeed {} in sessions that used {} and {} in sessions that did not",
            pct(with),
            item.name,
            pct(without)
        ),
        item.source,
        format!(
            "Review what {} makes the session do: tool success {} with it, {} without",
            item.name,
            pct(with),
            pct(without)
        ),
    ))
}

/// A cost per invocation up sharply against the previous range: at least
/// `COST_RISE_MIN_RUNS` invocations in both, up `COST_RISE_PCT` percent and
/// `COST_RISE_MIN_USD` a run.
fn cost_rise(snap: &Snapshot, found: &mut Vec<Found>) {
    for (item, kind) in items(snap) {
        let (Some(now), Some(before)) = (item.cost_per_call, item.previous_cost_per_call) else {
            continue;
        };
        if item.count < COST_RISE_MIN_RUNS
            || item.previous_count < COST_RISE_MIN_RUNS
            || before <= 0.0
        {
            continue;
        }
        let pct = (now - before) / before * 100.0;
        if pct < COST_RISE_PCT || now - before < COST_RISE_MIN_USD {
            continue;
        }
        let severity = if pct >= COST_RISE_MEDIUM_PCT {
            Severity::Medium
        } else {
            Severity::Low
        };
        found.push(finding(
            InsightKind::CostRise,
            severity,
            &item.name,
            format!(
                "{kind} {}: {} a run, was {} (+{pct:.0}%) — {} ({} before)",
                item.name,
                usd(now),
                usd(before),
                plural(item.count, "run"),
                item.previous_count
            ),
            item.source,
            format!(
                "See what makes {} dearer now: its details show the cost by day, by model and \
                 the most expensive sessions",
                item.name
            ),
        ));
    }
}

/// A large share of the spend (`COSTLY_SHARE`, at least `COSTLY_MIN_USD`) while the tool
/// calls made inside the item fail more than the rest (`COSTLY_GAP`).
fn costly_failures(snap: &Snapshot, found: &mut Vec<Found>) {
    let total = snap.totals.cost_usd;
    if total <= 0.0 {
        return;
    }
    for (item, kind) in items(snap) {
        let share = item.cost_usd / total;
        if share < COSTLY_SHARE || item.cost_usd < COSTLY_MIN_USD {
            continue;
        }
        let inside = item.calls_succeeded + item.calls_failed;
        let rest_ok = snap
            .totals
            .tool_success
            .saturating_sub(item.calls_succeeded);
        let rest_failed = snap.totals.tool_failure.saturating_sub(item.calls_failed);
        let rest = rest_ok + rest_failed;
        if inside < COSTLY_MIN_CALLS || rest < COSTLY_MIN_CALLS {
            continue;
        }
        let rate = item.calls_succeeded as f64 / inside as f64;
        let rest_rate = rest_ok as f64 / rest as f64;
        if rate > rest_rate - COSTLY_GAP {
            continue;
        }
        found.push(finding(
            InsightKind::CostlyFailures,
            Severity::Medium,
            &item.name,
            format!(
                "{kind} {} takes {} of the spend ({}) while {} of the {} made in it succeed, \
                 {} of the rest",
                item.name,
                pct(share),
                usd(item.cost_usd),
                pct(rate),
                plural(inside, "tool call"),
                pct(rest_rate)
            ),
            item.source,
            format!(
                "Look at the calls that fail inside {}: every retry is paid for",
                item.name
            ),
        ));
    }
}

/// Usage down by more than `DECLINE_PCT` against the user's own previous range while
/// requests still called for the item.
fn declining_missed(snap: &Snapshot, found: &mut Vec<Found>) {
    for (item, kind) in items(snap) {
        let m = snap
            .missed_opportunities
            .iter()
            .find(|m| same_name(&m.item, &item.name));
        let (Some(trend), Some(m)) = (item.trend_pct, m) else {
            continue;
        };
        if trend < DECLINE_PCT && item.previous_count >= MIN_EVENTS {
            found.push(finding(
                InsightKind::DecliningMissed,
                Severity::High,
                &item.name,
                format!(
                    "{kind} {} used {}, down {:.0}% from {}, while {} called for it without it",
                    item.name,
                    plural(item.count, "time"),
                    -trend,
                    item.previous_count,
                    plural(m.count, "request")
                ),
                item.source,
                format!(
                    "Bring {} back: usage fell {:.0}% while {} asked for it",
                    item.name,
                    -trend,
                    plural(m.count, "request")
                ),
            ));
        }
    }
}

/// One quiet line for the expected stages reached in fewer than `STAGE_SHARE` of the
/// sessions: how a user works is theirs to choose.
fn stage_gap(snap: &Snapshot, found: &mut Vec<Found>) {
    let st = &snap.stages;
    let n = st.sessions_with_stages;
    if n < MIN_SESSIONS {
        return;
    }
    let rare: Vec<String> = st
        .order
        .iter()
        .filter_map(|stage| {
            let reached = st.sessions_reached.get(stage).copied().unwrap_or(0);
            ((reached as f64) < STAGE_SHARE * n as f64).then(|| format!("{stage} {reached}/{n}"))
        })
        .collect();
    if rare.is_empty() {
        return;
    }
    found.push(finding(
        InsightKind::StageGap,
        Severity::Low,
        "workflow",
        format!("stages reached in few sessions: {}", rare.join(", ")),
        overall_source(snap),
        "If you mean to use these stages, the Stages pane shows where sessions skip them"
            .to_string(),
    ));
}

/// One line for the installed skills and agents not invoked in the range.
fn never_used(snap: &Snapshot, catalog: &Catalog, found: &mut Vec<Found>) {
    let used: HashSet<&str> = items(snap)
        .filter(|(i, _)| i.count > 0)
        .map(|(i, _)| i.name.as_str())
        .collect();
    let idle: Vec<String> = catalog
        .invocable()
        .filter(|d| !used.iter().any(|u| same_name(u, &d.name)))
        .map(|d| match d.kind {
            DefinitionKind::Agent => format!("{} (agent)", d.name),
            _ => d.name.clone(),
        })
        .collect();
    if idle.is_empty() {
        return;
    }
    let mut listed = idle[..idle.len().min(LISTED)].join(", ");
    if idle.len() > LISTED {
        listed.push_str(&format!(" and {} more", idle.len() - LISTED));
    }
    let n = idle.len() as u64;
    found.push(finding(
        InsightKind::NeverUsed,
        Severity::Low,
        "installed",
        format!(
            "{} not invoked {}: {listed}",
            plural(n, "installed item"),
            range_phrase(&snap.scope.range, snap.scope.project.as_deref())
        ),
        overall_source(snap),
        format!(
            "Remove what you do not need, or sharpen the descriptions of the rest ({} idle)",
            n
        ),
    ));
}

fn finding(
    kind: InsightKind,
    severity: Severity,
    item: &str,
    message: String,
    source: Source,
    recommendation: String,
) -> Found {
    (
        Insight {
            kind,
            severity,
            item: item.into(),
            message,
            source,
        },
        recommendation,
    )
}

/// "in the last 7d", or "in the whole history" for `all`; scoped to a project, it says so
/// (an item idle here may be used elsewhere).
fn range_phrase(label: &str, project: Option<&str>) -> String {
    let when = if label == "all" || label.is_empty() {
        "in the whole history".to_string()
    } else {
        format!("in the last {label}")
    };
    match project {
        Some(p) => format!("{when} of {p}"),
        None => when,
    }
}

fn pct(rate: f64) -> String {
    percent(Some(rate), 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::snapshot::{InvokedBy, MissedExample};
    use crate::sources::catalog::Definition;

    fn item(name: &str, count: u64, prev: u64, rate: Option<f64>) -> ItemStat {
        ItemStat {
            name: name.into(),
            count,
            previous_count: prev,
            trend_pct: crate::store::pipeline::trend(count as f64, prev as f64),
            sessions: 1,
            success_rate: rate,
            ..ItemStat::default()
        }
    }

    fn missed(name: &str, count: u64) -> MissedOpportunity {
        MissedOpportunity {
            item: name.into(),
            kind: ItemKind::Skill,
            count,
            examples: vec![MissedExample {
                session: "s".into(),
                prompt: "p".into(),
                triggers: vec!["brainstorm".into()],
                ..Default::default()
            }],
        }
    }

    fn catalog(names: &[&str]) -> Catalog {
        Catalog::from_items(
            names
                .iter()
                .map(|n| Definition {
                    name: n.to_string(),
                    kind: DefinitionKind::Skill,
                    description: String::new(),
                    triggers: vec![n.to_string()],
                    path: Default::default(),
                })
                .collect(),
            vec![],
        )
    }

    #[test]
    fn each_kind_with_its_severity_most_actionable_first() {
        let mut s = Snapshot::default();
        s.success.overall = Some(0.9);
        s.skills = vec![
            item("superpowers:brainstorming", 1, 4, Some(1.0)),
            item("flaky", 5, 5, Some(0.3)),
        ];
        s.skills[0].invoked_by = Some(InvokedBy { user: 0, model: 1 });
        s.totals.sessions = 10;
        s.skills[1].sessions = 4;
        s.skills[1].success_with = Some(0.6);
        s.skills[1].success_without = Some(0.9);
        s.missed_opportunities = vec![missed("brainstorming", 5), missed("other", 2)];
        s.stages.order = vec!["review".into(), "test".into()];
        s.stages.sessions_with_stages = 10;
        s.stages.sessions_reached.insert("review".into(), 6);
        s.stages.sessions_reached.insert("test".into(), 4);
        let (insights, recs) = derive(&s, &catalog(&["flaky", "idle", "brainstorming"]));
        let got: Vec<_> = insights
            .iter()
            .map(|i| (i.kind.as_str(), i.severity, i.item.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("missed_opportunity", Severity::High, "brainstorming"),
                ("low_success", Severity::High, "flaky"),
                (
                    "declining_missed",
                    Severity::High,
                    "superpowers:brainstorming"
                ),
                ("missed_opportunity", Severity::Medium, "other"),
                ("not_chosen", Severity::Medium, "other"),
                ("stage_gap", Severity::Low, "workflow"),
                ("never_used", Severity::Low, "installed"),
            ]
        );
        assert_eq!(recs.len(), insights.len());
        assert!(
            insights[0].message.contains("e.g. “p”"),
            "{}",
            insights[0].message
        );
        assert!(
            insights[2].message.contains("down 75% from 4"),
            "{}",
            insights[2].message
        );
        assert!(insights[1].message.contains("30%") && insights[1].message.contains("90%"));
        assert_eq!(
            insights[5].message,
            "stages reached in few sessions: test 4/10"
        );
        assert!(insights[6].message.contains("1 installed item not invoked"));
        assert!(
            insights[6].message.ends_with(": idle"),
            "{}",
            insights[6].message
        );
    }

    #[test]
    fn a_skill_only_ever_typed_is_not_chosen_by_the_model() {
        let mut s = Snapshot {
            skills: vec![item("github-pr-review", 15, 0, Some(1.0))],
            ..Default::default()
        };
        s.skills[0].invoked_by = Some(InvokedBy { user: 15, model: 0 });
        let (i, r) = derive(&s, &Catalog::default());
        assert_eq!(i.len(), 1, "{i:?}");
        assert_eq!(i[0].kind, InsightKind::NotChosen);
        assert!(
            i[0].message.contains("typed it 15 times"),
            "{}",
            i[0].message
        );
        assert!(r[0].contains("description"));
        s.skills[0].invoked_by = Some(InvokedBy { user: 15, model: 1 });
        assert!(
            derive(&s, &Catalog::default()).0.is_empty(),
            "the model chose it once"
        );
    }

    #[test]
    fn never_used_items_are_one_finding_that_lists_them() {
        let names: Vec<String> = (0..9).map(|i| format!("s{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let (i, _) = derive(&Snapshot::default(), &catalog(&refs));
        assert_eq!(i.len(), 1);
        assert!(
            i[0].message.contains("9 installed items"),
            "{}",
            i[0].message
        );
        assert!(i[0].message.ends_with("s5 and 3 more"), "{}", i[0].message);
    }

    #[test]
    fn nothing_to_say_about_an_empty_snapshot() {
        let (i, r) = derive(&Snapshot::default(), &Catalog::default());
        assert!(i.is_empty() && r.is_empty());
    }

    /// An agent of `count` runs costing `per` a run, `prev_per` a run over `prev` runs
    /// before.
    fn priced(name: &str, count: u64, per: f64, prev: u64, prev_per: Option<f64>) -> ItemStat {
        ItemStat {
            cost_usd: per * count as f64,
            cost_per_call: Some(per),
            previous_cost_per_call: prev_per,
            ..item(name, count, prev, Some(1.0))
        }
    }

    fn kinds_of(s: &Snapshot) -> Vec<(InsightKind, Severity, String)> {
        derive(s, &Catalog::default())
            .0
            .into_iter()
            .map(|i| (i.kind, i.severity, i.item))
            .collect()
    }

    #[test]
    fn a_cost_per_run_up_sharply_is_a_finding_that_says_by_how_much() {
        let s = Snapshot {
            agents: vec![priced("code-reviewer", 12, 0.84, 5, Some(0.31))],
            ..Default::default()
        };
        let (i, r) = derive(&s, &Catalog::default());
        assert_eq!(i.len(), 1, "{i:?}");
        assert_eq!(
            (i[0].kind, i[0].severity, i[0].kind.as_str()),
            (InsightKind::CostRise, Severity::Medium, "cost_rise")
        );
        assert_eq!(
            i[0].message,
            "agent code-reviewer: $0.84 a run, was $0.31 (+171%) — 12 runs (5 before)"
        );
        assert!(r[0].contains("code-reviewer"), "{}", r[0]);
        // Up 60%: a low finding.
        let s = Snapshot {
            skills: vec![priced("review", 4, 1.60, 3, Some(1.0))],
            ..Default::default()
        };
        assert_eq!(
            kinds_of(&s),
            [(InsightKind::CostRise, Severity::Low, "review".to_string())]
        );
    }

    #[test]
    fn a_cost_rise_needs_three_runs_each_side_half_again_and_fifty_cents() {
        let quiet = [
            // Two runs before.
            priced("a", 12, 2.0, 2, Some(0.5)),
            // Two runs now.
            priced("b", 2, 2.0, 12, Some(0.5)),
            // +40% only.
            priced("c", 10, 2.8, 10, Some(2.0)),
            // +200% but 20 cents a run.
            priced("d", 10, 0.3, 10, Some(0.1)),
            // Cheaper than before.
            priced("e", 10, 0.5, 10, Some(2.0)),
            // Nothing priced before.
            priced("f", 10, 2.0, 10, None),
        ];
        let s = Snapshot {
            agents: quiet.to_vec(),
            ..Default::default()
        };
        assert!(kinds_of(&s).is_empty(), "{:?}", kinds_of(&s));
        // At the floors exactly: 3 runs each side, +50%, +$0.50.
        let s = Snapshot {
            agents: vec![priced("g", 3, 1.5, 3, Some(1.0))],
            ..Default::default()
        };
        assert_eq!(kinds_of(&s).len(), 1);
    }

    /// A skill costing `cost` of `total`, with `ok`/`failed` calls made in it, and the
    /// snapshot's calls `all_ok`/`all_failed` (the item's included).
    fn costly(cost: f64, total: f64, ok: u64, failed: u64, all: (u64, u64)) -> Snapshot {
        let mut s = Snapshot::default();
        s.totals.cost_usd = total;
        (s.totals.tool_success, s.totals.tool_failure) = all;
        s.skills = vec![ItemStat {
            cost_usd: cost,
            calls_made: ok + failed,
            calls_succeeded: ok,
            calls_failed: failed,
            ..item("review", 2, 0, Some(1.0))
        }];
        s
    }

    #[test]
    fn a_large_share_of_spend_with_failing_calls_inside_is_a_finding() {
        // 40% of $30; 14 of 20 calls in it succeed (70%), 90 of 100 of the rest (90%).
        let s = costly(12.0, 30.0, 14, 6, (104, 16));
        let (i, _) = derive(&s, &Catalog::default());
        assert_eq!(i.len(), 1, "{i:?}");
        assert_eq!(i[0].kind.as_str(), "costly_failures");
        assert_eq!(
            i[0].message,
            "skill review takes 40% of the spend ($12.00) while 70% of the 20 tool calls made \
             in it succeed, 90% of the rest"
        );
    }

    #[test]
    fn costly_failures_stay_quiet_below_their_floors() {
        for (why, s) in [
            ("20% of the spend", costly(6.0, 30.0, 14, 6, (104, 16))),
            ("under a dollar", costly(0.9, 1.0, 14, 6, (104, 16))),
            ("4 calls inside", costly(12.0, 30.0, 2, 2, (92, 12))),
            ("4 calls outside", costly(12.0, 30.0, 14, 6, (17, 7))),
            // 70% inside against 78% outside: less than ten points.
            ("a small gap", costly(12.0, 30.0, 14, 6, (92, 31))),
            ("nothing priced", costly(0.0, 0.0, 14, 6, (104, 16))),
        ] {
            assert!(kinds_of(&s).is_empty(), "{why}: {:?}", kinds_of(&s));
        }
    }

    #[test]
    fn a_single_event_is_not_a_finding() {
        let mut s = Snapshot {
            skills: vec![item("a", 2, 2, Some(1.0))],
            missed_opportunities: vec![missed("b", 1)],
            ..Default::default()
        };
        s.skills[0].invoked_by = Some(InvokedBy { user: 0, model: 2 });
        let (i, _) = derive(&s, &catalog(&["a"]));
        assert!(i.is_empty(), "{i:?}");
    }
}
