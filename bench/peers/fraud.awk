# fraud.awk: the 8 first-match rules of ../shared/bench/fraud.rules.yaml as a
# (m)awk script.  Run:  mawk -F, -f bench/peers/fraud.awk tx.csv
# Prints the 2x2 confusion counts as "tn fp fn tp" (positive class = fraud = 1).
#
# The generator writes RFC 4180 CSV in which no field ever needs quoting, so
# splitting on "," is exact for this data.  Columns:
#   1 id  2 amount  3 country  4 merchant_category  5 hour  6 account_age_days
#   7 email  8 device  9 n_prev_chargebacks  10 is_fraud
# Fields that look numeric are "strnum" in awk, so $2 > 5000 etc. compare
# numerically, exactly like the engine's numeric comparisons.
BEGIN { FS = ","; tn = fp = fn = tp = 0 }
NR == 1 { next }                                   # header
{
    amount = $2 + 0; age = $6 + 0; hour = $5 + 0; cat = $4
    if      (amount > 5000 && age < 30)                                   pred = 1  # new_account_big_amount
    else if ($7 ~ /@(tempmail|mailinator|guerrillamail)\./)               pred = 1  # disposable_email (unanchored search)
    else if (($3 == "NG" || $3 == "RU" || $3 == "BR" || $3 == "VN") && amount > 1000) pred = 1  # risky_country_big_amount
    else if ($9 + 0 >= 2)                                                 pred = 1  # repeat_chargebacks
    else if (hour >= 1 && hour <= 4 && $8 == "mobile" && amount > 500)    pred = 1  # night_mobile_mid_amount
    else if ((cat == "gift_cards" || cat == "crypto") && age < 90)        pred = 1  # gift_cards_or_crypto_new_account
    else if (amount < 5)                                                  pred = 0  # tiny_amount_is_legit
    else if (cat == "crypto" && amount > 2000)                            pred = 1  # crypto_big_amount
    else                                                                  pred = 0  # default: legit
    if ($10 + 0 == 1) { if (pred) tp++; else fn++ }
    else              { if (pred) fp++; else tn++ }
}
END { printf "%d %d %d %d\n", tn, fp, fn, tp }
