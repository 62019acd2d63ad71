//! Cost attribution, checked against an independent count: a plain `serde_json` walk of
//! every real transcript (both config dirs of `../shared/realdata`), written apart from the
//! engine, must agree exactly on tokens per model, per agent type and per skill, and on
//! cost to the cent. Then fixtures written here: a subagent in each layout, a nested agent,
//! a background agent, a resumed session, an unpriced model, a price override, 1-hour
//! cache writes, and the estimated skill rule.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use common::*;
use serde_json::{Value, json};

const NOW: &str = "2027-01-01T00:00:00Z";

fn snapshot_of(home: &Path, extra: &[&str]) -> Value {
    snapshot_json(home, NOW, &[&["--all-projects"], extra].concat())
}

// ---------------------------------------------------------------------------------------
// The independent count.

#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
struct Tok {
    input: u64,
    output: u64,
    cache_creation: u64,
    cache_1h: u64,
    cache_read: u64,
}

impl Tok {
    fn add(&mut self, o: &Tok) {
        self.input += o.input;
        self.output += o.output;
        self.cache_creation += o.cache_creation;
        self.cache_1h += o.cache_1h;
        self.cache_read += o.cache_read;
    }
}

#[derive(Clone, Debug)]
struct Resp {
    id: String,
    model: String,
    session: String,
    ts: i64,
    tok: Tok,
    sidechain: bool,
    agent_file: Option<(String, Option<String>)>,
    skill: Option<String>,
    /// `requestId` of the line (other trackers key on it).
    request: Option<String>,
}

/// A subagent file's id and the `agentType` of its sidecar; none for a main transcript.
type AgentFileOf = Option<(String, Option<String>)>;

#[derive(Default)]
struct Walk {
    resps: Vec<Resp>,
    /// tool_use id -> (session, ts, sidechain, name, subagent_type or skill)
    calls: HashMap<String, (String, i64, bool, String, String)>,
    /// agentId -> tool_use id
    agent_ids: HashMap<String, String>,
    /// tool_use id -> the subagent file and `attributionSkill` of the entry that made it
    call_src: HashMap<String, (AgentFileOf, Option<String>)>,
    /// (session, ts) of human prompts
    prompts: Vec<(String, i64)>,
    /// (session, ts, name) of `/name` commands, and of skill bodies loaded
    commands: Vec<(String, i64, String, PathBuf)>,
    loads: Vec<(String, i64, String, PathBuf)>,
}

fn millis(v: &Value) -> i64 {
    v["timestamp"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or(0, |d| d.timestamp_millis())
}

fn text_of(content: &Value) -> Option<String> {
    match content {
        Value::String(s) => Some(s.clone()),
        Value::Array(blocks) => {
            if blocks.iter().any(|b| b["type"] == "tool_result") {
                return None;
            }
            let t: Vec<&str> = blocks
                .iter()
                .filter(|b| b["type"] == "text")
                .filter_map(|b| b["text"].as_str())
                .collect();
            Some(t.join("\n"))
        }
        _ => None,
    }
}

fn jsonl_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            jsonl_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "jsonl") {
            out.push(p);
        }
    }
}

