//! `lookup`: the whole trail for a name — normalized text, the finding, candidates with scores,
//! the evidence and the source.

use predicates::prelude::*;
use serde::Deserialize;

use crate::support::{crampcheck, stdout_of};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Trail {
    input: String,
    normalized: String,
    findings: Vec<FindingView>,
    candidates: Vec<CandidateView>,
    unmatched: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FindingView {
    status: String,
    ingredient: String,
    class: String,
    level: String,
    text: String,
    matched_as: String,
    #[serde(rename = "match")]
    how: String,
    score: Option<f64>,
    why: String,
    evidence: String,
    advice: String,
    sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CandidateView {
    name: String,
    ingredient: String,
    target: bool,
    score: f64,
}

fn trails(names: &[&str]) -> Vec<Trail> {
    serde_json::from_slice(&stdout_of(
        crampcheck()
            .args(["lookup", "--format", "json"])
            .args(names),
    ))
    .unwrap()
}

#[test]
fn lookup_shows_normalized_text_finding_evidence_and_source() {
    crampcheck()
        .args(["lookup", "lipitor"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("lipitor\n"))
        .stdout(predicate::str::contains("normalized: lipitor"))
        .stdout(predicate::str::contains(
            "→ flagged atorvastatin (statin, level low)",
        ))
        .stdout(predicate::str::contains("evidence: Garrison 2012"))
        .stdout(predicate::str::contains("source: [S1] Garrison SR"));
}

#[test]
fn lookup_of_a_misspelling_shows_candidates_with_scores() {
    let out = String::from_utf8(stdout_of(crampcheck().args(["lookup", "furosimide"]))).unwrap();
    assert!(out.contains("fuzzy, score 0."), "{out}");
    let candidates: Vec<&str> = out
        .lines()
        .skip_while(|l| l.trim() != "candidates:")
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .collect();
    assert!(!candidates.is_empty(), "{out}");
    assert!(candidates[0].contains("furosemide"), "{out}");
    for c in candidates {
        let score: f64 = c.split_whitespace().next().unwrap().parse().unwrap();
        assert!((0.0..=1.0).contains(&score), "{c}");
    }
}

#[test]
fn lookup_json_of_a_misspelling_ranks_candidates_by_score() {
    let t = &trails(&["furosimide"])[0];
    assert_eq!(t.input, "furosimide");
    assert_eq!(t.findings.len(), 1);
    let f = &t.findings[0];
    assert_eq!((f.status.as_str(), f.how.as_str()), ("flagged", "fuzzy"));
    assert!(f.score.unwrap() < 1.0);
    assert!(!f.why.is_empty());
    assert!(t.candidates.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(
        t.candidates
            .iter()
            .any(|c| c.ingredient == "furosemide" && c.target)
    );
}

#[test]
fn lookup_json_shows_quinidine_is_not_a_target() {
    let t = &trails(&["quinidine"])[0];
    assert_eq!(t.normalized, "quinidine");
    assert!(t.unmatched.is_empty());
    for f in &t.findings {
        assert_ne!(f.status, "warning", "{f:#?}");
        assert_ne!(f.status, "flagged", "{f:#?}");
        assert_eq!(f.ingredient, "quinidine", "{f:#?}");
        assert!(f.class.is_empty() && f.level.is_empty() && f.sources.is_empty());
        assert!(f.evidence.is_empty() && f.advice.is_empty());
        assert!(!f.text.is_empty() && !f.matched_as.is_empty());
    }
    let quinidine: Vec<&CandidateView> = t
        .candidates
        .iter()
        .filter(|c| c.ingredient == "quinidine")
        .collect();
    assert!(!quinidine.is_empty(), "{t:#?}");
    assert!(quinidine.iter().all(|c| !c.target), "{t:#?}");
    // Quinine itself, when listed as a near candidate, is the target.
    assert!(
        t.candidates
            .iter()
            .filter(|c| c.ingredient == "quinine")
            .all(|c| c.target && c.name != "quinidine")
    );
}

#[test]
fn lookup_jsonl_gives_one_trail_per_name() {
    let out = stdout_of(crampcheck().args(["lookup", "-f", "jsonl", "lipitor", "Dyazide"]));
    let text = String::from_utf8(out).unwrap();
    let trails: Vec<Trail> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(trails.len(), 2);
    assert_eq!(trails[1].input, "Dyazide");
    let ingredients: Vec<&str> = trails[1]
        .findings
        .iter()
        .map(|f| f.ingredient.as_str())
        .collect();
    assert!(ingredients.contains(&"triamterene"));
    assert!(ingredients.contains(&"hydrochlorothiazide"));
}

#[test]
fn lookup_csv_lists_candidates() {
    let out = stdout_of(crampcheck().args(["lookup", "-f", "csv", "furosimide"]));
    let mut rdr = csv::Reader::from_reader(out.as_slice());
    assert_eq!(
        rdr.headers().unwrap(),
        vec![
            "input",
            "normalized",
            "candidate",
            "ingredient",
            "target",
            "score"
        ]
    );
    assert!(
        rdr.records()
            .map(Result::unwrap)
            .any(|r| &r[3] == "furosemide")
    );
}

#[test]
fn lookup_without_a_name_is_a_usage_error() {
    crampcheck()
        .arg("lookup")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("Usage"));
}

#[test]
fn a_review_says_why_in_its_own_terms() {
    let t = trails(&["hydro-d", "riprazo", "maxide"]);
    let why = |i: usize| t[i].findings[0].why.clone();
    // A name with a second meaning: the reason the project recorded.
    assert!(why(0).contains("disinfectant"), "{t:#?}");
    // One name, different products in different markets.
    assert!(why(1).contains("different markets"), "{t:#?}");
    // Two drugs about equally likely, both named.
    assert!(
        why(2).contains("equally close") && why(2).contains("maxidex"),
        "{t:#?}"
    );
}
