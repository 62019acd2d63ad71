//! Occasions and missed opportunities: every request the detector says calls for an
//! available item, and among them those where no item of that purpose ran in the session.
//!
//! Available means installed: the session's own skill listing when it has one (Claude Code
//! writes it from 2.1.x on), else the catalog; skills and agents the user ran are installed
//! too, even when the catalog does not hold their definitions (a plugin elsewhere).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rayon::prelude::*;

use super::detector::{Detector, Flag, History, Precedent, Prepared, Signal, Terms, short_key};
use super::prompt::PromptKind;
use super::{Catalog, Definition, DefinitionKind, example_text};
use crate::model::facts::{CallKind, FileFacts, Millis, Prompt, SessionId, to_datetime};
pub use crate::model::names::same_name;
use crate::model::snapshot::{ItemKind, MissedExample, MissedOpportunity};

/// Examples kept per item (all of them with `--verbose`).
const EXAMPLES: usize = 5;
/// Requests for the same item this close together are one thread: one occasion.
const THREAD_MS: Millis = 20 * 60 * 1000;

/// An item run in a session: a `Skill` or `Task`/`Agent` call, a skill body loaded (typed
/// or chosen), an `attributionSkill`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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
    pub listings: Listings,
}

impl<'a> Sessions<'a> {
    /// Runs and listings of the sessions `keep` accepts, from the facts of every file.
    pub fn from_facts(files: &[&'a FileFacts], keep: &dyn Fn(&str) -> bool) -> Sessions<'a> {
        let mut s = Sessions {
            runs: runs(files, keep),
            listings: Listings::from_facts(files, keep),
        };
        s.runs.sort();
        s.runs.dedup();
        s
    }
}

/// The runs of the sessions `keep` accepts, unsorted.
pub fn runs<'a>(files: &[&'a FileFacts], keep: &dyn Fn(&str) -> bool) -> Vec<Run<'a>> {
    let mut runs = Vec::new();
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
                runs.push(Run {
                    session: &c.session,
                    ts: c.ts,
                    name: n,
                    agent: matches!(c.kind, CallKind::Agent(_)),
                });
            }
        }
        for k in f.skills_seen.iter().filter(|k| keep(&k.session)) {
            runs.push(Run {
                session: &k.session,
                ts: k.ts,
                name: &k.name,
                agent: false,
            });
        }
    }
    runs
}

/// A prompt or a run, in the order the sweep takes them: by time, a prompt before a run of
/// the same moment (the run followed it), then by session and text.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    Prompt(&'a Prompt),
    Run(Run<'a>),
}

/// Where the sweep stopped: the key of the last event it took.
pub type Mark = (Millis, u8, String, String, bool);

impl<'a> Event<'a> {
    pub fn key(&self) -> (Millis, u8, &'a str, &'a str, bool) {
        match *self {
            Event::Prompt(p) => (p.ts, 0, &p.session, &p.text, false),
            Event::Run(r) => (r.ts, 1, r.session, r.name, r.agent),
        }
    }

    /// Comes after `mark` in the sweep's order.
    pub fn after(&self, mark: &Mark) -> bool {
        let (ts, kind, session, text, agent) = self.key();
        (ts, kind, session, text, agent) > (mark.0, mark.1, &*mark.2, &*mark.3, mark.4)
    }

    fn mark(&self) -> Mark {
        let (ts, kind, session, text, agent) = self.key();
        (ts, kind, session.to_string(), text.to_string(), agent)
    }
}

/// The events of `prompts` and `runs`, sorted and once each.
pub fn events<'a>(prompts: &[&'a Prompt], runs: &[Run<'a>]) -> Vec<Event<'a>> {
    let mut v: Vec<Event> = prompts.iter().map(|p| Event::Prompt(p)).collect();
    v.extend(runs.iter().map(|r| Event::Run(*r)));
    v.sort_unstable_by(|a, b| a.key().cmp(&b.key()));
    v.dedup_by(|a, b| a.key() == b.key());
    v
}

/// What the sessions listed: per session the skills it could use, and a description of
/// each skill listed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Listings {
    pub sessions: HashMap<SessionId, HashSet<String>>,
    pub listed: BTreeMap<String, String>,
}

