//! Faults that act on the cache tiers: POP caches lost in an outage, regional edge caches
//! that are down, and slow links. Each also counts what it touched, for `faults.csv`.
//!
//! A regional cache that is down is passed over in whatever role it has: POPs send their
//! misses to the origin's shield or the origin, and an origin whose shield is down is
//! reached directly. Fetches already at the cache when it goes down finish there. A POP
//! outage with `cache = "lost"` empties the POP's cache when the outage starts.

use crate::fault::{Ledger, LinkFaults, Place};
use crate::scenario::Scenario;
use crate::units::Nanos;

/// The tier faults of a run.
pub(in crate::sim) struct TierFaults {
    /// POP cache losses, `(time, site)`, in time order, and the next one due.
    wipes: Vec<(Nanos, u16)>,
    next_wipe: usize,
    /// Per site: windows in which it is down, with the fault's index.
    down: Vec<Vec<(Nanos, Nanos, usize)>>,
    any_down: bool,
    /// Slow links.
    pub links: LinkFaults,
    /// Counts the fetches that went past a cache that was down.
    ledger: Ledger,
    pops: usize,
}

impl TierFaults {
    pub fn new(scenario: &Scenario, ledger: &Ledger) -> Self {
        let plan = scenario.fault_plan();
        let pops = scenario.plan().pops;
        let mut wipes: Vec<(Nanos, u16)> = plan
            .pop_outages
            .iter()
            .filter(|w| w.cache_lost)
            .map(|w| (w.start, w.site))
            .collect();
        wipes.sort_unstable();
        let mut down = vec![Vec::new(); scenario.plan().sites.len()];
        for w in &plan.regional_outages {
            down[pops + usize::from(w.site)].push((w.start, w.end, w.fault));
        }
        TierFaults {
            wipes,
            next_wipe: 0,
            any_down: down.iter().any(|d| !d.is_empty()),
            down,
            links: LinkFaults::new(&plan.links, ledger),
            ledger: ledger.clone(),
            pops,
        }
    }

    /// The place of cache site `site`.
    pub fn place(&self, site: usize) -> Place {
        if site < self.pops {
            Place::Pop(site as u16)
        } else {
            Place::Regional((site - self.pops) as u16)
        }
    }

    /// Whether site `site` is down at `now`; counts the fetch that goes past it.
    #[inline]
    pub fn down(&mut self, site: u16, now: Nanos) -> bool {
        if !self.any_down {
            return false;
        }
        let hit = self.down[site as usize]
            .iter()
            .find(|(start, end, _)| (*start..*end).contains(&now));
        match hit {
            Some(&(_, _, fault)) => {
                self.ledger.touched(fault);
                true
            }
            None => false,
        }
    }

    /// The next POP whose cache is lost at or before `now`, if any is due.
    #[inline]
    pub fn due_wipe(&mut self, now: Nanos) -> Option<u16> {
        let &(at, site) = self.wipes.get(self.next_wipe)?;
        if at > now {
            return None;
        }
        self.next_wipe += 1;
        Some(site)
    }
}
