//! Text encodings: UTF-16 (little- or big-endian) decoded to UTF-8 as a stream in front of the
//! record reader, and bytes that are not UTF-8 decoded field by field as Windows-1252 (what
//! spreadsheets export as "ANSI"). UTF-8 input goes through untouched.

use std::borrow::Cow;
use std::io::Read;

use encoding_rs::Encoding;

/// Decodes bytes as UTF-8, or else as Windows-1252. Returns whether the fallback was used.
#[must_use]
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), false),
        Err(_) => (Cow::Owned(bytes.iter().map(|&b| cp1252(b)).collect()), true),
    }
}

/// One Windows-1252 byte as a character (the five bytes it leaves undefined as the C1 control of
/// the same number, as the WHATWG decoder does).
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// A reader of UTF-8 decoded from UTF-16 (`big_endian` or not), streamed: a byte-order mark is
/// dropped, unpaired surrogates become U+FFFD.
#[must_use]
pub fn utf16_reader(inner: Box<dyn Read + Send>, big_endian: bool) -> Box<dyn Read + Send> {
    let encoding: &'static Encoding = if big_endian {
        encoding_rs::UTF_16BE
    } else {
        encoding_rs::UTF_16LE
    };
    Box::new(
        encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding))
            .bom_override(true)
            .build(inner),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_bytes_are_decoded() {
        let (s, fallback) = decode(b"furos\xe9mide \x80");
        assert_eq!(s, "furosémide €");
        assert!(fallback);
        assert_eq!(decode("é".as_bytes()), (Cow::Borrowed("é"), false));
    }

    #[test]
    fn utf16_is_decoded_to_utf8_with_its_bom_dropped() {
        for big_endian in [false, true] {
            let text = "medication\r\nquinine sulfate 324 mg\r\nfurosémide\r\n";
            let mut bytes: Vec<u8> = if big_endian {
                b"\xfe\xff".to_vec()
            } else {
                b"\xff\xfe".to_vec()
            };
            for u in text.encode_utf16() {
                bytes.extend(if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                });
            }
            let mut out = String::new();
            utf16_reader(Box::new(std::io::Cursor::new(bytes)), big_endian)
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, text);
        }
    }
}
