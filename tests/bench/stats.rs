//! Mean, median and 99th percentile of measured durations, in milliseconds (shared by the
//! benchmarks).

use std::time::Duration;

/// `(mean, p50, p99)` of `v` in milliseconds; `v` must not be empty.
pub fn stats(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mean = v.iter().map(|d| ms(*d)).sum::<f64>() / v.len() as f64;
    let at = |p: usize| ms(v[(v.len() * p / 100).min(v.len() - 1)]);
    (mean, at(50), at(99))
}
