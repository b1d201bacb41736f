//! Findings → output. One closed [`Format`] enum, one module per format; every renderer writes to
//! any `io::Write`. Per-drug text (evidence, advice, sources) is encoded once per run, and a
//! screened entry is encoded once however many rows repeat it.

mod csv;
mod html;
mod json;
pub mod summary;
mod table;
pub mod view;

use std::io::{self, Write};

use crate::kb::{DrugId, Kb, Level};
use crate::screen::{Finding, Status};

pub use csv::{cell as csv_cell, is_formula};
pub use json::write as write_json;
pub use table::{escape_cell, fill, truncate, wrap};
pub use view::View;

/// Said in `--help` and at the end of every people-facing report.
pub const DISCLAIMER: &str = "Decision support for professionals, not medical advice.";

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// An aligned table for people, sorted by level, the quinine warning set apart.
    Table,
    /// CSV with a header, one record per finding.
    Csv,
    /// JSON Lines, one object per finding.
    Jsonl,
    /// One JSON array of the same objects.
    Json,
    /// One self-contained, printable HTML page.
    Html,
}

impl Format {
    /// Whether the format is laid out for people at the end (table, HTML), keeping every entry
    /// in memory until then.
    #[must_use]
    pub fn is_report(self) -> bool {
        matches!(self, Format::Table | Format::Html)
    }
}

/// The record columns, in order (CSV header and JSON keys).
pub const COLUMNS: [&str; 17] = [
    "patient",
    "row",
    "input",
    "status",
    "ingredient",
    "class",
    "level",
    "matched_as",
    "match",
    "score",
    "runner_up",
    "candidates",
    "note",
    "evidence",
    "advice",
    "sources",
    "citations",
];

/// The column added after [`COLUMNS`] when records come from several input files: the file's
/// name.
pub const FILE_COLUMN: &str = "file";

/// Where an entry came from.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    /// Patient id (empty outside batch).
    pub patient: &'a str,
    /// 1-based number of the entry among its input's records.
    pub row: u64,
    /// The text as given.
    pub input: &'a str,
}

/// A screened entry, encoded for one format; cheap to clone (shared) and to write many times.
/// Everything writing a record needs sits in one allocation — a small header (counts, and per
/// finding its status, drug, tail and where its head ends), then the input, its encoded field and
/// the encoded heads — so that an entry met again costs one cache miss, not one per part. Full
/// findings are kept for the table format only.
#[derive(Clone, Debug)]
pub struct Encoded {
    bytes: std::sync::Arc<[u8]>,
    table: Option<std::sync::Arc<[Finding]>>,
}

// The header of [`Encoded::bytes`]: little-endian u32s at these offsets, then `PART` bytes per
// finding (head end, tail index, drug or `NO_DRUG`, status index), then the input.
const H_INPUT_LEN: usize = 0;
const H_FIELD_END: usize = 4;
const H_COUNT: usize = 8;
/// Six u16 counts, one per status in [`Status`] order.
const H_BY_STATUS: usize = 12;
/// The highest level among flagged and warning findings: 0 for none, else 1 + its index.
const H_HIGHEST: usize = 24;
const HEADER: usize = 28;
const PART: usize = 16;
const NO_DRUG: u32 = u32::MAX;
/// Statuses by index (`status as usize`).
const STATUSES: [Status; 6] = [
    Status::Warning,
    Status::Flagged,
    Status::Review,
    Status::Clear,
    Status::Unrecognized,
    Status::Error,
];

