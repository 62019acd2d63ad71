//! The catalog: installed skills, agents and commands (README "Catalog"), and the detector
//! that tells which requests called for them (README "Missed opportunities").

pub mod detector;
mod frontmatter;
pub mod intent;
pub mod missed;
pub mod prompt;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::model::snapshot::{Diagnostic, DiagnosticSource};

use detector::Detector;

/// Descriptions longer than this are cut (and reported): a real description is a
/// paragraph; megabytes are a mistake that would flood the detector.
pub const MAX_DESCRIPTION: usize = 8 * 1024;
/// Prompt characters shown in an example.
pub const EXAMPLE_CHARS: usize = 200;

/// One installed definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// As invoked: `brainstorming`, or `plugin:name` for plugin items.
    pub name: String,
    pub kind: DefinitionKind,
    pub description: String,
    /// Phrases the user added in the config file (`[triggers]`): they ask for the item.
    pub triggers: Vec<String>,
    pub path: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinitionKind {
    Skill,
    Agent,
    Command,
}

#[derive(Default)]
pub struct Catalog {
    pub items: Vec<Definition>,
    pub diagnostics: Vec<Diagnostic>,
    detector: Detector,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("items", &self.items.len())
            .field("diagnostics", &self.diagnostics.len())
            .finish()
    }
}

impl Clone for Catalog {
    fn clone(&self) -> Self {
        Catalog::from_items(self.items.clone(), self.diagnostics.clone())
    }
}

impl Catalog {
    /// A catalog of these items, with the detector built over them.
    pub fn from_items(items: Vec<Definition>, diagnostics: Vec<Diagnostic>) -> Catalog {
        let matchable: Vec<Definition> = items
            .iter()
            .filter(|d| d.kind != DefinitionKind::Command)
            .cloned()
            .collect();
        Catalog {
            detector: Detector::new(&matchable),
            items: matchable
                .into_iter()
                .chain(
                    items
                        .into_iter()
                        .filter(|d| d.kind == DefinitionKind::Command),
                )
                .collect(),
            diagnostics,
        }
    }

    /// Discover definitions in every config dir, the project's `.claude/` and the plugins
    /// installed in each config dir (newest version of each).
    pub fn load(
        config_dirs: &[PathBuf],
        project_dir: Option<&Path>,
        extra_triggers: &BTreeMap<String, Vec<String>>,
    ) -> Catalog {
        let mut load = Loader::default();
        for dir in config_dirs {
            load.root(dir, None);
        }
        if let Some(p) = project_dir {
            load.root(&p.join(".claude"), None);
        }
        for dir in config_dirs {
            for (plugin, root) in plugins(&dir.join("plugins/cache")) {
                load.root(&root, Some(&plugin));
            }
        }
        for d in &mut load.items {
            let short = crate::model::format::short_name(&d.name);
            d.triggers = extra_triggers
                .get(&d.name)
                .or_else(|| extra_triggers.get(short))
                .cloned()
                .unwrap_or_default();
        }
        Catalog::from_items(load.items, load.diagnostics)
    }

    /// Installed skills and agents.
    pub fn invocable(&self) -> impl Iterator<Item = &Definition> {
        self.items
            .iter()
            .filter(|d| d.kind != DefinitionKind::Command)
    }

    /// The detector over the installed skills and agents.
    pub fn detector(&self) -> &Detector {
        &self.detector
    }
}

/// A prompt as an example: cut to 200 characters, or only its length with `--redact`.
pub fn example_text(text: &str, redact: bool) -> String {
    let n = text.chars().count();
    if redact {
        return format!("[redacted: {n} chars]");
    }
    match text.char_indices().nth(EXAMPLE_CHARS) {
        Some((i, _)) => text[..i].to_string(),
        None => text.to_string(),
    }
}

/// `(plugin, newest version folder)` of every plugin in `plugins/cache/<marketplace>/`.
fn plugins(cache: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for market in subdirs(cache) {
        for plugin in subdirs(&market) {
            let name = file_name(&plugin);
            if let Some(v) = subdirs(&plugin)
                .into_iter()
                .max_by(|a, b| version_key(&file_name(a)).cmp(&version_key(&file_name(b))))
            {
                out.push((name, v));
            }
        }
    }
    out
}

