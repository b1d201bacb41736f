//! crampcheck screens medication lists for drugs associated with nocturnal leg cramps and warns
//! about quinine. Decision support for professionals, not medical advice.
//!
//! The flow: `argv → cli → run → cmd::X::run(&Context, &Options, out)`; the knowledge base comes
//! from `data/` (or `--kb DIR`) through [`kb`], the wider vocabulary through [`vocab`], both into
//! the name index [`lexicon`]. Each entry goes `normalize → matcher::resolve → screen::screen →
//! report::Writer`, which writes to any `io::Write`.
//!
//! Modules: [`cli`] (syntax only), [`cmd`] (one file per command), [`input`] (lists and batch CSV),
//! [`records`] (forgiving CSV records), [`output`] (stdout or a safely renamed file), [`kb`], [`vocab`], [`lexicon`], [`normalize`],
//! [`fuzzy`], [`matcher`], [`screen`], [`report`], [`escape`] (text for a terminal or a CSV cell),
//! [`interrupt`] (SIGINT, SIGTERM, SIGHUP).

pub mod cli;
pub mod cmd;
pub mod escape;
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

use cli::{Cli, ColorArg, Command, FormatArg, LevelArg};
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
    /// 2: usage, input or data error (including unreadable batch records).
    Error,
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
    let (kb, lex) = load(g.kb.as_deref())?;
    let mut out = output::Output::open(g.output.as_deref(), &protected)?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match g.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => !no_color && out.is_terminal(),
    };
    let ctx = Context {
        kb,
        lex,
        format: g.format.map(format),
        color,
        raw: g.raw,
    };
    let outcome: Outcome = match cli.command {
        Command::Check(a) => {
            let opts = cmd::check::Options {
                entries: a.entries,
                file: a.file.as_deref().map(read::input::Source::from_path),
                med_column: a.med_column,
                delimiter: a.delimiter,
                sheet: a.sheet,
            };
            cmd::check::run(&ctx, &opts, &mut out)?
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
                },
                summary: a.summary,
                jobs,
                progress: !a.no_progress && std::io::stderr().is_terminal(),
                ..cmd::batch::Options::default()
            };
            cmd::batch::run(&ctx, &opts, &mut out)?
        }
        Command::Lookup(a) => {
            cmd::lookup::run(&ctx, &cmd::lookup::Options { names: a.names }, &mut out)?
        }
        Command::List(a) => {
            let opts = cmd::list::Options {
                class: a.class,
                level: a.level.map(level),
                sources: a.sources,
            };
            cmd::list::run(&ctx, &opts, &mut out)?
        }
    };
    out.commit()?;
    let exit = if outcome.has_errors() {
        Exit::Error
    } else if g.fail_on.is_some_and(|l| outcome.reaches(level(l))) {
        Exit::FailOn
    } else {
        Exit::Success
    };
    Ok((exit, outcome.messages))
}
