//! Words that are part of an entry's wording and never a drug: common English words
//! (`data/english_words.txt`, from a Debian word list: `total` is not Totalip, `forte` is not
//! Forteo), words that name no drug (`data/not_drugs.txt`: foods, supplements, vaccines,
//! devices) and the words of company names (`data/suppliers.txt`, from the product registers:
//! `(Pfizer Ltd)`, `Stragen`); and words that mark an entry as no medicine at all
//! (`data/not_medicines.txt`: disinfectant, cleaner). Neither is turned into a drug by shorthand, ending or fuzzy matching, and an unknown
//! word one edit from a not-a-drug word is not read as a drug either (`quinioa` is quinoa).
//! The French words of the French and Canadian registers' texts (`data/french_words.txt`:
//! `dilué`, `aqueux`) are never a slip or a shorthand for a drug name, but may still be one by
//! its French ending (`néomycine`).

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::normalize;

const ENGLISH: &str = include_str!("../../data/english_words.txt");
const FRENCH: &str = include_str!("../../data/french_words.txt");
const NOT_DRUGS: &str = include_str!("../../data/not_drugs.txt");
const SUPPLIERS: &str = include_str!("../../data/suppliers.txt");
const NOT_MEDICINES: &str = include_str!("../../data/not_medicines.txt");
const CONDITION_WORDS: &str = include_str!("../../data/condition_words.txt");

type WordSet = HashSet<&'static str, foldhash::fast::FixedState>;

fn words(text: &'static str) -> WordSet {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect()
}

/// Whether a word is in the English list: a binary search over its lines, which are sorted and
/// lowercase (a unit test checks both), so that start-up finds where 63,000 lines start instead
/// of hashing every word.
fn is_english(word: &str) -> bool {
    static LINES: OnceLock<SortedLines> = OnceLock::new();
    LINES
        .get_or_init(|| SortedLines::new(ENGLISH))
        .contains(word)
}

/// Whether a word (accents folded) is a French word of the French and Canadian registers' texts
/// (`data/french_words.txt`, sorted like the English list): never a slip or a shorthand for a
/// drug name (`dilue` is not Diulo, `aqueux` is not Aquex).
#[must_use]
pub fn is_french(word: &str) -> bool {
    static LINES: OnceLock<SortedLines> = OnceLock::new();
    LINES
        .get_or_init(|| SortedLines::new(FRENCH))
        .contains(word)
}

/// The lines of a text after its `#` comment lines, sorted by byte, found by binary search.
struct SortedLines {
    text: &'static str,
    /// Where each line starts, then one past the end of the last line's newline.
    starts: Vec<u32>,
}

impl SortedLines {
    fn new(text: &'static str) -> SortedLines {
        let bytes = text.as_bytes();
        let mut starts = vec![0u32];
        starts.extend(
            memchr::memchr_iter(b'\n', bytes).map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        if !text.ends_with('\n') && !text.is_empty() {
            starts.push(u32::try_from(bytes.len() + 1).unwrap_or(u32::MAX));
        }
        // Comment lines come first.
        let comments = starts
            .iter()
            .take_while(|&&at| bytes.get(at as usize) == Some(&b'#'))
            .count();
        starts.drain(..comments);
        if starts.len() == 1 {
            starts.clear();
        }
        SortedLines { text, starts }
    }

    /// Line `i`, without its newline.
    fn line(&self, i: usize) -> &[u8] {
        let at = |k: usize| self.starts.get(k).map_or(0, |&s| s as usize);
        let (start, end) = (at(i), at(i + 1).saturating_sub(1));
        self.text.as_bytes().get(start..end).unwrap_or_default()
    }

    fn contains(&self, word: &str) -> bool {
        let (mut lo, mut hi) = (0, self.starts.len().saturating_sub(1));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.line(mid).cmp(word.as_bytes()) {
                std::cmp::Ordering::Equal => return true,
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        false
    }
}

fn not_drugs() -> &'static WordSet {
    static SET: OnceLock<WordSet> = OnceLock::new();
    SET.get_or_init(|| words(NOT_DRUGS))
}

/// The words of four letters or more of the company names (`accord healthcare` gives `accord`
/// and `healthcare`).
fn supplier_words() -> &'static WordSet {
    static SET: OnceLock<WordSet> = OnceLock::new();
    SET.get_or_init(|| {
        SUPPLIERS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(|l| l.split(|c: char| !c.is_ascii_alphabetic()))
            .filter(|w| w.len() >= 4 && w.bytes().all(|b| b.is_ascii_lowercase()))
            .collect()
    })
}

