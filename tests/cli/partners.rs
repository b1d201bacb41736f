//! A word beside a target read as the drug the registers combine with that target: EHR
//! combination shorthand (`triamt/hctz`, `salm/flut 250/50`), and a real name that the registers
//! never pair with the target (`triam` in `triam/hctz`) shown for review beside the one they do;
//! a truncation beside another drug read as the target the registers combine with it
//! (`lisinopril/hydrochloro`).

use crate::support::{Record, Status, crampcheck, parse_jsonl, stdout_of};

fn screen(entry: &str) -> Vec<Record> {
    parse_jsonl(&stdout_of(
        crampcheck().args(["check", "--format", "jsonl", "--", entry]),
    ))
}

fn with_status(records: &[Record], status: Status) -> Vec<&str> {
    let mut out: Vec<&str> = records
        .iter()
        .filter(|r| r.status == status)
        .map(|r| r.ingredient.as_str())
        .collect();
    out.sort_unstable();
    out
}

/// Screens `entry` and asserts, for each status given, the ingredients of its records (sorted);
/// returns the records for what else a test checks.
fn screened_as(entry: &str, expected: &[(Status, &[&str])]) -> Vec<Record> {
    let records = screen(entry);
    for &(status, ingredients) in expected {
        assert_eq!(
            with_status(&records, status),
            ingredients,
            "{entry}: {status:?}: {records:#?}"
        );
    }
    records
}

#[test]
fn a_truncation_beside_a_target_is_the_one_registered_partner_it_starts() {
    for (entry, flagged, clear) in [
        (
            "triamt-hctz",
            vec!["hydrochlorothiazide", "triamterene"],
            vec![],
        ),
        (
            "amil/hctz",
            vec!["amiloride", "hydrochlorothiazide"],
            vec![],
        ),
        (
            "quin/hctz 20-12.5",
            vec!["hydrochlorothiazide"],
            vec!["quinapril"],
        ),
        ("capt/hctz", vec!["hydrochlorothiazide"], vec!["captopril"]),
    ] {
        let records = screened_as(
            entry,
            &[(Status::Flagged, &flagged[..]), (Status::Clear, &clear[..])],
        );
        assert!(
            records.iter().all(|r| r.status != Status::Warning),
            "quin beside HCTZ is quinapril, never quinine: {records:#?}"
        );
    }
}

#[test]
fn two_truncations_side_by_side_are_the_one_registered_pair_they_start() {
    for (entry, flagged, clear) in [
        ("salm/flut 250/50", "salmeterol", "fluticasone"),
        ("flut/salm", "salmeterol", "fluticasone"),
        ("simva/ezet", "simvastatin", "ezetimibe"),
    ] {
        let records = screened_as(
            entry,
            &[(Status::Flagged, &[flagged]), (Status::Clear, &[clear])],
        );
        assert!(records.iter().all(|r| r.how == "shorthand"), "{records:#?}");
    }
}

/// `entry` flags `flagged` only, and sends `triam` to review as triamcinolone or triamterene,
/// saying that the registers combine the drug it starts.
fn assert_triam_for_review_beside(entry: &str, flagged: &str) {
    let records = screen(entry);
    assert_eq!(
        with_status(&records, Status::Flagged),
        [flagged],
        "{entry}: {records:#?}"
    );
    let review: Vec<&Record> = records
        .iter()
        .filter(|r| r.status == Status::Review)
        .collect();
    assert_eq!(review.len(), 1, "{entry}: {records:#?}");
    assert!(review[0].ingredient.contains("triamterene"), "{review:#?}");
    assert!(
        review[0].ingredient.contains("triamcinolone"),
        "{review:#?}"
    );
    assert!(review[0].note.contains("registers combine"), "{review:#?}");
}

#[test]
fn a_real_name_the_registers_never_pair_with_the_target_goes_to_review_beside_the_partner() {
    for entry in ["triam/hctz 37.5-25", "HCTZ/triam"] {
        assert_triam_for_review_beside(entry, "hydrochlorothiazide");
    }
    // Alone, the name is what it is.
    let records = screen("triam 37.5");
    assert_eq!(
        with_status(&records, Status::Clear),
        ["triamcinolone acetonide"]
    );
}

