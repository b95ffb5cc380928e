//! Cache sizes and warm-up as replay's command line gives them.

use crate::trace::Request;
use crate::units::{Bytes, Duration, SEC, SIZE_HELP};
use std::fmt;

crate::message_error!(
    /// A capacity that is not a size, a share or a count.
    CapacityError
);

crate::message_error!(
    /// A replay warm-up that is neither a request count nor a span.
    WarmupError
);

/// A cache size: absolute, or a share of the trace's working set.
#[derive(Clone, Debug, PartialEq)]
pub enum Capacity {
    /// Bytes (objects when sizes are ignored), with the text it was given as.
    Bytes(u64, String),
    /// A fraction (0, 1] of the working set's bytes (objects when sizes are ignored),
    /// with the text it was given as.
    Share(f64, String),
}

impl Capacity {
    /// Parses `1GiB`, `10%` or a plain number: bytes (`672546`), or objects with `objects`.
    pub fn parse(text: &str, objects: bool) -> Result<Capacity, CapacityError> {
        Self::parse_text(text, objects).map_err(CapacityError)
    }

    fn parse_text(text: &str, objects: bool) -> Result<Capacity, String> {
        let t = text.trim();
        if let Some(pct) = t.strip_suffix('%') {
            return match pct.trim().parse::<f64>() {
                Ok(p) if p > 0.0 && p <= 100.0 => Ok(Capacity::Share(p / 100.0, t.into())),
                _ => Err(format!(
                    "capacity {t:?}: a share must be above 0% and at most 100%"
                )),
            };
        }
        // A bare number is a count of objects with --ignore-size and of bytes otherwise,
        // as libCacheSim takes it (`672546`).
        let value = match t.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) if objects => None,
            Err(_) => Bytes::parse(t).map(|b| b.0),
        };
        match value {
            Some(0) => Err(format!("capacity {t:?}: must be larger than zero")),
            Some(v) => Ok(Capacity::Bytes(v, t.into())),
            None if objects => Err(format!(
                "capacity {t:?}: with --ignore-size, expected a number of objects such as 5000, or a share such as 10%"
            )),
            None => Err(format!(
                "capacity {t:?}: expected {SIZE_HELP}, a byte count such as 672546, or a share of the working set such as 10%"
            )),
        }
    }

    /// Its size given the working set's `whole` (bytes or objects), at least 1.
    pub fn bytes(&self, whole: u64) -> u64 {
        match self {
            Capacity::Bytes(b, _) => *b,
            Capacity::Share(f, _) => ((whole as f64 * f).round() as u64).max(1),
        }
    }
}

impl fmt::Display for Capacity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Capacity::Bytes(_, t) | Capacity::Share(_, t) => f.write_str(t),
        }
    }
}

/// Requests replayed but not counted, at the start of the trace.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Warmup {
    /// None: every request counts.
    #[default]
    None,
    /// The first this many requests.
    Requests(u64),
    /// Requests within this many seconds of trace time after the first request.
    Seconds(u64),
}

impl Warmup {
    /// Parses a request count such as `100000`, or a trace-time span such as `1h`.
    pub fn parse(text: &str) -> Result<Warmup, WarmupError> {
        Self::parse_text(text).map_err(WarmupError)
    }

    fn parse_text(text: &str) -> Result<Warmup, String> {
        if let Ok(n) = text.trim().parse::<u64>() {
            return Ok(Warmup::Requests(n));
        }
        Duration::parse(text)
            .map(|d| Warmup::Seconds(d.0 / SEC))
            .ok_or_else(|| {
                format!("warm-up {text:?}: expected a number of requests such as 100000, or trace time such as 1h")
            })
    }

    /// The state of a replay's warm-up as batches go by.
    pub(super) fn start(self) -> WarmState {
        WarmState {
            warmup: self,
            start: None,
            done: matches!(self, Warmup::None | Warmup::Requests(0)),
        }
    }
}

/// Where a replay's warm-up stands.
pub(super) struct WarmState {
    warmup: Warmup,
    /// Trace time of the first request.
    start: Option<u64>,
    done: bool,
}

impl WarmState {
    /// The position in `batch` (whose first request is the trace's `seen`th) from which
    /// requests count. Warm-up is a prefix of the trace: once over, it stays over.
    pub(super) fn counted_from(&mut self, batch: &[Request], seen: u64) -> usize {
        if self.done {
            return 0;
        }
        let from = match self.warmup {
            Warmup::None => 0,
            Warmup::Requests(n) => n.saturating_sub(seen).min(batch.len() as u64) as usize,
            Warmup::Seconds(s) => {
                let start = *self
                    .start
                    .get_or_insert(batch.first().map_or(0, |r| r.time));
                batch
                    .iter()
                    .position(|r| r.time >= start + s)
                    .unwrap_or(batch.len())
            }
        };
        self.done = from < batch.len();
        from
    }
}
