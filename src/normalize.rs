//! Free text → normalized tokens: case, accents, ®/™, punctuation, and the dose, unit, form, route,
//! frequency and salt words that surround a drug name in real medication entries.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// What a token is, once its text is normalized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A word that may be (part of) a drug name.
    Word,
    /// A salt or hydrate word (`sodium`, `hydrochloride`, `sulphate`): part of a name when a name
    /// includes it, ignorable otherwise.
    Salt,
}

/// One word of an entry that survived normalization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Lowercase ASCII-folded text (accents removed).
    pub text: String,
    /// Word or salt.
    pub kind: TokenKind,
    /// Whether the word stands inside brackets or parentheses (`… Oral Tablet [Premarin]`,
    /// `(Pfizer Ltd)`): a brand or supplier there qualifies the name before it.
    pub bracketed: bool,
    /// Whether a number or a dropped word stood between this word and the one before it
    /// (`Burinex A` has none; `Tildiem LP 300 mg, gélule à` has).
    pub after_gap: bool,
}

/// An entry after normalization.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Normalized {
    /// The name-bearing tokens, in input order.
    pub tokens: Vec<Token>,
    /// Whether the entry carried a number (a strength, a count): prescriber shorthand such as
    /// `atorva 40` is only accepted next to one.
    pub has_number: bool,
    /// Whether something was dropped since the last token (see [`Token::after_gap`]).
    gap: bool,
    /// Whether the last word was `sans`, `without`…: the next word is what the product is
    /// without.
    without: bool,
    /// Whether the last word was `free` right after a word: unless `acid` or `base` comes next
    /// (`fenofibrate free acid`, a chemical form), that word is what the product is free of.
    free: bool,
    /// Whether the last thing read was a number (so that `mg` after it is milligrams).
    after_number: bool,
    /// Whether the last word was `mg` not after a number: before a salt word it is magnesium.
    magnesium: bool,
}

impl Normalized {
    /// The tokens joined by single spaces: the normalized form shown to users and used as a key.
    #[must_use]
    pub fn joined(&self) -> String {
        let mut out = String::new();
        for (i, t) in self.tokens.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&t.text);
        }
        out
    }
}

/// Normalizes one entry.
#[must_use]
pub fn normalize(text: &str) -> Normalized {
    let folded = fold(text);
    let mut out = Normalized::default();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in folded
        .char_indices()
        .chain(std::iter::once((folded.len(), ' ')))
    {
        if c.is_ascii_alphanumeric() || c == '.' {
            continue;
        }
        let first = out.tokens.len();
        // A French elision (`chlorhydrate d'amiloride`, `bésilate d')`) is the word `de` or
        // `le`: wording, never a letter of a name (`D` after a brand names a combination).
        if !(c == '\'' && matches!(&folded[start..i], "d" | "l")) {
            push_raw(&folded[start..i], &mut out);
        }
        if depth > 0 {
            // (`free` may have taken a word back, so the new tokens start at `first` or before.)
            out.tokens
                .iter_mut()
                .skip(first)
                .for_each(|t| t.bracketed = true);
        }
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        start = i + c.len_utf8();
    }
    if std::mem::take(&mut out.free) {
        out.tokens.pop();
    }
    out
}

/// Normalizes a dictionary name into the key under which it is stored: the same rules as entries,
/// tokens joined by spaces. Returns an empty string for a name made only of noise words.
#[must_use]
pub fn key(name: &str) -> String {
    normalize(name).joined()
}

/// Lowercases, strips accents and trademark signs; non-ASCII letters that have no ASCII
/// decomposition become separators.
fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    // Trademark signs go first: NFKD would spell ™ as "TM".
    let mut out = String::with_capacity(text.len());
    for c in text
        .chars()
        .filter(|c| !matches!(c, '®' | '™' | '©' | '℠'))
        .nfkd()
    {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ø' | 'Ø' => out.push('o'),
            'µ' | 'μ' => out.push('u'),
            '’' | 'ʼ' => out.push('\''),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            _ => out.push(' '),
        }
    }
    out
}

