//! A priority queue of future events, ordered by time and then by scheduling order.

use crate::units::Nanos;

/// Children per heap node.
const ARITY: usize = 4;

/// One pending event, ordered by time and then by sequence number (scheduling order).
#[derive(Clone, Copy)]
struct Entry<E> {
    at: Nanos,
    seq: u64,
    event: E,
}

impl<E> Entry<E> {
    /// Time in the high half, sequence in the low: one comparison orders both, without
    /// a branch. Built in registers; the entry itself keeps two `u64`s.
    #[inline]
    fn key(&self) -> u128 {
        (u128::from(self.at) << 64) | u128::from(self.seq)
    }
}

/// Future events of type `E`. The sequence number breaks ties between equal times, so the
/// order of simultaneous events is the order in which they were scheduled, never the heap's.
///
/// A 4-ary min-heap written out rather than `std::collections::BinaryHeap`: std's `pop`
/// writes the moved last entry into the root in 8-byte pieces and reads it back in one
/// 16-byte load, which cannot be forwarded from the store buffer and so waits for every
/// older store (cache-missing LRU and counter writes) to drain; that stall was a tenth of
/// a run. Here the moving entry stays in registers. Keys are unique, so the pop order is
/// fixed by the keys alone, whatever the heap's shape.
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    next_seq: u64,
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            heap: Vec::with_capacity(1024),
            next_seq: 0,
        }
    }

    /// Schedules `event` to fire at absolute time `at`.
    #[inline]
    pub fn schedule(&mut self, at: Nanos, event: E) {
        let new = Entry {
            at,
            seq: self.next_seq,
            event,
        };
        self.next_seq += 1;
        let mut pos = self.heap.len();
        self.heap.push(new);
        while pos > 0 {
            let parent = (pos - 1) / ARITY;
            if self.heap[parent].key() < new.key() {
                break;
            }
            self.heap[pos] = self.heap[parent];
            pos = parent;
        }
        self.heap[pos] = new;
    }

    /// The time of the earliest pending event.
    #[inline]
    pub fn peek_time(&self) -> Option<Nanos> {
        self.heap.first().map(|e| e.at)
    }

    /// Removes and returns the earliest pending event with its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(Nanos, E)> {
        let last = self.heap.pop()?;
        let Some(&top) = self.heap.first() else {
            return Some((last.at, last.event));
        };
        // Walk the hole at the root down to a leaf along the smallest children, then let
        // `last` (a leaf before, so most likely large) rise back to its place. Four children
        // a node halve the depth; their keys load in parallel, and picking the smallest is
        // arithmetic rather than branches that mispredict.
        let n = self.heap.len();
        let mut pos = 0;
        loop {
            let first = ARITY * pos + 1;
            if first + ARITY <= n {
                let h = &self.heap[first..first + ARITY];
                let a = first + usize::from(h[1].key() < h[0].key());
                let b = first + 2 + usize::from(h[3].key() < h[2].key());
                let best = if self.heap[b].key() < self.heap[a].key() {
                    b
                } else {
                    a
                };
                self.heap[pos] = self.heap[best];
                pos = best;
            } else {
                if first < n {
                    let best = (first..n)
                        .min_by_key(|&c| self.heap[c].key())
                        .unwrap_or(first);
                    self.heap[pos] = self.heap[best];
                    pos = best;
                }
                break;
            }
        }
        let key = last.key();
        while pos > 0 {
            let parent = (pos - 1) / ARITY;
            if self.heap[parent].key() < key {
                break;
            }
            self.heap[pos] = self.heap[parent];
            pos = parent;
        }
        self.heap[pos] = last;
        Some((top.at, top.event))
    }

    /// How many events are pending.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_order_and_ties_in_scheduling_order() {
        let mut q = EventQueue::new();
        q.schedule(30, "c");
        q.schedule(10, "a1");
        q.schedule(20, "b");
        q.schedule(10, "a2");
        q.schedule(10, "a3");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![(10, "a1"), (10, "a2"), (10, "a3"), (20, "b"), (30, "c")]
        );
        assert!(q.is_empty());
    }

    /// Interleaved schedules and pops, with many equal times, against a sorted reference:
    /// every pop must be the smallest (time, scheduling order) still pending.
    #[test]
    fn matches_a_sorted_reference_under_interleaving() {
        use std::collections::BTreeSet;
        let mut q = EventQueue::new();
        let mut reference = BTreeSet::new();
        let mut x = 12_345u64;
        let mut now = 0;
        for step in 0..20_000u64 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            if x >> 62 != 0 || q.is_empty() {
                // Future times in a narrow window, so ties are common.
                let at = now + (x >> 33) % 50;
                q.schedule(at, step);
                reference.insert((at, step));
            } else {
                let (at, event) = q.pop().unwrap();
                assert_eq!(Some((at, event)), reference.pop_first());
                now = at;
            }
            assert_eq!(q.len(), reference.len());
        }
        while let Some(got) = q.pop() {
            assert_eq!(Some(got), reference.pop_first());
        }
        assert!(reference.is_empty());
    }
}
