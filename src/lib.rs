//! crampcheck screens medication lists for drugs associated with nocturnal leg cramps and warns
//! about quinine. Decision support for professionals, not medical advice.
//!
//! The flow: `argv → cli → run → cmd::X::run(&Context, &Options, out)`; input comes through
//! [`read`] (every format to the same entry records); the knowledge base comes from `data/` (or
//! `--kb DIR`) through [`kb`], the vocabulary and product names through [`names::vocab`], both
//! into the name index [`names::lexicon`]. Each entry goes `normalize → names::matcher::resolve →
//! screen::screen → report::Writer`, which writes to any `io::Write`.
//!
//! Modules: [`cli`] (syntax only), [`cmd`] (one file per command), [`read`] (input formats),
//! [`normalize`] (text to tokens), [`kb`] (the knowledge base), [`names`] (vocabulary, fuzzy
//! search, error model, wording, matcher), [`screen`] (findings, context, notes), [`report`] (one
//! file per output format), [`output`] (stdout or a safely renamed file), [`escape`] (text for a
//! terminal or a CSV cell), [`interrupt`] (SIGINT, SIGTERM, SIGHUP).

pub mod cli;
pub mod cmd;
pub mod escape;
pub mod frame;
pub mod interrupt;
pub mod kb;
pub mod names;
pub mod normalize;
pub mod output;
pub mod read;
pub mod report;
pub mod screen;

use anyhow::Result;
use std::io::IsTerminal;

use cli::{Cli, ColorArg, Command, FailOnArg, FormatArg, InputFormatArg, LevelArg};
use cmd::{Context, Outcome};
use kb::{Kb, Level};
use report::Format;

/// How the process should exit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: done.
    Success,
    /// 1: a finding reached the `--fail-on` level.
    FailOn,
    /// 2: fatal: usage, unreadable input, data or output error.
    Error,
    /// 3: finished, every record written, but some were error records.
    RecordErrors,
    /// 128 + the signal's number: stopped by SIGINT (130), SIGTERM (143) or SIGHUP (129).
    Interrupted(interrupt::Interrupted),
}

impl Exit {
    /// The process exit code.
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::FailOn => 1,
            Exit::Error => 2,
            Exit::RecordErrors => 3,
            Exit::Interrupted(i) => i.code(),
        }
    }
}

fn format(f: FormatArg) -> Format {
    match f {
        FormatArg::Table => Format::Table,
        FormatArg::Csv => Format::Csv,
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Json => Format::Json,
        FormatArg::Html => Format::Html,
    }
}

/// Whether the table is coloured: `--color always|never` decide; `auto` colours a terminal
/// unless `NO_COLOR` is set (non-empty) or `TERM=dumb`, and `CLICOLOR_FORCE` (not `0`) colours
/// even a pipe (`NO_COLOR` still wins).
#[must_use]
pub fn use_color(choice: ColorArg, terminal: bool, env: &dyn Fn(&str) -> Option<String>) -> bool {
    let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto if set("NO_COLOR") => false,
        ColorArg::Auto
            if set("CLICOLOR_FORCE") && env("CLICOLOR_FORCE").as_deref() != Some("0") =>
        {
            true
        }
        ColorArg::Auto => terminal && env("TERM").as_deref() != Some("dumb"),
    }
}

/// The table's width: `--width`, else `COLUMNS`, else the terminal's, else 80 (never below 40).
#[must_use]
pub fn table_width(flag: Option<u16>, columns: Option<String>, terminal: Option<u16>) -> usize {
    let from_env = columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0);
    let w = flag
        .map(usize::from)
        .or(from_env)
        .or(terminal.map(usize::from))
        .unwrap_or(report::view::DEFAULT_WIDTH);
    w.max(report::view::MIN_WIDTH)
}

