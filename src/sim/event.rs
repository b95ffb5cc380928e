//! The events of a run besides arrivals: each says who schedules it and who handles it.

/// What happens in the simulation besides arrivals, which the workload supplies in order.
#[derive(Clone, Copy, Debug)]
pub(super) enum Event {
    /// `fetch` reaches its upstream hop. Scheduled when a site forwards a miss; handled
    /// by the upstream cache (answer, collapse or fetch further) or the origin (serve or
    /// queue).
    FetchArrived { fetch: u32 },
    /// The origin finished request `job`. Scheduled when a server takes the request;
    /// handled by the origin, which frees the server for the next in its queue, and the
    /// response heads back down unless its attempt was abandoned.
    OriginResponded { job: u32 },
    /// An attempt to reach an origin failed or timed out. Scheduled when an attempt is
    /// sent (with its connect or read deadline) or refused; handled by the origin attempt
    /// loop, which retries, fails over or answers with the failure, unless the attempt has
    /// since been answered (then it is dropped without counting as an event).
    OriginTimedOut { timer: u32 },
    /// A viewer's HTTPS request after a redirect reaches the edge. Scheduled by the edge
    /// when it answers HTTP with a redirect; handled by the edge like a new arrival.
    FollowUpArrived { slot: u32 },
    /// The answer for `fetch` reached the site that sent it. Scheduled by whoever
    /// answered; handled by that site, which fills its cache and answers every waiter.
    ResponseArrived { fetch: u32 },
}
