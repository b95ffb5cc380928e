//! The viewer side of a POP: pick the cache behavior, enforce its methods, look the
//! request up through the tiers, and turn the answer into CloudFront's result types.

use super::event::Event;
use super::fetch::{legs, Answer, Ask, Failure, Lookup, Waiter, Want};
use super::private::PrivateContent;
use super::request::{Request, FOLLOW_UP};
use super::results::{LogLine, Observer};
use super::tiers::Tiers;
use crate::behavior::Behaviors;
use crate::cache::ObjectId;
use crate::engine::mix64;
use crate::engine::EventQueue;
use crate::fault::Ledger;
use crate::protocol::{
    handshake_rtts, slow_start_rounds, verdict, Forbidden, Method, ProtocolSampler, Verdict,
};
use crate::scenario::{Revalidated200, Scenario, Target};
use crate::stats::{Breakdown, Collector, Detail, Failover, Metrics, Outcome, Record, Tier};
use crate::units::Nanos;
use crate::workload::{Catalog, PATH_BUF};

/// How a waiter stood towards the fetch that answered it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Delivery {
    /// It joined someone else's fetch.
    pub collapsed: bool,
    /// Its own copy was being revalidated.
    pub revalidation: bool,
}

/// Where finished requests go: the statistics and the run's observer.
pub(super) struct Out<'a> {
    pub stats: &'a mut Collector,
    pub observer: &'a mut dyn Observer,
}

/// Behavior selection and result accounting for viewer requests.
pub(super) struct Edge {
    behaviors: Behaviors,
    /// Per class: the behavior of all its objects when they share one, else `None`.
    uniform: Vec<Option<u16>>,
    /// Behavior per class and rank length, when patterns cannot tell digits apart.
    memo: Option<Vec<[u16; 21]>>,
    /// Cache keys of cached OPTIONS responses start here (the method is in the key).
    options_base: u64,
    processing: Nanos,
    revalidated_200: Revalidated200,
    /// Per region: what its viewers' connections are.
    pub protocols: Vec<ProtocolSampler>,
    /// Signed-content checks.
    pub(super) private: PrivateContent,
    /// Per region: nanoseconds to send one byte at the clients' bandwidth.
    ns_per_byte: Vec<f64>,
    /// Whether resumed connections send 0-RTT requests.
    pub zero_rtt: bool,
    /// Per behavior: the origin to try first, and the origin group if it targets one.
    targets: Vec<(u16, Option<u16>)>,
    /// Requests whose hash falls below this are written to the access log.
    log_threshold: u64,
    cloudfront_log: bool,
    seed: u64,
    /// Per class: body bytes of its PUT, POST and PATCH requests.
    uploads: Vec<u64>,
}

impl Edge {
    pub(super) fn new(scenario: &Scenario, catalog: &Catalog, ledger: &Ledger) -> Self {
        let behaviors = scenario.behaviors().clone();
        let memo: Option<Vec<[u16; 21]>> = (!behaviors.depends_on_digits()).then(|| {
            let mut buf = [0u8; PATH_BUF];
            (0..catalog.classes() as u16)
                .map(|k| {
                    let mut row = [0u16; 21];
                    for d in 1..=catalog.max_digits(k) {
                        row[d as usize] =
                            behaviors.select(catalog.sample_path(k, d, &mut buf)) as u16;
                    }
                    row
                })
                .collect()
        });
        let uniform = match &memo {
            Some(rows) => rows
                .iter()
                .enumerate()
                .map(|(k, row)| {
                    let used = &row[1..=catalog.max_digits(k as u16) as usize];
                    used.iter().all(|&b| b == used[0]).then_some(used[0])
                })
                .collect(),
            None => vec![None; catalog.classes()],
        };
        let targets = behaviors
            .all()
            .iter()
            .map(|b| match scenario.target(b) {
                Target::Origin(o) => (o, None),
                Target::Group(g) => (scenario.groups()[g as usize].primary, Some(g)),
            })
            .collect();
        let plan = scenario.plan();
        Edge {
            protocols: plan.regions.iter().map(|r| r.protocols.clone()).collect(),
            zero_rtt: scenario.distribution().zero_rtt,
            private: PrivateContent::new(scenario, ledger),
            ns_per_byte: plan.regions.iter().map(|r| r.ns_per_byte).collect(),
            targets,
            behaviors,
            uniform,
            memo,
            options_base: catalog.objects(),
            processing: plan.edge_processing,
            revalidated_200: plan.revalidated_200,
            log_threshold: plan.log_threshold,
            cloudfront_log: plan.cloudfront_log,
            seed: plan.seed,
            uploads: (scenario.spec().workload.classes.iter())
                .map(|c| c.request_body.0)
                .collect(),
        }
    }

