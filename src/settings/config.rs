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
        source: crate::model::files::ReadError,
    },
    /// Where and why, on one line; secret values (`bearer_token`, `password`) are never
    /// echoed.
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Read { path, source } => {
                write!(f, "config file {}: {source}", path.display())
            }
            ConfigError::Invalid {
                path,
                line,
                column,
                message,
            } => write!(
                f,
                "invalid config file {}, line {line}, column {column}: {message}",
                path.display()
            ),
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
    /// The largest answer read from the server, in MB (1 to 4096; default 32).
    pub max_body_mb: u64,
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
            max_body_mb: 32,
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
    // A regular file of at most 1 MB: `--config /dev/zero` or a FIFO is refused.
    let text =
        match crate::model::files::read_capped_string(&path, crate::model::files::SMALL_FILE_CAP) {
            Ok(t) => t,
            Err(e) if e.io_kind() == Some(std::io::ErrorKind::NotFound) && !explicit => {
                return Ok(ConfigFile::default());
            }
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
    parse(&text).map_err(|e| invalid(path, &text, &e))
}

/// Keys whose values are secrets: never shown in an error.
const SECRET_KEYS: [&str; 3] = ["bearer_token", "password", "username"];

/// A parse error as one line naming the position, without the source excerpt toml prints
/// (it would show a secret on its line), and with the value of a secret key on the
/// error's line replaced by `***` wherever the message repeats it.
fn invalid(path: PathBuf, text: &str, e: &toml::de::Error) -> ConfigError {
    let offset = e.span().map_or(0, |s| s.start).min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let mut message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
    let source_line = text.lines().nth(line - 1).unwrap_or("");
    if let Some((key, value)) = source_line.split_once('=') {
        let key = key.trim().trim_matches(['"', '\'']);
        if SECRET_KEYS.contains(&key) {
            let value = value.trim();
            let inner = value.trim_matches(['"', '\'']);
            for v in [value, inner] {
                if !v.is_empty() {
                    message = message.replace(v, "***");
                }
            }
        }
    }
    ConfigError::Invalid {
        path,
        line,
        column,
        message,
    }
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
    fn errors_are_one_line_with_the_position_and_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        for text in [
            "[prometheus]\nbearer_token = \"tok-SECRET\n",
            "[prometheus]\nbearer_token = tok-SECRET\n",
            "[prometheus]\npassword = 'tok-SECRET' x\n",
            "[prometheus]\nbearer_token = \"tok-SECRET\"\nbearer_token = \"tok-SECRET\"\n",
        ] {
            std::fs::write(&p, text).unwrap();
            let e = load(Some(&p)).unwrap_err().to_string();
            assert!(!e.contains("SECRET"), "{e}");
            assert!(!e.contains('\n'), "{e}");
            assert!(e.contains(", line "), "{e}");
        }
        std::fs::write(&p, "[prometheus]\ntimeout_secs = \"x\"\n").unwrap();
        let e = load(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("line 2, column 16"), "{e}");
    }

    #[test]
    fn unknown_keys_are_errors() {
        assert!(parse("[prometheus]\nendpiont = \"x\"").is_err());
    }
}
