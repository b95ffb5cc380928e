//! GDSF (Greedy-Dual-Size-Frequency): evict the object with the lowest priority
//! `H = L + frequency × cost / size`, where L rises to each victim's priority, so objects
//! that stop being requested age out.
//!
//! 1. A new object gets frequency 1 and `H = L + 1 / size`.
//! 2. A hit raises the frequency by one and recomputes H with the current L.
//! 3. The victim is the lowest H (among equals, the one whose H was set first); on an
//!    eviction, L becomes the victim's H.
//!
//! Cherkasova, "Improving WWW proxies performance with Greedy-Dual-Size-Frequency caching
//! policy", HP Labs report HPL-98-69, 1998, with cost 1 (the variant that favours the
//! object hit ratio). Priorities are kept in an ordered set: O(log n), not O(1).

use super::{Cache, Entry, ObjectId, Policy, Sizing};
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

/// Its entry in the registry.
pub(super) const POLICY: Policy = Policy::new(
    "gdsf",
    "Greedy-Dual-Size-Frequency: lowest L + frequency / size goes; size-aware",
    |sizing, _| Box::new(Gdsf::new(sizing)),
);

/// An object's place: priority (as ordered bits of a non-negative float), then the
/// order in which priorities were set.
type Key = (u64, u64, ObjectId);

/// GDSF eviction.
pub struct Gdsf {
    objects: FxHashMap<ObjectId, (Key, u64, Entry)>,
    order: BTreeSet<Key>,
    /// The inflation value L.
    floor: f64,
    seq: u64,
}

impl Gdsf {
    /// An empty GDSF laid out for `sizing`.
    pub fn new(sizing: Sizing) -> Self {
        let mut objects = FxHashMap::default();
        objects.reserve(super::index::room(sizing));
        Gdsf {
            objects,
            order: BTreeSet::new(),
            floor: 0.0,
            seq: 0,
        }
    }

    fn key(&mut self, id: ObjectId, freq: u64, size: u64) -> Key {
        let h = self.floor + freq as f64 / size.max(1) as f64;
        self.seq += 1;
        // Non-negative floats order as their bit patterns do.
        (h.to_bits(), self.seq, id)
    }
}

impl Cache for Gdsf {
    fn access(&mut self, id: ObjectId) -> Option<Entry> {
        let &(old, freq, entry) = self.objects.get(&id)?;
        self.order.remove(&old);
        let key = self.key(id, freq + 1, entry.size);
        self.order.insert(key);
        self.objects.insert(id, (key, freq + 1, entry));
        Some(entry)
    }

    fn peek(&self, id: ObjectId) -> Option<Entry> {
        self.objects.get(&id).map(|o| o.2)
    }

    fn insert(&mut self, id: ObjectId, entry: Entry) {
        let key = self.key(id, 1, entry.size);
        self.order.insert(key);
        self.objects.insert(id, (key, 1, entry));
    }

    fn set(&mut self, id: ObjectId, entry: Entry) -> bool {
        match self.objects.get_mut(&id) {
            Some(o) => {
                o.2 = entry;
                true
            }
            None => false,
        }
    }

    fn victim(&mut self) -> Option<ObjectId> {
        self.order.first().map(|k| k.2)
    }

    fn evict(&mut self, id: ObjectId) -> Option<u64> {
        let key = self.objects.get(&id)?.0;
        self.floor = f64::from_bits(key.0);
        self.remove(id)
    }

    fn remove(&mut self, id: ObjectId) -> Option<u64> {
        let (key, _, entry) = self.objects.remove(&id)?;
        self.order.remove(&key);
        Some(entry.size)
    }

    fn len(&self) -> usize {
        self.objects.len()
    }
}
