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
//!
//! The library needs no TOML: a scenario can be built in code, each part starting from
//! its defaults, and [`scenario::Scenario::new`] checks it as loading a file would.
//!
//! ```
//! use edgesim::origin::OriginSpec;
//! use edgesim::scenario::{Scenario, ScenarioSpec};
//! use edgesim::sim::{run, Quiet};
//! use edgesim::topology::PopSpec;
//! use edgesim::units::Bytes;
//! use edgesim::workload::{ClassSpec, RegionSpec};
//!
//! let mut spec = ScenarioSpec::new(
//!     "in-code",
//!     vec![ClassSpec::new("images", "/img/", 1.0, 10_000)],
//!     vec![RegionSpec::new("frankfurt", 50.1, 8.7, 1.0)],
//!     vec![PopSpec::new("FRA", 50.0, 8.6, Bytes(256 << 20))],
//!     vec![OriginSpec::new("origin", 53.3, -6.3)],
//! );
//! spec.requests = Some(10_000);
//! spec.pops[0].capacity_rps = Some(50_000.0);
//! let scenario = Scenario::new(spec).unwrap();
//! let result = run(&scenario, &mut Quiet);
//! assert_eq!(result.summary.counts.requests, 10_000);
//!
//! // A mistake is refused with the key path it is at, as in a file.
//! let mut bad = scenario.spec().clone();
//! bad.regions[0].share = -1.0;
//! assert!(Scenario::new(bad).unwrap_err().path.starts_with("regions[0].share"));
//! ```

pub mod behavior;
pub mod cache;
pub mod calendar;
pub mod calibration;
pub mod charts;
pub mod check;
pub mod cost;
pub mod data;
pub mod engine;
pub mod fault;
pub mod import;
pub mod invalidation;
pub mod origin;
pub mod protocol;
pub mod replay;
pub mod report;
pub mod scenario;
pub mod signing;
pub mod sim;
pub mod stats;
pub mod study;
pub mod topology;
pub mod trace;
pub mod units;
pub mod workload;
