//! The calibrated spelling-error model: how likely a typed word is as a misspelling of a name, as
//! a weighted optimal-string-alignment cost, and the two calibrated numbers that turn costs into
//! decisions (when two candidates are about equally likely, and when a match is too weak).
//!
//! **Cost.** Each edit costs −ln of its estimated probability (in nats), by class: substitution
//! of a QWERTY neighbour, of a sound-alike consonant (c/k/s/q, s/z/x, g/j, f/v, m/n, d/t, b/p),
//! of a vowel by a vowel (y counts as a vowel), or any other; one sound written with other
//! letters (ph/f, ck/k, ck/c, x/ks, x/cs, ch/k, qu/kw, either way); an added or dropped letter
//! that doubles its neighbour (`lasix`/`lassix`), an h after c, g, k, p, r, t or w
//! (`hydroclorothiazide`), a vowel, or any other letter; two adjacent letters swapped; a dropped
//! run of 2–3 letters that ends like the letter before it, as one edit (`simvastatin` →
//! `simvastin`: the eye skips from one `t` to the next); a run of 2–3 letters typed twice. An edit
//! that touches the first letter of either word costs `first_letter` more (the first letter is
//! rarely wrong). Matching letters cost nothing; the cost of a word is that of its cheapest
//! alignment. The cost is **not symmetric**: `cost(typed, name)` scores `typed` as a misspelling
//! of `name`, and dropping a letter is likelier than adding one.
//!
//! **Source and calibration.** The costs were estimated by `scripts/build_error_model.py` from
//! codespell's dictionary of common misspellings (PyPI `codespell==2.4.3`, file
//! `codespell_lib/data/dictionary.txt`; the dictionary is CC BY-SA 3.0, derived from English
//! Wikipedia; only numbers derived from it are shipped), by aligning each misspelling with its
//! correction (hard EM over half the corpus). On the other half, with the corpus's correct words
//! as the dictionary and crampcheck's edit limit ([`super::fuzzy::max_edits`]) choosing the
//! candidates: [`ErrorModel::review_margin`] is the gap between the two lowest costs from which
//! the lower one is the intended word at least 95% of the time (isotonic fit), and
//! [`ErrorModel::accepts`] takes a cost up to the 98% quantile of real misspellings' costs for
//! words allowed the same number of edits. `data/error_model.tsv` records the figures; see
//! `scripts/README.md`. The model never saw crampcheck's test corpus.
//!
//! The table is compiled in and parsed once ([`ErrorModel::builtin`]); should it ever fail to
//! parse, the model falls back to plain edit counting with today's rules ([`ErrorModel::plain`]).

use std::sync::OnceLock;

use anyhow::{Context, Result, bail};

/// The shipped table, made by `scripts/build_error_model.py`.
const TABLE: &str = include_str!("../../data/error_model.tsv");

/// The edit classes, in the table's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    SubKeyboard,
    SubSound,
    SubVowel,
    SubOther,
    Digraph,
    InsDouble,
    InsH,
    InsVowel,
    InsOther,
    DelDouble,
    DelH,
    DelVowel,
    DelOther,
    Transpose,
    DelSyllable,
    InsSyllable,
    FirstLetter,
}

const CLASSES: usize = 17;

/// The table's names of the classes, indexed by `Class as usize`.
const CLASS_NAMES: [&str; CLASSES] = [
    "sub_keyboard",
    "sub_sound",
    "sub_vowel",
    "sub_other",
    "digraph",
    "ins_double",
    "ins_h",
    "ins_vowel",
    "ins_other",
    "del_double",
    "del_h",
    "del_vowel",
    "del_other",
    "transpose",
    "del_syllable",
    "ins_syllable",
    "first_letter",
];

/// The decision numbers' names in the table.
const REVIEW_MARGIN: &str = "review_margin";
/// The accept thresholds by edit limit (1, 2, 3), then the stricter thresholds for a match to a
/// drug that is not a target (`clear_cost_k`).
const ACCEPT_COST: [&str; 6] = [
    "accept_cost_1",
    "accept_cost_2",
    "accept_cost_3",
    "clear_cost_1",
    "clear_cost_2",
    "clear_cost_3",
];

const VOWELS: &[u8] = b"aeiouy";
/// Letters after which an h is silent or only aspirated.
const H_AFTER: &[u8] = b"cgkprtw";
/// Sound-alike consonants (vowel pairs are their own class).
const SOUND_PAIRS: [[u8; 2]; 12] = [
    *b"ck", *b"cs", *b"kq", *b"cq", *b"sz", *b"xz", *b"xs", *b"gj", *b"fv", *b"mn", *b"dt", *b"bp",
];
const KEYBOARD_ROWS: [&[u8]; 3] = [b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];
/// One sound written two ways: (in the name, as typed), tried in this order.
const DIGRAPHS: [(&[u8], &[u8]); 14] = [
    (b"ph", b"f"),
    (b"ck", b"k"),
    (b"ck", b"c"),
    (b"x", b"ks"),
    (b"x", b"cs"),
    (b"ch", b"k"),
    (b"qu", b"kw"),
    (b"f", b"ph"),
    (b"k", b"ck"),
    (b"c", b"ck"),
    (b"ks", b"x"),
    (b"cs", b"x"),
    (b"k", b"ch"),
    (b"kw", b"qu"),
];
/// The last letters of the digraph segments, so that most cells of the reference table skip the
/// digraph checks.
#[cfg(test)]
const DIGRAPH_ENDS: &[u8] = b"fhkcsxwu";
/// Lowers `best` to `v` if `v` is less: `f32::min` for costs, which are never NaN (and never
/// -0), with one comparison.
#[inline(always)]
fn lower(best: &mut f32, v: f32) {
    if v < *best {
        *best = v;
    }
}

