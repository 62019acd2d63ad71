//! The HTTP API client: timeouts, auth headers, the `{status, data|errorType, error}`
//! envelope decoded before the HTTP status, vector/matrix/scalar results, and one error
//! kind per way a server can fail.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Auth, Settings};

#[derive(Debug, Clone, PartialEq)]
pub enum PromError {
    /// Connection refused, DNS failure, TLS failure: the server cannot be reached.
    Unreachable(String),
    /// No answer within the timeout.
    Timeout(Duration),
    /// The API said no: `errorType` (`bad_data`, `execution`, `unavailable`, ...).
    Api {
        kind: String,
        message: String,
        http: u16,
    },
    /// An HTTP error without an API envelope (a proxy, a wrong path).
    Http { status: u16, body: String },
    /// A success status with something else than the API's JSON (an HTML login page).
    NotJson { content_type: String, body: String },
    /// The answer is longer than the cap (`prometheus.max_body_mb`): reading stopped there.
    TooLarge { cap: u64 },
}

impl PromError {
    /// Unreachable (nothing answers) as opposed to an error (something answered wrong).
    pub(crate) fn unreachable(&self) -> bool {
        matches!(self, PromError::Unreachable(_) | PromError::Timeout(_))
    }
}

impl std::fmt::Display for PromError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            PromError::Unreachable(e) => write!(f, "cannot connect: {e}"),
            PromError::Timeout(d) => write!(f, "no answer within {} s", d.as_secs_f64()),
            PromError::Api {
                kind,
                message,
                http,
            } => {
                write!(f, "the server answered {kind} (HTTP {http}): {message}")
            }
            PromError::Http { status, body } => write!(f, "HTTP {status}: {body}"),
            PromError::TooLarge { cap } => write!(
                f,
                "the answer is larger than {} (prometheus.max_body_mb); not read further",
                crate::model::format::megabytes(*cap)
            ),
            PromError::NotJson { content_type, body } => {
                write!(
                    f,
                    "the answer is not Prometheus JSON ({content_type}): {body}"
                )
            }
        }
    }
}

/// One series' value at one instant. `NaN` and infinities are kept as such; callers decide.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: std::collections::BTreeMap<String, String>,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    pub labels: std::collections::BTreeMap<String, String>,
    pub points: Vec<(f64, f64)>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    status: String,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(rename = "errorType", default)]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct QueryData {
    #[serde(rename = "resultType")]
    result_type: String,
    result: serde_json::Value,
}

#[derive(Deserialize)]
struct VectorItem {
    #[serde(default)]
    metric: std::collections::BTreeMap<String, String>,
    value: (f64, String),
}

#[derive(Deserialize)]
struct MatrixItem {
    #[serde(default)]
    metric: std::collections::BTreeMap<String, String>,
    values: Vec<(f64, String)>,
}

/// Prometheus writes sample values as strings: numbers, `NaN`, `+Inf`, `-Inf`.
pub(crate) fn parse_value(s: &str) -> f64 {
    match s {
        "NaN" => f64::NAN,
        "+Inf" | "Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        _ => s.parse().unwrap_or(f64::NAN),
    }
}

