//! `distribution.price_class`: POPs outside the class serve nothing, so viewers near them
//! go to the nearest POP inside it, and wait longer.

use crate::common;
use std::collections::BTreeMap;

fn rows(
    dir: &std::path::Path,
    file: &str,
    key: &str,
) -> BTreeMap<String, BTreeMap<String, String>> {
    common::csv_rows(&dir.join(file))
        .into_iter()
        .map(|r| (r[key].clone(), r))
        .collect()
}

#[test]
fn price_class_100_sends_asian_viewers_to_europe_or_america_and_their_latency_rises() {
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &str, extra: &[&str]| {
        let args = [
            "run",
            "--requests",
            "40000",
            "--out",
            out,
            "-q",
            "--no-charts",
        ];
        let o = common::edgesim(dir.path(), &[&args[..], extra].concat());
        assert!(o.status.success(), "{}", common::stderr(&o));
        dir.path().join(out)
    };
    let all = run("all", &[]);
    let hundred = run(
        "hundred",
        &["--set", "distribution.price_class=\"PriceClass_100\""],
    );
    // Tokyo's and Singapore's POPs (PriceClass_200) and Sao Paulo's (All) serve nothing.
    let pops = rows(&hundred, "pops.csv", "pop");
    for code in ["NRT", "SIN", "GRU"] {
        assert_eq!(pops[code]["requests"], "0", "{code}");
    }
    let traffic = common::csv_rows(&hundred.join("region_pops.csv"));
    let asia: Vec<_> = traffic
        .iter()
        .filter(|r| r["region"] == "asia-east" && r["requests"] != "0")
        .map(|r| r["pop"].as_str())
        .collect();
    assert!(
        !asia.is_empty()
            && asia
                .iter()
                .all(|p| ["IAD", "SFO", "LHR", "FRA"].contains(p)),
        "{asia:?}"
    );
    let p50 = |dir: &std::path::Path, region: &str| -> f64 {
        rows(dir, "regions.csv", "region")[region]["latency_p50_ms"]
            .parse()
            .unwrap()
    };
    for region in ["asia-east", "asia-southeast"] {
        let (before, after) = (p50(&all, region), p50(&hundred, region));
        assert!(
            after > before + 50.0,
            "{region}: p50 {before} ms with all POPs, {after} ms with PriceClass_100"
        );
    }
    // Europe is inside the class: its latency stays.
    let (before, after) = (p50(&all, "europe-central"), p50(&hundred, "europe-central"));
    assert!((after - before).abs() < 2.0, "{before} vs {after}");
    // The bill follows the POPs: only the US and Europe bill transfer under
    // PriceClass_100, at their cheaper rates, so the month costs less.
    let billed = |dir: &std::path::Path| -> Vec<String> {
        let lines = common::csv_rows(&dir.join("cost.csv"));
        let mut regions: Vec<String> = (lines.iter())
            .filter(|l| l["component"] == "transfer")
            .map(|l| l["scope"].clone())
            .collect();
        regions.dedup();
        regions
    };
    assert_eq!(billed(&all), ["AP", "EU", "JP", "SA", "US"]);
    assert_eq!(billed(&hundred), ["EU", "US"]);
    let cost = |dir: &std::path::Path| -> f64 {
        common::csv_rows(&dir.join("summary.csv"))[0]["cost_usd_month"]
            .parse()
            .unwrap()
    };
    assert!(
        cost(&hundred) < cost(&all),
        "{} vs {}",
        cost(&hundred),
        cost(&all)
    );
}

#[test]
fn a_pop_of_unknown_class_under_a_price_class_is_refused_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let sets = [
        "--set",
        "distribution.price_class=\"PriceClass_200\"",
        "--set",
        "pops[0].code=\"XYZ\"",
    ];
    let o = common::edgesim(
        dir.path(),
        &[
            &[
                "validate",
                concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/default.toml"),
            ][..],
            &sets,
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(2));
    let e = common::stderr(&o);
    assert!(
        e.contains("pops[0].price_class") && e.contains("\"XYZ\""),
        "{e}"
    );
    // Saying its class makes it valid.
    let more = ["--set", "pops[0].price_class=\"PriceClass_100\""];
    let o = common::edgesim(
        dir.path(),
        &[
            &[
                "validate",
                concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/default.toml"),
            ][..],
            &sets,
            &more,
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
}
