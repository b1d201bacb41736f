//! `--input-format fhir`: Bundles and Bulk Data NDJSON screened like any other input, every
//! MedicationStatement and MedicationRequest a record keyed by its resource id, the ones that
//! cannot be screened error records (exit 3), never skipped.

use std::collections::HashMap;

use crate::support::{crampcheck, parse_csv, repo};

/// Runs `batch --input-format fhir -f csv` on `file` (under tests/data/fhir/) with `extra`
/// arguments; returns the exit code, the records and stderr.
fn fhir(file: &str, extra: &[&str]) -> (i32, Vec<HashMap<String, String>>, String) {
    let path = repo(&format!("tests/data/fhir/{file}"));
    let out = crampcheck()
        .args(["batch", "--input-format", "fhir", "-f", "csv"])
        .args(extra)
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        parse_csv(&out.stdout),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// (key, status, ingredient) of each record.
fn outcomes(rows: &[HashMap<String, String>]) -> Vec<(&str, &str, &str)> {
    rows.iter()
        .map(|r| {
            (
                r["key"].as_str(),
                r["status"].as_str(),
                r["ingredient"].as_str(),
            )
        })
        .collect()
}

#[test]
fn a_bundle_gives_one_keyed_record_per_statement_and_request_with_its_patient() {
    let (code, rows, _) = fhir("bundle.json", &[]);
    assert_eq!(code, 0);
    let o = outcomes(&rows);
    assert!(o.contains(&("MedicationRequest/3123", "flagged", "simvastatin")));
    // The request's Medication is contained in it.
    assert!(o.contains(&("MedicationRequest/medrx0311", "flagged", "chlorthalidone")));
    assert!(o.contains(&("MedicationStatement/example001", "clear", "acetaminophen")));
    assert!(rows.iter().all(|r| r["patient"] == "Patient/347"));
    // The Patient resource in the Bundle is no medication record.
    assert!(rows.iter().all(|r| r["key"].starts_with("Medication")));
}

#[test]
fn bulk_ndjson_warns_on_quinine_and_reads_every_ingredient_of_a_combination_coding() {
    let (code, rows, stderr) = fhir("bulk-medicationrequest.ndjson", &[]);
    assert_eq!(code, 0, "{stderr}");
    let o = outcomes(&rows);
    assert!(o.contains(&("MedicationRequest/rx-1007", "warning", "quinine")));
    assert!(o.contains(&(
        "MedicationRequest/rx-1005",
        "flagged",
        "hydrochlorothiazide"
    )));
    assert!(o.contains(&("MedicationRequest/rx-1005", "clear", "losartan potassium")));
    let lines: Vec<&str> = rows.iter().map(|r| r["line"].as_str()).collect();
    assert_eq!(lines.first(), Some(&"1"));
    assert!(
        stderr.contains("read 7 records, wrote 8 records, 0 errors"),
        "{stderr}"
    );
}

#[test]
fn a_medication_statement_whose_medication_comes_later_is_resolved() {
    let (code, rows, _) = fhir("medication-statement.ndjson", &[]);
    assert_eq!(code, 0);
    let o = outcomes(&rows);
    assert!(o.contains(&("MedicationStatement/ms-2", "warning", "quinine")));
    assert!(o.contains(&("MedicationStatement/ms-6", "flagged", "hydrochlorothiazide")));
    assert_eq!(rows.len(), 6);
}

#[test]
fn resources_that_cannot_be_screened_are_error_records_with_their_line_and_exit_3() {
    let (code, rows, stderr) = fhir("edge-cases.ndjson", &[]);
    assert_eq!(code, 3, "{stderr}");
    let errors: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r["status"] == "error")
        .map(|r| (r["line"].as_str(), r["note"].as_str()))
        .collect();
    assert_eq!(errors.len(), 7, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|(l, n)| *l == "2" && n.contains("Medication/missing"))
    );
    assert!(
        errors
            .iter()
            .any(|(l, n)| *l == "3" && n.starts_with("not JSON"))
    );
    // Notes carry no line numbers: the line is its own field.
    let numbered = |n: &str| {
        n.match_indices("line ")
            .any(|(i, m)| n[i + m.len()..].starts_with(|c: char| c.is_ascii_digit()))
    };
    assert!(errors.iter().all(|(_, n)| !numbered(n)), "{errors:?}");
    // The quinine request among them still warns.
    assert!(outcomes(&rows).contains(&("MedicationRequest/quinine", "warning", "quinine")));
}

#[test]
fn column_flags_with_fhir_input_are_a_usage_error_naming_what_fhir_uses() {
    let (code, rows, stderr) = fhir("bundle.json", &["--key-column", "id"]);
    assert_eq!(code, 2);
    assert!(rows.is_empty());
    assert!(stderr.contains("resource id"), "{stderr}");
}
