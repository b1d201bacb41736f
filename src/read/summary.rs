//! Reading `batch --summary` output back (CSV or JSON Lines, told from the first bytes or
//! given; CSV summaries written one after another read as one, their headers skipped): each
//! record becomes the patient's [`Tally`], checked against its own derived fields;
//! per-finding records, summaries of the older format and anything else are refused with the
//! file and line.

use std::io::{BufRead, BufReader, Read};

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;

use crate::kb::Level;
use crate::read::input::Source;
use crate::read::open;
use crate::report::summary::{FIELDS, OLD_FIELDS, unneutralize};
use crate::screen::context::Sex;
use crate::screen::grouping::{Said, Tally};

/// The formats summaries are read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SummaryFormat {
    /// CSV with the header of [`FIELDS`].
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// One summary record read: the patient, its tally, and the line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryRecord {
    /// Patient id.
    pub patient: String,
    /// What the record says.
    pub tally: Tally,
    /// Line of the input the record starts on.
    pub line: u64,
}

/// A summary record as written, every field required and none other.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    patient: String,
    entries: u64,
    flagged: u64,
    warnings: u64,
    review: u64,
    unrecognized: u64,
    errors: u64,
    highest_level: String,
    quinine: String,
    flagged_drugs: String,
    #[allow(dead_code)]
    notes: String,
    #[allow(dead_code)]
    context: String,
    drug_levels: String,
    quinidine: u64,
    age: String,
    sex: String,
    pregnant: String,
    dialysis: String,
    conditions: String,
}

/// Reads the summaries of one input.
pub struct SummaryReader {
    name: String,
    format: Option<SummaryFormat>,
    inner: Inner,
}

enum Inner {
    /// Nothing at all (a JSON Lines summary of no patient).
    Empty,
    Csv {
        rdr: csv::Reader<Box<dyn Read + Send>>,
        headers: csv::StringRecord,
        record: csv::StringRecord,
    },
    Jsonl {
        lines: BufReader<Box<dyn Read + Send>>,
        line: u64,
        text: String,
    },
}

/// What the first bytes say: `None` for an input without any.
fn sniff(head: &[u8]) -> Option<SummaryFormat> {
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let first = text.iter().find(|b| !b.is_ascii_whitespace())?;
    Some(if *first == b'{' {
        SummaryFormat::Jsonl
    } else {
        SummaryFormat::Csv
    })
}

impl SummaryReader {
    /// Opens `src`: gzip, zstd and UTF-16 are read as for `batch`; the format is `format`, else
    /// told from the first bytes (`{` is JSON Lines, anything else CSV).
    ///
    /// # Errors
    /// When the input cannot be read, is a JSON array, or its CSV header is not that of
    /// summaries of this version.
    pub fn open(src: &Source, format: Option<SummaryFormat>) -> Result<SummaryReader> {
        let name = src.name();
        let opened = open::open(src, None)?;
        let sniffed = sniff(&opened.head);
        if format.is_none() && opened.head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
        {
            bail!(
                "{name}: line 1: a JSON array; merge-summaries reads summaries in CSV or JSON \
                 Lines (batch --summary -f csv or -f jsonl)"
            );
        }
        let format = format.or(sniffed);
        let inner = match format {
            None => Inner::Empty,
            Some(SummaryFormat::Jsonl) => Inner::Jsonl {
                lines: BufReader::new(opened.reader),
                line: 0,
                text: String::new(),
            },
            Some(SummaryFormat::Csv) => {
                let mut rdr = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .from_reader(opened.reader);
                let headers = rdr
                    .headers()
                    .map_err(|e| anyhow!("{name}: line 1: {e}"))?
                    .clone();
                check_header(&name, &headers)?;
                Inner::Csv {
                    rdr,
                    headers,
                    record: csv::StringRecord::new(),
                }
            }
        };
        Ok(SummaryReader {
            name,
            format,
            inner,
        })
    }

    /// The input's name, for messages.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The input's format; `None` when it is empty.
    #[must_use]
    pub fn format(&self) -> Option<SummaryFormat> {
        self.format
    }