fn walk(home: &Path) -> Walk {
    let mut w = Walk::default();
    let mut files = Vec::new();
    jsonl_files(&home.join("projects"), &mut files);
    for path in files {
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let agent_file = name.strip_prefix("agent-").map(|id| {
            let meta = path.with_file_name(format!("agent-{id}.meta.json"));
            let ty = std::fs::read(&meta)
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .and_then(|m| m["agentType"].as_str().map(str::to_string));
            (id.to_string(), ty)
        });
        // 2.1 subagents name their session by their folder; main files by their name.
        let file_session = if agent_file.is_some() {
            let parent = path.parent().unwrap();
            (parent.file_name().unwrap() == "subagents").then(|| {
                parent
                    .parent()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
        } else {
            Some(name.clone())
        };
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let session = v["sessionId"]
                .as_str()
                .map(str::to_string)
                .or(file_session.clone())
                .unwrap_or_default();
            let ts = millis(&v);
            let sidechain = v["isSidechain"] == true || agent_file.is_some();
            let msg = &v["message"];
            match v["type"].as_str() {
                Some("assistant") => {
                    for b in msg["content"].as_array().into_iter().flatten() {
                        if b["type"] != "tool_use" {
                            continue;
                        }
                        let tool = b["name"].as_str().unwrap_or("").to_string();
                        let arg = match tool.as_str() {
                            "Task" | "Agent" => b["input"]["subagent_type"].as_str(),
                            "Skill" => b["input"]["skill"].as_str(),
                            _ => None,
                        };
                        let skill = v["attributionSkill"].as_str().filter(|s| !s.is_empty());
                        w.call_src
                            .entry(b["id"].as_str().unwrap().to_string())
                            .or_insert((agent_file.clone(), skill.map(str::to_string)));
                        w.calls
                            .entry(b["id"].as_str().unwrap().to_string())
                            .or_insert((
                                session.clone(),
                                ts,
                                sidechain,
                                tool,
                                arg.unwrap_or("").to_string(),
                            ));
                    }
                    let (Some(id), Some(u)) = (msg["id"].as_str(), msg.get("usage")) else {
                        continue;
                    };
                    let n = |k: &str| u[k].as_u64().unwrap_or(0);
                    let skill = v["attributionSkill"]
                        .as_str()
                        .filter(|s| !s.is_empty())
                        .map(str::to_string);
                    w.resps.push(Resp {
                        id: id.to_string(),
                        model: msg["model"].as_str().unwrap_or("").to_string(),
                        session: session.clone(),
                        ts,
                        tok: Tok {
                            input: n("input_tokens"),
                            output: n("output_tokens"),
                            cache_creation: n("cache_creation_input_tokens"),
                            cache_1h: u["cache_creation"]["ephemeral_1h_input_tokens"]
                                .as_u64()
                                .unwrap_or(0),
                            cache_read: n("cache_read_input_tokens"),
                        },
                        sidechain,
                        agent_file: agent_file.clone(),
                        skill,
                        request: v["requestId"].as_str().map(str::to_string),
                    });
                }
                Some("user") => {
                    for b in msg["content"].as_array().into_iter().flatten() {
                        if b["type"] == "tool_result"
                            && let Some(a) = v["toolUseResult"]["agentId"].as_str()
                        {
                            w.agent_ids
                                .insert(a.to_string(), b["tool_use_id"].as_str().unwrap().into());
                        }
                    }
                    let Some(t) = text_of(&msg["content"]) else {
                        continue;
                    };
                    let t = t.trim();
                    if let Some(rest) = t.strip_prefix("Base directory for this skill:") {
                        let dir = rest.lines().next().unwrap().trim().trim_end_matches('/');
                        let skill = dir.rsplit('/').next().unwrap().to_string();
                        if !sidechain {
                            w.loads.push((session.clone(), ts, skill, path.clone()));
                        }
                        continue;
                    }
                    if let Some(i) = t.find("<command-name>") {
                        let rest = &t[i + 14..];
                        let name = rest[..rest.find("</command-name>").unwrap()].trim();
                        let name = name.trim_start_matches('/').to_string();
                        w.commands.push((session.clone(), ts, name, path.clone()));
                        continue;
                    }
                    let human = v["origin"]["kind"].as_str().is_none_or(|k| k == "human");
                    let not_prompt = [
                        "[Request interrupted by user",
                        "[TRACE-ID:",
                        "Caveat:",
                        "<local-command-",
                        "<bash-",
                        "<task-notification>",
                        "<command-",
                    ];
                    if !t.is_empty()
                        && !sidechain
                        && v["isMeta"] != true
                        && v["isCompactSummary"] != true
                        && human
                        && !not_prompt.iter().any(|p| t.starts_with(p))
                    {
                        w.prompts.push((session.clone(), ts));
                    }
                }
                _ => {}
            }
        }
    }
    w
}

fn short(n: &str) -> &str {
    n.rsplit(':').next().unwrap()
}

#[derive(Default, Debug)]
struct Count {
    by_model: BTreeMap<String, Tok>,
    by_agent: BTreeMap<String, Tok>,
    by_skill: BTreeMap<String, Tok>,
    cost_by_model: BTreeMap<String, f64>,
    /// Tool calls made inside each agent type and skill.
    calls_by_agent: BTreeMap<String, u64>,
    calls_by_skill: BTreeMap<String, u64>,
}

fn price_of(prices: &Value, model: &str) -> Option<Value> {
    let m = &prices["models"];
    if m.get(model).is_some() {
        return Some(m[model].clone());
    }
    let (base, date) = model.rsplit_once('-')?;
    (date.len() == 8 && date.chars().all(|c| c.is_ascii_digit()))
        .then(|| m.get(base).cloned())
        .flatten()
}

fn cost(prices: &Value, model: &str, t: &Tok) -> Option<f64> {
    let p = price_of(prices, model)?;
    let long = t.input + t.cache_creation + t.cache_read > 200_000;
    let get = |k: &str| {
        let tier = p[format!("{k}_above_200k")].as_f64();
        if long {
            tier.or(p[k].as_f64())
        } else {
            p[k].as_f64()
        }
    };
    let mut usd = 0.0;
    for (n, k) in [
        (t.input, "input"),
        (t.output, "output"),
        (t.cache_creation - t.cache_1h, "cache_write_5m"),
        (t.cache_1h, "cache_write_1h"),
        (t.cache_read, "cache_read"),
    ] {
        if n > 0 {
            usd += n as f64 * get(k)? / 1e6;
        }
    }
    Some(usd)
}

fn independent(home: &Path) -> Count {
    let w = walk(home);
    let prices: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/prices.json"))
            .unwrap(),
    )
    .unwrap();
    // Once per message id: most output, then the earliest, then the smallest session.
    let mut best: HashMap<&str, &Resp> = HashMap::new();
    for r in &w.resps {
        let e = best.entry(&r.id).or_insert(r);
        if (r.tok.output, e.ts, &e.session) > (e.tok.output, r.ts, &r.session) {
            *e = r;
        }
    }
    let attributed: HashSet<&str> = w
        .resps
        .iter()
        .filter(|r| r.skill.is_some())
        .map(|r| &*r.session)
        .collect();
    // Skill starts (Skill calls of the main thread, typed skills) and human prompts.
    let mut events: Vec<(&str, i64, Option<&str>)> = Vec::new();
    for (session, ts, side, tool, arg) in w.calls.values() {
        if tool == "Skill" && !side {
            events.push((session, *ts, Some(arg)));
        }
    }
    let mut typed_seen = HashSet::new();
    for (session, ts, name, path) in &w.commands {
        let loaded = w.loads.iter().any(|(s, lts, skill, p)| {
            s == session
                && p == path
                && (0..=60_000).contains(&(lts - ts))
                && short(skill).eq_ignore_ascii_case(short(name))
        });
        if loaded && typed_seen.insert((session, ts, name)) {
            events.push((session, *ts, Some(name)));
        }
    }
    for (session, ts) in &w.prompts {
        events.push((session, *ts, None));
    }
    events.sort();
    events.dedup();
    let mut c = Count::default();
    // The agent type and skill of a response or call.
    let agent_of = |session: &str,
                    ts: i64,
                    sidechain: bool,
                    file: &Option<(String, Option<String>)>|
     -> String {
        match file {
            Some((id, meta)) => meta
                .clone()
                .or_else(|| {
                    let call = w.agent_ids.get(id)?;
                    w.calls.get(call).map(|c| c.4.clone())
                })
                .unwrap_or(
                    if id.starts_with("acompact") {
                        "compaction"
                    } else {
                        "subagent"
                    }
                    .into(),
                ),
            None if !sidechain => "main".into(),
            None => w
                .calls
                .values()
                .filter(|(s, t, side, tool, _)| {
                    s == session && !side && *t <= ts && (tool == "Task" || tool == "Agent")
                })
                .max_by_key(|c| c.1)
                .map_or("subagent".into(), |c| c.4.clone()),
        }
    };
    let skill_of = |session: &str, ts: i64, skill: &Option<String>| -> Option<String> {
        match skill {
            Some(s) => Some(s.clone()),
            None if attributed.contains(session) => None,
            None => events
                .iter()
                .filter(|(s, t, _)| *s == session && *t < ts)
                .max_by_key(|e| e.1)
                .and_then(|e| e.2.map(str::to_string)),
        }
    };
    for (id, (file, skill)) in &w.call_src {
        let (session, ts, sidechain, _, _) = &w.calls[id];
        let agent = agent_of(session, *ts, *sidechain, file);
        *c.calls_by_agent.entry(agent).or_default() += 1;
        if let Some(s) = skill_of(session, *ts, skill) {
            *c.calls_by_skill.entry(s).or_default() += 1;
        }
    }
    for r in best.values() {
        c.by_model.entry(r.model.clone()).or_default().add(&r.tok);
        if let Some(usd) = cost(&prices, &r.model, &r.tok) {
            *c.cost_by_model.entry(r.model.clone()).or_default() += usd;
        }
        let agent = agent_of(&r.session, r.ts, r.sidechain, &r.agent_file);
        c.by_agent.entry(agent).or_default().add(&r.tok);
        let skill = skill_of(&r.session, r.ts, &r.skill);
        if let Some(s) = skill {
            c.by_skill.entry(s).or_default().add(&r.tok);
        }
    }
    c
}

