//! The fault schedule's parsing, combination and checks.

use super::*;
use crate::units::SEC;

fn faults(toml_text: &str) -> Vec<FaultSpec> {
    #[derive(Deserialize)]
    struct F {
        faults: Vec<FaultSpec>,
    }
    toml::from_str::<F>(toml_text).unwrap().faults
}

#[test]
fn overlapping_origin_faults_combine_inside_their_windows_only() {
    let all = faults(
        r#"
        [[faults]]
        kind = "origin_slowdown"
        origin = "a"
        factor = 2.0
        added = "10ms"
        start = "10s"
        duration = "20s"
        [[faults]]
        kind = "origin_slowdown"
        origin = "a"
        factor = 3.0
        start = "20s"
        duration = "20s"
        [[faults]]
        kind = "origin_outage"
        origin = "a"
        mode = "blackhole"
        start = "25s"
        duration = "1s"
        [[faults]]
        kind = "origin_errors"
        origin = "b"
        status = 503
        share = 0.5
        start = "0s"
        duration = "1h"
        "#,
    );
    let a = aimed_at(&all, "a");
    assert_eq!(a.at(9 * SEC), None);
    let c = a.at(15 * SEC).unwrap();
    assert_eq!((c.factor, c.added, c.outage), (2.0, 10_000_000, None));
    let c = a.at(25 * SEC).unwrap();
    assert_eq!(c.factor, 6.0);
    assert_eq!(c.outage, Some(OutageMode::Blackhole));
    // The end of a window is outside it.
    assert_eq!(a.at(30 * SEC).unwrap().factor, 3.0);
    assert_eq!(a.at(40 * SEC), None);
    let b = aimed_at(&all, "b");
    assert_eq!(b.at(0).unwrap().errors, vec![(503, 0.5)]);
}

#[test]
fn a_fault_aimed_at_an_unknown_target_names_the_key() {
    let all = faults(
        r#"
        [[faults]]
        kind = "origin_hang"
        origin = "nope"
        start = "1s"
        duration = "1s"
        "#,
    );
    let names = Names {
        pops: vec!["IAD"],
        origins: vec!["a", "b"],
        ..Names::default()
    };
    let e = all[0].check("faults[0]", &names).unwrap_err();
    assert_eq!(e.path, "faults[0].origin");
    assert!(e.message.contains("\"nope\""), "{}", e.message);
    let all = faults(
        r#"
        [[faults]]
        kind = "latency"
        between = ["IAD", "mars"]
        start = "1s"
        duration = "1s"
        "#,
    );
    let e = all[0].check("faults[0]", &names).unwrap_err();
    assert_eq!(e.path, "faults[0].between[1]");
}
