#!/usr/bin/env python3
"""Build data/products.tsv, data/suppliers.txt and tests/roundtrip/products.tsv from four
open drug-product registers (Health Canada DPD, France BDPM, EMA medicines list, UK Biobank
Wu 2019 table), kept outside the project in ../shared/sources/.

    python3 scripts/build_products.py                 # write the three files
    python3 scripts/build_products.py --check         # rebuild in memory, exit 1 if a file differs
    python3 scripts/build_products.py --sources DIR   # registers somewhere else

Every input is pinned by sha256 (an input whose hash differs is refused), the output is
deterministic, so a rebuild reproduces the committed files byte for byte. Standard library only.
Per-step counts go to stderr. The rules are described in scripts/README.md.
"""

import argparse
import csv
import hashlib
import io
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_PRODUCTS = ROOT / "data" / "products.tsv"
OUT_SUPPLIERS = ROOT / "data" / "suppliers.txt"
OUT_ROUNDTRIP = ROOT / "tests" / "roundtrip" / "products.tsv"
VOCABULARY = ROOT / "data" / "vocabulary.tsv"
FRENCH_TABLE = ROOT / "scripts" / "french_inn.tsv"
ENGLISH_WORDS = ROOT / "data" / "english_words.txt"

# ---------------------------------------------------------------- pinned inputs
INPUTS = {
    "health-canada-dpd/allfiles.zip": "f243061ce8f41537c54305b4007d11db72a18166780e932c975c49b22faa7f03",
    "health-canada-dpd/allfiles_ap.zip": "a9c8e9249dee5f11ba9cea27d47ca9c890c26d2827580273dd4c000228f79251",
    "health-canada-dpd/allfiles_dr.zip": "49a7b5cbfbe78e0e256182ac5d92e2a53989c2879686f24d5928082813a997f5",
    "france-bdpm/CIS_bdpm.txt": "1944e91e882cb3bae19f0c72aa219bb41ee0ddc2f3dfeba68e6b2a9ad62a5c46",
    "france-bdpm/CIS_COMPO_bdpm.txt": "ae13de7097d211f0b368839ef35b99a532e016a4afa07120d996d21a55d04847",
    "ema-medicines/medicines_output_medicines_en.xlsx": "bdad717dec2ad14df72f74997960a439b664d94f496e9fd9791d72e60c038886",
    "uk-biobank-wu2019/wu_nat_commun_2019_supp_data_1.xlsx": "ed03f0acf2b2ed8527e8810c03c45abfa2c6638316cfa3d267d3b37136d11cbe",
}

SOURCES = [
    ("CA", "Health Canada Drug Product Database (DPD), extracts allfiles.zip, allfiles_ap.zip, "
     "allfiles_dr.zip dated 2026-04-01 (mirror bcgov/MOH-FederalDrugDataFile, commit 809bab3f)",
     "Contains information licensed under the Open Government Licence - Canada."),
    ("FR", "Base de donnees publique des medicaments (BDPM), CIS_bdpm.txt and CIS_COMPO_bdpm.txt, "
     "April 2026 (copy stockfoule-lang/medicapp-backend-v2, commit 38465b8b)",
     "Source : Base de donnees publique des medicaments (ANSM, HAS, UNCAM). "
     "Licence Ouverte / Open Licence 2.0 (Etalab)."),
    ("EU", "European Medicines Agency, Medicines output (EPAR list), snapshot 2024-08-22 "
     "(copy yumi-h-1/Automated-EMA-NICE-Data-Scraping, commit 31ed29f0)",
     "Source: European Medicines Agency."),
    ("UK", "Wu Y et al. Genome-wide association study of medication-use and associated disease in "
     "the UK Biobank. Nat Commun 2019;10:1891, doi:10.1038/s41467-019-09572-5, Supplementary "
     "Data 1 (copy kenhanscombe/ukbkings, commit 02cbf89e)",
     "CC BY 4.0: Wu Y et al., Nat Commun 2019;10:1891."),
]

# ---------------------------------------------------------------- targets
TARGETS = frozenset("""atorvastatin simvastatin rosuvastatin pravastatin lovastatin fluvastatin
pitavastatin cerivastatin hydrochlorothiazide chlorthalidone chlorothiazide indapamide metolazone
bendroflumethiazide methyclothiazide hydroflumethiazide polythiazide trichlormethiazide quinethazone
cyclopenthiazide benzthiazide clopamide xipamide altizide butizide mebutizide furosemide bumetanide
torsemide spironolactone eplerenone amiloride triamterene salmeterol formoterol vilanterol
olodaterol indacaterol arformoterol raloxifene naproxen teriparatide quinine""".split()) | {
    "ethacrynic acid", "iron sucrose", "conjugated estrogens"}

# Other spellings of a target (after the salt words are removed).
TARGET_ALIASES = {
    "frusemide": "furosemide", "torasemide": "torsemide", "chlortalidone": "chlorthalidone",
    "etacrynic acid": "ethacrynic acid", "ethacrynate": "ethacrynic acid",
    "etacrynate": "ethacrynic acid", "bendrofluazide": "bendroflumethiazide",
    "hydroquinine": "quinine", "quinine base": "quinine",
    "estrogens, conjugated": "conjugated estrogens", "conjugated oestrogens": "conjugated estrogens",
    "oestrogens conjugated": "conjugated estrogens", "oestrogens, conjugated": "conjugated estrogens",
    "estrogens conjugated": "conjugated estrogens", "conjugated equine estrogens": "conjugated estrogens",
    "ferric hydroxide sucrose complex": "iron sucrose", "iron sucrose complex": "iron sucrose",
    "iron hydroxide sucrose complex": "iron sucrose", "saccharated iron oxide": "iron sucrose",
    "thiabutazide": "butizide", "buthiazide": "butizide", "cyclopentiazide": "cyclopenthiazide",
}

# Salt, ester-free counter-ion and hydrate words: removed to find the parent moiety.
SALT_WORDS = frozenset("""hydrochloride dihydrochloride hydrobromide sulfate sulphate bisulfate
hemisulfate gluconate benzoate sodium disodium potassium dipotassium calcium magnesium zinc maleate
fumarate hemifumarate tartrate bitartrate xinafoate trifenatate acetate mesylate mesilate besilate
besylate citrate phosphate succinate lactate hydrate monohydrate dihydrate trihydrate hemihydrate
sesquihydrate anhydrous solvate propylene glycol ethanolate base salicylate arsenite""".split())

