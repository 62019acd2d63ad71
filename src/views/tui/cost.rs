//! The cost view (`c`): what the API responses in range and scope cost, split main thread /
//! agents / skills / MCP, the top spenders and the cost by day; responses of models without
//! a price are named as such, never counted as $0.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Sparkline};

use crate::model::format::{clip_name, clip_words, plural, usd, wrap_words};
use crate::model::snapshot::{CostRow, DailyCount, ItemStat, Snapshot};

use super::app::App;
use super::details::{Unit, buckets};
use super::panes::{Hidden, Lines, idle_since, more_mark, scrolled};
use super::theme::Theme;

/// The main thread among agent types (`costs.by_agent_type`).
const MAIN: &str = "main";

/// The widest the split's bars get: a bar over 200 columns compares no better.
const BAR_MAX: usize = 40;

/// One line of the top spenders: an agent type, a skill, an MCP server or a model.
#[derive(Debug, Clone, PartialEq)]
pub struct Spender {
    /// `agent`, `skill`, `MCP` or `model`.
    pub kind: &'static str,
    pub name: String,
    pub responses: u64,
    /// USD of its priced responses.
    pub cost_usd: f64,
    /// Responses of models without a price (not in `cost_usd`).
    pub unpriced: u64,
    /// Invocations in range and the cost of one, for skills and agent types that have them.
    pub calls: Option<u64>,
    pub per_call: Option<f64>,
}

/// Every agent type (the main thread too), skill, MCP server and model with responses in
/// range: the priced ones most expensive first, then the unpriced by responses.
pub fn spenders(s: &Snapshot) -> Vec<Spender> {
    let mut v = Vec::new();
    let groups: [(&'static str, &[CostRow], &[ItemStat]); 4] = [
        ("agent", &s.costs.by_agent_type, &s.agents),
        ("skill", &s.costs.by_skill, &s.skills),
        ("MCP", &s.costs.by_mcp_server, &[]),
        ("model", &s.costs.by_model, &[]),
    ];
    for (kind, rows, items) in groups {
        for r in rows {
            let main = kind == "agent" && r.name == MAIN;
            let item = items
                .iter()
                .find(|i| i.name == r.name && !main && i.count > 0);
            v.push(Spender {
                // The main thread is no agent type: its own kind.
                kind: if main { "thread" } else { kind },
                name: if main {
                    "main thread".into()
                } else {
                    r.name.clone()
                },
                responses: r.responses,
                cost_usd: r.cost_usd,
                unpriced: r.unpriced_responses,
                calls: item.map(|i| i.count),
                per_call: item
                    .and_then(|i| i.cost_per_call)
                    .filter(|_| r.cost_usd > 0.0),
            });
        }
    }
    let order = |k: &str| {
        ["thread", "agent", "skill", "MCP", "model"]
            .iter()
            .position(|x| *x == k)
    };
    v.sort_by(|a, b| {
        b.cost_usd
            .total_cmp(&a.cost_usd)
            .then(b.unpriced.cmp(&a.unpriced))
            .then(b.responses.cmp(&a.responses))
            .then_with(|| order(a.kind).cmp(&order(b.kind)))
            .then_with(|| a.name.cmp(&b.name))
    });
    v
}

/// A part of the spend: the main thread, the agents, the responses with a skill active, or
/// those through an MCP server.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Part {
    pub(crate) label: &'static str,
    pub(crate) cost_usd: f64,
    pub(crate) responses: u64,
    pub(crate) unpriced: u64,
}

/// Main thread and agents add up to the whole; skills and MCP are parts of it (a response
/// with a skill active is also the main thread's or an agent's).
pub(crate) fn split(s: &Snapshot) -> [Part; 4] {
    let sum = |label, rows: &mut dyn Iterator<Item = &CostRow>| {
        rows.fold(
            Part {
                label,
                cost_usd: 0.0,
                responses: 0,
                unpriced: 0,
            },
            |mut p, r| {
                p.cost_usd += r.cost_usd;
                p.responses += r.responses;
                p.unpriced += r.unpriced_responses;
                p
            },
        )
    };
    let agents = &s.costs.by_agent_type;
    [
        sum("main thread", &mut agents.iter().filter(|r| r.name == MAIN)),
        sum("agents", &mut agents.iter().filter(|r| r.name != MAIN)),
        sum("skills", &mut s.costs.by_skill.iter()),
        sum("MCP", &mut s.costs.by_mcp_server.iter()),
    ]
}

