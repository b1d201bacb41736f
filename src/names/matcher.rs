//! Normalized tokens → the drugs an entry names: exact and alias phrases first, then joined words,
//! other-language endings, fuzzy candidates over the whole vocabulary, and prescriber shorthand.

mod partners;

use super::error_model::ErrorModel;
use super::lexicon::{FuzzyHit, Lexicon, Meaning, NameId, Origin, WEIGHED_HITS};
use super::wording;
use crate::kb::AliasKind;
use crate::normalize::{self, Token, TokenKind};

/// How a name was recognized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    /// The canonical ingredient name.
    Exact,
    /// A knowledge-base alias (brand, combination, salt, spelling, abbreviation, synonym).
    Alias(AliasKind),
    /// A name from the wider vocabulary.
    Vocabulary,
    /// Words split or run together (`hydro chlorothiazide`, `ironsucrose`).
    Joined,
    /// An other-language ending (`furosemida`, `atorvastatine`, `Furosemid`).
    Ending,
    /// A truncated name followed by a strength (`atorva 40`), unique in the whole vocabulary.
    Shorthand,
    /// An approximate match, with its score.
    Fuzzy,
    /// A target read from a combination word after another drug (`Ramipril comp`): every product
    /// of that drug with a diuretic in the registers holds it.
    Suffix,
}

impl How {
    /// The word used in output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            How::Exact => "exact",
            How::Alias(k) => k.as_str(),
            How::Vocabulary => "vocabulary",
            How::Joined => "joined",
            How::Ending => "ending",
            How::Shorthand => "shorthand",
            How::Fuzzy => "fuzzy",
            How::Suffix => "suffix",
        }
    }

    fn of(origin: Origin) -> How {
        match origin {
            Origin::Ingredient => How::Exact,
            Origin::Alias(k) => How::Alias(k),
            Origin::Vocabulary => How::Vocabulary,
        }
    }
}

/// A candidate name with its similarity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// The name.
    pub name: NameId,
    /// Similarity, 0 to 1.
    pub score: f32,
}

/// One recognized mention in an entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// The normalized words of the entry that matched.
    pub text: String,
    /// The name they matched.
    pub name: NameId,
    /// How.
    pub how: How,
    /// Similarity, 1 for exact matches.
    pub score: f32,
    /// For a fuzzy match: the best candidate with another meaning.
    pub runner_up: Option<Candidate>,
    /// Non-empty when the words could be two drugs, one a target: the entry needs review.
    pub review: Vec<Candidate>,
    /// A combination word next to a blood-pressure or diuretic brand that the name does not
    /// account for (`Inhibace Plus`, `Co-Diovan`, `Burinex A`): the product may hold a diuretic.
    pub suffix: Option<String>,
}

/// How an entry resolved.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resolution {
    /// The normalized text.
    pub normalized: String,
    /// The mentions found, in entry order.
    pub hits: Vec<Hit>,
    /// Words that look like names but matched nothing.
    pub unmatched: Vec<String>,
    /// For unmatched words: the nearest names, too far to be a confident match (`lipex` →
    /// lidex), so that a person can look.
    pub nearest: Vec<Candidate>,
    /// A word that marks the entry as no medicine (`disinfectant`): nothing in it is matched.
    pub not_a_medicine: Option<String>,
    /// A word that makes a drug class named in the entry a condition, a history or an absence
    /// (`statin intolerance`, `no diuretics`): the class is not reported.
    pub condition: Option<String>,
    /// A group name (`NSAID`) left out because of [`Resolution::condition`] (`NSAID allergy`).
    pub condition_group: Option<String>,
    /// Why the entry's review was asked for, when no name's own record says it (`IV iron`).
    pub why_review: Option<&'static str>,
}

/// A hit and the tokens it covers.
struct Placed {
    pos: usize,
    len: usize,
    hit: Hit,
}

/// Resolves one entry.
#[must_use]
pub fn resolve(lex: &Lexicon, text: &str) -> Resolution {
    let mut norm = normalize::normalize(text);
    // The normalized text as written, shown to people (`fer saccharose`), before iron beside
    // sucrose is read as `iron sucrose`.
    let normalized = norm.joined();
    normalize::name_iron_beside_sucrose(&mut norm.tokens);
    if let Some(t) = norm
        .tokens
        .iter()
        .find(|t| wording::is_not_a_medicine(&t.text))
    {
        return Resolution {
            normalized,
            not_a_medicine: Some(t.text.clone()),
            ..Resolution::default()
        };
    }
    let mut covered = vec![false; norm.tokens.len()];
    let mut hits: Vec<Placed> = Vec::new();
    phrase_pass(lex, &norm.tokens, &mut covered, &mut hits, false);
    // A word no name covers that is a slip for a salt word is that salt word (`sertraline
    // hydrochoride`, `losartan potasium`, `ferric hydroxiae sucrose complex`), never a drug of
    // its own (Hydro-ride, potassium chloride); the names are read again with it.
    let mut slips = false;
    for (t, _) in norm.tokens.iter_mut().zip(&covered).filter(|(_, c)| !**c) {
        if t.kind == TokenKind::Word
            && let Some(salt) = salt_slip(lex, &t.text)
        {
            t.text.clear();
            t.text.push_str(salt);
            t.kind = TokenKind::Salt;
            slips = true;
        }
    }
    if slips {
        covered.iter_mut().for_each(|c| *c = false);
        hits.clear();
        phrase_pass(lex, &norm.tokens, &mut covered, &mut hits, false);
    }
    let tokens = &norm.tokens;
    if hits.is_empty() {
        // An entry of salt words only (`potassium chloride`, `calcium`) is a drug in its own right.
        phrase_pass(lex, tokens, &mut covered, &mut hits, true);
    }
    // A one-word match of another drug may be half of a misspelled target (`iron sucorse`,
    // `Diovan HTC`): such words are "soft" and may join the unknown words around them.
    let mut soft = vec![false; tokens.len()];
    // A group name (`estrogens`) is never a confident read either (`congugated estrogens`).
    for p in &hits {
        if p.len == 1 && (!involves_target(lex, p.hit.name) || is_group(lex, p)) {
            soft[p.pos] = true;
        }
    }
    let mut unmatched = Vec::new();
    let mut nearest = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let open = |j: usize| (!covered[j] && tokens[j].kind == TokenKind::Word) || soft[j];
        if !open(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < tokens.len() && open(i) {
            i += 1;
        }
        if (start..i).any(|j| !covered[j]) {
            let run = Run {
                tokens,
                start,
                end: i,
                soft: &soft,
                has_number: norm.has_number,
            };
            unknown_run(lex, &run, &mut hits, &mut unmatched, &mut nearest);
        }
    }
    hits.sort_by_key(|p| p.pos);
    drop_drugs_named_as_groups(lex, tokens, &mut hits, &mut unmatched);
    let condition = condition_word(text);
    drop_condition_products(lex, tokens, &mut hits);
    let condition_group = drop_groups(lex, &mut hits, condition.is_some());
    bracket_conflicts(lex, tokens, &mut hits, &mut unmatched);
    contest(lex, tokens, &mut hits);
    combination_suffixes(lex, tokens, &mut hits);
    // A combination word read with the drug before it is part of that product's name.
    unmatched.retain(|w| {
        !hits
            .iter()
            .any(|p| p.hit.suffix.as_deref() == Some(w.as_str()))
    });
    let partner_review = partners::read(lex, tokens, &mut hits, &mut unmatched);
    let why_review = intravenous_iron(lex, text, &mut hits).or(partner_review);
    Resolution {
        normalized,
        hits: hits.into_iter().map(|p| p.hit).collect(),
        unmatched,
        nearest,
        not_a_medicine: None,
        condition,
        condition_group,
        why_review,
    }
}

