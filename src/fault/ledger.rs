//! The fault ledger: per fault, how many things it touched during a run.
//!
//! Each consumer that acts on a fault (routing, cache tiers, links, origins, signed
//! content) holds a handle to the same ledger and adds to it where it acts, so a new
//! fault kind needs no counter of its own and nothing to merge at the end. The counts
//! are cells behind one shared allocation because the consumers live in separate parts
//! of the simulator that are borrowed mutably at the same time; a run is single-threaded.

use std::cell::Cell;
use std::rc::Rc;

/// Per fault in the scenario's list: what it touched, warm-up included.
#[derive(Clone)]
pub struct Ledger(Rc<[Cell<u64>]>);

impl Ledger {
    /// A ledger of `faults` zero counts, one per fault in the scenario's list.
    pub fn new(faults: usize) -> Self {
        Ledger((0..faults).map(|_| Cell::new(0)).collect())
    }

    /// Records that fault `fault` touched one more request, fetch, leg or attempt.
    #[inline]
    pub fn touched(&self, fault: usize) {
        let c = &self.0[fault];
        c.set(c.get() + 1);
    }

    /// The counts, in the order of the scenario's fault list.
    pub fn counts(&self) -> Vec<u64> {
        self.0.iter().map(Cell::get).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_handle_adds_to_the_same_counts() {
        let ledger = Ledger::new(3);
        let other = ledger.clone();
        ledger.touched(0);
        other.touched(2);
        other.touched(2);
        assert_eq!(ledger.counts(), vec![1, 0, 2]);
    }
}
