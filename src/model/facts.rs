//! Facts: what the transcript parser extracts from lines, and all the store keeps of them.
//! One `FileFacts` per transcript file, so a truncated, replaced or deleted file's
//! contribution can be replaced or dropped as a whole. Joins across files (tool results,
//! duplicated tool_use ids of resumed sessions, tokens per message id) happen in the store.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

/// Milliseconds since the Unix epoch (UTC); compact and cheap to compare.
pub(crate) type Millis = i64;

/// A session's id, shared by every fact of it that a file holds (one copy per file, not
/// one per fact).
pub type SessionId = std::sync::Arc<str>;

pub fn to_datetime(ms: Millis) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Workflow stages (the README's "What it shows"), in their expected order (deploy comes last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    Brainstorm,
    Plan,
    Implement,
    Test,
    Review,
    Commit,
    Deploy,
}

impl Stage {
    pub(crate) const ALL: [Stage; 7] = [
        Stage::Brainstorm,
        Stage::Plan,
        Stage::Implement,
        Stage::Test,
        Stage::Review,
        Stage::Commit,
        Stage::Deploy,
    ];
    /// The expected flow shown on screen (deploy is optional and not "expected").
    pub(crate) const EXPECTED: [Stage; 6] = [
        Stage::Brainstorm,
        Stage::Plan,
        Stage::Implement,
        Stage::Test,
        Stage::Review,
        Stage::Commit,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Stage::Brainstorm => "brainstorm",
            Stage::Plan => "plan",
            Stage::Implement => "implement",
            Stage::Test => "test",
            Stage::Review => "review",
            Stage::Commit => "commit",
            Stage::Deploy => "deploy",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// What kind of call a `tool_use` is, beyond its tool name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallKind {
    Plain,
    /// `Skill` with `input.skill`.
    Skill(String),
    /// `Task` / `Agent` with `input.subagent_type` (empty when absent).
    Agent(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub kind: CallKind,
    pub session: SessionId,
    pub ts: Millis,
    /// The stage this call moves its session to (see `sources/transcripts/parse.rs`), if any.
    pub stage: Option<Stage>,
    /// Made inside a subagent (inline sidechain or a subagent file).
    pub sidechain: bool,
    /// `attributionSkill` of the entry that made the call: the skill active for it.
    pub skill: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    /// A failure that was the user refusing the call.
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolResult {
    pub tool_use_id: String,
    pub outcome: Outcome,
    /// For a failure: the first line of what the tool said, at most `ERROR_TEXT_CHARS`.
    pub error: Option<String>,
    /// `toolUseResult.agentId` of a `Task`/`Agent` call: names its `agent-<id>.jsonl`.
    pub agent_id: Option<String>,
    /// `toolUseResult.totalDurationMs` of a finished `Task`/`Agent` call.
    pub duration_ms: Option<u64>,
}

/// Characters kept of a failed call's error text.
pub const ERROR_TEXT_CHARS: usize = 160;

/// A human prompt, kept for missed-opportunity matching and examples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub session: SessionId,
    pub ts: Millis,
    /// At most `PROMPT_KEEP_BYTES` bytes (cut on a char boundary).
    pub text: String,
}

/// Prompts longer than this are cut before storing: matching a pasted log of megabytes is
/// not useful and would cost memory.
pub(crate) const PROMPT_KEEP_BYTES: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandUse {
    /// Without the leading slash: `commit`, `superpowers:brainstorm`.
    pub name: String,
    pub session: SessionId,
    pub ts: Millis,
}

/// A skill's body loaded into a session (the `Base directory for this skill:` entry Claude
/// Code writes after a `Skill` call or a typed `/skill`), or a skill named by the
/// `attributionSkill` of an assistant entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillSeen {
    /// The skill's folder name (loads) or the attributed name.
    pub name: String,
    pub session: SessionId,
    pub ts: Millis,
    pub how: SkillSeenHow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkillSeenHow {
    Loaded,
    Attributed,
}

/// The skills a session listed as available (`skill_listing` attachment): name and
/// description (cut to `LISTED_DESCRIPTION_BYTES`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillListing {
    pub session: SessionId,
    pub skills: Vec<(String, String)>,
}

pub const LISTED_DESCRIPTION_BYTES: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compaction {
    pub session: SessionId,
    pub ts: Millis,
}

/// Token usage of one API message (deduplicated by `message_id` in the store, keeping the
/// record with the most output tokens).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub message_id: String,
    pub model: String,
    pub session: SessionId,
    pub ts: Millis,
    pub input: u64,
    pub output: u64,
    pub cache_creation: u64,
    pub cache_read: u64,
    /// Of `cache_creation`: written for one hour (`cache_creation.ephemeral_1h_input_tokens`).
    pub cache_1h: u64,
    /// Written inside a subagent (inline sidechain or a subagent file).
    pub sidechain: bool,
    /// `attributionSkill`: the skill active for this response, as Claude Code says.
    pub skill: Option<String>,
    /// `attributionMcpServer`.
    pub mcp: Option<String>,
}

