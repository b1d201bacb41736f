//! A forgiving CSV record reader for patient input: RFC 4180 quoting (delimiters, quotes and line
//! breaks inside quoted fields), CRLF or LF, blank lines skipped, bounded line and record sizes, and
//! a damaged record reported on its own line instead of swallowing the lines after it.
//!
//! The csv crate would treat an unterminated quote on row 3 as the start of one field running to the
//! next quote in the file; for screening that loses patients. Here a record that spans lines is
//! accepted only when it parses cleanly; otherwise its first line is an error record and reading
//! resumes on the next line.

use std::collections::VecDeque;
use std::io::{self, BufRead};

/// The largest record accepted, in bytes; a longer one is an error record.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// The most physical lines one record may span.
pub const MAX_RECORD_LINES: usize = 16;
/// The most bytes read looking for the end of one line: past this the input is no text (a
/// stream of NUL bytes, say) and reading stops with an error instead of going on for ever.
pub const MAX_LINE_SCAN: u64 = 16 << 20;

/// One physical line: its bytes (without the line break), its line number, whether it was cut.
struct Line {
    bytes: Vec<u8>,
    number: u64,
    overlong: bool,
}

/// Reads records of byte fields from a buffered source.
pub struct RecordReader<R> {
    src: R,
    delimiter: u8,
    pending: VecDeque<Line>,
    line: u64,
    bytes_read: u64,
    eof: bool,
    spare: Vec<Vec<u8>>,
    /// Every line is one field, quotes and delimiters included (a plain list).
    plain: bool,
}

/// A record: fields as byte ranges into `buf`, or an error.
#[derive(Debug, Default)]
pub struct Record {
    /// The record's bytes, unquoted, fields back to back.
    pub buf: Vec<u8>,
    /// End offsets of the fields in `buf`.
    pub ends: Vec<usize>,
    /// Line where the record starts.
    pub line: u64,
    /// Why the record could not be read.
    pub error: Option<String>,
}

impl Record {
    /// Number of fields.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the record has no fields.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i`, if present.
    #[must_use]
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        self.buf.get(self.span(i)?)
    }

    /// Where field `i` lies in `buf`, if present.
    #[must_use]
    pub fn span(&self, i: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { *self.ends.get(i - 1)? };
        Some(start..end)
    }

    /// All fields.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.ends.clear();
        self.error = None;
    }
}

/// Why a run of lines does not parse as one record.
enum Parse {
    /// A complete record.
    Done,
    /// Still inside quotes at the end of the lines.
    Open,
    /// Malformed (text after a closing quote).
    Bad(&'static str),
}

impl<R: BufRead> RecordReader<R> {
    /// A reader with this delimiter.
    pub fn new(src: R, delimiter: u8) -> RecordReader<R> {
        RecordReader {
            src,
            delimiter,
            pending: VecDeque::new(),
            line: 0,
            bytes_read: 0,
            eof: false,
            spare: Vec::new(),
            plain: false,
        }
    }

    /// A reader of lines: each line not blank is a record of one field, as it is.
    pub fn lines(src: R) -> RecordReader<R> {
        RecordReader {
            plain: true,
            ..RecordReader::new(src, b'\n')
        }
    }

