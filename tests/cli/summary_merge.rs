//! `batch --summary` as a grouping, and `merge-summaries`: the summary of a whole input is the
//! same whatever the order of its rows, whatever `--jobs`, and when the input is cut into parts
//! whose summaries are merged (the Java-free half of the Spark acceptance test of issue #12);
//! beyond `--max-patients` the run stops with an error, never a duplicate; what is not a summary
//! of this version is refused with its file and line.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

use crate::support::{PatientSummary, crampcheck, parse_csv, parse_jsonl, stdout_of};

/// A small deterministic generator (no dependency, the same rows on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// Entries of every kind: targets, quinine and quinidine (for the notes), a combination, other
/// drugs, text nobody knows, quotes and line breaks inside quotes, an empty entry (an error
/// record).
const MEDS: [&str; 16] = [
    "lipitor 20 mg",
    "quinine sulfate 324 MG Oral Capsule",
    "hctz 25mg",
    "losartan/hctz 100-25",
    "Dyazide",
    "metformin 500 mg",
    "quinidine sulfate 300 mg",
    "furosemide\n40 mg daily",
    "the \"blue\" pill",
    "salmeterol, 50 mcg",
    "zzqx unknown",
    "naproxen 250 mg\r\nwith food",
    "lisinopril",
    "",
    "Evista",
    "atorvastatin \"Lipitor\" 40",
];

/// Patient ids, some that a CSV writer must quote or neutralize.
fn patient_id(i: usize) -> String {
    match i {
        0 => "-17".into(),
        1 => "=cmd".into(),
        2 => "Smith, J".into(),
        3 => "say \"hi\"".into(),
        _ => format!("P{i:04}"),
    }
}

/// One input row: patient, medication, age, sex, conditions, pregnant.
type Row = [String; 6];

/// `rows` rows for `patients` patients in no particular order; each patient's context cells are
/// given on some of their rows only, and a few patients' rows disagree on age and sex.
fn rows(n: usize, patients: usize) -> Vec<Row> {
    let mut rng = Lcg(12);
    (0..n)
        .map(|_| {
            let p = rng.next(patients);
            let med = MEDS[rng.next(MEDS.len())].to_owned();
            let give = rng.next(4) == 0;
            let age = if !give {
                String::new()
            } else if p % 10 == 7 {
                // Rows of these patients disagree on age and sex.
                (60 + rng.next(10)).to_string()
            } else {
                (40 + p % 50).to_string()
            };
            let sex = match (give, p % 10) {
                (false, _) => "",
                (true, 7) => ["F", "M"][rng.next(2)],
                (true, d) if d % 2 == 0 => "F",
                (true, _) => "m",
            };
            let conditions = match (give, p % 6) {
                (true, 0) => "PVD; arthritis",
                (true, 1) => "pvd",
                (true, 2) => "gout|Cirrhosis",
                // Spellings that differ in case only: one is kept, whatever the order.
                (true, 3) => ["PVD", "pvd", "Pvd"][rng.next(3)],
                _ => "",
            };
            let pregnant = if p.is_multiple_of(13) && rng.next(3) == 0 {
                "yes"
            } else {
                ""
            };
            [
                patient_id(p),
                med,
                age,
                sex.to_owned(),
                conditions.to_owned(),
                pregnant.to_owned(),
            ]
        })
        .collect()
}

fn write_csv(path: &Path, rows: &[Row]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record([
        "patient",
        "medication",
        "age",
        "sex",
        "conditions",
        "pregnant",
    ])
    .unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

/// The standard output of `cmd`, which must exit with one of `codes` and report no error.
fn stdout_exiting(cmd: &mut Command, codes: &[i32]) -> Vec<u8> {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code().is_some_and(|c| codes.contains(&c)) && !stderr.contains("error:"),
        "{stderr}"
    );
    out.stdout
}

/// `batch --summary` of `input`: every record written, whether or not some could not be read
/// (the generated input has empty entries: error records, counted in `errors`).
fn summary(input: &Path, extra: &[&str]) -> Vec<u8> {
    stdout_exiting(
        crampcheck()
            .args(["batch", "--summary"])
            .arg(input)
            .args(extra),
        &[0, 2, 3],
    )
}

