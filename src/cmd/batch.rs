//! `batch`: many patients from CSV, streamed in chunks through a pipeline — a reader thread, worker
//! threads that resolve and encode, and the calling thread writing chunks back in input order. Each
//! distinct entry is resolved once (bounded caches), and memory is bounded by the chunks in flight.

use std::collections::BTreeMap;
use std::hash::BuildHasher as _;
use std::io::{IsTerminal, Write};
use std::ops::Range;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Context, Outcome, check};
use crate::read::input::{BatchColumns, Source};
use crate::read::source::EntrySource;
use crate::report::fields::{Layout, Selection};
use crate::report::summary::{PatientSummary, SummaryWriter};
use crate::report::{Encoded, Entry, Format, RecordEncoder, RowFields, Summary, Writer};
use crate::screen::Status;
use crate::screen::grouping::{DEFAULT_MAX_PATIENTS, Grouping, Tally};

/// Records per chunk: the unit of work handed to a worker and written at once.
const CHUNK: usize = 4096;

/// Entries a worker keeps for itself when it shares a cache with others: the frequent ones, met
/// without locking (a real list repeats a few thousand strings).
const LOCAL_CACHE: usize = 8192;

/// Options of `batch`.
#[derive(Clone, Debug)]
pub struct Options {
    /// Inputs, read in order.
    pub sources: Vec<Source>,
    /// Column and delimiter settings.
    pub columns: BatchColumns,
    /// One record per patient instead of per finding.
    pub summary: bool,
    /// With `summary`: the most patients held in memory (more is an error).
    pub max_patients: usize,
    /// With `summary`: the input is sorted by patient id, so patients are written as they end,
    /// in constant memory (a patient out of order is an error).
    pub sorted: bool,
    /// Worker threads; 1 = read, resolve and write on the calling thread, no other thread.
    pub jobs: usize,
    /// Show a progress bar on stderr when it is a terminal.
    pub progress: bool,
    /// Distinct entries kept in the cache shared by the workers; each worker also keeps up to
    /// [`LOCAL_CACHE`] of its own.
    pub cache_size: usize,
    /// `--fields`: the record's columns, in order.
    pub fields: Option<Vec<String>>,
    /// `--lean`: only what a join needs.
    pub lean: bool,
    /// End with a line for stderr: records read, records written, error records.
    pub totals: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            sources: Vec::new(),
            columns: BatchColumns::default(),
            summary: false,
            max_patients: DEFAULT_MAX_PATIENTS,
            sorted: false,
            jobs: 1,
            progress: false,
            cache_size: 50_000,
            fields: None,
            lean: false,
            totals: true,
        }
    }
}

/// A record read: ranges into its chunk's text.
struct Item {
    patient: Range<usize>,
    input: Range<usize>,
    row: u64,
    error: Option<String>,
    /// Patient context fields ([`CONTEXT_COLUMNS`], `--summary` only).
    extra: Vec<Range<usize>>,
    /// The input line where the record starts.
    line: u64,
    /// The key columns' values (none when the record has none).
    keys: Vec<Option<Range<usize>>>,
}

/// Optional patient-context columns read for `--summary`, by the header names each may have:
/// age, sex, pregnant, dialysis, conditions (`;`- or `|`-separated).
const CONTEXT_COLUMNS: [&[&str]; 5] = [
    &["age", "age_years"],
    &["sex", "gender"],
    &["pregnant", "pregnancy"],
    &["dialysis", "haemodialysis", "hemodialysis"],
    &["conditions", "condition", "comorbidities"],
];

/// Up to [`CHUNK`] records of one source, and what a worker made of them. Chunks are recycled, so
/// their buffers are allocated once.
#[derive(Default)]
struct Chunk {
    /// Position in the output order.
    seq: u64,
    /// Index of the source the records come from.
    source: usize,
    /// Bytes of the source read once this chunk was filled.
    bytes_read: u64,
    /// Patient ids and entries, back to back.
    text: String,
    items: Vec<Item>,
    /// Encoded records (CSV and JSON formats, one record per finding).
    out: Vec<u8>,
    /// Each item's screening (table format and `--summary`, which the writer builds in order).
    encoded: Vec<Encoded>,
    /// Counts of the encoded records.
    counts: Summary,
    /// Entries among the source's first [`check::SAMPLE`] records screened, and how many of
    /// them were unrecognized.
    sample: (usize, usize),
}

