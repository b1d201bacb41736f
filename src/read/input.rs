//! Reading entries: one patient's list (a CSV with a medication column, or one entry per line) and
//! streaming batch CSV with one configured reader and one reused record. Every record is accounted
//! for: a record that cannot be read becomes an error entry with its row and reason.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::read::records::{Record, RecordReader};

/// Header names recognized as the medication column, best first.
pub const MED_COLUMNS: &[&str] = &[
    "medication",
    "medications",
    "medication_name",
    "medicine",
    "drug",
    "drug_name",
    "med",
    "meds",
    "med_name",
    "name",
    "description",
    "drug_description",
    "product",
    "product_name",
    "rx",
    "entry",
];

/// Header names recognized as the patient column, best first.
pub const PATIENT_COLUMNS: &[&str] = &[
    "patient",
    "patient_id",
    "patientid",
    "patient_number",
    "mrn",
    "person_id",
    "subject",
    "subject_id",
    "member_id",
    "pid",
    "id",
];

/// The longest entry accepted, in bytes; a longer one is an error record, not a crash or a hang.
pub const MAX_ENTRY_BYTES: usize = 1024;

/// A source of input: a path, or standard input for `-`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Source {
    /// `-` is standard input.
    #[must_use]
    pub fn from_path(p: &Path) -> Source {
        if p.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::File(p.to_owned())
        }
    }

    /// The name used in messages.
    #[must_use]
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".into(),
            Source::File(p) => p.display().to_string(),
        }
    }

    fn open(&self) -> Result<Box<dyn Read + Send>> {
        Ok(match self {
            Source::Stdin => Box::new(io::stdin()),
            Source::File(p) => {
                Box::new(File::open(p).with_context(|| format!("cannot open {}", p.display()))?)
            }
        })
    }

    /// The size in bytes, when known (for progress).
    #[must_use]
    pub fn size(&self) -> Option<u64> {
        match self {
            Source::Stdin => None,
            Source::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
        }
    }
}

/// Normalizes a header cell for matching: lowercase, spaces/dashes/dots as underscores.
fn header_key(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c == ' ' || c == '-' || c == '.' {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// Finds a column: by the name given, or the first of `known` present.
fn find_column(headers: &[String], given: Option<&str>, known: &[&str]) -> Option<usize> {
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    match given {
        Some(g) => keys.iter().position(|k| *k == header_key(g)),
        None => known.iter().find_map(|n| keys.iter().position(|k| k == n)),
    }
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

fn delimiter_byte(d: Option<char>) -> Result<Option<u8>> {
    match d {
        None => Ok(None),
        Some(c) if c.is_ascii() && c != '"' && c != '\n' && c != '\r' => Ok(Some(c as u8)),
        Some(c) => bail!(
            "--delimiter must be one ASCII character other than a quote or newline, got {c:?}"
        ),
    }
}

/// Decodes bytes as UTF-8, or else as Windows-1252 (what spreadsheets export as "ANSI").
/// Returns whether the fallback was used.
#[must_use]
pub fn decode(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), false),
        Err(_) => (
            std::borrow::Cow::Owned(bytes.iter().map(|&b| cp1252(b)).collect()),
            true,
        ),
    }
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// One entry of a patient's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    /// 1-based number among the input's records.
    pub row: u64,
    /// The text.
    pub text: String,
    /// Why the record could not be read, if it could not.
    pub error: Option<String>,
}

