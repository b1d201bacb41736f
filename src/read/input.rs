//! Reading entries: one patient's list (a table with medication columns, or one entry per line)
//! and streaming batch tables with one configured reader and one reused record, both over any
//! input [`crate::read::open::open`] accepts. Every record is accounted for: a record that cannot
//! be read becomes an error entry with its row and reason (and its line).

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::read::records::{Record, RecordReader};
use crate::read::{columns, header, open};

pub use crate::read::columns::{MED_COLUMNS, PATIENT_COLUMNS};
pub use crate::read::encoding::decode;
pub use crate::read::header::detect_delimiter;

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

    /// The raw bytes (see [`crate::read::open::open`] for the text).
    pub(crate) fn open_raw(&self) -> Result<Box<dyn Read + Send>> {
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

fn delimiter_byte(d: Option<char>) -> Result<Option<u8>> {
    match d {
        None => Ok(None),
        Some(c) if c.is_ascii() && c != '"' && c != '\n' && c != '\r' => Ok(Some(c as u8)),
        Some(c) => bail!(
            "--delimiter must be one ASCII character other than a quote or newline, got {c:?}"
        ),
    }
}

/// One entry of a patient's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    /// 1-based number among the input's records.
    pub row: u64,
    /// The input line where its record starts (0 for an argument).
    pub line: u64,
    /// The text.
    pub text: String,
    /// Why the record could not be read, if it could not.
    pub error: Option<String>,
}

/// The most entries `check` reads from one list (one patient's); more is an error, not a read
/// that grows without end.
pub const MAX_LIST_ENTRIES: usize = 100_000;

/// How to read one patient's list.
#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    /// The medication column's name, if given.
    pub med_column: Option<String>,
    /// The delimiter, if given.
    pub delimiter: Option<char>,
    /// The sheet of a workbook, if given.
    pub sheet: Option<String>,
    /// The table has no header: `med_column` is a 1-based number (`--no-header`).
    pub no_header: bool,
}

/// One patient's list as read.
#[derive(Clone, Debug, Default)]
pub struct List {
    /// The entries, in order.
    pub entries: Vec<ListEntry>,
    /// The medication columns read (`"drug" (2)`), empty for a list of one entry per line.
    pub columns: String,
    /// Whether the column was named with `--med-column`.
    pub column_given: bool,
    /// Lines for stderr: what was read, and how.
    pub notes: Vec<String>,
}

/// Reads one patient's list: a table when a medication column is named or found in the header
/// (every medication-like column, each cell an entry), otherwise one entry per line that is not
/// blank. Any input [`crate::read::open::open`] accepts: text in UTF-8, UTF-16 or
/// Windows-1252, a workbook's sheet, gzip or zstd.
///
/// # Errors
/// When the source cannot be read, is empty or not a list, a named column is missing, or it has
/// more than [`MAX_LIST_ENTRIES`] entries.
pub fn read_list(src: &Source, opts: &ListOptions) -> Result<List> {
    let name = src.name();
    let opened = open::open(src, opts.sheet.as_deref())?;
    let unit = if opened.sheet { "row" } else { "line" };
    let delimiter = if opened.sheet {
        Some(b',')
    } else {
        delimiter_byte(opts.delimiter)?
    };
    let Some(header) = header::read_header(&opened.head, delimiter, &name, unit)? else {
        if opened.sheet {
            bail!(
                "{name} ({}): no entries: the sheet is empty (name another with --sheet)",
                opened.origin
            );
        }
        bail!("{name}: no entries (the input is empty)");
    };
    let given = opts.med_column.as_deref();
    let mut list = List {
        column_given: given.is_some(),
        ..List::default()
    };
    let origin = origin_note(&name, &opened.origin);
    if opts.no_header {
        let cols = BatchColumns {
            med: opts.med_column.clone(),
            patient: Some("1".into()),
            ..BatchColumns::default()
        };
        let (_, med, _) = numbered_columns(&cols)?;
        list.columns = format!("column {}", med + 1);
        list.notes.push(format!(
            "{origin}: no header; medication column {}",
            med + 1
        ));
        let reader = BufReader::with_capacity(1 << 16, opened.reader);
        let rdr = RecordReader::new(reader, header.delimiter);
        list.entries = read_entries(rdr, &[med], None, 0, &name)?;
        return Ok(list);
    }
    let meds = match columns::med_columns(&header.fields, given, None) {
        Ok(meds) => meds,
        Err(why) => {
            let table = given.is_some()
                || columns::is_table_header(&header.fields)
                || (opened.sheet && header.fields.len() > 1)
                || (header.stray_quote && header.fields.len() > 1);
            if table {
                if let Some(m) = header.stray_quote_message(&name, unit) {
                    bail!(m);
                }
                bail!(why.message(&name, &header.fields));
            }
            if !opened.origin.is_empty() {
                list.notes.push(format!("{origin}: one entry per {unit}"));
            }
            let reader = BufReader::with_capacity(1 << 16, opened.reader);
            list.entries = if opened.sheet {
                // A sheet of one column without a header: every row is an entry.
                let rdr = RecordReader::new(reader, b',');
                read_entries(rdr, &[0], Some(1), 0, &name)?
            } else {
                read_entries(RecordReader::lines(reader), &[0], None, 0, &name)?
            };
            return Ok(list);
        }
    };
    list.columns = columns::names(&header.fields, &meds);
    list.notes.push(format!(
        "{origin}: {}",
        columns::describe(&header.fields, &meds, None)
    ));
    let reader = BufReader::with_capacity(1 << 16, opened.reader);
    let rdr = RecordReader::new(reader, header.delimiter);
    let width = Some(header.fields.len());
    list.entries = read_entries(rdr, &meds, width, header.records, &name)?;
    if list.entries.is_empty() {
        bail!("{name}: no entries (the table has a header but no entries)");
    }
    Ok(list)
}

