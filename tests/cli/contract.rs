//! The output contract of `check` and `batch`: the CSV header, the JSON fields, the value ranges,
//! and the rules that a fuzzy match is never shown as exact and a review names its candidates.

use crate::support::{
    ACCEPTANCE, EXTRAS, REQUIRED, Record, Status, crampcheck, csv_header, parse_csv, parse_jsonl,
    stdout_of,
};

/// Misspellings, near-ties, shorthand and other-language endings: the inexact ways to match.
const TYPOS: [&str; 13] = [
    "furosimide",
    "atorvastatn 10 mg",
    "simvastin 20mg",
    "pravastin",
    "fluvastin",
    "spirolactone 25 mg",
    "hydrochlorthiazide 25 mg",
    "salmeterl",
    "torsamide",
    "quinin",
    "atorva 40",
    "hydro chlorothiazide",
    // A real near-tie under the error model (Advate, a factor VIII product, or Advair): review.
    "Advare",
];

fn batch(format: &str) -> Vec<u8> {
    stdout_of(crampcheck().args(["batch", "data/sample/batch.csv", "--format", format]))
}

fn typos(format: &str) -> Vec<u8> {
    stdout_of(crampcheck().args(["check", "--format", format]).args(TYPOS))
}

/// Every record the tests below judge: the sample batch, the typos and the acceptance list.
fn all_records() -> Vec<Record> {
    let mut all: Vec<Record> = parse_csv(&batch("csv"));
    all.extend(parse_csv::<Record>(&typos("csv")));
    all.extend(parse_jsonl::<Record>(&stdout_of(
        crampcheck()
            .args(["check", "--format", "jsonl"])
            .args(ACCEPTANCE),
    )));
    all
}

#[test]
fn csv_header_is_the_required_columns_in_order_then_the_extras() {
    let expected: Vec<&str> = REQUIRED.iter().chain(&EXTRAS).copied().collect();
    for out in [
        batch("csv"),
        typos("csv"),
        stdout_of(crampcheck().args(["-f", "csv", "check", "lipitor"])),
    ] {
        let header = csv_header(&out);
        assert_eq!(header[..REQUIRED.len()], REQUIRED);
        assert_eq!(header, expected);
    }
}

#[test]
fn csv_header_is_written_even_when_a_batch_has_no_records() {
    let out = stdout_of(
        crampcheck()
            .args(["batch", "-"])
            .write_stdin("patient,medication\n"),
    );
    let expected: Vec<&str> = REQUIRED.iter().chain(&EXTRAS).copied().collect();
    assert_eq!(csv_header(&out), expected);
    assert_eq!(String::from_utf8(out).unwrap().lines().count(), 1);
}

#[test]
fn csv_records_deserialize_into_the_mirror_struct() {
    let records: Vec<Record> = parse_csv(&batch("csv"));
    assert!(records.len() > 200);
}

#[test]
fn jsonl_records_have_exactly_the_contract_fields() {
    let records: Vec<Record> = parse_jsonl(&batch("jsonl"));
    assert!(records.len() > 200);
    // Same order of keys as the CSV columns.
    let first = batch("jsonl");
    let line = std::str::from_utf8(&first).unwrap().lines().next().unwrap();
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line).unwrap();
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    let mut expected: Vec<&str> = REQUIRED.iter().chain(&EXTRAS).copied().collect();
    let mut sorted_keys = keys.clone();
    sorted_keys.sort_unstable();
    expected.sort_unstable();
    assert_eq!(sorted_keys, expected);
}

#[test]
fn json_is_an_array_of_the_jsonl_records() {
    let array: Vec<Record> = serde_json::from_slice(&batch("json")).unwrap();
    let lines: Vec<Record> = parse_jsonl(&batch("jsonl"));
    assert_eq!(format!("{array:?}"), format!("{lines:?}"));
}

#[test]
fn json_row_is_a_number_and_score_a_number_or_null() {
    let out = typos("jsonl");
    for line in std::str::from_utf8(&out).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["row"].is_u64(), "{line}");
        assert!(v["score"].is_f64() || v["score"].is_null(), "{line}");
    }
}

#[test]
fn scores_are_between_zero_and_one() {
    let records = all_records();
    assert!(records.iter().any(|r| r.score.is_some()));
    for r in &records {
        if let Some(s) = r.score {
            assert!((0.0..=1.0).contains(&s), "{r:#?}");
        }
    }
}

#[test]
fn every_status_is_one_of_the_six_known_ones() {
    // `Status` only deserializes warning/flagged/review/clear/unrecognized/error, so parsing is
    // the check; this also makes sure the common ones occur at all.
    let records = all_records();
    for s in [
        Status::Warning,
        Status::Flagged,
        Status::Review,
        Status::Clear,
    ] {
        assert!(records.iter().any(|r| r.status == s), "no {s:?} record");
    }
}

#[test]
fn a_fuzzy_match_never_shows_a_perfect_score() {
    let records = all_records();
    let fuzzy: Vec<&Record> = records.iter().filter(|r| r.how == "fuzzy").collect();
    assert!(fuzzy.len() >= 3, "too few fuzzy matches to judge");
    for r in fuzzy {
        let s = r.score.expect("a fuzzy match has a score");
        assert!(s < 1.0, "{r:#?}");
    }
    // And in the CSV text itself: no `fuzzy,1.00`.
    let text = String::from_utf8(typos("csv")).unwrap();
    assert!(!text.contains(",fuzzy,1.00,"));
}

