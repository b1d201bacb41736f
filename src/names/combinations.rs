//! What a combination word after a drug may stand for, from the registers: every registered
//! product of several ingredients (`data/products.tsv`), by each ingredient that is no target,
//! with the targets its partners are. `Ramipril comp` is then read as the products that pair
//! ramipril with a diuretic (all of them with hydrochlorothiazide), `Atenolol comp` as several
//! (chlorthalidone, bendroflumethiazide, amiloride with hydrochlorothiazide), for review.

use std::collections::{HashMap, HashSet};

use crate::kb::DrugId;

/// The products of more than one ingredient, from `data/products.tsv` (name, ingredients joined
/// by `; `, markets), kept by `build.rs`.
const BUILTIN: &str = include_str!(concat!(env!("OUT_DIR"), "/combinations.tsv"));

/// How many products are named as examples of one set of partners.
const EXAMPLES: usize = 3;

/// An ingredient as the lexicon reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// One or more knowledge-base ingredients.
    Targets(Vec<DrugId>),
    /// Another drug, by its substance without salt words.
    Other(String),
}

/// The targets one drug is registered with, and some of the products.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partners {
    /// The targets (sorted), never empty.
    pub targets: Vec<DrugId>,
    /// Up to three products holding the drug with exactly these targets: name and markets.
    pub products: Vec<(String, String)>,
}

/// Registered combinations by each of their ingredients that is no target.
#[derive(Debug, Default)]
pub struct Combinations {
    by_drug: HashMap<String, Vec<Partners>>,
    /// Every two targets registered in one product (the smaller id first).
    target_pairs: HashSet<(DrugId, DrugId)>,
}

impl Combinations {
    /// The built-in registers' combinations, each ingredient read with `part` (`None` for an
    /// ingredient the lexicon does not know, which is left out).
    pub fn builtin(part: impl Fn(&str) -> Option<Part>) -> Combinations {
        Combinations::new(BUILTIN, part)
    }

    /// Combinations from `products.tsv` lines (`name`, `ingredients` joined by `; `, `markets`).
    pub fn new(text: &str, part: impl Fn(&str) -> Option<Part>) -> Combinations {
        let mut by_drug: HashMap<String, Vec<Partners>> = HashMap::new();
        let mut target_pairs = HashSet::new();
        // Products share their ingredients (thousands hold hydrochlorothiazide): each distinct
        // ingredient is read once.
        let mut read: HashMap<&str, Option<Part>> = HashMap::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let mut cols = line.split('\t');
            let (Some(name), Some(ingredients)) = (cols.next(), cols.next()) else {
                continue;
            };
            let markets = cols.next().unwrap_or_default();
            let parts: Vec<Part> = ingredients
                .split("; ")
                .filter_map(|i| read.entry(i).or_insert_with(|| part(i)).clone())
                .collect();
            let mut targets: Vec<DrugId> = parts
                .iter()
                .filter_map(|p| match p {
                    Part::Targets(t) => Some(t.iter().copied()),
                    Part::Other(_) => None,
                })
                .flatten()
                .collect();
            targets.sort_unstable();
            targets.dedup();
            if targets.is_empty() {
                continue;
            }
            pair_up(&mut target_pairs, &targets);
            for p in &parts {
                let Part::Other(drug) = p else { continue };
                let list = by_drug.entry(drug.clone()).or_default();
                match list.iter_mut().find(|p| p.targets == targets) {
                    Some(p) if p.products.len() < EXAMPLES => {
                        p.products.push((name.to_owned(), markets.to_owned()));
                    }
                    Some(_) => {}
                    None => list.push(Partners {
                        targets: targets.clone(),
                        products: vec![(name.to_owned(), markets.to_owned())],
                    }),
                }
            }
        }
        for list in by_drug.values_mut() {
            list.sort_by(|a, b| a.targets.cmp(&b.targets));
        }
        Combinations {
            by_drug,
            target_pairs,
        }
    }

    /// The sets of targets `drug` (a substance without salt words) is registered with.
    #[must_use]
    pub fn partners(&self, drug: &str) -> &[Partners] {
        self.by_drug.get(drug).map_or(&[], Vec::as_slice)
    }

    /// Records that these targets (sorted) are held together in one product.
    pub fn add_targets_together(&mut self, targets: &[DrugId]) {
        pair_up(&mut self.target_pairs, targets);
    }

    /// Whether two different targets are registered together in one product.
    #[must_use]
    pub fn targets_together(&self, a: DrugId, b: DrugId) -> bool {
        a != b && self.target_pairs.contains(&(a.min(b), a.max(b)))
    }
}

