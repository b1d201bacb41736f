//! The wider drug vocabulary (FDA UNII names: ingredient and brand names, each with its substance;
//! and product names from four national registers, each with every ingredient),
//! so that an entry naming some other real drug resolves to that drug. It never flags anything
//! itself. The built-in one is compiled into an index by `build.rs`.

use std::path::Path;

use anyhow::{Context, Result};

use super::vocab_index::{self, VocabIndex};

const BUILTIN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/vocabulary.bin"));

/// A vocabulary, as a compiled index. A vocabulary read from a file is kept for the life of the
/// process (it is leaked on purpose), so that its index can be borrowed for `'static` and opened once.
#[derive(Clone, Debug)]
pub struct Vocabulary {
    blob: &'static [u8],
    origin: String,
}

impl Vocabulary {
    /// The vocabulary compiled into the binary from `data/vocabulary.tsv` and `data/products.tsv`.
    #[must_use]
    pub fn builtin() -> Vocabulary {
        Vocabulary {
            blob: BUILTIN,
            origin: "data/vocabulary.tsv".into(),
        }
    }

    /// Reads and indexes a vocabulary file (`#` comments, `name<TAB>substance` header).
    ///
    /// # Errors
    /// When the file cannot be read or has a malformed line.
    pub fn load(path: &Path) -> Result<Vocabulary> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read vocabulary {}", path.display()))?;
        let origin = path.display().to_string();
        // A `products.tsv` beside it (international product names) is read with it.
        let products_path = path.with_file_name("products.tsv");
        let products = if products_path.exists() {
            let t = std::fs::read_to_string(&products_path).with_context(|| {
                format!("cannot read product names {}", products_path.display())
            })?;
            Some((products_path.display().to_string(), t))
        } else {
            None
        };
        let blob = vocab_index::build(
            &text,
            &origin,
            products.as_ref().map(|(o, t)| (o.as_str(), t.as_str())),
        )
        .map_err(anyhow::Error::msg)?;
        Ok(Vocabulary {
            blob: Vec::leak(blob),
            origin,
        })
    }

    /// An empty vocabulary (only the knowledge base is known).
    #[must_use]
    pub fn empty() -> Vocabulary {
        let blob = vocab_index::build_from_tsv("name\tsubstance\n", "none").unwrap_or_default();
        Vocabulary {
            blob: Vec::leak(blob),
            origin: "none".into(),
        }
    }

    /// The index (opening it checks its text once: keep it rather than reopen it).
    #[must_use]
    pub fn index(&self) -> VocabIndex<'static> {
        VocabIndex::read(self.blob)
    }

    /// Where the vocabulary came from.
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_vocabulary_has_at_least_ten_thousand_names() {
        let n = Vocabulary::builtin().index().len();
        assert!(n >= 10_000, "only {n} names");
    }
}
