//! `-o FILE` never harms a file: a replaced file keeps its mode and owner; a device, FIFO, socket
//! or directory is refused before any input is read; so are standard input's file, the `--kb`
//! files and an input reached by a link. Every target here lives in a temporary directory.

#![cfg(unix)]

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::support::{Record, crampcheck, dir_names as names, parse_csv, repo};

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Runs `batch - -o target` with a standard input that stays open and never sends a record, and
/// returns its exit code and stderr: a target refused before any work gives exit 2 at once, one
/// checked only at the end would hang here until the timeout.
fn refused_before_reading(target: &Path) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crampcheck"))
        .args(["batch", "-", "-o"])
        .arg(target)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("still running after 30 s: the target was not checked before reading");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.stdout.is_empty(), "something went to stdout");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo failed");
}

#[test]
fn output_over_a_0600_file_keeps_0600_and_its_owner() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("patients.csv");
    fs::write(&out, "old\n").unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o600)).unwrap();
    let owner = fs::metadata(&out).unwrap().uid();
    crampcheck()
        .args(["check", "-f", "csv", "lipitor", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(format!("{:o}", mode(&out)), "600");
    assert_eq!(fs::metadata(&out).unwrap().uid(), owner);
    let records: Vec<Record> = parse_csv(&fs::read(&out).unwrap());
    assert_eq!(records[0].ingredient, "atorvastatin");
}

#[test]
fn output_over_a_file_keeps_its_unusual_mode() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shared.jsonl");
    fs::write(&out, "old\n").unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o640)).unwrap();
    crampcheck()
        .args(["check", "-f", "jsonl", "lipitor", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(format!("{:o}", mode(&out)), "640");
}

#[test]
fn output_over_a_file_of_another_owner_keeps_that_owner() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("theirs.csv");
    fs::write(&out, "theirs\n").unwrap();
    // Only root can give a file away (the test runs as root here; elsewhere it proves nothing).
    if std::os::unix::fs::chown(&out, Some(4321), Some(4321)).is_err() {
        return;
    }
    crampcheck()
        .args(["check", "-f", "csv", "lipitor", "-o"])
        .arg(&out)
        .assert()
        .success();
    let meta = fs::metadata(&out).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (4321, 4321));
    assert!(fs::read_to_string(&out).unwrap().starts_with("patient,"));
    assert_eq!(names(dir.path()), BTreeSet::from(["theirs.csv".to_owned()]));
}

#[test]
fn output_over_a_file_whose_owner_cannot_be_kept_is_refused_and_left_as_it_was() {
    // Run as user 4321 against a writable file of user 4322 in a directory anyone may write:
    // the rename would succeed, but the file would change owner, so it is refused.
    if !fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0) || which("setpriv").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let open = dir.path().join("open");
    fs::create_dir(&open).unwrap();
    fs::set_permissions(&open, fs::Permissions::from_mode(0o777)).unwrap();
    let out = open.join("theirs.csv");
    fs::write(&out, "theirs\n").unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o666)).unwrap();
    std::os::unix::fs::chown(&out, Some(4322), Some(4322)).unwrap();
    let run = Command::new("setpriv")
        .args(["--reuid=4321", "--regid=4321", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_crampcheck"))
        .args(["check", "lipitor", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot keep its owner (uid 4322, gid 4322)"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&out).unwrap(), "theirs\n");
    assert_eq!(fs::metadata(&out).unwrap().uid(), 4322);
    assert_eq!(names(&open), BTreeSet::from(["theirs.csv".to_owned()]));
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(program))
        .find(|p| p.is_file())
}

#[test]
fn output_to_a_fifo_is_refused_before_any_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("out.csv");
    mkfifo(&fifo);
    let (code, stderr) = refused_before_reading(&fifo);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("it is a FIFO (named pipe), not a regular file"),
        "{stderr}"
    );
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(names(dir.path()), BTreeSet::from(["out.csv".to_owned()]));
}

#[test]
fn output_to_a_directory_is_refused_before_any_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("results");
    fs::create_dir(&sub).unwrap();
    let (code, stderr) = refused_before_reading(&sub);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("it is a directory, not a regular file"),
        "{stderr}"
    );
    let mut slash = sub.as_os_str().to_owned();
    slash.push("/");
    let (code, stderr) = refused_before_reading(Path::new(&slash));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("names a directory"), "{stderr}");
    assert!(names(&sub).is_empty());
}

#[test]
fn output_to_a_socket_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("out.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let (code, stderr) = refused_before_reading(&sock);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("it is a socket, not a regular file"),
        "{stderr}"
    );
    assert!(fs::symlink_metadata(&sock).unwrap().file_type().is_socket());
}

