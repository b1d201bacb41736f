"""Spark acceptance test (issue #12): a 200,000-row table with edge rows (quotes, line breaks inside
quotes, empty, missing and overlong entries, patients cut across partitions) screened once by the
CLI on one machine and once on Spark local[2] over 7 partitions — through the package's
mapInArrow path and through the CLI's rdd.pipe() path — gives the same records: every key
present, nothing lost, the same order by (key, finding), and the same merged summary.

The pipe() tests use the CLI's record model (`--input-format jsonl`, `--key-column`, a `finding`
field; `--summary` and `merge-summaries`): a binary without them fails, naming the missing flag."""

import csv
import json
import re
import shlex
import subprocess
import sys

import pytest

import crampcheck
import crampcheck.spark

from conftest import REPO

ROWS = 200_000
PARTITIONS = 7
FIELDS = [f for f in crampcheck.FIELDS if f not in ("entry", "finding")]
# Fields holding several values: the CLI's record model may write them as JSON arrays.
SEPARATORS = {"sources": "; ", "citations": " | ", "candidates": " | "}

EDGES = [
    'Atacand "Plus" 16/12.5',
    "lipitor\n20 mg qhs",
    '"hctz, 25 mg", daily',
    "",
    None,
    "atorvastatin " * 120,
    "é" * 700,
    'quinine "sulfate"\n324 mg at night',
    "  metformin 500 mg  ",
    "losartan/hctz 100-25",
]


def norm(name, value):
    """A field's value, the same whichever way a writer spells absence or several values."""
    if value in ("", None, []):
        return None
    if isinstance(value, list):
        return tuple(value)
    if name in SEPARATORS and isinstance(value, str):
        return tuple(value.split(SEPARATORS[name]))
    if name == "note" and isinstance(value, str):
        # Today's CLI starts an error note with where the record was ("FILE line N: "); the
        # record model moves the line to a field of its own.
        value = re.sub(r"^(.* )?line \d+: ", "", value)
    if name == "score" and value is not None:
        return round(float(value), 2)
    return value


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """The rows (id, patient_id, medication), and the same as CSV and JSON Lines files."""
    tmp = tmp_path_factory.mktemp("spark")
    base = tmp / "base.csv"
    subprocess.run([sys.executable, str(REPO / "scripts/bench/gen_batch.py"), "--rows", str(ROWS),
                    "--seed", "12", "--out", str(base)], check=True, stderr=subprocess.DEVNULL)
    with open(base, newline="", encoding="utf-8") as f:
        rows = [(r["patient_id"], r["medication"]) for r in csv.DictReader(f)]
    assert len(rows) == ROWS
    out = []
    for i, (patient, med) in enumerate(rows):
        if i % 997 == 5:
            med = EDGES[(i // 997) % len(EDGES)]
        out.append({"id": f"R{i:07d}", "patient_id": patient, "medication": med})
    csv_path, jsonl_path = tmp / "all.csv", tmp / "all.jsonl"
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "patient_id", "medication"])
        w.writerows([r["id"], r["patient_id"], r["medication"] or ""] for r in out)
    with open(jsonl_path, "w", encoding="utf-8") as f:
        for r in out:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return {"rows": out, "csv": csv_path, "jsonl": jsonl_path, "tmp": tmp}


@pytest.fixture(scope="module")
def reference(table, binary):
    """The CLI's records on one machine, from the CSV: (id, finding) -> fields, in order."""
    run = subprocess.run([binary, "batch", "--med-column", "medication", "--patient-column",
                          "patient_id", "-f", "jsonl", str(table["csv"])],
                         capture_output=True, text=True)
    assert run.returncode in (0, 2, 3), run.stderr[-2000:]
    records = {}
    finding = {}
    for line in run.stdout.splitlines():
        rec = json.loads(line)
        key = table["rows"][rec["row"] - 1]["id"]
        finding[key] = finding.get(key, 0) + 1
        assert rec.get("finding", finding[key]) == finding[key]
        records[(key, finding[key])] = {f: norm(f, rec[f]) for f in FIELDS}
    ids = {k for k, _ in records}
    assert len(ids) == ROWS, "the CLI accounts for every row"
    return records


