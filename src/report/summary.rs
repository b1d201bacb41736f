//! Per-patient summary records for `batch --summary`: one record per patient, in every format.

use std::io::{self, Write};

use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::Style;

use super::{Format, View, csv, json};
use crate::escape;
use crate::kb::Kb;
use crate::screen::cascade::{self, Note};
use crate::screen::context::{self, ContextLine, Patient};

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
    /// Notes on the whole list (prescribing cascade, quinidine), ` | `-separated.
    pub notes: String,
    /// Patient context lines with their figures and sources, ` | `-separated.
    pub context: String,
    /// Flagged cramp drugs (not quinine), for the cascade note.
    #[serde(skip)]
    pub cramp_drugs: Vec<String>,
    /// Rows naming quinidine, for its note.
    #[serde(skip)]
    pub quinidine_rows: Vec<u64>,
    /// Context lines, for the HTML page.
    #[serde(skip)]
    pub context_lines: Vec<ContextLine>,
    /// What the input's context columns say about the patient.
    #[serde(skip)]
    pub patient_info: Patient,
}

impl PatientSummary {
    /// The notes on this patient's list.
    #[must_use]
    pub fn note_list(&self) -> Vec<Note> {
        let mut out = Vec::new();
        if self.quinine == "yes" && !self.cramp_drugs.is_empty() {
            let names: Vec<&str> = self.cramp_drugs.iter().map(String::as_str).collect();
            out.push(cascade::cascade(&names));
        }
        if !self.quinidine_rows.is_empty() {
            let rows: Vec<String> = self.quinidine_rows.iter().map(u64::to_string).collect();
            out.push(cascade::quinidine_note(&rows.join(", ")));
        }
        out
    }

    /// Fills the `notes` and `context` fields from what was gathered.
    pub fn settle(&mut self, kb: &Kb) {
        if !self.patient_info.is_empty() {
            self.context_lines = context::context(kb, &self.patient_info);
        }
        let notes: Vec<String> = self
            .note_list()
            .iter()
            .map(|n| format!("{}: {} [{}]", n.title, n.text, n.sources.join("; ")))
            .collect();
        self.notes = notes.join(" | ");
        let context: Vec<String> = self
            .context_lines
            .iter()
            .map(ContextLine::sentence)
            .collect();
        self.context = context.join(" | ");
    }
}

/// Writes summaries in one format.
pub struct SummaryWriter<W: Write> {
    format: Format,
    out: W,
    raw: bool,
    started: bool,
    table: Vec<PatientSummary>,
    page: Option<Box<(Kb, View)>>,
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
            page: None,
        }
    }

    /// The knowledge base and view for the HTML page.
    #[must_use]
    pub fn with_page(mut self, kb: &Kb, view: &View) -> SummaryWriter<W> {
        self.page = Some(Box::new((kb.clone(), view.clone())));
        self
    }

    /// Writes one patient's summary.
    ///
    /// # Errors
    /// On a write error.
    pub fn write(&mut self, s: &PatientSummary) -> io::Result<()> {
        match self.format {
            Format::Table | Format::Html => self.table.push(s.clone()),
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
                    "notes",
                    "context",
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
                        s.note_list()
                            .iter()
                            .map(|n| n.title)
                            .collect::<Vec<_>>()
                            .join(", "),
                        s.context_lines
                            .iter()
                            .map(|c| escape::terminal(&c.factor).into_owned())
                            .collect::<Vec<_>>()
                            .join(", "),
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
            Format::Html => {
                if let Some(page) = &self.page {
                    let (kb, view) = &**page;
                    let page = super::html::summaries(kb, view, &self.table);
                    self.out.write_all(page.as_bytes())?;
                }
            }
            Format::Csv | Format::Jsonl => {}
        }
        self.out.flush()
    }
}

/// The CSV header of summaries.
const HEADER: &str = "patient,entries,flagged,warnings,review,unrecognized,errors,highest_level,quinine,flagged_drugs,notes,context";

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
    for t in [
        &s.highest_level,
        &s.quinine,
        &s.flagged_drugs,
        &s.notes,
        &s.context,
    ] {
        out.push(b',');
        csv::field(out, t, raw);
    }
    out.push(b'\n');
}
