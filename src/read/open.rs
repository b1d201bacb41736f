//! Opening an input as text: its first bytes say what it is (never its name); gzip and zstd are
//! decompressed as a stream, UTF-16 decoded as a stream, a workbook's sheet turned into CSV, and
//! anything else — a PDF, an image, an executable, UTF-32, NUL bytes — refused with a message
//! naming the file and what was found. UTF-8 (and Windows-1252) text is passed on as it is.

use std::io::{self, Cursor, Read};

use anyhow::{Context, Result, bail};

use crate::read::compressed;
use crate::read::encoding;
use crate::read::input::Source;
use crate::read::records::MAX_RECORD_BYTES;
use crate::read::sniff::{Kind, sniff};
use crate::read::spreadsheet::{self, Container, MAX_WORKBOOK_BYTES};

/// Bytes looked at before reading: enough for the header line (at most [`MAX_RECORD_BYTES`])
/// and its line break.
pub const HEAD_BYTES: usize = MAX_RECORD_BYTES + 2;

/// An input opened as text.
pub struct Opened {
    /// The text from its start: UTF-8, or bytes to decode as Windows-1252 field by field.
    pub reader: Box<dyn Read + Send>,
    /// The first [`HEAD_BYTES`] of the text (all of it when shorter), for the header.
    pub head: Vec<u8>,
    /// What the input was, for messages: `UTF-16LE text, gzip`, `sheet "Meds" of an .xlsx
    /// workbook`; empty for plain text.
    pub origin: String,
    /// Whether the text is a sheet's (line numbers are sheet rows; the delimiter is a comma).
    pub sheet: bool,
}

/// What the first `n` bytes of `r` are, and a reader that still yields them.
fn peek(mut r: Box<dyn Read + Send>, n: usize) -> io::Result<(Vec<u8>, Box<dyn Read + Send>)> {
    let mut head = Vec::with_capacity(n.min(1 << 16));
    loop {
        let before = head.len();
        match (&mut r).take((n - before) as u64).read_to_end(&mut head) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        if head.len() == before || head.len() >= n {
            break;
        }
    }
    let again = Cursor::new(head.clone()).chain(r);
    Ok((head, Box::new(again)))
}

/// Opens `src` as text (see the module documentation); `sheet` names the sheet of a workbook.
///
/// # Errors
/// When the source cannot be opened or read, or holds something that is not text, a readable
/// workbook or compressed text.
pub fn open(src: &Source, sheet: Option<&str>) -> Result<Opened> {
    let name = src.name();
    let cannot_read = || format!("cannot read {name}");
    let (head, reader) = peek(src.open_raw()?, HEAD_BYTES).with_context(cannot_read)?;
    let mut origin = Vec::new();
    let (head, reader) = match sniff(&head) {
        Kind::Gzip | Kind::Zstd => {
            let zstd = sniff(&head) == Kind::Zstd;
            let inner = if zstd {
                origin.push("zstd");
                compressed::unzstd(reader).with_context(cannot_read)?
            } else {
                origin.push("gzip");
                compressed::gunzip(reader)
            };
            let (head, inner) = peek(inner, HEAD_BYTES).with_context(cannot_read)?;
            match sniff(&head) {
                Kind::Gzip | Kind::Zstd => {
                    bail!(
                        "{name}: compressed twice (gzip or zstd inside {}): decompress it first",
                        origin[0]
                    )
                }
                Kind::Zip | Kind::Ole => bail!(
                    "{name}: a compressed workbook ({} of a zip or OLE2 file): decompress it first",
                    origin[0]
                ),
                _ => (head, inner),
            }
        }
        Kind::Zip | Kind::Ole => {
            let container = if sniff(&head) == Kind::Zip {
                Container::Zip
            } else {
                Container::Ole
            };
            return open_workbook(&name, reader, container, sheet);
        }
        _ => (head, reader),
    };
    let (head, reader) = match sniff(&head) {
        Kind::Text => (head, reader),
        Kind::Utf16Le { bom } | Kind::Utf16Be { bom } => {
            let big_endian = matches!(sniff(&head), Kind::Utf16Be { .. });
            origin.push(match (big_endian, bom) {
                (false, true) => "UTF-16LE",
                (false, false) => "UTF-16LE without a byte-order mark",
                (true, true) => "UTF-16BE",
                (true, false) => "UTF-16BE without a byte-order mark",
            });
            peek(encoding::utf16_reader(reader, big_endian), HEAD_BYTES)
                .with_context(cannot_read)?
        }
        Kind::Refused(what) => bail!(
            "{name}: {what}{}, not a medication list (crampcheck reads text and CSV in UTF-8, \
             UTF-16 or Windows-1252, .xlsx, .xls and .ods workbooks, gzip and zstd)",
            inside(&origin)
        ),
        Kind::Gzip | Kind::Zstd | Kind::Zip | Kind::Ole => bail!(
            "{name}: binary data{}, not a medication list",
            inside(&origin)
        ),
    };
    origin.reverse();
    Ok(Opened {
        reader,
        head,
        origin: origin.join(", "),
        sheet: false,
    })
}

fn inside(origin: &[&str]) -> String {
    match origin.first() {
        Some(c) => format!(" (inside {c})"),
        None => String::new(),
    }
}

fn open_workbook(
    name: &str,
    reader: Box<dyn Read + Send>,
    container: Container,
    sheet: Option<&str>,
) -> Result<Opened> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_WORKBOOK_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {name}"))?;
    if bytes.len() > MAX_WORKBOOK_BYTES {
        bail!(
            "{name}: a workbook larger than {} MiB (export the sheet as CSV, which is streamed)",
            MAX_WORKBOOK_BYTES >> 20
        );
    }
    let sheet =
        spreadsheet::read_sheet(bytes, container, sheet).with_context(|| name.to_owned())?;
    let mut head = sheet.csv.clone();
    head.truncate(HEAD_BYTES);
    Ok(Opened {
        reader: Box::new(Cursor::new(sheet.csv)),
        head,
        origin: format!("sheet \"{}\" of a {} workbook", sheet.name, sheet.format),
        sheet: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peeking_gives_the_first_bytes_and_keeps_them_for_the_reader() {
        let data = b"medication\nlipitor\n".repeat(10);
        let (head, mut r) = peek(Box::new(Cursor::new(data.clone())), 7).unwrap();
        assert_eq!(head, b"medicat");
        let mut all = Vec::new();
        r.read_to_end(&mut all).unwrap();
        assert_eq!(all, data);
    }
}
