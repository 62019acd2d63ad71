//! Which installed item a human request calls for, with its evidence. Three signals, read
//! only from the request (never from pasted material):
//! - the item asked for by name ("use the brainstorming skill", "/writing-plans", "run the
//!   code-reviewer agent"), not a mention inside an identifier, a negation or a past report;
//! - a purpose the request asks for (see `intent`) that the item serves by its name or
//!   description;
//! - the user's own history: requests after which the item actually ran, compared word by
//!   word (TF-IDF cosine over stems).
//!
//! At most one item per request, unless two are asked for by name; a purpose-level match
//! needs a margin over a different purpose.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::intent::{self, Lexicon, PURPOSES, Word};
use super::prompt::{self, PromptKind};
use super::{Definition, DefinitionKind};
use crate::model::format::short_name;

/// Score at which a request calls for an item.
pub const THRESHOLD: f32 = 1.0;
/// A history match needs at least this cosine similarity.
const HISTORY_MIN: f32 = 0.5;
/// The best purpose must beat a different purpose's score by this much.
const MARGIN: f32 = 0.25;

/// Words before a name that ask for it.
const REQUEST_VERBS: [&str; 24] = [
    "use", "using", "run", "invoke", "with", "try", "apply", "call", "launch", "load", "start",
    "dispatch", "spawn", "ask", "have", "let", "via", "through", "activate", "trigger", "employ",
    "fire", "spin", "kick",
];

/// Words before "to use X" that make it a request ("I want you to use X").
const ASKING_BEFORE_TO: [&str; 12] = [
    "you", "want", "need", "remember", "try", "going", "have", "like", "sure", "able", "please",
    "forget",
];

/// Why an item was flagged.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// Asked for by name.
    Named,
    /// A purpose the item serves (its name in `intent::PURPOSES`).
    Purpose(&'static str),
    /// Like an earlier request after which the item ran.
    History,
}

/// A request that calls for an item, with the evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// Index into the detector's items.
    pub item: usize,
    pub score: f32,
    pub signal: Signal,
    /// The words or phrases of the request that matched.
    pub words: Vec<String>,
    /// The earlier request most like this one after which the item ran, if any.
    pub nearest: Option<String>,
}

/// One earlier request after which an item ran.
#[derive(Debug, Clone)]
pub struct Precedent {
    pub item: usize,
    /// Who asked, so a request is never its own evidence.
    pub key: (String, i64),
    pub text: String,
}

pub struct Detector {
    pub items: Vec<Definition>,
    lexicon: Lexicon,
    /// Per item: purposes it serves with affinity.
    serves: Vec<Vec<(usize, f32)>>,
    names: Option<AhoCorasick>,
    /// Per name pattern: the item, and whether the pattern needs a kind word after it
    /// (names of three letters or fewer: `dev` alone is a word, `the dev agent` is a name).
    name_owner: Vec<(usize, bool)>,
    /// User-added trigger phrases, compiled, per item.
    triggers: Vec<(usize, intent::Phrase, String)>,
    /// Items by their short name, lowercase (`superpowers:brainstorming` → `brainstorming`).
    by_short: HashMap<String, Vec<usize>>,
    /// Per purpose: the items serving it, best affinity first.
    servers: Vec<Vec<(usize, f32)>>,
}

/// The short name of an item as compared: after the last `:`, lowercase.
pub fn short_key(name: &str) -> String {
    short_name(name).to_lowercase()
}

