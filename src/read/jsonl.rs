//! JSON Lines input: one JSON object per line, the fields named by the column flags (values may
//! be strings or numbers). Each input line is one record whatever its strings hold (line breaks
//! inside a string are `\n` escapes in JSON), and a line that is not an object, or lacks the
//! medication field, is an error record, never a skip. Blank lines are no records.

use std::io::{BufReader, Read};
use std::ops::Range;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::read::input::{BatchColumns, Placed, Source, check_entry, echo};
use crate::read::records::{Record, RecordReader};
use crate::read::{columns, open};

/// A streaming reader of JSON Lines entries.
pub struct JsonlReader {
    src: Source,
    rdr: RecordReader<BufReader<Box<dyn Read + Send>>>,
    record: Record,
    /// The medication and patient fields' names: given, or found in the first object.
    med: Option<String>,
    patient: Option<String>,
    keys: Vec<String>,
    row: u64,
    description: String,
}

impl JsonlReader {
    /// Opens a source of JSON Lines (compressed or UTF-16 text too).
    ///
    /// # Errors
    /// When the source cannot be opened or is a workbook.
    pub fn open(src: Source, cols: &BatchColumns) -> Result<JsonlReader> {
        let name = src.name();
        if cols.no_header {
            bail!("--no-header is for CSV input; JSON Lines name their fields");
        }
        let opened = open::open(&src, None)?;
        if opened.sheet {
            bail!("{name}: a workbook is no JSON Lines input");
        }
        let rdr = RecordReader::lines(BufReader::with_capacity(1 << 16, opened.reader));
        let what = if opened.origin.is_empty() {
            name.clone()
        } else {
            format!("{name} ({})", opened.origin)
        };
        Ok(JsonlReader {
            src,
            rdr,
            record: Record::default(),
            med: cols.med.clone(),
            patient: cols.patient.clone(),
            keys: cols.keys.clone(),
            row: 0,
            description: format!("{what}: JSON Lines"),
        })
    }

    /// What was read.
    #[must_use]
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The medication field as named in messages.
    #[must_use]
    pub fn columns(&self) -> String {
        self.med
            .as_deref()
            .map_or_else(|| "the medication field".to_owned(), |m| format!("\"{m}\""))
    }

    /// The source's name.
    #[must_use]
    pub fn name(&self) -> String {
        self.src.name()
    }

    /// Bytes read so far.
    #[must_use]
    pub fn bytes_read(&self) -> u64 {
        self.rdr.bytes_read()
    }

    /// The next line's entry, appended to `text`, or `None` at the end.
    ///
    /// # Errors
    /// On an I/O error.
    pub fn next_into(&mut self, text: &mut String) -> Result<Option<Placed>> {
        if !self
            .rdr
            .read(&mut self.record)
            .with_context(|| format!("cannot read {}", self.src.name()))?
        {
            return Ok(None);
        }
        self.row += 1;
        let line = self.record.line;
        let mut placed = Placed {
            row: self.row,
            patient: text.len()..text.len(),
            med: text.len()..text.len(),
            error: None,
            extra: Vec::new(),
            line,
            keys: vec![None; self.keys.len()],
        };
        if let Some(e) = &self.record.error {
            placed.error = Some(e.clone());
            return Ok(Some(placed));
        }
        let bytes = self.record.get(0).unwrap_or_default();
        let object = match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(o)) => o,
            Ok(_) => {
                placed.error = Some("not a JSON object".into());
                return Ok(Some(placed));
            }
            Err(e) => {
                placed.error = Some(format!("not JSON: {}", without_position(&e)));
                return Ok(Some(placed));
            }
        };
        if self.med.is_none() || self.patient.is_none() {
            let names: Vec<String> = object.keys().cloned().collect();
            if self.med.is_none() {
                self.med = columns::med_columns(&names, None, None)
                    .ok()
                    .and_then(|m| m.first().and_then(|&i| names.get(i).cloned()));
            }
            if self.patient.is_none() {
                self.patient =
                    columns::patient_column(&names, None).and_then(|i| names.get(i).cloned());
            }
        }
        let push = |text: &mut String, v: Option<&Value>| -> Option<Range<usize>> {
            let start = text.len();
            match v? {
                Value::String(s) => text.push_str(s),
                Value::Number(n) => text.push_str(&n.to_string()),
                Value::Bool(b) => text.push_str(if *b { "true" } else { "false" }),
                _ => return None,
            }
            Some(start..text.len())
        };
        let field = |name: &Option<String>| name.as_deref().and_then(|n| object.get(n));
        if let Some(p) = push(text, field(&self.patient)) {
            let trimmed = text[p.clone()].trim().to_owned();
            text.truncate(p.start);
            text.push_str(&trimmed);
            placed.patient = p.start..text.len();
        }
        for (slot, k) in placed.keys.iter_mut().zip(&self.keys) {
            *slot = push(text, object.get(k));
        }
        if self.med.is_none() {
            placed.error = Some("no medication field (name it with --med-column)".into());
            return Ok(Some(placed));
        }
        // An absent field is JSON's (and Spark's `toJSON`'s) way of writing null: both are a
        // missing medication, as an empty CSV cell is.
        let raw = match field(&self.med) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => {
                placed.error = Some("the medication field is not a string".into());
                return Ok(Some(placed));
            }
        };
        placed.error = check_entry(&raw);
        let start = text.len();
        text.push_str(&echo(&raw));
        placed.med = start..text.len();
        Ok(Some(placed))
    }
}

/// A JSON error's message without "at line 1 column 7" (an error note names no position).
fn without_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &str, cols: &BatchColumns) -> Vec<(Placed, String)> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, bytes.as_bytes()).unwrap();
        let mut r = JsonlReader::open(Source::File(file.path().to_owned()), cols).unwrap();
        let mut out = Vec::new();
        let mut text = String::new();
        while let Some(p) = r.next_into(&mut text).unwrap() {
            let med = text[p.med.clone()].to_owned();
            out.push((p, med));
        }
        out
    }

    #[test]
    fn each_line_is_one_record_and_bad_lines_are_errors() {
        let cols = BatchColumns {
            med: Some("med".into()),
            patient: Some("id".into()),
            keys: vec!["visit".into()],
            ..BatchColumns::default()
        };
        let got = read(
            "{\"id\":\"P1\",\"med\":\"lipitor\\n20 mg\",\"visit\":7}\n[1]\n\n{\"id\":2}\nnope\n{\"id\":3,\"med\":null}\n",
            &cols,
        );
        assert_eq!(got.len(), 5);
        assert_eq!(got[0].1, "lipitor\n20 mg");
        assert!(got[0].0.error.is_none() && got[0].0.keys[0].is_some());
        assert_eq!(got[1].0.error.as_deref(), Some("not a JSON object"));
        assert_eq!(got[2].0.line, 4);
        // An absent medication is a null one, as Spark's toJSON writes it: a missing medication.
        assert_eq!(got[2].0.error.as_deref(), Some("missing medication"));
        let e = got[3].0.error.as_deref().unwrap();
        assert!(e.starts_with("not JSON") && !e.contains("line"), "{e}");
        assert_eq!(got[4].0.error.as_deref(), Some("missing medication"));
    }
}
