//! Exact, joinable records: key columns, `finding` and `line`, `--no-header`, JSON Lines input,
//! `--fields`, `--lean`, error notes without line numbers, exit code 3 and the totals line.

use serde_json::Value;

use crate::support::{Record, Status, crampcheck, csv_header, parse_csv, parse_jsonl};

/// Runs `crampcheck` with `args` on `stdin`; returns the exit code, stdout and stderr.
fn run(args: &[&str], stdin: &str) -> (i32, Vec<u8>, String) {
    let out = crampcheck()
        .args(args)
        .write_stdin(stdin.to_owned())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// CSV records as maps from column name to value.
fn csv_rows(bytes: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
    parse_csv(bytes)
}

#[test]
fn keys_survive_quotes_commas_and_embedded_newlines() {
    let input = "visit,patient,medication\n\
                 \"v,1\",P1,lipitor\n\
                 \"line\nbreak\",P2,\"losartan/hctz\n100-25\"\n\
                 \"say \"\"hi\"\"\",P3,metformin\n";
    let (code, out, _) = run(&["batch", "-", "--key-column", "visit", "-f", "csv"], input);
    assert_eq!(code, 0);
    let rows = csv_rows(&out);
    let keys: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["visit"].as_str(), r["finding"].as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("v,1", "1"),
            ("line\nbreak", "1"),
            ("line\nbreak", "2"),
            ("say \"hi\"", "1")
        ]
    );
    assert_eq!(csv_header(&out)[0], "visit");
    // The record with two embedded line breaks spans lines 3 to 5; the next one starts on 6.
    let lines: Vec<&str> = rows.iter().map(|r| r["line"].as_str()).collect();
    assert_eq!(lines, ["2", "3", "3", "6"]);
}

#[test]
fn keep_takes_several_columns_and_json_writes_them_as_given() {
    let input = "site,visit,patient,medication\nA, 7 ,P1,lipitor\n";
    let (code, out, _) = run(
        &["batch", "-", "--keep", "site,visit", "-f", "jsonl"],
        input,
    );
    assert_eq!(code, 0);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["site"], "A");
    assert_eq!(v["visit"], " 7 ", "a key is copied untrimmed");
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("{\"site\":\"A\",\"visit\":\" 7 \",\"patient\":\"P1\","),
        "{text}"
    );
}

#[test]
fn a_key_column_named_like_a_field_is_refused_before_any_work() {
    let (code, out, err) = run(
        &["batch", "-", "--key-column", "status"],
        "status,patient,medication\nx,P1,lipitor\n",
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("`status`") && err.contains("field"), "{err}");
}

#[test]
fn a_missing_key_column_is_a_fatal_error() {
    let (code, _, err) = run(
        &["batch", "-", "--key-column", "visit"],
        "patient,medication\nP1,lipitor\n",
    );
    assert_eq!(code, 2);
    assert!(err.contains("`visit`"), "{err}");
}

#[test]
fn row_and_finding_are_unique_and_in_order() {
    let input = "patient,medication\nP1,Dyazide\nP1,losartan/hctz 100-25\nP2,lipitor\n";
    let (_, out, _) = run(&["batch", "-", "-f", "csv"], input);
    let records: Vec<Record> = parse_csv(&out);
    let pairs: Vec<(u64, u64)> = records.iter().map(|r| (r.row, r.finding)).collect();
    let mut sorted = pairs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(pairs, sorted, "unique and ordered by (row, finding)");
    assert!(
        pairs.contains(&(2, 2)),
        "a combination numbers its findings: {pairs:?}"
    );
}

