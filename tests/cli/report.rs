//! The table as a pharmacist reads it: it fits the width (detected, `COLUMNS` or `--width`),
//! sets quinine apart, shows advice under every flagged entry, counts entries so they add up,
//! escapes what the input could hide, and is compared with golden files at 80, 120 and 200
//! columns (regenerated only after reading the new output).

use std::fmt::Write as _;

use predicates::prelude::*;

use crate::support::{ACCEPTANCE, Record, crampcheck, parse_csv, stdout_of};

const PATIENT: &str = "data/sample/patient.csv";

fn table_at(width: usize, args: &[&str]) -> String {
    let out = stdout_of(
        crampcheck()
            .env("COLUMNS", width.to_string())
            .args(["check", "--color", "never"])
            .args(args),
    );
    String::from_utf8(out).unwrap()
}

fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn the_patient_list_matches_its_golden_files_at_80_120_and_200_columns() {
    for (w, golden) in [
        (80, include_str!("golden/patient_80.txt")),
        (120, include_str!("golden/patient_120.txt")),
        (200, include_str!("golden/patient_200.txt")),
    ] {
        assert_eq!(table_at(w, &["--file", PATIENT]), golden, "at {w} columns");
    }
}

#[test]
fn no_line_is_wider_than_the_width_whatever_the_options() {
    let long = format!("{} lipitor", "supercalifragilistic".repeat(12));
    for w in [40, 80, 120, 200] {
        for extra in [&[][..], &["--explain"], &["--no-advice"]] {
            let mut args = vec!["--file", PATIENT];
            args.extend_from_slice(extra);
            let text = table_at(w, &args);
            assert!(widest(&text) <= w, "{w} {extra:?}:\n{text}");
        }
        let text = table_at(w, &["--explain", &long, "quinine", "Dyazide"]);
        assert!(widest(&text) <= w, "{w}:\n{text}");
    }
}

#[test]
fn width_flag_wins_over_columns_and_a_pipe_gets_80() {
    let flag = stdout_of(
        crampcheck()
            .env("COLUMNS", "200")
            .args(["check", "--width", "60", "--file", PATIENT]),
    );
    assert!(widest(&String::from_utf8(flag).unwrap()) <= 60);
    let piped = stdout_of(
        crampcheck()
            .env_remove("COLUMNS")
            .args(["check", "--file", PATIENT]),
    );
    let piped = String::from_utf8(piped).unwrap();
    assert!(widest(&piped) <= 80 && widest(&piped) > 70, "{piped}");
}

#[test]
fn at_80_columns_quinine_comes_first_and_every_flagged_entry_has_advice() {
    let text = table_at(80, &["--file", PATIENT]);
    assert!(
        text.starts_with("QUININE WARNING row 5: quinine sulfate"),
        "{text}"
    );
    let blocks: Vec<&str> = text.split("\n\n").collect();
    let flagged: Vec<&&str> = blocks
        .iter()
        .filter(|b| b.starts_with("FLAGGED") || b.starts_with("QUININE"))
        .collect();
    assert_eq!(flagged.len(), 8, "{text}");
    for b in flagged {
        let findings = b
            .lines()
            .filter(|l| l.starts_with("  ") && l.contains(" · "))
            .count();
        let advice = b.lines().filter(|l| l.starts_with("  Advice: ")).count();
        assert!(advice >= 1, "no advice:\n{b}");
        // Each flagged drug of the entry has its advice (a clear partner drug has none).
        let clear = b.lines().filter(|l| l.contains("(clear)")).count();
        assert_eq!(advice, findings - clear, "{b}");
    }
}

#[test]
fn flagged_entries_come_by_level_after_quinine_and_clear_ones_after_them() {
    let text = table_at(80, &["--file", PATIENT]);
    let at = |s: &str| {
        text.find(s)
            .unwrap_or_else(|| panic!("{s} missing:\n{text}"))
    };
    assert!(at("QUININE WARNING") < at("FLAGGED HIGH"));
    assert!(at("FLAGGED HIGH") < at("FLAGGED MODERATE"));
    assert!(at("FLAGGED MODERATE") < at("FLAGGED LOW"));
    assert!(at("FLAGGED LOW") < at("CLEAR"));
    assert!(text.rfind("FLAGGED HIGH").unwrap() < at("FLAGGED MODERATE"));
}

