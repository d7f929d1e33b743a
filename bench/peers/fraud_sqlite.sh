#!/usr/bin/env bash
# fraud_sqlite.sh: the 8 first-match rules of ../shared/bench/fraud.rules.yaml
# as one SQLite query (sqlite3 CLI).
#
#   fraud_sqlite.sh load CSV DB   # create DB and import CSV (done once, not timed)
#   fraud_sqlite.sh query DB      # run the rules; prints "tn fp fn tp"
#
# First match: a searched CASE returns the THEN of the first WHEN that is true,
# which is exactly first-match-wins; ELSE is the default class (legit = 0).
#
# The regex.  Rule 2 is RE2 `@(tempmail|mailinator|guerrillamail)\.` used as an
# UNANCHORED search.  SQLite has no REGEXP function by default, so it is written
#     email LIKE '%@tempmail.%' OR email LIKE '%@mailinator.%'
#                               OR email LIKE '%@guerrillamail.%'
# Why that is the same predicate: the regex has no repetition and no character
# classes; it is a plain alternation of three literal strings, "@tempmail.",
# "@mailinator." and "@guerrillamail." (`\.` is a literal dot).  An unanchored
# search for an alternation of literals matches iff the string CONTAINS at
# least one of them.  In the LIKE patterns '%' is "any run of characters" on
# both sides (= unanchored), '.' and '@' are not special in LIKE, and none of the
# literals contains LIKE's other wildcard '_' (nor '%'), so each LIKE is exactly
# "contains this literal".  The one remaining difference is that SQLite's LIKE
# ignores ASCII case by default while RE2 is case-sensitive; the query turns
# that off with PRAGMA case_sensitive_like = ON, which makes the equivalence
# exact for any input (and on this data it would not matter anyway: the
# generator only writes lower-case e-mail addresses).  The near-miss domains the
# generator plants (tempmail-pro.com, mailinatorfans.org) contain neither
# "@tempmail." nor "@mailinator." and are correctly NOT matched.  bench/run.sh
# checks that the counts are identical to hunch, mawk, pandas and the Python loop.
#
# Counting the 2x2 cells: SQLite flattens the subquery into the outer one and
# copies the CASE expression into EVERY place that mentions `pred`, so the
# obvious SUM(is_fraud=0 AND pred=0), ..., SUM(is_fraud=1 AND pred=1) evaluates
# the whole rule chain 4 times per row (EXPLAIN shows 12 LIKEs; ~4x slower).
# GROUP BY is_fraud, pred avoids that but pays for a 1M-row sort (~2.5x), and
# a MATERIALIZED CTE pays for a temp table (~1.7x).  Instead `pred` is used
# exactly once, in SUM(pred << (32 * is_fraud)) = tp * 2^32 + fp (exact while
# fp < 2^32 rows); with COUNT(*) = n and SUM(is_fraud) = tp + fn the four cells
# follow: tp = enc >> 32, fp = enc & (2^32 - 1), fn = pos - tp, tn = n - pos - fp.
#
# Typed columns: the table is declared with INTEGER/REAL/TEXT so that the
# imported text gets numeric affinity and amount > 5000 compares numbers.
set -euo pipefail

SQLITE=${SQLITE:-sqlite3}

usage() { echo "usage: $0 load CSV DB | query DB" >&2; exit 2; }

case "${1:-}" in
load)
    [ $# -eq 3 ] || usage
    csv=$2; db=$3
    rm -f "$db" "$db.tmp"
    "$SQLITE" -batch "$db.tmp" <<SQL
CREATE TABLE tx (
    id                 INTEGER,
    amount             REAL,
    country            TEXT,
    merchant_category  TEXT,
    hour               INTEGER,
    account_age_days   INTEGER,
    email              TEXT,
    device             TEXT,
    n_prev_chargebacks INTEGER,
    is_fraud           INTEGER
);
.import --csv --skip 1 '$csv' tx
SQL
    mv "$db.tmp" "$db"
    ;;
query)
    [ $# -eq 2 ] || usage
    exec "$SQLITE" -batch -noheader -list -separator ' ' "$2" <<'SQL'
PRAGMA case_sensitive_like = ON;
SELECT n - pos - (enc & 4294967295),   -- tn
       enc & 4294967295,               -- fp
       pos - (enc >> 32),              -- fn
       enc >> 32                       -- tp
FROM (
  SELECT COUNT(*) AS n, SUM(is_fraud) AS pos, SUM(pred << (32 * is_fraud)) AS enc
  FROM (
    SELECT is_fraud,
        CASE
            WHEN amount > 5000 AND account_age_days < 30 THEN 1                       -- new_account_big_amount
            WHEN email LIKE '%@tempmail.%' OR email LIKE '%@mailinator.%'
                 OR email LIKE '%@guerrillamail.%' THEN 1                             -- disposable_email
            WHEN country IN ('NG', 'RU', 'BR', 'VN') AND amount > 1000 THEN 1         -- risky_country_big_amount
            WHEN n_prev_chargebacks >= 2 THEN 1                                       -- repeat_chargebacks
            WHEN hour >= 1 AND hour <= 4 AND device = 'mobile' AND amount > 500 THEN 1 -- night_mobile_mid_amount
            WHEN merchant_category IN ('gift_cards', 'crypto')
                 AND account_age_days < 90 THEN 1                                     -- gift_cards_or_crypto_new_account
            WHEN amount < 5 THEN 0                                                    -- tiny_amount_is_legit
            WHEN merchant_category = 'crypto' AND amount > 2000 THEN 1                -- crypto_big_amount
            ELSE 0                                                                    -- default: legit
        END AS pred
    FROM tx
  )
);
SQL
    ;;
*) usage ;;
esac