/// A subagent's own transcript (`agent-<id>.jsonl`, flat or under `subagents/`): its id
/// and the `agentType` of its `.meta.json` sidecar when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentFile {
    pub id: String,
    pub meta_type: Option<String>,
}

/// What a file says about a session: where it ran and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSeen {
    pub first_ts: Millis,
    pub last_ts: Millis,
    /// The first `cwd` seen in a main (non-sidechain) entry: the session's project.
    pub cwd: Option<String>,
    /// The first `cwd` of a sidechain entry: used only when no main entry is on disk.
    pub sidechain_cwd: Option<String>,
}

/// Why a line was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    InvalidUtf8,
    InvalidJson,
    NotAnObject,
    UnknownType,
    TooLong,
}

impl SkipReason {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SkipReason::InvalidUtf8 => "invalid_utf8",
            SkipReason::InvalidJson => "invalid_json",
            SkipReason::NotAnObject => "not_an_object",
            SkipReason::UnknownType => "unknown_type",
            SkipReason::TooLong => "too_long",
        }
    }
}

/// Everything one transcript file contributed. `extend` of the facts of consecutive chunks
/// equals the facts of the whole (the property the tail's tests check).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileFacts {
    pub calls: Vec<ToolCall>,
    pub results: Vec<ToolResult>,
    pub prompts: Vec<Prompt>,
    pub commands: Vec<CommandUse>,
    pub skills_seen: Vec<SkillSeen>,
    pub listings: Vec<SkillListing>,
    pub compactions: Vec<Compaction>,
    pub usage: Vec<Usage>,
    /// Set when this file is a subagent's transcript.
    pub agent: Option<AgentFile>,
    pub sessions: BTreeMap<SessionId, SessionSeen>,
    /// Complete lines handed to the parser (blank lines included).
    pub lines: u64,
    pub bytes: u64,
    pub skipped: BTreeMap<SkipReason, u64>,
}

impl FileFacts {
    pub(crate) fn extend(&mut self, other: FileFacts) {
        self.calls.extend(other.calls);
        self.results.extend(other.results);
        self.prompts.extend(other.prompts);
        self.commands.extend(other.commands);
        self.skills_seen.extend(other.skills_seen);
        self.listings.extend(other.listings);
        self.compactions.extend(other.compactions);
        self.usage.extend(other.usage);
        if self.agent.is_none() {
            self.agent = other.agent;
        }
        for (id, seen) in other.sessions {
            self.sessions
                .entry(id)
                .and_modify(|s| {
                    s.first_ts = s.first_ts.min(seen.first_ts);
                    s.last_ts = s.last_ts.max(seen.last_ts);
                    if s.cwd.is_none() {
                        s.cwd.clone_from(&seen.cwd);
                    }
                    if s.sidechain_cwd.is_none() {
                        s.sidechain_cwd.clone_from(&seen.sidechain_cwd);
                    }
                })
                .or_insert(seen);
        }
        self.lines += other.lines;
        self.bytes += other.bytes;
        for (r, n) in other.skipped {
            *self.skipped.entry(r).or_default() += n;
        }
    }

    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// A change to the store, sent by a source.
#[derive(Debug, Clone)]
// Updates are few and moved once; boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Update {
    /// Facts read from a transcript: appended lines (`replace == false`), or the whole file
    /// read again after it was truncated or replaced (`replace == true`).
    File {
        path: PathBuf,
        facts: FileFacts,
        replace: bool,
    },
    /// The file is gone: drop all it contributed.
    Removed(PathBuf),
    /// The newest Prometheus poll (good data, or a status saying why there is none).
    Prometheus(crate::model::prom::PromData),
}
