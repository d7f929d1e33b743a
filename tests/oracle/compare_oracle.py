#!/usr/bin/python3
"""End-to-end oracle for `hunch compare`, `hunch diff`, `hunch eval --save-baseline` and the rules'
scores, on real data with a real model.

    python3 tests/oracle/compare_oracle.py HUNCH_BINARY [DATA_DIR]

DATA_DIR defaults to ../shared/data beside the repository. Run by ctest as
compare_matches_sklearn_and_scipy.

The model is a scikit-learn LogisticRegression fitted here, its predictions out of fold
(cross_val_predict, 5 folds) so that they are honest. The rules' predictions and scores are
recomputed here by hand from examples/titanic/rules.yaml (first match; a missing Age never fires;
the default `died` has no confidence, so its score is 0). Every figure hunch prints is then checked
independently:
 * both systems' metrics, their differences, per class and per slice: scikit-learn's
   accuracy_score, balanced_accuracy_score, cohen_kappa_score, precision_recall_fscore_support;
 * the contingency table by counting, and McNemar's exact p-value with scipy.stats.binomtest;
 * ROC AUC, average precision and calibration bins: roc_auc_score, average_precision_score,
   calibration_curve(n_bins=10) (bin counts by numpy.searchsorted on the same edges);
 * the paired bootstrap intervals against a numpy paired bootstrap of the rows (a different random
   stream, so the endpoints must agree within Monte Carlo error: 15% of the interval's width);
 * `hunch diff`: changed rows, fixed/broken counts, the transition table, every sampled row and
   the per-rule fires, wins and changes, against the two rule sets evaluated here;
 * baselines: the same data passes, other data is refused with exit 2 unless
   --allow-different-data, other rules are refused; `--require` exits 3 exactly when the interval
   does not lie above zero; bad prediction files fail with exit 2 and a located message.
Floats must agree to 1e-9. The exit status is 1 with every mismatch listed.
"""

import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

try:
    import numpy as np
except ImportError:  # a python3 first on PATH (pyenv, venv) without Debian's numpy and sklearn
    if Path(sys.executable).resolve() != Path("/usr/bin/python3").resolve() and \
            os.access("/usr/bin/python3", os.X_OK):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise
import pandas as pd
from scipy.stats import binomtest
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (accuracy_score, average_precision_score, balanced_accuracy_score,
                             cohen_kappa_score, precision_recall_fscore_support, roc_auc_score)
from sklearn.model_selection import cross_val_predict

TOLERANCE = 1e-9
REPO = Path(__file__).resolve().parents[2]
failures = []
checked = 0


def check(what, got, want, tol=TOLERANCE):
    global checked
    checked += 1
    if isinstance(want, float) or isinstance(got, float):
        ok = got is not None and want is not None and math.isclose(got, want, rel_tol=tol,
                                                                   abs_tol=tol)
    else:
        ok = got == want
    if not ok:
        failures.append(f"{what}: hunch {got!r}, oracle {want!r}")


def run(hunch, *args, expect=0):
    p = subprocess.run([hunch, *map(str, args)], capture_output=True, text=True, cwd=REPO)
    if expect is not None and p.returncode != expect:
        failures.append(f"hunch {' '.join(map(str, args))}: exit {p.returncode}, expected "
                        f"{expect}\n{p.stderr}")
    return p


def metrics_of(y, pred, k, positive):
    """sklearn's figures by ReportMetric name; pred -1 is abstain (an extra label, always wrong)."""
    labels = list(range(k))
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    out = {"accuracy": accuracy_score(y, pred),
           "balanced_accuracy": balanced_accuracy_score(y, pred),
           "kappa": cohen_kappa_score(y, pred),
           "coverage": float(np.mean(np.asarray(pred) >= 0))}
    for avg in ("macro", "weighted"):
        ap, ar, af, _ = precision_recall_fscore_support(y, pred, labels=labels, average=avg,
                                                        zero_division=0)
        if avg == "macro":
            out.update(macro_precision=ap, macro_recall=ar, macro_f1=af)
        else:
            out["weighted_f1"] = af
    if positive is not None:
        out.update(precision=p[positive], recall=r[positive], f1=f[positive])
    per_class = [{"precision": p[i], "recall": r[i], "f1": f[i], "support": int(s[i])}
                 for i in labels]
    return out, per_class