/// `$1.23`, `unpriced` when there are responses and none was priced, `–` when there is none.
fn cost_cell(cost: f64, unpriced: u64) -> String {
    if cost > 0.0 {
        usd(cost)
    } else if unpriced > 0 {
        "unpriced".into()
    } else {
        "–".into()
    }
}

/// A share of the total in whole percent; under one percent said so.
fn share(cost: f64, total: f64) -> String {
    if total <= 0.0 || cost <= 0.0 {
        return "–".into();
    }
    let p = cost / total * 100.0;
    if p < 0.5 {
        "<1%".into()
    } else {
        format!("{p:.0}%")
    }
}

pub(crate) fn draw(f: &mut Frame, area: Rect, app: &App, theme: Theme) {
    f.render_widget(Clear, area);
    let s = &app.snapshot;
    let title = format!(" Cost in {} ", app.range().label);
    // What the keys do, on the top border at the right, as much as fits beside the title.
    let room = usize::from(area.width).saturating_sub(title.chars().count() + 4);
    let hint = [
        " Enter: a skill's or agent's details · Esc closes ",
        " Esc closes ",
    ]
    .into_iter()
    .find(|h| h.chars().count() <= room);
    let mut block = Block::bordered().title(title).border_style(theme.accent());
    if let Some(h) = hint {
        block = block.title_top(Line::raw(h).right_aligned());
    }
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height == 0 || inner.width < 8 {
        return;
    }
    let w = inner.width as usize;
    let rows = spenders(s);
    let priced = s.totals.cost_usd > 0.0;
    let mut top = if priced {
        split_lines(s, w, theme)
    } else {
        empty_lines(app, &rows, w, theme)
    };
    top.extend(unpriced_lines(s, w, theme));
    top.extend(untracked_agents(s, w, theme));

    let mut y = inner.y;
    let bottom = inner.bottom();
    let take = |y: &mut u16, h: usize| {
        let h = (h.min(usize::from(bottom - *y))) as u16;
        let r = Rect {
            y: *y,
            height: h,
            ..inner
        };
        *y += h;
        r
    };
    let n_top = top.len();
    f.render_widget(Paragraph::new(top), take(&mut y, n_top));

    // The chart by day, when it leaves the table a header and three rows; as tall as the
    // room the table does not need, from 2 to 8 lines.
    let left = usize::from(bottom - y);
    let table = if rows.is_empty() { 0 } else { 2 + rows.len() };
    let spark_h = left.saturating_sub(3 + table).clamp(2, 8);
    let chart = priced
        .then(|| day_chart(app, w))
        .flatten()
        .filter(|_| left >= 3 + spark_h + 4);
    if let Some(c) = chart {
        take(&mut y, 1);
        let head = take(&mut y, 1);
        f.render_widget(
            Paragraph::new(Line::styled(clip_words(&c.heading, w), theme.dim())),
            head,
        );
        let spark = take(&mut y, spark_h);
        f.render_widget(
            Sparkline::default()
                .data(&c.columns)
                .max(c.peak.max(1))
                .style(theme.accent()),
            spark,
        );
        let axis = take(&mut y, 1);
        f.render_widget(Paragraph::new(Line::styled(c.axis, theme.dim())), axis);
    }

    if rows.is_empty() {
        return;
    }
    if usize::from(bottom - y) < 3 {
        // No room for the table: say how much is out of sight.
        let hidden = Hidden {
            above: 0,
            below: rows.len(),
        };
        return more_mark(f, area, hidden, theme);
    }
    take(&mut y, 1);
    let head = take(&mut y, 1);
    let body = take(&mut y, usize::MAX);
    let (head_line, lines) = spender_lines(&rows, s.totals.cost_usd, w, theme);
    f.render_widget(Paragraph::new(head_line), head);
    let (lines, hidden) = scrolled(lines, Some(app.cost_selected), body.height, theme);
    f.render_widget(Paragraph::new(lines), body);
    more_mark(f, area, hidden, theme);
}

