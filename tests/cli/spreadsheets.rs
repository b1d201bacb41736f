//! Workbooks and compressed files, read natively: the same list as a CSV, in UTF-16, as .xlsx,
//! .xls and .ods, gzip and zstd gives the same findings; `--sheet` picks a sheet; cells read as
//! the sheet shows them (20, not 20.0; dates as dates); a workbook in `batch`; files told by their
//! bytes whatever their names.

use std::path::PathBuf;

use predicates::prelude::*;

use crate::input_files::{Cell, Dir, Sheet, gzip, ods, t, utf16, xlsx, zstd};
use crate::support::{Record, Status, crampcheck, fixture, parse_csv};

/// A date: year, month, day.
type Ymd = (u16, u8, u8);

/// The list of `tests/cli/fixtures/make_xls.py` (which wrote `list.xls`): medication, dose
/// (a number) and start date (a date).
const LIST: [(&str, f64, Option<Ymd>); 8] = [
    ("quinine sulfate 324 mg", 324.0, Some((2024, 8, 7))),
    ("Lipitor 20 mg", 20.0, Some((2023, 1, 15))),
    ("HCTZ 25mg", 25.0, Some((2022, 11, 30))),
    ("Dyazide", 1.0, None),
    ("metformin 500 mg bid", 500.0, None),
    ("furosémide 40 mg", 40.0, None),
    ("estrogens, conjugated 0.625 mg", 0.625, None),
    ("quinidine sulfate", 200.0, None),
];

fn list_sheet(name: &str) -> Sheet {
    let mut rows = vec![vec![t("medication"), t("dose"), t("started")]];
    for (med, dose, started) in LIST {
        rows.push(vec![
            t(med),
            Cell::Number(dose),
            started.map_or(Cell::Empty, |(y, m, d)| Cell::Date(y, m, d)),
        ]);
    }
    (name.to_owned(), rows)
}

fn other_sheet() -> Sheet {
    (
        "Other".to_owned(),
        vec![vec![t("medication")], vec![t("Lasix 40 mg")]],
    )
}

