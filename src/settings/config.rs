//! The config file (`$XDG_CONFIG_HOME/skilltop/config.toml`), read once at start.
//! A missing file means defaults; a malformed one is an error naming the file and the line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::facts::Stage;

/// A config file that cannot be read or parsed; names the file (and the line).
#[derive(Debug)]
pub enum ConfigError {
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    Invalid {
        path: PathBuf,
        source: toml::de::Error,
    },
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Read { path, source } => {
                write!(f, "cannot read config file {}: {source}", path.display())
            }
            ConfigError::Invalid { path, source } => {
                write!(f, "invalid config file {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for ConfigError {}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ConfigFile {
    pub prometheus: PrometheusConfig,
    pub display: DisplayConfig,
    /// Key bindings: action name -> key (`"q"`, `"ctrl-c"`, `"tab"`, `"f5"`).
    pub keys: BTreeMap<String, String>,
    pub stages: StagesConfig,
    /// Extra trigger phrases per item name: `brainstorming = ["design idea", "sketch"]`.
    pub triggers: BTreeMap<String, Vec<String>>,
    /// Prices per model, USD per million tokens, over the built-in table:
    /// `[prices."claude-opus-4-5"]` then `input = 5.0`, `output = 25.0`, ...
    pub prices: BTreeMap<String, crate::model::prices::Price>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct PrometheusConfig {
    pub endpoint: Option<String>,
    pub poll_interval_secs: u64,
    pub timeout_secs: u64,
    /// Bearer token; prefer `SKILLTOP_PROMETHEUS_TOKEN` in the environment.
    pub bearer_token: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Sent as `X-Scope-OrgID` (Mimir, Cortex, Loki-style multi-tenancy).
    pub tenant: Option<String>,
    /// Label matchers added to every query, e.g. `user_email="me@example.com"`.
    pub matchers: Vec<String>,
}

impl Default for PrometheusConfig {
    fn default() -> Self {
        PrometheusConfig {
            endpoint: None,
            poll_interval_secs: 30,
            timeout_secs: 5,
            bearer_token: None,
            username: None,
            password: None,
            tenant: None,
            matchers: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct DisplayConfig {
    /// Default range when `--range` is not given.
    pub range: Option<String>,
    /// `default` or `mono`.
    pub theme: Option<String>,
    /// Where `e` writes snapshots; default the current directory.
    pub export_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct StagesConfig {
    /// Extra rules, tried before the built-in ones.
    pub rules: Vec<StageRule>,
}

/// `{ tool = "Bash", contains = "cargo test", stage = "test" }`: a call of `tool` (a tool
/// name, or `Skill` / `Agent` to match the skill name or subagent type) whose input
/// contains `contains` (case-insensitive) moves the session to `stage`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StageRule {
    pub tool: String,
    #[serde(default)]
    pub contains: String,
    pub stage: String,
}

/// A [`StageRule`] checked once, ready to apply: its stage is known and `contains` is
/// lowercased. Settings compiles the config's rules; the transcript engine keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomRule {
    pub(crate) tool: String,
    pub(crate) contains: String,
    pub(crate) stage: Stage,
}

impl CustomRule {
    /// Check every rule; the error names the first unknown stage.
    pub fn compile(rules: &[StageRule]) -> Result<Vec<CustomRule>, UnknownStage> {
        rules
            .iter()
            .map(|r| {
                let stage =
                    Stage::parse(&r.stage.to_ascii_lowercase()).ok_or_else(|| UnknownStage {
                        stage: r.stage.clone(),
                        tool: r.tool.clone(),
                    })?;
                Ok(CustomRule {
                    tool: r.tool.clone(),
                    contains: r.contains.to_lowercase(),
                    stage,
                })
            })
            .collect()
    }
}

/// A stage rule naming a stage that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownStage {
    pub stage: String,
    pub tool: String,
}

impl std::fmt::Display for UnknownStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown stage {:?} in a stage rule for tool {:?} (known: {})",
            self.stage,
            self.tool,
            Stage::ALL.map(Stage::as_str).join(", ")
        )
    }
}

impl std::error::Error for UnknownStage {}

pub(crate) fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("skilltop").join("config.toml"))
}

/// Load `path` (or the default path). A missing default file is not an error; a missing
/// file named explicitly is.
pub(crate) fn load(path: Option<&Path>) -> Result<ConfigFile, ConfigError> {
    let (path, explicit) = match path {
        Some(p) => (p.to_path_buf(), true),
        None => match default_path() {
            Some(p) => (p, false),
            None => return Ok(ConfigFile::default()),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(ConfigFile::default());
        }
        Err(source) => return Err(ConfigError::Read { path, source }),
    };
    parse(&text).map_err(|source| ConfigError::Invalid { path, source })
}

pub(crate) fn parse(text: &str) -> Result<ConfigFile, toml::de::Error> {
    toml::from_str(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_section() {
        let c = parse(
            r#"
            [prometheus]
            endpoint = "http://127.0.0.1:9090"
            poll_interval_secs = 10
            tenant = "team-a"
            matchers = ['user_email="me@example.com"']
            [display]
            range = "14d"
            export_dir = "/tmp/x"
            [keys]
            quit = "x"
            [[stages.rules]]
            tool = "Bash"
            contains = "cargo test"
            stage = "test"
            [triggers]
            brainstorming = ["design idea"]
            "#,
        )
        .unwrap();
        assert_eq!(c.prometheus.poll_interval_secs, 10);
        assert_eq!(c.prometheus.timeout_secs, 5);
        assert_eq!(c.prometheus.tenant.as_deref(), Some("team-a"));
        assert_eq!(c.display.range.as_deref(), Some("14d"));
        assert_eq!(c.keys["quit"], "x");
        assert_eq!(c.stages.rules[0].stage, "test");
        assert_eq!(c.triggers["brainstorming"], ["design idea"]);
    }

    #[test]
    fn unknown_keys_are_errors() {
        assert!(parse("[prometheus]\nendpiont = \"x\"").is_err());
    }
}