def calibration_of(y_pos, score):
    """calibration_curve's bins with their counts, as hunch lists them (empty bins left out)."""
    prob_true, prob_pred = calibration_curve(y_pos, score, n_bins=10, strategy="uniform")
    edges = np.linspace(0.0, 1.0, 11)
    ids = np.searchsorted(edges[1:-1], score)
    counts = np.bincount(ids, minlength=10)
    nonzero = np.nonzero(counts)[0]
    return [{"low": edges[b], "rows": int(counts[b]), "observed": prob_true[i],
             "mean_score": prob_pred[i]} for i, b in enumerate(nonzero)]


def check_scores(what, got, y_pos, score):
    check(f"{what} rows", got["rows"], len(score))
    check(f"{what} roc_auc", got["roc_auc"], roc_auc_score(y_pos, score))
    check(f"{what} average_precision", got["average_precision"],
          average_precision_score(y_pos, score))
    want = calibration_of(y_pos, np.asarray(score, dtype=float))
    check(f"{what} calibration bins", len(got["calibration"]), len(want))
    for g, w in zip(got["calibration"], want):
        for key in ("low", "rows", "observed", "mean_score"):
            check(f"{what} calibration bin {w['low']:.1f} {key}", g[key], w[key])


def paired_bootstrap(stat, n, resamples=2000, seed=12345):
    """95% percentile interval of stat(indices) over row resamples."""
    rng = np.random.default_rng(seed)
    values = [stat(rng.integers(0, n, n)) for _ in range(resamples)]
    return np.percentile(values, [2.5, 97.5])


def check_interval(what, got, want):
    global checked
    checked += 1
    width = want[1] - want[0]
    if abs(got[0] - want[0]) > 0.15 * width or abs(got[1] - want[1]) > 0.15 * width:
        failures.append(f"{what}: hunch interval {got}, numpy paired bootstrap {list(want)}")


def check_comparison(what, j, y, a, b, k, positive, names=("rules", "model")):
    """Point figures, differences, per class, confusion and contingency of a comparison."""
    ma, pa = metrics_of(y, a, k, positive)
    mb, pb = metrics_of(y, b, k, positive)
    for name in ma:
        got = j["metrics"][name]
        check(f"{what} {name} {names[0]}", got[names[0]], ma[name])
        check(f"{what} {name} {names[1]}", got[names[1]], mb[name])
        check(f"{what} {name} difference", got["difference"], mb[name] - ma[name])
        lo, hi = got["interval"]
        check(f"{what} {name} significant", got["significant"], lo > 0 or hi < 0)
    for i, cls in enumerate(j["classes"]):
        got = j["per_class"][cls]
        check(f"{what} {cls} support", got["support"], pa[i]["support"])
        for key in ("precision", "recall", "f1"):
            check(f"{what} {cls} {key} {names[0]}", got[key][names[0]], pa[i][key])
            check(f"{what} {cls} {key} {names[1]}", got[key][names[1]], pb[i][key])
    y, a, b = map(np.asarray, (y, a, b))
    ra, rb = a == y, b == y
    cont = j["contingency"]
    check(f"{what} both right", cont["both_right"], int(np.sum(ra & rb)))
    check(f"{what} only {names[0]}", cont[f"only_{names[0]}_right"], int(np.sum(ra & ~rb)))
    check(f"{what} only {names[1]}", cont[f"only_{names[1]}_right"], int(np.sum(~ra & rb)))
    check(f"{what} both wrong", cont["both_wrong"], int(np.sum(~ra & ~rb)))
    only_a, only_b = int(np.sum(ra & ~rb)), int(np.sum(~ra & rb))
    want_p = 1.0 if only_a + only_b == 0 else binomtest(min(only_a, only_b), only_a + only_b,
                                                         0.5).pvalue
    check(f"{what} McNemar exact p (scipy.stats.binomtest)", cont["mcnemar_exact_p"], want_p)
    cols = k + (1 if j["confusion_matrix"]["predicted_labels"][-1] == "abstain" else 0)
    for name, pred in ((names[0], a), (names[1], b)):
        want = [[int(np.sum((y == t) & (np.where(pred < 0, k, pred) == p))) for p in range(cols)]
                for t in range(k)]
        check(f"{what} confusion of {name}", j["confusion_matrix"][name], want)
    # The verdict agrees with the interval of its metric.
    m = j["metrics"][j["verdict"]["metric"]]
    want_winner = names[1] if m["interval"][0] > 0 else names[0] if m["interval"][1] < 0 \
        else "neither"
    check(f"{what} verdict winner", j["verdict"]["winner"], want_winner)


