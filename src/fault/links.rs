//! Latency faults: the network between two places is slower for a while.
//!
//! A leg that starts inside a fault's window and joins its two places, in either direction,
//! has its round trip multiplied by the fault's factor and lengthened by its added delay
//! (overlapping faults on the same link compound). Legs are the viewer's round trip to its
//! POP and each hop between cache tiers and origins; a request already on its way when a
//! fault starts keeps the delay it started with. Routing does not react: viewers keep
//! their nearest POP, as DNS answers do until measurements catch up.

use super::{Ledger, LinkWindow};
use crate::units::Nanos;

/// A place a leg starts or ends at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// A client region, by index.
    Region(u16),
    /// A POP, by index.
    Pop(u16),
    /// A regional edge cache, by index.
    Regional(u16),
    /// An origin, by index.
    Origin(u16),
}

/// Every latency fault of a run; each records the legs it slowed in the run's ledger.
pub struct LinkFaults {
    links: Vec<LinkWindow>,
    ledger: Ledger,
}

impl LinkFaults {
    /// The slow links of a plan, counting into `ledger`.
    pub fn new(links: &[LinkWindow], ledger: &Ledger) -> Self {
        LinkFaults {
            links: links.to_vec(),
            ledger: ledger.clone(),
        }
    }

    /// The one-way delay `half` of a leg from `a` to `b` that starts at `now`.
    #[inline]
    pub fn half(&mut self, a: Place, b: Place, now: Nanos, half: Nanos) -> Nanos {
        self.apply(a, b, now, half, 2)
    }

    /// The round trip `rtt` between `a` and `b`, for one that starts at `now`.
    #[inline]
    pub fn round_trip(&mut self, a: Place, b: Place, now: Nanos, rtt: Nanos) -> Nanos {
        self.apply(a, b, now, rtt, 1)
    }

    #[inline]
    fn apply(&mut self, a: Place, b: Place, now: Nanos, base: Nanos, parts: Nanos) -> Nanos {
        if self.links.is_empty() {
            base
        } else {
            self.slowed(a, b, now, base, parts)
        }
    }

    /// `base` slowed by the active faults on the link; `parts` legs make a round trip.
    #[cold]
    fn slowed(&mut self, a: Place, b: Place, now: Nanos, base: Nanos, parts: Nanos) -> Nanos {
        let mut out = base;
        for l in &self.links {
            let joins = l.ends == (a, b) || l.ends == (b, a);
            if joins && (l.start..l.end).contains(&now) {
                out = (out as f64 * l.factor) as Nanos + l.added / parts;
                self.ledger.touched(l.fault);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_link_slows_both_directions_inside_its_window_only() {
        let sec = 1_000_000_000;
        let slow = LinkWindow {
            ends: (Place::Region(0), Place::Pop(3)),
            start: sec,
            end: 2 * sec,
            factor: 2.0,
            added: 10_000_000,
            fault: 0,
        };
        let ledger = Ledger::new(1);
        let mut links = LinkFaults::new(&[slow], &ledger);
        let (a, b, c) = (Place::Region(0), Place::Pop(3), Place::Pop(4));
        assert_eq!(links.half(a, b, 0, 1_000), 1_000);
        assert_eq!(links.half(a, b, sec, 1_000), 2_000 + 5_000_000);
        assert_eq!(links.half(b, a, 2 * sec - 1, 1_000), 2_000 + 5_000_000);
        assert_eq!(links.half(a, c, sec, 1_000), 1_000);
        assert_eq!(links.half(a, b, 2 * sec, 1_000), 1_000);
        assert_eq!(links.round_trip(b, a, sec, 1_000), 2_000 + 10_000_000);
        assert_eq!(ledger.counts(), vec![3]);
    }
}