impl Encoded {
    fn u32_at(&self, at: usize) -> u32 {
        self.bytes
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u32::from_le_bytes)
    }

    fn count(&self) -> usize {
        self.u32_at(H_COUNT) as usize
    }

    fn input_start(&self) -> usize {
        HEADER + self.count() * PART
    }

    /// The full findings, kept when encoding for the table format (empty for the others).
    #[must_use]
    pub fn table_findings(&self) -> &[Finding] {
        self.table.as_deref().unwrap_or_default()
    }

    /// Each finding's status and drug, in order.
    pub fn outcomes(&self) -> impl Iterator<Item = (Status, Option<DrugId>)> + '_ {
        (0..self.count()).map(|i| {
            let at = HEADER + i * PART;
            let drug = self.u32_at(at + 8);
            let status = STATUSES
                .get(self.u32_at(at + 12) as usize)
                .copied()
                .unwrap_or(Status::Error);
            (status, (drug != NO_DRUG).then_some(drug as usize))
        })
    }

    /// The input text the entry was screened from.
    #[must_use]
    pub fn input(&self) -> &str {
        std::str::from_utf8(self.input_bytes()).unwrap_or_default()
    }

    /// The input text's bytes.
    #[must_use]
    pub fn input_bytes(&self) -> &[u8] {
        let start = self.input_start();
        let len = self.u32_at(H_INPUT_LEN) as usize;
        self.bytes.get(start..start + len).unwrap_or_default()
    }

    fn input_field(&self) -> &[u8] {
        let start = self.input_start() + self.u32_at(H_INPUT_LEN) as usize;
        let end = self.u32_at(H_FIELD_END) as usize;
        self.bytes.get(start..end).unwrap_or_default()
    }

    /// Each finding's encoded head and tail index.
    fn parts(&self) -> impl Iterator<Item = (&[u8], usize)> {
        let mut start = self.u32_at(H_FIELD_END) as usize;
        (0..self.count()).map(move |i| {
            let at = HEADER + i * PART;
            let end = self.u32_at(at) as usize;
            let head = self.bytes.get(start..end).unwrap_or_default();
            start = end;
            (head, self.u32_at(at + 4) as usize)
        })
    }
}

/// Counts of what was written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Entries (input records).
    pub entries: u64,
    /// Findings with status flagged.
    pub flagged: u64,
    /// Quinine warnings.
    pub warnings: u64,
    /// Reviews.
    pub review: u64,
    /// Clear findings.
    pub clear: u64,
    /// Unrecognized entries.
    pub unrecognized: u64,
    /// Records that could not be read.
    pub errors: u64,
    /// The highest level among flagged and warning findings.
    pub highest: Option<Level>,
    /// Entries by their most pressing finding's status, in [`Status`] order (warning, flagged,
    /// review, clear, unrecognized, error): these add up to `entries`.
    pub by_entry: [u64; 6],
}

impl Summary {
    /// Counts one entry with all its findings.
    pub fn add_entry(&mut self, enc: &Encoded) {
        let n = |i: usize| {
            let at = H_BY_STATUS + 2 * i;
            enc.bytes
                .get(at..at + 2)
                .and_then(|b| b.try_into().ok())
                .map_or(0, |b| u64::from(u16::from_le_bytes(b)))
        };
        self.entries += 1;
        self.warnings += n(Status::Warning as usize);
        self.flagged += n(Status::Flagged as usize);
        self.review += n(Status::Review as usize);
        self.clear += n(Status::Clear as usize);
        self.unrecognized += n(Status::Unrecognized as usize);
        self.errors += n(Status::Error as usize);
        let top = (0..6)
            .find(|&i| n(i) > 0)
            .unwrap_or(Status::Unrecognized as usize);
        self.by_entry[top] += 1;
        let highest = enc.bytes.get(H_HIGHEST).copied().unwrap_or(0);
        let level = Level::ALL
            .get(usize::from(highest).wrapping_sub(1))
            .copied();
        self.highest = self.highest.max(level);
    }

    /// Adds the counts of another part of the same output.
    pub fn add(&mut self, other: &Summary) {
        self.entries += other.entries;
        self.flagged += other.flagged;
        self.warnings += other.warnings;
        self.review += other.review;
        self.clear += other.clear;
        self.unrecognized += other.unrecognized;
        self.errors += other.errors;
        self.highest = self.highest.max(other.highest);
        for (a, b) in self.by_entry.iter_mut().zip(other.by_entry) {
            *a += b;
        }
    }

    /// Entries whose most pressing finding has this status.
    #[must_use]
    pub fn entries_with(&self, status: Status) -> u64 {
        self.by_entry[status as usize]
    }

    /// Entries by their most pressing finding, adding up to the total: `5 entries: 1 quinine
    /// warning, 3 flagged, 0 for review, 1 clear, 0 unrecognized`.
    #[must_use]
    pub fn entry_line(&self) -> String {
        let e = |s: Status| self.entries_with(s);
        let mut parts = vec![
            format!(
                "{} quinine {}",
                e(Status::Warning),
                plural(e(Status::Warning), "warning", "warnings")
            ),
            format!("{} flagged", e(Status::Flagged)),
            format!("{} for review", e(Status::Review)),
            format!("{} clear", e(Status::Clear)),
            format!("{} unrecognized", e(Status::Unrecognized)),
        ];
        if e(Status::Error) > 0 {
            parts.push(format!("{} not read", e(Status::Error)));
        }
        format!(
            "{} {}: {}",
            self.entries,
            plural(self.entries, "entry", "entries"),
            parts.join(", ")
        )
    }