/// The user's history as a sweep in time order builds it: every request so far counted
/// (how many, and which hold each word), the requests after which an item ran, with their
/// words, and the runs. Each is numbered by the requests counted before it, so the history
/// as it stood at any request ([`History::at`]) can be read back: a request is compared
/// with what came before it only (words weighed by how rare they were then, TF-IDF), and
/// requests can be judged in any order, on every core, as in a sweep.
#[derive(Default)]
pub struct History {
    precedents: Vec<Precedent>,
    /// Per precedent: its words and their counts weighed (`1 + ln n`), sorted by word.
    terms: Vec<Vec<(u32, f32)>>,
    /// Per precedent: the requests counted before it.
    made: Vec<u32>,
    /// Per word: the precedents holding it, in order.
    postings: Vec<Vec<u32>>,
    words: HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
    /// Per word: the requests holding it, by number (from 1), in order.
    seen: Vec<Vec<u32>>,
    requests: u32,
    /// Per item: its runs, each by the requests counted before it.
    ran: HashMap<usize, Vec<u32>>,
}

/// The history as it stood when request `at` was judged: the requests up to it, and the
/// runs and precedents before it (`u32::MAX`: all of it).
#[derive(Clone, Copy)]
pub struct HistoryAt<'h> {
    h: &'h History,
    at: u32,
}

/// At most this many earlier requests, those sharing the most informative words, are
/// compared with a request.
const HISTORY_CANDIDATES: usize = 16;

/// A request's words and their counts weighed (`1 + ln n`), sorted by word.
pub type Terms = Vec<(u32, f32)>;

impl History {
    /// Counts one more request (its content stems); returns its number and its terms.
    pub fn count(&mut self, stems: &[Arc<str>]) -> (u32, Terms) {
        self.requests += 1;
        let mut ids: Vec<u32> = stems
            .iter()
            .map(|s| match self.words.get(s) {
                Some(&id) => id,
                None => {
                    let id = self.names.len() as u32;
                    self.words.insert(s.clone(), id);
                    self.names.push(s.clone());
                    self.seen.push(Vec::new());
                    self.postings.push(Vec::new());
                    id
                }
            })
            .collect();
        ids.sort_unstable();
        let terms = weigh_counts(&ids);
        for &(id, _) in &terms {
            self.seen[id as usize].push(self.requests);
        }
        (self.requests, terms)
    }

    /// An earlier request (counted, with its `terms`) after which an item ran.
    pub fn precede(&mut self, precedent: Precedent, terms: Terms) {
        let k = self.precedents.len() as u32;
        for &(id, _) in &terms {
            self.postings[id as usize].push(k);
        }
        self.precedents.push(precedent);
        self.terms.push(terms);
        self.made.push(self.requests);
    }

    /// Item `item` ran.
    pub fn run(&mut self, item: usize) {
        self.ran.entry(item).or_default().push(self.requests);
    }

    /// The history as it stood when request number `at` was judged.
    pub fn at(&self, at: u32) -> HistoryAt<'_> {
        HistoryAt { h: self, at }
    }

    /// All of it.
    pub fn now(&self) -> HistoryAt<'_> {
        self.at(u32::MAX)
    }
}