/// Splits one run of `[a-z0-9.]` into tokens, dropping numbers and noise.
fn push_raw(raw: &str, out: &mut Normalized) {
    let raw = raw.trim_matches('.');
    if raw.is_empty() {
        return;
    }
    if is_vitamin_word(raw) {
        push_word(raw, out);
        return;
    }
    // Letters and digits glued together (`furosemide40mg`, `20mg`, `q4h`) are split apart; the
    // numbers are strengths or schedules, never names.
    // A dot belongs to the run it follows: `0.625` is a number, `b.i.d` an abbreviation.
    // Each part is a run of bytes of one class, found in one pass.
    let mut prev = true;
    let (mut start, mut start_digit) = (0, true);
    for (i, &b) in raw.as_bytes().iter().enumerate() {
        let digit = if b == b'.' { prev } else { b.is_ascii_digit() };
        if i == 0 {
            start_digit = digit;
        } else if digit != prev {
            push_part(&raw[start..i], start_digit, out);
            (start, start_digit) = (i, digit);
        }
        prev = digit;
    }
    push_part(&raw[start..], start_digit, out);
}

/// A letter and one or two digits standing alone (`b12`, `d3`, `k2`): a word of a name
/// (`vitamin b12`), not a strength. `q`, `r`, `u` and `x` are left out: `q4`, `x2` and `r3` are
/// schedules, counts and refills. `scripts/build_vocabulary.py` keeps the same words.
fn is_vitamin_word(raw: &str) -> bool {
    let b = raw.as_bytes();
    (2..=3).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && !matches!(b[0], b'q' | b'r' | b'u' | b'x')
        && b[1..].iter().all(u8::is_ascii_digit)
}

/// Words that describe an iron complex between the words of its name (`iron(III) hydroxide sucrose
/// complex`, `Eisen-Saccharose-Komplex`): the oxidation state, the hydroxide and the word complex.
/// They are set aside only where the words left name a knowledge-base drug of several words
/// (`iron sucrose`); `oxyhydroxide` is not one of them (sucroferric oxyhydroxide is another drug).
#[must_use]
pub fn is_complex_word(word: &str) -> bool {
    matches!(
        word,
        "ii" | "iii" | "hydroxide" | "hydroxid" | "hydroxyde" | "complex" | "complexe" | "komplex"
    )
}

/// Iron, as other languages and Latin write it where it is complexed with sucrose.
fn is_iron_word(word: &str) -> bool {
    matches!(
        word,
        "iron"
            | "fer"
            | "eisen"
            | "hierro"
            | "ferro"
            | "ferrum"
            | "ferri"
            | "ferric"
            | "ferrique"
            | "ferrico"
    )
}

/// Sucrose and its saccharate, as other languages and Latin write them.
fn is_sucrose_word(word: &str) -> bool {
    matches!(
        word,
        "sucrose"
            | "saccharose"
            | "sacarosa"
            | "saccarosio"
            | "sacarose"
            | "saccharate"
            | "saccharas"
            | "saccharatum"
            | "saccharated"
            | "sacarato"
            | "saccarato"
    )
}

/// A word for iron next to a word for sucrose, either way round and with only an iron complex's
/// words between them ([`is_complex_word`]), is written `iron` and `sucrose`: `fer saccharose`,
/// `saccharose de fer`, `iron saccharose`, `ferrum saccharatum` are iron sucrose, as `iron sucrose`
/// is. Apart, neither word is changed: a saccharate alone is a salt (`dextroamphetamine
/// saccharate`), and `fer` alone is any iron. For entries only: names are indexed as they are
/// written, so that a misspelling of one (`ferrisaccharat`) is still found near it.
pub fn name_iron_beside_sucrose(tokens: &mut [Token]) {
    let mut last: Option<(usize, bool)> = None;
    for i in 0..tokens.len() {
        let text = tokens[i].text.as_str();
        let this = if is_iron_word(text) {
            Some(true)
        } else if is_sucrose_word(text) {
            Some(false)
        } else {
            if !is_complex_word(text) {
                last = None;
            }
            continue;
        };
        if let (Some(iron), Some((j, other))) = (this, last)
            && iron != other
        {
            for k in [i, j] {
                let name = if (k == i) == iron { "iron" } else { "sucrose" };
                let t = &tokens[k];
                tokens[k] = Token {
                    bracketed: t.bracketed,
                    ..token(name, t.after_gap)
                };
            }
        }
        last = this.map(|iron| (i, iron));
    }
}

