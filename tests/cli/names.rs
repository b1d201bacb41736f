//! Names from every market, and nothing else taken for a drug (issue #9): every example of the
//! issue resolves as a pharmacist would expect, through the real binary.

use std::collections::BTreeSet;

use crate::support::{Record, Status, crampcheck, parse_jsonl, stdout_of};

/// The records of one entry, screened alone.
fn screen(entry: &str) -> Vec<Record> {
    parse_jsonl(&stdout_of(
        crampcheck().args(["check", "--format", "jsonl", "--", entry]),
    ))
}

/// The target ingredients an entry is flagged (or warned) for.
fn flags(records: &[Record]) -> BTreeSet<String> {
    records
        .iter()
        .filter(|r| matches!(r.status, Status::Flagged | Status::Warning))
        .map(|r| r.ingredient.clone())
        .collect()
}

fn assert_flags(entry: &str, expected: &[&str]) {
    let records = screen(entry);
    let expected: BTreeSet<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(flags(&records), expected, "{entry}: {records:#?}");
}

fn assert_review(entry: &str, candidate: &str) {
    let records = screen(entry);
    assert!(
        records
            .iter()
            .any(|r| r.status == Status::Review && r.ingredient.contains(candidate)),
        "{entry} should go to review naming {candidate}: {records:#?}"
    );
}

/// Not a target, and not a silent `clear` of a wrong drug either: `clear` only for `allowed`.
fn assert_no_flag(entry: &str, allowed_clear: &[&str]) {
    let records = screen(entry);
    assert!(flags(&records).is_empty(), "{entry}: {records:#?}");
    assert!(
        records.iter().all(|r| r.status != Status::Review),
        "{entry}: {records:#?}"
    );
    for r in records.iter().filter(|r| r.status == Status::Clear) {
        assert!(
            allowed_clear.iter().any(|a| r.ingredient.contains(a)),
            "{entry}: unexpected clear {}: {records:#?}",
            r.ingredient
        );
    }
}

#[test]
fn international_brands_of_targets_are_found() {
    for (entry, expected) in [
        ("Moduret", &["amiloride", "hydrochlorothiazide"][..]),
        ("Innozide", &["hydrochlorothiazide"]),
        ("Lasoride", &["amiloride", "furosemide"]),
        ("Frusene", &["furosemide", "triamterene"]),
        ("Synflex", &["naproxen"]),
        ("Premique", &["conjugated estrogens"]),
        ("Atozet", &["atorvastatin"]),
        ("Elisor", &["pravastatin"]),
        ("Preterax", &["indapamide"]),
        ("Foster", &["formoterol"]),
        ("Revinty Ellipta", &["vilanterol"]),
        ("Hirobriz", &["indacaterol"]),
        ("Lozide", &["indapamide"]),
        ("Apo-Triazide", &["hydrochlorothiazide", "triamterene"]),
        ("Zenhale", &["formoterol"]),
        ("Dichlotride", &["hydrochlorothiazide"]),
        ("Frusid", &["furosemide"]),
        ("Spiractin", &["spironolactone"]),
    ] {
        assert_flags(entry, expected);
    }
}

#[test]
fn combination_names_are_read_as_every_ingredient() {
    for (entry, expected) in [
        ("Atacand Plus 16/12.5", &["hydrochlorothiazide"][..]),
        ("Co-Diovan", &["hydrochlorothiazide"]),
        ("Diovan Comp", &["hydrochlorothiazide"]),
        ("CoAprovel", &["hydrochlorothiazide"]),
        ("Inhibace Plus", &["hydrochlorothiazide"]),
        ("Burinex A", &["amiloride", "bumetanide"]),
        ("ibersartan/hydrochlorothiazide", &["hydrochlorothiazide"]),
    ] {
        assert_flags(entry, expected);
    }
}

#[test]
fn a_blood_pressure_drug_the_registers_combine_with_no_diuretic_goes_to_review_with_a_combination_word()
 {
    for entry in [
        "Metoprolol comp 50/12.5",
        "Verapamil plus",
        "Carvedilol comp",
    ] {
        assert_review(entry, "possible diuretic");
    }
}

