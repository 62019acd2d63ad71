//! YAML frontmatter of skill, agent and command files: `name`, `description` and the rest.

use serde::Deserialize;

/// What the catalog needs from a frontmatter; other fields (`tools`, `model`, `color`, ...)
/// are accepted and ignored.
#[derive(Debug, Default, Deserialize, PartialEq)]
pub struct Frontmatter {
    #[serde(default)]
    pub name: Option<serde_yaml_ng::Value>,
    #[serde(default)]
    pub description: Option<serde_yaml_ng::Value>,
}

#[derive(Debug, PartialEq)]
pub enum Error {
    /// The file does not start with a `---` line.
    Missing,
    /// No closing `---` line.
    Unterminated,
    /// The YAML between the lines does not parse, or is not a mapping.
    Yaml(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Error::Missing => f.write_str("no frontmatter (the file must start with a --- line)"),
            Error::Unterminated => f.write_str("the frontmatter has no closing --- line"),
            Error::Yaml(e) => write!(f, "the frontmatter is not valid YAML: {e}"),
        }
    }
}

/// Split `text` into its frontmatter and body and parse the frontmatter.
pub fn parse(text: &str) -> Result<(Frontmatter, &str), Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().ok_or(Error::Missing)?;
    if first.trim_end() != "---" {
        return Err(Error::Missing);
    }
    let start = first.len();
    let mut at = start;
    for line in lines {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            let yaml = &text[start..at];
            let body = &text[at + line.len()..];
            if yaml.trim().is_empty() {
                return Ok((Frontmatter::default(), body));
            }
            let fm = serde_yaml_ng::from_str::<Frontmatter>(yaml)
                .map_err(|e| Error::Yaml(e.to_string()))?;
            return Ok((fm, body));
        }
        at += line.len();
    }
    Err(Error::Unterminated)
}

/// A scalar as text (`name: 123` is a name too); lists and maps are not.
pub fn scalar(v: &serde_yaml_ng::Value) -> Option<String> {
    match v {
        serde_yaml_ng::Value::String(s) => Some(s.clone()),
        serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
        serde_yaml_ng::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
            crate::model::fuzzing::cases()
        ))]
        /// Fuzz target `frontmatter`: any text parses or fails without a panic; the body
        /// is the end of the text.
        #[test]
        fn fuzz_frontmatter(bytes in crate::model::fuzzing::inputs("frontmatter")) {
            let text = String::from_utf8_lossy(&bytes);
            if let Ok((fm, body)) = parse(&text) {
                proptest::prop_assert!(text.ends_with(body));
                let _ = fm.name.as_ref().and_then(scalar);
                let _ = fm.description.as_ref().and_then(scalar);
            }
        }
    }

    fn desc(text: &str) -> String {
        let (fm, _) = parse(text).unwrap();
        scalar(fm.description.as_ref().unwrap()).unwrap()
    }

    #[test]
    fn plain_quoted_and_block_scalars() {
        assert_eq!(
            desc("---\ndescription: plain words\n---\nbody"),
            "plain words"
        );
        assert_eq!(desc("---\ndescription: \"a: quoted\"\n---\n"), "a: quoted");
        assert_eq!(
            desc("---\ndescription: |\n  one\n  two\n---\n"),
            "one\ntwo\n"
        );
        assert_eq!(
            desc("---\ndescription: >\n  one\n  two\n---\n"),
            "one two\n"
        );
        assert_eq!(desc("---\ndescription: >-\n  one\n  two\n---\n"), "one two");
        assert_eq!(desc("\u{feff}---\r\ndescription: crlf\r\n---\r\n"), "crlf");
    }

    #[test]
    fn unusual_fields_and_empty_frontmatter_are_fine() {
        let (fm, body) =
            parse("---\nname: x\ntools: [Read, Grep]\ndisable-model-invocation: true\n---\nhi")
                .unwrap();
        assert_eq!(scalar(fm.name.as_ref().unwrap()).unwrap(), "x");
        assert_eq!(body, "hi");
        assert_eq!(parse("---\n---\n").unwrap().0, Frontmatter::default());
    }

    #[test]
    fn malformed_frontmatters_say_why() {
        assert_eq!(parse("# Title\n").unwrap_err(), Error::Missing);
        assert_eq!(parse("").unwrap_err(), Error::Missing);
        assert_eq!(parse("---\nname: x\n").unwrap_err(), Error::Unterminated);
        let e = parse("---\nname: [unclosed\n---\n").unwrap_err();
        assert!(matches!(e, Error::Yaml(_)), "{e:?}");
        assert!(matches!(parse("---\n- a list\n---\n"), Err(Error::Yaml(_))));
    }
}
