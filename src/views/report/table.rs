//! `--format table`: the detailed text report of a snapshot.

use std::fmt::Write;

use crate::model::format::{
    NONE, clip, kind_word, megabytes, percent, plural, prom_status_word, severity_tag, source_mark,
    trend_label, usd,
};
use crate::model::snapshot::CostRow;
use crate::model::snapshot::{ItemStat, PromStatus, Snapshot, Stages, TranscriptSource};

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
        "{}, {}, {} ({})",
        plural(t.files, "file"),
        plural(t.sessions, "session"),
        plural(t.lines, "line"),
        megabytes(t.bytes)
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
    let typed = items.iter().any(|i| i.invoked_by.is_some());
    let _ = writeln!(
        out,
        "  {:<44} {:>6} {:>6} {:>10} {:>8} {:>8} {:>4}{}",
        "name",
        "count",
        "prev",
        "trend",
        "sessions",
        "success",
        "src",
        if typed { "  typed/model" } else { "" }
    );
    for i in items {
        let mut count = i.count.to_string();
        if let Some(p) = i.prometheus_count {
            let _ = write!(count, "/{p:.0}");
        }
        let _ = writeln!(
            out,
            "  {:<44} {:>6} {:>6} {:>10} {:>8} {:>8} {:>4}{}",
            clip(&i.name, 44),
            count,
            i.previous_count,
            trend_label(i),
            i.sessions,
            percent(i.success_rate, 1),
            source_mark(i.source),
            i.invoked_by
                .map_or(String::new(), |b| format!("  {:>5}/{}", b.user, b.model))
        );
    }
}

/// The report as text for a terminal: every string of the snapshot, and the text itself,
/// through the one sanitiser ([`crate::model::format::terminal_safe`]).
pub fn render(s: &Snapshot, verbose: bool) -> String {
    let safe = crate::model::format::terminal_safe_data(s.clone());
    let out = render_raw(&safe, verbose);
    crate::model::format::terminal_safe(&out).into_owned()
}

fn render_raw(s: &Snapshot, verbose: bool) -> String {
    let mut out = String::new();
    head(&mut out, s);
    totals(&mut out, s);
    let start = out.len();
    items(&mut out, "Skills", &s.skills);
    cost_column(&mut out, start, &s.skills, &s.costs.by_skill);
    let start = out.len();
    items(&mut out, "Agents", &s.agents);
    cost_column(&mut out, start, &s.agents, &s.costs.by_agent_type);
    tools(&mut out, s);
    stages(&mut out, s);
    heading(&mut out, "Success");
    let _ = writeln!(
        out,
        "  overall {}  with skills {}  without skills {}",
        percent(s.success.overall, 1),
        percent(s.success.with_skills, 1),
        percent(s.success.without_skills, 1)
    );
    missed(&mut out, s, verbose);
    findings(&mut out, s);
    costs(&mut out, s);
    diagnostics(&mut out, s);
    out
}

/// `cost`, `made` and `ok` columns at the end of the rows `items` just wrote from `start`
/// (the header and one row per item, in order): the cost of each item's responses, the tool
/// calls made inside it and their success rate.
fn cost_column(out: &mut String, start: usize, items: &[ItemStat], rows: &[CostRow]) {
    let written = out.split_off(start);
    let mut left = items.iter();
    let mut header_seen = false;
    for line in written.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let cell = if !header_seen && body.starts_with("  name ") {
            header_seen = true;
            Some(("cost".to_string(), "made".to_string(), "ok".to_string()))
        } else if header_seen {
            left.next().map(|i| {
                let row = rows.iter().find(|r| r.name == i.name);
                let cost = match row {
                    Some(r) if r.responses == 0 => NONE.into(),
                    Some(r) if r.unpriced_responses > 0 && r.cost_usd == 0.0 => "unpriced".into(),
                    Some(r) => usd(r.cost_usd),
                    None => NONE.into(),
                };
                (
                    cost,
                    i.calls_made.to_string(),
                    percent(i.calls_success_rate, 1),
                )
            })
        } else {
            None
        };
        out.push_str(body);
        if let Some((cost, made, ok)) = cell {
            let _ = write!(out, " {cost:>9} {made:>6} {ok:>7}");
        }
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
}

/// Sessions listed under "by session".
const SESSIONS_LISTED: usize = 10;