/// The split as bars: each part's cost and share of the total.
fn split_lines(s: &Snapshot, w: usize, theme: Theme) -> Vec<Line<'static>> {
    let total = s.totals.cost_usd;
    let parts = split(s);
    let mut out = vec![Line::styled(
        clip_words(
            &format!(
                "split of {} · main thread + agents = total; skills and MCP overlap them",
                usd(total)
            ),
            w,
        ),
        theme.dim(),
    )];
    const LABEL: usize = 12;
    let counts: Vec<String> = parts
        .iter()
        .map(|p| {
            let mut c = plural(p.responses, "response");
            if p.unpriced > 0 && p.cost_usd > 0.0 {
                c += &format!(", {} unpriced", p.unpriced);
            }
            c
        })
        .collect();
    let count_w = counts.iter().map(|c| c.chars().count()).max().unwrap_or(0);
    // label | bar | cost | share | responses; the responses go first when room is short.
    let fixed = LABEL + 1 + 1 + 9 + 6;
    let with_counts = w >= fixed + 2 + count_w + 8;
    let room = w.saturating_sub(fixed + if with_counts { 2 + count_w } else { 0 });
    let bar_w = room.min(BAR_MAX);
    for (p, count) in parts.iter().zip(counts) {
        let fill = if total > 0.0 {
            ((p.cost_usd / total).clamp(0.0, 1.0) * bar_w as f64).round() as usize
        } else {
            0
        };
        let fill = if p.cost_usd > 0.0 { fill.max(1) } else { fill };
        let mut spans = vec![
            Span::raw(format!("{:<LABEL$} ", p.label)),
            Span::styled("█".repeat(fill), theme.accent()),
            Span::raw(" ".repeat(bar_w - fill)),
            Span::raw(format!(
                " {:>9}{:>6}",
                cost_cell(p.cost_usd, p.unpriced),
                share(p.cost_usd, total)
            )),
        ];
        if with_counts {
            spans.push(Span::styled(format!("  {count}"), theme.dim()));
        }
        out.push(Line::from(spans));
    }
    out
}

/// Why there is nothing to split, and what to do about it.
fn empty_lines(app: &App, rows: &[Spender], w: usize, theme: Theme) -> Vec<Line<'static>> {
    let range = &app.range().label;
    let mut out = Vec::new();
    let unpriced: u64 = app
        .snapshot
        .costs
        .by_model
        .iter()
        .map(|r| r.unpriced_responses)
        .sum();
    if unpriced > 0 {
        out.push(format!(
            "no priced responses in {range}: {} of models without a price",
            plural(unpriced, "response")
        ));
    } else {
        out.push(format!("no priced responses in {range}"));
        if rows.is_empty() {
            out.push("no API responses with tokens in this range and scope".into());
        }
        if let Some(last) = idle_since(app) {
            out.push(format!("last activity {last}"));
        }
        if app.range().length.is_some() {
            out.push(format!("{} widens the range", app.range_key));
        }
    }
    out.into_iter()
        .map(|t| Line::styled(clip_words(&t, w), theme.dim()))
        .collect()
}

/// The models without a price, by name, with how many responses each.
fn unpriced_lines(s: &Snapshot, w: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut models: Vec<String> = s
        .costs
        .by_model
        .iter()
        .filter(|r| r.unpriced_responses > 0)
        .map(|r| format!("{} ({})", r.name, plural(r.unpriced_responses, "response")))
        .collect();
    for m in &s.prices.unpriced {
        if !s.costs.by_model.iter().any(|r| &r.name == m) {
            models.push(m.clone());
        }
    }
    if models.is_empty() {
        return Vec::new();
    }
    let text = format!(
        "unpriced: {}: no price, counted in tokens, not in any $ here; [prices] in the config adds one",
        models.join(", ")
    );
    wrap_words(&text, w, 2)
        .into_iter()
        .map(|l| Line::styled(l, theme.bad()))
        .collect()
}

/// Agent runs whose subagents left no transcript: their spend is in no figure here (their
/// tokens are not in the parent's transcript either), so say so rather than let the split
/// read as "agents cost nothing".
fn untracked_agents(s: &Snapshot, w: usize, theme: Theme) -> Vec<Line<'static>> {
    let has_responses = |name: &str| {
        s.costs
            .by_agent_type
            .iter()
            .any(|r| r.name == name && r.responses > 0)
    };
    let runs: u64 = s
        .agents
        .iter()
        .filter(|a| a.count > 0 && !has_responses(&a.name))
        .map(|a| a.count)
        .sum();
    if runs == 0 {
        return Vec::new();
    }
    let text = format!(
        "{} left no subagent transcript to read: their cost is not known and in no figure here",
        plural(runs, "agent run")
    );
    wrap_words(&text, w, 2)
        .into_iter()
        .map(|l| Line::styled(l, theme.dim()))
        .collect()
}

