//! The knowledge base: target drugs, their aliases and the sources behind them, loaded from CSV
//! (built in, or a directory given with `--kb`) and validated, with every error naming file and line.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::normalize;

/// Index of a drug in [`Kb::drugs`].
pub type DrugId = usize;

/// How strongly a drug is associated with leg cramps; quinine's warning ranks above every level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// A small or non-significant signal.
    Low,
    /// A significant smaller signal, or a drug a review calls strongly associated.
    Moderate,
    /// A sequence ratio of 2 or more with its interval above 1.
    High,
    /// Quinine: not a cramp cause but a drug with an FDA warning against use for cramps.
    Warning,
}

impl Level {
    /// All levels, lowest first.
    pub const ALL: [Level; 4] = [Level::Low, Level::Moderate, Level::High, Level::Warning];

    /// The lowercase name used in data files and output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Moderate => "moderate",
            Level::High => "high",
            Level::Warning => "warning",
        }
    }

    /// Parses a lowercase level name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a drug is in the knowledge base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Associated with nocturnal leg cramps.
    Cramp,
    /// Quinine and its salts: a warning, not a cause.
    Quinine,
    /// A drug class named without the drug (`statin`, `water pill`): flagged with the class's
    /// figure, and left out when the entry names a drug of the knowledge base as well.
    Class,
}

/// How an alias relates to its ingredients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AliasKind {
    /// A brand name of one ingredient.
    Brand,
    /// A product holding several ingredients (or a target with a non-target partner).
    Combination,
    /// The ingredient with a salt or ester named.
    Salt,
    /// An international, older or other-language spelling.
    Spelling,
    /// An abbreviation such as HCTZ.
    Abbreviation,
    /// Another name for the same substance.
    Synonym,
    /// A group of drugs that holds a target and others (`estrogen`, `NSAID`): never read as one
    /// of them; the others are listed in `data/ambiguous.csv`, so the name goes to review.
    Group,
}

impl AliasKind {
    const ALL: [AliasKind; 7] = [
        AliasKind::Brand,
        AliasKind::Combination,
        AliasKind::Salt,
        AliasKind::Spelling,
        AliasKind::Abbreviation,
        AliasKind::Synonym,
        AliasKind::Group,
    ];

    /// The lowercase name used in data files and output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            AliasKind::Brand => "brand",
            AliasKind::Combination => "combination",
            AliasKind::Salt => "salt",
            AliasKind::Spelling => "spelling",
            AliasKind::Abbreviation => "abbreviation",
            AliasKind::Synonym => "synonym",
            AliasKind::Group => "group",
        }
    }
}

/// One target ingredient.
#[derive(Clone, Debug)]
pub struct Drug {
    /// Canonical lowercase name.
    pub ingredient: String,
    /// Pharmacological class, e.g. `statin`.
    pub class: String,
    /// Cramp association or quinine warning.
    pub kind: Kind,
    /// Level of association.
    pub level: Level,
    /// The evidence, with its figures and intervals.
    pub evidence: String,
    /// What a pharmacist might do.
    pub advice: String,
    /// Source ids, each present in [`Kb::sources`].
    pub sources: Vec<String>,
}

/// A name that stands for one or more ingredients.
#[derive(Clone, Debug)]
pub struct Alias {
    /// The name as written in the data file.
    pub name: String,
    /// The ingredients it stands for.
    pub ingredients: Vec<DrugId>,
    /// Brand, combination, salt…
    pub kind: AliasKind,
    /// Free-text note (partner drug, country…).
    pub note: String,
}

/// A cited source.
#[derive(Clone, Debug, Serialize)]
pub struct Source {
    /// Short id such as `S1`.
    pub id: String,
    /// Full citation.
    pub citation: String,
    /// PubMed id, if any.
    pub pmid: String,
    /// DOI, if any.
    pub doi: String,
}

