# A condition of 16 KiB + 1 byte (max_expression_length).
$ hunch check $GEN/expression_too_long.yaml
$GEN/expression_too_long.yaml:13:7: error: expression is 16386 bytes long (limit 16384)
   13 |       amount in [1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, ...
      |       ^
1 error, 0 warnings
[exit 1]
# accepted: a condition of exactly 16 KiB loads.
$ hunch check $GEN/expression_at_length_limit.yaml
$GEN/expression_at_length_limit.yaml:13:7: error: expression is 16385 bytes long (limit 16384)
   13 |       amount in [1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, ...
      |       ^
1 error, 0 warnings
[exit 1]
# Parentheses nested past the depth limit (max_expression_depth).
$ hunch check $GEN/parens_deep.yaml
$GEN/parens_deep.yaml:13:135: error: expression is nested too deeply (limit 256)
   13 | ...(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((amount > 1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))...
      |                                                                                    ^
1 error, 0 warnings
[exit 1]
# 100,000 nested parentheses: a depth error, not a stack overflow.
$ hunch check $GEN/parens_100000.yaml
$GEN/parens_100000.yaml:13:7: error: expression is 200011 bytes long (limit 16384)
   13 |       (((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((...
      |       ^
1 error, 0 warnings
[exit 1]
# A chain of 300 && terms (each adds a level).
$ hunch check $GEN/and_chain_300.yaml
$GEN/and_chain_300.yaml:13:3572: error: expression is nested too deeply (limit 256)
   13 | ... amount > 1 && amount > 1 && amount > 1 && amount > 1 && amount > 1 && amount > 1 && amount > 1 && amount > 1 && amount > 1 && amount > 1 && amount > 1 && amount...
      |                                                                                    ^
1 error, 0 warnings
[exit 1]
# 10,000 unary ! operators.
$ hunch check $GEN/unary_10000.yaml
$GEN/unary_10000.yaml:13:262: error: expression is nested too deeply (limit 256)
   13 | ...!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!...
      |                                                                                    ^
1 error, 0 warnings
[exit 1]
# accepted: a list of 100,000 elements is not nesting; it loads.
$ hunch check $GEN/list_100000.yaml
$GEN/list_100000.yaml:13:7: error: expression is 688898 bytes long (limit 16384)
   13 |       age in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,...
      |       ^
1 error, 0 warnings
[exit 1]
# 10,001 rules (max_rules is 10,000).
$ hunch check $GEN/rules_10001.yaml
$GEN/rules_10001.yaml:11:3: error: 10001 rules is more than the limit of 10000
   11 |   - name: r0
      |   ^
1 error, 0 warnings
[exit 1]
# accepted: exactly 10,000 rules load.
$ hunch check $GEN/rules_10000.yaml
ok: generated: 10000 rules, 2 classes, sha256 82e9bdec7b5c
[exit 0]
# 3,000 rules with a type error in the last one.
$ hunch check $GEN/rules_3000_one_bad.yaml
$GEN/rules_3000_one_bad.yaml:9009:11: error: no operator '>' for string and int
 9009 |     when: email > 3
      |           ^~~~~~~~~
1 error, 0 warnings
[exit 1]
# A rule file over 16 MiB.
$ hunch check $GEN/rule_file_17mib.yaml
$GEN/rule_file_17mib.yaml:1:1: error: rule file is 17843380 bytes (limit 16777216)
    1 | name: generated
      | ^
1 error, 0 warnings
[exit 1]
# YAML flow lists nested 10,000 deep.
$ hunch check $GEN/yaml_nested_10000.yaml
$GEN/yaml_nested_10000.yaml:10:20008: error: YAML nested too deeply (yaml-cpp stops at 2000 levels of lists and mappings)
   10 | ...]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
      |                                                                                    ^
1 error, 0 warnings
[exit 1]
# YAML block mappings nested 1,000 deep.
$ hunch check $GEN/yaml_nested_block.yaml
$GEN/yaml_nested_block.yaml:508:1002: error: YAML nested too deeply (yaml-cpp stops at 2000 levels of lists and mappings)
  508 | ...                                                                           k497:
      |                                                                                    ^
1 error, 0 warnings
[exit 1]
# An alias bomb ('billion laughs'): nine levels of ten aliases each.
$ hunch check $GEN/yaml_alias_bomb.yaml
$GEN/yaml_alias_bomb.yaml:1:1: error: unknown key 'a0' in rule file (expected one of: name, description, version, label, classes, positive, default, missing, inputs, policy, rules, slices, tie_break)
    1 | a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]
      | ^~
$GEN/yaml_alias_bomb.yaml:2:1: error: unknown key 'a1' in rule file (expected one of: name, description, version, label, classes, positive, default, missing, inputs, policy, rules, slices, tie_break)
    2 | a1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]
      | ^~
$GEN/yaml_alias_bomb.yaml:3:1: error: unknown key 'a2' in rule file (expected one of: name, description, version, label, classes, positive, default, missing, inputs, policy, rules, slices, tie_break)
    3 | a2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]
      | ^~
$GEN/yaml_alias_bomb.yaml:4:1: error: unknown key 'a3' in rule file (expected one of: name, description, version, label, classes, positive, default, missing, inputs, policy, rules, slices, tie_break)
    4 | a3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]
      | ^~
$GEN/yaml_alias_bomb.yaml:5:1: error: unknown key 'a4' in rule file (expected one of: name, description, version, label, classes, positive, default, missing, inputs, policy, rules, slices, tie_break)
    5 | a4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]
      | ^~
$GEN/yaml_alias_bomb.yaml:6:1: error: unknown key 'a5' in rule file (expected one of: name, description, version, label, classes, positive, default, missing, inputs, policy, rules, slices, tie_break)
    6 | a5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]
      | ^~
$GEN/yaml_alias_bomb.yaml:7:1: error: unknown key 'a6' in rule file (expected one of: name, description, version, label, classes, positive, default, missing, inputs, policy, rules, slices, tie_break)
    7 | a6: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]
      | ^~
