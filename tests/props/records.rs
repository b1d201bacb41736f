//! The forgiving record reader: agreement with the csv crate on well-formed CSV, and bounded,
//! panic-free behaviour on arbitrary bytes.

use std::io::BufReader;

use crampcheck::read::records::{MAX_RECORD_BYTES, MAX_RECORD_LINES, Record, RecordReader};
use csv::QuoteStyle;
use proptest::prelude::*;

/// A record as read: its starting line and its fields, or its error.
type Read = (u64, Result<Vec<Vec<u8>>, String>);

/// Every record of `input`, read through a buffer of `capacity` bytes (0: straight from the slice).
fn read_all(input: &[u8], delimiter: u8, capacity: usize) -> Vec<Read> {
    fn drain<R: std::io::BufRead>(mut r: RecordReader<R>, limit: usize) -> Vec<Read> {
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
            // A reader that returns more records than there are lines is looping.
            assert!(
                out.len() <= limit,
                "more records than lines: not terminating"
            );
        }
        out
    }
    let limit = input.len() + 1;
    if capacity == 0 {
        drain(RecordReader::new(input, delimiter), limit)
    } else {
        drain(
            RecordReader::new(BufReader::with_capacity(capacity, input), delimiter),
            limit,
        )
    }
}

fn is_blank(b: &[u8]) -> bool {
    b.iter().all(u8::is_ascii_whitespace)
}

/// The physical lines as the reader sees them: numbered from 1, ended by LF, CRLF or a lone CR,
/// without their line break or, on line 1, a leading BOM; and whether each is too long (more than
/// [`MAX_RECORD_BYTES`] once stripped, or cut while reading because the raw line with its break
/// exceeds the limit plus two bytes).
fn lines(input: &[u8]) -> Vec<(u64, &[u8], bool)> {
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
        let raw = content.len() + brk;
        let content = if n == 1 {
            content.strip_prefix(b"\xef\xbb\xbf").unwrap_or(content)
        } else {
            content
        };
        out.push((
            n,
            content,
            raw > MAX_RECORD_BYTES + 2 || content.len() > MAX_RECORD_BYTES,
        ));
    }
    out
}

/// Lines the reader must not skip: not blank, or too long.
fn non_blank(input: &[u8]) -> Vec<(u64, &[u8], bool)> {
    lines(input)
        .into_iter()
        .filter(|(_, l, overlong)| !is_blank(l) || *overlong)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Well-formed CSV

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z0-9 ]{0,8}",
        3 => "[a-z ,\"]{0,8}",
        2 => "[a-z,\"\r\n]{0,6}",
        2 => "(?s).{0,8}",
        1 => "[\\x00-\\x1f\\x7f a,\"]{0,6}",
        1 => "[ \t\x0c]{1,3}",
        1 => Just(String::new()),
    ]
}

fn rows() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::collection::vec(field(), 1..=5), 1..=12).prop_map(|mut rows| {
        // A leading byte-order mark on line 1 is an encoding mark to the reader, not data.
        if let Some(f) = rows.first_mut().and_then(|r| r.first_mut()) {
            *f = f.trim_start_matches('\u{feff}').to_owned();
        }
        rows
    })
}

fn write_csv(rows: &[Vec<String>], style: QuoteStyle) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .quote_style(style)
        .flexible(true)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

/// Every record the csv crate reads from `bytes`.
fn csv_crate_records(bytes: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    r.byte_records()
        .map(|rec| rec.unwrap().iter().map(<[u8]>::to_vec).collect())
        .collect()
}

/// Whether RecordReader skips the row by design: a lone unquoted field of spaces, tabs or form
/// feeds is a blank line to it (the csv crate returns it as a record).
fn skipped_as_blank(row: &[String], style: QuoteStyle) -> bool {
    matches!(style, QuoteStyle::Necessary)
        && row.len() == 1
        && !row[0].is_empty()
        && row[0].bytes().all(|b| matches!(b, b' ' | b'\t' | b'\x0c'))
}

