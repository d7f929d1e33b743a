# An empty file.
$ hunch check tests/bad-input/empty/empty.yaml
tests/bad-input/empty/empty.yaml:1:1: error: rule file is empty: expected name, label, classes and rules
1 error, 0 warnings
[exit 1]
# Only blank lines.
$ hunch check tests/bad-input/empty/only_newlines.yaml
tests/bad-input/empty/only_newlines.yaml:1:1: error: rule file is empty: expected name, label, classes and rules
1 error, 0 warnings
[exit 1]
# Only a comment.
$ hunch check tests/bad-input/empty/only_comment.yaml
tests/bad-input/empty/only_comment.yaml:1:1: error: rule file is empty: expected name, label, classes and rules
    1 | # nothing here
      | ^
1 error, 0 warnings
[exit 1]
# Only a UTF-8 byte order mark.
$ hunch check tests/bad-input/empty/only_bom.yaml
tests/bad-input/empty/only_bom.yaml:1:1: error: rule file is empty: expected name, label, classes and rules
    1 | ﻿
      | ^
1 error, 0 warnings
[exit 1]
# Only spaces.
$ hunch check tests/bad-input/empty/only_spaces.yaml
tests/bad-input/empty/only_spaces.yaml:1:1: error: rule file is empty: expected name, label, classes and rules
    1 |      
      | ^
1 error, 0 warnings
[exit 1]
# The document is null (~).
$ hunch check tests/bad-input/empty/null_document.yaml
tests/bad-input/empty/null_document.yaml:1:1: error: rule file is empty: expected name, label, classes and rules
    1 | ~
      | ^
1 error, 0 warnings
[exit 1]
# An empty data file.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/empty/empty.csv
tests/bad-input/empty/empty.csv:1: error: empty input: expected a header row
[exit 2]
# accepted: a header and no rows is an empty data set; the report says 0 rows.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/empty/header_only.csv
rule set  t (version -, sha256 07e8b39920d9)
data      tests/bad-input/empty/header_only.csv: 0 rows, 0 labeled, 0 excluded (label missing 0, not a class 0)

Headline (rules vs naive baselines)
  metric              rules  95% CI  majority  stratified
  accuracy           0.0000       -    0.0000      0.0000
  balanced accuracy  0.0000            0.0000      0.0000
  Cohen's kappa      0.0000            0.0000      0.0000
  macro F1           0.0000       -    0.0000      0.0000
  weighted F1        0.0000            0.0000      0.0000
  coverage           0.0000            1.0000      1.0000

Per class
  class         precision  95% CI  recall  95% CI      F1  support
  no               0.0000       -  0.0000       -  0.0000        0
  yes              0.0000       -  0.0000       -  0.0000        0
  macro avg        0.0000          0.0000          0.0000        0
  weighted avg     0.0000          0.0000          0.0000        0

Confusion matrix (rows: actual, columns: predicted)
  actual \ predicted  no  yes
                  no   0    0
                 yes   0    0

Rules (coverage, overlaps, conflicts: share of labeled rows)
  rule             predicts  fires  wins  coverage  precision  correct  incorrect  overlaps  conflicts  errors  note
  big              yes           0     0    0.0000          -        0          0    0.0000     0.0000       0  never fires
  disposable       yes           0     0    0.0000          -        0          0    0.0000     0.0000       0  never fires
  (no rule fired)  default       0     0    0.0000          -        0          0
[exit 0]
# A CSV file with only a byte order mark.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/empty/only_bom.csv
tests/bad-input/empty/only_bom.csv:1: error: empty input: expected a header row
[exit 2]
# A CSV file of blank lines.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/empty/blank_lines.csv
tests/bad-input/empty/blank_lines.csv:1: error: empty input: expected a header row
[exit 2]
# An empty JSONL file.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/empty/empty.jsonl
tests/bad-input/empty/empty.jsonl: error: label column 'label' is not in the data
[exit 2]
# A JSONL file of blank lines.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/empty/blank_lines.jsonl
tests/bad-input/empty/blank_lines.jsonl: error: label column 'label' is not in the data
[exit 2]
# An empty --row.
$ hunch explain tests/bad-input/data/rules.yaml --row ''
hunch explain: error: give --row JSON, or --data FILE with --row-number N
[exit 2]
# Empty stdin to predict.
$ hunch predict tests/bad-input/data/rules.yaml < /dev/null
<stdin>:1: error: empty input: expected a header row
[exit 2]
# /dev/null as the rule file.
$ hunch check /dev/null
/dev/null:1:1: error: rule file is empty: expected name, label, classes and rules
1 error, 0 warnings
[exit 1]
