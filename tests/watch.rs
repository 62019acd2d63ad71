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
    assert_eq!(facts.calls[0].session, "s1");
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
