//! Settings: the command line, the config file and the environment, resolved once.

pub mod cli;
pub mod config;

use std::path::{Path, PathBuf};

/// `~/x` in the config file means the home directory.
pub fn expand_home(p: &Path) -> PathBuf {
    match (p.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => p.to_path_buf(),
    }
}