/// Whether each byte is in `set`, as a table.
const fn byte_table(set: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < set.len() {
        table[set[i] as usize] = true;
        i += 1;
    }
    table
}

const IS_VOWEL: [bool; 256] = byte_table(VOWELS);
const IS_H_AFTER: [bool; 256] = byte_table(H_AFTER);

/// For each byte, bit `k` set when one side of `DIGRAPHS[k]` (the name's, or the typed word's)
/// ends with it: the digraphs worth comparing where a word has that byte.
const fn digraphs_by_last_byte(name_side: bool) -> [u16; 256] {
    let mut table = [0u16; 256];
    let mut k = 0;
    while k < DIGRAPHS.len() {
        let seg = if name_side {
            DIGRAPHS[k].0
        } else {
            DIGRAPHS[k].1
        };
        table[seg[seg.len() - 1] as usize] |= 1 << k;
        k += 1;
    }
    table
}

const NAME_DIGRAPHS: [u16; 256] = digraphs_by_last_byte(true);
const TYPED_DIGRAPHS: [u16; 256] = digraphs_by_last_byte(false);

/// Lengths of a skipped or repeated syllable.
const SYLLABLES: [usize; 2] = [2, 3];

/// Names up to this many bytes are aligned in a stack buffer; longer ones allocate.
const STACK_COLUMNS: usize = 72;
/// Rows of the alignment table kept: a repeated syllable reaches three rows back.
const ROWS: usize = 4;

/// A spelling-error model: edit costs and the two calibrated decision numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorModel {
    /// Cost of each class, indexed by `Class as usize`.
    costs: [f32; CLASSES],
    /// Cost of typing the second letter where the first is meant, `a`–`z`, then one row and
    /// column for every other byte (`sub_other`).
    sub: [[f32; 27]; 27],
    review_margin: f32,
    /// Highest accepted cost for a typed word allowed 1, 2, 3 edits; then the same for a match
    /// to a drug that is not a target.
    accept: [f32; 6],
}

