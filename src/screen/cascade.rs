//! Notes on a patient's whole list: the prescribing cascade (quinine beside a drug flagged for
//! cramps, Garrison 2012) and quinidine's cross-hypersensitivity with quinine (a note, not a flag).

use crate::kb::{Kb, Kind};
use crate::screen::{Finding, Status};

/// A note on the whole list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// A short title (`Prescribing cascade`).
    pub title: &'static str,
    /// The note, worded for a professional.
    pub text: String,
    /// Source ids.
    pub sources: Vec<String>,
}

/// The notes for one patient's findings (rows give the entries' numbers).
#[must_use]
pub fn notes<'a>(kb: &Kb, findings: impl IntoIterator<Item = (u64, &'a Finding)>) -> Vec<Note> {
    let mut quinine = false;
    let mut flagged: Vec<&str> = Vec::new();
    let mut quinidine: Vec<u64> = Vec::new();
    for (row, f) in findings {
        match f.status {
            Status::Warning => quinine = true,
            Status::Flagged => {
                if let Some(d) = f.drug.and_then(|d| kb.drugs.get(d))
                    && d.kind != Kind::Quinine
                    && !flagged.contains(&d.ingredient.as_str())
                {
                    flagged.push(&d.ingredient);
                }
            }
            Status::Clear if is_quinidine(&f.ingredient) && !quinidine.contains(&row) => {
                quinidine.push(row);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if quinine && !flagged.is_empty() {
        out.push(cascade(&flagged));
    }
    if !quinidine.is_empty() {
        let rows: Vec<String> = quinidine.iter().map(u64::to_string).collect();
        out.push(quinidine_note(&rows.join(", ")));
    }
    out
}

/// The cascade note for quinine beside these flagged drugs.
#[must_use]
pub fn cascade(flagged: &[&str]) -> Note {
    Note {
        title: "Prescribing cascade",
        text: format!(
            "quinine is on the same list as {}, flagged for cramps: quinine may have been \
             started for cramps that {} can cause. Garrison 2012: 60.3% of quinine users had \
             received a LABA, a potassium-sparing or a thiazide-like diuretic. Review the \
             flagged {} before treating the cramps",
            join_and(flagged),
            if flagged.len() == 1 { "it" } else { "they" },
            if flagged.len() == 1 { "drug" } else { "drugs" },
        ),
        sources: vec!["S1".to_owned()],
    }
}

/// The quinidine note (row numbers as text).
#[must_use]
pub fn quinidine_note(rows: &str) -> Note {
    quinidine_note_at(&format!("row {rows}"))
}

/// The quinidine note, saying where quinidine is (`row 26`, `2 entries`).
#[must_use]
pub fn quinidine_note_at(place: &str) -> Note {
    Note {
        title: "Quinidine",
        text: format!(
            "quinidine ({place}) is not quinine and is not flagged; the quinine (Qualaquin) US \
             label lists hypersensitivity to quinidine among its contraindications \
             (cross-hypersensitivity): keep it in mind before quinine is ever considered"
        ),
        sources: vec!["S4".to_owned()],
    }
}

/// Whether a substance name is quinidine (any salt), never quinine.
#[must_use]
pub fn is_quinidine(ingredient: &str) -> bool {
    ingredient
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("quinidine"))
}

fn join_and(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::lexicon::Lexicon;
    use crate::names::matcher::resolve;
    use crate::names::vocab::Vocabulary;
    use crate::screen::screen;

    fn notes_for(list: &[&str]) -> Vec<Note> {
        let kb = Kb::builtin().unwrap();
        let lex = Lexicon::build(&kb, &Vocabulary::builtin()).unwrap();
        let found: Vec<(u64, Finding)> = list
            .iter()
            .zip(1..)
            .flat_map(|(t, row)| {
                screen(&kb, &lex, &resolve(&lex, t))
                    .into_iter()
                    .map(move |f| (row, f))
            })
            .collect();
        notes(&kb, found.iter().map(|(r, f)| (*r, f)))
    }

    #[test]
    fn quinine_beside_a_flagged_drug_gets_the_cascade_note_with_garrisons_figure() {
        let n = notes_for(&["lipitor", "quinine"]);
        assert_eq!(n.len(), 1, "{n:?}");
        assert!(n[0].text.contains("atorvastatin") && n[0].text.contains("60.3%"));
        assert_eq!(n[0].sources, ["S1"]);
    }

    #[test]
    fn quinine_alone_or_a_flagged_drug_alone_gets_no_cascade_note() {
        assert!(notes_for(&["quinine"]).is_empty());
        assert!(notes_for(&["lipitor"]).is_empty());
    }

    #[test]
    fn quinidine_gets_the_cross_hypersensitivity_note_and_no_cascade() {
        let n = notes_for(&["lipitor", "quinidine sulfate 300 mg"]);
        assert_eq!(n.len(), 1, "{n:?}");
        assert_eq!(n[0].title, "Quinidine");
        assert!(n[0].text.contains("row 2"));
        assert!(!is_quinidine("quinine") && is_quinidine("QUINIDINE SULFATE"));
    }
}