/// The anion of an element's salt, written after the element's symbol.
fn is_anion(word: &str) -> bool {
    matches!(
        word,
        "oxide"
            | "hydroxide"
            | "chloride"
            | "citrate"
            | "carbonate"
            | "bicarbonate"
            | "sulfate"
            | "sulphate"
            | "gluconate"
            | "lactate"
            | "acetate"
            | "phosphate"
            | "fumarate"
            | "glycinate"
    )
}

/// The element a symbol stands for before the anion of its salt (`mg` is read as a word only
/// there; iron's salts are named ferrous).
fn element(symbol: &str) -> Option<&'static str> {
    Some(match symbol {
        "k" => "potassium",
        "na" => "sodium",
        "ca" => "calcium",
        "zn" => "zinc",
        "li" => "lithium",
        "fe" => "ferrous",
        _ => return None,
    })
}

/// A vitamin's letter, alone or with its number (`c`, `d3`, `b12`).
fn is_vitamin_letter(word: &str) -> bool {
    matches!(word.as_bytes().first(), Some(b'a'..=b'k'))
        && (word.len() == 1 || is_vitamin_word(word))
}

/// `g` right after a word (`penicillin g potassium`, `immunoglobulin g`, `brilliant blue g`) is a
/// letter of the name; after a number or a unit (`1 g`, `2g`, `mg/g`) it is grams.
fn is_letter_of_a_name(word: &str, out: &Normalized) -> bool {
    word == "g" && !out.gap && !out.tokens.is_empty()
}

/// One part of a run: a number (noted, never a name) or letters with their dots.
fn push_part(part: &str, digit: bool, out: &mut Normalized) {
    if digit {
        let number = part.bytes().any(|b| b.is_ascii_digit());
        out.has_number |= number;
        out.after_number |= number;
        out.gap = true;
    } else if !part.contains('.') {
        push_word(part, out);
    } else if part.split('.').all(|w| w.len() <= 2) {
        push_word(&part.replace('.', ""), out);
    } else {
        for word in part.split('.') {
            push_word(word, out);
        }
    }
}

fn push_word(word: &str, out: &mut Normalized) {
    if word.is_empty() || free_of(word, out) {
        return;
    }
    let after_number = std::mem::take(&mut out.after_number);
    if is_anion(word) {
        name_the_element(out);
    }
    out.magnesium = word == "mg" && !after_number;
    // `vitamine d3`, `vitamina c` (French, German, Spanish…): the word is `vitamin`, not the
    // run-together `vitamin e` or `vitamin a`.
    if !out.gap
        && is_vitamin_letter(word)
        && let Some(last) = out.tokens.last_mut()
        && matches!(last.text.as_str(), "vitamine" | "vitamina")
    {
        last.text = "vitamin".to_owned();
    }
    let lay_pill = is_lay_pill(word, out);
    if is_noise(word) && !is_letter_of_a_name(word, out) && !lay_pill {
        out.gap = true;
        return;
    }
    let after_gap = std::mem::take(&mut out.gap);
    let word = if lay_pill { "pill" } else { word };
    out.tokens.push(token(word, after_gap));
}

/// `water pill`, `fluid tablets`: what people call a diuretic, a name of the knowledge base's
/// diuretic class (`pill` is the word kept, whichever was written); after any other word, or
/// after a gap, a pill or tablet is only the form.
fn is_lay_pill(word: &str, out: &Normalized) -> bool {
    matches!(
        word,
        "pill" | "pills" | "tablet" | "tablets" | "tab" | "tabs"
    ) && !out.gap
        && out
            .tokens
            .last()
            .is_some_and(|t| matches!(t.text.as_str(), "water" | "fluid"))
}

