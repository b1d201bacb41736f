//! Stopping on SIGINT, SIGTERM or SIGHUP without leaving a partial output file: a signal sets a
//! flag that every write to the output checks (the command then unwinds, its temporary file is
//! removed, and the process exits with 128 + the signal's number); should the command be blocked
//! (reading a terminal or a pipe that never ends), the signal thread removes the temporary file
//! itself after a short grace and exits with the same code.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// The signal received (0 for none).
static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// The temporary output file being written, if any.
static PARTIAL: Mutex<Option<PathBuf>> = Mutex::new(None);

/// How long the command gets to unwind by itself once a signal arrived.
const GRACE: Duration = Duration::from_millis(300);

/// A command stopped by a signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interrupted(pub i32);

impl Interrupted {
    /// The signal's name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self.0 {
            SIGINT => "SIGINT",
            SIGTERM => "SIGTERM",
            SIGHUP => "SIGHUP",
            _ => "a signal",
        }
    }

    /// The exit code: 128 + the signal's number (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
    #[must_use]
    pub fn code(self) -> u8 {
        u8::try_from(128 + self.0).unwrap_or(u8::MAX)
    }
}

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "interrupted by {}", self.name())
    }
}

impl std::error::Error for Interrupted {}

fn partial() -> MutexGuard<'static, Option<PathBuf>> {
    PARTIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Handles SIGINT, SIGTERM and SIGHUP from now on (the binary calls this once, first).
///
/// # Errors
/// When the handlers or their thread cannot be set up.
pub fn install() -> io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                SIGNAL.store(sig, Ordering::SeqCst);
                std::thread::sleep(GRACE);
                // Still running: the command is blocked. Holding the lock keeps the output from
                // being renamed into place while the process ends.
                let partial = partial();
                if let Some(path) = partial.as_ref() {
                    let _ = std::fs::remove_file(path);
                }
                let stopped = Interrupted(sig);
                let _ = io::Write::write_all(
                    &mut io::stderr(),
                    format!("crampcheck: error: {stopped}\n").as_bytes(),
                );
                std::process::exit(i32::from(stopped.code()));
            }
        })?;
    Ok(())
}

/// The signal received so far, if any.
#[must_use]
pub fn received() -> Option<Interrupted> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        sig => Some(Interrupted(sig)),
    }
}

/// An error once a signal was received, for the output's writes to stop the command.
///
/// # Errors
/// [`Interrupted`], wrapped in an `io::Error`.
pub fn check() -> io::Result<()> {
    match received() {
        None => Ok(()),
        Some(stopped) => Err(io::Error::other(stopped)),
    }
}

/// Notes the temporary output file, for the signal thread to remove.
pub fn register(path: &Path) {
    *partial() = Some(path.to_owned());
}

/// Forgets the temporary output file (removed, or renamed into place).
pub fn unregister() {
    *partial() = None;
}

/// Runs `rename` (which puts the output in place) unless a signal was received, never while the
/// signal thread removes the temporary file; forgets the temporary file either way.
///
/// # Errors
/// [`Interrupted`], or the error of `rename`.
pub fn commit<T>(rename: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    let mut partial = partial();
    check()?;
    let done = rename();
    *partial = None;
    done
}