/// A vocabulary product named by one condition word (`Allergy`, a diphenhydramine product)
/// beside another name is that word, not the product (`allergy: naproxen`, `NSAID allergy`).
fn drop_condition_products(lex: &Lexicon, tokens: &[Token], hits: &mut Vec<Placed>) {
    let is_condition = |p: &Placed| {
        p.len == 1
            && lex.origin(p.hit.name) == Origin::Vocabulary
            && tokens
                .get(p.pos)
                .is_some_and(|t| wording::is_condition_word(&t.text))
    };
    if hits.iter().any(|p| !is_condition(p)) {
        hits.retain(|p| !is_condition(p));
    }
}

fn is_group(lex: &Lexicon, p: &Placed) -> bool {
    lex.origin(p.hit.name) == Origin::Alias(AliasKind::Group)
}

/// A group name (`estrogen`, `NSAID`) beside the name of a drug describes that drug
/// (`ibuprofen (NSAID)`, `estradiol - estrogen patch`): only the drug is read, as a class named
/// beside its own drug adds nothing; with a condition word (`NSAID allergy`, `estrogen receptor
/// positive`) it is no medicine taken, and the group's text is returned. Else a group name goes
/// to review naming its members.
fn drop_groups(lex: &Lexicon, hits: &mut Vec<Placed>, condition: bool) -> Option<String> {
    let mut dropped = None;
    if condition || hits.iter().any(|p| !is_group(lex, p)) {
        hits.retain(|p| {
            let group = is_group(lex, p);
            if group && condition && dropped.is_none() {
                dropped = Some(lex.name(p.hit.name).display.to_owned());
            }
            !group
        });
    }
    dropped
}

/// Words that, right after a substance, name the drugs acting on it rather than the substance:
/// `angiotensin ii receptor blockers`, `vitamin k antagonists`, `dopamine agonists`, `calcium
/// channel blockers`, `serotonin reuptake inhibitors`.
fn is_action_word(word: &str) -> bool {
    matches!(
        word,
        "receptor"
            | "receptors"
            | "channel"
            | "reuptake"
            | "blocker"
            | "blockers"
            | "blocking"
            | "inhibitor"
            | "inhibitors"
            | "antagonist"
            | "antagonists"
            | "agonist"
            | "agonists"
            | "modulator"
            | "modulators"
    )
}

/// A vocabulary drug named right before an action word ([`is_action_word`]) is a group of other
/// drugs (`Angiotensin II receptor blockers (ARBs) and diuretics`, WHO ATC C09DA, is no
/// angiotensin II): it is dropped and its words are reported unmatched, so that the entry's other
/// names (the diuretics) still count and a group alone is unrecognized, never a drug `clear`. A
/// target is kept: a target's own group names are aliases, read before this.
fn drop_drugs_named_as_groups(
    lex: &Lexicon,
    tokens: &[Token],
    hits: &mut Vec<Placed>,
    unmatched: &mut Vec<String>,
) {
    let before = hits.len();
    hits.retain(|p| {
        // The action word next, or after a short qualifier (`histamine h2 receptor antagonist`).
        let next = p.pos + p.len;
        let action = (next..(next + 2).min(tokens.len()))
            .take_while(|&j| j == next || tokens[next].text.len() <= 2)
            .find(|&j| is_action_word(&tokens[j].text));
        let named_as_group = action.is_some()
            && lex.origin(p.hit.name) == Origin::Vocabulary
            && !involves_target(lex, p.hit.name);
        if let (true, Some(end)) = (named_as_group, action) {
            for t in &tokens[p.pos..=end] {
                if !unmatched.contains(&t.text) {
                    unmatched.push(t.text.clone());
                }
            }
        }
        !named_as_group
    });
    if hits.len() < before {
        // In the entry's order (`dopamine agonist`, not `agonist dopamine`).
        unmatched.sort_by_key(|w| {
            tokens
                .iter()
                .position(|t| &t.text == w)
                .unwrap_or(usize::MAX)
        });
    }
}

/// Words that give a drug intravenously (`IV`, `infusion`, `injection`).
fn is_intravenous(word: &str) -> bool {
    matches!(
        word,
        "iv" | "intravenous"
            | "intravenously"
            | "parenteral"
            | "infusion"
            | "infusions"
            | "injection"
            | "injections"
            | "inj"
            | "injectable"
    )
}

/// Iron named bare but given intravenously (`IV iron`, `iron infusion`) may be iron sucrose or
/// another intravenous iron (ferric carboxymaltose, iron dextran, ferumoxytol: evidence sheet §5):
/// review naming both, never a silent `clear` of iron.
fn intravenous_iron(lex: &Lexicon, text: &str, hits: &mut [Placed]) -> Option<&'static str> {
    // The words first: they are seldom there, and reading a name's meaning allocates.
    raw_word(text, is_intravenous)?;
    let bare = hits
        .iter()
        .position(|p| p.hit.review.is_empty() && lex.name(p.hit.name).key == "iron")?;
    let sucrose = lex.lookup("iron sucrose")?;
    let hit = &mut hits[bare].hit;
    hit.review = vec![
        Candidate {
            name: sucrose,
            score: 1.0,
        },
        Candidate {
            name: hit.name,
            score: 1.0,
        },
    ];
    Some(
        "iron given intravenously without the product named: iron sucrose is a target; other \
         intravenous irons (ferric carboxymaltose, iron dextran, ferumoxytol) are different \
         drugs: check which one",
    )
}

/// The first word of the entry, as written (dropped words included: `no`, `history of`), that
/// makes a class named in it a condition ([`wording::is_condition_word`]).
fn condition_word(text: &str) -> Option<String> {
    raw_word(text, wording::is_condition_word)
}

