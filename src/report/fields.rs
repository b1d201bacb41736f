//! The fields of an output record, defined once: their names and order, which of them vary per
//! input row, per entry or per drug, and each field's value for a finding (text, a number, null
//! or a list). CSV and JSON (and the Python package's Arrow output) all take them from here.

use std::borrow::Cow;

use crate::kb::{DrugId, Kb};
use crate::screen::{Finding, Status};

/// A field crampcheck writes (the input's own key columns come on top of these).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The patient id (empty outside batch).
    Patient,
    /// 1-based number of the entry's record among its input's records.
    Row,
    /// The entry as given.
    Input,
    /// warning, flagged, review, clear, unrecognized or error.
    Status,
    /// The ingredient (the knowledge base's name for flagged and warning findings: the id to join
    /// `crampcheck list --format csv` on).
    Ingredient,
    /// The drug's class.
    Class,
    /// The drug's level.
    Level,
    /// The name the entry matched.
    MatchedAs,
    /// How it matched.
    Match,
    /// Similarity, 1 for exact matches.
    Score,
    /// The best candidate of another drug, for fuzzy matches.
    RunnerUp,
    /// Every candidate, for reviews (a list).
    Candidates,
    /// Anything else worth knowing; an error record's reason.
    Note,
    /// The evidence for the drug.
    Evidence,
    /// What a pharmacist might do.
    Advice,
    /// Source ids (a list).
    Sources,
    /// Full citations (a list).
    Citations,
    /// 1, 2… within an entry: (row or key, finding) is unique and gives the order.
    Finding,
    /// The input line where the entry's record starts.
    Line,
    /// The input file's name (records from several files).
    File,
}

/// What a field's value depends on, which decides where it is encoded: once per input row, once
/// per distinct entry (cached), or once per drug of the knowledge base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Varies {
    /// Per row: patient, row, line, finding, file and the key columns.
    Row,
    /// Per entry and finding: the input and what screening it found.
    Entry,
    /// Per drug: evidence, advice, sources, citations.
    Drug,
}

/// The kind of a field's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text (null when absent).
    Text,
    /// A whole number.
    Integer,
    /// A number with two decimals (null when absent).
    Decimal,
    /// A list of texts (CSV joins them; JSON and Arrow write arrays).
    List,
}

/// Every field, in the default order of a record (without `file`, which comes last and only
/// with several inputs).
pub const DEFAULT: [Field; 19] = [
    Field::Patient,
    Field::Row,
    Field::Input,
    Field::Status,
    Field::Ingredient,
    Field::Class,
    Field::Level,
    Field::MatchedAs,
    Field::Match,
    Field::Score,
    Field::RunnerUp,
    Field::Candidates,
    Field::Note,
    Field::Evidence,
    Field::Advice,
    Field::Sources,
    Field::Citations,
    Field::Finding,
    Field::Line,
];

/// The fields of `--lean`: what a join needs, nothing that depends only on the ingredient (join
/// `ingredient` to `crampcheck list --format csv` for class, level, evidence, advice, sources).
pub const LEAN: [Field; 7] = [
    Field::Patient,
    Field::Row,
    Field::Finding,
    Field::Status,
    Field::Ingredient,
    Field::Level,
    Field::Match,
];

/// Every field crampcheck may write, for `--fields` (and names a key column may not take): the
/// default ones, then `file`.
pub const ALL: [Field; 20] = with_file(DEFAULT);

/// `fields` and then [`Field::File`].
const fn with_file(fields: [Field; 19]) -> [Field; 20] {
    let mut out = [Field::File; 20];
    let mut i = 0;
    while i < fields.len() {
        out[i] = fields[i];
        i += 1;
    }
    out
}

/// How the items of a list field are joined in CSV.
#[must_use]
pub fn csv_separator(field: Field) -> &'static str {
    match field {
        Field::Citations | Field::Candidates => " | ",
        _ => "; ",
    }
}

