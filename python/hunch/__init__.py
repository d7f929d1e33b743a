"""hunch in Python: the same rule files, the same engine, the same results as the `hunch` CLI.

    import hunch
    rules = hunch.RuleSet("rules.yaml")
    rules.predict({"amount": 7200, "account_age_days": 3})      # one row, like `hunch predict`
    out = rules.predict_frame(df)        # prediction, rule, confidence columns, columnar
    report = rules.evaluate(df)          # the `hunch eval --format json` report, as a dict

The reference is docs/python.md. The engine is C++ (hunch._hunch); this module only turns pandas
objects into columns and back.
"""

import json
import math
import os
import tempfile
import warnings

import numpy as np

from . import _hunch
from ._hunch import HunchError

__all__ = ["RuleSet", "HunchError", "HunchWarning", "read_log", "dataset"]

# Rule sets checked against distinct frame schemas, kept per RuleSet.
_MAX_CACHED_SCHEMAS = 16


class HunchWarning(UserWarning):
    """A warning from hunch: a lint finding in a rule file, a torn line in a prediction log."""


def _pandas():
    import pandas  # imported on first use: `import hunch` stays fast without it

    return pandas


def _na_objects():
    pd = _pandas()
    return (pd.NA, pd.NaT)


def _column(name, series):
    """One DataFrame column as (name, kind, values, present) for the engine, without copying
    numpy columns of int64, float64 or bool."""
    pd = _pandas()
    dtype = series.dtype
    if pd.api.types.is_extension_array_dtype(dtype) and dtype.kind in "iufb":
        # Nullable Int64 / Float64 / boolean: values plus a mask.
        present = series.notna().to_numpy(dtype=np.uint8)
        if dtype.kind == "b":
            values = series.to_numpy(dtype=np.uint8, na_value=0)
            return (name, "bool", values, present)
        if dtype.kind == "f":
            return (name, "double", series.to_numpy(dtype=np.float64, na_value=np.nan), present)
        if dtype.kind == "u" and dtype.itemsize == 8:
            return (name, "string", _objects(series), None)
        return (name, "int", series.to_numpy(dtype=np.int64, na_value=0), present)
    kind = dtype.kind if isinstance(dtype, np.dtype) else "O"
    if kind == "b":
        return (name, "bool", np.ascontiguousarray(series.to_numpy()).view(np.uint8), None)
    if kind == "i" or (kind == "u" and dtype.itemsize < 8):
        return (name, "int", np.ascontiguousarray(series.to_numpy(), dtype=np.int64), None)
    if kind == "f":
        return (name, "double", np.ascontiguousarray(series.to_numpy(), dtype=np.float64), None)
    # Text, categories, dates, uint64 and mixed objects: cell by cell, by their text.
    return (name, "string", _objects(series), None)


def _objects(series):
    return np.ascontiguousarray(series.to_numpy(dtype=object))


def _frame_columns(df):
    pd = _pandas()
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    return [_column(str(name), df.iloc[:, i]) for i, name in enumerate(df.columns)]


