#!/usr/bin/env bash
# Times the release binary on generated batch CSVs and prints a Markdown table; see README.md here.
#
#   bash scripts/bench/run.sh           # 1M and 10M rows (several minutes)
#   bash scripts/bench/run.sh --quick   # 1M rows only
#   bash scripts/bench/run.sh --spark   # also the Spark paths on 2M rows (scripts/bench/spark.py;
#                                       # needs the venv of python/ci.sh, or CRAMPCHECK_VENV)
#
# Always also measures the `--lean` CSV's size against its input on 2M rows (lean_size.sh).
#
# Exits non-zero when a command fails or `--jobs 1` and `--jobs 2` disagree; with --strict also
# when a performance target is missed.
set -euo pipefail
cd "$(dirname "$0")/../.."
export LC_ALL=C

QUICK=0
SPARK=0
STRICT=0
RUNS=3
SEED=1
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        --strict) STRICT=1 ;;
        --spark) SPARK=1 ;;
        --runs=*) RUNS="${arg#--runs=}" ;;
        --seed=*) SEED="${arg#--seed=}" ;;
        -h | --help)
            sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
            echo "Options: --quick  --spark  --strict  --runs=N (default 3)  --seed=N (default 1)"
            exit 0
            ;;
        *)
            echo "run.sh: unknown argument: $arg" >&2
            exit 2
            ;;
    esac
done

DATA=bench-data
BIN="${CARGO_TARGET_DIR:-target}/release/crampcheck"
GEN=scripts/bench/gen_batch.py
mkdir -p "$DATA"
log() { echo "run.sh: $*" >&2; }

# --- tools ---------------------------------------------------------------------------------------
log "building the release binary"
cargo build --release --locked
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if ! command -v xsv >/dev/null; then
    log "installing xsv (the reference CSV reader)"
    cargo install xsv --locked
fi
if [ ! -x /usr/bin/time ]; then
    log "installing GNU time (peak RSS)"
    SUDO=
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update
    $SUDO apt-get install -y time
fi
HYPERFINE=$(command -v hyperfine || true)
command -v python3 >/dev/null || { log "python3 is required"; exit 2; }

# --- data ----------------------------------------------------------------------------------------
# gen NAME ROWS MODE: writes $DATA/NAME.csv unless its stamp shows the same arguments and generator.
gen() {
    local name=$1 rows=$2 mode=$3
    local out="$DATA/$name.csv" stamp="$DATA/$name.stamp"
    local want
    # The pool comes from data/, so a changed knowledge base or vocabulary regenerates too.
    want="rows=$rows mode=$mode seed=$SEED inputs=$(cat "$GEN" data/drugs.csv data/aliases.csv data/vocabulary.tsv | sha256sum | cut -c1-16)"
    if [ -f "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        log "$out is up to date"
    else
        log "generating $out ($rows rows, $mode)"
        rm -f "$stamp"
        python3 "$GEN" --rows "$rows" --mode "$mode" --seed "$SEED" --out "$out"
        echo "$want" >"$stamp"
    fi
}

SIZES=(1000000)
[ "$QUICK" -eq 0 ] && SIZES+=(10000000)
label() { case $1 in 1000000) echo 1M ;; 10000000) echo 10M ;; *) echo "$1" ;; esac; }
for n in "${SIZES[@]}"; do gen "batch-$(label "$n")" "$n" realistic; done
WORST_ROWS=200000
gen "worst-200k" "$WORST_ROWS" distinct-misspelled

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# --- measuring -----------------------------------------------------------------------------------
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# once OUT_PREFIX CMD...: runs CMD once (stdout to /dev/null) under /usr/bin/time -v and appends
# its wall seconds, CPU seconds (user + system) and peak RSS (KB) to $TMP/OUT_PREFIX.runs.
once() {
    local prefix=$1
    shift
    local t0 t1
    t0=$EPOCHREALTIME
    if ! /usr/bin/time -v -o "$TMP/$prefix.time" "$@" >/dev/null 2>"$TMP/$prefix.err"; then
        log "failed: $*"
        cat "$TMP/$prefix.err" "$TMP/$prefix.time" >&2
        exit 1
    fi
    t1=$EPOCHREALTIME
    echo "$(python3 -c "print($t1 - $t0)") $(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$TMP/$prefix.time") $(awk -F': ' '/Maximum resident set size/ {print $2}' "$TMP/$prefix.time")" >>"$TMP/$prefix.runs"
}

