//! `--format json`: the snapshot, pretty-printed, each skill and agent with its cost.

use color_eyre::eyre::{Result, WrapErr};

use crate::model::snapshot::Snapshot;

pub fn render(snapshot: &Snapshot) -> Result<String> {
    let value = snapshot.to_json().wrap_err("cannot encode the snapshot")?;
    let mut text = serde_json::to_string_pretty(&value).wrap_err("cannot encode the snapshot")?;
    text.push('\n');
    Ok(text)
}
