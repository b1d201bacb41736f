//! CSV records: RFC 4180 quoting, and cells a spreadsheet would run as a formula neutralized with a
//! leading apostrophe (OWASP CSV injection guidance).

use super::{class_level, score_text};
use crate::kb::Kb;
use crate::screen::Finding;

/// Appends one field, quoted when needed, a formula-looking cell prefixed with `'`.
pub(super) fn field(out: &mut Vec<u8>, s: &str) {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if !quote && !formula {
        out.extend_from_slice(s.as_bytes());
        return;
    }
    if quote {
        out.push(b'"');
    }
    if formula {
        out.push(b'\'');
    }
    for &b in s.as_bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    if quote {
        out.push(b'"');
    }
}

/// `patient,row,input,` of a record, from the encoded patient and input fields.
pub(super) fn prefix(out: &mut Vec<u8>, patient: &[u8], row: u64, input: &[u8]) {
    out.extend_from_slice(patient);
    out.push(b',');
    super::push_u64(out, row);
    out.push(b',');
    out.extend_from_slice(input);
    out.push(b',');
}

/// `status,…,note` of a finding.
pub(super) fn head(kb: &Kb, f: &Finding) -> Vec<u8> {
    let (class, level) = class_level(kb, f);
    let how = f.how.map(|h| h.as_str()).unwrap_or_default();
    let mut out = Vec::with_capacity(128);
    for (i, s) in [
        f.status.as_str(),
        &f.ingredient,
        &class,
        level,
        &f.matched_as,
        how,
        &score_text(f),
        &f.runner_up,
        &f.candidates,
        &f.note,
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            out.push(b',');
        }
        field(&mut out, s);
    }
    out
}

/// `,evidence,advice,sources,citations\n` of a drug.
pub(super) fn tail(evidence: &str, advice: &str, sources: &str, citations: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for s in [evidence, advice, sources, citations] {
        out.push(b',');
        field(&mut out, s);
    }
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> String {
        let mut v = Vec::new();
        field(&mut v, s);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn plain_fields_are_written_as_they_are() {
        assert_eq!(f("lipitor 20 mg"), "lipitor 20 mg");
    }

    #[test]
    fn fields_with_commas_quotes_or_newlines_are_quoted() {
        assert_eq!(f("estrogens, conjugated"), "\"estrogens, conjugated\"");
        assert_eq!(f("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(f("a\nb"), "\"a\nb\"");
    }

    #[test]
    fn formula_cells_are_neutralized() {
        assert_eq!(f("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(f("+1"), "'+1");
        assert_eq!(f("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(f("-2+3"), "'-2+3");
    }
}