/// The cost by day, week or month over the whole range, ready to draw.
struct DayChart {
    heading: String,
    /// One value a column (micro-dollars), a blank column between bars where there is room.
    columns: Vec<u64>,
    peak: u64,
    axis: String,
}

/// The days of the range (those without a response at 0), from the scope's start to its
/// end in the snapshot's timezone.
fn days(app: &App) -> Vec<DailyCount> {
    let s = &app.snapshot;
    let tz = app.query.timezone;
    let day = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|d| d.with_timezone(&tz).date_naive())
    };
    let parse = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    let first = day(&s.scope.start).or_else(|| s.costs.by_day.first().and_then(|r| parse(&r.name)));
    let last = day(&s.scope.end).or_else(|| s.costs.by_day.last().and_then(|r| parse(&r.name)));
    let (Some(first), Some(last)) = (first, last) else {
        return Vec::new();
    };
    // A day with spend outside the scope's dates (a clock moved) still shows.
    let first = s
        .costs
        .by_day
        .first()
        .and_then(|r| parse(&r.name))
        .map_or(first, |d| d.min(first));
    let last = s
        .costs
        .by_day
        .last()
        .and_then(|r| parse(&r.name))
        .map_or(last, |d| d.max(last));
    let micro = |c: f64| (c * 1e6).round() as u64;
    let by_name: std::collections::HashMap<&str, u64> = s
        .costs
        .by_day
        .iter()
        .map(|r| (r.name.as_str(), micro(r.cost_usd)))
        .collect();
    first
        .iter_days()
        .take_while(|d| *d <= last)
        // A century at most: a bad date must not fill memory.
        .take(36_600)
        .map(|d| {
            let date = d.to_string();
            let count = by_name.get(date.as_str()).copied().unwrap_or(0);
            DailyCount { date, count }
        })
        .collect()
}

fn day_chart(app: &App, cols: usize) -> Option<DayChart> {
    let daily = days(app);
    let (first, last) = (daily.first()?, daily.last()?);
    let (unit, sums) = buckets(&daily, cols);
    // Where each bucket starts, for the axis.
    let months: Vec<&str> = {
        let mut m: Vec<&str> = daily
            .iter()
            .map(|d| d.date.get(..7).unwrap_or(&d.date))
            .collect();
        m.dedup();
        m
    };
    let start = |i: usize| -> String {
        let short = |d: &str| d.get(5..).unwrap_or(d).to_string();
        match unit {
            Unit::Day => daily.get(i).map_or(String::new(), |d| short(&d.date)),
            Unit::Week => daily.get(i * 7).map_or(String::new(), |d| short(&d.date)),
            Unit::Month => months.get(i).map_or(String::new(), |m| m.to_string()),
            Unit::Months(n) => months.get(i * n).map_or(String::new(), |m| m.to_string()),
        }
    };
    // Bars of at most 16 columns: a week on a wide screen is not a wall.
    let per = (cols / sums.len().max(1)).clamp(1, 16);
    let gap = usize::from(per >= 3);
    let columns: Vec<u64> = sums
        .iter()
        .flat_map(|v| std::iter::repeat_n(*v, per - gap).chain(std::iter::repeat_n(0, gap)))
        .take(cols)
        .collect();
    let peak = sums.iter().copied().max().unwrap_or(0);
    let peak_at = sums.iter().position(|v| *v == peak).unwrap_or(0);
    let by = match unit {
        Unit::Day => "by day".to_string(),
        Unit::Week => "by week".into(),
        Unit::Month => "by month".into(),
        Unit::Months(n) => format!("by {n} months"),
    };
    let heading = format!(
        "{by}, {} → {} · peak {} ({})",
        first.date,
        last.date,
        usd(peak as f64 / 1e6),
        start(peak_at)
    );
    // Each bucket's start under its bar, as many as fit without touching.
    let mut axis = String::new();
    for i in 0..sums.len() {
        let label = start(i);
        let x = i * per;
        let n = label.chars().count();
        let at = axis.chars().count();
        if x < at + usize::from(at > 0) || x + n > cols {
            continue;
        }
        axis.push_str(&" ".repeat(x - at));
        axis.push_str(&label);
    }
    Some(DayChart {
        heading,
        columns,
        peak,
        axis,
    })
}