/// Reads one patient's list: a CSV when a medication column is named or found in the header,
/// otherwise one entry per non-blank line.
///
/// # Errors
/// When the source cannot be read, is empty, or a named column is missing.
pub fn read_list(
    src: &Source,
    med_column: Option<&str>,
    delimiter: Option<char>,
) -> Result<Vec<ListEntry>> {
    let mut bytes = Vec::new();
    src.open()?
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", src.name()))?;
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let first_line = body
        .split(|&b| b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace));
    let Some(first_line) = first_line else {
        bail!("{}: no entries (the input is empty)", src.name());
    };
    let delim = delimiter_byte(delimiter)?.unwrap_or_else(|| detect_delimiter(first_line));
    let mut rdr = RecordReader::new(body, delim);
    let mut record = Record::default();
    rdr.read(&mut record)
        .with_context(|| format!("cannot read {}", src.name()))?;
    let header: Vec<String> = record
        .iter()
        .map(|f| decode(f).0.trim().to_owned())
        .collect();
    let column = if record.error.is_some() {
        None
    } else {
        find_column(&header, med_column, MED_COLUMNS)
    };
    let Some(column) = column else {
        if let Some(name) = med_column {
            bail!(
                "{}: no column named `{name}` (columns: {})",
                src.name(),
                header.join(", ")
            );
        }
        return Ok(plain_lines(body));
    };
    let mut out = Vec::new();
    let mut row = 0;
    while rdr
        .read(&mut record)
        .with_context(|| format!("cannot read {}", src.name()))?
    {
        row += 1;
        out.push(match &record.error {
            Some(e) => ListEntry {
                row,
                text: String::new(),
                error: Some(format!("line {}: {e}", record.line)),
            },
            None => list_entry(row, record.get(column), record.len(), header.len()),
        });
    }
    if out.is_empty() {
        bail!("{}: the CSV has a header but no entries", src.name());
    }
    Ok(out)
}

fn list_entry(row: u64, field: Option<&[u8]>, len: usize, expected: usize) -> ListEntry {
    let text = field
        .map(|f| decode(f).0.trim().to_owned())
        .unwrap_or_default();
    let error = if len != expected {
        Some(format!("expected {expected} fields, found {len}"))
    } else {
        check_entry(&text)
    };
    ListEntry { row, text, error }
}

/// Why an entry cannot be screened, if it cannot.
#[must_use]
pub fn check_entry(text: &str) -> Option<String> {
    if text.is_empty() {
        Some("missing medication".into())
    } else if text.len() > MAX_ENTRY_BYTES {
        Some(format!(
            "entry longer than {MAX_ENTRY_BYTES} bytes ({} bytes)",
            text.len()
        ))
    } else {
        None
    }
}

fn plain_lines(body: &[u8]) -> Vec<ListEntry> {
    let mut out = Vec::new();
    let mut row = 0;
    for line in body.split(|&b| b == b'\n' || b == b'\r') {
        let text = decode(line).0.trim().to_owned();
        if text.is_empty() {
            continue;
        }
        row += 1;
        let error = check_entry(&text);
        out.push(ListEntry { row, text, error });
    }
    out
}

/// Column settings for batch input.
#[derive(Clone, Debug, Default)]
pub struct BatchColumns {
    /// Patient column name, if given.
    pub patient: Option<String>,
    /// Medication column name, if given.
    pub med: Option<String>,
    /// Delimiter, if given.
    pub delimiter: Option<char>,
    /// Optional further columns to read with each record, each as the header names it may go
    /// by (patient context: age, sex…); a missing one reads as empty. Asking for any turns the
    /// fast path off, so plain runs ask for none.
    pub extra: Vec<&'static [&'static str]>,
}

/// A streaming batch reader over one source.
pub struct BatchReader {
    src: Source,
    rdr: RecordReader<BufReader<Box<dyn Read + Send>>>,
    record: Record,
    patient: usize,
    med: usize,
    width: usize,
    row: u64,
    /// The columns of [`BatchColumns::extra`], where present.
    extra: Vec<Option<usize>>,
}

/// A batch record read into a caller's text buffer: where its patient id and entry lie in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    /// 1-based number among the source's records.
    pub row: u64,
    /// The patient id's bytes in the buffer.
    pub patient: std::ops::Range<usize>,
    /// The medication text's bytes in the buffer.
    pub med: std::ops::Range<usize>,
    /// Why the record cannot be screened.
    pub error: Option<String>,
    /// The [`BatchColumns::extra`] fields' bytes in the buffer, in that order (empty without).
    pub extra: Vec<std::ops::Range<usize>>,
}

