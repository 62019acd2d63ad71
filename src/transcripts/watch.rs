//! The watcher: notify (recursive, debounced) with a polling fallback; reports which paths
//! changed and nothing else.

use std::path::PathBuf;
use std::time::Duration;

use color_eyre::Result;
use color_eyre::eyre::{WrapErr, eyre};
use notify_debouncer_full::notify::{self, PollWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, NoCache, RecommendedCache, new_debouncer, new_debouncer_opt,
};
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
            Ok(events) => events.into_iter().flat_map(|e| e.event.paths).collect(),
            Err(errors) => errors.into_iter().flat_map(|e| e.paths).collect(),
        };
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            let _ = tx.send(paths);
        }
    }
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

/// The fallback: a stat walk every `POLL`.
pub fn polling(
    roots: &[PathBuf],
    tx: UnboundedSender<Vec<PathBuf>>,
) -> Result<Debouncer<PollWatcher, NoCache>> {
    let config = notify::Config::default().with_poll_interval(POLL);
    let mut d =
        new_debouncer_opt::<_, PollWatcher, NoCache>(DEBOUNCE, None, handler(tx), NoCache, config)
            .wrap_err("cannot start the polling watcher")?;
    for root in roots {
        d.watch(root, RecursiveMode::Recursive)
            .wrap_err_with(|| format!("cannot watch {}", root.display()))?;
    }
    Ok(d)
}
