#!/usr/bin/python3
"""End-to-end oracle for `hunch eval`: every figure of the JSON report, recomputed independently.

    python3 tests/oracle/eval_oracle.py HUNCH_BINARY [DATA_DIR]

DATA_DIR defaults to ../shared/data beside the repository. Run by ctest as
eval_matches_sklearn_and_snorkel.

For each example rule file (examples/NAME/rules.yaml) the rules are written again below by hand as
Python predicates, with hunch's semantics: first match decides, else the `default` class (or
abstain); a cell whose text is in the rule file's `missing:` list is missing, a comparison with a
missing value is unknown, and an unknown condition does not fire (CEL's three-valued && keeps
`false && unknown` false). This script never parses our YAML and never asks hunch for a
prediction: it only runs `hunch eval --format json --bootstrap 0` and compares what it prints with
 * scikit-learn: accuracy_score, balanced_accuracy_score, cohen_kappa_score,
   precision_recall_fscore_support(labels=classes, zero_division=0) per class, macro and weighted,
   confusion_matrix (plus an "abstain" column when the rules can abstain; abstain is one more
   predicted label, which is how hunch counts it as wrong), the same on covered rows only,
   DummyClassifier(strategy="most_frequent") for the majority baseline, and the stratified
   baseline as the metrics of its expected confusion (support_a * support_p / N, passed to sklearn
   as sample weights), whose accuracy must be sum_k p_k^2;
 * Snorkel's LFAnalysis (snorkel/labeling/analysis.py), re-implemented below with numpy on the label
   matrix L (rows x rules, -1 = no vote, else the class index): lf_coverages, lf_overlaps,
   lf_conflicts, lf_empirical_accuracies and get_lf_summary's Correct/Incorrect (fires, wins,
   shadowed and errors come from the oracle's own first-match evaluation; a rule that predicts
   abstain fires and may win, but casts no vote in L, so its coverage is fires / rows);
 * the reference figures of DATA_DIR/SOURCES.md (read at run time), for the rule files that are
   exactly its reference rules: rule and majority accuracy, binary confusion counts, and the
   penguins confusion cells (and titanic's figure for `Sex == female or Age < 10`);
 * a synthetic rule set with `default: abstain` (written to a temporary directory), whose
   end-to-end figures (abstain as an extra predicted label) and covered-rows figures are checked
   the same way; it also has a rule predicting abstain, a shadowed and a disabled rule, missing and
   unparseable cells, missing and unknown labels, and a class with no support.
Floats must agree to 1e-9 and counts exactly. One line per dataset gives the number of figures
compared; the exit status is 1 with every mismatch listed when anything disagrees.
"""

import csv
import json
import math
import operator
import random
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

try:
    import numpy as np
except ImportError:  # a python3 first on PATH (pyenv, venv) without Debian's numpy and sklearn
    import os
    if Path(sys.executable).resolve() != Path("/usr/bin/python3").resolve() and \
            os.access("/usr/bin/python3", os.X_OK):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise
from sklearn.dummy import DummyClassifier
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, cohen_kappa_score,
                             confusion_matrix, precision_recall_fscore_support)

TOLERANCE = 1e-9
REPO = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------------------------
# Three-valued values: a cell is a Python value, MISSING, or ERROR (does not parse as its type).


class Unknown:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


MISSING = Unknown("missing")
ERROR = Unknown("error")

NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
INTEGER = re.compile(r"[+-]?\d+")


def unknown(*values):
    """The unknown among `values` (an error wins over a missing value), else None."""
    if any(v is ERROR for v in values):
        return ERROR
    if any(v is MISSING for v in values):
        return MISSING
    return None


class Cells:
    """One CSV record (a dict by header) read with a rule file's `missing:` list."""

    def __init__(self, record, missing):
        self.record = record
        self.missing = missing

    def text(self, column):
        cell = self.record.get(column)
        return MISSING if cell is None or cell in self.missing else cell

    def num(self, column):
        return self._parse(column, NUMBER, float)

    def int(self, column):
        return self._parse(column, INTEGER, int)

    def _parse(self, column, pattern, convert):
        cell = self.text(column)
        if cell is MISSING:
            return MISSING
        return convert(cell) if pattern.fullmatch(cell) else ERROR


def compare(op, a, b):
    u = unknown(a, b)
    return u if u is not None else op(a, b)


def lt(a, b): return compare(operator.lt, a, b)
def le(a, b): return compare(operator.le, a, b)
def gt(a, b): return compare(operator.gt, a, b)
def ge(a, b): return compare(operator.ge, a, b)
def eq(a, b): return compare(operator.eq, a, b)


def is_in(a, options):
    return a if isinstance(a, Unknown) else a in options


def not_in(a, options):
    return a if isinstance(a, Unknown) else a not in options


def search(a, pattern):
    # CEL's matches() is RE2's partial match; RE2's \d is ASCII, hence re.ASCII.
    return a if isinstance(a, Unknown) else re.search(pattern, a, re.ASCII) is not None


