//! Per-patient totals for `batch --summary` and `merge-summaries`: what a summary needs, kept so
//! that any order of rows and any split of the input into parts gives the same totals (every
//! field is a sum, a maximum or a set union), and a hash of patients with a cap on its size.

use std::fmt;
use std::hash::BuildHasher as _;
use std::sync::Arc;

use crate::kb::Level;
use crate::screen::context::{Patient, Sex, split_conditions, yes};

/// The patients `--summary` holds at most by default (see `docs/summary.md` for the memory).
pub const DEFAULT_MAX_PATIENTS: usize = 1_000_000;

/// One patient's totals. Merging two tallies ([`Tally::merge`]) gives the tally of the rows of
/// both, whatever their order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Entries screened.
    pub entries: u64,
    /// Flagged findings.
    pub flagged: u64,
    /// Quinine warnings.
    pub warnings: u64,
    /// Findings for review.
    pub review: u64,
    /// Unrecognized entries.
    pub unrecognized: u64,
    /// Records that could not be read.
    pub errors: u64,
    /// Ingredients flagged or warned about, each with its level, sorted by ingredient (names
    /// shared with the knowledge base's, and a slice of the exact size: a tally is small).
    pub drugs: Box<[(Arc<str>, Level)]>,
    /// Entries naming quinidine (for its note).
    pub quinidine: u64,
    /// What the rows say about the patient.
    pub said: Said,
}

/// What a patient's rows say about them, in a form that merges: every age given (as the lowest
/// and the highest), every sex given, a yes to pregnant or dialysis on any row, and every
/// condition named.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Said {
    /// The lowest and highest age given (ages are at most 130).
    pub ages: Option<(u8, u8)>,
    /// Some row says female.
    pub female: bool,
    /// Some row says male.
    pub male: bool,
    /// Some row says pregnant.
    pub pregnant: bool,
    /// Some row says on haemodialysis.
    pub dialysis: bool,
    /// Conditions named, sorted (ASCII case ignored) and without case-only duplicates: of names
    /// that differ only in case, the one that sorts first byte-wise is kept.
    pub conditions: Vec<String>,
}

impl Said {
    /// Adds one age (an age over 130 is not taken).
    pub fn add_age(&mut self, age: u32) {
        let Some(age) = u8::try_from(age).ok().filter(|&a| a <= 130) else {
            return;
        };
        self.ages = Some(match self.ages {
            None => (age, age),
            Some((lo, hi)) => (lo.min(age), hi.max(age)),
        });
    }

    /// Adds one sex.
    pub fn add_sex(&mut self, sex: Sex) {
        match sex {
            Sex::Female => self.female = true,
            Sex::Male => self.male = true,
        }
    }

    /// Adds condition names.
    pub fn add_conditions(&mut self, names: impl IntoIterator<Item = String>) {
        let before = self.conditions.len();
        self.conditions.extend(names);
        if self.conditions.len() != before {
            settle_conditions(&mut self.conditions);
        }
    }

    /// Adds what one input row's context cells say (`age, sex, pregnant, dialysis,
    /// conditions`); an age that is not a whole number up to 130 and a sex other than F/M are
    /// not taken.
    pub fn add_row(&mut self, cells: &[&str]) {
        let cell = |i: usize| cells.get(i).copied().unwrap_or_default().trim();
        if let Some(age) = cell(0).parse::<u32>().ok().filter(|&a| a <= 130) {
            self.add_age(age);
        }
        if let Some(sex) = Sex::parse(cell(1)) {
            self.add_sex(sex);
        }
        self.pregnant |= yes(cell(2));
        self.dialysis |= yes(cell(3));
        let names = split_conditions(cell(4));
        if !names.is_empty() {
            self.add_conditions(names);
        }
    }

    /// Merges what another part said.
    pub fn merge(&mut self, other: Said) {
        if let Some((lo, hi)) = other.ages {
            self.add_age(lo.into());
            self.add_age(hi.into());
        }
        self.female |= other.female;
        self.male |= other.male;
        self.pregnant |= other.pregnant;
        self.dialysis |= other.dialysis;
        self.add_conditions(other.conditions);
    }

    /// Whether the rows gave different ages, or both sexes.
    #[must_use]
    pub fn disagrees(&self) -> bool {
        self.ages.is_some_and(|(lo, hi)| lo != hi) || (self.female && self.male)
    }

    /// The patient the context lines are drawn for: the highest age given; a sex only when
    /// every row that gives one agrees.
    #[must_use]
    pub fn patient(&self) -> Patient {
        Patient {
            age: self.ages.map(|(_, hi)| u32::from(hi)),
            sex: match (self.female, self.male) {
                (true, false) => Some(Sex::Female),
                (false, true) => Some(Sex::Male),
                _ => None,
            },
            pregnant: self.pregnant,
            dialysis: self.dialysis,
            conditions: self.conditions.clone(),
        }
    }
}

