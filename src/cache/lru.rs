//! LRU: evict the object whose last request is oldest.
//!
//! 1. A hit moves the object to the front of the list.
//! 2. A new object enters at the front.
//! 3. The victim is the object at the back.
//!
//! The textbook policy (e.g. Mattson et al., "Evaluation techniques for storage
//! hierarchies", 1970); with variable sizes it evicts from the back until the new
//! object fits, which is the usual byte-capacity generalisation.

use super::list::OrderedSet;
use super::{Cache, Entry, ObjectId, Policy, Sizing};

/// Its entry in the registry.
pub(super) const POLICY: Policy = Policy::new(
    "lru",
    "least recently used",
    |sizing, _| Box::new(Lru::new(sizing)),
);

/// Least-recently-used eviction.
pub struct Lru {
    order: OrderedSet,
}

impl Lru {
    /// An empty LRU laid out for `sizing`.
    pub fn new(sizing: Sizing) -> Self {
        Lru {
            order: OrderedSet::new(sizing),
        }
    }
}

impl Cache for Lru {
    fn access(&mut self, id: ObjectId) -> Option<Entry> {
        self.order.touch(id)
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
