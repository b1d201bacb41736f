#!/usr/bin/env python3
"""Write data/english_words.txt: common English words, which crampcheck never turns into a drug
by shorthand, other-language ending or fuzzy matching (`total` is not `Totalip`, `forte` is not
`Forteo`, `nature` is not `Naturetin`). A word that is itself a drug name still matches exactly:
the list only closes the approximate paths.

Source: the Debian package wamerican (SCOWL-derived American English word list; its copyright
file allows redistribution with the notice kept), file /usr/share/dict/american-english, pinned by
version and sha256 below. Entries written all in lowercase letters a-z are kept (no proper nouns,
possessives or hyphenated forms), four letters or longer (shorter words are only ever matched
exactly anyway).

Usage:
    python3 scripts/build_english_words.py            # needs: apt-get install wamerican
    python3 scripts/build_english_words.py --check    # exit 1 if data/english_words.txt is stale
    python3 scripts/build_english_words.py --words FILE
"""

import argparse
import hashlib
import re
import sys
from pathlib import Path

WORDS = "/usr/share/dict/american-english"
PACKAGE = "wamerican 2020.12.07-2"
SHA256 = "9f513f1ceadb6a01c5485b7dbdfd5118dc66cd70b59cae2851292112d4066a32"
OUT = Path(__file__).resolve().parent.parent / "data" / "english_words.txt"


def build(words_path: str) -> str:
    raw = Path(words_path).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SHA256:
        sys.exit(f"{words_path}: sha256 {digest}, expected {SHA256} ({PACKAGE})")
    words = sorted(
        {w for w in raw.decode("utf-8").split("\n") if re.fullmatch(r"[a-z]{4,}", w)}
    )
    header = [
        "# English words that crampcheck never matches approximately to a drug name",
        f"# source: {WORDS} from the Debian package {PACKAGE} (sha256 {SHA256})",
        "#   SCOWL (Spell Checker Oriented Word Lists), Copyright 2000-2011 by Kevin Atkinson:",
        '#   "Permission to use, copy, modify, distribute and sell these word lists ... is hereby',
        '#   granted without fee, provided that the above copyright notice appears in all copies"',
        "#   (/usr/share/doc/wamerican/copyright has the full notice)",
        "# kept: entries of lowercase letters a-z only, four letters or longer; sorted",
        f"# words: {len(words)}",
        "# rebuild with: python3 scripts/build_english_words.py",
    ]
    return "\n".join(header + words) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--words", default=WORDS)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    text = build(a.words)
    if a.check:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is stale: rebuild it", file=sys.stderr)
            return 1
        print(f"{OUT} is current", file=sys.stderr)
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