impl HistoryAt<'_> {
    /// Requests holding word `id` then.
    fn df(&self, id: u32) -> u32 {
        self.h.seen[id as usize].partition_point(|&r| r <= self.at) as u32
    }

    fn n(&self) -> f32 {
        self.h.requests.min(self.at).max(1) as f32
    }

    fn idf(&self, id: u32) -> f32 {
        ((self.n() + 1.0) / (self.df(id) as f32 + 0.5))
            .ln()
            .max(0.1)
    }

    /// A word in more than one request in twenty (and in more than three) says little of
    /// what is asked, and would make every request a candidate.
    fn informative(&self, id: u32) -> bool {
        let df = self.df(id);
        df <= 3 || df as f32 / self.n() <= 0.05
    }

    /// Precedents made by then: the first so many.
    fn precedents(&self) -> usize {
        self.h.made.partition_point(|&m| m < self.at)
    }

    /// How often the user had run `item`: between items that serve a purpose equally, the
    /// one this user reaches for.
    fn ran(&self, item: usize) -> usize {
        self.h
            .ran
            .get(&item)
            .map_or(0, |v| v.partition_point(|&r| r < self.at))
    }

    /// The terms of the words known then, and how many words were not.
    fn terms_of(&self, stems: &[Arc<str>]) -> (Terms, u32) {
        let mut unknown = 0;
        let mut ids: Vec<u32> = stems
            .iter()
            .filter_map(|s| {
                let id = self.h.words.get(s).copied().filter(|&id| self.df(id) > 0);
                unknown += u32::from(id.is_none());
                id
            })
            .collect();
        ids.sort_unstable();
        (weigh_counts(&ids), unknown)
    }

    /// The TF-IDF vector of `terms` as words were weighed then (`idf`: [`HistoryAt::idf`],
    /// perhaps remembered), and its norm; words no request held still make it less like any
    /// of them.
    fn vector(
        &self,
        terms: &[(u32, f32)],
        unknown: u32,
        idf: &mut impl FnMut(u32) -> f32,
    ) -> (Vec<(u32, f32)>, f32) {
        let v: Vec<(u32, f32)> = terms.iter().map(|&(id, tf)| (id, tf * idf(id))).collect();
        let unseen = ((self.n() + 1.0) / 0.5).ln();
        let norm =
            (v.iter().map(|x| x.1 * x.1).sum::<f32>() + unknown as f32 * unseen * unseen).sqrt();
        (v, norm)
    }
}

/// Sorted word ids to (id, 1 + ln count).
fn weigh_counts(ids: &[u32]) -> Terms {
    ids.chunk_by(|a, b| a == b)
        .map(|run| (run[0], 1.0 + (run.len() as f32).ln()))
        .collect()
}

fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// A prompt read once by [`Detector::prepare`].
pub struct Prepared {
    pub split: prompt::Split,
    words: Vec<Word>,
    /// The stems that say something, for the history.
    pub stems: Vec<Arc<str>>,
}

/// What the detector says of one prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub kind: PromptKind,
    pub flags: Vec<Flag>,
}

impl Default for Detector {
    fn default() -> Self {
        Detector::new(&[])
    }
}

