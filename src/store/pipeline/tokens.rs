//! Step 5, tokens: prompts, commands, compactions and tokens in range in the selected
//! sessions. Prompt and compaction copies (resumed sessions, copied files) count once;
//! tokens once per API message.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{Ctx, Part, Scope};
use crate::model::facts::{AgentFile, FileFacts, Prompt, Usage};
use crate::model::snapshot::{CommandStat, TokenCounts};

pub(super) fn tokens(ctx: &mut Ctx) {
    let mut commands: HashMap<&str, u64> = HashMap::default();
    let mut best_usage: HashMap<&str, (&Usage, Option<&AgentFile>)> = HashMap::default();
    // A compaction is one (session, time): the same one in a copied file counts once.
    let mut compactions: HashSet<(&str, crate::model::facts::Millis)> = HashSet::default();
    for f in &ctx.files {
        for c in &f.commands {
            if ctx.counts(c.ts, &c.session) {
                *commands.entry(c.name.as_str()).or_default() += 1;
            }
        }
        compactions.extend(
            f.compactions
                .iter()
                .filter(|c| ctx.counts(c.ts, &c.session))
                .map(|c| (&*c.session, c.ts)),
        );
        for u in f.usage.iter().filter(|u| ctx.counts(u.ts, &u.session)) {
            best_usage
                .entry(u.message_id.as_str())
                .and_modify(|old| {
                    // Most output; among equals the earliest (deterministic across files).
                    let o = old.0;
                    if (u.output, o.ts, &o.session) > (o.output, u.ts, &u.session) {
                        *old = (u, f.agent.as_ref());
                    }
                })
                .or_insert((u, f.agent.as_ref()));
        }
    }
    let prompts = prompts(ctx.scope, &ctx.files);
    let part = &mut ctx.part;
    part.prompts = prompts.len() as u64;
    part.compactions = compactions.len() as u64;
    for (u, _) in best_usage.values() {
        part.tokens
            .entry(u.model.clone())
            .or_default()
            .add(&TokenCounts {
                input: u.input,
                output: u.output,
                cache_creation: u.cache_creation,
                cache_read: u.cache_read,
            });
    }
    ctx.usage = best_usage.into_values().collect();
    // Sums of floating-point costs depend on their order: one order, the same figures on
    // every run.
    ctx.usage
        .sort_unstable_by(|a, b| (a.0.ts, &a.0.message_id).cmp(&(b.0.ts, &b.0.message_id)));
    part.commands = commands
        .into_iter()
        .map(|(name, n)| (name.to_string(), n))
        .collect();
}

/// The prompts in range in the selected sessions, copies counted once, in time order.
pub(super) fn prompts<'a>(scope: &Scope, files: &[&'a FileFacts]) -> Vec<&'a Prompt> {
    let mut prompts: Vec<&Prompt> = Vec::new();
    for f in files {
        prompts.extend(f.prompts.iter().filter(|p| scope.counts(p.ts, &p.session)));
    }
    prompts.sort_by(|a, b| (a.ts, &a.session, &a.text).cmp(&(b.ts, &b.session, &b.text)));
    prompts.dedup_by(|a, b| a.ts == b.ts && a.session == b.session && a.text == b.text);
    prompts
}

/// Prompts, compactions, sessions, tokens per model, and commands most used first.
pub(super) fn finish(scope: &mut Scope, part: &Part) {
    let totals = &mut scope.snap.totals;
    totals.prompts = part.prompts;
    totals.compactions = part.compactions;
    totals.sessions = scope.selected_count as u64;
    totals.tokens = part
        .tokens
        .iter()
        .map(|(m, t)| (m.clone(), t.sum))
        .collect();
    let mut commands: Vec<CommandStat> = part
        .commands
        .iter()
        .map(|(name, count)| CommandStat {
            name: name.clone(),
            count: *count,
        })
        .collect();
    commands.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    scope.snap.commands = commands;
}
