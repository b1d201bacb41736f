//! A column of texts screened into columnar records, for front ends that build Arrow columns (the
//! Python package): each distinct text resolved once (a bounded cache kept across calls), the
//! findings laid out as per-field columns over the distinct findings of the call, and per record
//! its input row, its finding number and which distinct finding it is — so the caller builds
//! every column with a `take`, without parsing any text, and carries its own keys the same way.
//!
//! Resolution is the CLI's: [`crate::names::matcher::resolve`] then [`crate::screen::screen`];
//! an entry that cannot be screened is an error record, as [`crate::read::input::check_entry`]
//! says; the record fields' values come from [`crate::report::fields`], as the CLI's do.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Result, bail};

use crate::kb::{DrugId, Kb};
use crate::names::lexicon::Lexicon;
use crate::names::matcher::resolve;
use crate::read::input::{check_entry, echo};
use crate::report::fields::{self, Field, Value};
use crate::screen::{Finding, screen};

/// The text fields of a distinct finding, in record order (`score` apart, see [`SCORE_AFTER`]):
/// the fields of [`fields::DEFAULT`] that depend on the entry or the drug.
pub const TEXT_FIELDS: [&str; 14] = {
    let mut out = [""; 14];
    let mut n = 0;
    let mut i = 0;
    while i < fields::DEFAULT.len() {
        let f = fields::DEFAULT[i];
        if is_text(f) {
            out[n] = f.name();
            n += 1;
        }
        i += 1;
    }
    assert!(n == out.len(), "TEXT_FIELDS has one slot per text field");
    out
};

/// `score` (a number, null without one) follows this many of [`TEXT_FIELDS`] in record order.
pub const SCORE_AFTER: usize = {
    let mut n = 0;
    let mut i = 0;
    while !matches!(fields::DEFAULT[i], Field::Score) {
        if is_text(fields::DEFAULT[i]) {
            n += 1;
        }
        i += 1;
    }
    n
};

/// Whether a field is one of [`TEXT_FIELDS`]: per entry or per drug, and not the score.
const fn is_text(f: Field) -> bool {
    !matches!(f.varies(), fields::Varies::Row) && !matches!(f, Field::Score)
}

/// The fields of a record in order: the record's own (`entry`, `finding`), then the finding's.
#[must_use]
pub fn field_names() -> Vec<&'static str> {
    let mut names = vec!["entry", "finding"];
    names.extend_from_slice(&TEXT_FIELDS[..SCORE_AFTER]);
    names.push("score");
    names.extend_from_slice(&TEXT_FIELDS[SCORE_AFTER..]);
    names
}

/// What a finding's record says, field by field: the head fields `status` to `note` as in
/// [`TEXT_FIELDS`] (without `input`), the score as written (two decimals), and the drug whose
/// evidence, advice, sources and citations the record carries (none for `clear`). Every value
/// comes from [`fields`], the one definition the CSV and JSON records use; a list is joined as
/// in CSV.
struct RecordFields {
    head: [String; 9],
    score: Option<f64>,
    tail: Option<DrugId>,
}

/// The head fields of [`RecordFields`], in order: the per-entry text fields after `input`.
const HEAD: [Field; 9] = {
    let mut out = [Field::Status; 9];
    let mut n = 0;
    let mut i = 0;
    while i < fields::DEFAULT.len() {
        let f = fields::DEFAULT[i];
        if is_text(f) && matches!(f.varies(), fields::Varies::Entry) && !matches!(f, Field::Input) {
            out[n] = f;
            n += 1;
        }
        i += 1;
    }
    assert!(n == out.len(), "HEAD has one slot per head field");
    out
};

/// A value as the text a CSV cell holds (empty for null).
fn as_text(field: Field, v: Option<Value<'_>>) -> String {
    match v {
        Some(Value::Text(t)) => t.into_owned(),
        Some(Value::List(items)) => items.join(fields::csv_separator(field)),
        Some(Value::Integer(n)) => n.to_string(),
        Some(Value::Decimal(x)) => format!("{x:.2}"),
        Some(Value::Null) | None => String::new(),
    }
}

