"""Errors raise hunch.HunchError (a ValueError) carrying the CLI's messages: file:line:col for
rule files, the located message for bad data."""

import numpy as np
import pandas as pd
import pytest

import hunch
from conftest import ROOT, run_cli

RULE_ERRORS = sorted((ROOT / "tests" / "rule_errors").glob("*.yaml"))


@pytest.mark.parametrize("path", RULE_ERRORS, ids=[p.stem for p in RULE_ERRORS])
def test_a_rule_file_with_errors_raises_the_cli_diagnostics(path):
    cli = run_cli("check", path, check=False)
    assert cli.returncode == 1
    with pytest.raises(hunch.HunchError) as info:
        hunch.RuleSet(path)
    e = info.value
    assert isinstance(e, ValueError) and e.code == "rule_error"
    errors = [d for d in e.diagnostics if d["severity"] == "error"]
    assert errors and all(d["line"] > 0 and d["column"] > 0 for d in errors)
    # Every located line the CLI prints is in the exception's text.
    located = [line for line in cli.stderr.splitlines() if ": error: " in line]
    assert located
    for line in located:
        assert line in str(e)


def test_a_missing_rule_file_says_so_like_the_cli(tmp_path):
    missing = tmp_path / "nope.yaml"
    cli = run_cli("check", missing, check=False)
    with pytest.raises(hunch.HunchError) as info:
        hunch.RuleSet(missing)
    assert info.value.code == "not_found"
    assert str(info.value) in cli.stderr
    assert f"{missing}: error: cannot open rule file" in str(info.value)


def test_a_frame_without_a_column_the_rules_read_names_the_rule_file_place(tmp_path):
    rules = ROOT / "examples" / "titanic" / "rules.yaml"
    df = pd.read_csv(ROOT.parent / "shared" / "data" / "titanic.csv").drop(columns="Sex")
    csv = tmp_path / "nosex.csv"
    df.to_csv(csv, index=False)
    cli = run_cli("eval", rules, csv, check=False)
    assert cli.returncode == 1
    with pytest.raises(hunch.HunchError) as info:
        hunch.RuleSet(rules).predict_frame(df)
    located = [line for line in cli.stderr.splitlines() if ": error: " in line]
    assert located and all(line in str(info.value) for line in located)
    assert "unknown column 'Sex'" in str(info.value)


def test_evaluate_without_the_label_column_says_which():
    rules = hunch.RuleSet(ROOT / "examples" / "titanic" / "rules.yaml")
    df = pd.DataFrame({"Sex": ["male"], "Age": [3.0]})
    with pytest.raises(hunch.HunchError, match=r"<DataFrame>: error: label column 'Survived' is "
                                                r"not in the data"):
        rules.evaluate(df)


def test_text_that_cannot_be_utf8_names_column_and_row():
    rules = hunch.RuleSet(ROOT / "examples" / "titanic" / "rules.yaml")
    df = pd.DataFrame({"Sex": ["male", "fe\udcffmale"], "Age": [3.0, 4.0]})
    with pytest.raises(hunch.HunchError, match=r"column 'Sex', row at position 1"):
        rules.predict_frame(df)


def test_bad_cells_are_unknown_not_errors():
    # A text in a numeric column is a bad cell, counted: the rule errors on that row only.
    rules = hunch.RuleSet(ROOT / "examples" / "titanic" / "rules.yaml")
    df = pd.DataFrame({"Sex": ["female", "male", "male"], "Age": [30.0, np.inf, 5.0],
                       "Survived": [1, 0, 1]})
    out = rules.predict_frame(df)
    assert list(out["prediction"].astype(str)) == [r["prediction"] for r in rules.predict_many(
        [{"Sex": "female", "Age": 30.0}, {"Sex": "male", "Age": "inf"}, {"Sex": "male", "Age": 5}])]
    report = rules.evaluate(df, bootstrap=0)
    assert report["data"]["bad_cells"] == {"Age": 1}


def test_typed_and_text_cells_mean_the_same(tmp_path):
    """A cell means what its text would in a CSV file: int, float, bool, nullable and object
    columns give the same predictions as their texts; `missing:` texts apply to numbers too."""
    rules = tmp_path / "r.yaml"
    rules.write_text(
        "name: types\nlabel: y\nclasses: {0: no, 1: yes}\ndefault: no\n"
        "missing: ['', '-999']\ninputs: {n: int, x: double, b: bool, s: string}\nrules:\n"
        "  - name: n_big\n    when: n > 10\n    predict: yes\n"
        "  - name: x_small\n    when: x < 0.5\n    predict: yes\n"
        "  - name: flag\n    when: b\n    predict: yes\n"
        "  - name: s_is_a\n    when: s == \"a\"\n    predict: yes\n"
        "  - name: n_missing\n    when: '!has(n)'\n    predict: yes\n")
    rs = hunch.RuleSet(rules)
    typed = pd.DataFrame({
        "n": pd.array([1, 20, None, -999, 3, 4], dtype="Int64"),
        "x": [1.0, 0.25, np.nan, 2.0, 3.0, 7.0],
        "b": [False, False, False, True, False, False],
        "s": ["b", None, "c", "d", "a", "e"],
    })
    text = pd.DataFrame({
        "n": ["1", "20", "", "-999", "3", "4"],
        "x": ["1", "0.25", "", "2", "3", "7"],
        "b": ["false", "false", "false", "true", "false", "False"],
        "s": ["b", "", "c", "d", "a", "e"],
    })
    a = rs.predict_frame(typed)
    b = rs.predict_frame(text)
    assert a.equals(b)
    assert list(a["rule"].astype(object).fillna("-")) == ["-", "n_big", "n_missing", "flag",
                                                          "s_is_a", "-"]


def test_an_empty_frame_gives_an_empty_result():
    rules = hunch.RuleSet(ROOT / "examples" / "titanic" / "rules.yaml")
    df = pd.read_csv(ROOT.parent / "shared" / "data" / "titanic.csv").head(0)
    out = rules.predict_frame(df)
    assert len(out) == 0 and list(out.columns) == ["prediction", "rule", "confidence"]
    assert rules.evaluate(df, bootstrap=0)["data"]["rows"] == 0
