#!/usr/bin/python3
"""The 20 labeling functions of bench/label/fraud_lf.yaml in pandas, for bench/label.sh.

    pandas_lf.py DATA.csv OUT_L.csv [--rowwise-rows N]

Reads the data with pandas, applies the labeling functions as vectorised column operations (the
fast way to write them in pandas) into Snorkel's label matrix L (-1 = abstain, 0 legit, 1 fraud),
fits the same Dawid-Skene EM as hunch (docs/policies.md) with numpy on L's distinct rows, and
writes L. With --rowwise-rows N it also times applying the functions row by row to the first N
rows with DataFrame.apply, as Snorkel's PandasLFApplier does (one Python call per row and LF).
Prints one JSON object of timings (seconds) on stdout.
"""

import json
import re
import sys
import time

import numpy as np
import pandas as pd

RISKY = ["NG", "RU", "BR", "VN"]
DISPOSABLE = r"@(?:tempmail|mailinator|guerrillamail)\."
WEBMAIL = r"@(?:gmail|yahoo|outlook)\."

# (name, class, vectorised predicate over the frame), in the rule file's order.
LFS = [
    ("new_account_big_amount", 1, lambda d: (d.amount > 5000) & (d.account_age_days < 30)),
    ("disposable_email", 1, lambda d: d.email.str.contains(DISPOSABLE, regex=True)),
    ("risky_country_big_amount", 1, lambda d: d.country.isin(RISKY) & (d.amount > 1000)),
    ("repeat_chargebacks", 1, lambda d: d.n_prev_chargebacks >= 2),
    ("night_mobile_mid_amount", 1,
     lambda d: (d.hour >= 1) & (d.hour <= 4) & (d.device == "mobile") & (d.amount > 500)),
    ("gift_cards_or_crypto_new_account", 1,
     lambda d: d.merchant_category.isin(["gift_cards", "crypto"]) & (d.account_age_days < 90)),
    ("crypto_big_amount", 1, lambda d: (d.merchant_category == "crypto") & (d.amount > 2000)),
    ("very_new_account", 1, lambda d: d.account_age_days < 7),
    ("huge_amount", 1, lambda d: d.amount > 10000),
    ("risky_country", 1, lambda d: d.country.isin(RISKY)),
    ("chargeback_new_account", 1,
     lambda d: (d.n_prev_chargebacks >= 1) & (d.account_age_days < 180)),
    ("night", 1, lambda d: d.hour <= 4),
    ("tiny_amount", 0, lambda d: d.amount < 5),
    ("old_account", 0, lambda d: d.account_age_days > 1000),
    ("grocery_small", 0, lambda d: (d.merchant_category == "grocery") & (d.amount < 200)),
    ("desktop_daytime", 0, lambda d: (d.device == "desktop") & (d.hour >= 9) & (d.hour <= 18)),
    ("us_small", 0, lambda d: (d.country == "US") & (d.amount < 100)),
    ("no_chargebacks_old_account", 0,
     lambda d: (d.n_prev_chargebacks == 0) & (d.account_age_days > 365)),
    ("webmail", 0, lambda d: d.email.str.contains(WEBMAIL, regex=True)),
    ("small_amount", 0, lambda d: d.amount < 50),
]