impl Listings {
    /// The listings of the sessions `keep` accepts in `files`.
    pub fn from_facts(files: &[&FileFacts], keep: &dyn Fn(&str) -> bool) -> Listings {
        let mut out = Listings::default();
        for l in files.iter().flat_map(|f| &f.listings) {
            if !keep(&l.session) {
                continue;
            }
            let names = out.sessions.entry(l.session.clone()).or_default();
            for (name, description) in &l.skills {
                names.insert(name.clone());
                // Sessions may list one skill with different descriptions (it was edited):
                // keep one whatever the order files are read in, the longest.
                match out.listed.get_mut(name) {
                    Some(d) => {
                        if (description.len(), description) > (d.len(), &*d) {
                            d.clone_from(description);
                        }
                    }
                    None => {
                        out.listed.insert(name.clone(), description.clone());
                    }
                }
            }
        }
        out
    }
}

/// Every request judged in time order, each against the user's history before it: a new
/// request or run is taken alone and leaves the earlier judgements as they were. Changes
/// that could move an earlier judgement (a new item, a listing changed after its session's
/// requests were judged) need a sweep from the start: see `adopt` and `Sweep::new`.
pub struct Sweep {
    /// The items sessions listed or ran that the catalog lacks; the detector extended with
    /// them when there are any.
    extra: Vec<Definition>,
    extended: Option<Detector>,
    /// Per item: available to a session without a listing of its own (in the catalog, or
    /// run somewhere).
    default_available: Vec<bool>,
    /// Per session with a listing: the items available to it.
    listed: HashMap<SessionId, Vec<bool>>,
    /// Each session's listing as adopted.
    listings: Listings,
    /// The names run anywhere, and whether as an agent (what makes an item available
    /// where a session has no listing): given at the start, grown by `adopt`.
    names: BTreeSet<(String, bool)>,
    history: History,
    /// Per session, by its number in `trails`.
    trail_of: HashMap<SessionId, u32>,
    trails: Vec<Trail>,
    /// Requests already taken as precedents of an item: (item, session's trail, time).
    precedents: HashSet<(usize, u32, Millis)>,
    last: Option<Mark>,
    /// Requests that call for an item, in the sweep's order.
    flagged: Vec<Flagged>,
}

/// The detector a sweep judges with: the catalog's, or the one `extended` with the items
/// it lacks (a free function: the sweep's other fields are borrowed beside it).
fn judging<'d>(extended: &'d Option<Detector>, catalog: &'d Catalog) -> &'d Detector {
    extended.as_ref().unwrap_or(&catalog.detector)
}

/// Session `id`'s number in `trails`, a new trail when it has none.
fn number(trail_of: &mut HashMap<SessionId, u32>, trails: &mut Vec<Trail>, id: &str) -> u32 {
    if let Some(&t) = trail_of.get(id) {
        return t;
    }
    trails.push(Trail::default());
    let t = (trails.len() - 1) as u32;
    trail_of.insert(id.into(), t);
    t
}

/// A request that calls for an item.
pub struct Flagged {
    pub prompt: Prompt,
    /// Its session's number in the sweep's trails.
    trail: u32,
    pub flags: Vec<Flag>,
}

/// What the sweep keeps of a session.
#[derive(Default)]
struct Trail {
    /// Its last request: time, typed by the human, text and terms.
    last: Option<(Millis, bool, String, Terms)>,
    /// Names it ran, once each, and which items they cover (filled when asked).
    runs: Vec<String>,
    covers: HashMap<usize, bool>,
    /// Requests judged.
    judged: u32,
}

