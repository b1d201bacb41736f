//! Hostile input: files that are no medication list (PDF, images, executables, archives, NUL
//! bytes, an endless stream) are refused with the file named and exit 2, never screened; headers
//! that cannot be one (over 64 KiB, a stray quote) say so; an Excel `sep=` line is honoured;
//! `check` keeps the limits of `batch` and its errors carry their line.

use std::time::Duration;

use predicates::prelude::*;

use crate::input_files::{Dir, gzip, t, xlsx, zip};
use crate::support::{Record, Status, crampcheck, parse_csv};

/// Runs `check --file PATH` and `batch PATH`, expecting exit 2, no output and a message that
/// holds every one of `says`.
fn both_refuse(path: &std::path::Path, says: &[&str]) {
    for command in [&["check", "--file"][..], &["batch"][..]] {
        let mut assert = crampcheck()
            .args(command)
            .arg(path)
            .timeout(Duration::from_secs(60))
            .assert()
            .code(2)
            .stdout("");
        for s in says {
            assert = assert.stderr(predicate::str::contains(*s));
        }
    }
}

#[test]
fn binary_files_are_refused_with_what_they_are() {
    let dir = Dir::new();
    let docx = zip(&[
        ("[Content_Types].xml", b"<Types/>".as_slice(), true),
        (
            "word/document.xml",
            b"<w:document>quinine</w:document>",
            true,
        ),
    ]);
    let odt = zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.text".as_slice(),
            false,
        ),
        ("content.xml", b"<office:document-content/>", true),
    ]);
    let mut ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
    ole.extend(vec![0u8; 600]);
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    exe.extend([0u8, 0, 0xb8, 0, 0, 0, 0, 0].repeat(64));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "report.pdf",
            b"%PDF-1.7\n%quinine sulfate\n".to_vec(),
            "a PDF document",
        ),
        (
            "scan.png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec(),
            "a PNG image",
        ),
        (
            "photo.csv",
            b"\xff\xd8\xff\xe0\x00\x10JFIF".to_vec(),
            "a JPEG image",
        ),
        (
            "tool",
            b"\x7fELF\x02\x01\x01\x00".to_vec(),
            "an ELF executable",
        ),
        ("setup.exe", exe, "binary data"),
        (
            "letter.docx",
            docx,
            "a zip archive that is not a spreadsheet",
        ),
        (
            "letter.odt",
            odt,
            "an OpenDocument file that is not a spreadsheet",
        ),
        ("old.doc", ole, "OLE2"),
        (
            "a.7z",
            b"7z\xbc\xaf\x27\x1c\x00\x04".to_vec(),
            "a 7-Zip archive",
        ),
        (
            "report.pdf.gz",
            gzip(b"%PDF-1.7\n"),
            "a PDF document (inside gzip)",
        ),
        (
            "web-export.xls",
            b"<html><body><table><tr><td>quinine</td></tr></table>".to_vec(),
            "an HTML page",
        ),
        (
            "sheet.xml",
            b"<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>".to_vec(),
            "an XML document",
        ),
        (
            "twice.gz",
            gzip(&gzip(b"medication\nquinine\n")),
            "compressed twice",
        ),
        (
            "book.xlsx.gz",
            gzip(&xlsx(&[("S".to_owned(), vec![vec![t("medication")]])])),
            "a compressed workbook",
        ),
    ];
    for (name, bytes, what) in cases {
        both_refuse(&dir.file(name, &bytes), &[name, what]);
    }
}

#[test]
fn dev_zero_ends_with_an_error_in_check_and_batch() {
    both_refuse(
        std::path::Path::new("/dev/zero"),
        &["/dev/zero", "only NUL bytes"],
    );
}

#[test]
fn nul_bytes_after_a_header_on_standard_input_are_refused() {
    let mut input = b"patient,medication\nP1,quinine\n".to_vec();
    input.extend(vec![0u8; 1 << 20]);
    for command in ["check", "batch"] {
        crampcheck()
            .args([command, "-"])
            .write_stdin(input.clone())
            .timeout(Duration::from_secs(60))
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("<stdin>: binary data"));
    }
}