/// A word of a name, a salt word or not.
fn token(word: &str, after_gap: bool) -> Token {
    Token {
        text: word.to_owned(),
        kind: kind_of(word),
        bracketed: false,
        after_gap,
    }
}

fn kind_of(word: &str) -> TokenKind {
    if is_salt(word) {
        TokenKind::Salt
    } else {
        TokenKind::Word
    }
}

/// What a product is free of is not in it: `sucrose free`, `sugar-free`, `sans sucre`, `without
/// preservative` (`free acid`, `free base` are chemical forms, kept). Whether `word` was taken
/// up here.
fn free_of(word: &str, out: &mut Normalized) -> bool {
    if std::mem::take(&mut out.without) {
        out.gap = true;
        return true;
    }
    if std::mem::take(&mut out.free) {
        if matches!(word, "acid" | "base") {
            out.tokens.push(token("free", false));
        } else {
            out.tokens.pop();
            out.gap = true;
        }
    }
    if word == "free" {
        if out.gap || out.tokens.is_empty() {
            out.gap = true;
        } else {
            out.free = true;
        }
        return true;
    }
    if matches!(word, "sans" | "without" | "ohne" | "senza") {
        out.without = true;
        out.gap = true;
        return true;
    }
    false
}

/// Before the anion of a salt, an element's symbol is the element (`Mg oxide`, `K chloride`, `Li
/// carbonate`, `Fe sulfate`); `mg` after a number is milligrams and was dropped as such.
fn name_the_element(out: &mut Normalized) {
    if std::mem::take(&mut out.magnesium) {
        out.tokens.push(token("magnesium", false));
        out.gap = false;
    } else if !out.gap
        && let Some(last) = out.tokens.last_mut()
        && let Some(name) = element(&last.text)
    {
        *last = Token {
            bracketed: last.bracketed,
            ..token(name, last.after_gap)
        };
    }
}

