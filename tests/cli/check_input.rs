//! `check --file`: CSV with a medication column, one entry per line, standard input, column
//! choice, delimiters and the encodings and line endings files arrive in; and the errors for a
//! missing column, a missing file and an empty file.

use std::fs;

use predicates::prelude::*;

use crate::support::{Record, Status, crampcheck, fixture, parse_csv, repo, stdout_of};

fn check_csv(args: &[&str]) -> Vec<Record> {
    parse_csv(&stdout_of(
        crampcheck().args(["check", "--format", "csv"]).args(args),
    ))
}

fn check_csv_stdin(args: &[&str], stdin: impl Into<Vec<u8>>) -> Vec<Record> {
    parse_csv(&stdout_of(
        crampcheck()
            .args(["check", "--format", "csv"])
            .args(args)
            .write_stdin(stdin.into()),
    ))
}

/// `(row, input)` of each entry, once.
fn entries(records: &[Record]) -> Vec<(u64, String)> {
    let mut v: Vec<(u64, String)> = records.iter().map(|r| (r.row, r.input.clone())).collect();
    v.dedup();
    v
}

fn flags(records: &[Record], ingredient: &str) -> bool {
    records.iter().any(|r| {
        matches!(r.status, Status::Flagged | Status::Warning) && r.ingredient == ingredient
    })
}

/// A file in a fresh temporary directory, written byte for byte.
fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, bytes).unwrap();
    (dir, path)
}

#[test]
fn check_file_reads_the_medication_column_of_a_csv() {
    let records = check_csv(&["--file", "data/sample/patient.csv"]);
    let e = entries(&records);
    assert_eq!(e.len(), 12, "{e:#?}");
    assert_eq!(
        e[0],
        (1, "Atorvastatin Calcium 20 MG Oral Tablet".to_owned())
    );
    assert_eq!(e[11], (12, "Vitamin D3 1000 unit".to_owned()));
    // The sig and prescriber columns are not screened.
    assert!(records.iter().all(|r| !r.input.contains("tablet daily")));
    assert!(flags(&records, "atorvastatin"));
    assert!(flags(&records, "quinine"));
    assert!(flags(&records, "salmeterol"));
}

#[test]
fn check_file_reads_one_entry_per_line_from_a_text_file() {
    let records = check_csv(&["--file", "data/sample/patient.txt"]);
    let e = entries(&records);
    assert_eq!(e.len(), 8, "{e:#?}");
    assert_eq!(e[1], (2, "HCTZ 25mg".to_owned()));
    assert_eq!(e[7], (8, "levothyroxine 50 mcg qam".to_owned()));
    assert!(flags(&records, "hydrochlorothiazide"));
    assert!(flags(&records, "quinine"));
}

#[test]
fn check_file_dash_reads_standard_input() {
    let text = fs::read(repo("data/sample/patient.txt")).unwrap();
    let from_stdin = check_csv_stdin(&["--file", "-"], text);
    let from_file = check_csv(&["--file", "data/sample/patient.txt"]);
    assert_eq!(format!("{from_stdin:?}"), format!("{from_file:?}"));
}

#[test]
fn check_with_a_lone_dash_argument_reads_standard_input() {
    let records = check_csv_stdin(&["-"], "lipitor\nhctz 25 mg\n");
    assert_eq!(
        entries(&records),
        [(1, "lipitor".to_owned()), (2, "hctz 25 mg".to_owned())]
    );
}

#[test]
fn check_reads_a_csv_from_standard_input() {
    let records = check_csv_stdin(&["-"], "medication,sig\nDyazide,daily\n");
    assert_eq!(entries(&records), [(1, "Dyazide".to_owned())]);
    assert!(flags(&records, "triamterene"));
}

