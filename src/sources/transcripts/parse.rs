//! One line in, facts out: the entry types, tool calls, outcomes, prompts and stages of the
//! README's "Counting rules" and "Where the data comes from" (section Transcripts).
//!
//! Speed: no `serde_json::Value`. The big entry types (`progress`, `file-history-snapshot`)
//! are recognised by a byte search and never parsed; the rest is deserialized once into
//! borrowed structs whose large fields (tool inputs and results, texts) stay raw JSON slices
//! until a rule needs them.
//!
//! Choices: only `compact_boundary` counts as a compaction (`microcompact_boundary` trims old
//! tool results without summarising the conversation). A line that is valid JSON but has a
//! field of an unexpected JSON type is counted as `invalid_json`.

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use memchr::memmem;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::model::facts::SessionId;

use crate::model::facts::{
    CallKind, CommandUse, Compaction, ERROR_TEXT_CHARS, FileFacts, LISTED_DESCRIPTION_BYTES,
    Millis, Outcome, PROMPT_KEEP_BYTES, Prompt, SessionSeen, SkillListing, SkillSeen, SkillSeenHow,
    SkipReason, Stage, ToolCall, ToolResult, Usage,
};
use crate::model::format;
use crate::settings::config::CustomRule;

/// Longer lines are counted as `too_long` and not parsed: a transcript line is one message,
/// and tens of megabytes (a pasted log, a big tool result) are real, hundreds are not.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// The top-level `type`s Claude Code writes in a transcript line. Anything else is counted as
/// `unknown_type`.
const KNOWN_TYPES: [&str; 15] = [
    "user",
    "assistant",
    "system",
    "summary",
    "progress",
    "file-history-snapshot",
    "file-history-delta",
    "queue-operation",
    "pr-link",
    "attachment",
    "permission-mode",
    "mode",
    "bridge-session",
    "last-prompt",
    "ai-title",
];

/// Known types that carry nothing we count and can be large. Claude Code writes the
/// top-level `type` of these before their payload, so the first `"type":"` of the line is
/// theirs; such lines are only checked to be JSON (without building anything), so a broken
/// one is counted in `skipped_by_reason` like any other.
const FAST_SKIP: [&[u8]; 2] = [b"progress", b"file-history-snapshot"];

/// User texts that are not prompts (interruptions, skill bodies, traces, caveats, local
/// command and shell output, task notifications), besides the meta flags.
const NOT_PROMPT_PREFIXES: [&str; 8] = [
    "[Request interrupted by user",
    "Base directory for this skill:",
    "[TRACE-ID:",
    "Caveat:",
    "<local-command-",
    "<bash-",
    "<task-notification>",
    "<command-",
];

const REJECTED_PREFIX: &str = "The user doesn't want to proceed with this tool use";

static TYPE_KEY: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"\"type\":\""));

/// Where a file sits says things its lines may not: the parent session of a subagent file,
/// and that everything in it happened inside a subagent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileContext {
    /// Session for entries without `sessionId`: the `<sessionId>` folder of a 2.1.x subagent
    /// file, or the name of a main transcript.
    pub session: Option<String>,
    /// A subagent file (`agent-*.jsonl`, flat or under `subagents/`).
    pub subagent: bool,
    /// The subagent's id and sidecar type (subagent files only).
    pub agent: Option<crate::model::facts::AgentFile>,
}

/// Parse a buffer of complete lines (it ends with `\n`, or is a final line known to be
/// whole) into `out`.
pub fn parse_lines(buf: &[u8], file: &FileContext, rules: &[CustomRule], out: &mut FileFacts) {
    let mut rest = buf;
    while !rest.is_empty() {
        let (line, used) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        out.lines += 1;
        out.bytes += used as u64;
        parse_line(line, file, rules, out);
        rest = &rest[used..];
    }
}

