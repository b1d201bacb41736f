//! The `crampcheck` binary: handle signals, parse arguments, run, map the result to an exit code.
#![allow(clippy::print_stderr)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // First, so that no temporary output file exists before a signal can be handled.
    if let Err(err) = crampcheck::interrupt::install() {
        eprintln!("crampcheck: error: cannot handle signals: {err}");
        return ExitCode::from(crampcheck::Exit::Error.code());
    }
    let cli = crampcheck::cli::Cli::parse();
    let (exit, lines) = crampcheck::finish(crampcheck::run(cli));
    for line in lines {
        eprintln!("{line}");
    }
    ExitCode::from(exit.code())
}