def _cell_text(value):
    """A Python value as the text a JSON row would give `hunch predict`; None when absent."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else repr(float(value))
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    return str(value)


class RuleSet:
    """A rule file, loaded and checked once; immutable.

    Raises HunchError (a ValueError) with the CLI's located messages when the file cannot be read
    or has errors; lint findings are issued as HunchWarning.
    """

    def __init__(self, path, *, threads=0):
        self._base = _hunch.RuleSet.load(os.fspath(path))
        for d in self._base.diagnostics:
            warnings.warn(HunchWarning(d["text"]), stacklevel=2)
        self._checked = {}
        self.threads = threads  # for predict_frame: 0 = all cores

    @classmethod
    def _from_text(cls, text, path, threads):
        self = cls.__new__(cls)
        self._base = _hunch.RuleSet.load_text(text, path, lint=False)
        self._checked = {}
        self.threads = threads
        return self

    def __reduce__(self):
        # Pickled by its text, so that a copy predicts as the original even if the file changes.
        return (RuleSet._from_text, (self._base.text, self._base.path, self.threads))

    # The rule set, as loaded.
    path = property(lambda self: self._base.path)
    name = property(lambda self: self._base.name)
    version = property(lambda self: self._base.version)
    sha256 = property(lambda self: self._base.sha256)
    label_column = property(lambda self: self._base.label_column)
    classes = property(lambda self: list(self._base.class_names))
    """The class names, in file order."""
    raw_labels = property(lambda self: list(self._base.raw_labels))
    """The label value of each class, as written in the data (e.g. "1" for fraud)."""
    missing_values = property(lambda self: list(self._base.missing_values))
    rules = property(lambda self: self._base.rules)
    """Each rule as a dict: name, condition, predict, confidence, tags, enabled, line,
    columns_read."""

    @property
    def default(self):
        """The class predicted when no rule fires, or "abstain"."""
        k = self._base.default_class
        return "abstain" if k < 0 else self._base.class_names[k]

    @property
    def columns(self):
        """The columns the rules read: (name, type) with the type declared in `inputs:`, or None
        when the file declares no inputs (each frame's columns then decide)."""
        known = self._base.schema_known
        return [(name, type_ if known else None) for name, type_, _ in self._base.schema]

    def __repr__(self):
        return f"hunch.RuleSet({self.path!r}: {self.name}, {len(self.rules)} rules)"

    # One row at a time, like `hunch predict`.

    def _cells(self, row):
        if not hasattr(row, "get"):
            raise TypeError(
                f"expected a mapping of column names to values, got {type(row).__name__}")
        return [_cell_text(row.get(name)) for name, _, _ in self._base.schema]

    def predict(self, row):
        """Predicts one row (a dict of column -> value; None or NaN is missing), exactly as
        `hunch predict` predicts the same JSON object. Returns a dict: prediction (class name or
        "abstain"), rule (the winning rule, None when the default decided), confidence (the
        winning rule's, or None), fired (every rule that fired), errored (rules whose condition hit
        a runtime error)."""
        return self._base.predict_cells(self._cells(row))

    def predict_many(self, rows):
        """predict() over an iterable of mappings; a list of dicts. For a DataFrame, use
        predict_frame (columnar, much faster)."""
        return self._base.predict_cells_many([self._cells(row) for row in rows])

    def explain(self, row):
        """The evaluation of one row, rule by rule and sub-expression by sub-expression, as
        `hunch explain` prints it."""
        return self._base.explain_cells(self._cells(row))

    # DataFrames, column by column.

    def _for_frame(self, df):
        """The frame's columns, and the rule set checked against the frame's schema (as `hunch
        eval` checks it against a file's): HunchError names the rule file's line and column when a
        rule reads a column the frame lacks or compares it with the wrong type."""
        columns = _frame_columns(df)
        schema = _hunch.infer_schema(len(df), columns, _na_objects(), self._base.missing_values)
        key = tuple(schema)
        checked = self._checked.get(key)
        if checked is None:
            checked = self._base.with_schema(schema)
            if len(self._checked) >= _MAX_CACHED_SCHEMAS:
                self._checked.pop(next(iter(self._checked)))
            self._checked[key] = checked
        return checked, columns

    def predict_frame(self, df):
        """Predicts every row of a DataFrame with the engine's columnar executor: the columns the
        rules read are handed over as arrays (int64, float64 and bool columns without a copy) and
        evaluated 4,096 rows at a time, on `threads` threads. Returns a DataFrame with df's index
        and the columns prediction (categorical: the class names and "abstain"), rule (categorical:
        the winning rule's name, NaN when the default decided) and confidence (float: the winning
        rule's confidence, NaN when it has none or no rule fired). Equal, row for row, to
        `hunch eval`'s first-match decisions on the same cells."""
        pd = _pandas()
        checked, columns = self._for_frame(df)
        codes, rule, confidence, _ = checked.predict_columns(
            columns, _na_objects(), len(df), self.threads
        )
        categories = list(checked.class_names) + ["abstain"]
        prediction = pd.Categorical.from_codes(codes, categories=categories)
        rule_names = [r["name"] for r in checked.rules]
        rule_column = pd.Categorical.from_codes(rule, categories=rule_names)
        return pd.DataFrame(
            {"prediction": prediction, "rule": rule_column, "confidence": confidence},
            index=df.index, copy=False,
        )

    def evaluate(self, df, *, slice_by=(), shadow_column=None, bootstrap=1000, seed=42,
                 name="<DataFrame>"):
        """Evaluates the rules on a labeled DataFrame: the report of `hunch eval --format json`
        on a file with the same cells, as a dict (data.path is `name`). Options as the CLI's
        --slice-by, --shadow-column, --bootstrap, --seed."""
        if isinstance(slice_by, str):
            slice_by = [slice_by]
        checked, columns = self._for_frame(df)
        text = checked.evaluate_columns(
            columns, _na_objects(), len(df), name, list(slice_by), shadow_column or "",
            int(bootstrap), int(seed),
        )
        return json.loads(text)


# The prediction log and the training set.

_LOG_FIELDS = {
    "event_id": "hunch_event_id",
    "inference_id": "hunch_inference_id",
    "timestamp": "hunch_timestamp",
    "sample_rate": "hunch_sample_rate",
    "latency_us": "hunch_latency_us",
}


def _flatten_record(record):
    row = dict(record.get("input") or {})
    for key, column in _LOG_FIELDS.items():
        row[column] = record.get(key)
    ruleset = record.get("ruleset") or {}
    row["hunch_ruleset_name"] = ruleset.get("name")
    row["hunch_ruleset_version"] = ruleset.get("version")
    row["hunch_ruleset_sha256"] = ruleset.get("sha256")
    row["hunch_label_column"] = ruleset.get("label")
    output = record.get("output") or {}
    row["hunch_prediction"] = output.get("prediction")
    row["hunch_rule"] = output.get("rule")
    row["hunch_confidence"] = output.get("confidence")
    row["hunch_fired"] = output.get("fired")
    shadow = record.get("shadow") or {}
    row["hunch_shadow_decision"] = shadow.get("decision")
    row["hunch_shadow_agrees"] = shadow.get("agrees")
    for key, value in (record.get("metadata") or {}).items():
        row["meta_" + key] = value
    return row


def read_log(directory):
    """The prediction log under `directory` (written by `hunch predict --log`) as a DataFrame, one
    row per record in segment order: the logged input fields as columns, then hunch_event_id,
    hunch_inference_id, hunch_timestamp (UTC datetime), hunch_sample_rate, hunch_latency_us,
    hunch_ruleset_name/_version/_sha256, hunch_label_column, hunch_prediction, hunch_rule,
    hunch_confidence, hunch_fired (list), hunch_shadow_decision, hunch_shadow_agrees and meta_<key>
    per metadata key. df.attrs["hunch_log"] holds the reader's counts. A torn last line of a
    segment (after a crash) is skipped with a HunchWarning; any other bad line raises HunchError
    naming SEGMENT:LINE."""
    pd = _pandas()
    lines, stats = _hunch.read_log(os.fspath(directory))
    for w in stats["warnings"]:
        warnings.warn(HunchWarning(w), stacklevel=2)
    df = pd.DataFrame.from_records([_flatten_record(json.loads(line)) for line in lines])
    if "hunch_timestamp" in df:
        df["hunch_timestamp"] = pd.to_datetime(df["hunch_timestamp"], utc=True)
    df.attrs["hunch_log"] = stats
    return df


def dataset(log_dir, labels, *, join_on="inference_id", label_column=None, path=None):
    """The training set of `hunch dataset`: the prediction log joined with late labels (a CSV or
    JSONL file with columns id, label [, timestamp, source]) as a DataFrame. Columns as the CLI
    writes them (the input fields, the label, hunch_prediction, hunch_rule, ...), read back with
    pandas' type inference where only empty cells are missing. With `path`, the CSV or JSONL file
    is kept there too. df.attrs["hunch_dataset"] holds the join's counts."""
    pd = _pandas()
    with tempfile.TemporaryDirectory(prefix="hunch-dataset-") as tmp:
        out = os.fspath(path) if path is not None else os.path.join(tmp, "dataset.csv")
        stats = _hunch.build_dataset(
            os.fspath(log_dir), os.fspath(labels), out, "auto", join_on, label_column or ""
        )
        for w in stats["warnings"]:
            warnings.warn(HunchWarning(w), stacklevel=2)
        if out.endswith((".jsonl", ".ndjson", ".json")):
            df = pd.read_json(out, lines=True, dtype=False)
        else:
            df = pd.read_csv(out, keep_default_na=False, na_values=[""])
    df.attrs["hunch_dataset"] = stats
    return df
