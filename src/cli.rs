//! Command-line syntax (clap derive) and nothing else: `lib::run` turns these types into plain
//! options for the commands. Flag names are spelled out so they can be grepped.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const ABOUT: &str = "Screen a medication list for drugs associated with nocturnal leg cramps \
and warn about quinine.\n\nDecision support for professionals, not medical advice: every finding \
shows what matched, how, the evidence and its source; the prescriber and pharmacist decide.";

const AFTER: &str = "Exit codes: 0 done; 1 a finding at or above --fail-on (review: any entry \
that needs a look, flagged, quinine, for review or unrecognized); 2 fatal: usage, unreadable input, \
data or output error (the output is not complete); 3 finished, every record written, but some \
were error records (status `error`; 1 wins over 3 when both apply); 129, 130, 143 stopped by \
SIGHUP, SIGINT or SIGTERM (no partial -o file is left). A closed pipe is not an error.\n\n\
Decision support for professionals, not medical advice.\n\n\
Examples:\n  crampcheck check lipitor \"hctz 25 mg\" \"quinine sulfate 324 MG Oral Capsule\"\n  \
crampcheck check --file data/sample/patient.csv\n  crampcheck batch data/sample/batch.csv --format jsonl\n  \
crampcheck check lipitor quinine --age 72 --condition \"peripheral vascular disease\"\n  \
crampcheck check --file data/sample/patient.csv --format html -o report.html\n  \
crampcheck lookup furosimide\n  crampcheck list --level high";

/// crampcheck command line.
#[derive(Debug, Parser)]
#[command(name = "crampcheck", version, about = ABOUT, after_help = AFTER, max_term_width = 100)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every command.
#[derive(Debug, Args)]
pub struct Global {
    /// Output format [default: table; csv for batch]
    #[arg(long = "format", short = 'f', value_enum, global = true)]
    pub format: Option<FormatArg>,
    /// Write output to FILE (written to a temporary file, renamed into place on success)
    #[arg(long = "output", short = 'o', value_name = "FILE", global = true)]
    pub output: Option<PathBuf>,
    /// Use the knowledge base in DIR (drugs.csv, aliases.csv, sources.csv; optional vocabulary.tsv)
    #[arg(long = "kb", value_name = "DIR", global = true)]
    pub kb: Option<PathBuf>,
    /// Exit with 1 when a finding reaches LEVEL (warning = quinine; review = any entry that needs
    /// a look: flagged at any level, quinine, for review or unrecognized)
    #[arg(long = "fail-on", value_enum, value_name = "LEVEL", global = true)]
    pub fail_on: Option<FailOnArg>,
    /// When to colour the table (auto honours NO_COLOR, CLICOLOR_FORCE and TERM=dumb)
    #[arg(long = "color", value_enum, default_value_t = ColorArg::Auto, global = true)]
    pub color: ColorArg,
    /// Write CSV cells that start with = + - @ as they are, without the apostrophe that keeps a
    /// spreadsheet from running them as formulas (for pipelines that join on ids such as -17;
    /// control characters are still escaped)
    #[arg(long = "raw", global = true)]
    pub raw: bool,
    /// Width of the table in columns [default: $COLUMNS, else the terminal's, else 80]
    #[arg(long = "width", value_name = "N", global = true, value_parser = clap::value_parser!(u16).range(40..))]
    pub width: Option<u16>,
    /// Show every column of the table in one wide table
    #[arg(long = "wide", global = true)]
    pub wide: bool,
    /// Show the evidence under each finding and the full citations at the foot
    #[arg(long = "explain", global = true)]
    pub explain: bool,
    /// Leave out the closing part on what helps (non-drug measures, when to see a doctor)
    #[arg(long = "no-advice", global = true)]
    pub no_advice: bool,
    /// Print nothing on success (stdout gets no report unless -o is given; failures still say why
    /// on stderr)
    #[arg(long = "quiet", short = 'q', global = true)]
    pub quiet: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Screen one patient's list, from arguments or a file
    #[command(after_help = "Decision support for professionals, not medical advice.")]
    Check(CheckArgs),
    /// Screen a CSV of many patients, streaming
    #[command(
        after_help = "Exit codes: 0 done; 1 --fail-on reached; 2 fatal (usage, unreadable \
input, output failure); 3 finished, every record written, some were error records (1 wins over \
3). stderr ends with `read N records, wrote M records, E errors` (not with --quiet). Fields, keys \
and --lean: docs/records.md.\n\nDecision support for professionals, not medical advice."
    )]
    Batch(BatchArgs),
    /// Show how names resolve: normalized text, candidates, scores and the evidence
    Lookup(LookupArgs),
    /// List the knowledge base and its sources
    List(ListArgs),
    /// Merge `batch --summary` outputs of parts of an input into the summary of the whole
    #[command(
        name = "merge-summaries",
        after_help = "Each input is the output of batch --summary (CSV or JSON Lines, sorted by \
patient id as batch writes it); the merge streams, holding one record per input. Counts add up, \
drugs and conditions are united, and the notes, levels and context lines are worked out again \
from the merged list. Ages that differ give a range (the context lines use the highest) and a \
note; F and M both given give no line that depends on sex, and a note. The output is in \
--format, else the inputs' format, sorted by patient id. Exit codes as batch --summary of the \
whole input: 1 when the merged findings reach --fail-on, 3 when the parts counted error records, \
2 fatal.\n\n\
Example:\n  crampcheck batch part1.csv --summary -o s1.csv\n  \
crampcheck batch part2.csv --summary -o s2.csv\n  crampcheck merge-summaries s1.csv s2.csv"
    )]
    MergeSummaries(MergeArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions(CompletionsArgs),
    /// Print the man page (roff)
    Man,
}

