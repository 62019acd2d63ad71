//! The watcher: notify (recursive, debounced) with a polling fallback; reports which paths
//! changed and nothing else.

use std::path::PathBuf;
use std::time::Duration;

use color_eyre::Result;
use color_eyre::eyre::{WrapErr, eyre};
use notify_debouncer_full::notify::{self, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::mpsc::UnboundedSender;

/// Appends arrive in bursts (a tool call and its result); one batch per burst.
const DEBOUNCE: Duration = Duration::from_millis(150);
/// Polling interval when the native watcher cannot be used (inotify limits, network mounts).
const POLL: Duration = Duration::from_secs(1);

/// Keeps the watcher alive; dropping it stops watching.
pub struct WatchHandle {
    /// The debouncer (native or polling); `None` when no config dir exists.
    _watcher: Option<Box<dyn Send>>,
    /// `true` when the native watcher failed and the polling fallback runs.
    pub polling: bool,
}

/// Watch `dirs` recursively (see `super::watch_roots`) and send batches of changed paths on
/// `tx`.
pub fn spawn(dirs: Vec<PathBuf>, tx: UnboundedSender<Vec<PathBuf>>) -> Result<WatchHandle> {
    let roots = super::watch_roots(&dirs);
    if roots.is_empty() {
        return Ok(WatchHandle {
            _watcher: None,
            polling: false,
        });
    }
    match native(&roots, tx.clone()) {
        Ok(d) => Ok(WatchHandle {
            _watcher: Some(Box::new(d)),
            polling: false,
        }),
        Err(_) => {
            let d = polling(&roots, tx)?;
            Ok(WatchHandle {
                _watcher: Some(Box::new(d)),
                polling: true,
            })
        }
    }
}

fn handler(tx: UnboundedSender<Vec<PathBuf>>) -> impl FnMut(DebounceEventResult) + Send + 'static {
    move |result: DebounceEventResult| {
        // Errors (a vanished folder, an overflowed queue) are answered by a rescan of the
        // affected paths, which the engine does for whatever path it gets.
        let mut paths: Vec<PathBuf> = match result {
            // Opening or reading is no change, and the engine's own reads of a changed
            // folder would otherwise come back as events: a loop that never idles.
            Ok(events) => events
                .into_iter()
                .filter(|e| !is_read_only(&e.event.kind))
                .flat_map(|e| e.event.paths)
                .collect(),
            Err(errors) => errors.into_iter().flat_map(|e| e.paths).collect(),
        };
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            let _ = tx.send(paths);
        }
    }
}

fn is_read_only(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind};
    matches!(kind, EventKind::Access(a) if *a != AccessKind::Close(AccessMode::Write))
}

fn native(
    roots: &[PathBuf],
    tx: UnboundedSender<Vec<PathBuf>>,
) -> Result<Debouncer<notify::RecommendedWatcher, RecommendedCache>> {
    let mut d = new_debouncer(DEBOUNCE, None, handler(tx))?;
    for root in roots {
        d.watch(root, RecursiveMode::Recursive)
            .map_err(|e| eyre!("{e}"))
            .wrap_err_with(|| format!("cannot watch {}", root.display()))?;
    }
    Ok(d)
}

/// The fallback: a stat walk every `POLL`, comparing size, mtime (to the nanosecond) and
/// inode of every transcript. notify's own `PollWatcher` compares mtimes in whole seconds and
/// misses appends within the same second, or hashes whole files, which is too costly here.
pub fn polling(roots: &[PathBuf], tx: UnboundedSender<Vec<PathBuf>>) -> Result<Poller> {
    let stop = Arc::new(AtomicBool::new(false));
    let roots = roots.to_vec();
    let flag = Arc::clone(&stop);
    std::thread::Builder::new()
        .name("skilltop-poll".into())
        .spawn(move || {
            let mut before = stat_all(&roots);
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(POLL);
                let now = stat_all(&roots);
                let mut changed: Vec<PathBuf> = now
                    .iter()
                    .filter(|(p, s)| before.get(*p) != Some(s))
                    .map(|(p, _)| p.clone())
                    .collect();
                changed.extend(before.keys().filter(|p| !now.contains_key(*p)).cloned());
                if !changed.is_empty() && tx.send(changed).is_err() {
                    return;
                }
                before = now;
            }
        })
        .wrap_err("cannot start the polling watcher")?;
    Ok(Poller { stop })
}

/// Stops the polling thread when dropped.
pub struct Poller {
    stop: Arc<AtomicBool>,
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn stat_all(roots: &[PathBuf]) -> HashMap<PathBuf, (u64, i64, i64, u64)> {
    roots
        .iter()
        .flat_map(|r| super::discover::transcripts_under(r).0)
        .filter_map(|p| {
            let m = std::fs::metadata(&p).ok()?;
            Some((p, (m.len(), m.mtime(), m.mtime_nsec(), m.ino())))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::is_read_only;
    use notify_debouncer_full::notify::event::{
        AccessKind, AccessMode, CreateKind, EventKind, ModifyKind,
    };

    #[test]
    fn reads_are_not_changes_but_writes_are() {
        assert!(is_read_only(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(is_read_only(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!is_read_only(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(!is_read_only(&EventKind::Modify(ModifyKind::Any)));
        assert!(!is_read_only(&EventKind::Create(CreateKind::File)));
    }
}
