//! Finding config directories and transcript files (the README's "Transcripts").

use crate::model::facts::AgentFile;
use std::collections::HashSet;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::model::snapshot::{Diagnostic, DiagnosticSource};

use super::parse::FileContext;

/// Deeper than any layout Claude Code writes (`projects/p/<session>/subagents/agent.jsonl`),
/// with room for what a later version may add.
const MAX_DEPTH: usize = 6;

/// Config directories: `--claude-dir` values, else `CLAUDE_CONFIG_DIR` (a comma list that
/// replaces the defaults), else `$XDG_CONFIG_HOME/claude` (or `~/.config/claude`) and
/// `~/.claude`, those that exist. A path ending in `projects` stands for its parent.
pub fn config_dirs(cli_dirs: &[PathBuf]) -> Vec<PathBuf> {
    let listed: Vec<PathBuf> = if !cli_dirs.is_empty() {
        cli_dirs.to_vec()
    } else if let Some(env) = std::env::var_os("CLAUDE_CONFIG_DIR").filter(|v| !v.is_empty()) {
        env.to_string_lossy()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| crate::settings::expand_home(Path::new(s)))
            .collect()
    } else {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        [
            xdg.map(|x| x.join("claude")),
            home.map(|h| h.join(".claude")),
        ]
        .into_iter()
        .flatten()
        .filter(|d| d.is_dir())
        .collect()
    };
    // Canonical: the watcher reports paths under the real folder, and the cursors must match.
    let mut seen = HashSet::new();
    listed
        .into_iter()
        .map(|d| fs::canonicalize(&d).unwrap_or(d))
        .map(|d| match d.file_name() {
            Some(n) if n == "projects" => d.parent().map_or(d.clone(), Path::to_path_buf),
            _ => d,
        })
        .filter(|d| seen.insert(d.clone()))
        .collect()
}

/// What a transcript file is, from where it sits: a main transcript `<session>.jsonl`, a
/// 2.0.x flat `agent-*.jsonl` (its lines carry the parent's `sessionId`), or a 2.1.x
/// `<session>/subagents/agent-*.jsonl`.
pub fn context_of(path: &Path) -> FileContext {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let subagent = name.starts_with("agent-");
    let parent = path.parent();
    let session = if subagent {
        parent
            .filter(|p| p.file_name().is_some_and(|n| n == "subagents"))
            .and_then(Path::parent)
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
    } else {
        path.file_stem().map(|s| s.to_string_lossy().into_owned())
    };
    let agent = subagent
        .then(|| {
            let id = path.file_stem()?.to_str()?.strip_prefix("agent-")?;
            Some(AgentFile {
                id: id.to_owned(),
                meta_type: sidecar_type(&path.with_file_name(format!("agent-{id}.meta.json"))),
            })
        })
        .flatten();
    FileContext {
        session,
        subagent,
        agent,
    }
}

/// `agentType` of a subagent's `.meta.json` sidecar (2.1.x), when it is there.
fn sidecar_type(path: &Path) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Meta {
        #[serde(rename = "agentType")]
        agent_type: Option<String>,
    }
    let text = std::fs::read(path).ok()?;
    let meta: Meta = serde_json::from_slice(&text).ok()?;
    meta.agent_type.filter(|t| !t.is_empty())
}

/// Every `*.jsonl` under the `projects` folders of `dirs`. Unreadable folders and symlink
/// loops become diagnostics; the walk goes on.
pub fn transcripts(dirs: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut walk = Walk::default();
    if dirs.is_empty() {
        walk.diagnostics.push(Diagnostic {
            source: DiagnosticSource::Transcripts,
            path: None,
            message: "no Claude Code config directory found ($XDG_CONFIG_HOME/claude, \
                      ~/.claude); set CLAUDE_CONFIG_DIR or --claude-dir, or try --demo"
                .into(),
        });
    }
    for dir in dirs {
        let projects = dir.join("projects");
        match fs::metadata(&projects) {
            Ok(m) if m.is_dir() => walk.dir(&projects, 0),
            Ok(_) => walk.diag(&projects, "is not a directory".into()),
            // A config dir without transcripts yet is normal (a fresh install).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => walk.diag(&projects, format!("cannot be read: {e}")),
        }
    }
    walk.files.sort();
    (walk.files, walk.diagnostics)
}

