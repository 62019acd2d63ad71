//! The Prometheus source against a real server (Debian's prometheus + promtool), a live
//! scrape, and every fault a server can have. Skipped with a notice when the binaries are
//! missing; tests/run.sh installs them.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use common::prom::{self, PromServer};
use common::*;
use serde_json::Value;
use skilltop::model::prom::PromData;
use skilltop::model::range::RangeSpec;
use skilltop::model::snapshot::PromStatus;
use skilltop::sources::prometheus::{Auth, Client, PromError, Settings, Window, fetch_once};

const NOW: &str = "2026-11-01T00:00:00Z";
const DAY: i64 = 86_400;

fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

/// One counter series with `prev` increments in [now-14d, now-7d) and `cur` in
/// (now-7d, now], sampled every 10 minutes from now-15d: `increase()` over 7d at `now`
/// is exactly `cur`, with `offset 7d` exactly `prev`.
struct Counter {
    family: &'static str,
    labels: String,
    prev: u64,
    cur: f64,
}

fn openmetrics(total: bool, counters: &[Counter]) -> String {
    let end = now().timestamp();
    let step = 600;
    let mut out = String::new();
    let mut families: Vec<&str> = counters.iter().map(|c| c.family).collect();
    families.dedup();
    for fam in families {
        if total {
            out += &format!("# TYPE {fam} counter\n");
        } else {
            out += &format!("# TYPE {fam} gauge\n");
        }
        for c in counters.iter().filter(|c| c.family == fam) {
            let name = if total {
                format!("{fam}_total")
            } else {
                fam.to_string()
            };
            let mut t = end - 15 * DAY;
            while t <= end {
                // Increments spread evenly, none exactly on a window boundary.
                let in_prev = |t: i64| {
                    let a = end - 14 * DAY;
                    let frac = ((t - a) as f64 / (7 * DAY) as f64).clamp(0.0, 1.0);
                    (frac * c.prev as f64).floor()
                };
                let in_cur = |t: i64| {
                    let a = end - 7 * DAY;
                    let frac = ((t - a) as f64 / (7 * DAY) as f64).clamp(0.0, 1.0);
                    (frac * c.cur * 1000.0).floor() / 1000.0
                };
                let v = in_prev(t) + in_cur(t);
                out += &format!("{name}{{{}}} {v} {t}\n", c.labels);
                t += step;
            }
        }
    }
    out += "# EOF\n";
    out
}

fn counters(total: bool) -> Vec<Counter> {
    let l = |extra: &str| {
        format!("project=\"shop\",session_id=\"abcd1234\",source_app=\"claude\",{extra}")
    };
    let mut v = vec![
        Counter { family: "claude_code_skill_invocations", labels: l("skill_name=\"brainstorming\",outcome=\"success\""), prev: 20, cur: 12.0 },
        Counter { family: "claude_code_skill_invocations", labels: l("skill_name=\"brainstorming\",outcome=\"failure\""), prev: 0, cur: 4.0 },
        Counter { family: "claude_code_skill_invocations", labels: l("skill_name=\"remote-only\",outcome=\"success\""), prev: 0, cur: 5.0 },
        Counter {
            family: "claude_code_skill_invocations",
            labels: "project=\"blog\",session_id=\"ffff0000\",skill_name=\"other-project\",outcome=\"success\"".into(),
            prev: 0,
            cur: 7.0,
        },
        Counter { family: "claude_code_agent_invocations", labels: l("agent_type=\"code-reviewer\",outcome=\"success\""), prev: 2, cur: 6.0 },
        Counter { family: "claude_code_outcome_success", labels: l("tool_name=\"Bash\""), prev: 0, cur: 90.0 },
        Counter { family: "claude_code_outcome_failure", labels: l("tool_name=\"Bash\",failure_reason=\"exit\""), prev: 0, cur: 10.0 },
        Counter { family: "claude_code_workflow_stage_transition", labels: l("from_stage=\"plan\",to_stage=\"implement\""), prev: 0, cur: 6.0 },
        Counter { family: "claude_code_context_compaction", labels: l("event_type=\"compact\""), prev: 0, cur: 2.0 },
        Counter { family: "claude_code_hook_prompt_submissions", labels: l("event_type=\"prompt\""), prev: 0, cur: 30.0 },
    ];
    if total {
        v.push(Counter {
            family: "claude_code_cost_usage_USD",
            labels: "model=\"opus\",project=\"shop\"".into(),
            prev: 0,
            cur: 1.5,
        });
    }
    v
}

