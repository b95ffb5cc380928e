//! The discrete-event core: an integer-nanosecond clock, an event queue and seeded RNG streams.
//!
//! The engine knows nothing about CDNs. `sim` defines the event type and drives the loop;
//! this module guarantees the ordering rules that make runs reproducible: events fire in
//! (time, sequence) order, so two events at the same nanosecond fire in the order they
//! were scheduled, and every random stream is a pure function of the seed and a name.

mod queue;
mod rng;

pub use queue::EventQueue;
pub use rng::{fnv1a, mix64, stream, Stream};
