//! The part of each group of files, summed (see `part`).

use super::{Part, Scope, count, scope::touches};
use crate::store::Store;

/// The sum of the parts of the files with anything since the previous range began.
pub(super) fn sum(store: &Store, scope: &Scope) -> Part {
    let _ = store;
    let files = scope
        .all_files
        .iter()
        .copied()
        .filter(|f| touches(f, scope.bounds.prev_start))
        .collect();
    count(scope, files)
}
