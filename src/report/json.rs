//! JSON records: the same fields as CSV ([`super::fields`]), numbers as numbers, `null` for an
//! absent value and arrays for lists; serde_json
//! escapes every string, so any input yields valid JSON, and [`escape_controls`] adds what it
//! leaves raw (DEL and the C1 controls U+0080–U+009F), so no ESC or C1 byte reaches the output.
//! Every JSON writer (records, summaries, `lookup`, `list`) goes through this module.

use std::io::{self, Write};

use serde::Serialize;

/// A JSON string (with its quotes).
pub(super) fn value(out: &mut Vec<u8>, s: &str) {
    let start = out.len();
    // Writing a `&str` into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
    escape_controls(out, start);
}

/// Rewrites DEL and the C1 controls (U+0080–U+009F, two bytes `C2 80`–`C2 9F` in UTF-8) that
/// serde_json leaves raw in `out[from..]` as `\u007f`, `\u0080`…. Serialized JSON holds such
/// characters only inside strings, where the escape means the same character.
pub fn escape_controls(out: &mut Vec<u8>, from: usize) {
    let Some(tail) = out.get(from..) else {
        return;
    };
    let raw = |w: &[u8]| w[0] == 0x7f || (w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]));
    if !tail.contains(&0x7f) && !tail.windows(2).any(raw) {
        return;
    }
    let tail = out.split_off(from);
    let mut i = 0;
    while let Some(&b) = tail.get(i) {
        let next = tail.get(i + 1).copied().unwrap_or(0);
        if b == 0x7f {
            out.extend_from_slice(b"\\u007f");
            i += 1;
        } else if b == 0xc2 && (0x80..=0x9f).contains(&next) {
            out.extend_from_slice(format!("\\u{:04x}", u32::from(next)).as_bytes());
            i += 2;
        } else {
            out.push(b);
            i += 1;
        }
    }
}

/// Writes `value` as JSON (pretty: indented) with every control character escaped.
///
/// # Errors
/// When serializing or writing fails.
pub fn write<T: Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
    pretty: bool,
) -> io::Result<()> {
    let mut buf = Vec::new();
    if pretty {
        serde_json::to_writer_pretty(&mut buf, value)?;
    } else {
        serde_json::to_writer(&mut buf, value)?;
    }
    escape_controls(&mut buf, 0);
    out.write_all(&buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_carry_no_raw_esc_del_or_c1_character() {
        let mut out = Vec::new();
        value(&mut out, "a\x1b[2Jb\u{7f}c\u{9b}31md\u{85}e\u{a0}½");
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "\"a\\u001b[2Jb\\u007fc\\u009b31md\\u0085e\u{a0}½\"");
        let back: String = serde_json::from_str(&text).unwrap();
        assert_eq!(back, "a\x1b[2Jb\u{7f}c\u{9b}31md\u{85}e\u{a0}½");
    }

    #[test]
    fn serialized_values_are_escaped_too() {
        let mut out = Vec::new();
        write(&mut out, &vec!["\u{80}", "ok"], true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(r"\u0080") && !text.contains('\u{80}'),
            "{text}"
        );
    }
}
