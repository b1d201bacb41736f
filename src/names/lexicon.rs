//! The name index: every knowledge-base name (built at start-up, a few hundred) and every
//! vocabulary name (compiled, read in place), with what each means — target ingredients, or some
//! other substance — plus exact, compact, prefix and fuzzy lookups over both.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Result;

use super::ambiguous;
use super::blob::BlobWriter;
use super::combinations::{Combinations, Part, Partners};
use super::fuzzy;
use super::vocab::Vocabulary;
use super::vocab_index::VocabIndex;
use crate::kb::{AliasKind, DrugId, Kb};
use crate::normalize;

/// Index of a name: knowledge-base names first, then vocabulary names.
pub type NameId = u32;
/// Index of a vocabulary substance.
pub type SubstanceId = u32;

/// The longest vocabulary name, in words (the vocabulary build keeps names of six words or fewer).
const VOCABULARY_MAX_WORDS: usize = 6;

/// How many fuzzy searches are remembered; the memo is emptied when it fills, so that memory stays
/// bounded whatever the input.
const FUZZY_MEMO_CAPACITY: usize = 16 * 1024;

/// Fuzzy search results by query key (a misspelling recurs with other strengths and forms).
/// Hits are shared with the callers, so that a remembered search is not copied.
type FuzzyMemo = HashMap<Box<str>, Arc<[FuzzyHit]>, foldhash::fast::RandomState>;

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

/// A knowledge-base name.
#[derive(Clone, Debug)]
struct Name {
    display: Box<str>,
    key: Box<str>,
    origin: Origin,
    meaning: Meaning,
}

/// A name, as seen by callers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameRef<'a> {
    /// The name as written in its source.
    pub display: &'a str,
    /// Its normalized key.
    pub key: &'a str,
    /// Knowledge base or vocabulary.
    pub origin: Origin,
    /// What it stands for.
    pub meaning: Meaning,
}

/// One fuzzy candidate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FuzzyHit {
    /// The name.
    pub name: NameId,
    /// Edit distance (see [`fuzzy::Hit`]).
    pub distance: f32,
    /// Similarity, 0 to 1.
    pub score: f32,
    /// The weighted cost of the query as a misspelling of this name
    /// ([`super::error_model::ErrorModel::cost`]), for the first [`WEIGHED_HITS`] hits; infinite
    /// for the others.
    pub cost: f32,
}

impl FuzzyHit {
    /// The order of search results: nearest first, then higher score, then lower name id.
    fn nearest_first(a: &FuzzyHit, b: &FuzzyHit) -> std::cmp::Ordering {
        a.distance
            .total_cmp(&b.distance)
            .then(b.score.total_cmp(&a.score))
            .then(a.name.cmp(&b.name))
    }
}

/// How many of a search's hits (best first) are weighed with the error model.
pub const WEIGHED_HITS: usize = 12;

/// What else a name can mean.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contest {
    /// The other meanings, as names (none when the other meaning is no medicine).
    pub also: Vec<NameId>,
    /// Whether the name keeps its own meaning right after another drug name (a product suffix).
    pub alone_only: bool,
    /// Why the name is ambiguous.
    pub source: String,
}

/// Every known name.
#[derive(Debug)]
pub struct Lexicon {
    names: Vec<Name>,
    index: HashMap<Box<str>, NameId, foldhash::fast::RandomState>,
    kb_fuzzy: fuzzy::OwnedIndex,
    vocab: VocabIndex<'static>,
    max_words: usize,
    /// Names that also mean another drug (`data/ambiguous.csv`).
    contested: HashMap<NameId, Contest, foldhash::fast::RandomState>,
    /// The knowledge-base ingredients' names, by drug id.
    target_names: Vec<Box<str>>,
    /// Shared by the worker threads; a search is run outside the lock.
    fuzzy_memo: Mutex<FuzzyMemo>,
    /// The registers' combinations by their ingredients, built when first asked.
    combinations: std::sync::OnceLock<Combinations>,
}

