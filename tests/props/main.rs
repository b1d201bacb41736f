//! Property tests (proptest): normalization is idempotent; resolution and screening never panic
//! and keep their invariants on any text; the forgiving CSV record reader agrees with the csv crate
//! on well-formed CSV and stays bounded on arbitrary bytes; `batch` accounts for every record.
//!
//! The knowledge base and the lexicon take about a second to load, so they are loaded once per test
//! binary and shared by every property through a `OnceLock`. Case counts are chosen so that the
//! whole target runs in well under 30 s on a debug build.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod batch;
mod matching;
mod records;

use std::sync::OnceLock;

use crampcheck::cmd::Context;
use crampcheck::report::Format;
use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence};

/// `cases` cases; a failing case is saved beside the test's source file
/// (`tests/props/<module>.regressions`) and replayed first on the next run.
pub fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    }
}

/// The built-in knowledge base and lexicon, with JSON Lines output, loaded once.
pub fn ctx() -> &'static Context {
    static CTX: OnceLock<Context> = OnceLock::new();
    CTX.get_or_init(|| {
        let (kb, lex) = crampcheck::load(None).expect("the built-in knowledge base loads");
        Context {
            kb,
            lex,
            format: Some(Format::Jsonl),
            color: false,
            raw: false,
            view: Default::default(),
        }
    })
}
