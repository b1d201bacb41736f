//! The acceptance case: `check lipitor "hctz 25 mg" "quinine sulfate 324 MG Oral Capsule" Dyazide
//! metformin`, in every format.

use predicates::prelude::*;

use crate::support::{
    ACCEPTANCE, Record, Status, crampcheck, parse_csv, parse_jsonl, row, stdout_of,
};

fn acceptance(format: &str) -> Vec<u8> {
    stdout_of(
        crampcheck()
            .args(["check", "--format", format])
            .args(ACCEPTANCE),
    )
}

fn flagged(rec: &[&Record], ingredient: &str) -> bool {
    rec.iter()
        .any(|r| r.status == Status::Flagged && r.ingredient == ingredient)
}

/// Everything the acceptance case must show, whatever the format.
fn assert_acceptance(records: &[Record]) {
    for n in 1..=5 {
        let rec = row(records, n);
        assert!(!rec.is_empty(), "row {n} is missing: {records:#?}");
        assert!(rec.iter().all(|r| r.input == ACCEPTANCE[n as usize - 1]));
    }
    assert!(records.iter().all(|r| (1..=5).contains(&r.row)));

    assert!(flagged(&row(records, 1), "atorvastatin"));
    assert!(flagged(&row(records, 2), "hydrochlorothiazide"));

    let quinine = row(records, 3);
    assert!(
        quinine.iter().any(|r| r.status == Status::Warning
            && r.ingredient == "quinine"
            && r.level == "warning"),
        "{quinine:#?}"
    );

    let dyazide = row(records, 4);
    assert!(flagged(&dyazide, "triamterene"));
    assert!(flagged(&dyazide, "hydrochlorothiazide"));
    let triamterene = dyazide
        .iter()
        .find(|r| r.ingredient == "triamterene")
        .unwrap();
    assert_eq!(triamterene.matched_as, "Dyazide");

    let hctz_rows: Vec<u64> = records
        .iter()
        .filter(|r| r.status == Status::Flagged && r.ingredient == "hydrochlorothiazide")
        .map(|r| r.row)
        .collect();
    assert_eq!(hctz_rows, [2, 4]);

    let metformin = row(records, 5);
    assert!(
        metformin
            .iter()
            .all(|r| matches!(r.status, Status::Clear | Status::Unrecognized)),
        "{metformin:#?}"
    );
}

#[test]
fn check_csv_flags_the_acceptance_list() {
    assert_acceptance(&parse_csv::<Record>(&acceptance("csv")));
}

#[test]
fn check_jsonl_flags_the_acceptance_list() {
    assert_acceptance(&parse_jsonl::<Record>(&acceptance("jsonl")));
}

#[test]
fn check_json_is_one_array_of_the_same_records_as_jsonl() {
    let array: Vec<Record> = serde_json::from_slice(&acceptance("json")).unwrap();
    assert_acceptance(&array);
    let lines: Vec<Record> = parse_jsonl(&acceptance("jsonl"));
    assert_eq!(format!("{array:?}"), format!("{lines:?}"));
}

#[test]
fn check_table_shows_the_quinine_warning_the_summary_and_the_disclaimer() {
    crampcheck()
        .args(["check", "--color", "never"])
        .args(ACCEPTANCE)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "QUININE WARNING row 3: quinine sulfate",
        ))
        .stdout(predicate::str::contains(
            "5 entries: 1 quinine warning, 3 flagged, 0 for review, 1 clear, 0 unrecognized\n\
             Findings: 4 flagged, 1 quinine warning, 0 for review\n",
        ))
        .stdout(predicate::str::ends_with(
            "Decision support for professionals, not medical advice.\n",
        ));
}

#[test]
fn check_table_lists_findings_by_level_after_the_warning() {
    let out = String::from_utf8(acceptance("table")).unwrap();
    let at = |needle: &str| {
        out.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing:\n{out}"))
    };
    // Highest level first: triamterene (high), the thiazide (moderate), the statin (low), clear.
    assert!(at("QUININE WARNING") < at("triamterene"));
    assert!(at("triamterene") < at("hydrochlorothiazide"));
    assert!(at("hydrochlorothiazide") < at("atorvastatin"));
    assert!(at("atorvastatin") < at("row 5: metformin"));
}
