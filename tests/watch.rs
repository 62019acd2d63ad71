//! The watcher on real files: appends in fragments, a truncation, a new project and a new
//! `subagents/` folder, a deletion, each reflected in the store.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use skilltop::sources::transcripts::{Engine, watch};
use skilltop::store::Store;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

fn line(session: &str, id: &str, tool: &str) -> String {
    format!(
        r#"{{"type":"assistant","sessionId":"{session}","timestamp":"2026-11-20T10:00:00Z","cwd":"/w","message":{{"id":"m-{id}","content":[{{"type":"tool_use","id":"{id}","name":"{tool}","input":{{}}}}]}}}}"#
    ) + "\n"
}

struct Rig {
    engine: Engine,
    store: Store,
    rx: UnboundedReceiver<Vec<PathBuf>>,
}

impl Rig {
    /// Apply watcher batches until `done` holds; fails after a generous deadline (a loaded
    /// CI machine is slow, the assertion is about correctness, not speed).
    async fn until(&mut self, what: &str, done: impl Fn(&Store) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !done(&self.store) {
            let batch = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for: {what}"))
                .expect("the watcher is alive");
            let (updates, _) = self.engine.refresh(&batch);
            updates.into_iter().for_each(|u| self.store.apply(u));
        }
    }
}

fn calls(store: &Store, path: &Path) -> Vec<String> {
    store
        .file_facts(path)
        .map(|f| f.calls.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default()
}

async fn exercise(home: &Path, rig: &mut Rig) {
    let s1 = home.join("projects/-w/s1.jsonl");

    // An append in three fragments, with pauses longer than the debounce between them.
    let l = line("s1", "t2", "Bash");
    let mut f = fs::OpenOptions::new().append(true).open(&s1).unwrap();
    for part in [&l[..10], &l[10..50], &l[50..]] {
        f.write_all(part.as_bytes()).unwrap();
        f.flush().unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    rig.until("the appended call", |s| calls(s, &s1) == ["Read", "Bash"])
        .await;

    // Truncated and rewritten: the old contribution is replaced.
    fs::write(&s1, line("s1", "t3", "Grep")).unwrap();
    rig.until("the truncated file", |s| calls(s, &s1) == ["Grep"])
        .await;

    // A new project.
    let p2 = home.join("projects/-new/s2.jsonl");
    fs::create_dir_all(p2.parent().unwrap()).unwrap();
    fs::write(&p2, line("s2", "t4", "Edit")).unwrap();
    rig.until("the new project", |s| calls(s, &p2) == ["Edit"])
        .await;

    // A new 2.1 subagents folder, attributed to its session by the folder name.
    let agent = home.join("projects/-w/s1/subagents/agent-ab.jsonl");
    fs::create_dir_all(agent.parent().unwrap()).unwrap();
    fs::write(
        &agent,
        line("s1", "t5", "Glob").replace(r#""sessionId":"s1","#, ""),
    )
    .unwrap();
    rig.until("the new subagent", |s| calls(s, &agent) == ["Glob"])
        .await;
    let facts = rig.store.file_facts(&agent).unwrap();
    assert_eq!(&*facts.calls[0].session, "s1");
    assert!(facts.calls[0].sidechain);

    // Deleted: its facts go.
    fs::remove_file(&p2).unwrap();
    rig.until("the deletion", |s| s.file_facts(&p2).is_none())
        .await;
    assert_eq!(rig.store.file_count(), 2);
}

fn setup() -> (tempfile::TempDir, PathBuf, Engine, Store) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().to_path_buf();
    fs::create_dir_all(home.join("projects/-w")).unwrap();
    fs::write(home.join("projects/-w/s1.jsonl"), line("s1", "t1", "Read")).unwrap();
    let mut engine = Engine::new(vec![home.clone()]);
    let mut store = Store::new(vec![]);
    let (updates, _) = engine.scan();
    updates.into_iter().for_each(|u| store.apply(u));
    (dir, home, engine, store)
}

#[tokio::test]
async fn the_native_watcher_reflects_every_change() {
    let (_d, home, engine, store) = setup();
    let (tx, rx) = unbounded_channel();
    let handle = watch::spawn(vec![home.clone()], tx).unwrap();
    assert!(!handle.polling, "inotify works here");
    let mut rig = Rig { engine, store, rx };
    exercise(&home, &mut rig).await;

    // Reading files must not look like a change (a feedback loop would spin the CPU).
    tokio::time::sleep(Duration::from_millis(500)).await;
    while rig.rx.try_recv().is_ok() {}
    let (updates, _) = rig.engine.refresh(&[home.join("projects")]);
    assert!(updates.is_empty(), "nothing changed");
    rig.engine.scan();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        rig.rx.try_recv().is_err(),
        "our own reads produced a change batch"
    );
}

#[tokio::test]
async fn the_polling_fallback_reflects_every_change() {
    let (_d, home, engine, store) = setup();
    let (tx, rx) = unbounded_channel();
    let _d2 = watch::polling(&[home.join("projects")], tx).unwrap();
    let mut rig = Rig { engine, store, rx };
    exercise(&home, &mut rig).await;
}

#[tokio::test]
async fn a_config_dir_without_projects_is_watched_until_they_appear() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().to_path_buf();
    let (tx, rx) = unbounded_channel();
    let _h = watch::spawn(vec![home.clone()], tx).unwrap();
    let mut rig = Rig {
        engine: Engine::new(vec![home.clone()]),
        store: Store::new(vec![]),
        rx,
    };
    fs::write(
        home.join("history.jsonl"),
        line("h", "t0", "NotATranscript"),
    )
    .unwrap();
    let p = home.join("projects/-first/s.jsonl");
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, line("s", "t1", "Read")).unwrap();
    rig.until("the first transcript", |s| calls(s, &p) == ["Read"])
        .await;
    assert_eq!(
        rig.store.file_count(),
        1,
        "history.jsonl is not a transcript"
    );
}

