//! Where output goes: buffered standard output, or a file written through a temporary file in the
//! same directory and renamed into place only on success. `-o` never harms a file: it refuses
//! anything but a regular file or a new path (a device, FIFO, socket or directory), an input (by
//! device and inode, standard input's file included) and the knowledge-base files, all before any
//! work starts; a replaced file keeps its mode and owner (or is refused when they cannot be kept);
//! and an interrupted run leaves nothing behind (see [`crate::interrupt`]). Unix only: identities,
//! modes and owners are Unix notions.

use std::fs::{self, Metadata};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use tempfile::NamedTempFile;

use crate::interrupt;

/// A file the output must never replace.
#[derive(Clone, Debug)]
pub struct Protected {
    /// Its path; `-` stands for the file standard input reads.
    pub path: PathBuf,
    /// What it is, for the message: `input file`, `knowledge-base file`.
    pub what: &'static str,
}

/// An output destination.
pub enum Output {
    /// Standard output.
    Stdout(BufWriter<io::StdoutLock<'static>>),
    /// A temporary file and where it goes.
    File(Box<Partial>),
}

/// A temporary file being written, and what to do with it on success.
pub struct Partial {
    w: BufWriter<NamedTempFile>,
    /// The file replaced or created (a symbolic link followed).
    target: PathBuf,
    /// The path as given, for messages.
    shown: PathBuf,
    /// The mode the file gets: the replaced file's, or a new file's under the umask.
    mode: u32,
    _registered: Registered,
}

/// The temporary file's registration with [`interrupt`], for the signal thread to remove it; the
/// file itself is removed as the `NamedTempFile` drops (unless it was renamed into place).
struct Registered;

impl Drop for Registered {
    fn drop(&mut self) {
        interrupt::unregister();
    }
}

/// A file's identity: device and inode.
fn identity(m: &Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

/// The metadata of the file standard input reads, if it is one.
fn stdin_metadata() -> Option<Metadata> {
    use std::os::fd::AsFd;
    let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
    fs::File::from(fd).metadata().ok()
}

/// What kind of thing a non-regular file is.
fn kind(m: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "not a regular file"
    }
}

/// The umask, from `/proc/self/status` (Linux); 022 where it cannot be read.
fn umask() -> u32 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// `.NAME.crampcheck-partial-`: hidden, and not ending like an output file, so that a leftover
/// cannot be taken for output. NAME is cut so that the whole name stays short.
fn temp_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name: String = name.chars().take(80).collect();
    format!(".{name}.crampcheck-partial-")
}