# ---------------------------------------------------------------- name cleaning
FORM_WORDS = frozenset("""tablet tablets tab tabs capsule capsules cap caps caplet caplets
injection injections injectable solution solutions suspension suspensions emulsion cream creme
ointment gel gels lotion syrup elixir drops drop eye ear nasal oral spray sprays inhaler inhalers
inhalation powder powders granules granule sachet sachets patch patches vial vials ampoule ampoules
pen pens syringe syringes prefilled pre-filled kit kits pack packs film film-coated coated
chewable dispersible effervescent soluble liquid mixture suppository suppositories pessary
pessaries enema foam shampoo paste lozenge lozenges gum intravenous iv im subcutaneous topical
transdermal vaginal rectal sublingual buccal orodispersible m/r e/c s/f f/c modified release
prolonged extended delayed gastro-resistant concentrate infusion for use usp bp ph.eur nf tablet's
comprime comprimes comprimé comprimés gelule gelules gélule gélules pommade sirop gouttes collyre
buvable poudre injectable lyophilisat suppositoire ovule dispositif flacon ampoule seringue
pre-remplie préremplie pelliculé pellicule sécable secable enrobé enrobe orodispersible
effervescent dispersible granulés sachet-dose inj liq i.v sans sucre adulte adultes enfant
enfants nourrisson nourrissons""".split())
TRAILING_STOP = frozenset({"and", "et", "with", "de", "du", "des", "en", "à", "a.", "pour",
                           "for", "in", "&", "+", "-", "/", "with", "sans", "avec"})

# Words that mean "an ingredient" when they abbreviate one of the product's own ingredients.
ABBREVIATIONS = {
    "hctz": "hydrochlorothiazide", "hct": "hydrochlorothiazide", "asa": "aspirin",
    "apap": "acetaminophen", "hcl": "hydrochloride",
}
CONNECTORS = frozenset({"and", "et", "with", "&", "+", "avec", "y", "und", "de", "d", "du", "des",
                        "a", "la", "l", "le", "dl", "in", "en"})
# Release and pack wording that a generic name may carry (doxazosine teva lp, pms-ciprofloxacin xl);
# combination words (plus, comp, co, hct, h, d, diu, a, forte, mite) are not among them.
RELEASE_WORDS = frozenset("""lp sr xl la mr cr xr er ec odt retard conseil generique generiques
generics generic gen""".split())
LEGAL_WORDS = frozenset("""inc ltd limited llc gmbh ag sas sa sarl plc bv nv ab oy srl spa corp
corporation co kg ulc pty se eeig dac hf lab labo""".split())

LEGAL_FORMS = [
    "inc", "incorporated", "ltd", "limited", "llc", "l.l.c", "gmbh", "ag", "sas", "s.a.s", "s.a.s.u",
    "sasu", "sa", "s.a", "sarl", "s.a.r.l", "plc", "bv", "b.v", "nv", "n.v", "a/s", "as", "ab", "oy",
    "oyj", "srl", "s.r.l", "spa", "s.p.a", "corp", "corporation", "co", "company", "kg", "ulc", "lp",
    "l.p", "pty", "pvt", "private", "sp. z o.o", "sp.z o.o", "d.o.o", "d.d", "hf", "ehf", "eeig",
    "dac", "uc", "kft", "a.s", "zrt", "sl", "s.l", "se", "ltda", "s.a.u", "sau", "k.k", "s.c.s",
    "snc", "s.n.c", "sca", "s.c.a", "gie", "ltée", "ltee", "ulc/sri", "sri", "s.e.c", "sec", "llp",
    "ug", "gmbh & co. kg", "gmbh & co kg", "& co. kg", "& co kg", "co. kg", "ab (publ)", "a.e",
    "s.l.u", "slu", "unlimited company", "designated activity company", "pharma eeig",
]
DESCRIPTOR_WORDS = frozenset("""pharma pharmaceutical pharmaceuticals pharmaceutique pharmaceutiques
pharmaceutica pharmaceutici farmaceutici farma laboratoires laboratoire laboratories laboratory labs
lab labo healthcare health santé sante canada france europe european europharm international
industrie industries group groupe holding holdings products produits medical medicals biotech
therapeutics sciences science consumer care""".split())


def fold(s):
    """Lowercase, accents removed (NFKD, combining marks dropped)."""
    s = unicodedata.normalize("NFKD", s.lower())
    return "".join(c for c in s if not unicodedata.combining(c))


def collapse(s):
    return " ".join(s.split())


WORD_SPLIT = re.compile(r"[\s/\-+,&()\[\].;:'\"’]+")


def words(s):
    return [w for w in WORD_SPLIT.split(fold(s)) if w]


STRENGTH_TOKEN = re.compile(r"^[#(]?[\d.,]")
LEADING_STRENGTH = re.compile(r"^[\d.,/]+(%|mg|g|mcg|ml|meq|mmol|iu|ui|units?)?$")


def clean_name(label, company_words=frozenset()):
    """The name a person types from a register's label line: lowercase, parentheticals and
    brackets removed, cut at the first strength token, trailing form/route/pack words and the
    product's own company words removed. Returns '' if nothing usable is left."""
    s = unicodedata.normalize("NFC", label).lower().replace("’", "'").replace("®", " ").replace("™", " ")
    s = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", s)
    s = re.sub(r"(?<=[a-z])-(?=\d+(?:\.\d+)?(?:\s|$))", " ", s)  # atorvastatin-40, adizem-60
    s = s.replace("(", " ").replace(")", " ")
    toks = s.split()
    while len(toks) > 1 and LEADING_STRENGTH.match(toks[0]):
        toks.pop(0)
    for i, t in enumerate(toks):
        if i > 0 and STRENGTH_TOKEN.match(t):
            toks = toks[:i]
            break
    changed = True
    while toks and changed:
        changed = False
        last = toks[-1].strip(",;:")
        if not last or last in FORM_WORDS or fold(last) in FORM_WORDS or last in TRAILING_STOP:
            toks.pop()
            changed = True
        elif len(toks) > 1 and fold(last) in company_words:
            toks.pop()
            changed = True
    name = collapse(" ".join(toks)).strip(" ,;:-/&+.")
    if len(name) < 3 or not re.search(r"[a-zà-ÿ]", name):
        return ""
    return name


