//! Step 6, missed opportunities: requests that called for an installed item in sessions
//! where no item of that purpose ran (the judging itself lives in the catalog's detector).

use super::{Scope, tokens};
use crate::model::facts::FileFacts;
use crate::model::snapshot::MissedOpportunity;
use crate::sources::catalog::missed::{Reading, Sessions};

/// Missed opportunities over `files` (those that can hold a selected session); `reading`
/// keeps the prompts read for the next time (of the same catalog).
pub(super) fn missed(
    scope: &Scope,
    files: &[&FileFacts],
    reading: &mut Reading,
) -> Vec<MissedOpportunity> {
    // Runs of the sessions in scope, whatever their time: what "used in the session" means,
    // and the user's history the detector learns from.
    let sessions = Sessions::from_facts(files, &|s| scope.selected.contains(s));
    let prompts = tokens::prompts(scope, files);
    let occasions = scope.catalog.occasions_with(&prompts, &sessions, reading);
    let mut missed = scope
        .catalog
        .missed(&occasions, scope.q.redact, scope.q.all_examples);
    // Each example names its project, so the user can find the session again.
    for e in missed.iter_mut().flat_map(|m| m.examples.iter_mut()) {
        let project = scope.sessions.get(&*e.session).and_then(|s| s.project());
        e.project = project.map(str::to_string);
    }
    missed
}