# ---------------------------------------------------------------------------------------------

def titanic_rules(d):
    """examples/titanic/rules.yaml by hand: (class, winning rule, score) per row."""
    pred, rule, score = [], [], []
    for sex, age in zip(d["Sex"], d["Age"]):
        if sex == "female":
            pred.append(1), rule.append("women"), score.append(0.74)
        elif not math.isnan(age) and age < 10:
            pred.append(1), rule.append("young_children"), score.append(0.6)
        else:
            pred.append(0), rule.append("(default)"), score.append(1 - 1.0)
    return np.array(pred), rule, np.array(score)


def titanic_model(d):
    features = pd.DataFrame({
        "pclass": d["Pclass"], "female": (d["Sex"] == "female").astype(int),
        "age": d["Age"].fillna(d["Age"].median()), "sibsp": d["SibSp"], "parch": d["Parch"],
        "fare": d["Fare"]})
    proba = cross_val_predict(LogisticRegression(max_iter=1000), features, d["Survived"], cv=5,
                              method="predict_proba")[:, 1]
    return (proba >= 0.5).astype(int), proba


def test_titanic(hunch, data_dir, tmp):
    path = data_dir / "titanic.csv"
    d = pd.read_csv(path)
    y = d["Survived"].to_numpy()
    rules, _, rules_score = titanic_rules(d)
    model, proba = titanic_model(d)
    # Shuffled, joined on PassengerId; predictions as raw label values (0/1).
    frame = pd.DataFrame({"PassengerId": d["PassengerId"], "prediction": model, "score": proba})
    frame.sample(frac=1, random_state=3).to_csv(tmp / "titanic_model.csv", index=False)
    args = ["compare", "examples/titanic/rules.yaml", path, "-p", tmp / "titanic_model.csv",
            "--id-column", "PassengerId", "--score-column", "score", "--slice-by", "Pclass",
            "--format", "json"]
    p = run(hunch, *args)
    j = json.loads(p.stdout)
    check_comparison("titanic", j, y, rules, model, 2, 1)
    check("titanic rows", j["rows"], len(y))
    check("titanic predictions rows", j["predictions"]["rows"], len(y))
    # Scores of both systems.
    check_scores("titanic rules scores", j["scores"]["rules"], y == 1, rules_score)
    check_scores("titanic model scores", j["scores"]["model"], y == 1, proba)
    check("titanic roc_auc difference", j["metrics"]["roc_auc"]["difference"],
          roc_auc_score(y, proba) - roc_auc_score(y, rules_score))
    check("titanic average_precision difference", j["metrics"]["average_precision"]["difference"],
          average_precision_score(y, proba) - average_precision_score(y, rules_score))
    # Slices, point figures.
    for cls in sorted(d["Pclass"].unique()):
        rows = (d["Pclass"] == cls).to_numpy()
        got = j["slices"][f"Pclass={cls}"]
        check(f"titanic slice Pclass={cls} rows", got["rows"], int(rows.sum()))
        check(f"titanic slice Pclass={cls} accuracy rules", got["accuracy"]["rules"],
              accuracy_score(y[rows], rules[rows]))
        check(f"titanic slice Pclass={cls} macro F1 model", got["macro_f1"]["model"],
              precision_recall_fscore_support(y[rows], model[rows], labels=[0, 1],
                                              average="macro", zero_division=0)[2])
    # Intervals against a numpy paired bootstrap of the rows.
    n = len(y)
    ra, rb = rules == y, model == y
    check_interval("titanic accuracy interval", j["metrics"]["accuracy"]["interval"],
                   paired_bootstrap(lambda i: rb[i].mean() - ra[i].mean(), n))
    def macro_f1(pred, i):
        return precision_recall_fscore_support(y[i], pred[i], labels=[0, 1], average="macro",
                                               zero_division=0)[2]
    check_interval("titanic macro F1 interval", j["metrics"]["macro_f1"]["interval"],
                   paired_bootstrap(lambda i: macro_f1(model, i) - macro_f1(rules, i), n, 1000))
    check_interval("titanic ROC AUC interval", j["metrics"]["roc_auc"]["interval"],
                   paired_bootstrap(lambda i: roc_auc_score(y[i], proba[i]) -
                                    roc_auc_score(y[i], rules_score[i]), n, 1000))
    # Deterministic: the same seed gives the same output whatever the threads.
    again = run(hunch, *args, "--threads", "1")
    check("titanic compare deterministic across threads", again.stdout, p.stdout)
    other = json.loads(run(hunch, *args, "--seed", "7").stdout)
    check("titanic another seed moves the intervals",
          other["metrics"]["accuracy"]["interval"] != j["metrics"]["accuracy"]["interval"], True)
    # hunch eval reports the rules' scores too.
    report = json.loads(run(hunch, "eval", "examples/titanic/rules.yaml", path, "--format", "json",
                            "--bootstrap", "0").stdout)
    check_scores("titanic eval scores", report["scores"], y == 1, rules_score)
    # Text and Markdown render the same verdict.
    text = run(hunch, *args[:-2]).stdout
    check("titanic text verdict", f"Verdict: {j['verdict']['text']}" in text, True)
    md = run(hunch, *args[:-1], "markdown").stdout
    check("titanic markdown verdict", f"**Verdict:** {j['verdict']['text']}" in md, True)
    return rules, model, proba


