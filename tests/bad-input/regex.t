# An unclosed group.
$ hunch check tests/bad-input/regex/unclosed_group.yaml
tests/bad-input/regex/unclosed_group.yaml:13:21: error: invalid regex: missing ): (a|b
   13 |       email.matches('(a|b')
      |                     ^~~~~~
1 error, 0 warnings
[exit 1]
# An unclosed character class.
$ hunch check tests/bad-input/regex/unclosed_class.yaml
tests/bad-input/regex/unclosed_class.yaml:13:21: error: invalid regex: missing ]: [a-z
   13 |       email.matches('[a-z')
      |                     ^~~~~~
1 error, 0 warnings
[exit 1]
# A backreference (not in RE2).
$ hunch check tests/bad-input/regex/backreference.yaml
tests/bad-input/regex/backreference.yaml:13:21: error: invalid regex: invalid escape sequence: \1
   13 |       email.matches(r'(a)\1')
      |                     ^~~~~~~~
1 error, 0 warnings
[exit 1]
# A lookahead (not in RE2).
$ hunch check tests/bad-input/regex/lookahead.yaml
tests/bad-input/regex/lookahead.yaml:13:21: error: invalid regex: invalid perl operator: (?=
   13 |       email.matches('a(?=b)')
      |                     ^~~~~~~~
1 error, 0 warnings
[exit 1]
# A lookbehind (not in RE2).
$ hunch check tests/bad-input/regex/lookbehind.yaml
tests/bad-input/regex/lookbehind.yaml:13:21: error: invalid regex: invalid perl operator: (?<
   13 |       email.matches('(?<=a)b')
      |                     ^~~~~~~~~
1 error, 0 warnings
[exit 1]
# A possessive quantifier (not in RE2).
$ hunch check tests/bad-input/regex/possessive.yaml
tests/bad-input/regex/possessive.yaml:13:21: error: invalid regex: bad repetition operator: ++
   13 |       email.matches('a++')
      |                     ^~~~~
1 error, 0 warnings
[exit 1]
# An atomic group (not in RE2).
$ hunch check tests/bad-input/regex/atomic_group.yaml
tests/bad-input/regex/atomic_group.yaml:13:21: error: invalid regex: invalid perl operator: (?>
   13 |       email.matches('(?>ab)')
      |                     ^~~~~~~~
1 error, 0 warnings
[exit 1]
# A quantifier with nothing to repeat.
$ hunch check tests/bad-input/regex/nothing_to_repeat.yaml
tests/bad-input/regex/nothing_to_repeat.yaml:13:21: error: invalid regex: no argument for repetition operator: *
   13 |       email.matches('*a')
      |                     ^~~~
1 error, 0 warnings
[exit 1]
# A repetition count over RE2's 1000.
$ hunch check tests/bad-input/regex/bad_repeat_range.yaml
tests/bad-input/regex/bad_repeat_range.yaml:13:21: error: invalid regex: invalid repetition size: {1001}
   13 |       email.matches('a{1001}')
      |                     ^~~~~~~~~
1 error, 0 warnings
[exit 1]
# Nested counted repetitions over the memory budget.
$ hunch check tests/bad-input/regex/nested_repeat_budget.yaml
tests/bad-input/regex/nested_repeat_budget.yaml:13:21: error: invalid regex: invalid repetition size: {100}
   13 |       email.matches('((a{100}){100}){100}')
      |                     ^~~~~~~~~~~~~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# An unknown Unicode class.
$ hunch check tests/bad-input/regex/unknown_class.yaml
tests/bad-input/regex/unknown_class.yaml:13:21: error: invalid regex: invalid character class range: \p{Klingon}
   13 |       email.matches(r'\p{Klingon}')
      |                     ^~~~~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# A pattern ending in a backslash.
$ hunch check tests/bad-input/regex/trailing_backslash.yaml
tests/bad-input/regex/trailing_backslash.yaml:13:21: error: invalid regex: trailing \
   13 |       email.matches(r'a\')
      |                     ^~~~~
1 error, 0 warnings
[exit 1]
# An escape RE2 does not know.
$ hunch check tests/bad-input/regex/bad_escape.yaml
tests/bad-input/regex/bad_escape.yaml:13:21: error: invalid regex: invalid escape sequence: \i
   13 |       email.matches(r'\i')
      |                     ^~~~~
1 error, 0 warnings
[exit 1]
# A pattern that is not a literal.
$ hunch check tests/bad-input/regex/pattern_from_column.yaml
tests/bad-input/regex/pattern_from_column.yaml:13:21: error: matches() needs a string literal pattern, so it compiles once at load time
   13 |       email.matches(email)
      |                     ^~~~~
1 error, 0 warnings
[exit 1]
# A pattern that is a number.
$ hunch check tests/bad-input/regex/pattern_not_string.yaml
tests/bad-input/regex/pattern_not_string.yaml:13:21: error: matches() needs a string argument, found int
   13 |       email.matches(1)
      |                     ^
1 error, 0 warnings
[exit 1]
# An unknown inline flag.
$ hunch check tests/bad-input/regex/bad_flag.yaml
tests/bad-input/regex/bad_flag.yaml:13:21: error: invalid regex: invalid perl operator: (?z
   13 |       email.matches('(?z)a')
      |                     ^~~~~~~
1 error, 0 warnings
[exit 1]
# An extra closing parenthesis.
$ hunch check tests/bad-input/regex/missing_paren_close.yaml
tests/bad-input/regex/missing_paren_close.yaml:13:21: error: invalid regex: unexpected ): a)
   13 |       email.matches('a)')
      |                     ^~~~
1 error, 0 warnings
[exit 1]
# accepted: patterns that backtrack catastrophically in PCRE run in linear time in RE2.
$ hunch eval tests/bad-input/regex/catastrophic_backtracking_ok.yaml tests/bad-input/regex/long_as.csv --format json --bootstrap 0 | grep -c rows_evaluated
0
[exit 1]
