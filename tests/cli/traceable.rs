//! Traceable errors: with several input files, every `batch` record names its file (a `file`
//! column at the end of CSV, a `file` key in JSON) and an error's note names the file and line;
//! with one file, the records are as before.

use crate::input_files::Dir;
use crate::support::{
    COLUMNS_WITH_FILE, Record, Status, crampcheck, csv_header, parse_csv, parse_jsonl,
};

fn two_files(dir: &Dir) -> (std::path::PathBuf, std::path::PathBuf) {
    (
        dir.file("a.csv", b"patient,medication\nP1,Lipitor\nP2,\"open\n"),
        dir.file("b.csv", b"patient,medication\nP3,hctz\nP4,\nP5,quinine\n"),
    )
}

#[test]
fn records_from_several_files_name_their_file() {
    let dir = Dir::new();
    let (a, b) = two_files(&dir);
    for jobs in ["1", "2"] {
        let out = crampcheck()
            .args(["batch", "-f", "csv", "--jobs", jobs])
            .arg(&a)
            .arg(&b)
            .assert()
            .code(3)
            .get_output()
            .stdout
            .clone();
        assert_eq!(csv_header(&out), COLUMNS_WITH_FILE, "--jobs {jobs}");
        let records: Vec<Record> = parse_csv(&out);
        let files: Vec<String> = records
            .iter()
            .map(|r| r.file.clone().unwrap_or_default())
            .collect();
        let (a, b) = (a.display().to_string(), b.display().to_string());
        assert_eq!(files, [&a[..], &a, &b, &b, &b], "--jobs {jobs}");
        let errors: Vec<&str> = records
            .iter()
            .filter(|r| r.status == Status::Error)
            .map(|r| r.note.as_str())
            .collect();
        assert_eq!(errors, ["unterminated quoted field", "missing medication"]);
        let lines: Vec<u64> = records
            .iter()
            .filter(|r| r.status == Status::Error)
            .map(|r| r.line)
            .collect();
        assert_eq!(lines, [3, 3], "--jobs {jobs}");
    }
}

#[test]
fn json_records_from_several_files_carry_a_file_key() {
    let dir = Dir::new();
    let (a, b) = two_files(&dir);
    for format in ["jsonl", "json"] {
        let out = crampcheck()
            .args(["batch", "-f", format])
            .arg(&a)
            .arg(&b)
            .assert()
            .code(3)
            .get_output()
            .stdout
            .clone();
        let records: Vec<Record> = if format == "json" {
            serde_json::from_slice(&out).unwrap()
        } else {
            parse_jsonl(&out)
        };
        assert_eq!(records.len(), 5);
        assert!(
            records[4]
                .file
                .as_deref()
                .is_some_and(|f| f.ends_with("b.csv"))
        );
        assert_eq!(records[4].status, Status::Warning);
    }
}

#[test]
fn one_file_has_no_file_column() {
    let dir = Dir::new();
    let (a, _) = two_files(&dir);
    let out = crampcheck()
        .args(["batch", "-f", "csv"])
        .arg(&a)
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    assert!(!csv_header(&out).contains(&"file".to_owned()));
    let records: Vec<Record> = parse_csv(&out);
    assert!(records.iter().all(|r| r.file.is_none()));
    assert_eq!(records[1].note, "unterminated quoted field");
    assert_eq!(records[1].line, 3);
}
