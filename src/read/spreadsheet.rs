//! Workbooks (.xlsx, .xlsb, .xls, .ods, read with calamine): one sheet — the first, or the one
//! named — turned into CSV text for the record reader, one line per sheet row so that a line
//! number is the sheet's row number. Cells are read as text as the sheet shows them: whole
//! numbers without a decimal point (20, not 20.0), dates as dates (2024-08-07, not 45511).

use std::io::Cursor;
use std::sync::Arc;

use anyhow::{Result, anyhow, bail};
use calamine::{Data, Ods, Range, Reader, Xls, Xlsb, Xlsx};

/// The largest workbook read, in bytes: a sheet is held in memory whole.
pub const MAX_WORKBOOK_BYTES: usize = 64 << 20;

/// The container a workbook comes in (told by its first bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    /// A zip archive: .xlsx, .xlsb or .ods.
    Zip,
    /// An OLE2 compound file: .xls.
    Ole,
}

/// One sheet as CSV text.
#[derive(Debug)]
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// The workbook's format, for messages (`.xlsx`).
    pub format: &'static str,
    /// Comma-separated, one line per sheet row from the first.
    pub csv: Vec<u8>,
}

/// A workbook in memory, shared by the readers tried on it.
type Bytes = Cursor<Arc<[u8]>>;

/// Reads sheet `wanted` (or the first) of the workbook in `bytes`.
///
/// # Errors
/// When the bytes are not a workbook of a known format, the sheet does not exist, or the
/// workbook is damaged.
pub fn read_sheet(bytes: Vec<u8>, container: Container, wanted: Option<&str>) -> Result<Sheet> {
    let data: Arc<[u8]> = bytes.into();
    // calamine is given hostile bytes: a panic inside it is a damaged workbook, not a crash.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_sheet_of(&data, container, wanted)
    }))
    .unwrap_or_else(|_| Err(anyhow!("the workbook is damaged (it could not be read)")))
}

fn read_sheet_of(data: &Arc<[u8]>, container: Container, wanted: Option<&str>) -> Result<Sheet> {
    let cursor = || Cursor::new(Arc::clone(data));
    match container {
        Container::Ole => match Xls::<Bytes>::new(cursor()) {
            Ok(mut wb) => sheet_of(&mut wb, ".xls", wanted),
            Err(e) => bail!(
                "an OLE2 compound file that is not a readable Excel workbook ({e}); \
                 a Word document, or an encrypted workbook, cannot be read"
            ),
        },
        Container::Zip if is_opendocument(data) && !is_ods(data) => {
            bail!("an OpenDocument file that is not a spreadsheet (.ods)")
        }
        Container::Zip => {
            // The mimetype says .ods; otherwise the formats are tried in turn, and the reason
            // the most likely one (.xlsx) gave is kept for the message.
            if is_ods(data) {
                let mut wb =
                    Ods::<Bytes>::new(cursor()).map_err(|e| anyhow!("a damaged .ods ({e})"))?;
                return sheet_of(&mut wb, ".ods", wanted);
            }
            let xlsx = match Xlsx::<Bytes>::new(cursor()) {
                Ok(mut wb) => return sheet_of(&mut wb, ".xlsx", wanted),
                Err(e) => e,
            };
            if let Ok(mut wb) = Xlsb::<Bytes>::new(cursor()) {
                return sheet_of(&mut wb, ".xlsb", wanted);
            }
            if let Ok(mut wb) = Ods::<Bytes>::new(cursor()) {
                return sheet_of(&mut wb, ".ods", wanted);
            }
            bail!(
                "a zip archive that is not a spreadsheet (.xlsx, .xlsb or .ods; as .xlsx: {xlsx})"
            )
        }
    }
}

/// An OpenDocument file starts with an uncompressed `mimetype` entry.
fn is_opendocument(data: &[u8]) -> bool {
    data.get(30..38) == Some(b"mimetype")
}

fn is_ods(data: &[u8]) -> bool {
    data.get(38..38 + 46) == Some(b"application/vnd.oasis.opendocument.spreadsheet")
}

