//! W-TinyLFU: a small LRU window in front of a segmented-LRU main cache, and a
//! frequency sketch that decides whether an object leaving the window may replace the
//! main cache's victim.
//!
//! 1. Every request is counted in a count-min sketch (4 rows of 4-bit counters); when
//!    the counted requests reach ten per counter of a row, every counter is halved, so
//!    old popularity fades.
//! 2. A new object enters the window (1% of the bytes), an LRU.
//! 3. A hit in the window moves the object to its front; a hit in probation promotes it
//!    to protected (80% of the main bytes), demoting protected's oldest to probation
//!    when over; a hit in protected moves it to the front.
//! 4. To evict while the window is over its share: its oldest object is the candidate.
//!    If the main cache has room, the candidate moves in. Otherwise it is compared with
//!    the main cache's victim (probation's oldest, else protected's): the more frequent
//!    in the sketch stays (the candidate enters probation), the other is evicted; ties
//!    keep the incumbent. With the window within its share, probation's oldest goes.
//!
//! Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient Cache Admission Policy",
//! ACM TOS 2017. Deviations: no doorkeeper bloom filter (the sketch alone counts), and
//! the segments are measured in bytes.

use super::queues::Queues;
use super::{Cache, Entry, ObjectId, Policy, Sizing};

/// Its entry in the registry.
pub(super) const POLICY: Policy = Policy::new(
    "wtinylfu",
    "W-TinyLFU: LRU window 1%, count-min sketch admission, segmented LRU main (protected 80%)",
    |sizing, capacity| Box::new(WTinyLfu::new(sizing, capacity)),
);

const WINDOW: usize = 0;
const PROBATION: usize = 1;
const PROTECTED: usize = 2;

/// A count-min sketch of 4-bit counters with periodic halving.
struct Sketch {
    rows: [Vec<u8>; 4],
    mask: u64,
    added: u64,
    sample: u64,
}

impl Sketch {
    fn new(objects: usize) -> Self {
        // At least 1,024 counters a row (4 KiB in all), so a tiny cache's sketch is not
        // saturated by collisions.
        let width = objects.max(1024).next_power_of_two();
        Sketch {
            rows: std::array::from_fn(|_| vec![0; width]),
            mask: width as u64 - 1,
            added: 0,
            sample: 10 * width as u64,
        }
    }

    fn cell(&self, row: usize, id: ObjectId) -> usize {
        const SEEDS: [u64; 4] = [
            0x9E37_79B9_7F4A_7C15,
            0xC2B2_AE3D_27D4_EB4F,
            0x1656_67B1_9E37_79F9,
            0x85EB_CA77_C2B2_AE63,
        ];
        let h = (id ^ (id >> 29)).wrapping_mul(SEEDS[row]);
        ((h >> 32) & self.mask) as usize
    }

    fn increment(&mut self, id: ObjectId) {
        for row in 0..4 {
            let c = self.cell(row, id);
            let v = &mut self.rows[row][c];
            *v = (*v + 1).min(15);
        }
        self.added += 1;
        if self.added >= self.sample {
            self.added /= 2;
            self.rows
                .iter_mut()
                .for_each(|r| r.iter_mut().for_each(|v| *v /= 2));
        }
    }

    fn estimate(&self, id: ObjectId) -> u8 {
        (0..4)
            .map(|row| self.rows[row][self.cell(row, id)])
            .min()
            .unwrap_or(0)
    }
}

/// W-TinyLFU eviction.
pub struct WTinyLfu {
    q: Queues<3>,
    sketch: Sketch,
    window_target: u64,
    main_target: u64,
    protected_target: u64,
}

impl WTinyLfu {
    /// An empty W-TinyLFU of `capacity` bytes laid out for `sizing`.
    pub fn new(sizing: Sizing, capacity: u64) -> Self {
        let window = (capacity / 100).max(1);
        let main = capacity.saturating_sub(window);
        WTinyLfu {
            q: Queues::new(sizing),
            sketch: Sketch::new(sizing.objects_hint),
            window_target: window,
            main_target: main,
            protected_target: main / 10 * 8,
        }
    }

    fn main_bytes(&self) -> u64 {
        self.q.bytes(PROBATION) + self.q.bytes(PROTECTED)
    }
}

impl Cache for WTinyLfu {
    fn access(&mut self, id: ObjectId) -> Option<Entry> {
        self.sketch.increment(id);
        let slot = self.q.slot(id)?;
        match self.q.node(slot).queue as usize {
            WINDOW => self.q.move_front(slot, WINDOW),
            _ => {
                self.q.move_front(slot, PROTECTED);
                while self.q.bytes(PROTECTED) > self.protected_target {
                    let oldest = self.q.back(PROTECTED).expect("over, so not empty");
                    self.q.move_front(oldest, PROBATION);
                }
            }
        }
        Some(self.q.entry(slot))
    }

    fn peek(&self, id: ObjectId) -> Option<Entry> {
        self.q.get(id)
    }

    fn insert(&mut self, id: ObjectId, entry: Entry) {
        self.q.push_front(WINDOW, id, entry);
    }

    fn set(&mut self, id: ObjectId, entry: Entry) -> bool {
        self.q.set(id, entry)
    }

    fn victim(&mut self) -> Option<ObjectId> {
        while self.q.bytes(WINDOW) > self.window_target {
            let candidate = self.q.back(WINDOW)?;
            let size = self.q.entry(candidate).size;
            if self.main_bytes() + size <= self.main_target {
                self.q.move_front(candidate, PROBATION);
                continue;
            }
            let Some(incumbent) = self.q.back(PROBATION).or(self.q.back(PROTECTED)) else {
                return Some(self.q.node(candidate).id);
            };
            let (c, i) = (self.q.node(candidate).id, self.q.node(incumbent).id);
            if self.sketch.estimate(c) > self.sketch.estimate(i) {
                self.q.move_front(candidate, PROBATION);
                return Some(i);
            }
            return Some(c);
        }
        let slot = self
            .q
            .back(PROBATION)
            .or(self.q.back(PROTECTED))
            .or(self.q.back(WINDOW))?;
        Some(self.q.node(slot).id)
    }

    fn remove(&mut self, id: ObjectId) -> Option<u64> {
        self.q.remove_id(id)
    }

    fn len(&self) -> usize {
        self.q.len(WINDOW) + self.q.len(PROBATION) + self.q.len(PROTECTED)
    }
}
