//! Findings → output. One closed [`Format`] enum, one module per format; every renderer writes to
//! any `io::Write`. Per-drug text (evidence, advice, sources) is encoded once per run, and a
//! screened entry is encoded once however many rows repeat it.

mod csv;
mod json;
pub mod summary;
mod table;

use std::io::{self, Write};

use crate::kb::{DrugId, Kb, Level};
use crate::screen::{Finding, Status};

pub use table::{escape_terminal, wrap};

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

/// A screened entry, encoded for one format; cheap to write many times.
#[derive(Clone, Debug)]
pub struct Encoded {
    findings: Vec<Finding>,
    heads: Vec<Vec<u8>>,
    input: Box<str>,
    input_field: Vec<u8>,
}

impl Encoded {
    /// The findings behind the encoding.
    #[must_use]
    pub fn findings(&self) -> &[Finding] {
        &self.findings
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
}

impl Summary {
    /// Counts one finding.
    pub fn count(&mut self, kb: &Kb, f: &Finding) {
        match f.status {
            Status::Warning => self.warnings += 1,
            Status::Flagged => self.flagged += 1,
            Status::Review => self.review += 1,
            Status::Clear => self.clear += 1,
            Status::Unrecognized => self.unrecognized += 1,
            Status::Error => self.errors += 1,
        }
        if matches!(f.status, Status::Warning | Status::Flagged)
            && let Some(d) = f.drug
        {
            self.highest = self.highest.max(Some(kb.drugs[d].level));
        }
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
    }

    /// One line: `5 entries · 3 flagged · 1 quinine warning · …`.
    #[must_use]
    pub fn line(&self) -> String {
        let mut parts = vec![
            format!(
                "{} {}",
                self.entries,
                plural(self.entries, "entry", "entries")
            ),
            format!("{} flagged", self.flagged),
            format!(
                "{} quinine {}",
                self.warnings,
                plural(self.warnings, "warning", "warnings")
            ),
            format!("{} for review", self.review),
            format!("{} clear", self.clear),
            format!("{} unrecognized", self.unrecognized),
        ];
        if self.errors > 0 {
            parts.push(format!(
                "{} {}",
                self.errors,
                plural(self.errors, "error", "errors")
            ));
        }
        parts.join(" · ")
    }
}

fn plural<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Encodes findings for one format; pure, so it can run on worker threads.
#[must_use]
pub fn encode(format: Format, kb: &Kb, input: &str, findings: Vec<Finding>) -> Encoded {
    let heads = findings
        .iter()
        .map(|f| match format {
            Format::Csv => csv::head(kb, f),
            Format::Jsonl | Format::Json => json::head(kb, f),
            Format::Table => Vec::new(),
        })
        .collect();
    let mut input_field = Vec::new();
    field(format, &mut input_field, input);
    // Once encoded, a record needs only status, drug and ingredient (for counts and summaries):
    // dropping the rest keeps a cache of many distinct entries small.
    let findings = if format == Format::Table {
        findings
    } else {
        findings
            .into_iter()
            .map(|f| Finding {
                status: f.status,
                drug: f.drug,
                ingredient: f.ingredient,
                ..Finding::error(String::new())
            })
            .collect()
    };
    Encoded {
        findings,
        heads,
        input: input.into(),
        input_field,
    }
}

/// Appends a number in decimal (without going through `fmt`, on the hot path).
fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Appends one text field encoded for the format.
fn field(format: Format, out: &mut Vec<u8>, s: &str) {
    match format {
        Format::Csv => csv::field(out, s),
        Format::Jsonl | Format::Json => json::value(out, s),
        Format::Table => {}
    }
}

/// Encodes the records of screened entries into bytes (CSV and JSON formats): shared, read-only
/// state, so that worker threads can encode records side by side.
#[derive(Clone, Debug)]
pub struct RecordEncoder {
    format: Format,
    /// Per-drug encoded tails (evidence, advice, sources, citations), index = drug id; the last
    /// slot is the tail of a finding without a drug.
    tails: Vec<Vec<u8>>,
}

impl RecordEncoder {
    /// An encoder for `format` (nothing is encoded for [`Format::Table`]).
    #[must_use]
    pub fn new(format: Format, kb: &Kb) -> RecordEncoder {
        let mut tails: Vec<Vec<u8>> = (0..kb.drugs.len())
            .map(|d| encode_tail(format, kb, Some(d)))
            .collect();
        tails.push(encode_tail(format, kb, None));
        RecordEncoder { format, tails }
    }

