//! What moves between the tiers: fetches, their waiters, and the answers that come back.

use super::request::Request;
use crate::cache::{Entry, ObjectId};
use crate::protocol::Method;
use crate::stats::{Failover, Tier};
use crate::units::Nanos;

/// Where a fetch is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(super) enum Hop {
    /// A cache site.
    Site(u16),
    /// An origin.
    #[default]
    Origin,
}

/// Who is waiting for a fetch.
#[derive(Clone, Copy, Debug)]
pub(super) enum Waiter {
    /// A viewer request at a POP.
    Viewer(Request),
    /// A fetch from a site below.
    Fetch(u32),
}

/// How the edge failed to get a response from an origin (cloudfront.md §3.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(super) enum Failure {
    /// None: the answer is a response (which may be an error status the origin sent).
    #[default]
    None,
    /// Every connection attempt was refused: 502, OriginConnectError.
    Refused,
    /// The origin's certificate was not valid on any attempt: 502, OriginConnectError.
    BadCertificate,
    /// Every connection attempt timed out: 504, OriginCommError.
    ConnectTimeout,
    /// No first byte within the read timeout (after any retries): 504, OriginReadError.
    ReadTimeout,
}

impl Failure {
    /// The status the viewer gets.
    pub fn status(self) -> u16 {
        match self {
            Failure::None => 200,
            Failure::Refused | Failure::BadCertificate => 502,
            Failure::ConnectTimeout | Failure::ReadTimeout => 504,
        }
    }
}

/// A response travelling down the tiers.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Answer {
    /// 200, 304 (the waiter's copy is current), or an error status.
    pub status: u16,
    /// Body bytes of the object.
    pub size: u64,
    /// The version it carries.
    pub last_modified: Nanos,
    /// Until when it may be served.
    pub fresh_until: Nanos,
    /// Which tier produced it.
    pub tier: Tier,
    /// An expired copy served because of an origin error or stale-while-revalidate.
    pub stale: bool,
    /// max-age of an error response, seconds.
    pub error_max_age: Option<u64>,
    /// Whether producing it took an origin request led by this waiter's chain.
    pub via_origin: bool,
    /// The site's own expired copy was confirmed current (a 304 from upstream).
    pub confirmed: bool,
    /// Why there is no response from the origin, if there is none.
    pub failure: Failure,
    /// What an origin group's failover did.
    pub failover: Failover,
    /// Time from dispatch to answer of the fetches above, by their role: `[Regional,
    /// Shield, Origin]` (0 where the chain did not go).
    pub upstream: [Nanos; 3],
    /// Time the origin fetch spent opening a new connection.
    pub origin_handshake: Nanos,
}

/// One upstream request and those waiting for it; the first waiter led it.
#[derive(Default)]
pub(super) struct Fetch {
    /// The site that wants the answer.
    pub site: u16,
    /// Where it goes.
    pub upstream: Hop,
    /// What tier the upstream is to the site: Regional, Shield or Origin.
    pub role: Tier,
    /// Cache key at `site`.
    pub key: ObjectId,
    pub object: ObjectId,
    pub class: u16,
    pub behavior: u16,
    /// The origin it goes to (for an origin group, the member being tried).
    pub origin: u16,
    /// The origin group, when the request's behavior targets one.
    pub group: Option<u16>,
    /// Whether the viewer that led it came over HTTPS.
    pub viewer_https: bool,
    /// When the fetch first left its site.
    pub started: Nanos,
    /// The viewer request's method (what the retry and failover rules look at).
    pub method: Method,
    /// Where its origin leg stands: connection and current attempt.
    pub attempt: Attempt,
    /// Whether the answer may be stored at `site`.
    pub store: bool,
    /// Whether followers may join it (it is in the site's in-flight table).
    pub registered: bool,
    /// Whether its first waiter started it (a background refresh has no leader).
    pub led: bool,
    /// The Last-Modified of the site's expired copy, for a conditional request.
    pub conditional: Option<Nanos>,
    /// One-way delay between `site` and `upstream`.
    pub half_rtt: Nanos,
    /// Whether the origin counts it in its statistics.
    pub counted: bool,
    pub waiters: Vec<Waiter>,
    pub answer: Answer,
}

