//! Reading input: entry lists from arguments, standard input and files ([`input`]), over a
//! forgiving CSV record reader ([`records`]).

pub mod input;
pub mod records;