def both(*values):
    """CEL's &&: false if any operand is false, true if all are true, else unknown."""
    if any(v is False for v in values):
        return False
    if all(v is True for v in values):
        return True
    return unknown(*values)


# ---------------------------------------------------------------------------------------------
# The example rule files, by hand. Each rule: (name, predicted class name or "abstain",
# predicate(Cells) -> True / False / MISSING / ERROR, enabled). `numeric` lists the columns the
# predicates read as numbers (for the report's bad_cells); `reference` says how SOURCES.md applies.


class Case:
    def __init__(self, name, rules_path, data_path, label, classes, default, missing, rules,
                 numeric=(), positive=None, slices=None, slice_by=(), reference=None):
        self.name = name
        self.rules_path = rules_path
        self.data_path = data_path
        self.label = label
        self.classes = classes  # [(raw label text, class name)] in rule-file order
        self.default = default  # class name or "abstain"
        self.missing = set(missing)
        self.rules = rules
        self.numeric = dict(numeric)  # column -> "int" or "double"
        self.positive = positive
        self.slices = slices or {}  # rule-file slices: name -> expression(row)
        self.slice_by = list(slice_by)
        self.reference = reference  # (SOURCES.md file name, "exact" or "titanic-or-age")


def example_cases(data_dir):
    ex = REPO / "examples"
    cases = []

    cases.append(Case(
        "titanic", ex / "titanic/rules.yaml", data_dir / "titanic.csv", "Survived",
        [("0", "died"), ("1", "survived")], "died", [""],
        [("women", "survived", lambda r: eq(r.text("Sex"), "female"), True),
         ("young_children", "survived", lambda r: lt(r.num("Age"), 10), True)],
        numeric={"Age": "double"}, positive="survived",
        slice_by=["Embarked", "Pclass"], reference=("titanic.csv", "titanic-or-age")))

    cases.append(Case(
        "sms_spam", ex / "sms_spam/rules.yaml", data_dir / "sms_spam.csv", "label",
        [("ham", "ham"), ("spam", "spam")], "ham", [""],
        [("long_digit_run", "spam", lambda r: search(r.text("text"), r"\d{5,}"), True)],
        positive="spam", reference=("sms_spam.csv", "exact")))

    cases.append(Case(
        "penguins", ex / "penguins/rules.yaml", data_dir / "penguins.csv", "species",
        [("Adelie", "Adelie"), ("Chinstrap", "Chinstrap"), ("Gentoo", "Gentoo")], "Adelie", ["NA"],
        [("long_flippers", "Gentoo", lambda r: ge(r.num("flipper_length_mm"), 207), True),
         ("long_bill", "Chinstrap", lambda r: ge(r.num("bill_length_mm"), 45), True)],
        numeric={"flipper_length_mm": "double", "bill_length_mm": "double"},
        reference=("penguins.csv", "exact")))

    cases.append(Case(
        "adult", ex / "adult/rules.yaml", data_dir / "adult.csv", "income",
        [("<=50K", "<=50K"), (">50K", ">50K")], "<=50K", ["?"],
        [("married_with_degree", ">50K",
          lambda r: both(eq(r.text("marital-status"), "Married-civ-spouse"),
                         ge(r.num("education-num"), 13)), True)],
        numeric={"education-num": "double"}, positive=">50K", reference=("adult.csv", "exact")))

    cases.append(Case(
        "mushrooms", ex / "mushrooms/rules.yaml", data_dir / "mushrooms.csv", "class",
        [("e", "edible"), ("p", "poisonous")], "edible", ["?"],
        [("bad_odor", "poisonous", lambda r: not_in(r.text("odor"), ["a", "l", "n"]), True)],
        positive="poisonous", reference=("mushrooms.csv", "exact")))

    cases.append(Case(
        "breast_cancer", ex / "breast_cancer/rules.yaml", data_dir / "breast_cancer_wisconsin.csv",
        "class", [("2", "benign"), ("4", "malignant")], "benign", ["?"],
        [("uneven_cell_size", "malignant",
          lambda r: ge(r.num("uniformity_of_cell_size"), 3), True)],
        numeric={"uniformity_of_cell_size": "double"}, positive="malignant",
        reference=("breast_cancer_wisconsin.csv", "exact")))

    amount = lambda r: r.num("amount")
    age = lambda r: r.int("account_age_days")
    hour = lambda r: r.int("hour")
    cases.append(Case(
        "fraud", ex / "fraud/rules.yaml", ex / "fraud/transactions.csv", "is_fraud",
        [("0", "legit"), ("1", "fraud")], "legit", [""],
        [("new_account_big_amount", "fraud", lambda r: both(gt(amount(r), 3000), lt(age(r), 30)), True),
         ("disposable_email", "fraud",
          lambda r: search(r.text("email"), r"@(tempmail|mailinator)\."), True),
         ("risky_country_big_amount", "fraud",
          lambda r: both(is_in(r.text("country"), ["NG", "RU", "BR", "VN"]), gt(amount(r), 1000)),
          True),
         ("repeat_chargebacks", "fraud",
          lambda r: ge(r.int("n_prev_chargebacks"), 2), True),
         ("gift_cards_or_crypto_new_account", "fraud",
          lambda r: both(is_in(r.text("merchant_category"), ["gift_cards", "crypto"]),
                         lt(age(r), 90)), True)],
        numeric={"amount": "double", "account_age_days": "int", "hour": "int",
                 "n_prev_chargebacks": "int"},
        positive="fraud", slices={"night": lambda r: both(ge(hour(r), 1), le(hour(r), 4))},
        slice_by=["country"]))
    return cases


