//! What can go wrong while resolving the settings, as types: a bad value the user gave
//! ([`UsageError`], exit code 2) or a broken setup ([`SetupError`], exit code 1).

use std::path::PathBuf;

use super::config::{ConfigError, UnknownStage};
use super::prometheus::PrometheusError;
use crate::model::range::BadRange;

/// A bad value the user gave in a flag, the config file or the environment: printed as one
/// line naming where the value came from, exit code 2.
#[derive(Debug)]
pub enum UsageError {
    /// The config file cannot be read or parsed.
    Config(ConfigError),
    /// A `--claude-dir` that is not a readable directory.
    ClaudeDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    /// A stage rule naming an unknown stage.
    StageRule(UnknownStage),
    /// A key binding in `[keys]` that cannot be used (the dashboard's error type lives above
    /// this layer, hence boxed).
    Keys(Box<dyn std::error::Error + Send + Sync>),
    /// `display.range` in the config file is not a range.
    Range { value: String, reason: BadRange },
    /// The Prometheus endpoint or its timings.
    Prometheus(PrometheusError),
}

impl UsageError {
    pub const EXIT_CODE: i32 = 2;
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UsageError::Config(e) => write!(f, "{e}"),
            UsageError::ClaudeDir { dir, source } => write!(
                f,
                "--claude-dir {}: not a readable directory ({source})",
                dir.display()
            ),
            UsageError::StageRule(e) => write!(f, "config stages: {e}"),
            UsageError::Keys(e) => write!(f, "config {e}"),
            UsageError::Range { value, reason } => {
                write!(f, "config display.range {value:?}: {reason}")
            }
            UsageError::Prometheus(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for UsageError {}

/// The setup failed us (not the user's values): reported with its causes, exit code 1.
#[derive(Debug)]
pub(crate) enum SetupError {
    /// `--demo` could not write or read its sample data.
    DemoMissing {
        dir: PathBuf,
        source: std::io::Error,
    },
    /// The demo data's `NOW` is not an RFC 3339 time.
    DemoClock(chrono::ParseError),
    /// `--project` cannot be made absolute.
    Project(std::io::Error),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::DemoMissing { dir, .. } => {
                write!(f, "the demo data cannot be written to {}", dir.display())
            }
            SetupError::DemoClock(_) => f.write_str("the demo data's NOW is not an RFC 3339 time"),
            SetupError::Project(_) => f.write_str("cannot resolve --project"),
        }
    }
}

impl std::error::Error for SetupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SetupError::DemoMissing { source, .. } => Some(source),
            SetupError::DemoClock(e) => Some(e),
            SetupError::Project(e) => Some(e),
        }
    }
}

/// Resolving the settings failed.
#[derive(Debug)]
pub(crate) enum SettingsError {
    Usage(UsageError),
    Setup(SetupError),
}

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SettingsError::Usage(e) => e.fmt(f),
            SettingsError::Setup(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for SettingsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SettingsError::Usage(_) => None,
            SettingsError::Setup(e) => e.source(),
        }
    }
}

impl From<UsageError> for SettingsError {
    fn from(e: UsageError) -> Self {
        SettingsError::Usage(e)
    }
}

impl From<SetupError> for SettingsError {
    fn from(e: SetupError) -> Self {
        SettingsError::Setup(e)
    }
}