# The same functions on one row (a Series), as a Snorkel @labeling_function would be written.
ROW_LFS = [
    lambda x: 1 if x.amount > 5000 and x.account_age_days < 30 else -1,
    lambda x: 1 if re.search(DISPOSABLE, x.email) else -1,
    lambda x: 1 if x.country in RISKY and x.amount > 1000 else -1,
    lambda x: 1 if x.n_prev_chargebacks >= 2 else -1,
    lambda x: 1 if 1 <= x.hour <= 4 and x.device == "mobile" and x.amount > 500 else -1,
    lambda x: 1 if x.merchant_category in ("gift_cards", "crypto") and x.account_age_days < 90
    else -1,
    lambda x: 1 if x.merchant_category == "crypto" and x.amount > 2000 else -1,
    lambda x: 1 if x.account_age_days < 7 else -1,
    lambda x: 1 if x.amount > 10000 else -1,
    lambda x: 1 if x.country in RISKY else -1,
    lambda x: 1 if x.n_prev_chargebacks >= 1 and x.account_age_days < 180 else -1,
    lambda x: 1 if x.hour <= 4 else -1,
    lambda x: 0 if x.amount < 5 else -1,
    lambda x: 0 if x.account_age_days > 1000 else -1,
    lambda x: 0 if x.merchant_category == "grocery" and x.amount < 200 else -1,
    lambda x: 0 if x.device == "desktop" and 9 <= x.hour <= 18 else -1,
    lambda x: 0 if x.country == "US" and x.amount < 100 else -1,
    lambda x: 0 if x.n_prev_chargebacks == 0 and x.account_age_days > 365 else -1,
    lambda x: 0 if re.search(WEBMAIL, x.email) else -1,
    lambda x: 0 if x.amount < 50 else -1,
]


def fit_label_model(L, voter_class, k=2, max_iterations=1000, tolerance=1e-6):
    patterns, counts = np.unique(L != -1, axis=0, return_counts=True)
    fired = patterns.astype(float)
    w = counts.astype(float)
    n, m = w.sum(), fired.shape[1]
    votes = np.zeros((len(w), k))
    for j in range(m):
        votes[:, voter_class[j]] += fired[:, j]
    q = (votes == votes.max(axis=1, keepdims=True)).astype(float)
    q /= q.sum(axis=1, keepdims=True)
    pi, mu = np.full(k, 1.0 / k), np.full((m, k), 0.5)
    for it in range(1, max_iterations + 1):
        wq = q * w[:, None]
        class_rows = wq.sum(axis=0)
        new_pi = (class_rows + 1) / (n + k)
        new_mu = (fired.T @ wq + 1) / (class_rows[None, :] + 2)
        change = max(np.abs(new_pi - pi).max(), np.abs(new_mu - mu).max())
        pi, mu = new_pi, new_mu
        log_joint = np.log(pi) + np.log1p(-mu).sum(axis=0) + fired @ (np.log(mu) - np.log1p(-mu))
        q = np.exp(log_joint - log_joint.max(axis=1, keepdims=True))
        q /= q.sum(axis=1, keepdims=True)
        if change < tolerance:
            return it, True
    return max_iterations, False


def main():
    data, out = sys.argv[1], sys.argv[2]
    rowwise = int(sys.argv[sys.argv.index("--rowwise-rows") + 1]) if "--rowwise-rows" in sys.argv \
        else 0
    t = {}
    start = time.perf_counter()
    df = pd.read_csv(data, keep_default_na=False, dtype={"email": str, "country": str})
    t["read"] = time.perf_counter() - start
    s = time.perf_counter()
    L = np.full((len(df), len(LFS)), -1, dtype=np.int8)
    for j, (_, c, fn) in enumerate(LFS):
        L[fn(df).to_numpy(), j] = c
    t["apply"] = time.perf_counter() - s
    s = time.perf_counter()
    iterations, converged = fit_label_model(L, [c for (_, c, _) in LFS])
    t["fit"] = time.perf_counter() - s
    t["iterations"], t["converged"] = iterations, converged
    s = time.perf_counter()
    pd.DataFrame(L, columns=[name for (name, _, _) in LFS]).to_csv(out, index=False)
    t["write"] = time.perf_counter() - s
    t["total"] = time.perf_counter() - start
    if rowwise:
        s = time.perf_counter()
        head = df.head(rowwise)
        Lr = np.stack([head.apply(fn, axis=1).to_numpy() for fn in ROW_LFS], axis=1)
        t["rowwise_rows"] = rowwise
        t["rowwise_apply"] = time.perf_counter() - s
        t["rowwise_matches"] = bool((Lr == L[:rowwise]).all())
    print(json.dumps(t))


if __name__ == "__main__":
    main()