fn record_fields(kb: &Kb, f: &Finding) -> RecordFields {
    RecordFields {
        head: HEAD.map(|field| as_text(field, fields::finding_value(kb, "", f, field))),
        // The score as the CLI writes it, so that both say the same number.
        score: match fields::finding_value(kb, "", f, Field::Score) {
            Some(Value::Decimal(x)) => format!("{x:.2}").parse().ok(),
            _ => None,
        },
        tail: fields::evidence_drug(kb, f),
    }
}

/// Evidence, advice, sources and citations of a drug (empty without one).
fn tail_fields(kb: &Kb, drug: Option<DrugId>) -> [String; 4] {
    [
        Field::Evidence,
        Field::Advice,
        Field::Sources,
        Field::Citations,
    ]
    .map(|field| as_text(field, fields::drug_value(kb, drug, field)))
}

/// Distinct texts kept across calls, by default: a region's medication table holds tens of
/// thousands (33,800 in the 2M-row benchmark file, which a quarter of this would churn through,
/// resolving rare texts again); a text's findings take a few hundred bytes.
pub const CACHE_SIZE: usize = 200_000;

/// A text's findings, as their records' fields.
type Findings = Arc<[RecordFields]>;

/// Screens columns of texts with one knowledge base and name index, remembering the findings of
/// the texts it met (two generations of at most half [`CACHE_SIZE`] each: frequent texts stay,
/// however many rare ones pass). Shareable between threads.
pub struct Screener {
    kb: Kb,
    lex: Lexicon,
    /// Per drug, then one for no drug: evidence, advice, sources, citations.
    tails: Vec<[String; 4]>,
    cache: Mutex<Generations>,
}

#[derive(Default)]
struct Generations {
    newer: HashMap<Box<str>, Findings, foldhash::fast::RandomState>,
    older: HashMap<Box<str>, Findings, foldhash::fast::RandomState>,
    half: usize,
}

impl Generations {
    fn get(&mut self, text: &str) -> Option<Findings> {
        if let Some(f) = self.newer.get(text) {
            return Some(Arc::clone(f));
        }
        let f = self.older.remove(text)?;
        self.insert(text, Arc::clone(&f));
        Some(f)
    }

    fn insert(&mut self, text: &str, f: Findings) {
        if self.newer.len() >= self.half {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(text.into(), f);
    }
}

impl Screener {
    /// A screener over the built-in knowledge base and vocabulary (what the CLI uses without
    /// `--kb`).
    ///
    /// # Errors
    /// When the built-in data fails validation (a build error).
    pub fn builtin() -> Result<Screener> {
        let (kb, lex) = crate::load(None)?;
        Ok(Screener::new(kb, lex))
    }

    /// A screener over this knowledge base and name index.
    #[must_use]
    pub fn new(kb: Kb, lex: Lexicon) -> Screener {
        let tails = (0..kb.drugs.len())
            .map(Some)
            .chain([None])
            .map(|d| tail_fields(&kb, d))
            .collect();
        Screener {
            kb,
            lex,
            tails,
            cache: Mutex::new(Generations {
                half: CACHE_SIZE / 2,
                ..Generations::default()
            }),
        }
    }

    /// The knowledge base.
    #[must_use]
    pub fn kb(&self) -> &Kb {
        &self.kb
    }

    fn findings(&self, text: &str) -> Findings {
        let lock = || self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(f) = lock().get(text) {
            return f;
        }
        // Resolved outside the lock: two threads meeting the same new text may both resolve
        // it, with the same result.
        let found = screen(&self.kb, &self.lex, &resolve(&self.lex, text));
        let f: Findings = found.iter().map(|f| record_fields(&self.kb, f)).collect();
        lock().insert(text, Arc::clone(&f));
        f
    }