impl Output {
    /// Opens standard output (`None` or `-`) or a temporary file next to `path`, after refusing a
    /// path that is not a regular file or a new one, or that is one of the `protected` files.
    ///
    /// # Errors
    /// When the path is refused, or the temporary file cannot be created or given the owner of
    /// the file it replaces.
    pub fn open(path: Option<&Path>, protected: &[Protected]) -> Result<Output> {
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Output::Stdout(BufWriter::with_capacity(
                1 << 16,
                io::stdout().lock(),
            )));
        };
        let shown = path.display();
        if path.as_os_str().to_string_lossy().ends_with('/') {
            bail!("refusing to write the output to {shown}: it names a directory");
        }
        // A symbolic link is followed: the file it points to is replaced, the link kept.
        let target = match fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).with_context(|| {
                format!("refusing to write the output to {shown}: a symbolic link to nothing")
            })?,
            _ => path.to_owned(),
        };
        let existing = match fs::metadata(&target) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot inspect {shown}")),
        };
        if let Some(m) = &existing {
            check_existing(&shown.to_string(), m, protected)?;
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        // Created 0600 (tempfile's default): nobody else reads a patient list while it is written.
        let tmp = tempfile::Builder::new()
            .prefix(&temp_prefix(&target))
            .suffix("")
            .rand_bytes(6)
            .tempfile_in(dir)
            .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
        interrupt::register(tmp.path());
        let registered = Registered;
        let mode = match &existing {
            Some(m) => keep_owner(&tmp, m, &shown.to_string())?,
            None => new_file_mode(),
        };
        Ok(Output::File(Box::new(Partial {
            w: BufWriter::with_capacity(1 << 16, tmp),
            target,
            shown: path.to_owned(),
            mode,
            _registered: registered,
        })))
    }

    /// Whether this is a terminal (for colour).
    #[must_use]
    pub fn is_terminal(&self) -> bool {
        use std::io::IsTerminal;
        matches!(self, Output::Stdout(_)) && io::stdout().is_terminal()
    }

    /// Flushes and, for a file, gives the temporary file its mode, syncs it and renames it into
    /// place — unless a signal arrived meanwhile.
    ///
    /// # Errors
    /// When flushing, syncing or renaming fails, the target changed into something that is not a
    /// regular file while the output was written, or on a signal.
    pub fn commit(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => {
                interrupt::check()?;
                w.flush().map_err(Into::into)
            }
            Output::File(mut partial) => {
                interrupt::check()?;
                partial.w.flush().context("cannot write the output")?;
                let file = partial.w.get_ref().as_file();
                set_mode(file, partial.mode).context("cannot set the output's mode")?;
                file.sync_all().context("cannot write the output")?;
                let shown = partial.shown.display().to_string();
                if let Ok(m) = fs::metadata(&partial.target)
                    && !m.is_file()
                {
                    bail!(
                        "refusing to write the output to {shown}: it became {} meanwhile",
                        kind(&m)
                    );
                }
                let Partial { w, target, .. } = *partial;
                let tmp = w
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .context("cannot write the output")?;
                interrupt::commit(|| tmp.persist(&target).map(drop).map_err(|e| e.error))
                    .with_context(|| format!("cannot write {shown}"))?;
                Ok(())
            }
        }
    }
}

/// Refuses an existing file the output must not replace: not a regular file, one of the
/// protected files, or one with other hard links (which a rename would split off).
fn check_existing(shown: &str, m: &Metadata, protected: &[Protected]) -> Result<()> {
    if !m.is_file() {
        bail!(
            "refusing to write the output to {shown}: it is {}, not a regular file",
            kind(m)
        );
    }
    let id = identity(m);
    for p in protected {
        let (other, name) = if p.path.as_os_str() == "-" {
            (stdin_metadata(), "that standard input reads".to_owned())
        } else {
            (fs::metadata(&p.path).ok(), p.path.display().to_string())
        };
        if other.is_some_and(|o| o.is_file() && identity(&o) == id) {
            bail!("refusing to write the output over the {} {name}", p.what);
        }
    }
    if nlink(m) > 1 {
        bail!(
            "refusing to write the output to {shown}: it has {} hard links, which replacing it \
             would break",
            nlink(m)
        );
    }
    Ok(())
}

fn nlink(m: &Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(m)
}

/// Gives the temporary file the owner and group of the file it replaces; returns that file's
/// mode. Refuses the file when its owner cannot be kept.
fn keep_owner(tmp: &NamedTempFile, m: &Metadata, shown: &str) -> Result<u32> {
    use std::os::unix::fs::MetadataExt;
    let ours = tmp
        .as_file()
        .metadata()
        .context("cannot inspect the temporary file")?;
    if (ours.uid(), ours.gid()) != (m.uid(), m.gid()) {
        std::os::unix::fs::fchown(tmp.as_file(), Some(m.uid()), Some(m.gid())).with_context(
            || {
                format!(
                    "refusing to replace {shown}: cannot keep its owner (uid {}, gid {})",
                    m.uid(),
                    m.gid()
                )
            },
        )?;
    }
    Ok(m.mode() & 0o7777)
}

/// The mode of a new file: 0666 less the umask, as any program creating a file gives it.
fn new_file_mode() -> u32 {
    0o666 & !umask()
}

fn set_mode(file: &fs::File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(mode))
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        interrupt::check()?;
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File(p) => p.w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        interrupt::check()?;
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::File(p) => p.w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        interrupt::check()?;
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File(p) => p.w.flush(),
        }
    }
}
