//! Words beside a target read as the drugs the registers combine with it (`quin/hctz 20-12.5` →
//! quinapril, `triamt-hctz` → triamterene, `salm/flut 250/50` → salmeterol and fluticasone): an
//! unknown truncation becomes the one such drug it starts; a real name of a drug the registers
//! never pair with the target (`triam`, a triamcinolone brand, in `triam/hctz`) goes to review
//! beside the target it starts that they do pair with it (triamterene). Beside a drug that is no
//! target, an unknown truncation (or a doubtful guess) becomes the one target it starts that the
//! registers combine with that drug (`lisinopril/hydrochloro` → hydrochlorothiazide); a
//! truncation of a target that they never combine with the drug beside it goes to review naming
//! the target (`ramipril/furo`), never left unread in a `clear` entry.

use super::{Candidate, Hit, How, Placed, drugs_of, involves_target};
use crate::kb::DrugId;
use crate::names::lexicon::{Lexicon, Meaning, NameId, Origin};
use crate::names::wording;
use crate::normalize::{Token, TokenKind};

/// The note of a review this pass asks for.
pub(super) const WHY: &str = "the word beside the diuretic names one drug and starts another that \
                              the registers combine with it: check which is meant";

/// The note of a review asked for when a real name starts one drug of a registered pair.
pub(super) const WHY_PAIR: &str = "the word names one drug and starts another that the registers \
                                   combine with the drug the word beside it starts: check which \
                                   is meant";

/// The note of a review asked for when a word beside a drug starts only a target that the
/// registers never combine with that drug.
pub(super) const WHY_UNPAIRED: &str = "the word starts the name of a target that the registers \
                                       never combine with the drug beside it: check whether it \
                                       is meant";

/// The shortest truncation read (as for shorthand after a strength).
const MIN_LETTERS: usize = 4;

/// A word that starts more names than this is no truncation to read.
const MAX_PREFIXED: usize = 200;

