//! Key bindings: the defaults the README lists, rebindable by action name in the config file.

use std::collections::{BTreeMap, HashMap};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    NextPane,
    PrevPane,
    /// Panes 1–6.
    Pane(usize),
    Up,
    Down,
    Open,
    Close,
    Range,
    Project,
    Filter,
    Sort,
    Export,
    Refresh,
    Help,
    /// The projects view.
    Projects,
    /// The cost view.
    Cost,
}

impl Action {
    /// Config names, in help order.
    pub(crate) const ALL: [(&'static str, Action, &'static str); 22] = [
        ("next_pane", Action::NextPane, "next pane"),
        ("prev_pane", Action::PrevPane, "previous pane"),
        ("pane_1", Action::Pane(1), "Skills"),
        ("pane_2", Action::Pane(2), "Agents"),
        ("pane_3", Action::Pane(3), "Stages"),
        ("pane_4", Action::Pane(4), "Success"),
        ("pane_5", Action::Pane(5), "Missed"),
        ("pane_6", Action::Pane(6), "Insights"),
        ("up", Action::Up, "move up"),
        ("down", Action::Down, "move down"),
        ("open", Action::Open, "open details"),
        ("close", Action::Close, "close details / clear filter"),
        (
            "range",
            Action::Range,
            "cycle the range 7d → 14d → 30d → all",
        ),
        ("project", Action::Project, "toggle project / all projects"),
        (
            "projects",
            Action::Projects,
            "every project; Enter shows one",
        ),
        ("cost", Action::Cost, "cost: split, top spenders, by day"),
        ("filter", Action::Filter, "filter rows by name"),
        ("sort", Action::Sort, "sort: count, name, trend, cost"),
        ("export", Action::Export, "export the snapshot on screen"),
        ("refresh", Action::Refresh, "re-read everything now"),
        ("help", Action::Help, "this help"),
        ("quit", Action::Quit, "quit"),
    ];
}

/// A key as written in the config file: `q`, `R`, `?`, `ctrl-c`, `tab`, `shift-tab`,
/// `enter`, `esc`, `up`, `down`, `f5`, `space`.
pub(crate) fn parse_key(s: &str) -> Result<KeyEvent, UnknownKey> {
    let lower = s.to_ascii_lowercase();
    let (mods, rest) = match lower.split_once('-') {
        Some(("ctrl", r)) if !r.is_empty() => (KeyModifiers::CONTROL, r),
        Some(("alt", r)) if !r.is_empty() => (KeyModifiers::ALT, r),
        Some(("shift", "tab")) => return Ok(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
        _ => (KeyModifiers::NONE, lower.as_str()),
    };
    let code = match rest {
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "space" => KeyCode::Char(' '),
        f if f.starts_with('f') && f.len() > 1 && f[1..].parse::<u8>().is_ok() => {
            KeyCode::F(f[1..].parse().unwrap_or(1))
        }
        _ => {
            // Single characters keep their case (`R` is not `r`).
            let orig = if mods == KeyModifiers::NONE {
                s
            } else {
                &s[s.len() - rest.len()..]
            };
            let mut chars = orig.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => KeyCode::Char(if mods == KeyModifiers::NONE {
                    c
                } else {
                    c.to_ascii_lowercase()
                }),
                _ => return Err(UnknownKey(s.to_string())),
            }
        }
    };
    Ok(KeyEvent::new(code, mods))
}

/// A key name that names no key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey(pub String);

impl std::fmt::Display for UnknownKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown key {:?} (try \"q\", \"ctrl-c\", \"tab\", \"f5\")",
            self.0
        )
    }
}

impl std::error::Error for UnknownKey {}

/// A `[keys]` entry of the config file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingError {
    /// The name is not one of [`Action::ALL`].
    UnknownAction(String),
    /// The action exists; its key does not.
    BadKey { action: String, key: UnknownKey },
}

impl std::fmt::Display for BindingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BindingError::UnknownAction(name) => write!(
                f,
                "keys: unknown action {name:?} (known: {})",
                Action::ALL.map(|a| a.0).join(", ")
            ),
            BindingError::BadKey { action, key } => write!(f, "keys.{action}: {key}"),
        }
    }
}

impl std::error::Error for BindingError {}

#[derive(Debug, Clone)]
pub struct Bindings {
    map: HashMap<(KeyCode, KeyModifiers), Action>,
}

