//! LFU in O(1): evict the least frequently requested object; among equals, the one
//! requested (or inserted) least recently.
//!
//! 1. Objects sit in frequency buckets, kept in a list ordered by frequency; each bucket
//!    orders its objects from most to least recently requested.
//! 2. A new object enters the bucket of frequency 1, at the front.
//! 3. A hit moves the object to the front of the next bucket (frequency + 1), creating
//!    it when missing and dropping the old bucket when it empties.
//! 4. The victim is the back of the lowest bucket: the tie rule is LRU.
//!
//! Shah, Mitra and Matani, "An O(1) algorithm for implementing the LFU cache eviction
//! scheme", 2010. Frequencies count requests while cached: an evicted object starts
//! again from 1 (no history is kept).

use super::index::{room, written, Index, NIL};
use super::{Cache, Entry, ObjectId, Policy, Sizing};

/// Its entry in the registry.
pub(super) const POLICY: Policy = Policy::new(
    "lfu",
    "least frequently used, O(1); least recently used among equals",
    |sizing, _| Box::new(Lfu::new(sizing)),
);

#[derive(Clone, Copy)]
struct Node {
    id: ObjectId,
    prev: u32,
    next: u32,
    bucket: u32,
}

#[derive(Clone, Copy)]
struct Bucket {
    freq: u64,
    head: u32,
    tail: u32,
    /// Neighbouring buckets: lower and higher frequency.
    lower: u32,
    higher: u32,
}

/// Least-frequently-used eviction.
pub struct Lfu {
    index: Index,
    nodes: Vec<Node>,
    entries: Vec<Entry>,
    free: Vec<u32>,
    buckets: Vec<Bucket>,
    free_buckets: Vec<u32>,
    /// The lowest-frequency bucket.
    lowest: u32,
}

impl Lfu {
    /// An empty LFU laid out for `sizing`.
    pub fn new(sizing: Sizing) -> Self {
        let room = room(sizing);
        let empty = Node {
            id: 0,
            prev: NIL,
            next: NIL,
            bucket: NIL,
        };
        Lfu {
            index: Index::new(sizing),
            nodes: written(room, empty),
            entries: written(room, Entry::default()),
            free: Vec::new(),
            buckets: Vec::new(),
            free_buckets: Vec::new(),
            lowest: NIL,
        }
    }

    /// A new empty bucket of `freq` between `lower` and `higher` (either may be NIL).
    fn new_bucket(&mut self, freq: u64, lower: u32, higher: u32) -> u32 {
        let b = Bucket {
            freq,
            head: NIL,
            tail: NIL,
            lower,
            higher,
        };
        let i = match self.free_buckets.pop() {
            Some(i) => {
                self.buckets[i as usize] = b;
                i
            }
            None => {
                self.buckets.push(b);
                (self.buckets.len() - 1) as u32
            }
        };
        match lower {
            NIL => self.lowest = i,
            l => self.buckets[l as usize].higher = i,
        }
        if higher != NIL {
            self.buckets[higher as usize].lower = i;
        }
        i
    }

    fn link_front(&mut self, slot: u32, bucket: u32) {
        let b = &mut self.buckets[bucket as usize];
        let old = b.head;
        b.head = slot;
        if old == NIL {
            b.tail = slot;
        } else {
            self.nodes[old as usize].prev = slot;
        }
        let n = &mut self.nodes[slot as usize];
        n.prev = NIL;
        n.next = old;
        n.bucket = bucket;
    }

    /// Unlinks `slot` from its bucket, dropping the bucket if it empties.
    fn unlink(&mut self, slot: u32) {
        let Node {
            prev, next, bucket, ..
        } = self.nodes[slot as usize];
        if prev != NIL {
            self.nodes[prev as usize].next = next;
        } else {
            self.buckets[bucket as usize].head = next;
        }
        if next != NIL {
            self.nodes[next as usize].prev = prev;
        } else {
            self.buckets[bucket as usize].tail = prev;
        }
        let b = self.buckets[bucket as usize];
        if b.head == NIL {
            match b.lower {
                NIL => self.lowest = b.higher,
                l => self.buckets[l as usize].higher = b.higher,
            }
            if b.higher != NIL {
                self.buckets[b.higher as usize].lower = b.lower;
            }
            self.free_buckets.push(bucket);
        }
    }
}

impl Cache for Lfu {
    fn access(&mut self, id: ObjectId) -> Option<Entry> {
        let slot = self.index.get(id)?;
        let bucket = self.nodes[slot as usize].bucket;
        let Bucket { freq, higher, .. } = self.buckets[bucket as usize];
        let target = if higher != NIL && self.buckets[higher as usize].freq == freq + 1 {
            higher
        } else {
            self.new_bucket(freq + 1, bucket, higher)
        };
        self.unlink(slot);
        self.link_front(slot, target);
        Some(self.entries[slot as usize])
    }

    fn peek(&self, id: ObjectId) -> Option<Entry> {
        self.index.get(id).map(|s| self.entries[s as usize])
    }

    fn insert(&mut self, id: ObjectId, entry: Entry) {
        let node = Node {
            id,
            prev: NIL,
            next: NIL,
            bucket: NIL,
        };
        let slot = match self.free.pop() {
            Some(s) => {
                self.nodes[s as usize] = node;
                self.entries[s as usize] = entry;
                s
            }
            None => {
                self.nodes.push(node);
                self.entries.push(entry);
                (self.nodes.len() - 1) as u32
            }
        };
        let lowest = self.lowest;
        let ones = if lowest != NIL && self.buckets[lowest as usize].freq == 1 {
            lowest
        } else {
            self.new_bucket(1, NIL, lowest)
        };
        self.link_front(slot, ones);
        self.index.insert(id, slot);
    }

    fn set(&mut self, id: ObjectId, entry: Entry) -> bool {
        match self.index.get(id) {
            Some(s) => {
                self.entries[s as usize] = entry;
                true
            }
            None => false,
        }
    }

    fn victim(&mut self) -> Option<ObjectId> {
        if self.lowest == NIL {
            return None;
        }
        let tail = self.buckets[self.lowest as usize].tail;
        Some(self.nodes[tail as usize].id)
    }

    fn remove(&mut self, id: ObjectId) -> Option<u64> {
        let slot = self.index.remove(id)?;
        self.unlink(slot);
        self.free.push(slot);
        Some(self.entries[slot as usize].size)
    }

    fn len(&self) -> usize {
        self.index.len()
    }
}