#[test]
fn output_through_a_symlink_to_a_fifo_or_a_device_is_refused_and_the_device_kept() {
    let dir = tempfile::tempdir().unwrap();
    // First through a link to a FIFO: proves the check follows links and runs before writing.
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    let link = dir.path().join("out.csv");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let (code, stderr) = refused_before_reading(&link);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("FIFO"), "{stderr}");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // Then a character device: a node of our own where mknod is allowed (1,3 is the null
    // device), else the real /dev/null through a link in the temporary directory — safe because
    // the refusal above happens before anything is created or written.
    let node = dir.path().join("null");
    let made = Command::new("mknod")
        .arg(&node)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let device = if made {
        node
    } else {
        let link = dir.path().join("devnull.csv");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap();
        link
    };
    let (code, stderr) = refused_before_reading(&device);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("it is a character device, not a regular file"),
        "{stderr}"
    );
    assert!(fs::metadata(&device).unwrap().file_type().is_char_device());
    assert!(
        fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn output_over_the_file_standard_input_reads_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.csv");
    let text = "patient,med\nP1,lipitor\nP2,quinine\n";
    fs::write(&list, text).unwrap();
    for args in [&["batch", "-"][..], &["check", "-"], &["check", "lipitor"]] {
        // Standard input is the file itself (`< list.csv`), not a pipe of its bytes.
        let run = Command::new(env!("CARGO_BIN_EXE_crampcheck"))
            .current_dir(dir.path())
            .args(args)
            .args(["-o", "list.csv"])
            .stdin(fs::File::open(&list).unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(run.stdout.is_empty());
        assert!(
            stderr.contains(
                "refusing to write the output over the input file that standard input reads"
            ),
            "{stderr}"
        );
        assert_eq!(fs::read_to_string(&list).unwrap(), text, "{args:?}");
    }
    assert_eq!(names(dir.path()), BTreeSet::from(["list.csv".to_owned()]));
}

#[test]
fn output_over_an_input_reached_by_a_symlink_or_a_hard_link_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("batch.csv");
    fs::copy(repo("data/sample/batch.csv"), &input).unwrap();
    let before = fs::read(&input).unwrap();
    std::os::unix::fs::symlink(&input, dir.path().join("soft.csv")).unwrap();
    fs::hard_link(&input, dir.path().join("hard.csv")).unwrap();
    for target in ["soft.csv", "hard.csv"] {
        crampcheck()
            .current_dir(dir.path())
            .args(["batch", "batch.csv", "-o", target])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "refusing to write the output over the input file batch.csv",
            ));
    }
    assert!(fs::read(&input).unwrap() == before, "the input changed");
}

#[test]
fn output_through_a_symlink_to_nothing_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("out.csv");
    std::os::unix::fs::symlink("missing/elsewhere.csv", &link).unwrap();
    crampcheck()
        .args(["check", "lipitor", "-o"])
        .arg(&link)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a symbolic link to nothing"));
    assert_eq!(names(dir.path()), BTreeSet::from(["out.csv".to_owned()]));
}

#[test]
fn output_over_a_file_with_other_hard_links_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    fs::write(&out, "kept\n").unwrap();
    fs::hard_link(&out, dir.path().join("other-name.csv")).unwrap();
    crampcheck()
        .args(["check", "lipitor", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("it has 2 hard links"));
    assert_eq!(fs::read_to_string(&out).unwrap(), "kept\n");
}

#[test]
fn output_through_a_symlink_to_a_regular_file_replaces_that_file_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.csv");
    fs::write(&real, "old\n").unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    crampcheck()
        .args(["check", "-f", "csv", "lipitor", "-o"])
        .arg(&link)
        .assert()
        .success();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(fs::read_to_string(&real).unwrap().starts_with("patient,"));
    assert_eq!(format!("{:o}", mode(&real)), "600");
}

#[test]
fn output_over_a_knowledge_base_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["drugs.csv", "aliases.csv", "sources.csv"] {
        fs::copy(repo("data").join(name), dir.path().join(name)).unwrap();
    }
    let before = fs::read(dir.path().join("drugs.csv")).unwrap();
    for target in ["drugs.csv", "./aliases.csv"] {
        crampcheck()
            .current_dir(dir.path())
            .args(["check", "lipitor", "--kb", ".", "-o", target])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "refusing to write the output over the knowledge-base file",
            ));
    }
    assert!(fs::read(dir.path().join("drugs.csv")).unwrap() == before);
}

#[test]
fn the_temporary_file_is_private_and_cannot_be_taken_for_output() {
    // A batch on a standard input that stays open: the temporary file exists while it waits.
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_crampcheck"))
        .current_dir(dir.path())
        .args(["batch", "-", "-o", "out.csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"patient,med\nP1,lipitor\n").unwrap();
    let start = Instant::now();
    let temp = loop {
        if let Some(n) = names(dir.path()).into_iter().next() {
            break n;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no temporary file"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(temp.starts_with(".out.csv.crampcheck-partial-"), "{temp}");
    assert!(!temp.ends_with(".csv"), "{temp}");
    assert_eq!(format!("{:o}", mode(&dir.path().join(&temp))), "600");
    drop(stdin);
    assert!(child.wait().unwrap().success());
    assert_eq!(names(dir.path()), BTreeSet::from(["out.csv".to_owned()]));
}

#[test]
fn jobs_of_zero_or_above_four_per_core_is_a_usage_error() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    for jobs in [
        "0".to_owned(),
        (cores * 4 + 1).to_string(),
        "100000".to_owned(),
    ] {
        crampcheck()
            .args(["batch", "data/sample/batch.csv", "--jobs", &jobs])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!(
                "expected a number of worker threads from 1 to {}",
                cores * 4
            )))
            .stderr(predicate::str::contains("panicked").not());
    }
    crampcheck()
        .args(["batch", "data/sample/batch.csv", "--jobs"])
        .arg((cores * 4).to_string())
        .assert()
        .success();
}
