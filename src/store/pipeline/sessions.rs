//! The sessions that used one skill or agent in the range (the dashboard's details): when,
//! where, how many calls and failures, and the transcript to open.

use std::collections::HashMap;

use super::{Ctx, calls, costs, items, scope, tokens};
use crate::model::facts::{CallKind, Millis};
use crate::model::names::same_name;
use crate::sources::catalog::Catalog;
use crate::store::{Query, SessionRow, Store};

pub(in crate::store) fn item_sessions(
    store: &Store,
    q: &Query,
    catalog: &Catalog,
    skill: bool,
    name: &str,
) -> Vec<SessionRow> {
    let scope = scope::scope(store, q, catalog, true);
    let mut ctx = Ctx::new(&scope, scope.touching());
    calls::calls(&mut ctx);
    tokens::tokens(&mut ctx);
    let (item_cost, session_cost) = costs::session_costs(&ctx, skill, name);
    // Session → (its latest use, uses).
    let mut used: HashMap<&str, (Millis, u64)> = HashMap::new();
    let mut add = |session, ts: Millis| {
        let e = used.entry(session).or_insert((ts, 0));
        e.0 = e.0.max(ts);
        e.1 += 1;
    };
    for (c, _) in &ctx.range_calls {
        let hit = match &c.kind {
            CallKind::Skill(n) => skill && same_name(n, name),
            CallKind::Agent(n) => !skill && n == name,
            CallKind::Plain => false,
        };
        if hit {
            add(&*c.session, c.ts);
        }
    }
    if skill {
        for t in items::typed_skills(&ctx.files) {
            if ctx.counts(t.ts, t.session) && same_name(t.name, name) {
                add(t.session, t.ts);
            }
        }
    }
    let mut rows: Vec<SessionRow> = used
        .into_iter()
        .map(|(id, (last, uses))| {
            let tally = ctx.per_session.get(id).copied().unwrap_or_default();
            // The transcript that holds the session's main thread, else any that has it.
            let file = store
                .files
                .iter()
                .filter_map(|(p, f)| f.facts.sessions.get(id).map(|s| (p, s)))
                .max_by_key(|(_, s)| s.cwd.is_some());
            SessionRow {
                session: id.to_string(),
                last: chrono::DateTime::<chrono::Utc>::from_timestamp_millis(last)
                    .unwrap_or_default()
                    .to_rfc3339(),
                project: ctx
                    .sessions
                    .get(id)
                    .and_then(|s| s.project())
                    .map(str::to_string),
                uses,
                calls: tally.success + tally.failure,
                failures: tally.failure,
                transcript: file.map(|(p, _)| p.display().to_string()),
                cost_usd: item_cost.get(id).copied(),
                session_cost_usd: session_cost.get(id).copied(),
            }
        })
        .collect();
    rows.sort_by(|a, b| b.last.cmp(&a.last).then_with(|| a.session.cmp(&b.session)));
    rows
}
