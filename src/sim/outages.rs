//! Faults that act on the cache tiers: POP caches lost in an outage, regional edge caches
//! that are down, and slow links. Each also counts what it touched, for `faults.csv`.
//!
//! A regional cache that is down is passed over in whatever role it has: POPs send their
//! misses to the origin's shield or the origin, and an origin whose shield is down is
//! reached directly. Fetches already at the cache when it goes down finish there. A POP
//! outage with `cache = "lost"` empties the POP's cache when the outage starts.

use crate::fault::{FaultSpec, LinkFaults, Place};
use crate::scenario::Scenario;
use crate::units::Nanos;

/// The tier faults of a run.
pub(super) struct TierFaults {
    /// POP cache losses, `(time, site)`, in time order, and the next one due.
    wipes: Vec<(Nanos, u16)>,
    next_wipe: usize,
    /// Per site: windows in which it is down, with the fault's index.
    down: Vec<Vec<(Nanos, Nanos, usize)>>,
    any_down: bool,
    /// Slow links.
    pub links: LinkFaults,
    /// Per fault: fetches that went past a cache that was down.
    pub affected: Vec<u64>,
    pops: usize,
}

impl TierFaults {
    pub fn new(scenario: &Scenario) -> Self {
        let s = scenario.spec();
        let pops = s.pops.len();
        let wipes = scenario
            .pop_outage_windows()
            .iter()
            .filter(|w| w.cache_lost);
        let mut wipes: Vec<(Nanos, u16)> = wipes.map(|w| (w.start, w.pop)).collect();
        let mut down = vec![Vec::new(); pops + s.regional_caches.len()];
        for (i, f) in s.faults.iter().enumerate() {
            if let FaultSpec::RegionalOutage(r) = f {
                let (start, end) = f.window();
                let rc = s
                    .regional_caches
                    .iter()
                    .position(|c| c.name == r.regional_cache);
                down[pops + rc.expect("validated")].push((start, end, i));
            }
        }
        wipes.sort_unstable();
        let place = |name: &str| {
            let find = |names: Vec<&str>| names.iter().position(|n| *n == name);
            let s = scenario.spec();
            if let Some(i) = find(s.regions.iter().map(|r| r.name.as_str()).collect()) {
                Place::Region(i as u16)
            } else if let Some(i) = find(s.pops.iter().map(|p| p.code.as_str()).collect()) {
                Place::Pop(i as u16)
            } else if let Some(i) =
                find(s.regional_caches.iter().map(|r| r.name.as_str()).collect())
            {
                Place::Regional(i as u16)
            } else {
                let i = find(s.origins.iter().map(|o| o.name.as_str()).collect());
                Place::Origin(i.expect("validated") as u16)
            }
        };
        TierFaults {
            wipes,
            next_wipe: 0,
            any_down: down.iter().any(|d| !d.is_empty()),
            down,
            links: LinkFaults::new(&s.faults, place),
            affected: vec![0; s.faults.len()],
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
                self.affected[fault] += 1;
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
