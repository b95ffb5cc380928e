//! The month's bill, checked against dollars computed here by hand from the rates in
//! `data/pricing.toml` (read with `toml` directly, not through edgesim's price list).

use crate::common;
use edgesim::cost;
use edgesim::scenario::{load_str, Overrides};

/// One rate of the pricing file, by its key path (`regions.US.https_per_10k`).
fn rate(path: &str) -> f64 {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/pricing.toml")).unwrap();
    let mut at: toml::Value = text.parse::<toml::Table>().unwrap().into();
    for part in path.split('.') {
        at = match part.parse::<usize>() {
            Ok(i) => at[i].clone(),
            Err(_) => at[part].clone(),
        };
    }
    at.as_float().or(at.as_integer().map(|i| i as f64)).unwrap()
}

const GIB: f64 = 1073741824.0;

/// All traffic from one US region to one POP in Ashburn: HTTPS GETs of objects of
/// `size` bytes at `rate` requests a second, with no daily curve, plus `extra` lines.
fn us_only(rate_rps: f64, size: &str, extra: &str) -> String {
    format!(
        r#"name = "bill"
seed = 3
requests = 3000
warmup = "0s"
{extra}

[workload]
rate = {rate_rps}

[[workload.classes]]
name = "files"
prefix = "/f/"
share = 1.0
objects = 1000
size = {{ dist = "constant", value = "{size}" }}
methods = {{ get = 1.0 }}

[[regions]]
name = "virginia"
lat = 38.9
lon = -77.0
share = 1.0
diurnal = {{ amplitude = 0.0, peak_hour = 20.0 }}
protocols = {{ https = 1.0, tls1_0 = 0.0, tls1_1 = 0.0, tls1_2 = 0.0, tls1_3 = 1.0 }}

[[pops]]
code = "IAD"
lat = 38.95
lon = -77.45
cache_capacity = "1GiB"

[[origins]]
name = "bucket"
lat = 38.95
lon = -77.45
"#
    )
}

fn bill_of(text: &str, sets: &[&str]) -> cost::Bill {
    let s = load_str(text, "bill.toml", &Overrides::sets(sets)).unwrap();
    let (r, _) = common::run(&s);
    cost::bill(&s, &r)
}

fn close(got: f64, want: f64) {
    assert!(
        (got - want).abs() <= want.abs() * 0.005,
        "billed {got}, computed by hand {want}"
    );
}

#[test]
fn one_tier_of_https_gets_from_the_us_is_billed_at_the_first_rates() {
    // 100 requests a second for 30 days of 86,400 s: 259.2 M requests of 10 KiB each,
    // 2,471.9 GB, inside the first 10 TB.
    let b = bill_of(&us_only(100.0, "10KiB", "[cost]\nfree_tier = false"), &[]);
    let requests = 100.0 * 86_400.0 * 30.0;
    let gb = requests * 10240.0 / GIB;
    assert!(gb < 10.0 * 1024.0);
    close(b.monthly_requests, requests);
    close(b.transfer, gb * rate("regions.US.transfer_per_gb.0"));
    close(
        b.requests,
        requests / 1e4 * rate("regions.US.https_per_10k"),
    );
    close(b.total(), b.transfer + b.requests);
    assert_eq!((b.shield, b.origin_transfer, b.origin), (0.0, 0.0, 0.0));
    // The free tier takes 1 TB and 10 M requests off the same month.
    let free = bill_of(&us_only(100.0, "10KiB", ""), &[]);
    close(
        free.transfer,
        (gb - 1024.0) * rate("regions.US.transfer_per_gb.0"),
    );
    close(
        free.requests,
        (requests - 1e7) / 1e4 * rate("regions.US.https_per_10k"),
    );
}

