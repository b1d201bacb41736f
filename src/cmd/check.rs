//! `check`: one patient's list from arguments, a file or standard input.

use std::io::Write;

use anyhow::{Result, anyhow, bail};

use super::{Context, Outcome};
use crate::read::input::{self, ListOptions, Source};
use crate::report::fields::{Layout, Selection};
use crate::report::{Entry, Format, Writer};
use crate::screen::Status;
use crate::screen::context::{self, Patient};

/// Entries looked at to tell whether the medication column holds medications.
pub const SAMPLE: usize = 1000;

/// Options of `check`.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Entries given as arguments.
    pub entries: Vec<String>,
    /// A file (or stdin) to read instead.
    pub file: Option<Source>,
    /// The medication column of a CSV file.
    pub med_column: Option<String>,
    /// The CSV delimiter.
    pub delimiter: Option<char>,
    /// The file has no header (`--no-header`): `med_column` is a number.
    pub no_header: bool,
    /// The sheet of a workbook.
    pub sheet: Option<String>,
    /// `--fields`: the record's columns, in order.
    pub fields: Option<Vec<String>>,
    /// `--lean`: only what a join needs.
    pub lean: bool,
    /// What is known about the patient (`--age`, `--condition`…).
    pub patient: Patient,
}

/// Screens the list and writes one record per finding.
///
/// # Errors
/// When the input cannot be read or the output cannot be written.
pub fn run(ctx: &Context, opts: &Options, out: &mut dyn Write) -> Result<Outcome> {
    if let Some(unknown) = context::first_unknown(&ctx.kb, &opts.patient.conditions) {
        bail!(
            "unknown condition `{unknown}`: crampcheck has figures for {}",
            context::known_conditions(&ctx.kb).join(", ")
        );
    }
    let format = ctx.format.unwrap_or(Format::Table);
    if format.is_report() && (opts.fields.is_some() || opts.lean) {
        bail!("--fields and --lean shape CSV and JSON records; add --format csv, jsonl or json");
    }
    let layout = Layout::select(
        &Selection {
            keys: Vec::new(),
            fields: opts.fields.clone(),
            lean: opts.lean,
        },
        false,
    )
    .map_err(|e| anyhow!(e))?;
    let file = match (&opts.file, opts.entries.as_slice()) {
        (Some(f), _) => Some(f.clone()),
        (None, [one]) if one == "-" => Some(Source::Stdin),
        _ => None,
    };
    let list = match file {
        Some(src) => input::read_list(
            &src,
            &ListOptions {
                med_column: opts.med_column.clone(),
                delimiter: opts.delimiter,
                sheet: opts.sheet.clone(),
                no_header: opts.no_header,
            },
        )?,
        None if opts.entries.is_empty() => {
            bail!("no entries: give them as arguments, or read them with --file PATH (- for stdin)")
        }
        None => input::List {
            entries: opts
                .entries
                .iter()
                .zip(1..)
                .map(|(t, row)| {
                    let error = input::check_entry(t.trim());
                    input::ListEntry {
                        row,
                        line: 0,
                        text: input::echo(t).into_owned(),
                        error,
                    }
                })
                .collect(),
            ..input::List::default()
        },
    };
    let mut view = ctx.view.clone();
    view.context = context::context(&ctx.kb, &opts.patient);
    let mut w = Writer::new(format, ctx.raw, out, &ctx.kb, ctx.color)
        .with_view(view)
        .with_layout(layout);
    let (mut sampled, mut unrecognized) = (0usize, 0usize);
    for e in &list.entries {
        let enc = match &e.error {
            Some(reason) => ctx.error_with(w.records(), &e.text, reason.clone()),
            None => {
                let enc = ctx.screen_with(w.records(), &e.text);
                if sampled < SAMPLE {
                    sampled += 1;
                    unrecognized +=
                        usize::from(enc.outcomes().all(|(s, _)| s == Status::Unrecognized));
                }
                enc
            }
        };
        w.write_at(
            Entry {
                patient: "",
                row: e.row,
                input: &e.text,
            },
            e.line,
            &enc,
        )?;
    }
    let summary = w.finish()?;
    let mut messages = Vec::new();
    if summary.errors > 0 {
        messages.push(format!(
            "{} of {} entries could not be read",
            summary.errors, summary.entries
        ));
    }
    if !list.columns.is_empty() && !list.column_given {
        messages.extend(unrecognized_warning(&list.columns, sampled, unrecognized));
    }
    Ok(Outcome {
        summary: Some(summary),
        messages,
        notes: list.notes,
    })
}

/// The warning when most of the first entries of a medication column found by its header are
/// unrecognized: it may not be the medication column.
#[must_use]
pub fn unrecognized_warning(columns: &str, sampled: usize, unrecognized: usize) -> Option<String> {
    (sampled >= 5 && unrecognized * 2 > sampled).then(|| {
        format!(
            "warning: {unrecognized} of the first {sampled} entries of {columns} are \
             unrecognized: is it the medication column? Name the right one with --med-column"
        )
    })
}
