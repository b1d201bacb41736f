//! The compiled vocabulary index: every vocabulary name under its normalized key, its substances,
//! compact (space-free) keys and a fuzzy index, in one blob read in place. The built-in vocabulary
//! is compiled by `build.rs` with this same code, so start-up parses nothing.

use std::collections::BTreeMap;

use super::blob::{Blob, BlobWriter, Strings, U32s};
use super::fuzzy::{self, FuzzyIndex};
use crate::normalize::{self, TokenKind};

const SUBSTANCES: usize = 0;
const SUBSTANCE_KEYS: usize = 2;
const SUBSTANCE_BASES: usize = 4;
const KEYS: usize = 6;
const DISPLAYS: usize = 8;
const SUBSTANCE_ENDS: usize = 10;
const SUBSTANCE_IDS: usize = 11;
const COMPACT: usize = 12;
const COMPACT_NAMES: usize = 14;
const KEY_TABLE: usize = 15;
const FUZZY: usize = 16;

/// Separates the ingredient sets of a name that means different products (in different markets)
/// in its substance list; a name with one set has none.
const SET_BREAK: u32 = u32::MAX;

/// A name's display text and its ingredient sets.
type Entry = (String, Vec<Vec<u32>>);

/// Adds an ingredient set to a name. A set that holds another (or is held by it) is the same
/// product named more or less completely (`coaprovel`: irbesartan in one list, irbesartan and
/// hydrochlorothiazide in another), so the larger one stays; a set apart from every other is
/// another product under the same name.
/// Substances are compared by their key without salt words (`bases`, by substance id), so that
/// `ATORVASTATIN CALCIUM` in one list and `atorvastatin calcium trihydrate` in another are one.
/// The first set stays first (a larger one takes its place): it is the vocabulary's own meaning,
/// the substance a name stands for when its products differ in no target (`azt`: zidovudine in
/// the FDA list, azathioprine in the UK table, never silently the other); the rest are sorted.
fn add_set(sets: &mut Vec<Vec<u32>>, mut set: Vec<u32>, bases: &[String]) {
    set.sort_unstable();
    set.dedup();
    let base = |x: &u32| bases.get(*x as usize).map(String::as_str);
    let within = |a: &[u32], b: &[u32]| a.iter().all(|x| b.iter().any(|y| base(x) == base(y)));
    if sets.iter().any(|s| within(&set, s)) {
        return;
    }
    let first_held = sets.iter().position(|s| within(s, &set));
    sets.retain(|s| !within(s, &set));
    match first_held {
        Some(0) => sets.insert(0, set),
        _ => sets.push(set),
    }
    if let Some(rest) = sets.get_mut(1..) {
        rest.sort();
    }
}

/// Builds the index from `vocabulary.tsv` text (`#` comments, a `name<TAB>substance` header, one
/// name per line). Errors name the origin and line.
///
/// # Errors
/// On a wrong header or a line without exactly two tab-separated fields.
pub fn build_from_tsv(text: &str, origin: &str) -> Result<Vec<u8>, String> {
    build(text, origin, None)
}

