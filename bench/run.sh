#!/usr/bin/env bash
# bench/run.sh: hunch eval vs. peer tools on the shared fraud rule set.
#
#   bench/run.sh [--rows N] [--runs R] [--seed S] [--skip-slow] [--rebuild]
#
# See bench/README.md.  Exit status: 0 ok, 1 a tool failed or the tools
# disagree on the confusion counts, 2 usage.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROWS=1000000
RUNS=5
SEED=42
SKIP_SLOW=0
REBUILD=0
PY=/usr/bin/python3                  # Debian's python: has numpy/pandas
SHARED_BENCH=$ROOT/../shared/bench
RULES=$SHARED_BENCH/fraud.rules.yaml
HUNCH=${HUNCH:-$ROOT/build/hunch}
CACHE=$ROOT/bench/.cache
PEERS=$ROOT/bench/peers

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
    cat >&2 <<'EOF'
Options:
  --rows N      data rows to generate (default 1000000)
  --runs R      timed runs per tool; the median is reported (default 5)
  --seed S      generator seed (default 42)
  --skip-slow   leave out the plain Python loop
  --rebuild     run `cmake --build build --target hunch_cli` even if build/hunch exists
Environment: HUNCH=/path/to/hunch to benchmark another binary.
EOF
    exit 2
}

die() { printf '\n!!!!!!!! %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
    --rows) [ $# -ge 2 ] || usage; ROWS=$2; shift 2 ;;
    --runs) [ $# -ge 2 ] || usage; RUNS=$2; shift 2 ;;
    --seed) [ $# -ge 2 ] || usage; SEED=$2; shift 2 ;;
    --skip-slow) SKIP_SLOW=1; shift ;;
    --rebuild) REBUILD=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
    esac
done
[[ $ROWS =~ ^[0-9]+$ && $ROWS -ge 1 ]] || { echo "--rows must be a positive integer" >&2; exit 2; }
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || { echo "--runs must be a positive integer" >&2; exit 2; }
[[ $SEED =~ ^[0-9]+$ ]] || { echo "--seed must be a non-negative integer" >&2; exit 2; }