impl Lexicon {
    /// Builds the index from the knowledge base and a vocabulary. Knowledge-base names win over
    /// vocabulary names with the same key.
    ///
    /// # Errors
    /// When `data/ambiguous.csv` is malformed.
    pub fn build(kb: &Kb, vocab: &Vocabulary) -> Result<Lexicon> {
        let mut lex = Lexicon {
            names: Vec::new(),
            index: HashMap::default(),
            kb_fuzzy: fuzzy::OwnedIndex::new(Vec::new()),
            vocab: vocab.index(),
            max_words: VOCABULARY_MAX_WORDS,
            contested: HashMap::default(),
            target_names: kb
                .drugs
                .iter()
                .map(|d| d.ingredient.as_str().into())
                .collect(),
            fuzzy_memo: Mutex::new(FuzzyMemo::default()),
            combinations: std::sync::OnceLock::new(),
        };
        for (id, d) in kb.drugs.iter().enumerate() {
            lex.insert(
                &d.ingredient,
                d.ingredient.clone(),
                Origin::Ingredient,
                vec![id],
            );
        }
        for a in &kb.aliases {
            lex.insert(
                &a.name,
                normalize::key(&a.name),
                Origin::Alias(a.kind),
                a.ingredients.clone(),
            );
        }
        // Compact keys (spaces removed) let `hydro chlorothiazide` and `ironsucrose` meet their names.
        let mut fuzzy_entries = Vec::new();
        for id in 0..lex.names.len() {
            let compact: String = lex.names[id].key.split(' ').collect();
            // An abbreviation is only ever written as it is: `spirox` is not a slip for `spiro`.
            if lex.names[id].origin != Origin::Alias(AliasKind::Abbreviation) {
                fuzzy_entries.push((compact.clone(), id as NameId));
            }
            let id = id as NameId;
            lex.index.entry(compact.into_boxed_str()).or_insert(id);
        }
        // A name of several words is also found without an iron complex's words
        // ([`normalize::is_complex_word`]): `ferric sucrose` of `ferric hydroxide sucrose complex`.
        for id in 0..lex.names.len() {
            if let Some(key) = without_complex_words(lex.names[id].key.split(' ')) {
                lex.index
                    .entry(key.into_boxed_str())
                    .or_insert(id as NameId);
            }
        }
        let mut w = BlobWriter::default();
        fuzzy::write_index(&mut w, fuzzy_entries);
        lex.kb_fuzzy = fuzzy::OwnedIndex::new(w.finish());
        for a in ambiguous::builtin()? {
            // A vocabulary given with `--kb` may not know both names; a test checks that the
            // built-in vocabulary knows every one.
            let Some(id) = lex.lookup(&normalize::key(&a.name)) else {
                continue;
            };
            // Every other meaning must be known (`-`: none that is a medicine).
            let Some(also) = a
                .others()
                .map(|o| lex.lookup(&normalize::key(o)))
                .collect::<Option<Vec<NameId>>>()
            else {
                continue;
            };
            let c = lex.contested.entry(id).or_insert_with(|| Contest {
                also: Vec::new(),
                alone_only: a.alone_only,
                source: a.source.clone(),
            });
            c.also.extend(also);
        }
        Ok(lex)
    }

