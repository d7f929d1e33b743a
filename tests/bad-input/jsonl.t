# An invalid literal.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/invalid_literal.jsonl
tests/bad-input/jsonl/invalid_literal.jsonl:2:13: error: invalid JSON: syntax error while parsing value - invalid literal; last read: '"amount": no'
[exit 2]
# A trailing comma in an object.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/trailing_comma.jsonl
tests/bad-input/jsonl/trailing_comma.jsonl:2:14: error: invalid JSON: syntax error while parsing object key - unexpected '}'; expected string literal
[exit 2]
# Single-quoted keys.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/single_quotes.jsonl
tests/bad-input/jsonl/single_quotes.jsonl:2:2: error: invalid JSON: syntax error while parsing object key - invalid literal; last read: '{''; expected string literal
[exit 2]
# An unquoted key.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/unquoted_key.jsonl
tests/bad-input/jsonl/unquoted_key.jsonl:2:2: error: invalid JSON: syntax error while parsing object key - invalid literal; last read: '{a'; expected string literal
[exit 2]
# A line that is an array.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/array_line.jsonl
tests/bad-input/jsonl/array_line.jsonl:2: error: expected a JSON object, found an array
[exit 2]
# A line that is a number.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/number_line.jsonl
tests/bad-input/jsonl/number_line.jsonl:2: error: expected a JSON object, found a number
[exit 2]
# A line that is a string.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/string_line.jsonl
tests/bad-input/jsonl/string_line.jsonl:2: error: expected a JSON object, found a string
[exit 2]
# A line that is null.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/null_line.jsonl
tests/bad-input/jsonl/null_line.jsonl:2: error: expected a JSON object, found null
[exit 2]
# Two objects on one line.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/two_objects_one_line.jsonl
tests/bad-input/jsonl/two_objects_one_line.jsonl:2:10: error: invalid JSON: syntax error while parsing value - unexpected '{'; expected end of input
[exit 2]
# A pretty-printed (multi-line) object.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/pretty_printed.jsonl
tests/bad-input/jsonl/pretty_printed.jsonl: error: label column 'label' is not in the data
[exit 2]
# An unterminated string.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/unterminated_string.jsonl
tests/bad-input/jsonl/unterminated_string.jsonl:2:16: error: invalid JSON: syntax error while parsing value - invalid string: missing closing quote; last read: '"abc}'
[exit 2]
# A raw tab inside a JSON string.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/control_char_in_string.jsonl
tests/bad-input/jsonl/control_char_in_string.jsonl:2:13: error: invalid JSON: syntax error while parsing value - invalid string: control character U+0009 (HT) must be escaped to \u0009 or \t; last read: '"a<U+0009>'
[exit 2]
# Invalid UTF-8 inside a JSON string.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/invalid_utf8_string.jsonl
tests/bad-input/jsonl/invalid_utf8_string.jsonl:2:12: error: invalid JSON: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: '"ÿ'
[exit 2]
# A lone surrogate escape.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/lone_surrogate.jsonl
tests/bad-input/jsonl/lone_surrogate.jsonl:2:18: error: invalid JSON: syntax error while parsing value - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: '"\ud800"'
[exit 2]
# An unknown escape.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/bad_escape.jsonl
tests/bad-input/jsonl/bad_escape.jsonl:2:13: error: invalid JSON: syntax error while parsing value - invalid string: forbidden character after backslash; last read: '"\q'
[exit 2]
# NaN is not JSON.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/nan_literal.jsonl
tests/bad-input/jsonl/nan_literal.jsonl:2:12: error: invalid JSON: syntax error while parsing value - invalid literal; last read: '"amount": N'
[exit 2]
# A number with a leading zero.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/leading_zero.jsonl
tests/bad-input/jsonl/leading_zero.jsonl:2:11: error: invalid JSON: syntax error while parsing object - unexpected number literal; expected '}'
[exit 2]
# The last line cut short.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/truncated_last_line.jsonl
tests/bad-input/jsonl/truncated_last_line.jsonl:2:19: error: invalid JSON: syntax error while parsing object key - invalid string: missing closing quote; last read: '"ema'; expected string literal
[exit 2]
# The very first line is not JSON.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/first_line_bad.jsonl
tests/bad-input/jsonl/first_line_bad.jsonl:1:1: error: invalid JSON: syntax error while parsing value - invalid literal; last read: 'a'
[exit 2]
# A NUL byte in a line.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/nul_byte.jsonl
tests/bad-input/jsonl/nul_byte.jsonl:2:15: error: invalid JSON: a NUL byte; expected JSON text
[exit 2]
# A // comment line.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/comment_line.jsonl
tests/bad-input/jsonl/comment_line.jsonl:2:1: error: invalid JSON: syntax error while parsing value - invalid literal; last read: '/'
[exit 2]
# A bad line after the 1,000 lines of the header sample.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/bad_after_sample.jsonl
tests/bad-input/jsonl/bad_after_sample.jsonl:1201:12: error: invalid JSON: syntax error while parsing value - unexpected '}'; expected '[', '{', or a literal
[exit 2]
# Records without the label key.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/jsonl/missing_label_key.jsonl
tests/bad-input/jsonl/missing_label_key.jsonl: error: label column 'label' is not in the data
[exit 2]
# An invalid JSON line to predict: an error line in its place, and exit 1.
$ hunch predict tests/bad-input/data/rules.yaml --input-format jsonl < tests/bad-input/jsonl/invalid_literal.jsonl
{"line":1,"id":null,"prediction":"yes","rule":"big","confidence":null,"fired":["big","disposable"]}
{"line":2,"error":"invalid JSON at byte 13: expected a JSON object such as {\"amount\": 7200}"}
[exit 1]
# An array line to predict.
$ hunch predict tests/bad-input/data/rules.yaml --input-format jsonl < tests/bad-input/jsonl/array_line.jsonl
{"line":1,"id":null,"prediction":"yes","rule":"big","confidence":null,"fired":["big","disposable"]}
{"line":2,"error":"expected a JSON object such as {\"amount\": 7200}"}
[exit 1]
# Invalid UTF-8 to predict.
$ hunch predict tests/bad-input/data/rules.yaml --input-format jsonl < tests/bad-input/jsonl/invalid_utf8_string.jsonl
{"line":1,"id":null,"prediction":"yes","rule":"big","confidence":null,"fired":["big","disposable"]}
{"line":2,"error":"invalid JSON at byte 12: expected a JSON object such as {\"amount\": 7200}"}
[exit 1]
# A truncated line to predict.
$ hunch predict tests/bad-input/data/rules.yaml --input-format jsonl < tests/bad-input/jsonl/truncated_last_line.jsonl
{"line":1,"id":null,"prediction":"yes","rule":"big","confidence":null,"fired":["big","disposable"]}
{"line":2,"error":"invalid JSON at byte 19: expected a JSON object such as {\"amount\": 7200}"}
[exit 1]
# --row that is not JSON.
$ hunch explain tests/bad-input/data/rules.yaml --row 'amount=1'
--row: error: invalid JSON at byte 1: expected a JSON object such as {"amount": 7200}
[exit 2]
# --row that is an array.
$ hunch explain tests/bad-input/data/rules.yaml --row '[1, 2]'
--row: error: expected a JSON object such as {"amount": 7200}
[exit 2]
# --row cut short.
$ hunch explain tests/bad-input/data/rules.yaml --row '{"amount": 1'
--row: error: invalid JSON at byte 13: expected a JSON object such as {"amount": 7200}
[exit 2]
# --row with text after the object.
$ hunch explain tests/bad-input/data/rules.yaml --row '{"amount": 1} x'
--row: error: invalid JSON at byte 15: expected a JSON object such as {"amount": 7200}
[exit 2]
# --row nested 10,000 deep: refused before parsing, not a stack overflow.
$ hunch explain tests/bad-input/data/rules.yaml --row "$(/usr/bin/python3 -c 'print("{\"amount\": " + "[" * 10000 + "]" * 10000 + "}")')" > $GEN/out; s=$?; cut -c1-160 $GEN/out; exit $s
--row: error: JSON nested deeper than 64 levels at byte 75: expected a JSON object of plain values such as {"amount": 7200}
[exit 2]
# --row with a lone surrogate.
$ hunch explain tests/bad-input/data/rules.yaml --row '{"email": "\udc00"}'
--row: error: invalid JSON at byte 17: expected a JSON object such as {"amount": 7200}
[exit 2]
# A NUL byte inside a JSONL line to predict.
$ hunch predict tests/bad-input/data/rules.yaml --input-format jsonl < tests/bad-input/jsonl/nul_byte.jsonl
{"line":1,"id":null,"prediction":"yes","rule":"big","confidence":null,"fired":["big","disposable"]}
{"line":2,"error":"invalid JSON at byte 15: a NUL byte; expected a JSON object such as {\"amount\": 7200}"}
[exit 1]
# A JSONL line nested 100,000 deep to predict: an error line, not a stack overflow.
$ hunch predict tests/bad-input/data/rules.yaml --input-format jsonl < $GEN/deep.jsonl > $GEN/out; s=$?; cut -c1-200 $GEN/out; exit $s
{"line":1,"id":null,"prediction":"yes","rule":"big","confidence":null,"fired":["big","disposable"]}
{"line":2,"error":"JSON nested deeper than 64 levels at byte 75: expected a JSON object of plain values such as {\"amount\": 7200}"}
[exit 1]
