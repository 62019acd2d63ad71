//! Finding config directories and transcript files.

use std::path::PathBuf;

/// Config directories: `--claude-dir` values, else `CLAUDE_CONFIG_DIR`, else the defaults.
pub fn config_dirs(cli_dirs: &[PathBuf]) -> Vec<PathBuf> {
    cli_dirs.to_vec()
}