fn rows(v: &Value, key: &str) -> BTreeMap<String, Tok> {
    v["costs"][key]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["responses"].as_u64().unwrap() > 0)
        .map(|r| {
            let t = &r["tokens"];
            let n = |k: &str| t[k].as_u64().unwrap();
            (
                r["name"].as_str().unwrap().to_string(),
                Tok {
                    input: n("input"),
                    output: n("output"),
                    cache_creation: n("cache_creation"),
                    cache_1h: n("cache_write_1h"),
                    cache_read: n("cache_read"),
                },
            )
        })
        .collect()
}

#[test]
fn real_transcripts_agree_with_an_independent_count() {
    let Some(home) = realdata() else { return };
    for dir in ["claude-home", "claude-home-2"] {
        let home = home.with_file_name(dir);
        if !home.is_dir() {
            eprintln!("NOTICE: {} is absent; skipped", home.display());
            continue;
        }
        let v = snapshot_of(&home, &[]);
        let want = independent(&home);
        assert_eq!(
            rows(&v, "by_model"),
            want.by_model,
            "{dir}: tokens per model"
        );
        assert_eq!(
            rows(&v, "by_agent_type"),
            want.by_agent,
            "{dir}: tokens per agent type"
        );
        assert_eq!(
            rows(&v, "by_skill"),
            want.by_skill,
            "{dir}: tokens per skill"
        );
        let mut total = 0.0;
        for r in v["costs"]["by_model"].as_array().unwrap() {
            let name = r["name"].as_str().unwrap();
            let got = r["cost_usd"].as_f64().unwrap();
            let exp = want.cost_by_model.get(name).copied().unwrap_or(0.0);
            assert!(
                (got - exp).abs() < 0.005,
                "{dir}: cost of {name}: {got} vs {exp}"
            );
            total += exp;
        }
        let got = v["totals"]["cost_usd"].as_f64().unwrap();
        assert!((got - total).abs() < 0.005, "{dir}: total {got} vs {total}");
        // Per session: every response in one session, the same total.
        let sessions = v["costs"]["by_session"].as_array().unwrap();
        let by_session: f64 = sessions
            .iter()
            .map(|r| r["cost_usd"].as_f64().unwrap())
            .sum();
        assert!(
            (by_session - got).abs() < 1e-6,
            "{dir}: {by_session} vs {got}"
        );
        let responses: u64 = sessions
            .iter()
            .map(|r| r["responses"].as_u64().unwrap())
            .sum();
        let want_responses: u64 = v["costs"]["by_model"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["responses"].as_u64().unwrap())
            .sum();
        assert_eq!(
            responses, want_responses,
            "{dir}: each response in one session"
        );
        assert!(total > 1.0, "{dir}: something was priced");
        // Per item: the same figures beside the counts, and the calls made inside it.
        for s in v["skills"].as_array().unwrap() {
            let name = s["name"].as_str().unwrap();
            let t = want.by_skill.get(name).copied().unwrap_or_default();
            assert_eq!(s["tokens"]["output"], t.output, "{dir}: skill {name}");
            let calls = want.calls_by_skill.get(name).copied().unwrap_or(0);
            assert_eq!(s["calls_made"], calls, "{dir}: calls made in skill {name}");
        }
        for a in v["agents"].as_array().unwrap() {
            let name = a["name"].as_str().unwrap();
            let calls = want.calls_by_agent.get(name).copied().unwrap_or(0);
            assert_eq!(a["calls_made"], calls, "{dir}: calls made in agent {name}");
        }
        let inside: u64 = want.calls_by_agent.values().sum();
        assert_eq!(
            inside,
            v["totals"]["tool_calls"].as_u64().unwrap(),
            "{dir}: every call made by one agent type, the main thread included"
        );
        eprintln!(
            "{dir}: calls by agent type {:?}, by skill {:?}",
            want.calls_by_agent, want.calls_by_skill
        );
    }
}

