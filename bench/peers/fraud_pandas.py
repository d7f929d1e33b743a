#!/usr/bin/python3
"""fraud_pandas.py CSV: the 8 first-match rules of ../shared/bench/fraud.rules.yaml,
vectorised with pandas/numpy (read_csv, boolean masks, np.select).

np.select picks, per row, the choice of the FIRST true condition, which is
exactly first-match semantics; the default is legit (0).
Prints the 2x2 confusion counts as "tn fp fn tp" (positive class = fraud = 1).
"""
import sys

import numpy as np
import pandas as pd

USECOLS = ["amount", "country", "merchant_category", "hour", "account_age_days",
           "email", "device", "n_prev_chargebacks", "is_fraud"]
DTYPES = {"amount": "float64", "hour": "int64", "account_age_days": "int64",
          "n_prev_chargebacks": "int64", "is_fraud": "int64"}


def predict(df):
    """The rules on a DataFrame: 1 (fraud) or 0 (legit) per row. bench/python_predict_frame.py
    times this beside hunch's predict_frame."""
    amount = df["amount"]
    age = df["account_age_days"]
    hour = df["hour"]
    cat = df["merchant_category"]
    conditions = [
        (amount > 5000) & (age < 30),                                         # new_account_big_amount
        df["email"].str.contains(r"@(?:tempmail|mailinator|guerrillamail)\.",
                                 regex=True),                                 # disposable_email (re.search)
        df["country"].isin(["NG", "RU", "BR", "VN"]) & (amount > 1000),       # risky_country_big_amount
        df["n_prev_chargebacks"] >= 2,                                        # repeat_chargebacks
        (hour >= 1) & (hour <= 4) & (df["device"] == "mobile") & (amount > 500),  # night_mobile_mid_amount
        cat.isin(["gift_cards", "crypto"]) & (age < 90),                      # gift_cards_or_crypto_new_account
        amount < 5,                                                           # tiny_amount_is_legit
        (cat == "crypto") & (amount > 2000),                                  # crypto_big_amount
    ]
    choices = [1, 1, 1, 1, 1, 1, 0, 1]
    return np.select(conditions, choices, default=0)


def main(path):
    df = pd.read_csv(path, usecols=USECOLS, dtype=DTYPES)
    pred = predict(df)
    actual = df["is_fraud"].to_numpy()
    tn, fp, fn, tp = np.bincount(actual * 2 + pred, minlength=4)
    print(tn, fp, fn, tp)


if __name__ == "__main__":
    main(sys.argv[1])
