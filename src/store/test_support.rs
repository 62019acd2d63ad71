//! Helpers for tests that build a store by hand (tests only): a fixed clock, a session's
//! record in a file, a query.

use chrono::{DateTime, Utc};

use crate::model::facts::{FileFacts, Millis, SessionSeen};
use crate::model::range::RangeSpec;
use crate::store::Query;

const DAY: i64 = 86_400_000;

/// The tests' clock.
pub(crate) fn now() -> DateTime<Utc> {
    "2026-11-20T12:00:00Z".parse().expect("a time")
}

pub(crate) fn ms_days_ago(d: f64) -> Millis {
    now().timestamp_millis() - (d * DAY as f64) as i64
}

/// `facts` records session `id`, run in `cwd` from `first` to `last`.
pub(crate) fn session(facts: &mut FileFacts, id: &str, cwd: &str, first: Millis, last: Millis) {
    facts.sessions.insert(
        id.into(),
        SessionSeen {
            first_ts: first,
            last_ts: last,
            cwd: Some(cwd.into()),
            sidechain_cwd: None,
        },
    );
}

/// A query at the tests' clock, UTC, over `range` and `project`.
pub(crate) fn query(range: RangeSpec, project: Option<&str>) -> Query {
    Query {
        project: project.map(str::to_string),
        range,
        sessions: None,
        timezone: chrono_tz::UTC,
        now: now(),
        redact: false,
        all_examples: false,
        session_rows: true,
    }
}