/// Whether a lowercase word is a common English word, a word that names no drug or a word of a
/// company name. The English list is searched where it lies; the two short sets are built on
/// first use. A word that is a drug name still matches that name exactly first.
#[must_use]
pub fn is_wording(word: &str) -> bool {
    is_english(word) || not_drugs().contains(word) || supplier_words().contains(word)
}

/// Whether a lowercase word is a word of a company name (`hexal`, `ratiopharm`, `sandoz`).
#[must_use]
pub fn is_supplier(word: &str) -> bool {
    supplier_words().contains(word)
}

/// Whether a word marks its entry as no medicine at all (`disinfectant`, `cleaner`:
/// `data/not_medicines.txt`).
#[must_use]
pub fn is_not_a_medicine(word: &str) -> bool {
    static SET: OnceLock<WordSet> = OnceLock::new();
    SET.get_or_init(|| words(NOT_MEDICINES)).contains(word)
}

/// Whether a word makes a drug class named beside it a condition, a history or an absence
/// (`statin intolerance`, `no diuretics`: `data/condition_words.txt`).
#[must_use]
pub fn is_condition_word(word: &str) -> bool {
    static SET: OnceLock<WordSet> = OnceLock::new();
    SET.get_or_init(|| words(CONDITION_WORDS)).contains(word)
}

/// Whether a word is one edit (a letter dropped, added, changed, or two swapped) from a word that
/// names no drug. The list is short, so each of its words is compared directly.
#[must_use]
pub fn near_not_a_drug(word: &str) -> bool {
    if word.len() < 4 {
        return false;
    }
    let w = word.as_bytes();
    // Only words of a length within one of the word's can be one edit away.
    let by_length = not_drugs_by_length();
    (w.len() - 1..=w.len() + 1)
        .filter_map(|len| by_length.get(len))
        .flatten()
        .any(|n| one_edit(w, n))
}

/// The salt or hydrate word that `word` misspells (`hydrochoride`, `sucinate`, `potasium`): one of
/// the same first letter within the edits a word of its length may carry
/// ([`super::fuzzy::max_edits`]: one for 5 to 8 letters, two for 9 to 13), the nearest, when
/// `word` is not itself one.
#[must_use]
pub fn salt_slip(word: &str) -> Option<(&'static str, usize)> {
    if word.len() < 5 || normalize::is_salt(word) {
        return None;
    }
    let first = word.as_bytes().first()?;
    let k = super::fuzzy::max_edits(word.len());
    let letters = letter_set(word.as_bytes());
    normalize::salt_words()
        .iter()
        .zip(salt_letter_sets())
        // An edit changes at most two letters of the set of letters a word holds: a salt word
        // whose set differs in more than twice the edits allowed is never within them.
        .filter(|&(s, &set)| {
            s.as_bytes().first() == Some(first)
                && s.len().abs_diff(word.len()) <= k
                && (letters ^ set).count_ones() as usize <= 2 * k
        })
        .filter_map(|(s, _)| {
            let limit = k.min(super::fuzzy::max_edits(s.len()));
            Some((
                *s,
                super::fuzzy::osa_within(word.as_bytes(), s.as_bytes(), limit)?,
            ))
        })
        .min_by_key(|&(s, d)| (d, s))
}

/// The set of letters `a` to `z` a word holds (bit 0 for `a`), with one bit for any other byte.
fn letter_set(word: &[u8]) -> u32 {
    word.iter().fold(0, |set, &c| {
        set | if c.is_ascii_lowercase() {
            1 << (c - b'a')
        } else {
            1 << 26
        }
    })
}

/// [`letter_set`] of each of [`normalize::salt_words`], in its order.
fn salt_letter_sets() -> &'static [u32] {
    static SETS: OnceLock<Vec<u32>> = OnceLock::new();
    SETS.get_or_init(|| {
        normalize::salt_words()
            .iter()
            .map(|s| letter_set(s.as_bytes()))
            .collect()
    })
}

/// The words that name no drug, by their length in bytes.
fn not_drugs_by_length() -> &'static [Vec<&'static [u8]>] {
    static BY_LENGTH: OnceLock<Vec<Vec<&'static [u8]>>> = OnceLock::new();
    BY_LENGTH.get_or_init(|| {
        let mut by_length: Vec<Vec<&'static [u8]>> = Vec::new();
        for w in not_drugs() {
            if by_length.len() <= w.len() {
                by_length.resize_with(w.len() + 1, Vec::new);
            }
            by_length[w.len()].push(w.as_bytes());
        }
        by_length
    })
}

