//! Names found by their consonants: the second way to a misspelled word, for the slips the edit
//! search cannot reach because they change several vowels (`napraxon` for naproxen), the first
//! vowel (`endapamide` for indapamide) or drop a syllable (`spirolactane` for spironolactone).
//!
//! A word's skeleton is its [`phonetic_key`](super::fuzzy::phonetic_key) without vowels, doubled letters collapsed again. A
//! name is a candidate when its skeleton equals the word's, or one of the two has one consonant
//! more than the other; their first letters must agree, or both be vowels. The matcher asks only
//! when the edit search found no confident answer, and weighs every candidate with the error
//! model, which decides as for any other candidate: confident, review, or only a name to look at.

use super::blob::{Blob, BlobWriter, U32s};

/// The shortest skeleton searched: shorter ones are shared by too many names.
pub const MIN_SKELETON: usize = 5;

/// The shortest skeleton from which one consonant may be missing or extra.
pub const MIN_SKELETON_EDIT: usize = 6;

/// The most letters a candidate's name may differ in length from the word: three, and a quarter
/// of the longer of the two from sixteen letters on (a dropped syllable of `hydrochlorothiazide`).
fn max_length_gap(a: usize, b: usize) -> usize {
    (a.max(b) / 4).max(3)
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// The consonant skeleton of a compact lowercase key: `naproxen` → `nprksn`.
#[must_use]
pub fn skeleton(key: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(key.len() + 2);
    skeleton_into(key.as_bytes(), &mut out);
    out
}

/// [`skeleton`] into a buffer (cleared first): [`super::fuzzy::phonetic_key`]'s rules for consonants, read off
/// the key directly, so that indexing every name allocates nothing per name (a unit test checks
/// it against the phonetic key with its vowels removed).
fn skeleton_into(b: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut emit = |c: u8| {
        if c.is_ascii_lowercase() && !is_vowel(c) && c != b'y' && out.last() != Some(&c) {
            out.push(c);
        }
    };
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 1).copied();
        let step = match (b[i], next) {
            (b'p', Some(b'h')) => {
                emit(b'f');
                2
            }
            (b't', Some(b'h')) => {
                emit(b't');
                2
            }
            (b'c', Some(b'h' | b'k')) => {
                emit(b'k');
                2
            }
            (b'q', Some(b'u')) => {
                emit(b'k');
                emit(b'w');
                2
            }
            (b'c', Some(b'e' | b'i' | b'y')) => {
                emit(b's');
                1
            }
            (b'c', _) => {
                emit(b'k');
                1
            }
            (b'x', _) => {
                emit(b'k');
                emit(b's');
                1
            }
            (b'z', _) => {
                emit(b's');
                1
            }
            (c, _) => {
                emit(c);
                1
            }
        };
        i += step;
    }
}

/// Whether two words' first letters agree as a skeleton match needs: equal, or both vowels.
fn first_letters_agree(a: &str, b: &str) -> bool {
    match (a.as_bytes().first(), b.as_bytes().first()) {
        (Some(&x), Some(&y)) => x == y || (is_vowel(x) && is_vowel(y)),
        _ => false,
    }
}

fn hash(s: &[u8]) -> u32 {
    // FNV-1a: stable, and enough to tell a few hundred thousand short strings apart (a collision
    // only adds a candidate, which the caller checks).
    s.iter().fold(0x811c_9dc5, |h, &c| {
        (h ^ u32::from(c)).wrapping_mul(0x0100_0193)
    })
}