log() { printf '[bench] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- peers ----
missing=()
command -v mawk >/dev/null 2>&1 || missing+=(mawk)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
[ -x /usr/bin/time ] || missing+=(time)
{ [ -x "$PY" ] && "$PY" -c 'import numpy, pandas' >/dev/null 2>&1; } || missing+=(python3-pandas)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing missing packages: ${missing[*]}"
    [ "$(id -u)" -eq 0 ] || die "need root to apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

# ---------------------------------------------------------------- hunch ----
if [ "$REBUILD" = 1 ] || [ ! -x "$HUNCH" ]; then
    [ "$HUNCH" = "$ROOT/build/hunch" ] || die "HUNCH=$HUNCH is not executable"
    if [ ! -f build/CMakeCache.txt ]; then
        log "configuring build/ (Release)"
        cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >&2
    fi
    log "building hunch: cmake --build build --target hunch_cli"
    cmake --build build --target hunch_cli -j "$(nproc)" >&2
fi
[ -x "$HUNCH" ] || die "no hunch binary at $HUNCH"
# Others rebuild build/hunch while we measure: benchmark a private snapshot so
# every run of every round times the same binary.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hunch-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
HUNCH_SRC=$HUNCH
HUNCH_MTIME=$(date -u -r "$HUNCH_SRC" '+%Y-%m-%d %H:%M UTC')
cp "$HUNCH_SRC" "$TMP/hunch"
HUNCH=$TMP/hunch
"$HUNCH" eval --help > /dev/null 2>&1 || die "$HUNCH_SRC does not run (being relinked?); rerun"
HUNCH_SHA=$(sha256sum "$HUNCH" | cut -c1-12)
HAS_THREADS=0
if "$HUNCH" eval --help 2>/dev/null | grep -q -- '--threads'; then HAS_THREADS=1; fi

# ------------------------------------------------------------- workload ----
mkdir -p "$CACHE"
CSV=$CACHE/tx_${ROWS}_s${SEED}.csv
DB=$CACHE/tx_${ROWS}_s${SEED}.db
if [ ! -s "$CSV" ]; then
    log "generating $ROWS rows (seed $SEED) -> ${CSV#$ROOT/}"
    "$PY" "$SHARED_BENCH/gen_transactions.py" --rows "$ROWS" --seed "$SEED" --out "$CSV.tmp"
    mv "$CSV.tmp" "$CSV"
fi
lines=$(wc -l < "$CSV")
[ "$lines" -eq $((ROWS + 1)) ] || die "$CSV has $lines lines, expected $((ROWS + 1)); delete it and rerun"
if [ ! -s "$DB" ] || [ "$DB" -ot "$CSV" ]; then
    log "loading ${CSV#$ROOT/} into SQLite ${DB#$ROOT/} (once, not timed)"
    "$PEERS/fraud_sqlite.sh" load "$CSV" "$DB"
fi
BYTES=$(stat -c %s "$CSV")

# ---------------------------------------------------------------- tools ----
# name<TAB>command (a shell command line; run with eval).  The first hunch
# entry is the reference for the ratio column.
q() { printf '%q' "$1"; }
TOOLS=()
TOOLS+=("wc -l (floor)"$'\t'"wc -l $(q "$CSV")")
if [ "$HAS_THREADS" = 1 ]; then
    TOOLS+=("hunch eval (default threads)"$'\t'"$(q "$HUNCH") eval $(q "$RULES") $(q "$CSV") --bootstrap 0 --format json")
    TOOLS+=("hunch eval --threads 1"$'\t'"$(q "$HUNCH") eval $(q "$RULES") $(q "$CSV") --bootstrap 0 --format json --threads 1")
else
    TOOLS+=("hunch eval"$'\t'"$(q "$HUNCH") eval $(q "$RULES") $(q "$CSV") --bootstrap 0 --format json")
fi
TOOLS+=("mawk"$'\t'"mawk -f $(q "$PEERS/fraud.awk") $(q "$CSV")")
TOOLS+=("sqlite3 (query only)"$'\t'"$(q "$PEERS/fraud_sqlite.sh") query $(q "$DB")")
TOOLS+=("pandas"$'\t'"$PY $(q "$PEERS/fraud_pandas.py") $(q "$CSV")")
if [ "$SKIP_SLOW" = 0 ]; then
    TOOLS+=("python loop (csv + re)"$'\t'"$PY $(q "$PEERS/fraud_loop.py") $(q "$CSV")")
fi

RESULTS=$CACHE/last_run.tsv          # raw per-run numbers, kept for inspection
printf 'tool\trun\twall_s\tmax_rss_kb\tcpu_s\tcounts\n' > "$RESULTS"

# Normalise one tool's stdout to "tn fp fn tp" (positive class: fraud).
counts_of() {  # name outfile
    case "$1" in
    wc*) awk '{print $1}' "$2" ;;   # a line count, not confusion counts
    hunch*)
        "$PY" - "$2" <<'EOF'
import json, sys
cm = json.load(open(sys.argv[1]))["confusion_matrix"]
labels, pred_labels, m = cm["labels"], cm.get("predicted_labels", cm["labels"]), cm["matrix"]
a = {c: i for i, c in enumerate(labels)}
p = {c: i for i, c in enumerate(pred_labels)}
cell = lambda actual, pred: m[a[actual]][p[pred]]
print(cell("legit", "legit"), cell("legit", "fraud"), cell("fraud", "legit"), cell("fraud", "fraud"))
EOF
        ;;
    *) tr -s ' \t' ' ' < "$2" | sed 's/^ //; s/ $//' ;;
    esac
}

declare -A REF_COUNTS=()
check_round() {  # run number: all tools of this round must agree
    local ref="" refname="" bad=0 name
    for name in "${!REF_COUNTS[@]}"; do
        [[ $name == wc* ]] && continue
        if [ -z "$ref" ]; then ref=${REF_COUNTS[$name]}; refname=$name; fi
        [ "${REF_COUNTS[$name]}" = "$ref" ] || bad=1
    done
    if [ "$bad" = 1 ]; then
        {
            printf '\n!!!!!!!! CONFUSION COUNTS DISAGREE (run %s) !!!!!!!!\n' "$1"
            printf '%-32s %s\n' "tool" "tn fp fn tp"
            for name in "${!REF_COUNTS[@]}"; do
                [[ $name == wc* ]] && continue
                printf '%-32s %s\n' "$name" "${REF_COUNTS[$name]}"
            done
            printf 'raw outputs: see %s\n' "$RESULTS"
        } >&2
        exit 1
    fi
}

# ---------------------------------------------------------------- runs -----
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "warm-up read of the data (untimed)"
cat "$CSV" > /dev/null
cat "$DB" > /dev/null

