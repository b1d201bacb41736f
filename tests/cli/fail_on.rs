//! Exit codes that match the work: `--fail-on review` fires on any entry that needs a look, and
//! `--quiet` prints nothing on success.

use predicates::prelude::*;

use crate::support::crampcheck;

#[test]
fn fail_on_review_fires_on_an_entry_for_review() {
    crampcheck()
        .args(["check", "--fail-on", "review", "Advare"])
        .assert()
        .code(1);
}

#[test]
fn fail_on_review_fires_on_an_unrecognized_entry() {
    crampcheck()
        .args(["check", "--fail-on", "review", "xyzzy plugh"])
        .assert()
        .code(1);
}

#[test]
fn fail_on_review_fires_on_a_flagged_entry_and_not_on_a_clear_list() {
    crampcheck()
        .args(["check", "--fail-on", "review", "lipitor"])
        .assert()
        .code(1);
    crampcheck()
        .args([
            "check",
            "--fail-on",
            "review",
            "metformin",
            "lisinopril 10 mg",
        ])
        .assert()
        .success();
}

#[test]
fn fail_on_a_level_does_not_fire_on_review_alone() {
    crampcheck()
        .args(["check", "--fail-on", "low", "Advare", "xyzzy"])
        .assert()
        .success();
}

#[test]
fn quiet_prints_nothing_on_success() {
    crampcheck()
        .args(["check", "--quiet", "metformin", "lipitor"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn quiet_prints_nothing_on_success_for_files_batches_and_merges() {
    let dir = tempfile::tempdir().unwrap();
    let meds = dir.path().join("meds.csv");
    std::fs::write(&meds, "patient,medication\nP1,lipitor\nP2,metformin\n").unwrap();
    let summary = dir.path().join("summary.csv");
    crampcheck()
        .args(["batch", "--summary", "--format", "csv", "-o"])
        .arg(&summary)
        .arg(&meds)
        .assert()
        .success();
    let runs: [Vec<std::ffi::OsString>; 3] = [
        vec!["check".into(), "--file".into(), meds.clone().into()],
        vec!["batch".into(), meds.clone().into()],
        vec!["merge-summaries".into(), summary.clone().into()],
    ];
    for args in runs {
        crampcheck()
            .arg("-q")
            .args(&args)
            .assert()
            .success()
            .stdout("")
            .stderr("");
        // Without it, stderr says what was read.
        crampcheck()
            .args(&args)
            .assert()
            .success()
            .stderr(predicate::str::is_empty().not());
    }
}

#[test]
fn quiet_still_warns_of_records_that_could_not_be_read() {
    crampcheck()
        .args(["batch", "-q", "-"])
        .write_stdin("patient,medication\nP1,\"lipitor\n")
        .assert()
        .code(3)
        .stdout("")
        .stderr(predicate::str::contains("could not be read"));
}

#[test]
fn quiet_says_why_on_stderr_when_fail_on_fires() {
    crampcheck()
        .args(["check", "-q", "--fail-on", "warning", "quinine"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "--fail-on reached: 1 entry: 1 quinine warning",
        ));
}

#[test]
fn quiet_still_writes_the_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    crampcheck()
        .args(["check", "-q", "--format", "csv", "lipitor", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("atorvastatin")
    );
}

#[test]
fn check_and_batch_help_carry_the_disclaimer() {
    for cmd in ["check", "batch"] {
        crampcheck()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "Decision support for professionals, not medical advice.",
            ));
    }
}

#[test]
fn help_documents_fail_on_review() {
    crampcheck()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("review"))
        .stdout(predicate::str::contains("--quiet"));
}