    /// Screens a column: `None` is a missing value. Every entry yields at least one record.
    #[must_use]
    pub fn screen<'a>(&self, texts: impl IntoIterator<Item = Option<&'a str>>) -> Frame {
        self.screen_keeping(texts, &[true; TEXT_FIELDS.len()])
    }

    /// Like [`Screener::screen`], filling only the text columns whose flag in `keep` (one per
    /// [`TEXT_FIELDS`]) is set; the others hold nulls (a caller that leaves out evidence, advice
    /// and citations does not pay for copying them).
    #[must_use]
    pub fn screen_keeping<'a>(
        &self,
        texts: impl IntoIterator<Item = Option<&'a str>>,
        keep: &[bool],
    ) -> Frame {
        let mut b = Builder::new(self);
        b.keep = keep.to_vec();
        for (i, text) in texts.into_iter().enumerate() {
            b.push(i as u64, text);
        }
        b.finish()
    }
}

/// A column of strings as Arrow lays one out: `offsets` holds `len + 1` little-endian offsets
/// (`i32`, or `i64` when `large`) into `data`, which holds the bytes from the first offset on;
/// `validity`, when given, is a bitmap with the column's first value at bit `validity_bit`.
#[derive(Clone, Copy, Debug)]
pub struct ArrowStrings<'a> {
    /// The offsets, `len + 1` of them.
    pub offsets: &'a [u8],
    /// 64-bit offsets (`large_string`).
    pub large: bool,
    /// The bytes of the values, from the first offset on.
    pub data: &'a [u8],
    /// The validity bitmap, if there are nulls, and the bit of the first value.
    pub validity: Option<(&'a [u8], usize)>,
    /// The number of values.
    pub len: usize,
}

impl<'a> ArrowStrings<'a> {
    fn offset(&self, i: usize) -> Option<u64> {
        let w = if self.large { 8 } else { 4 };
        let b = self.offsets.get(i * w..(i + 1) * w)?;
        if self.large {
            u64::try_from(i64::from_le_bytes(b.try_into().ok()?)).ok()
        } else {
            u64::try_from(i32::from_le_bytes(b.try_into().ok()?)).ok()
        }
    }

    /// The first and the last offset: the range of the values' bytes in the whole data buffer.
    ///
    /// # Errors
    /// When there are fewer than `len + 1` offsets, or a negative one.
    pub fn data_range(offsets: &[u8], large: bool, len: usize) -> Result<(u64, u64)> {
        let s = ArrowStrings {
            offsets,
            large,
            data: &[],
            validity: None,
            len,
        };
        match (s.offset(0), s.offset(len)) {
            (Some(a), Some(b)) if a <= b => Ok((a, b)),
            _ => bail!("the column's offsets do not cover its {len} values"),
        }
    }

    /// The values, checked whole first: offsets in order and within the data, UTF-8 text.
    ///
    /// # Errors
    /// When the buffers do not hold a valid column (never a panic).
    pub fn values(&self) -> Result<Vec<Option<&'a str>>> {
        let Some(base) = self.offset(0) else {
            bail!("the column has no offsets");
        };
        if let Some((bits, first)) = self.validity
            && bits.len() * 8 < first + self.len
        {
            bail!(
                "the column's validity bitmap is shorter than its {} values",
                self.len
            );
        }
        let mut out = Vec::with_capacity(self.len);
        let mut start = 0usize;
        for i in 0..self.len {
            let Some(end) = self
                .offset(i + 1)
                .and_then(|e| e.checked_sub(base))
                .and_then(|e| usize::try_from(e).ok())
                .filter(|&e| e >= start && e <= self.data.len())
            else {
                bail!("the column's offsets are out of order or beyond its data at value {i}");
            };
            let valid = self.validity.is_none_or(|(bits, first)| {
                let bit = first + i;
                bits.get(bit / 8).is_some_and(|b| b & (1 << (bit % 8)) != 0)
            });
            out.push(if valid {
                let bytes = self.data.get(start..end).unwrap_or_default();
                match std::str::from_utf8(bytes) {
                    Ok(s) => Some(s),
                    Err(_) => bail!("value {i} of the column is not UTF-8"),
                }
            } else {
                None
            });
            start = end;
        }
        Ok(out)
    }
}