/// Parse one line (without its newline) into `out`. Does not count the line itself.
pub fn parse_line(line: &[u8], file: &FileContext, rules: &[CustomRule], out: &mut FileFacts) {
    if line.len() > MAX_LINE_BYTES {
        skip(out, SkipReason::TooLong);
        return;
    }
    let line = line.trim_ascii();
    // A UTF-8 byte order mark (editors write one at the start of a file) is not content.
    let line = line
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(line)
        .trim_ascii_start();
    if line.is_empty() {
        return;
    }
    if let Some(ty) = first_type(line)
        && FAST_SKIP.contains(&ty)
        && line.first() == Some(&b'{')
        && serde_json::from_slice::<IgnoredAny>(line).is_ok()
    {
        return;
    }
    let Ok(text) = std::str::from_utf8(line) else {
        skip(out, SkipReason::InvalidUtf8);
        return;
    };
    if !text.starts_with('{') {
        let reason = match serde_json::from_str::<IgnoredAny>(text) {
            Ok(_) => SkipReason::NotAnObject,
            Err(_) => SkipReason::InvalidJson,
        };
        skip(out, reason);
        return;
    }
    let entry: Entry = match serde_json::from_str(text) {
        Ok(e) => e,
        Err(_) => {
            skip(out, SkipReason::InvalidJson);
            return;
        }
    };
    let ty = entry.ty.as_deref().unwrap_or("");
    if !KNOWN_TYPES.contains(&ty) {
        skip(out, SkipReason::UnknownType);
        return;
    }
    if !matches!(ty, "user" | "assistant" | "system" | "attachment") {
        return;
    }
    let id = entry
        .session_id
        .as_deref()
        .or(file.session.as_deref())
        .unwrap_or("");
    // The file's copy of the id, when it has one: one copy per file, not one per fact.
    let session = match out.sessions.get_key_value(id) {
        Some((k, _)) => k.clone(),
        None => SessionId::from(id),
    };
    let cx = EntryCx {
        session,
        ts: entry.timestamp.as_deref().and_then(parse_ts).unwrap_or(0),
        sidechain: entry.is_sidechain.unwrap_or(false) || file.subagent,
    };
    if !cx.session.is_empty() && entry.timestamp.is_some() {
        see_session(out, &cx, entry.cwd.as_deref());
    }
    match ty {
        "assistant" => {
            assistant(&entry, &cx, rules, out);
            attributed(&entry, &cx, out);
        }
        "user" => user(&entry, &cx, out),
        "attachment" => listing(&entry, &cx, out),
        "system" if entry.subtype.as_deref() == Some("compact_boundary") => {
            out.compactions.push(Compaction {
                session: cx.session.clone(),
                ts: cx.ts,
            });
        }
        _ => {}
    }
}

fn skip(out: &mut FileFacts, reason: SkipReason) {
    *out.skipped.entry(reason).or_default() += 1;
}

/// The value of the first `"type":"…"` in the line (see `FAST_SKIP`).
fn first_type(line: &[u8]) -> Option<&[u8]> {
    let start = TYPE_KEY.find(line)? + 8;
    let len = memchr::memchr(b'"', &line[start..])?;
    Some(&line[start..start + len])
}

struct EntryCx {
    session: SessionId,
    ts: Millis,
    sidechain: bool,
}

fn see_session(out: &mut FileFacts, cx: &EntryCx, cwd: Option<&str>) {
    let cwd = cwd.filter(|c| !c.is_empty());
    let seen = match out.sessions.get_mut(&cx.session) {
        Some(s) => s,
        None => out
            .sessions
            .entry(cx.session.to_owned())
            .or_insert(SessionSeen {
                first_ts: cx.ts,
                last_ts: cx.ts,
                cwd: None,
                sidechain_cwd: None,
            }),
    };
    seen.first_ts = seen.first_ts.min(cx.ts);
    seen.last_ts = seen.last_ts.max(cx.ts);
    let slot = if cx.sidechain {
        &mut seen.sidechain_cwd
    } else {
        &mut seen.cwd
    };
    if slot.is_none() {
        *slot = cwd.map(str::to_owned);
    }
}

