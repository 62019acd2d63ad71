//! Step 8, findings and recommendations: judgement over a finished snapshot and the
//! catalog (the README's "Missed opportunities and findings"). Thresholds are constants here and in the README.

use std::collections::HashSet;

use crate::model::names::name_forms;
use crate::model::snapshot::{
    Insight, InsightKind, ItemStat, PromStatus, Severity, Snapshot, Source,
};
use crate::sources::catalog::{Catalog, DefinitionKind};

/// Usage down by more than this (percent) while prompts still matched: declining.
const DECLINE_PCT: f64 = -20.0;
/// Fewest decided calls before an item's success rate means anything.
const MIN_CALLS: u64 = 3;
/// Success rate this far below the overall rate: medium; twice as far: high.
const LOW_SUCCESS_GAP: f64 = 0.2;
/// Sessions with a skill this much less successful than without: medium.
const WITH_WITHOUT_GAP: f64 = 0.15;
/// Fewest sessions on each side before comparing sessions with and without an item.
const MIN_SESSIONS: u64 = 3;
/// A stage reached in fewer than this share of the sessions is a gap.
const STAGE_SHARE: f64 = 0.5;

/// Step 8: the findings and their recommendations, set on the snapshot.
pub(super) fn findings(snap: &mut Snapshot, catalog: &Catalog) {
    let (insights, recommendations) = derive(snap, catalog);
    snap.insights = insights;
    snap.recommendations = recommendations;
}

/// A finding and its recommendation.
type Found = (Insight, String);

