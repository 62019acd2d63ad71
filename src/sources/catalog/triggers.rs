//! Trigger phrases of an item (FORMATS.md §5).

/// Triggers this short match too much to mean anything.
const MIN_LEN: usize = 4;
/// A clause longer than this is a sentence, not a phrase a prompt would repeat.
const MAX_WORDS: usize = 6;

/// The triggers of an item: its name (and the name with spaces for `-`/`_`), phrases after
/// `Triggers on`, the clauses after `Use this skill when`, `Use when`, `Use for` (split into
/// their comma/`or` parts of two to six words), and every quoted string of the description. Lowercase, distinct,
/// longer than 3 characters.
pub fn extract(name: &str, description: &str, extra: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |t: &str| {
        let t = t
            .trim()
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if t.chars().count() >= MIN_LEN && !out.contains(&t) {
            out.push(t);
        }
    };
    add(name);
    let spaced = name.replace(['-', '_'], " ");
    if spaced != name {
        add(&spaced);
    }
    for q in quoted(description) {
        add(q);
    }
    let lower = description.to_lowercase();
    for key in ["triggers on", "trigger on"] {
        for (i, _) in lower.match_indices(key) {
            for part in split_list(sentence(&description[i + key.len()..])) {
                add(part);
            }
        }
    }
    for key in [
        "use this skill when",
        "use this agent when",
        "use when",
        "use for",
    ] {
        for (i, _) in lower.match_indices(key) {
            for part in split_list(sentence(&description[i + key.len()..])) {
                // One word out of a clause ("fixed", "edit") is too common to mean the item.
                let words = part.split_whitespace().count();
                if (2..=MAX_WORDS).contains(&words) {
                    add(part);
                }
            }
        }
    }
    for t in extra {
        add(t);
    }
    out
}

/// Up to the end of the sentence (or a dash, or an `<example>`).
fn sentence(s: &str) -> &str {
    let s = s.trim_start_matches([':', ' ']);
    let end = [". ", ".\n", " - ", " — ", "<", "\n\n"]
        .iter()
        .filter_map(|e| s.find(e))
        .min()
        .unwrap_or(s.len());
    s[..end].trim_end_matches('.')
}

/// `a, b, or c` → `a`, `b`, `c`.
fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', ';'])
        .flat_map(|p| p.split(" or "))
        .map(|p| p.trim().trim_start_matches("or ").trim())
        .filter(|p| !p.is_empty())
}

/// Strings between straight or curly double quotes.
fn quoted(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find(['"', '“']) {
        let open = rest[i..].chars().next().map_or(1, char::len_utf8);
        let after = &rest[i + open..];
        let Some(j) = after.find(['"', '”']) else {
            break;
        };
        out.push(&after[..j]);
        let close = after[j..].chars().next().map_or(1, char::len_utf8);
        rest = &after[j + close..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_quotes_trigger_lists_and_use_when_clauses() {
        let t = extract(
            "test-repo",
            r#"Use this skill to test things. Invoke when the user asks to "test against a test repo", "validate the changes", or wants to verify hooks."#,
            &[],
        );
        assert_eq!(
            t,
            [
                "test-repo",
                "test repo",
                "test against a test repo",
                "validate the changes"
            ]
        );
        let t = extract(
            "systematic-debugging",
            "Use when encountering any bug, test failure, or unexpected behavior, before proposing fixes",
            &[],
        );
        assert_eq!(
            t,
            [
                "systematic-debugging",
                "systematic debugging",
                "encountering any bug",
                "test failure",
                "unexpected behavior",
                "before proposing fixes"
            ]
        );
        let t = extract(
            "pdf",
            "Triggers on: PDF files, forms or merging. More text.",
            &[],
        );
        assert_eq!(
            t,
            ["pdf files", "forms", "merging"],
            "`pdf` itself is too short"
        );
    }

    #[test]
    fn extra_triggers_from_the_config_are_added_once() {
        let t = extract("deploy", "Ships it", &["Ship it".into(), "deploy".into()]);
        assert_eq!(t, ["deploy", "ship it"]);
    }
}