/// The table's header and its rows: name, kind, responses, cost, share of the total, and
/// where there is room the invocations and the cost of one.
fn spender_lines<'a>(
    rows: &[Spender],
    total: f64,
    w: usize,
    theme: Theme,
) -> (Line<'a>, Lines<'a>) {
    const KIND: usize = 6;
    const NUMS: usize = 10 + 10 + 7;
    const CALLS: usize = 7 + 10;
    let longest = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("top spenders".len());
    let with_calls = w >= 16 + KIND + NUMS + CALLS;
    let fixed = KIND + NUMS + if with_calls { CALLS } else { 0 };
    let name_w = longest.min(w.saturating_sub(fixed + 1)).max(4);
    let calls_head = if with_calls {
        format!("{:>7}{:>10}", "calls", "per call")
    } else {
        String::new()
    };
    let head = Line::styled(
        format!(
            "{:<name_w$} {:<KIND$}{:>10}{:>10}{:>7}{calls_head}",
            clip_words("top spenders", name_w),
            "kind",
            "responses",
            "cost",
            "share"
        ),
        theme.dim(),
    );
    let lines = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut text = format!(
                "{:<name_w$} {:<KIND$}{:>10}{:>10}{:>7}",
                clip_name(&r.name, name_w),
                r.kind,
                r.responses,
                cost_cell(r.cost_usd, r.unpriced),
                share(r.cost_usd, total)
            );
            if with_calls {
                text += &format!(
                    "{:>7}{:>10}",
                    r.calls.map_or(String::new(), |c| c.to_string()),
                    r.per_call.map_or(String::new(), usd)
                );
            }
            let mut spans = vec![Span::raw(text)];
            if r.unpriced > 0 && r.cost_usd > 0.0 {
                spans.push(Span::styled(
                    format!("  +{} unpriced", r.unpriced),
                    theme.bad(),
                ));
            }
            (Some(i), Line::from(spans))
        })
        .collect();
    (head, lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, responses: u64, cost: f64, unpriced: u64) -> CostRow {
        CostRow {
            name: name.into(),
            responses,
            cost_usd: cost,
            unpriced_responses: unpriced,
            ..CostRow::default()
        }
    }

    #[test]
    fn the_split_adds_agents_apart_from_the_main_thread() {
        let mut s = Snapshot::default();
        s.costs.by_agent_type = vec![
            row("main", 10, 5.0, 0),
            row("code-reviewer", 4, 2.0, 1),
            row("Explore", 2, 1.0, 0),
        ];
        s.costs.by_skill = vec![row("tdd", 3, 1.5, 0)];
        let [main, agents, skills, mcp] = split(&s);
        assert_eq!((main.cost_usd, main.responses), (5.0, 10));
        assert_eq!(
            (agents.cost_usd, agents.responses, agents.unpriced),
            (3.0, 6, 1)
        );
        assert_eq!(skills.cost_usd, 1.5);
        assert_eq!((mcp.cost_usd, mcp.responses), (0.0, 0));
    }

    #[test]
    fn spenders_are_most_expensive_first_with_the_unpriced_last() {
        let mut s = Snapshot::default();
        s.costs.by_agent_type = vec![row("main", 10, 5.0, 0), row("code-reviewer", 4, 2.0, 0)];
        s.costs.by_model = vec![row("claude-x", 3, 0.0, 3), row("sonnet", 14, 7.0, 0)];
        s.agents = vec![ItemStat {
            name: "code-reviewer".into(),
            count: 2,
            cost_usd: 2.0,
            cost_per_call: Some(1.0),
            ..ItemStat::default()
        }];
        let v = spenders(&s);
        let names: Vec<&str> = v.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["sonnet", "main thread", "code-reviewer", "claude-x"]
        );
        assert_eq!((v[2].calls, v[2].per_call), (Some(2), Some(1.0)));
        assert_eq!(v[1].calls, None, "the main thread has no invocations");
        assert_eq!(cost_cell(v[3].cost_usd, v[3].unpriced), "unpriced");
        assert_eq!(share(0.004, 10.0), "<1%");
        assert_eq!(share(0.0, 0.0), "–");
        assert_eq!(share(0.0, 5.0), "–", "an unpriced row has no share");
    }
}
