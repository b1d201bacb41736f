//! Batch-path benchmarks over the library API: the cache hit (an entry already encoded, looked
//! up the way `cmd::batch` does it), the CSV/JSONL writer on pre-encoded records, and
//! `cmd::batch::run` end to end on a small generated CSV. Sizes are parameters.
//! Run with `cargo bench --bench batch`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::hint::black_box;
use std::io::Write;
use std::sync::Arc;

use crampcheck::cmd::batch;
use crampcheck::read::input::Source;
use crampcheck::report::{Encoded, Entry, Format, Writer};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// A cache hit: the entry text looked up in the map of encoded entries, the `Arc` cloned.
fn bench_cached(c: &mut Criterion) {
    let ctx = common::context();
    let entries = common::all();
    let cache: HashMap<Box<str>, Arc<Encoded>> = entries
        .iter()
        .map(|e| {
            (
                e.as_str().into(),
                Arc::new(ctx.screen_entry(Format::Csv, e)),
            )
        })
        .collect();
    let mut g = c.benchmark_group("cached");
    g.throughput(Throughput::Elements(entries.len() as u64));
    g.bench_function("get", |b| {
        b.iter(|| {
            for e in &entries {
                black_box(cache.get(black_box(e.as_str())).cloned());
            }
        });
    });
    g.finish();
}

/// Writing N records of pre-encoded entries into memory.
fn bench_writer(c: &mut Criterion) {
    let ctx = common::context();
    let entries = common::all();
    let mut g = c.benchmark_group("writer");
    for format in [Format::Csv, Format::Jsonl] {
        let encoded: Vec<Encoded> = entries
            .iter()
            .map(|e| ctx.screen_entry(format, e))
            .collect();
        let label = format!("{format:?}").to_lowercase();
        for n in SIZES {
            g.throughput(Throughput::Elements(n as u64));
            let mut buf: Vec<u8> = Vec::new();
            g.bench_with_input(BenchmarkId::new(&label, n), &n, |b, &n| {
                b.iter(|| {
                    buf.clear();
                    let mut w = Writer::new(format, false, &mut buf, &ctx.kb, false);
                    for i in 0..n {
                        let k = i % entries.len();
                        let entry = Entry {
                            patient: "P00000001",
                            row: i as u64 + 1,
                            input: &entries[k],
                        };
                        w.write(entry, &encoded[k]).unwrap();
                    }
                    black_box(w.finish().unwrap())
                });
            });
        }
    }
    g.finish();
}

/// `batch::run` on a CSV of N rows cycling through the ~200 entries (one patient per 8 rows),
/// output discarded: reading, cache, resolution of each distinct entry once, writing.
fn bench_batch_run(c: &mut Criterion) {
    let ctx = common::context();
    let entries = common::all();
    let mut g = c.benchmark_group("batch_run");
    g.sample_size(10);
    for n in SIZES {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        {
            let mut w = csv::Writer::from_writer(&mut file);
            w.write_record(["patient_id", "medication"]).unwrap();
            for i in 0..n {
                let patient = format!("P{:08}", i / 8 + 1);
                w.write_record([patient.as_str(), entries[i % entries.len()].as_str()])
                    .unwrap();
            }
            w.flush().unwrap();
        }
        file.flush().unwrap();
        for jobs in [1, 2] {
            let opts = batch::Options {
                sources: vec![Source::File(file.path().to_owned())],
                jobs,
                ..batch::Options::default()
            };
            g.throughput(Throughput::Elements(n as u64));
            g.bench_with_input(BenchmarkId::new(format!("jobs{jobs}"), n), &opts, |b, o| {
                b.iter(|| black_box(batch::run(&ctx, o, &mut std::io::sink()).unwrap()));
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench_cached, bench_writer, bench_batch_run);
criterion_main!(benches);