/// `name`, with what the input was when it was not plain text.
fn origin_note(name: &str, origin: &str) -> String {
    if origin.is_empty() {
        name.to_owned()
    } else {
        format!("{name} ({origin})")
    }
}

/// The entries of a list: each record after the first `skip`, a cell of each of `meds` (every
/// non-empty one when there are several), each record with the `width` expected, if any.
fn read_entries<R: BufRead>(
    mut rdr: RecordReader<R>,
    meds: &[usize],
    width: Option<usize>,
    skip: usize,
    name: &str,
) -> Result<Vec<ListEntry>> {
    let mut record = Record::default();
    let cannot_read = || format!("cannot read {name}");
    for _ in 0..skip {
        rdr.read(&mut record).with_context(cannot_read)?;
    }
    let mut out: Vec<ListEntry> = Vec::new();
    let mut row = 0;
    while rdr.read(&mut record).with_context(cannot_read)? {
        row += 1;
        let line = record.line;
        let error = |why: String| ListEntry {
            row,
            line,
            text: String::new(),
            error: Some(why),
        };
        if let Some(e) = &record.error {
            out.push(error(e.clone()));
        } else if let Some(width) = width.filter(|&w| w != record.len()) {
            out.push(error(format!(
                "expected {width} fields, found {}",
                record.len()
            )));
        } else {
            let before = out.len();
            for &m in meds {
                let text = record
                    .get(m)
                    .map(|f| decode(f).0.trim().to_owned())
                    .unwrap_or_default();
                if text.is_empty() && meds.len() > 1 {
                    continue;
                }
                out.push(list_entry(row, line, text));
            }
            if out.len() == before {
                out.push(error("missing medication".into()));
            }
        }
        if out.len() > MAX_LIST_ENTRIES {
            bail!(
                "{name}: more than {MAX_LIST_ENTRIES} entries: check screens one patient's list \
                 (use `crampcheck batch` for many)"
            );
        }
    }
    Ok(out)
}

/// An entry, or an error entry for a text that cannot be screened (an overlong one echoed cut).
fn list_entry(row: u64, line: u64, text: String) -> ListEntry {
    match check_entry(&text) {
        None => ListEntry {
            row,
            line,
            text,
            error: None,
        },
        Some(why) => ListEntry {
            row,
            line,
            text: echo(&text).into_owned(),
            error: Some(why),
        },
    }
}

/// An entry as echoed in an error record: cut at [`MAX_ENTRY_BYTES`] (on a character boundary)
/// with `…` when longer.
#[must_use]
pub fn echo(text: &str) -> Cow<'_, str> {
    if text.len() <= MAX_ENTRY_BYTES {
        return Cow::Borrowed(text);
    }
    let mut end = MAX_ENTRY_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…", &text[..end]))
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

