//! How skill and agent names are compared.

use super::format::short_name;

/// One item under two names: `superpowers:brainstorming` and `brainstorming` (the part
/// after the last `:`), in any case.
pub fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || short_name(a).eq_ignore_ascii_case(short_name(b))
}
