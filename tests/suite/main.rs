//! The integration tests, one module per file, built as one binary so that the suite links
//! once rather than thirty times (`tests/alloc.rs` stays apart: it installs its own
//! global allocator, which would count every other test's allocations too).

#[path = "../common/mod.rs"]
mod common;

mod behaviors;
mod capacity_files;
mod charts;
mod che;
mod cli;
mod cloudfront_logs;
mod collapsing;
mod compare;
mod conservation;
mod cost;
mod deploy;
mod determinism;
mod erlang;
mod failover;
mod failover_counts;
mod failover_files;
mod faults;
mod https;
mod import;
mod interrupt;
mod invalidations;
mod latency_calibration;
mod memory;
mod mutants;
mod policies;
mod prefill;
mod price_class;
mod private;
mod readme;
mod reference;
mod registry;
mod replay;
mod signing;
mod signing_cli;
mod signing_refusals;
mod stale;
mod study;
mod study_ci;
mod sweep;
mod trace_trust;
mod trace_workload;
mod ttl_theory;
mod validation;
