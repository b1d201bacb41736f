//! `batch`: many patients from CSV, streamed in chunks. Each distinct entry is resolved once (a
//! bounded cache), misses are resolved on worker threads, and records are written in input order.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Arc;

use anyhow::{Context as _, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::{Context, Outcome};
use crate::input::{BatchColumns, BatchReader, Source};
use crate::kb::Level;
use crate::report::summary::{PatientSummary, SummaryWriter};
use crate::report::{Encoded, Entry, Format, Writer};
use crate::screen::Status;

/// Records read before the misses among them are resolved together.
const CHUNK: usize = 4096;

/// Options of `batch`.
#[derive(Clone, Debug)]
pub struct Options {
    /// Inputs, read in order.
    pub sources: Vec<Source>,
    /// Column and delimiter settings.
    pub columns: BatchColumns,
    /// One record per patient instead of per finding.
    pub summary: bool,
    /// Worker threads (1 = resolve on the reading thread).
    pub jobs: usize,
    /// Show a progress bar on stderr when it is a terminal.
    pub progress: bool,
    /// Distinct entries kept in the cache.
    pub cache_size: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            sources: Vec::new(),
            columns: BatchColumns::default(),
            summary: false,
            jobs: 1,
            progress: false,
            cache_size: 50_000,
        }
    }
}

/// A record read, owned so that a chunk can be resolved in parallel.
#[derive(Default)]
struct Item {
    patient: String,
    input: String,
    row: u64,
    error: Option<String>,
}

/// Where the records go: per finding, or per patient.
enum Sink<'k, 'o> {
    Findings(Writer<'k, &'o mut dyn Write>),
    Patients(
        SummaryWriter<&'o mut dyn Write>,
        Option<PatientSummary>,
        crate::report::Summary,
    ),
}

/// Screens every record of every source.
///
/// # Errors
/// When a source cannot be opened or lacks a column, on an I/O error, or when output fails.
pub fn run(ctx: &Context, opts: &Options, out: &mut dyn Write) -> Result<Outcome> {
    let format = ctx.format.unwrap_or(Format::Csv);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .context("cannot start worker threads")?;
    let mut sink = if opts.summary {
        Sink::Patients(
            SummaryWriter::new(format, out),
            None,
            crate::report::Summary::default(),
        )
    } else {
        Sink::Findings(Writer::new(format, out, &ctx.kb, ctx.color))
    };
    let mut cache = Cache::default();
    let mut chunk: Vec<Item> = Vec::with_capacity(CHUNK);
    let mut messages = Vec::new();
    for src in &opts.sources {
        let total = src.size();
        let mut rdr = BatchReader::open(src.clone(), &opts.columns)?;
        let bar = progress_bar(opts.progress, &rdr.name());
        let mut rows_in_source = 0u64;
        loop {
            let n = fill(&mut rdr, &mut chunk)?;
            if n == 0 {
                break;
            }
            let encoded = resolve_chunk(ctx, format, &pool, opts, &chunk[..n], &mut cache);
            for (item, enc) in chunk[..n].iter().zip(&encoded) {
                let entry = Entry {
                    patient: &item.patient,
                    row: item.row,
                    input: &item.input,
                };
                write(ctx, &mut sink, entry, enc)?;
            }
            bar.inc(n as u64);
            let read_mb = rdr.bytes_read() as f64 / 1e6;
            bar.set_message(match total {
                Some(t) => format!("{read_mb:.0} of {:.0} MB", t as f64 / 1e6),
                None => format!("{read_mb:.0} MB"),
            });
            rows_in_source += n as u64;
        }
        bar.finish_and_clear();
        if rows_in_source == 0 {
            messages.push(format!("{}: no records after the header", rdr.name()));
        }
    }
    let summary = match sink {
        Sink::Findings(w) => w.finish()?,
        Sink::Patients(mut w, current, summary) => {
            if let Some(p) = current {
                w.write(&p)?;
            }
            w.finish()?;
            summary
        }
    };
    if summary.errors > 0 {
        messages.push(format!(
            "{} of {} records could not be read (status `error` in the output)",
            summary.errors, summary.entries
        ));
    }
    Ok(Outcome {
        summary: Some(summary),
        messages,
    })
}

/// Reads up to [`CHUNK`] records into reused items; returns how many.
fn fill(rdr: &mut BatchReader, chunk: &mut Vec<Item>) -> Result<usize> {
    let mut n = 0;
    while n < CHUNK {
        let Some(rec) = rdr.next_record()? else { break };
        if chunk.len() == n {
            chunk.push(Item::default());
        }
        let item = &mut chunk[n];
        item.patient.clear();
        item.patient.push_str(&rec.patient);
        item.input.clear();
        item.input.push_str(&rec.med);
        item.row = rec.row;
        item.error = rec.error;
        n += 1;
    }
    Ok(n)
}

