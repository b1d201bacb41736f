//! The name index: every knowledge-base name and every vocabulary name under its normalized key,
//! with what it means — target ingredients, or some other substance — plus the fuzzy index over them.

use std::collections::HashMap;
use std::sync::OnceLock;

use anyhow::Result;

use crate::fuzzy::FuzzyIndex;
use crate::kb::{AliasKind, DrugId, Kb};
use crate::normalize::{self, TokenKind};
use crate::vocab::Vocabulary;

/// Index of a name in the lexicon.
pub type NameId = u32;
/// Index of a vocabulary substance.
pub type SubstanceId = u32;

/// Where a name comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A canonical ingredient of the knowledge base.
    Ingredient,
    /// A knowledge-base alias.
    Alias(AliasKind),
    /// The wider vocabulary.
    Vocabulary,
}

/// What a name stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Meaning {
    /// One or more knowledge-base ingredients (sorted).
    Targets(Vec<DrugId>),
    /// Another real drug, not in the knowledge base.
    Other(SubstanceId),
}

/// One name.
#[derive(Clone, Debug)]
pub struct Name {
    /// The name as written in its source (lowercase for the vocabulary).
    pub display: Box<str>,
    /// Its normalized key.
    pub key: Box<str>,
    /// Knowledge base or vocabulary.
    pub origin: Origin,
    /// What it stands for.
    pub meaning: Meaning,
}

/// Every known name, for exact, joined, prefix and fuzzy lookups.
#[derive(Debug)]
pub struct Lexicon {
    names: Vec<Name>,
    index: HashMap<Box<str>, NameId>,
    substances: Vec<Box<str>>,
    substance_target: Vec<Option<DrugId>>,
    max_words: usize,
    fuzzy: OnceLock<FuzzyIndex<NameId>>,
}

impl Lexicon {
    /// Builds the index from the knowledge base and a vocabulary. Knowledge-base names win over
    /// vocabulary names with the same key.
    ///
    /// # Errors
    /// When the vocabulary has a malformed line.
    pub fn build(kb: &Kb, vocab: &Vocabulary) -> Result<Lexicon> {
        let mut lex = Lexicon {
            names: Vec::new(),
            index: HashMap::new(),
            substances: Vec::new(),
            substance_target: Vec::new(),
            max_words: 1,
            fuzzy: OnceLock::new(),
        };
        for (id, d) in kb.drugs.iter().enumerate() {
            lex.insert(
                &d.ingredient,
                d.ingredient.clone(),
                Origin::Ingredient,
                Meaning::Targets(vec![id]),
            );
        }
        for a in &kb.aliases {
            let key = normalize::key(&a.name);
            lex.insert(
                &a.name,
                key,
                Origin::Alias(a.kind),
                Meaning::Targets(a.ingredients.clone()),
            );
        }
        let kb_names = lex.names.len();
        let mut substance_ids: HashMap<String, SubstanceId> = HashMap::new();
        let mut vocab_subs: Vec<Vec<SubstanceId>> = Vec::new();
        for entry in vocab.entries() {
            let (name, substance) = entry?;
            let key = fast_key(name);
            if key.is_empty() {
                continue;
            }
            let sid = match substance_ids.get(substance) {
                Some(&s) => s,
                None => {
                    let s = lex.substances.len() as SubstanceId;
                    lex.substances.push(substance.into());
                    lex.substance_target.push(None);
                    substance_ids.insert(substance.to_owned(), s);
                    s
                }
            };
            match lex.index.get(key.as_str()) {
                Some(&id) if (id as usize) < kb_names => {}
                Some(&id) => {
                    let subs = &mut vocab_subs[id as usize - kb_names];
                    if !subs.contains(&sid) {
                        subs.push(sid);
                    }
                }
                None => {
                    lex.insert(name, key, Origin::Vocabulary, Meaning::Other(sid));
                    vocab_subs.push(vec![sid]);
                }
            }
        }
        for s in 0..lex.substances.len() {
            lex.substance_target[s] = lex.target_of_substance(&lex.substances[s].clone());
        }
        for (i, subs) in vocab_subs.into_iter().enumerate() {
            let meaning = lex.vocabulary_meaning(subs);
            lex.names[kb_names + i].meaning = meaning;
        }
        // Compact keys (spaces removed) let `hydro chlorothiazide` and `ironsucrose` meet their names.
        for id in 0..lex.names.len() {
            if lex.names[id].key.contains(' ') {
                let compact: String = lex.names[id].key.split(' ').collect();
                lex.index
                    .entry(compact.into_boxed_str())
                    .or_insert(id as NameId);
            }
        }
        Ok(lex)
    }

    fn insert(&mut self, display: &str, key: String, origin: Origin, meaning: Meaning) {
        if key.is_empty() || self.index.contains_key(key.as_str()) {
            return;
        }
        let id = self.names.len() as NameId;
        self.max_words = self.max_words.max(key.split(' ').count());
        let key = key.into_boxed_str();
        self.index.insert(key.clone(), id);
        self.names.push(Name {
            display: display.into(),
            key,
            origin,
            meaning,
        });
    }