impl ErrorModel {
    /// The shipped model (`data/error_model.tsv`), parsed on first use.
    #[must_use]
    pub fn builtin() -> &'static ErrorModel {
        static MODEL: OnceLock<ErrorModel> = OnceLock::new();
        MODEL.get_or_init(|| ErrorModel::parse(TABLE).unwrap_or_else(|_| ErrorModel::plain()))
    }

    /// Plain edit counting with crampcheck's former rules: every edit costs 1, a runner-up within
    /// half an edit is a tie, and any match within the edit limit is accepted (half an edit over,
    /// for a difference in sound). The fallback should the shipped table not parse.
    #[must_use]
    pub fn plain() -> ErrorModel {
        let mut costs = [1.0; CLASSES];
        costs[Class::FirstLetter as usize] = 0.0;
        ErrorModel::with(costs, 0.5 + f32::EPSILON, [1.5, 2.5, 3.5, 1.5, 2.5, 3.5])
    }

    fn with(costs: [f32; CLASSES], review_margin: f32, accept: [f32; 6]) -> ErrorModel {
        let mut sub = [[costs[Class::SubOther as usize]; 27]; 27];
        for (x, row) in (b'a'..=b'z').zip(sub.iter_mut()) {
            for (y, cell) in (b'a'..=b'z').zip(row.iter_mut()) {
                *cell = if x == y {
                    0.0
                } else {
                    costs[sub_class(x, y) as usize]
                };
            }
        }
        ErrorModel {
            costs,
            sub,
            review_margin,
            accept,
        }
    }

    /// Reads a table in the format of `data/error_model.tsv`: `#` comment lines, a header line
    /// starting `parameter`, then one `name<TAB>value<TAB>…` row per parameter. Every parameter
    /// must appear exactly once, with a finite value; costs and decision numbers must be positive.
    pub fn parse(text: &str) -> Result<ErrorModel> {
        let mut costs = [f32::NAN; CLASSES];
        let mut margin = f32::NAN;
        let mut accept = [f32::NAN; 6];
        let mut header = false;
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if !header {
                if !line.starts_with("parameter\t") {
                    bail!("line {}: expected the header `parameter\\tvalue…`", n + 1);
                }
                header = true;
                continue;
            }
            let mut fields = line.split('\t');
            let name = fields.next().unwrap_or_default();
            let raw = fields.next().unwrap_or_default();
            let value: f32 = raw
                .parse()
                .with_context(|| format!("line {}: {name}: bad value {raw:?}", n + 1))?;
            if !value.is_finite() || value <= 0.0 {
                bail!("line {}: {name}: {value} is not a positive number", n + 1);
            }
            let slot = if let Some(i) = CLASS_NAMES.iter().position(|c| *c == name) {
                &mut costs[i]
            } else if name == REVIEW_MARGIN {
                &mut margin
            } else if let Some(i) = ACCEPT_COST.iter().position(|c| *c == name) {
                &mut accept[i]
            } else {
                bail!("line {}: unknown parameter {name:?}", n + 1);
            };
            if !slot.is_nan() {
                bail!("line {}: {name} given twice", n + 1);
            }
            *slot = value;
        }
        let missing = CLASS_NAMES
            .iter()
            .zip(costs)
            .chain(std::iter::once((&REVIEW_MARGIN, margin)))
            .chain(ACCEPT_COST.iter().zip(accept))
            .find(|(_, v)| v.is_nan());
        if let Some((name, _)) = missing {
            bail!("parameter {name} missing");
        }
        Ok(ErrorModel::with(costs, margin, accept))
    }

    /// Every parameter by its table name: the class costs, then `review_margin` and the
    /// `accept_cost_k`.
    pub fn parameters(&self) -> impl Iterator<Item = (&'static str, f32)> + '_ {
        CLASS_NAMES
            .iter()
            .copied()
            .zip(self.costs)
            .chain(std::iter::once((REVIEW_MARGIN, self.review_margin)))
            .chain(ACCEPT_COST.iter().copied().zip(self.accept))
    }

    /// When the two lowest costs (of candidates naming different drugs) differ by less than
    /// this, the two are about equally likely: the entry needs review.
    #[must_use]
    pub fn review_margin(&self) -> f32 {
        self.review_margin
    }

    /// The highest cost still accepted as a confident match for `typed` (a compact key): by the
    /// number of edits its length allows (see [`super::fuzzy::max_edits`]); names of four letters
    /// or fewer must be exact, so only 0 is accepted for them.
    #[must_use]
    pub fn accept_cost(&self, typed: &str) -> f32 {
        match super::fuzzy::max_edits(typed.len()) {
            0 => 0.0,
            k => self.accept[k.min(3) - 1],
        }
    }

    /// Whether a match of `typed` at `cost` is strong enough to report as a confident answer.
    #[must_use]
    pub fn accepts(&self, typed: &str, cost: f32) -> bool {
        cost <= self.accept_cost(typed)
    }

    /// Whether a match of `typed` at `cost` to a drug that is not a target is strong enough to
    /// report that drug (`clear`): a stricter threshold, below which a real name missing from the
    /// vocabulary (an unknown brand) seldom finds a neighbour, because a wrong `clear` hides a
    /// brand the vocabulary lacks (`lipex`, a simvastatin brand, is not `lidex`).
    #[must_use]
    pub fn accepts_other_drug(&self, typed: &str, cost: f32) -> bool {
        match super::fuzzy::max_edits(typed.len()) {
            0 => cost <= 0.0,
            k => cost <= self.accept[k.min(3) + 2].min(self.accept[k.min(3) - 1]),
        }
    }

    /// The cost of `typed` as a misspelling of `name` (both normalized compact keys, compared
    /// byte by byte): lower is likelier, 0 for equal words. Not symmetric (see the module doc).
    ///
    /// One pass over the alignment table, four rows kept. What a cell's edits depend on is worked
    /// out once per row (the typed letter: its insertion cost, the digraphs and repeated
    /// syllables ending there) and once per column (the name's letter: its deletion cost, the
    /// digraphs and skipped syllables ending there), so that a cell only adds and compares; the
    /// result is the same, to the bit, as the textbook table (`reference_cost` in the tests).
    #[must_use]
    pub fn cost(&self, typed: &str, name: &str) -> f32 {
        let (t, n) = (typed.as_bytes(), name.as_bytes());
        let width = n.len() + 1;
        let mut stack = [0.0f32; ROWS * STACK_COLUMNS];
        let mut stack_columns = [Column::default(); STACK_COLUMNS];
        let (mut heap, mut heap_columns) = (Vec::new(), Vec::new());
        let (d, columns): (&mut [f32], &mut [Column]) = if width <= STACK_COLUMNS {
            (&mut stack[..ROWS * width], &mut stack_columns[..width])
        } else {
            heap.resize(ROWS * width, 0.0);
            heap_columns.resize(width, Column::default());
            (&mut heap, &mut heap_columns)
        };
        let c = &self.costs;
        for (j, col) in columns.iter_mut().enumerate().skip(1) {
            *col = Column {
                letter: letter_index(n[j - 1]),
                del: c[indel(n, j - 1, false) as usize],
                digraphs: digraphs_ending(n, j, true),
                syllables: skipped_syllables(n, j),
            };
        }
        let first = c[Class::FirstLetter as usize];
        let edge = |start_i: usize, start_j: usize| {
            if start_i == 0 || start_j == 0 {
                first
            } else {
                0.0
            }
        };
        let (transpose, digraph) = (c[Class::Transpose as usize], c[Class::Digraph as usize]);
        let (del_syllable, ins_syllable) = (
            c[Class::DelSyllable as usize],
            c[Class::InsSyllable as usize],
        );
        // Four rows, the current one first: `rows[l]` is the row `l` back.
        let (r0, rest) = d.split_at_mut(width);
        let (r1, rest) = rest.split_at_mut(width);
        let (r2, r3) = rest.split_at_mut(width);
        let mut rows: [&mut [f32]; ROWS] = [r0, r1, r2, r3];
        // Row 0: the name's letters dropped (one by one, or a syllable at a time).
        {
            let cur = &mut *rows[0];
            cur[0] = 0.0;
            for j in 1..width {
                let col = columns[j];
                let mut best = cur[j - 1] + col.del + edge(0, j - 1);
                for (bit, l) in SYLLABLES.into_iter().enumerate() {
                    if col.syllables & (1 << bit) != 0 {
                        lower(&mut best, cur[j - l] + del_syllable + edge(0, j - l));
                    }
                }
                cur[j] = best;
            }
        }
        for i in 1..=t.len() {
            rows.rotate_right(1);
            let [cur, p1, p2, p3] = &mut rows;
            let (cur, p1, p2, p3): (&mut [f32], &[f32], &[f32], &[f32]) = (cur, p1, p2, p3);
            // Row i - l, for l of 1 to 3 (rows before the first are never read: every edit
            // reaching back l rows needs i >= l).
            let back = |l: usize| match l {
                1 => p1,
                2 => p2,
                _ => p3,
            };
            let a = t[i - 1];
            let subs = &self.sub[..];
            let a_letter = usize::from(letter_index(a));
            let ins = c[indel(t, i - 1, true) as usize];
            let typed_digraphs = digraphs_ending(t, i, false);
            let repeated = repeated_syllables(t, i);
            let a1 = if i >= 2 { Some(t[i - 2]) } else { None };
            // Column 0: the typed letters added.
            let mut best = p1[0] + ins + edge(i - 1, 0);
            for (bit, l) in SYLLABLES.into_iter().enumerate() {
                if repeated & (1 << bit) != 0 {
                    lower(&mut best, back(l)[0] + ins_syllable + edge(i - l, 0));
                }
            }
            cur[0] = best;
            // Cells whose edits may start in row or column 0 (`edge` adds the first-letter
            // cost) are worked out in full; every edit reaches back three rows or columns at most.
            let border = if i > SYLLABLES[1] {
                width.min(SYLLABLES[1] + 1)
            } else {
                width
            };
            for j in 1..border {
                let col = columns[j];
                let b = n[j - 1];
                let mut best = if a == b {
                    p1[j - 1]
                } else {
                    let sub = subs[usize::from(col.letter)][a_letter];
                    p1[j - 1] + sub + edge(i - 1, j - 1)
                };
                lower(&mut best, p1[j] + ins + edge(i - 1, j));
                lower(&mut best, cur[j - 1] + col.del + edge(i, j - 1));
                if let Some(a1) = a1
                    && j >= 2
                {
                    let b1 = n[j - 2];
                    if a1 == b && a == b1 && a1 != a {
                        lower(&mut best, p2[j - 2] + transpose + edge(i - 2, j - 2));
                    }
                }
                let mut both = typed_digraphs & col.digraphs;
                while both != 0 {
                    let k = both.trailing_zeros() as usize;
                    both &= both - 1;
                    let (seg_n, seg_t) = DIGRAPHS[k];
                    let (ln, lt) = (seg_n.len(), seg_t.len());
                    lower(&mut best, back(lt)[j - ln] + digraph + edge(i - lt, j - ln));
                }
                for (bit, l) in SYLLABLES.into_iter().enumerate() {
                    if col.syllables & (1 << bit) != 0 {
                        lower(&mut best, cur[j - l] + del_syllable + edge(i, j - l));
                    }
                    if repeated & (1 << bit) != 0 {
                        lower(&mut best, back(l)[j] + ins_syllable + edge(i - l, j));
                    }
                }
                cur[j] = best;
            }
            // The other cells: no edit starts in row or column 0, so `edge` is 0 and left out
            // (adding 0 to a cost, never -0, changes no bit); no cost is NaN, so a comparison
            // picks the same minimum as `f32::min`.
            let a1 = a1.unwrap_or_default();
            for j in border..width {
                let col = columns[j];
                let b = n[j - 1];
                let diagonal = p1[j - 1];
                let mut best = if a == b {
                    diagonal
                } else {
                    diagonal + subs[usize::from(col.letter)][a_letter]
                };
                let added = p1[j] + ins;
                if added < best {
                    best = added;
                }
                let dropped = cur[j - 1] + col.del;
                if dropped < best {
                    best = dropped;
                }
                if a1 == b && a == n[j - 2] && a1 != a {
                    let swapped = p2[j - 2] + transpose;
                    if swapped < best {
                        best = swapped;
                    }
                }
                let mut both = typed_digraphs & col.digraphs;
                while both != 0 {
                    let k = both.trailing_zeros() as usize;
                    both &= both - 1;
                    let (seg_n, seg_t) = DIGRAPHS[k];
                    let v = back(seg_t.len())[j - seg_n.len()] + digraph;
                    if v < best {
                        best = v;
                    }
                }
                if (col.syllables | repeated) != 0 {
                    for (bit, l) in SYLLABLES.into_iter().enumerate() {
                        if col.syllables & (1 << bit) != 0 {
                            let v = cur[j - l] + del_syllable;
                            if v < best {
                                best = v;
                            }
                        }
                        if repeated & (1 << bit) != 0 {
                            let v = back(l)[j] + ins_syllable;
                            if v < best {
                                best = v;
                            }
                        }
                    }
                }
                cur[j] = best;
            }
        }
        rows[0][n.len()]
    }

    /// The cost of typing `typed` where `meant` is meant (two different bytes).
    #[cfg(test)]
    fn substitution(&self, meant: u8, typed: u8) -> f32 {
        if meant.is_ascii_lowercase() && typed.is_ascii_lowercase() {
            self.sub[usize::from(meant - b'a')][usize::from(typed - b'a')]
        } else {
            self.costs[Class::SubOther as usize]
        }
    }
}

