//! Shared bench inputs: a loaded [`Context`] and a fixed list of about 200 realistic medication
//! entries, half spelled right and half with one typo each (what batch input looks like).

use crampcheck::cmd::Context;

/// Entries as people write them: targets, brands, combinations, everyday non-targets, with
/// strengths, sigs and odd cases.
const ENTRIES: &[&str] = &[
    "atorvastatin",
    "Atorvastatin Calcium 10 MG Oral Tablet",
    "atorvastatin 40mg PO qhs",
    "Lipitor 20 mg",
    "simvastatin 20 mg",
    "Zocor 40mg",
    "rosuvastatin 10 mg tablet, take 1 by mouth daily",
    "Crestor",
    "pravastatin sodium 40 mg",
    "lovastatin 20 MG Oral Tablet",
    "HCTZ 25mg",
    "hydrochlorothiazide 12.5 mg daily",
    "losartan/hctz 100-25",
    "Hyzaar 50-12.5",
    "lisinopril-hydrochlorothiazide 20-12.5 mg",
    "Diovan HCT 160/12.5",
    "Dyazide 1 cap po daily",
    "triamterene-hctz 37.5-25",
    "Maxzide-25",
    "chlorthalidone 25 mg",
    "indapamide 1.5mg SR",
    "metolazone 2.5 mg",
    "furosemide 40 mg bid",
    "Lasix 20mg",
    "FUROSEMIDE 80MG",
    "bumetanide 1 mg",
    "torsemide 20 mg daily",
    "spironolactone 25 mg",
    "Aldactone 50mg",
    "eplerenone 25 mg",
    "amiloride 5 mg",
    "Symbicort 160/4.5 2 puffs BID",
    "Advair Diskus 250/50",
    "Breo Ellipta 100/25 1 inh daily",
    "salmeterol xinafoate",
    "formoterol fumarate 20 mcg neb",
    "Trelegy Ellipta",
    "Anoro Ellipta",
    "Stiolto Respimat",
    "raloxifene 60 mg",
    "Evista",
    "naproxen 500 mg bid prn",
    "Aleve 220mg",
    "naproxen sodium 550 mg",
    "Forteo 20 mcg sc daily",
    "Venofer 200 mg IV",
    "iron sucrose 100 mg",
    "Premarin 0.625 mg",
    "conjugated estrogens",
    "quinine sulfate 324 MG Oral Capsule",
    "Qualaquin 324mg qhs",
    "quinine",
    "metformin 500 mg bid",
    "Metformin HCl 1000 MG Oral Tablet",
    "levothyroxine 50 mcg",
    "Synthroid 100mcg",
    "lisinopril 10 mg",
    "amlodipine 5 mg",
    "Norvasc 10mg",
    "metoprolol succinate ER 50 mg",
    "metoprolol tartrate 25 mg bid",
    "albuterol HFA 2 puffs q4h prn",
    "omeprazole 20 mg",
    "losartan potassium 50 mg",
    "gabapentin 300 mg tid",
    "sertraline 50 mg",
    "montelukast 10 mg qhs",
    "escitalopram 10mg",
    "bupropion XL 150 mg",
    "pantoprazole 40 mg",
    "trazodone 50 mg qhs",
    "fluticasone nasal spray",
    "tamsulosin 0.4 mg",
    "fluoxetine 20 mg",
    "carvedilol 6.25 mg bid",
    "duloxetine 60 mg",
    "meloxicam 15 mg",
    "clopidogrel 75 mg",
    "Plavix",
    "prednisone 10 mg",
    "citalopram 20 mg",
    "insulin glargine 20 units",
    "potassium chloride 20 mEq",
    "tramadol 50 mg prn",
    "aspirin 81 mg",
    "alprazolam 0.5 mg",
    "ibuprofen 400 mg",
    "cyclobenzaprine 10 mg",
    "amoxicillin 500 mg",
    "allopurinol 100 mg",
    "venlafaxine 75 mg",
    "zolpidem 10 mg qhs",
    "apixaban 5 mg bid",
    "Eliquis 5mg",
    "glipizide 5 mg",
    "atenolol 25 mg",
    "warfarin 5 mg",
    "Januvia 100 mg",
    "Vitamin D3 1000 IU",
    "quinidine sulfate 200 mg",
];

/// The builtin knowledge base and vocabulary.
pub fn context() -> Context {
    let (kb, lex) = crampcheck::load(None).expect("builtin knowledge base");
    Context {
        kb,
        lex,
        format: None,
        color: false,
        raw: false,
        view: Default::default(),
    }
}

/// The entries spelled right.
pub fn spelled() -> Vec<String> {
    ENTRIES.iter().map(|s| (*s).to_owned()).collect()
}

/// The same entries with one typo each in their longest word (dropped, doubled, swapped or
/// replaced letter; never the first letter), chosen deterministically.
pub fn misspelled() -> Vec<String> {
    ENTRIES
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let word = e
                .split(|c: char| !c.is_ascii_alphabetic())
                .max_by_key(|w| w.len())
                .unwrap_or_default();
            let start = e.find(word).unwrap_or_default();
            let b = word.as_bytes();
            let p = 1 + i % (b.len().saturating_sub(2)).max(1);
            let mut w: Vec<u8> = b.to_vec();
            match i % 4 {
                0 => {
                    w.remove(p.min(w.len() - 1));
                }
                1 => w.insert(p, b[p.min(b.len() - 1)]),
                2 if p + 1 < w.len() => w.swap(p, p + 1),
                _ => {
                    let q = p.min(w.len() - 1);
                    let old = w[q].to_ascii_lowercase();
                    w[q] = (0..8)
                        .map(|k| b"eaiouxrt"[(i + k) % 8])
                        .find(|&c| c != old)
                        .unwrap_or(b'x');
                }
            }
            let typo = String::from_utf8(w).expect("ASCII");
            format!("{}{}{}", &e[..start], typo, &e[start + word.len()..])
        })
        .collect()
}

/// Both lists: about 200 entries.
pub fn all() -> Vec<String> {
    let mut v = spelled();
    v.extend(misspelled());
    v
}
