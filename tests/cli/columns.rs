//! Column choice: every medication-like column is read (each cell an entry, in `batch` with the
//! same patient), a generic `name` only when nothing better exists and never beside a
//! patient-name-like header, the columns used said once on stderr, and a warning when most
//! entries of the column found are unrecognized.

use predicates::prelude::*;

use crate::support::{Record, Status, crampcheck, parse_csv};

fn run(args: &[&str], stdin: &str, code: i32) -> (Vec<Record>, String) {
    let out = crampcheck()
        .args(["-f", "csv"])
        .args(args)
        .write_stdin(stdin.to_owned())
        .assert()
        .code(code)
        .get_output()
        .clone();
    (
        parse_csv(&out.stdout),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn quinine_in_a_second_medication_column_warns_in_check() {
    let input = "drug,dose,medication\nLipitor,20,quinine sulfate 324 mg\nmetformin,500,\n";
    let (records, stderr) = run(&["--fail-on", "warning", "check", "-"], input, 1);
    let entries: Vec<(u64, &str)> = records.iter().map(|r| (r.row, r.input.as_str())).collect();
    assert_eq!(
        entries,
        [
            (1, "Lipitor"),
            (1, "quinine sulfate 324 mg"),
            (2, "metformin")
        ]
    );
    assert_eq!(records[1].status, Status::Warning);
    assert!(
        stderr.contains("medication columns: \"drug\" (1), \"medication\" (3)"),
        "{stderr}"
    );
}

#[test]
fn quinine_in_a_second_medication_column_warns_in_batch_with_the_same_patient() {
    let input = "MRN,Medication 1,Medication 2,Drug class\nA1,Lipitor,quinine 300 mg,statin\nA2,,,\nA3,,hctz,\n";
    let (records, stderr) = run(&["--fail-on", "warning", "batch", "-"], input, 1);
    let got: Vec<(&str, u64, &str, Status)> = records
        .iter()
        .map(|r| (r.patient.as_str(), r.row, r.input.as_str(), r.status))
        .collect();
    assert_eq!(
        got,
        [
            ("A1", 1, "Lipitor", Status::Flagged),
            ("A1", 1, "quinine 300 mg", Status::Warning),
            ("A2", 2, "", Status::Error),
            ("A3", 3, "hctz", Status::Flagged),
        ]
    );
    assert_eq!(
        (records[2].note.as_str(), records[2].line),
        ("missing medication", 3)
    );
    assert!(
        stderr.contains(
            "medication columns: \"Medication 1\" (2), \"Medication 2\" (3), patient: \"MRN\" (1)"
        ),
        "{stderr}"
    );
}

#[test]
fn a_name_beside_a_patient_name_like_header_is_never_read_as_the_medication() {
    for header in [
        "mrn,name,dob",
        "first name,last name,name",
        "patient name,name,sig",
        "id,name,gender",
    ] {
        let input = format!("{header}\n1,John Quinine,1980-01-01\n");
        for command in ["check", "batch"] {
            let (records, stderr) = run(&["--fail-on", "warning", command, "-"], &input, 2);
            assert!(records.is_empty(), "{header}: {records:#?}");
            assert!(
                stderr.contains("no medication column found"),
                "{header}: {stderr}"
            );
            assert!(stderr.contains("--med-column"), "{stderr}");
            assert!(!stderr.contains("warning:"), "{stderr}");
        }
    }
}

#[test]
fn med_column_reads_a_name_column_when_told_to() {
    let (records, _) = run(
        &["check", "--med-column", "name", "-"],
        "mrn,name,dob\n1,Quinine 300 mg,1980-01-01\n",
        0,
    );
    assert_eq!(records[0].status, Status::Warning);
}

#[test]
fn a_generic_name_column_is_read_when_nothing_better_exists() {
    let (records, stderr) = run(&["check", "-"], "id,name\n1,Lipitor\n2,Dyazide\n", 0);
    assert_eq!(records.len(), 3);
    assert!(
        stderr.contains("medication column: \"name\" (2)"),
        "{stderr}"
    );
}

#[test]
fn the_columns_used_are_said_once() {
    let input = "Visit,MRN,Rx\n1,A1,Lipitor\n2,A2,hctz\n";
    let (_, stderr) = run(&["batch", "-"], input, 0);
    assert_eq!(
        stderr,
        "crampcheck: <stdin>: medication column: \"Rx\" (3), patient: \"MRN\" (2)\n\
         crampcheck: read 2 records, wrote 2 records, 0 errors\n"
    );
}

#[test]
fn most_entries_unrecognized_warns_that_the_column_may_be_wrong() {
    let mut input = String::from("mrn,description,notes\n");
    for i in 0..8 {
        input.push_str(&format!("A{i},zzqx visit {i},Lipitor\n"));
    }
    input.push_str("A9,Lipitor,x\n");
    for command in ["check", "batch"] {
        let (_, stderr) = run(&[command, "-"], &input, 0);
        assert!(
            stderr.contains(
                "warning: 8 of the first 9 entries of \"description\" (2) are unrecognized"
            ),
            "{command}: {stderr}"
        );
        assert!(stderr.contains("--med-column"), "{stderr}");
        let (_, stderr) = run(&[command, "--med-column", "description", "-"], &input, 0);
        assert!(!stderr.contains("warning:"), "{command}: {stderr}");
    }
}

#[test]
fn a_first_line_naming_patients_but_no_medication_is_not_read_as_a_plain_list() {
    crampcheck()
        .args(["check", "-"])
        .write_stdin("patient,comment\nP1,quinine 300 mg\n")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "no medication column found among: patient, comment",
        ));
}
