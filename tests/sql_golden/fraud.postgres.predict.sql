-- hunch: rules fraud-baseline (sha256 9e8ec0243d146f493884c16f04f0272bbb4724daa45f2a377487abec56c1aae6) compiled for postgres: first match.
SELECT s.*,
  CASE WHEN s."rule" IS NULL THEN 'legit'
    WHEN s."rule" IN ('new_account_big_amount', 'disposable_email', 'risky_country_big_amount', 'repeat_chargebacks', 'gift_cards_or_crypto_new_account') THEN 'fraud'
  END AS "prediction",
  CASE
    WHEN s."rule" IN ('repeat_chargebacks') THEN CAST('0.4' AS DOUBLE PRECISION)
    WHEN s."rule" IN ('risky_country_big_amount', 'gift_cards_or_crypto_new_account') THEN CAST('0.5' AS DOUBLE PRECISION)
    WHEN s."rule" IN ('disposable_email') THEN CAST('0.6' AS DOUBLE PRECISION)
    WHEN s."rule" IN ('new_account_big_amount') THEN CAST('0.8' AS DOUBLE PRECISION)
  END AS "confidence"
FROM (
  SELECT t.*,
    CASE
      WHEN (("amount" > CAST(3000 AS DOUBLE PRECISION)) AND ("account_age_days" < 30)) THEN 'new_account_big_amount'
      WHEN (NULLIF("email", '') ~ E'\\@(tempmail|mailinator)\\.') THEN 'disposable_email'
      WHEN ((NULLIF("country", '') COLLATE "C" IN ('NG', 'RU', 'BR', 'VN')) AND ("amount" > CAST(1000 AS DOUBLE PRECISION))) THEN 'risky_country_big_amount'
      WHEN ("n_prev_chargebacks" >= 2) THEN 'repeat_chargebacks'
      WHEN ((NULLIF("merchant_category", '') COLLATE "C" IN ('gift_cards', 'crypto')) AND ("account_age_days" < 90)) THEN 'gift_cards_or_crypto_new_account'
    END AS "rule"
  FROM "transactions" AS t
) AS s