impl Sweep {
    /// A sweep over nothing yet, for the sessions' `listings` and the `names` they run.
    pub fn new(catalog: &Catalog, listings: Listings, names: BTreeSet<(String, bool)>) -> Sweep {
        let extra = catalog.extra_items(&listings.listed, &names);
        let extended = (!extra.is_empty()).then(|| {
            let mut all = catalog.detector.items.clone();
            all.extend(extra.iter().cloned());
            Detector::new(&all)
        });
        let mut s = Sweep {
            extra,
            extended,
            default_available: Vec::new(),
            listed: HashMap::default(),
            listings: Listings::default(),
            names,
            history: History::default(),
            trail_of: HashMap::default(),
            trails: Vec::new(),
            precedents: HashSet::default(),
            last: None,
            flagged: Vec::new(),
        };
        s.default_available = s.default_available(catalog, &s.names);
        s.listed = listings
            .sessions
            .iter()
            .map(|(id, names)| (id.clone(), s.available_in(catalog, names)))
            .collect();
        s.listings = listings;
        s
    }

    fn detector<'d>(&'d self, catalog: &'d Catalog) -> &'d Detector {
        judging(&self.extended, catalog)
    }

    /// Availability where a session has no listing: the catalog's items and those run.
    fn default_available(&self, catalog: &Catalog, names: &BTreeSet<(String, bool)>) -> Vec<bool> {
        let d = self.detector(catalog);
        let mut v = vec![false; d.items.len()];
        for a in v.iter_mut().take(catalog.detector.items.len()) {
            *a = true;
        }
        for (n, _) in names {
            for &i in d.items_named(n) {
                v[i] = true;
            }
        }
        v
    }

    /// Availability in a session that listed `names`: those, and every agent (agents are
    /// never listed).
    fn available_in(&self, catalog: &Catalog, names: &HashSet<String>) -> Vec<bool> {
        let d = self.detector(catalog);
        let mut v: Vec<bool> = d
            .items
            .iter()
            .map(|x| x.kind == DefinitionKind::Agent)
            .collect();
        for n in names {
            for &i in d.items_named(n) {
                v[i] = true;
            }
        }
        v
    }

    /// Whether a request of session `id` was judged.
    fn judged_in(&self, id: &str) -> bool {
        let trail = self.trail_of.get(id).map(|&t| &self.trails[t as usize]);
        trail.is_some_and(|t| t.judged > 0)
    }

    /// Where the sweep stopped.
    pub fn last(&self) -> Option<&Mark> {
        self.last.as_ref()
    }

    /// Takes the new `listings` and the names `runs` bring, if no request judged so far
    /// would be judged otherwise; false when the sweep must start again.
    pub fn adopt(&mut self, catalog: &Catalog, listings: Option<Listings>, runs: &[Run]) -> bool {
        let known = |r: &Run| self.names.iter().any(|(n, a)| n == r.name && *a == r.agent);
        if listings.is_none() && runs.iter().all(known) {
            return true;
        }
        let mut names = self.names.clone();
        names.extend(runs.iter().map(|r| (r.name.to_string(), r.agent)));
        let listings = listings.unwrap_or_else(|| self.listings.clone());
        if names == self.names && listings == self.listings {
            return true;
        }
        if catalog.extra_items(&listings.listed, &names) != self.extra
            || self.default_available(catalog, &names) != self.default_available
        {
            return false;
        }
        for (id, ls) in &listings.sessions {
            if self.listings.sessions.get(id) != Some(ls) {
                if self.judged_in(id) {
                    return false;
                }
                let v = self.available_in(catalog, ls);
                self.listed.insert(id.clone(), v);
            }
        }
        for id in self.listings.sessions.keys() {
            if !listings.sessions.contains_key(id) {
                if self.judged_in(id) {
                    return false;
                }
                self.listed.remove(id);
            }
        }
        self.names = names;
        self.listings = listings;
        true
    }

