//! The README documents every column of every CSV file, every result file and the exit
//! codes, and gives the test command that CI runs. Its column reference is generated from
//! the column lists: `EDGESIM_BLESS=1 cargo test --release readme` rewrites it after a change.

use crate::common;
use edgesim::report::{
    column_reference, tables, PARAMETER_COLUMN, RUN_FILES, STATISTICS, SUMMARY_COLUMNS,
};

const README_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
const BEGIN: &str =
    "<!-- column reference: generated from the code, see tests/suite/readme.rs -->\n";
const END: &str = "<!-- end of the column reference -->\n";
const CI: &str = include_str!("../../.ci/run");

/// Where the README's column reference block is.
fn span(readme: &str) -> std::ops::Range<usize> {
    let start = readme
        .find(BEGIN)
        .expect("the README has a column reference")
        + BEGIN.len();
    let end = readme[start..]
        .find(END)
        .expect("the column reference ends")
        + start;
    start..end
}

/// The README's column reference block.
fn block(readme: &str) -> &str {
    &readme[span(readme)]
}

#[test]
fn the_readme_column_reference_is_the_one_the_code_generates() {
    let readme = std::fs::read_to_string(README_PATH).unwrap();
    let want = column_reference();
    if block(&readme) != want && std::env::var_os("EDGESIM_BLESS").is_some() {
        let mut fixed = readme.clone();
        fixed.replace_range(span(&readme), &want);
        std::fs::write(README_PATH, fixed).unwrap();
        return;
    }
    assert!(
        block(&readme) == want,
        "README's column reference is out of date; run `EDGESIM_BLESS=1 cargo test --release readme`"
    );
}

#[test]
fn every_table_and_column_is_in_the_readme() {
    let readme = std::fs::read_to_string(README_PATH).unwrap();
    let reference = block(&readme);
    for t in tables() {
        let at = reference
            .find(&format!("#### `{}`", t.file))
            .unwrap_or_else(|| panic!("README lacks {}", t.file));
        let section = &reference[at..];
        for (name, doc) in &t.columns {
            assert!(
                section.contains(&format!("| `{name}` | {doc} |")),
                "README lacks {}'s column {name}",
                t.file
            );
        }
    }
    for f in RUN_FILES {
        assert!(readme.contains(&format!("| `{f}` |")), "README lacks {f}");
    }
}

/// The header of `path`, a CSV file.
fn header(path: &std::path::Path) -> Vec<String> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.headers().unwrap().iter().map(String::from).collect()
}

#[test]
fn every_csv_file_any_command_writes_has_exactly_the_documented_columns() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |args: &[&str]| {
        let o = common::edgesim(d, args);
        assert!(o.status.success(), "{args:?}: {}", common::stderr(&o));
    };
    let failover = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/origin-failover.toml"
    );
    let set = [
        "--set",
        "duration=\"6m\"",
        "--log-sample",
        "0.01",
        "--no-charts",
    ];
    run(&[&["run", failover, "--out", "a"][..], &set].concat());
    run(&[
        &["run", failover, "--out", "b", "--set", "seed=2"][..],
        &set,
    ]
    .concat());
    run(&["report", "a", "b", "--out", "ab"]);
    let trace = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/trace-small.csv");
    run(&[
        "replay",
        trace,
        "--policies",
        "lru",
        "--capacities",
        "1%",
        "--out",
        "r",
        "--no-charts",
        "-q",
    ]);
    run(&[
        "compare",
        failover,
        "--policies",
        "lru",
        "--capacities",
        "1GiB",
        "--out",
        "c",
        "-q",
        "--set",
        "duration=\"6m\"",
    ]);
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cloudfront/replay.toml"
    );
    let logs = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cloudfront/logs");
    let logs = format!("workload.trace.file={logs:?}");
    run(&[
        "run",
        fixture,
        "--out",
        "cf",
        "--no-charts",
        "-q",
        "--set",
        &logs,
    ]);
    let metrics: Vec<&str> = edgesim::stats::columns::metrics().map(|c| c.name).collect();
    let mut seen = Vec::new();
    for folder in ["a", "ab", "r", "c", "cf"] {
        for entry in std::fs::read_dir(d.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "csv") {
                seen.push((folder, path));
            }
        }
    }
    let docs = tables();
    for (folder, path) in &seen {
        let file = path.file_name().unwrap().to_str().unwrap();
        let t = docs
            .iter()
            .find(|t| t.file == file)
            .unwrap_or_else(|| panic!("{folder}/{file} is not documented"));
        let mut want: Vec<&str> = t.columns.iter().map(|(n, _)| *n).collect();
        if t.metrics {
            want.extend(&metrics);
        }
        let mut got = header(path);
        if file == "study.csv" || file == "study_summary.csv" {
            // compare's parameters, then the columns the placeholders stand for.
            assert_eq!(got[..2], ["policy", "capacity"], "{folder}/{file}");
            got.drain(..2);
            let summary: Vec<String> = docs[0]
                .columns
                .iter()
                .map(|(n, _)| n.to_string())
                .chain(metrics.iter().map(|m| m.to_string()))
                .collect();
            want.retain(|w| *w != PARAMETER_COLUMN && !w.starts_with("<column>"));
            want.retain(|w| *w != "verdict");
            let mut expanded: Vec<String> = want.iter().map(|w| w.to_string()).collect();
            match file {
                "study.csv" => {
                    expanded.retain(|w| w != SUMMARY_COLUMNS);
                    expanded.extend(summary);
                }
                _ => {
                    for c in summary
                        .iter()
                        .filter(|c| !["scenario", "seed", "flat_rate_plan"].contains(&c.as_str()))
                    {
                        expanded.extend(STATISTICS.iter().map(|(s, _)| format!("{c}_{s}")));
                    }
                }
            }
            assert_eq!(got, expanded, "{folder}/{file}");
            continue;
        }
        if file == "comparison.csv" {
            assert_eq!(got[1..], ["a", "b", "b_minus_a", "b_vs_a_pct"]);
            got.truncate(1);
            want.truncate(1);
        }
        assert_eq!(got, want, "{folder}/{file}");
    }
    let files: Vec<&str> = seen
        .iter()
        .map(|(_, p)| p.file_name().unwrap().to_str().unwrap())
        .collect();
    for t in &docs {
        assert!(files.contains(&t.file), "no command wrote {}", t.file);
    }
}

#[test]
fn exit_codes_and_commands_are_documented() {
    let readme = std::fs::read_to_string(README_PATH).unwrap();
    for code in ["| 0 |", "| 1 |", "| 2 |"] {
        assert!(readme.contains(code), "{code}");
    }
    // The opening code block holds the two commands that matter: run, then test.
    let block = readme
        .split("```sh\n")
        .nth(1)
        .expect("README opens with a sh block");
    let block = &block[..block.find("```").expect("the block closes")];
    let commands: Vec<&str> = block
        .lines()
        .map(|l| l.split('#').next().unwrap().trim())
        .collect();
    assert_eq!(
        commands,
        ["cargo run --release -- run", "cargo test --release"]
    );
    let ci_tests: Vec<_> = CI.lines().filter(|l| l.starts_with("cargo test")).collect();
    assert_eq!(
        ci_tests[0], commands[1],
        "CI runs the README's test command first"
    );
    // The others run ignored tests (that need a real component) by name.
    for t in &ci_tests[1..] {
        assert!(
            t.starts_with("cargo test --release") && t.contains(" -- --ignored "),
            "{t}"
        );
    }
}