/// Words that never carry a drug's identity: units, dose forms, release forms, routes, devices,
/// frequencies, connectors and packaging. Sorted for binary search.
const NOISE: &[&str] = &[
    "accuhaler",
    "actuat",
    "actuation",
    "actuations",
    "aerosol",
    "aerosphere",
    "after",
    "am",
    "amp",
    "ampule",
    "and",
    "apply",
    "as",
    "asthma",
    "at",
    "auto",
    "autohaler",
    "autoinjector",
    "bag",
    "bedtime",
    "before",
    "bid",
    "biw",
    "blood",
    "bottle",
    "box",
    "bp",
    "breakfast",
    "breezhaler",
    "buccal",
    "buvable",
    "by",
    "cap",
    "caplet",
    "caplets",
    "caps",
    "capsule",
    "capsules",
    "cartridge",
    "chew",
    "chewable",
    "cholesterol",
    "clickhaler",
    "coated",
    "compresse",
    "comprime",
    "comprimes",
    "comprimido",
    "comprimidos",
    "conc",
    "copd",
    "cp",
    "cpr",
    "cps",
    "cr",
    "cramp",
    "cramps",
    "cream",
    "daily",
    "day",
    "days",
    "de",
    "del",
    "delayed",
    "des",
    "device",
    "digihaler",
    "dinner",
    "directed",
    "diskus",
    "disp",
    "dispense",
    "dispersible",
    "dose",
    "doses",
    "dpi",
    "dr",
    "drop",
    "drops",
    "dry",
    "ds",
    "du",
    "each",
    "easyhaler",
    "ec",
    "edema",
    "effervescent",
    "elixir",
    "ellipta",
    "emulsion",
    "enteric",
    "er",
    "evening",
    "every",
    "evohaler",
    "extended",
    "film",
    "filmtabletten",
    "flexpen",
    "food",
    "for",
    "forme",
    "forspiro",
    "g",
    "gel",
    "gelule",
    "gelules",
    "generic",
    "genuair",
    "gm",
    "gram",
    "grams",
    "granules",
    "half",
    "handihaler",
    "hfa",
    "hour",
    "hours",
    "hr",
    "hrly",
    "hrs",
    "hs",
    "im",
    "in",
    "infusion",
    "inh",
    "inhal",
    "inhalation",
    "inhaler",
    "inhl",
    "inhub",
    "iniettabile",
    "inj",
    "injectable",
    "injection",
    "injector",
    "injektionslosung",
    "intramuscular",
    "intravenous",
    "inyectable",
    "ir",
    "iu",
    "iv",
    "ivpb",
    "kg",
    "kit",
    "kwikpen",
    "l",
    "la",
    "leg",
    "legs",
    "liberation",
    "liquid",
    "lotion",
    "lunch",
    "mcg",
    "mdi",
    "meal",
    "meals",
    "meq",
    "metered",
    "mg",
    "micrograms",
    "milligrams",
    "min",
    "ml",
    "mmol",
    "mois",
    "month",
    "monthly",
    "morning",
    "mouth",
    "mr",
    "nasal",
    "neb",
    "nebulizer",
    "needed",
    "neohaler",
    "nexthaler",
    "night",
    "nightly",
    "noon",
    "novolizer",
    "od",
    "odt",
    "of",
    "ointment",
    "once",
    "one",
    "ophth",
    "ophthalmic",
    "oral",
    "orally",
    "otic",
    "ou",
    "pack",
    "pain",
    "patch",
    "pellicule",
    "pen",
    "per",
    "perfusion",
    "pill",
    "pills",
    "pk",
    "pm",
    "po",
    "poudre",
    "powder",
    "prefilled",
    "premix",
    "premixed",
    "pressair",
    "pressure",
    "prn",
    "prolongee",
    "puff",
    "puffs",
    "q",
    "qam",
    "qd",
    "qday",
    "qhs",
    "qid",
    "qod",
    "qpm",
    "qty",
    "quantity",
    "qw",
    "rectal",
    "refill",
    "refills",
    "release",
    "respimat",
    "retardtabletten",
    "rx",
    "sachet",
    "sachets",
    "sc",
    "secable",
    "sig",
    "sl",
    "sleep",
    "soln",
    "solostar",
    "solucion",
    "solution",
    "soluzione",
    "solvant",
    "spiromax",
    "spray",
    "sprays",
    "sq",
    "sr",
    "subcut",
    "subcutaneous",
    "sublingual",
    "subq",
    "supp",
    "suppository",
    "sur",
    "susp",
    "suspension",
    "swelling",
    "syringe",
    "syrup",
    "tab",
    "tablespoon",
    "tablet",
    "tablets",
    "tablette",
    "tabletten",
    "tabs",
    "take",
    "taken",
    "tbsp",
    "teaspoon",
    "then",
    "three",
    "tid",
    "times",
    "tiw",
    "to",
    "topical",
    "transdermal",
    "tsp",
    "turbohaler",
    "turbuhaler",
    "twice",
    "twisthaler",
    "two",
    "u",
    "ud",
    "ug",
    "unit",
    "units",
    "usp",
    "vag",
    "vaginal",
    "vial",
    "week",
    "weekly",
    "with",
    "wk",
    "x",
    "xl",
    "xr",
    "xt",
    "zc",
];

