#!/usr/bin/python3
"""Reference McNemar exact p-values from SciPy for tests/compare_test.cc.

The fixture tests/oracle/mcnemar_cases.json is this script's output, regenerated with

    /usr/bin/python3 tests/oracle/mcnemar_oracle.py > tests/oracle/mcnemar_cases.json

using Debian's python3-scipy (1.10). McNemar's exact test on b rows where only the first system is
right and c rows where only the second is: scipy.stats.binomtest(min(b, c), b + c, 0.5) two-sided
(which for p = 1/2 is min(1, 2 P(X <= min(b, c)))). Each p-value is also recomputed here with exact
integer arithmetic (fractions.Fraction over math.comb) and the two must agree to 1e-12, so the
table does not rest on SciPy alone.
"""

import json
import math
import sys
from fractions import Fraction

from scipy.stats import binomtest

CASES = [(0, 0), (0, 1), (1, 0), (1, 1), (0, 5), (3, 7), (7, 3), (10, 10), (5, 6), (12, 30),
         (40, 420), (100, 130), (250, 300), (511, 489), (2, 60), (0, 200), (1000, 1100),
         (3000, 3300), (20000, 20500), (5, 1500)]


def exact(b, c):
    n, m = b + c, min(b, c)
    if n == 0:
        return 1.0
    tail = Fraction(sum(math.comb(n, i) for i in range(m + 1)), 2 ** n)
    return float(min(Fraction(1), 2 * tail))


def main():
    out = []
    for b, c in CASES:
        p = 1.0 if b + c == 0 else binomtest(min(b, c), b + c, 0.5).pvalue
        independent = exact(b, c)
        if not math.isclose(p, independent, rel_tol=1e-12, abs_tol=1e-300):
            sys.exit(f"scipy and exact arithmetic disagree at b={b}, c={c}: {p} vs {independent}")
        out.append({"only_a": b, "only_b": c, "p": p})
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
