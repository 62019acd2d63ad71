//! How skill and agent names are compared.

use super::format::short_name;

/// One item under two names: `superpowers:brainstorming` and `brainstorming` (the part
/// after the last `:`), in any case.
pub fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || short_name(a).eq_ignore_ascii_case(short_name(b))
}

/// Of two optional names, the one there, or the first in order when both are: a choice that
/// does not depend on the order files are read in.
pub(crate) fn least<'a>(a: Option<&'a str>, b: Option<&'a str>) -> Option<&'a str> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}