impl Bindings {
    /// The defaults with the config file's `[keys]` applied: a rebound action loses its
    /// default keys (Ctrl-C always quits).
    pub fn new(config: &BTreeMap<String, String>) -> Result<Bindings, BindingError> {
        let mut defaults: Vec<(&str, Action)> = vec![
            ("tab", Action::NextPane),
            ("shift-tab", Action::PrevPane),
            ("up", Action::Up),
            ("k", Action::Up),
            ("down", Action::Down),
            ("j", Action::Down),
            ("enter", Action::Open),
            ("esc", Action::Close),
            ("r", Action::Range),
            ("p", Action::Project),
            ("P", Action::Projects),
            ("c", Action::Cost),
            ("/", Action::Filter),
            ("s", Action::Sort),
            ("e", Action::Export),
            ("R", Action::Refresh),
            ("?", Action::Help),
            ("q", Action::Quit),
        ];
        let digits = ["1", "2", "3", "4", "5", "6"];
        for (i, d) in digits.iter().enumerate() {
            defaults.push((d, Action::Pane(i + 1)));
        }
        let mut rebound = Vec::new();
        for (name, key) in config {
            let action = Action::ALL
                .iter()
                .find(|(n, _, _)| n == name)
                .map(|(_, a, _)| *a)
                .ok_or_else(|| BindingError::UnknownAction(name.clone()))?;
            let k = parse_key(key).map_err(|key| BindingError::BadKey {
                action: name.clone(),
                key,
            })?;
            rebound.push((k, action));
        }
        let mut map = HashMap::new();
        for (key, action) in defaults {
            if rebound.iter().all(|(_, a)| *a != action) {
                let k = parse_key(key).expect("the default keys parse");
                map.insert((k.code, k.modifiers), action);
            }
        }
        for (k, action) in rebound {
            map.insert((k.code, k.modifiers), action);
        }
        map.insert((KeyCode::Char('c'), KeyModifiers::CONTROL), Action::Quit);
        Ok(Bindings { map })
    }

    pub(crate) fn action(&self, key: &KeyEvent) -> Option<Action> {
        // Terminals report `R` with or without SHIFT; bindings are stored without it.
        let mods = key.modifiers - KeyModifiers::SHIFT;
        let code = match key.code {
            KeyCode::BackTab => {
                return self
                    .map
                    .get(&(KeyCode::BackTab, KeyModifiers::SHIFT))
                    .copied();
            }
            c => c,
        };
        self.map.get(&(code, mods)).copied()
    }

    /// The keys bound to `action`, for the help and the footer.
    pub(crate) fn keys_of(&self, action: Action) -> Vec<String> {
        let mut v: Vec<String> = self
            .map
            .iter()
            .filter(|(_, a)| **a == action)
            .map(|((code, mods), _)| (!mods.is_empty(), describe(*code, *mods)))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|(_, d)| d)
            .collect();
        // Plain keys first: the footer shows the first one.
        v.sort_by_key(|d| (d.starts_with("Ctrl-") || d.starts_with("Alt-"), d.clone()));
        v
    }
}

fn describe(code: KeyCode, mods: KeyModifiers) -> String {
    let base = match code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    if mods.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{base}")
    } else if mods.contains(KeyModifiers::ALT) {
        format!("Alt-{base}")
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn defaults_follow_the_product() {
        let b = Bindings::new(&BTreeMap::new()).unwrap();
        assert_eq!(b.action(&key('q')), Some(Action::Quit));
        assert_eq!(b.action(&key('3')), Some(Action::Pane(3)));
        assert_eq!(b.action(&key('j')), Some(Action::Down));
        assert_eq!(b.action(&key('r')), Some(Action::Range));
        assert_eq!(
            b.action(&KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT)),
            Some(Action::Refresh)
        );
        assert_eq!(
            b.action(&KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevPane)
        );
        assert_eq!(
            b.action(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(b.action(&key('c')), Some(Action::Cost), "c is not Ctrl-C");
        assert_eq!(b.action(&key('z')), None);
    }

    #[test]
    fn rebinding_replaces_the_default_key() {
        let cfg = BTreeMap::from([
            ("quit".to_string(), "x".to_string()),
            ("refresh".into(), "f5".into()),
        ]);
        let b = Bindings::new(&cfg).unwrap();
        assert_eq!(b.action(&key('x')), Some(Action::Quit));
        assert_eq!(b.action(&key('q')), None);
        assert_eq!(
            b.action(&KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE)),
            Some(Action::Refresh)
        );
        assert_eq!(b.keys_of(Action::Quit), ["x", "Ctrl-c"]);
    }

    #[test]
    fn bad_bindings_say_what_is_wrong() {
        let e = Bindings::new(&BTreeMap::from([("fly".into(), "f".into())])).unwrap_err();
        assert_eq!(e, BindingError::UnknownAction("fly".into()));
        assert!(e.to_string().contains("unknown action \"fly\""), "{e}");
        let e = Bindings::new(&BTreeMap::from([("quit".into(), "hyper-q".into())])).unwrap_err();
        assert!(matches!(&e, BindingError::BadKey { action, .. } if action == "quit"));
        assert!(e.to_string().contains("keys.quit"), "{e}");
    }
}