#[test]
fn a_combination_word_after_a_drug_the_registers_combine_with_one_diuretic_flags_it() {
    for (entry, diuretic) in [
        ("Ramipril comp 5/25", "hydrochlorothiazide"),
        ("Lisinopril plus 20/12.5", "hydrochlorothiazide"),
        ("Perindopril plus", "indapamide"),
    ] {
        let records = screen(entry);
        let flagged: Vec<&Record> = records
            .iter()
            .filter(|r| r.status == Status::Flagged)
            .collect();
        assert_eq!(flagged.len(), 1, "{entry}: {records:#?}");
        assert_eq!(flagged[0].ingredient, diuretic, "{entry}");
        assert_eq!(flagged[0].how, "suffix", "{entry}");
        assert!(
            flagged[0].note.contains("registers"),
            "{entry}: {records:#?}"
        );
    }
}

#[test]
fn a_combination_word_after_a_drug_combined_with_several_diuretics_goes_to_review_naming_each() {
    for (entry, diuretics) in [
        (
            "Atenolol comp 50/12.5",
            &["chlorthalidone", "bendroflumethiazide"][..],
        ),
        ("Lotrel D", &["hydrochlorothiazide", "indapamide"]),
    ] {
        let records = screen(entry);
        let review = records
            .iter()
            .find(|r| r.status == Status::Review)
            .unwrap_or_else(|| panic!("{entry}: {records:#?}"));
        for d in diuretics {
            assert!(review.ingredient.contains(d), "{entry}: {review:#?}");
        }
        assert!(
            records.iter().all(|r| r.status != Status::Flagged),
            "{entry}"
        );
    }
}

#[test]
fn every_quinine_product_warns() {
    for entry in [
        "Biquinate",
        "quinine bisulfate heptahydrate",
        "quinine gluconate",
        "Quinimax",
        "quinine hydrochloride dihydrate",
    ] {
        let records = screen(entry);
        assert!(
            records
                .iter()
                .any(|r| r.status == Status::Warning && r.ingredient == "quinine"),
            "{entry}: {records:#?}"
        );
    }
}

#[test]
fn words_that_are_not_the_drug_flag_nothing() {
    for (entry, clear) in [
        ("dextroamphetamine saccharate", &["dextroamphetamine"][..]),
        (
            "Aluminum-Magnesium Hydrox.-Simethicone",
            &["aluminum", "dimethicone"],
        ),
        ("Lisinopril 10 mg qty: 90 (total 90 tabs)", &["lisinopril"]),
        ("quinioa", &[]),
        ("Spirox", &[]),
        ("pneumococcal conjugate vaccine", &[]),
        ("Nature's Bounty Glucosamine 1000 mg", &["glucosamine"]),
        ("Teriparatide forte", &["teriparatide"]),
        ("Amlodipine 5mg tablets (Pfizer Ltd)", &["amlodipine"]),
        ("Lenalidomide 10 mg (Cipla EU Ltd)", &["lenalidomide"]),
    ] {
        if entry == "Teriparatide forte" {
            // `forte` is wording: teriparatide is flagged once, and nothing else.
            assert_flags(entry, &["teriparatide"]);
            continue;
        }
        assert_no_flag(entry, clear);
    }
}

#[test]
fn a_slip_of_a_word_that_names_no_drug_is_the_drug_it_sounds_exactly_like() {
    // `lasiks` is one letter from LASIK (not a drug) but sounds as Lasix; `quinioa` is one
    // letter from quinoa and sounds like no drug.
    assert_flags("lasiks", &["furosemide"]);
    assert_flags("lasiks 40 mg", &["furosemide"]);
    assert_no_flag("quinioa", &[]);
}

#[test]
fn a_name_the_vocabulary_lists_plainly_is_its_own_drug_whatever_a_qualified_name_says() {
    // UNII lists `mirabegron (m9)` (a metabolite) under actarit, `tmp (thiamine ester)` under
    // monophosphothiamine and `iron (as ferrous fumarate)` under ferrous fumarate; the plain
    // names are mirabegron, trimethoprim and iron.
    assert_no_flag("mirabegron 50 mg", &["mirabegron"]);
    assert_no_flag("TMP 100 mg", &["trimethoprim"]);
    assert_no_flag("TMP-SMX DS", &["trimethoprim", "sulfamethoxazole"]);
    assert_no_flag("iron 65 mg", &["iron"]);
    let records = screen("tmp (thiamine ester)");
    assert!(
        records
            .iter()
            .all(|r| r.ingredient == "monophosphothiamine"),
        "{records:#?}"
    );
}

