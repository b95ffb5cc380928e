//! `edgesim import cloudfront`: real-shaped configurations in, scenarios out that validate,
//! run, and carry the distribution's failover codes, shield, behavior order and TTLs; an
//! unknown custom cache policy is refused, and unmodelled fields are listed.

use crate::common;
use edgesim::scenario::{load_file, Overrides, ScenarioSpec};
use edgesim::units::{Duration, SEC};
use std::path::{Path, PathBuf};

fn config(name: &str) -> String {
    common::data(&format!("cloudfront/configs/{name}"))
        .display()
        .to_string()
}

/// Imports `file` with `extra` arguments into `dir/NAME.toml`; returns it and stderr.
fn import(dir: &Path, file: &str, extra: &[&str]) -> (PathBuf, String) {
    let out = dir.join("imported.toml");
    let args = ["import", "cloudfront", file, "--out", out.to_str().unwrap()];
    let o = common::edgesim(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[&args[..], extra].concat(),
    );
    assert!(o.status.success(), "{file}: {}", common::stderr(&o));
    (out, common::stderr(&o))
}

/// Runs the scenario at `path` into `dir/run`, quietly, with `extra` arguments.
fn run(dir: &Path, path: &Path, extra: &[&str]) -> PathBuf {
    let run = dir.join("run");
    let (p, r) = (path.to_str().unwrap(), run.to_str().unwrap());
    let args = ["run", p, "--out", r, "-q", "--no-charts"];
    let o = common::edgesim(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[&args[..], extra].concat(),
    );
    assert!(o.status.success(), "{p}: {}", common::stderr(&o));
    run
}

/// The scenario at `path`, which must validate.
fn load(path: &Path) -> ScenarioSpec {
    let scenario = load_file(path, &Overrides::default()).expect("the imported scenario validates");
    scenario.spec().clone()
}

/// Loads the imported scenario, and runs it briefly into `dir/run`.
fn check(dir: &Path, path: &Path) -> ScenarioSpec {
    let spec = load(path);
    let run = run(dir, path, &["--duration", "40s", "--set", "warmup=\"10s\""]);
    let summary = &common::csv_rows(&run.join("summary.csv"))[0];
    assert!(summary["requests"].parse::<u64>().unwrap() > 1000);
    spec
}

fn ttl(d: Duration) -> u64 {
    d.0 / SEC
}

fn ttls(b: &edgesim::behavior::BehaviorSpec) -> (u64, u64, u64) {
    (ttl(b.ttl.min), ttl(b.ttl.default), ttl(b.ttl.max))
}

#[test]
fn an_s3_origin_with_legacy_ttls() {
    let dir = tempfile::tempdir().unwrap();
    let (path, stderr) = import(dir.path(), &config("s3-legacy.json"), &[]);
    let s = check(dir.path(), &path);
    assert_eq!(s.origins.len(), 1);
    let o = &s.origins[0];
    assert_eq!(o.name, "site-bucket");
    // eu-west-1, Ireland, from the bucket's endpoint name.
    assert!((o.lat - 53.35).abs() < 0.01 && (o.lon + 6.26).abs() < 0.01);
    assert_eq!(s.behaviors.len(), 1);
    assert_eq!(s.behaviors[0].path_pattern.as_deref(), Some("/images/*"));
    assert_eq!(ttls(&s.behaviors[0]), (60, 86_400, 31_536_000));
    assert_eq!(ttls(&s.default_behavior), (0, 3600, 86_400));
    assert_eq!(s.custom_error_responses[0].error_code, 404);
    assert_eq!(ttl(s.custom_error_responses[0].error_caching_min_ttl), 60);
    // PriceClass_100: North America and Europe only.
    assert!(s.pops.iter().any(|p| p.code == "FRA") && s.pops.iter().any(|p| p.code == "IAD"));
    assert!(!s
        .pops
        .iter()
        .any(|p| ["NRT", "GRU", "SYD"].contains(&p.code.as_str())));
    assert_eq!(s.distribution.price_class, edgesim::data::PriceClass::P100);
    assert!(
        stderr.contains("DefaultCacheBehavior.ForwardedValues"),
        "{stderr}"
    );
    // Legacy ForwardedValues rules out the flat-rate plans (cloudfront.md §11).
    assert_eq!(s.cost.features, ["legacy ForwardedValues"]);
}

#[test]
fn an_origin_group_fails_over_on_403_and_404_from_s3_to_a_lambda_function_url() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = import(dir.path(), &config("failover-lambda.json"), &[]);
    let s = check(dir.path(), &path);
    // Its LambdaFunctionAssociations list is empty: nothing rules the plans out.
    assert!(s.cost.features.is_empty());
    let g = &s.origin_groups[0];
    assert_eq!(g.name, "bucket-then-function");
    assert_eq!(g.members, ["content-bucket", "render-function"]);
    assert_eq!(g.failover_status_codes, [403, 404]);
    assert_eq!(
        s.default_behavior.origin.as_deref(),
        Some("bucket-then-function")
    );
    // The function URL is in us-west-2 (Oregon), the bucket in us-east-1.
    let f = s
        .origins
        .iter()
        .find(|o| o.name == "render-function")
        .unwrap();
    assert!((f.lat - 45.84).abs() < 0.01);
    assert_eq!(ttls(&s.default_behavior), (1, 86_400, 31_536_000));
    let failover = common::csv_rows(&dir.path().join("run/failover.csv"));
    assert!(!failover.is_empty());
}