impl Chunk {
    fn patient(&self, item: &Item) -> &str {
        self.text.get(item.patient.clone()).unwrap_or_default()
    }

    fn input(&self, item: &Item) -> &str {
        self.text.get(item.input.clone()).unwrap_or_default()
    }
}

/// Distinct entries already resolved, found by their input text (which each encoding holds, so
/// a hit reads the table slot and the encoding, nothing else).
#[derive(Default)]
struct Cache {
    table: hashbrown::HashTable<Encoded>,
    hasher: foldhash::fast::RandomState,
}

impl Cache {
    fn hash(&self, text: &str) -> u64 {
        self.hasher.hash_one(text.as_bytes())
    }

    fn len(&self) -> usize {
        self.table.len()
    }

    fn clear(&mut self) {
        self.table.clear();
    }

    fn get(&self, hash: u64, text: &str) -> Option<&Encoded> {
        self.table
            .find(hash, |e| e.input_bytes() == text.as_bytes())
    }

    /// The entry for `text`, inserted with `make` when missing.
    fn get_or_insert_with(
        &mut self,
        hash: u64,
        text: &str,
        make: impl FnOnce() -> Encoded,
    ) -> &Encoded {
        let hasher = &self.hasher;
        self.table
            .entry(
                hash,
                |e| e.input_bytes() == text.as_bytes(),
                |e| hasher.hash_one(e.input_bytes()),
            )
            .or_insert_with(make)
            .into_mut()
    }

    fn insert(&mut self, hash: u64, enc: Encoded) {
        let hasher = &self.hasher;
        self.table
            .insert_unique(hash, enc, |e| hasher.hash_one(e.input_bytes()));
    }
}