impl Field {
    /// The field's name (CSV header, JSON key, Arrow column).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Field::Patient => "patient",
            Field::Row => "row",
            Field::Input => "input",
            Field::Status => "status",
            Field::Ingredient => "ingredient",
            Field::Class => "class",
            Field::Level => "level",
            Field::MatchedAs => "matched_as",
            Field::Match => "match",
            Field::Score => "score",
            Field::RunnerUp => "runner_up",
            Field::Candidates => "candidates",
            Field::Note => "note",
            Field::Evidence => "evidence",
            Field::Advice => "advice",
            Field::Sources => "sources",
            Field::Citations => "citations",
            Field::Finding => "finding",
            Field::Line => "line",
            Field::File => "file",
        }
    }

    /// The field of this name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Field> {
        ALL.into_iter().find(|f| f.name() == name)
    }

    /// What the field's value depends on.
    #[must_use]
    pub const fn varies(self) -> Varies {
        match self {
            Field::Patient | Field::Row | Field::Finding | Field::Line | Field::File => Varies::Row,
            Field::Evidence | Field::Advice | Field::Sources | Field::Citations => Varies::Drug,
            _ => Varies::Entry,
        }
    }

    /// The kind of its values.
    #[must_use]
    pub fn kind(self) -> Kind {
        match self {
            Field::Row | Field::Finding | Field::Line => Kind::Integer,
            Field::Score => Kind::Decimal,
            Field::Candidates | Field::Sources | Field::Citations => Kind::List,
            _ => Kind::Text,
        }
    }
}

/// A field's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// Text.
    Text(Cow<'a, str>),
    /// A whole number.
    Integer(u64),
    /// A number written with two decimals.
    Decimal(f32),
    /// Absent (CSV writes an empty cell, JSON `null`).
    Null,
    /// Several texts (CSV joins them with [`csv_separator`], JSON writes an array).
    List(Vec<Cow<'a, str>>),
}

fn text(s: &str) -> Value<'_> {
    if s.is_empty() {
        Value::Null
    } else {
        Value::Text(Cow::Borrowed(s))
    }
}

/// The drug whose evidence a finding carries: its drug, unless it is clear.
#[must_use]
pub fn evidence_drug(kb: &Kb, f: &Finding) -> Option<DrugId> {
    f.drug
        .filter(|&d| f.status != Status::Clear && d < kb.drugs.len())
}

/// The value of a field that depends on the entry or the drug ([`Varies::Entry`] or
/// [`Varies::Drug`]) for one finding of the entry `input`; `None` for a per-row field, which
/// the caller knows ([`Field::Patient`], [`Field::Row`]…).
#[must_use]
pub fn finding_value<'a>(
    kb: &'a Kb,
    input: &'a str,
    f: &'a Finding,
    field: Field,
) -> Option<Value<'a>> {
    let drug = match (f.status, f.drug) {
        (Status::Clear | Status::Unrecognized | Status::Error, _) | (_, None) => None,
        (_, Some(d)) => kb.drugs.get(d),
    };
    Some(match field {
        Field::Input => Value::Text(Cow::Borrowed(input)),
        Field::Status => Value::Text(Cow::Borrowed(f.status.as_str())),
        Field::Ingredient => text(&f.ingredient),
        Field::Class => drug.map_or(Value::Null, |d| text(&d.class)),
        Field::Level => drug.map_or(Value::Null, |d| text(d.level.as_str())),
        Field::MatchedAs => text(&f.matched_as),
        Field::Match => f.how.map_or(Value::Null, |h| text(h.as_str())),
        Field::Score => f.score.map_or(Value::Null, Value::Decimal),
        Field::RunnerUp => text(&f.runner_up),
        Field::Candidates => Value::List(
            f.candidates
                .split(" | ")
                .filter(|c| !c.is_empty())
                .map(Cow::Borrowed)
                .collect(),
        ),
        Field::Note => text(&f.note),
        Field::Evidence | Field::Advice | Field::Sources | Field::Citations => {
            drug_value(kb, evidence_drug(kb, f), field)?
        }
        Field::Patient | Field::Row | Field::Finding | Field::Line | Field::File => return None,
    })
}

