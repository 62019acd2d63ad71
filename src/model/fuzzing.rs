//! The fuzz harness's shared parts (tests only): the seed corpus kept in `fixtures/fuzz/corpus/<target>/`
//! and byte mutations of it. Each target is a proptest over arbitrary bytes and mutated
//! seeds beside the code it checks; `SKILLTOP_FUZZ_CASES` sets how many cases a run tries
//! (default 256, so `cargo test` stays quick; the long runs and their figures are in the
//! README).

use proptest::prelude::*;

/// Cases per target: `SKILLTOP_FUZZ_CASES`, default 256.
pub fn cases() -> u32 {
    std::env::var("SKILLTOP_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// The seed files of `fixtures/fuzz/corpus/<target>/`, sorted by name.
pub fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/fuzz/corpus")
        .join(target);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    let seeds: Vec<Vec<u8>> = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

/// One edit of a seed: overwrite, insert or delete a byte, or cut the tail.
#[derive(Debug, Clone)]
pub enum Edit {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Cut(usize),
    /// Repeat a slice (deep nesting, long runs).
    Repeat(usize, usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    let interesting = prop_oneof![
        any::<u8>(),
        Just(b'"'),
        Just(b'{'),
        Just(b'}'),
        Just(b'['),
        Just(b'\n'),
        Just(b':'),
        Just(b'\\'),
        Just(0x1b),
        Just(0xff),
    ];
    prop_oneof![
        (any::<usize>(), interesting.clone()).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<usize>(), interesting).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Cut),
        (any::<usize>(), 1usize..64, 1u8..64).prop_map(|(i, l, n)| Edit::Repeat(i, l, n)),
    ]
}

/// Apply `edits` to `seed`.
pub fn mutate(mut b: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let n = b.len();
        match *e {
            Edit::Set(i, x) if n > 0 => b[i % n] = x,
            Edit::Insert(i, x) => b.insert(i % (n + 1), x),
            Edit::Delete(i) if n > 0 => {
                b.remove(i % n);
            }
            Edit::Cut(i) => b.truncate(i % (n + 1)),
            Edit::Repeat(i, l, times) if n > 0 => {
                let start = i % n;
                let end = (start + l).min(n);
                let piece = b[start..end].to_vec();
                for _ in 0..times {
                    b.splice(start..start, piece.iter().copied());
                }
            }
            _ => {}
        }
    }
    b
}

/// Inputs for `target`: arbitrary bytes, or a seed of its corpus with a few edits.
pub fn inputs(target: &str) -> impl Strategy<Value = Vec<u8>> {
    let seeds = corpus(target);
    let n = seeds.len();
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..2048),
        (0..n, proptest::collection::vec(edit(), 0..8))
            .prop_map(move |(i, edits)| mutate(seeds[i].clone(), &edits)),
    ]
}
