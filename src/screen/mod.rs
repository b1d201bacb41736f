//! Resolved mentions → findings: flagged, warning, review, clear or unrecognized, one per drug,
//! ordered so that the quinine warning and the highest levels come first.

pub mod cascade;
pub mod context;
pub mod grouping;

use crate::kb::{ContextKind, ContextRow, DrugId, Kb, Kind};
use crate::names::combinations::Partners;
use crate::names::lexicon::{Lexicon, Meaning, NameId};
use crate::names::matcher::{Candidate, How, Resolution};

/// What a finding says about an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Quinine: FDA warning.
    Warning,
    /// A drug associated with leg cramps.
    Flagged,
    /// Could be a target or another drug: a person must decide.
    Review,
    /// Another recognized drug.
    Clear,
    /// Nothing recognized.
    Unrecognized,
    /// The input record could not be read.
    Error,
}

impl Status {
    /// The word used in output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Warning => "warning",
            Status::Flagged => "flagged",
            Status::Review => "review",
            Status::Clear => "clear",
            Status::Unrecognized => "unrecognized",
            Status::Error => "error",
        }
    }
}

/// One finding for one drug of one entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Status.
    pub status: Status,
    /// The knowledge-base drug (flagged, warning, and the target candidate of a review).
    pub drug: Option<DrugId>,
    /// The ingredient: the target, the other drug for `clear`, the candidates for `review`.
    pub ingredient: String,
    /// The words of the entry that matched.
    pub text: String,
    /// The name they matched.
    pub matched_as: String,
    /// How they matched.
    pub how: Option<How>,
    /// Similarity, 1 for exact matches.
    pub score: Option<f32>,
    /// For fuzzy matches: the best candidate of another drug, with its score.
    pub runner_up: String,
    /// For reviews: every candidate, with its score.
    pub candidates: String,
    /// Anything else worth knowing (unmatched words, an error's reason).
    pub note: String,
}

impl Finding {
    fn bare(status: Status, note: String) -> Finding {
        Finding {
            status,
            drug: None,
            ingredient: String::new(),
            text: String::new(),
            matched_as: String::new(),
            how: None,
            score: None,
            runner_up: String::new(),
            candidates: String::new(),
            note,
        }
    }

    /// The finding for an input record that could not be read.
    #[must_use]
    pub fn error(reason: String) -> Finding {
        Finding::bare(Status::Error, reason)
    }
}

/// The drink with a target in it (`context.csv`, kind `drink`) that the normalized entry names,
/// with the name as found.
fn drink_named<'k>(kb: &'k Kb, normalized: &str) -> Option<(&'k ContextRow, &'k str)> {
    kb.context
        .iter()
        .filter(|r| r.kind == ContextKind::Drink)
        .find_map(|r| {
            r.names
                .iter()
                .find(|n| holds_words(normalized, n))
                .map(|n| (r, n.as_str()))
        })
}

/// Whether `text` holds `phrase` as whole words (both space-separated).
fn holds_words(text: &str, phrase: &str) -> bool {
    let bytes = text.as_bytes();
    !phrase.is_empty()
        && text.match_indices(phrase).any(|(i, _)| {
            let end = i + phrase.len();
            (i == 0 || bytes[i - 1] == b' ') && (end == bytes.len() || bytes[end] == b' ')
        })
}

