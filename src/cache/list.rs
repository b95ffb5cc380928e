//! An ordered set of cached objects: an id index over a slab-backed doubly linked list.
//!
//! LRU and FIFO differ only in whether a hit moves an entry to the front, so both are
//! this list plus a few lines. Slots are recycled through a free list, so once a cache
//! has filled, inserting and evicting allocate nothing.
//!
//! When object ids are dense (a synthetic catalog numbers its objects 0..n), the index is
//! a plain array from id to slot: one memory access per lookup instead of a hash probe's
//! two, which is most of the cost of a lookup in a large cache. Sparse ids (hashed trace
//! keys) use a hash map.
//!
//! The list links (with the id, which eviction needs) and the HTTP entries live in two
//! parallel arrays. Relinking on a hit touches the links of three objects but the entry of
//! one, so 16-byte links keep that to three cache lines, where 48-byte combined nodes
//! straddled lines half the time.

use super::index::{prefetch, room, written, Index, NIL};
use super::{Entry, ObjectId, Sizing};

/// A slot's place in the order.
#[derive(Clone, Copy)]
struct Link {
    id: ObjectId,
    prev: u32,
    next: u32,
}

/// Entries ordered from front (most recently placed) to back (next victim).
pub struct OrderedSet {
    index: Index,
    links: Vec<Link>,
    /// `entries[slot]` belongs to `links[slot]`.
    entries: Vec<Entry>,
    free: Vec<u32>,
    head: u32,
    tail: u32,
}

impl OrderedSet {
    /// An empty set laid out for `sizing`.
    pub fn new(sizing: Sizing) -> Self {
        let room = room(sizing);
        let empty = Link {
            id: 0,
            prev: NIL,
            next: NIL,
        };
        OrderedSet {
            index: Index::new(sizing),
            links: written(room, empty),
            entries: written(room, Entry::default()),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
        }
    }

    /// The entry of `id` if present.
    pub fn get(&self, id: ObjectId) -> Option<Entry> {
        self.index.get(id).map(|slot| self.entries[slot as usize])
    }

    /// Replaces the stored entry of `id`; returns whether it was present.
    pub fn set(&mut self, id: ObjectId, entry: Entry) -> bool {
        match self.index.get(id) {
            Some(slot) => {
                self.entries[slot as usize] = entry;
                true
            }
            None => false,
        }
    }

    /// Starts loading `id`'s index entry, or with `entry` the node it points to, into
    /// the CPU cache. A lookup in a large cache is two dependent memory loads; issuing
    /// them ahead of time lets them overlap with other work.
    #[inline]
    pub fn prefetch(&self, id: ObjectId, entry: bool) {
        if !entry {
            if let Some(addr) = self.index.address(id) {
                prefetch(addr);
            }
        } else if let Some(slot) = self.index.get(id) {
            prefetch(&self.links[slot as usize] as *const Link);
            prefetch(&self.entries[slot as usize] as *const Entry);
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Adds `id` at the front. The caller guarantees it is absent.
    pub fn push_front(&mut self, id: ObjectId, entry: Entry) {
        let link = Link {
            id,
            prev: NIL,
            next: self.head,
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.links[slot as usize] = link;
                self.entries[slot as usize] = entry;
                slot
            }
            None => {
                self.links.push(link);
                self.entries.push(entry);
                (self.links.len() - 1) as u32
            }
        };
        self.link_front(slot);
        self.index.insert(id, slot);
    }

    /// Moves `id` to the front; returns its entry, or `None` when absent.
    #[inline]
    pub fn touch(&mut self, id: ObjectId) -> Option<Entry> {
        let slot = self.index.get(id)?;
        if self.head != slot {
            self.unlink(slot);
            self.link_front(slot);
        }
        Some(self.entries[slot as usize])
    }

    /// The entry at the back, the one a recency or insertion order evicts next.
    pub fn back(&self) -> Option<ObjectId> {
        (self.tail != NIL).then(|| self.links[self.tail as usize].id)
    }

    /// Removes `id`; returns its size, or `None` when absent.
    pub fn remove(&mut self, id: ObjectId) -> Option<u64> {
        let slot = self.index.remove(id)?;
        self.unlink(slot);
        self.free.push(slot);
        Some(self.entries[slot as usize].size)
    }

    fn link_front(&mut self, slot: u32) {
        let old_head = self.head;
        let link = &mut self.links[slot as usize];
        link.prev = NIL;
        link.next = old_head;
        if old_head != NIL {
            self.links[old_head as usize].prev = slot;
        } else {
            self.tail = slot;
        }
        self.head = slot;
    }

    fn unlink(&mut self, slot: u32) {
        let Link { prev, next, .. } = self.links[slot as usize];
        if prev != NIL {
            self.links[prev as usize].next = next;
        } else {
            self.head = next;
        }
        if next != NIL {
            self.links[next as usize].prev = prev;
        } else {
            self.tail = prev;
        }
    }
}
