# A row with fewer fields than the header.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/ragged_short.csv
tests/bad-input/csv/ragged_short.csv:4: error: expected 5 fields as in the header, found 3
[exit 2]
# A row with more fields than the header.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/ragged_long.csv
tests/bad-input/csv/ragged_long.csv:4: error: expected 5 fields as in the header, found 6
[exit 2]
# A quoted field that never closes.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/unterminated_quote.csv
tests/bad-input/csv/unterminated_quote.csv:4: error: unterminated quoted field: the quote opened on line 4 is never closed
[exit 2]
# A quote inside an unquoted field.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/quote_in_unquoted.csv
tests/bad-input/csv/quote_in_unquoted.csv:4: error: bad quoting: a quote inside unquoted field 3; quote the whole field and double the quotes in it
[exit 2]
# Text after a closing quote.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/text_after_quote.csv
tests/bad-input/csv/text_after_quote.csv:4: error: bad quoting: text after the closing quote of field 3
[exit 2]
# A column name given twice.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/duplicate_header.csv
tests/bad-input/csv/duplicate_header.csv:1: error: duplicate column name 'amount': columns 1 and 3
[exit 2]
# An empty column name twice.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/empty_header_name.csv
tests/bad-input/csv/empty_header_name.csv:1: error: duplicate column name '': columns 2 and 3
[exit 2]
# A data file with a single column, not the rules' columns.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/header_only_one_column.csv
tests/bad-input/csv/header_only_one_column.csv: error: label column 'label' is not in the data
[exit 2]
# accepted: a NUL byte inside a CSV cell is data (the cell is a string).
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/nul_bytes.csv
rule set  t (version -, sha256 07e8b39920d9)
data      tests/bad-input/csv/nul_bytes.csv: 3 rows, 3 labeled, 0 excluded (label missing 0, not a class 0)
intervals 95% bootstrap, 1000 resamples, seed 42 (small sample: intervals are rough)

Headline (rules vs naive baselines)
  metric              rules            95% CI  majority  stratified
  accuracy           1.0000  [1.0000, 1.0000]    0.6667      0.5556
  balanced accuracy  1.0000                      0.5000      0.5000
  Cohen's kappa      1.0000                      0.0000      0.0000
  macro F1           1.0000  [0.5000, 1.0000]    0.4000      0.5000
  weighted F1        1.0000                      0.5333      0.5556
  coverage           1.0000                      1.0000      1.0000

Per class
  class         precision            95% CI  recall            95% CI      F1  support
  no               1.0000  [0.0000, 1.0000]  1.0000  [0.0000, 1.0000]  1.0000        2
  yes              1.0000  [0.0000, 1.0000]  1.0000  [0.0000, 1.0000]  1.0000        1
  macro avg        1.0000                    1.0000                    1.0000        3
  weighted avg     1.0000                    1.0000                    1.0000        3

Confusion matrix (rows: actual, columns: predicted)
  actual \ predicted  no  yes
                  no   2    0
                 yes   0    1

Rules (coverage, overlaps, conflicts: share of labeled rows)
  rule             predicts  fires  wins  coverage  precision  correct  incorrect  overlaps  conflicts  errors  note
  big              yes           1     1    0.3333     1.0000        1          0    0.3333     0.0000       0
  disposable       yes           1     0    0.3333     1.0000        1          0    0.3333     0.0000       0  shadowed
  (no rule fired)  default       2     2    0.6667     1.0000        2          0
[exit 0]
# A ragged row after good rows.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/ragged_after_many.csv
tests/bad-input/csv/ragged_after_many.csv:104: error: expected 5 fields as in the header, found 2
[exit 2]
# A quoted field spanning lines, then a ragged row: the line number is physical.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/quoted_newline_ragged.csv
tests/bad-input/csv/quoted_newline_ragged.csv:7: error: expected 5 fields as in the header, found 2
[exit 2]
# CRLF line endings and a ragged row.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/crlf_ragged.csv
tests/bad-input/csv/crlf_ragged.csv:4: error: expected 5 fields as in the header, found 2
[exit 2]
# A byte order mark and a duplicate header.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/bom_duplicate.csv
tests/bad-input/csv/bom_duplicate.csv:1: error: duplicate column name 'amount': columns 1 and 2
[exit 2]
# accepted: an empty label cell is a missing label, counted as excluded in the report.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/label_empty.csv
rule set  t (version -, sha256 07e8b39920d9)
data      tests/bad-input/csv/label_empty.csv: 3 rows, 2 labeled, 1 excluded (label missing 1, not a class 0)
intervals 95% bootstrap, 1000 resamples, seed 42 (small sample: intervals are rough)

Headline (rules vs naive baselines)
  metric              rules            95% CI  majority  stratified
  accuracy           1.0000  [1.0000, 1.0000]    0.5000      0.5000
  balanced accuracy  1.0000                      0.5000      0.5000
  Cohen's kappa      1.0000                      0.0000      0.0000
  macro F1           1.0000  [0.5000, 1.0000]    0.3333      0.5000
  weighted F1        1.0000                      0.3333      0.5000
  coverage           1.0000                      1.0000      1.0000