    /// Takes `events` (sorted, all after where the sweep stopped): each request is judged
    /// against the history before it, then counted into it. True when the occasions may
    /// read otherwise: a request was flagged, or a session ran a name new to it.
    pub fn feed(&mut self, catalog: &Catalog, events: &[Event]) -> bool {
        debug_assert!(
            events
                .first()
                .is_none_or(|e| self.last.as_ref().is_none_or(|m| e.after(m)))
        );
        let Sweep {
            extended,
            default_available,
            listed,
            history,
            trail_of,
            trails,
            precedents,
            last,
            flagged,
            ..
        } = self;
        let d = judging(extended, catalog);
        // Reading a request is the costly part and needs no history: on every core first.
        let read: Vec<Option<Prepared>> = events
            .par_iter()
            .map(|e| match e {
                Event::Prompt(p) => Some(d.prepare(&p.text)),
                Event::Run(_) => None,
            })
            .collect();
        // In order: each request counted and each run recorded, numbered so the history as
        // it stood at each request can be read back.
        let mut todo: Vec<(&Prompt, Prepared, u32, u32)> = Vec::new();
        let mut changed = false;
        for (e, pr) in events.iter().zip(read) {
            match (e, pr) {
                (Event::Prompt(p), Some(pr)) => {
                    let (at, terms) = history.count(&pr.stems);
                    let t = number(trail_of, trails, &p.session);
                    let trail = &mut trails[t as usize];
                    trail.judged += 1;
                    let typed = pr.split.kind == PromptKind::Typed;
                    let request = if typed {
                        pr.split.request.clone()
                    } else {
                        String::new()
                    };
                    trail.last = Some((p.ts, typed, request, terms));
                    todo.push((p, pr, at, t));
                }
                (Event::Run(r), _) => {
                    let items = d.items_named(r.name);
                    for &i in items {
                        history.run(i);
                    }
                    let t = number(trail_of, trails, r.session);
                    let trail = &mut trails[t as usize];
                    if !trail.runs.iter().any(|n| n == r.name) {
                        trail.runs.push(r.name.to_string());
                        trail.covers.clear();
                        changed = true;
                    }
                    // The request after which it ran: the session's last, if typed.
                    if let Some((ts, true, request, terms)) = &trail.last {
                        for &i in items {
                            if precedents.insert((i, t, *ts)) {
                                let key = (r.session.to_string(), *ts);
                                let text = request.clone();
                                history.precede(Precedent { item: i, key, text }, terms.clone());
                            }
                        }
                    }
                }
                (Event::Prompt(_), None) => {}
            }
        }
        if let Some(e) = events.last() {
            *last = Some(e.mark());
        }
        // Then every request judged against the history as it stood then, on every core.
        let history = &*history;
        let judged: Vec<Vec<Flag>> = todo
            .par_iter()
            .map(|(p, pr, at, _)| {
                let avail = listed.get(&p.session).unwrap_or(default_available);
                let at = history.at(*at);
                d.judge_prepared(pr, (&p.session, p.ts), &|i| avail[i], at)
                    .flags
            })
            .collect();
        for ((p, _, _, trail), flags) in todo.iter().zip(judged) {
            if !flags.is_empty() {
                flagged.push(Flagged {
                    prompt: (*p).clone(),
                    trail: *trail,
                    flags,
                });
                changed = true;
            }
        }
        changed
    }