/// Salt, ester and hydrate words.
const SALTS: &[&str] = &[
    "acetate",
    "acetonide",
    "acetylsalicylate",
    "aminobutanol",
    "anhidro",
    "anhydre",
    "anhydrous",
    "anidro",
    "aspartate",
    "base",
    "benethamine",
    "benzoate",
    "besilate",
    "besilato",
    "besylate",
    "bicarbonate",
    "bisulfate",
    "bisulfato",
    "bisulphate",
    "bitartrate",
    "bromide",
    "butyrate",
    "calcico",
    "calcio",
    "calcique",
    "calcium",
    "camsylate",
    "caproate",
    "carbonate",
    "chlorhydrate",
    "cilexetil",
    "citrate",
    "clorhidrato",
    "cloridrato",
    "cypionate",
    "decanoate",
    "dihidrato",
    "dihydrate",
    "dihydrobromide",
    "dihydrochloride",
    "diolamine",
    "diphosphate",
    "dipotassium",
    "dipropionate",
    "disodique",
    "disodium",
    "ditromethamine",
    "embonate",
    "enanthate",
    "epolamine",
    "erbumine",
    "esylate",
    "etabonate",
    "ethylcarbonate",
    "ethylsuccinate",
    "formate",
    "fumarate",
    "fumarato",
    "furoate",
    "gluconate",
    "glutamate",
    "glycerophosphate",
    "hcl",
    "hemicalcium",
    "hemihydrate",
    "hemisulfate",
    "heptahydrate",
    "hexahydrate",
    "hidrato",
    "hyclate",
    "hydrate",
    "hydrobromide",
    "hydrochlorid",
    "hydrochloride",
    "hydrochloridum",
    "hydrox",
    "hydroxide",
    "hydroxyde",
    "idrato",
    "isethionate",
    "kalium",
    "lactate",
    "lysinate",
    "magnesique",
    "magnesium",
    "malate",
    "maleate",
    "maleato",
    "medoxomil",
    "meglumine",
    "mesilate",
    "mesilato",
    "mesylate",
    "monohydrate",
    "monosodique",
    "monosodium",
    "napsylate",
    "natrium",
    "olamine",
    "oxalate",
    "palmitate",
    "pamoate",
    "pentahydrate",
    "phosphate",
    "pivalate",
    "potasico",
    "potassio",
    "potassique",
    "potassium",
    "propionate",
    "saccharate",
    "salicylate",
    "sesquihydrate",
    "sodica",
    "sodico",
    "sodio",
    "sodique",
    "sodium",
    "solfato",
    "succinate",
    "sulfas",
    "sulfat",
    "sulfate",
    "sulfato",
    "sulphate",
    "tannate",
    "tartrate",
    "tartrato",
    "tetrahydrate",
    "tosylate",
    "trifenatate",
    "trihydrate",
    "trisodium",
    "trometamol",
    "tromethamine",
    "undecanoate",
    "valerate",
    "xinafoate",
];

/// Whether a lowercase word is a dose, form, route or frequency word.
#[must_use]
pub fn is_noise(word: &str) -> bool {
    NOISE.binary_search(&word).is_ok()
}

/// Whether a lowercase word is a salt or hydrate word.
#[must_use]
pub fn is_salt(word: &str) -> bool {
    SALTS.binary_search(&word).is_ok()
}