#[test]
fn an_alb_with_origin_shield_and_managed_cache_policies() {
    let dir = tempfile::tempdir().unwrap();
    let (path, stderr) = import(dir.path(), &config("alb-shield.json"), &[]);
    let s = check(dir.path(), &path);
    let o = &s.origins[0];
    assert_eq!(o.shield.as_deref(), Some("eu-central-1"));
    assert!(s.regional_caches.iter().any(|r| r.name == "eu-central-1"));
    assert_eq!((ttl(o.connection_timeout), ttl(o.read_timeout)), (4, 45));
    assert_eq!(o.connection_attempts, 2);
    let patterns: Vec<&str> = s
        .behaviors
        .iter()
        .map(|b| b.path_pattern.as_deref().unwrap())
        .collect();
    assert_eq!(patterns, ["/api/*", "/static/*"]);
    assert_eq!(ttls(&s.behaviors[0]), (0, 0, 0), "CachingDisabled");
    assert_eq!(
        ttls(&s.behaviors[1]),
        (1, 86_400, 31_536_000),
        "CachingOptimized"
    );
    assert_eq!(
        ttls(&s.default_behavior),
        (0, 0, 31_536_000),
        "UseOriginCacheControlHeaders"
    );
    assert_eq!(s.behaviors[0].allowed_methods.len(), 7);
    // Every unmodelled field is named, on stderr and at the top of the file.
    let text = std::fs::read_to_string(&path).unwrap();
    for field in [
        "DefaultCacheBehavior.LambdaFunctionAssociations",
        "WebACLId",
        "Restrictions",
        "Origins[0].OriginCustomHeaders",
        "DefaultCacheBehavior.OriginRequestPolicyId",
    ] {
        assert!(
            stderr.contains(&format!("not modelled: {field}")),
            "{field}: {stderr}"
        );
        assert!(
            text.contains(&format!("#   - {field}")),
            "{field} not listed in the file"
        );
    }
    // The run went through the shield: its regional cache served requests.
    let pops = common::csv_rows(&dir.path().join("run/summary.csv"));
    assert!(pops[0]["hit_ratio_shield"].parse::<f64>().unwrap() > 0.0);
    // The Lambda@Edge association rules out every flat-rate plan, and the bill says so;
    // Origin Shield is billed.
    assert_eq!(s.cost.features, ["Lambda@Edge"]);
    assert_eq!(pops[0]["flat_rate_plan"], "none");
    assert!(pops[0]["cost_shield_usd"].parse::<f64>().unwrap() > 0.0);
    let plans = common::csv_rows(&dir.path().join("run/cost.csv"));
    let pro = plans.iter().find(|l| l["scope"] == "Pro").unwrap();
    assert_eq!(pro["note"], "flat-rate plans exclude Lambda@Edge");
}

#[test]
fn a_cloudformation_yaml_template_with_short_form_functions() {
    let dir = tempfile::tempdir().unwrap();
    let file = config("template.yaml");
    let o = common::edgesim(Path::new("."), &["import", "cloudfront", &file]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::stderr(&o).contains("--distribution"),
        "{}",
        common::stderr(&o)
    );
    let (path, stderr) = import(
        dir.path(),
        &file,
        &[
            "--distribution",
            "MediaDistribution",
            "--origin-region",
            "media-bucket=ap-northeast-1",
        ],
    );
    let s = check(dir.path(), &path);
    let patterns: Vec<&str> = s
        .behaviors
        .iter()
        .map(|b| b.path_pattern.as_deref().unwrap())
        .collect();
    assert_eq!(patterns, ["/premium/*", "*.m3u8"]);
    // The template's own cache policy, named by !Ref, and a managed one.
    assert_eq!(ttls(&s.behaviors[0]), (60, 600, 3600));
    assert_eq!(ttls(&s.behaviors[1]), (0, 86_400, 31_536_000));
    assert_eq!(s.behaviors[0].trusted_key_groups, ["PremiumKeyGroup"]);
    let packager = s
        .origins
        .iter()
        .find(|o| o.name == "media-packager")
        .unwrap();
    assert_eq!(packager.shield.as_deref(), Some("ap-northeast-1"));
    let bucket = s.origins.iter().find(|o| o.name == "media-bucket").unwrap();
    assert!(
        (bucket.lat - 35.68).abs() < 0.01,
        "--origin-region places it in Tokyo"
    );
    assert!(
        stderr.contains("CacheBehaviors[1].FunctionAssociations"),
        "{stderr}"
    );
    assert_eq!(ttl(s.custom_error_responses[0].error_caching_min_ttl), 30);
}