/// One line of at most 120 characters, for error text that comes from the server.
fn snippet(body: &str) -> String {
    let one_line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

pub struct Client {
    http: reqwest::Client,
    settings: Settings,
}

impl Client {
    pub fn new(settings: &Settings) -> Result<Client, PromError> {
        let http = reqwest::Client::builder()
            .connect_timeout(settings.timeout)
            .timeout(settings.timeout)
            .user_agent(concat!("skilltop/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| PromError::Unreachable(format!("cannot build an HTTP client: {e}")))?;
        Ok(Client {
            http,
            settings: settings.clone(),
        })
    }

    async fn get(&self, path: &str, params: &[(&str, String)]) -> Result<String, PromError> {
        let url = format!("{}{path}", self.settings.endpoint);
        let mut req = self.http.get(&url).query(params);
        req = match &self.settings.auth {
            Auth::None => req,
            Auth::Bearer(t) => req.bearer_auth(t),
            Auth::Basic { user, password } => req.basic_auth(user, Some(password)),
        };
        if let Some(t) = &self.settings.tenant {
            req = req.header("X-Scope-OrgID", t);
        }
        let resp = req.send().await.map_err(|e| self.transport(e))?;
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type")
            .to_string();
        let body = self.body(resp).await?;
        decode(status, &content_type, body)
    }

    /// The answer's body, read chunk by chunk and abandoned past the cap (a declared
    /// length over the cap is refused before any byte is read).
    async fn body(&self, mut resp: reqwest::Response) -> Result<String, PromError> {
        let cap = self.settings.max_body_bytes;
        if resp.content_length().is_some_and(|n| n > cap) {
            return Err(PromError::TooLarge { cap });
        }
        let mut bytes: Vec<u8> = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport(e))? {
            if (bytes.len() as u64).saturating_add(chunk.len() as u64) > cap {
                return Err(PromError::TooLarge { cap });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }

    /// reqwest's errors name the URL, which may hold credentials: say what happened only.
    fn transport(&self, e: reqwest::Error) -> PromError {
        if e.is_timeout() {
            return PromError::Timeout(self.settings.timeout);
        }
        let mut cause: &dyn std::error::Error = &e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        PromError::Unreachable(snippet(&format!(
            "{} ({cause})",
            self.settings.display_endpoint()
        )))
    }

    /// An instant query at `at`.
    pub async fn query(&self, q: &str, at: DateTime<Utc>) -> Result<Vec<Sample>, PromError> {
        let data = self
            .get(
                "/api/v1/query",
                &[("query", q.to_string()), ("time", ts(at))],
            )
            .await?;
        let d: QueryData = parse(&data)?;
        match d.result_type.as_str() {
            "vector" => {
                let items: Vec<VectorItem> = parse_value_json(d.result)?;
                Ok(items
                    .into_iter()
                    .map(|i| Sample {
                        labels: i.metric,
                        value: parse_value(&i.value.1),
                    })
                    .collect())
            }
            "scalar" => {
                let (_, v): (f64, String) = parse_value_json(d.result)?;
                Ok(vec![Sample {
                    labels: Default::default(),
                    value: parse_value(&v),
                }])
            }
            "matrix" => {
                // An instant query over a range selector: the last point of each series.
                let items: Vec<MatrixItem> = parse_value_json(d.result)?;
                Ok(items
                    .into_iter()
                    .filter_map(|i| {
                        let last = i.values.last()?;
                        Some(Sample {
                            labels: i.metric,
                            value: parse_value(&last.1),
                        })
                    })
                    .collect())
            }
            other => Err(PromError::NotJson {
                content_type: "application/json".into(),
                body: format!("unexpected result type {other:?}"),
            }),
        }
    }

    pub(crate) async fn query_range(
        &self,
        q: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        step: Duration,
    ) -> Result<Vec<Series>, PromError> {
        let data = self
            .get(
                "/api/v1/query_range",
                &[
                    ("query", q.to_string()),
                    ("start", ts(start)),
                    ("end", ts(end)),
                    ("step", format!("{}s", step.as_secs().max(1))),
                ],
            )
            .await?;
        let d: QueryData = parse(&data)?;
        let items: Vec<MatrixItem> = parse_value_json(d.result)?;
        Ok(items
            .into_iter()
            .map(|i| Series {
                labels: i.metric,
                points: i.values.iter().map(|(t, v)| (*t, parse_value(v))).collect(),
            })
            .collect())
    }

    /// Metric names matching `regex` (a series lookup limited to `claude_code_*`).
    pub(crate) async fn names(&self, regex: &str) -> Result<Vec<String>, PromError> {
        let data = self
            .get(
                "/api/v1/label/__name__/values",
                &[("match[]", format!("{{__name__=~\"{regex}\"}}"))],
            )
            .await?;
        parse(&data)
    }
}

fn ts(t: DateTime<Utc>) -> String {
    format!("{:.3}", t.timestamp_millis() as f64 / 1000.0)
}

fn parse<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, PromError> {
    serde_json::from_str(s).map_err(|e| PromError::NotJson {
        content_type: "application/json".into(),
        body: format!("unexpected data: {e}"),
    })
}

fn parse_value_json<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, PromError> {
    serde_json::from_value(v).map_err(|e| PromError::NotJson {
        content_type: "application/json".into(),
        body: format!("unexpected result: {e}"),
    })
}

/// The envelope first, then the HTTP status: an API error comes with 400/422/503 and says
/// why in its body.
fn decode(status: u16, content_type: &str, body: String) -> Result<String, PromError> {
    match serde_json::from_str::<Envelope>(&body) {
        Ok(env) if env.status == "success" => match env.data {
            Some(d) => Ok(d.get().to_string()),
            None => Err(PromError::NotJson {
                content_type: snippet(content_type),
                body: "a success without data".into(),
            }),
        },
        Ok(env) => Err(PromError::Api {
            kind: snippet(&env.error_type.unwrap_or_else(|| "error".into())),
            message: snippet(&env.error.unwrap_or_default()),
            http: status,
        }),
        Err(_) if !(200..300).contains(&status) => Err(PromError::Http {
            status,
            body: snippet(&body),
        }),
        Err(_) => Err(PromError::NotJson {
            content_type: snippet(content_type),
            body: snippet(&body),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
            crate::model::fuzzing::cases()
        ))]
        /// Fuzz target `prometheus`: any answer decodes or fails without a panic, an error
        /// is one short line, and decoded data parses as the result types.
        #[test]
        fn fuzz_prometheus(bytes in crate::model::fuzzing::inputs("prometheus")) {
            let body = String::from_utf8_lossy(&bytes).into_owned();
            for status in [200, 400, 503] {
                match decode(status, "application/json", body.clone()) {
                    Ok(data) => {
                        if let Ok(d) = parse::<QueryData>(&data) {
                            let _ = parse_value_json::<Vec<VectorItem>>(d.result.clone());
                            let _ = parse_value_json::<Vec<MatrixItem>>(d.result);
                        }
                        let _ = parse::<Vec<String>>(&data);
                    }
                    Err(e) => {
                        let line = e.to_string();
                        proptest::prop_assert!(!line.contains('\n'), "{}", line);
                        proptest::prop_assert!(line.chars().count() < 400, "{}", line);
                    }
                }
            }
        }
    }

    #[test]
    fn envelope_before_status() {
        let e = decode(
            503,
            "application/json",
            r#"{"status":"error","errorType":"unavailable","error":"too busy"}"#.into(),
        )
        .unwrap_err();
        assert_eq!(
            e,
            PromError::Api {
                kind: "unavailable".into(),
                message: "too busy".into(),
                http: 503
            }
        );
        assert!(!e.unreachable());
        let ok = decode(
            200,
            "application/json",
            r#"{"status":"success","data":[1]}"#.into(),
        );
        assert_eq!(ok.unwrap(), "[1]");
    }

    #[test]
    fn html_and_plain_errors_are_their_own_kinds() {
        let e = decode(200, "text/html", "<html><body>Sign in</body></html>".into()).unwrap_err();
        assert!(
            matches!(&e, PromError::NotJson { content_type, .. } if content_type == "text/html")
        );
        assert!(e.to_string().contains("<html><body>Sign in"));
        let e = decode(502, "text/plain", "Bad Gateway".into()).unwrap_err();
        assert_eq!(
            e,
            PromError::Http {
                status: 502,
                body: "Bad Gateway".into()
            }
        );
    }

    #[test]
    fn special_values() {
        assert!(parse_value("NaN").is_nan());
        assert_eq!(parse_value("+Inf"), f64::INFINITY);
        assert_eq!(parse_value("-Inf"), f64::NEG_INFINITY);
        assert_eq!(parse_value("12.5"), 12.5);
        assert!(parse_value("garbage").is_nan());
    }
}
