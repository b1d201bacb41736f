//! `batch` accounts for every input record, in order, whatever the records hold.

use std::collections::BTreeMap;
use std::io::Write;

use crampcheck::cmd::batch::{Options, run};
use crampcheck::read::input::{BatchColumns, MAX_ENTRY_BYTES, Source, check_entry, decode};
use crampcheck::read::records::MAX_RECORD_LINES;
use proptest::prelude::*;

use crate::ctx;

/// One generated input row: patient id, medication bytes, and any extra fields.
#[derive(Clone, Debug)]
struct Row {
    patient: String,
    med: Option<Vec<u8>>,
    extra: Vec<String>,
}

impl Row {
    fn fields(&self) -> Vec<Vec<u8>> {
        let mut f = vec![self.patient.as_bytes().to_vec()];
        f.extend(self.med.clone());
        f.extend(self.extra.iter().map(|e| e.as_bytes().to_vec()));
        f
    }

    /// Whether batch must report the row as an error: wrong field count, or an empty or overlong
    /// medication once decoded and trimmed.
    fn is_error(&self) -> bool {
        match self.fields().as_slice() {
            [_, med] => check_entry(decode(med).0.trim()).is_some(),
            _ => true,
        }
    }
}

const REAL: &[&str] = &[
    "Lipitor 20 mg",
    "furosimide 40mg",
    "quinine sulfate 324 MG Oral Capsule",
    "metformin 500 mg bid",
    "atorva 40",
    "losartan/hctz 100-25",
    "Chininsulfat",
    "iron sucorse",
    "Dyazide",
    "xqzzy 10 mg",
    "  Lasix  ",
    "10 mg",
];

fn med() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        4 => prop::sample::select(REAL).prop_map(|s| s.as_bytes().to_vec()),
        3 => "(?s).{0,40}".prop_map(String::into_bytes),
        2 => "[ -~]{0,40}".prop_map(String::into_bytes),
        1 => "[a-z,\"\r\n ]{0,20}".prop_map(String::into_bytes),
        1 => Just(Vec::new()),
        1 => "[ \t]{1,4}".prop_map(String::into_bytes),
        // Longer than an entry may be, around the limit, or well past it.
        1 => ("[a-z ]{1,6}", (MAX_ENTRY_BYTES - 8)..=(3 * MAX_ENTRY_BYTES)).prop_map(|(s, n)| {
            s.into_bytes().into_iter().cycle().take(n).collect()
        }),
        // Invalid UTF-8 (decoded as Windows-1252).
        2 => (prop::collection::vec(any::<u8>(), 0..40), any::<prop::sample::Index>())
            .prop_map(|(mut v, i)| {
                v.insert(i.index(v.len() + 1), 0xff);
                v
            }),
    ]
    .prop_map(Some)
}

fn row() -> impl Strategy<Value = Row> {
    (
        "[A-Za-z0-9 _é,\"-]{0,8}",
        prop_oneof![8 => med(), 1 => Just(None)],
        prop_oneof![
            8 => Just(Vec::new()),
            1 => prop::collection::vec("[a-z ,]{0,5}", 1..=3),
        ],
    )
        .prop_map(|(p, med, extra)| Row {
            // A leading letter keeps a one-field row from being a blank line.
            patient: format!("P{p}"),
            med,
            extra,
        })
}

fn write_csv(rows: &[Row]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    w.write_record(["patient_id", "medication"]).unwrap();
    for r in rows {
        w.write_record(r.fields()).unwrap();
    }
    w.into_inner().unwrap()
}

/// Runs batch on `csv` in a temporary file; returns the JSONL records.
fn batch(csv: &[u8]) -> Vec<serde_json::Value> {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(csv).unwrap();
    file.flush().unwrap();
    let opts = Options {
        sources: vec![Source::File(file.path().to_owned())],
        columns: BatchColumns::default(),
        jobs: 1,
        ..Options::default()
    };
    let mut out = Vec::new();
    run(ctx(), &opts, &mut out).expect("batch runs");
    let text = String::from_utf8(out).expect("JSONL output is UTF-8");
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSONL {l:?}: {e}")))
        .collect()
}

proptest! {
    #![proptest_config(crate::config(256))]

    #[test]
    fn batch_reports_every_input_record_in_order(rows in prop::collection::vec(row(), 1..=24)) {
        // More line breaks than a record may span would split a record by design.
        prop_assume!(rows.iter().all(|r| r
            .fields()
            .iter()
            .map(|f| f.iter().filter(|&&b| b == b'\n' || b == b'\r').count())
            .sum::<usize>()
            < MAX_RECORD_LINES));
        let records = batch(&write_csv(&rows));
        let n = rows.len() as u64;
        let row_of = |v: &serde_json::Value| v["row"].as_u64().expect("row is a number");
        let seq: Vec<u64> = records.iter().map(row_of).collect();
        prop_assert!(seq.windows(2).all(|w| w[0] <= w[1]), "rows out of order: {:?}", seq);
        let mut by_row: BTreeMap<u64, Vec<&serde_json::Value>> = BTreeMap::new();
        for r in &records {
            by_row.entry(row_of(r)).or_default().push(r);
        }
        prop_assert_eq!(by_row.keys().copied().collect::<Vec<_>>(), (1..=n).collect::<Vec<_>>());
        for (i, row) in rows.iter().enumerate() {
            let got = &by_row[&(i as u64 + 1)];
            let statuses: Vec<&str> = got.iter().map(|r| r["status"].as_str().unwrap()).collect();
            if row.is_error() {
                prop_assert_eq!(&statuses, &["error"], "row {}: {:?}", i + 1, row);
            } else {
                prop_assert!(!statuses.contains(&"error"), "row {}: {:?} {:?}", i + 1, row, statuses);
            }
            for r in got {
                prop_assert_eq!(r["patient"].as_str().unwrap(), row.patient.trim());
            }
        }
    }
}
