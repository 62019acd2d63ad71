//! Step 6, missed opportunities: prompts that matched an item's triggers in sessions that
//! never invoked it (the matching itself lives in the catalog).

use std::collections::{HashMap, HashSet};

use super::Ctx;
use crate::model::facts::CallKind;
use crate::model::names::name_forms;

pub(super) fn missed(ctx: &mut Ctx) {
    // "Used in the session": any invocation in the session, whatever its time, under both
    // name forms.
    let mut used: HashMap<&str, HashSet<String>> = HashMap::new();
    for c in ctx.calls.values() {
        if let CallKind::Skill(n) | CallKind::Agent(n) = &c.kind
            && ctx.selected.contains(c.session.as_str())
        {
            let set = used.entry(c.session.as_str()).or_default();
            set.extend(name_forms(n).map(str::to_string));
        }
    }
    ctx.snap.missed_opportunities = ctx.catalog.missed(&ctx.prompts, &used, ctx.q.redact);
}
