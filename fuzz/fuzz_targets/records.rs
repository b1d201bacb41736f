//! Arbitrary bytes through the forgiving record reader until the end: nothing panics, reading
//! terminates, records start on distinct non-blank lines in order (so there are never more records
//! than non-blank lines), and the result does not depend on the size of the read buffer.
//!
//! The first byte picks the delimiter (low two bits) and a buffer capacity of 1 to 64 bytes.
#![no_main]

use std::io::{BufRead, BufReader};

use crampcheck::read::records::{MAX_RECORD_BYTES, Record, RecordReader};
use libfuzzer_sys::fuzz_target;

type Read = (u64, Result<Vec<Vec<u8>>, String>);

fn read_all<R: BufRead>(mut r: RecordReader<R>, limit: usize) -> Vec<Read> {
    let mut rec = Record::default();
    let mut out = Vec::new();
    while r.read(&mut rec).expect("reading from memory cannot fail") {
        out.push((
            rec.line,
            match &rec.error {
                Some(e) => Err(e.clone()),
                None => Ok(rec.iter().map(<[u8]>::to_vec).collect()),
            },
        ));
        assert!(
            out.len() <= limit,
            "more records than lines: the reader does not terminate"
        );
    }
    out
}

/// Numbers of the physical lines (ended by LF, CRLF or a lone CR) that may start a record: not all
/// whitespace, or too long.
fn candidate_lines(input: &[u8]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut rest = input;
    let mut n = 0;
    while !rest.is_empty() {
        n += 1;
        let (content, brk) = match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(i) if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') => (&rest[..i], 2),
            Some(i) => (&rest[..i], 1),
            None => (rest, 0),
        };
        rest = &rest[content.len() + brk..];
        if !content.iter().all(u8::is_ascii_whitespace) || content.len() > MAX_RECORD_BYTES {
            out.push(n);
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, input)) = data.split_first() else {
        return;
    };
    let delimiter = b",;\t|"[usize::from(sel & 3)];
    let capacity = usize::from(sel >> 2) + 1;
    let limit = input.len() + 1;

    let direct = read_all(RecordReader::new(input, delimiter), limit);
    let buffered = read_all(
        RecordReader::new(BufReader::with_capacity(capacity, input), delimiter),
        limit,
    );
    assert_eq!(direct, buffered, "the buffer size changed the records");

    let lines = candidate_lines(input);
    assert!(
        direct.len() <= lines.len(),
        "{} records from {} non-blank lines",
        direct.len(),
        lines.len()
    );
    let starts: Vec<u64> = direct.iter().map(|r| r.0).collect();
    assert!(
        starts.windows(2).all(|w| w[0] < w[1]),
        "record lines not increasing: {starts:?}"
    );
    assert!(
        starts.iter().all(|s| lines.contains(s)),
        "a record starts on a blank line: {starts:?}"
    );
});
