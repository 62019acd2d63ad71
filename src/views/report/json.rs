//! `--format json`: the snapshot, pretty-printed.

use color_eyre::eyre::{Result, WrapErr};

use crate::model::snapshot::Snapshot;

pub fn render(snapshot: &Snapshot) -> Result<String> {
    let mut text = serde_json::to_string_pretty(snapshot).wrap_err("cannot encode the snapshot")?;
    text.push('\n');
    Ok(text)
}
