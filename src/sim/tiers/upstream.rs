//! Where a fetch goes and how: its next hop and the delay of each leg, the scheme and
//! connection of an origin leg, when it leaves, and where it goes after a failover. The
//! attempt loop itself (timeouts, retries, the failover decision) is `origin_leg.rs`'s.

use super::Tiers;
use crate::engine::EventQueue;
use crate::fault::Place;
use crate::origin::OriginProtocolPolicy;
use crate::sim::event::Event;
use crate::sim::fetch::Hop;
use crate::stats::Tier;
use crate::units::Nanos;

impl Tiers {
    /// The one-way delay from site `a` to site or origin `b` (origins follow the sites)
    /// for a leg that starts at `now`.
    fn leg(&mut self, a: usize, b: usize, now: Nanos) -> Nanos {
        let base = self.half[a][b];
        let n = self.sites.len();
        let to = if b < n {
            self.faults.place(b)
        } else {
            Place::Origin((b - n) as u16)
        };
        self.faults.links.half(self.faults.place(a), to, now, base)
    }

    /// The next hop at `now` for a fetch from `site` for `origin`, its tier, and the
    /// one-way delay (a proxied request passes through the shield without stopping).
    /// Regional caches that are down are passed over.
    pub(super) fn next_hop(
        &mut self,
        site: u16,
        origin: u16,
        cacheable: bool,
        now: Nanos,
    ) -> (Hop, Tier, Nanos, u16) {
        let shield = self.origin_shield[origin as usize].filter(|&x| !self.faults.down(x, now));
        let to_origin = self.sites.len() + origin as usize;
        let s = site as usize;
        if !cacheable {
            // The shield, when there is one, is what connects to the origin.
            let (half, conn) = match shield {
                Some(x) => {
                    let half = self.leg(s, x as usize, now) + self.leg(x as usize, to_origin, now);
                    (half, x)
                }
                None => (self.leg(s, to_origin, now), site),
            };
            return (Hop::Origin, Tier::Origin, half, conn);
        }
        if s < self.pops {
            if let Some(r) = self.pop_regional[s].filter(|&r| !self.faults.down(r, now)) {
                // The POP's regional cache; when it is also the shield, it is just that.
                return (
                    Hop::Site(r),
                    Tier::Regional,
                    self.leg(s, r as usize, now),
                    site,
                );
            }
        }
        match shield {
            Some(x) if x != site => (
                Hop::Site(x),
                Tier::Shield,
                self.leg(s, x as usize, now),
                site,
            ),
            _ => (Hop::Origin, Tier::Origin, self.leg(s, to_origin, now), site),
        }
    }
    /// Points fetch `f` (its site, `store` and viewer scheme set) at `origin` at `now`: its
    /// next hop, tier, delay, connecting site and origin scheme.
    pub(super) fn route(&mut self, f: u32, origin: u16, now: Nanos) {
        let x = &self.fetches[f as usize];
        let (site, store, viewer_https, counted) = (x.site, x.store, x.viewer_https, x.counted);
        let (upstream, role, half_rtt, conn_site) = self.next_hop(site, origin, store, now);
        if counted {
            // What Origin Shield bills: each request that reaches a shield from another
            // site, to be looked up there or passed through to the origin.
            match (upstream, role) {
                (Hop::Site(x), Tier::Shield) => self.shield_requests[x as usize] += 1,
                (Hop::Origin, _) if conn_site != site => {
                    self.shield_requests[conn_site as usize] += 1
                }
                _ => {}
            }
        }
        let https = self.origin_https(origin, viewer_https);
        let x = &mut self.fetches[f as usize];
        x.origin = origin;
        x.upstream = upstream;
        x.role = role;
        x.half_rtt = half_rtt;
        x.attempt.conn_site = conn_site;
        x.attempt.https = https;
    }

