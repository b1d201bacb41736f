//! The register round trip: every product of the four open registers that contains a target
//! (built by `scripts/build_products.py` into `products.tsv`) must flag exactly its target
//! ingredients when its raw label line is screened by the real binary, and every other product
//! must flag nothing. Known exceptions (`exceptions.tsv`) may cover at most 1%.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use crampcheck::kb::Kb;

/// One product of the fixture.
struct Product {
    source: String,
    id: String,
    label: String,
    expected: BTreeSet<String>,
}

/// What the binary said about one entry.
#[derive(Default)]
struct Got {
    flags: BTreeSet<String>,
    review: Vec<String>,
    error: bool,
    shown: Vec<String>,
}

#[derive(Default)]
struct Tally {
    rows: usize,
    targets: usize,
    right: usize,
    review: usize,
    wrong: usize,
    false_flags: usize,
    excepted: usize,
}

fn read_tsv(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

fn set(s: &str, sep: char) -> BTreeSet<String> {
    s.split(sep)
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_register_product_flags_exactly_its_target_ingredients() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/roundtrip");
    let kb = Kb::builtin().unwrap();
    let mut not_in_kb = BTreeSet::new();
    let products: Vec<Product> = read_tsv(&dir.join("products.tsv"))
        .into_iter()
        .map(|c| {
            assert_eq!(c.len(), 5, "fixture row with {} fields: {c:?}", c.len());
            let expected = set(&c[4], ';');
            for e in &expected {
                if kb.drug_id(e).is_none() {
                    not_in_kb.insert(e.clone());
                }
            }
            Product {
                source: c[0].clone(),
                id: c[2].clone(),
                label: c[3].clone(),
                expected,
            }
        })
        .collect();
    assert!(
        products.len() > 4000,
        "fixture has only {} rows",
        products.len()
    );
    let exceptions: HashMap<(String, String), String> = read_tsv(&dir.join("exceptions.tsv"))
        .into_iter()
        .map(|c| {
            assert_eq!(c.len(), 3, "exception row {c:?}: source, id, reason");
            assert!(!c[2].trim().is_empty(), "exception {c:?} gives no reason");
            ((c[0].clone(), c[1].clone()), c[2].clone())
        })
        .collect();

    // One batch run over all labels; the patient id is the row number.
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("products.csv");
    let mut w = csv::Writer::from_path(&input).unwrap();
    w.write_record(["patient", "medication"]).unwrap();
    for (i, p) in products.iter().enumerate() {
        w.write_record([format!("p{i}"), p.label.clone()]).unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let out = Command::new(env!("CARGO_BIN_EXE_crampcheck"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(["batch", "--format", "csv", "--no-progress"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 2),
        "batch failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let head = rdr.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (c_patient, c_status, c_ingredient, c_matched, c_how) = (
        col("patient"),
        col("status"),
        col("ingredient"),
        col("matched_as"),
        col("match"),
    );
    let mut got: HashMap<usize, Got> = HashMap::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let i: usize = rec[c_patient].trim_start_matches('p').parse().unwrap();
        let g = got.entry(i).or_default();
        let (status, ingredient) = (&rec[c_status], &rec[c_ingredient]);
        match status {
            "flagged" | "warning" => {
                g.flags.insert(ingredient.to_owned());
            }
            "review" => g.review.push(ingredient.to_owned()),
            "error" => g.error = true,
            _ => {}
        }
        g.shown.push(format!(
            "{status} {ingredient} via {} “{}”",
            &rec[c_how], &rec[c_matched]
        ));
    }

    let mut by_source: BTreeMap<String, Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut used = BTreeSet::new();
    for (i, p) in products.iter().enumerate() {
        let g = got.remove(&i).unwrap_or_default();
        assert!(
            !g.shown.is_empty(),
            "row {i} ({:?}) is missing from the output",
            p.label
        );
        let t = by_source.entry(p.source.clone()).or_default();
        t.rows += 1;
        t.targets += usize::from(!p.expected.is_empty());
        let false_flag = g.flags.difference(&p.expected).next().is_some();
        let reviewed_right = !g.review.is_empty()
            && g.flags.is_subset(&p.expected)
            && p.expected.iter().all(|e| {
                g.flags.contains(e)
                    || g.review
                        .iter()
                        .any(|r| r.split(" or ").any(|x| x.trim() == e))
            });
        let right = !g.error && g.flags == p.expected && g.review.is_empty();
        let kind = if right {
            t.right += 1;
            continue;
        } else if false_flag {
            t.false_flags += 1;
            "FALSE FLAG"
        } else if reviewed_right {
            t.review += 1;
            "REVIEW"
        } else {
            t.wrong += 1;
            "WRONG"
        };
        let key = (p.source.clone(), p.id.clone());
        if exceptions.contains_key(&key) {
            t.excepted += 1;
            used.insert(key);
            continue;
        }
        misses.push(format!(
            "{kind} [{} {}] {:?} expected {:?} got {}",
            p.source,
            p.id,
            p.label,
            p.expected,
            g.shown.join(" | ")
        ));
    }

    println!(
        "\n{:<8} {:>6} {:>8} {:>7} {:>7} {:>7} {:>12} {:>9}",
        "source", "rows", "targets", "right", "review", "wrong", "false flags", "excepted"
    );
    let mut total = Tally::default();
    for (s, t) in &by_source {
        println!(
            "{s:<8} {:>6} {:>8} {:>7} {:>7} {:>7} {:>12} {:>9}",
            t.rows, t.targets, t.right, t.review, t.wrong, t.false_flags, t.excepted
        );
        total.rows += t.rows;
        total.targets += t.targets;
        total.right += t.right;
        total.review += t.review;
        total.wrong += t.wrong;
        total.false_flags += t.false_flags;
        total.excepted += t.excepted;
    }
    println!(
        "{:<8} {:>6} {:>8} {:>7} {:>7} {:>7} {:>12} {:>9}",
        "all",
        total.rows,
        total.targets,
        total.right,
        total.review,
        total.wrong,
        total.false_flags,
        total.excepted
    );
    for m in &misses {
        println!("  {m}");
    }
    if !not_in_kb.is_empty() {
        println!("  targets of the fixture that the knowledge base does not list: {not_in_kb:?}");
    }
    for key in exceptions.keys() {
        if !used.contains(key) {
            println!("  exception no longer needed: {} {}", key.0, key.1);
        }
    }
    assert!(
        exceptions.len() * 100 <= products.len(),
        "{} exceptions exceed 1% of {} rows",
        exceptions.len(),
        products.len()
    );
    assert!(
        misses.is_empty(),
        "{} products of the registers are not screened as their ingredients say \
         (review {}, wrong {}, false flags {}); see the list above",
        misses.len(),
        total.review,
        total.wrong,
        total.false_flags
    );
}