#[test]
fn no_header_reads_every_row_with_numbered_columns() {
    // As Spark's rdd.pipe() hands a partition over: no header line.
    let input = "P1,v1,lipitor\nP2,v2,hctz 25 mg\nP3,v3,metformin\n";
    let (code, out, err) = run(
        &[
            "batch",
            "-",
            "--no-header",
            "--patient-column",
            "1",
            "--med-column",
            "3",
            "--key-column",
            "2",
            "-f",
            "jsonl",
        ],
        input,
    );
    assert_eq!(code, 0, "{err}");
    let v: Vec<Value> = parse_jsonl(&out);
    let got: Vec<(&str, &str, &str)> = v
        .iter()
        .map(|r| {
            (
                r["patient"].as_str().unwrap(),
                r["2"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("P1", "v1", "flagged"),
            ("P2", "v2", "flagged"),
            ("P3", "v3", "clear")
        ]
    );
    assert_eq!(v[0]["line"], 1);
    assert!(
        err.contains("read 3 records, wrote 3 records, 0 errors"),
        "{err}"
    );
}

#[test]
fn no_header_without_column_numbers_is_a_usage_error() {
    let (code, _, err) = run(&["batch", "-", "--no-header"], "P1,lipitor\n");
    assert_eq!(code, 2);
    assert!(err.contains("--patient-column"), "{err}");
    let (code, _, err) = run(
        &[
            "batch",
            "-",
            "--no-header",
            "--patient-column",
            "x",
            "--med-column",
            "2",
        ],
        "P1,lipitor\n",
    );
    assert_eq!(code, 2);
    assert!(err.contains("counted from 1"), "{err}");
}

#[test]
fn jsonl_with_a_newline_in_a_string_gives_one_entry() {
    let input = "{\"id\":\"P1\",\"rx\":\"losartan/hctz\\n100-25\",\"enc\":17}\n\
                 {\"id\":\"P2\",\"rx\":\"lipitor\",\"enc\":18}\n";
    let (code, out, err) = run(
        &[
            "batch",
            "-",
            "--input-format",
            "jsonl",
            "--med-column",
            "rx",
            "--patient-column",
            "id",
            "--key-column",
            "enc",
            "-f",
            "jsonl",
        ],
        input,
    );
    assert_eq!(code, 0, "{err}");
    let v: Vec<Value> = parse_jsonl(&out);
    let rows: Vec<(u64, &str)> = v
        .iter()
        .map(|r| (r["row"].as_u64().unwrap(), r["enc"].as_str().unwrap()))
        .collect();
    assert_eq!(rows, [(1, "17"), (1, "17"), (2, "18")]);
    assert_eq!(v[0]["input"], "losartan/hctz\n100-25");
    assert!(
        err.contains("read 2 records, wrote 3 records, 0 errors"),
        "{err}"
    );
}

#[test]
fn a_jsonl_line_that_is_not_an_object_or_lacks_the_medication_is_an_error_record() {
    let input =
        "{\"patient\":\"P1\",\"medication\":\"lipitor\"}\n[1,2]\n{\"patient\":\"P3\"}\n{oops\n";
    let (code, out, err) = run(
        &["batch", "-", "--input-format", "jsonl", "-f", "csv"],
        input,
    );
    assert_eq!(code, 3, "{err}");
    let records: Vec<Record> = parse_csv(&out);
    let got: Vec<(u64, Status, u64)> = records.iter().map(|r| (r.row, r.status, r.line)).collect();
    assert_eq!(
        got,
        [
            (1, Status::Flagged, 1),
            (2, Status::Error, 2),
            (3, Status::Error, 3),
            (4, Status::Error, 4)
        ]
    );
    for r in &records[1..] {
        assert!(!r.note.contains("line"), "no line in a note: {}", r.note);
    }
    assert_eq!(records[2].patient, "P3");
}

#[test]
fn an_error_record_has_its_line_and_a_note_without_one() {
    let input = "patient,medication\nP1,lipitor\n\nP2,\nP3,\"broken\nP4,hctz\n";
    for jobs in ["1", "2"] {
        let (code, out, err) = run(&["batch", "-", "-f", "csv", "--jobs", jobs], input);
        assert_eq!(code, 3, "finished with error records: {err}");
        let records: Vec<Record> = parse_csv(&out);
        let errors: Vec<(&str, u64)> = records
            .iter()
            .filter(|r| r.status == Status::Error)
            .map(|r| (r.note.as_str(), r.line))
            .collect();
        assert_eq!(
            errors,
            [("missing medication", 4), ("unterminated quoted field", 5)]
        );
        assert!(
            err.contains("read 4 records, wrote 4 records, 2 errors"),
            "{err}"
        );
    }
}

#[test]
fn error_records_are_the_same_in_a_split_input() {
    let whole = "patient,medication\nP1,lipitor\nP2,\nP3,hctz\nP4,\n";
    let part = "patient,medication\nP3,hctz\nP4,\n";
    let note = |input: &str| -> Vec<String> {
        let (_, out, _) = run(&["batch", "-", "-f", "csv"], input);
        parse_csv::<Record>(&out)
            .into_iter()
            .filter(|r| r.status == Status::Error)
            .map(|r| r.note)
            .collect()
    };
    assert_eq!(note(whole)[1], note(part)[0]);
}

#[test]
fn quiet_leaves_out_the_totals_line() {
    let (code, _, err) = run(
        &["batch", "-", "--quiet"],
        "patient,medication\nP1,lipitor\n",
    );
    assert_eq!(code, 0);
    assert!(!err.contains("read 1 record"), "{err}");
    let (_, _, err) = run(&["batch", "-"], "patient,medication\nP1,lipitor\n");
    assert!(
        err.contains("read 1 record, wrote 1 record, 0 errors"),
        "{err}"
    );
}

#[test]
fn fields_come_in_the_order_asked() {
    let input = "visit,patient,medication\nv1,P1,lipitor\n";
    let (code, out, _) = run(
        &[
            "batch",
            "-",
            "--key-column",
            "visit",
            "--fields",
            "status,visit,row,finding,ingredient",
            "-f",
            "csv",
        ],
        input,
    );
    assert_eq!(code, 0);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "status,visit,row,finding,ingredient\nflagged,v1,1,1,atorvastatin\n"
    );
    let (_, out, _) = run(
        &[
            "check",
            "lipitor",
            "--fields",
            "ingredient,sources",
            "-f",
            "jsonl",
        ],
        "",
    );
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v.as_object().unwrap().len(), 2);
    assert!(v["sources"].is_array());
}

