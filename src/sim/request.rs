//! A viewer request as the edge handles it: ids and times only, so that it is cheap to copy,
//! park in a fetch's waiters and schedule again after a redirect.

use crate::cache::ObjectId;
use crate::protocol::{Method, ViewerConn};
use crate::topology::Route;
use crate::units::Nanos;
use crate::workload::Arrival;

/// Marks the arrival index of a request that follows a redirect.
pub(super) const FOLLOW_UP: u64 = 1 << 63;

/// A request at the edge: ids and times only, so it is cheap to copy and park.
#[derive(Clone, Copy, Debug)]
pub(super) struct Request {
    pub(super) index: u64,
    pub(super) at: Nanos,
    pub(super) object: ObjectId,
    pub(super) class: u16,
    pub(super) region: u16,
    /// The serving POP, or `None` when every POP refused it.
    pub(super) pop: Option<u16>,
    pub(super) accounted_pop: u16,
    pub(super) behavior: u16,
    pub(super) method: Method,
    pub(super) viewer_rtt: Nanos,
    /// The viewer connection.
    pub(super) conn: ViewerConn,
    /// Time the viewer spent on its connection's handshake before sending.
    pub(super) handshake: Nanos,
    /// Latency the viewer had already waited: a redirect's, for its follow-up.
    pub(super) carried: Nanos,
    pub(super) counted: bool,
    pub(super) shed: bool,
    /// Whether the behavior caches this method.
    pub(super) cached: bool,
    /// Whether it carries a signature for private content.
    pub(super) signed: bool,
}

impl Request {
    /// When it reaches the edge.
    pub(super) fn arrives(&self) -> Nanos {
        self.at
    }

    /// The viewer's wait before the POP starts on the request: its round trip, its
    /// handshake, and any redirect before it.
    pub(super) fn before_edge(&self) -> Nanos {
        self.viewer_rtt + self.handshake + self.carried
    }

    pub(super) fn new(
        a: Arrival,
        route: Route,
        viewer_rtt: Nanos,
        conn: ViewerConn,
        handshake: Nanos,
        counted: bool,
    ) -> Self {
        Request {
            index: a.index,
            at: a.at,
            object: a.object,
            class: a.class,
            region: a.region,
            pop: route.pop,
            accounted_pop: route.accounted_pop,
            behavior: 0,
            method: a.method,
            viewer_rtt,
            conn,
            handshake,
            carried: 0,
            counted,
            shed: route.shed,
            cached: false,
            signed: false,
        }
    }
}
