//! Encodings: the same medication list in UTF-8 (with and without BOM), UTF-16LE and UTF-16BE
//! (with a BOM, and told by their NUL bytes without one) and Windows-1252 warns about quinine in
//! `check` and in `batch`, exits 1 with `--fail-on warning`, and reads the same entries; UTF-32
//! and bytes that are no text are refused, naming the file and what was found.

use predicates::prelude::*;

use crate::input_files::{Dir, utf16, utf32, windows_1252};
use crate::support::{Record, Status, crampcheck, parse_csv};

/// Excel's "Unicode Text" export: tab-separated, CRLF, a non-ASCII entry.
const LIST: &str = "medication\tsig\r\nquinine sulfate 324 mg\tat night\r\nfurosémide 40 mg\tdaily\r\nLipitor\tqhs\r\n";
const BATCH: &str =
    "patient\tmedication\r\nP1\tquinine sulfate 324 mg\r\nP1\tfurosémide 40 mg\r\nP2\tLipitor\r\n";

/// Every encoding read, with the bytes of `text` in it.
fn encodings(text: &str) -> Vec<(&'static str, Vec<u8>)> {
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(text.as_bytes());
    vec![
        ("utf-8", text.as_bytes().to_vec()),
        ("utf-8 with a bom", bom),
        ("utf-16le with a bom", utf16(text, false, true)),
        ("utf-16be with a bom", utf16(text, true, true)),
        ("utf-16le without a bom", utf16(text, false, false)),
        ("utf-16be without a bom", utf16(text, true, false)),
        ("windows-1252", windows_1252(text)),
    ]
}

/// `(row, input, status, ingredient)` of every record.
fn findings(records: &[Record]) -> Vec<(u64, String, Status, String)> {
    records
        .iter()
        .map(|r| (r.row, r.input.clone(), r.status, r.ingredient.clone()))
        .collect()
}

#[test]
fn quinine_in_every_encoding_warns_in_check_and_fails_on_warning() {
    let dir = Dir::new();
    let mut reference = None;
    for (what, bytes) in encodings(LIST) {
        let path = dir.file(&format!("{}.txt", what.replace(' ', "-")), &bytes);
        let out = crampcheck()
            .args(["--fail-on", "warning", "check", "-f", "csv", "--file"])
            .arg(&path)
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let records: Vec<Record> = parse_csv(&out);
        let got = findings(&records);
        assert!(
            got.iter()
                .any(|f| f.2 == Status::Warning && f.3 == "quinine"),
            "{what}: {got:#?}"
        );
        assert!(
            got.iter()
                .any(|f| f.1 == "furosémide 40 mg" && f.3 == "furosemide"),
            "{what}: {got:#?}"
        );
        match &reference {
            None => reference = Some(got),
            Some(r) => assert_eq!(&got, r, "{what}"),
        }
    }
}

#[test]
fn quinine_in_every_encoding_warns_in_batch_and_fails_on_warning() {
    let dir = Dir::new();
    for (what, bytes) in encodings(BATCH) {
        let path = dir.file(&format!("{}.tsv", what.replace(' ', "-")), &bytes);
        let out = crampcheck()
            .args(["--fail-on", "warning", "batch", "-f", "csv"])
            .arg(&path)
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let records: Vec<Record> = parse_csv(&out);
        assert!(
            records.iter().any(|r| r.patient == "P1"
                && r.status == Status::Warning
                && r.ingredient == "quinine"),
            "{what}: {records:#?}"
        );
        assert!(
            records.iter().any(|r| r.input == "furosémide 40 mg"),
            "{what}"
        );
        assert_eq!(records.len(), 3, "{what}");
    }
}

#[test]
fn a_utf16_list_on_standard_input_warns_too() {
    for command in [&["check", "-"][..], &["batch", "-"][..]] {
        let text = if command[0] == "check" { LIST } else { BATCH };
        crampcheck()
            .args(["--fail-on", "warning", "-f", "csv"])
            .args(command)
            .write_stdin(utf16(text, false, true))
            .assert()
            .code(1)
            .stdout(predicate::str::contains("quinine sulfate 324 mg,warning"));
    }
}

#[test]
fn the_encoding_read_is_said_on_stderr() {
    let dir = Dir::new();
    let path = dir.file("unicode.txt", &utf16(LIST, false, true));
    crampcheck()
        .args(["check", "-f", "csv", "--file"])
        .arg(&path)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("unicode.txt (UTF-16LE)"));
}

#[test]
fn utf32_is_refused_with_the_file_and_the_encoding_named() {
    let dir = Dir::new();
    for (big_endian, bom, name) in [
        (false, true, "UTF-32LE"),
        (true, true, "UTF-32BE"),
        (false, false, "UTF-32LE"),
        (true, false, "UTF-32BE"),
    ] {
        let path = dir.file("wide.txt", &utf32(LIST, big_endian, bom));
        for command in ["check", "batch"] {
            let mut cmd = crampcheck();
            if command == "check" {
                cmd.args(["check", "--file"]);
            } else {
                cmd.arg("batch");
            }
            cmd.arg(&path)
                .assert()
                .code(2)
                .stdout("")
                .stderr(predicate::str::contains("wide.txt"))
                .stderr(predicate::str::contains(name))
                .stderr(predicate::str::contains("not a medication list"));
        }
    }
}

#[test]
fn other_byte_order_marks_are_refused_by_name() {
    let dir = Dir::new();
    for (bom, name) in [
        (&b"\x84\x31\x95\x33"[..], "GB18030"),
        (b"+/v8", "UTF-7"),
        (b"\xdd\x73\x66\x73", "UTF-EBCDIC"),
    ] {
        let mut bytes = bom.to_vec();
        bytes.extend_from_slice(b"medication\nquinine\n");
        let path = dir.file("odd.txt", &bytes);
        crampcheck()
            .args(["check", "--file"])
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("odd.txt"))
            .stderr(predicate::str::contains(name));
    }
}