/// Whether `a` and `b` differ by at most one edit (optimal string alignment).
fn one_edit(a: &[u8], b: &[u8]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    match (a.len(), b.len()) {
        (0, 0) => true,
        (x, y) if x == y => {
            // One substitution, or two neighbours swapped.
            a[1..] == b[1..] || (x >= 2 && a[0] == b[1] && a[1] == b[0] && a[2..] == b[2..])
        }
        (x, y) if x > y => a[1..] == *b,
        _ => b[1..] == *a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_letter_set_filter_keeps_every_salt_word_within_the_edits() {
        // Every salt word with each one-letter slip: the search with its letter-set filter finds
        // what a search of every salt word finds.
        let unfiltered = |word: &str| -> Option<(&'static str, usize)> {
            if word.len() < 5 || normalize::is_salt(word) {
                return None;
            }
            let k = super::super::fuzzy::max_edits(word.len());
            normalize::salt_words()
                .iter()
                .filter(|s| s.as_bytes().first() == word.as_bytes().first())
                .filter(|s| s.len().abs_diff(word.len()) <= k)
                .filter_map(|s| {
                    let limit = k.min(super::super::fuzzy::max_edits(s.len()));
                    Some((
                        *s,
                        super::super::fuzzy::osa_within(word.as_bytes(), s.as_bytes(), limit)?,
                    ))
                })
                .min_by_key(|&(s, d)| (d, s))
        };
        let mut checked = 0;
        for salt in normalize::salt_words() {
            let b = salt.as_bytes();
            for i in 1..b.len() {
                let mut variants = vec![[&b[..i], &b[i + 1..]].concat()];
                for c in [b'a', b'e', b'x', b'z'] {
                    variants.push([&b[..i], &[c], &b[i + 1..]].concat());
                    variants.push([&b[..i], &[c], &b[i..]].concat());
                }
                for v in variants {
                    let v = String::from_utf8(v).unwrap_or_default();
                    assert_eq!(salt_slip(&v), unfiltered(&v), "{v}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }
    use crate::names::vocab::Vocabulary;

    #[test]
    fn ordinary_words_are_wording_and_drug_names_are_not() {
        for w in [
            "total",
            "forte",
            "nature",
            "special",
            "synthetic",
            "quinoa",
            "vaccine",
        ] {
            assert!(is_wording(w), "{w}");
        }
        for w in [
            "lipitor",
            "furosemide",
            "hctz",
            "totalip",
            "forteo",
            "quinine",
        ] {
            assert!(!is_wording(w) || w == "quinine", "{w}");
        }
    }

    #[test]
    fn a_slip_of_a_food_is_near_a_food_but_a_slip_of_a_drug_is_not() {
        assert!(near_not_a_drug("quinioa"));
        assert!(near_not_a_drug("qinoa"));
        assert!(!near_not_a_drug("quinnine"));
        assert!(!near_not_a_drug("furosimide"));
    }

    #[test]
    fn near_not_a_drug_is_one_edit_from_some_not_a_drug_word() {
        // Every not-a-drug word with each of its letters dropped, doubled, changed or swapped,
        // and some drug names: the same answer as comparing with every word.
        let mut words: Vec<String> = vec!["quinnine".into(), "furosimide".into(), "lasix".into()];
        for n in not_drugs() {
            for i in 0..n.len() {
                let mut dropped = n.to_string();
                dropped.remove(i);
                let mut doubled = n.to_string();
                doubled.insert(i, char::from(n.as_bytes()[i]));
                let mut changed = n.as_bytes().to_vec();
                changed[i] = b'x';
                let mut swapped = n.as_bytes().to_vec();
                swapped.swap(i, (i + 1) % n.len());
                let mut twice = changed.clone();
                twice[(i + 2) % n.len()] = b'q';
                for b in [changed, swapped, twice] {
                    words.extend(String::from_utf8(b).ok());
                }
                words.extend([dropped, doubled]);
            }
        }
        let (mut near, mut far) = (0, 0);
        for w in &words {
            let want = w.len() >= 4
                && not_drugs()
                    .iter()
                    .any(|n| one_edit(w.as_bytes(), n.as_bytes()));
            assert_eq!(near_not_a_drug(w), want, "{w}");
            if want { near += 1 } else { far += 1 }
        }
        assert!(near > 100 && far > 3, "{near} near, {far} far");
    }

    #[test]
    fn the_english_list_is_sorted_lowercase_words_each_found_by_the_search() {
        let lines: Vec<&str> = ENGLISH.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(lines.len() > 60_000, "{} words", lines.len());
        assert!(lines.windows(2).all(|p| p[0] < p[1]), "not sorted");
        for l in &lines {
            assert!(
                !l.is_empty() && l.bytes().all(|b| b.is_ascii_lowercase()),
                "{l:?}"
            );
            assert!(is_english(l), "{l}");
            // A word just before or after it in order is found only when it is a line too.
            for other in [
                format!("{l}a"),
                l[..l.len() - 1].to_owned(),
                format!("{l}zz"),
            ] {
                assert_eq!(
                    is_english(&other),
                    lines.binary_search(&other.as_str()).is_ok(),
                    "{other}"
                );
            }
        }
        for w in ["", "#", "a", "zzzzzz", "aaaa", "english words"] {
            assert_eq!(is_english(w), lines.binary_search(&w).is_ok(), "{w:?}");
        }
    }

    #[test]
    fn the_french_list_is_sorted_lowercase_words_apart_from_the_english_ones() {
        let lines: Vec<&str> = FRENCH.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(lines.len() > 500, "{} words", lines.len());
        assert!(lines.windows(2).all(|p| p[0] < p[1]), "not sorted");
        for l in &lines {
            assert!(
                l.len() >= 4 && l.bytes().all(|b| b.is_ascii_lowercase()),
                "{l:?}"
            );
            assert!(is_french(l) && !is_english(l), "{l}");
        }
        for w in ["dilue", "aqueux", "complexe", "comprime"] {
            assert!(is_french(w), "{w}");
        }
        for w in ["furosemide", "quinine", "saccharose", "lasilix", "dilu"] {
            assert!(!is_french(w), "{w}");
        }
    }

    #[test]
    fn a_search_of_sorted_lines_finds_every_line_and_nothing_else() {
        for text in [
            "# comment\n# more\nb\nbb\nc\nd",
            "# comment\nb\nbb\nc\nd\n",
            "b\nbb\nc\nd",
        ] {
            let lines = SortedLines::new(text);
            for w in ["b", "bb", "c", "d"] {
                assert!(lines.contains(w), "{w} in {text:?}");
            }
            for w in ["", "a", "ba", "bbb", "cc", "e", "# comment", "comment"] {
                assert!(!lines.contains(w), "{w} in {text:?}");
            }
        }
        for text in ["", "# only\n", "# only", "\n"] {
            assert!(!SortedLines::new(text).contains("a"), "{text:?}");
        }
    }

    #[test]
    fn a_slip_for_a_salt_word_is_that_salt_word_within_the_edits_of_its_length() {
        assert_eq!(salt_slip("hydrochoride"), Some(("hydrochloride", 1)));
        assert_eq!(salt_slip("sucinate"), Some(("succinate", 1)));
        assert_eq!(salt_slip("potasium"), Some(("potassium", 1)));
        assert_eq!(salt_slip("hdyroxide"), Some(("hydroxide", 1)));
        assert_eq!(salt_slip("hydrochoride"), Some(("hydrochloride", 1)));
        // A salt word itself, a word too short, too far, or of another first letter.
        assert_eq!(salt_slip("sodium"), None);
        assert_eq!(salt_slip("sodm"), None);
        assert_eq!(salt_slip("hydrochlorothiazide"), None);
        assert_eq!(salt_slip("ydrochloride"), None);
    }

    #[test]
    fn one_edit_means_one_letter_dropped_added_changed_or_two_swapped() {
        assert!(one_edit(b"quinoa", b"quinoa"));
        assert!(one_edit(b"quinioa", b"quinoa"));
        assert!(one_edit(b"qinoa", b"quinoa"));
        assert!(one_edit(b"quinoe", b"quinoa"));
        assert!(one_edit(b"qiunoa", b"quinoa"));
        assert!(!one_edit(b"qiunoe", b"quinoa"));
        assert!(!one_edit(b"quinine", b"quinoa"));
    }

    #[test]
    fn no_not_a_drug_word_is_a_drug_name_of_the_vocabulary() {
        let v = Vocabulary::builtin().index();
        for w in not_drugs() {
            assert!(v.lookup(w).is_none(), "{w} is a vocabulary name");
        }
    }
}
