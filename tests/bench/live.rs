//! `cargo bench --bench live -- HOME [APPENDS [call|skill|prompt]]`: what one appended line
//! costs the dashboard over a history of any size (issue 13). It loads HOME (e.g. a corpus
//! from `cargo bench --bench corpus`) into a store, then appends one assistant tool call at a
//! time to the newest transcript and does what the dashboard does for it: re-read the
//! changed file, apply the update, recompute the snapshot for range `7d` (only the
//! appended lines, and `all`) with the clock moving, and install it; the appended lines are
//! removed at the end. Prints the process CPU time per appended line and the wall time of
//! each step (mean, p50, p99).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use skilltop::model::range::parse_range;
use skilltop::sources::catalog::Catalog;
use skilltop::sources::transcripts::Engine;
use skilltop::store::{Query, Store};
use skilltop::views::tui::app::App;

/// User + system CPU time of this process so far.
fn cpu() -> Duration {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

#[path = "stats.rs"]
mod stats;

fn summary(v: Vec<Duration>) -> String {
    let (mean, p50, p99) = stats::stats(v);
    format!("mean {mean:7.2} ms  p50 {p50:7.2}  p99 {p99:7.2}")
}

/// The most recently modified `.jsonl` under `dir`.
fn newest(dir: &Path) -> Option<PathBuf> {
    let mut best: Option<(std::time::SystemTime, PathBuf)> = None;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "jsonl")
                && !p.to_string_lossy().contains("/subagents/")
                && let Ok(m) = e.metadata().and_then(|m| m.modified())
                && best.as_ref().is_none_or(|(t, _)| m > *t)
            {
                best = Some((m, p));
            }
        }
    }
    best.map(|(_, p)| p)
}

/// An appended line of `kind`: `call` (a tool call, most of what a session writes),
/// `skill` (a `Skill` call: a run the missed opportunities read) or `prompt` (a human
/// prompt: judged by the detector).
fn line(kind: &str, session: &str, cwd: &str, ts: &str, n: usize) -> String {
    let head = format!(
        r#""parentUuid":null,"isSidechain":false,"userType":"external","cwd":"{cwd}","sessionId":"{session}","version":"2.1.30","uuid":"bench-{n}","timestamp":"{ts}""#
    );
    let call = |name: &str, input: &str| {
        format!(
            r#"{{{head},"type":"assistant","requestId":"req_bench_{n}","message":{{"id":"msg_bench_{n}","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{{"type":"tool_use","id":"toolu_bench_{n}","name":"{name}","input":{input}}}],"stop_reason":"tool_use","usage":{{"input_tokens":3,"cache_creation_input_tokens":10,"cache_read_input_tokens":100,"output_tokens":20}}}}}}"#
        )
    };
    match kind {
        "skill" => call("Skill", r#"{"skill":"bench-skill"}"#),
        "prompt" => format!(
            r#"{{{head},"type":"user","message":{{"role":"user","content":"please review the change {n} before I commit it"}}}}"#
        ),
        _ => call("Bash", r#"{"command":"cargo test"}"#),
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(home) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench live -- HOME [APPENDS [call|skill|prompt]]");
        return;
    };
    let appends: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(30);
    let kind = args.get(2).map_or("call", String::as_str);

    let t = Instant::now();
    let mut engine = Engine::new(vec![home.clone()]);
    let mut store = Store::new(vec![home.display().to_string()]);
    let (updates, _) = engine.scan();
    updates.into_iter().for_each(|u| store.apply(u));
    // As the dashboard's store: kept counts, so a change costs what changed.
    store.follow();
    let catalog = Catalog::load(std::slice::from_ref(&home), None, &BTreeMap::new());
    println!(
        "{}: loaded {} files in {:.2} s",
        home.display(),
        store.file_count(),
        t.elapsed().as_secs_f64()
    );

    let Some(file) = newest(&home.join("projects")) else {
        eprintln!("no transcript under {}", home.display());
        return;
    };
    let session = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The corpus is left as it was found: the appended lines are cut off at the end.
    let original_len = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    // The appended lines come after everything on record, so "now" is just after them.
    let base = chrono::Utc::now();
    for range in ["7d", "all"] {
        let Ok(range_spec) = parse_range(range) else {
            return;
        };
        let query = Query {
            project: None,
            range: range_spec,
            sessions: None,
            timezone: chrono_tz::UTC,
            now: base,
            redact: false,
            all_examples: false,
            // As the dashboard asks: no session rows, which it does not draw.
            session_rows: false,
        };
        let mut app = App::new(query.clone(), None);
        // The dashboard shows this range before anything is appended: not measured.
        store.snapshot(&query, &catalog);
        let mut query = query;
        let (mut read, mut apply, mut snap, mut install) = (vec![], vec![], vec![], vec![]);
        let cpu0 = cpu();
        let wall0 = Instant::now();
        for i in 0..appends {
            let n = i + if range == "all" { appends } else { 0 };
            let ts = (base - chrono::Duration::seconds(600) + chrono::Duration::seconds(n as i64))
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let Ok(mut f) = std::fs::OpenOptions::new().append(true).open(&file) else {
                eprintln!("cannot append to {}", file.display());
                return;
            };
            let _ = writeln!(f, "{}", line(kind, &session, "/bench", &ts, n));
            drop(f);

            let t = Instant::now();
            let (updates, _) = engine.refresh(std::slice::from_ref(&file));
            read.push(t.elapsed());
            let t = Instant::now();
            updates.into_iter().for_each(|u| store.apply(u));
            apply.push(t.elapsed());
            let t = Instant::now();
            query.now = chrono::Utc::now();
            let s = store.snapshot(&query, &catalog);
            snap.push(t.elapsed());
            let t = Instant::now();
            app.set_snapshot(s);
            install.push(t.elapsed());
        }
        let cpu_per = (cpu() - cpu0).as_secs_f64() * 1e3 / appends as f64;
        let wall_per = wall0.elapsed().as_secs_f64() * 1e3 / appends as f64;
        println!("range {range}: {appends} appended lines ({kind})");
        println!("  CPU per line      {cpu_per:8.2} ms (wall {wall_per:.2} ms)");
        println!("  re-read file      {}", summary(read));
        println!("  apply             {}", summary(apply));
        println!("  snapshot          {}", summary(snap));
        println!("  install           {}", summary(install));
    }
    if let Ok(f) = std::fs::OpenOptions::new().write(true).open(&file) {
        let _ = f.set_len(original_len);
    }
}
