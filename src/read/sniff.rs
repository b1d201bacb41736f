//! What an input holds, told from its first bytes: magic numbers (gzip, zstd, zip, OLE2 and the
//! usual binary formats), byte-order marks, and the pattern of NUL bytes that UTF-16 and UTF-32
//! text without a byte-order mark leave. Never from the file name.

/// What the first bytes of an input say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text in UTF-8 (a BOM, if any, is left for the reader to drop) or, failing that,
    /// Windows-1252, decoded field by field.
    Text,
    /// UTF-16 text, little-endian; `bom` when it starts with one.
    Utf16Le {
        /// Whether a byte-order mark says so (otherwise the NUL pattern does).
        bom: bool,
    },
    /// UTF-16 text, big-endian.
    Utf16Be {
        /// Whether a byte-order mark says so.
        bom: bool,
    },
    /// A gzip stream.
    Gzip,
    /// A zstd frame.
    Zstd,
    /// A zip archive: an .xlsx, .xlsb or .ods workbook, or some other archive.
    Zip,
    /// An OLE2 compound file: an .xls workbook, or a Word document, an encrypted workbook…
    Ole,
    /// Something that is not a medication list, with what it looks like.
    Refused(&'static str),
}

/// Binary formats recognized by their first bytes, with what to call them.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x7fELF", "an ELF executable"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xfe\xed\xfa\xcf", "a Mach-O executable"),
    (
        b"\xca\xfe\xba\xbe",
        "a Java class or Mach-O universal binary",
    ),
    (b"\x00asm", "a WebAssembly module"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz stream"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"{\\rtf", "an RTF document"),
    // Byte-order marks of encodings crampcheck does not read.
    (b"\x00\x00\xfe\xff", "UTF-32BE text"),
    (b"\xff\xfe\x00\x00", "UTF-32LE text"),
    (b"\x84\x31\x95\x33", "GB18030 text"),
    (b"\xdd\x73\x66\x73", "UTF-EBCDIC text"),
    (b"\x0e\xfe\xff", "SCSU-compressed text"),
    (b"\xfb\xee\x28", "BOCU-1 text"),
    (b"\xf7\x64\x4c", "UTF-1 text"),
];

/// Tells what `head` (the first few kilobytes of an input, or all of it) holds.
#[must_use]
pub fn sniff(head: &[u8]) -> Kind {
    if head.starts_with(b"\x1f\x8b") {
        return Kind::Gzip;
    }
    if head.starts_with(b"\x28\xb5\x2f\xfd") {
        return Kind::Zstd;
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Kind::Zip;
    }
    if head.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        return Kind::Ole;
    }
    if head.starts_with(b"BZh") && head.get(4..10) == Some(b"1AY&SY") {
        return Kind::Refused("a bzip2 stream");
    }
    if let Some((_, what)) = SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Kind::Refused(what);
    }
    if head.starts_with(b"+/v") && matches!(head.get(3), Some(b'8' | b'9' | b'+' | b'/')) {
        return Kind::Refused("UTF-7 text");
    }
    if head.starts_with(b"\xff\xfe") {
        return Kind::Utf16Le { bom: true };
    }
    if head.starts_with(b"\xfe\xff") {
        return Kind::Utf16Be { bom: true };
    }
    if memchr::memchr(0, head).is_none() {
        return markup(head).map_or(Kind::Text, Kind::Refused);
    }
    nul_pattern(head)
}

/// Text that is a document, not a list: XML (Excel's 2003 XML spreadsheet among them) or HTML
/// (Excel's "Web Page"). No medication list starts with `<`.
fn markup(head: &[u8]) -> Option<&'static str> {
    let text = head
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(head)
        .trim_ascii_start();
    let starts = |p: &[u8]| text.len() >= p.len() && text[..p.len()].eq_ignore_ascii_case(p);
    if starts(b"<?xml") {
        Some("an XML document (an Excel 2003 XML spreadsheet is not read: save it as .xlsx)")
    } else if starts(b"<!doctype html") || starts(b"<html") {
        Some("an HTML page")
    } else {
        None
    }
}