fn assistant(entry: &Entry, cx: &EntryCx, rules: &[CustomRule], out: &mut FileFacts) {
    let Some(msg) = &entry.message else { return };
    if let Some(Content::Blocks(blocks)) = &msg.content {
        for b in blocks {
            if b.ty.as_deref() != Some("tool_use") {
                continue;
            }
            let (Some(id), Some(name)) = (&b.id, &b.name) else {
                continue;
            };
            let (kind, stage) = classify_call(name, b.input, rules);
            out.calls.push(ToolCall {
                id: id.to_string(),
                name: name.to_string(),
                kind,
                session: cx.session.clone(),
                ts: cx.ts,
                stage,
                sidechain: cx.sidechain,
                skill: non_empty(entry.attribution_skill.as_deref()),
            });
        }
    }
    if let (Some(id), Some(u)) = (&msg.id, &msg.usage) {
        out.usage.push(Usage {
            message_id: id.to_string(),
            model: msg.model.as_deref().unwrap_or("").to_owned(),
            session: cx.session.clone(),
            ts: cx.ts,
            input: u.input_tokens.unwrap_or(0),
            output: u.output_tokens.unwrap_or(0),
            cache_creation: u.cache_creation_input_tokens.unwrap_or(0),
            cache_read: u.cache_read_input_tokens.unwrap_or(0),
            cache_1h: u
                .cache_creation
                .as_ref()
                .and_then(|c| c.ephemeral_1h_input_tokens)
                .unwrap_or(0),
            sidechain: cx.sidechain,
            skill: non_empty(entry.attribution_skill.as_deref()),
            mcp: non_empty(entry.attribution_mcp_server.as_deref()),
        });
    }
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_owned)
}

/// `attributionSkill`: the skill active for this response. Consecutive entries of one
/// skill are one fact.
fn attributed(entry: &Entry, cx: &EntryCx, out: &mut FileFacts) {
    let Some(name) = entry.attribution_skill.as_deref().filter(|n| !n.is_empty()) else {
        return;
    };
    let repeat = out.skills_seen.last().is_some_and(|s| {
        s.how == SkillSeenHow::Attributed && s.session == cx.session && s.name == name
    });
    if !repeat {
        out.skills_seen.push(SkillSeen {
            name: name.to_owned(),
            session: cx.session.clone(),
            ts: cx.ts,
            how: SkillSeenHow::Attributed,
        });
    }
}

/// A `skill_listing` attachment: one `- name: description` line per available skill.
fn listing(entry: &Entry, cx: &EntryCx, out: &mut FileFacts) {
    let Some(a) = &entry.attachment else { return };
    if a.ty.as_deref() != Some("skill_listing") || cx.sidechain {
        return;
    }
    let Some(content) = a.content.and_then(raw_str) else {
        return;
    };
    let skills: Vec<(String, String)> = content
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .filter_map(|l| l.split_once(':'))
        .map(|(n, d)| (n.trim(), d.trim()))
        .filter(|(n, _)| !n.is_empty() && !n.contains(' '))
        .map(|(n, d)| {
            (
                n.to_owned(),
                format::cut_bytes(d, LISTED_DESCRIPTION_BYTES).to_owned(),
            )
        })
        .collect();
    if !skills.is_empty() {
        out.listings.push(SkillListing {
            session: cx.session.clone(),
            skills,
        });
    }
}

/// The skill folder of a `Base directory for this skill: /…/skills/<name>` entry.
fn skill_load(text: &str) -> Option<&str> {
    let rest = text.strip_prefix(SKILL_BASE)?;
    let path = rest.lines().next()?.trim().trim_end_matches('/');
    let name = path.rsplit('/').next()?;
    (!name.is_empty()).then_some(name)
}

const SKILL_BASE: &str = "Base directory for this skill:";

fn user(entry: &Entry, cx: &EntryCx, out: &mut FileFacts) {
    let Some(msg) = &entry.message else { return };
    let text: Cow<str> = match &msg.content {
        Some(Content::Text(t)) => Cow::Borrowed(t.as_ref()),
        Some(Content::Blocks(blocks)) => {
            let mut text = String::new();
            let mut results = false;
            for b in blocks {
                match b.ty.as_deref() {
                    Some("tool_result") => {
                        results = true;
                        if let Some(id) = &b.tool_use_id {
                            let (outcome, error) = outcome(b);
                            let agent = entry.tool_use_result.as_ref();
                            out.results.push(ToolResult {
                                tool_use_id: id.to_string(),
                                outcome,
                                error,
                                agent_id: agent
                                    .and_then(|a| a.agent_id.as_deref())
                                    .map(str::to_owned),
                                duration_ms: agent.and_then(|a| a.total_duration_ms),
                            });
                        }
                    }
                    Some("text") => {
                        if let Some(t) = b.text.and_then(raw_str) {
                            if !text.is_empty() {
                                text.push('\n');
                            }
                            text.push_str(&t);
                        }
                    }
                    _ => {}
                }
            }
            if results {
                return;
            }
            Cow::Owned(text)
        }
        None => return,
    };
    let text = without_context(&text);
    let text = text.trim();
    if let Some(name) = skill_load(text) {
        if !cx.sidechain {
            out.skills_seen.push(SkillSeen {
                name: name.to_owned(),
                session: cx.session.clone(),
                ts: cx.ts,
                how: SkillSeenHow::Loaded,
            });
        }
        return;
    }
    if let Some(name) = text
        .starts_with("<command-")
        .then(|| command_name(text))
        .flatten()
    {
        out.commands.push(CommandUse {
            name: name.to_owned(),
            session: cx.session.clone(),
            ts: cx.ts,
        });
        return;
    }
    let not_human = entry
        .origin
        .as_ref()
        .and_then(|o| o.kind.as_deref())
        .is_some_and(|k| k != "human");
    // A subagent's user turns are written by the parent agent, not typed by a human.
    if text.is_empty()
        || cx.sidechain
        || entry.is_meta == Some(true)
        || entry.is_compact_summary == Some(true)
        || not_human
        || NOT_PROMPT_PREFIXES.iter().any(|p| text.starts_with(p))
    {
        return;
    }
    out.prompts.push(Prompt {
        session: cx.session.clone(),
        ts: cx.ts,
        text: format::cut_bytes(text, PROMPT_KEEP_BYTES).to_owned(),
    });
}

