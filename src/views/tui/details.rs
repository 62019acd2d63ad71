//! The details overlay of the selected row: numbers, a sparkline of the days for skills and
//! agents, example prompts, a finding's recommendation.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Sparkline, Wrap};

use crate::model::format::{
    NONE, insight_words, item_cost, percent, plural, severity_word, source_mark, terminal_line,
    trend_label, usd,
};
use crate::model::snapshot::{
    DailyCount, Insight, ItemStat, MissedOpportunity, ToolStat, dense_daily,
};
use crate::store::SessionRow;

use super::app::{App, Pane};
use super::help::popup;
use super::panes::{agents, insights, missed, skills, stages, success};
use super::theme::Theme;

/// At most this many sessions listed in a skill's or agent's details.
const SESSIONS_SHOWN: usize = 8;
/// The most expensive sessions listed in a skill's or agent's details.
const COSTLIEST_SHOWN: usize = 3;
/// Costs drawn in the sparkline in hundred-thousandths of a dollar (a bar needs integers).
const COST_SCALE: f64 = 1e5;

/// What the popup shows.
struct Details {
    title: String,
    lines: Vec<Line<'static>>,
    /// Counts per bucket for the sparkline (skills and agents), with the first and last date.
    daily: Vec<u64>,
    axis: Option<(String, String)>,
    /// The cost per bucket (in `COST_SCALE` units) and its caption, drawn under the counts
    /// when anything was priced.
    cost: Vec<u64>,
    cost_caption: Option<Line<'static>>,
    /// Drawn below the sparkline: the example prompts.
    after: Vec<Line<'static>>,
}

impl Details {
    fn new(title: String) -> Details {
        Details {
            title,
            lines: Vec::new(),
            daily: Vec::new(),
            axis: None,
            cost: Vec::new(),
            cost_caption: None,
            after: Vec::new(),
        }
    }
}

