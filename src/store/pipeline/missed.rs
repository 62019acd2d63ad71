//! Step 6, missed opportunities: requests that called for an installed item in sessions
//! where no item of that purpose ran (the judging itself lives in the catalog's detector).

use super::Ctx;
use crate::sources::catalog::missed::Sessions;

pub(super) fn missed(ctx: &mut Ctx) {
    // Runs of the sessions in scope, whatever their time: what "used in the session" means,
    // and the user's history the detector learns from.
    let sessions = Sessions::from_facts(&ctx.all_files, &|s| ctx.selected.contains(s));
    let occasions = ctx.catalog.occasions(&ctx.prompts, &sessions);
    let mut missed = ctx
        .catalog
        .missed(&occasions, ctx.q.redact, ctx.q.all_examples);
    // Each example names its project, so the user can find the session again.
    for e in missed.iter_mut().flat_map(|m| m.examples.iter_mut()) {
        let project = ctx
            .sessions
            .get(e.session.as_str())
            .and_then(|s| s.project());
        e.project = project.map(str::to_string);
    }
    ctx.snap.missed_opportunities = missed;
}
