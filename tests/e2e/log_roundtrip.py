#!/usr/bin/env python3
"""End to end: predict -> log -> labels arrive -> dataset -> eval reproduces the offline report.

Titanic from ../shared/data with the label withheld from the prediction input: the rules predict
each passenger through `hunch predict --log`, the labels arrive later as a separate file (with a
duplicate and an orphan), `hunch dataset` joins them, and `hunch eval` on the training set must
give exactly the figures of `hunch eval` on the original file. Also checks the shadow report and
that a torn last log line is skipped with a warning. Standard library only.

usage: log_roundtrip.py HUNCH_BINARY SHARED_DATA_DIR
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

hunch, data_dir = sys.argv[1], sys.argv[2]
repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
rules = os.path.join(repo, "examples", "titanic", "rules.yaml")
titanic = os.path.join(data_dir, "titanic.csv")
failures = []


def run(*args, expect=0, stdin=None):
    p = subprocess.run([hunch, *args], capture_output=True, text=True, input=stdin)
    if p.returncode != expect:
        sys.exit(f"FAIL: hunch {' '.join(args)} exited {p.returncode} (expected {expect})\n{p.stderr}")
    return p


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


with tempfile.TemporaryDirectory() as tmp:
    rows = list(csv.DictReader(open(titanic, newline="")))
    # The prediction input: every column but the label, plus an existing system's decision.
    inputs = os.path.join(tmp, "requests.csv")
    fields = [f for f in rows[0] if f != "Survived"] + ["legacy"]
    with open(inputs, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({**r, "legacy": "survived" if r["Pclass"] == "1" else "died"})
    log = os.path.join(tmp, "log")
    out = run("predict", rules, inputs, "--id-field", "PassengerId", "--log", log, "--fsync", "always",
              "--shadow-field", "legacy", "--metadata", "source=test").stdout.splitlines()
    check("output lines", len(out), len(rows))
    preds = [json.loads(line) for line in out]
    check("ids passed through in order", [p["id"] for p in preds], [r["PassengerId"] for r in rows])
    check("every prediction logged", all(p.get("event_id") for p in preds), True)

    # Labels arrive later: raw values, one duplicate (latest wins) and one id never predicted.
    labels = os.path.join(tmp, "labels.csv")
    with open(labels, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "label", "timestamp"])
        w.writerow([rows[0]["PassengerId"], "1" if rows[0]["Survived"] == "0" else "0", "2026-01-01T00:00:00Z"])
        for r in rows:
            w.writerow([r["PassengerId"], r["Survived"], "2026-01-02T00:00:00Z"])
        w.writerow(["999999", "1", "2026-01-02T00:00:00Z"])

    # A torn last line, as a crash mid-write leaves it, in a segment of its own.
    segments = [os.path.join(d, f) for d, _, fs in os.walk(log) for f in fs]
    torn = os.path.join(os.path.dirname(segments[0]), "seg-99999999T999999-0-0.jsonl")
    with open(torn, "w") as f:
        f.write('{"event_id": "torn", "input": {"Sex": "fem')

    train = os.path.join(tmp, "train.csv")
    p = run("dataset", "--log", log, "--labels", labels, "-o", train)
    for needle in [f"predictions {len(rows)}", f"labeled {len(rows)}", "duplicate labels 1",
                   "labels with no prediction 1", "torn log lines skipped 1", "torn last line"]:
        check(f"dataset stderr mentions {needle!r}", needle in p.stderr, True)

    offline = json.loads(run("eval", rules, titanic, "--format", "json", "--bootstrap", "200").stdout)
    online = json.loads(run("eval", rules, train, "--format", "json", "--bootstrap", "200",
                            "--shadow-column", "hunch_shadow_decision").stdout)
    for key in ["metrics", "confusion_matrix", "baselines", "intervals", "rules", "default"]:
        check(f"report[{key!r}] equal offline and from the log", online[key], offline[key])
    check("labeled rows", online["data"]["labeled_rows"], len(rows))

    # The shadow system scored beside the rules, against the same truth.
    truth = {r["PassengerId"]: r["Survived"] for r in rows}
    legacy = {r["PassengerId"]: "1" if r["Pclass"] == "1" else "0" for r in rows}
    mine = {p["id"]: "1" if p["prediction"] == "survived" else "0" for p in preds}
    n = len(rows)
    sh = online["shadow"]
    check("shadow rows", sh["rows"], n)
    check("shadow accuracy", abs(sh["shadow_accuracy"] - sum(legacy[i] == truth[i] for i in truth) / n) < 1e-12, True)
    check("rules accuracy", abs(sh["rules_accuracy"] - sum(mine[i] == truth[i] for i in truth) / n) < 1e-12, True)
    check("agreement", abs(sh["agreement"] - sum(mine[i] == legacy[i] for i in truth) / n) < 1e-12, True)

if failures:
    sys.exit("FAIL:\n  " + "\n  ".join(failures))
print(f"log round trip: {len(rows)} predictions logged, joined and re-evaluated: identical report")