pub(crate) fn draw(f: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let area = popup(area, 80, 90);
    f.render_widget(Clear, area);
    let sel = app.selected(app.focus);
    // The chart is as wide as the popup's inside (the border takes one cell a side).
    let cols = area.width.saturating_sub(2) as usize;
    let details = match app.focus {
        Pane::Skills => skills::rows(app)
            .get(sel)
            .map(|it| item(app, it, &app.snapshot.skills, cols, theme)),
        Pane::Agents => agents::rows(app)
            .get(sel)
            .map(|it| item(app, it, &app.snapshot.agents, cols, theme)),
        Pane::Stages => stages::rows(app).get(sel).map(|st| stage(app, st)),
        Pane::Success => success::rows(app).get(sel).map(|t| tool(t, theme)),
        Pane::Missed => missed::rows(app).get(sel).map(|m| missed(m, theme)),
        Pane::Insights => insights::rows(app)
            .get(sel)
            .map(|(i, rec)| insight(i, rec, theme)),
    };
    let Details {
        title,
        mut lines,
        daily,
        axis,
        cost,
        cost_caption,
        after,
    } = details.unwrap_or_else(|| Details::new(" Details ".into()));
    let block = Block::bordered()
        .title(title)
        .title_bottom(" Esc closes ")
        .border_style(theme.accent());
    let inner = block.inner(area);
    f.render_widget(block, area);
    if daily.is_empty() || inner.height < 8 {
        lines.push(Line::raw(""));
        lines.extend(after);
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    }
    // The cost chart only where it leaves room for the sessions below.
    let cost_caption = cost_caption.filter(|_| inner.height >= 16 && !cost.is_empty());
    let (spark_h, cost_h) = match (inner.height, cost_caption.is_some()) {
        (30.., true) => (4, 3),
        (_, true) => (2, 2),
        (16.., false) => (4, 0),
        _ => (2, 0),
    };
    let cost_rows = if cost_h > 0 { cost_h + 1 } else { 0 };
    let [text, spark, axis_area, cost_area, _, rest] = Layout::vertical([
        Constraint::Length(lines.len() as u16),
        Constraint::Length(spark_h),
        Constraint::Length(1),
        Constraint::Length(cost_rows),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    let width = usize::from(inner.width);
    let lines: Vec<Line> = lines.into_iter().map(|l| clip_line(l, width)).collect();
    f.render_widget(Paragraph::new(lines), text);
    sparkline(f, spark, axis_area, &daily, axis, theme);
    if let Some(caption) = cost_caption {
        let [label, chart] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(cost_area);
        f.render_widget(Paragraph::new(caption), label);
        let data = widen(&cost, chart.width);
        f.render_widget(Sparkline::default().data(&data).style(theme.dim()), chart);
    }
    f.render_widget(Paragraph::new(after).wrap(Wrap { trim: false }), rest);
}

/// A line cut to `w` columns with `…` where it was cut (the lines above the chart keep one
/// row each so the chart keeps its room).
fn clip_line(line: Line<'_>, w: usize) -> Line<'_> {
    if line.width() <= w {
        return line;
    }
    let mut left = w.saturating_sub(1);
    let mut spans = Vec::new();
    for span in line.spans {
        if left == 0 {
            break;
        }
        let text: String = span.content.chars().take(left).collect();
        left -= text.chars().count();
        spans.push(Span::styled(text, span.style));
    }
    spans.push(Span::raw("…"));
    Line::from(spans).style(line.style)
}

/// Each bucket repeated to fill `cols` columns as evenly as whole columns allow.
fn widen(buckets: &[u64], cols: u16) -> Vec<u64> {
    let cols = cols as usize;
    let per = (cols / buckets.len().max(1)).max(1);
    buckets
        .iter()
        .flat_map(|v| std::iter::repeat_n(*v, per))
        .take(cols)
        .collect()
}

/// The buckets widened to fill the row; the first and last date below.
fn sparkline(
    f: &mut Frame,
    spark: Rect,
    axis_area: Rect,
    buckets: &[u64],
    axis: Option<(String, String)>,
    theme: Theme,
) {
    let data = widen(buckets, spark.width);
    f.render_widget(
        Sparkline::default().data(&data).style(theme.accent()),
        spark,
    );
    if let Some((first, last)) = axis {
        let used = data
            .len()
            .max(first.chars().count() + last.chars().count() + 1);
        let gap = used.saturating_sub(first.chars().count() + last.chars().count());
        let label = format!("{first}{}{last}", " ".repeat(gap));
        f.render_widget(Paragraph::new(Line::styled(label, theme.dim())), axis_area);
    }
}

/// How the chart groups the days so the whole range fits in `cols` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Day,
    Week,
    Month,
    /// `n` months a column (years of history on a narrow screen).
    Months(usize),
}

impl Unit {
    fn word(self) -> String {
        match self {
            Unit::Day => "day".into(),
            Unit::Week => "week".into(),
            Unit::Month => "month".into(),
            Unit::Months(n) => format!("{n} months"),
        }
    }

    fn adverb(self) -> String {
        match self {
            Unit::Day => "daily".into(),
            Unit::Week => "weekly".into(),
            Unit::Month => "monthly".into(),
            Unit::Months(n) => format!("every {n} months"),
        }
    }
}

/// The days summed into days, weeks or months, whichever is the finest that fits in `cols`
/// (a long range shown whole, never only its latest days).
pub(crate) fn buckets(daily: &[DailyCount], cols: usize) -> (Unit, Vec<u64>) {
    let cols = cols.max(1);
    if daily.len() <= cols {
        return (Unit::Day, daily.iter().map(|d| d.count).collect());
    }
    if daily.len().div_ceil(7) <= cols {
        let sums = daily
            .chunks(7)
            .map(|c| c.iter().map(|d| d.count).sum())
            .collect();
        return (Unit::Week, sums);
    }
    // Calendar months, keyed by `YYYY-MM`.
    let mut months: Vec<u64> = Vec::new();
    let mut last_key = "";
    for d in daily {
        let key = d.date.get(..7).unwrap_or(&d.date);
        if key != last_key || months.is_empty() {
            months.push(0);
            last_key = key;
        }
        *months.last_mut().unwrap_or(&mut 0) += d.count;
    }
    if months.len() <= cols {
        return (Unit::Month, months);
    }
    let n = months.len().div_ceil(cols);
    let sums = months.chunks(n).map(|c| c.iter().sum()).collect();
    (Unit::Months(n), sums)
}

/// `1234` → `1.2k`, `2_500_000` → `2.5M`.
fn compact(n: u64) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..1_000_000 => format!("{:.1}k", n as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1}M", n as f64 / 1e6),
        _ => format!("{:.1}G", n as f64 / 1e9),
    }
}

/// `45s`, `12m 30s`, `3h 05m`.
fn duration(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
    }
}