impl Detector {
    /// A detector over the skills and agents of `items` (commands are not matched).
    pub fn new(items: &[Definition]) -> Detector {
        let lexicon = Lexicon::new();
        let items: Vec<Definition> = items
            .iter()
            .filter(|d| d.kind != DefinitionKind::Command)
            .cloned()
            .collect();
        let serves: Vec<Vec<(usize, f32)>> = items
            .iter()
            .map(|d| lexicon.affinity(&d.name, &d.description))
            .collect();
        let mut patterns = Vec::new();
        let mut name_owner = Vec::new();
        let mut triggers = Vec::new();
        for (i, d) in items.iter().enumerate() {
            for form in name_forms(&d.name) {
                // `dev`, `review`, `Plan` are words and `using superpowers` a phrase before
                // they are names: without a hyphen or namespace they need "skill", "agent"…
                // after them, or a slash before.
                let needs_kind = !form.contains(['-', '_', ':']) || form.chars().count() <= 3;
                patterns.push(form);
                name_owner.push((i, needs_kind));
            }
            for t in &d.triggers {
                triggers.push((i, intent::phrase(&t.to_lowercase()), t.clone()));
            }
        }
        let mut by_short: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, d) in items.iter().enumerate() {
            by_short.entry(short_key(&d.name)).or_default().push(i);
        }
        let mut servers: Vec<Vec<(usize, f32)>> = vec![Vec::new(); PURPOSES.len()];
        for (i, s) in serves.iter().enumerate() {
            for (p, a) in s {
                servers[*p].push((i, *a));
            }
        }
        let names = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        Detector {
            items,
            lexicon,
            serves,
            names,
            name_owner,
            triggers,
            by_short,
            servers,
        }
    }

    /// A history of `requests` (in order), then of `precedents` among them (for tests).
    #[cfg(test)]
    fn history<'a>(
        &self,
        precedents: Vec<Precedent>,
        requests: impl Iterator<Item = &'a str>,
    ) -> History {
        let mut h = History::default();
        for r in requests {
            h.count(&self.content_stems(r));
        }
        for p in precedents {
            let (terms, _) = h.now().terms_of(&self.content_stems(&p.text));
            h.precede(p, terms);
        }
        h
    }

    /// Does a run of `used` (a name as invoked, installed or not) cover item `item`: the
    /// same item, or one that serves the same purpose by its name?
    pub fn covers(&self, used: &str, item: usize) -> bool {
        let key = short_key(used);
        if key == short_key(&self.items[item].name) {
            return true;
        }
        let serves = match self.by_short.get(&key).and_then(|v| v.first()) {
            Some(&i) => self.serves[i].clone(),
            None => self.lexicon.affinity(used, ""),
        };
        serves
            .iter()
            .any(|(p, a)| *a >= 1.0 && self.serves[item].iter().any(|(q, b)| q == p && *b >= 0.6))
    }

    /// The items installed under `name` (either name form).
    pub fn items_named(&self, name: &str) -> &[usize] {
        self.by_short
            .get(&short_key(name))
            .map_or(&[], Vec::as_slice)
    }

    /// Do items `a` and `b` serve the same purpose (or share a short name)?
    pub fn same_purpose(&self, a: usize, b: usize) -> bool {
        short_name(&self.items[a].name) == short_name(&self.items[b].name)
            || self.serves[a]
                .iter()
                .any(|(p, x)| *x >= 1.0 && self.serves[b].iter().any(|(q, _)| q == p))
    }

    /// Judge one prompt; `available(i)` says whether item `i` was installed in its session;
    /// `key` identifies the prompt so its own history entry is not used as evidence.
    pub fn judge(
        &self,
        text: &str,
        key: (&str, i64),
        available: &dyn Fn(usize) -> bool,
        history: HistoryAt,
    ) -> Judgement {
        self.judge_split(prompt::split(text), key, available, history)
    }

    /// A prompt taken apart and read once: its request, words and content stems.
    pub fn prepare(&self, text: &str) -> Prepared {
        let split = prompt::split(text);
        let words = self.lexicon.words(&split.request);
        let stems = content(&words);
        Prepared {
            split,
            words,
            stems,
        }
    }

    /// [`Detector::judge`] of a prepared prompt.
    pub fn judge_split(
        &self,
        split: prompt::Split,
        key: (&str, i64),
        available: &dyn Fn(usize) -> bool,
        history: HistoryAt,
    ) -> Judgement {
        let words = self.lexicon.words(&split.request);
        let stems = content(&words);
        let p = Prepared {
            split,
            words,
            stems,
        };
        self.judge_prepared(&p, key, available, history)
    }

    pub fn judge_prepared(
        &self,
        p: &Prepared,
        key: (&str, i64),
        available: &dyn Fn(usize) -> bool,
        history: HistoryAt,
    ) -> Judgement {
        let mut cands: Vec<Flag> = Vec::new();
        let split = &p.split;
        match split.kind {
            PromptKind::Typed => {
                self.named(&split.request, &p.words, available, &mut cands);
                self.by_purpose(&p.words, available, history, &mut cands);
                self.by_history(&p.stems, key, available, history, &mut cands);
            }
            PromptKind::PlanHandoff => {
                if let Some(p) = PURPOSES.iter().position(|p| p.name == "executing a plan") {
                    let words = vec!["plan hand-off".into()];
                    self.purpose_items(p, 1.0, words, available, history, &mut cands);
                }
            }
            PromptKind::PasteOnly | PromptKind::Generated => {}
        }
        Judgement {
            kind: split.kind,
            flags: self.choose(cands, available),
        }
    }

    /// Items asked for by name, and user-added triggers.
    fn named(
        &self,
        request: &str,
        words: &[Word],
        available: &dyn Fn(usize) -> bool,
        out: &mut Vec<Flag>,
    ) {
        if let Some(ac) = &self.names {
            for m in ac.find_overlapping_iter(request) {
                let (item, short_name) = self.name_owner[m.pattern().as_usize()];
                if !available(item) || out.iter().any(|f| f.item == item) {
                    continue;
                }
                if let Some(word) = asked_by_name(request, m.start(), m.end(), short_name) {
                    out.push(Flag {
                        item,
                        score: 2.0,
                        signal: Signal::Named,
                        words: vec![word],
                        nearest: None,
                    });
                }
            }
        }
        for (item, phrase, text) in &self.triggers {
            if available(*item) && intent::find(phrase, words).is_some() {
                out.push(Flag {
                    item: *item,
                    score: 1.5,
                    signal: Signal::Named,
                    words: vec![text.clone()],
                    nearest: None,
                });
            }
        }
    }

    fn by_purpose(
        &self,
        words: &[Word],
        available: &dyn Fn(usize) -> bool,
        history: HistoryAt,
        out: &mut Vec<Flag>,
    ) {
        for asked in self.lexicon.asked(words) {
            let phrases = asked.phrases;
            self.purpose_items(
                asked.purpose,
                asked.strength,
                phrases,
                available,
                history,
                out,
            );
        }
    }

    /// The best available item for purpose `p` (name-level affinity first).
    fn purpose_items(
        &self,
        p: usize,
        strength: f32,
        phrases: Vec<String>,
        available: &dyn Fn(usize) -> bool,
        history: HistoryAt,
        out: &mut Vec<Flag>,
    ) {
        let servers: Vec<(usize, f32)> = self.servers[p]
            .iter()
            .copied()
            .filter(|&(i, _)| available(i))
            .collect();
        // The highest affinity; between equals the one run most, a skill, the first. How
        // often each ran is looked up once, and only for the equals.
        let top = servers.iter().map(|x| x.1).max_by(f32::total_cmp);
        let best = servers
            .into_iter()
            .filter(|x| top.is_some_and(|t| x.1.total_cmp(&t).is_eq()))
            .max_by_key(|&(i, _)| {
                let rank = kind_rank(&self.items[i]);
                (history.ran(i), rank, std::cmp::Reverse(i))
            });
        if let Some((i, a)) = best {
            out.push(Flag {
                item: i,
                score: strength * a.max(0.85),
                signal: Signal::Purpose(PURPOSES[p].name),
                words: phrases,
                nearest: None,
            });
        }
    }

    fn by_history(
        &self,
        stems: &[Arc<str>],
        key: (&str, i64),
        available: &dyn Fn(usize) -> bool,
        h: HistoryAt,
        out: &mut Vec<Flag>,
    ) {
        let made = h.precedents();
        if made == 0 {
            return;
        }
        // A word's weight is looked up once per request: the precedents share words.
        let mut idfs: HashMap<u32, f32> = HashMap::default();
        let mut idf = |id: u32| *idfs.entry(id).or_insert_with(|| h.idf(id));
        let (terms, unknown) = h.terms_of(stems);
        let (v, norm) = h.vector(&terms, unknown, &mut idf);
        if norm == 0.0 {
            return;
        }
        // Only precedents sharing two informative words or more are compared, the ones
        // sharing most first.
        let mut shared_count: HashMap<u32, u32> = HashMap::default();
        for &(id, _) in v.iter().filter(|(id, _)| h.informative(*id)) {
            let postings = &h.h.postings[id as usize];
            for &k in &postings[..postings.partition_point(|&k| (k as usize) < made)] {
                *shared_count.entry(k).or_default() += 1;
            }
        }
        let mut candidates: Vec<(u32, u32)> =
            shared_count.into_iter().filter(|c| c.1 >= 2).collect();
        candidates.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        candidates.truncate(HISTORY_CANDIDATES);
        // Per item: how many similar earlier requests, and the most similar. One
        // coincidence is no habit: it takes two.
        let mut similar: HashMap<usize, (u32, f32, usize)> = HashMap::default();
        for (k, _) in candidates {
            let k = k as usize;
            let p = &h.h.precedents[k];
            if (p.key.0.as_str(), p.key.1) == key || !available(p.item) {
                continue;
            }
            let (pv, pnorm) = h.vector(&h.h.terms[k], 0, &mut idf);
            if pnorm == 0.0 {
                continue;
            }
            let sim = dot(&v, &pv) / (norm * pnorm);
            if sim < HISTORY_MIN {
                continue;
            }
            let e = similar.entry(p.item).or_insert((0, 0.0, k));
            e.0 += 1;
            if sim > e.1 || (sim == e.1 && k < e.2) {
                (e.1, e.2) = (sim, k);
            }
        }
        for (item, (n, sim, k)) in similar {
            if n < 2 {
                continue;
            }
            let mut shared: Vec<String> = v
                .iter()
                .filter(|(id, _)| h.h.terms[k].binary_search_by_key(id, |x| x.0).is_ok())
                .map(|(id, _)| h.h.names[*id as usize].to_string())
                .collect();
            shared.sort();
            out.push(Flag {
                item,
                score: 0.5 + sim,
                signal: Signal::History,
                words: shared,
                nearest: Some(h.h.precedents[k].text.clone()),
            });
        }
    }

    /// One flag per request (two when both were asked for by name); the best purpose needs
    /// a margin over a different purpose; the strongest evidence of each item is kept, with
    /// the nearest history entry attached when there is one.
    fn choose(&self, mut cands: Vec<Flag>, available: &dyn Fn(usize) -> bool) -> Vec<Flag> {
        cands.retain(|f| available(f.item));
        // What the request says outranks what usually followed similar requests: history
        // only speaks for requests that name no purpose (the user's own words).
        let said: Vec<usize> = cands
            .iter()
            .filter(|f| f.signal != Signal::History && f.score >= THRESHOLD)
            .map(|f| f.item)
            .collect();
        if !said.is_empty() {
            cands.retain(|f| f.signal != Signal::History || said.contains(&f.item));
        }
        cands.sort_by(|a, b| b.score.total_cmp(&a.score));
        let mut merged: Vec<Flag> = Vec::new();
        for c in cands {
            match merged.iter_mut().find(|m| m.item == c.item) {
                Some(m) => {
                    if m.nearest.is_none() {
                        m.nearest.clone_from(&c.nearest);
                    }
                }
                None => merged.push(c),
            }
        }
        let named: Vec<Flag> = merged
            .iter()
            .filter(|f| f.signal == Signal::Named)
            .take(2)
            .cloned()
            .collect();
        if !named.is_empty() {
            return named;
        }
        let Some(top) = merged.first().cloned() else {
            return Vec::new();
        };
        if top.score < THRESHOLD {
            return Vec::new();
        }
        let rival = merged
            .iter()
            .skip(1)
            .find(|f| !self.same_purpose(f.item, top.item));
        if rival.is_some_and(|r| top.score - r.score < MARGIN) {
            return Vec::new();
        }
        vec![top]
    }

    #[cfg(test)]
    fn content_stems(&self, text: &str) -> Vec<Arc<str>> {
        content(&self.lexicon.words(text))
    }
}