    /// The next summary record, `None` at the end.
    ///
    /// # Errors
    /// On a read error, or a record that is no summary of this version or contradicts itself
    /// (the message names the file and line).
    pub fn next_record(&mut self) -> Result<Option<SummaryRecord>> {
        let name = &self.name;
        match &mut self.inner {
            Inner::Empty => Ok(None),
            Inner::Csv {
                rdr,
                headers,
                record,
            } => {
                let more = loop {
                    let more = rdr.read_record(record).map_err(|e| {
                        let line = e.position().map_or(0, csv::Position::line);
                        anyhow!("{name}: line {line}: {e}")
                    })?;
                    // The header again: summaries written one after another (`cat`).
                    if !(more && record == headers) {
                        break more;
                    }
                };
                if !more {
                    return Ok(None);
                }
                let line = record.position().map_or(0, csv::Position::line);
                let at = |e: String| anyhow!("{name}: line {line}: {e}");
                let mut raw: Raw = record
                    .deserialize(Some(headers))
                    .map_err(|e| at(e.to_string()))?;
                raw.patient = unneutralize(raw.patient);
                let tally = tally(&raw).map_err(at)?;
                Ok(Some(SummaryRecord {
                    patient: raw.patient,
                    tally,
                    line,
                }))
            }
            Inner::Jsonl { lines, line, text } => loop {
                text.clear();
                if lines
                    .read_line(text)
                    .map_err(|e| anyhow!("{name}: line {}: {e}", *line + 1))?
                    == 0
                {
                    return Ok(None);
                }
                *line += 1;
                let n = *line;
                let trimmed = text.trim_start_matches('\u{feff}').trim();
                if trimmed.is_empty() {
                    continue;
                }
                let at = |e: String| anyhow!("{name}: line {n}: {e}");
                let value: serde_json::Value =
                    serde_json::from_str(trimmed).map_err(|e| at(format!("not JSON: {e}")))?;
                let Some(object) = value.as_object() else {
                    return Err(at("not a JSON object".into()));
                };
                let keys: Vec<&str> = object.keys().map(String::as_str).collect();
                kind_of(&keys).map_err(at)?;
                let raw: Raw = serde_json::from_value(value).map_err(|e| at(e.to_string()))?;
                let tally = tally(&raw).map_err(at)?;
                return Ok(Some(SummaryRecord {
                    patient: raw.patient,
                    tally,
                    line: n,
                }));
            },
        }
    }
}

/// Refuses fields that are not those of a summary of this version, saying what they are.
fn kind_of(fields: &[&str]) -> std::result::Result<(), String> {
    let has = |f: &str| fields.contains(&f);
    if has("status") && !has("entries") {
        return Err(
            "per-finding records (batch without --summary), not summaries: \
                    merge-summaries reads the output of `crampcheck batch --summary`"
                .into(),
        );
    }
    let old = OLD_FIELDS.iter().all(|f| has(f));
    if old && !has("drug_levels") {
        return Err(
            "a summary of an older crampcheck (without drug_levels, quinidine and the \
             context fields), which cannot be merged exactly: run this version's \
             `crampcheck batch --summary` on the input again"
                .into(),
        );
    }
    let missing: Vec<&str> = FIELDS.iter().copied().filter(|f| !has(f)).collect();
    let unknown: Vec<&str> = fields
        .iter()
        .copied()
        .filter(|f| !FIELDS.contains(f))
        .collect();
    match (missing.is_empty(), unknown.is_empty()) {
        (true, true) => Ok(()),
        (false, _) => Err(format!(
            "not a summary of `crampcheck batch --summary`: no field {}",
            missing.join(", ")
        )),
        (true, false) => Err(format!(
            "not a summary of `crampcheck batch --summary`: unexpected field {}",
            unknown.join(", ")
        )),
    }
}

fn check_header(name: &str, headers: &csv::StringRecord) -> Result<()> {
    let fields: Vec<&str> = headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}'))
        .collect();
    kind_of(&fields).map_err(|e| anyhow!("{name}: line 1: {e}"))
}

/// The tally a record holds, checked against the fields derived from it.
fn tally(raw: &Raw) -> std::result::Result<Tally, String> {
    let mut t = Tally {
        entries: raw.entries,
        flagged: raw.flagged,
        warnings: raw.warnings,
        review: raw.review,
        unrecognized: raw.unrecognized,
        errors: raw.errors,
        quinidine: raw.quinidine,
        ..Tally::default()
    };
    for item in split(&raw.drug_levels) {
        let (name, level) = item
            .strip_suffix(')')
            .and_then(|s| s.rsplit_once(" ("))
            .ok_or_else(|| format!("drug_levels: `{item}` is not `ingredient (level)`"))?;
        let level =
            Level::parse(level).ok_or_else(|| format!("drug_levels: `{level}` is not a level"))?;
        t.add_drug(&name.into(), level);
    }
    let names: Vec<&str> = t.drugs.iter().map(|(n, _)| &**n).collect();
    if names.join("; ") != raw.flagged_drugs {
        return Err(format!(
            "flagged_drugs `{}` disagrees with drug_levels `{}`",
            raw.flagged_drugs, raw.drug_levels
        ));
    }
    let highest = t.highest().map(Level::as_str).unwrap_or_default();
    if highest != raw.highest_level {
        return Err(format!(
            "highest_level `{}` disagrees with drug_levels `{}`",
            raw.highest_level, raw.drug_levels
        ));
    }
    if yes_no("quinine", &raw.quinine)? != (t.warnings > 0) {
        return Err(format!(
            "quinine `{}` disagrees with warnings {}",
            raw.quinine, raw.warnings
        ));
    }
    t.said = said(raw)?;
    Ok(t)
}

