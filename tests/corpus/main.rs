//! The labelled matching corpus: every entry of `corpus.csv` must resolve to exactly its expected
//! target ingredients. Fails below 99% on target entries, or on any false flag.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::collections::{BTreeMap, BTreeSet};

use crampcheck::kb::Kb;
use crampcheck::names::lexicon::Lexicon;
use crampcheck::names::matcher::{How, resolve};
use crampcheck::names::vocab::Vocabulary;
use crampcheck::screen::{Status, screen};

#[derive(Default)]
struct Tally {
    total: usize,
    right: usize,
    review: usize,
    false_flags: usize,
}

#[test]
fn the_corpus_resolves_to_its_labels_with_no_false_flag() {
    let kb = Kb::builtin().unwrap();
    let lex = Lexicon::build(&kb, &Vocabulary::builtin()).unwrap();
    let mut rdr = csv::Reader::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/corpus.csv"
    ))
    .unwrap();
    let mut by_cat: BTreeMap<String, Tally> = BTreeMap::new();
    let (mut targets, mut targets_right, mut false_flags) = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let (cat, input, expected) = (&rec[0], &rec[1], &rec[2]);
        // `?name`: the entry must go to review with that target among the candidates.
        let (expected, must_review) = match expected.strip_prefix('?') {
            Some(rest) => (rest, true),
            None => (expected, false),
        };
        let expected: BTreeSet<String> = expected
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        for e in &expected {
            assert!(
                kb.drug_id(e).is_some(),
                "corpus names unknown ingredient {e}"
            );
        }
        let findings = screen(&kb, &lex, &resolve(&lex, input));
        let got: BTreeSet<String> = findings
            .iter()
            .filter(|f| matches!(f.status, Status::Flagged | Status::Warning))
            .map(|f| f.ingredient.clone())
            .collect();
        let review = findings.iter().any(|f| f.status == Status::Review);
        let reviewed: BTreeSet<String> = findings
            .iter()
            .filter(|f| f.status == Status::Review)
            .flat_map(|f| f.ingredient.split(" or ").map(str::to_owned))
            .flat_map(|i| i.split(" + ").map(str::to_owned).collect::<Vec<_>>())
            .collect();
        let t = by_cat.entry(cat.to_owned()).or_default();
        t.total += 1;
        let right = if must_review {
            expected.is_subset(&reviewed) && got.is_subset(&expected)
        } else {
            got == expected && !(expected.is_empty() && review)
        };
        let wrong_flags = got.difference(&expected).count();
        if right {
            t.right += 1;
        }
        if review {
            t.review += 1;
        }
        if wrong_flags > 0 {
            t.false_flags += 1;
            false_flags += 1;
        }
        if !expected.is_empty() {
            targets += 1;
            targets_right += usize::from(right);
        }
        if !right {
            let shown: Vec<String> = findings
                .iter()
                .map(|f| {
                    format!(
                        "{} {} via {} “{}” {:.2} {}",
                        f.status.as_str(),
                        f.ingredient,
                        f.how.map_or("-", How::as_str),
                        f.matched_as,
                        f.score.unwrap_or_default(),
                        f.candidates
                    )
                })
                .collect();
            failures.push(format!(
                "[{cat}] {input:?} expected {expected:?} got {}",
                shown.join(" | ")
            ));
        }
    }
    println!(
        "\n{:<18} {:>6} {:>8} {:>8} {:>7} {:>12}",
        "category", "rows", "right", "%", "review", "false flags"
    );
    for (cat, t) in &by_cat {
        let pct = 100.0 * t.right as f64 / t.total as f64;
        println!(
            "{cat:<18} {:>6} {:>8} {pct:>7.1}% {:>7} {:>12}",
            t.total, t.right, t.review, t.false_flags
        );
    }
    let pct = 100.0 * targets_right as f64 / targets.max(1) as f64;
    println!(
        "target entries exactly right: {targets_right}/{targets} ({pct:.1}%); entries with a false flag: {false_flags}"
    );
    for f in &failures {
        println!("  MISS {f}");
    }
    assert_eq!(false_flags, 0, "false flags");
    assert!(
        pct >= 99.0,
        "only {pct:.1}% of target entries exactly right"
    );
}
