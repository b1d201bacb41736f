//! Hostile and awkward input: spreadsheet formulas, terminal escapes, JSON-breaking characters,
//! and a reader that closes the pipe early.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command as StdCommand, Stdio};

use crate::support::{PatientSummary, Record, crampcheck, parse_csv, parse_jsonl, stdout_of};

const FORMULAS: [&str; 5] = [
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "=lipitor",
];

/// Whether a spreadsheet would run the cell as a formula.
fn is_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

#[test]
fn csv_neutralizes_formula_cells_with_a_leading_apostrophe() {
    let out = stdout_of(
        crampcheck()
            .args(["check", "-f", "csv", "--"])
            .args(FORMULAS),
    );
    let records: Vec<Record> = parse_csv(&out);
    let mut inputs: Vec<&str> = records.iter().map(|r| r.input.as_str()).collect();
    inputs.dedup();
    let expected: Vec<String> = FORMULAS.iter().map(|f| format!("'{f}")).collect();
    assert_eq!(inputs, expected);
    let mut rdr = csv::Reader::from_reader(out.as_slice());
    for rec in rdr.records() {
        for cell in &rec.unwrap() {
            assert!(!is_formula(cell), "{cell}");
        }
    }
}

#[test]
fn csv_neutralizes_formula_patient_ids_in_batch_and_summary() {
    let input = "patient,medication\n=cmd|x,lipitor\n-P2,\"=1+2\"\n@P3,@quinine\n";
    for args in [&["batch", "-"][..], &["batch", "-", "--summary"]] {
        let out = stdout_of(crampcheck().args(args).write_stdin(input));
        let mut rdr = csv::Reader::from_reader(out.as_slice());
        let mut n = 0;
        for rec in rdr.records() {
            let rec = rec.unwrap();
            assert!(rec[0].starts_with('\''), "{rec:?}");
            for cell in &rec {
                assert!(!is_formula(cell), "{cell}");
            }
            n += 1;
        }
        assert_eq!(n, 3, "{args:?}");
    }
}

#[test]
fn json_keeps_formula_text_as_given() {
    let out = stdout_of(
        crampcheck()
            .args(["check", "-f", "jsonl", "--"])
            .args(FORMULAS),
    );
    let records: Vec<Record> = parse_jsonl(&out);
    let mut inputs: Vec<&str> = records.iter().map(|r| r.input.as_str()).collect();
    inputs.dedup();
    assert_eq!(inputs, FORMULAS);
}

#[test]
fn summary_json_keeps_formula_patient_ids_as_given() {
    let out = stdout_of(
        crampcheck()
            .args(["batch", "-", "--summary", "-f", "jsonl"])
            .write_stdin("patient,medication\n=cmd,lipitor\n"),
    );
    let s: Vec<PatientSummary> = parse_jsonl(&out);
    assert_eq!(s[0].patient, "=cmd");
}

#[test]
fn table_escapes_terminal_control_characters_from_the_input() {
    let out = stdout_of(crampcheck().args([
        "check",
        "--color",
        "never",
        "lipitor\x1b[31m red",
        "\x1b]0;title\x07quinine",
        "xyz\x1b[2J",
    ]));
    assert!(!out.contains(&0x1b), "raw ESC in output");
    assert!(!out.contains(&0x07), "raw BEL in output");
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("lipitor\\u{1b}[31m red"), "{text}");
    assert!(text.contains("QUININE WARNING"), "{text}");
}

#[test]
fn batch_table_escapes_control_characters_in_patient_ids() {
    let out = stdout_of(
        crampcheck()
            .args(["batch", "-", "-f", "table", "--color", "never"])
            .write_stdin("patient,medication\n\"P\x1b[2J1\",lipitor\n\"P2\",\"quinine\x1b[5m\"\n"),
    );
    assert!(!out.contains(&0x1b), "raw ESC in output");
    for args in [&["--summary"][..], &[]] {
        let out = stdout_of(
            crampcheck()
                .args(["batch", "-", "-f", "table", "--color", "never"])
                .args(args)
                .write_stdin("patient,medication\n\"P\x1b[2J1\",lipitor\n"),
        );
        assert!(!out.contains(&0x1b), "raw ESC in output with {args:?}");
    }
}

#[test]
fn lookup_escapes_terminal_control_characters() {
    let out = stdout_of(crampcheck().args(["lookup", "lipi\x1b[2Jtor", "\x1b]0;x\x07quinine"]));
    assert!(!out.contains(&0x1b), "raw ESC in output");
    assert!(!out.contains(&0x07), "raw BEL in output");
}

