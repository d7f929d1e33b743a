#!/usr/bin/env python3
"""`hunch eval` end to end on every input form and on bad input: same report from CSV, gzip,
stdin and JSONL; malformed rows stop the run with FILE:LINE and exit 2, or are counted with
--skip-bad-rows; empty and header-only files; a missing label column. Standard library only.

usage: eval_inputs.py HUNCH_BINARY
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile

hunch = sys.argv[1]
failures = []

RULES = """name: tiny
label: y
classes: [no, yes]
default: no
rules:
  - name: big
    when: x > 10
    predict: yes
"""
ROWS = [("x", "y"), ("5", "no"), ("20", "yes"), ("30", "no"), ("", "yes"), ("12", "yes")]


def run(args, stdin=None):
    p = subprocess.run([hunch, *args], capture_output=True, input=stdin)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def check(what, ok, detail=""):
    if not ok:
        failures.append(f"{what} {detail}")


with tempfile.TemporaryDirectory() as tmp:
    rules = os.path.join(tmp, "rules.yaml")
    open(rules, "w").write(RULES)
    csv_text = "".join(",".join(r) + "\n" for r in ROWS)
    paths = {}
    paths["csv"] = os.path.join(tmp, "d.csv")
    open(paths["csv"], "w").write(csv_text)
    paths["crlf+bom"] = os.path.join(tmp, "crlf.csv")
    open(paths["crlf+bom"], "wb").write(b"\xef\xbb\xbf" + csv_text.replace("\n", "\r\n").encode())
    paths["gz"] = os.path.join(tmp, "d.csv.gz")
    with gzip.open(paths["gz"], "wt") as f:
        f.write(csv_text)
    paths["jsonl"] = os.path.join(tmp, "d.jsonl")
    with open(paths["jsonl"], "w") as f:
        for x, y in ROWS[1:]:
            f.write(json.dumps({"x": int(x) if x else None, "y": y}) + "\n")

    reference = None
    for name, path in paths.items():
        code, out, err = run(["eval", rules, path, "--format", "json", "--bootstrap", "50"])
        check(f"eval {name} exits 0", code == 0, err)
        if code == 0:
            report = json.loads(out)
            body = {k: report[k] for k in ("metrics", "confusion_matrix", "rules", "intervals")}
            reference = reference or body
            check(f"eval {name} gives the CSV report", body == reference)
    code, out, err = run(["eval", rules, "-", "--format", "json", "--bootstrap", "50"], stdin=csv_text.encode())
    check("eval of stdin exits 0", code == 0, err)
    if code == 0:
        report = json.loads(out)
        check("stdin report equals the file's", {k: report[k] for k in reference} == reference)
        check("stdin is named <stdin>", report["data"]["path"] == "<stdin>", report["data"]["path"])

    bad = os.path.join(tmp, "bad.csv")
    open(bad, "w").write("x,y\n5,no\n7\n20,yes\n\"unterminated,yes\n")
    code, out, err = run(["eval", rules, bad])
    check("a ragged row stops the run with exit 2", code == 2, f"exit {code}")
    check("the error names FILE:LINE and the expectation",
          f"{bad}:3: error: expected 2 fields as in the header, found 1" in err, err)
    check("no partial report is printed", out == "", out)
    code, out, err = run(["eval", rules, bad, "--skip-bad-rows", "--format", "json", "--bootstrap", "0"])
    check("--skip-bad-rows goes on", code == 0, err)
    if code == 0:
        data = json.loads(out)["data"]
        check("bad rows are counted", data["bad_rows"] == 2, str(data))
        check("good rows are kept", data["rows"] == 2, str(data))

    empty = os.path.join(tmp, "empty.csv")
    open(empty, "w").write("")
    code, out, err = run(["eval", rules, empty])
    check("an empty file is an error", code == 2 and "empty input: expected a header row" in err, err)
    header_only = os.path.join(tmp, "header.csv")
    open(header_only, "w").write("x,y\n")
    # With no cells to infer from, the column's type must be declared.
    typed = os.path.join(tmp, "typed.yaml")
    open(typed, "w").write(RULES.replace("default: no", "default: no\ninputs: {x: int}"))
    code, out, err = run(["eval", typed, header_only, "--format", "json"])
    check("a header-only file is a report of 0 rows", code == 0 and json.loads(out)["data"]["rows"] == 0, err)
    nolabel = os.path.join(tmp, "nolabel.csv")
    open(nolabel, "w").write("x,z\n1,2\n")
    code, out, err = run(["eval", rules, nolabel])
    check("a missing label column is an error naming it", code == 2 and "label column 'y' is not in the data" in err, err)
    code, out, err = run(["eval", rules, os.path.join(tmp, "nope.csv")])
    check("a missing file is an error naming it", code == 2 and "nope.csv" in err, err)
    badjson = os.path.join(tmp, "bad.jsonl")
    open(badjson, "w").write('{"x": 1, "y": "no"}\n{"x": 2, "y": \n')
    code, out, err = run(["eval", rules, badjson])
    check("invalid JSONL is an error naming FILE:LINE:COL", code == 2 and f"{badjson}:2:" in err, err)

if failures:
    sys.exit("FAIL:\n  " + "\n  ".join(failures))
print("eval inputs: csv, crlf+bom, gzip, jsonl and stdin agree; bad inputs give located errors")
