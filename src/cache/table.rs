//! An open-addressing hash table from object id to slot, for ids without a small bound
//! (hashed trace keys).
//!
//! Hand-written rather than std's map for one reason: prefetching. Replay knows the next
//! requests' ids, and a lookup in a large cache is a cache miss on the table, then on the
//! entry; issuing the table's load a few requests early hides it. That needs the address
//! of an id's bucket, which std's map does not give. Linear probing over 16-byte buckets
//! with Fibonacci hashing keeps a lookup to one cache line almost always; deletion shifts
//! later buckets back, so there are no tombstones; the table doubles at three quarters
//! full.

use super::index::NIL;
use super::ObjectId;

/// One bucket: an id and its slot, or `NIL` when empty.
#[derive(Clone, Copy)]
pub(super) struct Bucket {
    id: ObjectId,
    slot: u32,
}

const EMPTY: Bucket = Bucket { id: 0, slot: NIL };

/// Object id to slot.
pub(super) struct IdTable {
    buckets: Vec<Bucket>,
    /// `64 - log2(buckets.len())`: the hash's top bits pick the home bucket.
    shift: u32,
    len: usize,
}

impl IdTable {
    /// An empty table with room for `n` ids before it grows.
    pub(super) fn with_capacity(n: usize) -> Self {
        let size = (n.max(8) * 4 / 3 + 1).next_power_of_two();
        IdTable {
            buckets: vec![EMPTY; size],
            shift: 64 - size.trailing_zeros(),
            len: 0,
        }
    }

    #[inline]
    fn home(&self, id: ObjectId) -> usize {
        (id.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    #[inline]
    fn mask(&self) -> usize {
        self.buckets.len() - 1
    }

    /// Where `id`'s probe starts, for prefetching.
    #[inline]
    pub(super) fn address(&self, id: ObjectId) -> *const Bucket {
        &self.buckets[self.home(id)]
    }

    /// The bucket index holding `id`.
    #[inline]
    fn find(&self, id: ObjectId) -> Option<usize> {
        let mask = self.mask();
        let mut i = self.home(id);
        loop {
            let b = self.buckets[i];
            if b.slot == NIL {
                return None;
            }
            if b.id == id {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// The slot of `id`.
    #[inline]
    pub(super) fn get(&self, id: ObjectId) -> Option<u32> {
        self.find(id).map(|i| self.buckets[i].slot)
    }

    /// Records `id` at `slot`; the caller guarantees `id` is absent.
    pub(super) fn insert(&mut self, id: ObjectId, slot: u32) {
        if (self.len + 1) * 4 > self.buckets.len() * 3 {
            self.grow();
        }
        let mask = self.mask();
        let mut i = self.home(id);
        while self.buckets[i].slot != NIL {
            i = (i + 1) & mask;
        }
        self.buckets[i] = Bucket { id, slot };
        self.len += 1;
    }

    /// Removes `id`; returns its slot.
    pub(super) fn remove(&mut self, id: ObjectId) -> Option<u32> {
        let found = self.find(id)?;
        let slot = self.buckets[found].slot;
        let mask = self.mask();
        // Shift back every later bucket of the run that may move into the hole: one whose
        // home is not between the hole and its place.
        let mut hole = found;
        let mut j = (found + 1) & mask;
        loop {
            let b = self.buckets[j];
            if b.slot == NIL {
                break;
            }
            let home = self.home(b.id);
            if (j.wrapping_sub(home) & mask) >= (j.wrapping_sub(hole) & mask) {
                self.buckets[hole] = b;
                hole = j;
            }
            j = (j + 1) & mask;
        }
        self.buckets[hole] = EMPTY;
        self.len -= 1;
        Some(slot)
    }

    /// Ids stored.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.buckets);
        *self = IdTable::with_capacity(old.len());
        for b in old.into_iter().filter(|b| b.slot != NIL) {
            self.insert(b.id, b.slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        #[test]
        fn behaves_like_a_map(ops in proptest::collection::vec((0u64..64, any::<bool>()), 1..400)) {
            // Few ids over a small table: long probe runs, wrap-around and growth.
            let mut t = IdTable::with_capacity(1);
            let mut m: HashMap<u64, u32> = HashMap::new();
            for (k, (id, add)) in ops.into_iter().enumerate() {
                // Ids spread over the whole range, as hashed keys are.
                let id = id.wrapping_mul(0x0123_4567_89AB_CDEF);
                if add && !m.contains_key(&id) {
                    t.insert(id, k as u32);
                    m.insert(id, k as u32);
                } else if !add {
                    prop_assert_eq!(t.remove(id), m.remove(&id));
                }
                prop_assert_eq!(t.len(), m.len());
                for (&i, &s) in &m {
                    prop_assert_eq!(t.get(i), Some(s));
                }
            }
        }
    }
}
