//! Simulated time and byte sizes, with the human-readable forms scenario files use.
//!
//! Time is an integer count of nanoseconds so that event ordering never depends on
//! floating-point rounding. Durations are written `"250us"`, `"90s"`, `"5m"`, `"1h"` or
//! `"1h30m"`; sizes `"512B"`, `"64KiB"`, `"50GiB"` (binary) or `"1GB"` (decimal).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Simulated time or a span of it, in nanoseconds.
pub type Nanos = u64;

/// Nanoseconds per millisecond.
pub const MS: Nanos = 1_000_000;
/// Nanoseconds per second.
pub const SEC: Nanos = 1_000_000_000;

/// Converts nanoseconds to fractional milliseconds, for reports.
pub fn nanos_to_ms(n: Nanos) -> f64 {
    n as f64 / MS as f64
}

/// Converts fractional seconds to nanoseconds, rounding to the nearest and saturating
/// (negative and NaN give 0).
#[inline]
pub fn secs_to_nanos(s: f64) -> Nanos {
    round_to_u64(s * SEC as f64)
}

/// Converts fractional seconds ahead (negative: behind) to signed nanoseconds, as
/// [`secs_to_nanos`] rounds them.
pub fn secs_to_signed_nanos(s: f64) -> i64 {
    let ns = secs_to_nanos(s.abs()) as i64;
    if s < 0.0 {
        -ns
    } else {
        ns
    }
}

/// Rounds a non-negative value to the nearest integer. `as` saturates (NaN and negatives
/// give 0), and adding one half avoids a libm call on the hot path.
#[inline]
pub fn round_to_u64(v: f64) -> u64 {
    (v + 0.5) as u64
}

/// A span for people to read: `"850.0ms"`, `"42.5s"`, `"8m59s"`, `"1h02m05s"`.
pub fn human(n: Nanos) -> String {
    if n < SEC {
        return format!("{:.1}ms", nanos_to_ms(n));
    }
    if n < 60 * SEC {
        return format!("{:.1}s", n as f64 / SEC as f64);
    }
    let secs = n / SEC;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h == 0 {
        format!("{m}m{s:02}s")
    } else {
        format!("{h}h{m:02}m{s:02}s")
    }
}

/// A non-negative span of simulated time, written in scenario files as `"90s"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub Nanos);

/// A byte count, written in scenario files as `"64KiB"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bytes(pub u64);

const DURATION_UNITS: &[(&str, Nanos)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("ms", MS),
    ("s", SEC),
    ("m", 60 * SEC),
    ("h", 3600 * SEC),
    ("d", 86_400 * SEC),
];

const SIZE_UNITS: &[(&str, u64)] = &[
    ("B", 1),
    ("KiB", 1 << 10),
    ("MiB", 1 << 20),
    ("GiB", 1 << 30),
    ("TiB", 1 << 40),
    ("KB", 1_000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
    ("TB", 1_000_000_000_000),
];

/// What a duration may look like, for error messages.
pub const DURATION_HELP: &str =
    "a duration such as \"250us\", \"20ms\", \"90s\", \"5m\", \"1h30m\" (units ns, us, ms, s, m, h, d)";
/// What a size may look like, for error messages.
pub const SIZE_HELP: &str =
    "a size such as \"512B\", \"64KiB\", \"50GiB\" or \"1GB\" (units B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)";

/// Splits `"1h30m"` into `[(1, "h"), (30, "m")]`; numbers may carry a fraction.
fn split_terms(s: &str) -> Option<Vec<(f64, &str)>> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let unit_end = rest[num_end..]
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .map_or(rest.len(), |i| num_end + i);
        let value: f64 = rest[..num_end].parse().ok()?;
        out.push((value, rest[num_end..unit_end].trim()));
        rest = &rest[unit_end..];
    }
    Some(out)
}

/// Why text is not a duration or size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// It is not written as one.
    Malformed,
    /// It is one, but larger than a 64-bit count of the smallest unit holds.
    TooLarge,
}

fn parse_with(s: &str, units: &[(&str, u64)]) -> Result<u64, ParseError> {
    let mut total = 0f64;
    for (value, unit) in split_terms(s).ok_or(ParseError::Malformed)? {
        let (_, scale) = units
            .iter()
            .find(|(name, _)| *name == unit)
            .ok_or(ParseError::Malformed)?;
        total += value * *scale as f64;
    }
    match total.is_finite() && total < u64::MAX as f64 {
        true => Ok(total.round() as u64),
        false => Err(ParseError::TooLarge),
    }
}

impl Duration {
    /// Parses `"90s"`-style text; `None` when it is not a duration.
    pub fn parse(s: &str) -> Option<Duration> {
        Self::parse_checked(s).ok()
    }

