//! `cost.csv`: the month's bill line by line, by pricing region and component, then each
//! flat-rate plan and whether it covers the month.

use crate::col;
use crate::cost::Line;
use crate::stats::columns::{Cell, Column};

/// Columns of `cost.csv`.
pub const COST: &[Column<Line>] = &[
    col!("scope", "the pricing region (`US`, `EU`... as data/pricing.toml names them; `all` for the free tier), the Origin Shield's AWS Region, the origin, or the flat-rate plan the line is for", |l| Cell::Text(l.scope.clone())),
    col!("component", "`transfer` (out to the internet), `http_requests`, `https_requests`, `origin_transfer` (request bodies to origins), `free_tier` (what came off at no charge), `shield_requests`, `origin_requests` and `origin_bytes` (the origin's own prices), `invalidations` (paths beyond the month's free 1,000), or `flat_rate_plan`", |l| Cell::Label(l.component)),
    col!("note", "the volume tier of a transfer line (`first 10 TB`, `next 40 TB`...), what a free-tier line covers, or for a plan `fits` or why it does not", |l| Cell::Text(l.note.clone())),
    col!("quantity", "how much in the month, in `unit`", |l| Cell::Decimal(l.quantity)),
    col!("unit", "`GB` (of `gb_bytes` bytes, 2^30 by default), `requests`, `paths`, or `month` for a plan", |l| Cell::Label(l.unit)),
    col!("rate_usd", "price per unit", |l| Cell::Decimal6(l.rate)),
    col!("usd", "quantity × rate_usd; for a plan, its monthly price", |l| Cell::Usd(l.usd)),
];