    /// Appends one text field encoded for the format (a patient id, say).
    pub fn field(&self, out: &mut Vec<u8>, s: &str) {
        field(self.format, out, s);
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
        self.append_with_input(out, patient, row, &enc.input_field, enc, started);
    }

    fn append_with_input(
        &self,
        out: &mut Vec<u8>,
        patient: &[u8],
        row: u64,
        input: &[u8],
        enc: &Encoded,
        started: &mut bool,
    ) {
        let none = self.tails.len() - 1;
        for (f, head) in enc.findings.iter().zip(&enc.heads) {
            match self.format {
                Format::Csv => csv::prefix(out, patient, row, input),
                Format::Jsonl => json::prefix(out, patient, row, input),
                Format::Json => {
                    out.extend_from_slice(if *started { b",\n" } else { b"[\n" });
                    json::prefix(out, patient, row, input);
                }
                Format::Table => return,
            }
            *started = true;
            out.extend_from_slice(head);
            let tail = f
                .drug
                .filter(|&d| f.status != Status::Clear && d < none)
                .unwrap_or(none);
            out.extend_from_slice(&self.tails[tail]);
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
    /// Records of the entry being written, and the last patient's id with its encoding.
    buf: Vec<u8>,
    patient: (String, Vec<u8>),
}

impl<'k, W: Write> Writer<'k, W> {
    /// A writer for `format`; `color` applies to the table only.
    pub fn new(format: Format, out: W, kb: &'k Kb, color: bool) -> Writer<'k, W> {
        Writer {
            format,
            out,
            kb,
            records: RecordEncoder::new(format, kb),
            table: table::Table::default(),
            started: false,
            summary: Summary::default(),
            color,
            buf: Vec::with_capacity(1024),
            patient: (String::new(), {
                let mut empty = Vec::new();
                field(format, &mut empty, "");
                empty
            }),
        }
    }

    /// The format.
    #[must_use]
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether a record was written (for the JSON separator of records encoded elsewhere).
    #[must_use]
    pub fn started(&self) -> bool {
        self.started
    }

    fn header(&mut self) -> io::Result<()> {
        if self.format == Format::Csv && !self.started {
            self.started = true;
            writeln!(self.out, "{}", COLUMNS.join(","))?;
        }
        Ok(())
    }

    /// Writes one entry's records.
    ///
    /// # Errors
    /// On a write error (a broken pipe included).
    pub fn write(&mut self, entry: Entry<'_>, enc: &Encoded) -> io::Result<()> {
        self.summary.entries += 1;
        for f in &enc.findings {
            self.summary.count(self.kb, f);
        }
        if self.format == Format::Table {
            self.table.push(self.kb, entry, &enc.findings);
            return Ok(());
        }
        self.header()?;
        if self.patient.0 != entry.patient {
            self.patient.0.clear();
            self.patient.0.push_str(entry.patient);
            self.patient.1.clear();
            field(self.format, &mut self.patient.1, entry.patient);
        }
        let mut input = Vec::new();
        let input_field = if *enc.input == *entry.input {
            &enc.input_field
        } else {
            field(self.format, &mut input, entry.input);
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
            Format::Table => self
                .table
                .render(&mut self.out, &self.summary, self.color)?,
            Format::Csv if !self.started => writeln!(self.out, "{}", COLUMNS.join(","))?,
            Format::Json => self
                .out
                .write_all(if self.started { b"\n]\n" } else { b"[]\n" })?,
            Format::Csv | Format::Jsonl => {}
        }
        self.out.flush()?;
        Ok(self.summary)
    }
}

fn encode_tail(format: Format, kb: &Kb, drug: Option<DrugId>) -> Vec<u8> {
    let (evidence, advice, sources, citations) = drug_text(kb, drug);
    match format {
        Format::Csv => csv::tail(&evidence, &advice, &sources, &citations),
        Format::Jsonl | Format::Json => json::tail(&evidence, &advice, &sources, &citations),
        Format::Table => Vec::new(),
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
