//! The patient beside the list: context lines with their figures and sources (never a score),
//! the prescribing-cascade note for quinine beside a drug flagged for cramps, quinidine's
//! cross-hypersensitivity note, and what helps at the end.

use predicates::prelude::*;

use crate::support::{PatientSummary, crampcheck, parse_csv, repo, stdout_of};

fn table(args: &[&str]) -> String {
    String::from_utf8(stdout_of(
        crampcheck().env("COLUMNS", "80").arg("check").args(args),
    ))
    .unwrap()
}

#[test]
fn lipitor_and_quinine_at_72_with_pvd_show_the_cascade_and_two_context_lines() {
    let text = table(&[
        "lipitor",
        "quinine",
        "--age",
        "72",
        "--condition",
        "peripheral vascular disease",
    ]);
    assert!(
        text.contains("PRESCRIBING CASCADE: quinine is on the same list as"),
        "{text}"
    );
    assert!(text.contains("60.3% of quinine users"), "{text}");
    let context: Vec<&str> = text
        .split("PATIENT CONTEXT")
        .nth(1)
        .unwrap_or_else(|| panic!("{text}"))
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("  - "))
        .collect();
    assert_eq!(context.len(), 2, "{text}");
    let joined = text.replace("\n    ", " ");
    assert!(
        joined.contains("Age over 65 (age 72): about half of adults over 65 report nocturnal leg cramps (Abdulla 1999: 50%; women 56%, men 40%) [S18]"),
        "{joined}"
    );
    assert!(
        joined.contains("Peripheral vascular disease: odds ratio 2.9 for nocturnal leg cramps in a survey of adults over 65 (Abdulla 1999) [S18]"),
        "{joined}"
    );
    assert!(text.contains("not a score"));
}

#[test]
fn every_factor_of_the_evidence_sheet_has_its_figure_and_source() {
    let text = table(&[
        "lipitor",
        "--age",
        "62",
        "--sex",
        "F",
        "--pregnant",
        "--dialysis",
        "--condition",
        "arthritis; lumbar canal stenosis",
        "--condition",
        "cirrhosis",
        "--condition",
        "Parkinson's disease",
        "--condition",
        "cancer treatment",
    ])
    .replace("\n    ", " ");
    for needle in [
        "one third of people over 60",
        "[S19]",
        "odds ratio 1.96",
        "third trimester [S23]",
        "33–86% of patients on haemodialysis [S22]",
        "odds ratio 2.26",
        "70.8% vs 37.2% without it (adjusted odds ratio 4.6) [S20]",
        "about 52% (48/92; Abrams 1996) to 67% (101/150) of patients [S21]",
        "Parkinson's disease: the article names it among conditions linked to night leg cramps; no figure is given [S0]",
        "Cancer treatment: the article names it",
    ] {
        assert!(text.contains(needle), "{needle}:\n{text}");
    }
}

