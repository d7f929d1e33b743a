#!/usr/bin/env bash
# Throughput of `hunch predict` on the fraud workload with the prediction log off and with each
# --fsync mode, plus the latency of the embedded RuleSet::Predict. Prints a Markdown table.
# Usage: bench/predict.sh [--rows N] [--always-rows M]   (defaults 1000000 and 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=1000000
always_rows=20000
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --always-rows) always_rows=$2; shift 2 ;;
    *) echo "usage: $0 [--rows N] [--always-rows M]" >&2; exit 2 ;;
  esac
done
[ -x build/hunch ] && [ -x build/bench/hunch_predict_bench ] || cmake --build build --target hunch_cli hunch_predict_bench >/dev/null
mkdir -p bench/.cache
data=bench/.cache/tx_${rows}_s42.csv
[ -f "$data" ] || /usr/bin/python3 ../shared/bench/gen_transactions.py --rows "$rows" --seed 42 --out "$data"
small=bench/.cache/tx_${always_rows}_s42.csv
[ -f "$small" ] || head -n $((always_rows + 1)) "$data" > "$small"
rules=../shared/bench/fraud.rules.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat "$data" > /dev/null  # page cache warm

run() {  # run NAME FILE ROWS ARGS... -> prints "seconds"
  local name=$1 file=$2 n=$3; shift 3
  rm -rf "$tmp/log"
  local t0 t1
  t0=$(date +%s.%N)
  build/hunch predict "$rules" "$file" --id-field id "$@" > "$tmp/out.jsonl"
  t1=$(date +%s.%N)
  local lines
  lines=$(wc -l < "$tmp/out.jsonl")
  [ "$lines" -eq "$n" ] || { echo "$name: $lines output lines for $n rows" >&2; exit 1; }
  if [ -d "$tmp/log" ]; then
    local logged
    logged=$(find "$tmp/log" -name 'seg-*.jsonl' -exec cat {} + | wc -l)
    [ "$logged" -eq "$n" ] || { echo "$name: $logged log records for $n rows" >&2; exit 1; }
  fi
  echo "$t1 - $t0" | bc -l
}

echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
off=$(run off "$data" "$rows")
never=$(run never "$data" "$rows" --log "$tmp/log" --fsync never)
interval=$(run interval "$data" "$rows" --log "$tmp/log" --fsync interval)
always=$(run always "$small" "$always_rows" --log "$tmp/log" --fsync always)
always_off=$(run off-small "$small" "$always_rows")
printf '| mode | rows | seconds | predictions/s | share of log-off throughput |\n|---|--:|--:|--:|--:|\n'
row() { printf '| %s | %d | %.3f | %.0f | %.2f |\n' "$1" "$2" "$3" "$(echo "$2 / $3" | bc -l)" "$4"; }
row "log off" "$rows" "$off" 1
row "--fsync never" "$rows" "$never" "$(echo "$off / $never" | bc -l)"
row "--fsync interval (100 ms)" "$rows" "$interval" "$(echo "$off / $interval" | bc -l)"
row "--fsync always (one writer)" "$always_rows" "$always" "$(echo "$always_off / $always" | bc -l)"
echo
echo "Embedded RuleSet::Predict, one row at a time:"
build/bench/hunch_predict_bench "$rules" "$small" 200000