/// Screens every record of every source.
///
/// # Errors
/// When a source cannot be opened or lacks a column, on an I/O error, or when output fails.
pub fn run(ctx: &Context, opts: &Options, out: &mut dyn Write) -> Result<Outcome> {
    let format = ctx.format.unwrap_or(Format::Csv);
    // CSV and JSON records are encoded by the workers; a table and per-patient summaries are
    // built here, in order, from each item's screening.
    let encode = !opts.summary && !format.is_report();
    let several = opts.sources.len() > 1;
    if opts.summary && (opts.fields.is_some() || opts.lean || !opts.columns.keys.is_empty()) {
        bail!("--fields, --lean and --key-column/--keep shape finding records, not --summary");
    }
    if format.is_report() && (opts.fields.is_some() || opts.lean) {
        bail!("--fields and --lean shape CSV and JSON records; add --format csv, jsonl or json");
    }
    let layout = Layout::select(
        &Selection {
            keys: (opts
                .columns
                .format
                .own_keys()
                .iter()
                .map(|k| (*k).to_owned()))
            .chain(opts.columns.keys.iter().cloned())
            .collect(),
            fields: opts.fields.clone(),
            lean: opts.lean,
        },
        several,
    )
    .map_err(|e| anyhow!(e))?;
    // Without records to encode (a table, an HTML page, per-patient summaries), the full
    // findings are kept: the table shows them, the summaries take their notes from them.
    let records = if encode {
        RecordEncoder::with_layout(format, ctx.raw, &ctx.kb, &layout)
    } else {
        RecordEncoder::new(Format::Table, ctx.raw, &ctx.kb)
    };
    let mut sink = if opts.summary {
        Sink::Patients(Patients {
            writer: SummaryWriter::new(format, ctx.raw, out).with_page(&ctx.kb, &ctx.view),
            grouping: Grouping::new(if opts.sorted { 1 } else { opts.max_patients }),
            summary: Summary::default(),
            sources: opts.sources.iter().map(Source::name).collect(),
            names: ctx
                .kb
                .drugs
                .iter()
                .map(|d| d.ingredient.as_str().into())
                .collect(),
            sorted: opts.sorted,
        })
    } else {
        Sink::Findings(
            Writer::new(format, ctx.raw, out, &ctx.kb, ctx.color)
                .with_view(ctx.view.clone())
                .with_layout(layout),
        )
    };
    let mut progress = Progress::new(opts);
    let mut reader = Reader::new(opts);
    if opts.jobs <= 1 {
        let mut worker = Worker::new(ctx, opts, &records, encode, None);
        let mut chunk = Chunk::default();
        while reader.fill(&mut chunk)? {
            worker.process(&mut chunk);
            sink.write(ctx, &chunk, &mut progress)?;
        }
    } else {
        pipeline(
            ctx,
            opts,
            &records,
            encode,
            &mut reader,
            &mut sink,
            &mut progress,
        )?;
    }
    progress.finish();
    let summary = sink.finish(ctx)?;
    let mut messages = reader.messages;
    let records_read = reader.records_read;
    if summary.errors > 0 {
        messages.push(format!(
            "{} of {} records could not be read (status `error` in the output)",
            summary.errors, summary.entries
        ));
    }
    if opts.columns.med.is_none() {
        for ((name, columns), (sampled, unrecognized)) in
            reader.columns.iter().zip(&progress.samples)
        {
            if let Some(w) = check::unrecognized_warning(columns, *sampled, *unrecognized) {
                messages.push(if several { format!("{name}: {w}") } else { w });
            }
        }
    }
    if opts.totals && opts.summary {
        // Per-patient records are counted by the summary writer, not here.
        messages.push(format!(
            "read {records_read} {}, {} {}",
            plural(records_read, "record", "records"),
            summary.errors,
            plural(summary.errors, "error", "errors")
        ));
    } else if opts.totals {
        messages.push(format!(
            "read {records_read} {}, wrote {} {}, {} {}",
            plural(records_read, "record", "records"),
            summary.records(),
            plural(summary.records(), "record", "records"),
            summary.errors,
            plural(summary.errors, "error", "errors")
        ));
    }
    Ok(Outcome {
        summary: Some(summary),
        messages,
        notes: reader.notes,
    })
}