#[test]
fn an_unknown_field_is_a_usage_error_listing_the_valid_ones() {
    let (code, out, err) = run(
        &["batch", "-", "--fields", "status,nope"],
        "patient,medication\nP1,lipitor\n",
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("`nope`") && err.contains("ingredient, class"),
        "{err}"
    );
}

#[test]
fn json_writes_null_for_absent_values_and_arrays_for_lists_in_check_and_batch() {
    let (_, check, _) = run(&["check", "xyzzy", "lipitor", "-f", "json"], "");
    let (_, batch, _) = run(
        &["batch", "-", "-f", "jsonl"],
        "patient,medication\nP1,xyzzy\nP1,lipitor\n",
    );
    let check: Vec<Value> = serde_json::from_slice(&check).unwrap();
    let batch: Vec<Value> = parse_jsonl(&batch);
    for records in [&check, &batch] {
        let unknown = &records[0];
        assert!(
            unknown["ingredient"].is_null() && unknown["score"].is_null(),
            "{unknown}"
        );
        assert_eq!(unknown["sources"], Value::Array(Vec::new()));
        let statin = &records[1];
        assert!(statin["sources"].as_array().unwrap().len() >= 2, "{statin}");
        assert!(
            statin["citations"].as_array().unwrap()[0]
                .as_str()
                .unwrap()
                .starts_with("[S1]")
        );
        assert!(statin["candidates"].is_array());
    }
    assert!(check[0]["patient"].is_null(), "no patient outside batch");
}

