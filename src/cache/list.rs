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

/// An empty vector with room for `n` copies of `value`, written now so that its memory
/// is resident from the start rather than growing as a run fills the cache.
fn written<T: Copy>(n: usize, value: T) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    v.spare_capacity_mut().iter_mut().for_each(|x| {
        x.write(value);
    });
    v
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
        // Room for a quarter more objects than expected, written once now so that a
        // filling cache neither reallocates nor grows its resident memory mid-run.
        let room = sizing.objects_hint + sizing.objects_hint / 4;
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