/// The merged summary (the exit code is 3 when the parts counted error records, as for the
/// whole input: `merged_summaries_exit_as_the_summary_of_the_whole_input_does`).
fn merge(files: &[PathBuf], extra: &[&str]) -> Vec<u8> {
    stdout_exiting(
        crampcheck().arg("merge-summaries").args(files).args(extra),
        &[0, 3],
    )
}

fn shuffled(rows: &[Row], seed: u64) -> Vec<Row> {
    let mut out = rows.to_vec();
    let mut rng = Lcg(seed);
    for i in (1..out.len()).rev() {
        out.swap(i, rng.next(i + 1));
    }
    out
}

/// The whole input, and its summaries as CSV and JSON Lines.
struct Whole {
    dir: tempfile::TempDir,
    rows: Vec<Row>,
    csv: Vec<u8>,
    jsonl: Vec<u8>,
}

fn whole() -> Whole {
    let dir = tempfile::tempdir().unwrap();
    // Over one read chunk (4,096 records), so chunks and workers matter.
    let rows = rows(6_000, 400);
    let path = dir.path().join("whole.csv");
    write_csv(&path, &rows);
    let csv = summary(&path, &[]);
    let jsonl = summary(&path, &["-f", "jsonl"]);
    Whole {
        dir,
        rows,
        csv,
        jsonl,
    }
}

#[test]
fn the_merged_summaries_of_parts_are_the_summary_of_the_whole() {
    let w = whole();
    let summaries: Vec<PatientSummary> = parse_csv(&w.csv);
    assert_eq!(summaries.len(), 400, "one record per patient");
    let entries: u64 = summaries.iter().map(|s| s.entries).sum();
    assert_eq!(entries, w.rows.len() as u64, "every row counted once");
    // Four parts of unequal size, cut across patients; two summarised as CSV, two as JSONL.
    let cuts = [0, 1_000, 2_300, 4_999, w.rows.len()];
    let mut parts = Vec::new();
    for (i, pair) in cuts.windows(2).enumerate() {
        let input = w.dir.path().join(format!("part{i}.csv"));
        write_csv(&input, &w.rows[pair[0]..pair[1]]);
        let (format, ext) = if i % 2 == 0 {
            ("csv", "csv")
        } else {
            ("jsonl", "jsonl")
        };
        let out = w.dir.path().join(format!("summary{i}.{ext}"));
        fs::write(&out, summary(&input, &["-f", format])).unwrap();
        parts.push(out);
    }
    let merged = merge(&parts, &[]);
    assert!(
        merged == w.csv,
        "merged CSV differs from the whole's summary"
    );
    let merged = merge(&parts, &["-f", "jsonl"]);
    assert!(
        merged == w.jsonl,
        "merged JSONL differs from the whole's summary"
    );
    // Merging is associative: a merge of merges is the same.
    let first_two = w.dir.path().join("first_two.csv");
    fs::write(&first_two, merge(&parts[..2], &[])).unwrap();
    let again = merge(&[first_two, parts[2].clone(), parts[3].clone()], &[]);
    assert!(again == w.csv, "a merge of merges differs");
    // Patients of the parts appear in several parts: the test cuts across them.
    let in_first: Vec<PatientSummary> = parse_csv(&fs::read(&parts[0]).unwrap());
    let in_last: Vec<PatientSummary> = parse_jsonl(&fs::read(&parts[3]).unwrap());
    assert!(
        in_first
            .iter()
            .filter(|a| in_last.iter().any(|b| b.patient == a.patient))
            .count()
            > 100
    );
}

#[test]
fn a_shuffled_input_and_any_number_of_jobs_give_the_same_summary() {
    let w = whole();
    for seed in [1, 2] {
        let path = w.dir.path().join(format!("shuffled{seed}.csv"));
        write_csv(&path, &shuffled(&w.rows, seed));
        for jobs in ["1", "3"] {
            let out = summary(&path, &["--jobs", jobs]);
            assert!(out == w.csv, "shuffle {seed}, --jobs {jobs} differs");
        }
    }
}

