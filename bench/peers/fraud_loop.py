#!/usr/bin/python3
"""fraud_loop.py CSV: the 8 first-match rules of ../shared/bench/fraud.rules.yaml
as a plain Python loop (csv module + re).  Prints "tn fp fn tp"
(positive class = fraud = 1)."""
import csv
import re
import sys

DISPOSABLE = re.compile(r"@(tempmail|mailinator|guerrillamail)\.")
RISKY_COUNTRIES = {"NG", "RU", "BR", "VN"}
GIFT_OR_CRYPTO = {"gift_cards", "crypto"}


def predict(amount, country, cat, hour, age, email, device, cb):
    if amount > 5000 and age < 30:
        return 1                                      # new_account_big_amount
    if DISPOSABLE.search(email):
        return 1                                      # disposable_email (unanchored)
    if country in RISKY_COUNTRIES and amount > 1000:
        return 1                                      # risky_country_big_amount
    if cb >= 2:
        return 1                                      # repeat_chargebacks
    if 1 <= hour <= 4 and device == "mobile" and amount > 500:
        return 1                                      # night_mobile_mid_amount
    if cat in GIFT_OR_CRYPTO and age < 90:
        return 1                                      # gift_cards_or_crypto_new_account
    if amount < 5:
        return 0                                      # tiny_amount_is_legit
    if cat == "crypto" and amount > 2000:
        return 1                                      # crypto_big_amount
    return 0                                          # default: legit


def main(path):
    counts = [0, 0, 0, 0]                             # tn fp fn tp
    with open(path, newline="", encoding="ascii") as f:
        r = csv.reader(f)
        header = next(r)
        ix = {name: i for i, name in enumerate(header)}
        i_amt, i_cty, i_cat, i_hr = ix["amount"], ix["country"], ix["merchant_category"], ix["hour"]
        i_age, i_em, i_dev, i_cb, i_y = (ix["account_age_days"], ix["email"], ix["device"],
                                         ix["n_prev_chargebacks"], ix["is_fraud"])
        for row in r:
            p = predict(float(row[i_amt]), row[i_cty], row[i_cat], int(row[i_hr]),
                        int(row[i_age]), row[i_em], row[i_dev], int(row[i_cb]))
            counts[int(row[i_y]) * 2 + p] += 1
    print(*counts)


if __name__ == "__main__":
    main(sys.argv[1])
