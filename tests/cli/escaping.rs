//! No escape reaches a terminal or a spreadsheet: messages, warnings, the progress line and
//! table text show control characters as `\u{1b}` and bidi or zero-width characters as
//! `<U+202E>`; every CSV writer (batch records, summaries, `lookup`, `list`) neutralizes formulas
//! unless `--raw`; CSV and JSON never carry a raw ESC or C1 byte.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

use crate::support::{PatientSummary, Record, crampcheck, parse_csv, parse_jsonl, repo};

/// Whether the bytes hold ESC or a C1 control (U+0080–U+009F, `C2 80`–`C2 9F` in UTF-8).
fn has_esc_or_c1(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b)
        || bytes
            .windows(2)
            .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]))
}

/// Every CSV cell of the output, header excluded.
fn cells(bytes: &[u8]) -> Vec<String> {
    csv::Reader::from_reader(bytes)
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

/// Cells a spreadsheet would run (the reader trims leading spaces and tabs of a field; the unit
/// tests of `report::csv` cover those).
const FORMULAS: [&str; 6] = [
    "=HYPERLINK(\"http://x.example\",\"open\")",
    "-17",
    "+1+1",
    "@SUM(A1)",
    "\u{ff1d}1+1",
    "-2+3",
];

fn formula_batch(dir: &Path) -> std::path::PathBuf {
    let mut text = String::from("patient,med\n");
    for (i, f) in FORMULAS.iter().enumerate() {
        let quoted = format!("\"{}\"", f.replace('"', "\"\""));
        text.push_str(&format!("{quoted},lipitor\nP{i},{quoted}\n"));
    }
    let path = dir.join("formulas.csv");
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn batch_csv_neutralizes_formulas_in_patient_and_input_cells_and_raw_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = formula_batch(dir.path());
    let out = crampcheck().arg("batch").arg(&input).output().unwrap();
    assert!(out.status.success());
    let records: Vec<Record> = parse_csv(&out.stdout);
    for f in FORMULAS {
        let shown = format!("'{f}");
        assert!(records.iter().any(|r| r.patient == shown), "patient {f:?}");
        assert!(records.iter().any(|r| r.input == shown), "input {f:?}");
    }
    for cell in cells(&out.stdout) {
        assert!(!crampcheck_is_formula(&cell), "{cell:?} left live");
    }
    let raw = crampcheck()
        .args(["--raw", "batch"])
        .arg(&input)
        .output()
        .unwrap();
    let records: Vec<Record> = parse_csv(&raw.stdout);
    for f in FORMULAS {
        assert!(
            records.iter().any(|r| r.patient == f),
            "--raw patient {f:?}"
        );
        assert!(records.iter().any(|r| r.input == f), "--raw input {f:?}");
    }
    // Worker threads write the same neutralized records.
    let jobs = crampcheck()
        .arg("batch")
        .arg(&input)
        .args(["--jobs", "2"])
        .output()
        .unwrap();
    assert!(jobs.stdout == out.stdout);
}

/// The rule of `report::csv::is_formula`, restated for the test.
fn crampcheck_is_formula(cell: &str) -> bool {
    let first = cell
        .chars()
        .find(|&c| !(c.is_whitespace() && c != '\t' && c != '\r'));
    matches!(
        first,
        Some(
            '=' | '+' | '-' | '@' | '\t' | '\r' | '\u{ff1d}' | '\u{ff0b}' | '\u{ff0d}' | '\u{ff20}'
        )
    )
}

#[test]
fn check_csv_neutralizes_a_negative_number_unless_raw() {
    let out = crampcheck()
        .args(["check", "-f", "csv", "--", "-17"])
        .output()
        .unwrap();
    let records: Vec<Record> = parse_csv(&out.stdout);
    assert_eq!(records[0].input, "'-17");
    let raw = crampcheck()
        .args(["check", "-f", "csv", "--raw", "--", "-17"])
        .output()
        .unwrap();
    let records: Vec<Record> = parse_csv(&raw.stdout);
    assert_eq!(records[0].input, "-17");
}

#[test]
fn summary_csv_neutralizes_formula_patient_ids_unless_raw() {
    let dir = tempfile::tempdir().unwrap();
    let input = formula_batch(dir.path());
    let out = crampcheck()
        .args(["batch", "--summary"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows: Vec<PatientSummary> = parse_csv(&out.stdout);
    for f in FORMULAS {
        assert!(rows.iter().any(|r| r.patient == format!("'{f}")), "{f:?}");
    }
    let raw = crampcheck()
        .args(["batch", "--summary", "--raw"])
        .arg(&input)
        .output()
        .unwrap();
    let rows: Vec<PatientSummary> = parse_csv(&raw.stdout);
    for f in FORMULAS {
        assert!(rows.iter().any(|r| r.patient == f), "{f:?}");
    }
}

#[test]
fn lookup_csv_neutralizes_a_formula_input_unless_raw() {
    let out = crampcheck()
        .args(["lookup", "-f", "csv", "=lipitor", "  @lipitor"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let cells = cells(&out.stdout);
    assert!(cells.iter().any(|c| c == "'=lipitor"), "{cells:?}");
    assert!(cells.iter().any(|c| c == "'  @lipitor"), "{cells:?}");
    assert!(!cells.iter().any(|c| c == "=lipitor"));
    let raw = crampcheck()
        .args(["lookup", "-f", "csv", "--raw", "=lipitor"])
        .output()
        .unwrap();
    assert!(self::cells(&raw.stdout).iter().any(|c| c == "=lipitor"));
}

/// A copy of the knowledge base whose atorvastatin advice is a formula with an escape sequence.
fn hostile_kb(dir: &Path) {
    for name in ["aliases.csv", "sources.csv"] {
        fs::copy(repo("data").join(name), dir.join(name)).unwrap();
    }
    let drugs = fs::read_to_string(repo("data/drugs.csv")).unwrap();
    let advice = ",Small signal: consider whether cramps began after this was started; review \
                  with the prescriber before any change,";
    let hostile = ",\"=HYPERLINK(\"\"http://x.example\"\")\u{1b}[2J\u{9b}\",";
    let line = drugs
        .lines()
        .find(|l| l.starts_with("atorvastatin,"))
        .unwrap();
    assert!(line.contains(advice), "the sample advice changed: {line}");
    let drugs = drugs.replace(line, &line.replace(advice, hostile));
    fs::write(dir.join("drugs.csv"), drugs).unwrap();
}

#[test]
fn list_csv_neutralizes_a_formula_from_the_knowledge_base_unless_raw() {
    let dir = tempfile::tempdir().unwrap();
    hostile_kb(dir.path());
    let run = |raw: bool| {
        let mut cmd = crampcheck();
        cmd.args(["list", "-f", "csv", "--class", "statin", "--kb"])
            .arg(dir.path());
        if raw {
            cmd.arg("--raw");
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let out = run(false);
    assert!(!has_esc_or_c1(&out));
    let cells = cells(&out);
    assert!(
        cells
            .iter()
            .any(|c| c == "'=HYPERLINK(\"http://x.example\")\\u{1b}[2J\\u{9b}"),
        "{cells:?}"
    );
    let raw = run(true);
    assert!(
        !has_esc_or_c1(&raw),
        "--raw still escapes control characters"
    );
    assert!(
        self::cells(&raw)
            .iter()
            .any(|c| c == "=HYPERLINK(\"http://x.example\")\\u{1b}[2J\\u{9b}")
    );
    // The same advice in JSON: escaped as \u001b and \u009b, the text unchanged once parsed.
    let json = crampcheck()
        .args(["list", "-f", "jsonl", "--class", "statin", "--kb"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!has_esc_or_c1(&json.stdout));
    let rows: Vec<serde_json::Value> = parse_jsonl(&json.stdout);
    assert!(
        rows.iter()
            .any(|r| r["advice"] == "=HYPERLINK(\"http://x.example\")\u{1b}[2J\u{9b}")
    );
}

#[test]
fn csv_and_jsonl_records_carry_no_raw_esc_or_c1_byte() {
    let hostile = "lipitor\u{1b}]0;owned\u{7}\u{9b}2J\u{85}";
    let csv_out = crampcheck()
        .args(["check", "-f", "csv", hostile])
        .output()
        .unwrap();
    assert!(!has_esc_or_c1(&csv_out.stdout));
    let records: Vec<Record> = parse_csv(&csv_out.stdout);
    assert_eq!(
        records[0].input,
        "lipitor\\u{1b}]0;owned\\u{7}\\u{9b}2J\\u{85}"
    );
    for format in ["jsonl", "json"] {
        let out = crampcheck()
            .args(["check", "-f", format, hostile])
            .output()
            .unwrap();
        assert!(!has_esc_or_c1(&out.stdout), "{format}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains(r"\u001b") && text.contains(r"\u009b"),
            "{text}"
        );
    }
    let out = crampcheck()
        .args(["check", "-f", "jsonl", hostile])
        .output()
        .unwrap();
    let records: Vec<Record> = parse_jsonl(&out.stdout);
    assert_eq!(records[0].input, hostile, "JSON keeps the text exactly");
    let out = crampcheck()
        .args(["lookup", "-f", "json", hostile])
        .output()
        .unwrap();
    assert!(!has_esc_or_c1(&out.stdout));
}

#[test]
fn summary_jsonl_escapes_c1_in_a_patient_id() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("c1.csv");
    fs::write(&input, "patient,med\nP\u{9b}31m,lipitor\n").unwrap();
    let out = crampcheck()
        .args(["batch", "--summary", "-f", "jsonl"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(!has_esc_or_c1(&out.stdout));
    let rows: Vec<PatientSummary> = parse_jsonl(&out.stdout);
    assert_eq!(rows[0].patient, "P\u{9b}31m");
}

#[test]
fn an_error_naming_a_hostile_file_shows_its_escapes_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\u{1b}[31m\u{202e}vsc.csv";
    fs::write(dir.path().join(name), "who,what\nA,lipitor\n").unwrap();
    let out = crampcheck()
        .current_dir(dir.path())
        .args(["batch", name])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("evil\\u{1b}[31m<U+202E>vsc.csv"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{202e}'),
        "{stderr}"
    );
    // A missing file, by a name with a bidi override.
    crampcheck()
        .args(["check", "--file", "list\u{202e}txt.exe"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("list<U+202E>txt.exe"))
        .stderr(predicate::str::contains("\u{202e}").not());
}

#[test]
fn an_error_quoting_a_hostile_header_shows_its_escapes_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("header.csv");
    fs::write(&input, "\u{1b}[2Jwho,\u{9b}what\u{2066}\nA,lipitor\n").unwrap();
    let out = crampcheck().arg("batch").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!has_esc_or_c1(stderr.as_bytes()), "{stderr}");
    assert!(
        stderr.contains("\\u{1b}[2Jwho") && stderr.contains("<U+2066>"),
        "{stderr}"
    );
}

#[test]
fn a_warning_naming_a_hostile_file_shows_its_escapes_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let name = "empty\u{1b}]0;x\u{7}.csv";
    fs::write(dir.path().join(name), "patient,med\n").unwrap();
    fs::write(dir.path().join("ok.csv"), "patient,med\nP1,lipitor\n").unwrap();
    let out = crampcheck()
        .current_dir(dir.path())
        .args(["batch", "ok.csv", name])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("empty\\u{1b}]0;x\\u{7}.csv"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr}"
    );
}

#[test]
fn the_table_and_lookup_show_bidi_and_escape_characters_as_text() {
    let hostile = "lipitor \u{202e}gm 02\u{1b}[2J";
    let out = crampcheck().args(["check", hostile]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("<U+202E>gm") && text.contains("\\u{1b}[2J"),
        "{text}"
    );
    assert!(
        !text.contains('\u{202e}') && !text.contains('\u{1b}'),
        "{text}"
    );
    let out = crampcheck().args(["lookup", hostile]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\u{202e}') && !text.contains('\u{1b}'),
        "{text}"
    );
}

#[test]
fn the_progress_line_shows_a_hostile_file_name_as_text() {
    // `script` gives the run a terminal, so that the progress line is drawn.
    let Ok(found) = std::process::Command::new("script")
        .arg("--version")
        .output()
    else {
        return;
    };
    if !found.status.success() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\u{1b}[31mred.csv";
    let mut text = String::from("patient,med\n");
    for i in 0..50_000 {
        text.push_str(&format!("P{i},lipitor {} mg\n", i % 80));
    }
    fs::write(dir.path().join(name), text).unwrap();
    let run = std::process::Command::new("script")
        .current_dir(dir.path())
        .env("CRAMPCHECK", env!("CARGO_BIN_EXE_crampcheck"))
        .env("INPUT", name)
        .args([
            "-q",
            "-e",
            "-c",
            "\"$CRAMPCHECK\" batch \"$INPUT\" -o out.csv",
            "session.txt",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(run.status.success());
    let session = fs::read(dir.path().join("session.txt")).unwrap();
    let session = String::from_utf8_lossy(&session);
    assert!(session.contains("evil\\u{1b}[31mred.csv"), "{session:?}");
    assert!(!session.contains("evil\u{1b}[31m"), "{session:?}");
}
