//! The bill in `report.html`: the month's pay-as-you-go total by component, each line of
//! `cost.csv`, and the flat-rate plans beside it.

use super::html::{escape, human};
use super::table::key;
use super::Table;
use crate::cost::{dollars, volume};
use crate::report::{COST, SUMMARY};
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// The bill's section, from `summary.csv`'s `row` and `dir/cost.csv`; empty for a folder
/// written before edgesim billed runs.
pub(super) fn section(dir: &Path, summary: &Table, row: &[String]) -> io::Result<String> {
    let path = dir.join("cost.csv");
    if !path.exists() {
        return Ok(String::new());
    }
    let lines = Table::read(&path)?;
    let num = |c| summary.num(row, c);
    let mut html = String::from("<h2>The bill</h2>");
    // The components that cost something, largest first.
    let mut parts: Vec<(f64, &str)> = [
        (key!(SUMMARY, "cost_transfer_usd"), "data transfer out"),
        (key!(SUMMARY, "cost_requests_usd"), "requests"),
        (key!(SUMMARY, "cost_shield_usd"), "Origin Shield"),
        (
            key!(SUMMARY, "cost_origin_transfer_usd"),
            "transfer to origin",
        ),
        (key!(SUMMARY, "cost_origin_usd"), "the origins' own charges"),
        (key!(SUMMARY, "cost_invalidations_usd"), "invalidations"),
    ]
    .into_iter()
    .map(|(c, label)| (num(c), label))
    .filter(|(usd, _)| *usd > 0.0)
    .collect();
    parts.sort_by(|a, b| b.0.total_cmp(&a.0));
    let parts: Vec<String> = parts
        .iter()
        .map(|(usd, l)| format!("{l} {}", dollars(*usd)))
        .collect();
    let parts = match parts.is_empty() {
        true => String::new(),
        false => format!(": {}", parts.join(", ")),
    };
    let _ = write!(
        html,
        "<p>A month of this traffic costs <strong>{}</strong> pay-as-you-go{parts}. The month holds {} requests and {} out (README, \"The bill\": the run's mix, scaled to a whole day of the arrival model, times the month's days).</p>",
        dollars(num(key!(SUMMARY, "cost_usd_month"))),
        human("requests", summary.text(row, key!(SUMMARY, "monthly_requests"))),
        volume(num(key!(SUMMARY, "monthly_transfer_gb"))),
    );
    let (plans, charges): (Vec<&Vec<String>>, Vec<&Vec<String>>) = lines
        .rows()
        .iter()
        .partition(|r| lines.text(r, key!(COST, "component")) == "flat_rate_plan");
    html.push_str("<table><tr><th>scope</th><th>charge</th><th>tier or note</th><th>quantity</th><th>rate</th><th>per month</th></tr>");
    for r in charges {
        let unit = lines.text(r, key!(COST, "unit"));
        let quantity = lines.num(r, key!(COST, "quantity"));
        let quantity = match unit {
            "GB" => volume(quantity),
            _ => crate::units::thousands(quantity.round() as u64),
        };
        let rate = lines.num(r, key!(COST, "rate_usd"));
        let component = lines.text(r, key!(COST, "component"));
        let rate = match (unit, component) {
            _ if rate == 0.0 => "free".to_string(),
            ("requests", "origin_requests") => format!("${:.2} per million", rate * 1e6),
            ("requests", _) => format!("${:.4} per 10,000", rate * 1e4),
            ("paths", _) => format!("${rate:.3} per path"),
            _ => format!("${rate:.3} per GB"),
        };
        row_of(
            &mut html,
            &[
                lines.text(r, key!(COST, "scope")),
                &component.replace('_', " "),
                lines.text(r, key!(COST, "note")),
                &quantity,
                &rate,
                &dollars(lines.num(r, key!(COST, "usd"))),
            ],
        );
    }
    html.push_str("</table><h3>Flat-rate plans</h3><table><tr><th>plan</th><th>per month</th><th>covers this month?</th></tr>");
    for r in plans {
        let price = dollars(lines.num(r, key!(COST, "usd")));
        let scope = lines.text(r, key!(COST, "scope"));
        row_of(
            &mut html,
            &[scope, &price, lines.text(r, key!(COST, "note"))],
        );
    }
    html.push_str("</table>");
    Ok(html)
}

fn row_of(html: &mut String, cells: &[&str]) {
    html.push_str("<tr>");
    for c in cells {
        let _ = write!(html, "<td>{}</td>", escape(c));
    }
    html.push_str("</tr>");
}