/// The first word of the entry as written (ASCII letters and digits, lowercased, 16 bytes at
/// most) that `wanted` accepts, before normalization drops any; lowercased on the stack, so that
/// only a word found is allocated.
fn raw_word(text: &str, wanted: impl Fn(&str) -> bool) -> Option<String> {
    const LONGEST: usize = 16;
    let mut buf = [0u8; LONGEST];
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && w.len() <= LONGEST)
        .find_map(|w| {
            let lower = &mut buf[..w.len()];
            lower.copy_from_slice(w.as_bytes());
            lower.make_ascii_lowercase();
            let lower = std::str::from_utf8(lower).ok()?;
            wanted(lower).then(|| lower.to_owned())
        })
}

/// A name in brackets that spells out the name before it (`IRON (IRON SUCROSE)`) replaces it. A
/// guessed name in brackets (`Clonidine 0.15 MG Oral Capsule [Mirfat]`) that is none of the drugs
/// named outside the brackets does not add a drug: the named generic wins, and the bracketed word
/// is reported as unmatched. An exact bracketed name is kept (a brand is evidence of its own): a
/// brand goes to review with the names outside, a generic name is a finding of its own.
fn bracket_conflicts(
    lex: &Lexicon,
    tokens: &[Token],
    hits: &mut Vec<Placed>,
    unmatched: &mut Vec<String>,
) {
    let inside = |p: &Placed| tokens[p.pos..p.pos + p.len].iter().all(|t| t.bracketed);
    // `IRON (IRON SUCROSE)`: a bracketed name that spells out the name before it says which
    // drug that is, so the shorter name goes.
    // (A bracketed key spells out a key when it starts with it and a space.)
    let spelled_out: Vec<&str> = hits
        .iter()
        .filter(|p| inside(p))
        .map(|p| lex.key(p.hit.name))
        .collect();
    if !spelled_out.is_empty() {
        hits.retain(|p| {
            inside(p) || {
                let key = lex.key(p.hit.name);
                !spelled_out.iter().any(|s| {
                    s.len() > key.len() && s.starts_with(key) && s.as_bytes()[key.len()] == b' '
                })
            }
        });
    }
    let outside: Vec<NameId> = hits
        .iter()
        .filter(|p| !inside(p))
        .map(|p| p.hit.name)
        .collect();
    if outside.is_empty() {
        return;
    }
    hits.retain_mut(|p| {
        if !inside(p) || outside.iter().any(|&o| shares_a_drug(lex, o, p.hit.name)) {
            return true;
        }
        if matches!(p.hit.how, How::Fuzzy | How::Ending | How::Shorthand) {
            unmatched.push(p.hit.text.clone());
            return false;
        }
        // A substance named in brackets (`(VITAMINE D3)`, `(WITH PRESERVATIVE, BENZYL
        // ALCOHOL)`, `(équivalent à 300 mg de tétracycline base)`) says what else is in the
        // product or what it amounts to: a finding of its own, no contradiction of the name.
        if lex.is_generic(p.hit.name) {
            return true;
        }
        // An English word in brackets that is also the name of some product without a target
        // (`(AQUEOUS)`, `(MULTI-ELECTROLYTE INJECTION)`) describes the product named before it.
        // (A target's brand, `(Foster)`, still goes to review.)
        if !p.hit.text.contains(' ')
            && wording::is_wording(&p.hit.text)
            && !involves_target(lex, p.hit.name)
        {
            return false;
        }
        if p.hit.review.is_empty() {
            p.hit.review = std::iter::once(p.hit.name)
                .chain(outside.iter().copied())
                .map(|name| Candidate { name, score: 1.0 })
                .collect();
        }
        true
    });
}

/// Whether two names share a drug: a substance in common once salts are set aside.
fn shares_a_drug(lex: &Lexicon, a: NameId, b: NameId) -> bool {
    let x = lex.substance_bases(a);
    lex.substance_bases(b).iter().any(|s| x.contains(s))
}

/// A name that also means another drug goes to review naming both, unless it is a product suffix
/// right after another drug name (`losartan/HCT`) or a product name with its company after it
/// (`HCT Hexal`, `HCT-ratiopharm`: the generics of one drug are named so).
fn contest(lex: &Lexicon, tokens: &[Token], hits: &mut [Placed]) {
    for i in 0..hits.len() {
        if !hits[i].hit.review.is_empty() {
            continue;
        }
        if let Some(products) = lex.product_conflict(hits[i].hit.name) {
            hits[i].hit.review = products
                .into_iter()
                .map(|name| Candidate { name, score: 1.0 })
                .collect();
            continue;
        }
        let Some(c) = lex.contest(hits[i].hit.name) else {
            continue;
        };
        let suffix = i > 0 && hits[i - 1].pos + hits[i - 1].len == hits[i].pos;
        let company = tokens
            .get(hits[i].pos + hits[i].len)
            .is_some_and(|t| wording::is_supplier(&t.text));
        let suffix = suffix || company;
        if (c.alone_only && suffix) || !hits[i].hit.review.is_empty() {
            continue;
        }
        let hit = &mut hits[i].hit;
        hit.review = std::iter::once(hit.name)
            .chain(c.also.iter().copied())
            .map(|name| Candidate { name, score: 1.0 })
            .collect();
    }
}

/// Words that, next to a brand, make it a combination product: `Plus`, `Comp`, `HCT`, `H`, `D`,
/// `Diu`, a single letter after it, `Co` before it.
fn is_combination_word(word: &str) -> bool {
    matches!(
        word,
        "plus" | "comp" | "compositum" | "hct" | "diu" | "diur" | "diuretic"
    ) || (word.len() == 1 && word.as_bytes()[0].is_ascii_lowercase())
}