Per class
  class         precision            95% CI  recall            95% CI      F1  support
  no               1.0000  [0.0000, 1.0000]  1.0000  [0.0000, 1.0000]  1.0000        1
  yes              1.0000  [0.0000, 1.0000]  1.0000  [0.0000, 1.0000]  1.0000        1
  macro avg        1.0000                    1.0000                    1.0000        2
  weighted avg     1.0000                    1.0000                    1.0000        2

Confusion matrix (rows: actual, columns: predicted)
  actual \ predicted  no  yes
                  no   1    0
                 yes   0    1

Rules (coverage, overlaps, conflicts: share of labeled rows)
  rule             predicts  fires  wins  coverage  precision  correct  incorrect  overlaps  conflicts  errors  note
  big              yes           1     1    0.5000     1.0000        1          0    0.5000     0.0000       0
  disposable       yes           1     0    0.5000     1.0000        1          0    0.5000     0.0000       0  shadowed
  (no rule fired)  default       1     1    0.5000     1.0000        1          0
[exit 0]
# Invalid UTF-8 in a cell, and a ragged row after it.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/invalid_utf8_cell.csv
tests/bad-input/csv/invalid_utf8_cell.csv:5: error: expected 5 fields as in the header, found 2
[exit 2]
# Invalid UTF-8 in the header, and a label column that is missing because of it.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/invalid_utf8_header.csv
tests/bad-input/csv/invalid_utf8_header.csv: error: label column 'label' is not in the data (did you mean 'labÿel'?)
[exit 2]
# A semicolon-separated file (one column as CSV).
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/semicolon_separated.csv
tests/bad-input/csv/semicolon_separated.csv: error: label column 'label' is not in the data
[exit 2]
# A tab-separated file read as CSV.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/tab_separated.csv
tests/bad-input/csv/tab_separated.csv: error: label column 'label' is not in the data
[exit 2]
# Old Mac line endings (lone CR) make one long line.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/lone_cr_lines.csv
tests/bad-input/csv/lone_cr_lines.csv: error: label column 'label' is not in the data
[exit 2]
# A file of quote characters.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/only_quotes.csv
tests/bad-input/csv/only_quotes.csv:1: error: unterminated quoted field: the quote opened on line 1 is never closed
[exit 2]
# A quote opened on the last byte.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/quote_at_eof.csv
tests/bad-input/csv/quote_at_eof.csv:4: error: unterminated quoted field: the quote opened on line 4 is never closed
[exit 2]
# accepted: with --skip-bad-rows the ragged row is counted, and the run goes on.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/ragged_after_many.csv --skip-bad-rows --format json --bootstrap 0 | grep bad_rows
    "bad_rows": 1,
[exit 0]
# A ragged row in a file read with four threads.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/ragged_short.csv --threads 4
tests/bad-input/csv/ragged_short.csv:4: error: expected 5 fields as in the header, found 3
[exit 2]
# A ragged row from stdin.
$ hunch eval tests/bad-input/data/rules.yaml - < tests/bad-input/csv/ragged_short.csv
<stdin>:4: error: expected 5 fields as in the header, found 3
[exit 2]
# A CSV read as JSONL.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/data/ok.csv --input-format jsonl
tests/bad-input/data/ok.csv: error: label column 'label' is not in the data
[exit 2]
# A data file that does not exist.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv/no_such_file.csv
tests/bad-input/csv/no_such_file.csv: error: cannot open: No such file or directory
[exit 2]
# A directory as the data file.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/csv
tests/bad-input/csv: error: cannot read: Is a directory
[exit 2]
# accepted: check --data infers types from the rows it can read; eval reports the ragged row.
$ hunch check tests/bad-input/data/rules.yaml --data tests/bad-input/csv/ragged_short.csv
ok: t: 2 rules, 2 classes, sha256 07e8b39920d9
[exit 0]
# explain --data with a row number past the end.
$ hunch explain tests/bad-input/data/rules.yaml --data tests/bad-input/data/ok.csv --row-number 99
tests/bad-input/data/ok.csv: error: row 99 does not exist: the file has 2 rows
[exit 2]
# explain --data with row number 0.
$ hunch explain tests/bad-input/data/rules.yaml --data tests/bad-input/data/ok.csv --row-number 0
hunch explain: error: give --row JSON, or --data FILE with --row-number N
[exit 2]
# predict on a ragged CSV row.
$ hunch predict tests/bad-input/data/rules.yaml tests/bad-input/csv/ragged_short.csv --input-format csv
{"line":2,"id":null,"prediction":"yes","rule":"big","confidence":null,"fired":["big","disposable"]}
{"line":3,"id":null,"prediction":"no","rule":null,"confidence":null,"fired":[]}
{"line":4,"error":"expected 5 fields as in the header, found 3"}
[exit 1]
