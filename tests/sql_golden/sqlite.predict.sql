-- hunch: rules golden (sha256 ac118923f9cc706dd011e1e5c2387a231a4a1b735d17e9aaf68f241ff755db44) compiled for sqlite: first match.
SELECT s.*,
  CASE WHEN s."rule" IS NULL THEN 'ok'
    WHEN s."rule" IN ('arithmetic', 'strings', 'case_and_ternary') THEN 'bad'
    WHEN s."rule" IN ('regex', 'conversions') THEN 'odd'
  END AS "prediction",
  CASE
    WHEN s."rule" IN ('regex') THEN 0.5
    WHEN s."rule" IN ('arithmetic') THEN 0.9
  END AS "confidence"
FROM (
  SELECT t.*,
    CASE
      WHEN (((((CASE WHEN (NULLIF("m", -1) = 0 OR ((CASE WHEN (NULLIF("n", -1) > 92233720368547758 OR NULLIF("n", -1) < -92233720368547758) THEN NULL ELSE (NULLIF("n", -1) * 100) END) = (-9223372036854775807 - 1) AND NULLIF("m", -1) = -1)) THEN NULL ELSE ((CASE WHEN (NULLIF("n", -1) > 92233720368547758 OR NULLIF("n", -1) < -92233720368547758) THEN NULL ELSE (NULLIF("n", -1) * 100) END) / NULLIF("m", -1)) END) >= 30) AND ((NULLIF("n", -1) % 7) <> (CASE WHEN NULLIF("n", -1) = (-9223372036854775807 - 1) THEN NULL ELSE -NULLIF("n", -1) END))) AND ((CASE WHEN NULLIF("x", -1.0) IS NULL OR CAST(NULLIF("m", -1) AS REAL) IS NULL THEN NULL WHEN CAST(NULLIF("m", -1) AS REAL) = 0 THEN (CASE WHEN NULLIF("x", -1.0) = 0 THEN NULL WHEN (NULLIF("x", -1.0) > 0) = (atan2(CAST(NULLIF("m", -1) AS REAL), -1) > 0) THEN 9e999 ELSE -9e999 END) ELSE NULLIF("x", -1.0) / CAST(NULLIF("m", -1) AS REAL) END) > 2.5)) AND ((-NULLIF("x", -1.0)) < 1000.0)) THEN 'arithmetic'
      WHEN ((((instr(NULLIF(NULLIF(NULLIF("name", ''), 'NA'), '-1'), 'o''k') > 0) OR (substr(NULLIF(NULLIF(NULLIF("name", ''), 'NA'), '-1'), 1, length('\x')) COLLATE BINARY = '\x')) OR (substr(NULLIF(NULLIF(NULLIF("name", ''), 'NA'), '-1'), length(NULLIF(NULLIF(NULLIF("name", ''), 'NA'), '-1')) - length('é') + 1) COLLATE BINARY = 'é')) OR (length(NULLIF(NULLIF(NULLIF("name", ''), 'NA'), '-1')) > 3)) THEN 'strings'
      WHEN ((NULLIF(NULLIF(NULLIF("email", ''), 'NA'), '-1') REGEXP '^[a-z0-9._]+@(tempmail|mailinator)\.(com|net)$') AND (NOT (NULLIF(NULLIF(NULLIF("email", ''), 'NA'), '-1') REGEXP '(?i)test'))) THEN 'regex'
      WHEN (((NULLIF(NULLIF(NULLIF("name", ''), 'NA'), '-1') COLLATE BINARY IN ('a', 'b"c')) OR (NULLIF("n", -1) IN (1, 2, 3))) OR ((NULLIF("x", -1.0) IS NOT NULL) AND ((NULLIF("x", -1.0) = CAST(1 AS REAL)) OR (NULLIF("x", -1.0) = 2.5)))) THEN 'lists_and_has'
      WHEN ((((((CASE WHEN (NULLIF("x", -1.0) > -9223372036854775808.0 AND NULLIF("x", -1.0) < 9223372036854775808.0) THEN CAST(NULLIF("x", -1.0) AS INTEGER) END) > 2) OR (CAST(NULLIF("n", -1) AS REAL) < 0.5)) OR (CAST(NULLIF("n", -1) AS TEXT) = '7' COLLATE BINARY)) OR (CASE WHEN NULLIF(NULLIF(NULLIF("name", ''), 'NA'), '-1') IN ('1', 't', 'true', 'True', 'TRUE') THEN 1 WHEN NULLIF(NULLIF(NULLIF("name", ''), 'NA'), '-1') IN ('0', 'f', 'false', 'False', 'FALSE') THEN 0 END)) OR ((CASE WHEN "flag" THEN 'true' WHEN NOT "flag" THEN 'false' END) = 'true' COLLATE BINARY)) THEN 'conversions'
      WHEN (((CASE WHEN "flag" IS NULL THEN CAST(NULL AS TEXT) WHEN "flag" THEN lower(NULLIF(NULLIF(NULLIF("name", ''), 'NA'), '-1')) ELSE upper(NULLIF(NULLIF(NULLIF("name", ''), 'NA'), '-1')) END) < 'M' COLLATE BINARY) AND (NOT "flag")) THEN 'case_and_ternary'
    END AS "rule"
  FROM "warehouse"."events" AS t
) AS s
