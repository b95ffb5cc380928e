//! Latency recording in two steps: a per-bucket `u32` count now, HDR histograms at seal.
//!
//! Every finished request is counted in four views (run, region, behavior, interval; POP
//! views sum intervals). Recording into that many `hdrhistogram::Histogram`s directly costs one
//! bucket-index computation and one min/max/total update per view, which was a tenth of a
//! whole run. Here the bucket index is computed once per precision and request, a view
//! only increments a counter, and [`Pending::drain_into`] moves the counts into the
//! view's HDR histograms when it is read. The buckets are exactly the HDR histogram's for
//! the same number of significant digits with a lowest value of 1, so moving the counts
//! changes no quantile, mean or maximum (the tests check every bucket against the crate).

use super::Outcome;
use hdrhistogram::Histogram;

/// HDR's log-linear buckets for one precision, over `1..=max` microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Buckets {
    /// log2 of the number of sub-buckets per bucket (HDR's `sub_bucket_count`).
    sub_magnitude: u32,
    /// Number of indices up to and including that of the largest value.
    len: usize,
}

impl Buckets {
    /// The buckets of an HDR histogram with `digits` significant digits (1–5) and a
    /// lowest discernible value of 1, up to `max`.
    pub const fn new(digits: u32, max: u64) -> Self {
        // HDR needs 2 × 10^digits sub-buckets, rounded up to a power of two.
        let needed = 2 * 10u64.pow(digits);
        let sub_magnitude = 64 - (needed - 1).leading_zeros();
        let mut b = Buckets {
            sub_magnitude,
            len: 0,
        };
        b.len = b.index(max) + 1;
        b
    }

    /// The index of the bucket that holds `value` (at least 1, at most the maximum).
    #[inline]
    pub const fn index(&self, value: u64) -> usize {
        let mask = (1u64 << self.sub_magnitude) - 1;
        let bucket = 64 - self.sub_magnitude - (value | mask).leading_zeros();
        let sub = value >> bucket;
        let half = 1u64 << (self.sub_magnitude - 1);
        (((bucket as u64 + 1) << (self.sub_magnitude - 1)) + sub - half) as usize
    }

    /// The smallest value in bucket `index`.
    pub const fn lowest(&self, index: usize) -> u64 {
        let h = self.sub_magnitude - 1;
        let half = 1u64 << h;
        let i = index as u64;
        if i < half {
            return i;
        }
        let bucket = (i >> h) - 1;
        ((i & (half - 1)) + half) << bucket
    }

    /// Number of buckets.
    pub const fn len(&self) -> usize {
        self.len
    }
}

/// Requests counted per (outcome, latency bucket) and not yet in the HDR histograms.
#[derive(Clone, Debug)]
pub struct Pending {
    buckets: Buckets,
    /// Outcome-major counts.
    counts: Box<[u32]>,
    /// Requests counted since the last drain; a drain is due before any count can wrap.
    unflushed: u64,
    /// One bit per outcome whose row holds a count: a drain or clear touches only those
    /// rows, which matters when intervals are many and sparse (a day at 10 s).
    rows: u8,
}

/// Drain when this many requests are pending, so that no `u32` count can overflow.
const DRAIN_AT: u64 = u32::MAX as u64;

impl Pending {
    /// Nothing pending, in `buckets`.
    pub fn new(buckets: Buckets) -> Self {
        Pending {
            buckets,
            counts: vec![0; buckets.len() * Outcome::COUNT].into_boxed_slice(),
            unflushed: 0,
            rows: 0,
        }
    }

    /// Bytes its counts take on the heap.
    pub fn heap_bytes(&self) -> usize {
        std::mem::size_of_val(&*self.counts)
    }

    /// The bucket layout.
    pub fn buckets(&self) -> Buckets {
        self.buckets
    }

    /// Counts one request; returns whether a drain is due.
    #[inline]
    pub fn add(&mut self, outcome: Outcome, index: usize) -> bool {
        self.counts[outcome as usize * self.buckets.len + index] += 1;
        self.unflushed += 1;
        self.rows |= 1 << outcome as u8;
        self.unflushed >= DRAIN_AT
    }

    /// Whether adding `other`'s counts could overflow; drain first if so.
    pub fn would_overflow(&self, other: &Pending) -> bool {
        self.unflushed + other.unflushed >= DRAIN_AT
    }

