#!/usr/bin/env python3
"""Writes the bad inputs too big to commit into OUTDIR, for run_cases.py ($GEN in the .t files).

Each is built to sit just past (or exactly at) one limit of docs/limits.md.
"""
import os
import sys

HEAD = """name: generated
label: label
classes: [no, yes]
default: no
inputs:
  amount: double
  age: int
  email: string
  vip: bool
rules:
"""
CSV_HEADER = "amount,age,email,vip,label\n"
GOOD_ROW = "1200.5,25,a@tempmail.com,true,yes\n"
GOOD_JSON = '{"amount": 1200.5, "age": 25, "email": "a@tempmail.com", "vip": true, "label": "yes"}\n'
MIB = 1 << 20


def one_rule(condition):
    # A block scalar, so the condition needs no YAML quoting.
    return HEAD + "  - name: r1\n    when: |\n      " + condition + "\n    predict: yes\n"


def rules(n, last=None):
    body = "".join(f"  - name: r{i}\n    when: age == {i}\n    predict: yes\n" for i in range(n))
    if last:
        body += f"  - name: last\n    when: {last}\n    predict: yes\n"
    return HEAD + body


def condition_of_length(n):
    # Exactly n bytes, long but shallow (a list does not nest), padded with spaces.
    text = "amount in [" + ", ".join(["1.5"] * ((n - 20) // 5)) + "]"
    return text + " " * (n - len(text))


def main():
    out = sys.argv[1]
    files = {
        "expression_too_long.yaml": one_rule(condition_of_length(16 * 1024 + 1)),
        "expression_at_length_limit.yaml": one_rule(condition_of_length(16 * 1024)),
        "parens_deep.yaml": one_rule("(" * 129 + "amount > 1" + ")" * 129),
        "parens_100000.yaml": one_rule("(" * 100000 + "amount > 1" + ")" * 100000),
        "and_chain_300.yaml": one_rule(" && ".join(["amount > 1"] * 300)),
        "unary_10000.yaml": one_rule("!" * 10000 + "vip"),
        "list_100000.yaml": one_rule("age in [" + ", ".join(str(i) for i in range(100000)) + "]"),
        "rules_10001.yaml": rules(10001),
        "rules_10000.yaml": rules(10000),
        "rules_3000_one_bad.yaml": rules(2999, last="email > 3"),
        "rule_file_17mib.yaml": rules(1) + ("# " + "x" * 1022 + "\n") * (17 * 1024),
        "yaml_nested_10000.yaml": HEAD.replace("rules:\n", "rules: " + "[" * 10000 + "]" * 10000 + "\n"),
        "yaml_nested_block.yaml": HEAD.replace("rules:\n", "extra:\n" + "".join(
            " " * (2 * i + 2) + f"k{i}:\n" for i in range(1000)) + "rules:\n") +
        "  - name: r1\n    when: amount > 1\n    predict: yes\n",
        "yaml_alias_bomb.yaml": "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
            f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 10)) + HEAD +
        "  - name: r1\n    when: amount > 1\n    predict: yes\n",
        "regex_budget.yaml": one_rule("email.matches(r'\\pL{1000}')"),
        "huge_line.csv": CSV_HEADER + GOOD_ROW + "1,2," + "x" * (17 * MIB) + ",true,no\n" + GOOD_ROW,
        "huge_quoted.csv": CSV_HEADER + GOOD_ROW + '1,2,"' + "x" * (17 * MIB) + "\n",
        "many_fields.csv": ",".join(f"c{i}" for i in range(100001)) + "\n",
        "huge_header.csv": "amount,age,email,vip,label," + "h" * (17 * MIB) + "\n" + GOOD_ROW,
        "huge_line.jsonl": GOOD_JSON + '{"email": "' + "x" * (17 * MIB) + '"}\n' + GOOD_JSON,
        "deep.jsonl": GOOD_JSON + '{"amount": ' + "[" * 100000 + "]" * 100000 + "}\n",
        "many_keys.jsonl": "{" + ", ".join(f'"k{i}": 1' for i in range(100001)) + "}\n",
        "no_newline.csv": CSV_HEADER + "x" * (17 * MIB),
    }
    for name, text in files.items():
        with open(os.path.join(out, name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
