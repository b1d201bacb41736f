//! Reading input ([`source`]: one type over the batch formats, CSV and [`jsonl`]): entry lists from arguments, standard input and files ([`input`]), over a
//! forgiving CSV record reader ([`records`]); what an input holds told from its first bytes
//! ([`sniff`]) and opened as text ([`open`]: [`compressed`] streams, [`encoding`]s, workbook
//! [`spreadsheet`]s); the header ([`header`]) and the columns taken from it ([`columns`]).

pub mod columns;
pub mod compressed;
pub mod encoding;
pub mod fhir;
pub mod header;
pub mod input;
pub mod jsonl;
pub mod open;
pub mod records;
pub mod sniff;
pub mod source;
pub mod spreadsheet;
pub mod summary;