/// One batch record, borrowed from the reader's reused buffer.
#[derive(Debug)]
pub struct BatchRecord<'a> {
    /// 1-based number among the source's records.
    pub row: u64,
    /// Line where the record starts.
    pub line: u64,
    /// Patient id (empty when the record is unreadable).
    pub patient: Cow<'a, str>,
    /// Medication text, trimmed.
    pub med: Cow<'a, str>,
    /// Why the record cannot be screened.
    pub error: Option<String>,
}

impl BatchReader {
    /// Opens a source, detects the delimiter and finds the columns by header name.
    ///
    /// # Errors
    /// When the source cannot be opened, is empty, or lacks a column.
    pub fn open(src: Source, cols: &BatchColumns) -> Result<BatchReader> {
        let mut buf = BufReader::with_capacity(1 << 16, src.open()?);
        let head = buf
            .fill_buf()
            .with_context(|| format!("cannot read {}", src.name()))?;
        let first_line = head
            .split(|&b| b == b'\n' || b == b'\r')
            .next()
            .unwrap_or_default();
        let delim = match delimiter_byte(cols.delimiter)? {
            Some(d) => d,
            None => detect_delimiter(
                first_line
                    .strip_prefix(b"\xef\xbb\xbf")
                    .unwrap_or(first_line),
            ),
        };
        let mut rdr = RecordReader::new(buf, delim);
        let mut record = Record::default();
        let has_header = rdr
            .read(&mut record)
            .with_context(|| format!("cannot read {}", src.name()))?;
        let headers: Vec<String> = record
            .iter()
            .map(|h| decode(h).0.trim().to_owned())
            .collect();
        if !has_header || headers.iter().all(String::is_empty) {
            bail!(
                "{}: the input is empty (a header with a patient and a medication column is needed)",
                src.name()
            );
        }
        if let Some(e) = &record.error {
            bail!(
                "{}:{}: cannot read the header: {e}",
                src.name(),
                record.line
            );
        }
        let find = |given: &Option<String>, known: &[&str], what: &str, flag: &str| {
            find_column(&headers, given.as_deref(), known).with_context(|| match given {
                Some(g) => format!(
                    "{}: no column named `{g}` (columns: {})",
                    src.name(),
                    headers.join(", ")
                ),
                None => format!(
                    "{}: no {what} column found among: {} (name it with {flag})",
                    src.name(),
                    headers.join(", ")
                ),
            })
        };
        let patient = find(
            &cols.patient,
            PATIENT_COLUMNS,
            "patient",
            "--patient-column",
        )?;
        let med = find(&cols.med, MED_COLUMNS, "medication", "--med-column")?;
        if patient == med {
            bail!(
                "{}: the patient and medication columns are the same column",
                src.name()
            );
        }
        let extra = cols
            .extra
            .iter()
            .map(|names| find_column(&headers, None, names).filter(|&c| c != patient && c != med))
            .collect();
        Ok(BatchReader {
            src,
            rdr,
            record,
            patient,
            med,
            width: headers.len(),
            row: 0,
            extra,
        })
    }

    /// The source's name.
    #[must_use]
    pub fn name(&self) -> String {
        self.src.name()
    }

    /// Bytes read so far (for progress).
    #[must_use]
    pub fn bytes_read(&self) -> u64 {
        self.rdr.bytes_read()
    }

