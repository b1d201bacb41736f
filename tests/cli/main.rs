//! Integration tests: the real `crampcheck` binary, run the way people and scripts run it, its
//! output parsed back and checked against the output contract, its failures checked by exit code
//! and message. Fixtures live in `fixtures/`, golden outputs in `golden/`; inputs that only make
//! sense as raw bytes (BOM, CRLF, Windows-1252, invalid UTF-8) are written by the tests.
//!
//! `cargo test --test cli -- --ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod acceptance;
mod batch;
mod batch_damaged;
mod check_input;
mod completions;
mod context;
mod contract;
mod damaged_large;
mod exit_code;
mod fail_on;
mod html;
mod list;
mod lookup;
mod output_file;
mod report;
mod robustness;
mod support;
mod table;