    /// The flagged requests at `span` (see [`Sweep::span`]) that `keep` accepts, as
    /// occasions: follow-ups for the same item within 20 minutes are one, and each says
    /// whether its session ran an item of that purpose.
    pub fn occasions<'s>(
        &'s mut self,
        catalog: &'s Catalog,
        span: Range<usize>,
        keep: &dyn Fn(&Prompt) -> bool,
    ) -> Vec<Occasion<'s>> {
        let mut out = Vec::new();
        self.each_occasion(catalog, span, keep, |p, flag, item, covered| {
            out.push(Occasion {
                prompt: p,
                item: item.name.clone(),
                kind: item.kind,
                flag: flag.clone(),
                covered,
            });
        });
        out
    }

    /// The missed opportunities among the occasions at `span` that `keep` accepts (see
    /// [`Sweep::occasions`] and [`Catalog::missed`]).
    pub fn missed(
        &mut self,
        catalog: &Catalog,
        span: Range<usize>,
        keep: &dyn Fn(&Prompt) -> bool,
        redact: bool,
        all_examples: bool,
    ) -> Vec<MissedOpportunity> {
        let mut by_item = ByItem::new(redact, all_examples);
        self.each_occasion(catalog, span, keep, |p, flag, item, covered| {
            if !covered {
                by_item.take(&item.name, item.kind, p, flag);
            }
        });
        by_item.done()
    }

    /// Each occasion at `span` that `keep` accepts, in order: its request, flag, item, and
    /// whether the session covered it.
    fn each_occasion<'s>(
        &'s mut self,
        catalog: &'s Catalog,
        span: Range<usize>,
        keep: &dyn Fn(&Prompt) -> bool,
        mut f: impl FnMut(&'s Prompt, &'s Flag, &'s Definition, bool),
    ) {
        let Sweep {
            extended,
            trails,
            flagged,
            ..
        } = self;
        let d = judging(extended, catalog);
        // The last flag of each item in each session: a follow-up within the same thread
        // is the same occasion.
        let mut last: HashMap<(u32, usize), Millis> = HashMap::default();
        for fl in flagged[span].iter().filter(|f| keep(&f.prompt)) {
            let p = &fl.prompt;
            for flag in &fl.flags {
                let before = last.insert((fl.trail, flag.item), p.ts);
                if before.is_some_and(|t| p.ts - t < THREAD_MS) {
                    continue;
                }
                let t = &mut trails[fl.trail as usize];
                let runs = &t.runs;
                let covered = *t
                    .covers
                    .entry(flag.item)
                    .or_insert_with(|| runs.iter().any(|n| d.covers(n, flag.item)));
                f(p, flag, &d.items[flag.item], covered);
            }
        }
    }

    /// Where the flagged requests from `start` to before `end` are.
    pub fn span(&self, start: Millis, end: Millis) -> Range<usize> {
        let at = |t: Millis| self.flagged.partition_point(|f| f.prompt.ts < t);
        at(start)..at(end).max(at(start))
    }
}

impl Catalog {
    /// Every request among `prompts` that calls for an available item, each judged against
    /// the history before it; follow-ups for the same item within 20 minutes are one
    /// occasion.
    pub fn occasions<'p>(&self, prompts: &[&'p Prompt], sessions: &Sessions) -> Vec<Occasion<'p>> {
        let names = sessions
            .runs
            .iter()
            .map(|r| (r.name.to_string(), r.agent))
            .collect();
        let mut sweep = Sweep::new(self, sessions.listings.clone(), names);
        sweep.feed(self, &events(prompts, &sessions.runs));
        let all = sweep.span(Millis::MIN, Millis::MAX);
        let by_key: HashMap<(Millis, &str, &str), &'p Prompt> = prompts
            .iter()
            .map(|p| ((p.ts, &*p.session, p.text.as_str()), *p))
            .collect();
        sweep
            .occasions(self, all, &|_| true)
            .into_iter()
            .map(|o| Occasion {
                prompt: by_key[&(o.prompt.ts, &*o.prompt.session, o.prompt.text.as_str())],
                ..o
            })
            .collect()
    }

    /// Skills listed by sessions, and skills and agents run, that the catalog lacks.
    fn extra_items(
        &self,
        listed: &BTreeMap<String, String>,
        names: &BTreeSet<(String, bool)>,
    ) -> Vec<Definition> {
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
        for (name, description) in listed {
            add(name, DefinitionKind::Skill, description);
        }
        for (name, agent) in names {
            let kind = if *agent {
                DefinitionKind::Agent
            } else {
                DefinitionKind::Skill
            };
            add(name, kind, "");
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
        let mut by_item = ByItem::new(redact, all_examples);
        for o in occasions.iter().filter(|o| !o.covered) {
            by_item.take(&o.item, o.kind, o.prompt, &o.flag);
        }
        by_item.done()
    }
}