# The synthetic abstain case: written to a temporary directory and evaluated end to end.
ABSTAIN_RULES = """\
# Written by tests/oracle/eval_oracle.py: a rule set that can abstain.
name: oracle-abstain
version: "1"
label: animal
classes: [cat, dog, bird, fish]
default: abstain
missing: ["", "NA"]
inputs:
  weight: double
rules:
  - name: heavy
    when: weight >= 10
    predict: dog
  - name: small_chirper
    when: weight < 3 && noise == "chirp"
    predict: bird
  - name: meows
    when: noise == "meow"
    predict: cat
  - name: unsure_when_hissing
    when: noise == "hiss"
    predict: abstain
  - name: light_cat
    when: weight < 6
    predict: cat
  - name: tiny_bird
    when: weight < 1
    predict: bird
  - name: switched_off
    when: weight > 0
    predict: dog
    enabled: false
slices:
  heavy_slice: weight >= 10
"""


def write_abstain_case(directory):
    rng = random.Random(20240611)
    animals = ["cat"] * 5 + ["dog"] * 5 + ["bird"] * 3
    noises = {"cat": ["meow", "meow", "hiss", "purr"], "dog": ["woof", "woof", "meow", "hiss"],
              "bird": ["chirp", "chirp", "hiss", "woof"]}
    weights = {"cat": (2.0, 8.0), "dog": (4.0, 40.0), "bird": (0.1, 4.0)}
    rows = []
    for i in range(240):
        animal = rng.choice(animals)
        low, high = weights[animal]
        weight = f"{rng.uniform(low, high):.2f}"
        if rng.random() < 0.06:
            weight = rng.choice(["", "NA"])  # missing: comparisons are unknown
        elif rng.random() < 0.03:
            weight = "n/a"  # not a double: an error value, counted in bad_cells and rule errors
        noise = rng.choice(noises[animal])
        if rng.random() < 0.04:
            noise = ""
        label = animal
        roll = rng.random()
        if roll < 0.03:
            label = rng.choice(["", "NA"])  # missing label: excluded
        elif roll < 0.06:
            label = rng.choice(["lizard", "Cat"])  # not a class: excluded
        rows.append([i + 1, weight, noise, label])
    rules_path = directory / "abstain.yaml"
    data_path = directory / "abstain.csv"
    rules_path.write_text(ABSTAIN_RULES, encoding="utf-8")
    with open(data_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "weight", "noise", "animal"])
        w.writerows(rows)

    wt = lambda r: r.num("weight")
    noise = lambda r: r.text("noise")
    return Case(
        "synthetic_abstain", rules_path, data_path, "animal",
        [("cat", "cat"), ("dog", "dog"), ("bird", "bird"), ("fish", "fish")], "abstain", ["", "NA"],
        [("heavy", "dog", lambda r: ge(wt(r), 10), True),
         ("small_chirper", "bird", lambda r: both(lt(wt(r), 3), eq(noise(r), "chirp")), True),
         ("meows", "cat", lambda r: eq(noise(r), "meow"), True),
         ("unsure_when_hissing", "abstain", lambda r: eq(noise(r), "hiss"), True),
         ("light_cat", "cat", lambda r: lt(wt(r), 6), True),
         ("tiny_bird", "bird", lambda r: lt(wt(r), 1), True),  # shadowed by light_cat
         ("switched_off", "dog", lambda r: gt(wt(r), 0), False)],
        numeric={"weight": "double"},
        slices={"heavy_slice": lambda r: ge(wt(r), 10)}, slice_by=["noise"])


# ---------------------------------------------------------------------------------------------
# Snorkel's LFAnalysis, re-implemented with numpy on a dense L (-1 = abstain). Snorkel works on
# L + 1 as a sparse matrix, where 0 is the abstain; the formulas below are its, line for line.


