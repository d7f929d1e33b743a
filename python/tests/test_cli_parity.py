"""The module and the CLI give the same results: on every example dataset, predict_frame,
predict_many and evaluate equal `hunch predict` and `hunch eval --format json`."""

import json
import math

import pandas as pd
import pytest

import hunch
from conftest import example_datasets, run_cli

DATASETS = example_datasets()
IDS = [name for name, _, _ in DATASETS]


def cli_report(rules, data, *extra):
    report = json.loads(run_cli("eval", rules, data, "--format", "json", *extra).stdout)
    report["data"].pop("path")
    return report


def cli_predictions(rules, data):
    lines = run_cli("predict", rules, data).stdout.splitlines()
    return [json.loads(line) for line in lines]


def frames(data):
    """The dataset as pandas reads it by default (typed columns, pandas' NA spellings) and as the
    exact cell texts (every column a string, nothing made missing)."""
    return {
        "typed": pd.read_csv(data),
        "text": pd.read_csv(data, dtype=str, keep_default_na=False),
    }


@pytest.mark.parametrize("name,rules,data", DATASETS, ids=IDS)
def test_evaluate_equals_hunch_eval(name, rules, data):
    expected = cli_report(rules, data)
    rs = hunch.RuleSet(rules)
    for kind, df in frames(data).items():
        got = rs.evaluate(df)
        assert got["data"].pop("path") == "<DataFrame>"
        assert got == expected, f"{name}, {kind} frame: the report differs from hunch eval's"
    assert expected["data"]["labeled_rows"] > 0


@pytest.mark.parametrize("name,rules,data", DATASETS, ids=IDS)
def test_predict_frame_equals_hunch_predict(name, rules, data):
    expected = cli_predictions(rules, data)
    rs = hunch.RuleSet(rules)
    for kind, df in frames(data).items():
        assert len(expected) == len(df)
        for threads in (1, 2):
            rs.threads = threads
            out = rs.predict_frame(df)
            assert list(out.columns) == ["prediction", "rule", "confidence"]
            assert out.index.equals(df.index)
            got_pred = out["prediction"].astype(str).tolist()
            got_rule = [None if isinstance(r, float) else r for r in out["rule"].astype(object)]
            got_conf = [None if math.isnan(c) else c for c in out["confidence"]]
            assert got_pred == [e["prediction"] for e in expected], f"{name}, {kind}"
            assert got_rule == [e["rule"] for e in expected], f"{name}, {kind}"
            assert got_conf == [e["confidence"] for e in expected], f"{name}, {kind}"


@pytest.mark.parametrize("name,rules,data", DATASETS, ids=IDS)
def test_predict_many_equals_hunch_predict(name, rules, data):
    expected = cli_predictions(rules, data)
    rs = hunch.RuleSet(rules)
    rows = pd.read_csv(data, dtype=str, keep_default_na=False).to_dict("records")
    got = rs.predict_many(rows)
    keys = ["prediction", "rule", "confidence", "fired"]
    assert [{k: g[k] for k in keys} for g in got] == [{k: e[k] for k in keys} for e in expected]
    assert rs.predict(rows[0]) == got[0]


def test_evaluate_options_equal_the_cli_options():
    rules, data = "examples/titanic/rules.yaml", "../shared/data/titanic.csv"
    expected = cli_report(rules, data, "--slice-by", "Pclass", "--slice-by", "Embarked",
                          "--bootstrap", "200", "--seed", "7", "--shadow-column", "Survived")
    got = hunch.RuleSet(rules).evaluate(
        pd.read_csv(data, dtype=str, keep_default_na=False),
        slice_by=["Pclass", "Embarked"], bootstrap=200, seed=7, shadow_column="Survived")
    got["data"].pop("path")
    assert got == expected
    assert len(got["slices"]) >= 4


def test_predict_frame_on_the_bench_rules_matches_the_pandas_peer(shared):
    """The fraud benchmark's rules against the pandas peer's hand-written masks, 20,000 rows."""
    import subprocess
    import sys
    csv = subprocess.run([sys.executable, str(shared / "bench" / "gen_transactions.py"),
                          "--rows", "20000", "--seed", "3"], capture_output=True, text=True,
                         check=True).stdout
    import io
    df = pd.read_csv(io.StringIO(csv))
    sys.path.insert(0, "bench/peers")
    import fraud_pandas
    expected = fraud_pandas.predict(df)
    out = hunch.RuleSet(shared / "bench" / "fraud.rules.yaml").predict_frame(df)
    got = (out["prediction"] == "fraud").to_numpy().astype(int)
    assert (got == expected).all()
    assert 0 < got.sum() < len(df)


def test_the_readme_python_example_runs():
    """The five lines in README.md, run as written from the repository root."""
    import pathlib
    import re
    readme = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
    code = re.search(r"## Python.*?```python\n(.*?)```", readme, re.S).group(1)
    assert len(code.strip().splitlines()) == 5
    scope = {}
    exec(compile(code, "README.md", "exec"), scope)  # noqa: S102 - our own README
    assert len(scope["out"]) == len(scope["df"]) and scope["report"]["data"]["labeled_rows"] > 0