def test_breast_cancer(hunch, data_dir, tmp):
    path = data_dir / "breast_cancer_wisconsin.csv"
    d = pd.read_csv(path, na_values=["?"])
    y = (d["class"] == 4).astype(int).to_numpy()
    features = d.drop(columns=["sample_code_number", "class"])
    features = features.fillna(features.median())
    proba = cross_val_predict(LogisticRegression(max_iter=1000), features, y, cv=5,
                              method="predict_proba")[:, 1]
    model = (proba >= 0.5).astype(int)
    names = np.where(model == 1, "malignant", "benign")
    pd.DataFrame({"prediction": names, "p": proba}).to_csv(tmp / "bc_model.csv", index=False)
    cell = pd.to_numeric(d["uniformity_of_cell_size"], errors="coerce")
    rules = (cell >= 3).astype(int).to_numpy()
    args = ["compare", "examples/breast_cancer/rules.yaml", path, "-p", tmp / "bc_model.csv",
            "--score-column", "p", "--format", "json", "--require", "macro_f1"]
    p = run(hunch, *args, expect=None)
    j = json.loads(p.stdout)
    check_comparison("breast cancer", j, y, rules, model, 2, 1)
    check("breast cancer: rules without confidence have no scores", "rules" in j["scores"], False)
    check_scores("breast cancer model scores", j["scores"]["model"], y == 1, proba)
    check("breast cancer: no roc_auc difference without rule scores", "roc_auc" in j["metrics"],
          False)
    better = j["metrics"]["macro_f1"]["interval"][0] > 0
    check("breast cancer --require exit status", p.returncode, 0 if better else 3)
    # The logistic regression (about 0.96 accuracy) beats one threshold rule (0.92).
    check("breast cancer: the model is significantly better on macro F1", better, True)
    # Ids repeat in this file: joining on them is refused.
    p = run(hunch, "compare", "examples/breast_cancer/rules.yaml", path, "-p", path,
            "--prediction-column", "class", "--id-column", "sample_code_number", expect=2)
    check("breast cancer duplicate ids refused", "appears twice" in p.stderr, True)
    # Empty predictions are abstentions.
    blank = pd.DataFrame({"prediction": names})
    blank.loc[:4, "prediction"] = ""
    blank.to_csv(tmp / "bc_blank.csv", index=False)
    j = json.loads(run(hunch, "compare", "examples/breast_cancer/rules.yaml", path, "-p",
                       tmp / "bc_blank.csv", "--format", "json", "--bootstrap", "100").stdout)
    abstaining = model.copy()
    abstaining[:5] = -1
    check("breast cancer abstained predictions", j["predictions"]["abstained"], 5)
    check_comparison("breast cancer with abstentions", j, y, rules, abstaining, 2, 1)


