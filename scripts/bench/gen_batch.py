#!/usr/bin/env python3
"""Generate a batch CSV (`patient_id,medication`) for crampcheck's performance benchmark.

The entries come from a pool of about 2,000 real medication strings built from the repo's own
data: the target ingredients of data/drugs.csv, the brand/combination/salt/spelling aliases of
data/aliases.csv, and everyday non-target drugs from data/vocabulary.tsv (a fixed list of common
ones plus generic names with common drug-class stems), each written in a few dose/sig and case
variants. Drawing is Zipf-like (s = 1.1 by default), patients have 3-14 entries (about 8), and
about 5% of the drawn entries get a typo (a letter dropped, doubled, swapped or replaced).

Modes:
  realistic            the mix above (what a real export looks like: few distinct entries)
  distinct-misspelled  every entry misspelled and unique (a misspelled name plus a unique
                       strength), so no two rows are equal: crampcheck's cache never hits

Output is byte-identical for the same arguments (one random.Random(seed) drives everything).
Statistics go to stderr. Python 3 standard library only.

  python3 scripts/bench/gen_batch.py --rows 1000000 --seed 1 --out bench-data/batch-1M.csv
"""

import argparse
import bisect
import csv
import io
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Everyday non-target drugs, most commonly listed first (roughly the US top-200 order). Only the
# ones present in data/vocabulary.tsv are used. Targets are ranked among them by TARGET_RANK.
COMMON = """
levothyroxine lisinopril metformin amlodipine metoprolol albuterol omeprazole losartan gabapentin
sertraline montelukast escitalopram bupropion pantoprazole trazodone fluticasone tamsulosin
fluoxetine carvedilol duloxetine meloxicam clopidogrel prednisone citalopram insulin
potassium tramadol aspirin alprazolam ibuprofen cyclobenzaprine amoxicillin methylphenidate
allopurinol venlafaxine clonazepam ergocalciferol zolpidem apixaban glipizide atenolol buspirone
cetirizine warfarin famotidine oxycodone lamotrigine quetiapine topiramate diltiazem finasteride
estradiol propranolol hydroxyzine loratadine lorazepam rivaroxaban sitagliptin pregabalin
ondansetron tizanidine valsartan paroxetine hydralazine donepezil clonidine cephalexin
azithromycin doxycycline mirtazapine aripiprazole risperidone glimepiride benazepril ramipril
enalapril olmesartan irbesartan telmisartan nifedipine verapamil digoxin isosorbide nitroglycerin
acetaminophen hydrocodone morphine methotrexate hydroxychloroquine levetiracetam baclofen
oxybutynin tolterodine sumatriptan rizatriptan esomeprazole lansoprazole ranitidine sucralfate
docusate senna polyethylene magnesium calcium cyanocobalamin folic thiamine ezetimibe fenofibrate
gemfibrozil niacin colchicine febuxostat alendronate liraglutide semaglutide dulaglutide
empagliflozin dapagliflozin pioglitazone tiotropium budesonide mometasone beclomethasone
ipratropium prednisolone methylprednisolone dexamethasone nitrofurantoin ciprofloxacin
levofloxacin sulfamethoxazole trimethoprim clindamycin metronidazole fluconazole valacyclovir
acyclovir oseltamivir amitriptyline nortriptyline lithium haloperidol olanzapine memantine
ropinirole pramipexole carbidopa levodopa sildenafil tadalafil tamoxifen anastrozole letrozole
latanoprost timolol brimonidine dorzolamide cholecalciferol melatonin diphenhydramine
meclizine promethazine metoclopramide loperamide bisacodyl dicyclomine hyoscyamine
""".split()

# Where each target ingredient sits in the popularity order above (0 = most common). The rest of
# the knowledge-base names follow after the common list, mixed with the vocabulary picks.
TARGET_RANK = {
    "atorvastatin": 0, "hydrochlorothiazide": 9, "simvastatin": 11, "rosuvastatin": 14,
    "furosemide": 16, "pravastatin": 30, "spironolactone": 45, "Symbicort": 55,
    "naproxen": 60, "chlorthalidone": 75, "Advair Diskus": 80, "lovastatin": 90,
    "Lipitor": 95, "triamterene": 100, "bumetanide": 110, "torsemide": 120, "HCTZ": 25,
    "Lasix": 65, "Crestor": 70, "Breo Ellipta": 130, "raloxifene": 140, "indapamide": 150,
    "metolazone": 160, "Premarin": 170, "Zocor": 180, "Hyzaar": 190, "Dyazide": 200,
    "quinine sulfate": 210, "eplerenone": 220, "Aleve": 85,
}

