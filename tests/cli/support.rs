//! Shared helpers: the command under test, paths to the samples, and mirror structs of the output
//! contract. The mirrors deny unknown fields, so a field added to or renamed in the output fails a
//! test instead of slipping through.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde::Deserialize;

/// The real binary, run from the package root with colour off (`NO_COLOR=1`).
pub fn crampcheck() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crampcheck"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    cmd
}

/// The acceptance list: a brand, an abbreviation with a dose, a quinine product, a combination
/// and a drug that is not a target.
pub const ACCEPTANCE: [&str; 5] = [
    "lipitor",
    "hctz 25 mg",
    "quinine sulfate 324 MG Oral Capsule",
    "Dyazide",
    "metformin",
];

/// A path under the package root (for reading files in the test itself).
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A fixture under `tests/cli/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    repo("tests/cli/fixtures").join(name)
}

/// The columns every record starts with, in order (the output contract).
pub const REQUIRED: [&str; 10] = [
    "patient",
    "row",
    "input",
    "status",
    "ingredient",
    "class",
    "level",
    "matched_as",
    "match",
    "score",
];

/// The extra columns after the required ones, as the binary writes them today.
pub const EXTRAS: [&str; 9] = [
    "runner_up",
    "candidates",
    "note",
    "evidence",
    "advice",
    "sources",
    "citations",
    "finding",
    "line",
];

/// Every column of a `batch` of several files: the required ones, the extras, then `file`.
pub const COLUMNS_WITH_FILE: [&str; 20] = [
    "patient",
    "row",
    "input",
    "status",
    "ingredient",
    "class",
    "level",
    "matched_as",
    "match",
    "score",
    "runner_up",
    "candidates",
    "note",
    "evidence",
    "advice",
    "sources",
    "citations",
    "finding",
    "line",
    "file",
];

/// The statuses a record may carry; deserializing anything else fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Warning,
    Flagged,
    Review,
    Clear,
    Unrecognized,
    Error,
}

/// One output record of `check` and `batch` (CSV, JSON Lines and JSON share it: a JSON `null`
/// reads as the empty CSV cell, a JSON array as the CSV cell that joins it).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    #[serde(deserialize_with = "text")]
    pub patient: String,
    pub row: u64,
    #[serde(deserialize_with = "text")]
    pub input: String,
    pub status: Status,
    #[serde(deserialize_with = "text")]
    pub ingredient: String,
    #[serde(deserialize_with = "text")]
    pub class: String,
    #[serde(deserialize_with = "text")]
    pub level: String,
    #[serde(deserialize_with = "text")]
    pub matched_as: String,
    #[serde(rename = "match", deserialize_with = "text")]
    pub how: String,
    pub score: Option<f64>,
    #[serde(deserialize_with = "text")]
    pub runner_up: String,
    #[serde(deserialize_with = "bar_list")]
    pub candidates: String,
    #[serde(deserialize_with = "text")]
    pub note: String,
    #[serde(deserialize_with = "text")]
    pub evidence: String,
    #[serde(deserialize_with = "text")]
    pub advice: String,
    #[serde(deserialize_with = "semicolon_list")]
    pub sources: String,
    #[serde(deserialize_with = "bar_list")]
    pub citations: String,
    /// 1, 2… within the entry.
    pub finding: u64,
    /// The input line where the entry's record starts (0 for an argument).
    pub line: u64,
    /// The input file, in records of a `batch` of several files (and only there).
    #[serde(default)]
    pub file: Option<String>,
}

/// A text field: a string, or JSON `null` (read as empty).
fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// A text or a list of texts (JSON) joined as in CSV.
#[derive(Deserialize)]
#[serde(untagged)]
enum TextOrList {
    Text(String),
    List(Vec<String>),
}

fn joined<'de, D: serde::Deserializer<'de>>(d: D, sep: &str) -> Result<String, D::Error> {
    Ok(match TextOrList::deserialize(d)? {
        TextOrList::Text(s) => s,
        TextOrList::List(v) => v.join(sep),
    })
}

fn bar_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    joined(d, " | ")
}

fn semicolon_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    joined(d, "; ")
}

/// One record of `batch --summary`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatientSummary {
    pub patient: String,
    pub entries: u64,
    pub flagged: u64,
    pub warnings: u64,
    pub review: u64,
    pub unrecognized: u64,
    pub errors: u64,
    pub highest_level: String,
    pub quinine: String,
    pub flagged_drugs: String,
    pub notes: String,
    pub context: String,
    pub drug_levels: String,
    pub quinidine: u64,
    pub age: String,
    pub sex: String,
    pub pregnant: String,
    pub dialysis: String,
    pub conditions: String,
}

/// The header of a CSV output.
pub fn csv_header(bytes: &[u8]) -> Vec<String> {
    let mut rdr = csv::Reader::from_reader(bytes);
    rdr.headers().unwrap().iter().map(str::to_owned).collect()
}

/// Parses CSV output into records.
pub fn parse_csv<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Vec<T> {
    csv::Reader::from_reader(bytes)
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .unwrap()
}

/// Parses JSON Lines output into records.
pub fn parse_jsonl<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Vec<T> {
    std::str::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Runs the command, expects success, returns stdout.
pub fn stdout_of(cmd: &mut Command) -> Vec<u8> {
    cmd.assert().success().get_output().stdout.clone()
}

/// The records of one row.
pub fn row(records: &[Record], n: u64) -> Vec<&Record> {
    records.iter().filter(|r| r.row == n).collect()
}

/// `(patient, record number)` of every record of a batch input, read with the csv crate.
pub fn input_records(path: &Path) -> Vec<(String, u64)> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = headers
        .iter()
        .position(|h| h == "patient" || h == "patient_id")
        .unwrap();
    rdr.byte_records()
        .zip(1..)
        .map(|(r, n)| {
            let r = r.unwrap();
            (String::from_utf8_lossy(&r[col]).into_owned(), n)
        })
        .collect()
}

/// `(patient, row)` of output records with consecutive repeats collapsed: equal to the input's
/// records exactly when each of them appears, in order, with one or more output records.
pub fn collapsed_pairs(records: &[Record]) -> Vec<(String, u64)> {
    let mut pairs: Vec<(String, u64)> =
        records.iter().map(|r| (r.patient.clone(), r.row)).collect();
    pairs.dedup();
    pairs
}

/// The names of the entries of a directory (to find files left behind).
pub fn dir_names(dir: &Path) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}
