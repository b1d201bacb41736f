//! Per-patient summary records for `batch --summary`: one record per patient, in every format.

use std::io::{self, Write};

use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::Style;

use super::{Format, View, csv, json};
use crate::escape;
use crate::kb::Kb;
use crate::screen::cascade::{self, Note};
use crate::screen::context::{self, ContextLine};
use crate::screen::grouping::Tally;

/// One patient's summary record: the counts and what they mean (`highest_level` … `context`),
/// then what a merge needs to recompute them (`drug_levels` … `conditions`); see
/// `docs/summary.md`.
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
    /// The flagged ingredients (quinine included), `; `-separated, sorted.
    pub flagged_drugs: String,
    /// Notes on the whole list (prescribing cascade, quinidine, context that disagrees),
    /// ` | `-separated.
    pub notes: String,
    /// Patient context lines with their figures and sources, ` | `-separated.
    pub context: String,
    /// Each flagged ingredient with its level: `hydrochlorothiazide (moderate); quinine
    /// (warning)`.
    pub drug_levels: String,
    /// Entries naming quinidine.
    pub quinidine: u64,
    /// The age given (`72`), or the lowest and highest when rows disagree (`70-72`).
    pub age: String,
    /// The sex given (`F`, `M`), or `F; M` when rows disagree.
    pub sex: String,
    /// `yes` when a row says pregnant.
    pub pregnant: String,
    /// `yes` when a row says on haemodialysis.
    pub dialysis: String,
    /// The conditions named, `; `-separated, sorted.
    pub conditions: String,
    /// The notes, for the table and the HTML page.
    #[serde(skip)]
    pub note_items: Vec<Note>,
    /// Context lines, for the HTML page.
    #[serde(skip)]
    pub context_lines: Vec<ContextLine>,
}

impl PatientSummary {
    /// The summary of `patient` from its tally: levels, notes and context lines are derived
    /// here, from the tally alone, so a merged tally gives the notes of the merged list.
    #[must_use]
    pub fn new(kb: &Kb, patient: &str, t: &Tally) -> PatientSummary {
        let said = &t.said;
        let who = said.patient();
        let context_lines = if who.is_empty() {
            Vec::new()
        } else {
            context::context(kb, &who)
        };
        let note_items = notes(t);
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
        let names: Vec<&str> = t.drugs.iter().map(|(n, _)| &**n).collect();
        let levels: Vec<String> = t
            .drugs
            .iter()
            .map(|(n, l)| format!("{n} ({})", l.as_str()))
            .collect();
        let mut sexes = Vec::new();
        if said.female {
            sexes.push("F");
        }
        if said.male {
            sexes.push("M");
        }
        PatientSummary {
            patient: patient.to_owned(),
            entries: t.entries,
            flagged: t.flagged,
            warnings: t.warnings,
            review: t.review,
            unrecognized: t.unrecognized,
            errors: t.errors,
            highest_level: t
                .highest()
                .map(|l| l.as_str().to_owned())
                .unwrap_or_default(),
            quinine: yes_no(t.warnings > 0),
            flagged_drugs: names.join("; "),
            notes: note_items
                .iter()
                .map(note_text)
                .collect::<Vec<_>>()
                .join(" | "),
            context: context_lines
                .iter()
                .map(ContextLine::sentence)
                .collect::<Vec<_>>()
                .join(" | "),
            drug_levels: levels.join("; "),
            quinidine: t.quinidine,
            age: match said.ages {
                None => String::new(),
                Some((lo, hi)) if lo == hi => lo.to_string(),
                Some((lo, hi)) => format!("{lo}-{hi}"),
            },
            sex: sexes.join("; "),
            pregnant: yes_no(said.pregnant),
            dialysis: yes_no(said.dialysis),
            conditions: said.conditions.join("; "),
            note_items,
            context_lines,
        }
    }

    /// The notes on this patient's list.
    #[must_use]
    pub fn note_list(&self) -> Vec<Note> {
        self.note_items.clone()
    }
}

/// `title: text [S1]` (no brackets for a note without sources).
fn note_text(n: &Note) -> String {
    if n.sources.is_empty() {
        format!("{}: {}", n.title, n.text)
    } else {
        format!("{}: {} [{}]", n.title, n.text, n.sources.join("; "))
    }
}

/// The notes on a patient's whole list, from the tally: the prescribing cascade (quinine beside
/// a drug flagged for cramps), quinidine, and context the rows disagree on.
fn notes(t: &Tally) -> Vec<Note> {
    let mut out = Vec::new();
    let cramp: Vec<&str> = t.cramp_drugs().collect();
    if t.warnings > 0 && !cramp.is_empty() {
        out.push(cascade::cascade(&cramp));
    }
    if t.quinidine > 0 {
        let place = if t.quinidine == 1 {
            "1 entry".to_owned()
        } else {
            format!("{} entries", t.quinidine)
        };
        out.push(cascade::quinidine_note_at(&place));
    }
    if t.said.disagrees() {
        let mut what = Vec::new();
        if let Some((lo, hi)) = t.said.ages.filter(|(lo, hi)| lo != hi) {
            what.push(format!(
                "ages from {lo} to {hi} (the context lines use {hi})"
            ));
        }
        if t.said.female && t.said.male {
            what.push("both F and M (no line that depends on sex is shown)".to_owned());
        }
        out.push(Note {
            title: "Context disagrees",
            text: format!(
                "the records give {}; check the patient's record",
                what.join(" and ")
            ),
            sources: Vec::new(),
        });
    }
    out
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
                    header(&mut line);
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
                let mut line = Vec::new();
                header(&mut line);
                self.out.write_all(&line)?;
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

/// The fields of a summary record, in order.
pub const FIELDS: [&str; 19] = [
    "patient",
    "entries",
    "flagged",
    "warnings",
    "review",
    "unrecognized",
    "errors",
    "highest_level",
    "quinine",
    "flagged_drugs",
    "notes",
    "context",
    "drug_levels",
    "quinidine",
    "age",
    "sex",
    "pregnant",
    "dialysis",
    "conditions",
];

/// The fields of the summaries of crampcheck 0.x before `merge-summaries` (no merge fields): the
/// first twelve of [`FIELDS`], recognised so that such a file gets a clear message.
pub const OLD_FIELDS: &[&str] = FIELDS.split_at(12).0;

/// A patient id as it was before the CSV writer neutralized it: a leading `'` before a formula
/// character was added by [`csv::cell`] (an id that itself starts with `'` and a formula
/// character loses its `'`; JSON Lines keeps every id exactly).
#[must_use]
pub fn unneutralize(id: String) -> String {
    match id.strip_prefix('\'') {
        Some(rest) if csv::is_formula(rest) => rest.to_owned(),
        _ => id,
    }
}

/// The CSV header line of summaries.
fn header(out: &mut Vec<u8>) {
    out.extend_from_slice(FIELDS.join(",").as_bytes());
    out.push(b'\n');
}

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
        &s.drug_levels,
    ] {
        out.push(b',');
        csv::field(out, t, raw);
    }
    out.push(b',');
    super::push_u64(out, s.quinidine);
    for t in [&s.age, &s.sex, &s.pregnant, &s.dialysis, &s.conditions] {
        out.push(b',');
        csv::field(out, t, raw);
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_apostrophe_the_csv_writer_added_is_taken_off_and_others_kept() {
        assert_eq!(unneutralize("'-17".into()), "-17");
        assert_eq!(unneutralize("'=x".into()), "=x");
        assert_eq!(unneutralize("O'Brien".into()), "O'Brien");
        assert_eq!(unneutralize("'quoted'".into()), "'quoted'");
    }
}
