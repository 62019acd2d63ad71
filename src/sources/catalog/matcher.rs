//! All prompts against all items in one pass: one Aho-Corasick automaton over every distinct
//! trigger, then word-boundary and distinct-trigger checks (FORMATS.md §5).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::Definition;

pub struct Matcher {
    ac: Option<AhoCorasick>,
    patterns: Vec<String>,
    /// Per pattern: the items it is a trigger of, and whether it is that item's name.
    owners: Vec<Vec<(u32, bool)>>,
}

/// An item a prompt matched, with the triggers found.
#[derive(Debug, PartialEq)]
pub struct Hit<'m> {
    pub item: usize,
    pub triggers: Vec<&'m str>,
}

impl Matcher {
    pub fn new(items: &[Definition]) -> Matcher {
        let mut patterns: Vec<String> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut owners: Vec<Vec<(u32, bool)>> = Vec::new();
        for (i, d) in items.iter().enumerate() {
            let names = name_triggers(&d.name);
            for t in &d.triggers {
                let id = *index.entry(t.clone()).or_insert_with(|| {
                    patterns.push(t.clone());
                    owners.push(Vec::new());
                    patterns.len() - 1
                });
                let is_name = names.contains(t);
                if !owners[id].contains(&(i as u32, is_name)) {
                    owners[id].push((i as u32, is_name));
                }
            }
        }
        let ac = (!patterns.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        Matcher {
            ac,
            patterns,
            owners,
        }
    }

    /// Items `prompt` matches: on word boundaries, the item's name, or two distinct triggers.
    pub fn matches(&self, prompt: &str) -> Vec<Hit<'_>> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        // (item, pattern, is_name) for every trigger found on word boundaries.
        let mut found: Vec<(u32, u32, bool)> = Vec::new();
        for m in ac.find_overlapping_iter(prompt) {
            if !boundary(prompt, m.start(), m.end()) {
                continue;
            }
            let p = m.pattern().as_u32();
            for &(item, is_name) in &self.owners[p as usize] {
                found.push((item, p, is_name));
            }
        }
        found.sort_unstable();
        found.dedup();
        let mut hits = Vec::new();
        for group in found.chunk_by(|a, b| a.0 == b.0) {
            let named = group.iter().any(|g| g.2);
            if named || group.len() >= 2 {
                hits.push(Hit {
                    item: group[0].0 as usize,
                    triggers: group
                        .iter()
                        .map(|g| self.patterns[g.1 as usize].as_str())
                        .collect(),
                });
            }
        }
        hits
    }
}

/// The triggers that are the item's name: `plugin:name` is also called `name`, and
/// `test-driven-development` is also written `test driven development`.
pub fn name_triggers(name: &str) -> Vec<String> {
    let short = name.rsplit(':').next().unwrap_or(name).to_lowercase();
    let mut v = vec![
        name.to_lowercase(),
        short.clone(),
        short.replace(['-', '_'], " "),
    ];
    v.dedup();
    v
}

fn boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::catalog::DefinitionKind;

    fn def(name: &str, triggers: &[&str]) -> Definition {
        Definition {
            name: name.into(),
            kind: DefinitionKind::Skill,
            description: String::new(),
            triggers: triggers.iter().map(|t| t.to_string()).collect(),
            path: Default::default(),
        }
    }

    #[test]
    fn a_name_alone_or_two_distinct_triggers_match() {
        let items = [
            def(
                "superpowers:brainstorming",
                &[
                    "superpowers:brainstorming",
                    "brainstorming",
                    "creative work",
                    "design",
                ],
            ),
            def(
                "pdf-tools",
                &["pdf-tools", "pdf tools", "merge pdf", "split pdf"],
            ),
        ];
        let m = Matcher::new(&items);
        let hit = |p: &str| m.matches(p).iter().map(|h| h.item).collect::<Vec<_>>();
        assert_eq!(hit("Let's do some Brainstorming first"), [0]);
        assert_eq!(hit("creative work on the design"), [0]);
        assert_eq!(
            hit("creative work only"),
            Vec::<usize>::new(),
            "one trigger"
        );
        assert_eq!(
            hit("creative work, creative work"),
            Vec::<usize>::new(),
            "not distinct"
        );
        assert_eq!(hit("brainstormings"), Vec::<usize>::new(), "word boundary");
        assert_eq!(hit("merge pdf then split pdf"), [1]);
        assert_eq!(hit("use PDF tools"), [1]);
        let hits = m.matches("design some creative work");
        assert_eq!(hits[0].triggers, ["creative work", "design"]);
    }

    #[test]
    fn no_items_no_matches() {
        assert!(Matcher::new(&[]).matches("anything").is_empty());
    }
}
