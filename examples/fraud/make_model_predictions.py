#!/usr/bin/python3
"""Writes model_predictions.csv: a first model's predictions for transactions.csv, to hold
against the rules with `hunch compare`.

The model is a scikit-learn logistic regression with balanced class weights over the same columns
the rules read (log amount, hour, log account age, chargebacks, and indicators for disposable email
domains, risky countries and gift-card or crypto merchants). Its probabilities are out of fold
(5-fold cross_val_predict on the labeled rows), so the model never scores a row it was fitted on;
rows without a label are scored by the model fitted on all labeled rows. It flags a transaction as
fraud when the probability is at least 0.8. Deterministic; regenerate with Debian's python3-sklearn:

    /usr/bin/python3 examples/fraud/make_model_predictions.py > examples/fraud/model_predictions.csv
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

data = pd.read_csv(Path(__file__).with_name("transactions.csv"), dtype=str, keep_default_na=False)


def number(column):
    return pd.to_numeric(data[column], errors="coerce")


features = pd.DataFrame({
    "log_amount": np.log1p(number("amount")),
    "hour": number("hour"),
    "log_account_age": np.log1p(number("account_age_days").clip(lower=0)),
    "chargebacks": number("n_prev_chargebacks"),
})
features = features.fillna(features.median())  # a few account ages do not parse
domain = data["email"].str.split("@").str[1].fillna("")
features["disposable_email"] = domain.isin(["tempmail.xyz", "mailinator.com"]).astype(int)
features["risky_country"] = data["country"].isin(["NG", "RU", "BR", "VN"]).astype(int)
features["gift_cards_or_crypto"] = data["merchant_category"].isin(["gift_cards", "crypto"]).astype(int)

labeled = data["is_fraud"].isin(["0", "1"])
y = data.loc[labeled, "is_fraud"].astype(int)
model = LogisticRegression(max_iter=3000, class_weight="balanced")
probability = np.zeros(len(data))
probability[labeled.to_numpy()] = cross_val_predict(
    model, features[labeled], y, cv=StratifiedKFold(5, shuffle=True, random_state=0),
    method="predict_proba")[:, 1]
if (~labeled).any():
    probability[~labeled.to_numpy()] = model.fit(features[labeled], y).predict_proba(
        features[~labeled])[:, 1]

out = pd.DataFrame({"id": data["id"],
                    "prediction": np.where(probability >= 0.8, "fraud", "legit"),
                    "score": np.round(probability, 6)})
out.to_csv(sys.stdout, index=False, lineterminator="\n")