    /// Bytes consumed from the source so far.
    #[must_use]
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Reads the next physical line, cut at [`MAX_RECORD_BYTES`] (the rest of it is skipped).
    fn read_line(&mut self) -> io::Result<Option<Line>> {
        if self.eof {
            return Ok(None);
        }
        let mut bytes = self.spare.pop().unwrap_or_default();
        bytes.clear();
        let mut overlong = false;
        let mut any = false;
        let mut scanned = 0u64;
        loop {
            let available = match self.src.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                self.eof = true;
                break;
            }
            any = true;
            // A line ends at LF, CRLF, or a lone CR (old Mac and Excel for Mac exports); a CRLF
            // split across two reads leaves an empty line, which is skipped as blank.
            let (chunk, done) = match memchr::memchr2(b'\n', b'\r', available) {
                Some(i) if available[i] == b'\r' && available.get(i + 1) == Some(&b'\n') => {
                    (&available[..i + 2], true)
                }
                Some(i) => (&available[..=i], true),
                None => (available, false),
            };
            let room = MAX_RECORD_BYTES + 2 - bytes.len().min(MAX_RECORD_BYTES + 2);
            if chunk.len() > room {
                overlong = true;
            }
            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            let n = chunk.len();
            let lone_cr = chunk.last() == Some(&b'\r');
            self.src.consume(n);
            self.bytes_read += n as u64;
            scanned += n as u64;
            if !done && scanned > MAX_LINE_SCAN {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "line {} has no line break in its first {} MiB: this is no text file",
                        self.line + 1,
                        MAX_LINE_SCAN >> 20
                    ),
                ));
            }
            if done {
                if lone_cr && self.src.fill_buf().is_ok_and(|b| b.first() == Some(&b'\n')) {
                    // The LF of a CRLF that fell into the next read.
                    self.src.consume(1);
                    self.bytes_read += 1;
                }
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.line += 1;
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
        }
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        if self.line == 1 && bytes.starts_with(b"\xef\xbb\xbf") {
            bytes.drain(..3);
        }
        overlong |= bytes.len() > MAX_RECORD_BYTES;
        Ok(Some(Line {
            bytes,
            number: self.line,
            overlong,
        }))
    }

    fn next_line(&mut self) -> io::Result<Option<Line>> {
        match self.pending.pop_front() {
            Some(l) => Ok(Some(l)),
            None => self.read_line(),
        }
    }

    /// Reads the next record into `rec`; `false` at the end of input. Blank lines are skipped.
    ///
    /// # Errors
    /// Only on an I/O error: a malformed record comes back with `rec.error` set.
    pub fn read(&mut self, rec: &mut Record) -> io::Result<bool> {
        rec.clear();
        if self.plain {
            return self.read_plain(rec);
        }
        if self.read_simple(rec)? {
            return Ok(true);
        }
        let first = loop {
            match self.next_line()? {
                None => return Ok(false),
                Some(l) if l.bytes.iter().all(|b| b.is_ascii_whitespace()) && !l.overlong => {
                    self.spare.push(l.bytes);
                }
                Some(l) => break l,
            }
        };
        rec.line = first.number;
        if first.overlong {
            rec.error = Some(format!("record longer than {MAX_RECORD_BYTES} bytes"));
            self.spare.push(first.bytes);
            return Ok(true);
        }
        // Most records are one line without a quote: split it where it lies.
        if memchr::memchr(b'"', &first.bytes).is_none() {
            split_unquoted(&first.bytes, self.delimiter, rec);
            self.spare.push(first.bytes);
            return Ok(true);
        }
        let mut lines = vec![first];
        loop {
            let joined = join(&lines);
            match parse(&joined, self.delimiter, rec) {
                Parse::Done => {
                    self.recycle(lines);
                    return Ok(true);
                }
                Parse::Bad(why) if lines.len() == 1 => {
                    rec.error = Some(why.to_owned());
                    self.recycle(lines);
                    return Ok(true);
                }
                Parse::Open
                    if lines.len() < MAX_RECORD_LINES && joined.len() <= MAX_RECORD_BYTES =>
                {
                    match self.next_line()? {
                        Some(l) if !l.overlong => lines.push(l),
                        Some(l) => {
                            self.pending.push_front(l);
                            return Ok(self.unterminated(lines, rec));
                        }
                        None => return Ok(self.unterminated(lines, rec)),
                    }
                }
                Parse::Open | Parse::Bad(_) => return Ok(self.unterminated(lines, rec)),
            }
        }
    }

    /// The next line that is not blank as one field.
    fn read_plain(&mut self, rec: &mut Record) -> io::Result<bool> {
        let line = loop {
            match self.next_line()? {
                None => return Ok(false),
                Some(l) if l.bytes.iter().all(|b| b.is_ascii_whitespace()) && !l.overlong => {
                    self.spare.push(l.bytes);
                }
                Some(l) => break l,
            }
        };
        rec.line = line.number;
        if line.overlong {
            rec.error = Some(format!("record longer than {MAX_RECORD_BYTES} bytes"));
        } else {
            rec.buf.extend_from_slice(&line.bytes);
            rec.ends.push(rec.buf.len());
        }
        self.spare.push(line.bytes);
        Ok(true)
    }

    /// The common case on its own: the next line lies whole in the buffer, is not blank, and has
    /// no quote, so it is split where it lies. Returns `false` (nothing consumed) otherwise, for
    /// the general path.
    fn read_simple(&mut self, rec: &mut Record) -> io::Result<bool> {
        let delimiter = self.delimiter;
        let line = self.with_simple_line(|line, number| {
            split_unquoted(line, delimiter, rec);
            rec.line = number;
            Some(())
        })?;
        Ok(line.is_some())
    }

    /// Hands the next line to `take` when it is a simple one — whole in the buffer, not blank,
    /// within [`MAX_RECORD_BYTES`], without a quote (so its fields are the bytes between
    /// delimiters) — with its line number. The line is consumed when `take` returns `Some`;
    /// otherwise nothing is, and [`RecordReader::read`] reads it the general way.
    ///
    /// # Errors
    /// On an I/O error.
    pub fn with_simple_line<T>(
        &mut self,
        take: impl FnOnce(&[u8], u64) -> Option<T>,
    ) -> io::Result<Option<T>> {
        // The first line (a byte-order mark to drop) and lines put back go the general way.
        if self.line == 0 || self.eof || !self.pending.is_empty() {
            return Ok(None);
        }
        let buf = match self.src.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(None),
            Err(e) => return Err(e),
        };
        let Some(i) = memchr::memchr2(b'\n', b'\r', buf) else {
            return Ok(None);
        };
        let consumed = match (buf[i], buf.get(i + 1)) {
            (b'\r', Some(b'\n')) => i + 2,
            // A CR at the end of the buffer may be half of a CRLF.
            (b'\r', None) => return Ok(None),
            _ => i + 1,
        };
        let line = &buf[..i];
        if line.len() > MAX_RECORD_BYTES
            || memchr::memchr(b'"', line).is_some()
            || line.iter().all(u8::is_ascii_whitespace)
        {
            return Ok(None);
        }
        let Some(taken) = take(line, self.line + 1) else {
            return Ok(None);
        };
        self.line += 1;
        self.src.consume(consumed);
        self.bytes_read += consumed as u64;
        Ok(Some(taken))
    }

    /// [`RecordReader::with_simple_line`] for the simple lines that lie whole in the buffer, one
    /// after another: `take` gets each line with its number and returns `Some(true)` to take it
    /// and go on, `Some(false)` to take it and stop, `None` to leave it (and stop) for the general
    /// way. Returns how many lines were taken; 0 when the next line is not simple or not whole in
    /// the buffer (the caller reads it with [`RecordReader::with_simple_line`] or the general way).
    ///
    /// # Errors
    /// On an I/O error.
    pub fn with_simple_lines(
        &mut self,
        mut take: impl FnMut(&[u8], u64) -> Option<bool>,
    ) -> io::Result<usize> {
        if self.line == 0 || self.eof || !self.pending.is_empty() {
            return Ok(0);
        }
        let buf = match self.src.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(0),
            Err(e) => return Err(e),
        };
        let (mut at, mut taken) = (0, 0);
        while let Some(i) = memchr::memchr2(b'\n', b'\r', &buf[at..]) {
            let end = at + i;
            let next = match (buf[end], buf.get(end + 1)) {
                (b'\r', Some(b'\n')) => end + 2,
                // A CR at the end of the buffer may be half of a CRLF.
                (b'\r', None) => break,
                _ => end + 1,
            };
            let line = &buf[at..end];
            if line.len() > MAX_RECORD_BYTES
                || memchr::memchr(b'"', line).is_some()
                || line.iter().all(u8::is_ascii_whitespace)
            {
                break;
            }
            let Some(go_on) = take(line, self.line + taken as u64 + 1) else {
                break;
            };
            taken += 1;
            at = next;
            if !go_on {
                break;
            }
        }
        self.line += taken as u64;
        self.src.consume(at);
        self.bytes_read += at as u64;
        Ok(taken)
    }

    /// The field delimiter.
    #[must_use]
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The first line opened a quote that no clean record closes: it is an error record, and
    /// the lines after it are read again as records of their own.
    fn unterminated(&mut self, mut lines: Vec<Line>, rec: &mut Record) -> bool {
        rec.clear();
        rec.error = Some("unterminated quoted field".into());
        let first = lines.remove(0);
        for l in lines.into_iter().rev() {
            self.pending.push_front(l);
        }
        self.spare.push(first.bytes);
        true
    }

    fn recycle(&mut self, lines: Vec<Line>) {
        self.spare.extend(lines.into_iter().map(|l| l.bytes));
    }
}

