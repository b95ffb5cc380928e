//! edgesim: a discrete-event simulator of CDN edge request routing, modelled on CloudFront.
//!
//! A scenario describes client regions, edge POPs with caches, and origins. A run
//! generates requests lazily, routes each to a POP, serves it from cache or fetches it
//! from the origin, and collects hit ratios, origin load and latency percentiles.
//!
//! ```
//! use edgesim::scenario::{load_str, Overrides, DEFAULT_SCENARIO};
//! use edgesim::sim::{run, Quiet};
//!
//! // The built-in default scenario, shortened to 20 000 counted requests.
//! let overrides = Overrides { requests: Some(20_000), ..Overrides::default() };
//! let scenario = load_str(DEFAULT_SCENARIO, "default.toml", &overrides).unwrap();
//! let result = run(&scenario, &mut Quiet);
//! assert_eq!(result.summary.counts.requests, 20_000);
//! assert!(result.summary.hit_ratio() > 0.0);
//! println!("p99 latency: {:.1} ms", result.summary.latency_ms(0.99));
//! ```

pub mod behavior;
pub mod cache;
pub mod charts;
pub mod check;
pub mod engine;
pub mod fault;
pub mod origin;
pub mod protocol;
pub mod replay;
pub mod report;
pub mod scenario;
pub mod signing;
pub mod sim;
pub mod stats;
pub mod sweep;
pub mod topology;
pub mod trace;
pub mod units;
pub mod workload;