/// Builds the index from `vocabulary.tsv` text and, when given, `products.tsv` text (`#`
/// comments, a `name<TAB>ingredients<TAB>markets` header, ingredients joined by `; `): each
/// product row is one ingredient set of its name, so a name that means different products in
/// different markets keeps them apart. Errors name the origin and line.
///
/// # Errors
/// On a wrong header or a malformed line.
pub fn build(text: &str, origin: &str, products: Option<(&str, &str)>) -> Result<Vec<u8>, String> {
    let mut substances: BTreeMap<&str, u32> = BTreeMap::new();
    let mut rows: Vec<(&str, &str)> = Vec::new();
    for (_, fields) in tsv_lines(text, origin, "name\tsubstance", 2)? {
        substances.insert(fields[1], 0);
        rows.push((fields[0], fields[1]));
    }
    let mut product_rows: Vec<(&str, Vec<&str>)> = Vec::new();
    if let Some((p_origin, p_text)) = products {
        for (line, fields) in tsv_lines(p_text, p_origin, "name\tingredients\tmarkets", 3)? {
            let ingredients: Vec<&str> = fields[1]
                .split("; ")
                .map(str::trim)
                .filter(|i| !i.is_empty())
                .collect();
            if ingredients.is_empty() {
                return Err(format!("{p_origin}:{line}: a product needs an ingredient"));
            }
            for i in &ingredients {
                substances.insert(i, 0);
            }
            product_rows.push((fields[0], ingredients));
        }
    }
    for (i, id) in substances.values_mut().enumerate() {
        *id = u32::try_from(i).unwrap_or(u32::MAX);
    }
    let sid = |s: &str| substances.get(s).copied().unwrap_or_default();
    let bases: Vec<String> = substances.keys().map(|s| base_key(s)).collect();
    // key → (display, ingredient sets), sorted by key. A vocabulary name's substances are one set.
    let mut names: BTreeMap<String, Entry> = BTreeMap::new();
    let mut vocab_sets: BTreeMap<String, (String, Vec<u32>)> = BTreeMap::new();
    let mut qualified: Vec<(String, u32)> = Vec::new();
    for (name, substance) in rows {
        let key = normalize::key(name);
        // A key of one or two letters (`r/amp` → `r`) would make a stray letter a drug.
        if unusable(name, &key) {
            continue;
        }
        let s = sid(substance);
        let entry = vocab_sets
            .entry(key)
            .or_insert_with(|| (name.to_owned(), Vec::new()));
        if !entry.1.contains(&s) {
            entry.1.push(s);
        }
        // `vitamin d (cholecalciferol)` is also `vitamin d`.
        if let Some(head) = name
            .strip_suffix(')')
            .and_then(|n| n.rsplit_once(" ("))
            .map(|p| p.0)
        {
            qualified.push((head.to_owned(), s));
        }
    }
    // A name the vocabulary lists plainly means what it is listed as: a qualified name's head adds
    // no meaning to it (`tmp (thiamine ester)` and `tmp (psoralen)` leave `tmp` trimethoprim;
    // `mirabegron (m9)`, a metabolite listed under actarit, leaves `mirabegron` mirabegron). The
    // qualifier is there because the head alone means something else.
    let plain: std::collections::BTreeSet<String> = vocab_sets.keys().cloned().collect();
    for (key, (display, set)) in vocab_sets {
        names.insert(key, (display, vec![set]));
    }
    for (head, s) in qualified {
        let key = normalize::key(&head);
        if unusable(&head, &key) || plain.contains(&key) {
            continue;
        }
        let entry = names
            .entry(key)
            .or_insert_with(|| (head.clone(), Vec::new()));
        add_set(&mut entry.1, vec![s], &bases);
    }
    // A product's ingredient is a name of its own (`hydroquinidine hydrochloride`, known from
    // Serecor): an entry naming it must find it, not a neighbour (hydroquinine).
    for (_, ingredients) in &product_rows {
        for &i in ingredients {
            let key = normalize::key(i);
            if unusable(i, &key) || names.contains_key(&key) {
                continue;
            }
            names.insert(key, (i.to_owned(), vec![vec![sid(i)]]));
        }
    }
    for (name, ingredients) in product_rows {
        let key = normalize::key(name);
        if unusable(name, &key) {
            continue;
        }
        let entry = names
            .entry(key)
            .or_insert_with(|| (name.to_owned(), Vec::new()));
        add_set(
            &mut entry.1,
            ingredients.iter().map(|i| sid(i)).collect(),
            &bases,
        );
    }
    // A name written as a combination (`ibersartan/hydrochlorothiazide`, listed with irbesartan
    // alone) holds every part it names: a part that is a name of its own adds that name's
    // substances, so no ingredient is left out.
    let parts_of: Vec<(String, Vec<u32>)> = names
        .iter()
        .filter(|(_, (display, _))| display.contains('/'))
        .filter_map(|(key, (display, _))| {
            let mut add: Vec<u32> = Vec::new();
            for part in display.split('/') {
                let k = normalize::key(part);
                if k.len() < 3 || k == *key {
                    continue;
                }
                if let Some((_, sets)) = names.get(&k)
                    && sets.len() == 1
                {
                    add.extend(&sets[0]);
                }
            }
            (!add.is_empty()).then(|| (key.clone(), add))
        })
        .collect();
    for (key, add) in parts_of {
        if let Some((_, sets)) = names.get_mut(&key) {
            for set in sets.iter_mut() {
                set.extend(&add);
                set.sort_unstable();
                set.dedup();
            }
        }
    }
    // Names with trailing salt words are also found without them (`clopidogrel bisulfate` →
    // `clopidogrel`), unless that key is a name of its own.
    let mut bare: BTreeMap<String, Entry> = BTreeMap::new();
    let bare_keys: Vec<(String, String)> = names
        .keys()
        .filter_map(|key| {
            let n = normalize::normalize(key);
            let keep = n
                .tokens
                .iter()
                .rposition(|t| t.kind == TokenKind::Word)
                .map_or(0, |p| p + 1);
            (keep > 0 && keep < n.tokens.len()).then(|| {
                let words: Vec<&str> = n.tokens[..keep].iter().map(|t| t.text.as_str()).collect();
                (key.clone(), words.join(" "))
            })
        })
        .collect();
    for (key, base) in &bare_keys {
        // `e-base` (erythromycin) does not make `e` a name.
        if names.contains_key(base) || base.len() < 3 {
            continue;
        }
        let entry = bare
            .entry(base.clone())
            .or_insert_with(|| (base.clone(), Vec::new()));
        for set in names.get(key).map(|v| v.1.as_slice()).unwrap_or_default() {
            add_set(&mut entry.1, set.clone(), &bases);
        }
    }
    names.extend(bare);
    let mut w = BlobWriter::default();
    let subs: Vec<&str> = substances.keys().copied().collect();
    w.strings(&subs);
    let keys: Vec<String> = subs.iter().map(|s| normalize::key(s)).collect();
    w.strings(&keys);
    w.strings(&bases);
    let name_keys: Vec<&str> = names.keys().map(String::as_str).collect();
    w.strings(&name_keys);
    let displays: Vec<&str> = names.values().map(|v| v.0.as_str()).collect();
    w.strings(&displays);
    let mut ends = Vec::with_capacity(names.len());
    let mut ids = Vec::new();
    for (_, sets) in names.values() {
        for (i, set) in sets.iter().enumerate() {
            if i > 0 {
                ids.push(SET_BREAK);
            }
            ids.extend(set);
        }
        ends.push(u32::try_from(ids.len()).unwrap_or(u32::MAX));
    }
    w.u32s(&ends);
    w.u32s(&ids);
    let mut compact: BTreeMap<String, u32> = BTreeMap::new();
    let mut fuzzy_entries: Vec<(String, u32)> = Vec::new();
    for (i, key) in name_keys.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        if key.contains(' ') {
            let c: String = key.split(' ').collect();
            if !names.contains_key(&c) {
                compact.entry(c.clone()).or_insert(i);
            }
            fuzzy_entries.push((c, i));
        } else {
            fuzzy_entries.push(((*key).to_owned(), i));
        }
    }
    let compact_keys: Vec<&str> = compact.keys().map(String::as_str).collect();
    w.strings(&compact_keys);
    w.u32s(&compact.values().copied().collect::<Vec<_>>());
    w.u32s(&key_table(&name_keys, &compact_keys));
    fuzzy::write_index(&mut w, fuzzy_entries);
    Ok(w.finish())
}