/// Sorts condition names with ASCII case ignored and drops case-only duplicates, keeping the
/// byte-wise first spelling (so the result does not depend on the order names came in).
fn settle_conditions(names: &mut Vec<String>) {
    names.sort_by(|a, b| {
        a.to_ascii_lowercase()
            .cmp(&b.to_ascii_lowercase())
            .then_with(|| a.cmp(b))
    });
    names.dedup_by(|later, first| later.eq_ignore_ascii_case(first));
}

impl Tally {
    /// Adds an ingredient found flagged or with a warning (the higher level when it is there).
    pub fn add_drug(&mut self, ingredient: &Arc<str>, level: Level) {
        match self
            .drugs
            .binary_search_by(|(name, _)| (**name).cmp(&**ingredient))
        {
            Ok(i) => {
                if let Some(d) = self.drugs.get_mut(i) {
                    d.1 = d.1.max(level);
                }
            }
            Err(i) => {
                let mut drugs = std::mem::take(&mut self.drugs).into_vec();
                drugs.reserve_exact(1);
                drugs.insert(i, (Arc::clone(ingredient), level));
                self.drugs = drugs.into_boxed_slice();
            }
        }
    }

    /// Merges another part's tally of the same patient.
    pub fn merge(&mut self, other: Tally) {
        self.entries += other.entries;
        self.flagged += other.flagged;
        self.warnings += other.warnings;
        self.review += other.review;
        self.unrecognized += other.unrecognized;
        self.errors += other.errors;
        self.quinidine += other.quinidine;
        for (name, level) in &other.drugs {
            self.add_drug(name, *level);
        }
        self.said.merge(other.said);
    }

    /// The highest level among the drugs found.
    #[must_use]
    pub fn highest(&self) -> Option<Level> {
        self.drugs.iter().map(|(_, l)| *l).max()
    }

    /// The drugs flagged for cramps: every drug found but quinine (the knowledge base gives the
    /// level `warning` to quinine and to nothing else).
    pub fn cramp_drugs(&self) -> impl Iterator<Item = &str> {
        self.drugs
            .iter()
            .filter(|(_, l)| *l != Level::Warning)
            .map(|(n, _)| &**n)
    }
}

/// More patients than the cap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooManyPatients {
    /// The cap.
    pub cap: usize,
}

impl fmt::Display for TooManyPatients {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "more patients than --max-patients {} (the patients --summary holds in memory): \
             raise it with --max-patients N; or sort the input by patient id (byte-wise) and \
             give --sorted, which holds one patient at a time; or split the input into parts of \
             fewer patients, run batch --summary on each and combine them with `crampcheck \
             merge-summaries` (which streams, whatever the number of patients)",
            self.cap
        )
    }
}

impl std::error::Error for TooManyPatients {}

/// Patients by id, at most `cap` of them: the tallies in a vector, found through a table of
/// their indices (a few bytes per patient), and sorted in place at the end.
pub struct Grouping {
    patients: Vec<(Box<str>, Tally)>,
    index: hashbrown::HashTable<u32>,
    hasher: foldhash::fast::RandomState,
    /// The patient met last (rows of a patient often come together).
    last: Option<usize>,
    cap: usize,
}

impl Grouping {
    /// An empty grouping holding at most `cap` patients (and never more than `u32::MAX`).
    #[must_use]
    pub fn new(cap: usize) -> Grouping {
        Grouping {
            patients: Vec::new(),
            index: hashbrown::HashTable::new(),
            hasher: foldhash::fast::RandomState::default(),
            last: None,
            cap: cap.min(u32::MAX as usize),
        }
    }

    /// The tally of `patient`, added when new.
    ///
    /// # Errors
    /// When `patient` is new and the grouping already holds `cap` patients.
    pub fn tally(&mut self, patient: &str) -> Result<&mut Tally, TooManyPatients> {
        let at = match self.last {
            Some(i) if self.patients.get(i).is_some_and(|(p, _)| &**p == patient) => i,
            _ => self.find_or_add(patient)?,
        };
        self.last = Some(at);
        self.patients
            .get_mut(at)
            .map(|(_, t)| t)
            .ok_or(TooManyPatients { cap: self.cap })
    }