/// What the responses in range cost: by agent type, skill, model, MCP server and session.
fn costs(out: &mut String, s: &Snapshot) {
    heading(out, "Costs");
    let c = &s.costs;
    let _ = writeln!(
        out,
        "  total {} (list prices of {}, {})",
        usd(s.totals.cost_usd),
        s.prices.date,
        s.prices.source
    );
    if !s.prices.unpriced.is_empty() {
        let _ = writeln!(
            out,
            "  unpriced (tokens only): {}",
            s.prices.unpriced.join(", ")
        );
    }
    let skill_note = if c.by_skill.iter().any(|r| r.estimated_responses.is_some()) {
        "by skill (* estimated)"
    } else {
        "by skill"
    };
    let sessions = &c.by_session[..c.by_session.len().min(SESSIONS_LISTED)];
    let sessions_title = if c.by_session.len() > SESSIONS_LISTED {
        format!("by session (the {SESSIONS_LISTED} most expensive)")
    } else {
        "by session".to_string()
    };
    for (title, rows) in [
        ("by agent type", &c.by_agent_type[..]),
        (skill_note, &c.by_skill[..]),
        ("by model", &c.by_model[..]),
        ("by MCP server", &c.by_mcp_server[..]),
        (sessions_title.as_str(), sessions),
    ] {
        let rows: Vec<&CostRow> = rows.iter().filter(|r| r.responses > 0).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  {title}");
        for r in rows {
            let t = &r.tokens;
            let mark = if r.estimated_responses.is_some() {
                "*"
            } else {
                ""
            };
            let unpriced = if r.unpriced_responses > 0 {
                format!("  {} unpriced", r.unpriced_responses)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "    {:<42} {:>9} {:>6} responses  in {} out {} cache write {} ({} 1h) read {}{unpriced}",
                clip(&format!("{}{mark}", r.name), 42),
                usd(r.cost_usd),
                r.responses,
                t.input,
                t.output,
                t.cache_creation,
                t.cache_write_1h,
                t.cache_read
            );
        }
    }
}

/// The scope line and the state of both sources.
fn head(out: &mut String, s: &Snapshot) {
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
    let endpoint = p.endpoint.as_deref().unwrap_or("");
    let prom = match p.status {
        PromStatus::Disabled => prom_status_word(p.status).to_string(),
        PromStatus::Ok => format!("{} ({endpoint})", prom_status_word(p.status)),
        PromStatus::Unreachable | PromStatus::Error => format!(
            "{} ({endpoint}): {}",
            prom_status_word(p.status),
            p.error.as_deref().unwrap_or("")
        ),
    };
    let _ = writeln!(out, "Prometheus: {prom}");
}

fn totals(out: &mut String, s: &Snapshot) {
    heading(out, "Totals");
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
        percent(t.success_rate, 1)
    );
    for (model, tk) in &t.tokens {
        let _ = writeln!(
            out,
            "  tokens {model}: input {} output {} cache write {} cache read {}",
            tk.input, tk.output, tk.cache_creation, tk.cache_read
        );
    }
}

/// Tools, then slash commands when there are any.
fn tools(out: &mut String, s: &Snapshot) {
    heading(out, "Tools");
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
            percent(tool.success_rate, 1)
        );
    }
    if !s.commands.is_empty() {
        heading(out, "Slash commands");
        for c in &s.commands {
            let _ = writeln!(out, "  /{:<43} {:>6}", clip(&c.name, 43), c.count);
        }
    }
}

fn stages(out: &mut String, s: &Snapshot) {
    heading(out, "Stages");
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
                format!("{st} {n} ({})", plural(reached, "session"))
            }
        })
        .collect();
    let _ = writeln!(out, "  {}", flow.join(" → "));
    for line in stage_skips(&s.stages) {
        let _ = writeln!(out, "  {line}");
    }
}

fn missed(out: &mut String, s: &Snapshot, verbose: bool) {
    heading(out, "Missed opportunities");
    if s.missed_opportunities.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for m in &s.missed_opportunities {
        let _ = writeln!(
            out,
            "  {} ({}): {} called for it where it never ran",
            m.item,
            kind_word(m.kind),
            plural(m.count, "prompt")
        );
        if verbose {
            for e in &m.examples {
                let _ = writeln!(
                    out,
                    "      [{} {}] {:?}",
                    clip(&e.session, 8),
                    e.timestamp.as_deref().unwrap_or(""),
                    e.prompt,
                );
                let _ = writeln!(
                    out,
                    "        {} (score {:.2}): {}",
                    e.evidence.as_deref().unwrap_or("matched"),
                    e.score.unwrap_or(0.0),
                    e.triggers.join(", ")
                );
                if let Some(n) = &e.nearest {
                    let _ = writeln!(out, "        it ran after: {n:?}");
                }
            }
        }
    }
}

/// Findings, then recommendations.
fn findings(out: &mut String, s: &Snapshot) {
    heading(out, "Findings");
    if s.insights.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for i in &s.insights {
        let _ = writeln!(
            out,
            "  {} {} [{}] {}",
            severity_tag(i.severity),
            i.item,
            source_mark(i.source),
            i.message
        );
    }

    heading(out, "Recommendations");
    if s.recommendations.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for (n, r) in s.recommendations.iter().enumerate() {
        let _ = writeln!(out, "  {}. {r}", n + 1);
    }
}

fn diagnostics(out: &mut String, s: &Snapshot) {
    if s.diagnostics.is_empty() {
        return;
    }
    heading(out, "Diagnostics");
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One of a thing is singular ("1 session", not "1 sessions").
    #[test]
    fn counts_of_one_are_singular() {
        let t = TranscriptSource {
            files: 1,
            sessions: 1,
            lines: 2,
            bytes: 10,
            ..Default::default()
        };
        assert!(
            transcripts_line(&t).starts_with("1 file, 1 session, 2 lines"),
            "{}",
            transcripts_line(&t)
        );
        let mut s = Snapshot::default();
        s.stages.order = vec!["plan".into()];
        s.stages.counts.insert("plan".into(), 3);
        s.stages.sessions_reached.insert("plan".into(), 1);
        let mut out = String::new();
        stages(&mut out, &s);
        assert!(out.contains("plan 3 (1 session)"), "{out}");
    }
}
