//! The README documents every output column, every result file and the exit codes, and
//! gives the test command that CI runs.

use edgesim::report::{
    CONNECTION_COLUMNS, FAILOVER_COLUMNS, FAULT_COLUMNS, ORIGIN_SERIES_COLUMNS, REGION_POP_COLUMNS,
    RUN_FILES, SUMMARY_KEYS,
};
use edgesim::stats::columns::{metrics, ORIGINS};

const README: &str = include_str!("../../README.md");
const CI: &str = include_str!("../../.ci/run");

#[test]
fn every_column_is_documented_with_its_meaning() {
    for c in metrics() {
        assert!(
            README.contains(&format!("| `{}` | {} |", c.name, c.doc)),
            "README lacks {}",
            c.name
        );
    }
    for c in ORIGINS {
        assert!(
            README.contains(&format!("| `{}` | {} |", c.name, c.doc)),
            "README lacks {}",
            c.name
        );
    }
    let files = FAILOVER_COLUMNS.iter().chain(FAULT_COLUMNS);
    let files = files.chain(ORIGIN_SERIES_COLUMNS).chain(REGION_POP_COLUMNS);
    let files = files.chain(edgesim::replay::MRC_COLUMNS);
    for (name, doc) in files.chain(CONNECTION_COLUMNS) {
        assert!(
            README.contains(&format!("| `{name}` | {doc} |")),
            "README lacks {name}"
        );
    }
    for (key, _) in SUMMARY_KEYS {
        assert!(README.contains(&format!("`{key}`")), "README lacks {key}");
    }
    for f in RUN_FILES {
        assert!(README.contains(&format!("| `{f}` |")), "README lacks {f}");
    }
}

#[test]
fn exit_codes_and_commands_are_documented() {
    for code in ["| 0 |", "| 1 |", "| 2 |"] {
        assert!(README.contains(code), "{code}");
    }
    assert!(README.contains("cargo run --release -- run"));
    assert!(README.contains("cargo test "));
    let ci_tests: Vec<_> = CI.lines().filter(|l| l.starts_with("cargo test")).collect();
    assert_eq!(
        ci_tests,
        ["cargo test"],
        "CI runs the README's test command"
    );
}