    fn find_or_add(&mut self, patient: &str) -> Result<usize, TooManyPatients> {
        let hash = self.hasher.hash_one(patient.as_bytes());
        let patients = &self.patients;
        let same = |&i: &u32| {
            patients
                .get(i as usize)
                .is_some_and(|(p, _)| &**p == patient)
        };
        if let Some(&i) = self.index.find(hash, same) {
            return Ok(i as usize);
        }
        let n = self.patients.len();
        let Some(i) = u32::try_from(n).ok().filter(|_| n < self.cap) else {
            return Err(TooManyPatients { cap: self.cap });
        };
        self.patients.push((patient.into(), Tally::default()));
        let (patients, hasher) = (&self.patients, &self.hasher);
        self.index.insert_unique(hash, i, |&j| {
            patients
                .get(j as usize)
                .map_or(0, |(p, _)| hasher.hash_one(p.as_bytes()))
        });
        Ok(n)
    }

    /// Whether `patient` is held.
    #[must_use]
    pub fn contains(&self, patient: &str) -> bool {
        let hash = self.hasher.hash_one(patient.as_bytes());
        let patients = &self.patients;
        self.index
            .find(hash, |&i| {
                patients
                    .get(i as usize)
                    .is_some_and(|(p, _)| &**p == patient)
            })
            .is_some()
    }

    /// Patients held.
    #[must_use]
    pub fn len(&self) -> usize {
        self.patients.len()
    }

    /// Whether no patient is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.patients.is_empty()
    }

    /// Every patient with their tally, sorted by patient id (byte-wise).
    #[must_use]
    pub fn into_sorted(self) -> Vec<(Box<str>, Tally)> {
        let Grouping { mut patients, .. } = self;
        patients.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        patients
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(t: &mut Tally, drug: Option<(&str, Level)>, cells: &[&str]) {
        t.entries += 1;
        if let Some((name, level)) = drug {
            t.flagged += 1;
            t.add_drug(&Arc::from(name), level);
        }
        t.said.add_row(cells);
    }

    #[test]
    fn a_tally_is_the_same_whatever_the_order_of_rows_and_the_split_into_parts() {
        type Row<'a> = (Option<(&'a str, Level)>, Vec<&'a str>);
        let rows: Vec<Row<'_>> = vec![
            (
                Some(("simvastatin", Level::Low)),
                vec!["70", "F", "", "", "PVD"],
            ),
            (None, vec!["72", "", "", "yes", "arthritis; pvd"]),
            (
                Some(("hydrochlorothiazide", Level::Moderate)),
                vec!["", "", "", "", "Cirrhosis"],
            ),
            (Some(("simvastatin", Level::Low)), vec!["", "", "", "", ""]),
        ];
        let mut whole = Tally::default();
        for (d, c) in &rows {
            row(&mut whole, *d, c);
        }
        let mut reversed = Tally::default();
        for (d, c) in rows.iter().rev() {
            row(&mut reversed, *d, c);
        }
        assert_eq!(whole, reversed);
        let (mut a, mut b) = (Tally::default(), Tally::default());
        for (i, (d, c)) in rows.iter().enumerate() {
            row(if i % 2 == 0 { &mut a } else { &mut b }, *d, c);
        }
        b.merge(a);
        assert_eq!(whole, b);
        assert_eq!(whole.entries, 4);
        let drugs: Vec<(&str, Level)> = whole.drugs.iter().map(|(n, l)| (&**n, *l)).collect();
        assert_eq!(
            drugs,
            [
                ("hydrochlorothiazide", Level::Moderate),
                ("simvastatin", Level::Low)
            ]
        );
        assert_eq!(whole.said.conditions, ["arthritis", "Cirrhosis", "PVD"]);
        assert_eq!(whole.said.ages, Some((70, 72)));
    }

    #[test]
    fn disagreeing_ages_give_the_highest_and_disagreeing_sexes_give_none() {
        let mut s = Said::default();
        s.add_row(&["64", "F"]);
        s.add_row(&["66", "M"]);
        assert!(s.disagrees());
        let p = s.patient();
        assert_eq!((p.age, p.sex), (Some(66), None));
        let mut one = Said::default();
        one.add_row(&["66", "m"]);
        one.add_row(&["66", "male"]);
        assert!(!one.disagrees());
        assert_eq!(one.patient().sex, Some(Sex::Male));
    }

    #[test]
    fn the_grouping_refuses_a_patient_beyond_its_cap_and_keeps_those_it_holds() {
        let mut g = Grouping::new(2);
        assert!(g.tally("b").is_ok());
        assert!(g.tally("a").is_ok());
        assert!(g.tally("b").is_ok(), "a patient already held is no new one");
        assert_eq!(g.tally("c"), Err(TooManyPatients { cap: 2 }));
        let ids: Vec<String> = g.into_sorted().into_iter().map(|(p, _)| p.into()).collect();
        assert_eq!(ids, ["a", "b"]);
    }
}
