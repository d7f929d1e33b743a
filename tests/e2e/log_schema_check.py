#!/usr/bin/env python3
"""Every record of a real prediction log validates against docs/log-record.schema.json.

Runs `hunch predict examples/fraud/rules.yaml examples/fraud/transactions.csv --id-field id --log
TMPDIR` and validates each line of each segment with the JSON Schema (draft 2020-12). A second log,
from JSONL input with --shadow-field, --metadata and --sample, covers the shadow object, typed
inputs and a sample_rate below 1. Also checks the layout DIR/YYYY/MM/DD/HH/seg-*.jsonl, that every
line ends with a newline, that the event ids printed by predict are the ones logged, that the schema
rejects broken records, and that docs/log-format.md shows the same schema.

Needs the jsonschema package (Debian: python3-jsonschema, installed by tools/setup.sh).

usage: log_schema_check.py HUNCH_BINARY
"""
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    sys.exit("FAIL: the jsonschema package is missing (apt-get install python3-jsonschema, "
             "or run tools/setup.sh)")

hunch = sys.argv[1]
repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
rules = os.path.join(repo, "examples", "fraud", "rules.yaml")
data = os.path.join(repo, "examples", "fraud", "transactions.csv")
with open(os.path.join(repo, "docs", "log-record.schema.json")) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
# docs/log-format.md shows the schema in the fenced block under "## JSON Schema": the same schema.
with open(os.path.join(repo, "docs", "log-format.md")) as f:
    shown = re.search(r"^## JSON Schema\n.*?^```json\n(.*?)^```", f.read(), re.M | re.S)
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
segment_path = re.compile(r"^\d{4}/\d{2}/\d{2}/\d{2}/seg-\d{8}T\d{6}\.\d{6}-\d+-\d{6,}\.jsonl$")
failures = []
if not shown or json.loads(shown.group(1)) != schema:
    failures.append("the schema in docs/log-format.md differs from docs/log-record.schema.json")


def predict(*args):
    p = subprocess.run([hunch, "predict", *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: hunch predict {' '.join(args)} exited {p.returncode}\n{p.stderr}")
    return [json.loads(line) for line in p.stdout.splitlines()]


def validate_log(log):
    """Validates every record under `log`; returns them in segment order."""
    records = []
    segments = sorted(os.path.relpath(os.path.join(d, f), log) for d, _, fs in os.walk(log) for f in fs)
    if not segments:
        failures.append(f"{log}: no segment written")
    for segment in segments:
        if not segment_path.match(segment):
            failures.append(f"{segment}: not of the form YYYY/MM/DD/HH/seg-YYYYMMDDTHHMMSS.ffffff-PID-N.jsonl")
        with open(os.path.join(log, segment), "rb") as f:
            text = f.read().decode("utf-8")
        if not text.endswith("\n"):
            failures.append(f"{segment}: the last line has no newline")
        for number, line in enumerate(text.splitlines(), 1):
            record = json.loads(line)
            for error in validator.iter_errors(record):
                path = "/".join(str(p) for p in error.absolute_path) or "(record)"
                failures.append(f"{segment}:{number}: {path}: {error.message}")
            records.append(record)
    return records


with tempfile.TemporaryDirectory() as tmp:
    # The log of the brief: the bundled example, as `hunch predict` logs it by default.
    log = os.path.join(tmp, "log")
    out = predict(rules, data, "--id-field", "id", "--log", log)
    records = validate_log(log)
    if len(records) != len(out):
        failures.append(f"{len(records)} records logged for {len(out)} predictions")
    if [r["event_id"] for r in records] != [o["event_id"] for o in out]:
        failures.append("the logged event ids are not those printed by predict, in order")
    if [r["event_id"] for r in records] != sorted(r["event_id"] for r in records):
        failures.append("event ids are not increasing")
    validated = len(records)

    # The schema is not vacuous: each of these changes to a real record must be rejected.
    mutations = {
        "a field missing": lambda r: r.pop("latency_us"),
        "an unknown field": lambda r: r.update(extra=1),
        "a UUIDv4 event id": lambda r: r.update(event_id="0f8fad5b-d9cb-469f-a165-70867728950e"),
        "a timestamp without microseconds": lambda r: r.update(timestamp=r["timestamp"][:19] + "Z"),
        "a local-time timestamp": lambda r: r.update(timestamp=r["timestamp"][:-1] + "+01:00"),
        "an empty inference_id": lambda r: r.update(inference_id=""),
        "a non-string metadata value": lambda r: r["metadata"].update(n=1),
        "no host in metadata": lambda r: r["metadata"].pop("host"),
        "sample_rate 0": lambda r: r.update(sample_rate=0),
        "a shadow without agrees": lambda r: r.update(shadow={"decision": "fraud"}),
    }
    for what, mutate in mutations.items():
        record = json.loads(json.dumps(records[0]))
        mutate(record)
        if validator.is_valid(record):
            failures.append(f"the schema accepts a record with {what}")

    # JSONL input with typed values, a shadow decision (present, absent), metadata and sampling.
    requests = os.path.join(tmp, "requests.jsonl")
    with open(requests, "w") as f:
        for i in range(200):
            row = {"id": f"r{i}", "amount": 50 + 40 * i, "account_age_days": i % 40,
                   "email": "x@mailinator.com" if i % 7 == 0 else "x@gmail.com"}
            if i % 3:
                row["legacy"] = "fraud" if i % 2 else "0"
            f.write(json.dumps(row) + "\n")
    log2 = os.path.join(tmp, "log2")
    out = predict(rules, requests, "--id-field", "id", "--log", log2, "--shadow-field", "legacy",
                  "--metadata", "model=rules-v1", "--metadata", "zone=eu", "--sample", "50",
                  "--fsync", "always")
    records = validate_log(log2)
    if len(records) != sum(o["event_id"] is not None for o in out):
        failures.append(f"log2: {len(records)} records for {sum(o['event_id'] is not None for o in out)} kept")
    if not any(r["shadow"] for r in records) or not any(r["shadow"] is None for r in records):
        failures.append("log2: expected records with and without a shadow decision")
    if any(r["sample_rate"] != 0.5 or r["metadata"].get("zone") != "eu" for r in records):
        failures.append("log2: sample_rate 0.5 and metadata zone=eu expected on every record")
    validated2 = len(records)

if failures:
    sys.exit("FAIL:\n  " + "\n  ".join(failures[:50]))
print(f"log schema: {validated} records of the fraud example and {validated2} sampled JSONL records "
      f"valid against docs/log-record.schema.json (draft 2020-12, jsonschema "
      f"{importlib.metadata.version('jsonschema')})")
