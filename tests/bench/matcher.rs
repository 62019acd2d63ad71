//! `cargo bench --bench matcher`: 100,000 prompts against 500 definitions with 5,000
//! triggers, one `Catalog::missed` pass (the work behind every snapshot). Target: < 1 s.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use skilltop::model::facts::Prompt;
use skilltop::sources::catalog::{Catalog, Definition, DefinitionKind};

#[path = "rng.rs"]
mod rng;
use rng::Rng;

fn pick<'a>(rng: &mut Rng, v: &'a [String]) -> &'a str {
    &v[rng.below(v.len() as u64) as usize]
}

fn main() {
    let mut rng = Rng(0x5eed);
    let vocab: Vec<String> = (0..5000).map(|i| format!("w{i:x}q")).collect();
    let defs: Vec<Definition> = (0..500)
        .map(|i| {
            let mut triggers = vec![format!("skill-{i}")];
            while triggers.len() < 10 {
                let words = 2 + rng.next() % 2;
                let t: Vec<&str> = (0..words).map(|_| pick(&mut rng, &vocab)).collect();
                triggers.push(t.join(" "));
            }
            Definition {
                name: format!("plugin:skill-{i}"),
                kind: DefinitionKind::Skill,
                description: String::new(),
                triggers,
                path: Default::default(),
            }
        })
        .collect();
    let all_triggers: Vec<String> = defs.iter().flat_map(|d| d.triggers.clone()).collect();
    let catalog = Catalog::from_items(defs, vec![]);

    // Prompts of 10–60 words; one in five quotes a trigger or two.
    let prompts: Vec<Prompt> = (0..100_000)
        .map(|i| {
            let n = 10 + rng.next() % 50;
            let mut words: Vec<String> =
                (0..n).map(|_| pick(&mut rng, &vocab).to_string()).collect();
            if i % 5 == 0 {
                words.push(pick(&mut rng, &all_triggers).to_string());
                words.push(pick(&mut rng, &all_triggers).to_string());
            }
            Prompt {
                session: format!("s{}", i % 2000),
                ts: i,
                text: words.join(" "),
            }
        })
        .collect();
    let refs: Vec<&Prompt> = prompts.iter().collect();
    let used: HashMap<&str, HashSet<String>> = HashMap::new();
    let bytes: usize = prompts.iter().map(|p| p.text.len()).sum();

    let mut best = f64::MAX;
    let mut found = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let missed = catalog.missed(&refs, &used, false);
        best = best.min(t.elapsed().as_secs_f64());
        found = missed.iter().map(|m| m.count).sum::<u64>();
    }
    println!(
        "matcher: {} prompts ({:.1} MB) x 500 definitions / {} triggers: best of 5 {:.3} s, {} missed opportunities",
        prompts.len(),
        bytes as f64 / 1e6,
        all_triggers.len(),
        best,
        found
    );
}
