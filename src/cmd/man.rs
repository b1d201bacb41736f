//! `man`: the manual page in roff, generated from the command line's own definition
//! (clap_mangen): `crampcheck man > crampcheck.1`, or `crampcheck man | man -l -`.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::Cli;

/// Writes the man page.
///
/// # Errors
/// When the output cannot be written.
pub fn run(out: &mut dyn Write) -> Result<()> {
    let cmd = Cli::command();
    clap_mangen::Man::new(cmd).render(out)?;
    out.flush()?;
    Ok(())
}
