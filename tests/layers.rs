//! The folder tree is the flow: model → settings → sources → store → views → run. A file may
//! use its own layer and the ones below it, never one above; the three sources do not use one
//! another, and the text reports do not use the dashboard. Read from the `crate::` paths of
//! every file under `src/`.

use std::fs;
use std::path::{Path, PathBuf};

const LAYERS: [&str; 6] = ["model", "settings", "sources", "store", "views", "run"];

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == layer)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/ is readable").flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The first two path parts under `src/`: `("sources", "catalog")` for
/// `src/sources/catalog/mod.rs`, `("run", "")` for `src/run.rs`.
fn place(path: &Path, src: &Path) -> (String, String) {
    let rel = path.strip_prefix(src).expect("under src/");
    let mut parts = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string());
    let top = parts.next().unwrap_or_default();
    let sub = parts.next().unwrap_or_default();
    (top, sub)
}

/// Every `crate::a::b` named in the file, as `(a, b)`.
fn crate_paths(text: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let mut names = rest
                .split("::")
                .map(|s| s.split(|c: char| !c.is_alphanumeric() && c != '_').next());
            let a = names.next().flatten().unwrap_or("").to_string();
            let b = names.next().flatten().unwrap_or("").to_string();
            out.push((a, b));
        }
    }
    out
}

/// The violations of the layer rules in the tree under `src`.
fn violations(src: &Path) -> Vec<String> {
    let mut files = vec![];
    rust_files(src, &mut files);
    let mut bad = vec![];
    for f in files {
        let (top, sub) = place(&f, src);
        let Some(own) = rank(&top) else {
            continue; // lib.rs and main.rs sit above everything
        };
        let text = fs::read_to_string(&f).expect("source is readable");
        for (a, b) in crate_paths(&text) {
            let Some(used) = rank(&a) else { continue };
            let shown = format!("{}: crate::{a}::{b}", f.display());
            if used > own {
                bad.push(format!("{shown} ({top} may not use the higher layer {a})"));
            } else if a == top && top == "sources" && !b.is_empty() && b != sub {
                bad.push(format!("{shown} (one source may not use another)"));
            } else if a == top && top == "views" && sub == "report" && b == "tui" {
                bad.push(format!("{shown} (text reports may not use the dashboard)"));
            }
        }
    }
    bad
}

#[test]
fn no_layer_imports_a_higher_one() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src);
    assert!(bad.is_empty(), "layer violations:\n{}", bad.join("\n"));
}

#[test]
fn the_check_catches_an_upward_import() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    fs::create_dir_all(src.join("model")).unwrap();
    fs::create_dir_all(src.join("sources/catalog")).unwrap();
    fs::create_dir_all(src.join("views/report")).unwrap();
    fs::write(src.join("model/range.rs"), "use crate::store::Query;\n").unwrap();
    fs::write(
        src.join("sources/catalog/mod.rs"),
        "use crate::model::facts::Prompt;\nfn f() { crate::sources::transcripts::x(); }\n",
    )
    .unwrap();
    fs::write(
        src.join("views/report/table.rs"),
        "// crate::run is only named in a comment\nuse crate::views::tui::ui;\n",
    )
    .unwrap();
    let mut bad = violations(src);
    bad.sort();
    assert_eq!(bad.len(), 3, "{bad:#?}");
    assert!(bad[0].contains("crate::store::Query"), "{bad:#?}");
    assert!(
        bad[1].contains("one source may not use another"),
        "{bad:#?}"
    );
    assert!(bad[2].contains("may not use the dashboard"), "{bad:#?}");
}