/// The origin leg of a fetch: the connection it uses and where its current attempt stands.
/// Only a fetch whose next hop is an origin uses it; the attempt loop (`origin_leg.rs`)
/// owns what it means.
#[derive(Default, Clone, Copy)]
pub(super) struct Attempt {
    /// Whether the origin leg uses HTTPS.
    pub https: bool,
    /// The site whose connection reaches the origin: the shield for a request that passes
    /// through it, else `site`.
    pub conn_site: u16,
    /// The current attempt opened a new origin connection.
    pub new_conn: bool,
    /// The new connection's handshake is under way; the request follows it.
    pub handshaking: bool,
    /// Time the current attempt spends on its new connection's handshake.
    pub handshake: Nanos,
    /// Whether it went on to the group's secondary.
    pub failed_over: bool,
    /// Connection attempts made to the current origin.
    pub number: u8,
    /// When the current attempt left the site.
    pub sent: Nanos,
    /// When the first attempt to the current origin left the site.
    pub leg_start: Nanos,
    /// When the current attempt times out.
    pub deadline: Nanos,
    /// Identifies the current attempt (0: none), so that timers and responses of an
    /// abandoned attempt are recognised and ignored.
    pub generation: u64,
}

impl Attempt {
    /// A fresh leg, before its first attempt and before any failover.
    pub fn reset(&mut self) {
        self.failed_over = false;
        self.number = 0;
        self.generation = 0;
    }

    /// Starts the next attempt, identified by `generation`; the first one also starts the
    /// time the origin may take over all attempts.
    pub fn begin(&mut self, generation: u64) {
        self.number += 1;
        if self.number == 1 {
            self.leg_start = self.sent;
        }
        self.generation = generation;
    }
}

/// What a lookup did with a waiter.
pub(super) enum Lookup {
    /// Answered from the site's cache at once (possibly stale, with a refresh started).
    Served(Answer),
    /// Parked on a fetch; the answer comes later.
    Waiting,
}

/// Everything a fetch needs to know about the request behind it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Want {
    pub key: ObjectId,
    pub object: ObjectId,
    pub class: u16,
    pub behavior: u16,
    pub origin: u16,
    pub group: Option<u16>,
    pub method: Method,
    /// The viewer came over HTTPS.
    pub https: bool,
    pub counted: bool,
}

/// Who asks a cache site for an object, and how.
#[derive(Clone, Copy, Debug)]
pub(super) struct Ask {
    /// The site asked.
    pub site: u16,
    /// What the site is to the asker: Pop for a viewer, else the fetch's role.
    pub tier: Tier,
    /// The version of the asker's own copy, when it revalidates one (a 304 then answers).
    pub conditional: Option<Nanos>,
}

/// An answer served from a stored entry at a site of tier `tier`.
pub(super) fn from_entry(e: &Entry, tier: Tier, conditional: Option<Nanos>, stale: bool) -> Answer {
    let current = e.status == 200 && conditional == Some(e.last_modified);
    Answer {
        status: if current { 304 } else { e.status },
        size: e.size,
        last_modified: e.last_modified,
        fresh_until: e.fresh_until,
        tier,
        stale: stale || e.stale,
        error_max_age: None,
        via_origin: false,
        confirmed: false,
        failure: Failure::None,
        failover: Failover::None,
        upstream: [0; 3],
        origin_handshake: 0,
    }
}

/// The stale copy `e`, served instead of error answer `a`.
pub(super) fn stale_answer(e: &Entry, a: Answer) -> Answer {
    Answer {
        status: 200,
        size: e.size,
        last_modified: e.last_modified,
        fresh_until: e.fresh_until,
        stale: true,
        error_max_age: None,
        ..a
    }
}

/// The legs of an upstream chain from the time each hop took, everything above it
/// included (`[regional, shield, origin]`, 0 where the chain did not go): each leg is its
/// hop's time less the time of the hop above it.
pub(super) fn legs(t: &[Nanos; 3]) -> [Nanos; 3] {
    let above_regional = if t[1] > 0 { t[1] } else { t[2] };
    [
        t[0].saturating_sub(if t[0] > 0 { above_regional } else { 0 }),
        t[1].saturating_sub(if t[1] > 0 { t[2] } else { 0 }),
        t[2],
    ]
}
