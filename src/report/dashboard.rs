//! One frame of the dashboard's panes, printed.

use crate::store::snapshot::Snapshot;

pub fn render(_snapshot: &Snapshot, _width: u16, _color: bool) -> String {
    String::new()
}
