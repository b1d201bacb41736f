//! `batch`: every input record reaches the output in input order, per finding or per patient, the
//! same with any number of worker threads, and a damaged record becomes an `error` record.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use predicates::prelude::*;

use crate::support::{
    PatientSummary, Record, Status, collapsed_pairs, crampcheck, csv_header, input_records,
    parse_csv, parse_jsonl, repo, stdout_of,
};

const SAMPLE: &str = "data/sample/batch.csv";

fn batch(args: &[&str]) -> Vec<u8> {
    stdout_of(crampcheck().arg("batch").args(args))
}

/// Patients of the sample whose list names quinine (not quinidine), by reading the input itself.
fn patients_on_quinine() -> BTreeSet<String> {
    let mut rdr = csv::Reader::from_path(repo(SAMPLE)).unwrap();
    rdr.records()
        .map(Result::unwrap)
        .filter(|r| {
            let med = r[1].to_lowercase();
            med.contains("quinine") || med.contains("qualaquin")
        })
        .map(|r| r[0].to_owned())
        .collect()
}

#[test]
fn batch_defaults_to_csv_with_every_input_record_in_order() {
    let out = batch(&[SAMPLE]);
    assert_eq!(csv_header(&out)[0], "patient");
    let records: Vec<Record> = parse_csv(&out);
    let expected = input_records(&repo(SAMPLE));
    assert!(expected.len() > 200);
    assert_eq!(collapsed_pairs(&records), expected);
    assert!(records.len() > expected.len(), "combinations add records");
}

#[test]
fn batch_jsonl_has_every_input_record_in_order() {
    let records: Vec<Record> = parse_jsonl(&batch(&[SAMPLE, "--format", "jsonl"]));
    assert_eq!(collapsed_pairs(&records), input_records(&repo(SAMPLE)));
}

#[test]
fn batch_warns_about_quinine_but_not_quinidine() {
    let records: Vec<Record> = parse_csv(&batch(&[SAMPLE]));
    let quinine = records
        .iter()
        .find(|r| r.patient == "P007" && r.input == "quinine sulfate 324 MG Oral Capsule")
        .unwrap();
    assert_eq!(quinine.status, Status::Warning);
    let quinidine = records
        .iter()
        .find(|r| r.patient == "P004" && r.input.starts_with("quinidine"))
        .unwrap();
    assert_ne!(
        quinidine.status,
        Status::Warning,
        "quinidine is not quinine"
    );
    assert_ne!(quinidine.ingredient, "quinine");
}

#[test]
fn batch_screens_each_entry_exactly_as_check_does() {
    let records: Vec<Record> = parse_jsonl(&batch(&[SAMPLE, "-f", "jsonl"]));
    let mut inputs: Vec<&str> = records.iter().map(|r| r.input.as_str()).collect();
    inputs.sort_unstable();
    inputs.dedup();
    let checked: Vec<Record> = parse_jsonl(&stdout_of(
        crampcheck()
            .args(["check", "-f", "jsonl", "--"])
            .args(&inputs),
    ));
    // What matters of a finding, without where it came from.
    let key = |r: &Record| {
        format!(
            "{:?} {} {} {} {:?}",
            r.status, r.ingredient, r.matched_as, r.how, r.score
        )
    };
    for input in inputs {
        let in_batch: BTreeSet<String> = records
            .iter()
            .filter(|r| r.input == input)
            .map(key)
            .collect();
        let in_check: BTreeSet<String> = checked
            .iter()
            .filter(|r| r.input == input)
            .map(key)
            .collect();
        assert_eq!(in_batch, in_check, "{input}");
    }
}

#[test]
fn batch_summary_has_one_record_per_patient_with_the_expected_columns() {
    let out = batch(&[SAMPLE, "--summary"]);
    assert_eq!(
        csv_header(&out),
        [
            "patient",
            "entries",
            "flagged",
            "warnings",
            "review",
            "unrecognized",
            "errors",
            "highest_level",
            "quinine",
            "flagged_drugs",
            "notes",
            "context",
            "drug_levels",
            "quinidine",
            "age",
            "sex",
            "pregnant",
            "dialysis",
            "conditions"
        ]
    );
    let summaries: Vec<PatientSummary> = parse_csv(&out);
    let input = input_records(&repo(SAMPLE));
    let mut patients: Vec<&str> = input.iter().map(|(p, _)| p.as_str()).collect();
    patients.dedup();
    let listed: Vec<&str> = summaries.iter().map(|s| s.patient.as_str()).collect();
    assert_eq!(listed, patients);
    for s in &summaries {
        let n = input.iter().filter(|(p, _)| *p == s.patient).count() as u64;
        assert_eq!(s.entries, n, "{s:#?}");
        assert_eq!(s.errors, 0, "{s:#?}");
    }
}

