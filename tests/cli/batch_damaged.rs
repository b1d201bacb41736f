//! `batch` with a damaged file: every record still reaches the output, the unreadable ones as
//! `error` records with the reason in `note`, counted on stderr, and the exit code is 2.

use std::fs;

use predicates::prelude::*;

use crate::support::{
    PatientSummary, Record, Status, collapsed_pairs, crampcheck, input_records, parse_csv,
    parse_jsonl,
};

/// Header, then: a good row, too many fields, an empty medication, an entry over 1024 bytes,
/// Windows-1252 (invalid UTF-8), and a good row.
fn damaged() -> Vec<u8> {
    let mut bytes = b"patient,medication,start\n\
        P1,lipitor,2020-01-01\n\
        P1,hctz 25 mg,2020-01-01,extra\n\
        P2,,2021-02-02\n"
        .to_vec();
    bytes.extend_from_slice(format!("P2,{},2021-02-02\n", "x".repeat(1100)).as_bytes());
    bytes.extend_from_slice(b"P3,furos\xe9mide 40 mg,2021-03-03\nP3,quinine sulfate,2022-04-04\n");
    bytes
}

#[test]
fn batch_keeps_every_record_of_a_damaged_file_and_marks_the_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.csv");
    fs::write(&path, damaged()).unwrap();
    let assert = crampcheck()
        .arg("batch")
        .arg(&path)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("3 of 6 records could not be read"));
    let records: Vec<Record> = parse_csv(&assert.get_output().stdout);
    assert_eq!(collapsed_pairs(&records), input_records(&path));
    let status = |row: u64| {
        let r: Vec<&Record> = records.iter().filter(|r| r.row == row).collect();
        assert_eq!(r.len(), 1, "{r:#?}");
        r[0].clone()
    };
    assert_eq!(status(1).status, Status::Flagged);
    for (row, reason) in [(2, "fields"), (3, "missing medication"), (4, "1024")] {
        let r = status(row);
        assert_eq!(r.status, Status::Error, "{r:#?}");
        assert!(r.note.contains(reason), "{r:#?}");
        assert!(r.ingredient.is_empty() && r.score.is_none(), "{r:#?}");
    }
    // Invalid UTF-8 is read as Windows-1252, as `check` reads it.
    let ansi = status(5);
    assert_eq!(ansi.input, "furosémide 40 mg");
    assert_eq!(ansi.ingredient, "furosemide");
    assert_eq!(status(6).status, Status::Warning);
}

#[test]
fn batch_jsonl_of_a_damaged_file_is_still_valid_json() {
    let assert = crampcheck()
        .args(["batch", "-", "-f", "jsonl"])
        .write_stdin(damaged())
        .assert()
        .code(3);
    let records: Vec<Record> = parse_jsonl(&assert.get_output().stdout);
    assert_eq!(records.len(), 6);
    assert_eq!(
        records.iter().filter(|r| r.status == Status::Error).count(),
        3
    );
}

#[test]
fn batch_summary_counts_the_records_that_could_not_be_read() {
    let assert = crampcheck()
        .args(["batch", "-", "--summary"])
        .write_stdin(damaged())
        .assert()
        .code(3);
    let summaries: Vec<PatientSummary> = parse_csv(&assert.get_output().stdout);
    let errors: Vec<(&str, u64)> = summaries
        .iter()
        .map(|s| (s.patient.as_str(), s.errors))
        .collect();
    assert_eq!(errors, [("P1", 1), ("P2", 2), ("P3", 0)]);
}

#[test]
fn batch_unterminated_quote_costs_one_record_not_the_rest_of_the_file() {
    let assert = crampcheck()
        .args(["batch", "-"])
        .write_stdin(
            "patient,medication\nP1,\"lipitor 20 mg\nP2,hctz\nP3,quinine sulfate\nP4,metformin\n",
        )
        .assert()
        .code(3)
        .stderr(predicate::str::contains("1 of 4 records could not be read"));
    let records: Vec<Record> = parse_csv(&assert.get_output().stdout);
    let rows: Vec<u64> = collapsed_pairs(&records).iter().map(|p| p.1).collect();
    assert_eq!(rows, [1, 2, 3, 4]);
    assert_eq!(records[0].status, Status::Error);
    assert!(records[0].note.contains("quote"), "{:#?}", records[0]);
    assert!(records.iter().any(|r| r.status == Status::Warning));
}