/// Marks a hit on a blood-pressure drug or a diuretic when a combination word stands next to it
/// and is not part of the name it matched (`Inhibace Plus`, `Co-Diovan`, `Burinex A`), or when the
/// name is `co` + another name of the same drug (`coaprovel` listed with irbesartan only): such a
/// product often holds a diuretic the name does not show, so it goes to review.
fn combination_suffixes(lex: &Lexicon, tokens: &[Token], hits: &mut [Placed]) {
    let covered =
        |j: usize, hits: &[Placed]| hits.iter().any(|p| (p.pos..p.pos + p.len).contains(&j));
    for i in 0..hits.len() {
        let (pos, len) = (hits[i].pos, hits[i].len);
        let name = hits[i].hit.name;
        if !may_hide_a_diuretic(lex, name) {
            continue;
        }
        // A single letter after a generic name, or followed by another (`m/r`, modified
        // release), is not a brand's suffix.
        let generic = lex.is_generic(name);
        // A single letter counts only as the last word, right after the name (`Burinex A`; not
        // the French `à` of `Tildiem LP 300 mg, gélule à libération prolongée`).
        let letter_pair = |j: usize| {
            tokens[j].text.len() == 1 && (generic || j + 1 < tokens.len() || tokens[j].after_gap)
        };
        let after = tokens
            .get(pos + len)
            .filter(|t| t.kind == TokenKind::Word && is_combination_word(&t.text))
            .filter(|_| !covered(pos + len, hits) && !letter_pair(pos + len));
        let before = pos
            .checked_sub(1)
            .and_then(|j| tokens.get(j))
            .filter(|t| t.text == "co" && !covered(pos - 1, hits));
        let key = lex.key(hits[i].hit.name);
        let glued = key
            .strip_prefix("co")
            .filter(|rest| rest.len() >= 4)
            .and_then(|rest| lex.lookup(rest))
            .filter(|&other| same_drug(lex, other, hits[i].hit.name))
            .map(|_| "co");
        let word = after
            .map(|t| t.text.as_str())
            .or(before.map(|_| "co"))
            .or(glued);
        if let Some(w) = word {
            hits[i].hit.suffix = Some(w.to_owned());
        }
    }
}

/// Whether a name stands for a blood-pressure drug that is no target (by the international
/// nonproprietary name stems of its substance: -sartan, -pril, -olol, -dipine…): the drugs whose
/// combinations usually add a diuretic. A target name is not hiding one: a diuretic target
/// already holds it, and a product whose registers list a diuretic is a target.
fn may_hide_a_diuretic(lex: &Lexicon, id: NameId) -> bool {
    const STEMS: &[&str] = &[
        "sartan", "pril", "prilat", "olol", "alol", "dilol", "dipine", "azosin",
    ];
    const NAMES: &[&str] = &[
        "aliskiren",
        "clonidine",
        "methyldopa",
        "moxonidine",
        "rilmenidine",
        "hydralazine",
        "minoxidil",
        "reserpine",
        "verapamil",
        "diltiazem",
        "urapidil",
    ];
    match lex.name(id).meaning {
        Meaning::Targets(_) => false,
        Meaning::Other(s) => lex
            .substance_base(s)
            .split(' ')
            .any(|w| NAMES.contains(&w) || STEMS.iter().any(|st| w.ends_with(st))),
    }
}

/// Greedy longest-phrase matching of known names (spaced or compact, and two words reversed).
fn phrase_pass(
    lex: &Lexicon,
    tokens: &[Token],
    covered: &mut [bool],
    hits: &mut Vec<Placed>,
    salts_alone: bool,
) {
    let (mut key, mut other) = (String::new(), String::new());
    let mut i = 0;
    while i < tokens.len() {
        if covered[i] {
            i += 1;
            continue;
        }
        let longest = lex.max_words().min(tokens.len() - i);
        let mut found = None;
        for len in (1..=longest).rev() {
            let window = &tokens[i..i + len];
            if covered[i..i + len].iter().any(|c| *c)
                || (!salts_alone && window.iter().all(|t| t.kind == TokenKind::Salt))
            {
                continue;
            }
            if let Some(hit) = phrase(lex, window, &mut key, &mut other) {
                found = Some((len, hit));
                break;
            }
        }
        if found.is_none() && !salts_alone {
            found = (2..=longest)
                .rev()
                .filter(|&len| !covered[i..i + len].iter().any(|c| *c))
                .find_map(|len| qualified(lex, &tokens[i..i + len]).map(|h| (len, h)));
        }
        let Some((len, mut hit)) = found else {
            i += 1;
            continue;
        };
        covered[i..i + len].iter_mut().for_each(|c| *c = true);
        // Salt words right after a bare ingredient belong to it: `atorvastatin calcium`, unless
        // the salt word opens a longer name of its own (`low-ceiling diuretics and potassium-
        // sparing agents`).
        let mut end = i + len;
        while end < tokens.len()
            && !covered[end]
            && tokens[end].kind == TokenKind::Salt
            && !opens_a_longer_name(lex, &tokens[end..], &mut key, &mut other)
        {
            covered[end] = true;
            hit.text.push(' ');
            hit.text.push_str(&tokens[end].text);
            if hit.how == How::Exact {
                hit.how = How::Alias(AliasKind::Salt);
            }
            end += 1;
        }
        hits.push(Placed {
            pos: i,
            len: end - i,
            hit,
        });
        i = end;
    }
}

/// Whether a name of two words or more, one of them no salt word, starts `tokens`.
fn opens_a_longer_name(
    lex: &Lexicon,
    tokens: &[Token],
    key: &mut String,
    other: &mut String,
) -> bool {
    let longest = lex.max_words().min(tokens.len());
    (2..=longest).any(|len| {
        let window = &tokens[..len];
        window.iter().any(|t| t.kind == TokenKind::Word)
            && phrase(lex, window, key, other).is_some()
    })
}

fn phrase(lex: &Lexicon, window: &[Token], key: &mut String, other: &mut String) -> Option<Hit> {
    join(window, " ", key);
    if let Some(id) = lex.lookup(key) {
        return Some(exact(lex, id, key.clone(), How::of(lex.origin(id))));
    }
    // A name of several words with an iron complex's words between or after them (`iron
    // hydroxide sucrose complex`, `Eisen-Saccharose`), starting with one of its own.
    if window.len() > 1
        && window
            .first()
            .is_some_and(|t| !normalize::is_complex_word(&t.text))
        && let Some(id) = lex.lookup_without_complex_words(key)
    {
        return Some(exact(lex, id, key.clone(), How::of(lex.origin(id))));
    }
    if window.len() > 1 {
        // `key` keeps the spaced text; `other` holds the joined and swapped keys.
        join(window, "", other);
        // An abbreviation is only ever written as it is: `Arrow Lab … à` is no `LABA`.
        if let Some(id) = lex.lookup(other)
            && lex.origin(id) != Origin::Alias(AliasKind::Abbreviation)
        {
            return Some(exact(lex, id, key.clone(), How::Joined));
        }
        if window.len() == 2 {
            other.clear();
            other.push_str(&window[1].text);
            other.push(' ');
            other.push_str(&window[0].text);
            if let Some(id) = lex.lookup(other) {
                return Some(exact(lex, id, key.clone(), How::of(lex.origin(id))));
            }
        }
    }
    None
}