/// Live equals scratch: any sequence of appends (some in fragments), rewrites and deletions
/// of three transcripts (a session, a second one sharing call and message ids with it, and a
/// subagent file), each read as the dashboard reads a change, leaves the store giving the
/// same snapshot, every field, as a fresh scan of the final files.
mod live_equals_scratch {
    use super::*;
    use proptest::prelude::*;
    use skilltop::model::range::parse_range;
    use skilltop::model::snapshot::Snapshot;
    use skilltop::sources::catalog::Catalog;
    use skilltop::store::Query;

    #[derive(Debug, Clone)]
    enum Op {
        Append {
            file: usize,
            lines: Vec<u8>,
            fragments: bool,
        },
        Rewrite {
            file: usize,
            lines: Vec<u8>,
        },
        Delete {
            file: usize,
        },
    }

    const FILES: [&str; 3] = [
        "projects/-w/s1.jsonl",
        "projects/-w/s2.jsonl",
        "projects/-w/s1/subagents/agent-a1.jsonl",
    ];

    fn op() -> impl Strategy<Value = Op> {
        let lines = proptest::collection::vec(0u8..13, 1..8);
        prop_oneof![
            6 => (0..3usize, lines.clone(), any::<bool>())
                .prop_map(|(file, lines, fragments)| Op::Append { file, lines, fragments }),
            2 => (0..3usize, lines).prop_map(|(file, lines)| Op::Rewrite { file, lines }),
            1 => (0..3usize).prop_map(|file| Op::Delete { file }),
        ]
    }