def test_baseline(hunch, data_dir, tmp, model, proba):
    path = data_dir / "titanic.csv"
    baseline = tmp / "baseline.json"
    run(hunch, "eval", "examples/titanic/rules.yaml", path, "--save-baseline", baseline,
        "--format", "json")
    b = json.loads(baseline.read_text())
    import hashlib
    check("baseline data sha256", b["data"]["sha256"], hashlib.sha256(path.read_bytes()).hexdigest())
    check("baseline rows", b["data"]["rows"], 891)
    check("baseline holds the rule file",
          b["ruleset"]["source"], (REPO / "examples/titanic/rules.yaml").read_text())
    check("baseline report accuracy", b["report"]["metrics"]["accuracy"], 707 / 891)
    pd.DataFrame({"prediction": model, "score": proba}).to_csv(tmp / "ordered.csv", index=False)
    direct = run(hunch, "compare", "examples/titanic/rules.yaml", path, "-p", tmp / "ordered.csv",
                 "--format", "json").stdout
    # RULES may be left out: the baseline holds them.
    via = run(hunch, "compare", "--baseline", baseline, path, "-p", tmp / "ordered.csv",
              "--format", "json").stdout
    jd, jv = json.loads(direct), json.loads(via)
    check("baseline compare: same data", jv["baseline"]["same_data"], True)
    check("baseline compare: same figures as without", jv["metrics"], jd["metrics"])
    # Other data (one row fewer) is refused, unless allowed.
    rows = path.read_text().splitlines(keepends=True)
    other = tmp / "titanic_minus_one.csv"
    other.write_text("".join(rows[:-1]))
    pd.DataFrame({"prediction": model[:-1]}).to_csv(tmp / "ordered_minus_one.csv", index=False)
    p = run(hunch, "compare", "--baseline", baseline, other, "-p", tmp / "ordered_minus_one.csv",
            expect=2)
    check("baseline refuses other data", "not the data of the baseline" in p.stderr, True)
    p = run(hunch, "compare", "--baseline", baseline, other, "-p", tmp / "ordered_minus_one.csv",
            "--allow-different-data", "--format", "json")
    check("baseline --allow-different-data", json.loads(p.stdout)["baseline"]["same_data"] if
          p.stdout else None, False)
    # Other rules are refused.
    changed = tmp / "changed_rules.yaml"
    changed.write_text((REPO / "examples/titanic/rules.yaml").read_text().replace("Age < 10",
                                                                                  "Age < 12"))
    p = run(hunch, "compare", "--baseline", baseline, changed, path, "-p", tmp / "ordered.csv",
            expect=2)
    check("baseline refuses other rules", "is not the baseline's" in p.stderr, True)


