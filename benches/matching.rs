//! Matching benchmarks over the library API: `normalize`, uncached resolution (what a batch cache
//! miss costs: `matcher::resolve` → `screen::screen` → `report::encode`), one fuzzy search, and
//! start-up (loading the knowledge base and vocabulary). Run with `cargo bench --bench matching`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::hint::black_box;

use crampcheck::names::matcher;
use crampcheck::report::{self, Format};
use crampcheck::{normalize, screen};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// A handful of typical entries, from a bare name to a long RxNorm-style string.
const TYPICAL: &[(&str, &str)] = &[
    ("bare", "lipitor"),
    ("dose", "HCTZ 25mg"),
    ("sig", "atorvastatin 40mg PO qhs"),
    ("rxnorm", "Atorvastatin Calcium 10 MG Oral Tablet"),
    ("combination", "losartan/hctz 100-25"),
    ("accents", "furosémide 40 mg comprimé"),
    ("typo", "furosimide 40mg"),
];

fn bench_normalize(c: &mut Criterion) {
    let mut g = c.benchmark_group("normalize");
    for (label, text) in TYPICAL {
        g.bench_with_input(BenchmarkId::from_parameter(label), text, |b, t| {
            b.iter(|| normalize::normalize(black_box(t)));
        });
    }
    g.finish();
}

/// One entry at a time, uncached: the cost of a cache miss, by kind of entry. Each iteration
/// starts with the lexicon's fuzzy memo emptied, so that it pays for the searches of its entries
/// (a misspelling that recurs within the list is searched once, as in a batch).
fn bench_resolve(c: &mut Criterion) {
    let ctx = common::context();
    let lists = [
        ("spelled", common::spelled()),
        ("misspelled", common::misspelled()),
        ("all", common::all()),
    ];
    let mut g = c.benchmark_group("resolve");
    for (label, entries) in &lists {
        g.throughput(Throughput::Elements(entries.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("resolve+screen", label),
            entries,
            |b, es| {
                b.iter(|| {
                    ctx.lex.forget_fuzzy_searches();
                    for e in es {
                        let res = matcher::resolve(&ctx.lex, black_box(e));
                        black_box(screen::screen(&ctx.kb, &ctx.lex, &res));
                    }
                });
            },
        );
    }
    // The whole miss as batch pays it: resolve, screen and encode for CSV.
    let entries = &lists[2].1;
    g.throughput(Throughput::Elements(entries.len() as u64));
    g.bench_with_input(BenchmarkId::new("screen_entry", "all"), entries, |b, es| {
        b.iter(|| {
            ctx.lex.forget_fuzzy_searches();
            for e in es {
                black_box(ctx.screen_entry(Format::Csv, black_box(e)));
            }
        });
    });
    // Encoding alone, from findings made once.
    let findings: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e,
                screen::screen(&ctx.kb, &ctx.lex, &matcher::resolve(&ctx.lex, e)),
            )
        })
        .collect();
    g.bench_with_input(BenchmarkId::new("encode", "all"), &findings, |b, fs| {
        b.iter(|| {
            for (e, f) in fs {
                black_box(report::encode(Format::Csv, false, &ctx.kb, e, f.clone()));
            }
        });
    });
    g.finish();
}

/// One fuzzy search over every name (knowledge base and vocabulary), the hot spot of a cache
/// miss on a misspelled entry: each misspelled word of the list, as the compact lowercase key the
/// matcher passes. The search runs without the memo (which would make every iteration after the
/// first a table lookup).
fn bench_fuzzy(c: &mut Criterion) {
    let ctx = common::context();
    let keys: Vec<String> = common::misspelled()
        .iter()
        .filter_map(|e| {
            e.split(|c: char| !c.is_ascii_alphabetic())
                .max_by_key(|w| w.len())
                .map(str::to_ascii_lowercase)
        })
        .collect();
    let mut g = c.benchmark_group("fuzzy");
    g.throughput(Throughput::Elements(keys.len() as u64));
    g.bench_function("search", |b| {
        b.iter(|| {
            for k in &keys {
                black_box(ctx.lex.fuzzy_search_uncached(black_box(k)));
            }
        });
    });
    // The error model's cost of each key against its search's first eight hits (compact keys):
    // what rescoring the candidates of a misspelled word adds to its search.
    let model = crampcheck::names::error_model::ErrorModel::builtin();
    let pairs: Vec<(&str, String)> = keys
        .iter()
        .flat_map(|k| {
            let hits = ctx.lex.fuzzy_search_uncached(k);
            let names: Vec<String> = hits
                .iter()
                .take(8)
                .map(|h| ctx.lex.key(h.name).replace(' ', ""))
                .collect();
            names.into_iter().map(move |n| (k.as_str(), n))
        })
        .collect();
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("error_model_cost", |b| {
        b.iter(|| {
            for (k, n) in &pairs {
                black_box(model.cost(black_box(k), n));
            }
        });
    });
    g.finish();
}

/// What every process pays before its first entry (`lookup`, `check`, `batch` alike).
fn bench_startup(c: &mut Criterion) {
    let mut g = c.benchmark_group("startup");
    g.sample_size(20);
    g.bench_function("load", |b| {
        b.iter(|| black_box(crampcheck::load(None).unwrap()));
    });
    g.bench_function("load+first_entry", |b| {
        b.iter(|| {
            let (kb, lex) = crampcheck::load(None).unwrap();
            let res = matcher::resolve(&lex, "lipitor");
            black_box(screen::screen(&kb, &lex, &res))
        });
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_normalize,
    bench_resolve,
    bench_fuzzy,
    bench_startup
);
criterion_main!(benches);
