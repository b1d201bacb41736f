//! A drug class named without the drug (`water pill`, `statins`, `LABA`): flagged with the
//! class's own figure from the evidence sheet, never `clear` and never read as water or potassium.

use crate::support::{Record, Status, crampcheck, parse_jsonl, stdout_of};

fn screen(entry: &str) -> Vec<Record> {
    parse_jsonl(&stdout_of(
        crampcheck().args(["check", "--format", "jsonl", "--", entry]),
    ))
}

fn only(entry: &str) -> Record {
    let mut records = screen(entry);
    assert_eq!(records.len(), 1, "{entry}: {records:#?}");
    records.remove(0)
}

#[test]
fn a_water_pill_is_flagged_as_a_diuretic_with_the_figure_for_all_diuretics() {
    for entry in ["water pill", "Water tablets 1 daily", "fluid tablet"] {
        let r = only(entry);
        assert_eq!(r.status, Status::Flagged, "{entry}: {r:#?}");
        assert_eq!(r.ingredient, "diuretic", "{entry}: {r:#?}");
        assert_eq!(r.level, "moderate");
        assert!(
            r.evidence
                .contains("diuretics, all 1.47 (95% CI 1.33–1.63)"),
            "{r:#?}"
        );
        assert!(r.sources.contains("S1"));
        assert!(r.note.contains("names a class"), "{r:#?}");
    }
}

#[test]
fn each_class_named_carries_its_own_class_figure_and_level() {
    for (entry, ingredient, level, figure) in [
        ("statins", "statin", "low", "1.16 (95% CI 1.04–1.29)"),
        (
            "loop diuretic",
            "loop diuretic",
            "low",
            "1.20 (95% CI 1.00–1.44)",
        ),
        (
            "thiazide",
            "thiazide diuretic",
            "moderate",
            "1.48 (95% CI 1.29–1.68)",
        ),
        (
            "potassium-sparing diuretic",
            "potassium sparing diuretic",
            "high",
            "2.12 (95% CI 1.61–2.78)",
        ),
        (
            "LABA",
            "long acting beta agonist",
            "high",
            "2.42 (95% CI 2.02–2.89)",
        ),
    ] {
        let r = only(entry);
        assert_eq!(r.status, Status::Flagged, "{entry}: {r:#?}");
        assert_eq!(r.ingredient, ingredient, "{entry}");
        assert_eq!(r.level, level, "{entry}");
        assert!(r.evidence.contains(figure), "{entry}: {r:#?}");
    }
}

#[test]
fn a_class_beside_its_own_drug_adds_nothing() {
    let records = screen("furosemide 40 mg (loop diuretic)");
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0].ingredient, "furosemide");
    let records = screen("Lasix water pill");
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0].ingredient, "furosemide");
}

#[test]
fn a_class_in_a_condition_or_an_absence_is_no_medicine_taken() {
    for entry in [
        "statin intolerance",
        "no diuretics",
        "thiazide-induced hyponatremia",
    ] {
        let r = only(entry);
        assert_eq!(r.status, Status::Unrecognized, "{entry}: {r:#?}");
        assert!(r.note.contains("not a medicine"), "{entry}: {r:#?}");
    }
    // A drug named by its own name is still the drug.
    assert_eq!(only("atorvastatin intolerance").status, Status::Flagged);
}

#[test]
fn water_and_potassium_alone_stay_what_they_are() {
    assert_eq!(only("tonic water").status, Status::Clear);
    assert_eq!(only("water 1 tablet").ingredient, "water");
    assert_eq!(only("potassium chloride 20 mEq").status, Status::Clear);
}

#[test]
fn iron_given_intravenously_without_its_product_goes_to_review_naming_iron_sucrose() {
    for entry in ["iron infusion", "IV iron 200 mg", "intravenous iron"] {
        let r = only(entry);
        assert_eq!(r.status, Status::Review, "{entry}: {r:#?}");
        assert!(r.ingredient.contains("iron sucrose"), "{entry}: {r:#?}");
        assert!(r.note.contains("check which one"), "{entry}: {r:#?}");
    }
    // Oral iron, and an intravenous iron named, are what they are.
    assert_eq!(only("iron 65 mg tablet").status, Status::Clear);
    assert_eq!(only("Iron dextran injection").ingredient, "iron dextran");
    assert_eq!(only("iron sucrose 100 mg IV").status, Status::Flagged);
}