/// The loaded, validated knowledge base.
#[derive(Clone, Debug)]
pub struct Kb {
    /// Target ingredients.
    pub drugs: Vec<Drug>,
    /// Aliases of the ingredients.
    pub aliases: Vec<Alias>,
    /// Sources cited by the drugs.
    pub sources: Vec<Source>,
    /// Where the data came from (`built-in` or a directory).
    pub origin: String,
    /// Patient risk factors and what helps (`context.csv`).
    pub context: Vec<ContextRow>,
    /// A short fingerprint of the data's text, shown as the knowledge-base version.
    pub fingerprint: String,
    by_ingredient: HashMap<String, DrugId>,
}

const DRUGS_CSV: &str = include_str!("../data/drugs.csv");
const ALIASES_CSV: &str = include_str!("../data/aliases.csv");
const SOURCES_CSV: &str = include_str!("../data/sources.csv");
const CONTEXT_CSV: &str = include_str!("../data/context.csv");

impl Kb {
    /// The knowledge base compiled into the binary from `data/`.
    ///
    /// # Errors
    /// Only if the shipped data is invalid, which a test rules out.
    pub fn builtin() -> Result<Kb> {
        let mut kb = Kb::parse(
            "built-in",
            ("data/drugs.csv", DRUGS_CSV),
            ("data/aliases.csv", ALIASES_CSV),
            ("data/sources.csv", SOURCES_CSV),
        )?;
        kb.set_context("data/context.csv", CONTEXT_CSV)?;
        kb.fingerprint = fingerprint(&[DRUGS_CSV, ALIASES_CSV, SOURCES_CSV, CONTEXT_CSV]);
        Ok(kb)
    }

    /// Replaces the patient context and what-helps rows, validated against the sources.
    fn set_context(&mut self, file: &str, text: &str) -> Result<()> {
        self.context = parse_context(file, text, &self.sources)?;
        Ok(())
    }

    /// Loads `drugs.csv`, `aliases.csv` and `sources.csv` from a directory.
    ///
    /// # Errors
    /// When a file cannot be read or fails validation; the message names the file and line.
    pub fn load_dir(dir: &Path) -> Result<Kb> {
        let read = |name: &str| -> Result<(String, String)> {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read knowledge-base file {}", path.display()))?;
            Ok((path.display().to_string(), text))
        };
        let (dp, d) = read("drugs.csv")?;
        let (ap, a) = read("aliases.csv")?;
        let (sp, s) = read("sources.csv")?;
        let mut kb = Kb::parse(&dir.display().to_string(), (&dp, &d), (&ap, &a), (&sp, &s))?;
        // context.csv is optional in a --kb directory: the built-in one is used without it.
        let (cp, c) = if dir.join("context.csv").exists() {
            read("context.csv")?
        } else {
            ("data/context.csv".to_owned(), CONTEXT_CSV.to_owned())
        };
        kb.set_context(&cp, &c)?;
        kb.fingerprint = fingerprint(&[&d, &a, &s, &c]);
        Ok(kb)
    }

    /// Parses and validates the three tables.
    fn parse(
        origin: &str,
        drugs: (&str, &str),
        aliases: (&str, &str),
        sources: (&str, &str),
    ) -> Result<Kb> {
        let sources = parse_sources(sources.0, sources.1)?;
        let drugs = parse_drugs(drugs.0, drugs.1, &sources)?;
        let mut by_ingredient = HashMap::new();
        for (id, d) in drugs.iter().enumerate() {
            by_ingredient.insert(d.ingredient.clone(), id);
        }
        let aliases = parse_aliases(aliases.0, aliases.1, &drugs, &by_ingredient)?;
        Ok(Kb {
            drugs,
            aliases,
            sources,
            origin: origin.to_owned(),
            context: Vec::new(),
            fingerprint: String::new(),
            by_ingredient,
        })
    }

    /// The drug with this canonical ingredient name.
    #[must_use]
    pub fn drug_id(&self, ingredient: &str) -> Option<DrugId> {
        self.by_ingredient.get(ingredient).copied()
    }

    /// The source with this id.
    #[must_use]
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }
}

