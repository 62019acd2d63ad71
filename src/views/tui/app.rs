//! The dashboard's state and what each key does to it. No I/O here: the event loop turns
//! the returned `Effect` into work (recompute, export, rescan, quit).

use crate::model::range::RangeSpec;
use crate::model::snapshot::Snapshot;
use crate::store::Query;

use super::keys::Action;
use super::panes;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Skills,
    Agents,
    Stages,
    Success,
    Missed,
    Insights,
}

impl Pane {
    pub const ALL: [Pane; 6] = [
        Pane::Skills,
        Pane::Agents,
        Pane::Stages,
        Pane::Success,
        Pane::Missed,
        Pane::Insights,
    ];

    pub(crate) fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::Skills => "Skills",
            Pane::Agents => "Agents",
            Pane::Stages => "Stages",
            Pane::Success => "Success",
            Pane::Missed => "Missed",
            Pane::Insights => "Insights",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Details,
    Projects,
    /// The cost view (`c`).
    Cost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sort {
    Count,
    Name,
    Trend,
    /// Most expensive first (Skills and Agents).
    Cost,
}

/// What the event loop must do after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    None,
    Redraw,
    /// The query changed: recompute the snapshot from the store (no file is re-read).
    Recompute,
    Export,
    Rescan,
    /// The projects view opened: list the projects.
    Projects,
    /// The details of a skill or agent opened: list its sessions.
    Sessions,
    Quit,
}

/// How far the first scan got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Progress {
    pub(crate) done: usize,
    pub(crate) total: usize,
}

pub struct App {
    pub snapshot: Snapshot,
    pub query: Query,
    /// The project `p` toggles to.
    pub(crate) project_path: Option<String>,
    pub focus: Pane,
    /// Selected row per pane.
    pub(crate) selected: [usize; 6],
    pub overlay: Overlay,
    pub(crate) filter: String,
    pub(crate) filter_editing: bool,
    pub(crate) sort: Sort,
    /// The footer's message (export path, errors).
    pub(crate) status: Option<String>,
    /// `Some` while the first scan runs.
    pub(crate) progress: Option<Progress>,
    /// When the watcher last brought a change (local time, for the header).
    pub(crate) last_change: Option<String>,
    pub(crate) watch_note: Option<String>,
    /// Prometheus is configured but has not answered yet.
    pub(crate) prom_waiting: bool,
    /// The key bound to `range`, for the empty panes' hint.
    pub(crate) range_key: String,
    /// The key bound to `projects`, for a project without sessions.
    pub(crate) projects_key: String,
    /// A frame printed by `--format dashboard`: no keys to hint at.
    pub(crate) printed: bool,
    /// The projects view's rows (filled when it opens) and its selected row.
    pub projects: Vec<super::projects::ProjectRow>,
    /// Asked for and not back yet.
    pub projects_pending: bool,
    pub(crate) project_selected: usize,
    /// The cost view's selected row among its top spenders.
    pub(crate) cost_selected: usize,
    /// The sessions of the item whose details are open (filled when they open).
    pub item_sessions: Vec<crate::store::SessionRow>,
}

impl App {
    pub fn new(query: Query, project_path: Option<String>) -> App {
        App {
            snapshot: Snapshot::default(),
            query,
            project_path,
            focus: Pane::Skills,
            selected: [0; 6],
            overlay: Overlay::None,
            filter: String::new(),
            filter_editing: false,
            sort: Sort::Count,
            status: None,
            progress: None,
            last_change: None,
            watch_note: None,
            prom_waiting: false,
            range_key: "r".into(),
            projects_key: "P".into(),
            printed: false,
            projects: Vec::new(),
            projects_pending: false,
            project_selected: 0,
            cost_selected: 0,
            item_sessions: Vec::new(),
        }
    }