#[test]
fn the_letter_g_of_a_name_is_not_grams() {
    // Penicillin G (benzylpenicillin) and penicillin V (phenoxymethylpenicillin) are different
    // drugs; immunoglobulin G is one class of immunoglobulin.
    assert_no_flag(
        "Penicillin G Potassium 5000000 units IV",
        &["penicillin g potassium"],
    );
    assert_no_flag(
        "penicillin g benzathine 1.2 g IM",
        &["penicillin g benzathine"],
    );
    assert_no_flag("human immunoglobulin g", &["human immunoglobulin g"]);
    assert_no_flag("ceftriaxone 1 g IV", &["ceftriaxone"]);
}

#[test]
fn words_taken_together_carry_no_more_edits_than_each_could_alone() {
    // `d gulo` joined is one letter from Diulo (metolazone), but `gulo` is too short to carry
    // an edit of its own; long words split in two still find their drug with a slip in one.
    assert_no_flag("d-gulo", &[]);
    assert_no_flag(
        "d-glycero-d-gulo-heptonic acid, monosodium salt",
        &["glycerin", "sodium chloride"],
    );
    assert_flags("atorva statn 20", &["atorvastatin"]);
}

#[test]
fn register_labels_of_products_without_a_target_flag_nothing_and_need_no_review() {
    // Label lines of the Canadian and French registers: what a product is free of, a substance
    // named in brackets, a French salt word, `vitamine` before its letter, a generic's company
    // before a name that has a combination word after it.
    assert_no_flag(
        "KOFFEX DM (SUCROSE FREE)",
        &["dextromethorphan hydrobromide"],
    );
    assert_no_flag(
        "FAMOTIDINE OMEGA  -(WITH PRESERVATIVE,BENZYL ALCOHOL)",
        &["famotidine", "benzyl alcohol"],
    );
    assert_no_flag(
        "MAALOX MAUX D'ESTOMAC HYDROXYDE D'ALUMINIUM/HYDROXYDE DE MAGNESIUM 400 mg/400 mg, comprimé à croquer",
        &["aluminum", "magnesium", "maalox"],
    );
    assert_no_flag(
        "ACIDE ALENDRONIQUE/CHOLECALCIFEROL (VITAMINE D3) ZENTIVA 70 mg/2 800 UI, comprimé",
        &["alendron", "cholecalciferol"],
    );
    assert_no_flag("SANDOZ LOSARTAN", &["losartan"]);
    assert_no_flag("MINT-LOSARTAN", &["losartan"]);
    assert_flags("SANDOZ LOSARTAN HCT", &["hydrochlorothiazide"]);
}

#[test]
fn a_bracketed_brand_that_contradicts_the_generic_does_not_override_it() {
    let records = screen("Clonidine 0.15 MG Oral Capsule [Mirfat]");
    assert!(flags(&records).is_empty(), "{records:#?}");
    assert!(
        records
            .iter()
            .any(|r| r.status == Status::Clear && r.ingredient.contains("clonidine"))
    );
}

#[test]
fn look_alikes_that_are_other_drugs_are_not_conflated() {
    assert_no_flag(
        "synthetic conjugated estrogens",
        &["estrogens, conjugated synthetic"],
    );
    assert_no_flag("hydroquinidine", &["hydroquinidine"]);
    assert_no_flag("quinidine sulfate 200 mg", &["quinidine"]);
}

#[test]
fn hct_alone_is_ambiguous_but_a_suffix_after_a_product_name() {
    assert_review("HCT 100 mg IV", "hydrocortisone");
    assert_flags("Diovan HCT", &["hydrochlorothiazide"]);
    assert_flags("losartan/HCT 50/12.5", &["hydrochlorothiazide"]);
}