    /// Whether the leg to `origin` uses HTTPS for a viewer that came over `viewer_https`.
    pub(in crate::sim) fn origin_https(&self, origin: u16, viewer_https: bool) -> bool {
        match self.origin_policy[origin as usize] {
            OriginProtocolPolicy::HttpOnly => false,
            OriginProtocolPolicy::HttpsOnly => true,
            OriginProtocolPolicy::MatchViewer => viewer_https,
        }
    }

    /// Sends fetch `f` on its way at `sent`: to an origin, over an idle connection or a new
    /// one (whose handshake `OriginLeg::at_origin` adds).
    pub(in crate::sim) fn dispatch(&mut self, f: u32, sent: Nanos, queue: &mut EventQueue<Event>) {
        let x = &mut self.fetches[f as usize];
        x.attempt.sent = sent;
        x.attempt.handshaking = false;
        x.attempt.handshake = 0;
        if x.attempt.number == 0 && !x.attempt.failed_over {
            x.started = sent;
        }
        if x.upstream == Hop::Origin {
            x.attempt.new_conn =
                !self
                    .pools
                    .acquire(x.attempt.conn_site, x.origin, sent, x.counted);
        }
        queue.schedule(sent + x.half_rtt, Event::FetchArrived { fetch: f });
    }

    /// The time a new connection of fetch `f` takes from its SYN reaching the origin to its
    /// request reaching it: TCP's round trip, plus TLS 1.2's two for HTTPS (§4.5), on the
    /// connecting site's own path to the origin.
    pub(in crate::sim) fn connect_delay(&self, f: u32) -> Nanos {
        let x = &self.fetches[f as usize];
        let half = self.half[x.attempt.conn_site as usize][self.sites_len() + x.origin as usize];
        2 * half * if x.attempt.https { 3 } else { 1 }
    }

    /// Returns fetch `f`'s origin connection to its pool, idle from `now`.
    pub(in crate::sim) fn release_connection(&mut self, f: u32, now: Nanos) {
        let x = &self.fetches[f as usize];
        let (site, origin) = (x.attempt.conn_site, x.origin);
        self.pools.release(site, origin, now);
    }

    /// Whether fetch `f` fails over here: it serves an origin group and its next hop is
    /// the member's shield or the member itself (not the POP's regional cache, which
    /// fails over on its own fetch).
    pub fn fails_over_here(&self, f: u32) -> bool {
        let x = &self.fetches[f as usize];
        x.group.is_some() && x.role != Tier::Regional
    }

    /// Sends fetch `f` to `origin` (an origin group's secondary) at `now`, through that
    /// origin's own shield if it has one.
    pub fn retarget(&mut self, f: u32, origin: u16, now: Nanos, queue: &mut EventQueue<Event>) {
        let x = &self.fetches[f as usize];
        if x.counted {
            // One origin request leaves the primary for the secondary, however many
            // viewer requests wait on it.
            self.failover_fetches[x.origin as usize][0] += 1;
            self.failover_fetches[origin as usize][1] += 1;
        }
        self.route(f, origin, now);
        let x = &mut self.fetches[f as usize];
        x.attempt.number = 0;
        x.attempt.failed_over = true;
        // The site already processed the request; the secondary is asked at once, so the
        // wait before failover is exactly what the primary cost.
        self.dispatch(f, now, queue);
    }

    /// Whether `settle` would answer fetch `f` with its site's expired copy if the answer
    /// had `status` at `now` (an origin 5xx or timeout with a stored 200).
    pub fn would_serve_stale(&self, f: u32, status: u16, now: Nanos) -> bool {
        let x = &self.fetches[f as usize];
        let rules = self.fresh.rules(x.class, x.behavior);
        let stored = self.sites[x.site as usize].cache.peek(x.key);
        match stored.filter(|e| x.store && e.status == 200 && status >= 500) {
            Some(e) => match rules.sie {
                Some(window) => now < e.fresh_until.saturating_add(window),
                None => true,
            },
            None => false,
        }
    }
}