/// A transcript home with one brainstorming call (no result: its success rate comes from
/// Prometheus) in /x/shop inside the range.
fn home() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("projects/-x-shop");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(
        p.join("s.jsonl"),
        r#"{"type":"assistant","sessionId":"s","timestamp":"2026-10-30T10:00:00Z","cwd":"/x/shop","message":{"id":"m","content":[{"type":"tool_use","id":"t","name":"Skill","input":{"skill":"superpowers:brainstorming"}}]}}"#.to_string() + "\n",
    )
    .unwrap();
    dir
}

fn snapshot(endpoint: &str, home: &std::path::Path, env: &[(&str, &str)]) -> (Value, String) {
    let mut cmd = bin();
    cmd.args([
        "--format",
        "json",
        "--range",
        "7d",
        "--project",
        "/x/shop",
        "--now",
        NOW,
    ])
    .arg("--claude-dir")
    .arg(home)
    .args(["--prometheus-endpoint", endpoint]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    json_output(&mut cmd)
}

fn item<'a>(v: &'a Value, key: &str, name: &str) -> &'a Value {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("{name} missing in {key}: {:#}", v[key]))
}

/// `increase()` extrapolates to the window's edges; with samples on both edges of a 7-day
/// window 10 minutes apart the error is below one sample step, far under this tolerance.
fn close(got: &Value, want: f64) {
    let g = got
        .as_f64()
        .unwrap_or_else(|| panic!("{got} is not a number"));
    assert!(
        (g - want).abs() <= 0.02 * want + 0.05,
        "got {g}, want {want}"
    );
}

fn check_backfilled(total: bool) {
    let Some(server) = PromServer::start(Some(&openmetrics(total, &counters(total))), None) else {
        return;
    };
    let h = home();
    let (v, stderr) = snapshot(&server.url, h.path(), &[]);
    assert_eq!(v["sources"]["prometheus"]["status"], "ok", "{stderr}");
    assert!(
        stderr.is_empty(),
        "no warning when the server answers: {stderr}"
    );

    let b = item(&v, "skills", "superpowers:brainstorming");
    assert_eq!(b["source"], "both");
    assert_eq!(b["count"], 1, "the transcripts' own count");
    close(&b["prometheus_count"], 16.0);
    close(&b["success_rate"], 0.75);

    let r = item(&v, "skills", "remote-only");
    assert_eq!(r["source"], "prometheus");
    assert_eq!(r["count"], 5);
    assert_eq!(
        r["trend_pct"],
        Value::Null,
        "new: nothing in the previous range"
    );
    let daily: u64 = r["daily"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["count"].as_u64().unwrap())
        .sum();
    assert!(
        (4..=6).contains(&daily),
        "daily sums to the range's count: {daily}"
    );

    let a = item(&v, "agents", "code-reviewer");
    assert_eq!(a["count"], 6);
    assert_eq!(a["previous_count"], 2);
    close(&a["trend_pct"], 200.0);

    let names: Vec<&str> = v["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert!(
        !names.contains(&"other-project"),
        "the project label filters: {names:?}"
    );
    let pt = &v["prometheus_totals"];
    close(&pt["success_rate"], 0.9);
    close(&pt["stages"]["implement"], 6.0);
    close(&pt["prompts"], 30.0);
    close(&pt["failures_by_tool"]["Bash"], 10.0);
    assert_eq!(pt["transitions"][0]["from"], "plan");
    if total {
        close(&v["telemetry"]["cost_usd"], 1.5);
    } else {
        assert!(v.get("telemetry").is_none());
    }
}

#[test]
fn backfilled_counters_with_total_names() {
    check_backfilled(true);
}

#[test]
fn backfilled_counters_without_total_names() {
    check_backfilled(false);
}

#[tokio::test]
async fn facts_from_the_client_match_the_generator() {
    let Some(server) = PromServer::start(Some(&openmetrics(true, &counters(true))), None) else {
        return;
    };
    let window = Window {
        project: Some("/x/shop".into()),
        range: RangeSpec::days(7),
        now: Some(now()),
    };
    let data = fetch_once(&settings(&server.url, 5), &window).await;
    assert_eq!(
        data.source.status,
        PromStatus::Ok,
        "{:?}",
        data.source.error
    );
    let f = data.facts.unwrap();
    let near = |g: f64, w: f64| assert!((g - w).abs() <= 0.02 * w + 0.05, "got {g}, want {w}");
    near(f.skills["brainstorming"].current, 16.0);
    near(f.skills["brainstorming"].previous, 20.0);
    near(f.tool_success.unwrap(), 90.0);
    near(f.tool_failure.unwrap(), 10.0);
    near(f.failures_by_tool["Bash"], 10.0);
    near(f.stages["implement"], 6.0);
    near(
        f.transitions[&("plan".to_string(), "implement".to_string())],
        6.0,
    );
    near(f.compactions.unwrap(), 2.0);
    near(f.prompts.unwrap(), 30.0);
    assert!(!f.no_hook_metrics);
}