/// The median cost per invocation of the priced items of a kind.
fn median_per_call(kind: &[ItemStat]) -> Option<f64> {
    let mut v: Vec<f64> = kind
        .iter()
        .filter(|i| i.cost_usd > 0.0)
        .filter_map(|i| i.cost_per_call)
        .collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Cost, cost per invocation against the median of its kind, by model, tokens by kind, and
/// for agents the time they ran.
fn cost_lines(it: &ItemStat, kind: &[ItemStat], agent: bool) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let what = if agent { "agents" } else { "skills" };
    let mut cost = format!("cost {}", item_cost(it));
    if let Some(per) = it.cost_per_call.filter(|_| it.cost_usd > 0.0) {
        cost += &format!(" · {} per invocation", usd(per));
        if let Some(m) = median_per_call(kind).filter(|m| *m > 0.0) {
            cost += &format!(", median of {what} {}", usd(m));
        }
    }
    if let Some(ms) = it.duration_ms.filter(|ms| agent && *ms > 0) {
        cost += &format!(" · ran {}", duration(ms));
    }
    out.push(Line::raw(cost));
    if it.calls_made > 0 {
        out.push(Line::raw(format!(
            "inside: {} · {} failed · success {}",
            plural(it.calls_made, "tool call"),
            it.calls_failed,
            percent(it.calls_success_rate, 0)
        )));
    }
    // A model whose responses carry no tokens (Claude Code's `<synthetic>` notices) cost
    // nothing and say nothing: left out rather than shown at $0.00.
    let by_model = it.cost_by_model.iter().filter(|r| {
        let t = &r.tokens;
        t.input + t.output + t.cache_creation + t.cache_read > 0
    });
    if by_model.clone().next().is_some() {
        let models: Vec<String> = by_model
            .map(|r| {
                let c = if r.cost_usd == 0.0 && r.unpriced_responses > 0 {
                    "unpriced".to_string()
                } else {
                    usd(r.cost_usd)
                };
                format!("{} {c}", r.name)
            })
            .collect();
        let estimated = if it.estimated == Some(true) {
            " (partly estimated)"
        } else {
            ""
        };
        out.push(Line::raw(format!(
            "by model: {}{estimated}",
            models.join(" · ")
        )));
    }
    let t = &it.tokens;
    if t.input + t.output + t.cache_creation + t.cache_read > 0 {
        let hour = if t.cache_write_1h > 0 {
            format!(" (1h {})", compact(t.cache_write_1h))
        } else {
            String::new()
        };
        out.push(Line::raw(format!(
            "tokens: in {} · out {} · cache write {}{hour} · cache read {}",
            compact(t.input),
            compact(t.output),
            compact(t.cache_creation),
            compact(t.cache_read)
        )));
    }
    out
}

fn item(app: &App, it: &ItemStat, kind: &[ItemStat], cols: usize, theme: Theme) -> Details {
    let mut d = Details::new(format!(" {} ", it.name));
    // `all` has no range before it: no previous count, no trend.
    let before = if app.range().length.is_none() {
        String::new()
    } else {
        format!(
            " (previous range {}, {})",
            it.previous_count,
            match trend_label(it).as_str() {
                "" => "no trend".to_string(),
                t => t.to_string(),
            }
        )
    };
    d.lines.push(Line::raw(format!(
        "{} in {}{before} · {}",
        plural(it.count, "invocation"),
        app.range().label,
        plural(it.sessions, "session")
    )));
    if let Some(by) = it.invoked_by {
        d.lines.push(Line::raw(format!(
            "typed by you {} · chosen by Claude {}",
            by.user, by.model
        )));
    }
    d.lines.push(Line::raw(format!(
        "success {} · tool success in sessions with it {} / without {}",
        percent(it.success_rate, 0),
        percent(it.success_with, 0),
        percent(it.success_without, 0)
    )));
    d.lines
        .extend(cost_lines(it, kind, matches!(app.focus, Pane::Agents)));
    let prom = it
        .prometheus_count
        .map_or(NONE.to_string(), |c| format!("{c:.0}"));
    d.lines.push(Line::raw(format!(
        "source {} · Prometheus count {prom}",
        source_mark(it.source)
    )));
    // The JSON's series is sparse: every day of the range, for the chart.
    let (unit, sums) = buckets(&dense_daily(&it.daily), cols);
    d.daily = sums;
    if let (Some(first), Some(last)) = (it.daily.first(), it.daily.last()) {
        let peak = d.daily.iter().max().copied().unwrap_or(0);
        d.lines.push(Line::styled(
            format!(
                "{}, {} → {} (peak {peak} a {}):",
                unit.adverb(),
                first.date,
                last.date,
                unit.word()
            ),
            theme.dim(),
        ));
        d.axis = Some((first.date.clone(), last.date.clone()));
    }
    cost_chart(&mut d, it, cols, theme);
    d.after.extend(session_lines(&app.item_sessions, theme));
    let missed = &app.snapshot.missed_opportunities;
    if let Some(m) = missed.iter().find(|m| m.item == it.name) {
        d.after.push(Line::raw(format!(
            "{} called for it in sessions where it never ran:",
            plural(m.count, "prompt")
        )));
        for e in &m.examples {
            d.after
                .push(Line::styled(format!("  “{}”", e.prompt), theme.dim()));
        }
    }
    d
}

