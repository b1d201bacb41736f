//! `check`: one patient's list from arguments, a file or standard input.

use std::io::Write;

use anyhow::{Result, bail};

use super::{Context, Outcome};
use crate::read::input::{self, Source};
use crate::report::{Entry, Format, Writer};
use crate::screen::context::{self, Patient};

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
    let file = match (&opts.file, opts.entries.as_slice()) {
        (Some(f), _) => Some(f.clone()),
        (None, [one]) if one == "-" => Some(Source::Stdin),
        _ => None,
    };
    let entries = match file {
        Some(src) => input::read_list(&src, opts.med_column.as_deref(), opts.delimiter)?,
        None if opts.entries.is_empty() => {
            bail!("no entries: give them as arguments, or read them with --file PATH (- for stdin)")
        }
        None => opts
            .entries
            .iter()
            .zip(1..)
            .map(|(t, row)| input::ListEntry {
                row,
                text: t.clone(),
                error: input::check_entry(t.trim()),
            })
            .collect(),
    };
    let format = ctx.format.unwrap_or(Format::Table);
    let mut view = ctx.view.clone();
    view.context = context::context(&ctx.kb, &opts.patient);
    let mut w = Writer::new(format, out, &ctx.kb, ctx.color).with_view(view);
    for e in &entries {
        let enc = match &e.error {
            Some(reason) => ctx.error_entry(format, &e.text, reason.clone()),
            None => ctx.screen_entry(format, &e.text),
        };
        w.write(
            Entry {
                patient: "",
                row: e.row,
                input: &e.text,
            },
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
    Ok(Outcome {
        summary: Some(summary),
        messages,
    })
}
