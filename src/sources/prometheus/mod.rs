//! The Prometheus source (the README's "Prometheus"): client, queries, poller. Optional: when it is
//! disabled or down, the transcripts carry on and the snapshot says why.

pub(crate) mod client;
pub(crate) mod queries;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::model::range::RangeSpec;
use crate::model::snapshot::{PromStatus, PrometheusSource};

use crate::model::prom::{PromData, PromFacts};
/// Where and how to reach the server, resolved in `settings`.
pub use crate::settings::prometheus::{Auth, PrometheusSettings as Settings};
pub use client::{Client, PromError};

/// The scope and range to query: the same as the snapshot's.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub project: Option<String>,
    pub range: RangeSpec,
    /// A fixed clock (tests, `--now`); `None`: the time of each poll.
    pub now: Option<DateTime<Utc>>,
}

/// Query once. Never fails: problems land in `source.status` and `source.error`.
pub async fn fetch_once(settings: &Settings, window: &Window) -> PromData {
    let started = Instant::now();
    let mut source = PrometheusSource {
        endpoint: Some(settings.display_endpoint()),
        ..Default::default()
    };
    match fetch(settings, window).await {
        Ok(facts) => {
            source.status = PromStatus::Ok;
            source.latency_ms = Some(started.elapsed().as_millis() as u64);
            source.last_poll = Some(Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            PromData {
                source,
                facts: Some(facts),
            }
        }
        Err(e) => {
            source.status = if e.unreachable() {
                PromStatus::Unreachable
            } else {
                PromStatus::Error
            };
            source.error = Some(e.to_string());
            PromData {
                source,
                facts: None,
            }
        }
    }
}

async fn fetch(settings: &Settings, window: &Window) -> Result<PromFacts, PromError> {
    let client = Client::new(settings)?;
    let names = client.names("claude_code_.*").await?;
    let plan = queries::Plan {
        client: &client,
        names: queries::Names::new(names),
        selector: queries::selector(window, &settings.matchers),
        range: queries::range_of(window),
        at: window.now.unwrap_or_else(Utc::now),
    };
    plan.facts().await
}

/// The delay before the next poll after `failures` failures in a row: the interval, then
/// doubling up to four times it, so a server back up is seen again soon.
pub(crate) fn backoff(interval: Duration, failures: u32) -> Duration {
    interval * 2u32.pow(failures.min(2))
}

/// Poll every `settings.poll_interval` (with backoff on failure) and at once whenever
/// `window` changes; send each result. On failure the last good numbers are sent again,
/// marked stale with their age. Ends when `tx` is closed.
pub fn spawn_poller(
    settings: Settings,
    mut window: tokio::sync::watch::Receiver<Window>,
    tx: tokio::sync::mpsc::UnboundedSender<PromData>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_good: Option<(PromData, Instant)> = None;
        let mut failures = 0;
        loop {
            let w = window.borrow_and_update().clone();
            let mut data = fetch_once(&settings, &w).await;
            if data.source.status == PromStatus::Ok {
                failures = 0;
                last_good = Some((data.clone(), Instant::now()));
            } else {
                failures += 1;
                if let Some((good, at)) = &last_good {
                    data.facts = good.facts.clone();
                    data.source.last_poll = good.source.last_poll.clone();
                    data.source.stale_secs = Some(at.elapsed().as_secs());
                }
            }
            if tx.send(data).is_err() {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(backoff(settings.poll_interval, failures)) => {}
                r = window.changed() => if r.is_err() { return },
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_four_times() {
        let s = Duration::from_secs(10);
        assert_eq!(backoff(s, 0), s);
        assert_eq!(backoff(s, 1), s * 2);
        assert_eq!(backoff(s, 5), s * 4);
    }
}