    fn insert(&mut self, display: &str, key: String, origin: Origin, targets: Vec<DrugId>) {
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
            meaning: Meaning::Targets(targets),
        });
    }

    fn vocab(&self) -> VocabIndex<'static> {
        self.vocab
    }

    fn kb_count(&self) -> NameId {
        self.names.len() as NameId
    }

    /// The name of several words that a spaced key holding complex words spells with them set
    /// aside ([`normalize::is_complex_word`]): `iron hydroxide sucrose complex` and `iron III
    /// sucrose` are `iron sucrose`. Needs two words other than complex words.
    #[must_use]
    pub fn lookup_without_complex_words(&self, key: &str) -> Option<NameId> {
        if !key.split(' ').any(normalize::is_complex_word) {
            return None;
        }
        self.lookup(&without_complex_words(key.split(' '))?)
    }

    /// The name stored under a normalized key (spaced or compact).
    #[must_use]
    pub fn lookup(&self, key: &str) -> Option<NameId> {
        if let Some(&id) = self.index.get(key) {
            return Some(id);
        }
        self.vocab().lookup(key).map(|v| self.kb_count() + v)
    }

    /// A name by id.
    #[must_use]
    pub fn name(&self, id: NameId) -> NameRef<'_> {
        if let Some(n) = self.names.get(id as usize) {
            return NameRef {
                display: &n.display,
                key: &n.key,
                origin: n.origin,
                meaning: n.meaning.clone(),
            };
        }
        let v = self.vocab();
        let i = id - self.kb_count();
        let mut targets: Vec<DrugId> = v
            .substances_of(i)
            .filter_map(|s| self.substance_target(s))
            .collect();
        targets.sort_unstable();
        targets.dedup();
        // A vocabulary name listed under several substances is a combination product (`hyzaar` →
        // hydrochlorothiazide and losartan potassium) or one drug in several forms: it stands for
        // the targets among them, if any.
        let meaning = if targets.is_empty() {
            Meaning::Other(v.substances_of(i).next().unwrap_or_default())
        } else {
            Meaning::Targets(targets)
        };
        NameRef {
            display: v.display(i),
            key: v.key(i),
            origin: Origin::Vocabulary,
            meaning,
        }
    }

    /// Where a name comes from (what [`Lexicon::name`] gives, without building the rest).
    #[must_use]
    pub fn origin(&self, id: NameId) -> Origin {
        self.names
            .get(id as usize)
            .map_or(Origin::Vocabulary, |n| n.origin)
    }

    /// A name's normalized key (what [`Lexicon::name`] gives, without building the rest).
    #[must_use]
    pub fn key(&self, id: NameId) -> &str {
        match self.names.get(id as usize) {
            Some(n) => &n.key,
            None => self.vocab.key(id - self.kb_count()),
        }
    }

    /// Whether a name stands for a target (alone or in combination).
    #[must_use]
    pub fn is_target(&self, id: NameId) -> bool {
        match self.names.get(id as usize) {
            Some(n) => matches!(n.meaning, Meaning::Targets(_)),
            None => self
                .vocab()
                .substances_of(id - self.kb_count())
                .any(|s| self.substance_target(s).is_some()),
        }
    }

    /// Number of names.
    #[must_use]
    pub fn len(&self) -> usize {
        self.names.len() + self.vocab().len()
    }

    /// Whether there are no names.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The display name of a vocabulary substance.
    #[must_use]
    pub fn substance(&self, id: SubstanceId) -> &str {
        self.vocab.substance(id)
    }

    /// A substance without salt words, to tell whether two substances are one drug.
    #[must_use]
    pub fn substance_base(&self, id: SubstanceId) -> &str {
        self.vocab.substance_base(id)
    }

    /// The target a vocabulary substance maps to: its name, or its name without salt words, is a
    /// knowledge-base name for exactly one ingredient (`atorvastatin calcium` → atorvastatin).
    #[must_use]
    pub fn substance_target(&self, id: SubstanceId) -> Option<DrugId> {
        let v = self.vocab();
        [v.substance_key(id), v.substance_base(id)]
            .into_iter()
            .find_map(|key| {
                let &n = self.index.get(key)?;
                match &self.names[n as usize].meaning {
                    Meaning::Targets(t) if t.len() == 1 => Some(t[0]),
                    _ => None,
                }
            })
    }

    /// The bases (salts set aside) of every substance a name stands for: its own, and, for a
    /// knowledge-base name, those the vocabulary lists under the same key (`zestoretic` →
    /// lisinopril and hydrochlorothiazide, where the knowledge base names only the target).
    #[must_use]
    pub fn substance_bases(&self, id: NameId) -> Vec<&str> {
        let v = self.vocab();
        let vid = if (id as usize) < self.names.len() {
            v.lookup(self.key(id))
        } else {
            Some(id - self.kb_count())
        };
        let mut out: Vec<&str> = vid
            .into_iter()
            .flat_map(|i| v.substances_of(i))
            .map(|s| v.substance_base(s))
            .collect();
        if let Some(n) = self.names.get(id as usize)
            && let Meaning::Targets(t) = &n.meaning
        {
            out.extend(
                t.iter()
                    .filter_map(|&d| self.target_names.get(d))
                    .map(|s| s.as_ref()),
            );
        }
        out
    }

    /// Whether a name is a generic (nonproprietary) name: a knowledge-base ingredient or its
    /// spelling, salt or synonym, or a vocabulary name that is its own substance's name (with or
    /// without salt words), not a brand.
    #[must_use]
    pub fn is_generic(&self, id: NameId) -> bool {
        if let Some(n) = self.names.get(id as usize) {
            return matches!(
                n.origin,
                Origin::Ingredient
                    | Origin::Alias(AliasKind::Spelling | AliasKind::Salt | AliasKind::Synonym)
            );
        }
        let v = self.vocab();
        let i = id - self.kb_count();
        let key = v.key(i);
        v.substances_of(i)
            .any(|s| v.substance_key(s) == key || v.substance_base(s) == key)
    }

    /// What else a name can mean, if it is ambiguous.
    #[must_use]
    pub fn contest(&self, id: NameId) -> Option<&Contest> {
        self.contested.get(&id)
    }

    /// For a vocabulary name that means different products whose targets differ (a brand that
    /// holds a diuretic in one market and not in another), one name standing for each product's
    /// targets, or for its first ingredient when it has none; `None` when the products agree on
    /// their targets.
    #[must_use]
    pub fn product_conflict(&self, id: NameId) -> Option<Vec<NameId>> {
        let i = id.checked_sub(self.kb_count())?;
        let v = self.vocab();
        if !v.has_several_sets(i) {
            return None;
        }
        let sets = v.substance_sets(i);
        let targets = |set: &[SubstanceId]| {
            let mut t: Vec<DrugId> = set
                .iter()
                .filter_map(|&s| self.substance_target(s))
                .collect();
            t.sort_unstable();
            t.dedup();
            t
        };
        let mut seen: Vec<Vec<DrugId>> = Vec::new();
        let mut out = Vec::new();
        for set in &sets {
            let t = targets(set);
            if seen.contains(&t) {
                continue;
            }
            let name = match t.first() {
                Some(&d) => self.lookup(&self.target_names[d]),
                None => set.first().and_then(|&s| self.lookup(v.substance_key(s))),
            };
            out.extend(name.map(|n| (t.is_empty(), n)));
            seen.push(t);
        }
        // The products with a target first, for the reader's eye (the vocabulary's own meaning
        // is the first set, whatever it holds).
        out.sort_by_key(|&(no_target, _)| no_target);
        (seen.len() > 1).then(|| out.into_iter().map(|(_, n)| n).collect())
    }

    /// The longest name, in words.
    #[must_use]
    pub fn max_words(&self) -> usize {
        self.max_words
    }

    /// Approximate matches of a compact query over every name, best first. Vocabulary names that
    /// a knowledge-base name shadows are left out. Results are remembered per query.
    #[must_use]
    pub fn fuzzy_search(&self, query: &str) -> Vec<FuzzyHit> {
        self.fuzzy_hits(query).to_vec()
    }

    /// [`Lexicon::fuzzy_search`], the hits shared with the memo rather than copied.
    #[must_use]
    pub fn fuzzy_hits(&self, query: &str) -> Arc<[FuzzyHit]> {
        let cached = self.fuzzy_memo().get(query).cloned();
        if let Some(hits) = cached {
            return hits;
        }
        let hits: Arc<[FuzzyHit]> = self.fuzzy_search_uncached(query).into();
        let mut memo = self.fuzzy_memo();
        if memo.len() >= FUZZY_MEMO_CAPACITY {
            memo.clear();
        }
        memo.insert(query.into(), Arc::clone(&hits));
        hits
    }

    fn fuzzy_memo(&self) -> std::sync::MutexGuard<'_, FuzzyMemo> {
        // A poisoned lock only means another thread panicked while holding it; the map inside
        // is whole (a lookup or one insert), so it is used as it is.
        self.fuzzy_memo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets every remembered fuzzy search, so that the next searches run again (for benchmarks
    /// of the search itself, and of what a cache miss costs).
    #[doc(hidden)]
    pub fn forget_fuzzy_searches(&self) {
        self.fuzzy_memo().clear();
    }

    /// [`Lexicon::fuzzy_search`] without the memo: the search and its weighing (for benchmarks).
    #[doc(hidden)]
    #[must_use]
    pub fn fuzzy_search_uncached(&self, query: &str) -> Vec<FuzzyHit> {
        let mut hits = self.hits_within(query, fuzzy::max_edits(query.len()));
        // The search reads only the names that start as the query does; a slip in the first
        // letter (`orsuvastatin`, `umetanide`, `alsix`) is looked for apart, when nothing is
        // one edit away.
        if hits.first().is_none_or(|h| h.distance > 1.0) {
            self.first_letter_slips(query, &mut hits);
        }
        // Each hit weighed with the error model (kept in the memo with the hit). Hits two edits
        // or more behind the nearest are left unweighed (a bound on the work per search; such a
        // hit is seldom the likeliest, and then only by replacing one rare edit with two common
        // ones).
        let nearest = hits.first().map_or(0.0, |h| h.distance);
        self.weigh(
            query,
            hits.iter_mut()
                .take(WEIGHED_HITS)
                .filter(|h| h.distance <= nearest + 1.5),
        );
        hits
    }

    /// The names one edit from `query` in its first letters, which the search does not read:
    /// the first two letters swapped, the first letter dropped or added, and from seven letters
    /// on changed. Each is an exact lookup (53 at most); a name found is added as a hit one edit
    /// away unless it is there already, and the hits are put back in order.
    fn first_letter_slips(&self, query: &str, hits: &mut Vec<FuzzyHit>) {
        let q = query.as_bytes();
        if fuzzy::max_edits(q.len()) == 0 || !q.iter().all(u8::is_ascii_lowercase) {
            return;
        }
        let mut variant = String::with_capacity(q.len() + 1);
        let found = |variant: &str, hits: &mut Vec<FuzzyHit>| {
            let Some(name) = self.lookup(variant) else {
                return;
            };
            if hits.iter().any(|h| h.name == name) {
                return;
            }
            let longer = q.len().max(variant.len()) as f32;
            hits.push(FuzzyHit {
                name,
                distance: 1.0,
                score: 1.0 - 1.0 / longer,
                cost: f32::INFINITY,
            });
        };
        let rest = &query[1..];
        if q.len() >= 2 && q[0] != q[1] {
            variant.clear();
            variant.push(char::from(q[1]));
            variant.push(char::from(q[0]));
            variant.push_str(&query[2..]);
            found(&variant, hits);
        }
        found(rest, hits);
        for letter in b'a'..=b'z' {
            variant.clear();
            variant.push(char::from(letter));
            variant.push_str(query);
            found(&variant, hits);
            // A changed first letter leaves a short word little to be known by (`apium` is
            // no `opium`): only from seven letters on.
            if letter != q[0] && q.len() >= 7 {
                variant.clear();
                variant.push(char::from(letter));
                variant.push_str(rest);
                found(&variant, hits);
            }
        }
        hits.sort_by(FuzzyHit::nearest_first);
    }

    /// The names nearest to a word that matched nothing, to show a person (never a match): the
    /// search one edit beyond the word's limit, each hit weighed with the error model and kept
    /// when it costs no more than the calibrated review margin beyond what a match may cost
    /// (`laxis`: Lasix, not a far-fetched lanvis), cheapest first, at most `most`.
    #[must_use]
    pub fn nearest_names(&self, query: &str, most: usize) -> Vec<FuzzyHit> {
        let mut hits = self.hits_within(query, fuzzy::max_edits(query.len()) + 1);
        // The nearest by edits are weighed (a bound on the work, as for a search).
        hits.truncate(WEIGHED_HITS);
        self.weigh(query, hits.iter_mut());
        let model = super::error_model::ErrorModel::builtin();
        let within = model.accept_cost(query) + model.review_margin();
        hits.retain(|h| h.cost <= within);
        hits.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.name.cmp(&b.name)));
        hits.truncate(most);
        hits
    }

    /// The hits of the knowledge base's and the vocabulary's indexes within `k` edits of
    /// `query`, nearest first ([`FuzzyHit::nearest_first`]), not yet weighed.
    fn hits_within(&self, query: &str, k: usize) -> Vec<FuzzyHit> {
        let kb = self.kb_fuzzy.index();
        let vf = self.vocab().fuzzy();
        let mut hits: Vec<FuzzyHit> = kb
            .search_within(query, k)
            .into_iter()
            .map(|h| (kb.value(h.slot), h))
            .chain(
                vf.search_within(query, k)
                    .into_iter()
                    .filter_map(|h| Some((self.vocab_slot(&vf, h.slot)?, h))),
            )
            .map(|(name, h)| FuzzyHit {
                name,
                distance: h.distance,
                score: h.score,
                cost: f32::INFINITY,
            })
            .collect();
        hits.sort_by(FuzzyHit::nearest_first);
        hits
    }

    /// Sets each hit's cost: what the error model charges for `query` typed for its name.
    fn weigh<'h>(&self, query: &str, hits: impl Iterator<Item = &'h mut FuzzyHit>) {
        let model = super::error_model::ErrorModel::builtin();
        let mut compact = String::new();
        for h in hits {
            compact.clear();
            compact.extend(self.key(h.name).split(' '));
            h.cost = model.cost(query, &compact);
        }
    }

    /// The sets of targets the registers combine this name's drug with (`ramipril`: with
    /// hydrochlorothiazide), each with some of the products; none for a target or a name the
    /// registers combine with no target.
    #[must_use]
    pub fn registered_partners(&self, id: NameId) -> &[Partners] {
        let Meaning::Other(s) = self.name(id).meaning else {
            return &[];
        };
        self.combinations().partners(self.substance_base(s))
    }

    /// Whether the registers hold a product of this name's drug (or drugs) with the target
    /// (`triamterene` and `amiloride` with hydrochlorothiazide; `triamcinolone` never).
    #[must_use]
    pub fn registered_with(&self, id: NameId, target: DrugId) -> bool {
        match &self.name(id).meaning {
            Meaning::Targets(drugs) => drugs
                .iter()
                .any(|&d| self.combinations().targets_together(d, target)),
            Meaning::Other(_) => self
                .registered_partners(id)
                .iter()
                .any(|p| p.targets.contains(&target)),
        }
    }

    fn combinations(&self) -> &Combinations {
        self.combinations.get_or_init(|| {
            let mut c = Combinations::builtin(|ingredient| self.part(ingredient));
            // The knowledge base's own combination names (`Lasilactone`: spironolactone with
            // furosemide) pair their targets as a register's product does.
            for n in &self.names {
                if let Meaning::Targets(t) = &n.meaning {
                    c.add_targets_together(t);
                }
            }
            c
        })
    }

    /// A register's ingredient as a target or a substance without salt words.
    fn part(&self, ingredient: &str) -> Option<Part> {
        let key = normalize::key(ingredient);
        let id = self.lookup(&key).or_else(|| {
            // `enalapril (maleate)`, `enalapril maleate`: the drug is the first word.
            key.split(' ').next().and_then(|w| self.lookup(w))
        })?;
        Some(match self.name(id).meaning {
            Meaning::Targets(t) => Part::Targets(t),
            Meaning::Other(s) => Part::Other(self.substance_base(s).to_owned()),
        })
    }

    /// Names whose consonants are a misspelled word's, or one more or fewer
    /// ([`super::skeleton`]): the slips the edit search cannot reach. Each hit is weighed with the
    /// error model and placed at the edit limit of the word's length, so that its weight alone
    /// decides; cheapest first. Names a knowledge-base name shadows are left out, as in
    /// [`Lexicon::fuzzy_search`].
    #[must_use]
    pub fn skeleton_hits(&self, query: &str) -> Vec<FuzzyHit> {
        let limit = fuzzy::max_edits(query.len());
        if limit == 0 {
            return Vec::new();
        }
        let kb = self.kb_fuzzy.index();
        let vf = self.vocab().fuzzy();
        let mut names: Vec<NameId> = kb
            .skeletons()
            .candidates(query, |slot| self.key(kb.value(slot as usize)))
            .into_iter()
            .map(|slot| kb.value(slot as usize))
            .collect();
        names.extend(
            vf.skeletons()
                .candidates(query, |slot| {
                    self.key(self.kb_count() + vf.value(slot as usize))
                })
                .into_iter()
                .filter_map(|slot| self.vocab_slot(&vf, slot as usize)),
        );
        names.sort_unstable();
        names.dedup();
        let model = super::error_model::ErrorModel::builtin();
        let mut compact = String::new();
        let mut hits: Vec<FuzzyHit> = names
            .into_iter()
            .map(|name| {
                compact.clear();
                compact.extend(self.key(name).split(' '));
                let edits = strsim::osa_distance(query, &compact);
                let longer = query.len().max(compact.len()).max(1);
                FuzzyHit {
                    name,
                    distance: limit as f32,
                    score: (1.0 - edits as f32 / longer as f32).max(0.0),
                    cost: model.cost(query, &compact),
                }
            })
            .collect();
        hits.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.name.cmp(&b.name)));
        hits
    }

    /// The name in a slot of the vocabulary's fuzzy index, unless a knowledge-base name has its
    /// key (and shadows it).
    fn vocab_slot(&self, vf: &fuzzy::FuzzyIndex<'_>, slot: usize) -> Option<NameId> {
        (!self.index.contains_key(vf.key(slot))).then(|| self.kb_count() + vf.value(slot))
    }

    /// Whether a word of a knowledge-base name (a target's), other than a salt word, is within
    /// `edits` of `word` (`saccaratx` of `ferro saccarato`).
    #[must_use]
    pub fn near_a_target_word(&self, word: &str, edits: usize) -> bool {
        self.names.iter().any(|n| {
            n.key.split(' ').any(|w| {
                w.len().abs_diff(word.len()) <= edits
                    && !normalize::is_salt(w)
                    && fuzzy::osa_within(w.as_bytes(), word.as_bytes(), edits).is_some()
            })
        })
    }

    /// Whether a knowledge-base name (a target's) starts with `prefix` (`hydrochloro`).
    #[must_use]
    pub fn starts_a_target_name(&self, prefix: &str) -> bool {
        !self.kb_fuzzy.index().prefixed(prefix).is_empty()
    }

    /// Names whose compact key starts with `prefix`, or `None` when there are more than `limit`.
    #[must_use]
    pub fn prefixed(&self, prefix: &str, limit: usize) -> Option<Vec<NameId>> {
        let kb = self.kb_fuzzy.index();
        let vf = self.vocab().fuzzy();
        let (kr, vr) = (kb.prefixed(prefix), vf.prefixed(prefix));
        if kr.len() + vr.len() > limit {
            return None;
        }
        let mut out: Vec<NameId> = kr.map(|s| kb.value(s)).collect();
        out.extend(vr.filter_map(|s| self.vocab_slot(&vf, s)));
        out.sort_unstable();
        out.dedup();
        Some(out)
    }
}