#[test]
fn a_name_with_different_ingredients_in_different_markets_goes_to_review_naming_both() {
    assert_review("Urex", "furosemide");
    assert_review("Urex", "methenamine");
    // The UK table's abbreviation (`bzt - bendrofluazide`) against the FDA list's fenethylline:
    // never a silent `clear` of a thiazide.
    assert_review("BZT 2.5 mg", "bendroflumethiazide");
    assert_review("BZT 2.5 mg", "fenethylline");
}

#[test]
fn a_name_whose_products_differ_in_no_target_keeps_the_vocabulary_s_meaning() {
    // `azt` is zidovudine in the FDA list and azathioprine in the UK table: neither is a target,
    // and the entry stays what the vocabulary names it rather than flipping to the other.
    assert_no_flag("AZT 100 mg", &["zidovudine"]);
    // The UK table's abbreviations are names of their drugs.
    assert_no_flag("MTX 10 mg weekly", &["methotrexate"]);
    assert_no_flag("cya 100mg", &["cyclosporine"]);
}

#[test]
fn brands_once_cleared_as_unrelated_drugs_are_found() {
    // Lipex was cleared as lidex (fluocinonide), Proxen as an ibuprofen brand, Innovair as
    // droperidol, Aldactide as alsactide.
    assert_flags("Lipex 20", &["simvastatin"]);
    assert_flags("Proxen 500", &["naproxen"]);
    assert_flags("Innovair", &["formoterol"]);
    assert_flags("Aldactide", &["hydroflumethiazide", "spironolactone"]);
}

#[test]
fn stray_findings_are_gone() {
    assert_no_flag("Neurontin 300 mg", &["gabapentin"]);
    let lasix = screen("Lasix Special");
    assert_eq!(flags(&lasix), BTreeSet::from(["furosemide".to_owned()]));
    assert!(lasix.iter().all(|r| !r.ingredient.contains("ketamine")));
    let naprosyn = screen("Naprosyn E");
    assert!(
        naprosyn
            .iter()
            .all(|r| !r.ingredient.contains("erythromycin"))
    );
}

#[test]
fn patient_misspellings_of_targets_are_found_without_a_far_fetched_review() {
    for (entry, expected) in [
        ("simvastin", "simvastatin"),
        ("Aleev", "naproxen"),
        ("Prava 40", "pravastatin"),
        ("furosimide", "furosemide"),
        ("lassix", "furosemide"),
    ] {
        assert_flags(entry, &[expected]);
        assert!(
            screen(entry).iter().all(|r| r.status != Status::Review),
            "{entry}"
        );
    }
}

#[test]
fn a_weak_likeness_to_another_drug_is_unrecognized_with_the_nearest_names() {
    // One unrelated letter from lidex (fluocinonide): a slip, or a brand the vocabulary lacks.
    let records = screen("Lidek");
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0].status, Status::Unrecognized, "{records:#?}");
    assert!(records[0].candidates.contains("lidex"), "{records:#?}");
}

#[test]
fn a_slip_in_a_name_with_a_repeated_pair_of_letters_is_found() {
    // `ol` twice in atenolol and timolol; `qinetahzone` is two slips from quinethazone.
    for (entry, ingredient) in [
        ("aetnolol 50 mg", "atenolol"),
        ("tmiolol", "timolol"),
        ("qinetahzone", "quinethazone"),
    ] {
        let records = screen(entry);
        assert!(
            records
                .iter()
                .any(|r| r.ingredient == ingredient && r.how == "fuzzy"),
            "{entry}: {records:#?}"
        );
    }
}

#[test]
fn a_word_too_far_from_every_name_for_a_guess_still_shows_the_nearest_names() {
    // Two letters swapped apart: beyond the one edit a five-letter word may carry, so no guess,
    // but a person sees Lasix among the names to look at.
    for (entry, near) in [("laxis", "Lasix"), ("venophor 200 mg", "Venofer")] {
        let records = screen(entry);
        assert_eq!(records.len(), 1, "{records:#?}");
        assert_eq!(records[0].status, Status::Unrecognized, "{records:#?}");
        assert!(
            records[0].candidates.contains(near),
            "{entry}: {records:#?}"
        );
        assert!(
            records[0].candidates.split(" | ").count() <= 3,
            "{records:#?}"
        );
    }
    // Words (an English word, a slip for a food) and nonsense show none.
    for entry in ["lasik 40", "quinioa", "xyzzyplugh"] {
        let records = screen(entry);
        assert_eq!(records[0].status, Status::Unrecognized, "{records:#?}");
        assert_eq!(records[0].candidates, "", "{entry}: {records:#?}");
    }
}