#[test]
fn a_real_name_beside_a_truncation_is_read_with_it_as_their_registered_pair_for_review() {
    // Frusene and its generics hold furosemide with triamterene; `triam` is also a brand of
    // triamcinolone, which no register pairs with furosemide.
    for entry in ["triam/furo", "furo/triam 40/50"] {
        assert_triam_for_review_beside(entry, "furosemide");
    }
    // A real name that starts no drug of a registered pair with the word beside it is left as
    // it is.
    let records = screen("triam cream");
    assert_eq!(
        with_status(&records, Status::Clear),
        ["triamcinolone acetonide"]
    );
}

#[test]
fn words_that_start_no_registered_partner_are_not_read_as_one_and_wording_is_left_alone() {
    for entry in ["take/hctz", "hctz/daily", "tabs/hctz"] {
        let records = screen(entry);
        assert_eq!(
            records
                .iter()
                .map(|r| r.ingredient.as_str())
                .collect::<Vec<_>>(),
            ["hydrochlorothiazide"],
            "{entry}: {records:#?}"
        );
    }
    // `spiro/bume`: no register or knowledge-base product holds spironolactone with bumetanide,
    // so `bume` is not read as bumetanide without a strength; it goes to review naming it.
    let records = screen("spiro/bume");
    assert_eq!(with_status(&records, Status::Flagged), ["spironolactone"]);
    assert_eq!(
        with_status(&records, Status::Review),
        ["bumetanide"],
        "{records:#?}"
    );
    assert!(
        records
            .iter()
            .any(|r| r.status == Status::Review && r.note.contains("never combine")),
        "{records:#?}"
    );
    // `spiro/furo`: the knowledge base's Lasilactone holds both.
    let records = screen("spiro/furo");
    assert_eq!(
        with_status(&records, Status::Flagged),
        ["furosemide", "spironolactone"],
        "{records:#?}"
    );
    // Without a target beside it, a truncation needs a strength as before.
    assert_eq!(screen("quin")[0].status, Status::Unrecognized);
}

#[test]
fn a_truncation_beside_another_drug_is_the_one_target_the_registers_combine_with_it() {
    for (entry, flagged, clear) in [
        (
            "lisinopril/hydrochloro",
            "hydrochlorothiazide",
            "lisinopril",
        ),
        ("amlodipine/atorva", "atorvastatin", "amlodipine"),
        ("fluticasone/salme", "salmeterol", "fluticasone"),
        // `formo` is one slip from Forteo, a doubtful guess; beside budesonide it is the
        // formoterol of Symbicort.
        ("budesonide/formo", "formoterol", "budesonide"),
    ] {
        let records = screened_as(
            entry,
            &[(Status::Flagged, &[flagged]), (Status::Clear, &[clear])],
        );
        assert!(
            records.iter().all(|r| r.status != Status::Review),
            "{entry}: {records:#?}"
        );
        let read = records.iter().find(|r| r.status == Status::Flagged);
        assert_eq!(
            read.map(|r| r.matched_as.as_str()),
            Some(flagged),
            "{entry}: the truncation is shown as the name it starts: {records:#?}"
        );
    }
}

#[test]
fn a_salt_or_another_drug_cut_short_beside_a_drug_flags_nothing() {
    // Salts cut short beside their drug (`hydrochl` after tramadol continues tramadol
    // hydrochloride: it is not hydrochlorothiazide), and a truncation of a drug that is no target.
    for entry in [
        "metoprolol succ",
        "losartan pota",
        "nystatin/triamcin",
        "tramadol hydrochl",
        "sertraline hydrochlor",
    ] {
        let records = screen(entry);
        assert!(
            records.iter().all(|r| r.status == Status::Clear),
            "{entry}: {records:#?}"
        );
    }
}

#[test]
fn a_truncation_of_a_target_no_register_pairs_with_the_drug_beside_it_goes_to_review() {
    for (entry, target, other) in [
        ("ramipril/furo", "furosemide", "ramipril"),
        ("triamcinolone/furosem", "furosemide", "triamcinolone"),
    ] {
        let records = screened_as(
            entry,
            &[(Status::Review, &[target]), (Status::Clear, &[other])],
        );
        let review = records.iter().find(|r| r.status == Status::Review);
        assert!(
            review.is_some_and(|r| r.note.contains("never combine with the drug beside it")),
            "{entry}: the note says why: {records:#?}"
        );
        assert!(
            records.iter().all(|r| !r.note.contains("unmatched")),
            "{entry}: the word is read, not left unmatched: {records:#?}"
        );
    }
    // Alone, the truncation is no drug yet: unrecognized, its nearest names shown.
    assert_eq!(screen("furosem")[0].status, Status::Unrecognized);
}
