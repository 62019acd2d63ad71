//! Step 6, missed opportunities: requests that called for an installed item in sessions
//! where no item of that purpose ran (the judging itself lives in the catalog's detector).

use super::Ctx;
use crate::sources::catalog::missed::Sessions;

pub(super) fn missed(ctx: &mut Ctx) {
    // Runs of the sessions in scope, whatever their time: what "used in the session" means,
    // and the user's history the detector learns from.
    let sessions = Sessions::from_facts(&ctx.files, &|s| ctx.selected.contains(s));
    let occasions = ctx.catalog.occasions(&ctx.prompts, &sessions);
    ctx.snap.missed_opportunities =
        ctx.catalog
            .missed(&occasions, ctx.q.redact, ctx.q.all_examples);
}
