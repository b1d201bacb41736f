//! Arbitrary bytes as the body of a batch CSV whose header line is `patient_id,medication`:
//! `batch` (one job, JSON Lines) succeeds, its output is valid JSON Lines, and every input record
//! (as counted by the record reader) appears in it, in order: the distinct `row` values are exactly
//! 1..=N, so there are at least as many output records as input records.
#![no_main]

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::OnceLock;

use crampcheck::cmd::Context;
use crampcheck::cmd::batch::{Options, run};
use crampcheck::read::input::{BatchColumns, Source};
use crampcheck::read::open::HEAD_BYTES;
use crampcheck::read::records::{Record, RecordReader};
use crampcheck::read::sniff::{Kind, sniff};
use crampcheck::report::Format;
use libfuzzer_sys::fuzz_target;

const HEADER: &[u8] = b"patient_id,medication\n";

fn ctx() -> &'static Context {
    static CTX: OnceLock<Context> = OnceLock::new();
    CTX.get_or_init(|| {
        let (kb, lex) = crampcheck::load(None).expect("the built-in knowledge base loads");
        Context {
            kb,
            lex,
            format: Some(Format::Jsonl),
            color: false,
            raw: false,
            view: Default::default(),
        }
    })
}

fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("crampcheck-fuzz-batch-{}.csv", std::process::id()))
    })
}

/// Records after the header, as the batch reader's record reader sees them.
fn count_records<R: BufRead>(src: R) -> u64 {
    let mut r = RecordReader::new(src, b',');
    let mut rec = Record::default();
    let mut n = 0u64;
    while r.read(&mut rec).expect("reading from memory cannot fail") {
        n += 1;
    }
    n.saturating_sub(1)
}

fuzz_target!(|data: &[u8]| {
    let mut csv = HEADER.to_vec();
    csv.extend_from_slice(data);
    std::fs::write(path(), &csv).expect("the temporary file can be written");
    let expected = count_records(&csv[..]);

    let opts = Options {
        sources: vec![Source::File(path().clone())],
        columns: BatchColumns::default(),
        jobs: 1,
        ..Options::default()
    };
    let mut out = Vec::new();
    let outcome = run(ctx(), &opts, &mut out);
    // Bytes that are not text (many NULs, the NUL pattern of UTF-16) are refused before any
    // record is read, as they must be; any other input has a well-formed header, so batch
    // must succeed.
    match sniff(&csv[..csv.len().min(HEAD_BYTES)]) {
        Kind::Text => {}
        Kind::Refused(what) => {
            assert!(outcome.is_err(), "{what} was screened");
            return;
        }
        // Decoded as UTF-16: the header is then whatever the bytes say.
        _ => return,
    }
    let outcome = outcome.expect("batch fails on a well-formed header");

    let text = std::str::from_utf8(&out).expect("JSON Lines output is UTF-8");
    let mut rows: Vec<u64> = Vec::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("each output line is JSON");
        rows.push(v["row"].as_u64().expect("row is a number"));
    }
    assert!(rows.windows(2).all(|w| w[0] <= w[1]), "rows out of order");
    let mut distinct = rows.clone();
    distinct.dedup();
    assert_eq!(
        distinct,
        (1..=expected).collect::<Vec<_>>(),
        "not every record is reported once"
    );
    let summary = outcome.summary.expect("batch returns a summary");
    assert_eq!(summary.entries, expected);
});
