#!/usr/bin/python3
"""Oracle for the combining policies on real data: SMS spam, its labels withheld from `hunch label`.

    python3 tests/oracle/policy_oracle.py HUNCH_BINARY [DATA_DIR]

Run by ctest as policies_match_snorkel_on_sms_spam. The rules of examples/sms_spam/label_model.yaml
are written again below as Python predicates (RE2's unanchored search is re.search with re.ASCII;
lowerAscii lowers A-Z only; size() counts code points). From them this script builds Snorkel's
label matrix L (rows x rules, -1 = no vote, else the class index in `classes:` order) and checks:

 * `hunch label --matrix` writes exactly L;
 * `hunch eval --format json` under `policy: vote` and `policy: label_model`: every LFAnalysis
   column of every rule (snorkel/labeling/analysis.py: polarity, coverage, overlaps, conflicts,
   Correct, Incorrect, empirical accuracy), the pairwise conflict matrix, and plain majority vote
   exactly as Snorkel's MajorityLabelVoter.predict_proba + probs_to_preds(tie_break_policy="abstain")
   (its confusion matrix, and accuracy / macro F1 by scikit-learn end to end and on covered rows);
 * the label model against an independent numpy implementation of the documented EM
   (docs/policies.md): class balance, each rule's estimated accuracy, convergence, and the labels;
 * `hunch label` on a copy of the data WITHOUT its label column: the labels it writes, joined back
   to the withheld truth by row number, scored with scikit-learn, and equal to the numpy model's.

Exit status 1 with every mismatch listed when anything disagrees; prints the scores.
"""

import csv
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import numpy as np
except ImportError:  # a python3 first on PATH without Debian's numpy and sklearn
    import os
    if Path(sys.executable).resolve() != Path("/usr/bin/python3").resolve() and \
            os.access("/usr/bin/python3", os.X_OK):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise
from sklearn.metrics import accuracy_score, f1_score

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "examples" / "sms_spam" / "label_model.yaml"
CLASSES = ["ham", "spam"]
TOLERANCE = 1e-9
MODEL_TOLERANCE = 1e-7  # two implementations of the same EM: only the order of sums differs


def lower_ascii(s):
    return s.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"))


A = re.ASCII
RULE_FUNCTIONS = [  # (name, class index, predicate), in file order
    ("long_digit_run", 1, lambda t: re.search(r"\d{5,}", t, A) is not None),
    ("free", 1, lambda t: "free" in lower_ascii(t)),
    ("txt_word", 1, lambda t: re.search(r"(?i)\btxt\b", t, A) is not None),
    ("call_now", 1, lambda t: re.search(r"(?i)call (now|\d)", t, A) is not None),
    ("prize", 1,
     lambda t: re.search(r"\b(prize|won|winner|claim|urgent)\b", lower_ascii(t), A) is not None),
    ("short_message", 0, lambda t: len(t) < 40),
    ("lowercase_i", 0, lambda t: re.search(r"\bi\b", t, A) is not None),
    ("chat_words", 0,
     lambda t: re.search(r"\b(ok|lol|haha|later|home)\b", lower_ascii(t), A) is not None),
]

failures = []
compared = 0


def check(what, got, want, tol=TOLERANCE):
    global compared
    compared += 1
    if isinstance(want, (list, tuple)):
        if len(got) != len(want):
            failures.append(f"{what}: length {len(got)} != {len(want)}")
            return
        for i, (g, w) in enumerate(zip(got, want)):
            check(f"{what}[{i}]", g, w, tol)
        return
    if isinstance(want, float) or isinstance(got, float):
        if want is None or got is None or abs(float(got) - float(want)) > tol:
            failures.append(f"{what}: hunch {got} != oracle {want}")
    elif got != want:
        failures.append(f"{what}: hunch {got!r} != oracle {want!r}")


