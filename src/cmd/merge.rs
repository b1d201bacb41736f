//! `merge-summaries`: combines `batch --summary` outputs of parts of an input into the summary
//! of the whole. Each input is sorted by patient, so the merge streams: it holds one record per
//! input, whatever the number of patients, and writes patients sorted by id. With `--unsorted`
//! (summaries written one after another, say), patients are grouped in memory instead.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::Write;

use anyhow::{Result, bail};

use super::{Context, Outcome};
use crate::read::input::Source;
use crate::read::summary::{SummaryFormat, SummaryReader, SummaryRecord};
use crate::report::summary::{PatientSummary, SummaryWriter};
use crate::report::{Format, Summary};
use crate::screen::grouping::{Grouping, Tally};

/// Options of `merge-summaries`.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The summaries to merge.
    pub sources: Vec<Source>,
    /// Their format, when not told from their first bytes.
    pub format: Option<SummaryFormat>,
    /// The inputs need not be sorted: patients are grouped in memory, up to `max_patients`.
    pub unsorted: bool,
    /// With `unsorted`: the most patients held.
    pub max_patients: usize,
}

/// One input and the record it is at.
struct Part {
    reader: SummaryReader,
    head: Option<SummaryRecord>,
    /// The patient of the record taken last.
    last: Option<String>,
    records: u64,
}

impl Part {
    /// Reads the next record, which must not come before the one it follows.
    fn advance(&mut self) -> Result<()> {
        let next = self.reader.next_record()?;
        if let (Some(before), Some(next)) = (&self.last, &next)
            && next.patient < *before
        {
            bail!(
                "{}: line {}: patient {:?} comes after {:?}: not sorted by patient id, as \
                 batch --summary writes it; give --unsorted for summaries written one after \
                 another or reordered (grouped in memory, up to --max-patients)",
                self.reader.name(),
                next.line,
                next.patient,
                before
            );
        }
        self.records += u64::from(next.is_some());
        self.head = next;
        Ok(())
    }
}

/// Merges the summaries of `opts.sources` into `out`: in `--format` if given, else in the
/// format of the first input that has any (CSV when none has).
///
/// # Errors
/// When an input cannot be read, is no summary of this version, is not sorted by patient, or
/// when output fails.
pub fn run(ctx: &Context, opts: &Options, out: &mut dyn Write) -> Result<Outcome> {
    let mut parts = Vec::with_capacity(opts.sources.len());
    for src in &opts.sources {
        let mut part = Part {
            reader: SummaryReader::open(src, opts.format)?,
            head: None,
            last: None,
            records: 0,
        };
        if !opts.unsorted {
            part.advance()?;
        }
        parts.push(part);
    }
    let format = ctx
        .format
        .unwrap_or_else(|| match parts.iter().find_map(|p| p.reader.format()) {
            Some(SummaryFormat::Jsonl) => Format::Jsonl,
            Some(SummaryFormat::Csv) | None => Format::Csv,
        });
    let mut writer = SummaryWriter::new(format, ctx.raw, out).with_page(&ctx.kb, &ctx.view);
    if opts.unsorted {
        return grouped(ctx, opts, &mut parts, writer);
    }
    // The next patient of each part, lowest first.
    let mut heads: BinaryHeap<Reverse<(String, usize)>> = parts
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.head.as_ref().map(|r| Reverse((r.patient.clone(), i))))
        .collect();
    let (mut patients, mut totals) = (0u64, Summary::default());
    while let Some(Reverse((patient, first))) = heads.pop() {
        let mut tally = Tally::default();
        let mut take = |i: usize, heads: &mut BinaryHeap<Reverse<(String, usize)>>| {
            let Some(part) = parts.get_mut(i) else {
                return Ok(());
            };
            if let Some(rec) = part.head.take() {
                tally.merge(rec.tally);
                part.last = Some(rec.patient);
            }
            part.advance()?;
            if let Some(r) = &part.head {
                heads.push(Reverse((r.patient.clone(), i)));
            }
            anyhow::Ok(())
        };
        take(first, &mut heads)?;
        while let Some(Reverse((next, i))) = heads.peek() {
            if *next != patient {
                break;
            }
            let i = *i;
            heads.pop();
            take(i, &mut heads)?;
        }
        writer.write(&PatientSummary::new(&ctx.kb, &patient, &tally))?;
        // The totals decide the exit code, as for `batch --summary` of the whole input.
        totals.add(&Summary::of_patient(&tally));
        patients += 1;
    }
    writer.finish()?;
    Ok(outcome(&parts, patients, totals))
}

/// `--unsorted`: every record of every input into one grouping, written sorted at the end.
fn grouped(
    ctx: &Context,
    opts: &Options,
    parts: &mut [Part],
    mut writer: SummaryWriter<&mut dyn Write>,
) -> Result<Outcome> {
    let mut grouping = Grouping::new(opts.max_patients);
    for part in parts.iter_mut() {
        while let Some(rec) = part.reader.next_record()? {
            part.records += 1;
            match grouping.tally(&rec.patient) {
                Ok(t) => t.merge(rec.tally),
                Err(e) => bail!("{}: line {}: {e}", part.reader.name(), rec.line),
            }
        }
    }
    let (mut patients, mut totals) = (0u64, Summary::default());
    for (patient, tally) in grouping.into_sorted() {
        writer.write(&PatientSummary::new(&ctx.kb, &patient, &tally))?;
        // The totals decide the exit code, as for `batch --summary` of the whole input.
        totals.add(&Summary::of_patient(&tally));
        patients += 1;
    }
    writer.finish()?;
    Ok(outcome(parts, patients, totals))
}

fn outcome(parts: &[Part], patients: u64, totals: Summary) -> Outcome {
    let records: u64 = parts.iter().map(|p| p.records).sum();
    Outcome {
        summary: Some(totals),
        messages: Vec::new(),
        notes: vec![format!(
            "merged {records} summary {} of {} {} into {patients} {}",
            if records == 1 { "record" } else { "records" },
            parts.len(),
            if parts.len() == 1 { "input" } else { "inputs" },
            if patients == 1 { "patient" } else { "patients" },
        )],
    }
}