class LFAnalysis:
    def __init__(self, L):
        self.L = np.asarray(L, dtype=int)
        self.Ls = self.L + 1  # Snorkel's _L_sparse, dense

    def _overlapped_data_points(self):
        return np.where((self.Ls != 0).sum(axis=1) > 1, 1, 0)

    def _conflicted_data_points(self):
        # A row conflicts when some nonzero entry differs from the row's maximum.
        m = np.diag(self.Ls.max(axis=1))
        return np.max((m @ (self.Ls != 0)) != self.Ls, axis=1).astype(int)

    def label_coverage(self):
        return float(((self.Ls != 0).sum(axis=1) > 0).sum() / self.Ls.shape[0])

    def lf_coverages(self):
        return (self.Ls != 0).sum(axis=0) / self.Ls.shape[0]

    def lf_overlaps(self):
        return np.nan_to_num((self.Ls != 0).T @ self._overlapped_data_points() / self.Ls.shape[0])

    def lf_conflicts(self):
        return np.nan_to_num((self.Ls != 0).T @ self._conflicted_data_points() / self.Ls.shape[0])

    def lf_empirical_accuracies(self, Y):
        Y = np.asarray(Y, dtype=int)
        X = np.where(self.Ls == 0, 0,
                     np.where(self.Ls == np.vstack([Y + 1] * self.Ls.shape[1]).T, 1, -1))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.nan_to_num(0.5 * (X.sum(axis=0) / (self.Ls != 0).sum(axis=0) + 1))

    def lf_correct_incorrect(self, Y):
        # get_lf_summary: confusion_matrix(Y, L[:, i], labels)[1:, 1:], labels = unique(Y, L, -1).
        Y = np.asarray(Y, dtype=int)
        labels = np.unique(np.concatenate((Y.flatten(), self.L.flatten(), np.array([-1]))))
        correct, incorrect = [], []
        for i in range(self.L.shape[1]):
            conf = confusion_matrix(Y, self.L[:, i], labels=labels)[1:, 1:]
            c = int(np.diagonal(conf).sum())
            correct.append(c)
            incorrect.append(int(conf.sum()) - c)
        return correct, incorrect


def check_lfanalysis_docstring():
    """This re-implementation against the figures Snorkel's docstrings give for their example L."""
    ck = Checker("snorkel_docstring")
    lfa = LFAnalysis([[-1, 0, 0], [-1, -1, -1], [1, 0, -1], [-1, 0, -1], [0, 0, 0]])
    for name, got, expected in (("lf_coverages", lfa.lf_coverages(), [0.4, 0.8, 0.4]),
                                ("lf_overlaps", lfa.lf_overlaps(), [0.4, 0.6, 0.4]),
                                ("lf_conflicts", lfa.lf_conflicts(), [0.2, 0.2, 0.0])):
        for j in range(3):
            ck.value(f"{name}[{j}]", float(got[j]), expected[j])
    ck.value("label_coverage", lfa.label_coverage(), 0.8)
    ck.value("label_overlap", float(lfa._overlapped_data_points().mean()), 0.6)
    ck.value("label_conflict", float(lfa._conflicted_data_points().mean()), 0.2)
    return ck


# ---------------------------------------------------------------------------------------------
# Comparison bookkeeping.


class Checker:
    def __init__(self, case):
        self.case = case
        self.compared = 0
        self.mismatches = []

    def value(self, where, got, expected):
        """Counts exactly, floats to TOLERANCE, strings/bools/None/lists/dicts exactly."""
        self.compared += 1
        ok = True
        if isinstance(expected, bool) or expected is None or isinstance(expected, str):
            ok = got == expected and type(got) is type(expected)
        elif isinstance(expected, (int, np.integer)):
            ok = isinstance(got, int) and not isinstance(got, bool) and got == int(expected)
        elif isinstance(expected, (float, np.floating)):
            e = float(expected)
            ok = isinstance(got, (int, float)) and not isinstance(got, bool) and \
                math.isfinite(e) and abs(float(got) - e) <= TOLERANCE
        else:
            ok = got == expected
        if not ok:
            self.mismatches.append(f"{self.case}: {where}: hunch {got!r}, expected {expected!r}")

    def fail(self, message):
        self.compared += 1
        self.mismatches.append(f"{self.case}: {message}")


class Absent:
    """What get() returns for a key the report lacks: it compares unequal to every figure."""

    def __init__(self, path):
        self.path = path

    def __repr__(self):
        return f"<no {'/'.join(map(str, self.path))} in the report>"

    def __contains__(self, key):
        return False


def get(obj, *path):
    for i, p in enumerate(path):
        if isinstance(obj, Absent):
            return obj
        if isinstance(obj, dict) and p in obj:
            obj = obj[p]
        elif isinstance(obj, list) and isinstance(p, int) and 0 <= p < len(obj):
            obj = obj[p]
        else:
            return Absent(path[:i + 1])
    return obj


# ---------------------------------------------------------------------------------------------
# The oracle's own evaluation of a case.


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = []
        for record in reader:
            rows.append({h: c for h, c in zip(header, record)})
        return header, rows