/// Context the IDE or Claude Code attaches to a prompt (the editor's selection, the open
/// file, reminders): not what the human typed, and it would match triggers the human never
/// wrote.
const CONTEXT_TAGS: [&str; 3] = ["ide_selection", "ide_opened_file", "system-reminder"];

fn without_context(text: &str) -> Cow<'_, str> {
    if !text.contains("<ide_") && !text.contains("<system-reminder>") {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for tag in CONTEXT_TAGS {
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        while let Some(start) = out.find(&open) {
            let end = out[start..]
                .find(&close)
                .map_or(out.len(), |i| start + i + close.len());
            out.replace_range(start..end, "");
        }
    }
    Cow::Owned(out)
}

/// `/x` of `<command-name>/x</command-name>` (older versions write no slash).
fn command_name(text: &str) -> Option<&str> {
    const OPEN: &str = "<command-name>";
    let start = text.find(OPEN)? + OPEN.len();
    let len = text[start..].find("</command-name>")?;
    let name = text[start..start + len].trim();
    let name = name.strip_prefix('/').unwrap_or(name);
    (!name.is_empty()).then_some(name)
}

/// A result's outcome, and for a failure the first non-empty line of its text.
fn outcome(b: &Block) -> (Outcome, Option<String>) {
    if b.is_error != Some(true) {
        return (Outcome::Success, None);
    }
    let text: Option<String> = b
        .content
        .and_then(|raw| serde_json::from_str::<Content>(raw.get()).ok())
        .and_then(|c| match c {
            Content::Text(t) => Some(t.into_owned()),
            Content::Blocks(bs) => bs
                .first()
                .and_then(|b| b.text.and_then(raw_str))
                .map(Cow::into_owned),
        });
    let rejected = text
        .as_deref()
        .is_some_and(|t| t.starts_with(REJECTED_PREFIX));
    let first_line = text.as_deref().and_then(|t| {
        t.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(|l| l.chars().take(ERROR_TEXT_CHARS).collect())
    });
    if rejected {
        (Outcome::Rejected, first_line)
    } else {
        (Outcome::Failure, first_line)
    }
}

fn raw_str(raw: &RawValue) -> Option<Cow<'_, str>> {
    serde_json::from_str::<Cow<str>>(raw.get()).ok()
}

fn classify_call(
    name: &str,
    input: Option<&RawValue>,
    rules: &[CustomRule],
) -> (CallKind, Option<Stage>) {
    let wanted = matches!(name, "Skill" | "Task" | "Agent" | "Bash");
    let fields: Input = match input {
        Some(raw) if wanted => serde_json::from_str(raw.get()).unwrap_or_default(),
        _ => Input::default(),
    };
    let kind = match name {
        "Skill" => CallKind::Skill(fields.skill.as_deref().unwrap_or("").to_owned()),
        "Task" | "Agent" => {
            CallKind::Agent(fields.subagent_type.as_deref().unwrap_or("").to_owned())
        }
        _ => CallKind::Plain,
    };
    let command = fields.command.as_deref().unwrap_or("");
    let custom = rules.iter().find_map(|r| {
        let haystack = match &kind {
            CallKind::Skill(s) if r.tool == "Skill" => s.as_str(),
            CallKind::Agent(t) if r.tool == "Agent" || r.tool == name => t.as_str(),
            _ if r.tool == name && name == "Bash" => command,
            _ if r.tool == name => input.map(RawValue::get).unwrap_or(""),
            _ => return None,
        };
        haystack
            .to_lowercase()
            .contains(&r.contains)
            .then_some(r.stage)
    });
    let stage = custom.or_else(|| builtin_stage(name, &kind, command));
    (kind, stage)
}

