#!/usr/bin/env bash
# Measures `crampcheck batch --lean -f csv` output against its input on the benchmark's 2M-row
# file (issue #12: at most 2x). Prints one Markdown line; exits 1 when the bound is missed.
#
#   bash scripts/bench/lean_size.sh            # 2M rows, realistic mix, seed 1
#   bash scripts/bench/lean_size.sh --rows=N   # another size
set -euo pipefail
cd "$(dirname "$0")/../.."
export LC_ALL=C

ROWS=2000000
for arg in "$@"; do
    case "$arg" in
        --rows=*) ROWS="${arg#--rows=}" ;;
        -h | --help)
            sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "lean_size.sh: unknown argument: $arg" >&2
            exit 2
            ;;
    esac
done

DATA=bench-data
BIN="${CARGO_TARGET_DIR:-target}/release/crampcheck"
mkdir -p "$DATA"
IN="$DATA/lean-$ROWS.csv"
[ -x "$BIN" ] || cargo build --release --locked
if [ ! -s "$IN" ]; then
    python3 scripts/bench/gen_batch.py --rows "$ROWS" --mode realistic --seed 1 --out "$IN"
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$BIN" batch "$IN" --lean -f csv --quiet -o "$TMP/lean.csv"
"$BIN" batch "$IN" -f csv --quiet -o "$TMP/full.csv"
in_bytes=$(stat -c %s "$IN")
lean_bytes=$(stat -c %s "$TMP/lean.csv")
full_bytes=$(stat -c %s "$TMP/full.csv")
ratio=$(awk -v a="$lean_bytes" -v b="$in_bytes" 'BEGIN { printf "%.2f", a / b }')
full=$(awk -v a="$full_bytes" -v b="$in_bytes" 'BEGIN { printf "%.1f", a / b }')
printf -- '- `--lean -f csv` on %s rows: %s MB from %s MB of input, **%s×** (bound 2×; the full CSV is %s×)\n' \
    "$ROWS" "$((lean_bytes / 1000000))" "$((in_bytes / 1000000))" "$ratio" "$full"
awk -v r="$ratio" 'BEGIN { exit !(r <= 2.0) }' || {
    echo "lean_size.sh: --lean output is ${ratio}x its input, above the 2x bound" >&2
    exit 1
}