/// The data lines of a `#`-commented TSV with this header, each split into `n` fields, with its
/// line number.
fn tsv_lines<'t>(
    text: &'t str,
    origin: &str,
    header: &str,
    n: usize,
) -> Result<Vec<(usize, Vec<&'t str>)>, String> {
    let mut header_seen = false;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !header_seen {
            header_seen = true;
            if line != header {
                let shown = header.replace('\t', "<TAB>");
                return Err(format!("{origin}:{}: header must be `{shown}`", i + 1));
            }
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != n {
            return Err(format!(
                "{origin}:{}: expected {} tab-separated fields",
                i + 1,
                ["no", "one", "two", "three"].get(n).unwrap_or(&"more")
            ));
        }
        out.push((i + 1, fields));
    }
    Ok(out)
}

/// A hash of a key for the key table (FNV-1a: the same wherever the blob is built or read).
fn key_hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// An open-addressing table over the name keys then the compact keys (no key is in both), a
/// power of two in size and at most half full: 0 for an empty entry, else one more than the key's
/// position, counting the name keys first.
fn key_table(keys: &[&str], compact: &[&str]) -> Vec<u32> {
    let size = (2 * (keys.len() + compact.len())).next_power_of_two();
    let mut table = vec![0u32; size];
    for (i, key) in keys.iter().chain(compact).enumerate() {
        let mut at = key_hash(key) as usize & (size - 1);
        while table[at] != 0 {
            at = (at + 1) & (size - 1);
        }
        table[at] = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
    table
}

/// Whether a name's key (`normalize::key` of it) is no key to index it under: one of one or two
/// letters (`r/amp` → `r` would make a stray letter a drug), one that dropped a one-letter
/// word of the name (`vitamin q` would become `vitamin`, and then stand for every vitamin; the
/// `g` of `penicillin g potassium` is kept, so it is indexed), or a fragment of three letters
/// left of a name whose other words are form or dose words (`Pre-Pen` → `pre` would make
/// `pre-filled` a drug, `AT-III` → `iii` the numeral of any name).
fn unusable(name: &str, key: &str) -> bool {
    let noise_letters = |words: &mut dyn Iterator<Item = &str>| {
        words
            .filter(|w| w.len() == 1 && normalize::is_noise(&w.to_ascii_lowercase()))
            .count()
    };
    let fragment = || {
        key.len() < 4
            && name
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| normalize::is_noise(&w.to_ascii_lowercase()))
    };
    key.len() < 3
        || noise_letters(&mut name.split(|c: char| !c.is_ascii_alphanumeric()))
            > noise_letters(&mut key.split(' '))
        || fragment()
}

