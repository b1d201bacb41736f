//! A million-row batch file with a few percent of damaged rows of every kind: every record is
//! accounted for, in order, and the error count is exact.

use std::io::Write;

use crate::support::crampcheck;

/// Kinds of row, by what the reader must make of them.
#[derive(Clone, Copy)]
enum Kind {
    Good,
    Latin1,
    TooManyFields,
    EmptyMedication,
    OverlongEntry,
    UnterminatedQuote,
    TextAfterQuote,
}

const GOOD: [&str; 8] = [
    "metformin 500 mg bid",
    "Lipitor 20mg",
    "lisinopril 10 mg",
    "\"estrogens, conjugated 0.625 mg\"",
    "hctz 25mg",
    "omeprazole 20 mg",
    "quinine sulfate 324 MG Oral Capsule",
    "amlodipine 5 mg",
];

/// Writes the file; returns (records, expected errors).
fn write_damaged(path: &std::path::Path, rows: usize) -> (usize, usize) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    out.write_all(b"patient_id,medication\r\n").unwrap();
    let kinds = [
        Kind::Latin1,
        Kind::TooManyFields,
        Kind::EmptyMedication,
        Kind::OverlongEntry,
        Kind::UnterminatedQuote,
        Kind::TextAfterQuote,
    ];
    let (mut errors, mut seed) = (0, 12345u64);
    for i in 0..rows {
        // A small LCG keeps the file deterministic without a dependency.
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let r = (seed >> 33) as usize;
        let kind = if r % 100 < 3 {
            kinds[(r / 100) % kinds.len()]
        } else {
            Kind::Good
        };
        let p = i / 8;
        match kind {
            Kind::Good => write!(out, "P{p},{}\r\n", GOOD[r % GOOD.len()]).unwrap(),
            Kind::Latin1 => {
                // A Windows-1252 é: decoded, not an error.
                out.write_all(format!("P{p},furos").as_bytes()).unwrap();
                out.write_all(b"\xe9mide 40 mg\r\n").unwrap();
            }
            Kind::TooManyFields => write!(out, "P{p},lasix,40 mg,daily\r\n").unwrap(),
            Kind::EmptyMedication => write!(out, "P{p},\r\n").unwrap(),
            Kind::OverlongEntry => write!(out, "P{p},{}\r\n", "x".repeat(1100)).unwrap(),
            Kind::UnterminatedQuote => write!(out, "P{p},\"lipitor 20 mg\r\n").unwrap(),
            Kind::TextAfterQuote => write!(out, "P{p},\"lipitor\" 20 mg\r\n").unwrap(),
        }
        if !matches!(kind, Kind::Good | Kind::Latin1) {
            errors += 1;
        }
        if i % 50_000 == 0 {
            out.write_all(b"\r\n").unwrap(); // a blank line is not a record
        }
    }
    (rows, errors)
}

#[test]
fn a_damaged_million_row_file_keeps_every_record_and_counts_every_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("damaged.csv");
    let (records, errors) = write_damaged(&input, 1_000_000);
    let out = crampcheck()
        .args(["batch", "--format", "csv"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "any unreadable record makes the exit code 3 (finished, with error records)"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{errors} of {records} records could not be read")),
        "{stderr}"
    );
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let (mut next_row, mut error_rows) = (1u64, 0usize);
    let mut rec = csv::StringRecord::new();
    while rdr.read_record(&mut rec).unwrap() {
        let row: u64 = rec[1].parse().unwrap();
        // Rows come in input order; a row with several findings repeats, none is skipped.
        assert!(
            row == next_row || row == next_row - 1,
            "row {row} after {}",
            next_row - 1
        );
        if row == next_row {
            next_row += 1;
            error_rows += usize::from(&rec[3] == "error");
        }
    }
    assert_eq!(
        next_row - 1,
        records as u64,
        "one or more output records per input record"
    );
    assert_eq!(error_rows, errors);
}