/// A string column ready for Arrow: `i32` offsets and bytes, and a validity bitmap (an empty
/// value is null), as `StringArray.from_buffers` takes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StringColumn {
    /// `len + 1` little-endian `i32` offsets.
    pub offsets: Vec<u8>,
    /// The values' bytes.
    pub data: Vec<u8>,
    /// Bit `i` set when value `i` is present.
    pub validity: Vec<u8>,
    /// Values that are null.
    pub nulls: usize,
    len: usize,
}

impl StringColumn {
    fn new() -> StringColumn {
        StringColumn {
            offsets: 0i32.to_le_bytes().to_vec(),
            ..StringColumn::default()
        }
    }

    fn push(&mut self, s: &str) {
        if self.len.is_multiple_of(8) {
            self.validity.push(0);
        }
        if s.is_empty() {
            self.nulls += 1;
        } else if let Some(b) = self.validity.last_mut() {
            *b |= 1 << (self.len % 8);
        }
        self.len += 1;
        self.data.extend_from_slice(s.as_bytes());
        // A column over 2 GiB does not fit i32 offsets: it is refused at `finish`.
        let end = i32::try_from(self.data.len()).unwrap_or(i32::MAX);
        self.offsets.extend_from_slice(&end.to_le_bytes());
    }

    /// The number of values.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no values.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Value `i` (empty for a null), for tests and for callers without Arrow.
    #[must_use]
    pub fn get(&self, i: usize) -> Option<&str> {
        let at = |j: usize| {
            self.offsets
                .get(j * 4..j * 4 + 4)
                .and_then(|b| b.try_into().ok())
                .map(i32::from_le_bytes)
                .and_then(|o| usize::try_from(o).ok())
        };
        let (a, b) = (at(i)?, at(i + 1)?);
        std::str::from_utf8(self.data.get(a..b)?).ok()
    }
}

/// The records of a screened column.
///
/// Per record (one per finding, in input order, then finding order): [`Frame::entry`] (the
/// 0-based input row), [`Frame::finding`] (1, 2… within the entry) and [`Frame::distinct`] (the
/// row of the distinct findings that holds its fields). Per distinct finding: one column per
/// [`TEXT_FIELDS`] and [`Frame::score`]. The fields of record `r` are row `distinct[r]` of them.
#[derive(Clone, Debug, Default)]
pub struct Frame {
    /// Per record: its input row.
    pub entry: Vec<i64>,
    /// Per record: its finding number within the entry, from 1.
    pub finding: Vec<i32>,
    /// Per record: its row among the distinct findings.
    pub distinct: Vec<i32>,
    /// Per distinct finding, one column per [`TEXT_FIELDS`].
    pub text: Vec<StringColumn>,
    /// Per distinct finding: the score, and whether it has one.
    pub score: (Vec<f64>, Vec<bool>),
    /// The bytes of every record's text fields taken together (what the taken columns hold).
    pub record_bytes: u64,
}

impl Frame {
    /// The number of records.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entry.len()
    }

    /// Whether there are no records (no entries).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entry.is_empty()
    }

    /// The number of distinct findings.
    #[must_use]
    pub fn distinct_len(&self) -> usize {
        self.score.0.len()
    }

    /// Field `name` of record `r` as text (the score as written), for tests and callers
    /// without Arrow; `None` for an unknown field or record.
    #[must_use]
    pub fn get(&self, r: usize, name: &str) -> Option<String> {
        match name {
            "entry" => return self.entry.get(r).map(ToString::to_string),
            "finding" => return self.finding.get(r).map(ToString::to_string),
            _ => {}
        }
        let d = usize::try_from(*self.distinct.get(r)?).ok()?;
        if name == "score" {
            return Some(if *self.score.1.get(d)? {
                format!("{:.2}", self.score.0.get(d)?)
            } else {
                String::new()
            });
        }
        let col = TEXT_FIELDS.iter().position(|&f| f == name)?;
        self.text.get(col)?.get(d).map(str::to_owned)
    }
}