/// The encoded entries of a chunk, in order: cached ones from the cache, the others resolved
/// once per distinct text (on the worker threads) and added to it. One hash lookup per hit.
fn resolve_chunk(
    ctx: &Context,
    format: Format,
    pool: &rayon::ThreadPool,
    opts: &Options,
    chunk: &[Item],
    cache: &mut Cache,
) -> Vec<Arc<Encoded>> {
    if cache.len() + chunk.len() > opts.cache_size.max(CHUNK) {
        cache.clear();
    }
    let mut out: Vec<Option<Arc<Encoded>>> = Vec::with_capacity(chunk.len());
    let mut misses: Vec<&str> = Vec::new();
    let mut waiting: Vec<(usize, usize)> = Vec::new(); // (chunk index, miss index)
    let mut miss_index: HashMap<&str, usize, foldhash::fast::RandomState> = HashMap::default();
    for (i, item) in chunk.iter().enumerate() {
        if let Some(reason) = &item.error {
            out.push(Some(Arc::new(ctx.error_entry(
                format,
                &item.input,
                reason.clone(),
            ))));
        } else if let Some(enc) = cache.get(item.input.as_str()) {
            out.push(Some(Arc::clone(enc)));
        } else {
            let m = *miss_index.entry(item.input.as_str()).or_insert_with(|| {
                misses.push(&item.input);
                misses.len() - 1
            });
            waiting.push((i, m));
            out.push(None);
        }
    }
    let resolved: Vec<Arc<Encoded>> = if opts.jobs > 1 && misses.len() > 1 {
        pool.install(|| {
            misses
                .par_iter()
                .map(|t| Arc::new(ctx.screen_entry(format, t)))
                .collect()
        })
    } else {
        misses
            .iter()
            .map(|t| Arc::new(ctx.screen_entry(format, t)))
            .collect()
    };
    for (text, enc) in misses.iter().zip(&resolved) {
        cache.insert((*text).into(), Arc::clone(enc));
    }
    for (i, m) in waiting {
        out[i] = Some(Arc::clone(&resolved[m]));
    }
    out.into_iter()
        .map(|e| {
            e.unwrap_or_else(|| {
                Arc::new(ctx.error_entry(format, "", "internal: unresolved".into()))
            })
        })
        .collect()
}

/// Distinct entry texts already resolved, with their encodings (bounded by `cache_size`).
type Cache = HashMap<Box<str>, Arc<Encoded>, foldhash::fast::RandomState>;

fn write(ctx: &Context, sink: &mut Sink<'_, '_>, entry: Entry<'_>, enc: &Encoded) -> Result<()> {
    match sink {
        Sink::Findings(w) => w.write(entry, enc)?,
        Sink::Patients(w, current, summary) => {
            if current.as_ref().is_some_and(|p| p.patient != entry.patient)
                && let Some(done) = current.take()
            {
                w.write(&done)?;
            }
            let p = current.get_or_insert_with(|| PatientSummary {
                patient: entry.patient.to_owned(),
                highest_level: String::new(),
                quinine: "no".into(),
                ..PatientSummary::default()
            });
            p.entries += 1;
            summary.entries += 1;
            let mut highest: Option<Level> = Level::parse(&p.highest_level);
            for f in enc.findings() {
                match f.status {
                    Status::Flagged => {
                        p.flagged += 1;
                        summary.flagged += 1;
                    }
                    Status::Warning => {
                        p.warnings += 1;
                        summary.warnings += 1;
                        p.quinine = "yes".into();
                    }
                    Status::Review => {
                        p.review += 1;
                        summary.review += 1;
                    }
                    Status::Unrecognized => {
                        p.unrecognized += 1;
                        summary.unrecognized += 1;
                    }
                    Status::Error => {
                        p.errors += 1;
                        summary.errors += 1;
                    }
                    Status::Clear => summary.clear += 1,
                }
                if matches!(f.status, Status::Flagged | Status::Warning)
                    && let Some(d) = f.drug
                {
                    let level = ctx.kb.drugs[d].level;
                    highest = highest.max(Some(level));
                    summary.highest = summary.highest.max(Some(level));
                    let name = &ctx.kb.drugs[d].ingredient;
                    if !p.flagged_drugs.split("; ").any(|x| x == name) {
                        if !p.flagged_drugs.is_empty() {
                            p.flagged_drugs.push_str("; ");
                        }
                        p.flagged_drugs.push_str(name);
                    }
                }
            }
            p.highest_level = highest.map(|l| l.as_str().to_owned()).unwrap_or_default();
        }
    }
    Ok(())
}

/// Rows, rows per second and megabytes read (of the total when the size is known), on stderr.
fn progress_bar(wanted: bool, name: &str) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style =
        ProgressStyle::with_template("{prefix} {human_pos} rows · {per_sec} · {msg} · {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.set_prefix(name.to_owned());
    bar
}