    /// Findings, one per drug of an entry (a combination flags each of its drugs): `Findings:
    /// 4 flagged, 1 quinine warning, 0 for review`.
    #[must_use]
    pub fn finding_line(&self) -> String {
        format!(
            "Findings: {} flagged, {} quinine {}, {} for review",
            self.flagged,
            self.warnings,
            plural(self.warnings, "warning", "warnings"),
            self.review
        )
    }

    /// [`Summary::entry_line`] and [`Summary::finding_line`] in one line.
    #[must_use]
    pub fn line(&self) -> String {
        format!("{}. {}.", self.entry_line(), self.finding_line())
    }
}

fn plural<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Encodes findings for one format; pure, so it can run on worker threads. `raw` keeps CSV cells
/// that look like formulas as they are (`--raw`).
#[must_use]
pub fn encode(format: Format, raw: bool, kb: &Kb, input: &str, findings: Vec<Finding>) -> Encoded {
    let none = kb.drugs.len();
    let mut by_status = [0u16; 6];
    let mut highest: Option<Level> = None;
    let mut bytes = vec![0u8; HEADER + PART * findings.len()];
    bytes.reserve(input.len() * 2 + 160 * findings.len());
    bytes.extend_from_slice(input.as_bytes());
    field(format, raw, &mut bytes, input);
    let field_end = offset(bytes.len());
    for (i, f) in findings.iter().enumerate() {
        match format {
            Format::Csv => bytes.extend_from_slice(&csv::head(kb, f, raw)),
            Format::Jsonl | Format::Json => bytes.extend_from_slice(&json::head(kb, f)),
            Format::Table | Format::Html => {}
        }
        let tail = f
            .drug
            .filter(|&d| f.status != Status::Clear && d < none)
            .unwrap_or(none);
        let drug = f.drug.map_or(NO_DRUG, offset);
        let at = HEADER + i * PART;
        for (j, v) in [offset(bytes.len()), offset(tail), drug, f.status as u32]
            .into_iter()
            .enumerate()
        {
            put_u32(&mut bytes, at + 4 * j, v);
        }
        let n = &mut by_status[f.status as usize];
        *n = n.saturating_add(1);
        if matches!(f.status, Status::Warning | Status::Flagged)
            && let Some(d) = f.drug
        {
            highest = highest.max(kb.drugs.get(d).map(|d| d.level));
        }
    }
    put_u32(&mut bytes, H_INPUT_LEN, offset(input.len()));
    put_u32(&mut bytes, H_FIELD_END, field_end);
    put_u32(&mut bytes, H_COUNT, offset(findings.len()));
    for (i, n) in by_status.into_iter().enumerate() {
        let at = H_BY_STATUS + 2 * i;
        if let Some(b) = bytes.get_mut(at..at + 2) {
            b.copy_from_slice(&n.to_le_bytes());
        }
    }
    let level = highest.and_then(|h| Level::ALL.iter().position(|&l| l == h));
    if let Some(b) = bytes.get_mut(H_HIGHEST) {
        *b = level.map_or(0, |i| u8::try_from(i + 1).unwrap_or(0));
    }
    Encoded {
        bytes: bytes.into(),
        table: format.is_report().then(|| findings.into()),
    }
}

fn put_u32(bytes: &mut [u8], at: usize, v: u32) {
    if let Some(b) = bytes.get_mut(at..at + 4) {
        b.copy_from_slice(&v.to_le_bytes());
    }
}

/// A length as stored in an [`Encoded`] (entries are at most a few kilobytes).
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Appends a number in decimal (without going through `fmt`, on the hot path).
fn push_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Appends one text field encoded for the format.
fn field(format: Format, raw: bool, out: &mut Vec<u8>, s: &str) {
    match format {
        Format::Csv => csv::field(out, s, raw),
        Format::Jsonl | Format::Json => json::value(out, s),
        Format::Table | Format::Html => {}
    }
}

/// Encodes the records of screened entries into bytes (CSV and JSON formats): shared, read-only
/// state, so that worker threads can encode records side by side.
#[derive(Clone, Debug)]
pub struct RecordEncoder {
    format: Format,
    /// Formula-looking CSV cells kept as they are (`--raw`).
    raw: bool,
    /// Per-drug encoded tails (evidence, advice, sources, citations), index = drug id; the last
    /// slot is the tail of a finding without a drug.
    tails: Vec<Vec<u8>>,
}

