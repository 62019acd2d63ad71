//! Purposes: what a request asks for, in the words people type ("checks are failing",
//! "address the PR comments", "review my branch"), and which installed items serve each
//! purpose, read from their names and descriptions. Matching a request to a purpose and a
//! purpose to an item replaces matching description clauses, which people never type.

use rustc_hash::FxHashMap as HashMap;
use std::sync::{Arc, Mutex};

use rust_stemmers::{Algorithm, Stemmer};

/// One purpose: cue phrases in requests, and the words that mark an item serving it.
pub struct Purpose {
    pub name: &'static str,
    /// Phrases of a request; each is enough on its own.
    strong: &'static [&'static str],
    /// Phrases that count half: two different ones make a request.
    weak: &'static [&'static str],
    /// Phrases in an item's name or description that make it serve this purpose.
    item: &'static [&'static str],
    /// An item whose name holds one of these does not serve this purpose (a skill for
    /// receiving reviews is not a reviewer).
    item_not: &'static [&'static str],
    /// Purposes this one overrules when both are asked for ("the reviewer says…" is
    /// feedback to act on, not a request for a review).
    suppresses: &'static [&'static str],
    /// Phrases that, in the same request, show the purpose is talked about, not asked for
    /// ("who reviewed the PR", "review comments").
    veto: &'static [&'static str],
}