    /// Parses `"90s"`-style text, telling a malformed duration from one too large.
    pub fn parse_checked(s: &str) -> Result<Duration, ParseError> {
        parse_with(s, DURATION_UNITS).map(Duration)
    }

    /// The span in nanoseconds.
    pub fn nanos(self) -> Nanos {
        self.0
    }

    /// The span in fractional seconds.
    pub fn secs_f64(self) -> f64 {
        self.0 as f64 / SEC as f64
    }
}

impl Duration {
    fn from_count(n: u64) -> String {
        format!("{}d", n / (86_400 * SEC))
    }
}

impl Bytes {
    fn from_count(n: u64) -> String {
        format!("{}TiB", n >> 40)
    }

    /// Parses `"64KiB"`-style text; `None` when it is not a size.
    pub fn parse(s: &str) -> Option<Bytes> {
        Self::parse_checked(s).ok()
    }

    /// Parses `"64KiB"`-style text, telling a malformed size from one too large.
    pub fn parse_checked(s: &str) -> Result<Bytes, ParseError> {
        parse_with(s, SIZE_UNITS).map(Bytes)
    }
}

/// Writes `value` with the largest unit that divides it exactly, so that resolved
/// scenarios round-trip without loss.
fn format_exact(f: &mut fmt::Formatter<'_>, value: u64, units: &[(&str, u64)]) -> fmt::Result {
    let best = units
        .iter()
        .filter(|(_, scale)| value > 0 && value % scale == 0)
        .max_by_key(|(_, scale)| *scale)
        .unwrap_or(&units[0]);
    write!(f, "{}{}", value / best.1, best.0)
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format_exact(f, self.0, DURATION_UNITS)
    }
}

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format_exact(f, self.0, SIZE_UNITS)
    }
}

macro_rules! text_serde {
    ($ty:ty, $help:expr) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_string())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                <$ty>::parse_checked(&text).map_err(|e| {
                    serde::de::Error::custom(match e {
                        ParseError::Malformed => {
                            format!("invalid value {text:?}: expected {}", $help)
                        }
                        ParseError::TooLarge => format!(
                            "{text:?} is too large: at most {}",
                            <$ty>::from_count(u64::MAX)
                        ),
                    })
                })
            }
        }
    };
}

text_serde!(Duration, DURATION_HELP);
text_serde!(Bytes, SIZE_HELP);

/// `1234567` as `1,234,567`: counts as a person reads them.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_every_unit() {
        assert_eq!(Duration::parse("250us"), Some(Duration(250_000)));
        assert_eq!(Duration::parse("20ms"), Some(Duration(20 * MS)));
        assert_eq!(Duration::parse("90s"), Some(Duration(90 * SEC)));
        assert_eq!(Duration::parse("5m"), Some(Duration(300 * SEC)));
        assert_eq!(Duration::parse("1h30m"), Some(Duration(5400 * SEC)));
        assert_eq!(Duration::parse("1.5ms"), Some(Duration(1_500_000)));
        assert_eq!(Duration::parse("0s"), Some(Duration(0)));
    }

    #[test]
    fn bad_durations_are_refused() {
        for text in ["", "10", "ms", "10 parsecs", "-5s", "1e3s", "5m5"] {
            assert_eq!(Duration::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn sizes_parse_binary_and_decimal() {
        assert_eq!(Bytes::parse("512B"), Some(Bytes(512)));
        assert_eq!(Bytes::parse("64KiB"), Some(Bytes(65_536)));
        assert_eq!(Bytes::parse("50GiB"), Some(Bytes(50 << 30)));
        assert_eq!(Bytes::parse("1GB"), Some(Bytes(1_000_000_000)));
        assert_eq!(Bytes::parse("0.5MiB"), Some(Bytes(1 << 19)));
        assert_eq!(Bytes::parse("12 XB"), None);
        assert_eq!(Bytes::parse("-1KiB"), None);
    }

    #[test]
    fn human_spans_read_naturally() {
        assert_eq!(human(850 * MS), "850.0ms");
        assert_eq!(human(42_500 * MS), "42.5s");
        assert_eq!(human(539 * SEC), "8m59s");
        assert_eq!(human(3725 * SEC), "1h02m05s");
    }

    #[test]
    fn display_round_trips() {
        for text in ["250us", "90s", "5m", "1h", "1500us", "0ns"] {
            let d = Duration::parse(text).unwrap();
            assert_eq!(Duration::parse(&d.to_string()), Some(d));
        }
        assert_eq!(Duration(5400 * SEC).to_string(), "90m");
        assert_eq!(Bytes(50 << 30).to_string(), "50GiB");
        assert_eq!(Bytes(1_000_000_000).to_string(), "1GB");
        assert_eq!(Bytes(1234).to_string(), "1234B");
    }
}