fn settings(url: &str, timeout_s: u64) -> Settings {
    Settings {
        endpoint: url.to_string(),
        timeout: Duration::from_secs(timeout_s),
        poll_interval: Duration::from_secs(1),
        max_body_bytes: 32_000_000,
        auth: Auth::None,
        tenant: None,
        matchers: vec![],
    }
}

#[tokio::test]
async fn invalid_promql_is_bad_data() {
    let Some(server) = PromServer::start(None, None) else {
        return;
    };
    let client = Client::new(&settings(&server.url, 5)).unwrap();
    let err = client.query("sum(", now()).await.unwrap_err();
    match err {
        PromError::Api { kind, http, .. } => {
            assert_eq!(kind, "bad_data");
            assert_eq!(http, 400);
        }
        other => panic!("{other:?}"),
    }
}

/// A tiny exposition endpoint Prometheus scrapes every second.
fn exporter(counter: Arc<AtomicU64>) -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for mut s in l.incoming().flatten() {
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            let body = format!(
                "# TYPE claude_code_skill_invocations_total counter\nclaude_code_skill_invocations_total{{skill_name=\"live\",outcome=\"success\",project=\"p\"}} {}\n",
                counter.load(Ordering::SeqCst)
            );
            let _ = s.write_all(
                prom::http_response("200 OK", "text/plain; version=0.0.4", &body).as_bytes(),
            );
        }
    });
    port
}

