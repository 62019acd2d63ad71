//! `--format table`: the detailed text report of a snapshot.

use std::fmt::Write;

use crate::model::snapshot::{
    ItemStat, PromStatus, Severity, Snapshot, Source, Stages, TranscriptSource,
};

/// Arrow for a trend, as on the dashboard: ↑ over +10%, ↓ under −10%, ↔ otherwise, `new`
/// when the previous count was 0.
pub fn trend_label(item: &ItemStat) -> String {
    match item.trend_pct {
        None if item.count > 0 => "new".to_string(),
        None => "".to_string(),
        Some(p) if p > 10.0 => format!("↑ {p:+.0}%"),
        Some(p) if p < -10.0 => format!("↓ {p:+.0}%"),
        Some(p) => format!("↔ {p:+.0}%"),
    }
}

pub fn percent(rate: Option<f64>) -> String {
    rate.map_or("–".to_string(), |r| format!("{:.1}%", r * 100.0))
}

pub fn source_mark(s: Source) -> &'static str {
    match s {
        Source::Transcripts => "T",
        Source::Prometheus => "P",
        Source::Both => "T+P",
    }
}

/// "review skipped in 4/10 sessions" for each expected stage some sessions skipped.
pub fn stage_skips(stages: &Stages) -> Vec<String> {
    let total = stages.sessions_with_stages;
    if total == 0 {
        return Vec::new();
    }
    stages
        .order
        .iter()
        .filter_map(|st| {
            let reached = stages.sessions_reached.get(st).copied().unwrap_or(0);
            (reached < total)
                .then(|| format!("{st} skipped in {}/{total} sessions", total - reached))
        })
        .collect()
}

fn heading(out: &mut String, title: &str) {
    let _ = writeln!(out, "\n{title}\n{}", "─".repeat(title.chars().count()));
}

fn transcripts_line(t: &TranscriptSource) -> String {
    let mut s = format!(
        "{} files, {} sessions, {} lines ({:.1} MB)",
        t.files,
        t.sessions,
        t.lines,
        t.bytes as f64 / 1e6
    );
    if t.skipped_lines > 0 {
        let reasons: Vec<String> = t
            .skipped_by_reason
            .iter()
            .map(|(r, n)| format!("{n} {r}"))
            .collect();
        let _ = write!(
            s,
            "; {} lines skipped ({})",
            t.skipped_lines,
            reasons.join(", ")
        );
    }
    s
}

fn items(out: &mut String, title: &str, items: &[ItemStat]) {
    heading(out, title);
    if items.is_empty() {
        let _ = writeln!(out, "  none in range");
        return;
    }
    let _ = writeln!(
        out,
        "  {:<44} {:>6} {:>6} {:>10} {:>8} {:>8} {:>4}",
        "name", "count", "prev", "trend", "sessions", "success", "src"
    );
    for i in items {
        let mut count = i.count.to_string();
        if let Some(p) = i.prometheus_count {
            let _ = write!(count, "/{p:.0}");
        }
        let _ = writeln!(
            out,
            "  {:<44} {:>6} {:>6} {:>10} {:>8} {:>8} {:>4}",
            clip(&i.name, 44),
            count,
            i.previous_count,
            trend_label(i),
            i.sessions,
            percent(i.success_rate),
            source_mark(i.source)
        );
    }
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut c: String = s.chars().take(max.saturating_sub(1)).collect();
        c.push('…');
        c
    }
}

