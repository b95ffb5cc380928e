//! SIEVE: a FIFO queue whose "hand" sweeps from old to new, sparing visited objects
//! without moving them.
//!
//! 1. A new object enters at the front (the newest end), unvisited.
//! 2. A hit marks the object visited; it does not move.
//! 3. To evict, the hand starts where it last stopped (at first, the back). A visited
//!    object is marked unvisited and the hand moves one step newer; an unvisited one is
//!    the victim. Past the front the hand wraps to the back.
//! 4. After an eviction the hand rests on the victim's newer neighbour.
//!
//! Zhang et al., "SIEVE is simpler than LRU: an efficient turn-key eviction algorithm for
//! web caches", NSDI 2024. With variable sizes, victims are taken until the new object
//! fits.

use super::queues::Queues;
use super::{Cache, Entry, ObjectId, Policy, Sizing};

/// Its entry in the registry.
pub(super) const POLICY: Policy = Policy::new(
    "sieve",
    "SIEVE (NSDI'24): FIFO with a hand that spares visited objects in place",
    |sizing, _| Box::new(Sieve::new(sizing)),
);

/// SIEVE eviction.
pub struct Sieve {
    q: Queues<1>,
    /// Where the hand rests; `None` means the back.
    hand: Option<u32>,
}

impl Sieve {
    /// An empty SIEVE laid out for `sizing`.
    pub fn new(sizing: Sizing) -> Self {
        Sieve {
            q: Queues::new(sizing),
            hand: None,
        }
    }
}

impl Cache for Sieve {
    fn access(&mut self, id: ObjectId) -> Option<Entry> {
        self.q.mark(id)
    }

    fn peek(&self, id: ObjectId) -> Option<Entry> {
        self.q.get(id)
    }

    fn insert(&mut self, id: ObjectId, entry: Entry) {
        self.q.push_front(0, id, entry);
    }

    fn set(&mut self, id: ObjectId, entry: Entry) -> bool {
        self.q.set(id, entry)
    }

    fn victim(&mut self) -> Option<ObjectId> {
        let mut at = self.hand.or_else(|| self.q.back(0))?;
        while self.q.node(at).bits != 0 {
            self.q.node_mut(at).bits = 0;
            at = match self.q.newer(at) {
                Some(n) => n,
                None => self.q.back(0)?,
            };
        }
        self.hand = Some(at);
        Some(self.q.node(at).id)
    }

    fn remove(&mut self, id: ObjectId) -> Option<u64> {
        let slot = self.q.slot(id)?;
        if self.hand == Some(slot) {
            // The hand moves on to the next newer object (or wraps to the back).
            self.hand = self.q.newer(slot);
        }
        Some(self.q.remove(slot).size)
    }

    fn len(&self) -> usize {
        self.q.len(0)
    }
}