# summary OUT_PREFIX: sets WALL (median seconds), CPU (median user+system seconds: less
# sensitive than wall time to other load on the machine) and RSS (largest peak RSS, MB).
summary() {
    read -r WALL CPU RSS < <(python3 -c '
import statistics, sys
runs = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
print(statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), round(max(r[2] for r in runs) / 1024, 1))
' "$TMP/$1.runs")
}

# timed OUT_PREFIX CMD...: runs CMD $RUNS times, then `summary`.
timed() {
    local prefix=$1 i
    shift
    rm -f "$TMP/$prefix.runs"
    for ((i = 1; i <= RUNS; i++)); do once "$prefix" "$@"; done
    summary "$prefix"
}

# startup CMD...: median milliseconds of 30 runs of CMD (hyperfine if installed).
startup() {
    if [ -n "$HYPERFINE" ]; then
        "$HYPERFINE" -N --warmup 3 --runs 30 --export-json "$TMP/hf.json" "$*" >/dev/null
        python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["results"][0]["median"] * 1000, 2))' "$TMP/hf.json"
    else
        python3 - "$@" <<'EOF'
import statistics, subprocess, sys, time
cmd = sys.argv[1:]
for _ in range(3):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
times = []
for _ in range(30):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    times.append(time.perf_counter() - t)
print(round(statistics.median(times) * 1000, 2))
EOF
    fi
}

calc() { python3 -c "print($1)"; }

ROWS_MD=()
declare -A RATE RATIO PEAK
for n in "${SIZES[@]}"; do
    l=$(label "$n")
    f="$DATA/batch-$l.csv"
    cat "$f" >/dev/null # into the page cache, for both tools alike
    # The two tools take turns, so that both see the same state of the machine.
    log "timing crampcheck batch and xsv select on $f, in turns ($RUNS runs each)"
    rm -f "$TMP/cc-$l.runs" "$TMP/xsv-$l.runs"
    for ((i = 1; i <= RUNS; i++)); do
        once "cc-$l" "$BIN" batch "$f"
        once "xsv-$l" xsv select patient_id,medication "$f"
    done
    summary "cc-$l"
    cc_wall=$WALL
    cc_cpu=$CPU
    cc_rss=$RSS
    summary "xsv-$l"
    xsv_wall=$WALL
    mb=$(calc "round($(stat -c %s "$f") / 1e6, 1)")
    RATE[$l]=$(calc "round($n / $cc_wall)")
    RATIO[$l]=$(calc "round($cc_wall / $xsv_wall, 2)")
    PEAK[$l]=$cc_rss
    ROWS_MD+=("| $l | $mb | $(calc "round($cc_wall, 2)") | $(calc "round($cc_cpu, 2)") | ${RATE[$l]} | $(calc "round($mb / $cc_wall, 1)") | $(calc "round($xsv_wall, 2)") | ${RATIO[$l]} | $cc_rss |")
done

log "timing the worst case ($WORST_ROWS distinct misspelled entries, $RUNS runs)"
timed worst "$BIN" batch "$DATA/worst-200k.csv"
WORST_RATE=$(calc "round($WORST_ROWS / $WALL)")
WORST_WALL=$(calc "round($WALL, 2)")
WORST_RSS=$RSS
WORST_CPU=$(calc "round($CPU, 2)")

log "timing crampcheck lookup lipitor and crampcheck --version (30 runs each)"
LOOKUP_MS=$(startup "$BIN" lookup lipitor)
VERSION_MS=$(startup "$BIN" --version)

