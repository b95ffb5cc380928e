//! FIFO: evict the object that entered the cache first, whatever its hits.
//!
//! 1. A hit changes nothing.
//! 2. A new object enters at the front.
//! 3. The victim is the object at the back, the oldest insertion.
//!
//! Cheap and common in CDN caches; it is the baseline that CLOCK, S3-FIFO and SIEVE
//! improve on. With variable sizes it evicts oldest-first until the object fits.

use super::list::OrderedSet;
use super::{Cache, Entry, ObjectId, Policy, Sizing, SteadyState};

/// Its entry in the registry.
pub(super) const POLICY: Policy = Policy::new(
    "fifo",
    "first in, first out; hits change nothing",
    |sizing, _| Box::new(Fifo::new(sizing)),
)
.steady_state(SteadyState::Fifo);

/// First-in, first-out eviction.
pub struct Fifo {
    order: OrderedSet,
}

impl Fifo {
    /// An empty FIFO laid out for `sizing`.
    pub fn new(sizing: Sizing) -> Self {
        Fifo {
            order: OrderedSet::new(sizing),
        }
    }
}

impl Cache for Fifo {
    fn access(&mut self, id: ObjectId) -> Option<Entry> {
        self.order.get(id)
    }

    fn peek(&self, id: ObjectId) -> Option<Entry> {
        self.order.get(id)
    }

    fn insert(&mut self, id: ObjectId, entry: Entry) {
        self.order.push_front(id, entry);
    }

    fn set(&mut self, id: ObjectId, entry: Entry) -> bool {
        self.order.set(id, entry)
    }

    fn victim(&mut self) -> Option<ObjectId> {
        self.order.back()
    }

    fn remove(&mut self, id: ObjectId) -> Option<u64> {
        self.order.remove(id)
    }

    fn len(&self) -> usize {
        self.order.len()
    }

    fn prefetch(&self, id: ObjectId, entry: bool) {
        self.order.prefetch(id, entry);
    }
}