#[test]
fn summaries_are_sorted_by_patient_id_with_one_record_each() {
    let w = whole();
    let summaries: Vec<PatientSummary> = parse_jsonl(&w.jsonl);
    let ids: Vec<&str> = summaries.iter().map(|s| s.patient.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted);
    assert!(ids.contains(&"-17") && ids.contains(&"=cmd") && ids.contains(&"Smith, J"));
}

#[test]
fn patients_whose_rows_disagree_get_an_age_range_no_sex_line_and_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<Row> = [
        ["A", "lipitor", "64", "F", "", ""],
        ["B", "metformin", "50", "F", "", ""],
        ["A", "quinine", "", "", "pvd", ""],
        ["A", "lisinopril", "66", "M", "PVD", "yes"],
    ]
    .iter()
    .map(|r| r.map(str::to_owned))
    .collect();
    let path = dir.path().join("in.csv");
    write_csv(&path, &rows);
    let whole: Vec<PatientSummary> = parse_csv(&summary(&path, &[]));
    let a = &whole[0];
    assert_eq!((a.age.as_str(), a.sex.as_str()), ("64-66", "F; M"), "{a:?}");
    assert_eq!((a.conditions.as_str(), a.pregnant.as_str()), ("PVD", "yes"));
    assert!(
        a.notes
            .contains("Context disagrees: the records give ages from 64 to 66")
    );
    assert!(a.context.contains("Age over 65 (age 66)"), "{a:?}");
    assert!(!a.context.contains("Female sex"), "{a:?}");
    assert!(whole[1].context.contains("Female sex"), "{:?}", whole[1]);
    // Each part agrees with itself; merged, they disagree, and say so in the same way.
    let mut parts = Vec::new();
    for (i, r) in [&rows[..2], &rows[2..]].iter().enumerate() {
        let input = dir.path().join(format!("p{i}.csv"));
        write_csv(&input, r);
        let part: Vec<PatientSummary> = parse_csv(&summary(&input, &[]));
        assert!(!part[0].notes.contains("Context disagrees"), "{part:?}");
        let out = dir.path().join(format!("s{i}.csv"));
        fs::write(&out, summary(&input, &[])).unwrap();
        parts.push(out);
    }
    assert_eq!(
        String::from_utf8(merge(&parts, &[])).unwrap(),
        String::from_utf8(summary(&path, &[])).unwrap()
    );
}