    /// One line of kind `k`, the `n`th written; ids repeat on purpose (`n / 2`, `n / 3`) so
    /// calls, results and responses are copied across files.
    fn line(k: u8, n: u64, file: usize) -> String {
        let session = if file == 1 { "s2" } else { "s1" };
        // The second session's lines are written 3 s late, as two sessions running at once
        // are read: a line can come after lines later than it.
        let t = if file == 1 { n.saturating_sub(3) } else { n };
        let ts = format!("2026-11-20T10:{:02}:{:02}Z", t / 60 % 60, t % 60);
        let head = format!(
            r#""sessionId":"{session}","timestamp":"{ts}","cwd":"/w","isSidechain":{}"#,
            file == 2
        );
        let usage = r#""usage":{"input_tokens":3,"output_tokens":7,"cache_read_input_tokens":11}"#;
        let call = |name: &str, input: &str| {
            format!(
                r#"{{"type":"assistant",{head},"message":{{"id":"m{}","model":"claude-sonnet-4-5-20250929","content":[{{"type":"tool_use","id":"t{}","name":"{name}","input":{input}}}],{usage}}}}}"#,
                n / 2,
                n / 3
            )
        };
        let result = |error: bool| {
            format!(
                r#"{{"type":"user",{head},"message":{{"role":"user","content":[{{"type":"tool_result","tool_use_id":"t{}","is_error":{error},"content":"done"}}]}}}}"#,
                n.saturating_sub(1) / 3
            )
        };
        let s = match k {
            0 => call("Bash", r#"{"command":"cargo test"}"#),
            1 => call("Skill", r#"{"skill":"review"}"#),
            2 => call("Task", r#"{"subagent_type":"code-reviewer","prompt":"x"}"#),
            3 => call("Edit", r#"{"file_path":"/w/a.rs"}"#),
            4 => result(false),
            5 => result(true),
            6 => format!(
                r#"{{"type":"user",{head},"message":{{"role":"user","content":"please review my last change for bugs"}}}}"#
            ),
            7 => format!(r#"{{"type":"system","subtype":"compact_boundary",{head}}}"#),
            8 => "{not json".to_string(),
            // A session's own skill listing, without brainstorming (it can come after the
            // session's prompts were judged), a request for brainstorming, and a run of a
            // skill the catalog lacks.
            10 => format!(
                r#"{{"type":"attachment",{head},"attachment":{{"type":"skill_listing","content":"- requesting-code-review: Use when asking for a code review"}}}}"#
            ),
            11 => format!(
                r#"{{"type":"user",{head},"message":{{"role":"user","content":"use the brainstorming skill for this release"}}}}"#
            ),
            12 => call("Skill", r#"{"skill":"release-notes"}"#),
            _ => format!(
                r#"{{"type":"assistant",{head},"message":{{"id":"m{}","model":"claude-opus-4-1","content":[{{"type":"text","text":"ok"}}],{usage}}}}}"#,
                n / 2
            ),
        };
        s + "\n"
    }

    const RANGES: [&str; 3] = ["all", "7d", "1d"];

    /// The question after `step` changes: the clock moves 2 s a step, so the 1d range's
    /// start sweeps across the lines (written from 10:00:00 the day before, a second
    /// apart) while the dashboard keeps its counts.
    fn query(range: &str, step: usize) -> Query {
        let start: chrono::DateTime<chrono::Utc> = "2026-11-21T10:00:00Z".parse().expect("a time");
        Query {
            project: None,
            range: parse_range(range).expect("a range"),
            sessions: None,
            timezone: chrono_tz::UTC,
            now: start + chrono::Duration::seconds(2 * step as i64),
            redact: false,
            all_examples: true,
            session_rows: true,
        }
    }

    /// The snapshots of the store kept live through `ops`, and of a fresh scan after them.
    fn live_and_scratch(ops: &[Op]) -> (Vec<Snapshot>, Vec<Snapshot>) {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_path_buf();
        fs::create_dir_all(home.join("projects/-w/s1/subagents")).unwrap();
        let mut engine = Engine::new(vec![home.clone()]);
        let catalog = Catalog::load(
            &[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalog")],
            None,
            &Default::default(),
        );
        // One store kept live per range, as the dashboard keeps it: following, asked the
        // same question after every change.
        let mut live: Vec<Store> = RANGES.iter().map(|_| Store::new(vec![])).collect();
        let scanned = engine.scan().0;
        for store in &mut live {
            store.follow();
            scanned.iter().cloned().for_each(|u| store.apply(u));
        }
        let refresh = |engine: &mut Engine, live: &mut Vec<Store>, path: &Path| {
            let (updates, _) = engine.refresh(&[path.to_path_buf()]);
            for store in live.iter_mut() {
                updates.iter().cloned().for_each(|u| store.apply(u));
            }
        };
        let mut n = 0u64;
        let mut text = |file: usize, lines: &[u8]| -> String {
            lines
                .iter()
                .map(|k| {
                    n += 1;
                    line(*k, n, file)
                })
                .collect()
        };
        for (step, op) in ops.iter().enumerate() {
            for (store, range) in live.iter().zip(RANGES) {
                store.snapshot(&query(range, step), &catalog);
            }
            match op {
                Op::Append {
                    file,
                    lines,
                    fragments,
                } => {
                    let path = home.join(FILES[*file]);
                    let text = text(*file, lines);
                    let mut f = fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&path)
                        .unwrap();
                    if *fragments {
                        // Read between the fragments: the unfinished line waits.
                        let cut = text.len() / 2;
                        f.write_all(&text.as_bytes()[..cut]).unwrap();
                        refresh(&mut engine, &mut live, &path);
                        f.write_all(&text.as_bytes()[cut..]).unwrap();
                    } else {
                        f.write_all(text.as_bytes()).unwrap();
                    }
                    refresh(&mut engine, &mut live, &path);
                }
                Op::Rewrite { file, lines } => {
                    let path = home.join(FILES[*file]);
                    fs::write(&path, text(*file, lines)).unwrap();
                    refresh(&mut engine, &mut live, &path);
                }
                Op::Delete { file } => {
                    let path = home.join(FILES[*file]);
                    let _ = fs::remove_file(&path);
                    refresh(&mut engine, &mut live, &path);
                }
            }
        }
        let mut scratch = Store::new(vec![]);
        Engine::new(vec![home])
            .scan()
            .0
            .into_iter()
            .for_each(|u| scratch.apply(u));
        assert_eq!(live[0].file_count(), scratch.file_count());
        // Asked once more after the last change, then later with nothing changed: the
        // range's start has moved across lines counted before.
        for (store, range) in live.iter().zip(RANGES) {
            store.snapshot(&query(range, ops.len()), &catalog);
        }
        let end = ops.len() + 5;
        let of = |stores: &[&Store]| -> Vec<Snapshot> {
            stores
                .iter()
                .zip(RANGES)
                .map(|(s, r)| s.snapshot(&query(r, end), &catalog))
                .collect()
        };
        (of(&live.iter().collect::<Vec<_>>()), of(&[&scratch; 3]))
    }

    /// The generated lines make a full picture: calls, failures, prompts, cost, a missed
    /// review but not a skill the session's later listing lacks, copies counted once.
    #[test]
    fn the_lines_make_a_full_picture() {
        let ops = [
            Op::Append {
                file: 0,
                lines: vec![6, 0, 4, 3, 5, 9, 2, 4],
                fragments: true,
            },
            Op::Append {
                file: 1,
                lines: vec![0, 0, 4, 6, 3],
                fragments: false,
            },
            // A request for brainstorming, then a listing without it: no longer an occasion.
            Op::Append {
                file: 1,
                lines: vec![11],
                fragments: false,
            },
            Op::Append {
                file: 1,
                lines: vec![10],
                fragments: false,
            },
            Op::Append {
                file: 2,
                lines: vec![3, 4, 8],
                fragments: false,
            },
        ];
        let (live, scratch) = live_and_scratch(&ops);
        let all = &scratch[0];
        assert!(all.totals.tool_calls >= 5, "{:?}", all.totals);
        assert!(all.totals.tool_failure >= 1 && all.totals.prompts >= 2);
        assert!(all.totals.cost_usd > 0.0);
        let missed: Vec<&str> = all
            .missed_opportunities
            .iter()
            .map(|m| m.item.as_str())
            .collect();
        assert!(missed.contains(&"code-reviewer"), "{missed:?}");
        assert!(!missed.contains(&"brainstorming"), "not listed: {missed:?}");
        assert_eq!(live, scratch);
    }

    /// A session asks for a review; the missed review goes once a reviewer runs in it,
    /// though nothing new was flagged since.
    #[test]
    fn a_run_that_covers_a_request_takes_it_off_the_missed() {
        let append = |line: u8| Op::Append {
            file: 0,
            lines: vec![line],
            fragments: false,
        };
        let missed = |s: &Snapshot| s.missed_opportunities.len();
        let (live, scratch) = live_and_scratch(&[append(6)]);
        assert_eq!(missed(&scratch[0]), 1, "asked, not run");
        assert_eq!(live, scratch);
        let (live, scratch) = live_and_scratch(&[append(6), append(2)]);
        assert_eq!(
            missed(&scratch[0]),
            0,
            "{:?}",
            scratch[0].missed_opportunities
        );
        assert_eq!(live, scratch);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn live_changes_give_the_snapshot_of_a_fresh_scan(ops in proptest::collection::vec(op(), 1..14)) {
            let (live, scratch) = live_and_scratch(&ops);
            prop_assert_eq!(live, scratch);
        }
    }
}