# ---------------------------------------------------------------- inputs
def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify(src):
    for rel, want in INPUTS.items():
        p = src / rel
        if not p.is_file():
            sys.exit(f"error: missing input {p}")
        got = sha256(p)
        if got != want:
            sys.exit(f"error: {p}: sha256 {got} differs from the pinned {want}; refusing it")
    print(f"inputs: {len(INPUTS)} files, sha256 verified", file=sys.stderr)


NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def xlsx_rows(path):
    """Rows of the first sheet of an .xlsx file as lists of strings (trailing blanks trimmed)."""
    z = zipfile.ZipFile(path)
    strings = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(NS + "si"):
            strings.append("".join(t.text or "" for t in si.iter(NS + "t")))
    rows = []
    for r in ET.fromstring(z.read("xl/worksheets/sheet1.xml")).iter(NS + "row"):
        cells = {}
        for c in r.iter(NS + "c"):
            ref = re.match(r"[A-Z]+", c.get("r")).group(0)
            idx = 0
            for ch in ref:
                idx = idx * 26 + ord(ch) - 64
            v = c.find(NS + "v")
            t = c.get("t")
            if t == "s":
                val = strings[int(v.text)]
            elif t == "inlineStr":
                val = "".join(x.text or "" for x in c.iter(NS + "t"))
            else:
                val = v.text if v is not None and v.text else ""
            cells[idx - 1] = val
        row = [cells.get(i, "") for i in range(max(cells) + 1)] if cells else []
        while row and not row[-1].strip():
            row.pop()
        rows.append(row)
    return rows


class Product:
    __slots__ = ("source", "market", "id", "label", "names", "raw_ingredients", "ingredients",
                 "company", "company_words", "homeopathic", "other_names")

    def __init__(self, source, market, pid, label):
        self.source, self.market, self.id, self.label = source, market, pid, label
        self.names = []
        self.raw_ingredients = []   # as the register writes them
        self.ingredients = []       # international names
        self.company = []
        self.company_words = frozenset()
        self.homeopathic = False
        self.other_names = []       # BDPM: the SA or FT names not chosen (FER of iron sucrose)


def read_canada(src, stats):
    products = {}
    files = [("allfiles.zip", ""), ("allfiles_ap.zip", "_ap"), ("allfiles_dr.zip", "_dr")]
    classes = Counter()
    for zname, suf in files:
        z = zipfile.ZipFile(src / "health-canada-dpd" / zname)

        def rows(member):
            text = z.read(member).decode("utf-8")
            return list(csv.reader(io.StringIO(text)))

        vet = {r[0] for r in rows(f"vet{suf}.txt") if r}
        drugs = {}
        for r in rows(f"drug{suf}.txt"):
            if not r:
                continue
            classes[r[2]] += 1
            if r[2] != "Human" or r[0] in vet:
                continue
            drugs[r[0]] = r
        for code, r in drugs.items():
            if code in products:
                stats["CA duplicate drug code (kept first)"] += 1
                continue
            p = Product("dpd", "CA", code, r[4])
            products[code] = p
        for r in rows(f"ingred{suf}.txt"):
            if r and r[0] in drugs and r[0] in products and products[r[0]].label == drugs[r[0]][4]:
                products[r[0]].raw_ingredients.append(r[2])
        for r in rows(f"comp{suf}.txt"):
            if r and r[0] in drugs and r[0] in products:
                products[r[0]].company.append(r[3])
    for k, v in sorted(classes.items()):
        stats[f"CA register class {k}"] = v
    out = [p for _, p in sorted(products.items(), key=lambda kv: int(kv[0]))]
    stats["CA human products"] = len(out)
    return out


def read_france(src, stats):
    products = {}
    with open(src / "france-bdpm" / "CIS_bdpm.txt", encoding="cp1252") as f:
        for line in f:
            c = line.rstrip("\r\n").split("\t")
            if len(c) < 12:
                stats["FR malformed CIS rows"] += 1
                continue
            p = Product("bdpm", "FR", c[0], c[1].strip())
            p.company = [h.strip() for h in c[10].split(";") if h.strip()]
            p.homeopathic = "homéo" in c[5].lower()
            products[c[0]] = p
    stats["FR products"] = len(products)
    links = defaultdict(lambda: {"SA": [], "FT": []})
    with open(src / "france-bdpm" / "CIS_COMPO_bdpm.txt", encoding="cp1252") as f:
        for line in f:
            c = line.rstrip("\r\n").split("\t")
            if len(c) < 8 or c[0] not in products:
                stats["FR composition rows without a product"] += 1
                continue
            links[(c[0], c[1], c[7])][c[6].strip()].append(c[3].strip())
    for (cis, _element, _link), byn in sorted(links.items()):
        p = products[cis]
        sa, ft = byn["SA"], byn["FT"]
        # The FT row names the base of the SA salt; it is preferred, except where the base is a
        # bare element (FER for iron sucrose), which would lose what the product is.
        chosen = ft if ft and sa and ft_is_base(ft, sa) else sa or ft
        if ft and sa and chosen is sa:
            stats["FR links whose FT is not the base of the SA (SA kept)"] += 1
        for x in chosen:
            if x not in p.raw_ingredients:
                p.raw_ingredients.append(x)
        p.other_names.extend(x for x in sa + ft if x not in chosen)
        if any("homéopathique" in x.lower() for x in sa + ft):
            p.homeopathic = True
    out = [p for _, p in sorted(products.items())]
    homeo = sum(p.homeopathic for p in out)
    stats["FR homeopathic products (left out)"] = homeo
    out = [p for p in out if not p.homeopathic]
    stats["FR products kept"] = len(out)
    return out


def ft_is_base(ft, sa):
    """The FT row names the base of the SA salt: every word of it (but "base") is an SA word.
    Not so for FER beside an iron sucrose complex, or TERIPARATIDE beside palopegteriparatide."""
    sw = set()
    for x in sa:
        sw.update(words(x))
    def core(x):
        return {w for w in words(x) if w not in ("base", "acide", "element", "anhydre")
                and "hydrat" not in w}
    return all(core(x) <= sw for x in ft)


BARE_ELEMENTS = frozenset({"fer", "iron", "fer ferrique", "fer ferreux", "calcium", "magnesium",
                           "zinc", "potassium", "sodium", "lithium", "iode", "fluor"})

EMA_KEPT_STATUS = frozenset({"Authorised", "Withdrawn", "Lapsed", "Expired", "Revoked",
                             "Suspended", "Opinion"})


