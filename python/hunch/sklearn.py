"""hunch.sklearn.RuleClassifier: a rule file as a scikit-learn classifier, so that the rules sit in
cross_val_score, pipelines and model comparisons next to learned models.

    from sklearn.model_selection import cross_val_score
    from hunch.sklearn import RuleClassifier
    cross_val_score(RuleClassifier("rules.yaml"), X, y, cv=5)   # X: a DataFrame

The rules do not learn. `fit` records the classes and their frequencies in y (the prior) and
checks that every label of y is a class of the rule file; nothing else depends on the data.

Labels: y may hold the rule file's label values (`classes: {0: legit, 1: fraud}` -> 0 and 1, as
in the data's label column) or its class names ("legit", "fraud"); predictions come back in the
same form. `classes_` is every class of the rule file in that form, sorted.

Probabilities (predict_proba), per row, by what decided it:
- a rule with `confidence: c` fired first: c for its class, and (1 - c) shared equally among the
  other classes;
- a rule without a confidence fired first, or no rule fired and `default:` names a class: 1 for
  that class (the rule file claims certainty; add confidences for graded probabilities);
- the rules abstain (an `abstain` rule fired first, or no rule fired and `default: abstain`): the
  class prior recorded by fit, and predict returns the majority class of the prior.
predict is the rules' decision (or, on abstention, the majority class), not an argmax of
predict_proba: they differ only for a rule whose confidence is below 1 / n_classes.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from . import RuleSet

__all__ = ["RuleClassifier"]


class RuleClassifier(ClassifierMixin, BaseEstimator):
    """A hunch rule file as a scikit-learn classifier.

    rules: path of the rule file (or a hunch.RuleSet). columns: names for the columns of X when
    X is not a DataFrame (default "x0", "x1", ...). threads: for the engine (0: all cores).
    """

    def __init__(self, rules, columns=None, threads=0):
        self.rules = rules
        self.columns = columns
        self.threads = threads

    # scikit-learn's tags: missing values are part of the rule language; X may hold text.
    def _more_tags(self):
        return {"allow_nan": True, "X_types": ["2darray", "string"], "requires_y": True}

    def _rule_set(self):
        if isinstance(self.rules, RuleSet):
            return self.rules
        return RuleSet(self.rules, threads=self.threads)

    def _frame(self, X):
        """X as a DataFrame: a DataFrame as it is (unless its column labels are the default
        0..n-1), anything else through scikit-learn's check_array (which refuses sparse, complex,
        empty and 1-D input with its usual messages) and named by `columns` or x0, x1, ..."""
        import pandas as pd
        from sklearn.utils.validation import check_array

        if isinstance(X, pd.DataFrame):
            if list(X.columns) != list(range(X.shape[1])):
                return X
            # A frame with the default column labels 0..n-1 is named like an array.
            X = X.to_numpy(dtype=object)
        X = check_array(X, dtype=None, force_all_finite=False, accept_sparse=False)
        names = self.columns
        if names is None:
            names = [f"x{i}" for i in range(X.shape[1])]
        if len(names) != X.shape[1]:
            raise ValueError(f"X has {X.shape[1]} features, but `columns` names {len(names)}")
        return pd.DataFrame(X, columns=list(names))

    def fit(self, X, y):
        """Records classes_ (the rule file's classes, labelled as y labels them) and the class
        prior of y. Raises ValueError when y holds a label that is not a class of the rule file."""
        from sklearn.utils.multiclass import check_classification_targets
        from sklearn.utils.validation import column_or_1d

        ruleset = self._rule_set()
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        X = self._frame(X)
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)}")
        if len(y) == 0:
            raise ValueError("cannot fit on 0 samples")
        names, raw = ruleset.classes, ruleset.raw_labels
        seen = {str(v) for v in np.unique(y.astype(str))}
        by_name = seen <= set(names) and not seen <= set(raw)
        texts = names if by_name else raw
        unknown = sorted(seen - set(texts))
        if unknown:
            raise ValueError(
                f"y holds {unknown[:5]}, which are not classes of {ruleset.path}: expected the "
                f"label values {raw} or the class names {names}")
        labels = np.array(texts, dtype=object)
        if not by_name and y.dtype.kind in "iufb":
            labels = np.array(texts).astype(y.dtype)
        order = np.argsort(labels.astype(str) if labels.dtype == object else labels, kind="stable")
        self.classes_ = labels[order]
        # _class_of_rule_[k]: the column of classes_ for the rule file's class k.
        self._class_of_rule_ = np.empty(len(texts), dtype=np.int64)
        self._class_of_rule_[order] = np.arange(len(texts))
        y_text = y.astype(str)
        counts = np.array([(y_text == str(label)).sum() for label in self.classes_], dtype=float)
        self.class_prior_ = counts / counts.sum()
        self.n_features_in_ = X.shape[1]
        self.ruleset_ = ruleset
        return self

    def _decide(self, X):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "classes_")
        X = self._frame(X)
        if X.shape[1] != self.n_features_in_ and self.columns is None and not hasattr(X, "columns"):
            raise ValueError(f"X has {X.shape[1]} features, but RuleClassifier is expecting "
                             f"{self.n_features_in_} features as input")
        out = self.ruleset_.predict_frame(X)
        names = self.ruleset_.classes
        codes = out["prediction"].cat.codes.to_numpy()  # len(names) = abstain
        confidence = out["confidence"].to_numpy()
        decided = out["rule"].notna().to_numpy()
        return codes, confidence, decided, len(names)

    def predict(self, X):
        """The rules' decision per row, in the labels of classes_; the majority class of the
        prior where the rules abstain."""
        codes, _, _, k = self._decide(X)
        majority = int(np.argmax(self.class_prior_))
        columns = np.where(codes == k, majority, self._class_of_rule_[np.minimum(codes, k - 1)])
        return self.classes_[columns]

    def predict_proba(self, X):
        """Probabilities per class (columns in classes_ order), formed as the module docstring
        says: from the winning rule's confidence, certainty for the default and for rules without
        a confidence, the prior on abstention."""
        codes, confidence, decided, k = self._decide(X)
        n = len(codes)
        proba = np.zeros((n, k))
        abstain = codes == k
        proba[abstain] = self.class_prior_
        rows = np.flatnonzero(~abstain)
        columns = self._class_of_rule_[codes[rows]]
        c = np.where(decided[rows] & ~np.isnan(confidence[rows]), confidence[rows], 1.0)
        if k > 1:
            proba[rows] = ((1.0 - c) / (k - 1))[:, None]
        proba[rows, columns] = c
        return proba

    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))