/// Every salt and hydrate word ([`is_salt`]), sorted.
#[must_use]
pub fn salt_words() -> &'static [&'static str] {
    SALTS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> String {
        normalize(s).joined()
    }

    #[test]
    fn word_lists_are_sorted_so_binary_search_works() {
        assert!(NOISE.windows(2).all(|w| w[0] < w[1]), "NOISE not sorted");
        assert!(SALTS.windows(2).all(|w| w[0] < w[1]), "SALTS not sorted");
    }

    #[test]
    fn doses_routes_and_frequencies_are_dropped() {
        assert_eq!(words("atorvastatin 20 mg PO qhs"), "atorvastatin");
        assert_eq!(words("HCTZ 25mg"), "hctz");
        assert_eq!(words("Premarin 0.625 mg tab"), "premarin");
        assert_eq!(words("furosemide 40 mg PO BID"), "furosemide");
        assert_eq!(words("metolazone 2.5mg p.o. b.i.d."), "metolazone");
        assert_eq!(words("Forteo pen 600 mcg/2.4 mL"), "forteo");
    }

    #[test]
    fn a_french_elision_is_wording_and_no_letter_of_a_name() {
        assert_eq!(words("AMLODIPINE (BÉSILATE D')"), "amlodipine besilate");
        assert_eq!(words("CHLORHYDRATE D'AMILORIDE"), "chlorhydrate amiloride");
        assert_eq!(
            words("amiloride (chlorhydrate d’) anhydre"),
            "amiloride chlorhydrate anhydre"
        );
        assert_eq!(words("acide l'ascorbique"), "acide ascorbique");
        // A letter standing alone is still a word (`Burinex A`, `Diovan D`).
        assert_eq!(words("Diovan D"), "diovan d");
        assert_eq!(words("vitamin D"), "vitamin d");
    }

    #[test]
    fn a_water_pill_keeps_its_pill_and_other_pills_are_the_form() {
        assert_eq!(words("water pill"), "water pill");
        assert_eq!(words("my water pills 1 daily"), "my water pill");
        assert_eq!(words("Fluid tablets"), "fluid pill");
        assert_eq!(words("water 1 pill"), "water");
        assert_eq!(words("lasix tablets"), "lasix");
        assert_eq!(words("tonic water"), "tonic water");
    }

    #[test]
    fn what_a_product_is_free_of_is_not_in_it() {
        assert_eq!(words("KOFFEX DM (SUCROSE FREE)"), "koffex dm");
        assert_eq!(words("Balminil DM sugar-free"), "balminil dm");
        assert_eq!(
            words("BRONCHOPHAN EXPECTORANT (SANS SUCROSE)"),
            "bronchophan expectorant"
        );
        assert_eq!(words("lasix without sugar"), "lasix");
        assert_eq!(words("free"), "");
        assert_eq!(words("sucrose free 5 mg"), "");
        // `free acid`, `free base`: a chemical form, kept.
        assert_eq!(words("fenofibrate free acid"), "fenofibrate free acid");
        assert_eq!(words("intron a hsa-free"), "intron a");
    }

    #[test]
    fn an_element_symbol_before_the_anion_of_its_salt_is_the_element() {
        assert_eq!(words("Mg oxide 400 mg"), "magnesium oxide");
        assert_eq!(words("K chloride 20 mEq"), "potassium chloride");
        assert_eq!(words("Ca carbonate 1250 mg"), "calcium carbonate");
        assert_eq!(words("Fe sulfate 325 mg"), "ferrous sulfate");
        assert_eq!(words("Li carbonate 300 mg"), "lithium carbonate");
        // After a number, mg is milligrams.
        assert_eq!(words("metformin 500 mg citrate"), "metformin citrate");
        assert_eq!(words("mg"), "");
    }

    #[test]
    fn iron_beside_sucrose_is_iron_sucrose_in_every_language_and_apart_neither_word_changes() {
        let words = |text: &str| {
            let mut n = normalize(text);
            name_iron_beside_sucrose(&mut n.tokens);
            n.joined()
        };
        assert_eq!(words("fer saccharose 20 mg/ml"), "iron sucrose");
        assert_eq!(words("saccharose de fer"), "sucrose iron");
        assert_eq!(words("iron saccharose"), "iron sucrose");
        assert_eq!(words("ferro saccarosio"), "iron sucrose");
        assert_eq!(words("ferrum saccharatum"), "iron sucrose");
        assert_eq!(
            words("Eisen(III)-hydroxid-Saccharose-Komplex"),
            "iron iii hydroxid sucrose komplex"
        );
        // Apart, or with another word between, nothing changes.
        assert_eq!(
            words("dextroamphetamine saccharate"),
            "dextroamphetamine saccharate"
        );
        assert_eq!(words("fer"), "fer");
        assert_eq!(words("saccharose"), "saccharose");
        assert_eq!(
            words("sodium ferric gluconate complex in sucrose"),
            "sodium ferric gluconate complex sucrose"
        );
    }

    #[test]
    fn vitamine_and_vitamina_before_a_letter_are_the_word_vitamin() {
        assert_eq!(
            words("CHOLECALCIFEROL (VITAMINE D3)"),
            "cholecalciferol vitamin d3"
        );
        assert_eq!(words("vitamina c 500 mg"), "vitamin c");
        assert_eq!(words("vitamine 400 iu"), "vitamine");
    }

    #[test]
    fn g_after_a_word_is_a_letter_of_the_name_and_after_a_number_or_unit_grams() {
        assert_eq!(
            words("Penicillin G Potassium 5000000 units"),
            "penicillin g potassium"
        );
        assert_eq!(
            words("penicillin g benzathine 1.2 g IM"),
            "penicillin g benzathine"
        );
        assert_eq!(words("ceftriaxone 1 g IV"), "ceftriaxone");
        assert_eq!(words("ceftriaxone 1g"), "ceftriaxone");
        assert_eq!(words("hydrocortisone 10 mg/g cream"), "hydrocortisone");
        assert_eq!(words("g"), "");
    }

    #[test]
    fn glued_letters_digits_and_dots_split_where_their_class_changes() {
        assert_eq!(words("furosemide40mg"), "furosemide");
        assert_eq!(words("abc12def.gh34.5xyz"), "abc def gh xyz");
        assert_eq!(words("vit.b12 a.b.c"), "vit b abc");
        assert_eq!(words("vit b12"), "vit b12");
        assert!(normalize("x2.5").has_number);
        assert!(!normalize("a.b.c").has_number);
    }

    #[test]
    fn combinations_split_into_their_names() {
        assert_eq!(words("losartan/hctz 100-25"), "losartan hctz");
        assert_eq!(
            words("amlodipine + atorvastatin"),
            "amlodipine atorvastatin"
        );
    }

    #[test]
    fn hydrates_and_the_salts_of_quinine_are_salt_words() {
        for w in [
            "heptahydrate",
            "dihydrate",
            "hemihydrate",
            "sesquihydrate",
            "anhydrous",
            "gluconate",
            "bisulfate",
            "saccharate",
            "acetylsalicylate",
            "aspartate",
            "aminobutanol",
            "erbumine",
        ] {
            assert!(is_salt(w), "{w}");
        }
        assert!(!is_salt("sucrose"), "sucrose names iron sucrose");
    }

    #[test]
    fn salts_are_kept_and_marked() {
        let n = normalize("Quinine Sulfate 324 MG Oral Capsule");
        assert_eq!(n.joined(), "quinine sulfate");
        assert_eq!(n.tokens[1].kind, TokenKind::Salt);
        assert!(n.has_number);
    }

    #[test]
    fn accents_and_trademark_signs_are_removed() {
        assert_eq!(words("Furosémide®"), "furosemide");
        assert_eq!(words("Lipitor™ 10"), "lipitor");
        assert_eq!(words("ŒSTROGENS"), "oestrogens");
    }

    #[test]
    fn brackets_and_commas_are_separators() {
        assert_eq!(
            words("Estrogens, Conjugated (USP) 0.3 MG Oral Tablet [Premarin]"),
            "estrogens conjugated premarin"
        );
    }

    #[test]
    fn words_in_brackets_are_marked() {
        let n = normalize("Clonidine 0.15 MG Oral Capsule [Mirfat] (Pfizer Ltd) x");
        let marked: Vec<(&str, bool)> = n
            .tokens
            .iter()
            .map(|t| (t.text.as_str(), t.bracketed))
            .collect();
        assert_eq!(
            marked,
            vec![
                ("clonidine", false),
                ("mirfat", true),
                ("pfizer", true),
                ("ltd", true)
            ]
        );
    }

    #[test]
    fn entries_without_names_normalize_to_nothing() {
        assert_eq!(words(""), "");
        assert_eq!(words("10 mg po bid"), "");
        assert_eq!(words("\u{1b}[31m"), "m");
    }

    #[test]
    fn numbers_glued_to_letters_are_split_off() {
        assert_eq!(words("furosemide40mg"), "furosemide");
        assert_eq!(words("q4h vitamin b12"), "h vitamin b12");
        assert_eq!(words("Vitamin D3 1000 IU x2 q4"), "vitamin d3");
        assert!(normalize("x2").has_number);
    }
}
