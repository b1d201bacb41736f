//! Where batch entries come from: one reader per input format behind one type, so the batch
//! pipeline reads CSV tables (and every format sniffed as one), JSON Lines and FHIR alike. A new
//! format is a variant here and an arm in each method.

use anyhow::{Result, bail};

use crate::read::input::{BatchColumns, BatchReader, Placed, Source};
use crate::read::jsonl::JsonlReader;

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

/// A reader of entries in one of the input formats.
pub enum EntrySource {
    /// A table.
    Csv(BatchReader),
    /// JSON Lines.
    Jsonl(JsonlReader),
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
            InputFormat::Fhir => {
                bail!("--input-format fhir is not built yet in this version (use csv or jsonl)")
            }
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
        }
    }

    /// What was read, and how.
    #[must_use]
    pub fn description(&self) -> &str {
        match self {
            EntrySource::Csv(r) => r.description(),
            EntrySource::Jsonl(r) => r.description(),
        }
    }

    /// The medication columns as named in messages.
    #[must_use]
    pub fn columns(&self) -> String {
        match self {
            EntrySource::Csv(r) => r.columns().to_owned(),
            EntrySource::Jsonl(r) => r.columns(),
        }
    }

    /// The source's name.
    #[must_use]
    pub fn name(&self) -> String {
        match self {
            EntrySource::Csv(r) => r.name(),
            EntrySource::Jsonl(r) => r.name(),
        }
    }

    /// Bytes read so far.
    #[must_use]
    pub fn bytes_read(&self) -> u64 {
        match self {
            EntrySource::Csv(r) => r.bytes_read(),
            EntrySource::Jsonl(r) => r.bytes_read(),
        }
    }
}
