//! What a human prompt is made of: the request the human typed, and material pasted into it
//! (code, logs, test and CI output, screen captures of Claude Code, quoted blocks, documents).
//! Only the request can call for a skill or agent: a pasted log that names `reviewer` asks
//! for nothing. Text Claude Code writes on the human's behalf is told apart too.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// Who wrote the prompt, as far as its text tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// Typed by the human (it may carry pasted material).
    Typed,
    /// Only pasted material: no request of its own.
    PasteOnly,
    /// The plan hand-off Claude Code writes when a plan is accepted ("Implement the
    /// following plan:"): it asks for the plan to be carried out.
    PlanHandoff,
    /// Written by Claude Code or a hook (continuation summaries, notifications, command
    /// output): asks for nothing.
    Generated,
}

impl PromptKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PromptKind::Typed => "typed",
            PromptKind::PasteOnly => "paste",
            PromptKind::PlanHandoff => "plan hand-off",
            PromptKind::Generated => "generated",
        }
    }
}

/// A prompt taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub kind: PromptKind,
    /// The lines the human typed, joined by newlines (empty for pasted and generated text).
    pub request: String,
    /// Lines of pasted material.
    pub pasted_lines: usize,
}

/// Openings of text that Claude Code or a hook writes into the user's turn.
const GENERATED: [&str; 12] = [
    "This session is being continued from a previous conversation",
    "<task-notification>",
    "Caveat:",
    "[Request interrupted",
    "<local-command-",
    "<bash-",
    "<command-",
    "Base directory for this skill:",
    "Stop hook feedback",
    "<user-prompt-submit-hook>",
    "[TRACE-ID:",
    "Please continue the conversation from where we left",
];

const PLAN_HANDOFF: [&str; 2] = ["Implement the following plan", "Implement the plan below"];

pub fn split(text: &str) -> Split {
    let t = text.trim_start();
    if PLAN_HANDOFF.iter().any(|p| t.starts_with(p)) {
        return Split {
            kind: PromptKind::PlanHandoff,
            request: String::new(),
            pasted_lines: t.lines().count(),
        };
    }
    if GENERATED.iter().any(|p| t.starts_with(p)) {
        return Split {
            kind: PromptKind::Generated,
            request: String::new(),
            pasted_lines: 0,
        };
    }
    let lines: Vec<&str> = text.lines().collect();
    let pasted = pasted_mask(&lines);
    let mut request = String::new();
    let mut pasted_lines = 0;
    let mut paragraph_break = false;
    for (line, p) in lines.iter().zip(&pasted) {
        let typed = if *p { typed_prefix(line) } else { Some(*line) };
        if *p {
            pasted_lines += 1;
        }
        if line.trim().is_empty() {
            paragraph_break = true;
        }
        if let Some(line) = typed.filter(|l| !l.trim().is_empty()) {
            if !request.is_empty() {
                request.push_str(if paragraph_break { "\n\n" } else { "\n" });
            }
            paragraph_break = false;
            request.push_str(line.trim());
        }
    }
    let request = first_and_last_paragraphs(request);
    let kind = if request.is_empty() {
        PromptKind::PasteOnly
    } else {
        PromptKind::Typed
    };
    Split {
        kind,
        request,
        pasted_lines,
    }
}

/// A long typed part is mostly pasted prose (documentation, an issue, an email): the
/// human's own words are its first and last paragraphs.
fn first_and_last_paragraphs(request: String) -> String {
    const LONG: usize = 1200;
    if request.len() <= LONG {
        return request;
    }
    let paragraphs: Vec<&str> = request
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .collect();
    match paragraphs.as_slice() {
        [first, .., last] if paragraphs.len() >= 3 => format!("{first}\n{last}"),
        _ => request,
    }
}

/// Per line: is it pasted material? Fenced blocks, lines that look like output or code, the
/// rest of a block (lines without a blank between) once a pasted line starts in it, and the
/// prose inside a run of pasted lines (a log message between two log lines is log).
fn pasted_mask(lines: &[&str]) -> Vec<bool> {
    let mut mask = vec![false; lines.len()];
    let mut in_fence = false;
    let mut in_document = false;
    let mut in_paste_block = false;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            mask[i] = true;
            in_fence = !in_fence;
            continue;
        }
        if t.is_empty() {
            in_paste_block = false;
            continue;
        }
        // A markdown document (a plan, a spec, an issue) pasted under a heading.
        if t.starts_with("# ") || t.starts_with("## ") || t.starts_with("### ") {
            in_document = true;
        }
        mask[i] = in_fence || in_document || in_paste_block || looks_pasted(line);
        in_paste_block |= mask[i] && !in_fence;
    }
    // A short line squeezed between pasted lines is part of the paste (a wrapped log line).
    for i in 1..lines.len().saturating_sub(1) {
        if !mask[i] && mask[i - 1] && mask[i + 1] && lines[i].len() < 200 {
            let words = lines[i].split_whitespace().count();
            if words <= 12 && !lines[i].trim().is_empty() {
                mask[i] = true;
            }
        }
    }
    mask
}