/// `1.10.0` sorts after `1.9.2`; non-numeric parts compare as text.
fn version_key(v: &str) -> Vec<(u64, String)> {
    v.split(['.', '-', '+'])
        .map(|p| (p.parse().unwrap_or(0), p.to_string()))
        .collect()
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[derive(Default)]
struct Loader {
    items: Vec<Definition>,
    diagnostics: Vec<Diagnostic>,
    seen: HashSet<(String, u8)>,
}

impl Loader {
    fn diag(&mut self, path: &Path, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            source: DiagnosticSource::Catalog,
            path: Some(path.display().to_string()),
            message: message.into(),
        });
    }

    fn root(&mut self, root: &Path, plugin: Option<&str>) {
        let skills = root.join("skills");
        if skills.is_dir() {
            let dirs = subdirs(&skills);
            if dirs.is_empty() {
                self.diag(&skills, "the skills folder is empty");
            }
            for d in dirs {
                let file = d.join("SKILL.md");
                if file.is_file() {
                    self.file(&file, &file_name(&d), DefinitionKind::Skill, plugin);
                } else {
                    self.diag(&d, "a skill folder without SKILL.md; skipped");
                }
            }
        }
        for (sub, kind) in [
            ("agents", DefinitionKind::Agent),
            ("commands", DefinitionKind::Command),
        ] {
            let mut files = Vec::new();
            markdown(&root.join(sub), "", &mut files, 0);
            for (path, stem) in files {
                self.file(&path, &stem, kind, plugin);
            }
        }
    }

    fn file(
        &mut self,
        path: &Path,
        default_name: &str,
        kind: DefinitionKind,
        plugin: Option<&str>,
    ) {
        // Only a regular file of at most 4 MB: a definition linked to /dev/zero or
        // /dev/stdin, or a FIFO, is refused unopened.
        let cap = crate::model::files::DEFINITION_CAP;
        let text = match crate::model::files::read_capped(path, cap) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => return self.diag(path, e.to_string()),
        };
        let (name, description) = match frontmatter::parse(&text) {
            Ok((fm, _)) => (
                fm.name.as_ref().and_then(frontmatter::scalar),
                fm.description
                    .as_ref()
                    .and_then(frontmatter::scalar)
                    .unwrap_or_default(),
            ),
            // A command is a prompt file: frontmatter is optional there.
            Err(frontmatter::Error::Missing) if kind == DefinitionKind::Command => {
                (None, String::new())
            }
            Err(e) => return self.diag(path, format!("{e}; skipped")),
        };
        let mut description = description.trim().to_string();
        if description.len() > MAX_DESCRIPTION {
            self.diag(
                path,
                format!(
                    "the description is {} bytes; triggers are taken from its first {}",
                    description.len(),
                    MAX_DESCRIPTION
                ),
            );
            let mut end = MAX_DESCRIPTION;
            while !description.is_char_boundary(end) {
                end -= 1;
            }
            description.truncate(end);
        }
        let base = name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| default_name.to_string());
        let name = match plugin {
            Some(p) => format!("{p}:{base}"),
            None => base,
        };
        if !self.seen.insert((name.clone(), kind as u8)) {
            return;
        }
        self.items.push(Definition {
            name,
            kind,
            description,
            triggers: Vec::new(),
            path: path.to_path_buf(),
        });
    }
}

/// `*.md` files under `dir`, named by their path (`frontend/build.md` → `frontend:build`, as
/// Claude Code names nested commands).
fn markdown(dir: &Path, prefix: &str, out: &mut Vec<(PathBuf, String)>, depth: usize) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = file_name(&p);
        if p.is_dir() && depth < 3 {
            markdown(&p, &format!("{prefix}{name}:"), out, depth + 1);
        } else if let Some(stem) = name.strip_suffix(".md") {
            out.push((p, format!("{prefix}{stem}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_cut_to_200_characters_or_redacted() {
        let long = "é".repeat(300);
        assert_eq!(example_text(&long, false).chars().count(), 200);
        assert_eq!(example_text("short", false), "short");
        assert_eq!(example_text(&long, true), "[redacted: 300 chars]");
    }

    #[test]
    fn newest_plugin_version_wins() {
        assert!(version_key("1.10.0") > version_key("1.9.2"));
    }
}