def read_ema(src, stats):
    rows = xlsx_rows(src / "ema-medicines" / "medicines_output_medicines_en.xlsx")
    hdr = next(i for i, r in enumerate(rows) if r and r[0] == "Category")
    head = rows[hdr]
    col = {h: i for i, h in enumerate(head)}
    i_name, i_num = col["Name of medicine"], col["EMA product number"]
    i_status, i_subst = col["Medicine status"], col["Active substance"]
    i_inn = col["International non-proprietary name (INN) / common name"]
    i_mah = col["Marketing authorisation developer / applicant / holder"]
    out = []
    for r in rows[hdr + 1:]:
        if not r:
            continue
        r = r + [""] * (len(head) - len(r))
        stats[f"EU {r[0]} {r[i_status]}"] += 1
        if r[0] != "Human" or r[i_status] not in EMA_KEPT_STATUS:
            continue
        p = Product("ema", "EU", r[i_num].strip(), r[i_name].strip())
        subst = r[i_subst].strip() or r[i_inn].strip()
        p.raw_ingredients = [x.strip() for x in subst.split(";") if x.strip()]
        p.company = [r[i_mah].strip()] if r[i_mah].strip() else []
        out.append(p)
    out.sort(key=lambda p: p.id)
    stats["EU human products kept (authorised at some time)"] = len(out)
    return out


# Wrong rows of the Wu table, corrected from a second source (scripts/README.md).
WU_CORRECTIONS = {
    # Premique Cycle (UK): conjugated oestrogens 0.625 mg + medroxyprogesterone acetate 10 mg,
    # like the table's own Premique row; the table gives estradiol instead.
    "premique cycle 10mg tablet": ["Conjugated Estrogens", "Medroxyprogesterone Acetate"],
    # Burinex A (UK): bumetanide 1 mg + amiloride hydrochloride 5 mg (the "A"); the table maps it
    # by its ATC code C03CA02 to bumetanide alone. No other register here has the product.
    "burinex a tablet": ["Bumetanide", "Amiloride"],
    # Co-amoxiclav: amoxicillin + clavulanic acid (its name says so); the table gives amoxicillin.
    "co-amoxiclav": ["Amoxicillin", "Clavulanic Acid"],
}


def read_wu(src, stats):
    rows = xlsx_rows(src / "uk-biobank-wu2019" / "wu_nat_commun_2019_supp_data_1.xlsx")
    hdr = next(i for i, r in enumerate(rows) if r and r[0] == "Category")
    out = []
    for r in rows[hdr + 1:]:
        if len(r) < 4 or not r[0].strip():
            continue
        label = r[0].strip()
        p = Product("wu2019", "UK", r[1].strip(), label)
        ingr = [x.strip() for x in r[3].split("|") if x.strip()]
        if label in WU_CORRECTIONS:
            stats["UK rows corrected"] += 1
            ingr = WU_CORRECTIONS[label]
        p.raw_ingredients = ingr
        out.append(p)
    stats["UK medications"] = len(out)
    combo = re.compile(r"(^co-|\b(plus|comp|hct|a|k|diu|compositum)\b)")
    for p in out:
        if len(p.raw_ingredients) == 1 and combo.search(p.label):
            print(f"  UK single-ingredient row with a combination word (check it): {p.label} -> "
                  f"{p.raw_ingredients[0]}", file=sys.stderr)
    return out


# ---------------------------------------------------------------- ingredient names
class Vocab:
    def __init__(self, path):
        self.substances = set()
        self.name_to = defaultdict(set)
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or line.startswith("name\t"):
                    continue
                n, s = line.rstrip("\n").split("\t")
                self.substances.add(s)
                self.name_to[n].add(s)
        self.sha = sha256(path)
        self.heads = set()
        for n in list(self.name_to) + list(self.substances):
            w = n.split()
            for k in range(1, len(w)):
                self.heads.add(" ".join(w[:k]))

    def known(self, n):
        return n in self.substances or n in self.name_to

    def head(self, n):
        """Whether n starts a vocabulary name ("eribulin" of "eribulin mesylate")."""
        return n in self.heads

    def canonical(self, n):
        """The UNII substance for an English name: itself if it is one, else the single
        substance a vocabulary name points to, else the name unchanged."""
        if n in self.substances:
            return n, "substance"
        subs = self.name_to.get(n)
        if subs and len(subs) == 1:
            return next(iter(subs)), "name"
        return n, "unknown"


FR_SALT_NOUNS = {  # "X DE base" -> "base X"
    "chlorhydrate": "hydrochloride", "dichlorhydrate": "dihydrochloride",
    "bromhydrate": "hydrobromide", "sulfate": "sulfate", "maleate": "maleate",
    "fumarate": "fumarate", "hemifumarate": "hemifumarate", "tartrate": "tartrate",
    "bitartrate": "bitartrate", "acetate": "acetate", "citrate": "citrate",
    "phosphate": "phosphate", "succinate": "succinate", "mesilate": "mesilate",
    "besilate": "besilate", "lactate": "lactate", "gluconate": "gluconate",
    "benzoate": "benzoate", "xinafoate": "xinafoate", "trifenatate": "trifenatate",
    "propionate": "propionate", "dipropionate": "dipropionate", "furoate": "furoate",
    "valerate": "valerate", "chlorure": "chloride", "bromure": "bromide", "iodure": "iodide",
    "nitrate": "nitrate", "oxyde": "oxide", "hydroxyde": "hydroxide", "carbonate": "carbonate",
    "bicarbonate": "bicarbonate", "tosilate": "tosilate", "mesylate": "mesylate",
    "stearate": "stearate", "palmitate": "palmitate", "decanoate": "decanoate",
    "enantate": "enantate", "pamoate": "pamoate", "embonate": "embonate", "oxalate": "oxalate",
    "salicylate": "salicylate", "glycinate": "glycinate", "ascorbate": "ascorbate",
    "sulfure": "sulfide", "cilexetil": "cilexetil", "hemisulfate": "hemisulfate",
    "hyclate": "hyclate", "napadisilate": "napadisilate", "arsenite": "arsenite",
    "fluorure": "fluoride", "selenite": "selenite", "thiosulfate": "thiosulfate",
    "alginate": "alginate", "fumarate acide": "fumarate",
}
FR_ADJECTIVES = {
    "sodique": "sodium", "disodique": "disodium", "trisodique": "trisodium",
    "potassique": "potassium", "dipotassique": "dipotassium", "calcique": "calcium",
    "magnesique": "magnesium", "zincique": "zinc", "lithique": "lithium", "ferreux": "ferrous",
    "ferrique": "ferric", "ammonique": "ammonium", "hydrate": "hydrate", "hydratee": "hydrate",
    "monohydrate": "monohydrate", "monohydratee": "monohydrate", "dihydrate": "dihydrate",
    "dihydratee": "dihydrate", "trihydrate": "trihydrate", "trihydratee": "trihydrate",
    "hemihydrate": "hemihydrate", "hemihydratee": "hemihydrate", "sesquihydrate": "sesquihydrate",
    "sesquihydratee": "sesquihydrate", "pentahydrate": "pentahydrate", "pentahydratee": "pentahydrate",
    "hexahydrate": "hexahydrate", "hexahydratee": "hexahydrate", "heptahydrate": "heptahydrate",
    "heptahydratee": "heptahydrate", "tetrahydrate": "tetrahydrate", "tetrahydratee": "tetrahydrate",
    "anhydre": "anhydrous", "humaine": "human", "humain": "human", "monosodique": "sodium",
    "monopotassique": "potassium", "dodecahydrate": "dodecahydrate", "dodecahydratee": "dodecahydrate",
    "dilue": "", "diluee": "", "desseche": "", "dessechee": "", "base": "", "micronise": "",
    "micronisee": "", "arginine": "arginine", "meglumine": "meglumine", "tert-butylamine": "erbumine",
}
FR_IN_ENDINGS = ("statine", "mycine", "micine", "cilline", "floxacine", "oxacine", "gliptine",
                 "parine", "rubicine", "platine", "toxine", "globuline", "insuline", "pentine",
                 "gabaline", "formine", "toine", "goxine", "farine", "azoline", "rapamycine",
                 "tropine", "sporine")