/// Reads the words beside each target hit, and pairs of unknown words; returns the review note
/// when it asked for a review.
pub(super) fn read(
    lex: &Lexicon,
    tokens: &[Token],
    hits: &mut Vec<Placed>,
    unmatched: &mut Vec<String>,
) -> Option<&'static str> {
    let anchors: Vec<(usize, usize, Vec<DrugId>)> = hits
        .iter()
        .filter_map(|p| match lex.name(p.hit.name).meaning {
            Meaning::Targets(t) => Some((p.pos, p.len, t)),
            Meaning::Other(_) => None,
        })
        .collect();
    let mut why = None;
    for (pos, len, targets) in anchors {
        for j in [pos.checked_sub(1), Some(pos + len)].into_iter().flatten() {
            let Some(token) = tokens.get(j).filter(|t| readable(t)) else {
                continue;
            };
            let word = token.text.as_str();
            match hits.iter().position(|p| p.pos <= j && j < p.pos + p.len) {
                None => {
                    if !unmatched.iter().any(|w| w == word) {
                        continue;
                    }
                    let [only] = partners_started(lex, word, &targets)[..] else {
                        continue;
                    };
                    unmatched.retain(|w| w != word);
                    hits.push(shorthand_at(lex, j, word, only));
                }
                Some(i) => {
                    if !real_other_name(lex, &hits[i])
                        || targets
                            .iter()
                            .any(|&t| lex.registered_with(hits[i].hit.name, t))
                    {
                        continue;
                    }
                    let others: Vec<NameId> = partners_started(lex, word, &targets)
                        .into_iter()
                        .filter(|&id| involves_target(lex, id))
                        .collect();
                    if others.is_empty() {
                        continue;
                    }
                    review_beside(lex, &mut hits[i].hit, word, others);
                    why = Some(WHY);
                }
            }
        }
    }
    // Beside a drug that is no target (`lisinopril/hydrochloro`, `amlodipine/atorva`,
    // `fluticasone/salme`): an unknown truncation is the one target it starts that the registers
    // combine with that drug, as a truncation beside a target is its partner.
    // (Such a hit is never replaced, and hits are only added after it: its index stays.)
    let others: Vec<usize> = (0..hits.len())
        .filter(|&k| hits[k].hit.review.is_empty() && !involves_target(lex, hits[k].hit.name))
        .collect();
    for k in others {
        let (pos, len, other) = (hits[k].pos, hits[k].len, hits[k].hit.name);
        for j in [pos.checked_sub(1), Some(pos + len)].into_iter().flatten() {
            let Some(token) = tokens.get(j).filter(|t| readable(t)) else {
                continue;
            };
            let word = token.text.as_str();
            if j > pos && continues_name(lex, &hits[k].hit.text, word) {
                continue;
            }
            // The word is unknown, or only a doubtful guess (`formo`, one slip from Forteo, beside
            // budesonide is formoterol).
            let at = hits.iter().position(|p| p.pos <= j && j < p.pos + p.len);
            let open = match at {
                None => unmatched.iter().any(|w| w == word),
                Some(i) => {
                    let p = &hits[i];
                    p.len == 1 && p.hit.how == How::Fuzzy && !p.hit.review.is_empty()
                }
            };
            if !open {
                continue;
            }
            let [only] = targets_started(lex, word, other)[..] else {
                continue;
            };
            let read = shorthand_at(lex, j, word, only);
            match at {
                Some(i) => hits[i] = read,
                None => {
                    unmatched.retain(|w| w != word);
                    hits.push(read);
                }
            }
        }
    }
    // Two truncations side by side (`salm/flut 250/50`): the one pair of drugs they start that
    // the registers hold in one product, a target among them. One of the two may be a real name
    // of another drug the word also starts (`triam`, a triamcinolone brand, in `triam/furo`):
    // the unknown word is read, and the real name goes to review beside the drug of the pair.
    for j in 0..tokens.len().saturating_sub(1) {
        let (a, b) = (&tokens[j], &tokens[j + 1]);
        if !readable(a) || !readable(b) {
            continue;
        }
        let open = |k: usize, w: &str| {
            !hits.iter().any(|p| p.pos <= k && k < p.pos + p.len)
                && unmatched.iter().any(|u| u == w)
        };
        let (open_a, open_b) = (open(j, &a.text), open(j + 1, &b.text));
        let known = |k: usize| {
            hits.iter()
                .position(|p| p.pos == k && real_other_name(lex, p))
        };
        let (known_a, known_b) = (known(j), known(j + 1));
        if !(open_a || known_a.is_some()) || !(open_b || known_b.is_some()) || !(open_a || open_b) {
            continue;
        }
        let [(x, y)] = pairs_started(lex, &a.text, &b.text)[..] else {
            continue;
        };
        for (k, word, name, open, known) in [
            (j, &a.text, x, open_a, known_a),
            (j + 1, &b.text, y, open_b, known_b),
        ] {
            if open {
                unmatched.retain(|w| w != word);
                hits.push(shorthand_at(lex, k, word, name));
            } else if let Some(i) = known
                && drugs_of(lex, hits[i].hit.name) != drugs_of(lex, name)
            {
                review_beside(lex, &mut hits[i].hit, word, [name]);
                why = why.or(Some(WHY_PAIR));
            }
        }
    }
    // Left over beside any drug (`ramipril/furo`, `triamcinolone/furosem`): a truncation of one
    // target the registers never combine with that drug is not read as it, but it is no silent
    // miss either: it goes to review naming the target.
    for (j, token) in tokens.iter().enumerate().filter(|(_, t)| readable(t)) {
        let word = token.text.as_str();
        let at = |k: usize| hits.iter().find(|p| p.pos <= k && k < p.pos + p.len);
        let before = j.checked_sub(1).and_then(at);
        if at(j).is_some()
            || (before.is_none() && at(j + 1).is_none())
            || !unmatched.iter().any(|w| w == word)
            || before.is_some_and(|p| continues_name(lex, &p.hit.text, word))
        {
            continue;
        }
        let [only] = truncated(lex, word)[..] else {
            continue;
        };
        if !involves_target(lex, only) {
            continue;
        }
        unmatched.retain(|w| w != word);
        let mut read = shorthand_at(lex, j, word, only);
        read.hit.review = vec![Candidate {
            name: only,
            score: read.hit.score,
        }];
        hits.push(read);
        why = why.or(Some(WHY_UNPAIRED));
    }
    hits.sort_by_key(|p| p.pos);
    why
}

/// A one-word vocabulary name of a drug that is no target, not yet for review: a real name
/// that may also be a truncation of another drug's name (`triam`).
fn real_other_name(lex: &Lexicon, p: &Placed) -> bool {
    p.len == 1
        && p.hit.how == How::Vocabulary
        && p.hit.review.is_empty()
        && !involves_target(lex, p.hit.name)
}

