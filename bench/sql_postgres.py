#!/usr/bin/env python3
"""The same eval pushed into PostgreSQL vs the native engine (docs/performance.md has the figures).

  bench/sql_postgres.py [--rows 1000000] [--runs 3] [--seed 42]

Generates the shared fraud workload (../shared/bench/gen_transactions.py), starts a throwaway
PostgreSQL server (tests/e2e/pg_server.py), loads the rows into a typed table (timed apart), then
times `hunch eval --db` (the generated eval query run by PostgreSQL; only the counts come back)
against `hunch eval` on the CSV file, and checks that both reports have the same figures. Prints a
Markdown table with the machine load. Exit status: 0 ok, 1 the reports differ or a step failed.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared", "bench")
RULES = os.path.join(SHARED, "fraud.rules.yaml")


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}")
    return r.stdout


def timed(cmd):
    """Wall seconds and peak resident MB of the hunch process (GNU time), and its stdout."""
    start = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{r.stderr}")
    peak_kb = int(r.stderr.strip().splitlines()[-1])
    return wall, peak_kb / 1024, r.stdout


def figures(report_json):
    r = json.loads(report_json)
    r.pop("seconds", None)
    r["data"].pop("path", None)
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--hunch", default=os.environ.get("HUNCH", os.path.join(ROOT, "build", "hunch")))
    args = ap.parse_args()

    cache = os.path.join(ROOT, "bench", ".cache")
    os.makedirs(cache, exist_ok=True)
    data = os.path.join(cache, f"sql_transactions_{args.rows}_{args.seed}.csv")
    if not os.path.exists(data):
        run(["/usr/bin/python3", os.path.join(SHARED, "gen_transactions.py"), "--rows",
             str(args.rows), "--seed", str(args.seed), "--out", data])

    with tempfile.TemporaryDirectory() as tmp:
        state = os.path.join(tmp, "pg.state")
        run(["/usr/bin/python3", os.path.join(ROOT, "tests", "e2e", "pg_server.py"), "start", state])
        try:
            conninfo = open(state).readline().strip()
            psql = ["psql", conninfo, "-v", "ON_ERROR_STOP=1", "-q"]
            run(psql + ["-c", "CREATE TABLE tx (id BIGINT, amount DOUBLE PRECISION, country TEXT, "
                        "merchant_category TEXT, hour BIGINT, account_age_days BIGINT, email TEXT, "
                        "device TEXT, n_prev_chargebacks BIGINT, is_fraud BIGINT)"])
            start = time.perf_counter()
            run(psql + ["-c", f"\\copy tx FROM '{data}' CSV HEADER"])
            run(psql + ["-c", "VACUUM ANALYZE tx"])
            load = time.perf_counter() - start

            common = ["--bootstrap", "0", "--format", "json"]
            tools = [
                ("hunch eval --db (PostgreSQL 15 runs the query)",
                 [args.hunch, "eval", RULES, data, "--db", conninfo, "--table", "tx"] + common),
                ("hunch eval (native, 2 threads)", [args.hunch, "eval", RULES, data] + common),
                ("hunch eval --threads 1 (native)",
                 [args.hunch, "eval", RULES, data, "--threads", "1"] + common),
            ]
            results, reports = [], []
            for name, cmd in tools:
                walls, peaks = [], []
                for _ in range(args.runs):
                    wall, peak, out = timed(cmd)
                    walls.append(wall)
                    peaks.append(peak)
                reports.append(figures(out))
                results.append((name, statistics.median(walls), max(peaks)))
        finally:
            run(["/usr/bin/python3", os.path.join(ROOT, "tests", "e2e", "pg_server.py"), "stop",
                 state])

    reference = dict(reports[1])
    reference["slices"] = dict(sorted(reference.get("slices", {}).items()))
    for (name, _, _), report in zip(results, reports):
        if report != reference:
            sys.exit(f"bench: the report of '{name}' differs from the native one")
    load_avg = open("/proc/loadavg").read().split()[:3]
    native = results[1][1]
    print(f"rows: {args.rows}, runs: {args.runs} (median), load average at the end: "
          f"{' '.join(load_avg)}; PostgreSQL load (COPY + VACUUM ANALYZE): {load:.2f} s\n")
    print("| tool | median wall s | rows/s | hunch peak MB | ratio to native |")
    print("|---|--:|--:|--:|--:|")
    for name, wall, peak in results:
        print(f"| {name} | {wall:.3f} | {args.rows / wall:,.0f} | {peak:.1f} | "
              f"{wall / native:.2f} |")
    print("\nEvery report has the same figures (checked).")


if __name__ == "__main__":
    main()
