//! Admission policies: whether a missed object is stored at all. They combine with any
//! eviction policy, and run before it is asked for victims.
//!
//! - `all`: store every object that fits (the default).
//! - `size:LIMIT`: store only objects of at most LIMIT bytes, keeping large objects from
//!   flushing many small ones.
//! - `second-hit` or `second-hit:N`: store an object only on its second miss within
//!   about the last N distinct misses (default 100,000), so one-hit wonders never enter.
//!   The memory of past misses is two generations of bloom filters of ten bits per
//!   remembered id: bounded, at the price of rare false "seen before" answers (about 1%).

use super::ObjectId;

crate::message_error!(
    /// An admission policy that is not `all`, `size:LIMIT` or `second-hit[:N]`.
    AdmissionError
);

/// An admission policy, as configured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdmissionKind {
    /// Admit everything that fits.
    All,
    /// Admit objects of at most this many bytes.
    MaxSize(u64),
    /// Admit on the second miss within a window of this many distinct misses.
    SecondHit(u64),
}

impl AdmissionKind {
    /// Names and descriptions, for `edgesim policies`.
    pub const LIST: [(&'static str, &'static str); 3] = [
        ("all", "store every object that fits (default)"),
        ("size:LIMIT", "store only objects of at most LIMIT bytes, e.g. size:1MiB"),
        (
            "second-hit[:N]",
            "store an object on its second miss within about the last N misses (default 100000); bloom-filter memory",
        ),
    ];

    /// Parses `all`, `size:LIMIT` or `second-hit[:N]`.
    pub fn parse(text: &str) -> Result<Self, AdmissionError> {
        Self::parse_text(text).map_err(AdmissionError)
    }

    fn parse_text(text: &str) -> Result<Self, String> {
        let (name, arg) = match text.split_once(':') {
            Some((n, a)) => (n, Some(a)),
            None => (text, None),
        };
        match (name, arg) {
            ("all", None) => Ok(AdmissionKind::All),
            ("size", Some(a)) => match crate::units::Bytes::parse(a) {
                Some(b) if b.0 > 0 => Ok(AdmissionKind::MaxSize(b.0)),
                _ => Err(format!("size:{a}: expected a size above zero such as 1MiB")),
            },
            ("second-hit", None) => Ok(AdmissionKind::SecondHit(100_000)),
            ("second-hit", Some(a)) => match a.parse::<u64>() {
                Ok(n) if n > 0 => Ok(AdmissionKind::SecondHit(n)),
                _ => Err(format!("second-hit:{a}: expected a whole number above zero")),
            },
            _ => Err(format!(
                "unknown admission policy {text:?}; expected one of: all, size:LIMIT, second-hit[:N]"
            )),
        }
    }
}

/// A bloom filter of `bits` bits with three hashes.
pub(super) struct Bloom {
    bits: Vec<u64>,
    ids: u64,
}

impl Bloom {
    fn new(bits: u64) -> Self {
        Bloom {
            bits: vec![0; bits.div_ceil(64).max(1) as usize],
            ids: 0,
        }
    }

    fn positions(&self, id: ObjectId) -> [usize; 3] {
        let n = (self.bits.len() * 64) as u64;
        let h = id.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let g = (id ^ (id >> 31)).wrapping_mul(0xC2B2_AE3D_27D4_EB4F) | 1;
        std::array::from_fn(|k| (h.wrapping_add(g.wrapping_mul(k as u64)) % n) as usize)
    }

    fn contains(&self, id: ObjectId) -> bool {
        self.positions(id)
            .iter()
            .all(|&p| self.bits[p / 64] & (1 << (p % 64)) != 0)
    }

    fn add(&mut self, id: ObjectId) {
        for p in self.positions(id) {
            self.bits[p / 64] |= 1 << (p % 64);
        }
        self.ids += 1;
    }

    fn clear(&mut self) {
        self.bits.iter_mut().for_each(|w| *w = 0);
        self.ids = 0;
    }
}

/// An admission policy while a cache runs.
pub(super) enum Admitter {
    All,
    MaxSize(u64),
    SecondHit {
        window: u64,
        current: Bloom,
        previous: Bloom,
    },
}

impl Admitter {
    pub(super) fn new(kind: AdmissionKind) -> Self {
        match kind {
            AdmissionKind::All => Admitter::All,
            AdmissionKind::MaxSize(b) => Admitter::MaxSize(b),
            AdmissionKind::SecondHit(window) => Admitter::SecondHit {
                window,
                current: Bloom::new(window * 10),
                previous: Bloom::new(window * 10),
            },
        }
    }

    /// Whether a missed `id` of `size` bytes may be stored; remembers it when not.
    pub(super) fn admit(&mut self, id: ObjectId, size: u64) -> bool {
        match self {
            Admitter::All => true,
            Admitter::MaxSize(limit) => size <= *limit,
            Admitter::SecondHit {
                window,
                current,
                previous,
            } => {
                if current.contains(id) || previous.contains(id) {
                    return true;
                }
                if current.ids >= *window {
                    std::mem::swap(current, previous);
                    current.clear();
                }
                current.add(id);
                false
            }
        }
    }
}