def fr_word(w):
    """One French word (folded) to its English form."""
    if w.endswith("profene"):
        return w[:-1]
    for e in FR_IN_ENDINGS:
        if w.endswith(e):
            return w[:-1]
    return w


def fr_variants(w):
    out = [fr_word(w)]
    if w.endswith("e"):
        out.append(w[:-1])
    if w.endswith("ere"):
        out.append(w[:-3] + "er")
    out.append(w)
    return list(dict.fromkeys(out))


class French:
    def __init__(self, path, vocab):
        self.table = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                fr, en = line.rstrip("\n").split("\t")
                self.table[fold(fr).strip()] = en.strip()
        self.vocab = vocab
        self.sha = sha256(path)

    def translate(self, raw):
        s = collapse(fold(raw)).replace("’", "'")
        if s in self.table:
            return self.table[s]
        s = re.sub(r"\s*\((sous forme|exprime|equivalent)[^)]*\)", "", s)
        # "X (CHLORHYDRATE D') HYDRATE", "QUININE (BENZOATE DE)", "IBANDRONIQUE (ACIDE)":
        # the bracket is the head noun, put back in front.
        m = re.match(r"^(.*?)\s*\(([\w-]+)(\s+d[e']?'?)?\s*\)\s*(.*)$", s)
        if m and (m.group(2) in FR_SALT_NOUNS or m.group(2) == "acide" or m.group(3)):
            if m.group(1) in ("ferreux", "ferrique"):  # "FERREUX (SULFATE)"
                s = f"{m.group(2)} {m.group(1)} {m.group(4)}".strip()
            else:
                s = f"{m.group(2)} de {m.group(1)} {m.group(4)}".strip()
            s = s.replace("acide de ", "acide ")
        s = s.replace("d'", "de ")
        toks = s.split()
        tail = []
        while toks and toks[-1] in FR_ADJECTIVES and len(toks) > 1 and toks[-1] not in ("ferreux", "ferrique"):
            if FR_ADJECTIVES[toks[-1]]:
                tail.insert(0, FR_ADJECTIVES[toks[-1]])
            toks.pop()
        salt = []
        # "SULFATE FERREUX" -> "ferrous sulfate"
        if len(toks) == 2 and toks[0] in FR_SALT_NOUNS and toks[1] in ("ferreux", "ferrique"):
            return f"{FR_ADJECTIVES[toks[1]]} {FR_SALT_NOUNS[toks[0]]}" + "".join(" " + t for t in tail)
        while len(toks) > 2 and toks[0] in FR_SALT_NOUNS and toks[1] == "de":
            salt.append(FR_SALT_NOUNS[toks[0]])
            toks = toks[2:]
        if toks and toks[0] == "acide" and len(toks) >= 2 and toks[-1].endswith("ique"):
            return " ".join(toks[1:])[:-4] + "ic acid"
        if len(toks) == 2 and toks[1] == "acide" and toks[0].endswith("ique"):
            return toks[0][:-4] + "ic acid"
        # "PHENYLBUTYRATE DE SODIUM" -> "sodium phenylbutyrate" (a cation named after "de")
        if len(toks) == 3 and toks[1] == "de" and toks[2] in FR_CATIONS:
            toks = [FR_CATIONS[toks[2]], toks[0]]
        base = []
        for t in toks:
            if t in FR_ADJECTIVES:
                if FR_ADJECTIVES[t]:
                    tail.append(FR_ADJECTIVES[t])
            else:
                base.append(t)
        if not base:
            return collapse(" ".join(toks))
        joined = " ".join(base)
        if joined in self.table:
            cands = [self.table[joined].split()]
        else:
            cands = [[]]
            for w in base:
                cands = [c + [v] for c in cands for v in fr_variants(w)][:64]
        suffixes = [salt + tail, salt + [t for t in tail if t not in HYDRATES], []]
        for suffix in suffixes:
            for c in cands:
                n = " ".join(c + suffix)
                if self.vocab.known(n):
                    return n
        for c in cands:
            if self.vocab.head(" ".join(c)):
                return " ".join(c + salt + tail)
        return " ".join(cands[0] + salt + tail)


HYDRATES = frozenset({"hydrate", "monohydrate", "dihydrate", "trihydrate", "hemihydrate",
                      "sesquihydrate", "anhydrous"})
FR_CATIONS = {"sodium": "sodium", "potassium": "potassium", "calcium": "calcium",
              "magnesium": "magnesium", "zinc": "zinc", "lithium": "lithium"}


def canada_ingredient(raw):
    """DPD writes "BASE (SALT)": the salt when it names the base, or when the base is a bare
    element (IRON (IRON SUCROSE)); otherwise the base (FACTOR VIII (RECOMBINANT))."""
    s = collapse(raw.lower())
    m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", s)
    if not m:
        return s
    base, paren = m.group(1).strip(), m.group(2).strip()
    if paren and "," not in paren and (set(words(paren)) & set(words(base)) or base in BARE_ELEMENTS):
        return paren
    return base