/// `completions` arguments.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_name = "SHELL", value_enum)]
    pub shell: clap_complete::Shell,
}

/// What is known about the patient (`check`); the context lines name each factor's figure and
/// source, never a score.
#[derive(Debug, Args, Default)]
pub struct PatientArgs {
    /// The patient's age in years
    #[arg(long = "age", value_name = "YEARS", value_parser = clap::value_parser!(u32).range(0..=130))]
    pub age: Option<u32>,
    /// The patient's sex (F or M)
    #[arg(long = "sex", value_name = "F|M", value_parser = ["F", "M", "f", "m"])]
    pub sex: Option<String>,
    /// The patient is pregnant
    #[arg(long = "pregnant")]
    pub pregnant: bool,
    /// The patient is on haemodialysis
    #[arg(long = "dialysis")]
    pub dialysis: bool,
    /// A condition (repeat, or join with ;): peripheral vascular disease, arthritis, lumbar canal
    /// stenosis, cirrhosis, Parkinson's disease, cancer treatment
    #[arg(long = "condition", value_name = "NAME")]
    pub conditions: Vec<String>,
}

/// `check` arguments.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Medication entries, e.g. lipitor "hctz 25 mg"
    #[arg(value_name = "ENTRY")]
    pub entries: Vec<String>,
    /// Read entries from PATH (- = stdin): a CSV with a medication column, or one entry per
    /// line; also UTF-16, .xlsx/.xls/.ods, gzip or zstd
    #[arg(long = "file", value_name = "PATH", conflicts_with = "entries")]
    pub file: Option<PathBuf>,
    /// Name of the medication column in a CSV file
    #[arg(long = "med-column", value_name = "NAME")]
    pub med_column: Option<String>,
    /// CSV field delimiter [default: detected among , ; and tab]
    #[arg(long = "delimiter", value_name = "CHAR")]
    pub delimiter: Option<char>,
    /// The sheet of an .xlsx, .xls or .ods workbook to read [default: the first]
    #[arg(long = "sheet", value_name = "NAME")]
    pub sheet: Option<String>,
    /// The file has no header line: --med-column is a 1-based column number
    #[arg(long = "no-header", requires = "file")]
    pub no_header: bool,
    /// The record fields.
    #[command(flatten)]
    pub records: RecordArgs,
    /// What is known about the patient.
    #[command(
        flatten,
        next_help_heading = "Patient context (figures and sources, never a score)"
    )]
    pub patient: PatientArgs,
}

