//! Findings → output. One closed [`Format`] enum, one module per format; every renderer writes to
//! any `io::Write`. Per-drug text (evidence, advice, sources) is encoded once per run, and a
//! screened entry is encoded once however many rows repeat it.

mod csv;
pub mod fields;
mod html;
mod json;
pub mod summary;
mod table;
pub mod view;

use std::io::{self, Write};

use crate::kb::{DrugId, Kb, Level};
use crate::screen::grouping::Tally;
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

/// The record columns of the default layout, in order (CSV header and JSON keys), without the
/// key columns and `file`; [`fields`] defines them.
pub const COLUMNS: [&str; 19] = {
    let mut out = [""; 19];
    let mut i = 0;
    while i < out.len() {
        out[i] = fields::DEFAULT[i].name();
        i += 1;
    }
    out
};

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

/// A screened entry, encoded for one layout; cheap to clone (shared) and to write many times.
/// Everything writing a record needs sits in one allocation — a small header (counts, and per
/// finding its status, drug, evidence drug and where each of its encoded runs ends), then the
/// input and the runs of per-entry fields — so that an entry met again costs one cache miss, not
/// one per part. Full findings are kept for the table format only.
#[derive(Clone, Debug)]
pub struct Encoded {
    bytes: std::sync::Arc<[u8]>,
    table: Option<std::sync::Arc<[Finding]>>,
}