#[test]
fn sixty_terabytes_are_billed_as_ten_then_forty_then_ten() {
    // 1 MiB objects; 61,440 GB = 60 TB is 62,914,560 requests.
    let requests = 60.0 * 1024.0 * 1024.0;
    let text = us_only(
        10.0,
        "1MiB",
        &format!("[cost]\nfree_tier = false\nmonthly_requests = {requests}"),
    );
    let b = bill_of(&text, &[]);
    let r = |i: usize| rate(&format!("regions.US.transfer_per_gb.{i}"));
    let want = 10_240.0 * r(0) + 40_960.0 * r(1) + 10_240.0 * r(2);
    close(b.monthly_gb, 61_440.0);
    close(b.transfer, want);
    let tiers: Vec<(&str, f64)> = (b.lines.iter())
        .filter(|l| l.component == "transfer")
        .map(|l| (l.note.as_str(), l.quantity))
        .collect();
    assert_eq!(tiers.len(), 3, "{tiers:?}");
    assert_eq!(tiers[0].0, "first 10 TB");
    assert_eq!(tiers[2].0, "next 100 TB");
    close(tiers[2].1, 10_240.0);
}

/// The plan a month of `requests` requests of 10 KiB objects gets, and why not others.
fn plan_for(requests: f64, extra: &str) -> cost::Bill {
    let text = us_only(
        10.0,
        "10KiB",
        &format!("[cost]\nmonthly_requests = {requests}\n{extra}"),
    );
    bill_of(&text, &[])
}

#[test]
fn the_cheapest_flat_rate_plan_that_covers_the_month_is_chosen() {
    // 5 M requests (47.7 GB) are over Free's 1 M requests but within Pro's 10 M and 50 TB.
    let pro = plan_for(5e6, "");
    assert_eq!(pro.plan, Some(("Pro".to_string(), 15.0)));
    let free = pro.lines.iter().find(|l| l.scope == "Free").unwrap();
    assert!(free.note.contains("exceed Free's 1 M"), "{}", free.note);
    // 50 M requests need Business (125 M).
    let business = plan_for(5e7, "");
    assert_eq!(business.plan, Some(("Business".to_string(), 200.0)));
    // 600 M requests exceed even Premium's 500 M.
    let none = plan_for(6e8, "");
    assert_eq!(none.plan, None);
    assert!(
        none.no_plan
            .contains("600 M requests a month exceed Premium's 500 M"),
        "{}",
        none.no_plan
    );
    // A feature the plans exclude rules them all out, however small the month.
    let logs = plan_for(1e5, "features = [\"real-time logs\"]");
    assert_eq!(logs.plan, None);
    assert!(logs.no_plan.contains("real-time logs"), "{}", logs.no_plan);
}

#[test]
fn transfer_above_fifty_terabytes_needs_no_plan_even_with_few_requests() {
    // 5,242,880 requests of 20 MiB: 100 TB, twice every paid plan's 50 TB.
    let text = us_only(1.0, "20MiB", "[cost]\nmonthly_requests = 5242880");
    let b = bill_of(&text, &[]);
    assert_eq!(b.plan, None);
    assert!(
        b.no_plan
            .contains("100 TB out a month exceed Premium's 50 TB"),
        "{}",
        b.no_plan
    );
}

#[test]
fn the_month_follows_the_whole_day_not_the_hour_the_run_covers() {
    // A strong daily curve: a run at the peak sees 1.8× the mean rate, one at the trough
    // 0.2×, but both months hold the day's mean, 100 requests a second.
    let curve = |hour: f64| {
        us_only(100.0, "10KiB", "[cost]\nfree_tier = false")
            .replace("amplitude = 0.0", "amplitude = 0.8")
            .replace(
                "[workload]\n",
                &format!("[workload]\nstart_hour_utc = {hour}\n"),
            )
    };
    // Virginia is UTC-0 here (no offset given): peak at 20:00 UTC, trough at 08:00.
    let peak = bill_of(&curve(20.0), &[]);
    let trough = bill_of(&curve(8.0), &[]);
    close(peak.monthly_requests, 100.0 * 86_400.0 * 30.0);
    close(trough.monthly_requests, peak.monthly_requests);
    close(trough.total(), peak.total());
}

#[test]
fn an_override_changes_one_price_and_the_bill_with_it() {
    let base = us_only(100.0, "10KiB", "[cost]\nfree_tier = false");
    let cheaper = base.replace(
        "free_tier = false",
        "free_tier = false\n[cost.prices.regions.US]\nhttps_per_10k = 0.005",
    );
    let (a, b) = (bill_of(&base, &[]), bill_of(&cheaper, &[]));
    close(b.requests, a.requests / 2.0);
    close(b.transfer, a.transfer);
}