    /// A vocabulary substance is a target when its name, or its name without salt words, is a
    /// knowledge-base name for exactly one ingredient (`atorvastatin calcium` → atorvastatin).
    fn target_of_substance(&self, substance: &str) -> Option<DrugId> {
        let n = normalize::normalize(substance);
        let full = n.joined();
        let bare: Vec<&str> = n
            .tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| t.text.as_str())
            .collect();
        for key in [full, bare.join(" ")] {
            if let Some(&id) = self.index.get(key.as_str())
                && let Meaning::Targets(t) = &self.names[id as usize].meaning
                && t.len() == 1
            {
                return Some(t[0]);
            }
        }
        None
    }

    /// A vocabulary name listed under several substances is a combination product (`hyzaar` →
    /// hydrochlorothiazide and losartan potassium) or one drug in several forms: it stands for
    /// the targets among them, if any.
    fn vocabulary_meaning(&self, mut subs: Vec<SubstanceId>) -> Meaning {
        subs.sort_unstable();
        let mut targets: Vec<DrugId> = subs
            .iter()
            .filter_map(|&s| self.substance_target[s as usize])
            .collect();
        targets.sort_unstable();
        targets.dedup();
        if targets.is_empty() {
            Meaning::Other(subs[0])
        } else {
            Meaning::Targets(targets)
        }
    }

    /// The name stored under a normalized key (spaced or compact).
    #[must_use]
    pub fn lookup(&self, key: &str) -> Option<NameId> {
        self.index.get(key).copied()
    }

    /// A name by id.
    #[must_use]
    pub fn name(&self, id: NameId) -> &Name {
        &self.names[id as usize]
    }

    /// Number of names.
    #[must_use]
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are no names.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The display name of a vocabulary substance.
    #[must_use]
    pub fn substance(&self, id: SubstanceId) -> &str {
        &self.substances[id as usize]
    }

    /// The target a vocabulary substance maps to, if any.
    #[must_use]
    pub fn substance_target(&self, id: SubstanceId) -> Option<DrugId> {
        self.substance_target[id as usize]
    }

    /// The longest name, in words.
    #[must_use]
    pub fn max_words(&self) -> usize {
        self.max_words
    }

    /// The fuzzy index over every compact key, built on first use.
    pub fn fuzzy(&self) -> &FuzzyIndex<NameId> {
        self.fuzzy.get_or_init(|| {
            FuzzyIndex::build(
                self.index
                    .iter()
                    .filter(|(k, _)| !k.contains(' '))
                    .map(|(k, &id)| (k.clone(), id))
                    .collect(),
            )
        })
    }
}

/// [`normalize::key`] with a fast path for names that are already lowercase words with no noise
/// or salt words, which most vocabulary names are; keeps start-up quick.
fn fast_key(name: &str) -> String {
    let simple = name.bytes().all(|b| b.is_ascii_lowercase() || b == b' ')
        && !name.starts_with(' ')
        && !name.ends_with(' ')
        && !name.contains("  ")
        && name
            .split(' ')
            .all(|w| !normalize::is_noise(w) && !normalize::is_salt(w));
    if simple {
        name.to_owned()
    } else {
        normalize::key(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        Lexicon::build(&Kb::builtin().unwrap(), &Vocabulary::builtin()).unwrap()
    }

    fn meaning(l: &Lexicon, key: &str) -> Meaning {
        l.name(l.lookup(key).unwrap()).meaning.clone()
    }

    #[test]
    fn knowledge_base_names_win_over_vocabulary_names() {
        let kb = Kb::builtin().unwrap();
        let l = lex();
        let lasix = l.lookup("lasix").unwrap();
        assert!(matches!(
            l.name(lasix).origin,
            Origin::Alias(AliasKind::Brand)
        ));
        assert_eq!(
            meaning(&l, "lasix"),
            Meaning::Targets(vec![kb.drug_id("furosemide").unwrap()])
        );
    }

    #[test]
    fn other_drugs_resolve_to_themselves() {
        let l = lex();
        for name in ["quinidine", "nystatin", "metformin", "sucrose"] {
            assert!(matches!(meaning(&l, name), Meaning::Other(_)), "{name}");
        }
    }

    #[test]
    fn multiword_names_are_also_found_without_spaces() {
        let l = lex();
        assert_eq!(l.lookup("ironsucrose"), l.lookup("iron sucrose"));
    }

    #[test]
    fn fast_keys_agree_with_normalized_keys() {
        for n in [
            "lipitor",
            "quinine sulfate",
            "aleve pm",
            "estrogens, conjugated",
            "co-amilozide",
        ] {
            assert_eq!(fast_key(n), normalize::key(n), "{n}");
        }
    }
}
