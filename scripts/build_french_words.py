#!/usr/bin/env python3
"""Write data/french_words.txt: the French words of the French and Canadian product registers'
texts (forms, routes, substance names: `comprimé`, `dilué`, `aqueux`, `extrait`, `complexe`), which crampcheck
never reads as a slip or a shorthand for a drug name (`dilué` is not Diulo, `aqueux` is not
Aquex). A word of the list still matches a drug exactly or by its French ending (`néomycine`:
neomycin): the list only closes the approximate paths.

Sources:
- the BDPM files CIS_bdpm.txt (label, form, routes) and CIS_COMPO_bdpm.txt (element, substance,
  dose reference) in ../shared/sources/france-bdpm, and the French columns (ingredient, form,
  route) of Health Canada's DPD extracts in ../shared/sources/health-canada-dpd, pinned by the
  sha256 of build_products.py (imported from it);
- the French Hunspell dictionary of the Debian package hunspell-fr-classical (Dicollecte,
  MPL-2.0), read by the Debian package hunspell's `hunspell -G`, both pinned below: a word of
  the register is kept when the dictionary spells it so.

Kept: words of four letters or more once accents are folded, written in letters a-z only then;
not already in data/english_words.txt; not the whole of a name in data/vocabulary.tsv or
data/products.tsv (so no drug name is in the list: `furosémide`, `quinine` and `saccharose`
are dictionary words); not a substance of the register on its own, hydrates apart (`CAFÉINE`,
`ALCOOL`: a French drug name may be a slip for the English one, caffeine).

Usage:
    python3 scripts/build_french_words.py           # needs: apt-get install hunspell hunspell-fr-classical
    python3 scripts/build_french_words.py --check   # exit 1 if data/french_words.txt is stale
    python3 scripts/build_french_words.py --sources DIR
"""

import argparse
import csv
import hashlib
import io
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_products import INPUTS  # noqa: E402  (the pinned register files, in one place)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "french_words.txt"
ENGLISH = ROOT / "data" / "english_words.txt"
NAMES = [ROOT / "data" / "vocabulary.tsv", ROOT / "data" / "products.tsv"]

# The register files and their pinned sha256, as build_products.py reads them.
BDPM = {k: v for k, v in INPUTS.items() if k.startswith("france-bdpm/")}
DPD = {k: v for k, v in INPUTS.items() if k.startswith("health-canada-dpd/")}
# The DPD's French columns: (member, column), the member named with the extract's suffix.
DPD_COLUMNS = [("ingred", 11), ("form", 3), ("route", 3)]
# The BDPM columns read: (file, columns); every other column is a code, a date or a number.
COLUMNS = [("france-bdpm/CIS_bdpm.txt", (1, 2, 3)), ("france-bdpm/CIS_COMPO_bdpm.txt", (1, 3, 5))]
DICTIONARY = "/usr/share/hunspell/fr_FR"
DICTIONARY_PACKAGE = "hunspell-fr-classical 1:7.0-1"
DICTIONARY_SHA256 = {
    ".dic": "4b1415593d599dbd943dde6d00515bbde3b4287ab62666242d959f74ddb16a6e",
    ".aff": "b0aa05cec5f2de2372c3ab6b2726288c39fcb384e602dbade97e91020edc25a7",
}
HUNSPELL_VERSION = "Hunspell 1.7.1"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fold(word: str) -> str:
    """Accents folded as crampcheck folds them (NFKD without marks; œ and æ spelled out)."""
    s = word.lower().replace("œ", "oe").replace("æ", "ae")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


# Words that may follow a substance's name without making it another substance.
HYDRATE = re.compile(r"(anhydre|base|(mono|di|tri|hemi|sesqui|penta|hexa|hepta)?hydrate|\s)*")


def register_words(sources: Path) -> tuple:
    """The register's words (as written, lowercase), and the folded words that are a substance
    of the register on their own (`CAFÉINE`, `ALCOOL`, `CAFÉINE ANHYDRE`)."""
    for rel, digest in {**BDPM, **DPD}.items():
        got = sha256(sources / rel)
        if got != digest:
            sys.exit(f"{sources / rel}: sha256 {got}, expected {digest}")
    words, substances = set(), set()

    def substance(name):
        parts = [w for w in re.split(r"[^a-z]+", fold(name)) if w]
        if parts and HYDRATE.fullmatch(" ".join(parts[1:])):
            substances.add(parts[0])

    def add(text):
        words.update(re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text).lower()))

    with open(sources / "france-bdpm/CIS_COMPO_bdpm.txt", encoding="cp1252") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) > 3:
                substance(fields[3])
    for rel in DPD:
        with zipfile.ZipFile(sources / rel) as z:
            suffix = rel.rsplit("allfiles", 1)[1].removesuffix(".zip")
            for member, column in DPD_COLUMNS:
                text = z.read(f"{member}{suffix}.txt").decode("utf-8")
                for row in csv.reader(io.StringIO(text)):
                    if len(row) > column:
                        add(row[column])
                        if member == "ingred":
                            # `Atorvastatine (Atorvastatine calcique)`: the substance is the head.
                            substance(row[column].split("(", 1)[0])
    for rel, columns in COLUMNS:
        with open(sources / rel, encoding="cp1252") as f:
            for line in f:
                fields = line.rstrip("\n").split("\t")
                for i in columns:
                    if i < len(fields):
                        add(fields[i])
    return {w for w in words if re.fullmatch(r"[a-z]{4,}", fold(w))}, substances