/// Screens one resolved entry: at least one finding, always.
#[must_use]
pub fn screen(kb: &Kb, lex: &Lexicon, res: &Resolution) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let drink = drink_named(kb, &res.normalized);
    for hit in &res.hits {
        let name = lex.name(hit.name);
        // `water` in `tonic water` is the drink, not the drug water (a target named in it,
        // `quinine water`, is still reported).
        if let Some((_, phrase)) = drink
            && matches!(name.meaning, Meaning::Other(_))
            && hit
                .text
                .split(' ')
                .all(|w| phrase.split(' ').any(|p| p == w))
        {
            continue;
        }
        let base = Finding {
            status: Status::Clear,
            drug: None,
            ingredient: String::new(),
            text: hit.text.clone(),
            matched_as: name.display.to_string(),
            how: Some(hit.how),
            score: Some(hit.score),
            runner_up: hit
                .runner_up
                .map(|c| describe(kb, lex, c))
                .unwrap_or_default(),
            candidates: String::new(),
            note: String::new(),
        };
        if !hit.review.is_empty() {
            let drug = hit.review.iter().find_map(|c| first_target(lex, c.name));
            let ingredients: Vec<String> = hit
                .review
                .iter()
                .map(|c| ingredient_of(kb, lex, c.name))
                .collect();
            let candidates: Vec<String> =
                hit.review.iter().map(|c| describe(kb, lex, *c)).collect();
            push(
                &mut out,
                Finding {
                    status: Status::Review,
                    drug,
                    ingredient: ingredients.join(" or "),
                    candidates: candidates.join(" | "),
                    runner_up: String::new(),
                    note: lex.contest(hit.name).map_or_else(
                        || {
                            if lex.product_conflict(hit.name).is_some() {
                                "the registers list this name for products with different \
                                 ingredients (in different markets): check which one"
                                    .to_owned()
                            } else {
                                res.why_review.unwrap_or_default().to_owned()
                            }
                        },
                        |c| c.source.clone(),
                    ),
                    ..base
                },
            );
            continue;
        }
        if let Some(word) = &hit.suffix {
            suffix_findings(kb, lex, &mut out, &base, name.display, word, hit.name);
        }
        match &name.meaning {
            Meaning::Targets(drugs) => {
                for &d in drugs {
                    let status = if kb.drugs[d].kind == Kind::Quinine {
                        Status::Warning
                    } else {
                        Status::Flagged
                    };
                    let ingredient = kb.drugs[d].ingredient.clone();
                    push(
                        &mut out,
                        Finding {
                            status,
                            drug: Some(d),
                            ingredient,
                            ..base.clone()
                        },
                    );
                }
            }
            Meaning::Other(s) => {
                let ingredient = lex.substance(*s).to_owned();
                push(&mut out, Finding { ingredient, ..base });
            }
        }
    }
    if let Some((row, phrase)) = drink {
        let mut f = Finding::bare(
            Status::Clear,
            format!(
                "{}: {} [{}]; a drink, not a medicine",
                row.label,
                row.text,
                row.sources.join("; ")
            ),
        );
        f.ingredient = phrase.to_owned();
        f.text = phrase.to_owned();
        f.matched_as = row.label.clone();
        out.push(f);
    }
    let condition = named_classes(kb, res, &mut out);
    if out.is_empty() {
        let note = if let Some(word) = &res.not_a_medicine {
            format!("not a medicine: the entry names a {word}")
        } else if let Some((class, word)) = condition {
            format!(
                "a drug class ({class}) named with `{word}`: a condition or history, not a medicine"
            )
        } else if let (Some(group), Some(word)) = (&res.condition_group, &res.condition) {
            format!(
                "a drug group ({group}) named with `{word}`: a condition or history, not a medicine"
            )
        } else if res.unmatched.is_empty() {
            "no drug name in the entry".to_owned()
        } else {
            format!("no known drug matches: {}", res.unmatched.join(" "))
        };
        let mut f = Finding::bare(Status::Unrecognized, note);
        // The nearest names, too far for a confident match: for a person to look at.
        f.candidates = res
            .nearest
            .iter()
            .map(|c| describe(kb, lex, *c))
            .collect::<Vec<_>>()
            .join(" | ");
        out.push(f);
    } else if !res.unmatched.is_empty() {
        // After the first finding's own note, if it has one (a review's reason, a drink).
        let unmatched = format!("unmatched words: {}", res.unmatched.join(" "));
        let note = &mut out[0].note;
        if note.is_empty() {
            *note = unmatched;
        } else {
            note.push_str("; ");
            note.push_str(&unmatched);
        }
    }
    out.sort_by(|a, b| {
        let level = |f: &Finding| std::cmp::Reverse(f.drug.map(|d| kb.drugs[d].level));
        a.status.cmp(&b.status).then(level(a).cmp(&level(b)))
    });
    out
}

