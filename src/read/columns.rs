//! Choosing columns by their header names: every medication-like column (`drug`, `medication`,
//! `medication 2`, `home meds`…), a generic `name` or `description` only when nothing better
//! exists and no patient-name-like header (`first name`, `patient name`, `dob`…) sits beside it,
//! and the patient-id column; with the line that says which were taken.

/// Header names recognized as the medication column, best first.
pub const MED_COLUMNS: &[&str] = &[
    "medication",
    "medications",
    "medication_name",
    "medicine",
    "drug",
    "drug_name",
    "med",
    "meds",
    "med_name",
    "name",
    "description",
    "drug_description",
    "product",
    "product_name",
    "rx",
    "entry",
];

/// Header names recognized as the patient column, best first.
pub const PATIENT_COLUMNS: &[&str] = &[
    "patient",
    "patient_id",
    "patientid",
    "patient_number",
    "mrn",
    "person_id",
    "subject",
    "subject_id",
    "member_id",
    "pid",
    "id",
];

/// Generic names: the medication column only when no medication-like column exists and nothing
/// suggests the column holds people's names.
const GENERIC: &[&str] = &[
    "name",
    "names",
    "description",
    "desc",
    "entry",
    "item",
    "text",
];

/// Words that make a header medication-like.
const MED_WORDS: &[&str] = &[
    "medication",
    "medications",
    "medicine",
    "medicines",
    "medicament",
    "drug",
    "drugs",
    "med",
    "meds",
    "rx",
    "prescription",
    "prescriptions",
    "product",
];

/// Words that may stand beside a medication word (`home meds`, `medication name 2`); any other
/// (`dose`, `class`, `allergy`, `date`, `id`…) makes the column something else.
const QUALIFIERS: &[&str] = &[
    "name",
    "names",
    "description",
    "desc",
    "text",
    "home",
    "current",
    "other",
    "second",
    "third",
    "additional",
    "active",
    "discharge",
    "admission",
    "list",
    "generic",
    "brand",
    "full",
    "prescribed",
    "ordered",
    "order",
    "given",
    "new",
    "previous",
    "prior",
    "regular",
    "otc",
    "prn",
    "patient",
    "display",
    "label",
    "trade",
    "entry",
    "as",
    "written",
];

/// Headers that say a table describes people: a generic `name` next to them is a person's name.
const PERSON: &[&str] = &[
    "first_name",
    "firstname",
    "last_name",
    "lastname",
    "given_name",
    "family_name",
    "surname",
    "forename",
    "middle_name",
    "patient_name",
    "patientname",
    "full_name",
    "fullname",
    "person_name",
    "dob",
    "date_of_birth",
    "birth_date",
    "birthdate",
    "birthday",
    "sex",
    "gender",
    "age",
    "ssn",
    "address",
    "phone",
    "email",
];