# English spellings the vocabulary does not know, to the one it knows.
ENGLISH_FIX = {
    "oestrogens conjugated": "conjugated estrogens", "oestrogens, conjugated": "conjugated estrogens",
    "conjugated oestrogens": "conjugated estrogens", "glycopyrronium": "glycopyrrolate",
    "glycopyrronium bromide": "glycopyrrolate",
}


def plain_english(raw):
    """EMA and Wu names: lowercase, "(as ...)" notes and a trailing ", hydrate" removed."""
    s = collapse(raw.lower())
    s = re.sub(r"\s*\((as|equivalent to|expressed as)\b[^()]*\)", "", s)
    s = re.sub(r",\s*(\w*hydrate|anhydrous)$", " \\1", s)
    s = collapse(s)
    return ENGLISH_FIX.get(s, s)


def english(p, french):
    out = []
    for raw in p.raw_ingredients:
        if p.market == "FR":
            n = french.translate(raw)
            n = ENGLISH_FIX.get(n, n)
        elif p.market == "CA":
            n = canada_ingredient(raw)
        else:
            n = plain_english(raw)
        out.append(n)
    return out


def moiety(n):
    w = [x for x in re.split(r"[\s,()]+", n) if x and x not in SALT_WORDS]
    return " ".join(w) if w else n


KEY_WORDS = SALT_WORDS | frozenset("""bromide chloride iodide tosylate tosilate tromethamine erbumine
meglumine arginine pentahydrate hemipentahydrate hexahydrate heptahydrate hemiheptahydrate
sesquihydrate furoate propionate dipropionate valerate butyrate cilexetil medoxomil axetil pivoxil
palmitate decanoate enantate undecanoate hexanoate diacid lysine propanediol dimaleate tetrasodium
trisodium esylate esilate pamoate embonate dimeglumine isethionate hyclate monosodium
monopotassium dipropionate""".split())


# A register name that is one common English word (`data/english_words.txt`) is a product line
# or a label's leftover (`nose`, `travel`, `original`, `kids`, `dialysis`, `complete`), not a
# word a person writes for that drug: free text uses it for something else (`saline nose spray`,
# `melatonin for travel`). Such a name is left out unless a product of that name holds a target
# (never lost; a name with two meanings goes to review) or it is the medicine's own name, reviewed
# by eye here:
ENGLISH_KEPT = {
    "adrenalin": "epinephrine, the Canadian brand",
    "dextrose": "glucose",
    "glycerol": "glycerin",
    "paraffin": "liquid paraffin (mineral oil), the UK name",
    "ringer": "Ringer's solution",
    "saline": "sodium chloride solution",
    "selenium": "a selenium salt",
    "multivitamins": "multivitamin products",
    "cambia": "diclofenac potassium (US, CA brand)",
    "emend": "aprepitant (brand)",
    "muse": "alprostadil urethral (brand)",
    "sonata": "zaleplon (brand)",
}


def read_english(path):
    """The English word list (sha256, set of words)."""
    text = path.read_bytes()
    ws = {l.strip() for l in text.decode("utf-8").splitlines() if l.strip() and not l.startswith("#")}
    return hashlib.sha256(text).hexdigest(), ws


def merge_key(n):
    """Parent moiety for comparing two sets of one name: salts, esters, hydrates removed, and
    "X-ic acid" and "X-ate" made alike."""
    w = [x for x in re.split(r"[\s,()]+", n) if x and x not in KEY_WORDS]
    if len(w) == 2 and w[1] == "acid" and w[0].endswith("ic"):
        w = [w[0][:-2]]
    elif len(w) == 1 and w[0].endswith("ate"):
        w = [w[0][:-3]]
    return " ".join(w) if w else n


def target_of(n):
    """The target a canonical ingredient name means, or None."""
    for cand in (n, moiety(n)):
        cand = TARGET_ALIASES.get(cand, cand)
        if cand in TARGETS:
            return cand
    return None


# ---------------------------------------------------------------- suppliers
LEGAL_RE = re.compile(
    r"[\s,]+(" + "|".join(re.escape(x) for x in sorted(LEGAL_FORMS, key=len, reverse=True)) + r")\.?$")


def supplier_forms(raw):
    s = collapse(unicodedata.normalize("NFC", raw).lower().replace("’", "'"))
    s = re.sub(r"\s*\([^()]*\)\s*$", "", s)
    prev = None
    while prev != s:
        prev = s
        s = LEGAL_RE.sub("", s).strip(" ,.-")
    full = collapse(re.sub(r"[,;\"]", " ", s)).strip(" .-")
    forms = set()
    if len(full) >= 2:
        forms.add(full)
    core = []
    for w in full.split():
        if fold(w) in DESCRIPTOR_WORDS:
            break
        core.append(w)
    core = " ".join(core).strip(" .-&")
    if len(core) >= 3:
        forms.add(core)
    return forms


