//! The wider drug vocabulary (FDA UNII names: ingredient and brand names, each with its substance),
//! so that an entry naming some other real drug resolves to that drug. It never flags anything itself.

use std::borrow::Cow;
use std::path::Path;

use anyhow::{Context, Result, bail};

const VOCABULARY_TSV: &str = include_str!("../data/vocabulary.tsv");

/// The vocabulary as text: `#` comment lines, a `name<TAB>substance` header, one name per line.
#[derive(Clone, Debug)]
pub struct Vocabulary {
    text: Cow<'static, str>,
    origin: String,
}

impl Vocabulary {
    /// The vocabulary compiled into the binary from `data/vocabulary.tsv`.
    #[must_use]
    pub fn builtin() -> Vocabulary {
        Vocabulary {
            text: Cow::Borrowed(VOCABULARY_TSV),
            origin: "data/vocabulary.tsv".into(),
        }
    }

    /// Reads a vocabulary file.
    ///
    /// # Errors
    /// When the file cannot be read or its header is wrong.
    pub fn load(path: &Path) -> Result<Vocabulary> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read vocabulary {}", path.display()))?;
        let v = Vocabulary {
            text: Cow::Owned(text),
            origin: path.display().to_string(),
        };
        v.entries().try_for_each(|e| e.map(drop))?;
        Ok(v)
    }

    /// An empty vocabulary (only the knowledge base is known).
    #[must_use]
    pub fn empty() -> Vocabulary {
        Vocabulary {
            text: Cow::Borrowed("name\tsubstance\n"),
            origin: "none".into(),
        }
    }

    /// `(name, substance)` pairs in file order; an error names the file and line.
    pub fn entries(&self) -> impl Iterator<Item = Result<(&str, &str)>> + '_ {
        let mut header_seen = false;
        self.text.lines().enumerate().filter_map(move |(i, line)| {
            if line.starts_with('#') || line.trim().is_empty() {
                return None;
            }
            if !header_seen {
                header_seen = true;
                if line != "name\tsubstance" {
                    return Some(Err(anyhow::anyhow!(
                        "{}:{}: header must be `name<TAB>substance`",
                        self.origin,
                        i + 1
                    )));
                }
                return None;
            }
            match line.split_once('\t') {
                Some((name, substance)) if !substance.contains('\t') => Some(Ok((name, substance))),
                _ => Some(Err(anyhow::anyhow!(
                    "{}:{}: expected two tab-separated fields",
                    self.origin,
                    i + 1
                ))),
            }
        })
    }

    /// Where the vocabulary came from.
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// Fails unless the built-in vocabulary parses; used by tests and `list`.
///
/// # Errors
/// On the first malformed line.
pub fn check(v: &Vocabulary) -> Result<usize> {
    let mut n = 0;
    for e in v.entries() {
        e?;
        n += 1;
    }
    if n == 0 && v.origin != "none" {
        bail!("{}: no names", v.origin);
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_vocabulary_parses_and_has_at_least_ten_thousand_names() {
        let n = check(&Vocabulary::builtin()).unwrap();
        assert!(n >= 10_000, "only {n} names");
    }

    #[test]
    fn a_malformed_line_names_its_line() {
        let v = Vocabulary {
            text: Cow::Borrowed("# c\nname\tsubstance\nfoo\n"),
            origin: "v.tsv".into(),
        };
        assert_eq!(
            check(&v).unwrap_err().to_string(),
            "v.tsv:3: expected two tab-separated fields"
        );
    }
}
