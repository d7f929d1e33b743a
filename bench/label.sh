#!/usr/bin/env bash
# `hunch label` with 20 labeling functions and the label model, next to the same functions in
# pandas (bench/label/pandas_lf.py): wall time, rows/s and peak memory, medians of R runs taken
# round-robin, and a check that both give the identical label matrix.
#
#   bench/label.sh [--rows N] [--runs R] [--rowwise-rows M]
#
# Defaults: 1,000,000 rows of the shared fraud workload (../shared/bench/gen_transactions.py,
# seed 42, cached in bench/.cache), 3 runs, and Snorkel-style row-by-row application
# (DataFrame.apply, as PandasLFApplier) timed on the first 20,000 rows. Uses build/hunch.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=1000000 RUNS=3 ROWWISE=20000
while [[ $# -gt 0 ]]; do
  case $1 in
    --rows) ROWS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --rowwise-rows) ROWWISE=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
HUNCH=${HUNCH:-$ROOT/build/hunch}
PY=/usr/bin/python3
CACHE=$ROOT/bench/.cache
DATA=$CACHE/tx_${ROWS}_s42.csv
RULES=$ROOT/bench/label/fraud_lf.yaml
mkdir -p "$CACHE"
[[ -f $DATA ]] || $PY "$ROOT/../shared/bench/gen_transactions.py" --rows "$ROWS" --seed 42 > "$DATA"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cp "$HUNCH" "$TMP/hunch"  # a rebuild by someone else mid-run cannot mix two binaries

# Runs a command, appending "wall_s peak_kb" to file $1.
timed() {
  local out=$1; shift
  local t0=$EPOCHREALTIME
  /usr/bin/time -f '%M' -o "$TMP/rss" "$@" > "$TMP/stdout" 2> "$TMP/stderr"
  local t1=$EPOCHREALTIME
  echo "$(echo "$t1 - $t0" | bc -l) $(cat "$TMP/rss")" >> "$out"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "load before: $(uptime | sed 's/.*load average: //')"
cat "$DATA" > /dev/null  # warm the page cache
for ((r = 1; r <= RUNS; ++r)); do
  timed "$TMP/hunch_label" "$TMP/hunch" label "$RULES" "$DATA" -o "$TMP/labels.csv" -q
  timed "$TMP/hunch_matrix" "$TMP/hunch" label "$RULES" "$DATA" -o "$TMP/L_hunch.csv" --matrix -q
  timed "$TMP/pandas" $PY "$ROOT/bench/label/pandas_lf.py" "$DATA" "$TMP/L_pandas.csv"
  cp "$TMP/stdout" "$TMP/pandas_phases_$r.json"
done
$PY "$ROOT/bench/label/pandas_lf.py" "$DATA" "$TMP/L_pandas.csv" --rowwise-rows "$ROWWISE" \
  > "$TMP/rowwise.json"
cmp -s "$TMP/L_hunch.csv" "$TMP/L_pandas.csv" || { echo "label matrices differ" >&2; exit 1; }
echo "load after:  $(uptime | sed 's/.*load average: //')"

h=$(cut -d' ' -f1 "$TMP/hunch_label" | median)
hm=$(cut -d' ' -f1 "$TMP/hunch_matrix" | median)
p=$(cut -d' ' -f1 "$TMP/pandas" | median)
hr=$(cut -d' ' -f2 "$TMP/hunch_label" | median)
pr=$(cut -d' ' -f2 "$TMP/pandas" | median)
$PY - "$ROWS" "$h" "$hm" "$p" "$hr" "$pr" "$TMP" "$RUNS" <<'EOF'
import json, sys, statistics
rows, h, hm, p, hr, pr, tmp, runs = sys.argv[1:]
rows, h, hm, p, hr, pr, runs = int(rows), float(h), float(hm), float(p), float(hr), float(pr), int(runs)
phases = [json.load(open(f"{tmp}/pandas_phases_{r}.json")) for r in range(1, runs + 1)]
ph = {k: statistics.median(x[k] for x in phases) for k in ("read", "apply", "fit", "write")}
rw = json.load(open(f"{tmp}/rowwise.json"))
rw_rate = rw["rowwise_rows"] / rw["rowwise_apply"]
print(f"\n{rows:,} rows, 20 labeling functions, label model fitted (median of {runs} runs)\n")
print("| tool | median wall s | rows/s | peak MB | ratio to hunch label |")
print("|---|---:|---:|---:|---:|")
print(f"| hunch label (labels + label model) | {h:.2f} | {rows / h:,.0f} | {hr / 1024:.0f} | 1.00 |")
print(f"| hunch label --matrix | {hm:.2f} | {rows / hm:,.0f} | - | {hm / h:.2f} |")
print(f"| pandas, vectorised LFs + numpy EM | {p:.2f} | {rows / p:,.0f} | {pr / 1024:.0f} | {p / h:.2f} |")
print(f"| pandas row by row (DataFrame.apply, as PandasLFApplier), LFs only, measured on "
      f"{rw['rowwise_rows']:,} rows | {rows / rw_rate:.1f} (extrapolated) | {rw_rate:,.0f} | - | "
      f"{rows / rw_rate / h:.0f} |")
print(f"\npandas phases (median s): read {ph['read']:.2f}, apply LFs {ph['apply']:.2f}, "
      f"fit {ph['fit']:.2f}, write L {ph['write']:.2f}; EM iterations {phases[0]['iterations']}; "
      f"row-by-row L equals the vectorised L: {rw['rowwise_matches']}")
print("The label matrices of hunch and pandas are identical (checked with cmp).")
EOF