# ---------------------------------------------------------------- build
def build(src):
    stats = Counter()
    verify(src)
    vocab = Vocab(VOCABULARY)
    french = French(FRENCH_TABLE, vocab)
    products = read_canada(src, stats) + read_france(src, stats) + read_ema(src, stats) + read_wu(src, stats)

    # Ingredients: international names, then UNII substance where the vocabulary knows it.
    how = Counter()
    unknown = Counter()
    fr_unknown = Counter()
    for p in products:
        ings = set()
        for n in english(p, french):
            c, h = vocab.canonical(n)
            how[(p.market, h)] += 1
            if h == "unknown":
                unknown[(p.market, n)] += 1
                if p.market == "FR":
                    fr_unknown[n] += 1
            ings.add(c)
        p.ingredients = sorted(ings)
        cw = set()
        for c in p.company:
            cw.update(words(c))
        p.company_words = frozenset(cw)
    for m in ("CA", "FR", "EU", "UK"):
        k = sum(1 for (mm, _n) in unknown if mm == m)
        stats[f"{m} ingredient mentions: UNII substance {how[(m, 'substance')]}, "
              f"via a vocabulary name {how[(m, 'name')]}, unknown {how[(m, 'unknown')]} "
              f"({k} distinct names)"] = 1
    stats[f"FR mapped substance names unknown to data/vocabulary.tsv: {len(fr_unknown)} distinct"] = 1
    no_ingr = [p for p in products if not p.ingredients]
    stats["products without an ingredient (no row)"] = len(no_ingr)

    # Names.
    for p in products:
        labels = [p.label]
        if p.market == "EU":
            m = re.search(r"\(previously ([^()]*)\)", p.label)
            if m:
                # a previous name that is a code ("CHF 5993 Chiesi Farmaceutici") is no name
                labels = [p.label[:m.start()]] + ([] if re.search(r"\d", m.group(1)) else [m.group(1)])
        if p.market == "UK":
            base = re.sub(r"\[[^\]]*\]", " ", p.label)
            parts = re.split(r"(?<=[a-z]{3})/(?=[a-z]{3})", base)
            labels = parts if len(parts) > 1 else [base]
            # "bzt - bendrofluazide", "gtn - glyceryl trinitrate": the table's abbreviation is a
            # name of the drug after it, as is that drug's name. Only an abbreviation of 3 to 5
            # letters is taken: one with a digit ("5asa", "feso4") would lose it to the
            # normalizer, which reads "5" as a strength, and name another drug ("asa"). Before a
            # vaccine the short word is the illness ("flu - influenza vaccine"), which product
            # names use as such ("cold & flu"): not a name of the vaccine.
            m = re.fullmatch(r"([a-z]{3,5}) - (.+)", base.strip())
            if m and "vaccine" not in m.group(2):
                labels += [m.group(1), m.group(2)]
        if p.market == "FR":
            labels = [re.split(r",\s", p.label, maxsplit=1)[0]]
        other = set(CONNECTORS)
        for x in p.other_names:
            other.update(words(x))
        for lab in labels:
            n = clean_name(lab, p.company_words)
            if p.other_names and set(words(n)) <= other:
                # "FER SANDOZ" is iron sucrose, but "fer" alone is any iron: keep the company
                # word, and drop a name that is only the other composition word.
                n = clean_name(lab)
                if set(words(n)) <= other:
                    stats["BDPM names that are only a base word of another substance (dropped)"] += 1
                    continue
            if n and n not in p.names:
                p.names.append(n)

    # Generic names: every word is one of the product's own ingredient words, a company word of
    # its own, or a lab prefix/suffix that the register puts before/after generic names.
    def ingredient_words(p):
        ws = set(CONNECTORS) | set(SALT_WORDS)
        for x in p.raw_ingredients + p.ingredients + [moiety(i) for i in p.ingredients]:
            ws.update(words(x))
        for n in english(p, french):
            ws.update(words(n))
        for a, full in ABBREVIATIONS.items():
            if any(full in i for i in p.ingredients) or full == "hydrochloride":
                ws.add(a)
        return ws

    lab_affix = Counter()
    iw_cache = {}
    for p in products:
        iw = iw_cache[id(p)] = ingredient_words(p)
        for n in p.names:
            w = words(n)
            if len(w) >= 2 and all(x in iw for x in w[1:]) and w[0] not in iw:
                lab_affix[("pre", w[0], " ".join(w[1:]))] += 1
            if len(w) >= 2 and all(x in iw for x in w[:-1]) and w[-1] not in iw:
                lab_affix[("suf", w[-1], " ".join(w[:-1]))] += 1
    per_affix = Counter((k, a) for (k, a, _rest) in lab_affix)
    labs = {a for (k, a), c in per_affix.items() if c >= 3 and len(a) >= 2}
    stats["lab prefixes/suffixes of generic names (seen with >= 3 generics)"] = len(labs)

    supplier_words = set()
    for p in products:
        for c in p.company:
            supplier_words.update(words(c))
    wording = (supplier_words | labs | set(DESCRIPTOR_WORDS) | {fold(w) for w in FORM_WORDS}
               | set(RELEASE_WORDS) | set(LEGAL_WORDS))

    def is_generic(p, n):
        iw = iw_cache[id(p)]
        ws = words(n)
        return (any(x in iw and x not in CONNECTORS for x in ws)
                and all(x in iw or x in p.company_words or x in wording or x.isdigit() for x in ws))

    def is_company_only(p, n):
        # A label cut down to the lab prefix of generics (`TEVA-5-ASA` -> `teva`) names no product.
        ws = words(n)
        return len(ws) == 1 and ws[0] in labs

    rows = defaultdict(lambda: defaultdict(set))  # name -> ingredient tuple -> markets
    generic_dropped = 0
    company_dropped = 0
    for p in products:
        if not p.ingredients:
            continue
        for n in p.names:
            if is_generic(p, n):
                generic_dropped += 1
                continue
            if is_company_only(p, n):
                company_dropped += 1
                continue
            rows[n][tuple(p.ingredients)].add(p.market)
    stats["generic names dropped (resolved by their ingredient names)"] = generic_dropped
    stats["names made only of company or lab words dropped"] = company_dropped
    english_sha, english_words = read_english(ENGLISH_WORDS)
    english_dropped = []
    for n in sorted(rows):
        if (n in english_words and n not in ENGLISH_KEPT
                and not any(target_of(i) for ings in rows[n] for i in ings)):
            english_dropped.append(n)
            del rows[n]
    stats[f"names that are one English word, without a target, dropped: {len(english_dropped)} "
          f"({', '.join(english_dropped)})"] = 1

    # Same name, ingredient sets equal but for salt or hydrate form: one row (the most common
    # spelling), the markets joined. Different sets stay apart.
    merged = []
    conflicts = []
    for n in sorted(rows):
        groups = defaultdict(list)
        for ings, mk in rows[n].items():
            key = tuple(sorted({merge_key(i) for i in ings}))
            groups[key].append((ings, mk))
        out = []
        for key, members in groups.items():
            members.sort(key=lambda im: (-len(im[1]), im[0]))
            allm = set()
            for _i, mk in members:
                allm |= mk
            out.append((members[0][0], allm))
        for ings, mk in sorted(out):
            merged.append((n, "; ".join(ings), ",".join(sorted(mk))))
        if len(out) > 1:
            ms = [set(mk) for _i, mk in out]
            cross = any(a != b or len(a) > 1 for a in ms for b in ms)
            conflicts.append((n, out, cross))
    merged.sort()
    by_market = Counter()
    for _n, _i, mk in merged:
        for m in mk.split(","):
            by_market[m] += 1
    names = {n for n, _i, _m in merged}
    multi = [c for c in conflicts]
    cross = [c for c in conflicts if len({m for _i, mk in c[1] for m in mk}) > 1]
    stats[f"rows {len(merged)}, distinct names {len(names)}, names with several ingredient sets "
          f"{len(multi)} (across markets {len(cross)})"] = 1
    for m in ("CA", "EU", "FR", "UK"):
        stats[f"rows with market {m}"] = by_market[m]

    # Round-trip fixture: every product, with a target or not.
    fixture = []
    per_source = Counter()
    for source in ("dpd", "bdpm", "ema", "wu2019"):
        ps = [p for p in products if p.source == source and p.ingredients]
        others = []
        for p in ps:
            t = sorted({t for t in (target_of(i) for i in p.ingredients) if t})
            if t:
                fixture.append((source, p.market, p.id, p.label, ";".join(t)))
                per_source[(source, "target")] += 1
            else:
                others.append(p)
        for p in others:
            fixture.append((source, p.market, p.id, p.label, ""))
            per_source[(source, "other")] += 1
    for (s, kind), c in sorted(per_source.items()):
        stats[f"round-trip {s} {kind} products"] = c

    # Suppliers.
    sup = set()
    for p in products:
        for c in p.company:
            for part in re.split(r"\s+/\s+", c):
                sup |= supplier_forms(part)
    drugish = set(vocab.name_to) | names
    for p in products:
        for i in p.ingredients:
            drugish.add(i)
            drugish.update(words(i))
    sup = {s for s in sup if re.search(r"[^\W\d_]{3}", s)}
    dropped = sorted(s for s in sup if s in drugish or fold(s) in drugish)
    suppliers = sorted(s for s in sup if s not in drugish and fold(s) not in drugish)
    stats[f"suppliers {len(suppliers)} (dropped as drug names: {len(dropped)}: "
          f"{', '.join(dropped[:12])})"] = 1

    for k, v in stats.items():
        print(f"  {k}: {v}" if v != 1 or ":" not in k else f"  {k}", file=sys.stderr)
    if fr_unknown:
        print("  FR names unknown to the vocabulary, most frequent: " + "; ".join(
            f"{n} ({c})" for n, c in fr_unknown.most_common(15)), file=sys.stderr)
    for n, out, _c in cross[:40]:
        print(f"  several sets: {n}: " + " | ".join(f"{'; '.join(i)} [{','.join(sorted(m))}]"
                                                      for i, m in out), file=sys.stderr)

    return (render_products(merged, vocab, french, len(names), english_sha),
            render_suppliers(suppliers),
            render_fixture(fixture))