/// Missed opportunities gathered per item.
struct ByItem<'a> {
    items: HashMap<&'a str, MissedOpportunity>,
    redact: bool,
    all_examples: bool,
}

impl<'a> ByItem<'a> {
    fn new(redact: bool, all_examples: bool) -> Self {
        ByItem {
            items: HashMap::default(),
            redact,
            all_examples,
        }
    }

    /// An occasion its session did not cover.
    fn take(&mut self, item: &'a str, kind: DefinitionKind, prompt: &Prompt, flag: &Flag) {
        let m = self.items.entry(item).or_insert_with(|| MissedOpportunity {
            item: item.to_string(),
            kind: match kind {
                DefinitionKind::Agent => ItemKind::Agent,
                _ => ItemKind::Skill,
            },
            count: 0,
            examples: Vec::new(),
        });
        m.count += 1;
        if self.all_examples || m.examples.len() < EXAMPLES {
            m.examples.push(example(prompt, flag, self.redact));
        }
    }

    /// Most first, then by name.
    fn done(self) -> Vec<MissedOpportunity> {
        let mut out: Vec<MissedOpportunity> = self.items.into_values().collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then(a.item.cmp(&b.item)));
        out
    }
}

fn example(prompt: &Prompt, flag: &Flag, redact: bool) -> MissedExample {
    MissedExample {
        session: prompt.session.to_string(),
        prompt: example_text(&prompt.text, redact),
        triggers: flag.words.clone(),
        timestamp: Some(to_datetime(prompt.ts).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        score: Some((flag.score * 100.0).round() / 100.0),
        evidence: Some(match &flag.signal {
            Signal::Named => "asked for by name".to_string(),
            Signal::Purpose(p) => format!("asks for {p}"),
            Signal::History => "like an earlier request after which it ran".to_string(),
        }),
        nearest: flag.nearest.as_deref().map(|t| example_text(t, redact)),
        // Filled by the store, which knows the sessions' projects.
        project: None,
    }
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
            assert_eq!(
                s.listings.listed.get("x").map(String::as_str),
                Some("the longer one")
            );
        }
    }

    fn prompt(session: &str, ts: Millis, text: &str) -> Prompt {
        Prompt {
            session: session.into(),
            ts,
            text: text.into(),
        }
    }

    fn run<'a>(session: &'a str, ts: Millis, name: &'a str) -> Run<'a> {
        Run {
            session,
            ts,
            name,
            agent: false,
        }
    }

    fn fixture_catalog() -> Catalog {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalog");
        Catalog::load(&[dir], None, &Default::default())
    }

    type Said = Vec<(String, Millis, bool, String)>;

    fn said(o: &[Occasion]) -> Said {
        o.iter()
            .map(|o| {
                let signal = format!("{:?} {:?}", o.flag.signal, o.flag.nearest);
                (o.item.clone(), o.prompt.ts, o.covered, signal)
            })
            .collect()
    }

    /// A sweep fed in steps says what one fed everything at once says, as runs make
    /// history, a session lists a skill the catalog lacks, and a run names an item first.
    #[test]
    fn a_sweep_fed_in_steps_judges_as_one_fed_at_once() {
        let catalog = fixture_catalog();
        let prompts = [
            prompt("a", 1, "go through the rabbit remarks on the export pr"),
            prompt("b", 10, "go through the rabbit remarks on the import pr"),
            prompt("c", 20, "go through the rabbit remarks on the docs pr"),
            prompt("d", 30, "please review my last change for bugs"),
            prompt("e", 40, "can you write a changelog entry for this release"),
            prompt("f", 50, "go through the rabbit remarks on the api pr"),
        ];
        let runs = [
            run("a", 2, "receiving-code-review"),
            run("b", 11, "receiving-code-review"),
            run("d", 31, "release-notes"),
        ];
        let listing = Listings::from_facts(
            &[&FileFacts {
                listings: vec![SkillListing {
                    session: "e".into(),
                    skills: vec![(
                        "release-notes".into(),
                        "Write release notes and changelog entries for a release".into(),
                    )],
                }],
                ..FileFacts::default()
            }],
            &|_| true,
        );
        let refs: Vec<&Prompt> = prompts.iter().collect();
        let all = events(&refs, &runs);
        let names = |events: &[Event]| -> BTreeSet<(String, bool)> {
            events
                .iter()
                .filter_map(|e| match e {
                    Event::Run(r) => Some((r.name.to_string(), r.agent)),
                    Event::Prompt(_) => None,
                })
                .collect()
        };
        let mut restarts = 0;
        for cut in 0..=all.len() {
            let fresh = {
                let mut s = Sweep::new(&catalog, listing.clone(), names(&all));
                s.feed(&catalog, &all);
                let span = s.span(Millis::MIN, Millis::MAX);
                said(&s.occasions(&catalog, span, &|_| true))
            };
            let mut s = Sweep::new(&catalog, listing.clone(), names(&all[..cut]));
            s.feed(&catalog, &all[..cut]);
            let rest: Vec<Run> = all[cut..]
                .iter()
                .filter_map(|e| match e {
                    Event::Run(r) => Some(*r),
                    Event::Prompt(_) => None,
                })
                .collect();
            if !s.adopt(&catalog, None, &rest) {
                restarts += 1;
                s = Sweep::new(&catalog, listing.clone(), names(&all));
                s.feed(&catalog, &all[..cut]);
            }
            s.feed(&catalog, &all[cut..]);
            let span = s.span(Millis::MIN, Millis::MAX);
            assert_eq!(
                said(&s.occasions(&catalog, span, &|_| true)),
                fresh,
                "cut {cut}"
            );
        }
        // A name first run that the catalog lacks makes its item available everywhere:
        // only then does the sweep start again.
        let first = all
            .iter()
            .position(|e| matches!(e, Event::Run(r) if r.name == "release-notes"));
        assert_eq!(Some(restarts), first.map(|i| i + 1));
    }

    /// A request is judged against what came before it: history that comes later does not
    /// make it an occasion, and a request the history speaks for is one.
    #[test]
    fn a_request_is_judged_by_what_came_before_it() {
        let catalog = fixture_catalog();
        // Rare words are what make two requests alike: many other requests first.
        let mut prompts: Vec<Prompt> = (0..80)
            .map(|i| {
                prompt(
                    &format!("f{i}"),
                    2 + i,
                    &format!("filler number {i} on topic{i}"),
                )
            })
            .collect();
        prompts.extend([
            prompt("a", 1, "go through the rabbit remarks on the export pr"),
            prompt("b", 100, "go through the rabbit remarks on the import pr"),
            prompt("c", 200, "go through the rabbit remarks on the docs pr"),
            prompt("d", 300, "go through the rabbit remarks on the api pr"),
        ]);
        prompts.sort_by_key(|p| p.ts);
        let runs = [
            run("b", 101, "receiving-code-review"),
            run("c", 201, "receiving-code-review"),
        ];
        let refs: Vec<&Prompt> = prompts.iter().collect();
        let files = FileFacts::default();
        let mut sessions = Sessions::from_facts(&[&files], &|_| true);
        sessions.runs = runs.to_vec();
        let flagged: Vec<(Millis, Signal)> = catalog
            .occasions(&refs, &sessions)
            .iter()
            .map(|o| (o.prompt.ts, o.flag.signal.clone()))
            .collect();
        assert_eq!(flagged, [(300, Signal::History)]);
    }
}
