//! ARC: two LRU lists, one for objects seen once recently (T1) and one for objects seen
//! at least twice (T2), with ghost lists (B1, B2) of what each evicted; a ghost hit moves
//! the target size of T1 towards the list that would have kept the object.
//!
//! 1. A hit in T1 or T2 moves the object to the front of T2.
//! 2. A miss whose id is in B1 raises the target p of T1; one in B2 lowers it; either way
//!    the object enters T2. Any other miss enters T1.
//! 3. To evict: from the back of T1 when T1 holds more than p bytes (or exactly p and the
//!    miss was a B2 ghost hit), else from the back of T2. The victim's id moves to the
//!    front of B1 or B2.
//! 4. T1 + B1 stay within the capacity and all four lists within twice it, by dropping
//!    the oldest ghosts.
//!
//! Megiddo and Modha, "ARC: A Self-Tuning, Low Overhead Replacement Cache", FAST 2003.
//! Deviation: sizes are bytes, not pages. p and the lists are measured in bytes, and a
//! ghost hit moves p by the object's size times the paper's ratio (at least 1) of the
//! other ghost list to this one.

use super::queues::Queues;
use super::{Cache, Entry, ObjectId, Policy, Sizing};

/// Its entry in the registry.
pub(super) const POLICY: Policy = Policy::new(
    "arc",
    "adaptive replacement cache (Megiddo and Modha 2003); T1/T2 with ghost lists, target adapted in bytes",
    |sizing, capacity| Box::new(Arc::new(sizing, capacity)),
);

const T1: usize = 0;
const T2: usize = 1;
const B1: usize = 2;
const B2: usize = 3;

/// Adaptive Replacement Cache eviction.
pub struct Arc {
    q: Queues<4>,
    capacity: u64,
    /// Target bytes of T1.
    p: u64,
    /// The miss being admitted was a ghost hit in B2.
    b2_hit: bool,
}

impl Arc {
    /// An empty ARC of `capacity` bytes laid out for `sizing`.
    pub fn new(sizing: Sizing, capacity: u64) -> Self {
        Arc {
            q: Queues::new(sizing),
            capacity,
            p: 0,
            b2_hit: false,
        }
    }

    /// The target bytes of T1 (for tests).
    #[cfg(test)]
    pub fn target(&self) -> u64 {
        self.p
    }

    fn list(&self, slot: u32) -> usize {
        self.q.node(slot).queue as usize
    }

    fn stored(&self, id: ObjectId) -> Option<u32> {
        self.q.slot(id).filter(|&s| self.list(s) <= T2)
    }

    fn drop_oldest(&mut self, list: usize) {
        if let Some(slot) = self.q.back(list) {
            self.q.remove(slot);
        }
    }
}

impl Cache for Arc {
    fn access(&mut self, id: ObjectId) -> Option<Entry> {
        let slot = self.stored(id)?;
        self.q.move_front(slot, T2);
        Some(self.q.entry(slot))
    }

    fn peek(&self, id: ObjectId) -> Option<Entry> {
        self.stored(id).map(|s| self.q.entry(s))
    }

    fn admitting(&mut self, id: ObjectId, size: u64) {
        self.b2_hit = false;
        let Some(slot) = self.q.slot(id) else {
            return;
        };
        let (b1, b2) = (self.q.bytes(B1).max(1), self.q.bytes(B2).max(1));
        match self.list(slot) {
            B1 => self.p = (self.p + size * (b2 / b1).max(1)).min(self.capacity),
            B2 => {
                self.p = self.p.saturating_sub(size * (b1 / b2).max(1));
                self.b2_hit = true;
            }
            _ => {}
        }
    }

    fn insert(&mut self, id: ObjectId, entry: Entry) {
        let list = match self.q.slot(id) {
            Some(ghost) => {
                self.q.remove(ghost);
                T2
            }
            None => T1,
        };
        self.q.push_front(list, id, entry);
        self.b2_hit = false;
        while self.q.bytes(T1) + self.q.bytes(B1) > self.capacity && self.q.len(B1) > 0 {
            self.drop_oldest(B1);
        }
        let total = |q: &Queues<4>| (0..4).map(|l| q.bytes(l)).sum::<u64>();
        while total(&self.q) > 2 * self.capacity && self.q.len(B2) > 0 {
            self.drop_oldest(B2);
        }
    }

    fn set(&mut self, id: ObjectId, entry: Entry) -> bool {
        self.stored(id)
            .map(|s| self.q.set_entry(s, entry))
            .is_some()
    }

    fn victim(&mut self) -> Option<ObjectId> {
        let t1 = self.q.bytes(T1);
        let from_t1 = self.q.len(T1) > 0
            && (t1 > self.p || (self.b2_hit && t1 >= self.p) || self.q.len(T2) == 0);
        let slot = self.q.back(if from_t1 { T1 } else { T2 })?;
        Some(self.q.node(slot).id)
    }

    fn evict(&mut self, id: ObjectId) -> Option<u64> {
        let slot = self.stored(id)?;
        let ghost = if self.list(slot) == T1 { B1 } else { B2 };
        let size = self.q.entry(slot).size;
        self.q.move_front(slot, ghost);
        Some(size)
    }

    fn remove(&mut self, id: ObjectId) -> Option<u64> {
        let slot = self.stored(id)?;
        Some(self.q.remove(slot).size)
    }

    fn len(&self) -> usize {
        self.q.len(T1) + self.q.len(T2)
    }
}