/// The built-in stage rules (README, "Counting rules"): a `Skill` or `Task`/`Agent` named
/// like a stage, `Edit`/`Write` → implement, `Bash` running tests → test, `git commit` →
/// commit, `git push` → deploy.
fn builtin_stage(name: &str, kind: &CallKind, command: &str) -> Option<Stage> {
    match (name, kind) {
        (_, CallKind::Skill(skill)) => {
            let s = skill.to_lowercase();
            if s.contains("brainstorm") {
                Some(Stage::Brainstorm)
            } else if s.contains("plan") {
                Some(Stage::Plan)
            } else if s.contains("review") {
                Some(Stage::Review)
            } else if s.contains("tdd") || s.contains("test-driven") {
                Some(Stage::Test)
            } else if s.contains("commit") {
                Some(Stage::Commit)
            } else {
                None
            }
        }
        (_, CallKind::Agent(ty)) => {
            let t = ty.to_lowercase();
            if t.contains("review") {
                Some(Stage::Review)
            } else if t.contains("test") {
                Some(Stage::Test)
            } else {
                None
            }
        }
        ("Edit" | "Write", _) => Some(Stage::Implement),
        ("Bash", _) => {
            let c = command.to_lowercase();
            // `test` covers `pytest` and `unittest`; kept apart to mirror the hook's rule.
            if ["pytest", "test", "unittest", "jest"]
                .iter()
                .any(|w| c.contains(w))
            {
                Some(Stage::Test)
            } else if c.contains("git commit") {
                Some(Stage::Commit)
            } else if c.contains("git push") {
                Some(Stage::Deploy)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fff…]Z` quickly, anything else through chrono's RFC 3339 parser.
pub fn parse_ts(s: &str) -> Option<Millis> {
    fast_ts(s.as_bytes()).or_else(|| {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.timestamp_millis())
    })
}

fn fast_ts(b: &[u8]) -> Option<Millis> {
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || *b.last()? != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b[r].iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let frac = &b[19..b.len() - 1];
    let millis = match frac {
        [] => 0,
        [b'.', digits @ ..] if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) => {
            let mut ms = 0i64;
            for i in 0..3 {
                ms = ms * 10 + digits.get(i).map_or(0, |c| i64::from(c - b'0'));
            }
            ms
        }
        _ => return None,
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + millis)
}

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(rename = "type", borrow, default)]
    ty: Option<Cow<'a, str>>,
    #[serde(rename = "sessionId", borrow, default)]
    session_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    cwd: Option<Cow<'a, str>>,
    #[serde(rename = "isSidechain", default)]
    is_sidechain: Option<bool>,
    #[serde(rename = "isMeta", default)]
    is_meta: Option<bool>,
    #[serde(rename = "isCompactSummary", default)]
    is_compact_summary: Option<bool>,
    #[serde(borrow, default)]
    subtype: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    origin: Option<Origin<'a>>,
    #[serde(borrow, default)]
    message: Option<Message<'a>>,
    #[serde(rename = "attributionSkill", borrow, default)]
    attribution_skill: Option<Cow<'a, str>>,
    #[serde(rename = "attributionMcpServer", borrow, default)]
    attribution_mcp_server: Option<Cow<'a, str>>,
    #[serde(rename = "toolUseResult", borrow, default)]
    tool_use_result: Option<AgentResult<'a>>,
    #[serde(borrow, default)]
    attachment: Option<Attachment<'a>>,
}

#[derive(Deserialize)]
struct Attachment<'a> {
    #[serde(rename = "type", borrow, default)]
    ty: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    content: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Origin<'a> {
    #[serde(borrow, default)]
    kind: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    content: Option<Content<'a>>,
    #[serde(default)]
    usage: Option<UsageRaw>,
}

#[derive(Deserialize)]
struct UsageRaw {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    cache_creation: Option<CacheCreation>,
}

#[derive(Deserialize)]
struct CacheCreation {
    #[serde(default)]
    ephemeral_1h_input_tokens: Option<u64>,
}

/// The fields of a `Task`/`Agent` call's `toolUseResult` that attribution needs. Any other
/// result (a string, a list, another tool's object, often large) is skipped in the one pass
/// that parses the line.
#[derive(Default)]
struct AgentResult<'a> {
    agent_id: Option<Cow<'a, str>>,
    total_duration_ms: Option<u64>,
}

/// The keys of a `toolUseResult` worth reading (matched without allocating).
#[derive(Deserialize)]
#[serde(field_identifier)]
enum ResultKey {
    #[serde(rename = "agentId")]
    AgentId,
    #[serde(rename = "totalDurationMs")]
    TotalDurationMs,
    #[serde(other)]
    Other,
}

impl<'de: 'a, 'a> Deserialize<'de> for AgentResult<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AgentResult<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = AgentResult::default();
                while let Some(key) = m.next_key::<ResultKey>()? {
                    match key {
                        ResultKey::AgentId => out.agent_id = m.next_value()?,
                        ResultKey::TotalDurationMs => {
                            let ms: Option<f64> = m.next_value()?;
                            out.total_duration_ms = ms.map(|ms| ms.max(0.0) as u64);
                        }
                        ResultKey::Other => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(AgentResult::default())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(AgentResult::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(AgentResult::default())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(AgentResult::default())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(AgentResult::default())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(AgentResult::default())
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(AgentResult::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// Message content: a plain string, or a list of blocks.
enum Content<'a> {
    Text(Cow<'a, str>),
    Blocks(Vec<Block<'a>>),
}

impl<'de: 'a, 'a> Deserialize<'de> for Content<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Content<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of content blocks")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Content::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Content::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Content::Text(Cow::Owned(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Content::Blocks(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut blocks = Vec::with_capacity(seq.size_hint().unwrap_or(1));
                while let Some(b) = seq.next_element::<MaybeBlock>()? {
                    if let MaybeBlock(Some(b)) = b {
                        blocks.push(b);
                    }
                }
                Ok(Content::Blocks(blocks))
            }
        }
        d.deserialize_any(V)
    }
}

/// A list element that is not an object (never seen, but cheap to tolerate) is ignored.
struct MaybeBlock<'a>(Option<Block<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for MaybeBlock<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MaybeBlock<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a content block")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let b = Block::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(MaybeBlock(Some(b)))
            }
            fn visit_borrowed_str<E: de::Error>(self, _: &'de str) -> Result<Self::Value, E> {
                Ok(MaybeBlock(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(MaybeBlock(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(MaybeBlock(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(MaybeBlock(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(MaybeBlock(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(MaybeBlock(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(MaybeBlock(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybeBlock(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct Block<'a> {
    #[serde(rename = "type", borrow, default)]
    ty: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    input: Option<&'a RawValue>,
    #[serde(borrow, default)]
    tool_use_id: Option<Cow<'a, str>>,
    #[serde(default)]
    is_error: Option<bool>,
    #[serde(borrow, default)]
    content: Option<&'a RawValue>,
    #[serde(borrow, default)]
    text: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct Input<'a> {
    #[serde(borrow, default)]
    skill: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    subagent_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    command: Option<Cow<'a, str>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::config::StageRule;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
            crate::model::fuzzing::cases()
        ))]
        /// Fuzz target `lines`: any bytes parse without a panic, every line is counted, and
        /// no more lines are skipped than were read.
        #[test]
        fn fuzz_lines(bytes in crate::model::fuzzing::inputs("lines")) {
            let mut out = FileFacts::default();
            parse_lines(&bytes, &FileContext::default(), &[], &mut out);
            let newlines = bytes.iter().filter(|b| **b == b'\n').count() as u64;
            let tail = u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"));
            proptest::prop_assert_eq!(out.lines, newlines + tail);
            proptest::prop_assert_eq!(out.bytes, bytes.len() as u64);
            let skipped: u64 = out.skipped.values().sum();
            proptest::prop_assert!(skipped <= out.lines);
        }
    }

    fn parse(lines: &[&str]) -> FileFacts {
        let mut out = FileFacts::default();
        let buf = lines.join("\n") + "\n";
        parse_lines(buf.as_bytes(), &FileContext::default(), &[], &mut out);
        out
    }

    fn call(name: &str, input: &str) -> String {
        format!(
            r#"{{"type":"assistant","sessionId":"s","timestamp":"2026-01-02T03:04:05.678Z","cwd":"/p","message":{{"id":"m-{name}","model":"opus","content":[{{"type":"tool_use","id":"t-{name}","name":"{name}","input":{input}}}],"usage":{{"input_tokens":1,"output_tokens":2}}}}}}"#
        )
    }

    fn user(content: &str, extra: &str) -> String {
        format!(
            r#"{{"type":"user","sessionId":"s","timestamp":"2026-01-02T03:04:06Z"{extra},"message":{{"role":"user","content":{content}}}}}"#
        )
    }

    #[test]
    fn skills_agents_and_stages_are_classified() {
        let f = parse(&[
            &call("Skill", r#"{"skill":"superpowers:brainstorming"}"#),
            &call("Task", r#"{"subagent_type":"code-reviewer"}"#),
            &call("Agent", r#"{"subagent_type":"Explore"}"#),
            &call("Bash", r#"{"command":"cargo test --all"}"#),
            &call("Write", r#"{"file_path":"x"}"#),
            &call("Read", r#"{"file_path":"x"}"#),
        ]);
        let kinds: Vec<_> = f.calls.iter().map(|c| (c.kind.clone(), c.stage)).collect();
        assert_eq!(
            kinds,
            [
                (
                    CallKind::Skill("superpowers:brainstorming".into()),
                    Some(Stage::Brainstorm)
                ),
                (CallKind::Agent("code-reviewer".into()), Some(Stage::Review)),
                (CallKind::Agent("Explore".into()), None),
                (CallKind::Plain, Some(Stage::Test)),
                (CallKind::Plain, Some(Stage::Implement)),
                (CallKind::Plain, None),
            ]
        );
        assert_eq!(f.calls[0].ts, 1_767_323_045_678, "2026-01-02T03:04:05.678Z");
        assert_eq!(f.usage.len(), 6);
        assert_eq!(f.sessions["s"].cwd.as_deref(), Some("/p"));
    }

    #[test]
    fn git_commands_reach_commit_and_deploy_and_custom_rules_come_first() {
        let f = parse(&[
            &call("Bash", r#"{"command":"git commit -m x"}"#),
            &call("Bash", r#"{"command":"git push origin"}"#),
        ]);
        let stages: Vec<_> = f.calls.iter().map(|c| c.stage).collect();
        assert_eq!(stages, [Some(Stage::Commit), Some(Stage::Deploy)]);

        let rules = CustomRule::compile(&[StageRule {
            tool: "Bash".into(),
            contains: "MAKE CHECK".into(),
            stage: "Test".into(),
        }])
        .unwrap();
        let mut out = FileFacts::default();
        let line = call("Bash", r#"{"command":"make check"}"#);
        parse_line(line.as_bytes(), &FileContext::default(), &rules, &mut out);
        assert_eq!(out.calls[0].stage, Some(Stage::Test), "case-insensitive");
        let bad = CustomRule::compile(&[StageRule {
            tool: "Bash".into(),
            contains: "x".into(),
            stage: "ship".into(),
        }]);
        assert!(bad.unwrap_err().to_string().contains("\"ship\""));
    }

    #[test]
    fn outcomes_failure_rejection_success() {
        let f = parse(&[
            &user(
                r#"[{"type":"tool_result","tool_use_id":"a","content":"ok"}]"#,
                "",
            ),
            &user(
                r#"[{"type":"tool_result","tool_use_id":"b","content":"boom","is_error":true}]"#,
                "",
            ),
            &user(
                r#"[{"type":"tool_result","tool_use_id":"c","content":[{"type":"text","text":"The user doesn't want to proceed with this tool use."}],"is_error":true}]"#,
                "",
            ),
        ]);
        let got: Vec<_> = f
            .results
            .iter()
            .map(|r| (r.tool_use_id.as_str(), r.outcome))
            .collect();
        assert_eq!(
            got,
            [
                ("a", Outcome::Success),
                ("b", Outcome::Failure),
                ("c", Outcome::Rejected)
            ]
        );
        assert!(f.prompts.is_empty(), "tool results are not prompts");
    }

    #[test]
    fn prompts_exclude_meta_commands_markers_and_non_human_origins() {
        let f = parse(&[
            &user(r#""fix the bug""#, ""),
            &user(r#"[{"type":"text","text":"and add a test"}]"#, ""),
            &user(
                r#""Base directory for this skill: /x""#,
                r#","isMeta":true"#,
            ),
            &user(r#""[Request interrupted by user]""#, ""),
            &user(r#""summary of before""#, r#","isCompactSummary":true"#),
            &user(
                r#""from a task""#,
                r#","origin":{"kind":"task-notification"}"#,
            ),
            &user(r#""typed""#, r#","origin":{"kind":"human"}"#),
            &user(
                r#""<command-message>x</command-message>\n<command-name>/plug:do</command-name>""#,
                "",
            ),
            &user(r#""<command-name>old</command-name>""#, ""),
        ]);
        let texts: Vec<_> = f.prompts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["fix the bug", "and add a test", "typed"]);
        let cmds: Vec<_> = f.commands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(cmds, ["plug:do", "old"]);
    }

    #[test]
    fn ide_context_and_reminders_are_not_prompt_text() {
        let f = parse(&[
            &user(
                r#"[{"type":"text","text":"<ide_selection>A reviewer said x</ide_selection>"},{"type":"text","text":"fix the parser"}]"#,
                "",
            ),
            &user(r#""<ide_opened_file>a.rs</ide_opened_file>""#, ""),
            &user(
                r#""<system-reminder>use skills</system-reminder>plan it""#,
                "",
            ),
        ]);
        let texts: Vec<_> = f.prompts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            ["fix the parser", "plan it"],
            "context alone is no prompt"
        );
    }

    #[test]
    fn broken_and_unknown_lines_are_counted_by_reason() {
        let mut out = FileFacts::default();
        let buf: &[u8] = b"{\"type\":\"user\"\n\xff\xfe\n[1,2]\n{\"type\":\"brand-new\"}\n\n{\"type\":\"progress\",\"data\":{}}\n{\"type\":\"summary\",\"summary\":\"s\"}\n";
        parse_lines(buf, &FileContext::default(), &[], &mut out);
        assert_eq!(out.lines, 7);
        let got: Vec<_> = out.skipped.iter().map(|(r, n)| (*r, *n)).collect();
        assert_eq!(
            got,
            [
                (SkipReason::InvalidUtf8, 1),
                (SkipReason::InvalidJson, 1),
                (SkipReason::NotAnObject, 1),
                (SkipReason::UnknownType, 1),
            ]
        );
    }

    #[test]
    fn newer_entry_types_are_known_not_skipped() {
        // Seen in Claude Code 2.1.x transcripts: they carry nothing counted, and a header
        // saying "712 lines skipped" over them would alarm for nothing.
        let mut out = FileFacts::default();
        let buf: &[u8] = b"{\"type\":\"mode\"}\n{\"type\":\"bridge-session\"}\n{\"type\":\"file-history-delta\"}\n";
        parse_lines(buf, &FileContext::default(), &[], &mut out);
        assert_eq!(out.lines, 3);
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
    }

    #[test]
    fn compaction_and_sidechain_context() {
        let ctx = FileContext {
            session: Some("parent".into()),
            subagent: true,
            agent: None,
        };
        let mut out = FileFacts::default();
        let lines = [
            r#"{"type":"system","subtype":"compact_boundary","timestamp":"2026-01-01T00:00:00Z"}"#.to_string(),
            r#"{"type":"system","subtype":"microcompact_boundary","timestamp":"2026-01-01T00:00:00Z"}"#.to_string(),
            call("Read", "{}").replace(r#""sessionId":"s","#, ""),
        ];
        parse_lines((lines.join("\n") + "\n").as_bytes(), &ctx, &[], &mut out);
        assert_eq!(out.compactions.len(), 1);
        assert_eq!(&*out.compactions[0].session, "parent");
        assert_eq!(&*out.calls[0].session, "parent");
        assert!(out.calls[0].sidechain);
    }

    #[test]
    fn timestamps_fast_path_agrees_with_chrono() {
        for s in [
            "2026-01-02T03:04:05Z",
            "2026-02-28T23:59:59.999Z",
            "2024-02-29T12:00:00.5Z",
            "1999-12-31T00:00:00.123456Z",
        ] {
            let want = chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .timestamp_millis();
            assert_eq!(fast_ts(s.as_bytes()), Some(want), "{s}");
        }
        assert_eq!(
            parse_ts("2026-01-02T04:04:05+01:00"),
            parse_ts("2026-01-02T03:04:05Z")
        );
        assert_eq!(parse_ts("yesterday"), None);
    }
}
