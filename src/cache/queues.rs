//! Several doubly linked queues over one slab and one id index: what the multi-queue
//! policies (CLOCK, SIEVE, S3-FIFO, ARC, W-TinyLFU) are built from.
//!
//! Each object is in exactly one queue. Ghost queues (ids remembered without data) are
//! queues like any other; the policy decides which of its queues hold data. Each queue
//! keeps its length and the bytes of its entries, so byte-sized segments cost nothing to
//! measure. Slots are recycled, so a full cache allocates nothing.

use super::index::{room, written, Index, NIL};
use super::{Entry, ObjectId, Sizing};

/// A slot's links and the small per-object state policies keep.
#[derive(Clone, Copy)]
pub(super) struct Node {
    /// The object.
    pub id: ObjectId,
    prev: u32,
    next: u32,
    /// Which queue it is in.
    pub queue: u8,
    /// Policy bits: a visited bit, or a small capped frequency.
    pub bits: u8,
}

/// `N` queues, each ordered from front (newest) to back (oldest).
pub(super) struct Queues<const N: usize> {
    index: Index,
    nodes: Vec<Node>,
    entries: Vec<Entry>,
    free: Vec<u32>,
    head: [u32; N],
    tail: [u32; N],
    len: [usize; N],
    bytes: [u64; N],
}

impl<const N: usize> Queues<N> {
    /// Empty queues laid out for `sizing`.
    pub fn new(sizing: Sizing) -> Self {
        let room = room(sizing);
        let empty = Node {
            id: 0,
            prev: NIL,
            next: NIL,
            queue: 0,
            bits: 0,
        };
        Queues {
            index: Index::new(sizing),
            nodes: written(room, empty),
            entries: written(room, Entry::default()),
            free: Vec::new(),
            head: [NIL; N],
            tail: [NIL; N],
            len: [0; N],
            bytes: [0; N],
        }
    }

    /// The slot of `id`, in whichever queue.
    #[inline]
    pub fn slot(&self, id: ObjectId) -> Option<u32> {
        self.index.get(id)
    }

    /// The entry of `id`, in whichever queue (for policies without ghosts).
    #[inline]
    pub fn get(&self, id: ObjectId) -> Option<Entry> {
        self.slot(id).map(|s| self.entry(s))
    }

    /// Sets the visited bit of `id`, if present, and returns its entry: a hit for the
    /// policies that mark rather than move.
    pub fn mark(&mut self, id: ObjectId) -> Option<Entry> {
        let slot = self.slot(id)?;
        self.nodes[slot as usize].bits = 1;
        Some(self.entry(slot))
    }

    /// Replaces the entry of `id` (same size); returns whether it was present.
    pub fn set(&mut self, id: ObjectId, entry: Entry) -> bool {
        self.slot(id).map(|s| self.set_entry(s, entry)).is_some()
    }

    /// Removes `id`; returns its size, or `None` when absent.
    pub fn remove_id(&mut self, id: ObjectId) -> Option<u64> {
        let slot = self.slot(id)?;
        Some(self.remove(slot).size)
    }

    /// The node at `slot`.
    #[inline]
    pub fn node(&self, slot: u32) -> &Node {
        &self.nodes[slot as usize]
    }

    /// The node at `slot`, to change its bits.
    #[inline]
    pub fn node_mut(&mut self, slot: u32) -> &mut Node {
        &mut self.nodes[slot as usize]
    }

    /// The entry at `slot`.
    #[inline]
    pub fn entry(&self, slot: u32) -> Entry {
        self.entries[slot as usize]
    }

    /// Replaces the entry at `slot`; the size must be unchanged.
    pub fn set_entry(&mut self, slot: u32, entry: Entry) {
        debug_assert_eq!(self.entries[slot as usize].size, entry.size);
        self.entries[slot as usize] = entry;
    }

    /// Objects in queue `q`.
    #[inline]
    pub fn len(&self, q: usize) -> usize {
        self.len[q]
    }

    /// Bytes of the entries in queue `q`.
    #[inline]
    pub fn bytes(&self, q: usize) -> u64 {
        self.bytes[q]
    }

    /// The oldest slot of queue `q`.
    #[inline]
    pub fn back(&self, q: usize) -> Option<u32> {
        let t = self.tail[q];
        (t != NIL).then_some(t)
    }

    /// The slot in front of `slot` (one newer) in its queue.
    #[inline]
    pub fn newer(&self, slot: u32) -> Option<u32> {
        let p = self.nodes[slot as usize].prev;
        (p != NIL).then_some(p)
    }

    /// Adds `id` (absent) at the front of queue `q`; returns its slot.
    pub fn push_front(&mut self, q: usize, id: ObjectId, entry: Entry) -> u32 {
        let node = Node {
            id,
            prev: NIL,
            next: NIL,
            queue: q as u8,
            bits: 0,
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.nodes[slot as usize] = node;
                self.entries[slot as usize] = entry;
                slot
            }
            None => {
                self.nodes.push(node);
                self.entries.push(entry);
                (self.nodes.len() - 1) as u32
            }
        };
        self.link_front(q, slot);
        self.index.insert(id, slot);
        slot
    }

    /// Moves `slot` to the front of queue `q` (its own or another).
    pub fn move_front(&mut self, slot: u32, q: usize) {
        self.unlink(slot);
        self.nodes[slot as usize].queue = q as u8;
        self.link_front(q, slot);
    }

    /// Removes `slot` from its queue and the index; returns its entry.
    pub fn remove(&mut self, slot: u32) -> Entry {
        let id = self.nodes[slot as usize].id;
        self.index.remove(id);
        self.unlink(slot);
        self.free.push(slot);
        self.entries[slot as usize]
    }

    fn link_front(&mut self, q: usize, slot: u32) {
        let old = self.head[q];
        let node = &mut self.nodes[slot as usize];
        node.prev = NIL;
        node.next = old;
        if old != NIL {
            self.nodes[old as usize].prev = slot;
        } else {
            self.tail[q] = slot;
        }
        self.head[q] = slot;
        self.len[q] += 1;
        self.bytes[q] += self.entries[slot as usize].size;
    }

    fn unlink(&mut self, slot: u32) {
        let Node {
            prev, next, queue, ..
        } = self.nodes[slot as usize];
        let q = queue as usize;
        if prev != NIL {
            self.nodes[prev as usize].next = next;
        } else {
            self.head[q] = next;
        }
        if next != NIL {
            self.nodes[next as usize].prev = prev;
        } else {
            self.tail[q] = prev;
        }
        self.len[q] -= 1;
        self.bytes[q] -= self.entries[slot as usize].size;
    }
}