/// A batch table like a real export: patients with about eight entries each, drawn from
/// common medication strings with doses, targets among them (deterministic).
fn realistic(rows: usize) -> String {
    const MEDS: [&str; 24] = [
        "atorvastatin 20 mg",
        "lisinopril 10 mg PO daily",
        "metformin 500 mg bid",
        "amlodipine 5mg",
        "hydrochlorothiazide 25 mg",
        "omeprazole 20 mg",
        "simvastatin 40 MG Oral Tablet",
        "losartan",
        "furosemide 40mg",
        "levothyroxine",
        "gabapentin 300 mg",
        "Lipitor",
        "HCTZ 12.5mg",
        "sertraline 50 mg",
        "losartan/hctz 100-25",
        "aspirin 81 mg",
        "metoprolol 25 mg bid",
        "Symbicort",
        "naproxen 500 mg",
        "cephalexin",
        "spironolactone 25 mg",
        "atorvstatin 40 mg",
        "quinine sulfate 324 mg",
        "montelukast 10 mg",
    ];
    let mut s = String::from("patient_id,medication\n");
    let mut x: u64 = 12345;
    for i in 0..rows {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // Zipf-like: low indices far more often.
        let u = (x >> 33) as usize % 1000;
        let k = (u * u / 1000) * MEDS.len() / 1000;
        s.push_str(&format!("P{:08},{}\n", i / 8 + 1, MEDS[k]));
    }
    s
}

#[test]
fn lean_csv_is_at_most_twice_the_input() {
    let input = realistic(20_000);
    let (code, out, err) = run(&["batch", "-", "--lean", "-f", "csv"], &input);
    assert_eq!(code, 0, "{err}");
    let ratio = out.len() as f64 / input.len() as f64;
    assert!(ratio <= 2.0, "lean output is {ratio:.2}x the input");
    let (_, full, _) = run(&["batch", "-", "-f", "csv"], &input);
    assert!(
        full.len() > 4 * out.len(),
        "the full output carries the evidence"
    );
    // Every record's ingredient of a flagged finding is a row of `crampcheck list`.
    let (_, list, _) = run(&["list", "--format", "csv"], "");
    let known: Vec<String> = csv_rows(&list)
        .into_iter()
        .map(|r| r["ingredient"].clone())
        .collect();
    for r in csv_rows(&out) {
        if r["status"] == "flagged" || r["status"] == "warning" {
            assert!(known.contains(&r["ingredient"]), "{r:?}");
        }
    }
}

#[test]
fn lean_keeps_the_key_columns_first() {
    let (_, out, _) = run(
        &["batch", "-", "--lean", "--key-column", "visit", "-f", "csv"],
        "visit,patient,medication\nv9,P1,lipitor\n",
    );
    assert_eq!(
        csv_header(&out),
        [
            "visit",
            "patient",
            "row",
            "finding",
            "status",
            "ingredient",
            "level",
            "match"
        ]
    );
}

#[test]
fn check_reads_a_file_without_a_header_by_column_number() {
    let (code, out, err) = run(
        &[
            "check",
            "--file",
            "-",
            "--no-header",
            "--med-column",
            "2",
            "-f",
            "csv",
        ],
        "1,lipitor\n2,\n3,hctz\n",
    );
    assert_eq!(code, 3, "{err}");
    let records: Vec<Record> = parse_csv(&out);
    let got: Vec<(u64, Status, u64)> = records.iter().map(|r| (r.row, r.status, r.line)).collect();
    assert_eq!(
        got,
        [
            (1, Status::Flagged, 1),
            (2, Status::Error, 2),
            (3, Status::Flagged, 3)
        ]
    );
}

#[test]
fn a_key_the_reader_does_not_place_is_null_in_json() {
    // JSON Lines objects without the key field: the record stays valid JSON.
    let (code, out, _) = run(
        &[
            "batch",
            "-",
            "--input-format",
            "jsonl",
            "--key-column",
            "enc",
            "-f",
            "jsonl",
        ],
        "{\"patient\":\"P1\",\"medication\":\"lipitor\"}\n",
    );
    assert_eq!(code, 0);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert!(v["enc"].is_null(), "{v}");
}

#[test]
fn fields_with_a_table_is_a_usage_error() {
    let (code, out, err) = run(&["check", "lipitor", "--lean"], "");
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("--format csv"), "{err}");
}