/// Phrase syntax: words separated by spaces, `a|b` alternatives, `x*` any word starting
/// with the stem of `x`, `=x` the word as written, `%x` an identifier holding `x`, `~` up
/// to four other words in between. Words are stemmed.
#[rustfmt::skip]
pub const PURPOSES: &[Purpose] = &[
    Purpose {
        name: "debugging",
        strong: &[
            "debug*", "broken", "crash*", "stack trace", "stacktrace", "traceback", "regression",
            "segfault", "panic*", "flaky", "flakes", "time* out", "fix ~ bug|bugs|crash*|regression",
            "whats go* on", "what is go* on", "it|this|that|everything|build|ci|tests broke",
            "fix ~ ci|build|pipeline|test|tests", "test*|ci|build|pipeline ~ red", "oom*",
            "memory leak*", "look into ~ why", "lot*|bunch|tons of ~ error*|failure*|exception*", "many error*|failure*|exception*",
            "get*|got ~ exit status|code",
            "why ~ doesnt|isnt|cant|wont|didnt|never|no|empty|wrong|broken|fail*|missing|still|happen*|suddenly|slow*",
            "start* fail*|crash*|break*|hang*",
            "not work*", "doesnt work*", "dont work*", "isnt work*", "stop* work*",
            "doesnt seem", "dont seem", "wont start|run|build|compile|load|open|connect",
            "doesnt start|run|build|compile|load|open|connect",
            "cant start|run|build|compile|load|open|connect",
            "fail* to", "still fail*", "keep* fail*", "is fail*", "are fail*", "test* fail*",
            "check* fail*", "ci fail*", "build fail*", "ci red", "get* error*",
            "throw* error*|exception*", "find|identify|get ~ root cause", "figure out why",
            "find out why", "work out why", "troubleshoot*", "diagnos*", "went wrong", "goes wrong",
            "wrong result*|output|value*|answer*|relationship*|edge*",
        ],
        weak: &[
            "error*", "fail*", "wrong", "issue*", "problem*", "unexpected*", "weird", "strange",
            "hang*", "slow", "delay*", "missing", "investigat*", "bug", "bugs", "exception*",
            "exit status|code", "suddenly", "root cause", "look into", "broke", "leak*",
        ],
        item: &["debug*", "bug", "troubleshoot*", "root cause", "diagnos*"],
        item_not: &[],
        suppresses: &[],
        veto: &[],
    },
    Purpose {
        name: "review feedback",
        strong: &[
            "address*|handle|fix|answer|tackle ~ comment*|feedback|finding*|nit*|suggestion*|concern*|remark*|review*",
            "deal with ~ comment*|feedback|finding*|nit*|suggestion*|review*",
            "review feedback", "coderabbit*", "bugbot", "code rabbit",
            "resolve ~ comment*|thread*|feedback", "respond ~ review*|comment*|feedback",
            "reply ~ review*|comment*", "apply ~ suggestion*|feedback",
            "incorporat* ~ feedback|suggestion*|comment*", "go through ~ comment*|feedback",
            "changes requested", "requested changes", "feedback from ~ review*",
            "review|reviewer|reviewers ~ say*|said|suggest*|flag*|found|complain*|want*|ask*",
        ],
        weak: &[],
        item: &["receiv* ~ review*|feedback", "review feedback", "review comment*"],
        item_not: &[],
        suppresses: &["code review"],
        veto: &["i left|wrote|posted", "post* ~ comment*"],
    },
    Purpose {
        name: "code review",
        strong: &[
            "review ~ pr|prs|branch|change*|diff|code|commit*|work|implement*|patch|pull|it|this|again|mr",
            "code review", "adversarial|security|thorough|full|final|quick|second|deep review",
            "can you review", "please review", "look over", "once-over", "once over",
            "give|do|run ~ review", "sanity check",
            "sanity check ~ change*|diff|code|branch", "second pair ~ eye*",
        ],
        weak: &["before ~ merg*", "critique"],
        item: &["review*"],
        item_not: &["receiv*"],
        suppresses: &[],
        veto: &[
            "=reviewed", "who ~ review*", "review comment*|bot|bots|tool|process|step|checklist",
        ],
    },
    Purpose {
        name: "executing a plan",
        strong: &[
            "implement ~ plan", "execut* ~ plan", "carry out ~ plan", "follow* ~ plan",
            "start* ~ work ~ plan", "work through ~ plan", "proceed ~ plan", "continue ~ plan",
            "go ahead ~ plan", "plan ~ implement|execut*|approv*",
            "implement|execut*|follow*|start* ~ %plan", "carry out ~ %plan",
        ],
        weak: &[],
        item: &["execut* ~ plan*"],
        item_not: &[],
        suppresses: &[],
        veto: &[],
    },
    Purpose {
        name: "writing a plan",
        strong: &[
            "write ~ plan", "make ~ plan", "create ~ plan", "draft ~ plan", "put together ~ plan",
            "plan it|this|that out", "plan first", "lets plan", "step by step plan",
            "detailed plan", "implementation plan", "break ~ down|into ~ task*|step*",
            "list of task*|step*",
        ],
        weak: &[],
        item: &["writ* ~ plan*"],
        item_not: &["execut*"],
        suppresses: &[],
        veto: &[],
    },
    Purpose {
        name: "brainstorming",
        strong: &[
            "brainstorm*", "ideat*", "bounce ~ idea*", "some idea*", "idea* for",
            "explore ~ option*|idea*|approach*|design*", "think through", "how might we",
            "help me think", "think ~ with me", "talk me through", "throw ~ idea*",
            "any idea*", "what are ~ option*",
        ],
        weak: &["pros and cons", "alternatives", "idea*", "option*", "no code yet"],
        item: &["brainstorm*", "idea*"],
        item_not: &[],
        suppresses: &[],
        veto: &[],
    },
    Purpose {
        name: "test-driven development",
        strong: &["tdd", "test-driven", "test driven", "test* first", "red green", "red-green"],
        weak: &[],
        item: &["tdd", "test-driven", "test driven"],
        item_not: &[],
        suppresses: &[],
        veto: &[],
    },
    Purpose {
        name: "parallel agents",
        strong: &[
            "in parallel", "parallel ~ agent*|task*|subagent*", "teammate*",
            "dispatch ~ agent*|subagent*", "fan out", "concurrent* ~ agent*|subagent*",
        ],
        weak: &[],
        item: &["parallel*", "dispatch*"],
        item_not: &[],
        suppresses: &[],
        veto: &[],
    },
    Purpose {
        name: "writing skills",
        strong: &["make|create|write|build|author ~ skill|skills"],
        weak: &[],
        item: &["creat*|writ*|build* ~ skill*"],
        item_not: &[],
        suppresses: &[],
        veto: &[],
    },
    Purpose {
        name: "worktrees",
        strong: &[
            "in|use|create|new|fresh|separate|own ~ worktree*", "isolated ~ branch|workspace",
        ],
        weak: &[],
        item: &["worktree*"],
        item_not: &[],
        suppresses: &[],
        veto: &[],
    },
    Purpose {
        name: "simplifying code",
        strong: &["simplif*", "clean* up ~ code", "reduce ~ complexity"],
        weak: &[],
        item: &["simplif*"],
        item_not: &[],
        suppresses: &[],
        veto: &[],
    },
    Purpose {
        name: "frontend design",
        strong: &[
            "landing page", "ui design", "design ~ ui|page|component*|interface|screen|layout",
            "make ~ look ~ better|nicer|modern|polished",
        ],
        weak: &[],
        item: &["frontend", "front-end", "ui design"],
        item_not: &[],
        suppresses: &[],
        veto: &[],
    },
    Purpose {
        name: "exploring code",
        strong: &[
            "overview ~ code|codebase|repo*|project", "explore ~ codebase|repo*",
            "how ~ code ~ organi*",
        ],
        weak: &[],
        item: &["explor*"],
        item_not: &[],
        suppresses: &[],
        veto: &[],
    },
];