def evaluate_case(case):
    """The oracle's predictions and label matrix over the labeled rows of `case`."""
    _, rows = read_rows(case.data_path)
    names = [name for _, name in case.classes]
    k = len(names)
    index_of_raw = {raw: i for i, (raw, _) in enumerate(case.classes)}
    abstain = k

    def class_index(name):
        return abstain if name == "abstain" else names.index(name)

    out = {"rows": len(rows), "missing_label": 0, "unknown_label": 0, "unknown_values": {},
           "y": [], "pred": [], "fired": [], "votes": [], "errored": [], "labeled": [],
           "bad_cells": {}}
    for record in rows:
        row = Cells(record, case.missing)
        label = record.get(case.label)
        if label is None or label in case.missing:
            out["missing_label"] += 1
            continue
        if label not in index_of_raw:
            out["unknown_label"] += 1
            out["unknown_values"][label] = out["unknown_values"].get(label, 0) + 1
            continue
        for column, kind in case.numeric.items():
            if (row.int(column) if kind == "int" else row.num(column)) is ERROR:
                out["bad_cells"][column] = out["bad_cells"].get(column, 0) + 1
        fired, errored = [], []
        for j, (_, predict, predicate, enabled) in enumerate(case.rules):
            if not enabled:
                continue
            v = predicate(row)
            if v is True:
                fired.append(j)
            elif v is ERROR:
                errored.append(j)
            elif v is not False and v is not MISSING:
                raise AssertionError(f"{case.name}: rule {j} returned {v!r}")
        predicted = class_index(case.rules[fired[0]][1]) if fired else class_index(case.default)
        out["y"].append(index_of_raw[label])
        out["pred"].append(predicted)
        out["fired"].append(fired)
        out["votes"].append([class_index(case.rules[j][1]) for j in fired])
        out["errored"].append(errored)
        out["labeled"].append(row)
    return out


def sk_scores(y_true, y_pred, k, sample_weight=None):
    """sklearn's figures for labels 0..k-1; a prediction of k is abstain (one more label)."""
    labels = list(range(k))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0,
                                                 sample_weight=sample_weight)
    out = {
        "accuracy": accuracy_score(y_true, y_pred, sample_weight=sample_weight),
        "balanced_accuracy": balanced_accuracy_score(y_true, y_pred, sample_weight=sample_weight),
        "kappa": cohen_kappa_score(y_true, y_pred, sample_weight=sample_weight),
        "per_class": [(p[i], r[i], f[i], int(s[i])) for i in range(k)],
    }
    for average in ("macro", "weighted"):
        ap, ar, af, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                        average=average, zero_division=0,
                                                        sample_weight=sample_weight)
        out[average] = (ap, ar, af)
    return out


def check_metrics(ck, where, block, y_true, y_pred, names, positive):
    k = len(names)
    y_true = np.asarray(y_true, dtype=int)
    y_pred = np.asarray(y_pred, dtype=int)
    n = len(y_true)
    ck.value(f"{where}.rows", get(block, "rows"), n)
    if n == 0:
        return
    s = sk_scores(y_true, y_pred, k)
    ck.value(f"{where}.accuracy", get(block, "accuracy"), s["accuracy"])
    ck.value(f"{where}.balanced_accuracy", get(block, "balanced_accuracy"), s["balanced_accuracy"])
    ck.value(f"{where}.kappa", get(block, "kappa"), s["kappa"])
    ck.value(f"{where}.coverage", get(block, "coverage"), float(np.mean(y_pred != k)))
    for avg in ("macro", "weighted"):
        for i, key in enumerate(("precision", "recall", "f1")):
            ck.value(f"{where}.{avg}.{key}", get(block, avg, key), s[avg][i])
    per_class = get(block, "per_class")
    ck.value(f"{where}.per_class keys", sorted(per_class) if isinstance(per_class, dict) else per_class,
             sorted(names))
    for i, name in enumerate(names):
        pc = s["per_class"][i]
        for j, key in enumerate(("precision", "recall", "f1", "support")):
            ck.value(f"{where}.per_class[{name}].{key}", get(block, "per_class", name, key), pc[j])
    if positive is not None:
        i = names.index(positive)
        pc = s["per_class"][i]
        ck.value(f"{where}.positive.class", get(block, "positive", "class"), positive)
        for j, key in enumerate(("precision", "recall", "f1", "support")):
            ck.value(f"{where}.positive.{key}", get(block, "positive", key), pc[j])
    else:
        ck.value(f"{where} has no positive block", "positive" in block, False)