#[test]
fn origin_prices_and_request_bodies_are_billed() {
    // Half the requests are POSTs with 4 KiB bodies; the origin charges per request and GB.
    let text = us_only(100.0, "10KiB", "[cost]\nfree_tier = false")
        .replace(
            "methods = { get = 1.0 }",
            "methods = { get = 0.5, post = 0.5 }\nrequest_body = \"4KiB\"",
        )
        .replace(
            "name = \"bucket\"",
            "name = \"bucket\"\ncost = { per_million_requests = 0.4, per_gb = 0.09 }",
        );
    let s = load_str(&text, "bill.toml", &Overrides::default()).unwrap();
    let (r, _) = common::run(&s);
    let b = cost::bill(&s, &r);
    let month = 100.0 * 86_400.0 * 30.0;
    let posts = r.summary.counts.upload_bytes as f64 / 4096.0 / r.summary.counts.requests as f64;
    assert!((posts - 0.5).abs() < 0.05, "POST share {posts}");
    let up_gb = month * posts * 4096.0 / GIB;
    close(
        b.origin_transfer,
        up_gb * rate("regions.US.origin_transfer_per_gb"),
    );
    let scale = month / r.summary.counts.requests as f64;
    let o = &r.origins[0];
    let want = o.requests as f64 * scale * 0.4 / 1e6 + o.bytes as f64 * scale / GIB * 0.09;
    close(b.origin, want);
}

#[test]
fn bad_cost_settings_name_their_key() {
    let base = us_only(100.0, "10KiB", "[cost]\ndays = 90");
    let e = load_str(&base, "bill.toml", &Overrides::default()).unwrap_err();
    assert!(e.to_string().contains("cost.days"), "{e}");
    let base = us_only(100.0, "10KiB", "[cost]\nfeatures = [\"websockets\"]");
    let e = load_str(&base, "bill.toml", &Overrides::default()).unwrap_err();
    assert!(e.to_string().contains("cost.features[0]"), "{e}");
    let base = us_only(
        100.0,
        "10KiB",
        "[cost]\npricing = \"/no/such/pricing.toml\"",
    );
    let e = load_str(&base, "bill.toml", &Overrides::default()).unwrap_err();
    assert!(e.to_string().contains("cost.pricing"), "{e}");
    let pop = us_only(100.0, "10KiB", "").replace(
        "code = \"IAD\"",
        "code = \"IAD\"\npricing_region = \"MARS\"",
    );
    let e = load_str(&pop, "bill.toml", &Overrides::default()).unwrap_err();
    assert!(e.to_string().contains("pops[0].pricing_region"), "{e}");
}

#[test]
fn a_run_writes_its_bill_to_summary_cost_csv_the_verdict_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["run", "--requests", "30000", "--out", "out"];
    let o = common::edgesim(dir.path(), &args);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let out = dir.path().join("out");
    let summary = &common::csv_rows(&out.join("summary.csv"))[0];
    let total: f64 = summary["cost_usd_month"].parse().unwrap();
    let lines = common::csv_rows(&out.join("cost.csv"));
    let charged: f64 = (lines.iter())
        .filter(|l| l["component"] != "flat_rate_plan")
        .map(|l| l["usd"].parse::<f64>().unwrap())
        .sum();
    // cost.csv's lines add up to summary.csv's total (each rounded to the cent).
    assert!(
        (charged - total).abs() <= 0.01 * lines.len() as f64,
        "{charged} vs {total}"
    );
    assert!(total > 0.0);
    // The default scenario's 10,000 requests a second are 25.92 B a month: no plan fits.
    assert_eq!(summary["monthly_requests"], "25920000000");
    assert_eq!(summary["flat_rate_plan"], "none");
    let plans: Vec<&str> = (lines.iter())
        .filter(|l| l["component"] == "flat_rate_plan")
        .map(|l| l["scope"].as_str())
        .collect();
    assert_eq!(plans, ["Free", "Pro", "Business", "Premium"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("a month pay-as-you-go"), "{stdout}");
    assert!(
        stdout.contains("No flat-rate plan fits: 25.9 B requests a month exceed Premium's 500 M"),
        "{stdout}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h2>The bill</h2>") && html.contains("Flat-rate plans"));
}