/// Words that open a longer name by all but its last word (`synthetic conjugated estrogens` of
/// `synthetic conjugated estrogens, a` and `, b`): the entry names that drug, not the shorter name
/// inside it (`conjugated estrogens`). Names of more than one drug, one of them a target, go to
/// review.
fn qualified(lex: &Lexicon, window: &[Token]) -> Option<Hit> {
    let mut spaced = String::new();
    join(window, " ", &mut spaced);
    let compact: String = window.iter().map(|t| t.text.as_str()).collect();
    let names: Vec<NameId> = lex
        .prefixed(&compact, 32)?
        .into_iter()
        .filter(|&id| {
            lex.key(id)
                .strip_prefix(spaced.as_str())
                .and_then(|rest| rest.strip_prefix(' '))
                .is_some_and(|last| {
                    !last.is_empty() && !last.contains(' ') && !adds_a_drug(lex, last)
                })
        })
        .collect();
    let &first = names.iter().min_by_key(|&&id| (lex.key(id).len(), id))?;
    let others: Vec<NameId> = names
        .iter()
        .copied()
        .filter(|&id| !same_drug(lex, first, id))
        .collect();
    let review = if !others.is_empty() && names.iter().any(|&id| involves_target(lex, id)) {
        std::iter::once(first)
            .chain(others)
            .map(|name| Candidate { name, score: 1.0 })
            .collect()
    } else {
        Vec::new()
    };
    Some(Hit {
        review,
        ..exact(lex, first, spaced, How::Vocabulary)
    })
}

/// Whether a name's last word brings a drug of its own, or makes the name a combination product
/// (`sandoz losartan hct`, `mint-losartan/hctz`, `… plus`): words without it name less than
/// the longer name, so they are not that name.
fn adds_a_drug(lex: &Lexicon, word: &str) -> bool {
    (word.len() > 1 && is_combination_word(word)) || lex.lookup(word).is_some()
}

fn exact(_lex: &Lexicon, name: NameId, text: String, how: How) -> Hit {
    Hit {
        text,
        name,
        how,
        score: 1.0,
        runner_up: None,
        review: Vec::new(),
        suffix: None,
    }
}

fn join(window: &[Token], sep: &str, out: &mut String) {
    out.clear();
    for (i, t) in window.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&t.text);
    }
}

/// The shortest unknown word shown with its nearest names (shorter words have too many).
const NEAREST_MIN_LETTERS: usize = 5;

/// How many nearest names an unknown word shows.
const NEAREST_SHOWN: usize = 3;

/// A run of words no phrase matched, possibly with soft one-word matches inside.
struct Run<'a> {
    tokens: &'a [Token],
    start: usize,
    end: usize,
    soft: &'a [bool],
    has_number: bool,
}

/// Words no phrase matched: try them together (up to three) and alone — glued salt, shorthand,
/// other-language ending, fuzzy. A window that takes in a soft word must find a target to replace
/// it. What still matches nothing is reported as unmatched.
fn unknown_run(
    lex: &Lexicon,
    run: &Run<'_>,
    hits: &mut Vec<Placed>,
    unmatched: &mut Vec<String>,
    nearest: &mut Vec<Candidate>,
) {
    let (mut key, mut spaced) = (String::new(), String::new());
    // An acid word in the entry (`ácido`, `acide`) says that a word ending as an acid's name is one.
    let acid_named = run.tokens.iter().any(|t| is_acid_word(&t.text));
    let mut s = run.start;
    'outer: while s < run.end {
        let mut weak: Vec<Candidate> = Vec::new();
        for len in (1..=3.min(run.end - s)).rev() {
            let window = &run.tokens[s..s + len];
            let softs = (s..s + len).filter(|&j| run.soft[j]).count();
            if softs == len {
                continue;
            }
            join(window, "", &mut key);
            join(window, " ", &mut spaced);
            let text = spaced.as_str();
            let single = len == 1;
            // An English word or a word that names no drug is wording, not a slip for a drug
            // name (`total`, `forte`, `quinoa`), and neither is a slip for such a word (`quinioa`),
            // unless it sounds exactly like a drug name, which is nearer than the one edit to
            // the word (`lasiks` is one letter from LASIK, and sounds as Lasix).
            if single
                && (wording::is_wording(&key)
                    || is_acid_word(&key)
                    || (wording::near_not_a_drug(&key) && !sounds_like_a_name(lex, &key)))
            {
                continue;
            }
            // A French word of the registers' texts (`dilue`, `aqueux`) is no slip and no
            // shorthand for a name, but may be a drug's French spelling (`neomycine`).
            let french = single && wording::is_french(&key);
            let found = single
                .then(|| glued_salt(lex, &key, text))
                .flatten()
                .or_else(|| {
                    if single && run.has_number && !french {
                        shorthand(lex, &key, text)
                    } else {
                        None
                    }
                })
                .or_else(|| single.then(|| acid(lex, &key, text, acid_named)).flatten())
                .or_else(|| ending(lex, &key, text))
                .or_else(|| {
                    if french {
                        return None;
                    }
                    match fuzzy(lex, &key, text, edit_limit(window)) {
                        Fuzzy::Match(h) => Some(h),
                        Fuzzy::Weak(c) => {
                            if single {
                                weak = c;
                            }
                            None
                        }
                        Fuzzy::Nothing => None,
                    }
                })
                .filter(|h| softs == 0 || involves_target(lex, h.name) || !h.review.is_empty());
            if let Some(hit) = found {
                hits.retain(|p| p.pos + p.len <= s || p.pos >= s + len);
                hits.push(Placed { pos: s, len, hit });
                s += len;
                continue 'outer;
            }
        }
        let word = &run.tokens[s].text;
        if !run.soft[s]
            && word.len() > 1
            && !wording::is_wording(word)
            && !wording::is_french(word)
            && !is_acid_word(word)
        {
            // A word too far from every name for a guess still shows the nearest names, one
            // edit beyond its limit, for a person to look at (`laxis`: Lasix); never a slip for
            // a food or the like (`quinioa`).
            if weak.is_empty()
                && word.len() >= NEAREST_MIN_LETTERS
                && !wording::near_not_a_drug(word)
            {
                weak = lex
                    .nearest_names(word, NEAREST_SHOWN)
                    .into_iter()
                    .map(|h| Candidate {
                        name: h.name,
                        score: h.score,
                    })
                    .collect();
            }
            unmatched.push(run.tokens[s].text.clone());
            nearest.append(&mut weak);
        }
        s += 1;
    }
}

/// The salt word a word that no name covers is a slip for ([`wording::salt_slip`]), unless it is
/// a target cut short (`lisinopril/hydrochloro`: the partners pass reads it), or as near to a
/// drug's name or a word of a target's name as to the salt word (`hydroxzine` is hydroxyzine,
/// `saccaratx` the Italian `ferro saccarato`).
fn salt_slip(lex: &Lexicon, key: &str) -> Option<&'static str> {
    // A German acid name (`Acetylsalicylsäure`) is read by [`acid`], not as a slip for a salt.
    if german_acid_stem(key).is_some() {
        return None;
    }
    let (salt, edits) = wording::salt_slip(key)?;
    if lex.starts_a_target_name(key) || lex.near_a_target_word(key, edits) {
        return None;
    }
    let near_a_drug = lex
        .fuzzy_hits(key)
        .iter()
        .any(|h| h.distance <= edits as f32 && lex.name(h.name).key != salt);
    (!near_a_drug).then_some(salt)
}

