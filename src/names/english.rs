//! Common English words (`data/english_words.txt`, from a Debian word list): a word of an entry
//! that is one of them, and no drug name, is wording — never a drug by shorthand, ending or fuzzy
//! matching (`total` is not Totalip, `forte` is not Forteo, `special` is not Special K).

use std::collections::HashSet;
use std::sync::OnceLock;

const WORDS: &str = include_str!("../../data/english_words.txt");

type WordSet = HashSet<&'static str, foldhash::fast::FixedState>;

/// Whether a lowercase word is a common English word. The set is built on first use (about
/// 63,000 words), so that a run that never needs it does not pay for it.
#[must_use]
pub fn is_english(word: &str) -> bool {
    static SET: OnceLock<WordSet> = OnceLock::new();
    SET.get_or_init(|| {
        WORDS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
    .contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_words_are_english_and_drug_names_are_not() {
        for w in ["total", "forte", "nature", "special", "synthetic"] {
            assert!(is_english(w), "{w}");
        }
        for w in ["lipitor", "furosemide", "hctz", "totalip", "forteo"] {
            assert!(!is_english(w), "{w}");
        }
    }
}