def check_case(case, report, oracle):
    ck = Checker(case.name)
    names = [name for _, name in case.classes]
    k = len(names)
    y = np.asarray(oracle["y"], dtype=int)
    pred = np.asarray(oracle["pred"], dtype=int)
    n = len(y)
    can_abstain = case.default == "abstain" or any(
        p == "abstain" and enabled for _, p, _, enabled in case.rules)

    # The data and its exclusions.
    ck.value("classes", get(report, "classes"), names)
    ck.value("data.rows", get(report, "data", "rows"), oracle["rows"])
    ck.value("data.labeled_rows", get(report, "data", "labeled_rows"), n)
    ck.value("data.missing_label", get(report, "data", "missing_label"), oracle["missing_label"])
    ck.value("data.unknown_label", get(report, "data", "unknown_label"), oracle["unknown_label"])
    ck.value("data.excluded_rows", get(report, "data", "excluded_rows"),
             oracle["missing_label"] + oracle["unknown_label"])
    ck.value("data.unknown_label_values", get(report, "data", "unknown_label_values"),
             oracle["unknown_values"])
    ck.value("data.bad_rows", get(report, "data", "bad_rows"), 0)
    ck.value("data.bad_cells", get(report, "data", "bad_cells"), oracle["bad_cells"])

    # End to end: abstain is one more predicted label, so it counts as wrong.
    check_metrics(ck, "metrics", get(report, "metrics"), y, pred, names, case.positive)
    # On covered rows only.
    if can_abstain:
        covered = pred != k
        check_metrics(ck, "metrics.covered", get(report, "metrics", "covered"), y[covered],
                      pred[covered], names, case.positive)
    else:
        ck.value("metrics has no covered block", "covered" in get(report, "metrics"), False)

    # The confusion matrix, with the abstain column when the rules can abstain.
    cols = k + 1 if can_abstain else k
    cm = confusion_matrix(y, pred, labels=list(range(cols)))[:k].tolist()
    ck.value("confusion_matrix.labels", get(report, "confusion_matrix", "labels"), names)
    ck.value("confusion_matrix.predicted_labels", get(report, "confusion_matrix", "predicted_labels"),
             names + (["abstain"] if can_abstain else []))
    matrix = get(report, "confusion_matrix", "matrix")
    for a in range(k):
        for p in range(cols):
            got = get(matrix, a, p)
            ck.value(f"confusion_matrix[{names[a]}][{(names + ['abstain'])[p]}]", got, cm[a][p])
    ck.value("confusion_matrix shape", [len(line) for line in matrix] if isinstance(matrix, list) else matrix,
             [cols] * k)

    # Baselines. Majority: DummyClassifier(most_frequent) on the same y.
    X0 = np.zeros((n, 1))
    dummy = DummyClassifier(strategy="most_frequent").fit(X0, y)
    y_major = dummy.predict(X0)
    major = sk_scores(y, y_major, k)
    ck.value("baselines.majority.class", get(report, "baselines", "majority", "class"),
             names[int(y_major[0])])
    ck.value("baselines.majority.accuracy", get(report, "baselines", "majority", "accuracy"),
             major["accuracy"])
    ck.value("baselines.majority.macro_f1", get(report, "baselines", "majority", "macro_f1"),
             major["macro"][2])
    ck.value("baselines.majority.weighted_f1", get(report, "baselines", "majority", "weighted_f1"),
             major["weighted"][2])
    ck.value("baselines.majority.balanced_accuracy",
             get(report, "baselines", "majority", "balanced_accuracy"), major["balanced_accuracy"])
    ck.value("baselines.majority.kappa", get(report, "baselines", "majority", "kappa"), major["kappa"])
    # Stratified: a guess drawn from the class prior. Its expected confusion, cell (a, p) =
    # support_a * support_p / N, scored by sklearn through sample weights; accuracy = sum p_k^2.
    support = np.bincount(y, minlength=k)
    prior = support / n
    ck.value("baselines.stratified.accuracy = sum p_k^2",
             get(report, "baselines", "stratified", "accuracy"), float(np.sum(prior ** 2)))
    pairs = [(a, p) for a in range(k) for p in range(k) if support[a] and support[p]]
    ya = np.array([a for a, _ in pairs])
    yp = np.array([p for _, p in pairs])
    wt = np.array([support[a] * support[p] / n for a, p in pairs])
    strat = sk_scores(ya, yp, k, sample_weight=wt)
    ck.value("baselines.stratified.accuracy (expected confusion)",
             get(report, "baselines", "stratified", "accuracy"), strat["accuracy"])
    ck.value("baselines.stratified.macro_f1", get(report, "baselines", "stratified", "macro_f1"),
             strat["macro"][2])
    ck.value("baselines.stratified.weighted_f1",
             get(report, "baselines", "stratified", "weighted_f1"), strat["weighted"][2])
    ck.value("baselines.stratified.balanced_accuracy",
             get(report, "baselines", "stratified", "balanced_accuracy"), strat["balanced_accuracy"])
    ck.value("baselines.stratified.kappa", get(report, "baselines", "stratified", "kappa"),
             strat["kappa"])
    ck.value("intervals.resamples", get(report, "intervals", "resamples"), 0)

    # Per rule: Snorkel's LFAnalysis on the label matrix of the votes.
    m = len(case.rules)
    L = -np.ones((n, m), dtype=int)
    F = np.zeros((n, m), dtype=bool)  # the condition is true (a rule predicting abstain fires too)
    wins = np.zeros(m, dtype=int)
    errors = np.zeros(m, dtype=int)
    for i, (fired, votes, errored) in enumerate(zip(oracle["fired"], oracle["votes"], oracle["errored"])):
        for j, v in zip(fired, votes):
            F[i, j] = True
            if v != k:
                L[i, j] = v
        if fired:
            wins[fired[0]] += 1
        for j in errored:
            errors[j] += 1
    lfa = LFAnalysis(L)
    coverages, overlaps, conflicts = lfa.lf_coverages(), lfa.lf_overlaps(), lfa.lf_conflicts()
    accuracies = lfa.lf_empirical_accuracies(y)
    correct, incorrect = lfa.lf_correct_incorrect(y)
    fires = F.sum(axis=0)
    rules = get(report, "rules")
    ck.value("number of rules", len(rules) if isinstance(rules, list) else rules, m)
    for j, (name, predict, _, enabled) in enumerate(case.rules):
        r = get(rules, j)
        w = f"rules[{name}]"
        ck.value(f"{w}.name", get(r, "name"), name)
        ck.value(f"{w}.predict", get(r, "predict"), predict)
        ck.value(f"{w}.enabled", get(r, "enabled"), enabled)
        ck.value(f"{w}.fires", get(r, "fires"), int(fires[j]))
        ck.value(f"{w}.wins", get(r, "wins"), int(wins[j]))
        ck.value(f"{w}.correct", get(r, "correct"), correct[j])
        ck.value(f"{w}.incorrect", get(r, "incorrect"), incorrect[j])
        ck.value(f"{w}.precision (empirical accuracy)", get(r, "precision"), float(accuracies[j]))
        # coverage = fires / rows; for a rule that votes, that is Snorkel's lf_coverages.
        ck.value(f"{w}.coverage", get(r, "coverage"), float(fires[j] / n))
        if predict != "abstain":
            ck.value(f"{w}.coverage (lf_coverages)", get(r, "coverage"), float(coverages[j]))
        ck.value(f"{w}.overlaps (lf_overlaps)", get(r, "overlaps"), float(overlaps[j]))
        ck.value(f"{w}.conflicts (lf_conflicts)", get(r, "conflicts"), float(conflicts[j]))
        ck.value(f"{w}.shadowed", get(r, "shadowed"), bool(fires[j] > 0 and wins[j] == 0))
        ck.value(f"{w}.errors", get(r, "errors"), int(errors[j]))
    no_rule = ~F.any(axis=1)
    ck.value("default.rows", get(report, "default", "rows"), int(no_rule.sum()))
    ck.value("default.abstains", get(report, "default", "abstains"), case.default == "abstain")
    ck.value("default.correct", get(report, "default", "correct"),
             int((no_rule & (pred == y)).sum()) if case.default != "abstain" else 0)

    # Slices: --slice-by columns (the raw cell; "(missing)"), then the rule file's slices
    # (true / false / "(missing)" / "(error)"). Each: rows, accuracy, macro F1 (labels = classes),
    # coverage.
    groups = {}
    for i, row in enumerate(oracle["labeled"]):
        for column in case.slice_by:
            cell = row.text(column)
            groups.setdefault(f"{column}={'(missing)' if cell is MISSING else cell}", []).append(i)
        for sname, expr in case.slices.items():
            v = expr(row)
            value = "true" if v is True else "false" if v is False else f"({v.name})"
            groups.setdefault(f"{sname}={value}", []).append(i)
    slices = get(report, "slices")
    ck.value("slice keys", sorted(slices) if isinstance(slices, dict) else slices, sorted(groups))
    for key, idx in sorted(groups.items()):
        yt, yp = y[idx], pred[idx]
        sl = get(slices, key)
        ck.value(f"slices[{key}].rows", get(sl, "rows"), len(idx))
        ck.value(f"slices[{key}].accuracy", get(sl, "accuracy"), accuracy_score(yt, yp))
        ck.value(f"slices[{key}].macro_f1", get(sl, "macro_f1"),
                 precision_recall_fscore_support(yt, yp, labels=list(range(k)), average="macro",
                                                 zero_division=0)[2])
        ck.value(f"slices[{key}].coverage", get(sl, "coverage"), float(np.mean(yp != k)))
    return ck, lfa


