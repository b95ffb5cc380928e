//! An ordered set of cached objects: a hash index over a slab-backed doubly linked list.
//!
//! LRU and FIFO differ only in whether a hit moves an entry to the front, so both are
//! this list plus a few lines. Slots are recycled through a free list, so once a cache
//! has filled, inserting and evicting allocate nothing.

use super::ObjectId;
use rustc_hash::FxHashMap;

const NIL: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct Node {
    id: ObjectId,
    size: u64,
    prev: u32,
    next: u32,
}

/// Entries ordered from front (most recently placed) to back (next victim).
#[derive(Default)]
pub struct OrderedSet {
    index: FxHashMap<ObjectId, u32>,
    nodes: Vec<Node>,
    free: Vec<u32>,
    head: u32,
    tail: u32,
}

impl OrderedSet {
    /// An empty set with room for `hint` entries before it first grows.
    pub fn with_capacity(hint: usize) -> Self {
        let mut index = FxHashMap::default();
        index.reserve(hint);
        OrderedSet {
            index,
            nodes: Vec::with_capacity(hint),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
        }
    }

    /// The size of `id` if present.
    pub fn get(&self, id: ObjectId) -> Option<u64> {
        self.index.get(&id).map(|&slot| self.nodes[slot as usize].size)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Adds `id` at the front. The caller guarantees it is absent.
    pub fn push_front(&mut self, id: ObjectId, size: u64) {
        let node = Node {
            id,
            size,
            prev: NIL,
            next: self.head,
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.nodes[slot as usize] = node;
                slot
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        };
        self.link_front(slot);
        self.index.insert(id, slot);
    }

    /// Moves `id` to the front; returns its size, or `None` when absent.
    pub fn touch(&mut self, id: ObjectId) -> Option<u64> {
        let slot = *self.index.get(&id)?;
        if self.head != slot {
            self.unlink(slot);
            self.link_front(slot);
        }
        Some(self.nodes[slot as usize].size)
    }

    /// The entry at the back, the one a recency or insertion order evicts next.
    pub fn back(&self) -> Option<ObjectId> {
        (self.tail != NIL).then(|| self.nodes[self.tail as usize].id)
    }

    /// Removes `id`; returns its size, or `None` when absent.
    pub fn remove(&mut self, id: ObjectId) -> Option<u64> {
        let slot = self.index.remove(&id)?;
        self.unlink(slot);
        self.free.push(slot);
        Some(self.nodes[slot as usize].size)
    }

    fn link_front(&mut self, slot: u32) {
        let old_head = self.head;
        let node = &mut self.nodes[slot as usize];
        node.prev = NIL;
        node.next = old_head;
        if old_head != NIL {
            self.nodes[old_head as usize].prev = slot;
        } else {
            self.tail = slot;
        }
        self.head = slot;
    }

    fn unlink(&mut self, slot: u32) {
        let Node { prev, next, .. } = self.nodes[slot as usize];
        if prev != NIL {
            self.nodes[prev as usize].next = next;
        } else {
            self.head = next;
        }
        if next != NIL {
            self.nodes[next as usize].prev = prev;
        } else {
            self.tail = prev;
        }
    }
}