/// What a combination word after a drug that is no target says (`Ramipril comp`, `Co-Diovan`):
/// the registers' products of that drug with a diuretic, when they all hold the same targets
/// (flagged, the products named); several sets for review, naming each; else a review that it
/// may hold a diuretic.
fn suffix_findings(
    kb: &Kb,
    lex: &Lexicon,
    out: &mut Vec<Finding>,
    base: &Finding,
    display: &str,
    word: &str,
    name: NameId,
) {
    let matched_as = format!("{display} + {word}");
    // By convention the word names the diuretic combination (a statin beside a blood-pressure
    // drug has a brand of its own: Caduet, Triveram).
    let diuretic = |d: &DrugId| {
        kb.drugs
            .get(*d)
            .is_some_and(|d| d.class.contains("diuretic"))
    };
    let partners: Vec<&Partners> = lex
        .registered_partners(name)
        .iter()
        .filter(|p| p.targets.iter().any(diuretic))
        .collect();
    let products = |p: &Partners| -> String {
        p.products
            .iter()
            .map(|(n, m)| format!("{n} ({m})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let names = |p: &Partners| -> String {
        p.targets
            .iter()
            .filter_map(|&d| kb.drugs.get(d).map(|d| d.ingredient.as_str()))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    match partners.as_slice() {
        [only] => {
            for &d in &only.targets {
                let Some(drug) = kb.drugs.get(d) else {
                    continue;
                };
                push(
                    out,
                    Finding {
                        status: if drug.kind == Kind::Quinine {
                            Status::Warning
                        } else {
                            Status::Flagged
                        },
                        drug: Some(d),
                        ingredient: drug.ingredient.clone(),
                        matched_as: matched_as.clone(),
                        how: Some(How::Suffix),
                        note: format!(
                            "`{word}` after {display}: every product of it with a diuretic in the \
                             registers holds {}: {}; check the product's ingredients",
                            names(only),
                            products(only)
                        ),
                        ..base.clone()
                    },
                );
            }
        }
        [first, ..] => push(
            out,
            Finding {
                status: Status::Review,
                drug: first.targets.first().copied(),
                ingredient: partners
                    .iter()
                    .map(|p| names(p))
                    .collect::<Vec<_>>()
                    .join(" or "),
                matched_as,
                how: Some(How::Suffix),
                candidates: partners
                    .iter()
                    .map(|p| format!("{} [target]: {}", names(p), products(p)))
                    .collect::<Vec<_>>()
                    .join(" | "),
                note: format!(
                    "`{word}` after {display} names a combination; the registers combine it with \
                     several diuretics: check which one the product holds"
                ),
                ..base.clone()
            },
        ),
        [] => push(
            out,
            Finding {
                status: Status::Review,
                ingredient: "possible diuretic".to_owned(),
                matched_as,
                how: Some(How::Suffix),
                candidates: format!("{display} (combination?)"),
                note: format!(
                    "`{word}` with this blood-pressure drug or diuretic usually names a \
                     combination with a diuretic (often hydrochlorothiazide or amiloride) \
                     that this product name does not show: check the product's ingredients"
                ),
                ..base.clone()
            },
        ),
    }
}

/// A class named without its drug (`water pill`, `statin`) says so; beside a drug of that class
/// (`furosemide (loop diuretic)`, `Lasix water pill`) it adds nothing and is left out, and with a
/// condition word (`statin intolerance`) it is no medicine taken: left out, and the class and the
/// word returned.
fn named_classes<'a>(
    kb: &'a Kb,
    res: &'a Resolution,
    out: &mut Vec<Finding>,
) -> Option<(&'a str, &'a str)> {
    let drug = |f: &Finding| f.drug.and_then(|d| kb.drugs.get(d));
    if !out
        .iter()
        .any(|f| drug(f).is_some_and(|d| d.kind == Kind::Class))
    {
        return None;
    }
    let words = |class: &'a str| -> Vec<&'a str> {
        class.split([' ', '-']).filter(|w| !w.is_empty()).collect()
    };
    let members: Vec<Vec<&str>> = out
        .iter()
        .filter_map(drug)
        .filter(|d| d.kind != Kind::Class)
        .map(|d| words(&d.class))
        .collect();
    let mut condition = None;
    out.retain_mut(|f| {
        let Some(class) = drug(f).filter(|d| d.kind == Kind::Class) else {
            return true;
        };
        if let Some(word) = &res.condition {
            condition = Some((class.class.as_str(), word.as_str()));
            return false;
        }
        let named = words(&class.class);
        // A review is a doubt between a class and another drug (`tariazide`: thiazide or
        // Targosid): it stays beside a drug of the class.
        if f.status != Status::Review && members.iter().any(|m| named.iter().all(|w| m.contains(w)))
        {
            return false;
        }
        if f.note.is_empty() {
            f.note = format!(
                "the entry names a class ({}), not the drug: ask which one it is",
                class.class
            );
        }
        true
    });
    condition
}

/// Adds a finding unless the same drug was already found in this entry by an earlier mention
/// (`Atorvastatin Calcium 10 MG Oral Tablet [Lipitor]` is one drug).
fn push(out: &mut Vec<Finding>, f: Finding) {
    if out
        .iter()
        .any(|o| o.status == f.status && o.ingredient == f.ingredient)
    {
        return;
    }
    out.push(f);
}

fn first_target(lex: &Lexicon, id: NameId) -> Option<DrugId> {
    match &lex.name(id).meaning {
        Meaning::Targets(t) => t.first().copied(),
        Meaning::Other(_) => None,
    }
}

/// The ingredient a name stands for, as shown to users.
#[must_use]
pub fn ingredient_of(kb: &Kb, lex: &Lexicon, id: NameId) -> String {
    match &lex.name(id).meaning {
        Meaning::Targets(t) => t
            .iter()
            .map(|&d| kb.drugs[d].ingredient.as_str())
            .collect::<Vec<_>>()
            .join(" + "),
        Meaning::Other(s) => lex.substance(*s).to_owned(),
    }
}

/// `name (ingredient) 0.86` with `[target]` for knowledge-base drugs.
#[must_use]
pub fn describe(kb: &Kb, lex: &Lexicon, c: Candidate) -> String {
    let name = lex.name(c.name);
    let ingredient = ingredient_of(kb, lex, c.name);
    let target = if matches!(name.meaning, Meaning::Other(_)) {
        ""
    } else {
        " [target]"
    };
    if ingredient.eq_ignore_ascii_case(name.display) {
        format!("{} {:.2}{target}", name.display, c.score)
    } else {
        format!("{} ({ingredient}) {:.2}{target}", name.display, c.score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::matcher::resolve;
    use crate::names::vocab::Vocabulary;
    use std::sync::OnceLock;

    fn setup() -> &'static (Kb, Lexicon) {
        static S: OnceLock<(Kb, Lexicon)> = OnceLock::new();
        S.get_or_init(|| {
            let kb = Kb::builtin().unwrap();
            let lex = Lexicon::build(&kb, &Vocabulary::builtin()).unwrap();
            (kb, lex)
        })
    }

    fn findings(text: &str) -> Vec<(Status, String)> {
        let (kb, lex) = setup();
        screen(kb, lex, &resolve(lex, text))
            .into_iter()
            .map(|f| (f.status, f.ingredient))
            .collect()
    }

    #[test]
    fn a_drink_is_found_only_as_whole_words() {
        assert!(holds_words("tonic water", "tonic water"));
        assert!(holds_words("gin and tonic water daily", "tonic water"));
        assert!(!holds_words("tonic waters", "tonic water"));
        assert!(!holds_words("xtonic water", "tonic water"));
        assert!(!holds_words("tonic", "tonic water"));
        assert!(!holds_words("tonic water", ""));
    }

    #[test]
    fn a_combination_brand_flags_each_target_ingredient() {
        let f = findings("Dyazide");
        assert!(
            f.contains(&(Status::Flagged, "triamterene".into())),
            "{f:?}"
        );
        assert!(
            f.contains(&(Status::Flagged, "hydrochlorothiazide".into())),
            "{f:?}"
        );
    }

    #[test]
    fn quinine_is_a_warning_and_sorts_first() {
        let f = findings("quinine sulfate 324 MG Oral Capsule");
        assert_eq!(f[0], (Status::Warning, "quinine".into()));
    }

    #[test]
    fn every_entry_yields_at_least_one_finding() {
        for text in ["", "10 mg", "zzzz", "metformin 500 mg"] {
            assert!(!findings(text).is_empty(), "{text:?}");
        }
        assert_eq!(findings("")[0].0, Status::Unrecognized);
    }

    #[test]
    fn an_rxnorm_name_with_its_brand_is_one_finding() {
        let f = findings("Atorvastatin Calcium 10 MG Oral Tablet [Lipitor]");
        assert_eq!(f, vec![(Status::Flagged, "atorvastatin".into())]);
    }

    #[test]
    fn another_drug_is_clear_with_its_name() {
        let f = findings("metformin 500 mg bid");
        assert_eq!(f[0].0, Status::Clear);
        assert!(f[0].1.contains("metformin"), "{f:?}");
    }
}