/// Opens a CSV table whose `#` lines are comments, checking its header names these columns.
fn table<'a>(file: &str, text: &'a str, columns: &[&str]) -> Result<csv::Reader<&'a [u8]>> {
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .with_context(|| format!("{file}: cannot read the header"))?;
    let got: Vec<&str> = headers.iter().collect();
    if got != columns {
        bail!(
            "{file}: header must be `{}`, found `{}`",
            columns.join(","),
            got.join(",")
        );
    }
    Ok(rdr)
}

/// Reads every record of a table, giving each its line number.
fn records(file: &str, mut rdr: csv::Reader<&[u8]>) -> Result<Vec<(u64, csv::StringRecord)>> {
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            anyhow::anyhow!("{file}:{line}: {e}")
        })?;
        let line = rec.position().map_or(0, csv::Position::line);
        out.push((line, rec));
    }
    Ok(out)
}

fn field(rec: &csv::StringRecord, i: usize) -> String {
    rec.get(i).unwrap_or_default().to_owned()
}

fn parse_sources(file: &str, text: &str) -> Result<Vec<Source>> {
    let rdr = table(file, text, &["id", "citation", "pmid", "doi"])?;
    let mut out: Vec<Source> = Vec::new();
    for (line, rec) in records(file, rdr)? {
        let s = Source {
            id: field(&rec, 0),
            citation: field(&rec, 1),
            pmid: field(&rec, 2),
            doi: field(&rec, 3),
        };
        if s.id.is_empty() || s.citation.is_empty() {
            bail!("{file}:{line}: a source needs an id and a citation");
        }
        if out.iter().any(|o| o.id == s.id) {
            bail!("{file}:{line}: source id `{}` appears twice", s.id);
        }
        out.push(s);
    }
    Ok(out)
}

fn parse_drugs(file: &str, text: &str, sources: &[Source]) -> Result<Vec<Drug>> {
    let cols = [
        "ingredient",
        "class",
        "kind",
        "level",
        "evidence",
        "advice",
        "sources",
    ];
    let rdr = table(file, text, &cols)?;
    let mut out: Vec<Drug> = Vec::new();
    for (line, rec) in records(file, rdr)? {
        let ingredient = normalize::key(&field(&rec, 0));
        if ingredient.is_empty() {
            bail!("{file}:{line}: empty ingredient name");
        }
        if out.iter().any(|d| d.ingredient == ingredient) {
            bail!("{file}:{line}: ingredient `{ingredient}` appears twice");
        }
        let kind = match rec.get(2).unwrap_or_default() {
            "cramp" => Kind::Cramp,
            "quinine" => Kind::Quinine,
            "class" => Kind::Class,
            other => {
                bail!("{file}:{line}: kind must be `cramp`, `quinine` or `class`, found `{other}`")
            }
        };
        let level_text = rec.get(3).unwrap_or_default();
        let Some(level) = Level::parse(level_text) else {
            bail!(
                "{file}:{line}: level must be low, moderate, high or warning, found `{level_text}`"
            )
        };
        if (kind == Kind::Quinine) != (level == Level::Warning) {
            bail!(
                "{file}:{line}: level `warning` is for kind `quinine` only, and quinine needs it"
            );
        }
        let ids: Vec<String> = split_list(rec.get(6).unwrap_or_default(), ';');
        if ids.is_empty() {
            bail!("{file}:{line}: `{ingredient}` cites no source");
        }
        if let Some(bad) = ids.iter().find(|id| !sources.iter().any(|s| &s.id == *id)) {
            bail!("{file}:{line}: source `{bad}` is not in sources.csv");
        }
        let drug = Drug {
            ingredient,
            class: field(&rec, 1),
            kind,
            level,
            evidence: field(&rec, 4),
            advice: field(&rec, 5),
            sources: ids,
        };
        if drug.class.is_empty() || drug.evidence.is_empty() {
            bail!(
                "{file}:{line}: `{}` needs a class and evidence",
                drug.ingredient
            );
        }
        out.push(drug);
    }
    if out.is_empty() {
        bail!("{file}: no drugs");
    }
    Ok(out)
}

