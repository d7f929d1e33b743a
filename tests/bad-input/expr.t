# An unclosed parenthesis.
$ hunch check tests/bad-input/expr/unbalanced_open.yaml
tests/bad-input/expr/unbalanced_open.yaml:13:18: error: expected ')' to close '(', found end of expression
   13 |       (amount > 1
      |                  ^
1 error, 0 warnings
[exit 1]
# An extra closing parenthesis.
$ hunch check tests/bad-input/expr/unbalanced_close.yaml
tests/bad-input/expr/unbalanced_close.yaml:13:17: error: unexpected ')' after a complete expression
   13 |       amount > 1)
      |                 ^
1 error, 0 warnings
[exit 1]
# An operator with no right operand.
$ hunch check tests/bad-input/expr/trailing_operator.yaml
tests/bad-input/expr/trailing_operator.yaml:13:15: error: expected an expression, found the end of it
   13 |       amount >
      |               ^
1 error, 0 warnings
[exit 1]
# A binary operator with no left operand.
$ hunch check tests/bad-input/expr/leading_operator.yaml
tests/bad-input/expr/leading_operator.yaml:13:7: error: expected an expression, found '&&'
   13 |       && amount > 1
      |       ^~
1 error, 0 warnings
[exit 1]
# = instead of ==.
$ hunch check tests/bad-input/expr/single_equals.yaml
tests/bad-input/expr/single_equals.yaml:13:11: error: unexpected '=': did you mean '=='?
   13 |       age = 3
      |           ^
1 error, 0 warnings
[exit 1]
# & instead of &&.
$ hunch check tests/bad-input/expr/single_ampersand.yaml
tests/bad-input/expr/single_ampersand.yaml:13:15: error: unexpected '&': did you mean '&&'?
   13 |       age > 3 & vip
      |               ^
1 error, 0 warnings
[exit 1]
# | instead of ||.
$ hunch check tests/bad-input/expr/single_pipe.yaml
tests/bad-input/expr/single_pipe.yaml:13:15: error: unexpected '|': did you mean '||'?
   13 |       age > 3 | vip
      |               ^
1 error, 0 warnings
[exit 1]
# Two operators in a row.
$ hunch check tests/bad-input/expr/double_operator.yaml
tests/bad-input/expr/double_operator.yaml:13:16: error: expected an expression, found '>'
   13 |       amount > > 1
      |                ^
1 error, 0 warnings
[exit 1]
# Two operands without an operator.
$ hunch check tests/bad-input/expr/missing_operator.yaml
tests/bad-input/expr/missing_operator.yaml:13:14: error: unexpected number after a complete expression
   13 |       amount 1
      |              ^
1 error, 0 warnings
[exit 1]
# Empty parentheses.
$ hunch check tests/bad-input/expr/empty_parens.yaml
tests/bad-input/expr/empty_parens.yaml:13:8: error: expected an expression, found ')'
   13 |       ()
      |        ^
1 error, 0 warnings
[exit 1]
# An empty argument between commas.
$ hunch check tests/bad-input/expr/empty_call_arg.yaml
tests/bad-input/expr/empty_call_arg.yaml:13:26: error: expected an expression, found ')'
   13 |       email.contains('a',)
      |                          ^
1 error, 0 warnings
[exit 1]
# An unterminated string.
$ hunch check tests/bad-input/expr/unterminated_string.yaml
tests/bad-input/expr/unterminated_string.yaml:13:16: error: unterminated string: a newline needs a triple-quoted string
   13 |       email == 'abc
      |                ^~~~
1 error, 0 warnings
[exit 1]
# A newline inside a one-line string.
$ hunch check tests/bad-input/expr/newline_in_string.yaml
tests/bad-input/expr/newline_in_string.yaml:13:16: error: unterminated string: a newline needs a triple-quoted string
   13 |       email == 'a
      |                ^~
1 error, 0 warnings
[exit 1]
# An unknown escape in a string.
$ hunch check tests/bad-input/expr/bad_escape.yaml
tests/bad-input/expr/bad_escape.yaml:13:18: error: unknown escape sequence '\q'
   13 |       email == 'a\qb'
      |                  ^~