/// Whether a word sounds exactly like a known name that it is not spelled as: a fuzzy hit
/// nearer than one edit (the same sound, a difference of spelling only).
fn sounds_like_a_name(lex: &Lexicon, key: &str) -> bool {
    lex.fuzzy_hits(key).iter().any(|h| h.distance < 1.0)
}

/// The word `acid` in the languages whose acid names [`acid`] reads (French, Spanish, Italian,
/// Portuguese, Latin): part of the name's wording, never a drug or an unmatched word of its own.
const ACID_WORDS: [&str; 4] = ["acid", "acide", "acido", "acidum"];

fn is_acid_word(word: &str) -> bool {
    ACID_WORDS.contains(&word)
}

/// The stem of a German acid name, the acid word glued on and its `ä` folded (`etacrynsaure`:
/// `etacryn`).
fn german_acid_stem(key: &str) -> Option<&str> {
    key.strip_suffix("saeure")
        .or_else(|| key.strip_suffix("saure"))
}

/// An acid written without the word `acid` (`ethacrynic`, `valproic`, `folic`), in French,
/// Spanish, Italian or Latin (`acide étacrynique`, `ácido fólico`, `acidum folicum`), or in
/// German with the acid word glued on (`Etacrynsäure`, `Folsäure`): the name with it. When no
/// name is spelled so and the entry says it is an acid (an acid word beside it, or the German
/// ending), the acid's name is looked for within the word's edit limit, so that another
/// language's spelling (`ácido etacrínico`: i for y) finds it; a weak likeness finds nothing.
fn acid(lex: &Lexicon, key: &str, text: &str, acid_named: bool) -> Option<Hit> {
    if key.len() < 6 {
        return None;
    }
    let glued = german_acid_stem(key);
    let stem = glued
        .or_else(|| key.strip_suffix("ique"))
        .or_else(|| key.strip_suffix("icum"))
        .or_else(|| key.strip_suffix("ico"))
        .or_else(|| key.strip_suffix("ic"))?;
    if stem.len() < 3 {
        return None;
    }
    let name = format!("{stem}ic acid");
    if let Some(id) = lex.lookup(&name) {
        return Some(Hit {
            text: text.to_owned(),
            name: id,
            how: How::Ending,
            score: key.len() as f32 / (key.len() + 5) as f32,
            runner_up: None,
            review: Vec::new(),
            suffix: None,
        });
    }
    if !(acid_named || glued.is_some()) {
        return None;
    }
    let compact = format!("{stem}icacid");
    let limit = EditLimit {
        edits: super::fuzzy::max_edits(key.len()),
        single: true,
    };
    match fuzzy_weighed(lex, &compact, text, limit) {
        // Only an acid's name: the search reads the whole name, not the word's own spelling.
        Fuzzy::Match(hit) if lex.name(hit.name).key.ends_with("acid") => Some(hit),
        _ => None,
    }
}

/// Words ending in a glued salt (`chininsulfat`, `quininesulfate`): the stem alone is a name.
fn glued_salt(lex: &Lexicon, key: &str, text: &str) -> Option<Hit> {
    const GLUED: &[&str] = &[
        "hydrochloride",
        "hydrochlorid",
        "sulphate",
        "sulfate",
        "sulfat",
        "sodium",
        "natrium",
        "hcl",
    ];
    let stem = GLUED
        .iter()
        .find_map(|suffix| key.strip_suffix(suffix))
        .filter(|s| s.len() >= 4)?;
    let id = lex.lookup(stem)?;
    Some(Hit {
        text: text.to_owned(),
        name: id,
        how: How::Alias(AliasKind::Salt),
        score: 1.0,
        runner_up: None,
        review: Vec::new(),
        suffix: None,
    })
}

/// What two names mean, compared: the same target set, or the same substance once salts are set
/// aside (`metformin` and `metformin hydrochloride` are one drug).
fn same_drug(lex: &Lexicon, a: NameId, b: NameId) -> bool {
    match (lex.name(a).meaning, lex.name(b).meaning) {
        (Meaning::Targets(x), Meaning::Targets(y)) => x == y,
        (Meaning::Other(x), Meaning::Other(y)) => {
            x == y || lex.substance_base(x) == lex.substance_base(y)
        }
        _ => false,
    }
}

/// Whether a name may lead to a finding (a target, or a conflict that includes one).
#[must_use]
pub fn involves_target(lex: &Lexicon, id: NameId) -> bool {
    lex.is_target(id)
}

/// Other-language endings: `-a`/`-o` (Spanish, Portuguese), `-e` (French), no final `e` (German).
fn ending(lex: &Lexicon, key: &str, text: &str) -> Option<Hit> {
    if key.len() < 6 {
        return None;
    }
    let stem = key.trim_end_matches(['a', 'o', 'e']);
    // The variants `{key}e`, `{stem}`, `{stem}e`, each in one buffer in turn.
    let mut v = String::with_capacity(key.len() + 1);
    let mut found: Option<NameId> = None;
    for (base, e) in [(key, true), (stem, false), (stem, true)] {
        v.clear();
        v.push_str(base);
        if e {
            v.push('e');
        }
        if v == key {
            continue;
        }
        // Only one-word names: `vitamin` + `e` is not an ending of `vitamin e`.
        if let Some(id) = lex.lookup(&v).filter(|&id| !lex.key(id).contains(' ')) {
            match found {
                Some(f) if !same_drug(lex, f, id) => return None,
                Some(_) => {}
                None => found = Some(id),
            }
        }
    }
    let id = found?;
    let score = 1.0 - 1.0 / key.len().max(1) as f32;
    Some(Hit {
        text: text.to_owned(),
        name: id,
        how: How::Ending,
        score,
        runner_up: None,
        review: Vec::new(),
        suffix: None,
    })
}

/// What an approximate search found.
enum Fuzzy {
    /// A match (possibly for review).
    Match(Hit),
    /// Names too far to be a confident match: the entry stays unrecognized, with these shown.
    Weak(Vec<Candidate>),
    /// Nothing near.
    Nothing,
}

