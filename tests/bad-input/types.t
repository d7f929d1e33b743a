# A string compared with a number.
$ hunch check tests/bad-input/types/string_gt_int.yaml
tests/bad-input/types/string_gt_int.yaml:13:7: error: no operator '>' for string and int
   13 |       email > 3
      |       ^~~~~~~~~
1 error, 0 warnings
[exit 1]
# A number added to a string.
$ hunch check tests/bad-input/types/int_plus_string.yaml
tests/bad-input/types/int_plus_string.yaml:13:7: error: no operator '+' for int and string
   13 |       age + email == 'x'
      |       ^~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# Arithmetic on a bool.
$ hunch check tests/bad-input/types/bool_arith.yaml
tests/bad-input/types/bool_arith.yaml:13:7: error: no operator '+' for bool and int
   13 |       vip + 1 > 0
      |       ^~~~~~~
1 error, 0 warnings
[exit 1]
# A condition that is an int.
$ hunch check tests/bad-input/types/condition_is_int.yaml
tests/bad-input/types/condition_is_int.yaml:13:7: error: a condition must be bool, found int
   13 |       age + 1
      |       ^~~~~~~
1 error, 0 warnings
[exit 1]
# A condition that is a string.
$ hunch check tests/bad-input/types/condition_is_string.yaml
tests/bad-input/types/condition_is_string.yaml:13:7: error: a condition must be bool, found string
   13 |       email
      |       ^~~~~
1 error, 0 warnings
[exit 1]
# A condition that is a double.
$ hunch check tests/bad-input/types/condition_is_double.yaml
tests/bad-input/types/condition_is_double.yaml:13:7: error: a condition must be bool, found double
   13 |       amount * 2.0
      |       ^~~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# size() of an int.
$ hunch check tests/bad-input/types/size_of_int.yaml
tests/bad-input/types/size_of_int.yaml:13:7: error: size() needs a string or a list, found int
   13 |       size(age) > 1
      |       ^~~~~~~~~
1 error, 0 warnings
[exit 1]
# contains() on an int.
$ hunch check tests/bad-input/types/contains_on_int.yaml
tests/bad-input/types/contains_on_int.yaml:13:7: error: contains() needs a string receiver, found int
   13 |       age.contains('1')
      |       ^~~
1 error, 0 warnings
[exit 1]
# matches() on a double.
$ hunch check tests/bad-input/types/matches_on_double.yaml
tests/bad-input/types/matches_on_double.yaml:13:7: error: matches() needs a string receiver, found double
   13 |       amount.matches('1')
      |       ^~~~~~
1 error, 0 warnings
[exit 1]
# startsWith() with an int argument.
$ hunch check tests/bad-input/types/startswith_int_arg.yaml
tests/bad-input/types/startswith_int_arg.yaml:13:24: error: startsWith() needs a string argument, found int
   13 |       email.startsWith(1)
      |                        ^
1 error, 0 warnings
[exit 1]
# 'in' with a right side that is not a list.
$ hunch check tests/bad-input/types/in_non_list.yaml
tests/bad-input/types/in_non_list.yaml:13:7: error: no operator 'in' for int and int: the right side of 'in' must be a list
   13 |       age in 3
      |       ^~~~~~~~
1 error, 0 warnings
[exit 1]
# 'in' a list of another type.
$ hunch check tests/bad-input/types/in_mixed_list.yaml
tests/bad-input/types/in_mixed_list.yaml:13:7: error: 'in' looks for an int in a list of string: it can never be found
   13 |       age in ['a', 'b']
      |       ^~~~~~~~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# ! on an int.
$ hunch check tests/bad-input/types/not_of_int.yaml
tests/bad-input/types/not_of_int.yaml:13:7: error: '!' needs a bool operand, found int
   13 |       !age
      |       ^~~~
1 error, 0 warnings
[exit 1]
# Unary minus on a string.
$ hunch check tests/bad-input/types/neg_of_string.yaml
tests/bad-input/types/neg_of_string.yaml:13:7: error: '-' needs a number, found string
   13 |       -email == 'x'
      |       ^~~~~~
1 error, 0 warnings
[exit 1]
# && between ints.
$ hunch check tests/bad-input/types/and_of_ints.yaml
tests/bad-input/types/and_of_ints.yaml:13:7: error: no operator '&&' for int and int: both sides must be bool
   13 |       age && 1
      |       ^~~~~~~~
1 error, 0 warnings
[exit 1]
# || between strings.
$ hunch check tests/bad-input/types/or_of_strings.yaml
tests/bad-input/types/or_of_strings.yaml:13:7: error: no operator '||' for string and string: both sides must be bool
   13 |       email || 'x'
      |       ^~~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# Conditional branches of different types.
$ hunch check tests/bad-input/types/ternary_branch_types.yaml
tests/bad-input/types/ternary_branch_types.yaml:13:8: error: the branches of '?:' have different types: int and string
   13 |       (vip ? 1 : 'a') == 1
      |        ^~~~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# A conditional whose condition is an int.
$ hunch check tests/bad-input/types/ternary_cond_int.yaml
tests/bad-input/types/ternary_cond_int.yaml:13:8: error: the condition of '?:' must be bool, found int
   13 |       (age ? 1 : 2) == 1
      |        ^~~