fn agrees_with_csv_crate(rows: &[Vec<String>], style: QuoteStyle) -> Result<(), TestCaseError> {
    // A record may span at most MAX_RECORD_LINES lines (ended by LF, CRLF or CR); longer ones are
    // errors by design.
    prop_assume!(rows.iter().all(|r| {
        r.iter()
            .map(|f| f.matches(['\n', '\r']).count())
            .sum::<usize>()
            < MAX_RECORD_LINES
    }));
    let bytes = write_csv(rows, style);
    let theirs = csv_crate_records(&bytes);
    // The oracle itself round-trips.
    let original: Vec<Vec<Vec<u8>>> = rows
        .iter()
        .map(|r| r.iter().map(|f| f.as_bytes().to_vec()).collect())
        .collect();
    prop_assert_eq!(&theirs, &original, "csv crate round trip");
    let expected: Vec<&Vec<Vec<u8>>> = theirs
        .iter()
        .zip(rows)
        .filter(|(_, row)| !skipped_as_blank(row, style))
        .map(|(t, _)| t)
        .collect();
    let ours = read_all(&bytes, b',', 0);
    prop_assert_eq!(
        ours.len(),
        expected.len(),
        "record count; csv: {:?}",
        String::from_utf8_lossy(&bytes)
    );
    for ((line, got), want) in ours.iter().zip(&expected) {
        let got = match got {
            Ok(f) => f,
            Err(e) => {
                return Err(TestCaseError::fail(format!(
                    "line {line}: {e}; csv: {:?}",
                    String::from_utf8_lossy(&bytes)
                )));
            }
        };
        prop_assert_eq!(got.len(), want.len(), "field count on line {}", line);
        for (g, w) in got.iter().zip(want.iter()) {
            // Known divergence: a CRLF or a lone CR inside a quoted field comes back as LF (the
            // reader splits physical lines at LF, CRLF or CR first, then joins them with LF).
            // Either spelling is accepted.
            let lf = String::from_utf8_lossy(w)
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .into_bytes();
            prop_assert!(
                g == w || *g == lf,
                "line {}: got {:?}, want {:?}",
                line,
                String::from_utf8_lossy(g),
                String::from_utf8_lossy(w)
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(crate::config(512))]

    #[test]
    fn the_record_reader_reads_minimally_quoted_csv_like_the_csv_crate(rows in rows()) {
        agrees_with_csv_crate(&rows, QuoteStyle::Necessary)?;
    }

    #[test]
    fn the_record_reader_reads_fully_quoted_csv_like_the_csv_crate(rows in rows()) {
        agrees_with_csv_crate(&rows, QuoteStyle::Always)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Arbitrary bytes

const DELIMITERS: &[u8] = b",;\t|";

/// Bytes from an alphabet rich in CSV syntax, with the occasional BOM or line near the size limit.
fn csv_ish(quotes: bool) -> impl Strategy<Value = Vec<u8>> {
    let alphabet: Vec<u8> = b"ab ,;\t|\r\n\n\n\"\"\xef\xbb\xbf\x00\xff"
        .iter()
        .copied()
        .filter(|&b| quotes || b != b'"')
        .collect();
    let piece = prop_oneof![
        200 => prop::sample::select(alphabet).prop_map(|b| vec![b]),
        4 => Just(b"\xef\xbb\xbf".to_vec()),
        1 => prop::sample::select(vec![b'a', b' ']).prop_map(|b| vec![b; MAX_RECORD_BYTES + 100]),
        1 => Just(vec![b'a'; MAX_RECORD_BYTES - 100]),
    ];
    prop::collection::vec(piece, 0..160).prop_map(|v| v.concat())
}

fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![prop::collection::vec(any::<u8>(), 0..512), csv_ish(true),]
}

proptest! {
    #![proptest_config(crate::config(384))]

    #[test]
    fn the_record_reader_returns_one_record_per_non_blank_line_of_quote_free_input(
        input in csv_ish(false),
        d in prop::sample::select(DELIMITERS),
    ) {
        let got = read_all(&input, d, 0);
        let want: Vec<Read> = non_blank(&input)
            .into_iter()
            .map(|(n, l, overlong)| {
                if overlong {
                    (n, Err(format!("record longer than {MAX_RECORD_BYTES} bytes")))
                } else {
                    (n, Ok(l.split(|&b| b == d).map(<[u8]>::to_vec).collect()))
                }
            })
            .collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn the_record_reader_never_returns_more_records_than_non_blank_lines(
        input in any_bytes(),
        d in prop::sample::select(DELIMITERS),
    ) {
        let got = read_all(&input, d, 0);
        let lines = non_blank(&input);
        prop_assert!(got.len() <= lines.len(), "{} records from {} non-blank lines", got.len(), lines.len());
        // Records start on distinct non-blank lines, in order.
        let starts: Vec<u64> = got.iter().map(|r| r.0).collect();
        prop_assert!(starts.windows(2).all(|w| w[0] < w[1]), "{:?}", starts);
        prop_assert!(starts.iter().all(|s| lines.iter().any(|(n, _, _)| n == s)), "{:?}", starts);
    }

    #[test]
    fn the_record_reader_gives_the_same_records_whatever_the_buffer_size(
        input in any_bytes(),
        capacity in 1usize..64,
    ) {
        prop_assert_eq!(read_all(&input, b',', capacity), read_all(&input, b',', 0));
    }
}