#[test]
fn match_is_one_of_the_documented_kinds_and_the_score_says_how_exact() {
    // `suffix`: the drug's name matched exactly, and the target is read from the combination
    // word after it.
    const EXACT: [&str; 10] = [
        "exact",
        "brand",
        "combination",
        "salt",
        "spelling",
        "abbreviation",
        "synonym",
        "vocabulary",
        "joined",
        "suffix",
    ];
    const INEXACT: [&str; 3] = ["ending", "shorthand", "fuzzy"];
    let records = all_records();
    for r in &records {
        match r.how.as_str() {
            "" => {
                assert!(r.score.is_none(), "{r:#?}");
                assert!(
                    matches!(r.status, Status::Unrecognized | Status::Error),
                    "{r:#?}"
                );
            }
            how if EXACT.contains(&how) => assert_eq!(r.score, Some(1.0), "{r:#?}"),
            how if INEXACT.contains(&how) => assert!(r.score.unwrap() < 1.0, "{r:#?}"),
            how => panic!("undocumented match kind {how}: {r:#?}"),
        }
    }
    for how in INEXACT {
        assert!(records.iter().any(|r| r.how == how), "no {how} match");
    }
}

#[test]
fn a_drug_named_twice_in_one_entry_is_reported_once() {
    let records: Vec<Record> = parse_csv(&stdout_of(crampcheck().args([
        "-f",
        "csv",
        "check",
        "Atorvastatin Calcium 10 MG Oral Tablet [Lipitor]",
    ])));
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0].ingredient, "atorvastatin");
}

#[test]
fn furosimide_is_a_fuzzy_match_for_furosemide() {
    let records: Vec<Record> = parse_jsonl(&stdout_of(crampcheck().args([
        "check",
        "-f",
        "jsonl",
        "furosimide",
    ])));
    assert_eq!(records.len(), 1, "{records:#?}");
    let r = &records[0];
    assert_eq!(r.status, Status::Flagged);
    assert_eq!(r.ingredient, "furosemide");
    assert_eq!(r.how, "fuzzy");
    assert!(r.score.unwrap() < 1.0);
    assert_eq!(r.level, "low");
}

#[test]
fn a_review_record_always_names_its_candidates() {
    let records = all_records();
    let reviews: Vec<&Record> = records
        .iter()
        .filter(|r| r.status == Status::Review)
        .collect();
    // If this fails, the matcher stopped sending these near-ties to review: pick a new one.
    assert!(!reviews.is_empty(), "no review among the typos");
    for r in reviews {
        assert!(!r.candidates.trim().is_empty(), "{r:#?}");
    }
}

#[test]
fn clear_and_unrecognized_records_carry_no_class_level_or_evidence() {
    for r in all_records() {
        if matches!(
            r.status,
            Status::Clear | Status::Unrecognized | Status::Error
        ) {
            assert!(r.class.is_empty() && r.level.is_empty(), "{r:#?}");
            assert!(r.evidence.is_empty() && r.sources.is_empty(), "{r:#?}");
        }
    }
}

#[test]
fn flagged_and_warning_records_cite_their_sources() {
    for r in all_records() {
        if matches!(r.status, Status::Flagged | Status::Warning) {
            assert!(!r.level.is_empty() && !r.class.is_empty(), "{r:#?}");
            assert!(!r.evidence.is_empty() && !r.advice.is_empty(), "{r:#?}");
            assert!(!r.sources.is_empty(), "{r:#?}");
            for id in r.sources.split("; ") {
                assert!(r.citations.contains(&format!("[{id}] ")), "{r:#?}");
            }
        }
    }
}

#[test]
fn a_runner_up_is_shown_only_beside_a_fuzzy_match_with_a_lower_score() {
    let records = all_records();
    let with: Vec<&Record> = records.iter().filter(|r| !r.runner_up.is_empty()).collect();
    assert!(!with.is_empty(), "no runner-up among the typos");
    for r in with {
        assert_eq!(r.how, "fuzzy", "{r:#?}");
        let score: f64 = r.runner_up.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(score <= r.score.unwrap(), "{r:#?}");
    }
}

#[test]
fn unrecognized_entries_say_why_in_note() {
    let records: Vec<Record> = parse_csv(&stdout_of(crampcheck().args([
        "-f",
        "csv",
        "check",
        "xyzzy plugh",
    ])));
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].status, Status::Unrecognized);
    assert!(!records[0].note.is_empty());
}

#[test]
fn vitamins_are_not_reported_as_an_exact_match_for_another_substance() {
    let records: Vec<Record> = parse_csv(&stdout_of(crampcheck().args([
        "-f",
        "csv",
        "check",
        "vitamin D",
        "Vitamin D3 1000 unit",
        "vitamin E 400 IU",
        "vitamin b12",
    ])));
    for r in &records {
        assert_ne!(r.ingredient, "ubidecarenone", "{r:#?}");
        assert_ne!(r.matched_as, "vitamin q", "{r:#?}");
    }
}
