#!/usr/bin/python3
"""bench/python_predict_frame.py: hunch's RuleSet.predict_frame vs. the pandas implementation of
the same rules (bench/peers/fraud_pandas.py), on the same DataFrame in memory, in one run.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_predict_frame.py [--rows N] [--seed S]
        [--runs R]

The workload is ../shared/bench/gen_transactions.py (default 1,000,000 rows, seed 1), generated
once into bench/.cache/ (git-ignored) and read once with pandas (not timed). Both tools start from
that DataFrame: the pandas peer builds boolean masks and np.select; hunch hands the columns to the
engine and returns prediction/rule/confidence columns. Before timing, the two must agree on every
row (exit status 1 otherwise). Rounds alternate the tools, so load drift hits both alike; the
table gives the median and best wall time, rows/s and the ratio pandas / hunch, and the same
ratio of CPU time (process time, all threads), which a loaded machine disturbs less. Peak memory is
measured in a child process per tool (peak RSS above the RSS with the DataFrame loaded, one call).
Single-row latency: RuleSet.predict on 2,000 rows, one call each, p50/p99.
"""

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED_BENCH = ROOT.parent / "shared" / "bench"
CACHE = ROOT / "bench" / ".cache"
sys.path.insert(0, str(ROOT / "bench" / "peers"))


def workload(rows, seed):
    csv = CACHE / f"tx_{rows}_s{seed}.csv"
    if not csv.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = csv.with_suffix(".tmp")
        subprocess.run([sys.executable, str(SHARED_BENCH / "gen_transactions.py"), "--rows",
                        str(rows), "--seed", str(seed), "--out", str(tmp)], check=True)
        tmp.rename(csv)
    return csv


def load_frame(csv):
    import pandas as pd

    pickle = csv.with_suffix(".pkl")
    if pickle.exists() and pickle.stat().st_mtime >= csv.stat().st_mtime:
        return pd.read_pickle(pickle)
    df = pd.read_csv(csv)
    df.to_pickle(pickle)
    return df


def tools():
    import hunch
    import fraud_pandas

    rules = hunch.RuleSet(SHARED_BENCH / "fraud.rules.yaml")
    rules_one = hunch.RuleSet(SHARED_BENCH / "fraud.rules.yaml", threads=1)
    return {
        "pandas (masks + np.select)": fraud_pandas.predict,
        "hunch predict_frame": rules.predict_frame,
        "hunch predict_frame, threads=1": rules_one.predict_frame,
    }, rules


def _status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def peak_child(csv, tool):
    """Runs one call of `tool` in a child; prints how far its peak RSS rose above the RSS with the
    DataFrame loaded, in MB (the peak is reset through /proc/self/clear_refs first)."""
    df = load_frame(csv)
    fns, _ = tools()
    fns[tool](df.head(1000))  # imports and first-call set-up are not the tool's memory
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = _status_kb("VmRSS")
    fns[tool](df)
    print((_status_kb("VmHWM") - before) * 1024 / 1e6)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--peak-child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    csv = workload(args.rows, args.seed)
    if args.peak_child:
        peak_child(csv, args.peak_child)
        return 0

    import numpy as np

    load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    t0 = time.perf_counter()
    df = load_frame(csv)
    load_s = time.perf_counter() - t0
    fns, rules = tools()
    names = list(fns)

    # The tools must agree before their times mean anything.
    expected = fns[names[0]](df)
    for name in names[1:]:
        got = (fns[name](df)["prediction"] == "fraud").to_numpy().astype(int)
        if not np.array_equal(got, expected):
            print(f"!!!!!!!! {name} disagrees with pandas on {(got != expected).sum()} rows")
            return 1

    times = {name: [] for name in names}
    cpu = {name: [] for name in names}
    for _ in range(args.runs):
        for name in names:
            t, c = time.perf_counter(), time.process_time()
            fns[name](df)
            times[name].append(time.perf_counter() - t)
            cpu[name].append(time.process_time() - c)

    peaks = {}
    for name in names:
        out = subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--seed",
                              str(args.seed), "--peak-child", name], capture_output=True,
                             text=True, check=True, env=os.environ)
        peaks[name] = float(out.stdout.strip())

    rows = df.head(2000).to_dict("records")
    latencies = []
    for row in rows:
        t = time.perf_counter()
        rules.predict(row)
        latencies.append(time.perf_counter() - t)
    latencies.sort()

    pandas_median = statistics.median(times[names[0]])
    print(f"# predict_frame vs pandas: {len(df):,} rows (seed {args.seed}), {args.runs} runs")
    print(f"host: {os.cpu_count()} cpus; load average at the start: {load_start}, at the end: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"data: {csv.name}, read once in {load_s:.2f} s (not timed)\n")
    pandas_cpu = statistics.median(cpu[names[0]])
    print("| tool | median wall s | best wall s | rows/s (median) | peak MB over the frame | "
          "pandas / tool (wall) | median cpu s | pandas / tool (cpu) |")
    print("|---|---|---|---|---|---|---|---|")
    for name in names:
        med, best = statistics.median(times[name]), min(times[name])
        c = statistics.median(cpu[name])
        print(f"| {name} | {med:.4f} | {best:.4f} | {len(df) / med:,.0f} | {peaks[name]:.1f} | "
              f"{pandas_median / med:.1f}x | {c:.4f} | {pandas_cpu / c:.1f}x |")
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e6
    print(f"\nRuleSet.predict (one row per call, {len(rows)} calls): p50 {p(0.5):.1f} us, "
          f"p99 {p(0.99):.1f} us")
    print(f"agreed: {int(expected.sum()):,} fraud predictions of {len(df):,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
