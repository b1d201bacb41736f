//! Shell completions and the man page, generated from the command line's definition.

use predicates::prelude::*;

use crate::support::{crampcheck, stdout_of};

#[test]
fn completions_are_written_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _crampcheck"),
        ("zsh", "#compdef crampcheck"),
        ("fish", "complete -c crampcheck"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[crampcheck]"),
    ] {
        let out = String::from_utf8(stdout_of(crampcheck().args(["completions", shell]))).unwrap();
        assert!(out.contains(marker), "{shell}:\n{out}");
        assert!(out.contains("fail-on"), "{shell} lacks a flag");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn the_bash_completion_script_is_valid_bash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crampcheck.bash");
    std::fs::write(&path, stdout_of(crampcheck().args(["completions", "bash"]))).unwrap();
    let ok = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status();
    if let Ok(status) = ok {
        assert!(status.success());
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    crampcheck()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value"));
}

#[test]
fn the_man_page_is_roff_naming_the_commands_and_the_disclaimer() {
    let out = String::from_utf8(stdout_of(crampcheck().arg("man"))).unwrap();
    assert!(
        out.starts_with(".ie \\n(.g .ds Aq") || out.contains(".TH crampcheck"),
        "{out}"
    );
    assert!(out.contains(".TH crampcheck"));
    for needle in [
        "check",
        "batch",
        "completions",
        "\\-\\-fail\\-on",
        "not medical advice",
    ] {
        assert!(out.contains(needle), "{needle} missing");
    }
}