1 error, 0 warnings
[exit 1]
# A misspelled column (did you mean ...).
$ hunch check tests/bad-input/types/unknown_column.yaml
tests/bad-input/types/unknown_column.yaml:13:7: error: unknown column 'amont' (did you mean 'amount'?)
   13 |       amont > 1
      |       ^~~~~
1 error, 0 warnings
[exit 1]
# An unknown function.
$ hunch check tests/bad-input/types/unknown_function.yaml
tests/bad-input/types/unknown_function.yaml:13:7: error: unknown function 'lenght'
   13 |       lenght(email) > 1
      |       ^~~~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# An unknown method.
$ hunch check tests/bad-input/types/unknown_method.yaml
tests/bad-input/types/unknown_method.yaml:13:7: error: unknown function 'lower' as a method
   13 |       email.lower() == 'a'
      |       ^~~~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# A function with the wrong number of arguments.
$ hunch check tests/bad-input/types/wrong_arity.yaml
tests/bad-input/types/wrong_arity.yaml:13:7: error: contains() takes 1 argument
   13 |       email.contains('a', 'b')
      |       ^~~~~~~~~~~~~~~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# int() of a list.
$ hunch check tests/bad-input/types/int_conversion_of_list.yaml
tests/bad-input/types/int_conversion_of_list.yaml:13:7: error: cannot convert list(int) to int
   13 |       int([1]) == 1
      |       ^~~~~~~~
1 error, 0 warnings
[exit 1]
# Indexing an int.
$ hunch check tests/bad-input/types/index_of_int.yaml
tests/bad-input/types/index_of_int.yaml:13:7: error: cannot index a int
   13 |       age[0] == 1
      |       ^~~~~~
1 error, 0 warnings
[exit 1]
# An unsigned literal (outside the subset).
$ hunch check tests/bad-input/types/uint_literal.yaml
tests/bad-input/types/uint_literal.yaml:13:13: error: unsigned integers are not supported: write an int (no 'u')
   13 |       age > 1u
      |             ^~
1 error, 0 warnings
[exit 1]
# A bytes literal (outside the subset).
$ hunch check tests/bad-input/types/bytes_literal.yaml
tests/bad-input/types/bytes_literal.yaml:13:16: error: bytes literals are not supported: data cells are text
   13 |       email == b'x'
      |                ^~~~
1 error, 0 warnings
[exit 1]
# A list compared with an int.
$ hunch check tests/bad-input/types/compare_list_int.yaml
tests/bad-input/types/compare_list_int.yaml:13:7: error: no operator '>' for list(int) and int
   13 |       [1, 2] > 1
      |       ^~~~~~~~~~
1 error, 0 warnings
[exit 1]
# A string multiplied by an int.
$ hunch check tests/bad-input/types/string_times.yaml
tests/bad-input/types/string_times.yaml:13:7: error: no operator '*' for string and int
   13 |       email * 2 == 'aa'
      |       ^~~~~~~~~
1 error, 0 warnings
[exit 1]
# % between doubles.
$ hunch check tests/bad-input/types/mod_double.yaml
tests/bad-input/types/mod_double.yaml:13:7: error: no operator '%' for double and double: '%' needs two ints
   13 |       amount % 2.0 == 0.0
      |       ^~~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# Several independent type errors in one condition, all reported.
$ hunch check tests/bad-input/types/many_errors_one_rule.yaml
tests/bad-input/types/many_errors_one_rule.yaml:13:7: error: no operator '>' for string and int
   13 |       email > 1 && age.contains('x') && vip + 1 > 0
      |       ^~~~~~~~~
tests/bad-input/types/many_errors_one_rule.yaml:13:20: error: contains() needs a string receiver, found int
   13 |       email > 1 && age.contains('x') && vip + 1 > 0
      |                    ^~~
tests/bad-input/types/many_errors_one_rule.yaml:13:41: error: no operator '+' for bool and int
   13 |       email > 1 && age.contains('x') && vip + 1 > 0
      |                                         ^~~~~~~
3 errors, 0 warnings
[exit 1]
# A rule checked against data whose column types it contradicts.
$ hunch check tests/bad-input/types/wrong_type_for_data.yaml --data tests/bad-input/data/ok.csv
tests/bad-input/types/wrong_type_for_data.yaml:7:11: error: no operator '>' for string and int
    7 |     when: email > 3
      |           ^~~~~~~~~
1 error, 0 warnings
[exit 1]
# accepted: a label value that is not a class is excluded and named in the report.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/types/label_not_in_classes.csv
rule set  t (version -, sha256 07e8b39920d9)
data      tests/bad-input/types/label_not_in_classes.csv: 1 rows, 0 labeled, 1 excluded (label missing 0, not a class 1)
          label values not in classes: 'maybe' x1

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
# Data without the label column.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/types/missing_label_column.csv
tests/bad-input/types/missing_label_column.csv: error: label column 'label' is not in the data
[exit 2]
# A --slice-by column that is not in the data.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/data/ok.csv --slice-by region
tests/bad-input/data/ok.csv: error: slice column 'region' is not in the data
[exit 2]
# A --shadow-column that is not in the data.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/data/ok.csv --shadow-column old_model
tests/bad-input/data/ok.csv: error: shadow column 'old_model' is not in the data
[exit 2]