fn plural<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Runs the reader and `opts.jobs` workers on their own threads and writes their chunks here, in
/// order. A fixed set of chunks circulates (reader → workers → writer → reader), which bounds the
/// memory; when any stage stops (the end, a read error, a write error) the others stop with it.
fn pipeline(
    ctx: &Context,
    opts: &Options,
    records: &RecordEncoder,
    encode: bool,
    reader: &mut Reader<'_>,
    sink: &mut Sink<'_, '_>,
    progress: &mut Progress,
) -> Result<()> {
    let jobs = opts.jobs;
    let in_flight = 2 * jobs + 2;
    let shared = Mutex::new(Shared::new(opts.cache_size));
    let (free_tx, free_rx) = sync_channel::<Chunk>(in_flight);
    let (work_tx, work_rx) = sync_channel::<Chunk>(in_flight);
    let (done_tx, done_rx) = sync_channel::<Chunk>(in_flight);
    for _ in 0..in_flight {
        // The channel holds `in_flight` chunks, so this cannot block or fail.
        let _ = free_tx.try_send(Chunk::default());
    }
    // Shared by the workers, and closed when the last of them stops, which stops the reader.
    let work_rx = Arc::new(Mutex::new(work_rx));
    std::thread::scope(|s| {
        let read = s.spawn(move || read_stage(reader, &free_rx, &work_tx));
        for _ in 0..jobs {
            let done_tx = done_tx.clone();
            let (work_rx, shared) = (Arc::clone(&work_rx), &shared);
            s.spawn(move || {
                let mut worker = Worker::new(ctx, opts, records, encode, Some(shared));
                while let Some(mut chunk) = next_work(&work_rx) {
                    worker.process(&mut chunk);
                    if done_tx.send(chunk).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        drop(work_rx);
        let written = write_stage(ctx, sink, progress, &done_rx, &free_tx);
        // Unblock the reader and the workers if writing stopped early.
        drop(free_tx);
        drop(done_rx);
        let read = read
            .join()
            .map_err(|_| anyhow!("internal error: the reader thread panicked"))?;
        written?;
        read
    })
}

fn next_work(work: &Mutex<Receiver<Chunk>>) -> Option<Chunk> {
    work.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .recv()
        .ok()
}

/// Fills recycled chunks and hands them to the workers, until the input ends or nobody listens.
fn read_stage(
    reader: &mut Reader<'_>,
    free: &Receiver<Chunk>,
    work: &SyncSender<Chunk>,
) -> Result<()> {
    while let Ok(mut chunk) = free.recv() {
        if !reader.fill(&mut chunk)? || work.send(chunk).is_err() {
            break;
        }
    }
    Ok(())
}

/// Writes the workers' chunks in sequence order and returns each one for reuse.
fn write_stage(
    ctx: &Context,
    sink: &mut Sink<'_, '_>,
    progress: &mut Progress,
    done: &Receiver<Chunk>,
    free: &SyncSender<Chunk>,
) -> Result<()> {
    let mut next = 0u64;
    let mut waiting: BTreeMap<u64, Chunk> = BTreeMap::new();
    while let Ok(chunk) = done.recv() {
        waiting.insert(chunk.seq, chunk);
        while let Some(chunk) = waiting.remove(&next) {
            sink.write(ctx, &chunk, progress)?;
            next += 1;
            // The reader may have stopped already: then the chunk is simply dropped.
            let _ = free.try_send(chunk);
        }
    }
    Ok(())
}

/// Reads the sources in order into chunks, numbering records per source.
struct Reader<'o> {
    opts: &'o Options,
    source: usize,
    current: Option<EntrySource>,
    rows_in_source: u64,
    seq: u64,
    /// Warnings for stderr (a source without records).
    messages: Vec<String>,
    /// Notes for stderr (the columns read).
    notes: Vec<String>,
    /// Each source opened: its name and medication columns.
    columns: Vec<(String, String)>,
    /// Input records read (a record with several medication entries counts once).
    records_read: u64,
    /// The row of the last entry read in the current source.
    last_row: u64,
}

impl<'o> Reader<'o> {
    fn new(opts: &'o Options) -> Reader<'o> {
        Reader {
            opts,
            source: 0,
            current: None,
            rows_in_source: 0,
            seq: 0,
            messages: Vec::new(),
            notes: Vec::new(),
            columns: Vec::new(),
            records_read: 0,
            last_row: 0,
        }
    }

    /// Fills `chunk` with the next records of one source; `false` once every source is read.
    fn fill(&mut self, chunk: &mut Chunk) -> Result<bool> {
        chunk.text.clear();
        chunk.items.clear();
        loop {
            if self.current.is_none() {
                let Some(src) = self.opts.sources.get(self.source) else {
                    return Ok(false);
                };
                let mut columns = self.opts.columns.clone();
                if self.opts.summary {
                    columns.extra = CONTEXT_COLUMNS.to_vec();
                }
                let rdr = EntrySource::open(src.clone(), columns.format, &columns)?;
                self.notes.push(rdr.description().to_owned());
                self.columns.push((rdr.name(), rdr.columns()));
                self.current = Some(rdr);
                self.rows_in_source = 0;
                self.last_row = 0;
            }
            let Some(rdr) = self.current.as_mut() else {
                continue;
            };
            let mut ended = false;
            while chunk.items.len() < CHUNK {
                let items = &mut chunk.items;
                let block = rdr.next_simple_block(
                    &mut chunk.text,
                    CHUNK - items.len(),
                    |row, patient, input, line| {
                        items.push(Item {
                            patient,
                            input,
                            row,
                            error: None,
                            extra: Vec::new(),
                            line,
                            keys: Vec::new(),
                        });
                    },
                )?;
                if block > 0 {
                    continue;
                }
                let Some(rec) = rdr.next_into(&mut chunk.text)? else {
                    ended = true;
                    break;
                };
                chunk.items.push(Item {
                    patient: rec.patient,
                    input: rec.med,
                    row: rec.row,
                    error: rec.error,
                    extra: rec.extra,
                    line: rec.line,
                    keys: rec.keys,
                });
            }
            self.rows_in_source += chunk.items.len() as u64;
            // Several entries of one record (several medication columns) share its row.
            for item in &chunk.items {
                if item.row != self.last_row {
                    self.last_row = item.row;
                    self.records_read += 1;
                }
            }
            chunk.source = self.source;
            chunk.bytes_read = rdr.bytes_read();
            if ended {
                if self.rows_in_source == 0 {
                    self.messages
                        .push(format!("{}: no records after the header", rdr.name()));
                }
                self.current = None;
                self.source += 1;
            }
            if !chunk.items.is_empty() {
                chunk.seq = self.seq;
                self.seq += 1;
                return Ok(true);
            }
        }
    }
}

/// Resolves and encodes chunks. Each worker keeps the entries it has met in its own cache (no
/// locking, no shared counters on the hot path); entries new to it are looked up in, or resolved
/// and added to, the cache shared by all workers, so each distinct entry is resolved once.
struct Worker<'c> {
    ctx: &'c Context,
    records: &'c RecordEncoder,
    encode: bool,
    cap: usize,
    local: Cache,
    shared: Option<&'c Mutex<Shared>>,
    patient: (String, Vec<u8>),
    /// With several sources: each source's name, and the `file` field of the last one met.
    files: Vec<String>,
    file: (usize, Vec<u8>),
    /// The key columns of the record being encoded, and where each ends.
    keys: (Vec<u8>, Vec<usize>),
}

impl<'c> Worker<'c> {
    fn new(
        ctx: &'c Context,
        opts: &Options,
        records: &'c RecordEncoder,
        encode: bool,
        shared: Option<&'c Mutex<Shared>>,
    ) -> Worker<'c> {
        let cap = opts.cache_size;
        let files = if opts.sources.len() > 1 {
            opts.sources.iter().map(Source::name).collect()
        } else {
            Vec::new()
        };
        Worker {
            files,
            file: (usize::MAX, Vec::new()),
            keys: (Vec::new(), Vec::new()),
            ctx,
            records,
            encode,
            // Alone, a worker's cache is the only one; beside others, it keeps the frequent
            // entries and the shared cache holds the rest.
            cap: if shared.is_some() {
                LOCAL_CACHE
            } else {
                cap.max(CHUNK)
            },
            local: Cache::default(),
            shared,
            patient: (String::new(), Vec::new()),
        }
    }

    fn process(&mut self, chunk: &mut Chunk) {
        chunk.out.clear();
        chunk.encoded.clear();
        chunk.counts = Summary::default();
        let mut started = chunk.seq > 0;
        // A new chunk may go to another worker: the patient is encoded afresh.
        self.patient.0.clear();
        self.patient.1.clear();
        self.records.field(&mut self.patient.1, "");
        if self.file.0 != chunk.source
            && let Some(name) = self.files.get(chunk.source)
        {
            self.file = (chunk.source, self.records.file_field(name));
        }
        chunk.sample = (0, 0);
        for item in &chunk.items {
            let input = chunk.input(item);
            let error;
            let enc: &Encoded = match &item.error {
                Some(reason) => {
                    error = self.ctx.error_with(self.records, input, reason.clone());
                    &error
                }
                None => {
                    let hash = self.local.hash(input);
                    if self.local.len() >= self.cap && self.local.get(hash, input).is_none() {
                        self.local.clear();
                    }
                    let (ctx, records, shared) = (self.ctx, self.records, self.shared);
                    self.local.get_or_insert_with(hash, input, || {
                        resolve_shared(ctx, records, shared, input)
                    })
                }
            };
            chunk.counts.add_entry(enc);
            if item.row as usize <= check::SAMPLE && item.error.is_none() {
                chunk.sample.0 += 1;
                chunk.sample.1 +=
                    usize::from(enc.outcomes().all(|(s, _)| s == Status::Unrecognized));
            }
            if self.encode {
                let patient = chunk.patient(item);
                if self.patient.0 != patient {
                    self.patient.0.clear();
                    self.patient.0.push_str(patient);
                    self.patient.1.clear();
                    self.records.field(&mut self.patient.1, patient);
                }
                let (keys, ends) = &mut self.keys;
                keys.clear();
                ends.clear();
                for k in &item.keys {
                    let value = k
                        .as_ref()
                        .map(|r| chunk.text.get(r.clone()).unwrap_or_default());
                    self.records.key(keys, value);
                    ends.push(keys.len());
                }
                let row = RowFields {
                    patient: &self.patient.1,
                    row: item.row,
                    line: item.line,
                    file: &self.file.1,
                    keys,
                    key_ends: ends,
                };
                self.records
                    .append_row(&mut chunk.out, &row, enc, &mut started);
            } else {
                chunk.encoded.push(enc.clone());
            }
        }
    }
}

/// An entry's encoding from the shared cache, or resolved now and added to it.
fn resolve_shared(
    ctx: &Context,
    records: &RecordEncoder,
    shared: Option<&Mutex<Shared>>,
    text: &str,
) -> Encoded {
    let Some(shared) = shared else {
        return ctx.screen_with(records, text);
    };
    let lock = || shared.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(enc) = lock().get(text) {
        return enc;
    }
    // Resolved outside the lock: two workers meeting the same new entry at once may both
    // resolve it, with the same result.
    let enc = ctx.screen_with(records, text);
    lock().insert(enc.clone());
    enc
}

/// The cache the workers share, in two generations of at most half the size each: when the
/// newer fills up it becomes the older and the older is dropped, and an entry found in the older
/// moves to the newer — frequent entries stay, however many rare ones pass through.
struct Shared {
    newer: Cache,
    older: Cache,
    half: usize,
}

impl Shared {
    fn new(cap: usize) -> Shared {
        Shared {
            newer: Cache::default(),
            older: Cache::default(),
            half: (cap / 2).max(1),
        }
    }

    fn get(&mut self, text: &str) -> Option<Encoded> {
        let hash = self.newer.hash(text);
        if let Some(enc) = self.newer.get(hash, text) {
            return Some(enc.clone());
        }
        let enc = self.older.get(self.older.hash(text), text)?.clone();
        self.insert(enc.clone());
        Some(enc)
    }

    fn insert(&mut self, enc: Encoded) {
        let hash = self.newer.hash(enc.input());
        if self.newer.get(hash, enc.input()).is_some() {
            return;
        }
        if self.newer.len() >= self.half {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(self.newer.hash(enc.input()), enc);
    }
}

/// Where the records go: per finding, or per patient.
enum Sink<'k, 'o> {
    Findings(Writer<'k, &'o mut dyn Write>),
    Patients(Patients<'o>),
}

/// `--summary`: every patient's tally, written sorted by patient at the end (with `--sorted`,
/// each patient when the next starts).
struct Patients<'o> {
    writer: SummaryWriter<&'o mut dyn Write>,
    grouping: Grouping,
    summary: Summary,
    /// The sources' names, for the message when there are too many patients.
    sources: Vec<String>,
    /// Each drug's ingredient, by drug id, shared by the tallies.
    names: Vec<Arc<str>>,
    /// The input is sorted by patient: each patient is written when the next one starts.
    sorted: bool,
}

impl Sink<'_, '_> {
    /// Writes a processed chunk.
    fn write(&mut self, ctx: &Context, chunk: &Chunk, progress: &mut Progress) -> Result<()> {
        match self {
            Sink::Findings(w) if !w.format().is_report() => {
                w.write_encoded(&chunk.out, &chunk.counts)?;
            }
            _ => {
                for (item, enc) in chunk.items.iter().zip(&chunk.encoded) {
                    let entry = Entry {
                        patient: chunk.patient(item),
                        row: item.row,
                        input: chunk.input(item),
                    };
                    let extra: Vec<&str> = item
                        .extra
                        .iter()
                        .map(|r| chunk.text.get(r.clone()).unwrap_or_default())
                        .collect();
                    self.write_entry(ctx, chunk.source, entry, enc, &extra)?;
                }
            }
        }
        progress.update(chunk);
        Ok(())
    }

    fn write_entry(
        &mut self,
        ctx: &Context,
        source: usize,
        entry: Entry<'_>,
        enc: &Encoded,
        extra: &[&str],
    ) -> Result<()> {
        match self {
            Sink::Findings(w) => w.write(entry, enc)?,
            Sink::Patients(p) => {
                if p.sorted && !p.grouping.is_empty() && !p.grouping.contains(entry.patient) {
                    let done = std::mem::replace(&mut p.grouping, Grouping::new(1));
                    for (patient, tally) in done.into_sorted() {
                        if entry.patient < &*patient {
                            let name = p.sources.get(source).map_or("<input>", String::as_str);
                            return Err(anyhow!(
                                "{name}, row {}: patient {:?} comes after {patient:?}: with \
                                 --sorted the input must be sorted by patient id (byte-wise); \
                                 sort it so, or leave --sorted out",
                                entry.row,
                                entry.patient
                            ));
                        }
                        p.writer
                            .write(&PatientSummary::new(&ctx.kb, &patient, &tally))?;
                    }
                }
                let tally = match p.grouping.tally(entry.patient) {
                    Ok(t) => t,
                    Err(e) => {
                        let name = p.sources.get(source).map_or("<input>", String::as_str);
                        return Err(anyhow!("{name}, row {}: {e}", entry.row));
                    }
                };
                add_to_patient(ctx, &p.names, tally, &mut p.summary, enc);
                tally.said.add_row(extra);
            }
        }
        Ok(())
    }

    /// Ends the output; returns the counts.
    fn finish(self, ctx: &Context) -> Result<Summary> {
        Ok(match self {
            Sink::Findings(w) => w.finish()?,
            Sink::Patients(p) => {
                let Patients {
                    mut writer,
                    grouping,
                    summary,
                    ..
                } = p;
                for (patient, tally) in grouping.into_sorted() {
                    writer.write(&PatientSummary::new(&ctx.kb, &patient, &tally))?;
                }
                writer.finish()?;
                summary
            }
        })
    }
}

/// Adds one entry's findings to its patient's tally and to the overall counts.
fn add_to_patient(
    ctx: &Context,
    names: &[Arc<str>],
    t: &mut Tally,
    summary: &mut Summary,
    enc: &Encoded,
) {
    summary.add_entry(enc);
    t.entries += 1;
    for (status, drug) in enc.outcomes() {
        match status {
            Status::Flagged => t.flagged += 1,
            Status::Warning => t.warnings += 1,
            Status::Review => t.review += 1,
            Status::Unrecognized => t.unrecognized += 1,
            Status::Error => t.errors += 1,
            Status::Clear => {}
        }
        if matches!(status, Status::Flagged | Status::Warning)
            && let Some(id) = drug
            && let (Some(d), Some(name)) = (ctx.kb.drugs.get(id), names.get(id))
        {
            t.add_drug(name, d.level);
        }
    }
    if enc
        .table_findings()
        .iter()
        .any(|f| f.status == Status::Clear && crate::screen::cascade::is_quinidine(&f.ingredient))
    {
        t.quinidine += 1;
    }
}

/// Rows, rows per second and megabytes read (of the total when the size is known), on stderr,
/// one bar per source; and, shown or not, the sample of each source's first entries that tells
/// whether its medication column holds medications.
struct Progress {
    /// Per source: entries among its first records screened, and how many were unrecognized.
    samples: Vec<(usize, usize)>,
    wanted: bool,
    sources: Vec<(String, Option<u64>)>,
    current: Option<(usize, ProgressBar)>,
}

impl Progress {
    fn new(opts: &Options) -> Progress {
        let wanted = opts.progress && std::io::stderr().is_terminal();
        Progress {
            samples: vec![(0, 0); opts.sources.len()],
            wanted,
            sources: if wanted {
                opts.sources.iter().map(|s| (s.name(), s.size())).collect()
            } else {
                Vec::new()
            },
            current: None,
        }
    }

    fn update(&mut self, chunk: &Chunk) {
        if let Some(s) = self.samples.get_mut(chunk.source) {
            s.0 += chunk.sample.0;
            s.1 += chunk.sample.1;
        }
        if !self.wanted {
            return;
        }
        if self.current.as_ref().is_none_or(|c| c.0 != chunk.source) {
            self.finish();
            let name = self
                .sources
                .get(chunk.source)
                .map(|s| s.0.clone())
                .unwrap_or_default();
            self.current = Some((chunk.source, progress_bar(&name)));
        }
        let total = self.sources.get(chunk.source).and_then(|s| s.1);
        if let Some((_, bar)) = &self.current {
            bar.inc(chunk.items.len() as u64);
            let read_mb = chunk.bytes_read as f64 / 1e6;
            // A compressed source yields more bytes than its size.
            bar.set_message(match total.filter(|&t| t >= chunk.bytes_read) {
                Some(t) => format!("{read_mb:.0} of {:.0} MB", t as f64 / 1e6),
                None => format!("{read_mb:.0} MB"),
            });
        }
    }

    fn finish(&mut self) {
        if let Some((_, bar)) = self.current.take() {
            bar.finish_and_clear();
        }
    }
}

fn progress_bar(name: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style =
        ProgressStyle::with_template("{prefix} {human_pos} rows · {per_sec} · {msg} · {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    // A file name may hold escape sequences or bidi controls.
    bar.set_prefix(crate::escape::terminal(name).into_owned());
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::Kb;
    use crate::screen::Finding;

    fn entry(kb: &Kb, text: &str) -> Encoded {
        let findings = vec![Finding::error("test".into())];
        crate::report::encode(Format::Csv, false, kb, text, findings)
    }

    #[test]
    fn the_shared_cache_never_holds_more_than_its_size() {
        let kb = Kb::builtin().unwrap();
        let mut shared = Shared::new(100);
        for i in 0..1000 {
            shared.insert(entry(&kb, &format!("entry {i}")));
            assert!(shared.newer.len() + shared.older.len() <= 100);
        }
        assert!(shared.get("entry 999").is_some());
        assert!(shared.get("entry 0").is_none());
    }

    #[test]
    fn a_frequent_entry_stays_in_the_shared_cache_while_rare_ones_pass_through() {
        let kb = Kb::builtin().unwrap();
        let mut shared = Shared::new(100);
        shared.insert(entry(&kb, "lipitor"));
        for i in 0..10_000 {
            shared.insert(entry(&kb, &format!("rare {i}")));
            if i % 40 == 0 {
                assert!(
                    shared.get("lipitor").is_some(),
                    "lost after {i} rare entries"
                );
            }
        }
        assert_eq!(
            shared
                .get("lipitor")
                .map(|e| e.input().to_owned())
                .as_deref(),
            Some("lipitor")
        );
    }

    #[test]
    fn an_entry_already_cached_is_not_added_twice() {
        let kb = Kb::builtin().unwrap();
        let mut shared = Shared::new(100);
        shared.insert(entry(&kb, "lipitor"));
        shared.insert(entry(&kb, "lipitor"));
        assert_eq!(shared.newer.len() + shared.older.len(), 1);
    }
}