/// claude-home-2 (2.1.x) says which skill was active; claude-home (older) does not, and a
/// `Skill` call followed by work gives that work to the skill, marked estimated.
#[test]
fn skills_come_from_attribution_where_written_and_are_estimated_before() {
    let Some(home) = realdata() else { return };
    let new = home.with_file_name("claude-home-2");
    if new.is_dir() {
        let v = snapshot_of(&new, &[]);
        let rows = v["costs"]["by_skill"].as_array().unwrap();
        assert!(!rows.is_empty());
        assert!(rows.iter().all(|r| r.get("estimated_responses").is_none()));
        assert!(
            v["skills"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["estimated"] == false)
        );
    }
    let v = snapshot_of(&home, &[]);
    let sk = v["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "superpowers:systematic-debugging")
        .expect("the older real session with a Skill call");
    assert_eq!(sk["estimated"], true);
    assert!(
        sk["tokens"]["output"].as_u64().unwrap() > 0,
        "the work after the call"
    );
    assert!(sk["cost_usd"].as_f64().unwrap() > 0.0);
    let row = v["costs"]["by_skill"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "superpowers:systematic-debugging")
        .unwrap();
    assert_eq!(row["estimated_responses"], row["responses"]);
}

// ---------------------------------------------------------------------------------------
// Fixtures written here.

fn line(v: Value) -> String {
    format!("{v}\n")
}

fn ts(sec: u32) -> String {
    format!("2026-06-01T10:{:02}:{:02}.000Z", sec / 60, sec % 60)
}

fn assistant(session: &str, sec: u32, id: &str, model: &str, usage: Value, extra: Value) -> Value {
    let mut v = json!({
        "type": "assistant", "sessionId": session, "timestamp": ts(sec), "cwd": "/p",
        "message": {"id": id, "model": model, "role": "assistant",
                    "content": [{"type": "text", "text": "ok"}], "usage": usage}
    });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in e {
            o.insert(k.clone(), x.clone());
        }
    }
    v
}

fn usage(input: u64, output: u64) -> Value {
    json!({"input_tokens": input, "output_tokens": output,
           "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0})
}

fn agent_call(session: &str, sec: u32, msg: &str, call: &str, ty: &str, sidechain: bool) -> Value {
    json!({
        "type": "assistant", "sessionId": session, "timestamp": ts(sec), "cwd": "/p",
        "isSidechain": sidechain,
        "message": {"id": msg, "model": "claude-opus-4-5-20251101",
                    "content": [{"type": "tool_use", "id": call, "name": "Agent",
                                 "input": {"subagent_type": ty, "prompt": "go"}}],
                    "usage": usage(1, 1)}
    })
}

fn agent_result(session: &str, sec: u32, call: &str, result: Value, sidechain: bool) -> Value {
    json!({
        "type": "user", "sessionId": session, "timestamp": ts(sec), "cwd": "/p",
        "isSidechain": sidechain,
        "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call,
                                                 "content": "done"}]},
        "toolUseResult": result
    })
}

fn write(path: &Path, lines: &[Value]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let text: String = lines.iter().cloned().map(line).collect();
    std::fs::write(path, text).unwrap();
}

fn row<'a>(v: &'a Value, key: &str, name: &str) -> &'a Value {
    v["costs"][key]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no {key} row {name}: {}", v["costs"][key]))
}

const OPUS: &str = "claude-opus-4-5-20251101";

