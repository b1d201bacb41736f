//! Compiles `data/vocabulary.tsv` and `data/products.tsv` into the index the binary reads in place (see
//! `src/names/vocab_index.rs`), with the same normalization code as the library.
#![allow(dead_code)]

#[path = "src/names/blob.rs"]
mod blob;
#[path = "src/names/fuzzy.rs"]
mod fuzzy;
#[path = "src/normalize.rs"]
mod normalize;
#[path = "src/names/vocab_index.rs"]
mod vocab_index;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for f in [
        "data/vocabulary.tsv",
        "data/products.tsv",
        "src/names/blob.rs",
        "src/names/fuzzy.rs",
        "src/normalize.rs",
        "src/names/vocab_index.rs",
    ] {
        println!("cargo::rerun-if-changed={f}");
    }
    let text = std::fs::read_to_string("data/vocabulary.tsv")?;
    let products = std::fs::read_to_string("data/products.tsv")?;
    let blob = vocab_index::build(
        &text,
        "data/vocabulary.tsv",
        Some(("data/products.tsv", &products)),
    )?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("vocabulary.bin");
    std::fs::write(out, blob)?;
    Ok(())
}
