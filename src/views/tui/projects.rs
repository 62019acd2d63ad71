//! The projects view (`P`): every project on record with its sessions, skill and agent
//! invocations and cost in the range and its last activity; Enter scopes the dashboard to
//! one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::model::format::{NONE, date_part, usd};
use crate::sources::catalog::Catalog;
use crate::store::{Query, Store};

use super::app::App;
use super::help::popup;
use super::panes::scrolled;
use super::theme::Theme;

/// One project's line.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectRow {
    pub path: String,
    /// Sessions in the range.
    pub sessions: u64,
    pub skills: u64,
    pub agents: u64,
    /// What its API responses in the range cost (the priced ones); none when none was
    /// priced.
    pub cost_usd: Option<f64>,
    /// It has responses in the range with tokens and no price.
    pub unpriced: bool,
    /// RFC 3339, whatever the range.
    pub last_activity: Option<String>,
    /// Other listed projects inside this one: its figures include theirs (as the dashboard
    /// scoped to it does).
    pub subfolders: usize,
}

/// Each project counted as the dashboard would count it scoped to that project (one
/// snapshot each, so the numbers match), most recently active first.
pub fn rows(store: &Store, query: &Query, catalog: &Catalog) -> Vec<ProjectRow> {
    let mut rows: Vec<ProjectRow> = store
        .projects()
        .into_iter()
        .map(|path| {
            let q = Query {
                project: Some(path.clone()),
                ..query.clone()
            };
            let s = store.snapshot_once(&q, catalog);
            let priced = s
                .costs
                .by_model
                .iter()
                .any(|r| r.responses > r.unpriced_responses);
            ProjectRow {
                cost_usd: priced.then_some(s.totals.cost_usd),
                unpriced: s.costs.by_model.iter().any(|r| r.unpriced_responses > 0),
                sessions: s.totals.sessions,
                skills: s.skills.iter().map(|i| i.count).sum(),
                agents: s.agents.iter().map(|i| i.count).sum(),
                last_activity: s.scope.last_activity,
                path,
                subfolders: 0,
            }
        })
        .collect();
    let paths: Vec<String> = rows.iter().map(|r| r.path.clone()).collect();
    for r in &mut rows {
        let dir = format!("{}/", r.path.trim_end_matches('/'));
        r.subfolders = paths.iter().filter(|p| p.starts_with(&dir)).count();
    }
    rows.sort_by(|a, b| {
        b.last_activity
            .cmp(&a.last_activity)
            .then_with(|| a.path.cmp(&b.path))
    });
    rows
}

/// A project's cost for its column: `$1.23` (with `+` when some responses are unpriced),
/// `unpriced`, or `–` when it had no response in the range.
fn cost_cell(p: &ProjectRow) -> String {
    match (p.cost_usd, p.unpriced) {
        (Some(c), false) => usd(c),
        (Some(c), true) => format!("{}+", usd(c)),
        (None, true) => "unpriced".into(),
        (None, false) => NONE.into(),
    }
}

/// A path cut from the left, so its last folders (the project's name) stay.
fn clip_path(p: &str, w: usize) -> String {
    let n = p.chars().count();
    if n <= w {
        return p.to_string();
    }
    let tail: String = p.chars().skip(n + 1 - w.max(1)).collect();
    format!("…{tail}")
}