    /// The behavior that serves `object` of class `class`.
    #[inline]
    pub(super) fn behavior_of(&self, catalog: &Catalog, class: u16, object: ObjectId) -> u16 {
        if let Some(b) = self.uniform[class as usize] {
            return b;
        }
        match &self.memo {
            Some(memo) => memo[class as usize][(catalog.rank(class, object).ilog10() + 1) as usize],
            None => {
                let mut buf = [0u8; PATH_BUF];
                self.behaviors
                    .select(catalog.write_path(class, object, &mut buf)) as u16
            }
        }
    }

    /// Handles a request that has just reached the edge at its arrival time. Returns the
    /// HTTPS request that follows a redirect, for the caller to deliver when it arrives.
    pub(super) fn request(
        &mut self,
        mut req: Request,
        catalog: &Catalog,
        tiers: &mut Tiers,
        queue: &mut EventQueue<Event>,
        out: &mut Out<'_>,
    ) -> Option<Request> {
        let now = req.at;
        req.behavior = self.behavior_of(catalog, req.class, req.object);
        // Private content: what the request's signature is worth (checked in order below).
        req.signed = self.private.is_private(req.behavior) && self.private.signs(req.class);
        let denied = if self.private.is_private(req.behavior) {
            self.private
                .check(req.behavior, req.class, req.object, now)
                .err()
        } else {
            None
        };
        let refused = |outcome, detail, status| Record {
            outcome,
            detail,
            status,
            latency: req.before_edge() + self.processing,
            ..self.record_of(&req)
        };
        let leaves = now + self.processing;
        let Some(pop) = req.pop else {
            let r = refused(Outcome::CapacityExceeded, Detail::Same, 503);
            self.record(out, now, leaves, &req, r);
            return None;
        };
        if req.conn.tls_refused {
            let r = refused(Outcome::Error, Detail::ClientTlsError, 0);
            self.record(out, now, leaves, &req, r);
            return None;
        }
        let b = &self.behaviors.all()[req.behavior as usize];
        match verdict(
            b.viewer_protocol_policy,
            req.conn.https,
            req.method,
            req.conn.version,
        ) {
            Verdict::Serve => {}
            Verdict::Forbidden(why) => {
                let detail = match why {
                    Forbidden::HttpsOnly => Detail::HttpsOnly,
                    Forbidden::OldProtocol => Detail::OldProtocol,
                };
                self.record(out, now, leaves, &req, refused(Outcome::Error, detail, 403));
                return None;
            }
            Verdict::Redirect(status) => {
                let r = refused(Outcome::Redirect, Detail::Same, status);
                self.record(out, now, leaves, &req, r);
                // The client gets the redirect half a round trip after it leaves, and its
                // HTTPS request reaches the edge half a round trip after that, on a new
                // connection whose handshake it pays.
                if self.cloudfront_log {
                    return None;
                }
                let conn = req.conn.upgraded(&self.protocols[req.region as usize]);
                let handshake = handshake_rtts(&conn, self.zero_rtt) as Nanos * req.viewer_rtt;
                return Some(Request {
                    index: req.index | FOLLOW_UP,
                    at: leaves + req.viewer_rtt,
                    conn,
                    handshake,
                    carried: r.latency,
                    ..req
                });
            }
        }
        if let Some(detail) = denied {
            self.record(out, now, leaves, &req, refused(Outcome::Error, detail, 403));
            return None;
        }
        if !b.allowed.contains(req.method) {
            let r = refused(Outcome::Error, Detail::InvalidRequestMethod, 403);
            self.record(out, now, leaves, &req, r);
            return None;
        }
        req.cached = b.cached.contains(req.method) && !b.caching_disabled();
        let key = if req.method == Method::Options {
            self.options_base + req.object
        } else {
            req.object
        };
        let want = Want {
            key,
            object: req.object,
            class: req.class,
            behavior: req.behavior,
            origin: self.targets[req.behavior as usize].0,
            group: self.targets[req.behavior as usize].1,
            method: req.method,
            https: req.conn.https,
            counted: req.counted,
        };
        if !req.cached {
            tiers.proxy(pop, want, Waiter::Viewer(req), now, queue);
            return None;
        }
        let ask = Ask {
            site: pop,
            tier: Tier::Pop,
            conditional: None,
        };
        if let Lookup::Served(a) = tiers.lookup(ask, want, || Waiter::Viewer(req), now, queue) {
            let d = Delivery {
                collapsed: false,
                revalidation: false,
            };
            self.deliver(&req, &a, d, now, leaves, out);
        }
        None
    }

