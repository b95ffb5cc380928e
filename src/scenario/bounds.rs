//! The documented range of every number, duration and size a scenario may hold, in one
//! table, checked in one walk over the scenario so that no key can be forgotten.
//!
//! Each bound comes from physics or from what the model can represent: simulated time is
//! an integer of nanoseconds, so a rate above 10⁸ requests per second would put arrivals
//! closer than the clock can tell apart; time series are dense in time, so a span of
//! months or an interval of nanoseconds would fill memory before a request is counted.
//! Fault and flash-crowd windows may reach far past the run (a fault "for the whole run"),
//! since a window costs no memory; the run warns when one lies outside its span.
//! `scenarios/reference.toml` states each range beside its key, and a test checks that
//! every number in the reference scenario is covered here.

use super::ScenarioSpec;
use crate::check::{fail, Checked};
use crate::units::{Bytes, Duration, Nanos, SEC};
use toml::Value;

/// The longest simulated span a run may cover: a month.
pub const MAX_SPAN: Nanos = 31 * 86_400 * SEC;
/// The highest request rate the nanosecond clock can resolve (arrivals 10 ns apart).
pub const MAX_RATE: f64 = 1e8;
/// The most time-series intervals a run may have.
pub const MAX_INTERVALS: u64 = 100_000;
/// The largest object: CloudFront caches objects up to 50 GB (cloudfront.md §1.11).
pub const MAX_OBJECT: u64 = crate::trace::MAX_OBJECT_SIZE;
/// The most requests a run may count or warm up with.
pub const MAX_REQUESTS: u64 = 1_000_000_000_000;

const MS: Nanos = 1_000_000;
const HOUR: Nanos = 3600 * SEC;
const DAY: Nanos = 24 * HOUR;
const YEAR: Nanos = 365 * DAY;
const TIB: u64 = 1 << 40;

/// What a bound limits.
#[derive(Clone, Copy)]
enum Range {
    /// A number (float or integer).
    Num(f64, f64),
    /// A duration, in nanoseconds.
    Time(Nanos, Nanos),
    /// A size, in bytes.
    Size(u64, u64),
}

use Range::{Num, Size, Time};

