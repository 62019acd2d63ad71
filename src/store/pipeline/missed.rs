//! Step 6, missed opportunities: requests that called for an installed item in sessions
//! where no item of that purpose ran (the judging itself lives in the catalog's detector).

use rustc_hash::FxHashMap as HashMap;

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
    let mut projects: HashMap<&str, &str> = HashMap::default();
    for f in &ctx.all_files {
        for (id, seen) in &f.sessions {
            if let Some(cwd) = seen.cwd.as_deref().or(seen.sidechain_cwd.as_deref()) {
                projects.entry(id.as_str()).or_insert(cwd);
            }
        }
    }
    for e in missed.iter_mut().flat_map(|m| m.examples.iter_mut()) {
        e.project = projects.get(e.session.as_str()).map(|p| p.to_string());
    }
    ctx.snap.missed_opportunities = missed;
}
