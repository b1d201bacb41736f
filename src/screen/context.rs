//! Patient context: the risk factors a patient has (age, sex, pregnancy, haemodialysis, named
//! conditions) matched to the figures of `context.csv` — context lines with their sources,
//! never a score.

use crate::kb::{ContextKind, Kb, condition_key};

/// Sex, as far as the figures distinguish it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
}

impl Sex {
    /// Parses `F`, `M`, `female`, `male`, `w`/`woman`, `man` (any case); `None` otherwise.
    #[must_use]
    pub fn parse(s: &str) -> Option<Sex> {
        match s.trim().to_ascii_lowercase().as_str() {
            "f" | "female" | "w" | "woman" => Some(Sex::Female),
            "m" | "male" | "man" => Some(Sex::Male),
            _ => None,
        }
    }

    fn code(self) -> char {
        match self {
            Sex::Female => 'F',
            Sex::Male => 'M',
        }
    }
}

/// What is known about the patient.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Patient {
    /// Age in years.
    pub age: Option<u32>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Pregnant.
    pub pregnant: bool,
    /// On haemodialysis.
    pub dialysis: bool,
    /// Named conditions, as given.
    pub conditions: Vec<String>,
}

impl Patient {
    /// Whether nothing is known.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Patient::default()
    }
}

/// One line of context: the factor, its figure, its sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextLine {
    /// The factor as shown (`Age over 65 (72)`, `Peripheral vascular disease`).
    pub factor: String,
    /// The figure, as the evidence sheet gives it.
    pub text: String,
    /// Source ids.
    pub sources: Vec<String>,
}

impl ContextLine {
    /// `factor: text [S18]`.
    #[must_use]
    pub fn sentence(&self) -> String {
        format!(
            "{}: {} [{}]",
            self.factor,
            self.text,
            self.sources.join("; ")
        )
    }
}

/// The context lines for a patient, in `context.csv` order; a condition that `context.csv` does
/// not know becomes a line saying so.
#[must_use]
pub fn context(kb: &Kb, p: &Patient) -> Vec<ContextLine> {
    let mut out = Vec::new();
    let keys: Vec<String> = p.conditions.iter().map(|c| condition_key(c)).collect();
    for row in &kb.context {
        let factor = match row.kind {
            ContextKind::Age { min, max } => match p.age {
                Some(a) if a >= min && max.is_none_or(|m| a <= m) => {
                    format!("{} (age {a})", row.label)
                }
                _ => continue,
            },
            ContextKind::Sex(c) if p.sex.map(Sex::code) == Some(c) => row.label.clone(),
            ContextKind::Pregnancy if p.pregnant => row.label.clone(),
            ContextKind::Dialysis if p.dialysis => row.label.clone(),
            ContextKind::Condition if row.names.iter().any(|n| keys.contains(n)) => {
                row.label.clone()
            }
            _ => continue,
        };
        out.push(ContextLine {
            factor,
            text: row.text.clone(),
            sources: row.sources.clone(),
        });
    }
    for (given, key) in p.conditions.iter().zip(&keys) {
        if !key.is_empty() && unknown_condition(kb, key) {
            out.push(ContextLine {
                factor: given.trim().to_owned(),
                text: "not among the conditions crampcheck has figures for".to_owned(),
                sources: Vec::new(),
            });
        }
    }
    out
}

fn unknown_condition(kb: &Kb, key: &str) -> bool {
    !kb.context
        .iter()
        .any(|r| r.kind == ContextKind::Condition && r.names.iter().any(|n| n == key))
}

/// The condition names `context.csv` accepts (the first name of each), for messages and help.
#[must_use]
pub fn known_conditions(kb: &Kb) -> Vec<String> {
    kb.context
        .iter()
        .filter(|r| r.kind == ContextKind::Condition)
        .filter_map(|r| r.names.first().cloned())
        .collect()
}

/// The condition among `given` that `context.csv` does not know, if any.
#[must_use]
pub fn first_unknown(kb: &Kb, given: &[String]) -> Option<String> {
    given
        .iter()
        .find(|g| unknown_condition(kb, &condition_key(g)))
        .cloned()
}

/// Splits a conditions cell (`PVD; arthritis`, `cirrhosis|Parkinson's`) into names.
#[must_use]
pub fn split_conditions(cell: &str) -> Vec<String> {
    cell.split([';', '|', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads a yes/no cell: `yes`, `y`, `true`, `1`, `x` are yes.
#[must_use]
pub fn yes(cell: &str) -> bool {
    matches!(
        cell.trim().to_ascii_lowercase().as_str(),
        "yes" | "y" | "true" | "1" | "x"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> Kb {
        Kb::builtin().unwrap()
    }

    #[test]
    fn age_72_with_peripheral_vascular_disease_gives_two_lines_with_figures_and_sources() {
        let p = Patient {
            age: Some(72),
            conditions: vec!["Peripheral Vascular Disease".into()],
            ..Patient::default()
        };
        let lines = context(&kb(), &p);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].text.contains("50%") && lines[0].sources == ["S18"]);
        assert!(lines[1].text.contains("2.9") && lines[1].sources == ["S18"]);
    }

    #[test]
    fn age_62_gets_the_nice_figure_and_age_50_nothing() {
        let at = |age| {
            context(
                &kb(),
                &Patient {
                    age: Some(age),
                    ..Patient::default()
                },
            )
        };
        assert_eq!(at(62)[0].sources, ["S19"]);
        assert!(at(50).is_empty());
    }

    #[test]
    fn parkinsons_disease_says_the_article_names_it_without_a_figure() {
        let p = Patient {
            conditions: vec!["Parkinson's disease".into()],
            ..Patient::default()
        };
        let lines = context(&kb(), &p);
        assert!(lines[0].text.contains("no figure"), "{lines:?}");
        assert_eq!(lines[0].sources, ["S0"]);
    }

    #[test]
    fn an_unknown_condition_is_named_not_dropped() {
        let kb = kb();
        let given = vec!["gout".to_owned()];
        assert_eq!(first_unknown(&kb, &given).as_deref(), Some("gout"));
        let p = Patient {
            conditions: given,
            ..Patient::default()
        };
        assert!(context(&kb, &p)[0].text.contains("not among"));
    }

    #[test]
    fn cells_are_read_forgivingly() {
        assert_eq!(split_conditions("PVD; arthritis|"), ["PVD", "arthritis"]);
        assert!(yes(" Yes ") && !yes("no") && !yes(""));
        assert_eq!(Sex::parse("f"), Some(Sex::Female));
    }
}
