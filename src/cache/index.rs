//! Object id to slot: a plain array when ids are a catalog's dense 0..n, else a hash table;
//! and the memory helpers the slab-backed structures share.
//!
//! A dense index costs one memory access per lookup instead of a hash probe's two, which
//! is most of the cost of a lookup in a large cache.

use super::table::IdTable;
use super::{ObjectId, Sizing};

/// The "no slot" marker of links and indexes.
pub(super) const NIL: u32 = u32::MAX;

/// Asks the CPU to load the cache line at `p`; a no-op where there is no such hint.
#[inline(always)]
pub(super) fn prefetch<T>(p: *const T) {
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

/// Slots to reserve for `sizing` at the start. Memory then grows with the objects actually
/// cached (vectors double as they fill), not with the configured capacity: a thousand POPs
/// with 8 GiB caches in a short run would otherwise reserve gigabytes they never touch. A
/// cache stops growing once full, so a long run allocates no more than a short one.
pub(super) fn room(sizing: Sizing) -> usize {
    (sizing.objects_hint + sizing.objects_hint / 4).min(INITIAL_ROOM)
}

/// Slots reserved before a cache has stored anything.
const INITIAL_ROOM: usize = 64;

/// An empty vector with room for `n` copies of `value`, written now so that its first
/// pages are resident from the start.
pub(super) fn written<T: Copy>(n: usize, value: T) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    v.spare_capacity_mut().iter_mut().for_each(|x| {
        x.write(value);
    });
    v
}

/// Object id to slot.
pub(super) enum Index {
    /// `slots[id]` is the slot, or `NIL` when absent (or past the end: the array grows
    /// to the largest id stored so far, within the catalog's bound).
    Dense {
        slots: Vec<u32>,
        len: usize,
        /// The catalog's id bound: growth stops there.
        bound: usize,
    },
    /// A hash table for ids without a small bound.
    Hashed(IdTable),
}

impl Index {
    pub(super) fn new(sizing: Sizing) -> Self {
        match sizing.dense_ids {
            Some(n) => Index::Dense {
                slots: Vec::with_capacity((n as usize).min(INITIAL_ROOM)),
                len: 0,
                bound: n as usize,
            },
            None => Index::Hashed(IdTable::with_capacity(room(sizing))),
        }
    }

    #[inline]
    pub(super) fn get(&self, id: ObjectId) -> Option<u32> {
        match self {
            Index::Dense { slots, .. } => slots.get(id as usize).copied().filter(|&s| s != NIL),
            Index::Hashed(table) => table.get(id),
        }
    }

    /// Records `id` at `slot`; the caller guarantees `id` is absent.
    #[inline]
    pub(super) fn insert(&mut self, id: ObjectId, slot: u32) {
        match self {
            Index::Dense { slots, len, bound } => {
                let i = id as usize;
                if i >= slots.len() {
                    // Grown by at least half at a time (up to the bound), so filling costs
                    // O(log n) moves; ids past the bound still work, growing it exactly.
                    let grown = (slots.len() + slots.len() / 2).min(*bound);
                    slots.resize((i + 1).max(grown), NIL);
                }
                slots[i] = slot;
                *len += 1;
            }
            Index::Hashed(table) => table.insert(id, slot),
        }
    }

    #[inline]
    pub(super) fn remove(&mut self, id: ObjectId) -> Option<u32> {
        match self {
            Index::Dense { slots, len, .. } => {
                let s = slots.get_mut(id as usize).filter(|s| **s != NIL)?;
                let slot = std::mem::replace(s, NIL);
                *len -= 1;
                Some(slot)
            }
            Index::Hashed(table) => table.remove(id),
        }
    }

    /// Where `id`'s index entry lives (or, hashed, where its probe starts), to prefetch.
    #[inline]
    pub(super) fn address(&self, id: ObjectId) -> Option<*const u8> {
        match self {
            Index::Dense { slots, .. } => slots.get(id as usize).map(|s| (s as *const u32).cast()),
            Index::Hashed(table) => Some(table.address(id).cast()),
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Index::Dense { len, .. } => *len,
            Index::Hashed(table) => table.len(),
        }
    }
}
