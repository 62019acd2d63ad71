//! A time range: the last N hours, days or weeks, or everything. Used by every layer.

use chrono::Duration;

/// A time range: the last N hours/days/weeks, or everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeSpec {
    /// As the user wrote it, normalised: `7d`, `24h`, `2w`, `all`.
    pub label: String,
    /// `None` for `all`.
    pub length: Option<Duration>,
}

impl RangeSpec {
    pub fn days(n: i64) -> Self {
        RangeSpec {
            label: format!("{n}d"),
            length: Some(Duration::days(n)),
        }
    }

    /// The ranges `r` cycles through in the dashboard.
    pub(crate) fn cycle_next(&self) -> RangeSpec {
        match self.label.as_str() {
            "7d" => RangeSpec::days(14),
            "14d" => RangeSpec::days(30),
            "30d" => parse_range("all").unwrap_or_else(|_| RangeSpec::days(7)),
            _ => RangeSpec::days(7),
        }
    }
}

/// A range that is not `Nh`, `Nd`, `Nw` or `all`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRange;

impl std::fmt::Display for BadRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("accepts Nh, Nd, Nw (e.g. 24h, 7d, 2w) or all")
    }
}

impl std::error::Error for BadRange {}

pub fn parse_range(s: &str) -> Result<RangeSpec, BadRange> {
    let t = s.trim().to_ascii_lowercase();
    if t == "all" {
        return Ok(RangeSpec {
            label: t,
            length: None,
        });
    }
    // The unit is the last character, which may be any (multi-byte) character.
    let Some((at, _)) = t.char_indices().last() else {
        return Err(BadRange);
    };
    let (num, unit) = t.split_at(at);
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BadRange);
    }
    let n: i64 = num.parse().map_err(|_| BadRange)?;
    if n <= 0 || n > 100_000 {
        return Err(BadRange);
    }
    let length = match unit {
        "h" => Duration::hours(n),
        "d" => Duration::days(n),
        "w" => Duration::weeks(n),
        _ => return Err(BadRange),
    };
    Ok(RangeSpec {
        label: t,
        length: Some(length),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_reject() {
        assert_eq!(parse_range("7d").unwrap().length, Some(Duration::days(7)));
        assert_eq!(
            parse_range("24H").unwrap().length,
            Some(Duration::hours(24))
        );
        assert_eq!(parse_range("2w").unwrap().length, Some(Duration::weeks(2)));
        assert_eq!(parse_range("all").unwrap().length, None);
        for bad in [
            "5x",
            "",
            "d",
            "-3d",
            "0d",
            "7",
            "1.5d",
            "é",
            "7д",
            "dé",
            "+3d",
            "9999999999999999999d",
        ] {
            assert!(parse_range(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn range_cycle_visits_the_presets() {
        let mut r = RangeSpec::days(7);
        let mut seen = vec![];
        for _ in 0..4 {
            r = r.cycle_next();
            seen.push(r.label.clone());
        }
        assert_eq!(seen, ["14d", "30d", "all", "7d"]);
    }
}
