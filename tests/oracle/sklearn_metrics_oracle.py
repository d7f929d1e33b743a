#!/usr/bin/python3
"""Reference figures from scikit-learn for tests/metrics_test.cc.

The fixture tests/oracle/sklearn_metrics_cases.json is this script's output, regenerated with

    /usr/bin/python3 tests/oracle/sklearn_metrics_oracle.py > tests/oracle/sklearn_metrics_cases.json

using Debian's python3-sklearn (1.2) and python3-numpy; the cases are seeded, so the output only
changes if scikit-learn's figures do. Classes are 0..K-1; a prediction of K is
"abstain", which is not one of the labels, so it counts as wrong and never as a prediction of a
class. Each case carries the confusion counts (K rows, K + 1 columns, the last abstain) and
sklearn's figures end to end, on the covered rows only, and for DummyClassifier's
"most_frequent" strategy, plus the stratified guess's expected accuracy sum_k p_k^2.
"""

import json
import sys
import warnings

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, cohen_kappa_score,
                             precision_recall_fscore_support)


def scores(y_true, y_pred, k):
    labels = list(range(k))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    out = {
        "rows": len(y_true),
        "accuracy": accuracy_score(y_true, y_pred),
        "balanced_accuracy": balanced_accuracy_score(y_true, y_pred),
        "kappa": cohen_kappa_score(y_true, y_pred),
        "per_class": [{"precision": p[i], "recall": r[i], "f1": f[i], "support": int(s[i])}
                      for i in range(k)],
    }
    for average in ("macro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                     average=average, zero_division=0)
        out[average] = {"precision": p, "recall": r, "f1": f}
    return {key: float(v) if isinstance(v, np.floating) else v for key, v in out.items()}


def case(name, seed, k, rows, abstain_rate, unsupported=None, never_predicted=None):
    rng = np.random.default_rng(seed)
    true_classes = [c for c in range(k) if c != unsupported]
    pred_classes = [c for c in range(k) if c != never_predicted]
    y_true = rng.choice(true_classes, size=rows)
    # Right about half the time, so the figures are neither trivial nor chance.
    y_pred = np.where(rng.random(rows) < 0.5, y_true, rng.choice(pred_classes, size=rows))
    if never_predicted is not None:
        y_pred[y_pred == never_predicted] = pred_classes[0]
    y_pred[rng.random(rows) < abstain_rate] = k

    confusion = np.zeros((k, k + 1), dtype=int)
    np.add.at(confusion, (y_true, y_pred), 1)
    covered = y_pred != k
    dummy = DummyClassifier(strategy="most_frequent").fit(np.zeros((rows, 1)), y_true)
    majority = int(dummy.predict(np.zeros((1, 1)))[0])
    prior = np.bincount(y_true, minlength=k) / rows
    return {
        "name": name,
        "num_classes": k,
        "confusion": confusion.tolist(),
        "scores": scores(y_true, y_pred, k),
        "covered": scores(y_true[covered], y_pred[covered], k),
        "majority_class": majority,
        "majority": scores(y_true, dummy.predict(np.zeros((rows, 1))), k),
        "stratified_accuracy": float(np.sum(prior**2)),
    }


def main():
    # balanced_accuracy_score warns about classes predicted but absent from y_true.
    warnings.simplefilter("ignore")
    cases = [
        case("binary, no abstain", 1, 2, 40, 0.0),
        case("binary with abstains", 2, 2, 300, 0.2),
        case("three classes, no abstain", 3, 3, 500, 0.0),
        case("three classes with abstains", 4, 3, 120, 0.1),
        case("three classes, class 1 never predicted", 5, 3, 200, 0.15, never_predicted=1),
        case("five classes with abstains", 6, 5, 1000, 0.3),
        case("five classes, class 2 without support", 7, 5, 250, 0.1, unsupported=2),
        case("five classes, class 4 without support, class 0 never predicted", 8, 5, 80, 0.25,
             unsupported=4, never_predicted=0),
    ]
    json.dump(cases, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
