#!/usr/bin/env python3
"""The docs/scale-out.md workflow on PostgreSQL, through the command line only.

hunch sql writes the eval query; psql runs it and saves the counts as CSV; hunch eval --from-counts
turns them into the report, which must equal the local `hunch eval` report figure for figure. The
same report comes from `hunch eval --db`. A regex PostgreSQL cannot run exactly is refused with
exit status 2.

Usage: sql_cli.py HUNCH PG_STATE_FILE   (the server comes from tests/e2e/pg_server.py)
"""
import json
import os
import subprocess
import sys
import tempfile

HUNCH, STATE = sys.argv[1], sys.argv[2]
with open(STATE) as f:
    CONNINFO = f.readline().strip()
RULES = "examples/fraud/rules.yaml"
DATA = "examples/fraud/transactions.csv"


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {r.returncode}\n{r.stderr}")
    return r.stdout


def psql(*args):
    return run(["psql", CONNINFO, "-v", "ON_ERROR_STOP=1", "-q", *args])


def normalized(report_json):
    r = json.loads(report_json)
    r.pop("seconds", None)
    r["data"].pop("path", None)
    return r


with tempfile.TemporaryDirectory() as tmp:
    psql("-c", "DROP TABLE IF EXISTS cli_tx")
    psql("-c", "CREATE TABLE cli_tx (id BIGINT, amount DOUBLE PRECISION, country TEXT, "
         "merchant_category TEXT, hour BIGINT, account_age_days BIGINT, email TEXT, device TEXT, "
         "n_prev_chargebacks BIGINT, is_fraud BIGINT)")
    psql("-c", f"\\copy cli_tx FROM '{os.path.abspath(DATA)}' CSV HEADER")

    query = os.path.join(tmp, "eval.sql")
    run([HUNCH, "sql", RULES, "--data", DATA, "--dialect", "postgres", "--table", "cli_tx",
         "--mode", "eval", "-o", query])
    counts = os.path.join(tmp, "counts.csv")
    with open(counts, "w") as out:
        out.write(psql("--csv", "-f", query))

    local = normalized(run([HUNCH, "eval", RULES, DATA, "--format", "json"]))
    from_counts = normalized(run([HUNCH, "eval", RULES, DATA, "--from-counts", counts,
                                  "--format", "json"]))
    from_db = normalized(run([HUNCH, "eval", RULES, DATA, "--db", CONNINFO, "--table", "cli_tx",
                              "--format", "json"]))
    # Without DATA, the types come from `inputs:` and the label is read as text: same report.
    from_db_no_data = normalized(run([HUNCH, "eval", RULES, "--db", CONNINFO, "--table", "cli_tx",
                                      "--format", "json"]))
    # A database has no row order: the slices come sorted by value.
    local["slices"] = dict(sorted(local.get("slices", {}).items()))
    for name, report in (("--from-counts", from_counts), ("--db", from_db),
                         ("--db without DATA", from_db_no_data)):
        if report != local:
            sys.exit(f"FAIL: the report from {name} differs from the local report:\n"
                     f"{json.dumps(local, sort_keys=True)}\n{json.dumps(report, sort_keys=True)}")
    if local["data"]["labeled_rows"] < 1000:
        sys.exit("FAIL: the fraud example should have thousands of labeled rows")

    # The predict query runs as written and labels every row.
    predict = os.path.join(tmp, "predict.sql")
    run([HUNCH, "sql", RULES, "--dialect", "postgres", "--table", "cli_tx", "-o", predict])
    rows = psql("--csv", "-c", f"SELECT prediction, count(*) FROM ({open(predict).read()}) AS p "
                "GROUP BY 1 ORDER BY 1")
    if "fraud," not in rows or "legit," not in rows:
        sys.exit(f"FAIL: unexpected predictions:\n{rows}")

    # A construct PostgreSQL's regex engine cannot run exactly: refused, exit 2, named.
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as f:
        f.write("name: b\nlabel: y\nclasses: [p, q]\ndefault: p\ninputs: {s: string}\nrules:\n"
                "  - name: words\n    when: s.matches(r'\\bfree\\b')\n    predict: q\n")
    r = subprocess.run([HUNCH, "sql", bad, "--dialect", "postgres"], capture_output=True,
                       text=True)
    if r.returncode != 2 or "word boundary" not in r.stderr or r.stdout:
        sys.exit(f"FAIL: expected exit 2 naming the word boundary, got {r.returncode}: "
                 f"{r.stderr}{r.stdout}")
print("ok: hunch sql | psql | hunch eval --from-counts (and --db) equals the local report")