#[test]
fn an_unknown_condition_is_a_usage_error_listing_the_known_ones() {
    crampcheck()
        .args(["check", "lipitor", "--condition", "gout"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown condition `gout`"))
        .stderr(predicate::str::contains("peripheral vascular disease"));
}

#[test]
fn quinidine_gets_a_note_not_a_flag() {
    let text = table(&["quinidine sulfate 300 mg", "lipitor"]);
    assert!(
        text.contains("QUINIDINE: quinidine (row 1) is not quinine"),
        "{text}"
    );
    assert!(text.contains("cross-hypersensitivity"), "{text}");
    assert!(!text.contains("QUININE WARNING"), "{text}");
    assert!(!text.contains("PRESCRIBING CASCADE"), "{text}");
}

#[test]
fn quinine_alone_gets_no_cascade_note() {
    assert!(!table(&["quinine"]).contains("PRESCRIBING CASCADE"));
}

#[test]
fn what_helps_ends_the_report_unless_no_advice() {
    let text = table(&["lipitor"]).replace("\n    ", " ");
    assert!(text.contains("WHAT HELPS (non-drug measures the article lists [S0]"));
    for m in [
        "Stretching and massage",
        "Hydration",
        "Heat or ice",
        "Sleeping position",
        "Vitamin B complex: named by the article; the AAN rates it only possibly effective (Level C, small studies)",
        "[S0; S6]",
        "When to see a doctor",
    ] {
        assert!(text.contains(m), "{m}:\n{text}");
    }
    assert!(!table(&["lipitor", "--no-advice"]).contains("WHAT HELPS"));
}

#[test]
fn batch_summary_carries_the_notes_per_patient() {
    let out = stdout_of(crampcheck().args(["batch", "data/sample/batch.csv", "--summary"]));
    let rows: Vec<PatientSummary> = parse_csv(&out);
    let p007 = rows.iter().find(|s| s.patient == "P007").unwrap();
    assert!(
        p007.notes
            .starts_with("Prescribing cascade: quinine is on the same list as"),
        "{p007:?}"
    );
    assert!(p007.notes.contains("indapamide"), "{p007:?}");
    assert!(
        p007.drug_levels.contains("indapamide (moderate)")
            && p007.drug_levels.contains("quinine (warning)"),
        "{p007:?}"
    );
    let p004 = rows.iter().find(|s| s.patient == "P004").unwrap();
    assert!(
        p004.notes.starts_with("Quinidine: quinidine (1 entry)"),
        "{p004:?}"
    );
    assert_eq!(p004.quinidine, 1, "{p004:?}");
    let p001 = rows.iter().find(|s| s.patient == "P001").unwrap();
    assert_eq!(p001.notes, "");
    assert_eq!(p001.context, "");
    assert!(repo("data/sample/batch.csv").exists());
}

fn context_batch(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("clinic.csv");
    std::fs::write(
        &path,
        "patient_id,medication,Age,Sex,Conditions,Dialysis\n\
         A1,lipitor,72,,peripheral vascular disease,\n\
         A1,quinine,,,,\n\
         A2,metformin,50,M,,yes\n\
         A3,lisinopril,,,,\n",
    )
    .unwrap();
    path
}

#[test]
fn batch_summary_picks_the_patient_context_up_from_columns_by_header_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = context_batch(dir.path());
    let out = stdout_of(crampcheck().arg("batch").arg(&path).arg("--summary"));
    let rows: Vec<PatientSummary> = parse_csv(&out);
    let a1 = &rows[0];
    assert!(a1.notes.starts_with("Prescribing cascade:"), "{a1:?}");
    let lines: Vec<&str> = a1.context.split(" | ").collect();
    assert_eq!(
        lines,
        [
            "Age over 65 (age 72): about half of adults over 65 report nocturnal leg cramps (Abdulla 1999: 50%; women 56%, men 40%) [S18]",
            "Peripheral vascular disease: odds ratio 2.9 for nocturnal leg cramps in a survey of adults over 65 (Abdulla 1999) [S18]",
        ]
    );
    assert_eq!(
        rows[1].context,
        "Haemodialysis: cramps in 33–86% of patients on haemodialysis [S22]"
    );
    assert_eq!(rows[2].context, "");
    assert_eq!(
        (a1.age.as_str(), a1.sex.as_str(), a1.conditions.as_str()),
        ("72", "", "peripheral vascular disease")
    );
    assert_eq!(
        (rows[1].sex.as_str(), rows[1].dialysis.as_str()),
        ("M", "yes")
    );
    assert_eq!(rows[1].pregnant, "no");
}

#[test]
fn batch_summary_html_shows_each_patients_context_on_their_page() {
    let dir = tempfile::tempdir().unwrap();
    let path = context_batch(dir.path());
    let page = String::from_utf8(stdout_of(crampcheck().arg("batch").arg(&path).args([
        "--summary",
        "--format",
        "html",
    ])))
    .unwrap();
    let a1 = page.split("<h2>Patient A1</h2>").nth(1).unwrap();
    let a1 = a1.split("<section").next().unwrap();
    assert!(
        a1.contains("Age over 65 (age 72)") && a1.contains("odds ratio 2.9"),
        "{a1}"
    );
    assert!(a1.contains("Prescribing cascade"), "{a1}");
}

#[test]
fn batch_findings_output_is_the_same_with_context_columns_present() {
    let dir = tempfile::tempdir().unwrap();
    let path = context_batch(dir.path());
    let out = String::from_utf8(stdout_of(crampcheck().arg("batch").arg(&path))).unwrap();
    assert_eq!(out.lines().count(), 1 + 4, "{out}");
}