/// Normalizes a header cell for matching: lowercase; spaces, dashes and dots as underscores.
#[must_use]
pub fn header_key(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c == ' ' || c == '-' || c == '.' {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// A key without a trailing number (`medication_2` → `medication`, `med1` → `med`); `rx_#` (a
/// prescription number) keeps its `#`.
fn base(key: &str) -> &str {
    key.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_')
        .trim_start_matches('_')
}

/// Whether a header names a medication column (not a generic one).
fn med_like(key: &str) -> bool {
    let b = base(key);
    if MED_COLUMNS.contains(&b) && !GENERIC.contains(&b) {
        return true;
    }
    let words: Vec<&str> = b.split('_').filter(|w| !w.is_empty()).collect();
    words.iter().any(|w| MED_WORDS.contains(w))
        && words.iter().all(|w| {
            MED_WORDS.contains(w) || QUALIFIERS.contains(w) || w.bytes().all(|c| c.is_ascii_digit())
        })
}

fn person_like(key: &str) -> bool {
    PERSON.contains(&base(key))
}

/// Finds a column by the name given, or the first of `known` present.
#[must_use]
pub fn find_column(headers: &[String], given: Option<&str>, known: &[&str]) -> Option<usize> {
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    match given {
        Some(g) => keys.iter().position(|k| *k == header_key(g)),
        None => known.iter().find_map(|n| keys.iter().position(|k| k == n)),
    }
}

/// Why no medication column was taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoColumn {
    /// The column named with `--med-column` is not there.
    Missing(String),
    /// A generic column was passed over: it may hold people's names (its header, the person
    /// header beside it).
    PersonName(String, String),
    /// No header looks like a medication column.
    None,
}

impl NoColumn {
    /// The message, with the file name and the columns there are.
    #[must_use]
    pub fn message(&self, name: &str, headers: &[String]) -> String {
        let columns = headers.join(", ");
        match self {
            NoColumn::Missing(g) => format!("{name}: no column named `{g}` (columns: {columns})"),
            NoColumn::PersonName(generic, person) => format!(
                "{name}: no medication column found among: {columns} (\"{generic}\" is not taken: \
                 beside \"{person}\" it may hold the patient's name; name the medication column \
                 with --med-column)"
            ),
            NoColumn::None => format!(
                "{name}: no medication column found among: {columns} (name it with --med-column)"
            ),
        }
    }
}

/// The medication columns: the one named, or every medication-like column (in header order), or
/// else a generic one; never `exclude` (the patient column).
///
/// # Errors
/// When none is found, with the reason.
pub fn med_columns(
    headers: &[String],
    given: Option<&str>,
    exclude: Option<usize>,
) -> Result<Vec<usize>, NoColumn> {
    if let Some(g) = given {
        return find_column(headers, Some(g), &[])
            .map(|i| vec![i])
            .ok_or_else(|| NoColumn::Missing(g.to_owned()));
    }
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    let usable = |i: &usize| Some(*i) != exclude;
    let specific: Vec<usize> = (0..keys.len())
        .filter(usable)
        .filter(|&i| med_like(&keys[i]))
        .collect();
    if !specific.is_empty() {
        return Ok(specific);
    }
    let generic = GENERIC.iter().find_map(|g| {
        (0..keys.len())
            .filter(usable)
            .find(|&i| base(&keys[i]) == *g)
    });
    let Some(generic) = generic else {
        return Err(NoColumn::None);
    };
    if let Some(person) = keys.iter().position(|k| person_like(k)) {
        return Err(NoColumn::PersonName(
            headers[generic].clone(),
            headers[person].clone(),
        ));
    }
    Ok(vec![generic])
}

/// The patient-id column: the one named, or the first known one.
#[must_use]
pub fn patient_column(headers: &[String], given: Option<&str>) -> Option<usize> {
    find_column(headers, given, PATIENT_COLUMNS)
}

/// Whether a first line is a table's header even without a medication column: it names a
/// patient or a person, or a column a medication list has beside the medication.
#[must_use]
pub fn is_table_header(headers: &[String]) -> bool {
    headers.iter().map(|h| header_key(h)).any(|k| {
        let b = base(&k);
        PATIENT_COLUMNS.contains(&b) || person_like(&k) || GENERIC.contains(&b)
    })
}

/// A column as named in messages: `"Rx" (3)`, counted from 1.
fn named(headers: &[String], i: usize) -> String {
    format!(
        "\"{}\" ({})",
        headers.get(i).map_or("", String::as_str),
        i + 1
    )
}

/// Columns as named in messages: `"drug" (2), "medication" (4)`.
#[must_use]
pub fn names(headers: &[String], columns: &[usize]) -> String {
    columns
        .iter()
        .map(|&i| named(headers, i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `medication column: "Rx" (3), patient: "MRN" (1)`.
#[must_use]
pub fn describe(headers: &[String], meds: &[usize], patient: Option<usize>) -> String {
    let mut s = format!(
        "medication {}: {}",
        if meds.len() == 1 { "column" } else { "columns" },
        names(headers, meds)
    );
    if let Some(p) = patient {
        s.push_str(&format!(", patient: {}", named(headers, p)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn headers_match_regardless_of_case_and_spaces() {
        let hs = h(&[" Patient ID", "Medication Name"]);
        assert_eq!(find_column(&hs, None, PATIENT_COLUMNS), Some(0));
        assert_eq!(med_columns(&hs, None, Some(0)), Ok(vec![1]));
        assert_eq!(med_columns(&hs, Some("medication name"), None), Ok(vec![1]));
    }

    #[test]
    fn every_medication_like_column_is_taken() {
        let hs = h(&[
            "MRN",
            "Drug",
            "dose",
            "Medication 2",
            "home meds",
            "drug class",
            "Rx",
        ]);
        assert_eq!(med_columns(&hs, None, Some(0)), Ok(vec![1, 3, 4, 6]));
    }

    #[test]
    fn a_generic_name_is_taken_only_when_nothing_better_exists() {
        assert_eq!(
            med_columns(&h(&["name", "medication"]), None, None),
            Ok(vec![1])
        );
        assert_eq!(
            med_columns(&h(&["id", "name", "sig"]), None, Some(0)),
            Ok(vec![1])
        );
    }

    #[test]
    fn a_name_beside_a_person_header_is_not_a_medication() {
        for person in ["first name", "Last_Name", "patient name", "DOB", "gender"] {
            let hs = h(&["mrn", "name", person]);
            assert!(
                matches!(
                    med_columns(&hs, None, Some(0)),
                    Err(NoColumn::PersonName(..))
                ),
                "{person}"
            );
        }
        assert!(med_columns(&h(&["first name", "last name"]), None, None).is_err());
        assert_eq!(
            med_columns(&h(&["patient name", "drug"]), None, None),
            Ok(vec![1])
        );
    }

    #[test]
    fn columns_are_described_with_their_numbers() {
        let hs = h(&["MRN", "x", "Rx"]);
        assert_eq!(
            describe(&hs, &[2], Some(0)),
            "medication column: \"Rx\" (3), patient: \"MRN\" (1)"
        );
    }
}