fn join(lines: &[Line]) -> std::borrow::Cow<'_, [u8]> {
    if lines.len() == 1 {
        return std::borrow::Cow::Borrowed(&lines[0].bytes);
    }
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        out.extend_from_slice(&l.bytes);
    }
    std::borrow::Cow::Owned(out)
}

/// Splits a record without quotes at every delimiter.
fn split_unquoted(bytes: &[u8], delimiter: u8, rec: &mut Record) {
    rec.buf.clear();
    rec.ends.clear();
    let mut start = 0;
    for end in memchr::memchr_iter(delimiter, bytes) {
        rec.buf.extend_from_slice(&bytes[start..end]);
        rec.ends.push(rec.buf.len());
        start = end + 1;
    }
    rec.buf.extend_from_slice(&bytes[start..]);
    rec.ends.push(rec.buf.len());
}

/// Splits one record's bytes into fields (RFC 4180); leading and trailing spaces of unquoted
/// fields are kept as they are (callers trim).
fn parse(bytes: &[u8], delimiter: u8, rec: &mut Record) -> Parse {
    rec.buf.clear();
    rec.ends.clear();
    if memchr::memchr(b'"', bytes).is_none() {
        split_unquoted(bytes, delimiter, rec);
        return Parse::Done;
    }
    let mut i = 0;
    loop {
        // At the start of a field.
        if bytes.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match bytes.get(i) {
                    None => return Parse::Open,
                    Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                        rec.buf.push(b'"');
                        i += 2;
                    }
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(&b) => {
                        rec.buf.push(b);
                        i += 1;
                    }
                }
            }
            rec.ends.push(rec.buf.len());
            match bytes.get(i) {
                None => return Parse::Done,
                Some(&b) if b == delimiter => i += 1,
                Some(_) => return Parse::Bad("text after a closing quote"),
            }
        } else {
            let end = bytes[i..]
                .iter()
                .position(|&b| b == delimiter)
                .map_or(bytes.len(), |p| i + p);
            // A quote inside an unquoted field is kept as a literal character.
            rec.buf.extend_from_slice(&bytes[i..end]);
            rec.ends.push(rec.buf.len());
            if end == bytes.len() {
                return Parse::Done;
            }
            i = end + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8]) -> Vec<Result<Vec<String>, String>> {
        let mut r = RecordReader::new(input, b',');
        let mut rec = Record::default();
        let mut out = Vec::new();
        while r.read(&mut rec).unwrap() {
            out.push(match &rec.error {
                Some(e) => Err(format!("{}: {e}", rec.line)),
                None => Ok(rec
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect()),
            });
        }
        out
    }

    /// Records and their line numbers, read through a buffer of `capacity` bytes.
    fn read_through(input: &[u8], capacity: usize) -> Vec<(u64, Result<Vec<String>, String>)> {
        let mut r = RecordReader::new(io::BufReader::with_capacity(capacity, input), b',');
        let mut rec = Record::default();
        let mut out = Vec::new();
        while r.read(&mut rec).unwrap() {
            out.push((
                rec.line,
                match &rec.error {
                    Some(e) => Err(e.clone()),
                    None => Ok(rec
                        .iter()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect()),
                },
            ));
        }
        assert_eq!(r.bytes_read(), input.len() as u64);
        out
    }

    #[test]
    fn records_are_the_same_whatever_the_buffer_size() {
        let inputs: [&[u8]; 5] = [
            b"\xef\xbb\xbfp,m\r\nP1,lipitor\r\nP2,hctz\r\n\r\nP3,\"a,b\"\r\n",
            b"p,m\nP1,lipitor\n  \nP2,\"x\ny\"\nP3,\"open\nP4,last",
            b"p,m\rP1,lipitor\rP2,hctz\r\rP3,x\r",
            b"p,m\nP1,a\"b\nP2,\"c\"d\nP3,e\r\n",
            b"p,m\n\n\nP1,lipitor\r\n\r\nP2,hctz",
        ];
        for input in inputs {
            let whole = read_through(input, 1 << 16);
            for capacity in 1..=48 {
                assert_eq!(
                    read_through(input, capacity),
                    whole,
                    "capacity {capacity}, input {:?}",
                    String::from_utf8_lossy(input)
                );
            }
        }
    }

    fn ok(fields: &[&str]) -> Result<Vec<String>, String> {
        Ok(fields.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn quoted_fields_keep_delimiters_quotes_and_line_breaks() {
        let got = read_all(b"a,\"b, \"\"c\"\"\"\r\n\"x\ny\",z\n");
        assert_eq!(got, vec![ok(&["a", "b, \"c\""]), ok(&["x\ny", "z"])]);
    }

    #[test]
    fn blank_lines_and_a_bom_are_skipped() {
        let got = read_all(b"\xef\xbb\xbfh1,h2\n\n  \nv1,v2");
        assert_eq!(got, vec![ok(&["h1", "h2"]), ok(&["v1", "v2"])]);
    }

    #[test]
    fn an_unterminated_quote_costs_one_line_not_the_rest_of_the_file() {
        let got = read_all(b"p1,\"lipitor\np2,metformin\np3,\"x\"y\np4,lasix\n");
        assert_eq!(got[0], Err("1: unterminated quoted field".into()));
        assert_eq!(got[1], ok(&["p2", "metformin"]));
        assert_eq!(got[2], Err("3: text after a closing quote".into()));
        assert_eq!(got[3], ok(&["p4", "lasix"]));
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn an_overlong_line_is_an_error_and_reading_goes_on() {
        let mut input = b"p1,".to_vec();
        input.extend(std::iter::repeat_n(b'a', MAX_RECORD_BYTES + 10));
        input.extend_from_slice(b"\np2,lasix\n");
        let got = read_all(&input);
        assert!(got[0].as_ref().is_err_and(|e| e.contains("longer than")));
        assert_eq!(got[1], ok(&["p2", "lasix"]));
    }

    #[test]
    fn a_line_without_end_is_an_error_once_past_the_scan_limit() {
        let zeros = io::Read::take(io::repeat(0), MAX_LINE_SCAN + (1 << 20));
        let mut r = RecordReader::new(io::BufReader::new(zeros), b',');
        let mut rec = Record::default();
        let e = r.read(&mut rec).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().contains("no line break"), "{e}");
    }

    #[test]
    fn plain_lines_keep_quotes_and_delimiters() {
        let mut r = RecordReader::lines(&b"\"lipitor, 20 mg\n\n  \nhctz;x\n"[..]);
        let mut rec = Record::default();
        let mut got = Vec::new();
        while r.read(&mut rec).unwrap() {
            got.push((rec.line, rec.get(0).map(<[u8]>::to_vec)));
        }
        assert_eq!(
            got,
            [
                (1, Some(b"\"lipitor, 20 mg".to_vec())),
                (4, Some(b"hctz;x".to_vec()))
            ]
        );
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        assert_eq!(
            read_all(b"a,b\rc,d\r\ne,f"),
            vec![ok(&["a", "b"]), ok(&["c", "d"]), ok(&["e", "f"])]
        );
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_literal() {
        assert_eq!(read_all(b"a,b\"c\n"), vec![ok(&["a", "b\"c"])]);
    }
}