/// Adds a skeleton index of `names` (compact keys with their values) to a blob, as two sections:
/// the sorted hashes of the skeletons the names are filed under, and each one's value. Names
/// whose skeleton is shorter than [`MIN_SKELETON`] consonants are left out. A name is filed under
/// its skeleton and, from [`MIN_SKELETON_EDIT`] consonants on, under each skeleton with one
/// consonant dropped, so that a word missing one of its consonants finds it with one lookup.
/// Written with the vocabulary at build time, so that no process sorts it at start-up. Returns
/// the first section, for [`SkeletonIndex::read`].
pub fn write_index<'a>(
    w: &mut BlobWriter,
    names: impl IntoIterator<Item = (&'a str, u32)>,
) -> usize {
    let (mut s, mut variant) = (Vec::new(), Vec::new());
    let mut entries: Vec<(u32, u32)> = Vec::new();
    for (key, value) in names {
        skeleton_into(key.as_bytes(), &mut s);
        if s.len() < MIN_SKELETON {
            continue;
        }
        entries.push((hash(&s), value));
        if s.len() >= MIN_SKELETON_EDIT {
            for i in 0..s.len() {
                // Dropping either of two equal neighbours gives the same skeleton.
                if i > 0 && s[i] == s[i - 1] {
                    continue;
                }
                variant.clear();
                variant.extend_from_slice(&s[..i]);
                variant.extend_from_slice(&s[i + 1..]);
                entries.push((hash(&variant), value));
            }
        }
    }
    entries.sort_unstable();
    entries.dedup();
    let hashes: Vec<u32> = entries.iter().map(|e| e.0).collect();
    let values: Vec<u32> = entries.iter().map(|e| e.1).collect();
    let first = w.u32s(&hashes);
    w.u32s(&values);
    first
}

/// The names of an index by skeleton, read in place from a blob (see [`write_index`]).
#[derive(Clone, Copy, Debug)]
pub struct SkeletonIndex<'a> {
    hashes: U32s<'a>,
    values: U32s<'a>,
}

impl<'a> SkeletonIndex<'a> {
    /// Reads the index whose first section is `first`.
    #[must_use]
    pub fn read(blob: Blob<'a>, first: usize) -> SkeletonIndex<'a> {
        SkeletonIndex {
            hashes: blob.u32s(first),
            values: blob.u32s(first + 1),
        }
    }

    /// Whether the index files no name.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    fn values_of(&self, s: &[u8], out: &mut Vec<u32>) {
        let h = hash(s);
        let n = self.hashes.len().min(self.values.len());
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.hashes.get(mid) < h {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        out.extend(
            (lo..n)
                .take_while(|&i| self.hashes.get(i) == h)
                .map(|i| self.values.get(i)),
        );
    }

    /// The values of the names whose skeleton is `word`'s, or one consonant longer or shorter,
    /// unchecked (`key_of` then checks each: first letters, length, and the skeletons really
    /// being that close, a hash collision aside). Each value once, in index order.
    pub fn candidates<'k>(&self, word: &str, key_of: impl Fn(u32) -> &'k str) -> Vec<u32> {
        let s = skeleton(word);
        if s.len() < MIN_SKELETON || self.is_empty() {
            return Vec::new();
        }
        // The word's skeleton finds the names with it, and those with one consonant more.
        let mut found = Vec::new();
        self.values_of(&s, &mut found);
        if s.len() >= MIN_SKELETON_EDIT {
            // One consonant more in the word than in the name.
            let mut variant = Vec::with_capacity(s.len());
            for i in 0..s.len() {
                variant.clear();
                variant.extend_from_slice(&s[..i]);
                variant.extend_from_slice(&s[i + 1..]);
                self.values_of(&variant, &mut found);
            }
        }
        found.sort_unstable();
        found.dedup();
        found.retain(|&v| {
            let key = key_of(v);
            first_letters_agree(word, key)
                && word.len().abs_diff(key.len()) <= max_length_gap(word.len(), key.len())
                && close(&s, &skeleton(key))
        });
        found
    }
}