# Drug-class stems: a vocabulary generic with one of these endings "looks common".
STEMS = (
    "pril", "sartan", "olol", "prazole", "statin", "dipine", "gliptin", "gliflozin", "floxacin",
    "tidine", "triptan", "afil", "cillin", "mycin", "cycline", "azepam", "zolam", "oxetine",
    "semide", "thiazide", "profen", "lukast", "parin", "xaban", "gatran", "asone", "olone",
    "terol", "tropium", "conazole", "vir", "setron", "tadine", "piprazole", "done", "dronate",
)

DOSE_FORMS = (
    "{n} {s} mg",
    "{n} {s}mg",
    "{n} {s}mg PO qhs",
    "{N} {s} MG Oral Tablet",
    "{n} {s} mg bid",
    "{n} 1 tab po daily",
    "{n} {s} mg tablet, take 1 by mouth daily",
    "{U} {s}MG",
    "{n} {s} mg PO BID with meals",
    "{N} {s}mg 1 tab qd",
)
STRENGTHS = ("2.5", "5", "10", "12.5", "20", "25", "40", "50", "80", "100", "500")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def read_csv(path):
    """Rows of a knowledge-base CSV, skipping `#` comment lines."""
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def read_vocabulary(path):
    """(name, substance) pairs of data/vocabulary.tsv."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("name\t"):
                continue
            name, _, substance = line.rstrip("\n").partition("\t")
            out.append((name, substance))
    return out


def base_names(rng, data):
    """Drug names ordered by popularity (most common first)."""
    drugs = [r["ingredient"] for r in read_csv(data / "drugs.csv")]
    aliases = [r["alias"] for r in read_csv(data / "aliases.csv")]
    vocab = read_vocabulary(data / "vocabulary.tsv")
    known = {n for n, _ in vocab}
    targets = {x.lower() for x in drugs + aliases}
    common = [n for n in COMMON if n in known and n not in targets]
    # Generic names whose substance starts with the name itself (`metformin` →
    # `metformin hydrochloride`), single lowercase words with a class stem, not targets.
    generic = sorted(
        {
            n
            for n, s in vocab
            if re.fullmatch(r"[a-z]{6,14}", n)
            and s.split(" ")[0] == n
            and n.endswith(STEMS)
            and n not in targets
            and n not in common
        }
    )
    picks = rng.sample(generic, min(420, len(generic)))
    ranked = list(common)
    for name, rank in sorted(TARGET_RANK.items(), key=lambda kv: kv[1]):
        ranked.insert(min(rank, len(ranked)), name)
    rest = [x for x in dict.fromkeys(drugs + aliases) if x not in TARGET_RANK]
    tail = rest + picks
    rng.shuffle(tail)
    return ranked + tail


def variants(rng, name, k):
    """k distinct ways to write `name`: bare, with strength/sig, in other cases."""
    out = [name]
    tries = 0
    while len(out) < k and tries < 50:
        tries += 1
        form = rng.choice(DOSE_FORMS)
        text = form.format(
            n=rng.choice((name, name.lower(), name.capitalize())),
            N=name[:1].upper() + name[1:],
            U=name.upper(),
            s=rng.choice(STRENGTHS),
        )
        if text not in out:
            out.append(text)
    return out


def build_pool(rng, data, size):
    """About `size` (name, entry) pairs, most common first."""
    names = base_names(rng, data)
    per = max(1, round(size / len(names)))
    keyed = []
    for rank, name in enumerate(names):
        # The most common drugs are written in more ways.
        k = per + (2 if rank < 50 else 1 if rank < 200 else 0)
        for v, text in enumerate(variants(rng, name, k)):
            keyed.append(((rank + 1) * (v + 1) ** 2, rank, v, name, text))
    keyed.sort()
    return [(name, text) for *_, name, text in keyed[:size]]


def misspell(rng, word):
    """One typo in a name of four letters or more (never the first letter)."""
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 4:
        return None
    for _ in range(10):
        i = rng.choice(letters[1:])
        op = rng.randrange(4)
        c = word[i]
        if op == 0:
            out = word[:i] + word[i + 1 :]
        elif op == 1:
            out = word[:i] + c + word[i:]
        elif op == 2 and i + 1 < len(word) and word[i + 1].isalpha():
            out = word[:i] + word[i + 1] + c + word[i + 2 :]
        else:
            sub = rng.choice(LETTERS)
            out = word[:i] + (sub.upper() if c.isupper() else sub) + word[i + 1 :]
        if out.lower() != word.lower():
            return out
    return None


def misspell_entry(rng, name, text):
    """The entry with a typo in its drug name (the longest word of the name)."""
    word = max(name.split(" "), key=len)
    for candidate in (word, word.lower(), word.capitalize(), word.upper()):
        if candidate in text:
            bad = misspell(rng, candidate)
            if bad:
                return text.replace(candidate, bad, 1)
    return None


def zipf_sampler(n, s):
    """Cumulative weights of ranks 1..n under 1/r^s, and their total."""
    cum, total = [], 0.0
    for r in range(1, n + 1):
        total += 1.0 / r**s
        cum.append(total)
    return cum, total


def patient_sizes(rng, rows):
    """Entries per patient: 3-14, about 8 on average; the last patient takes what is left."""
    left = rows
    while left > 0:
        k = min(left, round(rng.triangular(3, 14, 7)))
        yield k
        left -= k


def csv_field(text):
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def generate(args, out):
    rng = random.Random(args.seed)
    pool = build_pool(rng, args.data, args.pool)
    cum, total = zipf_sampler(len(pool), args.zipf)
    texts = [csv_field(t) for _, t in pool]
    buf = io.StringIO()
    buf.write("patient_id,medication\n")
    rnd, bis = rng.random, bisect.bisect_left
    row = typos = 0
    distinct = set() if args.stats else None
    used = set()
    for patient, k in enumerate(patient_sizes(rng, args.rows), start=1):
        pid = f"P{patient:08d}"
        for _ in range(k):
            row += 1
            if args.mode == "distinct-misspelled":
                # A misspelling not used before where possible, so that the entries stay
                # distinct even to a cache keyed on the normalized name (without the strength).
                bad = None
                for _ in range(20):
                    name, _ = pool[rng.randrange(len(pool))]
                    bad = misspell_entry(rng, name, name)
                    if bad is not None and bad.lower() not in used:
                        break
                while bad is None:
                    name, _ = pool[rng.randrange(len(pool))]
                    bad = misspell_entry(rng, name, name)
                used.add(bad.lower())
                # A unique strength makes every entry distinct (the row number, as a dose).
                field = csv_field(f"{bad} {row} mg")
                typos += 1
            else:
                i = min(bis(cum, rnd() * total), len(pool) - 1)
                if rnd() < args.typos and (bad := misspell_entry(rng, *pool[i])) is not None:
                    field = csv_field(bad)
                    typos += 1
                else:
                    field = texts[i]
            if distinct is not None:
                distinct.add(field)
            buf.write(f"{pid},{field}\n")
        if buf.tell() > 1 << 20:
            out.write(buf.getvalue())
            buf.seek(0)
            buf.truncate()
    out.write(buf.getvalue())
    stats = f"{row} rows, {patient if row else 0} patients, pool {len(pool)}, {typos} misspelled"
    if distinct is not None:
        stats += f", {len(distinct)} distinct entries"
    print(f"gen_batch: {stats}", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, required=True, help="data rows to write")
    p.add_argument("--out", required=True, help="output path (- = stdout)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument(
        "--mode", choices=("realistic", "distinct-misspelled"), default="realistic"
    )
    p.add_argument("--pool", type=int, default=2000, help="pool size (default 2000)")
    p.add_argument("--zipf", type=float, default=1.1, help="Zipf exponent s (default 1.1)")
    p.add_argument("--typos", type=float, default=0.05, help="misspelled share (default 0.05)")
    p.add_argument("--data", type=Path, default=REPO / "data", help="knowledge-base directory")
    p.add_argument("--stats", action="store_true", help="also count distinct entries")
    args = p.parse_args()
    if args.rows < 0:
        p.error("--rows must be >= 0")
    if args.out == "-":
        generate(args, sys.stdout)
        return
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        generate(args, f)
    tmp.replace(out)


if __name__ == "__main__":
    main()
