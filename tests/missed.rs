//! The missed-opportunity detector, measured: precision and recall on every human prompt of
//! the real transcripts (labelled by hand in fixtures/labels/realdata.toml, which points at
//! them by file and line and copies no text) and, separately, on the hard cases written for
//! this project (fixtures/prompts/hard.toml, against fixtures/catalog). The real set is the
//! bar (README "Missed opportunities"); it is absent from a user's clone, then skipped.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;

use common::*;
use skilltop::model::facts::{FileFacts, Prompt};
use skilltop::sources::catalog::Catalog;
use skilltop::sources::catalog::missed::{Sessions, same_name};
use skilltop::sources::transcripts::{discover, parse};

const MIN_PRECISION: f64 = 0.9;
const MIN_RECALL: f64 = 0.5;

#[derive(serde::Deserialize)]
struct RealLabels {
    prompt: Vec<RealLabel>,
}

#[derive(serde::Deserialize)]
struct RealLabel {
    file: String,
    line: usize,
    kind: String,
    #[serde(default)]
    occasion: Vec<String>,
    #[serde(default)]
    used: Option<bool>,
}

#[derive(serde::Deserialize)]
struct Written {
    prompt: Vec<WrittenCase>,
}

#[derive(serde::Deserialize)]
struct WrittenCase {
    class: String,
    text: String,
    should: Vec<String>,
}

#[derive(serde::Deserialize)]
struct HistoryFile {
    history: Vec<HistoryCase>,
}

#[derive(serde::Deserialize)]
struct HistoryCase {
    item: String,
    text: String,
}

/// Counts over prompts: a flag is right when it names one of the labelled items.
#[derive(Default, Debug)]
struct Score {
    positives: u32,
    tp: u32,
    fp: u32,
    notes: Vec<String>,
}

impl Score {
    fn add(&mut self, gold: &[String], available_gold: bool, got: &[String], what: String) {
        if available_gold {
            self.positives += 1;
        }
        let right = got.iter().any(|g| gold.iter().any(|s| same_name(s, g)));
        match (got.is_empty(), right) {
            (false, true) => self.tp += 1,
            (false, false) => {
                self.fp += 1;
                self.notes
                    .push(format!("FP {got:?} (label {gold:?}): {what}"));
            }
            (true, _) if available_gold => {
                self.notes.push(format!("FN {gold:?}: {what}"));
            }
            _ => {}
        }
    }
    fn precision(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fp).max(1))
    }
    fn recall(&self) -> f64 {
        f64::from(self.tp) / f64::from(self.positives.max(1))
    }
}

/// Every transcript under `home`, parsed by the product's own parser.
fn parse_home(home: &Path, out: &mut Vec<FileFacts>) {
    let (files, _) = discover::transcripts(&[home.to_path_buf()]);
    for path in files {
        let bytes = fs::read(&path).unwrap();
        let mut facts = FileFacts::default();
        parse::parse_lines(&bytes, &discover::context_of(&path), &[], &mut facts);
        out.push(facts);
    }
}

/// (session, timestamp) of the entry at `file:line`.
fn key_of(root: &Path, file: &str, line: usize) -> Option<(String, i64)> {
    let text = fs::read_to_string(root.join(file)).ok()?;
    let entry: serde_json::Value = serde_json::from_str(text.lines().nth(line - 1)?).ok()?;
    let session = entry["sessionId"].as_str()?.to_string();
    let ts = parse::parse_ts(entry["timestamp"].as_str()?)?;
    Some((session, ts))
}

fn sorted_prompts(facts: &[FileFacts]) -> Vec<&Prompt> {
    let mut prompts: Vec<&Prompt> = facts.iter().flat_map(|f| &f.prompts).collect();
    prompts.sort_by(|a, b| (a.ts, &a.session, &a.text).cmp(&(b.ts, &b.session, &b.text)));
    prompts.dedup_by(|a, b| a.ts == b.ts && a.session == b.session && a.text == b.text);
    prompts
}