/// One element of a phrase: alternatives, each a stem and whether it is a prefix.
#[derive(Debug, Clone)]
struct Element {
    alts: Vec<(String, bool)>,
    /// Up to this many other words may come before it (0 for the first element).
    gap: usize,
}

/// A compiled phrase.
#[derive(Debug, Clone)]
pub struct Phrase {
    pub text: String,
    elements: Vec<Element>,
}

/// A word of a request: its stem, as written (lowercase), and whether it ends a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub stem: Arc<str>,
    pub raw: Arc<str>,
    pub end: bool,
}

/// Words that turn what follows into its opposite ("don't brainstorm", "skip tdd").
const NEGATIONS: [&str; 9] = [
    "dont", "not", "no", "never", "without", "skip", "avoid", "instead", "nt",
];

pub struct Lexicon {
    stemmer: Stemmer,
    /// Stems already computed: people reuse their words, and stemming is the costly part.
    stems: Mutex<HashMap<Box<str>, Spelled>>,
    /// Per purpose: strong and weak phrases, compiled.
    compiled: Vec<(Vec<Phrase>, Vec<Phrase>)>,
    vetoes: Vec<Vec<Phrase>>,
    item: Vec<(Vec<Phrase>, Vec<Phrase>)>,
    /// The purposes whose phrases may start at a word: by exact stem, and by the first
    /// three letters of a prefix (`fail*`), so a request only tries the phrases it can hold.
    starts_exact: HashMap<String, Vec<PhraseRef>>,
    starts_prefix: HashMap<String, Vec<PhraseRef>>,
    /// Phrases whose first element is shorter than that (tried always).
    starts_any: Vec<PhraseRef>,
}

/// A phrase of `Lexicon::compiled`: purpose, weak or strong, index.
type PhraseRef = (usize, bool, usize);

/// A word as written (lowercase) and its stem.
type Spelled = (Arc<str>, Arc<str>);

/// The stem cache is cleared past this many words.
const STEM_CACHE: usize = 200_000;

/// What a request asks for: a purpose, how strongly (1.0 is enough), the phrases found.
#[derive(Debug, Clone, PartialEq)]
pub struct Asked {
    pub purpose: usize,
    pub strength: f32,
    pub phrases: Vec<String>,
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon::new()
    }
}