fn said(raw: &Raw) -> std::result::Result<Said, String> {
    let mut s = Said::default();
    let age = |a: &str| {
        a.trim()
            .parse::<u32>()
            .ok()
            .filter(|&a| a <= 130)
            .ok_or_else(|| format!("age: `{}` is not an age or a range of ages", raw.age))
    };
    if !raw.age.is_empty() {
        match raw.age.split_once('-') {
            Some((lo, hi)) => {
                s.add_age(age(lo)?);
                s.add_age(age(hi)?);
            }
            None => s.add_age(age(&raw.age)?),
        }
    }
    for sex in split(&raw.sex) {
        s.add_sex(Sex::parse(sex).ok_or_else(|| format!("sex: `{sex}` is not F or M"))?);
    }
    s.pregnant = yes_no("pregnant", &raw.pregnant)?;
    s.dialysis = yes_no("dialysis", &raw.dialysis)?;
    s.add_conditions(split(&raw.conditions).map(str::to_owned));
    Ok(s)
}

fn split(s: &str) -> impl Iterator<Item = &str> {
    s.split("; ").map(str::trim).filter(|x| !x.is_empty())
}

fn yes_no(field: &str, v: &str) -> std::result::Result<bool, String> {
    match v {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(format!("{field}: `{v}` is not yes or no")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bytes_tell_json_lines_from_csv() {
        assert_eq!(sniff(b"\n {\"patient\""), Some(SummaryFormat::Jsonl));
        assert_eq!(sniff(b"patient,entries"), Some(SummaryFormat::Csv));
        assert_eq!(sniff(b" \n"), None);
    }

    fn round_trip(t: &Tally) -> std::result::Result<Tally, String> {
        let kb = crate::kb::Kb::builtin().unwrap();
        let written = crate::report::summary::PatientSummary::new(&kb, "P1", t);
        let json = serde_json::to_string(&written).unwrap();
        tally(&serde_json::from_str::<Raw>(&json).unwrap())
    }

    #[test]
    fn a_summary_read_back_holds_the_tally_it_was_written_from() {
        let mut t = Tally {
            entries: 7,
            flagged: 3,
            warnings: 1,
            review: 1,
            unrecognized: 1,
            errors: 1,
            quinidine: 2,
            ..Tally::default()
        };
        t.add_drug(&"quinine".into(), Level::Warning);
        t.add_drug(&"hydrochlorothiazide".into(), Level::Moderate);
        t.said.add_row(&["64", "F", "yes", "", "PVD; gout"]);
        t.said.add_row(&["66", "M", "", "yes", "pvd"]);
        assert_eq!(round_trip(&t), Ok(t.clone()));
        assert_eq!(round_trip(&Tally::default()), Ok(Tally::default()));
    }

    #[test]
    fn a_record_whose_derived_fields_were_edited_is_refused() {
        let kb = crate::kb::Kb::builtin().unwrap();
        let mut t = Tally {
            entries: 1,
            flagged: 1,
            ..Tally::default()
        };
        t.add_drug(&"atorvastatin".into(), Level::Low);
        let written = crate::report::summary::PatientSummary::new(&kb, "P1", &t);
        let edit = |f: &dyn Fn(&mut serde_json::Value)| {
            let mut v = serde_json::to_value(&written).unwrap();
            f(&mut v);
            tally(&serde_json::from_value::<Raw>(v).unwrap()).unwrap_err()
        };
        assert!(edit(&|v| v["highest_level"] = "high".into()).contains("highest_level"));
        assert!(edit(&|v| v["quinine"] = "yes".into()).contains("quinine"));
        assert!(edit(&|v| v["flagged_drugs"] = "simvastatin".into()).contains("flagged_drugs"));
        assert!(edit(&|v| v["drug_levels"] = "atorvastatin".into()).contains("ingredient (level)"));
        assert!(edit(&|v| v["age"] = "sixty".into()).contains("age"));
        assert!(edit(&|v| v["sex"] = "X".into()).contains("sex"));
        assert!(edit(&|v| v["dialysis"] = "maybe".into()).contains("dialysis"));
    }

    #[test]
    fn finding_records_and_older_summaries_are_named_as_such() {
        let findings = ["patient", "row", "input", "status", "ingredient"];
        assert!(kind_of(&findings).unwrap_err().contains("per-finding"));
        assert!(kind_of(OLD_FIELDS).unwrap_err().contains("older"));
        assert!(kind_of(&FIELDS).is_ok());
        let mut more = FIELDS.to_vec();
        more.push("file");
        assert!(
            kind_of(&more)
                .unwrap_err()
                .contains("unexpected field file")
        );
    }
}
