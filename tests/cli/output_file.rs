//! `-o FILE`: the output goes to the file (through a temporary file renamed into place), nothing
//! to stdout, never over an input, and nothing left behind.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use predicates::prelude::*;

use crate::support::{Record, collapsed_pairs, crampcheck, input_records, parse_csv, repo};

fn names(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// A temporary directory holding a copy of the sample batch (never write near `data/`).
fn with_batch_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(repo("data/sample/batch.csv"), dir.path().join("batch.csv")).unwrap();
    dir
}

#[test]
fn output_flag_writes_the_file_and_nothing_to_stdout() {
    let dir = with_batch_copy();
    let out = dir.path().join("out.csv");
    crampcheck()
        .arg("batch")
        .arg(dir.path().join("batch.csv"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout("")
        // Nothing but the line that says which columns were read, and the totals.
        .stderr(format!(
            "crampcheck: {}: medication column: \"medication\" (2), patient: \"patient_id\" (1)\n\
             crampcheck: read 261 records, wrote 270 records, 0 errors\n",
            dir.path().join("batch.csv").display()
        ));
    let written = fs::read(&out).unwrap();
    let stdout = crampcheck()
        .arg("batch")
        .arg(dir.path().join("batch.csv"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(written == stdout, "-o and stdout differ");
    let records: Vec<Record> = parse_csv(&written);
    assert_eq!(
        collapsed_pairs(&records),
        input_records(&dir.path().join("batch.csv"))
    );
}

#[test]
fn output_flag_writes_check_csv_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    crampcheck()
        .args(["check", "-f", "csv", "lipitor", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let records: Vec<Record> = parse_csv(&fs::read(&out).unwrap());
    assert_eq!(records[0].ingredient, "atorvastatin");
}

#[test]
fn output_flag_replaces_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    fs::write(
        &out,
        "old content that is much longer than nothing\n".repeat(100),
    )
    .unwrap();
    crampcheck()
        .args(["check", "-f", "jsonl", "lipitor", "-o"])
        .arg(&out)
        .assert()
        .success();
    let text = fs::read_to_string(&out).unwrap();
    assert!(!text.contains("old content"));
    assert_eq!(text.lines().count(), 1);
}

#[test]
fn output_over_the_batch_input_is_refused_and_the_input_kept() {
    let dir = with_batch_copy();
    let input = dir.path().join("batch.csv");
    let before = fs::read(&input).unwrap();
    crampcheck()
        .arg("batch")
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "refusing to write the output over the input",
        ));
    assert!(fs::read(&input).unwrap() == before, "the input changed");
    assert_eq!(names(dir.path()), BTreeSet::from(["batch.csv".to_owned()]));
}

#[test]
fn output_over_the_batch_input_by_another_spelling_is_refused() {
    let dir = with_batch_copy();
    fs::create_dir(dir.path().join("sub")).unwrap();
    crampcheck()
        .current_dir(dir.path())
        .args(["batch", "batch.csv", "-o", "./sub/../batch.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "refusing to write the output over the input",
        ));
    crampcheck()
        .current_dir(dir.path())
        .args(["batch", "./batch.csv", "-o", "batch.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "refusing to write the output over the input",
        ));
}

#[test]
fn output_over_the_check_input_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    fs::write(&list, "lipitor\n").unwrap();
    crampcheck()
        .arg("check")
        .arg("--file")
        .arg(&list)
        .arg("-o")
        .arg(&list)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "refusing to write the output over the input",
        ));
    assert_eq!(fs::read_to_string(&list).unwrap(), "lipitor\n");
}

#[test]
fn output_leaves_no_temporary_file_after_success() {
    let dir = with_batch_copy();
    crampcheck()
        .current_dir(dir.path())
        .args(["batch", "batch.csv", "-o", "out.csv"])
        .assert()
        .success();
    assert_eq!(
        names(dir.path()),
        BTreeSet::from(["batch.csv".to_owned(), "out.csv".to_owned()])
    );
}

#[test]
fn output_leaves_nothing_behind_after_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.csv"), "who,what\nA,lipitor\n").unwrap();
    crampcheck()
        .current_dir(dir.path())
        .args(["batch", "bad.csv", "-o", "out.csv"])
        .assert()
        .code(2);
    assert_eq!(names(dir.path()), BTreeSet::from(["bad.csv".to_owned()]));
}

#[test]
fn output_into_a_missing_directory_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no-such-dir").join("out.csv");
    crampcheck()
        .args(["check", "lipitor", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-dir"));
}

#[cfg(unix)]
#[test]
fn output_file_gets_the_same_permissions_as_any_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // What the umask gives a file created the ordinary way.
    let plain = dir.path().join("plain");
    fs::write(&plain, "").unwrap();
    let expected = fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
    let out = dir.path().join("out.csv");
    crampcheck()
        .args(["check", "-f", "csv", "lipitor", "-o"])
        .arg(&out)
        .assert()
        .success();
    let mode = fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(format!("{mode:o}"), format!("{expected:o}"));
}