/// The stems of `words` that say something: three letters or more, not common.
fn content(words: &[Word]) -> Vec<Arc<str>> {
    words
        .iter()
        .map(|w| &w.stem)
        .filter(|s| s.len() >= 3 && STOP.binary_search(&&***s).is_err())
        .cloned()
        .collect()
}

/// Common words that say nothing of what is asked (sorted: binary search).
const STOP: [&str; 52] = [
    "all", "also", "and", "are", "but", "can", "could", "for", "from", "has", "have", "here",
    "how", "into", "it'", "just", "let", "lets", "like", "need", "not", "now", "okay", "one",
    "our", "out", "pleas", "pls", "should", "some", "sure", "thank", "thanks", "that", "the",
    "them", "then", "there", "they", "this", "too", "want", "was", "what", "when", "why", "with",
    "would", "yeah", "yes", "you", "your",
];

/// Skills before agents when both serve a purpose equally: a skill is the lighter step.
fn kind_rank(d: &Definition) -> u8 {
    match d.kind {
        DefinitionKind::Skill => 1,
        _ => 0,
    }
}

/// The ways an item is written in a request: `plugin:name`, `name`, `name with spaces`.
fn name_forms(name: &str) -> Vec<String> {
    let lower = name.to_lowercase();
    let s = short_name(&lower).to_string();
    let mut v = vec![lower.clone(), s.clone(), s.replace(['-', '_'], " ")];
    v.sort();
    v.dedup();
    v
}