/// Every finding, most severe first; within a severity by kind, then in the order they
/// were found (stages in workflow order, items most used first).
pub(crate) fn derive(snap: &Snapshot, catalog: &Catalog) -> (Vec<Insight>, Vec<String>) {
    let mut found: Vec<Found> = Vec::new();
    declining_missed(snap, &mut found);
    low_success(snap, &mut found);
    stage_gap(snap, &mut found);
    missed_opportunity(snap, &mut found);
    never_used(snap, catalog, &mut found);
    // Stable: within a kind, the order they were found in.
    found.sort_by(|a, b| {
        b.0.severity
            .cmp(&a.0.severity)
            .then_with(|| a.0.kind.cmp(&b.0.kind))
    });
    found.into_iter().unzip()
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

/// Usage down by more than `DECLINE_PCT` while prompts still matched the item.
fn declining_missed(snap: &Snapshot, found: &mut Vec<Found>) {
    for (item, kind) in items(snap) {
        let m = snap
            .missed_opportunities
            .iter()
            .find(|m| same_item(&m.item, &item.name));
        let (Some(trend), Some(m)) = (item.trend_pct, m) else {
            continue;
        };
        if trend < DECLINE_PCT {
            found.push(finding(
                InsightKind::DecliningMissed,
                Severity::High,
                &item.name,
                format!(
                    "{kind} {} used {} times, down {:.0}% from {}, while {} matched it without it",
                    item.name,
                    item.count,
                    -trend,
                    item.previous_count,
                    plural(m.count, "prompt")
                ),
                item.source,
                format!(
                    "Bring {} back: usage fell {:.0}% while {} prompts asked for it",
                    item.name, -trend, m.count
                ),
            ));
        }
    }
}

/// Per item: a low success rate of its own calls, then sessions with it doing worse than
/// those without.
fn low_success(snap: &Snapshot, found: &mut Vec<Found>) {
    for (item, kind) in items(snap) {
        found.extend(low_own_success(snap, item, kind));
        found.extend(worse_with(snap, item));
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
            "{kind} {} succeeds in {} of its {} calls against {} overall",
            item.name,
            pct(rate),
            item.count,
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

/// Expected stages reached in fewer than `STAGE_SHARE` of the sessions with any stage.
fn stage_gap(snap: &Snapshot, found: &mut Vec<Found>) {
    let st = &snap.stages;
    if st.sessions_with_stages == 0 {
        return;
    }
    let n = st.sessions_with_stages;
    for stage in &st.order {
        let reached = st.sessions_reached.get(stage).copied().unwrap_or(0);
        if (reached as f64) < STAGE_SHARE * n as f64 {
            let skipped = n - reached;
            found.push(finding(
                InsightKind::StageGap,
                Severity::Medium,
                stage,
                format!("{stage} was skipped in {skipped}/{n} sessions"),
                overall_source(snap),
                format!(
                    "{}: {stage} was skipped in {skipped}/{n} sessions",
                    stage_advice(stage)
                ),
            ));
        }
    }
}

/// Items whose triggers matched two prompts or more in sessions that never invoked them.
fn missed_opportunity(snap: &Snapshot, found: &mut Vec<Found>) {
    for m in &snap.missed_opportunities {
        let severity = match m.count {
            0 | 1 => continue,
            2 => Severity::Low,
            _ => Severity::Medium,
        };
        let mut triggers: Vec<&str> = m
            .examples
            .iter()
            .flat_map(|e| e.triggers.iter().map(String::as_str))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        triggers.sort_unstable();
        triggers.truncate(3);
        found.push(finding(
            InsightKind::MissedOpportunity,
            severity,
            &m.item,
            format!(
                "{} prompts matched {} ({}) in sessions that never invoked it",
                m.count,
                m.item,
                triggers.join(", ")
            ),
            Source::Transcripts,
            format!(
                "Invoke {} when a prompt is about {}: {} prompts matched it without it",
                m.item,
                triggers.first().copied().unwrap_or("its triggers"),
                m.count
            ),
        ));
    }
}

/// Installed skills and agents not invoked in the range.
fn never_used(snap: &Snapshot, catalog: &Catalog, found: &mut Vec<Found>) {
    let used: HashSet<&str> = items(snap)
        .filter(|(i, _)| i.count > 0)
        .flat_map(|(i, _)| name_forms(&i.name))
        .collect();
    for d in catalog.invocable() {
        if name_forms(&d.name).any(|n| used.contains(n)) {
            continue;
        }
        let kind = match d.kind {
            DefinitionKind::Agent => "agent",
            _ => "skill",
        };
        found.push(finding(
            InsightKind::NeverUsed,
            Severity::Low,
            &d.name,
            format!(
                "{kind} {} is installed but was not invoked {}",
                d.name,
                range_phrase(&snap.scope.range)
            ),
            overall_source(snap),
            format!(
                "Remove {} or sharpen its description: not invoked {}",
                d.name,
                range_phrase(&snap.scope.range)
            ),
        ));
    }
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

fn same_item(a: &str, b: &str) -> bool {
    name_forms(a).any(|x| name_forms(b).any(|y| x == y))
}

/// "in the last 7d", or "in the whole history" for `all`.
fn range_phrase(label: &str) -> String {
    if label == "all" || label.is_empty() {
        "in the whole history".into()
    } else {
        format!("in the last {label}")
    }
}

/// "1 prompt", "3 prompts".
pub(crate) fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn pct(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

fn stage_advice(stage: &str) -> &'static str {
    match stage {
        "brainstorm" => "Brainstorm before building",
        "plan" => "Write a plan before implementing",
        "implement" => "Check that sessions reach implementation",
        "test" => "Run the tests before review",
        "review" => "Run code review before commits",
        "commit" => "Commit finished work",
        _ => "Follow the workflow",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::snapshot::MissedOpportunity;
    use crate::model::snapshot::{ItemKind, MissedExample};
    use crate::sources::catalog::Definition;

    fn item(name: &str, count: u64, prev: u64, rate: Option<f64>) -> ItemStat {
        ItemStat {
            name: name.into(),
            count,
            previous_count: prev,
            trend_pct: crate::store::pipeline::trend(count as f64, prev as f64),
            sessions: 1,
            success_rate: rate,
            source: Source::Transcripts,
            prometheus_count: None,
            daily: vec![],
            success_with: None,
            success_without: None,
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
    fn each_kind_with_its_severity_most_severe_first() {
        let mut s = Snapshot::default();
        s.success.overall = Some(0.9);
        s.skills = vec![
            item("superpowers:brainstorming", 1, 4, Some(1.0)),
            item("flaky", 5, 5, Some(0.3)),
        ];
        s.totals.sessions = 10;
        s.skills[1].sessions = 4;
        s.skills[1].success_with = Some(0.6);
        s.skills[1].success_without = Some(0.9);
        s.missed_opportunities = vec![missed("brainstorming", 3), missed("other", 2)];
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
                (
                    "declining_missed",
                    Severity::High,
                    "superpowers:brainstorming"
                ),
                ("low_success", Severity::High, "flaky"),
                ("low_success", Severity::Medium, "flaky"),
                ("stage_gap", Severity::Medium, "test"),
                ("missed_opportunity", Severity::Medium, "brainstorming"),
                ("missed_opportunity", Severity::Low, "other"),
                ("never_used", Severity::Low, "idle"),
            ]
        );
        assert_eq!(recs.len(), insights.len());
        assert!(
            insights[0].message.contains("down 75% from 4"),
            "{}",
            insights[0].message
        );
        assert!(
            recs[3].contains("test was skipped in 6/10 sessions"),
            "{}",
            recs[3]
        );
        assert!(insights[1].message.contains("30%") && insights[1].message.contains("90%"));
    }

    #[test]
    fn nothing_to_say_about_an_empty_snapshot() {
        let (i, r) = derive(&Snapshot::default(), &Catalog::default());
        assert!(i.is_empty() && r.is_empty());
    }

    #[test]
    fn a_single_match_or_a_used_item_is_not_a_finding() {
        let s = Snapshot {
            skills: vec![item("a", 2, 2, Some(1.0))],
            missed_opportunities: vec![missed("b", 1)],
            ..Default::default()
        };
        let (i, _) = derive(&s, &catalog(&["a"]));
        assert!(i.is_empty(), "{i:?}");
    }
}
