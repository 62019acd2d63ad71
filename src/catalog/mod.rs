//! The catalog: installed skills, agents and commands (FORMATS.md §4), their triggers
//! (§5), and the matcher that finds missed opportunities.

use crate::store::facts::Prompt;
use crate::store::snapshot::{Diagnostic, ItemKind, MissedOpportunity};
use std::collections::{HashMap, HashSet};

/// One installed definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// As invoked: `brainstorming`, or `plugin:name` for plugin items.
    pub name: String,
    pub kind: DefinitionKind,
    pub description: String,
    pub triggers: Vec<String>,
    pub path: std::path::PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinitionKind {
    Skill,
    Agent,
    Command,
}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub items: Vec<Definition>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Catalog {
    /// Missed opportunities among `prompts`: `used` maps a session id to the (normalised)
    /// names of the skills and agents it invoked.
    pub fn missed(
        &self,
        _prompts: &[&Prompt],
        _used: &HashMap<&str, HashSet<String>>,
        _redact: bool,
    ) -> Vec<MissedOpportunity> {
        let _ = ItemKind::Skill;
        Vec::new()
    }
}

impl Catalog {
    /// Discover definitions in every config dir, the project's `.claude/` and plugins.
    pub fn load(
        _config_dirs: &[std::path::PathBuf],
        _project_dir: Option<&std::path::Path>,
        _extra_triggers: &std::collections::BTreeMap<String, Vec<String>>,
    ) -> Catalog {
        Catalog::default()
    }
}
