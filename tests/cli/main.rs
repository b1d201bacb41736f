//! Integration tests: the real `crampcheck` binary, run the way people and scripts run it, its
//! output parsed back and checked against the output contract, its failures checked by exit code
//! and message. Fixtures live in `fixtures/`, golden outputs in `golden/`; inputs that only make
//! sense as raw bytes (BOM, CRLF, Windows-1252, invalid UTF-8, UTF-16, workbooks, gzip, zstd)
//! are written by the tests (`input_files`); `fixtures/list.xls` by `fixtures/make_xls.py`.
//!
//! `cargo test --test cli -- --ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod acceptance;
mod batch;
mod batch_damaged;
mod check_input;
mod classes;
mod columns;
mod completions;
mod context;
mod contract;
mod damaged_large;
mod encodings;
mod escaping;
mod exit_code;
mod fail_on;
mod fhir;
mod hostile_input;
mod html;
mod input_files;
mod list;
mod lookup;
mod names;
mod output_file;
mod output_safety;
mod partners;
mod records;
mod report;
mod robustness;
mod signals;
mod spreadsheets;
mod summary_merge;
mod support;
mod table;
mod traceable;