async fn next(rx: &mut tokio::sync::mpsc::UnboundedReceiver<PromData>) -> PromData {
    tokio::time::timeout(Duration::from_secs(60), rx.recv())
        .await
        .expect("the poller reports")
        .expect("the poller is alive")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_poller_sees_a_live_increase() {
    let counter = Arc::new(AtomicU64::new(0));
    let port = exporter(counter.clone());
    let Some(server) = PromServer::start(None, Some(port)) else {
        return;
    };
    let (wtx, wrx) = tokio::sync::watch::channel(Window {
        project: None,
        range: RangeSpec {
            label: "5m".into(),
            length: Some(chrono::Duration::minutes(5)),
        },
        now: None,
    });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _poller = skilltop::sources::prometheus::spawn_poller(settings(&server.url, 5), wrx, tx);
    // Wait until Prometheus has scraped the counter at 0 a few times.
    loop {
        let d = next(&mut rx).await;
        assert_eq!(d.source.status, PromStatus::Ok, "{:?}", d.source.error);
        let up = prom::http_get(
            server.port,
            "/api/v1/query?query=count_over_time(claude_code_skill_invocations_total%5B1m%5D)",
        );
        if up.is_some_and(|b| {
            b.contains("\"value\":[") && !b.contains("\"1\"]") && !b.contains("\"2\"]")
        }) {
            break;
        }
    }
    counter.store(3, Ordering::SeqCst);
    loop {
        let d = next(&mut rx).await;
        if let Some(c) = d.facts.as_ref().and_then(|f| f.skills.get("live")) {
            assert!(c.current > 0.0);
            assert_eq!(c.success, c.current);
            break;
        }
    }
    drop(wtx);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_stopped_and_started_again_is_seen_by_the_same_poller() {
    let Some(mut server) = PromServer::start(None, None) else {
        return;
    };
    let (_wtx, wrx) = tokio::sync::watch::channel(Window {
        project: None,
        range: RangeSpec::days(7),
        now: None,
    });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _poller = skilltop::sources::prometheus::spawn_poller(settings(&server.url, 2), wrx, tx);
    let first = next(&mut rx).await;
    assert_eq!(
        first.source.status,
        PromStatus::Ok,
        "{:?}",
        first.source.error
    );
    assert!(
        first.facts.as_ref().unwrap().no_hook_metrics,
        "an empty server has none"
    );

    server.stop();
    let down = loop {
        let d = next(&mut rx).await;
        if d.source.status != PromStatus::Ok {
            break d;
        }
    };
    assert_eq!(down.source.status, PromStatus::Unreachable);
    assert!(down.facts.is_some(), "the last good data is kept");
    assert!(down.source.stale_secs.is_some(), "and marked stale");

    server.restart();
    let up = loop {
        let d = next(&mut rx).await;
        if d.source.status == PromStatus::Ok {
            break d;
        }
    };
    assert_eq!(up.source.stale_secs, None);
}

fn window() -> Window {
    Window {
        project: None,
        range: RangeSpec::days(7),
        now: Some(now()),
    }
}

#[tokio::test]
async fn connection_refused_is_unreachable() {
    let port = prom::free_port();
    let d = fetch_once(&settings(&format!("http://127.0.0.1:{port}"), 2), &window()).await;
    assert_eq!(d.source.status, PromStatus::Unreachable);
    let e = d.source.error.unwrap();
    assert!(e.to_lowercase().contains("refused"), "{e}");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let port = prom::silent();
    let started = std::time::Instant::now();
    let d = fetch_once(&settings(&format!("http://127.0.0.1:{port}"), 1), &window()).await;
    assert_eq!(d.source.status, PromStatus::Unreachable);
    assert!(d.source.error.unwrap().contains("no answer within 1 s"));
    // Not a timing assertion: proof that the timeout, not the OS, ended the wait.
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn http_503_with_an_error_envelope() {
    let port = prom::canned(prom::http_response(
        "503 Service Unavailable",
        "application/json",
        r#"{"status":"error","errorType":"unavailable","error":"too many concurrent queries"}"#,
    ));
    let d = fetch_once(&settings(&format!("http://127.0.0.1:{port}"), 2), &window()).await;
    assert_eq!(d.source.status, PromStatus::Error);
    let e = d.source.error.unwrap();
    assert!(
        e.contains("unavailable") && e.contains("too many concurrent queries") && e.contains("503"),
        "{e}"
    );
}

#[tokio::test]
async fn http_200_with_html() {
    let port = prom::canned(prom::http_response(
        "200 OK",
        "text/html",
        "<html><body>Please log in</body></html>",
    ));
    let d = fetch_once(&settings(&format!("http://127.0.0.1:{port}"), 2), &window()).await;
    assert_eq!(d.source.status, PromStatus::Error);
    let e = d.source.error.unwrap();
    assert!(
        e.contains("not Prometheus JSON (text/html)") && e.contains("Please log in"),
        "{e}"
    );
}

#[tokio::test]
async fn nan_and_infinite_values_count_as_nothing() {
    // Every request gets the same answer: the names lookup reads it as names, queries as
    // a vector holding NaN and +Inf.
    let body = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"skill_name":"x","outcome":"success"},"value":[1,"NaN"]},{"metric":{"skill_name":"y","outcome":"success"},"value":[1,"+Inf"]}]}}"#;
    let port = prom::canned(prom::http_response("200 OK", "application/json", body));
    let client = Client::new(&settings(&format!("http://127.0.0.1:{port}"), 2)).unwrap();
    let samples = client.query("anything", now()).await.unwrap();
    assert!(samples[0].value.is_nan());
    assert_eq!(samples[1].value, f64::INFINITY);
}

#[test]
fn unreachable_in_a_report_warns_once_and_exits_0() {
    let port = prom::free_port();
    let h = home();
    let (v, stderr) = snapshot(
        &format!("http://alice:pw-SECRET@127.0.0.1:{port}"),
        h.path(),
        &[("SKILLTOP_PROMETHEUS_TOKEN", "tok-SECRET")],
    );
    assert_eq!(v["sources"]["prometheus"]["status"], "unreachable");
    assert_eq!(
        v["sources"]["prometheus"]["endpoint"],
        format!("http://127.0.0.1:{port}")
    );
    assert_eq!(v["totals"]["tool_calls"], 1, "the transcripts carry on");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("warning: Prometheus unreachable"),
        "{stderr}"
    );
    let all = format!("{v} {stderr}");
    assert!(!all.contains("SECRET"), "a secret leaked: {all}");
}