#[test]
fn real_prompts_meet_the_precision_and_recall_bar() {
    let Some(home) = realdata() else { return };
    let root = home.parent().unwrap();
    let homes = [home.clone(), root.join("claude-home-2")];
    score_real(root, &homes, &fixtures().join("labels/realdata.toml"));
}

/// The same measure on a labelled set this project does not hold: `SKILLTOP_HELDOUT` names
/// a folder of config directories (`claude-home*`, with `projects/`, `skills/`, `agents/`)
/// and a `labels.toml` in the format of fixtures/labels/realdata.toml, paths relative to
/// the folder. Without it the test says so and passes.
#[test]
fn held_out_prompts_when_given() {
    let Some(root) = std::env::var_os("SKILLTOP_HELDOUT").map(std::path::PathBuf::from) else {
        eprintln!("NOTICE: SKILLTOP_HELDOUT is not set; no held-out evaluation");
        return;
    };
    let mut homes: Vec<std::path::PathBuf> = fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("projects").is_dir())
        .collect();
    homes.sort();
    assert!(
        !homes.is_empty(),
        "no config directory in {}",
        root.display()
    );
    score_real(&root, &homes, &root.join("labels.toml"));
}

/// Precision and recall over the labelled prompts of `homes` (the catalog is read from
/// them too); fails under the bar.
fn score_real(root: &Path, homes: &[std::path::PathBuf], labels: &Path) {
    let catalog = Catalog::load(homes, None, &BTreeMap::new());
    let mut facts = Vec::new();
    for h in homes {
        parse_home(h, &mut facts);
    }
    let refs: Vec<&FileFacts> = facts.iter().collect();
    let sessions = Sessions::from_facts(&refs, &|_| true);
    let prompts = sorted_prompts(&facts);
    let occasions = catalog.occasions(&prompts, &sessions);
    let mut got: HashMap<(String, i64), Vec<String>> = HashMap::new();
    for o in &occasions {
        got.entry((o.prompt.session.to_string(), o.prompt.ts))
            .or_default()
            .push(o.item.clone());
    }

    let text = fs::read_to_string(labels).unwrap();
    let labels: RealLabels = toml::from_str(&text).unwrap();
    let (mut score, mut missed) = (Score::default(), Score::default());
    for l in labels.prompt.iter().filter(|l| l.kind != "command") {
        let key = key_of(root, &l.file, l.line).expect("a labelled line is an entry");
        // Only what the session could have used: its own skill listing, else the catalog.
        let listing = sessions.listings.sessions.get(key.0.as_str());
        let agent = |o: &str| {
            catalog.detector().items.iter().any(|d| {
                same_name(o, &d.name) && d.kind == skilltop::sources::catalog::DefinitionKind::Agent
            }) || sessions
                .runs
                .iter()
                .any(|r| r.agent && same_name(o, r.name))
        };
        let installed = |o: &str| {
            catalog
                .detector()
                .items
                .iter()
                .any(|d| same_name(o, &d.name))
                || sessions.runs.iter().any(|r| same_name(o, r.name))
        };
        let available = l.occasion.iter().any(|o| {
            agent(o)
                || match listing {
                    Some(ls) => ls.iter().any(|n| same_name(n, o)),
                    None => installed(o),
                }
        });
        let flags = got.get(&key).cloned().unwrap_or_default();
        let evidence: Vec<String> = occasions
            .iter()
            .filter(|o| (o.prompt.session.to_string(), o.prompt.ts) == key)
            .map(|o| format!("{:?} {:?} {:.2}", o.flag.signal, o.flag.words, o.flag.score))
            .collect();
        let what = format!(
            "{}:{} {evidence:?}",
            l.file.rsplit('/').next().unwrap(),
            l.line
        );
        score.add(&l.occasion, available, &flags, what.clone());
        // The missed-opportunity view: flags whose item did not run, against the label.
        let uncovered: Vec<String> = occasions
            .iter()
            .filter(|o| (o.prompt.session.to_string(), o.prompt.ts) == key && !o.covered)
            .map(|o| o.item.clone())
            .collect();
        let gold_missed = if l.used == Some(false) {
            l.occasion.clone()
        } else {
            vec![]
        };
        missed.add(
            &gold_missed,
            available && l.used == Some(false),
            &uncovered,
            what,
        );
    }
    println!(
        "real prompts: {} positives, precision {:.2} ({} of {}), recall {:.2}\n\
         missed opportunities: {} real misses, precision {:.2} ({} of {}), recall {:.2}\n{}",
        score.positives,
        score.precision(),
        score.tp,
        score.tp + score.fp,
        score.recall(),
        missed.positives,
        missed.precision(),
        missed.tp,
        missed.tp + missed.fp,
        missed.recall(),
        score.notes.join("\n")
    );
    assert!(
        score.positives >= 10,
        "the labelled set has occasions to find"
    );
    assert!(
        score.precision() >= MIN_PRECISION && score.recall() >= MIN_RECALL,
        "real prompts: precision {:.2}, recall {:.2}\n{:#?}",
        score.precision(),
        score.recall(),
        score.notes
    );
}