/// Key paths (`[*]` for any element, `*` for any key) and their ranges.
const BOUNDS: &[(&str, Range)] = &[
    ("duration", Time(1, MAX_SPAN)),
    ("requests", Num(1.0, MAX_REQUESTS as f64)),
    ("warmup", Time(0, MAX_SPAN)),
    ("interval", Time(MS, DAY)),
    ("log_sample_rate", Num(0.0, 1.0)),
    ("max_behaviors", Num(0.0, 10_000.0)),
    ("network.fibre_km_per_ms", Num(10.0, 299.792)),
    ("network.path_inflation", Num(1.0, 10.0)),
    ("network.path_overhead", Time(0, 10 * SEC)),
    ("network.rtt_floor", Time(0, 10 * SEC)),
    ("network.edge_processing", Time(0, 10 * SEC)),
    ("network.routing_margin", Time(0, 10 * SEC)),
    ("workload.rate", Num(1e-3, MAX_RATE)),
    ("workload.traffic", Num(0.0, 1000.0)),
    ("workload.start_hour_utc", Num(0.0, 24.0)),
    ("workload.classes[*].share", Num(0.0, 1.0)),
    ("workload.classes[*].objects", Num(1.0, 4e9)),
    ("workload.classes[*].zipf_exponent", Num(0.0, 5.0)),
    ("workload.classes[*].size.value", Size(0, MAX_OBJECT)),
    ("workload.classes[*].size.mean", Size(1, MAX_OBJECT)),
    ("workload.classes[*].size.median", Size(1, MAX_OBJECT)),
    ("workload.classes[*].size.min", Size(1, MAX_OBJECT)),
    ("workload.classes[*].size.sigma", Num(0.0, 10.0)),
    ("workload.classes[*].size.alpha", Num(0.1, 100.0)),
    ("workload.classes[*].max_size", Size(1, MAX_OBJECT)),
    ("workload.classes[*].methods.*", Num(0.0, 1.0)),
    ("workload.classes[*].request_body", Size(0, MAX_OBJECT)),
    ("workload.classes[*].response.expires", Time(0, 100 * YEAR)),
    (
        "workload.classes[*].response.change_interval",
        Time(1, 100 * YEAR),
    ),
    ("workload.classes[*].signed.lifetime", Time(1, 100 * YEAR)),
    (
        "workload.classes[*].signed.signer_clock_skew_s",
        Num(-86_400.0, 86_400.0),
    ),
    ("workload.classes[*].signed.tampered", Num(0.0, 1.0)),
    ("workload.classes[*].signed.stale", Num(0.0, 1.0)),
    ("workload.classes[*].signed.outside_ip", Num(0.0, 1.0)),
    ("workload.flash_crowds[*].start", Time(0, 100 * YEAR)),
    ("workload.flash_crowds[*].duration", Time(1, 100 * YEAR)),
    ("workload.flash_crowds[*].multiplier", Num(1e-3, 1000.0)),
    ("workload.flash_crowds[*].top_objects", Num(0.0, 4e9)),
    ("workload.trace.time_scale", Num(1e-3, 1000.0)),
    ("regions[*].lat", Num(-90.0, 90.0)),
    ("regions[*].lon", Num(-180.0, 180.0)),
    ("regions[*].share", Num(0.0, 1.0)),
    ("regions[*].traffic", Num(0.0, 1000.0)),
    ("regions[*].utc_offset_hours", Num(-12.0, 14.0)),
    ("regions[*].last_mile", Time(0, 10 * SEC)),
    ("regions[*].jitter", Time(0, 10 * SEC)),
    ("regions[*].bandwidth_mbps", Num(0.01, 1e6)),
    ("regions[*].diurnal.amplitude", Num(0.0, 1.0)),
    ("regions[*].diurnal.peak_hour", Num(0.0, 24.0)),
    ("regions[*].protocols.*", Num(0.0, 1.0)),
    (
        "regions[*].protocols.requests_per_connection",
        Num(1.0, 1e6),
    ),
    ("pops[*].lat", Num(-90.0, 90.0)),
    ("pops[*].lon", Num(-180.0, 180.0)),
    ("pops[*].cache_capacity", Size(1, 1024 * TIB)),
    ("pops[*].capacity_rps", Num(1e-3, 1e9)),
    ("pops[*].capacity_gbps", Num(1e-6, 1e6)),
    ("regional_caches[*].lat", Num(-90.0, 90.0)),
    ("regional_caches[*].lon", Num(-180.0, 180.0)),
    ("regional_caches[*].cache_capacity", Size(1, 1024 * TIB)),
    ("origins[*].lat", Num(-90.0, 90.0)),
    ("origins[*].lon", Num(-180.0, 180.0)),
    ("origins[*].concurrency", Num(1.0, 1e6)),
    ("origins[*].service.*", Time(0, HOUR)),
    ("origins[*].service.sigma", Num(0.0, 10.0)),
    ("origins[*].service.alpha", Num(0.1, 100.0)),
    ("origins[*].errors[*].status", Num(400.0, 599.0)),
    ("origins[*].errors[*].share", Num(0.0, 1.0)),
    ("origins[*].errors[*].max_age", Num(0.0, 3.2e9)),
    ("origins[*].connection_attempts", Num(1.0, 3.0)),
    ("origins[*].connection_timeout", Time(SEC, 10 * SEC)),
    ("origins[*].read_timeout", Time(SEC, 120 * SEC)),
    ("origins[*].response_completion_timeout", Time(SEC, DAY)),
    ("origins[*].keepalive_timeout", Time(SEC, 120 * SEC)),
    ("origins[*].max_queue", Num(0.0, 1e9)),
    ("origins[*].max_rps", Num(1e-3, 1e9)),
    ("origins[*].cost.*", Num(0.0, 1e6)),
    ("signing.edge_clock_skew_s", Num(-86_400.0, 86_400.0)),
    ("signing.crypto_sample_rate", Num(0.0, 1.0)),
    ("signing.max_key_groups_per_behavior", Num(0.0, 1000.0)),
    ("signing.max_key_groups_per_distribution", Num(0.0, 1000.0)),
    ("signing.max_keys_per_group", Num(0.0, 1000.0)),
    ("signing.max_key_groups", Num(0.0, 1000.0)),
    ("behaviors[*].ttl.*", Time(0, 100 * YEAR)),
    ("default_behavior.ttl.*", Time(0, 100 * YEAR)),
    ("caching.error_caching_min_ttl", Time(0, 100 * YEAR)),
    (
        "custom_error_responses[*].error_caching_min_ttl",
        Time(0, 100 * YEAR),
    ),
    ("faults[*].start", Time(0, 100 * YEAR)),
    ("faults[*].duration", Time(1, 100 * YEAR)),
    ("faults[*].add_at", Time(0, 100 * YEAR)),
    ("faults[*].switch_at", Time(0, 100 * YEAR)),
    ("faults[*].remove_at", Time(0, 100 * YEAR)),
    ("faults[*].factor", Num(1e-3, 1000.0)),
    ("faults[*].added", Time(0, HOUR)),
    ("faults[*].share", Num(0.0, 1.0)),
    ("invalidations[*].at", Time(0, 100 * YEAR)),
    ("cost.days", Num(1.0, 31.0)),
    ("cost.monthly_requests", Num(1.0, 1e15)),
];