/// Builds a [`Frame`]: the distinct texts of this call, each laid out once.
struct Builder<'s> {
    s: &'s Screener,
    frame: Frame,
    /// Each distinct entry met: its first distinct row and its number of findings.
    seen: HashMap<EntryKey, (i32, i32), foldhash::fast::RandomState>,
    /// The same for the entries that are texts, found by a borrowed text.
    seen_text: HashMap<Box<str>, (i32, i32), foldhash::fast::RandomState>,
    /// Bytes of one distinct row's text fields, per distinct row.
    row_bytes: Vec<u64>,
    /// Per text column, whether it is filled (else it holds nulls).
    keep: Vec<bool>,
}

/// An entry as screened: its text, or why it cannot be (an error record's note).
#[derive(Clone, PartialEq, Eq, Hash)]
enum EntryKey {
    Text(Box<str>),
    Error(Box<str>, Box<str>),
}

impl<'s> Builder<'s> {
    fn new(s: &'s Screener) -> Builder<'s> {
        Builder {
            s,
            frame: Frame {
                text: (0..TEXT_FIELDS.len())
                    .map(|_| StringColumn::new())
                    .collect(),
                ..Frame::default()
            },
            seen: HashMap::default(),
            seen_text: HashMap::default(),
            row_bytes: Vec::new(),
            keep: vec![true; TEXT_FIELDS.len()],
        }
    }

    fn push(&mut self, row: u64, text: Option<&str>) {
        // As the CLI reads a cell: trimmed; an empty or overlong entry is an error record.
        let text = text.map_or("", str::trim);
        // A text met before in this batch is looked up without allocating.
        let (start, count) = match self.seen_text.get(text) {
            Some(&at) => at,
            None => {
                let key = match check_entry(text) {
                    None => EntryKey::Text(text.into()),
                    Some(why) => EntryKey::Error(echo(text).into(), why.into()),
                };
                match self.seen.get(&key) {
                    Some(&at) => at,
                    None => {
                        let at = self.lay_out(&key);
                        if let EntryKey::Text(t) = &key {
                            self.seen_text.insert(t.clone(), at);
                        }
                        self.seen.insert(key, at);
                        at
                    }
                }
            }
        };
        for i in 0..count {
            self.frame
                .entry
                .push(i64::try_from(row).unwrap_or(i64::MAX));
            self.frame.finding.push(i + 1);
            self.frame.distinct.push(start + i);
            let bytes = usize::try_from(start + i)
                .ok()
                .and_then(|d| self.row_bytes.get(d))
                .copied()
                .unwrap_or(0);
            self.frame.record_bytes += bytes;
        }
    }

    /// Appends an entry's findings to the distinct rows: its first row and count.
    fn lay_out(&mut self, key: &EntryKey) -> (i32, i32) {
        let start = i32::try_from(self.frame.distinct_len()).unwrap_or(i32::MAX);
        let (input, findings): (&str, Findings) = match key {
            EntryKey::Text(t) => (t, self.s.findings(t)),
            EntryKey::Error(input, why) => (
                input,
                Arc::from([record_fields(&self.s.kb, &Finding::error(why.to_string()))]),
            ),
        };
        for f in findings.iter() {
            let none = self.s.tails.len() - 1;
            let tail = &self.s.tails[f.tail.unwrap_or(none).min(none)];
            let values = std::iter::once(input)
                .chain(f.head.iter().map(String::as_str))
                .chain(tail.iter().map(String::as_str));
            let mut bytes = 0u64;
            for (i, (col, v)) in self.frame.text.iter_mut().zip(values).enumerate() {
                let v = if self.keep.get(i).copied().unwrap_or(true) {
                    v
                } else {
                    ""
                };
                col.push(v);
                bytes += v.len() as u64;
            }
            self.row_bytes.push(bytes);
            self.frame.score.0.push(f.score.unwrap_or(0.0));
            self.frame.score.1.push(f.score.is_some());
        }
        let count = i32::try_from(findings.len()).unwrap_or(i32::MAX);
        (start, count)
    }

    fn finish(self) -> Frame {
        self.frame
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_fields_are_the_records_fields_that_depend_on_the_entry_or_drug_in_order() {
        assert_eq!(
            TEXT_FIELDS,
            [
                "input",
                "status",
                "ingredient",
                "class",
                "level",
                "matched_as",
                "match",
                "runner_up",
                "candidates",
                "note",
                "evidence",
                "advice",
                "sources",
                "citations"
            ]
        );
        assert_eq!(TEXT_FIELDS[SCORE_AFTER - 1], "match");
        assert_eq!(HEAD.map(Field::name), TEXT_FIELDS[1..10]);
    }

    fn screener() -> &'static Screener {
        static S: std::sync::OnceLock<Screener> = std::sync::OnceLock::new();
        S.get_or_init(|| Screener::builtin().unwrap())
    }

    fn records(frame: &Frame, field: &str) -> Vec<String> {
        (0..frame.len())
            .map(|r| frame.get(r, field).unwrap())
            .collect()
    }

    /// Arrow buffers of these values (i32 offsets), nulls in a validity bitmap.
    fn arrow(values: &[Option<&str>]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let (mut offsets, mut data, mut bits) = (0i32.to_le_bytes().to_vec(), Vec::new(), vec![]);
        for (i, v) in values.iter().enumerate() {
            if i % 8 == 0 {
                bits.push(0u8);
            }
            if let Some(v) = v {
                data.extend_from_slice(v.as_bytes());
                *bits.last_mut().unwrap() |= 1 << (i % 8);
            }
            offsets.extend_from_slice(&(data.len() as i32).to_le_bytes());
        }
        (offsets, data, bits)
    }

    #[test]
    fn each_finding_is_a_record_numbered_within_its_entry() {
        let frame = screener().screen([Some("lipitor"), Some("losartan/hctz 100-25"), Some("x")]);
        let entries = records(&frame, "entry");
        let findings = records(&frame, "finding");
        assert_eq!(entries.first().map(String::as_str), Some("0"));
        assert!(
            entries.iter().filter(|e| *e == "1").count() >= 2,
            "{entries:?}"
        );
        let hctz: Vec<_> = (0..frame.len()).filter(|&r| entries[r] == "1").collect();
        let numbers: Vec<&str> = hctz.iter().map(|&r| findings[r].as_str()).collect();
        assert_eq!(numbers[..2], ["1", "2"]);
        let statuses = records(&frame, "status");
        let ingredients = records(&frame, "ingredient");
        let of_hctz: Vec<(&str, &str)> = hctz
            .iter()
            .map(|&r| (statuses[r].as_str(), ingredients[r].as_str()))
            .collect();
        assert!(
            of_hctz.contains(&("flagged", "hydrochlorothiazide")),
            "{of_hctz:?}"
        );
        assert!(of_hctz.contains(&("clear", "losartan")), "{of_hctz:?}");
        assert_eq!(statuses[0], "flagged");
        assert_eq!(frame.get(0, "ingredient").unwrap(), "atorvastatin");
        assert!(frame.get(0, "citations").unwrap().contains('['));
        assert_eq!(statuses.last().map(String::as_str), Some("unrecognized"));
    }

    #[test]
    fn quinine_warns_with_its_evidence_and_sources() {
        let frame = screener().screen([Some("quinine sulfate 324 mg")]);
        assert_eq!(frame.get(0, "status").unwrap(), "warning");
        assert!(!frame.get(0, "sources").unwrap().is_empty());
        assert!(!frame.get(0, "evidence").unwrap().is_empty());
    }

    #[test]
    fn a_repeated_text_is_laid_out_once() {
        let frame = screener().screen([Some("lipitor"), Some(" lipitor "), Some("lipitor")]);
        assert_eq!(frame.len(), 3);
        assert_eq!(frame.distinct_len(), 1);
        assert_eq!(frame.distinct, [0, 0, 0]);
        assert_eq!(records(&frame, "input"), ["lipitor"; 3]);
        let one =
            frame.get(0, "evidence").unwrap().len() + frame.get(0, "citations").unwrap().len();
        assert!(frame.record_bytes as usize > 3 * one);
    }

    #[test]
    fn missing_empty_and_overlong_entries_are_error_records() {
        let long = "a".repeat(crate::read::input::MAX_ENTRY_BYTES + 5);
        let frame = screener().screen([None, Some("  "), Some(long.as_str())]);
        assert_eq!(records(&frame, "status"), ["error"; 3]);
        assert_eq!(frame.get(0, "note").unwrap(), "missing medication");
        assert_eq!(frame.get(1, "note").unwrap(), "missing medication");
        assert!(
            frame
                .get(2, "note")
                .unwrap()
                .starts_with("entry longer than")
        );
        assert!(frame.get(2, "input").unwrap().ends_with('…'));
        assert_eq!(frame.get(0, "score").unwrap(), "");
    }

    #[test]
    fn a_clear_drug_carries_no_evidence() {
        let frame = screener().screen([Some("metformin 500 mg")]);
        assert_eq!(frame.get(0, "status").unwrap(), "clear");
        assert_eq!(frame.get(0, "evidence").unwrap(), "");
        assert_eq!(frame.get(0, "class").unwrap(), "");
        assert_eq!(frame.get(0, "score").unwrap(), "1.00");
        // An empty value is a null in the column.
        let evidence = TEXT_FIELDS.iter().position(|&f| f == "evidence").unwrap();
        assert_eq!(frame.text[evidence].nulls, 1);
        assert_eq!(frame.text[evidence].validity, [0]);
    }

    #[test]
    fn the_records_match_the_cli_csv_records_field_for_field() {
        let texts = [
            "lipitor",
            "hctz 25 mg",
            "Atacand Plus 16/12.5",
            "quinine",
            "xyzzy",
        ];
        let kb = screener().kb();
        let frame = screener().screen(texts.iter().map(|t| Some(*t)));
        let mut csv = Vec::new();
        let mut w =
            crate::report::Writer::new(crate::report::Format::Csv, true, &mut csv, kb, false);
        let (_, lex) = crate::load(None).unwrap();
        for (i, t) in texts.iter().enumerate() {
            let f = screen(kb, &lex, &resolve(&lex, t));
            let enc = crate::report::encode(crate::report::Format::Csv, true, kb, t, f);
            let entry = crate::report::Entry {
                patient: "",
                row: i as u64 + 1,
                input: t,
            };
            w.write(entry, &enc).unwrap();
        }
        w.finish().unwrap();
        let mut rdr = ::csv::Reader::from_reader(csv.as_slice());
        let headers = rdr.headers().unwrap().clone();
        let rows: Vec<::csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), frame.len());
        for (r, row) in rows.iter().enumerate() {
            for (name, value) in headers.iter().zip(row.iter()) {
                let ours = match name {
                    // An in-memory column has no patient and no lines; its rows are entries.
                    "patient" | "line" => continue,
                    "row" => (frame.entry[r] + 1).to_string(),
                    "finding" => frame.finding[r].to_string(),
                    _ => frame.get(r, name).unwrap(),
                };
                assert_eq!(ours, value, "record {r}, field {name}");
            }
        }
    }

    #[test]
    fn columns_left_out_hold_nulls_and_the_kept_ones_the_same_values() {
        let texts = [Some("lipitor"), Some("quinine"), Some("xyzzy")];
        let all = screener().screen(texts);
        let keep: Vec<bool> = TEXT_FIELDS.iter().map(|f| *f != "evidence").collect();
        let some = screener().screen_keeping(texts, &keep);
        assert_eq!(records(&all, "status"), records(&some, "status"));
        assert_eq!(records(&all, "citations"), records(&some, "citations"));
        assert!(records(&all, "evidence").iter().any(|e| !e.is_empty()));
        assert!(records(&some, "evidence").iter().all(String::is_empty));
    }

    #[test]
    fn arrow_buffers_are_read_with_their_nulls() {
        let (offsets, data, bits) = arrow(&[Some("lipitor"), None, Some(""), Some("hctz")]);
        let col = ArrowStrings {
            offsets: &offsets,
            large: false,
            data: &data,
            validity: Some((&bits, 0)),
            len: 4,
        };
        assert_eq!(
            col.values().unwrap(),
            [Some("lipitor"), None, Some(""), Some("hctz")]
        );
    }

    #[test]
    fn a_slice_is_read_from_its_first_offset_and_bit() {
        let (offsets, data, bits) = arrow(&[Some("a"), Some("bb"), None, Some("ccc"), Some("d")]);
        // Values 1..4: offsets from index 1, data from the first of them, bits from bit 1.
        let (first, last) = ArrowStrings::data_range(&offsets[4..], false, 3).unwrap();
        assert_eq!((first, last), (1, 6));
        let col = ArrowStrings {
            offsets: &offsets[4..20],
            large: false,
            data: &data[1..6],
            validity: Some((&bits, 1)),
            len: 3,
        };
        assert_eq!(col.values().unwrap(), [Some("bb"), None, Some("ccc")]);
    }

    #[test]
    fn large_offsets_are_read_as_well() {
        let offsets: Vec<u8> = [0i64, 3, 3, 7]
            .iter()
            .flat_map(|o| o.to_le_bytes())
            .collect();
        let col = ArrowStrings {
            offsets: &offsets,
            large: true,
            data: b"abcdefg",
            validity: None,
            len: 3,
        };
        assert_eq!(col.values().unwrap(), [Some("abc"), Some(""), Some("defg")]);
    }

    #[test]
    fn damaged_buffers_are_an_error_not_a_panic() {
        let good: Vec<u8> = [0i32, 3, 5].iter().flat_map(|o| o.to_le_bytes()).collect();
        let backwards: Vec<u8> = [0i32, 4, 2].iter().flat_map(|o| o.to_le_bytes()).collect();
        let negative: Vec<u8> = [-1i32, 4].iter().flat_map(|o| o.to_le_bytes()).collect();
        let col = |offsets: &'static [u8], data: &'static [u8], len| ArrowStrings {
            offsets,
            large: false,
            data,
            validity: None,
            len,
        };
        let leak = |v: Vec<u8>| -> &'static [u8] { v.leak() };
        assert!(
            col(leak(good.clone()), b"abc", 2).values().is_err(),
            "beyond the data"
        );
        assert!(
            col(leak(good.clone()), b"abcde", 3).values().is_err(),
            "too few offsets"
        );
        assert!(
            col(leak(backwards), b"abcde", 2).values().is_err(),
            "out of order"
        );
        assert!(
            col(leak(negative), b"abcde", 1).values().is_err(),
            "negative"
        );
        assert!(
            col(leak(good.clone()), b"ab\xffde", 2).values().is_err(),
            "not UTF-8"
        );
        let short = ArrowStrings {
            validity: Some((&[0xff], 4)),
            ..col(leak(good), b"abcde", 5)
        };
        assert!(short.values().is_err(), "bitmap too short");
        assert!(ArrowStrings::data_range(&[0, 0, 0, 0], false, 1).is_err());
    }
}