/// Column settings for batch input.
#[derive(Clone, Debug, Default)]
pub struct BatchColumns {
    /// Patient column name, if given.
    pub patient: Option<String>,
    /// Medication column name, if given.
    pub med: Option<String>,
    /// Delimiter, if given.
    pub delimiter: Option<char>,
    /// The sheet of a workbook, if given.
    pub sheet: Option<String>,
    /// Optional further columns to read with each record, each as the header names it may go
    /// by (patient context: age, sex…); a missing one reads as empty. Asking for any turns the
    /// fast path off, so plain runs ask for none.
    pub extra: Vec<&'static [&'static str]>,
    /// Columns copied into every record (`--key-column`, `--keep`): header names, or 1-based
    /// numbers with `no_header`.
    pub keys: Vec<String>,
    /// The input has no header: the columns are 1-based numbers (`--no-header`).
    pub no_header: bool,
    /// The input format (`--input-format`).
    pub format: crate::read::source::InputFormat,
}

/// The columns of a table without a header, numbered from 1: patient, medication and keys, each
/// counted from 0.
fn numbered_columns(cols: &BatchColumns) -> Result<(usize, usize, Vec<usize>)> {
    let number = |flag: &str, v: Option<&str>| -> Result<usize> {
        let Some(v) = v else {
            bail!("--no-header needs {flag} N (a column number, counted from 1)");
        };
        match v.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n - 1),
            _ => bail!("with --no-header, {flag} takes a column number counted from 1, got `{v}`"),
        }
    };
    let patient = number("--patient-column", cols.patient.as_deref())?;
    let med = number("--med-column", cols.med.as_deref())?;
    let keys = cols
        .keys
        .iter()
        .map(|k| number("--key-column", Some(k)))
        .collect::<Result<Vec<usize>>>()?;
    Ok((patient, med, keys))
}

