//! How numbers and words are written, in one place for the table report, the dashboard and
//! the exports: percentages, trends, source marks, status and severity words, plurals and
//! names cut to a width. Pure functions over the model's types; nothing else in the crate.

use std::borrow::Cow;

use super::snapshot::{InsightKind, ItemKind, ItemStat, PromStatus, Severity, Source};

/// Whether `c` is a control character a terminal would act on: C0 (with ESC and BEL), DEL
/// and C1 (U+0080 to U+009F, CSI and OSC among them), and the bidirectional controls.
fn is_terminal_control(c: char) -> bool {
    // Bidirectional overrides and isolates reorder what is shown after them: a name could
    // make a line read other than it is.
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The one sanitiser for text that reaches a terminal (table report, quick stats,
/// `--format dashboard`, the dashboard, stderr, diagnostics): every control character is
/// written escaped (`\e` for ESC, `\xNN` for the other C0 and DEL, `\u{NN}` for C1), never
/// raw, so a name like `x\e]0;pwned\a` cannot retitle the terminal or write the clipboard.
/// Newline and tab are kept when `keep_layout` (multi-line reports) and escaped
/// (`\n`, `\t`) otherwise.
pub fn escape_controls(s: &str, keep_layout: bool) -> Cow<'_, str> {
    let bad = |c: char| is_terminal_control(c) && !(keep_layout && (c == '\n' || c == '\t'));
    if !s.contains(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !bad(c) {
            out.push(c);
            continue;
        }
        match c {
            '\x1b' => out.push_str("\\e"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// [`escape_controls`] for multi-line text: newline and tab kept.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    escape_controls(s, true)
}

/// [`escape_controls`] for one line: newline and tab escaped too.
pub fn terminal_line(s: &str) -> Cow<'_, str> {
    escape_controls(s, false)
}

/// Every string in a JSON value made [`terminal_safe`], object keys included; `true` when
/// anything changed.
pub fn terminal_safe_json(v: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::String(s) => match terminal_safe(s) {
            Cow::Owned(t) => {
                *s = t;
                true
            }
            Cow::Borrowed(_) => false,
        },
        Value::Array(a) => a.iter_mut().fold(false, |c, x| terminal_safe_json(x) | c),
        Value::Object(m) => {
            let mut changed = false;
            if m.keys().any(|k| matches!(terminal_safe(k), Cow::Owned(_))) {
                let old = std::mem::take(m);
                for (k, x) in old {
                    m.insert(terminal_safe(&k).into_owned(), x);
                }
                changed = true;
            }
            m.values_mut()
                .fold(changed, |c, x| terminal_safe_json(x) | c)
        }
        _ => false,
    }
}

/// A copy of `value` (a snapshot, say) whose every string is [`terminal_safe`], for the
/// views that write it to a terminal; `value` itself when nothing needed escaping.
pub fn terminal_safe_data<T>(value: T) -> T
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    // The common case, nothing to escape, costs one walk over the strings.
    if value.serialize(scan::Scan).is_ok() {
        return value;
    }
    let Ok(mut v) = serde_json::to_value(&value) else {
        return value;
    };
    if !terminal_safe_json(&mut v) {
        return value;
    }
    serde_json::from_value(v).unwrap_or(value)
}

/// A serializer that writes nothing: it walks a value's strings (map keys among them) and
/// stops at the first that [`terminal_safe`] would change.
mod scan {
    use std::borrow::Cow;

    use serde::Serialize;
    use serde::ser::{
        SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant, SerializeTuple,
        SerializeTupleStruct, SerializeTupleVariant, Serializer,
    };

    #[derive(Clone, Copy)]
    pub(super) struct Scan;

    /// A string to escape was found (or the value could not be walked).
    #[derive(Debug)]
    pub(super) struct Stop;

    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a string to escape")
        }
    }

    impl std::error::Error for Stop {}

    impl serde::ser::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }

    fn check(s: &str) -> Result<(), Stop> {
        match super::terminal_safe(s) {
            Cow::Borrowed(_) => Ok(()),
            Cow::Owned(_) => Err(Stop),
        }
    }

    macro_rules! nothing_to_see {
        ($($f:ident: $t:ty),*) => {$(
            fn $f(self, _: $t) -> Result<(), Stop> {
                Ok(())
            }
        )*};
    }

    /// A compound's start: its parts are walked as they come (see `walk!`).
    macro_rules! opens {
        ($($f:ident($($arg:ty),*)),*) => {$(
            fn $f(self, $(_: $arg),*) -> Result<Scan, Stop> {
                Ok(self)
            }
        )*};
    }

    impl Serializer for Scan {
        type Ok = ();
        type Error = Stop;
        type SerializeSeq = Scan;
        type SerializeTuple = Scan;
        type SerializeTupleStruct = Scan;
        type SerializeTupleVariant = Scan;
        type SerializeMap = Scan;
        type SerializeStruct = Scan;
        type SerializeStructVariant = Scan;

        nothing_to_see!(
            serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
            serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
            serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
            serialize_f64: f64, serialize_bytes: &[u8], serialize_unit_struct: &'static str
        );

        fn serialize_char(self, c: char) -> Result<(), Stop> {
            check(c.encode_utf8(&mut [0; 4]))
        }
        fn serialize_str(self, s: &str) -> Result<(), Stop> {
            check(s)
        }
        fn serialize_none(self) -> Result<(), Stop> {
            Ok(())
        }
        fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Stop> {
            v.serialize(self)
        }
        fn serialize_unit(self) -> Result<(), Stop> {
            Ok(())
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
        ) -> Result<(), Stop> {
            Ok(())
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            v: &T,
        ) -> Result<(), Stop> {
            v.serialize(self)
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            v: &T,
        ) -> Result<(), Stop> {
            v.serialize(self)
        }
        opens!(
            serialize_seq(Option<usize>),
            serialize_tuple(usize),
            serialize_tuple_struct(&'static str, usize),
            serialize_tuple_variant(&'static str, u32, &'static str, usize),
            serialize_map(Option<usize>),
            serialize_struct(&'static str, usize),
            serialize_struct_variant(&'static str, u32, &'static str, usize)
        );
    }

    /// Every compound walks its parts; field and variant names are the program's own.
    macro_rules! walk {
        ($($tr:ident: $f:ident($($name:ty),*)),*) => {$(
            impl $tr for Scan {
                type Ok = ();
                type Error = Stop;
                fn $f<T: ?Sized + Serialize>(&mut self, $(_: $name,)* v: &T) -> Result<(), Stop> {
                    v.serialize(Scan)
                }
                fn end(self) -> Result<(), Stop> {
                    Ok(())
                }
            }
        )*};
    }
    walk!(
        SerializeSeq: serialize_element(),
        SerializeTuple: serialize_element(),
        SerializeTupleStruct: serialize_field(),
        SerializeTupleVariant: serialize_field(),
        SerializeStruct: serialize_field(&'static str),
        SerializeStructVariant: serialize_field(&'static str)
    );

    impl SerializeMap for Scan {
        type Ok = ();
        type Error = Stop;
        fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), Stop> {
            k.serialize(Scan)
        }
        fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Stop> {
            v.serialize(Scan)
        }
        fn end(self) -> Result<(), Stop> {
            Ok(())
        }
    }
}

/// Shown where a number is missing (no calls, no Prometheus count).
pub const NONE: &str = "–";

/// A rate in 0..=1 as a percentage with `decimals` decimals, or `–` when there is none:
/// the dashboard uses 0 decimals, the table report 1.
pub fn percent(rate: Option<f64>, decimals: usize) -> String {
    rate.map_or_else(
        || NONE.to_string(),
        |r| format!("{:.*}%", decimals, r * 100.0),
    )
}

/// USD with cents; under a cent shown as such.
pub fn usd(v: f64) -> String {
    if v > 0.0 && v < 0.005 {
        "<$0.01".to_string()
    } else {
        format!("${v:.2}")
    }
}

/// An item's cost for a column: `$1.23`, `unpriced` when it has tokens and no priced
/// response, `–` when it has no response at all.
pub fn item_cost(item: &ItemStat) -> String {
    let t = &item.tokens;
    let tokens = t.input + t.output + t.cache_creation + t.cache_read;
    if item.cost_usd > 0.0 {
        usd(item.cost_usd)
    } else if tokens > 0 {
        "unpriced".to_string()
    } else {
        NONE.to_string()
    }
}

/// "1 prompt", "3 prompts".
pub fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Arrow for a trend: ↑ over +10%, ↓ under −10%, ↔ otherwise, `new` when the previous
/// count was 0, nothing when there is neither.
pub fn trend_label(item: &ItemStat) -> String {
    match item.trend_pct {
        None if item.count > 0 => "new".to_string(),
        None => "".to_string(),
        Some(p) if p > 10.0 => format!("↑ {p:+.0}%"),
        Some(p) if p < -10.0 => format!("↓ {p:+.0}%"),
        Some(p) => format!("↔ {p:+.0}%"),
    }
}

/// Where a count comes from: `T` transcripts, `P` Prometheus, `T+P` both.
pub fn source_mark(s: Source) -> &'static str {
    match s {
        Source::Transcripts => "T",
        Source::Prometheus => "P",
        Source::Both => "T+P",
    }
}

/// The Prometheus source's state in a word, as the header and the report write it
/// (`disabled` reads "off" on the dashboard, which says so itself).
pub fn prom_status_word(s: PromStatus) -> &'static str {
    match s {
        PromStatus::Ok => "ok",
        PromStatus::Unreachable => "unreachable",
        PromStatus::Error => "error",
        PromStatus::Disabled => "disabled",
    }
}