/// `batch` arguments.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// CSV files with a patient column and a medication column (- = stdin)
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Name of the patient-id column (its number, from 1, with --no-header)
    #[arg(long = "patient-column", value_name = "NAME")]
    pub patient_column: Option<String>,
    /// Name of the medication column (its number, from 1, with --no-header)
    #[arg(long = "med-column", value_name = "NAME")]
    pub med_column: Option<String>,
    /// CSV field delimiter [default: detected among , ; and tab]
    #[arg(long = "delimiter", value_name = "CHAR")]
    pub delimiter: Option<char>,
    /// The sheet of an .xlsx, .xls or .ods workbook to read [default: the first]
    #[arg(long = "sheet", value_name = "NAME")]
    pub sheet: Option<String>,
    /// Write one record per patient instead of one per finding, sorted by patient id, whatever
    /// the order of the rows (`crampcheck merge-summaries` combines the summaries of parts)
    #[arg(long = "summary")]
    pub summary: bool,
    /// With --summary: the most patients held in memory (about 200 bytes each: 200 MB at the
    /// default); more is an error that says how to go on
    #[arg(long = "max-patients", value_name = "N", value_parser = patients, default_value_t = crate::screen::grouping::DEFAULT_MAX_PATIENTS)]
    pub max_patients: usize,
    /// With --summary: the input is sorted by patient id (byte-wise), so each patient is written
    /// when the next starts, one patient in memory; a patient out of order is an error
    #[arg(long = "sorted", requires = "summary")]
    pub sorted: bool,
    /// Worker threads that resolve entries (reading and writing have a thread each; 1 =
    /// everything on one thread; at most 4 per core) [default: the number of cores]
    #[arg(long = "jobs", short = 'j', value_name = "N", value_parser = jobs)]
    pub jobs: Option<usize>,
    /// Never show a progress bar (it is shown only when stderr is a terminal)
    #[arg(long = "no-progress")]
    pub no_progress: bool,
    /// Copy the input column NAME into every record (repeat for several; CSV header name or
    /// JSON key; a 1-based number with --no-header), to join the results back
    #[arg(long = "key-column", value_name = "NAME")]
    pub key_columns: Vec<String>,
    /// Copy these input columns into every record, like --key-column (comma-separated)
    #[arg(long = "keep", value_name = "NAME,...", value_delimiter = ',')]
    pub keep: Vec<String>,
    /// The input has no header line: --patient-column, --med-column and --key-column are
    /// 1-based column numbers (e.g. each partition of Spark's rdd.pipe())
    #[arg(long = "no-header")]
    pub no_header: bool,
    /// Input format: csv (also TSV, workbooks, gzip, zstd, UTF-16, sniffed), jsonl (one JSON
    /// object per line, fields named by the column flags) or fhir
    #[arg(long = "input-format", value_enum, value_name = "FORMAT", default_value_t = InputFormatArg::Csv)]
    pub input_format: InputFormatArg,
    /// The record fields.
    #[command(flatten)]
    pub records: RecordArgs,
}

/// Which fields a record has (CSV, JSON Lines, JSON).
#[derive(Debug, Args, Default)]
pub struct RecordArgs {
    /// Write only these fields, in this order (comma-separated; crampcheck's fields and key
    /// columns; see docs/records.md)
    #[arg(long = "fields", value_name = "A,B,...", value_delimiter = ',')]
    pub fields: Option<Vec<String>>,
    /// Only what a join needs (keys, patient, row, finding, status, ingredient, level,
    /// match): evidence, advice, sources and citations are the ingredient's, in `crampcheck list
    /// --format csv`
    #[arg(long = "lean", conflicts_with = "fields")]
    pub lean: bool,
}