def test_require_and_errors(hunch, data_dir, tmp):
    path = data_dir / "titanic.csv"
    # The majority class as a "model": not better than the rules, so --require exits 3.
    pd.DataFrame({"prediction": ["died"] * 891}).to_csv(tmp / "majority.csv", index=False)
    p = run(hunch, "compare", "examples/titanic/rules.yaml", path, "-p", tmp / "majority.csv",
            "--require", "accuracy", expect=3)
    check("--require failure says why", "not significantly better" in p.stderr, True)
    check("--require prints the comparison first", "Verdict: rules better on accuracy" in p.stdout,
          True)
    run(hunch, "compare", "examples/titanic/rules.yaml", path, "-p", tmp / "majority.csv",
        "--require", "no_such_metric", expect=2)
    # A prediction that is no class, located by line.
    lines = ["prediction"] + ["died"] * 891
    lines[7] = "maybe"
    (tmp / "bad.csv").write_text("\n".join(lines) + "\n")
    p = run(hunch, "compare", "examples/titanic/rules.yaml", path, "-p", tmp / "bad.csv",
            expect=2)
    check("bad prediction located", f"{tmp / 'bad.csv'}:8: error: prediction 'maybe'" in p.stderr,
          True)
    # Too few predictions without an id column.
    (tmp / "short.csv").write_text("prediction\ndied\n")
    p = run(hunch, "compare", "examples/titanic/rules.yaml", path, "-p", tmp / "short.csv",
            expect=2)
    check("row count checked", "1 predictions for the 891 rows" in p.stderr, True)
    # A missing id.
    (tmp / "ids.csv").write_text("PassengerId,prediction\n1,died\n")
    p = run(hunch, "compare", "examples/titanic/rules.yaml", path, "-p", tmp / "ids.csv",
            "--id-column", "PassengerId", expect=2)
    check("missing id named", "no prediction for id '2'" in p.stderr, True)
    p = run(hunch, "compare", "examples/titanic/rules.yaml", path, "-p", tmp / "ids.csv",
            "--prediction-column", "predicton", expect=2)
    check("unknown prediction column with a hint", "did you mean 'prediction'" in p.stderr, True)


V1 = """name: titanic-v1
version: "1"
label: Survived
classes: {0: died, 1: survived}
positive: survived
default: died
rules:
  - name: women
    when: Sex == "female"
    predict: survived
    confidence: 0.74
  - name: young_children
    when: Age < 10
    predict: survived
    confidence: 0.6
  - name: old_men
    when: Age > 70
    predict: died
"""

V2 = """name: titanic-v2
version: "2"
label: Survived
classes: {0: died, 1: survived}
positive: survived
default: died
rules:
  - name: third_class_women
    when: Sex == "female" && Pclass == 3 && Fare > 20
    predict: died
    confidence: 0.7
  - name: women
    when: Sex == "female"
    predict: survived
    confidence: 0.74
  - name: young_children
    when: Age < 14
    predict: survived
    confidence: 0.6
"""


def diff_rules(d, version):
    """Both versions by hand: (class, winning rule, score, fired per rule name)."""
    pred, win, score = [], [], []
    fires = {}
    for sex, age, pclass, fare in zip(d["Sex"], d["Age"], d["Pclass"], d["Fare"]):
        known = not math.isnan(age)
        if version == 1:
            rules = [("women", sex == "female", 1, 0.74),
                     ("young_children", known and age < 10, 1, 0.6),
                     ("old_men", known and age > 70, 0, None)]
        else:
            rules = [("third_class_women", sex == "female" and pclass == 3 and fare > 20, 0, 0.7),
                     ("women", sex == "female", 1, 0.74),
                     ("young_children", known and age < 14, 1, 0.6)]
        fired = [r for r in rules if r[1]]
        for r in fired:
            fires[r[0]] = fires.get(r[0], 0) + 1
        if fired:
            name, _, cls, conf = fired[0]
            pred.append(cls)
            win.append(name)
            c = 1.0 if conf is None else conf
            score.append(c if cls == 1 else 1 - c)
        else:
            pred.append(0), win.append("(default)"), score.append(0.0)
    return np.array(pred), win, np.array(score), fires


