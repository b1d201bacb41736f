//! Exit codes: 0 success; 1 only for `--fail-on LEVEL` with a finding at or above it; 2 for usage,
//! input and knowledge-base errors, with a message that says where.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

use crate::support::{crampcheck, repo};

#[test]
fn fail_on_warning_exits_1_when_quinine_is_listed() {
    crampcheck()
        .args(["--fail-on", "warning", "check", "lipitor", "quinine 300 mg"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("QUININE WARNING"));
}

#[test]
fn fail_on_warning_exits_0_without_quinine() {
    crampcheck()
        .args([
            "--fail-on",
            "warning",
            "check",
            "lipitor",
            "Dyazide",
            "quinidine",
        ])
        .assert()
        .code(0);
}

#[test]
fn fail_on_low_exits_1_for_a_statin() {
    crampcheck()
        .args(["check", "lipitor", "--fail-on", "low"])
        .assert()
        .code(1);
}

#[test]
fn fail_on_high_exits_0_for_a_statin_alone() {
    crampcheck()
        .args(["check", "lipitor", "--fail-on", "high"])
        .assert()
        .code(0);
}

#[test]
fn fail_on_moderate_exits_1_for_a_thiazide() {
    crampcheck()
        .args(["--fail-on", "moderate", "check", "hctz 25 mg"])
        .assert()
        .code(1);
}

#[test]
fn fail_on_is_ignored_by_a_clear_list() {
    crampcheck()
        .args(["--fail-on", "low", "check", "metformin", "lisinopril"])
        .assert()
        .code(0);
}

#[test]
fn fail_on_applies_to_batch_too() {
    crampcheck()
        .args(["--fail-on", "warning", "batch", "data/sample/batch.csv"])
        .assert()
        .code(1);
    crampcheck()
        .args(["--fail-on", "warning", "batch", "-"])
        .write_stdin("patient,medication\nA,lipitor\n")
        .assert()
        .code(0);
}

#[test]
fn fail_on_wins_over_error_records() {
    crampcheck()
        .args(["--fail-on", "warning", "check", "quinine", ""])
        .assert()
        .code(1);
}

#[test]
fn error_records_alone_exit_3() {
    crampcheck().args(["check", "lipitor", ""]).assert().code(3);
}

#[test]
fn success_exits_0_with_nothing_on_stderr() {
    crampcheck()
        .args(["check", "lipitor"])
        .assert()
        .code(0)
        .stderr("");
}

#[test]
fn an_unknown_subcommand_exits_2() {
    crampcheck()
        .arg("frobnicate")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("frobnicate"));
}

#[test]
fn an_unknown_flag_exits_2() {
    crampcheck()
        .args(["check", "--frobnicate", "lipitor"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--frobnicate"));
}

#[test]
fn an_unknown_fail_on_level_exits_2() {
    crampcheck()
        .args(["--fail-on", "severe", "check", "lipitor"])
        .assert()
        .code(2);
}

#[test]
fn help_and_version_exit_0() {
    crampcheck()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Exit codes"));
    crampcheck()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("crampcheck "));
}

#[test]
fn kb_at_a_missing_directory_exits_2_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-kb");
    crampcheck()
        .arg("--kb")
        .arg(&missing)
        .args(["check", "lipitor"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(missing.to_str().unwrap()));
}

/// Copies the knowledge-base CSVs (not the vocabulary) into `dir`.
fn copy_kb(dir: &Path) {
    for f in ["drugs.csv", "aliases.csv", "sources.csv"] {
        fs::copy(repo("data").join(f), dir.join(f)).unwrap();
    }
}

#[test]
fn kb_copied_to_a_directory_works_like_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    copy_kb(dir.path());
    crampcheck()
        .arg("--kb")
        .arg(dir.path())
        .args(["--fail-on", "low", "check", "lipitor"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("atorvastatin"));
}

#[test]
fn kb_with_an_alias_to_an_unknown_ingredient_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    copy_kb(dir.path());
    let path = dir.path().join("aliases.csv");
    let text = fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // The first record after the header: point its alias at an ingredient that does not exist.
    let header = lines.iter().position(|l| l.starts_with("alias,")).unwrap();
    let n = header + 1;
    let fields: Vec<&str> = lines[n].splitn(3, ',').collect();
    assert!(
        !fields[0].starts_with('"'),
        "pick a simpler line: {}",
        lines[n]
    );
    lines[n] = format!("{},no-such-ingredient,{}", fields[0], fields[2]);
    fs::write(&path, lines.join("\n") + "\n").unwrap();

    crampcheck()
        .arg("--kb")
        .arg(dir.path())
        .args(["check", "lipitor"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(format!("aliases.csv:{}", n + 1)))
        .stderr(predicate::str::contains("no-such-ingredient"));
}

#[test]
fn kb_with_a_drug_citing_an_unknown_source_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    copy_kb(dir.path());
    let path = dir.path().join("sources.csv");
    let text = fs::read_to_string(&path).unwrap();
    // Drop the S1 line; drugs.csv still cites it.
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("S1,")).collect();
    assert_eq!(kept.len() + 1, text.lines().count());
    fs::write(&path, kept.join("\n") + "\n").unwrap();

    crampcheck()
        .arg("--kb")
        .arg(dir.path())
        .args(["check", "lipitor"])
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(r"drugs\.csv:\d+: ").unwrap())
        .stderr(predicate::str::contains("S1"));
}
