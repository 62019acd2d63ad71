//! How skill and agent names are compared.

/// One item under two names: `superpowers:brainstorming` and `brainstorming` (the part
/// after the last `:`), in any case.
pub fn same_name(a: &str, b: &str) -> bool {
    let short = |n: &str| n.rsplit(':').next().unwrap_or(n).to_lowercase();
    a.eq_ignore_ascii_case(b) || short(a) == short(b)
}
