//! The terminal table: colour on request only, NO_COLOR honoured, and the acceptance case
//! compared byte for byte with its golden file.

use predicates::prelude::*;

use crate::support::{ACCEPTANCE, crampcheck, stdout_of};

const GOLDEN: &str = include_str!("golden/check_acceptance.txt");

fn has_ansi(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| w == b"\x1b[")
}

#[test]
fn color_always_paints_the_table() {
    let out = stdout_of(
        crampcheck()
            .env_remove("NO_COLOR")
            .args(["check", "--color", "always"])
            .args(ACCEPTANCE),
    );
    assert!(has_ansi(&out));
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("\x1b[1;31mQUININE WARNING\x1b[0m"),
        "{text}"
    );
}

/// Runs crampcheck under a pseudo-terminal (util-linux `script`) so that `--color auto` sees a
/// terminal; `None` when `script` cannot be run here.
#[cfg(target_os = "linux")]
fn in_a_terminal(no_color: Option<&str>, args: &str) -> Option<Vec<u8>> {
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-q", "-e", "-c"])
        .arg(format!("'{}' {args}", env!("CARGO_BIN_EXE_crampcheck")))
        .arg("/dev/null")
        .stdin(std::process::Stdio::null());
    match no_color {
        Some(v) => cmd.env("NO_COLOR", v),
        None => cmd.env_remove("NO_COLOR"),
    };
    let out = cmd.output().ok()?;
    assert!(out.status.success(), "{out:?}");
    Some(out.stdout)
}

#[cfg(target_os = "linux")]
#[test]
fn no_color_turns_colour_off_even_in_a_terminal() {
    // Without `script` there is no terminal to test with; the pipe tests below still run.
    let Some(coloured) = in_a_terminal(None, "check --color auto lipitor") else {
        return;
    };
    assert!(has_ansi(&coloured), "control: a terminal gets colour");
    let plain = in_a_terminal(Some("1"), "check --color auto lipitor").unwrap();
    assert!(!plain.contains(&0x1b), "NO_COLOR=1 still coloured");
    let empty = in_a_terminal(Some(""), "check --color auto lipitor").unwrap();
    assert!(has_ansi(&empty), "an empty NO_COLOR counts as unset");
}

#[test]
fn color_always_wins_over_no_color() {
    let out = stdout_of(
        crampcheck()
            .env("NO_COLOR", "1")
            .args(["check", "--color", "always", "lipitor"]),
    );
    assert!(has_ansi(&out));
}

#[test]
fn no_color_with_color_auto_paints_nothing() {
    let out = stdout_of(
        crampcheck()
            .env("NO_COLOR", "1")
            .args(["check", "--color", "auto"])
            .args(ACCEPTANCE),
    );
    assert!(!out.contains(&0x1b));
}

#[test]
fn color_auto_paints_nothing_when_stdout_is_not_a_terminal() {
    let out = stdout_of(
        crampcheck()
            .env_remove("NO_COLOR")
            .arg("check")
            .args(ACCEPTANCE),
    );
    assert!(!out.contains(&0x1b));
}

#[test]
fn color_never_paints_nothing() {
    let out = stdout_of(
        crampcheck()
            .env_remove("NO_COLOR")
            .args(["check", "--color", "never"])
            .args(ACCEPTANCE),
    );
    assert!(!out.contains(&0x1b));
}

#[test]
fn color_applies_to_the_table_only() {
    for format in ["csv", "jsonl", "json"] {
        let out = stdout_of(
            crampcheck()
                .args(["check", "--color", "always", "--format", format])
                .args(ACCEPTANCE),
        );
        assert!(!out.contains(&0x1b), "{format} is coloured");
    }
}

#[test]
fn check_table_matches_the_golden_file() {
    crampcheck()
        .args(["check", "--color", "never"])
        .args(ACCEPTANCE)
        .assert()
        .success()
        .stdout(predicate::eq(GOLDEN));
}
