//! The first lines of a table: an Excel `sep=;` line (honoured: it names the delimiter, and the
//! header follows it), the delimiter (given, or detected from the header line), the header
//! record itself, and a clear message for a header that cannot be one (over 64 KiB, a stray
//! quote).

use anyhow::{Result, bail};

use crate::read::encoding::decode;
use crate::read::records::{MAX_RECORD_BYTES, Record, RecordReader};

/// The header of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The field delimiter.
    pub delimiter: u8,
    /// Records to read before the first entry: the header, and the `sep=` line before it.
    pub records: usize,
    /// The header's fields, decoded and trimmed.
    pub fields: Vec<String>,
    /// The line the header is on.
    pub line: u64,
    /// The header has a quote inside an unquoted field (`medi"cation`).
    pub stray_quote: bool,
}

/// Picks the delimiter of a header line: the most frequent of `,`, `;` and tab outside quotes.
#[must_use]
pub fn detect_delimiter(line: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

/// The delimiter an Excel `sep=X` line names (quoted or not, any case), if `line` is one.
fn sep_line(line: &[u8]) -> Option<u8> {
    let line = line.trim_ascii();
    let line = line
        .strip_prefix(b"\"")
        .and_then(|l| l.strip_suffix(b"\""))
        .unwrap_or(line);
    match line {
        [s, e, p, b'=', d] if [*s, *e, *p].eq_ignore_ascii_case(b"sep") && *d != b'"' => Some(*d),
        _ => None,
    }
}

/// Reads the header from `head`, the first bytes of a text (see [`crate::read::open`]);
/// `delimiter` is the one given, if any. `None` when the text has no line that is not blank.
///
/// # Errors
/// When the header is longer than [`MAX_RECORD_BYTES`] or has a broken quote; `name` and `unit`
/// (`line`, or `row` for a sheet) are for the message.
pub fn read_header(
    head: &[u8],
    delimiter: Option<u8>,
    name: &str,
    unit: &str,
) -> Result<Option<Header>> {
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let Some(first) = text
        .split(|&b| b == b'\n' || b == b'\r')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
    else {
        return Ok(None);
    };
    let sep = sep_line(first);
    let delimiter = match (delimiter, sep) {
        (Some(d), _) | (None, Some(d)) => d,
        (None, None) => detect_delimiter(first),
    };
    let mut rdr = RecordReader::new(head, delimiter);
    let mut rec = Record::default();
    let mut records = 0;
    let mut sep_at = None;
    loop {
        // Reading from memory cannot fail.
        if !rdr.read(&mut rec).unwrap_or(false) {
            return match sep_at {
                Some(line) => bail!(
                    "{name}: no header after the `sep=` line ({unit} {line}): the input is empty"
                ),
                None => Ok(None),
            };
        }
        records += 1;
        if sep.is_some() && sep_at.is_none() {
            sep_at = Some(rec.line);
            continue;
        }
        break;
    }
    let line = rec.line;
    if let Some(e) = &rec.error {
        if e.contains("longer than") {
            bail!(
                "{name}: {unit} {line} is longer than {} KiB, so it is no header (nor an entry): \
                 is this a medication list?",
                MAX_RECORD_BYTES >> 10
            );
        }
        bail!(
            "{name}: {unit} {line}: the header has a stray quote ({e}); \
             fix or remove the quote in the first line"
        );
    }
    let fields: Vec<String> = rec.iter().map(|f| decode(f).0.trim().to_owned()).collect();
    let stray_quote = fields.iter().any(|f| f.contains('"'));
    Ok(Some(Header {
        delimiter,
        records,
        fields,
        line,
        stray_quote,
    }))
}

impl Header {
    /// The message for a header whose quote hides the column names, if it has one.
    #[must_use]
    pub fn stray_quote_message(&self, name: &str, unit: &str) -> Option<String> {
        let (i, f) = self
            .fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.contains('"'))?;
        Some(format!(
            "{name}: {unit} {}: the header has a stray quote in field {} ({f}); \
             fix or remove the quote in the first line",
            self.line,
            i + 1
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(head: &[u8]) -> Header {
        read_header(head, None, "x", "line").unwrap().unwrap()
    }

    #[test]
    fn the_delimiter_is_the_most_frequent_separator_outside_quotes() {
        assert_eq!(detect_delimiter(b"patient;medication\n"), b';');
        assert_eq!(detect_delimiter(b"patient\tmedication\n"), b'\t');
        assert_eq!(detect_delimiter(b"\"a;b\",c\n"), b',');
        assert_eq!(detect_delimiter(b"medication\n"), b',');
    }

    #[test]
    fn an_excel_sep_line_names_the_delimiter_and_the_header_follows() {
        let h = header(b"sep=;\r\npatient;medication, as written\r\nP1;lipitor\r\n");
        assert_eq!(h.delimiter, b';');
        assert_eq!(h.records, 2);
        assert_eq!(h.line, 2);
        assert_eq!(h.fields, ["patient", "medication, as written"]);
        assert_eq!(header(b"\"SEP=|\"\nmed|x\n").delimiter, b'|');
    }

    #[test]
    fn blank_lines_and_a_bom_come_before_the_header() {
        let h = header(b"\xef\xbb\xbf\n \nmedication,sig\nlipitor,qhs\n");
        assert_eq!((h.records, h.line, h.delimiter), (1, 3, b','));
        assert_eq!(read_header(b"\n\n  \n", None, "x", "line").unwrap(), None);
    }

    #[test]
    fn an_overlong_or_broken_header_is_an_error_that_says_so() {
        let long = vec![b'a'; MAX_RECORD_BYTES + 2];
        let e = read_header(&long, None, "x.csv", "line").unwrap_err();
        assert!(e.to_string().contains("longer than 64 KiB"), "{e}");
        let e = read_header(b"\"medication,sig\nlipitor,qhs\n", None, "x.csv", "line").unwrap_err();
        assert!(e.to_string().contains("stray quote"), "{e}");
        let h = header(b"medi\"cation,sig\nlipitor,qhs\n");
        assert!(h.stray_quote);
        let m = h.stray_quote_message("x.csv", "line").unwrap();
        assert!(m.contains("field 1"), "{m}");
    }
}