#[test]
fn check_med_column_picks_the_named_column() {
    let path = fixture("two_columns.csv");
    let path = path.to_str().unwrap();
    // Without the flag the `medication` column wins.
    let default = check_csv(&["--file", path]);
    assert_eq!(
        entries(&default),
        [(1, "unknown".to_owned()), (2, "not sure".to_owned())]
    );
    let named = check_csv(&["--file", path, "--med-column", "NAME"]);
    assert_eq!(
        entries(&named),
        [(1, "Lipitor".to_owned()), (2, "Dyazide".to_owned())]
    );
    assert!(flags(&named, "atorvastatin"));
    assert!(flags(&named, "triamterene"));
}

#[test]
fn check_wrong_med_column_names_the_file_and_lists_the_columns() {
    crampcheck()
        .args([
            "check",
            "--file",
            "data/sample/patient.csv",
            "--med-column",
            "drugz",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("data/sample/patient.csv"))
        .stderr(predicate::str::contains("drugz"))
        .stderr(predicate::str::contains("medication, sig, prescriber"));
}

#[test]
fn check_missing_file_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-list.csv");
    crampcheck()
        .args(["check", "--file"])
        .arg(&missing)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(missing.to_str().unwrap()));
}

#[test]
fn check_empty_file_says_it_has_no_entries() {
    let (_dir, path) = temp_file("empty.txt", b"");
    crampcheck()
        .args(["check", "--file"])
        .arg(&path)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("empty.txt"))
        .stderr(predicate::str::contains("no entries"));
}

#[test]
fn check_blank_lines_only_count_as_an_empty_file() {
    crampcheck()
        .args(["check", "-"])
        .write_stdin("\n  \n\t\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no entries"));
}

#[test]
fn check_header_without_entries_is_an_error() {
    crampcheck()
        .args(["check", "-"])
        .write_stdin("medication,sig\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no entries"));
}

#[test]
fn check_without_entries_or_file_is_a_usage_error() {
    crampcheck()
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--file"));
}

#[test]
fn check_detects_a_semicolon_delimiter() {
    let path = fixture("semicolon.csv");
    let records = check_csv(&["--file", path.to_str().unwrap()]);
    assert_eq!(
        entries(&records),
        [
            (1, "lipitor".to_owned()),
            (2, "hctz; 25 mg".to_owned()),
            (3, "metformin".to_owned())
        ]
    );
    assert!(flags(&records, "hydrochlorothiazide"));
}

#[test]
fn check_detects_a_tab_delimiter_even_with_commas_in_cells() {
    let path = fixture("tab.tsv");
    let records = check_csv(&["--file", path.to_str().unwrap()]);
    assert_eq!(
        entries(&records),
        [
            (1, "lipitor".to_owned()),
            (2, "furosemide 40 mg".to_owned()),
            (3, "quinine 300 mg".to_owned())
        ]
    );
    assert!(flags(&records, "furosemide"));
    assert!(flags(&records, "quinine"));
}

#[test]
fn check_delimiter_flag_overrides_detection() {
    // The header has more commas than semicolons, so detection alone would pick the comma.
    let input = "medication;note, free text, if any\nlipitor;a, b, c\n";
    let detected = check_csv_stdin(&["-"], input);
    assert_ne!(entries(&detected), [(1, "lipitor".to_owned())]);
    let records = check_csv_stdin(&["--delimiter", ";", "-"], input);
    assert_eq!(entries(&records), [(1, "lipitor".to_owned())]);
    assert!(flags(&records, "atorvastatin"));
}

#[test]
fn check_strips_a_utf8_byte_order_mark() {
    let (_dir, path) = temp_file("bom.csv", b"\xef\xbb\xbfmedication,sig\nlipitor,qhs\n");
    let records = check_csv(&["--file", path.to_str().unwrap()]);
    assert_eq!(entries(&records), [(1, "lipitor".to_owned())]);
    let (_dir, path) = temp_file("bom.txt", b"\xef\xbb\xbflipitor\nhctz\n");
    let records = check_csv(&["--file", path.to_str().unwrap()]);
    assert_eq!(
        entries(&records),
        [(1, "lipitor".to_owned()), (2, "hctz".to_owned())]
    );
    assert!(flags(&records, "atorvastatin"));
}