/// The list as CSV, as a person would export it.
fn list_csv() -> String {
    let mut s = String::from("medication,dose,started\r\n");
    for (med, dose, started) in LIST {
        let med = if med.contains(',') {
            format!("\"{med}\"")
        } else {
            med.to_owned()
        };
        let started = started.map_or(String::new(), |(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
        s.push_str(&format!("{med},{dose},{started}\r\n"));
    }
    s
}

/// `(row, input, status, ingredient, matched_as, match)` of a record.
type Finding = (u64, String, Status, String, String, String);

/// The findings of `check --file`.
fn check_findings(path: &PathBuf) -> Vec<Finding> {
    let out = crampcheck()
        .args(["--fail-on", "warning", "check", "-f", "csv", "--file"])
        .arg(path)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    parse_csv::<Record>(&out)
        .into_iter()
        .map(|r| (r.row, r.input, r.status, r.ingredient, r.matched_as, r.how))
        .collect()
}

#[test]
fn the_same_list_as_csv_utf16_xlsx_xls_ods_gzip_and_zstd_gives_the_same_findings() {
    let dir = Dir::new();
    let csv = list_csv();
    let reference = check_findings(&dir.file("list.csv", csv.as_bytes()));
    assert_eq!(
        reference.iter().filter(|f| f.2 == Status::Warning).count(),
        1
    );
    assert!(
        reference
            .iter()
            .any(|f| f.1 == "estrogens, conjugated 0.625 mg")
    );
    assert!(reference.iter().any(|f| f.3 == "hydrochlorothiazide"));
    let copies = [
        ("list-utf16.txt", utf16(&csv, false, true)),
        ("list.xlsx", xlsx(&[list_sheet("Meds"), other_sheet()])),
        ("list.ods", ods(&[list_sheet("Meds"), other_sheet()])),
        ("list.csv.gz", gzip(csv.as_bytes())),
        ("list.csv.zst", zstd(csv.as_bytes())),
        ("list-utf16.gz", gzip(&utf16(&csv, false, true))),
    ];
    for (name, bytes) in copies {
        let got = check_findings(&dir.file(name, &bytes));
        assert_eq!(got, reference, "{name}");
    }
    assert_eq!(check_findings(&fixture("list.xls")), reference, "list.xls");
}

#[test]
fn numbers_and_dates_read_as_the_sheet_shows_them() {
    let dir = Dir::new();
    let rows = vec![
        vec![t("patient"), t("medication")],
        vec![Cell::Number(1001.0), t("quinine sulfate")],
        vec![Cell::Number(1002.0), Cell::Number(20.0)],
        vec![Cell::Number(1003.0), Cell::Date(2024, 8, 7)],
        vec![Cell::Number(1004.0), Cell::Number(12.5)],
    ];
    let sheets = [("Batch".to_owned(), rows)];
    for (name, bytes) in [("b.xlsx", xlsx(&sheets)), ("b.ods", ods(&sheets))] {
        let out = crampcheck()
            .args(["batch", "-f", "csv"])
            .arg(dir.file(name, &bytes))
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let records: Vec<Record> = parse_csv(&out);
        let got: Vec<(&str, &str)> = records
            .iter()
            .map(|r| (r.patient.as_str(), r.input.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("1001", "quinine sulfate"),
                ("1002", "20"),
                ("1003", "2024-08-07"),
                ("1004", "12.5")
            ],
            "{name}"
        );
        assert_eq!(records[0].status, Status::Warning, "{name}");
    }
}

#[test]
fn sheet_picks_a_sheet_by_name_and_a_missing_one_lists_the_sheets() {
    let dir = Dir::new();
    let path = dir.file("two.xlsx", &xlsx(&[list_sheet("Meds"), other_sheet()]));
    let out = crampcheck()
        .args(["check", "-f", "csv", "--sheet", "other", "--file"])
        .arg(&path)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "sheet \"Other\" of a .xlsx workbook",
        ))
        .get_output()
        .stdout
        .clone();
    let records: Vec<Record> = parse_csv(&out);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].ingredient, "furosemide");
    crampcheck()
        .args(["check", "--sheet", "Allergies", "--file"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("two.xlsx"))
        .stderr(predicate::str::contains("no sheet named `Allergies`"))
        .stderr(predicate::str::contains("\"Meds\", \"Other\""));
    crampcheck()
        .args(["check", "-f", "csv", "--sheet", "Other", "--file"])
        .arg(fixture("list.xls"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Lasix 40 mg,flagged,furosemide"));
}

#[test]
fn an_empty_first_sheet_says_so_and_names_the_flag() {
    let dir = Dir::new();
    let path = dir.file(
        "empty-first.xlsx",
        &xlsx(&[("Cover".to_owned(), Vec::new()), other_sheet()]),
    );
    for command in [&["check", "--file"][..], &["batch"][..]] {
        crampcheck()
            .args(command)
            .arg(&path)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(
                "empty-first.xlsx (sheet \"Cover\" of a .xlsx workbook)",
            ))
            .stderr(predicate::str::contains(
                "the sheet is empty (name another with --sheet)",
            ));
    }
}

#[test]
fn batch_reads_a_workbook_gzip_and_zstd_from_standard_input() {
    let dir = Dir::new();
    let rows = vec![
        vec![t("MRN"), t("Rx")],
        vec![t("A1"), t("quinine sulfate 324 mg")],
        vec![t("A2"), t("Lipitor")],
    ];
    let book = xlsx(&[("Sheet1".to_owned(), rows)]);
    let path = dir.file("clinic.xlsx", &book);
    crampcheck()
        .args(["--fail-on", "warning", "batch"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "A1,1,quinine sulfate 324 mg,warning",
        ))
        .stderr(predicate::str::contains(
            "medication column: \"Rx\" (2), patient: \"MRN\" (1)",
        ));
    crampcheck()
        .args(["--fail-on", "warning", "batch", "-"])
        .write_stdin(book)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "A1,1,quinine sulfate 324 mg,warning",
        ));
    for compressed in [gzip, zstd] {
        crampcheck()
            .args(["--fail-on", "warning", "batch", "-"])
            .write_stdin(compressed(b"MRN,Rx\nA1,quinine sulfate 324 mg\n"))
            .assert()
            .code(1)
            .stdout(predicate::str::contains(
                "A1,1,quinine sulfate 324 mg,warning",
            ));
    }
}

#[test]
fn files_are_told_by_their_bytes_not_their_names() {
    let dir = Dir::new();
    let csv = list_csv();
    for (name, bytes) in [
        ("looks-like.csv", xlsx(&[list_sheet("Meds")])),
        ("looks-like.xlsx", csv.clone().into_bytes()),
        ("looks-like.txt", gzip(csv.as_bytes())),
        ("no-extension", zstd(csv.as_bytes())),
        ("looks-like.xls", ods(&[list_sheet("Meds")])),
    ] {
        crampcheck()
            .args(["--fail-on", "warning", "check", "-f", "csv", "--file"])
            .arg(dir.file(name, &bytes))
            .assert()
            .code(1)
            .stdout(predicate::str::contains("quinine sulfate 324 mg,warning"));
    }
}

#[test]
fn a_sheet_row_number_is_given_for_an_error_in_a_workbook() {
    let dir = Dir::new();
    let long = "x".repeat(2000);
    let rows = vec![
        vec![t("patient"), t("medication")],
        vec![t("P1"), t("Lipitor")],
        vec![t("P2"), t(&long)],
    ];
    let out = crampcheck()
        .args(["batch", "-f", "jsonl"])
        .arg(dir.file("long.xlsx", &xlsx(&[("S".to_owned(), rows)])))
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let records: Vec<Record> = crate::support::parse_jsonl(&out);
    assert_eq!(records[1].status, Status::Error);
    assert!(
        records[1].note.starts_with("entry longer than 1024") && records[1].line == 3,
        "{}",
        records[1].note
    );
    assert!(records[1].input.len() < 1100, "echoed cut");
}
