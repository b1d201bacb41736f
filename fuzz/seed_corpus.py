#!/usr/bin/env python3
"""Writes starting corpora for the fuzz targets into fuzz/corpus/<target>/ (git-ignored).

resolve: every distinct input of tests/corpus/corpus.csv and data/sample/patient.txt.
records: the sample and fixture CSV files plus hand-made damaged records (and one overlong line),
         each behind a selector byte (delimiter and buffer size, see fuzz_targets/records.rs).
batch:   chunks of `patient,entry` rows from the corpus, and damaged rows (the target prepends the
         `patient_id,medication` header line itself).

Run from anywhere: python3 fuzz/seed_corpus.py
"""

import csv
import hashlib
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent


def put(target: str, data: bytes) -> None:
    d = FUZZ / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main() -> None:
    entries = []
    with open(ROOT / "tests/corpus/corpus.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            entries.append(row["input"])
    entries += (ROOT / "data/sample/patient.txt").read_text(encoding="utf-8").splitlines()
    entries = sorted(set(e for e in entries if e.strip()))
    for e in entries:
        put("resolve", e.encode())

    damaged = [
        b'p1,"lipitor\np2,metformin\np3,"x"y\np4,lasix\n',
        b'a,"b, ""c"""\r\n"x\ny",z\n',
        b"\xef\xbb\xbfh1,h2\n\n  \nv1,v2",
        b'a,b"c\n"unterminated\n\n\n',
        b'p1,"' + b"\n" * 20 + b'"\n',
        b"p1,furos\xe9mide 40 mg\r\np2,\xff\xfe\n",
        b"p1,lasix,extra\np2\n,\n",
        b"a,b\rc,d\r\ne,f\r\r\n\r",
    ]
    samples = [
        p.read_bytes()
        for p in sorted((ROOT / "data/sample").glob("*.csv"))
        + sorted((ROOT / "tests/cli/fixtures").glob("*"))
        if p.is_file()
    ]
    for i, body in enumerate(samples + damaged):
        put("records", bytes([(i * 4) % 256 | (i % 4)]) + body)
    # One line just over the record limit, between two good ones (records only: batch runs with
    # -max_len=4096).
    put("records", b",p1,a\n" + b"x" * (64 * 1024 + 10) + b"\r\np2,b\n")

    for i in range(0, len(entries), 8):
        rows = entries[i : i + 8]
        out = []
        for j, e in enumerate(rows):
            q = '"' + e.replace('"', '""') + '"' if any(c in e for c in ',"\n\r') else e
            out.append(f"P{i + j},{q}")
        put("batch", ("\n".join(out) + "\n").encode())
    for body in damaged:
        put("batch", body)


if __name__ == "__main__":
    main()
