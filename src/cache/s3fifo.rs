//! S3-FIFO: a small FIFO that filters one-hit wonders, a main FIFO with reinsertion, and
//! a ghost FIFO that remembers what the small queue evicted.
//!
//! 1. A new object enters the small queue (10% of the bytes), unless the ghost queue
//!    remembers it: then it enters the main queue.
//! 2. A hit raises the object's frequency, capped at 3; it does not move.
//! 3. To evict, when the small queue holds at least its share (or the main queue is
//!    empty), take the small queue's oldest: if it was requested since it entered, move
//!    it to the main queue with its frequency cleared; if not, evict it and remember its
//!    id in the ghost queue. Otherwise take the main queue's oldest: if its frequency is
//!    above 0, lower it by one and reinsert it at the front; if not, evict it.
//!
//! Yang et al., "FIFO queues are all you need for cache eviction", SOSP 2023.
//! Deviation: with variable sizes the ghost queue is bounded in bytes (the main queue's
//! share, 90% of the cache) rather than in entries, as libCacheSim does.

use super::queues::Queues;
use super::{Cache, Entry, ObjectId, Policy, Sizing};

/// Its entry in the registry.
pub(super) const POLICY: Policy = Policy::new(
    "s3fifo",
    "S3-FIFO (SOSP'23): small FIFO 10% of bytes, main FIFO with 2-bit frequency, ghost FIFO",
    |sizing, capacity| Box::new(S3Fifo::new(sizing, capacity)),
);

const SMALL: usize = 0;
const MAIN: usize = 1;
const GHOST: usize = 2;

/// S3-FIFO eviction.
pub struct S3Fifo {
    q: Queues<3>,
    small_target: u64,
    ghost_limit: u64,
}

impl S3Fifo {
    /// An empty S3-FIFO of `capacity` bytes laid out for `sizing`.
    pub fn new(sizing: Sizing, capacity: u64) -> Self {
        S3Fifo {
            q: Queues::new(sizing),
            small_target: capacity / 10,
            ghost_limit: capacity - capacity / 10,
        }
    }

    /// The stored slot of `id`: not a ghost.
    fn stored(&self, id: ObjectId) -> Option<u32> {
        self.q
            .slot(id)
            .filter(|&s| self.q.node(s).queue as usize != GHOST)
    }

    /// Whether `id` is remembered by the ghost queue (for tests).
    #[cfg(test)]
    pub fn is_ghost(&self, id: ObjectId) -> bool {
        self.q
            .slot(id)
            .is_some_and(|s| self.q.node(s).queue as usize == GHOST)
    }

    /// Whether `id` is in the main queue (for tests).
    #[cfg(test)]
    pub fn in_main(&self, id: ObjectId) -> bool {
        self.stored(id)
            .is_some_and(|s| self.q.node(s).queue as usize == MAIN)
    }
}

impl Cache for S3Fifo {
    fn access(&mut self, id: ObjectId) -> Option<Entry> {
        let slot = self.stored(id)?;
        let node = self.q.node_mut(slot);
        node.bits = (node.bits + 1).min(3);
        Some(self.q.entry(slot))
    }

    fn peek(&self, id: ObjectId) -> Option<Entry> {
        self.stored(id).map(|s| self.q.entry(s))
    }

    fn insert(&mut self, id: ObjectId, entry: Entry) {
        match self.q.slot(id) {
            Some(ghost) => {
                self.q.remove(ghost);
                self.q.push_front(MAIN, id, entry);
            }
            None => {
                self.q.push_front(SMALL, id, entry);
            }
        }
    }

    fn set(&mut self, id: ObjectId, entry: Entry) -> bool {
        self.stored(id)
            .map(|s| self.q.set_entry(s, entry))
            .is_some()
    }

    fn victim(&mut self) -> Option<ObjectId> {
        loop {
            let small = self.q.len(SMALL) > 0
                && (self.q.bytes(SMALL) >= self.small_target || self.q.len(MAIN) == 0);
            let from = if small { SMALL } else { MAIN };
            let slot = self.q.back(from)?;
            let bits = self.q.node(slot).bits;
            if bits == 0 {
                return Some(self.q.node(slot).id);
            }
            // Requested since it entered: kept, in the main queue, with one less credit
            // (all of it, when it leaves the small queue).
            self.q.node_mut(slot).bits = if small { 0 } else { bits - 1 };
            self.q.move_front(slot, MAIN);
        }
    }

    fn evict(&mut self, id: ObjectId) -> Option<u64> {
        let slot = self.stored(id)?;
        if self.q.node(slot).queue as usize != SMALL {
            return Some(self.q.remove(slot).size);
        }
        let size = self.q.entry(slot).size;
        self.q.move_front(slot, GHOST);
        while self.q.bytes(GHOST) > self.ghost_limit {
            let oldest = self.q.back(GHOST).expect("over its limit, so not empty");
            self.q.remove(oldest);
        }
        Some(size)
    }

    fn remove(&mut self, id: ObjectId) -> Option<u64> {
        let slot = self.stored(id)?;
        Some(self.q.remove(slot).size)
    }

    fn len(&self) -> usize {
        self.q.len(SMALL) + self.q.len(MAIN)
    }
}
