//! How skill and agent names are compared.

/// The names an invocation counts under for "was it used in this session": the full
/// name and the part after the last `:` (`superpowers:brainstorming` ~ `brainstorming`).
pub(crate) fn name_forms(name: &str) -> impl Iterator<Item = &str> {
    let short = super::format::short_name(name);
    std::iter::once(name).chain((short != name).then_some(short))
}