impl RecordEncoder {
    /// An encoder for `format` (nothing is encoded for [`Format::Table`]).
    #[must_use]
    pub fn new(format: Format, raw: bool, kb: &Kb) -> RecordEncoder {
        let mut tails: Vec<Vec<u8>> = (0..kb.drugs.len())
            .map(|d| encode_tail(format, raw, kb, Some(d)))
            .collect();
        tails.push(encode_tail(format, raw, kb, None));
        RecordEncoder { format, raw, tails }
    }

    /// Appends one text field encoded for the format (a patient id, say).
    pub fn field(&self, out: &mut Vec<u8>, s: &str) {
        field(self.format, self.raw, out, s);
    }

    /// Appends the records of one entry: `patient` is the encoded patient field, `row` the entry's
    /// number; `started` says whether a record was written before (the JSON separator) and is set.
    pub fn append(
        &self,
        out: &mut Vec<u8>,
        patient: &[u8],
        row: u64,
        enc: &Encoded,
        started: &mut bool,
    ) {
        self.append_with_input(out, patient, row, enc.input_field(), enc, started, &[]);
    }

    /// The [`FILE_COLUMN`] field of records from the file `name`, encoded for
    /// [`RecordEncoder::append_in_file`].
    #[must_use]
    pub fn file_field(&self, name: &str) -> Vec<u8> {
        let mut out = Vec::new();
        match self.format {
            Format::Csv => {
                out.push(b',');
                csv::field(&mut out, name, self.raw);
            }
            Format::Jsonl | Format::Json => {
                out.extend_from_slice(b",\"file\":");
                json::value(&mut out, name);
            }
            Format::Table | Format::Html => {}
        }
        out
    }

    /// Like [`RecordEncoder::append`], each record ending with the `file` field made by
    /// [`RecordEncoder::file_field`].
    pub fn append_in_file(
        &self,
        out: &mut Vec<u8>,
        file: &[u8],
        patient: &[u8],
        row: u64,
        enc: &Encoded,
        started: &mut bool,
    ) {
        self.append_with_input(out, patient, row, enc.input_field(), enc, started, file);
    }

    #[allow(clippy::too_many_arguments)]
    fn append_with_input(
        &self,
        out: &mut Vec<u8>,
        patient: &[u8],
        row: u64,
        input: &[u8],
        enc: &Encoded,
        started: &mut bool,
        file: &[u8],
    ) {
        // The `patient, row, input` prefix is encoded once and copied for further findings.
        let mut prefix: Option<std::ops::Range<usize>> = None;
        for (head, tail) in enc.parts() {
            if self.format == Format::Json {
                out.extend_from_slice(if *started { b",\n" } else { b"[\n" });
            }
            if let Some(p) = prefix.clone() {
                out.extend_from_within(p);
            } else {
                let start = out.len();
                match self.format {
                    Format::Csv => csv::prefix(out, patient, row, input),
                    Format::Jsonl | Format::Json => json::prefix(out, patient, row, input),
                    Format::Table | Format::Html => return,
                }
                prefix = Some(start..out.len());
            }
            *started = true;
            out.extend_from_slice(head);
            if let Some(tail) = self.tails.get(tail) {
                out.extend_from_slice(tail);
            }
            // The file field goes last, before the record's closing `\n` or `}`.
            if !file.is_empty()
                && let Some(end) = out.pop()
            {
                out.extend_from_slice(file);
                out.push(end);
            }
            if self.format == Format::Jsonl {
                out.push(b'\n');
            }
        }
    }
}

/// Writes records in one format.
pub struct Writer<'k, W: Write> {
    format: Format,
    out: W,
    kb: &'k Kb,
    records: RecordEncoder,
    table: table::Table,
    started: bool,
    summary: Summary,
    color: bool,
    view: View,
    /// Records of the entry being written, and the last patient's id with its encoding.
    buf: Vec<u8>,
    patient: (String, Vec<u8>),
    /// Whether the records end with a [`FILE_COLUMN`], and its field for the current file.
    file: Option<Vec<u8>>,
}

impl<'k, W: Write> Writer<'k, W> {
    /// The records end with a [`FILE_COLUMN`] (records from several files).
    #[must_use]
    pub fn with_file_column(mut self) -> Self {
        self.file = Some(Vec::new());
        self
    }

