//! edgesim: a discrete-event simulator of CDN edge request routing, modelled on CloudFront.
pub mod cache;
pub mod engine;
pub mod units;
pub mod check;
pub mod protocol;
pub mod workload;
pub mod topology;
pub mod origin;
pub mod stats;
pub mod scenario;
pub mod sim;
pub mod report;