/// Today's date as `YYYY-MM-DD` (UTC), or the date of `SOURCE_DATE_EPOCH` when it is set, so
/// that reports can be reproduced.
#[must_use]
pub fn report_date(source_date_epoch: Option<String>) -> String {
    let secs = source_date_epoch
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn fail_level(f: FailOnArg) -> Option<Level> {
    match f {
        FailOnArg::Review => None,
        FailOnArg::Low => Some(Level::Low),
        FailOnArg::Moderate => Some(Level::Moderate),
        FailOnArg::High => Some(Level::High),
        FailOnArg::Warning => Some(Level::Warning),
    }
}

fn level(l: LevelArg) -> Level {
    match l {
        LevelArg::Low => Level::Low,
        LevelArg::Moderate => Level::Moderate,
        LevelArg::High => Level::High,
        LevelArg::Warning => Level::Warning,
    }
}

/// Loads the knowledge base and vocabulary named by `--kb` (or the built-in ones).
///
/// # Errors
/// When a file cannot be read or fails validation.
pub fn load(kb_dir: Option<&std::path::Path>) -> Result<(Kb, names::lexicon::Lexicon)> {
    let (kb, vocab) = match kb_dir {
        None => (Kb::builtin()?, names::vocab::Vocabulary::builtin()),
        Some(dir) => {
            let kb = Kb::load_dir(dir)?;
            let path = dir.join("vocabulary.tsv");
            let vocab = if path.exists() {
                names::vocab::Vocabulary::load(&path)?
            } else {
                names::vocab::Vocabulary::builtin()
            };
            (kb, vocab)
        }
    };
    let lex = names::lexicon::Lexicon::build(&kb, &vocab)?;
    Ok((kb, lex))
}

/// The files `-o` must never replace: the inputs, the file standard input reads (`-`, whether
/// or not the command reads it) and the knowledge-base files of `--kb`.
fn protected(cli: &Cli) -> Vec<output::Protected> {
    let input = |path: &std::path::Path| output::Protected {
        path: path.to_owned(),
        what: "input file",
    };
    let mut files: Vec<output::Protected> = match &cli.command {
        Command::Batch(b) => b.files.iter().map(|p| input(p)).collect(),
        Command::Check(c) => c.file.iter().map(|p| input(p)).collect(),
        Command::MergeSummaries(m) => m.files.iter().map(|p| input(p)).collect(),
        _ => Vec::new(),
    };
    files.push(input(std::path::Path::new("-")));
    if let Some(dir) = &cli.global.kb {
        for name in ["drugs.csv", "aliases.csv", "sources.csv", "vocabulary.tsv"] {
            files.push(output::Protected {
                path: dir.join(name),
                what: "knowledge-base file",
            });
        }
    }
    files
}

/// The exit code and the lines for stderr (each `crampcheck: `…, escaped for the terminal) of the
/// result of [`run`]. A closed pipe (`crampcheck … | head`) is how the reader says it has enough:
/// success; a signal gives 128 + its number.
#[must_use]
pub fn finish(result: Result<(Exit, Vec<String>)>) -> (Exit, Vec<String>) {
    let line = |m: &str| format!("crampcheck: {}", escape::terminal(m));
    match result {
        Ok((exit, messages)) => (exit, messages.iter().map(|m| line(m)).collect()),
        Err(err) => {
            if let Some(stopped) = interrupt::received() {
                return (
                    Exit::Interrupted(stopped),
                    vec![line(&format!("error: {stopped}"))],
                );
            }
            let broken_pipe = err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return (Exit::Success, Vec::new());
            }
            (Exit::Error, vec![line(&format!("error: {err:#}"))])
        }
    }
}