/// `HIGH`, `MEDIUM`, `LOW` (the dashboard).
pub fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
    }
}

/// `HIGH`, `MED `, `LOW `: four columns wide (the table report).
pub fn severity_tag(s: Severity) -> &'static str {
    match s {
        Severity::High => "HIGH",
        Severity::Medium => "MED ",
        Severity::Low => "LOW ",
    }
}

/// A finding's kind in words, for titles (the JSON keeps `declining_missed` and the like).
pub fn insight_words(k: InsightKind) -> &'static str {
    match k {
        InsightKind::DecliningMissed => "used less while asked for",
        InsightKind::LowSuccess => "low success",
        InsightKind::StageGap => "stages rarely reached",
        InsightKind::MissedOpportunity => "missed opportunity",
        InsightKind::NotChosen => "never chosen by Claude",
        InsightKind::NeverUsed => "never used",
        InsightKind::CostRise => "cost per run up",
        InsightKind::CostlyFailures => "costly and failing",
    }
}

/// `skill` or `agent`.
pub fn kind_word(k: ItemKind) -> &'static str {
    match k {
        ItemKind::Skill => "skill",
        ItemKind::Agent => "agent",
    }
}

/// The part of `plugin:name` after the last `:` (the whole name when there is none).
pub fn short_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// At most `w` characters: a longer text is cut and ends in `…`.
pub fn clip(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        s.to_string()
    } else if w <= 1 {
        s.chars().take(w).collect()
    } else {
        let mut t: String = s.chars().take(w - 1).collect();
        t.push('…');
        t
    }
}