/// The class of typing `y` where `x` is meant (two different lowercase letters).
fn sub_class(x: u8, y: u8) -> Class {
    if VOWELS.contains(&x) && VOWELS.contains(&y) {
        Class::SubVowel
    } else if SOUND_PAIRS.iter().any(|p| *p == [x, y] || *p == [y, x]) {
        Class::SubSound
    } else if keyboard_neighbours(x, y) {
        Class::SubKeyboard
    } else {
        Class::SubOther
    }
}

/// Whether two keys touch on a QWERTY keyboard (each row sits half a key right of the one above).
fn keyboard_neighbours(x: u8, y: u8) -> bool {
    let pos = |ch: u8| {
        KEYBOARD_ROWS
            .iter()
            .enumerate()
            .find_map(|(r, row)| row.iter().position(|&k| k == ch).map(|c| (r, c)))
    };
    let (Some((r1, c1)), Some((r2, c2))) = (pos(x), pos(y)) else {
        return false;
    };
    match r2 as isize - r1 as isize {
        0 => c1.abs_diff(c2) == 1,
        -1 => c2 == c1 || c2 == c1 + 1,
        1 => c2 + 1 == c1 || c2 == c1,
        _ => false,
    }
}

/// The class of adding (`added`, `s` the typed word) or dropping (`s` the name) the byte `s[p]`.
fn indel(s: &[u8], p: usize, added: bool) -> Class {
    let ch = s[p];
    let doubled = (p > 0 && s[p - 1] == ch) || s.get(p + 1) == Some(&ch);
    let pick = |ins, del| if added { ins } else { del };
    if doubled {
        pick(Class::InsDouble, Class::DelDouble)
    } else if ch == b'h' && p > 0 && IS_H_AFTER[usize::from(s[p - 1])] {
        pick(Class::InsH, Class::DelH)
    } else if IS_VOWEL[usize::from(ch)] {
        pick(Class::InsVowel, Class::DelVowel)
    } else {
        pick(Class::InsOther, Class::DelOther)
    }
}