# ---------------------------------------------------------------------------------------------
# SOURCES.md: its reference figures, parsed at run time.


def parse_sources(path):
    text_ = path.read_text(encoding="utf-8")
    ref = {"accuracy": {}, "majority": {}, "binary": {}, "penguins": {}, "titanic_or_age": None}
    row = re.compile(r"^\|\s*([\w.]+\.csv)\s*\|.*\|\s*(\d+)/(\d+)\s*=\s*\*\*[\d.]+\*\*\s*\|"
                     r"\s*(\d+)/(\d+)\s*=\s*\*\*[\d.]+\*\*.*\|\s*$")
    binary = re.compile(r"^\|\s*([\w.]+\.csv)\s*\[([^\]]+)\]\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|"
                        r"\s*(\d+)\s*\|\s*(\d+)\s*\|")
    for line in text_.splitlines():
        mt = row.match(line)
        if mt:
            ref["accuracy"][mt[1]] = (int(mt[2]), int(mt[3]))
            ref["majority"][mt[1]] = (int(mt[4]), int(mt[5]))
        mt = binary.match(line)
        if mt:
            ref["binary"][mt[1]] = (mt[2], int(mt[3]), int(mt[4]), int(mt[5]), int(mt[6]))
    for a, p, count in re.findall(r"\b(Adelie|Chinstrap|Gentoo)\s*→\s*(Adelie|Chinstrap|Gentoo) (\d+)",
                                  text_):
        ref["penguins"][(a, p)] = int(count)
    mt = re.search(r"Adding `or Age < 10` gives (\d+)/(\d+)", text_)
    if mt:
        ref["titanic_or_age"] = (int(mt[1]), int(mt[2]))
    return ref


