#!/usr/bin/env bash
# bench/compare.sh: hunch compare and hunch diff on the shared fraud workload, beside hunch eval
# (what comparing adds) and beside pandas + scikit-learn + SciPy doing the same job by hand.
#
#   bench/compare.sh [--rows N] [--runs R] [--seed S] [--peer-resamples B]
#
# Prints a Markdown table: median wall time, rows/s and peak memory per command. Fails (exit 1)
# when hunch and the peer disagree on McNemar's counts. Environment: HUNCH=/path/to/hunch,
# HUNCH_BASE=/path/to/another/hunch to time its `eval` in the same run (the cost of this branch's
# changes to plain eval).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROWS=1000000
RUNS=3
SEED=42
PEER_RESAMPLES=1000
while [ $# -gt 0 ]; do
    case $1 in
        --rows) ROWS=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --peer-resamples) PEER_RESAMPLES=$2; shift 2 ;;
        *) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2 ;;
    esac
done
PY=/usr/bin/python3
HUNCH=${HUNCH:-$ROOT/build/hunch}
SHARED_BENCH=$ROOT/../shared/bench
CACHE=$ROOT/bench/.cache
mkdir -p "$CACHE"
CSV=$CACHE/tx_${ROWS}_s${SEED}.csv
MODEL=$CACHE/model_${ROWS}_s${SEED}.csv
SCORED=$CACHE/fraud_scored.rules.yaml
V2=$CACHE/fraud_scored_v2.rules.yaml
[ -x "$HUNCH" ] || { echo "no hunch binary at $HUNCH (cmake --build build --target hunch_cli)" >&2; exit 2; }
[ -f "$CSV" ] || "$PY" "$SHARED_BENCH/gen_transactions.py" --rows "$ROWS" --seed "$SEED" --out "$CSV"
[ -f "$MODEL" ] || "$PY" bench/compare/model.py "$CSV" "$MODEL"
# The shared rules with a positive class and confidences (so the rules have scores), and a
# second version with one threshold moved, for diff.
"$PY" - "$SHARED_BENCH/fraud.rules.yaml" "$SCORED" "$V2" <<'PYEOF'
import re, sys
text = open(sys.argv[1]).read().replace("default: legit", "default: legit\npositive: fraud")
text = re.sub(r"(\n    predict: (\w+))", lambda m: m.group(1) + "\n    confidence: 0.6", text)
open(sys.argv[2], "w").write(text)
open(sys.argv[3], "w").write(text.replace("amount > 5000", "amount > 3000"))
PYEOF

echo "load before: $(uptime)"
RESULTS=$CACHE/compare_last_run.tsv
: > "$RESULTS"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_it() {  # name, command...
    local name=$1; shift
    local walls=() mems=()
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %M" -o "$CACHE/time.out" "$@" > "$CACHE/out.txt" 2> "$CACHE/err.txt" || {
            local s=$?; [ $s -eq 3 ] || { cat "$CACHE/err.txt" >&2; echo "$name failed ($s)" >&2; exit 1; }; }
        read -r wall mem < <(tail -1 "$CACHE/time.out")
        walls+=("$wall"); mems+=("$mem")
    done
    local w m
    w=$(printf '%s\n' "${walls[@]}" | median)
    m=$(printf '%s\n' "${mems[@]}" | sort -n | tail -1)
    printf '%s\t%s\t%s\n' "$name" "$w" "$m" >> "$RESULTS"
}
if [ -n "${HUNCH_BASE:-}" ]; then
    time_it "hunch eval --bootstrap 0 (HUNCH_BASE)" "$HUNCH_BASE" eval "$SHARED_BENCH/fraud.rules.yaml" "$CSV" --bootstrap 0 --format json
fi
time_it "hunch eval --bootstrap 0" "$HUNCH" eval "$SHARED_BENCH/fraud.rules.yaml" "$CSV" --bootstrap 0 --format json
time_it "hunch eval --bootstrap 0, rules with scores" "$HUNCH" eval "$SCORED" "$CSV" --bootstrap 0 --format json
time_it "hunch eval (1000 resamples)" "$HUNCH" eval "$SCORED" "$CSV" --format json
time_it "hunch compare --bootstrap 0" "$HUNCH" compare "$SCORED" "$CSV" -p "$MODEL" --score-column score --bootstrap 0 --format json
time_it "hunch compare (1000 resamples, scores)" "$HUNCH" compare "$SCORED" "$CSV" -p "$MODEL" --score-column score --format json
cp "$CACHE/out.txt" "$CACHE/compare.json"
time_it "hunch compare --id-column id (1000 resamples, scores)" "$HUNCH" compare "$SCORED" "$CSV" -p "$MODEL" --score-column score --id-column id --format json
time_it "hunch diff (1000 resamples)" "$HUNCH" diff "$SCORED" "$V2" "$CSV" --format json
time_it "pandas + sklearn + scipy ($PEER_RESAMPLES resamples)" "$PY" bench/compare/peer.py "$CSV" "$MODEL" "$PEER_RESAMPLES"
cp "$CACHE/out.txt" "$CACHE/peer.txt"
echo "load after: $(uptime)"

# The same McNemar counts, or the comparison is void.
hunch_counts=$("$PY" -c 'import json,sys; c=json.load(open(sys.argv[1]))["contingency"]; print(c["only_rules_right"], c["only_model_right"])' "$CACHE/compare.json")
peer_counts=$(awk '/^only_rules/ {print $2, $4}' "$CACHE/peer.txt")
[ "$hunch_counts" = "$peer_counts" ] || { echo "McNemar counts differ: hunch $hunch_counts, peer $peer_counts" >&2; exit 1; }
echo "McNemar discordant counts (only rules, only model), identical: $hunch_counts"

ref=$(awk -F'\t' '$1 == "hunch compare (1000 resamples, scores)" {print $2}' "$RESULTS")
echo
echo "| command ($ROWS rows) | median wall s | rows/s | peak MB | ratio to hunch compare |"
echo "|---|--:|--:|--:|--:|"
awk -F'\t' -v rows="$ROWS" -v ref="$ref" '{printf "| %s | %.3f | %\047d | %.1f | %.2f |\n", $1, $2, ($2 > 0 ? rows / $2 : 0), $3 / 1024, $2 / ref}' "$RESULTS"