/// A streaming batch reader over one source.
pub struct BatchReader {
    src: Source,
    rdr: RecordReader<BufReader<Box<dyn Read + Send>>>,
    record: Record,
    patient: usize,
    med: usize,
    /// Medication columns after the first, when there are several.
    more_meds: Vec<usize>,
    /// Entries of a record with several medication columns still to hand out: patient,
    /// entry, row and error.
    /// Entries of the current record not yet given out (several medication columns), with the
    /// record's extra fields.
    #[allow(clippy::type_complexity)]
    pending: std::collections::VecDeque<(
        String,
        String,
        (u64, u64),
        Option<String>,
        Vec<String>,
        Vec<Option<String>>,
    )>,
    width: usize,
    row: u64,
    /// What was read, and how: `data.csv: medication column: "Rx" (3), patient: "MRN" (1)`.
    description: String,
    /// The medication columns as named in messages.
    columns: String,
    /// The columns of [`BatchColumns::extra`], where present.
    extra: Vec<Option<usize>>,
    /// The key columns ([`BatchColumns::keys`]).
    keys: Vec<usize>,
    /// The fields of [`BatchReader::next_simple_block`]'s lines, before they join the text.
    staging: Vec<u8>,
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
    /// The input line where the record starts.
    pub line: u64,
    /// The key columns' values in the buffer, in order (`None` when the record has none, as an
    /// unreadable one); empty without key columns.
    pub keys: Vec<Option<std::ops::Range<usize>>>,
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
    /// Opens a source (any input [`crate::read::open::open`] accepts), reads its header and
    /// finds the columns by header name: the patient column and every medication-like column.
    ///
    /// # Errors
    /// When the source cannot be opened, is empty or not a table, or lacks a column.
    pub fn open(src: Source, cols: &BatchColumns) -> Result<BatchReader> {
        let name = src.name();
        let opened = open::open(&src, cols.sheet.as_deref())?;
        let unit = if opened.sheet { "row" } else { "line" };
        let delimiter = if opened.sheet {
            Some(b',')
        } else {
            delimiter_byte(cols.delimiter)?
        };
        let header = header::read_header(&opened.head, delimiter, &name, unit)?;
        let Some(header) = header.filter(|h| !h.fields.iter().all(String::is_empty)) else {
            if opened.sheet {
                bail!(
                    "{name} ({}): the sheet is empty (name another with --sheet)",
                    opened.origin
                );
            }
            if cols.no_header {
                bail!("{name}: the input is empty");
            }
            bail!(
                "{name}: the input is empty (a header with a patient and a medication column is needed)"
            );
        };
        let headers = &header.fields;
        let quote = || header.stray_quote_message(&name, unit);
        let (patient, meds, width, keys, skip) = if cols.no_header {
            let (patient, med, keys) = numbered_columns(cols)?;
            (patient, vec![med], 0, keys, 0)
        } else {
            let patient = columns::patient_column(headers, cols.patient.as_deref());
            let meds = match columns::med_columns(headers, cols.med.as_deref(), patient) {
                Ok(meds) => meds,
                Err(why) => bail!(quote().unwrap_or_else(|| why.message(&name, headers))),
            };
            let Some(patient) = patient else {
                if let Some(m) = quote() {
                    bail!(m);
                }
                bail!(match &cols.patient {
                    Some(g) => format!(
                        "{name}: no column named `{g}` (columns: {})",
                        headers.join(", ")
                    ),
                    None => format!(
                        "{name}: no patient column found among: {} (name it with --patient-column)",
                        headers.join(", ")
                    ),
                });
            };
            let mut keys = Vec::with_capacity(cols.keys.len());
            for k in &cols.keys {
                let exact = headers.iter().position(|h| h == k);
                let Some(i) = exact.or_else(|| columns::find_column(headers, Some(k), &[])) else {
                    bail!(
                        "{name}: no column named `{k}` for --key-column (columns: {})",
                        headers.join(", ")
                    );
                };
                keys.push(i);
            }
            (patient, meds, headers.len(), keys, header.records)
        };
        if meds.contains(&patient) {
            bail!("{name}: the patient and medication columns are the same column");
        }
        let description = if cols.no_header {
            format!(
                "{}: no header; medication column {}, patient column {}",
                origin_note(&name, &opened.origin),
                meds[0] + 1,
                patient + 1
            )
        } else {
            format!(
                "{}: {}",
                origin_note(&name, &opened.origin),
                columns::describe(headers, &meds, Some(patient))
            )
        };
        let mut rdr = RecordReader::new(
            BufReader::with_capacity(1 << 16, opened.reader),
            header.delimiter,
        );
        let mut record = Record::default();
        for _ in 0..skip {
            rdr.read(&mut record)
                .with_context(|| format!("cannot read {name}"))?;
        }
        let extra = if cols.no_header {
            vec![None; cols.extra.len()]
        } else {
            cols.extra
                .iter()
                .map(|names| {
                    columns::find_column(headers, None, names)
                        .filter(|&c| c != patient && !meds.contains(&c))
                })
                .collect()
        };
        let columns = if cols.no_header {
            format!("column {}", meds[0] + 1)
        } else {
            columns::names(headers, &meds)
        };
        Ok(BatchReader {
            src,
            rdr,
            record,
            patient,
            med: meds[0],
            more_meds: meds[1..].to_vec(),
            pending: std::collections::VecDeque::new(),
            width,
            row: 0,
            columns,
            description,
            extra,
            keys,
            staging: Vec::new(),
        })
    }