#[test]
fn batch_summary_counts_agree_with_the_per_finding_records() {
    let summaries: Vec<PatientSummary> = parse_csv(&batch(&[SAMPLE, "--summary"]));
    let records: Vec<Record> = parse_csv(&batch(&[SAMPLE]));
    for s in &summaries {
        let count = |status: Status| {
            records
                .iter()
                .filter(|r| r.patient == s.patient && r.status == status)
                .count() as u64
        };
        let counted = (
            count(Status::Flagged),
            count(Status::Warning),
            count(Status::Review),
            count(Status::Unrecognized),
            count(Status::Error),
        );
        assert_eq!(
            (s.flagged, s.warnings, s.review, s.unrecognized, s.errors),
            counted,
            "{s:#?}"
        );
    }
}

#[test]
fn batch_summary_says_yes_to_quinine_exactly_for_patients_on_quinine() {
    let summaries: Vec<PatientSummary> = parse_csv(&batch(&[SAMPLE, "--summary"]));
    let on_quinine = patients_on_quinine();
    assert!(on_quinine.len() >= 2, "{on_quinine:?}");
    for s in &summaries {
        let expected = if on_quinine.contains(&s.patient) {
            "yes"
        } else {
            "no"
        };
        assert_eq!(s.quinine, expected, "{s:#?}");
        if s.quinine == "yes" {
            assert_eq!(s.highest_level, "warning", "{s:#?}");
            assert!(s.warnings >= 1, "{s:#?}");
        }
    }
}

#[test]
fn batch_summary_lists_the_flagged_drugs_and_the_highest_level() {
    let summaries: Vec<PatientSummary> = parse_csv(&batch(&[SAMPLE, "--summary"]));
    // P008: losartan/hctz, Dyazide (triamterene + HCTZ), ProAir (not a LABA).
    let p008 = summaries.iter().find(|s| s.patient == "P008").unwrap();
    assert_eq!(p008.highest_level, "high");
    let drugs: BTreeSet<&str> = p008.flagged_drugs.split("; ").collect();
    assert_eq!(
        drugs,
        BTreeSet::from(["hydrochlorothiazide", "triamterene"]),
        "{p008:#?}"
    );
}

#[test]
fn batch_summary_jsonl_and_json_deserialize_into_the_mirror_struct() {
    let lines: Vec<PatientSummary> = parse_jsonl(&batch(&[SAMPLE, "--summary", "-f", "jsonl"]));
    let array: Vec<PatientSummary> =
        serde_json::from_slice(&batch(&[SAMPLE, "--summary", "-f", "json"])).unwrap();
    let csv: Vec<PatientSummary> = parse_csv(&batch(&[SAMPLE, "--summary"]));
    assert_eq!(format!("{lines:?}"), format!("{array:?}"));
    assert_eq!(format!("{lines:?}"), format!("{csv:?}"));
}

#[test]
fn batch_output_is_the_same_with_one_or_two_jobs() {
    for args in [
        &[SAMPLE][..],
        &[SAMPLE, "-f", "jsonl"],
        &[SAMPLE, "--summary"],
    ] {
        let one = batch(&[args, &["--jobs", "1"]].concat());
        let two = batch(&[args, &["--jobs", "2"]].concat());
        assert!(one == two, "--jobs 1 and --jobs 2 differ for {args:?}");
    }
}

/// A batch larger than one read chunk, with thousands of distinct entries.
fn write_large_batch(path: &Path, rows: usize) {
    let mut rdr = csv::Reader::from_path(repo(SAMPLE)).unwrap();
    let meds: Vec<String> = rdr.records().map(|r| r.unwrap()[1].to_owned()).collect();
    let mut text = String::from("patient,medication\n");
    for i in 0..rows {
        let med = meds[i % meds.len()].replace('"', "\"\"");
        // Every third entry changes every 4000 rows, so each read chunk has new entries to resolve.
        if i % 3 == 0 {
            writeln!(text, "Q{:05},\"{med} #{}\"", i / 6, i / 4000).unwrap();
        } else {
            writeln!(text, "Q{:05},\"{med}\"", i / 6).unwrap();
        }
    }
    fs::write(path, text).unwrap();
}

#[test]
fn batch_output_is_the_same_with_one_or_two_jobs_across_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.csv");
    write_large_batch(&path, 9_000);
    let path = path.to_str().unwrap();
    let one = batch(&[path, "--jobs", "1"]);
    let two = batch(&[path, "--jobs", "2"]);
    assert!(one == two, "--jobs 1 and --jobs 2 differ");
    let records: Vec<Record> = parse_csv(&two);
    assert_eq!(collapsed_pairs(&records), input_records(Path::new(path)));
}