/// The written hard cases, with the fictional user's history as earlier sessions.
fn written_score() -> (Score, BTreeMap<String, (u32, u32)>) {
    let dir = fixtures();
    let catalog = Catalog::load(&[dir.join("catalog")], None, &BTreeMap::new());
    assert!(catalog.invocable().count() >= 15);
    let set: Written =
        toml::from_str(&fs::read_to_string(dir.join("prompts/hard.toml")).unwrap()).unwrap();
    let hist: HistoryFile =
        toml::from_str(&fs::read_to_string(dir.join("prompts/hard-history.toml")).unwrap())
            .unwrap();
    let mut prompts: Vec<Prompt> = Vec::new();
    let mut facts = FileFacts::default();
    for (i, h) in hist.history.iter().enumerate() {
        let session = format!("history-{i}");
        prompts.push(Prompt {
            session: session.clone().into(),
            ts: i as i64 * 10,
            text: h.text.clone(),
        });
        facts.skills_seen.push(skilltop::model::facts::SkillSeen {
            name: h.item.clone(),
            session: session.into(),
            ts: i as i64 * 10 + 1,
            how: skilltop::model::facts::SkillSeenHow::Loaded,
        });
    }
    let first = prompts.len();
    for (i, c) in set.prompt.iter().enumerate() {
        prompts.push(Prompt {
            session: format!("hard-{i}").into(),
            ts: 1_000_000 + i as i64,
            text: c.text.clone(),
        });
    }
    let refs: Vec<&Prompt> = prompts.iter().collect();
    let sessions = Sessions::from_facts(&[&facts], &|_| true);
    let occasions = catalog.occasions(&refs, &sessions);
    let mut got: HashMap<&str, Vec<String>> = HashMap::new();
    for o in &occasions {
        got.entry(&*o.prompt.session)
            .or_default()
            .push(o.item.clone());
    }
    let mut score = Score::default();
    let mut by_class: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for (i, c) in set.prompt.iter().enumerate() {
        let p = &prompts[first + i];
        let flags = got.get(&*p.session).cloned().unwrap_or_default();
        let before = (score.tp, score.fp + score.notes.len() as u32);
        score.add(
            &c.should,
            !c.should.is_empty(),
            &flags,
            format!("[{}] {}", c.class, c.text.trim()),
        );
        let wrong = score.fp + score.notes.len() as u32 > before.1;
        let e = by_class.entry(c.class.clone()).or_default();
        e.0 += 1;
        if !wrong {
            e.1 += 1;
        }
    }
    (score, by_class)
}

#[test]
fn written_hard_cases_are_reported_separately() {
    let (score, by_class) = written_score();
    println!(
        "written prompts: {} positives, precision {:.2} ({} of {}), recall {:.2}\n{:?}\n{}",
        score.positives,
        score.precision(),
        score.tp,
        score.tp + score.fp,
        score.recall(),
        by_class,
        score.notes.join("\n")
    );
    assert!(score.positives >= 100);
    // Pasted material and identifiers are where the old rules failed: nothing there may
    // flag. Mentions (naming an item in a question or a report) are harder: most must not.
    for (class, share) in [("paste-only", 1.0), ("identifier", 1.0), ("mention", 0.85)] {
        let (n, right) = by_class[class];
        assert!(
            f64::from(right) >= share * f64::from(n),
            "{class}: {right} of {n} right\n{:#?}",
            score.notes
        );
    }
    assert!(
        score.precision() >= MIN_PRECISION && score.recall() >= MIN_RECALL,
        "written prompts: precision {:.2}, recall {:.2}\n{:#?}",
        score.precision(),
        score.recall(),
        score.notes
    );
}