1 error, 0 warnings
[exit 1]
# A \x escape without hex digits.
$ hunch check tests/bad-input/expr/bad_hex_escape.yaml
tests/bad-input/expr/bad_hex_escape.yaml:13:17: error: expected 2 hexadecimal digits after '\x'
   13 |       email == '\xzz'
      |                 ^~~
1 error, 0 warnings
[exit 1]
# A \u escape naming a surrogate.
$ hunch check tests/bad-input/expr/bad_unicode_escape.yaml
tests/bad-input/expr/bad_unicode_escape.yaml:13:17: error: escape is not a valid Unicode code point
   13 |       email == '\ud800'
      |                 ^~~~~~
1 error, 0 warnings
[exit 1]
# A reserved word used as a name.
$ hunch check tests/bad-input/expr/reserved_word.yaml
tests/bad-input/expr/reserved_word.yaml:13:7: error: 'package' is a reserved word; quote a column of that name with backquotes: `package`
   13 |       package > 1
      |       ^~~~~~~
1 error, 0 warnings
[exit 1]
# An unclosed backquoted name.
$ hunch check tests/bad-input/expr/unclosed_backquote.yaml
tests/bad-input/expr/unclosed_backquote.yaml:13:7: error: unterminated backquoted name: expected a closing '`'
   13 |       `amount > 1
      |       ^~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# A conditional without ':'.
$ hunch check tests/bad-input/expr/ternary_missing_colon.yaml
tests/bad-input/expr/ternary_missing_colon.yaml:13:23: error: expected ':' in a conditional 'c ? a : b', found end of expression
   13 |       vip ? amount > 1
      |                       ^
1 error, 0 warnings
[exit 1]
# A conditional without its else branch.
$ hunch check tests/bad-input/expr/ternary_missing_branch.yaml
tests/bad-input/expr/ternary_missing_branch.yaml:13:19: error: expected an expression, found the end of it
   13 |       vip ? true :
      |                   ^
1 error, 0 warnings
[exit 1]
# An integer literal past 64 bits.
$ hunch check tests/bad-input/expr/int_overflow.yaml
tests/bad-input/expr/int_overflow.yaml:13:13: error: integer literal is out of the 64-bit range
   13 |       age > 99999999999999999999
      |             ^~~~~~~~~~~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# A double literal past the double range.
$ hunch check tests/bad-input/expr/double_overflow.yaml
tests/bad-input/expr/double_overflow.yaml:13:16: error: double literal is out of range (at most about 1.8e308)
   13 |       amount < 1e400
      |                ^~~~~
1 error, 0 warnings
[exit 1]
# A negative integer literal past 64 bits.
$ hunch check tests/bad-input/expr/negative_int_overflow.yaml
tests/bad-input/expr/negative_int_overflow.yaml:13:13: error: integer literal is out of the 64-bit range
   13 |       age > -9223372036854775809
      |             ^~~~~~~~~~~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# 0x without digits.
$ hunch check tests/bad-input/expr/hex_no_digits.yaml
tests/bad-input/expr/hex_no_digits.yaml:13:13: error: expected hexadecimal digits after '0x'
   13 |       age > 0x
      |             ^~
1 error, 0 warnings
[exit 1]
# An exponent without digits.
$ hunch check tests/bad-input/expr/exponent_no_digits.yaml
tests/bad-input/expr/exponent_no_digits.yaml:13:16: error: expected digits in the exponent
   13 |       amount > 1e+
      |                ^~~
1 error, 0 warnings
[exit 1]
# A unit written after a number.
$ hunch check tests/bad-input/expr/letter_after_number.yaml
tests/bad-input/expr/letter_after_number.yaml:13:16: error: unexpected letter after a number
   13 |       amount > 5000USD
      |                ^~~~~~
1 error, 0 warnings
[exit 1]
# A stray character.
$ hunch check tests/bad-input/expr/stray_char.yaml
tests/bad-input/expr/stray_char.yaml:13:18: error: unexpected character '$'
   13 |       amount > 1 $
      |                  ^
1 error, 0 warnings
[exit 1]
# A non-ASCII character outside a string.
$ hunch check tests/bad-input/expr/stray_non_ascii.yaml
tests/bad-input/expr/stray_non_ascii.yaml:13:18: error: unexpected character (byte 0xE2)
   13 |       amount > 1 ≤ 2
      |                  ^
1 error, 0 warnings
[exit 1]
# An unclosed list.
$ hunch check tests/bad-input/expr/unclosed_list.yaml
tests/bad-input/expr/unclosed_list.yaml:13:19: error: expected ']' to close the list, found end of expression
   13 |       age in [1, 2
      |                   ^
1 error, 0 warnings
[exit 1]
# List elements without a comma.
$ hunch check tests/bad-input/expr/list_missing_comma.yaml
tests/bad-input/expr/list_missing_comma.yaml:13:17: error: expected ']' to close the list, found number
   13 |       age in [1 2]
      |                 ^
1 error, 0 warnings
[exit 1]
# An unclosed call.
$ hunch check tests/bad-input/expr/unclosed_call.yaml
tests/bad-input/expr/unclosed_call.yaml:13:25: error: expected ')' to close the argument list, found end of expression
   13 |       email.contains('a'
      |                         ^
1 error, 0 warnings
[exit 1]
# A dot with nothing after it.
$ hunch check tests/bad-input/expr/dot_without_name.yaml
tests/bad-input/expr/dot_without_name.yaml:13:14: error: expected a name after '.', found '=='
   13 |       email. == 1
      |              ^~
1 error, 0 warnings
[exit 1]
# 'not' that is not 'not in'.
$ hunch check tests/bad-input/expr/not_without_in.yaml
tests/bad-input/expr/not_without_in.yaml:13:11: error: unexpected 'not' here: did you mean 'not in'?
   13 |       age not 3
      |           ^~~
1 error, 0 warnings
[exit 1]
# A condition that is only a comment.
$ hunch check tests/bad-input/expr/empty_expression_comment.yaml
tests/bad-input/expr/empty_expression_comment.yaml:13:17: error: expected an expression, found the end of it
   13 |       // nothing
      |                 ^
1 error, 0 warnings
[exit 1]
# === (JavaScript).
$ hunch check tests/bad-input/expr/triple_equals.yaml
tests/bad-input/expr/triple_equals.yaml:13:13: error: unexpected '=': did you mean '=='?
   13 |       age === 3
      |             ^
1 error, 0 warnings
[exit 1]
# Python's 'is not'.
$ hunch check tests/bad-input/expr/python_style.yaml
tests/bad-input/expr/python_style.yaml:13:13: error: unexpected identifier 'is' after a complete expression
   13 |       email is not None
      |             ^~
1 error, 0 warnings
[exit 1]
# SQL's BETWEEN.
$ hunch check tests/bad-input/expr/sql_style.yaml
tests/bad-input/expr/sql_style.yaml:13:11: error: unexpected identifier 'BETWEEN' after a complete expression
   13 |       age BETWEEN 1 AND 3
      |           ^~~~~~~
1 error, 0 warnings
[exit 1]
# A map literal (outside the subset).
$ hunch check tests/bad-input/expr/map_literal.yaml
tests/bad-input/expr/map_literal.yaml:13:7: error: maps are not supported: rows hold scalar cells
   13 |       {'a': 1}['a'] == 1
      |       ^~~~~~~~
1 error, 0 warnings
[exit 1]
# A field selection on a column.
$ hunch check tests/bad-input/expr/field_select.yaml
tests/bad-input/expr/field_select.yaml:13:7: error: field selection '.domain' is not supported: rows are flat; to name a column whose name contains '.', quote it with backquotes
   13 |       email.domain == 'x'
      |       ^~~~~~~~~~~~
1 error, 0 warnings
[exit 1]
# An assignment inside a condition.
$ hunch check tests/bad-input/expr/assignment_like.yaml
tests/bad-input/expr/assignment_like.yaml:13:12: error: unexpected '=': did you mean '=='?
   13 |       age += 1
      |            ^
1 error, 0 warnings
[exit 1]
