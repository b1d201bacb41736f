//! `completions`: a shell completion script for crampcheck, generated from the command line's
//! own definition (clap_complete), so it never lags behind the flags.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::Cli;

/// Writes the completion script for `shell`.
///
/// # Errors
/// When the output cannot be written.
pub fn run(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<()> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "crampcheck", out);
    out.flush()?;
    Ok(())
}
