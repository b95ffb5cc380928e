//! Connections from cache sites to origins: a pool per (site, origin) pair, reused within
//! the origin's keep-alive timeout (cloudfront.md §3.1, §4.2).
//!
//! A pool holds the times at which its idle connections became idle, oldest at the bottom.
//! A request takes the most recently used one if it has been idle no longer than the
//! keep-alive timeout; when even that one has expired, all of them have, and the pool is
//! emptied. Otherwise the request opens a new connection and pays its handshake. A
//! connection becomes idle again when its response reaches the site; a failed or
//! abandoned attempt drops it. A pool keeps at most the origin's `concurrency` idle
//! connections. Connections in use are not limited here: the origin's queue is.

use crate::units::Nanos;

/// Reuse counts of one (site, origin) pair, counted requests only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PairCounts {
    /// Requests that opened a new connection.
    pub new: u64,
    /// Requests that reused an idle one.
    pub reused: u64,
}

/// Every pool of a run.
pub(in crate::sim) struct Pools {
    origins: usize,
    /// `[site × origins + origin]`: idle-since times, ascending.
    idle: Vec<Vec<Nanos>>,
    /// Per origin.
    keepalive: Vec<Nanos>,
    /// Per origin: idle connections kept at most.
    capacity: Vec<usize>,
    /// `[site × origins + origin]`.
    pub counts: Vec<PairCounts>,
}

impl Pools {
    /// Empty pools for `sites` sites and origins with these keep-alive timeouts and
    /// concurrency limits.
    pub fn new(sites: usize, keepalive: Vec<Nanos>, capacity: Vec<usize>) -> Self {
        let origins = keepalive.len();
        Pools {
            origins,
            idle: vec![Vec::new(); sites * origins],
            keepalive,
            capacity,
            counts: vec![PairCounts::default(); sites * origins],
        }
    }

    /// Takes a connection from `site` to `origin` at `now`; returns whether it is an idle
    /// one (true) or a new one (false). `counted` requests are counted.
    #[inline]
    pub fn acquire(&mut self, site: u16, origin: u16, now: Nanos, counted: bool) -> bool {
        let i = site as usize * self.origins + origin as usize;
        let pool = &mut self.idle[i];
        let reused = match pool.pop() {
            Some(since) if now - since <= self.keepalive[origin as usize] => true,
            Some(_) => {
                pool.clear();
                false
            }
            None => false,
        };
        if counted {
            let c = &mut self.counts[i];
            if reused {
                c.reused += 1;
            } else {
                c.new += 1;
            }
        }
        reused
    }

    /// Returns a connection from `site` to `origin`, idle from `now`.
    #[inline]
    pub fn release(&mut self, site: u16, origin: u16, now: Nanos) {
        let i = site as usize * self.origins + origin as usize;
        if self.idle[i].len() < self.capacity[origin as usize] {
            self.idle[i].push(now);
        }
    }

    /// Counts per pair as `(site, origin, counts)`, pairs that were used only.
    pub fn used(&self) -> Vec<(u16, u16, PairCounts)> {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.new + c.reused > 0)
            .map(|(i, c)| ((i / self.origins) as u16, (i % self.origins) as u16, *c))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_reused_within_the_keep_alive_timeout_only() {
        // One site, one origin, keep-alive 100, at most 2 idle connections.
        let mut p = Pools::new(1, vec![100], vec![2]);
        assert!(!p.acquire(0, 0, 0, true), "nothing idle yet");
        p.release(0, 0, 10);
        assert!(p.acquire(0, 0, 110, true), "idle for exactly the timeout");
        p.release(0, 0, 120);
        assert!(!p.acquire(0, 0, 221, true), "idle one ns too long");
        // Three released, two kept.
        for t in [300, 301, 302] {
            p.release(0, 0, t);
        }
        assert!(p.acquire(0, 0, 303, true));
        assert!(p.acquire(0, 0, 303, true));
        assert!(!p.acquire(0, 0, 303, false));
        assert_eq!(p.used(), vec![(0, 0, PairCounts { new: 2, reused: 3 })]);
    }
}
