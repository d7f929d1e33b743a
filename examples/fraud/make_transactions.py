#!/usr/bin/env python3
"""Writes transactions.csv, the bundled example data: synthetic card payments with a fraud label.

Deterministic (seeded); standard library only. Regenerate with:
    python3 examples/fraud/make_transactions.py > examples/fraud/transactions.csv
"""
import csv
import math
import random
import sys

rng = random.Random(7)
COUNTRIES = ["US"] * 10 + ["GB"] * 3 + ["DE"] * 3 + ["FR"] * 2 + ["BR", "NG", "RU", "VN", "IN", "JP"]
CATEGORIES = ["grocery"] * 6 + ["travel"] * 2 + ["electronics"] * 2 + ["gift_cards", "crypto", "fashion", "dining"]
DOMAINS = ["gmail.com"] * 8 + ["outlook.com"] * 3 + ["tempmail.xyz", "mailinator.com"]
DEVICES = ["mobile", "desktop", "tablet"]

w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["id", "amount", "country", "merchant_category", "hour", "account_age_days", "email",
            "device", "n_prev_chargebacks", "is_fraud"])
for i in range(1, 2001):
    amount = round(min(20000.0, math.exp(rng.gauss(4.5, 1.4))), 2)
    country = rng.choice(COUNTRIES)
    category = rng.choice(CATEGORIES)
    hour = rng.randrange(24)
    age = int(rng.expovariate(1 / 700))
    domain = rng.choice(DOMAINS)
    email = f"user{rng.randrange(10**5)}@{domain}"
    device = rng.choice(DEVICES)
    chargebacks = 0 if rng.random() < 0.9 else rng.randrange(1, 5)
    score = (-4.2 + 1.6 * (amount > 3000) + 1.4 * (age < 30) + 1.8 * (domain in ("tempmail.xyz", "mailinator.com"))
             + 1.0 * (country in ("NG", "RU", "BR", "VN")) + 0.9 * (chargebacks >= 2)
             + 0.8 * (category in ("gift_cards", "crypto")) + 0.6 * (1 <= hour <= 4))
    fraud = 1 if rng.random() < 1 / (1 + math.exp(-score)) else 0
    # A few rows with gaps, as real exports have: a missing age or an unknown label.
    age_text = "" if rng.random() < 0.01 else str(age)
    label = "" if rng.random() < 0.005 else str(fraud)
    w.writerow([i, f"{amount:.2f}", country, category, hour, age_text, email, device, chargebacks, label])
