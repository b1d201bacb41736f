//! Names that mean more than one drug (`data/ambiguous.csv`): an error-prone abbreviation such as
//! `HCT`, or a brand that is one drug in one market and another elsewhere. Such a name goes to
//! review naming both meanings.

use anyhow::{Context, Result, bail};

const AMBIGUOUS_CSV: &str = include_str!("../../data/ambiguous.csv");

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ambiguity {
    /// The ambiguous name.
    pub name: String,
    /// The other drugs it can mean, joined by `;`; `-` when the other meaning is no medicine at
    /// all (a disinfectant registered under the same name).
    pub also: String,
    /// Whether it keeps its first meaning right after another drug name (`when` = `alone`).
    pub alone_only: bool,
    /// Why.
    pub source: String,
}

impl Ambiguity {
    /// The other drugs the name can mean, as names (none for `-`).
    pub fn others(&self) -> impl Iterator<Item = &str> {
        self.also
            .split(';')
            .map(str::trim)
            .filter(|o| !o.is_empty() && *o != "-")
    }
}

/// The built-in table.
///
/// # Errors
/// When the table is malformed (a test rules it out for the shipped file).
pub fn builtin() -> Result<Vec<Ambiguity>> {
    parse("data/ambiguous.csv", AMBIGUOUS_CSV)
}

fn parse(file: &str, text: &str) -> Result<Vec<Ambiguity>> {
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .with_context(|| format!("{file}: cannot read the header"))?
        .iter()
        .map(str::to_owned)
        .collect();
    if header != ["name", "also", "when", "source"] {
        bail!("{file}: header must be `name,also,when,source`");
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{file}: unreadable record"))?;
        let line = rec.position().map_or(0, csv::Position::line);
        let get = |i: usize| rec.get(i).unwrap_or_default().to_owned();
        let alone_only = match rec.get(2).unwrap_or_default() {
            "alone" => true,
            "always" => false,
            other => bail!("{file}:{line}: when must be `alone` or `always`, found `{other}`"),
        };
        if get(0).is_empty() || get(1).is_empty() || get(3).is_empty() {
            bail!("{file}:{line}: a row needs a name, the other meaning and a source");
        }
        out.push(Ambiguity {
            name: get(0),
            also: get(1),
            alone_only,
            source: get(3),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_parses_and_holds_hct() {
        let rows = builtin().unwrap();
        assert!(rows.iter().any(|a| a.name == "HCT" && a.alone_only));
    }

    #[test]
    fn the_other_meanings_of_a_row_are_split_at_semicolons() {
        let rows = parse(
            "x.csv",
            "name,also,when,source\nNSAID,ibuprofen; diclofenac,always,a group\nHydro-D,-,always,x\n",
        )
        .unwrap();
        assert_eq!(
            rows[0].others().collect::<Vec<_>>(),
            ["ibuprofen", "diclofenac"]
        );
        assert_eq!(rows[1].others().count(), 0);
    }

    #[test]
    fn a_row_without_a_source_is_an_error_naming_its_line() {
        let err = parse(
            "x.csv",
            "name,also,when,source\nHCT,hydrocortisone,alone,\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("x.csv:2"), "{err}");
    }
}
