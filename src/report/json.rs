//! JSON records: the same fields as CSV, `row` a number, `score` a number or null; serde_json
//! escapes every string, so any input yields valid JSON.

use super::class_level;
use crate::kb::Kb;
use crate::screen::Finding;

fn string(out: &mut Vec<u8>, key: &str, value: &str) {
    // Writing a `&str` into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, key);
    out.push(b':');
    let _ = serde_json::to_writer(&mut *out, value);
}

/// A JSON string (with its quotes).
pub(super) fn value(out: &mut Vec<u8>, s: &str) {
    // Writing a `&str` into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// `{"patient":…,"row":…,"input":…,` of a record, from the encoded patient and input values.
pub(super) fn prefix(out: &mut Vec<u8>, patient: &[u8], row: u64, input: &[u8]) {
    out.extend_from_slice(b"{\"patient\":");
    out.extend_from_slice(patient);
    out.extend_from_slice(b",\"row\":");
    super::push_u64(out, row);
    out.extend_from_slice(b",\"input\":");
    out.extend_from_slice(input);
    out.push(b',');
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