/// At most `w` characters, a longer text cut at a word's end when one is near and marked
/// with `…` (a sentence never stops mid-word without a sign).
pub fn clip_words(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        return s.to_string();
    }
    if w <= 1 {
        return s.chars().take(w).collect();
    }
    let head: String = s.chars().take(w - 1).collect();
    // The next character is where the cut falls: a space there means a whole word fits.
    let at_word_end = s.chars().nth(w - 1) == Some(' ');
    let cut = match head.rfind(' ') {
        _ if at_word_end => head.as_str(),
        Some(i) if head[..i].chars().count() * 3 >= w * 2 => &head[..i],
        _ => head.as_str(),
    };
    format!("{}…", cut.trim_end())
}

/// `text` in lines of at most `w` characters, broken between words, at most `max` lines
/// (the last cut with a mark when more remains).
pub fn wrap_words(text: &str, w: usize, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() && lines.len() < max {
        if lines.len() + 1 == max || rest.chars().count() <= w {
            lines.push(clip_words(rest, w));
            break;
        }
        // The last space within the width, else a hard cut at the width.
        let head: String = rest.chars().take(w + 1).collect();
        let cut = head
            .rfind(' ')
            .filter(|i| *i > 0)
            .unwrap_or_else(|| head.char_indices().nth(w).map_or(head.len(), |(i, _)| i));
        lines.push(rest[..cut].trim_end().to_string());
        rest = rest[cut..].trim_start();
    }
    lines
}

