//! The error a scenario check reports: where in the file, and what is allowed there.
//!
//! Domain modules validate their own settings with these helpers; `scenario` adds the
//! file name and turns them into its error type.

use std::fmt;

/// A rejected setting: the key path (`pops[2].cache_capacity`) and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// Where the setting is, as a key path.
    pub path: String,
    /// What is wrong, and what would be allowed.
    pub message: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Declares an error type that carries a finished message: what was wrong with a value
/// and what would be allowed. Each domain names its own, so a caller can tell a bad
/// capacity from a bad policy by type rather than by text.
#[macro_export]
macro_rules! message_error {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
        #[error("{0}")]
        pub struct $name(pub String);

        impl From<String> for $name {
            fn from(message: String) -> Self {
                $name(message)
            }
        }

        impl From<&str> for $name {
            fn from(message: &str) -> Self {
                $name(message.to_string())
            }
        }
    };
}

/// The result of a check.
pub type Checked = Result<(), Invalid>;

/// Fails at `path` with `message`.
pub fn fail(path: impl Into<String>, message: impl Into<String>) -> Checked {
    Err(Invalid {
        path: path.into(),
        message: message.into(),
    })
}

/// Requires `cond`, failing at `path` with `message` otherwise.
pub fn ensure(
    cond: bool,
    path: impl FnOnce() -> String,
    message: impl FnOnce() -> String,
) -> Checked {
    if cond {
        Ok(())
    } else {
        fail(path(), message())
    }
}

/// Requires a finite value greater than zero.
pub fn positive(path: &str, value: f64) -> Checked {
    ensure(
        value > 0.0 && value.is_finite(),
        || path.into(),
        || format!("must be a number greater than zero, got {value}"),
    )
}

/// Requires an HTTP error status, 400 to 599.
pub fn error_status(path: &str, status: u16) -> Checked {
    ensure(
        (400..=599).contains(&status),
        || path.into(),
        || format!("must be an HTTP error status, 400 to 599, got {status}"),
    )
}

/// Requires a value within `lo..=hi`.
pub fn within(path: &str, value: f64, lo: f64, hi: f64) -> Checked {
    ensure(
        (lo..=hi).contains(&value),
        || path.into(),
        || format!("must be between {lo} and {hi}, got {value}"),
    )
}

/// Requires shares that sum to 1. edgesim rejects rather than normalises, so that a
/// typo in one share cannot silently rescale all the others.
pub fn shares_sum_to_one(path: &str, shares: impl IntoIterator<Item = f64>) -> Checked {
    let sum: f64 = shares.into_iter().sum();
    ensure(
        (sum - 1.0).abs() <= 1e-6,
        || path.into(),
        || format!("shares must sum to 1 (they are not normalised), but they sum to {sum}"),
    )
}

/// Requires a non-empty name not used before in `names`.
pub fn unique_name<'a>(
    path: &str,
    name: &str,
    earlier: impl IntoIterator<Item = &'a str>,
) -> Checked {
    ensure(
        !name.is_empty(),
        || path.into(),
        || "must not be empty".into(),
    )?;
    let clash = earlier.into_iter().any(|n| n == name);
    ensure(
        !clash,
        || path.into(),
        || format!("{name:?} is used twice; names must be unique"),
    )
}

/// Requires a latitude in -90..=90 and a longitude in -180..=180 at `path.lat`/`path.lon`.
pub fn lat_lon(path: &str, lat: f64, lon: f64) -> Checked {
    within(&format!("{path}.lat"), lat, -90.0, 90.0)?;
    within(&format!("{path}.lon"), lon, -180.0, 180.0)
}

/// A spec with the keys `required` gives and every other key at its default: what a file
/// holding only those keys loads as, so that code builds the same values a file does.
///
/// # Panics
/// If `required` lacks a key the type needs or gives one the wrong type: a bug in the
/// constructor that calls this, which its unit test catches.
pub fn with_defaults<T: serde::de::DeserializeOwned>(required: &[(&str, toml::Value)]) -> T {
    let table: toml::Table = required
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    match toml::Value::Table(table).try_into() {
        Ok(spec) => spec,
        Err(e) => panic!("a spec constructor gives too few keys: {e}"),
    }
}