/// A substance's key without salt and hydrate words (`atorvastatin calcium trihydrate` →
/// `atorvastatin`).
#[must_use]
pub fn base_key(substance: &str) -> String {
    let n = normalize::normalize(substance);
    let words: Vec<&str> = n
        .tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text.as_str())
        .collect();
    words.join(" ")
}

/// The index, read in place.
#[derive(Clone, Copy, Debug)]
pub struct VocabIndex<'a> {
    substances: Strings<'a>,
    substance_keys: Strings<'a>,
    substance_bases: Strings<'a>,
    keys: Strings<'a>,
    displays: Strings<'a>,
    substance_ends: U32s<'a>,
    substance_ids: U32s<'a>,
    compact: Strings<'a>,
    compact_names: U32s<'a>,
    key_table: U32s<'a>,
    fuzzy: FuzzyIndex<'a>,
}

impl<'a> VocabIndex<'a> {
    /// Reads a blob made by [`build_from_tsv`].
    #[must_use]
    pub fn read(bytes: &'a [u8]) -> VocabIndex<'a> {
        let b = Blob::new(bytes);
        VocabIndex {
            substances: b.strings(SUBSTANCES),
            substance_keys: b.strings(SUBSTANCE_KEYS),
            substance_bases: b.strings(SUBSTANCE_BASES),
            keys: b.strings(KEYS),
            displays: b.strings(DISPLAYS),
            substance_ends: b.u32s(SUBSTANCE_ENDS),
            substance_ids: b.u32s(SUBSTANCE_IDS),
            compact: b.strings(COMPACT),
            compact_names: b.u32s(COMPACT_NAMES),
            key_table: b.u32s(KEY_TABLE),
            fuzzy: FuzzyIndex::read(b, FUZZY),
        }
    }

    /// Number of names.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are no names.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The name stored under a normalized key, spaced or compact.
    #[must_use]
    pub fn lookup(&self, key: &str) -> Option<u32> {
        let size = self.key_table.len();
        if size.is_power_of_two() && size >= 2 * (self.keys.len() + self.compact.len()) {
            return self.lookup_hashed(key, size);
        }
        self.lookup_searched(key)
    }

    /// [`VocabIndex::lookup`] through the key table: a probe from the key's hash to the first
    /// empty entry (the table is at most half full).
    fn lookup_hashed(&self, key: &str, size: usize) -> Option<u32> {
        let names = self.keys.len();
        let mut at = key_hash(key) as usize & (size - 1);
        for _ in 0..size {
            let i = self.key_table.get(at).checked_sub(1)? as usize;
            if i < names {
                if self.keys.get(i) == key {
                    return u32::try_from(i).ok();
                }
            } else if self.compact.get(i - names) == key {
                return Some(self.compact_names.get(i - names));
            }
            at = (at + 1) & (size - 1);
        }
        None
    }

    /// [`VocabIndex::lookup`] by binary search, for a blob without a key table.
    fn lookup_searched(&self, key: &str) -> Option<u32> {
        if let Some(i) = self.keys.find(key) {
            return u32::try_from(i).ok();
        }
        self.compact.find(key).map(|i| self.compact_names.get(i))
    }

    /// A name's normalized key.
    #[must_use]
    pub fn key(&self, name: u32) -> &'a str {
        self.keys.get(name as usize)
    }