#[test]
fn tonic_water_is_a_drink_with_its_quinine_said_beside_it_never_the_drug_water() {
    for entry in ["tonic water", "Tonic water 500 ml nightly for cramps"] {
        let records = screen(entry);
        assert_eq!(records.len(), 1, "{records:#?}");
        let r = &records[0];
        assert_eq!(r.status, Status::Clear, "{r:#?}");
        assert_eq!(r.ingredient, "tonic water", "{r:#?}");
        assert!(
            r.note.contains("83 ppm") && r.note.contains("[S17]"),
            "{r:#?}"
        );
    }
    // Quinine named in it is still the quinine warning.
    let records = screen("quinine water");
    assert!(
        records.iter().any(|r| r.status == Status::Warning),
        "{records:#?}"
    );
    // Water itself, and `tonic` in another sense, are what they are.
    assert_eq!(screen("sterile water for injection")[0].ingredient, "water");
    assert!(
        screen("tonic-clonic seizures")
            .iter()
            .all(|r| !r.note.contains("83 ppm"))
    );
}

#[test]
fn names_with_digits_are_kept() {
    let records = screen("vitamin b12 1000 mcg");
    assert!(
        records
            .iter()
            .any(|r| r.status == Status::Clear && r.ingredient.contains("cyanocobalamin")),
        "{records:#?}"
    );
}

#[test]
fn a_bracketed_english_word_describes_the_product_unless_it_is_a_target_brand() {
    assert_no_flag(
        "OMEGA ALLERGENIC EXTRACTS - POLLENS (AQUEOUS)",
        &["allergenic extracts"],
    );
    // Foster (beclometasone with formoterol) is a target's brand: still a question.
    let records = screen("budesonide inhaler (Foster)");
    assert!(
        records
            .iter()
            .any(|r| r.status == Status::Review && r.ingredient.contains("formoterol")),
        "{records:#?}"
    );
}

#[test]
fn a_common_english_word_that_a_register_uses_as_a_product_line_is_no_drug() {
    // `nose` (a UK betamethasone product), `travel` (a Canadian dimenhydrinate), `original`,
    // `kids`, `dialysis`, `cold`: product lines of the registers, not what a person means.
    for (entry, allowed) in [
        ("nasal saline nose spray", &["sodium chloride"][..]),
        ("melatonin for travel", &["melatonin"][..]),
        ("tylenol cold", &["acetaminophen"][..]),
        ("kids multivitamin gummies", &["multivitamin"][..]),
        ("dialysis solution", &[][..]),
        ("Ensure original", &[][..]),
        ("laxative", &[][..]),
    ] {
        assert_no_flag(entry, allowed);
    }
    // A word that is a target's product stays one (Congest: conjugated estrogens, Canada), and a
    // medicine's own name stays (Adrenalin).
    assert_flags("Congest 0.625 mg", &["conjugated estrogens"]);
    assert!(
        screen("Adrenalin 1 mg/mL")
            .iter()
            .any(|r| r.status == Status::Clear && r.ingredient.contains("epinephrine"))
    );
}

#[test]
fn an_element_symbol_before_its_anion_names_the_salt() {
    for (entry, salt) in [
        ("Mg oxide 400 mg", "magnesium oxide"),
        ("K chloride 20 mEq", "potassium chloride"),
        ("Li carbonate 300 mg", "lithium carbonate"),
    ] {
        let records = screen(entry);
        assert!(
            records
                .iter()
                .all(|r| r.status == Status::Clear && r.ingredient == salt),
            "{entry}: {records:#?}"
        );
    }
}