// The header of [`Encoded::bytes`]: little-endian u32s at these offsets, then `PART + 4 * runs`
// bytes per finding (evidence drug or the no-drug slot, drug or `NO_DRUG`, status index, then
// the end of each run), then the input, then the runs.
const H_INPUT_LEN: usize = 0;
const H_RUNS: usize = 4;
const H_COUNT: usize = 8;
/// Six u16 counts, one per status in [`Status`] order.
const H_BY_STATUS: usize = 12;
/// The highest level among flagged and warning findings: 0 for none, else 1 + its index.
const H_HIGHEST: usize = 24;
const HEADER: usize = 28;
const PART: usize = 12;
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

    fn runs(&self) -> usize {
        self.u32_at(H_RUNS) as usize
    }

    fn part(&self) -> usize {
        PART + 4 * self.runs()
    }

    fn input_start(&self) -> usize {
        HEADER + self.count() * self.part()
    }

    /// The full findings, kept when encoding for the table format (empty for the others).
    #[must_use]
    pub fn table_findings(&self) -> &[Finding] {
        self.table.as_deref().unwrap_or_default()
    }

    /// Each finding's status and drug, in order.
    pub fn outcomes(&self) -> impl Iterator<Item = (Status, Option<DrugId>)> + '_ {
        let part = self.part();
        (0..self.count()).map(move |i| {
            let at = HEADER + i * part;
            let drug = self.u32_at(at + 4);
            let status = STATUSES
                .get(self.u32_at(at + 8) as usize)
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

    /// Finding `i`'s evidence-drug slot (a drug id, or the slot of no drug).
    fn tail(&self, i: usize) -> usize {
        self.u32_at(HEADER + i * self.part()) as usize
    }

    /// Run `r` of finding `i`, encoded.
    fn run(&self, i: usize, r: usize) -> &[u8] {
        let (part, runs) = (self.part(), self.runs());
        let end_at = |i: usize, r: usize| HEADER + i * part + PART + 4 * r;
        let start = if i == 0 && r == 0 {
            self.input_start() + self.u32_at(H_INPUT_LEN) as usize
        } else if r == 0 {
            self.u32_at(end_at(i - 1, runs - 1)) as usize
        } else {
            self.u32_at(end_at(i, r - 1)) as usize
        };
        let end = self.u32_at(end_at(i, r)) as usize;
        self.bytes.get(start..end).unwrap_or_default()
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

    /// Records written: one per finding.
    #[must_use]
    pub fn records(&self) -> u64 {
        self.flagged + self.warnings + self.review + self.clear + self.unrecognized + self.errors
    }

    /// A patient's counts from their tally: findings, reviews, unrecognized entries, error
    /// records and the highest level. A tally does not keep each entry's most pressing status,
    /// so there is no per-entry breakdown (nor a count of clear findings).
    #[must_use]
    pub fn of_patient(t: &Tally) -> Summary {
        Summary {
            entries: t.entries,
            flagged: t.flagged,
            warnings: t.warnings,
            review: t.review,
            unrecognized: t.unrecognized,
            errors: t.errors,
            highest: t.highest(),
            ..Summary::default()
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
        // Totals merged from patient summaries have no per-entry breakdown: the count alone.
        if self.by_entry.iter().sum::<u64>() != self.entries {
            return format!(
                "{} {}",
                self.entries,
                plural(self.entries, "entry", "entries")
            );
        }
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

/// Encodes findings for one format in the default layout; pure, so it can run on worker
/// threads. `raw` keeps CSV cells that look like formulas as they are (`--raw`).
#[must_use]
pub fn encode(format: Format, raw: bool, kb: &Kb, input: &str, findings: Vec<Finding>) -> Encoded {
    let plan = Plan::new(format, &fields::Layout::default());
    encode_with(&plan, raw, kb, input, findings)
}

fn encode_with(plan: &Plan, raw: bool, kb: &Kb, input: &str, findings: Vec<Finding>) -> Encoded {
    let format = plan.format;
    let runs = if format.is_report() {
        0
    } else {
        plan.entry_runs.len()
    };
    let part = PART + 4 * runs;
    let none = kb.drugs.len();
    let mut by_status = [0u16; 6];
    let mut highest: Option<Level> = None;
    let mut bytes = vec![0u8; HEADER + part * findings.len()];
    bytes.reserve(input.len() * 2 + 160 * findings.len());
    bytes.extend_from_slice(input.as_bytes());
    for (i, f) in findings.iter().enumerate() {
        let at = HEADER + i * part;
        for r in 0..runs {
            if let Some(run) = plan.entry_runs.get(r) {
                for (field, lead) in run {
                    bytes.extend_from_slice(lead);
                    if let Some(v) = fields::finding_value(kb, input, f, *field) {
                        value(format, raw, &mut bytes, *field, &v);
                    }
                }
            }
            let end = offset(bytes.len());
            put_u32(&mut bytes, at + PART + 4 * r, end);
        }
        let tail = fields::evidence_drug(kb, f).unwrap_or(none);
        let drug = f.drug.map_or(NO_DRUG, offset);
        for (j, v) in [offset(tail), drug, f.status as u32]
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
    put_u32(&mut bytes, H_RUNS, offset(runs));
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

/// Appends one value encoded for the format: CSV writes null as an empty cell and joins a
/// list; JSON writes `null` and arrays.
fn value(format: Format, raw: bool, out: &mut Vec<u8>, f: fields::Field, v: &fields::Value<'_>) {
    use fields::Value;
    match (format, v) {
        (Format::Table | Format::Html, _) => {}
        (_, Value::Integer(n)) => push_u64(out, *n),
        (_, Value::Decimal(x)) => {
            // Written in place (writing to a Vec cannot fail).
            let _ = std::io::Write::write_fmt(out, format_args!("{x:.2}"));
        }
        (_, Value::Text(s)) => field(format, raw, out, s),
        (Format::Csv, Value::Null) => {}
        (_, Value::Null) => out.extend_from_slice(b"null"),
        (Format::Csv, Value::List(items)) => {
            csv::field(out, &items.join(fields::csv_separator(f)), raw);
        }
        (_, Value::List(items)) => {
            out.push(b'[');
            for (i, s) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json::value(out, s);
            }
            out.push(b']');
        }
    }
}

/// A per-row field of a record.
#[derive(Clone, Copy, Debug)]
enum RowField {
    Key(usize),
    Patient,
    Row,
    Line,
    Finding,
    File,
}

/// One step of writing a record: a per-row field with what goes before it, or a run of
/// per-entry fields (from the [`Encoded`]) or per-drug fields (from the encoder's tails).
#[derive(Clone, Debug)]
enum Op {
    Row(RowField, Vec<u8>),
    Entry(usize),
    Drug(usize),
}

/// A layout compiled for one format: the steps of a record and the fields of each run, each
/// field with the separator (and, in JSON, the key) before it.
#[derive(Clone, Debug)]
struct Plan {
    format: Format,
    ops: Vec<Op>,
    entry_runs: Vec<Vec<(fields::Field, Vec<u8>)>>,
    drug_runs: Vec<Vec<(fields::Field, Vec<u8>)>>,
    header: String,
}

impl Plan {
    fn new(format: Format, layout: &fields::Layout) -> Plan {
        use fields::{Column, Varies};
        let mut plan = Plan {
            format,
            ops: Vec::new(),
            entry_runs: Vec::new(),
            drug_runs: Vec::new(),
            header: String::new(),
        };
        for (i, c) in layout.columns.iter().enumerate() {
            let name = layout.name(c);
            let mut lead = Vec::new();
            match format {
                Format::Csv if i > 0 => lead.push(b','),
                Format::Jsonl | Format::Json => {
                    lead.push(if i == 0 { b'{' } else { b',' });
                    json::value(&mut lead, name);
                    lead.push(b':');
                }
                _ => {}
            }
            if i > 0 {
                plan.header.push(',');
            }
            let mut h = Vec::new();
            csv::field(&mut h, name, true);
            plan.header.push_str(&String::from_utf8_lossy(&h));
            let row = |r: RowField| Op::Row(r, lead.clone());
            let (f, varies) = match c {
                Column::Key(k) => {
                    plan.ops.push(row(RowField::Key(*k)));
                    continue;
                }
                Column::Field(f) => (*f, f.varies()),
            };
            match (varies, f) {
                (Varies::Row, fields::Field::Patient) => plan.ops.push(row(RowField::Patient)),
                (Varies::Row, fields::Field::Row) => plan.ops.push(row(RowField::Row)),
                (Varies::Row, fields::Field::Line) => plan.ops.push(row(RowField::Line)),
                (Varies::Row, fields::Field::Finding) => plan.ops.push(row(RowField::Finding)),
                (Varies::Row, _) => plan.ops.push(row(RowField::File)),
                (Varies::Entry, _) => {
                    if let Some(Op::Entry(r)) = plan.ops.last()
                        && let Some(run) = plan.entry_runs.get_mut(*r)
                    {
                        run.push((f, lead));
                    } else {
                        plan.ops.push(Op::Entry(plan.entry_runs.len()));
                        plan.entry_runs.push(vec![(f, lead)]);
                    }
                }
                (Varies::Drug, _) => {
                    if let Some(Op::Drug(r)) = plan.ops.last()
                        && let Some(run) = plan.drug_runs.get_mut(*r)
                    {
                        run.push((f, lead));
                    } else {
                        plan.ops.push(Op::Drug(plan.drug_runs.len()));
                        plan.drug_runs.push(vec![(f, lead)]);
                    }
                }
            }
        }
        plan
    }
}

/// The per-row fields of an entry's records, each already encoded for the format (see
/// [`RecordEncoder::field`] and [`RecordEncoder::key`]); `keys` holds the key columns' values
/// back to back, each ending at its offset in `key_ends`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RowFields<'a> {
    /// The encoded patient field.
    pub patient: &'a [u8],
    /// The entry's record number.
    pub row: u64,
    /// The line where its record starts.
    pub line: u64,
    /// The encoded `file` field (empty without one).
    pub file: &'a [u8],
    /// The encoded key values, back to back.
    pub keys: &'a [u8],
    /// Where each key value ends in `keys`.
    pub key_ends: &'a [usize],
}

/// Encodes the records of screened entries into bytes (CSV and JSON formats) in one layout:
/// shared, read-only state, so that worker threads can encode records side by side.
#[derive(Clone, Debug)]
pub struct RecordEncoder {
    format: Format,
    /// Formula-looking CSV cells kept as they are (`--raw`).
    raw: bool,
    plan: Plan,
    /// Per-drug encoded runs (evidence, advice, sources, citations), index = drug id then run;
    /// the last slot is for a finding without a drug.
    tails: Vec<Vec<Vec<u8>>>,
}

impl RecordEncoder {
    /// An encoder for `format` in the default layout (nothing is encoded for
    /// [`Format::Table`]).
    #[must_use]
    pub fn new(format: Format, raw: bool, kb: &Kb) -> RecordEncoder {
        RecordEncoder::with_layout(format, raw, kb, &fields::Layout::default())
    }

    /// An encoder for `format` writing the columns of `layout`.
    #[must_use]
    pub fn with_layout(
        format: Format,
        raw: bool,
        kb: &Kb,
        layout: &fields::Layout,
    ) -> RecordEncoder {
        let plan = Plan::new(format, layout);
        let tail = |d: Option<DrugId>| -> Vec<Vec<u8>> {
            plan.drug_runs
                .iter()
                .map(|run| {
                    let mut out = Vec::new();
                    for (f, lead) in run {
                        out.extend_from_slice(lead);
                        if let Some(v) = fields::drug_value(kb, d, *f) {
                            value(format, raw, &mut out, *f, &v);
                        }
                    }
                    out
                })
                .collect()
        };
        let mut tails: Vec<Vec<Vec<u8>>> = (0..kb.drugs.len()).map(|d| tail(Some(d))).collect();
        tails.push(tail(None));
        RecordEncoder {
            format,
            raw,
            plan,
            tails,
        }
    }

    /// The format.
    #[must_use]
    pub fn format(&self) -> Format {
        self.format
    }

    /// The CSV header line (without its line break).
    #[must_use]
    pub fn header(&self) -> &str {
        &self.plan.header
    }

    /// Resolves nothing: encodes `findings` of the entry `input` for this encoder's layout.
    #[must_use]
    pub fn encode(&self, kb: &Kb, input: &str, findings: Vec<Finding>) -> Encoded {
        encode_with(&self.plan, self.raw, kb, input, findings)
    }

    /// Appends one text field encoded for the format (a patient id, say); JSON writes an empty
    /// one as `null`.
    pub fn field(&self, out: &mut Vec<u8>, s: &str) {
        if s.is_empty() && matches!(self.format, Format::Jsonl | Format::Json) {
            out.extend_from_slice(b"null");
        } else {
            field(self.format, self.raw, out, s);
        }
    }

    /// Appends a key column's value: its text as given (an empty one stays an empty string in
    /// JSON), or `None` for a value the input lacks (null in JSON).
    pub fn key(&self, out: &mut Vec<u8>, s: Option<&str>) {
        match s {
            Some(s) => field(self.format, self.raw, out, s),
            None => self.field(out, ""),
        }
    }

    /// The [`FILE_COLUMN`] field of records from the file `name`.
    #[must_use]
    pub fn file_field(&self, name: &str) -> Vec<u8> {
        let mut out = Vec::new();
        field(self.format, self.raw, &mut out, name);
        out
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
        let fields = RowFields {
            patient,
            row,
            ..RowFields::default()
        };
        self.append_row(out, &fields, enc, started);
    }

    /// Appends the records of one entry with its per-row fields; `started` says whether a
    /// record was written before (the JSON separator) and is set.
    pub fn append_row(
        &self,
        out: &mut Vec<u8>,
        row: &RowFields<'_>,
        enc: &Encoded,
        started: &mut bool,
    ) {
        if self.format.is_report() {
            return;
        }
        for i in 0..enc.count() {
            if self.format == Format::Json {
                out.extend_from_slice(if *started { b",\n" } else { b"[\n" });
            }
            *started = true;
            for op in &self.plan.ops {
                match op {
                    Op::Row(f, lead) => {
                        out.extend_from_slice(lead);
                        match f {
                            RowField::Patient => out.extend_from_slice(row.patient),
                            RowField::Row => push_u64(out, row.row),
                            RowField::Line => push_u64(out, row.line),
                            RowField::Finding => push_u64(out, i as u64 + 1),
                            RowField::File => out.extend_from_slice(row.file),
                            RowField::Key(k) => {
                                let start = if *k == 0 {
                                    0
                                } else {
                                    row.key_ends.get(k - 1).copied().unwrap_or(0)
                                };
                                match row.key_ends.get(*k) {
                                    Some(&end) => out.extend_from_slice(
                                        row.keys.get(start..end).unwrap_or_default(),
                                    ),
                                    // A key the reader did not place is absent.
                                    None => self.field(out, ""),
                                }
                            }
                        }
                    }
                    Op::Entry(r) => out.extend_from_slice(enc.run(i, *r)),
                    Op::Drug(r) => {
                        if let Some(t) = self.tails.get(enc.tail(i)).and_then(|t| t.get(*r)) {
                            out.extend_from_slice(t);
                        }
                    }
                }
            }
            match self.format {
                Format::Csv => out.push(b'\n'),
                Format::Json => out.push(b'}'),
                Format::Jsonl => out.extend_from_slice(b"}\n"),
                Format::Table | Format::Html => {}
            }
        }
    }
}

/// Writes records in one format.
pub struct Writer<'k, W: Write> {
    format: Format,
    raw: bool,
    out: W,
    kb: &'k Kb,
    records: RecordEncoder,
    layout: fields::Layout,
    table: table::Table,
    started: bool,
    summary: Summary,
    color: bool,
    view: View,
    /// Records of the entry being written, and the last patient's id with its encoding.
    buf: Vec<u8>,
    patient: (String, Vec<u8>),
    /// The `file` field for the current file (with [`Writer::with_file_column`]).
    file: Vec<u8>,
}

impl<'k, W: Write> Writer<'k, W> {
    /// The records end with a [`FILE_COLUMN`] (records from several files).
    #[must_use]
    pub fn with_file_column(self) -> Self {
        let layout = fields::Layout::standard(self.layout.keys.clone(), true);
        self.with_layout(layout)
    }

    /// The records have the columns of `layout`.
    #[must_use]
    pub fn with_layout(mut self, layout: fields::Layout) -> Self {
        self.records = RecordEncoder::with_layout(self.format, self.raw, self.kb, &layout);
        self.layout = layout;
        self
    }

    /// The encoder of this writer's records (to encode entries for [`Writer::write`]).
    #[must_use]
    pub fn records(&self) -> &RecordEncoder {
        &self.records
    }

    /// The file the next records come from (with [`Writer::with_file_column`]).
    pub fn set_file(&mut self, name: &str) {
        self.file = self.records.file_field(name);
    }

    /// A writer for `format`; `raw` keeps formula-looking CSV cells as they are, `color` applies
    /// to the table only.
    pub fn new(format: Format, raw: bool, out: W, kb: &'k Kb, color: bool) -> Writer<'k, W> {
        let records = RecordEncoder::new(format, raw, kb);
        let mut patient = Vec::new();
        records.field(&mut patient, "");
        Writer {
            format,
            raw,
            out,
            kb,
            records,
            layout: fields::Layout::default(),
            table: table::Table::default(),
            started: false,
            summary: Summary::default(),
            color,
            view: View::default(),
            buf: Vec::with_capacity(1024),
            patient: (String::new(), patient),
            file: Vec::new(),
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
            writeln!(self.out, "{}", self.records.header())?;
        }
        Ok(())
    }

    /// Writes one entry's records (its line unknown: 0).
    ///
    /// # Errors
    /// On a write error (a broken pipe included).
    pub fn write(&mut self, entry: Entry<'_>, enc: &Encoded) -> io::Result<()> {
        self.write_at(entry, 0, enc)
    }

    /// Writes one entry's records, its record starting on input line `line`.
    ///
    /// # Errors
    /// On a write error (a broken pipe included).
    pub fn write_at(&mut self, entry: Entry<'_>, line: u64, enc: &Encoded) -> io::Result<()> {
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
        self.buf.clear();
        let row = RowFields {
            patient: &self.patient.1,
            row: entry.row,
            line,
            file: &self.file,
            ..RowFields::default()
        };
        self.records
            .append_row(&mut self.buf, &row, enc, &mut self.started);
        self.out.write_all(&self.buf)
    }

    /// Writes records encoded by a [`RecordEncoder`] for the same format and layout, with
    /// their counts.
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
                writeln!(self.out, "{}", self.records.header())?;
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
    fn an_encoded_entry_keeps_its_input_and_one_run_per_finding() {
        let (kb, enc) = encoded(Format::Csv, "losartan/hctz 100-25");
        let (_, table) = encoded(Format::Table, "losartan/hctz 100-25");
        assert!(enc.table_findings().is_empty());
        assert_eq!(enc.input(), "losartan/hctz 100-25");
        assert_eq!(enc.runs(), 1);
        assert_eq!(enc.count(), table.table_findings().len());
        assert!(
            enc.count() >= 2,
            "a combination has a finding per ingredient"
        );
        for (i, f) in table.table_findings().iter().enumerate() {
            let run = std::str::from_utf8(enc.run(i, 0)).unwrap();
            assert!(
                run.starts_with(&format!(",losartan/hctz 100-25,{}", f.status.as_str())),
                "{run}"
            );
            let expected = f
                .drug
                .filter(|_| f.status != Status::Clear)
                .unwrap_or(kb.drugs.len());
            assert_eq!(enc.tail(i), expected);
        }
    }

    #[test]
    fn json_records_write_null_for_absent_values_and_arrays_for_lists() {
        let kb = Kb::builtin().unwrap();
        let lex = Lexicon::build(&kb, &Vocabulary::builtin()).unwrap();
        for text in ["lipitor", "xyzzy"] {
            let rec = RecordEncoder::new(Format::Jsonl, false, &kb);
            let enc = rec.encode(&kb, text, screen(&kb, &lex, &resolve(&lex, text)));
            let mut out = Vec::new();
            let mut started = false;
            rec.append(&mut out, b"null", 7, &enc, &mut started);
            let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
            assert!(
                v["patient"].is_null() && v["row"] == 7 && v["finding"] == 1,
                "{v}"
            );
            assert!(v["sources"].is_array() && v["candidates"].is_array(), "{v}");
            assert!(v["citations"].is_array(), "{v}");
            if text == "xyzzy" {
                assert!(v["ingredient"].is_null() && v["score"].is_null(), "{v}");
            } else {
                assert_eq!(v["sources"][0], "S1");
            }
        }
    }
}