/// Transcripts under `path` (a file or a folder inside a `projects` folder), for a path the
/// watcher reported.
pub fn transcripts_under(path: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut walk = Walk::default();
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => walk.dir(path, 0),
        Ok(m) if m.is_file() && is_transcript(path) => walk.files.push(path.to_path_buf()),
        Ok(m) if is_transcript(path) => walk.not_regular(path, m.file_type()),
        _ => {}
    }
    (walk.files, walk.diagnostics)
}

pub fn is_transcript(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl")
}

#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    diagnostics: Vec<Diagnostic>,
    /// (device, inode) of folders on the current path, to break symlink loops.
    stack: Vec<(u64, u64)>,
}

impl Walk {
    fn diag(&mut self, path: &Path, message: String) {
        self.diagnostics.push(Diagnostic {
            source: DiagnosticSource::Transcripts,
            path: Some(path.display().to_string()),
            message,
        });
    }

    /// A `*.jsonl` that is a FIFO, a device or a socket: never opened.
    fn not_regular(&mut self, path: &Path, t: fs::FileType) {
        let kind = crate::model::files::kind_of(t);
        self.diag(path, format!("not a regular file ({kind}); skipped"));
    }

    fn dir(&mut self, dir: &Path, depth: usize) {
        let id = match fs::metadata(dir) {
            Ok(m) => (m.dev(), m.ino()),
            Err(e) => return self.diag(dir, format!("cannot be read: {e}")),
        };
        if self.stack.contains(&id) {
            return self.diag(
                dir,
                "symlink loop: this folder contains itself; skipped".into(),
            );
        }
        if depth > MAX_DEPTH {
            return self.diag(
                dir,
                "nested too deep for a transcript folder; skipped".into(),
            );
        }
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => return self.diag(dir, format!("cannot be read: {e}")),
        };
        self.stack.push(id);
        for entry in entries.flatten() {
            let path = entry.path();
            // Follows symlinks: a linked project folder is real data.
            match fs::metadata(&path) {
                Ok(m) if m.is_dir() => self.dir(&path, depth + 1),
                Ok(m) if m.is_file() && is_transcript(&path) => self.files.push(path),
                Ok(m) if is_transcript(&path) => self.not_regular(&path, m.file_type()),
                Ok(_) => {}
                Err(e) if entry.file_type().is_ok_and(|t| t.is_symlink()) => {
                    self.diag(&path, format!("broken or looping symlink: {e}"))
                }
                Err(e) => self.diag(&path, format!("cannot be read: {e}")),
            }
        }
        self.stack.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_attributed_to_their_session() {
        let main = context_of(Path::new("/c/projects/-p/abc.jsonl"));
        assert_eq!(main.session.as_deref(), Some("abc"));
        assert!(!main.subagent);
        let flat = context_of(Path::new("/c/projects/-p/agent-12ab.jsonl"));
        assert_eq!(
            flat.session, None,
            "2.0 agents name their session in each line"
        );
        assert!(flat.subagent);
        let nested = context_of(Path::new("/c/projects/-p/abc/subagents/agent-9f.jsonl"));
        assert_eq!(nested.session.as_deref(), Some("abc"));
        assert!(nested.subagent);
    }

    #[test]
    fn walk_finds_all_layouts_and_survives_a_symlink_loop() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("projects/-weird-name");
        fs::create_dir_all(p.join("s1/subagents")).unwrap();
        fs::write(p.join("s1.jsonl"), "").unwrap();
        fs::write(p.join("agent-1.jsonl"), "").unwrap();
        fs::write(p.join("s1/subagents/agent-2.jsonl"), "").unwrap();
        fs::write(p.join("s1/subagents/agent-2.meta.json"), "{}").unwrap();
        std::os::unix::fs::symlink(&p, p.join("s1/loop")).unwrap();
        let (files, diags) = transcripts(&[tmp.path().to_path_buf()]);
        let names: Vec<_> = files
            .iter()
            .map(|f| f.strip_prefix(&p).unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            ["agent-1.jsonl", "s1/subagents/agent-2.jsonl", "s1.jsonl"],
            "sorted by path components"
        );
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("symlink loop"));
    }

    #[test]
    fn a_listed_projects_folder_stands_for_its_config_dir() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("projects")).unwrap();
        let dirs = config_dirs(&[tmp.path().join("projects"), tmp.path().to_path_buf()]);
        let real = fs::canonicalize(tmp.path()).unwrap();
        assert_eq!(dirs, vec![real], "deduplicated");
    }
}