impl Lexicon {
    pub fn new() -> Lexicon {
        let stemmer = Stemmer::create(Algorithm::English);
        let compile =
            |list: &[&str]| -> Vec<Phrase> { list.iter().map(|p| compile(&stemmer, p)).collect() };
        let compiled: Vec<(Vec<Phrase>, Vec<Phrase>)> = PURPOSES
            .iter()
            .map(|p| (compile(p.strong), compile(p.weak)))
            .collect();
        let item = PURPOSES
            .iter()
            .map(|p| (compile(p.item), compile(p.item_not)))
            .collect();
        let vetoes = PURPOSES.iter().map(|p| compile(p.veto)).collect();
        let (mut starts_exact, mut starts_prefix) = (HashMap::default(), HashMap::default());
        let mut starts_any = Vec::new();
        for (i, (strong, weak)) in compiled.iter().enumerate() {
            let all = strong
                .iter()
                .enumerate()
                .map(|(k, p)| ((i, false, k), p))
                .chain(weak.iter().enumerate().map(|(k, p)| ((i, true, k), p)));
            for (r, p) in all {
                let Some(first) = p.elements.first() else {
                    continue;
                };
                for (s, prefix) in &first.alts {
                    let key: String = s.chars().take(3).collect();
                    if s.starts_with(['%', '=']) || (*prefix && key.chars().count() < 3) {
                        starts_any.push(r);
                    } else if *prefix {
                        starts_prefix.entry(key).or_insert_with(Vec::new).push(r);
                    } else {
                        starts_exact
                            .entry(s.clone())
                            .or_insert_with(Vec::new)
                            .push(r);
                    }
                }
            }
        }
        starts_any.sort_unstable();
        starts_any.dedup();
        Lexicon {
            stemmer,
            stems: Mutex::new(HashMap::default()),
            compiled,
            vetoes,
            item,
            starts_exact,
            starts_prefix,
            starts_any,
        }
    }

