-- hunch: rules fraud-baseline (sha256 9e8ec0243d146f493884c16f04f0272bbb4724daa45f2a377487abec56c1aae6) compiled for duckdb: eval counts.
-- Columns: actual (class index; -1 missing label, -2 other label), label (the other
-- label), pattern (per enabled rule: 1 fired, E error, 0 not), slice, slice_value, n.
-- Save the result as CSV and run: hunch eval RULES --from-counts FILE
WITH hunch_scored AS (
  SELECT
    CASE WHEN NULLIF(CAST("is_fraud" AS VARCHAR), '') IS NULL THEN -1 WHEN NULLIF(CAST("is_fraud" AS VARCHAR), '') = '0' THEN 0 WHEN NULLIF(CAST("is_fraud" AS VARCHAR), '') = '1' THEN 1 ELSE -2 END AS hunch_actual,
    CAST(NULLIF(CAST("is_fraud" AS VARCHAR), '') AS VARCHAR) AS hunch_label,
    CASE WHEN (("amount" > CAST(3000 AS DOUBLE)) AND ("account_age_days" < 30)) THEN '1' ELSE '0' END
      || CASE WHEN regexp_matches(NULLIF("email", ''), '@(tempmail|mailinator)\.') THEN '1' ELSE '0' END
      || CASE WHEN ((NULLIF("country", '') IN ('NG', 'RU', 'BR', 'VN')) AND ("amount" > CAST(1000 AS DOUBLE))) THEN '1' ELSE '0' END
      || CASE WHEN ("n_prev_chargebacks" >= 2) THEN '1' ELSE '0' END
      || CASE WHEN ((NULLIF("merchant_category", '') IN ('gift_cards', 'crypto')) AND ("account_age_days" < 90)) THEN '1' ELSE '0' END AS hunch_pattern,
    CASE WHEN (("hour" >= 1) AND ("hour" <= 4)) IS NULL THEN '(missing)' ELSE CASE WHEN (("hour" >= 1) AND ("hour" <= 4)) THEN 'true' ELSE 'false' END END AS hunch_slice_0
  FROM "transactions" AS t
)
SELECT hunch_actual AS actual,
  CASE WHEN hunch_actual = -2 THEN hunch_label END AS label,
  CASE WHEN hunch_actual >= 0 THEN hunch_pattern END AS pattern,
  -1 AS slice, CAST(NULL AS VARCHAR) AS slice_value, COUNT(*) AS n
FROM hunch_scored
GROUP BY 1, 2, 3
UNION ALL
SELECT hunch_actual, CAST(NULL AS VARCHAR), hunch_pattern, 0, hunch_slice_0, COUNT(*)
FROM hunch_scored WHERE hunch_actual >= 0
GROUP BY 1, 3, 5
ORDER BY 4, 1, 2, 3, 5
