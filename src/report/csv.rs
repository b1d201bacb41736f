//! CSV records: RFC 4180 quoting; control characters other than tab and line breaks shown as
//! visible text (`\u{1b}`); and, unless `--raw`, cells a spreadsheet would run as a formula
//! neutralized with a leading apostrophe (OWASP CSV injection guidance). Every CSV writer (records,
//! summaries, `lookup`, `list`) goes through [`cell`] or [`field`].

use std::borrow::Cow;

use crate::escape;

/// Whether a spreadsheet would take the cell for a formula: its first character after any
/// leading spaces (or other white space but tab and CR) is `=`, `+`, `-`, `@`, tab, CR, or one of
/// their fullwidth forms `＝＋－＠`. Negative numbers are included, as OWASP advises: a cell `-17`
/// is written `'-17` unless `--raw`.
#[must_use]
pub fn is_formula(s: &str) -> bool {
    let first = s
        .chars()
        .find(|&c| !(c.is_whitespace() && c != '\t' && c != '\r'));
    matches!(
        first,
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠')
    )
}

/// A cell's text as written (before quoting, which the caller's CSV writer does): control
/// characters escaped, and a formula prefixed with `'` unless `raw`.
#[must_use]
pub fn cell(s: &str, raw: bool) -> Cow<'_, str> {
    let s = escape::data(s);
    if raw || !is_formula(&s) {
        return s;
    }
    Cow::Owned(format!("'{s}"))
}

/// Appends one field: its [`cell`] text, quoted when needed.
pub(super) fn field(out: &mut Vec<u8>, s: &str, raw: bool) {
    let s = cell(s, raw);
    let quote = s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if !quote {
        out.extend_from_slice(s.as_bytes());
        return;
    }
    out.push(b'"');
    for &b in s.as_bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> String {
        let mut v = Vec::new();
        field(&mut v, s, false);
        String::from_utf8(v).unwrap()
    }

    fn raw(s: &str) -> String {
        let mut v = Vec::new();
        field(&mut v, s, true);
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
        assert_eq!(f("-17"), "'-17");
        assert_eq!(f("\tx"), "'\tx");
        assert_eq!(f("\rx"), "\"'\rx\"");
    }

    #[test]
    fn formulas_behind_leading_spaces_or_in_fullwidth_forms_are_neutralized() {
        assert_eq!(f("  =1+1"), "'  =1+1");
        assert_eq!(f("\u{a0}@SUM(A1)"), "'\u{a0}@SUM(A1)");
        assert_eq!(f("\n=1"), "\"'\n=1\"");
        for s in ["＝1+1", "＋1", "－1", "＠SUM(A1)"] {
            assert_eq!(f(s), format!("'{s}"));
        }
        assert_eq!(f("a=b"), "a=b");
        assert_eq!(f("lipitor -20"), "lipitor -20");
    }

    #[test]
    fn raw_keeps_formulas_but_still_escapes_control_characters() {
        assert_eq!(raw("-17"), "-17");
        assert_eq!(raw("=1+1"), "=1+1");
        assert_eq!(raw("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(f("=\x1b[31m"), "'=\\u{1b}[31m");
    }

    #[test]
    fn no_esc_or_c1_byte_reaches_a_cell() {
        let s = f("x\x1b]0;title\x07\u{9b}2J\u{85}");
        assert!(!s.contains('\x1b') && !s.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)));
        assert_eq!(s, "x\\u{1b}]0;title\\u{7}\\u{9b}2J\\u{85}");
    }
}