    /// What was read and which columns: `data.csv: medication column: "Rx" (3), patient:
    /// "MRN" (1)`.
    #[must_use]
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The medication columns as named in messages: `"drug" (2), "medication" (4)`.
    #[must_use]
    pub fn columns(&self) -> &str {
        &self.columns
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
        if !self.more_meds.is_empty() {
            return self.next_of_several(text);
        }
        let (a, b, width) = (self.patient, self.med, self.width);
        let delimiter = self.rdr.delimiter();
        if !self.extra.is_empty() {
            return self.next_with_extra(text);
        }
        if !self.keys.is_empty() {
            return match self.next_simple_with_keys(text)? {
                Some(placed) => Ok(Some(placed)),
                None => self.next_with_extra(text),
            };
        }
        let simple = self
            .rdr
            .with_simple_line(|line, number| {
                let (sa, sb) = two_spans(line, delimiter, a, b, width)?;
                let (patient, med) = both_utf8(line, sa, sb)?;
                if !visible_ends(patient) || !visible_ends(med) || med.len() > MAX_ENTRY_BYTES {
                    return None;
                }
                let p = text.len();
                text.push_str(patient);
                let m = text.len();
                text.push_str(med);
                Some((p..m, m..text.len(), number))
            })
            .with_context(|| format!("cannot read {}", self.src.name()))?;
        if let Some((patient, med, line)) = simple {
            self.row += 1;
            return Ok(Some(Placed {
                row: self.row,
                patient,
                med,
                error: None,
                extra: Vec::new(),
                line,
                keys: Vec::new(),
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
            line: rec.line,
            keys: Vec::new(),
        }))
    }

    /// The simple records that lie whole in the input buffer, read at once (up to `max`): each
    /// line as [`BatchReader::next_into`]'s fast path reads it, its patient id and entry
    /// appended to `text` and handed to `place` as row, patient, entry and line. Returns how many
    /// were read: 0 when the next record is not simple, not whole in the buffer, or the source
    /// has extra, key or several medication columns — [`BatchReader::next_into`] reads it then.
    ///
    /// # Errors
    /// On an I/O error.
    pub fn next_simple_block(
        &mut self,
        text: &mut String,
        max: usize,
        mut place: impl FnMut(u64, Range<usize>, Range<usize>, u64),
    ) -> Result<usize> {
        if max == 0 || !self.more_meds.is_empty() || !self.extra.is_empty() || !self.keys.is_empty()
        {
            return Ok(0);
        }
        let (a, b, width, first_row) = (self.patient, self.med, self.width, self.row);
        let delimiter = self.rdr.delimiter();
        let (rdr, staging) = (&mut self.rdr, &mut self.staging);
        staging.clear();
        let base = text.len();
        let mut n = 0;
        rdr.with_simple_lines(|line, number| {
            let (sa, sb, ascii) = simple_spans(line, delimiter, a, b, width)?;
            let (patient, med) = (line.get(sa.clone())?, line.get(sb.clone())?);
            let visible = |f: &[u8]| {
                f.first().is_some_and(u8::is_ascii_graphic)
                    && f.last().is_some_and(u8::is_ascii_graphic)
            };
            if !visible(patient) || !visible(med) || med.len() > MAX_ENTRY_BYTES {
                return None;
            }
            // Delimiters are ASCII, so fields of valid UTF-8 are whole characters.
            if !ascii {
                std::str::from_utf8(line.get(sa.start.min(sb.start)..sa.end.max(sb.end))?).ok()?;
            }
            let p = base + staging.len();
            staging.extend_from_slice(patient);
            let m = base + staging.len();
            staging.extend_from_slice(med);
            n += 1;
            place(first_row + n, p..m, m..base + staging.len(), number);
            Some(n < max as u64)
        })
        .with_context(|| format!("cannot read {}", self.src.name()))?;
        self.row += n;
        // Every line taken was checked: the whole is UTF-8.
        text.push_str(std::str::from_utf8(staging).context("invalid UTF-8 in a simple line")?);
        Ok(usize::try_from(n).unwrap_or(max))
    }

    /// [`BatchReader::next_into`]'s fast path with key columns: a simple line (as there) whose
    /// key fields are UTF-8 is taken from the input buffer, each key as it is; `None` (nothing
    /// consumed) sends the line the general way, with the same result.
    fn next_simple_with_keys(&mut self, text: &mut String) -> Result<Option<Placed>> {
        let (a, b, width) = (self.patient, self.med, self.width);
        let delimiter = self.rdr.delimiter();
        let (keys, rdr) = (&self.keys, &mut self.rdr);
        let simple = rdr
            .with_simple_line(|line, number| {
                let (sa, sb) = two_spans(line, delimiter, a, b, width)?;
                let (patient, med) = both_utf8(line, sa, sb)?;
                if !visible_ends(patient) || !visible_ends(med) || med.len() > MAX_ENTRY_BYTES {
                    return None;
                }
                let mut values: Vec<Option<&str>> = Vec::with_capacity(keys.len());
                for &k in keys {
                    values.push(match nth_span(line, delimiter, k) {
                        Some(span) => Some(std::str::from_utf8(line.get(span)?).ok()?),
                        None => None,
                    });
                }
                let p = text.len();
                text.push_str(patient);
                let m = text.len();
                text.push_str(med);
                let med = m..text.len();
                let keys = values
                    .into_iter()
                    .map(|v| {
                        let start = text.len();
                        text.push_str(v?);
                        Some(start..text.len())
                    })
                    .collect();
                Some((p..m, med, number, keys))
            })
            .with_context(|| format!("cannot read {}", self.src.name()))?;
        let Some((patient, med, line, keys)) = simple else {
            return Ok(None);
        };
        self.row += 1;
        Ok(Some(Placed {
            row: self.row,
            patient,
            med,
            error: None,
            extra: Vec::new(),
            line,
            keys,
        }))
    }

    /// [`BatchReader::next_into`] through the general reader, with the extra fields and then the
    /// key columns appended after the entry (a key as it is in the input, not trimmed).
    fn next_with_extra(&mut self, text: &mut String) -> Result<Option<Placed>> {
        let Some(rec) = self.next_record()? else {
            return Ok(None);
        };
        let p = text.len();
        text.push_str(&rec.patient);
        let m = text.len();
        text.push_str(&rec.med);
        let med = m..text.len();
        let (row, error, line) = (rec.row, rec.error, rec.line);
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
        let unreadable = self.record.error.is_some();
        let keys = self
            .keys
            .iter()
            .map(|&c| {
                let field = self.record.get(c).filter(|_| !unreadable)?;
                let start = text.len();
                text.push_str(&decode(field).0);
                Some(start..text.len())
            })
            .collect();
        Ok(Some(Placed {
            row,
            patient: p..m,
            med,
            error,
            extra,
            line,
            keys,
        }))
    }

    /// The next entry when there are several medication columns: each cell that is not empty
    /// an entry with the record's patient and row (a record with none, one error entry).
    fn next_of_several(&mut self, text: &mut String) -> Result<Option<Placed>> {
        if self.pending.is_empty() {
            if !self
                .rdr
                .read(&mut self.record)
                .with_context(|| format!("cannot read {}", self.src.name()))?
            {
                return Ok(None);
            }
            self.row += 1;
            let rec = &self.record;
            let (row, none) = (self.row, String::new());
            let line = rec.line;
            let keys: Vec<Option<String>> = self
                .keys
                .iter()
                .map(|&c| {
                    rec.get(c)
                        .filter(|_| rec.error.is_none())
                        .map(|f| decode(f).0.into_owned())
                })
                .collect();
            let extras: Vec<String> = if rec.error.is_some() {
                vec![String::new(); self.extra.len()]
            } else {
                self.extra
                    .iter()
                    .map(|c| {
                        c.and_then(|c| rec.get(c))
                            .map(|f| decode(f).0.trim().to_owned())
                            .unwrap_or_default()
                    })
                    .collect()
            };
            if let Some(e) = &rec.error {
                self.pending.push_back((
                    none.clone(),
                    none,
                    (row, line),
                    Some(e.clone()),
                    extras,
                    keys,
                ));
            } else {
                let cell = |i: usize| decode(rec.get(i).unwrap_or_default()).0.trim().to_owned();
                let patient = cell(self.patient);
                if self.width == 0 || rec.len() == self.width {
                    for &m in std::iter::once(&self.med).chain(&self.more_meds) {
                        let med = cell(m);
                        if med.is_empty() {
                            continue;
                        }
                        let error = check_entry(&med);
                        self.pending.push_back((
                            patient.clone(),
                            echo(&med).into_owned(),
                            (row, line),
                            error,
                            extras.clone(),
                            keys.clone(),
                        ));
                    }
                }
                if self.pending.is_empty() {
                    let why = if self.width == 0 || rec.len() == self.width {
                        "missing medication".to_owned()
                    } else {
                        format!("expected {} fields, found {}", self.width, rec.len())
                    };
                    self.pending
                        .push_back((patient, none, (row, line), Some(why), extras, keys));
                }
            }
        }
        let Some((patient, med, (row, line), error, extras, keys)) = self.pending.pop_front()
        else {
            return Ok(None);
        };
        let p = text.len();
        text.push_str(&patient);
        let m = text.len();
        text.push_str(&med);
        let med = m..text.len();
        let extra = extras
            .iter()
            .map(|x| {
                let start = text.len();
                text.push_str(x);
                start..text.len()
            })
            .collect();
        let keys = keys
            .iter()
            .map(|k| {
                let k = k.as_deref()?;
                let start = text.len();
                text.push_str(k);
                Some(start..text.len())
            })
            .collect();
        Ok(Some(Placed {
            row,
            patient: p..m,
            med,
            error,
            extra,
            line,
            keys,
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
            let error = Some(e.clone());
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
        let error = if self.width != 0 && rec.len() != self.width {
            Some(format!(
                "expected {} fields, found {}",
                self.width,
                rec.len()
            ))
        } else {
            check_entry(&med)
        };
        // An overlong entry is echoed cut.
        let med = if med.len() > MAX_ENTRY_BYTES {
            Cow::Owned(echo(&med).into_owned())
        } else {
            med
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

/// Where fields `a` and `b` lie in a line without quotes, if it has exactly `width` fields
/// ([`simple_spans`] without its ASCII answer).
fn two_spans(
    line: &[u8],
    delimiter: u8,
    a: usize,
    b: usize,
    width: usize,
) -> Option<(Range<usize>, Range<usize>)> {
    simple_spans(line, delimiter, a, b, width).map(|(sa, sb, _)| (sa, sb))
}

/// Where fields `a` and `b` lie in a line without quotes, if it has exactly `width` fields, and
/// whether the line is all ASCII: one pass over its bytes, eight at a time.
fn simple_spans(
    line: &[u8],
    delimiter: u8,
    a: usize,
    b: usize,
    width: usize,
) -> Option<(Range<usize>, Range<usize>, bool)> {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = !LOW7;
    let (mut sa, mut sb) = (None, None);
    let (mut start, mut field) = (0, 0);
    let mut at_delimiter = |i: usize| {
        if field == a {
            sa = Some(start..i);
        }
        if field == b {
            sb = Some(start..i);
        }
        field += 1;
        start = i + 1;
    };
    let splat = u64::from_ne_bytes([delimiter; 8]);
    let mut high = 0u64;
    let mut words = line.chunks_exact(8);
    for (k, word) in words.by_ref().enumerate() {
        let x = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        high |= x;
        // The top bit of each byte equal to the delimiter (exactly: no carries between bytes).
        let y = x ^ splat;
        let mut hits = !(((y & LOW7) + LOW7) | y | LOW7);
        while hits != 0 {
            at_delimiter(k * 8 + (hits.trailing_zeros() / 8) as usize);
            hits &= hits - 1;
        }
    }
    let tail = line.len() - words.remainder().len();
    for (i, &c) in words.remainder().iter().enumerate() {
        high |= u64::from(c);
        if c == delimiter {
            at_delimiter(tail + i);
        }
    }
    at_delimiter(line.len());
    if width != 0 && field != width {
        return None;
    }
    Some((sa?, sb?, high & HIGH == 0))
}

/// Where field `n` lies in a line without quotes, if it has that many fields.
fn nth_span(line: &[u8], delimiter: u8, n: usize) -> Option<std::ops::Range<usize>> {
    let mut start = 0;
    for (field, end) in memchr::memchr_iter(delimiter, line)
        .chain(std::iter::once(line.len()))
        .enumerate()
    {
        if field == n {
            return Some(start..end);
        }
        start = end + 1;
    }
    None
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

    /// The fields of a quote-free line split the plain way: spans of `a` and `b`, ASCII or not.
    fn plain_spans(
        line: &[u8],
        delimiter: u8,
        a: usize,
        b: usize,
        width: usize,
    ) -> Option<(Range<usize>, Range<usize>, bool)> {
        let mut spans = Vec::new();
        let mut start = 0;
        for (i, &c) in line.iter().enumerate() {
            if c == delimiter {
                spans.push(start..i);
                start = i + 1;
            }
        }
        spans.push(start..line.len());
        if width != 0 && spans.len() != width {
            return None;
        }
        Some((
            spans.get(a)?.clone(),
            spans.get(b)?.clone(),
            line.is_ascii(),
        ))
    }

    #[test]
    fn the_word_at_a_time_split_finds_the_fields_a_byte_by_byte_split_finds() {
        // Lines of every length to 40 bytes, delimiters and non-ASCII bytes at every offset
        // (a xorshift sequence, so the test is the same on every run).
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 41) as usize;
            let line: Vec<u8> = (0..len)
                .map(|_| match next() % 10 {
                    0 | 1 => b',',
                    2 => b';',
                    3 => 0xc3,
                    4 => 0xff,
                    5 => 0x2c ^ 0x80,
                    _ => b'a' + (next() % 26) as u8,
                })
                .collect();
            for delimiter in [b',', b';'] {
                for (a, b, width) in [(0, 1, 2), (1, 0, 0), (0, 2, 3), (2, 3, 0)] {
                    assert_eq!(
                        simple_spans(&line, delimiter, a, b, width),
                        plain_spans(&line, delimiter, a, b, width),
                        "{line:?} split at {delimiter}"
                    );
                }
            }
        }
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
        // In blocks where the lines allow, one record at a time elsewhere, with a small most
        // per block so that blocks also end on their limit.
        let mut blocks = Vec::new();
        let mut rdr = BatchReader::open(src.clone(), &cols).unwrap();
        let mut text = String::new();
        loop {
            let mut placed = Vec::new();
            let n = rdr
                .next_simple_block(&mut text, 7, |row, patient, med, _| {
                    placed.push((row, patient, med));
                })
                .unwrap();
            assert_eq!(n, placed.len());
            for (row, patient, med) in placed {
                blocks.push((text[patient].to_owned(), text[med].to_owned(), row, None));
            }
            if n > 0 {
                continue;
            }
            let Some(p) = rdr.next_into(&mut text).unwrap() else {
                break;
            };
            let field = |r: std::ops::Range<usize>| text[r].to_owned();
            blocks.push((field(p.patient), field(p.med), p.row, p.error));
        }
        assert_eq!(blocks, fast, "read in blocks");
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
            // Several buffers' worth, so that lines straddle the end of a buffer: plain lines,
            // CRLF, quotes, blanks, a wrong width, accents and a broken byte.
            {
                let mut many = b"patient,medication\n".to_vec();
                for i in 0..12_000 {
                    many.extend_from_slice(
                        match i % 9 {
                            0 => format!("P{i},lipitor {i} mg\n"),
                            1 => format!("P{i},hctz\r\n"),
                            2 => format!("P{i},\"a, {i}\"\n"),
                            3 => "\n".to_owned(),
                            4 => format!("P{i},x,y\n"),
                            5 => format!("P{i},furosémide {i}\n"),
                            6 => format!("P{i}, lasix\n"),
                            _ => format!("P{i},atorvastatin calcium {i} MG Oral Tablet\n"),
                        }
                        .as_bytes(),
                    );
                    if i % 1000 == 8 {
                        many.extend_from_slice(b"P0,furos\xe9mide\n");
                    }
                }
                many
            },
        ];
        for input in inputs {
            let (fast, general) = both_ways(&input);
            assert_eq!(fast, general, "{:?}", String::from_utf8_lossy(&input));
        }
    }

    #[test]
    fn keys_read_the_same_on_simple_lines_as_through_the_general_reader() {
        let input = b"visit,patient,medication,site\nv1,P1,lipitor, a \n\"v,2\",P2,hctz,b\nv\xe93,P3,x,c\nv4,P4,y\n";
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, input).unwrap();
        let src = Source::File(file.path().to_owned());
        let cols = BatchColumns {
            keys: vec!["site".into(), "visit".into()],
            ..BatchColumns::default()
        };
        let read = |fast: bool| {
            let mut rdr = BatchReader::open(src.clone(), &cols).unwrap();
            let mut text = String::new();
            let mut out = Vec::new();
            loop {
                let p = if fast {
                    rdr.next_into(&mut text).unwrap()
                } else {
                    rdr.next_with_extra(&mut text).unwrap()
                };
                let Some(p) = p else { break };
                let keys: Vec<Option<String>> = p
                    .keys
                    .iter()
                    .map(|k| k.clone().map(|r| text[r].to_owned()))
                    .collect();
                out.push((text[p.med.clone()].to_owned(), p.line, p.error, keys));
            }
            out
        };
        let fast = read(true);
        assert_eq!(fast, read(false));
        assert_eq!(fast[0].3, [Some(" a ".to_owned()), Some("v1".to_owned())]);
        assert_eq!(fast[1].3[1].as_deref(), Some("v,2"));
        assert_eq!(fast[2].3[1].as_deref(), Some("vé3"));
    }

    #[test]
    fn overlong_and_empty_entries_are_errors() {
        assert!(check_entry("").is_some());
        assert!(check_entry(&"a".repeat(MAX_ENTRY_BYTES + 1)).is_some());
        assert!(check_entry("lipitor").is_none());
    }
}