def dictionary_words(words: set) -> set:
    for ext, digest in DICTIONARY_SHA256.items():
        path = Path(DICTIONARY + ext).resolve()
        got = sha256(path)
        if got != digest:
            sys.exit(f"{path}: sha256 {got}, expected {digest} ({DICTIONARY_PACKAGE})")
    version = subprocess.run(["hunspell", "-v"], capture_output=True, text=True, check=True)
    if HUNSPELL_VERSION not in version.stdout:
        sys.exit(f"hunspell: {version.stdout.splitlines()[0]}, expected {HUNSPELL_VERSION}")
    # -G prints the words the dictionary accepts, one a line, in the order given.
    out = subprocess.run(
        ["hunspell", "-d", DICTIONARY, "-G", "-i", "utf-8"],
        input="\n".join(sorted(words)) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return {w for w in out.stdout.split("\n") if w in words}


def single_word_names() -> set:
    names = set()
    for path in NAMES:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#"):
                    continue
                parts = [w for w in re.split(r"[^a-z0-9]+", fold(line.split("\t")[0])) if w]
                if len(parts) == 1:
                    names.add(parts[0])
    return names


def build(sources: Path) -> str:
    found, substances = register_words(sources)
    accepted = dictionary_words(found)
    english = {l.strip() for l in ENGLISH.read_text(encoding="utf-8").splitlines() if not l.startswith("#")}
    names = single_word_names()
    folded = {fold(w) for w in accepted}
    words = sorted(folded - english - names - substances)
    header = [
        "# French words that crampcheck never reads as a slip or a shorthand for a drug name",
        "# from: the words of the BDPM (Base de donnees publique des medicaments), CIS_bdpm.txt",
        "#   (label, form, routes) and CIS_COMPO_bdpm.txt (element, substance, dose reference),",
        "#   April 2026, sha256 " + ", ".join(d[:16] for d in BDPM.values()) + ";",
        "#   Source : Base de donnees publique des medicaments (ANSM, HAS, UNCAM).",
        "#   Licence Ouverte / Open Licence 2.0 (Etalab).",
        "# and of the French columns of Health Canada's Drug Product Database (ingredient, form,",
        "#   route: allfiles.zip, allfiles_ap.zip, allfiles_dr.zip dated 2026-04-01, sha256",
        "#   " + ", ".join(d[:16] for d in DPD.values()) + ");",
        "#   Contains information licensed under the Open Government Licence - Canada.",
        f"# kept when the French Hunspell dictionary ({DICTIONARY_PACKAGE}, Debian; fr.dic sha256",
        f"#   {DICTIONARY_SHA256['.dic'][:16]}, fr.aff {DICTIONARY_SHA256['.aff'][:16]}; {HUNSPELL_VERSION} -G) spells it so:",
        "#   Dicollecte's dictionary, Mozilla Public License 2.0 (https://mozilla.org/MPL/2.0/); this",
        "#   list of its words is under the same licence",
        "# accents folded; four letters or more; not in data/english_words.txt; not the whole of a",
        "#   name in data/vocabulary.tsv or data/products.tsv; not a substance of the register on its",
        "#   own, hydrates apart (CAFEINE, ALCOOL: the French name of a drug may be a slip for its name)",
        f"# words: {len(words)} (of {len(found)} register words, {len(folded)} French once folded)",
        "# rebuild with: python3 scripts/build_french_words.py",
    ]
    return "\n".join(header + words) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sources", type=Path, default=None,
                    help="folder of the registers (default ../shared/sources, or ../../shared/sources)")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    src = a.sources
    if src is None:
        cands = [ROOT.parent / "shared" / "sources", ROOT.parent.parent / "shared" / "sources"]
        src = next((c for c in cands if c.is_dir()), cands[0])
    text = build(src.resolve())
    if a.check:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is stale: run python3 scripts/build_french_words.py", file=sys.stderr)
            return 1
        print(f"{OUT} is current")
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
