//! The store's own thread. The dashboard hands it the sources' updates and asks it for
//! pictures; it answers with events. A snapshot over a long range of a large history takes
//! longer than a frame, so it is never computed on the loop's thread (keys stay answered),
//! and whatever arrived while one was computed is applied as one batch before the next.

use std::sync::mpsc as std_mpsc;

use tokio::sync::mpsc;

use super::event::Event;
use super::projects;
use crate::model::facts::Update;
use crate::model::snapshot::Diagnostic;
use crate::sources::catalog::Catalog;
use crate::store::{Query, Store};

pub(crate) enum Job {
    /// What a read or the poller brought; `fresh`: a rescan, its diagnostics replace the old.
    Apply {
        updates: Vec<Update>,
        diagnostics: Vec<Diagnostic>,
        fresh: bool,
    },
    Snapshot(Query),
    /// The snapshot of what is on screen, whole, for an export.
    Export(Query),
    /// The sessions of a skill (`skill`) or agent, for its details.
    Sessions {
        query: Query,
        skill: bool,
        name: String,
    },
    Projects(Query),
}

pub(crate) struct Worker {
    jobs: std_mpsc::Sender<Job>,
}

impl Worker {
    pub(crate) fn spawn(
        store: Store,
        catalog: Catalog,
        events: mpsc::UnboundedSender<Event>,
    ) -> Self {
        let (jobs, rx) = std_mpsc::channel();
        std::thread::Builder::new()
            .name("skilltop-store".into())
            .spawn(move || {
                let mut store = store;
                store.follow();
                run(store, &catalog, &rx, &events)
            })
            .map(|_| ())
            // Without the thread nothing would ever be shown: as fatal as a failed terminal.
            .unwrap_or_else(|e| panic!("cannot start the store's thread: {e}"));
        Worker { jobs }
    }

    pub(crate) fn send(&self, job: Job) {
        // The thread ends only by a panic, which ends the dashboard with its own report.
        let _ = self.jobs.send(job);
    }
}

fn run(
    mut store: Store,
    catalog: &Catalog,
    jobs: &std_mpsc::Receiver<Job>,
    events: &mpsc::UnboundedSender<Event>,
) {
    // A lower priority than the loop's thread: on a busy machine a long snapshot yields the
    // core to a key press. Best effort: if it fails, nothing else changes.
    // SAFETY: gettid and setpriority only read their arguments; on Linux PRIO_PROCESS with a
    // thread id sets that thread's nice value.
    unsafe {
        let tid = libc::gettid() as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 10);
    }
    while let Ok(first) = jobs.recv() {
        // Everything waiting is one batch: updates applied in order, only the last of each
        // question answered.
        let (mut snapshot, mut sessions, mut projects, mut export) = (None, None, None, None);
        for job in std::iter::once(first).chain(jobs.try_iter()) {
            match job {
                Job::Apply {
                    updates,
                    diagnostics,
                    fresh,
                } => apply(&mut store, updates, diagnostics, fresh),
                Job::Snapshot(q) => snapshot = Some(q),
                Job::Export(q) => export = Some(q),
                Job::Sessions { query, skill, name } => sessions = Some((query, skill, name)),
                Job::Projects(q) => projects = Some(q),
            }
        }
        if let Some((q, skill, name)) = sessions {
            let rows = store.item_sessions(&q, catalog, skill, &name);
            let _ = events.send(Event::Sessions(rows));
        }
        if let Some(q) = projects {
            let _ = events.send(Event::Projects(projects::rows(&store, &q, catalog)));
        }
        if let Some(q) = export {
            let _ = events.send(Event::ToExport(Box::new(store.snapshot(&q, catalog))));
        }
        if let Some(q) = snapshot {
            let t = std::time::Instant::now();
            let snap = store.snapshot(&q, catalog);
            let _ = events.send(Event::Snapshot(Box::new(snap), t.elapsed()));
        }
    }
}

fn apply(store: &mut Store, updates: Vec<Update>, diagnostics: Vec<Diagnostic>, fresh: bool) {
    if fresh {
        store.diagnostics.clear();
    }
    updates.into_iter().for_each(|u| store.apply(u));
    // The same file read again reports the same problem again: keep each once.
    for d in diagnostics {
        if !store.diagnostics.contains(&d) {
            store.diagnostics.push(d);
        }
    }
}