#[test]
fn a_group_name_alone_goes_to_review_naming_the_target_and_the_other_members() {
    for (entry, members) in [
        ("NSAID", &["naproxen", "ibuprofen"][..]),
        ("estrogen patch", &["conjugated estrogens", "estradiol"][..]),
        ("HRT", &["conjugated estrogens", "estradiol"][..]),
        ("SERM", &["raloxifene", "tamoxifen"][..]),
        (
            "aldosterone antagonists",
            &["potassium sparing diuretic", "finerenone"][..],
        ),
        (
            "beta agonist inhaler",
            &["long acting beta agonist", "albuterol"][..],
        ),
    ] {
        for m in members {
            assert_review(entry, m);
        }
        assert!(
            flags(&screen(entry)).is_empty(),
            "{entry}: a group is never a flag"
        );
    }
}

#[test]
fn a_group_name_beside_its_own_drug_adds_nothing() {
    assert_no_flag("ibuprofen (NSAID)", &["ibuprofen"]);
    assert_no_flag("estradiol 1 mg (estrogen)", &["estradiol"]);
    assert_no_flag("tamoxifen - SERM", &["tamoxifen"]);
    assert_flags("Naprosyn 500 mg (NSAID)", &["naproxen"]);
    assert_flags("Premarin (estrogen)", &["conjugated estrogens"]);
}

#[test]
fn a_group_name_with_a_condition_word_is_a_condition_not_a_medicine() {
    for entry in [
        "NSAID allergy",
        "no NSAIDs",
        "estrogen receptor positive breast cancer",
    ] {
        let records = screen(entry);
        assert!(
            records.iter().all(|r| r.status == Status::Unrecognized),
            "{entry}: {records:#?}"
        );
        assert!(
            records[0].note.contains("a condition or history"),
            "{entry}: {records:#?}"
        );
    }
    // A product named by a condition word is that word beside another name.
    assert_flags("allergy: naproxen", &["naproxen"]);
    assert_no_flag("NSAID allergy", &[]);
}

#[test]
fn a_word_one_slip_from_another_drug_that_starts_only_a_target_goes_to_review_naming_both() {
    // `amilor`: one letter from Amlor (an amlodipine brand) and the start of amiloride;
    // `formote`: near formic acid's name and the start of formoterol.
    for (entry, target, other) in [
        ("amilor", "amiloride", "amlodipine"),
        ("formote", "formoterol", "formic acid"),
        ("meclizine/amilor", "amiloride", "amlodipine"),
    ] {
        assert_review(entry, target);
        assert_review(entry, other);
        assert_flags(entry, &[]);
    }
}

#[test]
fn an_iron_complex_s_words_between_the_words_of_iron_sucrose_leave_it_iron_sucrose() {
    for entry in [
        "iron hydroxide sucrose complex 20 mg/mL",
        "iron(III) sucrose 100 mg IV",
        "iron III sucrose",
        "ferric hydroxide sucrose",
        "Eisen-Saccharose",
    ] {
        assert_flags(entry, &["iron sucrose"]);
    }
    // Other iron complexes stay what they are.
    assert_no_flag("sucroferric oxyhydroxide 500 mg", &["ferric oxyhydroxide"]);
    assert_no_flag("iron hydroxide polymaltose complex", &["iron"]);
}

#[test]
fn a_slip_in_a_salt_word_is_the_salt_never_a_drug_of_its_own() {
    // Before: a review of Hydro-ride (amiloride + hydrochlorothiazide), a false flag of it, and
    // a stray potassium chloride.
    assert_no_flag(
        "sertraline hydrochoride 50 mg",
        &["sertraline hydrochloride"],
    );
    assert_no_flag("ferric hdyroxide 500 mg", &["ferric oxyhydroxide"]);
    assert_no_flag("losartan potasium 50 mg", &["losartan potassium"]);
    assert_flags("Amiloride hydrochoride 5 mg", &["amiloride"]);
    assert_flags("atorvastatin calcum 20 mg", &["atorvastatin"]);
    assert_flags("ferric hydroxiae sucrose complex", &["iron sucrose"]);
    // A drug one slip from a salt word is that drug, and a target cut short stays the target.
    assert_no_flag("hydroxzine 25 mg", &["hydroxyzine"]);
    assert_flags("lisinopril/hydrochloro", &["hydrochlorothiazide"]);
}