#[test]
fn no_prometheus_and_bad_endpoints() {
    let h = home();
    let out = bin()
        .args(["--format", "json", "--no-prometheus", "--claude-dir"])
        .arg(h.path())
        .env("PROMETHEUS_ENDPOINT", "http://127.0.0.1:1")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sources"]["prometheus"]["status"], "disabled");
    let out = bin()
        .args([
            "--prometheus-endpoint",
            "localhost:9090",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("http://"));
}

#[test]
fn the_endpoint_resolution_order() {
    let h = home();
    let plugin = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(plugin.path().join("config")).unwrap();
    let refused = |p: u16| format!("http://127.0.0.1:{p}");
    let (a, b) = (prom::free_port(), prom::free_port());
    std::fs::write(
        plugin.path().join("config/endpoint.env"),
        format!("PROMETHEUS_ENDPOINT={}\n", refused(a)),
    )
    .unwrap();
    let endpoint = |env: &[(&str, &str)]| {
        let mut cmd = bin();
        cmd.args(["--format", "json", "--claude-dir"]).arg(h.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["sources"]["prometheus"]["endpoint"]
            .as_str()
            .map(str::to_string)
    };
    let root = plugin.path().to_str().unwrap();
    assert_eq!(endpoint(&[("CLAUDE_PLUGIN_ROOT", root)]), Some(refused(a)));
    assert_eq!(
        endpoint(&[
            ("CLAUDE_PLUGIN_ROOT", root),
            ("PROMETHEUS_ENDPOINT", &refused(b))
        ]),
        Some(refused(b)),
        "the environment wins over the plugin's file"
    );
    assert_eq!(endpoint(&[]), None, "nothing configured: disabled");
}

/// A server that answers each request with a JSON prefix and then up to `limit` bytes of
/// padding (chunked, or with a declared length when `declared`), counting what it wrote.
fn streaming(limit: u64, declared: bool, written: Arc<AtomicU64>) -> u16 {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            let written = written.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let head = if declared {
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        limit
                    )
                } else {
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                        .to_string()
                };
                if s.write_all(head.as_bytes()).is_err() {
                    return;
                }
                let block = vec![b' '; 64 * 1024];
                let _ = s.write_all(b"{\"status\":\"success\",\"data\":");
                let mut sent = 0u64;
                while sent < limit {
                    if s.write_all(&block).is_err() {
                        break;
                    }
                    sent += block.len() as u64;
                    written.fetch_add(block.len() as u64, Ordering::Relaxed);
                }
            });
        }
    });
    port
}

/// A huge answer is read as a stream and abandoned past the cap, with a one-line reason;
/// a declared length over the cap is refused before the body is read.
#[tokio::test]
async fn a_huge_answer_is_cut_off_at_the_cap() {
    for declared in [false, true] {
        let written = Arc::new(AtomicU64::new(0));
        // 512 MB offered; the cap is 1 MB.
        let port = streaming(512 << 20, declared, written.clone());
        let mut s = settings(&format!("http://127.0.0.1:{port}"), 30);
        s.max_body_bytes = 1_000_000;
        let client = Client::new(&s).unwrap();
        let e = client.query("up", now()).await.unwrap_err();
        assert_eq!(
            e,
            PromError::TooLarge { cap: 1_000_000 },
            "declared {declared}"
        );
        let line = e.to_string();
        assert!(
            !line.contains('\n') && line.contains("larger than 1.0 MB"),
            "{line}"
        );
        // Give the server a moment: it stops when the connection closes.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let sent = written.load(Ordering::Relaxed);
        assert!(
            sent < 64 << 20,
            "the download stopped early, {sent} bytes sent"
        );
        let d = fetch_once(&s, &window()).await;
        assert_eq!(d.source.status, PromStatus::Error);
        assert!(d.source.error.unwrap().contains("max_body_mb"));
    }
}

/// A 10 MB error message from the server is cut to one short line.
#[tokio::test]
async fn a_huge_error_message_is_cut_to_one_line() {
    let message = format!("boom\n{}", "x ".repeat(5 << 20));
    let body = format!(r#"{{"status":"error","errorType":"bad\ndata","error":{message:?}}}"#);
    let port = prom::canned(prom::http_response(
        "400 Bad Request",
        "application/json",
        &body,
    ));
    let d = fetch_once(&settings(&format!("http://127.0.0.1:{port}"), 5), &window()).await;
    assert_eq!(d.source.status, PromStatus::Error);
    let e = d.source.error.unwrap();
    assert!(!e.contains('\n'), "{e}");
    assert!(e.len() < 400, "{} bytes", e.len());
    assert!(e.contains("boom"), "{e}");
}

#[test]
fn the_body_cap_is_range_checked() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    for bad in ["0", "4097"] {
        std::fs::write(
            &cfg,
            format!("[prometheus]\nendpoint = \"http://127.0.0.1:9\"\nmax_body_mb = {bad}\n"),
        )
        .unwrap();
        let out = run(&["--config", cfg.to_str().unwrap(), "--format", "json"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("max_body_mb"), "{err}");
    }
}
