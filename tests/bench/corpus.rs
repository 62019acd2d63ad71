//! The corpus generator: `cargo bench --bench corpus -- DIR MEGABYTES` writes a Claude config
//! home of about that size into DIR (`projects/<project>/<session>.jsonl` plus 2.1-style
//! `<session>/subagents/agent-*.jsonl`), shaped like real transcripts: per session a few
//! hundred assistant tool calls with usage, tool results of 0.2–20 KB, `progress` copies,
//! file-history snapshots, skills, subagents, failures and compactions. Deterministic.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::Path;

#[path = "rng.rs"]
mod rng;
use rng::Rng;

const WORDS: [&str; 16] = [
    "the", "cache", "returns", "stale", "entries", "after", "refactor", "function", "test",
    "module", "error", "handler", "config", "value", "request", "parser",
];

/// `min` to `min + spread` bytes of words.
fn text(rng: &mut Rng, min: usize, spread: u64) -> String {
    let bytes = min + rng.below(spread) as usize;
    let mut s = String::with_capacity(bytes + 16);
    while s.len() < bytes {
        s.push_str(WORDS[rng.below(16) as usize]);
        s.push(' ');
    }
    s
}

const TOOLS: [(&str, &str); 8] = [
    (
        "Bash",
        r#"{"command":"cargo test --all","description":"run tests"}"#,
    ),
    ("Read", r#"{"file_path":"/src/app/src/lib.rs"}"#),
    (
        "Edit",
        r#"{"file_path":"/src/app/src/lib.rs","old_string":"a","new_string":"b"}"#,
    ),
    ("Grep", r#"{"pattern":"TODO","path":"/src/app"}"#),
    ("Glob", r#"{"pattern":"**/*.rs"}"#),
    (
        "Write",
        r#"{"file_path":"/src/app/notes.md","content":"x"}"#,
    ),
    ("Skill", r#"{"skill":"superpowers:brainstorming"}"#),
    (
        "Task",
        r#"{"subagent_type":"code-reviewer","description":"review","prompt":"review"}"#,
    ),
];

struct Session<'a> {
    id: String,
    cwd: &'a str,
    n: u64,
    day: u64,
    secs: u64,
}

impl Session<'_> {
    fn ts(&mut self, rng: &mut Rng) -> String {
        self.secs += 1 + rng.below(40);
        let (h, m, s) = (
            9 + self.secs / 3600 % 12,
            self.secs / 60 % 60,
            self.secs % 60,
        );
        format!(
            "2026-10-{:02}T{h:02}:{m:02}:{s:02}.{:03}Z",
            1 + self.day,
            rng.below(1000)
        )
    }

    fn head(&mut self, rng: &mut Rng, ty: &str, sidechain: bool) -> String {
        self.n += 1;
        let ts = self.ts(rng);
        format!(
            r#"{{"parentUuid":"{}-{}","isSidechain":{sidechain},"userType":"external","cwd":"{}","sessionId":"{}","version":"2.1.30","gitBranch":"main","type":"{ty}","uuid":"{}-{}","timestamp":"{ts}""#,
            self.id,
            self.n - 1,
            self.cwd,
            self.id,
            self.id,
            self.n
        )
    }

    /// One turn: a tool call (assistant), its progress copies, its result (user).
    fn turn(&mut self, rng: &mut Rng, out: &mut String, sidechain: bool) {
        let (name, input) = TOOLS[rng.below(if sidechain { 6 } else { 8 }) as usize];
        let id = format!("toolu_{}_{}", &self.id[..8], self.n);
        let msg = format!("msg_{}_{}", &self.id[..8], self.n);
        let thinking = text(rng, 200, 1200);
        let h = self.head(rng, "assistant", sidechain);
        let _ = writeln!(
            out,
            r#"{h},"requestId":"req_{msg}","message":{{"id":"{msg}","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{{"type":"text","text":"{thinking}"}},{{"type":"tool_use","id":"{id}","name":"{name}","input":{input}}}],"stop_reason":"tool_use","usage":{{"input_tokens":{},"cache_creation_input_tokens":{},"cache_read_input_tokens":{},"output_tokens":{},"service_tier":"standard"}}}}}}"#,
            rng.below(20) + 1,
            rng.below(4000),
            rng.below(90_000),
            rng.below(900) + 10
        );
        if !sidechain {
            for _ in 0..rng.below(5) {
                let h = self.head(rng, "progress", false);
                let body = text(rng, 400, 600);
                let _ = writeln!(
                    out,
                    r#"{h},"data":{{"type":"agent_progress","message":{{"type":"assistant","message":{{"id":"msg_sub","content":[{{"type":"text","text":"{body}"}}],"usage":{{"output_tokens":5}}}}}}}},"toolUseID":"{id}"}}"#
                );
            }
        }
        let size = match rng.below(10) {
            0..=5 => 200 + rng.below(2000),
            6..=8 => 2000 + rng.below(10_000),
            _ => 10_000 + rng.below(30_000),
        } as usize;
        let result = text(rng, size, 1);
        let err = if rng.below(14) == 0 {
            r#","is_error":true"#
        } else {
            ""
        };
        let h = self.head(rng, "user", sidechain);
        let _ = writeln!(
            out,
            r#"{h},"message":{{"role":"user","content":[{{"tool_use_id":"{id}","type":"tool_result","content":"{result}"{err}}}]}},"toolUseResult":{{"stdout":"","stderr":"","interrupted":false}}}}"#
        );
    }
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let (Some(dir), Some(mb)) = (
        args.first(),
        args.get(1).and_then(|m| m.parse::<u64>().ok()),
    ) else {
        println!("usage: cargo bench --bench corpus -- DIR MEGABYTES (nothing to do without them)");
        return Ok(());
    };
    let target = mb << 20;
    let root = Path::new(dir).join("projects");
    let mut rng = Rng(0x5eed_cafe);
    let mut written = 0u64;
    let mut files = 0u64;
    let mut s_idx = 0u64;
    while written < target {
        let project = s_idx % 20;
        let cwd = format!("/src/project-{project:02}");
        let pdir = root.join(format!("-src-project-{project:02}"));
        std::fs::create_dir_all(&pdir)?;
        let id = format!("{:08x}-0000-4000-8000-{:012x}", rng.next() as u32, s_idx);
        let mut s = Session {
            id: id.clone(),
            cwd: &cwd,
            n: 0,
            day: s_idx % 28,
            secs: 0,
        };
        let mut out = String::with_capacity(6 << 20);
        let h = s.head(&mut rng, "user", false);
        let prompt = text(&mut rng, 80, 300);
        let _ = writeln!(
            out,
            r#"{h},"message":{{"role":"user","content":"{prompt}"}}}}"#
        );
        let _ = writeln!(
            out,
            r#"{{"type":"file-history-snapshot","messageId":"m","snapshot":{{"messageId":"m","trackedFileBackups":{{}},"timestamp":"2026-10-01T00:00:00Z"}},"isSnapshotUpdate":false}}"#
        );
        let turns = 150 + rng.below(400);
        for t in 0..turns {
            s.turn(&mut rng, &mut out, false);
            if t % 97 == 96 {
                let h = s.head(&mut rng, "system", false);
                let _ = writeln!(
                    out,
                    r#"{h},"subtype":"compact_boundary","content":"Conversation compacted","compactMetadata":{{"trigger":"auto","preTokens":155000}}}}"#
                );
            }
        }
        let _ = writeln!(
            out,
            r#"{{"type":"summary","summary":"Work on the cache","leafUuid":"x"}}"#
        );
        let mut f = BufWriter::new(std::fs::File::create(pdir.join(format!("{id}.jsonl")))?);
        f.write_all(out.as_bytes())?;
        written += out.len() as u64;
        files += 1;
        // A subagent transcript for one session in three.
        if s_idx.is_multiple_of(3) {
            let sub = pdir.join(&id).join("subagents");
            std::fs::create_dir_all(&sub)?;
            let mut out = String::new();
            for _ in 0..20 + rng.below(60) {
                s.turn(&mut rng, &mut out, true);
            }
            std::fs::write(sub.join(format!("agent-{:016x}.jsonl", rng.next())), &out)?;
            written += out.len() as u64;
            files += 1;
        }
        s_idx += 1;
    }
    println!(
        "corpus: {} files, {} sessions, {:.1} MB in {}",
        files,
        s_idx,
        written as f64 / (1 << 20) as f64,
        root.display()
    );
    Ok(())
}