/// What the alignment needs to know of a name's letter, worked out once per column.
#[derive(Clone, Copy, Default)]
struct Column {
    /// The letter's index from `a` (26 and more: not a lowercase letter).
    letter: u8,
    /// The cost of dropping it.
    del: f32,
    /// Bit `k`: the name's side of `DIGRAPHS[k]` ends here.
    digraphs: u16,
    /// Bit `b`: a syllable of `SYLLABLES[b]` letters that may be skipped ends here.
    syllables: u8,
}

/// A byte's index from `a`: below 26 for a lowercase letter.
fn letter_index(b: u8) -> u8 {
    if b.is_ascii_lowercase() { b - b'a' } else { 26 }
}

/// Bit `k` set when one side of `DIGRAPHS[k]` (the name's, or the typed word's) ends `s[..end]`.
fn digraphs_ending(s: &[u8], end: usize, name_side: bool) -> u16 {
    let Some(&last) = end.checked_sub(1).and_then(|p| s.get(p)) else {
        return 0;
    };
    let table = if name_side {
        &NAME_DIGRAPHS
    } else {
        &TYPED_DIGRAPHS
    };
    let mut candidates = table[usize::from(last)];
    let mut mask = 0;
    while candidates != 0 {
        let k = candidates.trailing_zeros() as usize;
        candidates &= candidates - 1;
        let (seg_n, seg_t) = DIGRAPHS[k];
        let seg = if name_side { seg_n } else { seg_t };
        if end >= seg.len() && &s[end - seg.len()..end] == seg {
            mask |= 1 << k;
        }
    }
    mask
}

/// Bit `b` set when the name's `SYLLABLES[b]` letters ending at `end` may be skipped: the run
/// ends like the letter before it.
fn skipped_syllables(n: &[u8], end: usize) -> u8 {
    let mut bits = 0;
    for (b, l) in SYLLABLES.into_iter().enumerate() {
        if end > l && n[end - 1] == n[end - l - 1] {
            bits |= 1 << b;
        }
    }
    bits
}

