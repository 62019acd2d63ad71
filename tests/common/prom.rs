//! A real Prometheus for the tests: the Debian `prometheus` binary on 127.0.0.1 with a free
//! port and a temp data dir, optionally backfilled with `promtool`, always killed on drop.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn available() -> bool {
    let ok = ["prometheus", "promtool"].iter().all(|b| {
        Command::new(b)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    });
    if !ok {
        eprintln!(
            "NOTICE: prometheus/promtool are missing: skipping the real-server tests \
             (tests/run.sh installs the Debian package)"
        );
    }
    ok
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub struct PromServer {
    child: Option<Child>,
    pub port: u16,
    pub url: String,
    dir: tempfile::TempDir,
}

impl PromServer {
    /// Start a server whose data dir holds `openmetrics` (backfilled first), scraping
    /// `target` every second when given.
    pub fn start(openmetrics: Option<&str>, target: Option<u16>) -> Option<PromServer> {
        if !available() {
            return None;
        }
        let dir = tempfile::tempdir().expect("a temp dir");
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        if let Some(text) = openmetrics {
            let file = dir.path().join("backfill.om");
            std::fs::write(&file, text).unwrap();
            let out = Command::new("promtool")
                .args(["tsdb", "create-blocks-from", "openmetrics"])
                .arg(&file)
                .arg(&data)
                .output()
                .expect("promtool runs");
            assert!(
                out.status.success(),
                "promtool failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let scrape = match target {
            Some(p) => format!(
                "scrape_configs:\n  - job_name: live\n    scrape_interval: 1s\n    static_configs:\n      - targets: ['127.0.0.1:{p}']\n"
            ),
            None => String::new(),
        };
        std::fs::write(
            dir.path().join("prometheus.yml"),
            format!("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n{scrape}"),
        )
        .unwrap();
        let port = free_port();
        let mut s = PromServer {
            child: None,
            port,
            url: format!("http://127.0.0.1:{port}"),
            dir,
        };
        s.spawn();
        Some(s)
    }

    fn spawn(&mut self) {
        let log = std::fs::File::create(self.dir.path().join("prometheus.log")).unwrap();
        let child = Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                self.dir.path().join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                self.dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{}", self.port))
            .arg("--storage.tsdb.retention.time=10y")
            .arg("--log.level=warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("prometheus starts");
        self.child = Some(child);
        let start = Instant::now();
        while !ready(self.port) {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "prometheus did not become ready: {}",
                std::fs::read_to_string(self.log()).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn log(&self) -> PathBuf {
        self.dir.path().join("prometheus.log")
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Start again on the same port and data.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }
}

impl Drop for PromServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn ready(port: u16) -> bool {
    http_get(port, "/-/ready")
        .is_some_and(|r| r.starts_with("HTTP/1.1 200") || r.starts_with("HTTP/1.0 200"))
}

/// A plain HTTP GET without a client library (the harness must not depend on the code
/// under test).
pub fn http_get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

/// A server that answers every request with `response` (status line, headers and body).
pub fn canned(response: String) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(response.as_bytes());
        }
    });
    port
}

pub fn http_response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// A server that accepts connections and never answers.
pub fn silent() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().flatten() {
            held.push(s);
        }
    });
    port
}