@pytest.fixture(scope="module")
def frame(spark, table):
    """The table on Spark in 7 partitions by id range, so patients are cut across partitions."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    schema = StructType([StructField(n, StringType()) for n in ("id", "patient_id", "medication")])
    df = spark.read.schema(schema).json(str(table["jsonl"])).repartitionByRange(PARTITIONS, "id").cache()
    assert df.count() == ROWS
    assert df.rdd.getNumPartitions() == PARTITIONS
    cut = (df.withColumn("part", F.spark_partition_id()).groupBy("patient_id")
           .agg(F.countDistinct("part").alias("parts")).filter("parts > 1").count())
    assert cut >= 1, "some patient has rows in two partitions"
    # The edge rows arrive as written.
    meds = {r["medication"] for r in df.filter(F.col("id").isin(
        [f"R{i:07d}" for i in range(5, 997 * len(EDGES), 997)])).collect()}
    assert set(EDGES) <= meds | {None}
    return df


def compare(records, reference):
    """`records`: ((id, finding), fields) in the order received."""
    keys = [k for k, _ in records]
    assert len(keys) == len(set(keys)), "(key, finding) is unique"
    assert keys == sorted(keys), "records come in (key, finding) order"
    assert keys == list(reference), "the same records, none lost, none added"
    for key, fields in records:
        assert fields == reference[key], key


def test_spark_mapinarrow_gives_the_cli_records(frame, reference):
    out = (crampcheck.spark.screen(frame, medication="medication", keys=["id", "patient_id"])
           .orderBy("id", "finding"))
    got = out.toArrow().to_pylist()
    records = [((r["id"], r["finding"]), {f: norm(f, r[f]) for f in FIELDS}) for r in got]
    compare(records, reference)


def quote(arg):
    return shlex.quote(str(arg))


def pipe_command(binary, *extra):
    return [binary, "batch", "--input-format", "jsonl", "--med-column", "medication",
            "--patient-column", "patient_id", *extra, "-"]


def run_cli(cmd, stdin_path):
    with open(stdin_path, "rb") as f:
        run = subprocess.run(cmd, stdin=f, capture_output=True, text=True)
    if run.returncode == 2 and "unexpected argument" in run.stderr:
        pytest.fail(f"the CLI lacks a flag of its record model : {run.stderr.strip()}")
    assert run.returncode in (0, 3), run.stderr[-2000:]
    return run.stdout


def test_spark_pipe_gives_the_cli_records(frame, reference, table, binary):
    cmd = pipe_command(binary, "--key-column", "id", "-f", "jsonl")
    one = [json.loads(line) for line in run_cli(cmd, table["jsonl"]).splitlines()]
    lines = frame.toJSON().pipe(" ".join(map(quote, cmd))).collect()
    parts = [json.loads(line) for line in lines]
    for recs in (one, parts):
        compare([((r["id"], r["finding"]), {f: norm(f, r[f]) for f in FIELDS}) for r in recs], reference)
    def strip(r):  # `row` and `line` are numbered per process
        return {k: v for k, v in r.items() if k not in ("row", "line")}

    assert [strip(r) for r in parts] == [strip(r) for r in one]


def test_spark_pipe_summaries_merge_to_the_one_machine_summary(frame, table, binary):
    cmd = pipe_command(binary, "--summary")
    one = run_cli(cmd, table["jsonl"])
    per_partition = frame.toJSON().pipe(" ".join(map(quote, cmd))).glom().collect()
    assert len(per_partition) == PARTITIONS
    files = []
    for i, lines in enumerate(per_partition):
        path = table["tmp"] / f"summary-{i}.csv"
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        files.append(str(path))
    merged = subprocess.run([binary, "merge-summaries", *files], capture_output=True, text=True)
    if merged.returncode == 2 and "unrecognized subcommand" in merged.stderr:
        pytest.fail(f"the CLI lacks merge-summaries: {merged.stderr.strip()}")
    assert merged.returncode in (0, 3), merged.stderr[-2000:]
    assert merged.stdout == one
    patients = {r["patient_id"] for r in table["rows"]}
    assert len(one.splitlines()) - 1 == len(patients), "one summary row per patient"
