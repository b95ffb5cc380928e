//! CLOCK, as FIFO with reinsertion: evict in insertion order, but give a requested
//! object a second chance.
//!
//! 1. A new object enters at the front with its reference bit clear.
//! 2. A hit sets the bit; it does not move the object.
//! 3. To evict, look at the back: with the bit set, clear it and move the object to the
//!    front; with it clear, that object is the victim.
//!
//! Corbató's CLOCK ("A paging experiment with the Multics system", 1968) with one
//! reference bit, in its FIFO-reinsertion form (a queue instead of a circular buffer
//! and a hand), which makes the same choices. With variable sizes, victims are taken
//! until the new object fits.

use super::queues::Queues;
use super::{Cache, Entry, ObjectId, Policy, Sizing};

/// Its entry in the registry.
pub(super) const POLICY: Policy = Policy::new(
    "clock",
    "FIFO with reinsertion: a requested object gets a second chance (1 reference bit)",
    |sizing, _| Box::new(Clock::new(sizing)),
);

/// CLOCK (FIFO-reinsertion) eviction.
pub struct Clock {
    q: Queues<1>,
}

impl Clock {
    /// An empty CLOCK laid out for `sizing`.
    pub fn new(sizing: Sizing) -> Self {
        Clock {
            q: Queues::new(sizing),
        }
    }
}

impl Cache for Clock {
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
        loop {
            let slot = self.q.back(0)?;
            if self.q.node(slot).bits == 0 {
                return Some(self.q.node(slot).id);
            }
            self.q.node_mut(slot).bits = 0;
            self.q.move_front(slot, 0);
        }
    }

    fn remove(&mut self, id: ObjectId) -> Option<u64> {
        self.q.remove_id(id)
    }

    fn len(&self) -> usize {
        self.q.len(0)
    }
}