    /// The next record, its patient id and entry appended to `text`, or `None` at the end. A
    /// simple line (no quotes, the expected number of fields, UTF-8, nothing to trim, an entry
    /// of acceptable length) is taken from the input buffer directly; any other goes through
    /// [`BatchReader::next_record`], with the same result.
    ///
    /// # Errors
    /// On an I/O error.
    pub fn next_into(&mut self, text: &mut String) -> Result<Option<Placed>> {
        let (a, b, width) = (self.patient, self.med, self.width);
        let delimiter = self.rdr.delimiter();
        if !self.extra.is_empty() {
            return self.next_with_extra(text);
        }
        let simple = self
            .rdr
            .with_simple_line(|line, _| {
                let (sa, sb) = two_spans(line, delimiter, a, b, width)?;
                let (patient, med) = both_utf8(line, sa, sb)?;
                if !visible_ends(patient) || !visible_ends(med) || med.len() > MAX_ENTRY_BYTES {
                    return None;
                }
                let p = text.len();
                text.push_str(patient);
                let m = text.len();
                text.push_str(med);
                Some((p..m, m..text.len()))
            })
            .with_context(|| format!("cannot read {}", self.src.name()))?;
        if let Some((patient, med)) = simple {
            self.row += 1;
            return Ok(Some(Placed {
                row: self.row,
                patient,
                med,
                error: None,
                extra: Vec::new(),
            }));
        }
        let Some(rec) = self.next_record()? else {
            return Ok(None);
        };
        let p = text.len();
        text.push_str(&rec.patient);
        let m = text.len();
        text.push_str(&rec.med);
        Ok(Some(Placed {
            row: rec.row,
            patient: p..m,
            med: m..text.len(),
            error: rec.error,
            extra: Vec::new(),
        }))
    }

    /// [`BatchReader::next_into`] through the general reader, with the extra fields appended
    /// after the entry.
    fn next_with_extra(&mut self, text: &mut String) -> Result<Option<Placed>> {
        let Some(rec) = self.next_record()? else {
            return Ok(None);
        };
        let p = text.len();
        text.push_str(&rec.patient);
        let m = text.len();
        text.push_str(&rec.med);
        let med = m..text.len();
        let (row, error) = (rec.row, rec.error);
        let mut extra = Vec::with_capacity(self.extra.len());
        for col in &self.extra {
            let start = text.len();
            if error.is_none()
                && let Some(field) = col.and_then(|c| self.record.get(c))
            {
                text.push_str(decode(field).0.trim());
            }
            extra.push(start..text.len());
        }
        Ok(Some(Placed {
            row,
            patient: p..m,
            med,
            error,
            extra,
        }))
    }

    /// The next record, or `None` at the end. A record that cannot be read is returned with an
    /// error; only an I/O failure ends the stream with `Err`.
    ///
    /// # Errors
    /// On an I/O error.
    pub fn next_record(&mut self) -> Result<Option<BatchRecord<'_>>> {
        if !self
            .rdr
            .read(&mut self.record)
            .with_context(|| format!("cannot read {}", self.src.name()))?
        {
            return Ok(None);
        }
        self.row += 1;
        let rec = &self.record;
        let line = rec.line;
        if let Some(e) = &rec.error {
            let error = Some(format!("line {line}: {e}"));
            return Ok(Some(BatchRecord {
                row: self.row,
                line,
                patient: Cow::Borrowed(""),
                med: Cow::Borrowed(""),
                error,
            }));
        }
        let (patient, med) = two_fields(rec, self.patient, self.med);
        let patient = trim_cow(patient);
        let med = trim_cow(med);
        let error = if rec.len() != self.width {
            Some(format!(
                "line {line}: expected {} fields, found {}",
                self.width,
                rec.len()
            ))
        } else {
            check_entry(&med).map(|e| format!("line {line}: {e}"))
        };
        Ok(Some(BatchRecord {
            row: self.row,
            line,
            patient,
            med,
            error,
        }))
    }
}

/// Fields `a` and `b` of a record as text (missing fields are empty): both checked as UTF-8 at
/// once when the bytes from one to the other are, each decoded on its own otherwise.
fn two_fields(rec: &Record, a: usize, b: usize) -> (Cow<'_, str>, Cow<'_, str>) {
    let (sa, sb) = (rec.span(a).unwrap_or(0..0), rec.span(b).unwrap_or(0..0));
    if let Some((x, y)) = both_utf8(&rec.buf, sa, sb) {
        return (Cow::Borrowed(x), Cow::Borrowed(y));
    }
    (
        decode(rec.get(a).unwrap_or_default()).0,
        decode(rec.get(b).unwrap_or_default()).0,
    )
}