/// `--input-format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    /// A table (CSV, TSV, workbook; compressed or UTF-16 too)
    Csv,
    /// One JSON object per line
    Jsonl,
    /// FHIR R4 MedicationStatement, MedicationRequest and Medication resources
    Fhir,
}

/// The most worker threads `--jobs` accepts: four per core.
#[must_use]
pub fn max_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from) * 4
}

/// Parses `--jobs`: a whole number from 1 to [`max_jobs`].
fn jobs(s: &str) -> Result<usize, String> {
    let max = max_jobs();
    match s.parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        Ok(_) | Err(_) => Err(format!(
            "expected a number of worker threads from 1 to {max} (4 per core on this machine)"
        )),
    }
}

/// Parses `--max-patients`: a whole number of 1 or more.
fn patients(s: &str) -> Result<usize, String> {
    s.parse::<usize>()
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| "expected a number of patients, 1 or more".to_owned())
}

/// `merge-summaries` arguments.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Outputs of batch --summary (- = stdin)
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The inputs' format [default: told from the first bytes: `{` is JSON Lines, else CSV]
    #[arg(long = "input-format", value_enum, value_name = "FORMAT")]
    pub input_format: Option<SummaryFormatArg>,
    /// The inputs need not be sorted by patient (summaries written one after another, say):
    /// patients are grouped in memory, up to --max-patients, instead of streamed
    #[arg(long = "unsorted")]
    pub unsorted: bool,
    /// With --unsorted: the most patients held in memory (about 200 bytes each)
    #[arg(long = "max-patients", value_name = "N", value_parser = patients, default_value_t = crate::screen::grouping::DEFAULT_MAX_PATIENTS, requires = "unsorted")]
    pub max_patients: usize,
}

/// `merge-summaries --input-format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormatArg {
    /// CSV, as batch --summary writes by default
    Csv,
    /// JSON Lines (batch --summary -f jsonl)
    Jsonl,
}

/// `lookup` arguments.
#[derive(Debug, Args)]
pub struct LookupArgs {
    /// Names or entries to explain
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,
}

/// `list` arguments.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only drugs whose class contains TEXT (e.g. statin, loop)
    #[arg(long = "class", value_name = "TEXT")]
    pub class: Option<String>,
    /// Only drugs at LEVEL
    #[arg(long = "level", value_enum, value_name = "LEVEL")]
    pub level: Option<LevelArg>,
    /// List the sources instead of the drugs
    #[arg(long = "sources")]
    pub sources: bool,
}

/// `--format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Aligned table for people
    Table,
    /// CSV, one record per finding
    Csv,
    /// JSON Lines, one object per finding
    Jsonl,
    /// One JSON array
    Json,
    /// One self-contained, printable HTML page (check, batch --summary)
    Html,
}

/// `--fail-on` values: the levels, and `review` below them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// Any entry that needs a look: flagged at any level, quinine, for review or unrecognized
    Review,
    /// Small or non-significant association
    Low,
    /// Significant smaller association, or strongly associated per review
    Moderate,
    /// Sequence ratio ≥ 2
    High,
    /// Quinine
    Warning,
}

/// Level values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    /// Small or non-significant association
    Low,
    /// Significant smaller association, or strongly associated per review
    Moderate,
    /// Sequence ratio ≥ 2
    High,
    /// Quinine
    Warning,
}

/// `--color` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when writing to a terminal and NO_COLOR is unset
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn max_patients_is_a_whole_number_of_one_or_more() {
        assert_eq!(patients("1"), Ok(1));
        assert_eq!(patients("1000000"), Ok(1_000_000));
        for bad in ["0", "-1", "x", "", "1e6"] {
            assert!(patients(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn jobs_from_one_to_four_per_core_are_accepted() {
        assert_eq!(jobs("1"), Ok(1));
        assert_eq!(jobs(&max_jobs().to_string()), Ok(max_jobs()));
        for bad in [
            "0",
            "-1",
            "x",
            "",
            &(max_jobs() + 1).to_string(),
            "99999999999999999999999",
        ] {
            assert!(jobs(bad).is_err(), "{bad}");
        }
    }
}
