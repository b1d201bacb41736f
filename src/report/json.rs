//! JSON records: the same fields as CSV, `row` a number, `score` a number or null; serde_json
//! escapes every string, so any input yields valid JSON.

use std::io::{self, Write};

use super::{Entry, class_level};
use crate::kb::Kb;
use crate::screen::Finding;

fn string(out: &mut Vec<u8>, key: &str, value: &str) {
    // Writing a `&str` into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, key);
    out.push(b':');
    let _ = serde_json::to_writer(&mut *out, value);
}

/// `{"patient":…,"row":…,"input":…,` of a record.
pub(super) fn prefix<W: Write>(out: &mut W, entry: Entry<'_>) -> io::Result<()> {
    let mut buf = Vec::with_capacity(entry.patient.len() + entry.input.len() + 40);
    buf.push(b'{');
    string(&mut buf, "patient", entry.patient);
    buf.extend_from_slice(format!(",\"row\":{},", entry.row).as_bytes());
    string(&mut buf, "input", entry.input);
    buf.push(b',');
    out.write_all(&buf)
}

/// `"status":…,"note":…` of a finding.
pub(super) fn head(kb: &Kb, f: &Finding) -> Vec<u8> {
    let (class, level) = class_level(kb, f);
    let mut out = Vec::with_capacity(192);
    string(&mut out, "status", f.status.as_str());
    for (k, v) in [
        ("ingredient", f.ingredient.as_str()),
        ("class", &class),
        ("level", level),
        ("matched_as", &f.matched_as),
        ("match", f.how.map(|h| h.as_str()).unwrap_or_default()),
    ] {
        out.push(b',');
        string(&mut out, k, v);
    }
    match f.score {
        Some(s) => out.extend_from_slice(format!(",\"score\":{s:.2}").as_bytes()),
        None => out.extend_from_slice(b",\"score\":null"),
    }
    for (k, v) in [
        ("runner_up", &f.runner_up),
        ("candidates", &f.candidates),
        ("note", &f.note),
    ] {
        out.push(b',');
        string(&mut out, k, v);
    }
    out
}

/// `,"evidence":…,"citations":…}` of a drug.
pub(super) fn tail(evidence: &str, advice: &str, sources: &str, citations: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in [
        ("evidence", evidence),
        ("advice", advice),
        ("sources", sources),
        ("citations", citations),
    ] {
        out.push(b',');
        string(&mut out, k, v);
    }
    out.push(b'}');
    out
}