/// The typed words before pasted output on the same line: `still failing: {"time": …}`
/// keeps `still failing`.
fn typed_prefix(line: &str) -> Option<&str> {
    let cut = line.find([':', '{'])?;
    let head = line[..cut].trim();
    if starts_with_timestamp(line.trim()) {
        return None;
    }
    let words = head
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .count();
    let prose = head
        .chars()
        .all(|c| c.is_alphanumeric() || c.is_whitespace() || ",'’-_`".contains(c));
    (words >= 3 && prose && !looks_pasted(head)).then_some(head)
}

/// Marks of tool output anywhere in a line, found in one pass (case-insensitive).
static OUTPUT_MARKS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let marks = [
        "traceback (most recent call last)",
        "during handling of the above exception",
        "the above exception was the direct cause",
        "file \"",
        "error[e",
        "warning[",
        "--> ",
        "=== run",
        "--- fail",
        "--- pass",
        "fail\t",
        "ok  \t",
        "npm err",
        "panicked at",
        "|debu|",
        "|info|",
        "|warn|",
        "|erro|",
        "level=",
        "\"level\":",
    ];
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(marks)
        .expect("the output marks are valid patterns")
});

/// One line that reads as output, code or a capture rather than something typed to Claude.
fn looks_pasted(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return false;
    }
    let first = t.chars().next().unwrap_or(' ');
    // Screen captures of Claude Code and terminals, quotes, shell prompts, box drawing.
    if matches!(
        first,
        '⏺' | '⎿'
            | '❯'
            | '│'
            | '┃'
            | '✻'
            | '✓'
            | '✗'
            | '✔'
            | '✘'
            | '●'
            | '○'
            | '▶'
            | '>'
            | '$'
            | '╭'
            | '╰'
            | '├'
            | '└'
            | '┌'
            | '═'
            | '─'
            | '{'
            | '}'
            | '|'
            | '⚠'
            | '❌'
            | '✅'
            | '·'
            | '…'
    ) {
        return true;
    }
    if line.starts_with("    ") || line.starts_with('\t') {
        return true;
    }
    // Copied from a rendered page: a bold author line of a review thread.
    if t.starts_with("**") && (t.contains("** commented") || t.contains("** reviewed")) {
        return true;
    }
    let lower = t.to_ascii_lowercase();
    // How tools start their lines; a human writes "I get an error: x".
    const AT_START: [&str; 5] = ["error: ", "warning: ", "fatal: ", "goroutine ", "e   "];
    if OUTPUT_MARKS.is_match(t) || AT_START.iter().any(|m| lower.starts_with(m)) {
        return true;
    }
    if lower.starts_with("at ") && (t.contains('(') || t.contains(".go:") || t.contains(".rs:")) {
        return true;
    }
    if error_line(t) || columns(line) || lower.starts_with("exception in thread") {
        return true;
    }
    if starts_with_timestamp(t) {
        return true;
    }
    // Code and data: few letters, many symbols.
    let chars = t.chars().count();
    if chars >= 16 {
        let letters = t.chars().filter(|c| c.is_alphabetic() || *c == ' ').count();
        if (letters as f64) < 0.6 * chars as f64 {
            return true;
        }
    }
    code_like(t)
}

/// `KeyError: 'x'`, `java.lang.NullPointerException: …`, `TypeError: …`: how runtimes
/// print an error, with no space before the colon.
fn error_line(t: &str) -> bool {
    let Some((head, _)) = t.split_once(':') else {
        return false;
    };
    !head.contains(' ')
        && head.len() > 5
        && (head.ends_with("Error") || head.ends_with("Exception") || head.ends_with("Warning"))
}