#[test]
fn more_patients_than_max_patients_is_an_error_naming_the_cap_and_what_to_do() {
    let w = whole();
    let path = w.dir.path().join("whole.csv");
    assert!(summary(&path, &["--max-patients", "400"]) == w.csv);
    let out = crampcheck()
        .args(["batch", "--summary", "--max-patients", "399"])
        .arg(&path)
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(out.stdout.is_empty(), "nothing written past the cap");
    let err = String::from_utf8(out.stderr).unwrap();
    for part in [
        "whole.csv, row ",
        "more patients than --max-patients 399",
        "raise it with --max-patients N",
        "give --sorted",
        "crampcheck merge-summaries",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
}

#[test]
fn the_default_cap_is_stated_in_the_help() {
    let help = stdout_of(crampcheck().args(["batch", "--help"]));
    let help = String::from_utf8(help).unwrap();
    assert!(help.contains("--max-patients <N>"), "{help}");
    assert!(help.contains("[default: 1000000]"), "{help}");
}

/// Merges a file holding `text` into a file with `-o`: the merge fails with exit 2 and leaves
/// no output file (on standard output, the patients before the error may have been written: the
/// merge streams). Returns stderr.
fn merge_error(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    let target = dir.join(format!("{name}.merged"));
    let out = crampcheck()
        .arg("merge-summaries")
        .arg(&path)
        .arg("-o")
        .arg(&target)
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(out.stdout.is_empty() && !target.exists());
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn an_older_summary_or_per_finding_records_given_to_merge_are_errors_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let old = "patient,entries,flagged,warnings,review,unrecognized,errors,highest_level,quinine,\
               flagged_drugs,notes,context\nP1,1,1,0,0,0,0,low,no,atorvastatin,,\n";
    let err = merge_error(dir.path(), "old.csv", old);
    assert!(
        err.contains("old.csv: line 1: a summary of an older crampcheck"),
        "{err}"
    );
    let old_jsonl = "{\"patient\":\"P1\",\"entries\":1,\"flagged\":1,\"warnings\":0,\"review\":0,\
                     \"unrecognized\":0,\"errors\":0,\"highest_level\":\"low\",\"quinine\":\"no\",\
                     \"flagged_drugs\":\"atorvastatin\",\"notes\":\"\",\"context\":\"\"}\n";
    let err = merge_error(dir.path(), "old.jsonl", old_jsonl);
    assert!(
        err.contains("old.jsonl: line 1: a summary of an older"),
        "{err}"
    );
    let findings = stdout_of(crampcheck().args(["batch", "data/sample/batch.csv"]));
    let err = merge_error(
        dir.path(),
        "findings.csv",
        std::str::from_utf8(&findings).unwrap(),
    );
    assert!(
        err.contains("findings.csv: line 1: per-finding records"),
        "{err}"
    );
    let findings = stdout_of(crampcheck().args(["batch", "data/sample/batch.csv", "-f", "jsonl"]));
    let err = merge_error(
        dir.path(),
        "findings.jsonl",
        std::str::from_utf8(&findings).unwrap(),
    );
    assert!(
        err.contains("findings.jsonl: line 1: per-finding records"),
        "{err}"
    );
}

#[test]
fn a_summary_out_of_order_or_contradicting_itself_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = String::from_utf8(stdout_of(crampcheck().args([
        "batch",
        "data/sample/batch.csv",
        "--summary",
    ])))
    .unwrap();
    let mut lines: Vec<&str> = out.lines().collect();
    lines.swap(2, 3);
    let err = merge_error(dir.path(), "unsorted.csv", &(lines.join("\n") + "\n"));
    assert!(
        err.contains("unsorted.csv: line 4:") && err.contains("not sorted by patient id"),
        "{err}"
    );
    lines.swap(2, 3);
    let edited = lines.join("\n").replacen(",high,no,", ",low,no,", 1);
    assert_ne!(edited, lines.join("\n"), "the sample has a patient at high");
    let err = merge_error(dir.path(), "edited.csv", &edited);
    assert!(
        err.contains("edited.csv: line ") && err.contains("highest_level `low` disagrees"),
        "{err}"
    );
}

#[test]
fn merge_reads_standard_input_and_writes_the_format_asked_for() {
    let whole = summary(Path::new("data/sample/batch.csv"), &["-f", "jsonl"]);
    let merged = stdout_of(
        crampcheck()
            .args(["merge-summaries", "-", "--input-format", "jsonl"])
            .write_stdin(whole.clone()),
    );
    assert!(merged == whole);
    let csv = stdout_of(
        crampcheck()
            .args(["merge-summaries", "-", "-f", "csv"])
            .write_stdin(whole),
    );
    assert!(csv == summary(Path::new("data/sample/batch.csv"), &[]));
}

#[test]
fn sorted_input_with_sorted_gives_the_same_summary_one_patient_at_a_time() {
    let w = whole();
    let mut rows = w.rows.clone();
    rows.sort_by(|a, b| a[0].as_bytes().cmp(b[0].as_bytes()));
    let path = w.dir.path().join("sorted.csv");
    write_csv(&path, &rows);
    // One patient held at a time: a cap of 1 is no limit with --sorted.
    let out = summary(&path, &["--sorted", "--max-patients", "1"]);
    assert!(out == w.csv, "--sorted differs from the grouping");
    let unsorted = w.dir.path().join("whole.csv");
    let target = w.dir.path().join("out.csv");
    let out = crampcheck()
        .args(["batch", "--summary", "--sorted"])
        .arg(&unsorted)
        .arg("-o")
        .arg(&target)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("whole.csv, row ") && err.contains("with --sorted the input must be sorted"),
        "{err}"
    );
    assert!(!target.exists(), "no partial -o file");
}