    /// The file the next records come from (with [`Writer::with_file_column`]).
    pub fn set_file(&mut self, name: &str) {
        if self.file.is_some() {
            self.file = Some(self.records.file_field(name));
        }
    }

    fn header_line(&self) -> String {
        let mut line = COLUMNS.join(",");
        if self.file.is_some() {
            line.push(',');
            line.push_str(FILE_COLUMN);
        }
        line
    }

    /// A writer for `format`; `raw` keeps formula-looking CSV cells as they are, `color` applies
    /// to the table only.
    pub fn new(format: Format, raw: bool, out: W, kb: &'k Kb, color: bool) -> Writer<'k, W> {
        Writer {
            format,
            out,
            kb,
            records: RecordEncoder::new(format, raw, kb),
            table: table::Table::default(),
            started: false,
            summary: Summary::default(),
            color,
            view: View::default(),
            buf: Vec::with_capacity(1024),
            patient: (String::new(), {
                let mut empty = Vec::new();
                field(format, raw, &mut empty, "");
                empty
            }),
            file: None,
        }
    }

    /// Lays the table and HTML report out with these options.
    #[must_use]
    pub fn with_view(mut self, view: View) -> Writer<'k, W> {
        self.view = view;
        self
    }

    /// The format.
    #[must_use]
    pub fn format(&self) -> Format {
        self.format
    }

    fn header(&mut self) -> io::Result<()> {
        if self.format == Format::Csv && !self.started {
            self.started = true;
            let line = self.header_line();
            writeln!(self.out, "{line}")?;
        }
        Ok(())
    }

    /// Writes one entry's records.
    ///
    /// # Errors
    /// On a write error (a broken pipe included).
    pub fn write(&mut self, entry: Entry<'_>, enc: &Encoded) -> io::Result<()> {
        self.summary.add_entry(enc);
        if self.format.is_report() {
            if self.summary.entries > view::MAX_ENTRIES {
                return Err(io::Error::other(format!(
                    "a {} report holds at most {} entries; for more, use --format csv or jsonl \
                     (they stream), or batch --summary",
                    if self.format == Format::Html {
                        "HTML"
                    } else {
                        "table"
                    },
                    view::MAX_ENTRIES
                )));
            }
            self.table.push(entry, enc.table_findings());
            return Ok(());
        }
        self.header()?;
        if self.patient.0 != entry.patient {
            self.patient.0.clear();
            self.patient.0.push_str(entry.patient);
            self.patient.1.clear();
            self.records.field(&mut self.patient.1, entry.patient);
        }
        let mut input = Vec::new();
        let input_field = if enc.input_bytes() == entry.input.as_bytes() {
            enc.input_field()
        } else {
            self.records.field(&mut input, entry.input);
            &input
        };
        self.buf.clear();
        self.records.append_with_input(
            &mut self.buf,
            &self.patient.1,
            entry.row,
            input_field,
            enc,
            &mut self.started,
            self.file.as_deref().unwrap_or_default(),
        );
        self.out.write_all(&self.buf)
    }

    /// Writes records encoded by a [`RecordEncoder`] for the same format, with their counts.
    ///
    /// # Errors
    /// On a write error (a broken pipe included).
    pub fn write_encoded(&mut self, records: &[u8], counts: &Summary) -> io::Result<()> {
        self.summary.add(counts);
        if records.is_empty() {
            return Ok(());
        }
        self.header()?;
        self.started = true;
        self.out.write_all(records)
    }

    /// Ends the output (closing brackets, the table itself) and returns the counts.
    ///
    /// # Errors
    /// On a write error.
    pub fn finish(mut self) -> io::Result<Summary> {
        match self.format {
            Format::Table => std::mem::take(&mut self.table).render(
                &mut self.out,
                self.kb,
                &self.summary,
                &self.view,
                self.color,
            )?,
            Format::Html => {
                let items = std::mem::take(&mut self.table).into_items(self.kb);
                html::render(&mut self.out, self.kb, &items, &self.summary, &self.view)?;
            }
            Format::Csv if !self.started => {
                let line = self.header_line();
                writeln!(self.out, "{line}")?;
            }
            Format::Json => self
                .out
                .write_all(if self.started { b"\n]\n" } else { b"[]\n" })?,
            Format::Csv | Format::Jsonl => {}
        }
        self.out.flush()?;
        Ok(self.summary)
    }
}

