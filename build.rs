//! Compiles `data/vocabulary.tsv` and `data/products.tsv` into the index the binary reads in place (see
//! `src/names/vocab_index.rs`), with the same normalization code as the library, and keeps the
//! products of several ingredients for `src/names/combinations.rs`.
#![allow(dead_code)]

#[path = "src/names/blob.rs"]
mod blob;
#[path = "src/names/fuzzy.rs"]
mod fuzzy;
#[path = "src/normalize.rs"]
mod normalize;
#[path = "src/names/skeleton.rs"]
mod skeleton;
#[path = "src/names/vocab_index.rs"]
mod vocab_index;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for f in [
        "data/vocabulary.tsv",
        "data/products.tsv",
        "src/names/blob.rs",
        "src/names/fuzzy.rs",
        "src/names/skeleton.rs",
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
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out_dir.join("vocabulary.bin"), blob)?;
    // The products of more than one ingredient, as they are: what a combination suffix after one
    // of their ingredients may stand for (src/names/combinations.rs).
    let combinations: String = products
        .lines()
        .filter(|l| !l.starts_with('#') && l.split('\t').nth(1).is_some_and(|i| i.contains("; ")))
        .flat_map(|l| [l, "\n"])
        .collect();
    std::fs::write(out_dir.join("combinations.tsv"), combinations)?;
    Ok(())
}