def test_diff(hunch, data_dir, tmp):
    path = data_dir / "titanic.csv"
    (tmp / "v1.yaml").write_text(V1)
    (tmp / "v2.yaml").write_text(V2)
    d = pd.read_csv(path)
    y = d["Survived"].to_numpy()
    old, old_win, old_score, old_fires = diff_rules(d, 1)
    new, new_win, new_score, new_fires = diff_rules(d, 2)
    j = json.loads(run(hunch, "diff", tmp / "v1.yaml", tmp / "v2.yaml", path, "--format", "json",
                       "--id-column", "PassengerId", "--sample", "25").stdout)
    check_comparison("diff", j, y, old, new, 2, 1, names=("old", "new"))
    changed = old != new
    check("diff changed rows", j["changed"]["rows"], int(changed.sum()))
    check("diff fixed", j["changed"]["fixed"], int(np.sum(changed & (new == y))))
    check("diff broken", j["changed"]["broken"], int(np.sum(changed & (old == y))))
    check("diff transitions", j["changed"]["transitions"],
          [[int(np.sum((old == a) & (new == b))) for b in (0, 1)] + [0] for a in (0, 1)] +
          [[0, 0, 0]])
    sample = j["changed"]["sample"]
    check("diff sample size", len(sample), min(25, int(changed.sum())))
    classes = ["died", "survived"]
    for s in sample:
        i = s["row"] - 1
        check(f"diff sample row {s['row']} changed", bool(changed[i]), True)
        check(f"diff sample row {s['row']} id", s["id"], str(d["PassengerId"][i]))
        check(f"diff sample row {s['row']}", (s["actual"], s["old"], s["old_rule"], s["new"],
                                              s["new_rule"]),
              (classes[y[i]], classes[old[i]], old_win[i], classes[new[i]], new_win[i]))
    rules = {r["name"]: r for r in j["rules"]}
    check("diff rule changes", {n: r["change"] for n, r in rules.items()},
          {"women": "unchanged", "young_children": "changed", "old_men": "removed",
           "third_class_women": "added"})
    check("diff young_children changed condition", rules["young_children"]["what"], ["condition"])
    for name, r in rules.items():
        if r["before"] is not None:
            check(f"diff {name} fires before", r["before"]["fires"], old_fires.get(name, 0))
            check(f"diff {name} wins before", r["before"]["wins"], old_win.count(name))
        if r["after"] is not None:
            check(f"diff {name} fires after", r["after"]["fires"], new_fires.get(name, 0))
            check(f"diff {name} wins after", r["after"]["wins"], new_win.count(name))
    check_scores("diff old scores", j["scores"]["old"], y == 1, old_score)
    check_scores("diff new scores", j["scores"]["new"], y == 1, new_score)
    # Different classes cannot be diffed.
    p = run(hunch, "diff", tmp / "v1.yaml", "examples/breast_cancer/rules.yaml", path, expect=None)
    check("diff of unrelated rule sets refused", p.returncode != 0, True)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    hunch = str(Path(argv[1]).resolve())
    data_dir = Path(argv[2]) if len(argv) > 2 else REPO.parent / "shared" / "data"
    data_dir = data_dir.resolve()
    warnings.filterwarnings("ignore")
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for name, test in (("titanic", lambda: test_titanic(hunch, data_dir, tmp)),
                           ("breast cancer", lambda: test_breast_cancer(hunch, data_dir, tmp)),
                           ("--require and bad predictions",
                            lambda: test_require_and_errors(hunch, data_dir, tmp)),
                           ("diff", lambda: test_diff(hunch, data_dir, tmp))):
            before = checked
            result = test()
            print(f"{name}: {checked - before} figures compared")
            if name == "titanic":
                _, model, proba = result
                before = checked
                test_baseline(hunch, data_dir, tmp, model, proba)
                print(f"baseline: {checked - before} figures compared")
    if failures:
        print(f"{len(failures)} mismatches:")
        for f in failures:
            print("  " + f)
        return 1
    print(f"all {checked} figures agree")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