/// Bit `b` set when the typed word's `SYLLABLES[b]` letters ending at `end` repeat the ones just
/// before them.
fn repeated_syllables(t: &[u8], end: usize) -> u8 {
    let mut bits = 0;
    for (b, l) in SYLLABLES.into_iter().enumerate() {
        if end >= 2 * l && t[end - l..end] == t[end - 2 * l..end - l] {
            bits |= 1 << b;
        }
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`ErrorModel::cost`] as the textbook table computes it, every edit tried at every cell.
    fn reference_cost(m: &ErrorModel, typed: &str, name: &str) -> f32 {
        let (t, n) = (typed.as_bytes(), name.as_bytes());
        let width = n.len() + 1;
        let mut stack = [0.0f32; ROWS * STACK_COLUMNS];
        let mut heap = Vec::new();
        let d: &mut [f32] = if width <= STACK_COLUMNS {
            &mut stack[..ROWS * width]
        } else {
            heap.resize(ROWS * width, 0.0);
            &mut heap
        };
        let at = |i: usize, j: usize| (i % ROWS) * width + j;
        let c = &m.costs;
        let first = c[Class::FirstLetter as usize];
        let edge = |start_i: usize, start_j: usize| {
            if start_i == 0 || start_j == 0 {
                first
            } else {
                0.0
            }
        };
        for i in 0..=t.len() {
            for j in 0..=n.len() {
                if i == 0 && j == 0 {
                    d[at(0, 0)] = 0.0;
                    continue;
                }
                let mut best = f32::INFINITY;
                if i > 0 && j > 0 {
                    let (a, b) = (t[i - 1], n[j - 1]);
                    best = if a == b {
                        d[at(i - 1, j - 1)]
                    } else {
                        d[at(i - 1, j - 1)] + m.substitution(b, a) + edge(i - 1, j - 1)
                    };
                }
                if i > 0 {
                    let v = d[at(i - 1, j)] + c[indel(t, i - 1, true) as usize] + edge(i - 1, j);
                    best = best.min(v);
                }
                if j > 0 {
                    let v = d[at(i, j - 1)] + c[indel(n, j - 1, false) as usize] + edge(i, j - 1);
                    best = best.min(v);
                }
                if i >= 2 && j >= 2 {
                    let (a1, a2, b1, b2) = (t[i - 2], t[i - 1], n[j - 2], n[j - 1]);
                    if a1 == b2 && a2 == b1 && a1 != a2 {
                        let v =
                            d[at(i - 2, j - 2)] + c[Class::Transpose as usize] + edge(i - 2, j - 2);
                        best = best.min(v);
                    }
                }
                if i > 0
                    && j > 0
                    && DIGRAPH_ENDS.contains(&t[i - 1])
                    && DIGRAPH_ENDS.contains(&n[j - 1])
                {
                    for (seg_n, seg_t) in DIGRAPHS {
                        let (ln, lt) = (seg_n.len(), seg_t.len());
                        if j >= ln && i >= lt && &n[j - ln..j] == seg_n && &t[i - lt..i] == seg_t {
                            let v = d[at(i - lt, j - ln)]
                                + c[Class::Digraph as usize]
                                + edge(i - lt, j - ln);
                            best = best.min(v);
                        }
                    }
                }
                for l in SYLLABLES {
                    if j > l && n[j - 1] == n[j - l - 1] {
                        let v = d[at(i, j - l)] + c[Class::DelSyllable as usize] + edge(i, j - l);
                        best = best.min(v);
                    }
                    if i >= 2 * l && t[i - l..i] == t[i - 2 * l..i - l] {
                        let v = d[at(i - l, j)] + c[Class::InsSyllable as usize] + edge(i - l, j);
                        best = best.min(v);
                    }
                }
                d[at(i, j)] = best;
            }
        }
        d[at(t.len(), n.len())]
    }

    fn model() -> &'static ErrorModel {
        ErrorModel::builtin()
    }

    fn param(name: &str) -> f32 {
        model()
            .parameters()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .unwrap()
    }

    /// Every string of up to `len` bytes over `alphabet`.
    fn all_strings(alphabet: &[u8], len: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..len {
            last = last
                .iter()
                .flat_map(|s| {
                    alphabet.iter().map(move |&c| {
                        let mut t = s.clone();
                        t.push(char::from(c));
                        t
                    })
                })
                .collect();
            out.extend(last.iter().cloned());
        }
        out
    }

    fn assert_same_as_reference(m: &ErrorModel, typed: &str, name: &str) {
        assert_eq!(
            m.cost(typed, name).to_bits(),
            reference_cost(m, typed, name).to_bits(),
            "{typed:?} as {name:?}"
        );
    }

    #[test]
    fn the_digraphs_ending_a_word_are_those_a_comparison_with_each_finds() {
        for word in all_strings(b"cfhkpqsuwx-", 3) {
            let w = word.as_bytes();
            for end in 0..=w.len() {
                for name_side in [true, false] {
                    let mut want = 0u16;
                    for (k, (seg_n, seg_t)) in DIGRAPHS.into_iter().enumerate() {
                        let seg = if name_side { seg_n } else { seg_t };
                        if w[..end].ends_with(seg) {
                            want |= 1 << k;
                        }
                    }
                    assert_eq!(digraphs_ending(w, end, name_side), want, "{word:?} {end}");
                }
            }
        }
    }

    #[test]
    fn the_cost_is_the_reference_table_s_to_the_bit_on_every_short_pair() {
        // Letters of the digraphs (ph, ck, x/ks, qu/kw), a silent h, a vowel and a non-letter.
        let strings = all_strings(b"ckshxa-", 3);
        for m in [model(), &ErrorModel::plain()] {
            for typed in &strings {
                for name in &strings {
                    assert_same_as_reference(m, typed, name);
                }
            }
        }
    }

    #[test]
    fn the_cost_is_the_reference_table_s_to_the_bit_on_near_and_random_pairs() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let alphabet = "aeioucksxqwphftzdnmr-9\u{e9}".chars().collect::<Vec<_>>();
        for round in 0..20_000 {
            let len = next(if round % 50 == 0 { 90 } else { 16 }) as usize;
            let mut name: Vec<char> = (0..len)
                .map(|_| alphabet[next(alphabet.len() as u64) as usize])
                .collect();
            if len > 4 && next(3) == 0 {
                // A repeated run, for the syllable edits.
                let at = next(len as u64 - 3) as usize;
                let run: Vec<char> = name[at..at + 2 + next(2) as usize].to_vec();
                name.splice(at..at, run);
            }
            let mut typed = name.clone();
            for _ in 0..next(4) {
                let i = next(typed.len() as u64 + 1) as usize;
                let c = alphabet[next(alphabet.len() as u64) as usize];
                match next(4) {
                    0 if i < typed.len() => typed[i] = c,
                    1 if i < typed.len() => {
                        typed.remove(i);
                    }
                    2 if i + 1 < typed.len() => typed.swap(i, i + 1),
                    _ => typed.insert(i, c),
                }
            }
            let (name, typed): (String, String) =
                (name.into_iter().collect(), typed.into_iter().collect());
            assert_same_as_reference(model(), &typed, &name);
            assert_same_as_reference(model(), &name, &typed);
        }
    }

    /// Words over the letters of the digraphs, doubles and syllables, a vowel, and two bytes
    /// that are not a-z; now and then over 72 bytes (the table on the heap).
    fn word() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            8 => "[ckshxaqupfwt9\u{e9}-]{0,14}",
            1 => "[ckshxaqu]{60,90}",
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 2048,
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        #[test]
        fn the_cost_is_the_reference_table_s_to_the_bit_on_generated_pairs(
            typed in word(),
            name in word(),
            added in 0usize..4,
        ) {
            // Mostly the name with a few of the other word's letters put in, so that the cheap
            // edits meet; else two unrelated words.
            let typed = if added == 0 {
                typed
            } else {
                let mut t: Vec<char> = name.chars().collect();
                for (n, c) in typed.chars().take(added).enumerate() {
                    let at = (n * 7 + added) % (t.len() + 1);
                    t.insert(at, c);
                }
                t.into_iter().collect()
            };
            for m in [model(), &ErrorModel::plain()] {
                proptest::prop_assert_eq!(
                    m.cost(&typed, &name).to_bits(),
                    reference_cost(m, &typed, &name).to_bits(),
                    "{:?} as {:?}", typed, name
                );
                proptest::prop_assert_eq!(
                    m.cost(&name, &typed).to_bits(),
                    reference_cost(m, &name, &typed).to_bits(),
                    "{:?} as {:?}", name, typed
                );
            }
        }
    }

    #[test]
    fn the_cost_is_the_reference_table_s_to_the_bit_on_misspelled_drug_names() {
        for (typed, name) in [
            ("hydroclorthiazide", "hydrochlorothiazide"),
            ("simvastin", "simvastatin"),
            ("sulphasalazine", "sulfasalazine"),
            ("naprocen", "naproxen"),
            ("kwinine", "quinine"),
            ("quinnine", "quinine"),
            ("lasssix", "lasix"),
            ("atorvastatinatin", "atorvastatin"),
            ("furosemidemide", "furosemide"),
        ] {
            assert_same_as_reference(model(), typed, name);
            assert_same_as_reference(model(), name, typed);
        }
    }

    #[test]
    fn a_weak_likeness_to_another_drug_is_not_enough_for_a_clear() {
        let m = model();
        // One unrelated letter changed: a slip, or a brand the vocabulary lacks.
        let lidex = m.cost("lipex", "lidex");
        assert!(m.accepts("lipex", lidex) && !m.accepts_other_drug("lipex", lidex));
        // A keyboard slip or a dropped letter is still a confident clear.
        assert!(m.accepts_other_drug("metforman", m.cost("metforman", "metformin")));
        assert!(m.accepts_other_drug("lisinopil", m.cost("lisinopil", "lisinopril")));
    }

    #[test]
    fn the_shipped_table_parses_and_its_parameters_are_finite_and_positive() {
        let parsed = ErrorModel::parse(TABLE).unwrap();
        assert_eq!(parsed.parameters().count(), CLASSES + 7);
        for (name, value) in parsed.parameters() {
            assert!(value.is_finite() && value > 0.0, "{name} = {value}");
        }
        // The built-in model is the shipped table, not the fallback.
        assert_eq!(model(), &parsed);
        assert_ne!(model(), &ErrorModel::plain());
    }

    #[test]
    fn a_table_with_a_missing_unknown_doubled_or_bad_parameter_is_refused() {
        let rows: Vec<&str> = TABLE.lines().collect();
        let without = |skip: &str| {
            rows.iter()
                .filter(|l| !l.starts_with(skip))
                .copied()
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert!(ErrorModel::parse(&without("transpose\t")).is_err());
        assert!(ErrorModel::parse(&without("review_margin\t")).is_err());
        assert!(ErrorModel::parse(&format!("{TABLE}bogus\t1.0\n")).is_err());
        assert!(ErrorModel::parse(&format!("{TABLE}transpose\t1.0\n")).is_err());
        for bad in ["NaN", "inf", "-1.0", "0", "x"] {
            let table = format!("{}\ntranspose\t{bad}\n", without("transpose\t"));
            assert!(ErrorModel::parse(&table).is_err(), "{bad}");
        }
        assert!(
            ErrorModel::parse("sub_keyboard\t1.0\n").is_err(),
            "no header"
        );
        assert!(ErrorModel::parse("").is_err());
    }

    #[test]
    fn equal_words_cost_nothing_and_the_cost_is_deterministic() {
        let m = model();
        assert_eq!(m.cost("simvastatin", "simvastatin"), 0.0);
        assert_eq!(m.cost("", ""), 0.0);
        let once = m.cost("hydroclorthiazide", "hydrochlorothiazide");
        for _ in 0..3 {
            assert_eq!(
                m.cost("hydroclorthiazide", "hydrochlorothiazide").to_bits(),
                once.to_bits()
            );
        }
        assert!(once.is_finite() && once > 0.0);
    }

    #[test]
    fn a_keyboard_slip_costs_less_than_a_random_substitution() {
        let m = model();
        let slip = m.cost("losaetan", "losartan"); // r → e, next key
        let random = m.cost("losamtan", "losartan"); // r → m
        assert!(slip < random, "{slip} vs {random}");
        assert_eq!(slip, param("sub_keyboard"));
        assert_eq!(random, param("sub_other"));
    }

    #[test]
    fn sound_alike_letters_and_vowel_swaps_cost_less_than_a_random_substitution() {
        let m = model();
        let random = m.cost("lasmx", "lasix");
        assert!(m.cost("furosimide", "furosemide") < random);
        assert!(m.cost("naprozen", "naproxen") < m.cost("naprowen", "naproxen"));
        assert!(m.cost("sulphasalazine", "sulfasalazine") < 2.0 * param("sub_other"));
        assert_eq!(m.cost("sulphasalazine", "sulfasalazine"), param("digraph"));
    }

    #[test]
    fn a_doubled_or_dropped_double_letter_is_cheap() {
        let m = model();
        let doubled = m.cost("lassix", "lasix");
        assert!(doubled < m.cost("lasmix", "lasix"), "another added letter");
        assert!(doubled < m.cost("lapix", "lasix"), "a random substitution");
        assert!(m.cost("hydrochlorthiazide", "hydrochlorothiazide") > 0.0);
        assert!(m.cost("acomodate", "accommodate") < m.cost("acomodte", "accommodate"));
    }

    #[test]
    fn the_cost_is_not_symmetric_a_dropped_letter_is_likelier_than_an_added_one() {
        let m = model();
        let dropped = m.cost("lasix", "lassix"); // typed without one of the name's two s
        let added = m.cost("lassix", "lasix"); // typed with an s the name has not
        assert!(dropped < added, "{dropped} vs {added}");
        assert_eq!(dropped, param("del_double"));
        assert_eq!(added, param("ins_double"));
    }

    #[test]
    fn a_dropped_repeated_syllable_is_one_cheap_edit() {
        let m = model();
        let skipped = m.cost("simvastin", "simvastatin");
        assert_eq!(skipped, param("del_syllable"));
        assert!(skipped < param("del_other") + param("del_vowel"));
    }

    #[test]
    fn simvastin_is_much_closer_to_simvastatin_than_to_its_far_fetched_neighbours() {
        let m = model();
        let best = m.cost("simvastin", "simvastatin");
        for other in ["silversulfadiazine", "nimvastid"] {
            let far = m.cost("simvastin", other);
            assert!(far - best > m.review_margin(), "{other}: {far} vs {best}");
        }
        assert!(m.accepts("simvastin", best));
    }

    #[test]
    fn aleev_is_closer_to_aleve_than_to_alesse_by_more_than_the_margin() {
        let m = model();
        let aleve = m.cost("aleev", "aleve");
        let alesse = m.cost("aleev", "alesse");
        assert!(alesse - aleve > m.review_margin(), "{aleve} vs {alesse}");
        assert!(m.accepts("aleev", aleve));
    }

    #[test]
    fn a_common_misspelling_is_accepted_and_a_word_with_many_random_edits_is_not() {
        let m = model();
        assert!(m.accepts("furosimide", m.cost("furosimide", "furosemide")));
        assert!(m.accepts("naprocen", m.cost("naprocen", "naproxen")));
        let garbled = m.cost("furqsemibe", "furosemide"); // two random substitutions
        assert!(!m.accepts("furqsemibe", garbled), "{garbled}");
        assert!(!m.accepts("zxqwvbnmlk", m.cost("zxqwvbnmlk", "furosemide")));
    }

    #[test]
    fn only_an_exact_match_is_accepted_for_a_word_of_four_letters_or_fewer() {
        let m = model();
        assert!(m.accepts("lasx", 0.0));
        assert!(!m.accepts("lasx", m.cost("lasx", "lasix")));
        assert!(m.accept_cost("lasix") < m.accept_cost("furosimide"));
        assert!(m.accept_cost("furosimide") < m.accept_cost("hydrochlorthiazide"));
    }

    #[test]
    fn an_edit_at_the_first_letter_costs_more_than_the_same_edit_later() {
        let m = model();
        let early = m.cost("alsix", "lasix");
        let later = m.cost("lsaix", "lasix");
        assert!(early > later);
        assert_eq!(later, param("transpose"));
        assert!((early - later - param("first_letter")).abs() < 1e-5);
    }

    #[test]
    fn long_names_and_other_bytes_are_aligned_without_a_panic() {
        let m = model();
        let pad = "x".repeat(100);
        let long = m.cost(&format!("{pad}lassix"), &format!("{pad}lasix"));
        assert!((long - m.cost("lassix", "lasix")).abs() < 1e-5, "{long}");
        assert!(
            m.cost("rho(d)immuneglobulin", "rho(d) immune globulin")
                .is_finite()
        );
        assert!(m.cost("é-9", "e_9").is_finite());
        assert_eq!(m.cost("", "abc"), m.cost("", "abc"));
        assert!(m.cost("abc", "").is_finite());
    }

    #[test]
    fn the_plain_model_counts_edits() {
        let p = ErrorModel::plain();
        assert_eq!(p.cost("lasix", "lasix"), 0.0);
        assert_eq!(p.cost("lassix", "lasix"), 1.0);
        assert_eq!(p.cost("furqsemibe", "furosemide"), 2.0);
        assert!(p.accepts("furosimide", 2.0));
        assert!(p.review_margin() > 0.5);
    }

    #[test]
    fn keyboard_neighbours_are_those_of_a_qwerty_keyboard() {
        for (x, y) in [
            (b'r', b'e'),
            (b'r', b't'),
            (b's', b'w'),
            (b's', b'z'),
            (b'a', b'q'),
            (b'k', b'm'),
        ] {
            assert!(
                keyboard_neighbours(x, y) && keyboard_neighbours(y, x),
                "{}{}",
                x as char,
                y as char
            );
        }
        for (x, y) in [(b'q', b'p'), (b'a', b'x'), (b'r', b'v'), (b'z', b'q')] {
            assert!(!keyboard_neighbours(x, y), "{}{}", x as char, y as char);
        }
    }
}