/// Sends a real name's hit to review beside the drugs its word starts (`others`).
fn review_beside(
    lex: &Lexicon,
    hit: &mut Hit,
    word: &str,
    others: impl IntoIterator<Item = NameId>,
) {
    let own = Candidate {
        name: hit.name,
        score: hit.score,
    };
    hit.review = std::iter::once(own)
        .chain(others.into_iter().map(|name| Candidate {
            name,
            score: truncation_score(lex, word, name),
        }))
        .collect();
}

/// Whether `word`, after the words `text` of a drug's name, continues a name of a drug that is no
/// target (`tramadol hydrochl`: tramadol hydrochloride, a salt cut short, not HCTZ).
fn continues_name(lex: &Lexicon, text: &str, word: &str) -> bool {
    let prefix: String = text.split(' ').chain([word]).collect();
    lex.prefixed(&prefix, MAX_PREFIXED)
        .is_none_or(|names| names.iter().any(|&id| !involves_target(lex, id)))
}

/// Whether a word may be read as a truncated name.
fn readable(token: &Token) -> bool {
    let word = token.text.as_str();
    token.kind == TokenKind::Word
        && word.len() >= MIN_LETTERS
        && word.bytes().all(|b| b.is_ascii_lowercase())
        && !wording::is_wording(word)
        && !wording::is_french(word)
}

/// How much of `name` the truncation `word` gives.
pub(super) fn truncation_score(lex: &Lexicon, word: &str, name: NameId) -> f32 {
    (word.len() as f32 / lex.key(name).len().max(1) as f32).min(0.99)
}

/// `word` at token `pos` read as the name `name` it truncates.
fn shorthand_at(lex: &Lexicon, pos: usize, word: &str, name: NameId) -> Placed {
    Placed {
        pos,
        len: 1,
        hit: Hit {
            text: word.to_owned(),
            name,
            how: How::Shorthand,
            score: truncation_score(lex, word, name),
            runner_up: None,
            review: Vec::new(),
            suffix: None,
        },
    }
}

/// The generic names `word` truncates, one per drug: its ingredient name, else its shortest.
pub(super) fn truncated(lex: &Lexicon, word: &str) -> Vec<NameId> {
    let rank = |id: NameId| (lex.origin(id) != Origin::Ingredient, lex.key(id).len());
    let Some(names) = lex.prefixed(word, MAX_PREFIXED) else {
        return Vec::new();
    };
    let mut found: Vec<(Vec<String>, NameId)> = Vec::new();
    for id in names {
        let key = lex.key(id);
        let first = key.split(' ').next().unwrap_or_default();
        if first.len() <= word.len() || !lex.is_generic(id) {
            continue;
        }
        let drugs = drugs_of(lex, id);
        match found.iter_mut().find(|(d, _)| *d == drugs) {
            Some(e) if rank(id) < rank(e.1) => e.1 = id,
            Some(_) => {}
            None => found.push((drugs, id)),
        }
    }
    found.into_iter().map(|(_, id)| id).collect()
}

/// The drugs `word` truncates that the registers combine with one of the targets.
fn partners_started(lex: &Lexicon, word: &str, targets: &[DrugId]) -> Vec<NameId> {
    truncated(lex, word)
        .into_iter()
        .filter(|&id| targets.iter().any(|&t| lex.registered_with(id, t)))
        .collect()
}

/// The targets `word` truncates that the registers combine with the drug of `other` (no target).
fn targets_started(lex: &Lexicon, word: &str, other: NameId) -> Vec<NameId> {
    truncated(lex, word)
        .into_iter()
        .filter(|&id| match lex.name(id).meaning {
            Meaning::Targets(t) => t.iter().any(|&d| lex.registered_with(other, d)),
            Meaning::Other(_) => false,
        })
        .collect()
}

/// The pairs of drugs, one started by each word and a target among them, that the registers
/// hold in one product.
fn pairs_started(lex: &Lexicon, a: &str, b: &str) -> Vec<(NameId, NameId)> {
    let targets_of = |id: NameId| match lex.name(id).meaning {
        Meaning::Targets(t) => t,
        Meaning::Other(_) => Vec::new(),
    };
    let ys: Vec<(NameId, Vec<DrugId>)> = truncated(lex, b)
        .into_iter()
        .map(|y| (y, targets_of(y)))
        .collect();
    let mut pairs = Vec::new();
    for x in truncated(lex, a) {
        let tx = targets_of(x);
        for (y, ty) in &ys {
            let together = ty.iter().any(|&t| lex.registered_with(x, t))
                || tx.iter().any(|&t| lex.registered_with(*y, t));
            if together {
                pairs.push((x, *y));
            }
        }
    }
    pairs
}