#[test]
fn subagents_in_every_layout_nested_background_and_resumed_count_once_each() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("projects/-p");
    // 1.0: an inline sidechain in the main file, after an Explore call.
    write(
        &proj.join("s1.jsonl"),
        &[
            agent_call("s1", 1, "m1", "c1", "Explore", false),
            assistant(
                "s1",
                2,
                "m2",
                OPUS,
                usage(100, 10),
                json!({"isSidechain": true}),
            ),
            agent_result("s1", 3, "c1", json!({"totalDurationMs": 500}), false),
        ],
    );
    // 2.0: a flat agent file named by the parent's result (agentId), and a nested agent
    // it started (its own file, its own type).
    write(
        &proj.join("s2.jsonl"),
        &[
            agent_call("s2", 1, "m3", "c2", "planner", false),
            agent_result(
                "s2",
                9,
                "c2",
                json!({"agentId": "f1", "totalDurationMs": 700}),
                false,
            ),
        ],
    );
    write(
        &proj.join("agent-f1.jsonl"),
        &[
            assistant(
                "s2",
                2,
                "m4",
                OPUS,
                usage(200, 20),
                json!({"isSidechain": true}),
            ),
            agent_call("s2", 3, "m5", "c3", "checker", true),
            agent_result(
                "s2",
                5,
                "c3",
                json!({"agentId": "f2", "totalDurationMs": 100}),
                true,
            ),
        ],
    );
    write(
        &proj.join("agent-f2.jsonl"),
        &[assistant(
            "s2",
            4,
            "m6",
            OPUS,
            usage(300, 30),
            json!({"isSidechain": true}),
        )],
    );
    // 2.1: subagents/ with a sidecar, and a background agent (async_launched, then a
    // task notification): one call, its responses once.
    let sub = proj.join("s3/subagents");
    write(
        &proj.join("s3.jsonl"),
        &[
            agent_call("s3", 1, "m7", "c4", "reviewer", false),
            agent_result(
                "s3",
                2,
                "c4",
                json!({"status": "async_launched", "agentId": "b1"}),
                false,
            ),
            json!({"type": "user", "sessionId": "s3", "timestamp": ts(8), "cwd": "/p",
                   "origin": {"kind": "task-notification"},
                   "message": {"role": "user", "content": "<task-notification>\n<task-id>b1</task-id>\n<status>completed</status>\n</task-notification>"}}),
        ],
    );
    write(
        &sub.join("agent-b1.jsonl"),
        &[
            assistant(
                "s3",
                3,
                "m8",
                OPUS,
                usage(400, 40),
                json!({"isSidechain": true}),
            ),
            assistant(
                "s3",
                4,
                "m8",
                OPUS,
                usage(400, 44),
                json!({"isSidechain": true}),
            ),
        ],
    );
    std::fs::write(
        sub.join("agent-b1.meta.json"),
        r#"{"agentType":"reviewer","description":"look"}"#,
    )
    .unwrap();
    // A resumed session copies s1's history into a new file: nothing counts twice.
    let copy = std::fs::read_to_string(proj.join("s1.jsonl")).unwrap();
    std::fs::write(proj.join("s1-resumed.jsonl"), copy).unwrap();

    let v = snapshot_of(tmp.path(), &[]);
    let out = |k: &str, n: &str| row(&v, k, n)["tokens"]["output"].as_u64().unwrap();
    let responses = |k: &str, n: &str| row(&v, k, n)["responses"].as_u64().unwrap();
    assert_eq!(out("by_agent_type", "Explore"), 10, "inline sidechain");
    // Its own response and its call of the nested agent.
    assert_eq!(
        out("by_agent_type", "planner"),
        20 + 1,
        "flat file via agentId"
    );
    assert_eq!(
        out("by_agent_type", "checker"),
        30,
        "nested agent, its own type"
    );
    assert_eq!(
        out("by_agent_type", "reviewer"),
        44,
        "2.1 sidecar; best line kept"
    );
    assert_eq!(responses("by_agent_type", "reviewer"), 1);
    // The agent calls themselves (m1, m3, m7 on the main thread; m5 inside planner).
    assert_eq!(responses("by_agent_type", "main"), 3);
    assert_eq!(responses("by_agent_type", "planner"), 2);
    assert_eq!(responses("by_model", OPUS), 8, "each message id once");
    // Subagents' responses in their parent sessions; the resumed copy adds nothing.
    assert_eq!(responses("by_session", "s1"), 2);
    assert_eq!(responses("by_session", "s2"), 4);
    assert_eq!(responses("by_session", "s3"), 2);
    assert_eq!(v["costs"]["by_session"].as_array().unwrap().len(), 3);
    assert_eq!(
        row(&v, "by_agent_type", "planner")["duration_ms"],
        700,
        "duration from totalDurationMs"
    );
    let agents = v["agents"].as_array().unwrap();
    let reviewer = agents.iter().find(|a| a["name"] == "reviewer").unwrap();
    assert_eq!(reviewer["count"], 1, "background agent: one call");
    assert!(reviewer["cost_usd"].as_f64().unwrap() > 0.0);
    assert_eq!(
        reviewer["cost_per_call"].as_f64().unwrap(),
        reviewer["cost_usd"].as_f64().unwrap()
    );
}