/// Where an entry's records come from: the per-row fields ([`Varies::Row`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct RowValues<'a> {
    /// The patient id (empty: absent).
    pub patient: &'a str,
    /// The entry's record number.
    pub row: u64,
    /// The line where its record starts.
    pub line: u64,
    /// The input file, with several inputs (`None` otherwise).
    pub file: Option<&'a str>,
}

/// The value of a per-row field ([`Varies::Row`]) of finding number `finding` (1, 2…); `None`
/// for a field that is not per row. With [`finding_value`], every field of a record:
///
/// ```
/// # use crampcheck::report::fields::{self, Field, RowValues, Value};
/// let row = RowValues { patient: "P1", row: 3, line: 4, file: None };
/// assert_eq!(fields::row_value(&row, 2, Field::Finding), Some(Value::Integer(2)));
/// assert_eq!(fields::row_value(&row, 2, Field::File), Some(Value::Null));
/// ```
#[must_use]
pub fn row_value<'a>(row: &RowValues<'a>, finding: u64, field: Field) -> Option<Value<'a>> {
    Some(match field {
        Field::Patient => text(row.patient),
        Field::Row => Value::Integer(row.row),
        Field::Line => Value::Integer(row.line),
        Field::Finding => Value::Integer(finding),
        Field::File => row.file.map_or(Value::Null, text),
        _ => return None,
    })
}

/// The value of a per-drug field ([`Varies::Drug`]) for a drug, or for none; `None` for a field
/// that is not per drug.
#[must_use]
pub fn drug_value(kb: &Kb, drug: Option<DrugId>, field: Field) -> Option<Value<'_>> {
    let d = drug.and_then(|d| kb.drugs.get(d));
    Some(match field {
        Field::Evidence => d.map_or(Value::Null, |d| text(&d.evidence)),
        Field::Advice => d.map_or(Value::Null, |d| text(&d.advice)),
        Field::Sources => Value::List(
            d.map(|d| {
                d.sources
                    .iter()
                    .map(|s| Cow::Borrowed(s.as_str()))
                    .collect()
            })
            .unwrap_or_default(),
        ),
        Field::Citations => Value::List(
            d.map(|d| {
                d.sources
                    .iter()
                    .filter_map(|id| kb.source(id))
                    .map(|s| Cow::Owned(format!("[{}] {}", s.id, s.citation)))
                    .collect()
            })
            .unwrap_or_default(),
        ),
        _ => return None,
    })
}

/// One column of a record: a field of crampcheck's, or a column copied from the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    /// A crampcheck field.
    Field(Field),
    /// The input's key column of this index (in the order the key columns were given).
    Key(usize),
}

/// The columns of the records of one run, in order, with their names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The columns, in order.
    pub columns: Vec<Column>,
    /// The key columns' names (as in the input: a header name, a JSON key, or a 1-based number).
    pub keys: Vec<String>,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout::standard(Vec::new(), false)
    }
}

/// What the user asked for: key columns, `--fields`, `--lean`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Input columns to copy into every record (`--key-column`, `--keep`).
    pub keys: Vec<String>,
    /// `--fields`: the columns, in order (crampcheck fields and key column names).
    pub fields: Option<Vec<String>>,
    /// `--lean`.
    pub lean: bool,
}

impl Layout {
    /// The default columns: the key columns, every field, and `file` when `file`.
    #[must_use]
    pub fn standard(keys: Vec<String>, file: bool) -> Layout {
        let mut columns: Vec<Column> = (0..keys.len()).map(Column::Key).collect();
        columns.extend(DEFAULT.iter().map(|&f| Column::Field(f)));
        if file {
            columns.push(Column::Field(Field::File));
        }
        Layout { columns, keys }
    }