def provenance(lines):
    out = []
    for m, what, attr in SOURCES:
        out.append(f"# {m}: {what}")
        out.append(f"#   attribution: {attr}")
    for rel, h in INPUTS.items():
        out.append(f"#   sha256 {h}  {rel}")
    return lines[:1] + out + lines[1:]


def render_products(rows, vocab, french, nnames, english_sha):
    head = provenance([
        "# crampcheck international product names: name -> every active ingredient, by market",
        "# built by: python3 scripts/build_products.py (rules in scripts/README.md)",
        f"# uses: data/vocabulary.tsv (sha256 {vocab.sha}), scripts/french_inn.tsv (sha256 {french.sha})",
        "# human products only (DPD class Human and not in vet files; BDPM without homeopathic "
        "registrations; EMA category Human, authorised at some time; Wu table)",
        "# name: the label line lowercased, parentheses removed, cut at the first strength, trailing "
        "forms/routes/packs and the product's own company words removed; combination words kept",
        "# names that are only generic (ingredient, company and lab words) are left out",
        "# names that are one common English word (data/english_words.txt, sha256 "
        f"{english_sha}) are left out, unless a product of the name holds a target or the word is "
        "on the reviewed list ENGLISH_KEPT of scripts/build_products.py",
        "# ingredients: every active ingredient, UNII substance name where data/vocabulary.tsv knows "
        "it, else the international name; '; '-joined, sorted",
        "# markets: CA, EU, FR, UK; one row per (name, ingredient set); a name with several rows "
        "means different products (sets equal but for salt form are merged)",
        f"# rows: {len(rows)} ({nnames} names); sorted by (name, ingredients), codepoint order",
    ])
    buf = io.StringIO()
    for h in head:
        buf.write(h + "\n")
    buf.write("name\tingredients\tmarkets\n")
    for n, i, m in rows:
        buf.write(f"{n}\t{i}\t{m}\n")
    return buf.getvalue()


def render_suppliers(suppliers):
    head = provenance([
        "# crampcheck supplier names: marketing-authorisation holders and companies of the registers",
        "# built by: python3 scripts/build_products.py (rules in scripts/README.md)",
        "# from: DPD comp*.txt COMPANY_NAME, BDPM CIS_bdpm holder column, EMA MAH column (human products)",
        "# lowercased, a trailing legal form removed (inc, ltd, limited, gmbh, s.a.s, plc, b.v., ...); "
        "each name also as its core (the words before pharma, laboratoires, healthcare, canada, ...)",
        "# left out: names without three letters in a row, names that are also a drug or product name",
        f"# names: {len(suppliers)}; sorted, codepoint order",
    ])
    return "\n".join(head) + "\n" + "".join(s + "\n" for s in suppliers)


def render_fixture(fixture):
    buf = io.StringIO()
    buf.write("source\tmarket\tid\tlabel\texpected\n")
    for row in fixture:
        buf.write("\t".join(x.replace("\t", " ").replace("\n", " ") for x in row) + "\n")
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=Path, default=None,
                    help="folder of the registers (default ../shared/sources, or ../../shared/sources "
                    "from a worktree under wt/)")
    ap.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    a = ap.parse_args()
    src = a.sources
    if src is None:
        cands = [ROOT.parent / "shared" / "sources", ROOT.parent.parent / "shared" / "sources"]
        src = next((c for c in cands if c.is_dir()), cands[0])
    outputs = dict(zip((OUT_PRODUCTS, OUT_SUPPLIERS, OUT_ROUNDTRIP), build(src.resolve())))
    if a.check:
        bad = [p for p, text in outputs.items()
               if not p.is_file() or p.read_bytes() != text.encode("utf-8")]
        for p in bad:
            print(f"stale: {p.relative_to(ROOT)}", file=sys.stderr)
        sys.exit(1 if bad else 0)
    for p, text in outputs.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode("utf-8"))
        print(f"wrote {p.relative_to(ROOT)} ({len(text.encode('utf-8')):,} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