fn parse_aliases(
    file: &str,
    text: &str,
    drugs: &[Drug],
    by_ingredient: &HashMap<String, DrugId>,
) -> Result<Vec<Alias>> {
    let rdr = table(file, text, &["alias", "ingredients", "type", "note"])?;
    let mut out: Vec<Alias> = Vec::new();
    // normalized key → (line, ingredients) to reject a name that means two different things.
    let mut seen: HashMap<String, (u64, Vec<DrugId>)> = HashMap::new();
    for (id, d) in drugs.iter().enumerate() {
        seen.insert(d.ingredient.clone(), (0, vec![id]));
    }
    for (line, rec) in records(file, rdr)? {
        let name = field(&rec, 0);
        let key = normalize::key(&name);
        if key.is_empty() {
            bail!(
                "{file}:{line}: alias `{name}` has no name left once dose and form words are removed"
            );
        }
        let mut ingredients = Vec::new();
        for ing in split_list(rec.get(1).unwrap_or_default(), '+') {
            let Some(&id) = by_ingredient.get(&normalize::key(&ing)) else {
                bail!("{file}:{line}: alias `{name}` points at `{ing}`, which is not in drugs.csv")
            };
            if !ingredients.contains(&id) {
                ingredients.push(id);
            }
        }
        if ingredients.is_empty() {
            bail!("{file}:{line}: alias `{name}` names no ingredient");
        }
        ingredients.sort_unstable();
        let type_text = rec.get(2).unwrap_or_default();
        let Some(kind) = AliasKind::ALL.into_iter().find(|k| k.as_str() == type_text) else {
            bail!(
                "{file}:{line}: type must be one of brand, combination, salt, spelling, abbreviation, synonym; found `{type_text}`"
            )
        };
        if let Some((first, prev)) = seen.get(&key) {
            if *prev != ingredients {
                let at = if *first == 0 {
                    "an ingredient".to_owned()
                } else {
                    format!("line {first}")
                };
                bail!("{file}:{line}: `{name}` already means something else ({at})");
            }
            continue; // The same meaning twice (e.g. `Breo` and `Breo Ellipta`): keep the first.
        }
        seen.insert(key, (line, ingredients.clone()));
        out.push(Alias {
            name,
            ingredients,
            kind,
            note: field(&rec, 3),
        });
    }
    Ok(out)
}

/// What a row of `context.csv` is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContextKind {
    /// An age range, inclusive (`max` none for an open range).
    Age {
        /// Lowest age.
        min: u32,
        /// Highest age, if any.
        max: Option<u32>,
    },
    /// Sex (`F` or `M`).
    Sex(char),
    /// Pregnancy.
    Pregnancy,
    /// Haemodialysis.
    Dialysis,
    /// A named condition.
    Condition,
    /// A drink with a target drug in it (tonic water: quinine), named in an entry.
    Drink,
    /// A non-drug measure that helps.
    Measure,
    /// When to see a doctor.
    Doctor,
}

/// One row of `context.csv`: a risk factor with its figure, or a measure that helps.
#[derive(Clone, Debug)]
pub struct ContextRow {
    /// Short unique id.
    pub id: String,
    /// What it is about.
    pub kind: ContextKind,
    /// For conditions and drinks: the accepted names, as keys (see [`condition_key`]).
    pub names: Vec<String>,
    /// The factor or measure as shown.
    pub label: String,
    /// The figure or the measure, as the evidence sheet gives it.
    pub text: String,
    /// Source ids, each in [`Kb::sources`].
    pub sources: Vec<String>,
}

impl ContextRow {
    /// Whether this row belongs to the closing "what helps" part.
    #[must_use]
    pub fn is_advice(&self) -> bool {
        matches!(self.kind, ContextKind::Measure | ContextKind::Doctor)
    }
}