/// Runs a parsed command line; returns how to exit and the lines meant for stderr.
///
/// # Errors
/// Usage, input, data and output errors; a broken pipe comes back as an `io::Error` of kind
/// `BrokenPipe` somewhere in the chain, which the binary treats as success.
pub fn run(cli: Cli) -> Result<(Exit, Vec<String>)> {
    let protected = protected(&cli);
    let g = cli.global;
    // Completions and the man page need no knowledge base.
    if matches!(cli.command, Command::Completions(_) | Command::Man) {
        let mut out = output::Output::open(g.output.as_deref(), &[])?;
        match cli.command {
            Command::Completions(a) => cmd::completions::run(a.shell, &mut out)?,
            _ => cmd::man::run(&mut out)?,
        }
        out.commit()?;
        return Ok((Exit::Success, Vec::new()));
    }
    if g.format == Some(FormatArg::Html) {
        match &cli.command {
            Command::Lookup(_) | Command::List(_) => {
                anyhow::bail!("--format html is for check and batch; use table, csv, jsonl or json")
            }
            _ => {}
        }
    }
    let (kb, lex) = load(g.kb.as_deref())?;
    let mut out = output::Output::open(g.output.as_deref(), &protected)?;
    let terminal = out.is_terminal();
    let env = |k: &str| std::env::var(k).ok();
    let color = use_color(g.color, terminal, &env);
    let term_width = if terminal {
        terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| w.0)
    } else {
        None
    };
    let view = report::View {
        width: table_width(g.width, env("COLUMNS"), term_width),
        wide: g.wide,
        explain: g.explain,
        advice: !g.no_advice,
        context: Vec::new(),
        date: report_date(env("SOURCE_DATE_EPOCH")),
    };
    let ctx = Context {
        kb,
        lex,
        format: g.format.map(format),
        color,
        raw: g.raw,
        view,
    };
    // --quiet: no report on standard output (a file given with -o is still written).
    let mut quiet_sink = std::io::sink();
    let target: &mut dyn std::io::Write = if g.quiet && g.output.is_none() {
        &mut quiet_sink
    } else {
        &mut out
    };
    let outcome: Outcome = match cli.command {
        Command::Check(a) => {
            let opts = cmd::check::Options {
                entries: a.entries,
                file: a.file.as_deref().map(read::input::Source::from_path),
                med_column: a.med_column,
                delimiter: a.delimiter,
                sheet: a.sheet,
                fields: a.records.fields,
                lean: a.records.lean,
                no_header: a.no_header,
                patient: screen::context::Patient {
                    age: a.patient.age,
                    sex: a
                        .patient
                        .sex
                        .as_deref()
                        .and_then(screen::context::Sex::parse),
                    pregnant: a.patient.pregnant,
                    dialysis: a.patient.dialysis,
                    conditions: a
                        .patient
                        .conditions
                        .iter()
                        .flat_map(|c| screen::context::split_conditions(c))
                        .collect(),
                },
            };
            cmd::check::run(&ctx, &opts, target)?
        }
        Command::Batch(a) => {
            let jobs = a
                .jobs
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
            let opts = cmd::batch::Options {
                sources: a
                    .files
                    .iter()
                    .map(|p| read::input::Source::from_path(p))
                    .collect(),
                columns: read::input::BatchColumns {
                    patient: a.patient_column,
                    med: a.med_column,
                    delimiter: a.delimiter,
                    sheet: a.sheet,
                    extra: Vec::new(),
                    keys: a.key_columns.into_iter().chain(a.keep).collect(),
                    no_header: a.no_header,
                    format: match a.input_format {
                        InputFormatArg::Csv => read::source::InputFormat::Csv,
                        InputFormatArg::Jsonl => read::source::InputFormat::Jsonl,
                        InputFormatArg::Fhir => read::source::InputFormat::Fhir,
                    },
                },
                fields: a.records.fields,
                lean: a.records.lean,
                summary: a.summary,
                max_patients: a.max_patients,
                sorted: a.sorted,
                jobs,
                progress: !a.no_progress && !g.quiet && std::io::stderr().is_terminal(),
                totals: !g.quiet,
                ..cmd::batch::Options::default()
            };
            cmd::batch::run(&ctx, &opts, target)?
        }
        Command::MergeSummaries(a) => {
            let opts = cmd::merge::Options {
                sources: a
                    .files
                    .iter()
                    .map(|p| read::input::Source::from_path(p))
                    .collect(),
                format: a.input_format.map(|f| match f {
                    cli::SummaryFormatArg::Csv => read::summary::SummaryFormat::Csv,
                    cli::SummaryFormatArg::Jsonl => read::summary::SummaryFormat::Jsonl,
                }),
                unsorted: a.unsorted,
                max_patients: a.max_patients,
            };
            cmd::merge::run(&ctx, &opts, target)?
        }
        Command::Lookup(a) => {
            cmd::lookup::run(&ctx, &cmd::lookup::Options { names: a.names }, target)?
        }
        Command::List(a) => {
            let opts = cmd::list::Options {
                class: a.class,
                level: a.level.map(level),
                sources: a.sources,
            };
            cmd::list::run(&ctx, &opts, target)?
        }
        Command::Completions(_) | Command::Man => Outcome::default(),
    };
    out.commit()?;
    let fails = |f: FailOnArg| match fail_level(f) {
        Some(l) => outcome.reaches(l),
        None => outcome.needs_review(),
    };
    // A finding at --fail-on's level is what the caller asked to hear about: it wins over
    // error records (which stderr still counts).
    let exit = if g.fail_on.is_some_and(fails) {
        Exit::FailOn
    } else if outcome.has_errors() {
        Exit::RecordErrors
    } else {
        Exit::Success
    };

    let mut messages = if g.quiet {
        outcome.messages
    } else {
        outcome.notes.into_iter().chain(outcome.messages).collect()
    };
    if g.quiet
        && exit == Exit::FailOn
        && let Some(s) = outcome.summary
    {
        messages.push(format!("--fail-on reached: {}", s.line()));
    }
    Ok((exit, messages))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_width_comes_from_the_flag_then_columns_then_the_terminal_then_80() {
        assert_eq!(table_width(Some(100), Some("120".into()), Some(90)), 100);
        assert_eq!(table_width(None, Some("120".into()), Some(90)), 120);
        assert_eq!(table_width(None, Some("junk".into()), Some(90)), 90);
        assert_eq!(table_width(None, None, None), 80);
        assert_eq!(table_width(None, Some("10".into()), None), 40);
    }

    #[test]
    fn colour_auto_follows_no_color_clicolor_force_and_term() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert!(use_color(ColorArg::Auto, true, &env(&[])));
        assert!(!use_color(ColorArg::Auto, false, &env(&[])));
        assert!(!use_color(ColorArg::Auto, true, &env(&[("TERM", "dumb")])));
        assert!(!use_color(ColorArg::Auto, true, &env(&[("NO_COLOR", "1")])));
        assert!(use_color(ColorArg::Auto, true, &env(&[("NO_COLOR", "")])));
        assert!(use_color(
            ColorArg::Auto,
            false,
            &env(&[("CLICOLOR_FORCE", "1")])
        ));
        assert!(!use_color(
            ColorArg::Auto,
            false,
            &env(&[("CLICOLOR_FORCE", "0")])
        ));
        let both: &[(&str, &str)] = &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")];
        assert!(!use_color(ColorArg::Auto, false, &env(both)));
        assert!(use_color(
            ColorArg::Always,
            false,
            &env(&[("NO_COLOR", "1")])
        ));
    }

    #[test]
    fn the_report_date_is_the_utc_day_of_source_date_epoch() {
        assert_eq!(report_date(Some("0".into())), "1970-01-01");
        assert_eq!(report_date(Some("1700000000".into())), "2023-11-14");
        assert_eq!(report_date(Some("951782400".into())), "2000-02-29");
        assert_eq!(report_date(None).len(), 10);
    }
}