    /// Adds `other`'s pending counts, which must use the same buckets.
    pub fn absorb(&mut self, other: &Pending) {
        debug_assert_eq!(self.buckets, other.buckets);
        if other.unflushed == 0 {
            return;
        }
        let len = self.buckets.len;
        for o in rows(other.rows) {
            let range = o * len..(o + 1) * len;
            for (a, b) in self.counts[range.clone()]
                .iter_mut()
                .zip(&other.counts[range])
            {
                *a += b;
            }
        }
        self.unflushed += other.unflushed;
        self.rows |= other.rows;
    }

    /// Moves the pending counts into `hists`, one histogram per outcome. The histograms
    /// must have this precision, or coarser, and reach the same maximum.
    pub fn drain_into(&mut self, hists: &mut [Histogram<u64>; Outcome::COUNT]) {
        if self.unflushed == 0 {
            return;
        }
        let len = self.buckets.len;
        for o in rows(self.rows) {
            let row = &mut self.counts[o * len..(o + 1) * len];
            for (i, c) in row.iter_mut().enumerate().filter(|(_, c)| **c > 0) {
                hists[o].saturating_record_n(self.buckets.lowest(i), u64::from(*c));
                *c = 0;
            }
        }
        self.unflushed = 0;
        self.rows = 0;
    }

    /// Forgets everything pending.
    pub fn clear(&mut self) {
        let len = self.buckets.len;
        for o in rows(self.rows) {
            self.counts[o * len..(o + 1) * len].fill(0);
        }
        self.unflushed = 0;
        self.rows = 0;
    }
}

// `Pending::rows` has a bit per outcome.
const _: () = assert!(Outcome::COUNT <= u8::BITS as usize);

/// The outcomes whose bit is set in `mask`.
fn rows(mask: u8) -> impl Iterator<Item = usize> {
    (0..Outcome::COUNT).filter(move |o| mask & (1 << o) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: u64 = 3_600_000_000;

    /// Every bucket starts where the crate's starts and ends where the crate's ends, so a
    /// count moved at the bucket's lowest value lands in the very bucket it was counted in.
    fn same_as_crate(digits: u8) {
        let b = Buckets::new(u32::from(digits), MAX);
        let h = Histogram::<u64>::new_with_bounds(1, MAX, digits).unwrap();
        for i in 1..b.len() {
            let lo = b.lowest(i);
            let next = b.lowest(i + 1);
            assert_eq!(b.index(lo), i, "digits {digits}, index {i}");
            assert_eq!(b.index(next - 1), i, "digits {digits}, index {i}");
            assert_eq!(h.lowest_equivalent(lo), lo, "digits {digits}, index {i}");
            assert_eq!(
                h.highest_equivalent(lo),
                next - 1,
                "digits {digits}, index {i}"
            );
        }
        assert_eq!(b.index(MAX), b.len() - 1);
    }

    #[test]
    fn buckets_match_hdrhistogram_at_two_and_three_digits() {
        same_as_crate(2);
        same_as_crate(3);
    }

    #[test]
    fn draining_gives_the_histogram_direct_recording_gives() {
        let b = Buckets::new(2, MAX);
        let mut direct: [Histogram<u64>; Outcome::COUNT] =
            std::array::from_fn(|_| Histogram::new_with_bounds(1, MAX, 2).unwrap());
        let mut drained = direct.clone();
        let mut p = Pending::new(b);
        // A spread of values from 1 µs to an hour, every outcome.
        let mut v = 1u64;
        for k in 0..5_000u64 {
            let o = Outcome::ALL[(k % 5) as usize];
            direct[o as usize].record(v).unwrap();
            p.add(o, b.index(v));
            v = (v * 1_103 + 7) % MAX + 1;
        }
        p.drain_into(&mut drained);
        for (d, r) in direct.iter().zip(&drained) {
            assert_eq!(d.len(), r.len());
            assert_eq!(d.max(), r.max());
            assert_eq!(d.min_nz(), r.min_nz());
            assert_eq!(d.mean(), r.mean());
            for q in [0.5, 0.9, 0.99, 0.999] {
                assert_eq!(d.value_at_quantile(q), r.value_at_quantile(q));
            }
        }
        // Drained counts are gone: a second drain adds nothing.
        p.drain_into(&mut drained);
        assert_eq!(drained[0].len(), direct[0].len());
    }
}