    /// The columns of a selection: `--fields` in its order, else `--lean`'s or the default ones,
    /// each after the key columns; `file` (with several inputs) is kept at the end unless
    /// `--fields` leaves it out.
    ///
    /// # Errors
    /// When a key column's name is a crampcheck field's or is given twice, or `--fields` names
    /// an unknown field or one twice.
    pub fn select(sel: &Selection, file: bool) -> Result<Layout, String> {
        for (i, k) in sel.keys.iter().enumerate() {
            if Field::parse(k).is_some() {
                return Err(format!(
                    "the key column `{k}` has the name of a field crampcheck writes; rename it \
                     in the input (crampcheck's fields: {})",
                    names(&ALL)
                ));
            }
            if sel.keys[..i].contains(k) {
                return Err(format!("the key column `{k}` is given twice"));
            }
        }
        let keys = sel.keys.clone();
        let mut columns: Vec<Column> = Vec::new();
        if let Some(wanted) = &sel.fields {
            for name in wanted {
                let col = if let Some(i) = keys.iter().position(|k| k == name) {
                    Column::Key(i)
                } else if let Some(f) = Field::parse(name) {
                    Column::Field(f)
                } else {
                    let mut valid = names(&ALL);
                    for k in &keys {
                        valid.push_str(", ");
                        valid.push_str(k);
                    }
                    return Err(format!("--fields: unknown field `{name}` (valid: {valid})"));
                };
                if col == Column::Field(Field::File) && !file {
                    return Err("--fields: `file` is written only with several inputs".into());
                }
                if columns.contains(&col) {
                    return Err(format!("--fields: `{name}` is given twice"));
                }
                columns.push(col);
            }
            if columns.is_empty() {
                return Err("--fields: name at least one field".into());
            }
            return Ok(Layout { columns, keys });
        }
        columns.extend((0..keys.len()).map(Column::Key));
        let fields: &[Field] = if sel.lean { &LEAN } else { &DEFAULT };
        columns.extend(fields.iter().map(|&f| Column::Field(f)));
        if file {
            columns.push(Column::Field(Field::File));
        }
        Ok(Layout { columns, keys })
    }

    /// The name of a column.
    #[must_use]
    pub fn name<'a>(&'a self, c: &'a Column) -> &'a str {
        match c {
            Column::Field(f) => f.name(),
            Column::Key(i) => self.keys.get(*i).map_or("", String::as_str),
        }
    }

    /// The columns' names, in order.
    #[must_use]
    pub fn names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| self.name(c)).collect()
    }

    /// Whether the records have this field.
    #[must_use]
    pub fn has(&self, f: Field) -> bool {
        self.columns.contains(&Column::Field(f))
    }
}

fn names(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_name_parses_back_to_its_field() {
        for f in ALL {
            assert_eq!(Field::parse(f.name()), Some(f));
        }
        assert_eq!(Field::parse("nope"), None);
    }

    #[test]
    fn a_key_column_named_like_a_field_is_refused() {
        let sel = Selection {
            keys: vec!["row".into()],
            ..Selection::default()
        };
        assert!(Layout::select(&sel, false).unwrap_err().contains("`row`"));
    }

    #[test]
    fn fields_come_in_the_order_asked_and_unknown_ones_list_the_valid_ones() {
        let sel = Selection {
            keys: vec!["visit".into()],
            fields: Some(vec!["status".into(), "visit".into(), "row".into()]),
            lean: false,
        };
        let l = Layout::select(&sel, false).unwrap();
        assert_eq!(l.names(), ["status", "visit", "row"]);
        let bad = Selection {
            fields: Some(vec!["stat".into()]),
            ..Selection::default()
        };
        let e = Layout::select(&bad, false).unwrap_err();
        assert!(e.contains("`stat`") && e.contains("ingredient"), "{e}");
    }

    #[test]
    fn the_default_layout_puts_keys_first_and_file_last() {
        let sel = Selection {
            keys: vec!["mrn".into()],
            ..Selection::default()
        };
        let names = Layout::select(&sel, true).unwrap().names().join(",");
        assert!(names.starts_with("mrn,patient,row,input,status"), "{names}");
        assert!(names.ends_with("citations,finding,line,file"), "{names}");
    }
}