#[test]
fn a_doubt_between_a_class_and_another_drug_stays_beside_a_drug_of_that_class() {
    // `tariazide`: the thiazide class or Targosid (teicoplanin); the hydrochlorothiazide named
    // beside it took the class's finding away, and the doubt with it.
    assert_review("bpo-tariazide / hidrotiazida", "teicoplanin");
    assert_flags("bpo-tariazide / hidrotiazida", &["hydrochlorothiazide"]);
}

#[test]
fn a_french_word_of_the_register_is_no_slip_for_a_drug_name() {
    // BDPM substance names: `dilué` is one letter pair from Diulo (metolazone), `aqueux` one
    // letter from Aquex (clopamide), `complexe` near Complexone, `flacon` near Flucon.
    for (entry, allowed) in [
        ("CLAVULANATE DE POTASSIUM DILUÉ", &["clavulanate"][..]),
        (
            "VALÉRIANE (RACINE DE) (EXTRAIT SEC AQUEUX DE)",
            &["extrait sec"][..],
        ),
        ("dilué", &[][..]),
        ("aqueux", &[][..]),
        (
            "ADVILMED ENFANTS ET NOURRISSONS 20 mg/1 ml, suspension buvable en flacon",
            &["ibuprofen"][..],
        ),
    ] {
        assert_no_flag(entry, allowed);
    }
    let records = screen("COMPLEXE D'HYDROXYDE FERRIQUE - SACCHAROSE");
    assert_eq!(flags(&records), BTreeSet::from(["iron sucrose".to_owned()]));
    assert!(
        records.iter().all(|r| r.ingredient == "iron sucrose"),
        "{records:#?}"
    );
    // A French drug name that is a slip for the English one still finds it, and a French name
    // spelled by its ending still does.
    for (entry, want) in [("CAFÉINE", "caffeine"), ("NÉOMYCINE", "neomycin")] {
        let records = screen(entry);
        assert!(
            records.iter().any(|r| r.ingredient.contains(want)),
            "{entry}: {records:#?}"
        );
    }
}

#[test]
fn an_acid_named_in_french_spanish_or_italian_is_that_acid() {
    assert_flags("ACIDE ÉTACRYNIQUE", &["ethacrynic acid"]);
    for (entry, want) in [
        ("ACIDE TRANEXAMIQUE ARROW 0,5 g/5 ml", "tranexamic acid"),
        ("ácido fólico 5 mg", "folic acid"),
    ] {
        assert_no_flag(entry, &[want]);
        assert!(
            screen(entry).iter().any(|r| r.ingredient == want),
            "{entry}"
        );
    }
}

#[test]
fn a_french_elision_is_no_combination_letter() {
    // `d'` is `de`: amlodipine besilate, not "amlodipine D" (a combination with a diuretic).
    assert_no_flag("AMLODIPINE (BÉSILATE D')", &["amlodipine"]);
    assert_flags("CHLORHYDRATE D’AMILORIDE", &["amiloride"]);
}

#[test]
fn a_short_fragment_left_of_a_product_name_is_no_drug() {
    // `Pre-Pen` without its device word is `pre`, and `AT-III` is `iii`: neither is a name, so
    // a pre-filled pen holds no benzylpenicilloyl polylysine.
    for entry in [
        "Insulin glargine 100units/ml 3ml pre-filled disposable devices",
        "Humira 40mg/0.4ml solution for injection pre-filled pens",
        "Factor III",
    ] {
        let records = screen(entry);
        assert!(
            records
                .iter()
                .all(|r| !r.ingredient.contains("benzylpenicilloyl")
                    && !r.ingredient.contains("antithrombin")),
            "{entry}: {records:#?}"
        );
    }
}

#[test]
fn a_slip_in_the_first_letters_of_a_name_still_finds_it() {
    // The fuzzy search reads only names starting as the entry does; swapped, dropped and added
    // first letters are looked for apart.
    for (entry, want) in [
        ("orsuvastatin 10 mg", "rosuvastatin"),
        ("umetanide 1 mg", "bumetanide"),
        ("alsix 40 mg", "furosemide"),
        ("riamterene", "triamterene"),
        ("nidacaterol", "indacaterol"),
    ] {
        assert_flags(entry, &[want]);
    }
    assert_no_flag("APIUM GRAVEOLENS 5CH", &[]);
}