#[test]
fn unpriced_models_override_and_one_hour_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("projects/-p");
    let cache = json!({"input_tokens": 0, "output_tokens": 0,
        "cache_creation_input_tokens": 1000, "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 400, "ephemeral_1h_input_tokens": 600}});
    write(
        &proj.join("s.jsonl"),
        &[
            assistant("s", 1, "m1", "mystery-model", usage(1000, 100), json!({})),
            assistant("s", 2, "m2", OPUS, cache, json!({})),
            assistant(
                "s",
                3,
                "m3",
                "claude-opus-4-5",
                usage(1_000, 0),
                json!({"attributionMcpServer": "github"}),
            ),
        ],
    );
    let v = snapshot_of(tmp.path(), &[]);
    // Opus 4.5: 5-minute writes $6.25, 1-hour writes $10 per million; input $5.
    let opus = row(&v, "by_model", OPUS);
    assert_eq!(opus["tokens"]["cache_write_1h"], 600);
    let want = 400.0 * 6.25e-6 + 600.0 * 10e-6;
    assert!((opus["cost_usd"].as_f64().unwrap() - want).abs() < 1e-9);
    let mystery = row(&v, "by_model", "mystery-model");
    assert_eq!(mystery["unpriced_responses"], 1);
    assert_eq!(mystery["cost_usd"], 0.0);
    assert_eq!(mystery["tokens"]["input"], 1000, "counted in tokens");
    assert_eq!(v["prices"]["unpriced"], json!(["mystery-model"]));
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("mystery-model")),
        "named in the diagnostics"
    );
    assert!(v["prices"]["date"].as_str().unwrap().len() == 10);
    assert_eq!(row(&v, "by_mcp_server", "github")["responses"], 1);
    let base = v["totals"]["cost_usd"].as_f64().unwrap();
    assert!((base - (want + 1000.0 * 5e-6)).abs() < 1e-9, "{base}");

    // A config that prices the unknown model and overrides Opus's input.
    let cfg = tmp.path().join("config.toml");
    std::fs::write(
        &cfg,
        "[prices.mystery-model]\ninput = 1.0\noutput = 2.0\n\n[prices.\"claude-opus-4-5\"]\ninput = 100.0\n",
    )
    .unwrap();
    let v = snapshot_of(tmp.path(), &["--config", cfg.to_str().unwrap()]);
    assert_eq!(v["prices"]["unpriced"], json!([]));
    let mystery = row(&v, "by_model", "mystery-model")["cost_usd"]
        .as_f64()
        .unwrap();
    assert!((mystery - (1000.0 * 1e-6 + 100.0 * 2e-6)).abs() < 1e-9);
    let opus = row(&v, "by_model", "claude-opus-4-5")["cost_usd"]
        .as_f64()
        .unwrap();
    assert!((opus - 1000.0 * 100e-6).abs() < 1e-9, "override: {opus}");
    let dated = row(&v, "by_model", OPUS)["cost_usd"].as_f64().unwrap();
    assert!(
        (dated - want).abs() < 1e-9,
        "a dated name keeps its own price"
    );
}

#[test]
fn the_estimated_rule_ends_at_the_next_human_prompt() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("projects/-p");
    let prompt = |sec: u32, text: &str| {
        json!({"type": "user", "sessionId": "s", "timestamp": ts(sec), "cwd": "/p",
               "message": {"role": "user", "content": text}})
    };
    write(
        &proj.join("s.jsonl"),
        &[
            prompt(0, "debug this"),
            json!({"type": "assistant", "sessionId": "s", "timestamp": ts(1), "cwd": "/p",
                   "message": {"id": "m1", "model": OPUS, "content": [{"type": "tool_use",
                   "id": "k1", "name": "Skill", "input": {"skill": "debugging"}}],
                   "usage": usage(1, 1)}}),
            assistant("s", 2, "m2", OPUS, usage(1, 20), json!({})),
            assistant("s", 3, "m3", OPUS, usage(1, 300), json!({})),
            prompt(4, "thanks, now something else"),
            assistant("s", 5, "m4", OPUS, usage(1, 4000), json!({})),
        ],
    );
    let v = snapshot_of(tmp.path(), &[]);
    let r = row(&v, "by_skill", "debugging");
    assert_eq!(
        r["tokens"]["output"], 320,
        "the turns after the call, not the call's own"
    );
    assert_eq!(r["estimated_responses"], 2);
    let table = run(&[
        "--format",
        "table",
        "--claude-dir",
        tmp.path().to_str().unwrap(),
        "--range",
        "all",
        "--all-projects",
        "--no-prometheus",
        "--now",
        NOW,
    ]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("Costs"), "{text}");
    assert!(text.contains("debugging*"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("  name") && l.ends_with("cost   made      ok")),
        "{text}"
    );
}

/// An assistant entry making one `name` call `call` (message `msg`), with `extra` fields.
fn tool_use(session: &str, sec: u32, msg: &str, call: &str, name: &str, extra: Value) -> Value {
    let mut v = assistant(session, sec, msg, OPUS, usage(10, 100), extra);
    v["message"]["content"] = json!([{"type": "tool_use", "id": call, "name": name,
                                      "input": {"command": "x"}}]);
    v
}

