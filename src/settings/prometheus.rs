//! Where the Prometheus server is and how to authenticate (the README's "Prometheus"):
//! resolution order of flag, environment and config file; secrets.

use std::path::Path;
use std::time::Duration;

use crate::settings::config::PrometheusConfig;

/// The longest timeout or poll interval accepted: one day (larger values overflow the
/// timers' clock arithmetic).
pub const MAX_SECS: u64 = 86_400;

/// The largest `prometheus.max_body_mb` accepted.
pub const MAX_BODY_MB: u64 = 4096;

/// A Prometheus setting that cannot be used; names where the value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrometheusError {
    /// `from`: `endpoint` does not parse as a URL.
    NotAUrl {
        from: &'static str,
        endpoint: String,
        reason: String,
    },
    /// `from`: `endpoint` is a URL of another scheme than http or https.
    NotHttp {
        from: &'static str,
        endpoint: String,
    },
    /// A timeout or poll interval outside 1 to [`MAX_SECS`] seconds.
    DurationOutOfRange,
    /// `max_body_mb` outside 1 to [`MAX_BODY_MB`].
    BodyCapOutOfRange,
}

impl std::fmt::Display for PrometheusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrometheusError::NotAUrl {
                from,
                endpoint,
                reason,
            } => write!(f, "{from}: {endpoint:?} is not a URL ({reason})"),
            PrometheusError::NotHttp { from, endpoint } => {
                write!(
                    f,
                    "{from}: {endpoint:?} must start with http:// or https://"
                )
            }
            PrometheusError::DurationOutOfRange => write!(
                f,
                "config prometheus.timeout_secs and poll_interval_secs accept 1 to {MAX_SECS} \
                 seconds"
            ),
            PrometheusError::BodyCapOutOfRange => write!(
                f,
                "config prometheus.max_body_mb accepts 1 to {MAX_BODY_MB} (MB)"
            ),
        }
    }
}

impl std::error::Error for PrometheusError {}

/// Where and how to reach the server. Secrets live here and nowhere else: `Debug` prints
/// none of them, and `display_endpoint` strips credentials from the URL.
#[derive(Clone)]
pub struct PrometheusSettings {
    pub endpoint: String,
    pub timeout: Duration,
    pub poll_interval: Duration,
    /// The largest answer read, in bytes: past it the download stops and nothing is decoded.
    pub max_body_bytes: u64,
    pub auth: Auth,
    /// Sent as `X-Scope-OrgID` (Mimir, Cortex, Thanos receive).
    pub tenant: Option<String>,
    /// Extra label matchers added to every selector: `user_email="me@example.com"`.
    pub matchers: Vec<String>,
}

#[derive(Clone, PartialEq)]
pub enum Auth {
    None,
    Bearer(String),
    Basic { user: String, password: String },
}

impl std::fmt::Debug for PrometheusSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let auth = match self.auth {
            Auth::None => "none",
            Auth::Bearer(_) => "bearer (hidden)",
            Auth::Basic { .. } => "basic (hidden)",
        };
        f.debug_struct("Settings")
            .field("endpoint", &self.display_endpoint())
            .field("timeout", &self.timeout)
            .field("poll_interval", &self.poll_interval)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("auth", &auth)
            .field("tenant", &self.tenant)
            .field("matchers", &self.matchers)
            .finish()
    }
}

/// Where a value came from, for the error that names it.
fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl PrometheusSettings {
    /// Resolution order: the flag, `PROMETHEUS_ENDPOINT`, the hook plugin's
    /// `${CLAUDE_PLUGIN_ROOT}/config/endpoint.env`, the config file. `Ok(None)`: disabled.
    /// Auth: `SKILLTOP_PROMETHEUS_TOKEN`, or `SKILLTOP_PROMETHEUS_USER` and `_PASSWORD`,
    /// else the config file; `SKILLTOP_PROMETHEUS_TENANT` or `tenant`.
    pub(crate) fn resolve(
        flag: Option<&str>,
        no_prometheus: bool,
        cfg: &PrometheusConfig,
    ) -> Result<Option<PrometheusSettings>, PrometheusError> {
        if no_prometheus {
            return Ok(None);
        }
        let plugin = || {
            let root = env("CLAUDE_PLUGIN_ROOT")?;
            endpoint_env(&Path::new(&root).join("config/endpoint.env"))
        };
        let Some((endpoint, from)) = flag
            .map(|f| (f.to_string(), "--prometheus-endpoint"))
            .or_else(|| env("PROMETHEUS_ENDPOINT").map(|e| (e, "PROMETHEUS_ENDPOINT")))
            .or_else(|| plugin().map(|e| (e, "${CLAUDE_PLUGIN_ROOT}/config/endpoint.env")))
            .or_else(|| {
                cfg.endpoint
                    .clone()
                    .map(|e| (e, "the config file's prometheus.endpoint"))
            })
        else {
            return Ok(None);
        };
        let url = reqwest::Url::parse(endpoint.trim()).map_err(|e| PrometheusError::NotAUrl {
            from,
            endpoint: redact_userinfo(&endpoint),
            reason: e.to_string(),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(PrometheusError::NotHttp {
                from,
                endpoint: redact_userinfo(&endpoint),
            });
        }
        let auth = match (
            env("SKILLTOP_PROMETHEUS_TOKEN"),
            env("SKILLTOP_PROMETHEUS_USER"),
        ) {
            (Some(t), _) => Auth::Bearer(t),
            (None, Some(user)) => Auth::Basic {
                user,
                password: env("SKILLTOP_PROMETHEUS_PASSWORD").unwrap_or_default(),
            },
            (None, None) => match (&cfg.bearer_token, &cfg.username) {
                (Some(t), _) => Auth::Bearer(t.clone()),
                (None, Some(u)) => Auth::Basic {
                    user: u.clone(),
                    password: cfg.password.clone().unwrap_or_default(),
                },
                (None, None) => Auth::None,
            },
        };
        let secs = 1..=MAX_SECS;
        if !secs.contains(&cfg.timeout_secs) || !secs.contains(&cfg.poll_interval_secs) {
            return Err(PrometheusError::DurationOutOfRange);
        }
        if !(1..=MAX_BODY_MB).contains(&cfg.max_body_mb) {
            return Err(PrometheusError::BodyCapOutOfRange);
        }
        Ok(Some(PrometheusSettings {
            endpoint: url.as_str().trim_end_matches('/').to_string(),
            timeout: Duration::from_secs(cfg.timeout_secs),
            poll_interval: Duration::from_secs(cfg.poll_interval_secs),
            max_body_bytes: cfg.max_body_mb * 1_000_000,
            auth,
            tenant: env("SKILLTOP_PROMETHEUS_TENANT").or_else(|| cfg.tenant.clone()),
            matchers: cfg.matchers.clone(),
        }))
    }

    /// The endpoint without user or password, for output.
    pub(crate) fn display_endpoint(&self) -> String {
        display_url(&self.endpoint)
    }
}

pub(crate) fn display_url(endpoint: &str) -> String {
    match reqwest::Url::parse(endpoint) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.as_str().trim_end_matches('/').to_string()
        }
        Err(_) => "(invalid URL)".into(),
    }
}