/// `plugin:name` (or `a:b:c`) cut to `w` characters from the namespace's side: the tail
/// that tells items apart stays whole as long as it fits, and `…:` marks where the
/// namespace was cut, so a cut name never reads as another item (`…:research:x`, not
/// `research:x`); what room is left keeps the namespace's first letters (`sup…:plans`).
pub fn clip_name(s: &str, w: usize) -> String {
    if s.chars().count() <= w || !s.contains(':') {
        return clip(s, w);
    }
    let parts: Vec<&str> = s.split(':').collect();
    for k in 1..parts.len() {
        let tail = parts[k..].join(":");
        let tail_w = tail.chars().count() + 2;
        if tail_w <= w {
            let head: String = parts[..k].join(":").chars().take(w - tail_w).collect();
            return format!("{head}…:{tail}");
        }
    }
    let last = parts[parts.len() - 1];
    if w >= 4 {
        format!("…:{}", clip(last, w - 2))
    } else {
        clip(last, w)
    }
}

/// Each of `names` cut to `w` as [`clip_name`] cuts it, except names whose cuts would read
/// the same (`…:best-practic…` for both `…:research:best-practices-researcher` and
/// `…:review:best-practices-reviewer`): those keep the end of their own part instead and
/// lose its middle (`…:be…researcher`, `…:best…reviewer`), so rows drawn side by side stay
/// told apart.
pub fn clip_names(names: &[&str], w: usize) -> Vec<String> {
    let sized: Vec<(&str, usize)> = names.iter().map(|n| (*n, w)).collect();
    clip_names_to(&sized)
}

/// [`clip_names`] with a width for each name (rows whose other columns vary). Two cuts read
/// the same when both end cut and what one shows begins what the other shows
/// (`…:security-and-performance…` and `…:security-and-performance-…`).
pub fn clip_names_to(names: &[(&str, usize)]) -> Vec<String> {
    let cuts: Vec<String> = names.iter().map(|(n, w)| clip_name(n, *w)).collect();
    let stem = |i: usize| cuts[i].strip_suffix('…').filter(|_| cuts[i] != names[i].0);
    let alike = |i: usize, j: usize| match (stem(i), stem(j)) {
        (Some(a), Some(b)) => names[i].0 != names[j].0 && (a.starts_with(b) || b.starts_with(a)),
        _ => false,
    };
    (0..names.len())
        .map(|i| {
            let (name, w) = names[i];
            if (0..names.len()).any(|j| alike(i, j)) {
                clip_name_keeping_end(name, w).unwrap_or_else(|| cuts[i].clone())
            } else {
                cuts[i].clone()
            }
        })
        .collect()
}