/// Keys that hold numbers but are not quantities with a range of their own.
const EXEMPT: &[&str] = &[
    "seed",
    "workload.classes[*].response.validators",
    "custom_error_responses[*].error_code",
    "origin_groups[*].failover_status_codes[*]",
    "faults[*].status",
];

/// Whether key path `path` (elements as `[*]`) is matched by `pattern`.
fn matches(pattern: &str, path: &str) -> bool {
    let (mut p, mut k) = (pattern.split('.'), path.split('.'));
    loop {
        match (p.next(), k.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == "*" || a == b => {}
            _ => return false,
        }
    }
}

/// `path` with every array index replaced by `[*]`.
pub(super) fn generic(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[*]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            c => out.push(c),
        }
    }
    out
}

/// The range of `path`, if one is documented. Exact patterns win over `*` ones.
fn range_of(path: &str) -> Option<Range> {
    let path = generic(path);
    let exact = BOUNDS.iter().find(|(p, _)| *p == path);
    exact
        .or_else(|| BOUNDS.iter().find(|(p, _)| matches(p, &path)))
        .map(|(_, r)| *r)
}

/// Checks one value at `path` against its range.
fn check_value(path: &str, value: &Value) -> Checked {
    let range = range_of(path);
    let number = match value {
        Value::Float(f) => Some((*f, number_text(*f))),
        Value::Integer(i) => Some((*i as f64, i.to_string())),
        _ => None,
    };
    if let Some((v, shown)) = number {
        if !v.is_finite() {
            return fail(path, format!("must be a finite number, got {shown}"));
        }
        return match range {
            Some(Num(lo, hi)) if !(lo..=hi).contains(&v) => fail(
                path,
                format!(
                    "must be between {} and {}, got {shown}",
                    number_text(lo),
                    number_text(hi)
                ),
            ),
            // A warm-up by request count.
            Some(Time(..)) if path == "warmup" && v > MAX_REQUESTS as f64 => fail(
                path,
                format!("a warm-up is at most {MAX_REQUESTS} requests, got {shown}"),
            ),
            _ => Ok(()),
        };
    }
    let Value::String(text) = value else {
        return Ok(());
    };
    match range {
        Some(Time(lo, hi)) => match Duration::parse(text) {
            Some(d) if d.0 < lo || d.0 > hi => fail(
                path,
                format!(
                    "must be between {} and {}, got {text}",
                    Duration(lo),
                    Duration(hi)
                ),
            ),
            _ => Ok(()),
        },
        Some(Size(lo, hi)) => match Bytes::parse(text) {
            Some(b) if b.0 < lo || b.0 > hi => fail(
                path,
                format!(
                    "must be between {} and {}, got {text}",
                    Bytes(lo),
                    Bytes(hi)
                ),
            ),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// `v` as people write it: plain digits for everyday magnitudes, an exponent otherwise.
pub fn number_text(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && a.is_finite() && !(1e-4..1e12).contains(&a) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// Calls `f` with the key path and value of every scalar in `value`.
fn walk(value: &Value, path: &mut String, f: &mut dyn FnMut(&str, &Value) -> Checked) -> Checked {
    let len = path.len();
    let result = match value {
        Value::Table(t) => t.iter().try_for_each(|(k, v)| {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(k);
            let r = walk(v, path, f);
            path.truncate(len);
            r
        }),
        Value::Array(a) => a.iter().enumerate().try_for_each(|(i, v)| {
            path.push_str(&format!("[{i}]"));
            let r = walk(v, path, f);
            path.truncate(len);
            r
        }),
        scalar => f(path, scalar),
    };
    path.truncate(len);
    result
}

/// Checks every number, duration and size in `spec` against its documented range.
pub(super) fn check(spec: &ScenarioSpec) -> Checked {
    // Serialising gives every key with its default filled in, in one generic shape.
    let value = Value::try_from(spec).map_err(|e| crate::check::Invalid {
        path: String::new(),
        message: format!("cannot represent the scenario: {e}"),
    })?;
    walk(&value, &mut String::new(), &mut check_value)
}

/// Every bound as the comment block that ends `scenarios/reference.toml` (a test keeps
/// the two equal): one `# key.path  low to high` line each.
pub fn listing() -> String {
    let mut out = String::new();
    for (path, range) in BOUNDS {
        let (lo, hi) = match *range {
            Num(lo, hi) => (number_text(lo), number_text(hi)),
            Time(lo, hi) => (Duration(lo).to_string(), Duration(hi).to_string()),
            Size(lo, hi) => (Bytes(lo).to_string(), Bytes(hi).to_string()),
        };
        out.push_str(&format!("# {path:<50} {lo} to {hi}\n"));
    }
    out
}

/// The key paths of numbers, durations and sizes in `spec` that no bound covers (for the
/// test that keeps this table complete).
pub fn uncovered(spec: &ScenarioSpec) -> Vec<String> {
    let Ok(value) = Value::try_from(spec) else {
        return vec!["<unserialisable>".into()];
    };
    let mut out = Vec::new();
    let _ = walk(&value, &mut String::new(), &mut |path, v| {
        let quantity = match v {
            Value::Float(_) | Value::Integer(_) => true,
            Value::String(s) => Duration::parse(s).is_some() || Bytes::parse(s).is_some(),
            _ => false,
        };
        let g = generic(path);
        if quantity && range_of(path).is_none() && !EXEMPT.iter().any(|e| matches(e, &g)) {
            out.push(path.to_string());
        }
        Ok(())
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_elements_and_any_key() {
        assert_eq!(generic("pops[12].lat"), "pops[*].lat");
        assert!(matches(
            "regions[*].protocols.*",
            "regions[*].protocols.http2"
        ));
        assert!(!matches("regions[*].protocols.*", "regions[*].lat"));
        // The exact bound wins over the wildcard one.
        assert!(matches!(
            range_of("regions[3].protocols.requests_per_connection"),
            Some(Num(lo, _)) if lo == 1.0
        ));
    }
}