/// The sessions that used the item, newest first, the costliest, and the transcript to
/// open.
fn session_lines(sessions: &[SessionRow], theme: Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if sessions.is_empty() {
        return out;
    }
    out.push(Line::raw(format!(
        "{}, newest first:",
        plural(sessions.len() as u64, "session")
    )));
    for s in sessions.iter().take(SESSIONS_SHOWN) {
        let when = s.last.get(..16).unwrap_or(&s.last).replace('T', " ");
        let cost = s
            .cost_usd
            .map_or(String::new(), |c| format!(" · {}", usd(c)));
        out.push(Line::styled(
            format!(
                "  {when}  {}  {} · {} failed · used {}×{cost}  {}",
                s.project.as_deref().unwrap_or("–"),
                plural(s.calls, "call"),
                s.failures,
                s.uses,
                s.session.get(..8).unwrap_or(&s.session)
            ),
            theme.dim(),
        ));
    }
    out.extend(costliest(sessions, theme));
    if let Some(path) = sessions.first().and_then(|s| s.transcript.as_ref()) {
        out.push(Line::styled(
            format!("  newest transcript: {path}"),
            theme.dim(),
        ));
    }
    out.push(Line::raw(""));
    out
}

/// The cost by day of the item, in the same buckets as its counts, when anything was priced.
fn cost_chart(d: &mut Details, it: &ItemStat, cols: usize, theme: Theme) {
    if !it.daily_cost.values().any(|c| *c > 0.0) {
        return;
    }
    // Every day of the range (the counts' series is sparse), costs in `COST_SCALE` units.
    let scaled: Vec<DailyCount> = dense_daily(&it.daily)
        .into_iter()
        .map(|d| DailyCount {
            count: it
                .daily_cost
                .get(&d.date)
                .map_or(0, |c| (c * COST_SCALE).round() as u64),
            date: d.date,
        })
        .collect();
    let (unit, sums) = buckets(&scaled, cols);
    let peak = sums.iter().max().copied().unwrap_or(0) as f64 / COST_SCALE;
    d.cost = sums;
    d.cost_caption = Some(Line::styled(
        format!(
            "cost {}, peak {} a {}:",
            unit.adverb(),
            usd(peak),
            unit.word()
        ),
        theme.dim(),
    ));
}

/// The sessions where the item cost most, with their share of the session's cost.
fn costliest(sessions: &[SessionRow], theme: Theme) -> Vec<Line<'static>> {
    let mut priced: Vec<(&SessionRow, f64)> = sessions
        .iter()
        .filter_map(|s| s.cost_usd.filter(|c| *c > 0.0).map(|c| (s, c)))
        .collect();
    if priced.is_empty() {
        return Vec::new();
    }
    priced.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| a.0.session.cmp(&b.0.session))
    });
    let mut out = vec![Line::raw("most expensive sessions for it:")];
    for (s, c) in priced.into_iter().take(COSTLIEST_SHOWN) {
        let of = s
            .session_cost_usd
            .filter(|t| *t > 0.0)
            .map_or(String::new(), |t| {
                format!(" of {} ({})", usd(t), percent(Some(c / t), 0))
            });
        let when = s.last.get(..10).unwrap_or(&s.last);
        out.push(Line::styled(
            format!(
                "  {}{of}  {when}  {}  {}",
                usd(c),
                s.project.as_deref().unwrap_or("–"),
                s.session.get(..8).unwrap_or(&s.session)
            ),
            theme.dim(),
        ));
    }
    out
}

fn stage(app: &App, stage: &str) -> Details {
    let mut d = Details::new(format!(" stage {stage} "));
    let st = &app.snapshot.stages;
    d.lines.push(Line::raw(format!(
        "{} · reached in {}/{} sessions",
        plural(st.counts.get(stage).copied().unwrap_or(0), "call"),
        st.sessions_reached.get(stage).copied().unwrap_or(0),
        st.sessions_with_stages
    )));
    for t in st
        .transitions
        .iter()
        .filter(|t| t.from == stage || t.to == stage)
    {
        d.lines
            .push(Line::raw(format!("  {} → {}  {}×", t.from, t.to, t.count)));
    }
    d
}