fn encode_tail(format: Format, raw: bool, kb: &Kb, drug: Option<DrugId>) -> Vec<u8> {
    let (evidence, advice, sources, citations) = drug_text(kb, drug);
    match format {
        Format::Csv => csv::tail(&evidence, &advice, &sources, &citations, raw),
        Format::Jsonl | Format::Json => json::tail(&evidence, &advice, &sources, &citations),
        Format::Table | Format::Html => Vec::new(),
    }
}

/// Evidence, advice, source ids and citations of a drug (empty strings without one).
#[must_use]
pub fn drug_text(kb: &Kb, drug: Option<DrugId>) -> (String, String, String, String) {
    let Some(d) = drug.map(|d| &kb.drugs[d]) else {
        return Default::default();
    };
    let citations: Vec<String> = d
        .sources
        .iter()
        .filter_map(|id| kb.source(id))
        .map(|s| format!("[{}] {}", s.id, s.citation))
        .collect();
    (
        d.evidence.clone(),
        d.advice.clone(),
        d.sources.join("; "),
        citations.join(" | "),
    )
}

/// Class and level of a finding's drug, as text.
fn class_level(kb: &Kb, f: &Finding) -> (String, &'static str) {
    match (f.status, f.drug) {
        (Status::Clear | Status::Unrecognized | Status::Error, _) | (_, None) => {
            (String::new(), "")
        }
        (_, Some(d)) => (kb.drugs[d].class.clone(), kb.drugs[d].level.as_str()),
    }
}

/// The score as shown: two decimals, empty without one.
fn score_text(f: &Finding) -> String {
    f.score.map(|s| format!("{s:.2}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::lexicon::Lexicon;
    use crate::names::matcher::resolve;
    use crate::names::vocab::Vocabulary;
    use crate::screen::screen;

    fn encoded(format: Format, text: &str) -> (Kb, Encoded) {
        let kb = Kb::builtin().unwrap();
        let lex = Lexicon::build(&kb, &Vocabulary::builtin()).unwrap();
        let findings = screen(&kb, &lex, &resolve(&lex, text));
        let enc = encode(format, false, &kb, text, findings);
        (kb, enc)
    }

    #[test]
    fn an_entry_counts_the_same_as_its_findings_counted_one_by_one() {
        for text in [
            "losartan/hctz 100-25",
            "lipitor",
            "quinine 324 mg",
            "xyzzy",
            "metformin",
        ] {
            let (kb, enc) = encoded(Format::Csv, text);
            let mut by_entry = Summary::default();
            by_entry.add_entry(&enc);
            let mut by_finding = Summary {
                entries: 1,
                ..Summary::default()
            };
            let top = enc.outcomes().map(|(s, _)| s).min().unwrap();
            by_finding.by_entry[top as usize] = 1;
            for (status, drug) in enc.outcomes() {
                match status {
                    Status::Warning => by_finding.warnings += 1,
                    Status::Flagged => by_finding.flagged += 1,
                    Status::Review => by_finding.review += 1,
                    Status::Clear => by_finding.clear += 1,
                    Status::Unrecognized => by_finding.unrecognized += 1,
                    Status::Error => by_finding.errors += 1,
                }
                if matches!(status, Status::Warning | Status::Flagged) {
                    let level = drug.map(|d| kb.drugs[d].level);
                    by_finding.highest = by_finding.highest.max(level);
                }
            }
            assert_eq!(by_entry, by_finding, "{text}");
        }
    }

    #[test]
    fn an_encoded_entry_keeps_its_input_and_one_head_per_finding() {
        let (kb, enc) = encoded(Format::Csv, "losartan/hctz 100-25");
        let (_, table) = encoded(Format::Table, "losartan/hctz 100-25");
        assert!(enc.table_findings().is_empty());
        assert_eq!(enc.input(), "losartan/hctz 100-25");
        assert_eq!(enc.input_field(), b"losartan/hctz 100-25");
        let parts: Vec<(&[u8], usize)> = enc.parts().collect();
        assert_eq!(parts.len(), table.table_findings().len());
        assert_eq!(enc.outcomes().count(), parts.len());
        assert!(
            parts.len() >= 2,
            "a combination has a finding per ingredient"
        );
        for ((head, tail), f) in parts.iter().zip(table.table_findings()) {
            let head = std::str::from_utf8(head).unwrap();
            assert!(head.starts_with(f.status.as_str()), "{head}");
            let expected = f
                .drug
                .filter(|_| f.status != Status::Clear)
                .unwrap_or(kb.drugs.len());
            assert_eq!(*tail, expected);
        }
    }
}