#[test]
fn an_unknown_custom_cache_policy_is_refused_until_its_file_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let file = config("custom-policy.json");
    let o = common::edgesim(dir.path(), &["import", "cloudfront", &file]);
    assert_eq!(o.status.code(), Some(2));
    let e = common::stderr(&o);
    assert!(e.contains("a1b2c3d4-aaaa-bbbb-cccc-0123456789ab"), "{e}");
    assert!(
        e.contains("aws cloudfront get-cache-policy --id a1b2c3d4-aaaa-bbbb-cccc-0123456789ab"),
        "{e}"
    );
    assert!(!dir.path().join("imported.toml").exists());
    let policy = config("custom-policy.cache-policy.json");
    let (path, stderr) = import(dir.path(), &file, &["--cache-policy", &policy]);
    let s = check(dir.path(), &path);
    assert_eq!(ttls(&s.default_behavior), (30, 300, 3600));
    assert!(stderr.contains("Enabled is false"), "{stderr}");
    assert!(stderr.contains("--origin-region app=REGION"), "{stderr}");
}

#[test]
fn with_logs_the_workload_is_the_log_and_the_run_is_calibrated_against_it() {
    let dir = tempfile::tempdir().unwrap();
    let logs = common::data("cloudfront/logs").display().to_string();
    let (path, _) = import(dir.path(), &config("alb-shield.json"), &["--logs", &logs]);
    let s = load(&path);
    let mut regions: Vec<&str> = s.regions.iter().map(|r| r.name.as_str()).collect();
    regions.sort();
    assert_eq!(regions, ["FRA", "GRU", "IAD", "NRT"]);
    assert_eq!(s.workload.trace.as_ref().unwrap().file, logs);
    let run = run(dir.path(), &path, &[]);
    let rows = common::csv_rows(&run.join("calibration.csv"));
    let pops: Vec<&str> = rows
        .iter()
        .filter(|r| r["scope"] == "pop")
        .map(|r| r["key"].as_str())
        .collect();
    assert_eq!(pops, ["FRA", "GRU", "IAD", "NRT"]);
    let overall = &rows[0];
    assert_eq!(overall["requests_observed"], overall["requests_simulated"]);
    // Continents instead of metros.
    let (path, _) = import(
        dir.path(),
        &config("alb-shield.json"),
        &["--logs", &logs, "--regions", "continent"],
    );
    let s = load(&path);
    let mut regions: Vec<&str> = s.regions.iter().map(|r| r.name.as_str()).collect();
    regions.sort();
    assert_eq!(regions, ["AS", "EU", "NA", "SA"]);
}

#[test]
fn malformed_configurations_are_bad_input_that_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("top.json", "[1, 2]", "expected an object at the top level"),
        (
            "id.json",
            r#"{"Origins": [{"DomainName": "x"}], "DefaultCacheBehavior": {}}"#,
            "Origins[0]: an origin needs an Id",
        ),
        (
            "ttl.json",
            r#"{"Origins": [{"Id": "o"}], "DefaultCacheBehavior": {"TargetOriginId": "o", "MinTTL": "abc"}}"#,
            "DefaultCacheBehavior.MinTTL: expected a whole number",
        ),
        (
            "class.json",
            r#"{"Origins": [{"Id": "o"}], "DefaultCacheBehavior": {"TargetOriginId": "o"}, "PriceClass": "PriceClass_300"}"#,
            "PriceClass: \"PriceClass_300\" is not",
        ),
        ("bad.yaml", "Resources: [unclosed", "neither JSON nor YAML"),
        (
            "none.yaml",
            "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n",
            "no AWS::CloudFront::Distribution",
        ),
    ];
    for (name, text, says) in cases {
        std::fs::write(dir.path().join(name), text).unwrap();
        let o = common::edgesim(
            dir.path(),
            &["import", "cloudfront", name, "--out", "x.toml"],
        );
        assert_eq!(o.status.code(), Some(2), "{name}");
        let e = common::stderr(&o);
        assert!(e.contains(name) && e.contains(says), "{name}: {e}");
        assert!(
            !dir.path().join("x.toml").exists(),
            "{name}: no file is written"
        );
    }
}

#[test]
fn logged_edge_locations_outside_the_price_class_still_serve() {
    // s3-legacy is PriceClass_100; the fixture's logs were served in NRT and GRU too.
    let dir = tempfile::tempdir().unwrap();
    let logs = common::data("cloudfront/logs").display().to_string();
    let (path, stderr) = import(dir.path(), &config("s3-legacy.json"), &["--logs", &logs]);
    assert!(
        stderr.contains("served in NRT, outside PriceClass_100"),
        "{stderr}"
    );
    let run = run(dir.path(), &path, &[]);
    let pops: std::collections::BTreeMap<String, String> = common::csv_rows(&run.join("pops.csv"))
        .into_iter()
        .map(|r| (r["pop"].clone(), r["requests"].clone()))
        .collect();
    for code in ["NRT", "GRU"] {
        let served = pops.get(code).unwrap_or_else(|| panic!("no POP {code}"));
        assert_ne!(served, "0", "{code} serves its logged requests");
    }
}