for ((run = 1; run <= RUNS; run++)); do
    for entry in "${TOOLS[@]}"; do       # round-robin: drift on a shared box hits every tool alike
        name=${entry%%$'\t'*}
        cmd=${entry#*$'\t'}
        log "run $run/$RUNS: $name"
        t0=$EPOCHREALTIME
        if ! /usr/bin/time -f '%M %U %S' -o "$TMP/time" bash -c "$cmd" > "$TMP/out" 2> "$TMP/err"; then
            t1=$EPOCHREALTIME
            cat "$TMP/err" >&2
            die "$name FAILED: $cmd"
        fi
        t1=$EPOCHREALTIME
        wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
        read -r rss utime stime < <(tail -n 1 "$TMP/time")
        cpu=$(awk -v u="$utime" -v s="$stime" 'BEGIN { printf "%.2f", u + s }')
        counts=$(counts_of "$name" "$TMP/out") || die "$name: could not read its output: $(head -c 300 "$TMP/out")"
        [ -n "$counts" ] || die "$name printed nothing"
        if [[ $name == wc* ]]; then
            [ "$counts" -eq $((ROWS + 1)) ] || die "wc -l says $counts, expected $((ROWS + 1))"
        else
            [[ $counts =~ ^[0-9]+\ [0-9]+\ [0-9]+\ [0-9]+$ ]] || die "$name printed '$counts', not 'tn fp fn tp'"
            sum=$(awk '{ print $1 + $2 + $3 + $4 }' <<<"$counts")
            [ "$sum" -eq "$ROWS" ] || die "$name: counts '$counts' add up to $sum, not $ROWS rows"
        fi
        REF_COUNTS[$name]=$counts
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$run" "$wall" "$rss" "$cpu" "$counts" >> "$RESULTS"
    done
    check_round "$run"
done

# --------------------------------------------------------------- report ----
cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
[ -n "$cpu_model" ] || cpu_model=$(lscpu 2>/dev/null | awk -F': *' '/Model name/ { print $2; exit }')
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" --no-optional-locks status --porcelain --untracked-files=no 2>/dev/null | head -n 1)" ]; then
    commit="$commit + uncommitted changes"
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$ROOT/build/CMakeCache.txt" 2>/dev/null || true)

echo
echo "## hunch eval vs. peers: fraud rules, $ROWS rows"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "- machine: $(nproc) CPUs (nproc), ${cpu_model:-unknown CPU}, $(uname -sr); load average (1/5/15 min) before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- data: ${CSV#$ROOT/} ($ROWS rows, seed $SEED, $(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB), page cache warm"
echo "- hunch: snapshot of ${HUNCH_SRC#$ROOT/} (sha256 $HUNCH_SHA, built $HUNCH_MTIME; tree at git $commit; build type ${build_type:-?}); --threads option: $([ "$HAS_THREADS" = 1 ] && echo yes || echo 'not available')"
echo "- $RUNS runs per tool, round-robin; median shown; raw numbers in ${RESULTS#$ROOT/}"
echo
"$PY" - "$RESULTS" "$ROWS" "$BYTES" <<'EOF'
import csv, statistics, sys
path, rows, nbytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
by = {}
with open(path) as f:
    for r in csv.DictReader(f, delimiter="\t"):
        by.setdefault(r["tool"], []).append(r)
med = {t: statistics.median(float(r["wall_s"]) for r in rs) for t, rs in by.items()}
ref = next(t for t in by if t.startswith("hunch"))
print("| tool | median wall s | rows/s | MB/s | peak MB | ratio | median cpu s |")
print("|---|--:|--:|--:|--:|--:|--:|")
for t, rs in by.items():
    w = med[t]
    rss = max(int(r["max_rss_kb"]) for r in rs) * 1024 / 1e6
    cpu = statistics.median(float(r["cpu_s"]) for r in rs)
    print(f"| {t} | {w:.3f} | {rows / w:,.0f} | {nbytes / 1e6 / w:,.1f} | {rss:,.1f} | {w / med[ref]:.2f} | {cpu:.2f} |")
counts = {rs[-1]["counts"] for t, rs in by.items() if not t.startswith("wc")}
print()
print(f"Confusion counts (tn fp fn tp, positive = fraud), identical for every tool and run: {counts.pop()}")
print(f"ratio = median wall / median wall of `{ref}`; sqlite3 row excludes the one-off CSV import.")
EOF