#[test]
fn a_line_that_never_ends_stops_reading_with_an_error() {
    // Text first (so the start looks like a list), then 20 MiB without a line break.
    let mut input = b"patient,medication\n".to_vec();
    for i in 0..5000 {
        input.extend(format!("P{i},lipitor\n").into_bytes());
    }
    input.extend(vec![b'a'; 20 << 20]);
    let dir = Dir::new();
    let path = dir.file("endless.csv", &input);
    for command in [&["check", "--file"][..], &["batch"][..]] {
        crampcheck()
            .args(command)
            .arg(&path)
            .timeout(Duration::from_secs(120))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("endless.csv"))
            .stderr(predicate::str::contains(
                "no line break in its first 16 MiB",
            ));
    }
}

#[test]
fn damaged_compressed_input_is_an_error_naming_the_file() {
    let dir = Dir::new();
    let mut gz = gzip("medication\nquinine\n".repeat(2000).as_bytes());
    gz.truncate(gz.len() / 2);
    both_refuse(&dir.file("cut.csv.gz", &gz), &["cannot read", "cut.csv.gz"]);
    let zst = b"\x28\xb5\x2f\xfd\xff\xff\xff\xff\xff\xff".to_vec();
    both_refuse(&dir.file("bad.zst", &zst), &["cannot read", "bad.zst"]);
}

#[test]
fn a_header_over_64_kib_gets_its_own_message() {
    let mut input = "x".repeat(70 * 1024).into_bytes();
    input.extend_from_slice(b"\nquinine\n");
    let dir = Dir::new();
    both_refuse(
        &dir.file("wide.csv", &input),
        &["wide.csv", "line 1 is longer than 64 KiB"],
    );
}

#[test]
fn a_header_with_a_stray_quote_gets_its_own_message() {
    let dir = Dir::new();
    for (name, header) in [
        ("open.csv", "\"patient,medication\n"),
        ("inside.csv", "patient,medi\"cation\n"),
    ] {
        let input = format!("{header}P1,quinine\nP2,lipitor\n");
        both_refuse(&dir.file(name, input.as_bytes()), &[name, "stray quote"]);
    }
}

#[test]
fn an_excel_sep_line_names_the_delimiter_and_the_header_follows() {
    let input = "sep=;\r\npatient;medication\r\nP1;quinine, 300 mg\r\nP2;Lipitor\r\n";
    for command in ["check", "batch"] {
        let out = crampcheck()
            .args(["--fail-on", "warning", "-f", "csv", command, "-"])
            .write_stdin(input)
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let records: Vec<Record> = parse_csv(&out);
        let inputs: Vec<&str> = records.iter().map(|r| r.input.as_str()).collect();
        assert_eq!(inputs, ["quinine, 300 mg", "Lipitor"], "{command}");
        assert_eq!(records[0].status, Status::Warning);
    }
}

#[test]
fn check_echoes_an_overlong_entry_cut_and_names_its_line() {
    let long = format!("quinine {}", "x".repeat(5000));
    let input = format!("medication\nLipitor\n{long}\n");
    let out = crampcheck()
        .args(["check", "-f", "csv", "-"])
        .write_stdin(input)
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let records: Vec<Record> = parse_csv(&out);
    assert_eq!(records[1].status, Status::Error);
    assert_eq!(
        (records[1].note.as_str(), records[1].line),
        ("entry longer than 1024 bytes (5008 bytes)", 3)
    );
    assert!(records[1].input.starts_with("quinine xxx"));
    assert!(records[1].input.ends_with('…'));
    assert_eq!(records[1].input.len(), 1024 + '…'.len_utf8());
}

#[test]
fn check_errors_carry_their_line() {
    let input = "medication,sig\nLipitor,qhs\n\n\"open,x\nhctz,daily,extra\n";
    let out = crampcheck()
        .args(["check", "-f", "csv", "-"])
        .write_stdin(input)
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let records: Vec<Record> = parse_csv(&out);
    let notes: Vec<&str> = records
        .iter()
        .filter(|r| r.status == Status::Error)
        .map(|r| r.note.as_str())
        .collect();
    assert_eq!(
        notes,
        ["unterminated quoted field", "expected 2 fields, found 3"]
    );
    let out = crampcheck()
        .args(["check", "-f", "csv", "Lipitor", ""])
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let records: Vec<Record> = parse_csv(&out);
    assert_eq!(records[1].note, "missing medication");
}

#[test]
fn check_refuses_a_list_of_more_than_100000_entries() {
    let input = "lipitor\n".repeat(100_001);
    crampcheck()
        .args(["check", "-f", "csv", "-"])
        .write_stdin(input)
        .timeout(Duration::from_secs(120))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("more than 100000 entries"))
        .stderr(predicate::str::contains("batch"));
}