fn sheet_of<R, W>(wb: &mut W, format: &'static str, wanted: Option<&str>) -> Result<Sheet>
where
    R: std::io::Read + std::io::Seek,
    W: Reader<R>,
    W::Error: std::fmt::Display,
{
    let names = wb.sheet_names();
    let name = match wanted {
        None => names
            .first()
            .cloned()
            .ok_or_else(|| anyhow!("the {format} workbook has no sheet"))?,
        Some(w) => names
            .iter()
            .find(|n| n.as_str() == w)
            .or_else(|| names.iter().find(|n| n.to_lowercase() == w.to_lowercase()))
            .cloned()
            .ok_or_else(|| {
                anyhow!(
                    "no sheet named `{w}` (sheets: {})",
                    names
                        .iter()
                        .map(|n| format!("\"{n}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| anyhow!("cannot read sheet \"{name}\": {e}"))?;
    Ok(Sheet {
        csv: to_csv(&range),
        name,
        format,
    })
}

/// The sheet as CSV: rows before the used range as blank lines, columns before it as empty
/// fields, so that line N is sheet row N and field N is column N.
fn to_csv(range: &Range<Data>) -> Vec<u8> {
    let mut out = Vec::new();
    let Some((row0, col0)) = range.start() else {
        return out;
    };
    out.extend(std::iter::repeat_n(b'\n', row0 as usize));
    let mut text = String::new();
    for row in range.rows() {
        out.extend(std::iter::repeat_n(b',', col0 as usize));
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            text.clear();
            cell_text(cell, &mut text);
            field(&mut out, &text);
        }
        out.push(b'\n');
    }
    out
}

/// One CSV field, quoted when it holds a comma or a quote; line breaks in a cell become spaces
/// (one record per sheet row).
fn field(out: &mut Vec<u8>, s: &str) {
    let quote = s.contains([',', '"']);
    if quote {
        out.push(b'"');
    }
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\"\""),
            '\r' | '\n' => out.push(b' '),
            c => {
                let mut b = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
    if quote {
        out.push(b'"');
    }
}

/// A cell as the sheet shows it.
fn cell_text(cell: &Data, out: &mut String) {
    use std::fmt::Write as _;
    match cell {
        Data::Empty => {}
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => out.push_str(s),
        Data::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Data::Float(f) => number(*f, out),
        Data::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        Data::Error(e) => {
            let _ = write!(out, "{e}");
        }
        Data::DateTime(d) if d.is_duration() => {
            let secs = (d.as_f64() * 86_400.0).round();
            if secs.is_finite() && secs.abs() < 1e12 {
                let s = secs.abs() as u64;
                let sign = if secs < 0.0 { "-" } else { "" };
                let _ = write!(out, "{sign}{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
            } else {
                number(d.as_f64(), out);
            }
        }
        Data::DateTime(d) => {
            let v = d.as_f64();
            if !(0.0..3e6).contains(&v) {
                number(v, out);
                return;
            }
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            let time = (h, mi, s) != (0, 0, 0);
            if v >= 1.0 {
                let _ = write!(out, "{y:04}-{mo:02}-{day:02}");
                if time {
                    out.push(' ');
                }
            }
            if time || v < 1.0 {
                let _ = write!(out, "{h:02}:{mi:02}:{s:02}");
            }
        }
    }
}

/// A number as written: no decimal point for a whole number, the shortest exact form otherwise.
fn number(f: f64, out: &mut String) {
    use std::fmt::Write as _;
    if f.fract() == 0.0 && f.abs() < 1e15 {
        let _ = write!(out, "{}", f as i64);
    } else {
        let _ = write!(out, "{f}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    fn text(cell: &Data) -> String {
        let mut s = String::new();
        cell_text(cell, &mut s);
        s
    }

    #[test]
    fn cells_read_as_the_sheet_shows_them() {
        assert_eq!(text(&Data::Float(20.0)), "20");
        assert_eq!(text(&Data::Float(12.5)), "12.5");
        assert_eq!(text(&Data::Float(0.1)), "0.1");
        assert_eq!(text(&Data::Int(324)), "324");
        assert_eq!(text(&Data::Bool(true)), "TRUE");
        let date = ExcelDateTime::new(45511.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(text(&Data::DateTime(date)), "2024-08-07");
        let stamp = ExcelDateTime::new(45511.75, ExcelDateTimeType::DateTime, false);
        assert_eq!(text(&Data::DateTime(stamp)), "2024-08-07 18:00:00");
        let time = ExcelDateTime::new(0.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(text(&Data::DateTime(time)), "12:00:00");
    }

    #[test]
    fn fields_are_quoted_and_cell_line_breaks_become_spaces() {
        let mut out = Vec::new();
        field(&mut out, "estrogens, conjugated");
        field(&mut out, "a \"b\"\nc");
        assert_eq!(out, b"\"estrogens, conjugated\"\"a \"\"b\"\" c\"");
    }

    #[test]
    fn bytes_that_are_no_workbook_are_an_error() {
        let e = read_sheet(b"PK\x03\x04garbage".to_vec(), Container::Zip, None).unwrap_err();
        assert!(e.to_string().contains("not a spreadsheet"), "{e}");
        let e = read_sheet(b"\xd0\xcf\x11\xe0garbage".to_vec(), Container::Ole, None).unwrap_err();
        assert!(e.to_string().contains("OLE2"), "{e}");
    }
}
