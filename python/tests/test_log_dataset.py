"""read_log and dataset against the CLI: the log `hunch predict --log` writes reads back as the
predictions the CLI printed, the training set equals `hunch dataset`'s file, and evaluating it
gives `hunch eval`'s report."""

import csv
import json

import pandas as pd
import pytest

import hunch
from conftest import ROOT, SHARED, run_cli

RULES = ROOT / "examples" / "titanic" / "rules.yaml"
TITANIC = SHARED / "data" / "titanic.csv"


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    """Titanic predicted through the CLI with its log; labels arriving later (one duplicate)."""
    tmp = tmp_path_factory.mktemp("log")
    rows = list(csv.DictReader(open(TITANIC, newline="")))
    inputs = tmp / "requests.csv"
    fields = [f for f in rows[0] if f != "Survived"]
    with open(inputs, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    log = tmp / "log"
    out = run_cli("predict", RULES, inputs, "--id-field", "PassengerId", "--log", log,
                  "--fsync", "always", "--metadata", "source=test").stdout.splitlines()
    labels = tmp / "labels.csv"
    with open(labels, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "label"])
        w.writerows([r["PassengerId"], r["Survived"]] for r in rows)
        w.writerow([rows[0]["PassengerId"], rows[0]["Survived"]])  # a duplicate: latest wins
    return tmp, log, labels, rows, [json.loads(line) for line in out]


def test_read_log_gives_back_every_prediction_with_its_input(logged):
    _, log, _, rows, printed = logged
    df = hunch.read_log(log)
    assert len(df) == len(rows) == df.attrs["hunch_log"]["records"]
    df = df.sort_values("hunch_inference_id", key=lambda s: s.astype(int)).reset_index(drop=True)
    assert list(df["hunch_inference_id"]) == [r["PassengerId"] for r in rows]
    assert list(df["hunch_prediction"]) == [p["prediction"] for p in printed]
    assert list(df["hunch_rule"]) == [p["rule"] for p in printed]
    assert list(df["Name"]) == [r["Name"] for r in rows]
    assert (df["meta_source"] == "test").all()
    assert str(df["hunch_timestamp"].dtype) == "datetime64[ns, UTC]"
    # The logged inputs predict again to the same decisions, columnar.
    again = hunch.RuleSet(RULES).predict_frame(df)
    assert list(again["prediction"].astype(str)) == list(df["hunch_prediction"])


def test_read_log_skips_a_torn_last_line_with_a_warning(logged, tmp_path):
    _, log, _, rows, _ = logged
    import shutil
    copy = tmp_path / "log"
    shutil.copytree(log, copy)
    segment = sorted(copy.rglob("seg-*.jsonl"))[-1]
    with open(segment, "a") as f:
        f.write('{"event_id": "torn')
    with pytest.warns(hunch.HunchWarning, match="torn"):
        df = hunch.read_log(copy)
    assert len(df) == len(rows) and df.attrs["hunch_log"]["torn_lines"] == 1


def test_a_missing_log_directory_raises(tmp_path):
    with pytest.raises(hunch.HunchError):
        hunch.read_log(tmp_path / "absent")


def test_dataset_equals_the_cli_and_evaluates_like_the_original(logged, tmp_path):
    tmp, log, labels, rows, _ = logged
    cli_out = tmp_path / "train.csv"
    run_cli("dataset", "--log", log, "--labels", labels, "-o", cli_out)
    kept = tmp_path / "kept.csv"
    df = hunch.dataset(log, labels, path=kept)
    assert kept.read_bytes() == cli_out.read_bytes()
    assert df.equals(pd.read_csv(cli_out, keep_default_na=False, na_values=[""]))
    stats = df.attrs["hunch_dataset"]
    assert stats["labeled"] == len(rows) and stats["duplicate_labels"] == 1
    # The training set evaluates as the original data does (the CLI on the file it wrote, and
    # the module on the frame).
    expected = json.loads(run_cli("eval", RULES, cli_out, "--format", "json").stdout)
    original = json.loads(run_cli("eval", RULES, TITANIC, "--format", "json").stdout)
    got = hunch.RuleSet(RULES).evaluate(df)
    for report in (expected, original, got):
        report["data"].pop("path")
    assert got == expected
    assert got["metrics"] == original["metrics"] and got["rules"] == original["rules"]
