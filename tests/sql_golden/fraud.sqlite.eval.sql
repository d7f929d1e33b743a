-- hunch: rules fraud-baseline (sha256 9e8ec0243d146f493884c16f04f0272bbb4724daa45f2a377487abec56c1aae6) compiled for sqlite: eval counts.
-- Columns: actual (class index; -1 missing label, -2 other label), label (the other
-- label), pattern (per enabled rule: 1 fired, E error, 0 not), slice, slice_value, n.
-- Save the result as CSV and run: hunch eval RULES --from-counts FILE
WITH hunch_scored AS (
  SELECT
    CASE WHEN NULLIF(CAST("is_fraud" AS TEXT), '') IS NULL THEN -1 WHEN NULLIF(CAST("is_fraud" AS TEXT), '') = '0' COLLATE BINARY THEN 0 WHEN NULLIF(CAST("is_fraud" AS TEXT), '') = '1' COLLATE BINARY THEN 1 ELSE -2 END AS hunch_actual,
    CAST(NULLIF(CAST("is_fraud" AS TEXT), '') AS TEXT) AS hunch_label,
    CASE WHEN (("amount" > CAST(3000 AS REAL)) AND ("account_age_days" < 30)) THEN '1' ELSE '0' END
      || CASE WHEN (NULLIF("email", '') REGEXP '@(tempmail|mailinator)\.') THEN '1' ELSE '0' END
      || CASE WHEN ((NULLIF("country", '') COLLATE BINARY IN ('NG', 'RU', 'BR', 'VN')) AND ("amount" > CAST(1000 AS REAL))) THEN '1' ELSE '0' END
      || CASE WHEN ("n_prev_chargebacks" >= 2) THEN '1' ELSE '0' END
      || CASE WHEN ((NULLIF("merchant_category", '') COLLATE BINARY IN ('gift_cards', 'crypto')) AND ("account_age_days" < 90)) THEN '1' ELSE '0' END AS hunch_pattern,
    CASE WHEN (("hour" >= 1) AND ("hour" <= 4)) IS NULL THEN '(missing)' ELSE CASE WHEN (("hour" >= 1) AND ("hour" <= 4)) THEN 'true' ELSE 'false' END END AS hunch_slice_0
  FROM "transactions" AS t
)
SELECT hunch_actual AS actual,
  CASE WHEN hunch_actual = -2 THEN hunch_label END AS label,
  CASE WHEN hunch_actual >= 0 THEN hunch_pattern END AS pattern,
  -1 AS slice, CAST(NULL AS TEXT) AS slice_value, COUNT(*) AS n
FROM hunch_scored
GROUP BY 1, 2, 3
UNION ALL
SELECT hunch_actual, CAST(NULL AS TEXT), hunch_pattern, 0, hunch_slice_0, COUNT(*)
FROM hunch_scored WHERE hunch_actual >= 0
GROUP BY 1, 3, 5
ORDER BY 4, 1, 2, 3, 5