/// Every two different targets of a sorted set, the smaller first.
fn pair_up(pairs: &mut HashSet<(DrugId, DrugId)>, targets: &[DrugId]) {
    for (i, &a) in targets.iter().enumerate() {
        for &b in &targets[i + 1..] {
            if a != b {
                pairs.insert((a.min(b), a.max(b)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HCTZ: DrugId = 1;
    const CHLORTHALIDONE: DrugId = 2;

    fn part(name: &str) -> Option<Part> {
        match name {
            "hydrochlorothiazide" => Some(Part::Targets(vec![HCTZ])),
            "chlorthalidone" => Some(Part::Targets(vec![CHLORTHALIDONE])),
            "unknown thing" => None,
            other => Some(Part::Other(
                other.split(' ').next().unwrap_or_default().to_owned(),
            )),
        }
    }

    const TEXT: &str = "\
# a comment
altace hct\thydrochlorothiazide; ramipril\tCA
cotriatec\thydrochlorothiazide; ramipril maleate\tFR
preminor\tamlodipine; ramipril\tFR
tenoret\tatenolol; chlorthalidone\tUK
kalten\tamiloride; atenolol; hydrochlorothiazide\tUK
";

    #[test]
    fn a_drug_registered_with_one_target_has_one_set_of_partners_with_its_products() {
        let c = Combinations::new(TEXT, part);
        assert_eq!(
            c.partners("ramipril"),
            [Partners {
                targets: vec![HCTZ],
                products: vec![
                    ("altace hct".into(), "CA".into()),
                    ("cotriatec".into(), "FR".into())
                ],
            }]
        );
    }

    #[test]
    fn a_drug_registered_with_several_targets_has_each_set() {
        let c = Combinations::new(TEXT, part);
        let sets: Vec<&[DrugId]> = c
            .partners("atenolol")
            .iter()
            .map(|p| p.targets.as_slice())
            .collect();
        assert_eq!(sets, [&[HCTZ][..], &[CHLORTHALIDONE][..]]);
        assert!(c.partners("amlodipine").is_empty(), "no target beside it");
        assert!(c.partners("nothing").is_empty());
    }

    #[test]
    fn two_targets_in_one_product_are_registered_together_either_way_round() {
        let c = Combinations::new(TEXT, part);
        assert!(
            !c.targets_together(HCTZ, CHLORTHALIDONE),
            "never in one product"
        );
        let amiloride: DrugId = 3;
        let with_amiloride = "moduret\tamiloride; hydrochlorothiazide\tUK\n";
        let c = Combinations::new(with_amiloride, |name| match name {
            "amiloride" => Some(Part::Targets(vec![amiloride])),
            other => part(other),
        });
        assert!(c.targets_together(HCTZ, amiloride));
        assert!(c.targets_together(amiloride, HCTZ));
        assert!(
            !c.targets_together(HCTZ, HCTZ),
            "a target is not its own partner"
        );
    }

    #[test]
    fn targets_added_together_are_paired_as_a_product_pairs_them() {
        let mut c = Combinations::new("", part);
        assert!(!c.targets_together(HCTZ, CHLORTHALIDONE));
        c.add_targets_together(&[HCTZ, CHLORTHALIDONE]);
        assert!(c.targets_together(CHLORTHALIDONE, HCTZ));
    }

    #[test]
    fn the_built_in_registers_pair_ramipril_with_hydrochlorothiazide() {
        let c = Combinations::builtin(part);
        assert!(c.partners("ramipril").iter().any(|p| p.targets == [HCTZ]));
    }
}