fn tool(t: &ToolStat, theme: Theme) -> Details {
    let mut d = Details::new(format!(" tool {} ", t.name));
    d.lines.push(Line::raw(format!(
        "{} · {} failed · success {}",
        plural(t.count, "call"),
        t.failures,
        percent(t.success_rate, 0)
    )));
    if !t.recent_errors.is_empty() {
        d.lines.push(Line::raw(""));
        d.lines.push(Line::raw("most recent failures:"));
    }
    for e in &t.recent_errors {
        d.lines.push(Line::styled(
            format!(
                "  {} · session {}",
                e.time.replace('T', " ").trim_end_matches('Z'),
                e.session
            ),
            theme.dim(),
        ));
        d.lines
            .push(Line::raw(format!("  {}", terminal_line(&e.text))));
    }
    d
}

fn missed(m: &MissedOpportunity, theme: Theme) -> Details {
    let mut d = Details::new(format!(" missed: {} ", m.item));
    d.lines.push(Line::raw(format!(
        "{} called for it in sessions where it never ran",
        plural(m.count, "prompt")
    )));
    for e in &m.examples {
        d.lines.push(Line::raw(""));
        d.lines.push(Line::raw(format!("  “{}”", e.prompt)));
        let when = e.timestamp.as_deref().map_or(String::new(), |t| {
            format!("{} · ", t.replace('T', " ").trim_end_matches('Z'))
        });
        d.lines.push(Line::styled(
            format!(
                "    {when}{}session {}",
                e.project
                    .as_deref()
                    .map_or(String::new(), |p| format!("{p} · ")),
                e.session
            ),
            theme.dim(),
        ));
        let why = e.evidence.as_deref().unwrap_or("matched");
        let score = e
            .score
            .map_or(String::new(), |s| format!(" (score {s:.2})"));
        d.lines.push(Line::styled(
            format!("    {why}{score}: {}", e.triggers.join(", ")),
            theme.dim(),
        ));
        if let Some(n) = &e.nearest {
            d.lines.push(Line::styled(
                format!("    it ran after: “{n}”"),
                theme.dim(),
            ));
        }
    }
    d
}

fn insight(i: &Insight, rec: &str, theme: Theme) -> Details {
    let mut d = Details::new(format!(" {} ", insight_words(i.kind)));
    d.lines.push(Line::from(vec![
        Span::styled(severity_word(i.severity), theme.severity(i.severity)),
        Span::raw(format!(" · {} · source {:?}", i.item, i.source).to_lowercase()),
    ]));
    d.lines.push(Line::raw(i.message.clone()));
    d.lines.push(Line::raw(""));
    d.lines
        .push(Line::styled(format!("→ {rec}"), theme.accent()));
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(first: chrono::NaiveDate, n: usize, hits: &[usize]) -> Vec<DailyCount> {
        first
            .iter_days()
            .take(n)
            .enumerate()
            .map(|(i, d)| DailyCount {
                date: d.to_string(),
                count: u64::from(hits.contains(&i)),
            })
            .collect()
    }

    #[test]
    fn a_long_range_is_grouped_so_every_day_counts() {
        let first = chrono::NaiveDate::from_ymd_opt(2025, 6, 10).unwrap();
        // 534 days, used on the 3rd and the 250th day.
        let d = days(first, 534, &[2, 249]);
        assert_eq!(
            buckets(&d, 600),
            (Unit::Day, d.iter().map(|x| x.count).collect())
        );
        let (unit, b) = buckets(&d, 100);
        assert_eq!(unit, Unit::Week);
        assert_eq!(b.len(), 77);
        assert_eq!(b.iter().sum::<u64>(), 2, "no day left out");
        assert_eq!((b[0], b[249 / 7]), (1, 1));
        let (unit, b) = buckets(&d, 40);
        assert_eq!(unit, Unit::Month);
        assert_eq!(b.len(), 18, "June 2025 to November 2026");
        assert_eq!(b.iter().sum::<u64>(), 2);
        let (unit, b) = buckets(&d, 6);
        assert_eq!(unit, Unit::Months(3));
        assert!(b.len() <= 6 && b.iter().sum::<u64>() == 2);
    }
}