/// `endpoint` with the credentials of its authority (`user:password@`) replaced by `***`,
/// the rest kept where it was: for errors about a URL that does not even parse.
pub(crate) fn redact_userinfo(endpoint: &str) -> String {
    let start = endpoint.find("://").map_or(0, |i| i + 3);
    let rest = &endpoint[start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{}***{}", &endpoint[..start], &rest[at..]),
        None => endpoint.to_string(),
    }
}

/// `PROMETHEUS_ENDPOINT=...` from the hook plugin's env file (`export`, quotes tolerated).
fn endpoint_env(path: &Path) -> Option<String> {
    let text =
        crate::model::files::read_capped_string(path, crate::model::files::SMALL_FILE_CAP).ok()?;
    text.lines().find_map(|l| {
        let l = l.trim();
        let l = l.strip_prefix("export ").unwrap_or(l);
        let v = l.strip_prefix("PROMETHEUS_ENDPOINT=")?;
        let v = v.trim().trim_matches(|c| c == '"' || c == '\'');
        (!v.is_empty()).then(|| v.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_env_file_of_the_plugin() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("endpoint.env");
        std::fs::write(
            &p,
            "# comment\nexport PROMETHEUS_ENDPOINT=\"http://p:9090\"\n",
        )
        .unwrap();
        assert_eq!(endpoint_env(&p).as_deref(), Some("http://p:9090"));
        std::fs::write(&p, "OTHER=1\n").unwrap();
        assert_eq!(endpoint_env(&p), None);
    }

    #[test]
    fn secrets_stay_out_of_debug_and_display() {
        let s = PrometheusSettings {
            endpoint: "https://alice:hunter2@mimir.example/prometheus".into(),
            timeout: Duration::from_secs(1),
            poll_interval: Duration::from_secs(1),
            max_body_bytes: 1_000_000,
            auth: Auth::Bearer("tok-SECRET".into()),
            tenant: Some("team".into()),
            matchers: vec![],
        };
        let shown = format!("{s:?} {}", s.display_endpoint());
        assert!(
            !shown.contains("hunter2") && !shown.contains("alice"),
            "{shown}"
        );
        assert!(!shown.contains("tok-SECRET"), "{shown}");
        assert!(shown.contains("https://mimir.example/prometheus"));
    }

    #[test]
    fn flag_wins_and_bad_urls_are_refused() {
        let cfg = PrometheusConfig {
            endpoint: Some("http://from-config:9090".into()),
            ..Default::default()
        };
        let s = PrometheusSettings::resolve(Some("http://flag:1/"), false, &cfg)
            .unwrap()
            .unwrap();
        assert_eq!(s.endpoint, "http://flag:1");
        assert!(
            PrometheusSettings::resolve(Some("http://x"), true, &cfg)
                .unwrap()
                .is_none()
        );
        let e = PrometheusSettings::resolve(Some("localhost:9090"), false, &cfg)
            .unwrap_err()
            .to_string();
        assert!(e.contains("--prometheus-endpoint"), "{e}");
    }

    #[test]
    fn credentials_of_a_bad_url_are_not_echoed() {
        for (bad, shown) in [
            ("http://u:PASS@host:99999", "http://***@host:99999"),
            ("ftp://u:PASS@host/x@y", "ftp://***@host/x@y"),
            ("u:PASS@host:99999", "***@host:99999"),
        ] {
            let e = PrometheusSettings::resolve(Some(bad), false, &Default::default())
                .unwrap_err()
                .to_string();
            assert!(!e.contains("PASS"), "{e}");
            assert!(e.contains(shown), "{e}");
        }
        assert_eq!(redact_userinfo("http://h:1/a@b"), "http://h:1/a@b");
    }

    #[test]
    fn durations_are_range_checked() {
        for (timeout_secs, poll_interval_secs) in [(0, 30), (5, 0), (5, u64::MAX), (u64::MAX, 30)] {
            let cfg = PrometheusConfig {
                timeout_secs,
                poll_interval_secs,
                ..Default::default()
            };
            let e = PrometheusSettings::resolve(Some("http://x:1"), false, &cfg).unwrap_err();
            assert_eq!(e, PrometheusError::DurationOutOfRange);
            assert!(e.to_string().contains("poll_interval_secs"));
        }
    }
}