/// Two byte ranges of `bytes` as text, checked as UTF-8 in one pass over the bytes from one to
/// the other (an empty range is empty text); `None` when they are not UTF-8.
fn both_utf8(
    bytes: &[u8],
    sa: std::ops::Range<usize>,
    sb: std::ops::Range<usize>,
) -> Option<(&str, &str)> {
    let (lo, hi) = (sa.start.min(sb.start), sa.end.max(sb.end));
    let text = std::str::from_utf8(bytes.get(lo..hi)?).ok()?;
    let field = |s: std::ops::Range<usize>| {
        if s.is_empty() {
            return Some("");
        }
        text.get(s.start - lo..s.end - lo)
    };
    Some((field(sa)?, field(sb)?))
}

/// Where fields `a` and `b` lie in a line without quotes, if it has exactly `width` fields.
fn two_spans(
    line: &[u8],
    delimiter: u8,
    a: usize,
    b: usize,
    width: usize,
) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let (mut sa, mut sb) = (None, None);
    let mut start = 0;
    let mut field = 0;
    let ends = memchr::memchr_iter(delimiter, line).chain(std::iter::once(line.len()));
    for end in ends {
        if field == a {
            sa = Some(start..end);
        }
        if field == b {
            sb = Some(start..end);
        }
        field += 1;
        start = end + 1;
    }
    if field != width {
        return None;
    }
    Some((sa?, sb?))
}

/// Whether a field starts and ends with a visible ASCII character (so trimming leaves it as is).
fn visible_ends(s: &str) -> bool {
    let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    visible(s.as_bytes().first()) && visible(s.as_bytes().last())
}

