//! The `crampcheck` binary: parse arguments, run, map the result to an exit code.
#![allow(clippy::print_stderr)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = crampcheck::cli::Cli::parse();
    match crampcheck::run(cli) {
        Ok((exit, messages)) => {
            for m in messages {
                eprintln!("crampcheck: {m}");
            }
            ExitCode::from(exit.code())
        }
        Err(err) => {
            // A closed pipe (`crampcheck … | head`) is how the reader says it has enough.
            let broken_pipe = err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("crampcheck: error: {err:#}");
            ExitCode::from(crampcheck::Exit::Error.code())
        }
    }
}