$GEN/yaml_alias_bomb.yaml:8:1: error: unknown key 'a7' in rule file (expected one of: name, description, version, label, classes, positive, default, missing, inputs, policy, rules, slices, tie_break)
    8 | a7: &a7 [*a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6]
      | ^~
$GEN/yaml_alias_bomb.yaml:9:1: error: unknown key 'a8' in rule file (expected one of: name, description, version, label, classes, positive, default, missing, inputs, policy, rules, slices, tie_break)
    9 | a8: &a8 [*a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7]
      | ^~
$GEN/yaml_alias_bomb.yaml:10:1: error: unknown key 'a9' in rule file (expected one of: name, description, version, label, classes, positive, default, missing, inputs, policy, rules, slices, tie_break)
   10 | a9: &a9 [*a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8]
      | ^~
10 errors, 0 warnings
[exit 1]
# A regex over RE2's 8 MiB memory budget (regex_max_mem): 1,000 copies of any Unicode letter.
$ hunch check $GEN/regex_budget.yaml
$GEN/regex_budget.yaml:13:21: error: invalid regex: pattern too large - compile failed
   13 |       email.matches(r'\pL{1000}')
      |                     ^~~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# A CSV line of 17 MiB (max_record_bytes is 16 MiB).
$ hunch eval tests/bad-input/data/rules.yaml $GEN/huge_line.csv
$GEN/huge_line.csv:3: error: record longer than 16777216 bytes (max_record_bytes)
[exit 2]
# accepted: the same line with --skip-bad-rows: skipped and counted, the rows after it are read.
$ hunch eval tests/bad-input/data/rules.yaml $GEN/huge_line.csv --skip-bad-rows --format json --bootstrap 0 | grep -E 'bad_rows|rows_evaluated'
    "bad_rows": 1,
[exit 0]
# An unterminated quote followed by 17 MiB of data.
$ hunch eval tests/bad-input/data/rules.yaml $GEN/huge_quoted.csv
$GEN/huge_quoted.csv:3: error: unterminated quoted field: the quote opened on line 3 is never closed
[exit 2]
# A CSV header of 100,001 fields (max_fields is 100,000).
$ hunch eval tests/bad-input/data/rules.yaml $GEN/many_fields.csv
$GEN/many_fields.csv:1: error: more than 100000 fields (max_fields)
[exit 2]
# A CSV header line over 16 MiB.
$ hunch eval tests/bad-input/data/rules.yaml $GEN/huge_header.csv
$GEN/huge_header.csv:1: error: record longer than 16777216 bytes (max_record_bytes)
[exit 2]
# A JSONL line of 17 MiB.
$ hunch eval tests/bad-input/data/rules.yaml $GEN/huge_line.jsonl
$GEN/huge_line.jsonl:2: error: line longer than 16777216 bytes (max_record_bytes)
[exit 2]
# accepted: a JSONL value nested 100,000 deep is one bad cell of an int column, not a stack overflow.
$ hunch eval tests/bad-input/data/rules.yaml $GEN/deep.jsonl --format json --bootstrap 0 | grep -A2 bad_cells
    "bad_cells": {},
    "bad_rows": 0,
    "excluded_rows": 1,
[exit 0]
# A JSONL record with 100,001 keys.
$ hunch eval tests/bad-input/data/rules.yaml $GEN/many_keys.jsonl
$GEN/many_keys.jsonl:1: error: more than 100000 distinct keys (max_fields)
[exit 2]
# A 17 MiB line to predict: an error line, and the next line is predicted.
$ hunch predict tests/bad-input/data/rules.yaml --input-format jsonl < $GEN/huge_line.jsonl > $GEN/out; s=$?; cut -c1-200 $GEN/out; exit $s
{"line":1,"id":null,"prediction":"yes","rule":"big","confidence":null,"fired":["big","disposable"]}
{"line":2,"error":"line longer than 16777216 bytes (max_record_bytes)"}
{"line":3,"id":null,"prediction":"yes","rule":"big","confidence":null,"fired":["big","disposable"]}
[exit 1]
# 17 MiB without a newline on stdin.
$ hunch eval tests/bad-input/data/rules.yaml - < $GEN/no_newline.csv
<stdin>:2: error: record longer than 16777216 bytes (max_record_bytes)
[exit 2]
