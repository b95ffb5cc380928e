//! Belady's MIN: evict the object whose next request is furthest in the future (or that
//! is never requested again). It needs the future, so it exists only for trace replay,
//! which tells it each request's next use before the request (see [`Cache::next_use`]).
//!
//! Belady, "A study of replacement algorithms for a virtual-storage computer", IBM
//! Systems Journal, 1966. MIN is optimal for equal sizes. With variable sizes it is only
//! a heuristic bound: evicting the furthest-used object first is not always best when a
//! large object could make room for several small ones (the optimal sized offline policy
//! is NP-hard), so treat its miss ratio as a reference point, not a proven floor.

use super::{Cache, Entry, ObjectId, Policy, Sizing};
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

/// Its entry in the registry.
pub(super) const POLICY: Policy = Policy::new(
    "belady",
    "Belady's MIN: furthest next use goes; needs the future, so trace replay only",
    |sizing, _| Box::new(Belady::new(sizing)),
)
.needing_future();

/// Never requested again.
const NEVER: u64 = u64::MAX;

/// Belady's MIN eviction.
pub struct Belady {
    objects: FxHashMap<ObjectId, (u64, Entry)>,
    /// (next use, id): the victim is the last.
    order: BTreeSet<(u64, ObjectId)>,
    /// The next use announced for the request being handled.
    pending: (ObjectId, u64),
}

impl Belady {
    /// An empty MIN laid out for `sizing`.
    pub fn new(sizing: Sizing) -> Self {
        let mut objects = FxHashMap::default();
        objects.reserve(super::index::room(sizing));
        Belady {
            objects,
            order: BTreeSet::new(),
            pending: (0, NEVER),
        }
    }
}

impl Cache for Belady {
    fn next_use(&mut self, id: ObjectId, at: Option<u64>) {
        let at = at.unwrap_or(NEVER);
        self.pending = (id, at);
        if let Some(o) = self.objects.get_mut(&id) {
            self.order.remove(&(o.0, id));
            o.0 = at;
            self.order.insert((at, id));
        }
    }

    fn access(&mut self, id: ObjectId) -> Option<Entry> {
        self.objects.get(&id).map(|o| o.1)
    }

    fn peek(&self, id: ObjectId) -> Option<Entry> {
        self.objects.get(&id).map(|o| o.1)
    }

    fn insert(&mut self, id: ObjectId, entry: Entry) {
        let at = if self.pending.0 == id {
            self.pending.1
        } else {
            NEVER
        };
        self.order.insert((at, id));
        self.objects.insert(id, (at, entry));
    }

    fn set(&mut self, id: ObjectId, entry: Entry) -> bool {
        match self.objects.get_mut(&id) {
            Some(o) => {
                o.1 = entry;
                true
            }
            None => false,
        }
    }

    fn victim(&mut self) -> Option<ObjectId> {
        self.order.last().map(|k| k.1)
    }

    fn remove(&mut self, id: ObjectId) -> Option<u64> {
        let (at, entry) = self.objects.remove(&id)?;
        self.order.remove(&(at, id));
        Some(entry.size)
    }

    fn len(&self) -> usize {
        self.objects.len()
    }
}