/// Approximate match over the whole vocabulary, weighed by the calibrated spelling error model
/// ([`ErrorModel`]): the candidates within the edit limit are ranked by how likely the typed word
/// is as a misspelling of each (keyboard slips, sound-alike letters, doubled and dropped letters
/// cost less than other edits). Another drug within the calibrated review margin of the best is a
/// tie: with a target involved the entry goes to review naming both, else no guess is made. A best
/// candidate beyond the calibrated threshold is no confident match: a target then goes to review,
/// another drug is not reported (the entry is unrecognized with the nearest names shown); for
/// words taken together (`limit.single` false) a weak match is none, and the words are tried
/// alone.
fn fuzzy(lex: &Lexicon, key: &str, text: &str, limit: EditLimit) -> Fuzzy {
    let found = fuzzy_weighed(lex, key, text, limit);
    if limit.single {
        truncation_rival(lex, key, found)
    } else {
        found
    }
}

/// The shortest word whose truncation of a target contests a fuzzy match to another drug.
const RIVAL_LETTERS: usize = 5;

/// A confident fuzzy match of one word to a drug that is no target, when the word also starts the
/// name of one drug only and that drug is a target (`amilor`: one letter from Amlor, an amlodipine
/// brand, and the start of amiloride), goes to review naming both: a silent `clear` would hide a
/// target cut short.
fn truncation_rival(lex: &Lexicon, key: &str, found: Fuzzy) -> Fuzzy {
    let Fuzzy::Match(mut hit) = found else {
        return found;
    };
    // (A wording word never reaches the fuzzy search.)
    if !hit.review.is_empty()
        || involves_target(lex, hit.name)
        || key.len() < RIVAL_LETTERS
        || !key.bytes().all(|b| b.is_ascii_lowercase())
    {
        return Fuzzy::Match(hit);
    }
    if let [only] = partners::truncated(lex, key)[..]
        && involves_target(lex, only)
    {
        hit.review = vec![
            Candidate {
                name: hit.name,
                score: hit.score,
            },
            Candidate {
                name: only,
                score: partners::truncation_score(lex, key, only),
            },
        ];
    }
    Fuzzy::Match(hit)
}

/// [`fuzzy`] before a truncation of a target is weighed against its answer.
fn fuzzy_weighed(lex: &Lexicon, key: &str, text: &str, limit: EditLimit) -> Fuzzy {
    let single = limit.single;
    let hits = lex.fuzzy_hits(key);
    let found = weigh(lex, key, text, limit, hits.iter().take(WEIGHED_HITS));
    // A word the edit search finds no answer for may still be a slip of several vowels or of a
    // syllable: names with its consonants are weighed too (never for words taken together).
    if !single || matches!(found, Fuzzy::Match(_)) {
        return found;
    }
    let more = lex.skeleton_hits(key);
    if more.is_empty() {
        return found;
    }
    weigh(
        lex,
        key,
        text,
        limit,
        hits.iter().take(WEIGHED_HITS).chain(more.iter()),
    )
}

/// How far a window of words may be from a name: one word, as its length allows
/// ([`super::fuzzy::max_edits`]); words taken together, no more than each word could carry
/// alone, so that joining a short word to a letter does not lend it an edit (`d gulo` is not
/// Diulo, though `dgulo` would be one edit from it).
#[derive(Clone, Copy, Debug)]
struct EditLimit {
    edits: usize,
    single: bool,
}

fn edit_limit(window: &[Token]) -> EditLimit {
    let joined: usize = window.iter().map(|t| t.text.len()).sum();
    let each: usize = window
        .iter()
        .map(|t| super::fuzzy::max_edits(t.text.len()))
        .sum();
    EditLimit {
        edits: super::fuzzy::max_edits(joined).min(each),
        single: window.len() == 1,
    }
}

/// The answer the error model gives for a word among these candidates.
fn weigh<'h>(
    lex: &Lexicon,
    key: &str,
    text: &str,
    limit: EditLimit,
    hits: impl Iterator<Item = &'h FuzzyHit>,
) -> Fuzzy {
    let single = limit.single;
    let model = ErrorModel::builtin();
    let limit = limit.edits as f32;
    // (name, weighted cost, similarity), the cheapest name of each drug.
    let mut cands: Vec<(NameId, f32, f32)> = Vec::new();
    for h in hits {
        // Candidates half an edit beyond the limit may tie with the winner but never win.
        if h.distance > limit + 0.5 {
            continue;
        }
        let mut cost = h.cost;
        if h.distance > limit {
            cost = cost.max(model.accept_cost(key) + f32::EPSILON);
        }
        match cands.iter_mut().find(|c| same_drug(lex, c.0, h.name)) {
            Some(c) if cost < c.1 => *c = (h.name, cost, h.score),
            Some(_) => {}
            None => cands.push((h.name, cost, h.score)),
        }
    }
    cands.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let Some(&(best, best_cost, best_s)) = cands.first() else {
        return Fuzzy::Nothing;
    };
    let as_candidate = |c: &(NameId, f32, f32)| Candidate {
        name: c.0,
        score: c.2,
    };
    let ties: Vec<&(NameId, f32, f32)> = cands
        .iter()
        .skip(1)
        .filter(|c| c.1 - best_cost < model.review_margin())
        .collect();
    let runner_up = cands.get(1).map(as_candidate);
    // A match to another drug needs the stricter threshold: a wrong `clear` would hide a brand
    // the vocabulary lacks.
    let confident = if involves_target(lex, best) {
        model.accepts(key, best_cost)
    } else {
        model.accepts_other_drug(key, best_cost)
    };
    let targets_involved =
        involves_target(lex, best) || ties.iter().any(|c| involves_target(lex, c.0));
    if !targets_involved && (!ties.is_empty() || !confident) {
        // Two other drugs about equally likely (`vitamin d` → vitamin a, vitamin c), or a weak
        // likeness to another drug (`lipex` → lidex): no guess at all.
        return Fuzzy::Weak(cands.iter().take(3).map(as_candidate).collect());
    }
    // Words taken together (`pravastatine sun`) must match well; else the words are tried alone.
    if !confident && !single {
        return Fuzzy::Nothing;
    }
    let review: Vec<Candidate> = if !ties.is_empty() || !confident {
        std::iter::once(&(best, best_cost, best_s))
            .chain(ties)
            .map(as_candidate)
            .collect()
    } else {
        Vec::new()
    };
    // A weak likeness to a target alone is still shown for review, with the nearest other drug.
    let review = if review.len() == 1 {
        review.into_iter().chain(runner_up).collect()
    } else {
        review
    };
    Fuzzy::Match(Hit {
        text: text.to_owned(),
        name: best,
        how: How::Fuzzy,
        score: best_s,
        runner_up,
        review,
        suffix: None,
    })
}

