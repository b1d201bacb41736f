//! Per-patient summary records for `batch --summary`: one record per patient, in every format.

use std::io::{self, Write};

use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::Style;

use super::{Format, csv, json};
use crate::escape;

/// One patient's summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PatientSummary {
    /// Patient id.
    pub patient: String,
    /// Entries screened.
    pub entries: u64,
    /// Flagged findings.
    pub flagged: u64,
    /// Quinine warnings.
    pub warnings: u64,
    /// Findings for review.
    pub review: u64,
    /// Unrecognized entries.
    pub unrecognized: u64,
    /// Records that could not be read.
    pub errors: u64,
    /// Highest level among flagged and warning findings (`warning` for quinine).
    pub highest_level: String,
    /// `yes` when the patient takes quinine.
    pub quinine: String,
    /// The flagged ingredients, `; `-separated, in first-seen order.
    pub flagged_drugs: String,
}

/// Writes summaries in one format.
pub struct SummaryWriter<W: Write> {
    format: Format,
    raw: bool,
    out: W,
    started: bool,
    table: Vec<PatientSummary>,
}

impl<W: Write> SummaryWriter<W> {
    /// A writer for `format`; `raw` keeps formula-looking CSV cells as they are.
    pub fn new(format: Format, raw: bool, out: W) -> SummaryWriter<W> {
        SummaryWriter {
            format,
            raw,
            out,
            started: false,
            table: Vec::new(),
        }
    }

    /// Writes one patient's summary.
    ///
    /// # Errors
    /// On a write error.
    pub fn write(&mut self, s: &PatientSummary) -> io::Result<()> {
        match self.format {
            Format::Table => self.table.push(s.clone()),
            Format::Csv => {
                let mut line = Vec::with_capacity(128);
                if !self.started {
                    line.extend_from_slice(HEADER.as_bytes());
                    line.push(b'\n');
                }
                csv_line(&mut line, s, self.raw);
                self.out.write_all(&line)?;
            }
            Format::Jsonl => {
                json::write(&mut self.out, s, false)?;
                self.out.write_all(b"\n")?;
            }
            Format::Json => {
                self.out
                    .write_all(if self.started { b",\n" } else { b"[\n" })?;
                json::write(&mut self.out, s, false)?;
            }
        }
        self.started = true;
        Ok(())
    }

    /// Ends the output.
    ///
    /// # Errors
    /// On a write error.
    pub fn finish(mut self) -> io::Result<()> {
        match self.format {
            Format::Table => {
                let mut b = Builder::default();
                b.push_record([
                    "patient",
                    "entries",
                    "flagged",
                    "warnings",
                    "review",
                    "unrecognized",
                    "errors",
                    "highest",
                    "quinine",
                    "flagged drugs",
                ]);
                for s in &self.table {
                    b.push_record([
                        escape::terminal(&s.patient).into_owned(),
                        s.entries.to_string(),
                        s.flagged.to_string(),
                        s.warnings.to_string(),
                        s.review.to_string(),
                        s.unrecognized.to_string(),
                        s.errors.to_string(),
                        s.highest_level.clone(),
                        s.quinine.clone(),
                        s.flagged_drugs.clone(),
                    ]);
                }
                let mut t = b.build();
                t.with(Style::sharp());
                writeln!(self.out, "{t}")?;
            }
            Format::Csv if !self.started => {
                writeln!(self.out, "{HEADER}")?;
            }
            Format::Json => self
                .out
                .write_all(if self.started { b"\n]\n" } else { b"[]\n" })?,
            Format::Csv | Format::Jsonl => {}
        }
        self.out.flush()
    }
}

/// The CSV header of summaries.
const HEADER: &str = "patient,entries,flagged,warnings,review,unrecognized,errors,highest_level,quinine,flagged_drugs";

/// One summary as a CSV record: every text cell through [`csv::field`] (the patient id comes from
/// the input, the drug names from the knowledge base).
fn csv_line(out: &mut Vec<u8>, s: &PatientSummary, raw: bool) {
    csv::field(out, &s.patient, raw);
    for n in [
        s.entries,
        s.flagged,
        s.warnings,
        s.review,
        s.unrecognized,
        s.errors,
    ] {
        out.push(b',');
        super::push_u64(out, n);
    }
    for t in [&s.highest_level, &s.quinine, &s.flagged_drugs] {
        out.push(b',');
        csv::field(out, t, raw);
    }
    out.push(b'\n');
}