/// `s` cut to `w` in the middle of its own part (after the last `:`), keeping that part's
/// last word (after its last `-` or `_`) whole when it fits: `…:be…researcher`. None when
/// that part fits whole or `w` is too small to say anything.
fn clip_name_keeping_end(s: &str, w: usize) -> Option<String> {
    let (mark, own) = match s.rsplit_once(':') {
        Some((_, own)) => ("…:", own),
        None => ("", s),
    };
    let room = w.checked_sub(mark.chars().count())?;
    let len = own.chars().count();
    if len <= room || room < 5 {
        return None;
    }
    let last = own.rsplit(['-', '_']).next().unwrap_or(own).chars().count();
    let tail = if last + 3 <= room {
        last
    } else {
        (room - 1) / 2
    };
    let head: String = own.chars().take(room - 1 - tail).collect();
    let end: String = own.chars().skip(len - tail).collect();
    Some(format!("{mark}{head}…{end}"))
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary (what is
/// stored of a long prompt or description).
pub fn cut_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The date part (`YYYY-MM-DD`) of an RFC 3339 time; the text itself if shorter.
pub fn date_part(t: &str) -> &str {
    t.get(..10).unwrap_or(t)
}

/// The clock part (`HH:MM:SS`) of an RFC 3339 time; the text itself if shorter.
pub fn clock_part(t: &str) -> &str {
    t.get(11..19).unwrap_or(t)
}

/// A prompt on one line (newlines become spaces).
pub fn one_line(s: &str) -> String {
    s.replace('\n', " ")
}

/// Bytes as megabytes with one decimal: `1.5 MB`.
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_and_plurals() {
        assert_eq!(percent(Some(0.9234), 0), "92%");
        assert_eq!(percent(Some(0.9234), 1), "92.3%");
        assert_eq!(percent(None, 1), "–");
        assert_eq!(plural(1, "prompt"), "1 prompt");
        assert_eq!(plural(0, "line"), "0 lines");
        assert_eq!(
            insight_words(InsightKind::DecliningMissed),
            "used less while asked for"
        );
    }

    #[test]
    fn long_plugin_names_keep_their_own_part() {
        let n = "entire-engineering:workflow-review";
        assert_eq!(clip_name(n, 40), n);
        assert_eq!(clip_name(n, 20), "ent…:workflow-review");
        assert_eq!(clip_name(n, 12), "…:workflow-…");
        assert_eq!(clip_name("plain-long-name", 8), "plain-l…");
        for w in 0..40 {
            assert!(clip_name(n, w).chars().count() <= w);
        }
        assert_eq!(short_name(n), "workflow-review");

        // Three namespaces deep: the cut keeps the distinguishing tail, marked.
        let deep = "entire-engineering:research:best-practices-researcher";
        assert_eq!(clip_name(deep, 36), "…:research:best-practices-researcher");
        assert_eq!(clip_name(deep, 30), "ent…:best-practices-researcher");
        // Long plugin prefixes stay told apart, and no cut reads as a shorter real name.
        let names = [
            "superpowers:subagent-driven-development",
            "superpowers:writing-plans",
            "superpowers:systematic-debugging",
            "pr-review-toolkit:review-pr",
            "entire-engineering:research:best-practices-researcher",
            "entire-engineering:review:best-practices-researcher",
        ];
        for w in 14..45 {
            let cut: Vec<String> = names.iter().map(|n| clip_name(n, w)).collect();
            for (n, c) in names.iter().zip(&cut) {
                assert!(c.chars().count() <= w, "{c} at {w}");
                assert!(c == n || c.contains('…'), "{c}: a cut without a mark");
            }
            // Items whose last part is the same need room for the part before it.
            let apart = if w >= 36 { names.len() } else { 4 };
            if w >= 24 {
                let mut uniq = cut[..apart].to_vec();
                uniq.sort();
                uniq.dedup();
                assert_eq!(uniq.len(), apart, "{cut:?}");
            }
        }
        assert_eq!(short_name("plain"), "plain");
    }

    #[test]
    fn names_that_would_be_cut_alike_keep_their_ends() {
        let three = [
            "entire-engineering:research:best-practices-researcher",
            "entire-engineering:research:framework-docs-researcher",
            "entire-engineering:review:best-practices-reviewer",
        ];
        assert_eq!(
            clip_names(&three, 15),
            ["…:be…researcher", "…:framework-do…", "…:best…reviewer"]
        );
        // Names cut apart keep the usual cut; a name twice is not a clash.
        let two = [
            "superpowers:systematic-debugging",
            "superpowers:writing-plans",
        ];
        assert_eq!(clip_names(&two, 15), ["…:systematic-d…", "…:writing-plans"]);
        assert_eq!(clip_names(&[three[0], three[0]], 15)[0], "…:best-practic…");
        // Rows of different widths: a cut that begins the other's reads the same.
        let sized = [
            ("p:review:security-and-performance-reviewer", 27),
            ("p:research:security-and-performance-researcher", 28),
        ];
        assert_eq!(
            clip_names_to(&sized),
            [
                "…:security-and-per…reviewer",
                "…:security-and-pe…researcher"
            ]
        );
        // Without a namespace too.
        assert_eq!(
            clip_names(
                &["best-practices-researcher", "best-practices-reviewer"],
                15
            ),
            ["best…researcher", "best-p…reviewer"]
        );
        for w in 2..60 {
            for (c, n) in clip_names(&three, w).iter().zip(three) {
                assert!(c.chars().count() <= w, "{c} at {w}");
                assert!(c == n || c.contains('…'), "{c}: a cut without a mark");
            }
        }
    }

    #[test]
    fn sentences_are_cut_at_a_word_with_a_mark() {
        let s = "skill systematic-debugging used 0 times, down 100%";
        assert_eq!(clip_words(s, 60), s);
        assert_eq!(clip_words(s, 30), "skill systematic-debugging…");
        assert_eq!(clip_words(s, 33), "skill systematic-debugging used…");
        assert_eq!(clip_words("averyveryverylongword", 8), "averyve…");
        for w in 0..60 {
            let c = clip_words(s, w);
            assert!(c.chars().count() <= w, "{c} at {w}");
            assert!(
                c == s || c.ends_with('…') || w <= 1,
                "{c}: cut without a mark"
            );
        }
    }

    #[test]
    fn cuts_bytes_on_a_char_boundary() {
        assert_eq!(cut_bytes("héllo", 2), "h");
        assert_eq!(cut_bytes("héllo", 3), "hé");
        assert_eq!(cut_bytes("hi", 10), "hi");
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        let evil = "x\x1b]0;pwned\x07 \x1b]52;c;AAAA\x07\r\x7f\u{9b}2J\u{85}";
        let safe = terminal_safe(evil);
        assert_eq!(
            safe,
            "x\\e]0;pwned\\x07 \\e]52;c;AAAA\\x07\\x0d\\x7f\\u{9b}2J\\u{85}"
        );
        assert!(!safe.contains(|c: char| c.is_control()), "{safe}");
        assert_eq!(terminal_safe("a\n\tb"), "a\n\tb");
        assert_eq!(terminal_line("a\n\tb"), "a\\n\\tb");
        assert!(matches!(terminal_safe("plain — é"), Cow::Borrowed(_)));
        let mut v = serde_json::json!({"n\x1b": ["\x07", 1, {"k": "ok\x1b[2J"}]});
        assert!(terminal_safe_json(&mut v));
        assert_eq!(
            v,
            serde_json::json!({"n\\e": ["\\x07", 1, {"k": "ok\\e[2J"}]})
        );
    }

    /// The walk that spares the copy finds a control anywhere a string can be: a value, a
    /// map key, inside an option in a list, as a C1 character or a bidirectional override.
    #[test]
    fn data_is_copied_escaped_only_when_a_string_needs_it() {
        use std::collections::BTreeMap;
        type Data = (String, BTreeMap<String, Vec<Option<String>>>, f64);
        let data = |name: &str, key: &str, deep: &str| -> Data {
            let list = vec![None, Some(deep.to_string())];
            (name.into(), BTreeMap::from([(key.to_string(), list)]), 1.5)
        };
        let clean = data("é — ok", "k\n", "multi\nline\ttab");
        assert_eq!(terminal_safe_data(clean.clone()), clean);
        for (evil, fixed) in [
            (
                data("x\x1b]0;t\x07", "k", "d"),
                data("x\\e]0;t\\x07", "k", "d"),
            ),
            (data("n", "k\u{9b}", "d"), data("n", "k\\u{9b}", "d")),
            (data("n", "k", "a\u{202e}b"), data("n", "k", "a\\u{202e}b")),
        ] {
            assert_eq!(terminal_safe_data(evil), fixed);
        }
    }

    #[test]
    fn times_cut_to_their_parts() {
        assert_eq!(date_part("2026-11-20T12:34:56Z"), "2026-11-20");
        assert_eq!(clock_part("2026-11-20T12:34:56Z"), "12:34:56");
        assert_eq!(clock_part("soon"), "soon");
    }

    #[test]
    fn bidirectional_controls_are_shown_escaped() {
        let s = terminal_line("skill\u{202e}gnp.exe\u{2066}x");
        assert_eq!(s, "skill\\u{202e}gnp.exe\\u{2066}x");
        assert_eq!(terminal_line("plain"), "plain");
    }

    #[test]
    fn a_long_note_wraps_between_words_and_is_cut_with_a_mark() {
        assert_eq!(wrap_words("one two three", 20, 2), ["one two three"]);
        assert_eq!(
            wrap_words("one two three four", 9, 2),
            ["one two", "three fo…"]
        );
        assert_eq!(wrap_words("one two three", 9, 3), ["one two", "three"]);
        assert_eq!(wrap_words("abcdefghijkl xy", 5, 2), ["abcde", "fghi…"]);
    }
}