fn trim_cow(s: Cow<'_, str>) -> Cow<'_, str> {
    // Most fields start and end with a visible ASCII character: nothing to trim, no need to
    // decode characters at both ends.
    if visible_ends(&s) {
        return s;
    }
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
        Cow::Owned(o) if o.trim().len() == o.len() => Cow::Owned(o),
        Cow::Owned(o) => Cow::Owned(o.trim().to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_most_frequent_separator_outside_quotes() {
        assert_eq!(detect_delimiter(b"patient;medication\n"), b';');
        assert_eq!(detect_delimiter(b"patient\tmedication\n"), b'\t');
        assert_eq!(detect_delimiter(b"\"a;b\",c\n"), b',');
        assert_eq!(detect_delimiter(b"medication\n"), b',');
    }

    #[test]
    fn windows_1252_bytes_are_decoded() {
        let (s, fallback) = decode(b"furos\xe9mide");
        assert_eq!(s, "furosémide");
        assert!(fallback);
    }

    #[test]
    fn headers_match_regardless_of_case_and_spaces() {
        let h = vec![" Patient ID".to_owned(), "Medication Name".to_owned()];
        assert_eq!(find_column(&h, None, PATIENT_COLUMNS), Some(0));
        assert_eq!(find_column(&h, None, MED_COLUMNS), Some(1));
        assert_eq!(
            find_column(&h, Some("medication name"), MED_COLUMNS),
            Some(1)
        );
    }

    #[test]
    fn fields_are_trimmed_of_ascii_and_unicode_spaces_alike() {
        for (raw, trimmed) in [
            ("lipitor", "lipitor"),
            ("  lipitor 20 mg\t", "lipitor 20 mg"),
            ("\u{a0}lipitor\u{a0}", "lipitor"),
            ("\u{2003}x", "x"),
            ("é", "é"),
            ("", ""),
            (" ", ""),
        ] {
            assert_eq!(trim_cow(Cow::Borrowed(raw)), trimmed, "{raw:?}");
            assert_eq!(trim_cow(Cow::Owned(raw.to_owned())), trimmed, "{raw:?}");
        }
    }

    fn record(fields: &[&[u8]]) -> Record {
        let mut rec = Record::default();
        for f in fields {
            rec.buf.extend_from_slice(f);
            rec.ends.push(rec.buf.len());
        }
        rec
    }

    #[test]
    fn two_fields_are_decoded_as_utf8_or_each_as_windows_1252() {
        let rec = record(&[b"P1", b"x", "furosémide".as_bytes()]);
        assert_eq!(two_fields(&rec, 0, 2), ("P1".into(), "furosémide".into()));
        assert_eq!(two_fields(&rec, 2, 0), ("furosémide".into(), "P1".into()));
        let rec = record(&[b"P\xe92", b"furos\xe9mide"]);
        assert_eq!(two_fields(&rec, 0, 1), ("Pé2".into(), "furosémide".into()));
        let rec = record(&[b"P1", "é".as_bytes(), b"\xff"]);
        assert_eq!(two_fields(&rec, 0, 1), ("P1".into(), "é".into()));
        assert_eq!(two_fields(&rec, 1, 2), ("é".into(), "ÿ".into()));
        let rec = record(&[b"P1", b""]);
        assert_eq!(two_fields(&rec, 0, 1), ("P1".into(), "".into()));
        assert_eq!(two_fields(&rec, 0, 5), ("P1".into(), "".into()));
    }

    /// A record as read: patient, entry, row, error.
    type Read = (String, String, u64, Option<String>);

    /// Every record of `bytes` read with `next_into` and with `next_record`.
    fn both_ways(bytes: &[u8]) -> (Vec<Read>, Vec<Read>) {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, bytes).unwrap();
        let src = Source::File(file.path().to_owned());
        let cols = BatchColumns::default();
        let mut fast = Vec::new();
        let mut rdr = BatchReader::open(src.clone(), &cols).unwrap();
        let mut text = String::new();
        while let Some(p) = rdr.next_into(&mut text).unwrap() {
            let field = |r: std::ops::Range<usize>| text[r].to_owned();
            fast.push((
                field(p.patient.clone()),
                field(p.med.clone()),
                p.row,
                p.error,
            ));
        }
        let mut general = Vec::new();
        let mut rdr = BatchReader::open(src, &cols).unwrap();
        while let Some(r) = rdr.next_record().unwrap() {
            general.push((r.patient.into_owned(), r.med.into_owned(), r.row, r.error));
        }
        (fast, general)
    }

    #[test]
    fn simple_lines_read_the_same_as_through_the_general_reader() {
        let long = "x".repeat(MAX_ENTRY_BYTES + 1);
        let inputs: Vec<Vec<u8>> = vec![
            b"patient,medication\nP1,lipitor\nP2,hctz 25 mg\r\nP3,\"a, b\"\n".to_vec(),
            b"patient,medication,dose\nP1,lipitor,20\nP2,hctz\nP3,a,b,c\n\n  \nP4,,1\n".to_vec(),
            b"mrn;drug\r\n P1 ;\xc2\xa0lasix\xc2\xa0\r\nP2;furos\xe9mide\r\nP3; x \r\n".to_vec(),
            format!("id,med\nP1,{long}\nP2,ok\rP3,last").into_bytes(),
            b"medication\tpatient_id\nlipitor\tP1\n\tP2\nhctz\t\n".to_vec(),
        ];
        for input in inputs {
            let (fast, general) = both_ways(&input);
            assert_eq!(fast, general, "{:?}", String::from_utf8_lossy(&input));
        }
    }

    #[test]
    fn overlong_and_empty_entries_are_errors() {
        assert!(check_entry("").is_some());
        assert!(check_entry(&"a".repeat(MAX_ENTRY_BYTES + 1)).is_some());
        assert!(check_entry("lipitor").is_none());
    }
}