def run(args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


# ---------------------------------------------------------------------------------------------
# Snorkel's definitions, on L.

def lf_analysis(L, Y):
    n = L.shape[0]
    fired = L != -1
    votes_per_row = fired.sum(axis=1)
    coverage = fired.mean(axis=0)
    overlaps = (fired & (votes_per_row[:, None] > 1)).mean(axis=0)
    # A row conflicts when it holds two different non-abstain votes.
    conflict_row = np.array([len(set(r[r != -1])) > 1 for r in L])
    conflicts = (fired & conflict_row[:, None]).mean(axis=0)
    correct = ((L == Y[:, None]) & fired).sum(axis=0)
    incorrect = ((L != Y[:, None]) & fired).sum(axis=0)
    polarity = [sorted(set(L[:, j][L[:, j] != -1].tolist())) for j in range(L.shape[1])]
    return dict(coverage=coverage, overlaps=overlaps, conflicts=conflicts, correct=correct,
                incorrect=incorrect, polarity=polarity, n=n)


def majority_label_voter(L, k):
    """MajorityLabelVoter.predict_proba, then probs_to_preds(tie_break_policy="abstain")."""
    probs = np.zeros((L.shape[0], k))
    for i, row in enumerate(L):
        counts = np.zeros(k)
        for v in row:
            if v != -1:
                counts[v] += 1
        probs[i] = np.where(counts == counts.max(), 1, 0)
    probs /= probs.sum(axis=1, keepdims=True)
    preds = np.empty(L.shape[0], dtype=int)
    for i in range(L.shape[0]):
        top = np.where(np.abs(probs[i] - probs[i].max()) < 1e-5)[0]
        preds[i] = top[0] if len(top) == 1 else -1
    return probs, preds


def dawid_skene(L, voter_class, k, max_iterations=1000, tolerance=1e-6):
    """The EM of docs/policies.md, written from its description with numpy."""
    fired = (L != -1).astype(float)  # rows x voters
    n, m = fired.shape
    counts = np.zeros((n, k))
    for j in range(m):
        counts[:, voter_class[j]] += fired[:, j]
    q = (counts == counts.max(axis=1, keepdims=True)).astype(float)
    q /= q.sum(axis=1, keepdims=True)
    pi = np.full(k, 1.0 / k)
    mu = np.full((m, k), 0.5)
    converged, it, ll = False, 0, 0.0
    for it in range(1, max_iterations + 1):
        class_rows = q.sum(axis=0)
        new_pi = (class_rows + 1) / (n + k)
        new_mu = (fired.T @ q + 1) / (class_rows[None, :] + 2)
        change = max(np.abs(new_pi - pi).max(), np.abs(new_mu - mu).max())
        pi, mu = new_pi, new_mu
        log_joint = np.log(pi)[None, :] + np.log1p(-mu).sum(axis=0)[None, :] + \
            fired @ (np.log(mu) - np.log1p(-mu))
        top = log_joint.max(axis=1, keepdims=True)
        q = np.exp(log_joint - top)
        z = q.sum(axis=1, keepdims=True)
        q /= z
        ll = float((top[:, 0] + np.log(z[:, 0])).mean())
        if change < tolerance:
            converged = True
            break
    accuracy = np.array([pi[voter_class[j]] * mu[j, voter_class[j]] / (pi @ mu[j])
                         for j in range(m)])
    return dict(pi=pi, mu=mu, q=q, accuracy=accuracy, converged=converged, iterations=it, ll=ll)


def model_preds(L, model, k):
    preds = np.empty(L.shape[0], dtype=int)
    for i, row in enumerate(L):
        if (row == -1).all():
            preds[i] = -1  # no vote: the default, abstain in this file
            continue
        p = model["q"][i]
        tied = np.where(p.max() - p < 1e-5)[0]
        if len(tied) == 1:
            preds[i] = tied[0]
        else:  # tie_break prior: the tied class with the largest estimated balance
            preds[i] = max(tied, key=lambda c: (model["pi"][c], -c))
    return preds


def confusion(Y, preds, k):
    m = np.zeros((k, k + 1), dtype=int)
    for y, p in zip(Y, preds):
        m[y, p if p >= 0 else k] += 1
    return m.tolist()


def scores(Y, preds):
    """Accuracy and macro F1 end to end (abstain is one more label, always wrong) and covered."""
    covered = preds >= 0
    end = (accuracy_score(Y, preds), f1_score(Y, preds, labels=[0, 1], average="macro",
                                              zero_division=0))
    cov = (accuracy_score(Y[covered], preds[covered]),
           f1_score(Y[covered], preds[covered], labels=[0, 1], average="macro", zero_division=0))
    return end, cov, covered.mean()


def check_eval(report, policy, L, Y, stats, conflict, mv_preds):
    where = f"eval {policy}"
    check(f"{where} policy", report["policy"]["name"], policy)
    for j, (name, _, _) in enumerate(RULE_FUNCTIONS):
        r = report["rules"][j]
        check(f"{where} rule name", r["name"], name)
        check(f"{where} {name} polarity", r["polarity"], [CLASSES[c] for c in stats["polarity"][j]])
        check(f"{where} {name} coverage", r["coverage"], float(stats["coverage"][j]))
        check(f"{where} {name} overlaps", r["overlaps"], float(stats["overlaps"][j]))
        check(f"{where} {name} conflicts", r["conflicts"], float(stats["conflicts"][j]))
        check(f"{where} {name} correct", r["correct"], int(stats["correct"][j]))
        check(f"{where} {name} incorrect", r["incorrect"], int(stats["incorrect"][j]))
        fires = int(stats["correct"][j] + stats["incorrect"][j])
        check(f"{where} {name} empirical accuracy", r["precision"],
              float(stats["correct"][j] / fires))
    check(f"{where} conflict matrix", report["policy"]["conflict_matrix"]["matrix"], conflict)
    mv = report["policy"]["majority_vote"]
    check(f"{where} majority vote confusion", mv["confusion_matrix"]["matrix"],
          confusion(Y, mv_preds, 2))
    (acc, f1), (cacc, cf1), cov = scores(Y, mv_preds)
    check(f"{where} majority vote accuracy", mv["metrics"]["accuracy"], float(acc))
    check(f"{where} majority vote macro F1", mv["metrics"]["macro"]["f1"], float(f1))
    check(f"{where} majority vote covered accuracy", mv["covered"]["accuracy"], float(cacc))
    check(f"{where} majority vote covered macro F1", mv["covered"]["macro"]["f1"], float(cf1))
    check(f"{where} majority vote coverage", mv["metrics"]["coverage"], float(cov))


def main():
    hunch = sys.argv[1]
    data_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO.parent / "shared" / "data"
    with open(data_dir / "sms_spam.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = [r["text"] for r in rows]
    Y = np.array([CLASSES.index(r["label"]) for r in rows])
    L = np.array([[c if fn(t) else -1 for (_, c, fn) in RULE_FUNCTIONS] for t in texts])
    voter_class = [c for (_, c, _) in RULE_FUNCTIONS]
    stats = lf_analysis(L, Y)
    m = L.shape[1]
    conflict = [[int(((L[:, a] != -1) & (L[:, b] != -1) & (L[:, a] != L[:, b])).sum())
                 if a != b else 0 for b in range(m)] for a in range(m)]
    _, mv_preds = majority_label_voter(L, 2)
    model = dawid_skene(L, voter_class, 2)
    lm_preds = model_preds(L, model, 2)
    rules_text = RULES.read_text(encoding="utf-8")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # The label matrix.
        run([hunch, "label", str(RULES), str(data_dir / "sms_spam.csv"), "-o", str(tmp / "L.csv"),
             "--matrix", "-q"])
        with open(tmp / "L.csv", newline="") as f:
            matrix = list(csv.reader(f))
        check("matrix header", matrix[0], [n for (n, _, _) in RULE_FUNCTIONS])
        check("matrix rows", len(matrix) - 1, len(rows))
        check("matrix", [[int(v) for v in line] for line in matrix[1:]], L.tolist())

        # Eval under vote (the example's rules with `policy: vote`) and under label_model.
        vote_rules = tmp / "vote.yaml"
        vote_rules.write_text(rules_text.replace("policy: label_model", "policy: vote")
                              .replace("tie_break: prior", "tie_break: abstain"), encoding="utf-8")
        report = json.loads(run([hunch, "eval", str(vote_rules), str(data_dir / "sms_spam.csv"),
                                 "--format", "json", "--bootstrap", "0"]))
        check_eval(report, "vote", L, Y, stats, conflict, mv_preds)
        check("eval vote confusion", report["confusion_matrix"]["matrix"],
              confusion(Y, mv_preds, 2))

        report = json.loads(run([hunch, "eval", str(RULES), str(data_dir / "sms_spam.csv"),
                                 "--format", "json", "--bootstrap", "0"]))
        check_eval(report, "label_model", L, Y, stats, conflict, mv_preds)
        lm = report["policy"]["label_model"]
        check("label model converged", lm["converged"], model["converged"])
        check("label model iterations", lm["iterations"], model["iterations"])
        check("label model log-likelihood", lm["log_likelihood"], model["ll"], MODEL_TOLERANCE)
        check("label model class balance", [lm["class_balance"][c] for c in CLASSES],
              model["pi"].tolist(), MODEL_TOLERANCE)
        check("label model estimated accuracies",
              [r["estimated_accuracy"] for r in report["rules"]], model["accuracy"].tolist(),
              MODEL_TOLERANCE)
        check("eval label_model confusion", report["confusion_matrix"]["matrix"],
              confusion(Y, lm_preds, 2))

        # hunch label on the data without its labels, scored against the withheld truth.
        with open(tmp / "unlabeled.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["text"])
            for t in texts:
                w.writerow([t])
        run([hunch, "label", str(RULES), str(tmp / "unlabeled.csv"), "-o",
             str(tmp / "labels.csv"), "--probabilities", "-q"])
        with open(tmp / "labels.csv", newline="", encoding="utf-8") as f:
            written = list(csv.DictReader(f))
        index = np.array([int(r["row"]) - 1 for r in written])
        got = np.array([CLASSES.index(r["label"]) for r in written])
        check("label rows written", len(written), int((lm_preds >= 0).sum()))
        check("label rows", index.tolist(), np.where(lm_preds >= 0)[0].tolist())
        check("label labels", got.tolist(), lm_preds[index].tolist())
        check("label p_spam", [float(r["p_spam"]) for r in written],
              model["q"][index, 1].tolist(), 1e-5)  # written with 6 significant digits
        accuracy = accuracy_score(Y[index], got)
        f1 = f1_score(Y[index], got, labels=[0, 1], average="macro", zero_division=0)
        spam_f1 = f1_score(Y[index], got, pos_label=1, average="binary", zero_division=0)
        (_, _), (mv_acc, mv_f1), mv_cov = scores(Y, mv_preds)
        print(f"sms_spam, labels withheld: hunch label (label_model) labeled {len(written)} of "
              f"{len(rows)} rows ({len(written) / len(rows):.4f}); against the withheld truth "
              f"accuracy {accuracy:.4f}, macro F1 {f1:.4f}, spam F1 {spam_f1:.4f}; plain majority "
              f"vote: coverage {mv_cov:.4f}, accuracy {mv_acc:.4f}, macro F1 {mv_f1:.4f}")
        check("label accuracy equals eval's covered accuracy", float(accuracy),
              report["metrics"]["covered"]["accuracy"])

    print(f"policy oracle: {compared} figures compared")
    if failures:
        print("\n".join(failures[:50]))
        print(f"{len(failures)} mismatches")
        sys.exit(1)


if __name__ == "__main__":
    main()
