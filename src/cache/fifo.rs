//! FIFO: evict the object that entered the cache first, whatever its hits.
//!
//! 1. A hit changes nothing.
//! 2. A new object enters at the front.
//! 3. The victim is the object at the back, the oldest insertion.
//!
//! Cheap and common in CDN caches; it is the baseline that CLOCK, S3-FIFO and SIEVE
//! improve on. With variable sizes it evicts oldest-first until the object fits.

use super::list::OrderedSet;
use super::{Cache, ObjectId};

/// First-in, first-out eviction.
#[derive(Default)]
pub struct Fifo {
    order: OrderedSet,
}

impl Fifo {
    /// An empty FIFO with room for `hint` objects before its index grows.
    pub fn with_capacity(hint: usize) -> Self {
        Fifo {
            order: OrderedSet::with_capacity(hint),
        }
    }
}

impl Cache for Fifo {
    fn access(&mut self, id: ObjectId) -> Option<u64> {
        self.order.get(id)
    }

    fn peek(&self, id: ObjectId) -> Option<u64> {
        self.order.get(id)
    }

    fn insert(&mut self, id: ObjectId, size: u64) {
        self.order.push_front(id, size);
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
}
