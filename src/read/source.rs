//! Where batch entries come from: one reader per input format behind one type, so the batch
//! pipeline reads CSV tables (and every format sniffed as one), JSON Lines and FHIR alike. A new
//! format is a variant here and an arm in each method; a reader that yields owned entries (such
//! as [`FhirReader`], whose entries are `{key, patient, text, line, error}`) places each with
//! [`place`].

use std::io::{BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context as _, Result, bail};

use crate::read::fhir::FhirReader;
use crate::read::input::{BatchColumns, BatchReader, Placed, Source, check_entry, echo};
use crate::read::jsonl::JsonlReader;
use crate::read::open;

/// The input formats of `--input-format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InputFormat {
    /// A table: CSV or TSV text, a workbook, compressed or UTF-16 (sniffed).
    #[default]
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// FHIR R4 resources (a Bundle or Bulk Data NDJSON).
    Fhir,
}

impl InputFormat {
    /// The key columns every record of this format carries besides the ones asked for (a FHIR
    /// resource's id, as `key`).
    #[must_use]
    pub fn own_keys(self) -> &'static [&'static str] {
        match self {
            InputFormat::Fhir => &["key"],
            InputFormat::Csv | InputFormat::Jsonl => &[],
        }
    }
}

/// Appends an entry read as owned values to `text` and says where its parts lie: the patient
/// (trimmed), the entry (trimmed; an empty or overlong one is an error record, echoed cut) and
/// the key values (`None` for a value the record lacks). `error` is the reader's reason the
/// record cannot be screened, without a line number (the line is `line`).
#[must_use]
pub fn place(
    text: &mut String,
    row: u64,
    line: u64,
    patient: &str,
    med: &str,
    error: Option<String>,
    keys: &[Option<&str>],
) -> Placed {
    let start = text.len();
    text.push_str(patient.trim());
    let patient = start..text.len();
    let med = med.trim();
    let error = error.or_else(|| check_entry(med));
    let start = text.len();
    text.push_str(&echo(med));
    let med = start..text.len();
    let keys = keys
        .iter()
        .map(|k| {
            let k = (*k)?;
            let start = text.len();
            text.push_str(k);
            Some(start..text.len())
        })
        .collect();
    Placed {
        row,
        patient,
        med,
        error,
        extra: Vec::new(),
        line,
        keys,
    }
}

/// A reader of entries in one of the input formats.
pub enum EntrySource {
    /// A table.
    Csv(BatchReader),
    /// JSON Lines.
    Jsonl(JsonlReader),
    /// FHIR resources.
    Fhir(FhirSource),
}

/// A reader that counts the bytes read through it (for the progress line), the count shared
/// with whoever holds the other handle.
struct Counted {
    inner: Box<dyn Read + Send>,
    count: Arc<AtomicU64>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// FHIR resources (a Bundle or Bulk Data NDJSON) as batch entries: the resource's
/// `resourceType/id` is the `key`, the patient its `subject`.
pub struct FhirSource {
    src: Source,
    reader: FhirReader<BufReader<Counted>>,
    bytes: Arc<AtomicU64>,
    row: u64,
    description: String,
}

impl FhirSource {
    fn open(src: Source, cols: &BatchColumns) -> Result<FhirSource> {
        let name = src.name();
        if cols.no_header {
            bail!("--no-header is for CSV input; FHIR resources name their fields");
        }
        if cols.med.is_some() || cols.patient.is_some() || !cols.keys.is_empty() {
            bail!(
                "{name}: FHIR input takes the medication, the patient and the key (the resource id) \
                 from each resource; --med-column, --patient-column and --key-column are for csv \
                 and jsonl"
            );
        }
        let opened = open::open(&src, None).with_context(|| format!("cannot open {name}"))?;
        if opened.sheet {
            bail!("{name}: a workbook is no FHIR input");
        }
        let bytes = Arc::new(AtomicU64::new(0));
        let counted = Counted {
            inner: opened.reader,
            count: Arc::clone(&bytes),
        };
        let what = if opened.origin.is_empty() {
            name.clone()
        } else {
            format!("{name} ({})", opened.origin)
        };
        Ok(FhirSource {
            reader: FhirReader::new(BufReader::with_capacity(1 << 16, counted), &name),
            src,
            bytes,
            row: 0,
            description: format!(
                "{what}: FHIR MedicationStatement, MedicationRequest and Medication resources"
            ),
        })
    }