/// A condition name as compared: lowercase, apostrophes dropped, dashes and runs of spaces as one
/// space (`Parkinson's disease` → `parkinsons disease`).
#[must_use]
pub fn condition_key(name: &str) -> String {
    let lower: String = name
        .chars()
        .filter(|c| !matches!(c, '\'' | '\u{2019}'))
        .map(|c| {
            if c == '-' || c == '_' {
                ' '
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parse_context(file: &str, text: &str, sources: &[Source]) -> Result<Vec<ContextRow>> {
    let cols = ["id", "kind", "when", "label", "text", "sources"];
    let rdr = table(file, text, &cols)?;
    let mut out: Vec<ContextRow> = Vec::new();
    for (line, rec) in records(file, rdr)? {
        let id = field(&rec, 0);
        let when = field(&rec, 2);
        if id.is_empty() || out.iter().any(|r| r.id == id) {
            bail!("{file}:{line}: each row needs a unique id, found `{id}`");
        }
        let kind = match rec.get(1).unwrap_or_default() {
            "age" => {
                let (min, max) = match when.strip_suffix('+') {
                    Some(min) => (min.parse().ok(), None),
                    None => match when.split_once('-') {
                        Some((a, b)) => (a.parse().ok(), b.parse().ok()),
                        None => (None, None),
                    },
                };
                match min {
                    Some(min) if max.is_none_or(|m| m >= min) => ContextKind::Age { min, max },
                    _ => bail!(
                        "{file}:{line}: an age row needs `when` as 65+ or 60-64, found `{when}`"
                    ),
                }
            }
            "sex" => match when.as_str() {
                "F" => ContextKind::Sex('F'),
                "M" => ContextKind::Sex('M'),
                _ => bail!("{file}:{line}: a sex row needs `when` F or M, found `{when}`"),
            },
            "pregnancy" => ContextKind::Pregnancy,
            "dialysis" => ContextKind::Dialysis,
            "condition" => ContextKind::Condition,
            "drink" => ContextKind::Drink,
            "measure" => ContextKind::Measure,
            "doctor" => ContextKind::Doctor,
            other => bail!(
                "{file}:{line}: kind must be age, sex, pregnancy, dialysis, condition, drink, measure or doctor; found `{other}`"
            ),
        };
        let named = matches!(kind, ContextKind::Condition | ContextKind::Drink);
        let names: Vec<String> = if named {
            split_list(&when, '|')
                .iter()
                .map(|n| condition_key(n))
                .collect()
        } else {
            Vec::new()
        };
        if named && names.is_empty() {
            bail!(
                "{file}:{line}: {} `{id}` needs its names in `when`",
                field(&rec, 1)
            );
        }
        for n in &names {
            if out.iter().any(|r| r.names.contains(n)) {
                bail!("{file}:{line}: condition name `{n}` appears twice");
            }
        }
        let ids = split_list(rec.get(5).unwrap_or_default(), ';');
        if ids.is_empty() {
            bail!("{file}:{line}: `{id}` cites no source");
        }
        if let Some(bad) = ids.iter().find(|i| !sources.iter().any(|s| &s.id == *i)) {
            bail!("{file}:{line}: source `{bad}` is not in sources.csv");
        }
        let row = ContextRow {
            id,
            kind,
            names,
            label: field(&rec, 3),
            text: field(&rec, 4),
            sources: ids,
        };
        if row.label.is_empty() || row.text.is_empty() {
            bail!("{file}:{line}: `{}` needs a label and a text", row.id);
        }
        out.push(row);
    }
    Ok(out)
}

/// A short, stable fingerprint of the data files' text (FNV-1a, 32 bits, as hex).
fn fingerprint(texts: &[&str]) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for t in texts {
        for b in t.bytes().chain(std::iter::once(0)) {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    format!("{h:08x}")
}

fn split_list(s: &str, sep: char) -> Vec<String> {
    s.split(sep)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCES: &str = "id,citation,pmid,doi\nS1,Garrison 2012,22157068,\n";
    const DRUGS: &str = "ingredient,class,kind,level,evidence,advice,sources\n\
        furosemide,loop diuretic,cramp,low,ratio 1.20,review,S1\n\
        quinine,antimalarial,quinine,warning,FDA,avoid,S1\n";

    fn parse(drugs: &str, aliases: &str) -> Result<Kb> {
        Kb::parse(
            "test",
            ("drugs.csv", drugs),
            ("aliases.csv", aliases),
            ("sources.csv", SOURCES),
        )
    }

    #[test]
    fn the_shipped_knowledge_base_is_valid() {
        let kb = Kb::builtin().unwrap();
        assert!(kb.drugs.len() >= 35);
        for required in [
            "atorvastatin",
            "hydrochlorothiazide",
            "iron sucrose",
            "quinine",
        ] {
            assert!(kb.drug_id(required).is_some(), "{required} missing");
        }
    }

    #[test]
    fn an_alias_to_an_unknown_ingredient_is_an_error_naming_file_and_line() {
        let err = parse(
            DRUGS,
            "alias,ingredients,type,note\nlasix,furosemide,brand,\nfoo,bar,brand,\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "aliases.csv:3: alias `foo` points at `bar`, which is not in drugs.csv"
        );
    }

    #[test]
    fn a_name_with_two_meanings_is_rejected() {
        let err = parse(
            DRUGS,
            "alias,ingredients,type,note\nzz,furosemide,brand,\nZZ,quinine,brand,\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("aliases.csv:3"), "{err}");
    }

    #[test]
    fn an_unknown_source_is_rejected() {
        let drugs = "ingredient,class,kind,level,evidence,advice,sources\nfurosemide,loop,cramp,low,e,a,S9\n";
        let err = parse(drugs, "alias,ingredients,type,note\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "drugs.csv:2: source `S9` is not in sources.csv"
        );
    }

    #[test]
    fn warning_level_belongs_to_quinine_only() {
        let drugs = "ingredient,class,kind,level,evidence,advice,sources\nfurosemide,loop,cramp,warning,e,a,S1\n";
        assert!(parse(drugs, "alias,ingredients,type,note\n").is_err());
    }

    #[test]
    fn the_shipped_context_names_the_conditions_of_the_evidence_sheet() {
        let kb = Kb::builtin().unwrap();
        for name in [
            "peripheral vascular disease",
            "arthritis",
            "lumbar canal stenosis",
            "cirrhosis",
            "parkinsons disease",
            "cancer treatment",
        ] {
            assert!(
                kb.context.iter().any(|r| r.names.iter().any(|n| n == name)),
                "{name} missing"
            );
        }
        assert_eq!(kb.fingerprint.len(), 8);
    }

    #[test]
    fn a_context_row_citing_an_unknown_source_names_file_and_line() {
        let text = "id,kind,when,label,text,sources\nx,condition,gout,Gout,figure,S99\n";
        let err = parse_context("context.csv", text, &Kb::builtin().unwrap().sources).unwrap_err();
        assert_eq!(
            err.to_string(),
            "context.csv:2: source `S99` is not in sources.csv"
        );
    }

    #[test]
    fn a_drink_row_needs_its_names_and_the_shipped_one_is_tonic_water() {
        let kb = Kb::builtin().unwrap();
        let tonic = kb
            .context
            .iter()
            .find(|r| r.kind == ContextKind::Drink)
            .unwrap();
        assert!(tonic.names.iter().any(|n| n == "tonic water"));
        assert_eq!(tonic.sources, ["S17"]);
        assert!(!tonic.is_advice());
        let err = parse_context(
            "c.csv",
            "id,kind,when,label,text,sources\nt,drink,,Tonic,figure,S17\n",
            &kb.sources,
        )
        .unwrap_err();
        assert!(err.to_string().contains("c.csv:2"), "{err}");
    }

    #[test]
    fn condition_keys_ignore_case_apostrophes_and_dashes() {
        assert_eq!(condition_key("Parkinson's  Disease"), "parkinsons disease");
        assert_eq!(
            condition_key("lumbar-canal stenosis"),
            "lumbar canal stenosis"
        );
    }

    #[test]
    fn a_wrong_header_names_the_expected_columns() {
        let err = parse("name,class\n", "alias,ingredients,type,note\n").unwrap_err();
        assert!(
            err.to_string().starts_with("drugs.csv: header must be"),
            "{err}"
        );
    }
}