/// Aligned columns (tables printed by tools): three or more runs of two or more spaces, or a
/// `name  | ` prefix of interleaved service logs.
fn columns(line: &str) -> bool {
    let t = line.trim();
    let runs = t.split("  ").filter(|s| !s.trim().is_empty()).count();
    if runs >= 4 {
        return true;
    }
    t.split_once(" | ")
        .or_else(|| t.split_once("  | "))
        .is_some_and(|(head, _)| !head.trim().contains(' ') && head.len() <= 24)
}

/// `2026-02-15`, `21:51:50`, `Feb  8 21:51:50`, `[12:00:01]` at the start of a line.
fn starts_with_timestamp(t: &str) -> bool {
    let b = t.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if (digits == 4 || digits == 2) && matches!(b.get(digits), Some(b'-' | b'/' | b':')) {
        return b.get(digits + 1).is_some_and(u8::is_ascii_digit);
    }
    const MONTHS: [&str; 12] = [
        "Jan ", "Feb ", "Mar ", "Apr ", "May ", "Jun ", "Jul ", "Aug ", "Sep ", "Oct ", "Nov ",
        "Dec ",
    ];
    if MONTHS.iter().any(|m| t.starts_with(m)) {
        let rest = t[4..].trim_start();
        let d = rest.bytes().take_while(u8::is_ascii_digit).count();
        return (1..=2).contains(&d) && rest[d..].trim_start().as_bytes().get(2) == Some(&b':');
    }
    false
}

/// Source code: a line that ends like a statement or opens a block, or starts with a keyword.
fn code_like(t: &str) -> bool {
    const KEYWORDS: [&str; 14] = [
        "fn ",
        "func ",
        "def ",
        "class ",
        "import ",
        "package ",
        "return ",
        "const ",
        "let ",
        "var ",
        "pub ",
        "use ",
        "#include",
        "function ",
    ];
    if KEYWORDS.iter().any(|k| t.starts_with(k)) && t.contains(['(', '{', '=', ';', ':']) {
        return true;
    }
    (t.ends_with(';') || t.ends_with('{') || t.ends_with("};") || t.ends_with(");"))
        && t.contains(['(', '=', '{'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_with_a_pasted_log_keeps_only_the_request() {
        let s = split(
            "this one is still failing, can you look?\n\
             Feb  8 21:51:50.720 |DEBU| hook invoked hook=stop\n\
             Feb  8 21:51:50.731 |INFO| stop hook=stop component=hooks\n\
             {\"time\":\"2026-02-15T20:46:19\",\"level\":\"DEBUG\"}",
        );
        assert_eq!(s.kind, PromptKind::Typed);
        assert_eq!(s.request, "this one is still failing, can you look?");
        assert_eq!(s.pasted_lines, 3);
    }

    #[test]
    fn fences_captures_and_traces_are_pasted() {
        for paste in [
            "```\nuse the reviewer agent\n```",
            "⏺ Skill(brainstorming)\n  ⎿  Error: failed",
            "Traceback (most recent call last):\n  File \"a.py\", line 3\nKeyError: 'x'\n\nDuring handling of the above exception, another exception occurred:\n\nRuntimeError: page 3 could not be rendered",
            "web-1  | [vite] Internal server error: Failed to resolve import",
            "NAME   READY   STATUS    RESTARTS   AGE\napi-1   0/1     Error     12         41m",
            "Traceback (most recent call last):\n  File \"a.py\", line 3, in <module>",
            "--- FAIL: TestReviewer (0.00s)\n    reviewer_test.go:12: want 1",
            "> please run the code-reviewer agent",
        ] {
            let s = split(paste);
            assert_eq!(s.kind, PromptKind::PasteOnly, "{paste:?} -> {s:?}");
        }
    }

    #[test]
    fn plan_handoff_and_generated_text_are_told_apart() {
        assert_eq!(
            split("Implement the following plan:\n\n# Fix parsing").kind,
            PromptKind::PlanHandoff
        );
        assert_eq!(
            split("This session is being continued from a previous conversation").kind,
            PromptKind::Generated
        );
        assert_eq!(split("debug: the build is slow").kind, PromptKind::Typed);
    }

    #[test]
    fn typed_words_before_output_on_one_line_are_kept() {
        let s = split(
            "this one is still failing to checkpoint: {\"time\":\"2026\",\"level\":\"DEBUG\"}",
        );
        assert_eq!(s.request, "this one is still failing to checkpoint");
    }

    #[test]
    fn a_pasted_document_after_the_request_is_not_request() {
        let s = split(
            "Implement this plan:\n# Fix extraction\n\n## Context\nreview the brainstorming notes",
        );
        assert_eq!(s.request, "Implement this plan:");
    }
}
