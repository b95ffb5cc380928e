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

use super::{Entry, ObjectId, Sizing};
use rustc_hash::FxHashMap;

const NIL: u32 = u32::MAX;

/// Asks the CPU to load the cache line at `p`; a no-op where there is no such hint.
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint; it never faults, even on an invalid address,
    // and `p` points into a live allocation anyway.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Object id to slot.
enum Index {
    /// `slots[id]` is the slot, or `NIL` when absent. The whole array is written at
    /// construction, so its memory is resident from the start rather than growing as a
    /// run touches more ids.
    Dense { slots: Vec<u32>, len: usize },
    /// A hash map for ids without a small bound.
    Hashed(FxHashMap<ObjectId, u32>),
}

impl Index {
    fn new(sizing: Sizing) -> Self {
        match sizing.dense_ids {
            Some(n) => Index::Dense {
                slots: vec![NIL; n as usize],
                len: 0,
            },
            None => {
                let mut map = FxHashMap::default();
                map.reserve(sizing.objects_hint);
                Index::Hashed(map)
            }
        }
    }

    #[inline]
    fn get(&self, id: ObjectId) -> Option<u32> {
        match self {
            Index::Dense { slots, .. } => slots.get(id as usize).copied().filter(|&s| s != NIL),
            Index::Hashed(map) => map.get(&id).copied(),
        }
    }

    /// Records `id` at `slot`; the caller guarantees `id` is absent.
    #[inline]
    fn insert(&mut self, id: ObjectId, slot: u32) {
        match self {
            Index::Dense { slots, len } => {
                let i = id as usize;
                if i >= slots.len() {
                    // Ids past the announced bound still work; the array just grows.
                    slots.resize(i + 1, NIL);
                }
                slots[i] = slot;
                *len += 1;
            }
            Index::Hashed(map) => {
                map.insert(id, slot);
            }
        }
    }

    #[inline]
    fn remove(&mut self, id: ObjectId) -> Option<u32> {
        match self {
            Index::Dense { slots, len } => {
                let s = slots.get_mut(id as usize).filter(|s| **s != NIL)?;
                let slot = std::mem::replace(s, NIL);
                *len -= 1;
                Some(slot)
            }
            Index::Hashed(map) => map.remove(&id),
        }
    }

    /// Where `id`'s index entry lives, when the index is an array.
    #[inline]
    fn address(&self, id: ObjectId) -> Option<*const u32> {
        match self {
            Index::Dense { slots, .. } => slots.get(id as usize).map(|s| s as *const u32),
            Index::Hashed(_) => None,
        }
    }

    fn len(&self) -> usize {
        match self {
            Index::Dense { len, .. } => *len,
            Index::Hashed(map) => map.len(),
        }
    }
}

#[derive(Clone, Copy)]
struct Node {
    id: ObjectId,
    entry: Entry,
    prev: u32,
    next: u32,
}

/// Entries ordered from front (most recently placed) to back (next victim).
pub struct OrderedSet {
    index: Index,
    nodes: Vec<Node>,
    free: Vec<u32>,
    head: u32,
    tail: u32,
}

impl OrderedSet {
    /// An empty set laid out for `sizing`.
    pub fn new(sizing: Sizing) -> Self {
        // Room for a quarter more objects than expected, written once now so that a
        // filling cache neither reallocates nor grows its resident memory mid-run.
        let mut nodes = Vec::with_capacity(sizing.objects_hint + sizing.objects_hint / 4);
        let empty = Node {
            id: 0,
            entry: Entry::default(),
            prev: NIL,
            next: NIL,
        };
        nodes.spare_capacity_mut().iter_mut().for_each(|n| {
            n.write(empty);
        });
        OrderedSet {
            index: Index::new(sizing),
            nodes,
            free: Vec::new(),
            head: NIL,
            tail: NIL,
        }
    }

    /// The entry of `id` if present.
    pub fn get(&self, id: ObjectId) -> Option<Entry> {
        self.index
            .get(id)
            .map(|slot| self.nodes[slot as usize].entry)
    }

    /// Replaces the stored entry of `id`; returns whether it was present.
    pub fn set(&mut self, id: ObjectId, entry: Entry) -> bool {
        match self.index.get(id) {
            Some(slot) => {
                self.nodes[slot as usize].entry = entry;
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
            prefetch(&self.nodes[slot as usize] as *const Node);
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Adds `id` at the front. The caller guarantees it is absent.
    pub fn push_front(&mut self, id: ObjectId, entry: Entry) {
        let node = Node {
            id,
            entry,
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

    /// Moves `id` to the front; returns its entry, or `None` when absent.
    pub fn touch(&mut self, id: ObjectId) -> Option<Entry> {
        let slot = self.index.get(id)?;
        if self.head != slot {
            self.unlink(slot);
            self.link_front(slot);
        }
        Some(self.nodes[slot as usize].entry)
    }

    /// The entry at the back, the one a recency or insertion order evicts next.
    pub fn back(&self) -> Option<ObjectId> {
        (self.tail != NIL).then(|| self.nodes[self.tail as usize].id)
    }

    /// Removes `id`; returns its size, or `None` when absent.
    pub fn remove(&mut self, id: ObjectId) -> Option<u64> {
        let slot = self.index.remove(id)?;
        self.unlink(slot);
        self.free.push(slot);
        Some(self.nodes[slot as usize].entry.size)
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