    /// A name as written in the vocabulary.
    #[must_use]
    pub fn display(&self, name: u32) -> &'a str {
        self.displays.get(name as usize)
    }

    /// The substances a name stands for, every ingredient set together.
    pub fn substances_of(&self, name: u32) -> impl Iterator<Item = u32> + 'a {
        self.substance_list(name).filter(|&s| s != SET_BREAK)
    }

    /// The ingredient sets of a name: one, or one per product where the name means different
    /// products (in different markets).
    #[must_use]
    pub fn substance_sets(&self, name: u32) -> Vec<Vec<u32>> {
        let mut sets = vec![Vec::new()];
        for s in self.substance_list(name) {
            if s == SET_BREAK {
                sets.push(Vec::new());
            } else if let Some(last) = sets.last_mut() {
                last.push(s);
            }
        }
        sets
    }

    /// Whether a name means several products ([`VocabIndex::substance_sets`] has more than one),
    /// without building the sets.
    #[must_use]
    pub fn has_several_sets(&self, name: u32) -> bool {
        self.substance_list(name).any(|s| s == SET_BREAK)
    }

    fn substance_list(&self, name: u32) -> impl Iterator<Item = u32> + 'a {
        let i = name as usize;
        let start = if i == 0 {
            0
        } else {
            self.substance_ends.get(i - 1) as usize
        };
        let end = self.substance_ends.get(i) as usize;
        let ids = self.substance_ids;
        (start..end).map(move |j| ids.get(j))
    }

    /// A substance's display name.
    #[must_use]
    pub fn substance(&self, s: u32) -> &'a str {
        self.substances.get(s as usize)
    }

    /// A substance's normalized key.
    #[must_use]
    pub fn substance_key(&self, s: u32) -> &'a str {
        self.substance_keys.get(s as usize)
    }

    /// A substance's key without salt words.
    #[must_use]
    pub fn substance_base(&self, s: u32) -> &'a str {
        self.substance_bases.get(s as usize)
    }

    /// The fuzzy index (values are name ids).
    #[must_use]
    pub fn fuzzy(&self) -> FuzzyIndex<'a> {
        self.fuzzy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "# test\nname\tsubstance\nLipitor\tATORVASTATIN CALCIUM\nhyzaar\tlosartan potassium\n\
                       hyzaar\thydrochlorothiazide\niron sucrose\tferric oxide, saccharated\n";

    #[test]
    fn names_substances_and_compact_keys_are_indexed() {
        let blob = build_from_tsv(TSV, "t.tsv").unwrap();
        let v = VocabIndex::read(&blob);
        let lipitor = v.lookup("lipitor").unwrap();
        assert_eq!(v.display(lipitor), "Lipitor");
        let subs: Vec<&str> = v.substances_of(lipitor).map(|s| v.substance(s)).collect();
        assert_eq!(subs, vec!["ATORVASTATIN CALCIUM"]);
        let s = v.substances_of(lipitor).next().unwrap();
        assert_eq!(v.substance_base(s), "atorvastatin");
        assert_eq!(v.substances_of(v.lookup("hyzaar").unwrap()).count(), 2);
        assert_eq!(v.lookup("ironsucrose"), v.lookup("iron sucrose"));
        assert!(v.lookup("nothing").is_none());
    }

    #[test]
    fn the_key_table_finds_what_a_binary_search_finds() {
        let blob = build_from_tsv(TSV, "t.tsv").unwrap();
        for v in [
            VocabIndex::read(&blob),
            crate::names::vocab::Vocabulary::builtin().index(),
        ] {
            agrees_with_binary_search(v);
        }
    }

    fn agrees_with_binary_search(v: VocabIndex<'_>) {
        assert!(v.key_table.len().is_power_of_two());
        let size = v.key_table.len();
        let compact = (0..v.compact.len()).map(|i| v.compact.get(i));
        let keys = (0..v.keys.len()).map(|i| v.keys.get(i));
        let misses = ["", "nothing", "iron", "ironsucros", "lipitorx"];
        for key in keys.chain(compact).chain(misses) {
            assert_eq!(v.lookup_hashed(key, size), v.lookup_searched(key), "{key}");
        }
    }

    #[test]
    fn a_short_fragment_left_of_a_name_by_its_form_words_is_no_key() {
        let blob = build_from_tsv(
            "name\tsubstance\nPre-Pen\tbenzylpenicilloyl polylysine\nAT-III\tantithrombin iii\n\
             Nitro-Bid\tnitroglycerin\nZiac tablets\tbisoprolol fumarate\n",
            "t",
        )
        .unwrap();
        let v = VocabIndex::read(&blob);
        assert!(v.lookup("pre").is_none());
        assert!(v.lookup("iii").is_none());
        // A part of four letters or more, and a short name whose form word stands apart, stay.
        assert!(v.lookup("nitro").is_some());
        assert!(v.lookup("ziac").is_some());
    }

    #[test]
    fn names_with_trailing_salts_are_found_without_them() {
        let blob = build_from_tsv(
            "name\tsubstance\nclopidogrel bisulfate\tclopidogrel bisulfate\n",
            "t",
        )
        .unwrap();
        let v = VocabIndex::read(&blob);
        let bare: Vec<u32> = v.substances_of(v.lookup("clopidogrel").unwrap()).collect();
        let full: Vec<u32> = v
            .substances_of(v.lookup("clopidogrel bisulfate").unwrap())
            .collect();
        assert_eq!(bare, full);
    }

    /// The substance sets a key stands for, by substance name.
    fn substance_sets<'a>(v: VocabIndex<'a>, key: &str) -> Vec<Vec<&'a str>> {
        let i = v.lookup(key).unwrap();
        v.substance_sets(i)
            .iter()
            .map(|set| set.iter().map(|&s| v.substance(s)).collect())
            .collect()
    }

    #[test]
    fn a_qualified_name_gives_its_head_a_meaning_only_where_the_head_is_not_listed_plainly() {
        let tsv = "name\tsubstance\ntmp\ttrimethoprim\ntmp (thiamine ester)\tmonophosphothiamine\n\
                   tmp (psoralen)\ttrioxsalen\nvitamin d (cholecalciferol)\tcholecalciferol\n";
        let blob = build_from_tsv(tsv, "t").unwrap();
        let v = VocabIndex::read(&blob);
        let sets = |key: &str| substance_sets(v, key);
        assert_eq!(sets("tmp"), vec![vec!["trimethoprim"]]);
        assert_eq!(
            sets("tmp thiamine ester"),
            vec![vec!["monophosphothiamine"]]
        );
        assert_eq!(sets("vitamin d"), vec![vec!["cholecalciferol"]]);
    }

    #[test]
    fn a_name_that_would_lose_a_letter_is_left_out() {
        let blob = build_from_tsv("name\tsubstance\nvitamin q\tubidecarenone\n", "t").unwrap();
        let v = VocabIndex::read(&blob);
        assert!(v.lookup("vitamin").is_none());
    }

    #[test]
    fn a_product_row_is_one_ingredient_set_and_sets_apart_stay_apart() {
        let products = "# p\nname\tingredients\tmarkets\n\
                        atacand plus\tcandesartan cilexetil; hydrochlorothiazide\tCA\n\
                        canesten\tclotrimazole\tCA,UK\ncanesten\ttolnaftate\tCA\n\
                        lipitor\tatorvastatin calcium\tCA\n";
        let blob = build(TSV, "t.tsv", Some(("p.tsv", products))).unwrap();
        let v = VocabIndex::read(&blob);
        let names = |key: &str| substance_sets(v, key);
        assert_eq!(
            names("atacand plus"),
            vec![vec!["candesartan cilexetil", "hydrochlorothiazide"]]
        );
        assert_eq!(
            names("canesten"),
            vec![vec!["clotrimazole"], vec!["tolnaftate"]]
        );
        // A set within another is the same product named less completely.
        assert_eq!(names("lipitor").len(), 1);
    }

    #[test]
    fn the_vocabulary_s_own_meaning_stays_the_first_set_whatever_the_registers_add() {
        let tsv = "name\tsubstance\nazt\tzidovudine\ncoaprovel\tirbesartan\n";
        let products = "name\tingredients\tmarkets\n\
                        azt\tazathioprine\tUK\n\
                        coaprovel\thydrochlorothiazide; irbesartan\tFR\n\
                        coaprovel\tbisoprolol\tXX\n";
        let blob = build(tsv, "t.tsv", Some(("p.tsv", products))).unwrap();
        let v = VocabIndex::read(&blob);
        // Alphabetical order would put azathioprine first, and a name standing for its first
        // substance would silently become the other drug.
        assert_eq!(
            substance_sets(v, "azt"),
            vec![vec!["zidovudine"], vec!["azathioprine"]]
        );
        // A larger set takes the place of the one it holds.
        assert_eq!(
            substance_sets(v, "coaprovel"),
            vec![
                vec!["hydrochlorothiazide", "irbesartan"],
                vec!["bisoprolol"]
            ]
        );
    }

    #[test]
    fn a_product_row_without_ingredients_names_its_line() {
        let err = build(
            TSV,
            "t",
            Some(("p.tsv", "name\tingredients\tmarkets\nx\t\tCA\n")),
        );
        assert_eq!(err.unwrap_err(), "p.tsv:2: a product needs an ingredient");
    }

    #[test]
    fn a_malformed_line_names_its_line() {
        let err = build_from_tsv("name\tsubstance\nfoo\n", "v.tsv").unwrap_err();
        assert_eq!(err, "v.tsv:2: expected two tab-separated fields");
    }
}