pub fn render(s: &Snapshot, verbose: bool) -> String {
    let mut out = String::new();
    let scope = match &s.scope.project {
        Some(p) => format!("project {p}"),
        None => "all projects".to_string(),
    };
    let _ = writeln!(
        out,
        "skilltop — {scope}, range {} ({} → {}, {})",
        s.scope.range, s.scope.start, s.scope.end, s.scope.timezone
    );
    let _ = writeln!(
        out,
        "Transcripts: {}",
        transcripts_line(&s.sources.transcripts)
    );
    let p = &s.sources.prometheus;
    let prom = match p.status {
        PromStatus::Disabled => "disabled".to_string(),
        PromStatus::Ok => format!("ok ({})", p.endpoint.as_deref().unwrap_or("")),
        PromStatus::Unreachable | PromStatus::Error => format!(
            "{} ({}): {}",
            if p.status == PromStatus::Error {
                "error"
            } else {
                "unreachable"
            },
            p.endpoint.as_deref().unwrap_or(""),
            p.error.as_deref().unwrap_or("")
        ),
    };
    let _ = writeln!(out, "Prometheus: {prom}");

    heading(&mut out, "Totals");
    let t = &s.totals;
    let _ = writeln!(
        out,
        "  sessions {}  prompts {}  tool calls {}  compactions {}",
        t.sessions, t.prompts, t.tool_calls, t.compactions
    );
    let _ = writeln!(
        out,
        "  success {}  failure {} (of which rejected {})  interrupted {}  success rate {}",
        t.tool_success,
        t.tool_failure,
        t.tool_rejected,
        t.tool_interrupted,
        percent(t.success_rate)
    );
    for (model, tk) in &t.tokens {
        let _ = writeln!(
            out,
            "  tokens {model}: input {} output {} cache write {} cache read {}",
            tk.input, tk.output, tk.cache_creation, tk.cache_read
        );
    }

    items(&mut out, "Skills", &s.skills);
    items(&mut out, "Agents", &s.agents);

    heading(&mut out, "Tools");
    if s.tools.is_empty() {
        let _ = writeln!(out, "  none in range");
    }
    for tool in &s.tools {
        let _ = writeln!(
            out,
            "  {:<44} {:>6} calls {:>5} failed {:>8}",
            clip(&tool.name, 44),
            tool.count,
            tool.failures,
            percent(tool.success_rate)
        );
    }
    if !s.commands.is_empty() {
        heading(&mut out, "Slash commands");
        for c in &s.commands {
            let _ = writeln!(out, "  /{:<43} {:>6}", clip(&c.name, 43), c.count);
        }
    }

    heading(&mut out, "Stages");
    let flow: Vec<String> = s
        .stages
        .order
        .iter()
        .map(|st| {
            let n = s.stages.counts.get(st).copied().unwrap_or(0);
            let reached = s.stages.sessions_reached.get(st).copied().unwrap_or(0);
            if s.stages.missing.contains(st) {
                format!("[{st}: never]")
            } else {
                format!("{st} {n} ({reached} sessions)")
            }
        })
        .collect();
    let _ = writeln!(out, "  {}", flow.join(" → "));
    for line in stage_skips(&s.stages) {
        let _ = writeln!(out, "  {line}");
    }

    heading(&mut out, "Success");
    let _ = writeln!(
        out,
        "  overall {}  with skills {}  without skills {}",
        percent(s.success.overall),
        percent(s.success.with_skills),
        percent(s.success.without_skills)
    );

    heading(&mut out, "Missed opportunities");
    if s.missed_opportunities.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for m in &s.missed_opportunities {
        let kind = match m.kind {
            crate::model::snapshot::ItemKind::Skill => "skill",
            crate::model::snapshot::ItemKind::Agent => "agent",
        };
        let _ = writeln!(
            out,
            "  {} ({kind}): {} matched without it",
            m.item,
            crate::store::insights::plural(m.count, "prompt")
        );
        if verbose {
            for e in &m.examples {
                let _ = writeln!(
                    out,
                    "      [{}] {:?} — triggers: {}",
                    clip(&e.session, 8),
                    e.prompt,
                    e.triggers.join(", ")
                );
            }
        }
    }

    heading(&mut out, "Findings");
    if s.insights.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for i in &s.insights {
        let sev = match i.severity {
            Severity::High => "HIGH",
            Severity::Medium => "MED ",
            Severity::Low => "LOW ",
        };
        let _ = writeln!(
            out,
            "  {sev} {} [{}] {}",
            i.item,
            source_mark(i.source),
            i.message
        );
    }

    heading(&mut out, "Recommendations");
    if s.recommendations.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for (n, r) in s.recommendations.iter().enumerate() {
        let _ = writeln!(out, "  {}. {r}", n + 1);
    }

    if !s.diagnostics.is_empty() {
        heading(&mut out, "Diagnostics");
        for d in &s.diagnostics {
            match &d.path {
                Some(p) => {
                    let _ = writeln!(out, "  [{}] {p}: {}", d.source, d.message);
                }
                None => {
                    let _ = writeln!(out, "  [{}] {}", d.source, d.message);
                }
            }
        }
    }
    out
}