/// Is the name at `start..end` of `text` asked for? Returns the words that show it: a
/// slash command (`/name`), or a request verb shortly before (`use the name skill`), not
/// inside an identifier, not negated. Short names need a kind word after them.
fn asked_by_name(text: &str, start: usize, end: usize, short_name: bool) -> Option<String> {
    let before = text[..start].chars().next_back();
    let after: Vec<char> = text[end..].chars().take(2).collect();
    let ident = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '\\' | '=' | '@');
    if after
        .first()
        .is_some_and(|c| ident(*c) && *c != '.' || *c == '/')
        || (matches!(after.first(), Some('.' | ':'))
            && after.get(1).is_some_and(|c| c.is_alphanumeric()))
    {
        return None;
    }
    let name = &text[start..end];
    // `superpowers:name` or `/workflows:name`: a namespace written before the name.
    let mut start = start;
    if before == Some(':') {
        let head = &text[..start - 1];
        let ns = head.len()
            - head
                .trim_end_matches(|c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | ':'))
                .len();
        if ns == 0 {
            return None;
        }
        start = start - 1 - ns;
    }
    let before = text[..start].chars().next_back();
    if before == Some('/') {
        let b2 = text[..start - 1].chars().next_back();
        if b2.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '`' | '"' | '\'')) {
            return Some(format!("/{}", &text[start..end]));
        }
        return None;
    }
    if before.is_some_and(|c| ident(c) || c == ':' || c == '/') {
        return None;
    }
    let tail = text[end..].trim_start().to_lowercase();
    let kind_word = [
        "skill",
        "agent",
        "subagent",
        "sub-agent",
        "plugin",
        "workflow",
        "task",
    ]
    .iter()
    .any(|k| tail.starts_with(k));
    if short_name && !kind_word {
        return None;
    }
    // The words just before, in the same sentence.
    let head = &text[..start];
    let sentence = head
        .rfind(['.', '?', '!', '\n'])
        .map_or(head, |i| &head[i + 1..]);
    let prev: Vec<String> = sentence
        .split_whitespace()
        .rev()
        .take(4)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
                .replace(['\'', '’'], "")
        })
        .collect();
    if prev.iter().any(|w| {
        [
            "dont", "not", "no", "never", "without", "skip", "avoid", "instead",
        ]
        .contains(&w.as_str())
    }) {
        return None;
    }
    let at = prev
        .iter()
        .position(|w| REQUEST_VERBS.contains(&w.as_str()))?;
    // "a skill to use X" describes a purpose; "I want you to use X" asks.
    if prev.get(at + 1).is_some_and(|w| w == "to")
        && prev
            .get(at + 2)
            .is_some_and(|w| !ASKING_BEFORE_TO.contains(&w.as_str()))
    {
        return None;
    }
    Some(format!("{} … {name}", prev[at]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn def(name: &str, kind: DefinitionKind, description: &str) -> Definition {
        Definition {
            name: name.into(),
            kind,
            description: description.into(),
            triggers: vec![],
            path: PathBuf::new(),
        }
    }

    fn detector() -> Detector {
        Detector::new(&[
            def(
                "superpowers:systematic-debugging",
                DefinitionKind::Skill,
                "Use when encountering any bug or test failure",
            ),
            def(
                "receiving-code-review",
                DefinitionKind::Skill,
                "Use when receiving code review feedback",
            ),
            def(
                "code-reviewer",
                DefinitionKind::Agent,
                "Reviews a finished step against the plan",
            ),
            def(
                "test-repo",
                DefinitionKind::Skill,
                "Sets up a scratch repository",
            ),
            def("dev", DefinitionKind::Agent, "dev"),
        ])
    }

    fn flagged(d: &Detector, text: &str) -> Vec<String> {
        d.judge(text, ("s", 0), &|_| true, History::default().now())
            .flags
            .iter()
            .map(|f| d.items[f.item].name.clone())
            .collect()
    }

    #[test]
    fn names_count_only_when_asked_for() {
        let d = detector();
        assert_eq!(
            flagged(&d, "use the code-reviewer agent on this"),
            ["code-reviewer"]
        );
        assert_eq!(flagged(&d, "/test-repo please"), ["test-repo"]);
        assert_eq!(flagged(&d, "run the dev agent"), ["dev"]);
        assert!(flagged(&d, "clone entireio/test-repo and build it").is_empty());
        assert!(flagged(&d, "the code-reviewer agent broke the build yesterday").is_empty());
        assert!(flagged(&d, "don't use the code-reviewer agent").is_empty());
        assert!(flagged(&d, "run the dev server").is_empty());
    }

    #[test]
    fn purposes_pick_the_item_that_serves_them() {
        let d = detector();
        assert_eq!(
            flagged(&d, "mix phx.server doesnt seem to start"),
            ["superpowers:systematic-debugging"]
        );
        assert_eq!(flagged(&d, "Fix the nits"), ["receiving-code-review"]);
        assert_eq!(
            flagged(&d, "Review my branch before I merge"),
            ["code-reviewer"]
        );
    }

    #[test]
    fn history_teaches_the_users_own_words() {
        let d = detector();
        let before = "go through the rabbit remarks on the export pr";
        let others = [
            "rename the export flag",
            "add an import command",
            "why is the pr red",
            before,
        ];
        let again = "go through the rabbit remarks on the docs pr";
        let precedent = |key: &str, text: &str| Precedent {
            item: 1,
            key: (key.into(), 1),
            text: text.into(),
        };
        let once = d.history(vec![precedent("a", before)], others.into_iter());
        let j = d.judge(
            "go through the rabbit remarks on the import pr",
            ("b", 2),
            &|_| true,
            once.now(),
        );
        assert!(
            j.flags.is_empty(),
            "one earlier request is a coincidence, not a habit"
        );
        let h = d.history(
            vec![precedent("a", before), precedent("c", again)],
            others.into_iter().chain([again]),
        );
        let j = d.judge(
            "go through the rabbit remarks on the pr",
            ("b", 2),
            &|_| true,
            h.now(),
        );
        assert_eq!(j.flags.len(), 1);
        assert_eq!(j.flags[0].item, 1);
        let nearest = j.flags[0].nearest.as_deref();
        assert!(
            nearest == Some(before) || nearest == Some(again),
            "{nearest:?}"
        );
        let own = d.judge(before, ("a", 1), &|_| true, h.now());
        assert!(own.flags.is_empty(), "a request is not its own evidence");
    }

    #[test]
    fn unavailable_items_are_never_flagged() {
        let d = detector();
        let none = History::default();
        assert!(
            d.judge(
                "use the code-reviewer agent",
                ("s", 0),
                &|i| i != 2,
                none.now()
            )
            .flags
            .is_empty()
        );
    }
}