#[test]
fn check_reads_crlf_line_endings_without_keeping_the_carriage_return() {
    let (_dir, path) = temp_file(
        "crlf.csv",
        b"medication,sig\r\nlipitor,qhs\r\nhctz,daily\r\n",
    );
    let records = check_csv(&["--file", path.to_str().unwrap()]);
    assert_eq!(
        entries(&records),
        [(1, "lipitor".to_owned()), (2, "hctz".to_owned())]
    );
    let (_dir, path) = temp_file("crlf.txt", b"lipitor\r\nDyazide\r\n");
    let records = check_csv(&["--file", path.to_str().unwrap()]);
    assert_eq!(
        entries(&records),
        [(1, "lipitor".to_owned()), (2, "Dyazide".to_owned())]
    );
    assert!(records.iter().all(|r| !r.input.contains('\r')));
}

#[test]
fn check_reads_bare_carriage_return_line_endings() {
    let records = check_csv_stdin(&["-"], "lipitor\rhctz 25 mg\r");
    assert_eq!(
        entries(&records),
        [(1, "lipitor".to_owned()), (2, "hctz 25 mg".to_owned())]
    );
}

#[test]
fn check_decodes_windows_1252_bytes() {
    let (_dir, path) = temp_file("ansi.txt", b"lipitor\nfuros\xe9mide 40 mg\n");
    let records = check_csv(&["--file", path.to_str().unwrap()]);
    assert_eq!(
        entries(&records),
        [
            (1, "lipitor".to_owned()),
            (2, "furosémide 40 mg".to_owned())
        ]
    );
    let furosemide = records.iter().find(|r| r.row == 2).unwrap();
    assert_eq!(furosemide.status, Status::Flagged);
    assert_eq!(furosemide.ingredient, "furosemide");
}

#[test]
fn check_decodes_windows_1252_bytes_in_a_csv() {
    let (_dir, path) = temp_file("ansi.csv", b"medication;sig\nfuros\xe9mide;1 tab\n");
    let records = check_csv(&["--file", path.to_str().unwrap()]);
    assert_eq!(entries(&records), [(1, "furosémide".to_owned())]);
    assert!(flags(&records, "furosemide"));
}

#[test]
fn check_shows_an_empty_argument_as_an_error_entry_and_exits_2() {
    let out = crampcheck()
        .args(["check", "-f", "csv", "lipitor", "  "])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("1 of 2 entries could not be read"))
        .get_output()
        .stdout
        .clone();
    let records: Vec<Record> = parse_csv(&out);
    assert_eq!(records.len(), 2);
    assert_eq!(records[1].status, Status::Error);
    assert!(!records[1].note.is_empty());
}

#[test]
fn check_file_with_a_short_row_reports_it_as_an_error_entry() {
    let out = crampcheck()
        .args(["check", "-f", "csv", "-"])
        .write_stdin("medication,sig\nlipitor,x,extra\nhctz,daily\n")
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let records: Vec<Record> = parse_csv(&out);
    assert_eq!(records.iter().map(|r| r.row).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(records[0].status, Status::Error);
    assert!(records[0].note.contains("fields"), "{:#?}", records[0]);
    assert!(flags(&records, "hydrochlorothiazide"));
}

#[test]
fn check_entry_longer_than_1024_bytes_is_an_error_entry() {
    let long = "a".repeat(1025);
    let out = crampcheck()
        .args(["check", "-f", "csv", "lipitor", &long])
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let records: Vec<Record> = parse_csv(&out);
    assert_eq!(records[1].status, Status::Error);
    assert!(records[1].note.contains("1024"));
}

#[test]
fn check_file_and_entries_together_is_a_usage_error() {
    crampcheck()
        .args(["check", "--file", "data/sample/patient.txt", "lipitor"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}