#[test]
fn batch_output_is_the_same_with_one_two_or_three_jobs_in_every_format_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    write_large_batch(&a, 13_000);
    write_large_batch(&b, 5_000);
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    for format in ["csv", "jsonl", "json", "table"] {
        for summary in [&[][..], &["--summary"]] {
            let args = [&[a, b, "-f", format][..], summary].concat();
            let one = batch(&[&args[..], &["--jobs", "1"]].concat());
            for jobs in ["2", "3"] {
                let many = batch(&[&args[..], &["--jobs", jobs]].concat());
                assert!(
                    one == many,
                    "--jobs 1 and --jobs {jobs} differ for {args:?}"
                );
            }
        }
    }
    let records: Vec<Record> = parse_jsonl(&batch(&[a, b, "-f", "jsonl", "--jobs", "2"]));
    let expected = [input_records(Path::new(a)), input_records(Path::new(b))].concat();
    assert_eq!(collapsed_pairs(&records), expected);
}

#[test]
fn a_source_that_cannot_be_read_stops_batch_after_the_records_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = (dir.path().join("good.csv"), dir.path().join("bad.csv"));
    write_large_batch(&good, 10_000);
    fs::write(&bad, "patient,drug_code\nP1,lipitor\n").unwrap();
    for jobs in ["1", "2"] {
        let out = crampcheck()
            .args(["batch", "--jobs", jobs, "-f", "jsonl"])
            .arg(&good)
            .arg(&bad)
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("bad.csv")
                    .and(predicate::str::contains("no medication column")),
            );
        let records: Vec<Record> = parse_jsonl(&out.get_output().stdout);
        assert_eq!(
            collapsed_pairs(&records),
            input_records(&good),
            "--jobs {jobs}"
        );
    }
}

#[test]
fn batch_reads_standard_input() {
    let from_stdin = stdout_of(
        crampcheck()
            .args(["batch", "-"])
            .write_stdin(fs::read(repo(SAMPLE)).unwrap()),
    );
    assert!(
        from_stdin == batch(&[SAMPLE]),
        "stdin and file outputs differ"
    );
}

#[test]
fn batch_without_a_patient_column_names_the_flag_to_use() {
    crampcheck()
        .args(["batch", "-"])
        .write_stdin("who,medication\nA,lipitor\n")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--patient-column"))
        .stderr(predicate::str::contains("who, medication"));
}

#[test]
fn batch_without_a_medication_column_names_the_flag_to_use() {
    crampcheck()
        .args(["batch", "-"])
        .write_stdin("patient,what\nA,lipitor\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--med-column"));
}

#[test]
fn batch_with_an_empty_input_is_an_error() {
    crampcheck()
        .args(["batch", "-"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty"));
}

#[test]
fn batch_column_flags_override_the_recognized_columns() {
    let input = "patient,mrn,medication,product\n\
                 p1,M-1,metformin,Lipitor\n\
                 p1,M-1,metformin,Dyazide\n\
                 p2,M-2,lisinopril,Qualaquin\n";
    let records: Vec<Record> = parse_csv(&stdout_of(
        crampcheck()
            .args([
                "batch",
                "-",
                "--patient-column",
                "MRN",
                "--med-column",
                "product",
            ])
            .write_stdin(input),
    ));
    assert_eq!(
        collapsed_pairs(&records),
        [
            ("M-1".to_owned(), 1),
            ("M-1".to_owned(), 2),
            ("M-2".to_owned(), 3)
        ]
    );
    assert_eq!(records[0].input, "Lipitor");
    assert!(records.iter().any(|r| r.status == Status::Warning));
}

#[test]
fn batch_with_a_wrong_column_flag_lists_the_columns() {
    crampcheck()
        .args(["batch", "-", "--med-column", "drugz"])
        .write_stdin("patient,medication\nA,lipitor\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("drugz"))
        .stderr(predicate::str::contains("patient, medication"));
}

#[test]
fn batch_detects_a_semicolon_delimiter() {
    let records: Vec<Record> =
        parse_csv(&stdout_of(crampcheck().args(["batch", "-"]).write_stdin(
            "patient_id;medication\nA;\"hctz, 25 mg\"\nA;lipitor\n",
        )));
    assert_eq!(
        collapsed_pairs(&records),
        [("A".to_owned(), 1), ("A".to_owned(), 2)]
    );
    assert_eq!(records[0].input, "hctz, 25 mg");
}

#[test]
fn batch_table_names_the_patient_of_a_quinine_warning() {
    crampcheck()
        .args(["batch", SAMPLE, "-f", "table", "--color", "never"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "QUININE WARNING patient P007, row",
        ))
        .stdout(predicate::str::contains("FLAGGED LOW patient P001, row 2:"));
    // Every column, the patient's first, under --wide.
    crampcheck()
        .args(["batch", SAMPLE, "-f", "table", "--color", "never", "--wide"])
        .assert()
        .success()
        .stdout(predicate::str::contains("│ patient │"));
}
