//! Escaping text that came from input or file names before a person sees it: [`terminal`] for
//! anything shown on a terminal (messages, warnings, the progress line, table cells), [`data`] for
//! CSV cells. Nothing read from a file can move the cursor, recolour the screen, or reorder or
//! hide what a person reads.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is a control character: C0 (U+0000–U+001F), DEL (U+007F) or C1 (U+0080–U+009F).
/// ESC and the C1 CSI (U+009B) start terminal escape sequences.
#[must_use]
pub fn is_control(c: char) -> bool {
    c.is_control()
}

/// Whether `c` is an invisible character that reorders or hides text: the bidirectional controls
/// (U+061C, U+200E/U+200F, U+202A–U+202E, U+2066–U+2069), zero-width characters (U+200B–U+200D,
/// U+2060–U+2064, U+FEFF), the deprecated format characters U+206A–U+206F, and the line and
/// paragraph separators U+2028/U+2029 (which some terminals and editors break lines at).
#[must_use]
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
    )
}

/// Text safe to show on a terminal: a control character becomes visible text such as `\u{1b}`,
/// an invisible or reordering character a marker such as `<U+202E>`; everything else is kept.
/// Borrows when there is nothing to escape (the usual case).
#[must_use]
pub fn terminal(s: &str) -> Cow<'_, str> {
    // Every character escaped here starts with one of these bytes in UTF-8 (a quick first look).
    let maybe = |b: u8| b < 0x20 || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2 | 0xef);
    if !s.bytes().any(maybe) || !s.chars().any(|c| is_control(c) || is_invisible(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_control(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else if is_invisible(c) {
            let _ = write!(out, "<U+{:04X}>", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for a data cell (CSV): control characters other than tab, line feed and carriage return
/// (which CSV quoting carries) become visible text such as `\u{1b}`, so no ESC or C1 byte reaches
/// a file that someone may `cat`. Invisible characters are data and are kept.
#[must_use]
pub fn data(s: &str) -> Cow<'_, str> {
    let escaped = |c: char| is_control(c) && !matches!(c, '\t' | '\n' | '\r');
    let maybe =
        |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || matches!(b, 0x7f | 0xc2);
    if !s.bytes().any(maybe) || !s.chars().any(escaped) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if escaped(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_as_it_is() {
        assert!(matches!(terminal("lipitor 20 mg"), Cow::Borrowed(_)));
        assert!(matches!(data("estrogens, conjugated"), Cow::Borrowed(_)));
        assert_eq!(terminal("café ½ tab"), "café ½ tab");
    }

    #[test]
    fn escape_sequences_become_visible_text() {
        assert_eq!(terminal("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(terminal("bell\x07"), "bell\\u{7}");
        assert_eq!(terminal("c1\u{9b}31m"), "c1\\u{9b}31m");
        assert_eq!(terminal("del\u{7f}"), "del\\u{7f}");
        assert_eq!(terminal("two\nlines\r"), "two\\u{a}lines\\u{d}");
    }

    #[test]
    fn bidi_and_zero_width_characters_become_markers() {
        assert_eq!(terminal("abc\u{202E}fdp.exe"), "abc<U+202E>fdp.exe");
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}',
            '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{200B}', '\u{200C}', '\u{200D}',
            '\u{FEFF}', '\u{2060}', '\u{2028}', '\u{2029}',
        ] {
            let shown = terminal(&format!("x{c}y")).into_owned();
            assert_eq!(shown, format!("x<U+{:04X}>y", u32::from(c)));
        }
    }

    #[test]
    fn data_cells_keep_tabs_and_newlines_and_invisible_characters() {
        assert_eq!(data("a\tb\nc\r"), "a\tb\nc\r");
        assert_eq!(data("x\u{202E}y"), "x\u{202E}y");
        assert_eq!(data("a\x1b[31mb\u{85}"), "a\\u{1b}[31mb\\u{85}");
        assert_eq!(data("nul\0"), "nul\\u{0}");
    }
}
