//! Occasions and missed opportunities: every request the detector says calls for an
//! available item, and among them those where no item of that purpose ran in the session.
//!
//! Available means installed: the session's own skill listing when it has one (Claude Code
//! writes it from 2.1.x on), else the catalog; skills and agents the user ran are installed
//! too, even when the catalog does not hold their definitions (a plugin elsewhere).

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rayon::prelude::*;

use super::detector::{Detector, Flag, Judgement, Precedent, Prepared, Signal, short_key};
use super::prompt::PromptKind;
use super::{Catalog, Definition, DefinitionKind, example_text};
use crate::model::facts::{CallKind, FileFacts, Millis, Prompt, to_datetime};
pub use crate::model::names::same_name;
use crate::model::snapshot::{ItemKind, MissedExample, MissedOpportunity};

/// Examples kept per item (all of them with `--verbose`).
const EXAMPLES: usize = 5;
/// Requests for the same item this close together are one thread: one occasion.
const THREAD_MS: Millis = 20 * 60 * 1000;

/// An item run in a session: a `Skill` or `Task`/`Agent` call, a skill body loaded (typed
/// or chosen), an `attributionSkill`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Run<'a> {
    pub session: &'a str,
    pub ts: Millis,
    pub name: &'a str,
    pub agent: bool,
}

/// A request that called for an item.
#[derive(Debug, Clone)]
pub struct Occasion<'p> {
    pub prompt: &'p Prompt,
    /// The item as installed (`plugin:name` for plugin items).
    pub item: String,
    pub kind: DefinitionKind,
    pub flag: Flag,
    /// The item, or one of the same purpose, ran in the session.
    pub covered: bool,
}

/// What the catalog needs of the sessions: their runs and their own skill listings.
#[derive(Debug, Default)]
pub struct Sessions<'a> {
    /// Sorted by session, then time.
    pub runs: Vec<Run<'a>>,
    /// Skills a session listed as available (`skill_listing`), when it did.
    pub listings: HashMap<&'a str, HashSet<&'a str>>,
    /// Descriptions of listed skills, by name.
    pub listed: BTreeMap<&'a str, &'a str>,
}