/// Whether two skeletons are equal or one has one letter more.
fn close(a: &[u8], b: &[u8]) -> bool {
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    match long.len() - short.len() {
        0 => long == short,
        1 if short.len() >= MIN_SKELETON_EDIT - 1 => {
            let at = long.iter().zip(short).take_while(|(x, y)| x == y).count();
            long[at + 1..] == short[at..]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fuzzy::phonetic_key;
    use super::*;
    use proptest::prelude::*;

    fn by_phonetic_key(w: &str) -> Vec<u8> {
        let mut want: Vec<u8> = Vec::new();
        for c in phonetic_key(w)
            .bytes()
            .filter(|c| !is_vowel(*c) && *c != b'y')
        {
            if want.last() != Some(&c) {
                want.push(c);
            }
        }
        want
    }

    proptest! {
        #[test]
        fn the_skeleton_of_any_word_is_its_phonetic_key_without_vowels(w in "[a-z]{0,16}") {
            prop_assert_eq!(skeleton(&w), by_phonetic_key(&w));
        }

        #[test]
        fn the_index_finds_exactly_the_names_a_scan_of_every_name_finds(
            names in proptest::collection::vec("[a-z]{5,12}", 1..60),
            word in "[a-z]{5,12}",
            pick in 0usize..60,
        ) {
            // Also a word made from one of the names, so that some words have candidates.
            let word = if pick % 2 == 0 { word } else { names[pick % names.len()].replacen('a', "o", 1) };
            let blob = owned(names.iter().map(String::as_str).zip(0..));
            let found = index_of(&blob).candidates(&word, |v| names[v as usize].as_str());
            let s = skeleton(&word);
            let want: Vec<u32> = (0..names.len() as u32)
                .filter(|&v| {
                    let n = names[v as usize].as_str();
                    let ns = skeleton(n);
                    s.len() >= MIN_SKELETON
                        && ns.len() >= MIN_SKELETON
                        && first_letters_agree(&word, n)
                        && word.len().abs_diff(n.len()) <= max_length_gap(word.len(), n.len())
                        && close(&s, &ns)
                })
                .collect();
            prop_assert_eq!(found, want);
        }
    }

    /// A blob holding only a skeleton index of `names`.
    fn owned<'a>(names: impl IntoIterator<Item = (&'a str, u32)>) -> Vec<u8> {
        let mut w = BlobWriter::default();
        write_index(&mut w, names);
        w.finish()
    }

    fn index_of(blob: &[u8]) -> SkeletonIndex<'_> {
        SkeletonIndex::read(Blob::new(blob), 0)
    }

    fn found(names: &[&'static str], word: &str) -> Vec<&'static str> {
        let blob = owned(names.iter().zip(0..).map(|(n, i)| (*n, i)));
        index_of(&blob)
            .candidates(word, |v| names[v as usize])
            .into_iter()
            .map(|v| names[v as usize])
            .collect()
    }

    #[test]
    fn a_skeleton_keeps_the_consonants_as_they_sound() {
        assert_eq!(skeleton("naproxen"), b"nprksn");
        assert_eq!(skeleton("napraxon"), b"nprksn");
        assert_eq!(skeleton("spironolactone"), b"sprnlktn");
        assert_eq!(skeleton("phyllocontin"), b"flkntn");
    }

    #[test]
    fn the_skeleton_is_the_phonetic_key_without_its_vowels() {
        let words = [
            "naproxen",
            "phyllocontin",
            "thiazide",
            "chlorthalidone",
            "quinine",
            "cyclopenthiazide",
            "xipamide",
            "zestoretic",
            "bisoprolol",
            "hydrochlorothiazide",
            "ckx",
            "yy",
            "accupril",
            "cceh",
            "quu",
            "ph",
            "th",
            "a",
            "",
            "ecce",
            "lasix",
        ];
        for w in words {
            assert_eq!(skeleton(w), by_phonetic_key(w), "{w}");
        }
    }

    #[test]
    fn vowel_slips_a_first_vowel_and_a_dropped_syllable_are_found() {
        let names = ["naproxen", "indapamide", "spironolactone", "nateglinide"];
        assert_eq!(found(&names, "napraxon"), ["naproxen"]);
        assert_eq!(found(&names, "endapamide"), ["indapamide"]);
        assert_eq!(found(&names, "spirolactane"), ["spironolactone"]);
    }

    #[test]
    fn other_first_consonants_far_lengths_and_two_consonants_apart_are_not() {
        let names = ["naproxen", "spironolactone", "sprintec"];
        assert!(found(&names, "maproxen").is_empty());
        assert!(found(&names, "naproxenilate").is_empty());
        assert!(found(&names, "stolactone").is_empty());
    }

    #[test]
    fn short_skeletons_find_nothing() {
        assert!(found(&["lasix"], "lasex").is_empty());
        assert!(index_of(&owned([("lasix", 0)])).is_empty());
    }
}
