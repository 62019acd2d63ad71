//! The watcher: notify (recursive, debounced) with a polling fallback; reports which paths
//! changed and nothing else.

use std::path::PathBuf;
use std::time::Duration;

use color_eyre::Result;
use color_eyre::eyre::WrapErr;
use notify::{RecursiveMode, Watcher};
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
    /// The native watcher or the poller; `None` when no config dir exists.
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
        Ok(w) => Ok(WatchHandle {
            _watcher: Some(Box::new(w)),
            polling: false,
        }),
        Err(_) => Ok(WatchHandle {
            _watcher: Some(Box::new(polling(&roots, tx)?)),
            polling: true,
        }),
    }
}

/// inotify (or the platform's equivalent). Events go to a thread that blocks until the
/// first one, then gathers the burst for `DEBOUNCE`: no timer runs while nothing changes
/// (a ticking debouncer would cost CPU in a dashboard left open all day).
fn native(
    roots: &[PathBuf],
    tx: UnboundedSender<Vec<PathBuf>>,
) -> Result<notify::RecommendedWatcher> {
    let (raw_tx, raw_rx) = std::sync::mpsc::channel::<Vec<PathBuf>>();
    let watched = roots.to_vec();
    let mut w = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Some(paths) = changed_paths(res, &watched) {
            let _ = raw_tx.send(paths);
        }
    })
    .wrap_err("cannot start the file watcher")?;
    for root in roots {
        w.watch(root, RecursiveMode::Recursive)
            .wrap_err_with(|| format!("cannot watch {}", root.display()))?;
    }
    std::thread::Builder::new()
        .name("skilltop-watch".into())
        .spawn(move || {
            while let Ok(first) = raw_rx.recv() {
                let mut batch = first;
                let until = std::time::Instant::now() + DEBOUNCE;
                while let Some(left) = until.checked_duration_since(std::time::Instant::now()) {
                    match raw_rx.recv_timeout(left) {
                        Ok(more) => batch.extend(more),
                        Err(_) => break,
                    }
                }
                batch.sort();
                batch.dedup();
                if !batch.is_empty() && tx.send(batch).is_err() {
                    return;
                }
            }
        })
        .wrap_err("cannot start the watcher thread")?;
    Ok(w)
}

/// The paths an event asks to re-read. Opens and closes are ignored (the engine's own reads
/// cause them, and reacting would loop). An error carries the paths to rescan; a queue
/// overflow (notify's `Rescan` flag) or an error naming no path means events were lost:
/// every root is rescanned, so nothing that changed meanwhile is missed.
fn changed_paths(res: notify::Result<notify::Event>, roots: &[PathBuf]) -> Option<Vec<PathBuf>> {
    let paths = match res {
        Ok(e) if e.need_rescan() => return Some(roots.to_vec()),
        Ok(e) if matches!(e.kind, notify::EventKind::Access(_)) => return None,
        Ok(e) => e.paths,
        Err(e) => e.paths,
    };
    if paths.is_empty() {
        return Some(roots.to_vec());
    }
    Some(paths)
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
    use super::*;

    #[test]
    fn lost_events_rescan_every_root() {
        let roots = vec![PathBuf::from("/c/projects"), PathBuf::from("/d/projects")];
        let overflow =
            notify::Event::new(notify::EventKind::Other).set_flag(notify::event::Flag::Rescan);
        assert_eq!(changed_paths(Ok(overflow), &roots), Some(roots.clone()));
        let err = notify::Error::generic("queue overflow");
        assert_eq!(changed_paths(Err(err), &roots), Some(roots.clone()));
        let one = notify::Event::new(notify::EventKind::Modify(notify::event::ModifyKind::Any))
            .add_path(PathBuf::from("/c/projects/-p/s.jsonl"));
        assert_eq!(
            changed_paths(Ok(one), &roots),
            Some(vec![PathBuf::from("/c/projects/-p/s.jsonl")])
        );
        let open = notify::Event::new(notify::EventKind::Access(notify::event::AccessKind::Any))
            .add_path(PathBuf::from("/c/projects/-p/s.jsonl"));
        assert_eq!(changed_paths(Ok(open), &roots), None);
    }
}