    /// Show `snapshot`: its strings go through the one sanitiser first, so control
    /// characters in names, prompts and diagnostics are shown escaped (ratatui would drop
    /// them silently).
    pub fn set_snapshot(&mut self, mut snapshot: Snapshot) {
        // Every session's cost row, one per session over a long range, goes through the
        // sanitiser on its own: not through the JSON the rest makes.
        let mut by_session = std::mem::take(&mut snapshot.costs.by_session);
        for r in &mut by_session {
            let safe = |s: &mut String| {
                if let std::borrow::Cow::Owned(t) = crate::model::format::terminal_safe(s) {
                    *s = t;
                }
            };
            safe(&mut r.name);
            r.project.as_mut().map(safe);
        }
        // What the JSON leaves out (the sanitiser goes through it) is kept aside.
        let previous_cost = snapshot.totals.previous_cost_usd;
        let by_model = |items: &[crate::model::snapshot::ItemStat]| {
            items
                .iter()
                .map(|i| i.cost_by_model.clone())
                .collect::<Vec<_>>()
        };
        let kept = [by_model(&snapshot.skills), by_model(&snapshot.agents)];
        self.snapshot = crate::model::format::terminal_safe_data(snapshot);
        self.snapshot.totals.previous_cost_usd = previous_cost;
        self.snapshot.costs.by_session = by_session;
        let [skills, agents] = kept;
        for (items, kept) in [
            (&mut self.snapshot.skills, skills),
            (&mut self.snapshot.agents, agents),
        ] {
            for (item, mut rows) in items.iter_mut().zip(kept) {
                for r in &mut rows {
                    r.name = crate::model::format::terminal_safe(&r.name).into_owned();
                }
                item.cost_by_model = rows;
            }
        }
        for pane in Pane::ALL {
            let n = self.row_count(pane);
            let sel = &mut self.selected[pane.index()];
            *sel = (*sel).min(n.saturating_sub(1));
        }
        let n = super::cost::spenders(&self.snapshot).len();
        self.cost_selected = self.cost_selected.min(n.saturating_sub(1));
    }

    pub(crate) fn keeps(&self, name: &str) -> bool {
        self.filter.is_empty() || name.to_lowercase().contains(&self.filter.to_lowercase())
    }

    /// How many rows `pane` shows, as filtered on screen.
    pub(crate) fn row_count(&self, pane: Pane) -> usize {
        panes::row_count(self, pane)
    }

    pub(crate) fn selected(&self, pane: Pane) -> usize {
        self.selected[pane.index()]
    }