#[test]
fn json_output_is_valid_whatever_the_input_holds() {
    let nasty = [
        "say \"hi\" to lipitor",
        "back\\slash\\",
        "tab\there",
        "bell\x07 and esc\x1b[0m",
        "line\u{2028}separator",
        "quinine \u{0}nul",
        "emoji 💊 and accents furosémide",
    ];
    // NUL cannot be passed as an argument; it goes through standard input instead.
    let args: Vec<&str> = nasty
        .iter()
        .copied()
        .filter(|s| !s.contains('\0'))
        .collect();
    let out = stdout_of(crampcheck().args(["check", "-f", "json", "--"]).args(&args));
    let records: Vec<Record> = serde_json::from_slice(&out).unwrap();
    let mut inputs: Vec<&str> = records.iter().map(|r| r.input.as_str()).collect();
    inputs.dedup();
    assert_eq!(inputs, args);

    let mut stdin = String::new();
    for s in nasty {
        writeln!(stdin, "{s}").unwrap();
    }
    let out = stdout_of(
        crampcheck()
            .args(["check", "-f", "jsonl", "-"])
            .write_stdin(stdin),
    );
    let records: Vec<Record> = parse_jsonl(&out);
    assert!(records.iter().any(|r| r.input.contains('\0')));
}

#[test]
fn batch_jsonl_is_valid_with_quotes_and_control_characters_in_cells() {
    let input =
        "patient,medication\n\"P\"\"1\",\"a \"\"quoted\"\" \\ entry\"\nP\x012,\"multi\nline\"\n";
    let out = stdout_of(
        crampcheck()
            .args(["batch", "-", "-f", "jsonl"])
            .write_stdin(input),
    );
    let records: Vec<Record> = parse_jsonl(&out);
    assert_eq!(records[0].patient, "P\"1");
    assert_eq!(records[0].input, "a \"quoted\" \\ entry");
    assert_eq!(records.last().unwrap().patient, "P\x012");
}

/// Writes `rows` batch records to a file in `dir`.
fn large_batch(dir: &std::path::Path, rows: usize) -> std::path::PathBuf {
    let meds = [
        "lipitor",
        "hctz 25 mg",
        "quinine sulfate 324 MG Oral Capsule",
        "Dyazide",
        "metformin",
        "furosimide",
        "Advair Diskus 250/50",
    ];
    let mut text = String::with_capacity(rows * 24);
    text.push_str("patient,medication\n");
    for i in 0..rows {
        writeln!(text, "P{},{}", i / 7, meds[i % meds.len()]).unwrap();
    }
    let path = dir.join("large.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_reader_that_closes_the_pipe_early_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = large_batch(dir.path(), 200_000);
    for jobs in ["1", "2", "3"] {
        closing_the_pipe_early_is_not_an_error(&path, jobs);
    }
}

/// Reads one line of `batch --jobs JOBS PATH` and closes the pipe: the run must end on its own,
/// successfully and silently (no thread left waiting on another).
fn closing_the_pipe_early_is_not_an_error(path: &std::path::Path, jobs: &str) {
    let mut child = StdCommand::new(env!("CARGO_BIN_EXE_crampcheck"))
        .args(["batch", "--jobs", jobs])
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    {
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut first).unwrap();
        // Time for every stage to fill up and wait on the next (the riskiest moment to stop).
        std::thread::sleep(std::time::Duration::from_millis(1500));
        // Dropping the reader closes our end of the pipe, like `| head -1`.
    }
    assert!(first.starts_with("patient,row,input,"), "{first}");
    // A hang (a stage waiting forever on another) fails the test instead of stalling it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("batch --jobs {jobs} did not stop after its output was closed");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        status.success(),
        "--jobs {jobs}: {status:?}, stderr: {stderr}"
    );
    assert_eq!(stderr, "", "--jobs {jobs}");
}

#[test]
fn a_closed_pipe_on_check_is_not_an_error_either() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    let mut text = String::new();
    for i in 0..20_000 {
        writeln!(text, "lipitor {i} mg").unwrap();
    }
    std::fs::write(&list, text).unwrap();
    let mut child = StdCommand::new(env!("CARGO_BIN_EXE_crampcheck"))
        .args(["check", "-f", "jsonl", "--file"])
        .arg(&list)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        assert!(first.starts_with('{'));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
