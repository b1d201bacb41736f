#!/usr/bin/env python3
"""Time crampcheck's Spark paths on a generated batch file (2M rows by default), as ratios to the
binary alone and to a no-op mapInArrow floor (issue #12's bound: the package's mapInArrow path
within 1.5x of the floor).

Measured, each the median of --runs runs, taking turns:
  binary    crampcheck batch FILE > /dev/null (all cores)
  floor     Spark local[2]: mapInArrow yielding its input batches, written to the noop sink
  carry     the floor's mapInArrow yielding, for each input batch, as many rows of the package's
            own output (screened once beforehand on the driver) as the batch has: what Spark
            costs to move and copy the package's records, with no screening at all (and the
            same with lean=True)
  package   crampcheck.spark.screen(df, medication=, keys=[patient_id]) to the noop sink
            (and with lean=True: the CLI's --lean fields; and with three fields)
  pipe      df as JSON Lines through rdd.pipe("crampcheck batch --input-format jsonl ..."),
            the output lines counted (needs the CLI's --input-format jsonl); and each
            partition as CSV with a header line of its own through today's CLI

The input DataFrame is read from the CSV once and cached in memory, so every Spark figure is the
same scan of the same cached rows plus what the path adds.

Needs: a release binary (cargo build --release --locked), the package installed in this Python
(maturin build --release --locked; pip install the wheel), pyspark, pyarrow and a JRE.

  python3 scripts/bench/spark.py                 # 2M rows, 3 runs
  python3 scripts/bench/spark.py --rows 200000 --runs 1
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def machine():
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    import pyspark
    import pyarrow

    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, pyspark {pyspark.__version__}, "
            f"pyarrow {pyarrow.__version__}, {java[0] if java else 'java ?'}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=2_000_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--partitions", type=int, default=8, help="Spark partitions (default 8)")
    p.add_argument("--binary", type=Path, default=REPO / "target/release/crampcheck")
    p.add_argument("--data", type=Path, default=None, help="the CSV (default: generated into bench-data/)")
    args = p.parse_args()

    if not args.binary.exists():
        sh(["cargo", "build", "--release", "--locked"], cwd=REPO)
    data = args.data
    if data is None:
        data = REPO / "bench-data" / f"batch-{args.rows}-realistic-{args.seed}.csv"
        if not data.exists():
            data.parent.mkdir(exist_ok=True)
            sh([sys.executable, str(REPO / "scripts/bench/gen_batch.py"), "--rows", str(args.rows),
                "--mode", "realistic", "--seed", str(args.seed), "--out", str(data)])

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    import crampcheck.spark

    spark = (SparkSession.builder.master("local[2]").appName("crampcheck-bench")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", str(args.partitions))
             .config("spark.driver.memory", "4g")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.read.csv(str(data), header=True).repartition(args.partitions).cache()
    rows = df.count()

    def binary():
        with open(os.devnull, "wb") as null:
            sh([str(args.binary), "batch", str(data)], stdout=null, stderr=subprocess.DEVNULL)

    def floor():
        df.mapInArrow(lambda batches: batches, df.schema).write.format("noop").mode("overwrite").save()

    # The package's records of the file's first rows, screened once here, for `carry`.
    import pyarrow as pa
    import pyarrow.csv as pacsv

    sample = pacsv.read_csv(str(data)).slice(0, 20_000).combine_chunks().to_batches()[0]

    def carrier(lean):
        carried = crampcheck.spark.schema(df, ["patient_id"], lean=lean)
        shown = pa.Table.from_batches([
            crampcheck.screen_arrow(sample, medication="medication", keys=["patient_id"], lean=lean)
        ]).select([f.name for f in carried.fields]).combine_chunks()

        def same_size(batches):
            for b in batches:
                left = b.num_rows
                while left > 0:
                    part = shown.slice(0, min(left, shown.num_rows))
                    left -= part.num_rows
                    yield from part.to_batches()

        def carry():
            df.mapInArrow(same_size, carried).write.format("noop").mode("overwrite").save()

        return carry

    def package():
        out = crampcheck.spark.screen(df, medication="medication", keys=["patient_id"])
        out.write.format("noop").mode("overwrite").save()

    def package_lean():
        out = crampcheck.spark.screen(df, medication="medication", keys=["patient_id"], lean=True)
        out.write.format("noop").mode("overwrite").save()

    def package_few():
        out = crampcheck.spark.screen(df, medication="medication", keys=["patient_id"],
                                      fields=["status", "ingredient", "level"])
        out.write.format("noop").mode("overwrite").save()

    cmd = (f"{args.binary} batch --input-format jsonl --med-column medication "
           f"--patient-column patient_id --key-column patient_id -f jsonl -")

    def pipe():
        n = df.rdd.map(lambda r: json.dumps(r.asDict())).pipe(cmd).count()
        if n < rows:
            raise RuntimeError(f"pipe() gave {n} records for {rows} rows")

    # Today's CLI (before --input-format jsonl): each partition as CSV with its own header line.
    csv_cmd = f"{args.binary} batch --med-column medication --patient-column patient_id -"

    def pipe_csv():
        def lines(rows_):
            import csv
            import io

            yield "patient_id,medication"
            for r in rows_:
                buf = io.StringIO()
                csv.writer(buf, lineterminator="").writerow([r["patient_id"], r["medication"]])
                yield buf.getvalue()

        n = df.rdd.mapPartitions(lines).pipe(csv_cmd).count()
        if n < rows:
            raise RuntimeError(f"pipe() gave {n} lines for {rows} rows")

    paths = {"binary": binary, "floor": floor,
             "carry (the package's records, no screening)": carrier(False),
             "package": package,
             "carry, lean=True": carrier(True),
             "package, lean=True": package_lean,
             "package, fields=[status, ingredient, level]": package_few, "pipe (JSON Lines)": pipe,
             "pipe (CSV, a header per partition)": pipe_csv}
    # Warm up once (JVM, Python workers, caches), then take turns.
    skipped = {}
    for name, fn in paths.items():
        try:
            fn()
        except Exception as e:  # the pipe path needs the CLI's --input-format jsonl
            skipped[name] = str(e).splitlines()[0][:200]
    times = {name: [] for name in paths if name not in skipped}
    for _ in range(args.runs):
        for name in times:
            times[name].append(timed(paths[name]))
    med = {name: statistics.median(t) for name, t in times.items()}
    spark.stop()

    lines = [f"crampcheck Spark paths, {rows:,} rows ({data.name}), {args.partitions} partitions, "
             f"Spark local[2], median of {args.runs}",
             f"machine: {machine()}", "",
             "| path | seconds | × binary | × floor |", "|---|---:|---:|---:|"]
    for name, s in med.items():
        lines.append(f"| {name} | {s:.2f} | {s / med['binary']:.1f} | {s / med['floor']:.2f} |")
    for name, why in skipped.items():
        # A failed warm-up says why in the table instead of a time.
        lines.append(f"| {name} | not run: {why} | | |")
    ok = "package" in med and med["package"] <= 1.5 * med["floor"]
    lines += ["", f"bound (package within 1.5x of the floor): {'met' if ok else 'NOT met'}"]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