    fn next_into(&mut self, text: &mut String) -> Result<Option<Placed>> {
        let Some(entry) = self.reader.next().transpose()? else {
            return Ok(None);
        };
        self.row += 1;
        let key = (!entry.key.is_empty()).then_some(entry.key.as_str());
        Ok(Some(place(
            text,
            self.row,
            entry.line,
            &entry.patient,
            &entry.text,
            entry.error,
            &[key],
        )))
    }
}

impl EntrySource {
    /// Opens `src` as `format`.
    ///
    /// # Errors
    /// When the source cannot be opened or lacks what the format needs.
    pub fn open(src: Source, format: InputFormat, cols: &BatchColumns) -> Result<EntrySource> {
        Ok(match format {
            InputFormat::Csv => EntrySource::Csv(BatchReader::open(src, cols)?),
            InputFormat::Jsonl => EntrySource::Jsonl(JsonlReader::open(src, cols)?),
            InputFormat::Fhir => EntrySource::Fhir(FhirSource::open(src, cols)?),
        })
    }

    /// The next entry, appended to `text`, or `None` at the end.
    ///
    /// # Errors
    /// On an I/O error.
    pub fn next_into(&mut self, text: &mut String) -> Result<Option<Placed>> {
        match self {
            EntrySource::Csv(r) => r.next_into(text),
            EntrySource::Jsonl(r) => r.next_into(text),
            EntrySource::Fhir(r) => r.next_into(text),
        }
    }

    /// The simple CSV records that lie whole in the input buffer, at once (see
    /// [`BatchReader::next_simple_block`]); always 0 for other formats.
    ///
    /// # Errors
    /// On an I/O error.
    pub fn next_simple_block(
        &mut self,
        text: &mut String,
        max: usize,
        place: impl FnMut(u64, std::ops::Range<usize>, std::ops::Range<usize>, u64),
    ) -> Result<usize> {
        match self {
            EntrySource::Csv(r) => r.next_simple_block(text, max, place),
            EntrySource::Jsonl(_) | EntrySource::Fhir(_) => Ok(0),
        }
    }

    /// What was read, and how.
    #[must_use]
    pub fn description(&self) -> &str {
        match self {
            EntrySource::Csv(r) => r.description(),
            EntrySource::Jsonl(r) => r.description(),
            EntrySource::Fhir(r) => &r.description,
        }
    }

    /// The medication columns as named in messages.
    #[must_use]
    pub fn columns(&self) -> String {
        match self {
            EntrySource::Csv(r) => r.columns().to_owned(),
            EntrySource::Jsonl(r) => r.columns(),
            EntrySource::Fhir(_) => "the medication of each resource".to_owned(),
        }
    }

    /// The source's name.
    #[must_use]
    pub fn name(&self) -> String {
        match self {
            EntrySource::Csv(r) => r.name(),
            EntrySource::Jsonl(r) => r.name(),
            EntrySource::Fhir(r) => r.src.name(),
        }
    }

    /// Bytes read so far.
    #[must_use]
    pub fn bytes_read(&self) -> u64 {
        match self {
            EntrySource::Csv(r) => r.bytes_read(),
            EntrySource::Jsonl(r) => r.bytes_read(),
            EntrySource::Fhir(r) => r.bytes.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placed_entry_points_at_its_parts_and_an_empty_one_is_an_error() {
        let mut text = String::from("before");
        let p = place(
            &mut text,
            3,
            9,
            " P1 ",
            " lipitor ",
            None,
            &[Some("id-7"), None],
        );
        assert_eq!(&text[p.patient.clone()], "P1");
        assert_eq!(&text[p.med.clone()], "lipitor");
        assert_eq!(p.keys.len(), 2);
        assert_eq!(p.keys[0].clone().map(|r| &text[r]), Some("id-7"));
        assert!(p.keys[1].is_none() && p.error.is_none());
        assert_eq!((p.row, p.line), (3, 9));
        let e = place(&mut text, 4, 10, "P1", "  ", None, &[]);
        assert_eq!(e.error.as_deref(), Some("missing medication"));
    }
}