/// Text has no NUL byte; UTF-16 of mostly Latin text has one in every other byte, UTF-32 three
/// in every four. Anything else with many NULs is binary.
fn nul_pattern(head: &[u8]) -> Kind {
    let mut zeros = [0usize; 4];
    for (i, &b) in head.iter().enumerate() {
        if b == 0 {
            zeros[i % 4] += 1;
        }
    }
    let total: usize = zeros.iter().sum();
    if total == head.len() {
        return Kind::Refused("binary data (only NUL bytes)");
    }
    // Positions (mod 4) per group, and how many bytes fall in each.
    let quarter = |i: usize| head.len() / 4 + usize::from(head.len() % 4 > i);
    let share = |z: usize, n: usize| if n == 0 { 0.0 } else { z as f64 / n as f64 };
    let q: Vec<f64> = (0..4).map(|i| share(zeros[i], quarter(i))).collect();
    let (even, odd) = (
        share(zeros[0] + zeros[2], quarter(0) + quarter(2)),
        share(zeros[1] + zeros[3], quarter(1) + quarter(3)),
    );
    if q[1] > 0.9 && q[2] > 0.9 && q[3] > 0.9 && q[0] < 0.1 {
        return Kind::Refused("UTF-32LE text (no byte-order mark)");
    }
    if q[0] > 0.9 && q[1] > 0.9 && q[2] > 0.9 && q[3] < 0.1 {
        return Kind::Refused("UTF-32BE text (no byte-order mark)");
    }
    if odd > 0.3 && even < 0.02 {
        return Kind::Utf16Le { bom: false };
    }
    if even > 0.3 && odd < 0.02 {
        return Kind::Utf16Be { bom: false };
    }
    // A stray NUL in a text export is read (its record is screened like any other); a quarter
    // of the bytes is binary.
    if head.len() >= 64 && total * 4 > head.len() {
        return Kind::Refused("binary data (NUL bytes that are not UTF-16 text)");
    }
    Kind::Text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn utf16be(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_be_bytes).collect()
    }

    fn utf32le(s: &str) -> Vec<u8> {
        s.chars().flat_map(|c| u32::from(c).to_le_bytes()).collect()
    }

    #[test]
    fn text_in_utf8_or_windows_1252_is_text() {
        assert_eq!(sniff(b"medication\nlipitor\n"), Kind::Text);
        assert_eq!(sniff(b"\xef\xbb\xbfmedication\n"), Kind::Text);
        assert_eq!(sniff(b"furos\xe9mide\n"), Kind::Text);
        assert_eq!(sniff(b""), Kind::Text);
        assert_eq!(sniff(b"<b>lipitor</b>\n"), Kind::Text);
    }

    #[test]
    fn xml_and_html_documents_are_refused() {
        assert!(
            matches!(sniff(b"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<Workbook>"), Kind::Refused(w) if w.contains("XML"))
        );
        assert_eq!(
            sniff(b"  <!DOCTYPE html>\n<html>"),
            Kind::Refused("an HTML page")
        );
        assert_eq!(sniff(b"<HTML><body>"), Kind::Refused("an HTML page"));
    }

    #[test]
    fn utf16_is_told_by_its_bom_or_by_its_nul_bytes() {
        let text = "medication\tsig\r\nquinine sulfate\tqhs\r\n";
        let mut le = b"\xff\xfe".to_vec();
        le.extend(utf16le(text));
        assert_eq!(sniff(&le), Kind::Utf16Le { bom: true });
        assert_eq!(sniff(&utf16le(text)), Kind::Utf16Le { bom: false });
        let mut be = b"\xfe\xff".to_vec();
        be.extend(utf16be(text));
        assert_eq!(sniff(&be), Kind::Utf16Be { bom: true });
        assert_eq!(sniff(&utf16be(text)), Kind::Utf16Be { bom: false });
    }

    #[test]
    fn utf32_is_refused_with_or_without_a_bom() {
        let text = "medication\nquinine\n";
        let mut bom = b"\xff\xfe\x00\x00".to_vec();
        bom.extend(utf32le(text));
        assert_eq!(sniff(&bom), Kind::Refused("UTF-32LE text"));
        assert!(matches!(sniff(&utf32le(text)), Kind::Refused(w) if w.contains("UTF-32LE")));
    }

    #[test]
    fn compressed_archives_and_binaries_are_told_by_their_magic_bytes() {
        assert_eq!(sniff(b"\x1f\x8b\x08\x00"), Kind::Gzip);
        assert_eq!(sniff(b"\x28\xb5\x2f\xfd\x00"), Kind::Zstd);
        assert_eq!(sniff(b"PK\x03\x04\x14\x00"), Kind::Zip);
        assert_eq!(sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00"), Kind::Ole);
        assert_eq!(sniff(b"%PDF-1.7\n"), Kind::Refused("a PDF document"));
        assert_eq!(
            sniff(b"\x7fELF\x02\x01"),
            Kind::Refused("an ELF executable")
        );
        assert!(matches!(sniff(&[0; 4096]), Kind::Refused(w) if w.contains("only NUL")));
        let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
        exe.extend([0u8, 0, 0xb8, 0, 0, 0, 0, 0].repeat(16));
        assert!(matches!(sniff(&exe), Kind::Refused(w) if w.contains("binary")));
        assert_eq!(sniff(b"patient,medication\nP1,lip\x00itor\n"), Kind::Text);
    }
}