mod pasted {
    //! Pasted material never asks for anything: alone it never flags, and appended to a
    //! request it never adds a flag the request alone did not have.

    use super::*;
    use proptest::prelude::*;
    use skilltop::sources::catalog::detector::History;

    /// Words a paste may hold: item names, purpose words, request phrases.
    const WORDS: [&str; 16] = [
        "use the code-reviewer agent",
        "systematic-debugging",
        "review my branch",
        "brainstorm",
        "fix the failing tests",
        "/writing-plans",
        "address the PR comments",
        "implement the plan",
        "test-repo",
        "debug",
        "reviewer",
        "it doesnt work",
        "crash",
        "tdd",
        "please",
        "value",
    ];

    fn words() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(&WORDS[..]), 1..5).prop_map(|w| w.join(" "))
    }

    /// One block of pasted material, as tools and terminals print it.
    fn block() -> impl Strategy<Value = String> {
        (0usize..7, words(), words(), 1u32..400).prop_map(|(kind, a, b, n)| match kind {
            0 => format!("```\n{a}\n{b}\n```"),
            1 => format!("2026-11-20T10:00:{:02}Z ERROR {a}\n2026-11-20T10:00:{:02}Z WARN {b}", n % 60, (n + 1) % 60),
            2 => format!("Traceback (most recent call last):\n  File \"app.py\", line {n}, in run\nValueError: {a}"),
            3 => format!("⏺ Bash({a})\n  ⎿  {b}"),
            4 => format!("> {a}\n> {b}"),
            5 => format!("{{\"level\":\"error\",\"msg\":\"{a}\",\"line\":{n}}}"),
            _ => format!("--- FAIL: TestReview ({n}.00s)\n    review_test.go:{n}: {a}"),
        })
    }

    fn paste() -> impl Strategy<Value = String> {
        prop::collection::vec(block(), 1..4).prop_map(|b| b.join("\n\n"))
    }

    type Detector = skilltop::sources::catalog::detector::Detector;

    /// Built once: the fixture catalog and the written requests.
    static DETECTOR: std::sync::LazyLock<Detector> = std::sync::LazyLock::new(|| {
        let catalog = Catalog::load(&[fixtures().join("catalog")], None, &BTreeMap::new());
        Detector::new(&catalog.items)
    });
    static REQUESTS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let set: Written =
            toml::from_str(&fs::read_to_string(fixtures().join("prompts/hard.toml")).unwrap())
                .unwrap();
        set.prompt
            .into_iter()
            .map(|c| c.text.trim().to_string())
            .collect()
    });

    fn detector() -> &'static Detector {
        &DETECTOR
    }

    fn flags(d: &Detector, text: &str) -> Vec<usize> {
        let mut v: Vec<usize> = d
            .judge(text, ("s", 0), &|_| true, History::default().now())
            .flags
            .iter()
            .map(|f| f.item)
            .collect();
        v.sort_unstable();
        v
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn a_prompt_of_pasted_material_only_never_flags(p in paste()) {
            let d = detector();
            prop_assert!(flags(d, &p).is_empty(), "{p:?} flagged {:?}", flags(d, &p));
        }

        #[test]
        fn appending_a_paste_never_adds_a_flag(i in 0usize..220, p in paste()) {
            let request = &REQUESTS[i % REQUESTS.len()];
            let d = detector();
            let alone = flags(d, request);
            let with = flags(d, &format!("{request}\n\n{p}"));
            prop_assert!(
                with.iter().all(|f| alone.contains(f)),
                "{request:?} + paste {p:?}: {with:?} not within {alone:?}"
            );
        }
    }
}
