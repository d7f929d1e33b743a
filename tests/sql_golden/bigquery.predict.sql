-- hunch: rules golden (sha256 ac118923f9cc706dd011e1e5c2387a231a4a1b735d17e9aaf68f241ff755db44) compiled for bigquery: first match.
SELECT s.*,
  CASE WHEN s.`rule` IS NULL THEN 'ok'
    WHEN s.`rule` IN ('arithmetic', 'strings', 'case_and_ternary') THEN 'bad'
    WHEN s.`rule` IN ('regex', 'conversions') THEN 'odd'
  END AS `prediction`,
  CASE
    WHEN s.`rule` IN ('regex') THEN 0.5
    WHEN s.`rule` IN ('arithmetic') THEN 0.9
  END AS `confidence`
FROM (
  SELECT t.*,
    CASE
      WHEN (((((CASE WHEN (NULLIF(`m`, -1) = 0 OR ((CASE WHEN (NULLIF(`n`, -1) > 92233720368547758 OR NULLIF(`n`, -1) < -92233720368547758) THEN NULL ELSE (NULLIF(`n`, -1) * 100) END) = (-9223372036854775807 - 1) AND NULLIF(`m`, -1) = -1)) THEN NULL ELSE DIV((CASE WHEN (NULLIF(`n`, -1) > 92233720368547758 OR NULLIF(`n`, -1) < -92233720368547758) THEN NULL ELSE (NULLIF(`n`, -1) * 100) END), NULLIF(`m`, -1)) END) >= 30) AND (MOD(NULLIF(`n`, -1), 7) <> (CASE WHEN NULLIF(`n`, -1) = (-9223372036854775807 - 1) THEN NULL ELSE -NULLIF(`n`, -1) END))) AND (CASE WHEN IEEE_DIVIDE(NULLIF(`x`, -1.0), CAST(NULLIF(`m`, -1) AS FLOAT64)) IS NULL OR 2.5 IS NULL THEN CAST(NULL AS BOOL) WHEN IS_NAN(IEEE_DIVIDE(NULLIF(`x`, -1.0), CAST(NULLIF(`m`, -1) AS FLOAT64))) THEN FALSE ELSE (IEEE_DIVIDE(NULLIF(`x`, -1.0), CAST(NULLIF(`m`, -1) AS FLOAT64)) > 2.5) END)) AND ((-NULLIF(`x`, -1.0)) < 1000.0)) THEN 'arithmetic'
      WHEN ((((strpos(NULLIF(NULLIF(NULLIF(`name`, ''), 'NA'), '-1'), 'o\'k') > 0) OR (substr(NULLIF(NULLIF(NULLIF(`name`, ''), 'NA'), '-1'), 1, char_length('\\x')) = '\\x')) OR (substr(NULLIF(NULLIF(NULLIF(`name`, ''), 'NA'), '-1'), char_length(NULLIF(NULLIF(NULLIF(`name`, ''), 'NA'), '-1')) - char_length('é') + 1) = 'é')) OR (char_length(NULLIF(NULLIF(NULLIF(`name`, ''), 'NA'), '-1')) > 3)) THEN 'strings'
      WHEN (REGEXP_CONTAINS(NULLIF(NULLIF(NULLIF(`email`, ''), 'NA'), '-1'), '^[a-z0-9._]+@(tempmail|mailinator)\\.(com|net)$') AND (NOT REGEXP_CONTAINS(NULLIF(NULLIF(NULLIF(`email`, ''), 'NA'), '-1'), '(?i)test'))) THEN 'regex'
      WHEN (((NULLIF(NULLIF(NULLIF(`name`, ''), 'NA'), '-1') IN ('a', 'b"c')) OR (NULLIF(`n`, -1) IN (1, 2, 3))) OR ((NULLIF(`x`, -1.0) IS NOT NULL) AND ((NULLIF(`x`, -1.0) = CAST(1 AS FLOAT64)) OR (NULLIF(`x`, -1.0) = 2.5)))) THEN 'lists_and_has'
      WHEN ((((((CASE WHEN (NULLIF(`x`, -1.0) > -9223372036854775808.0 AND NULLIF(`x`, -1.0) < 9223372036854775808.0) THEN CAST(trunc(NULLIF(`x`, -1.0)) AS INT64) END) > 2) OR (CAST(NULLIF(`n`, -1) AS FLOAT64) < 0.5)) OR (CAST(NULLIF(`n`, -1) AS STRING) = '7')) OR (CASE WHEN NULLIF(NULLIF(NULLIF(`name`, ''), 'NA'), '-1') IN ('1', 't', 'true', 'True', 'TRUE') THEN TRUE WHEN NULLIF(NULLIF(NULLIF(`name`, ''), 'NA'), '-1') IN ('0', 'f', 'false', 'False', 'FALSE') THEN FALSE END)) OR ((CASE WHEN `flag` THEN 'true' WHEN NOT `flag` THEN 'false' END) = 'true')) THEN 'conversions'
      WHEN (((CASE WHEN `flag` IS NULL THEN CAST(NULL AS STRING) WHEN `flag` THEN translate(NULLIF(NULLIF(NULLIF(`name`, ''), 'NA'), '-1'), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') ELSE translate(NULLIF(NULLIF(NULLIF(`name`, ''), 'NA'), '-1'), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') END) < 'M') AND (NOT `flag`)) THEN 'case_and_ternary'
    END AS `rule`
  FROM `warehouse`.`events` AS t
) AS s