    /// The phrases `words` could hold: those starting at one of them, by purpose.
    /// Each with the word it may start at (`usize::MAX`: anywhere).
    fn candidates(&self, words: &[Word]) -> Vec<(PhraseRef, usize)> {
        let mut out: Vec<(PhraseRef, usize)> =
            self.starts_any.iter().map(|r| (*r, usize::MAX)).collect();
        for (i, w) in words.iter().enumerate() {
            if let Some(v) = self.starts_exact.get(&*w.stem) {
                out.extend(v.iter().map(|r| (*r, i)));
            }
            let end = w
                .stem
                .char_indices()
                .nth(3)
                .map_or(w.stem.len(), |(i, _)| i);
            if let Some(v) = self.starts_prefix.get(&w.stem[..end]) {
                out.extend(v.iter().map(|r| (*r, i)));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The word as written and its stem, shared: a user's words repeat, and stemming and
    /// allocating per word would cost most of the detector's time.
    fn stem_of(&self, lower: &str) -> Spelled {
        let mut cache = self.stems.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = cache.get(lower) {
            return s.clone();
        }
        if cache.len() > STEM_CACHE {
            cache.clear();
        }
        let entry: Spelled = (lower.into(), self.stemmer.stem(lower).into());
        cache.insert(lower.into(), entry.clone());
        entry
    }

    /// The words of `text`, stemmed. Identifiers (`code-reviewer`, `src/a.rs`, `jdx/mise`,
    /// `BrainstormingBoard`) stay one word, and so do names of items ("the brainstorming
    /// skill"), so their parts never count as cue words; quoted text is skipped (a quoted
    /// error message or title is material, not request).
    pub fn words(&self, text: &str) -> Vec<Word> {
        let text = without_quotes(text);
        let mut out: Vec<Word> = Vec::new();
        let mut lower = String::new();
        for raw in text.split_whitespace() {
            let end = raw.ends_with(['.', '?', '!', ';']) || raw.ends_with(':');
            let t = raw.trim_matches(|c: char| !c.is_alphanumeric());
            if t.is_empty() {
                if end && let Some(w) = out.last_mut() {
                    w.end = true;
                }
                continue;
            }
            // An upper-case letter after a lower-case one: `BrainstormingBoard`, `iPhone`.
            let mut seen_lower = false;
            let camel = t.chars().any(|c| {
                let camel = seen_lower && c.is_uppercase();
                seen_lower |= c.is_lowercase();
                camel
            });
            lower.clear();
            for c in t.chars().filter(|c| *c != '\'' && *c != '’') {
                lower.extend(c.to_lowercase());
            }
            let identifier = camel
                || lower.contains(['/', '_', '.', ':', '#', '@', '=', '\\'])
                || (lower.contains('-') && !is_plain_compound(&lower));
            let (raw, stem) = if identifier {
                (
                    Arc::from(lower.as_str()),
                    Arc::from(format!("\u{1}{lower}")),
                )
            } else {
                self.stem_of(&lower)
            };
            if KIND_WORDS.contains(&&*stem) {
                mark_item_name(&mut out);
            }
            out.push(Word { stem, raw, end });
        }
        if let Some(w) = out.last_mut() {
            w.end = true;
        }
        out
    }

    /// The purposes `words` ask for, strongest first.
    pub fn asked(&self, words: &[Word]) -> Vec<Asked> {
        let mut out = Vec::new();
        let candidates = self.candidates(words);
        for group in candidates.chunk_by(|a, b| a.0.0 == b.0.0) {
            let i = group[0].0.0;
            let (strong, weak) = &self.compiled[i];
            // One result per phrase: the first start where it is found.
            let mut strong_found: Vec<String> = Vec::new();
            let mut weak_found: Vec<String> = Vec::new();
            for phrase in group.chunk_by(|a, b| a.0 == b.0) {
                let r = phrase[0].0;
                let p = if r.1 { &weak[r.2] } else { &strong[r.2] };
                let span = phrase.iter().find_map(|&(_, start)| match start {
                    usize::MAX => find(p, words),
                    s => find_at(p, words, s),
                });
                if let Some(span) = span {
                    let list = if r.1 {
                        &mut weak_found
                    } else {
                        &mut strong_found
                    };
                    list.push(quote(words, span));
                }
            }
            if strong_found.is_empty() && weak_found.is_empty() {
                continue;
            }
            if self.vetoes[i].iter().any(|p| find(p, words).is_some()) {
                continue;
            }
            let mut strength: f32 = if strong_found.is_empty() { 0.0 } else { 1.0 };
            let mut phrases = strong_found;
            // Weak phrases add up slowly: three different ones make a request, two do not.
            if !weak_found.is_empty() {
                let weak = match weak_found.len() {
                    1 => 0.4,
                    2 => 0.75,
                    _ => 1.0,
                };
                strength = if strength > 0.0 {
                    strength + 0.25
                } else {
                    weak
                };
                phrases.extend(weak_found);
            }
            out.push(Asked {
                purpose: i,
                strength,
                phrases,
            });
        }
        let overruled: Vec<&str> = out
            .iter()
            .filter(|a| a.strength >= 1.0)
            .flat_map(|a| PURPOSES[a.purpose].suppresses.iter().copied())
            .collect();
        out.retain(|a| !overruled.contains(&PURPOSES[a.purpose].name));
        out.sort_by(|a, b| b.strength.total_cmp(&a.strength));
        out
    }

    /// How well an item serves each purpose: 1.0 when its name says so, 0.6 when only its
    /// description does.
    pub fn affinity(&self, name: &str, description: &str) -> Vec<(usize, f32)> {
        let name_words = self.words(&name.replace([':', '-', '_'], " "));
        let desc_words = self.words(description);
        let mut out = Vec::new();
        for (i, (yes, not)) in self.item.iter().enumerate() {
            if not.iter().any(|p| find(p, &name_words).is_some()) {
                continue;
            }
            if yes.iter().any(|p| find(p, &name_words).is_some()) {
                out.push((i, 1.0));
            } else if yes.iter().any(|p| find(p, &desc_words).is_some()) {
                out.push((i, 0.6));
            }
        }
        out
    }

    pub fn stem(&self, word: &str) -> String {
        self.stemmer.stem(&word.to_lowercase()).into_owned()
    }
}

/// Words after an item's name ("the brainstorming skill", "the debugger agent's").
const KIND_WORDS: [&str; 5] = ["skill", "agent", "subag", "plugin", "sub-ag"];

/// Up to two words before a kind word are the item's name, not cue words.
fn mark_item_name(words: &mut [Word]) {
    const STOPS: [&str; 6] = ["the", "a", "an", "your", "my", "this"];
    for w in words.iter_mut().rev().take(2) {
        if w.end || STOPS.contains(&&*w.stem) {
            break;
        }
        if !w.stem.starts_with('\u{1}') {
            w.stem = format!("\u{1}{}", w.stem).into();
        }
    }
}

/// `text` with quoted spans ("…", “…”, `…`, […], and '…' between word boundaries) blanked.
fn without_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut close: Option<char> = None;
    let mut prev = ' ';
    for c in text.chars() {
        match close {
            Some(q) if c == q => {
                close = None;
                out.push(' ');
            }
            Some(_) => out.push(if c == '\n' { '\n' } else { ' ' }),
            None => {
                let opens = match c {
                    '"' | '`' => Some(c),
                    '“' => Some('”'),
                    '[' => Some(']'),
                    '\'' if !prev.is_alphanumeric() => Some('\''),
                    _ => None,
                };
                match opens {
                    Some(q) => {
                        close = Some(q);
                        out.push(' ');
                    }
                    None => out.push(c),
                }
            }
        }
        // An unclosed quote ends with the line.
        if c == '\n' {
            close = None;
        }
        prev = c;
    }
    out
}

/// `test-driven`, `red-green`, `follow-up`: a hyphenated English word, not an identifier.
fn is_plain_compound(w: &str) -> bool {
    let parts: Vec<&str> = w.split('-').collect();
    parts.len() == 2
        && parts
            .iter()
            .all(|p| p.len() >= 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
        && matches!(
            parts[1],
            "driven" | "green" | "up" | "end" | "based" | "level" | "time" | "first"
        )
}

/// A phrase in the syntax above (user-added triggers use it too).
pub fn phrase(text: &str) -> Phrase {
    compile(&Stemmer::create(Algorithm::English), text)
}

fn compile(stemmer: &Stemmer, text: &str) -> Phrase {
    let mut elements = Vec::new();
    let mut gap = 0;
    for tok in text.split_whitespace() {
        if tok == "~" {
            gap = 4;
            continue;
        }
        let alts = tok
            .split('|')
            .map(|a| {
                if let Some(w) = a.strip_prefix('%') {
                    // An identifier holding the word: `docs/plans/x.md`, `v2-plan`.
                    return (format!("%{w}"), false);
                }
                if a.starts_with('=') {
                    // The word exactly as written (`=reviewed`: past tense, not a request).
                    return (a.to_string(), false);
                }
                let prefix = a.ends_with('*');
                let w = a.trim_end_matches('*');
                let s = if w.contains('-') {
                    w.to_string()
                } else {
                    stemmer.stem(w).into_owned()
                };
                (s, prefix)
            })
            .collect();
        elements.push(Element {
            alts,
            gap: if elements.is_empty() { 0 } else { gap },
        });
        gap = 0;
    }
    Phrase {
        text: text.to_string(),
        elements,
    }
}

fn element_matches(e: &Element, w: &Word) -> bool {
    e.alts.iter().any(|(s, prefix)| {
        if let Some(inner) = s.strip_prefix('%') {
            w.stem.starts_with('\u{1}') && w.stem.contains(inner)
        } else if let Some(exact) = s.strip_prefix('=') {
            &*w.raw == exact
        } else if *prefix {
            w.stem.starts_with(s.as_str())
        } else {
            *w.stem == **s
        }
    })
}

/// Where `p` occurs in `words` (first and last word), within one sentence and not negated
/// just before.
pub fn find(p: &Phrase, words: &[Word]) -> Option<(usize, usize)> {
    (0..words.len()).find_map(|i| find_at(p, words, i))
}

/// `p` starting at word `i`, within one sentence and not negated just before.
fn find_at(p: &Phrase, words: &[Word], i: usize) -> Option<(usize, usize)> {
    let first = p.elements.first()?;
    if !element_matches(first, words.get(i)?) {
        return None;
    }
    let mut at = i;
    for e in &p.elements[1..] {
        if words[at].end {
            return None;
        }
        let mut found = None;
        for (j, w) in words.iter().enumerate().skip(at + 1).take(e.gap + 1) {
            if element_matches(e, w) {
                found = Some(j);
                break;
            }
            if w.end {
                break;
            }
        }
        at = found?;
    }
    (!negated(words, i)).then_some((i, at))
}

/// The words of `words[span]` as written: the evidence shown for a match.
pub fn quote(words: &[Word], (from, to): (usize, usize)) -> String {
    words[from..=to]
        .iter()
        .map(|w| &*w.raw)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A negation among the three words before `i`, in the same sentence.
pub fn negated(words: &[Word], i: usize) -> bool {
    let from = i.saturating_sub(3);
    words[from..i]
        .iter()
        .enumerate()
        .any(|(k, w)| NEGATIONS.contains(&&*w.stem) && !words[from + k..i].iter().any(|x| x.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(text: &str) -> Vec<&'static str> {
        let lx = Lexicon::new();
        lx.asked(&lx.words(text))
            .into_iter()
            .filter(|a| a.strength >= 1.0)
            .map(|a| PURPOSES[a.purpose].name)
            .collect()
    }

    #[test]
    fn requests_name_their_purpose() {
        assert_eq!(asked("the dev server doesnt seem to start"), ["debugging"]);
        assert_eq!(asked("Fix the nits"), ["review feedback"]);
        assert_eq!(asked("please address the PR comments"), ["review feedback"]);
        assert_eq!(asked("Review PR #36"), ["code review"]);
        assert_eq!(asked("let's brainstorm names"), ["brainstorming"]);
        assert_eq!(asked("write a plan for the migration"), ["writing a plan"]);
    }

    #[test]
    fn negation_identifiers_and_sentences_stop_a_cue() {
        assert!(asked("don't brainstorm, just do it").is_empty());
        assert!(asked("open src/debug/main.rs and rename it").is_empty());
        assert!(asked("bump the code-review-bot version").is_empty());
        assert!(asked("I wrote it. The plan is fine").is_empty());
        assert!(asked("the <BrainstormingBoard> close button needs a label").is_empty());
        assert!(asked("the brainstorming skill asked me 20 questions").is_empty());
        assert!(asked("open a PR titled 'docs: debugging guide'").is_empty());
    }

    #[test]
    fn items_serve_purposes_by_name_then_description() {
        let lx = Lexicon::new();
        let names = |n: &str, d: &str| -> Vec<(&str, f32)> {
            lx.affinity(n, d)
                .into_iter()
                .map(|(i, a)| (PURPOSES[i].name, a))
                .collect()
        };
        assert_eq!(
            names(
                "superpowers:systematic-debugging",
                "Use when encountering any bug"
            ),
            [("debugging", 1.0)]
        );
        assert_eq!(
            names(
                "receiving-code-review",
                "Use when receiving code review feedback"
            ),
            [("review feedback", 1.0)]
        );
        assert_eq!(
            names("helper", "Finds the root cause of failures"),
            [("debugging", 0.6)]
        );
    }
}