def check_sources(ck, case, report, oracle, ref):
    """hunch and this oracle against SOURCES.md, for a rule file that is its reference rule."""
    if case.reference is None:
        return
    file_name, kind = case.reference
    y = np.asarray(oracle["y"])
    pred = np.asarray(oracle["pred"])
    names = [name for _, name in case.classes]
    raw = [r for r, _ in case.classes]
    n = len(y)

    def fraction(what, got_rows, got_accuracy, figures):
        if figures is None:
            ck.fail(f"SOURCES.md: no {what} for {file_name}")
            return
        num, den = figures
        ck.value(f"SOURCES.md {what} rows", got_rows, den)
        ck.value(f"SOURCES.md {what} {num}/{den}", got_accuracy, num / den)

    # The majority baseline does not depend on the rules.
    fraction("majority-class accuracy", get(report, "metrics", "rows"),
             get(report, "baselines", "majority", "accuracy"), ref["majority"].get(file_name))
    accuracy = ref["titanic_or_age"] if kind == "titanic-or-age" else ref["accuracy"].get(file_name)
    what = "rule accuracy (with `or Age < 10`)" if kind == "titanic-or-age" else "rule accuracy"
    fraction(what, get(report, "metrics", "rows"), get(report, "metrics", "accuracy"), accuracy)
    # The oracle's own predictions must give the same: a check of this script.
    fraction(what + " (oracle's predictions)", n, float(np.mean(y == pred)), accuracy)
    if kind != "exact":
        return
    matrix = get(report, "confusion_matrix", "matrix")
    if len(names) == 2:
        b = ref["binary"].get(file_name)
        if b is None:
            ck.fail(f"SOURCES.md: no confusion counts for {file_name}")
            return
        pos_raw, tp, fp, fn, tn = b
        if pos_raw not in raw:
            ck.fail(f"SOURCES.md: positive class '{pos_raw}' of {file_name} is not a label")
            return
        p = raw.index(pos_raw)
        q = 1 - p
        for what_, a, c, expected in (("TP", p, p, tp), ("FP", q, p, fp), ("FN", p, q, fn),
                                      ("TN", q, q, tn)):
            ck.value(f"SOURCES.md {what_}", get(matrix, a, c), expected)
    elif file_name == "penguins.csv":
        if len(ref["penguins"]) != 9:
            ck.fail(f"SOURCES.md: found {len(ref['penguins'])} of the 9 penguins confusion cells")
            return
        for (a, p), expected in sorted(ref["penguins"].items()):
            ck.value(f"SOURCES.md penguins {a}->{p}", get(matrix, names.index(a), names.index(p)),
                     expected)


# ---------------------------------------------------------------------------------------------


def run_hunch(binary, case):
    cmd = [str(binary), "eval", str(case.rules_path), str(case.data_path), "--format", "json",
           "--bootstrap", "0"]
    for column in case.slice_by:
        cmd += ["--slice-by", column]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    binary = Path(argv[1]).resolve()
    data_dir = Path(argv[2]).resolve() if len(argv) == 3 else (REPO / "../shared/data").resolve()
    warnings.simplefilter("ignore")  # sklearn's "y_pred contains classes not in y_true" for abstain
    ref = parse_sources(data_dir / "SOURCES.md")

    self_check = check_lfanalysis_docstring()
    mismatches = list(self_check.mismatches)
    total = self_check.compared
    print(f"{'snorkel_docstring':18} {self_check.compared:5d} figures compared (this script's "
          f"LFAnalysis on Snorkel's documented L): {'ok' if not mismatches else 'MISMATCHES'}")
    with tempfile.TemporaryDirectory(prefix="hunch-oracle-") as tmp:
        cases = example_cases(data_dir) + [write_abstain_case(Path(tmp))]
        for case in cases:
            try:
                report = run_hunch(binary, case)
            except (RuntimeError, json.JSONDecodeError) as e:
                mismatches.append(f"{case.name}: {e}")
                print(f"{case.name:18} FAILED to run hunch")
                continue
            oracle = evaluate_case(case)
            ck, _ = check_case(case, report, oracle)
            check_sources(ck, case, report, oracle, ref)
            total += ck.compared
            mismatches += ck.mismatches
            status = "ok" if not ck.mismatches else f"{len(ck.mismatches)} MISMATCHES"
            extra = f", sliced by {', '.join(case.slice_by)}" if case.slice_by else ""
            print(f"{case.name:18} {ck.compared:5d} figures compared "
                  f"({len(oracle['y'])} labeled rows{extra}): {status}")

    if mismatches:
        print(f"\nFAIL: {len(mismatches)} of {total} figures disagree with scikit-learn / Snorkel / "
              f"SOURCES.md:", file=sys.stderr)
        for m in mismatches:
            print("  " + m, file=sys.stderr)
        return 1
    print(f"ok: {total} figures agree with scikit-learn, Snorkel's LFAnalysis and SOURCES.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
