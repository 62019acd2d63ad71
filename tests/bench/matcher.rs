//! `cargo bench --bench matcher`: 100,000 prompts against 500 installed items, with a
//! history of 5,000 item runs (the user's own requests the detector learns from), one
//! `Catalog::occasions` + `Catalog::missed` pass: the work behind every snapshot.
//! Target: under 1 s on this 2-core machine.

use std::time::Instant;

use skilltop::model::facts::{CallKind, FileFacts, Prompt, ToolCall};
use skilltop::sources::catalog::missed::Sessions;
use skilltop::sources::catalog::{Catalog, Definition, DefinitionKind};

#[path = "rng.rs"]
mod rng;
use rng::Rng;

/// Words people type around their requests.
const WORDS: [&str; 40] = [
    "the", "cache", "please", "fix", "add", "a", "flag", "to", "export", "why", "is", "login",
    "slow", "rename", "this", "function", "and", "tests", "for", "parser", "can", "you", "check",
    "branch", "update", "docs", "config", "error", "when", "saving", "file", "make", "it", "work",
    "with", "new", "api", "on", "my", "build",
];
/// Requests that ask for something by purpose, the way people type them.
const ASKS: [&str; 8] = [
    "the tests are failing after the merge, can you look",
    "review my branch before I merge",
    "address the PR comments from yesterday",
    "implement the plan in docs/plans/sync.md",
    "let's brainstorm names for the new command",
    "write a plan for the migration first",
    "it doesnt seem to start anymore",
    "use the item-17 skill on this",
];

fn pick<'a>(rng: &mut Rng, v: &[&'a str]) -> &'a str {
    v[rng.below(v.len() as u64) as usize]
}

fn main() {
    let mut rng = Rng(0x5eed);
    let purposes = [
        "Use when debugging a bug or test failure",
        "Use when reviewing code before a merge",
        "Use when receiving code review feedback",
        "Use when executing a written implementation plan",
        "Use before any creative work to brainstorm",
        "Use to write a plan for a multi-step task",
    ];
    let defs: Vec<Definition> = (0..500)
        .map(|i| {
            let mut description = String::from(purposes[i % purposes.len()]);
            for _ in 0..20 {
                description.push(' ');
                description.push_str(pick(&mut rng, &WORDS));
            }
            Definition {
                name: format!("plugin:item-{i}"),
                kind: if i % 5 == 0 {
                    DefinitionKind::Agent
                } else {
                    DefinitionKind::Skill
                },
                description,
                triggers: Vec::new(),
                path: Default::default(),
            }
        })
        .collect();
    let catalog = Catalog::from_items(defs, vec![]);

    // Prompts of 8–40 words; one in four asks for something by purpose or by name, one in
    // ten carries a pasted log.
    let prompts: Vec<Prompt> = (0..100_000)
        .map(|i| {
            let n = 8 + rng.next() % 32;
            let mut text: Vec<String> =
                (0..n).map(|_| pick(&mut rng, &WORDS).to_string()).collect();
            if i % 4 == 0 {
                text.push(format!(". {}", pick(&mut rng, &ASKS)));
            }
            if i % 10 == 0 {
                text.push("\n2026-11-20T10:00:01Z ERROR item-3 failed: exit status 1".into());
            }
            Prompt {
                session: format!("s{}", i % 5000).into(),
                ts: i64::from(i) * 1000,
                text: text.join(" "),
            }
        })
        .collect();
    let refs: Vec<&Prompt> = prompts.iter().collect();
    // One run a session, right after one of its prompts: the history.
    let mut facts = FileFacts::default();
    for s in 0..5000u32 {
        let name = format!("plugin:item-{}", s % 500);
        facts.calls.push(ToolCall {
            id: format!("t{s}"),
            name: "Skill".into(),
            kind: CallKind::Skill(name),
            session: format!("s{s}").into(),
            ts: i64::from(s) * 1000 + 500,
            stage: None,
            sidechain: false,
            skill: None,
        });
    }
    let bytes: usize = prompts.iter().map(|p| p.text.len()).sum();

    let mut best = f64::MAX;
    let mut found = 0;
    let mut flagged = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let sessions = Sessions::from_facts(&[&facts], &|_| true);
        let occasions = catalog.occasions(&refs, &sessions);
        let missed = catalog.missed(&occasions, false, false);
        best = best.min(t.elapsed().as_secs_f64());
        flagged = occasions.len();
        found = missed.iter().map(|m| m.count).sum::<u64>();
    }
    println!(
        "matcher: {} prompts ({:.1} MB) x 500 items, 5000 runs of history: best of 3 {:.3} s, \
         {flagged} occasions, {found} missed opportunities",
        prompts.len(),
        bytes as f64 / 1e6,
        best,
    );
}