/// The words other than complex words, spaced, when there are two or more.
fn without_complex_words<'w>(words: impl Iterator<Item = &'w str>) -> Option<String> {
    let mut key = String::new();
    let mut n = 0;
    for w in words.filter(|w| !normalize::is_complex_word(w)) {
        if n > 0 {
            key.push(' ');
        }
        key.push_str(w);
        n += 1;
    }
    (n >= 2).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        Lexicon::build(&Kb::builtin().unwrap(), &Vocabulary::builtin()).unwrap()
    }

    fn meaning(l: &Lexicon, key: &str) -> Meaning {
        l.name(l.lookup(key).unwrap()).meaning
    }

    #[test]
    fn a_slip_in_the_first_letters_finds_the_name_the_search_cannot_read() {
        let l = lex();
        for (typed, name) in [
            ("orsuvastatin", "rosuvastatin"),
            ("umetanide", "bumetanide"),
            ("alsix", "lasix"),
            ("yzaar", "hyzaar"),
            ("xrosuvastatin", "rosuvastatin"),
            ("posuvastatin", "rosuvastatin"),
        ] {
            let want = l.lookup(name).unwrap();
            let hits = l.fuzzy_search_uncached(typed);
            let hit = hits.iter().find(|h| h.name == want);
            assert!(
                hit.is_some_and(|h| h.distance == 1.0 && h.cost.is_finite()),
                "{typed}: {hits:?}"
            );
        }
        // A changed first letter of a short word is not looked for (`apium` is no `opium`).
        let opium = l.lookup("opium").unwrap();
        assert!(
            l.fuzzy_search_uncached("apium")
                .iter()
                .all(|h| h.name != opium)
        );
    }

    #[test]
    fn every_ambiguous_name_and_its_other_meaning_are_known() {
        let l = lex();
        for a in ambiguous::builtin().unwrap() {
            let id = l.lookup(&normalize::key(&a.name)).unwrap();
            let c = l.contest(id).unwrap();
            for other in a.others() {
                let also = l.lookup(&normalize::key(other)).unwrap();
                assert!(c.also.contains(&also), "{}: {other}", a.name);
            }
            // Two rows of one key (a spelling the normalizer makes the same) would list a
            // meaning twice.
            let mut once = c.also.clone();
            once.sort_unstable();
            once.dedup();
            assert_eq!(
                once.len(),
                c.also.len(),
                "{}: a meaning listed twice",
                a.name
            );
        }
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
    fn vocabulary_brands_of_targets_map_through_their_substance() {
        let kb = Kb::builtin().unwrap();
        let l = lex();
        // Uniretic is not in the knowledge base; one of its substances is hydrochlorothiazide.
        let id = l.lookup("uniretic").unwrap();
        assert_eq!(l.name(id).origin, Origin::Vocabulary);
        assert_eq!(
            l.name(id).meaning,
            Meaning::Targets(vec![kb.drug_id("hydrochlorothiazide").unwrap()])
        );
    }

    #[test]
    fn memoized_search_returns_the_same_hits_as_a_fresh_search() {
        let l = lex();
        for q in [
            "furosimide",
            "hidroclorotiazida",
            "liptor",
            "xqzzyqq",
            "lasx",
        ] {
            let fresh = l.fuzzy_search_uncached(q);
            assert_eq!(l.fuzzy_search(q), fresh, "{q}: first call");
            assert_eq!(*l.fuzzy_hits(q), *fresh, "{q}: remembered");
        }
    }

    #[test]
    fn forgetting_fuzzy_searches_empties_the_memo() {
        let l = lex();
        let first = l.fuzzy_search("furosimide");
        assert_eq!(l.fuzzy_memo().len(), 1);
        l.forget_fuzzy_searches();
        assert!(l.fuzzy_memo().is_empty());
        assert_eq!(l.fuzzy_search("furosimide"), first);
    }

    #[test]
    fn the_fuzzy_memo_stays_bounded() {
        let l = lex();
        // Four-letter queries are distinct and cheap (they must match exactly).
        for i in 0..FUZZY_MEMO_CAPACITY + 10 {
            let q: String = [i / 17_576, i / 676, i / 26, i]
                .iter()
                .map(|d| char::from(b'a' + (d % 26) as u8))
                .collect();
            let _ = l.fuzzy_search(&q);
        }
        let len = l.fuzzy_memo().len();
        assert!(len <= FUZZY_MEMO_CAPACITY, "{len} entries");
        assert_eq!(
            l.fuzzy_search("furosimide"),
            l.fuzzy_search_uncached("furosimide")
        );
    }

    #[test]
    fn origin_key_and_target_agree_with_the_whole_name() {
        let l = lex();
        for id in (0..l.len()).step_by(7).chain([0, l.len() - 1]) {
            let id = id as NameId;
            let name = l.name(id);
            assert_eq!(l.origin(id), name.origin, "{id}");
            assert_eq!(l.key(id), name.key, "{id}");
            let target = matches!(name.meaning, Meaning::Targets(_));
            assert_eq!(l.is_target(id), target, "{id}");
        }
    }

    #[test]
    fn multiword_names_are_also_found_without_spaces() {
        let l = lex();
        assert_eq!(l.lookup("ironsucrose"), l.lookup("iron sucrose"));
    }
}