    /// Answers viewer request `req` with `a`. `now` is the simulated time of the event
    /// that answers it, and `leaves` when the answer leaves the POP.
    #[inline(always)]
    pub(super) fn deliver(
        &self,
        req: &Request,
        a: &Answer,
        d: Delivery,
        now: Nanos,
        leaves: Nanos,
        out: &mut Out<'_>,
    ) {
        let ok = a.status < 400;
        let (outcome, tier, detail) = if !ok {
            let detail = match a.failure {
                Failure::Refused | Failure::BadCertificate => Detail::OriginConnectError,
                Failure::ConnectTimeout => Detail::OriginCommError,
                Failure::ReadTimeout => Detail::OriginReadError,
                Failure::None if a.tier == Tier::Origin => Detail::OriginError,
                Failure::None => Detail::Same,
            };
            (Outcome::Error, a.tier, detail)
        } else if !req.cached {
            (Outcome::Miss, Tier::Origin, Detail::Same)
        } else if d.collapsed || a.stale {
            (Outcome::Hit, Tier::Pop, Detail::Same)
        } else if a.confirmed {
            (Outcome::RefreshHit, Tier::Pop, Detail::Same)
        } else {
            match a.tier {
                Tier::Origin
                    if d.revalidation && self.revalidated_200 == Revalidated200::RefreshHit =>
                {
                    (Outcome::RefreshHit, Tier::Origin, Detail::Same)
                }
                Tier::Origin => (Outcome::Miss, Tier::Origin, Detail::Same),
                Tier::Shield => (Outcome::Hit, Tier::Shield, Detail::OriginShieldHit),
                tier => (Outcome::Hit, tier, Detail::Same),
            }
        };
        let bytes = if ok && req.method.has_body() {
            a.size
        } else {
            0
        };
        let base = self.record_of(req);
        let r = Record {
            outcome,
            tier,
            detail,
            collapsed: d.collapsed,
            stale: a.stale,
            cacheable: req.cached && ok,
            bytes,
            origin_bytes: (a.via_origin && !d.collapsed).then_some(if a.confirmed {
                0
            } else {
                a.size
            }),
            latency: req.before_edge() + (leaves - req.at),
            status: if ok { 200 } else { a.status },
            failover: a.failover,
            breakdown: Breakdown {
                upstream: legs(&a.upstream),
                origin_handshake: a.origin_handshake,
                ..base.breakdown
            },
            transfer: self.transfer(bytes, req),
            ..base
        };
        self.record(out, now, leaves, req, r);
    }

    /// What a record of `req` says about the viewer and the request, whatever its outcome:
    /// an answer from the POP with no body, to be completed by the caller.
    #[inline(always)]
    fn record_of(&self, req: &Request) -> Record {
        Record {
            outcome: Outcome::Hit,
            tier: Tier::Pop,
            detail: Detail::Same,
            collapsed: false,
            stale: false,
            cacheable: false,
            bytes: 0,
            origin_bytes: None,
            shed: req.shed,
            latency: 0,
            pop: req.accounted_pop,
            region: req.region,
            behavior: req.behavior,
            status: 200,
            failover: Failover::None,
            group: self.targets[req.behavior as usize].1,
            new_connection: req.conn.new,
            resumed: req.conn.resumed,
            protocol: req.conn.row() as u8,
            breakdown: Breakdown {
                viewer_handshake: req.handshake + req.carried,
                edge: self.processing,
                ..Breakdown::default()
            },
            transfer: 0,
            signed: req.signed,
            https: req.conn.https,
            upload: if req.method.sends_body() {
                self.uploads.get(req.class as usize).copied().unwrap_or(0)
            } else {
                0
            },
        }
    }

    /// Time from the first byte of a `bytes`-long body to the last: on a new connection TCP
    /// slow start from a 10-segment window (RFC 6928) doubles each round trip, and the
    /// client's bandwidth bounds the rest. A reused connection is taken to have its window
    /// open already.
    fn transfer(&self, bytes: u64, req: &Request) -> Nanos {
        let serialise = (bytes as f64 * self.ns_per_byte[req.region as usize]) as Nanos;
        let rounds = if req.conn.new {
            slow_start_rounds(bytes)
        } else {
            0
        };
        rounds * req.viewer_rtt + serialise
    }

    /// Counts a finished request, if it is past the warm-up, and logs it if sampled.
    #[inline(always)]
    fn record(&self, out: &mut Out<'_>, now: Nanos, leaves: Nanos, req: &Request, r: Record) {
        if !req.counted {
            return;
        }
        let Out { stats, observer } = out;
        stats.record(now, &r, &mut |t, p, m: &Metrics| observer.interval(t, p, m));
        let sampled = self.log_threshold > 0 && mix64(req.index ^ self.seed) < self.log_threshold;
        if sampled || self.cloudfront_log {
            observer.request(&LogLine {
                sampled,
                index: req.index,
                arrived: req.at,
                done: leaves,
                pop: req.accounted_pop,
                region: req.region,
                class: req.class,
                object: req.object,
                method: req.method,
                status: r.status,
                bytes: r.bytes,
                outcome: r.outcome,
                detail: r.detail,
                tier: r.tier,
                behavior: req.behavior,
                collapsed: r.collapsed,
                stale: r.stale,
                conn: req.conn,
                transfer: r.transfer,
                failed_over: matches!(r.failover, Failover::Recovered | Failover::BothFailed),
            });
        }
    }
}
