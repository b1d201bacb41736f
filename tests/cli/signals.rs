//! SIGTERM, SIGINT and SIGHUP stop a run with exit code 128 + the signal, the temporary output
//! file removed and an existing target untouched: whether the run is busy writing (a 2M-row
//! batch) or blocked reading a standard input that never ends.

#![cfg(unix)]

use std::collections::BTreeSet;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::dir_names as names;

/// Sends `signal` (e.g. `-TERM`) to the child, by its id.
fn kill(child: &Child, signal: &str) {
    let ok = Command::new("kill")
        .arg(signal)
        .arg(child.id().to_string())
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {signal} failed");
}

/// Waits (at most 60 s) until the directory holds a temporary output file with some bytes in it.
fn wait_for_partial(dir: &Path, child: &mut Child, min_len: u64) -> String {
    let start = Instant::now();
    loop {
        let partial = names(dir)
            .into_iter()
            .find(|n| n.contains(".crampcheck-partial-"));
        if let Some(p) = partial
            && fs::metadata(dir.join(&p)).is_ok_and(|m| m.len() >= min_len)
        {
            return p;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it could be interrupted"
        );
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no temporary file"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Waits (at most 30 s) for the child to end; returns its exit code and stderr.
fn finish(child: Child) -> (Option<i32>, String) {
    let start = Instant::now();
    let mut child = child;
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("still running 30 s after the signal");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn sigterm_during_a_long_batch_leaves_the_old_target_untouched_and_exits_143() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    let mut w = BufWriter::new(fs::File::create(&input).unwrap());
    writeln!(w, "patient,med").unwrap();
    let meds = [
        "lipitor 20 mg",
        "hctz 25mg",
        "metformin 500 mg",
        "furosemide 40",
    ];
    for i in 0..2_000_000u32 {
        writeln!(w, "P{},{}", i / 5, meds[i as usize % meds.len()]).unwrap();
    }
    w.into_inner().unwrap().sync_all().unwrap();
    let target = dir.path().join("out.csv");
    fs::write(&target, "the previous results\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_crampcheck"))
        .current_dir(dir.path())
        .args(["batch", "big.csv", "-o", "out.csv"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Busy writing: a megabyte of records already in the temporary file.
    wait_for_partial(dir.path(), &mut child, 1 << 20);
    kill(&child, "-TERM");
    let (code, stderr) = finish(child);
    assert_eq!(code, Some(143), "{stderr}");
    assert!(stderr.contains("interrupted by SIGTERM"), "{stderr}");
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        "the previous results\n"
    );
    assert_eq!(
        names(dir.path()),
        BTreeSet::from(["big.csv".to_owned(), "out.csv".to_owned()])
    );
}

#[test]
fn sigint_while_reading_a_stdin_that_never_ends_removes_the_temporary_file_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_crampcheck"))
        .current_dir(dir.path())
        .args(["batch", "-", "-o", "out.csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"patient,med\nP1,lipitor\n").unwrap();
    stdin.flush().unwrap();
    wait_for_partial(dir.path(), &mut child, 0);
    kill(&child, "-INT");
    // Standard input stays open until the run has ended.
    let (code, stderr) = finish(child);
    drop(stdin);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("interrupted by SIGINT"), "{stderr}");
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
}

#[test]
fn sighup_stops_a_check_waiting_on_stdin_with_exit_129() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.csv");
    fs::write(&target, "kept\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_crampcheck"))
        .current_dir(dir.path())
        .args(["check", "-", "-o", "out.csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    wait_for_partial(dir.path(), &mut child, 0);
    kill(&child, "-HUP");
    let (code, stderr) = finish(child);
    drop(stdin);
    assert_eq!(code, Some(129), "{stderr}");
    assert_eq!(fs::read_to_string(&target).unwrap(), "kept\n");
    assert_eq!(names(dir.path()), BTreeSet::from(["out.csv".to_owned()]));
}