fn tool_result(session: &str, sec: u32, call: &str, failed: bool, sidechain: bool) -> Value {
    json!({
        "type": "user", "sessionId": session, "timestamp": ts(sec), "cwd": "/p",
        "isSidechain": sidechain,
        "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call,
                                                 "content": "out", "is_error": failed}]}
    })
}

/// The same entry a day later (the range the test looks at; `ts` is the day before).
fn next_day(mut v: Value) -> Value {
    if let Some(t) = v["timestamp"].as_str() {
        v["timestamp"] = json!(t.replace("2026-06-01", "2026-06-02"));
    }
    v
}

fn item<'a>(v: &'a Value, kind: &str, name: &str) -> &'a Value {
    v[kind]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}: {}", v[kind]))
}

#[test]
fn what_each_agent_and_skill_buys_and_what_a_run_cost_before() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("projects/-p");
    let side = json!({"isSidechain": true});
    // The day before the range: one tester run, one response of 100 output tokens.
    write(
        &proj.join("s0.jsonl"),
        &[
            agent_call("s0", 1, "p1", "pc1", "tester", false),
            agent_result("s0", 9, "pc1", json!({"agentId": "y1"}), false),
        ],
    );
    write(
        &proj.join("s0/subagents/agent-y1.jsonl"),
        &[assistant("s0", 2, "p2", OPUS, usage(10, 100), side.clone())],
    );
    // In range: a tester run making three calls in its own transcript (one fails), and
    // a main thread with `attributionSkill` on two calls of `review` (one rejected), one
    // call of no skill.
    let d = next_day;
    write(
        &proj.join("s1.jsonl"),
        &[
            d(agent_call("s1", 1, "m1", "c1", "tester", false)),
            d(agent_result("s1", 9, "c1", json!({"agentId": "x1"}), false)),
            d(tool_use("s1", 9, "m8", "sk", "Skill", json!({}))),
            d(tool_use(
                "s1",
                10,
                "m5",
                "k1",
                "Read",
                json!({"attributionSkill": "review"}),
            )),
            d(tool_result("s1", 11, "k1", false, false)),
            d(tool_use(
                "s1",
                12,
                "m6",
                "k2",
                "Edit",
                json!({"attributionSkill": "review"}),
            )),
            d(
                json!({"type": "user", "sessionId": "s1", "timestamp": ts(13), "cwd": "/p",
                     "message": {"role": "user", "content": [{"type": "tool_result",
                     "tool_use_id": "k2", "is_error": true, "content":
                     "The user doesn't want to proceed with this tool use."}]}}),
            ),
            d(tool_use("s1", 14, "m7", "k3", "Bash", json!({}))),
            d(tool_result("s1", 15, "k3", false, false)),
        ],
    );
    let sub = proj.join("s1/subagents");
    write(
        &sub.join("agent-x1.jsonl"),
        &[
            d(tool_use("s1", 2, "m2", "t1", "Bash", side.clone())),
            d(tool_result("s1", 3, "t1", false, true)),
            d(tool_use("s1", 4, "m3", "t2", "Bash", side.clone())),
            d(tool_result("s1", 5, "t2", true, true)),
            d(tool_use("s1", 6, "m4", "t3", "Read", side.clone())),
            d(tool_result("s1", 7, "t3", false, true)),
        ],
    );
    // The estimated rule in a session without `attributionSkill`: the calls after the
    // `Skill` call until the next human prompt.
    write(
        &proj.join("s2.jsonl"),
        &[
            d(tool_use("s2", 1, "n1", "e1", "Skill", json!({}))),
            d(tool_result("s2", 2, "e1", false, false)),
            d(tool_use("s2", 3, "n2", "e2", "Grep", json!({}))),
            d(tool_result("s2", 4, "e2", true, false)),
            d(
                json!({"type": "user", "sessionId": "s2", "timestamp": ts(5), "cwd": "/p",
                     "message": {"role": "user", "content": "next"}}),
            ),
            d(tool_use("s2", 6, "n3", "e3", "Grep", json!({}))),
            d(tool_result("s2", 7, "e3", false, false)),
        ],
    );
    let s1 = std::fs::read_to_string(proj.join("s1.jsonl")).unwrap();
    let s1 = s1.replace(
        r#""id":"sk","input":{"command":"x"}"#,
        r#""id":"sk","input":{"skill":"review"}"#,
    );
    std::fs::write(proj.join("s1.jsonl"), s1).unwrap();
    let mut s2 = std::fs::read_to_string(proj.join("s2.jsonl")).unwrap();
    s2 = s2.replacen(
        r#""input":{"command":"x"}"#,
        r#""input":{"skill":"debugging"}"#,
        1,
    );
    std::fs::write(proj.join("s2.jsonl"), s2).unwrap();

    let home = tmp.path().to_str().unwrap();
    let args = [
        "--format",
        "json",
        "--claude-dir",
        home,
        "--range",
        "1d",
        "--all-projects",
        "--no-prometheus",
        "--now",
        "2026-06-03T00:00:00Z",
    ];
    let (v, _) = json_output(bin().args(args));
    let tester = item(&v, "agents", "tester");
    assert_eq!(tester["calls_made"], 3, "the calls in its own transcript");
    assert_eq!(tester["calls_failed"], 1);
    assert!((tester["calls_success_rate"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-12);
    // Its responses now: three of 100 output tokens; before: one. Per run: three times.
    let per = tester["cost_per_call"].as_f64().unwrap();
    let before = tester["previous_cost_per_call"].as_f64().unwrap();
    assert!((per - 3.0 * before).abs() < 1e-12, "{per} vs {before}");
    let review = item(&v, "skills", "review");
    assert_eq!(
        review["calls_made"], 2,
        "attributionSkill on the calling entry"
    );
    assert_eq!(review["calls_failed"], 1, "a rejection is a failure");
    assert_eq!(review["calls_success_rate"], 0.5);
    assert!(
        review.get("previous_cost_per_call").is_none(),
        "no run before"
    );
    let debugging = item(&v, "skills", "debugging");
    assert_eq!(
        debugging["calls_made"], 1,
        "the Grep after the call, not the Skill call, not after the prompt"
    );
    assert_eq!(debugging["calls_success_rate"], 0.0);

    // The details' sessions: what the agent type and the skill cost in each session.
    let mut engine = skilltop::sources::transcripts::Engine::new(vec![tmp.path().to_path_buf()]);
    let mut store = skilltop::store::Store::new(vec![home.into()]);
    engine.scan().0.into_iter().for_each(|u| store.apply(u));
    let query = skilltop::store::Query {
        project: None,
        range: skilltop::model::range::parse_range("1d").unwrap(),
        sessions: None,
        timezone: chrono_tz::UTC,
        now: "2026-06-03T00:00:00Z".parse().unwrap(),
        redact: false,
        all_examples: false,
        session_rows: true,
    };
    let catalog = skilltop::sources::catalog::Catalog::default();
    let s1 = row(&v, "by_session", "s1")["cost_usd"].as_f64().unwrap();
    for (skill, name) in [(false, "tester"), (true, "review")] {
        let rows = store.item_sessions(&query, &catalog, skill, name);
        assert_eq!(rows.len(), 1, "{name}: {rows:?}");
        assert_eq!(rows[0].session, "s1");
        let want = item(&v, if skill { "skills" } else { "agents" }, name)["cost_usd"]
            .as_f64()
            .unwrap();
        let got = rows[0].cost_usd.unwrap();
        assert!((got - want).abs() < 1e-12, "{name}: {got} vs {want}");
        assert!((rows[0].session_cost_usd.unwrap() - s1).abs() < 1e-12);
        assert!(got < s1, "{name}: a part of the session");
    }

    // The table shows them.
    let mut targs = args;
    targs[1] = "table";
    let text = String::from_utf8_lossy(&run(&targs).stdout).to_string();
    let tester_line = text.lines().find(|l| l.contains("tester")).unwrap();
    assert!(
        tester_line.contains("3") && tester_line.contains("66.7%"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("  name") && l.ends_with("made      ok")),
        "{text}"
    );
}

/// The README's "Why totals differ" figures, computed here by the rules of other trackers
/// over the real transcripts: every usage line summed; ccusage's rule (one line per
/// `message.id` + `requestId`, the first; a line without both always counts); skilltop's
/// (one per `message.id`, the line with the most output).
#[test]
fn other_trackers_rules_give_the_readme_figures() {
    let Some(home) = realdata() else { return };
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let prices: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/prices.json"))
            .unwrap(),
    )
    .unwrap();
    let money = |v: f64| {
        let cents = format!("{:.2}", v);
        let (whole, frac) = cents.split_once('.').unwrap();
        let mut grouped = String::new();
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        format!("${grouped}.{frac}")
    };
    for dir in ["claude-home", "claude-home-2"] {
        let home = home.with_file_name(dir);
        if !home.is_dir() {
            continue;
        }
        let w = walk(&home);
        let usd = |r: &Resp| cost(&prices, &r.model, &r.tok).unwrap_or(0.0);
        let every: f64 = w.resps.iter().map(usd).sum();
        let mut by_time: Vec<&Resp> = w.resps.iter().collect();
        by_time.sort_by_key(|r| r.ts);
        let mut seen = HashSet::new();
        let (mut ccusage, mut ccusage_out) = (0.0, 0);
        for r in by_time {
            if let Some(req) = &r.request
                && !seen.insert((r.id.as_str(), req.as_str()))
            {
                continue;
            }
            ccusage += usd(r);
            ccusage_out += r.tok.output;
        }
        let v = snapshot_of(&home, &[]);
        let ours = v["totals"]["cost_usd"].as_f64().unwrap();
        let ours_out: u64 = v["costs"]["by_model"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["tokens"]["output"].as_u64().unwrap())
            .sum();
        eprintln!(
            "{dir}: every line {}, ccusage's rule {} (output {ccusage_out}), skilltop {} (output {ours_out})",
            money(every),
            money(ccusage),
            money(ours)
        );
        assert!(every > 2.0 * ours, "{dir}: lines of one response summed");
        assert!(ccusage <= ours + 1e-9 && ccusage_out <= ours_out, "{dir}");
        for figure in [every, ccusage, ours] {
            assert!(
                readme.contains(&money(figure)),
                "{dir}: README lacks {}",
                money(figure)
            );
        }
    }
}
