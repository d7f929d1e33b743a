#!/usr/bin/python3
"""A real model for bench/compare.sh: a logistic regression fitted on the first 100,000 rows of
the shared transactions, then scoring every row. Writes CSV columns id,prediction,score.

    /usr/bin/python3 bench/compare/model.py DATA.csv OUT.csv
"""
import sys

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

data = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)


def number(column):
    return pd.to_numeric(data[column], errors="coerce")


x = pd.DataFrame({
    "log_amount": np.log1p(number("amount").clip(lower=0)),
    "hour": number("hour"),
    "log_age": np.log1p(number("account_age_days").clip(lower=0)),
    "chargebacks": number("n_prev_chargebacks"),
    "disposable": data["email"].str.contains("@(?:tempmail|mailinator|guerrillamail)\\.").astype(int),
    "risky_country": data["country"].isin(["NG", "RU", "BR", "VN"]).astype(int),
    "gift_or_crypto": data["merchant_category"].isin(["gift_cards", "crypto"]).astype(int),
    "mobile": (data["device"] == "mobile").astype(int),
})
x = x.fillna(x.median())
labeled = data["is_fraud"].isin(["0", "1"]).to_numpy()
train = labeled & (np.arange(len(data)) < 100_000)
model = LogisticRegression(max_iter=2000).fit(x[train], data.loc[train, "is_fraud"].astype(int))
score = model.predict_proba(x)[:, 1]
pd.DataFrame({"id": np.arange(1, len(data) + 1), "prediction": (score >= 0.5).astype(int),
              "score": np.round(score, 6)}).to_csv(sys.argv[2], index=False)