    /// A key typed while the filter is being edited.
    pub fn filter_input(&mut self, key: crossterm::event::KeyEvent) -> Effect {
        use crossterm::event::{KeyCode, KeyModifiers};
        // Raw mode turns Ctrl-C into a key: it must quit even while typing.
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return Effect::Quit;
        }
        match key.code {
            KeyCode::Enter => self.filter_editing = false,
            KeyCode::Esc => {
                self.filter_editing = false;
                self.filter.clear();
            }
            KeyCode::Backspace => {
                self.filter.pop();
            }
            KeyCode::Char(c) if !c.is_control() => self.filter.push(c),
            _ => return Effect::None,
        }
        self.selected = [0; 6];
        Effect::Redraw
    }

    pub fn handle(&mut self, action: Action) -> Effect {
        if self.overlay == Overlay::Help && !matches!(action, Action::Quit) {
            self.overlay = Overlay::None;
            return Effect::Redraw;
        }
        if self.overlay == Overlay::Projects {
            return self.in_projects(action);
        }
        if self.overlay == Overlay::Cost {
            return self.in_cost(action);
        }
        match action {
            Action::Quit => return Effect::Quit,
            Action::NextPane => self.focus = Pane::ALL[(self.focus.index() + 1) % 6],
            Action::PrevPane => self.focus = Pane::ALL[(self.focus.index() + 5) % 6],
            Action::Pane(n) if (1..=6).contains(&n) => self.focus = Pane::ALL[n - 1],
            Action::Pane(_) => return Effect::None,
            Action::Up | Action::Down => {
                let n = self.row_count(self.focus);
                let s = &mut self.selected[self.focus.index()];
                let was = *s;
                *s = if action == Action::Up {
                    s.saturating_sub(1)
                } else {
                    (*s + 1).min(n.saturating_sub(1))
                };
                // Open details follow the selection: the new row's sessions, not the old's.
                if self.overlay == Overlay::Details
                    && *s != was
                    && matches!(self.focus, Pane::Skills | Pane::Agents)
                {
                    self.item_sessions.clear();
                    return Effect::Sessions;
                }
            }
            Action::Open => {
                if self.row_count(self.focus) == 0 {
                    return Effect::None;
                }
                self.overlay = Overlay::Details;
                self.item_sessions.clear();
                if matches!(self.focus, Pane::Skills | Pane::Agents) {
                    return Effect::Sessions;
                }
            }
            Action::Close => {
                if self.overlay == Overlay::None && !self.filter.is_empty() {
                    self.filter.clear();
                }
                self.overlay = Overlay::None;
            }
            Action::Help => self.overlay = Overlay::Help,
            Action::Range => {
                self.query.range = self.query.range.cycle_next();
                self.status = Some(format!("range {}", self.query.range.label));
                return Effect::Recompute;
            }
            Action::Project => {
                self.query.project = match (&self.query.project, &self.project_path) {
                    (Some(_), _) => None,
                    (None, Some(p)) => Some(p.clone()),
                    (None, None) => {
                        self.status = Some("no project: started without one".into());
                        return Effect::Redraw;
                    }
                };
                return Effect::Recompute;
            }
            Action::Filter => {
                self.filter_editing = true;
                self.overlay = Overlay::None;
            }
            Action::Sort => {
                self.sort = match self.sort {
                    Sort::Count => Sort::Name,
                    Sort::Name => Sort::Trend,
                    Sort::Trend => Sort::Cost,
                    Sort::Cost => Sort::Count,
                };
                self.status = Some(format!("sort by {:?}", self.sort).to_lowercase());
            }
            Action::Export => return Effect::Export,
            Action::Refresh => return Effect::Rescan,
            Action::Projects => {
                self.overlay = Overlay::Projects;
                self.project_selected = 0;
                return Effect::Projects;
            }
            Action::Cost => {
                self.overlay = Overlay::Cost;
                self.cost_selected = 0;
            }
        }
        Effect::Redraw
    }

    /// Keys in the cost view: move among the top spenders; its own key, Esc and `q` close
    /// it (Ctrl-C still quits: the event loop sees it first); the range, the scope, a
    /// re-read and an export act and keep it open; any other key closes it and acts.
    fn in_cost(&mut self, action: Action) -> Effect {
        match action {
            Action::Up => self.cost_selected = self.cost_selected.saturating_sub(1),
            Action::Down => {
                let last = super::cost::spenders(&self.snapshot)
                    .len()
                    .saturating_sub(1);
                self.cost_selected = (self.cost_selected + 1).min(last);
            }
            Action::Cost | Action::Close | Action::Quit => self.overlay = Overlay::None,
            Action::Open => return self.open_spender(),
            Action::Range | Action::Project | Action::Refresh | Action::Export => {
                self.overlay = Overlay::None;
                let effect = self.handle(action);
                self.overlay = Overlay::Cost;
                return effect;
            }
            _ => {
                self.overlay = Overlay::None;
                return self.handle(action);
            }
        }
        Effect::Redraw
    }

    /// Enter on a skill or an agent type of the cost view: its details, as from its pane
    /// (nothing for the main thread, a model or an MCP server, or a row the filter hides).
    fn open_spender(&mut self) -> Effect {
        let spenders = super::cost::spenders(&self.snapshot);
        let Some(sp) = spenders.get(self.cost_selected) else {
            return Effect::None;
        };
        let (pane, rows) = match sp.kind {
            "skill" => (Pane::Skills, panes::skills::rows(self)),
            "agent" => (Pane::Agents, panes::agents::rows(self)),
            _ => return Effect::None,
        };
        let Some(at) = rows.iter().position(|it| it.name == sp.name) else {
            return Effect::None;
        };
        self.focus = pane;
        self.selected[pane.index()] = at;
        self.overlay = Overlay::None;
        self.handle(Action::Open)
    }

    /// Keys in the projects view: move, Enter scopes the dashboard to the project, any
    /// other key closes the view.
    fn in_projects(&mut self, action: Action) -> Effect {
        match action {
            Action::Quit => return Effect::Quit,
            Action::Up => self.project_selected = self.project_selected.saturating_sub(1),
            Action::Down => {
                let last = self.projects.len().saturating_sub(1);
                self.project_selected = (self.project_selected + 1).min(last);
            }
            Action::Open => {
                self.overlay = Overlay::None;
                if let Some(p) = self.projects.get(self.project_selected) {
                    self.query.project = Some(p.path.clone());
                    self.status = Some(format!("project {}", p.path));
                    self.selected = [0; 6];
                    return Effect::Recompute;
                }
            }
            _ => self.overlay = Overlay::None,
        }
        Effect::Redraw
    }

    pub(crate) fn range(&self) -> &RangeSpec {
        &self.query.range
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::snapshot::ItemStat;

    fn app() -> App {
        let query = Query {
            project: Some("/p".into()),
            range: RangeSpec::days(7),
            sessions: None,
            timezone: chrono_tz::UTC,
            now: chrono::Utc::now(),
            redact: false,
            all_examples: false,
            session_rows: true,
        };
        let mut a = App::new(query, Some("/p".into()));
        let item = |n: &str, c: u64, t: Option<f64>| ItemStat {
            name: n.into(),
            count: c,
            previous_count: 0,
            trend_pct: t,
            sessions: 1,
            ..ItemStat::default()
        };
        let snap = Snapshot {
            skills: vec![
                item("zeta", 9, Some(-50.0)),
                item("alpha", 5, Some(20.0)),
                item("mid", 1, None),
                item("Beta", 1, Some(0.0)),
            ],
            ..Default::default()
        };
        a.set_snapshot(snap);
        a
    }

    /// Every string shown is made safe, the session cost rows (sanitised apart from the
    /// rest) as much as the rest.
    #[test]
    fn a_snapshot_installed_holds_no_control_character() {
        let mut a = app();
        let row = |name: &str| crate::model::snapshot::CostRow {
            name: name.into(),
            project: Some("/p\x1b[2J".into()),
            ..Default::default()
        };
        let mut snap = Snapshot::default();
        snap.skills.push(ItemStat {
            name: "x\x1b]0;pwned\x07".into(),
            count: 1,
            ..ItemStat::default()
        });
        snap.costs.by_session = vec![row("s\x1b[31m"), row("plain")];
        a.set_snapshot(snap);
        let s = &a.snapshot;
        let shown = [
            s.skills[0].name.as_str(),
            s.costs.by_session[0].name.as_str(),
            s.costs.by_session[0].project.as_deref().unwrap_or(""),
            s.costs.by_session[1].project.as_deref().unwrap_or(""),
        ];
        for text in shown {
            assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
        }
        assert_eq!(s.costs.by_session[1].name, "plain");
    }

    #[test]
    fn focus_cycles_and_jumps() {
        let mut a = app();
        assert_eq!(a.handle(Action::NextPane), Effect::Redraw);
        assert_eq!(a.focus, Pane::Agents);
        a.handle(Action::PrevPane);
        a.handle(Action::PrevPane);
        assert_eq!(a.focus, Pane::Insights, "wraps around");
        a.handle(Action::Pane(3));
        assert_eq!(a.focus, Pane::Stages);
        assert_eq!(a.handle(Action::Pane(9)), Effect::None);
    }

    #[test]
    fn moving_stays_within_the_rows() {
        let mut a = app();
        a.handle(Action::Up);
        assert_eq!(a.selected(Pane::Skills), 0);
        for _ in 0..5 {
            a.handle(Action::Down);
        }
        assert_eq!(a.selected(Pane::Skills), 3);
        // Fewer rows after a recompute: the selection follows.
        let mut s = a.snapshot.clone();
        s.skills.truncate(1);
        a.set_snapshot(s);
        assert_eq!(a.selected(Pane::Skills), 0);
    }

    /// Moving with the details open asks for the new row's sessions and drops the old's.
    #[test]
    fn open_details_follow_the_selection() {
        let mut a = app();
        assert_eq!(a.handle(Action::Open), Effect::Sessions);
        a.item_sessions = vec![crate::store::SessionRow {
            session: "old".into(),
            last: String::new(),
            project: None,
            uses: 1,
            calls: 1,
            failures: 0,
            transcript: None,
            cost_usd: None,
            session_cost_usd: None,
        }];
        assert_eq!(a.handle(Action::Down), Effect::Sessions);
        assert!(a.item_sessions.is_empty());
        assert_eq!(a.selected(Pane::Skills), 1);
        // Closed, moving is only moving.
        a.handle(Action::Close);
        assert_eq!(a.handle(Action::Up), Effect::Redraw);
    }

    #[test]
    fn details_open_only_on_a_row_and_help_closes_on_any_key() {
        let mut a = app();
        a.handle(Action::Open);
        assert_eq!(a.overlay, Overlay::Details);
        a.handle(Action::Close);
        assert_eq!(a.overlay, Overlay::None);
        a.handle(Action::Pane(5));
        assert_eq!(a.handle(Action::Open), Effect::None, "no missed rows");
        a.handle(Action::Help);
        assert_eq!(a.overlay, Overlay::Help);
        assert_eq!(a.handle(Action::Down), Effect::Redraw);
        assert_eq!(a.overlay, Overlay::None);
        assert_eq!(a.focus, Pane::Missed, "the key only closed the help");
    }

    #[test]
    fn sort_cycles_through_cost_and_back_to_count() {
        let mut a = app();
        let mut snap = a.snapshot.clone();
        for (name, cost) in [("zeta", 0.5), ("alpha", 3.0), ("mid", 12.0), ("Beta", 0.0)] {
            let i = snap.skills.iter_mut().find(|i| i.name == name).unwrap();
            i.cost_usd = cost;
        }
        a.set_snapshot(snap);
        let names = |a: &App| {
            panes::skills::rows(a)
                .iter()
                .map(|i| i.name.clone())
                .collect::<Vec<_>>()
        };
        let mut seen = vec![a.sort];
        for _ in 0..3 {
            a.handle(Action::Sort);
            seen.push(a.sort);
        }
        assert_eq!(seen, [Sort::Count, Sort::Name, Sort::Trend, Sort::Cost]);
        assert_eq!(a.status.as_deref(), Some("sort by cost"));
        assert_eq!(
            names(&a),
            ["mid", "alpha", "zeta", "Beta"],
            "most expensive first"
        );
        a.handle(Action::Sort);
        assert_eq!(a.sort, Sort::Count);
        assert_eq!(names(&a), ["zeta", "alpha", "mid", "Beta"]);
    }

    #[test]
    fn range_project_sort_and_filter() {
        let mut a = app();
        assert_eq!(a.handle(Action::Range), Effect::Recompute);
        assert_eq!(a.range().label, "14d");
        assert_eq!(a.handle(Action::Project), Effect::Recompute);
        assert_eq!(a.query.project, None);
        a.handle(Action::Project);
        assert_eq!(a.query.project.as_deref(), Some("/p"));

        let names = |a: &App| {
            panes::skills::rows(a)
                .iter()
                .map(|i| i.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&a), ["zeta", "alpha", "mid", "Beta"]);
        a.handle(Action::Sort);
        assert_eq!(
            names(&a),
            ["alpha", "Beta", "mid", "zeta"],
            "by name whatever the case"
        );
        a.handle(Action::Sort);
        assert_eq!(
            names(&a),
            ["mid", "alpha", "Beta", "zeta"],
            "new first, then rising"
        );

        a.handle(Action::Filter);
        assert!(a.filter_editing);
        for c in "AL".chars() {
            a.filter_input(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char(c),
            ));
        }
        a.filter_input(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        ));
        assert!(!a.filter_editing);
        assert_eq!(names(&a), ["alpha"]);
        a.handle(Action::Filter);
        assert_eq!(
            a.filter_input(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('c'),
                crossterm::event::KeyModifiers::CONTROL,
            )),
            Effect::Quit,
            "Ctrl-C quits while the filter is typed"
        );
        a.filter_input(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        ));
        a.handle(Action::Close);
        assert_eq!(names(&a).len(), 4, "Esc clears the filter");
        assert_eq!(a.handle(Action::Export), Effect::Export);
        assert_eq!(a.handle(Action::Quit), Effect::Quit);
    }
}