pub(crate) fn draw(f: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let area = popup(area, 90, 90);
    f.render_widget(Clear, area);
    let block = Block::bordered()
        .title(format!(
            " Projects · {} · Enter shows one, Esc closes ",
            app.range().label
        ))
        .border_style(theme.accent());
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height < 2 {
        return;
    }
    let path_w = (inner.width as usize).saturating_sub(8 + 8 + 8 + 10 + 18);
    let head = Line::styled(
        format!(
            "{:>8}{:>8}{:>8}{:>10}  {:<16}project",
            "sessions", "skills", "agents", "cost", "last activity"
        ),
        theme.dim(),
    );
    let lines = app
        .projects
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let last = p
                .last_activity
                .as_deref()
                .map_or("–".to_string(), |t| date_part(t).to_string());
            // A folder's figures include the projects below it: say how many.
            let below = match p.subfolders {
                0 => String::new(),
                n => format!(" (+{n} below)"),
            };
            let room = path_w.saturating_sub(below.chars().count()).max(8);
            let line = Line::raw(format!(
                "{:>8}{:>8}{:>8}{:>10}  {last:<16}{}{below}",
                p.sessions,
                p.skills,
                p.agents,
                cost_cell(p),
                clip_path(&p.path, room)
            ));
            (Some(i), line)
        })
        .collect();
    let body = Rect {
        y: inner.y + 1,
        height: inner.height - 1,
        ..inner
    };
    f.render_widget(Paragraph::new(head), inner);
    let (lines, _) = scrolled(lines, Some(app.project_selected), body.height, theme);
    if app.projects.is_empty() {
        // Each project's figures are computed on the store's thread: over a long range of a
        // large history that takes a moment.
        let note = if app.projects_pending {
            "reading the projects…"
        } else {
            "no projects on record"
        };
        f.render_widget(Paragraph::new(Line::styled(note, theme.dim())), body);
    } else {
        f.render_widget(Paragraph::new(lines), body);
    }
}

#[cfg(test)]
mod tests {
    use super::{ProjectRow, clip_path, cost_cell};

    #[test]
    fn paths_keep_their_last_folders() {
        assert_eq!(clip_path("/home/dev/shop", 20), "/home/dev/shop");
        assert_eq!(clip_path("/home/dev/shop", 8), "…ev/shop");
    }

    #[test]
    fn a_projects_cost_says_when_part_or_all_of_it_is_unpriced() {
        let row = |cost_usd, unpriced| ProjectRow {
            path: "/p".into(),
            sessions: 1,
            skills: 0,
            agents: 0,
            cost_usd,
            unpriced,
            last_activity: None,
            subfolders: 0,
        };
        assert_eq!(cost_cell(&row(Some(1.234), false)), "$1.23");
        assert_eq!(cost_cell(&row(Some(1.234), true)), "$1.23+");
        assert_eq!(cost_cell(&row(None, true)), "unpriced");
        assert_eq!(cost_cell(&row(None, false)), "–");
    }

    use crate::model::facts::{FileFacts, SessionSeen, Update};
    use crate::model::range::RangeSpec;
    use crate::sources::catalog::Catalog;
    use crate::store::Store;
    use crate::store::test_support::{ms_days_ago, query, session};
    use std::path::PathBuf;

    /// A session's project is its main thread's directory, not the worktree a subagent of it
    /// ran in; a project inside another is counted within it and says so in the view.
    #[test]
    fn projects_are_main_directories_and_folders_count_their_subfolders() {
        let mut main = FileFacts::default();
        session(
            &mut main,
            "s1",
            "/w/app",
            ms_days_ago(2.0),
            ms_days_ago(1.0),
        );
        let mut sub = FileFacts::default();
        sub.sessions.insert(
            "s1".into(),
            SessionSeen {
                first_ts: ms_days_ago(1.5),
                last_ts: ms_days_ago(1.4),
                cwd: None,
                sidechain_cwd: Some("/w/app/.claude/worktrees/agent-1".into()),
            },
        );
        let mut inner = FileFacts::default();
        session(
            &mut inner,
            "s2",
            "/w/app/web",
            ms_days_ago(3.0),
            ms_days_ago(2.5),
        );
        let mut store = Store::new(vec![]);
        for (p, f) in [
            ("/m.jsonl", main),
            ("/m/subagents/agent-1.jsonl", sub),
            ("/i.jsonl", inner),
        ] {
            store.apply(Update::File {
                path: PathBuf::from(p),
                facts: f,
                replace: true,
            });
        }
        assert_eq!(store.projects(), ["/w/app", "/w/app/web"]);
        let rows = super::rows(
            &store,
            &query(RangeSpec::days(7), None),
            &Catalog::default(),
        );
        let app = rows.iter().find(|r| r.path == "/w/app").unwrap();
        assert_eq!((app.sessions, app.subfolders), (2, 1), "{rows:?}");
        let web = rows.iter().find(|r| r.path == "/w/app/web").unwrap();
        assert_eq!((web.sessions, web.subfolders), (1, 0));
    }
}