#[test]
fn the_summary_counts_entries_that_add_up_and_findings_apart() {
    let text = table_at(80, &["--file", PATIENT]);
    let line = text
        .lines()
        .find(|l| l.starts_with("12 entries: "))
        .unwrap_or_else(|| panic!("{text}"));
    let sum: u64 = line["12 entries: ".len()..]
        .split(", ")
        .map(|p| p.split(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(sum, 12, "{line}");
    assert_eq!(
        line,
        "12 entries: 1 quinine warning, 7 flagged, 0 for review, 4 clear, 0 unrecognized"
    );
    // The findings line agrees with the CSV records.
    let records: Vec<Record> = parse_csv(&stdout_of(
        crampcheck().args(["check", "--format", "csv", "--file", PATIENT]),
    ));
    let flagged = records
        .iter()
        .filter(|r| r.status == crate::support::Status::Flagged)
        .count();
    assert!(
        text.contains(&format!("Findings: {flagged} flagged, 1 quinine warning")),
        "{text}"
    );
}

#[test]
fn an_entry_for_review_shows_its_candidates_and_what_to_do() {
    let text = table_at(80, &["Advare"]);
    assert!(text.starts_with("FOR REVIEW row 1: Advare"), "{text}");
    assert!(text.contains("  Candidates: "), "{text}");
    assert!(
        text.contains("  Advice: Check with the prescriber"),
        "{text}"
    );
}

#[test]
fn explain_adds_evidence_and_full_citations() {
    let plain = table_at(80, &ACCEPTANCE);
    assert!(!plain.contains("Evidence: "));
    assert!(plain.contains("run again with --explain"));
    let text = table_at(80, &[&["--explain"][..], &ACCEPTANCE].concat());
    assert!(text.contains("  Evidence: Garrison 2012"), "{text}");
    assert!(text.contains("[S1] Garrison SR, Dormuth CR"), "{text}");
}

#[test]
fn wide_shows_every_column() {
    let text = table_at(80, &[&["--wide"][..], &ACCEPTANCE].concat());
    for col in ["│ evidence", "│ advice", "│ candidates", "│ sources"] {
        assert!(text.contains(col), "{col}:\n{text}");
    }
}

#[test]
fn bidi_controls_zero_width_and_separators_from_the_input_are_shown_escaped() {
    let text = table_at(80, &["lipitor \u{202e}evil\u{200b}\u{2028}x"]);
    assert!(!text.contains('\u{202e}') && !text.contains('\u{200b}') && !text.contains('\u{2028}'));
    // One escaping for every terminal output (src/escape.rs): visible `<U+…>` markers.
    assert!(text.contains("<U+202E>evil<U+200B><U+2028>x"), "{text}");
}

#[test]
fn a_long_entry_is_cut_in_its_heading() {
    let long = format!("lipitor {}", "x".repeat(300));
    let text = table_at(80, &[&long]);
    let head = text.lines().next().unwrap();
    assert!(head.ends_with('…') && head.chars().count() == 80, "{head}");
}

#[test]
fn the_disclaimer_ends_every_table_and_is_in_the_help() {
    for args in [&["--wide"][..], &["--no-advice"], &["--explain"]] {
        let text = table_at(80, &[args, &["lipitor"][..]].concat());
        assert!(text.ends_with("Decision support for professionals, not medical advice.\n"));
    }
    crampcheck()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Decision support for professionals, not medical advice",
        ));
}

#[test]
fn clicolor_force_colours_a_pipe_unless_no_color_is_set() {
    let forced = stdout_of(
        crampcheck()
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1")
            .args(["check", "lipitor"]),
    );
    assert!(forced.windows(2).any(|w| w == b"\x1b["));
    let zero = stdout_of(
        crampcheck()
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "0")
            .args(["check", "lipitor"]),
    );
    assert!(!zero.contains(&0x1b));
    let both = stdout_of(
        crampcheck()
            .env("NO_COLOR", "1")
            .env("CLICOLOR_FORCE", "1")
            .args(["check", "lipitor"]),
    );
    assert!(!both.contains(&0x1b));
}

#[cfg(target_os = "linux")]
#[test]
fn term_dumb_turns_colour_off_in_a_terminal() {
    let run = |term: &str| {
        let out = std::process::Command::new("script")
            .args(["-q", "-e", "-c"])
            .arg(format!(
                "'{}' check lipitor",
                env!("CARGO_BIN_EXE_crampcheck")
            ))
            .arg("/dev/null")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env("TERM", term)
            .stdin(std::process::Stdio::null())
            .output()
            .ok()?;
        Some(out.stdout)
    };
    let Some(xterm) = run("xterm") else {
        return; // no `script` here: nothing to test with
    };
    assert!(
        xterm.windows(2).any(|w| w == b"\x1b["),
        "control: a terminal gets colour"
    );
    assert!(!run("dumb").unwrap().contains(&0x1b));
}

#[test]
fn flagged_levels_are_coloured_apart() {
    let out = String::from_utf8(stdout_of(
        crampcheck().args(["check", "--color", "always", "Dyazide", "lipitor"]),
    ))
    .unwrap();
    assert!(out.contains("\x1b[31mFLAGGED HIGH\x1b[0m"), "{out:?}");
    assert!(out.contains("\x1b[36mFLAGGED LOW\x1b[0m"), "{out:?}");
}

#[test]
fn batch_table_refuses_more_than_a_hundred_thousand_entries_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let mut text = String::from("patient_id,medication\n");
    for i in 0..100_001 {
        writeln!(text, "P{},lipitor", i / 10).unwrap();
    }
    std::fs::write(&path, text).unwrap();
    crampcheck()
        .args(["batch", "--format", "table"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at most 100000 entries"))
        .stderr(predicate::str::contains("--format csv"));
}

#[test]
fn a_clear_entry_shows_its_note_and_an_unrecognized_one_its_nearest_names() {
    let text = table_at(80, &["tonic water", "quinestrol", "metformin"]);
    // The drink's quinine line is under its clear row, not only in the CSV.
    let drink = text
        .lines()
        .position(|l| l.contains("row 1: tonic water"))
        .unwrap();
    let below: String = text.lines().skip(drink + 1).take(2).collect();
    assert!(below.contains("holds quinine"), "{text}");
    // The nearest name a pharmacist should look at, with its score.
    let unknown = text
        .lines()
        .position(|l| l.contains("row 2: quinestrol"))
        .unwrap();
    let next = text.lines().nth(unknown + 1).unwrap();
    assert!(next.trim_start().starts_with("Nearest names: "), "{text}");
    // A clear entry with nothing to add is one line.
    let plain = text
        .lines()
        .position(|l| l.contains("row 3: metformin"))
        .unwrap();
    assert!(
        text.lines()
            .nth(plain + 1)
            .is_none_or(|l| !l.starts_with("    ")),
        "{text}"
    );
}