log "comparing --jobs 1 and --jobs 2 on the 1M file"
SHA1=$("$BIN" batch --jobs 1 "$DATA/batch-1M.csv" | sha256sum | cut -c1-64)
SHA2=$("$BIN" batch --jobs 2 "$DATA/batch-1M.csv" | sha256sum | cut -c1-64)

log "measuring the --lean CSV against its input on 2M rows"
LEAN_OK=1
LEAN_LINE=$(bash scripts/bench/lean_size.sh) || LEAN_OK=0
SPARK_MD=""
if [ "$SPARK" -eq 1 ]; then
    VENV=${CRAMPCHECK_VENV:-target/python-venv}
    log "timing the Spark paths on 2M rows with $VENV/bin/python"
    SPARK_MD=$("$VENV/bin/python" scripts/bench/spark.py --runs "$RUNS")
fi

# --- report --------------------------------------------------------------------------------------
verdict() { if python3 -c "import sys; sys.exit(0 if $1 else 1)"; then echo met; else echo MISSED; fi; }
{
    echo "## crampcheck batch benchmark"
    echo
    echo "$(uname -srm), $(nproc) cores, $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src 2>/dev/null || echo ' (src modified)'); median of $RUNS runs; output to /dev/null; load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| rows | MB | crampcheck wall s | crampcheck CPU s | entries/s | MB/s | xsv wall s | crampcheck/xsv | peak RSS MB |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${ROWS_MD[@]}"
    echo
    echo "- worst case, $WORST_ROWS distinct misspelled entries: $WORST_WALL s wall ($WORST_CPU s CPU), **$WORST_RATE entries/s**, peak RSS $WORST_RSS MB"
    echo "- \`crampcheck lookup lipitor\`: **$LOOKUP_MS ms** median of 30 (\`crampcheck --version\`: $VERSION_MS ms)$([ -n "$HYPERFINE" ] && echo ', hyperfine' || echo ', python loop')"
    if [ "$SHA1" = "$SHA2" ]; then
        echo "- \`--jobs 1\` and \`--jobs 2\` outputs identical on 1M rows (sha256 ${SHA1:0:16}…)"
    else
        echo "- **\`--jobs 1\` and \`--jobs 2\` outputs DIFFER** on 1M rows ($SHA1 vs $SHA2)"
    fi
    echo "$LEAN_LINE"
    if [ -n "$SPARK_MD" ]; then
        echo
        echo "$SPARK_MD"
    fi
    echo
    echo "| target | result |"
    echo "|---|---|"
    echo "| ≥ 1,000,000 entries/s at 1M rows | ${RATE[1M]} — $(verdict "${RATE[1M]} >= 1000000") |"
    for n in "${SIZES[@]}"; do
        l=$(label "$n")
        echo "| ≤ 2.5× xsv wall time at $l | ${RATIO[$l]}× — $(verdict "${RATIO[$l]} <= 2.5") |"
    done
    for n in "${SIZES[@]}"; do
        l=$(label "$n")
        echo "| ≤ 64 MB peak RSS at $l | ${PEAK[$l]} MB — $(verdict "${PEAK[$l]} <= 64") |"
    done
    echo "| ≥ 60,000 entries/s worst case | $WORST_RATE — $(verdict "$WORST_RATE >= 60000") |"
    echo "| lookup lipitor < 20 ms median | $LOOKUP_MS ms — $(verdict "$LOOKUP_MS < 20") |"
    echo "| --lean CSV ≤ 2× its input (2M rows) | $([ "$LEAN_OK" -eq 1 ] && echo met || echo MISSED) |"
    if [ -n "$SPARK_MD" ]; then
        echo "| package mapInArrow ≤ 1.5× the no-op floor (2M rows) | $(grep -q 'bound (package within 1.5x of the floor): met' <<<"$SPARK_MD" && echo met || echo MISSED) |"
    fi
} | tee "$DATA/results.md"
log "written to $DATA/results.md"

[ "$SHA1" = "$SHA2" ] || exit 1
if [ "$STRICT" -eq 1 ] && grep -q MISSED "$DATA/results.md"; then
    exit 3
fi
