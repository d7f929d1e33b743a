-- hunch: rules fraud-baseline (sha256 9e8ec0243d146f493884c16f04f0272bbb4724daa45f2a377487abec56c1aae6) compiled for sqlite: first match.
SELECT s.*,
  CASE WHEN s."rule" IS NULL THEN 'legit'
    WHEN s."rule" IN ('new_account_big_amount', 'disposable_email', 'risky_country_big_amount', 'repeat_chargebacks', 'gift_cards_or_crypto_new_account') THEN 'fraud'
  END AS "prediction",
  CASE
    WHEN s."rule" IN ('repeat_chargebacks') THEN 0.4
    WHEN s."rule" IN ('risky_country_big_amount', 'gift_cards_or_crypto_new_account') THEN 0.5
    WHEN s."rule" IN ('disposable_email') THEN 0.6
    WHEN s."rule" IN ('new_account_big_amount') THEN 0.8
  END AS "confidence"
FROM (
  SELECT t.*,
    CASE
      WHEN (("amount" > CAST(3000 AS REAL)) AND ("account_age_days" < 30)) THEN 'new_account_big_amount'
      WHEN (NULLIF("email", '') REGEXP '@(tempmail|mailinator)\.') THEN 'disposable_email'
      WHEN ((NULLIF("country", '') COLLATE BINARY IN ('NG', 'RU', 'BR', 'VN')) AND ("amount" > CAST(1000 AS REAL))) THEN 'risky_country_big_amount'
      WHEN ("n_prev_chargebacks" >= 2) THEN 'repeat_chargebacks'
      WHEN ((NULLIF("merchant_category", '') COLLATE BINARY IN ('gift_cards', 'crypto')) AND ("account_age_days" < 90)) THEN 'gift_cards_or_crypto_new_account'
    END AS "rule"
  FROM "transactions" AS t
) AS s