#[test]
fn summaries_written_one_after_another_merge_with_unsorted() {
    let w = whole();
    let (mut csv, mut jsonl) = (Vec::new(), Vec::new());
    for (i, pair) in [0, 2_500, 3_100, w.rows.len()].windows(2).enumerate() {
        let input = w.dir.path().join(format!("cut{i}.csv"));
        write_csv(&input, &w.rows[pair[0]..pair[1]]);
        csv.extend(summary(&input, &[]));
        jsonl.extend(summary(&input, &["-f", "jsonl"]));
    }
    let (cat_csv, cat_jsonl) = (w.dir.path().join("cat.csv"), w.dir.path().join("cat.jsonl"));
    fs::write(&cat_csv, &csv).unwrap();
    fs::write(&cat_jsonl, &jsonl).unwrap();
    assert!(merge(std::slice::from_ref(&cat_csv), &["--unsorted"]) == w.csv);
    assert!(merge(std::slice::from_ref(&cat_jsonl), &["--unsorted"]) == w.jsonl);
    let err = merge_error(
        w.dir.path(),
        "cat2.jsonl",
        std::str::from_utf8(&jsonl).unwrap(),
    );
    assert!(
        err.contains("not sorted by patient id") && err.contains("give --unsorted"),
        "{err}"
    );
    let out = crampcheck()
        .args(["merge-summaries", "--unsorted", "--max-patients", "10"])
        .arg(&cat_csv)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("cat.csv: line ") && err.contains("more patients than --max-patients 10"),
        "{err}"
    );
}

/// The exit code of crampcheck with these arguments.
fn exit_code(args: &[&std::ffi::OsStr]) -> i32 {
    crampcheck()
        .args(args)
        .output()
        .unwrap()
        .status
        .code()
        .unwrap_or(-1)
}

#[test]
fn merged_summaries_exit_as_the_summary_of_the_whole_input_does() {
    let dir = tempfile::tempdir().unwrap();
    let row =
        |patient: &str, med: &str| -> Row { [patient, med, "", "", "", ""].map(str::to_owned) };
    // Nothing to hear about; a thiazide and an unknown word; quinine, a statin and an error
    // record (the empty entry).
    let inputs: [&[&str]; 3] = [
        &["metformin 500 mg", "lisinopril 10 mg", "metformin 500 mg"],
        &[
            "metformin 500 mg",
            "hctz 25mg",
            "zzqx unknown",
            "lisinopril 10 mg",
        ],
        &[
            "lipitor 20 mg",
            "quinine sulfate 324 MG Oral Capsule",
            "",
            "Dyazide",
        ],
    ];
    let mut codes = std::collections::BTreeSet::new();
    for (n, meds) in inputs.iter().enumerate() {
        // Two patients, each cut across the two parts.
        let rows: Vec<Row> = meds
            .iter()
            .enumerate()
            .map(|(i, m)| row(if i % 2 == 0 { "P1" } else { "P2" }, m))
            .collect();
        let whole = dir.path().join(format!("whole{n}.csv"));
        write_csv(&whole, &rows);
        let mut parts = Vec::new();
        for (i, half) in rows.chunks(rows.len().div_ceil(2)).enumerate() {
            let input = dir.path().join(format!("in{n}-{i}.csv"));
            write_csv(&input, half);
            let out = dir.path().join(format!("summary{n}-{i}.csv"));
            fs::write(&out, summary(&input, &[])).unwrap();
            parts.push(out);
        }
        for level in [
            None,
            Some("review"),
            Some("low"),
            Some("moderate"),
            Some("high"),
            Some("warning"),
        ] {
            let fail_on: Vec<&std::ffi::OsStr> = match level {
                Some(l) => vec!["--fail-on".as_ref(), l.as_ref()],
                None => Vec::new(),
            };
            let mut args: Vec<&std::ffi::OsStr> = vec!["batch".as_ref(), "--summary".as_ref()];
            args.push(whole.as_os_str());
            args.extend(&fail_on);
            let want = exit_code(&args);
            codes.insert(want);
            for unsorted in [false, true] {
                let mut args: Vec<&std::ffi::OsStr> = vec!["merge-summaries".as_ref()];
                args.extend(parts.iter().map(|p| p.as_os_str()));
                args.extend(&fail_on);
                if unsorted {
                    args.push("--unsorted".as_ref());
                }
                assert_eq!(
                    exit_code(&args),
                    want,
                    "input {n}, --fail-on {level:?}, unsorted {unsorted}"
                );
            }
        }
    }
    // The cases cover success, --fail-on reached and error records.
    assert_eq!(codes, [0, 1, 3].into(), "{codes:?}");
}