impl<'a> Sessions<'a> {
    /// Runs and listings of the sessions `keep` accepts, from the facts of every file.
    pub fn from_facts(files: &[&'a FileFacts], keep: &dyn Fn(&str) -> bool) -> Sessions<'a> {
        let mut s = Sessions::default();
        // A file none of whose sessions is kept holds nothing kept: skipped whole, without
        // looking at each of its facts.
        for f in files
            .iter()
            .filter(|f| f.sessions.is_empty() || f.sessions.keys().any(|id| keep(id)))
        {
            // The kind first: most calls are plain, and `keep` is a look-up.
            for c in &f.calls {
                if let CallKind::Skill(n) | CallKind::Agent(n) = &c.kind
                    && !n.is_empty()
                    && keep(&c.session)
                {
                    s.runs.push(Run {
                        session: &c.session,
                        ts: c.ts,
                        name: n,
                        agent: matches!(c.kind, CallKind::Agent(_)),
                    });
                }
            }
            for k in f.skills_seen.iter().filter(|k| keep(&k.session)) {
                s.runs.push(Run {
                    session: &k.session,
                    ts: k.ts,
                    name: &k.name,
                    agent: false,
                });
            }
            for l in f.listings.iter().filter(|l| keep(&l.session)) {
                let names = s.listings.entry(&*l.session).or_default();
                for (name, description) in &l.skills {
                    names.insert(name);
                    // Sessions may list one skill with different descriptions (it was
                    // edited): keep one whatever the order files are read in, the longest.
                    s.listed
                        .entry(name)
                        .and_modify(|d| {
                            if (description.len(), description.as_str()) > (d.len(), *d) {
                                *d = description;
                            }
                        })
                        .or_insert(description);
                }
            }
        }
        s.runs.sort();
        s.runs.dedup();
        s
    }
}

/// What `occasions_with` keeps from one call to the next of one catalog: the detector
/// extended with the items sessions ran or listed that the catalog lacks, and each prompt as
/// that detector read it. A new prompt is then read alone; the judging still weighs each
/// prompt against the whole history, which a new prompt changes.
#[derive(Default)]
pub struct Reading {
    extra: Vec<Definition>,
    extended: Option<Detector>,
    prepared: HashMap<String, Prepared>,
}

impl Reading {
    /// The detector for the catalog's `base` and the `extra` items, and each prompt as it
    /// reads it (read again only when `extra` changed).
    fn read<'r>(
        &'r mut self,
        base: &'r Detector,
        extra: Vec<Definition>,
        prompts: &[&Prompt],
    ) -> (&'r Detector, Vec<&'r Prepared>) {
        // `extended` is set with `extra`: it is there whenever `extra` is not empty.
        if extra != self.extra {
            self.extended = (!extra.is_empty()).then(|| {
                let mut all = base.items.clone();
                all.extend(extra.iter().cloned());
                Detector::new(&all)
            });
            self.extra = extra;
            self.prepared.clear();
        }
        let d = self.extended.as_ref().unwrap_or(base);
        // Each prompt not read before is read once, on every core.
        let mut unread: Vec<&str> = prompts
            .iter()
            .map(|p| p.text.as_str())
            .filter(|t| !self.prepared.contains_key(*t))
            .collect();
        unread.sort_unstable();
        unread.dedup();
        let read: Vec<Prepared> = unread.par_iter().map(|t| d.prepare(t)).collect();
        for (text, p) in unread.into_iter().zip(read) {
            self.prepared.insert(text.to_string(), p);
        }
        let texts: HashSet<&str> = prompts.iter().map(|p| p.text.as_str()).collect();
        self.prepared.retain(|t, _| texts.contains(t.as_str()));
        let prepared = prompts.iter().map(|p| &self.prepared[&p.text]).collect();
        (d, prepared)
    }
}

impl Catalog {
    /// Every request among `prompts` (sorted by time) that calls for an available item;
    /// follow-ups for the same item within 20 minutes are one occasion.
    pub fn occasions<'p>(&self, prompts: &[&'p Prompt], sessions: &Sessions) -> Vec<Occasion<'p>> {
        self.occasions_with(prompts, sessions, &mut Reading::default())
    }

    /// `occasions`, keeping what it read in `reading` for the next call (of this catalog).
    pub fn occasions_with<'p>(
        &self,
        prompts: &[&'p Prompt],
        sessions: &Sessions,
        reading: &mut Reading,
    ) -> Vec<Occasion<'p>> {
        let (d, prepared) = reading.read(&self.detector, self.extra_items(sessions), prompts);
        let in_catalog = self.detector.items.len();
        // Runs are many (every `Skill` and agent call on record) and their names few.
        let mut named: HashMap<&str, &[usize]> = HashMap::default();
        for r in &sessions.runs {
            named.entry(r.name).or_insert_with(|| d.items_named(r.name));
        }
        let mut history = d.history_of(
            precedents(prompts, &prepared, &sessions.runs, &named),
            prepared.iter().map(|p| p.stems.as_slice()),
        );
        for r in &sessions.runs {
            for &i in named[r.name] {
                *history.ran.entry(i).or_default() += 1;
            }
        }
        let mut used: HashMap<&str, Vec<&str>> = HashMap::default();
        for r in &sessions.runs {
            used.entry(r.session).or_default().push(r.name);
        }
        // Availability per item: in the catalog or run somewhere (sessions without a
        // listing), or in the session's own listing; agents are never listed.
        let mut default_available = vec![false; d.items.len()];
        for a in default_available.iter_mut().take(in_catalog) {
            *a = true;
        }
        for r in &sessions.runs {
            for &i in named[r.name] {
                default_available[i] = true;
            }
        }
        let agents: Vec<bool> = d
            .items
            .iter()
            .map(|x| x.kind == DefinitionKind::Agent)
            .collect();
        let mut per_session: HashMap<&str, Vec<bool>> = HashMap::default();
        for p in prompts {
            per_session.entry(&*p.session).or_insert_with(|| {
                match sessions.listings.get(&*p.session) {
                    None => default_available.clone(),
                    Some(listing) => {
                        let mut v = agents.clone();
                        for n in listing {
                            for &i in d.items_named(n) {
                                v[i] = true;
                            }
                        }
                        v
                    }
                }
            });
        }
        let judgements: Vec<Judgement> = prompts
            .par_iter()
            .zip(&prepared)
            .map(|(p, pr)| {
                let avail = &per_session[&*p.session];
                d.judge_prepared(pr, (&p.session, p.ts), &|i| avail[i], &history)
            })
            .collect();
        // The last flag of each item in each session: a follow-up within the same thread
        // is the same occasion.
        let mut flagged: HashMap<(&str, usize), Millis> = HashMap::default();
        let mut out = Vec::new();
        for (p, j) in prompts.iter().zip(judgements) {
            for flag in j.flags {
                let last = flagged.insert((&*p.session, flag.item), p.ts);
                if last.is_some_and(|t| p.ts - t < THREAD_MS) {
                    continue;
                }
                let covered = used
                    .get(&*p.session)
                    .is_some_and(|names| names.iter().any(|n| d.covers(n, flag.item)));
                out.push(Occasion {
                    prompt: p,
                    item: d.items[flag.item].name.clone(),
                    kind: d.items[flag.item].kind,
                    flag,
                    covered,
                });
            }
        }
        out
    }

    /// Skills listed by sessions, and skills and agents run, that the catalog lacks.
    fn extra_items(&self, sessions: &Sessions) -> Vec<Definition> {
        let known = |n: &str| !self.detector.items_named(n).is_empty();
        let mut extra: BTreeMap<String, Definition> = BTreeMap::new();
        let mut add = |name: &str, kind: DefinitionKind, description: &str| {
            if !known(name) && !extra.contains_key(&short_key(name)) {
                extra.insert(
                    short_key(name),
                    Definition {
                        name: name.to_string(),
                        kind,
                        description: description.to_string(),
                        triggers: Vec::new(),
                        path: Default::default(),
                    },
                );
            }
        };
        for (name, description) in &sessions.listed {
            add(name, DefinitionKind::Skill, description);
        }
        let mut once: HashSet<(&str, bool)> = HashSet::default();
        for r in sessions
            .runs
            .iter()
            .filter(|r| once.insert((r.name, r.agent)))
        {
            let kind = if r.agent {
                DefinitionKind::Agent
            } else {
                DefinitionKind::Skill
            };
            add(r.name, kind, "");
        }
        extra.into_values().collect()
    }

    /// Missed opportunities: occasions not covered, per item, most first; five examples
    /// each, or all of them with `all_examples`.
    pub fn missed(
        &self,
        occasions: &[Occasion],
        redact: bool,
        all_examples: bool,
    ) -> Vec<MissedOpportunity> {
        let mut by_item: BTreeMap<&str, MissedOpportunity> = BTreeMap::new();
        for o in occasions.iter().filter(|o| !o.covered) {
            let m = by_item
                .entry(o.item.as_str())
                .or_insert_with(|| MissedOpportunity {
                    item: o.item.clone(),
                    kind: match o.kind {
                        DefinitionKind::Agent => ItemKind::Agent,
                        _ => ItemKind::Skill,
                    },
                    count: 0,
                    examples: Vec::new(),
                });
            m.count += 1;
            if all_examples || m.examples.len() < EXAMPLES {
                m.examples.push(example(o, redact));
            }
        }
        let mut out: Vec<MissedOpportunity> = by_item.into_values().collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then(a.item.cmp(&b.item)));
        out
    }
}