/// A truncated name (four letters or more) next to a strength, accepted only when every name it
/// starts stands for one same drug (alone or in combination).
fn shorthand(lex: &Lexicon, key: &str, text: &str) -> Option<Hit> {
    if key.len() < 4 || lex.lookup(key).is_some() {
        return None;
    }
    // Shorthand truncates a generic name: brands that start alike (`pravacilin`, a brand of
    // metampicillin, beside `prava 40`) do not count.
    let names: Vec<NameId> = lex
        .prefixed(key, 200)?
        .into_iter()
        .filter(|&id| lex.is_generic(id))
        .collect();
    // A truncation ends inside the first word of every name it starts; a complete word
    // (`conjugated` in `conjugated linoleic acid`) is not shorthand.
    let truncates = |id: NameId| {
        let first = lex.key(id).split(' ').next().unwrap_or_default();
        first.len() > key.len() && first.starts_with(key)
    };
    if names.is_empty() || !names.iter().all(|&id| truncates(id)) {
        return None;
    }
    let mut common: Option<Vec<String>> = None;
    for &id in &names {
        let drugs = drugs_of(lex, id);
        common = Some(match common {
            None => drugs,
            Some(c) => c.into_iter().filter(|d| drugs.contains(d)).collect(),
        });
    }
    let common = common.filter(|c| c.len() == 1)?;
    // Show the shortest name that stands for exactly that drug.
    let name = names
        .into_iter()
        .filter(|&id| drugs_of(lex, id) == common)
        .min_by_key(|&id| lex.key(id).len())?;
    let score = key.len() as f32 / lex.key(name).len().max(1) as f32;
    Some(Hit {
        text: text.to_owned(),
        name,
        how: How::Shorthand,
        score: score.min(0.99),
        runner_up: None,
        review: Vec::new(),
        suffix: None,
    })
}

/// The drugs a name stands for, as comparable strings: target ids, or the substance without salts.
fn drugs_of(lex: &Lexicon, id: NameId) -> Vec<String> {
    match lex.name(id).meaning {
        Meaning::Targets(t) => t.iter().map(|d| format!("#{d}")).collect(),
        Meaning::Other(s) => vec![lex.substance_base(s).to_owned()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::Kb;
    use crate::names::vocab::Vocabulary;
    use std::sync::OnceLock;

    fn lex() -> &'static Lexicon {
        static L: OnceLock<Lexicon> = OnceLock::new();
        L.get_or_init(|| Lexicon::build(&Kb::builtin().unwrap(), &Vocabulary::builtin()).unwrap())
    }

    fn shown(text: &str) -> Vec<(String, &'static str)> {
        let l = lex();
        resolve(l, text)
            .hits
            .iter()
            .map(|h| (l.name(h.name).display.to_lowercase(), h.how.as_str()))
            .collect()
    }

    #[test]
    fn an_acid_s_name_in_another_language_is_found_only_when_the_entry_says_it_is_an_acid() {
        let l = lex();
        let displays = |text: &str| -> Vec<String> {
            resolve(l, text)
                .hits
                .iter()
                .map(|h| l.name(h.name).display.to_lowercase())
                .collect()
        };
        // The acid word beside it, the German ending, the Latin ending.
        for text in ["ácido etacrínico", "Etacrynsäure", "acidum etacrynicum"] {
            assert!(
                displays(text).iter().any(|d| d.contains("acid")),
                "{text}: {:?}",
                displays(text)
            );
        }
        // No acid word: a slip is not dressed up as the acid's name, and the acid word alone
        // is no unmatched word.
        let alone = resolve(l, "etacrinico");
        assert!(alone.hits.iter().all(|h| !h.review.is_empty()), "{alone:?}");
        assert!(resolve(l, "ácido fólico").unmatched.is_empty());
    }

    #[test]
    fn a_brand_resolves_through_its_alias() {
        assert_eq!(shown("Lipitor 20 mg"), vec![("lipitor".into(), "brand")]);
    }

    #[test]
    fn a_salt_after_the_ingredient_is_reported_as_salt() {
        assert_eq!(shown("atorvastatin calcium 10 mg")[0].1, "salt");
    }

    #[test]
    fn a_generic_pair_reports_both_names() {
        let names: Vec<String> = shown("losartan/hctz 100-25")
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert_eq!(names[1], "hctz");
    }

    #[test]
    fn a_misspelling_is_fuzzy_with_a_score() {
        let r = resolve(lex(), "furosimide 40mg");
        assert_eq!(r.hits[0].how, How::Fuzzy);
        assert!(r.hits[0].score > 0.8 && r.hits[0].score < 1.0);
    }

    #[test]
    fn quinidine_is_not_quinine() {
        let l = lex();
        let r = resolve(l, "quinidine sulfate 200 mg");
        assert!(r.hits.iter().all(|h| !involves_target(l, h.name)), "{r:?}");
    }

    #[test]
    fn german_and_spanish_endings_resolve() {
        // Not aliases: found by the ending rule.
        assert_eq!(
            shown("metolazona 5 mg"),
            vec![("metolazone".into(), "ending")]
        );
        assert_eq!(
            shown("Pitavastatine"),
            vec![("pitavastatin".into(), "ending")]
        );
    }

    #[test]
    fn shorthand_needs_a_strength() {
        assert_eq!(shown("atorva 40")[0].1, "shorthand");
        assert!(shown("atorva").is_empty());
    }

    #[test]
    fn a_misspelled_second_word_is_not_hidden_by_an_exact_first_word() {
        let names: Vec<String> = shown("iron sucorse").into_iter().map(|p| p.0).collect();
        assert_eq!(names, vec!["iron sucrose".to_owned()]);
    }

    #[test]
    fn a_salt_glued_to_the_name_is_split_off() {
        assert_eq!(shown("Chininsulfat")[0].1, "salt");
    }

    #[test]
    fn nonsense_is_unmatched() {
        let r = resolve(lex(), "xqzzy 10 mg");
        assert!(r.hits.is_empty());
        assert_eq!(r.unmatched, vec!["xqzzy".to_owned()]);
    }

    #[test]
    fn a_dropped_syllable_or_a_first_vowel_slip_is_found_by_its_consonants() {
        for (typed, name) in [
            ("spirolactane", "spironolactone"),
            ("endapamide", "indapamide"),
        ] {
            let r = resolve(lex(), typed);
            let hit = r.hits.first().unwrap_or_else(|| panic!("{typed}: {r:?}"));
            assert_eq!(lex().name(hit.name).display.to_lowercase(), name, "{typed}");
            assert_eq!(hit.how, How::Fuzzy);
        }
    }

    #[test]
    fn several_vowel_slips_in_a_short_name_are_shown_for_review_not_answered() {
        let r = resolve(lex(), "napraxon");
        let hit = r.hits.first().unwrap_or_else(|| panic!("{r:?}"));
        let review: Vec<String> = hit
            .review
            .iter()
            .map(|c| lex().name(c.name).display.to_lowercase())
            .collect();
        assert!(review.iter().any(|n| n == "naproxen"), "{review:?}");
    }
}
