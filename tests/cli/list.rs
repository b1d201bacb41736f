//! `list`: the knowledge base, filtered by level or class, and its sources.

use std::collections::BTreeSet;

use predicates::prelude::*;
use serde::Deserialize;

use crate::support::{crampcheck, stdout_of};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Drug {
    ingredient: String,
    class: String,
    level: String,
    evidence: String,
    advice: String,
    sources: String,
    aliases: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    id: String,
    citation: String,
    pmid: String,
    doi: String,
}

fn drugs(args: &[&str]) -> Vec<Drug> {
    let out = stdout_of(crampcheck().args(["list", "--format", "csv"]).args(args));
    csv::Reader::from_reader(out.as_slice())
        .deserialize()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn list_table_shows_drugs_with_their_sources() {
    crampcheck()
        .arg("list")
        .assert()
        .success()
        .stdout(predicate::str::contains("atorvastatin"))
        .stdout(predicate::str::contains("S1"))
        .stdout(predicate::str::contains("knowledge base: built-in"));
}

#[test]
fn list_level_high_shows_only_potassium_sparing_diuretics_and_labas() {
    let high = drugs(&["--level", "high"]);
    assert!(high.iter().all(|d| d.level == "high"), "{high:#?}");
    let classes: BTreeSet<&str> = high.iter().map(|d| d.class.as_str()).collect();
    assert_eq!(
        classes,
        BTreeSet::from(["long-acting beta-agonist", "potassium-sparing diuretic"])
    );
    let names: BTreeSet<&str> = high.iter().map(|d| d.ingredient.as_str()).collect();
    for n in [
        "spironolactone",
        "eplerenone",
        "amiloride",
        "triamterene",
        "salmeterol",
        "formoterol",
    ] {
        assert!(names.contains(n), "{n} missing: {names:?}");
    }
    assert!(!names.iter().any(|n| n.ends_with("statin")));
    assert!(!names.contains("quinine"));
}

#[test]
fn list_level_high_table_has_no_statin() {
    crampcheck()
        .args(["list", "--level", "high"])
        .assert()
        .success()
        .stdout(predicate::str::contains("spironolactone"))
        .stdout(predicate::str::contains("statin").not());
}

#[test]
fn list_class_statin_csv_gives_the_eight_statins_and_the_row_for_a_statin_not_named() {
    let statins = drugs(&["--class", "statin"]);
    let names: BTreeSet<&str> = statins.iter().map(|d| d.ingredient.as_str()).collect();
    assert_eq!(
        names,
        BTreeSet::from([
            "atorvastatin",
            "cerivastatin",
            "fluvastatin",
            "lovastatin",
            "pitavastatin",
            "pravastatin",
            "rosuvastatin",
            "simvastatin",
            // The class named without the drug (`statin`, `statins`): kind `class`.
            "statin"
        ])
    );
    assert_eq!(statins.len(), 9);
    for d in &statins {
        assert_eq!(d.class, "statin");
        assert_eq!(d.level, "low");
        assert!(d.sources.contains("S1"), "{d:#?}");
        assert!(!d.evidence.is_empty() && !d.advice.is_empty());
    }
    let atorvastatin = statins
        .iter()
        .find(|d| d.ingredient == "atorvastatin")
        .unwrap();
    assert!(atorvastatin.aliases.contains("Lipitor"));
}

#[test]
fn list_sources_jsonl_includes_garrison_2012_with_its_pmid() {
    let out = stdout_of(crampcheck().args(["list", "--sources", "--format", "jsonl"]));
    let sources: Vec<Source> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let s1 = sources.iter().find(|s| s.id == "S1").unwrap();
    assert_eq!(s1.pmid, "22157068");
    assert!(s1.citation.contains("Garrison"));
    assert!(s1.doi.starts_with("10."));
    let ids: BTreeSet<&str> = sources.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), sources.len(), "source ids are unique");
}

#[test]
fn list_sources_cover_every_source_a_drug_cites() {
    let out = stdout_of(crampcheck().args(["list", "--sources", "--format", "json"]));
    let sources: Vec<Source> = serde_json::from_slice(&out).unwrap();
    let ids: BTreeSet<&str> = sources.iter().map(|s| s.id.as_str()).collect();
    for d in drugs(&[]) {
        for id in d.sources.split("; ") {
            assert!(ids.contains(id), "{} cites {id}", d.ingredient);
        }
    }
}

#[test]
fn list_with_a_filter_that_matches_nothing_writes_the_same_header() {
    let full = stdout_of(crampcheck().args(["list", "-f", "csv"]));
    let header = String::from_utf8(full)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        header,
        "ingredient,class,level,evidence,advice,sources,aliases"
    );
    let out = stdout_of(crampcheck().args(["list", "--class", "no such class", "-f", "csv"]));
    assert_eq!(String::from_utf8(out).unwrap(), format!("{header}\n"));
}
