//! Names: from an entry's normalized words to the drugs they name — the compiled vocabulary
//! ([`vocab`], [`vocab_index`], [`blob`]), the approximate search ([`fuzzy`]), the index of every
//! known name ([`lexicon`]), names found by their consonants ([`skeleton`]) and the resolution of
//! an entry ([`matcher`]).
//!
//! The files here refer to each other as `super::…`, so that `build.rs` can include the ones it
//! needs (blob, fuzzy, vocab_index) side by side to compile the vocabulary.

pub mod ambiguous;
pub mod blob;
pub mod combinations;
pub mod error_model;
pub mod fuzzy;
pub mod lexicon;
pub mod matcher;
pub mod skeleton;
pub mod vocab;
pub mod vocab_index;
pub mod wording;