fn example(o: &Occasion, redact: bool) -> MissedExample {
    MissedExample {
        session: o.prompt.session.to_string(),
        prompt: example_text(&o.prompt.text, redact),
        triggers: o.flag.words.clone(),
        timestamp: Some(
            to_datetime(o.prompt.ts).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ),
        score: Some((o.flag.score * 100.0).round() / 100.0),
        evidence: Some(match &o.flag.signal {
            Signal::Named => "asked for by name".to_string(),
            Signal::Purpose(p) => format!("asks for {p}"),
            Signal::History => "like an earlier request after which it ran".to_string(),
        }),
        nearest: o.flag.nearest.as_deref().map(|t| example_text(t, redact)),
        // Filled by the store, which knows the sessions' projects.
        project: None,
    }
}

/// The requests after which an item ran: for each run, the last prompt of its session
/// before it, if that prompt was typed by the human.
fn precedents(
    prompts: &[&Prompt],
    prepared: &[&Prepared],
    runs: &[Run],
    named: &HashMap<&str, &[usize]>,
) -> Vec<Precedent> {
    let mut by_session: HashMap<&str, Vec<(&Prompt, &Prepared)>> = HashMap::default();
    for (p, pr) in prompts.iter().zip(prepared) {
        by_session.entry(&*p.session).or_default().push((p, pr));
    }
    let mut seen: HashSet<(usize, &str, Millis)> = HashSet::default();
    let mut out = Vec::new();
    for r in runs {
        let Some(list) = by_session.get(r.session) else {
            continue;
        };
        let before = list.partition_point(|(p, _)| p.ts <= r.ts);
        let Some((p, pr)) = before.checked_sub(1).map(|i| list[i]) else {
            continue;
        };
        let split = &pr.split;
        if split.kind != PromptKind::Typed {
            continue;
        }
        for &i in named[r.name] {
            if seen.insert((i, &*p.session, p.ts)) {
                out.push(Precedent {
                    item: i,
                    key: (p.session.to_string(), p.ts),
                    text: split.request.clone(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::facts::SkillListing;

    fn listing(description: &str) -> FileFacts {
        FileFacts {
            listings: vec![SkillListing {
                session: "s".into(),
                skills: vec![("x".into(), description.into())],
            }],
            ..FileFacts::default()
        }
    }

    /// One skill listed with two descriptions keeps the same one whatever the file order
    /// (the store's files come in no set order).
    #[test]
    fn a_skill_listed_twice_keeps_one_description_in_any_order() {
        let (a, b) = (listing("short"), listing("the longer one"));
        for files in [[&a, &b], [&b, &a]] {
            let s = Sessions::from_facts(&files, &|_| true);
            assert_eq!(s.listed.get("x"), Some(&"the longer one"));
        }
    }

    fn prompt(session: &str, ts: Millis, text: &str) -> Prompt {
        Prompt {
            session: session.into(),
            ts,
            text: text.into(),
        }
    }

    /// A kept reading gives what a fresh one gives, as prompts come and go and as the
    /// sessions list a skill the catalog lacks (the detector is extended and the prompts
    /// read again).
    #[test]
    fn a_kept_reading_judges_as_a_fresh_one() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalog");
        let catalog = Catalog::load(&[dir], None, &Default::default());
        let prompts = [
            prompt("s", 1, "please review my last change for bugs"),
            prompt("s", 2, "can you write a changelog entry for this release"),
            prompt("t", 3, "review the diff before I merge it"),
        ];
        let listed = FileFacts {
            listings: vec![SkillListing {
                session: "t".into(),
                skills: vec![(
                    "release-notes".into(),
                    "Write release notes and changelog entries for a release".into(),
                )],
            }],
            ..FileFacts::default()
        };
        let plain = FileFacts::default();
        let mut reading = Reading::default();
        let mut flagged = 0;
        for (n, facts) in [
            (1, &plain),
            (3, &plain),
            (3, &listed),
            (2, &listed),
            (3, &plain),
        ] {
            let refs: Vec<&Prompt> = prompts[..n].iter().collect();
            let sessions = Sessions::from_facts(&[facts], &|_| true);
            let kept = catalog.occasions_with(&refs, &sessions, &mut reading);
            let fresh = catalog.occasions(&refs, &sessions);
            let key = |o: &[Occasion]| -> Vec<(String, Millis, bool)> {
                o.iter()
                    .map(|o| (o.item.clone(), o.prompt.ts, o.covered))
                    .collect()
            };
            assert_eq!(key(&kept), key(&fresh), "{n} prompts");
            flagged += kept.len();
        }
        assert!(flagged > 0, "the review prompts are occasions");
    }
}
